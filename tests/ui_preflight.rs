//! Snapshots of the preflight step on a TestBackend: running, passed, conflicts with a
//! suggestion (and `s` applying it), a narrow terminal; driven headless by actions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{draw, key, reply};

use std::time::Duration;

use crossterm::event::KeyCode;

use studio_tui::aws::{self, Identity, SessionOptions};
use studio_tui::core::cidr::{BlockSource, ExistingBlock, NetworkPlan};
use studio_tui::core::finding::{Finding, FindingCode, Severity};
use studio_tui::ops::preflight::{
    CheckId, CheckResult, CheckStatus, PreflightMsg, PreflightReport,
};
use studio_tui::ui::action::{Effect, Reply};
use studio_tui::ui::app::{App, Step};
use studio_tui::ui::theme::Theme;

fn options() -> SessionOptions {
    SessionOptions {
        profile: None,
        region: Some("eu-west-1".into()),
        endpoint_url: Some("http://127.0.0.1:4566".into()),
        fake_credentials: true,
        read_only: false,
    }
}

/// An app past the session step, with preflight started by `n`.
async fn in_preflight() -> App {
    let mut app = App::new(vec![], options(), false, Theme { color: false });
    app.start();
    let session = aws::connect(&options()).await.unwrap();
    let id = Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ops".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    app.update(reply(&app, Reply::Connected(Box::new(Ok((session, id))))));
    let (_, effects) = app.update(key(KeyCode::Char('n')));
    assert!(matches!(
        common::effects(effects.clone()).as_slice(),
        [Effect::RunPreflight(_)]
    ));
    assert_eq!(app.step(), Step::Preflight);
    assert!(app.is_animating());
    app
}

fn finished(id: CheckId, status: CheckStatus, ms: u64, findings: Vec<Finding>) -> Reply {
    Reply::Preflight(PreflightMsg::CheckFinished {
        id,
        status,
        findings,
        duration: Duration::from_millis(ms),
    })
}

fn started(id: CheckId) -> Reply {
    Reply::Preflight(PreflightMsg::CheckStarted {
        id,
        title: id.title(),
    })
}

fn net(s: &str) -> ipnet::Ipv4Net {
    s.parse().unwrap()
}

fn checks(fail_network: bool) -> Vec<CheckResult> {
    [
        CheckId::Parameters,
        CheckId::Identity,
        CheckId::Stack,
        CheckId::Region,
        CheckId::Network,
        CheckId::Buckets,
        CheckId::Names,
        CheckId::Domain,
        CheckId::Quotas,
        CheckId::Zone,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, id)| CheckResult {
        id,
        title: id.title(),
        status: if fail_network && id == CheckId::Network {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        },
        duration: Duration::from_millis(3 + i as u64 * 7),
    })
    .collect()
}

fn existing() -> Vec<ExistingBlock> {
    vec![
        ExistingBlock {
            cidr: net("10.2.0.0/16"),
            source: BlockSource::VpcPrimary {
                vpc_id: "vpc-0a1".into(),
                name: Some("legacy-analytics".into()),
            },
            region: "eu-west-1".into(),
        },
        ExistingBlock {
            cidr: net("10.4.0.0/16"),
            source: BlockSource::PeeringPeer {
                peering_id: "pcx-01".into(),
                peer_vpc_id: "vpc-0b2".into(),
                peer_region: "us-west-2".into(),
                peer_account: "123456789012".into(),
            },
            region: "eu-west-1".into(),
        },
    ]
}

#[tokio::test]
async fn running_checklist() {
    let mut app = in_preflight().await;
    app.update(reply(&app, started(CheckId::Parameters)));
    app.update(reply(
        &app,
        finished(CheckId::Parameters, CheckStatus::Pass, 0, vec![]),
    ));
    app.update(reply(&app, started(CheckId::Identity)));
    app.update(reply(&app, started(CheckId::Stack)));
    app.update(reply(
        &app,
        finished(CheckId::Identity, CheckStatus::Pass, 21, vec![]),
    ));
    app.update(reply(&app, started(CheckId::Network)));
    let s = draw(&app, 100, 34);
    // done, running and waiting checks each look different
    assert!(s.contains("✔ Credentials and identity"), "{s}");
    assert!(s.contains("⠋ CIDR conflicts in the region"), "{s}");
    assert!(s.contains("· Bucket names are free"), "{s}");
    insta::assert_snapshot!(s);
}

#[tokio::test]
async fn passed() {
    let mut app = in_preflight().await;
    let report = PreflightReport {
        plan: app.parameters.network_plan().ok(),
        checks: checks(false),
        existing: vec![existing()[1].clone()],
        region: "eu-west-1".into(),
        findings: vec![Finding::new(
            Severity::Info,
            FindingCode::AzDefault,
            "no zone chosen: the subnets go in eu-west-1a, the region's first",
            "nothing to do",
            None,
        )],
        ..PreflightReport::default()
    };
    app.update(reply(&app, Reply::PreflightDone(Box::new(report))));
    assert!(!app.is_animating());
    let screen = draw(&app, 100, 34);
    assert!(screen.contains("ready to deploy"), "{screen}");
    insta::assert_snapshot!(screen);
}

fn conflict_report(app: &App) -> PreflightReport {
    let suggestion = NetworkPlan {
        vpc: net("10.1.0.0/16"),
        firewall_subnet: net("10.1.1.0/24"),
        nat_subnet: net("10.1.2.0/24"),
        studio_subnet: net("10.1.3.0/24"),
    };
    PreflightReport {
        plan: app.parameters.network_plan().ok(),
        suggestion: Some(suggestion),
        checks: checks(true),
        existing: existing(),
        region: "eu-west-1".into(),
        findings: vec![
            Finding::new(
                Severity::Error,
                FindingCode::CidrConflictExact,
                "10.2.0.0/16 is the same block as 10.2.0.0/16, the primary block of vpc-0a1 (legacy-analytics) in eu-west-1; the stack's VPC must not overlap a network in its region",
                "choose a VPC CIDR that overlaps nothing (studio-tui can suggest a free one)",
                None,
            ),
            Finding::new(
                Severity::Info,
                FindingCode::CidrFreeRange,
                "10.1.0.0/16 is the nearest free /16",
                "use it with --vpc-cidr 10.1.0.0/16 --firewall-subnet-cidr 10.1.1.0/24 --nat-subnet-cidr 10.1.2.0/24 --studio-subnet-cidr 10.1.3.0/24",
                None,
            ),
        ],
        ..PreflightReport::default()
    }
}

#[tokio::test]
async fn conflicts_with_suggestion_and_s_applies_it() {
    let mut app = in_preflight().await;
    let report = conflict_report(&app);
    app.update(reply(&app, Reply::PreflightDone(Box::new(report))));
    let screen = draw(&app, 100, 34);
    assert!(screen.contains("X"), "the overlap is drawn: {screen}");
    insta::assert_snapshot!("conflicts", screen);

    app.update(key(KeyCode::Char('s')));
    assert_eq!(app.parameters.vpc_cidr, "10.1.0.0/16");
    assert_eq!(app.parameters.firewall_subnet_cidr, "10.1.1.0/24");
    assert_eq!(app.parameters.nat_subnet_cidr, "10.1.2.0/24");
    assert_eq!(app.parameters.studio_subnet_cidr, "10.1.3.0/24");
    insta::assert_snapshot!("after_s", draw(&app, 100, 34));

    // r runs preflight again with the new parameters
    let (_, effects) = app.update(key(KeyCode::Char('r')));
    match common::effects(effects.clone()).as_slice() {
        [Effect::RunPreflight(input)] => {
            assert_eq!(input.parameters.vpc_cidr, "10.1.0.0/16")
        }
        other => panic!("{other:?}"),
    }
    // b goes back to the session step
    app.update(reply(
        &app,
        Reply::PreflightDone(Box::new(conflict_report(&app))),
    ));
    app.update(key(KeyCode::Char('b')));
    assert_eq!(app.step(), Step::Session);
}

#[tokio::test]
async fn narrow_terminal_60x24() {
    let mut app = in_preflight().await;
    let report = conflict_report(&app);
    app.update(reply(&app, Reply::PreflightDone(Box::new(report))));
    let s = draw(&app, 60, 24);
    // at 60 columns the failed check comes first and the way out is still on screen
    assert!(s.contains("✘ CIDR conflicts in the region"), "{s}");
    assert!(s.contains("6 more check(s) (6 passed)"), "{s}");
    assert!(s.contains("Suggested free range: 10.1.0.0/16"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn cidr_map_marks_overlap_and_suggestion() {
    use studio_tui::ui::screens::preflight::{Cell, cidr_map};
    let plan = NetworkPlan {
        vpc: net("10.2.0.0/16"),
        firewall_subnet: net("10.2.1.0/24"),
        nat_subnet: net("10.2.2.0/24"),
        studio_subnet: net("10.2.3.0/24"),
    };
    let sugg = NetworkPlan {
        vpc: net("10.1.0.0/16"),
        firewall_subnet: net("10.1.1.0/24"),
        nat_subnet: net("10.1.2.0/24"),
        studio_subnet: net("10.1.3.0/24"),
    };
    let map = cidr_map(&plan, &existing(), "eu-west-1", Some(&sugg), 64);
    assert_eq!(map.window, net("10.0.0.0/13"));
    assert_eq!(map.bar.len(), 64);
    // 8 cells per /16: 10.1 suggested, 10.2 overlap, 10.4 existing, 10.0 free
    assert!(map.bar[..8].iter().all(|c| *c == Cell::Free));
    assert!(map.bar[8..16].iter().all(|c| *c == Cell::Suggested));
    assert!(map.bar[16..24].iter().all(|c| *c == Cell::Overlap));
    assert!(map.bar[32..40].iter().all(|c| *c == Cell::Existing));
    // the zoom shows the three /24s in 10.2.0.0/22, 16 cells each
    assert_eq!(map.zoom, net("10.2.0.0/22"));
    assert_eq!(map.subnets[0], Cell::Free);
    assert_eq!(map.subnets[16], Cell::Subnet('F'));
    assert_eq!(map.subnets[32], Cell::Subnet('N'));
    assert_eq!(map.subnets[63], Cell::Subnet('S'));
}

#[tokio::test]
async fn next_opens_the_form_with_the_suggestion_and_back_checks_again() {
    let mut app = in_preflight().await;
    let report = conflict_report(&app);
    app.update(reply(&app, Reply::PreflightDone(Box::new(report))));
    app.update(key(KeyCode::Char('s')));
    let (_, effects) = app.update(key(KeyCode::Char('n')));
    assert!(effects.is_empty());
    assert_eq!(app.step(), Step::Parameters);
    let form = app.params.as_ref().unwrap();
    assert_eq!(form.parameters().vpc_cidr, "10.1.0.0/16");
    assert_eq!(form.parameters().studio_subnet_cidr, "10.1.3.0/24");
    // Esc in the form goes back to preflight, which checks the form's values again.
    let (_, effects) = app.update(key(KeyCode::Esc));
    assert_eq!(app.step(), Step::Preflight);
    match common::effects(effects.clone()).as_slice() {
        [Effect::RunPreflight(input)] => assert_eq!(input.parameters.vpc_cidr, "10.1.0.0/16"),
        other => panic!("{other:?}"),
    }
}

/// F3 in the form admits the SageMaker Python SDK's default bucket of the session's region and
/// account, once, and the help says what admitting a bucket means.
#[tokio::test]
async fn f3_admits_the_sagemaker_default_bucket_and_says_the_trade_off() {
    use studio_tui::core::field::Field;
    let mut app = in_preflight().await;
    let report = conflict_report(&app);
    app.update(reply(&app, Reply::PreflightDone(Box::new(report))));
    app.update(key(KeyCode::Char('n')));
    assert_eq!(app.step(), Step::Parameters);
    app.update(key(KeyCode::F(3)));
    let form = app.params.as_ref().unwrap();
    let bucket = "sagemaker-eu-west-1-123456789012";
    assert_eq!(form.parameters().allowed_buckets, [bucket]);
    assert_eq!(form.field(), Some(Field::AllowedBuckets));
    assert!(
        form.notice.as_deref().unwrap().contains("copied there"),
        "{:?}",
        form.notice
    );
    assert!(form.errors.is_empty(), "{:?}", form.errors);
    let screen = draw(&app, 100, 40);
    assert!(screen.contains(&format!("F3 adds {bucket}")), "{screen}");
    assert!(screen.contains("place a notebook can copy"), "{screen}");
    app.update(key(KeyCode::F(3)));
    let form = app.params.as_ref().unwrap();
    assert_eq!(form.parameters().allowed_buckets, [bucket], "added once");
    assert!(form.notice.as_deref().unwrap().contains("already"));
}

#[tokio::test]
async fn config_file_values_prefill_preflight_and_the_form() {
    use studio_tui::core::field::Field;
    use studio_tui::ops::params::ConfigFile;
    let config = ConfigFile {
        overrides: vec![
            (Field::ProjectName, "team-b".into()),
            (Field::VpcCidr, "10.30.0.0/16".into()),
            (Field::FirewallSubnetCidr, "10.30.1.0/24".into()),
            (Field::NatSubnetCidr, "10.30.2.0/24".into()),
            (Field::StudioSubnetCidr, "10.30.3.0/24".into()),
        ],
        users: Some(vec!["dee".into()]),
    };
    let mut app =
        App::new(vec![], options(), false, Theme { color: false }).with_config(Some(config));
    app.start();
    let session = aws::connect(&options()).await.unwrap();
    let id = Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ops".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    app.update(reply(&app, Reply::Connected(Box::new(Ok((session, id))))));
    let (_, effects) = app.update(key(KeyCode::Char('n')));
    match common::effects(effects.clone()).as_slice() {
        [Effect::RunPreflight(input)] => {
            assert_eq!(input.parameters.project_name, "team-b");
            assert_eq!(input.parameters.vpc_cidr, "10.30.0.0/16");
        }
        other => panic!("{other:?}"),
    }
    app.update(key(KeyCode::Char('n')));
    let form = app.params.as_ref().unwrap();
    assert_eq!(form.parameters().studio_subnet_cidr, "10.30.3.0/24");
    assert_eq!(form.users, ["dee"]);
}

/// At 80x24 the header is one line, every check is either listed or counted on a marker line,
/// and the findings say that they scroll.
#[tokio::test]
async fn fits_80x24_with_markers_for_what_does_not_fit() {
    let mut app = in_preflight().await;
    let report = conflict_report(&app);
    app.update(reply(&app, Reply::PreflightDone(Box::new(report))));
    let screen = draw(&app, 80, 24);
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].contains("2 · Preflight"), "{screen}");
    assert!(
        lines[1].starts_with("\"┌ Preflight"),
        "one header line: {screen}"
    );
    let listed = screen.matches(" ms│").count();
    let counted: usize = screen
        .split("⋯ ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(listed + counted, checks(true).len(), "{screen}");
    assert!(screen.contains("to scroll"), "{screen}");
    insta::assert_snapshot!(screen);
}
