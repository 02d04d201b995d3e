#!/usr/bin/env python3
"""Smoke test of the studio-tui emulator over real HTTP with boto3.

Run with the emulator's venv:  <venv>/bin/python assets/emulator/tests_server_smoke.py
Starts ``python -m studio_emulator --port 0 --seed-vpcs`` as a subprocess, waits for the READY
line, exercises the control endpoints, the VPC fixture, the SageMaker extension, faults, reset,
bad arguments and SIGTERM, then stops it. Exits non-zero on the first failure.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"
CHECKS = {"passed": 0, "failed": 0}


def check(cond: bool, what: str) -> None:
    if cond:
        CHECKS["passed"] += 1
        print(f"ok   {what}")
    else:
        CHECKS["failed"] += 1
        print(f"FAIL {what}")
        raise AssertionError(what)


def expect_error(fn, code: str, what: str, status: int | None = None) -> botocore.exceptions.ClientError:
    try:
        fn()
    except botocore.exceptions.ClientError as exc:
        got = exc.response["Error"]["Code"]
        got_status = exc.response["ResponseMetadata"].get("HTTPStatusCode")
        check(got == code and (status is None or got_status == status),
              f"{what}: {code}{'/' + str(status) if status else ''} (got {got}/{got_status}: "
              f"{exc.response['Error'].get('Message', '')[:80]})")
        return exc
    check(False, f"{what}: expected {code}, call succeeded")
    raise AssertionError  # unreachable


def start(args: list[str], env: dict | None = None) -> tuple[subprocess.Popen, str]:
    proc_env = dict(os.environ, PYTHONPATH=HERE, AWS_DEFAULT_REGION=REGION, **(env or {}))
    proc = subprocess.Popen([sys.executable, "-m", "studio_emulator", *args], cwd=HERE,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=proc_env)
    result: dict[str, str] = {}

    def read() -> None:
        result["line"] = proc.stdout.readline()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(60)
    line = result.get("line", "")
    if not line.startswith("STUDIO_EMULATOR_READY "):
        proc.kill()
        raise SystemExit(f"emulator did not become ready: {line!r} {proc.stderr.read()[-2000:]}")
    return proc, line.split()[1]


def http(url: str, method: str = "GET", body: object | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw.strip().startswith((b"{", b"[")) else raw


def client(url: str, service: str, region: str = REGION, retries: bool = True,
           validate: bool = True):
    cfg = Config(retries={"total_max_attempts": 1} if not retries else {"max_attempts": 3,
                                                                         "mode": "standard"},
                 connect_timeout=5, read_timeout=30, parameter_validation=validate)
    return boto3.client(service, region_name=region, endpoint_url=url, config=cfg,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def wait_status(describe, want: str, timeout: float = 20) -> dict:
    deadline = time.time() + timeout
    while True:
        out = describe()
        if out["Status"] == want or time.time() > deadline:
            return out
        time.sleep(0.1)


def test_fixture(url: str) -> None:
    ec2 = client(url, "ec2")
    vpcs = ec2.describe_vpcs()["Vpcs"]
    names = {next((t["Value"] for t in v.get("Tags", []) if t["Key"] == "Name"), ""): v
             for v in vpcs}
    check("legacy-analytics" in names and names["legacy-analytics"]["CidrBlock"] == "10.2.0.0/16",
          "fixture: legacy-analytics 10.2.0.0/16")
    shared = next(v for v in vpcs if v["CidrBlock"] == "10.0.0.0/16")
    blocks = {a["CidrBlock"] for a in shared["CidrBlockAssociationSet"]}
    check(blocks == {"10.0.0.0/16", "10.3.0.0/16"}, "fixture: 10.0.0.0/16 + secondary 10.3.0.0/16")
    check(any(v["CidrBlock"] == "172.31.0.0/16" for v in vpcs), "fixture: 172.31.0.0/16")
    pcx = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    check(any(p["AccepterVpcInfo"].get("CidrBlock") == "10.4.0.0/16"
              and p["AccepterVpcInfo"].get("Region") == "us-west-2" for p in pcx),
          "fixture: peering to 10.4.0.0/16 in us-west-2")
    tgws = ec2.describe_transit_gateways()["TransitGateways"]
    check(len(tgws) == 1, "fixture: one transit gateway")
    rt = tgws[0]["Options"]["AssociationDefaultRouteTableId"]
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rt,
        Filters=[{"Name": "type", "Values": ["static"]}])["Routes"]
    check(any(r["DestinationCidrBlock"] == "10.5.0.0/16" for r in routes),
          "fixture: transit gateway static route 10.5.0.0/16")
    atts = ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
    check(any(a["VpcId"] == names["legacy-analytics"]["VpcId"] for a in atts),
          "fixture: transit gateway attached to legacy-analytics")


def test_shared_tgw(url: str) -> None:
    out = http(f"{url}/_studio/seed", "POST", {"fixture": "shared-tgw"})["fixture"][0]
    check(out["transit_gateway_owner"] == "210987654321", "POST /_studio/seed shared-tgw")
    ec2 = client(url, "ec2")
    tgw_id, rt_id = out["transit_gateway"], out["transit_gateway_route_table"]
    vpc = ec2.describe_vpcs(VpcIds=[out["vpc"]])["Vpcs"][0]
    check(vpc["CidrBlock"] == "10.8.0.0/16" and vpc["OwnerId"] == "123456789012",
          "shared-tgw: VPC 10.8.0.0/16 in this account")
    atts = ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])["TransitGatewayAttachments"]
    check(len(atts) == 1 and atts[0]["TransitGatewayOwnerId"] == "210987654321"
          and atts[0]["ResourceOwnerId"] == "123456789012" and atts[0]["ResourceId"] == vpc["VpcId"],
          "DescribeTransitGatewayAttachments: TransitGatewayOwnerId 210987654321, ResourceOwnerId ours")
    vatts = ec2.describe_transit_gateway_vpc_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])["TransitGatewayVpcAttachments"]
    check(len(vatts) == 1 and vatts[0]["VpcOwnerId"] == "123456789012"
          and vatts[0]["VpcId"] == vpc["VpcId"], "DescribeTransitGatewayVpcAttachments: our VPC")
    tgws = {t["TransitGatewayId"]: t for t in ec2.describe_transit_gateways()["TransitGateways"]}
    check(tgw_id in tgws and tgws[tgw_id]["OwnerId"] == "210987654321",
          "DescribeTransitGateways lists the shared gateway with OwnerId 210987654321")
    only = ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    check([t["TransitGatewayId"] for t in only] == [tgw_id], "DescribeTransitGateways by id")
    tables = ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]
    check(all(t["TransitGatewayRouteTableId"] != rt_id for t in tables),
          "the owner's route table is not listed")
    expect_error(lambda: ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rt_id, Filters=[{"Name": "type", "Values": ["static"]}]),
        "InvalidRouteTableID.NotFound", "SearchTransitGatewayRoutes on the owner's route table")
    expect_error(lambda: ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[rt_id]),
                 "InvalidRouteTableID.NotFound", "DescribeTransitGatewayRouteTables with its id")
    expect_error(lambda: ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=rt_id), "InvalidRouteTableID.NotFound",
        "GetTransitGatewayRouteTablePropagations with its id")
    creds = client(url, "sts").assume_role(RoleArn="arn:aws:iam::210987654321:role/network-admin",
                                           RoleSessionName="owner")["Credentials"]
    owner = boto3.client("ec2", region_name=REGION, endpoint_url=url,
                         aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])
    routes = owner.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rt_id, Filters=[{"Name": "type", "Values": ["static"]}])["Routes"]
    check([r["DestinationCidrBlock"] for r in routes] == ["10.9.0.0/16"],
          "the owner account reads its static route 10.9.0.0/16")
    http(f"{url}/moto-api/reset", "POST")
    check(all(t["OwnerId"] == "123456789012" for t in ec2.describe_transit_gateways()["TransitGateways"]),
          "/moto-api/reset drops the shared gateway (only --seed-vpcs is re-seeded)")


# Every endpoint service studio-environment.yaml creates (the ServiceName: lines).
TEMPLATE_SERVICES = [f"com.amazonaws.{REGION}.{s}" for s in (
    "s3", "sagemaker.api", "sagemaker.runtime", "sagemaker.featurestore-runtime",
    "sagemaker.metrics", "sts", "logs", "monitoring", "ecr.api", "ecr.dkr", "servicecatalog")] + [
    f"aws.sagemaker.{REGION}.notebook", f"aws.sagemaker.{REGION}.studio"]


def test_zones(url: str) -> None:
    ec2 = client(url, "ec2")
    metrics = f"com.amazonaws.{REGION}.sagemaker.metrics"
    out = ec2.describe_vpc_endpoint_services(ServiceNames=TEMPLATE_SERVICES)
    check(sorted(out["ServiceNames"]) == sorted(TEMPLATE_SERVICES),
          "DescribeVpcEndpointServices lists every template service once in ServiceNames")
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    check(all(d["AvailabilityZones"] == zones for d in out["ServiceDetails"]),
          "by default every service is offered in every zone")
    types = {(d["ServiceName"], d["ServiceType"][0]["ServiceType"]) for d in out["ServiceDetails"]}
    check((f"com.amazonaws.{REGION}.s3", "Gateway") in types
          and (f"aws.sagemaker.{REGION}.studio", "Interface") in types, "ServiceType Gateway / Interface")
    expect_error(lambda: ec2.describe_vpc_endpoint_services(
        ServiceNames=[metrics, f"com.amazonaws.{REGION}.nonexistent"]),
        "InvalidServiceName", "unknown name in ServiceNames")
    out = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-name", "Values": [metrics]}])
    check(out["ServiceNames"] == [metrics], "Filter service-name (moto alone fails with HTTP 500)")
    out = ec2.describe_vpc_endpoint_services(
        Filters=[{"Name": "service-type", "Values": ["Gateway"]}])
    check(f"com.amazonaws.{REGION}.s3" in out["ServiceNames"]
          and metrics not in out["ServiceNames"], "Filter service-type Gateway")

    cfg = http(f"{url}/_studio/config", "POST", {"zone_gaps": {"us-east-1a": [metrics]}})
    check(cfg["zone_gaps"] == {"us-east-1a": [metrics]}, "POST /_studio/config zone_gaps")
    out = ec2.describe_vpc_endpoint_services(ServiceNames=[metrics])
    check(out["ServiceDetails"][0]["AvailabilityZones"] == zones[1:],
          "a zone gap removes the zone from the service's AvailabilityZones")
    http(f"{url}/_studio/config", "POST", {"zone_gaps": {z: [metrics] for z in zones}})
    expect_error(lambda: ec2.describe_vpc_endpoint_services(ServiceNames=[metrics]),
                 "InvalidServiceName", "a service lacking in every zone is not offered")
    try:
        http(f"{url}/_studio/config", "POST", {"zone_gaps": ["bad"]})
        check(False, "bad zone_gaps rejected")
    except urllib.error.HTTPError as exc:
        check(exc.code == 400, "bad zone_gaps -> 400")

    azs = ec2.describe_availability_zones()["AvailabilityZones"]
    check(all(z["ZoneType"] == "availability-zone" and z["OptInStatus"] == "opt-in-not-required"
              for z in azs), "standard zones: ZoneType availability-zone, opt-in-not-required")
    http(f"{url}/_studio/config", "POST", {"extra_zones": [
        {"ZoneName": "us-east-1-bos-1a", "ZoneType": "local-zone", "OptInStatus": "opted-in"},
        {"ZoneName": "us-east-1-wl1-bos-wlz-1", "ZoneType": "wavelength-zone",
         "OptInStatus": "not-opted-in"}]})
    azs = ec2.describe_availability_zones()["AvailabilityZones"]
    local = [z for z in azs if z["ZoneType"] != "availability-zone"]
    check([(z["ZoneName"], z["ZoneType"], z["OptInStatus"], z["ParentZoneName"]) for z in local]
          == [("us-east-1-bos-1a", "local-zone", "opted-in", "us-east-1a")],
          "opted-in Local Zone listed; not-opted-in Wavelength Zone hidden")
    azs = ec2.describe_availability_zones(AllAvailabilityZones=True)["AvailabilityZones"]
    check(any(z["ZoneName"] == "us-east-1-wl1-bos-wlz-1" and z["ZoneType"] == "wavelength-zone"
              for z in azs), "AllAvailabilityZones=true lists the not-opted-in Wavelength Zone")
    azs = ec2.describe_availability_zones(
        Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}])["AvailabilityZones"]
    check([z["ZoneName"] for z in azs] == zones, "Filter zone-type availability-zone")
    out = ec2.describe_vpc_endpoint_services(ServiceNames=[f"com.amazonaws.{REGION}.sts"])
    check("us-east-1-bos-1a" not in out["ServiceDetails"][0]["AvailabilityZones"],
          "endpoint services are not offered in Local Zones")
    http(f"{url}/moto-api/reset", "POST")
    cfg = http(f"{url}/_studio/config")
    check(cfg["zone_gaps"] == {} and cfg["extra_zones"] == [], "/moto-api/reset clears zone state")
    out = ec2.describe_vpc_endpoint_services(ServiceNames=[metrics])
    check(out["ServiceDetails"][0]["AvailabilityZones"] == zones, "after reset: offered everywhere")


def test_control(url: str) -> None:
    cfg = http(f"{url}/_studio/config")
    check(cfg["pace"] == 0 and cfg["throttle_rate"] == 0, "GET /_studio/config")
    new = http(f"{url}/_studio/config", "POST", {"pace": 0.5, "fail_domains": {"x": "boom"}})
    check(new["pace"] == 0.5 and new["fail_domains"] == {"x": "boom"}, "POST /_studio/config")
    try:
        http(f"{url}/_studio/config", "POST", {"throttle_rate": 3})
        check(False, "bad config rejected")
    except urllib.error.HTTPError as exc:
        check(exc.code == 400, "bad config rejected with 400")
    http(f"{url}/_studio/config", "POST", {"pace": 0, "fail_domains": {}})
    ec2 = client(url, "ec2")
    before = len(ec2.describe_vpcs()["Vpcs"])
    t0 = time.time()
    out = http(f"{url}/_studio/seed", "POST", {"vpcs": 200, "region": REGION})
    check(out["created"] == 200, f"POST /_studio/seed 200 VPCs ({time.time() - t0:.2f}s)")
    vpcs = ec2.describe_vpcs()["Vpcs"]
    check(len(vpcs) == before + 200, "seeded VPCs visible through EC2")
    cidrs = [v["CidrBlock"] for v in vpcs]
    check(len(set(cidrs)) == len(cidrs), "seeded VPC CIDRs are distinct")
    check(sum(len(v["CidrBlockAssociationSet"]) > 1 for v in vpcs) >= 50,
          "some seeded VPCs have secondary CIDR blocks")
    http(f"{url}/_studio/reset-requests", "POST")
    ec2.describe_vpcs()
    client(url, "sts").get_caller_identity()
    cfn = client(url, "cloudformation")
    cfn.list_stacks()
    s3 = client(url, "s3")
    s3.create_bucket(Bucket="smoke-bucket")
    s3.put_object(Bucket="smoke-bucket", Key="a.txt", Body=b"hi")
    log = http(f"{url}/_studio/requests")
    got = [(e["service"], e["action"], e["method"]) for e in log]
    check(got == [("ec2", "DescribeVpcs", "POST"), ("sts", "GetCallerIdentity", "POST"),
                  ("cloudformation", "ListStacks", "POST"), ("s3", "CreateBucket", "PUT"),
                  ("s3", "PutObject", "PUT")], f"GET /_studio/requests {got}")


def test_vpc_pages(url: str) -> None:
    """DescribeVpcs (studio_emulator/ec2_fast.py): pagination, VpcId.N, filters, answer shape.

    Runs after test_control (200 seeded VPCs + the fixture). No timing assertions.
    """
    ec2 = client(url, "ec2")
    raw = client(url, "ec2", validate=False)  # like the Rust SDK: no client-side range checks
    full = ec2.describe_vpcs()
    vpcs = full["Vpcs"]
    ids = [v["VpcId"] for v in vpcs]
    check(len(ids) > 200 and len(set(ids)) == len(ids) and not full.get("NextToken"),
          f"DescribeVpcs without MaxResults: all {len(ids)} VPCs, no NextToken")
    seeded = [v for v in vpcs if {"Key": "studio-emulator:seed", "Value": "bench"}
              in v.get("Tags", [])]
    for v in vpcs:
        assocs = v.get("CidrBlockAssociationSet", [])
        ok = (v["VpcId"].startswith("vpc-") and v.get("State") == "available"
              and v.get("OwnerId") == "123456789012" and v.get("InstanceTenancy") == "default"
              and isinstance(v.get("IsDefault"), bool) and v.get("DhcpOptionsId")
              and v.get("Ipv6CidrBlockAssociationSet") == []
              and any(a["CidrBlock"] == v["CidrBlock"] for a in assocs)
              and all(a["AssociationId"].startswith("vpc-cidr-assoc-")
                      and a["CidrBlockState"]["State"] == "associated" for a in assocs))
        if not ok:
            check(False, f"DescribeVpcs item shape: {v}")
    check(len(seeded) == 200, "every VPC has the EC2 fields; 200 tagged bench VPCs")

    # manual paging: every VPC exactly once, in the same order as the unpaginated answer
    got: list[str] = []
    sizes: list[int] = []
    kwargs: dict = {"MaxResults": 37}
    while len(sizes) <= 100:
        page = ec2.describe_vpcs(**kwargs)
        sizes.append(len(page["Vpcs"]))
        got += [v["VpcId"] for v in page["Vpcs"]]
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    check(got == ids and all(n == 37 for n in sizes[:-1]) and 0 < sizes[-1] <= 37,
          f"MaxResults=37: {len(sizes)} pages {sizes}, every VPC exactly once, same order")
    paginator = ec2.get_paginator("describe_vpcs")
    got = [v["VpcId"] for p in paginator.paginate(PaginationConfig={"PageSize": 50})
           for v in p["Vpcs"]]
    check(got == ids, "boto3 paginator, PageSize 50")
    one = ec2.describe_vpcs(MaxResults=1000)
    check([v["VpcId"] for v in one["Vpcs"]] == ids and not one.get("NextToken"),
          "MaxResults=1000: one page, no NextToken")
    first = ec2.describe_vpcs(MaxResults=len(ids) - 5)
    last = ec2.describe_vpcs(MaxResults=5, NextToken=first["NextToken"])
    check([v["VpcId"] for v in first["Vpcs"] + last["Vpcs"]] == ids
          and not last.get("NextToken"), "last page exactly full: no NextToken after it")
    expect_error(lambda: raw.describe_vpcs(MaxResults=4), "InvalidParameterValue",
                 "DescribeVpcs MaxResults=4")
    expect_error(lambda: raw.describe_vpcs(MaxResults=1001), "InvalidParameterValue",
                 "DescribeVpcs MaxResults=1001")
    expect_error(lambda: raw.describe_vpcs(MaxResults=5, NextToken="not-a-token"),
                 "InvalidParameterValue", "DescribeVpcs bad NextToken")

    # VpcId.N and filters (moto's own filtering) still work, also with pagination
    target = next(v for v in seeded if len(v["CidrBlockAssociationSet"]) > 1)
    secondary = next(a["CidrBlock"] for a in target["CidrBlockAssociationSet"]
                     if a["CidrBlock"] != target["CidrBlock"])
    name = next(t["Value"] for t in target["Tags"] if t["Key"] == "Name")
    by_id = ec2.describe_vpcs(VpcIds=[target["VpcId"], ids[0]])["Vpcs"]
    check(sorted(v["VpcId"] for v in by_id) == sorted([target["VpcId"], ids[0]]),
          "DescribeVpcs VpcId.1 + VpcId.2")
    expect_error(lambda: ec2.describe_vpcs(VpcIds=["vpc-0000000000000000f"]),
                 "InvalidVpcID.NotFound", "DescribeVpcs unknown VpcId")
    check(by_id == [v for v in vpcs if v["VpcId"] in (target["VpcId"], ids[0])],
          "a VPC reads the same alone as in the full list")
    cases = [
        ("cidr", [target["CidrBlock"]]),
        ("cidr-block", [target["CidrBlock"]]),
        ("cidr-block-association.cidr-block", [secondary]),
        ("vpc-id", [target["VpcId"]]),
        ("tag:Name", [name]),
    ]
    for fname, values in cases:
        out = ec2.describe_vpcs(Filters=[{"Name": fname, "Values": values}])["Vpcs"]
        check([v["VpcId"] for v in out] == [target["VpcId"]],
              f"DescribeVpcs filter {fname}={values[0]}")
    out = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["bench-0001*"]}])["Vpcs"]
    check(len(out) == 10, f"DescribeVpcs filter tag:Name=bench-0001* ({len(out)})")
    out = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["no-such-vpc"]}])
    check(out["Vpcs"] == [] and not out.get("NextToken"), "DescribeVpcs filter matching nothing")
    got = [v["VpcId"] for p in paginator.paginate(
        Filters=[{"Name": "tag:studio-emulator:seed", "Values": ["bench"]}],
        PaginationConfig={"PageSize": 5}) for v in p["Vpcs"]]
    check(got == [v["VpcId"] for v in seeded], "filter + MaxResults=5: 40 pages, each VPC once")


def test_vpc_render(_url: str) -> None:
    """In-process: the fast <item>s are byte for byte what moto's serializer writes."""
    sys.path.insert(0, HERE)
    from moto.ec2.models import ec2_backends

    from studio_emulator import ec2_fast

    ec2_fast.install()
    be = ec2_backends["123456789012"]["eu-west-3"]
    v6 = be.create_vpc("10.1.0.0/16", amazon_provided_ipv6_cidr_block=True,
                       ipv6_cidr_block_network_border_group="eu-west-3",
                       tags=[{"Key": "Name", "Value": "a&b<c>\"d' é ]]>"},
                             {"Key": "empty", "Value": ""}])
    be.associate_vpc_cidr_block(v6.id, "10.4.0.0/16", False)
    ded = be.create_vpc("10.2.0.0/16", instance_tenancy="dedicated")
    gone = be.associate_vpc_cidr_block(ded.id, "10.3.0.0/16", False)
    be.disassociate_vpc_cidr_block(gone["association_id"])
    be.associate_dhcp_options(be.create_dhcp_options(domain_name="x.internal"), ded)
    untagged = be.create_vpc("10.5.0.0/16")
    be.create_tags([untagged.id], {"k": "v"})
    be.delete_tags([untagged.id], {"k": None})
    vpcs = be.describe_vpcs()  # + moto's default VPC
    check(len(vpcs) == 4 and ec2_fast.render_vpc_items(vpcs) ==
          ec2_fast.moto_render_vpc_items(vpcs),
          "DescribeVpcs items identical to moto's serializer (IPv6, disassociated block, "
          "DHCP options, dedicated, escaped tags, default VPC)")
    tags = be.describe_tags(filters={"resource-id": [v6.id]})
    check(tags == ec2_fast._ORIGINAL_DESCRIBE_TAGS(be, {"resource-id": [v6.id]})
          and len(tags) == 2, "fast tag look-up equals moto's describe_tags")


def test_sagemaker(url: str) -> None:
    sm = client(url, "sagemaker")
    efs = client(url, "efs")
    ec2 = client(url, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    http(f"{url}/_studio/reset-requests", "POST")
    common = dict(AuthMode="IAM", VpcId=vpc, SubnetIds=[subnet],
                  AppNetworkAccessType="VpcOnly",
                  DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/x"})
    expect_error(lambda: sm.create_domain(DomainName="bad_name", **common),
                 "ValidationException", "CreateDomain bad name")
    dom = sm.create_domain(DomainName="studio", Tags=[{"Key": "Project", "Value": "smoke"}],
                           **common)
    did = dom["DomainId"]
    check(did.startswith("d-") and len(did) == 14 and dom["DomainArn"].endswith(did),
          f"CreateDomain returns DomainId {did}")
    d = sm.describe_domain(DomainId=did)
    for key in ("DomainId", "DomainArn", "DomainName", "Status", "AuthMode",
                "AppNetworkAccessType", "VpcId", "SubnetIds", "DefaultUserSettings",
                "HomeEfsFileSystemId", "Url"):
        check(key in d, f"DescribeDomain has {key}")
    check(d["Status"] == "InService", "pace 0: domain InService at once")
    check(d["Url"] == f"https://{did}.studio.{REGION}.sagemaker.aws", "domain Url")
    fs_id = d["HomeEfsFileSystemId"]
    check(any(f["FileSystemId"] == fs_id for f in efs.describe_file_systems()["FileSystems"]),
          "domain home EFS exists in moto's EFS")
    tags = sm.list_tags(ResourceArn=d["DomainArn"])["Tags"]
    check({"Key": "Project", "Value": "smoke"} in tags, "ListTags on the domain ARN")
    check([x["DomainId"] for x in sm.list_domains()["Domains"]] == [did], "ListDomains")
    expect_error(lambda: sm.describe_domain(DomainId="d-doesnotexist1"), "ResourceNotFound",
                 "DescribeDomain unknown")
    expect_error(lambda: sm.create_domain(DomainName="studio", **common), "ResourceInUse",
                 "CreateDomain duplicate name")

    # user profiles
    expect_error(lambda: sm.create_user_profile(DomainId=did, UserProfileName="bad_name"),
                 "ValidationException", "CreateUserProfile bad name")
    expect_error(lambda: sm.create_user_profile(DomainId=did, UserProfileName="-lead"),
                 "ValidationException", "CreateUserProfile leading dash")
    up = sm.create_user_profile(DomainId=did, UserProfileName="alice",
                                Tags=[{"Key": "Owner", "Value": "alice"}])
    check(up["UserProfileArn"].endswith(f":user-profile/{did}/alice"), "CreateUserProfile ARN")
    sm.create_user_profile(DomainId=did, UserProfileName="bob")
    expect_error(lambda: sm.create_user_profile(DomainId=did, UserProfileName="alice"),
                 "ResourceInUse", "CreateUserProfile duplicate")
    p = sm.describe_user_profile(DomainId=did, UserProfileName="alice")
    check(p["Status"] == "InService" and p["DomainId"] == did, "DescribeUserProfile")
    check({"Key": "Owner", "Value": "alice"} in
          sm.list_tags(ResourceArn=up["UserProfileArn"])["Tags"], "ListTags on a user profile")
    names = sorted(x["UserProfileName"] for x in sm.list_user_profiles(DomainIdEquals=did)["UserProfiles"])
    check(names == ["alice", "bob"], "ListUserProfiles")
    page = sm.list_user_profiles(DomainIdEquals=did, MaxResults=1)
    check(len(page["UserProfiles"]) == 1 and "NextToken" in page, "ListUserProfiles paginates")
    sm.update_user_profile(DomainId=did, UserProfileName="bob",
                           UserSettings={"SecurityGroups": ["sg-123"]})
    check(sm.describe_user_profile(DomainId=did, UserProfileName="bob")["UserSettings"]
          ["SecurityGroups"] == ["sg-123"], "UpdateUserProfile")
    expect_error(lambda: sm.describe_user_profile(DomainId=did, UserProfileName="nobody"),
                 "ResourceNotFound", "DescribeUserProfile unknown")
    expect_error(lambda: sm.delete_domain(DomainId=did), "ResourceInUse",
                 "DeleteDomain with user profiles")

    # spaces and apps
    sp = sm.create_space(DomainId=did, SpaceName="alice-space",
                         OwnershipSettings={"OwnerUserProfileName": "alice"},
                         SpaceSharingSettings={"SharingType": "Private"},
                         SpaceSettings={"AppType": "JupyterLab"})
    check(sp["SpaceArn"].endswith(f":space/{did}/alice-space"), "CreateSpace")
    s = sm.describe_space(DomainId=did, SpaceName="alice-space")
    check(s["OwnershipSettings"]["OwnerUserProfileName"] == "alice"
          and s["SpaceSharingSettings"]["SharingType"] == "Private" and s["Status"] == "InService",
          "DescribeSpace")
    lst = sm.list_spaces(DomainIdEquals=did)["Spaces"]
    check(len(lst) == 1 and lst[0]["OwnershipSettingsSummary"]["OwnerUserProfileName"] == "alice",
          "ListSpaces")
    app = sm.create_app(DomainId=did, SpaceName="alice-space", AppType="JupyterLab",
                        AppName="default", ResourceSpec={"InstanceType": "ml.t3.medium"})
    check("/alice-space/jupyterlab/default" in app["AppArn"], "CreateApp in a space")
    sm.create_app(DomainId=did, UserProfileName="bob", AppType="JupyterServer", AppName="default")
    expect_error(lambda: sm.create_app(DomainId=did, UserProfileName="bob",
                                       AppType="JupyterServer", AppName="default"),
                 "ResourceInUse", "CreateApp duplicate")
    expect_error(lambda: sm.create_app(DomainId=did, UserProfileName="bob", AppType="Nope",
                                       AppName="x"), "ValidationException", "CreateApp bad type")
    a = sm.describe_app(DomainId=did, UserProfileName="bob", AppType="JupyterServer",
                        AppName="default")
    check(a["Status"] == "InService", "DescribeApp")
    check(len(sm.list_apps(DomainIdEquals=did)["Apps"]) == 2, "ListApps")
    expect_error(lambda: sm.delete_user_profile(DomainId=did, UserProfileName="bob"),
                 "ResourceInUse", "DeleteUserProfile with a live app")
    expect_error(lambda: sm.delete_user_profile(DomainId=did, UserProfileName="alice"),
                 "ResourceInUse", "DeleteUserProfile owning a private space")
    expect_error(lambda: sm.delete_space(DomainId=did, SpaceName="alice-space"),
                 "ResourceInUse", "DeleteSpace with a live app")

    # presigned URL
    url_out = sm.create_presigned_domain_url(DomainId=did, UserProfileName="alice",
                                             ExpiresInSeconds=60,
                                             SessionExpirationDurationInSeconds=1800)
    check(url_out["AuthorizedUrl"].startswith(
        f"https://{did}.studio.{REGION}.sagemaker.aws/auth?token="), "CreatePresignedDomainUrl")
    expect_error(lambda: sm.create_presigned_domain_url(DomainId=did, UserProfileName="alice",
                                                        ExpiresInSeconds=301),
                 "ValidationException", "presigned ExpiresInSeconds 301")
    raw = client(url, "sagemaker", validate=False)  # the Rust SDK does not check ranges
    expect_error(lambda: raw.create_presigned_domain_url(DomainId=did, UserProfileName="alice",
                                                         ExpiresInSeconds=4),
                 "ValidationException", "presigned ExpiresInSeconds 4")
    expect_error(lambda: raw.create_presigned_domain_url(DomainId=did, UserProfileName="alice",
                                                         SessionExpirationDurationInSeconds=60),
                 "ValidationException", "presigned SessionExpirationDurationInSeconds 60")
    expect_error(lambda: sm.create_presigned_domain_url(DomainId=did, UserProfileName="zed"),
                 "ResourceNotFound", "presigned unknown profile")

    # UpdateDomain
    sm.update_domain(DomainId=did, DefaultUserSettings={"SecurityGroups": ["sg-9"]})
    d = sm.describe_domain(DomainId=did)
    check(d["DefaultUserSettings"]["SecurityGroups"] == ["sg-9"]
          and d["DefaultUserSettings"]["ExecutionRole"].endswith("role/x"), "UpdateDomain merges")

    # tear down in order
    sm.delete_app(DomainId=did, UserProfileName="bob", AppType="JupyterServer", AppName="default")
    sm.delete_app(DomainId=did, SpaceName="alice-space", AppType="JupyterLab", AppName="default")
    apps = sm.list_apps(DomainIdEquals=did)["Apps"]
    check(len(apps) == 2 and all(x["Status"] == "Deleted" for x in apps),
          "deleted apps still listed as Deleted")
    sm.delete_space(DomainId=did, SpaceName="alice-space")
    sm.delete_user_profile(DomainId=did, UserProfileName="bob")
    sm.delete_user_profile(DomainId=did, UserProfileName="alice")
    check(sm.list_user_profiles(DomainIdEquals=did)["UserProfiles"] == [], "profiles deleted")
    sm.delete_domain(DomainId=did)  # Retain by default
    expect_error(lambda: sm.describe_domain(DomainId=did), "ResourceNotFound",
                 "domain gone after delete at pace 0")
    retained = http(f"{url}/_studio/retained")
    check(any(r["DomainId"] == did and r["HomeEfsFileSystemId"] == fs_id for r in retained),
          "GET /_studio/retained lists the retained EFS")
    check(any(f["FileSystemId"] == fs_id for f in efs.describe_file_systems()["FileSystems"]),
          "retained EFS still in moto's EFS")
    d2 = sm.create_domain(DomainName="studio2", **common)["DomainId"]
    fs2 = sm.describe_domain(DomainId=d2)["HomeEfsFileSystemId"]
    sm.delete_domain(DomainId=d2, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    check(not any(f["FileSystemId"] == fs2 for f in efs.describe_file_systems()["FileSystems"]),
          "RetentionPolicy Delete removes the EFS")

    log = http(f"{url}/_studio/requests")
    creates = [e for e in log if e["service"] == "sagemaker" and e["action"] == "CreateDomain"]
    check(len(creates) == 4, "request log counts CreateDomain calls")

    # pace and failure
    http(f"{url}/_studio/config", "POST", {"pace": 0.005, "fail_domains": {"broken": "no EFS"}})
    d3 = sm.create_domain(DomainName="paced", **common)["DomainId"]
    check(sm.describe_domain(DomainId=d3)["Status"] == "Pending", "paced domain starts Pending")
    check(wait_status(lambda: sm.describe_domain(DomainId=d3), "InService")["Status"] == "InService",
          "paced domain reaches InService")
    expect_error(lambda: sm.create_user_profile(DomainId=d3, UserProfileName="u") and
                 sm.create_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab",
                               AppName="default"),
                 "ValidationException", "CreateApp before the profile is InService")
    check(wait_status(lambda: sm.describe_user_profile(DomainId=d3, UserProfileName="u"),
                      "InService")["Status"] == "InService", "paced profile reaches InService")
    sm.create_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default")
    check(sm.describe_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab",
                          AppName="default")["Status"] == "Pending", "paced app starts Pending")
    check(wait_status(lambda: sm.describe_app(DomainId=d3, UserProfileName="u",
                                              AppType="JupyterLab", AppName="default"),
                      "InService")["Status"] == "InService", "paced app reaches InService")
    sm.delete_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default")
    check(sm.describe_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab",
                          AppName="default")["Status"] == "Deleting", "paced app Deleting")
    check(wait_status(lambda: sm.describe_app(DomainId=d3, UserProfileName="u",
                                              AppType="JupyterLab", AppName="default"),
                      "Deleted")["Status"] == "Deleted", "paced app reaches Deleted")
    d4 = sm.create_domain(DomainName="broken", **common)["DomainId"]
    out = wait_status(lambda: sm.describe_domain(DomainId=d4), "Failed")
    check(out["Status"] == "Failed" and out.get("FailureReason") == "no EFS",
          "fail-domain ends Failed with FailureReason")
    http(f"{url}/_studio/config", "POST", {"pace": 0, "fail_domains": {}})


def test_cloudformation(url: str) -> None:
    """The CloudFormation extension (cfn.py, when present) runs behind the same server."""
    cfn = client(url, "cloudformation")
    body = json.dumps({"Resources": {"Net": {"Type": "AWS::EC2::VPC",
                                             "Properties": {"CidrBlock": "10.77.0.0/16"}}}})
    http(f"{url}/_studio/reset-requests", "POST")
    cfn.create_stack(StackName="smoke-stack", TemplateBody=body)
    status = wait_status(lambda: {"Status": cfn.describe_stacks(StackName="smoke-stack")
                                  ["Stacks"][0]["StackStatus"]}, "CREATE_COMPLETE")["Status"]
    check(status == "CREATE_COMPLETE", f"CloudFormation stack CREATE_COMPLETE ({status})")
    log = http(f"{url}/_studio/requests")
    check(any(e["service"] == "cloudformation" and e["action"] == "CreateStack" for e in log),
          "request log has cloudformation CreateStack")
    cfn.delete_stack(StackName="smoke-stack")


def test_faults(url: str) -> None:
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 1.0})
    expect_error(lambda: client(url, "sagemaker", retries=False).list_domains(),
                 "ThrottlingException", "throttle sagemaker", 400)
    expect_error(lambda: client(url, "cloudformation", retries=False).list_stacks(),
                 "Throttling", "throttle cloudformation", 400)
    expect_error(lambda: client(url, "sts", retries=False).get_caller_identity(),
                 "Throttling", "throttle sts", 400)
    expect_error(lambda: client(url, "ec2", retries=False).describe_vpcs(),
                 "RequestLimitExceeded", "throttle ec2", 503)
    expect_error(lambda: client(url, "s3", retries=False).list_buckets(),
                 "SlowDown", "throttle s3", 503)
    check(http(f"{url}/_studio/config")["throttle_rate"] == 1.0, "control endpoints not faulted")
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 0, "error_5xx_rate": 1.0})
    expect_error(lambda: client(url, "sagemaker", retries=False).list_domains(),
                 "InternalFailure", "5xx sagemaker", 500)
    expect_error(lambda: client(url, "cloudformation", retries=False).list_stacks(),
                 "InternalFailure", "5xx cloudformation", 500)
    expect_error(lambda: client(url, "ec2", retries=False).describe_vpcs(),
                 "InternalError", "5xx ec2", 500)
    http(f"{url}/_studio/config", "POST", {"error_5xx_rate": 0, "drop_rate": 1.0})
    try:
        client(url, "sagemaker", retries=False).list_domains()
        check(False, "drop: expected a connection error")
    except (botocore.exceptions.ConnectionClosedError,
            botocore.exceptions.EndpointConnectionError,
            botocore.exceptions.ConnectionError) as exc:
        check(True, f"drop closes the connection ({type(exc).__name__})")
    # seeded: the same seed gives the same sequence of outcomes
    def run() -> list[str]:
        http(f"{url}/_studio/config", "POST", {"drop_rate": 0, "throttle_rate": 0.5, "seed": 7})
        sm = client(url, "sagemaker", retries=False)
        seq = []
        for _ in range(20):
            try:
                sm.list_domains()
                seq.append("ok")
            except botocore.exceptions.ClientError:
                seq.append("throttled")
        return seq
    first, second = run(), run()
    check(first == second and "ok" in first and "throttled" in first,
          f"seeded throttling is reproducible ({first.count('throttled')}/20 throttled)")
    # boto3 with its normal retries gets through a 50% throttle
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 0.3, "seed": 1})
    ok = 0
    for _ in range(10):
        client(url, "sagemaker").list_domains()
        ok += 1
    check(ok == 10, "boto3 retries get through 30% throttling")
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 0, "error_5xx_rate": 0,
                                           "drop_rate": 0})


def test_reset(url: str) -> None:
    sm = client(url, "sagemaker")
    check(len(sm.list_domains()["Domains"]) > 0, "domains exist before reset")
    http(f"{url}/moto-api/reset", "POST")
    check(sm.list_domains()["Domains"] == [], "/moto-api/reset clears SageMaker domains")
    check(http(f"{url}/_studio/retained") == [], "/moto-api/reset clears retained EFS records")
    ec2 = client(url, "ec2")
    check(any(v["CidrBlock"] == "10.2.0.0/16" for v in ec2.describe_vpcs()["Vpcs"]),
          "--seed-vpcs fixture re-created after reset")


def test_cli() -> None:
    proc_env = dict(os.environ, PYTHONPATH=HERE)
    bad = subprocess.run([sys.executable, "-m", "studio_emulator", "--faults", "throttle=lots"],
                         cwd=HERE, env=proc_env, capture_output=True, text=True, timeout=60)
    check(bad.returncode == 2 and "throttle" in bad.stderr and bad.stdout == "",
          f"bad --faults exits 2 ({bad.stderr.strip()})")
    bad = subprocess.run([sys.executable, "-m", "studio_emulator", "--faults", "nonsense=1"],
                         cwd=HERE, env=proc_env, capture_output=True, text=True, timeout=60)
    check(bad.returncode == 2, "unknown --faults key exits 2")
    proc, url = start(["--faults", "throttle=1,seed=3,fail=FirewallA:quota,fail-domain=dd",
                       "--pace", "0.25"])
    cfg = http(f"{url}/_studio/config")
    check(cfg["throttle_rate"] == 1.0 and cfg["seed"] == 3 and cfg["pace"] == 0.25
          and cfg["fail_resources"] == {"FirewallA": "quota"} and "dd" in cfg["fail_domains"],
          "--faults and --pace reach the settings")
    expect_error(lambda: client(url, "sagemaker", retries=False).list_domains(),
                 "ThrottlingException", "--faults throttle=1 applies")
    proc.send_signal(signal.SIGINT)
    check(proc.wait(timeout=15) == 0, "SIGINT stops the emulator with exit 0")
    proc, url = start(["--seed-shared-tgw"])
    try:
        ec2 = client(url, "ec2")
        owners = lambda: {t["OwnerId"] for t in ec2.describe_transit_gateways()["TransitGateways"]}
        check(owners() == {"210987654321"}, "--seed-shared-tgw seeds the shared gateway")
        http(f"{url}/moto-api/reset", "POST")
        check(owners() == {"210987654321"}, "--seed-shared-tgw re-seeds after reset")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def main() -> int:
    proc, url = start(["--port", "0", "--seed-vpcs"])
    print(f"emulator at {url}")
    try:
        for test in (test_fixture, test_shared_tgw, test_zones, test_control, test_vpc_pages, test_vpc_render, test_sagemaker,
                     test_cloudformation, test_faults, test_reset):
            test(url)
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=15) == 0, "SIGTERM stops the emulator with exit 0")
        test_cli()
    except AssertionError:
        pass
    except Exception as exc:  # noqa: BLE001
        CHECKS["failed"] += 1
        import traceback

        traceback.print_exc()
        print(f"FAIL unexpected {type(exc).__name__}: {exc}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if CHECKS["failed"]:
            print("--- emulator stderr ---")
            print((proc.stderr.read() or "")[-4000:])
    print(f"{CHECKS['passed']} passed, {CHECKS['failed']} failed")
    return 1 if CHECKS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
