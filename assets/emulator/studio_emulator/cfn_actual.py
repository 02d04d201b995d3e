"""The actual state of a stack's resources, as drift detection reads it (cfn_drift.py).

One reader per checked type returns the resource's properties as they are now in moto's
backends (EC2, S3, Network Firewall), in the template's shape; a resource that no longer exists
raises Gone (drift status DELETED).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.models import Stack
from moto.ec2.models import ec2_backends
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from . import nfw_store
from .sg_rules import norm_rule, rule_dicts


class Gone(Exception):
    """The physical resource no longer exists (drift status DELETED)."""


def ec2_of(stack: Stack) -> Any:
    return ec2_backends[stack.account_id][stack.region_name]


def expected_properties(stack: Stack, lid: str) -> dict:
    js = stack.template_dict["Resources"][lid]
    props = parsing.clean_json(copy.deepcopy(js.get("Properties", {}) or {}), stack.resource_map)
    return json.loads(json.dumps(props or {}, default=str))


def _res(stack: Stack, lid: str) -> Any:
    return stack.resource_map._parsed_resources.get(lid)


def _route_actual(stack: Stack, lid: str, exp: dict) -> dict:
    ec2 = ec2_of(stack)
    rt = ec2.route_tables.get(exp.get("RouteTableId"))
    if rt is None:
        raise Gone()
    dest = exp.get("DestinationCidrBlock") or exp.get("DestinationIpv6CidrBlock")
    route = None
    for r in rt._routes.values():
        if dest and dest in (r.destination_cidr_block, r.destination_ipv6_cidr_block):
            route = r
        elif (
            exp.get("DestinationPrefixListId")
            and r.destination_prefix_list
            and r.destination_prefix_list.id == exp["DestinationPrefixListId"]
        ):
            route = r
    if route is None:
        raise Gone()
    out: dict = {"RouteTableId": rt.id}
    if route.destination_cidr_block:
        out["DestinationCidrBlock"] = route.destination_cidr_block
    if route.destination_ipv6_cidr_block:
        out["DestinationIpv6CidrBlock"] = route.destination_ipv6_cidr_block
    if route.destination_prefix_list:
        out["DestinationPrefixListId"] = route.destination_prefix_list.id
    if route.gateway is not None:
        out["GatewayId"] = route.gateway.id
    elif route.vpc_endpoint_id:
        out["VpcEndpointId"] = route.vpc_endpoint_id
    for key, attr in (
        ("NatGatewayId", "nat_gateway"),
        ("TransitGatewayId", "transit_gateway"),
        ("InstanceId", "instance"),
        ("NetworkInterfaceId", "interface"),
        ("VpcPeeringConnectionId", "vpc_pcx"),
        ("EgressOnlyInternetGatewayId", "egress_only_igw"),
        ("CarrierGatewayId", "carrier_gateway"),
    ):
        obj = getattr(route, attr, None)
        if obj is not None:
            out[key] = obj.id
    return out


def _assoc_actual(stack: Stack, lid: str, exp: dict) -> dict:
    res = _res(stack, lid)
    assoc = getattr(res, "association_id", None)
    for rt in ec2_of(stack).route_tables.values():
        if assoc in rt._associations:
            target = rt._associations[assoc]
            key = "SubnetId" if str(target).startswith("subnet-") else "GatewayId"
            return {key: target, "RouteTableId": rt.id}
    raise Gone()


def security_group(stack: Stack, group_id: str | None) -> Any:
    ec2 = ec2_of(stack)
    try:
        return ec2.get_security_group_from_id(group_id)
    except Exception:  # noqa: BLE001
        return None


def _sg_actual(stack: Stack, lid: str, exp: dict) -> dict:
    res = _res(stack, lid)
    sg = security_group(stack, getattr(res, "id", None))
    if sg is None:
        raise Gone()
    out: dict = {"GroupDescription": sg.description, "VpcId": sg.vpc_id, "GroupName": sg.name}
    out["SecurityGroupIngress"] = [norm_rule(d) for d in rule_dicts(sg, False)]
    out["SecurityGroupEgress"] = [norm_rule(d) for d in rule_dicts(sg, True)]
    return out


def _sg_rule_actual(stack: Stack, lid: str, exp: dict, egress: bool) -> dict:
    res = _res(stack, lid)
    group_id = exp.get("GroupId")
    sg = security_group(stack, group_id)
    if sg is None:
        raise Gone()
    for d in rule_dicts(sg, egress):
        if d["_rule_id"] == getattr(res, "rule_id", None):
            out = norm_rule(d)
            out["GroupId"] = sg.id
            return out
    raise Gone()


def _vpce_actual(stack: Stack, lid: str, exp: dict) -> dict:
    res = _res(stack, lid)
    ep = ec2_of(stack).vpc_end_points.get(getattr(res, "id", None))
    if ep is None or getattr(ep, "state", "") == "deleted":
        raise Gone()
    pol = ep.policy_document
    if isinstance(pol, str):
        try:
            pol = json.loads(pol)
        except ValueError:
            pass
    out: dict = {
        "VpcId": ep.vpc_id,
        "ServiceName": ep.service_name,
        "VpcEndpointType": ep.vpc_endpoint_type,
        "PolicyDocument": pol,
        "RouteTableIds": list(ep.route_table_ids or []),
        "SubnetIds": list(ep.subnet_ids or []),
        "SecurityGroupIds": list(ep.security_group_ids or []),
        "PrivateDnsEnabled": bool(ep.private_dns_enabled),
    }
    return out


def _bucket_policy_actual(stack: Stack, lid: str, exp: dict) -> dict:
    s3 = s3_backends[stack.account_id][get_partition(stack.region_name)]
    name = exp.get("Bucket")
    bucket = s3.buckets.get(name) if name else None
    if bucket is None or not bucket.policy:
        raise Gone()
    raw = bucket.policy.decode("utf-8") if isinstance(bucket.policy, bytes) else bucket.policy
    return {"Bucket": bucket.name, "PolicyDocument": json.loads(raw)}


def _nfw_actual(stack: Stack, lid: str, exp: dict, kind: str) -> dict:
    res = _res(stack, lid)
    arn = getattr(getattr(res, "obj", None), "arn", None)
    obj = nfw_store.store(kind, stack.account_id, stack.region_name).get(arn) if arn else None
    if obj is None:
        raise Gone()
    out = {k: v for k, v in obj.props.items() if k != "Tags"}
    out["RuleGroup" if kind == "rulegroup" else "FirewallPolicy"] = copy.deepcopy(obj.body)
    return json.loads(json.dumps(out, default=str))


READERS: dict[str, Callable[[Stack, str, dict], dict]] = {
    "AWS::EC2::Route": _route_actual,
    "AWS::EC2::SubnetRouteTableAssociation": _assoc_actual,
    "AWS::EC2::GatewayRouteTableAssociation": _assoc_actual,
    "AWS::EC2::SecurityGroup": _sg_actual,
    "AWS::EC2::SecurityGroupIngress": lambda s, lid, e: _sg_rule_actual(s, lid, e, False),
    "AWS::EC2::SecurityGroupEgress": lambda s, lid, e: _sg_rule_actual(s, lid, e, True),
    "AWS::EC2::VPCEndpoint": _vpce_actual,
    "AWS::S3::BucketPolicy": _bucket_policy_actual,
    "AWS::NetworkFirewall::RuleGroup": lambda s, lid, e: _nfw_actual(s, lid, e, "rulegroup"),
    "AWS::NetworkFirewall::FirewallPolicy": lambda s, lid, e: _nfw_actual(s, lid, e, "policy"),
}
