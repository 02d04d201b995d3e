//! `studio-tui deploy`: answers in, a plan reviewed, the stack deployed (the policy for an
//! empty or failed change set and a stack to recover lives in `ops::deploy`).

use crate::cli::DeployArgs;

use super::{Exit, Invocation, answers, deploy_with, save_answers};

/// `studio-tui deploy`.
pub async fn run(inv: &Invocation, args: &DeployArgs) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
    let (params, users, basis) = answers(ctx, &args.params, args.guided, None)
        .await
        .map_err(Exit)?;
    // Answers are saved before anything is deployed: a failure never loses them.
    save_answers(ctx, &params, &users);
    super::repair_fences(ctx, &params.project_name).await;
    deploy_with(ctx, args, &params, basis.as_ref()).await
}
