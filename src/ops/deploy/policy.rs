//! The deploy policy, one copy for every front-end: plan; a stack CloudFormation cannot
//! continue from is recovered (when the caller allows it) and planned again; an empty change set
//! and a failed one are deleted (with the empty stack a failed CREATE leaves); what is left is a
//! change set ready for the user's decision, or a running operation to follow.
//!
//! The line commands run it whole ([`settle`]): it deletes what cannot be executed and recovers
//! what `--recreate` / `--continue-rollback` allow. The wizard's user decides every step
//! ([`ask`]): the policy stops at the first plan, and the user reads the change set, discards it
//! ([`cancel`]), recovers the stack ([`recover`]) and plans again. Executing stays with the
//! front-end: `--plain`, `--json` and `--guided` confirm on the terminal, `up` and the wizard
//! execute overlapped with the Studio domain (`ops::up`).

use std::collections::BTreeMap;

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::core::params::Parameters;
use crate::ops::Error;

use super::{
    DeployMsg, DeployOutcome, Plan, Recovery, Review, cancel, continue_rollback, delete_and_watch,
    plan,
};
use crate::state::SharedStore;

/// What the caller allows the policy to do to a stack CloudFormation cannot continue from
/// (`--recreate`, `--continue-rollback`, R and C in the wizard).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allow {
    pub recreate: bool,
    pub continue_rollback: bool,
}

impl Allow {
    fn permits(self, recovery: Recovery) -> bool {
        match recovery {
            Recovery::DeleteAndRetry => self.recreate,
            Recovery::ContinueRollback => self.continue_rollback,
        }
    }
}

/// Where the policy stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// The stack already matches the template and parameters.
    UpToDate(StackInfo),
    /// An operation is already running on the stack: follow it.
    Busy(StackInfo),
    /// The change set had no changes; it was deleted.
    NoChanges(Box<Review>),
    /// The change set failed (see its validation issues); it was deleted, and with a CREATE
    /// change set the empty stack it left.
    ChangeSetFailed(Box<Review>),
    /// The stack needs a recovery the caller did not allow.
    Refused {
        stack: StackInfo,
        recovery: Recovery,
    },
    /// The allowed recovery ran and did not leave a stack to plan on.
    RecoveryFailed(Box<DeployOutcome>),
    /// A change set ready to execute, waiting for the user's decision.
    Ready(Box<Review>),
}

/// The policy for a user who decides every step (the wizard): nothing is recovered or deleted
/// unasked, so it stops at the first plan as it is: a change set (ready, empty or failed) for
/// the user to read and execute or discard, a stack up to date, busy, or blocked with the
/// recovery the user may choose ([`recover`], then plan again).
pub async fn ask(
    session: &Session,
    store: &SharedStore,
    params: &Parameters,
    basis: Option<&BTreeMap<String, String>>,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Plan, Error> {
    plan(session, store, params, basis, tx).await
}

/// Run the policy to the point where the user decides (or nothing is left to decide),
/// reporting the plan's and the recovery's progress on `tx`: what cannot be executed is
/// deleted, the recoveries in `allow` run.
pub async fn settle(
    session: &Session,
    store: &SharedStore,
    params: &Parameters,
    basis: Option<&BTreeMap<String, String>>,
    mut allow: Allow,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Settled, Error> {
    loop {
        match plan(session, store, params, basis, tx).await? {
            Plan::UpToDate(stack) => return Ok(Settled::UpToDate(stack)),
            Plan::InProgress(stack) => return Ok(Settled::Busy(stack)),
            Plan::Blocked { stack, recovery } => {
                if !allow.permits(recovery) {
                    return Ok(Settled::Refused { stack, recovery });
                }
                let outcome = recover(session, store, &stack, recovery, tx).await?;
                if !outcome.recovered() {
                    return Ok(Settled::RecoveryFailed(Box::new(outcome)));
                }
                // Recovered: plan again from a clean state, recovering nothing more.
                allow = Allow::default();
            }
            Plan::Review(review) => {
                if review.change_set.is_empty_change() {
                    let _ = cancel(session, store, &review).await;
                    return Ok(Settled::NoChanges(Box::new(review)));
                }
                if !review.is_executable() {
                    let _ = cancel(session, store, &review).await;
                    return Ok(Settled::ChangeSetFailed(Box::new(review)));
                }
                return Ok(Settled::Ready(Box::new(review)));
            }
        }
    }
}

/// Recover a stack CloudFormation cannot continue from, as `recovery` says (delete it, or
/// continue its rollback), following the operation to its outcome on `tx`. When the outcome
/// [recovered](DeployOutcome::recovered) the stack, the policy plans again.
pub async fn recover(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    recovery: Recovery,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, Error> {
    match recovery {
        Recovery::DeleteAndRetry => delete_and_watch(session, store, stack, tx).await,
        Recovery::ContinueRollback => continue_rollback(session, store, stack, tx).await,
    }
}
