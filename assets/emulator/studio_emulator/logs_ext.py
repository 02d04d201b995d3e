"""CloudWatch Logs for the studio-tui emulator: what moto 5.2.5 lacks, and Network Firewall alerts.

* FilterLogEvents answers events of all streams interleaved in time order (moto does so only
  with the deprecated `interleaved` flag; API_FilterLogEvents: "If the value is true, the
  operation attempts to provide responses that contain events from multiple log streams within
  the log group, interleaved in a single response. ... Important As of June 17, 2019, this
  parameter is ignored and the value is assumed to be true."), `limit` is checked (1..10000,
  else InvalidParameterException) and JSON filter patterns (`{ $.event.alert.action = "blocked" }`,
  `!=`, `<`, `>`, `<=`, `>=`, `&&`, `||`, parentheses, `*` wildcards, `IS NULL`, `NOT EXISTS`) are
  evaluated (moto lets every event through for them).
* `write_alerts()` / POST /_studio/firewall-alerts: Network Firewall alert records (format of
  "Contents of a AWS Network Firewall log": firewall_name, availability_zone, event_timestamp,
  event = Suricata EVE JSON `alert` event with the `tls` / `http` app-layer object) written into
  the firewall's alert log group.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from datetime import datetime, timezone
from typing import Any

from moto.logs import models as logs_models
from moto.logs.exceptions import InvalidParameterException
from moto.logs.models import logs_backends

from . import nfw_eval
from .patching import install_once, patch

log = logging.getLogger("studio_emulator.logs")

ACCOUNT = "123456789012"

# ---------------------------------------------------------------------------
# JSON filter patterns
# ---------------------------------------------------------------------------
_MISSING = object()


def _lookup(doc: Any, path: str) -> Any:
    cur = doc
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            if not isinstance(cur, list) or i >= len(cur):
                return _MISSING
            cur = cur[i]
        else:
            if not isinstance(cur, dict) or part not in cur:
                return _MISSING
            cur = cur[part]
    return cur


_TOKEN = re.compile(
    r'\s*(\(|\)|&&|\|\||\$[\w.\[\]-]*|!=|>=|<=|=|<|>|"(?:[^"\\]|\\.)*"|IS\s+NULL|NOT\s+EXISTS|IS\s+TRUE|IS\s+FALSE|[^\s()"=!<>&|]+)'
)


class JsonFilter:
    def __init__(self, pattern: str):
        body = pattern.strip()[1:-1]
        self.tokens = [t for t in _TOKEN.findall(body) if t.strip()]
        self.pos = 0
        self.tree = self._or()
        if self.pos != len(self.tokens):
            raise ValueError(f"bad filter pattern {pattern!r}")

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self) -> str:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self._next()
            left = ("or", left, self._and())
        return left

    def _and(self) -> Any:
        left = self._atom()
        while self._peek() == "&&":
            self._next()
            left = ("and", left, self._atom())
        return left

    def _atom(self) -> Any:
        t = self._next()
        if t == "(":
            node = self._or()
            if self._next() != ")":
                raise ValueError("missing )")
            return node
        if not t.startswith("$"):
            raise ValueError(f"expected a selector, got {t!r}")
        op = self._next()
        if re.fullmatch(r"IS\s+NULL|NOT\s+EXISTS|IS\s+TRUE|IS\s+FALSE", op):
            return ("unary", t[2:] if t.startswith("$.") else t[1:], " ".join(op.split()))
        return ("cmp", t[2:] if t.startswith("$.") else t[1:], op, self._next())

    def matches(self, message: str) -> bool:
        try:
            doc = json.loads(message)
        except ValueError:
            return False
        return self._eval(self.tree, doc)

    def _eval(self, node: Any, doc: Any) -> bool:
        kind = node[0]
        if kind == "or":
            return self._eval(node[1], doc) or self._eval(node[2], doc)
        if kind == "and":
            return self._eval(node[1], doc) and self._eval(node[2], doc)
        val = _lookup(doc, node[1])
        if kind == "unary":
            return {
                "IS NULL": val is None,
                "NOT EXISTS": val is _MISSING,
                "IS TRUE": val is True,
                "IS FALSE": val is False,
            }[node[2]]
        if val is _MISSING:
            return False
        _, _, op, raw = node
        if raw.startswith('"'):
            want = json.loads(raw)
            if op not in ("=", "!="):
                return False
            rx = "^" + ".*".join(re.escape(p) for p in want.split("*")) + "$"
            hit = (
                isinstance(val, str)
                and re.match(rx, val) is not None
                or (not isinstance(val, str) and str(val) == want)
            )
            return hit if op == "=" else not hit
        try:
            num = float(raw)
        except ValueError:  # bare word: a string without quotes
            rx = "^" + ".*".join(re.escape(p) for p in raw.split("*")) + "$"
            hit = isinstance(val, str) and re.match(rx, val) is not None
            return hit if op == "=" else (not hit if op == "!=" else False)
        try:
            v = float(val)
        except (TypeError, ValueError):
            return op == "!="
        return {"=": v == num, "!=": v != num, "<": v < num, ">": v > num, "<=": v <= num, ">=": v >= num}[op]


_OrigFilter = logs_models.EventMessageFilter


class EventMessageFilter(_OrigFilter):
    def __init__(self, pattern: str):
        self.json = None
        if pattern and pattern.strip().startswith("{") and pattern.strip().endswith("}"):
            try:
                self.json = JsonFilter(pattern)
            except (ValueError, IndexError) as exc:
                raise InvalidParameterException(f"Invalid filter pattern: {exc}") from None
            return
        super().__init__(pattern)

    def matches(self, message: str) -> bool:
        if self.json is not None:
            return self.json.matches(message)
        return super().matches(message)


def _filter_log_events(
    self: Any,
    log_group_name: str,
    log_stream_names: list[str],
    start_time: int,
    end_time: int,
    limit: int | None,
    next_token: str | None,
    filter_pattern: str,
    interleaved: bool,
) -> Any:
    if limit is not None and not 1 <= int(limit) <= 10000:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 10000"
        )
    EventMessageFilter(filter_pattern)  # bad pattern -> InvalidParameterException before anything
    return _ORIG_FILTER(
        self, log_group_name, log_stream_names, start_time, end_time, limit, next_token, filter_pattern, True
    )


_ORIG_FILTER = logs_models.LogGroup.filter_log_events


@install_once
def install() -> None:
    patch(logs_models, EventMessageFilter=EventMessageFilter)
    patch(logs_models.LogGroup, filter_log_events=_filter_log_events)


# ---------------------------------------------------------------------------
# Network Firewall alert records
# ---------------------------------------------------------------------------
# The rules Network Firewall generates for a domain-list ALLOWLIST rule group end with a drop of
# everything not matching ("Stateful domain list rule groups in AWS Network Firewall").
SIGNATURES = {
    "tls": (2, "not matching any TLS allowlisted FQDNs"),
    "http": (4, "not matching any HTTP allowlisted FQDNs"),
}
KINDS = ("tls", "http", "tcp", "udp", "icmp")
DEMO_HOSTS = [("github.com", "tls", 3), ("huggingface.co", "tls", 2), ("registry.npmjs.org", "http", 1)]


def alert_record(
    firewall_name: str,
    az: str,
    host: str,
    kind: str = "tls",
    src_ip: str = "10.2.3.15",
    when: float | None = None,
    src_port: int | None = None,
    dest_ip: str = "203.0.113.10",
    dest_port: int | None = None,
    action: str = "blocked",
    flow_id: int | None = None,
    signature: str | None = None,
    sid: int | None = None,
) -> dict:
    """One alert record. `kind` tls / http carry the app-layer object (TLS SNI only for a host
    name: a ClientHello carries no SNI for an address); tcp / udp / icmp carry none, and an
    IPv4 `host` is the destination address."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    when = time.time() if when is None else float(when)
    ts = datetime.fromtimestamp(when, tz=timezone.utc)
    default_sid, default_msg = SIGNATURES.get(kind, (0, "studio-tui emulator alert"))
    is_ip = re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host) is not None
    event: dict = {
        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+0000",
        "flow_id": flow_id if flow_id is not None else random.randint(10**14, 10**16 - 1),
        "event_type": "alert",
        "src_ip": src_ip,
        "src_port": src_port if src_port is not None else random.randint(32768, 60999),
        "dest_ip": host if is_ip else dest_ip,
        "dest_port": dest_port if dest_port is not None else (80 if kind == "http" else 443),
        "proto": {"udp": "UDP", "icmp": "ICMP"}.get(kind, "TCP"),
        "alert": {
            "action": action,
            "signature_id": sid if sid is not None else default_sid,
            "rev": 1,
            "signature": signature or default_msg,
            "category": "",
            "severity": 3,
        },
    }
    if kind == "icmp":
        event.pop("src_port")
        event.pop("dest_port")
    if kind in ("tls", "http"):
        event["app_proto"] = kind
    if kind == "tls":
        event["tls"] = {"version": "TLS 1.3"} if is_ip else {"sni": host, "version": "TLS 1.3"}
    elif kind == "http":
        event["http"] = {
            "hostname": host,
            "url": "/",
            "http_user_agent": "python-requests/2.32.3",
            "http_method": "GET",
            "protocol": "HTTP/1.1",
            "length": 0,
        }
    return {"firewall_name": firewall_name, "availability_zone": az, "event_timestamp": str(int(when)), "event": event}


def _deployed_rules(fw: Any, account: str, region: str) -> tuple[dict, dict, str] | None:
    """(FirewallPolicy, {rule group ARN: {"name", "rule_group"}}, policy name) of a firewall, as
    DescribeFirewallPolicy / DescribeRuleGroup answer them; None when the policy is unknown."""
    from . import nfw_store

    arn = getattr(fw, "firewall_policy_arn", None)
    policy = nfw_store.store("policy", account, region).get(arn) if arn else None
    if policy is None:
        return None
    body = nfw_store.api_policy(policy.body)
    groups = {}
    for ref in body.get("StatefulRuleGroupReferences") or []:
        g = nfw_store.store("rulegroup", account, region).get(ref.get("ResourceArn"))
        if g is not None:
            groups[g.arn] = {"name": g.name, "rule_group": nfw_store.api_rule_group(g.body)}
    return body, groups, policy.name


def _firewall_zone(fw: Any) -> str | None:
    """The first availability zone of a firewall's endpoints (its SyncStates), if any."""
    sync = (fw.firewall_status or {}).get("SyncStates") or {}
    return sorted(sync)[0] if sync else None


def _stack_log_group(stack_name: str, account: str, region: str) -> tuple[str | None, str, str, Any]:
    """(log group name, firewall name, AZ, firewall) of the stack's ALERT logging configuration."""
    from moto.cloudformation.models import cloudformation_backends

    from . import cfn_state, nfw_store

    backend = cloudformation_backends[account][region]
    stack = cfn_state.find_stack(backend, stack_name)
    if stack is None or stack.status == "DELETE_COMPLETE":
        raise LookupError(f"stack {stack_name} not found")
    rm = stack.resource_map
    for lid, js in (stack.template_dict.get("Resources") or {}).items():
        if js.get("Type") != "AWS::NetworkFirewall::LoggingConfiguration":
            continue
        res = rm._parsed_resources.get(lid)
        if res is None:
            continue
        fw_arn = res.firewall_arn
        fw = nfw_store.nfw_backend(account, region).firewalls.get(fw_arn)
        if fw is None:
            raise LookupError(f"firewall {fw_arn} of stack {stack_name} not found")
        for dest in fw.logging_configs.get("LogDestinationConfigs", []) if isinstance(fw.logging_configs, dict) else []:
            if dest.get("LogType") == "ALERT" and dest.get("LogDestinationType") == "CloudWatchLogs":
                group = (dest.get("LogDestination") or {}).get("logGroup")
                return group, fw.firewall_name, _firewall_zone(fw) or "us-east-1a", fw
    raise LookupError(f"stack {stack_name} has no Network Firewall ALERT logging to CloudWatch Logs")


def _log_event(rec: dict) -> dict[str, Any]:
    return {"timestamp": int(_event_ms(rec)), "message": json.dumps(rec, separators=(",", ":"))}


def write_alerts(body: dict) -> dict:
    """POST /_studio/firewall-alerts. See the README for the JSON.

    With the firewall known (from `stack`, or the firewall logging to `log_group`), each record
    is a flow decided by the deployed policy and rule groups (nfw_eval, the rules of
    `studio-tui firewall check`): a flow they pass writes no blocked record, a flow they drop
    writes the alert records the deciding rules log. `"raw": true` writes the records as given
    (log-format tests), and without a known firewall records are written as given."""
    account = str(body.get("account") or ACCOUNT)
    region = str(body.get("region") or "us-east-1")
    firewall, az = body.get("firewall_name"), body.get("availability_zone")
    fw_obj = None
    if body.get("stack"):
        group, fw_name, fw_az, fw_obj = _stack_log_group(str(body["stack"]), account, region)
        firewall, az = firewall or fw_name, az or fw_az
    elif body.get("log_group"):
        group = str(body["log_group"])
        from . import nfw_store

        for fw in nfw_store.nfw_backend(account, region).firewalls.values():
            cfg = fw.logging_configs if isinstance(fw.logging_configs, dict) else {}
            if any(
                (d.get("LogDestination") or {}).get("logGroup") == group for d in cfg.get("LogDestinationConfigs", [])
            ):
                fw_obj = fw
                firewall = firewall or fw.firewall_name
                az = az or _firewall_zone(fw)
    else:
        raise ValueError("give 'stack' or 'log_group'")
    firewall = firewall or "firewall"
    az = az or f"{region}a"
    logs = logs_backends[account][region]
    if group is None or group not in logs.groups:
        raise LookupError(f"log group {group} not found")
    records = body.get("records")
    now = time.time()
    if body.get("demo"):
        records = []
        for i, (host, kind, n) in enumerate(DEMO_HOSTS):
            for j in range(n):
                records.append(
                    {
                        "host": host,
                        "kind": kind,
                        "src_ip": ["10.2.3.15", "10.2.3.27"][j % 2],
                        "time": now - 600 + i * 60 + j * 20,
                    }
                )
    if not isinstance(records, list) or not records:
        raise ValueError('records: expected a non-empty list (or "demo": true)')
    rules = None if body.get("raw") or fw_obj is None else _deployed_rules(fw_obj, account, region)
    out, passed, undecided = [], [], []
    for r in records:
        if not isinstance(r, dict) or not r.get("host"):
            raise ValueError("each record needs a 'host'")
        kind = str(r.get("kind") or "tls")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        host = str(r["host"]).strip().rstrip(".").lower()
        common: dict[str, Any] = dict(
            src_ip=str(r.get("src_ip") or "10.2.3.15"),
            when=r.get("time"),
            src_port=r.get("src_port"),
            dest_ip=str(r.get("dest_ip") or "203.0.113.10"),
            dest_port=r.get("dest_port"),
        )
        if rules is None:
            out.append(alert_record(firewall, az, host, kind, action=str(r.get("action") or "blocked"), **common))
            continue
        if r.get("action"):
            raise ValueError("'action' is decided by the deployed rules; send \"raw\": true to write it as given")
        port = r.get("dest_port") if kind != "icmp" else None
        if port is None and kind != "icmp":
            port = 80 if kind == "http" else 443
        decision = nfw_eval.evaluate(rules[0], rules[1], {"host": host, "port": port, "protocol": kind}, rules[2])
        if decision["verdict"] == "unknown":
            undecided.append(host)
            continue
        if decision["verdict"] == "reaches" and not decision["alerts"]:
            passed.append(host)
            continue
        for a in decision["alerts"]:
            out.append(
                alert_record(
                    firewall, az, host, kind, action=a["action"], signature=a["signature"], sid=a["sid"], **common
                )
            )
        if decision["verdict"] == "reaches":
            passed.append(host)
    stream = str(body.get("log_stream") or f"/aws/network-firewall/alert/{firewall}_{az}")
    events = sorted((_log_event(rec) for rec in out), key=lambda e: e["timestamp"])
    if events:
        logs.ensure_log_stream(group, stream)
        # straight into the group: PutLogEvents' 14-day / 2-hour window does not apply to seeded records
        logs.groups[group].put_log_events(stream, events)

    def host_of(rec: dict) -> str | None:
        ev = rec["event"]
        return (ev.get("tls") or {}).get("sni") or (ev.get("http") or {}).get("hostname") or ev.get("dest_ip")

    return {
        "log_group": group,
        "log_stream": stream,
        "written": len(events),
        "hosts": sorted(
            {h for h in (host_of(rec) for rec in out if rec["event"]["alert"]["action"] == "blocked") if h}
        ),
        "passed": sorted(set(passed)),
        "undecided": sorted(set(undecided)),
    }


def _event_ms(rec: dict) -> float:
    ts = rec["event"]["timestamp"]
    dt = datetime.strptime(ts[:-5], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return dt.timestamp() * 1000
