//! The project's data through a teardown: buckets emptied through the fence, or kept with the
//! KMS keys and aliases that encrypt them (and those keys restored once the stack is gone).

use std::time::{Duration, Instant};

use crate::aws::stacks::StackInfo;
use crate::aws::{ErrorKind, Identity, Session};
use crate::core::{fence, retention};
use crate::ops::Error;
use crate::ops::studio::{Poll, Progress};

use super::plan::deployed_template;
use super::{BucketPlan, DestroyPlan, step};

/// Empty one bucket; when its policy fences the caller out, admit exactly the caller first and
/// put the original policy back afterwards, whatever happened.
pub(super) async fn empty_through_fence(
    session: &Session,
    caller: &Identity,
    bucket: &BucketPlan,
    poll: Poll,
    tx: &Progress,
) -> Result<usize, Error> {
    let original = if bucket.fenced {
        session.bucket_policy(&bucket.name).await?
    } else {
        None
    };
    if let Some(policy) = &original {
        let (opened, n) = fence::admit_caller(policy, &caller.user_id)
            .map_err(|e| Error::failed("s3:PutBucketPolicy", e))?;
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
            Err(e.into())
        }
    }
}

/// Set `DeletionPolicy: Retain` on the buckets, their policies and the KMS keys and aliases
/// that encrypt them, with a stack update that changes nothing else, and wait for it.
pub(super) async fn retain_data_resources(
    session: &Session,
    stack: &StackInfo,
    template: &serde_json::Value,
    poll: Poll,
    tx: &Progress,
) -> Result<(), Error> {
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
    let body = serde_json::to_string(&retained)
        .map_err(|e| Error::failed("cloudformation:UpdateStack", e.to_string()))?;
    let keys: Vec<String> = stack.parameters.keys().cloned().collect();
    let token = format!("studio-tui-retain-{}", uuid::Uuid::new_v4());
    // "No updates are to be performed" is not taken as success: the deployed template is
    // read again below either way.
    if session
        .update_stack_template(&stack.stack_id, &body, &keys, &token)
        .await?
    {
        wait_for_update(session, stack, poll).await?;
    }
    let deployed = deployed_template(session, &stack.stack_id).await?;
    let (_, missing) = retention::retain_data(&deployed);
    if missing {
        let not_retained: Vec<String> = retention::data_resources(&deployed)
            .into_iter()
            .filter(|r| {
                deployed
                    .pointer(&format!("/Resources/{}/DeletionPolicy", r.logical_id))
                    .and_then(serde_json::Value::as_str)
                    != Some("Retain")
            })
            .map(|r| r.logical_id)
            .collect();
        return Err(Error::failed(
            "cloudformation:GetTemplate",
            format!(
                "after the update, the deployed template still does not retain {}; nothing was \
                 deleted",
                not_retained.join(", ")
            ),
        )
        .with_fix("see `studio-tui events` for the update, then run destroy again"));
    }
    Ok(())
}

/// Wait for the DeletionPolicy update to complete (bounded by the poll's timeout).
async fn wait_for_update(session: &Session, stack: &StackInfo, poll: Poll) -> Result<(), Error> {
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        let now = session.describe_stack(&stack.stack_id).await?;
        let status = now.as_ref().map(|s| s.status.as_str()).unwrap_or("gone");
        match status {
            "UPDATE_COMPLETE" => return Ok(()),
            s if s.ends_with("_IN_PROGRESS") && start.elapsed() < poll.timeout => {}
            other => {
                let waited = if other.ends_with("_IN_PROGRESS") {
                    format!(
                        " after waiting {}s for UPDATE_COMPLETE",
                        poll.timeout.as_secs()
                    )
                } else {
                    String::new()
                };
                return Err(Error::failed(
                    "cloudformation:UpdateStack",
                    format!(
                        "setting DeletionPolicy Retain on the data resources ended {other}{waited}; \
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
pub(super) fn is_data_type(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "AWS::S3::Bucket" | "AWS::S3::BucketPolicy" | "AWS::KMS::Key" | "AWS::KMS::Alias"
    )
}

/// After a resumed delete with --retain-buckets, a key the stack scheduled for deletion is
/// restored (CancelKeyDeletion, EnableKey) and its alias recreated, so the kept data stays
/// readable.
pub(super) async fn restore_retained_keys(
    session: &Session,
    plan: &DestroyPlan,
    tx: &Progress,
) -> Result<(), Error> {
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
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}
