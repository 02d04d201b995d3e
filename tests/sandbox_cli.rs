//! `studio-tui sandbox` and `--sandbox`, run as a user would: start, print how to use it, serve
//! seeded VPCs, stop cleanly on SIGTERM with no process left; a clear error without python3.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn studio_tui(home: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_studio-tui"));
    c.env("STUDIO_TUI_HOME", home)
        .env("STUDIO_TUI_CACHE", common::cache_dir())
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE");
    c
}

fn port_open(endpoint: &str) -> bool {
    let addr = endpoint.trim_start_matches("http://");
    std::net::TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_millis(300)).is_ok()
}

#[test]
#[allow(
    unsafe_code,
    reason = "std's Child::kill only sends SIGKILL; this is SIGTERM"
)]
fn sandbox_serves_seeded_vpcs_and_stops_cleanly_on_sigterm() {
    // make sure the shared venv exists before timing anything
    let _ = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let mut child = studio_tui(home.path())
        .args(["sandbox", "--port", "0", "--seed-vpcs"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut endpoint = None;
    let mut printed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        printed.push(line.clone());
        if let Some(url) = line.strip_prefix("Local AWS emulator running at ") {
            endpoint = Some(url.trim().to_string());
        }
        if line.contains("Press Ctrl-C") {
            break;
        }
    }
    let endpoint = endpoint.unwrap_or_else(|| panic!("no endpoint in {printed:?}"));
    let text = printed.join("\n");
    assert!(
        text.contains(&format!("export AWS_ENDPOINT_URL={endpoint}")),
        "{text}"
    );
    assert!(port_open(&endpoint));

    // the seeded VPC overlapping the default plan is there
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cidrs = rt.block_on(async {
        let session = studio_tui::aws::connect(&studio_tui::aws::SessionOptions {
            region: Some("us-east-1".into()),
            endpoint_url: Some(endpoint.clone()),
            fake_credentials: true,
            ..Default::default()
        })
        .await
        .unwrap();
        let out = session
            .fixtures()
            .ec2()
            .describe_vpcs()
            .send()
            .await
            .unwrap();
        out.vpcs()
            .iter()
            .filter_map(|v| v.cidr_block().map(str::to_string))
            .collect::<Vec<_>>()
    });
    assert!(cidrs.contains(&"10.2.0.0/16".to_string()), "{cidrs:?}");

    // SIGTERM: studio-tui stops the emulator and exits 0; nothing listens any more
    // SAFETY: kill(2) with the pid of the child this test spawned and has not reaped.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let gone = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        !port_open(&endpoint)
    });
    assert!(gone, "the emulator process was left running");
}

#[test]
fn global_sandbox_flag_runs_a_command_against_a_private_emulator() {
    let _ = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let out = studio_tui(home.path())
        .args(["--sandbox", "whoami", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["account"], "123456789012");
    let endpoint = doc["endpoint_url"].as_str().unwrap().to_string();
    assert!(
        !port_open(&endpoint),
        "the private emulator stopped with the command"
    );
}

#[test]
fn missing_python_is_a_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_studio-tui"))
        .env_clear()
        .env("HOME", home.path())
        .env("STUDIO_TUI_HOME", home.path())
        .env("PATH", empty.path())
        .args(["--sandbox", "whoami"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("python3 was not found"), "{err}");
    assert!(err.contains("apt-get install python3"), "{err}");
}

/// `--sandbox` tells the story nobody else can: the account already has a VPC on the default
/// range (behind a transit gateway) and a peering, so preflight finds the conflict and suggests a
/// free range; `--sandbox --empty` is the blank account.
#[test]
fn the_sandbox_starts_with_something_in_the_way_unless_empty() {
    let _ = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["--sandbox"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--json", "preflight", "--project-name", "story"]);
        let out = studio_tui(home.path()).args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let doc: serde_json::Value = serde_json::from_str(text.trim())
            .unwrap_or_else(|e| panic!("{e}: {text} {}", String::from_utf8_lossy(&out.stderr)));
        let codes: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap_or("").to_string())
            .collect();
        (out.status.code(), codes, doc)
    };
    let (code, codes, doc) = run(&[]);
    assert_eq!(code, Some(1), "{doc}");
    assert!(
        codes.iter().any(|c| c == "CIDR_CONFLICT_EXACT"),
        "{codes:?}"
    );
    assert!(codes.iter().any(|c| c == "CIDR_FREE_RANGE"), "{codes:?}");
    assert!(doc["suggestion"].is_object(), "{doc}");

    let (code, codes, doc) = run(&["--empty"]);
    assert_eq!(code, Some(0), "{doc}");
    assert!(
        !codes.iter().any(|c| c.starts_with("CIDR_CONFLICT")),
        "{codes:?}"
    );
}
