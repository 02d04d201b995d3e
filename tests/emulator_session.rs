//! The AWS session and the read-only guard, over real HTTP against the local emulator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use studio_tui::aws::ErrorKind;

#[tokio::test]
async fn identity_from_the_emulator() {
    let emu = common::emulator();
    let session = emu.session("us-east-1").await;
    let id = session.identity().await.unwrap();
    assert_eq!(id.account, "123456789012");
    assert!(id.arn.starts_with("arn:aws:"), "{}", id.arn);
    assert_eq!(session.region, "us-east-1");
}

#[tokio::test]
async fn read_only_refuses_mutations_before_they_are_sent() {
    let emu = common::emulator();
    let session = emu.read_only_session("eu-west-1").await;
    let name = common::unique_name("ro");
    let mark = emu.log_mark();
    let err = session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(&name)
        .template_body("{\"Resources\":{}}")
        .send()
        .await
        .expect_err("read-only must refuse CreateStack");
    let text = studio_tui::aws::AwsError::from_sdk(
        "cloudformation:CreateStack",
        err,
        session.fixtures().error_context(),
    )
    .to_string();
    assert!(text.contains("--read-only"), "{text}");
    // reads still work
    session
        .fixtures()
        .cloudformation()
        .describe_stacks()
        .send()
        .await
        .expect("DescribeStacks is allowed in read-only mode");
    let actions = emu.actions_since(mark, "eu-west-1");
    assert!(
        !actions.iter().any(|a| a == "CreateStack"),
        "the refused call never reached the emulator: {actions:?}"
    );
    assert!(
        actions.iter().any(|a| a == "DescribeStacks"),
        "the allowed read did: {actions:?}"
    );
}

#[tokio::test]
async fn retry_mode_is_standard_with_backoff() {
    let emu = common::emulator();
    // Not faulted: a sanity check that the retry config is the standard mode.
    let session = emu.session("us-east-1").await;
    let retry = session
        .fixtures()
        .sdk_config()
        .retry_config()
        .expect("retry config");
    assert_eq!(retry.max_attempts(), 5);
    assert_eq!(retry.mode(), aws_config::retry::RetryMode::Standard);
}

#[tokio::test]
async fn unreachable_endpoint_is_classified() {
    let mut opts = common::emulator().options("us-east-1");
    opts.endpoint_url = Some("http://127.0.0.1:9".into());
    let session = studio_tui::aws::connect(&opts).await.unwrap();
    let err = session.identity().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unreachable);
    assert!(err.fix.unwrap().contains("http://127.0.0.1:9"));
}

/// A well-formed region newer than studio-tui's list is used, not refused: `whoami` (plain and
/// `--json`) and `template` run against the emulator and the warning is shown; `preflight`
/// reports it as a warning finding.
#[tokio::test]
async fn an_unlisted_region_runs_with_a_warning_in_every_output() {
    common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_path_buf();
    let (plain, json, template, preflight) = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str]| {
            common::binary(&h, "ap-southeast-7")
                .args(args)
                .output()
                .unwrap()
        };
        (
            run(&["whoami", "--plain"]),
            run(&["whoami", "--json"]),
            run(&["template"]),
            run(&["preflight", "--json", "--project-name", "unlisted-region"]),
        )
    })
    .await
    .unwrap();
    let warning = "region ap-southeast-7 is not in studio-tui's list";

    assert_eq!(plain.status.code(), Some(0), "{plain:?}");
    let out = String::from_utf8_lossy(&plain.stdout);
    assert!(out.contains("region    ap-southeast-7"), "{out}");
    let err = String::from_utf8_lossy(&plain.stderr);
    assert!(err.contains(&format!("warning: {warning}")), "{err}");

    assert_eq!(json.status.code(), Some(0), "{json:?}");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    assert_eq!(doc["region"], "ap-southeast-7");
    assert!(
        doc["warnings"][0].as_str().unwrap().starts_with(warning),
        "{doc}"
    );

    assert_eq!(template.status.code(), Some(0), "{template:?}");
    assert!(String::from_utf8_lossy(&template.stdout).contains("AWSTemplateFormatVersion"));

    let doc: serde_json::Value =
        serde_json::from_slice(&preflight.stdout).expect("one JSON document");
    let findings = doc["findings"].as_array().unwrap();
    let region = findings
        .iter()
        .find(|f| f["code"] == "REGION_NOT_LISTED")
        .unwrap_or_else(|| panic!("no REGION_NOT_LISTED finding: {doc}"));
    assert_eq!(region["severity"], "warning");
    assert!(
        !findings.iter().any(|f| f["code"] == "REGION_UNSUPPORTED"),
        "{doc}"
    );
}
