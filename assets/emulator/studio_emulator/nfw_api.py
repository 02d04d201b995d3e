"""Network Firewall API additions moto 5.2.5 lacks: firewall policies and rule groups
(Create / Describe / Update / Delete / List) and a DeleteFirewall that removes the firewall's
endpoints. The objects live in nfw_store; the CloudFormation models (cfn_resources) create them
the same way.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.networkfirewall.models import NetworkFirewallBackend
from moto.networkfirewall.responses import NetworkFirewallResponse

from . import nfw_eval
from .cfn_resources import StudioFirewallPolicy, StudioRuleGroup
from .nfw_store import api_policy, api_rule_group, find_object, nfw_backend, policy_response, rule_group_response
from .once import install_once


def _nfw_resp_backend(self: Any) -> NetworkFirewallBackend:
    return nfw_backend(self.current_account, self.region)


def _describe_firewall_policy(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    obj = find_object(
        b.firewall_policies,
        self._get_param("FirewallPolicyArn"),
        self._get_param("FirewallPolicyName"),
        "FirewallPolicy",
    )  # type: ignore[attr-defined]
    return ActionResult(
        {
            "UpdateToken": obj.update_token,
            "FirewallPolicyResponse": policy_response(obj),
            "FirewallPolicy": api_policy(obj.body),
        }
    )


def _create_firewall_policy(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    model = StudioFirewallPolicy.create_from_cloudformation_json(
        self._get_param("FirewallPolicyName"),
        {
            "Properties": {
                "FirewallPolicyName": self._get_param("FirewallPolicyName"),
                "FirewallPolicy": self._get_param("FirewallPolicy"),
                "Description": self._get_param("Description") or "",
                "Tags": self._get_param("Tags") or [],
            }
        },
        self.current_account,
        self.region,
    )
    del b
    return ActionResult({"UpdateToken": model.obj.update_token, "FirewallPolicyResponse": policy_response(model.obj)})


def _delete_firewall_policy(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    obj = find_object(
        b.firewall_policies,
        self._get_param("FirewallPolicyArn"),
        self._get_param("FirewallPolicyName"),
        "FirewallPolicy",
    )  # type: ignore[attr-defined]
    b.firewall_policies.pop(obj.arn)  # type: ignore[attr-defined]
    resp = policy_response(obj)
    resp["FirewallPolicyStatus"] = "DELETING"
    return ActionResult({"FirewallPolicyResponse": resp})


def _list_firewall_policies(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    return ActionResult({"FirewallPolicies": [{"Name": o.name, "Arn": o.arn} for o in b.firewall_policies.values()]})  # type: ignore[attr-defined]


def _describe_rule_group(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    obj = find_object(b.rule_groups, self._get_param("RuleGroupArn"), self._get_param("RuleGroupName"), "RuleGroup")  # type: ignore[attr-defined]
    return ActionResult(
        {
            "UpdateToken": obj.update_token,
            "RuleGroup": api_rule_group(obj.body),
            "RuleGroupResponse": rule_group_response(obj),
        }
    )


def _create_rule_group(self: Any) -> ActionResult:
    props = {
        k: self._get_param(k)
        for k in ("RuleGroupName", "RuleGroup", "Type", "Capacity", "Description", "Tags")
        if self._get_param(k) is not None
    }
    model = StudioRuleGroup.create_from_cloudformation_json(
        props["RuleGroupName"], {"Properties": props}, self.current_account, self.region
    )
    return ActionResult({"UpdateToken": model.obj.update_token, "RuleGroupResponse": rule_group_response(model.obj)})


def _delete_rule_group(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    obj = find_object(b.rule_groups, self._get_param("RuleGroupArn"), self._get_param("RuleGroupName"), "RuleGroup")  # type: ignore[attr-defined]
    b.rule_groups.pop(obj.arn)  # type: ignore[attr-defined]
    resp = rule_group_response(obj)
    resp["RuleGroupStatus"] = "DELETING"
    return ActionResult({"RuleGroupResponse": resp})


def _list_rule_groups(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    return ActionResult({"RuleGroups": [{"Name": o.name, "Arn": o.arn} for o in b.rule_groups.values()]})  # type: ignore[attr-defined]


def _delete_firewall(self: Any) -> ActionResult:
    b = _nfw_resp_backend(self)
    fw = b._get_firewall(self._get_param("FirewallArn"), self._get_param("FirewallName"))
    ec2 = ec2_backends[self.current_account][self.region]
    for vpce in getattr(fw, "studio_endpoint_ids", []):
        if vpce in ec2.vpc_end_points:
            ec2.vpc_end_points.pop(vpce, None)
    b.firewalls.pop(fw.arn, None)
    from moto.networkfirewall.responses import _firewall

    status = dict(fw.firewall_status)
    status["Status"] = "DELETING"
    return ActionResult({"Firewall": _firewall(fw), "FirewallStatus": status})


@install_once
def install() -> None:
    """Called by cfn.install()."""
    R = NetworkFirewallResponse
    R.describe_firewall_policy = _describe_firewall_policy  # type: ignore[attr-defined]
    R.create_firewall_policy = _create_firewall_policy  # type: ignore[attr-defined]
    R.delete_firewall_policy = _delete_firewall_policy  # type: ignore[attr-defined]
    R.list_firewall_policies = _list_firewall_policies  # type: ignore[attr-defined]
    R.describe_rule_group = _describe_rule_group  # type: ignore[attr-defined]
    R.create_rule_group = _create_rule_group  # type: ignore[attr-defined]
    R.delete_rule_group = _delete_rule_group  # type: ignore[attr-defined]
    R.list_rule_groups = _list_rule_groups  # type: ignore[attr-defined]
    R.delete_firewall = _delete_firewall  # type: ignore[attr-defined]
    R.update_rule_group = _update("rulegroup")  # type: ignore[attr-defined]
    R.update_firewall_policy = _update("policy")  # type: ignore[attr-defined]


def _update(kind: str) -> Callable[[Any], ActionResult]:
    """UpdateRuleGroup / UpdateFirewallPolicy: the UpdateToken must be the current one (else
    InvalidTokenException) and a new one is returned."""

    def update(self: Any) -> ActionResult:
        b = nfw_backend(self.current_account, self.region)
        if kind == "rulegroup":
            obj = find_object(
                b.rule_groups,
                self._get_param("RuleGroupArn"),  # type: ignore[attr-defined]
                self._get_param("RuleGroupName"),
                "RuleGroup",
            )
        else:
            obj = find_object(
                b.firewall_policies,
                self._get_param("FirewallPolicyArn"),  # type: ignore[attr-defined]
                self._get_param("FirewallPolicyName"),
                "FirewallPolicy",
            )
        token = self._get_param("UpdateToken")
        if token != obj.update_token:
            raise JsonRESTError("InvalidTokenException", "Update token is invalid or out of date.")
        body = self._get_param("RuleGroup" if kind == "rulegroup" else "FirewallPolicy")
        if body is not None:
            # The rule order is fixed at creation (see nfw_store.update_nfw_object).
            after = nfw_eval.rule_order(kind, body)
            if after != nfw_eval.rule_order(kind, obj.body):
                raise JsonRESTError("InvalidRequestException", f"parameter is invalid, parameter: [{after}]")
            obj.body = body
        if self._get_param("Description") is not None:
            obj.props = dict(obj.props, Description=self._get_param("Description"))
        obj.update_token = str(uuid.uuid4())
        if kind == "rulegroup":
            return ActionResult({"UpdateToken": obj.update_token, "RuleGroupResponse": rule_group_response(obj)})
        return ActionResult({"UpdateToken": obj.update_token, "FirewallPolicyResponse": policy_response(obj)})

    return update
