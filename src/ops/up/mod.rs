//! First-time setup in the time of the slowest chain: the Studio domain is created while the
//! rest of the stack (the firewall above all) is still being built.
//!
//! The domain needs only the VPC, the Studio subnet, the SageMaker security group and its
//! rules, the execution role and its policy, and the Studio KMS key ([`DOMAIN_INPUTS`]). As
//! soon as every one of them is CREATE_COMPLETE (physical ids from the stack's own events, ARNs
//! built the way AWS builds them), `CreateDomain` is called; the users follow once the domain
//! is InService. The stack and the domain are polled on one schedule (the stack watch's tick),
//! so the moment either settles is noticed within one poll.
//!
//! Failure is safe: if the stack fails while the domain exists, the domain and what SageMaker
//! left in the VPC (its NFS security groups, the home EFS volume's interfaces) are removed so
//! the rollback can finish — and when the rollback already gave up on them, the failed stack
//! is deleted — while the stack's root cause is what gets reported. If the domain fails, the
//! stack is kept and a rerun creates only the domain. Nothing here knows about terminals.

use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::aws::Session;
use crate::aws::studio::DomainInfo;
use crate::core::progress::{ResourceState, Tracker};
use crate::core::status::{DomainStatus, StackStatus};
use crate::ops::Error;
use crate::ops::deploy::{self, DeployMsg, DeployOutcome, StackWatch};
use crate::ops::studio::{
    self, Poll, Progress, SetUp, StudioMsg, StudioNetwork, UserOutcome, UserSpec,
};
use crate::state::SharedStore;

/// The stack resources the domain needs (logical id, type), all CREATE_COMPLETE before
/// `CreateDomain`. Checked against the template by a test: every rule of the SageMaker group
/// and every policy of the execution role is listed.
pub const DOMAIN_INPUTS: &[(&str, &str)] = &[
    ("VPC", "AWS::EC2::VPC"),
    ("SageMakerStudioSubnet", "AWS::EC2::Subnet"),
    ("SageMakerSecurityGroup", "AWS::EC2::SecurityGroup"),
    ("SageMakerIngressNfs", "AWS::EC2::SecurityGroupIngress"),
    ("SageMakerIngressApps", "AWS::EC2::SecurityGroupIngress"),
    ("ExecutionRole", "AWS::IAM::Role"),
    ("ExecutionPolicy", "AWS::IAM::ManagedPolicy"),
    ("StudioKmsKey", "AWS::KMS::Key"),
];

mod steps;
pub use steps::{
    DOMAIN_STEP, DOMAIN_TYPE, USER_TYPE, add_studio_steps, chain_stages, expect_studio,
    note_studio, step_of, user_step,
};

/// partition, region, account from a stack ARN
/// (`arn:aws:cloudformation:eu-west-1:123456789012:stack/name/uuid`).
fn arn_parts(stack_id: &str) -> Option<(&str, &str, &str)> {
    let mut it = stack_id.split(':');
    if it.next()? != "arn" {
        return None;
    }
    let partition = it.next()?;
    let _service = it.next()?;
    let region = it.next()?;
    let account = it.next()?;
    (!partition.is_empty() && !region.is_empty() && !account.is_empty())
        .then_some((partition, region, account))
}

/// The domain's network from the stack's events, once every input is CREATE_COMPLETE: ids as
/// the events carry them (a subnet id, a group id, a role *name*, a key *id*), ARNs built as
/// AWS builds them (`arn:<partition>:iam::<account>:role/<name>` — the template's role has the
/// default path `/` — and `arn:<partition>:kms:<region>:<account>:key/<key id>`).
/// `role_trusts_source_identity`: the template being created trusts sts:SetSourceIdentity
/// ([`StudioNetwork::role_trusts_source_identity`]), decided by [`run`].
pub fn network_from(
    stack_id: &str,
    tracker: &Tracker,
    role_trusts_source_identity: bool,
) -> Option<StudioNetwork> {
    let done = |id: &str| {
        tracker
            .resource(id)
            .filter(|r| r.state == ResourceState::Done)
            .and_then(|r| r.physical_id.clone())
    };
    for (id, _) in DOMAIN_INPUTS {
        done(id)?;
    }
    let (partition, region, account) = arn_parts(stack_id)?;
    Some(StudioNetwork {
        vpc_id: done("VPC")?,
        subnet_ids: vec![done("SageMakerStudioSubnet")?],
        security_group_id: done("SageMakerSecurityGroup")?,
        execution_role_arn: format!(
            "arn:{partition}:iam::{account}:role/{}",
            done("ExecutionRole")?
        ),
        kms_key_arn: Some(format!(
            "arn:{partition}:kms:{region}:{account}:key/{}",
            done("StudioKmsKey")?
        )),
        role_trusts_source_identity,
    })
}

/// The Studio half to overlap: the project's domain and these users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudioPlan {
    pub project: String,
    pub users: Vec<String>,
    /// What the domain is created with, or brought up to date to.
    pub guardrails: crate::core::params::guardrails::DomainGuardrails,
}

/// How the Studio half ended.
#[derive(Debug)]
pub enum StudioEnd {
    /// The domain is InService; each user's outcome.
    Ready(Box<SetUp>),
    /// The domain failed (FailureReason in the error) or could not be created; the stack is
    /// kept, and a rerun creates only the domain.
    Failed {
        error: Error,
        domain_id: Option<String>,
    },
    /// The stack failed: the domain started next to it was removed with what SageMaker left in
    /// the VPC (`error`: what could not be removed).
    Removed {
        domain_id: String,
        error: Option<Error>,
    },
    /// The stack failed before the domain was started: there was nothing to remove.
    NotStarted,
}

/// The overlapped operation's end: the stack's outcome (its root cause first when it failed)
/// and the Studio half's.
#[derive(Debug)]
pub struct Overlapped {
    pub stack: DeployOutcome,
    pub studio: StudioEnd,
    /// The rollback could not finish before the domain's leftovers were removed, so the failed
    /// stack was deleted: its final outcome.
    pub deleted: Option<DeployOutcome>,
}

impl Overlapped {
    /// Stack complete, domain InService and every user created or present.
    pub fn is_ok(&self) -> bool {
        self.stack.ok && matches!(&self.studio, StudioEnd::Ready(s) if s.is_ok())
    }
}

/// The domain's state in the loop.
enum Phase {
    /// Waiting for the inputs.
    Waiting,
    /// CreateDomain called (or the domain found); polled each tick until it settles. `since`:
    /// when CreateDomain was called (or the domain adopted), what its elapsed time and its
    /// timeout count from.
    Creating {
        domain: DomainInfo,
        adopted: bool,
        network: StudioNetwork,
        last: DomainStatus,
        since: Instant,
    },
    /// InService; the users are being created.
    Users {
        domain: DomainInfo,
        task: JoinHandle<Result<Vec<UserOutcome>, Error>>,
    },
    /// Settled: ready, failed, removed, or never started.
    Ended(StudioEnd),
    /// The stack failed; the domain is being removed.
    Removing {
        domain_id: String,
        task: JoinHandle<Result<(), Error>>,
    },
    /// The stack completed but the inputs were never all seen (a watch that started late):
    /// the domain is set up from the stack's outputs after the loop, as before.
    AfterStack,
}

impl Phase {
    fn settled(&self) -> bool {
        matches!(self, Phase::Ended(_) | Phase::AfterStack)
    }
}

fn send_studio(tx: &Progress, msg: StudioMsg) {
    let _ = tx.send(msg);
}

/// Remove a domain started next to a stack that failed: wait until SageMaker has settled it
/// (a domain still being created is not deleted), delete its tree, then the NFS groups it left
/// in the stack's VPC, so the rollback can delete the subnet, the groups and the VPC.
async fn remove_domain(
    session: Session,
    domain_id: String,
    vpc_id: String,
    tx: Progress,
) -> Result<(), Error> {
    let start = Instant::now();
    let mut delay = Poll::DOMAIN.initial;
    send_studio(
        &tx,
        StudioMsg::Step {
            text: format!(
                "the stack failed: removing the Studio domain {domain_id} and what SageMaker left \
                 in {vpc_id}, so the rollback can finish"
            ),
        },
    );
    loop {
        match session.describe_domain(&domain_id).await? {
            None => break,
            Some(d) if matches!(d.status, DomainStatus::Pending | DomainStatus::Updating) => {
                if start.elapsed() > Poll::DOMAIN.timeout {
                    return Err(studio::timeout_error(
                        "sagemaker:DescribeDomain",
                        "the Studio domain",
                        Poll::DOMAIN.timeout,
                    ));
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 3 / 2).min(Poll::DOMAIN.max);
            }
            Some(d) => {
                crate::ops::studio::delete_domain_tree(&session, &d, Poll::DOMAIN, &tx).await?;
                break;
            }
        }
    }
    crate::ops::studio::clean_nfs_groups(&session, &vpc_id, Some(&domain_id), Poll::RESOURCE, &tx)
        .await?;
    Ok(())
}

/// Follow a stack's first create with the Studio domain overlapped (see the module docs).
/// `w` is the watch over the create (from [`deploy::begin_execute`] or
/// [`deploy::begin_reattach`]); stack progress goes to `dtx`, the domain's and users' to `stx`.
pub async fn follow_with_studio(
    session: &Session,
    store: &SharedStore,
    mut w: StackWatch,
    plan: &StudioPlan,
    role_trusts_source_identity: bool,
    dtx: &UnboundedSender<DeployMsg>,
    stx: &Progress,
) -> Result<Overlapped, Error> {
    let mut phase = Phase::Waiting;
    let mut stack_outcome: Option<DeployOutcome> = None;
    loop {
        // 1. The stack: one poll.
        if stack_outcome.is_none() {
            let step = w.poll(session).await?;
            for m in step.messages {
                let _ = dtx.send(m);
            }
            stack_outcome = step.outcome;
        }
        let failing = w.failing() || stack_outcome.as_ref().is_some_and(|o| !o.ok);
        // 2. The domain: one step on the same tick.
        phase = if failing {
            on_stack_failure(session, &w, plan, phase, stx).await
        } else {
            advance(
                session,
                store,
                &w,
                plan,
                role_trusts_source_identity,
                phase,
                stack_outcome.is_some(),
                stx,
            )
            .await
        };
        if let Phase::Removing { domain_id, task } = phase {
            phase = if task.is_finished() {
                let error = match task.await {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e),
                    Err(e) => Some(Error::failed(
                        "studio-tui",
                        format!("removing the Studio domain stopped: {e}"),
                    )),
                };
                Phase::Ended(StudioEnd::Removed { domain_id, error })
            } else {
                Phase::Removing { domain_id, task }
            };
        }
        // 3. Both settled: done.
        if stack_outcome.is_some() && phase.settled() {
            break;
        }
        tokio::time::sleep(w.delay()).await;
    }
    let Some(stack) = stack_outcome else {
        // The loop ends only once the stack settled.
        return Err(Error::failed(
            "studio-tui",
            "the stack watch ended without an outcome",
        ));
    };
    let studio = match phase {
        Phase::Ended(end) => end,
        Phase::AfterStack => after_stack(session, store, &stack, plan, stx).await,
        // Unreachable: the loop ends only on a settled phase.
        _ => StudioEnd::NotStarted,
    };
    // The rollback gave up on what the domain left (it ran into the NFS groups before they were
    // removed): the leftovers are gone now, so the failed stack can be deleted.
    let mut deleted = None;
    if matches!(&studio, StudioEnd::Removed { error: None, .. })
        && stack.status == StackStatus::RollbackFailed
        && let Some(s) = session.describe_stack(&stack.stack_id).await?
    {
        deleted = Some(deploy::delete_and_watch(session, store, &s, dtx).await?);
    }
    Ok(Overlapped {
        stack,
        studio,
        deleted,
    })
}

/// How to get hold of the stack operation.
#[derive(Debug, Clone)]
pub enum Start {
    /// Execute this reviewed change set.
    Execute(Box<deploy::Review>),
    /// Follow what runs on this stack now (after a restart).
    Reattach(Box<crate::aws::stacks::StackInfo>),
}

/// What [`run`] ended with.
#[derive(Debug)]
pub enum Run {
    /// Not a first create (an update, a delete, …): followed as before; the Studio half
    /// comes after it.
    Stack(Box<DeployOutcome>),
    /// A first create, with the Studio domain overlapped.
    Overlapped(Box<Overlapped>),
}

/// Execute (or reattach to) the stack operation; a first create overlaps the Studio domain
/// and users ([`follow_with_studio`]), anything else is followed as before. The wizard, `up`
/// and `up --json` all go through here.
pub async fn run(
    session: &Session,
    store: &SharedStore,
    start: Start,
    plan: &StudioPlan,
    dtx: &UnboundedSender<DeployMsg>,
    stx: &Progress,
) -> Result<Run, Error> {
    // A change set this build reviewed carries its template, whose execution role trusts
    // sts:SetSourceIdentity; a create found running (started by this or an older version) is
    // known by its parameters, as `StudioNetwork::from_stack` knows a complete stack.
    let (w, role_trusts_source_identity) = match start {
        Start::Execute(review) => (
            deploy::begin_execute(session, store, &review, dtx).await?,
            true,
        ),
        Start::Reattach(stack) => (
            deploy::begin_reattach(session, store, &stack, dtx).await?,
            crate::core::field::Field::InstanceTypes
                .in_stack(&stack.parameters)
                .is_some(),
        ),
    };
    if w.operation() != "create" {
        return deploy::follow(session, w, dtx)
            .await
            .map(|o| Run::Stack(Box::new(o)));
    }
    follow_with_studio(
        session,
        store,
        w,
        plan,
        role_trusts_source_identity,
        dtx,
        stx,
    )
    .await
    .map(|o| Run::Overlapped(Box::new(o)))
}

/// The stack failed (or rolls back): remove a domain that was started next to it; after a
/// restart the domain is found by name in the stack's VPC.
async fn on_stack_failure(
    session: &Session,
    w: &StackWatch,
    plan: &StudioPlan,
    phase: Phase,
    stx: &Progress,
) -> Phase {
    let vpc = w
        .tracker()
        .resource("VPC")
        .and_then(|r| r.physical_id.clone());
    let remove = |domain_id: String, vpc_id: String| {
        let task = tokio::spawn(remove_domain(
            session.clone(),
            domain_id.clone(),
            vpc_id,
            stx.clone(),
        ));
        Phase::Removing { domain_id, task }
    };
    match phase {
        Phase::Waiting => {
            // Started before a restart? Only a domain in this stack's VPC is ours to remove.
            let Some(vpc_id) = vpc else {
                return Phase::Ended(StudioEnd::NotStarted);
            };
            match studio::find_domain_in_vpc(session, &plan.project, &vpc_id).await {
                Ok(Some(d)) => remove(d.id, vpc_id),
                _ => Phase::Ended(StudioEnd::NotStarted),
            }
        }
        Phase::Creating {
            domain, network, ..
        } => remove(domain.id, network.vpc_id),
        Phase::Users { domain, task } => {
            task.abort();
            let vpc_id = domain.vpc_id.clone().or(vpc).unwrap_or_default();
            remove(domain.id, vpc_id)
        }
        Phase::Ended(StudioEnd::Ready(setup)) => {
            let vpc_id = setup.domain.vpc_id.clone().or(vpc).unwrap_or_default();
            remove(setup.domain.id, vpc_id)
        }
        Phase::Ended(StudioEnd::Failed {
            domain_id: Some(id),
            ..
        }) => remove(id, vpc.unwrap_or_default()),
        Phase::AfterStack => Phase::Ended(StudioEnd::NotStarted),
        other => other,
    }
}

/// One step of the domain while the stack is healthy.
#[allow(clippy::too_many_arguments)]
async fn advance(
    session: &Session,
    store: &SharedStore,
    w: &StackWatch,
    plan: &StudioPlan,
    role_trusts_source_identity: bool,
    phase: Phase,
    stack_done: bool,
    stx: &Progress,
) -> Phase {
    match phase {
        Phase::Waiting => {
            let Some(network) =
                network_from(w.stack_id(), w.tracker(), role_trusts_source_identity)
            else {
                return if stack_done {
                    Phase::AfterStack
                } else {
                    Phase::Waiting
                };
            };
            let since = Instant::now();
            match studio::start_domain(session, &plan.project, &network, &plan.guardrails, stx)
                .await
            {
                // A domain of the same name in another VPC is not this stack's: it is set up
                // (and its VPC reported) from the stack's outputs once the stack completes.
                Ok(s) if s.adopted && s.domain.vpc_id.as_deref() != Some(&network.vpc_id) => {
                    Phase::AfterStack
                }
                Ok(s) => {
                    studio::record_domain(
                        store,
                        session,
                        &plan.project,
                        w.stack_id(),
                        &s.domain.id,
                    );
                    let last = s.domain.status.clone();
                    check_domain(
                        session, plan, s.domain, s.adopted, network, last, since, stx, true,
                    )
                    .await
                }
                // CreateDomain may have gone through before the error (a describe that failed
                // after it, a create refused as ResourceInUse whose domain then could not be
                // read): a domain of the project in this VPC is named, so that a stack failure
                // still removes it.
                Err(error) => {
                    let domain_id =
                        studio::find_domain_in_vpc(session, &plan.project, &network.vpc_id)
                            .await
                            .ok()
                            .flatten()
                            .map(|d| d.id);
                    Phase::Ended(StudioEnd::Failed { error, domain_id })
                }
            }
        }
        Phase::Creating {
            domain,
            adopted,
            network,
            last,
            since,
        } => match session.describe_domain(&domain.id).await {
            Ok(Some(d)) => {
                check_domain(session, plan, d, adopted, network, last, since, stx, false).await
            }
            Ok(None) => Phase::Ended(StudioEnd::Failed {
                error: Error::missing(
                    "sagemaker:DescribeDomain",
                    format!(
                        "the Studio domain {} ({}) disappeared while being created",
                        plan.project, domain.id
                    ),
                ),
                domain_id: None,
            }),
            // A throttled or dropped describe is asked again on the next tick.
            Err(e) if e.is_transient() => Phase::Creating {
                domain,
                adopted,
                network,
                last,
                since,
            },
            Err(error) => Phase::Ended(StudioEnd::Failed {
                error: error.into(),
                domain_id: Some(domain.id),
            }),
        },
        // A user that could not be created leaves the domain in place: it is named in the end,
        // so that a stack failure after it still removes the domain.
        Phase::Users { domain, task } if task.is_finished() => match task.await {
            Ok(Ok(users)) => Phase::Ended(StudioEnd::Ready(Box::new(SetUp { domain, users }))),
            Ok(Err(error)) => Phase::Ended(StudioEnd::Failed {
                error,
                domain_id: Some(domain.id),
            }),
            Err(e) => Phase::Ended(StudioEnd::Failed {
                error: Error::failed("studio-tui", format!("creating the users stopped: {e}")),
                domain_id: Some(domain.id),
            }),
        },
        other => other,
    }
}

/// Look at a described domain: report a new status, start the users once it is InService.
#[allow(clippy::too_many_arguments)]
async fn check_domain(
    session: &Session,
    plan: &StudioPlan,
    d: DomainInfo,
    adopted: bool,
    network: StudioNetwork,
    last: DomainStatus,
    started: Instant,
    stx: &Progress,
    first: bool,
) -> Phase {
    if first || d.status != last {
        send_studio(stx, StudioMsg::described(&d, started.elapsed().as_secs()));
    }
    match d.status {
        DomainStatus::InService => {
            let id = d.id.clone();
            let d = if adopted {
                // A domain made before studio-tui set DefaultSpaceSettings gets them.
                let updated = match studio::bring_space_defaults_up_to_date(
                    session,
                    d.clone(),
                    &network,
                    Instant::now(),
                    Poll::DOMAIN,
                    stx,
                )
                .await
                {
                    Ok(d) => {
                        studio::bring_guardrails_up_to_date(
                            session,
                            d,
                            &network,
                            &plan.guardrails,
                            Instant::now(),
                            Poll::DOMAIN,
                            stx,
                        )
                        .await
                    }
                    Err(e) => Err(e),
                };
                match updated {
                    Ok(d) => d,
                    Err(error) => {
                        return Phase::Ended(StudioEnd::Failed {
                            error,
                            domain_id: Some(id),
                        });
                    }
                }
            } else {
                d
            };
            if plan.users.is_empty() {
                return Phase::Ended(StudioEnd::Ready(Box::new(SetUp {
                    domain: d,
                    users: Vec::new(),
                })));
            }
            let (s, id, tx) = (session.clone(), d.id.clone(), stx.clone());
            let specs: Vec<UserSpec> = plan
                .users
                .iter()
                .map(|n| UserSpec::named(n.as_str()))
                .collect();
            let task = tokio::spawn(async move { studio::create_users(&s, &id, specs, &tx).await });
            Phase::Users { domain: d, task }
        }
        _ if d.status.is_failed() => Phase::Ended(StudioEnd::Failed {
            error: studio::domain_failed(&d),
            domain_id: Some(d.id),
        }),
        _ if started.elapsed() > Poll::DOMAIN.timeout => Phase::Ended(StudioEnd::Failed {
            error: studio::timeout_error(
                "sagemaker:DescribeDomain",
                "the Studio domain",
                Poll::DOMAIN.timeout,
            ),
            domain_id: Some(d.id),
        }),
        _ => Phase::Creating {
            last: d.status.clone(),
            domain: d,
            adopted,
            network,
            since: started,
        },
    }
}

/// The stack completed without the inputs having been seen: the Studio half as before, from
/// the stack's outputs.
async fn after_stack(
    session: &Session,
    store: &SharedStore,
    stack: &DeployOutcome,
    plan: &StudioPlan,
    stx: &Progress,
) -> StudioEnd {
    let described = match session.describe_stack(&stack.stack_id).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return StudioEnd::Failed {
                error: Error::missing(
                    "cloudformation:DescribeStacks",
                    format!("the stack {} is gone", stack.stack_id),
                ),
                domain_id: None,
            };
        }
        Err(error) => {
            return StudioEnd::Failed {
                error: error.into(),
                domain_id: None,
            };
        }
    };
    match studio::set_up(
        session,
        Some(store),
        &described,
        &plan.project,
        &plan.guardrails,
        &plan.users,
        stx,
    )
    .await
    {
        Ok(s) => StudioEnd::Ready(Box::new(s)),
        Err(error) => StudioEnd::Failed {
            error,
            domain_id: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::progress::StackEvent;
    use crate::core::status::UserProfileStatus;
    use crate::ops::studio::{DomainPhase, UserPhase};

    const STACK: &str = "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/abc";

    fn ev(i: usize, id: &str, ty: &str, status: &str, physical: &str) -> StackEvent {
        StackEvent {
            event_id: format!("e{i}"),
            stack_id: STACK.into(),
            logical_id: id.into(),
            physical_id: Some(physical.into()),
            resource_type: ty.into(),
            status: status.into(),
            reason: None,
            timestamp_ms: 1_000 + i as i64,
            client_request_token: Some("t".into()),
        }
    }

    fn physical(id: &str) -> String {
        match id {
            "VPC" => "vpc-1".into(),
            "SageMakerStudioSubnet" => "subnet-1".into(),
            "SageMakerSecurityGroup" => "sg-1".into(),
            "ExecutionRole" => "demo-notebook-role".into(),
            "StudioKmsKey" => "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            other => format!("{other}-physical"),
        }
    }

    #[test]
    fn the_network_waits_for_every_input_then_builds_arns_as_aws_does() {
        let mut t = Tracker::new(Some("t".into()), 0);
        let mut i = 0;
        for (n, (id, ty)) in DOMAIN_INPUTS.iter().enumerate() {
            i += 1;
            t.ingest_page(&[ev(i, id, ty, "CREATE_IN_PROGRESS", &physical(id))]);
            assert_eq!(
                network_from(STACK, &t, true),
                None,
                "{id} is only in progress"
            );
            i += 1;
            t.ingest_page(&[ev(i, id, ty, "CREATE_COMPLETE", &physical(id))]);
            let ready = network_from(STACK, &t, true);
            assert_eq!(ready.is_some(), n + 1 == DOMAIN_INPUTS.len(), "after {id}");
        }
        let net = network_from(STACK, &t, true).unwrap();
        assert!(net.role_trusts_source_identity);
        assert!(
            !network_from(STACK, &t, false)
                .unwrap()
                .role_trusts_source_identity
        );
        assert_eq!(net.vpc_id, "vpc-1");
        assert_eq!(net.subnet_ids, vec!["subnet-1".to_string()]);
        assert_eq!(net.security_group_id, "sg-1");
        assert_eq!(
            net.execution_role_arn,
            "arn:aws:iam::123456789012:role/demo-notebook-role"
        );
        assert_eq!(
            net.kms_key_arn.as_deref(),
            Some("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        );
        // Other partitions keep theirs.
        let cn = "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/demo/abc";
        let net = network_from(cn, &t, true).unwrap();
        assert!(
            net.execution_role_arn
                .starts_with("arn:aws-cn:iam::123456789012:role/")
        );
        assert!(
            net.kms_key_arn
                .unwrap()
                .starts_with("arn:aws-cn:kms:cn-north-1:123456789012:key/")
        );
        assert_eq!(network_from("not-an-arn", &t, true), None);
    }

    /// Every input exists in the template with its type, every ingress/egress rule of the
    /// SageMaker group and every policy attached to the execution role is an input, and the
    /// outputs the sequential path reads come from exactly these resources.
    #[test]
    fn the_inputs_match_the_template() {
        let t = crate::template::embedded();
        for (id, ty) in DOMAIN_INPUTS {
            assert_eq!(t.resource_type(id), Some(*ty), "{id}");
        }
        let doc: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(crate::template::TEMPLATE_YAML).unwrap();
        let refs = |v: Option<&serde_yaml_ng::Value>, target: &str| -> bool {
            let text = format!("{v:?}");
            // `!Ref X` reads as "X", `!GetAtt X.Arn` as "X.Arn".
            text.contains(&format!("\"{target}\"")) || text.contains(&format!("\"{target}."))
        };
        let resources = doc.get("Resources").and_then(|r| r.as_mapping()).unwrap();
        for (k, v) in resources {
            let id = k.as_str().unwrap();
            let ty = v.get("Type").and_then(|t| t.as_str()).unwrap_or("");
            let props = v.get("Properties");
            let attached = match ty {
                "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => refs(
                    props.and_then(|p| p.get("GroupId")),
                    "SageMakerSecurityGroup",
                ),
                "AWS::IAM::ManagedPolicy" | "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" => {
                    refs(props.and_then(|p| p.get("Roles")), "ExecutionRole")
                        || refs(props.and_then(|p| p.get("RoleName")), "ExecutionRole")
                }
                _ => false,
            };
            // A resource with a condition may never exist (AdmittedBucketsPolicy only with
            // AllowedBuckets), so the domain cannot wait for it; what it grants is for notebooks,
            // not for CreateDomain.
            if attached && v.get("Condition").is_none() {
                assert!(
                    DOMAIN_INPUTS.iter().any(|(i, _)| *i == id),
                    "{id} ({ty}) belongs to the domain's inputs"
                );
            }
        }
        let outputs = doc.get("Outputs").unwrap();
        for (output, resource) in [
            ("VpcId", "VPC"),
            ("SageMakerStudioSubnetId", "SageMakerStudioSubnet"),
            ("SageMakerSecurityGroupId", "SageMakerSecurityGroup"),
            ("ExecutionRoleArn", "ExecutionRole"),
            ("StudioKmsKeyArn", "StudioKmsKey"),
        ] {
            assert!(
                refs(outputs.get(output), resource),
                "output {output} comes from {resource}"
            );
        }
    }

    #[test]
    fn studio_messages_move_their_steps_and_the_eta_follows_the_longest_chain() {
        let d = crate::core::progress::Durations::embedded();
        let users = vec!["alice".to_string()];
        let mut t = Tracker::new(Some("t".into()), 0);
        t.expect_resources(
            DOMAIN_INPUTS
                .iter()
                .copied()
                .chain([("Firewall", "AWS::NetworkFirewall::Firewall")]),
        );
        expect_studio(&mut t, &users);
        let (_, total) = t.counts();
        assert_eq!(
            total,
            DOMAIN_INPUTS.len() + 1 + 2,
            "stack + domain + one user"
        );
        // Everything running from t=1s.
        let mut i = 0;
        for (id, ty) in DOMAIN_INPUTS
            .iter()
            .chain(&[("Firewall", "AWS::NetworkFirewall::Firewall")])
        {
            i += 1;
            let mut e = ev(i, id, ty, "CREATE_IN_PROGRESS", &physical(id));
            e.timestamp_ms = 1_000;
            t.ingest_page(&[e]);
        }
        // The KMS key (122 s) + domain (279 s) + user (7 s) is longer than the firewall (312 s).
        let eta = t.eta_secs(&d, 1_000).unwrap();
        assert!((eta - (122.0 + 279.0 + 7.0)).abs() < 1.0, "{eta}");
        // Inputs done at 2 s (fast account: the ratio makes typical durations shorter).
        for (id, ty) in DOMAIN_INPUTS {
            i += 1;
            let mut e = ev(i, id, ty, "CREATE_COMPLETE", &physical(id));
            e.timestamp_ms = 2_000;
            t.ingest_page(&[e]);
        }
        note_studio(
            &mut t,
            &StudioMsg::Domain {
                name: "demo".into(),
                id: Some("d-1".into()),
                status: DomainPhase::Aws(DomainStatus::Pending),
                elapsed_secs: 0,
                detail: None,
            },
            2_000,
        );
        assert_eq!(
            t.resource(DOMAIN_STEP).unwrap().state,
            ResourceState::InProgress
        );
        assert!(t.in_progress().any(|r| r.logical_id == DOMAIN_STEP));
        note_studio(
            &mut t,
            &StudioMsg::Domain {
                name: "demo".into(),
                id: Some("d-1".into()),
                status: DomainPhase::Aws(DomainStatus::InService),
                elapsed_secs: 5,
                detail: None,
            },
            7_000,
        );
        note_studio(
            &mut t,
            &StudioMsg::User {
                name: "alice".into(),
                status: UserPhase::Aws(UserProfileStatus::InService),
                elapsed_secs: 1,
                detail: None,
            },
            8_000,
        );
        let (done, total) = t.counts();
        assert_eq!(
            (done, total),
            (DOMAIN_INPUTS.len() + 2, DOMAIN_INPUTS.len() + 3)
        );
        assert!(t.chain_settled());
        // The timeline has the domain and the user.
        let rows = t.timeline();
        assert!(
            rows.iter()
                .any(|r| r.logical_id == DOMAIN_STEP && r.end_ms == Some(7_000))
        );
        assert!(rows.iter().any(|r| r.logical_id == "User alice"));
        // Only the firewall is left.
        let eta = t.eta_secs(&d, 8_000).unwrap();
        assert!(eta > 0.0);
    }
}
