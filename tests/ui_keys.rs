//! Keys and their documentation, checked on every screen: a key that does something must be
//! named in the help overlay of that screen, and every key the help names must do something in
//! at least one state of the screen. The screens are reached the way a person reaches them
//! (keys and replies to the app's own requests), then every key of a wide probe set is pressed
//! on a fresh copy of each state.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::collections::BTreeMap;

use common::{key, reply};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use studio_tui::aws::stacks::{ChangeSetInfo, ChangeSetKind, StackInfo};
use studio_tui::aws::studio::DomainInfo;
use studio_tui::aws::{self, AwsError, ErrorKind, Identity, SessionOptions};
use studio_tui::core::egress::BlockedDomain;
use studio_tui::core::topology::{SampleStage, Topology, sample_inputs};
use studio_tui::ops::deploy::{DeployMsg, DeployOutcome, Plan, Recovery, Review};
use studio_tui::ops::destroy::DestroyReport;
use studio_tui::ops::egress::BlockedReport;
use studio_tui::ops::studio::UserView;
use studio_tui::ui::action::{Action, Reply};
use studio_tui::ui::app::App;
use studio_tui::ui::keymap;
use studio_tui::ui::theme::Theme;

const PROJECT: &str = "sagemaker-studio-vpc";

fn options() -> SessionOptions {
    SessionOptions {
        profile: None,
        region: Some("eu-west-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        fake_credentials: true,
        read_only: false,
    }
}

fn stack(status: &str) -> StackInfo {
    StackInfo {
        stack_id: format!("arn:aws:cloudformation:eu-west-1:123456789012:stack/{PROJECT}/1"),
        stack_name: PROJECT.into(),
        status: status.into(),
        status_reason: None,
        outputs: BTreeMap::new(),
        parameters: BTreeMap::new(),
        creation_time: None,
        last_updated_time: None,
    }
}

fn review() -> Review {
    Review {
        stack_name: PROJECT.into(),
        kind: ChangeSetKind::Create,
        change_set: ChangeSetInfo {
            change_set_id: "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/x/1".into(),
            stack_id: stack("REVIEW_IN_PROGRESS").stack_id,
            status: "CREATE_COMPLETE".into(),
            status_reason: None,
            execution_status: Some("AVAILABLE".into()),
            changes: vec![],
        },
        token: "t".into(),
        validation: vec![],
        validation_unread: None,
    }
}

fn outcome(ok: bool) -> DeployOutcome {
    DeployOutcome {
        stack_id: stack("CREATE_COMPLETE").stack_id,
        status: if ok {
            "CREATE_COMPLETE"
        } else {
            "ROLLBACK_COMPLETE"
        }
        .into(),
        ok,
        outputs: BTreeMap::new(),
        failures: vec![],
        root_cause: None,
        events: vec![],
    }
}

fn domain() -> DomainInfo {
    DomainInfo {
        id: "d-abcdef123456".into(),
        name: PROJECT.into(),
        status: "InService".into(),
        ..DomainInfo::default()
    }
}

fn users() -> Vec<UserView> {
    vec![UserView {
        name: "alice".into(),
        status: "InService".into(),
        apps: vec![],
        spaces: vec![],
    }]
}

fn failure() -> studio_tui::ops::Error {
    AwsError::new(ErrorKind::Other, "sagemaker:CreateDomain", "it broke").into()
}

async fn connected() -> App {
    let mut a = App::new(vec![], options(), false, Theme { color: false });
    a.start();
    let session = aws::connect(&options()).await.expect("session");
    let id = Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ops".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    a.update(reply(&a, Reply::Connected(Box::new(Ok((session, id))))));
    a
}

async fn preflight_done() -> App {
    let mut a = connected().await;
    a.update(key(KeyCode::Char('n')));
    a.update(reply(&a, Reply::PreflightDone(Box::default())));
    a
}

async fn form() -> App {
    let mut a = preflight_done().await;
    a.update(key(KeyCode::Char('n')));
    a
}

async fn planned(plan: Result<Plan, studio_tui::ops::Error>) -> App {
    let mut a = form().await;
    a.update(key(KeyCode::F(2)));
    a.update(reply(&a, Reply::Planned(Box::new(plan))));
    a
}

async fn deploying() -> App {
    let mut a = planned(Ok(Plan::Review(review()))).await;
    a.update(key(KeyCode::Enter));
    a
}

async fn deployed(ok: bool, operation: &str) -> App {
    let mut a = deploying().await;
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Started {
            stack_id: stack("CREATE_IN_PROGRESS").stack_id,
            operation: operation.into(),
            client_request_token: None,
            expected: vec![],
        }),
    ));
    a.update(reply(&a, Reply::DeployEnded(Box::new(Ok(outcome(ok))))));
    a
}

async fn studio(result: Result<(), studio_tui::ops::Error>) -> App {
    let mut a = connected().await;
    a.open_studio_progress(PROJECT, &["alice".into()]);
    a.update(reply(&a, Reply::StudioDone(Box::new(result))));
    a
}

async fn users_screen() -> App {
    let mut a = connected().await;
    a.open_users(PROJECT);
    a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Ok((domain(), users())))),
    ));
    a
}

async fn overview(with_domain: bool) -> App {
    let mut a = connected().await;
    a.open_overview(stack("CREATE_COMPLETE"));
    let found = if with_domain {
        Ok((domain(), users()))
    } else {
        Err(AwsError::new(ErrorKind::NotFound, "sagemaker:ListDomains", "no domain").into())
    };
    a.update(reply(&a, Reply::UsersLoaded(Box::new(found))));
    a
}

async fn topology() -> App {
    let mut a = connected().await;
    a.update(key(KeyCode::Char('g')));
    let t = Topology::build(&sample_inputs(SampleStage::Complete));
    a.update(reply(&a, Reply::Topology(Box::new(Ok(t)))));
    a
}

async fn egress() -> App {
    let mut a = overview(true).await;
    a.update(key(KeyCode::Char('f')));
    let report = BlockedReport {
        stack_name: PROJECT.into(),
        log_group: "alerts".into(),
        since_ms: 0,
        pages: 1,
        domains: vec![BlockedDomain {
            domain: "github.com".into(),
            count: 1,
            first_seen_ms: 0,
            last_seen_ms: 0,
            sources: vec!["10.2.3.10".into()],
        }],
        skipped: 0,
    };
    a.update(reply(&a, Reply::BlockedLoaded(Box::new(Ok(report)))));
    a
}

async fn teardown(phase: &str) -> App {
    let mut a = overview(true).await;
    a.update(key(KeyCode::Char('x')));
    let plan = studio_tui::ops::destroy::DestroyPlan {
        project: PROJECT.into(),
        stack_name: PROJECT.into(),
        caller: Identity {
            account: "123456789012".into(),
            arn: "arn:aws:iam::123456789012:user/ops".into(),
            user_id: "AIDAOPS".into(),
        },
        exemption: studio_tui::core::fence::Exemption::for_caller(
            "arn:aws:iam::123456789012:user/ops",
            "AIDAOPS",
        )
        .ok(),
        domain: Some(domain()),
        other_domains: Vec::new(),
        twin_domains: Vec::new(),
        users: Vec::new(),
        apps: Vec::new(),
        spaces: Vec::new(),
        stack: Some(stack("CREATE_COMPLETE")),
        resources: Vec::new(),
        vpc_id: Some("vpc-0abc".into()),
        buckets: Vec::new(),
        keys: Vec::new(),
        nfs_groups: Vec::new(),
        leftovers: Vec::new(),
        template: Some(serde_json::json!({"Resources": {}})),
    };
    a.update(reply(&a, Reply::TeardownPlanned(Box::new(Ok(plan)))));
    if phase == "plan" {
        return a;
    }
    a.update(key(KeyCode::Char('D')));
    for c in PROJECT.chars() {
        a.update(key(KeyCode::Char(c)));
    }
    if phase == "confirm" {
        return a;
    }
    a.update(key(KeyCode::Enter));
    if phase == "running" {
        return a;
    }
    a.update(reply(
        &a,
        Reply::TeardownDone(Box::new(Ok(DestroyReport::new(PROJECT)))),
    ));
    a
}

/// One state of a screen, built fresh for every key pressed.
struct State {
    name: &'static str,
    /// Letters are typed into a field here, not commands.
    text_entry: bool,
}

async fn build(name: &str) -> App {
    match name {
        "session" => connected().await,
        "preflight running" => {
            let mut a = connected().await;
            a.update(key(KeyCode::Char('n')));
            a
        }
        "preflight done" => preflight_done().await,
        "parameters" => form().await,
        "review ready" => planned(Ok(Plan::Review(review()))).await,
        "review up to date" => planned(Ok(Plan::UpToDate(stack("CREATE_COMPLETE")))).await,
        "review blocked, delete" => {
            planned(Ok(Plan::Blocked {
                stack: stack("ROLLBACK_COMPLETE"),
                recovery: Recovery::DeleteAndRetry,
            }))
            .await
        }
        "review blocked, rollback" => {
            planned(Ok(Plan::Blocked {
                stack: stack("UPDATE_ROLLBACK_FAILED"),
                recovery: Recovery::ContinueRollback,
            }))
            .await
        }
        "review failed" => planned(Err(failure())).await,
        "deploy running" => deploying().await,
        "deploy complete" => deployed(true, "create").await,
        "deploy failed" => deployed(false, "create").await,
        "deploy deleted" => deployed(true, "delete").await,
        "studio ready" => studio(Ok(())).await,
        "studio failed" => studio(Err(failure())).await,
        "users" => users_screen().await,
        "users adding" => {
            let mut a = users_screen().await;
            a.update(key(KeyCode::Char('a')));
            a
        }
        "overview, no domain" => overview(false).await,
        "overview, domain" => overview(true).await,
        "topology" => topology().await,
        "egress" => egress().await,
        "egress checking a host" => {
            let mut a = egress().await;
            a.update(key(KeyCode::Char('c')));
            a
        }
        "teardown plan" => teardown("plan").await,
        "teardown confirm" => teardown("confirm").await,
        "teardown running" => teardown("running").await,
        "teardown done" => teardown("done").await,
        other => panic!("no state {other}"),
    }
}

fn states() -> Vec<State> {
    let s = |name, text_entry| State { name, text_entry };
    vec![
        s("session", false),
        s("preflight running", false),
        s("preflight done", false),
        s("parameters", true),
        s("review ready", false),
        s("review up to date", false),
        s("review blocked, delete", false),
        s("review blocked, rollback", false),
        s("review failed", false),
        s("deploy running", false),
        s("deploy complete", false),
        s("deploy failed", false),
        s("deploy deleted", false),
        s("studio ready", false),
        s("studio failed", false),
        s("users", false),
        s("users adding", true),
        s("overview, no domain", false),
        s("overview, domain", false),
        s("topology", false),
        s("egress", false),
        s("egress checking a host", true),
        s("teardown plan", false),
        s("teardown confirm", true),
        s("teardown running", false),
        s("teardown done", false),
    ]
}

/// Every key a person might press.
fn probes() -> Vec<KeyEvent> {
    let none = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let mut keys: Vec<KeyEvent> = ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain("/?- ".chars())
        .map(|c| none(KeyCode::Char(c)))
        .collect();
    keys.extend(
        [
            KeyCode::Esc,
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::F(1),
            KeyCode::F(2),
            KeyCode::F(3),
        ]
        .map(none),
    );
    keys.push(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    keys.push(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    keys.push(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    keys
}

/// What pressing `k` did: (anything at all: a redraw, a request, another screen, quitting;
/// something beyond the screen itself: a request, another screen, quitting).
fn acts(a: &mut App, k: KeyEvent) -> (bool, bool) {
    let step = a.step();
    let (changed, requests) = a.update(Action::Key(k));
    let beyond = !requests.is_empty() || a.step() != step || a.should_quit();
    (changed || beyond, beyond)
}

fn label(k: &KeyEvent) -> String {
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{:?}", k.code)
    } else {
        format!("{:?}", k.code)
    }
}

#[tokio::test]
async fn every_key_that_acts_is_documented_and_every_documented_key_acts() {
    let mut undocumented = Vec::new();
    // Per screen: documented keys, and the keys that acted in some state.
    let mut documented: BTreeMap<String, Vec<KeyEvent>> = BTreeMap::new();
    let mut acted: BTreeMap<String, Vec<KeyEvent>> = BTreeMap::new();
    for state in states() {
        let fresh = build(state.name).await;
        let step = format!("{:?}", fresh.step());
        let help = fresh.help_keys();
        for hint in &help {
            let keys = keymap::parse(hint.key).unwrap_or_else(|e| panic!("{}: {e}", state.name));
            documented.entry(step.clone()).or_default().extend(keys);
        }
        for k in probes() {
            let mut a = build(state.name).await;
            assert_eq!(a.step(), fresh.step());
            let (any, beyond) = acts(&mut a, k);
            if !any {
                continue;
            }
            acted.entry(step.clone()).or_default().push(k);
            // In a text field every key edits the text (or is swallowed by it); only keys
            // that reach past the field must be named.
            if state.text_entry && !beyond {
                continue;
            }
            if !keymap::documents(&help, &k) {
                undocumented.push(format!("{}: {}", state.name, label(&k)));
            }
        }
    }
    let mut dead = Vec::new();
    for (step, keys) in &documented {
        let live = acted.get(step).cloned().unwrap_or_default();
        for k in keys {
            let strip = |e: &KeyEvent| (e.code, e.modifiers - KeyModifiers::SHIFT);
            if !live.iter().any(|l| strip(l) == strip(k)) {
                dead.push(format!("{step}: {}", label(k)));
            }
        }
    }
    dead.dedup();
    assert!(
        undocumented.is_empty(),
        "keys that act but the help does not name:\n{}",
        undocumented.join("\n")
    );
    assert!(
        dead.is_empty(),
        "keys the help names that do nothing in any state:\n{}",
        dead.join("\n")
    );
}

#[tokio::test]
async fn the_footer_and_the_help_come_from_the_same_table() {
    for state in states() {
        let a = build(state.name).await;
        let help = a.help_keys();
        // The footer is the table's footer entries, in order; the help starts with the whole
        // table; what the help adds are the keys every screen shares.
        assert_eq!(&help[..a.keys().len()], a.keys(), "{}", state.name);
        let screen = common::draw(&a, 200, 40);
        let footer = screen.lines().last().unwrap_or_default().to_string();
        for k in a.keys().iter().filter(|k| k.footer) {
            assert!(
                footer.contains(&format!("{} {}", k.key, k.action)),
                "{}: the footer lacks {} {}: {footer}",
                state.name,
                k.key,
                k.action
            );
        }
    }
}

/// A key reaches a screen through the same table the help shows: outside a text field a key the
/// help does not name is no command at all, and pressing it changes nothing.
#[tokio::test]
async fn the_keymap_gives_a_screen_only_the_keys_its_help_names() {
    for state in states().into_iter().filter(|s| !s.text_entry) {
        let fresh = build(state.name).await;
        let help = fresh.help_keys();
        for k in probes() {
            if !keymap::documents(&help, &k) {
                let mut a = build(state.name).await;
                assert_eq!(
                    acts(&mut a, k),
                    (false, false),
                    "{}: {} is not in the help but acted",
                    state.name,
                    label(&k)
                );
            }
        }
    }
}
