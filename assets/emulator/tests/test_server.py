"""The studio-tui emulator over real HTTP with boto3.

Run from assets/emulator with the emulator's venv plus requirements-dev.txt:  python -m pytest tests/test_server.py
One ``python -m studio_emulator --port 0 --seed-vpcs`` subprocess serves the tests of this file,
which run in file order (the reset test clears what the earlier ones made); SIGTERM stops it.
test_cli starts its own emulators for the command-line options.
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
from collections.abc import Iterator

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

# The folder holding the studio_emulator package (the emulator runs from there).
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE_PATH = os.path.join(HERE, "..", "cloudformation", "studio-environment.yaml")
REGION = "us-east-1"


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


def expect_error(fn, code: str, what: str, status: int | None = None) -> botocore.exceptions.ClientError:
    try:
        fn()
    except botocore.exceptions.ClientError as exc:
        got = exc.response["Error"]["Code"]
        got_status = exc.response["ResponseMetadata"].get("HTTPStatusCode")
        check(
            got == code and (status is None or got_status == status),
            f"{what}: {code}{'/' + str(status) if status else ''} (got {got}/{got_status}: "
            f"{exc.response['Error'].get('Message', '')[:80]})",
        )
        return exc
    check(False, f"{what}: expected {code}, call succeeded")
    raise AssertionError  # unreachable


def start(args: list[str], env: dict | None = None, stderr=subprocess.PIPE) -> tuple[subprocess.Popen, str]:
    proc_env = dict(os.environ, PYTHONPATH=HERE, AWS_DEFAULT_REGION=REGION, PYTHONDONTWRITEBYTECODE="1", **(env or {}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio_emulator", *args],
        cwd=HERE,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=proc_env,
    )
    result: dict[str, str] = {}

    def read() -> None:
        result["line"] = proc.stdout.readline()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(60)
    line = result.get("line", "")
    if not line.startswith("STUDIO_EMULATOR_READY "):
        proc.kill()
        err = proc.stderr.read()[-2000:] if proc.stderr else f"(stderr in {getattr(stderr, 'name', stderr)})"
        raise AssertionError(f"emulator did not become ready: {line!r} {err}")
    return proc, line.split()[1]


def http(url: str, method: str = "GET", body: object | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw.strip().startswith((b"{", b"[")) else raw


def client(url: str, service: str, region: str = REGION, retries: bool = True, validate: bool = True):
    cfg = Config(
        retries={"total_max_attempts": 1} if not retries else {"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        parameter_validation=validate,
    )
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        config=cfg,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def wait_status(describe, want: str, timeout: float = 20) -> dict:
    deadline = time.time() + timeout
    while True:
        out = describe()
        if out["Status"] == want or time.time() > deadline:
            return out
        time.sleep(0.1)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[subprocess.Popen]:
    """The emulator the tests of this file share (its stderr goes to a file: nobody reads a pipe)."""
    log = tmp_path_factory.mktemp("emulator") / "stderr.log"
    with open(log, "w", encoding="utf-8") as err:
        proc, url = start(["--port", "0", "--seed-vpcs"], stderr=err)
        proc.url = url
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def url(emulator: subprocess.Popen) -> str:
    return emulator.url


def test_fixture(url: str) -> None:
    ec2 = client(url, "ec2")
    vpcs = ec2.describe_vpcs()["Vpcs"]
    names = {next((t["Value"] for t in v.get("Tags", []) if t["Key"] == "Name"), ""): v for v in vpcs}
    check(
        "legacy-analytics" in names and names["legacy-analytics"]["CidrBlock"] == "10.2.0.0/16",
        "fixture: legacy-analytics 10.2.0.0/16",
    )
    shared = next(v for v in vpcs if v["CidrBlock"] == "10.0.0.0/16")
    blocks = {a["CidrBlock"] for a in shared["CidrBlockAssociationSet"]}
    check(blocks == {"10.0.0.0/16", "10.3.0.0/16"}, "fixture: 10.0.0.0/16 + secondary 10.3.0.0/16")
    check(any(v["CidrBlock"] == "172.31.0.0/16" for v in vpcs), "fixture: 172.31.0.0/16")
    pcx = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    check(
        any(
            p["AccepterVpcInfo"].get("CidrBlock") == "10.4.0.0/16" and p["AccepterVpcInfo"].get("Region") == "us-west-2"
            for p in pcx
        ),
        "fixture: peering to 10.4.0.0/16 in us-west-2",
    )
    tgws = ec2.describe_transit_gateways()["TransitGateways"]
    check(len(tgws) == 1, "fixture: one transit gateway")
    rt = tgws[0]["Options"]["AssociationDefaultRouteTableId"]
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rt, Filters=[{"Name": "type", "Values": ["static"]}]
    )["Routes"]
    check(
        any(r["DestinationCidrBlock"] == "10.5.0.0/16" for r in routes),
        "fixture: transit gateway static route 10.5.0.0/16",
    )
    atts = ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
    check(
        any(a["VpcId"] == names["legacy-analytics"]["VpcId"] for a in atts),
        "fixture: transit gateway attached to legacy-analytics",
    )


def test_shared_tgw(url: str) -> None:
    out = http(f"{url}/_studio/seed", "POST", {"fixture": "shared-tgw"})["fixture"][0]
    check(out["transit_gateway_owner"] == "210987654321", "POST /_studio/seed shared-tgw")
    ec2 = client(url, "ec2")
    tgw_id, rt_id = out["transit_gateway"], out["transit_gateway_route_table"]
    vpc = ec2.describe_vpcs(VpcIds=[out["vpc"]])["Vpcs"][0]
    check(
        vpc["CidrBlock"] == "10.8.0.0/16" and vpc["OwnerId"] == "123456789012",
        "shared-tgw: VPC 10.8.0.0/16 in this account",
    )
    atts = ec2.describe_transit_gateway_attachments(Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])[
        "TransitGatewayAttachments"
    ]
    check(
        len(atts) == 1
        and atts[0]["TransitGatewayOwnerId"] == "210987654321"
        and atts[0]["ResourceOwnerId"] == "123456789012"
        and atts[0]["ResourceId"] == vpc["VpcId"],
        "DescribeTransitGatewayAttachments: TransitGatewayOwnerId 210987654321, ResourceOwnerId ours",
    )
    vatts = ec2.describe_transit_gateway_vpc_attachments(Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])[
        "TransitGatewayVpcAttachments"
    ]
    check(
        len(vatts) == 1 and vatts[0]["VpcOwnerId"] == "123456789012" and vatts[0]["VpcId"] == vpc["VpcId"],
        "DescribeTransitGatewayVpcAttachments: our VPC",
    )
    tgws = {t["TransitGatewayId"]: t for t in ec2.describe_transit_gateways()["TransitGateways"]}
    check(
        tgw_id in tgws and tgws[tgw_id]["OwnerId"] == "210987654321",
        "DescribeTransitGateways lists the shared gateway with OwnerId 210987654321",
    )
    only = ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    check([t["TransitGatewayId"] for t in only] == [tgw_id], "DescribeTransitGateways by id")
    tables = ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]
    check(all(t["TransitGatewayRouteTableId"] != rt_id for t in tables), "the owner's route table is not listed")
    expect_error(
        lambda: ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=rt_id, Filters=[{"Name": "type", "Values": ["static"]}]
        ),
        "InvalidRouteTableID.NotFound",
        "SearchTransitGatewayRoutes on the owner's route table",
    )
    expect_error(
        lambda: ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[rt_id]),
        "InvalidRouteTableID.NotFound",
        "DescribeTransitGatewayRouteTables with its id",
    )
    expect_error(
        lambda: ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rt_id),
        "InvalidRouteTableID.NotFound",
        "GetTransitGatewayRouteTablePropagations with its id",
    )
    # The owner's administrators reach its account through a role (AssumeRole needs one that
    # exists, as on AWS): made there first, as that account.
    owner_iam = client(url, "iam")
    owner_iam.meta.events.register(
        "before-sign.iam.*", lambda request, **_kw: request.headers.__setitem__("X-Moto-Account-Id", "210987654321")
    )
    owner_iam.create_role(
        RoleName="network-admin",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    creds = client(url, "sts").assume_role(
        RoleArn="arn:aws:iam::210987654321:role/network-admin", RoleSessionName="owner"
    )["Credentials"]
    owner = boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    routes = owner.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rt_id, Filters=[{"Name": "type", "Values": ["static"]}]
    )["Routes"]
    check(
        [r["DestinationCidrBlock"] for r in routes] == ["10.9.0.0/16"],
        "the owner account reads its static route 10.9.0.0/16",
    )
    http(f"{url}/moto-api/reset", "POST")
    check(
        all(t["OwnerId"] == "123456789012" for t in ec2.describe_transit_gateways()["TransitGateways"]),
        "/moto-api/reset drops the shared gateway (only --seed-vpcs is re-seeded)",
    )


# Every endpoint service studio-environment.yaml creates (the ServiceName: lines).
TEMPLATE_SERVICES = [
    f"com.amazonaws.{REGION}.{s}"
    for s in (
        "s3",
        "sagemaker.api",
        "sagemaker.runtime",
        "sagemaker.featurestore-runtime",
        "sagemaker.metrics",
        "sts",
        "logs",
        "monitoring",
        "ecr.api",
        "ecr.dkr",
        "servicecatalog",
    )
] + [f"aws.sagemaker.{REGION}.notebook", f"aws.sagemaker.{REGION}.studio"]


def test_zones(url: str) -> None:
    ec2 = client(url, "ec2")
    metrics = f"com.amazonaws.{REGION}.sagemaker.metrics"
    out = ec2.describe_vpc_endpoint_services(ServiceNames=TEMPLATE_SERVICES)
    check(
        sorted(out["ServiceNames"]) == sorted(TEMPLATE_SERVICES),
        "DescribeVpcEndpointServices lists every template service once in ServiceNames",
    )
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    check(
        all(d["AvailabilityZones"] == zones for d in out["ServiceDetails"]),
        "by default every service is offered in every zone",
    )
    types = {(d["ServiceName"], d["ServiceType"][0]["ServiceType"]) for d in out["ServiceDetails"]}
    check(
        (f"com.amazonaws.{REGION}.s3", "Gateway") in types and (f"aws.sagemaker.{REGION}.studio", "Interface") in types,
        "ServiceType Gateway / Interface",
    )
    expect_error(
        lambda: ec2.describe_vpc_endpoint_services(ServiceNames=[metrics, f"com.amazonaws.{REGION}.nonexistent"]),
        "InvalidServiceName",
        "unknown name in ServiceNames",
    )
    out = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-name", "Values": [metrics]}])
    check(out["ServiceNames"] == [metrics], "Filter service-name (moto alone fails with HTTP 500)")
    out = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-type", "Values": ["Gateway"]}])
    check(
        f"com.amazonaws.{REGION}.s3" in out["ServiceNames"] and metrics not in out["ServiceNames"],
        "Filter service-type Gateway",
    )

    cfg = http(f"{url}/_studio/config", "POST", {"zone_gaps": {"us-east-1a": [metrics]}})
    check(cfg["zone_gaps"] == {"us-east-1a": [metrics]}, "POST /_studio/config zone_gaps")
    out = ec2.describe_vpc_endpoint_services(ServiceNames=[metrics])
    check(
        out["ServiceDetails"][0]["AvailabilityZones"] == zones[1:],
        "a zone gap removes the zone from the service's AvailabilityZones",
    )
    http(f"{url}/_studio/config", "POST", {"zone_gaps": {z: [metrics] for z in zones}})
    expect_error(
        lambda: ec2.describe_vpc_endpoint_services(ServiceNames=[metrics]),
        "InvalidServiceName",
        "a service lacking in every zone is not offered",
    )
    try:
        http(f"{url}/_studio/config", "POST", {"zone_gaps": ["bad"]})
        check(False, "bad zone_gaps rejected")
    except urllib.error.HTTPError as exc:
        check(exc.code == 400, "bad zone_gaps -> 400")

    azs = ec2.describe_availability_zones()["AvailabilityZones"]
    check(
        all(z["ZoneType"] == "availability-zone" and z["OptInStatus"] == "opt-in-not-required" for z in azs),
        "standard zones: ZoneType availability-zone, opt-in-not-required",
    )
    http(
        f"{url}/_studio/config",
        "POST",
        {
            "extra_zones": [
                {"ZoneName": "us-east-1-bos-1a", "ZoneType": "local-zone", "OptInStatus": "opted-in"},
                {"ZoneName": "us-east-1-wl1-bos-wlz-1", "ZoneType": "wavelength-zone", "OptInStatus": "not-opted-in"},
            ]
        },
    )
    azs = ec2.describe_availability_zones()["AvailabilityZones"]
    local = [z for z in azs if z["ZoneType"] != "availability-zone"]
    check(
        [(z["ZoneName"], z["ZoneType"], z["OptInStatus"], z["ParentZoneName"]) for z in local]
        == [("us-east-1-bos-1a", "local-zone", "opted-in", "us-east-1a")],
        "opted-in Local Zone listed; not-opted-in Wavelength Zone hidden",
    )
    azs = ec2.describe_availability_zones(AllAvailabilityZones=True)["AvailabilityZones"]
    check(
        any(z["ZoneName"] == "us-east-1-wl1-bos-wlz-1" and z["ZoneType"] == "wavelength-zone" for z in azs),
        "AllAvailabilityZones=true lists the not-opted-in Wavelength Zone",
    )
    azs = ec2.describe_availability_zones(Filters=[{"Name": "zone-type", "Values": ["availability-zone"]}])[
        "AvailabilityZones"
    ]
    check([z["ZoneName"] for z in azs] == zones, "Filter zone-type availability-zone")
    out = ec2.describe_vpc_endpoint_services(ServiceNames=[f"com.amazonaws.{REGION}.sts"])
    check(
        "us-east-1-bos-1a" not in out["ServiceDetails"][0]["AvailabilityZones"],
        "endpoint services are not offered in Local Zones",
    )
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
    check(sum(len(v["CidrBlockAssociationSet"]) > 1 for v in vpcs) >= 50, "some seeded VPCs have secondary CIDR blocks")
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
    check(
        got
        == [
            ("ec2", "DescribeVpcs", "POST"),
            ("sts", "GetCallerIdentity", "POST"),
            ("cloudformation", "ListStacks", "POST"),
            ("s3", "CreateBucket", "PUT"),
            ("s3", "PutObject", "PUT"),
        ],
        f"GET /_studio/requests {got}",
    )


def raw(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None
) -> tuple[int, dict, bytes]:
    """One request as a web page or a tool would send it: (status, headers, body), errors included."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_browser_requests_are_refused(url: str) -> None:
    """A web page the user visits cannot use the emulator: no Origin is allowed, no answer
    carries CORS headers, and a state-changing control call needs a JSON content type."""
    page = {"Origin": "https://evil.example"}
    alerts = json.dumps({"log_group": "/nowhere", "records": [{"host": "x\u001b[2J"}]}).encode()
    for method, path, body, headers in [
        ("GET", "/_studio/config", None, page),
        ("POST", "/_studio/firewall-alerts", alerts, {**page, "Content-Type": "text/plain"}),
        ("POST", "/_studio/config", b'{"pace": 9}', {**page, "Content-Type": "application/json"}),
        ("OPTIONS", "/_studio/config", None, {**page, "Access-Control-Request-Method": "POST"}),
        ("POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15", page),
    ]:
        status, got, _ = raw(url + path, method, body, headers)
        check(status == 403, f"{method} {path} with an Origin refused (got {status})")
        check(
            not any(k.lower().startswith("access-control-") for k in got),
            f"{method} {path}: no CORS header ({got})",
        )
    # A simple cross-site form post has no Origin on some browsers: the content type stops it.
    for path in ("/_studio/firewall-alerts", "/_studio/config", "/_studio/reset-requests"):
        status, _, data = raw(url + path, "POST", b'{"pace": 9}', {"Content-Type": "text/plain"})
        check(status == 415 and b"application/json" in data, f"POST {path} as text/plain refused ({status})")
    status, _, _ = raw(url + "/_studio/config", headers={"Host": "rebound.example:4566"})
    check(status == 403, f"a foreign Host name refused (DNS rebinding) (got {status})")
    check(http(f"{url}/_studio/config")["pace"] == 0, "nothing was changed")
    # The AWS SDKs send no Origin, and moto's own answers lose their CORS headers.
    status, got, _ = raw(url + "/_studio/health")
    check(status == 200 and not any(k.lower().startswith("access-control-") for k in got), "tools still served")
    sts = client(url, "sts")
    check(sts.get_caller_identity()["Account"] != "", "the SDK is served")


def test_vpc_pages(url: str) -> None:
    """DescribeVpcs (studio_emulator/ec2_fast.py): pagination, VpcId.N, filters, answer shape.

    Runs after test_control (200 seeded VPCs + the fixture). No timing assertions.
    """
    ec2 = client(url, "ec2")
    raw = client(url, "ec2", validate=False)  # like the Rust SDK: no client-side range checks
    full = ec2.describe_vpcs()
    vpcs = full["Vpcs"]
    ids = [v["VpcId"] for v in vpcs]
    check(
        len(ids) > 200 and len(set(ids)) == len(ids) and not full.get("NextToken"),
        f"DescribeVpcs without MaxResults: all {len(ids)} VPCs, no NextToken",
    )
    seeded = [v for v in vpcs if {"Key": "studio-emulator:seed", "Value": "bench"} in v.get("Tags", [])]
    for v in vpcs:
        assocs = v.get("CidrBlockAssociationSet", [])
        ok = (
            v["VpcId"].startswith("vpc-")
            and v.get("State") == "available"
            and v.get("OwnerId") == "123456789012"
            and v.get("InstanceTenancy") == "default"
            and isinstance(v.get("IsDefault"), bool)
            and v.get("DhcpOptionsId")
            and v.get("Ipv6CidrBlockAssociationSet") == []
            and any(a["CidrBlock"] == v["CidrBlock"] for a in assocs)
            and all(
                a["AssociationId"].startswith("vpc-cidr-assoc-") and a["CidrBlockState"]["State"] == "associated"
                for a in assocs
            )
        )
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
    check(
        got == ids and all(n == 37 for n in sizes[:-1]) and 0 < sizes[-1] <= 37,
        f"MaxResults=37: {len(sizes)} pages {sizes}, every VPC exactly once, same order",
    )
    paginator = ec2.get_paginator("describe_vpcs")
    got = [v["VpcId"] for p in paginator.paginate(PaginationConfig={"PageSize": 50}) for v in p["Vpcs"]]
    check(got == ids, "boto3 paginator, PageSize 50")
    one = ec2.describe_vpcs(MaxResults=1000)
    check(
        [v["VpcId"] for v in one["Vpcs"]] == ids and not one.get("NextToken"), "MaxResults=1000: one page, no NextToken"
    )
    first = ec2.describe_vpcs(MaxResults=len(ids) - 5)
    last = ec2.describe_vpcs(MaxResults=5, NextToken=first["NextToken"])
    check(
        [v["VpcId"] for v in first["Vpcs"] + last["Vpcs"]] == ids and not last.get("NextToken"),
        "last page exactly full: no NextToken after it",
    )
    expect_error(lambda: raw.describe_vpcs(MaxResults=4), "InvalidParameterValue", "DescribeVpcs MaxResults=4")
    expect_error(lambda: raw.describe_vpcs(MaxResults=1001), "InvalidParameterValue", "DescribeVpcs MaxResults=1001")
    expect_error(
        lambda: raw.describe_vpcs(MaxResults=5, NextToken="not-a-token"),
        "InvalidParameterValue",
        "DescribeVpcs bad NextToken",
    )

    # VpcId.N and filters (moto's own filtering) still work, also with pagination
    target = next(v for v in seeded if len(v["CidrBlockAssociationSet"]) > 1)
    secondary = next(a["CidrBlock"] for a in target["CidrBlockAssociationSet"] if a["CidrBlock"] != target["CidrBlock"])
    name = next(t["Value"] for t in target["Tags"] if t["Key"] == "Name")
    by_id = ec2.describe_vpcs(VpcIds=[target["VpcId"], ids[0]])["Vpcs"]
    check(sorted(v["VpcId"] for v in by_id) == sorted([target["VpcId"], ids[0]]), "DescribeVpcs VpcId.1 + VpcId.2")
    expect_error(
        lambda: ec2.describe_vpcs(VpcIds=["vpc-0000000000000000f"]),
        "InvalidVpcID.NotFound",
        "DescribeVpcs unknown VpcId",
    )
    check(
        by_id == [v for v in vpcs if v["VpcId"] in (target["VpcId"], ids[0])],
        "a VPC reads the same alone as in the full list",
    )
    cases = [
        ("cidr", [target["CidrBlock"]]),
        ("cidr-block", [target["CidrBlock"]]),
        ("cidr-block-association.cidr-block", [secondary]),
        ("vpc-id", [target["VpcId"]]),
        ("tag:Name", [name]),
    ]
    for fname, values in cases:
        out = ec2.describe_vpcs(Filters=[{"Name": fname, "Values": values}])["Vpcs"]
        check([v["VpcId"] for v in out] == [target["VpcId"]], f"DescribeVpcs filter {fname}={values[0]}")
    out = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["bench-0001*"]}])["Vpcs"]
    check(len(out) == 10, f"DescribeVpcs filter tag:Name=bench-0001* ({len(out)})")
    out = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["no-such-vpc"]}])
    check(out["Vpcs"] == [] and not out.get("NextToken"), "DescribeVpcs filter matching nothing")
    got = [
        v["VpcId"]
        for p in paginator.paginate(
            Filters=[{"Name": "tag:studio-emulator:seed", "Values": ["bench"]}], PaginationConfig={"PageSize": 5}
        )
        for v in p["Vpcs"]
    ]
    check(got == [v["VpcId"] for v in seeded], "filter + MaxResults=5: 40 pages, each VPC once")


def test_vpc_render() -> None:
    """In-process: the fast <item>s are byte for byte what moto's serializer writes."""
    from moto.ec2.models import ec2_backends

    from studio_emulator import ec2_fast

    ec2_fast.install()
    be = ec2_backends["123456789012"]["eu-west-3"]
    v6 = be.create_vpc(
        "10.1.0.0/16",
        amazon_provided_ipv6_cidr_block=True,
        ipv6_cidr_block_network_border_group="eu-west-3",
        tags=[{"Key": "Name", "Value": "a&b<c>\"d' é ]]>"}, {"Key": "empty", "Value": ""}],
    )
    be.associate_vpc_cidr_block(v6.id, "10.4.0.0/16", False)
    ded = be.create_vpc("10.2.0.0/16", instance_tenancy="dedicated")
    gone = be.associate_vpc_cidr_block(ded.id, "10.3.0.0/16", False)
    be.disassociate_vpc_cidr_block(gone["association_id"])
    be.associate_dhcp_options(be.create_dhcp_options(domain_name="x.internal"), ded)
    untagged = be.create_vpc("10.5.0.0/16")
    be.create_tags([untagged.id], {"k": "v"})
    be.delete_tags([untagged.id], {"k": None})
    vpcs = be.describe_vpcs()  # + moto's default VPC
    check(
        len(vpcs) == 4 and ec2_fast.render_vpc_items(vpcs) == ec2_fast.moto_render_vpc_items(vpcs),
        "DescribeVpcs items identical to moto's serializer (IPv6, disassociated block, "
        "DHCP options, dedicated, escaped tags, default VPC)",
    )
    tags = be.describe_tags(filters={"resource-id": [v6.id]})
    check(
        tags == ec2_fast._ORIGINAL_DESCRIBE_TAGS(be, {"resource-id": [v6.id]}) and len(tags) == 2,
        "fast tag look-up equals moto's describe_tags",
    )


def test_sagemaker(url: str) -> None:
    sm = client(url, "sagemaker")
    efs = client(url, "efs")
    ec2 = client(url, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    http(f"{url}/_studio/reset-requests", "POST")
    common = dict(
        AuthMode="IAM",
        VpcId=vpc,
        SubnetIds=[subnet],
        AppNetworkAccessType="VpcOnly",
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/x"},
    )
    expect_error(
        lambda: sm.create_domain(DomainName="bad_name", **common), "ValidationException", "CreateDomain bad name"
    )
    dom = sm.create_domain(DomainName="studio", Tags=[{"Key": "Project", "Value": "smoke"}], **common)
    did = dom["DomainId"]
    check(
        did.startswith("d-") and len(did) == 14 and dom["DomainArn"].endswith(did),
        f"CreateDomain returns DomainId {did}",
    )
    d = sm.describe_domain(DomainId=did)
    for key in (
        "DomainId",
        "DomainArn",
        "DomainName",
        "Status",
        "AuthMode",
        "AppNetworkAccessType",
        "VpcId",
        "SubnetIds",
        "DefaultUserSettings",
        "HomeEfsFileSystemId",
        "Url",
    ):
        check(key in d, f"DescribeDomain has {key}")
    check(d["Status"] == "InService", "pace 0: domain InService at once")
    check(d["Url"] == f"https://{did}.studio.{REGION}.sagemaker.aws", "domain Url")
    fs_id = d["HomeEfsFileSystemId"]
    check(
        any(f["FileSystemId"] == fs_id for f in efs.describe_file_systems()["FileSystems"]),
        "domain home EFS exists in moto's EFS",
    )
    tags = sm.list_tags(ResourceArn=d["DomainArn"])["Tags"]
    check({"Key": "Project", "Value": "smoke"} in tags, "ListTags on the domain ARN")
    check([x["DomainId"] for x in sm.list_domains()["Domains"]] == [did], "ListDomains")
    expect_error(lambda: sm.describe_domain(DomainId="d-doesnotexist1"), "ResourceNotFound", "DescribeDomain unknown")
    # AWS documents no uniqueness rule for DomainName (the DomainId identifies a domain): a second
    # domain of the same name, in another VPC, is created with its own id.
    vpc2 = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet2 = ec2.create_subnet(VpcId=vpc2, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    twin = sm.create_domain(DomainName="studio", **{**common, "VpcId": vpc2, "SubnetIds": [subnet2]})["DomainId"]
    check(twin != did, "CreateDomain: a second domain of the same name gets its own id")
    check(
        sorted(x["DomainId"] for x in sm.list_domains()["Domains"] if x["DomainName"] == "studio")
        == sorted([did, twin]),
        "ListDomains lists both domains of one name",
    )
    check(sm.describe_domain(DomainId=twin)["VpcId"] == vpc2, "DescribeDomain: the twin is in its own VPC")
    sm.delete_domain(DomainId=twin, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    check(sm.describe_domain(DomainId=did)["Status"] == "InService", "deleting the twin leaves the first domain")

    # user profiles
    expect_error(
        lambda: sm.create_user_profile(DomainId=did, UserProfileName="bad_name"),
        "ValidationException",
        "CreateUserProfile bad name",
    )
    expect_error(
        lambda: sm.create_user_profile(DomainId=did, UserProfileName="-lead"),
        "ValidationException",
        "CreateUserProfile leading dash",
    )
    up = sm.create_user_profile(DomainId=did, UserProfileName="alice", Tags=[{"Key": "Owner", "Value": "alice"}])
    check(up["UserProfileArn"].endswith(f":user-profile/{did}/alice"), "CreateUserProfile ARN")
    sm.create_user_profile(DomainId=did, UserProfileName="bob")
    expect_error(
        lambda: sm.create_user_profile(DomainId=did, UserProfileName="alice"),
        "ResourceInUse",
        "CreateUserProfile duplicate",
    )
    p = sm.describe_user_profile(DomainId=did, UserProfileName="alice")
    check(p["Status"] == "InService" and p["DomainId"] == did, "DescribeUserProfile")
    check(
        {"Key": "Owner", "Value": "alice"} in sm.list_tags(ResourceArn=up["UserProfileArn"])["Tags"],
        "ListTags on a user profile",
    )
    names = sorted(x["UserProfileName"] for x in sm.list_user_profiles(DomainIdEquals=did)["UserProfiles"])
    check(names == ["alice", "bob"], "ListUserProfiles")
    page = sm.list_user_profiles(DomainIdEquals=did, MaxResults=1)
    check(len(page["UserProfiles"]) == 1 and "NextToken" in page, "ListUserProfiles paginates")
    sm.update_user_profile(DomainId=did, UserProfileName="bob", UserSettings={"SecurityGroups": ["sg-123"]})
    check(
        sm.describe_user_profile(DomainId=did, UserProfileName="bob")["UserSettings"]["SecurityGroups"] == ["sg-123"],
        "UpdateUserProfile",
    )
    expect_error(
        lambda: sm.describe_user_profile(DomainId=did, UserProfileName="nobody"),
        "ResourceNotFound",
        "DescribeUserProfile unknown",
    )
    expect_error(lambda: sm.delete_domain(DomainId=did), "ResourceInUse", "DeleteDomain with user profiles")

    # spaces and apps
    sp = sm.create_space(
        DomainId=did,
        SpaceName="alice-space",
        OwnershipSettings={"OwnerUserProfileName": "alice"},
        SpaceSharingSettings={"SharingType": "Private"},
        SpaceSettings={"AppType": "JupyterLab"},
    )
    check(sp["SpaceArn"].endswith(f":space/{did}/alice-space"), "CreateSpace")
    s = sm.describe_space(DomainId=did, SpaceName="alice-space")
    check(
        s["OwnershipSettings"]["OwnerUserProfileName"] == "alice"
        and s["SpaceSharingSettings"]["SharingType"] == "Private"
        and s["Status"] == "InService",
        "DescribeSpace",
    )
    lst = sm.list_spaces(DomainIdEquals=did)["Spaces"]
    check(len(lst) == 1 and lst[0]["OwnershipSettingsSummary"]["OwnerUserProfileName"] == "alice", "ListSpaces")
    app = sm.create_app(
        DomainId=did,
        SpaceName="alice-space",
        AppType="JupyterLab",
        AppName="default",
        ResourceSpec={"InstanceType": "ml.t3.medium"},
    )
    check("/alice-space/jupyterlab/default" in app["AppArn"], "CreateApp in a space")
    sm.create_app(DomainId=did, UserProfileName="bob", AppType="JupyterServer", AppName="default")
    expect_error(
        lambda: sm.create_app(DomainId=did, UserProfileName="bob", AppType="JupyterServer", AppName="default"),
        "ResourceInUse",
        "CreateApp duplicate",
    )
    expect_error(
        lambda: sm.create_app(DomainId=did, UserProfileName="bob", AppType="Nope", AppName="x"),
        "ValidationException",
        "CreateApp bad type",
    )
    a = sm.describe_app(DomainId=did, UserProfileName="bob", AppType="JupyterServer", AppName="default")
    check(a["Status"] == "InService", "DescribeApp")
    listed = {x["AppType"]: x for x in sm.list_apps(DomainIdEquals=did)["Apps"]}
    check(len(listed) == 2, "ListApps")
    # AppDetails carries ResourceSpec and CreationTime, as AWS's does (the run rate reads them)
    check(listed["JupyterLab"]["ResourceSpec"]["InstanceType"] == "ml.t3.medium", "ListApps ResourceSpec")
    check(listed["JupyterServer"]["ResourceSpec"]["InstanceType"] == "system", "ListApps system instance")
    check("CreationTime" in listed["JupyterLab"], "ListApps CreationTime")
    # an app AWS does not know: DescribeApp and DeleteApp are refused
    for call, name in ((sm.describe_app, "DescribeApp"), (sm.delete_app, "DeleteApp")):
        expect_error(
            lambda call=call: call(DomainId=did, UserProfileName="bob", AppType="JupyterLab", AppName="nope"),
            "ResourceNotFound",
            f"{name} of an unknown app",
        )
    expect_error(
        lambda: sm.delete_user_profile(DomainId=did, UserProfileName="bob"),
        "ResourceInUse",
        "DeleteUserProfile with a live app",
    )
    expect_error(
        lambda: sm.delete_user_profile(DomainId=did, UserProfileName="alice"),
        "ResourceInUse",
        "DeleteUserProfile owning a private space",
    )
    expect_error(
        lambda: sm.delete_space(DomainId=did, SpaceName="alice-space"), "ResourceInUse", "DeleteSpace with a live app"
    )

    # presigned URL
    url_out = sm.create_presigned_domain_url(
        DomainId=did, UserProfileName="alice", ExpiresInSeconds=60, SessionExpirationDurationInSeconds=1800
    )
    check(
        url_out["AuthorizedUrl"].startswith(f"https://{did}.studio.{REGION}.sagemaker.aws/auth?token="),
        "CreatePresignedDomainUrl",
    )
    expect_error(
        lambda: sm.create_presigned_domain_url(DomainId=did, UserProfileName="alice", ExpiresInSeconds=301),
        "ValidationException",
        "presigned ExpiresInSeconds 301",
    )
    raw = client(url, "sagemaker", validate=False)  # the Rust SDK does not check ranges
    expect_error(
        lambda: raw.create_presigned_domain_url(DomainId=did, UserProfileName="alice", ExpiresInSeconds=4),
        "ValidationException",
        "presigned ExpiresInSeconds 4",
    )
    expect_error(
        lambda: raw.create_presigned_domain_url(
            DomainId=did, UserProfileName="alice", SessionExpirationDurationInSeconds=60
        ),
        "ValidationException",
        "presigned SessionExpirationDurationInSeconds 60",
    )
    expect_error(
        lambda: sm.create_presigned_domain_url(DomainId=did, UserProfileName="zed"),
        "ResourceNotFound",
        "presigned unknown profile",
    )

    # UpdateDomain
    sm.update_domain(DomainId=did, DefaultUserSettings={"SecurityGroups": ["sg-9"]})
    d = sm.describe_domain(DomainId=did)
    check(
        d["DefaultUserSettings"]["SecurityGroups"] == ["sg-9"]
        and d["DefaultUserSettings"]["ExecutionRole"].endswith("role/x"),
        "UpdateDomain merges",
    )

    # "DefaultSpaceSettings.ExecutionRole can only be updated if there are no applications
    # running in any of shared spaces within the domain." (and DefaultUserSettings.ExecutionRole
    # with apps of user profiles; "Edit domain settings", SageMaker developer guide)
    sm.create_space(
        DomainId=did,
        SpaceName="team",
        OwnershipSettings={"OwnerUserProfileName": "alice"},
        SpaceSharingSettings={"SharingType": "Shared"},
        SpaceSettings={"AppType": "JupyterLab"},
    )
    sm.create_app(DomainId=did, SpaceName="team", AppType="JupyterLab", AppName="default")
    err = expect_error(
        lambda: sm.update_domain(
            DomainId=did, DefaultSpaceSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/y"}
        ),
        "ResourceInUse",
        "UpdateDomain DefaultSpaceSettings.ExecutionRole with an app running in a shared space",
    )
    check("JupyterLab/default in team" in str(err), f"the running app is named: {err}")
    err = expect_error(
        lambda: sm.update_domain(
            DomainId=did, DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/y"}
        ),
        "ResourceInUse",
        "UpdateDomain DefaultUserSettings.ExecutionRole with apps running for users",
    )
    check("JupyterServer/default in bob" in str(err) and "team" not in str(err), f"private apps only: {err}")
    sm.update_domain(DomainId=did, DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/x"})
    sm.delete_app(DomainId=did, SpaceName="team", AppType="JupyterLab", AppName="default")
    sm.update_domain(DomainId=did, DefaultSpaceSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/y"})
    check(
        sm.describe_domain(DomainId=did)["DefaultSpaceSettings"]["ExecutionRole"].endswith("role/y"),
        "the shared-space role is updated once no app runs in a shared space",
    )
    sm.delete_space(DomainId=did, SpaceName="team")

    # tear down in order
    sm.delete_app(DomainId=did, UserProfileName="bob", AppType="JupyterServer", AppName="default")
    sm.delete_app(DomainId=did, SpaceName="alice-space", AppType="JupyterLab", AppName="default")
    apps = sm.list_apps(DomainIdEquals=did)["Apps"]
    check(len(apps) == 2 and all(x["Status"] == "Deleted" for x in apps), "deleted apps still listed as Deleted")
    sm.delete_space(DomainId=did, SpaceName="alice-space")
    sm.delete_user_profile(DomainId=did, UserProfileName="bob")
    sm.delete_user_profile(DomainId=did, UserProfileName="alice")
    check(sm.list_user_profiles(DomainIdEquals=did)["UserProfiles"] == [], "profiles deleted")
    sm.delete_domain(DomainId=did)  # Retain by default
    expect_error(lambda: sm.describe_domain(DomainId=did), "ResourceNotFound", "domain gone after delete at pace 0")
    retained = http(f"{url}/_studio/retained")
    check(
        any(r["DomainId"] == did and r["HomeEfsFileSystemId"] == fs_id for r in retained),
        "GET /_studio/retained lists the retained EFS",
    )
    check(
        any(f["FileSystemId"] == fs_id for f in efs.describe_file_systems()["FileSystems"]),
        "retained EFS still in moto's EFS",
    )
    d2 = sm.create_domain(DomainName="studio2", **common)["DomainId"]
    fs2 = sm.describe_domain(DomainId=d2)["HomeEfsFileSystemId"]
    sm.delete_domain(DomainId=d2, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    check(
        not any(f["FileSystemId"] == fs2 for f in efs.describe_file_systems()["FileSystems"]),
        "RetentionPolicy Delete removes the EFS",
    )

    log = http(f"{url}/_studio/requests")
    creates = [e for e in log if e["service"] == "sagemaker" and e["action"] == "CreateDomain"]
    check(len(creates) == 4, "request log counts CreateDomain calls")

    # pace and failure
    http(f"{url}/_studio/config", "POST", {"pace": 0.005, "fail_domains": {"broken": "no EFS"}})
    d3 = sm.create_domain(DomainName="paced", **common)["DomainId"]
    check(sm.describe_domain(DomainId=d3)["Status"] == "Pending", "paced domain starts Pending")
    check(
        wait_status(lambda: sm.describe_domain(DomainId=d3), "InService")["Status"] == "InService",
        "paced domain reaches InService",
    )
    expect_error(
        lambda: (
            sm.create_user_profile(DomainId=d3, UserProfileName="u")
            and sm.create_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default")
        ),
        "ValidationException",
        "CreateApp before the profile is InService",
    )
    check(
        wait_status(lambda: sm.describe_user_profile(DomainId=d3, UserProfileName="u"), "InService")["Status"]
        == "InService",
        "paced profile reaches InService",
    )
    sm.create_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default")
    check(
        sm.describe_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default")["Status"]
        == "Pending",
        "paced app starts Pending",
    )
    check(
        wait_status(
            lambda: sm.describe_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default"),
            "InService",
        )["Status"]
        == "InService",
        "paced app reaches InService",
    )
    sm.delete_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default")
    check(
        sm.describe_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default")["Status"]
        == "Deleting",
        "paced app Deleting",
    )
    check(
        wait_status(
            lambda: sm.describe_app(DomainId=d3, UserProfileName="u", AppType="JupyterLab", AppName="default"),
            "Deleted",
        )["Status"]
        == "Deleted",
        "paced app reaches Deleted",
    )
    d4 = sm.create_domain(DomainName="broken", **common)["DomainId"]
    out = wait_status(lambda: sm.describe_domain(DomainId=d4), "Failed")
    check(
        out["Status"] == "Failed" and out.get("FailureReason") == "no EFS", "fail-domain ends Failed with FailureReason"
    )
    http(f"{url}/_studio/config", "POST", {"pace": 0, "fail_domains": {}})


def test_ec2_dependencies(url: str) -> None:
    ec2 = client(url, "ec2", retries=False)
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    vpc_msg = f"The vpc '{vpc}' has dependencies and cannot be deleted."
    exc = expect_error(lambda: ec2.delete_vpc(VpcId=vpc), "DependencyViolation", "DeleteVpc with a subnet", 400)
    check(exc.response["Error"]["Message"] == vpc_msg, f"DeleteVpc message: {vpc_msg}")
    a = ec2.create_security_group(GroupName="nfs-in", Description="in", VpcId=vpc)["GroupId"]
    b = ec2.create_security_group(GroupName="nfs-out", Description="out", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=a, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    ec2.revoke_security_group_egress(
        GroupId=b, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )

    def perm(g):
        return [
            {
                "IpProtocol": "tcp",
                "FromPort": 2049,
                "ToPort": 2049,
                "UserIdGroupPairs": [{"GroupId": g}],
            }
        ]

    ec2.authorize_security_group_ingress(GroupId=a, IpPermissions=perm(b))
    ec2.authorize_security_group_egress(GroupId=b, IpPermissions=perm(a))
    exc = expect_error(
        lambda: ec2.delete_security_group(GroupId=a),
        "DependencyViolation",
        "DeleteSecurityGroup referenced by another group's egress rule",
        400,
    )
    check(
        exc.response["Error"]["Message"] == f"resource {a} has a dependent object",
        "DeleteSecurityGroup message: resource sg-… has a dependent object",
    )
    expect_error(
        lambda: ec2.delete_security_group(GroupId=b),
        "DependencyViolation",
        "DeleteSecurityGroup referenced by another group's ingress rule",
        400,
    )
    eni = ec2.create_network_interface(SubnetId=sub, Groups=[a])["NetworkInterface"]
    exc = expect_error(
        lambda: ec2.delete_subnet(SubnetId=sub),
        "DependencyViolation",
        "DeleteSubnet with a network interface in it",
        400,
    )
    check(
        exc.response["Error"]["Message"] == f"The subnet '{sub}' has dependencies and cannot be deleted.",
        "DeleteSubnet message",
    )
    ec2.revoke_security_group_egress(GroupId=b, IpPermissions=perm(a))
    ec2.revoke_security_group_ingress(GroupId=a, IpPermissions=perm(b))
    ec2.delete_security_group(GroupId=b)
    expect_error(
        lambda: ec2.delete_security_group(GroupId=a),
        "DependencyViolation",
        "DeleteSecurityGroup used by a network interface",
        400,
    )
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    ec2.delete_security_group(GroupId=a)
    ec2.delete_subnet(SubnetId=sub)
    check(True, "revoking the rules and deleting the interface lets groups and subnet go")
    # each remaining kind of dependent blocks DeleteVpc on its own
    g = ec2.create_security_group(GroupName="left", Description="x", VpcId=vpc)["GroupId"]
    expect_error(
        lambda: ec2.delete_vpc(VpcId=vpc), "DependencyViolation", "DeleteVpc with a non-default security group", 400
    )
    ec2.delete_security_group(GroupId=g)
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    exc = expect_error(
        lambda: ec2.delete_vpc(VpcId=vpc), "DependencyViolation", "DeleteVpc with a non-main route table", 400
    )
    check(exc.response["Error"]["Message"] == vpc_msg, "route-table message quotes the id")
    ec2.delete_route_table(RouteTableId=rt)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    expect_error(
        lambda: ec2.delete_vpc(VpcId=vpc), "DependencyViolation", "DeleteVpc with an attached internet gateway", 400
    )
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ep = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway")[
        "VpcEndpoint"
    ]["VpcEndpointId"]
    expect_error(lambda: ec2.delete_vpc(VpcId=vpc), "DependencyViolation", "DeleteVpc with a VPC endpoint", 400)
    ec2.delete_vpc_endpoints(VpcEndpointIds=[ep])
    sub2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.2.0/24")["Subnet"]["SubnetId"]
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=sub2, AllocationId=alloc)["NatGateway"]["NatGatewayId"]
    expect_error(
        lambda: ec2.delete_subnet(SubnetId=sub2),
        "DependencyViolation",
        "DeleteSubnet with a NAT gateway (its interface)",
        400,
    )
    ec2.delete_nat_gateway(NatGatewayId=nat)
    ec2.delete_subnet(SubnetId=sub2)
    ec2.delete_vpc(VpcId=vpc)
    check(
        not any(v["VpcId"] == vpc for v in ec2.describe_vpcs()["Vpcs"]),
        "DeleteVpc once only the default group and main route table are left",
    )


def test_sagemaker_nfs(url: str) -> None:
    sm = client(url, "sagemaker")
    ec2 = client(url, "ec2", retries=False)
    efs = client(url, "efs")
    vpc = ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    azs = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subs = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.61.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in enumerate(azs, 1)
    ]
    common = dict(
        AuthMode="IAM",
        VpcId=vpc,
        SubnetIds=subs,
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/x"},
    )

    def nfs_groups(did: str) -> dict:
        out = ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc]},
                {
                    "Name": "group-name",
                    "Values": [f"security-group-for-inbound-nfs-{did}", f"security-group-for-outbound-nfs-{did}"],
                },
            ]
        )
        return {g["GroupName"].split("-")[3]: g for g in out["SecurityGroups"]}

    def mount_target_enis(fs_id: str) -> list:
        return [
            e
            for e in ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"]
            if e.get("Description", "").startswith(f"EFS mount target for {fs_id} (fsmt-")
        ]

    dom = sm.create_domain(DomainName="nfs-delete", AppNetworkAccessType="VpcOnly", **common)
    did, arn = dom["DomainId"], dom["DomainArn"]
    fs_id = sm.describe_domain(DomainId=did)["HomeEfsFileSystemId"]
    g = nfs_groups(did)
    check(set(g) == {"inbound", "outbound"}, f"VpcOnly CreateDomain: two NFS groups ({sorted(g)})")
    inb, outb = g["inbound"], g["outbound"]
    check(
        inb["Description"]
        == f"[DO NOT DELETE] Security Group that allows inbound NFS traffic for SageMaker Notebooks Domain [{did}]"
        and outb["Description"]
        == f"[DO NOT DELETE] Security Group that allows outbound NFS traffic for SageMaker Notebooks Domain [{did}]",
        "NFS group descriptions",
    )
    check(
        {"Key": "ManagedByAmazonSageMakerResource", "Value": arn} in inb.get("Tags", [])
        and {"Key": "ManagedByAmazonSageMakerResource", "Value": arn} in outb.get("Tags", []),
        "NFS groups tagged ManagedByAmazonSageMakerResource = domain ARN",
    )

    def rule(gid):
        return [
            {
                "IpProtocol": "tcp",
                "FromPort": 2049,
                "ToPort": 2049,
                "UserIdGroupPairs": [{"GroupId": gid, "UserId": "123456789012"}],
                "IpRanges": [],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
            }
        ]

    check(
        inb["IpPermissions"] == rule(outb["GroupId"]) and inb["IpPermissionsEgress"] == [],
        "inbound group: TCP 2049 from the outbound group, no egress",
    )
    check(
        outb["IpPermissionsEgress"] == rule(inb["GroupId"]) and outb["IpPermissions"] == [],
        "outbound group: TCP 2049 to the inbound group, no ingress",
    )
    enis = mount_target_enis(fs_id)
    check(
        sorted(e["SubnetId"] for e in enis) == sorted(subs)
        and all([x["GroupId"] for x in e["Groups"]] == [inb["GroupId"]] for e in enis)
        and all(e["InterfaceType"] == "efs" and e["RequesterManaged"] for e in enis),
        "one EFS mount-target interface per subnet, in the inbound group, type efs",
    )
    mts = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
    check(
        sorted(m["SubnetId"] for m in mts) == sorted(subs)
        and all(any(m["MountTargetId"] in e["Description"] for e in enis) for m in mts),
        "EFS DescribeMountTargets shows them",
    )
    expect_error(
        lambda: ec2.delete_security_group(GroupId=inb["GroupId"]),
        "DependencyViolation",
        "the inbound NFS group cannot go while referenced and used",
        400,
    )
    expect_error(
        lambda: ec2.delete_subnet(SubnetId=subs[0]),
        "DependencyViolation",
        "a Studio subnet cannot go while it holds a mount target",
        400,
    )
    # Delete: the EFS and its interfaces disappear after a paced delay; the groups stay
    http(f"{url}/_studio/config", "POST", {"pace": 0.05})
    try:
        sm.delete_domain(DomainId=did, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
        check(
            len(mount_target_enis(fs_id)) == 2,
            "right after DeleteDomain(Delete) the interfaces are still there (paced)",
        )
        deadline = time.time() + 30
        while mount_target_enis(fs_id) and time.time() < deadline:
            time.sleep(0.2)
        check(
            not mount_target_enis(fs_id)
            and not any(f["FileSystemId"] == fs_id for f in efs.describe_file_systems()["FileSystems"]),
            "DeleteDomain(Delete): EFS and mount-target interfaces gone after the delay",
        )
    finally:
        http(f"{url}/_studio/config", "POST", {"pace": 0})
    expect_error(lambda: sm.describe_domain(DomainId=did), "ResourceNotFound", "domain gone")
    check(set(nfs_groups(did)) == {"inbound", "outbound"}, "DeleteDomain(Delete) leaves both NFS groups")
    expect_error(lambda: ec2.delete_vpc(VpcId=vpc), "DependencyViolation", "DeleteVpc blocked by the NFS groups", 400)
    # Retain (the default): EFS, mount targets and groups stay
    d2 = sm.create_domain(DomainName="nfs-retain", AppNetworkAccessType="VpcOnly", **common)["DomainId"]
    fs2 = sm.describe_domain(DomainId=d2)["HomeEfsFileSystemId"]
    sm.delete_domain(DomainId=d2)
    check(
        len(mount_target_enis(fs2)) == 2 and set(nfs_groups(d2)) == {"inbound", "outbound"},
        "DeleteDomain(Retain): mount-target interfaces and NFS groups stay",
    )
    # the clean-up the Rust side does: revoke the rules, delete the groups
    for did_ in (did, d2):
        g = nfs_groups(did_)
        ec2.revoke_security_group_ingress(GroupId=g["inbound"]["GroupId"], IpPermissions=g["inbound"]["IpPermissions"])
        ec2.revoke_security_group_egress(
            GroupId=g["outbound"]["GroupId"], IpPermissions=g["outbound"]["IpPermissionsEgress"]
        )
        ec2.delete_security_group(GroupId=g["outbound"]["GroupId"])
        if did_ == d2:
            expect_error(
                lambda g=g: ec2.delete_security_group(GroupId=g["inbound"]["GroupId"]),
                "DependencyViolation",
                "retained EFS interfaces still use the inbound group",
            )
            for m in efs.describe_mount_targets(FileSystemId=fs2)["MountTargets"]:
                efs.delete_mount_target(MountTargetId=m["MountTargetId"])
        ec2.delete_security_group(GroupId=g["inbound"]["GroupId"])
    for sub in subs:
        ec2.delete_subnet(SubnetId=sub)
    ec2.delete_vpc(VpcId=vpc)
    check(True, "after revoking, deleting the groups and the mount targets the VPC goes")
    # PublicInternetOnly domains get the NFS groups too (EFS traffic always uses the VPC)
    vpc2 = ec2.create_vpc(CidrBlock="10.62.0.0/16")["Vpc"]["VpcId"]
    sub2 = ec2.create_subnet(VpcId=vpc2, CidrBlock="10.62.1.0/24")["Subnet"]["SubnetId"]
    d3 = sm.create_domain(
        DomainName="nfs-public",
        AuthMode="IAM",
        VpcId=vpc2,
        SubnetIds=[sub2],
        AppNetworkAccessType="PublicInternetOnly",
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/x"},
    )["DomainId"]
    names = {
        x["GroupName"]
        for x in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc2]}])["SecurityGroups"]
    }
    check(f"security-group-for-inbound-nfs-{d3}" in names, "PublicInternetOnly: NFS groups as well")
    sm.delete_domain(DomainId=d3, RetentionPolicy={"HomeEfsFileSystem": "Delete"})


FENCE_VPCE = "vpce-0fence0000000000a"


def _fence_policy(bucket: str, extra_condition: dict | None = None) -> str:
    cond = {"aws:SourceVpce": FENCE_VPCE}
    cond.update(extra_condition or {})
    arns = [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyDataAccessOutsideVpcEndpoint",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": [
                        "s3:GetObject*",
                        "s3:PutObject*",
                        "s3:DeleteObject*",
                        "s3:ListBucket*",
                        "s3:ListMultipartUploadParts",
                        "s3:AbortMultipartUpload",
                        "s3:RestoreObject",
                    ],
                    "Resource": arns,
                    "Condition": {"StringNotEquals": cond},
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": arns,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )


def _via_vpce(s3, vpce: str = FENCE_VPCE):
    """The same client, but every request marked as coming through the VPC endpoint."""

    def add(request, **_kw):
        request.headers["X-Studio-Source-Vpce"] = vpce

    s3.meta.events.register("before-sign.s3.*", add)
    return s3


def test_leftovers_that_keep_billing(url: str) -> None:
    """A notebook instance in a subnet holds a network interface there (DeleteSubnet / DeleteVpc
    refuse with DependencyViolation until the instance is deleted); a domain deleted with
    HomeEfsFileSystem=Retain leaves its EFS file system, tagged with the domain's ARN; MLflow
    tracking servers are listed and described, with no VPC."""
    sm = client(url, "sagemaker")
    ec2 = client(url, "ec2", retries=False)
    efs = client(url, "efs")
    # SETTINGS.deny answers a SageMaker action as a policy without it would.
    http(f"{url}/_studio/config", "POST", {"deny": ["sagemaker:ListSpaces"]})
    expect_error(lambda: sm.list_spaces(DomainIdEquals="d-x"), "AccessDeniedException", "denied ListSpaces")
    http(f"{url}/_studio/config", "POST", {"deny": []})
    vpc = ec2.create_vpc(CidrBlock="10.62.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.62.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="nb", Description="nb", VpcId=vpc)["GroupId"]
    role = "arn:aws:iam::123456789012:role/x"
    expect_error(
        lambda: sm.create_notebook_instance(
            NotebookInstanceName="nb-nowhere", InstanceType="ml.t3.medium", RoleArn=role, SubnetId="subnet-0000"
        ),
        "ValidationException",
        "CreateNotebookInstance in a subnet that does not exist",
    )
    sm.create_notebook_instance(
        NotebookInstanceName="nb-left", InstanceType="ml.t3.medium", RoleArn=role, SubnetId=sub, SecurityGroupIds=[sg]
    )
    nb = sm.describe_notebook_instance(NotebookInstanceName="nb-left")
    check(nb["SubnetId"] == sub and nb["NotebookInstanceStatus"] == "InService", f"notebook in the subnet: {nb}")
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=[nb["NetworkInterfaceId"]])["NetworkInterfaces"]
    check(
        len(enis) == 1 and enis[0]["SubnetId"] == sub and [g["GroupId"] for g in enis[0]["Groups"]] == [sg],
        f"the notebook's interface is in its subnet with its groups: {enis}",
    )
    expect_error(lambda: ec2.delete_subnet(SubnetId=sub), "DependencyViolation", "DeleteSubnet with a notebook in it")
    expect_error(lambda: ec2.delete_vpc(VpcId=vpc), "DependencyViolation", "DeleteVpc with a notebook in it")
    sm.stop_notebook_instance(NotebookInstanceName="nb-left")
    expect_error(
        lambda: ec2.delete_subnet(SubnetId=sub), "DependencyViolation", "a stopped notebook keeps its interface"
    )
    sm.delete_notebook_instance(NotebookInstanceName="nb-left")
    check(
        ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub]}])["NetworkInterfaces"] == [],
        "DeleteNotebookInstance removes its interface",
    )
    # a notebook without a subnet has no interface
    sm.create_notebook_instance(NotebookInstanceName="nb-public", InstanceType="ml.t3.medium", RoleArn=role)
    check(
        "NetworkInterfaceId" not in sm.describe_notebook_instance(NotebookInstanceName="nb-public"),
        "no subnet, no interface",
    )
    sm.stop_notebook_instance(NotebookInstanceName="nb-public")
    sm.delete_notebook_instance(NotebookInstanceName="nb-public")
    ec2.delete_security_group(GroupId=sg)
    ec2.delete_subnet(SubnetId=sub)

    # Training and processing jobs run until their stopping condition, holding an interface in
    # each VpcConfig subnet; StopTrainingJob / StopProcessingJob end them Stopped.
    sub3 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.62.3.0/24")["Subnet"]["SubnetId"]
    sg3 = ec2.create_security_group(GroupName="jobs", Description="jobs", VpcId=vpc)["GroupId"]
    vpc_config = {"SecurityGroupIds": [sg3], "Subnets": [sub3]}
    sm.create_training_job(
        TrainingJobName="train-left",
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        RoleArn=role,
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 5},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        VpcConfig=vpc_config,
    )
    sm.create_processing_job(
        ProcessingJobName="proc-left",
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 5}
        },
        AppSpecification={"ImageUri": "img"},
        RoleArn=role,
        NetworkConfig={"VpcConfig": vpc_config},
    )
    t = sm.describe_training_job(TrainingJobName="train-left")
    check(
        t["TrainingJobStatus"] == "InProgress" and t["VpcConfig"]["Subnets"] == [sub3],
        f"a training job runs in its subnet: {t['TrainingJobStatus']}",
    )
    running = sm.list_training_jobs(StatusEquals="InProgress")["TrainingJobSummaries"]
    check([j["TrainingJobName"] for j in running] == ["train-left"], f"listed InProgress: {running}")
    pj = sm.describe_processing_job(ProcessingJobName="proc-left")
    check(
        pj["ProcessingJobStatus"] == "InProgress" and pj["NetworkConfig"]["VpcConfig"]["Subnets"] == [sub3],
        f"a processing job runs in its subnet: {pj['ProcessingJobStatus']}",
    )
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub3]}])["NetworkInterfaces"]
    check(len(enis) == 2, f"each running job holds an interface in the subnet: {len(enis)}")
    expect_error(lambda: ec2.delete_subnet(SubnetId=sub3), "DependencyViolation", "DeleteSubnet under running jobs")
    # StopTrainingJob: "SageMaker changes the status of the job to Stopping. After SageMaker
    # stops the job, it sets the status to Stopped" (paced; the interfaces stay until then).
    http(f"{url}/_studio/config", "POST", {"pace": 0.4})
    sm.stop_training_job(TrainingJobName="train-left")
    sm.stop_processing_job(ProcessingJobName="proc-left")
    http(f"{url}/_studio/config", "POST", {"pace": 0})
    check(sm.describe_training_job(TrainingJobName="train-left")["TrainingJobStatus"] == "Stopping", "stopping")
    stopping = sm.list_training_jobs(StatusEquals="Stopping")["TrainingJobSummaries"]
    check([j["TrainingJobName"] for j in stopping] == ["train-left"], f"listed Stopping: {stopping}")
    check(
        sm.describe_processing_job(ProcessingJobName="proc-left")["ProcessingJobStatus"] == "Stopping",
        "processing stopping",
    )
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub3]}])["NetworkInterfaces"]
    check(len(enis) == 2, f"a Stopping job keeps its interface: {len(enis)}")
    expect_error(
        lambda: sm.stop_training_job(TrainingJobName="train-left"), "ValidationException", "stopping a stopping job"
    )
    for _ in range(100):
        if sm.describe_training_job(TrainingJobName="train-left")["TrainingJobStatus"] == "Stopped":
            break
        time.sleep(0.05)
    check(sm.describe_training_job(TrainingJobName="train-left")["TrainingJobStatus"] == "Stopped", "stopped")
    check(
        sm.describe_processing_job(ProcessingJobName="proc-left")["ProcessingJobStatus"] == "Stopped",
        "processing stopped",
    )
    # A warm pool keeps the instances (and interfaces) for KeepAlivePeriodInSeconds after the job.
    sm.create_training_job(
        TrainingJobName="train-pool",
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        RoleArn=role,
        OutputDataConfig={"S3OutputPath": "s3://b/out"},
        ResourceConfig={
            "InstanceType": "ml.m5.large",
            "InstanceCount": 1,
            "VolumeSizeInGB": 10,
            "KeepAlivePeriodInSeconds": 2,
        },
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        VpcConfig=vpc_config,
    )
    pooled = sm.list_training_jobs(WarmPoolStatusEquals="InUse")["TrainingJobSummaries"]
    check([j["TrainingJobName"] for j in pooled] == ["train-pool"], f"WarmPoolStatusEquals filters: {pooled}")
    check(sm.list_training_jobs(WarmPoolStatusEquals="Available")["TrainingJobSummaries"] == [], "none available")
    sm.stop_training_job(TrainingJobName="train-pool")
    t = sm.describe_training_job(TrainingJobName="train-pool")
    check(
        t["TrainingJobStatus"] == "Stopped" and t["WarmPoolStatus"]["Status"] == "Available",
        f"a stopped job's warm pool is Available: {t.get('WarmPoolStatus')}",
    )
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub3]}])["NetworkInterfaces"]
    check(len(enis) == 1, f"the warm pool keeps its interface: {len(enis)}")
    time.sleep(2.1)
    check(
        sm.describe_training_job(TrainingJobName="train-pool")["WarmPoolStatus"]["Status"] == "Terminated",
        "the warm pool ends after its keep-alive period",
    )
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sub3]}])["NetworkInterfaces"]
    check(enis == [], f"and its interface goes: {len(enis)}")
    expect_error(
        lambda: sm.stop_training_job(TrainingJobName="train-left"), "ValidationException", "stopping a stopped job"
    )
    # an endpoint whose model is in the subnet holds an interface there until it is deleted
    sm.create_model(ModelName="m-left", ExecutionRoleArn=role, PrimaryContainer={"Image": "img"}, VpcConfig=vpc_config)
    sm.create_endpoint_config(
        EndpointConfigName="c-left",
        ProductionVariants=[
            {"VariantName": "v", "ModelName": "m-left", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
        ],
    )
    sm.create_endpoint(EndpointName="ep-left", EndpointConfigName="c-left")
    check(
        sm.describe_model(ModelName="m-left")["VpcConfig"]["Subnets"] == [sub3],
        "DescribeModel keeps the VpcConfig",
    )
    expect_error(lambda: ec2.delete_subnet(SubnetId=sub3), "DependencyViolation", "DeleteSubnet under an endpoint")
    sm.delete_endpoint(EndpointName="ep-left")
    ec2.delete_subnet(SubnetId=sub3)
    ec2.delete_security_group(GroupId=sg3)

    # Retain: the home EFS file system stays, tagged with the deleted domain's ARN
    sub2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.62.2.0/24")["Subnet"]["SubnetId"]
    dom = sm.create_domain(
        DomainName="left-efs",
        AuthMode="IAM",
        VpcId=vpc,
        SubnetIds=[sub2],
        AppNetworkAccessType="VpcOnly",
        DefaultUserSettings={"ExecutionRole": role},
    )
    fs_id = sm.describe_domain(DomainId=dom["DomainId"])["HomeEfsFileSystemId"]
    sm.delete_domain(DomainId=dom["DomainId"], RetentionPolicy={"HomeEfsFileSystem": "Retain"})
    fss = [f for f in efs.describe_file_systems()["FileSystems"] if f["FileSystemId"] == fs_id]
    check(
        len(fss) == 1 and {"Key": "ManagedByAmazonSageMakerResource", "Value": dom["DomainArn"]} in fss[0]["Tags"],
        f"the retained file system keeps its tag: {fss}",
    )
    mts = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
    check([m["SubnetId"] for m in mts] == [sub2] and mts[0]["VpcId"] == vpc, f"and its mount target: {mts}")

    # MLflow tracking servers: account-level, no VPC
    arn = sm.create_mlflow_tracking_server(
        TrackingServerName="exp", ArtifactStoreUri="s3://b/x", RoleArn=role, TrackingServerSize="Medium"
    )["TrackingServerArn"]
    check(arn.endswith(":mlflow-tracking-server/exp"), arn)
    d = sm.describe_mlflow_tracking_server(TrackingServerName="exp")
    check(
        d["TrackingServerSize"] == "Medium" and d["TrackingServerStatus"] == "Created" and d["IsActive"] == "Active",
        f"{d}",
    )
    sm.create_mlflow_tracking_server(TrackingServerName="exp2", ArtifactStoreUri="s3://b/y", RoleArn=role)
    page = sm.list_mlflow_tracking_servers(MaxResults=1)
    rest = sm.list_mlflow_tracking_servers(NextToken=page["NextToken"])
    names = sorted(s["TrackingServerName"] for s in page["TrackingServerSummaries"] + rest["TrackingServerSummaries"])
    check(names == ["exp", "exp2"] and "NextToken" not in rest, f"tracking servers across pages: {names}")
    expect_error(
        lambda: sm.create_mlflow_tracking_server(
            TrackingServerName="bad", ArtifactStoreUri="s3://b", RoleArn=role, TrackingServerSize="Huge"
        ),
        "ValidationException",
        "an unknown size",
    )
    sm.stop_mlflow_tracking_server(TrackingServerName="exp")
    check(sm.describe_mlflow_tracking_server(TrackingServerName="exp")["TrackingServerStatus"] == "Stopped", "stopped")
    for name in ("exp", "exp2"):
        sm.delete_mlflow_tracking_server(TrackingServerName=name)
    expect_error(
        lambda: sm.describe_mlflow_tracking_server(TrackingServerName="exp"),
        "ResourceNotFound",
        "a deleted tracking server",
    )


def test_s3_policy(url: str) -> None:
    s3 = client(url, "s3", retries=False)
    inside = _via_vpce(client(url, "s3", retries=False))
    me = client(url, "sts").get_caller_identity()
    b = "fenced-data"
    s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=b, Key="data/one.csv", Body=b"1,2,3")
    s3.put_bucket_policy(Bucket=b, Policy=_fence_policy(b))
    exc = expect_error(
        lambda: s3.get_object(Bucket=b, Key="data/one.csv"),
        "AccessDenied",
        "fence: GetObject from outside the VPC",
        403,
    )
    check(
        exc.response["Error"]["Message"]
        == (
            f"User: {me['Arn']} is not authorized to perform: s3:GetObject on resource: "
            f'"arn:aws:s3:::{b}/data/one.csv" with an explicit deny in a resource-based policy'
        ),
        "fence: same-account AccessDenied message names caller, action and resource",
    )
    raw = urllib.request.Request(
        f"{url}/{b}/data/one.csv",
        method="GET",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=x"
        },
    )
    try:
        urllib.request.urlopen(raw, timeout=10)
        check(False, "fence: raw GetObject refused")
    except urllib.error.HTTPError as err:
        body = err.read().decode()
        check(
            err.code == 403
            and body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
            and "<Error><Code>AccessDenied</Code><Message>" in body
            and "<RequestId>" in body
            and "<HostId>" in body
            and err.headers.get("x-amz-request-id"),
            "fence: 403 body is S3's XML <Error> with RequestId and HostId",
        )
    exc = expect_error(
        lambda: s3.head_object(Bucket=b, Key="data/one.csv"), "403", "fence: HeadObject (s3:GetObject) 403", 403
    )
    check(exc.response["ResponseMetadata"]["HTTPHeaders"].get("content-length") == "0", "fence: HEAD 403 has no body")
    expect_error(lambda: s3.head_bucket(Bucket=b), "403", "fence: HeadBucket (s3:ListBucket)", 403)
    expect_error(lambda: s3.list_objects_v2(Bucket=b), "AccessDenied", "fence: ListObjectsV2", 403)
    expect_error(lambda: s3.list_objects(Bucket=b), "AccessDenied", "fence: ListObjects", 403)
    expect_error(
        lambda: s3.list_object_versions(Bucket=b),
        "AccessDenied",
        "fence: ListObjectVersions (s3:ListBucketVersions)",
        403,
    )
    expect_error(
        lambda: s3.list_multipart_uploads(Bucket=b),
        "AccessDenied",
        "fence: ListMultipartUploads (s3:ListBucketMultipartUploads)",
        403,
    )
    expect_error(lambda: s3.put_object(Bucket=b, Key="x", Body=b"x"), "AccessDenied", "fence: PutObject", 403)
    expect_error(
        lambda: s3.create_multipart_upload(Bucket=b, Key="big"),
        "AccessDenied",
        "fence: CreateMultipartUpload (s3:PutObject)",
        403,
    )
    expect_error(lambda: s3.delete_object(Bucket=b, Key="data/one.csv"), "AccessDenied", "fence: DeleteObject", 403)
    expect_error(
        lambda: s3.get_object_tagging(Bucket=b, Key="data/one.csv"),
        "AccessDenied",
        "fence: GetObjectTagging (matches s3:GetObject*)",
        403,
    )
    s3.create_bucket(Bucket="open-target")
    expect_error(
        lambda: s3.copy_object(Bucket="open-target", Key="c", CopySource={"Bucket": b, "Key": "data/one.csv"}),
        "AccessDenied",
        "fence: CopyObject out of the fenced bucket (source s3:GetObject)",
        403,
    )
    out = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "data/one.csv"}]})
    check(
        out.get("Deleted", []) == []
        and [e["Key"] for e in out["Errors"]] == ["data/one.csv"]
        and out["Errors"][0]["Code"] == "AccessDenied",
        "fence: DeleteObjects answers 200 with a per-key AccessDenied error",
    )
    # bucket administration is not fenced by a Deny on data actions
    check(
        json.loads(s3.get_bucket_policy(Bucket=b)["Policy"])["Statement"][0]["Sid"]
        == "DenyDataAccessOutsideVpcEndpoint",
        "fence: GetBucketPolicy still works",
    )
    s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    s3.get_bucket_tagging(Bucket=b)
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    check(
        s3.get_bucket_versioning(Bucket=b)["Status"] == "Enabled"
        and s3.get_bucket_location(Bucket=b) is not None
        and any(x["Name"] == b for x in s3.list_buckets()["Buckets"]),
        "fence: tagging, versioning, location, ListBuckets unaffected",
    )
    expect_error(
        lambda: s3.delete_bucket(Bucket=b),
        "BucketNotEmpty",
        "fence: DeleteBucket is not fenced (fails only because the bucket is not empty)",
        409,
    )
    # through the VPC endpoint: everything works
    check(
        inside.get_object(Bucket=b, Key="data/one.csv")["Body"].read() == b"1,2,3",
        "fence: GetObject with X-Studio-Source-Vpce of the endpoint",
    )
    inside.head_bucket(Bucket=b)
    inside.put_object(Bucket=b, Key="data/two.csv", Body=b"4")
    check(inside.list_objects_v2(Bucket=b)["KeyCount"] == 2, "fence: ListObjectsV2 via the endpoint")
    other = _via_vpce(client(url, "s3", retries=False), "vpce-0other000000000000")
    expect_error(
        lambda: other.get_object(Bucket=b, Key="data/one.csv"),
        "AccessDenied",
        "fence: another VPC endpoint is still outside",
        403,
    )
    seeded = http(
        f"{url}/_studio/s3-put", "POST", {"bucket": b, "key": "seed/three.txt", "body": "three", "vpce": FENCE_VPCE}
    )
    check(
        seeded["Key"] == "seed/three.txt" and seeded["Size"] == 5,
        "POST /_studio/s3-put stores an object as through the endpoint",
    )
    try:
        http(f"{url}/_studio/s3-put", "POST", {"bucket": b, "key": "k", "body": "x", "vpce": "vpce-0other000000000000"})
        check(False, "s3-put through another endpoint refused")
    except urllib.error.HTTPError as err:
        check(
            err.code == 400 and "explicit deny" in json.loads(err.read())["error"],
            "POST /_studio/s3-put through another endpoint: 400 with the AccessDenied text",
        )
    # a statement naming the caller's aws:userid admits exactly that caller
    s3.put_bucket_policy(Bucket=b, Policy=_fence_policy(b, {"aws:userid": me["UserId"]}))
    check(
        s3.get_object(Bucket=b, Key="seed/three.txt")["Body"].read() == b"three",
        f"fence + aws:userid {me['UserId']}: the caller itself is admitted",
    )
    iam = client(url, "iam")
    iam.create_user(UserName="outsider")
    key = iam.create_access_key(UserName="outsider")["AccessKey"]
    outsider = boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(retries={"total_max_attempts": 1}),
    )
    out_ident = boto3.client(
        "sts",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    ).get_caller_identity()
    exc = expect_error(
        lambda: outsider.get_object(Bucket=b, Key="seed/three.txt"),
        "AccessDenied",
        "fence + aws:userid: another IAM user is refused",
        403,
    )
    check(out_ident["Arn"] in exc.response["Error"]["Message"], "AccessDenied message names the other user's ARN")
    s3.put_bucket_policy(
        Bucket=b,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": {"AWS": out_ident["Arn"]},
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{b}/*",
                    }
                ],
            }
        ),
    )
    s3.get_object(Bucket=b, Key="seed/three.txt")
    expect_error(
        lambda: outsider.get_object(Bucket=b, Key="seed/three.txt"),
        "AccessDenied",
        "Principal {AWS: user ARN} denies only that user",
        403,
    )
    s3.put_bucket_policy(
        Bucket=b,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{b}/*",
                        "Condition": {
                            "ArnNotLike": {"aws:PrincipalArn": me["Arn"]},
                            "Null": {"aws:SourceVpce": "true"},
                        },
                    }
                ],
            }
        ),
    )
    s3.get_object(Bucket=b, Key="seed/three.txt")
    expect_error(
        lambda: outsider.get_object(Bucket=b, Key="seed/three.txt"),
        "AccessDenied",
        "ArnNotLike aws:PrincipalArn + Null aws:SourceVpce",
        403,
    )
    check(
        _via_vpce(outsider).get_object(Bucket=b, Key="seed/three.txt")["Body"].read() == b"three",
        "Null aws:SourceVpce=true does not hold through an endpoint",
    )
    # s3:* denies administration too
    b2 = "fenced-admin"
    s3.create_bucket(Bucket=b2)
    s3.put_bucket_policy(
        Bucket=b2,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{b2}", f"arn:aws:s3:::{b2}/*"],
                        "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpce": FENCE_VPCE}},
                    }
                ],
            }
        ),
    )
    expect_error(
        lambda: s3.get_bucket_policy(Bucket=b2),
        "AccessDenied",
        "Deny s3:* (condition holds) covers GetBucketPolicy",
        403,
    )
    expect_error(lambda: s3.delete_bucket(Bucket=b2), "AccessDenied", "Deny s3:* covers DeleteBucket", 403)
    _via_vpce(client(url, "s3", retries=False)).delete_bucket_policy(Bucket=b2)
    s3.delete_bucket(Bucket=b2)
    # clean up the fenced bucket: policy removed, then it is ordinary again
    s3.delete_bucket_policy(Bucket=b)
    check(
        len(s3.list_object_versions(Bucket=b).get("Versions", [])) == 3, "without a policy the bucket is readable again"
    )


def _versions(s3, bucket: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    out = s3.list_object_versions(Bucket=bucket)
    return (
        sorted((v["Key"], v["VersionId"]) for v in out.get("Versions", [])),
        sorted((m["Key"], m["VersionId"]) for m in out.get("DeleteMarkers", [])),
    )


def test_s3_delete_without_version_id(url: str) -> None:
    """S3 user guide, "Deleting objects from versioning-suspended buckets" and "Deleting object
    versions from a versioning-enabled bucket": a DELETE without a version id never removes a
    versioned object; only a DELETE that names the version (``null`` included) does."""
    s3 = client(url, "s3")
    for status in ("Suspended", "Enabled"):
        b = f"null-versions-{status.lower()}"
        s3.create_bucket(Bucket=b)
        s3.put_object(Bucket=b, Key="old", Body=b"written before versioning")
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        kept = s3.put_object(Bucket=b, Key="old", Body=b"a real version")["VersionId"]
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": status})
        check(("old", "null") in _versions(s3, b)[0], f"{status}: the object written before is the null version")
        s3.delete_object(Bucket=b, Key="old")
        versions, markers = _versions(s3, b)
        if status == "Suspended":
            check(versions == [("old", kept)], f"{status}: a plain DELETE removes the null version only: {versions}")
            check(markers == [("old", "null")], f"{status}: … and puts a null delete marker in its place: {markers}")
        else:
            check(versions == sorted([("old", "null"), ("old", kept)]), f"{status}: a plain DELETE keeps every version")
            check(len(markers) == 1 and markers[0][1] != "null", f"{status}: … and adds a delete marker: {markers}")
        # The same through DeleteObjects, the call an emptying loop makes: no version id, no progress.
        s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "old"}], "Quiet": True})
        check(("old", kept) in _versions(s3, b)[0], f"{status}: DeleteObjects without VersionId keeps {kept}")
        # Named versions, null included, are deleted for good.
        versions, markers = _versions(s3, b)
        objects = [{"Key": k, "VersionId": v} for k, v in versions + markers]
        s3.delete_objects(Bucket=b, Delete={"Objects": objects, "Quiet": True})
        check(_versions(s3, b) == ([], []), f"{status}: deleting each version and marker by id empties the bucket")
        s3.delete_bucket(Bucket=b)


def test_role_sessions_and_short_credentials(url: str) -> None:
    """AssumeRole needs a role that exists (AWS answers AccessDenied); a session's aws:userid is
    role-id:session-name; a role-wide exemption (StringNotLike aws:userid ROLE-ID:*) admits every
    session of the role through the fence, a one-session one does not; short_credentials makes
    the credentials of a role expire at once (a long operation sees its session name change)."""
    iam = client(url, "iam")
    sts = client(url, "sts")
    expect_error(
        lambda: sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/nobody", RoleSessionName="s1"),
        "AccessDenied",
        "AssumeRole of a role that does not exist",
        403,
    )
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    role = iam.create_role(RoleName="fence-admin", Path="/teams/data/", AssumeRolePolicyDocument=trust)["Role"]
    check(role["RoleId"].startswith("AROA"), f"a role id starts with AROA: {role['RoleId']}")

    def session(name: str):
        creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName=name)["Credentials"]
        kw = {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
        who = boto3.client("sts", region_name=REGION, endpoint_url=url, **kw).get_caller_identity()
        s3 = boto3.client(
            "s3", region_name=REGION, endpoint_url=url, config=Config(retries={"total_max_attempts": 1}), **kw
        )
        return who, s3, creds

    one, s3_one, creds = session("first")
    two, s3_two, _ = session("second")
    check(one["UserId"] == f"{role['RoleId']}:first", f"aws:userid of a role session: {one['UserId']}")
    check(
        one["Arn"] == "arn:aws:sts::123456789012:assumed-role/fence-admin/first",
        f"the assumed-role ARN drops the role's path: {one['Arn']}",
    )
    lasts = (creds["Expiration"] - time_now_utc()).total_seconds()
    check(lasts > 3000, f"credentials last DurationSeconds (3600) by default: {lasts}")

    b = "fence-role-sessions"
    admin = client(url, "s3")
    admin.create_bucket(Bucket=b)
    admin.put_object(Bucket=b, Key="k", Body=b"1")
    admin.put_bucket_policy(Bucket=b, Policy=_fence_policy(b, {"aws:userid": one["UserId"]}))
    s3_one.list_object_versions(Bucket=b)
    expect_error(lambda: s3_two.list_object_versions(Bucket=b), "AccessDenied", "one session's exemption", 403)
    doc = json.loads(_fence_policy(b))
    doc["Statement"][0]["Condition"]["StringNotLike"] = {"aws:userid": f"{role['RoleId']}:*"}
    admin.put_bucket_policy(Bucket=b, Policy=json.dumps(doc))
    s3_one.list_object_versions(Bucket=b)
    s3_two.list_object_versions(Bucket=b)
    expect_error(lambda: admin.list_object_versions(Bucket=b), "AccessDenied", "not the role: still fenced", 403)
    admin.delete_bucket_policy(Bucket=b)

    http(f"{url}/_studio/config", "POST", {"short_credentials": {role["Arn"]: 1}})
    _, _, short = session("third")
    lasts = (short["Expiration"] - time_now_utc()).total_seconds()
    check(lasts <= 1.5, f"short_credentials: the credentials expire at once ({lasts}s)")
    http(f"{url}/_studio/config", "POST", {"short_credentials": {}})


def time_now_utc():
    import datetime

    return datetime.datetime.now(datetime.timezone.utc)


def test_stall_and_s3_writer(url: str) -> None:
    """A stalled action stays in flight until it is no longer listed; a writer puts a new object
    after each DeleteObjects while its domain runs an app, and stops when the apps are gone."""
    region = "eu-north-1"
    s3 = client(url, "s3", region=region)
    http(f"{url}/_studio/config", "POST", {"stall": {region: ["ListBuckets"]}})
    done: dict[str, float] = {}

    def call() -> None:
        s3.list_buckets()
        done["at"] = time.monotonic()

    t = threading.Thread(target=call, daemon=True)
    t.start()
    time.sleep(0.3)
    check("at" not in done, "a stalled request is not answered")
    released = time.monotonic()
    http(f"{url}/_studio/config", "POST", {"stall": {}})
    t.join(10)
    check(done.get("at", 0) >= released, "it is answered once released")

    b = "writer-bucket"
    s3.create_bucket(Bucket=b, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    http(f"{url}/_studio/config", "POST", {"s3_writers": {b: {"domain": None, "writes": 2}}})

    def empty_once() -> int:
        listed = s3.list_object_versions(Bucket=b)
        objs = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed.get("Versions", [])]
        objs += [{"Key": m["Key"], "VersionId": m["VersionId"]} for m in listed.get("DeleteMarkers", [])]
        if objs:
            s3.delete_objects(Bucket=b, Delete={"Objects": objs, "Quiet": True})
        return len(objs)

    s3.put_object(Bucket=b, Key="first", Body=b"1")
    check(empty_once() == 1, "the first pass deletes the object")
    check(empty_once() == 1, "the writer wrote one more after the delete")
    check(empty_once() == 1, "and again")
    check(empty_once() == 0, "its writes are used up")
    written = http(f"{url}/_studio/config")["s3_writers"][b]
    check(written["writes"] == 0 and written["written"] == 2, f"two writes counted: {written}")
    http(f"{url}/_studio/config", "POST", {"s3_writers": {b: {"domain": "d-nosuchdomain", "writes": 5}}})
    s3.put_object(Bucket=b, Key="second", Body=b"1")
    check(empty_once() == 1 and empty_once() == 0, "a writer of a domain without running apps writes nothing")
    http(f"{url}/_studio/config", "POST", {"s3_writers": {b: {"on": "DeleteStack", "writes": 1}}})
    client(url, "cloudformation", region=region).delete_stack(StackName="no-such-stack")
    check(empty_once() == 1, "a DeleteStack writer writes when a stack delete starts")
    client(url, "cloudformation", region=region).delete_stack(StackName="no-such-stack")
    check(empty_once() == 0, "once")
    http(f"{url}/_studio/config", "POST", {"s3_writers": {}})
    for bad in (
        {"stall": {region: "ListBuckets"}},
        {"s3_writers": {b: {"writes": -1}}},
        {"short_credentials": {"r": "x"}},
    ):
        try:
            http(f"{url}/_studio/config", "POST", bad)
            check(False, f"{bad} refused")
        except urllib.error.HTTPError as err:
            check(err.code == 400, f"{bad}: 400")


def test_head_bucket_in_another_region(url: str) -> None:
    """S3 API reference, HeadBucket: any Region answers "with the correct bucket location", and a
    bucket the caller cannot use from here answers a generic 400/403/404 without a body."""
    west = client(url, "s3", region="eu-west-1")
    west.create_bucket(Bucket="far-away", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    head = west.head_bucket(Bucket="far-away")
    check(head["ResponseMetadata"]["HTTPStatusCode"] == 200, "HeadBucket in the bucket's own region: 200")
    # Signed for us-east-1, as a client of that region signs it (botocore would follow the
    # answer to the right region by itself, so the request is made by hand).
    req = urllib.request.Request(
        f"{url}/far-away",
        method="HEAD",
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=0"
        },
    )
    try:
        urllib.request.urlopen(req, timeout=10)
        check(False, "HeadBucket signed for another region must fail")
    except urllib.error.HTTPError as e:
        check(e.code == 400, f"400 from another region: {e.code}")
        check(e.headers.get("x-amz-bucket-region") == "eu-west-1", f"with the bucket's region: {dict(e.headers)}")
        check(e.read() == b"", "no body")
    west.delete_bucket(Bucket="far-away")


def test_real_template_teardown(url: str) -> None:
    """The project's template on the strict sandbox: fenced buckets, a VpcOnly domain, and the
    stack delete failing the way it would on AWS until what blocks it is cleared."""
    path = TEMPLATE_PATH
    if not os.path.exists(path):
        return
    cfn, s3, sm, ec2 = (
        client(url, "cloudformation"),
        client(url, "s3", retries=False),
        client(url, "sagemaker"),
        client(url, "ec2"),
    )
    sid = cfn.create_stack(
        StackName="teardown", TemplateBody=open(path, encoding="utf-8").read(), Capabilities=["CAPABILITY_NAMED_IAM"]
    )["StackId"]
    st = wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"]}, "CREATE_COMPLETE", 60
    )["Status"]
    check(st == "CREATE_COMPLETE", f"real template deploys ({st})")
    outs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=sid)["Stacks"][0]["Outputs"]}
    res = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.list_stack_resources(StackName=sid)["StackResourceSummaries"]
    }
    bucket, vpce = outs["DataBucketName"], res["S3VPCEndpoint"]
    expect_error(
        lambda: s3.list_objects_v2(Bucket=bucket), "AccessDenied", "template fence: ListObjectsV2 from the laptop", 403
    )
    expect_error(lambda: s3.head_bucket(Bucket=bucket), "403", "template fence: HeadBucket", 403)
    http(f"{url}/_studio/s3-put", "POST", {"bucket": bucket, "key": "notebooks/a.ipynb", "body": "{}", "vpce": vpce})
    inside = _via_vpce(client(url, "s3", retries=False), vpce)
    check(
        inside.list_objects_v2(Bucket=bucket)["KeyCount"] == 1,
        "template fence: the object is visible through the project's S3 endpoint",
    )
    dom = sm.create_domain(
        DomainName="teardown",
        AuthMode="IAM",
        VpcId=outs["VpcId"],
        SubnetIds=[outs["SageMakerStudioSubnetId"]],
        AppNetworkAccessType="VpcOnly",
        DefaultUserSettings={
            "ExecutionRole": outs["ExecutionRoleArn"],
            "SecurityGroups": [outs["SageMakerSecurityGroupId"]],
        },
    )
    sm.delete_domain(DomainId=dom["DomainId"], RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    cfn.delete_stack(StackName=sid)
    st = wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"]}, "DELETE_FAILED", 60
    )
    failed = {
        r["LogicalResourceId"]: r.get("ResourceStatusReason", "")
        for r in cfn.list_stack_resources(StackName=sid)["StackResourceSummaries"]
        if r["ResourceStatus"] == "DELETE_FAILED"
    }
    check(
        st["Status"] == "DELETE_FAILED" and set(failed) == {"DataBucket", "VPC"},
        f"destroy with data and a VpcOnly domain's NFS groups: DELETE_FAILED on {sorted(failed)}",
    )
    reason = cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatusReason"]
    check(reason == "The following resource(s) failed to delete: [DataBucket, VPC]. ", reason)
    check(
        "The bucket you tried to delete is not empty" in failed["DataBucket"]
        and f"The vpc '{outs['VpcId']}' has dependencies" in failed["VPC"],
        "reasons name the causes",
    )
    check(
        client(url, "kms").describe_key(KeyId=outs["StudioKmsKeyArn"])["KeyMetadata"]["KeyState"] == "PendingDeletion",
        "the keys are already PendingDeletion (deleted before the VPC)",
    )
    # clear what blocks: empty the bucket from inside, revoke and delete the NFS groups, retry
    inside.delete_object(Bucket=bucket, Key="notebooks/a.ipynb")
    check(
        len(inside.list_object_versions(Bucket=bucket).get("DeleteMarkers", [])) == 1,
        "versioned data bucket: DeleteObject leaves a delete marker (bucket still not empty)",
    )
    vers = inside.list_object_versions(Bucket=bucket)
    inside.delete_objects(
        Bucket=bucket,
        Delete={
            "Objects": [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in vers.get("Versions", []) + vers.get("DeleteMarkers", [])
            ]
        },
    )
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [outs["VpcId"]]},
            {"Name": "tag-key", "Values": ["ManagedByAmazonSageMakerResource"]},
        ]
    )["SecurityGroups"]
    check(len(groups) == 2, "the two NFS groups are found by their tag")
    for g in groups:
        if g["IpPermissions"]:
            ec2.revoke_security_group_ingress(GroupId=g["GroupId"], IpPermissions=g["IpPermissions"])
        if g["IpPermissionsEgress"]:
            ec2.revoke_security_group_egress(GroupId=g["GroupId"], IpPermissions=g["IpPermissionsEgress"])
    for g in groups:
        ec2.delete_security_group(GroupId=g["GroupId"])
    cfn.delete_stack(StackName=sid)
    st = wait_status(
        lambda: {"Status": (cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"])}, "DELETE_COMPLETE", 60
    )
    check(st["Status"] == "DELETE_COMPLETE", f"second DeleteStack completes ({st['Status']})")


REAL_PARAMS = {
    "ProjectName": "driftdemo",
    "VpcCIDR": "10.2.0.0/16",
    "FirewallSubnetCIDR": "10.2.1.0/24",
    "NATGatewaySubnetCIDR": "10.2.2.0/24",
    "SageMakerStudioSubnetCIDR": "10.2.3.0/24",
    "AllowedDomains": ".amazonaws.com,.pypi.org",
    "AvailabilityZone": "",
}


def _detect(cfn, name: str) -> dict:
    det = cfn.detect_stack_drift(StackName=name)["StackDriftDetectionId"]
    return wait_status(
        lambda: dict(
            cfn.describe_stack_drift_detection_status(StackDriftDetectionId=det),
            Status=cfn.describe_stack_drift_detection_status(StackDriftDetectionId=det)["DetectionStatus"],
        ),
        "DETECTION_COMPLETE",
        30,
    )


def _drifted(cfn, name: str) -> dict:
    rows = []
    kw: dict = {"StackName": name, "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"], "MaxResults": 2}
    while True:
        page = cfn.describe_stack_resource_drifts(**kw)
        rows += page["StackResourceDrifts"]
        if not page.get("NextToken"):
            return {r["LogicalResourceId"]: r for r in rows}
        kw["NextToken"] = page["NextToken"]


def _check_standalone_egress_false_positive(cfn) -> None:
    """aws-cloudformation/cloudformation-coverage-roadmap#1198: the rule of a standalone
    AWS::EC2::SecurityGroupEgress shows as an ADD on a group that declares egress rules inline."""
    tpl = {
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.61.0.0/16"}},
            "Sg": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": "fp",
                    "VpcId": {"Ref": "Vpc"},
                    "SecurityGroupEgress": [
                        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
                    ],
                },
            },
            "SgEgressNfs": {
                "Type": "AWS::EC2::SecurityGroupEgress",
                "Properties": {
                    "GroupId": {"Ref": "Sg"},
                    "IpProtocol": "tcp",
                    "FromPort": 2049,
                    "ToPort": 2049,
                    "DestinationSecurityGroupId": {"Ref": "Sg"},
                },
            },
        }
    }
    name = "driftfp"
    sid = cfn.create_stack(StackName=name, TemplateBody=json.dumps(tpl))["StackId"]
    wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"]}, "CREATE_COMPLETE", 60
    )
    st = _detect(cfn, name)
    drifted = _drifted(cfn, name)
    check(
        st["StackDriftStatus"] == "DRIFTED"
        and set(drifted) == {"Sg"}
        and [d["DifferenceType"] for d in drifted["Sg"]["PropertyDifferences"]] == ["ADD"],
        "a standalone egress rule shows as an ADD on its group (AWS's known false positive)",
    )
    cfn.delete_stack(StackName=name)


def test_drift(url: str) -> None:
    """Issue 15: the real template, a route bypassing the firewall, a loosened bucket policy and a
    widened allow list made out of band; detected, then reverted with a REVERT_DRIFT change set."""
    path = TEMPLATE_PATH
    if not os.path.exists(path):
        return
    cfn, ec2, s3, nfw = (
        client(url, "cloudformation"),
        client(url, "ec2"),
        client(url, "s3", retries=False),
        client(url, "network-firewall"),
    )
    name = "driftdemo"
    sid = cfn.create_stack(
        StackName=name,
        TemplateBody=open(path, encoding="utf-8").read(),
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in REAL_PARAMS.items()],
    )["StackId"]
    wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"]}, "CREATE_COMPLETE", 60
    )
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    check(
        stack["DriftInformation"] == {"StackDriftStatus": "NOT_CHECKED"},
        "DescribeStacks: NOT_CHECKED before any detection",
    )
    outs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    st = _detect(cfn, name)
    drifted = _drifted(cfn, name)
    # The template declares every egress rule inline (see the next check for why): a fresh
    # deploy is in sync.
    check(
        st["StackDriftStatus"] == "IN_SYNC" and drifted == {},
        f"fresh deploy of the real template: IN_SYNC ({sorted(drifted)})",
    )
    _check_standalone_egress_false_positive(cfn)
    allrows = cfn.describe_stack_resource_drifts(StackName=name)["StackResourceDrifts"]
    by = {r["LogicalResourceId"]: r for r in allrows}
    check(
        by["NATGatewayDefaultRoute"]["StackResourceDriftStatus"] == "IN_SYNC"
        and by["ExecutionRole"]["StackResourceDriftStatus"] == "NOT_CHECKED"
        and json.loads(by["DataBucketPolicy"]["ExpectedProperties"])
        == json.loads(by["DataBucketPolicy"]["ActualProperties"]),
        "fresh deploy: route and bucket policy IN_SYNC, IAM role NOT_CHECKED",
    )
    summaries = {r["LogicalResourceId"]: r for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}
    check(
        summaries["NATGatewayDefaultRoute"]["DriftInformation"]["StackResourceDriftStatus"] == "IN_SYNC"
        and "LastCheckTimestamp" in summaries["NATGatewayDefaultRoute"]["DriftInformation"],
        "ListStackResources: DriftInformation after a detection",
    )

    # Detection that fails on one resource: DETECTION_FAILED with the reason, results for the
    # others, the failed resource UNKNOWN, and a stack drift status that speaks only for what was
    # checked (DescribeStackDriftDetectionStatus: "Results will be available for resources on
    # which CloudFormation successfully completed drift detection.").
    http(f"{url}/_studio/config", "POST", {"fail_drift": {"DataBucketPolicy": "Internal Failure"}})
    try:
        det = cfn.detect_stack_drift(StackName=name)["StackDriftDetectionId"]
        failed = wait_status(
            lambda: dict(
                cfn.describe_stack_drift_detection_status(StackDriftDetectionId=det),
                Status=cfn.describe_stack_drift_detection_status(StackDriftDetectionId=det)["DetectionStatus"],
            ),
            "DETECTION_FAILED",
            30,
        )
    finally:
        http(f"{url}/_studio/config", "POST", {"fail_drift": {}})
    check(
        "DataBucketPolicy" in failed.get("DetectionStatusReason", "") and failed["StackDriftStatus"] == "IN_SYNC",
        f"DETECTION_FAILED names the resource, and the stack status is only the checked ones': {failed}",
    )
    rows = {
        r["LogicalResourceId"]: r for r in cfn.describe_stack_resource_drifts(StackName=name)["StackResourceDrifts"]
    }
    check(
        rows["DataBucketPolicy"]["StackResourceDriftStatus"] == "UNKNOWN"
        and "ExpectedProperties" not in rows["DataBucketPolicy"]
        and rows["NATGatewayDefaultRoute"]["StackResourceDriftStatus"] == "IN_SYNC",
        "partial results: the failed resource UNKNOWN, the others checked",
    )
    check(_detect(cfn, name)["StackDriftStatus"] == "IN_SYNC", "without the fault, detection completes again")

    # out-of-band changes
    nat_rt, igw = outs["NATGatewayRouteTableId"], outs["InternetGatewayId"]
    fw_vpce = outs["FirewallEndpointId"]
    ec2.replace_route(RouteTableId=nat_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.create_route(
        RouteTableId=outs["SageMakerStudioRouteTableId"], DestinationCidrBlock="192.0.2.0/24", GatewayId=igw
    )
    ec2.delete_route(RouteTableId=outs["IgwRouteTableId"], DestinationCidrBlock=REAL_PARAMS["NATGatewaySubnetCIDR"])
    bucket = outs["DataBucketName"]
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "Open",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                    }
                ],
            }
        ),
    )
    rg = nfw.describe_rule_group(RuleGroupName="driftdemo-egress-allow-list", Type="STATEFUL")
    body = rg["RuleGroup"]
    body["RulesSource"]["RulesSourceList"]["Targets"].append(".github.com")
    nfw.update_rule_group(
        RuleGroupArn=rg["RuleGroupResponse"]["RuleGroupArn"],
        UpdateToken=rg["UpdateToken"],
        RuleGroup=body,
        Type="STATEFUL",
    )
    expect_error(
        lambda: nfw.update_rule_group(
            RuleGroupArn=rg["RuleGroupResponse"]["RuleGroupArn"],
            UpdateToken=rg["UpdateToken"],
            RuleGroup=body,
            Type="STATEFUL",
        ),
        "InvalidTokenException",
        "UpdateRuleGroup with a stale UpdateToken",
    )
    routes = {
        r["DestinationCidrBlock"]: r
        for r in ec2.describe_route_tables(RouteTableIds=[nat_rt])["RouteTables"][0]["Routes"]
    }
    check(
        routes["0.0.0.0/0"].get("GatewayId") == igw,
        "ReplaceRoute: the NAT subnet goes straight to the internet gateway",
    )

    st = _detect(cfn, name)
    drifted = _drifted(cfn, name)
    check(
        st["StackDriftStatus"] == "DRIFTED"
        and st["DriftedStackResourceCount"] == 4
        and set(drifted)
        == {"NATGatewayDefaultRoute", "IgwToFirewallRoute", "DataBucketPolicy", "DomainAllowListRuleGroup"},
        f"detection after out-of-band changes: {sorted(drifted)} (the extra route is no template resource's drift)",
    )
    route = drifted["NATGatewayDefaultRoute"]
    check(
        route["StackResourceDriftStatus"] == "MODIFIED"
        and route["PropertyDifferences"]
        == [
            {
                "PropertyPath": "/VpcEndpointId",
                "ExpectedValue": fw_vpce,
                "ActualValue": "null",
                "DifferenceType": "REMOVE",
            }
        ]
        and json.loads(route["ActualProperties"]).get("GatewayId") == igw,
        "route bypassing the firewall: MODIFIED, /VpcEndpointId REMOVE, ActualProperties has the GatewayId",
    )
    check(
        drifted["IgwToFirewallRoute"]["StackResourceDriftStatus"] == "DELETED"
        and "ActualProperties" not in drifted["IgwToFirewallRoute"],
        "deleted route: DELETED",
    )
    paths = {d["PropertyPath"] for d in drifted["DataBucketPolicy"]["PropertyDifferences"]}
    check("/PolicyDocument/Statement/0/Effect" in paths, f"bucket policy: MODIFIED ({sorted(paths)[:3]}…)")
    diffs = drifted["DomainAllowListRuleGroup"]["PropertyDifferences"]
    check(
        diffs
        == [
            {
                "PropertyPath": "/RuleGroup/RulesSource/RulesSourceList/Targets/2",
                "ExpectedValue": "null",
                "ActualValue": ".github.com",
                "DifferenceType": "ADD",
            }
        ],
        "rule group: the added domain is an ADD at /RuleGroup/RulesSource/RulesSourceList/Targets/2",
    )
    check(
        cfn.describe_stacks(StackName=name)["Stacks"][0]["DriftInformation"]["StackDriftStatus"] == "DRIFTED",
        "DescribeStacks: DriftInformation DRIFTED",
    )

    # REVERT_DRIFT: deployed template, previous parameter values
    cs = cfn.create_change_set(
        StackName=name,
        ChangeSetName="revert-drift",
        UsePreviousTemplate=True,
        DeploymentMode="REVERT_DRIFT",
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": k, "UsePreviousValue": True} for k in REAL_PARAMS],
    )
    d = cfn.describe_change_set(ChangeSetName=cs["Id"])
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in d["Changes"]}
    check(
        d["Status"] == "CREATE_COMPLETE"
        and d["ExecutionStatus"] == "AVAILABLE"
        and d.get("DeploymentMode") == "REVERT_DRIFT"
        and d.get("StackDriftStatus") == "DRIFTED"
        and set(changes)
        == {"NATGatewayDefaultRoute", "IgwToFirewallRoute", "DataBucketPolicy", "DomainAllowListRuleGroup"},
        f"REVERT_DRIFT change set: a Modify per drifted resource ({sorted(changes)})",
    )
    rc = changes["NATGatewayDefaultRoute"]
    tgt = rc["Details"][0]["Target"]
    check(
        rc["Action"] == "Modify"
        and rc["ResourceDriftStatus"] == "MODIFIED"
        and rc["Replacement"] == "False"
        and tgt["Path"] == "/VpcEndpointId"
        and tgt["AfterValue"] == fw_vpce
        and tgt["BeforeValue"] == "null"
        and tgt["BeforeValueFrom"] == "ACTUAL_STATE"
        and tgt["AfterValueFrom"] == "TEMPLATE"
        and tgt["Drift"]["ActualValue"] == "null"
        and tgt["AttributeChangeType"] == "Add"
        and json.loads(rc["BeforeContext"])["Properties"]["GatewayId"] == igw
        and json.loads(rc["AfterContext"])["Properties"]["VpcEndpointId"] == fw_vpce,
        "route change: ResourceDriftStatus MODIFIED, Target Path/BeforeValue/AfterValue/Drift, contexts",
    )
    check(
        changes["IgwToFirewallRoute"]["ResourceDriftStatus"] == "DELETED", "deleted route: ResourceDriftStatus DELETED"
    )
    cfn.execute_change_set(ChangeSetName=cs["Id"])
    wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"]}, "UPDATE_COMPLETE", 60
    )
    events = [
        (e["LogicalResourceId"], e["ResourceStatus"]) for e in cfn.describe_stack_events(StackName=name)["StackEvents"]
    ]
    check(
        ("NATGatewayDefaultRoute", "UPDATE_IN_PROGRESS") in events
        and ("NATGatewayDefaultRoute", "UPDATE_COMPLETE") in events
        and (name, "UPDATE_COMPLETE") in events,
        "revert: per-resource UPDATE_IN_PROGRESS / UPDATE_COMPLETE events",
    )
    routes = {
        r["DestinationCidrBlock"]: r
        for r in ec2.describe_route_tables(RouteTableIds=[nat_rt])["RouteTables"][0]["Routes"]
    }
    check(
        routes["0.0.0.0/0"].get("GatewayId") == fw_vpce or routes["0.0.0.0/0"].get("VpcEndpointId") == fw_vpce,
        f"revert: the NAT subnet's default route goes to the firewall endpoint again ({routes['0.0.0.0/0']})",
    )
    edge = {
        r["DestinationCidrBlock"]
        for r in ec2.describe_route_tables(RouteTableIds=[outs["IgwRouteTableId"]])["RouteTables"][0]["Routes"]
    }
    check(REAL_PARAMS["NATGatewaySubnetCIDR"] in edge, "revert: the deleted edge route is back")
    pol = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    check(
        pol["Statement"][0]["Sid"] == "DenyDataAccessOutsideVpcEndpoint", "revert: the template's bucket policy is back"
    )
    rg = nfw.describe_rule_group(RuleGroupName="driftdemo-egress-allow-list", Type="STATEFUL")
    check(
        rg["RuleGroup"]["RulesSource"]["RulesSourceList"]["Targets"] == [".amazonaws.com", ".pypi.org"],
        "revert: the rule group's domains are the template's",
    )
    st = _detect(cfn, name)
    check(st["StackDriftStatus"] == "IN_SYNC" and _drifted(cfn, name) == {}, "after the revert the stack is IN_SYNC")
    sg = ec2.describe_security_groups(GroupIds=[outs["SageMakerSecurityGroupId"]])["SecurityGroups"][0]
    check(any(p.get("FromPort") == 2049 for p in sg["IpPermissionsEgress"]), "revert keeps the NFS egress rule")
    expect_error(
        lambda: cfn.create_change_set(
            StackName=name,
            ChangeSetName="bad",
            UsePreviousTemplate=True,
            DeploymentMode="REVERT",
            Capabilities=["CAPABILITY_NAMED_IAM"],
        ),
        "ValidationError",
        "DeploymentMode outside the enum",
    )
    raw = _raw_query(url, "DescribeStackResourceDrifts", {"StackName": name})
    check(
        "<StackResourceDrifts><member>" in raw
        and "<StackResourceDriftStatus>" in raw
        and "<DescribeStackResourceDriftsResult>" in raw,
        "DescribeStackResourceDrifts XML element names",
    )
    cfn.delete_stack(StackName=name)


def _raw_query(url: str, action: str, params: dict) -> str:
    from urllib.parse import urlencode

    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    data = urlencode({"Action": action, "Version": "2010-05-15", **params})
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=url + "/", data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("testing", "testing"), "cloudformation", REGION).add_auth(
        req
    )
    r = urllib.request.Request(url + "/", data=data.encode(), method="POST", headers=dict(req.headers))
    return urllib.request.urlopen(r).read().decode()


def test_firewall_alerts(url: str) -> None:
    """Issue 15: the firewall's alert log group exists, alert records are added through
    POST /_studio/firewall-alerts and read back with FilterLogEvents (startTime, paging)."""
    path = TEMPLATE_PATH
    if not os.path.exists(path):
        return
    cfn, logs = client(url, "cloudformation"), client(url, "logs")
    params = dict(REAL_PARAMS, ProjectName="alerts")
    sid = cfn.create_stack(
        StackName="alerts",
        TemplateBody=open(path, encoding="utf-8").read(),
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()],
    )["StackId"]
    wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"]}, "CREATE_COMPLETE", 60
    )
    group = "/aws/vendedlogs/alerts/network-firewall/alert"
    found = logs.describe_log_groups(logGroupNamePrefix="/aws/vendedlogs/alerts/")["logGroups"]
    check(
        [g["logGroupName"] for g in found] == [group] and found[0].get("retentionInDays") == 90,
        "DescribeLogGroups finds the firewall's alert log group (name from the template)",
    )
    out = http(f"{url}/_studio/firewall-alerts", "POST", {"stack": "alerts", "demo": True})
    check(
        out["log_group"] == group
        and out["written"] == 6
        and out["hosts"] == ["github.com", "huggingface.co", "registry.npmjs.org"],
        "POST /_studio/firewall-alerts {stack, demo}: 6 records for 3 hosts",
    )
    t0 = int(time.time()) - 3600
    http(
        f"{url}/_studio/firewall-alerts",
        "POST",
        {
            "log_group": group,
            "raw": True,  # the log format as given: pypi.org is on the allow list and would pass
            "records": [{"host": "pypi.org", "kind": "tls", "src_ip": "10.2.3.15", "time": t0 + i} for i in range(7)]
            + [{"host": "example.com", "kind": "http", "src_ip": "10.2.3.16", "time": t0 + 100}],
        },
    )
    events, kw, pages = (
        [],
        {"logGroupName": group, "startTime": t0 * 1000, "endTime": (t0 + 1000) * 1000, "limit": 3},
        0,
    )
    while True:
        page = logs.filter_log_events(**kw)
        events += page["events"]
        pages += 1
        if not page.get("nextToken"):
            break
        kw["nextToken"] = page["nextToken"]
    recs = [json.loads(e["message"]) for e in events]
    check(
        len(events) == 8 and pages == 3 and [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events),
        f"FilterLogEvents startTime/endTime + limit 3: 8 events in {pages} pages, time order",
    )
    tls, http_rec = recs[0], recs[-1]
    check(
        tls["firewall_name"] == "alerts-firewall"
        and tls["event_timestamp"] == str(t0)
        and tls["event"]["event_type"] == "alert"
        and tls["event"]["alert"]["action"] == "blocked"
        and tls["event"]["tls"]["sni"] == "pypi.org"
        and tls["event"]["src_ip"] == "10.2.3.15"
        and tls["event"]["dest_port"] == 443
        and tls["event"]["proto"] == "TCP",
        "alert record: firewall_name, event_timestamp, event.alert.action blocked, event.tls.sni",
    )
    check(
        http_rec["event"]["http"]["hostname"] == "example.com" and http_rec["event"]["dest_port"] == 80,
        "alert record: event.http.hostname for HTTP",
    )
    hit = logs.filter_log_events(logGroupName=group, filterPattern='{ $.event.http.hostname = "example.*" }')["events"]
    check(len(hit) == 1, "JSON filter pattern on event.http.hostname")
    hit = logs.filter_log_events(
        logGroupName=group, filterPattern='{ ($.event.alert.action = "blocked") && ($.event.tls.sni = "github.com") }'
    )["events"]
    check(len(hit) == 3, "JSON filter pattern with && and parentheses")
    expect_error(
        lambda: logs.filter_log_events(logGroupName=group, limit=10001),
        "InvalidParameterException",
        "FilterLogEvents limit over 10000",
    )
    try:
        http(f"{url}/_studio/firewall-alerts", "POST", {"log_group": "/nope", "records": [{"host": "a.b"}]})
        check(False, "firewall-alerts: unknown log group -> 404")
    except urllib.error.HTTPError as exc:
        check(exc.code == 404 and "error" in json.loads(exc.read()), "firewall-alerts: unknown log group -> 404")
    cfn.delete_stack(StackName="alerts")


def test_firewall_alerts_follow_the_deployed_rules(url: str) -> None:
    """Issue 23: DescribeFirewallPolicy / DescribeRuleGroup answer the deployed policy in the API's
    shape, and POST /_studio/firewall-alerts decides each flow with the same rules as
    `studio-tui firewall check` (nfw_eval, tested against the shared case table): a flow the
    deployed rules pass writes no blocked record, one they drop writes the alerts its rules log."""
    from studio_emulator import nfw_eval

    if not os.path.exists(TEMPLATE_PATH):
        return
    cfn, nfw = client(url, "cloudformation"), client(url, "network-firewall")
    params = dict(REAL_PARAMS, ProjectName="decided")
    sid = cfn.create_stack(
        StackName="decided",
        TemplateBody=open(TEMPLATE_PATH, encoding="utf-8").read(),
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()],
    )["StackId"]
    wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName=sid)["Stacks"][0]["StackStatus"]}, "CREATE_COMPLETE", 60
    )
    fw = nfw.describe_firewall(FirewallName="decided-firewall")["Firewall"]
    policy = nfw.describe_firewall_policy(FirewallPolicyArn=fw["FirewallPolicyArn"])
    body = policy["FirewallPolicy"]
    check(
        body["StatelessDefaultActions"] == ["aws:forward_to_sfe"]
        and all(isinstance(r.get("Priority", 0), int) for r in body["StatefulRuleGroupReferences"]),
        "DescribeFirewallPolicy: FirewallPolicy as the API shapes it (botocore validated it)",
    )
    groups = {}
    for ref in body["StatefulRuleGroupReferences"]:
        g = nfw.describe_rule_group(RuleGroupArn=ref["ResourceArn"])
        groups[ref["ResourceArn"]] = {"name": g["RuleGroupResponse"]["RuleGroupName"], "rule_group": g["RuleGroup"]}
    check(
        any((g["rule_group"].get("RulesSource") or {}).get("RulesSourceList") for g in groups.values()),
        "DescribeRuleGroup: the domain list's RulesSourceList",
    )
    flows = [
        ("pypi.org", "tls", None),
        ("github.com", "tls", None),
        ("registry.npmjs.org", "http", None),
        ("github.com", "tcp", 443),
        ("8.8.8.8", "udp", 53),
        ("1.1.1.1", "icmp", None),
        ("140.82.112.3", "tls", None),
    ]
    blocked_seen = 0
    for host, kind, port in flows:
        want_port = port if port is not None else (None if kind == "icmp" else (80 if kind == "http" else 443))
        want = nfw_eval.evaluate(body, groups, {"host": host, "port": want_port, "protocol": kind})
        rec = {"host": host, "kind": kind}
        if port is not None:
            rec["dest_port"] = port
        out = http(f"{url}/_studio/firewall-alerts", "POST", {"stack": "decided", "records": [rec]})
        what = f"{host} {kind}: {want['verdict']} by {want['decided_by']['kind']}"
        check(out["written"] == len(want["alerts"]), f"{what}: the records its rules log ({out})")
        if want["verdict"] == "reaches" and not want["alerts"]:
            check(host in out["passed"] and out["written"] == 0, f"{what}: passed, nothing written")
        if want["verdict"] == "dropped":
            blocked_seen += 1
            check(out["undecided"] == [] and out["written"] >= 1, f"{what}: blocked record written")
    check(blocked_seen >= 2, "the default allow list drops github.com and registry.npmjs.org at least")
    try:
        http(
            f"{url}/_studio/firewall-alerts",
            "POST",
            {"stack": "decided", "records": [{"host": "pypi.org", "action": "blocked"}]},
        )
        check(False, "an explicit action without raw is refused")
    except urllib.error.HTTPError as exc:
        check(exc.code == 400, "an explicit action without raw -> 400")
    cfn.delete_stack(StackName="decided")


def test_cloudformation(url: str) -> None:
    """The CloudFormation extension (cfn.py, when present) runs behind the same server."""
    cfn = client(url, "cloudformation")
    body = json.dumps({"Resources": {"Net": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.77.0.0/16"}}}})
    http(f"{url}/_studio/reset-requests", "POST")
    cfn.create_stack(StackName="smoke-stack", TemplateBody=body)
    status = wait_status(
        lambda: {"Status": cfn.describe_stacks(StackName="smoke-stack")["Stacks"][0]["StackStatus"]}, "CREATE_COMPLETE"
    )["Status"]
    check(status == "CREATE_COMPLETE", f"CloudFormation stack CREATE_COMPLETE ({status})")
    log = http(f"{url}/_studio/requests")
    check(
        any(e["service"] == "cloudformation" and e["action"] == "CreateStack" for e in log),
        "request log has cloudformation CreateStack",
    )
    cfn.delete_stack(StackName="smoke-stack")


def test_faults(url: str) -> None:
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 1.0})
    expect_error(
        lambda: client(url, "sagemaker", retries=False).list_domains(), "ThrottlingException", "throttle sagemaker", 400
    )
    expect_error(
        lambda: client(url, "cloudformation", retries=False).list_stacks(), "Throttling", "throttle cloudformation", 400
    )
    expect_error(lambda: client(url, "sts", retries=False).get_caller_identity(), "Throttling", "throttle sts", 400)
    expect_error(lambda: client(url, "ec2", retries=False).describe_vpcs(), "RequestLimitExceeded", "throttle ec2", 503)
    expect_error(lambda: client(url, "s3", retries=False).list_buckets(), "SlowDown", "throttle s3", 503)
    check(http(f"{url}/_studio/config")["throttle_rate"] == 1.0, "control endpoints not faulted")
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 0, "error_5xx_rate": 1.0})
    expect_error(
        lambda: client(url, "sagemaker", retries=False).list_domains(), "InternalFailure", "5xx sagemaker", 500
    )
    expect_error(
        lambda: client(url, "cloudformation", retries=False).list_stacks(), "InternalFailure", "5xx cloudformation", 500
    )
    expect_error(lambda: client(url, "ec2", retries=False).describe_vpcs(), "InternalError", "5xx ec2", 500)
    http(f"{url}/_studio/config", "POST", {"error_5xx_rate": 0, "drop_rate": 1.0})
    try:
        client(url, "sagemaker", retries=False).list_domains()
        check(False, "drop: expected a connection error")
    except (
        botocore.exceptions.ConnectionClosedError,
        botocore.exceptions.EndpointConnectionError,
        botocore.exceptions.ConnectionError,
    ) as exc:
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
    check(
        first == second and "ok" in first and "throttled" in first,
        f"seeded throttling is reproducible ({first.count('throttled')}/20 throttled)",
    )
    # boto3 with its normal retries gets through a 50% throttle
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 0.3, "seed": 1})
    ok = 0
    for _ in range(10):
        client(url, "sagemaker").list_domains()
        ok += 1
    check(ok == 10, "boto3 retries get through 30% throttling")
    http(f"{url}/_studio/config", "POST", {"throttle_rate": 0, "error_5xx_rate": 0, "drop_rate": 0})


def test_reset(url: str) -> None:
    sm = client(url, "sagemaker")
    check(len(sm.list_domains()["Domains"]) > 0, "domains exist before reset")
    http(f"{url}/moto-api/reset", "POST")
    check(sm.list_domains()["Domains"] == [], "/moto-api/reset clears SageMaker domains")
    check(http(f"{url}/_studio/retained") == [], "/moto-api/reset clears retained EFS records")
    ec2 = client(url, "ec2")
    check(
        any(v["CidrBlock"] == "10.2.0.0/16" for v in ec2.describe_vpcs()["Vpcs"]),
        "--seed-vpcs fixture re-created after reset",
    )


def test_cli() -> None:
    proc_env = dict(os.environ, PYTHONPATH=HERE, PYTHONDONTWRITEBYTECODE="1")
    bad = subprocess.run(
        [sys.executable, "-m", "studio_emulator", "--faults", "throttle=lots"],
        cwd=HERE,
        env=proc_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(
        bad.returncode == 2 and "throttle" in bad.stderr and bad.stdout == "",
        f"bad --faults exits 2 ({bad.stderr.strip()})",
    )
    bad = subprocess.run(
        [sys.executable, "-m", "studio_emulator", "--faults", "nonsense=1"],
        cwd=HERE,
        env=proc_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(bad.returncode == 2, "unknown --faults key exits 2")
    proc, url = start(["--faults", "throttle=1,seed=3,fail=FirewallA:quota,fail-domain=dd", "--pace", "0.25"])
    cfg = http(f"{url}/_studio/config")
    check(
        cfg["throttle_rate"] == 1.0
        and cfg["seed"] == 3
        and cfg["pace"] == 0.25
        and cfg["fail_resources"] == {"FirewallA": "quota"}
        and "dd" in cfg["fail_domains"],
        "--faults and --pace reach the settings",
    )
    expect_error(
        lambda: client(url, "sagemaker", retries=False).list_domains(),
        "ThrottlingException",
        "--faults throttle=1 applies",
    )
    proc.send_signal(signal.SIGINT)
    check(proc.wait(timeout=15) == 0, "SIGINT stops the emulator with exit 0")
    proc, url = start(["--seed-shared-tgw"])
    try:
        ec2 = client(url, "ec2")

        def owners() -> set[str]:
            return {t["OwnerId"] for t in ec2.describe_transit_gateways()["TransitGateways"]}

        check(owners() == {"210987654321"}, "--seed-shared-tgw seeds the shared gateway")
        http(f"{url}/moto-api/reset", "POST")
        check(owners() == {"210987654321"}, "--seed-shared-tgw re-seeds after reset")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_sigterm(emulator: subprocess.Popen) -> None:
    emulator.send_signal(signal.SIGTERM)
    check(emulator.wait(timeout=15) == 0, "SIGTERM stops the emulator with exit 0")
