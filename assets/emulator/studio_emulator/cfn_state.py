"""The state of the CloudFormation extension's stacks, shared by its modules (the floor they stand on).

Per stack (on moto's Stack object, so /moto-api/reset drops it): what ListStackResources shows
for each logical resource (Rec), the operation's client request token, thread and cancel flag.
Stack and resource events, the stack look-up and the "can this stack change now" check. A
generation counter makes operations of stacks dropped by a reset stop.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any, Callable, Optional

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Event, Stack, cloudformation_backends
from moto.core.utils import utcnow

from .config import SETTINGS
from .patching import patch


class Rec:
    """What ListStackResources shows for one logical resource."""

    def __init__(self, logical_id: str, rtype: str):
        self.logical_id = logical_id
        self.rtype = rtype
        self.status: str | None = None
        self.reason: str | None = None
        self.physical_id: str | None = None
        self.timestamp = utcnow()


# Bumped by /moto-api/reset: operations of stacks from an older generation stop at once and
# never touch the (new) backends again.
_GENERATION = 0


class StackState:
    def __init__(self) -> None:
        self.generation = _GENERATION
        self.records: dict[str, Rec] = {}
        self.token: str | None = None
        self.thread: threading.Thread | None = None
        self.cancel = threading.Event()
        self.pending_delete: tuple[str | None] | None = None
        self.on_failure = "ROLLBACK"


def stack_state(stack: Stack) -> StackState:
    st = getattr(stack, "_studio", None)
    if st is None:
        st = StackState()
        patch(stack, _studio=st)
    return st


def abandoned(stack_or_state: Any) -> bool:
    st = stack_or_state if isinstance(stack_or_state, StackState) else getattr(stack_or_state, "_studio", None)
    return st is not None and st.generation != _GENERATION


def stack_backend(stack: Stack) -> CloudFormationBackend:
    return cloudformation_backends[stack.account_id][stack.region_name]


def append_event(
    stack: Stack, lid: str, pid: str | None, rtype: str, status: str, reason: str | None = None, props: Any = None
) -> None:
    """One event of the stack (DescribeStackEvents), sent to its notification topics."""
    st = stack_state(stack)
    ev = Event(
        stack_id=stack.stack_id,
        stack_name=stack.name,
        logical_resource_id=lid,
        physical_resource_id=pid or "",
        resource_type=rtype,
        resource_status=status,
        resource_status_reason=reason,
        resource_properties=json.dumps(props) if props is not None else None,
    )
    patch(ev, event_id=str(uuid.uuid4()), timestamp=utcnow(), client_request_token=st.token)
    try:
        if abandoned(st):
            raise RuntimeError("stack dropped by a reset")
        ev.sendToSns(stack.account_id, stack.region_name, stack.notification_arns)
    except Exception:  # noqa: BLE001 - SNS topic gone: like AWS, keep going
        pass
    stack.events.append(ev)


EventRecorder = Callable[[Stack, str, Optional[str], str, str, Optional[str], Any], None]
# How stack_event / resource_event record an event: append_event, which cfn_events wraps at
# install (wrap_event_recorder) so that each event carries its operation's id.
_recorder: EventRecorder = append_event


def wrap_event_recorder(wrapper: Callable[[EventRecorder], EventRecorder]) -> None:
    global _recorder
    _recorder = wrapper(_recorder)


def stack_event(stack: Stack, status: str, reason: str | None = None) -> None:
    stack.status = status
    patch(stack, stack_status_reason=reason)
    _recorder(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", status, reason, None)


def resource_event(stack: Stack, lid: str, status: str, reason: str | None = None, props: Any = None) -> None:
    rec = stack_state(stack).records[lid]
    rec.status = status
    rec.reason = reason
    rec.timestamp = utcnow()
    _recorder(stack, lid, rec.physical_id, rec.rtype, status, reason, props)


def physical_id(res: Any) -> str | None:
    try:
        return getattr(res, "physical_resource_id", None)
    except Exception:  # noqa: BLE001
        return None


def error_text(e: BaseException) -> str:
    msg = getattr(e, "message", None) or getattr(e, "description", None) or str(e) or type(e).__name__
    code = getattr(e, "error_type", None) or getattr(e, "code", None)
    if isinstance(code, str) and code and code not in msg:
        return f"{msg} (Service: emulator; Error Code: {code})"
    return msg


def find_stack(backend: CloudFormationBackend, name: str) -> Stack | None:
    for s in backend.stacks.values():
        if s.name == name or s.stack_id == name:
            return s
    return None


def assert_idle(stack: Stack, verb: str = "updated") -> None:
    if (stack.status or "").endswith("_IN_PROGRESS") or stack.status in (
        "ROLLBACK_COMPLETE",
        "ROLLBACK_FAILED",
        "DELETE_FAILED",
        "CREATE_FAILED",
        "UPDATE_ROLLBACK_FAILED",
    ):
        if stack.status == "CREATE_FAILED" and verb == "updated":
            return
        raise ValidationError(message=f"Stack:{stack.stack_id} is in {stack.status} state and can not be {verb}.")


def shown_records(stack: Stack) -> list[Rec]:
    st = stack_state(stack)
    return [r for r in st.records.values() if r.status is not None]


def on_reset() -> None:
    """/moto-api/reset: stacks (and their events) live in moto's backend and go with it;
    operations still running for them stop and never touch the new backends."""
    global _GENERATION
    with SETTINGS.lock:
        _GENERATION += 1


def page(rows: list, token: str | None, size: int) -> tuple[list, str | None]:
    """One page of a paginated answer and the NextToken of the next (the index of its first row;
    anything else is ValidationError "Invalid NextToken")."""
    try:
        start = int(token) if token else 0
    except ValueError:
        raise ValidationError(message="Invalid NextToken") from None
    return rows[start : start + size], (str(start + size) if len(rows) > start + size else None)
