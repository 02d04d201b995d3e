//! Teardown that finishes on a real account and loses nothing it was not told to delete.
//!
//! 1. **Plan** (read-only): the domain and what runs in it, the stack and its resources, each
//!    bucket's contents (through the project's fence when the caller can pass it), the KMS key
//!    that encrypts the buckets, and what SageMaker left in the VPC.
//! 2. **Decide before deleting**: a busy stack, or a bucket that holds data or whose contents
//!    cannot be known while no bucket choice was made, stops the teardown with nothing deleted.
//! 3. `--empty-buckets` empties the buckets first (admitting only the caller through the fence,
//!    then putting the policy back): if that fails, nothing else is deleted.
//!    `--retain-buckets` first sets `DeletionPolicy: Retain` on the buckets, their policies, and
//!    the KMS key and alias that encrypt them (a stack update that changes nothing else).
//! 4. Apps → spaces → user profiles → the domain (HomeEfsFileSystem=Delete).
//! 5. SageMaker's NFS security groups of the domain (they outlive DeleteDomain and block the
//!    VPC): wait for the EFS interfaces to go, revoke the groups' rules, delete the groups.
//! 6. The stack; a DELETE_FAILED stack (now or from an earlier run) is resumed after clearing
//!    what blocks it and provably belongs to the project.
//! 7. The report is measured: describes after the fact, never assumed.

use serde::Serialize;

use crate::aws::buckets::BucketState;
use crate::aws::stacks::{StackInfo, StackResourceInfo};
use crate::aws::studio::{AppInfo, DomainInfo, SpaceInfo, UserProfileInfo};
use crate::aws::{ErrorKind, Identity, Session};
use crate::core::status::{ResourceStatus, StackStatus};
use crate::ops::Error;
use crate::ops::studio::{Poll, Progress, StudioMsg, refuse_read_only};

mod data;
mod decide;
mod plan;
mod sweep;
mod verify;

pub use plan::plan;
pub use sweep::{clean_nfs_groups, delete_domain_tree};

use data::{empty_through_fence, is_data_type, restore_retained_keys, retain_data_resources};
use sweep::delete_stack_and_wait;
use verify::verify;

/// What to do with the project's buckets (CloudFormation cannot delete a bucket with objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BucketChoice {
    /// Nothing chosen: go on only when every bucket is known to be empty.
    Unspecified,
    /// Delete every object version first (admitting the caller through the fence meanwhile).
    Empty,
    /// Keep the buckets, their policies and the KMS key and alias that encrypt them.
    Retain,
}

/// Why a fenced bucket cannot be read from here, and what studio-tui does about it.
pub const BUCKET_POLICY_NOTE: &str = "The project's bucket policy (the fence) denies reading, \
listing and deleting objects to every request that does not come through the project's S3 VPC \
endpoint, administrators on a laptop included. With --empty-buckets studio-tui adds your \
identity (and only yours) to the fence's exceptions while it empties the bucket, then puts the \
original policy back; it changes the policy only after your confirmation.";

/// A bucket of the stack and what could be learnt about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketPlan {
    pub name: String,
    pub logical_id: String,
    pub state: BucketState,
    /// Its policy is a network fence that denies this caller.
    pub fenced: bool,
}

/// One of the project's KMS keys that encrypt the buckets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyPlan {
    pub logical_id: String,
    pub key_id: String,
    pub state: Option<String>,
    /// The alias names of this key that the stack created (kept with it).
    pub aliases: Vec<String>,
}

/// Everything the teardown would delete, found with read-only calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestroyPlan {
    pub project: String,
    pub stack_name: String,
    pub caller: Identity,
    /// The project's domain: the one in the stack's VPC and Studio subnet.
    pub domain: Option<DomainInfo>,
    /// Other domains of the project's name (another VPC, or no stack to tell): never touched.
    pub other_domains: Vec<DomainInfo>,
    pub users: Vec<UserProfileInfo>,
    pub apps: Vec<AppInfo>,
    pub spaces: Vec<SpaceInfo>,
    pub stack: Option<StackInfo>,
    pub resources: Vec<StackResourceInfo>,
    pub vpc_id: Option<String>,
    pub buckets: Vec<BucketPlan>,
    pub keys: Vec<KeyPlan>,
    /// SageMaker NFS groups in the project's VPC that the teardown will delete.
    pub nfs_groups: Vec<String>,
    /// The deployed template as JSON (read once: which key encrypts the buckets, and what
    /// --retain-buckets marks), None without a stack or when it could not be read.
    #[serde(skip)]
    pub template: Option<serde_json::Value>,
}

impl DestroyPlan {
    pub fn is_empty(&self) -> bool {
        self.domain.is_none() && self.stack.is_none()
    }

    /// Buckets known to hold objects.
    pub fn non_empty_buckets(&self) -> Vec<&str> {
        self.buckets
            .iter()
            .filter(|b| matches!(b.state, BucketState::NotEmpty { .. }))
            .map(|b| b.name.as_str())
            .collect()
    }

    /// Buckets whose contents could not be learnt.
    pub fn unknown_buckets(&self) -> Vec<&str> {
        self.buckets
            .iter()
            .filter(|b| matches!(b.state, BucketState::Unknown { .. }))
            .map(|b| b.name.as_str())
            .collect()
    }

    /// Does the teardown need a bucket choice (a bucket holds data or cannot be read)?
    pub fn needs_bucket_choice(&self) -> bool {
        !self.non_empty_buckets().is_empty() || !self.unknown_buckets().is_empty()
    }

    /// Why the teardown must not start with this choice, decided before anything is deleted.
    pub fn refusal(&self, choice: BucketChoice) -> Option<Error> {
        let refuse = |msg: String, fix: &str| Some(Error::refused(msg).with_fix(fix));
        if let Some(s) = &self.stack
            && s.is_in_progress()
            && s.status != StackStatus::DeleteInProgress
        {
            return refuse(
                format!(
                    "stack {} is {}; a teardown cannot start while another operation runs; \
                     nothing was deleted",
                    s.stack_name, s.status
                ),
                "wait for the operation to finish (`studio-tui events --follow`), then run \
                 destroy again",
            );
        }
        if choice == BucketChoice::Unspecified {
            let full = self.non_empty_buckets();
            if !full.is_empty() {
                return refuse(
                    format!(
                        "bucket(s) {} are not empty, and CloudFormation cannot delete a bucket \
                         that holds objects; nothing was deleted",
                        full.join(", ")
                    ),
                    "pass --empty-buckets to delete their objects first, or --retain-buckets to \
                     keep them, their data and the key that encrypts it",
                );
            }
            let unknown = self.unknown_buckets();
            if !unknown.is_empty() {
                return refuse(
                    format!(
                        "the contents of bucket(s) {} cannot be read from here, so studio-tui \
                         cannot tell whether deleting the stack would lose data or fail half-way; \
                         nothing was deleted. {BUCKET_POLICY_NOTE}",
                        unknown.join(", ")
                    ),
                    "pass --empty-buckets to delete their objects (your identity is admitted \
                     through the fence meanwhile), or --retain-buckets to keep them with their \
                     data and key",
                );
            }
        }
        if choice == BucketChoice::Empty
            && let Some(b) = self.buckets.iter().find(|b| {
                matches!(&b.state, BucketState::Unknown { error }
                    if !(b.fenced && error.kind == ErrorKind::AccessDenied))
            })
            && let BucketState::Unknown { error } = &b.state
        {
            return refuse(
                format!(
                    "bucket {} cannot be read ({}) and its policy is not the project's fence, \
                     so studio-tui cannot empty it; nothing was deleted",
                    b.name, error.message
                ),
                "grant your identity s3:ListBucketVersions and s3:DeleteObjectVersion on the \
                 bucket, or pass --retain-buckets",
            );
        }
        if choice == BucketChoice::Retain {
            return self.retain_refusal();
        }
        None
    }

    /// Lines describing the plan, in deletion order, for this bucket choice.
    pub fn lines(&self, choice: BucketChoice) -> Vec<String> {
        let mut out = Vec::new();
        for b in &self.buckets {
            out.push(match (&b.state, choice) {
                (BucketState::Missing, _) => format!("bucket {}: already gone", b.name),
                (_, BucketChoice::Retain) => format!(
                    "bucket {}: KEPT with its data, its policy and its KMS key and alias \
                     (DeletionPolicy set to Retain first)",
                    b.name
                ),
                (BucketState::Empty, _) => format!("bucket {}: empty", b.name),
                (BucketState::NotEmpty { at_least }, BucketChoice::Empty) => format!(
                    "bucket {}: {at_least}+ object versions, ALL DELETED first{}",
                    b.name,
                    if b.fenced {
                        " (you are admitted through its policy meanwhile, then it is put back)"
                    } else {
                        ""
                    }
                ),
                (BucketState::NotEmpty { at_least }, _) => {
                    format!("bucket {}: NOT empty ({at_least}+ object versions)", b.name)
                }
                (BucketState::Unknown { .. }, BucketChoice::Empty) if b.fenced => format!(
                    "bucket {}: contents unknown (fenced); your identity {} is added to its \
                     policy's exceptions, every object version is deleted, then the original \
                     policy is put back",
                    b.name, self.caller.arn
                ),
                (BucketState::Unknown { error }, _) => format!(
                    "bucket {}: contents unknown from here ({})",
                    b.name, error.message
                ),
            });
        }
        if choice == BucketChoice::Retain {
            out.extend(self.retention_lines());
        }
        match &self.domain {
            Some(d) => {
                let live = self.apps.iter().filter(|a| a.needs_delete()).count();
                out.push(format!("{live} app(s), {} space(s)", self.spaces.len()));
                let names: Vec<&str> = self.users.iter().map(|u| u.name.as_str()).collect();
                out.push(if names.is_empty() {
                    "0 user profile(s)".to_string()
                } else {
                    format!("{} user profile(s): {}", names.len(), names.join(", "))
                });
                out.push(format!(
                    "Studio domain {} ({}), with every user's home EFS volume \
                     (HomeEfsFileSystem=Delete; cannot be undone)",
                    d.name, d.id
                ));
            }
            None => out.push(format!(
                "no Studio domain of this project (named {}, in the stack's VPC)",
                self.project
            )),
        }
        out.extend(crate::ops::studio::left_alone(&self.other_domains));
        if self.domain.is_some() || !self.nfs_groups.is_empty() {
            out.push(format!(
                "SageMaker's NFS security groups in the VPC{}",
                if self.nfs_groups.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.nfs_groups.join(", "))
                }
            ));
        }
        match &self.stack {
            Some(s) if s.status == StackStatus::DeleteFailed => out.push(format!(
                "stack {} (DELETE_FAILED: resumed; failed: {})",
                s.stack_name,
                self.failed_resources()
                    .iter()
                    .map(|r| r.logical_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(s) => out.push(format!("stack {} ({})", s.stack_name, s.status)),
            None => out.push(format!("no stack named {}", self.stack_name)),
        }
        out
    }

    fn failed_resources(&self) -> Vec<&StackResourceInfo> {
        self.resources
            .iter()
            .filter(|r| r.status == ResourceStatus::DeleteFailed)
            .collect()
    }
}

/// Something the teardown kept on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    pub what: String,
    pub arn: String,
    pub cost: String,
    /// What the kept thing needs before it is usable (a kept fence naming a deleted endpoint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Something still there after the teardown, with why and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leftover {
    pub what: String,
    pub id: String,
    pub why: String,
    pub fix: String,
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}. Fix: {}",
            self.what, self.id, self.why, self.fix
        )
    }
}

/// What the teardown did and what is there afterwards (from describes made at the end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestroyReport {
    pub project: String,
    pub domain_deleted: bool,
    pub stack_deleted: bool,
    /// Buckets emptied, with the number of object versions deleted.
    pub emptied: Vec<(String, usize)>,
    /// What was kept as asked (--retain-buckets).
    pub kept: Vec<Kept>,
    /// Resources still there that should not be, each with why and the fix.
    pub left_behind: Vec<Leftover>,
    /// The step that stopped the teardown, if one did.
    pub stopped: Option<Error>,
}

impl DestroyReport {
    pub fn new(project: &str) -> DestroyReport {
        DestroyReport {
            project: project.to_string(),
            domain_deleted: false,
            stack_deleted: false,
            emptied: Vec::new(),
            kept: Vec::new(),
            left_behind: Vec::new(),
            stopped: None,
        }
    }

    pub fn is_clean(&self) -> bool {
        self.left_behind.is_empty() && self.stopped.is_none()
    }
}

fn step(tx: &Progress, text: impl Into<String>) {
    let _ = tx.send(StudioMsg::Step { text: text.into() });
}

/// Tear the project down. Refused in read-only mode; refused with nothing deleted when the
/// plan says it could not finish (see [`DestroyPlan::refusal`]).
pub async fn destroy(
    session: &Session,
    project: &str,
    stack_name: &str,
    buckets: BucketChoice,
    tx: &Progress,
) -> Result<DestroyReport, Error> {
    destroy_with(session, project, stack_name, buckets, Poll::RESOURCE, tx).await
}

pub async fn destroy_with(
    session: &Session,
    project: &str,
    stack_name: &str,
    choice: BucketChoice,
    poll: Poll,
    tx: &Progress,
) -> Result<DestroyReport, Error> {
    refuse_read_only(session, "destroy")?;
    let plan = plan(session, project, stack_name).await?;
    if let Some(e) = plan.refusal(choice) {
        return Err(e);
    }
    let mut report = DestroyReport::new(project);
    if let Err(e) = run(session, &plan, choice, poll, tx, &mut report).await {
        step(tx, format!("stopped: {}", e.message()));
        report.stopped = Some(e);
    }
    verify(session, &plan, choice, &mut report).await?;
    Ok(report)
}

/// The deleting part; an error stops it where it is (the report then says what is left).
async fn run(
    session: &Session,
    plan: &DestroyPlan,
    choice: BucketChoice,
    poll: Poll,
    tx: &Progress,
    report: &mut DestroyReport,
) -> Result<(), Error> {
    match choice {
        BucketChoice::Empty => {
            for b in &plan.buckets {
                if matches!(b.state, BucketState::Missing | BucketState::Empty) {
                    continue;
                }
                let n = empty_through_fence(session, &plan.caller, b, poll, tx).await?;
                report.emptied.push((b.name.clone(), n));
            }
        }
        BucketChoice::Retain => {
            // Decided by the plan (refusal): either the update keeps every data resource, or
            // the template already does, or RetainResources and the key restore do.
            if let (Some(s), Some(template)) = (&plan.stack, &plan.template)
                && plan.retention().is_some_and(|r| r.update_first)
            {
                retain_data_resources(session, s, template, poll, tx).await?;
            }
        }
        BucketChoice::Unspecified => {}
    }
    if let Some(d) = &plan.domain {
        delete_domain_tree(session, d, poll, tx).await?;
        report.domain_deleted = true;
    }
    if let Some(vpc) = &plan.vpc_id {
        let domain = plan.domain.as_ref().map(|d| d.id.as_str());
        clean_nfs_groups(session, vpc, domain, poll, tx).await?;
    }
    let Some(stack) = &plan.stack else {
        return Ok(());
    };
    // The resources that failed to delete: from the plan (a stack already in DELETE_FAILED),
    // then from one ListStackResources after each failed attempt.
    let mut failed: Vec<StackResourceInfo> = plan.failed_resources().into_iter().cloned().collect();
    let mut attempts = 0;
    loop {
        // CloudFormation accepts RetainResources only for resources in DELETE_FAILED.
        let retain: Vec<String> = if choice == BucketChoice::Retain {
            failed
                .iter()
                .filter(|r| is_data_type(&r.resource_type))
                .map(|r| r.logical_id.clone())
                .collect()
        } else {
            Vec::new()
        };
        if !retain.is_empty() {
            step(tx, format!("retaining {}", retain.join(", ")));
        }
        let Some(status) = delete_stack_and_wait(session, stack, &retain, poll, tx).await? else {
            report.stack_deleted = true;
            break;
        };
        if status != StackStatus::DeleteFailed || attempts == 2 {
            break;
        }
        attempts += 1;
        failed = session
            .stack_resources(&stack.stack_id)
            .await?
            .into_iter()
            .filter(|r| r.status == ResourceStatus::DeleteFailed)
            .collect();
        let network = failed.iter().any(|r| {
            matches!(
                r.resource_type.as_str(),
                "AWS::EC2::VPC" | "AWS::EC2::Subnet" | "AWS::EC2::SecurityGroup"
            )
        });
        let cleared = match (&plan.vpc_id, network) {
            (Some(vpc), true) => clean_nfs_groups(session, vpc, None, poll, tx).await? > 0,
            _ => false,
        };
        let retainable =
            choice == BucketChoice::Retain && failed.iter().any(|r| is_data_type(&r.resource_type));
        if !cleared && !retainable {
            break;
        }
        step(tx, "retrying the stack deletion");
    }
    if report.stack_deleted && choice == BucketChoice::Retain {
        restore_retained_keys(session, plan, tx).await?;
    }
    Ok(())
}
