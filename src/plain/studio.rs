//! The Studio half's output: domain and user progress, the combined progress of a first
//! create, `up`'s summary, the user list and the outcome of adding or removing users.

use crate::core::shown::{Shown, escaped, shown};
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;

use crate::aws::studio::DomainInfo;
use crate::cli::OutputMode;
use crate::core::progress::{Durations, StackEvent, Tracker};
use crate::ops::deploy::DeployMsg;
use crate::ops::studio::{self, SetUp, UserOutcome, UserResult, UserView};
use crate::ops::up::{self, Overlapped, StudioEnd};

use super::print_json;

/// One progress line of a users or destroy operation on stderr (nothing in `--json`, whose
/// document comes at the end).
pub fn print_step(mode: OutputMode, m: &studio::StudioMsg) {
    if mode != OutputMode::Json {
        eprintln!("  {}", Shown(&m.line()));
    }
}

/// One Studio message: a JSON line `{"type":"studio",…}` or an indented text line.
pub fn print_studio(mode: OutputMode, m: &studio::StudioMsg) {
    if mode == OutputMode::Json {
        #[derive(Serialize)]
        struct Line<'a> {
            r#type: &'static str,
            #[serde(flatten)]
            msg: &'a studio::StudioMsg,
        }
        println!(
            "{}",
            serde_json::to_string(&Line {
                r#type: "studio",
                msg: m
            })
            .unwrap_or_default()
        );
    } else {
        eprintln!("  {}", Shown(&m.line()));
    }
}

/// Run `work` with a sender for the stack's messages and one for the Studio half's, printing
/// both as they come ([`print_progress`]); returns the work's result once the last is printed.
pub async fn drain_overlapped<T, W, Fut>(mode: OutputMode, users: &[String], work: W) -> T
where
    W: FnOnce(mpsc::UnboundedSender<DeployMsg>, mpsc::UnboundedSender<studio::StudioMsg>) -> Fut,
    Fut: std::future::Future<Output = T>,
    T: super::OnPanic,
{
    let (dtx, drx) = mpsc::unbounded_channel();
    let (stx, srx) = mpsc::unbounded_channel();
    super::run_caught(
        async move { work(dtx, stx).await },
        print_progress(mode, users, drx, srx),
    )
    .await
}

/// Print the stack's and the Studio half's messages as they come, with one progress count and
/// one ETA for both (the domain and users count as part of a first create): a text line, or a
/// JSON line `{"type":"progress",…}`, each time the count changes.
pub async fn print_progress(
    mode: OutputMode,
    users: &[String],
    mut drx: mpsc::UnboundedReceiver<DeployMsg>,
    mut srx: mpsc::UnboundedReceiver<studio::StudioMsg>,
) {
    let durations = Durations::embedded();
    let mut tracker: Option<Tracker> = None;
    let mut last = None;
    let (mut deploy_open, mut studio_open) = (true, true);
    while deploy_open || studio_open {
        tokio::select! {
            m = drx.recv(), if deploy_open => match m {
                None => deploy_open = false,
                Some(m) => {
                    match &m {
                        DeployMsg::Started { operation, client_request_token, expected, .. } => {
                            let mut t = Tracker::new(client_request_token.clone(), 0);
                            t.expect_resources(expected.iter().map(|(a, b)| (a.as_str(), b.as_str())));
                            if operation == "create" {
                                up::expect_studio(&mut t, users);
                            }
                            tracker = Some(t);
                            last = None;
                        }
                        DeployMsg::Events { events } => {
                            if let Some(t) = tracker.as_mut() {
                                let newest_first: Vec<StackEvent> = events.iter().rev().cloned().collect();
                                t.ingest_page(&newest_first);
                            }
                        }
                        _ => {}
                    }
                    super::deploy::print_msg(mode, &m);
                    print_count(mode, tracker.as_ref(), &durations, &mut last);
                }
            },
            m = srx.recv(), if studio_open => match m {
                None => studio_open = false,
                Some(m) => {
                    if let Some(t) = tracker.as_mut() {
                        up::note_studio(t, &m, crate::core::clock::now_ms());
                    }
                    print_studio(mode, &m);
                    print_count(mode, tracker.as_ref(), &durations, &mut last);
                }
            },
        }
    }
}

fn print_count(
    mode: OutputMode,
    tracker: Option<&Tracker>,
    durations: &Durations,
    last: &mut Option<(usize, usize)>,
) {
    let Some(t) = tracker else {
        return;
    };
    let counts = t.counts();
    if *last == Some(counts) {
        return;
    }
    *last = Some(counts);
    let eta = t.eta_secs(durations, crate::core::clock::now_ms());
    if mode == OutputMode::Json {
        println!(
            "{}",
            serde_json::json!({
                "type": "progress",
                "done": counts.0,
                "total": counts.1,
                "eta_secs": eta.map(|e| e.round() as u64),
            })
        );
    } else {
        let eta = eta
            .map(|e| format!(" · ETA ~{}s", e.round() as u64))
            .unwrap_or_default();
        eprintln!("progress {}/{}{eta}", counts.0, counts.1);
    }
}

/// The end of an overlapped first create: the stack's root cause first when it failed (already
/// printed with its outcome), then what happened to the domain; the summary when all is ready.
pub fn print_overlapped(mode: OutputMode, stack_name: &str, ov: &Overlapped) {
    match &ov.studio {
        StudioEnd::Ready(done) => {
            print_summary(mode, stack_name, done);
        }
        StudioEnd::Failed { error, .. } => {
            super::print_error(mode, error);
        }
        StudioEnd::Removed { domain_id, error } => {
            let text = match error {
                None => format!(
                    "The stack failed, so the Studio domain {domain_id} started next to it was \
                     removed with the security groups SageMaker left in the VPC."
                ),
                Some(e) => format!(
                    "The stack failed; removing the Studio domain {domain_id} started next to it \
                     did not finish: {}",
                    e.message()
                ),
            };
            let deleted = ov.deleted.as_ref().map(|d| {
                format!(
                    "The rollback had stopped at what the domain left; the failed stack was then \
                     deleted ({}).",
                    d.status
                )
            });
            if mode == OutputMode::Json {
                println!(
                    "{}",
                    serde_json::json!({
                        "type": "studio_removed",
                        "domain_id": domain_id,
                        "error": error.as_ref().map(|e| e.message()),
                        "stack_deleted": ov.deleted.as_ref().map(|d| d.status.clone()),
                    })
                );
            } else {
                eprintln!("{}", Shown(&text));
                if let Some(d) = deleted {
                    eprintln!("{}", Shown(&d));
                }
                if let Some(e) = error {
                    super::print_error(mode, e);
                }
            }
        }
        StudioEnd::NotStarted => {}
    }
}

/// Everything is ready: the stack, the domain, each user, and how to sign in.
pub fn print_summary(mode: OutputMode, stack_name: &str, done: &SetUp) {
    if mode == OutputMode::Json {
        #[derive(Serialize)]
        struct Doc<'a> {
            r#type: &'static str,
            ok: bool,
            stack: &'a str,
            domain_id: &'a str,
            domain_status: &'a str,
            users: Vec<(&'a str, String)>,
        }
        let users = done
            .users
            .iter()
            .map(|u| (u.name.as_str(), result_word(&u.result)))
            .collect();
        println!(
            "{}",
            serde_json::to_string(&Doc {
                r#type: "up",
                ok: done.is_ok(),
                stack: stack_name,
                domain_id: &done.domain.id,
                domain_status: done.domain.status.as_str(),
                users,
            })
            .unwrap_or_default()
        );
        return;
    }
    println!(
        "Ready: stack {}, Studio domain {} ({})",
        Shown(stack_name),
        Shown(&done.domain.id),
        done.domain.status
    );
    for u in &done.users {
        println!(
            "  user {:<24} {}",
            shown(&u.name),
            Shown(&result_word(&u.result))
        );
    }
    println!("Sign in with `studio-tui users url NAME`.");
    println!("{}", studio::SIGN_IN_NOTE);
}

fn result_word(r: &UserResult) -> String {
    match r {
        UserResult::Created => "created".into(),
        UserResult::AlreadyExists => "already exists".into(),
        UserResult::Removed => "removed".into(),
        UserResult::NotFound => "not found".into(),
        UserResult::Failed(e) => format!("failed: {}", e.message()),
    }
}

/// `users list`: the domain and one line per user (`--json`: one document).
pub fn print_users(
    mode: OutputMode,
    project: &str,
    domain: &DomainInfo,
    users: &[UserView],
    read_only: bool,
) {
    if mode == OutputMode::Json {
        print_json(&json!({
            "ok": true,
            "project": project,
            "domain": domain,
            "users": users,
        }));
        return;
    }
    println!(
        "Studio domain {} ({}) {}{}",
        Shown(&domain.name),
        Shown(&domain.id),
        domain.status,
        domain
            .app_network_access_type
            .as_deref()
            .map(|a| format!(", {}", shown(a)))
            .unwrap_or_default()
    );
    if users.is_empty() {
        println!("No user profiles. Add one with `studio-tui users add NAME`.");
        return;
    }
    let names: Vec<String> = users.iter().map(|u| shown(&u.name).into_owned()).collect();
    let w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:<w$}  {:<10}  {:<30}  SPACES", "USER", "STATUS", "APPS");
    for (u, name) in users.iter().zip(&names) {
        let (apps, spaces) = (
            shown(&u.apps_text()).into_owned(),
            shown(&u.spaces_text()).into_owned(),
        );
        println!("{name:<w$}  {:<10}  {apps:<30}  {spaces}", u.status);
    }
    if read_only {
        println!("(read-only: add, remove and sign-in URLs are disabled)");
    }
}

/// What adding or removing users did, one line per user (`--json`: one document).
pub fn print_outcomes(mode: OutputMode, project: &str, action: &str, outcomes: &[UserOutcome]) {
    let ok = outcomes.iter().all(UserOutcome::is_ok);
    if mode == OutputMode::Json {
        print_json(&json!({
            "ok": ok,
            "project": project,
            "action": action,
            "users": outcomes,
        }));
    } else {
        for o in outcomes {
            let name = Shown(&o.name);
            match &o.result {
                UserResult::Created => println!("{name}: created"),
                UserResult::AlreadyExists => println!("{name}: already exists"),
                UserResult::Removed => println!("{name}: removed"),
                UserResult::NotFound => println!("{name}: no such user (nothing to remove)"),
                UserResult::Failed(e) => {
                    println!("{name}: FAILED: {}", Shown(e.message()));
                    if let Some(fix) = &e.fix() {
                        println!("  fix: {}", Shown(fix));
                    }
                }
            }
        }
    }
}

/// A sign-in URL on stdout and what it is good for on stderr (`--json`: one document).
pub fn print_url(
    mode: OutputMode,
    project: &str,
    domain_id: &str,
    name: &str,
    expires: Option<u32>,
    url: &str,
) {
    if mode == OutputMode::Json {
        print_json(&json!({
            "ok": true,
            "project": project,
            "domain_id": domain_id,
            "user": name,
            "url": url,
            "expires_in_seconds": expires.unwrap_or(300),
            "note": studio::SIGN_IN_NOTE,
        }));
    } else {
        println!("{}", escaped(url));
        eprintln!(
            "Sign-in URL for {}, usable for {} seconds.",
            Shown(name),
            expires.unwrap_or(300)
        );
        eprintln!("{}", studio::SIGN_IN_NOTE);
    }
}
