"""The products the emulator's Price List Query API knows: a small fixture in the real shape.

Each product is what GetProducts returns, one JSON document per product (``aws_v1``):
``{"product": {"productFamily", "attributes": {...}, "sku"}, "serviceCode", "terms":
{"OnDemand": {"<sku>.JRTCKXETXF": {"priceDimensions": {"<sku>.JRTCKXETXF.6YS6EN2CT7":
{"unit", "pricePerUnit": {"USD": "0.0450000000"}, "beginRange", "endRange", ...}}}}},
"version", "publicationDate"}``. Usage types carry the region's billing prefix (``USE1-``,
``EU-``), as AWS's do; AWS KMS's carry the region's name (``us-east-1-KMS-Keys``). Prices are
AWS's published on-demand prices in us-east-1 and eu-west-1 (rounded as the pricing pages
show them); a few neighbours (advanced inspection, regional NAT gateways, idle IPv4 addresses,
KMS requests, a notebook instance's hour) are listed before the product a client wants, so a client that reads the first product whose usage
type merely ends the right way is caught.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

LOCATIONS = {"us-east-1": "US East (N. Virginia)", "eu-west-1": "EU (Ireland)"}
PREFIXES = {"us-east-1": "USE1", "eu-west-1": "EU"}
PUBLICATION_DATE = "2026-11-30T18:00:00Z"
ON_DEMAND = "JRTCKXETXF"
RATE = "6YS6EN2CT7"

# (service code, product family, usage type without prefix, unit, description, extra attributes)
# then the price per region; a tiered price is a list of (begin, end, usd).
_ROWS: list[tuple[str, str, str, str, str, dict[str, str], dict[str, Any]]] = [
    (
        "AWSNetworkFirewall",
        "AWS Firewall",
        "Advanced-Inspection-Endpoint-Hour",
        "hour",
        "per advanced inspection endpoint-hour",
        {"group": "Advanced Inspection", "operation": "Endpoint"},
        {"us-east-1": 0.49, "eu-west-1": 0.49},
    ),
    (
        "AWSNetworkFirewall",
        "AWS Firewall",
        "Endpoint-Hour",
        "hour",
        "per firewall endpoint-hour",
        {"group": "AWS Network Firewall", "operation": "Endpoint"},
        {"us-east-1": 0.395, "eu-west-1": 0.395},
    ),
    (
        "AWSNetworkFirewall",
        "AWS Firewall",
        "Traffic-GB-Processed",
        "GB",
        "per GB processed",
        {"group": "Throughput", "operation": "Traffic"},
        {"us-east-1": 0.065, "eu-west-1": 0.065},
    ),
    (
        "AmazonEC2",
        "NAT Gateway",
        "RegionalNatGateway-Hours",
        "Hrs",
        "per Regional NAT Gateway Hour per zone",
        {"group": "NGW:RegionalNatGateway", "operation": "RegionalNatGateway"},
        {"us-east-1": 0.045, "eu-west-1": 0.048},
    ),
    (
        "AmazonEC2",
        "NAT Gateway",
        "NatGateway-Hours",
        "Hrs",
        "per NAT Gateway Hour",
        {"group": "NGW:NatGateway", "operation": "NatGateway"},
        {"us-east-1": 0.045, "eu-west-1": 0.048},
    ),
    (
        "AmazonEC2",
        "NAT Gateway",
        "NatGateway-Bytes",
        "GB",
        "per GB Data Processed by NAT Gateways",
        {"group": "NGW:NatGateway", "operation": "NatGateway"},
        {"us-east-1": 0.045, "eu-west-1": 0.048},
    ),
    (
        "AmazonVPC",
        "VpcEndpoint",
        "VpcEndpoint-Hours",
        "Hrs",
        "per VPC Endpoint Hour",
        {"group": "VpcEndpoint", "endpointType": "PrivateLink", "operation": "VpcEndpoint"},
        {"us-east-1": 0.01, "eu-west-1": 0.011},
    ),
    (
        "AmazonVPC",
        "VpcEndpoint",
        "VpcEndpoint-Bytes",
        "GB",
        "per GB Data Processed by VPC Endpoints",
        {"group": "VpcEndpoint", "endpointType": "PrivateLink", "operation": "VpcEndpoint"},
        {
            "us-east-1": [(0, 1048576, 0.01), (1048576, 5242880, 0.006), (5242880, None, 0.004)],
            "eu-west-1": [(0, 1048576, 0.01), (1048576, 5242880, 0.006), (5242880, None, 0.004)],
        },
    ),
    (
        "AmazonVPC",
        "VPC Public IPv4 Address",
        "PublicIPv4:IdleAddress",
        "Hrs",
        "per Idle public IPv4 address per hour",
        {"group": "VPCPublicIPv4Address", "operation": ""},
        {"us-east-1": 0.005, "eu-west-1": 0.005},
    ),
    (
        "AmazonVPC",
        "VPC Public IPv4 Address",
        "PublicIPv4:InUseAddress",
        "Hrs",
        "per In-use public IPv4 address per hour",
        {"group": "VPCPublicIPv4Address", "operation": ""},
        {"us-east-1": 0.005, "eu-west-1": 0.005},
    ),
    (
        "awskms",
        "API Request",
        "KMS-Requests",
        "Requests",
        "per request",
        {"group": "", "operation": ""},
        {"us-east-1": 0.000003, "eu-west-1": 0.000003},
    ),
    (
        "awskms",
        "Encryption Key",
        "KMS-Keys",
        "Keys",
        "per customer managed key per month",
        {"group": "", "operation": ""},
        {"us-east-1": 1.0, "eu-west-1": 1.0},
    ),
    (
        "AmazonCloudWatch",
        "Data Payload",
        "VendedLog-Bytes",
        "GB",
        "per GB of vended logs delivered",
        {"group": "Vended Log Data Ingested", "operation": "PutLogEvents"},
        {
            "us-east-1": [(0, 10240, 0.5), (10240, 30720, 0.25), (30720, 51200, 0.1), (51200, None, 0.05)],
            "eu-west-1": [(0, 10240, 0.5), (10240, 30720, 0.25), (30720, 51200, 0.1), (51200, None, 0.05)],
        },
    ),
    (
        "AmazonCloudWatch",
        "Storage Snapshot",
        "TimedStorage-ByteHrs",
        "GB-Mo",
        "per GB-month of log data stored",
        {"group": "", "operation": ""},
        {"us-east-1": 0.03, "eu-west-1": 0.03},
    ),
    (
        "AmazonSageMaker",
        "ML Instance",
        "Notebk:ml.t3.medium",
        "Hrs",
        "per hour for Notebook Instance ml.t3.medium",
        {"instanceName": "ml.t3.medium", "platoinstancetype": "Notebook", "operation": "RunInstance"},
        {"us-east-1": 0.05, "eu-west-1": 0.0555},
    ),
    (
        "AmazonSageMaker",
        "ML Instance",
        "Studio:JupyterLab-ml.t3.medium",
        "Hrs",
        "per hour for Studio JupyterLab ml.t3.medium",
        {"instanceName": "ml.t3.medium", "platoinstancetype": "Studio-JupyterLab", "operation": "RunInstance"},
        {"us-east-1": 0.05, "eu-west-1": 0.0555},
    ),
    (
        "AmazonSageMaker",
        "ML Instance",
        "Studio:JupyterLab-ml.m5.large",
        "Hrs",
        "per hour for Studio JupyterLab ml.m5.large",
        {"instanceName": "ml.m5.large", "platoinstancetype": "Studio-JupyterLab", "operation": "RunInstance"},
        {"us-east-1": 0.115, "eu-west-1": 0.128},
    ),
    (
        "AmazonSageMaker",
        "ML Instance",
        "Studio:CodeEditor-ml.t3.medium",
        "Hrs",
        "per hour for Studio Code Editor ml.t3.medium",
        {"instanceName": "ml.t3.medium", "platoinstancetype": "studio-codeeditor", "operation": "RunInstance"},
        {"us-east-1": 0.05, "eu-west-1": 0.0555},
    ),
    (
        "AmazonSageMaker",
        "ML Instance",
        "Host:ml.m5.large",
        "Hrs",
        "per hour for real-time inference ml.m5.large",
        {"instanceName": "ml.m5.large", "platoinstancetype": "Hosting", "operation": "RunInstance"},
        {"us-east-1": 0.115, "eu-west-1": 0.128},
    ),
    (
        "AmazonSageMaker",
        "ML Instance",
        "Train:ml.m5.large",
        "Hrs",
        "per hour for training ml.m5.large",
        {"instanceName": "ml.m5.large", "platoinstancetype": "Training", "operation": "RunInstance"},
        {"us-east-1": 0.115, "eu-west-1": 0.128},
    ),
]


def _sku(*parts: str) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest().upper()
    return "".join(c for c in digest if c.isalnum())[:16]


def _usd(value: float) -> str:
    return f"{value:.10f}"


def _product(row: tuple[str, str, str, str, str, dict[str, str], dict[str, Any]], region: str) -> dict[str, Any]:
    service, family, usage, unit, description, extra, prices = row
    # AWS KMS writes the region's name where the others write its billing code.
    usagetype = f"{region}-{usage}" if service == "awskms" else f"{PREFIXES[region]}-{usage}"
    sku = _sku(service, region, usagetype)
    price = prices[region]
    tiers = price if isinstance(price, list) else [(0, None, price)]
    dimensions = {}
    for begin, end, usd in tiers:
        code = f"{sku}.{ON_DEMAND}.{_sku(sku, str(begin))[:10]}" if begin else f"{sku}.{ON_DEMAND}.{RATE}"
        dimensions[code] = {
            "rateCode": code,
            "description": f"${usd} {description} in {LOCATIONS[region]}",
            "beginRange": str(begin),
            "endRange": "Inf" if end is None else str(end),
            "unit": unit,
            "pricePerUnit": {"USD": _usd(usd)},
            "appliesTo": [],
        }
    attributes = {
        "servicecode": service,
        "location": LOCATIONS[region],
        "locationType": "AWS Region",
        "regionCode": region,
        "usagetype": usagetype,
        "servicename": service,
        **extra,
    }
    return {
        "product": {"productFamily": family, "attributes": attributes, "sku": sku},
        "serviceCode": service,
        "terms": {
            "OnDemand": {
                f"{sku}.{ON_DEMAND}": {
                    "priceDimensions": dimensions,
                    "sku": sku,
                    "effectiveDate": "2026-11-01T00:00:00Z",
                    "offerTermCode": ON_DEMAND,
                    "termAttributes": {},
                }
            }
        },
        "version": "20261130180000",
        "publicationDate": PUBLICATION_DATE,
    }


def products() -> list[dict[str, Any]]:
    """Every product of the fixture, in a stable order."""
    return [_product(row, region) for row in _ROWS for region in LOCATIONS]


def as_price_list(items: list[dict[str, Any]]) -> list[str]:
    """Products as GetProducts' PriceList: a list of JSON strings."""
    return [json.dumps(p, separators=(",", ":")) for p in items]
