//! `studio-tui apps`: the project's domain's apps with their hourly prices and the total, and
//! `apps stop OWNER APP`, printed by `plain::apps`. Exit codes: 0 ok (an app still Deleting when
//! the wait ran out too: DeleteApp was accepted, and the output says it bills until Deleted),
//! 1 failed (no domain, an AWS error, `--read-only`, as every read-only refusal), 2 refused
//! input (an ambiguous owner or app, no terminal to confirm on and no `--yes`).

use std::time::Duration;

use super::{Invocation, confirm_typed, fail, project_and_stack};
use crate::cli::{AppsArgs, AppsCommand};
use crate::ops::apps::{self, OwnerKind};
use crate::ops::studio::{self, Poll};
use crate::{exit, ops, plain};

/// How long `apps stop` describes the app after its DeleteApp before it reports it as still
/// Deleting.
const STOP_POLL: Poll = Poll {
    initial: Duration::from_millis(500),
    max: Duration::from_secs(5),
    timeout: Duration::from_secs(120),
};

pub async fn run(inv: &Invocation, args: &AppsArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
    let (session, mode) = (&ctx.session, ctx.mode);
    let (project, _) = project_and_stack(ctx, args.project_name.as_deref());
    super::repair_fences(ctx, &project).await;
    // Refused before any AWS call.
    if let Some(AppsCommand::Stop { .. }) = &args.command
        && let Err(e) = studio::refuse_read_only(session, "stopping an app")
    {
        return Ok(fail(mode, &e));
    }
    let domain = match studio::stack_domains(session, &project).await {
        Ok(found) => match found.ours {
            Some(d) => d,
            None => {
                let e = ops::Error::missing(
                    "sagemaker:ListDomains",
                    format!(
                        "there is no Studio domain named {project} in the VPC of stack \
                         {project} in {} (a domain of that name elsewhere is not this \
                         project's)",
                        session.region
                    ),
                )
                .with_fix(
                    "check --project-name and --region, or create the environment first \
                     (`studio-tui up` or the wizard)",
                );
                return Ok(fail(mode, &e));
            }
        },
        Err(e) => return Ok(fail(mode, &e)),
    };
    let cache = inv.paths()?.cache_dir.clone();
    let Some(AppsCommand::Stop {
        owner,
        app,
        user,
        space,
        yes,
    }) = &args.command
    else {
        return Ok(
            match apps::apps_now(session, Some(&cache), &domain.id).await {
                Ok(now) => {
                    plain::apps::print_apps(mode, &project, &session.region, &now);
                    exit::OK
                }
                Err(e) => fail(mode, &e),
            },
        );
    };
    let want = match (*user, *space) {
        (true, _) => Some(OwnerKind::User),
        (_, true) => Some(OwnerKind::Space),
        _ => None,
    };
    let listed = tokio::try_join!(
        session.list_apps(&domain.id),
        session.list_user_profiles(&domain.id),
        session.list_spaces(&domain.id),
    );
    let (all, users, spaces) = match listed {
        Ok(l) => l,
        Err(e) => return Ok(fail(mode, &e.into())),
    };
    let users: Vec<String> = users.into_iter().map(|u| u.name).collect();
    let spaces: Vec<String> = spaces.into_iter().map(|s| s.name).collect();
    let (kind, target) = match apps::pick_app(owner, app, want, &users, &spaces, &all) {
        Ok(found) => found,
        Err(e) => return Ok(fail(mode, &e)),
    };
    plain::apps::print_matched(kind, &target);
    let expected = target.label();
    match confirm_typed(
        &expected,
        &format!(
            "stopping app {} of {} {} (DeleteApp)",
            crate::core::shown::Shown(&expected),
            kind.word(),
            crate::core::shown::Shown(owner)
        ),
        *yes,
    ) {
        Ok(true) => {}
        Ok(false) => return Ok(exit::FAILED),
        Err(code) => return Ok(code),
    }
    match apps::stop_app(session, &target, STOP_POLL).await {
        Ok(stopped) => {
            plain::apps::print_stopped(mode, &project, kind, &stopped);
            Ok(exit::OK)
        }
        Err(e) => Ok(fail(mode, &e)),
    }
}
