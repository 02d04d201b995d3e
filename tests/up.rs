//! `studio-tui up` end to end: the real binary against the emulator with the real template —
//! preflight, deploy, domain, users; a rerun that makes no mutating call; day-2 users; destroy
//! with nothing left behind.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::Value;

const REGION: &str = "us-east-1";

/// The emulator's request log is shared by the tests of this binary; the tests that count
/// mutating requests would see each other's, so they run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn binary(home: &std::path::Path) -> assert_cmd::Command {
    common::binary(home, REGION)
}

/// The mutating actions since `from` in REGION (the tests of this binary hold SERIAL).
fn mutating_since(from: usize) -> Vec<String> {
    common::emulator()
        .requests_since(from, REGION)
        .iter()
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .filter(|a| common::is_mutating(a))
        .collect()
}

fn run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    binary(home).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn up_rerun_users_and_destroy() {
    let _serial = serial();
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("up");
    // Its own range, so no other test of this binary overlaps it.
    let vpc = [
        "--project-name",
        &project,
        "--vpc-cidr",
        "10.60.0.0/16",
        "--firewall-subnet-cidr",
        "10.60.1.0/24",
        "--nat-subnet-cidr",
        "10.60.2.0/24",
        "--studio-subnet-cidr",
        "10.60.3.0/24",
    ];

    // A bad user name is refused before any AWS call; nothing is created.
    let before = emu.log_mark();
    let bad = run(
        h,
        &[&["up", "--yes", "--users", "ok,Not_Valid"][..], &vpc].concat(),
    );
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    assert!(
        text(&bad.stderr).contains("Not_Valid"),
        "{}",
        text(&bad.stderr)
    );
    assert!(mutating_since(before).is_empty());

    // First run: everything is created.
    let first = run(
        h,
        &[&["up", "--yes", "--plain", "--users", "ann,ben"][..], &vpc].concat(),
    );
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(out.contains("Ready: stack"), "{out}");
    assert!(out.contains("ann") && out.contains("created"), "{out}");
    // The review says what the new environment costs a month (issue 25).
    let err = text(&first.stderr);
    assert!(
        err.contains("cost: +$382.60 a month (new environment)"),
        "{err}"
    );
    // The layout under STUDIO_TUI_HOME belongs to config::Paths: find runs.json in it.
    let runs_file = walk(h).into_iter().find(|p| p.ends_with("runs.json"));
    let runs = std::fs::read_to_string(runs_file.expect("runs.json saved")).unwrap();
    assert!(runs.contains("\"domain_id\""), "domain id recorded: {runs}");
    // status: stack, domain and users in one summary
    let status = run(h, &["--json", "status", "--project-name", &project]);
    let doc: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(doc["stack"]["status"], "CREATE_COMPLETE", "{doc}");
    assert_eq!(doc["domain"]["status"], "InService", "{doc}");
    let users: Vec<&str> = doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["ann", "ben"]);
    let plain = text(&run(h, &["--plain", "status", "--project-name", &project]).stdout);
    assert!(
        plain.contains("domain    d-") && plain.contains("user ann"),
        "{plain}"
    );

    // Second run, same answers (saved, users included): nothing to do, no mutating call.
    let before = emu.log_mark();
    let again = run(h, &["up", "--yes", "--plain", "--project-name", &project]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    let err = text(&again.stderr);
    assert!(err.contains("up to date"), "{err}");
    assert!(
        text(&again.stdout).contains("already exists"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(mutating_since(before), Vec::<String>::new());

    // JSON: one object per line, ending with the summary.
    let json = run(h, &["--json", "up", "--yes", "--project-name", &project]);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    let lines: Vec<Value> = text(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.first().unwrap()["type"], "preflight");
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "up");
    assert_eq!(last["ok"], true);

    // Day 2: add one, remove one.
    let add = run(h, &["users", "add", "cid", "--project-name", &project]);
    assert_eq!(add.status.code(), Some(0), "{add:?}");
    let rm = run(
        h,
        &[
            "users",
            "remove",
            "ben",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(rm.status.code(), Some(0), "{rm:?}");
    let list = run(h, &["--json", "users", "list", "--project-name", &project]);
    let doc: Value = serde_json::from_slice(&list.stdout).unwrap();
    let names: Vec<&str> = doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ann", "cid"]);

    // Teardown: nothing left behind.
    let destroy = run(
        h,
        &[
            "destroy",
            "--yes",
            "--empty-buckets",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(destroy.status.code(), Some(0), "{}", text(&destroy.stderr));
    let status = run(h, &["--json", "status", "--project-name", &project]);
    let s = text(&status.stdout);
    assert!(
        !s.contains("CREATE_COMPLETE") && !s.contains("UPDATE_COMPLETE"),
        "{s}"
    );
    let list = run(h, &["--json", "users", "list", "--project-name", &project]);
    assert_ne!(list.status.code(), Some(0), "no domain any more: {list:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn up_without_users_creates_the_domain_only_and_guided_needs_a_terminal() {
    let _serial = serial();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("solo");
    let flags = [
        "--project-name",
        &project,
        "--vpc-cidr",
        "10.61.0.0/16",
        "--firewall-subnet-cidr",
        "10.61.1.0/24",
        "--nat-subnet-cidr",
        "10.61.2.0/24",
        "--studio-subnet-cidr",
        "10.61.3.0/24",
    ];
    let guided = run(h, &[&["up", "--guided"][..], &flags].concat());
    assert_eq!(guided.status.code(), Some(2), "{guided:?}");
    assert!(
        text(&guided.stderr).contains("needs a terminal"),
        "{}",
        text(&guided.stderr)
    );

    let out = run(h, &[&["up", "--yes", "--plain"][..], &flags].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Studio domain d-"),
        "{}",
        text(&out.stdout)
    );
    let list = run(h, &["--json", "users", "list", "--project-name", &project]);
    let doc: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(doc["users"].as_array().map(Vec::len), Some(0), "{doc}");
}

#[test]
fn read_only_up_checks_then_stops_before_any_mutating_call() {
    let _serial = serial();
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("ro");
    let before = emu.log_mark();
    let out = run(
        home.path(),
        &[
            "--read-only",
            "up",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--vpc-cidr",
            "10.62.0.0/16",
            "--firewall-subnet-cidr",
            "10.62.1.0/24",
            "--nat-subnet-cidr",
            "10.62.2.0/24",
            "--studio-subnet-cidr",
            "10.62.3.0/24",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert!(err.contains("Preflight of"), "preflight ran: {err}");
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(mutating_since(before), Vec::<String>::new());
}
