//! `studio-tui preflight`: resolve the parameters (saved < --config < flags), run every check,
//! print a checklist (or one JSON document). Input problems are findings, so exit 1, not 2.

use crate::cli::PreflightArgs;
use crate::{exit, ops, plain};

use super::Invocation;

pub async fn run(inv: &Invocation, args: &PreflightArgs) -> anyhow::Result<i32> {
    let flags = args.params.overrides();
    let mode = inv.mode;
    let request = ops::preflight::Standalone {
        options: &inv.options,
        config: inv.global.config.as_deref(),
        paths: &inv.state_paths()?,
        flags: &flags,
        users: args.users,
        all_regions: args.all_regions,
    };
    let result = plain::drain(
        |tx| ops::preflight::standalone(request, tx),
        |m| plain::preflight::print_standalone(mode, m),
    )
    .await;
    plain::preflight::print_result(mode, &result);
    Ok(match result {
        Ok(report) if report.ok() => exit::OK,
        _ => exit::FAILED,
    })
}
