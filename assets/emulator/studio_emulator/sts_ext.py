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
import hashlib
from typing import Any

from .config import SETTINGS
from .patching import install_once, patch


def _role_exists(role_arn: str) -> bool:
    from moto.iam.models import iam_backends

    parts = role_arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("role/"):
        return False
    partition, account = parts[1], parts[4]
    try:
        iam_backends[account][partition].get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001  (moto raises IAMNotFoundException)
        return False
    return True


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

    original = STSBackend.assume_role

    def assume_role(self: Any, **kwargs: Any) -> Any:
        role_arn = str(kwargs.get("role_arn") or "")
        if not _role_exists(role_arn):
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
