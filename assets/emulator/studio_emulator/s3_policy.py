"""S3 bucket policies evaluated for requests, like AWS (moto 5.2.5 stores them but never reads them).

A WSGI middleware in front of moto's S3: for every S3 REST request on a bucket that has a policy,
it works out the IAM actions the request needs ("Required permissions for Amazon S3 API
operations", https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html),
the resource ARNs and the request context, and answers ``403 AccessDenied`` when a ``Deny``
statement of the bucket policy applies (explicit deny). ``Allow`` statements grant nothing here:
the caller is taken to be an administrator of the bucket's own account, so only an explicit deny
can refuse a request.

Request context (condition keys):

* ``aws:SourceVpce`` / ``aws:SourceVpc``: absent, as for any request reaching S3 over the
  internet; a request carrying the header ``X-Studio-Source-Vpce: vpce-…`` is treated as coming
  through that VPC endpoint (``aws:SourceVpc`` is then the endpoint's VPC when moto knows it).

A request through an endpoint moto knows is also checked against the endpoint's policy, which
must allow it ("An implicit denial occurs when there is no applicable Deny statement and also no
applicable Allow statement", S3 user guide, "Troubleshoot access denied (403 Forbidden) errors");
an endpoint without a policy document has AWS's default full-access policy. An id moto does not
know (a test's stand-in for "from inside the VPC") has no endpoint policy to apply.
* ``aws:SecureTransport``: ``true`` (SDKs talk HTTPS to real S3; the emulator is plain HTTP).
* ``aws:userid``, ``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:username``,
  ``aws:PrincipalType``: from moto's STS ``GetCallerIdentity`` for the request's access key, so a
  policy can name exactly the identity that ``sts get-caller-identity`` shows.
* ``s3:x-amz-server-side-encryption`` / ``…-aws-kms-key-id`` (PutObject headers),
  ``s3:prefix`` / ``s3:delimiter`` / ``s3:max-keys`` (listings), ``s3:VersionId``,
  ``aws:SourceIp``, ``aws:CurrentTime``, ``aws:EpochTime``.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import io
import json
import logging
import re
import time
import uuid
from typing import Any, Callable
from urllib.parse import parse_qs, unquote
from xml.etree import ElementTree as ET

from .patching import install_once

log = logging.getLogger("studio_emulator.s3_policy")

SOURCE_VPCE_HEADER = "HTTP_X_STUDIO_SOURCE_VPCE"
S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"

# Bucket sub-resources: query key -> (GET action, PUT action, DELETE action)
_BUCKET_SUB: list[tuple[str, tuple[str | None, str | None, str | None]]] = [
    ("policyStatus", ("s3:GetBucketPolicyStatus", None, None)),
    ("policy", ("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy")),
    ("encryption", ("s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:PutEncryptionConfiguration")),
    ("tagging", ("s3:GetBucketTagging", "s3:PutBucketTagging", "s3:PutBucketTagging")),
    ("versioning", ("s3:GetBucketVersioning", "s3:PutBucketVersioning", None)),
    ("location", ("s3:GetBucketLocation", None, None)),
    (
        "publicAccessBlock",
        ("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    ),
    ("lifecycle", ("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:PutLifecycleConfiguration")),
    ("acl", ("s3:GetBucketAcl", "s3:PutBucketAcl", None)),
    ("cors", ("s3:GetBucketCORS", "s3:PutBucketCORS", "s3:PutBucketCORS")),
    (
        "ownershipControls",
        ("s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
    ),
    ("logging", ("s3:GetBucketLogging", "s3:PutBucketLogging", None)),
    ("notification", ("s3:GetBucketNotification", "s3:PutBucketNotification", None)),
    ("object-lock", ("s3:GetBucketObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", None)),
    (
        "replication",
        ("s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration", "s3:PutReplicationConfiguration"),
    ),
    ("website", ("s3:GetBucketWebsite", "s3:PutBucketWebsite", "s3:DeleteBucketWebsite")),
    ("requestPayment", ("s3:GetBucketRequestPayment", "s3:PutBucketRequestPayment", None)),
    ("accelerate", ("s3:GetAccelerateConfiguration", "s3:PutAccelerateConfiguration", None)),
    ("analytics", ("s3:GetAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", "s3:PutAnalyticsConfiguration")),
    ("inventory", ("s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration", "s3:PutInventoryConfiguration")),
    ("metrics", ("s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration", "s3:PutMetricsConfiguration")),
    (
        "intelligent-tiering",
        (
            "s3:GetIntelligentTieringConfiguration",
            "s3:PutIntelligentTieringConfiguration",
            "s3:PutIntelligentTieringConfiguration",
        ),
    ),
]
# Object sub-resources: query key -> (GET, PUT, DELETE) without / with versionId
_OBJECT_SUB: list[tuple[str, tuple[str | None, str | None, str | None], tuple[str | None, str | None, str | None]]] = [
    (
        "tagging",
        ("s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging"),
        ("s3:GetObjectVersionTagging", "s3:PutObjectVersionTagging", "s3:DeleteObjectVersionTagging"),
    ),
    ("acl", ("s3:GetObjectAcl", "s3:PutObjectAcl", None), ("s3:GetObjectVersionAcl", "s3:PutObjectVersionAcl", None)),
    (
        "retention",
        ("s3:GetObjectRetention", "s3:PutObjectRetention", None),
        ("s3:GetObjectRetention", "s3:PutObjectRetention", None),
    ),
    (
        "legal-hold",
        ("s3:GetObjectLegalHold", "s3:PutObjectLegalHold", None),
        ("s3:GetObjectLegalHold", "s3:PutObjectLegalHold", None),
    ),
    ("torrent", ("s3:GetObjectTorrent", None, None), ("s3:GetObjectVersionTorrent", None, None)),
]
_VERB_INDEX = {"GET": 0, "HEAD": 0, "PUT": 1, "DELETE": 2}

# What a request needs: [(action, resource ARN, bucket)] plus, for DeleteObjects, the keys.
Need = list[tuple[str, str, str]]


# --------------------------------------------------------------------------------------------
# Request -> bucket, key


def _host_bucket(host: str) -> str | None:
    """Bucket of a virtual-hosted-style request (``<bucket>.s3[.-]<region>.amazonaws.com`` or
    ``<bucket>.s3.localhost.localstack``-like hosts ending in ``.localhost``)."""
    host = host.split(":", 1)[0].lower()
    m = re.match(r"^(.+?)\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$", host)
    if m:
        return m.group(1)
    if host.endswith(".localhost") and host.count(".") >= 1:
        return host[: -len(".localhost")]
    return None


def bucket_and_key(environ: dict[str, Any]) -> tuple[str | None, str | None]:
    path = environ.get("PATH_INFO", "") or "/"
    host_bucket = _host_bucket(environ.get("HTTP_HOST", ""))
    if host_bucket:
        key = path.lstrip("/")
        return host_bucket, (key or None)
    parts = path.lstrip("/").split("/", 1)
    bucket = parts[0] or None
    key = parts[1] if len(parts) > 1 and parts[1] else None
    return bucket, key


def _arn(partition: str, bucket: str, key: str | None = None) -> str:
    return f"arn:{partition}:s3:::{bucket}" + (f"/{key}" if key is not None else "")


def required_actions(
    method: str,
    bucket: str,
    key: str | None,
    query: dict[str, list[str]],
    environ: dict[str, Any],
    partition: str = "aws",
) -> Need:
    """The IAM actions (and resources) an S3 REST request needs.

    From https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
    (e.g. HeadBucket -> s3:ListBucket, HeadObject -> s3:GetObject, ListObjectsV2 ->
    s3:ListBucket, ListObjectVersions -> s3:ListBucketVersions, ListParts ->
    s3:ListMultipartUploadParts, CreateMultipartUpload / UploadPart / CompleteMultipartUpload /
    CopyObject (destination) -> s3:PutObject, CopyObject source -> s3:GetObject(Version),
    DeleteObjects -> s3:DeleteObject(Version) per key).
    """
    bucket_arn = _arn(partition, bucket)
    if key is None:
        for sub, verbs in _BUCKET_SUB:
            if sub in query:
                idx = _VERB_INDEX.get(method)
                action = verbs[idx] if idx is not None else None
                return [(action, bucket_arn, bucket)] if action else []
        if method == "POST" and "delete" in query:
            return []  # DeleteObjects: per key, see delete_objects_keys
        if method in ("GET",):
            if "versions" in query:
                return [("s3:ListBucketVersions", bucket_arn, bucket)]
            if "uploads" in query:
                return [("s3:ListBucketMultipartUploads", bucket_arn, bucket)]
            return [("s3:ListBucket", bucket_arn, bucket)]
        if method == "HEAD":
            return [("s3:ListBucket", bucket_arn, bucket)]
        if method == "DELETE":
            return [("s3:DeleteBucket", bucket_arn, bucket)]
        if method == "PUT":
            return [("s3:CreateBucket", bucket_arn, bucket)]
        return []
    obj_arn = _arn(partition, bucket, key)
    versioned = bool(query.get("versionId", [""])[0])
    for sub, plain, with_version in _OBJECT_SUB:
        if sub in query:
            idx = _VERB_INDEX.get(method)
            action = (with_version if versioned else plain)[idx] if idx is not None else None
            return [(action, obj_arn, bucket)] if action else []
    if "uploadId" in query:
        if method == "GET":
            return [("s3:ListMultipartUploadParts", obj_arn, bucket)]
        if method == "DELETE":
            return [("s3:AbortMultipartUpload", obj_arn, bucket)]
        need = [("s3:PutObject", obj_arn, bucket)]  # UploadPart(Copy), CompleteMultipartUpload
        return need + _copy_source(environ, partition)
    if method == "POST":
        if "uploads" in query:
            return [("s3:PutObject", obj_arn, bucket)]
        if "restore" in query:
            return [("s3:RestoreObject", obj_arn, bucket)]
        if "select" in query:
            return [("s3:GetObject", obj_arn, bucket)]
        return [("s3:PutObject", obj_arn, bucket)]
    if method in ("GET", "HEAD"):
        if "attributes" in query:
            return [
                ("s3:GetObjectVersion" if versioned else "s3:GetObject", obj_arn, bucket),
                ("s3:GetObjectVersionAttributes" if versioned else "s3:GetObjectAttributes", obj_arn, bucket),
            ]
        return [("s3:GetObjectVersion" if versioned else "s3:GetObject", obj_arn, bucket)]
    if method == "PUT":
        return [("s3:PutObject", obj_arn, bucket)] + _copy_source(environ, partition)
    if method == "DELETE":
        return [("s3:DeleteObjectVersion" if versioned else "s3:DeleteObject", obj_arn, bucket)]
    return []


def _copy_source(environ: dict[str, Any], partition: str) -> Need:
    src = environ.get("HTTP_X_AMZ_COPY_SOURCE")
    if not src:
        return []
    src = unquote(src).lstrip("/")
    path, _, qs = src.partition("?")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        return []
    versioned = "versionId=" in qs
    return [("s3:GetObjectVersion" if versioned else "s3:GetObject", _arn(partition, bucket, key), bucket)]


# --------------------------------------------------------------------------------------------
# Policy evaluation


def _as_list(v: Any) -> list:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    # IAM wildcards are only * and ?; escape fnmatch's [ ] classes.
    rx = fnmatch.translate(pattern.replace("[", "\x00").replace("]", "\x01"))
    rx = rx.replace("\x00", r"\[").replace("\x01", r"\]")
    return re.match(rx, value, re.DOTALL) is not None


def _action_matches(patterns: list, action: str) -> bool:
    return any(_glob(str(p), action, ignore_case=True) for p in patterns)


def _resource_matches(patterns: list, arn: str) -> bool:
    return any(_glob(str(p), arn) for p in patterns)


def _principal_matches(principal: Any, ctx: dict[str, Any]) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    values = _as_list(principal.get("AWS"))
    account = ctx.get("aws:PrincipalAccount", "")
    partition = ctx.get("_partition", "aws")
    own = {"*", ctx.get("aws:PrincipalArn"), ctx.get("_CallerArn"), account, f"arn:{partition}:iam::{account}:root"}
    return any(str(v) in own for v in values)


def _arn_like(pattern: str, value: str) -> bool:
    pp, vp = pattern.split(":", 5), value.split(":", 5)
    if len(pp) != 6 or len(vp) != 6:
        return False
    return all(_glob(p, v) for p, v in zip(pp, vp))


def _cmp(base: str, pattern: str, value: str) -> bool:
    if base == "StringEquals":
        return value == pattern
    if base == "StringEqualsIgnoreCase":
        return value.lower() == pattern.lower()
    if base == "StringLike":
        return _glob(pattern, value)
    if base in ("ArnEquals", "ArnLike"):
        return _arn_like(pattern, value)
    if base == "Bool":
        return value.lower() == str(pattern).lower()
    raise KeyError(base)


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}
_POSITIVE = {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "Bool"}


def _operator_holds(op: str, key_values: dict[str, Any], ctx: dict[str, Any]) -> bool:
    """One condition operator block: every key must hold (AND); values of a key are OR'ed."""
    set_op = ""
    if ":" in op:
        set_op, op = op.split(":", 1)
    if_exists = op.endswith("IfExists")
    base = op[: -len("IfExists")] if if_exists else op
    lower_ctx = {k.lower(): v for k, v in ctx.items()}
    for key, wanted in (key_values or {}).items():
        present = key.lower() in lower_ctx and lower_ctx[key.lower()] is not None
        wanted_list = [str(w).lower() if isinstance(w, bool) else str(w) for w in _as_list(wanted)]
        if base == "Null":
            want_absent = any(w.lower() == "true" for w in wanted_list)
            if want_absent != (not present):
                return False
            continue
        if not present:
            # "ForAnyValue ... If the key ... is not present ... the condition returns false";
            # ForAllValues returns true (IAM user guide, "Set operators for multivalued keys").
            if set_op == "ForAnyValue":
                return False
            if if_exists or base in _NEGATED or set_op == "ForAllValues":
                continue
            return False
        raw = lower_ctx[key.lower()]
        values = [str(v).lower() if isinstance(v, bool) else str(v) for v in _as_list(raw)]
        try:
            if base in _NEGATED and set_op == "ForAnyValue":
                # At least one value of the request matches none of the policy's values.
                pos = _NEGATED[base]
                ok = any(not any(_cmp(pos, w, v) for w in wanted_list) for v in values)
            elif base in _NEGATED:
                pos = _NEGATED[base]
                ok = not any(_cmp(pos, w, v) for v in values for w in wanted_list)
            elif base in _POSITIVE:
                if set_op == "ForAllValues":
                    ok = all(any(_cmp(base, w, v) for w in wanted_list) for v in values)
                else:
                    ok = any(_cmp(base, w, v) for v in values for w in wanted_list)
            else:
                log.warning(
                    "bucket policy: condition operator %s is not supported; the statement is treated as not applying",
                    op,
                )
                return False
        except KeyError:
            return False
        if not ok:
            return False
    return True


def _conditions_hold(cond: Any, ctx: dict[str, Any]) -> bool:
    if not cond:
        return True
    if not isinstance(cond, dict):
        return False
    return all(_operator_holds(op, kv, ctx) for op, kv in cond.items())


def statement_denies(stmt: dict[str, Any], action: str, resource: str, ctx: dict[str, Any]) -> bool:
    return str(stmt.get("Effect", "")).lower() == "deny" and _applies(stmt, action, resource, ctx)


def _applies(stmt: dict[str, Any], action: str, resource: str, ctx: dict[str, Any]) -> bool:
    if "Principal" in stmt and not _principal_matches(stmt["Principal"], ctx):
        return False
    if "NotPrincipal" in stmt and _principal_matches(stmt["NotPrincipal"], ctx):
        return False
    if "Action" in stmt and not _action_matches(_as_list(stmt["Action"]), action):
        return False
    if "NotAction" in stmt and _action_matches(_as_list(stmt["NotAction"]), action):
        return False
    if "Resource" in stmt and not _resource_matches(_as_list(stmt["Resource"]), resource):
        return False
    if "NotResource" in stmt and _resource_matches(_as_list(stmt["NotResource"]), resource):
        return False
    return _conditions_hold(stmt.get("Condition"), ctx)


def policy_denies(policy: dict[str, Any] | None, action: str, resource: str, ctx: dict[str, Any]) -> bool:
    if not policy:
        return False
    return any(
        isinstance(s, dict) and statement_denies(s, action, resource, ctx) for s in _as_list(policy.get("Statement"))
    )


# --------------------------------------------------------------------------------------------
# Caller identity and context


def access_key(environ: dict[str, Any]) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" in auth:
        return auth.split("Credential=", 1)[1].split("/", 1)[0]
    qs = parse_qs(environ.get("QUERY_STRING", ""))
    cred = (qs.get("X-Amz-Credential") or qs.get("AWSAccessKeyId") or [""])[0]
    return cred.split("/", 1)[0]


def request_account(environ: dict[str, Any], access_key: str) -> str:
    """The account moto serves the request from (moto's BaseResponse.get_current_account)."""
    import os

    from moto.iam.models import get_account_id_from

    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
        return environ["HTTP_X_MOTO_ACCOUNT_ID"]
    return get_account_id_from(access_key)


def caller_identity(access_key: str, region: str, account: str) -> dict[str, str]:
    """What moto's STS GetCallerIdentity answers for this access key (same backend call)."""
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    partition = get_partition(region)
    user_id, arn, acct = sts_backends[account][partition].get_caller_identity(access_key, region)
    return {"UserId": user_id, "Arn": arn, "Account": acct, "Partition": partition}


def principal_arn(caller_arn: str, account: str, partition: str) -> str:
    """aws:PrincipalArn: for an assumed role it is the role's ARN, not the session's
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn)."""
    m = re.match(r"^arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/.+$", caller_arn)
    if not m:
        return caller_arn
    role_name = m.group(3)
    path = "/"
    try:
        from moto.iam.models import iam_backends

        role = iam_backends[m.group(2)][m.group(1)].get_role(role_name)
        path = role.path or "/"
    except Exception:  # noqa: BLE001
        pass
    return f"arn:{m.group(1)}:iam::{m.group(2)}:role{path}{role_name}"


def _vpc_of_endpoint(vpce: str, account: str, region: str) -> str | None:
    try:
        from moto.ec2.models import ec2_backends

        ep = ec2_backends[account][region].vpc_end_points.get(vpce)
        return getattr(ep, "vpc_id", None)
    except Exception:  # noqa: BLE001
        return None


def request_context(environ: dict[str, Any], region: str, query: dict[str, list[str]]) -> dict[str, Any]:
    key = access_key(environ)
    ident = caller_identity(key, region or "us-east-1", request_account(environ, key))
    account, partition = ident["Account"], ident["Partition"]
    p_arn = principal_arn(ident["Arn"], account, partition)
    ptype = (
        "AssumedRole" if ":assumed-role/" in ident["Arn"] else "Account" if ident["Arn"].endswith(":root") else "User"
    )
    now = time.time()
    ctx: dict[str, Any] = {
        "aws:SecureTransport": "true",
        "aws:userid": ident["UserId"],
        "aws:PrincipalArn": p_arn,
        "aws:PrincipalAccount": account,
        "aws:PrincipalType": ptype,
        "aws:SourceIp": environ.get("REMOTE_ADDR") or None,
        "aws:CurrentTime": _dt.datetime.fromtimestamp(now, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now)),
        "_CallerArn": ident["Arn"],
        "_partition": partition,
        "_region": region or "us-east-1",
    }
    if ptype == "User":
        ctx["aws:username"] = ident["Arn"].rsplit("/", 1)[-1]
    vpce = environ.get(SOURCE_VPCE_HEADER)
    if vpce:
        ctx["aws:SourceVpce"] = vpce
        vpc = _vpc_of_endpoint(vpce, account, region or "us-east-1")
        if vpc:
            ctx["aws:SourceVpc"] = vpc
    for name, header in (
        ("s3:x-amz-server-side-encryption", "HTTP_X_AMZ_SERVER_SIDE_ENCRYPTION"),
        ("s3:x-amz-server-side-encryption-aws-kms-key-id", "HTTP_X_AMZ_SERVER_SIDE_ENCRYPTION_AWS_KMS_KEY_ID"),
        ("s3:x-amz-acl", "HTTP_X_AMZ_ACL"),
    ):
        if environ.get(header):
            ctx[name] = environ[header]
    for name in ("prefix", "delimiter", "max-keys"):
        if name in query:
            ctx[f"s3:{name}"] = query[name][0]
    if query.get("versionId"):
        ctx["s3:VersionId"] = query["versionId"][0]
    return ctx


# --------------------------------------------------------------------------------------------
# Looking up policies


def _bucket_policy(bucket: str, account: str, partition: str) -> dict[str, Any] | None:
    try:
        from moto.s3.models import s3_backends

        be = s3_backends[account][partition]
        b = be.buckets.get(bucket)
    except Exception:  # noqa: BLE001
        return None
    raw = getattr(b, "policy", None) if b is not None else None
    if not raw:
        return None
    try:
        doc = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def denied(need: Need, ctx: dict[str, Any]) -> tuple[str, str] | None:
    """The first (action, resource) of the request that a bucket policy explicitly denies."""
    partition = ctx.get("_partition", "aws")
    account = ctx.get("aws:PrincipalAccount", "123456789012")
    cache: dict[str, Any] = {}
    for action, resource, bucket in need:
        if bucket not in cache:
            cache[bucket] = _bucket_policy(bucket, account, partition)
        if policy_denies(cache[bucket], action, resource, ctx):
            return action, resource
    return None


def _endpoint_policy(vpce: str, account: str, region: str) -> tuple[bool, dict[str, Any] | None]:
    """(known, policy) of the VPC endpoint a request came through: None for an endpoint without a
    policy document (AWS attaches the full-access policy); (False, None) for an unknown id."""
    try:
        from moto.ec2.models import ec2_backends

        ep = ec2_backends[account][region].vpc_end_points.get(vpce)
    except Exception:  # noqa: BLE001
        return False, None
    if ep is None:
        return False, None
    raw = getattr(ep, "policy_document", None)
    if not raw:
        return True, None
    try:
        doc = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        doc = None
    return True, doc if isinstance(doc, dict) else {"Statement": []}


def with_resource_account(ctx: dict[str, Any], bucket: str) -> dict[str, Any]:
    """The context with ``aws:ResourceAccount``, the account that owns ``bucket`` ("the
    account ID of the resource owner"), when the bucket exists; without the key otherwise, so a
    condition on it does not hold (as for a bucket that no account owns)."""
    ctx = {k: v for k, v in ctx.items() if k != "aws:ResourceAccount"}
    try:
        from moto.s3.models import s3_backends

        owner = s3_backends.bucket_accounts.get(bucket)
    except Exception:  # noqa: BLE001
        owner = None
    if owner:
        ctx["aws:ResourceAccount"] = owner[1]
    return ctx


def endpoint_refusal(need: Need, ctx: dict[str, Any]) -> tuple[str, str, str] | None:
    """The first (action, resource, why) of the request the policy of the VPC endpoint it came
    through refuses: an explicit deny, or no statement that allows it."""
    vpce = ctx.get("aws:SourceVpce")
    if not vpce:
        return None
    known, policy = _endpoint_policy(vpce, ctx.get("aws:PrincipalAccount", ""), ctx.get("_region", "us-east-1"))
    if not known or policy is None:
        return None
    statements = [st for st in _as_list(policy.get("Statement")) if isinstance(st, dict)]
    for action, resource, bucket in need:
        ctx = with_resource_account(ctx, bucket)
        if any(statement_denies(st, action, resource, ctx) for st in statements):
            return action, resource, "with an explicit deny in a VPC endpoint policy"
        allows = (
            str(st.get("Effect", "")).lower() == "allow" and _applies(st, action, resource, ctx) for st in statements
        )
        if not any(allows):
            return action, resource, f"because no VPC endpoint policy allows the {action} action"
    return None


def refusal(need: Need, ctx: dict[str, Any]) -> str | None:
    """S3's AccessDenied message for the request, or None when it may go on: the bucket
    policies' explicit denies first, then the endpoint policy."""
    hit = denied(need, ctx)
    if hit is not None:
        return access_denied_message(ctx["_CallerArn"], *hit)
    refused = endpoint_refusal(need, ctx)
    if refused is not None:
        return access_denied_message(ctx["_CallerArn"], *refused)
    return None


# --------------------------------------------------------------------------------------------
# Responses


def _rid() -> tuple[str, str]:
    rid = uuid.uuid4().hex[:16].upper()
    return rid, uuid.uuid4().hex + uuid.uuid4().hex


def access_denied_message(
    caller_arn: str, action: str, resource: str, why: str = "with an explicit deny in a resource-based policy"
) -> str:
    """Same-account AccessDenied message S3 gives, by default for an explicit deny in a bucket
    policy (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html,
    "Access denied message examples")."""
    return f'User: {caller_arn} is not authorized to perform: {action} on resource: "{resource}" {why}'


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def access_denied(environ: dict[str, Any], start_response: Callable, message: str) -> list[bytes]:
    rid, host_id = _rid()
    headers = [("x-amz-request-id", rid), ("x-amz-id-2", host_id)]
    if environ.get("REQUEST_METHOD") == "HEAD":
        # HEAD answers carry no body: the SDKs see only the status ("403" / Forbidden).
        headers.append(("Content-Length", "0"))
        start_response("403 Forbidden", headers)
        return [b""]
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
        f"<Message>{_xml_escape(message)}</Message><RequestId>{rid}</RequestId>"
        f"<HostId>{host_id}</HostId></Error>"
    ).encode()
    headers += [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    start_response("403 Forbidden", headers)
    return [body]


# --------------------------------------------------------------------------------------------
# DeleteObjects: evaluated per key, denied keys answered as <Error> entries


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _delete_objects(
    environ: dict[str, Any], start_response: Callable, app: Callable, bucket: str, ctx: dict[str, Any]
) -> Any:
    body = _read_body(environ)
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return app(environ, start_response)
    partition = ctx.get("_partition", "aws")
    allowed, errors = [], []
    for child in list(root):
        name = _local(child.tag)
        if name != "Object":  # Quiet too: errors are listed in quiet mode as well
            continue
        key = vid = None
        for c in child:
            if _local(c.tag) == "Key":
                key = c.text or ""
            elif _local(c.tag) == "VersionId":
                vid = c.text
        if key is None:
            allowed.append(child)
            continue
        action = "s3:DeleteObjectVersion" if vid else "s3:DeleteObject"
        message = refusal([(action, _arn(partition, bucket, key), bucket)], ctx)
        if message is not None:
            errors.append((key, vid, message))
            root.remove(child)
        else:
            allowed.append(child)
    if not errors:
        return app(environ, start_response)
    err_xml = "".join(
        f"<Error><Key>{_xml_escape(k)}</Key>"
        + (f"<VersionId>{_xml_escape(v)}</VersionId>" if v else "")
        + f"<Code>AccessDenied</Code><Message>{_xml_escape(m)}</Message></Error>"
        for k, v, m in errors
    )
    if not allowed:
        rid, host_id = _rid()
        out = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="{S3_NS}">{err_xml}</DeleteResult>'
        ).encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/xml"),
                ("Content-Length", str(len(out))),
                ("x-amz-request-id", rid),
                ("x-amz-id-2", host_id),
            ],
        )
        return [out]
    new_body = ET.tostring(root, encoding="utf-8")
    environ["wsgi.input"] = io.BytesIO(new_body)
    environ["CONTENT_LENGTH"] = str(len(new_body))
    for h in list(environ):
        if (
            h in ("HTTP_CONTENT_MD5",)
            or h.startswith("HTTP_X_AMZ_CHECKSUM_")
            or h == "HTTP_X_AMZ_SDK_CHECKSUM_ALGORITHM"
        ):
            environ.pop(h, None)
    captured: dict[str, Any] = {}

    def sr(status: str, headers: list, exc_info: Any = None) -> Callable:
        captured["status"], captured["headers"] = status, headers
        return lambda _data: None

    chunks = b"".join(app(environ, sr))
    status = captured.get("status", "200 OK")
    if status.startswith("200") and b"</DeleteResult>" in chunks:
        chunks = chunks.replace(b"</DeleteResult>", err_xml.encode() + b"</DeleteResult>", 1)
    headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(chunks))))
    start_response(status, headers)
    return [chunks]


# --------------------------------------------------------------------------------------------
# Middleware


def _region(environ: dict[str, Any]) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" in auth:
        try:
            return auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")[2]
        except IndexError:
            pass
    return "us-east-1"


def is_s3(environ: dict[str, Any]) -> bool:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" in auth:
        try:
            return auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")[3] == "s3"
        except IndexError:
            return False
    qs = environ.get("QUERY_STRING", "")
    return "X-Amz-Credential=" in qs and "%2Fs3%2F" in qs


def policy_middleware(app: Callable) -> Callable:
    def wrapped(environ: dict[str, Any], start_response: Callable) -> Any:
        if not is_s3(environ):
            return app(environ, start_response)
        try:
            bucket, key = bucket_and_key(environ)
            if not bucket:
                return app(environ, start_response)
            method = environ.get("REQUEST_METHOD", "GET")
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            region = _region(environ)
            ctx = request_context(environ, region, query)
            if key is None and method == "POST" and "delete" in query:
                if ctx.get("aws:SourceVpce") or _bucket_policy(bucket, ctx["aws:PrincipalAccount"], ctx["_partition"]):
                    answer = list(_delete_objects(environ, start_response, app, bucket, ctx))
                else:
                    answer = list(app(environ, start_response))
                writer_event("DeleteObjects", ctx["aws:PrincipalAccount"], region, bucket=bucket)
                return answer
            need = required_actions(method, bucket, key, query, environ, ctx["_partition"])
            message = refusal(need, ctx) if need else None
        except Exception:  # noqa: BLE001 - never break S3 because of the policy check
            log.exception("bucket policy evaluation failed; request let through")
            return app(environ, start_response)
        if message is not None:
            log.info("access denied: %s", message)
            return access_denied(environ, start_response, message)
        return app(environ, start_response)

    return wrapped


# --------------------------------------------------------------------------------------------
# A writer that keeps adding objects (a Studio app saving notebooks while the bucket is emptied)


WRITER_EVENTS = ("DeleteObjects", "DeleteApp", "DeleteStack")


def writer_event(event: str, account: str, region: str, bucket: str | None = None, domain: str | None = None) -> None:
    """A writer (``SETTINGS.s3_writers[bucket]``: ``{"on": event, "domain": id, "writes": n}``)
    puts one new object into its bucket when its event happens, until its writes are used up:

    * ``DeleteObjects`` (the default): after each DeleteObjects on the bucket, while an app of
      the domain runs (always, without a domain): a Studio app saving notebooks while the bucket
      is emptied. Deleting the apps stops it.
    * ``DeleteApp``: when an app of the domain is deleted: an app that saves its work as it
      shuts down.
    * ``DeleteStack``: when a stack delete starts: a writer outside Studio (a pipeline in the
      VPC) that is not stopped by anything studio-tui deletes."""
    from .config import SETTINGS

    with SETTINGS.lock:
        specs = dict(SETTINGS.s3_writers)
    for name, spec in specs.items():
        if spec.get("on", "DeleteObjects") != event or spec.get("writes", 0) <= 0:
            continue
        if bucket is not None and name != bucket:
            continue
        wanted = spec.get("domain")
        if event == "DeleteObjects" and wanted is not None:
            from .sagemaker_domains import domain_runs_apps

            if not domain_runs_apps(account, region, wanted):
                continue
        if event == "DeleteApp" and wanted is not None and wanted != domain:
            continue
        with SETTINGS.lock:
            live = SETTINGS.s3_writers.get(name)
            if not live or live.get("writes", 0) <= 0:
                continue
            live["writes"] -= 1
            live["written"] = live.get("written", 0) + 1
            n = live["written"]
        try:
            put_from_vpc(
                {"bucket": name, "key": f"writer/{n:06d}.ipynb", "body": "{}", "account": account, "region": region}
            )
        except (LookupError, ValueError):
            log.warning("the writer could not write into %s", name)


# --------------------------------------------------------------------------------------------
# Control endpoint: seed an object the way a Studio user inside the VPC would


def put_from_vpc(body: dict[str, Any]) -> dict[str, Any]:
    """``POST /_studio/s3-put``: ``{"bucket", "key", "body" | "body_base64", "vpce"?,
    "account"?, "region"?}``. Stores the object straight in moto's S3 (with the bucket's
    default encryption), as a PutObject through the project's S3 endpoint would; with ``vpce``
    the bucket policy is checked with ``aws:SourceVpce`` = ``vpce`` (so a fence naming another
    endpoint still refuses it) and so is that endpoint's policy when the emulator knows it;
    without ``vpce`` neither is."""
    import base64

    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    bucket, key = body.get("bucket"), body.get("key")
    if not isinstance(bucket, str) or not bucket or not isinstance(key, str) or not key:
        raise ValueError("bucket and key are required strings")
    if "body_base64" in body:
        data = base64.b64decode(str(body["body_base64"]))
    else:
        data = str(body.get("body", "")).encode("utf-8")
    account = str(body.get("account") or "123456789012")
    region = str(body.get("region") or "us-east-1")
    partition = get_partition(region)
    be = s3_backends[account][partition]
    b = be.buckets.get(bucket)
    if b is None:
        raise LookupError(f"no bucket {bucket} in account {account}")
    vpce = body.get("vpce")
    if vpce:
        environ = {SOURCE_VPCE_HEADER: str(vpce), "HTTP_AUTHORIZATION": "", "HTTP_X_MOTO_ACCOUNT_ID": account}
        ctx = request_context(environ, region, {})
        message = refusal([("s3:PutObject", _arn(partition, bucket, key), bucket)], ctx)
        if message is not None:
            raise ValueError(message)
    encryption = kms_key = None
    bucket_key = None
    rules = (getattr(b, "encryption", None) or {}).get("Rule") or {}
    if isinstance(rules, list):
        rules = rules[0] if rules else {}
    default = rules.get("ApplyServerSideEncryptionByDefault") or {}
    if default.get("SSEAlgorithm"):
        encryption = default["SSEAlgorithm"]
        kms_key = default.get("KMSMasterKeyID")
        bucket_key = rules.get("BucketKeyEnabled")
    obj = be.put_object(bucket, key, data, encryption=encryption, kms_key_id=kms_key, bucket_key_enabled=bucket_key)
    out = {"Bucket": bucket, "Key": key, "ETag": obj.etag, "Size": len(data), "ServerSideEncryption": encryption}
    if getattr(b, "is_versioned", False):
        out["VersionId"] = obj.version_id
    return out


@install_once
def install() -> None:
    """moto 5.2.5 runs its own, context-free evaluation of bucket policies for object GET / PUT /
    DELETE / HEAD and DeleteObjects (``FakeBucket.get_permission``): it ignores ``Condition`` and
    so denies every request a conditional Deny names (``403`` with no body). The middleware above
    evaluates policies with the request context instead, so moto's check is neutralised."""
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        return PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission  # type: ignore[assignment]
