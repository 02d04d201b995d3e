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
from moto.networkfirewall.responses import NetworkFirewallResponse

from . import nfw_eval
from .cfn_resources import StudioFirewallPolicy, StudioRuleGroup
from .nfw_store import (
    NfwObject,
    api_policy,
    api_rule_group,
    find_object,
    nfw_backend,
    policy_response,
    rule_group_response,
    store,
)
from .patching import install_once, patch


class _Kind:
    """Firewall policies or rule groups, as the API names them and answers for them."""

    def __init__(
        self, kind: str, noun: str, response: Callable[[NfwObject], dict], body: Callable[[dict], dict]
    ) -> None:
        self.kind = kind  # NfwObject.kind, nfw_store.store's kind
        self.noun = noun  # FirewallPolicy / RuleGroup: FirewallPolicyArn, FirewallPolicyResponse, ...
        self.response = response
        self.body = body

    def objects(self, resp: Any) -> dict[str, NfwObject]:
        return store(self.kind, resp.current_account, resp.region)

    def find(self, resp: Any) -> NfwObject:
        arn, name = resp._get_param(f"{self.noun}Arn"), resp._get_param(f"{self.noun}Name")
        return find_object(self.objects(resp), arn, name, self.noun)

    def created(self, obj: NfwObject) -> ActionResult:
        return ActionResult({"UpdateToken": obj.update_token, f"{self.noun}Response": self.response(obj)})


_POLICY = _Kind("policy", "FirewallPolicy", policy_response, api_policy)
_RULE_GROUP = _Kind("rulegroup", "RuleGroup", rule_group_response, api_rule_group)


def _describe(kind: _Kind) -> Callable[[Any], ActionResult]:
    def describe(self: Any) -> ActionResult:
        obj = kind.find(self)
        return ActionResult(
            {
                "UpdateToken": obj.update_token,
                f"{kind.noun}Response": kind.response(obj),
                kind.noun: kind.body(obj.body),
            }
        )

    return describe


def _delete(kind: _Kind) -> Callable[[Any], ActionResult]:
    def delete(self: Any) -> ActionResult:
        obj = kind.find(self)
        kind.objects(self).pop(obj.arn)
        resp = kind.response(obj)
        resp[f"{kind.noun}Status"] = "DELETING"
        return ActionResult({f"{kind.noun}Response": resp})

    return delete


def _list(kind: _Kind, key: str) -> Callable[[Any], ActionResult]:
    def list_objects(self: Any) -> ActionResult:
        return ActionResult({key: [{"Name": o.name, "Arn": o.arn} for o in kind.objects(self).values()]})

    return list_objects


def _create_firewall_policy(self: Any) -> ActionResult:
    props = {
        "FirewallPolicyName": self._get_param("FirewallPolicyName"),
        "FirewallPolicy": self._get_param("FirewallPolicy"),
        "Description": self._get_param("Description") or "",
        "Tags": self._get_param("Tags") or [],
    }
    model = StudioFirewallPolicy.create(props["FirewallPolicyName"], props, self.current_account, self.region)
    return _POLICY.created(model.obj)


def _create_rule_group(self: Any) -> ActionResult:
    props = {
        k: self._get_param(k)
        for k in ("RuleGroupName", "RuleGroup", "Type", "Capacity", "Description", "Tags")
        if self._get_param(k) is not None
    }
    model = StudioRuleGroup.create(props["RuleGroupName"], props, self.current_account, self.region)
    return _RULE_GROUP.created(model.obj)


def _delete_firewall(self: Any) -> ActionResult:
    b = nfw_backend(self.current_account, self.region)
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
    patch(
        R,
        describe_firewall_policy=_describe(_POLICY),
        create_firewall_policy=_create_firewall_policy,
        delete_firewall_policy=_delete(_POLICY),
        list_firewall_policies=_list(_POLICY, "FirewallPolicies"),
        describe_rule_group=_describe(_RULE_GROUP),
        create_rule_group=_create_rule_group,
        delete_rule_group=_delete(_RULE_GROUP),
        list_rule_groups=_list(_RULE_GROUP, "RuleGroups"),
        update_rule_group=_update(_RULE_GROUP),
        update_firewall_policy=_update(_POLICY),
        delete_firewall=_delete_firewall,
    )


def _update(kind: _Kind) -> Callable[[Any], ActionResult]:
    """UpdateRuleGroup / UpdateFirewallPolicy: the UpdateToken must be the current one (else
    InvalidTokenException) and a new one is returned."""

    def update(self: Any) -> ActionResult:
        obj = kind.find(self)
        token = self._get_param("UpdateToken")
        if token != obj.update_token:
            raise JsonRESTError("InvalidTokenException", "Update token is invalid or out of date.")
        body = self._get_param(kind.noun)
        if body is not None:
            # The rule order is fixed at creation (see nfw_store.update_nfw_object).
            after = nfw_eval.rule_order(kind.kind, body)
            if after != nfw_eval.rule_order(kind.kind, obj.body):
                raise JsonRESTError("InvalidRequestException", f"parameter is invalid, parameter: [{after}]")
            obj.body = body
        if self._get_param("Description") is not None:
            obj.props = dict(obj.props, Description=self._get_param("Description"))
        obj.update_token = str(uuid.uuid4())
        return kind.created(obj)

    return update
