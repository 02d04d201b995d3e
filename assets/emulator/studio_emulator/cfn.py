"""CloudFormation for the studio-tui emulator, on top of moto 5.2.5.

`install()` (call once, before the server starts) does these things in-process:

1. registers resource models moto lacks (network firewall, bucket policy, gateway
   route-table association, ...; see cfn_resources.py) and the network-firewall API
   additions;
2. replaces moto's stack *operations* (Create/Update/DeleteStack, change sets,
   ContinueUpdateRollback, CancelUpdateStack) with an engine that creates resources
   one by one in dependency order through moto's own ResourceMap/models, records
   per-resource stack events like real CloudFormation (with ClientRequestToken),
   runs independent resources in parallel with SETTINGS.pace, injects failures from
   SETTINGS.fail_resources and rolls back;
3. replaces DescribeStackEvents (paginated, 100 a page), ListStackResources,
   DescribeStackResource(s) so that they show per-resource status as it progresses.

4. validates templates and parameters like CloudFormation (cfn_params.py: the 51,200-byte
   TemplateBody limit, TemplateURL from the emulator's S3, parameter constraints, Rules) and
   answers ValidateTemplate / GetTemplateSummary;
5. makes /moto-api/reset stop stack operations still running.

Stacks, change sets and exports stay in moto's CloudFormation backend, so every other
moto CloudFormation call (DescribeStacks, ListStacks, GetTemplate, ...) still works.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import (
    CloudFormationBackend,
    Stack,
    cloudformation_backends,
)
from moto.cloudformation.responses import CloudFormationResponse
from moto.cloudformation.utils import (
    generate_stack_id,
)
from moto.core.responses import ActionResult, EmptyResult

from . import cfn_params, cfn_resources, nfw_api
from .cfn_change_sets import (
    create_change_set,
    delete_change_set,
    describe_change_set,
    execute_change_set,
    list_change_sets,
)
from .cfn_changes import compute_changes
from .cfn_engine import finish_delete, launch, op_create, op_delete, op_update
from .cfn_state import (
    Rec,
    assert_idle,
    find_stack,
    on_reset,
    page,
    resource_event,
    shown_records,
    stack_event,
    stack_state,
)
from .cfn_template import (
    new_resource_map,
    params_from,
    parse_template,
    prepare_new_stack,
    tags_from,
    template_body,
    template_from,
)
from .config import SETTINGS
from .patching import install_once, patch

log = logging.getLogger("studio_emulator.cfn")

EVENTS_PAGE = 100
STABLE_OUTPUT_STATES = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"}


# ---------------------------------------------------------------------------
# Stack operations
# ---------------------------------------------------------------------------
def _create_stack(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        existing = find_stack(backend, name)
        if existing is not None:
            from moto.cloudformation.exceptions import AlreadyExistsException

            raise AlreadyExistsException(f"Stack [{name}] already exists")
        body = template_from(self, None)
        tpl = parse_template(body)
        params = params_from(self, None)
        cfn_params.validate_parameters(tpl, params, self.current_account, self.region, name)
        stack = Stack(  # type: ignore[abstract]  # as moto itself makes stacks
            stack_id=generate_stack_id(name, self.region, self.current_account),
            name=name,
            template={},
            parameters=params,
            account_id=self.current_account,
            region_name=self.region,
            notification_arns=self._get_param("NotificationARNs", []),
            tags=tags_from(self),
            role_arn=self._get_param("RoleARN"),
            enable_termination_protection=self._get_bool_param("EnableTerminationProtection", False),
            timeout_in_mins=self._get_param("TimeoutInMinutes"),
            stack_policy_body=self._get_param("StackPolicyBody"),
        )
        prepare_new_stack(stack, body, tpl, params)
        st = stack_state(stack)
        st.token = self._get_param("ClientRequestToken")
        on_failure = self._get_param("OnFailure")
        if self._get_bool_param("DisableRollback", False):
            on_failure = "DO_NOTHING"
        st.on_failure = on_failure or "ROLLBACK"
        stack.disable_rollback = st.on_failure == "DO_NOTHING"
        backend.stacks[stack.stack_id] = stack
        stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")
        launch(stack, lambda: op_create(stack))
        return ActionResult({"StackId": stack.stack_id})


def _update_stack(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        stack = find_stack(backend, name)
        if stack is None or stack.status == "REVIEW_IN_PROGRESS":
            raise ValidationError(message=f"Stack [{name}] does not exist")
        assert_idle(stack)
        for p in self._get_param("Parameters", []) or []:
            if p.get("UsePreviousValue") in (True, "true") and p.get("ParameterValue"):
                raise ValidationError(
                    message=f"Invalid input for parameter key {p['ParameterKey']}. Cannot specify usePreviousValue as true and non empty value for a parameter"
                )
        body = template_from(self, stack)
        tpl = parse_template(body)
        params = params_from(self, stack)
        cfn_params.validate_parameters(tpl, params, self.current_account, self.region, stack.name)
        tags = tags_from(self) or None
        new_rm = new_resource_map(stack, tpl, params)
        changes = compute_changes(stack.resource_map, stack.template_dict, new_rm, tpl, stack.parameters, params)
        if (
            not changes
            and tpl.get("Outputs") == stack.template_dict.get("Outputs")
            and (tags is None or tags == stack.tags)
        ):
            raise ValidationError(message="No updates are to be performed.")
        st = stack_state(stack)
        st.token = self._get_param("ClientRequestToken")
        disable_rollback = self._get_bool_param("DisableRollback", False)
        launch(stack, lambda: op_update(stack, body, tpl, params, new_rm, changes, disable_rollback, tags))
        return ActionResult({"StackId": stack.stack_id})


def _delete_stack(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        stack = find_stack(backend, name)
        if stack is None:
            return EmptyResult()  # like AWS: deleting a missing stack succeeds
        if stack.enable_termination_protection:
            raise ValidationError(
                message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
            )
        st = stack_state(stack)
        token = self._get_param("ClientRequestToken")
        retain = _retain_resources(self, stack)
        if stack.status == "DELETE_IN_PROGRESS":
            return EmptyResult()
        if st.thread is not None and st.thread.is_alive():
            # Like AWS for CREATE_IN_PROGRESS: cancel, roll back, then delete.
            st.pending_delete = (token,)
            st.cancel.set()
            return EmptyResult()
        st.token = token
        if stack.status == "REVIEW_IN_PROGRESS":
            stack_event(stack, "DELETE_COMPLETE")
            finish_delete(stack)
            return EmptyResult()
        launch(stack, lambda: op_delete(stack, retain=retain))
        return EmptyResult()


def _retain_resources(self: CloudFormationResponse, stack: Stack) -> set[str]:
    """RetainResources / DeletionMode=FORCE_DELETE_STACK of DeleteStack, checked like AWS: both
    only for a stack in DELETE_FAILED, and only resources in DELETE_FAILED can be retained
    (API_DeleteStack: "For stacks in the DELETE_FAILED state, a list of resource logical IDs …
    you want to retain")."""
    names = list(self._get_param("RetainResources", []) or [])
    mode = self._get_param("DeletionMode") or "STANDARD"
    if mode not in ("STANDARD", "FORCE_DELETE_STACK"):
        raise ValidationError(
            message=f"1 validation error detected: Value '{mode}' at 'deletionMode' "
            "failed to satisfy constraint: Member must satisfy enum value set: "
            "[STANDARD, FORCE_DELETE_STACK]"
        )
    if mode == "FORCE_DELETE_STACK":
        if stack.status != "DELETE_FAILED":
            raise ValidationError(
                message=f"Invalid operation on stack [{stack.stack_id}]. You can "
                "activate DeletionMode FORCE_DELETE_STACK in a delete stack "
                "operation only when the stack is in the DELETE_FAILED state."
            )
        st = stack_state(stack)
        return {lid for lid, rec in st.records.items() if rec.status == "DELETE_FAILED"} | set(names)
    if not names:
        return set()
    if stack.status != "DELETE_FAILED":
        raise ValidationError(
            message=f"Invalid operation on stack [{stack.stack_id}]. "
            "RetainResources can only be specified when the stack is in the "
            "DELETE_FAILED state."
        )
    st = stack_state(stack)
    bad = [n for n in names if n not in st.records or st.records[n].status != "DELETE_FAILED"]
    if any(st.records.get(n) is not None and st.records[n].status == "DELETE_COMPLETE" for n in bad):
        raise ValidationError(
            message="The specified resources to retain must be in a valid state. "
            "Do not specify resources that are in the DELETE_COMPLETE state."
        )
    if bad:
        raise ValidationError(
            message="The specified resources to retain must be in a valid state. "
            f"Only resources in the DELETE_FAILED state can be retained: "
            f"[{', '.join(bad)}]"
        )
    return set(names)


def _cancel_update_stack(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        stack = find_stack(self.cloudformation_backend, self._get_param("StackName"))
        if stack is None:
            raise ValidationError(message=f"Stack [{self._get_param('StackName')}] does not exist")
        st = stack_state(stack)
        if stack.status != "UPDATE_IN_PROGRESS" or st.thread is None:
            raise ValidationError(
                message=f"CancelUpdateStack cannot be called from current stack status {stack.status}"
            )
        st.cancel.set()
        return EmptyResult()


def _continue_update_rollback(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        stack = find_stack(self.cloudformation_backend, self._get_param("StackName"))
        if stack is None:
            raise ValidationError(message=f"Stack [{self._get_param('StackName')}] does not exist")
        if stack.status != "UPDATE_ROLLBACK_FAILED":
            raise ValidationError(
                message=f"Stack {stack.stack_id} is in {stack.status} state and can not continue update rollback"
            )
        st = stack_state(stack)
        st.token = self._get_param("ClientRequestToken")
        skip = set(self._get_param("ResourcesToSkip", []) or [])

        def op() -> None:
            with SETTINGS.lock:
                stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS", "User Initiated")
                for lid, rec in st.records.items():
                    if rec.status == "UPDATE_FAILED":
                        resource_event(
                            stack, lid, "UPDATE_COMPLETE", "Resource skipped during rollback" if lid in skip else None
                        )
                stack_event(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
                stack_event(stack, "UPDATE_ROLLBACK_COMPLETE")

        launch(stack, op)
        return EmptyResult()


# ---------------------------------------------------------------------------
# Read APIs
# ---------------------------------------------------------------------------
def _describe_stack_events(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        events, nxt = page(list(reversed(stack.events)), self._get_param("NextToken"), EVENTS_PAGE)
        return ActionResult({"StackEvents": events, "NextToken": nxt})


def _list_stack_resources(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        out = [
            {
                "LogicalResourceId": r.logical_id,
                "PhysicalResourceId": r.physical_id,
                "ResourceType": r.rtype,
                "LastUpdatedTimestamp": r.timestamp,
                "ResourceStatus": r.status,
                "ResourceStatusReason": r.reason,
                "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
            }
            for r in shown_records(stack)
        ]
        return ActionResult({"StackResourceSummaries": out})


def _resource_dict(stack: Stack, r: Rec, detail: bool = False) -> dict:
    d: dict[str, Any] = {
        "StackName": stack.name,
        "StackId": stack.stack_id,
        "LogicalResourceId": r.logical_id,
        "PhysicalResourceId": r.physical_id,
        "ResourceType": r.rtype,
        "ResourceStatus": r.status,
        "ResourceStatusReason": r.reason,
        "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
    }
    if detail:
        d["LastUpdatedTimestamp"] = r.timestamp
        md = ((stack.template_dict or {}).get("Resources", {}).get(r.logical_id) or {}).get("Metadata")
        d["Metadata"] = json.dumps(md) if md is not None else None
    else:
        d["Timestamp"] = r.timestamp
    return d


def _stack_owning(backend: CloudFormationBackend, pid: str) -> Stack:
    for s in list(backend.stacks.values()):
        if any(r.physical_id == pid for r in shown_records(s)):
            return s
    raise ValidationError(message=f"Stack for {pid} does not exist")


def _describe_stack_resources(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        pid = self._get_param("PhysicalResourceId")
        lid = self._get_param("LogicalResourceId")
        if name:
            stack = backend.get_stack(name)
        elif pid:
            stack = _stack_owning(backend, pid)
        else:
            raise ValidationError(message="Either StackName or PhysicalResourceId must be specified")
        out = [
            _resource_dict(stack, r)
            for r in shown_records(stack)
            if (not lid or r.logical_id == lid) and (not pid or r.physical_id == pid)
        ]
        return ActionResult({"StackResources": out})


def _describe_stack_resource(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        lid = self._get_param("LogicalResourceId")
        for r in shown_records(stack):
            if r.logical_id == lid:
                return ActionResult({"StackResourceDetail": _resource_dict(stack, r, detail=True)})
        raise ValidationError(message=f"Resource {lid} does not exist for stack {stack.name}")


def _validate_template(self: CloudFormationResponse) -> ActionResult:
    body = template_body(self)
    tpl = parse_template(body)
    lint = [
        m
        for m in self.cloudformation_backend.validate_template(body)
        if str(getattr(getattr(m, "rule", None), "id", "E")).startswith("E")
    ]
    if lint:  # cfn-lint errors (moto's own check); warnings pass like on AWS
        raise ValidationError(message=lint[0].message)
    return ActionResult(cfn_params.validate_template_result(tpl))


def _get_template_summary(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        name = self._get_param("StackName")
        if name:
            stack = find_stack(self.cloudformation_backend, name)
            if stack is None:
                raise ValidationError(message=f"Stack with id {name} does not exist")
            if stack.status == "REVIEW_IN_PROGRESS":
                raise ValidationError(message="GetTemplateSummary cannot be called on REVIEW_IN_PROGRESS stacks.")
            body = stack.template
        else:
            body = template_body(self)
        tpl = body if isinstance(body, dict) else parse_template(body)
        return ActionResult(cfn_params.template_summary(tpl))


def _get_stack_from_s3_url(self: CloudFormationResponse, template_url: str) -> str:
    return cfn_params.template_from_url(template_url, self.current_account, self.partition)


def _locked(fn: Callable) -> Callable:
    def wrapper(self: Any, *a: Any, **k: Any) -> Any:
        with SETTINGS.lock:
            return fn(self, *a, **k)

    wrapper.__name__ = getattr(fn, "__name__", "wrapped")
    return wrapper


# ---------------------------------------------------------------------------
# install()
# ---------------------------------------------------------------------------
def _stack_outputs(self: Stack) -> Any:
    if getattr(self, "_studio", None) is not None and self.status not in STABLE_OUTPUT_STATES:
        return None
    try:
        return _ORIG_OUTPUTS.fget(self)
    except Exception:  # noqa: BLE001
        return None


_ORIG_OUTPUTS = vars(Stack)["outputs"]  # moto's property


def _stack_parameter_list(self: Any) -> list[dict[str, Any]]:
    """DescribeStacks' Parameters as CloudFormation returns them: list-typed values joined with
    commas (moto renders the Python list), NoEcho values masked by *key* (moto compares values)."""
    no_echo = self.resource_map.no_echo_parameter_keys
    out = []
    for k, v in self.resource_map.resolved_parameters.items():
        if isinstance(v, (list, tuple)):
            v = ",".join(str(x) for x in v)
        out.append({"ParameterKey": k, "ParameterValue": "****" if k in no_echo else v})
    return out


_moto_clean_json = parsing.clean_json


def _is_no_value(node: Any) -> bool:
    """``{"Ref": "AWS::NoValue"}``, or an ``Fn::If`` whose chosen branch is one (decided later)."""
    return isinstance(node, dict) and (node.get("Ref") == "AWS::NoValue" or "Fn::If" in node)


def _clean_json_without_no_value(resource_json: Any, resources_map: Any) -> Any:
    """moto's clean_json, except that a list element resolving to ``AWS::NoValue`` is removed
    (CloudFormation: "AWS::NoValue ... Removes the corresponding resource property when specified
    as a return value in the Fn::If intrinsic function"; in a list, the element), where moto
    keeps a null, e.g. a policy statement under ``!If [Cond, {...}, !Ref AWS::NoValue]``. moto's
    clean_json recurses through this module-level name, so nested lists are covered too."""
    if isinstance(resource_json, list):
        out = []
        for node in resource_json:
            value = _moto_clean_json(node, resources_map)
            if value is None and _is_no_value(node):
                continue
            out.append(value)
        return out
    return _moto_clean_json(resource_json, resources_map)


@install_once
def install() -> None:
    """Patch moto in-process. Idempotent; call before the server starts."""
    # 1. resource models: register, overriding moto's where ours replace them
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    model_map = parsing.get_model_map()
    for model in cfn_resources.OVERRIDE_MODELS:
        model_map[model.cloudformation_type()] = model
    name_map = parsing.get_name_type_map()
    for model in cfn_resources.OVERRIDE_MODELS:
        name_map[model.cloudformation_type()] = model.cloudformation_name_type()
    model_list = parsing.get_model_list()
    overridden = {m.cloudformation_type() for m in cfn_resources.OVERRIDE_MODELS}
    model_list[:] = [
        m for m in model_list if m.cloudformation_type() not in overridden or m in cfn_resources.OVERRIDE_MODELS
    ]
    nfw_api.install()
    patch(parsing, clean_json=_clean_json_without_no_value)

    # 2. outputs only when a stack is stable (moto would otherwise resolve them lazily,
    #    creating resources as a side effect)
    patch(
        Stack,
        outputs=property(_stack_outputs),
        parameter_list=property(_stack_parameter_list),
    )

    # 3. API handlers
    R = CloudFormationResponse
    patch(
        R,
        create_stack=_create_stack,
        update_stack=_update_stack,
        delete_stack=_delete_stack,
        create_change_set=create_change_set,
        describe_change_set=describe_change_set,
        execute_change_set=execute_change_set,
        delete_change_set=delete_change_set,
        list_change_sets=list_change_sets,
        cancel_update_stack=_cancel_update_stack,
        continue_update_rollback=_continue_update_rollback,
        describe_stack_events=_describe_stack_events,
        list_stack_resources=_list_stack_resources,
        describe_stack_resources=_describe_stack_resources,
        describe_stack_resource=_describe_stack_resource,
        validate_template=_validate_template,
        get_template_summary=_get_template_summary,
        _get_stack_from_s3_url=_get_stack_from_s3_url,
    )
    for name in ("describe_stacks", "list_stacks", "get_template", "list_exports"):
        setattr(R, name, _locked(getattr(R, name)))

    # 4. /moto-api/reset also drops running stack operations
    from moto.moto_api._internal.models import MotoAPIBackend

    orig_reset = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        with SETTINGS.lock:
            on_reset()
            orig_reset(self)

    patch(MotoAPIBackend, reset=reset)

    # 5. operation ids, DescribeEvents and early validation of change sets (cfn_events.py)
    from . import cfn_events

    cfn_events.install()


def wait_idle(timeout: float = 60.0) -> bool:
    """Test helper: wait until no stack operation thread is running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = False
        with SETTINGS.lock:
            for acct in list(cloudformation_backends.keys()):
                for region in list(cloudformation_backends[acct].keys()):
                    for s in cloudformation_backends[acct][region].stacks.values():
                        st = getattr(s, "_studio", None)
                        if st is not None and st.thread is not None and st.thread.is_alive():
                            busy = True
        if not busy:
            return True
        time.sleep(0.05)
    return False
