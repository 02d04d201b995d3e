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

import base64
import copy
import heapq
import json
import logging
import threading
import time
import uuid
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import (
    CloudFormationBackend,
    Stack,
    cloudformation_backends,
)
from moto.cloudformation.parsing import (
    OutputMap,
    ResourceMap,
    parse_and_update_resource,
    resource_class_from_type,
)
from moto.cloudformation.responses import CloudFormationResponse
from moto.cloudformation.utils import (
    generate_changeset_id,
    generate_stack_id,
    validate_create_change_set,
)
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.ec2.models import ec2_backends
from moto.ec2.models.core import TaggedEC2Resource

from . import cfn_params, cfn_resources, nfw_api, nfw_store
from .cfn_changes import _attributes_only, _compute_changes
from .cfn_state import (
    Rec,
    StackState,
    _abandoned,
    _assert_idle,
    _backend,
    _error_text,
    _find_stack,
    _pid,
    _records,
    _res_event,
    _stack_event,
    _state,
    on_reset,
)
from .cfn_template import (
    _active,
    _deps,
    _new_resource_map,
    _params_from,
    _parse,
    _prepare_new_stack,
    _tags_from,
    _template_for_read,
    _template_from,
)
from .config import SETTINGS
from .once import install_once

log = logging.getLogger("studio_emulator.cfn")

EVENTS_PAGE = 100
STABLE_OUTPUT_STATES = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"}
BUSY_STATES_SUFFIX = "_IN_PROGRESS"

# Types moto cannot update in place that are safe to delete + recreate on Modify.
RECREATE_ON_MODIFY = {
    "AWS::EC2::Route",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::S3::BucketPolicy",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::GatewayRouteTableAssociation",
    "AWS::NetworkFirewall::LoggingConfiguration",
    "AWS::IAM::ManagedPolicy",
    "AWS::KMS::Alias",
    "AWS::Logs::LogGroup",
}


class _Placeholder(CloudFormationModel):
    """Stands in for a resource type nobody implemented (logged), so a stack still deploys."""

    def __init__(self, lid: str) -> None:
        self._pid = f"{lid}-{uuid.uuid4().hex[:12]}"

    @property
    def physical_resource_id(self) -> str:
        return self._pid

    @staticmethod
    def cloudformation_type() -> str:
        return "Studio::Emulator::Placeholder"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return f"{self._pid}-{attribute_name}"

    @classmethod
    def create_from_cloudformation_json(cls, *a: Any, **k: Any) -> Any:  # type: ignore[misc, override]
        raise NotImplementedError


def _create_one(stack: Stack, rm: ResourceMap, template: dict, lid: str) -> Any:
    js = template["Resources"][lid]
    res = rm[lid]
    if res is None:
        res = _Placeholder(lid)
        res.cf_resource_type = js.get("Type")  # type: ignore[attr-defined]
        res.logical_resource_id = lid  # type: ignore[attr-defined]
        rm._parsed_resources[lid] = res
    props = parsing.clean_json(copy.deepcopy(js.get("Properties", {})), rm)
    cfn_resources.post_create(res, js["Type"], props or {}, stack.account_id, stack.region_name)
    if isinstance(res, TaggedEC2Resource):
        tags = dict(stack.tags or {})
        tags.update(
            {
                "aws:cloudformation:stack-name": stack.name,
                "aws:cloudformation:stack-id": stack.stack_id,
                "aws:cloudformation:logical-id": lid,
            }
        )
        try:
            ec2_backends[stack.account_id][stack.region_name].create_tags([res.physical_resource_id], tags)
        except Exception:  # noqa: BLE001
            pass
    return res


def _update_in_place(stack: Stack, rm: ResourceMap, template: dict, lid: str) -> Any:
    js = template["Resources"][lid]
    rtype = js["Type"]
    cls = resource_class_from_type(rtype)
    if cls is not None and not hasattr(cls.update_from_cloudformation_json, "__isabstractmethod__"):
        new = parse_and_update_resource(lid, copy.deepcopy(js), rm, stack.account_id, stack.region_name)
        if new is not None:
            rm._parsed_resources[lid] = new
            props = parsing.clean_json(copy.deepcopy(js.get("Properties", {})), rm)
            cfn_resources.post_create(new, rtype, props or {}, stack.account_id, stack.region_name)
            return new
    if rtype in ("AWS::NetworkFirewall::RuleGroup", "AWS::NetworkFirewall::FirewallPolicy"):
        current = rm._parsed_resources.get(lid)
        if current is not None:  # UpdateRuleGroup / UpdateFirewallPolicy: same ARN, refs intact
            props = parsing.clean_json(copy.deepcopy(js.get("Properties", {})), rm)
            nfw_store.update_nfw_object(current, rtype, props or {})
            return current
    if rtype in RECREATE_ON_MODIFY:
        old = rm._parsed_resources.pop(lid, None)
        if old is not None:
            cfn_resources.delete_resource(old, rtype, stack.account_id, stack.region_name)
        return _create_one(stack, rm, template, lid)
    # Property change moto cannot apply: keep the existing physical resource.
    return rm._parsed_resources.get(lid)


# ---------------------------------------------------------------------------
# The scheduler: runs a dependency graph with per-node durations, in parallel
# ---------------------------------------------------------------------------
def _run_graph(
    st: StackState,
    nodes: list[str],
    deps: dict[str, set[str]],
    start: Callable[[str], bool],
    finish: Callable[[str], bool],
    dur: Callable[[str], float],
    stop_on_fail: bool,
    block_on_fail: bool = False,
) -> tuple[set, list, list]:
    """Returns (done, failed, in_flight). start/finish run under SETTINGS.lock.

    block_on_fail (deletes): a node starts only once every node it waits for is done, so what a
    failed node waits on is never started (CloudFormation does not delete what a resource that
    failed to delete depends on)."""
    done: set[str] = set()
    failed: list[str] = []
    started: set[str] = set()
    running: list[tuple[float, int, str]] = []
    seq = 0
    while True:
        if _abandoned(st):  # /moto-api/reset: drop the operation
            return done, failed, []
        halted = stop_on_fail and (failed or st.cancel.is_set())
        if not halted:
            progressed = True
            while progressed and not (stop_on_fail and failed):
                progressed = False
                for n in nodes:
                    if n in started:
                        continue
                    finished = done | set(failed)
                    if not deps.get(n, set()) <= (done if stop_on_fail or block_on_fail else finished):
                        continue
                    started.add(n)
                    progressed = True
                    with SETTINGS.lock:
                        if _abandoned(st):
                            return done, failed, []
                        ok = start(n)
                        d = dur(n)
                    if ok:
                        heapq.heappush(running, (time.monotonic() + d, seq, n))
                        seq += 1
                    else:
                        failed.append(n)
                        if stop_on_fail:
                            break
        if stop_on_fail and (failed or st.cancel.is_set()):
            return done, failed, [r[2] for r in sorted(running)]
        if not running:
            # Nodes whose dependencies failed never start (non-stop mode).
            return done, failed, []
        t, _, n = running[0]
        wait = t - time.monotonic()
        if wait > 0:
            st.cancel.wait(min(wait, 0.25)) if stop_on_fail else time.sleep(min(wait, 0.25))
            continue
        heapq.heappop(running)
        with SETTINGS.lock:
            if _abandoned(st):
                return done, failed, []
            ok = finish(n)
        if ok:
            done.add(n)
        else:
            failed.append(n)


# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------
def _fail_reason(lid: str) -> str | None:
    with SETTINGS.lock:
        r = SETTINGS.fail_resources.get(lid)
    return None if r is None else (str(r) or 'Resource handler returned message: "Injected failure"')


def _creator(stack: Stack, rm: ResourceMap, template: dict, will_fail: dict, created_events: str = "CREATE"):
    def start(lid: str) -> bool:
        st = _state(stack)
        rtype = template["Resources"][lid]["Type"]
        st.records.setdefault(lid, Rec(lid, rtype))
        st.records[lid].physical_id = None
        _res_event(stack, lid, "CREATE_IN_PROGRESS")
        reason = _fail_reason(lid)
        if reason is not None:
            will_fail[lid] = reason
            return True
        try:
            res = _create_one(stack, rm, template, lid)
        except Exception as e:  # noqa: BLE001
            rm._parsed_resources.pop(lid, None)
            _res_event(stack, lid, "CREATE_FAILED", _error_text(e))
            return False
        st.records[lid].physical_id = _pid(res)
        _res_event(stack, lid, "CREATE_IN_PROGRESS", "Resource creation Initiated")
        return True

    def finish(lid: str) -> bool:
        if lid in will_fail:
            _res_event(stack, lid, "CREATE_FAILED", will_fail[lid])
            return False
        _res_event(stack, lid, "CREATE_COMPLETE")
        return True

    return start, finish


def _delete_failed_reason(e: BaseException, rtype: str) -> str:
    """DELETE_FAILED reason as CloudFormation words it for the errors the emulator raises.

    Registry (Cloud Control) handlers wrap the service error: S3 bucket
    'Resource handler returned message: "The bucket you tried to delete is not empty
    (Service: S3, Status Code: 409, Request ID: …, Extended Request ID: …)" (RequestToken: …,
    HandlerErrorCode: GeneralServiceException)', subnet / VPC '… "The subnet 'subnet-…' has
    dependencies and cannot be deleted. (Service: Ec2, Status Code: 400, Request ID: …)"
    (RequestToken: …, HandlerErrorCode: InvalidRequest)'; the security group's answer is not
    wrapped: 'resource sg-… has a dependent object (Service: Ec2, Status Code: 400, Request
    ID: …)' (events quoted in aws/aws-cdk#21776, aws/copilot-cli#5481 and others)."""
    code = getattr(e, "error_type", None) or getattr(e, "code", None)
    msg = getattr(e, "message", None) or str(e)
    token = str(uuid.uuid4())
    if code == "BucketNotEmpty":
        rid = uuid.uuid4().hex[:16].upper()
        ext = base64.b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes + uuid.uuid4().bytes).decode()
        return (
            'Resource handler returned message: "The bucket you tried to delete is not empty '
            f'(Service: S3, Status Code: 409, Request ID: {rid}, Extended Request ID: {ext})" '
            f"(RequestToken: {token}, HandlerErrorCode: GeneralServiceException)"
        )
    if code == "DependencyViolation":
        inner = f"{msg} (Service: Ec2, Status Code: 400, Request ID: {uuid.uuid4()})"
        if rtype == "AWS::EC2::SecurityGroup":
            return inner
        return f'Resource handler returned message: "{inner}" (RequestToken: {token}, HandlerErrorCode: InvalidRequest)'
    return _error_text(e)


def _delete_nodes(
    stack: Stack,
    rm: ResourceMap,
    template: dict,
    lids: list[str],
    objects: dict[str, Any] | None = None,
    drop_records: bool = False,
    retain_extra: set[str] | None = None,
) -> list[str]:
    """Deletes the given logical resources in reverse dependency order. Returns failed ids.

    A resource that fails to delete goes to DELETE_FAILED with AWS's reason; resources it
    depends on are not attempted (they keep their status); the others are deleted.
    retain_extra: DeleteStack RetainResources (DELETE_SKIPPED like DeletionPolicy Retain)."""
    st = _state(stack)
    objects = objects if objects is not None else {lid: rm._parsed_resources.get(lid) for lid in lids}
    all_deps = _deps(template, [x for x in template.get("Resources", {}) if x in set(lids)]) if template else {}
    rev: dict[str, set[str]] = {lid: set() for lid in lids}
    for a, ds in all_deps.items():
        for b in ds:
            if b in rev and a in rev:
                rev[b].add(a)  # b can go once a (which depends on b) is gone
    # Preserve creation order reversed, for a natural event order.
    order = sorted(
        lids,
        key=lambda x: list(template.get("Resources", {})).index(x) if x in template.get("Resources", {}) else 0,
        reverse=True,
    )
    retain = {
        lid
        for lid in lids
        if (template.get("Resources", {}).get(lid) or {}).get("DeletionPolicy") in ("Retain", "RetainExceptOnCreate")
    }
    retain |= set(retain_extra or ())

    def rtype_of(lid: str) -> str:
        rec = st.records.get(lid)
        return rec.rtype if rec else template["Resources"][lid]["Type"]

    def start(lid: str) -> bool:
        if lid not in st.records:
            st.records[lid] = Rec(lid, rtype_of(lid))
        obj = objects.get(lid)
        if obj is not None:
            st.records[lid].physical_id = _pid(obj)
        if lid in retain:
            _res_event(stack, lid, "DELETE_SKIPPED")
            return True
        _res_event(stack, lid, "DELETE_IN_PROGRESS")
        if obj is None:
            return True
        try:
            cfn_resources.delete_resource(obj, rtype_of(lid), stack.account_id, stack.region_name)
        except Exception as e:  # noqa: BLE001
            _res_event(stack, lid, "DELETE_FAILED", _delete_failed_reason(e, rtype_of(lid)))
            return False
        return True

    def finish(lid: str) -> bool:
        if lid not in retain:
            _res_event(stack, lid, "DELETE_COMPLETE")
        if rm._parsed_resources.get(lid) is objects.get(lid):
            rm._parsed_resources.pop(lid, None)
        if drop_records:
            st.records.pop(lid, None)
        return True

    def dur(lid: str) -> float:
        return SETTINGS.duration(rtype_of(lid)) if objects.get(lid) is not None and lid not in retain else 0.0

    _, failed, _ = _run_graph(st, order, rev, start, finish, dur, stop_on_fail=False, block_on_fail=True)
    return failed


def _started_lids(stack: Stack, template: dict) -> list[str]:
    st = _state(stack)
    return [
        lid
        for lid in template.get("Resources", {})
        if lid in st.records and st.records[lid].status not in (None, "DELETE_COMPLETE")
    ]


def _finish_delete(stack: Stack) -> None:
    if _abandoned(stack):
        return
    backend = _backend(stack)
    for name, exp in list(backend.exports.items()):
        if exp.exporting_stack_id == stack.stack_id:
            backend.exports.pop(name, None)
    backend.stacks.pop(stack.stack_id, None)
    backend.deleted_stacks[stack.stack_id] = stack
    for cid, cs in list(backend.change_sets.items()):
        if cs.stack_id == stack.stack_id:
            backend.change_sets.pop(cid, None)


def _op_delete(stack: Stack, reason: str = "User Initiated", retain: set[str] | None = None) -> None:
    st = _state(stack)
    _stack_event(stack, "DELETE_IN_PROGRESS", reason)
    tpl = stack.template_dict or {}
    failed = (
        _delete_nodes(stack, stack.resource_map, tpl, _started_lids(stack, tpl), retain_extra=retain) if tpl else []
    )
    if _abandoned(st):
        return
    with SETTINGS.lock:
        if failed:
            _stack_event(
                stack, "DELETE_FAILED", f"The following resource(s) failed to delete: [{', '.join(sorted(failed))}]. "
            )
        else:
            _stack_event(stack, "DELETE_COMPLETE")
            _finish_delete(stack)
    st.cancel.clear()


def _register_exports(stack: Stack) -> None:
    if _abandoned(stack):
        return
    backend = _backend(stack)
    for name, exp in list(backend.exports.items()):
        if exp.exporting_stack_id == stack.stack_id:
            backend.exports.pop(name, None)
    try:
        for exp in stack.output_map.exports:
            backend.exports[exp.name] = exp
    except Exception as e:  # noqa: BLE001
        log.warning("exports of %s: %s", stack.name, e)


def _op_create(stack: Stack) -> None:
    st = _state(stack)
    rm, tpl = stack.resource_map, stack.template_dict
    active = _active(rm, tpl)
    deps = _deps(tpl, active)
    will_fail: dict[str, str] = {}
    start, finish = _creator(stack, rm, tpl, will_fail)
    dur = lambda lid: SETTINGS.duration(tpl["Resources"][lid]["Type"])  # noqa: E731
    _, failed, inflight = _run_graph(st, active, deps, start, finish, dur, stop_on_fail=True)
    if _abandoned(st):
        return
    with SETTINGS.lock:
        if not failed and not st.cancel.is_set():
            stack.output_map = OutputMap(rm, tpl, stack.stack_id)
            _register_exports(stack)
            _stack_event(stack, "CREATE_COMPLETE")
            return
        for lid in inflight:
            _res_event(stack, lid, "CREATE_FAILED", "Resource creation cancelled")
        failed_ids = [lid for lid in active if lid in st.records and st.records[lid].status == "CREATE_FAILED"]
        if st.cancel.is_set() and not failed:
            head = "Stack creation cancelled."
        else:
            head = f"The following resource(s) failed to create: [{', '.join(failed_ids)}]."
        if st.on_failure == "DO_NOTHING":
            _stack_event(stack, "CREATE_FAILED", head + " ")
            return
        if st.on_failure == "DELETE":
            _stack_event(stack, "DELETE_IN_PROGRESS", head + " Delete requested by user.")
        else:
            _stack_event(stack, "ROLLBACK_IN_PROGRESS", head + " Rollback requested by user.")
    del_failed = _delete_nodes(stack, rm, tpl, _started_lids(stack, tpl))
    with SETTINGS.lock:
        if st.on_failure == "DELETE":
            if del_failed:
                _stack_event(
                    stack,
                    "DELETE_FAILED",
                    f"The following resource(s) failed to delete: [{', '.join(sorted(del_failed))}]. ",
                )
            else:
                _stack_event(stack, "DELETE_COMPLETE")
                _finish_delete(stack)
        elif del_failed:
            _stack_event(
                stack,
                "ROLLBACK_FAILED",
                f"The following resource(s) failed to delete: [{', '.join(sorted(del_failed))}]. ",
            )
        else:
            _stack_event(stack, "ROLLBACK_COMPLETE")


def _op_update(
    stack: Stack,
    new_tpl_str: str,
    new_tpl: dict,
    new_params: dict,
    new_rm: ResourceMap,
    changes: list[dict],
    disable_rollback: bool,
    tags: dict | None = None,
) -> None:
    st = _state(stack)
    old_rm, old_tpl, old_tpl_str, old_params = stack.resource_map, stack.template_dict, stack.template, stack.parameters
    with SETTINGS.lock:
        _stack_event(stack, "UPDATE_IN_PROGRESS", "User Initiated")
        stack.last_updated_time = utcnow()  # type: ignore[attr-defined]
        by_id = {c["LogicalResourceId"]: c for c in changes if c["Action"] != "Remove"}
        removed = [c["LogicalResourceId"] for c in changes if c["Action"] == "Remove"]
        # Type changes appear as Remove + Add of the same id: handle the removal in cleanup.
        new_active = _active(new_rm, new_tpl)
        for lid in new_active:
            if lid in old_rm._parsed_resources and by_id.get(lid, {}).get("Action") != "Add":
                new_rm._parsed_resources[lid] = old_rm._parsed_resources[lid]
        stack.resource_map = new_rm
    nodes = [lid for lid in new_active if lid in by_id and not _attributes_only(by_id[lid])]
    deps = _deps(new_tpl, new_active)
    deps = {lid: {d for d in deps[lid] if d in by_id} for lid in nodes}
    will_fail: dict[str, str] = {}
    replaced_old: dict[str, Any] = {}
    c_start, c_finish = _creator(stack, new_rm, new_tpl, will_fail)

    def start(lid: str) -> bool:
        ch = by_id[lid]
        if ch["Action"] == "Add":
            return c_start(lid)
        rtype = new_tpl["Resources"][lid]["Type"]
        st.records.setdefault(lid, Rec(lid, rtype))
        _res_event(stack, lid, "UPDATE_IN_PROGRESS")
        reason = _fail_reason(lid)
        if reason is not None:
            will_fail[lid] = reason
            return True
        try:
            if ch["Replacement"] == "True":
                _res_event(
                    stack,
                    lid,
                    "UPDATE_IN_PROGRESS",
                    "Requested update requires the creation of a new physical resource; hence creating one.",
                )
                replaced_old[lid] = new_rm._parsed_resources.pop(lid, None)
                res = _create_one(stack, new_rm, new_tpl, lid)
            else:
                res = _update_in_place(stack, new_rm, new_tpl, lid)
        except Exception as e:  # noqa: BLE001
            if lid in replaced_old:
                new_rm._parsed_resources[lid] = replaced_old.pop(lid)
            _res_event(stack, lid, "UPDATE_FAILED", _error_text(e))
            return False
        st.records[lid].physical_id = _pid(res)
        return True

    def finish(lid: str) -> bool:
        if by_id[lid]["Action"] == "Add":
            return c_finish(lid)
        if lid in will_fail:
            _res_event(stack, lid, "UPDATE_FAILED", will_fail[lid])
            return False
        _res_event(stack, lid, "UPDATE_COMPLETE")
        return True

    dur = lambda lid: SETTINGS.duration(new_tpl["Resources"][lid]["Type"])  # noqa: E731
    done, failed, inflight = _run_graph(st, nodes, deps, start, finish, dur, stop_on_fail=True)
    if _abandoned(st):
        return

    if not failed and not st.cancel.is_set():
        with SETTINGS.lock:
            _stack_event(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        objs = {lid: old_rm._parsed_resources.get(lid) for lid in removed}
        objs.update(replaced_old)
        _delete_nodes(stack, old_rm, old_tpl, list(objs), objects=objs, drop_records=False)
        with SETTINGS.lock:
            for lid in removed:
                if lid not in set(new_active):
                    st.records.pop(lid, None)
                elif by_id.get(lid, {}).get("Action") == "Add":
                    pass
            for lid in new_active:  # replaced / type-changed resources show the new physical id
                if lid in st.records:
                    st.records[lid].physical_id = _pid(new_rm._parsed_resources.get(lid))
                    if lid in by_id:
                        st.records[lid].status = (
                            "UPDATE_COMPLETE" if by_id[lid]["Action"] == "Modify" else "CREATE_COMPLETE"
                        )
            stack.template = new_tpl_str
            stack.template_dict = new_tpl
            stack.description = new_tpl.get("Description")
            stack.parameters = new_params
            if tags is not None:
                stack.tags = tags
            stack.output_map = OutputMap(new_rm, new_tpl, stack.stack_id)
            _register_exports(stack)
            _stack_event(stack, "UPDATE_COMPLETE")
        return

    with SETTINGS.lock:
        for lid in inflight:
            kind = "CREATE_FAILED" if by_id[lid]["Action"] == "Add" else "UPDATE_FAILED"
            _res_event(stack, lid, kind, "Resource update cancelled")
        failed_add = [
            lid
            for lid in nodes
            if by_id[lid]["Action"] == "Add" and st.records.get(lid) and st.records[lid].status == "CREATE_FAILED"
        ]
        failed_mod = [
            lid
            for lid in nodes
            if by_id[lid]["Action"] == "Modify" and st.records.get(lid) and st.records[lid].status == "UPDATE_FAILED"
        ]
        parts = []
        if failed_add:
            parts.append(f"The following resource(s) failed to create: [{', '.join(failed_add)}].")
        if failed_mod:
            parts.append(f"The following resource(s) failed to update: [{', '.join(failed_mod)}].")
        head = " ".join(parts) or "Stack update cancelled."
        if st.cancel.is_set() and not failed:
            head = "User Initiated"  # CancelUpdateStack
        if disable_rollback:
            _stack_event(stack, "UPDATE_FAILED", head + " ")
            return
        _stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS", head)
        stack.resource_map = old_rm
    # Roll modified resources back to the old template.
    touched = [
        lid
        for lid in nodes
        if by_id[lid]["Action"] == "Modify"
        and st.records.get(lid)
        and st.records[lid].status in ("UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_IN_PROGRESS")
    ]
    old_deps = _deps(old_tpl, _active(old_rm, old_tpl))
    rb_deps = {lid: {d for d in old_deps.get(lid, set()) if d in touched} for lid in touched}

    def rb_start(lid: str) -> bool:
        _res_event(stack, lid, "UPDATE_IN_PROGRESS")
        with SETTINGS.lock:
            rb_reason = SETTINGS.fail_rollbacks.get(lid)
        if rb_reason is not None:
            _res_event(stack, lid, "UPDATE_FAILED", rb_reason)
            return False
        try:
            if lid in replaced_old:
                old_rm._parsed_resources[lid] = replaced_old[lid]
            elif lid not in will_fail:
                _update_in_place(stack, old_rm, old_tpl, lid)
        except Exception as e:  # noqa: BLE001
            _res_event(stack, lid, "UPDATE_FAILED", _error_text(e))
            return False
        st.records[lid].physical_id = _pid(old_rm._parsed_resources.get(lid))
        return True

    def rb_finish(lid: str) -> bool:
        _res_event(stack, lid, "UPDATE_COMPLETE")
        return True

    _, rb_failed, _ = _run_graph(
        st,
        touched,
        rb_deps,
        rb_start,
        rb_finish,
        lambda lid: SETTINGS.duration(old_tpl["Resources"][lid]["Type"]),
        stop_on_fail=False,
    )
    with SETTINGS.lock:
        if rb_failed:
            _stack_event(
                stack,
                "UPDATE_ROLLBACK_FAILED",
                f"The following resource(s) failed to update: [{', '.join(rb_failed)}]. ",
            )
            return
        _stack_event(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    # Delete what the update created: added resources and new replacements.
    objs = {}
    for lid in nodes:
        if by_id[lid]["Action"] == "Add" and new_rm._parsed_resources.get(lid) is not None:
            objs[lid] = new_rm._parsed_resources.get(lid)
        elif by_id[lid]["Action"] == "Add" and st.records.get(lid):
            objs[lid] = None
        elif lid in replaced_old and new_rm._parsed_resources.get(lid) is not replaced_old[lid]:
            objs[lid] = new_rm._parsed_resources.get(lid)
    _delete_nodes(stack, new_rm, new_tpl, list(objs), objects=objs)
    with SETTINGS.lock:
        old_active = set(_active(old_rm, old_tpl))
        for lid in list(st.records):
            if lid not in old_active:
                st.records.pop(lid, None)
            else:
                st.records[lid].physical_id = _pid(old_rm._parsed_resources.get(lid))
                if st.records[lid].status in ("DELETE_COMPLETE",):
                    st.records[lid].status = "UPDATE_COMPLETE"
        stack.template, stack.template_dict, stack.parameters = old_tpl_str, old_tpl, old_params
        _stack_event(stack, "UPDATE_ROLLBACK_COMPLETE")


def _launch(stack: Stack, fn: Callable[[], None]) -> None:
    """Run an operation: inline at pace 0, in a background thread otherwise."""
    st = _state(stack)
    st.cancel.clear()

    def runner() -> None:
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            log.exception("stack operation on %s crashed", stack.name)
            with SETTINGS.lock:
                status = stack.status or ""
                if status.endswith("_IN_PROGRESS"):
                    failed_status = status.replace("_IN_PROGRESS", "_FAILED")
                    if failed_status == "UPDATE_COMPLETE_CLEANUP_FAILED":
                        failed_status = "UPDATE_FAILED"
                    _stack_event(stack, failed_status, f"Internal emulator error: {e}")
        finally:
            with SETTINGS.lock:
                pending = st.pending_delete
                st.pending_delete = None
                st.thread = None
            if pending is not None and stack.status != "DELETE_COMPLETE" and not _abandoned(st):
                st.token = pending[0]
                st.cancel.clear()
                _op_delete(stack)

    if SETTINGS.pace <= 0:
        runner()
    else:
        t = threading.Thread(target=runner, name=f"cfn-{stack.name}", daemon=True)
        st.thread = t
        t.start()


# ---------------------------------------------------------------------------
# Change sets
# ---------------------------------------------------------------------------
class StudioChangeSet:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    @property
    def changes(self) -> list[dict]:
        return self.resource_changes

    @property
    def include_nested_stacks(self) -> bool:
        return False


def _find_change_set(backend: CloudFormationBackend, name: str, stack_name: str | None) -> StudioChangeSet:
    if name in backend.change_sets:
        return backend.change_sets[name]
    for cs in backend.change_sets.values():
        if cs.change_set_name == name and (not stack_name or stack_name in (cs.stack_name, cs.stack_id)):
            return cs
    raise ValidationError(message=f"ChangeSet [{name}] does not exist")


def _cs_create(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        stack_name = self._get_param("StackName")
        cs_name = self._get_param("ChangeSetName")
        validate_create_change_set(cs_name)
        cs_type = self._get_param("ChangeSetType", "UPDATE") or "UPDATE"
        existing = _find_stack(backend, stack_name)
        if cs_type == "UPDATE":
            if existing is None or existing.status == "REVIEW_IN_PROGRESS":
                raise ValidationError(message=f"Stack [{stack_name}] does not exist")
            _assert_idle(existing)
        elif existing is not None and existing.status != "REVIEW_IN_PROGRESS":
            raise ValidationError(
                message=f"Stack [{stack_name}] already exists and cannot be created again with the changeSet [{cs_name}]."
            )
        for cs in backend.change_sets.values():
            if cs.change_set_name == cs_name and cs.stack_name == stack_name:
                raise ValidationError(message=f"ChangeSet {cs_name} already exists")  # AlreadyExistsException in AWS
        body = _template_from(self, existing if cs_type == "UPDATE" else None)
        tpl = _parse(body)
        params = _params_from(self, existing if cs_type == "UPDATE" else None)
        cfn_params.validate_parameters(tpl, params, self.current_account, self.region, stack_name)
        tags = _tags_from(self)
        if existing is None:
            stack = Stack(
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
            _state(stack).token = None
            # Validate before registering the stack (like AWS: a bad template creates nothing).
            new_rm = _new_resource_map(stack, tpl, params)
            backend.stacks[stack.stack_id] = stack
            _stack_event(stack, "REVIEW_IN_PROGRESS", "User Initiated")
        else:
            stack = existing
            new_rm = _new_resource_map(stack, tpl, params)
        if cs_type == "CREATE" or not stack.template_dict:
            changes = _compute_changes(None, {}, new_rm, tpl, {}, params)
        else:
            changes = _compute_changes(stack.resource_map, stack.template_dict, new_rm, tpl, stack.parameters, params)
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
        backend.change_sets[cs_id] = cs
        return ActionResult({"Id": cs_id, "StackId": stack.stack_id})


def _cs_describe(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        cs = _find_change_set(
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


def _cs_list(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        out = [cs for cs in backend.change_sets.values() if not name or name in (cs.stack_name, cs.stack_id)]
        return ActionResult({"Summaries": out})


def _cs_delete(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        cs = _find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        if cs.execution_status == "EXECUTE_IN_PROGRESS":
            raise ValidationError(message="Cannot delete ChangeSet in status EXECUTE_IN_PROGRESS")
        backend.change_sets.pop(cs.change_set_id, None)
        return EmptyResult()


def _cs_execute(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        cs = _find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        if cs.execution_status != "AVAILABLE":
            raise ValidationError(
                message=f"ChangeSet [{cs.change_set_id}] cannot be executed in its current execution status of [{cs.execution_status}]"
            )
        stack = backend.stacks.get(cs.stack_id)
        if stack is None:
            raise ValidationError(message=f"Stack [{cs.stack_name}] does not exist")
        st = _state(stack)
        st.token = self._get_param("ClientRequestToken")
        disable_rollback = self._get_bool_param("DisableRollback", False)
        cs.execution_status = "EXECUTE_IN_PROGRESS"
        for other_id, other in list(backend.change_sets.items()):
            if other.stack_id == stack.stack_id and other_id != cs.change_set_id:
                backend.change_sets.pop(other_id, None)
        if cs.change_set_type == "CREATE":
            _prepare_new_stack(stack, cs.template, cs.template_dict, cs.raw_parameters)
            st.on_failure = "DO_NOTHING" if disable_rollback else "ROLLBACK"
            stack.disable_rollback = disable_rollback
            _stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")

            def op() -> None:
                _op_create(stack)
                _mark_cs(backend, cs, stack, "CREATE_COMPLETE")
        else:
            _assert_idle(stack)
            new_rm = _new_resource_map(stack, cs.template_dict, cs.raw_parameters)
            changes = _compute_changes(
                stack.resource_map, stack.template_dict, new_rm, cs.template_dict, stack.parameters, cs.raw_parameters
            )

            def op() -> None:
                _op_update(
                    stack,
                    cs.template,
                    cs.template_dict,
                    cs.raw_parameters,
                    new_rm,
                    changes,
                    disable_rollback,
                    tags=cs.tags or None,
                )
                _mark_cs(backend, cs, stack, "UPDATE_COMPLETE")

        _launch(stack, op)
        return EmptyResult()


def _mark_cs(backend: CloudFormationBackend, cs: StudioChangeSet, stack: Stack, ok_status: str) -> None:
    with SETTINGS.lock:
        cs.execution_status = "EXECUTE_COMPLETE" if stack.status == ok_status else "EXECUTE_FAILED"
        backend.change_sets.pop(cs.change_set_id, None)


# ---------------------------------------------------------------------------
# Stack operations
# ---------------------------------------------------------------------------
def _create_stack(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        existing = _find_stack(backend, name)
        if existing is not None:
            from moto.cloudformation.exceptions import AlreadyExistsException

            raise AlreadyExistsException(f"Stack [{name}] already exists")
        body = _template_from(self, None)
        tpl = _parse(body)
        params = _params_from(self, None)
        cfn_params.validate_parameters(tpl, params, self.current_account, self.region, name)
        stack = Stack(
            stack_id=generate_stack_id(name, self.region, self.current_account),
            name=name,
            template={},
            parameters=params,
            account_id=self.current_account,
            region_name=self.region,
            notification_arns=self._get_param("NotificationARNs", []),
            tags=_tags_from(self),
            role_arn=self._get_param("RoleARN"),
            enable_termination_protection=self._get_bool_param("EnableTerminationProtection", False),
            timeout_in_mins=self._get_param("TimeoutInMinutes"),
            stack_policy_body=self._get_param("StackPolicyBody"),
        )
        _prepare_new_stack(stack, body, tpl, params)
        st = _state(stack)
        st.token = self._get_param("ClientRequestToken")
        on_failure = self._get_param("OnFailure")
        if self._get_bool_param("DisableRollback", False):
            on_failure = "DO_NOTHING"
        st.on_failure = on_failure or "ROLLBACK"
        stack.disable_rollback = st.on_failure == "DO_NOTHING"
        backend.stacks[stack.stack_id] = stack
        _stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")
        _launch(stack, lambda: _op_create(stack))
        return ActionResult({"StackId": stack.stack_id})


def _update_stack(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        stack = _find_stack(backend, name)
        if stack is None or stack.status == "REVIEW_IN_PROGRESS":
            raise ValidationError(message=f"Stack [{name}] does not exist")
        _assert_idle(stack)
        for p in self._get_param("Parameters", []) or []:
            if p.get("UsePreviousValue") in (True, "true") and p.get("ParameterValue"):
                raise ValidationError(
                    message=f"Invalid input for parameter key {p['ParameterKey']}. Cannot specify usePreviousValue as true and non empty value for a parameter"
                )
        body = _template_from(self, stack)
        tpl = _parse(body)
        params = _params_from(self, stack)
        cfn_params.validate_parameters(tpl, params, self.current_account, self.region, stack.name)
        tags = _tags_from(self) or None
        new_rm = _new_resource_map(stack, tpl, params)
        changes = _compute_changes(stack.resource_map, stack.template_dict, new_rm, tpl, stack.parameters, params)
        if (
            not changes
            and tpl.get("Outputs") == stack.template_dict.get("Outputs")
            and (tags is None or tags == stack.tags)
        ):
            raise ValidationError(message="No updates are to be performed.")
        st = _state(stack)
        st.token = self._get_param("ClientRequestToken")
        disable_rollback = self._get_bool_param("DisableRollback", False)
        _launch(stack, lambda: _op_update(stack, body, tpl, params, new_rm, changes, disable_rollback, tags))
        return ActionResult({"StackId": stack.stack_id})


def _delete_stack(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        stack = _find_stack(backend, name)
        if stack is None:
            return EmptyResult()  # like AWS: deleting a missing stack succeeds
        if stack.enable_termination_protection:
            raise ValidationError(
                message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
            )
        st = _state(stack)
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
            _stack_event(stack, "DELETE_COMPLETE")
            _finish_delete(stack)
            return EmptyResult()
        _launch(stack, lambda: _op_delete(stack, retain=retain))
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
        st = _state(stack)
        return {lid for lid, rec in st.records.items() if rec.status == "DELETE_FAILED"} | set(names)
    if not names:
        return set()
    if stack.status != "DELETE_FAILED":
        raise ValidationError(
            message=f"Invalid operation on stack [{stack.stack_id}]. "
            "RetainResources can only be specified when the stack is in the "
            "DELETE_FAILED state."
        )
    st = _state(stack)
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
        stack = _find_stack(self.cloudformation_backend, self._get_param("StackName"))
        if stack is None:
            raise ValidationError(message=f"Stack [{self._get_param('StackName')}] does not exist")
        st = _state(stack)
        if stack.status != "UPDATE_IN_PROGRESS" or st.thread is None:
            raise ValidationError(
                message=f"CancelUpdateStack cannot be called from current stack status {stack.status}"
            )
        st.cancel.set()
        return EmptyResult()


def _continue_update_rollback(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        stack = _find_stack(self.cloudformation_backend, self._get_param("StackName"))
        if stack is None:
            raise ValidationError(message=f"Stack [{self._get_param('StackName')}] does not exist")
        if stack.status != "UPDATE_ROLLBACK_FAILED":
            raise ValidationError(
                message=f"Stack {stack.stack_id} is in {stack.status} state and can not continue update rollback"
            )
        st = _state(stack)
        st.token = self._get_param("ClientRequestToken")
        skip = set(self._get_param("ResourcesToSkip", []) or [])

        def op() -> None:
            with SETTINGS.lock:
                _stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS", "User Initiated")
                for lid, rec in st.records.items():
                    if rec.status == "UPDATE_FAILED":
                        _res_event(
                            stack, lid, "UPDATE_COMPLETE", "Resource skipped during rollback" if lid in skip else None
                        )
                _stack_event(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
                _stack_event(stack, "UPDATE_ROLLBACK_COMPLETE")

        _launch(stack, op)
        return EmptyResult()


# ---------------------------------------------------------------------------
# Read APIs
# ---------------------------------------------------------------------------
def _describe_stack_events(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        events = list(reversed(stack.events))
        token = self._get_param("NextToken")
        try:
            start = int(token) if token else 0
        except ValueError:
            raise ValidationError(message="Invalid NextToken") from None
        page = events[start : start + EVENTS_PAGE]
        nxt = str(start + EVENTS_PAGE) if len(events) > start + EVENTS_PAGE else None
        return ActionResult({"StackEvents": page, "NextToken": nxt})


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
            for r in _records(stack)
        ]
        return ActionResult({"StackResourceSummaries": out})


def _resource_dict(stack: Stack, r: Rec, detail: bool = False) -> dict:
    d = {
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


def _describe_stack_resources(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackName")
        pid = self._get_param("PhysicalResourceId")
        lid = self._get_param("LogicalResourceId")
        if name:
            stack = backend.get_stack(name)
        elif pid:
            stack = None
            for s in list(backend.stacks.values()):
                if any(r.physical_id == pid for r in _records(s)):
                    stack = s
                    break
            if stack is None:
                raise ValidationError(message=f"Stack for {pid} does not exist")
        else:
            raise ValidationError(message="Either StackName or PhysicalResourceId must be specified")
        out = [
            _resource_dict(stack, r)
            for r in _records(stack)
            if (not lid or r.logical_id == lid) and (not pid or r.physical_id == pid)
        ]
        return ActionResult({"StackResources": out})


def _describe_stack_resource(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        lid = self._get_param("LogicalResourceId")
        for r in _records(stack):
            if r.logical_id == lid:
                return ActionResult({"StackResourceDetail": _resource_dict(stack, r, detail=True)})
        raise ValidationError(message=f"Resource {lid} does not exist for stack {stack.name}")


def _validate_template(self: CloudFormationResponse) -> ActionResult:
    body = _template_for_read(self)
    tpl = _parse(body)
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
            stack = _find_stack(self.cloudformation_backend, name)
            if stack is None:
                raise ValidationError(message=f"Stack with id {name} does not exist")
            if stack.status == "REVIEW_IN_PROGRESS":
                raise ValidationError(message="GetTemplateSummary cannot be called on REVIEW_IN_PROGRESS stacks.")
            body = stack.template
        else:
            body = _template_for_read(self)
        tpl = body if isinstance(body, dict) else _parse(body)
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
        return _ORIG_OUTPUTS.fget(self)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001
        return None


_ORIG_OUTPUTS = Stack.outputs


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
    nfw_api.install_network_firewall_api()

    # 2. outputs only when a stack is stable (moto would otherwise resolve them lazily,
    #    creating resources as a side effect)
    Stack.outputs = property(_stack_outputs)  # type: ignore[assignment, method-assign]
    Stack.parameter_list = property(_stack_parameter_list)  # type: ignore[assignment, method-assign]

    # 3. API handlers
    R = CloudFormationResponse
    R.create_stack = _create_stack  # type: ignore[method-assign]
    R.update_stack = _update_stack  # type: ignore[method-assign]
    R.delete_stack = _delete_stack  # type: ignore[method-assign]
    R.create_change_set = _cs_create  # type: ignore[method-assign]
    R.describe_change_set = _cs_describe  # type: ignore[method-assign]
    R.execute_change_set = _cs_execute  # type: ignore[method-assign]
    R.delete_change_set = _cs_delete  # type: ignore[method-assign]
    R.list_change_sets = _cs_list  # type: ignore[method-assign]
    R.cancel_update_stack = _cancel_update_stack  # type: ignore[attr-defined]
    R.continue_update_rollback = _continue_update_rollback  # type: ignore[attr-defined]
    R.describe_stack_events = _describe_stack_events  # type: ignore[method-assign]
    R.list_stack_resources = _list_stack_resources  # type: ignore[method-assign]
    R.describe_stack_resources = _describe_stack_resources  # type: ignore[method-assign]
    R.describe_stack_resource = _describe_stack_resource  # type: ignore[method-assign]
    R.validate_template = _validate_template  # type: ignore[method-assign]
    R.get_template_summary = _get_template_summary  # type: ignore[method-assign]
    R._get_stack_from_s3_url = _get_stack_from_s3_url  # type: ignore[method-assign]
    for name in ("describe_stacks", "list_stacks", "get_template", "list_exports"):
        setattr(R, name, _locked(getattr(R, name)))

    # 4. /moto-api/reset also drops running stack operations
    from moto.moto_api._internal.models import MotoAPIBackend

    orig_reset = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        with SETTINGS.lock:
            on_reset()
            orig_reset(self)

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]

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
