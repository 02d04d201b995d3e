"""CloudFormation resource models moto 5.2.5 lacks (or gets wrong) for the studio template.

Everything is backed by moto's own backends so that describe calls through the
regular APIs (ec2, s3, network-firewall, ...) see what the stack created.

Also `delete_resource()`, the per-type deletion used by the stack engine (cfn_engine.py; most moto
models cannot delete themselves). Network Firewall's own state is in nfw_store.py.
"""

from __future__ import annotations

import json
import uuid
from operator import attrgetter
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.utils import random_resource_id, random_subnet_association_id
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
    store,
)
from .patching import patch
from .sg_rules import apply_inline_rules, rule_args

# A template's Properties (parsed JSON, resolved by moto: any shape a template can write).
Props = Any


def _bool(v: Any, default: bool | None = None) -> bool | None:
    if v is None:
        return default
    if isinstance(v, str):
        return v.lower() == "true"
    return bool(v)


def _ec2(account_id: str, region: str) -> Any:
    return ec2_backends[account_id][region]


class StudioModel(CloudFormationModel):
    """What the models here share. A model names its type (CFN_TYPE), its name property
    (NAME_TYPE, "" for none), its Fn::GetAtt attributes and its physical id, each as the path of
    an attribute of the object (ATTRIBUTES, PHYSICAL_ID: "obj.arn"); it is made by create() from
    the template's Properties and removed by delete_backend() (cfn_resources.delete_resource)."""

    CFN_TYPE = "AWS::SERVICE::RESOURCE"
    NAME_TYPE = ""
    ATTRIBUTES: dict[str, str] = {}
    PHYSICAL_ID = ""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.CFN_TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.ATTRIBUTES:
            raise NotImplementedError(attribute_name)
        return attrgetter(self.ATTRIBUTES[attribute_name])(self)

    @property
    def physical_resource_id(self) -> str:
        return attrgetter(self.PHYSICAL_ID)(self)

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> StudioModel:
        return cls.create(resource_name, cloudformation_json.get("Properties", {}), account_id, region_name)

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> StudioModel:
        raise NotImplementedError(cls.CFN_TYPE)


# ---------------------------------------------------------------------------
# Network Firewall
# ---------------------------------------------------------------------------
class StudioFirewall(StudioModel):
    CFN_TYPE = "AWS::NetworkFirewall::Firewall"
    NAME_TYPE = "FirewallName"
    ATTRIBUTES = {"FirewallArn": "fw.arn", "FirewallId": "firewall_id", "EndpointIds": "endpoint_ids"}
    PHYSICAL_ID = "fw.arn"

    def __init__(self, fw: Any, account_id: str, region: str, endpoints: list[tuple[str, str, str]]):
        super().__init__(account_id, region)
        self.fw = fw
        self.firewall_id = str(uuid.uuid4())
        self.endpoints = endpoints  # (az, subnet_id, vpce_id)

    @property
    def endpoint_ids(self) -> list[str]:
        return [f"{az}:{vpce}" for az, _, vpce in self.endpoints]

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> StudioFirewall:
        ec2 = _ec2(account_id, region)
        vpc_id = props["VpcId"]
        ec2.get_vpc(vpc_id)
        mappings = [
            {"SubnetId": m["SubnetId"], "IPAddressType": m.get("IPAddressType", "IPV4")}
            for m in props.get("SubnetMappings", [])
        ]
        fw = nfw_backend(account_id, region).create_firewall(
            firewall_name=props.get("FirewallName", name),
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
                service_name=f"com.amazonaws.vpce.{region}.vpce-svc-{random_resource_id(17)}",
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
        model = cls(fw, account_id, region, endpoints)
        patch(
            fw,
            firewall_status={"Status": "READY", "ConfigurationSyncStateSummary": "IN_SYNC", "SyncStates": sync_states},
            studio_firewall_id=model.firewall_id,
            studio_endpoint_ids=[e[2] for e in endpoints],
        )
        return model

    @classmethod
    def update_from_cloudformation_json(
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
            if new_arn not in store("policy", account_id, region_name):
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


class _NfwObjectModel(StudioModel):
    """A firewall policy or rule group: an NfwObject in nfw_store (its ARN is the physical id),
    refused deletion while in use."""

    KIND = ""  # NfwObject.kind: "policy" or "rulegroup"
    BODY = ""  # the property holding the object's body
    WHAT = ""  # the object, in messages
    PHYSICAL_ID = "obj.arn"

    def __init__(self, obj: NfwObject, account_id: str, region: str):
        super().__init__(account_id, region)
        self.obj = obj

    @classmethod
    def arn_resource(cls, props: Props) -> str:
        raise NotImplementedError(cls.CFN_TYPE)

    @classmethod
    def check(cls, props: Props, account_id: str, region: str) -> None:
        """What Network Firewall refuses at creation (nothing by default)."""

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> _NfwObjectModel:
        name = props.get(cls.NAME_TYPE, name)
        arn = f"arn:{get_partition(region)}:network-firewall:{region}:{account_id}:{cls.arn_resource(props)}/{name}"
        objects = store(cls.KIND, account_id, region)
        if arn in objects:
            raise ValueError(f"A {cls.WHAT} with the name {name} already exists")
        cls.check(props, account_id, region)
        obj = NfwObject(cls.KIND, name, arn, props.get(cls.BODY, {}), props)
        objects[arn] = obj
        return cls(obj, account_id, region)

    def delete_backend(self) -> None:
        refuse_delete_in_use(self.KIND, self.obj.arn, self.account_id, self.region)
        store(self.KIND, self.account_id, self.region).pop(self.obj.arn, None)


class StudioFirewallPolicy(_NfwObjectModel):
    CFN_TYPE = "AWS::NetworkFirewall::FirewallPolicy"
    NAME_TYPE = "FirewallPolicyName"
    ATTRIBUTES = {"FirewallPolicyArn": "obj.arn", "FirewallPolicyId": "obj.id"}
    KIND, BODY, WHAT = "policy", "FirewallPolicy", "firewall policy"

    @classmethod
    def arn_resource(cls, props: Props) -> str:
        return "firewall-policy"

    @classmethod
    def check(cls, props: Props, account_id: str, region: str) -> None:
        check_policy(props, account_id, region)


class StudioRuleGroup(_NfwObjectModel):
    CFN_TYPE = "AWS::NetworkFirewall::RuleGroup"
    NAME_TYPE = "RuleGroupName"
    ATTRIBUTES = {"RuleGroupArn": "obj.arn", "RuleGroupId": "obj.id"}
    KIND, BODY, WHAT = "rulegroup", "RuleGroup", "rule group"

    @classmethod
    def arn_resource(cls, props: Props) -> str:
        return "stateful-rulegroup" if props.get("Type", "STATEFUL") == "STATEFUL" else "stateless-rulegroup"


class StudioFirewallLogging(StudioModel):
    CFN_TYPE = "AWS::NetworkFirewall::LoggingConfiguration"
    PHYSICAL_ID = "firewall_arn"

    def __init__(self, firewall_arn: str, account_id: str, region: str):
        super().__init__(account_id, region)
        self.firewall_arn = firewall_arn

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> StudioFirewallLogging:
        fw = nfw_backend(account_id, region).update_logging_configuration(
            firewall_arn=props.get("FirewallArn"),
            firewall_name=props.get("FirewallName"),
            logging_configuration=props.get("LoggingConfiguration", {}),
        )
        return cls(fw.arn, account_id, region)

    def delete_backend(self) -> None:
        fw = nfw_backend(self.account_id, self.region).firewalls.get(self.firewall_arn)
        if fw is not None:
            fw.logging_configs = {}


# ---------------------------------------------------------------------------
# S3 / EC2 models moto lacks or gets wrong
# ---------------------------------------------------------------------------
class StudioBucketPolicy(StudioModel):
    CFN_TYPE = "AWS::S3::BucketPolicy"
    PHYSICAL_ID = "logical_id"

    def __init__(self, bucket: str, logical_id: str, account_id: str, region: str):
        super().__init__(account_id, region)
        self.bucket = bucket
        self.logical_id = logical_id

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> StudioBucketPolicy:
        bucket = props["Bucket"]
        doc = props.get("PolicyDocument", {})
        body = doc if isinstance(doc, str) else json.dumps(doc)
        s3_backends[account_id][get_partition(region)].put_bucket_policy(bucket, body.encode("utf-8"))
        return cls(bucket, name, account_id, region)

    def delete_backend(self) -> None:
        backend = s3_backends[self.account_id][get_partition(self.region)]
        if self.bucket in backend.buckets:
            backend.delete_bucket_policy(self.bucket)


class _RouteTableAssociation(StudioModel):
    """A route table association (of a subnet or a gateway): its id is the physical id."""

    PHYSICAL_ID = "association_id"

    def __init__(self, association_id: str, route_table_id: str, target_id: str, account_id: str, region: str):
        super().__init__(account_id, region)
        self.association_id = association_id
        self.route_table_id = route_table_id
        self.target_id = target_id

    def delete_backend(self) -> None:
        for rt in _ec2(self.account_id, self.region).route_tables.values():
            if self.association_id in rt._associations:
                rt._associations.pop(self.association_id, None)


class StudioGatewayRouteTableAssociation(_RouteTableAssociation):
    CFN_TYPE = "AWS::EC2::GatewayRouteTableAssociation"
    ATTRIBUTES = {"AssociationId": "association_id"}

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> StudioGatewayRouteTableAssociation:
        ec2 = _ec2(account_id, region)
        ec2.get_internet_gateway(props["GatewayId"])
        assoc = ec2.associate_route_table(props["RouteTableId"], gateway_id=props["GatewayId"])
        return cls(assoc, props["RouteTableId"], props["GatewayId"], account_id, region)


class StudioSubnetRouteTableAssociation(_RouteTableAssociation):
    """Replaces moto's model: Ref must be the association id, and it must be deletable."""

    CFN_TYPE = "AWS::EC2::SubnetRouteTableAssociation"
    ATTRIBUTES = {"Id": "association_id"}

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> StudioSubnetRouteTableAssociation:
        ec2 = _ec2(account_id, region)
        ec2.get_subnet(props["SubnetId"])
        rt = ec2.get_route_table(props["RouteTableId"])
        # A subnet has at most one explicit association: like AWS, refuse a second one.
        for other in ec2.route_tables.values():
            if props["SubnetId"] in other._associations.values():
                raise ValueError(f"Resource.AlreadyAssociated: the subnet {props['SubnetId']} is already associated")
        assoc = random_subnet_association_id()
        rt._associations[assoc] = props["SubnetId"]
        return cls(assoc, props["RouteTableId"], props["SubnetId"], account_id, region)


class StudioRoute(StudioModel):
    """Replaces moto's model: supports VpcEndpointId (firewall endpoints) and deletion."""

    CFN_TYPE = "AWS::EC2::Route"
    PHYSICAL_ID = "route.id"

    def __init__(self, route: Any, route_table_id: str, destination: str | None, account_id: str, region: str):
        super().__init__(account_id, region)
        self.route = route
        self.route_table_id = route_table_id
        self.destination = destination

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> StudioRoute:
        p = props
        route = _ec2(account_id, region).create_route(
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
        return cls(route, p["RouteTableId"], dest, account_id, region)

    def delete_backend(self) -> None:
        rt = _ec2(self.account_id, self.region).route_tables.get(self.route_table_id)
        if rt is not None:
            rt._routes.pop(self.route.id, None)


class _SgRule(StudioModel):
    """A standalone security group rule (SecurityGroupIngress / SecurityGroupEgress)."""

    EGRESS = False
    PHYSICAL_ID = "rule_id"

    def __init__(self, rule_id: str, args: dict, account_id: str, region: str):
        super().__init__(account_id, region)
        self.rule_id = rule_id
        self.args = args

    @classmethod
    def create(cls, name: str, props: Props, account_id: str, region: str) -> _SgRule:
        ec2 = _ec2(account_id, region)
        group_id = props.get("GroupId") or props.get("GroupName")
        args = rule_args(group_id, dict(props, IpProtocol=str(props.get("IpProtocol", "-1"))), cls.EGRESS)
        fn = ec2.authorize_security_group_egress if cls.EGRESS else ec2.authorize_security_group_ingress
        rules, _ = fn(**args)
        rule_id = rules[0].id if rules else f"sgr-{random_resource_id(17)}"
        return cls(rule_id, args, account_id, region)

    def delete_backend(self) -> None:
        ec2 = _ec2(self.account_id, self.region)
        fn = ec2.revoke_security_group_egress if self.EGRESS else ec2.revoke_security_group_ingress
        try:
            fn(**self.args)
        except Exception:  # noqa: BLE001 - group already gone / rule already revoked
            pass


class StudioSecurityGroupIngress(_SgRule):
    CFN_TYPE = "AWS::EC2::SecurityGroupIngress"


class StudioSecurityGroupEgress(_SgRule):
    CFN_TYPE = "AWS::EC2::SecurityGroupEgress"
    EGRESS = True


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
    def create_from_cloudformation_json(
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


# CloudFormationModel classes (mypy calls them abstract: moto marks methods abstract without ABCMeta)
OVERRIDE_MODELS: list[Any] = [
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
            getattr(resource, "physical_resource_id", None),  # type: ignore[arg-type]  # moto's models all have one
            {"Type": rtype, "Properties": {}},
            account_id,
            region,
        )
