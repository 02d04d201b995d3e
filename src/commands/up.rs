//! `studio-tui up`: the whole first-time setup without a terminal UI — preflight, deploy,
//! Studio domain, users — on the same operations the wizard uses. Running it again finds
//! everything in place, changes nothing and exits 0.

use serde::Serialize;
use tokio::sync::mpsc;

use super::{CommandContext, answers, deploy_with, save_answers};
use crate::cli::{DeployArgs, OutputMode, UpArgs};
use crate::core::finding::FindingCode;
use crate::exit;
use crate::ops::preflight::{self, PreflightInput};
use crate::ops::studio::{self, SetUp, UserResult};
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

    // 2. The stack (a change set, reviewed and executed; nothing to do when it matches).
    if mode != OutputMode::Json {
        eprintln!("2/3 Stack {}", params.project_name);
    }
    let deploy_args = DeployArgs {
        params: args.params.clone(),
        guided: false,
        yes: args.yes,
        recreate: false,
        continue_rollback: false,
    };
    let code = deploy_with(ctx, &deploy_args, &params).await?;
    if code != exit::OK {
        return Ok(code);
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

    // 3. The Studio domain and the users.
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
                        msg: &m
                    })
                    .unwrap_or_default()
                );
            } else {
                eprintln!("  {}", m.line());
            }
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
                domain_status: &done.domain.status,
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
