//! `studio-tui status`: one summary of the project, printed by `plain::status`.

use crate::cli::ProjectArgs;
use crate::{exit, plain};

use super::Invocation;

/// `studio-tui status`.
pub async fn run(inv: &Invocation, args: &ProjectArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
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
