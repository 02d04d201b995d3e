"""What the SageMaker Studio extension's modules share (sagemaker_domains, sagemaker_users,
sagemaker_apps, sagemaker): the lock, name and range checks, the status lifecycle of every
resource (computed from time stamps on each read, paced by SETTINGS), the domain model, the
extension's state on moto's backend and the domain look-up, paging and sorting.
"""

from __future__ import annotations

import datetime as _dt
import re
import secrets
import string
import time
from typing import Any

from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import Domain, SageMakerModelBackend

from .config import SETTINGS

# One lock with SETTINGS: the CloudFormation extension creates resources while holding
# SETTINGS.lock, so a second lock here could deadlock on ordering.
LOCK = SETTINGS.lock

NAME_PATTERN = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
_NAME_RE = re.compile(rf"^{NAME_PATTERN}$")
UPDATE_TYPE = "AWS::SageMaker::Update"  # not in typical-durations: uses _default x pace


def current_time() -> float:
    return time.time()


def to_datetime(t: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(t, tz=_dt.timezone.utc)


def validation_error(value: Any, attribute: str, constraint: str) -> ValidationError:
    return ValidationError(
        message=f"1 validation error detected: Value '{value}' at '{attribute}' failed to satisfy "
        f"constraint: {constraint}"
    )


def check_name(value: Any, attribute: str) -> str:
    """A resource name of the request, valid (else ValidationException)."""
    if not isinstance(value, str) or not value:
        raise ValidationError(
            message=f"1 validation error detected: Value null at '{attribute}' failed to satisfy "
            "constraint: Member must not be null"
        )
    if len(value) > 63:
        raise validation_error(value, attribute, "Member must have length less than or equal to 63")
    if not _NAME_RE.match(value):
        raise validation_error(value, attribute, f"Member must satisfy regular expression pattern: {NAME_PATTERN}")
    return value


def check_int_range(value: Any, attribute: str, lo: int, hi: int) -> None:
    if value is None:
        return
    try:
        ivalue = int(value)
    except (TypeError, ValueError):
        raise validation_error(value, attribute, "Member must be an integer") from None
    if ivalue < lo:
        raise validation_error(value, attribute, f"Member must have value greater than or equal to {lo}")
    if ivalue > hi:
        raise validation_error(value, attribute, f"Member must have value less than or equal to {hi}")


def random_id(n: int = 12) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


class Lifecycle:
    """Pending -> final status after a create duration; Deleting -> gone after a delete duration."""

    cfn_type = ""

    def _init_lifecycle(self, fail_reason: str | None = None) -> None:
        now = current_time()
        self.created_at = now
        self.modified_at = now
        self.ready_at = now + SETTINGS.duration(self.cfn_type)
        self.final_status = "Failed" if fail_reason else "InService"
        self.failure_reason = fail_reason or ""
        self.updating_until: float | None = None
        self.delete_started: float | None = None
        self.delete_done_at: float | None = None

    def start_delete(self) -> None:
        now = current_time()
        self.delete_started = now
        self.delete_done_at = now + SETTINGS.duration(self.cfn_type)
        self.modified_at = now

    def start_update(self) -> None:
        now = current_time()
        self.modified_at = now
        self.updating_until = now + SETTINGS.duration(UPDATE_TYPE)

    def last_modified(self) -> _dt.datetime:
        """LastModifiedTime: a status change (Pending -> InService/Failed) counts as a change, as
        for domains, so a fresh resource's LastModifiedTime is when it settled."""
        return to_datetime(max(self.modified_at, min(self.ready_at, current_time())))

    def gone(self) -> bool:
        return self.delete_done_at is not None and current_time() >= self.delete_done_at

    def current_status(self) -> str:
        now = current_time()
        if self.delete_done_at is not None:
            return "Deleted" if now >= self.delete_done_at else "Deleting"
        if now < self.ready_at:
            return "Pending"
        if self.updating_until is not None and now < self.updating_until:
            return "Updating"
        return self.final_status


class StudioDomain(Lifecycle, Domain):
    cfn_type = "AWS::SageMaker::Domain"
    nfs_security_group_ids: list[str]  # what the domain left in its VPC (sagemaker_domains)
    mount_target_enis: list[str]

    def __init__(self, fail_reason: str | None, **domain: Any) -> None:
        # The lifecycle first: moto's __init__ assigns status and failure_reason (properties here).
        self._init_lifecycle(fail_reason=fail_reason)
        Domain.__init__(self, **domain)

    @property
    def status(self) -> str:
        return self.current_status()

    @status.setter
    def status(self, value: str) -> None:  # moto's __init__ assigns "InService"
        pass

    @property
    def failure_reason(self) -> str:
        return self._failure_reason if self.current_status() == "Failed" else ""

    @failure_reason.setter
    def failure_reason(self, value: str) -> None:
        # moto's __init__ sets "" after our _init_lifecycle; keep the first non-empty reason.
        if value or not hasattr(self, "_failure_reason"):
            self._failure_reason = value

    @property
    def last_modified_time(self) -> _dt.datetime:
        return self.last_modified()

    @last_modified_time.setter
    def last_modified_time(self, value: Any) -> None:
        pass

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["DomainSettings"] = self.domain_settings or None
        out["Url"] = self.url
        out["CreationTime"] = to_datetime(self.created_at)
        if not out.get("FailureReason"):
            out.pop("FailureReason", None)
        for key in (
            "KmsKeyId",
            "HomeEfsFileSystemKmsKeyId",
            "AppSecurityGroupManagement",
            "DefaultSpaceSettings",
            "DomainSettings",
        ):
            if out.get(key) in (None, {}, ""):
                out.pop(key, None)
        return present(out)


def studio_state(backend: SageMakerModelBackend) -> dict[str, Any]:
    st = backend.__dict__.get("_studio_state")
    if st is None:
        st = {"profiles": {}, "spaces": {}, "apps": {}, "retained": [], "uid": 200000}
        backend.__dict__["_studio_state"] = st
    return st


def sweep(backend: SageMakerModelBackend) -> None:
    """Drop every resource whose delete has finished (Deleted apps stay while their owner lives)."""
    st = studio_state(backend)
    for key, prof in list(st["profiles"].items()):
        if prof.gone():
            del st["profiles"][key]
    for key, space in list(st["spaces"].items()):
        if space.gone():
            del st["spaces"][key]
    for key, app in list(st["apps"].items()):
        owner = (app.domain_id, app.owner_name)
        owners = st["spaces"] if app.space_name else st["profiles"]
        if app.gone() and owner not in owners:
            del st["apps"][key]
    for did, dom in list(backend.domains.items()):
        if isinstance(dom, StudioDomain) and dom.gone():
            del backend.domains[did]


def get_domain(backend: SageMakerModelBackend, domain_id: str | None) -> StudioDomain:
    sweep(backend)
    dom = backend.domains.get(domain_id) if domain_id else None
    if not isinstance(dom, StudioDomain):  # every domain is one: CreateDomain is ours
        raise ResourceNotFound(message=f"Domain {domain_id} does not exist.")
    return dom


def require_domain_usable(dom: StudioDomain) -> None:
    status = dom.status
    if status not in ("InService", "Updating"):
        raise ValidationError(
            message=f"Domain {dom.id} is in {status} status. The domain must be InService before this operation."
        )


def merge_settings(base: dict | None, new: dict) -> dict:
    out = dict(base or {})
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_settings(out[k], v)
        else:
            out[k] = v
    return out


def paginate(items: list, next_token: str | None, max_results: Any) -> tuple[list, str | None]:
    start = 0
    if next_token:
        try:
            start = int(next_token)
        except ValueError:
            raise ValidationError(message='Invalid pagination token because "' + next_token + '".') from None
    size = int(max_results) if max_results else 10**9
    chunk = items[start : start + size]
    nxt = str(start + size) if start + size < len(items) else None
    return chunk, nxt


def sort_items(items: list, sort_by: str | None, sort_order: str | None) -> list:
    key = "modified_at" if sort_by == "LastModifiedTime" else "created_at"
    return sorted(items, key=lambda x: getattr(x, key), reverse=(sort_order != "Ascending"))


def present(out: dict[str, Any]) -> dict[str, Any]:
    """An answer without its None members (the API leaves them out)."""
    return {k: v for k, v in out.items() if v is not None}


def list_summaries(
    be: SageMakerModelBackend,
    kind: str,
    p: dict[str, Any],
    answer_key: str,
    filters: dict[str, tuple[str, bool]],
    sort_by: str | None,
) -> dict[str, Any]:
    """A List* answer: one page of the summaries of the live resources of a kind ("profiles",
    "spaces", "apps"), kept by the request's filters (parameter: (attribute, by substring)) and
    sorted."""
    with LOCK:
        sweep(be)
        items = list(studio_state(be)[kind].values())
        for param, (attribute, substring) in filters.items():
            want = p.get(param)
            if want:
                items = [
                    x for x in items if (want in getattr(x, attribute) if substring else getattr(x, attribute) == want)
                ]
        items = sort_items(items, sort_by, p.get("SortOrder"))
        chunk, nxt = paginate(items, p.get("NextToken"), p.get("MaxResults"))
        return {answer_key: [x.summary() for x in chunk], "NextToken": nxt}
