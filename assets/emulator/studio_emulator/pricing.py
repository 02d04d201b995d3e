"""The AWS Price List Query API (``pricing``, awsJson1_1, ``AWSPriceListService.*``), which moto
5.2.5 does not have: GetProducts over the fixture of ``pricing_data.py``.

As the API reference documents it (Billing and Cost Management API Reference, "GetProducts"
and "Filter"; the SDKs' service documentation for the endpoints):

* It answers at three endpoints only, ``api.pricing.us-east-1``, ``api.pricing.eu-central-1``
  and ``api.pricing.ap-south-1``. A request signed for any other region is a name that does not
  resolve for a real client; here the connection is shut without an answer (the client sees a
  dispatch failure, as it would see the DNS failure).
* ``ServiceCode`` is required; ``FormatVersion`` is ``aws_v1``; ``MaxResults`` is 1..100
  (default 100); ``Filters`` each have ``Type`` (``TERM_MATCH``, ``EQUALS``, ``CONTAINS``,
  ``ANY_OF``, ``NONE_OF``), ``Field`` (``ServiceCode`` or an attribute name) and ``Value``
  (``ANY_OF`` / ``NONE_OF``: comma-separated values); a product is returned only when every
  filter matches. A bad parameter → ``InvalidParameterException``.
* ``PriceList`` is a list of JSON strings, one per product; ``NextToken`` when more remain; a
  token this server did not issue → ``InvalidNextTokenException``.
* ``SETTINGS.deny`` (``POST /_studio/config {"deny": ["pricing:GetProducts"]}``) makes the
  action fail with ``AccessDeniedException``, as an IAM policy without it would.
* ``SETTINGS.pricing_page_limit`` (0 = none) returns at most that many products a page, fewer
  than MaxResults, as the API may.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any, Callable

from .config import SETTINGS
from .faults import classify, drop_connection
from .pricing_data import as_price_list, products

API_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")
FILTER_TYPES = ("TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF")
TARGET_PREFIX = "AWSPriceListService."
CALLER_ARN = "arn:aws:iam::123456789012:user/moto"


class PricingError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _field_value(product: dict[str, Any], field: str) -> str | None:
    if field.lower() == "servicecode":
        return str(product["serviceCode"])
    if field == "productFamily":
        return str(product["product"]["productFamily"])
    if field == "sku":
        return str(product["product"]["sku"])
    value = product["product"]["attributes"].get(field)
    return None if value is None else str(value)


def _matches(product: dict[str, Any], flt: dict[str, Any]) -> bool:
    kind, field, value = flt["Type"], flt["Field"], flt["Value"]
    have = _field_value(product, field)
    if kind == "NONE_OF":
        return have is None or have not in [v.strip() for v in value.split(",")]
    if have is None:
        return False
    if kind in ("TERM_MATCH", "EQUALS"):
        return have == value
    if kind == "CONTAINS":
        return value in have
    return have in [v.strip() for v in value.split(",")]


def _check_filters(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise PricingError("InvalidParameterException", "Filters must be a list")
    out = []
    for flt in raw:
        if not isinstance(flt, dict) or not all(isinstance(flt.get(k), str) for k in ("Type", "Field", "Value")):
            raise PricingError("InvalidParameterException", "each filter needs Type, Field and Value")
        if flt["Type"] not in FILTER_TYPES:
            raise PricingError(
                "InvalidParameterException", f"Filter type {flt['Type']!r} is not one of {', '.join(FILTER_TYPES)}"
            )
        if not 1 <= len(flt["Field"]) <= 1024:
            raise PricingError("InvalidParameterException", "Field must be 1 to 1024 characters")
        out.append(flt)
    return out


def _token(offset: int, query: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "q": query}).encode()).decode()


def _offset(token: str, query: str) -> int:
    try:
        doc = json.loads(base64.urlsafe_b64decode(token.encode()))
        if doc["q"] != query:
            raise ValueError("another query")
        return int(doc["o"])
    except (ValueError, KeyError, TypeError):
        raise PricingError(
            "InvalidNextTokenException", "The pagination token is invalid. Try again without a pagination token."
        ) from None


def get_products(body: dict[str, Any]) -> dict[str, Any]:
    service = body.get("ServiceCode")
    if not isinstance(service, str) or not service:
        raise PricingError("InvalidParameterException", "ServiceCode is required")
    fmt = body.get("FormatVersion", "aws_v1")
    if fmt != "aws_v1":
        raise PricingError("InvalidParameterException", f"FormatVersion {fmt!r} is not supported; use aws_v1")
    max_results = body.get("MaxResults", 100)
    if isinstance(max_results, bool) or not isinstance(max_results, int) or not 1 <= max_results <= 100:
        raise PricingError("InvalidParameterException", "MaxResults must be between 1 and 100")
    filters = _check_filters(body.get("Filters"))
    query = json.dumps({"s": service, "f": filters}, sort_keys=True)
    token = body.get("NextToken")
    start = _offset(token, query) if token else 0
    with SETTINGS.lock:
        limit = SETTINGS.pricing_page_limit
    size = min(max_results, limit) if limit > 0 else max_results
    found = [p for p in products() if p["serviceCode"] == service and all(_matches(p, f) for f in filters)]
    page = found[start : start + size]
    out: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": as_price_list(page)}
    if start + size < len(found):
        out["NextToken"] = _token(start + size, query)
    return out


def _answer(start_response: Callable, status: str, doc: dict[str, Any], error: str | None = None) -> list[bytes]:
    body = json.dumps(doc).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        ("Content-Length", str(len(body))),
    ]
    if error:
        headers.append(("x-amzn-ErrorType", error))
    start_response(status, headers)
    return [body]


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b"{}"
    try:
        doc = json.loads(raw or b"{}")
    except ValueError:
        raise PricingError("SerializationException", "the request body is not JSON") from None
    if not isinstance(doc, dict):
        raise PricingError("SerializationException", "the request body is not a JSON object")
    return doc


def pricing_middleware(app: Callable) -> Callable:
    """Answer the Price List Query API's requests; pass everything else on."""

    def wrapped(environ: dict[str, Any], start_response: Callable) -> Any:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
            return app(environ, start_response)
        info = classify(environ)
        if info["region"] not in API_REGIONS:
            drop_connection(environ)
            return []
        action = target[len(TARGET_PREFIX) :]
        with SETTINGS.lock:
            denied = f"pricing:{action}" in SETTINGS.deny
        if denied:
            message = f"User: {CALLER_ARN} is not authorized to perform: pricing:{action} because no identity-based policy allows the pricing:{action} action"
            return _answer(
                start_response,
                "400 Bad Request",
                {"__type": "AccessDeniedException", "Message": message},
                "AccessDeniedException",
            )
        try:
            if action != "GetProducts":
                raise PricingError("UnknownOperationException", f"{action} is not served by this emulator")
            return _answer(start_response, "200 OK", get_products(_read_json(environ)))
        except PricingError as e:
            return _answer(start_response, "400 Bad Request", {"__type": e.code, "Message": e.message}, e.code)

    return wrapped
