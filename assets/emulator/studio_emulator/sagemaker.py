"""SageMaker Studio extension of moto 5.2.5.

moto 5.2.5 ships SageMaker domains (always InService at once, id "d-<name>", no DomainId in the
CreateDomain answer, no checks on delete) and nothing for user profiles, apps, spaces or presigned
URLs. This extension:

* replaces moto's domain methods on ``SageMakerModelBackend`` (so CloudFormation-made domains get
  the same behaviour) with a status lifecycle driven by ``SETTINGS.pace`` (sagemaker_domains);
* adds user profiles, spaces, CreatePresignedDomainUrl (sagemaker_users), apps (sagemaker_apps),
  UpdateDomain, UpdateUserProfile as methods of moto's ``SageMakerResponse`` (moto dispatches on
  the action name and serialises the answer with botocore's service model, so shapes are the real
  API's): the action table, call() and install() are here;
* gives a notebook instance in a subnet its network interface, and adds MLflow tracking servers
  (sagemaker_leftovers);
* keeps all extension state on the moto backend instance, so ``/moto-api/reset`` clears it
  (sagemaker_core).

Statuses are computed from time stamps on every read: no threads.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.exceptions import SagemakerClientError, ValidationError
from moto.sagemaker.models import SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

from . import sagemaker_leftovers
from .config import SETTINGS
from .patching import install_once, patch
from .sagemaker_apps import r_create_app, r_delete_app, r_describe_app, r_list_apps
from .sagemaker_core import studio_state, sweep
from .sagemaker_domains import create_domain, delete_domain, describe_domain, list_domains, update_domain
from .sagemaker_iam import AccessDeniedException, create_app_denied, space_denied
from .sagemaker_users import (
    r_create_presigned_domain_url,
    r_create_space,
    r_create_user_profile,
    r_delete_space,
    r_delete_user_profile,
    r_describe_space,
    r_describe_user_profile,
    r_list_spaces,
    r_list_user_profiles,
    r_update_space,
    r_update_user_profile,
)

# ---- response methods (added to moto's SageMakerResponse) ----------------------------------


def _params(resp: SageMakerResponse) -> dict[str, Any]:
    params = getattr(resp, "params", None)
    if isinstance(params, dict) and params:
        return params
    try:
        return json.loads(resp.body or "{}")
    except ValueError:
        return {}


def r_create_domain(be: SageMakerModelBackend, p: dict[str, Any]) -> dict[str, Any]:
    return create_domain(
        be,
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


# ---- tags on our ARNs ----------------------------------------------------------------------

_orig_get_resource_from_arn = SageMakerModelBackend._get_resource_from_arn


def _get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
    resource = arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    st = studio_state(self)
    if kind == "user-profile":
        domain_id, _, name = rest.partition("/")
        obj = st["profiles"].get((domain_id, name))
    elif kind == "space":
        domain_id, _, name = rest.partition("/")
        obj = st["spaces"].get((domain_id, name))
    elif kind == "app":
        obj = next((a for a in st["apps"].values() if a.arn == arn), None)
    elif kind == "domain":
        sweep(self)
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
    "UpdateSpace": r_update_space,
    "DeleteSpace": r_delete_space,
    "CreateApp": r_create_app,
    "DescribeApp": r_describe_app,
    "ListApps": r_list_apps,
    "DeleteApp": r_delete_app,
    "CreatePresignedDomainUrl": r_create_presigned_domain_url,
    **sagemaker_leftovers.ACTIONS,
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


class AccessDenied(SagemakerClientError):
    code = "AccessDeniedException"


def _refuse_if_denied(action: str) -> None:
    """``SETTINGS.deny`` (``{"deny": ["sagemaker:ListSpaces"]}``): answered as a policy without
    the action would be."""
    with SETTINGS.lock:
        denied = f"sagemaker:{action}" in SETTINGS.deny
    if denied:
        raise AccessDenied(
            f"User: arn:aws:iam::123456789012:user/moto is not authorized to perform: "
            f"sagemaker:{action} because no identity-based policy allows the sagemaker:{action} action"
        )


def _response_method(action: str, fn: Any) -> Any:
    def method(self: SageMakerResponse) -> ActionResult:
        _refuse_if_denied(action)
        out = fn(self.sagemaker_backend, _params(self))
        return EmptyResult() if out is None else ActionResult(out)

    method.__name__ = fn.__name__[2:]
    return method


@install_once
def install() -> None:
    patch(
        SageMakerModelBackend,
        create_domain=create_domain,
        describe_domain=describe_domain,
        list_domains=list_domains,
        delete_domain=delete_domain,
        update_domain=update_domain,
        _get_resource_from_arn=_get_resource_from_arn,
    )
    sagemaker_leftovers.install()
    for action, fn in ACTIONS.items():
        setattr(SageMakerResponse, fn.__name__[2:], _response_method(action, fn))
    patch(
        SageMakerResponse,
        create_app=_create_app_method,
        create_space=_space_method("sagemaker:CreateSpace", r_create_space),
        update_space=_space_method("sagemaker:UpdateSpace", r_update_space),
    )


def _create_app_method(self: SageMakerResponse) -> ActionResult:
    """CreateApp, after the ``deny`` setting and the caller's role policies (sagemaker_iam): a
    Deny that applies refuses it with AccessDeniedException before anything is created."""
    _refuse_if_denied("CreateApp")
    p = _params(self)
    denied = create_app_denied(self.get_access_key(), self.current_account, self.region, p)
    if denied:
        raise AccessDeniedException(denied)
    return ActionResult(r_create_app(self.sagemaker_backend, p) or {})


def _space_method(action: str, fn: Any) -> Any:
    """CreateSpace / UpdateSpace after the caller's role policies, as CreateApp: the space's
    default instance types are the request's ``sagemaker:InstanceTypes``."""

    def method(self: SageMakerResponse) -> ActionResult:
        _refuse_if_denied(action.removeprefix("sagemaker:"))
        p = _params(self)
        denied = space_denied(action, self.get_access_key(), self.current_account, self.region, p)
        if denied:
            raise AccessDeniedException(denied)
        return ActionResult(fn(self.sagemaker_backend, p) or {})

    return method
