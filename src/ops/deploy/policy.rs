//! The deploy policy, one copy for every front-end: plan; a stack CloudFormation cannot
//! continue from is recovered (when the caller allows it) and planned again; an empty change set
//! and a failed one are deleted (with the empty stack a failed CREATE leaves); what is left is a
//! change set ready for the user's decision, or a running operation to follow.
//!
//! What the policy may do alone is the front-end's [`Policy`]: the line commands let it delete
//! what cannot be executed and recover what `--recreate` / `--continue-rollback` allow; the
//! wizard ([`Policy::ASK`]) stops at every step for its user, who reads the change set, discards
//! it ([`cancel`]), recovers the stack ([`recover`]) and plans again. Executing stays with the
//! front-end: `--plain`, `--json` and `--guided` confirm on the terminal, `up` and the wizard
//! execute overlapped with the Studio domain (`ops::up`).

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::stacks::StackInfo;
use crate::aws::{AwsError, Session};
use crate::core::params::Parameters;

use super::{
    DeployMsg, DeployOutcome, Plan, Recovery, Review, SharedStore, cancel, continue_rollback,
    delete_and_watch, plan,
};

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

/// Who discards a change set that cannot be executed (no changes, or failed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Discard {
    /// The policy deletes it (with the empty stack a failed CREATE leaves) before it returns:
    /// the line commands print it and exit.
    #[default]
    AtOnce,
    /// It is left for the user, who reads it, then discards it with [`cancel`].
    ByUser,
}

/// What a front-end lets the policy do without asking its user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    pub allow: Allow,
    pub discard: Discard,
}

impl Policy {
    /// A user decides every step (the wizard): nothing is recovered or deleted unasked, so the
    /// policy stops at the first plan; a blocked stack is [`Settled::Refused`] until the user
    /// chooses its [`recover`]y.
    pub const ASK: Policy = Policy {
        allow: Allow {
            recreate: false,
            continue_rollback: false,
        },
        discard: Discard::ByUser,
    };
}

/// Where the policy stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// The stack already matches the template and parameters.
    UpToDate(StackInfo),
    /// An operation is already running on the stack: follow it.
    Busy(StackInfo),
    /// The change set had no changes; it was deleted ([`Discard::ByUser`]: left for the user).
    NoChanges(Box<Review>),
    /// The change set failed (see its validation issues); it was deleted, and with a CREATE
    /// change set the empty stack it left ([`Discard::ByUser`]: left for the user).
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

impl Settled {
    /// The stop as the plan that found it, for a front-end that shows the plan to its user
    /// ([`Policy::ASK`]): a change set (ready, empty or failed) to decide on, a stack up to
    /// date, busy, or blocked with its recovery. A recovery that ran has no plan (it never runs
    /// with [`Policy::ASK`]): Err with its outcome.
    pub fn into_plan(self) -> Result<Plan, Box<DeployOutcome>> {
        Ok(match self {
            Settled::UpToDate(stack) => Plan::UpToDate(stack),
            Settled::Busy(stack) => Plan::InProgress(stack),
            Settled::NoChanges(review)
            | Settled::ChangeSetFailed(review)
            | Settled::Ready(review) => Plan::Review(*review),
            Settled::Refused { stack, recovery } => Plan::Blocked { stack, recovery },
            Settled::RecoveryFailed(outcome) => return Err(outcome),
        })
    }
}

/// Run the policy to the point where the user decides (or nothing is left to decide),
/// reporting the plan's and the recovery's progress on `tx`: what cannot be executed is
/// deleted, the recoveries in `allow` run ([`settle_with`] with [`Discard::AtOnce`]).
pub async fn settle(
    session: &Session,
    store: &SharedStore,
    params: &Parameters,
    allow: Allow,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Settled, AwsError> {
    let policy = Policy {
        allow,
        discard: Discard::AtOnce,
    };
    settle_with(session, store, params, policy, tx).await
}

/// Run the policy as `policy` lets it, to the point where the user decides (or nothing is left
/// to decide), reporting the plan's and the recovery's progress on `tx`.
pub async fn settle_with(
    session: &Session,
    store: &SharedStore,
    params: &Parameters,
    policy: Policy,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Settled, AwsError> {
    let mut allow = policy.allow;
    loop {
        match plan(session, store, params, tx).await? {
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
                let discard = policy.discard == Discard::AtOnce;
                if review.change_set.is_empty_change() {
                    if discard {
                        let _ = cancel(session, store, &review).await;
                    }
                    return Ok(Settled::NoChanges(Box::new(review)));
                }
                if !review.is_executable() {
                    if discard {
                        let _ = cancel(session, store, &review).await;
                    }
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
) -> Result<DeployOutcome, AwsError> {
    match recovery {
        Recovery::DeleteAndRetry => delete_and_watch(session, store, stack, tx).await,
        Recovery::ContinueRollback => continue_rollback(session, store, stack, tx).await,
    }
}
