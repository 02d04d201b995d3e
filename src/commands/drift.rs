//! `drift [--revert [--yes]]`: the stack's drift from its template, the security baseline
//! first, and its revert through a drift-aware change set, the usual review and a live deploy.

use super::{Invocation, confirm_typed, execute_streamed};
use crate::cli::{DriftArgs, OutputMode};
use crate::exit;
use crate::ops::deploy;
use crate::ops::drift::{self, Wait};
use crate::plain;
use crate::plain::deploy::{print_change_set_failure, print_review};
use crate::plain::drift::print_report;

pub async fn run(inv: &Invocation, args: &DriftArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
    let (session, mode) = (&ctx.session, ctx.mode);
    let stack = ctx.project_name(&args.project);
    super::repair_fences(ctx, &stack).await;
    // Revert is refused in read-only mode before any call.
    if args.revert
        && let Err(e) = crate::ops::studio::refuse_read_only(session, "reverting drift")
    {
        crate::plain::print_error(mode, &e);
        return Ok(exit::FAILED);
    }
    if mode != OutputMode::Json {
        plain::say(format_args!(
            "Detecting drift on stack {} in {}…",
            crate::core::shown::Shown(&stack),
            session.region
        ));
    }
    let report = match drift::detect(session, &stack, Wait::DEFAULT).await {
        Ok(r) => r,
        Err(e) => {
            crate::plain::print_error(mode, &e);
            return Ok(exit::FAILED);
        }
    };
    print_report(mode, &report);
    if !args.revert {
        return Ok(if report.in_sync() {
            exit::OK
        } else {
            exit::FAILED
        });
    }
    if report.in_sync() {
        if mode != OutputMode::Json {
            plain::say("Nothing to revert.");
        }
        return Ok(exit::OK);
    }
    if mode != OutputMode::Json {
        plain::say("Creating a drift-aware change set (REVERT_DRIFT) with the deployed template…");
    }
    let review = match drift::plan_revert(session, &stack, Wait::DEFAULT).await {
        Ok(r) => r,
        Err(e) => {
            crate::plain::print_error(mode, &e);
            return Ok(exit::FAILED);
        }
    };
    print_review(mode, &review);
    if !review.is_executable() {
        print_change_set_failure(mode, &review);
        let _ = deploy::cancel(session, &ctx.store, &review).await;
        return Ok(exit::FAILED);
    }
    // Drifted resources the change set does not touch cannot be reverted this way.
    let touched: Vec<&str> = review
        .change_set
        .changes
        .iter()
        .map(|c| c.logical_id.as_str())
        .collect();
    for r in report
        .resources
        .iter()
        .filter(|r| !touched.contains(&r.drift.logical_id.as_str()))
    {
        plain::say(format_args!(
            "warning: {} ({}) is not reverted by CloudFormation (the drift-aware change set \
             does not cover this resource or type); fix: set it back by hand to the expected \
             values above, or update the stack with `studio-tui deploy`",
            r.drift.logical_id, r.drift.resource_type
        ));
    }
    match confirm_typed(&stack, "overwriting the drift", args.yes) {
        Ok(true) => {}
        Ok(false) => {
            deploy::cancel(session, &ctx.store, &review).await?;
            plain::say("Cancelled; the change set was deleted.");
            return Ok(exit::FAILED);
        }
        Err(code) => {
            let _ = deploy::cancel(session, &ctx.store, &review).await;
            return Ok(code);
        }
    }
    match execute_streamed(ctx, review).await {
        Ok(o) if o.ok => {}
        Ok(_) => return Ok(exit::FAILED),
        Err(e) => {
            crate::plain::print_error(mode, &e);
            return Ok(exit::FAILED);
        }
    }
    if mode != OutputMode::Json {
        plain::say("Checking the drift again…");
    }
    match drift::detect(session, &stack, Wait::DEFAULT).await {
        Ok(after) => {
            print_report(mode, &after);
            Ok(if after.in_sync() {
                exit::OK
            } else {
                exit::FAILED
            })
        }
        Err(e) => {
            crate::plain::print_error(mode, &e);
            Ok(exit::FAILED)
        }
    }
}
