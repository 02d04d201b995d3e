"""CloudFormation resource models moto 5.2.5 lacks (or gets wrong) for the studio template.

Everything is backed by moto's own backends so that describe calls through the
regular APIs (ec2, s3, network-firewall, ...) see what the stack created.

Also `delete_resource()`, the per-type deletion used by the stack engine (cfn_engine.py; most moto
models cannot delete themselves). Network Firewall's own state is in nfw_store.py.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.utils import random_resource_id
from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.logs.models import logs_backends
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from .nfw_store import (
    NfwInvalidRequest,
    NfwObject,
    check_policy,
    nfw_backend,
    refuse_delete_in_use,
)
from .sg_rules import apply_inline_rules


def _bool(v: Any, default: bool | None = None) -> bool | None:
    if v is None:
        return default
    if isinstance(v, str):
        return v.lower() == "true"
    return bool(v)


def _ec2(account_id: str, region: str) -> Any:
    return ec2_backends[account_id][region]


# ---------------------------------------------------------------------------
# Network Firewall
# ---------------------------------------------------------------------------
class StudioFirewall(CloudFormationModel):
    def __init__(self, fw: Any, account_id: str, region: str, endpoints: list[tuple[str, str, str]]):
        self.fw = fw
        self.account_id = account_id
        self.region = region
        self.firewall_id = str(uuid.uuid4())
        self.endpoints = endpoints  # (az, subnet_id, vpce_id)

    @staticmethod
    def cloudformation_name_type() -> str:
        return "FirewallName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::NetworkFirewall::Firewall"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("FirewallArn", "FirewallId", "EndpointIds")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "FirewallArn":
            return self.fw.arn
        if attribute_name == "FirewallId":
            return self.firewall_id
        if attribute_name == "EndpointIds":
            return [f"{az}:{vpce}" for az, _, vpce in self.endpoints]
        raise NotImplementedError(attribute_name)

    @property
    def physical_resource_id(self) -> str:
        return self.fw.arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioFirewall:
        props = cloudformation_json.get("Properties", {})
        ec2 = _ec2(account_id, region_name)
        vpc_id = props["VpcId"]
        ec2.get_vpc(vpc_id)
        mappings = [
            {"SubnetId": m["SubnetId"], "IPAddressType": m.get("IPAddressType", "IPV4")}
            for m in props.get("SubnetMappings", [])
        ]
        fw = nfw_backend(account_id, region_name).create_firewall(
            firewall_name=props.get("FirewallName", resource_name),
            firewall_policy_arn=props.get("FirewallPolicyArn"),
            vpc_id=vpc_id,
            subnet_mappings=mappings,
            delete_protection=_bool(props.get("DeleteProtection"), False),
            subnet_change_protection=_bool(props.get("SubnetChangeProtection"), False),
            firewall_policy_change_protection=_bool(props.get("FirewallPolicyChangeProtection"), False),
            description=props.get("Description", ""),
            tags=props.get("Tags", []),
            encryption_configuration=props.get("EncryptionConfiguration", {"Type": "AWS_OWNED_KMS_KEY"}),
            enabled_analysis_types=props.get("EnabledAnalysisTypes", []),
        )
        endpoints = []
        sync_states = {}
        for m in mappings:
            subnet = ec2.get_subnet(m["SubnetId"])
            az = subnet.availability_zone
            vpce = ec2.create_vpc_endpoint(
                vpc_id=vpc_id,
                service_name=f"com.amazonaws.vpce.{region_name}.vpce-svc-{random_resource_id(17)}",
                endpoint_type="GatewayLoadBalancer",
                policy_document=None,
                route_table_ids=[],
                subnet_ids=[m["SubnetId"]],
            )
            endpoints.append((az, m["SubnetId"], vpce.id))
            sync_states[az] = {
                "Attachment": {"SubnetId": m["SubnetId"], "EndpointId": vpce.id, "Status": "READY"},
                "Config": {},
            }
        fw.firewall_status = {
            "Status": "READY",
            "ConfigurationSyncStateSummary": "IN_SYNC",
            "SyncStates": sync_states,
        }
        model = cls(fw, account_id, region_name, endpoints)
        fw.studio_firewall_id = model.firewall_id
        fw.studio_endpoint_ids = [e[2] for e in endpoints]
        return model

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: StudioFirewall,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> StudioFirewall:
        """FirewallPolicyArn and the descriptive properties update without interruption (the
        firewall keeps its ARN and endpoints; AssociateFirewallPolicy for the policy)."""
        props = cloudformation_json.get("Properties", {})
        fw = original_resource.fw
        new_arn = props.get("FirewallPolicyArn")
        if new_arn and new_arn != fw.firewall_policy_arn:
            if new_arn not in nfw_backend(account_id, region_name).firewall_policies:  # type: ignore[attr-defined]
                raise NfwInvalidRequest(f"Firewall policy not found, parameter: [{new_arn}]")
            fw.firewall_policy_arn = new_arn
        if "Description" in props:
            fw.description = props["Description"]
        return original_resource

    def delete_backend(self) -> None:
        ec2 = _ec2(self.account_id, self.region)
        ids = [e[2] for e in self.endpoints if e[2] in ec2.vpc_end_points]
        if ids:
            ec2.delete_vpc_endpoints(ids)
            for i in ids:
                ec2.vpc_end_points.pop(i, None)
        nfw_backend(self.account_id, self.region).firewalls.pop(self.fw.arn, None)


class StudioFirewallPolicy(CloudFormationModel):
    def __init__(self, obj: NfwObject, account_id: str, region: str):
        self.obj = obj
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return "FirewallPolicyName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::NetworkFirewall::FirewallPolicy"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("FirewallPolicyArn", "FirewallPolicyId")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "FirewallPolicyArn":
            return self.obj.arn
        if attribute_name == "FirewallPolicyId":
            return self.obj.id
        raise NotImplementedError(attribute_name)

    @property
    def physical_resource_id(self) -> str:
        return self.obj.arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioFirewallPolicy:
        props = cloudformation_json.get("Properties", {})
        name = props.get("FirewallPolicyName", resource_name)
        arn = f"arn:{get_partition(region_name)}:network-firewall:{region_name}:{account_id}:firewall-policy/{name}"
        backend = nfw_backend(account_id, region_name)
        if arn in backend.firewall_policies:  # type: ignore[attr-defined]
            raise ValueError(f"A firewall policy with the name {name} already exists")
        check_policy(props, account_id, region_name)
        obj = NfwObject("policy", name, arn, props.get("FirewallPolicy", {}), props)
        backend.firewall_policies[arn] = obj  # type: ignore[attr-defined]
        return cls(obj, account_id, region_name)

    def delete_backend(self) -> None:
        refuse_delete_in_use("policy", self.obj.arn, self.account_id, self.region)
        nfw_backend(self.account_id, self.region).firewall_policies.pop(self.obj.arn, None)  # type: ignore[attr-defined]


class StudioRuleGroup(CloudFormationModel):
    def __init__(self, obj: NfwObject, account_id: str, region: str):
        self.obj = obj
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return "RuleGroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::NetworkFirewall::RuleGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("RuleGroupArn", "RuleGroupId")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "RuleGroupArn":
            return self.obj.arn
        if attribute_name == "RuleGroupId":
            return self.obj.id
        raise NotImplementedError(attribute_name)

    @property
    def physical_resource_id(self) -> str:
        return self.obj.arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioRuleGroup:
        props = cloudformation_json.get("Properties", {})
        name = props.get("RuleGroupName", resource_name)
        rtype = props.get("Type", "STATEFUL")
        kind = "stateful-rulegroup" if rtype == "STATEFUL" else "stateless-rulegroup"
        arn = f"arn:{get_partition(region_name)}:network-firewall:{region_name}:{account_id}:{kind}/{name}"
        backend = nfw_backend(account_id, region_name)
        if arn in backend.rule_groups:  # type: ignore[attr-defined]
            raise ValueError(f"A rule group with the name {name} already exists")
        obj = NfwObject("rulegroup", name, arn, props.get("RuleGroup", {}), props)
        backend.rule_groups[arn] = obj  # type: ignore[attr-defined]
        return cls(obj, account_id, region_name)

    def delete_backend(self) -> None:
        refuse_delete_in_use("rulegroup", self.obj.arn, self.account_id, self.region)
        nfw_backend(self.account_id, self.region).rule_groups.pop(self.obj.arn, None)  # type: ignore[attr-defined]


class StudioFirewallLogging(CloudFormationModel):
    def __init__(self, firewall_arn: str, account_id: str, region: str):
        self.firewall_arn = firewall_arn
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::NetworkFirewall::LoggingConfiguration"

    @property
    def physical_resource_id(self) -> str:
        return self.firewall_arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioFirewallLogging:
        props = cloudformation_json.get("Properties", {})
        backend = nfw_backend(account_id, region_name)
        fw = backend.update_logging_configuration(
            firewall_arn=props.get("FirewallArn"),
            firewall_name=props.get("FirewallName"),
            logging_configuration=props.get("LoggingConfiguration", {}),
        )
        return cls(fw.arn, account_id, region_name)

    def delete_backend(self) -> None:
        fw = nfw_backend(self.account_id, self.region).firewalls.get(self.firewall_arn)
        if fw is not None:
            fw.logging_configs = {}


# ---------------------------------------------------------------------------
# S3 / EC2 models moto lacks or gets wrong
# ---------------------------------------------------------------------------
class StudioBucketPolicy(CloudFormationModel):
    def __init__(self, bucket: str, physical_id: str, account_id: str, region: str):
        self.bucket = bucket
        self._physical_id = physical_id
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @property
    def physical_resource_id(self) -> str:
        return self._physical_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioBucketPolicy:
        props = cloudformation_json.get("Properties", {})
        bucket = props["Bucket"]
        doc = props.get("PolicyDocument", {})
        body = doc if isinstance(doc, str) else json.dumps(doc)
        s3_backends[account_id][get_partition(region_name)].put_bucket_policy(bucket, body.encode("utf-8"))
        return cls(bucket, resource_name, account_id, region_name)

    def delete_backend(self) -> None:
        backend = s3_backends[self.account_id][get_partition(self.region)]
        if self.bucket in backend.buckets:
            backend.delete_bucket_policy(self.bucket)


class StudioGatewayRouteTableAssociation(CloudFormationModel):
    def __init__(self, association_id: str, route_table_id: str, gateway_id: str, account_id: str, region: str):
        self.association_id = association_id
        self.route_table_id = route_table_id
        self.gateway_id = gateway_id
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::GatewayRouteTableAssociation"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "AssociationId"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "AssociationId":
            return self.association_id
        raise NotImplementedError(attribute_name)

    @property
    def physical_resource_id(self) -> str:
        return self.association_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioGatewayRouteTableAssociation:
        props = cloudformation_json.get("Properties", {})
        ec2 = _ec2(account_id, region_name)
        ec2.get_internet_gateway(props["GatewayId"])
        assoc = ec2.associate_route_table(props["RouteTableId"], gateway_id=props["GatewayId"])
        return cls(assoc, props["RouteTableId"], props["GatewayId"], account_id, region_name)

    def delete_backend(self) -> None:
        _disassociate(_ec2(self.account_id, self.region), self.association_id)


def _disassociate(ec2: Any, association_id: str) -> None:
    for rt in ec2.route_tables.values():
        if association_id in rt._associations:
            rt._associations.pop(association_id, None)


class StudioSubnetRouteTableAssociation(CloudFormationModel):
    """Replaces moto's model: Ref must be the association id, and it must be deletable."""

    def __init__(self, association_id: str, route_table_id: str, subnet_id: str, account_id: str, region: str):
        self.association_id = association_id
        self.route_table_id = route_table_id
        self.subnet_id = subnet_id
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SubnetRouteTableAssociation"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.association_id

    @property
    def physical_resource_id(self) -> str:
        return self.association_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioSubnetRouteTableAssociation:
        props = cloudformation_json.get("Properties", {})
        ec2 = _ec2(account_id, region_name)
        ec2.get_subnet(props["SubnetId"])
        rt = ec2.get_route_table(props["RouteTableId"])
        # A subnet has at most one explicit association: like AWS, refuse a second one.
        for other in ec2.route_tables.values():
            if props["SubnetId"] in other._associations.values():
                raise ValueError(f"Resource.AlreadyAssociated: the subnet {props['SubnetId']} is already associated")
        from moto.ec2.utils import random_subnet_association_id

        assoc = random_subnet_association_id()
        rt._associations[assoc] = props["SubnetId"]
        return cls(assoc, props["RouteTableId"], props["SubnetId"], account_id, region_name)

    def delete_backend(self) -> None:
        _disassociate(_ec2(self.account_id, self.region), self.association_id)


class StudioRoute(CloudFormationModel):
    """Replaces moto's model: supports VpcEndpointId (firewall endpoints) and deletion."""

    def __init__(self, route: Any, route_table_id: str, destination: str, account_id: str, region: str):
        self.route = route
        self.route_table_id = route_table_id
        self.destination = destination
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::Route"

    @property
    def physical_resource_id(self) -> str:
        return self.route.id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioRoute:
        p = cloudformation_json.get("Properties", {})
        ec2 = _ec2(account_id, region_name)
        route = ec2.create_route(
            route_table_id=p["RouteTableId"],
            destination_cidr_block=p.get("DestinationCidrBlock"),
            destination_ipv6_cidr_block=p.get("DestinationIpv6CidrBlock"),
            destination_prefix_list_id=p.get("DestinationPrefixListId"),
            gateway_id=p.get("GatewayId"),
            instance_id=p.get("InstanceId"),
            nat_gateway_id=p.get("NatGatewayId"),
            egress_only_igw_id=p.get("EgressOnlyInternetGatewayId"),
            transit_gateway_id=p.get("TransitGatewayId"),
            interface_id=p.get("NetworkInterfaceId"),
            vpc_peering_connection_id=p.get("VpcPeeringConnectionId"),
            carrier_gateway_id=p.get("CarrierGatewayId"),
            vpc_endpoint_id=p.get("VpcEndpointId"),
        )
        dest = p.get("DestinationCidrBlock") or p.get("DestinationIpv6CidrBlock") or p.get("DestinationPrefixListId")
        return cls(route, p["RouteTableId"], dest, account_id, region_name)

    def delete_backend(self) -> None:
        ec2 = _ec2(self.account_id, self.region)
        rt = ec2.route_tables.get(self.route_table_id)
        if rt is not None:
            rt._routes.pop(self.route.id, None)


class _SgRule(CloudFormationModel):
    direction = "ingress"

    def __init__(self, rule_id: str, args: dict, account_id: str, region: str):
        self.rule_id = rule_id
        self.args = args
        self.account_id = account_id
        self.region = region

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.rule_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> _SgRule:
        p = cloudformation_json.get("Properties", {})
        ec2 = _ec2(account_id, region_name)
        group_id = p.get("GroupId") or p.get("GroupName")
        peer_key = "SourceSecurityGroupId" if cls.direction == "ingress" else "DestinationSecurityGroupId"
        pl_key = "SourcePrefixListId" if cls.direction == "ingress" else "DestinationPrefixListId"
        ip_ranges = []
        if p.get("CidrIp"):
            ip_ranges.append(
                {"CidrIp": p["CidrIp"], **({"Description": p["Description"]} if p.get("Description") else {})}
            )
        if p.get("CidrIpv6"):
            ip_ranges.append({"CidrIpv6": p["CidrIpv6"]})
        groups = (
            [{"GroupId": p[peer_key], **({"Description": p["Description"]} if p.get("Description") else {})}]
            if p.get(peer_key)
            else []
        )
        pls = [{"PrefixListId": p[pl_key]}] if p.get(pl_key) else []
        proto = str(p.get("IpProtocol", "-1"))
        args = dict(
            group_name_or_id=group_id,
            ip_protocol=proto,
            from_port=p.get("FromPort", -1 if proto == "-1" else None),
            to_port=p.get("ToPort", -1 if proto == "-1" else None),
            ip_ranges=ip_ranges,
            source_groups=groups,
            prefix_list_ids=pls,
        )
        fn = ec2.authorize_security_group_ingress if cls.direction == "ingress" else ec2.authorize_security_group_egress
        rules, _ = fn(**args)
        rule_id = rules[0].id if rules else f"sgr-{random_resource_id(17)}"
        return cls(rule_id, args, account_id, region_name)

    def delete_backend(self) -> None:
        ec2 = _ec2(self.account_id, self.region)
        fn = ec2.revoke_security_group_ingress if self.direction == "ingress" else ec2.revoke_security_group_egress
        try:
            fn(**self.args)
        except Exception:  # noqa: BLE001 - group already gone / rule already revoked
            pass


class StudioSecurityGroupIngress(_SgRule):
    direction = "ingress"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SecurityGroupIngress"


class StudioSecurityGroupEgress(_SgRule):
    direction = "egress"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SecurityGroupEgress"


def _kms_tags(tags: Any) -> list:
    out = []
    for t in tags or []:
        if "TagKey" in t:
            out.append(t)
        else:
            out.append({"TagKey": t.get("Key"), "TagValue": t.get("Value")})
    return out


from moto.kms.models import Key as _MotoKmsKey  # noqa: E402


class StudioKmsKey(_MotoKmsKey):
    """moto's model passes CloudFormation Key/Value tags to KMS, which wants TagKey/TagValue."""

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> Any:
        cj = dict(cloudformation_json)
        props = dict(cj.get("Properties", {}))
        props["Tags"] = _kms_tags(props.get("Tags"))
        policy = props.get("KeyPolicy")
        if isinstance(policy, dict):
            props["KeyPolicy"] = json.dumps(policy)
        cj["Properties"] = props
        key = _MotoKmsKey.create_from_cloudformation_json(resource_name, cj, account_id, region_name, **kwargs)
        key.key_rotation_status = bool(_bool(props.get("EnableKeyRotation"), False))
        return key


OVERRIDE_MODELS = [
    StudioKmsKey,
    StudioFirewall,
    StudioFirewallPolicy,
    StudioRuleGroup,
    StudioFirewallLogging,
    StudioBucketPolicy,
    StudioGatewayRouteTableAssociation,
    StudioSubnetRouteTableAssociation,
    StudioRoute,
    StudioSecurityGroupIngress,
    StudioSecurityGroupEgress,
]


# ---------------------------------------------------------------------------
# After-create fix-ups for moto models that ignore template properties
# ---------------------------------------------------------------------------
def post_create(resource: Any, rtype: str, props: dict, account_id: str, region: str) -> None:
    partition = get_partition(region)
    if rtype == "AWS::S3::Bucket":
        s3 = s3_backends[account_id][partition]
        name = resource.name
        vc = props.get("VersioningConfiguration")
        if vc and vc.get("Status"):
            s3.put_bucket_versioning(name, vc["Status"])
        pab = props.get("PublicAccessBlockConfiguration")
        if pab:
            s3.put_public_access_block(
                name, {k: str(_bool(v)).lower() if isinstance(v, (bool, str)) else v for k, v in pab.items()}
            )
    elif rtype == "AWS::KMS::Key":
        try:
            resource.studio_pending_window = int(props.get("PendingWindowInDays", 30))
        except (TypeError, ValueError):
            resource.studio_pending_window = 30
    elif rtype == "AWS::IAM::Role":
        iam = iam_backends[account_id][partition]
        for arn in props.get("ManagedPolicyArns", []) or []:
            try:
                iam.attach_role_policy(arn, resource.name)
            except Exception:  # noqa: BLE001 - unknown AWS managed policy in moto
                pass
    elif rtype == "AWS::EC2::SecurityGroup":  # moto drops inline egress rules and descriptions
        apply_inline_rules(resource, props, account_id, region)
    elif rtype == "AWS::Logs::LogGroup":
        if props.get("RetentionInDays"):
            try:
                resource.retention_in_days = int(props["RetentionInDays"])
            except Exception:  # noqa: BLE001
                pass
        if props.get("KmsKeyId"):
            resource.kms_key_id = props["KmsKeyId"]


# ---------------------------------------------------------------------------
# Deletion: one function per type, using moto's backends
# ---------------------------------------------------------------------------
def delete_resource(resource: Any, rtype: str, account_id: str, region: str) -> None:
    """Delete the backend object behind a stack resource. Raises on real failures."""
    if hasattr(resource, "delete_backend"):
        resource.delete_backend()
        return
    partition = get_partition(region)
    ec2 = _ec2(account_id, region)
    if rtype == "AWS::EC2::VPC":
        # moto keeps the default SG and main route table; delete_vpc handles them.
        ec2.delete_vpc(resource.id)
    elif rtype == "AWS::EC2::Subnet":
        ec2.delete_subnet(resource.id)
    elif rtype == "AWS::EC2::InternetGateway":
        ec2.delete_internet_gateway(resource.id)
    elif rtype == "AWS::EC2::VPCGatewayAttachment":
        if resource.gateway_id and resource.gateway_id.startswith("igw-"):
            ec2.detach_internet_gateway(resource.gateway_id, resource.vpc_id)
        elif resource.gateway_id:
            ec2.detach_vpn_gateway(resource.gateway_id)
    elif rtype == "AWS::EC2::EIP":
        ec2.release_address(allocation_id=resource.allocation_id)
    elif rtype == "AWS::EC2::NatGateway":
        ec2.delete_nat_gateway(resource.id)
        ec2.nat_gateways.pop(resource.id, None)
    elif rtype == "AWS::EC2::RouteTable":
        ec2.delete_route_table(resource.id)
    elif rtype == "AWS::EC2::SecurityGroup":
        ec2.delete_security_group(group_id=resource.id)
    elif rtype == "AWS::EC2::VPCEndpoint":
        ec2.delete_vpc_endpoints([resource.id])
        ec2.vpc_end_points.pop(resource.id, None)
        for eni in list(getattr(resource, "network_interface_ids", None) or []):
            try:
                ec2.delete_network_interface(eni)
            except Exception:  # noqa: BLE001
                pass
    elif rtype == "AWS::S3::Bucket":
        s3 = s3_backends[account_id][partition]
        if resource.name in s3.buckets and s3.delete_bucket(resource.name) is None:
            # moto's backend answers None for a bucket that still has objects (or versions /
            # delete markers); S3 answers 409 BucketNotEmpty.
            from moto.s3.exceptions import BucketNotEmpty

            raise BucketNotEmpty(resource.name)
    elif rtype == "AWS::KMS::Key":
        # Like CloudFormation: the key is scheduled for deletion (KeyState PendingDeletion,
        # DeletionDate = now + PendingWindowInDays; the property defaults to 30 days).
        kms = kms_backends[account_id][region]
        if resource.id in kms.keys and kms.keys[resource.id].key_state != "PendingDeletion":
            kms.schedule_key_deletion(resource.id, int(getattr(resource, "studio_pending_window", 30)))
    elif rtype == "AWS::KMS::Alias":
        kms_backends[account_id][region].delete_alias(getattr(resource, "alias_name", None) or resource.name)
    elif rtype == "AWS::IAM::Role":
        iam = iam_backends[account_id][partition]
        role = iam.get_role(resource.name)
        for arn in list(role.managed_policies):
            iam.detach_role_policy(arn, role.name)
        for pname in list(role.policies):
            iam.delete_role_policy(role.name, pname)
        for profile in list(iam.get_instance_profiles()):
            if any(r.name == role.name for r in profile.roles):
                iam.remove_role_from_instance_profile(profile.name, role.name)
        iam.delete_role(role.name)
    elif rtype == "AWS::IAM::ManagedPolicy":
        iam = iam_backends[account_id][partition]
        for role in list(iam.roles.values()):
            if resource.arn in role.managed_policies:
                iam.detach_role_policy(resource.arn, role.name)
        for user in list(iam.users.values()):
            if resource.arn in user.managed_policies:
                iam.detach_user_policy(resource.arn, user.name)
        for group in list(iam.groups.values()):
            if resource.arn in group.managed_policies:
                iam.detach_group_policy(resource.arn, group.name)
        iam.delete_policy(resource.arn)
    elif rtype == "AWS::IAM::Policy":
        iam = iam_backends[account_id][partition]
        for role_name in getattr(resource, "roles", None) or []:
            try:
                iam.delete_role_policy(role_name, resource.name)
            except Exception:  # noqa: BLE001
                pass
    elif rtype == "AWS::Logs::LogGroup":
        logs_backends[account_id][region].delete_log_group(resource.name)
    else:
        # Fall back to whatever moto offers for the type.
        from moto.cloudformation.parsing import parse_and_delete_resource

        if hasattr(resource, "delete"):
            try:
                resource.delete(account_id, region)
                return
            except (TypeError, AttributeError):
                pass
        parse_and_delete_resource(
            getattr(resource, "physical_resource_id", None),
            {"Type": rtype, "Properties": {}},
            account_id,
            region,
        )
