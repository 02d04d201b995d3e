"""STS as AWS answers it, and credentials that expire on demand (moto 5.2.5 is lenient).

* GetCallerIdentity for an access key IAM does not know (the fake ``testing`` credentials)
  answers an IAM user, as AWS answers for a user's access key: ``Arn``
  ``arn:aws:iam::ACCOUNT:user/moto`` and a ``UserId`` of the documented shape (``AIDA`` and 17
  letters or digits, one per account). moto answers ``arn:aws:sts::ACCOUNT:user/moto``
  and the access key id ``AKIAIOSFODNN7EXAMPLE``, which no AWS principal has (IAM user guide,
  "Unique IDs": ``AIDA`` is an IAM user's prefix, ``AKIA`` an access key's).

* AssumeRole of a role that does not exist is refused with ``AccessDenied`` ("User: … is not
  authorized to perform: sts:AssumeRole on resource: …"), as AWS answers. moto accepts it and
  then invents a new random role id at every GetCallerIdentity, so a role session's
  ``aws:userid`` (``role-id:caller-specified-role-name``) would not even stay the same between
  two requests.
* A role's trust policy decides who assumes it, for every caller that is not the account's own
  stand-in user: a caller in another account than the role (cross-account access, how an
  organization's management account reaches its members) and any role session (role chaining).
  "In IAM roles, use the Principal element in the role trust policy to specify who can assume
  the role. For cross-account access, you must specify the 12-digit identifier of the trusted
  account" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html),
  and trust policies "must explicitly allow access for principals"
  (https://repost.aws/questions/QU4Kr2A6bpRtO8haGVu9hP6g/iam-role-trust-policy-behavior): an
  ``Allow`` statement whose ``Action`` matches ``sts:AssumeRole`` (case-insensitive, ``*`` and
  ``?`` wildcards) and whose ``Principal`` is ``*``, ``{"AWS": "*"}``, the caller's account (the
  12 digits or ``arn:aws:iam::ACCOUNT:root``: every principal of that account, whose own
  permissions the emulator does not evaluate) or the caller itself (a user's ARN, or for a role
  session the role's ARN), and no ``Deny`` statement that matches. Of conditions only
  ``StringEquals`` / ``StringLike`` on ``sts:ExternalId`` (the request's ``ExternalId``) are
  evaluated; a statement with any other condition does not allow (the emulator cannot show it
  holds). Otherwise AssumeRole is refused with the same ``AccessDenied`` as for a missing role
  (AWS answers both alike: "User: arn:aws:iam::012345678901:user/MyUser is not authorized to
  perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/…"). The account's
  stand-in user (the fake ``testing`` keys in the role's own account) is not checked: tests use
  it to stand in for AWS services (SageMaker assuming its execution role, whose trust names only
  ``sagemaker.amazonaws.com``).
* ``short_credentials`` (``POST /_studio/config {"short_credentials": {ROLE_ARN: SECONDS}}``):
  the credentials AssumeRole hands out for that role expire after SECONDS instead of
  DurationSeconds. It stands for time passing: an SDK refreshes credentials that are about to
  expire, and an assume-role profile without ``role_session_name`` gets a new session name at
  every refresh (the Rust SDK's is ``assume-role-from-profile-<milliseconds>``), so with a
  second or less every request of a long operation comes from a new role session, as an
  emptying that outlasts the credentials does on AWS.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import hashlib
import json
import re
from typing import Any
from urllib.parse import unquote

from .config import SETTINGS
from .patching import install_once, patch


def find_role(role_arn: str) -> Any | None:
    """The IAM role an ARN names, in its own account, or None."""
    from moto.iam.models import iam_backends

    parts = role_arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("role/"):
        return None
    partition, account = parts[1], parts[4]
    try:
        return iam_backends[account][partition].get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001  (moto raises IAMNotFoundException)
        return None


def _listed(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _document(doc: Any) -> dict[str, Any]:
    if isinstance(doc, str):
        try:
            doc = json.loads(unquote(doc) if doc.startswith("%") else doc)
        except ValueError:
            return {}
    return doc if isinstance(doc, dict) else {}


def _principal_matches(principal: Any, caller_arns: list[str], account: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for p in _listed(principal.get("AWS") or []):
        p = str(p)
        if p == "*" or p == account or p.endswith(f":iam::{account}:root") or p in caller_arns:
            return True
    return False


def _conditions_hold(condition: Any, external_id: str | None) -> bool:
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    for op, keys in condition.items():
        if op not in ("StringEquals", "StringLike") or not isinstance(keys, dict):
            return False
        for key, values in keys.items():
            if key.lower() != "sts:externalid" or external_id is None:
                return False
            wanted = [str(v) for v in _listed(values)]
            if op == "StringEquals" and external_id not in wanted:
                return False
            if op == "StringLike" and not any(fnmatch.fnmatchcase(external_id, w) for w in wanted):
                return False
    return True


def trust_allows(document: Any, caller_arns: list[str], account: str, external_id: str | None = None) -> bool:
    """The role's trust policy lets this caller (its ARNs: the user's, or a session's and its
    role's) of ``account`` call sts:AssumeRole: an Allow applies and no Deny does."""
    allowed = False
    for s in _listed(_document(document).get("Statement") or []):
        if not isinstance(s, dict):
            continue
        actions = [str(a).lower() for a in _listed(s.get("Action") or [])]
        if not any(fnmatch.fnmatchcase("sts:assumerole", a) for a in actions):
            continue
        if not _principal_matches(s.get("Principal"), caller_arns, account):
            continue
        if s.get("Effect") == "Deny":
            return False
        if s.get("Effect") == "Allow" and _conditions_hold(s.get("Condition"), external_id):
            allowed = True
    return allowed


def service_trusted(document: Any, service: str) -> bool:
    """The trust policy allows an AWS service principal (``cloudformation.amazonaws.com``)
    sts:AssumeRole, and denies it nothing."""
    allowed = False
    for s in _listed(_document(document).get("Statement") or []):
        if not isinstance(s, dict) or not isinstance(s.get("Principal"), dict):
            continue
        actions = [str(a).lower() for a in _listed(s.get("Action") or [])]
        if not any(fnmatch.fnmatchcase("sts:assumerole", a) for a in actions):
            continue
        if service not in [str(x) for x in _listed(s["Principal"].get("Service") or [])]:
            continue
        if s.get("Effect") == "Deny":
            return False
        allowed = allowed or (s.get("Effect") == "Allow" and not s.get("Condition"))
    return allowed


def caller_arns(arn: str) -> list[str]:
    """A caller's ARN as a trust policy names it: a role session is named by its role's ARN
    (path included) as well as by the session's."""
    m = re.match(r"^arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/.+$", arn)
    if not m:
        return [arn]
    from moto.iam.models import iam_backends

    try:
        role = iam_backends[m.group(2)][m.group(1)].get_role(m.group(3))
        return [arn, str(role.arn)]
    except Exception:  # noqa: BLE001
        return [arn, f"arn:{m.group(1)}:iam::{m.group(2)}:role/{m.group(3)}"]


def assume_refused(caller_arn: str, caller_account: str, role_arn: str, external_id: str | None = None) -> bool:
    """AssumeRole of ``role_arn`` by this caller is refused: the role does not exist, or (for a
    caller that is not the role account's stand-in user) its trust policy does not allow it."""
    role = find_role(role_arn)
    if role is None:
        return True
    stand_in = re.match(r"^arn:[^:]+:iam::(\d+):user/moto$", caller_arn)
    if stand_in and stand_in.group(1) == str(role.account_id):
        return False
    return not trust_allows(role.assume_role_policy_document, caller_arns(caller_arn), caller_account, external_id)


def user_id_for(account: str) -> str:
    """The IAM user id (``AIDA`` + 17 of [A-Z2-7]) of the account's stand-in user ``moto``: the
    same for every access key IAM does not know (moto's STS and S3 read the key differently)."""
    digest = hashlib.sha256(f"moto-user-{account}".encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "AIDA" + "".join(alphabet[b % 32] for b in digest[:17])


@install_once
def install() -> None:
    from moto.core.exceptions import AccessDeniedError
    from moto.sts.models import STSBackend
    from moto.sts.responses import TokenResponse

    original_response = TokenResponse.assume_role

    def assume_role_response(self: Any) -> Any:
        role_arn = str(self._get_param("RoleArn") or "")
        _, caller, account = self.backend.get_caller_identity(self.get_access_key(), self.region)
        if assume_refused(caller, account, role_arn, self._get_param("ExternalId")):
            raise AccessDeniedError(caller, f"sts:AssumeRole on resource: {role_arn}")
        return original_response(self)

    patch(TokenResponse, assume_role=assume_role_response)

    original = STSBackend.assume_role

    def assume_role(self: Any, **kwargs: Any) -> Any:
        role_arn = str(kwargs.get("role_arn") or "")
        if find_role(role_arn) is None:
            caller = f"arn:aws:iam::{self.account_id}:user/moto"
            raise AccessDeniedError(caller, f"sts:AssumeRole on resource: {role_arn}")
        role = original(self, **kwargs)
        with SETTINGS.lock:
            seconds = SETTINGS.short_credentials.get(role_arn)
        if seconds is not None:
            role.expiration = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None) + _dt.timedelta(
                seconds=float(seconds)
            )
        return role

    patch(STSBackend, assume_role=assume_role)

    original_identity = STSBackend.get_caller_identity

    def get_caller_identity(self: Any, access_key_id: str, region: str) -> tuple[str, str, str]:
        user_id, arn, account = original_identity(self, access_key_id, region)
        parts = arn.split(":", 5)
        if len(parts) == 6 and parts[2] == "sts" and parts[5] == "user/moto":
            return user_id_for(account), f"arn:{parts[1]}:iam::{account}:user/moto", account
        return user_id, arn, account

    patch(STSBackend, get_caller_identity=get_caller_identity)
