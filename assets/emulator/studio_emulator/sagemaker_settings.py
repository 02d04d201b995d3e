"""What SageMaker checks in a domain's DefaultUserSettings and DefaultSpaceSettings on
CreateDomain and UpdateDomain: idle shutdown (``AppLifecycleManagement.IdleSettings``) and the
instance types hidden from the Studio UI (``StudioWebPortalSettings.HiddenInstanceTypes``).

SageMaker API reference, ``IdleSettings``: ``IdleTimeoutInMinutes``, ``MinIdleTimeoutInMinutes``
and ``MaxIdleTimeoutInMinutes`` each have "Valid Range: Minimum value of 60. Maximum value of
525600"; ``LifecycleManagement`` has "Valid Values: ENABLED | DISABLED".
``StudioWebPortalSettings.HiddenInstanceTypes`` is a list of ``AppInstanceType`` (its valid values
are the model's enum). ``DefaultSpaceSettings`` has JupyterLab settings but no Code Editor ones:
the responses are serialised with botocore's model, so a member the shape lacks is never
returned, as in AWS.

``DomainSettings.ExecutionRoleIdentityConfig`` (and ``DomainSettingsForUpdate``'s) has "Valid
Values: USER_PROFILE_NAME | DISABLED"; UpdateDomain changes it "only if there are no apps in the
InService or Pending state" (sagemaker_domains).
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.session  # type: ignore[import-untyped]  # botocore ships no stubs; moto loads the same model

from .sagemaker_core import check_int_range, validation_error

IDENTITY_CONFIGS = ("USER_PROFILE_NAME", "DISABLED")
IDLE_MIN = 60
IDLE_MAX = 525600
LIFECYCLE_VALUES = ("ENABLED", "DISABLED")


@functools.cache
def app_instance_types() -> tuple[str, ...]:
    """The ``AppInstanceType`` enum of the SageMaker model (the SDKs' list)."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    return tuple(model.shape_for("AppInstanceType").enum)


def _check_idle(app: Any, where: str) -> None:
    if not isinstance(app, dict):
        return
    idle = (app.get("AppLifecycleManagement") or {}).get("IdleSettings")
    if not isinstance(idle, dict):
        return
    at = f"{where}.appLifecycleManagement.idleSettings"
    lifecycle = idle.get("LifecycleManagement")
    if lifecycle is not None and lifecycle not in LIFECYCLE_VALUES:
        raise validation_error(
            lifecycle, f"{at}.lifecycleManagement", "Member must satisfy enum value set: [ENABLED, DISABLED]"
        )
    for key, attr in (
        ("IdleTimeoutInMinutes", "idleTimeoutInMinutes"),
        ("MinIdleTimeoutInMinutes", "minIdleTimeoutInMinutes"),
        ("MaxIdleTimeoutInMinutes", "maxIdleTimeoutInMinutes"),
    ):
        check_int_range(idle.get(key), f"{at}.{attr}", IDLE_MIN, IDLE_MAX)


def _check_hidden_types(settings: dict[str, Any], where: str) -> None:
    portal = settings.get("StudioWebPortalSettings")
    if not isinstance(portal, dict):
        return
    known = app_instance_types()
    for i, t in enumerate(portal.get("HiddenInstanceTypes") or [], start=1):
        if t not in known:
            raise validation_error(
                t,
                f"{where}.studioWebPortalSettings.hiddenInstanceTypes.{i}.member",
                f"Member must satisfy enum value set: [{', '.join(known)}]",
            )


def check_user_settings(settings: Any, where: str = "defaultUserSettings") -> None:
    """ValidationException for what SageMaker refuses in DefaultUserSettings."""
    if not isinstance(settings, dict):
        return
    _check_idle(settings.get("JupyterLabAppSettings"), f"{where}.jupyterLabAppSettings")
    _check_idle(settings.get("CodeEditorAppSettings"), f"{where}.codeEditorAppSettings")
    _check_hidden_types(settings, where)


def check_space_settings(settings: Any, where: str = "defaultSpaceSettings") -> None:
    """ValidationException for what SageMaker refuses in DefaultSpaceSettings."""
    if not isinstance(settings, dict):
        return
    _check_idle(settings.get("JupyterLabAppSettings"), f"{where}.jupyterLabAppSettings")


def check_domain_settings(settings: Any, where: str = "domainSettings") -> None:
    """ValidationException for an ExecutionRoleIdentityConfig SageMaker does not know."""
    if not isinstance(settings, dict):
        return
    value = settings.get("ExecutionRoleIdentityConfig")
    if value is not None and value not in IDENTITY_CONFIGS:
        raise validation_error(
            value,
            f"{where}.executionRoleIdentityConfig",
            "Member must satisfy enum value set: [USER_PROFILE_NAME, DISABLED]",
        )
