"""Security group rules in CloudFormation's inline-rule shape, on moto's EC2 backend.

Read a group's rules as CloudFormation writes them, normalise them for comparison, authorize and
revoke them. Used by the stack's resources (cfn_resources: a group's inline rules at creation)
and by drift (reading and reverting a group's rules). A leaf: imports nothing of the package.
"""

from __future__ import annotations

import logging
from typing import Any

from moto.ec2.models import ec2_backends

log = logging.getLogger("studio_emulator.cfn_drift")


def rule_dicts(sg: Any, egress: bool) -> list[dict]:
    """The group's rules in CloudFormation's inline-rule shape (one rule per peer)."""
    out = []
    for r in sg.egress_rules if egress else sg.ingress_rules:
        d: dict = {"IpProtocol": str(r.ip_protocol)}
        if r.from_port is not None:
            d["FromPort"] = int(r.from_port)
        if r.to_port is not None:
            d["ToPort"] = int(r.to_port)
        if r.ip_range.get("CidrIp"):
            d["CidrIp"] = r.ip_range["CidrIp"]
        if r.ip_range.get("CidrIpv6"):
            d["CidrIpv6"] = r.ip_range["CidrIpv6"]
        if r.source_group.get("GroupId"):
            d["DestinationSecurityGroupId" if egress else "SourceSecurityGroupId"] = r.source_group["GroupId"]
        if r.prefix_list_id:
            d["DestinationPrefixListId" if egress else "SourcePrefixListId"] = r.prefix_list_id
        desc = r.ip_range.get("Description") or r.source_group.get("Description")
        if desc:
            d["Description"] = desc
        d["_rule_id"] = r.id
        out.append(d)
    return out


_PROTO = {"6": "tcp", "17": "udp", "1": "icmp", "all": "-1", "-1": "-1"}


def norm_rule(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if k.startswith("_") or k in ("SourceSecurityGroupOwnerId",) or v in (None, ""):
            continue
        if k == "IpProtocol":
            v = _PROTO.get(str(v).lower(), str(v).lower())
        elif k in ("FromPort", "ToPort"):
            v = int(v)
        out[k] = v
    if out.get("IpProtocol") == "-1":
        out.pop("FromPort", None)
        out.pop("ToPort", None)
    return out


def rule_args(group_id: str | None, d: dict, egress: bool) -> dict:
    proto = d.get("IpProtocol", "-1")
    ip_ranges = []
    if d.get("CidrIp"):
        ip_ranges.append({"CidrIp": d["CidrIp"], **({"Description": d["Description"]} if d.get("Description") else {})})
    if d.get("CidrIpv6"):
        ip_ranges.append({"CidrIpv6": d["CidrIpv6"]})
    peer = d.get("DestinationSecurityGroupId" if egress else "SourceSecurityGroupId")
    pl = d.get("DestinationPrefixListId" if egress else "SourcePrefixListId")
    return dict(
        group_name_or_id=group_id,
        ip_protocol=proto,
        from_port=d.get("FromPort", -1 if proto == "-1" else None),
        to_port=d.get("ToPort", -1 if proto == "-1" else None),
        ip_ranges=ip_ranges,
        source_groups=[{"GroupId": peer, **({"Description": d["Description"]} if d.get("Description") else {})}]
        if peer
        else [],
        prefix_list_ids=[{"PrefixListId": pl}] if pl else [],
    )


def authorize(ec2: Any, group_id: str, d: dict, egress: bool) -> None:
    fn = ec2.authorize_security_group_egress if egress else ec2.authorize_security_group_ingress
    fn(**rule_args(group_id, d, egress))


def revoke(ec2: Any, group_id: str, d: dict, egress: bool) -> None:
    fn = ec2.revoke_security_group_egress if egress else ec2.revoke_security_group_ingress
    try:
        fn(
            **rule_args(
                group_id, norm_rule(d) | ({"Description": d["Description"]} if d.get("Description") else {}), egress
            )
        )
    except Exception:  # noqa: BLE001
        log.warning("revoking %s on %s failed", d, group_id)


def apply_inline_rules(sg: Any, props: dict, account_id: str, region: str) -> None:
    """AWS::EC2::SecurityGroup's inline rules as EC2 has them after CloudFormation created the
    group: moto 5.2.5 ignores SecurityGroupEgress (the default allow-all egress rule stays) and
    rule descriptions. AWS::EC2::SecurityGroup, SecurityGroupEgress: "When you specify a VPC
    security group, Amazon EC2 creates a default egress rule that allows egress traffic on all
    ports and IP protocols to any location. The default rule is removed only when you specify one
    or more egress rules." """
    ec2 = ec2_backends[account_id][region]
    for key, egress in (("SecurityGroupIngress", False), ("SecurityGroupEgress", True)):
        rules = props.get(key) or []
        if not rules:
            continue
        for d in rule_dicts(sg, egress):
            revoke(ec2, sg.id, d, egress)
        for r in rules:
            authorize(
                ec2, sg.id, norm_rule(r) | ({"Description": r["Description"]} if r.get("Description") else {}), egress
            )
