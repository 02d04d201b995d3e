"""Pre-existing network state, written straight into moto's EC2 backend.

* ``seed_fixture()``: the small fixed set behind ``--seed-vpcs`` (something for studio-tui's CIDR
  conflict check to find).
* ``seed_vpcs(n, region)``: N VPCs with distinct CIDRs, fast, for benchmarks.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends

ACCOUNT_ID = DEFAULT_ACCOUNT_ID  # 123456789012


def _ec2(region: str, account: str = ACCOUNT_ID) -> Any:
    return ec2_backends[account][region]


def _name(name: str, **extra: str) -> list[dict[str, str]]:
    tags = [{"Key": "Name", "Value": name}]
    tags += [{"Key": k, "Value": v} for k, v in extra.items()]
    return tags


def _tag(ec2: Any, resource_id: str, name: str) -> None:
    ec2.create_tags([resource_id], {"Name": name, "studio-emulator:seed": "fixture"})


def fixture_regions() -> list[str]:
    regions = ["us-east-1"]
    env = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if env and env not in regions:
        regions.append(env)
    return regions


def seed_fixture_region(region: str) -> dict[str, Any]:
    ec2 = _ec2(region)
    seed_tag = {"studio-emulator:seed": "fixture"}
    legacy = ec2.create_vpc("10.2.0.0/16", tags=_name("legacy-analytics", **seed_tag))
    shared = ec2.create_vpc("10.0.0.0/16", tags=_name("shared-services", **seed_tag))
    ec2.associate_vpc_cidr_block(shared.id, "10.3.0.0/16", False)
    default = next((v for v in ec2.vpcs.values() if v.cidr_block == "172.31.0.0/16"), None)
    if default is None:
        default = ec2.create_vpc("172.31.0.0/16", tags=_name("default-like", **seed_tag))
    else:  # moto's default VPC already is 172.31.0.0/16: name it instead of making a twin
        _tag(ec2, default.id, "default-vpc")

    # Peering to a VPC in us-west-2 (the peer is always there, even when region is us-west-2).
    peer_region = "us-west-2"
    peer_ec2 = _ec2(peer_region)
    peer = peer_ec2.create_vpc("10.4.0.0/16", tags=_name(f"partner-{region}", **seed_tag))
    pcx = ec2.create_vpc_peering_connection(shared, peer, tags={"Name": "to-partner", **seed_tag})
    try:
        peer_ec2.accept_vpc_peering_connection(pcx.id)
    except Exception:
        pass

    # Transit gateway with a static route, attached to the legacy VPC.
    subnet = ec2.create_subnet(legacy.id, "10.2.0.0/24", availability_zone=f"{region}a")
    _tag(ec2, subnet.id, "legacy-analytics-a")
    tgw = ec2.create_transit_gateway("corporate network", tags=_name("corp-tgw", **seed_tag))
    attachment = ec2.create_transit_gateway_vpc_attachment(
        transit_gateway_id=tgw.id,
        vpc_id=legacy.id,
        subnet_ids=[subnet.id],
        tags={"Name": "corp-tgw-legacy", **seed_tag},
    )
    route_table_id = tgw.options.get("AssociationDefaultRouteTableId")
    route = None
    if route_table_id:
        route = ec2.create_transit_gateway_route(
            transit_gateway_route_table_id=route_table_id,
            destination_cidr_block="10.5.0.0/16",
            transit_gateway_attachment_id=attachment.id,
        )
    return {
        "region": region,
        "vpcs": {"legacy-analytics": legacy.id, "shared-services": shared.id, "default": default.id, "peer": peer.id},
        "peering_connection": pcx.id,
        "transit_gateway": tgw.id,
        "transit_gateway_attachment": attachment.id,
        "transit_gateway_route_table": route_table_id,
        "static_route": "10.5.0.0/16" if route is not None else None,
    }


def seed_fixture(regions: list[str] | None = None) -> list[dict[str, Any]]:
    return [seed_fixture_region(r) for r in (regions or fixture_regions())]


# The "shared-tgw" fixture: a transit gateway of another account shared with this one (AWS RAM).
TGW_OWNER_ACCOUNT = "210987654321"


def seed_shared_tgw_region(region: str) -> dict[str, Any]:
    """In account 123456789012: VPC ``branch-office`` 10.8.0.0/16 (subnet 10.8.0.0/24 in zone a)
    attached to transit gateway ``partner-hub`` owned by account 210987654321, whose default
    route table (in the owner account, invisible here) has a static route 10.9.0.0/16."""
    from . import ec2_tgw

    seed_tag = {"studio-emulator:seed": "shared-tgw"}
    owner = _ec2(region, TGW_OWNER_ACCOUNT)
    me = _ec2(region)
    tgw = owner.create_transit_gateway("partner hub (shared through AWS RAM)", tags=_name("partner-hub", **seed_tag))
    ec2_tgw.share(tgw, me)
    vpc = me.create_vpc("10.8.0.0/16", tags=_name("branch-office", **seed_tag))
    subnet = me.create_subnet(vpc.id, "10.8.0.0/24", availability_zone=f"{region}a")
    me.create_tags([subnet.id], {"Name": "branch-office-a", **seed_tag})
    attachment = ec2_tgw.attach_shared(
        me, tgw, vpc.id, [subnet.id], tags={"Name": "branch-office-partner-hub", **seed_tag}
    )
    route_table_id = tgw.default_route_table.id
    owner.create_transit_gateway_route(
        transit_gateway_route_table_id=route_table_id,
        destination_cidr_block="10.9.0.0/16",
        transit_gateway_attachment_id=attachment.id,
    )
    return {
        "region": region,
        "vpc": vpc.id,
        "transit_gateway": tgw.id,
        "transit_gateway_owner": TGW_OWNER_ACCOUNT,
        "transit_gateway_attachment": attachment.id,
        "transit_gateway_route_table": route_table_id,
        "owner_static_route": "10.9.0.0/16",
    }


def seed_shared_tgw(regions: list[str] | None = None) -> list[dict[str, Any]]:
    return [seed_shared_tgw_region(r) for r in (regions or fixture_regions())]


FIXTURES = {"default": seed_fixture, "shared-tgw": seed_shared_tgw}


# Benchmark VPCs: /24 blocks out of 100.64.0.0/10 (shared address space, out of the way of the
# 10.x plans and of the fixture); every fourth VPC also gets a secondary /24 out of 172.16.0.0/12.
_PRIMARY = ipaddress.ip_network("100.64.0.0/10")
_SECONDARY = ipaddress.ip_network("172.16.0.0/12")
_BENCH_COUNTERS: dict[tuple[str, str], int] = {}


def seed_vpcs(n: int, region: str = "us-east-1", account: str = ACCOUNT_ID) -> dict[str, Any]:
    if n < 0 or n > 16384:
        raise ValueError("vpcs must be between 0 and 16384")
    ec2 = _ec2(region, account)
    start = _BENCH_COUNTERS.get((account, region), 0)
    # Skip blocks some earlier seeding (or a reset-and-reseed) already used in this backend.
    used = {v.cidr_block for v in ec2.vpcs.values()}
    ids: list[str] = []
    i = start
    while len(ids) < n:
        primary = str(ipaddress.ip_network((int(_PRIMARY.network_address) + i * 256, 24)))
        if primary in used:
            i += 1
            continue
        vpc = ec2.create_vpc(primary, tags=_name(f"bench-{i:05d}", **{"studio-emulator:seed": "bench"}))
        if i % 4 == 3:
            secondary = ipaddress.ip_network((int(_SECONDARY.network_address) + (i // 4) * 256, 24))
            ec2.associate_vpc_cidr_block(vpc.id, str(secondary), False)
        ids.append(vpc.id)
        i += 1
    _BENCH_COUNTERS[(account, region)] = i
    return {"region": region, "created": len(ids), "vpc_ids": ids}
