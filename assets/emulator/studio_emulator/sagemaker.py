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

import json
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import (
    ResourceInUseException,
    ResourceNotFound,
    ValidationError,
)
from moto.sagemaker.models import SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

from .once import install_once
from .sagemaker_core import (
    _LOCK,
    _get_domain,
    _Lifecycle,
    _now,
    _page,
    _require_domain_usable,
    _sort_filter,
    _state,
    _sweep,
    _ts,
    _validation,
    check_name,
)
from .sagemaker_domains import create_domain, delete_domain, describe_domain, list_domains, update_domain
from .sagemaker_users import (
    SPACE_APP_TYPES,
    _profile,
    _space,
    r_create_presigned_domain_url,
    r_create_space,
    r_create_user_profile,
    r_delete_space,
    r_delete_user_profile,
    r_describe_space,
    r_describe_user_profile,
    r_list_spaces,
    r_list_user_profiles,
    r_update_user_profile,
)

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
# Apps that reached Deleted stay listed (as real AWS does) until their owner goes away.


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
        return None


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


@install_once
def install() -> None:
    SageMakerModelBackend.create_domain = create_domain  # type: ignore[assignment]
    SageMakerModelBackend.describe_domain = describe_domain  # type: ignore[assignment]
    SageMakerModelBackend.list_domains = list_domains  # type: ignore[assignment]
    SageMakerModelBackend.delete_domain = delete_domain  # type: ignore[assignment]
    SageMakerModelBackend.update_domain = update_domain  # type: ignore[attr-defined]
    SageMakerModelBackend._get_resource_from_arn = _get_resource_from_arn  # type: ignore[assignment]
    for fn in ACTIONS.values():
        setattr(SageMakerResponse, fn.__name__[2:], _response_method(fn))
