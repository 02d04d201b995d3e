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
    // One command pointed at it, nothing exported for the whole shell.
    assert!(
        text.contains(&format!(
            "  AWS_ENDPOINT_URL={endpoint} AWS_ACCESS_KEY_ID=testing"
        )),
        "{text}"
    );
    assert!(!text.contains("export "), "{text}");
    assert!(text.contains("Content-Type: application/json"), "{text}");
    assert!(port_open(&endpoint));

    // Its log and the folder it is in are the user's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let log = home.path().join("data").join("emulator.log");
        assert_eq!(mode(&log), 0o600, "{}", log.display());
        assert_eq!(mode(log.parent().unwrap()), 0o700);
    }

    // A web page cannot use it: a cross-origin request is refused and allows no origin.
    let page = Command::new("curl")
        .args([
            "-s",
            "-i",
            "-X",
            "POST",
            "-H",
            "Origin: https://evil.example",
        ])
        .args(["-H", "Content-Type: text/plain", "--data", r#"{"pace": 9}"#])
        .arg(format!("{endpoint}/_studio/config"))
        .output()
        .unwrap();
    let answer = String::from_utf8_lossy(&page.stdout).to_lowercase();
    assert!(answer.starts_with("http/1.1 403"), "{answer}");
    assert!(!answer.contains("access-control-allow-origin"), "{answer}");
    let preflight = Command::new("curl")
        .args([
            "-s",
            "-i",
            "-X",
            "OPTIONS",
            "-H",
            "Origin: https://evil.example",
        ])
        .args(["-H", "Access-Control-Request-Method: POST"])
        .arg(format!("{endpoint}/"))
        .output()
        .unwrap();
    let answer = String::from_utf8_lossy(&preflight.stdout).to_lowercase();
    assert!(answer.starts_with("http/1.1 403"), "{answer}");
    assert!(!answer.contains("access-control-allow"), "{answer}");

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

/// `--sandbox` keeps its answers apart: a demo's project, parameters and users are saved in
/// the sandbox's own folder and never become the defaults a real account is offered.
#[test]
fn sandbox_answers_are_kept_apart_from_real_accounts() {
    let _ = common::emulator();
    let home = tempfile::tempdir().unwrap();
    // A deploy saves its answers first; without --yes and without a terminal it then stops.
    let out = studio_tui(home.path())
        .args([
            "--sandbox",
            "--plain",
            "deploy",
            "--project-name",
            "sbx-demo",
        ])
        .args(["--allowed-domains", ".amazonaws.com,.sandbox-only.example"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let sandbox_answers = home.path().join("config/sandbox/answers.toml");
    let saved = std::fs::read_to_string(&sandbox_answers).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert!(saved.contains("sbx-demo") && saved.contains(".sandbox-only.example"));
    assert!(
        !home.path().join("config/answers.toml").exists(),
        "a real account's answers file was written"
    );
    assert!(!home.path().join("data/runs.json").exists());

    // A real account (here: another endpoint, with no --sandbox) is offered none of it.
    let real = studio_tui(home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .args([
            "--endpoint-url",
            &common::emulator().endpoint,
            "--region",
            "us-east-1",
        ])
        .args(["--json", "status"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&real.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&real.stderr)));
    assert_eq!(
        doc["project"], "sagemaker-studio-vpc",
        "the seed default, not the demo's"
    );
}
