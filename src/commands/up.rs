//! `studio-tui up`: the whole first-time setup without a terminal UI — preflight, deploy,
//! Studio domain, users — on the same operations the wizard uses. Running it again finds
//! everything in place, changes nothing and exits 0.

use serde::Serialize;
use tokio::sync::mpsc;

use super::{CommandContext, answers, run_deploy, save_answers};
use crate::cli::{DeployArgs, OutputMode, UpArgs};
use crate::core::finding::FindingCode;
use crate::core::progress::{Durations, StackEvent, Tracker};
use crate::exit;
use crate::ops::deploy::DeployMsg;
use crate::ops::preflight::{self, PreflightInput};
use crate::ops::studio::{self, SetUp, UserResult};
use crate::ops::up::{self, Overlapped, StudioEnd, StudioPlan};
use crate::plain;

/// Preflight findings `up` does not stop for: the stack's own state is handled by the deploy
/// step (an update, or following an operation already running).
const HANDLED_BY_DEPLOY: &[FindingCode] = &[FindingCode::StackExists, FindingCode::StackInProgress];

pub async fn up(ctx: &CommandContext, args: &UpArgs) -> anyhow::Result<i32> {
    let mode = ctx.mode;
    let (mut params, users) = match answers(ctx, &args.params, args.guided, args.users.as_deref()) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let region = ctx.session.region.clone();
    // Names are checked before any AWS call: a typo costs nothing.
    if !users.is_empty()
        && let Err(e) = studio::validate_user_names(users.iter().map(String::as_str))
    {
        eprintln!("error: {}", e.message);
        eprintln!("Nothing was changed. Fix the names and run the command again.");
        return Ok(exit::USAGE);
    }
    // Saved before anything is created, so a failure loses nothing typed.
    save_answers(ctx, &params, &users);

    // 1. Preflight.
    if mode != OutputMode::Json {
        eprintln!(
            "1/3 Preflight of {} in {} (VPC {})",
            params.project_name, region, params.vpc_cidr
        );
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if mode != OutputMode::Json
                && let Some(line) = plain::preflight::check_line(&msg)
            {
                eprintln!("{line}");
            }
        }
    });
    let report = preflight::run(
        &ctx.session,
        PreflightInput {
            parameters: params.clone(),
            users: (users.len() as u32).max(1),
            all_regions: false,
        },
        tx,
    )
    .await;
    let _ = printer.await;
    let blocking: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.is_error() && !HANDLED_BY_DEPLOY.contains(&f.code))
        .cloned()
        .collect();
    if mode == OutputMode::Json {
        let mut doc = plain::preflight::value(
            blocking.is_empty(),
            &report.findings,
            report.suggestion.as_ref(),
        );
        doc["type"] = "preflight".into();
        println!("{doc}");
    }
    if !blocking.is_empty() {
        if mode != OutputMode::Json {
            eprint!("{}", plain::preflight::summary(&report));
            eprintln!("Nothing was created: preflight found what would make the deploy fail.");
        }
        return Ok(exit::FAILED);
    }

    // The zone preflight checked is the zone deployed: passed explicitly, and saved.
    if params.availability_zone.is_none()
        && let Some(zone) = &report.zone
    {
        params.availability_zone = Some(zone.clone());
        save_answers(ctx, &params, &users);
    }

    // 2. The stack (a change set, reviewed and executed; nothing to do when it matches). A
    // first create builds the Studio domain and users while the stack is still being created.
    if mode != OutputMode::Json {
        eprintln!(
            "2/3 Stack {} (a first create builds the Studio domain and {} user(s) alongside)",
            params.project_name,
            users.len()
        );
    }
    let deploy_args = DeployArgs {
        params: args.params.clone(),
        guided: false,
        yes: args.yes,
        recreate: false,
        continue_rollback: false,
    };
    let plan = StudioPlan {
        project: params.project_name.clone(),
        users: users.clone(),
    };
    let deployed = run_deploy(ctx, &deploy_args, &params, Some(&plan)).await?;
    if let Some(ov) = deployed.overlapped {
        return Ok(report_overlapped(mode, &params.project_name, &ov));
    }
    if deployed.code != exit::OK {
        return Ok(deployed.code);
    }
    let stack = match ctx.session.describe_stack(&params.project_name).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            // Deploy exits 0 after a cancelled review; there is then nothing to build on.
            eprintln!("The stack was not created; nothing more to do.");
            return Ok(exit::OK);
        }
        Err(e) => {
            plain::print_aws_error(mode, &e);
            return Ok(exit::FAILED);
        }
    };

    // 3. The Studio domain and the users (the stack existed already: after it, as before).
    if mode != OutputMode::Json {
        eprintln!(
            "3/3 Studio domain {} and {} user(s)",
            params.project_name,
            users.len()
        );
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<studio::StudioMsg>();
    let printer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            print_studio(mode, &m);
        }
    });
    let result = studio::set_up(
        &ctx.session,
        Some(&ctx.store),
        &stack,
        &params.project_name,
        &users,
        &tx,
    )
    .await;
    drop(tx);
    let _ = printer.await;
    match result {
        Ok(done) => {
            print_summary(mode, &stack.stack_name, &done);
            Ok(if done.is_ok() { exit::OK } else { exit::FAILED })
        }
        Err(e) => {
            plain::print_aws_error(mode, &e);
            Ok(exit::FAILED)
        }
    }
}

/// One Studio message: a JSON line `{"type":"studio",…}` or an indented text line.
fn print_studio(mode: OutputMode, m: &studio::StudioMsg) {
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
        eprintln!("  {}", m.line());
    }
}

/// Print the stack's and the Studio half's messages as they come, with one progress count and
/// one ETA for both (the domain and users count as part of a first create): a text line, or a
/// JSON line `{"type":"progress",…}`, each time the count changes.
pub(crate) async fn print_progress(
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
                    super::print_msg(mode, &m);
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
fn report_overlapped(mode: OutputMode, stack_name: &str, ov: &Overlapped) -> i32 {
    match &ov.studio {
        StudioEnd::Ready(done) => {
            print_summary(mode, stack_name, done);
            if ov.is_ok() { exit::OK } else { exit::FAILED }
        }
        StudioEnd::Failed { error, .. } => {
            plain::print_aws_error(mode, error);
            exit::FAILED
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
                    e.message
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
                        "error": error.as_ref().map(|e| e.message.clone()),
                        "stack_deleted": ov.deleted.as_ref().map(|d| d.status.clone()),
                    })
                );
            } else {
                eprintln!("{text}");
                if let Some(d) = deleted {
                    eprintln!("{d}");
                }
                if let Some(e) = error {
                    plain::print_aws_error(mode, e);
                }
            }
            exit::FAILED
        }
        StudioEnd::NotStarted => exit::FAILED,
    }
}

fn print_summary(mode: OutputMode, stack_name: &str, done: &SetUp) {
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
        "Ready: stack {stack_name}, Studio domain {} ({})",
        done.domain.id, done.domain.status
    );
    for u in &done.users {
        println!("  user {:<24} {}", u.name, result_word(&u.result));
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
        UserResult::Failed(e) => format!("failed: {}", e.message),
    }
}
