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

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::aws::buckets::BucketState;
use crate::aws::stacks::{StackInfo, StackResourceInfo};
use crate::aws::studio::{AppInfo, DomainInfo, SpaceInfo, UserProfileInfo};
use crate::aws::teardown::{GroupWithRules, nfs_group_domain_id};
use crate::aws::{AwsError, ErrorKind, Identity, Session};
use crate::core::{fence, retention};
use crate::ops::studio::{
    Poll, Progress, StudioMsg, delete_apps_and_wait, delete_spaces_and_wait, find_domain,
    refuse_read_only, remove_users_with,
};

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
    pub domain: Option<DomainInfo>,
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
    pub fn refusal(&self, choice: BucketChoice) -> Option<AwsError> {
        let refuse = |msg: String, fix: &str| {
            Some(AwsError::new(ErrorKind::Validation, "studio-tui", msg).with_fix(fix))
        };
        if let Some(s) = &self.stack
            && s.is_in_progress()
            && s.status != "DELETE_IN_PROGRESS"
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
            None => out.push(format!("no Studio domain named {}", self.project)),
        }
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
            Some(s) if s.status == "DELETE_FAILED" => out.push(format!(
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
            .filter(|r| r.status == "DELETE_FAILED")
            .collect()
    }
}

/// Something the teardown kept on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    pub what: String,
    pub arn: String,
    pub cost: String,
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
    pub stopped: Option<AwsError>,
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

/// Find what the teardown would delete (read-only calls only).
pub async fn plan(
    session: &Session,
    project: &str,
    stack_name: &str,
) -> Result<DestroyPlan, AwsError> {
    let (caller, domain, stack) = tokio::try_join!(
        session.identity(),
        find_domain(session, project),
        session.describe_stack(stack_name),
    )?;
    let (users, apps, spaces) = match &domain {
        Some(d) => tokio::try_join!(
            session.list_user_profiles(&d.id),
            session.list_apps(&d.id),
            session.list_spaces(&d.id),
        )?,
        None => Default::default(),
    };
    let stack = stack.filter(|s| s.status != "DELETE_COMPLETE");
    let resources = match &stack {
        Some(s) => session.stack_resources(&s.stack_id).await?,
        None => Vec::new(),
    };
    let of_type = |t: &str| -> Vec<&StackResourceInfo> {
        resources
            .iter()
            .filter(|r| r.resource_type == t && r.physical_id.is_some())
            .collect()
    };
    let vpc_id = of_type("AWS::EC2::VPC")
        .first()
        .and_then(|r| r.physical_id.clone())
        .or_else(|| stack.as_ref()?.output("VpcId").map(str::to_string));
    let mut buckets = Vec::new();
    for r in of_type("AWS::S3::Bucket") {
        let Some(name) = r.physical_id.clone() else {
            continue;
        };
        let state = session.bucket_state(&name).await;
        let fenced = match &state {
            BucketState::Unknown { error } if error.kind == ErrorKind::AccessDenied => session
                .bucket_policy(&name)
                .await
                .ok()
                .flatten()
                .is_some_and(|p| fence::is_fenced(&p)),
            _ => false,
        };
        buckets.push(BucketPlan {
            name,
            logical_id: r.logical_id.clone(),
            state,
            fenced,
        });
    }
    let mut keys = Vec::new();
    let template = match &stack {
        Some(s) => deployed_template(session, &s.stack_id).await.ok(),
        None => None,
    };
    for (logical_id, key_id, aliases) in data_keys(&resources, template.as_ref()) {
        let state = session
            .describe_key(&key_id)
            .await
            .ok()
            .flatten()
            .map(|k| k.state);
        keys.push(KeyPlan {
            logical_id,
            key_id,
            state,
            aliases,
        });
    }
    let nfs_groups = match &vpc_id {
        Some(v) => owned_nfs_groups(session, v, domain.as_ref().map(|d| d.id.as_str()))
            .await?
            .into_iter()
            .map(|g| format!("{} ({})", g.name, g.id))
            .collect(),
        None => Vec::new(),
    };
    Ok(DestroyPlan {
        project: project.to_string(),
        stack_name: stack_name.to_string(),
        caller,
        domain,
        users,
        apps,
        spaces,
        stack,
        resources,
        vpc_id,
        buckets,
        keys,
        nfs_groups,
        template,
    })
}

/// The KMS keys that encrypt the stack's buckets, with the aliases the stack made for them:
/// (logical id, key id, alias names), read from the deployed template (the stack's resource
/// list does not say which key encrypts what).
fn data_keys(
    resources: &[StackResourceInfo],
    template: Option<&serde_json::Value>,
) -> Vec<(String, String, Vec<String>)> {
    let Some(template) = template else {
        return Vec::new();
    };
    let physical = |logical: &str| {
        resources
            .iter()
            .find(|x| x.logical_id == logical)
            .and_then(|x| x.physical_id.clone())
    };
    let data = retention::data_resources(template);
    data.iter()
        .filter(|r| r.resource_type == "AWS::KMS::Key")
        .filter_map(|k| {
            let aliases = data
                .iter()
                .filter(|a| a.resource_type == "AWS::KMS::Alias")
                .filter(|a| {
                    retention::alias_target(template, &a.logical_id).as_deref()
                        == Some(k.logical_id.as_str())
                })
                .filter_map(|a| physical(&a.logical_id))
                .collect();
            Some((k.logical_id.clone(), physical(&k.logical_id)?, aliases))
        })
        .collect()
}

/// The deployed template as JSON (GetTemplate answers the text as it was sent: YAML or JSON).
async fn deployed_template(
    session: &Session,
    stack_id: &str,
) -> Result<serde_json::Value, AwsError> {
    let body = session.get_template(stack_id).await?;
    let json = if body.trim_start().starts_with('{') {
        body
    } else {
        crate::template::to_json(&body)
            .map_err(|e| AwsError::new(ErrorKind::Other, "cloudformation:GetTemplate", e))?
    };
    serde_json::from_str(&json).map_err(|e| {
        AwsError::new(
            ErrorKind::Other,
            "cloudformation:GetTemplate",
            e.to_string(),
        )
    })
}

/// The NFS groups in the project's VPC that provably belong to the project: named for the
/// project's domain, or for a domain that no longer exists (the VPC is the stack's own, so only
/// the project's domains were ever in it; a live domain of another name is left alone).
async fn owned_nfs_groups(
    session: &Session,
    vpc_id: &str,
    project_domain: Option<&str>,
) -> Result<Vec<GroupWithRules>, AwsError> {
    let mut out = Vec::new();
    for g in session.nfs_groups(vpc_id).await? {
        let Some(id) = nfs_group_domain_id(&g.name) else {
            continue;
        };
        let ours = Some(id) == project_domain || session.describe_domain(id).await?.is_none();
        if ours {
            out.push(g);
        }
    }
    Ok(out)
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
) -> Result<DestroyReport, AwsError> {
    destroy_with(session, project, stack_name, buckets, Poll::RESOURCE, tx).await
}

pub async fn destroy_with(
    session: &Session,
    project: &str,
    stack_name: &str,
    choice: BucketChoice,
    poll: Poll,
    tx: &Progress,
) -> Result<DestroyReport, AwsError> {
    refuse_read_only(session, "destroy")?;
    let plan = plan(session, project, stack_name).await?;
    if let Some(e) = plan.refusal(choice) {
        return Err(e);
    }
    let mut report = DestroyReport::new(project);
    if let Err(e) = run(session, &plan, choice, poll, tx, &mut report).await {
        step(tx, format!("stopped: {}", e.message));
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
) -> Result<(), AwsError> {
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
            if let Some(s) = plan.stack.as_ref().filter(|s| s.is_complete()) {
                let template = match &plan.template {
                    Some(t) => t.clone(),
                    None => deployed_template(session, &s.stack_id).await?,
                };
                retain_data_resources(session, s, &template, poll, tx).await?;
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
        if status != "DELETE_FAILED" || attempts == 2 {
            break;
        }
        attempts += 1;
        failed = session
            .stack_resources(&stack.stack_id)
            .await?
            .into_iter()
            .filter(|r| r.status == "DELETE_FAILED")
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

/// Empty one bucket; when its policy fences the caller out, admit exactly the caller first and
/// put the original policy back afterwards, whatever happened.
async fn empty_through_fence(
    session: &Session,
    caller: &Identity,
    bucket: &BucketPlan,
    poll: Poll,
    tx: &Progress,
) -> Result<usize, AwsError> {
    let original = if bucket.fenced {
        session.bucket_policy(&bucket.name).await?
    } else {
        None
    };
    if let Some(policy) = &original {
        let (opened, n) = fence::admit_caller(policy, &caller.user_id)
            .map_err(|e| AwsError::new(ErrorKind::Other, "s3:PutBucketPolicy", e))?;
        step(
            tx,
            format!(
                "bucket {}: adding {} (user id {}) to the exceptions of {n} fence statement(s) \
                 of its policy while it is emptied",
                bucket.name, caller.arn, caller.user_id
            ),
        );
        session.put_bucket_policy(&bucket.name, &opened).await?;
    }
    step(tx, format!("emptying bucket {}", bucket.name));
    // A new bucket policy can take a moment to apply: retry a listing still denied for a
    // while (a denied delete after a listing that worked is not a propagation delay).
    let start = Instant::now();
    let mut delay = poll.initial;
    let result = loop {
        match session.empty_bucket(&bucket.name).await {
            Err(e)
                if e.kind == ErrorKind::AccessDenied
                    && e.operation == "s3:ListObjectVersions"
                    && original.is_some()
                    && start.elapsed() < poll.timeout.min(Duration::from_secs(30)) =>
            {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(poll.max);
            }
            other => break other,
        }
    };
    if let Some(policy) = &original {
        session.put_bucket_policy(&bucket.name, policy).await?;
        step(
            tx,
            format!("bucket {}: original policy put back", bucket.name),
        );
    }
    match result {
        Ok(n) => {
            step(
                tx,
                format!("bucket {}: {n} object version(s) deleted", bucket.name),
            );
            Ok(n)
        }
        Err(mut e) => {
            e.message = format!(
                "emptying bucket {} failed: {}; nothing else was deleted",
                bucket.name, e.message
            );
            Err(e)
        }
    }
}

/// Set `DeletionPolicy: Retain` on the buckets, their policies and the KMS keys and aliases
/// that encrypt them, with a stack update that changes nothing else, and wait for it.
async fn retain_data_resources(
    session: &Session,
    stack: &StackInfo,
    template: &serde_json::Value,
    poll: Poll,
    tx: &Progress,
) -> Result<(), AwsError> {
    let (retained, changed) = retention::retain_data(template);
    if !changed {
        return Ok(());
    }
    let ids: Vec<String> = retention::data_resources(template)
        .into_iter()
        .map(|r| r.logical_id)
        .collect();
    step(
        tx,
        format!(
            "setting DeletionPolicy Retain on {} (a stack update that changes nothing else)",
            ids.join(", ")
        ),
    );
    let body = serde_json::to_string(&retained).map_err(|e| {
        AwsError::new(
            ErrorKind::Other,
            "cloudformation:UpdateStack",
            e.to_string(),
        )
    })?;
    let keys: Vec<String> = stack.parameters.keys().cloned().collect();
    let token = format!("studio-tui-retain-{}", uuid::Uuid::new_v4());
    if !session
        .update_stack_template(&stack.stack_id, &body, &keys, &token)
        .await?
    {
        return Ok(());
    }
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        let now = session.describe_stack(&stack.stack_id).await?;
        let status = now.as_ref().map(|s| s.status.as_str()).unwrap_or("gone");
        match status {
            "UPDATE_COMPLETE" => return Ok(()),
            s if s.ends_with("_IN_PROGRESS") && start.elapsed() < poll.timeout => {}
            other => {
                return Err(AwsError::new(
                    ErrorKind::Other,
                    "cloudformation:UpdateStack",
                    format!(
                        "setting DeletionPolicy Retain on the data resources ended {other}; \
                         nothing was deleted"
                    ),
                )
                .with_fix("see `studio-tui events` for the reason, then run destroy again"));
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(poll.max);
    }
}

/// Resource types that hold or protect the data (kept by --retain-buckets).
fn is_data_type(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "AWS::S3::Bucket" | "AWS::S3::BucketPolicy" | "AWS::KMS::Key" | "AWS::KMS::Alias"
    )
}

/// After a resumed delete with --retain-buckets, a key the stack scheduled for deletion is
/// restored (CancelKeyDeletion, EnableKey) and its alias recreated, so the kept data stays
/// readable.
async fn restore_retained_keys(
    session: &Session,
    plan: &DestroyPlan,
    tx: &Progress,
) -> Result<(), AwsError> {
    for k in &plan.keys {
        let Some(now) = session.describe_key(&k.key_id).await? else {
            continue;
        };
        if now.state != "PendingDeletion" {
            continue;
        }
        step(
            tx,
            format!("key {} was scheduled for deletion: restoring it", now.arn),
        );
        session.restore_key(&k.key_id).await?;
        for alias in &k.aliases {
            match session.create_key_alias(alias, &k.key_id).await {
                Ok(()) => {}
                Err(e) if e.code.as_deref() == Some("AlreadyExistsException") => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// Wait for the EFS interfaces of the project's NFS groups to go, revoke the groups' rules
/// (they reference each other), delete them. Returns how many groups were deleted.
pub async fn clean_nfs_groups(
    session: &Session,
    vpc_id: &str,
    project_domain: Option<&str>,
    poll: Poll,
    tx: &Progress,
) -> Result<usize, AwsError> {
    if !session.vpc_exists(vpc_id).await? {
        return Ok(0);
    }
    let groups = owned_nfs_groups(session, vpc_id, project_domain).await?;
    if groups.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        let used = session.interfaces_using(&ids).await?;
        if used.is_empty() {
            break;
        }
        if start.elapsed() > poll.timeout {
            return Err(AwsError::new(
                ErrorKind::Other,
                "ec2:DeleteSecurityGroup",
                format!(
                    "SageMaker's NFS groups {} are still used by {}",
                    ids.join(", "),
                    used.iter()
                        .map(|i| format!("{} ({})", i.id, i.description))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_fix(
                "these are the mount targets of the domain's home EFS volume; delete that file \
                 system (`aws efs describe-mount-targets`, `aws efs delete-mount-target`, `aws efs \
                 delete-file-system`), then run destroy again",
            ));
        }
        step(
            tx,
            format!(
                "waiting for {} EFS interface(s) to go before deleting SageMaker's NFS groups",
                used.len()
            ),
        );
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(poll.max);
    }
    for g in &groups {
        step(
            tx,
            format!(
                "revoking {} rule(s) of {} ({})",
                g.rule_count(),
                g.name,
                g.id
            ),
        );
        session.revoke_all_rules(g).await?;
    }
    for g in &groups {
        session.delete_security_group(&g.id).await?;
        step(tx, format!("deleted {} ({})", g.name, g.id));
    }
    Ok(groups.len())
}

/// Apps → spaces → user profiles → domain (HomeEfsFileSystem=Delete), each waited for.
pub async fn delete_domain_tree(
    session: &Session,
    d: &DomainInfo,
    poll: Poll,
    tx: &Progress,
) -> Result<(), AwsError> {
    let apps: Vec<AppInfo> = session
        .list_apps(&d.id)
        .await?
        .into_iter()
        .filter(|a| a.status != "Deleted")
        .collect();
    if !apps.is_empty() {
        step(tx, format!("deleting {} app(s)", apps.len()));
        delete_apps_and_wait(session, &d.id, &apps, poll, tx).await?;
    }
    let spaces = session.list_spaces(&d.id).await?;
    if !spaces.is_empty() {
        step(tx, format!("deleting {} space(s)", spaces.len()));
        delete_spaces_and_wait(session, &d.id, &spaces, poll, tx).await?;
    }
    let users: Vec<String> = session
        .list_user_profiles(&d.id)
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect();
    if !users.is_empty() {
        step(tx, format!("deleting {} user profile(s)", users.len()));
        let outcomes = remove_users_with(session, &d.id, &users, poll, tx).await?;
        if let Some(failed) = outcomes.iter().find(|o| !o.is_ok())
            && let crate::ops::studio::UserResult::Failed(e) = &failed.result
        {
            return Err(e.clone());
        }
    }
    let start = Instant::now();
    let _ = tx.send(StudioMsg::Domain {
        name: d.name.clone(),
        id: Some(d.id.clone()),
        status: "Deleting".into(),
        elapsed_secs: 0,
        detail: Some("home EFS volume deleted with it (HomeEfsFileSystem=Delete)".into()),
    });
    match session.delete_domain(&d.id, true).await {
        Ok(()) => {}
        Err(e) if e.message.contains("already being deleted") => {}
        Err(e) => return Err(e),
    }
    let mut delay = poll.initial;
    loop {
        match session.describe_domain(&d.id).await? {
            None => break,
            Some(now) if now.status == "Delete_Failed" => {
                return Err(AwsError::new(
                    ErrorKind::Other,
                    "sagemaker:DeleteDomain",
                    format!(
                        "deleting the Studio domain {} failed: {}",
                        d.id,
                        now.failure_reason.as_deref().unwrap_or("no reason given")
                    ),
                ));
            }
            Some(_) => {}
        }
        if start.elapsed() > poll.timeout {
            return Err(AwsError::new(
                ErrorKind::Other,
                "sagemaker:DeleteDomain",
                format!("the Studio domain {} is still being deleted", d.id),
            )
            .with_fix("run `studio-tui destroy` again later: it resumes"));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(poll.max);
    }
    let _ = tx.send(StudioMsg::Domain {
        name: d.name.clone(),
        id: Some(d.id.clone()),
        status: "deleted".into(),
        elapsed_secs: start.elapsed().as_secs(),
        detail: None,
    });
    Ok(())
}

/// DeleteStack and wait. Returns None when the stack is gone, else its final status.
async fn delete_stack_and_wait(
    session: &Session,
    stack: &StackInfo,
    retain: &[String],
    poll: Poll,
    tx: &Progress,
) -> Result<Option<String>, AwsError> {
    let token = format!("studio-tui-delete-{}", uuid::Uuid::new_v4());
    step(tx, format!("deleting stack {}", stack.stack_name));
    session
        .delete_stack(&stack.stack_id, &token, retain)
        .await?;
    let start = Instant::now();
    let mut delay = poll.initial.max(Duration::from_millis(500));
    let mut last = String::new();
    loop {
        let now = session.describe_stack(&stack.stack_id).await?;
        let status = match &now {
            None => return Ok(None),
            Some(s) => s.status.clone(),
        };
        if status != last {
            step(
                tx,
                format!(
                    "stack {} {status} ({}s)",
                    stack.stack_name,
                    start.elapsed().as_secs()
                ),
            );
            last = status.clone();
        }
        match status.as_str() {
            "DELETE_COMPLETE" => return Ok(None),
            s if !s.ends_with("_IN_PROGRESS") => return Ok(Some(status)),
            _ => {}
        }
        if start.elapsed() > Duration::from_secs(90 * 60) {
            return Ok(Some(status));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(Duration::from_secs(10));
    }
}

/// The end report, from describes made now: what is gone, what was kept, what is left.
async fn verify(
    session: &Session,
    plan: &DestroyPlan,
    choice: BucketChoice,
    report: &mut DestroyReport,
) -> Result<(), AwsError> {
    let again = "run `studio-tui destroy` again: it resumes where this run stopped";
    if let Some(stack) = &plan.stack {
        match session
            .describe_stack(&stack.stack_id)
            .await?
            .filter(|s| s.status != "DELETE_COMPLETE")
        {
            None => report.stack_deleted = true,
            Some(s) => {
                report.stack_deleted = false;
                let failed: Vec<String> = session
                    .stack_resources(&s.stack_id)
                    .await?
                    .into_iter()
                    .filter(|r| r.status == "DELETE_FAILED")
                    .map(|r| {
                        format!(
                            "{} ({}): {}",
                            r.logical_id,
                            r.resource_type,
                            r.status_reason.as_deref().unwrap_or("no reason given")
                        )
                    })
                    .collect();
                let why = if failed.is_empty() {
                    s.status.clone()
                } else {
                    format!("{}; failed: {}", s.status, failed.join("; "))
                };
                report.left_behind.push(Leftover {
                    what: "stack".into(),
                    id: s.stack_name.clone(),
                    why,
                    fix: again.into(),
                });
            }
        }
    }
    if let Some(d) = find_domain(session, &plan.project).await? {
        report.domain_deleted = false;
        report.left_behind.push(Leftover {
            what: "Studio domain".into(),
            id: d.id.clone(),
            why: format!("{} is {}", d.name, d.status),
            fix: again.into(),
        });
    }
    let partition = plan
        .stack
        .as_ref()
        .and_then(|s| s.stack_id.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    for b in &plan.buckets {
        let exists = match session.bucket_policy(&b.name).await {
            Ok(_) => true,
            Err(e) if e.kind == ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        if !exists {
            continue;
        }
        if choice == BucketChoice::Retain {
            report.kept.push(Kept {
                what: format!("bucket {} (with its data and policy)", b.name),
                arn: format!("arn:{partition}:s3:::{}", b.name),
                cost: "S3 storage at its storage class's rate (S3 Standard: about USD 0.023 \
                       per GB-month in us-east-1), plus requests"
                    .into(),
            });
        } else {
            report.left_behind.push(Leftover {
                what: "bucket".into(),
                id: b.name.clone(),
                why: "still exists (CloudFormation deletes a bucket only when it is empty)".into(),
                fix: "run `studio-tui destroy --empty-buckets` (deletes its objects) or \
                      `--retain-buckets` (keeps it)"
                    .into(),
            });
        }
    }
    if choice == BucketChoice::Retain {
        for k in &plan.keys {
            match session.describe_key(&k.key_id).await? {
                Some(now) if now.state == "Enabled" => report.kept.push(Kept {
                    what: format!("KMS key {} (encrypts the kept buckets)", k.logical_id),
                    arn: now.arn,
                    cost: "USD 1 per month (customer managed key), plus requests".into(),
                }),
                Some(now) => report.left_behind.push(Leftover {
                    what: "KMS key".into(),
                    id: now.arn.clone(),
                    why: format!(
                        "is {}{}: the kept objects cannot be decrypted",
                        now.state,
                        now.deletion_date
                            .map(|d| format!(" (deleted for good on {d})"))
                            .unwrap_or_default()
                    ),
                    fix: format!(
                        "aws kms cancel-key-deletion --key-id {id} && aws kms enable-key \
                         --key-id {id}",
                        id = k.key_id
                    ),
                }),
                None => report.left_behind.push(Leftover {
                    what: "KMS key".into(),
                    id: k.key_id.clone(),
                    why: "is gone: the kept objects cannot be decrypted".into(),
                    fix: "nothing can bring a deleted key back; restore the data from a backup"
                        .into(),
                }),
            }
        }
        for alias in plan.keys.iter().flat_map(|k| &k.aliases) {
            report.kept.push(Kept {
                what: format!("KMS alias {alias}"),
                arn: alias_arn(plan, &partition, alias),
                cost: "no charge".into(),
            });
        }
    }
    if let Some(vpc) = &plan.vpc_id
        && session.vpc_exists(vpc).await?
    {
        for g in session.nfs_groups(vpc).await? {
            report.left_behind.push(Leftover {
                what: "security group".into(),
                id: g.id.clone(),
                why: format!(
                    "{} was created by SageMaker for a VpcOnly domain and blocks the VPC",
                    g.name
                ),
                fix: again.into(),
            });
        }
        report.left_behind.push(Leftover {
            what: "VPC".into(),
            id: vpc.clone(),
            why: "still exists".into(),
            fix: again.into(),
        });
    }
    Ok(())
}

fn alias_arn(plan: &DestroyPlan, partition: &str, alias: &str) -> String {
    let (region, account) = plan
        .stack
        .as_ref()
        .map(|s| {
            let parts: Vec<&str> = s.stack_id.split(':').collect();
            (
                parts.get(3).copied().unwrap_or_default().to_string(),
                parts.get(4).copied().unwrap_or_default().to_string(),
            )
        })
        .unwrap_or_default();
    format!("arn:{partition}:kms:{region}:{account}:{alias}")
}
