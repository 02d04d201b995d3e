//! `studio-tui users` for the line front-ends: plain lines (progress on stderr, results on
//! stdout) or one JSON document on stdout. Exit codes: 0 ok, 1 failed, 2 invalid input.

use std::future::Future;
use std::io::IsTerminal;

use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;

use super::CommandContext;
use crate::aws::{AwsError, ErrorKind};
use crate::cli::{OutputMode, ProjectArgs, UsersArgs, UsersCommand};
use crate::exit;
use crate::ops::studio::{self, Progress, UserOutcome, UserResult, UserSpec, UserView};
use crate::plain::print_aws_error;

/// The project (`--project-name`, else `--config`'s, else the last one used here, else the
/// default) and the stack name saved for it (else the project name).
pub(super) fn project_and_stack(ctx: &CommandContext, flag: Option<&str>) -> (String, String) {
    let project = ctx.project_name(&ProjectArgs {
        project_name: flag.map(str::to_string),
    });
    let stack = ctx
        .store
        .lock()
        .ok()
        .and_then(|s| {
            s.run(&ctx.session.region, &project)
                .map(|r| r.stack_name.clone())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| project.clone());
    (project, stack)
}

/// Run an operation while printing its progress lines on stderr (not in JSON mode).
pub(super) async fn with_progress<T, F, Fut>(mode: OutputMode, f: F) -> T
where
    F: FnOnce(Progress) -> Fut,
    Fut: Future<Output = T>,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<studio::StudioMsg>();
    let printer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if mode != OutputMode::Json {
                eprintln!("  {}", m.line());
            }
        }
    });
    let out = f(tx).await;
    let _ = printer.await;
    out
}

pub(super) fn print_json<T: Serialize>(doc: &T) {
    println!("{}", serde_json::to_string_pretty(doc).unwrap_or_default());
}

fn code_for(e: &AwsError) -> i32 {
    if e.operation == "studio-tui" && e.kind == ErrorKind::Validation {
        exit::USAGE
    } else {
        exit::FAILED
    }
}

pub(super) fn fail(mode: OutputMode, e: &AwsError) -> i32 {
    print_aws_error(mode, e);
    code_for(e)
}

/// Typed confirmation: `--yes`, or the exact text typed on a terminal. Without a terminal and
/// without `--yes`, exit 2 with a message (Err carries the exit code).
pub(crate) fn confirm_typed(expected: &str, what: &str, yes: bool) -> Result<bool, i32> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "error: {what} needs confirmation and there is no terminal to ask on; pass --yes to \
             confirm non-interactively"
        );
        return Err(exit::USAGE);
    }
    let answer = inquire::Text::new(&format!("Type `{expected}` to confirm {what}:"))
        .prompt()
        .map_err(|_| exit::USAGE)?;
    if answer.trim() == expected {
        Ok(true)
    } else {
        eprintln!("confirmation did not match `{expected}`: nothing was changed");
        Ok(false)
    }
}

pub async fn users(ctx: &CommandContext, args: &UsersArgs) -> i32 {
    let (session, mode) = (&ctx.session, ctx.mode);
    let (project, _) = project_and_stack(ctx, args.project_name.as_deref());
    // Refuse changes in read-only mode before looking anything up.
    if session.read_only {
        let what = match &args.command {
            UsersCommand::List => None,
            UsersCommand::Add { .. } => Some("adding users"),
            UsersCommand::Remove { .. } => Some("removing users"),
            UsersCommand::Url { .. } => Some("creating a sign-in URL"),
        };
        if let Some(what) = what
            && let Err(e) = studio::refuse_read_only(session, what)
        {
            return fail(mode, &e);
        }
    }
    // Names are checked before any AWS call.
    let names: Option<Vec<&str>> = match &args.command {
        UsersCommand::Add { names, .. } | UsersCommand::Remove { names, .. } => {
            Some(names.iter().map(String::as_str).collect())
        }
        UsersCommand::Url { name, .. } => Some(vec![name.as_str()]),
        UsersCommand::List => None,
    };
    if let Some(names) = names
        && let Err(e) = studio::validate_user_names(names)
    {
        return fail(mode, &e);
    }
    let domain = match studio::find_domain(session, &project).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            let e = AwsError::new(
                ErrorKind::NotFound,
                "sagemaker:ListDomains",
                format!(
                    "there is no Studio domain named {project} in {}",
                    session.region
                ),
            )
            .with_fix(
                "check --project-name and --region, or create the environment first \
                 (`studio-tui` wizard)",
            );
            return fail(mode, &e);
        }
        Err(e) => return fail(mode, &e),
    };
    match &args.command {
        UsersCommand::List => match studio::list_users(session, &domain.id).await {
            Ok(users) => {
                print_users(mode, &project, &domain, &users, session.read_only);
                exit::OK
            }
            Err(e) => fail(mode, &e),
        },
        UsersCommand::Add {
            names,
            execution_role,
            security_groups,
        } => {
            let specs = names
                .iter()
                .map(|n| UserSpec {
                    name: n.clone(),
                    execution_role: execution_role.clone(),
                    security_groups: security_groups.clone(),
                })
                .collect();
            let result = with_progress(mode, |tx| async move {
                studio::create_users(session, &domain.id, specs, &tx).await
            })
            .await;
            report_outcomes(mode, &project, "add", result)
        }
        UsersCommand::Remove { names, yes } => {
            let expected = names.join(" ");
            match confirm_typed(
                &expected,
                &format!(
                    "removing {} (their apps and private spaces are deleted too)",
                    names.join(", ")
                ),
                *yes,
            ) {
                Ok(true) => {}
                Ok(false) => return exit::FAILED,
                Err(code) => return code,
            }
            let result = with_progress(mode, |tx| async move {
                studio::remove_users(session, &domain.id, names, &tx).await
            })
            .await;
            report_outcomes(mode, &project, "remove", result)
        }
        UsersCommand::Url { name, expires } => {
            match studio::presigned_url(session, &domain.id, name, *expires).await {
                Ok(url) => {
                    if mode == OutputMode::Json {
                        print_json(&json!({
                            "ok": true,
                            "project": project,
                            "domain_id": domain.id,
                            "user": name,
                            "url": url,
                            "expires_in_seconds": expires.unwrap_or(300),
                            "note": studio::SIGN_IN_NOTE,
                        }));
                    } else {
                        println!("{url}");
                        eprintln!(
                            "Sign-in URL for {name}, usable for {} seconds.",
                            expires.unwrap_or(300)
                        );
                        eprintln!("{}", studio::SIGN_IN_NOTE);
                    }
                    exit::OK
                }
                Err(e) => fail(mode, &e),
            }
        }
    }
}

fn print_users(
    mode: OutputMode,
    project: &str,
    domain: &crate::aws::studio::DomainInfo,
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
        domain.name,
        domain.id,
        domain.status,
        domain
            .app_network_access_type
            .as_deref()
            .map(|a| format!(", {a}"))
            .unwrap_or_default()
    );
    if users.is_empty() {
        println!("No user profiles. Add one with `studio-tui users add NAME`.");
        return;
    }
    let w = users.iter().map(|u| u.name.len()).max().unwrap_or(4).max(4);
    println!("{:<w$}  {:<10}  {:<30}  SPACES", "USER", "STATUS", "APPS");
    for u in users {
        let (apps, spaces) = (u.apps_text(), u.spaces_text());
        println!("{:<w$}  {:<10}  {apps:<30}  {spaces}", u.name, u.status);
    }
    if read_only {
        println!("(read-only: add, remove and sign-in URLs are disabled)");
    }
}

fn report_outcomes(
    mode: OutputMode,
    project: &str,
    action: &str,
    result: Result<Vec<UserOutcome>, AwsError>,
) -> i32 {
    let outcomes = match result {
        Ok(o) => o,
        Err(e) => return fail(mode, &e),
    };
    let ok = outcomes.iter().all(UserOutcome::is_ok);
    if mode == OutputMode::Json {
        print_json(&json!({
            "ok": ok,
            "project": project,
            "action": action,
            "users": outcomes,
        }));
    } else {
        for o in &outcomes {
            match &o.result {
                UserResult::Created => println!("{}: created", o.name),
                UserResult::AlreadyExists => println!("{}: already exists", o.name),
                UserResult::Removed => println!("{}: removed", o.name),
                UserResult::NotFound => println!("{}: no such user (nothing to remove)", o.name),
                UserResult::Failed(e) => {
                    println!("{}: FAILED: {}", o.name, e.message);
                    if let Some(fix) = &e.fix {
                        println!("  fix: {fix}");
                    }
                }
            }
        }
    }
    if ok { exit::OK } else { exit::FAILED }
}
