//! `studio-tui drift` on the sandbox with the real template: a fresh stack is in sync (exit 0);
//! a route that bypasses the firewall, made with a plain EC2 call, is reported as baseline drift
//! (exit 1), refused to revert in read-only mode without a mutating call, and reverted with a
//! drift-aware change set, checked with EC2 describes afterwards.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::Value;

const REGION: &str = "us-east-1";

fn run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::binary(home, REGION).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json_lines(b: &[u8]) -> Vec<Value> {
    text(b)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The target of the 0.0.0.0/0 route of a route table (EC2 shows a firewall endpoint target as
/// its GatewayId, vpce-…).
async fn default_route(session: &studio_tui::aws::Session, table: &str) -> Option<String> {
    let out = session
        .fixtures()
        .ec2()
        .describe_route_tables()
        .route_table_ids(table)
        .send()
        .await
        .unwrap();
    let rt = &out.route_tables()[0];
    let r = rt
        .routes()
        .iter()
        .find(|r| r.destination_cidr_block() == Some("0.0.0.0/0"))
        .expect("a default route");
    r.gateway_id().map(str::to_string)
}

#[tokio::test]
async fn a_route_that_bypasses_the_firewall_is_reported_and_reverted() {
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("drift");
    let deploy = run(
        h,
        &["deploy", "--yes", "--plain", "--project-name", &project],
    );
    assert_eq!(deploy.status.code(), Some(0), "{}", text(&deploy.stderr));

    // In sync right after the deploy.
    let fresh = run(h, &["--json", "drift", "--project-name", &project]);
    let doc = &json_lines(&fresh.stdout)[0];
    assert_eq!(doc["report"]["status"], "IN_SYNC", "{doc}");
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));

    // Detection fails on one resource: CloudFormation answers DETECTION_FAILED with IN_SYNC for
    // what it could check. That is not "in sync": a distinct status, the resource it could not
    // check and why, exit 1.
    {
        let _fault = emu
            .settings(serde_json::json!({"fail_drift": {"DataBucketPolicy": "Internal Failure"}}));
        let failed = run(h, &["--json", "drift", "--project-name", &project]);
        assert_eq!(failed.status.code(), Some(1), "{}", text(&failed.stderr));
        let doc = &json_lines(&failed.stdout)[0];
        assert_eq!(doc["report"]["status"], "DETECTION_FAILED", "{doc}");
        assert_eq!(doc["ok"], false, "{doc}");
        assert_eq!(
            doc["report"]["unchecked"][0]["logical_id"], "DataBucketPolicy",
            "{doc}"
        );
        assert!(
            doc["report"]["aws_reason"]
                .as_str()
                .is_some_and(|r| r.contains("DataBucketPolicy")),
            "{doc}"
        );
        let plain = run(h, &["--plain", "drift", "--project-name", &project]);
        assert_eq!(plain.status.code(), Some(1));
        let out = text(&plain.stdout);
        assert!(out.contains("DETECTION_FAILED"), "{out}");
        assert!(
            out.contains("not checked: DataBucketPolicy (AWS::S3::BucketPolicy)"),
            "{out}"
        );
        assert!(!out.contains("IN_SYNC"), "{out}");
    }

    // An operator "fixes" egress by hand: the NAT subnet goes straight to the internet gateway.
    let session = emu.session(REGION).await;
    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    let table = stack.output("NATGatewayRouteTableId").unwrap().to_string();
    let igw = stack.output("InternetGatewayId").unwrap().to_string();
    let firewall = stack.output("FirewallEndpointId").unwrap().to_string();
    assert_eq!(
        default_route(&session, &table).await.as_deref(),
        Some(firewall.as_str())
    );
    session
        .fixtures()
        .ec2()
        .replace_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();

    let drifted = run(h, &["--json", "drift", "--project-name", &project]);
    assert_eq!(drifted.status.code(), Some(1), "{}", text(&drifted.stderr));
    let doc = &json_lines(&drifted.stdout)[0];
    assert_eq!(doc["report"]["status"], "DRIFTED", "{doc}");
    let first = &doc["report"]["resources"][0];
    assert_eq!(first["logical_id"], "NATGatewayDefaultRoute", "{doc}");
    assert_eq!(first["baseline"], true, "{doc}");
    assert_eq!(first["resource_type"], "AWS::EC2::Route");
    let plain = run(h, &["--plain", "drift", "--project-name", &project]);
    let out = text(&plain.stdout);
    assert!(
        out.contains("[baseline] NATGatewayDefaultRoute (AWS::EC2::Route) MODIFIED"),
        "{out}"
    );
    assert!(out.contains("expected"), "{out}");

    // Read-only: detection works, the revert is refused before any mutating call.
    let before = emu.log_mark();
    let ro = run(
        h,
        &[
            "--read-only",
            "--plain",
            "drift",
            "--revert",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(ro.status.code(), Some(1));
    assert!(
        text(&ro.stderr).contains("read-only"),
        "{}",
        text(&ro.stderr)
    );
    assert_eq!(emu.mutating_since(before, REGION), Vec::<String>::new());

    // Revert: a drift-aware change set, executed, then checked again.
    let revert = run(
        h,
        &[
            "--plain",
            "drift",
            "--revert",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    let err = text(&revert.stderr);
    assert_eq!(
        revert.status.code(),
        Some(0),
        "{err}\n{}",
        text(&revert.stdout)
    );
    assert!(err.contains("overwrites drift: MODIFIED"), "{err}");
    assert!(
        text(&revert.stdout).contains("IN_SYNC"),
        "{}",
        text(&revert.stdout)
    );
    // measured with EC2: the default route goes to the firewall endpoint again
    assert_eq!(
        default_route(&session, &table).await.as_deref(),
        Some(firewall.as_str())
    );
}
