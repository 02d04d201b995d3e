"""Request classification, request log and random fault injection (WSGI middleware).

Only AWS API requests are logged and subject to faults; ``/_studio/*`` and ``/moto-api/*`` are not.
"""

from __future__ import annotations

import io
import json
import random
import socket
import struct
import threading
import time
import uuid
from typing import Any, Callable
from urllib.parse import parse_qs

from .config import SETTINGS

# Services speaking the "query" protocol (form-encoded Action=..., XML answers).
QUERY_SERVICES = {
    "cloudformation",
    "sts",
    "iam",
    "sns",
    "sqs",
    "elasticloadbalancing",
    "autoscaling",
    "rds",
    "elasticache",
    "cloudwatch",
    "monitoring",
    "ses",
    "redshift",
    "sdb",
}
EC2_SERVICES = {"ec2"}
S3_SERVICES = {"s3"}
# (code, status) per protocol family
THROTTLE = {
    "query": ("Throttling", 400, "Rate exceeded"),
    "ec2": ("RequestLimitExceeded", 503, "Request limit exceeded."),
    "json": ("ThrottlingException", 400, "Rate exceeded"),
    "s3": ("SlowDown", 503, "Please reduce your request rate."),
}
SERVER_ERROR = {
    "query": (
        "InternalFailure",
        500,
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
    "ec2": ("InternalError", 500, "An internal error has occurred."),
    "json": (
        "InternalFailure",
        500,
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
    "s3": ("InternalError", 500, "We encountered an internal error. Please try again."),
}
QUERY_XMLNS = {
    "cloudformation": "http://cloudformation.amazonaws.com/doc/2010-05-15/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}

_S3_SUBRESOURCES = [
    ("policy", "BucketPolicy"),
    ("tagging", "Tagging"),
    ("versioning", "BucketVersioning"),
    ("encryption", "BucketEncryption"),
    ("publicAccessBlock", "PublicAccessBlock"),
    ("lifecycle", "BucketLifecycleConfiguration"),
    ("acl", "Acl"),
    ("cors", "BucketCors"),
    ("ownershipControls", "BucketOwnershipControls"),
    ("logging", "BucketLogging"),
    ("notification", "BucketNotificationConfiguration"),
    ("location", "BucketLocation"),
]


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()


REQUEST_LOG = RequestLog()


class FaultRng:
    """One seeded RNG for all requests; re-seeded when the seed setting changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seed: int | None = None
        self._rng = random.Random(0)

    def draw(self) -> float:
        with self._lock:
            with SETTINGS.lock:
                seed = SETTINGS.seed
            if seed != self._seed:
                self._seed = seed
                self._rng = random.Random(seed)
            return self._rng.random()

    def reseed(self) -> None:
        with self._lock:
            self._seed = None


FAULT_RNG = FaultRng()


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def classify(environ: dict[str, Any]) -> dict[str, Any]:
    """Return {"service", "action", "method", "protocol"} for an AWS API request."""
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "") or "/"
    auth = environ.get("HTTP_AUTHORIZATION", "")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    service = ""
    region = ""
    if "Credential=" in auth:
        try:
            scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
            service = scope[3].lower()
            region = scope[2]
        except IndexError:
            service = ""
    action = ""
    if target:
        prefix, _, action = target.partition(".")
        if not service:
            service = prefix.split("_")[0].lower()
    if not action:
        qs = parse_qs(environ.get("QUERY_STRING", ""))
        if "Action" in qs:
            action = qs["Action"][0]
        elif environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            form = parse_qs(_read_body(environ).decode("utf-8", "replace"))
            if "Action" in form:
                action = form["Action"][0]
    if not service:
        service = "s3" if not action else "unknown"
    if target or service not in QUERY_SERVICES | EC2_SERVICES | S3_SERVICES:
        protocol = "json"
    elif service in EC2_SERVICES:
        protocol = "ec2"
    elif service in S3_SERVICES:
        protocol = "s3"
    else:
        protocol = "query"
    if service in S3_SERVICES and not action:
        action = _s3_action(method, path, environ.get("QUERY_STRING", ""))
    if not action:
        action = f"{method} {path}"
    return {"service": service, "action": action, "method": method, "protocol": protocol, "region": region}


def _s3_action(method: str, path: str, query: str) -> str:
    parts = [p for p in path.split("/") if p]
    qs = parse_qs(query, keep_blank_values=True)
    verb = {"GET": "Get", "PUT": "Put", "DELETE": "Delete", "HEAD": "Head", "POST": "Post"}.get(method, method.title())
    if not parts:
        return "ListBuckets" if method == "GET" else f"{verb}Root"
    if len(parts) == 1:
        for key, name in _S3_SUBRESOURCES:
            if key in qs:
                return f"{verb}{name}"
        if "delete" in qs and method == "POST":
            return "DeleteObjects"
        return {
            "PUT": "CreateBucket",
            "DELETE": "DeleteBucket",
            "HEAD": "HeadBucket",
            "GET": "ListObjectsV2" if qs.get("list-type") == ["2"] else "ListObjects",
        }.get(method, f"{verb}Bucket")
    if "tagging" in qs:
        return f"{verb}ObjectTagging"
    if "uploads" in qs:
        return "CreateMultipartUpload"
    return {"PUT": "PutObject", "GET": "GetObject", "DELETE": "DeleteObject", "HEAD": "HeadObject"}.get(
        method, f"{verb}Object"
    )


def error_response(info: dict[str, Any], kind: str) -> tuple[int, list[tuple[str, str]], bytes]:
    table = THROTTLE if kind == "throttle" else SERVER_ERROR
    protocol = info["protocol"]
    code, status, message = table[protocol]
    rid = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", rid)]
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
    elif protocol == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}'
            f"</Code><Message>{message}</Message></Error></Errors><RequestID>{rid}"
            "</RequestID></Response>"
        ).encode()
        headers.append(("Content-Type", "text/xml;charset=UTF-8"))
    elif protocol == "s3":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>'
            f"{message}</Message><RequestId>{rid[:16]}</RequestId><HostId>{rid}</HostId>"
            "</Error>"
        ).encode()
        headers += [("Content-Type", "application/xml"), ("x-amz-request-id", rid[:16])]
    else:
        xmlns = QUERY_XMLNS.get(info["service"], "")
        attr = f' xmlns="{xmlns}"' if xmlns else ""
        err_type = "Receiver" if status >= 500 else "Sender"
        body = (
            f"<ErrorResponse{attr}><Error><Type>{err_type}</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>{rid}</RequestId>"
            "</ErrorResponse>"
        ).encode()
        headers.append(("Content-Type", "text/xml"))
    headers.append(("Content-Length", str(len(body))))
    return status, headers, body


def pick_fault() -> str | None:
    with SETTINGS.lock:
        rates = [("drop", SETTINGS.drop_rate), ("throttle", SETTINGS.throttle_rate), ("5xx", SETTINGS.error_5xx_rate)]
    if not any(rate > 0 for _, rate in rates):
        return None
    x = FAULT_RNG.draw()
    acc = 0.0
    for name, rate in rates:
        acc += max(0.0, rate)
        if x < acc:
            return name
    return None


_REASONS = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}


def drop_connection(environ: dict[str, Any]) -> None:
    sock = environ.get("werkzeug.socket")
    if sock is None:
        return
    try:
        # SO_LINGER 0 makes the peer see a reset rather than a clean close where possible.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


# A stalled request is answered at the latest after this long, so a test that fails cannot
# leave a request thread waiting for ever.
STALL_LIMIT_SECONDS = 120.0


def _stalled(info: dict[str, Any]) -> bool:
    with SETTINGS.lock:
        return info["action"] in SETTINGS.stall.get(info["region"], ())


def _stall(info: dict[str, Any]) -> None:
    """Hold a request whose action is listed in ``SETTINGS.stall`` for its region until it is
    no longer listed: the request is logged (so a test sees that it arrived) and stays in flight
    while the test does what it has to do (interrupt the client, for one)."""
    deadline = time.monotonic() + STALL_LIMIT_SECONDS
    while _stalled(info) and time.monotonic() < deadline:
        time.sleep(0.02)


def _account_of(environ: dict[str, Any]) -> str:
    """The account a request is served from (moto's rule: the access key's account)."""
    from .s3_policy import access_key, request_account

    return request_account(environ, access_key(environ))


def fault_middleware(app: Callable) -> Callable:
    """Log every AWS API request and apply random faults before moto sees it."""

    def wrapped(environ: dict[str, Any], start_response: Callable) -> Any:
        info = classify(environ)
        fault = pick_fault()
        entry = {
            "service": info["service"],
            "action": info["action"],
            "method": info["method"],
            "region": info["region"],
            "time": time.time(),
        }
        if fault:
            entry["fault"] = fault
        REQUEST_LOG.add(entry)
        if fault == "drop":
            drop_connection(environ)
            # werkzeug's write now fails with a broken pipe, which it treats as a dropped
            # connection: nothing reaches the client.
            start_response("500 Internal Server Error", [("Content-Length", "0")])
            return [b""]
        if fault in ("throttle", "5xx"):
            status, headers, body = error_response(info, fault)
            start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
            return [body]
        _stall(info)
        if info["action"] == "DeleteStack":
            from .s3_policy import writer_event

            writer_event("DeleteStack", _account_of(environ), info["region"] or "us-east-1")
        return app(environ, start_response)

    return wrapped
