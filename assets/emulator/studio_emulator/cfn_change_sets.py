"""Change sets of the CloudFormation extension: CreateChangeSet (CREATE and UPDATE),
DescribeChangeSet (paginated), ListChangeSets, DeleteChangeSet and ExecuteChangeSet, which runs
the stack engine (cfn_engine.py). Change sets live in moto's backend (``change_sets``).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack
from moto.cloudformation.parsing import ResourceMap
from moto.cloudformation.responses import CloudFormationResponse
from moto.cloudformation.utils import generate_changeset_id, generate_stack_id, validate_create_change_set
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow

from . import cfn_params
from .cfn_changes import compute_changes
from .cfn_engine import launch, op_create, op_update
from .cfn_state import assert_idle, find_stack, stack_event, stack_state
from .cfn_template import new_resource_map, params_from, parse_template, prepare_new_stack, tags_from, template_from
from .config import SETTINGS


class StudioChangeSet:
    """A change set as moto's backend keeps it (``change_sets``) and its serializer reads it."""

    change_set_type: str
    change_set_id: str
    change_set_name: str
    stack_id: str
    stack_name: str
    description: str | None
    parameters: dict[str, str]
    raw_parameters: dict[str, Any]
    template: str | dict[str, Any]
    template_dict: dict[str, Any]
    creation_time: Any
    status: str
    execution_status: str
    status_reason: str | None
    notification_arns: list[str]
    capabilities: list[str]
    tags: Any  # {key: value}; DescribeChangeSet's view: [{Key, Value}] or None
    role_arn: str | None
    resource_changes: list[dict[str, Any]]
    raw_changes: list[dict[str, Any]]
    next_token: str | None  # DescribeChangeSet's view
    deployment_mode: str  # REVERT_DRIFT change sets (cfn_drift)
    stack_drift_status: str  # REVERT_DRIFT change sets (cfn_drift)

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    @property
    def changes(self) -> list[dict]:
        return self.resource_changes

    @property
    def include_nested_stacks(self) -> bool:
        return False


def change_sets(backend: CloudFormationBackend) -> dict[str, StudioChangeSet]:
    """moto's change sets of a backend: every one is a StudioChangeSet (CreateChangeSet is ours)."""
    sets: dict[str, StudioChangeSet] = vars(backend)["change_sets"]
    return sets


def find_change_set(backend: CloudFormationBackend, name: str, stack_name: str | None) -> StudioChangeSet:
    if name in change_sets(backend):
        return change_sets(backend)[name]
    for cs in change_sets(backend).values():
        if cs.change_set_name == name and (not stack_name or stack_name in (cs.stack_name, cs.stack_id)):
            return cs
    raise ValidationError(message=f"ChangeSet [{name}] does not exist")


def create_change_set(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        stack_name = self._get_param("StackName")
        cs_name = self._get_param("ChangeSetName")
        validate_create_change_set(cs_name)
        cs_type = self._get_param("ChangeSetType", "UPDATE") or "UPDATE"
        existing = find_stack(backend, stack_name)
        if cs_type == "UPDATE":
            if existing is None or existing.status == "REVIEW_IN_PROGRESS":
                raise ValidationError(message=f"Stack [{stack_name}] does not exist")
            assert_idle(existing)
        elif existing is not None and existing.status != "REVIEW_IN_PROGRESS":
            raise ValidationError(
                message=f"Stack [{stack_name}] already exists and cannot be created again with the changeSet [{cs_name}]."
            )
        for cs in change_sets(backend).values():
            if cs.change_set_name == cs_name and cs.stack_name == stack_name:
                raise ValidationError(message=f"ChangeSet {cs_name} already exists")  # AlreadyExistsException in AWS
        body = template_from(self, existing if cs_type == "UPDATE" else None)
        tpl = parse_template(body)
        params = params_from(self, existing if cs_type == "UPDATE" else None)
        cfn_params.validate_parameters(tpl, params, self.current_account, self.region, stack_name)
        tags = tags_from(self)
        if existing is None:
            stack = Stack(  # type: ignore[abstract]  # as moto itself makes stacks
                stack_id=generate_stack_id(stack_name, self.region, self.current_account),
                name=stack_name,
                template={},
                parameters=params,
                account_id=self.current_account,
                region_name=self.region,
                notification_arns=self._get_param("NotificationARNs", []),
                tags=tags,
                role_arn=self._get_param("RoleARN"),
            )
            stack.status = "REVIEW_IN_PROGRESS"
            stack_state(stack).token = None
            # Validate before registering the stack (like AWS: a bad template creates nothing).
            new_rm = new_resource_map(stack, tpl, params)
            backend.stacks[stack.stack_id] = stack
            stack_event(stack, "REVIEW_IN_PROGRESS", "User Initiated")
        else:
            stack = existing
            new_rm = new_resource_map(stack, tpl, params)
        if cs_type == "CREATE" or not stack.template_dict:
            changes = compute_changes(None, {}, new_rm, tpl, {}, params)
        else:
            changes = compute_changes(stack.resource_map, stack.template_dict, new_rm, tpl, stack.parameters, params)
        cs_id = generate_changeset_id(cs_name, self.region, self.current_account)
        status, exec_status, reason = "CREATE_COMPLETE", "AVAILABLE", None
        if (
            cs_type == "UPDATE"
            and not changes
            and (tpl.get("Outputs") == stack.template_dict.get("Outputs"))
            and (not tags or tags == stack.tags)
        ):
            status, exec_status = "FAILED", "UNAVAILABLE"
            reason = (
                "The submitted information didn't contain changes. Submit different information to create a change set."
            )
        params_view = dict(new_rm.resolved_parameters)
        params_view = {k: (",".join(v) if isinstance(v, list) else str(v)) for k, v in params_view.items()}
        cs = StudioChangeSet(
            change_set_type=cs_type,
            change_set_id=cs_id,
            change_set_name=cs_name,
            stack_id=stack.stack_id,
            stack_name=stack.name,
            description=self._get_param("Description"),
            parameters=params_view,
            raw_parameters=params,
            template=body,
            template_dict=tpl,
            creation_time=utcnow(),
            status=status,
            execution_status=exec_status,
            status_reason=reason,
            notification_arns=self._get_param("NotificationARNs", []),
            capabilities=self._get_param("Capabilities", []),
            tags=tags,
            role_arn=self._get_param("RoleARN"),
            resource_changes=[{"Type": "Resource", "ResourceChange": c} for c in changes],
            raw_changes=changes,
        )
        change_sets(backend)[cs_id] = cs
        return ActionResult({"Id": cs_id, "StackId": stack.stack_id})


def describe_change_set(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        cs = find_change_set(
            self.cloudformation_backend, self._get_param("ChangeSetName"), self._get_param("StackName")
        )
        changes = cs.raw_changes
        token = self._get_param("NextToken")
        start = int(token) if token else 0
        page = changes[start : start + 100]
        nxt = str(start + 100) if len(changes) > start + 100 else None
        view = StudioChangeSet(**{k: v for k, v in cs.__dict__.items() if k != "resource_changes"})
        view.resource_changes = page  # moto's transformer wraps each in a ChangeDTO
        view.next_token = nxt
        view.tags = [{"Key": k, "Value": v} for k, v in (cs.tags or {}).items()] or None
        return ActionResult(view)


def list_change_sets(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        out = [cs for cs in change_sets(backend).values() if not name or name in (cs.stack_name, cs.stack_id)]
        return ActionResult({"Summaries": out})


def delete_change_set(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        cs = find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        if cs.execution_status == "EXECUTE_IN_PROGRESS":
            raise ValidationError(message="Cannot delete ChangeSet in status EXECUTE_IN_PROGRESS")
        change_sets(backend).pop(cs.change_set_id, None)
        return EmptyResult()


def executable_stack(backend: CloudFormationBackend, cs: StudioChangeSet) -> Stack:
    """The stack a change set would execute on; refused unless the change set is AVAILABLE."""
    if cs.execution_status != "AVAILABLE":
        raise ValidationError(
            message=f"ChangeSet [{cs.change_set_id}] cannot be executed in its current execution status of [{cs.execution_status}]"
        )
    stack = backend.stacks.get(cs.stack_id)
    if stack is None:
        raise ValidationError(message=f"Stack [{cs.stack_name}] does not exist")
    return stack


def begin_execution(
    self: CloudFormationResponse, backend: CloudFormationBackend, cs: StudioChangeSet, stack: Stack
) -> bool:
    """ExecuteChangeSet's bookkeeping: the request's token marks the stack's events, the change
    set is EXECUTE_IN_PROGRESS and the stack's other change sets go. Answers DisableRollback."""
    stack_state(stack).token = self._get_param("ClientRequestToken")
    disable_rollback = self._get_bool_param("DisableRollback", False)
    cs.execution_status = "EXECUTE_IN_PROGRESS"
    for other_id, other in list(change_sets(backend).items()):
        if other.stack_id == stack.stack_id and other_id != cs.change_set_id:
            change_sets(backend).pop(other_id, None)
    return disable_rollback


def planned_update(stack: Stack, cs: StudioChangeSet) -> tuple[ResourceMap, list[dict]]:
    """The resource map and the changes of an UPDATE change set, computed again at execution."""
    new_rm = new_resource_map(stack, cs.template_dict, cs.raw_parameters)
    changes = compute_changes(
        stack.resource_map, stack.template_dict, new_rm, cs.template_dict, stack.parameters, cs.raw_parameters
    )
    return new_rm, changes


def run_update(
    cs: StudioChangeSet, stack: Stack, new_rm: ResourceMap, changes: list[dict], disable_rollback: bool
) -> None:
    """The stack engine's update for an executed change set (in the operation's thread)."""
    op_update(
        stack,
        cs.template,
        cs.template_dict,
        cs.raw_parameters,
        new_rm,
        changes,
        disable_rollback,
        tags=cs.tags or None,
    )


def execute_change_set(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        cs = find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        stack = executable_stack(backend, cs)
        disable_rollback = begin_execution(self, backend, cs, stack)
        if cs.change_set_type == "CREATE":
            prepare_new_stack(stack, cs.template, cs.template_dict, cs.raw_parameters)
            stack_state(stack).on_failure = "DO_NOTHING" if disable_rollback else "ROLLBACK"
            stack.disable_rollback = disable_rollback
            stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")

            def op() -> None:
                op_create(stack)
                finish_execution(backend, cs, stack, "CREATE_COMPLETE")
        else:
            assert_idle(stack)
            new_rm, changes = planned_update(stack, cs)

            def op() -> None:
                run_update(cs, stack, new_rm, changes, disable_rollback)
                finish_execution(backend, cs, stack, "UPDATE_COMPLETE")

        launch(stack, op)
        return EmptyResult()


def finish_execution(backend: CloudFormationBackend, cs: StudioChangeSet, stack: Stack, ok_status: str) -> None:
    with SETTINGS.lock:
        cs.execution_status = "EXECUTE_COMPLETE" if stack.status == ok_status else "EXECUTE_FAILED"
        change_sets(backend).pop(cs.change_set_id, None)
