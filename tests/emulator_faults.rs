//! Fault injection of the emulator against the SDK: throttling with each service's real code is
//! retried by the session's standard retry mode; dropped connections too.
//! (Own test binary: faults are a setting of the whole emulator.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

// The two checks change emulator-wide settings, so they run one after the other in one test.
#[tokio::test]
async fn faults_are_retried_or_reported_clearly() {
    absorbed_by_retries().await;
    beyond_the_retries().await;
}

async fn absorbed_by_retries() {
    let emu = common::emulator();
    let _faults = emu.settings(serde_json::json!({"faults": "throttle=0.3,drop=0.1,seed=7"}));
    let mark = emu.log_mark();
    let session = emu.session("us-east-1").await;
    for _ in 0..10 {
        session
            .identity()
            .await
            .expect("retried through throttling and drops");
        session
            .fixtures()
            .ec2()
            .describe_vpcs()
            .send()
            .await
            .expect("ec2 retried");
    }
    let faulted = emu
        .requests_since(mark, "us-east-1")
        .iter()
        .filter(|r| r.get("fault").is_some_and(|f| !f.is_null()))
        .count();
    assert!(faulted > 0, "faults were injected");
}

async fn beyond_the_retries() {
    let emu = common::emulator();
    // a region no other test uses; all-or-nothing rate for this check
    let throttled = emu.settings(serde_json::json!({"throttle_rate": 1.0}));
    let session = emu.session("us-east-2").await;
    let err = session.identity().await.unwrap_err();
    drop(throttled);
    assert_eq!(err.kind, studio_tui::aws::ErrorKind::Throttled, "{err}");
    assert!(err.fix.unwrap().contains("throttling"));
}
