//! The shared case table (`assets/firewall-cases.json`, also read by the emulator's tests):
//! every route case and every firewall case gives the verdict, the deciding rule, the alerts
//! and the fix written there.

use serde_json::Value;

use super::check::{Fix, answer};
use super::path::{InterfaceEndpoint, PathContext, S3Gateway, route};
use super::policy::{DecidedBy, DeployedFirewall, FirewallPolicy, NamedRuleGroup, RuleGroup};
use super::{Flow, Verdict};

const CASES: &str = include_str!("../../../assets/firewall-cases.json");

fn table() -> Value {
    serde_json::from_str(CASES).expect("the case table is JSON")
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().to_string()
}

fn path_context(v: &Value) -> PathContext {
    PathContext {
        region: s(v, "region"),
        vpc_cidr: v["vpc_cidr"].as_str().and_then(|c| c.parse().ok()),
        interface_endpoints: v["interface_endpoints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| InterfaceEndpoint {
                id: s(e, "id"),
                service_name: s(e, "service_name"),
                private_dns_enabled: e["private_dns_enabled"].as_bool().unwrap_or(false),
                private_dns_names: serde_json::from_value(e["private_dns_names"].clone())
                    .unwrap_or_default(),
            })
            .collect(),
        s3_gateway: v.get("s3_gateway").map(|g| S3Gateway {
            id: s(g, "id"),
            buckets: serde_json::from_value(g["buckets"].clone()).unwrap_or_default(),
            any_bucket: g["any_bucket"].as_bool().unwrap_or(false),
        }),
    }
}

/// The firewall of a scenario, built from the API shapes as `aws/` builds it from the SDK.
fn scenario_firewall(sc: &Value) -> DeployedFirewall {
    DeployedFirewall {
        firewall_name: s(sc, "firewall_name"),
        policy_name: s(sc, "policy_name"),
        policy: serde_json::from_value::<FirewallPolicy>(sc["policy"].clone())
            .expect("FirewallPolicy"),
        rule_groups: sc["rule_groups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| NamedRuleGroup {
                arn: s(g, "arn"),
                name: s(g, "name"),
                group: serde_json::from_value::<RuleGroup>(g["rule_group"].clone())
                    .expect("RuleGroup"),
            })
            .collect(),
    }
}

fn flow_of(c: &Value) -> Flow {
    let target = match c["port"].as_u64() {
        Some(p) => format!("{}:{p}", s(c, "host")),
        None => s(c, "host"),
    };
    Flow::parse(&target, c["protocol"].as_str()).expect("a valid flow")
}

fn kind_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).expect("serialisable")["kind"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn every_route_case_takes_its_route() {
    let t = table();
    let ctx = path_context(&t["path"]);
    let cases = t["path"]["cases"].as_array().expect("path cases");
    assert!(cases.len() >= 10);
    for c in cases {
        let flow = flow_of(c);
        let r = route(&flow, &ctx);
        assert_eq!(kind_of(&r), s(c, "route"), "{}: {r:?}", s(c, "name"));
        let a = answer(&flow, r.clone(), None);
        let want = s(c, "verdict");
        if want == "crosses" {
            assert!(r.crosses_firewall(), "{}", s(c, "name"));
        } else {
            assert_eq!(
                serde_json::to_value(a.verdict).unwrap_or_default(),
                want.as_str(),
                "{}: {}",
                s(c, "name"),
                a.because
            );
            assert!(a.because.contains("never"), "{}", a.because);
        }
    }
}

#[test]
fn every_firewall_case_is_decided_as_the_developer_guide_says() {
    let t = table();
    let ctx = path_context(&t["path"]);
    let mut seen = 0;
    for sc in t["scenarios"].as_array().expect("scenarios") {
        let fw = scenario_firewall(sc);
        for c in sc["cases"].as_array().expect("cases") {
            let name = format!("{} / {}", s(sc, "name"), s(c, "name"));
            let flow = flow_of(c);
            let r = route(&flow, &ctx);
            assert!(r.crosses_firewall(), "{name}: {r:?}");
            let d = fw.evaluate(&flow);
            assert_eq!(
                serde_json::to_value(d.verdict).unwrap_or_default(),
                s(c, "verdict").as_str(),
                "{name}: {d:?}"
            );
            assert_eq!(kind_of(&d.decided_by), s(c, "decided_by"), "{name}: {d:?}");
            if let (Some(want), DecidedBy::Rule { action, sid, .. }) =
                (c["action"].as_str(), &d.decided_by)
            {
                assert_eq!(action.as_str(), want, "{name}");
                if let Some(want_sid) = c["sid"].as_u64() {
                    assert_eq!(*sid, Some(want_sid), "{name}");
                }
            }
            let alerts: Vec<(String, String)> = d
                .alerts
                .iter()
                .map(|a| (a.action.to_string(), a.signature.clone()))
                .collect();
            let want: Vec<(String, String)> =
                serde_json::from_value(c["alerts"].clone()).expect("alerts");
            assert_eq!(alerts, want, "{name}");
            let a = answer(&flow, r, Some(d));
            assert_eq!(kind_of(&a.fix), s(c, "fix"), "{name}: {:?}", a.fix);
            if let Fix::Allow { command } = &a.fix {
                assert_eq!(command, &format!("studio-tui firewall allow {}", flow.host));
            }
            assert_eq!(
                !a.warnings.is_empty(),
                c["warning"].as_bool().unwrap_or(false),
                "{name}: {:?}",
                a.warnings
            );
            assert_eq!(a.alert_logged, !want.is_empty(), "{name}");
            seen += 1;
        }
    }
    assert!(seen >= 15, "{seen} cases");
}

#[test]
fn the_table_covers_the_cases_issue_23_names() {
    let t = table();
    let names: Vec<String> = t["scenarios"][0]["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| s(c, "name"))
        .collect();
    for n in [
        "allowed TLS name",
        "allowed wildcard subdomain",
        "TLS to an unlisted name",
        "HTTP Host on the list",
        "SSH on 443",
        "UDP 53 to an outside resolver",
        "ICMP to the outside",
        "TLS without SNI",
        "S3 in another region",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} missing from the table");
    }
}

#[test]
fn a_stateless_drop_or_an_unknown_order_is_not_guessed() {
    let t = table();
    let mut fw = scenario_firewall(&t["scenarios"][0]);
    let flow = Flow::parse("pypi.org", None).expect("flow");
    fw.policy.stateless_default_actions = vec!["aws:drop".into()];
    let d = fw.evaluate(&flow);
    assert_eq!(d.verdict, Verdict::Dropped);
    assert!(matches!(d.decided_by, DecidedBy::StatelessDefault { .. }));
    fw.policy.stateless_default_actions = vec!["aws:forward_to_sfe".into()];
    fw.policy.stateful_default_actions = vec!["aws:drop_everything".into()];
    let ssh = Flow::parse("github.com:443", Some("tcp")).expect("flow");
    assert_eq!(fw.evaluate(&ssh).verdict, Verdict::Unknown);
    // a rule group whose order differs from the policy's strict order
    fw.rule_groups[0].group.stateful_rule_options = None;
    assert_eq!(fw.evaluate(&flow).verdict, Verdict::Unknown);
    // a referenced group that was not read
    fw.rule_groups.clear();
    let d = fw.evaluate(&flow);
    assert_eq!(d.verdict, Verdict::Unknown);
    assert!(d.decided_by.describe().contains("not read"));
}
