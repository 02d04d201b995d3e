//! `studio-tui up`: the whole first-time setup without a terminal UI — preflight, deploy,
//! Studio domain, users — on the same operations the wizard uses. Running it again finds
//! everything in place, changes nothing and exits 0.

use super::{Invocation, answers, run_deploy, save_answers};
use crate::cli::{DeployArgs, OutputMode, UpArgs};
use crate::exit;
use crate::ops::preflight::{self, PreflightInput};
use crate::ops::studio;
use crate::ops::up::{Overlapped, StudioEnd, StudioPlan};
use crate::plain;

pub async fn run(inv: &Invocation, args: &UpArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
    let mode = ctx.mode;
    let (mut params, users, basis) =
        match answers(ctx, &args.params, args.guided, args.users.as_deref()).await {
            Ok(a) => a,
            Err(code) => return Ok(code),
        };
    let region = ctx.session.region.clone();
    // The names were checked by `answers`, before any AWS call and before anything is saved.
    // Saved before anything is created, so a failure loses nothing typed.
    save_answers(ctx, &params, &users);
    super::repair_fences(ctx, &params.project_name).await;

    // 1. Preflight.
    if mode != OutputMode::Json {
        plain::say(format_args!(
            "1/3 Preflight of {} in {} (VPC {})",
            params.project_name, region, params.vpc_cidr
        ));
    }
    let input = PreflightInput {
        parameters: params.draft(),
        users: (users.len() as u32).max(1),
        all_regions: false,
    };
    let report = plain::drain(
        |tx| preflight::run(&ctx.session, input, tx),
        |m| plain::preflight::eprint_check(mode, m),
    )
    .await;
    let blocked = report.blocks_deploy();
    plain::preflight::print_up_step(mode, &report, !blocked);
    if blocked {
        return Ok(exit::FAILED);
    }

    // The zone preflight checked is the zone deployed: passed explicitly, and saved.
    if let Some(zone) = report.zone_to_adopt(&params) {
        params.availability_zone = Some(zone);
        save_answers(ctx, &params, &users);
    }

    // 2. The stack (a change set, reviewed and executed; nothing to do when it matches). A
    // first create builds the Studio domain and users while the stack is still being created.
    if mode != OutputMode::Json {
        plain::say(format_args!(
            "2/3 Stack {} (a first create builds the Studio domain and {} user(s) alongside)",
            params.project_name,
            users.len()
        ));
    }
    let deploy_args = DeployArgs {
        params: args.params.clone(),
        guided: false,
        yes: args.yes,
        recreate: false,
        continue_rollback: false,
    };
    // Checked with the rest by `answers`, before any AWS call.
    let mut guardrails = params.guardrails();
    // An existing domain's setting is changed only when this run asks for it (a flag or
    // --config), each on its own; the audit identity only from the overview (`s`).
    let explicit =
        crate::ops::params::explicit_fields(ctx.config.as_ref(), &args.params.overrides());
    guardrails.update_existing = crate::core::params::guardrails::Asked {
        idle: explicit.contains(&crate::core::field::Field::IdleTimeout),
        instance_types: explicit.contains(&crate::core::field::Field::InstanceTypes),
        audit: false,
    };
    let plan = StudioPlan {
        project: params.project_name.to_string(),
        users: users.clone(),
        guardrails: guardrails.clone(),
    };
    let deployed = run_deploy(ctx, &deploy_args, &params, basis.as_ref(), Some(&plan)).await?;
    if let Some(ov) = deployed.overlapped {
        return Ok(report_overlapped(mode, &params.project_name, &ov));
    }
    if deployed.code != exit::OK {
        return Ok(deployed.code);
    }

    // 3. The Studio domain and the users (the stack existed already: after it, as before).
    if mode != OutputMode::Json {
        plain::say(format_args!(
            "3/3 Studio domain {} and {} user(s)",
            params.project_name,
            users.len()
        ));
    }
    let (session, store, project, users) = (&ctx.session, &ctx.store, &params.project_name, &users);
    let guardrails = &guardrails;
    let result = plain::drain(
        |tx| async move {
            studio::set_up_project(session, Some(store), project, guardrails, users, &tx).await
        },
        |m| plain::studio::print_studio(mode, m),
    )
    .await;
    match result {
        Ok(Some(done)) => {
            plain::studio::print_summary(mode, project, &done);
            Ok(if done.is_ok() { exit::OK } else { exit::FAILED })
        }
        Ok(None) => {
            // Deploy exits 0 after a cancelled review; there is then nothing to build on.
            plain::say("The stack was not created; nothing more to do.");
            Ok(exit::OK)
        }
        Err(e) => {
            plain::print_error(mode, &e);
            Ok(exit::FAILED)
        }
    }
}

/// The end of an overlapped first create, printed; its exit code.
fn report_overlapped(mode: OutputMode, stack_name: &str, ov: &Overlapped) -> i32 {
    plain::studio::print_overlapped(mode, stack_name, ov);
    match &ov.studio {
        StudioEnd::Ready(_) if ov.is_ok() => exit::OK,
        _ => exit::FAILED,
    }
}
