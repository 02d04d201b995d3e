//! `studio-tui deploy`: answers in, a plan reviewed, the stack deployed (the policy for an
//! empty or failed change set and a stack to recover lives in `ops::deploy`).

use crate::cli::DeployArgs;
use crate::core::params::Parameters;
use crate::exit;
use crate::ops::deploy::{self, Settled};
use crate::ops::up::Start;
use crate::plain::deploy::print_msg;
use crate::{plain, template};

use super::{CommandContext, checked, confirm, execute_streamed};

/// `studio-tui deploy`.
pub async fn deploy(ctx: &CommandContext, args: &DeployArgs) -> anyhow::Result<i32> {
    let (params, users) = match answers(ctx, &args.params, args.guided, None) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    // Answers are saved before anything is deployed: a failure never loses them.
    save_answers(ctx, &params, &users);
    super::repair_fences(ctx, &params.project_name).await;
    deploy_with(ctx, args, &params).await
}

pub(crate) fn save_answers(ctx: &CommandContext, params: &Parameters, users: &[String]) {
    if let Ok(mut s) = ctx.store.lock()
        && let Err(e) = s.save_answers(&ctx.session.region, params, users)
    {
        plain::say(format_args!("warning: could not save your answers: {e}"));
    }
}

/// The parameters and users a command works with: saved < --config < flags, then, with
/// `--guided`, whatever the user answers to the prompts. Err(exit code) on invalid input.
pub(crate) fn answers(
    ctx: &CommandContext,
    args: &crate::cli::ParamArgs,
    guided: bool,
    users_flag: Option<&[String]>,
) -> Result<(Parameters, Vec<String>), i32> {
    let (initial, known_users) = ctx.resolve_answers(args);
    let users: Vec<String> = match users_flag {
        Some(u) => u.iter().map(|s| s.trim().to_string()).collect(),
        None => known_users,
    };
    // The users, from a flag, `--config` or the saved answers, are checked with the same rule
    // before anything is saved: a bad name is refused, never kept as a default.
    if !users.is_empty()
        && let Err(e) = crate::ops::studio::validate_user_names(users.iter().map(String::as_str))
    {
        plain::say(format_args!(
            "error: {}",
            crate::core::shown::Shown(e.message())
        ));
        if let Some(fix) = e.fix() {
            plain::say(format_args!("  fix: {}", crate::core::shown::Shown(fix)));
        }
        plain::say("Nothing was changed or saved. Fix the names and run the command again.");
        return Err(exit::USAGE);
    }
    if !guided {
        return Ok((checked(initial)?, users));
    }
    let (params, users) = super::guided::ask(&initial, &users)?;
    // The template's own constraints, as the form checks them.
    let findings = template::embedded().check_parameters(&params.to_cfn_parameters());
    if findings.iter().any(|f| f.is_error()) {
        plain::print_findings(&findings);
        return Err(exit::USAGE);
    }
    Ok((params, users))
}

/// Plan, review and execute with these (checked) parameters.
pub(crate) async fn deploy_with(
    ctx: &CommandContext,
    args: &DeployArgs,
    params: &Parameters,
) -> anyhow::Result<i32> {
    Ok(run_deploy(ctx, args, params, None).await?.code)
}

/// What the deploy policy ended with: the exit code for the stack, and the Studio half when it
/// ran overlapped with a first create (`up`).
pub(crate) struct Deployed {
    pub code: i32,
    pub overlapped: Option<crate::ops::up::Overlapped>,
}

impl From<i32> for Deployed {
    fn from(code: i32) -> Deployed {
        Deployed {
            code,
            overlapped: None,
        }
    }
}

/// The deploy policy (`ops::deploy::settle`) on the terminal: its progress printed, the change
/// set it leaves confirmed and executed; with `studio` a first create builds the Studio domain
/// and users while the stack is still being created (`ops::up`).
pub(crate) async fn run_deploy(
    ctx: &CommandContext,
    args: &DeployArgs,
    params: &Parameters,
    studio: Option<&crate::ops::up::StudioPlan>,
) -> anyhow::Result<Deployed> {
    if let Err(e) = crate::ops::studio::refuse_read_only(&ctx.session, "deploying the stack") {
        crate::plain::print_error(ctx.mode, &e);
        plain::say(format_args!(
            "Read-only: `studio-tui preflight` and `studio-tui status` show what is there; \
             nothing was changed."
        ));
        return Ok(exit::FAILED.into());
    }
    let mode = ctx.mode;
    let allow = deploy::Allow {
        recreate: args.recreate,
        continue_rollback: args.continue_rollback,
    };
    let (session, store) = (&ctx.session, &ctx.store);
    let settled = plain::drain(
        |tx| async move { deploy::settle(session, store, params, allow, &tx).await },
        |m| print_msg(mode, m),
    )
    .await;
    let settled = match settled {
        Ok(s) => s,
        Err(e) => {
            crate::plain::print_error(mode, &e);
            return Ok(exit::FAILED.into());
        }
    };
    // What the policy stopped at, printed; then what the command does about it.
    plain::deploy::print_settled(mode, &settled);
    let outcome = match settled {
        Settled::UpToDate(_) | Settled::NoChanges(_) => return Ok(exit::OK.into()),
        Settled::Refused { .. } | Settled::ChangeSetFailed(_) => return Ok(exit::FAILED.into()),
        Settled::Busy(stack) => {
            if let Some(plan) = studio {
                return overlapped(ctx, Start::Reattach(Box::new(stack)), plan).await;
            }
            plain::drain(
                |tx| async move { deploy::reattach(session, store, &stack, &tx).await },
                |m| print_msg(mode, m),
            )
            .await
        }
        Settled::RecoveryFailed(outcome) => Ok(*outcome),
        Settled::Ready(review) => {
            match confirm("Execute this change set?", args.yes) {
                Ok(true) => {}
                Ok(false) => {
                    deploy::cancel(&ctx.session, &ctx.store, &review).await?;
                    plain::say("Cancelled; the change set was deleted.");
                    return Ok(exit::OK.into());
                }
                Err(code) => {
                    let _ = deploy::cancel(&ctx.session, &ctx.store, &review).await;
                    return Ok(code.into());
                }
            }
            if let Some(plan) = studio {
                return overlapped(ctx, Start::Execute(review), plan).await;
            }
            execute_streamed(ctx, *review).await
        }
    };
    match outcome {
        Ok(o) if o.ok => Ok(exit::OK.into()),
        Ok(_) => Ok(exit::FAILED.into()),
        Err(e) => {
            crate::plain::print_error(mode, &e);
            Ok(exit::FAILED.into())
        }
    }
}

/// Run the stack operation through `ops::up::run` (the Studio half overlapped with a first
/// create), printing both progress streams as they come.
pub(super) async fn overlapped(
    ctx: &CommandContext,
    start: Start,
    plan: &crate::ops::up::StudioPlan,
) -> anyhow::Result<Deployed> {
    let (session, store, mode) = (&ctx.session, &ctx.store, ctx.mode);
    let result = plain::studio::drain_overlapped(mode, &plan.users, |dtx, stx| async move {
        crate::ops::up::run(session, store, start, plan, &dtx, &stx).await
    })
    .await;
    match result {
        Ok(crate::ops::up::Run::Stack(o)) => Ok(if o.ok { exit::OK } else { exit::FAILED }.into()),
        Ok(crate::ops::up::Run::Overlapped(ov)) => Ok(Deployed {
            code: if ov.stack.ok { exit::OK } else { exit::FAILED },
            overlapped: Some(*ov),
        }),
        Err(e) => {
            crate::plain::print_error(mode, &e);
            Ok(exit::FAILED.into())
        }
    }
}
