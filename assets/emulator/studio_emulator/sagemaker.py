"""SageMaker Studio extension of moto 5.2.5.

moto 5.2.5 ships SageMaker domains (always InService at once, id "d-<name>", no DomainId in the
CreateDomain answer, no checks on delete) and nothing for user profiles, apps, spaces or presigned
URLs. This module:

* replaces moto's domain methods on ``SageMakerModelBackend`` (so CloudFormation-made domains get
  the same behaviour) with a status lifecycle driven by ``SETTINGS.pace``;
* adds user profiles, apps, spaces, CreatePresignedDomainUrl, UpdateDomain, UpdateUserProfile as
  methods of moto's ``SageMakerResponse`` (moto dispatches on the action name and serialises the
  answer with botocore's service model, so shapes are the real API's);
* keeps all extension state on the moto backend instance, so ``/moto-api/reset`` clears it.

Statuses are computed from time stamps on every read: no threads.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import secrets
import string
import threading
import time
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import (
    ResourceInUseException,
    ResourceNotFound,
    SagemakerClientError,
    ValidationError,
)
from moto.sagemaker.models import Domain, SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

from .config import SETTINGS

# One lock with SETTINGS: the CloudFormation extension creates resources while holding
# SETTINGS.lock, so a second lock here could deadlock on ordering.
_LOCK = SETTINGS.lock

NAME_PATTERN = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
_NAME_RE = re.compile(rf"^{NAME_PATTERN}$")
APP_TYPES = [
    "JupyterServer",
    "KernelGateway",
    "DetailedProfiler",
    "TensorBoard",
    "CodeEditor",
    "JupyterLab",
    "RStudioServerPro",
    "RSessionGateway",
    "Canvas",
]
SPACE_APP_TYPES = {"JupyterLab", "CodeEditor"}
# Apps that reached Deleted stay listed (as real AWS does) until their owner goes away.
UPDATE_TYPE = "AWS::SageMaker::Update"  # not in typical-durations: uses _default x pace


class ResourceLimitExceeded(SagemakerClientError):
    code = "ResourceLimitExceeded"

    def __init__(self, message: str):
        super().__init__(message)


def _now() -> float:
    return time.time()


def _ts(t: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(t, tz=_dt.timezone.utc)


def _validation(value: Any, attribute: str, constraint: str) -> ValidationError:
    return ValidationError(
        message=f"1 validation error detected: Value '{value}' at '{attribute}' failed to satisfy "
        f"constraint: {constraint}"
    )


def check_name(value: Any, attribute: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(
            message=f"1 validation error detected: Value null at '{attribute}' failed to satisfy "
            "constraint: Member must not be null"
        )
    if len(value) > 63:
        raise _validation(value, attribute, "Member must have length less than or equal to 63")
    if not _NAME_RE.match(value):
        raise _validation(value, attribute, f"Member must satisfy regular expression pattern: {NAME_PATTERN}")


def _check_int_range(value: Any, attribute: str, lo: int, hi: int) -> None:
    if value is None:
        return
    try:
        ivalue = int(value)
    except (TypeError, ValueError):
        raise _validation(value, attribute, "Member must be an integer") from None
    if ivalue < lo:
        raise _validation(value, attribute, f"Member must have value greater than or equal to {lo}")
    if ivalue > hi:
        raise _validation(value, attribute, f"Member must have value less than or equal to {hi}")


def _rand_id(n: int = 12) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


class _Lifecycle:
    """Pending -> final status after a create duration; Deleting -> gone after a delete duration."""

    cfn_type = ""

    def _init_lifecycle(self, fail_reason: str | None = None) -> None:
        now = _now()
        self.created_at = now
        self.modified_at = now
        self.ready_at = now + SETTINGS.duration(self.cfn_type)
        self.final_status = "Failed" if fail_reason else "InService"
        self.failure_reason = fail_reason or ""
        self.updating_until: float | None = None
        self.delete_started: float | None = None
        self.delete_done_at: float | None = None

    def start_delete(self) -> None:
        now = _now()
        self.delete_started = now
        self.delete_done_at = now + SETTINGS.duration(self.cfn_type)
        self.modified_at = now

    def start_update(self) -> None:
        now = _now()
        self.modified_at = now
        self.updating_until = now + SETTINGS.duration(UPDATE_TYPE)

    def last_modified(self) -> _dt.datetime:
        """LastModifiedTime: a status change (Pending -> InService/Failed) counts as a change, as
        for domains, so a fresh resource's LastModifiedTime is when it settled."""
        return _ts(max(self.modified_at, min(self.ready_at, _now())))

    def gone(self) -> bool:
        return self.delete_done_at is not None and _now() >= self.delete_done_at

    def current_status(self) -> str:
        now = _now()
        if self.delete_done_at is not None:
            return "Deleted" if now >= self.delete_done_at else "Deleting"
        if now < self.ready_at:
            return "Pending"
        if self.updating_until is not None and now < self.updating_until:
            return "Updating"
        return self.final_status


# --------------------------------------------------------------------------------------------
# Domains (moto's Domain class, with a computed status)


class StudioDomain(_Lifecycle, Domain):
    cfn_type = "AWS::SageMaker::Domain"

    @property  # type: ignore[override]
    def status(self) -> str:
        return self.current_status()

    @status.setter
    def status(self, value: str) -> None:  # moto's __init__ assigns "InService"
        pass

    @property  # type: ignore[override]
    def failure_reason(self) -> str:
        return self._failure_reason if self.current_status() == "Failed" else ""

    @failure_reason.setter
    def failure_reason(self, value: str) -> None:
        # moto's __init__ sets "" after our _init_lifecycle; keep the first non-empty reason.
        if value or not hasattr(self, "_failure_reason"):
            self._failure_reason = value

    @property  # type: ignore[override]
    def last_modified_time(self) -> _dt.datetime:
        return self.last_modified()

    @last_modified_time.setter
    def last_modified_time(self, value: Any) -> None:
        pass

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["DomainSettings"] = self.domain_settings or None
        out["Url"] = self.url
        out["CreationTime"] = _ts(self.created_at)
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
        return {k: v for k, v in out.items() if v is not None}


def _state(backend: SageMakerModelBackend) -> dict[str, Any]:
    st = backend.__dict__.get("_studio_state")
    if st is None:
        st = {"profiles": {}, "spaces": {}, "apps": {}, "retained": [], "uid": 200000}
        backend.__dict__["_studio_state"] = st
    return st


def _sweep(backend: SageMakerModelBackend) -> None:
    """Drop every resource whose delete has finished (Deleted apps stay while their owner lives)."""
    st = _state(backend)
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


def _get_domain(backend: SageMakerModelBackend, domain_id: str) -> StudioDomain:
    _sweep(backend)
    dom = backend.domains.get(domain_id)
    if dom is None:
        raise ResourceNotFound(message=f"Domain {domain_id} does not exist.")
    return dom


def _require_domain_usable(dom: StudioDomain) -> None:
    status = dom.status
    if status not in ("InService", "Updating"):
        raise ValidationError(
            message=f"Domain {dom.id} is in {status} status. The domain must be InService before this operation."
        )


def _efs_backend(backend: SageMakerModelBackend) -> Any:
    try:
        from moto.efs.models import efs_backends

        return efs_backends[backend.account_id][backend.region_name]
    except Exception:  # pragma: no cover - EFS backend unavailable
        return None


def _ec2_backend(backend: SageMakerModelBackend) -> Any:
    try:
        from moto.ec2.models import ec2_backends

        return ec2_backends[backend.account_id][backend.region_name]
    except Exception:  # pragma: no cover
        return None


NFS_INBOUND = "security-group-for-inbound-nfs-{}"
NFS_OUTBOUND = "security-group-for-outbound-nfs-{}"
NFS_DESCRIPTION = "[DO NOT DELETE] Security Group that allows {} NFS traffic for SageMaker Notebooks Domain [{}]"
MANAGED_TAG = "ManagedByAmazonSageMakerResource"


def _create_nfs_network(self: SageMakerModelBackend, dom: StudioDomain) -> None:
    """What SageMaker leaves in the domain's VPC: the two NFS security groups and one EFS mount
    target (with its network interface) per subnet.

    As seen on real accounts (exported with terraformer / former2 and in public clean-up
    scripts): groups named ``security-group-for-inbound-nfs-<domain-id>`` /
    ``security-group-for-outbound-nfs-<domain-id>`` with the description "[DO NOT DELETE] Security
    Group that allows inbound|outbound NFS traffic for SageMaker Notebooks Domain [<domain-id>]",
    tagged ``ManagedByAmazonSageMakerResource`` = domain ARN, no default egress rule; the inbound
    group allows TCP 2049 from the outbound group, the outbound group allows TCP 2049 to the
    inbound group. The mount targets use the inbound group; their interfaces are described
    "EFS mount target for fs-… (fsmt-…)" (interface type ``efs``, requester-managed)."""
    ec2 = _ec2_backend(self)
    if ec2 is None or dom.vpc_id not in ec2.vpcs:
        return
    tags = {MANAGED_TAG: dom.arn}
    groups = {}
    for kind, pattern in (("inbound", NFS_INBOUND), ("outbound", NFS_OUTBOUND)):
        g = ec2.create_security_group(
            pattern.format(dom.id), NFS_DESCRIPTION.format(kind, dom.id), vpc_id=dom.vpc_id, tags=tags
        )
        g.egress_rules.clear()
        groups[kind] = g
    inbound, outbound = groups["inbound"], groups["outbound"]
    ec2.authorize_security_group_ingress(
        inbound.id, "tcp", "2049", "2049", [], source_groups=[{"GroupId": outbound.id}]
    )
    ec2.authorize_security_group_egress(outbound.id, "tcp", "2049", "2049", [], source_groups=[{"GroupId": inbound.id}])
    dom.nfs_security_group_ids = [inbound.id, outbound.id]
    dom.mount_target_enis = []
    efs = _efs_backend(self)
    fs_id = dom.home_efs_file_system_id
    for subnet_id in dom.subnet_ids or []:
        if subnet_id not in {sn.id for sns in ec2.subnets.values() for sn in sns.values()}:
            continue
        eni = None
        if efs is not None and fs_id in efs.file_systems_by_id:
            try:
                mt = efs.create_mount_target(fs_id, subnet_id, security_groups=[inbound.id])
                eni = ec2.enis.get(mt.network_interface_id)
                mt_id = mt.mount_target_id
            except Exception:  # noqa: BLE001 - e.g. a second subnet in the same AZ
                eni = None
        if eni is None:
            mt_id = f"fsmt-{_rand_id(17)}"
            eni = ec2.create_network_interface(subnet_id, [], group_ids=[inbound.id])
        eni.description = f"EFS mount target for {fs_id} ({mt_id})"
        eni.interface_type = "efs"
        eni.requester_managed = True
        dom.mount_target_enis.append(eni.id)


def _delete_home_efs(account_id: str, region: str, fs_id: str, eni_ids: list[str]) -> None:
    """DeleteDomain with HomeEfsFileSystem=Delete: the file system's mount targets (and their
    interfaces) and the file system go; the NFS security groups stay."""
    from moto.ec2.models import ec2_backends
    from moto.efs.models import efs_backends

    with _LOCK:
        try:
            efs = efs_backends[account_id][region]
            for mt_id, mt in list(efs.mount_targets_by_id.items()):
                if mt.file_system_id == fs_id:
                    efs.delete_mount_target(mt_id)
            if fs_id in efs.file_systems_by_id:
                efs.delete_file_system(fs_id)
        except Exception:  # noqa: BLE001 - backend reset meanwhile
            pass
        try:
            ec2 = ec2_backends[account_id][region]
            for eni_id in eni_ids:
                ec2.enis.pop(eni_id, None)
        except Exception:  # noqa: BLE001
            pass


def create_domain(
    self: SageMakerModelBackend,
    domain_name: str,
    auth_mode: str,
    default_user_settings: dict[str, Any],
    subnet_ids: list[str],
    vpc_id: str,
    domain_settings: dict[str, Any] | None = None,
    tags: list[dict[str, str]] | None = None,
    app_network_access_type: str | None = None,
    home_efs_file_system_kms_key_id: str | None = None,
    kms_key_id: str | None = None,
    app_security_group_management: str | None = None,
    default_space_settings: dict[str, Any] | None = None,
    **_ignored: Any,
) -> dict[str, Any]:
    with _LOCK:
        _sweep(self)
        check_name(domain_name, "domainName")
        if auth_mode not in ("SSO", "IAM"):
            raise _validation(auth_mode, "authMode", "Member must satisfy enum value set: [SSO, IAM]")
        if not subnet_ids:
            raise ValidationError(
                message="1 validation error detected: Value null at "
                "'subnetIds' failed to satisfy constraint: Member must not be null"
            )
        if not vpc_id:
            raise ValidationError(
                message="1 validation error detected: Value null at "
                "'vpcId' failed to satisfy constraint: Member must not be null"
            )
        if default_user_settings is None:
            raise ValidationError(
                message="1 validation error detected: Value null at "
                "'defaultUserSettings' failed to satisfy constraint: Member "
                "must not be null"
            )
        # No uniqueness rule for DomainName: AWS documents none (the DomainId is the identifier;
        # CreateDomain's errors are ResourceInUse and ResourceLimitExceeded only), and an account
        # can hold two domains of one name, for instance in two VPCs. So does the sandbox.
        with SETTINGS.lock:
            fail = SETTINGS.fail_domains.get(domain_name)
        dom = StudioDomain.__new__(StudioDomain)
        dom._init_lifecycle(
            fail_reason=(fail or f"Domain {domain_name} failed to create")
            if domain_name in SETTINGS.fail_domains
            else None
        )
        Domain.__init__(
            dom,
            domain_name=domain_name,
            auth_mode=auth_mode,
            default_user_settings=default_user_settings,
            subnet_ids=subnet_ids,
            vpc_id=vpc_id,
            account_id=self.account_id,
            region_name=self.region_name,
            domain_settings=domain_settings,
            tags=list(tags or []),
            app_network_access_type=app_network_access_type,
            home_efs_file_system_kms_key_id=home_efs_file_system_kms_key_id,
            kms_key_id=kms_key_id,
            app_security_group_management=app_security_group_management,
            default_space_settings=default_space_settings,
        )
        dom.id = f"d-{_rand_id()}"
        while dom.id in self.domains:
            dom.id = f"d-{_rand_id()}"
        dom.arn = f"arn:{self.partition}:sagemaker:{self.region_name}:{self.account_id}:domain/{dom.id}"
        dom.url = f"https://{dom.id}.studio.{self.region_name}.sagemaker.aws"
        dom.security_group_id_for_domain_boundary = f"sg-{_rand_id(17)}"
        dom.single_sign_on_managed_application_instance_id = (
            None if auth_mode == "IAM" else dom.single_sign_on_managed_application_instance_id
        )
        dom.single_sign_on_managed_application_arn = (
            None if auth_mode == "IAM" else dom.single_sign_on_managed_application_arn
        )
        dom.home_efs_file_system_id = f"fs-{_rand_id(17)}"
        efs = _efs_backend(self)
        if efs is not None:
            try:
                fs = efs.create_file_system(
                    creation_token=f"sagemaker-{dom.id}",
                    performance_mode="generalPurpose",
                    encrypted=bool(home_efs_file_system_kms_key_id or kms_key_id),
                    kms_key_id=home_efs_file_system_kms_key_id or kms_key_id,
                    throughput_mode="bursting",
                    provisioned_throughput_in_mibps=None,
                    availability_zone_name=None,
                    backup=False,
                    tags=[{"Key": "ManagedByAmazonSageMakerResource", "Value": dom.arn}],
                )
                dom.home_efs_file_system_id = fs.file_system_id
            except Exception:  # keep the made-up id
                pass
        _create_nfs_network(self, dom)
        self.domains[dom.id] = dom
        return {"DomainArn": dom.arn, "DomainId": dom.id, "Url": dom.url}


def describe_domain(self: SageMakerModelBackend, domain_id: str) -> dict[str, Any]:
    with _LOCK:
        return _get_domain(self, domain_id).describe()


def list_domains(
    self: SageMakerModelBackend, next_token: str | None = None, max_results: int | None = None, **_: Any
) -> tuple[list[Domain], str | None]:
    with _LOCK:
        _sweep(self)
        items = sorted(self.domains.values(), key=lambda d: getattr(d, "created_at", 0), reverse=True)
        return _page(items, next_token, max_results)


def delete_domain(self: SageMakerModelBackend, domain_id: str, retention_policy: dict[str, str] | None = None) -> None:
    with _LOCK:
        dom = _get_domain(self, domain_id)
        st = _state(self)
        if dom.status == "Deleting":
            raise ResourceInUseException(message=f"Domain {domain_id} is already being deleted.")
        profiles = [p for p in st["profiles"].values() if p.domain_id == domain_id]
        spaces = [s for s in st["spaces"].values() if s.domain_id == domain_id]
        if profiles or spaces:
            raise ResourceInUseException(
                message=f"Cannot delete domain {domain_id} as it has {len(profiles)} user "
                f"profile(s) and {len(spaces)} space(s). Delete them first."
            )
        policy = (retention_policy or {}).get("HomeEfsFileSystem", "Retain")
        if policy not in ("Retain", "Delete"):
            raise _validation(
                policy, "retentionPolicy.homeEfsFileSystem", "Member must satisfy enum value set: [Retain, Delete]"
            )
        efs = _efs_backend(self)
        if policy == "Delete":
            # The file system and its mount-target interfaces disappear once the domain is gone
            # (the same paced duration); the NFS security groups stay, as in AWS.
            delay = SETTINGS.duration(dom.cfn_type)
            args = (
                self.account_id,
                self.region_name,
                dom.home_efs_file_system_id,
                list(getattr(dom, "mount_target_enis", []) or []),
            )
            if delay <= 0:
                _delete_home_efs(*args)
            else:
                timer = threading.Timer(delay, _delete_home_efs, args=args)
                timer.daemon = True
                timer.start()
        else:
            st["retained"].append(
                {
                    "AccountId": self.account_id,
                    "Region": self.region_name,
                    "DomainId": dom.id,
                    "DomainName": dom.domain_name,
                    "DomainArn": dom.arn,
                    "HomeEfsFileSystemId": dom.home_efs_file_system_id,
                    "EfsInBackend": bool(efs is not None and dom.home_efs_file_system_id in efs.file_systems_by_id),
                    "DeletedAt": _ts(_now()).isoformat(),
                }
            )
        # apps of the domain that are Deleted disappear with it
        for key, app in list(st["apps"].items()):
            if app.domain_id == domain_id:
                del st["apps"][key]
        dom.start_delete()
        _sweep(self)


def _running_apps(backend: SageMakerModelBackend, domain_id: str, shared: bool) -> list[str]:
    """Apps that run (Pending or InService) in the domain's shared spaces (shared=True) or in its
    users' private spaces and profiles (shared=False), as "Type/name in owner"."""
    st = _state(backend)
    spaces = {s.name: s for s in st["spaces"].values() if s.domain_id == domain_id}
    out = []
    for app in st["apps"].values():
        if app.domain_id != domain_id or app.current_status() not in ("Pending", "InService"):
            continue
        space = spaces.get(app.space_name) if app.space_name else None
        if (space is not None and space.sharing_type == "Shared") == shared:
            out.append(f"{app.app_type}/{app.name} in {app.owner_name}")
    return sorted(out)


def domain_runs_apps(account: str, region: str, domain_id: str) -> bool:
    """Does an app of the domain run (Pending or InService)? For the emulator's S3 writer."""
    from moto.sagemaker.models import sagemaker_backends

    try:
        backend = sagemaker_backends[account][region]
    except KeyError:
        return False
    with _LOCK:
        return bool(_running_apps(backend, domain_id, True) or _running_apps(backend, domain_id, False))


def _check_role_update(backend: SageMakerModelBackend, dom: Any, params: dict[str, Any]) -> None:
    """ "DefaultUserSettings.ExecutionRole can only be updated if there are no applications running
    in any user profile within the domain." and "DefaultSpaceSettings.ExecutionRole can only be
    updated if there are no applications running in any of shared spaces within the domain."
    (developer guide, "Edit domain settings"). Setting a role where none was set is such an
    update too."""
    for key, current, shared, where in (
        ("DefaultSpaceSettings", (dom.default_space_settings or {}), True, "shared spaces"),
        ("DefaultUserSettings", (dom.default_user_settings or {}), False, "user profiles"),
    ):
        new = (params.get(key) or {}).get("ExecutionRole")
        if not new or new == current.get("ExecutionRole"):
            continue
        running = _running_apps(backend, dom.id, shared)
        if running:
            raise ResourceInUseException(
                message=f"{key}.ExecutionRole of domain {dom.id} cannot be updated while apps run in "
                f"{where}: {', '.join(running)}"
            )


def update_domain(self: SageMakerModelBackend, domain_id: str, params: dict[str, Any]) -> str:
    with _LOCK:
        dom = _get_domain(self, domain_id)
        if dom.status != "InService":
            raise ResourceInUseException(message=f"Domain {domain_id} is in {dom.status} status and cannot be updated.")
        _check_role_update(self, dom, params)
        if params.get("DefaultUserSettings"):
            dom.default_user_settings = _merge(dom.default_user_settings, params["DefaultUserSettings"])
        if params.get("DefaultSpaceSettings"):
            dom.default_space_settings = _merge(dom.default_space_settings or {}, params["DefaultSpaceSettings"])
        if params.get("DomainSettingsForUpdate"):
            dom.domain_settings = _merge(dom.domain_settings or {}, params["DomainSettingsForUpdate"])
        if params.get("SubnetIds"):
            dom.subnet_ids = params["SubnetIds"]
        if params.get("VpcId"):
            dom.vpc_id = params["VpcId"]
        if params.get("AppNetworkAccessType"):
            if params["AppNetworkAccessType"] not in ("PublicInternetOnly", "VpcOnly"):
                raise _validation(
                    params["AppNetworkAccessType"],
                    "appNetworkAccessType",
                    "Member must satisfy enum value set: [PublicInternetOnly, VpcOnly]",
                )
            dom.app_network_access_type = params["AppNetworkAccessType"]
        if params.get("AppSecurityGroupManagement"):
            dom.app_security_group_management = params["AppSecurityGroupManagement"]
        dom.start_update()
        return dom.arn


def _merge(base: dict | None, new: dict) -> dict:
    out = dict(base or {})
    for k, v in new.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _page(items: list, next_token: str | None, max_results: Any) -> tuple[list, str | None]:
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


# --------------------------------------------------------------------------------------------
# User profiles, spaces, apps


class UserProfile(_Lifecycle):
    cfn_type = "AWS::SageMaker::UserProfile"

    def __init__(
        self,
        backend: SageMakerModelBackend,
        domain_id: str,
        name: str,
        settings: dict | None,
        tags: list | None,
        sso_id: str | None,
        sso_value: str | None,
        uid: int,
    ):
        self._init_lifecycle()
        self.domain_id = domain_id
        self.name = name
        self.user_settings = settings or {}
        self.tags = list(tags or [])
        self.sso_id = sso_id
        self.sso_value = sso_value
        self.uid = str(uid)
        self.arn = (
            f"arn:{backend.partition}:sagemaker:{backend.region_name}:"
            f"{backend.account_id}:user-profile/{domain_id}/{name}"
        )

    def describe(self) -> dict[str, Any]:
        out = {
            "DomainId": self.domain_id,
            "UserProfileArn": self.arn,
            "UserProfileName": self.name,
            "HomeEfsFileSystemUid": self.uid,
            "Status": self.current_status(),
            "LastModifiedTime": self.last_modified(),
            "CreationTime": _ts(self.created_at),
            "SingleSignOnUserIdentifier": self.sso_id,
            "SingleSignOnUserValue": self.sso_value,
            "UserSettings": self.user_settings or None,
        }
        return {k: v for k, v in out.items() if v is not None}

    def summary(self) -> dict[str, Any]:
        return {
            "DomainId": self.domain_id,
            "UserProfileName": self.name,
            "Status": self.current_status(),
            "CreationTime": _ts(self.created_at),
            "LastModifiedTime": self.last_modified(),
        }


class Space(_Lifecycle):
    cfn_type = "AWS::SageMaker::Space"

    def __init__(
        self, backend: SageMakerModelBackend, domain: StudioDomain, name: str, params: dict[str, Any], uid: int
    ):
        self._init_lifecycle()
        self.domain_id = domain.id
        self.name = name
        self.settings = params.get("SpaceSettings") or {}
        self.ownership = params.get("OwnershipSettings")
        self.sharing = params.get("SpaceSharingSettings")
        self.display_name = params.get("SpaceDisplayName")
        self.tags = list(params.get("Tags") or [])
        self.uid = str(uid)
        self.url = f"https://{domain.id}.studio.{backend.region_name}.sagemaker.aws/spaces/{name}"
        self.arn = (
            f"arn:{backend.partition}:sagemaker:{backend.region_name}:{backend.account_id}:space/{domain.id}/{name}"
        )

    @property
    def owner(self) -> str | None:
        return (self.ownership or {}).get("OwnerUserProfileName")

    @property
    def sharing_type(self) -> str | None:
        return (self.sharing or {}).get("SharingType")

    def describe(self) -> dict[str, Any]:
        out = {
            "DomainId": self.domain_id,
            "SpaceArn": self.arn,
            "SpaceName": self.name,
            "HomeEfsFileSystemUid": self.uid,
            "Status": self.current_status(),
            "LastModifiedTime": _ts(self.modified_at),
            "CreationTime": _ts(self.created_at),
            "SpaceSettings": self.settings or None,
            "OwnershipSettings": self.ownership,
            "SpaceSharingSettings": self.sharing,
            "SpaceDisplayName": self.display_name,
            "Url": self.url,
        }
        return {k: v for k, v in out.items() if v is not None}

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "DomainId": self.domain_id,
            "SpaceName": self.name,
            "Status": self.current_status(),
            "CreationTime": _ts(self.created_at),
            "LastModifiedTime": _ts(self.modified_at),
            "SpaceDisplayName": self.display_name,
        }
        if self.settings:
            out["SpaceSettingsSummary"] = {
                k: v for k, v in self.settings.items() if k in ("AppType", "RemoteAccess", "SpaceStorageSettings")
            }
        if self.sharing:
            out["SpaceSharingSettingsSummary"] = {"SharingType": self.sharing_type}
        if self.ownership:
            out["OwnershipSettingsSummary"] = {"OwnerUserProfileName": self.owner}
        return {k: v for k, v in out.items() if v is not None}


class App(_Lifecycle):
    cfn_type = "AWS::SageMaker::App"

    def __init__(
        self,
        backend: SageMakerModelBackend,
        domain_id: str,
        profile: str | None,
        space: str | None,
        app_type: str,
        name: str,
        spec: dict | None,
        tags: list | None,
        recovery: bool | None,
    ):
        self._init_lifecycle()
        self.domain_id = domain_id
        self.user_profile_name = profile
        self.space_name = space
        self.app_type = app_type
        self.name = name
        self.spec = spec or {"InstanceType": "system" if app_type == "JupyterServer" else "ml.t3.medium"}
        self.tags = list(tags or [])
        self.recovery = recovery
        owner = space or profile
        self.arn = (
            f"arn:{backend.partition}:sagemaker:{backend.region_name}:"
            f"{backend.account_id}:app/{domain_id}/{owner}/{app_type.lower()}/{name}"
        )

    @property
    def owner_name(self) -> str:
        return self.space_name or self.user_profile_name or ""

    def describe(self) -> dict[str, Any]:
        out = {
            "AppArn": self.arn,
            "AppType": self.app_type,
            "AppName": self.name,
            "DomainId": self.domain_id,
            "UserProfileName": self.user_profile_name,
            "SpaceName": self.space_name,
            "Status": self.current_status(),
            "CreationTime": _ts(self.created_at),
            "ResourceSpec": self.spec,
            "RecoveryMode": self.recovery,
            "LastUserActivityTimestamp": _ts(self.modified_at),
            "LastHealthCheckTimestamp": _ts(_now()) if self.current_status() == "InService" else None,
        }
        return {k: v for k, v in out.items() if v is not None}

    def summary(self) -> dict[str, Any]:
        out = {
            "DomainId": self.domain_id,
            "UserProfileName": self.user_profile_name,
            "SpaceName": self.space_name,
            "AppType": self.app_type,
            "AppName": self.name,
            "Status": self.current_status(),
            "CreationTime": _ts(self.created_at),
            "ResourceSpec": self.spec,
        }
        return {k: v for k, v in out.items() if v is not None}


def _next_uid(st: dict) -> int:
    st["uid"] += 1
    return st["uid"]


def _profile(backend: SageMakerModelBackend, domain_id: str, name: str) -> UserProfile:
    _get_domain(backend, domain_id)
    prof = _state(backend)["profiles"].get((domain_id, name))
    if prof is None:
        raise ResourceNotFound(message=f"User profile {name} does not exist in domain {domain_id}.")
    return prof


def _space(backend: SageMakerModelBackend, domain_id: str, name: str) -> Space:
    _get_domain(backend, domain_id)
    space = _state(backend)["spaces"].get((domain_id, name))
    if space is None:
        raise ResourceNotFound(message=f"Space {name} does not exist in domain {domain_id}.")
    return space


def _sort_filter(items: list, sort_by: str | None, sort_order: str | None) -> list:
    key = "modified_at" if sort_by == "LastModifiedTime" else "created_at"
    return sorted(items, key=lambda x: getattr(x, key), reverse=(sort_order != "Ascending"))


# ---- response methods (added to moto's SageMakerResponse) ----------------------------------


def _be(resp: SageMakerResponse) -> SageMakerModelBackend:
    return resp.sagemaker_backend


def _params(resp: SageMakerResponse) -> dict[str, Any]:
    params = getattr(resp, "params", None)
    if isinstance(params, dict) and params:
        return params
    try:
        return json.loads(resp.body or "{}")
    except ValueError:
        return {}


def r_create_domain(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any]:
    return be.create_domain(
        domain_name=p.get("DomainName"),
        auth_mode=p.get("AuthMode"),
        default_user_settings=p.get("DefaultUserSettings"),
        domain_settings=p.get("DomainSettings"),
        subnet_ids=p.get("SubnetIds"),
        vpc_id=p.get("VpcId"),
        tags=p.get("Tags"),
        app_network_access_type=p.get("AppNetworkAccessType"),
        home_efs_file_system_kms_key_id=p.get("HomeEfsFileSystemKmsKeyId"),
        kms_key_id=p.get("KmsKeyId"),
        app_security_group_management=p.get("AppSecurityGroupManagement"),
        default_space_settings=p.get("DefaultSpaceSettings"),
    )


def r_update_domain(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any]:
    return {"DomainArn": update_domain(be, p.get("DomainId"), p)}


def r_create_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        domain_id = p.get("DomainId")
        name = p.get("UserProfileName")
        check_name(name, "userProfileName")
        dom = _get_domain(be, domain_id)
        _require_domain_usable(dom)
        st = _state(be)
        if (domain_id, name) in st["profiles"]:
            raise ResourceInUseException(
                message=f"Resource Already Exists: UserProfile with name {name} already exists. "
                "Choose a different name."
            )
        prof = UserProfile(
            be,
            domain_id,
            name,
            p.get("UserSettings"),
            p.get("Tags"),
            p.get("SingleSignOnUserIdentifier"),
            p.get("SingleSignOnUserValue"),
            _next_uid(st),
        )
        st["profiles"][(domain_id, name)] = prof
        return {"UserProfileArn": prof.arn}


def r_describe_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        return _profile(be, p.get("DomainId"), p.get("UserProfileName")).describe()


def r_list_user_profiles(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        _sweep(be)
        items = list(_state(be)["profiles"].values())
        if p.get("DomainIdEquals"):
            items = [x for x in items if x.domain_id == p["DomainIdEquals"]]
        if p.get("UserProfileNameContains"):
            items = [x for x in items if p["UserProfileNameContains"] in x.name]
        items = _sort_filter(items, p.get("SortBy"), p.get("SortOrder"))
        chunk, nxt = _page(items, p.get("NextToken"), p.get("MaxResults"))
        return {"UserProfiles": [x.summary() for x in chunk], "NextToken": nxt}


def r_update_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        prof = _profile(be, p.get("DomainId"), p.get("UserProfileName"))
        if prof.current_status() != "InService":
            raise ResourceInUseException(
                message=f"User profile {prof.name} is in {prof.current_status()} status and cannot be updated."
            )
        if p.get("UserSettings"):
            prof.user_settings = _merge(prof.user_settings, p["UserSettings"])
        prof.start_update()
        return {"UserProfileArn": prof.arn}


def r_delete_user_profile(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        prof = _profile(be, p.get("DomainId"), p.get("UserProfileName"))
        st = _state(be)
        if prof.current_status() == "Deleting":
            raise ResourceInUseException(message=f"User profile {prof.name} is already being deleted.")
        live_apps = [
            a
            for a in st["apps"].values()
            if a.domain_id == prof.domain_id
            and a.user_profile_name == prof.name
            and not a.space_name
            and a.current_status() != "Deleted"
        ]
        if live_apps:
            raise ResourceInUseException(
                message=f"Cannot delete user profile {prof.name} as it has "
                f"{len(live_apps)} app(s) that are not Deleted: "
                + ", ".join(f"{a.app_type}/{a.name} ({a.current_status()})" for a in live_apps)
            )
        private = [
            s
            for s in st["spaces"].values()
            if s.domain_id == prof.domain_id and s.owner == prof.name and s.sharing_type == "Private"
        ]
        if private:
            raise ResourceInUseException(
                message=f"Cannot delete user profile {prof.name} as it owns private space(s): "
                + ", ".join(s.name for s in private)
            )
        prof.start_delete()
        _sweep(be)
        return None


def r_create_space(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        domain_id = p.get("DomainId")
        name = p.get("SpaceName")
        check_name(name, "spaceName")
        dom = _get_domain(be, domain_id)
        _require_domain_usable(dom)
        st = _state(be)
        if (domain_id, name) in st["spaces"]:
            raise ResourceInUseException(
                message=f"Resource Already Exists: Space with name {name} already exists. Choose a different name."
            )
        own, share = p.get("OwnershipSettings"), p.get("SpaceSharingSettings")
        if bool(own) != bool(share):
            raise ValidationError(message="OwnershipSettings and SpaceSharingSettings must be specified together.")
        if own:
            owner = own.get("OwnerUserProfileName")
            check_name(owner, "ownershipSettings.ownerUserProfileName")
            prof = st["profiles"].get((domain_id, owner))
            if prof is None or prof.current_status() == "Deleting":
                raise ResourceNotFound(message=f"User profile {owner} does not exist in domain {domain_id}.")
            if share.get("SharingType") not in ("Private", "Shared"):
                raise _validation(
                    share.get("SharingType"),
                    "spaceSharingSettings.sharingType",
                    "Member must satisfy enum value set: [Private, Shared]",
                )
        app_type = (p.get("SpaceSettings") or {}).get("AppType")
        if app_type is not None and app_type not in SPACE_APP_TYPES:
            raise _validation(
                app_type, "spaceSettings.appType", "Member must satisfy enum value set: [JupyterLab, CodeEditor]"
            )
        space = Space(be, dom, name, p, _next_uid(st))
        st["spaces"][(domain_id, name)] = space
        return {"SpaceArn": space.arn}


def r_describe_space(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        return _space(be, p.get("DomainId"), p.get("SpaceName")).describe()


def r_list_spaces(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        _sweep(be)
        items = list(_state(be)["spaces"].values())
        if p.get("DomainIdEquals"):
            items = [x for x in items if x.domain_id == p["DomainIdEquals"]]
        if p.get("SpaceNameContains"):
            items = [x for x in items if p["SpaceNameContains"] in x.name]
        items = _sort_filter(items, p.get("SortBy"), p.get("SortOrder"))
        chunk, nxt = _page(items, p.get("NextToken"), p.get("MaxResults"))
        return {"Spaces": [x.summary() for x in chunk], "NextToken": nxt}


def r_delete_space(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        space = _space(be, p.get("DomainId"), p.get("SpaceName"))
        st = _state(be)
        if space.current_status() == "Deleting":
            raise ResourceInUseException(message=f"Space {space.name} is already being deleted.")
        live = [
            a
            for a in st["apps"].values()
            if a.domain_id == space.domain_id and a.space_name == space.name and a.current_status() != "Deleted"
        ]
        if live:
            raise ResourceInUseException(
                message=f"Cannot delete space {space.name} as it has {len(live)} app(s) that are not Deleted."
            )
        space.start_delete()
        _sweep(be)
        return None


def _app_key(p: dict[str, Any]) -> tuple:
    return (
        p.get("DomainId"),
        p.get("UserProfileName") or None,
        p.get("SpaceName") or None,
        p.get("AppType"),
        p.get("AppName"),
    )


def _check_app_params(p: dict[str, Any]) -> None:
    if p.get("AppType") not in APP_TYPES:
        raise _validation(
            p.get("AppType"), "appType", "Member must satisfy enum value set: [" + ", ".join(APP_TYPES) + "]"
        )
    check_name(p.get("AppName"), "appName")
    if bool(p.get("UserProfileName")) == bool(p.get("SpaceName")):
        raise ValidationError(message="Exactly one of UserProfileName or SpaceName must be specified.")


def r_create_app(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        _check_app_params(p)
        domain_id = p.get("DomainId")
        dom = _get_domain(be, domain_id)
        _require_domain_usable(dom)
        st = _state(be)
        if p.get("SpaceName"):
            owner: Any = _space(be, domain_id, p["SpaceName"])
            kind = "Space"
            if p["AppType"] not in SPACE_APP_TYPES:
                raise ValidationError(
                    message=f"AppType {p['AppType']} is not supported for spaces. Use JupyterLab or CodeEditor."
                )
        else:
            owner = _profile(be, domain_id, p["UserProfileName"])
            kind = "UserProfile"
        if owner.current_status() != "InService":
            raise ValidationError(
                message=f"{kind} {owner.name} is in {owner.current_status()} "
                "status. It must be InService to create an app."
            )
        key = _app_key(p)
        existing = st["apps"].get(key)
        if existing is not None and existing.current_status() != "Deleted":
            raise ResourceInUseException(
                message=f"Resource Already Exists: App with name {p['AppName']} of type "
                f"{p['AppType']} already exists. Choose a different name."
            )
        app = App(
            be,
            domain_id,
            p.get("UserProfileName"),
            p.get("SpaceName"),
            p["AppType"],
            p["AppName"],
            p.get("ResourceSpec"),
            p.get("Tags"),
            p.get("RecoveryMode"),
        )
        st["apps"][key] = app
        return {"AppArn": app.arn}


def _app(be: SageMakerModelBackend, p: dict[str, Any]) -> App:
    _check_app_params(p)
    _get_domain(be, p.get("DomainId"))
    app = _state(be)["apps"].get(_app_key(p))
    if app is None:
        raise ResourceNotFound(
            message=f"App {p.get('AppType')}/{p.get('AppName')} does not exist for "
            f"{p.get('SpaceName') or p.get('UserProfileName')} in domain {p.get('DomainId')}."
        )
    return app


def r_describe_app(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        return _app(be, p).describe()


def r_list_apps(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        _sweep(be)
        items = list(_state(be)["apps"].values())
        if p.get("DomainIdEquals"):
            items = [x for x in items if x.domain_id == p["DomainIdEquals"]]
        if p.get("UserProfileNameEquals"):
            items = [x for x in items if x.user_profile_name == p["UserProfileNameEquals"]]
        if p.get("SpaceNameEquals"):
            items = [x for x in items if x.space_name == p["SpaceNameEquals"]]
        items = _sort_filter(items, "CreationTime", p.get("SortOrder"))
        chunk, nxt = _page(items, p.get("NextToken"), p.get("MaxResults"))
        return {"Apps": [x.summary() for x in chunk], "NextToken": nxt}


def r_delete_app(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        app = _app(be, p)
        status = app.current_status()
        if status == "Deleted":
            raise ResourceNotFound(message=f"App {app.app_type}/{app.name} has already been deleted.")
        if status == "Deleting":
            raise ResourceInUseException(message=f"App {app.app_type}/{app.name} is already being deleted.")
        app.start_delete()
    from .s3_policy import writer_event

    writer_event("DeleteApp", be.account_id, be.region_name, domain=app.domain_id)
    return None


def r_create_presigned_domain_url(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with _LOCK:
        _check_int_range(p.get("ExpiresInSeconds"), "expiresInSeconds", 5, 300)
        _check_int_range(p.get("SessionExpirationDurationInSeconds"), "sessionExpirationDurationInSeconds", 1800, 43200)
        domain_id = p.get("DomainId")
        check_name(p.get("UserProfileName"), "userProfileName")
        dom = _get_domain(be, domain_id)
        prof = _profile(be, domain_id, p["UserProfileName"])
        if prof.current_status() == "Deleting":
            raise ResourceNotFound(message=f"User profile {prof.name} does not exist in domain {domain_id}.")
        if p.get("SpaceName"):
            _space(be, domain_id, p["SpaceName"])
        token = secrets.token_urlsafe(48)
        url = f"https://{dom.id}.studio.{be.region_name}.sagemaker.aws/auth?token={token}"
        return {"AuthorizedUrl": url}


# ---- tags on our ARNs ----------------------------------------------------------------------

_orig_get_resource_from_arn = SageMakerModelBackend._get_resource_from_arn


def _get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
    resource = arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    st = _state(self)
    if kind == "user-profile":
        domain_id, _, name = rest.partition("/")
        obj = st["profiles"].get((domain_id, name))
    elif kind == "space":
        domain_id, _, name = rest.partition("/")
        obj = st["spaces"].get((domain_id, name))
    elif kind == "app":
        obj = next((a for a in st["apps"].values() if a.arn == arn), None)
    elif kind == "domain":
        _sweep(self)
        obj = self.domains.get(rest)
        if obj is not None and obj.tags is None:
            obj.tags = []
    else:
        return _orig_get_resource_from_arn(self, arn)
    if obj is None:
        raise ValidationError(message=f"Could not find {kind} with name {rest}")
    return obj


def retained_file_systems() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for account in list(sagemaker_backends.keys()):
        for be in list(sagemaker_backends[account].values()):
            st = be.__dict__.get("_studio_state")
            if st:
                out.extend(st["retained"])
    return out


# Action name -> implementation taking (backend, params) and returning the answer dict (or None).
ACTIONS: dict[str, Any] = {
    "CreateDomain": r_create_domain,
    "UpdateDomain": r_update_domain,
    "CreateUserProfile": r_create_user_profile,
    "DescribeUserProfile": r_describe_user_profile,
    "ListUserProfiles": r_list_user_profiles,
    "UpdateUserProfile": r_update_user_profile,
    "DeleteUserProfile": r_delete_user_profile,
    "CreateSpace": r_create_space,
    "DescribeSpace": r_describe_space,
    "ListSpaces": r_list_spaces,
    "DeleteSpace": r_delete_space,
    "CreateApp": r_create_app,
    "DescribeApp": r_describe_app,
    "ListApps": r_list_apps,
    "DeleteApp": r_delete_app,
    "CreatePresignedDomainUrl": r_create_presigned_domain_url,
}


def call(
    action: str, params: dict[str, Any], account_id: str = "123456789012", region: str = "us-east-1"
) -> dict[str, Any]:
    """Run a SageMaker action in-process, e.g. from the CloudFormation extension.

    ``call("CreateUserProfile", {"DomainId": ..., "UserProfileName": ...})`` -> answer dict.
    Raises moto ServiceException subclasses (``.code``, ``.message``) like the API.
    DescribeDomain / DeleteDomain / ListDomains work too (moto's backend methods, replaced here).
    """
    be = sagemaker_backends[account_id][region]
    if action == "DescribeDomain":
        return be.describe_domain(params["DomainId"])
    if action == "DeleteDomain":
        be.delete_domain(params["DomainId"], params.get("RetentionPolicy"))
        return {}
    if action == "ListDomains":
        items, nxt = be.list_domains(params.get("NextToken"), params.get("MaxResults"))
        return {"Domains": [d.summary() for d in items], "NextToken": nxt}
    return ACTIONS[action](be, params) or {}


def _response_method(fn: Any) -> Any:
    def method(self: SageMakerResponse) -> ActionResult:
        out = fn(self.sagemaker_backend, _params(self))
        return EmptyResult() if out is None else ActionResult(out)

    method.__name__ = fn.__name__[2:]
    return method


_INSTALLED = False


def install() -> None:
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    SageMakerModelBackend.create_domain = create_domain  # type: ignore[assignment]
    SageMakerModelBackend.describe_domain = describe_domain  # type: ignore[assignment]
    SageMakerModelBackend.list_domains = list_domains  # type: ignore[assignment]
    SageMakerModelBackend.delete_domain = delete_domain  # type: ignore[assignment]
    SageMakerModelBackend.update_domain = update_domain  # type: ignore[attr-defined]
    SageMakerModelBackend._get_resource_from_arn = _get_resource_from_arn  # type: ignore[assignment]
    for fn in ACTIONS.values():
        setattr(SageMakerResponse, fn.__name__[2:], _response_method(fn))
