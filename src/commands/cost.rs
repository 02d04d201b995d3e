//! `studio-tui cost`: the monthly estimate of the environment in the region, printed by
//! `plain::cost`.

use crate::cli::ProjectArgs;
use crate::core::cost::Footprint;
use crate::{exit, plain};

use super::Invocation;

/// `studio-tui cost`.
pub async fn run(inv: &Invocation, args: &ProjectArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
    let project = ctx.project_name(args);
    let (_, stack) = super::project_and_stack(ctx, args.project_name.as_deref());
    let deployed = match ctx.session.describe_stack(&stack).await {
        Ok(s) => s.is_some(),
        Err(e) => {
            plain::print_error(ctx.mode, &e.into());
            return Ok(exit::FAILED);
        }
    };
    let cache = inv.paths()?.cache_dir.clone();
    let report =
        crate::ops::cost::estimate(&ctx.session, Some(&cache), &Footprint::STUDIO_ENVIRONMENT)
            .await;
    match report {
        Ok(report) => {
            plain::cost::print_cost(ctx.mode, &project, deployed, &report);
            Ok(exit::OK)
        }
        // GovCloud and China: no estimate, and why.
        Err(e) => {
            plain::print_error(ctx.mode, &e);
            Ok(exit::FAILED)
        }
    }
}
