//! `studio-tui users` for the line front-ends: plain lines (progress on stderr, results on
//! stdout) or one JSON document on stdout. Exit codes: 0 ok, 1 failed, 2 invalid input.

use super::{Invocation, confirm_typed, fail, project_and_stack};
use crate::cli::{OutputMode, UsersArgs, UsersCommand};
use crate::ops;
use crate::ops::studio::{self, UserOutcome, UserSpec};
use crate::{exit, plain};

pub async fn run(inv: &Invocation, args: &UsersArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
    let (session, mode) = (&ctx.session, ctx.mode);
    let (project, _) = project_and_stack(ctx, args.project_name.as_deref());
    super::repair_fences(ctx, &project).await;
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
            return Ok(fail(mode, &e));
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
        return Ok(fail(mode, &e));
    }
    // The listing reads the users with the domain; the other commands need the domain only.
    let found = if matches!(args.command, UsersCommand::List) {
        studio::domain_with_users(session, &project)
            .await
            .map(|o| o.map(|(d, users)| (d, Some(users))))
    } else {
        studio::stack_domains(session, &project)
            .await
            .map(|found| found.ours.map(|d| (d, None)))
    };
    let (domain, listed) = match found {
        Ok(Some(found)) => found,
        Ok(None) => {
            let e = ops::Error::missing(
                "sagemaker:ListDomains",
                format!(
                    "there is no Studio domain named {project} in the VPC of stack {project} \
                     in {} (a domain of that name elsewhere is not this project's)",
                    session.region
                ),
            )
            .with_fix(
                "check --project-name and --region, or create the environment first \
                 (`studio-tui` wizard)",
            );
            return Ok(fail(mode, &e));
        }
        Err(e) => return Ok(fail(mode, &e)),
    };
    let code = match &args.command {
        UsersCommand::List => {
            let users = listed.unwrap_or_default();
            plain::studio::print_users(mode, &project, &domain, &users, session.read_only);
            exit::OK
        }
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
            let result = plain::drain(
                |tx| async move { studio::create_users(session, &domain.id, specs, &tx).await },
                |m| plain::studio::print_step(mode, m),
            )
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
                Ok(false) => return Ok(exit::FAILED),
                Err(code) => return Ok(code),
            }
            let result = plain::drain(
                |tx| async move { studio::remove_users(session, &domain.id, names, &tx).await },
                |m| plain::studio::print_step(mode, m),
            )
            .await;
            report_outcomes(mode, &project, "remove", result)
        }
        UsersCommand::Url { name, expires } => {
            match studio::presigned_url(session, &domain.id, name, *expires).await {
                Ok(url) => {
                    plain::studio::print_url(mode, &project, &domain.id, name, *expires, &url);
                    exit::OK
                }
                Err(e) => fail(mode, &e),
            }
        }
    };
    Ok(code)
}

fn report_outcomes(
    mode: OutputMode,
    project: &str,
    action: &str,
    result: Result<Vec<UserOutcome>, ops::Error>,
) -> i32 {
    let outcomes = match result {
        Ok(o) => o,
        Err(e) => return fail(mode, &e),
    };
    plain::studio::print_outcomes(mode, project, action, &outcomes);
    if outcomes.iter().all(UserOutcome::is_ok) {
        exit::OK
    } else {
        exit::FAILED
    }
}
