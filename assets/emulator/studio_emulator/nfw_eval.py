"""AWS Network Firewall's documented evaluation of one flow from the VPC to the outside, the same
rules as studio-tui's `core::firewall::policy` (both are tested against the one case table,
assets/firewall-cases.json), so the alert records the emulator writes and `firewall check`
never disagree.

* Stateless engine: with no stateless rule group, the stateless default actions (`aws:pass`,
  `aws:drop`, `aws:forward_to_sfe`).
* Stateful engine, STRICT_ORDER: rule groups by priority (lowest first), rules in the order
  written; pass / drop / reject end the evaluation, alert logs and goes on; then the policy's
  StatefulDefaultActions. DEFAULT_ACTION_ORDER: every matching rule, pass before drop before
  reject before alert; no match passes.
* Domain lists ("Stateful domain list rule groups"): an explicit name matches only itself,
  `.example.com` matches example.com and every subdomain; an ALLOWLIST generates a pass for
  the listed names and a drop of the other flows of each target type ("not matching any TLS
  allowlisted FQDNs"), so TLS without SNI is dropped.
* Suricata rule strings: the shapes the template uses (action proto $HOME_NET any ->
  $EXTERNAL_NET port (msg; sid; rev; flow; ip_proto)). Anything else makes the verdict
  "unknown" with the rule quoted.

Flows: {"host": name or IPv4, "port": int or None, "protocol": "tls"|"http"|"tcp"|"udp"|"icmp"}.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

ALLOW_DROP_SIGNATURE = {
    "tls": "not matching any TLS allowlisted FQDNs",
    "http": "not matching any HTTP allowlisted FQDNs",
}
DROP_DEFAULTS = {"aws:drop_strict", "aws:drop_established", "aws:drop_established_app_layer_to_server"}
ALERT_DEFAULTS = {"aws:alert_strict", "aws:alert_established", "aws:alert_established_app_layer_to_server"}
IP_PROTO = {"TCP": "tcp", "6": "tcp", "UDP": "udp", "17": "udp", "ICMP": "icmp", "1": "icmp"}


class Unrecognised(Exception):
    def __init__(self, rule: str, why: str):
        super().__init__(f"{rule}: {why}")
        self.rule, self.why = rule, why


# API_StatefulEngineOptions / API_StatefulRuleOptions: RuleOrder DEFAULT_ACTION_ORDER | STRICT_ORDER,
# DEFAULT_ACTION_ORDER when absent.
DEFAULT_ORDER = "DEFAULT_ACTION_ORDER"


def rule_order(kind: str, body: dict | None) -> str:
    """The stateful rule order of a rule group's (`RuleGroup`) or policy's (`FirewallPolicy`) body."""
    key = "StatefulRuleOptions" if kind == "rulegroup" else "StatefulEngineOptions"
    opts = ((body or {}).get(key)) or {}
    return str(opts.get("RuleOrder") or DEFAULT_ORDER)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
        return True
    except ValueError:
        return False


def domain_entry_matches(entry: str, name: str) -> bool:
    entry, name = entry.strip().rstrip(".").lower(), name.rstrip(".").lower()
    if entry.startswith("."):
        base = entry[1:]
        return name == base or name.endswith("." + base)
    return name == entry


def _ip_proto(flow: dict) -> str:
    return {"tls": "tcp", "http": "tcp", "tcp": "tcp"}.get(flow["protocol"], flow["protocol"])


def _split_options(options: str) -> list[str]:
    out, cur, quoted, escaped = [], "", False, False
    for c in options:
        if escaped:
            cur, escaped = cur + c, False
        elif c == "\\":
            cur, escaped = cur + c, True
        elif c == '"':
            cur, quoted = cur + c, not quoted
        elif c == ";" and not quoted:
            if cur.strip():
                out.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        out.append(cur.strip())
    return out


def parse_rule(line: str) -> dict:
    """One Suricata rule of the supported shapes, or Unrecognised(rule, why)."""
    if "(" not in line:
        raise Unrecognised(line, "no option list")
    header, options = line.split("(", 1)
    options = options.rstrip()
    if not options.endswith(")"):
        raise Unrecognised(line, "the option list is not closed")
    parts = header.split()
    if len(parts) != 7:
        raise Unrecognised(line, "the header is not `action proto src port -> dst port`")
    action, proto, src, _sport, direction, dst, dport = parts
    if action.lower() not in ("pass", "drop", "reject", "alert"):
        raise Unrecognised(line, f"action {action}")
    if proto.lower() not in ("ip", "tcp", "udp", "icmp", "tls", "http"):
        raise Unrecognised(line, f"protocol {proto}")
    if src not in ("$HOME_NET", "any"):
        raise Unrecognised(line, f"source {src}")
    if direction != "->":
        raise Unrecognised(line, f"direction {direction}")
    if dst not in ("$EXTERNAL_NET", "any"):
        raise Unrecognised(line, f"destination {dst}")
    if dport != "any" and not re.fullmatch(r"\d{1,5}", dport):
        raise Unrecognised(line, f"destination port {dport}")
    rule: dict[str, Any] = {
        "action": action.lower(),
        "proto": proto.lower(),
        "dport": None if dport == "any" else int(dport),
        "ip_proto": [],
        "sid": None,
        "msg": None,
        "text": line,
    }
    for opt in _split_options(options[:-1]):
        key, _, value = opt.partition(":")
        key, value = key.strip(), value.strip()
        if key == "msg":
            rule["msg"] = value.strip('"')
        elif key == "sid":
            if not value.isdigit():
                raise Unrecognised(line, f"sid {value}")
            rule["sid"] = int(value)
        elif key in ("rev", "classtype", "metadata", "priority"):
            pass
        elif key == "flow":
            for f in (x.strip() for x in value.split(",")):
                if f not in ("to_server", "established", "from_client"):
                    raise Unrecognised(line, f"flow:{f}")
        elif key == "ip_proto":
            neg = value.startswith("!")
            name = value[1:].strip() if neg else value
            if name.upper() not in IP_PROTO:
                raise Unrecognised(line, f"ip_proto:{name}")
            rule["ip_proto"].append((neg, IP_PROTO[name.upper()]))
        else:
            raise Unrecognised(line, f"option {key}")
    return rule


def rule_matches(rule: dict, flow: dict) -> bool:
    ip = _ip_proto(flow)
    proto = rule["proto"]
    proto_ok = (
        proto == "ip"
        or (proto in ("tcp", "udp", "icmp") and proto == ip)
        or (proto in ("tls", "http") and proto == flow["protocol"])
    )
    port_ok = rule["dport"] is None or rule["dport"] == flow.get("port")
    ip_proto_ok = all((p == ip) != neg for neg, p in rule["ip_proto"])
    return proto_ok and port_ok and ip_proto_ok


def _domain_list_steps(lst: dict, flow: dict) -> list[tuple]:
    proto = flow["protocol"]
    if proto not in ("tls", "http"):
        return []
    wanted = "TLS_SNI" if proto == "tls" else "HTTP_HOST"
    if wanted not in (lst.get("TargetTypes") or []):
        return []
    host = flow["host"]
    value = None if proto == "tls" and _is_ip(host) else host  # no SNI for an address
    hit = next((t for t in lst.get("Targets") or [] if value and domain_entry_matches(t, value)), None)
    field = "TLS SNI" if wanted == "TLS_SNI" else "HTTP Host"
    kind = lst.get("GeneratedRulesType")
    if kind == "ALLOWLIST":
        if hit:
            return [("pass", f"pass {field} matching {hit} (generated from the domain list)", None, f"matching {hit}")]
        sig = ALLOW_DROP_SIGNATURE[proto]
        return [("drop", f"drop {field} {sig} (generated from the domain list)", None, sig)]
    actions = {"DENYLIST": "drop", "REJECTLIST": "reject", "ALERTLIST": "alert"}
    if kind in actions:
        a = actions[kind]
        return (
            [(a, f"{a} {field} matching {hit} (generated from the domain list)", None, f"matching {hit}")]
            if hit
            else []
        )
    raise Unrecognised(f"GeneratedRulesType {kind}", "a domain-list type studio-tui does not know")


def _group_steps(group: dict, flow: dict) -> list[tuple]:
    src = group.get("RulesSource") or {}
    if src.get("RulesSourceList"):
        return _domain_list_steps(src["RulesSourceList"], flow)
    if src.get("RulesString"):
        steps = []
        for line in (x.strip() for x in src["RulesString"].splitlines()):
            if not line or line.startswith("#"):
                continue
            rule = parse_rule(line)
            if rule_matches(rule, flow):
                steps.append((rule["action"], rule["text"], rule["sid"], rule["msg"] or rule["text"]))
        return steps
    raise Unrecognised(
        "StatefulRules" if src.get("StatefulRules") else "a rule group without RulesSourceList or RulesString",
        "only domain lists and Suricata rule strings are evaluated",
    )


def _log(action: str, signature: str, sid: int | None) -> dict:
    return {"action": "allowed" if action == "alert" else "blocked", "signature": signature, "sid": sid}


def _decision(verdict: str, decided_by: dict, alerts: list[dict]) -> dict:
    return {"verdict": verdict, "decided_by": decided_by, "alerts": alerts}


def evaluate(policy: dict, groups: dict[str, dict], flow: dict, policy_name: str = "policy") -> dict:
    """The decision on `flow`: {"verdict": reaches|dropped|unknown, "decided_by": {"kind", …},
    "alerts": [{"action", "signature", "sid"}]}. `groups` maps rule group ARNs to
    {"name", "rule_group"} (the DescribeRuleGroup `RuleGroup`)."""

    def unknown(group: str, rule: str, why: str) -> dict:
        return _decision("unknown", {"kind": "unrecognised", "group": group, "rule": rule, "why": why}, [])

    if policy.get("StatelessRuleGroupReferences"):
        return unknown(policy_name, "stateless rule groups", "stateless rule groups are not evaluated")
    stateless = [
        a for a in policy.get("StatelessDefaultActions") or [] if a in ("aws:pass", "aws:drop", "aws:forward_to_sfe")
    ]
    if stateless in (["aws:pass"], ["aws:drop"]):
        verdict = "reaches" if stateless == ["aws:pass"] else "dropped"
        return _decision(verdict, {"kind": "stateless_default", "actions": policy["StatelessDefaultActions"]}, [])
    if stateless != ["aws:forward_to_sfe"]:
        return unknown(policy_name, "StatelessDefaultActions", "expected one of aws:pass, aws:drop, aws:forward_to_sfe")
    order = rule_order("policy", policy)
    refs = sorted(policy.get("StatefulRuleGroupReferences") or [], key=lambda r: int(r.get("Priority", 2**31 - 1)))
    resolved = []
    for r in refs:
        g = groups.get(r["ResourceArn"])
        if g is None:
            return unknown(policy_name, f"rule group {r['ResourceArn']}", "the rule group was not read")
        override = (r.get("Override") or {}).get("Action")
        if override not in (None, "DROP_TO_ALERT"):
            return unknown(g["name"], f"Override.Action {override}", "an override studio-tui does not know")
        try:
            steps = _group_steps(g["rule_group"], flow)
        except Unrecognised as u:
            return unknown(g["name"], u.rule, u.why)
        if override == "DROP_TO_ALERT":
            steps = [("alert" if s[0] == "drop" else s[0], *s[1:]) for s in steps]
        resolved.append((r, g, steps))
    if order == "STRICT_ORDER":
        return _strict(policy, policy_name, resolved, unknown)
    if order == "DEFAULT_ACTION_ORDER":
        return _action_order(resolved)
    return unknown(
        policy_name, f"StatefulEngineOptions.RuleOrder {order}", "an evaluation order studio-tui does not know"
    )


def _strict(policy: dict, policy_name: str, resolved: list, unknown: Any) -> dict:
    alerts: list[dict] = []
    for r, g, steps in resolved:
        group_order = rule_order("rulegroup", g["rule_group"])
        if group_order != "STRICT_ORDER":
            return unknown(
                g["name"],
                f"StatefulRuleOptions.RuleOrder {group_order}",
                "the rule group's order differs from the policy's",
            )
        for action, rule, sid, signature in steps:
            if action != "pass":
                alerts.append(_log(action, signature, sid))
            if action == "alert":
                continue
            decided = {
                "kind": "rule",
                "group": g["name"],
                "priority": r.get("Priority"),
                "action": action,
                "rule": rule,
                "sid": sid,
            }
            return _decision("reaches" if action == "pass" else "dropped", decided, alerts)
    actions = policy.get("StatefulDefaultActions") or []
    unknown_actions = [a for a in actions if a not in DROP_DEFAULTS | ALERT_DEFAULTS]
    if unknown_actions:
        return unknown(
            policy_name, f"StatefulDefaultActions {unknown_actions[0]}", "a default action studio-tui does not know"
        )
    drop = any(a in DROP_DEFAULTS for a in actions)
    for a in actions:
        if a in ALERT_DEFAULTS:
            alerts.append({"action": "blocked" if drop else "allowed", "signature": f"{a} action", "sid": None})
    decided = (
        {"kind": "stateful_default", "actions": actions}
        if actions
        else {"kind": "no_rule_matched", "rule_order": "STRICT_ORDER"}
    )
    return _decision("dropped" if drop else "reaches", decided, alerts)


def _action_order(resolved: list) -> dict:
    for wanted in ("pass", "drop", "reject", "alert"):
        for r, g, steps in resolved:
            for action, rule, sid, signature in steps:
                if action != wanted:
                    continue
                alerts = [] if action == "pass" else [_log(action, signature, sid)]
                decided = {
                    "kind": "rule",
                    "group": g["name"],
                    "priority": r.get("Priority"),
                    "action": action,
                    "rule": rule,
                    "sid": sid,
                }
                return _decision("reaches" if action in ("pass", "alert") else "dropped", decided, alerts)
    return _decision("reaches", {"kind": "no_rule_matched", "rule_order": "DEFAULT_ACTION_ORDER"}, [])
