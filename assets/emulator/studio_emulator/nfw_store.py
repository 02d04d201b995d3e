"""What the emulator keeps for AWS Network Firewall next to moto's backend, and how its API shows it.

moto 5.2.5 has firewalls but no firewall policies or rule groups: they are stored here, on moto's
network-firewall backend (so /moto-api/reset clears them), as the stack's resources
(cfn_resources) and the API additions (nfw_api) create them. Also the checks Network Firewall
makes on a policy, and the answers' shapes. A leaf above nfw_eval (the rule order).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from moto.networkfirewall.models import NetworkFirewallBackend, networkfirewall_backends

from .nfw_eval import rule_order


def nfw_backend(account_id: str, region: str) -> NetworkFirewallBackend:
    """moto's network-firewall backend, with the emulator's stores (see store())."""
    backend = networkfirewall_backends[account_id][region]
    vars(backend).setdefault("firewall_policies", {})
    vars(backend).setdefault("rule_groups", {})
    return backend


def store(kind: str, account_id: str, region: str) -> dict[str, NfwObject]:
    """The firewall policies (kind "policy") or rule groups ("rulegroup") of an account and region,
    by ARN. They live on moto's backend, so /moto-api/reset clears them."""
    objects: dict[str, NfwObject] = vars(nfw_backend(account_id, region))[
        "firewall_policies" if kind == "policy" else "rule_groups"
    ]
    return objects


class NfwObject:
    """A firewall policy or rule group stored in the network-firewall backend."""

    def __init__(self, kind: str, name: str, arn: str, body: dict, props: dict):
        self.kind = kind
        self.name = name
        self.arn = arn
        self.id = str(uuid.uuid4())
        self.body = body
        self.props = props
        self.update_token = str(uuid.uuid4())


class NfwInvalidRequest(ValueError):
    """Network Firewall's InvalidRequestException, as CloudFormation's handler reports it."""

    def __init__(self, detail: str):
        super().__init__(
            f'Resource handler returned message: "{detail} (Service: NetworkFirewall, Status Code: 400, '
            f'Request ID: {uuid.uuid4()})" (RequestToken: {uuid.uuid4()}, HandlerErrorCode: InvalidRequest)'
        )


# API_FirewallPolicy, StatefulDefaultActions (and the developer guide's "Strict evaluation order"):
# valid values, only with STRICT_ORDER; the established and application-layer families cannot
# be combined ("StatefulDefaultActions cannot exist together").
_DEFAULT_ACTION_FAMILIES = {
    "aws:drop_strict": "strict",
    "aws:alert_strict": "strict",
    "aws:drop_established": "established",
    "aws:alert_established": "established",
    "aws:drop_established_app_layer": "app_layer",
    "aws:alert_established_app_layer": "app_layer",
    "aws:drop_established_app_layer_to_server": "app_layer_to_server",
    "aws:alert_established_app_layer_to_server": "app_layer_to_server",
}


def check_policy(props: dict, account_id: str, region: str) -> None:
    """What CreateFirewallPolicy / UpdateFirewallPolicy refuse for the studio template's shapes."""
    pol = props.get("FirewallPolicy") or {}
    order = rule_order("policy", pol)
    defaults = pol.get("StatefulDefaultActions") or []
    if defaults and order != "STRICT_ORDER":
        raise NfwInvalidRequest(
            "StatefulDefaultActions is only valid with the strict rule order, parameter: "
            f"[{', '.join(defaults)}], context: StatefulDefaultActions"
        )
    families = set()
    for a in defaults:
        if a not in _DEFAULT_ACTION_FAMILIES:
            raise NfwInvalidRequest(f"parameter is invalid, parameter: [{a}], context: StatefulDefaultActions")
        families.add(_DEFAULT_ACTION_FAMILIES[a])
    if len(families - {"strict"}) > 1:
        raise NfwInvalidRequest("StatefulDefaultActions cannot exist together, context: StatefulDefaultActions")
    groups = store("rulegroup", account_id, region)
    for i, ref in enumerate(pol.get("StatefulRuleGroupReferences") or []):
        prio = ref.get("Priority")
        if order != "STRICT_ORDER" and prio is not None:
            raise NfwInvalidRequest(
                f"Priority cannot be provided, parameter: [{prio}], context: StatefulRuleGroupReferences[{i}][Priority={prio}]"
            )
        if order == "STRICT_ORDER" and prio is None:
            raise NfwInvalidRequest(f"Priority must be provided, context: StatefulRuleGroupReferences[{i}]")
        group = groups.get(ref.get("ResourceArn"))
        if group is None:
            raise NfwInvalidRequest(f"Rule group not found, parameter: [{ref.get('ResourceArn')}]")
        g_order = rule_order("rulegroup", group.body)
        if g_order != order:
            # "The settings for your rule groups must match the settings for the firewall policy"
            raise NfwInvalidRequest(
                f"parameter is invalid, parameter: [{g_order}], context: StatefulRuleGroupReferences[{i}]"
            )


def update_nfw_object(resource: Any, rtype: str, props: dict) -> None:
    """UpdateRuleGroup / UpdateFirewallPolicy in place (same ARN), as CloudFormation runs a Modify.

    The rule order is fixed at creation: Network Firewall refuses the change at execution with
    "parameter is invalid, parameter: [STRICT_ORDER]" although CloudFormation plans it as
    "Modify, no replacement" (landing-zone-accelerator-on-aws#23, cloudformation-coverage-roadmap#959).
    """
    obj = resource.obj
    kind = "policy" if rtype == "AWS::NetworkFirewall::FirewallPolicy" else "rulegroup"
    body = props.get("FirewallPolicy" if kind == "policy" else "RuleGroup") or {}
    before, after = rule_order(kind, obj.body), rule_order(kind, body)
    if before != after:
        raise NfwInvalidRequest(f"parameter is invalid, parameter: [{after}]")
    if rtype == "AWS::NetworkFirewall::FirewallPolicy":
        check_policy(props, resource.account_id, resource.region)
        obj.body = props.get("FirewallPolicy", {})
    else:
        obj.body = props.get("RuleGroup", {})
    obj.props = props
    obj.update_token = str(uuid.uuid4())


def _in_use_by(kind: str, arn: str, account_id: str, region: str) -> str | None:
    if kind == "policy":
        for fw in nfw_backend(account_id, region).firewalls.values():
            if fw.firewall_policy_arn == arn:
                return f"firewall {fw.firewall_name}"
    else:
        for pol in store("policy", account_id, region).values():
            refs = (pol.body or {}).get("StatefulRuleGroupReferences") or []
            refs = refs + ((pol.body or {}).get("StatelessRuleGroupReferences") or [])
            if any(r.get("ResourceArn") == arn for r in refs):
                return f"firewall policy {pol.name}"
    return None


def refuse_delete_in_use(kind: str, arn: str, account_id: str, region: str) -> None:
    # API_DeleteFirewallPolicy / API_DeleteRuleGroup, InvalidOperationException: "you might have
    # tried to delete a rule group or firewall policy that's in use."
    user = _in_use_by(kind, arn, account_id, region)
    if user is not None:
        what = "firewall policy" if kind == "policy" else "rule group"
        raise ValueError(
            f"The operation failed because it's not valid: the {what} {arn} is in use by {user} "
            "(Service: NetworkFirewall, Error Code: InvalidOperationException)"
        )


def policy_response(obj: NfwObject) -> dict:
    return {
        "FirewallPolicyName": obj.name,
        "FirewallPolicyArn": obj.arn,
        "FirewallPolicyId": obj.id,
        "Description": obj.props.get("Description", ""),
        "FirewallPolicyStatus": "ACTIVE",
        "Tags": obj.props.get("Tags", []),
    }


def rule_group_response(obj: NfwObject) -> dict:
    return {
        "RuleGroupArn": obj.arn,
        "RuleGroupName": obj.name,
        "RuleGroupId": obj.id,
        "Description": obj.props.get("Description", ""),
        "Type": obj.props.get("Type", "STATEFUL"),
        "Capacity": int(obj.props.get("Capacity", 100)),
        "RuleGroupStatus": "ACTIVE",
        "Tags": obj.props.get("Tags", []),
    }


def _int(v: Any) -> Any:
    try:
        return int(v)
    except (TypeError, ValueError):
        return v


def api_policy(body: dict) -> dict:
    """A policy as DescribeFirewallPolicy's `FirewallPolicy` answers it: the stored (CloudFormation
    or CreateFirewallPolicy) body with Priority as an integer (a template may write "100")."""
    out = json.loads(json.dumps(body or {}))
    for key in ("StatefulRuleGroupReferences", "StatelessRuleGroupReferences"):
        for ref in out.get(key) or []:
            if "Priority" in ref:
                ref["Priority"] = _int(ref["Priority"])
    return out


def api_rule_group(body: dict) -> dict:
    """A rule group as DescribeRuleGroup's `RuleGroup` answers it (Targets and TargetTypes as
    lists, as CloudFormation passes a comma-delimited parameter)."""
    out = json.loads(json.dumps(body or {}))
    lst = (out.get("RulesSource") or {}).get("RulesSourceList")
    if lst:
        for key in ("Targets", "TargetTypes"):
            if isinstance(lst.get(key), str):
                lst[key] = [x.strip() for x in lst[key].split(",") if x.strip()]
    return out


def find_object(store: dict, arn: str | None, name: str | None, what: str) -> NfwObject:
    from moto.networkfirewall.exceptions import ResourceNotFound

    if arn and arn in store:
        return store[arn]
    for obj in store.values():
        if name and obj.name == name:
            return obj
    raise ResourceNotFound(f"{what} {arn or name} not found")
