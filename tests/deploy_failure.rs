//! An injected resource failure: the stack rolls back, the right root cause is shown, the stack
//! is reported as blocked with the recovery, and `deploy --recreate` gets out of it.
//! (Its own test binary: failure injection is a setting of the whole emulator.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn studio_tui(emu: &common::TestEmulator, home: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("studio-tui").unwrap();
    cmd.env("STUDIO_TUI_HOME", home)
        .env("AWS_ENDPOINT_URL", &emu.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "eu-west-1")
        .env_remove("AWS_PROFILE");
    cmd
}

#[test]
fn injected_failure_rolls_back_with_the_root_cause_then_recreate_recovers() {
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let name = common::unique_name("fail");
    let failing = emu.settings(
        serde_json::json!({"fail_resources": {"NATGateway": "The maximum number of addresses has been reached."}}),
    );
    let out = studio_tui(emu, home.path())
        .args(["deploy", "--yes", "--plain", "--project-name", &name])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("ROLLBACK_COMPLETE"), "{text}");
    let root = text
        .lines()
        .find(|l| l.starts_with("Root cause:"))
        .unwrap_or_else(|| panic!("no root cause line in:\n{text}"));
    assert!(root.contains("NATGateway"), "{root}");
    assert!(root.contains("maximum number of addresses"), "{root}");

    // A second deploy refuses to update ROLLBACK_COMPLETE and says how to recover.
    studio_tui(emu, home.path())
        .args(["deploy", "--yes", "--project-name", &name])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("ROLLBACK_COMPLETE")
                .and(predicate::str::contains("--recreate")),
        );
    studio_tui(emu, home.path())
        .args(["status", "--project-name", &name])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ROLLBACK_COMPLETE")
                .and(predicate::str::contains("--recreate")),
        );

    // Fixed: recreate deletes the failed stack and deploys again.
    drop(failing);
    assert_eq!(
        emu.control_get("/_studio/config")["fail_resources"],
        serde_json::json!({})
    );
    studio_tui(emu, home.path())
        .args(["deploy", "--yes", "--recreate", "--project-name", &name])
        .assert()
        .success()
        .stdout(predicate::str::contains("CREATE_COMPLETE"));

    // The timeline of the last operation is available afterwards.
    studio_tui(emu, home.path())
        .args(["events", "--chart", "--project-name", &name])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("NetworkFirewall").or(predicate::str::contains("Firewall")),
        );
}
