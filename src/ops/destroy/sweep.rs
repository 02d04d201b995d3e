//! The last deleting step: the stack (the domain and the NFS groups go through
//! [`crate::ops::studio`]'s sweep).

use std::time::{Duration, Instant};

use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::core::status::StackStatus;
use crate::ops::studio::{Poll, Progress};
use crate::ops::{Error, leftovers};

use super::{DestroyPlan, step};

/// Right before DeleteStack: the plan's leftover scan is minutes old by now (buckets emptied,
/// domain deleted), and a notebook or a job started in the subnets meanwhile would keep billing
/// and keep the VPC from being deleted. Look again; one found stops the teardown here, the
/// stack kept (`leftovers::refusal_before_stack`).
pub(super) async fn look_again(
    session: &Session,
    plan: &DestroyPlan,
    stack: &StackInfo,
    tx: &Progress,
) -> Result<(), Error> {
    let Some(net) = leftovers::ProjectNetwork::of_stack(
        &plan.resources,
        &stack.outputs,
        plan.domain.as_ref().map(|d| d.arn.as_str()),
    ) else {
        return Ok(());
    };
    step(
        tx,
        "looking again for resources started in the VPC since the plan",
    );
    let found = leftovers::scan(session, &net).await?;
    match leftovers::refusal_before_stack(&found) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// DeleteStack and wait. Returns None when the stack is gone, else its final status.
pub(super) async fn delete_stack_and_wait(
    session: &Session,
    stack: &StackInfo,
    retain: &[String],
    poll: Poll,
    tx: &Progress,
) -> Result<Option<StackStatus>, Error> {
    let token = format!("studio-tui-delete-{}", uuid::Uuid::new_v4());
    step(tx, format!("deleting stack {}", stack.stack_name));
    session
        .delete_stack(&stack.stack_id, &token, retain)
        .await?;
    let start = Instant::now();
    let mut delay = poll.initial.max(Duration::from_millis(500));
    let mut last: Option<StackStatus> = None;
    loop {
        let now = session.describe_stack(&stack.stack_id).await?;
        let status = match &now {
            None => return Ok(None),
            Some(s) => s.status.clone(),
        };
        if last.as_ref() != Some(&status) {
            step(
                tx,
                format!(
                    "stack {} {status} ({}s)",
                    stack.stack_name,
                    start.elapsed().as_secs()
                ),
            );
            last = Some(status.clone());
        }
        if status == StackStatus::DeleteComplete {
            return Ok(None);
        }
        if !status.is_in_progress() {
            return Ok(Some(status));
        }
        if start.elapsed() > Duration::from_secs(90 * 60) {
            return Ok(Some(status));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(Duration::from_secs(10));
    }
}
