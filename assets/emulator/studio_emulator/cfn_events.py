"""CloudFormation operations, DescribeEvents and early (pre-deployment) validation.

Since November 2025 CloudFormation gives every stack operation an operation id and validates a
change set before it can be executed ("Validate stack deployments", CloudFormation User Guide).
This module adds, on top of cfn.py:

* **Operations.** Every stack-level status that starts an operation opens one
  (``CREATE_IN_PROGRESS`` -> ``CREATE_STACK``, ``UPDATE_IN_PROGRESS`` -> ``UPDATE_STACK``,
  ``DELETE_IN_PROGRESS`` -> ``DELETE_STACK``, ``ROLLBACK_IN_PROGRESS`` / an automatic
  ``UPDATE_ROLLBACK_IN_PROGRESS`` -> ``ROLLBACK``, ContinueUpdateRollback -> ``CONTINUE_ROLLBACK``),
  every CreateChangeSet is a ``CREATE_CHANGESET`` operation; the next terminal stack status closes
  it (``SUCCEEDED`` / ``FAILED``). Each stack event carries its ``OperationId`` (so
  DescribeStackEvents shows it, like AWS) and DescribeStacks answers ``LastOperations``.
* **Early validation of name conflicts** on CreateChangeSet (unless ``DisableValidation``): for
  each resource the change set adds whose explicit physical name already exists -- S3 bucket
  (``BucketName``, any account: the namespace is global), IAM role (``RoleName``), KMS alias
  (``AliasName``), CloudWatch Logs log group (``LogGroupName``) -- one ``VALIDATION_ERROR`` event,
  and the change set ends ``FAILED`` / ``UNAVAILABLE`` with AWS's status reason. Texts as AWS
  writes them (seen in the AWS CDK's early-validation handling, aws/aws-cdk-cli #970, its
  integration test "deploy - early validation error", and aws-cloudformation/rain #744):
  StatusReason ``The following hook(s)/validation failed:
  [AWS::EarlyValidation::ResourceExistenceCheck]. To troubleshoot Early Validation errors, use
  the DescribeEvents API for detailed failure information.``; ValidationName
  ``NAME_CONFLICT_VALIDATION``; ValidationStatusReason ``Resource of type 'AWS::S3::Bucket' with
  identifier 'NAME' already exists.``; ValidationPath ``/Resources/<LogicalId>``;
  ValidationFailureMode ``FAIL`` ("FAIL mode ... applies to property syntax errors and resource
  naming conflicts", User Guide); ValidationStatus ``FAILED``.
* **DescribeEvents** (query protocol): ``StackName`` (name or stack id; deleted stacks by id),
  ``ChangeSetName`` (name, with or without StackName, or ARN), ``OperationId``, any combination
  (all must match), ``Filters.FailedEvents``, ``NextToken`` (pages of 100), newest first. "One of
  ChangeSetName, OperationId or StackName must be specified as input." Stack-level events are
  ``STACK_EVENT``, resource events ``PROGRESS_EVENT``, resource ``*_FAILED`` events
  ``PROVISIONING_ERROR``. FailedEvents keeps VALIDATION_ERROR, PROVISIONING_ERROR and any
  ``*_FAILED`` status.

Names are resolved from the template with Ref (parameters, pseudo parameters), Fn::Sub,
Fn::Join, Fn::Select and Fn::Split; a name using anything else (Fn::If, Fn::GetAtt, ...) is not
checked. Everything lives on moto's stack objects, so /moto-api/reset clears it.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from typing import Any

from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from . import cfn_state
from .config import SETTINGS
from .patching import install_once, patch

log = logging.getLogger("studio_emulator.cfn_events")

PAGE = 100
STACK_TYPE = "AWS::CloudFormation::Stack"
EARLY_VALIDATION_REASON = (
    "The following hook(s)/validation failed: [AWS::EarlyValidation::ResourceExistenceCheck]. "
    "To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure "
    "information."
)
NAME_CONFLICT = "NAME_CONFLICT_VALIDATION"
NAME_PROPERTIES = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::IAM::Role": "RoleName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::Logs::LogGroup": "LogGroupName",
}
_START = {
    "CREATE_IN_PROGRESS": "CREATE_STACK",
    "UPDATE_IN_PROGRESS": "UPDATE_STACK",
    "DELETE_IN_PROGRESS": "DELETE_STACK",
    "ROLLBACK_IN_PROGRESS": "ROLLBACK",
    "UPDATE_ROLLBACK_IN_PROGRESS": "ROLLBACK",
}


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFound"


class Operation:
    def __init__(self, op_type: str, stack: Stack | None = None) -> None:
        self.id = str(uuid.uuid4())
        self.type = op_type
        self.status = "IN_PROGRESS"
        self.start = utcnow()
        self.end: Any = None
        self.stack_id = stack.stack_id if stack is not None else None
        self.change_set_id: str | None = None
        self.change_set_name: str | None = None
        self.validation_events: list[dict[str, Any]] = []

    def close(self, status: str) -> None:
        if self.status == "IN_PROGRESS":
            self.status = status
            self.end = utcnow()


def _ops(stack: Stack) -> list[Operation]:
    ops = getattr(stack, "_studio_ops", None)
    if ops is None:
        ops = []
        patch(stack, _studio_ops=ops)
    return ops


def _current(stack: Stack) -> Operation | None:
    ops = _ops(stack)
    return ops[-1] if ops and ops[-1].status == "IN_PROGRESS" else None


_TL = threading.local()


# ---------------------------------------------------------------------------
# Operation ids on stack events (wraps cfn_state's event recorder)
# ---------------------------------------------------------------------------
def _with_operation_ids(orig: cfn_state.EventRecorder) -> cfn_state.EventRecorder:
    def record_event(
        stack: Stack, lid: str, pid: str | None, rtype: str, status: str, reason: str | None = None, props: Any = None
    ) -> None:
        with SETTINGS.lock:
            is_stack = rtype == STACK_TYPE and lid == stack.name
            op = _current(stack)
            pending = getattr(_TL, "change_set_op", None)
            if is_stack and pending is not None and status == "REVIEW_IN_PROGRESS":
                op = pending
            elif is_stack and status in _START:
                op_type = _START[status]
                if status == "UPDATE_ROLLBACK_IN_PROGRESS" and reason == "User Initiated":
                    op_type = "CONTINUE_ROLLBACK"
                if op is not None:
                    op.close("FAILED")  # superseded: a rollback, or a delete cancelling it
                op = Operation(op_type, stack)
                _ops(stack).append(op)
            elif is_stack and op is None and not status.endswith("_IN_PROGRESS"):
                # e.g. deleting a REVIEW_IN_PROGRESS stack: DELETE_COMPLETE straight away
                op = Operation("DELETE_STACK" if status.startswith("DELETE") else "UPDATE_STACK", stack)
                _ops(stack).append(op)
            before = len(stack.events)
            orig(stack, lid, pid, rtype, status, reason, props)
            if op is not None and len(stack.events) > before:
                patch(stack.events[-1], operation_id=op.id, _studio_op=op)
            if (
                is_stack
                and op is not None
                and op is not pending
                and not status.endswith("_IN_PROGRESS")
                and status != "REVIEW_IN_PROGRESS"
            ):
                op.close("FAILED" if status.endswith("_FAILED") else "SUCCEEDED")

    return record_event


def _last_operations(self: Stack) -> list[dict[str, str]] | None:
    ops = getattr(self, "_studio_ops", None)
    if not ops:
        return None
    return [{"OperationType": ops[-1].type, "OperationId": ops[-1].id}]


# ---------------------------------------------------------------------------
# Early validation (wraps CreateChangeSet)
# ---------------------------------------------------------------------------
class _Unresolvable(Exception):
    pass


def _resolve(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_resolve(v, names) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        fn, arg = next(iter(value.items()))
        if fn == "Ref":
            if arg in names:
                return names[arg]
            raise _Unresolvable(arg)
        if fn == "Fn::Sub":
            if isinstance(arg, list):
                text, extra = arg[0], {k: _resolve(v, names) for k, v in (arg[1] or {}).items()}
            else:
                text, extra = arg, {}
            scope = {**names, **extra}

            def sub(m: re.Match) -> str:
                key = m.group(1)
                if key.startswith("!"):
                    return "${" + key[1:] + "}"
                if key not in scope or isinstance(scope[key], list):
                    raise _Unresolvable(key)
                return str(scope[key])

            return re.sub(r"\$\{([^}]+)\}", sub, text)
        if fn == "Fn::Join":
            sep, items = arg
            return str(sep).join(str(x) for x in _flat(_resolve(items, names)))
        if fn == "Fn::Select":
            idx, items = arg
            return _flat(_resolve(items, names))[int(_resolve(idx, names))]
        if fn == "Fn::Split":
            sep, text = arg
            return str(_resolve(text, names)).split(str(sep))
    raise _Unresolvable(str(value)[:60])


def _flat(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _exists(rtype: str, name: str, account: str, region: str) -> bool:
    if rtype == "AWS::S3::Bucket":
        from moto.s3.models import s3_backends

        return name in s3_backends.bucket_accounts
    if rtype == "AWS::IAM::Role":
        from moto.iam.models import iam_backends
        from moto.utilities.utils import get_partition

        backend = iam_backends[account][get_partition(region)]
        return any(r.name == name for r in backend.roles.values())
    if rtype == "AWS::KMS::Alias":
        from moto.kms.models import kms_backends

        return any(a.alias_name == name for a in kms_backends[account][region].list_aliases())
    if rtype == "AWS::Logs::LogGroup":
        from moto.logs.models import logs_backends

        return name in logs_backends[account][region].groups
    return False


def name_conflicts(cs: Any, stack: Stack) -> list[tuple[str, str, str]]:
    """(logical id, resource type, physical name) for each resource the change set adds whose
    explicit name already exists in the account (for buckets: anywhere)."""
    account, region = stack.account_id, stack.region_name
    names: dict[str, Any] = {k: v for k, v in (cs.parameters or {}).items()}
    names.update(
        {
            "AWS::AccountId": account,
            "AWS::Region": region,
            "AWS::StackName": stack.name,
            "AWS::StackId": stack.stack_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
    )
    resources = (cs.template_dict or {}).get("Resources", {}) or {}
    out = []
    for change in cs.raw_changes or []:
        if change.get("Action") != "Add":
            continue
        lid, rtype = change["LogicalResourceId"], change["ResourceType"]
        prop = NAME_PROPERTIES.get(rtype)
        raw = ((resources.get(lid) or {}).get("Properties") or {}).get(prop) if prop else None
        if raw is None:
            continue
        try:
            name = _resolve(raw, names)
        except (_Unresolvable, ValueError, IndexError, TypeError):
            continue
        try:
            exists = isinstance(name, str) and bool(name) and _exists(rtype, name, account, region)
        except Exception:  # noqa: BLE001 - a look-up the emulator cannot do never fails the call
            log.exception("early validation: cannot look up %s %s", rtype, name)
            exists = False
        if exists:
            out.append((lid, rtype, name))
    return out


def _wrap_create_change_set(orig: Any) -> Any:
    def create_change_set(self: CloudFormationResponse) -> ActionResult:
        op = Operation("CREATE_CHANGESET")
        _TL.change_set_op = op
        try:
            result = orig(self)
        finally:
            _TL.change_set_op = None
        with SETTINGS.lock:
            backend: CloudFormationBackend = self.cloudformation_backend
            cs_id = result.result["Id"]
            cs = backend.change_sets.get(cs_id)
            stack = backend.stacks.get(cs.stack_id) if cs is not None else None
            if cs is None or stack is None:
                return result
            op.stack_id = stack.stack_id
            op.change_set_id = cs.change_set_id
            op.change_set_name = cs.change_set_name
            op.start = cs.creation_time
            patch(cs, operation_id=op.id)
            _ops(stack).append(op)
            conflicts = []
            if cs.status != "FAILED" and not self._get_bool_param("DisableValidation", False):
                conflicts = name_conflicts(cs, stack)
            now = utcnow()
            for lid, rtype, name in conflicts:
                op.validation_events.append(
                    {
                        "EventId": str(uuid.uuid4()),
                        "StackId": stack.stack_id,
                        "OperationId": op.id,
                        "OperationType": op.type,
                        "EventType": "VALIDATION_ERROR",
                        "LogicalResourceId": lid,
                        "ResourceType": rtype,
                        "Timestamp": now,
                        "StartTime": now,
                        "EndTime": now,
                        "ValidationFailureMode": "FAIL",
                        "ValidationName": NAME_CONFLICT,
                        "ValidationStatus": "FAILED",
                        "ValidationStatusReason": f"Resource of type '{rtype}' with identifier '{name}' already exists.",
                        "ValidationPath": f"/Resources/{lid}",
                    }
                )
            if conflicts:
                cs.status, cs.execution_status, cs.status_reason = "FAILED", "UNAVAILABLE", EARLY_VALIDATION_REASON
            op.close("FAILED" if cs.status == "FAILED" else "SUCCEEDED")
        return result

    return create_change_set


# ---------------------------------------------------------------------------
# DescribeEvents
# ---------------------------------------------------------------------------
def _event_type(ev: Any) -> str:
    if ev.resource_type == STACK_TYPE and ev.logical_resource_id == ev.stack_name:
        return "STACK_EVENT"
    if (ev.resource_status or "").endswith("_FAILED"):
        return "PROVISIONING_ERROR"
    return "PROGRESS_EVENT"


def _from_stack_event(ev: Any) -> dict[str, Any]:
    op: Operation | None = getattr(ev, "_studio_op", None)
    status = ev.resource_status or ""
    out = {
        "EventId": str(ev.event_id),
        "StackId": ev.stack_id,
        "OperationId": op.id if op else None,
        "OperationType": op.type if op else None,
        "OperationStatus": op.status if op else None,
        "EventType": _event_type(ev),
        "LogicalResourceId": ev.logical_resource_id,
        "PhysicalResourceId": ev.physical_resource_id or None,
        "ResourceType": ev.resource_type,
        "Timestamp": ev.timestamp,
        "StartTime": ev.timestamp,
        "EndTime": ev.timestamp if not status.endswith("_IN_PROGRESS") else None,
        "ResourceStatus": status or None,
        "ResourceStatusReason": ev.resource_status_reason,
        "ResourceProperties": ev.resource_properties,
        "ClientRequestToken": ev.client_request_token,
    }
    return {k: v for k, v in out.items() if v is not None}


def _is_failed(e: dict[str, Any]) -> bool:
    return e["EventType"] in ("VALIDATION_ERROR", "PROVISIONING_ERROR", "HOOK_INVOCATION_ERROR") or e.get(
        "ResourceStatus", ""
    ).endswith("_FAILED")


def _all_stacks(backend: CloudFormationBackend) -> list[Stack]:
    return list(backend.stacks.values()) + list(backend.deleted_stacks.values())


def _stack_events(stack: Stack) -> list[tuple[Any, int, dict[str, Any]]]:
    """(timestamp, order, event) for every event of the stack, validation events included."""
    out = []
    for i, ev in enumerate(stack.events):
        out.append((ev.timestamp, -i, _from_stack_event(ev)))  # ties: newer first
    n = len(out)
    for op in _ops(stack):
        for j, e in enumerate(op.validation_events):
            out.append((e["Timestamp"], n + j, dict(e, OperationStatus=op.status)))  # template order
        n += len(op.validation_events)
    return out


def describe_events(self: CloudFormationResponse) -> ActionResult:
    stack_name = self._get_param("StackName")
    cs_name = self._get_param("ChangeSetName")
    op_id = self._get_param("OperationId")
    filters = self._get_param("Filters") or {}
    failed_only = str(filters.get("FailedEvents", "false")).lower() == "true" if isinstance(filters, dict) else False
    token = self._get_param("NextToken")
    if not (stack_name or cs_name or op_id):
        raise ValidationError(message="One of ChangeSetName, OperationId or StackName must be specified as input.")
    with SETTINGS.lock:
        backend: CloudFormationBackend = self.cloudformation_backend
        stacks = _all_stacks(backend)
        if stack_name:
            stacks = [
                s for s in stacks if s.stack_id == stack_name or (s.name == stack_name and s.stack_id in backend.stacks)
            ]
            if not stacks:
                raise ValidationError(stack_name)
        op_ids: set[str] | None = None
        if cs_name:
            ops = [
                op
                for s in stacks
                for op in _ops(s)
                if op.change_set_id is not None and (cs_name == op.change_set_id or cs_name == op.change_set_name)
            ]
            if not ops:
                raise ChangeSetNotFound(f"ChangeSet [{cs_name}] does not exist")
            ops.sort(key=lambda o: o.start)
            op_ids = {ops[-1].id}
            stacks = [s for s in stacks if s.stack_id == ops[-1].stack_id]
        if op_id:
            op_ids = {op_id} if op_ids is None else op_ids & {op_id}
        rows = []
        for s in stacks:
            for row in _stack_events(s):
                if op_ids is not None and row[2].get("OperationId") not in op_ids:
                    continue
                if failed_only and not _is_failed(row[2]):
                    continue
                rows.append(row)
        rows.sort(key=lambda r: (-r[0].timestamp(), r[1]))
        events = [r[2] for r in rows]
    try:
        start = int(token) if token else 0
        if start < 0 or start > len(events):
            raise ValueError
    except ValueError:
        raise ValidationError(message="Invalid NextToken") from None
    page = events[start : start + PAGE]
    nxt = str(start + PAGE) if len(events) > start + PAGE else None
    return ActionResult({"OperationEvents": page, "NextToken": nxt})


# ---------------------------------------------------------------------------
# install()
# ---------------------------------------------------------------------------
@install_once
def install() -> None:
    """Called at the end of cfn.install() (after its handlers are in place)."""
    cfn_state.wrap_event_recorder(_with_operation_ids)
    R = CloudFormationResponse
    patch(
        R,
        create_change_set=_wrap_create_change_set(R.create_change_set),
        describe_events=describe_events,
    )
    patch(Stack, last_operations=property(_last_operations))
