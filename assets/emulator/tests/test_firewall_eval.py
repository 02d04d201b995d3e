"""The emulator's Network Firewall evaluation (studio_emulator/nfw_eval.py) against the case
table studio-tui's core::firewall is tested with (assets/firewall-cases.json): the same verdict,
deciding rule and alert records for every case, so `firewall blocked` (the emulator's alert
records) and `firewall check` (core) never disagree."""

import json
import pathlib

from studio_emulator import nfw_eval

TABLE = pathlib.Path(__file__).resolve().parents[2] / "firewall-cases.json"


def _flow(case: dict) -> dict:
    proto = case["protocol"]
    port = case.get("port", {"http": 80, "icmp": None}.get(proto, 443))
    return {"host": case["host"].rstrip(".").lower(), "port": port, "protocol": proto}


def test_every_case_of_the_shared_table() -> None:
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    seen = 0
    for sc in table["scenarios"]:
        groups = {g["arn"]: {"name": g["name"], "rule_group": g["rule_group"]} for g in sc["rule_groups"]}
        for case in sc["cases"]:
            d = nfw_eval.evaluate(sc["policy"], groups, _flow(case), sc["policy_name"])
            name = f"{sc['name']} / {case['name']}"
            assert d["verdict"] == case["verdict"], (name, d)
            assert d["decided_by"]["kind"] == case["decided_by"], (name, d)
            if "action" in case:
                assert d["decided_by"]["action"] == case["action"], (name, d)
            if "sid" in case:
                assert d["decided_by"]["sid"] == case["sid"], (name, d)
            assert [[a["action"], a["signature"]] for a in d["alerts"]] == case["alerts"], (name, d)
            seen += 1
    assert seen >= 15


def test_domain_entries_and_rule_shapes() -> None:
    assert nfw_eval.domain_entry_matches(".example.com", "example.com")
    assert nfw_eval.domain_entry_matches(".example.com", "a.b.example.com")
    assert not nfw_eval.domain_entry_matches(".example.com", "badexample.com")
    assert not nfw_eval.domain_entry_matches("abc.example.com", "www.abc.example.com")
    rule = nfw_eval.parse_rule(
        'drop ip $HOME_NET any -> $EXTERNAL_NET any (msg:"x; y"; ip_proto:!TCP; ip_proto:!UDP; ip_proto:!ICMP; sid:7;)'
    )
    assert rule["msg"] == "x; y" and rule["sid"] == 7
    for proto in ("tcp", "udp", "icmp", "tls"):
        assert not nfw_eval.rule_matches(rule, {"host": "1.1.1.1", "port": 443, "protocol": proto})
    try:
        nfw_eval.parse_rule('pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"a"; sid:1;)')
        raise AssertionError("a content rule must not be guessed")
    except nfw_eval.Unrecognised as u:
        assert u.why == "option tls.sni"
