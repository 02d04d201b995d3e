"""CloudFormation drift detection and drift-aware (REVERT_DRIFT) change sets for the emulator.

Installed by server.install_extensions() after cfn.install(). Adds:

* DetectStackDrift / DescribeStackDriftDetectionStatus / DescribeStackResourceDrifts /
  DetectStackResourceDrift, DriftInformation in DescribeStacks, ListStackResources and
  DescribeStackResource(s);
* CreateChangeSet with DeploymentMode=REVERT_DRIFT (and DescribeChangeSet's DeploymentMode,
  ResourceDriftStatus, Details with BeforeValueFrom/AfterValueFrom/Drift, BeforeContext /
  AfterContext), executed by the stack engine (cfn_engine.py) with normal per-resource events;
* what the out-of-band changes need: EC2 ReplaceRoute with VpcEndpointId (moto drops the old
  target only partly); Network Firewall's UpdateRuleGroup / UpdateFirewallPolicy are nfw_api's.

AWS documentation relied on (API reference, CloudFormation User Guide):
* StackResourceDrift: "Only resource properties explicitly defined in the stack template are
  checked for drift." PropertyDifference.DifferenceType: "ADD: A value has been added to a
  resource property that's an array or list data type. REMOVE: The property has been removed
  from the current resource configuration. NOT_EQUAL: The current property value differs from
  its expected value".
* StackResourceDriftInformation: "NOT_CHECKED: CloudFormation has not checked if the resource
  differs from its expected configuration. Any resources that do not currently support drift
  detection have a status of NOT_CHECKED."
* ResourceChange.ResourceDriftStatus: "IN_SYNC – The resource matches its template definition.
  MODIFIED – Resource properties were modified outside CloudFormation. DELETED – The resource was
  deleted outside CloudFormation. ... UNSUPPORTED – Resource type does not support actual state
  comparison. Only present for drift-aware change sets."
* ResourceTargetDefinition.BeforeValueFrom: "ACTUAL_STATE – The before value represents current
  actual state"; AfterValueFrom: "TEMPLATE – The after value comes from the new template".
* CreateChangeSet DeploymentMode: "REVERT_DRIFT – Creates a drift-aware change set that brings
  actual resource states in line with template definitions."
"""

from __future__ import annotations

import copy
import json
import logging
import time
import uuid
from typing import Any, Callable

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from . import cfn_change_sets, cfn_changes, cfn_engine, cfn_state, cfn_template, nfw_store
from .cfn_actual import READERS, Gone, ec2_of, expected_properties, security_group
from .config import SETTINGS
from .patching import install_once, patch
from .sg_rules import authorize, norm_rule, revoke, rule_dicts

log = logging.getLogger("studio_emulator.cfn_drift")

# Seconds (x pace) a drift detection stays DETECTION_IN_PROGRESS.
DETECTION_SECONDS = 10.0
DRIFT_PAGE = 100
ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "VpcEndpointId",
    "TransitGatewayId",
    "InstanceId",
    "NetworkInterfaceId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
)


# Properties compared as sets of elements (schema insertionOrder false).
SET_PROPS = {"SecurityGroupIngress", "SecurityGroupEgress", "RouteTableIds", "SubnetIds", "SecurityGroupIds"}
# Properties the emulator does not compare (documented in the README).
SKIP_PROPS = {"Tags"}


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------
def _s(v: Any) -> str:
    if isinstance(v, str):
        return v
    if v is None:
        return "null"
    return json.dumps(v, separators=(",", ":"), sort_keys=False)


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return str(a) == str(b)
    return a == b


def _diff(path: str, exp: Any, act: Any, out: list[dict], as_set: bool = False) -> None:
    if isinstance(exp, dict) and isinstance(act, dict):
        for k in exp:
            p = f"{path}/{k}"
            if k not in act or act[k] is None:
                out.append(
                    {"PropertyPath": p, "ExpectedValue": _s(exp[k]), "ActualValue": "null", "DifferenceType": "REMOVE"}
                )
            else:
                _diff(p, exp[k], act[k], out, as_set=k in SET_PROPS)
        for k in act:
            if k not in exp and path and act[k] is not None:  # nested objects: a new key is a difference
                out.append(
                    {
                        "PropertyPath": f"{path}/{k}",
                        "ExpectedValue": "null",
                        "ActualValue": _s(act[k]),
                        "DifferenceType": "NOT_EQUAL",
                    }
                )
        return
    if isinstance(exp, list) and isinstance(act, list):
        if as_set:
            norm = norm_rule if path.split("/")[-1].startswith("SecurityGroup") else (lambda x: x)
            e_n = [norm(x) if isinstance(x, dict) else x for x in exp]
            a_n = [norm(x) if isinstance(x, dict) else x for x in act]
            matched = set()
            for i, e in enumerate(e_n):
                j = next((j for j, a in enumerate(a_n) if j not in matched and a == e), None)
                if j is None:
                    out.append(
                        {
                            "PropertyPath": f"{path}/{i}",
                            "ExpectedValue": _s(exp[i]),
                            "ActualValue": "null",
                            "DifferenceType": "REMOVE",
                        }
                    )
                else:
                    matched.add(j)
            for j in range(len(a_n)):
                if j not in matched:
                    out.append(
                        {
                            "PropertyPath": f"{path}/{j}",
                            "ExpectedValue": "null",
                            "ActualValue": _s(act[j]),
                            "DifferenceType": "ADD",
                        }
                    )
            return
        for i in range(max(len(exp), len(act))):
            if i >= len(act):
                out.append(
                    {
                        "PropertyPath": f"{path}/{i}",
                        "ExpectedValue": _s(exp[i]),
                        "ActualValue": "null",
                        "DifferenceType": "REMOVE",
                    }
                )
            elif i >= len(exp):
                out.append(
                    {
                        "PropertyPath": f"{path}/{i}",
                        "ExpectedValue": "null",
                        "ActualValue": _s(act[i]),
                        "DifferenceType": "ADD",
                    }
                )
            else:
                _diff(f"{path}/{i}", exp[i], act[i], out)
        return
    if not _eq(exp, act):
        out.append(
            {"PropertyPath": path, "ExpectedValue": _s(exp), "ActualValue": _s(act), "DifferenceType": "NOT_EQUAL"}
        )


def _comparable_expected(rtype: str, exp: dict) -> dict:
    exp = {k: v for k, v in exp.items() if k not in SKIP_PROPS}
    if rtype == "AWS::EC2::SecurityGroup":
        # aws-cloudformation/cloudformation-coverage-roadmap#2091: an empty rule list is not checked.
        for k in ("SecurityGroupIngress", "SecurityGroupEgress"):
            if k in exp and not exp[k]:
                exp.pop(k)
    if rtype in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
        exp = norm_rule(exp) | ({"GroupId": exp["GroupId"]} if exp.get("GroupId") else {})
    return exp


def check_resource(stack: Stack, lid: str) -> dict:
    """Drift of one stack resource: the StackResourceDrift dict (without Timestamp)."""
    rec = cfn_state.stack_state(stack).records.get(lid)
    rtype = stack.template_dict["Resources"][lid]["Type"]
    out: dict = {
        "StackId": stack.stack_id,
        "LogicalResourceId": lid,
        "PhysicalResourceId": rec.physical_id if rec else None,
        "ResourceType": rtype,
    }
    with SETTINGS.lock:
        failed = SETTINGS.fail_drift.get(lid)
    if failed is not None:
        # Detection failed on this resource: no properties, status UNKNOWN, and the detection
        # as a whole ends in DETECTION_FAILED (see _Detection.failures).
        out["StackResourceDriftStatus"] = "UNKNOWN"
        out["_failure"] = failed
        return out
    reader = READERS.get(rtype)
    if reader is None:
        out["StackResourceDriftStatus"] = "NOT_CHECKED"
        return out
    exp_full = expected_properties(stack, lid)
    exp = _comparable_expected(rtype, exp_full)
    out["ExpectedProperties"] = json.dumps(exp, sort_keys=True)
    try:
        act_full = reader(stack, lid, exp_full)
    except Gone:
        out["StackResourceDriftStatus"] = "DELETED"
        return out
    except Exception:  # noqa: BLE001 - an emulator bug must not fail the whole detection
        log.exception("drift check of %s (%s) failed", lid, rtype)
        out.pop("ExpectedProperties", None)
        out["StackResourceDriftStatus"] = "NOT_CHECKED"
        return out
    # Actual properties: those the template sets, plus (routes) a target the template does not set.
    act = {k: v for k, v in act_full.items() if k in exp or (rtype == "AWS::EC2::Route" and k in ROUTE_TARGETS)}
    out["ActualProperties"] = json.dumps(act, sort_keys=True)
    diffs: list[dict] = []
    _diff("", exp, {k: v for k, v in act.items() if k in exp}, diffs)
    out["PropertyDifferences"] = diffs
    out["StackResourceDriftStatus"] = "MODIFIED" if diffs else "IN_SYNC"
    out["expected_properties"] = exp_full
    out["_actual"] = act_full
    return out


# ---------------------------------------------------------------------------
# Detections
# ---------------------------------------------------------------------------
class _Detection:
    def __init__(self, stack: Stack, lids: list[str] | None):
        self.id = str(uuid.uuid4())
        self.stack_id = stack.stack_id
        self.started = time.monotonic()
        self.delay = DETECTION_SECONDS * SETTINGS.pace
        self.timestamp = utcnow()
        records = cfn_state.stack_state(stack).records
        targets = [
            lid
            for lid in cfn_template.active_resources(stack.resource_map, stack.template_dict)
            if lid in records and not (records[lid].status or "DELETE").startswith("DELETE")
        ]
        if lids:
            targets = [lid for lid in targets if lid in lids]
        self.results = {lid: check_resource(stack, lid) for lid in targets}
        for r in self.results.values():
            r["Timestamp"] = self.timestamp

    @property
    def complete(self) -> bool:
        return time.monotonic() - self.started >= self.delay

    @property
    def drifted(self) -> int:
        return sum(1 for r in self.results.values() if r["StackResourceDriftStatus"] in ("MODIFIED", "DELETED"))

    @property
    def failures(self) -> dict[str, str]:
        """Resources detection failed on, with the reason ("DETECTION_FAILED: The stack drift
        detection operation has failed for at least one resource in the stack. Results will be
        available for resources on which CloudFormation successfully completed drift
        detection.", DescribeStackDriftDetectionStatus)."""
        return {lid: r["_failure"] for lid, r in self.results.items() if "_failure" in r}


def _drift_state(stack: Stack) -> dict:
    st = getattr(stack, "_studio_drift", None)
    if st is None:
        st = {"detections": {}, "last": None}
        patch(stack, _studio_drift=st)
    return st


def _last_complete(stack: Stack) -> _Detection | None:
    st = _drift_state(stack)
    done = [d for d in st["detections"].values() if d.complete]
    return max(done, key=lambda d: d.started) if done else None


def _stack_drift_information(self: Stack) -> dict:
    det = _last_complete(self) if getattr(self, "_studio_drift", None) else None
    if det is None:
        return {"StackDriftStatus": "NOT_CHECKED"}
    return {"StackDriftStatus": "DRIFTED" if det.drifted else "IN_SYNC", "LastCheckTimestamp": det.timestamp}


def resource_drift_information(stack: Stack, lid: str) -> dict:
    det = _last_complete(stack) if getattr(stack, "_studio_drift", None) else None
    if det is None or lid not in det.results:
        return {"StackResourceDriftStatus": "NOT_CHECKED"}
    return {
        "StackResourceDriftStatus": det.results[lid]["StackResourceDriftStatus"],
        "LastCheckTimestamp": det.timestamp,
    }


def _stack_for(self: CloudFormationResponse) -> Stack:
    name = self._get_param("StackName")
    stack = cfn_state.find_stack(self.cloudformation_backend, name)
    if stack is None or stack.status in ("DELETE_COMPLETE", "REVIEW_IN_PROGRESS"):
        raise ValidationError(message=f"Stack with id {name} does not exist")
    return stack


def _check_idle(stack: Stack) -> None:
    if (stack.status or "").endswith("_IN_PROGRESS"):
        raise ValidationError(
            message=f"Drift detection is not supported for stack {stack.stack_id} in {stack.status} state"
        )


def _detect_stack_drift(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = _stack_for(self)
        _check_idle(stack)
        lids = self._get_param("LogicalResourceIds", []) or None
        det = _Detection(stack, lids)
        _drift_state(stack)["detections"][det.id] = det
        return ActionResult({"StackDriftDetectionId": det.id})


def _find_detection(backend: Any, det_id: str) -> tuple[Stack, _Detection]:
    for s in backend.stacks.values():
        st = getattr(s, "_studio_drift", None)
        if st and det_id in st["detections"]:
            return s, st["detections"][det_id]
    raise ValidationError(message=f"Drift detection with ID {det_id} does not exist")


def _describe_detection_status(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack, det = _find_detection(self.cloudformation_backend, self._get_param("StackDriftDetectionId"))
        out: dict = {"StackId": stack.stack_id, "StackDriftDetectionId": det.id, "Timestamp": det.timestamp}
        if det.complete and det.failures:
            # The stack's drift status speaks only for the resources that could be checked:
            # IN_SYNC here does not mean the failed ones are in sync.
            out["DetectionStatus"] = "DETECTION_FAILED"
            out["DetectionStatusReason"] = "Failed to detect drift on resources [{}]: {}".format(
                ", ".join(sorted(det.failures)), "; ".join(sorted(set(det.failures.values())))
            )
            out["StackDriftStatus"] = "DRIFTED" if det.drifted else "IN_SYNC"
        elif det.complete:
            out["DetectionStatus"] = "DETECTION_COMPLETE"
            out["StackDriftStatus"] = "DRIFTED" if det.drifted else "IN_SYNC"
            out["DriftedStackResourceCount"] = det.drifted
        else:
            out["DetectionStatus"] = "DETECTION_IN_PROGRESS"
        return ActionResult(out)


def _public(r: dict) -> dict:
    return {k: v for k, v in r.items() if not k.startswith("_") and v is not None}


def _describe_resource_drifts(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = _stack_for(self)
        det = _last_complete(stack)
        if det is None:
            return ActionResult({"StackResourceDrifts": []})
        statuses = self._get_param("StackResourceDriftStatusFilters", []) or []
        rows = [_public(r) for r in det.results.values() if not statuses or r["StackResourceDriftStatus"] in statuses]
        try:
            limit = int(self._get_param("MaxResults") or DRIFT_PAGE)
        except ValueError:
            limit = DRIFT_PAGE
        if not 1 <= limit <= 100:
            raise ValidationError(
                message=f"1 validation error detected: Value '{limit}' at 'maxResults' "
                "failed to satisfy constraint: Member must have value less than or equal to 100"
            )
        drifts, nxt = cfn_state.page(rows, self._get_param("NextToken"), limit)
        return ActionResult({"StackResourceDrifts": drifts, "NextToken": nxt})


def _detect_resource_drift(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        stack = _stack_for(self)
        lid = self._get_param("LogicalResourceId")
        if lid not in cfn_state.stack_state(stack).records:
            raise ValidationError(message=f"Resource {lid} does not exist for stack {stack.name}")
        r = check_resource(stack, lid)
        r["Timestamp"] = utcnow()
        return ActionResult({"StackResourceDrift": _public(r)})


# DriftInformation in the resource read APIs of cfn.py (which always say NOT_CHECKED)
def _with_drift_info(orig: Callable, key: str, many: bool) -> Callable:
    def wrapper(self: CloudFormationResponse) -> Any:
        result = orig(self)
        with SETTINGS.lock:
            body = result.result if isinstance(result, ActionResult) else None
            if not isinstance(body, dict):
                return result
            rows = body.get(key)
            rows = rows if many else [rows]
            stack_name = self._get_param("StackName")
            for row in rows or []:
                if not isinstance(row, dict):
                    continue
                stack = cfn_state.find_stack(self.cloudformation_backend, row.get("StackId") or stack_name or "")
                if stack is not None:
                    row["DriftInformation"] = resource_drift_information(stack, row["LogicalResourceId"])
        return result

    wrapper.__name__ = getattr(orig, "__name__", "wrapped")
    return wrapper


# ---------------------------------------------------------------------------
# REVERT_DRIFT change sets
# ---------------------------------------------------------------------------
REQUIRES_RECREATION = {"AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"}


def _drift_change(stack: Stack, lid: str, r: dict, existing: dict | None) -> dict:
    rtype = r["ResourceType"]
    ch = existing or cfn_changes.new_change("Modify", lid, rtype, stack.resource_map)
    ch["Action"] = "Modify"
    ch["ResourceDriftStatus"] = r["StackResourceDriftStatus"]
    if r["StackResourceDriftStatus"] not in ("MODIFIED", "DELETED"):
        return ch
    now = r["Timestamp"]
    exp, act = r.get("expected_properties", {}), r.get("_actual")
    details = list(ch.get("Details") or [])
    recreate = r["StackResourceDriftStatus"] == "DELETED" or rtype in REQUIRES_RECREATION
    diffs = r.get("PropertyDifferences") or [
        {"PropertyPath": f"/{k}", "ExpectedValue": _s(v), "ActualValue": "null", "DifferenceType": "REMOVE"}
        for k, v in _comparable_expected(rtype, exp).items()
    ]
    for d in diffs:
        name = d["PropertyPath"].split("/")[1]
        change_type = {"ADD": "Remove", "REMOVE": "Add", "NOT_EQUAL": "Modify"}[d["DifferenceType"]]
        details.append(
            {
                "Target": {
                    "Attribute": "Properties",
                    "Name": name,
                    "RequiresRecreation": "Always" if recreate else "Never",
                    "Path": d["PropertyPath"],
                    "BeforeValue": d["ActualValue"],
                    "AfterValue": d["ExpectedValue"],
                    "BeforeValueFrom": "ACTUAL_STATE",
                    "AfterValueFrom": "TEMPLATE",
                    "Drift": {
                        "PreviousValue": d["ExpectedValue"],
                        "ActualValue": d["ActualValue"],
                        "DriftDetectionTimestamp": now,
                    },
                    "AttributeChangeType": change_type,
                },
                "Evaluation": "Static",
                "ChangeSource": "DirectModification",
            }
        )
    ch["Details"] = details
    ch["Scope"] = sorted(set(ch.get("Scope") or []) | {"Properties"})
    ch["Replacement"] = "True" if recreate else (ch.get("Replacement") or "False")
    if recreate:
        ch["PolicyAction"] = "ReplaceAndDelete"
    ch["BeforeContext"] = json.dumps({"Properties": act}, sort_keys=True) if act is not None else None
    ch["AfterContext"] = json.dumps({"Properties": exp}, sort_keys=True)
    ch["_revert"] = True
    return ch


def _revert_changes(stack: Stack, template_changes: list[dict]) -> list[dict]:
    """Template changes annotated with drift, plus a Modify for every drifted resource."""
    by_id = {c["LogicalResourceId"]: c for c in template_changes}
    now = utcnow()
    out = []
    active = [
        lid
        for lid in cfn_template.active_resources(stack.resource_map, stack.template_dict)
        if lid in cfn_state.stack_state(stack).records
    ]
    for lid in active:
        rtype = stack.template_dict["Resources"][lid]["Type"]
        existing = by_id.pop(lid, None)
        if rtype not in READERS:
            if existing is not None:
                existing["ResourceDriftStatus"] = "UNSUPPORTED"
                out.append(existing)
            continue
        r = check_resource(stack, lid)
        r["Timestamp"] = now
        if r["StackResourceDriftStatus"] in ("MODIFIED", "DELETED"):
            out.append(_drift_change(stack, lid, r, existing))
        elif existing is not None:
            existing["ResourceDriftStatus"] = r["StackResourceDriftStatus"]
            out.append(existing)
    out.extend(by_id.values())
    return out


def _public_change(c: dict) -> dict:
    return {k: v for k, v in c.items() if not k.startswith("_") and v is not None}


_ORIG: dict[str, Callable] = {}


def _cs_create(self: CloudFormationResponse) -> ActionResult:
    mode = self._get_param("DeploymentMode")
    if not mode:
        return _ORIG["create_change_set"](self)
    if mode != "REVERT_DRIFT":
        raise ValidationError(
            message=f"1 validation error detected: Value '{mode}' at 'deploymentMode' "
            "failed to satisfy constraint: Member must satisfy enum value set: [REVERT_DRIFT]"
        )
    if (self._get_param("ChangeSetType") or "UPDATE") != "UPDATE":
        raise ValidationError(message="DeploymentMode REVERT_DRIFT is only supported for change sets of type UPDATE")
    with SETTINGS.lock:
        result = _ORIG["create_change_set"](self)
        backend = self.cloudformation_backend
        cs = cfn_change_sets.change_sets(backend)[result.result["Id"]]
        stack = backend.stacks[cs.stack_id]
        changes = _revert_changes(stack, list(cs.raw_changes))
        cs.raw_changes = changes
        cs.resource_changes = [{"Type": "Resource", "ResourceChange": c} for c in changes]
        cs.deployment_mode = "REVERT_DRIFT"
        if changes and cs.status == "FAILED":
            cs.status, cs.execution_status, cs.status_reason = "CREATE_COMPLETE", "AVAILABLE", None
        det = _last_complete(stack)
        cs.stack_drift_status = ("DRIFTED" if det.drifted else "IN_SYNC") if det else "NOT_CHECKED"
        return result


def _cs_describe(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        result = _ORIG["describe_change_set"](self)
        view = result.result
        if getattr(view, "deployment_mode", None) == "REVERT_DRIFT":
            view.resource_changes = [_public_change(c) for c in view.resource_changes]
        return result


def _cs_execute(self: CloudFormationResponse) -> ActionResult | EmptyResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        cs = cfn_change_sets.find_change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        if getattr(cs, "deployment_mode", None) != "REVERT_DRIFT":
            return _ORIG["execute_change_set"](self)
        stack = cfn_change_sets.executable_stack(backend, cs)
        cfn_state.assert_idle(stack)
        disable_rollback = cfn_change_sets.begin_execution(self, backend, cs, stack)
        new_rm, tpl_changes = cfn_change_sets.planned_update(stack, cs)
        changes = _revert_changes(stack, tpl_changes)
        revert = {c["LogicalResourceId"]: c["ResourceDriftStatus"] for c in changes if c.get("_revert")}
        patch(stack, _studio_revert=revert)
        for c in changes:  # the engine replaces what it is told to: reverts are in place
            if c.get("_revert"):
                c["Replacement"] = "False"

        def op() -> None:
            try:
                cfn_change_sets.run_update(cs, stack, new_rm, changes, disable_rollback)
            finally:
                patch(stack, _studio_revert={})
            cfn_change_sets.finish_execution(backend, cs, stack, "UPDATE_COMPLETE")

        cfn_engine.launch(stack, op)
        return EmptyResult()


# Reverting one resource (called by the engine in place of its update)
def _revert_one(stack: Stack, rm: Any, template: dict, lid: str, update: cfn_engine.UpdateStep) -> Any:
    rtype = template["Resources"][lid]["Type"]
    res = rm._parsed_resources.get(lid)
    props = parsing.clean_json(copy.deepcopy(template["Resources"][lid].get("Properties", {}) or {}), rm) or {}
    props = json.loads(json.dumps(props, default=str))
    ec2 = ec2_of(stack)
    if rtype == "AWS::EC2::Route":
        rt = ec2.get_route_table(props["RouteTableId"])
        dest = props.get("DestinationCidrBlock") or props.get("DestinationIpv6CidrBlock")
        for rid, r in list(rt._routes.items()):
            if dest in (r.destination_cidr_block, r.destination_ipv6_cidr_block):
                rt._routes.pop(rid, None)
        rm._parsed_resources.pop(lid, None)
        return cfn_engine.create_resource(stack, rm, template, lid)
    if rtype in ("AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::GatewayRouteTableAssociation"):
        target = props.get("SubnetId") or props.get("GatewayId")
        for rt in ec2.route_tables.values():  # the subnet now associated elsewhere: take it back
            for assoc, tgt in list(rt._associations.items()):
                if tgt == target:
                    rt._associations.pop(assoc, None)
        rm._parsed_resources.pop(lid, None)
        return cfn_engine.create_resource(stack, rm, template, lid)
    if rtype == "AWS::EC2::SecurityGroup":
        sg = security_group(stack, getattr(res, "id", None))
        if sg is None:
            rm._parsed_resources.pop(lid, None)
            return cfn_engine.create_resource(stack, rm, template, lid)
        standalone = _standalone_rule_ids(stack)
        for key, egress in (("SecurityGroupIngress", False), ("SecurityGroupEgress", True)):
            if not props.get(key):
                continue
            want = [norm_rule(x) for x in props[key]]
            have = rule_dicts(sg, egress)
            matched: set[int] = set()
            for d in have:
                n = norm_rule(d)
                i = next((i for i, w in enumerate(want) if i not in matched and w == n), None)
                if i is not None:
                    matched.add(i)
                elif d["_rule_id"] not in standalone:
                    revoke(ec2, sg.id, d, egress)
            for i, w in enumerate(want):
                if i not in matched:
                    authorize(ec2, sg.id, w, egress)
        return res
    if rtype in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
        if res is not None:
            try:
                res.delete_backend()
            except Exception:  # noqa: BLE001
                pass
        rm._parsed_resources.pop(lid, None)
        return cfn_engine.create_resource(stack, rm, template, lid)
    if rtype == "AWS::EC2::VPCEndpoint":
        ep = ec2.vpc_end_points.get(getattr(res, "id", None))
        if ep is None or ep.state == "deleted":
            rm._parsed_resources.pop(lid, None)
            return cfn_engine.create_resource(stack, rm, template, lid)
        if "PolicyDocument" in props:
            doc = props["PolicyDocument"]
            ep.policy_document = doc if isinstance(doc, str) else json.dumps(doc)
        for key, attr in (
            ("RouteTableIds", "route_table_ids"),
            ("SubnetIds", "subnet_ids"),
            ("SecurityGroupIds", "security_group_ids"),
        ):
            if key in props:
                setattr(ep, attr, list(props[key]))
        return res
    if rtype in ("AWS::NetworkFirewall::RuleGroup", "AWS::NetworkFirewall::FirewallPolicy"):
        obj = getattr(res, "obj", None)
        kind = "rulegroup" if rtype.endswith("RuleGroup") else "policy"
        if obj is None or obj.arn not in nfw_store.store(kind, stack.account_id, stack.region_name):
            rm._parsed_resources.pop(lid, None)
            return cfn_engine.create_resource(stack, rm, template, lid)
        obj.body = copy.deepcopy(props.get("RuleGroup" if rtype.endswith("RuleGroup") else "FirewallPolicy", {}))
        obj.props = props
        obj.update_token = str(uuid.uuid4())
        return res
    if rtype == "AWS::S3::BucketPolicy":
        doc = props.get("PolicyDocument", {})
        body = doc if isinstance(doc, str) else json.dumps(doc)
        s3_backends[stack.account_id][get_partition(stack.region_name)].put_bucket_policy(
            props["Bucket"], body.encode("utf-8")
        )
        return res
    return update(stack, rm, template, lid)


def _standalone_rule_ids(stack: Stack) -> set[str]:
    out = set()
    for lid, js in stack.template_dict.get("Resources", {}).items():
        if js.get("Type") in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            rule_id = getattr(stack.resource_map._parsed_resources.get(lid), "rule_id", None)
            if rule_id:
                out.add(rule_id)
    return out


def _reverting(update: cfn_engine.UpdateStep) -> cfn_engine.UpdateStep:
    """The engine's update step: during a REVERT_DRIFT change set a drifted resource gets its
    template's values back (_revert_one); everything else is updated as usual."""

    def step(stack: Stack, rm: Any, template: dict, lid: str) -> Any:
        revert = getattr(stack, "_studio_revert", None) or {}
        if lid in revert:
            return _revert_one(stack, rm, template, lid, update)
        return update(stack, rm, template, lid)

    return step


# ---------------------------------------------------------------------------
# Out-of-band changes the emulator must model like AWS
# ---------------------------------------------------------------------------
def _install_replace_route() -> None:
    """moto's ReplaceRoute ignores VpcEndpointId and keeps the old firewall-endpoint target next to
    the new one; EC2 (API_ReplaceRoute) replaces the target."""
    from moto.ec2.models.route_tables import RouteBackend
    from moto.ec2.responses.route_tables import RouteTables

    orig = RouteBackend.replace_route

    def replace_route(
        self: Any,
        route_table_id: str,
        destination_cidr_block: str,
        *a: Any,
        vpc_endpoint_id: str | None = None,
        **k: Any,
    ) -> Any:
        route = orig(self, route_table_id, destination_cidr_block, *a, **k)
        route.vpc_endpoint_id = vpc_endpoint_id
        if hasattr(route, "carrier_gateway"):
            route.carrier_gateway = None
        return route

    patch(RouteBackend, replace_route=replace_route)
    orig_resp = RouteTables.replace_route

    def replace_route_resp(self: Any) -> Any:
        vpce = self._get_param("VpcEndpointId")
        if not vpce:
            return orig_resp(self)
        be = self.ec2_backend
        saved = be.replace_route

        def with_vpce(*a: Any, **k: Any) -> Any:
            return replace_route(be, *a, vpc_endpoint_id=vpce, **k)

        be.replace_route = with_vpce
        try:
            return orig_resp(self)
        finally:
            del be.replace_route
            del saved

    patch(RouteTables, replace_route=replace_route_resp)


@install_once
def install() -> None:
    R = CloudFormationResponse
    _ORIG["create_change_set"] = R.create_change_set
    _ORIG["describe_change_set"] = R.describe_change_set
    _ORIG["execute_change_set"] = R.execute_change_set
    cfn_engine.wrap_update_step(_reverting)
    patch(
        R,
        create_change_set=_cs_create,
        describe_change_set=_cs_describe,
        execute_change_set=_cs_execute,
        detect_stack_drift=_detect_stack_drift,
        describe_stack_drift_detection_status=_describe_detection_status,
        describe_stack_resource_drifts=_describe_resource_drifts,
        detect_stack_resource_drift=_detect_resource_drift,
        list_stack_resources=_with_drift_info(R.list_stack_resources, "StackResourceSummaries", True),
        describe_stack_resources=_with_drift_info(R.describe_stack_resources, "StackResources", True),
        describe_stack_resource=_with_drift_info(R.describe_stack_resource, "StackResourceDetail", False),
    )
    patch(Stack, drift_information=property(_stack_drift_information))
    _install_replace_route()
