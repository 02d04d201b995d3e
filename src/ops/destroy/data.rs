//! The project's data through a teardown: buckets emptied through the fence, or kept with the
//! KMS keys and aliases that encrypt them (and those keys restored once the stack is gone).

use std::time::{Duration, Instant};

use crate::aws::buckets::Emptied;
use crate::aws::stacks::StackInfo;
use crate::aws::{ErrorKind, Session};
use crate::core::{fence, retention};
use crate::ops::Error;
use crate::ops::fence::{put_back, stopped};
use crate::ops::studio::{Poll, Progress};

use super::plan::deployed_template;
use super::{BucketPlan, DestroyPlan, Safety, step};

/// Empty one bucket, at most `passes` complete passes ([`crate::core::emptying::Passes`]).
/// When its policy fences the caller out, the original policy is saved in studio-tui's state
/// first, the fence is opened for the plan's exemption, and the original is put back afterwards
/// (checked with GetBucketPolicy) whatever happened: the emptying failed, or the user stopped
/// it. A policy that already holds an exemption is never taken for the original.
pub(super) async fn empty_through_fence(
    session: &Session,
    plan: &DestroyPlan,
    bucket: &BucketPlan,
    passes: u32,
    poll: Poll,
    safety: &Safety,
    tx: &Progress,
) -> Result<Emptied, Error> {
    let name = &bucket.name;
    let original = if bucket.fenced {
        session.bucket_policy(name).await?
    } else {
        None
    };
    if let Some(policy) = &original {
        if fence::holds_exemption(policy) {
            return Err(Error::refused(format!(
                "the policy of bucket {name} already holds an aws:userid exemption in a fence \
                 statement (left by a run that was stopped on another machine, or added by \
                 hand); studio-tui does not take it for the original policy, so it changed \
                 nothing; nothing else was deleted"
            ))
            .with_fix(format!(
                "put the project's policy back first: `studio-tui drift --revert` restores the \
                 template's, or remove the aws:userid condition by hand (`aws s3api \
                 get-bucket-policy --bucket {name}`), then run destroy again"
            )));
        }
        let exemption = plan.exemption.as_ref().ok_or_else(|| {
            Error::refused(format!(
                "bucket {name}: {}; its policy was not changed; nothing else was deleted",
                plan.exemption_problem()
            ))
            .with_fix("run destroy as an IAM user or an assumed role, or pass --retain-buckets")
        })?;
        let (opened, n) =
            fence::open(policy, exemption).map_err(|e| Error::failed("s3:PutBucketPolicy", e))?;
        safety
            .ledger
            .save(name, policy, &opened, &exemption.admits())?;
        step(
            tx,
            format!(
                "bucket {name}: original policy saved in studio-tui's state; opening {n} fence \
                 statement(s) of its policy for {}",
                exemption.admits()
            ),
        );
        session.put_bucket_policy(name, &opened).await?;
    }
    step(tx, format!("emptying bucket {name}"));
    let emptying = empty_waiting_for_the_policy(session, name, passes, original.is_some(), poll);
    let result = tokio::select! {
        biased;
        signal = safety.interrupt.wait() => Err(signal),
        out = emptying => Ok(out),
    };
    if let Some(policy) = &original {
        if let Err(e) = put_back(session, name, policy).await {
            return Err(Error::failed(
                e.operation(),
                format!(
                    "bucket {name}: the original policy could not be put back ({}); it is saved \
                     in studio-tui's state and put back the next time studio-tui runs for this \
                     project; nothing else was deleted",
                    e.message()
                ),
            )
            .with_fix("run `studio-tui status` (or destroy again) to put it back"));
        }
        safety.ledger.forget(name);
        step(
            tx,
            format!("bucket {name}: original policy put back (checked with GetBucketPolicy)"),
        );
    }
    let result = match result {
        Ok(r) => r,
        Err(signal) => {
            let mut e = stopped(signal, &format!("emptying bucket {name}"));
            if original.is_some()
                && let Error::Interrupted(p) = &mut e
            {
                p.message.push_str(&format!(
                    "; the original policy of bucket {name} is back (checked with \
                     GetBucketPolicy)"
                ));
            }
            return Err(e);
        }
    };
    match result {
        Ok(out) => {
            step(
                tx,
                format!("bucket {name}: {} object version(s) deleted", out.deleted),
            );
            Ok(out)
        }
        Err(mut e) => {
            e.message = format!(
                "emptying bucket {name} failed: {}; nothing else was deleted",
                e.message
            );
            Err(e.into())
        }
    }
}

/// A new bucket policy can take a moment to apply: a listing still denied is retried for a
/// while (a denied delete after a listing that worked is not a propagation delay).
async fn empty_waiting_for_the_policy(
    session: &Session,
    bucket: &str,
    passes: u32,
    opened: bool,
    poll: Poll,
) -> Result<Emptied, crate::aws::AwsError> {
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        match session.empty_bucket(bucket, passes).await {
            Err(e)
                if e.kind == ErrorKind::AccessDenied
                    && e.operation == "s3:ListObjectVersions"
                    && opened
                    && start.elapsed() < poll.timeout.min(Duration::from_secs(30)) =>
            {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(poll.max);
            }
            other => return other,
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
