//! The topology of the real template deployed on the local emulator: nodes, free IPs, the
//! egress path, the cost of one refresh (counted by the gatherer and by the emulator's request
//! log), the CLI exports through the real binary; and snapshots of the view at several
//! terminal sizes and states.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{draw, key, reply};

use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use crossterm::event::KeyCode;

use studio_tui::config::Paths;
use studio_tui::core::params::ParamsDraft;
use studio_tui::core::topology::{
    EdgeKind, EndpointKind, NodeKind, Path, SampleStage, Status, SubnetRole, Topology,
    sample_inputs, subnet_id,
};
use studio_tui::ops::deploy::{self, Plan};
use studio_tui::ops::topology as topo_ops;
use studio_tui::state::SharedStore;
use studio_tui::state::Store;
use studio_tui::ui::action::{Action, Effect, Reply};
use studio_tui::ui::app::{App, Step};
use studio_tui::ui::screens::topology::PathMode;
use studio_tui::ui::theme::Theme;

/// Upper bound of AWS requests for one refresh of a settled stack with a Studio domain:
/// DescribeStacks 1 + ListStackResources 1 page + 6 EC2 describes + 2 S3 calls x 2 buckets +
/// ListDomains 1 + DescribeDomain 1 (its VPC says whether it is the project's) +
/// ListUserProfiles 1 + ListApps 1 = 16; one spare for a second page of stack resources.
/// Without a domain the figure is 13.
const MAX_CALLS_PER_REFRESH: usize = 17;

fn store() -> (tempfile::TempDir, SharedStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::load(&Paths::under(dir.path())).unwrap();
    (dir, Arc::new(Mutex::new(s)))
}

fn studio_tui(emu: &common::TestEmulator, home: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("studio-tui").unwrap();
    cmd.env("STUDIO_TUI_HOME", home)
        .env("AWS_ENDPOINT_URL", &emu.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE");
    cmd
}

/// One test on the emulator (its request log is global, so the steps run in sequence).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployed_template_topology_paths_cost_and_exports() {
    let emu = common::emulator();
    let session = emu.session("us-east-1").await;
    let home = tempfile::tempdir().unwrap();

    // No stack: a clear NotFound, and the CLI exits 1 saying so.
    let err = topo_ops::refresh(&session, "no-such-project")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), studio_tui::aws::ErrorKind::NotFound);
    let out = studio_tui(emu, home.path())
        .args(["topology", "--project-name", "no-such-project"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no stack no-such-project"), "{stderr}");

    // Deploy the real template.
    let (_dir, store) = store();
    let name = common::unique_name("topo");
    let params = ParamsDraft {
        project_name: name.clone(),
        ..ParamsDraft::default()
    }
    .parse(0)
    .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let Plan::Review(review) = deploy::plan(&session, &store, &params, None, &tx)
        .await
        .unwrap()
    else {
        panic!("expected a change set")
    };
    let outcome = deploy::execute(&session, &store, &review, &tx)
        .await
        .unwrap();
    drop(tx);
    drain.await.unwrap();
    assert!(outcome.ok, "{:?}", outcome.root_cause);

    // A Studio domain with one user, so the SageMaker part is exercised.
    let sm = session.fixtures().sagemaker();
    let domain = sm
        .create_domain()
        .domain_name(&name)
        .auth_mode(aws_sdk_sagemaker::types::AuthMode::Iam)
        .vpc_id(&outcome.outputs["VpcId"])
        .subnet_ids(&outcome.outputs["SageMakerStudioSubnetId"])
        .app_network_access_type(aws_sdk_sagemaker::types::AppNetworkAccessType::VpcOnly)
        .default_user_settings(
            aws_sdk_sagemaker::types::UserSettings::builder()
                .execution_role(&outcome.outputs["ExecutionRoleArn"])
                .build(),
        )
        .send()
        .await
        .expect("create domain");
    let domain_id = domain.domain_id().unwrap().to_string();
    for _ in 0..50 {
        let d = sm
            .describe_domain()
            .domain_id(&domain_id)
            .send()
            .await
            .unwrap();
        if d.status().map(|s| s.as_str()) == Some("InService") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    sm.create_user_profile()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .send()
        .await
        .expect("create user");

    // One refresh, counted twice: by the gatherer and by the emulator.
    let before = emu.log_mark();
    let (t, counted) = topo_ops::refresh_counted(&session, &name).await.unwrap();
    let seen = emu.requests_since(before, "us-east-1").len();
    assert_eq!(seen, counted, "the gatherer counts what the emulator sees");
    assert!(
        counted <= MAX_CALLS_PER_REFRESH,
        "{counted} calls per refresh (bound {MAX_CALLS_PER_REFRESH})"
    );
    eprintln!("calls per refresh (settled, with a domain): {counted}");

    // Nodes.
    assert_eq!(t.stack_status.as_deref(), Some("CREATE_COMPLETE"));
    let n = |id: &str| {
        t.node(id)
            .unwrap_or_else(|| panic!("{id} missing in {}", t.to_text()))
    };
    assert_eq!(n("vpc").label, outcome.outputs["VpcId"]);
    for role in [SubnetRole::Firewall, SubnetRole::Nat, SubnetRole::Studio] {
        let s = n(subnet_id(role));
        assert_eq!(s.status, Status::Ready, "{s:?}");
        assert!(s.label.contains("free IPs"), "{}", s.label);
        assert!(
            s.details
                .iter()
                .any(|(k, v)| k == "free IP addresses" && v.parse::<i32>().is_ok_and(|x| x > 0)),
            "{s:?}"
        );
    }
    assert_eq!(n("igw").label, outcome.outputs["InternetGatewayId"]);
    assert_eq!(n("igw").status, Status::Ready);
    let nat = n("nat");
    assert!(nat.label.starts_with(&outcome.outputs["NatGatewayId"]));
    assert!(nat.label.contains("EIP "), "{}", nat.label);
    let fw = n("firewall");
    assert_eq!(fw.status, Status::Ready);
    assert!(
        fw.details
            .iter()
            .any(|(k, v)| k == "endpoint" && *v == outcome.outputs["FirewallEndpointId"])
    );
    assert!(
        fw.details
            .iter()
            .any(|(k, v)| k == "allowed domains" && v.contains(".amazonaws.com"))
    );
    let s3 = n("vpce:S3VPCEndpoint");
    assert!(matches!(
        s3.kind,
        NodeKind::VpcEndpoint {
            kind: EndpointKind::Gateway,
            ..
        }
    ));
    assert_eq!(s3.status, Status::Ready);
    let interface: Vec<_> = t
        .nodes
        .iter()
        .filter(|n| {
            matches!(
                n.kind,
                NodeKind::VpcEndpoint {
                    kind: EndpointKind::Interface,
                    ..
                }
            )
        })
        .collect();
    assert!(
        interface.len() >= 10,
        "{} interface endpoints",
        interface.len()
    );
    assert!(interface.iter().all(|e| e.status == Status::Ready));
    for b in ["bucket:data", "bucket:models"] {
        let b = n(b);
        assert!(b.label.contains("(endpoint-only)"), "{b:?}");
        assert!(
            b.details
                .iter()
                .any(|(k, v)| k == "bucket policy" && v.starts_with("endpoint-only"))
        );
    }
    assert_eq!(n("kms:S3KmsKey").status, Status::Ready);
    assert_eq!(n("kms:StudioKmsKey").status, Status::Ready);
    assert!(n("domain").label.contains(&domain_id));
    assert!(t.node("user:alice").is_some());

    // The egress path, edge by edge.
    let egress: Vec<(&str, &str)> = t
        .path_edges(Path::Egress)
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    assert_eq!(
        egress,
        vec![
            ("subnet:studio", "nat"),
            ("nat", "firewall"),
            ("firewall", "igw"),
            ("igw", "internet")
        ]
    );
    assert!(
        t.path_edges(Path::Egress)
            .iter()
            .all(|e| e.kind == EdgeKind::Traffic)
    );
    assert!(t.path_nodes(Path::S3).contains("bucket:models"));

    // The exports through the real binary.
    let run = |args: &[&str]| {
        let out = studio_tui(emu, home.path())
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let mermaid = run(&["topology", "--project-name", &name, "--format", "mermaid"]);
    assert!(mermaid.starts_with("flowchart LR"), "{mermaid}");
    assert!(mermaid.contains("==>|egress|"));
    let dot = run(&["topology", "--project-name", &name, "--format", "dot"]);
    assert!(dot.starts_with("digraph topology {"), "{dot}");
    let json = run(&["topology", "--project-name", &name, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json parses");
    assert_eq!(v["project"], name.as_str());
    assert!(v["nodes"].as_array().unwrap().len() > 20);
    let json2 = run(&["--json", "topology", "--project-name", &name]);
    serde_json::from_str::<serde_json::Value>(&json2).expect("--json means json");
    let text = run(&["topology", "--project-name", &name]);
    assert!(
        text.contains("Egress path: subnet:studio → nat → firewall"),
        "{text}"
    );
    assert!(text.contains("User profile: alice"), "{text}");
}

// ------------------------------------------------------------------------- the view

fn app_with(stage: SampleStage) -> App {
    let mut a = App::new(
        vec![],
        studio_tui::aws::SessionOptions {
            region: Some("eu-west-1".into()),
            ..Default::default()
        },
        false,
        Theme { color: false },
    );
    a.open_topology_of("demo");
    assert_eq!(a.step(), Step::Topology);
    a.update(reply(
        &a,
        Reply::Topology(Box::new(Ok(Topology::build(&sample_inputs(stage))))),
    ));
    a
}

#[test]
fn view_complete_140x40() {
    let a = app_with(SampleStage::Complete);
    let s = draw(&a, 140, 40);
    assert!(s.contains("IGW [ready]"), "{s}");
    assert!(s.contains("NAT gateway nat-0n1 EIP 203.0.113.10"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn view_complete_100x30() {
    let a = app_with(SampleStage::Complete);
    let s = draw(&a, 100, 30);
    assert!(s.contains("Firewall subnet"), "diagram at 100x30: {s}");
    insta::assert_snapshot!(s);
}

#[test]
fn view_complete_80x24_is_a_tree() {
    let a = app_with(SampleStage::Complete);
    let s = draw(&a, 80, 24);
    assert!(s.contains("Topology · demo"), "{s}");
    assert!(!s.contains("┃"), "no diagram below 100x30");
    // the tree is taller than the panel: it says how much is below instead of cutting silently
    assert!(s.contains("↓ 8 more · Tab/↑↓ scroll"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn view_during_deploy_140x40() {
    let a = app_with(SampleStage::Deploying);
    let s = draw(&a, 140, 40);
    assert!(s.contains("[creating]"), "{s}");
    assert!(s.contains("[missing]"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn view_during_deploy_80x24() {
    let a = app_with(SampleStage::Deploying);
    let s = draw(&a, 80, 24);
    // the tree: each resource with its state, and how much is below the panel
    assert!(
        s.contains("Route table: Firewall routes rtb-0fw [creating]"),
        "{s}"
    );
    assert!(
        s.contains("Network Firewall: demo-firewall [missing]"),
        "{s}"
    );
    assert!(s.contains("↓ 1 more"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn view_failed_resource_100x30() {
    let a = app_with(SampleStage::Failed);
    let s = draw(&a, 100, 30);
    assert!(s.contains("✗ NAT gateway nat-0n1"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn view_egress_path_highlight_140x40() {
    let mut a = app_with(SampleStage::Complete);
    a.update(key(KeyCode::Char('p')));
    assert_eq!(a.topology.path, PathMode::Egress);
    let s = draw(&a, 140, 40);
    assert!(s.contains('┃') && s.contains('━'), "thick connectors: {s}");
    insta::assert_snapshot!(s);
}

#[test]
fn view_s3_path_highlight_100x30_and_tree() {
    let mut a = app_with(SampleStage::Complete);
    a.update(key(KeyCode::Char('p')));
    a.update(key(KeyCode::Char('p')));
    assert_eq!(a.topology.path, PathMode::S3);
    insta::assert_snapshot!("s3_path_100x30", draw(&a, 100, 30));
    let tree = draw(&a, 80, 24);
    assert!(tree.contains('»'), "path marks in the tree: {tree}");
    insta::assert_snapshot!("s3_path_80x24", tree);
    a.update(key(KeyCode::Char('p')));
    assert_eq!(a.topology.path, PathMode::Off);
}

#[test]
fn selection_moves_and_enter_opens_details() {
    let mut a = app_with(SampleStage::Complete);
    assert_eq!(a.topology.selected.as_deref(), Some("internet"));
    a.update(key(KeyCode::Tab));
    assert_eq!(a.topology.selected.as_deref(), Some("vpc"));
    a.update(key(KeyCode::Tab));
    assert_eq!(a.topology.selected.as_deref(), Some("igw"));
    while a.topology.selected.as_deref() != Some("nat") {
        a.update(key(KeyCode::Down));
    }
    a.update(key(KeyCode::Enter));
    assert!(a.topology.details_open);
    let s = draw(&a, 140, 40);
    assert!(s.contains("elastic IP"), "{s}");
    insta::assert_snapshot!(s);
    // Esc closes the panel, then goes back; it never quits
    a.update(key(KeyCode::Esc));
    assert!(!a.topology.details_open);
    assert_eq!(a.step(), Step::Topology);
    a.update(key(KeyCode::Esc));
    assert_eq!(a.step(), Step::Session);
    assert!(!a.should_quit());
}

#[test]
fn refresh_policy_and_effects() {
    let mut a = app_with(SampleStage::Deploying);
    // while the stack is in progress a refresh is due within 3 s
    let due = a.next_timer().expect("a timer while deploying");
    assert!(due <= std::time::Instant::now() + topo_ops::BUSY_INTERVAL);
    let (_, effects) = a.update(Action::RefreshDue);
    assert_eq!(
        effects,
        vec![Effect::RefreshTopology {
            project: "demo".into()
        }]
    );
    assert!(a.next_timer().is_none(), "no timer while a refresh runs");
    let (_, effects) = a.update(key(KeyCode::Char('r')));
    assert!(effects.is_empty(), "no second refresh while one runs");
    // settled: the next refresh is a minute away; r refreshes now
    let mut settled = sample_inputs(SampleStage::Complete);
    settled.user_profiles.retain(|u| u.status == "InService");
    a.update(reply(
        &a,
        Reply::Topology(Box::new(Ok(Topology::build(&settled)))),
    ));
    let due = a.next_timer().expect("a slow timer when settled");
    assert!(due > std::time::Instant::now() + std::time::Duration::from_secs(30));
    let (_, effects) = a.update(key(KeyCode::Char('r')));
    assert_eq!(effects.len(), 1, "r refreshes on demand");
}
