"""The identity policies of a role session, evaluated for SageMaker's CreateApp, CreateSpace and
UpdateSpace.

moto evaluates no IAM policy. Studio creates every app with the execution role's session, and
studio-tui's template denies that role ``sagemaker:CreateApp``, ``sagemaker:CreateSpace`` and
``sagemaker:UpdateSpace`` on instance types outside the project's list
(``ForAnyValue:StringNotEquals`` on ``sagemaker:InstanceTypes``). The Service Authorization
Reference lists ``sagemaker:InstanceTypes`` for all three ("Filters access by the list of all
instance types associated with the resource in the request",
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html):
for CreateApp the request's ``ResourceSpec.InstanceType``; for a space the
``DefaultResourceSpec.InstanceType`` of each of its app settings (``SpaceSettings``'
JupyterLab, CodeEditor, KernelGateway and JupyterServer app settings), which a later CreateApp
with no ResourceSpec starts on. A request that names no type carries no key, and a
``ForAnyValue`` condition on a missing key does not match. Here such a call made with an
assumed role's credentials is refused when a Deny of the role's inline or attached managed
policies applies, with AWS's ``AccessDeniedException`` and its explicit-deny message. Only Deny
statements are evaluated (an Allow missing is not modelled): enough for a guardrail, and no
other caller is affected.
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any
from urllib.parse import unquote

from moto.core.exceptions import JsonRESTError

from .s3_policy import caller_identity, policy_denies, principal_arn

ACTION = "sagemaker:CreateApp"
SPACE_APP_SETTINGS = (
    "JupyterLabAppSettings",
    "CodeEditorAppSettings",
    "KernelGatewayAppSettings",
    "JupyterServerAppSettings",
)


class AccessDeniedException(JsonRESTError):
    """SageMaker's answer to a call IAM refuses (HTTP 400, ``__type`` AccessDeniedException)."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


def _documents(role: Any) -> list[dict[str, Any]]:
    docs: list[Any] = list((getattr(role, "policies", None) or {}).values())
    for policy in (getattr(role, "managed_policies", None) or {}).values():
        for version in getattr(policy, "versions", []) or []:
            if getattr(version, "is_default", False) or getattr(version, "is_default_version", False):
                docs.append(version.document)
    out = []
    for doc in docs:
        if isinstance(doc, str):
            try:
                doc = json.loads(unquote(doc) if doc.startswith("%") else doc)
            except ValueError:
                continue
        if isinstance(doc, dict):
            out.append(doc)
    return out


def app_arn(partition: str, region: str, account: str, p: dict[str, Any]) -> str:
    owner = p.get("SpaceName") or p.get("UserProfileName") or ""
    return (
        f"arn:{partition}:sagemaker:{region}:{account}:app/{p.get('DomainId')}/{owner}/"
        f"{str(p.get('AppType', '')).lower()}/{p.get('AppName')}"
    )


def space_arn(partition: str, region: str, account: str, p: dict[str, Any]) -> str:
    return f"arn:{partition}:sagemaker:{region}:{account}:space/{p.get('DomainId')}/{p.get('SpaceName')}"


def space_instance_types(p: dict[str, Any]) -> list[str]:
    """The instance types a CreateSpace or UpdateSpace request associates with the space: each
    app settings' ``DefaultResourceSpec.InstanceType``."""
    settings = p.get("SpaceSettings") or {}
    out: list[str] = []
    for key in SPACE_APP_SETTINGS:
        t = ((settings.get(key) or {}).get("DefaultResourceSpec") or {}).get("InstanceType")
        if t and t not in out:
            out.append(t)
    return out


def create_app_denied(access_key: str, account: str, region: str, p: dict[str, Any]) -> str | None:
    """AWS's AccessDeniedException message when the caller's role denies this CreateApp, else
    None (a caller that is not a role session is not evaluated)."""
    t = (p.get("ResourceSpec") or {}).get("InstanceType")
    return role_denied(access_key, account, region, ACTION, app_arn, p, [t] if t else [])


def space_denied(action: str, access_key: str, account: str, region: str, p: dict[str, Any]) -> str | None:
    """The same for ``sagemaker:CreateSpace`` / ``sagemaker:UpdateSpace`` (``action``)."""
    return role_denied(access_key, account, region, action, space_arn, p, space_instance_types(p))


def role_denied(
    access_key: str,
    account: str,
    region: str,
    action: str,
    arn: Any,
    p: dict[str, Any],
    instance_types: list[str],
) -> str | None:
    try:
        ident = caller_identity(access_key, region, account)
    except Exception:  # noqa: BLE001  (an unknown key: moto's own answer stands)
        return None
    m = re.match(r"^arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/.+$", ident["Arn"])
    if not m:
        return None
    from moto.iam.models import iam_backends

    try:
        role = iam_backends[m.group(2)][m.group(1)].get_role(m.group(3))
    except Exception:  # noqa: BLE001
        return None
    ctx: dict[str, Any] = {
        "aws:PrincipalArn": principal_arn(ident["Arn"], m.group(2), m.group(1)),
        "aws:PrincipalAccount": m.group(2),
        "aws:PrincipalType": "AssumedRole",
        "_CallerArn": ident["Arn"],
    }
    if instance_types:
        ctx["sagemaker:InstanceTypes"] = instance_types
    resource = arn(m.group(1), region, m.group(2), p)
    if any(policy_denies(doc, action, resource, ctx) for doc in _documents(role)):
        return (
            f"User: {ident['Arn']} is not authorized to perform: {action} on resource: {resource} "
            "with an explicit deny in an identity-based policy"
        )
    return None


SAGEMAKER_PRINCIPAL = "sagemaker.amazonaws.com"


def _listed(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def trusts_source_identity(document: Any) -> bool:
    """The role's trust policy allows SageMaker ``sts:SetSourceIdentity`` (an Allow statement for
    the service principal whose actions name it, ``sts:*`` or ``*``)."""
    if isinstance(document, str):
        try:
            document = json.loads(unquote(document) if document.startswith("%") else document)
        except ValueError:
            return False
    if not isinstance(document, dict):
        return False
    for s in _listed(document.get("Statement") or []):
        if not isinstance(s, dict) or s.get("Effect") != "Allow":
            continue
        services = (
            _listed((s.get("Principal") or {}).get("Service") or []) if isinstance(s.get("Principal"), dict) else []
        )
        if SAGEMAKER_PRINCIPAL not in services:
            continue
        # IAM action names match case-insensitively, with * and ? wildcards.
        actions = [str(a).lower() for a in _listed(s.get("Action") or [])]
        if any(fnmatch.fnmatchcase("sts:setsourceidentity", a) for a in actions):
            return True
    return False


def source_identity_refused(role_arn: str | None) -> str | None:
    """Why SageMaker cannot start an app as ``role_arn`` with the user profile's name as its
    source identity (the domain's ``ExecutionRoleIdentityConfig`` is ``USER_PROFILE_NAME``), or
    None. "Any role that the domain's execution role assumes must have the sts:SetSourceIdentity
    permission in the trust policy. If this permission is missing, your actions fail"
    (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html), and IAM
    refuses an AssumeRole that sets a source identity the trust policy does not allow
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
    A role that is not in the account's IAM is not evaluated (moto's own answer stands)."""
    m = re.match(r"^arn:([^:]+):iam::(\d+):role/(?:.*/)?([^/]+)$", role_arn or "")
    if not m:
        return None
    from moto.iam.models import iam_backends

    try:
        role = iam_backends[m.group(2)][m.group(1)].get_role(m.group(3))
    except Exception:  # noqa: BLE001
        return None
    if trusts_source_identity(role.assume_role_policy_document):
        return None
    return (
        f"SageMaker could not assume the execution role {role_arn} with the user profile name as "
        "its source identity: the role's trust policy does not allow sts:SetSourceIdentity"
    )
