//! Running a reviewed plan: execute or cancel the change set, recover a stack CloudFormation
//! cannot continue from (delete it, continue its rollback), reattach to an operation after a
//! restart.

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::Session;
use crate::aws::stacks::{ChangeSetKind, StackInfo};
use crate::core::clock::now_ms;
use crate::ops::Error;

use super::{
    DeployMsg, DeployOutcome, POLL_INTERVAL, Review, StackWatch, record, rfc3339_now, send, watch,
};
use crate::core::status::{ResourceStatus, StackStatus};
use crate::state::SharedStore;

/// Cancel a review: delete the change set, and the empty stack a CREATE change set leaves.
/// The saved run state is kept as it was found (a declined update leaves the stack id, the
/// domain id and the last operation's token in place); only the deleted change set is
/// forgotten, and a CREATE's whole run once its empty stack is gone.
pub async fn cancel(session: &Session, store: &SharedStore, review: &Review) -> Result<(), Error> {
    session
        .delete_change_set(&review.change_set.change_set_id)
        .await?;
    if review.kind == ChangeSetKind::Create
        && let Some(s) = session.describe_stack(&review.change_set.stack_id).await?
        && s.status == StackStatus::ReviewInProgress
    {
        let token = format!("studio-tui-{}", uuid::Uuid::new_v4());
        session.delete_stack(&s.stack_id, &token, &[]).await?;
    }
    if let Ok(mut s) = store.lock() {
        let _ = match s.run(&session.region, &review.stack_name).cloned() {
            // A CREATE's run was about the stack this change set made, now gone.
            Some(_) if review.kind == ChangeSetKind::Create => {
                s.forget_run(&session.region, &review.stack_name)
            }
            Some(mut run)
                if run.change_set_id.as_ref() == Some(&review.change_set.change_set_id) =>
            {
                run.change_set_id = None;
                s.save_run(&session.region, &review.stack_name, run)
            }
            _ => Ok(()),
        };
    }
    Ok(())
}

/// Execute a reviewed change set and watch it to the end.
pub async fn execute(
    session: &Session,
    store: &SharedStore,
    review: &Review,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, Error> {
    let w = begin_execute(session, store, review, tx).await?;
    follow(session, w, tx).await
}

/// Execute a reviewed change set and return the watch over it, without waiting (the caller
/// polls it: [`follow`], or the overlapped first-time setup in `ops::up`).
pub async fn begin_execute(
    session: &Session,
    store: &SharedStore,
    review: &Review,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<StackWatch, Error> {
    let operation = match review.kind {
        ChangeSetKind::Create => "create",
        ChangeSetKind::Update => "update",
    };
    let since = now_ms() - 5_000;
    // Saved before the call: a crash right after it still knows what to reattach to.
    record(store, session, &review.stack_name, |r| {
        r.stack_id = Some(review.change_set.stack_id.clone());
        r.operation = Some(operation.to_string());
        r.client_request_token = Some(review.token.clone());
        r.change_set_id = Some(review.change_set.change_set_id.clone());
        r.started_at = Some(rfc3339_now());
    });
    send(
        tx,
        DeployMsg::Phase {
            text: "Executing the change set".into(),
        },
    );
    session
        .execute_change_set(&review.change_set.change_set_id, &review.token)
        .await?;
    let expected: Vec<(String, String)> = review
        .change_set
        .changes
        .iter()
        .map(|c| (c.logical_id.clone(), c.resource_type.clone()))
        .collect();
    Ok(StackWatch::new(
        &review.change_set.stack_id,
        operation,
        Some(review.token.clone()),
        since,
        expected,
        POLL_INTERVAL,
        tx,
    ))
}

/// Poll a watch to the operation's end.
pub async fn follow(
    session: &Session,
    mut w: StackWatch,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, Error> {
    loop {
        let step = w.poll(session).await?;
        for m in step.messages {
            send(tx, m);
        }
        if let Some(o) = step.outcome {
            return Ok(o);
        }
        tokio::time::sleep(w.delay()).await;
    }
}

/// A new ClientRequestToken for an operation on `stack`, recorded in the run state before the
/// call that starts it; returns it with the time from which its events count.
pub(super) fn begin_operation(
    store: &SharedStore,
    session: &Session,
    stack: &StackInfo,
    operation: &str,
) -> (String, i64) {
    let token = format!("studio-tui-{}", uuid::Uuid::new_v4());
    record(store, session, &stack.stack_name, |r| {
        r.stack_id = Some(stack.stack_id.clone());
        r.operation = Some(operation.to_string());
        r.client_request_token = Some(token.clone());
        r.started_at = Some(rfc3339_now());
    });
    (token, now_ms() - 5_000)
}

/// Delete the stack (recovery, or teardown) and watch it to the end.
pub async fn delete_and_watch(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, Error> {
    let (token, since) = begin_operation(store, session, stack, "delete");
    send(
        tx,
        DeployMsg::Phase {
            text: format!("Deleting stack {} ({})", stack.stack_name, stack.status),
        },
    );
    session.delete_stack(&stack.stack_id, &token, &[]).await?;
    let expected = session
        .stack_resources(&stack.stack_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.status != ResourceStatus::DeleteComplete)
        .map(|r| (r.logical_id, r.resource_type))
        .collect();
    watch(
        session,
        &stack.stack_id,
        "delete",
        Some(token),
        since,
        expected,
        tx,
    )
    .await
}

/// Continue a failed update rollback and watch it.
pub async fn continue_rollback(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, Error> {
    let (token, since) = begin_operation(store, session, stack, "continue-rollback");
    session
        .continue_update_rollback(&stack.stack_id, &token)
        .await?;
    watch(
        session,
        &stack.stack_id,
        "continue-rollback",
        Some(token),
        since,
        Vec::new(),
        tx,
    )
    .await
}

/// Reattach to whatever runs on the stack now (after a restart or kill -9): use the saved
/// ClientRequestToken when it belongs to the running operation, so every event it missed is
/// replayed, then follow it to the end.
pub async fn reattach(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, Error> {
    let w = begin_reattach(session, store, stack, tx).await?;
    follow(session, w, tx).await
}

/// [`reattach`] without waiting: the watch over the running operation, and what it is (the
/// saved operation name: "create", "update", … or "operation" when nothing was saved).
pub async fn begin_reattach(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<StackWatch, Error> {
    let saved = store
        .lock()
        .ok()
        .and_then(|s| s.run(&session.region, &stack.stack_name).cloned());
    // The latest events tell which token the running operation carries.
    let (page, _) = session.stack_events_page(&stack.stack_id, None).await?;
    let running_token = page.first().and_then(|e| e.client_request_token.clone());
    let token = match (&saved, &running_token) {
        (Some(r), Some(t)) if r.client_request_token.as_ref() == Some(t) => Some(t.clone()),
        (_, Some(t)) => Some(t.clone()),
        _ => None,
    };
    let operation = match saved.and_then(|r| r.operation) {
        Some(op) => op,
        // Nothing saved (another machine, or a lost state file): the stack's status says it.
        None if stack.status == StackStatus::CreateInProgress => "create".into(),
        None => "operation".into(),
    };
    let since = if token.is_some() {
        0
    } else {
        now_ms() - 60 * 60 * 1000
    };
    let expected = session
        .stack_resources(&stack.stack_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.logical_id, r.resource_type))
        .collect();
    Ok(StackWatch::new(
        &stack.stack_id,
        &operation,
        token,
        since,
        expected,
        POLL_INTERVAL,
        tx,
    ))
}
