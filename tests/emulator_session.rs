//! The AWS session and the read-only guard, over real HTTP against the local emulator.

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
    let before = emu
        .requests()
        .iter()
        .filter(|r| r["action"] == "CreateStack")
        .count();
    let err = session
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
        &session.error_context,
    )
    .to_string();
    assert!(text.contains("--read-only"), "{text}");
    // reads still work
    session
        .cloudformation()
        .describe_stacks()
        .send()
        .await
        .expect("DescribeStacks is allowed in read-only mode");
    let after = emu
        .requests()
        .iter()
        .filter(|r| r["action"] == "CreateStack")
        .count();
    assert_eq!(before, after, "the refused call never reached the emulator");
}

#[tokio::test]
async fn retry_mode_is_standard_with_backoff() {
    let emu = common::emulator();
    // Not faulted: a sanity check that the retry config is the standard mode.
    let session = emu.session("us-east-1").await;
    let retry = session.sdk.retry_config().expect("retry config");
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
