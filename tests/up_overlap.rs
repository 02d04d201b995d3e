//! `up` on a paced sandbox with the Studio domain overlapped with the stack's creation: the
//! domain is created before the stack completes (and only after every input it needs is
//! CREATE_COMPLETE); a stack failure after the domain started ends with nothing left behind and
//! the stack's root cause; a domain failure keeps the stack and a rerun creates only the
//! domain; kill -9 between the two, then a rerun, reattaches to both and never makes a second
//! domain. (Own binary: pace and failure injection are settings of the whole emulator; the
//! tests of this file run one at a time.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]
// The guard only keeps the tests of this file apart; nothing else in a test takes it.
#![allow(clippy::await_holding_lock)]

mod common;

use std::time::{Duration, Instant};

use serde_json::Value;
use studio_tui::ops::studio::DomainPhase;
use studio_tui::ui::screens::domain::RowStatus;

/// Resources take typical duration x PACE seconds: the firewall 15.6 s, the Studio KMS key
/// 6.1 s, the domain 14 s.
const PACE: f64 = 0.05;

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The project's answers on their own /16 (`n` keeps the tests of this file apart).
fn answers(project: &str, n: u8) -> Vec<String> {
    let net = |third: u8| format!("10.{n}.{third}.0/24");
    vec![
        "--project-name".into(),
        project.into(),
        "--vpc-cidr".into(),
        format!("10.{n}.0.0/16"),
        "--firewall-subnet-cidr".into(),
        net(1),
        "--nat-subnet-cidr".into(),
        net(2),
        "--studio-subnet-cidr".into(),
        net(3),
    ]
}

fn up(
    home: &std::path::Path,
    region: &str,
    extra: &[&str],
    answers: &[String],
) -> std::process::Output {
    let mut args: Vec<String> = vec!["--json".into(), "up".into(), "--yes".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(answers.iter().cloned());
    common::binary(home, region).args(&args).output().unwrap()
}

fn json_lines(out: &std::process::Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Seconds since the epoch of the emulator's requests of `action` in `region`.
fn request_times(region: &str, action: &str) -> Vec<f64> {
    common::emulator()
        .requests_since(0, region)
        .iter()
        .filter(|r| r["action"] == action)
        .filter_map(|r| r["time"].as_f64())
        .collect()
}

async fn stack_events(region: &str, stack: &str) -> Vec<(String, String, f64)> {
    let session = common::emulator().session(region).await;
    let id = stack.to_string();
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let (page, token) = session.stack_events_page(&id, next).await.unwrap();
        out.extend(page.into_iter().map(|e| {
            (
                e.logical_id,
                e.status.to_string(),
                e.timestamp_ms as f64 / 1000.0,
            )
        }));
        if token.is_none() {
            break;
        }
        next = token;
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_domain_is_created_while_the_stack_is_still_being_built() {
    let _serial = serial();
    let _pace = common::emulator().settings(serde_json::json!({"pace": PACE}));
    let region = "us-west-2";
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("lap");
    let answers = answers(&project, 71);

    let t0 = Instant::now();
    let out = up(home.path(), region, &["--users", "ann"], &answers);
    let wall = t0.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = json_lines(&out);
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "up", "{last}");
    assert_eq!(last["ok"], true, "{last}");
    assert_eq!(last["domain_status"], "InService", "{last}");

    // CreateDomain came after every input's CREATE_COMPLETE and before the stack's own.
    let creates = request_times(region, "CreateDomain");
    assert_eq!(creates.len(), 1, "one domain");
    let events = stack_events(region, &project).await;
    let complete = |id: &str| {
        events
            .iter()
            .find(|(l, s, _)| l == id && s == "CREATE_COMPLETE")
            .map(|(_, _, t)| *t)
            .unwrap_or_else(|| panic!("no CREATE_COMPLETE for {id}"))
    };
    for (id, _) in studio_tui::ops::up::DOMAIN_INPUTS {
        assert!(
            complete(id) <= creates[0] + 0.001,
            "{id} completed at {} after CreateDomain at {}",
            complete(id),
            creates[0]
        );
    }
    let stack_done = complete(&project);
    assert!(
        creates[0] < stack_done,
        "CreateDomain at {} must come before the stack's CREATE_COMPLETE at {stack_done}",
        creates[0]
    );

    // One progress count for the stack, the domain and the user; it ends complete.
    let progress: Vec<&Value> = lines.iter().filter(|l| l["type"] == "progress").collect();
    let end = progress.last().expect("progress lines");
    // The stack's resources as deployed here: AdmittedBucketsPolicy exists only with admitted
    // buckets and InstanceTypesPolicy only with a list of instance types (their conditions),
    // and this stack has neither.
    let template = studio_tui::template::embedded();
    assert_eq!(
        template.conditional,
        ["AdmittedBucketsPolicy", "InstanceTypesPolicy"]
    );
    let resources = (template.resources.len() - template.conditional.len()) as u64;
    assert_eq!(end["total"], resources + 2, "{end}");
    assert_eq!(end["done"], end["total"], "{end}");
    // Studio messages came while the stack was still running (before its Finished).
    let first_studio = lines.iter().position(|l| l["type"] == "studio").unwrap();
    let finished = lines.iter().position(|l| l["type"] == "finished").unwrap();
    assert!(
        first_studio < finished,
        "domain progress before the stack finished"
    );

    // Measured: wall time against stack + domain durations in the same run.
    let stack_secs = stack_done - events.iter().map(|e| e.2).fold(f64::MAX, f64::min);
    eprintln!(
        "measure pace={PACE}: up {:.1}s, stack {stack_secs:.1}s, domain {:.1}s (paced)",
        wall.as_secs_f64(),
        279.0 * PACE
    );

    // One timeline after the fact (`events --chart`): the domain from its CreationTime, before
    // the stack completed, to InService, and ann after it, next to the stack's resources.
    let chart = common::binary(home.path(), region)
        .args(["--json", "events", "--chart", "--project-name", &project])
        .output()
        .unwrap();
    assert_eq!(chart.status.code(), Some(0), "{}", text(&chart.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&chart.stdout).unwrap();
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["logical_id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {rows:?}"))
            .clone()
    };
    let (domain, ann) = (row("Studio domain"), row("User ann"));
    let ms = |v: &Value| v.as_f64().unwrap() / 1000.0;
    assert!(
        ms(&domain["start_ms"]) < stack_done,
        "the chart shows the domain starting before the stack completed: {domain}"
    );
    assert!(ms(&domain["end_ms"]) > ms(&domain["start_ms"]), "{domain}");
    assert!(
        ms(&ann["start_ms"]) >= ms(&domain["end_ms"]) - 0.001,
        "{ann}"
    );
    assert_eq!(rows.len() as u64, resources + 2, "{rows:?}");

    // A rerun finds everything in place and changes nothing.
    let before = common::emulator().log_mark();
    let again = up(home.path(), region, &[], &answers);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(
        common::emulator().mutating_since(before, region),
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_failure_after_the_domain_started_leaves_nothing_behind() {
    let _serial = serial();
    let _settings = common::emulator().settings(serde_json::json!({
        "pace": PACE,
        "fail_resources": {"Firewall": "Resource handler returned message: \"Injected firewall failure\""}
    }));
    let region = "eu-central-1";
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("lapfail");
    let out = up(
        home.path(),
        region,
        &["--users", "ann"],
        &answers(&project, 72),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let lines = json_lines(&out);
    // The stack's root cause is the firewall, reported in the stack's outcome.
    let finished = lines
        .iter()
        .find(|l| l["type"] == "finished")
        .expect("the create's outcome");
    let root = &finished["outcome"]["root_cause"];
    assert_eq!(root["logical_id"], "Firewall", "{finished}");
    assert!(
        root["reason"]
            .as_str()
            .unwrap()
            .contains("Injected firewall failure"),
        "{root}"
    );
    // The domain had been created, then was removed.
    assert_eq!(request_times(region, "CreateDomain").len(), 1);
    let removed = lines
        .iter()
        .find(|l| l["type"] == "studio_removed")
        .expect("studio_removed line");
    assert_eq!(removed["error"], Value::Null, "{removed}");

    // Nothing left behind, by describes: no domain, no VPC of the project, no NFS groups.
    let session = common::emulator().session(region).await;
    let domains = session.list_domains().await.unwrap();
    assert!(
        domains
            .iter()
            .all(|d| d.name != project || d.status.as_str() == "Deleted"),
        "{domains:?}"
    );
    let stack = session.describe_stack(&project).await.unwrap();
    if let Some(s) = &stack {
        assert!(
            matches!(s.status.as_str(), "ROLLBACK_COMPLETE" | "DELETE_COMPLETE"),
            "{}",
            s.status
        );
    }
    // The VPC (and with it any security group SageMaker left in it) is gone.
    let blocks = session.existing_blocks().await.unwrap();
    assert!(
        blocks
            .iter()
            .all(|b| !b.cidr.to_string().starts_with("10.72.")),
        "the project's VPC is gone: {blocks:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_domain_failure_keeps_the_stack_and_a_rerun_creates_only_the_domain() {
    let _serial = serial();
    let project = common::unique_name("lapdom");
    let region = "ap-northeast-1";
    let home = tempfile::tempdir().unwrap();
    let answers = answers(&project, 73);
    {
        let _settings = common::emulator().settings(serde_json::json!({
            "pace": PACE,
            "fail_domains": {project.clone(): "Injected: the EFS volume could not be created"}
        }));
        let out = up(home.path(), region, &["--users", "ann"], &answers);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(all.contains("Injected: the EFS volume"), "{all}");
        assert!(all.contains("stack is kept"), "{all}");
        let session = common::emulator().session(region).await;
        let stack = session.describe_stack(&project).await.unwrap().unwrap();
        assert_eq!(stack.status.as_str(), "CREATE_COMPLETE");
    }
    // The cause is fixed: a rerun creates only the domain (and the user), no stack operation.
    let _pace = common::emulator().settings(serde_json::json!({"pace": PACE}));
    let before = common::emulator().log_mark();
    let out = up(home.path(), region, &["--users", "ann"], &answers);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mutating = common::emulator().mutating_since(before, region);
    assert!(
        mutating
            .iter()
            .all(|a| !a.contains("Stack") && !a.contains("ChangeSet")),
        "{mutating:?}"
    );
    assert_eq!(
        mutating.iter().filter(|a| *a == "CreateDomain").count(),
        1,
        "{mutating:?}"
    );
    assert!(
        mutating.contains(&"DeleteDomain".to_string()),
        "{mutating:?}"
    );
    assert!(
        mutating.contains(&"CreateUserProfile".to_string()),
        "{mutating:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_between_the_two_then_a_rerun_reattaches_to_both() {
    let _serial = serial();
    let _pace = common::emulator().settings(serde_json::json!({"pace": PACE}));
    let region = "sa-east-1";
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("lapkill");
    let answers = answers(&project, 74);
    let mut args: Vec<String> = vec!["--plain".into(), "up".into(), "--yes".into()];
    args.extend(["--users".into(), "ann".into()]);
    args.extend(answers.iter().cloned());
    let cmd = common::binary(home.path(), region);
    let mut child = std::process::Command::new(cmd.get_program())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .args(cmd.get_args())
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait (bounded) for CreateDomain, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(120);
    while request_times(region, "CreateDomain").is_empty() {
        assert!(Instant::now() < deadline, "no CreateDomain within 120 s");
        assert!(child.try_wait().unwrap().is_none(), "up ended early");
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let session = common::emulator().session(region).await;
    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    assert_eq!(
        stack.status.as_str(),
        "CREATE_IN_PROGRESS",
        "killed while the stack was still being built"
    );

    // The rerun follows the running create and the domain being created: one domain, ready.
    let out = up(home.path(), region, &[], &answers);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let lines = json_lines(&out);
    let last = lines.last().unwrap();
    assert_eq!(last["ok"], true, "{last}");
    assert_eq!(
        request_times(region, "CreateDomain").len(),
        1,
        "never a second domain"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "studio" && l["status"] == "adopted"),
        "the rerun adopted the domain it had started"
    );
    assert!(
        text(&out.stdout).contains("\"ann\""),
        "{}",
        text(&out.stdout)
    );

    // And the next rerun makes no mutating call.
    let before = common::emulator().log_mark();
    let again = up(home.path(), region, &[], &answers);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(
        common::emulator().mutating_since(before, region),
        Vec::<String>::new()
    );
}

/// The wizard, headless with its own effect runner (what the terminal loop does, without a
/// terminal): every request the app makes runs for real against the sandbox, and every reply
/// is fed back to it.
struct Wizard {
    app: studio_tui::ui::app::App,
    options: studio_tui::aws::SessionOptions,
    store: studio_tui::state::SharedStore,
    tx: tokio::sync::mpsc::UnboundedSender<studio_tui::ui::action::Action>,
    rx: tokio::sync::mpsc::UnboundedReceiver<studio_tui::ui::action::Action>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Wizard {
    fn start(home: &std::path::Path, region: &str) -> Wizard {
        let options = common::emulator().options(region);
        let paths = studio_tui::config::Paths::under(home);
        let store = std::sync::Arc::new(std::sync::Mutex::new(
            studio_tui::state::Store::load(&paths).unwrap(),
        ));
        let app = studio_tui::ui::app::App::new(
            vec![],
            options.clone(),
            true,
            studio_tui::ui::theme::Theme { color: false },
        )
        .with_store(store.clone());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut w = Wizard {
            app,
            options,
            store,
            tx,
            rx,
            tasks: Vec::new(),
        };
        let first = w.app.start();
        w.spawn(first);
        w
    }

    fn spawn(&mut self, requests: Vec<studio_tui::ui::request::Request>) {
        for r in requests {
            self.tasks.push(studio_tui::ui::effects::spawn(
                r,
                &self.options,
                self.app.session.session.clone(),
                &self.store,
                &self.tx,
            ));
        }
    }

    /// What kill -9 does to the work in flight: every task stops at its next await.
    fn kill(self) {
        for t in &self.tasks {
            t.abort();
        }
    }

    fn act(&mut self, action: studio_tui::ui::action::Action) {
        let (_, requests) = self.app.update(action);
        self.spawn(requests);
    }

    fn keys(&mut self, keys: &[crossterm::event::KeyCode]) {
        for k in keys {
            self.act(common::key(*k));
        }
    }

    fn screen(&self) -> String {
        common::draw(&self.app, 120, 40)
    }

    /// Feed replies until `done` holds; `each` sees the app after every reply.
    async fn until(
        &mut self,
        what: &str,
        limit: Duration,
        mut each: impl FnMut(&studio_tui::ui::app::App),
        done: impl Fn(&studio_tui::ui::app::App) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + limit;
        while !done(&self.app) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(action)) => {
                    self.act(action);
                    each(&self.app);
                }
                _ => panic!("{what}: not within {limit:?}\n{}", self.screen()),
            }
        }
    }

    async fn until_screen(&mut self, what: &str, texts: &[&str]) {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        self.until(
            what,
            Duration::from_secs(60),
            |_| {},
            move |a| {
                let s = common::draw(a, 120, 40);
                texts.iter().all(|t| s.contains(t.as_str()))
            },
        )
        .await;
    }
}

/// Connect, preflight, and fill the form (this project, one Studio user `ann`) up to the review.
async fn to_the_review(w: &mut Wizard, project: &str) {
    use crossterm::event::KeyCode;
    w.until_screen("connected", &["1 · Account and region", "123456789012"])
        .await;
    w.until(
        "the stack lookup",
        Duration::from_secs(30),
        |_| {},
        |a| a.requests().pending().is_empty(),
    )
    .await;

    // Preflight, then the form: a project name of this test's own and one Studio user.
    w.keys(&[KeyCode::Char('n')]);
    w.until_screen("preflight", &["Preflight: ready to deploy"])
        .await;
    w.keys(&[KeyCode::Char('n')]);
    w.until_screen("the form", &["3 · Parameters"]).await;
    w.keys(&[KeyCode::End]);
    w.keys(&[KeyCode::Backspace; 60]);
    for c in project.chars() {
        w.act(common::key(KeyCode::Char(c)));
    }
    // Down the form to its last row, the Studio users.
    w.keys(&[KeyCode::Enter; studio_tui::core::field::Field::ALL.len()]);
    for c in "ann".chars() {
        w.act(common::key(KeyCode::Char(c)));
    }
    w.keys(&[KeyCode::F(2)]);
    w.until_screen("the review", &[&format!("CREATE stack {project}")])
        .await;
}

/// The wizard's deploy of a first create builds the Studio domain and the form's user
/// alongside the stack, through the same `ops::up::run` as `up`: the deploy screen shows the
/// domain in progress while the stack is still being created, counts it, ends only once the
/// Studio half ended, and `n` then shows the Studio step as it ended without running it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wizards_first_create_builds_the_domain_alongside_the_stack() {
    use crossterm::event::KeyCode;
    let _serial = serial();
    let _pace = common::emulator().settings(serde_json::json!({"pace": PACE}));
    let region = "ca-central-1";
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("wiz");
    let mut w = Wizard::start(home.path(), region);
    to_the_review(&mut w, &project).await;

    // Enter: the stack and, alongside it, the domain and ann.
    w.keys(&[KeyCode::Enter]);
    let mut domain_while_stack_runs = false;
    let mut totals = Vec::new();
    w.until(
        "the overlapped deploy",
        Duration::from_secs(240),
        |a| {
            if let Some(d) = a.deploy() {
                let domain = d.tracker.resource(studio_tui::ops::up::DOMAIN_STEP);
                if d.outcome.is_none()
                    && domain.is_some_and(|r| {
                        r.state == studio_tui::core::progress::ResourceState::InProgress
                    })
                {
                    domain_while_stack_runs = true;
                }
                totals.push(d.tracker.counts().1);
            }
        },
        |a| a.deploy().is_some_and(|d| d.studio_end.is_some()) && !a.deploying(),
    )
    .await;
    assert!(
        domain_while_stack_runs,
        "the deploy screen showed the domain in progress before the stack completed"
    );
    let screen = w.screen();
    assert!(
        screen.contains("✔ CREATE_COMPLETE") && screen.contains("Studio ✔ InService, 1/1 users"),
        "{screen}"
    );
    // One count for the whole operation: the stack's resources, the domain and ann.
    let d = w.app.deploy().unwrap();
    let (done, total) = d.tracker.counts();
    assert_eq!(done, total, "{screen}");
    // The same denominator from the stack's start on (0 before it started).
    assert!(
        totals.iter().filter(|t| **t > 0).all(|t| *t == total),
        "{totals:?}"
    );
    let timeline = d.tracker.timeline();
    assert!(
        timeline.iter().any(|r| r.logical_id == "Studio domain")
            && timeline.iter().any(|r| r.logical_id == "User ann"),
        "{timeline:?}"
    );
    // On the wire: CreateDomain before the stack's CREATE_COMPLETE; one domain.
    let creates = request_times(region, "CreateDomain");
    assert_eq!(creates.len(), 1, "one domain");
    let events = stack_events(region, &project).await;
    let complete = events
        .iter()
        .find(|(id, status, _)| id == &project && status == "CREATE_COMPLETE")
        .map(|e| e.2)
        .unwrap();
    assert!(creates[0] < complete, "{creates:?} vs {complete}");

    // n: the Studio step as it ended; nothing runs again.
    let before = common::emulator().log_mark();
    let (_, requests) = w.app.update(common::key(KeyCode::Char('n')));
    assert!(requests.is_empty(), "{requests:?}");
    assert_eq!(w.app.step(), studio_tui::ui::app::Step::Domain);
    let screen = w.screen();
    assert!(
        screen.contains("Studio is ready") && screen.contains("1/1 ready"),
        "{screen}"
    );
    assert_eq!(
        common::emulator().mutating_since(before, region),
        Vec::<String>::new()
    );
}

/// kill -9 of the wizard while the overlapped create runs (after CreateDomain), then a restart:
/// the wizard reattaches to the stack and to the domain it had started (found by name in the
/// stack's VPC, adopted), finishes the users, and never makes a second domain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wizard_killed_during_the_overlap_reattaches_to_both_on_restart() {
    use crossterm::event::KeyCode;
    let _serial = serial();
    let _pace = common::emulator().settings(serde_json::json!({"pace": PACE}));
    let region = "eu-north-1";
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("wizk");
    let mut w = Wizard::start(home.path(), region);
    to_the_review(&mut w, &project).await;
    w.keys(&[KeyCode::Enter]);
    w.until(
        "CreateDomain",
        Duration::from_secs(120),
        |_| {},
        |_| !request_times(region, "CreateDomain").is_empty(),
    )
    .await;
    w.kill();
    let session = common::emulator().session(region).await;
    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    assert_eq!(
        stack.status.as_str(),
        "CREATE_IN_PROGRESS",
        "killed mid-create"
    );

    // Restart: the running create is found and reattached, the Studio half with it.
    let mut w = Wizard::start(home.path(), region);
    let mut adopted = false;
    w.until(
        "the reattached overlap",
        Duration::from_secs(240),
        |a| {
            adopted |= a
                .studio()
                .and_then(|s| s.domain.as_ref())
                .is_some_and(|d| d.status == RowStatus::Domain(DomainPhase::Adopted));
        },
        |a| a.deploy().is_some_and(|d| d.studio_end.is_some()) && !a.deploying(),
    )
    .await;
    let screen = w.screen();
    assert!(
        screen.contains("✔ CREATE_COMPLETE") && screen.contains("Studio ✔ InService, 1/1 users"),
        "{screen}"
    );
    assert!(adopted, "the restart adopted the domain it had started");
    assert_eq!(
        request_times(region, "CreateDomain").len(),
        1,
        "never a second domain"
    );
    let users = request_times(region, "CreateUserProfile");
    assert_eq!(users.len(), 1, "ann, once");
}
