//! Teardown in the order that works: apps → spaces → user profiles → the domain (home EFS
//! deleted, explicitly: a retained EFS and its network interfaces block the VPC's deletion) →
//! the buckets (emptied or retained, as asked) → the stack. Then a report of anything left.

use std::time::Instant;

use serde::Serialize;

use crate::aws::buckets::BucketState;
use crate::aws::stacks::{StackInfo, StackResourceInfo};
use crate::aws::studio::{AppInfo, DomainInfo, SpaceInfo, UserProfileInfo};
use crate::aws::{AwsError, ErrorKind, Session};
use crate::ops::studio::{
    Poll, Progress, StudioMsg, delete_apps_and_wait, delete_spaces_and_wait, find_domain,
    refuse_read_only, remove_users_with,
};

/// What to do with the project's buckets (CloudFormation cannot delete a bucket with objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BucketChoice {
    /// Nothing chosen: delete the stack only if the buckets are empty (or cannot be read).
    Unspecified,
    /// Delete every object version first (needs access through the bucket policy).
    Empty,
    /// Keep the buckets and their data; the stack is deleted around them.
    Retain,
}

/// Why buckets may not be readable from here.
pub const BUCKET_POLICY_NOTE: &str = "The project's bucket policy denies access that does not \
come through the project's S3 VPC endpoint, so emptying works only when studio-tui runs inside \
the VPC (or the policy is relaxed first); from elsewhere AWS answers AccessDenied.";

/// Everything the teardown would delete, found with read-only calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestroyPlan {
    pub project: String,
    pub stack_name: String,
    pub domain: Option<DomainInfo>,
    pub users: Vec<UserProfileInfo>,
    pub apps: Vec<AppInfo>,
    pub spaces: Vec<SpaceInfo>,
    pub stack: Option<StackInfo>,
    /// (bucket name, state) from the stack's DataBucketName / ModelsBucketName outputs.
    pub buckets: Vec<(String, BucketState)>,
}

impl DestroyPlan {
    pub fn is_empty(&self) -> bool {
        self.domain.is_none() && self.stack.is_none()
    }
    /// Buckets known to hold objects.
    pub fn non_empty_buckets(&self) -> Vec<&str> {
        self.buckets
            .iter()
            .filter(|(_, s)| matches!(s, BucketState::NotEmpty { .. }))
            .map(|(b, _)| b.as_str())
            .collect()
    }
    /// Lines describing the plan, in deletion order.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.domain {
            Some(d) => {
                let live = self.apps.iter().filter(|a| a.needs_delete()).count();
                out.push(format!("{live} app(s), {} space(s)", self.spaces.len()));
                out.push(format!(
                    "{} user profile(s){}",
                    self.users.len(),
                    if self.users.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ": {}",
                            self.users
                                .iter()
                                .map(|u| u.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                ));
                out.push(format!(
                    "Studio domain {} ({}), with its home EFS volume (HomeEfsFileSystem=Delete)",
                    d.name, d.id
                ));
            }
            None => out.push(format!("no Studio domain named {}", self.project)),
        }
        for (b, s) in &self.buckets {
            out.push(match s {
                BucketState::Missing => format!("bucket {b}: already gone"),
                BucketState::Empty => format!("bucket {b}: empty"),
                BucketState::NotEmpty { at_least } => {
                    format!("bucket {b}: NOT empty ({at_least}+ object versions)")
                }
                BucketState::Unknown { error } => {
                    format!("bucket {b}: cannot be read from here ({})", error.message)
                }
            });
        }
        match &self.stack {
            Some(s) => out.push(format!("stack {} ({})", s.stack_name, s.status)),
            None => out.push(format!("no stack named {}", self.stack_name)),
        }
        out
    }
}

/// What is left after a teardown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestroyReport {
    pub project: String,
    pub domain_deleted: bool,
    pub stack_deleted: bool,
    /// Buckets emptied, with the number of object versions deleted.
    pub emptied: Vec<(String, usize)>,
    /// Resources still there, one line each with the reason.
    pub left_behind: Vec<String>,
}

impl DestroyReport {
    pub fn is_clean(&self) -> bool {
        self.left_behind.is_empty()
    }
}

/// Find what the teardown would delete (read-only calls only).
pub async fn plan(
    session: &Session,
    project: &str,
    stack_name: &str,
) -> Result<DestroyPlan, AwsError> {
    let domain = find_domain(session, project).await?;
    let (users, apps, spaces) = match &domain {
        Some(d) => tokio::try_join!(
            session.list_user_profiles(&d.id),
            session.list_apps(&d.id),
            session.list_spaces(&d.id),
        )?,
        None => Default::default(),
    };
    let stack = session
        .describe_stack(stack_name)
        .await?
        .filter(|s| s.status != "DELETE_COMPLETE");
    let mut buckets = Vec::new();
    if let Some(s) = &stack {
        for key in ["DataBucketName", "ModelsBucketName"] {
            if let Some(b) = s.output(key).filter(|b| !b.is_empty()) {
                buckets.push((b.to_string(), session.bucket_state(b).await));
            }
        }
    }
    Ok(DestroyPlan {
        project: project.to_string(),
        stack_name: stack_name.to_string(),
        domain,
        users,
        apps,
        spaces,
        stack,
        buckets,
    })
}

fn step(tx: &Progress, text: impl Into<String>) {
    let _ = tx.send(StudioMsg::Step { text: text.into() });
}

/// Tear the project down. Refused in read-only mode; with [`BucketChoice::Unspecified`] and a
/// bucket known to hold objects it stops before deleting anything.
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
    buckets: BucketChoice,
    poll: Poll,
    tx: &Progress,
) -> Result<DestroyReport, AwsError> {
    refuse_read_only(session, "destroy")?;
    let plan = plan(session, project, stack_name).await?;
    let full = plan.non_empty_buckets();
    if buckets == BucketChoice::Unspecified && !full.is_empty() {
        return Err(AwsError::new(
            ErrorKind::Validation,
            "studio-tui",
            format!(
                "bucket(s) {} are not empty, and CloudFormation cannot delete a bucket that \
                 holds objects; nothing was deleted",
                full.join(", ")
            ),
        )
        .with_fix(
            "pass --empty-buckets to delete their objects first (from where the bucket policy \
             allows it), or --retain-buckets to keep them and their data",
        ));
    }
    let mut report = DestroyReport {
        project: project.to_string(),
        domain_deleted: false,
        stack_deleted: false,
        emptied: Vec::new(),
        left_behind: Vec::new(),
    };

    if let Some(d) = &plan.domain {
        delete_domain_tree(session, d, poll, tx).await?;
        report.domain_deleted = true;
    }

    if let Some(stack) = &plan.stack {
        let mut retain = Vec::new();
        match buckets {
            BucketChoice::Empty => {
                for (b, state) in &plan.buckets {
                    if matches!(state, BucketState::Missing | BucketState::Empty) {
                        continue;
                    }
                    step(tx, format!("emptying bucket {b}"));
                    match session.empty_bucket(b).await {
                        Ok(n) => {
                            step(tx, format!("bucket {b}: {n} object version(s) deleted"));
                            report.emptied.push((b.clone(), n));
                        }
                        Err(e) => step(
                            tx,
                            format!(
                                "could not empty bucket {b}: {}. {BUCKET_POLICY_NOTE}",
                                e.message
                            ),
                        ),
                    }
                }
            }
            BucketChoice::Retain if stack.status == "DELETE_FAILED" => {
                retain = failed_bucket_ids(session, &stack.stack_id).await?;
            }
            _ => {}
        }
        let final_status = delete_stack_and_wait(session, stack, &retain, poll, tx).await?;
        let final_status = match final_status {
            Some(s)
                if s == "DELETE_FAILED" && buckets == BucketChoice::Retain && retain.is_empty() =>
            {
                // The buckets were not empty: now (and only now) CloudFormation accepts
                // RetainResources.
                let retain = failed_bucket_ids(session, &stack.stack_id).await?;
                if retain.is_empty() {
                    Some(s)
                } else {
                    step(
                        tx,
                        format!("retaining {} and deleting the rest", retain.join(", ")),
                    );
                    delete_stack_and_wait(session, stack, &retain, poll, tx).await?
                }
            }
            other => other,
        };
        match final_status {
            None => report.stack_deleted = true,
            Some(status) => {
                let mut line = format!("stack {} is {status}", stack.stack_name);
                if let Ok(resources) = session.stack_resources(&stack.stack_id).await {
                    let failed: Vec<String> = resources
                        .iter()
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
                    if !failed.is_empty() {
                        line.push_str(&format!("; failed: {}", failed.join("; ")));
                    }
                }
                report.left_behind.push(line);
            }
        }
        if buckets == BucketChoice::Retain {
            for (b, state) in &plan.buckets {
                if !matches!(state, BucketState::Missing) && report.stack_deleted {
                    // Retained buckets outlive the stack; an emptied-by-nobody bucket that the
                    // stack deleted is gone, so check.
                    if !matches!(session.bucket_state(b).await, BucketState::Missing) {
                        report
                            .left_behind
                            .push(format!("bucket {b} (retained as asked, with its data)"));
                    }
                }
            }
        }
    }

    // Anything of the project's domain still there?
    if let Some(d) = find_domain(session, project).await? {
        report.left_behind.push(format!(
            "Studio domain {} ({}) is {}",
            d.name, d.id, d.status
        ));
        report.domain_deleted = false;
    }
    Ok(report)
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

async fn failed_bucket_ids(session: &Session, stack_id: &str) -> Result<Vec<String>, AwsError> {
    Ok(session
        .stack_resources(stack_id)
        .await?
        .into_iter()
        .filter(|r: &StackResourceInfo| {
            r.resource_type == "AWS::S3::Bucket" && r.status == "DELETE_FAILED"
        })
        .map(|r| r.logical_id)
        .collect())
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
    let mut delay = poll.initial.max(std::time::Duration::from_millis(500));
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
            "DELETE_IN_PROGRESS" => {}
            _ if !status.ends_with("_IN_PROGRESS") => return Ok(Some(status)),
            _ => {}
        }
        if start.elapsed() > std::time::Duration::from_secs(90 * 60) {
            return Ok(Some(status));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(std::time::Duration::from_secs(10));
    }
}
