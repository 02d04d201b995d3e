"""SageMaker apps of the Studio extension (Create / Describe / List / Delete), for a user profile
or a space (exactly one), whose owner must be InService. Apps that reached Deleted stay listed
(as real AWS does) until their owner goes away.
"""

from __future__ import annotations

from typing import Any

from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend

from .sagemaker_core import (
    LOCK,
    Lifecycle,
    check_name,
    current_time,
    get_domain,
    list_summaries,
    present,
    require_domain_usable,
    studio_state,
    to_datetime,
    validation_error,
)
from .sagemaker_iam import source_identity_refused
from .sagemaker_users import SPACE_APP_TYPES, get_profile, get_space

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


class App(Lifecycle):
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
        fail_reason: str | None = None,
    ):
        self._init_lifecycle(fail_reason=fail_reason)
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
            "CreationTime": to_datetime(self.created_at),
            "ResourceSpec": self.spec,
            "RecoveryMode": self.recovery,
            "FailureReason": self.failure_reason if self.current_status() == "Failed" else None,
            "LastUserActivityTimestamp": to_datetime(self.modified_at),
            "LastHealthCheckTimestamp": to_datetime(current_time()) if self.current_status() == "InService" else None,
        }
        return present(out)

    def summary(self) -> dict[str, Any]:
        out = {
            "DomainId": self.domain_id,
            "UserProfileName": self.user_profile_name,
            "SpaceName": self.space_name,
            "AppType": self.app_type,
            "AppName": self.name,
            "Status": self.current_status(),
            "CreationTime": to_datetime(self.created_at),
            "ResourceSpec": self.spec,
        }
        return present(out)


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
        raise validation_error(
            p.get("AppType"), "appType", "Member must satisfy enum value set: [" + ", ".join(APP_TYPES) + "]"
        )
    check_name(p.get("AppName"), "appName")
    if bool(p.get("UserProfileName")) == bool(p.get("SpaceName")):
        raise ValidationError(message="Exactly one of UserProfileName or SpaceName must be specified.")


def r_create_app(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        _check_app_params(p)
        domain_id = p.get("DomainId")
        dom = get_domain(be, domain_id)
        require_domain_usable(dom)
        st = studio_state(be)
        if p.get("SpaceName"):
            owner: Any = get_space(be, domain_id, p["SpaceName"])
            kind = "Space"
            if p["AppType"] not in SPACE_APP_TYPES:
                raise ValidationError(
                    message=f"AppType {p['AppType']} is not supported for spaces. Use JupyterLab or CodeEditor."
                )
        else:
            owner = get_profile(be, domain_id, p["UserProfileName"])
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
            dom.id,
            p.get("UserProfileName"),
            p.get("SpaceName"),
            p["AppType"],
            p["AppName"],
            p.get("ResourceSpec"),
            p.get("Tags"),
            p.get("RecoveryMode"),
            fail_reason=_source_identity_failure(dom, owner, kind),
        )
        st["apps"][key] = app
        return {"AppArn": app.arn}


def _source_identity_failure(dom: Any, owner: Any, kind: str) -> str | None:
    """With per-user audit on (``ExecutionRoleIdentityConfig`` ``USER_PROFILE_NAME``), SageMaker
    starts the app as the execution role with the profile's name as source identity: a role whose
    trust policy does not allow ``sts:SetSourceIdentity`` cannot be assumed so, and the app fails."""
    if (getattr(dom, "domain_settings", None) or {}).get("ExecutionRoleIdentityConfig") != "USER_PROFILE_NAME":
        return None
    if kind == "Space":
        role = (getattr(dom, "default_space_settings", None) or {}).get("ExecutionRole")
    else:
        role = (owner.user_settings or {}).get("ExecutionRole") or (
            getattr(dom, "default_user_settings", None) or {}
        ).get("ExecutionRole")
    return source_identity_refused(role)


def _app(be: SageMakerModelBackend, p: dict[str, Any]) -> App:
    _check_app_params(p)
    get_domain(be, p.get("DomainId"))
    app = studio_state(be)["apps"].get(_app_key(p))
    if app is None:
        raise ResourceNotFound(
            message=f"App {p.get('AppType')}/{p.get('AppName')} does not exist for "
            f"{p.get('SpaceName') or p.get('UserProfileName')} in domain {p.get('DomainId')}."
        )
    return app


def r_describe_app(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
        return _app(be, p).describe()


def r_list_apps(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    filters = {
        "DomainIdEquals": ("domain_id", False),
        "UserProfileNameEquals": ("user_profile_name", False),
        "SpaceNameEquals": ("space_name", False),
    }
    return list_summaries(be, "apps", p, "Apps", filters, "CreationTime")


def r_delete_app(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any] | None:
    with LOCK:
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
