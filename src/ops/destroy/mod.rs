//! Teardown that finishes on a real account and loses nothing it was not told to delete.
//!
//! 1. **Plan** (read-only): the domain and what runs in it, the stack and its resources, each
//!    bucket's contents (through the project's fence when the caller can pass it), the KMS key
//!    that encrypts the buckets, and what SageMaker left in the VPC.
//! 2. **Decide before deleting**: a busy stack, or a bucket that holds data or whose contents
//!    cannot be known while no bucket choice was made, stops the teardown with nothing deleted.
//! 3. `--empty-buckets` empties the buckets first (the fence opened for the caller's IAM user,
//!    or every session of the caller's role, the original policy saved in studio-tui's state
//!    before the edit and put back after): if that fails, nothing else is deleted.
//!    `--retain-buckets` first sets `DeletionPolicy: Retain` on the buckets, their policies, and
//!    the KMS key and alias that encrypt them (a stack update that changes nothing else).
//! 4. Apps → spaces → user profiles → the domain (HomeEfsFileSystem=Delete): the writers stop.
//! 5. SageMaker's NFS security groups of the domain (they outlive DeleteDomain and block the
//!    VPC): wait for the EFS interfaces to go, revoke the groups' rules, delete the groups.
//! 6. `--empty-buckets`: the final emptying pass, now that no app writes (bounded: a bucket
//!    that something else keeps writing to stops the teardown with the stack kept).
//! 7. The stack; a DELETE_FAILED stack (now or from an earlier run) is resumed after clearing
//!    what blocks it and provably belongs to the project; a bucket written to again
//!    (`BucketNotEmpty`) is emptied once more, a bounded number of times.
//! 8. The report is measured: describes after the fact, never assumed.
//!
//! Ctrl-C or SIGTERM ([`Safety::interrupt`]) stops the teardown at the step it is in; an
//! emptying that is stopped puts the original policy back first.

use serde::Serialize;

use crate::aws::buckets::BucketState;
use crate::aws::stacks::{StackInfo, StackResourceInfo};
use crate::aws::studio::{AppInfo, DomainInfo, SpaceInfo, UserProfileInfo};
use crate::aws::{ErrorKind, Identity, Session};
use crate::core::emptying;
use crate::core::fence::Exemption;
use crate::core::status::{ResourceStatus, StackStatus};
use crate::ops::fence::{FenceLedger, Interrupt};
use crate::ops::studio::{
    Poll, Progress, StudioMsg, clean_nfs_groups, delete_domain_tree, refuse_read_only,
};
use crate::ops::{Error, leftovers};
use crate::state::SharedStore;

mod data;
mod decide;
mod plan;
mod sweep;
mod verify;

pub use plan::plan;

use data::{is_data_type, restore_retained_keys, retain_data_resources};
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
endpoint, administrators on a laptop included. With --empty-buckets studio-tui adds your IAM \
user, or every session of your IAM role (credentials are refreshed under new session names), \
to the fence's exceptions while it empties the bucket, then puts the original policy back (it \
is saved in studio-tui's state first, so a run that is stopped has it put back by the next \
one); it changes the policy only after your confirmation.";

/// Passes of the first emptying (before the apps are deleted): one sweep of what is there,
/// which proves the bucket can be emptied before anything else is deleted.
pub const FIRST_PASSES: u32 = 1;
/// Passes of the final emptying (after the apps and the domain are gone): a bucket still
/// written to after this many complete passes stops the teardown.
pub const FINAL_PASSES: u32 = 3;
/// Times the stack delete is retried after emptying a bucket it found not empty again.
pub const NOT_EMPTY_RETRIES: u32 = 2;

/// What keeps a teardown's fence openings safe: where the original policies are saved, and the
/// user's request to stop.
#[derive(Debug, Clone)]
pub struct Safety {
    pub ledger: FenceLedger,
    pub interrupt: Interrupt,
}

impl Safety {
    /// Originals saved in the project's run state, stopped by `interrupt`.
    pub fn new(
        store: Option<&SharedStore>,
        region: &str,
        project: &str,
        interrupt: Interrupt,
    ) -> Safety {
        Safety {
            ledger: FenceLedger::new(store, region, project),
            interrupt,
        }
    }
}

/// A bucket of the stack and what could be learnt about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketPlan {
    pub name: String,
    pub logical_id: String,
    pub state: BucketState,
    /// Its policy is a network fence that denies this caller.
    pub fenced: bool,
    /// Its policy already holds an `aws:userid` exemption in a fence statement (a run that was
    /// stopped, or a hand edit): never taken for the original, never kept as it is.
    pub exempted: bool,
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
    /// Whom opening a fence admits: the caller's IAM user, or every session of the caller's
    /// role. None when the caller's identity is of a shape that cannot be exempted exactly.
    pub exemption: Option<Exemption>,
    /// The project's domain: the one in the stack's VPC and Studio subnet.
    pub domain: Option<DomainInfo>,
    /// Other domains of the project's name (another VPC, or no stack to tell): never touched.
    pub other_domains: Vec<DomainInfo>,
    /// More domains of the project's name in the stack's own VPC besides `domain`: which one
    /// is the project's cannot be told, so the teardown refuses.
    pub twin_domains: Vec<DomainInfo>,
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
    /// Billed resources in the stack's VPC that studio-tui did not create (`ops::leftovers`).
    pub leftovers: Vec<leftovers::Leftover>,
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
        if let Some(e) = self.place_refusal() {
            return Some(e);
        }
        if choice != BucketChoice::Unspecified
            && let Some(e) = self.exempted_refusal()
        {
            return Some(e);
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
                    "pass --empty-buckets to delete their objects (your IAM user, or every \
                     session of your role, is admitted through the fence meanwhile), or \
                     --retain-buckets to keep them with their data and key",
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
        if choice == BucketChoice::Empty
            && let Some(e) = self.exemption_refusal()
        {
            return Some(e);
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
                        self.opening_note()
                    } else {
                        String::new()
                    }
                ),
                (BucketState::NotEmpty { at_least }, _) => {
                    format!("bucket {}: NOT empty ({at_least}+ object versions)", b.name)
                }
                (BucketState::Unknown { .. }, BucketChoice::Empty) if b.fenced => format!(
                    "bucket {}: contents unknown (fenced); every object version is deleted{}",
                    b.name,
                    self.opening_note()
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
        out.extend(crate::ops::studio::twins_in_place(
            self.domain.as_ref(),
            &self.twin_domains,
        ));
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
        out.extend(self.leftover_lines());
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
    /// Buckets whose policy was opened for the emptying, with whom it admitted (then put back).
    pub opened: Vec<(String, String)>,
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
            opened: Vec::new(),
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
    safety: &Safety,
    tx: &Progress,
) -> Result<DestroyReport, Error> {
    destroy_safely_with(
        session,
        project,
        stack_name,
        buckets,
        Poll::RESOURCE,
        safety,
        tx,
    )
    .await
}

/// [`destroy`] with this polling, no saved state and no interruption (tests).
pub async fn destroy_with(
    session: &Session,
    project: &str,
    stack_name: &str,
    choice: BucketChoice,
    poll: Poll,
    tx: &Progress,
) -> Result<DestroyReport, Error> {
    let safety = Safety::new(None, &session.region, project, Interrupt::never());
    destroy_safely_with(session, project, stack_name, choice, poll, &safety, tx).await
}

pub async fn destroy_safely_with(
    session: &Session,
    project: &str,
    stack_name: &str,
    choice: BucketChoice,
    poll: Poll,
    safety: &Safety,
    tx: &Progress,
) -> Result<DestroyReport, Error> {
    refuse_read_only(session, "destroy")?;
    let plan = safety
        .interrupt
        .or_stop("planning", plan(session, project, stack_name))
        .await?;
    if let Some(e) = plan.refusal(choice) {
        return Err(e);
    }
    let mut report = DestroyReport::new(project);
    let cx = Teardown {
        session,
        plan: &plan,
        choice,
        poll,
        safety,
        tx,
    };
    if let Err(e) = run(&cx, &mut report).await {
        step(tx, format!("stopped: {}", e.message()));
        report.stopped = Some(e);
    }
    verify(session, &plan, choice, &mut report).await?;
    Ok(report)
}

/// One teardown's inputs, passed to each of its steps.
struct Teardown<'a> {
    session: &'a Session,
    plan: &'a DestroyPlan,
    choice: BucketChoice,
    poll: Poll,
    safety: &'a Safety,
    tx: &'a Progress,
}

/// Empty every bucket that may hold something, at most `passes` passes each; the deleted
/// counts are added to the report. Buckets still written to are returned with an entry the
/// last pass found.
async fn empty_buckets(
    cx: &Teardown<'_>,
    buckets: &[&BucketPlan],
    passes: u32,
    report: &mut DestroyReport,
) -> Result<Vec<(String, emptying::Listed)>, Error> {
    let mut written = Vec::new();
    for b in buckets {
        let out =
            data::empty_through_fence(cx.session, cx.plan, b, passes, cx.poll, cx.safety, cx.tx)
                .await?;
        if let (true, Some(e)) = (b.fenced, &cx.plan.exemption)
            && !report.opened.iter().any(|(name, _)| *name == b.name)
        {
            report.opened.push((b.name.clone(), e.admits()));
        }
        match report.emptied.iter_mut().find(|(name, _)| *name == b.name) {
            Some((_, n)) => *n += out.deleted,
            None => report.emptied.push((b.name.clone(), out.deleted)),
        }
        if let Some(entry) = out.still_written {
            written.push((b.name.clone(), entry));
        }
    }
    Ok(written)
}

/// The error for buckets that are still written to after `passes` passes.
fn still_written(written: &[(String, emptying::Listed)], passes: u32, when: &str) -> Error {
    let names: Vec<&str> = written.iter().map(|(b, _)| b.as_str()).collect();
    let example = written
        .first()
        .map(|(b, l)| format!(" (e.g. {b}: {} version {})", l.key, l.version_id))
        .unwrap_or_default();
    Error::failed(
        "s3:ListObjectVersions",
        format!(
            "bucket(s) {} are still being written to {when}: {passes} complete pass(es) each \
             deleted what ListObjectVersions listed and the next listing found new object \
             versions{example}; studio-tui stopped waiting for the bucket to list empty; the \
             stack was not deleted",
            names.join(", ")
        ),
    )
    .with_fix(
        "stop what writes to it (a job or instance in the VPC, a replication rule, an S3 event \
         or log delivery), then run `studio-tui destroy --empty-buckets` again",
    )
}

/// The deleting part; an error stops it where it is (the report then says what is left).
async fn run(cx: &Teardown<'_>, report: &mut DestroyReport) -> Result<(), Error> {
    let Teardown {
        session,
        plan,
        choice,
        poll,
        safety,
        tx,
    } = *cx;
    let stop = &safety.interrupt;
    // Every bucket that may hold something (a Missing or known-empty one needs nothing).
    let to_empty: Vec<&BucketPlan> = plan
        .buckets
        .iter()
        .filter(|b| !matches!(b.state, BucketState::Missing | BucketState::Empty))
        .collect();
    let mut written = Vec::new();
    match choice {
        BucketChoice::Empty => {
            // A first sweep while the apps still run: it proves the buckets can be emptied
            // before anything else is deleted.
            written = empty_buckets(cx, &to_empty, FIRST_PASSES, report).await?;
            if !written.is_empty() && plan.domain.is_none() {
                return Err(still_written(
                    &written,
                    FIRST_PASSES,
                    "with no Studio app running",
                ));
            }
            for (b, _) in &written {
                step(
                    tx,
                    format!(
                        "bucket {b} is still being written to: the Studio apps are deleted \
                         next, then it is emptied again"
                    ),
                );
            }
        }
        BucketChoice::Retain => {
            // Decided by the plan (refusal): either the update keeps every data resource, or
            // the template already does, or RetainResources and the key restore do.
            if let (Some(s), Some(template)) = (&plan.stack, &plan.template)
                && plan.retention().is_some_and(|r| r.update_first)
            {
                stop.or_stop(
                    "setting DeletionPolicy Retain",
                    retain_data_resources(session, s, template, poll, tx),
                )
                .await?;
            }
        }
        BucketChoice::Unspecified => {}
    }
    if let Some(d) = &plan.domain {
        stop.or_stop(
            "deleting the Studio domain",
            delete_domain_tree(session, d, poll, tx),
        )
        .await?;
        report.domain_deleted = true;
    }
    if let Some(vpc) = &plan.vpc_id {
        let domain = plan.domain.as_ref().map(|d| d.id.as_str());
        stop.or_stop(
            "cleaning SageMaker's NFS security groups",
            clean_nfs_groups(session, vpc, domain, poll, tx),
        )
        .await?;
    }
    // The writers are gone with the apps (an app may save its work as it stops): the final
    // pass empties what they wrote, and a bucket still written to now stops the teardown.
    if choice == BucketChoice::Empty && (report.domain_deleted || !written.is_empty()) {
        step(
            tx,
            "emptying the buckets again, now that no Studio app runs",
        );
        let written = empty_buckets(cx, &to_empty, FINAL_PASSES, report).await?;
        if !written.is_empty() {
            return Err(still_written(
                &written,
                FINAL_PASSES,
                "after the Studio apps and domain were deleted",
            ));
        }
    }
    let Some(stack) = &plan.stack else {
        return Ok(());
    };
    stop.or_stop(
        "scanning the VPC",
        sweep::look_again(session, plan, stack, tx),
    )
    .await?;
    delete_stack_resuming(cx, stack, report).await?;
    if report.stack_deleted && choice == BucketChoice::Retain {
        restore_retained_keys(session, plan, tx).await?;
    }
    Ok(())
}

/// DeleteStack, waited for; a DELETE_FAILED stack is retried after clearing what blocks it:
/// SageMaker's NFS groups, data resources to retain (`--retain-buckets`), and buckets written
/// to again since they were emptied (`--empty-buckets`, at most [`NOT_EMPTY_RETRIES`] times).
async fn delete_stack_resuming(
    cx: &Teardown<'_>,
    stack: &StackInfo,
    report: &mut DestroyReport,
) -> Result<(), Error> {
    let Teardown {
        session,
        plan,
        choice,
        poll,
        safety,
        tx,
    } = *cx;
    let stop = &safety.interrupt;
    // The resources that failed to delete: from the plan (a stack already in DELETE_FAILED),
    // then from one ListStackResources after each failed attempt.
    let mut failed: Vec<StackResourceInfo> = plan.failed_resources().into_iter().cloned().collect();
    let mut attempts = 0;
    let mut refills = 0;
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
        let outcome = stop
            .or_stop(
                "deleting the stack",
                delete_stack_and_wait(session, stack, &retain, poll, tx),
            )
            .await?;
        let Some(status) = outcome else {
            report.stack_deleted = true;
            return Ok(());
        };
        if status != StackStatus::DeleteFailed || attempts == 2 + NOT_EMPTY_RETRIES {
            return Ok(());
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
            (Some(vpc), true) => {
                stop.or_stop(
                    "cleaning SageMaker's NFS security groups",
                    clean_nfs_groups(session, vpc, None, poll, tx),
                )
                .await?
                    > 0
            }
            _ => false,
        };
        let retainable =
            choice == BucketChoice::Retain && failed.iter().any(|r| is_data_type(&r.resource_type));
        // Buckets CloudFormation found not empty: written to since they were emptied.
        let refill = plan.refill(&failed);
        let refilled = choice == BucketChoice::Empty && !refill.is_empty();
        if refilled {
            if refills == NOT_EMPTY_RETRIES {
                let names: Vec<&str> = refill.iter().map(|b| b.name.as_str()).collect();
                return Err(Error::failed(
                    "cloudformation:DeleteStack",
                    format!(
                        "bucket(s) {} were written to again after each of {} emptying passes \
                         (CloudFormation: the bucket is not empty); the stack is in \
                         DELETE_FAILED with them",
                        names.join(", "),
                        refills + 1
                    ),
                )
                .with_fix(
                    "stop what writes to the bucket (a job or instance in the VPC, a \
                     replication rule, an S3 event or log delivery), then run `studio-tui \
                     destroy --empty-buckets` again: it resumes the stack deletion",
                ));
            }
            refills += 1;
            let names: Vec<&str> = refill.iter().map(|b| b.name.as_str()).collect();
            step(
                tx,
                format!(
                    "CloudFormation found bucket(s) {} not empty: something wrote to them after \
                     they were emptied; emptying them again ({refills} of {NOT_EMPTY_RETRIES})",
                    names.join(", ")
                ),
            );
            let written = empty_buckets(cx, &refill, FINAL_PASSES, report).await?;
            if !written.is_empty() {
                return Err(still_written(
                    &written,
                    FINAL_PASSES,
                    "while the stack is deleted",
                ));
            }
        }
        if !cleared && !retainable && !refilled {
            return Ok(());
        }
        step(tx, "retrying the stack deletion");
    }
}
