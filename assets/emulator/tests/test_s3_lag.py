"""GetBucketPolicy right after PutBucketPolicy (s3_lag.py): "Bucket configurations have an
eventual consistency model" (S3 user guide, "Amazon S3 data consistency model"). With
``s3_policy_lag`` set for a bucket, the next reads after a put still answer the policy it
replaced, then the new one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from test_server import check, client, expect_error, http, start


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("emulator") / "stderr.log"
    with open(log, "w", encoding="utf-8") as err:
        proc, url = start(["--port", "0"], stderr=err)
        try:
            yield url
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _policy(bucket: str, sid: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": sid,
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def _sid(s3, bucket: str) -> str:
    return str(json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"][0]["Sid"])


def test_a_replaced_policy_is_read_for_the_configured_number_of_reads(url: str) -> None:
    s3 = client(url, "s3")
    b = "lagging-policy-bucket"
    s3.create_bucket(Bucket=b)
    http(f"{url}/_studio/config", "POST", {"s3_policy_lag": {b: 2}})
    s3.put_bucket_policy(Bucket=b, Policy=_policy(b, "First"))
    for n in (1, 2):
        expect_error(
            lambda: s3.get_bucket_policy(Bucket=b),
            "NoSuchBucketPolicy",
            f"read {n} still sees no policy",
            404,
        )
    check(_sid(s3, b) == "First", "the third read sees the policy")
    s3.put_bucket_policy(Bucket=b, Policy=_policy(b, "Second"))
    check(_sid(s3, b) == "First", "a read after the second put sees the first policy")
    check(_sid(s3, b) == "First", "twice")
    check(_sid(s3, b) == "Second", "then the second")
    check(_sid(s3, b) == "Second", "and stays")
    other = "prompt-policy-bucket"
    s3.create_bucket(Bucket=other)
    s3.put_bucket_policy(Bucket=other, Policy=_policy(other, "Now"))
    check(_sid(s3, other) == "Now", "a bucket without lag reads its policy at once")
    http(f"{url}/_studio/config", "POST", {"s3_policy_lag": {}})
    s3.put_bucket_policy(Bucket=b, Policy=_policy(b, "Third"))
    check(_sid(s3, b) == "Third", "without the setting, no lag")
    for bad in ({"s3_policy_lag": {b: -1}}, {"s3_policy_lag": {b: True}}, {"s3_policy_lag": [b]}):
        try:
            http(f"{url}/_studio/config", "POST", bad)
        except Exception as e:  # noqa: BLE001 - urllib raises HTTPError for the 400
            check("400" in str(e), f"{bad}: {e}")
        else:
            check(False, f"{bad} refused")
    check(http(f"{url}/_studio/config")["s3_policy_lag"] == {}, "the setting is read back")
