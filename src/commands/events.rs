//! `studio-tui events`: the stack's latest operation as a timeline, `--follow` until it
//! settles, `--chart` for a chart; printed by `plain::status`.

use crate::cli::EventsArgs;
use crate::core::progress::Tracker;
use crate::ops::deploy::{self, DeployMsg};
use crate::plain::deploy::print_msg;
use crate::{exit, plain};

use super::Invocation;

/// `studio-tui events`.
pub async fn run(inv: &Invocation, args: &EventsArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
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
