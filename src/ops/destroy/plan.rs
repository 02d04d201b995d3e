//! The read-only half of the teardown: what it would delete, found before anything is.

use crate::aws::buckets::BucketState;
use crate::aws::stacks::StackResourceInfo;
use crate::aws::{ErrorKind, Session};
use crate::core::fence::{self, Exemption};
use crate::core::retention;
use crate::ops::Error;
use crate::ops::leftovers::{self, ProjectNetwork};
use crate::ops::studio::{ProjectDomains, StackPlace, owned_nfs_groups, project_domains};
use futures::TryFutureExt;

use super::{BucketPlan, DestroyPlan, KeyPlan};
use crate::core::status::StackStatus;

/// Find what the teardown would delete (read-only calls only).
pub async fn plan(
    session: &Session,
    project: &str,
    stack_name: &str,
) -> Result<DestroyPlan, Error> {
    let (caller, stack) = tokio::try_join!(
        session.identity().err_into::<Error>(),
        session.describe_stack(stack_name).err_into::<Error>(),
    )?;
    let stack = stack.filter(|s| s.status != StackStatus::DeleteComplete);
    let resources = match &stack {
        Some(s) => session.stack_resources(&s.stack_id).await?,
        None => Vec::new(),
    };
    // The project's domain is the one in the stack's VPC and Studio subnet; another domain of
    // the project's name is reported and never touched.
    let place = match &stack {
        Some(s) => StackPlace::of_stack(&resources, &s.outputs),
        None => None,
    };
    let ProjectDomains {
        ours: domain,
        others: other_domains,
        twins: twin_domains,
    } = project_domains(session, project, place.as_ref()).await?;
    let (users, apps, spaces) = match &domain {
        Some(d) => tokio::try_join!(
            session.list_user_profiles(&d.id),
            session.list_apps(&d.id),
            session.list_spaces(&d.id),
        )?,
        None => Default::default(),
    };
    let of_type = |t: &str| -> Vec<&StackResourceInfo> {
        resources
            .iter()
            .filter(|r| r.resource_type == t && r.physical_id.is_some())
            .collect()
    };
    let vpc_id = place.as_ref().map(|p| p.vpc_id.clone());
    let mut buckets = Vec::new();
    for r in of_type("AWS::S3::Bucket") {
        let Some(name) = r.physical_id.clone() else {
            continue;
        };
        let state = session.bucket_state(&name).await;
        // Every bucket's policy is read: one that still holds an exemption (a run that was
        // stopped) admits this caller, so the bucket looks readable, yet must not be kept or
        // taken for the original.
        let policy = match &state {
            BucketState::Missing => None,
            _ => session.bucket_policy(&name).await.ok().flatten(),
        };
        let denied = matches!(&state, BucketState::Unknown { error } if error.kind == ErrorKind::AccessDenied);
        buckets.push(BucketPlan {
            name,
            logical_id: r.logical_id.clone(),
            state,
            fenced: denied && policy.as_deref().is_some_and(fence::is_fenced),
            exempted: policy.as_deref().is_some_and(fence::holds_exemption),
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
    let net = stack.as_ref().and_then(|s| {
        ProjectNetwork::of_stack(
            &resources,
            &s.outputs,
            domain.as_ref().map(|d| d.arn.as_str()),
        )
    });
    let leftovers = match &net {
        Some(net) => leftovers::scan(session, net).await?,
        None => Vec::new(),
    };
    let exemption = Exemption::for_caller(&caller.arn, &caller.user_id).ok();
    Ok(DestroyPlan {
        project: project.to_string(),
        stack_name: stack_name.to_string(),
        caller,
        exemption,
        domain,
        other_domains,
        twin_domains,
        users,
        apps,
        spaces,
        stack,
        resources,
        vpc_id,
        buckets,
        keys,
        nfs_groups,
        leftovers,
        template,
    })
}

/// The KMS keys that encrypt the stack's buckets, with the aliases the stack made for them:
/// (logical id, key id, alias names), read from the deployed template (the stack's resource
/// list does not say which key encrypts what).
pub(super) fn data_keys(
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
pub(super) async fn deployed_template(
    session: &Session,
    stack_id: &str,
) -> Result<serde_json::Value, Error> {
    let body = session.get_template(stack_id).await?;
    let json = if body.trim_start().starts_with('{') {
        body
    } else {
        crate::template::to_json(&body)
            .map_err(|e| Error::failed("cloudformation:GetTemplate", e))?
    };
    serde_json::from_str(&json)
        .map_err(|e| Error::failed("cloudformation:GetTemplate", e.to_string()))
}
