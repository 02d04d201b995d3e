"""Templates and parameters of the CloudFormation extension: where a request's template and
parameters come from (TemplateBody, TemplateURL, UsePreviousTemplate, UsePreviousValue, Tags),
parsing, the resources a template's conditions keep, the references between them (Ref,
Fn::GetAtt, Fn::Sub) and a new stack's resource map.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import Stack
from moto.cloudformation.parsing import OutputMap, ResourceMap
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.utils import utcnow

from . import cfn_params
from .cfn_state import stack_backend

log = logging.getLogger("studio_emulator.cfn")


def refs_in(obj: Any, names: set[str], out: set[str]) -> set[str]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "Ref" and isinstance(v, str):
                if v in names:
                    out.add(v)
            elif k == "Fn::GetAtt":
                tgt = v[0] if isinstance(v, list) else str(v).split(".")[0]
                if tgt in names:
                    out.add(tgt)
            elif k == "Fn::Sub":
                s = v[0] if isinstance(v, list) else v
                if isinstance(s, str):
                    for m in re.findall(r"\$\{([^!}][^}]*)\}", s):
                        t = m.split(".")[0]
                        if t in names:
                            out.add(t)
                if isinstance(v, list) and len(v) > 1:
                    refs_in(v[1], names, out)
            else:
                refs_in(v, names, out)
    elif isinstance(obj, list):
        for v in obj:
            refs_in(v, names, out)
    return out


def param_refs_in(obj: Any, params: set[str]) -> set[str]:
    out: set[str] = set()
    refs_in(obj, params, out)
    return out


def active_resources(rm: ResourceMap, template: dict) -> list[str]:
    res = []
    for lid, js in (template.get("Resources") or {}).items():
        cond = js.get("Condition")
        if cond and not rm.lazy_condition_map[cond]:
            continue
        res.append(lid)
    return res


def dependencies(template: dict, active: list[str]) -> dict[str, set[str]]:
    names = set(active)
    out = {}
    for lid in active:
        js = template["Resources"][lid]
        d = refs_in(js.get("Properties", {}), names, set())
        dep_on = js.get("DependsOn") or []
        if isinstance(dep_on, str):
            dep_on = [dep_on]
        d |= {x for x in dep_on if x in names}
        d.discard(lid)
        out[lid] = d
    return out


def parse_template(template: str | dict) -> dict:
    if isinstance(template, dict):
        return template
    try:
        return Stack.parse_template(template)
    except Exception as e:  # noqa: BLE001
        raise ValidationError(message=f"Template format error: {e}") from None


def new_resource_map(stack: Stack, template_dict: dict, params: dict) -> ResourceMap:
    if not isinstance(template_dict, dict) or "Resources" not in template_dict:
        raise ValidationError(message="Template format error: At least one Resources member must be defined.")
    rm = ResourceMap(
        stack.stack_id,
        stack.name,
        params,
        stack.tags or {},
        account_id=stack.account_id,
        region_name=stack.region_name,
        template=template_dict,
        cross_stack_resources=stack_backend(stack).exports,
    )
    rm.load()
    for lid in active_resources(rm, template_dict):
        rtype = template_dict["Resources"][lid].get("Type", "")
        if (
            not rtype.startswith("Custom::")
            and rtype not in parsing.get_model_map()
            and rtype not in parsing.NULL_MODELS
        ):
            log.warning("studio emulator: no CloudFormation model for %s (%s)", rtype, lid)
    return rm


def tags_from(self: CloudFormationResponse) -> dict:
    return {item["Key"]: item["Value"] for item in self._get_param("Tags", []) or []}


def template_from(self: CloudFormationResponse, stack: Stack | None) -> str | dict[str, Any]:
    """The template of CreateStack / UpdateStack / CreateChangeSet: the stack's with
    UsePreviousTemplate, else the request's (template_body)."""
    if self._get_bool_param("UsePreviousTemplate", False):
        if stack is None:
            raise ValidationError(message="UsePreviousTemplate is only valid for an existing stack")
        return stack.template
    return template_body(self)


def params_from(self: CloudFormationResponse, stack: Stack | None) -> dict:
    out = {}
    previous = stack.parameters if stack is not None else {}
    resolved = stack.resource_map.resolved_parameters if stack is not None and stack.template_dict else {}
    for p in self._get_param("Parameters", []) or []:
        key = p["ParameterKey"]
        if p.get("UsePreviousValue") in (True, "true", "True"):
            if key in previous:
                out[key] = previous[key]
            elif key in resolved:
                v = resolved[key]
                out[key] = ",".join(v) if isinstance(v, list) else str(v)
        else:
            out[key] = p.get("ParameterValue")
    return out


def prepare_new_stack(stack: Stack, body: str | dict[str, Any], tpl: dict, params: dict) -> None:
    stack.template = body
    stack.template_dict = tpl
    stack.description = tpl.get("Description")
    stack.parameters = params
    stack.cross_stack_resources = stack_backend(stack).exports
    stack.resource_map = new_resource_map(stack, tpl, params)
    stack.output_map = OutputMap(stack.resource_map, tpl, stack.stack_id)
    stack.creation_time = utcnow()


def template_body(self: CloudFormationResponse) -> str:
    """The request's TemplateBody (51,200 bytes at most), or the template at its TemplateURL."""
    body = self._get_param("TemplateBody")
    url = self._get_param("TemplateURL")
    cfn_params.check_body_size(body)
    if url and not body:
        body = self._get_stack_from_s3_url(url)
    if not body:
        raise ValidationError(message="Either Template URL or Template Body must be specified.")
    return body
