"""HeadBucket on a bucket of another region answers as S3 does, not 200 (moto 5.2.5 answers 200).

S3 API reference, HeadBucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html):

    You can make a HeadBucket call on any bucket name to any Region in the partition, and
    regardless of the permissions on the bucket, you will receive a response header with the
    correct bucket location so that you can then make a proper, signed request to the
    appropriate Regional endpoint.

    If the bucket doesn't exist or you don't have permission to access it, the HEAD request
    returns a generic 400 Bad Request, 403 Forbidden, or 404 Not Found HTTP status code. A
    message body isn't included, so you can't determine the exception beyond these HTTP
    response codes.

A request signed for region B on a bucket in region A gets ``400`` (the answer for a request
signed for the wrong region; a request to the wrong regional endpoint gets ``301``, which one
endpoint cannot tell apart) with ``x-amz-bucket-region: A`` and no body. Only HeadBucket is
changed: it is the call that asks where a name is taken.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from .s3_policy import _region, bucket_and_key, is_s3

log = logging.getLogger("studio_emulator.s3_region")


def _bucket_region(bucket: str) -> str | None:
    try:
        from moto.s3.models import s3_backends

        for account in list(s3_backends.keys()):
            backend = s3_backends[account]["aws"]
            found = backend.buckets.get(bucket)
            if found is not None:
                return str(found.region_name)
    except Exception:  # noqa: BLE001 - never break S3 because of this check
        log.exception("looking up the region of bucket %s failed", bucket)
    return None


def region_middleware(app: Callable) -> Callable:
    def wrapped(environ: dict[str, Any], start_response: Callable) -> Any:
        if environ.get("REQUEST_METHOD") != "HEAD" or not is_s3(environ):
            return app(environ, start_response)
        bucket, key = bucket_and_key(environ)
        if not bucket or key is not None:
            return app(environ, start_response)
        actual = _bucket_region(bucket)
        if actual is None or actual == _region(environ):
            return app(environ, start_response)
        start_response(
            "400 Bad Request",
            [("x-amz-bucket-region", actual), ("Content-Length", "0")],
        )
        return [b""]

    return wrapped
