"""Change computation of the CloudFormation extension (change sets and stack updates): which
resources a new template and parameters add, modify (properties, tags, resource attributes;
with or without replacement) or remove, as DescribeChangeSet's ResourceChange shows them.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.parsing import ResourceMap

from .cfn_state import physical_id
from .cfn_template import active_resources, param_refs_in, refs_in

# Properties whose change forces a replacement (subset of the CloudFormation docs).
REPLACEMENT_PROPS: dict[str, set[str]] = {
    "AWS::EC2::VPC": {"CidrBlock", "InstanceTenancy"},
    "AWS::EC2::Subnet": {"CidrBlock", "AvailabilityZone", "AvailabilityZoneId", "VpcId", "Ipv6CidrBlock"},
    "AWS::EC2::SecurityGroup": {"GroupDescription", "GroupName", "VpcId"},
    "AWS::EC2::SecurityGroupIngress": {"*"},
    "AWS::EC2::SecurityGroupEgress": {"*"},
    "AWS::EC2::RouteTable": {"VpcId"},
    "AWS::EC2::Route": {"RouteTableId", "DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"},
    "AWS::EC2::NatGateway": {"SubnetId", "AllocationId", "ConnectivityType", "PrivateIpAddress"},
    "AWS::EC2::EIP": {"Domain", "InstanceId"},
    "AWS::EC2::InternetGateway": set(),
    "AWS::EC2::VPCGatewayAttachment": {"VpcId", "InternetGatewayId", "VpnGatewayId"},
    "AWS::EC2::VPCEndpoint": {"ServiceName", "VpcId", "VpcEndpointType"},
    "AWS::EC2::SubnetRouteTableAssociation": {"SubnetId", "RouteTableId"},
    "AWS::EC2::GatewayRouteTableAssociation": {"GatewayId"},
    "AWS::S3::Bucket": {"BucketName", "ObjectLockEnabled"},
    "AWS::S3::BucketPolicy": {"Bucket"},
    "AWS::KMS::Key": {"KeySpec", "MultiRegion"},
    "AWS::KMS::Alias": {"AliasName"},
    "AWS::IAM::Role": {"RoleName", "Path"},
    "AWS::IAM::ManagedPolicy": {"ManagedPolicyName", "Path", "Description"},
    "AWS::Logs::LogGroup": {"LogGroupName"},
    "AWS::NetworkFirewall::Firewall": {"FirewallName", "VpcId"},
    "AWS::NetworkFirewall::FirewallPolicy": {"FirewallPolicyName"},
    "AWS::NetworkFirewall::RuleGroup": {"RuleGroupName", "Capacity", "Type"},
    "AWS::NetworkFirewall::LoggingConfiguration": {"FirewallArn", "FirewallName"},
}


def compute_changes(
    old_rm: ResourceMap | None, old_tpl: dict, new_rm: ResourceMap, new_tpl: dict, old_params: dict, new_params: dict
) -> list[dict]:
    old_active = set(active_resources(old_rm, old_tpl)) if old_rm is not None and old_tpl else set()
    new_active = active_resources(new_rm, new_tpl)
    # A change set compares the values each parameter resolves to: a stack created with a
    # template default and updated with the same value given explicitly changes nothing.
    if old_rm is not None:
        old_res, new_res = old_rm.resolved_parameters, new_rm.resolved_parameters
        changed_params = {k for k in set(old_res) | set(new_res) if old_res.get(k) != new_res.get(k)}
    else:
        changed_params = {k for k in set(old_params) | set(new_params) if old_params.get(k) != new_params.get(k)}
    changes: list[dict] = []
    by_id: dict[str, dict] = {}
    for lid in new_active:
        js = new_tpl["Resources"][lid]
        rtype = js["Type"]
        if lid not in old_active or old_tpl["Resources"][lid].get("Type") != rtype:
            if lid in old_active:  # type change: Remove + Add
                changes.append(new_change("Remove", lid, old_tpl["Resources"][lid]["Type"], old_rm))
            ch = new_change("Add", lid, rtype, None)
            changes.append(ch)
            by_id[lid] = ch
            continue
        old_props = old_tpl["Resources"][lid].get("Properties", {}) or {}
        new_props = js.get("Properties", {}) or {}
        names = []
        for p in sorted(set(old_props) | set(new_props)):
            if old_props.get(p) != new_props.get(p):
                names.append((p, "DirectModification"))
            elif param_refs_in(new_props.get(p), changed_params):
                names.append((p, "ParameterReference"))
        attrs = [a for a in RESOURCE_ATTRIBUTES if old_tpl["Resources"][lid].get(a) != js.get(a)]
        if names or attrs:
            ch = _modify(lid, rtype, names, old_rm)
            _add_attribute_changes(ch, attrs)
            changes.append(ch)
            by_id[lid] = ch
    # resources referring to a replaced resource get a dependent modification
    replaced = {lid for lid, ch in by_id.items() if ch["Replacement"] == "True"}
    if replaced:
        all_names = set(new_active)
        for lid in new_active:
            if lid in by_id:
                continue
            js = new_tpl["Resources"][lid]
            props = js.get("Properties", {}) or {}
            hit = [(p, "ResourceReference") for p in sorted(props) if refs_in(props[p], all_names, set()) & replaced]
            if hit:
                ch = _modify(lid, js["Type"], hit, old_rm, conditional=True)
                changes.append(ch)
                by_id[lid] = ch
    for lid in sorted(old_active):
        if lid not in set(new_active):
            changes.append(new_change("Remove", lid, old_tpl["Resources"][lid]["Type"], old_rm))
    return changes


# Resource attributes a change set reports as a Modify of their own (API ResourceChange: Scope
# "DeletionPolicy" / "UpdateReplacePolicy" / "Metadata" / ..., Replacement False). An update whose
# only difference is such an attribute is accepted and takes effect without touching the
# resource (aws-cloudformation/cloudformation-coverage-roadmap#1543 was this bug; fixed).
RESOURCE_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy")


def _add_attribute_changes(ch: dict, attrs: list[str]) -> None:
    for a in attrs:
        ch["Scope"] = sorted(set(ch["Scope"]) | {a})
        ch["Details"].append(
            {
                "Target": {"Attribute": a, "RequiresRecreation": "Never"},
                "Evaluation": "Static",
                "ChangeSource": "DirectModification",
            }
        )


def attributes_only(ch: dict) -> bool:
    return ch["Action"] == "Modify" and not ({"Properties", "Tags"} & set(ch["Scope"]))


def new_change(action: str, lid: str, rtype: str, old_rm: ResourceMap | None) -> dict:
    pid = physical_id(old_rm._parsed_resources.get(lid)) if old_rm is not None and action != "Add" else None
    ch: dict[str, Any] = {
        "Action": action,
        "LogicalResourceId": lid,
        "ResourceType": rtype,
        "Replacement": None,
        "Scope": [],
        "Details": [],
    }
    if pid:
        ch["PhysicalResourceId"] = pid
    return ch


def _modify(
    lid: str, rtype: str, names: list[tuple[str, str]], old_rm: ResourceMap | None, conditional: bool = False
) -> dict:
    repl_props = REPLACEMENT_PROPS.get(rtype, set())
    details = []
    replacement = "False"
    scope = set()
    for p, source in names:
        scope.add("Tags" if p == "Tags" else "Properties")
        needs = "*" in repl_props or p in repl_props
        if needs:
            replacement = "Conditional" if source == "ResourceReference" else "True"
        details.append(
            {
                "Target": {
                    "Attribute": "Tags" if p == "Tags" else "Properties",
                    "Name": p,
                    "RequiresRecreation": ("Conditionally" if source == "ResourceReference" else "Always")
                    if needs
                    else "Never",
                },
                "Evaluation": "Dynamic" if source == "ResourceReference" else "Static",
                "ChangeSource": source,
            }
        )
    if conditional and replacement == "True":
        replacement = "Conditional"
    ch = new_change("Modify", lid, rtype, old_rm)
    ch["Replacement"] = replacement
    ch["Scope"] = sorted(scope)
    ch["Details"] = details
    return ch
