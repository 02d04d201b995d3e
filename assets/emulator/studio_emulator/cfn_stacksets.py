"""CloudFormation StackSets whose stack instances are real stacks, made by the emulator's own
engine in the target account and Region (moto 5.2.5 marks every operation SUCCEEDED at once,
makes SELF_MANAGED stacks named ``StackSet:<name>`` and hidden SERVICE_MANAGED ones, and checks
no role). Replaced: CreateStackSet, UpdateStackSet, DeleteStackSet, DescribeStackSet,
ListStackSets, Create/Update/DeleteStackInstances, DescribeStackInstance, ListStackInstances,
DescribeStackSetOperation, ListStackSetOperations, ListStackSetOperationResults. The StackSets
live on moto's CloudFormation backend of the administrator account and Region, so
/moto-api/reset drops them.

What AWS documents and the emulator does:

* Each stack instance's stack is ``StackSet-<StackSet name>-<uuid>`` in the instance's account
  and Region, created, updated and deleted by the CloudFormation engine (cfn_engine), so its
  resources and events are real and visible to that account. "A stack instance is a reference to
  an attempted or actual stack in a given account within a given Region. A stack instance can
  exist without a stack—for example, if the stack couldn't be created for some reason"
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstance.html).
  Its parameters are the StackSet's with the instance's ``ParameterOverrides``; its tags the
  StackSet's.
* SELF_MANAGED: the administration role (``AdministrationRoleARN``, default
  ``AWSCloudFormationStackSetAdministrationRole`` in the administrator account) must exist and
  trust ``cloudformation.amazonaws.com``, and the execution role (``ExecutionRoleName``, default
  ``AWSCloudFormationStackSetExecutionRole``) must exist in each target account with a trust
  policy that lets the administration role assume it (sts_ext's evaluation)
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html).
  Otherwise the instance fails without a stack, with the reason of the API reference's
  ListStackSetOperationResults example, "Account [account] should have
  'AWSCloudFormationStackSetAdministrationRole' role with trust relationship to CloudFormation
  service." (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackSetOperationResults.html),
  and for the execution role "Account <target> should have '<ExecutionRoleName>' role with trust
  relationship to Role '<administration role name>'.".
* SERVICE_MANAGED: targets are ``DeploymentTargets.OrganizationalUnitIds`` (their accounts, child
  OUs included); "StackSets doesn't deploy stack instances to the organization management
  account, even if the organization management account is in your organization or in an OU in
  your organization" (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html).
  With ``AutoDeployment.Enabled`` "StackSets automatically deploys additional stack instances to
  AWS Organizations accounts that are added to a target organization or organizational unit (OU)
  in the specified Regions. If an account is removed from a target organization or OU, StackSets
  deletes stack instances from the account in the specified Regions", and with
  ``RetainStacksOnAccountRemoval`` "stack resources are retained when an account is removed from
  a target organization or OU"
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudformation-stackset-autodeployment.html):
  Organizations ``MoveAccount`` starts those CREATE / DELETE operations.
* One operation at a time: "Another operation is currently in progress for this StackSet. Only
  one operation can be performed for a stack set at a given time" (OperationInProgressException,
  HTTP 409). With ``ManagedExecution.Active`` operations are queued instead ("If there are
  already running or queued operations, StackSets queues all incoming operations even if they
  are non-conflicting"; status ``QUEUED``)
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html).
  An operation runs in a thread of its own when ``pace`` > 0 (inline at pace 0).
* Failure tolerance: "The number of accounts, per Region, for which this operation can fail
  before CloudFormation stops the operation in that Region. If the operation is stopped in a
  Region, CloudFormation doesn't attempt the operation in any subsequent Regions"
  (``FailureToleranceCount`` or ``FailureTolerancePercentage``, rounded down, default 0), and
  the operation is "FAILED: The operation exceeded the specified failure tolerance"
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperation.html);
  instances not attempted are ``CANCELLED`` with "Cancelled since failure tolerance has
  exceeded" (the ListStackSetOperationResults example). Regions run in ``RegionOrder``, then the
  order given; accounts one after the other (``MaxConcurrentCount`` is accepted, not modelled).
* A failed instance is ``OUTDATED`` with ``DetailedStatus`` ``FAILED`` and its ``StatusReason``;
  a stack that fails gives ``ResourceLogicalId:<id>, ResourceType:<type>,
  ResourceStatusReason:<reason>.`` of its first failed resource. A DeleteStackInstances whose
  stack ends DELETE_FAILED leaves the instance ``INOPERABLE`` ("A DeleteStackInstances operation
  has failed and left the stack in an unstable state"). ``RetainStacks`` keeps the stacks and
  only removes the instances.
* DeleteStackSet refuses while instances remain (StackSetNotEmptyException) or an operation runs.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any, Callable

from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack, cloudformation_backends
from moto.cloudformation.responses import CloudFormationResponse
from moto.cloudformation.utils import generate_stack_id
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow

from . import cfn_params
from .cfn_changes import compute_changes
from .cfn_engine import launch, op_create, op_delete, op_update
from .cfn_state import page, stack_event, stack_state
from .cfn_template import new_resource_map, parse_template, prepare_new_stack
from .config import SETTINGS
from .patching import install_once, patch
from .sts_ext import assume_refused, find_role, service_trusted

log = logging.getLogger("studio_emulator.cfn")

CANCELLED = "Cancelled since failure tolerance has exceeded"
CFN_SERVICE = "cloudformation.amazonaws.com"


class OperationInProgress(CloudFormationError):
    code = "OperationInProgressException"


class StackSetNotFound(CloudFormationError):
    code = "StackSetNotFoundException"


class StackSetNotEmpty(CloudFormationError):
    code = "StackSetNotEmptyException"


class StackInstanceNotFound(CloudFormationError):
    code = "StackInstanceNotFoundException"


class OperationNotFound(CloudFormationError):
    code = "OperationNotFoundException"


class NameAlreadyExists(CloudFormationError):
    code = "NameAlreadyExistsException"


class Instance:
    def __init__(self, account: str, region: str, ou: str | None) -> None:
        self.account, self.region, self.ou = account, region, ou
        self.overrides: list[dict[str, Any]] = []
        self.status, self.detailed = "OUTDATED", "PENDING"
        self.reason: str | None = None
        self.stack_id: str | None = None
        self.last_op: str | None = None


class Operation:
    def __init__(self, op_id: str, action: str, targets: list[tuple[str, str]], prefs: dict, ous: list[str]) -> None:
        self.id, self.action, self.targets, self.prefs, self.ous = op_id, action, targets, prefs, ous
        self.status = "QUEUED"
        self.created = utcnow()
        self.ended: Any = None
        self.retain = False
        self.overrides: list[dict[str, Any]] | None = None
        self.results: dict[tuple[str, str], dict[str, Any]] = {}
        self.run: Callable[[], None] | None = None


class StackSetModel:
    def __init__(self, backend: CloudFormationBackend, name: str, p: Callable[[str, Any], Any]) -> None:
        self.account, self.region = backend.account_id, backend.region_name
        self.name = name
        self.id = f"{name}:{uuid.uuid4()}"
        self.arn = f"arn:aws:cloudformation:{self.region}:{self.account}:stackset/{self.id}"
        self.template: str = p("TemplateBody", None)
        self.description = p("Description", None)
        self.parameters: list[dict[str, Any]] = p("Parameters", []) or []
        self.capabilities: list[str] = p("Capabilities", []) or []
        self.tags: list[dict[str, str]] = p("Tags", []) or []
        self.model = p("PermissionModel", None) or "SELF_MANAGED"
        self.admin_role = p("AdministrationRoleARN", None) or (
            f"arn:aws:iam::{self.account}:role/AWSCloudFormationStackSetAdministrationRole"
        )
        self.exec_role = p("ExecutionRoleName", None) or "AWSCloudFormationStackSetExecutionRole"
        self.auto = p("AutoDeployment", None) or {}
        self.managed = bool((p("ManagedExecution", None) or {}).get("Active") in (True, "true"))
        self.status = "ACTIVE"
        self.instances: dict[tuple[str, str], Instance] = {}
        self.operations: list[Operation] = []

    def params_for(self, inst: Instance, tpl: dict) -> dict[str, Any]:
        out = {p["ParameterKey"]: p.get("ParameterValue") for p in self.parameters}
        out.update({p["ParameterKey"]: p.get("ParameterValue") for p in inst.overrides})
        return out

    def busy(self) -> bool:
        return any(o.status in ("RUNNING", "QUEUED", "STOPPING") for o in self.operations)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "StackSetName": self.name,
            "StackSetId": self.id,
            "StackSetARN": self.arn,
            "Status": self.status,
            "TemplateBody": self.template,
            # moto's serializer turns these two maps into CloudFormation's lists
            "Parameters": {p["ParameterKey"]: p.get("ParameterValue") for p in self.parameters},
            "Capabilities": self.capabilities,
            "Tags": {t["Key"]: t["Value"] for t in self.tags},
            "PermissionModel": self.model,
            "ManagedExecution": {"Active": self.managed},
        }
        if self.description:
            out["Description"] = self.description
        if self.model == "SELF_MANAGED":
            out.update(AdministrationRoleARN=self.admin_role, ExecutionRoleName=self.exec_role)
        else:
            out["AutoDeployment"] = self.auto
            out["OrganizationalUnitIds"] = sorted({i.ou for i in self.instances.values() if i.ou})
        return out


# ---------------------------------------------------------------------------
# Look-ups
# ---------------------------------------------------------------------------
def _sets(backend: CloudFormationBackend) -> dict[str, StackSetModel]:
    sets = getattr(backend, "_studio_stack_sets", None)
    if sets is None:
        sets = {}
        patch(backend, _studio_stack_sets=sets)
    return sets


def _find(backend: CloudFormationBackend, name: str) -> StackSetModel:
    for ss in _sets(backend).values():
        if ss.status == "ACTIVE" and name in (ss.name, ss.id, ss.arn):
            return ss
    raise StackSetNotFound(f"StackSet {name} not found")


def _operation(ss: StackSetModel, op_id: str) -> Operation:
    for op in ss.operations:
        if op.id == op_id:
            return op
    raise OperationNotFound(f"Operation {op_id} not found")


def _org(account: str) -> Any:
    from moto.organizations.models import organizations_backends

    return organizations_backends[account]["aws"]


def _ou_accounts(account: str, ou_ids: list[str]) -> list[tuple[str, str]]:
    """(account, OU given) for every account under these OUs (child OUs included), without the
    management account."""
    org = _org(account)
    if org.org is None:
        raise ValidationError(message="AWS Organizations is not in use for this account")
    known = {ou.id for ou in org.ou}
    out: list[tuple[str, str]] = []
    for top in ou_ids:
        if top not in known:
            raise ValidationError(message=f"OrganizationalUnitId {top} does not exist in the organization")
        under = {top}
        grew = True
        while grew:
            more = {ou.id for ou in org.ou if getattr(ou, "parent_id", None) in under} - under
            grew = bool(more)
            under |= more
        for acct in org.accounts:
            if acct.parent_id in under and acct.id != org.org.master_account_id and acct.id not in {a for a, _ in out}:
                out.append((acct.id, top))
    return out


# ---------------------------------------------------------------------------
# One stack instance
# ---------------------------------------------------------------------------
def _role_reason(ss: StackSetModel, account: str) -> str | None:
    if ss.model != "SELF_MANAGED":
        return None
    admin_name = ss.admin_role.rsplit("/", 1)[-1]
    role = find_role(ss.admin_role)
    if role is None or not service_trusted(role.assume_role_policy_document, CFN_SERVICE):
        return (
            f"Account {ss.account} should have '{admin_name}' role with trust relationship to CloudFormation service."
        )
    session = f"arn:aws:sts::{ss.account}:assumed-role/{admin_name}/stacksets"
    if assume_refused(session, ss.account, f"arn:aws:iam::{account}:role/{ss.exec_role}"):
        return f"Account {account} should have '{ss.exec_role}' role with trust relationship to Role '{admin_name}'."
    return None


def _stack_reason(stack: Stack) -> str:
    for ev in stack.events:  # oldest first
        status = str(getattr(ev, "resource_status", "") or "")
        if (
            status in ("CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED")
            and ev.physical_resource_id != stack.stack_id
            and ev.logical_resource_id != stack.name
        ):
            return (
                f"ResourceLogicalId:{ev.logical_resource_id}, ResourceType:{ev.resource_type}, "
                f"ResourceStatusReason:{ev.resource_status_reason}."
            )
    return f"Stack {stack.name} is in {stack.status} state."


def _wait(stack: Stack) -> None:
    t = stack_state(stack).thread
    if t is not None and t is not threading.current_thread():
        t.join()


def _instance_stack(inst: Instance) -> Stack | None:
    if not inst.stack_id:
        return None
    backend = cloudformation_backends[inst.account][inst.region]
    return backend.stacks.get(inst.stack_id)


def _deploy(ss: StackSetModel, inst: Instance) -> str | None:
    """Create or update the instance's stack; None on success, else the reason."""
    with SETTINGS.lock:
        if dropped(ss):
            return CANCELLED
        reason = _role_reason(ss, inst.account)
        if reason:
            return reason
        tpl = parse_template(ss.template)
        params = ss.params_for(inst, tpl)
        stack = _instance_stack(inst)
        if stack is not None and stack.status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_COMPLETE"):
            cloudformation_backends[inst.account][inst.region].stacks.pop(stack.stack_id, None)
            stack = None
        tags = {t["Key"]: t["Value"] for t in ss.tags}
        if stack is None:
            name = f"StackSet-{ss.name}-{uuid.uuid4()}"
            try:
                cfn_params.validate_parameters(tpl, params, inst.account, inst.region, name)
            except CloudFormationError as e:
                return str(getattr(e, "message", e))
            stack = Stack(  # type: ignore[abstract]  # as moto itself makes stacks
                stack_id=generate_stack_id(name, inst.region, inst.account),
                name=name,
                template={},
                parameters=params,
                account_id=inst.account,
                region_name=inst.region,
                notification_arns=[],
                tags=tags,
            )
            prepare_new_stack(stack, ss.template, tpl, params)
            stack_state(stack).on_failure = "ROLLBACK"
            cloudformation_backends[inst.account][inst.region].stacks[stack.stack_id] = stack
            inst.stack_id = stack.stack_id
            stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")
            created = stack
            launch(created, lambda: op_create(created))
            want = "CREATE_COMPLETE"
        else:
            try:
                cfn_params.validate_parameters(tpl, params, inst.account, inst.region, stack.name)
            except CloudFormationError as e:
                return str(getattr(e, "message", e))
            new_rm = new_resource_map(stack, tpl, params)
            changes = compute_changes(stack.resource_map, stack.template_dict, new_rm, tpl, stack.parameters, params)
            if not changes and tpl.get("Outputs") == stack.template_dict.get("Outputs") and tags == stack.tags:
                return None
            updated = stack
            launch(updated, lambda: op_update(updated, ss.template, tpl, params, new_rm, changes, False, tags))
            want = "UPDATE_COMPLETE"
    _wait(stack)
    with SETTINGS.lock:
        return None if stack.status == want else _stack_reason(stack)


def _remove(ss: StackSetModel, inst: Instance, retain: bool) -> str | None:
    with SETTINGS.lock:
        stack = _instance_stack(inst)
        if retain or stack is None or stack.status == "DELETE_COMPLETE" or dropped(ss):
            return None
        reason = _role_reason(ss, inst.account)
        if reason:
            return reason
        doomed = stack
        launch(doomed, lambda: op_delete(doomed))
    _wait(stack)
    with SETTINGS.lock:
        return None if stack.status == "DELETE_COMPLETE" else _stack_reason(stack)


# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------
def _tolerance(prefs: dict, n: int) -> int:
    if prefs.get("FailureToleranceCount") is not None:
        return int(prefs["FailureToleranceCount"])
    if prefs.get("FailureTolerancePercentage") is not None:
        return int(prefs["FailureTolerancePercentage"]) * n // 100
    return 0


def _regions(op: Operation) -> list[str]:
    given: list[str] = []
    for _, r in op.targets:
        if r not in given:
            given.append(r)
    order = [r for r in op.prefs.get("RegionOrder") or [] if r in given]
    return order + [r for r in given if r not in order]


def _execute(ss: StackSetModel, op: Operation) -> None:
    with SETTINGS.lock:
        op.status = "RUNNING"
    stopped = False
    for region in _regions(op):
        accounts = [a for a, r in op.targets if r == region]
        allowed, failed = _tolerance(op.prefs, len(accounts)), 0
        for account in accounts:
            key = (account, region)
            inst = ss.instances.get(key)
            result = op.results[key]
            if stopped or inst is None or dropped(ss):
                result.update(Status="CANCELLED", StatusReason=CANCELLED)
                if inst is not None:
                    inst.detailed, inst.reason = "CANCELLED", CANCELLED
                continue
            with SETTINGS.lock:
                result["Status"], inst.detailed = "RUNNING", "RUNNING"
            if op.action == "DELETE":
                reason = _remove(ss, inst, op.retain)
            else:
                reason = _deploy(ss, inst)
            with SETTINGS.lock:
                inst.last_op = op.id
                if reason is None:
                    result.update(Status="SUCCEEDED")
                    result.pop("StatusReason", None)
                    if op.action == "DELETE":
                        ss.instances.pop(key, None)
                    else:
                        inst.status, inst.detailed, inst.reason = "CURRENT", "SUCCEEDED", None
                else:
                    failed += 1
                    result.update(Status="FAILED", StatusReason=reason)
                    if op.action == "DELETE":
                        inst.status, inst.detailed, inst.reason = "INOPERABLE", "INOPERABLE", reason
                    else:
                        inst.status, inst.detailed, inst.reason = "OUTDATED", "FAILED", reason
                    if failed > allowed:
                        stopped = True
    with SETTINGS.lock:
        op.status = "FAILED" if stopped else "SUCCEEDED"
        op.ended = utcnow()
        nxt = next((o for o in ss.operations if o.status == "QUEUED"), None)
    if nxt is not None and nxt.run is not None:
        nxt.run()


def dropped(ss: StackSetModel) -> bool:
    """The StackSet was dropped by /moto-api/reset (its backend is no longer moto's): its
    operation stops and never touches the new backends."""
    backend = cloudformation_backends[ss.account][ss.region]
    return _sets(backend).get(ss.id) is not ss


def _start(
    ss: StackSetModel, action: str, targets: list[tuple[str, str | None, str]], p: Callable, retain: bool = False
) -> Operation:
    """Queue or refuse, record the operation and its pending results, then run it."""
    if ss.busy() and not ss.managed:
        raise OperationInProgress(f"Another Operation on StackSet {ss.arn} is in progress")
    prefs = p("OperationPreferences", None) or {}
    op_id = p("OperationId", None) or str(uuid.uuid4())
    if any(o.id == op_id for o in ss.operations):
        from moto.core.exceptions import ServiceException

        raise ServiceException("OperationIdAlreadyExistsException", f"Operation {op_id} already exists")
    op = Operation(op_id, action, [(a, r) for a, _, r in targets], prefs, sorted({o for _, o, _ in targets if o}))
    op.retain = retain
    for account, ou, region in targets:
        result: dict[str, Any] = {"Account": account, "Region": region, "Status": "PENDING"}
        if ou:
            result["OrganizationalUnitId"] = ou
        result["AccountGateResult"] = {
            "Status": "SKIPPED",
            "StatusReason": f"Function not found: arn:aws:lambda:{region}:{account}:function:AWSCloudFormationStackSetAccountGate",
        }
        op.results[(account, region)] = result
        inst = ss.instances.get((account, region))
        if inst is None and action != "DELETE":
            inst = ss.instances[(account, region)] = Instance(account, region, ou)
        if inst is not None:
            inst.detailed = "PENDING"
            if action != "DELETE":
                inst.status = "OUTDATED"
    queued = ss.busy()
    ss.operations.append(op)

    def run() -> None:
        if SETTINGS.pace <= 0:
            _execute(ss, op)
        else:
            threading.Thread(target=_execute, args=(ss, op), name=f"stackset-{ss.name}", daemon=True).start()

    op.run = run
    if not queued:
        run()
    return op


def _targets(self: CloudFormationResponse, ss: StackSetModel, deleting: bool) -> list[tuple[str, str | None, str]]:
    accounts = self._get_param("Accounts", []) or []
    dt = self._get_param("DeploymentTargets", None) or {}
    ous = dt.get("OrganizationalUnitIds") or []
    regions = self._get_param("Regions", []) or []
    if not regions:
        raise ValidationError(message="Regions should not be empty")
    pairs: list[tuple[str, str | None]]
    if ss.model == "SERVICE_MANAGED":
        if accounts or not ous:
            raise ValidationError(
                message="StackSets with SERVICE_MANAGED permission model can only have OrganizationalUnit as target"
            )
        pairs = [(a, ou) for a, ou in _ou_accounts(ss.account, ous)]
    else:
        if ous:
            raise ValidationError(
                message="StackSets with SELF_MANAGED permission model can only have accounts as target"
            )
        accounts = accounts or dt.get("Accounts") or []
        if not accounts:
            raise ValidationError(message="Accounts should not be empty")
        pairs = [(a, None) for a in accounts]
    out = [(a, ou, r) for r in regions for a, ou in pairs]
    if deleting:
        missing = [(a, r) for a, _, r in out if (a, r) not in ss.instances]
        if missing and ss.model == "SELF_MANAGED":
            raise StackInstanceNotFound(
                f"Stack instance {missing[0][0]} {missing[0][1]} not found in StackSet {ss.name}"
            )
        out = [t for t in out if (t[0], t[2]) in ss.instances]
    return out


# ---------------------------------------------------------------------------
# API handlers
# ---------------------------------------------------------------------------
def _param(self: CloudFormationResponse) -> Callable[[str, Any], Any]:
    return lambda name, default: self._get_param(name, default)


def _create_stack_set(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        backend = self.cloudformation_backend
        name = self._get_param("StackSetName")
        if any(s.name == name and s.status == "ACTIVE" for s in _sets(backend).values()):
            raise NameAlreadyExists(f"StackSet {name} already exists")
        ss = StackSetModel(backend, name, _param(self))
        if not ss.template and self._get_param("TemplateURL"):
            ss.template = self._get_stack_from_s3_url(self._get_param("TemplateURL"))
        cfn_params.check_body_size(ss.template)
        if not ss.template:
            raise ValidationError(message="Either Template URL or Template Body must be specified.")
        cfn_params.check_structure(parse_template(ss.template))
        if ss.model not in ("SELF_MANAGED", "SERVICE_MANAGED"):
            raise ValidationError(message=f"Invalid PermissionModel {ss.model}")
        if ss.model == "SERVICE_MANAGED" and "Enabled" not in ss.auto:
            raise ValidationError(message="AutoDeployment should be specified when PermissionModel is SERVICE_MANAGED")
        _sets(backend)[ss.id] = ss
        return ActionResult({"StackSetId": ss.id})


def _update_stack_set(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        if ss.busy() and not ss.managed:
            raise OperationInProgress(f"Another Operation on StackSet {ss.arn} is in progress")
        body: str | None
        if self._get_bool_param("UsePreviousTemplate", False):
            body = ss.template
        else:
            body = self._get_param("TemplateBody") or (
                self._get_stack_from_s3_url(self._get_param("TemplateURL")) if self._get_param("TemplateURL") else None
            )
            if not body:
                raise ValidationError(message="Either Template URL or Template Body must be specified.")
        cfn_params.check_structure(parse_template(body))
        ss.template = body
        params = self._get_param("Parameters", None)
        if params is not None:
            previous = {p["ParameterKey"]: p for p in ss.parameters}
            ss.parameters = [
                previous.get(p["ParameterKey"], p) if p.get("UsePreviousValue") in (True, "true") else p for p in params
            ]
        for key, attr in (("Description", "description"), ("Capabilities", "capabilities"), ("Tags", "tags")):
            if self._get_param(key, None) is not None:
                setattr(ss, attr, self._get_param(key))
        if self._get_param("AdministrationRoleARN"):
            ss.admin_role = self._get_param("AdministrationRoleARN")
        if self._get_param("ExecutionRoleName"):
            ss.exec_role = self._get_param("ExecutionRoleName")
        if self._get_param("AutoDeployment", None) is not None:
            ss.auto = self._get_param("AutoDeployment")
        targets = [(i.account, i.ou, i.region) for i in ss.instances.values() if i.status != "INOPERABLE"]
        op = _start(ss, "UPDATE", targets, _param(self))
        return ActionResult({"OperationId": op.id})


def _delete_stack_set(self: CloudFormationResponse) -> EmptyResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        if ss.busy():
            raise OperationInProgress(f"Another Operation on StackSet {ss.arn} is in progress")
        if ss.instances:
            raise StackSetNotEmpty(f"StackSet {ss.name} is not empty")
        ss.status = "DELETED"
        return EmptyResult()


def _describe_stack_set(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        return ActionResult(
            {"StackSet": _find(self.cloudformation_backend, self._get_param("StackSetName")).describe()}
        )


def _list_stack_sets(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        want = self._get_param("Status")
        rows = [
            {
                k: v
                for k, v in s.describe().items()
                if k
                in (
                    "StackSetName",
                    "StackSetId",
                    "Description",
                    "Status",
                    "PermissionModel",
                    "AutoDeployment",
                    "ManagedExecution",
                )
            }
            for s in _sets(self.cloudformation_backend).values()
            if not want or s.status == want
        ]
        rows, token = page(rows, self._get_param("NextToken"), int(self._get_param("MaxResults") or 100))
        return ActionResult({"Summaries": rows, "NextToken": token} if token else {"Summaries": rows})


def _create_stack_instances(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        targets = _targets(self, ss, deleting=False)
        overrides = self._get_param("ParameterOverrides", None)
        if ss.busy() and not ss.managed:
            raise OperationInProgress(f"Another Operation on StackSet {ss.arn} is in progress")
        for account, ou, region in targets:
            inst = ss.instances.setdefault((account, region), Instance(account, region, ou))
            if overrides is not None:
                inst.overrides = list(overrides)
        op = _start(ss, "CREATE", targets, _param(self))
        return ActionResult({"OperationId": op.id})


def _update_stack_instances(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        targets = _targets(self, ss, deleting=True)
        for account, _, region in targets:
            if (account, region) not in ss.instances:
                raise StackInstanceNotFound(f"Stack instance {account} {region} not found in StackSet {ss.name}")
        if ss.busy() and not ss.managed:
            raise OperationInProgress(f"Another Operation on StackSet {ss.arn} is in progress")
        overrides = self._get_param("ParameterOverrides", None)
        if overrides is not None:
            for account, _, region in targets:
                inst = ss.instances[(account, region)]
                previous = {p["ParameterKey"]: p for p in inst.overrides}
                inst.overrides = [
                    previous[p["ParameterKey"]]
                    if p.get("UsePreviousValue") in (True, "true") and p["ParameterKey"] in previous
                    else p
                    for p in overrides
                    if not (p.get("UsePreviousValue") in (True, "true") and p["ParameterKey"] not in previous)
                ]
        op = _start(ss, "UPDATE", targets, _param(self))
        return ActionResult({"OperationId": op.id})


def _delete_stack_instances(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        targets = _targets(self, ss, deleting=True)
        if ss.busy() and not ss.managed:
            raise OperationInProgress(f"Another Operation on StackSet {ss.arn} is in progress")
        retain = self._get_bool_param("RetainStacks", None)
        if retain is None:
            raise ValidationError(message="RetainStacks is required")
        op = _start(ss, "DELETE", targets, _param(self), retain=retain)
        return ActionResult({"OperationId": op.id})


def _instance_dict(ss: StackSetModel, inst: Instance, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "StackSetId": ss.id,
        "Region": inst.region,
        "Account": inst.account,
        "Status": inst.status,
        "StackInstanceStatus": {"DetailedStatus": inst.detailed},
        "DriftStatus": "NOT_CHECKED",
    }
    if inst.stack_id:
        out["StackId"] = inst.stack_id
    if inst.reason:
        out["StatusReason"] = inst.reason
    if inst.ou:
        out["OrganizationalUnitId"] = inst.ou
    if inst.last_op:
        out["LastOperationId"] = inst.last_op
    if detail:
        out["ParameterOverrides"] = inst.overrides
    return out


def _describe_stack_instance(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        key = (self._get_param("StackInstanceAccount"), self._get_param("StackInstanceRegion"))
        inst = ss.instances.get(key)
        if inst is None:
            raise StackInstanceNotFound(f"Stack instance {key[0]} {key[1]} not found in StackSet {ss.name}")
        return ActionResult({"StackInstance": _instance_dict(ss, inst, detail=True)})


def _list_stack_instances(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        account = self._get_param("StackInstanceAccount")
        region = self._get_param("StackInstanceRegion")
        filters = {f["Name"]: f["Values"] for f in self._get_param("Filters", []) or []}
        rows = []
        for inst in ss.instances.values():
            if account and inst.account != account or region and inst.region != region:
                continue
            if "DETAILED_STATUS" in filters and inst.detailed != filters["DETAILED_STATUS"]:
                continue
            if "LAST_OPERATION_ID" in filters and inst.last_op != filters["LAST_OPERATION_ID"]:
                continue
            rows.append(_instance_dict(ss, inst))
        rows, token = page(rows, self._get_param("NextToken"), int(self._get_param("MaxResults") or 100))
        return ActionResult({"Summaries": rows, "NextToken": token} if token else {"Summaries": rows})


def _operation_dict(ss: StackSetModel, op: Operation, summary: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "OperationId": op.id,
        "Action": op.action,
        "Status": op.status,
        "CreationTimestamp": op.created,
        "OperationPreferences": op.prefs,
    }
    if op.ended is not None:
        out["EndTimestamp"] = op.ended
    failed = sum(1 for r in op.results.values() if r["Status"] == "FAILED")
    out["StatusDetails"] = {"FailedStackInstancesCount": failed}
    if op.status == "FAILED":
        out["StatusReason"] = "The operation exceeded the specified failure tolerance."
    if summary:
        return out
    out.update(StackSetId=ss.id, RetainStacks=op.retain)
    if ss.model == "SELF_MANAGED":
        out.update(AdministrationRoleARN=ss.admin_role, ExecutionRoleName=ss.exec_role)
    if op.ous:
        out["DeploymentTargets"] = {"OrganizationalUnitIds": op.ous}
    return out


def _describe_stack_set_operation(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        op = _operation(ss, self._get_param("OperationId"))
        return ActionResult({"StackSetOperation": _operation_dict(ss, op)})


def _list_stack_set_operations(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        rows = [_operation_dict(ss, op, summary=True) for op in reversed(ss.operations)]
        rows, token = page(rows, self._get_param("NextToken"), int(self._get_param("MaxResults") or 100))
        return ActionResult({"Summaries": rows, "NextToken": token} if token else {"Summaries": rows})


def _list_stack_set_operation_results(self: CloudFormationResponse) -> ActionResult:
    with SETTINGS.lock:
        ss = _find(self.cloudformation_backend, self._get_param("StackSetName"))
        op = _operation(ss, self._get_param("OperationId"))
        filters = {f["Name"]: f["Values"] for f in self._get_param("Filters", []) or []}
        rows = [
            dict(r)
            for r in op.results.values()
            if "OPERATION_RESULT_STATUS" not in filters or r["Status"] == filters["OPERATION_RESULT_STATUS"]
        ]
        rows, token = page(rows, self._get_param("NextToken"), int(self._get_param("MaxResults") or 100))
        return ActionResult({"Summaries": rows, "NextToken": token} if token else {"Summaries": rows})


# ---------------------------------------------------------------------------
# Automatic deployment (Organizations MoveAccount)
# ---------------------------------------------------------------------------
def account_moved(management: str, account: str) -> None:
    """Start the CREATE / DELETE operations that automatic deployment owes an account that
    entered or left a target OU, in every StackSet of the management account."""
    with SETTINGS.lock:
        for region in list(cloudformation_backends[management].keys()):
            backend = cloudformation_backends[management][region]
            for ss in list(_sets(backend).values()):
                if ss.status != "ACTIVE" or ss.model != "SERVICE_MANAGED" or not ss.auto.get("Enabled"):
                    continue
                ous = sorted({i.ou for i in ss.instances.values() if i.ou})
                regions = sorted({i.region for i in ss.instances.values()})
                now = dict(_ou_accounts(management, ous)) if ous else {}
                mine = [i for i in ss.instances.values() if i.account == account]
                if account in now:
                    missing = [r for r in regions if (account, r) not in ss.instances]
                    if missing:
                        _start(ss, "CREATE", [(account, now[account], r) for r in missing], lambda n, d: d)
                elif mine:
                    retain = bool(ss.auto.get("RetainStacksOnAccountRemoval"))
                    _start(ss, "DELETE", [(i.account, i.ou, i.region) for i in mine], lambda n, d: d, retain=retain)


@install_once
def install() -> None:
    patch(
        CloudFormationResponse,
        create_stack_set=_create_stack_set,
        update_stack_set=_update_stack_set,
        delete_stack_set=_delete_stack_set,
        describe_stack_set=_describe_stack_set,
        list_stack_sets=_list_stack_sets,
        create_stack_instances=_create_stack_instances,
        update_stack_instances=_update_stack_instances,
        delete_stack_instances=_delete_stack_instances,
        describe_stack_instance=_describe_stack_instance,
        list_stack_instances=_list_stack_instances,
        describe_stack_set_operation=_describe_stack_set_operation,
        list_stack_set_operations=_list_stack_set_operations,
        list_stack_set_operation_results=_list_stack_set_operation_results,
    )
    from moto.organizations.models import OrganizationsBackend

    original_move = OrganizationsBackend.move_account

    def move_account(self: Any, **kwargs: Any) -> None:
        original_move(self, **kwargs)
        account_moved(self.account_id, kwargs["AccountId"])

    patch(OrganizationsBackend, move_account=move_account)
