"""The stack engine of the CloudFormation extension: creates, updates and deletes a stack's
resources one by one in dependency order through moto's own ResourceMap and models, with
per-resource events, independent resources in parallel with SETTINGS.pace (a background thread
per operation, inline at pace 0), failures injected from SETTINGS.fail_resources, rollbacks and
DELETE_FAILED like CloudFormation.
"""

from __future__ import annotations

import base64
import copy
import heapq
import logging
import threading
import time
import uuid
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.models import Stack
from moto.cloudformation.parsing import OutputMap, ResourceMap, parse_and_update_resource, resource_class_from_type
from moto.core.common_models import CloudFormationModel
from moto.core.utils import utcnow
from moto.ec2.models import ec2_backends
from moto.ec2.models.core import TaggedEC2Resource

from . import cfn_resources, nfw_store
from .cfn_changes import attributes_only
from .cfn_state import (
    Rec,
    StackState,
    abandoned,
    error_text,
    physical_id,
    resource_event,
    stack_backend,
    stack_event,
    stack_state,
)
from .cfn_template import active_resources, dependencies
from .config import SETTINGS
from .patching import patch

log = logging.getLogger("studio_emulator.cfn")


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

    def __init__(self, lid: str, rtype: str | None) -> None:
        self._pid = f"{lid}-{uuid.uuid4().hex[:12]}"
        self.cf_resource_type = rtype
        self.logical_resource_id = lid

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
    def create_from_cloudformation_json(cls, *a: Any, **k: Any) -> Any:
        raise NotImplementedError


def create_resource(stack: Stack, rm: ResourceMap, template: dict, lid: str) -> Any:
    js = template["Resources"][lid]
    res = rm[lid]
    if res is None:
        res = _Placeholder(lid, js.get("Type"))  # type: ignore[abstract]  # moto marks methods abstract without ABCMeta
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


def update_in_place(stack: Stack, rm: ResourceMap, template: dict, lid: str) -> Any:
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
        return create_resource(stack, rm, template, lid)
    # Property change moto cannot apply: keep the existing physical resource.
    return rm._parsed_resources.get(lid)


UpdateStep = Callable[[Stack, ResourceMap, dict, str], Any]
# How an update (and its rollback) modifies a resource in place: update_in_place, which cfn_drift
# wraps at install (wrap_update_step) so that a REVERT_DRIFT change set restores drifted resources.
_update_step: UpdateStep = update_in_place


def wrap_update_step(wrapper: Callable[[UpdateStep], UpdateStep]) -> None:
    global _update_step
    _update_step = wrapper(_update_step)


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
        if abandoned(st):  # /moto-api/reset: drop the operation
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
                        if abandoned(st):
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
            if abandoned(st):
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
        st = stack_state(stack)
        rtype = template["Resources"][lid]["Type"]
        st.records.setdefault(lid, Rec(lid, rtype))
        st.records[lid].physical_id = None
        resource_event(stack, lid, "CREATE_IN_PROGRESS")
        reason = _fail_reason(lid)
        if reason is not None:
            will_fail[lid] = reason
            return True
        try:
            res = create_resource(stack, rm, template, lid)
        except Exception as e:  # noqa: BLE001
            rm._parsed_resources.pop(lid, None)
            resource_event(stack, lid, "CREATE_FAILED", error_text(e))
            return False
        st.records[lid].physical_id = physical_id(res)
        resource_event(stack, lid, "CREATE_IN_PROGRESS", "Resource creation Initiated")
        return True

    def finish(lid: str) -> bool:
        if lid in will_fail:
            resource_event(stack, lid, "CREATE_FAILED", will_fail[lid])
            return False
        resource_event(stack, lid, "CREATE_COMPLETE")
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
    return error_text(e)


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
    st = stack_state(stack)
    objects = objects if objects is not None else {lid: rm._parsed_resources.get(lid) for lid in lids}
    all_deps = dependencies(template, [x for x in template.get("Resources", {}) if x in set(lids)]) if template else {}
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
            st.records[lid].physical_id = physical_id(obj)
        if lid in retain:
            resource_event(stack, lid, "DELETE_SKIPPED")
            return True
        resource_event(stack, lid, "DELETE_IN_PROGRESS")
        if obj is None:
            return True
        try:
            cfn_resources.delete_resource(obj, rtype_of(lid), stack.account_id, stack.region_name)
        except Exception as e:  # noqa: BLE001
            resource_event(stack, lid, "DELETE_FAILED", _delete_failed_reason(e, rtype_of(lid)))
            return False
        return True

    def finish(lid: str) -> bool:
        if lid not in retain:
            resource_event(stack, lid, "DELETE_COMPLETE")
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
    st = stack_state(stack)
    return [
        lid
        for lid in template.get("Resources", {})
        if lid in st.records and st.records[lid].status not in (None, "DELETE_COMPLETE")
    ]


def _drop_exports(stack: Stack) -> None:
    backend = stack_backend(stack)
    for name, exp in list(backend.exports.items()):
        if exp.exporting_stack_id == stack.stack_id:
            backend.exports.pop(name, None)


def finish_delete(stack: Stack) -> None:
    if abandoned(stack):
        return
    _drop_exports(stack)
    backend = stack_backend(stack)
    backend.stacks.pop(stack.stack_id, None)
    backend.deleted_stacks[stack.stack_id] = stack
    for cid, cs in list(backend.change_sets.items()):
        if cs.stack_id == stack.stack_id:
            backend.change_sets.pop(cid, None)


def op_delete(stack: Stack, reason: str = "User Initiated", retain: set[str] | None = None) -> None:
    st = stack_state(stack)
    stack_event(stack, "DELETE_IN_PROGRESS", reason)
    tpl = stack.template_dict or {}
    failed = (
        _delete_nodes(stack, stack.resource_map, tpl, _started_lids(stack, tpl), retain_extra=retain) if tpl else []
    )
    if abandoned(st):
        return
    with SETTINGS.lock:
        if failed:
            stack_event(
                stack, "DELETE_FAILED", f"The following resource(s) failed to delete: [{', '.join(sorted(failed))}]. "
            )
        else:
            stack_event(stack, "DELETE_COMPLETE")
            finish_delete(stack)
    st.cancel.clear()


def _register_exports(stack: Stack) -> None:
    if abandoned(stack):
        return
    _drop_exports(stack)
    backend = stack_backend(stack)
    try:
        for exp in stack.output_map.exports:
            backend.exports[exp.name] = exp
    except Exception as e:  # noqa: BLE001
        log.warning("exports of %s: %s", stack.name, e)


def op_create(stack: Stack) -> None:
    st = stack_state(stack)
    rm, tpl = stack.resource_map, stack.template_dict
    active = active_resources(rm, tpl)
    deps = dependencies(tpl, active)
    will_fail: dict[str, str] = {}
    start, finish = _creator(stack, rm, tpl, will_fail)
    dur = lambda lid: SETTINGS.duration(tpl["Resources"][lid]["Type"])  # noqa: E731
    _, failed, inflight = _run_graph(st, active, deps, start, finish, dur, stop_on_fail=True)
    if abandoned(st):
        return
    with SETTINGS.lock:
        if not failed and not st.cancel.is_set():
            stack.output_map = OutputMap(rm, tpl, stack.stack_id)
            _register_exports(stack)
            stack_event(stack, "CREATE_COMPLETE")
            return
        for lid in inflight:
            resource_event(stack, lid, "CREATE_FAILED", "Resource creation cancelled")
        failed_ids = [lid for lid in active if lid in st.records and st.records[lid].status == "CREATE_FAILED"]
        if st.cancel.is_set() and not failed:
            head = "Stack creation cancelled."
        else:
            head = f"The following resource(s) failed to create: [{', '.join(failed_ids)}]."
        if st.on_failure == "DO_NOTHING":
            stack_event(stack, "CREATE_FAILED", head + " ")
            return
        if st.on_failure == "DELETE":
            stack_event(stack, "DELETE_IN_PROGRESS", head + " Delete requested by user.")
        else:
            stack_event(stack, "ROLLBACK_IN_PROGRESS", head + " Rollback requested by user.")
    del_failed = _delete_nodes(stack, rm, tpl, _started_lids(stack, tpl))
    with SETTINGS.lock:
        if st.on_failure == "DELETE":
            if del_failed:
                stack_event(
                    stack,
                    "DELETE_FAILED",
                    f"The following resource(s) failed to delete: [{', '.join(sorted(del_failed))}]. ",
                )
            else:
                stack_event(stack, "DELETE_COMPLETE")
                finish_delete(stack)
        elif del_failed:
            stack_event(
                stack,
                "ROLLBACK_FAILED",
                f"The following resource(s) failed to delete: [{', '.join(sorted(del_failed))}]. ",
            )
        else:
            stack_event(stack, "ROLLBACK_COMPLETE")


def op_update(
    stack: Stack,
    new_tpl_str: str | dict[str, Any],
    new_tpl: dict,
    new_params: dict,
    new_rm: ResourceMap,
    changes: list[dict],
    disable_rollback: bool,
    tags: dict | None = None,
) -> None:
    st = stack_state(stack)
    old_rm, old_tpl, old_tpl_str, old_params = stack.resource_map, stack.template_dict, stack.template, stack.parameters
    with SETTINGS.lock:
        stack_event(stack, "UPDATE_IN_PROGRESS", "User Initiated")
        patch(stack, last_updated_time=utcnow())
        by_id = {c["LogicalResourceId"]: c for c in changes if c["Action"] != "Remove"}
        removed = [c["LogicalResourceId"] for c in changes if c["Action"] == "Remove"]
        # Type changes appear as Remove + Add of the same id: handle the removal in cleanup.
        new_active = active_resources(new_rm, new_tpl)
        for lid in new_active:
            if lid in old_rm._parsed_resources and by_id.get(lid, {}).get("Action") != "Add":
                new_rm._parsed_resources[lid] = old_rm._parsed_resources[lid]
        stack.resource_map = new_rm
    nodes = [lid for lid in new_active if lid in by_id and not attributes_only(by_id[lid])]
    deps = dependencies(new_tpl, new_active)
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
        resource_event(stack, lid, "UPDATE_IN_PROGRESS")
        reason = _fail_reason(lid)
        if reason is not None:
            will_fail[lid] = reason
            return True
        try:
            if ch["Replacement"] == "True":
                resource_event(
                    stack,
                    lid,
                    "UPDATE_IN_PROGRESS",
                    "Requested update requires the creation of a new physical resource; hence creating one.",
                )
                replaced_old[lid] = new_rm._parsed_resources.pop(lid, None)
                res = create_resource(stack, new_rm, new_tpl, lid)
            else:
                res = _update_step(stack, new_rm, new_tpl, lid)
        except Exception as e:  # noqa: BLE001
            if lid in replaced_old:
                new_rm._parsed_resources[lid] = replaced_old.pop(lid)
            resource_event(stack, lid, "UPDATE_FAILED", error_text(e))
            return False
        st.records[lid].physical_id = physical_id(res)
        return True

    def finish(lid: str) -> bool:
        if by_id[lid]["Action"] == "Add":
            return c_finish(lid)
        if lid in will_fail:
            resource_event(stack, lid, "UPDATE_FAILED", will_fail[lid])
            return False
        resource_event(stack, lid, "UPDATE_COMPLETE")
        return True

    dur = lambda lid: SETTINGS.duration(new_tpl["Resources"][lid]["Type"])  # noqa: E731
    done, failed, inflight = _run_graph(st, nodes, deps, start, finish, dur, stop_on_fail=True)
    if abandoned(st):
        return

    if not failed and not st.cancel.is_set():
        with SETTINGS.lock:
            stack_event(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
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
                    st.records[lid].physical_id = physical_id(new_rm._parsed_resources.get(lid))
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
            stack_event(stack, "UPDATE_COMPLETE")
        return

    with SETTINGS.lock:
        for lid in inflight:
            kind = "CREATE_FAILED" if by_id[lid]["Action"] == "Add" else "UPDATE_FAILED"
            resource_event(stack, lid, kind, "Resource update cancelled")
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
            stack_event(stack, "UPDATE_FAILED", head + " ")
            return
        stack_event(stack, "UPDATE_ROLLBACK_IN_PROGRESS", head)
        stack.resource_map = old_rm
    # Roll modified resources back to the old template.
    touched = [
        lid
        for lid in nodes
        if by_id[lid]["Action"] == "Modify"
        and st.records.get(lid)
        and st.records[lid].status in ("UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_IN_PROGRESS")
    ]
    old_deps = dependencies(old_tpl, active_resources(old_rm, old_tpl))
    rb_deps = {lid: {d for d in old_deps.get(lid, set()) if d in touched} for lid in touched}

    def rb_start(lid: str) -> bool:
        resource_event(stack, lid, "UPDATE_IN_PROGRESS")
        with SETTINGS.lock:
            rb_reason = SETTINGS.fail_rollbacks.get(lid)
        if rb_reason is not None:
            resource_event(stack, lid, "UPDATE_FAILED", rb_reason)
            return False
        try:
            if lid in replaced_old:
                old_rm._parsed_resources[lid] = replaced_old[lid]
            elif lid not in will_fail:
                _update_step(stack, old_rm, old_tpl, lid)
        except Exception as e:  # noqa: BLE001
            resource_event(stack, lid, "UPDATE_FAILED", error_text(e))
            return False
        st.records[lid].physical_id = physical_id(old_rm._parsed_resources.get(lid))
        return True

    def rb_finish(lid: str) -> bool:
        resource_event(stack, lid, "UPDATE_COMPLETE")
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
            stack_event(
                stack,
                "UPDATE_ROLLBACK_FAILED",
                f"The following resource(s) failed to update: [{', '.join(rb_failed)}]. ",
            )
            return
        stack_event(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
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
        old_active = set(active_resources(old_rm, old_tpl))
        for lid in list(st.records):
            if lid not in old_active:
                st.records.pop(lid, None)
            else:
                st.records[lid].physical_id = physical_id(old_rm._parsed_resources.get(lid))
                if st.records[lid].status in ("DELETE_COMPLETE",):
                    st.records[lid].status = "UPDATE_COMPLETE"
        stack.template, stack.template_dict, stack.parameters = old_tpl_str, old_tpl, old_params
        stack_event(stack, "UPDATE_ROLLBACK_COMPLETE")


def launch(stack: Stack, fn: Callable[[], None]) -> None:
    """Run an operation: inline at pace 0, in a background thread otherwise."""
    st = stack_state(stack)
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
                    stack_event(stack, failed_status, f"Internal emulator error: {e}")
        finally:
            with SETTINGS.lock:
                pending = st.pending_delete
                st.pending_delete = None
                st.thread = None
            if pending is not None and stack.status != "DELETE_COMPLETE" and not abandoned(st):
                st.token = pending[0]
                st.cancel.clear()
                op_delete(stack)

    if SETTINGS.pace <= 0:
        runner()
    else:
        t = threading.Thread(target=runner, name=f"cfn-{stack.name}", daemon=True)
        st.thread = t
        t.start()
