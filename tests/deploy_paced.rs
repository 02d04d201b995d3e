//! Paced deploys (pace > 0: resources take scaled real durations): events arrive over time,
//! the count shown equals the emulator's, and a deploy killed with SIGKILL is reattached to
//! by the next run, which shows the events it missed. (Own binary: pace is emulator-wide.)

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

fn cmd(emu: &common::TestEmulator, home: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_studio-tui"));
    c.env("STUDIO_TUI_HOME", home)
        .env("AWS_ENDPOINT_URL", &emu.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "ap-southeast-2")
        .env_remove("AWS_PROFILE");
    c
}

fn is_event_line(l: &str) -> bool {
    l.len() > 10 && l.as_bytes()[2] == b':' && l.as_bytes()[5] == b':' && l.contains("  ")
}

#[test]
fn events_arrive_over_time_and_a_killed_deploy_is_reattached() {
    let emu = common::emulator();
    let _paced = emu.settings(serde_json::json!({"pace": 0.03}));
    let home = tempfile::tempdir().unwrap();
    let name = common::unique_name("pace");

    // Start a deploy, read its events as they come, and kill -9 it midway.
    let mut child = cmd(emu, home.path())
        .args(["deploy", "--yes", "--plain", "--project-name", &name])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let started = Instant::now();
    let mut arrivals = Vec::new();
    while arrivals.len() < 25 {
        let Some(Ok(line)) = lines.next() else { break };
        if is_event_line(&line) {
            arrivals.push(started.elapsed());
        }
    }
    child.kill().unwrap(); // SIGKILL: no cleanup of any kind
    let _ = child.wait();
    assert!(arrivals.len() >= 25, "events were printed before the kill");
    let spread = *arrivals.last().unwrap() - arrivals[0];
    assert!(
        spread > Duration::from_millis(500),
        "events arrived over time, not at once ({spread:?})"
    );

    // The next run finds the operation in progress and follows it to the end, replaying all of
    // its events (the saved ClientRequestToken), including those the killed run never printed.
    let out = cmd(emu, home.path())
        .args(["deploy", "--yes", "--plain", "--project-name", &name])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("already busy"), "{stderr}");
    assert!(stdout.contains("CREATE_COMPLETE"), "{stdout}");
    let shown = stdout.lines().filter(|l| is_event_line(l)).count();

    // The emulator's events of that operation (all pages, the review event excluded).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let total = rt.block_on(async {
        let session = emu.session("ap-southeast-2").await;
        let stack = session.describe_stack(&name).await.unwrap().unwrap();
        let mut all = Vec::new();
        let mut next = None;
        loop {
            let (page, token) = session
                .stack_events_page(&stack.stack_id, next)
                .await
                .unwrap();
            all.extend(page);
            if token.is_none() {
                break;
            }
            next = token;
        }
        all.iter()
            .filter(|e| e.status.as_str() != "REVIEW_IN_PROGRESS")
            .count()
    });
    assert_eq!(shown, total, "the count shown equals the emulator's");
}
