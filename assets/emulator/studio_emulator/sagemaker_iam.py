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
