"""The Price List Query API of the emulator over real HTTP with boto3 (botocore parses each
answer with the service's own model, so a shape AWS would not send fails here)."""

from __future__ import annotations

import json
import subprocess
import urllib.error
from collections.abc import Iterator

import botocore.exceptions
import pytest
from test_server import check, client, expect_error, http, start


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("emulator") / "stderr.log"
    with open(log, "w", encoding="utf-8") as err:
        proc: subprocess.Popen
        proc, endpoint = start(["--port", "0"], stderr=err)
        try:
            yield endpoint
        finally:
            proc.kill()
            proc.wait()


def term(field: str, value: str) -> dict[str, str]:
    return {"Type": "TERM_MATCH", "Field": field, "Value": value}


def test_get_products_filters_and_shape(url: str) -> None:
    pricing = client(url, "pricing", "us-east-1")
    out = pricing.get_products(
        ServiceCode="AmazonEC2",
        Filters=[term("regionCode", "us-east-1"), term("productFamily", "NAT Gateway")],
        FormatVersion="aws_v1",
    )
    check(out["FormatVersion"] == "aws_v1", "FormatVersion aws_v1")
    check("NextToken" not in out, "one page")
    docs = [json.loads(p) for p in out["PriceList"]]
    usage = sorted(d["product"]["attributes"]["usagetype"] for d in docs)
    check(
        usage == ["USE1-NatGateway-Bytes", "USE1-NatGateway-Hours", "USE1-RegionalNatGateway-Hours"],
        f"NAT gateway products of us-east-1: {usage}",
    )
    hours = next(d for d in docs if d["product"]["attributes"]["usagetype"] == "USE1-NatGateway-Hours")
    (term_doc,) = hours["terms"]["OnDemand"].values()
    (dim,) = term_doc["priceDimensions"].values()
    check(dim["pricePerUnit"]["USD"] == "0.0450000000" and dim["unit"] == "Hrs", f"NAT hour price {dim}")
    # CONTAINS / ANY_OF / NONE_OF, as the Filter reference words them.
    contains = pricing.get_products(
        ServiceCode="AmazonVPC", Filters=[{"Type": "CONTAINS", "Field": "usagetype", "Value": "PublicIPv4"}]
    )
    check(len(contains["PriceList"]) == 4, "CONTAINS: in-use and idle IPv4 in two regions")
    any_of = pricing.get_products(
        ServiceCode="awskms", Filters=[{"Type": "ANY_OF", "Field": "regionCode", "Value": "us-east-1,eu-west-1"}]
    )
    check(len(any_of["PriceList"]) == 4, "ANY_OF: both regions")
    none_of = pricing.get_products(
        ServiceCode="awskms", Filters=[{"Type": "NONE_OF", "Field": "regionCode", "Value": "us-east-1"}]
    )
    check(
        all(json.loads(p)["product"]["attributes"]["regionCode"] == "eu-west-1" for p in none_of["PriceList"]),
        "NONE_OF",
    )
    empty = pricing.get_products(ServiceCode="AmazonS3", Filters=[term("regionCode", "us-east-1")])
    check(empty["PriceList"] == [], "a service code without products: an empty list")


def test_pagination_and_limits(url: str) -> None:
    pricing = client(url, "pricing", "eu-central-1")
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        out = pricing.get_products(ServiceCode="AmazonCloudWatch", MaxResults=1, **kwargs)
        pages += 1
        seen += out["PriceList"]
        token = out.get("NextToken")
        if not token:
            break
    check(pages == 4 and len(seen) == 4, f"MaxResults=1: four pages of one product ({pages}, {len(seen)})")
    expect_error(
        lambda: pricing.get_products(ServiceCode="AmazonCloudWatch", NextToken="bogus"),
        "InvalidNextTokenException",
        "a token this server did not issue",
    )
    unvalidated = client(url, "pricing", "eu-central-1", validate=False)
    expect_error(
        lambda: unvalidated.get_products(ServiceCode="AmazonCloudWatch", MaxResults=101),
        "InvalidParameterException",
        "MaxResults over 100",
    )
    expect_error(
        lambda: unvalidated.get_products(ServiceCode="awskms", Filters=[{"Type": "LIKE", "Field": "x", "Value": "y"}]),
        "InvalidParameterException",
        "an unknown filter type",
    )
    http(f"{url}/_studio/config", "POST", {"pricing_page_limit": 2})
    try:
        out = pricing.get_products(ServiceCode="AmazonCloudWatch", MaxResults=100)
        check(len(out["PriceList"]) == 2 and "NextToken" in out, "a page limit under MaxResults")
    finally:
        http(f"{url}/_studio/config", "POST", {"pricing_page_limit": 0})


def test_only_three_regions_answer(url: str) -> None:
    for region in ("us-east-1", "eu-central-1", "ap-south-1"):
        out = client(url, "pricing", region).get_products(ServiceCode="awskms", MaxResults=1)
        check(len(out["PriceList"]) == 1, f"{region} answers")
    try:
        client(url, "pricing", "eu-west-1", retries=False).get_products(ServiceCode="awskms")
    except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError):
        return
    check(False, "eu-west-1 has no Price List Query API endpoint")


def test_denied(url: str) -> None:
    http(f"{url}/_studio/config", "POST", {"deny": ["pricing:GetProducts"]})
    try:
        exc = expect_error(
            lambda: client(url, "pricing", "us-east-1").get_products(ServiceCode="awskms"),
            "AccessDeniedException",
            "pricing:GetProducts denied",
        )
        check("pricing:GetProducts" in exc.response["Error"]["Message"], "the message names the action")
    finally:
        http(f"{url}/_studio/config", "POST", {"deny": []})
    with pytest.raises(urllib.error.HTTPError):
        http(f"{url}/_studio/config", "POST", {"deny": "pricing:GetProducts"})
