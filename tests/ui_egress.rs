//! The overview's day-2 guardrails, driven headless: `c` checks drift and the overview says what
//! drifted and when; `f` opens the blocked-egress screen, space selects, `a` plans a change set
//! that adds the selected domains (the same review as any deploy); read-only refuses `a`; `c`
//! there checks a typed host with `firewall check`'s ops call (read-only too).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{draw, key, reply, type_text};

use crossterm::event::KeyCode;

use studio_tui::aws::SessionOptions;
use studio_tui::aws::drift::{PropertyDifference, ResourceDrift};
use studio_tui::aws::stacks::StackInfo;
use studio_tui::core::egress::BlockedDomain;
use studio_tui::core::firewall::Flow;
use studio_tui::core::firewall::check::{Answer, answer};
use studio_tui::core::firewall::path::Route;
use studio_tui::core::firewall::policy::{
    DeployedFirewall, FirewallPolicy, NamedRuleGroup, RuleGroup,
};
use studio_tui::ops::drift::{DriftReport, DriftVerdict, ordered};
use studio_tui::ops::egress::BlockedReport;
use studio_tui::ui::action::{Effect, Reply};
use studio_tui::ui::app::{App, Step};
use studio_tui::ui::theme::Theme;

const PROJECT: &str = "sagemaker-studio-vpc";

fn app(read_only: bool) -> App {
    let mut a = App::new(
        vec![],
        SessionOptions {
            region: Some("eu-west-1".into()),
            fake_credentials: true,
            read_only,
            ..Default::default()
        },
        false,
        Theme { color: false },
    );
    a.open_overview(stack());
    a
}

fn stack() -> StackInfo {
    let params = [
        ("ProjectName", PROJECT),
        ("VpcCIDR", "10.2.0.0/16"),
        ("FirewallSubnetCIDR", "10.2.1.0/24"),
        ("NATGatewaySubnetCIDR", "10.2.2.0/24"),
        ("SageMakerStudioSubnetCIDR", "10.2.3.0/24"),
        ("AllowedDomains", ".amazonaws.com,pypi.org"),
        ("AvailabilityZone", "eu-west-1a"),
    ];
    StackInfo {
        stack_id: format!("arn:aws:cloudformation:eu-west-1:123456789012:stack/{PROJECT}/1"),
        stack_name: PROJECT.into(),
        status: "CREATE_COMPLETE".into(),
        status_reason: None,
        outputs: [("VpcId".to_string(), "vpc-0abc".to_string())].into(),
        parameters: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        creation_time: Some("2026-11-26T09:00:00Z".into()),
        last_updated_time: None,
    }
}

/// `d` on the overview opens the update with the deployed values: a machine without saved
/// answers does not reset the stack's network, allow list or admitted buckets.
#[test]
fn an_update_from_the_overview_starts_from_the_deployed_values() {
    let mut deployed = stack();
    for (k, v) in [
        ("VpcCIDR", "10.44.0.0/16"),
        ("FirewallSubnetCIDR", "10.44.1.0/24"),
        ("NATGatewaySubnetCIDR", "10.44.2.0/24"),
        ("SageMakerStudioSubnetCIDR", "10.44.3.0/24"),
        ("AllowedBuckets", "team-share"),
    ] {
        deployed.parameters.insert(k.into(), v.into());
    }
    let mut a = App::new(
        vec![],
        SessionOptions {
            region: Some("eu-west-1".into()),
            fake_credentials: true,
            ..Default::default()
        },
        false,
        Theme { color: false },
    );
    a.open_overview(deployed);
    assert_eq!(a.step(), Step::Overview);
    a.update(key(KeyCode::Char('d')));
    let p = a.params.as_ref().expect("the form is filled").parameters();
    assert_eq!(p.vpc_cidr, "10.44.0.0/16");
    assert_eq!(p.studio_subnet_cidr, "10.44.3.0/24");
    assert_eq!(p.allowed_domains, [".amazonaws.com", "pypi.org"]);
    assert_eq!(p.allowed_buckets, ["team-share"]);
    assert_eq!(p.availability_zone.as_deref(), Some("eu-west-1a"));
}

fn blocked() -> BlockedReport {
    let d = |domain: &str, count: u64, sources: &[&str]| BlockedDomain {
        domain: domain.into(),
        count,
        first_seen_ms: 1_764_500_000_000,
        last_seen_ms: 1_764_503_600_000,
        sources: sources.iter().map(|s| s.to_string()).collect(),
    };
    BlockedReport {
        stack_name: PROJECT.into(),
        log_group: format!("/aws/vendedlogs/{PROJECT}/network-firewall/alert"),
        since_ms: 0,
        pages: 1,
        domains: vec![
            d("github.com", 3, &["10.2.3.10", "10.2.3.11"]),
            d("huggingface.co", 2, &["10.2.3.12"]),
            d("registry.npmjs.org", 1, &["10.2.3.12"]),
        ],
        skipped: 0,
    }
}

#[test]
fn f_lists_blocked_domains_and_a_plans_the_selected_ones() {
    let mut a = app(false);
    let (_, effects) = a.update(key(KeyCode::Char('f')));
    assert_eq!(a.step(), Step::Egress);
    assert!(matches!(
        common::effects(effects.clone()).as_slice(),
        [Effect::LoadBlocked { .. }]
    ));
    a.update(reply(&a, Reply::BlockedLoaded(Box::new(Ok(blocked())))));
    let screen = draw(&a, 100, 24);
    assert!(screen.contains("github.com"), "{screen}");
    assert!(screen.contains("10.2.3.10, 10.2.3.11"), "{screen}");
    insta::assert_snapshot!(screen);
    // select github.com and registry.npmjs.org
    a.update(key(KeyCode::Char(' ')));
    a.update(key(KeyCode::Down));
    a.update(key(KeyCode::Down));
    a.update(key(KeyCode::Char(' ')));
    assert!(draw(&a, 100, 24).contains("[x] registry.npmjs.org"));
    let (_, effects) = a.update(key(KeyCode::Char('a')));
    assert_eq!(a.step(), Step::Review);
    match common::effects(effects.clone()).as_slice() {
        [Effect::Plan { params, basis, .. }] => {
            assert_eq!(
                basis.as_ref(),
                Some(&stack().parameters),
                "planned from the stack the screen read: the plan checks it did not move"
            );
            assert_eq!(
                params.allowed_domains,
                [
                    ".amazonaws.com",
                    "pypi.org",
                    "github.com",
                    "registry.npmjs.org"
                ]
            );
            assert_eq!(
                params.vpc_cidr.to_string(),
                "10.2.0.0/16",
                "the deployed parameters are kept"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Host names come from whoever connects inside the VPC: escape sequences, a carriage return
/// and a bidi override are drawn escaped, visibly, never handed to the terminal.
#[test]
fn hostile_host_names_are_drawn_escaped() {
    let mut a = app(false);
    a.update(key(KeyCode::Char('f')));
    let mut report = blocked();
    report.domains[0].domain = "evil.example\u{1b}]52;c;Y3VybA==\u{7}\u{1b}[2J".into();
    report.domains[1].domain = "txt.\u{202e}exe.example\rforged".into();
    report.domains[2].sources = vec!["10.2.3.12\u{9b}31m".into()];
    a.update(reply(&a, Reply::BlockedLoaded(Box::new(Ok(report)))));
    let screen = draw(&a, 100, 24);
    assert!(
        screen.contains("evil.example\\u001b]52;c;Y3VybA==\\u0007"),
        "{screen}"
    );
    assert!(
        screen.contains("txt.\\u202eexe.example\\rforged"),
        "{screen}"
    );
    assert!(screen.contains("10.2.3.12\\u009b31m"), "{screen}");
    assert!(
        !screen.contains(['\u{1b}', '\u{7}', '\u{202e}', '\r', '\u{9b}']),
        "{screen:?}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn read_only_lists_blocked_domains_but_a_changes_nothing() {
    let mut a = app(true);
    a.update(key(KeyCode::Char('f')));
    a.update(reply(&a, Reply::BlockedLoaded(Box::new(Ok(blocked())))));
    let (_, effects) = a.update(key(KeyCode::Char('a')));
    assert!(effects.is_empty());
    assert_eq!(a.step(), Step::Egress);
    assert!(draw(&a, 100, 24).contains("read-only"));
}

#[test]
fn c_checks_drift_and_the_overview_says_what_drifted() {
    let mut a = app(false);
    assert!(draw(&a, 100, 30).contains("not checked"));
    let (_, effects) = a.update(key(KeyCode::Char('c')));
    assert_eq!(
        effects,
        vec![Effect::DetectDrift {
            project: PROJECT.into()
        }]
    );
    let report = DriftReport {
        stack_name: PROJECT.into(),
        status: DriftVerdict::Drifted,
        checked_at: Some("2026-11-30T20:31:00Z".into()),
        resources: ordered(vec![ResourceDrift {
            logical_id: "NATGatewayDefaultRoute".into(),
            physical_id: Some("rtb-0nat|0.0.0.0/0".into()),
            resource_type: "AWS::EC2::Route".into(),
            status: "MODIFIED".into(),
            differences: vec![PropertyDifference {
                path: "/VpcEndpointId".into(),
                expected: "vpce-0fw".into(),
                actual: "null".into(),
                kind: "REMOVE".into(),
            }],
        }]),
        unchecked: Vec::new(),
        aws_reason: None,
    };
    a.update(reply(&a, Reply::DriftChecked(Box::new(Ok(report)))));
    let screen = draw(&a, 100, 30);
    assert!(
        screen.contains("1 drifted (1 baseline): NATGatewayDefaultRoute"),
        "{screen}"
    );
    assert!(screen.contains("checked 20:31 UTC"), "{screen}");
}

/// The answer `ops::egress::check` gives for `flow` on a strict-order allow list (core's
/// evaluation; the sandbox test in tests/firewall.rs shows the same over the wire).
fn answer_for(flow: &Flow) -> Answer {
    let fw = DeployedFirewall {
        firewall_name: format!("{PROJECT}-firewall"),
        policy_name: format!("{PROJECT}-firewall-policy"),
        policy: serde_json::from_value::<FirewallPolicy>(serde_json::json!({
            "StatelessDefaultActions": ["aws:forward_to_sfe"],
            "StatefulEngineOptions": {"RuleOrder": "STRICT_ORDER"},
            "StatefulDefaultActions": ["aws:drop_established_app_layer_to_server",
                "aws:alert_established_app_layer_to_server"],
            "StatefulRuleGroupReferences": [{"ResourceArn": "arn:rg", "Priority": 100}]
        }))
        .unwrap(),
        rule_groups: vec![NamedRuleGroup {
            arn: "arn:rg".into(),
            name: format!("{PROJECT}-domain-allow-list"),
            group: serde_json::from_value::<RuleGroup>(serde_json::json!({
                "RulesSource": {"RulesSourceList": {"GeneratedRulesType": "ALLOWLIST",
                    "TargetTypes": ["TLS_SNI", "HTTP_HOST"], "Targets": [".pypi.org"]}},
                "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"}
            }))
            .unwrap(),
        }],
    };
    answer(
        flow,
        Route::Firewall { s3_region: None },
        Some(fw.evaluate(flow)),
    )
}

#[test]
fn c_on_blocked_egress_checks_a_typed_host_and_shows_the_verdict() {
    let mut a = app(true);
    a.update(key(KeyCode::Char('f')));
    a.update(reply(&a, Reply::BlockedLoaded(Box::new(Ok(blocked())))));
    let (_, effects) = a.update(key(KeyCode::Char('c')));
    assert!(effects.is_empty());
    // Bad input is said on the screen, and nothing is asked of AWS.
    type_text(&mut a, "https://x.org/y");
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert!(effects.is_empty());
    let screen = draw(&a, 100, 24);
    assert!(screen.contains("not a URL"), "{screen}");
    for _ in 0.."https://x.org/y".len() {
        a.update(key(KeyCode::Backspace));
    }
    // Letters are text while typing: `a` and `b` do not allow or leave.
    type_text(&mut a, "github.com:443 tcp");
    assert_eq!(a.step(), Step::Egress);
    let (_, effects) = a.update(key(KeyCode::Enter));
    let flow = Flow::parse("github.com:443", Some("tcp")).unwrap();
    assert_eq!(
        common::effects(effects),
        vec![Effect::CheckFlow {
            project: PROJECT.into(),
            flow: flow.clone()
        }],
        "the same ops call as `firewall check`, allowed in read-only mode"
    );
    assert!(draw(&a, 100, 24).contains("Checking github.com:443 tcp"));
    a.update(reply(
        &a,
        Reply::FlowChecked(Box::new(Ok(answer_for(&flow)))),
    ));
    let screen = draw(&a, 100, 24);
    assert!(screen.contains("github.com:443 tcp: DROPPED"), "{screen}");
    assert!(screen.contains("other protocols stay blocked"), "{screen}");
    insta::assert_snapshot!(screen);
    // Esc leaves the answer; `c` again asks for another host.
    a.update(key(KeyCode::Char('c')));
    type_text(&mut a, "pypi.org");
    a.update(key(KeyCode::Enter));
    let flow = Flow::parse("pypi.org", None).unwrap();
    a.update(reply(
        &a,
        Reply::FlowChecked(Box::new(Ok(answer_for(&flow)))),
    ));
    assert!(draw(&a, 100, 24).contains("pypi.org:443 tls: REACHES"));
}

/// The update from the overview (`d`) plans the form filled from the overview's stack with that
/// stack's parameters as its basis: the plan refuses when the stack changed since
/// (`ops::deploy::plan`), instead of setting someone's newer change back.
#[test]
fn an_update_from_the_overview_plans_against_the_parameters_it_was_filled_from() {
    let mut a = app(false);
    a.update(key(KeyCode::Char('d')));
    assert_eq!(a.step(), Step::Preflight);
    a.update(key(KeyCode::Char('n')));
    assert_eq!(a.step(), Step::Parameters);
    let (_, effects) = a.update(key(KeyCode::F(2)));
    match common::effects(effects).as_slice() {
        [Effect::Plan { params, basis, .. }] => {
            assert_eq!(params.allowed_domains, [".amazonaws.com", "pypi.org"]);
            assert_eq!(basis.as_ref(), Some(&stack().parameters));
        }
        other => panic!("expected a plan, got {other:?}"),
    }
}
