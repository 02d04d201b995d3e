//! The read-only commands: `status`, `events` (the latest operation's timeline) and `topology`,
//! printed by `plain::status`.

use crate::cli::{EventsArgs, OutputMode, ProjectArgs, TopologyArgs, TopologyFormat};
use crate::core::progress::Tracker;
use crate::ops::deploy::{self, DeployMsg};
use crate::plain::deploy::print_msg;
use crate::{exit, plain};

use super::CommandContext;

/// `studio-tui events`.
pub async fn events(ctx: &CommandContext, args: &EventsArgs) -> anyhow::Result<i32> {
    let name = ctx.project_name(&args.project);
    let stack = match ctx.session.describe_stack(&name).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            plain::say(format_args!(
                "error: there is no stack {} in {} (deploy it with `studio-tui deploy`)",
                crate::core::shown::Shown(&name),
                ctx.session.region
            ));
            return Ok(exit::FAILED);
        }
        Err(e) => {
            crate::plain::print_error(ctx.mode, &e.into());
            return Ok(exit::FAILED);
        }
    };
    let tracker = if args.follow && stack.is_in_progress() {
        let (session, store, mode) = (&ctx.session, &ctx.store, ctx.mode);
        match plain::drain(
            |tx| {
                let stack = &stack;
                async move { deploy::reattach(session, store, stack, &tx).await }
            },
            |m| print_msg(mode, m),
        )
        .await
        {
            Ok(o) => {
                let mut t = Tracker::new(None, 0);
                let mut sorted = o.events.clone();
                sorted.reverse();
                t.ingest_page(&sorted);
                t
            }
            Err(e) => {
                crate::plain::print_error(ctx.mode, &e);
                return Ok(exit::FAILED);
            }
        }
    } else {
        let t = match deploy::latest_operation(&ctx.session, &stack.stack_id).await {
            Ok(t) => t,
            Err(e) => {
                crate::plain::print_error(ctx.mode, &e);
                return Ok(exit::FAILED);
            }
        };
        if !args.chart {
            print_msg(
                ctx.mode,
                &DeployMsg::Events {
                    events: t.events.clone(),
                },
            );
        }
        t
    };
    if args.chart {
        let mut tracker = tracker;
        // A first create built the Studio domain and users alongside: one timeline.
        if let Err(e) = crate::ops::up::add_studio_steps(
            &ctx.session,
            &name,
            stack.outputs.get("VpcId").map(String::as_str),
            &mut tracker,
        )
        .await
        {
            plain::say(format_args!(
                "note: the Studio domain is not in the chart: {}",
                e.message()
            ));
        }
        plain::status::print_chart(ctx.mode, &tracker.timeline());
    }
    Ok(exit::OK)
}

/// `studio-tui status`.
pub async fn status(ctx: &CommandContext, args: &ProjectArgs) -> anyhow::Result<i32> {
    let name = ctx.project_name(args);
    super::repair_fences(ctx, &name).await;
    match crate::ops::status::status(&ctx.session, &ctx.store, &name).await {
        Ok(status) => {
            plain::status::print_status(ctx.mode, &status);
            Ok(exit::OK)
        }
        Err(e) => {
            plain::print_error(ctx.mode, &e);
            Ok(exit::FAILED)
        }
    }
}

/// `studio-tui topology`: one refresh, printed in the chosen format.
pub async fn topology(ctx: &CommandContext, args: &TopologyArgs) -> anyhow::Result<i32> {
    let name = ctx.project_name(&args.project);
    let format = if ctx.mode == OutputMode::Json {
        TopologyFormat::Json
    } else {
        args.format
    };
    let topo = match crate::ops::topology::refresh(&ctx.session, &name).await {
        Ok(t) => t,
        Err(e) if e.kind() == crate::aws::ErrorKind::NotFound => {
            if format == TopologyFormat::Json {
                crate::plain::print_error(OutputMode::Json, &e);
            } else {
                plain::say(format_args!(
                    "error: there is no stack {} in {} (deploy it with `studio-tui deploy`, \
                     or pass --project-name)",
                    crate::core::shown::Shown(&name),
                    ctx.session.region
                ));
            }
            return Ok(exit::FAILED);
        }
        Err(e) => {
            crate::plain::print_error(
                if format == TopologyFormat::Json {
                    OutputMode::Json
                } else {
                    OutputMode::Plain
                },
                &e,
            );
            return Ok(exit::FAILED);
        }
    };
    plain::status::print_topology(format, &topo);
    Ok(exit::OK)
}
