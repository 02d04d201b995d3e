//! `studio-tui destroy`: the project's deletion plan shown, the bucket choice and a typed
//! confirmation asked for, then the teardown (`ops::destroy`) with its progress and report.

use std::io::IsTerminal;

use super::{Invocation, confirm_typed, fail, project_and_stack, repair_fences};
use crate::cli::DestroyArgs;
use crate::ops::destroy::{self, BUCKET_POLICY_NOTE, BucketChoice, DestroyReport, Safety};
use crate::ops::fence::{Interrupt, InterruptSender};
use crate::ops::studio;
use crate::{exit, plain};

/// The next Ctrl-C or SIGTERM, named.
async fn next_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "Ctrl-C (SIGINT)",
                _ = term.recv() => "SIGTERM",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C (SIGINT)"
}

/// While the teardown runs, the first Ctrl-C or SIGTERM asks it to stop where it is safe to (an
/// emptying puts the bucket policy back first); a second one leaves at once (a policy still
/// open is then put back by the next run, from the copy saved in the state).
async fn listen_for_stop(stop: InterruptSender) {
    let first = next_signal().await;
    plain::say(format_args!(
        "{first}: stopping at the next safe point (an opened bucket policy is put back first); \
         press Ctrl-C again to leave at once"
    ));
    stop.stop(first);
    let second = next_signal().await;
    plain::say(format_args!(
        "{second}: leaving now; a bucket policy still open is put back by the next studio-tui \
         run for this project"
    ));
    std::process::exit(exit::INTERRUPTED);
}

pub async fn run(inv: &Invocation, args: &DestroyArgs) -> anyhow::Result<i32> {
    // Non-interactive without --yes: say so before any AWS call (read-only only views).
    if !args.yes && !inv.global.read_only && !std::io::stdin().is_terminal() {
        plain::say(format_args!(
            "error: destroy deletes the whole project and needs confirmation; there is \
             no terminal to ask on, so pass --yes to confirm non-interactively"
        ));
        return Ok(exit::USAGE);
    }
    let ctx = &inv.context().await?;
    let (session, mode) = (&ctx.session, ctx.mode);
    let (project, stack) = project_and_stack(ctx, args.project_name.as_deref());
    repair_fences(ctx, &project).await;
    let plan = match destroy::plan(session, &project, &stack).await {
        Ok(p) => p,
        Err(e) => return Ok(fail(mode, &e)),
    };
    let mut choice = if args.empty_buckets {
        BucketChoice::Empty
    } else if args.retain_buckets {
        BucketChoice::Retain
    } else {
        BucketChoice::Unspecified
    };
    let show_plan = |choice: BucketChoice| {
        plain::destroy::print_plan(mode, &project, &session.region, &plan, choice)
    };
    show_plan(choice);
    if session.read_only {
        let e = studio::refuse_read_only(session, "destroy").err();
        plain::destroy::print_read_only(mode, &plan, e.as_ref());
        return Ok(exit::FAILED);
    }
    if plan.is_empty() {
        plain::destroy::print_report(mode, &DestroyReport::new(&project));
        return Ok(exit::OK);
    }
    if choice == BucketChoice::Unspecified && plan.needs_bucket_choice() && !args.yes {
        plain::say(format_args!(
            "CloudFormation can delete a bucket only when it is empty. {BUCKET_POLICY_NOTE}"
        ));
        let options = vec![
            "Empty the buckets (delete every object version), then delete them",
            "Retain the buckets, their data and the KMS key that encrypts it",
            "Cancel",
        ];
        match inquire::Select::new("The project's buckets:", options).prompt() {
            Ok(a) if a.starts_with("Empty") => choice = BucketChoice::Empty,
            Ok(a) if a.starts_with("Retain") => choice = BucketChoice::Retain,
            _ => {
                plain::say("cancelled: nothing was deleted");
                return Ok(exit::FAILED);
            }
        }
        show_plan(choice);
    }
    // Decided before anything is deleted (the operation checks again).
    if let Some(e) = plan.refusal(choice) {
        return Ok(fail(mode, &e));
    }
    match confirm_typed(&project, &format!("deleting project {project}"), args.yes) {
        Ok(true) => {}
        Ok(false) => return Ok(exit::FAILED),
        Err(code) => return Ok(code),
    }
    let (stop, interrupt) = Interrupt::channel();
    let listener = tokio::spawn(listen_for_stop(stop));
    let safety = Safety::new(Some(&ctx.store), &session.region, &project, interrupt);
    let result = plain::drain(
        |tx| {
            let (project, stack, safety) = (&project, &stack, &safety);
            async move { destroy::destroy(session, project, stack, choice, safety, &tx).await }
        },
        |m| plain::studio::print_step(mode, m),
    )
    .await;
    listener.abort();
    Ok(match result {
        Ok(report) => {
            if report.stack_deleted
                && let Ok(mut store) = ctx.store.lock()
            {
                let _ = store.forget_run(&session.region, &project);
            }
            plain::destroy::print_report(mode, &report);
            if report.is_clean() {
                exit::OK
            } else if report.stopped.as_ref().is_some_and(|e| e.is_interruption()) {
                exit::INTERRUPTED
            } else {
                exit::FAILED
            }
        }
        Err(e) => fail(mode, &e),
    })
}
