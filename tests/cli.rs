//! The real binary, run as a user would: help, completions, bad flags, missing credentials.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use assert_cmd::Command;
use predicates::prelude::*;

/// The binary with a clean environment: no AWS variables, no profile files, no IMDS.
fn studio_tui(home: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("studio-tui").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("STUDIO_TUI_HOME", home.join("st"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"));
    cmd
}

#[test]
fn help_lists_global_options_and_commands() {
    let home = tempfile::tempdir().unwrap();
    studio_tui(home.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("--profile")
                .and(predicate::str::contains("--region"))
                .and(predicate::str::contains("--endpoint-url"))
                .and(predicate::str::contains("--read-only"))
                .and(predicate::str::contains("--plain"))
                .and(predicate::str::contains("--json"))
                .and(predicate::str::contains("--config"))
                .and(predicate::str::contains("--sandbox"))
                .and(predicate::str::contains("completions"))
                .and(predicate::str::contains("sandbox")),
        );
}

#[test]
fn completions_for_each_shell() {
    let home = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_studio__tui()"),
        ("zsh", "#compdef studio-tui"),
        ("fish", "complete -c studio-tui"),
    ] {
        studio_tui(home.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker));
    }
}

#[test]
fn bad_flag_exits_2() {
    let home = tempfile::tempdir().unwrap();
    studio_tui(home.path())
        .arg("--no-such-flag")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-such-flag"));
    studio_tui(home.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn missing_credentials_says_so_and_exits_1() {
    let home = tempfile::tempdir().unwrap();
    studio_tui(home.path())
        .args(["whoami", "--region", "eu-west-1"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("No AWS credentials found")
                .and(predicate::str::contains("aws configure"))
                .and(predicate::str::contains("--sandbox"))
                // never a Rust debug dump or a panic
                .and(predicate::str::contains("DispatchFailure").not())
                .and(predicate::str::contains("panicked").not()),
        );
}

#[test]
fn missing_credentials_as_json() {
    let home = tempfile::tempdir().unwrap();
    let out = studio_tui(home.path())
        .args(["whoami", "--region", "eu-west-1", "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["kind"], "no_credentials");
    assert!(
        doc["error"]["fix"]
            .as_str()
            .unwrap()
            .contains("aws configure")
    );
}

#[test]
fn missing_region_gives_the_fix() {
    let home = tempfile::tempdir().unwrap();
    studio_tui(home.path())
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
        .arg("whoami")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("No AWS region").and(predicate::str::contains("--region")),
        );
}

#[test]
fn unlisted_region_warns_with_the_closest_and_goes_on() {
    let home = tempfile::tempdir().unwrap();
    // A likely typo: a warning with the suggestion, then the command runs (and stops here on
    // the missing credentials, not on the region).
    studio_tui(home.path())
        .args(["whoami", "--region", "eu-wset-1"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("warning: region eu-wset-1 is not in studio-tui's list")
                .and(predicate::str::contains("did you mean --region eu-west-1?"))
                .and(predicate::str::contains("No AWS credentials found"))
                .and(predicate::str::contains("Unknown region").not()),
        );
    // A region newer than the list: the same, without a suggestion.
    studio_tui(home.path())
        .args(["whoami", "--region", "ap-southeast-7"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("warning: region ap-southeast-7 is not in studio-tui's list")
                .and(predicate::str::contains("No AWS credentials found")),
        );
}

#[test]
fn a_name_that_cannot_be_a_region_is_refused() {
    let home = tempfile::tempdir().unwrap();
    studio_tui(home.path())
        .args(["whoami", "--region", "euwest1"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("Unknown region")
                .and(predicate::str::contains("not an AWS region name")),
        );
}

#[test]
fn unknown_profile_lists_the_known_ones() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        "[profile dev]\nregion = eu-west-1\n[profile prod]\nregion = us-east-1\n",
    )
    .unwrap();
    studio_tui(home.path())
        .args(["whoami", "--profile", "stagging"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("profile 'stagging' was not found")
                .and(predicate::str::contains("dev, prod")),
        );
}

#[test]
fn unreachable_endpoint_names_it() {
    let home = tempfile::tempdir().unwrap();
    studio_tui(home.path())
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
        .args([
            "whoami",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("could not be reached")
                .and(predicate::str::contains("http://127.0.0.1:9")),
        );
}

#[test]
fn wizard_without_a_terminal_refuses_with_exit_2() {
    let home = tempfile::tempdir().unwrap();
    studio_tui(home.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"));
}

#[test]
fn credentials_never_reach_output_or_logs() {
    let home = tempfile::tempdir().unwrap();
    let secret = "wJalrXUtnFEMI-secret-do-not-print";
    let assert = studio_tui(home.path())
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .args([
            "-vvv",
            "whoami",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .assert()
        .code(1);
    let out = assert.get_output();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
    let log = std::fs::read_to_string(home.path().join("st/data/studio-tui.log")).unwrap();
    assert!(!log.is_empty(), "the log file is written");
    assert!(!log.contains(secret), "the secret key leaked into the log");
}

/// The most common first run: no credentials anywhere and instance metadata that refuses or does
/// not answer. It is reported as missing credentials with the exact fix, never as a network
/// problem, the same way in --plain and --json.
#[test]
fn no_credentials_with_instance_metadata_unreachable_is_named_as_such() {
    let home = tempfile::tempdir().unwrap();
    let out = studio_tui(home.path())
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")
        .args(["--region", "us-east-1", "--json", "whoami"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "no_credentials", "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("instance metadata is unreachable"),
        "{message}"
    );
    assert!(
        v["error"]["fix"]
            .as_str()
            .unwrap()
            .contains("aws configure"),
        "{v}"
    );
    let plain = studio_tui(home.path())
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")
        .args(["--region", "us-east-1", "--plain", "whoami"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&plain.stderr);
    assert!(err.contains("No AWS credentials found"), "{err}");
    assert!(!err.contains("could not be reached"), "{err}");
}
