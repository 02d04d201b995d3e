"""EC2 deletes refuse while dependents exist, as in AWS (moto 5.2.5 is lenient).

moto 5.2.5 already refuses ``DeleteVpc`` while the VPC has subnets, a non-main route table or an
attached VPN gateway (the last two without quotes around the id). It deletes a VPC that still has
security groups, network interfaces, an attached internet gateway or VPC endpoints, a subnet
that still has network interfaces, and a security group that another group's rule references or
that a network interface uses. Here, as in EC2:

* ``DeleteVpc``: ``DependencyViolation`` (HTTP 400) "The vpc 'vpc-…' has dependencies and cannot
  be deleted." while the VPC has subnets, security groups other than ``default``, network
  interfaces, route tables other than the main one, an attached internet gateway or
  egress-only internet gateway or VPN gateway, or VPC endpoints not ``deleted``
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html: "You must detach
  or delete all gateways and resources that are associated with the VPC before you can delete
  it … delete all security groups associated with the VPC (except the default one), delete all
  route tables associated with the VPC (except the default one), and so on").
* ``DeleteSubnet``: ``DependencyViolation`` "The subnet 'subnet-…' has dependencies and cannot be
  deleted." while network interfaces are in it ("You must terminate all running instances in the
  subnet before you can delete the subnet", API_DeleteSubnet).
* ``DeleteSecurityGroup``: ``DependencyViolation`` "resource sg-… has a dependent object" while
  another group's ingress / egress rule references it or a network interface uses it
  (API_DeleteSecurityGroup: "If you attempt to delete a security group that is associated with
  an instance or network interface, is referenced by another security group in the same VPC, or
  has a VPC association, the operation fails with DependencyViolation").
* ``DeleteNatGateway`` also removes the gateway's network interface (moto kept it, which would
  now block the subnet and the VPC forever).
"""

from __future__ import annotations

import json
from typing import Any

from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models import EC2Backend

from .patching import install_once

_ORIG: dict[str, Any] = {}


def _vpc_of_eni(eni: Any) -> str | None:
    subnet = getattr(eni, "subnet", None)
    return getattr(subnet, "vpc_id", None)


def vpc_dependencies(be: Any, vpc_id: str) -> list[str]:
    """What keeps a VPC from being deleted (ids), in a stable order."""
    out: list[str] = []
    for subnets in be.subnets.values():
        out += [s.id for s in subnets.values() if s.vpc_id == vpc_id]
    out += [g.id for g in be.groups.get(vpc_id, {}).values() if g.name != "default"]
    out += [e.id for e in list(be.enis.values()) if _vpc_of_eni(e) == vpc_id]
    out += [rt.id for rt in be.route_tables.values() if rt.vpc_id == vpc_id and not _is_main(rt)]
    for igw in be.internet_gateways.values():
        if igw.vpc is not None and igw.vpc.id == vpc_id:
            out.append(igw.id)
    for eigw in getattr(be, "egress_only_internet_gateways", {}).values():
        if getattr(eigw, "vpc_id", None) == vpc_id and getattr(eigw, "state", "") != "deleted":
            out.append(eigw.id)
    for ep in be.vpc_end_points.values():
        if ep.vpc_id == vpc_id and getattr(ep, "state", "") != "deleted":
            out.append(ep.id)
    return out


def _is_main(rt: Any) -> bool:
    main = getattr(rt, "main_association_id", None)
    if main is not None:
        return True
    assoc = getattr(rt, "associations", {}) or {}
    return any(v == "main" or k == "main" for k, v in assoc.items()) if isinstance(assoc, dict) else False


def security_group_dependents(be: Any, group_id: str) -> list[str]:
    """Other groups whose rules reference the group, and network interfaces using it."""
    out: list[str] = []
    for groups in be.groups.values():
        for g in list(groups.values()):
            if g.id == group_id:
                continue
            for rule in list(g.ingress_rules) + list(g.egress_rules):
                if (rule.source_group or {}).get("GroupId") == group_id:
                    out.append(g.id)
                    break
    for eni in list(be.enis.values()):
        if any(getattr(sg, "id", sg) == group_id for sg in eni.group_set):
            out.append(eni.id)
    return out


def delete_vpc(self: Any, vpc_id: str) -> Any:
    if vpc_id in self.vpcs and vpc_dependencies(self, vpc_id):
        raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    return _ORIG["delete_vpc"](self, vpc_id)


def delete_subnet(self: Any, subnet_id: str) -> Any:
    if any(getattr(getattr(e, "subnet", None), "id", None) == subnet_id for e in list(self.enis.values())):
        raise DependencyViolationError(f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
    return _ORIG["delete_subnet"](self, subnet_id)


def delete_security_group(self: Any, name: str | None = None, group_id: str | None = None) -> Any:
    group = None
    if group_id:
        group = self.get_security_group_from_id(group_id)
    elif name:
        group = self.get_security_group_by_name_or_id(name)
    if group is not None and security_group_dependents(self, group.id):
        raise DependencyViolationError(f"resource {group.id} has a dependent object")
    return _ORIG["delete_security_group"](self, name=name, group_id=group_id)


def delete_nat_gateway(self: Any, nat_gateway_id: str) -> Any:
    nat = _ORIG["delete_nat_gateway"](self, nat_gateway_id)
    eni = getattr(nat, "_eni", None)
    if eni is not None:
        self.enis.pop(eni.id, None)
    return nat


def create_vpc_endpoint(self: EC2Backend, *args: Any, **kwargs: Any) -> Any:
    """A policy given as an object (CloudFormation resolves `PolicyDocument` to one) is kept as
    JSON text: DescribeVpcEndpoints answers `PolicyDocument` as the JSON string AWS stores
    (moto would answer the Python repr of the dict)."""
    doc = kwargs.get("policy_document")
    if isinstance(doc, (dict, list)):
        kwargs["policy_document"] = json.dumps(doc)
    return _ORIG["create_vpc_endpoint"](self, *args, **kwargs)


@install_once
def install() -> None:
    for name, fn in (
        ("delete_vpc", delete_vpc),
        ("delete_subnet", delete_subnet),
        ("delete_security_group", delete_security_group),
        ("delete_nat_gateway", delete_nat_gateway),
        ("create_vpc_endpoint", create_vpc_endpoint),
    ):
        _ORIG[name] = getattr(EC2Backend, name)
        setattr(EC2Backend, name, fn)
