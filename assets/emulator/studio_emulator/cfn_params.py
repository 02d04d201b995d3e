"""Template-level checks real CloudFormation makes before it touches a stack (used by cfn.py).

* the 51,200-byte TemplateBody limit (larger templates must come from S3 via TemplateURL);
* TemplateURL resolution against the emulator's own S3 (virtual-hosted, path-style and
  local ``http://127.0.0.1:<port>/<bucket>/<key>`` URLs);
* parameter validation: unknown names, missing values, AllowedValues / AllowedPattern /
  MinLength / MaxLength / MinValue / MaxValue (per element for list types), with the
  ConstraintDescription when present;
* the template ``Rules`` section (Assertions with Fn::And / Or / Not / Equals / Contains /
  EachMemberEquals / EachMemberIn / RefAll);
* the ValidateTemplate / GetTemplateSummary answers.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import unquote, urlparse

from moto.cloudformation.exceptions import ValidationError
from moto.utilities.utils import get_partition

log = logging.getLogger("studio_emulator.cfn")

TEMPLATE_BODY_MAX = 51200

_IAM_TYPES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Policy": None,
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::IAM::AccessKey": None,
    "AWS::IAM::UserToGroupAddition": None,
}


def _err(message: str) -> ValidationError:
    return ValidationError(message=message)


def text(v: Any) -> str:
    """A template scalar as CloudFormation sees it (YAML may have made it a bool / number)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(text(x) for x in v)
    return "" if v is None else str(v)


# ---------------------------------------------------------------------------
# Template body / URL
# ---------------------------------------------------------------------------
def check_body_size(body: str | None) -> None:
    if body and len(body.encode("utf-8")) > TEMPLATE_BODY_MAX:
        raise _err(
            f"1 validation error detected: Value '{body}' at 'templateBody' failed to satisfy "
            f"constraint: Member must have length less than or equal to {TEMPLATE_BODY_MAX}"
        )


_VHOST = re.compile(r"^(?P<bucket>.+)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")


def split_template_url(url: str) -> tuple[str, str]:
    """(bucket, key) of an S3 object URL: https://<b>.s3[.<region>].amazonaws.com/<key>,
    https://s3[.<region>].amazonaws.com/<b>/<key>, or path-style on any other host
    (http://127.0.0.1:<port>/<b>/<key>, http://localhost:<port>/<b>/<key>)."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _err("TemplateURL must be a supported URL.")
    host = (parts.hostname or "").lower()
    path = parts.path.lstrip("/")
    m = _VHOST.match(host)
    if m:
        bucket, key = m.group("bucket"), path
    else:  # path style
        bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise _err("TemplateURL must be a supported URL.")
    return bucket, unquote(key)


def template_from_url(url: str, account_id: str, partition: str) -> str:
    from moto.s3.models import s3_backends

    bucket, key = split_template_url(url)
    backend = s3_backends[account_id][partition]
    if bucket not in backend.buckets:
        raise _err("S3 error: The specified bucket does not exist")
    obj = backend.buckets[bucket].keys.get(key)
    if obj is None or not hasattr(obj, "value"):  # missing, or a delete marker
        raise _err("S3 error: The specified key does not exist.")
    try:
        return obj.value.decode("utf-8")
    except UnicodeDecodeError:
        raise _err("Template format error: unsupported structure.") from None


# ---------------------------------------------------------------------------
# Template structure
# ---------------------------------------------------------------------------
_SCALAR_TYPES = {"String", "Number", "List<Number>", "CommaDelimitedList"}


def check_structure(tpl: dict) -> None:
    if not isinstance(tpl, dict):
        raise _err("Template format error: At least one Resources member must be defined.")
    decls = tpl.get("Parameters") or {}
    if not isinstance(decls, dict):
        raise _err("Template format error: Parameters must be an object.")
    for d in decls.values():
        if not isinstance(d, dict) or "Type" not in d:
            raise _err("Template format error: Every Parameters object must contain a Type member.")
        ptype = str(d["Type"])
        if ptype not in _SCALAR_TYPES and not ptype.startswith(("AWS::", "List<AWS::")):
            raise _err(f"Template format error: Unrecognized parameter type: {ptype}")
        if "AllowedValues" in d and not isinstance(d["AllowedValues"], list):
            raise _err("Template format error: Every AllowedValues member must be a list.")
    rules = tpl.get("Rules") or {}
    if not isinstance(rules, dict):
        raise _err("Template format error: Rules must be an object.")
    for name, rule in rules.items():
        if not isinstance(rule, dict) or not isinstance(rule.get("Assertions"), list):
            raise _err(f"Template format error: Every Rules object must contain an Assertions member (rule {name}).")


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------
def _is_list_type(ptype: str) -> bool:
    return ptype == "CommaDelimitedList" or ptype.startswith("List<")


def _items(ptype: str, value: str) -> list[str]:
    """The values a parameter holds. An empty CommaDelimitedList is one empty entry, [""], and
    AllowedPattern applies to it (cfn-language-discussion#102, cfn-lint#4396)."""
    if not _is_list_type(ptype):
        return [value]
    if value == "" and ptype != "CommaDelimitedList":
        return []
    return [x.strip() for x in value.split(",")]


def _number(v: str) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _check_one(name: str, d: dict, value: str) -> None:
    ptype = str(d.get("Type", "String"))
    if ptype.startswith("AWS::SSM::Parameter::"):
        return  # the value is an SSM parameter name, resolved later
    desc = d.get("ConstraintDescription")

    def fail(default: str) -> None:
        raise _err(f"Parameter '{name}' failed to satisfy constraint: {text(desc).strip()}" if desc else default)

    numeric = ptype in ("Number", "List<Number>")
    allowed = [text(x) for x in d.get("AllowedValues") or []]
    pattern = d.get("AllowedPattern")
    regex = None
    if pattern is not None:
        try:
            regex = re.compile(text(pattern))
        except re.error:
            log.warning("parameter %s: AllowedPattern %r is not a Python regex; not checked", name, pattern)
    for item in _items(ptype, value):
        num = _number(item) if numeric else None
        if numeric and num is None:
            raise _err(f"Parameter '{name}' must be a number.")
        if allowed and item not in allowed and not (numeric and any(_number(a) == num for a in allowed)):
            fail(f"Parameter '{name}' must be one of AllowedValues")
        if regex is not None and not regex.fullmatch(item):
            fail(f"Parameter '{name}' must match pattern {text(pattern)}")
        if "MinLength" in d and len(item) < int(d["MinLength"]):
            fail(f"Parameter '{name}' must contain at least {text(d['MinLength'])} characters")
        if "MaxLength" in d and len(item) > int(d["MaxLength"]):
            fail(f"Parameter '{name}' must contain at most {text(d['MaxLength'])} characters")
        if num is not None and "MinValue" in d and num < float(d["MinValue"]):
            fail(f"Parameter '{name}' must be a number not less than {text(d['MinValue'])}")
        if num is not None and "MaxValue" in d and num > float(d["MaxValue"]):
            fail(f"Parameter '{name}' must be a number not greater than {text(d['MaxValue'])}")


def validate_parameters(
    tpl: dict, given: dict[str, Any], account_id: str, region: str, stack_name: str | None = None
) -> dict[str, str]:
    """Raises ValidationError like CloudFormation; returns the effective values (text)."""
    check_structure(tpl)
    decls = tpl.get("Parameters") or {}
    if given and not decls:
        raise _err("Parameter values specified for a template which does not require them.")
    unknown = [k for k in given if k not in decls]
    if unknown:
        raise _err(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    values: dict[str, str] = {}
    missing = []
    for name, d in decls.items():
        if given.get(name) is not None:
            values[name] = text(given[name])
        elif "Default" in d:
            values[name] = text(d["Default"])
        else:
            missing.append(name)
    if missing:
        raise _err(f"Parameters: [{', '.join(missing)}] must have values")
    for name, d in decls.items():
        _check_one(name, d, values[name])
    check_rules(tpl, values, account_id, region, stack_name)
    return values


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------
class _Unsupported(Exception):
    pass


def _ref_all(ptype: str, account_id: str, region: str) -> list[str]:
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[account_id][region]
    if ptype == "AWS::EC2::VPC::Id":
        return list(ec2.vpcs)
    if ptype == "AWS::EC2::Subnet::Id":
        return [s.id for s in ec2.describe_subnets()]
    if ptype == "AWS::EC2::SecurityGroup::Id":
        return [g.id for g in ec2.describe_security_groups()]
    if ptype == "AWS::EC2::AvailabilityZone::Name":
        return [z.name for z in ec2.describe_availability_zones()]
    if ptype == "AWS::EC2::KeyPair::KeyName":
        return list(ec2.key_pairs)
    raise _Unsupported(f"Fn::RefAll {ptype}")


def check_rules(tpl: dict, values: dict[str, str], account_id: str, region: str, stack_name: str | None = None) -> None:
    decls = tpl.get("Parameters") or {}
    pseudo: dict[str, Any] = {
        "AWS::AccountId": account_id,
        "AWS::Region": region,
        # The region's partition as moto names it (aws-us-gov, aws-iso, aws-iso-b, aws-eusc…):
        # a rule that refuses a partition refuses it here too.
        "AWS::Partition": get_partition(region),
        "AWS::URLSuffix": "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com",
        "AWS::StackName": stack_name or "",
        "AWS::NotificationARNs": [],
    }

    def ev(node: Any) -> Any:
        if isinstance(node, list):
            return [ev(x) for x in node]
        if not isinstance(node, dict):
            return text(node)
        if len(node) != 1:
            raise _Unsupported(str(list(node)))
        ((fn, arg),) = node.items()
        if fn == "Ref":
            if arg in values:
                ptype = str(decls[arg].get("Type", "String"))
                return _items(ptype, values[arg]) if _is_list_type(ptype) else values[arg]
            if arg in pseudo:
                return pseudo[arg]
            raise _err(
                f"Template format error: Unresolved resource dependencies [{arg}] in the Rules block of the template"
            )
        if fn == "Fn::Equals":
            a, b = ev(arg[0]), ev(arg[1])
            return a == b
        if fn == "Fn::Not":
            return not _true(ev(arg[0] if isinstance(arg, list) else arg))
        if fn == "Fn::And":
            return all(_true(ev(x)) for x in arg)
        if fn == "Fn::Or":
            return any(_true(ev(x)) for x in arg)
        if fn == "Fn::Contains":
            return text(ev(arg[1])) in _as_list(ev(arg[0]))
        if fn == "Fn::EachMemberEquals":
            want = text(ev(arg[1]))
            return all(x == want for x in _as_list(ev(arg[0])))
        if fn == "Fn::EachMemberIn":
            pool = set(_as_list(ev(arg[1])))
            return all(x in pool for x in _as_list(ev(arg[0])))
        if fn == "Fn::RefAll":
            return _ref_all(text(arg), account_id, region)
        raise _Unsupported(fn)

    for rname, rule in (tpl.get("Rules") or {}).items():
        try:
            if "RuleCondition" in rule and not _true(ev(rule["RuleCondition"])):
                continue
        except _Unsupported as e:
            log.warning("rule %s: %s not supported by the emulator; rule skipped", rname, e)
            continue
        for a in rule.get("Assertions") or []:
            try:
                ok = _true(ev(a.get("Assert")))
            except _Unsupported as e:
                log.warning("rule %s: %s not supported by the emulator; assertion skipped", rname, e)
                continue
            if not ok:
                raise _err(
                    text(a.get("AssertDescription")).strip() or f"Template validation error: rule {rname} failed"
                )


def _true(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.lower() == "true")


def _as_list(v: Any) -> list[str]:
    if isinstance(v, list):
        return [text(x) for x in v]
    return _items("CommaDelimitedList", text(v))


# ---------------------------------------------------------------------------
# ValidateTemplate / GetTemplateSummary answers
# ---------------------------------------------------------------------------
def capabilities(tpl: dict) -> tuple[list[str], str | None]:
    types: list[str] = []
    named = False
    for js in (tpl.get("Resources") or {}).values():
        rtype = (js or {}).get("Type")
        if rtype in _IAM_TYPES:
            if rtype not in types:
                types.append(rtype)
            name_prop = _IAM_TYPES[rtype]
            named |= bool(name_prop and name_prop in ((js or {}).get("Properties") or {}))
    if not types:
        return [], None
    return (
        ["CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM"],
        f"The following resource(s) require capabilities: [{', '.join(types)}]",
    )


def _transforms(tpl: dict) -> list[str]:
    t = tpl.get("Transform")
    return [] if t is None else ([text(x) for x in t] if isinstance(t, list) else [text(t)])


def validate_template_result(tpl: dict) -> dict:
    check_structure(tpl)
    params = []
    for name, d in (tpl.get("Parameters") or {}).items():
        p: dict[str, Any] = {"ParameterKey": name, "NoEcho": _true(text(d.get("NoEcho", False)))}
        if "Default" in d:
            p["DefaultValue"] = text(d["Default"])
        if d.get("Description") is not None:
            p["Description"] = text(d["Description"])
        params.append(p)
    caps, reason = capabilities(tpl)
    out: dict[str, Any] = {"Parameters": params, "Capabilities": caps, "DeclaredTransforms": _transforms(tpl)}
    if reason:
        out["CapabilitiesReason"] = reason
    if tpl.get("Description") is not None:
        out["Description"] = text(tpl["Description"])
    return out


def template_summary(tpl: dict) -> dict:
    check_structure(tpl)
    params = []
    for name, d in (tpl.get("Parameters") or {}).items():
        p: dict[str, Any] = {
            "ParameterKey": name,
            "ParameterType": text(d.get("Type", "String")),
            "NoEcho": _true(text(d.get("NoEcho", False))),
            "ParameterConstraints": {},
        }
        if "Default" in d:
            p["DefaultValue"] = text(d["Default"])
        if d.get("Description") is not None:
            p["Description"] = text(d["Description"])
        if d.get("AllowedValues"):
            p["ParameterConstraints"]["AllowedValues"] = [text(x) for x in d["AllowedValues"]]
        params.append(p)
    rtypes: list[str] = []
    for js in (tpl.get("Resources") or {}).values():
        t = (js or {}).get("Type")
        if t and t not in rtypes:
            rtypes.append(t)
    caps, reason = capabilities(tpl)
    out: dict[str, Any] = {
        "Parameters": params,
        "ResourceTypes": rtypes,
        "Capabilities": caps,
        "DeclaredTransforms": _transforms(tpl),
    }
    if reason:
        out["CapabilitiesReason"] = reason
    for key, src in (("Description", "Description"), ("Version", "AWSTemplateFormatVersion")):
        if tpl.get(src) is not None:
            out[key] = text(tpl[src])
    if tpl.get("Metadata") is not None:
        out["Metadata"] = json.dumps(tpl["Metadata"], default=str)
    return out
