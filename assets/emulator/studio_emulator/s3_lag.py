"""GetBucketPolicy that still shows the policy a PutBucketPolicy replaced, for a while.

S3 user guide, "Amazon S3 data consistency model"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel):

    Bucket configurations have an eventual consistency model.

A bucket policy is a bucket configuration: right after PutBucketPolicy, GetBucketPolicy may
still answer the previous policy (or NoSuchBucketPolicy when there was none). moto answers the
new one at once, so a client that checks a change with one read passes here and fails on AWS.

``SETTINGS.s3_policy_lag[bucket] = n``: after each accepted PutBucketPolicy on that bucket, the
next ``n`` GetBucketPolicy requests answer the policy as it was before the put. The requests
are still authorised as usual first (this sits behind the policy middleware).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable
from urllib.parse import parse_qs

from .config import SETTINGS
from .s3_policy import bucket_and_key, is_s3

log = logging.getLogger("studio_emulator.s3_lag")

# bucket -> (reads left, the policy text before the last put or None)
_STALE: dict[str, tuple[int, bytes | None]] = {}
_LOCK = threading.Lock()


def _raw_policy(bucket: str) -> bytes | None:
    from moto.s3.models import s3_backends

    for account in list(s3_backends.keys()):
        for partition in ("aws", "aws-cn", "aws-us-gov"):
            try:
                found = s3_backends[account][partition].buckets.get(bucket)
            except KeyError:
                continue
            if found is not None:
                raw = getattr(found, "policy", None)
                if not raw:
                    return None
                return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    return None


def _no_policy(start_response: Callable, bucket: str) -> list[bytes]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucketPolicy</Code>'
        f"<Message>The bucket policy does not exist</Message><BucketName>{bucket}</BucketName>"
        "<RequestId>STALEREAD</RequestId></Error>"
    ).encode()
    start_response("404 Not Found", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def _stale_read(bucket: str) -> tuple[bool, bytes | None]:
    """(stale, policy): whether this read answers the previous policy, and that policy."""
    with SETTINGS.lock:
        lagging = int(SETTINGS.s3_policy_lag.get(bucket, 0)) > 0
    with _LOCK:
        entry = _STALE.get(bucket)
        if not lagging or entry is None:
            _STALE.pop(bucket, None)
            return False, None
        left, previous = entry
        if left <= 1:
            del _STALE[bucket]
        else:
            _STALE[bucket] = (left - 1, previous)
        return True, previous


def lag_middleware(app: Callable) -> Callable:
    def wrapped(environ: dict[str, Any], start_response: Callable) -> Any:
        if not is_s3(environ):
            return app(environ, start_response)
        bucket, key = bucket_and_key(environ)
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if not bucket or key is not None or "policy" not in query:
            return app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            stale, previous = _stale_read(bucket)
            if not stale:
                return app(environ, start_response)
            log.info("GetBucketPolicy on %s answers the policy before the last put", bucket)
            if previous is None:
                return _no_policy(start_response, bucket)
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(previous)))])
            return [previous]
        if method != "PUT":
            return app(environ, start_response)
        with SETTINGS.lock:
            reads = int(SETTINGS.s3_policy_lag.get(bucket, 0))
        if reads <= 0:
            return app(environ, start_response)
        previous = _raw_policy(bucket)
        status: list[str] = []

        def seen(s: str, headers: list, exc_info: Any = None) -> Any:
            status.append(s)
            return start_response(s, headers, exc_info) if exc_info else start_response(s, headers)

        answer = list(app(environ, seen))
        if status and status[0].startswith("2"):
            with _LOCK:
                _STALE[bucket] = (reads, previous)
        return answer

    return wrapped
