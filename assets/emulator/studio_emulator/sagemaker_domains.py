"""SageMaker domains of the Studio extension: they replace moto's domain methods on
``SageMakerModelBackend`` (so CloudFormation-made domains behave the same). Create / Describe /
List / Update / Delete with a paced status lifecycle; what a domain leaves in its VPC (the NFS
security groups, the home EFS file system and its mount targets) and what DeleteDomain retains.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.sagemaker.exceptions import ResourceInUseException, ValidationError
from moto.sagemaker.models import Domain, SageMakerModelBackend, sagemaker_backends

from .config import SETTINGS
from .patching import patch
from .sagemaker_core import (
    LOCK,
    StudioDomain,
    check_name,
    current_time,
    get_domain,
    merge_settings,
    paginate,
    random_id,
    studio_state,
    sweep,
    to_datetime,
    validation_error,
)
from .sagemaker_settings import check_domain_settings, check_space_settings, check_user_settings


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
            mt_id = f"fsmt-{random_id(17)}"
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

    with LOCK:
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
    domain_name: str | None,
    auth_mode: str | None,
    default_user_settings: dict[str, Any] | None,
    subnet_ids: list[str] | None,
    vpc_id: str | None,
    domain_settings: dict[str, Any] | None = None,
    tags: list[dict[str, str]] | None = None,
    app_network_access_type: str | None = None,
    home_efs_file_system_kms_key_id: str | None = None,
    kms_key_id: str | None = None,
    app_security_group_management: str | None = None,
    default_space_settings: dict[str, Any] | None = None,
    **_ignored: Any,
) -> dict[str, Any]:
    with LOCK:
        sweep(self)
        domain_name = check_name(domain_name, "domainName")
        if auth_mode is None or auth_mode not in ("SSO", "IAM"):
            raise validation_error(auth_mode, "authMode", "Member must satisfy enum value set: [SSO, IAM]")
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
        check_user_settings(default_user_settings)
        check_space_settings(default_space_settings)
        check_domain_settings(domain_settings)
        # No uniqueness rule for DomainName: AWS documents none (the DomainId is the identifier;
        # CreateDomain's errors are ResourceInUse and ResourceLimitExceeded only), and an account
        # can hold two domains of one name, for instance in two VPCs. So does the sandbox.
        with SETTINGS.lock:
            fail = SETTINGS.fail_domains.get(domain_name)
        dom = StudioDomain(
            fail_reason=(fail or f"Domain {domain_name} failed to create")
            if domain_name in SETTINGS.fail_domains
            else None,
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
        dom.id = f"d-{random_id()}"
        while dom.id in self.domains:
            dom.id = f"d-{random_id()}"
        dom.arn = f"arn:{self.partition}:sagemaker:{self.region_name}:{self.account_id}:domain/{dom.id}"
        dom.url = f"https://{dom.id}.studio.{self.region_name}.sagemaker.aws"
        dom.security_group_id_for_domain_boundary = f"sg-{random_id(17)}"
        if auth_mode == "IAM":  # no IAM Identity Center application (moto declares str)
            patch(dom, single_sign_on_managed_application_instance_id=None, single_sign_on_managed_application_arn=None)
        dom.home_efs_file_system_id = f"fs-{random_id(17)}"
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
    with LOCK:
        return get_domain(self, domain_id).describe()


def list_domains(
    self: SageMakerModelBackend, next_token: str | None = None, max_results: int | None = None, **_: Any
) -> tuple[list[Domain], str | None]:
    with LOCK:
        sweep(self)
        items = sorted(self.domains.values(), key=lambda d: getattr(d, "created_at", 0), reverse=True)
        return paginate(items, next_token, max_results)


def delete_domain(self: SageMakerModelBackend, domain_id: str, retention_policy: dict[str, str] | None = None) -> None:
    with LOCK:
        dom = get_domain(self, domain_id)
        st = studio_state(self)
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
            raise validation_error(
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
                    "DeletedAt": to_datetime(current_time()).isoformat(),
                }
            )
        # apps of the domain that are Deleted disappear with it
        for key, app in list(st["apps"].items()):
            if app.domain_id == domain_id:
                del st["apps"][key]
        dom.start_delete()
        sweep(self)


def _running_apps(backend: SageMakerModelBackend, domain_id: str, shared: bool) -> list[str]:
    """Apps that run (Pending or InService) in the domain's shared spaces (shared=True) or in its
    users' private spaces and profiles (shared=False), as "Type/name in owner"."""
    st = studio_state(backend)
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
    try:
        backend = sagemaker_backends[account][region]
    except KeyError:
        return False
    with LOCK:
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


def _check_identity_update(backend: SageMakerModelBackend, dom: Any, params: dict[str, Any]) -> None:
    """ "This configuration can only be modified if there are no apps in the InService or Pending
    state." (API reference, DomainSettingsForUpdate.ExecutionRoleIdentityConfig). Sending the
    value the domain has is no modification. The whole call is refused: nothing is applied."""
    new = (params.get("DomainSettingsForUpdate") or {}).get("ExecutionRoleIdentityConfig")
    current = (dom.domain_settings or {}).get("ExecutionRoleIdentityConfig") or "DISABLED"
    if not new or new == current:
        return
    running = _running_apps(backend, dom.id, True) + _running_apps(backend, dom.id, False)
    if running:
        raise ResourceInUseException(
            message=f"ExecutionRoleIdentityConfig of domain {dom.id} cannot be modified while apps are "
            f"InService or Pending: {', '.join(sorted(running))}"
        )


def update_domain(self: SageMakerModelBackend, domain_id: str | None, params: dict[str, Any]) -> str:
    with LOCK:
        dom = get_domain(self, domain_id)
        if dom.status != "InService":
            raise ResourceInUseException(message=f"Domain {domain_id} is in {dom.status} status and cannot be updated.")
        check_user_settings(params.get("DefaultUserSettings"))
        check_space_settings(params.get("DefaultSpaceSettings"))
        check_domain_settings(params.get("DomainSettingsForUpdate"), "domainSettingsForUpdate")
        _check_role_update(self, dom, params)
        _check_identity_update(self, dom, params)
        # AWS documents no merge of a settings structure sent in part (its guidance is to edit
        # what DescribeDomain returns and send it back), so each member sent replaces the
        # domain's whole member: a JupyterLabAppSettings sent with only its lifecycle drops the
        # custom images and default instance it had. Members not sent are kept.
        if params.get("DefaultUserSettings"):
            dom.default_user_settings = {**(dom.default_user_settings or {}), **params["DefaultUserSettings"]}
        if params.get("DefaultSpaceSettings"):
            dom.default_space_settings = {**(dom.default_space_settings or {}), **params["DefaultSpaceSettings"]}
        if params.get("DomainSettingsForUpdate"):
            dom.domain_settings = merge_settings(dom.domain_settings or {}, params["DomainSettingsForUpdate"])
        if params.get("SubnetIds"):
            dom.subnet_ids = params["SubnetIds"]
        if params.get("VpcId"):
            dom.vpc_id = params["VpcId"]
        if params.get("AppNetworkAccessType"):
            if params["AppNetworkAccessType"] not in ("PublicInternetOnly", "VpcOnly"):
                raise validation_error(
                    params["AppNetworkAccessType"],
                    "appNetworkAccessType",
                    "Member must satisfy enum value set: [PublicInternetOnly, VpcOnly]",
                )
            dom.app_network_access_type = params["AppNetworkAccessType"]
        if params.get("AppSecurityGroupManagement"):
            dom.app_security_group_management = params["AppSecurityGroupManagement"]
        dom.start_update()
        return dom.arn


def retained_file_systems() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for account in list(sagemaker_backends.keys()):
        for be in list(sagemaker_backends[account].values()):
            st = be.__dict__.get("_studio_state")
            if st:
                out.extend(st["retained"])
    return out
