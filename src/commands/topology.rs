//! `studio-tui topology`: the deployed environment, refreshed once and printed as text, JSON,
//! Mermaid or Graphviz DOT by `plain::status`.

use crate::cli::{OutputMode, TopologyArgs, TopologyFormat};
use crate::{exit, plain};

use super::Invocation;

/// `studio-tui topology`: one refresh, printed in the chosen format.
pub async fn run(inv: &Invocation, args: &TopologyArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
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
