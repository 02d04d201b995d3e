//! Planning a deployment: the template staged when it is too large to send inline, a change
//! set created and read back (with CloudFormation's early-validation issues) for review.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::Session;
use crate::aws::stacks::{ChangeSetInfo, ChangeSetKind, StackInfo, TemplateSource};
use crate::core::clock::now_ms;
use crate::core::params::Parameters;
use crate::ops::Error;
use crate::template;

use super::{DeployMsg, Plan, Recovery, Review, ValidationIssue, record, send, template_source};
use crate::core::status::StackStatus;
use crate::state::SharedStore;

/// Upload a template too large for TemplateBody to `bucket` and return its URL.
pub async fn stage_template(
    session: &Session,
    bucket: &str,
    key: &str,
    body: &str,
) -> Result<TemplateSource, Error> {
    let url = session.put_staged_object(bucket, key, body).await?;
    Ok(TemplateSource::Url(url))
}

/// Look at the stack and prepare what comes next: a change set to review, or why not.
/// `basis`: the stack's parameters as they were read when `params` was made from them (the
/// wizard's form filled from the overview, `deploy` and `up` keeping the deployed values); a
/// stack whose values changed since is not planned over ([`refuse_undoing`]).
pub async fn plan(
    session: &Session,
    store: &SharedStore,
    params: &Parameters,
    basis: Option<&BTreeMap<String, String>>,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Plan, Error> {
    plan_with_template(session, store, params, basis, template::TEMPLATE_YAML, tx).await
}

/// Refuse to plan when the stack's parameters changed since `basis` was read and `params`
/// would set them back (someone's `firewall allow`, a colleague's deploy, a console edit
/// between the overview's load and this plan): CloudFormation would revert that change
/// without anyone choosing to.
fn refuse_undoing(
    stack: &StackInfo,
    params: &Parameters,
    basis: Option<&BTreeMap<String, String>>,
) -> Result<(), Error> {
    let Some(read) = basis else {
        return Ok(());
    };
    let undone = crate::ops::params::undone(read, &stack.parameters, &params.to_cfn_parameters());
    if undone.is_empty() {
        return Ok(());
    }
    let what: Vec<String> = undone
        .iter()
        .map(|u| format!("{} is now '{}' (it was '{}')", u.name, u.now, u.read))
        .collect();
    Err(Error::refused(format!(
        "stack {} changed after its parameters were read: {}; this plan would set the old \
         value back, so no change set was created",
        stack.stack_name,
        what.join(", ")
    ))
    .with_fix(
        "start again from what the stack runs now: in the wizard, go back to the overview and \
         press d again; on the command line, run the same command again",
    ))
}

/// [`plan`] with another template body (a template too large to send inline is staged in S3).
/// The stack runs this template with these parameters already: no change set is needed, so
/// none is created (a rerun makes no mutating call). Any doubt (a failed read) says no.
pub(super) async fn matches_stack(
    session: &Session,
    stack: &StackInfo,
    params: &Parameters,
    body: &str,
) -> bool {
    let wanted = params.to_cfn_parameters();
    let same_params = wanted.len() == stack.parameters.len()
        && wanted
            .iter()
            .all(|(k, v)| stack.parameters.get(*k).is_some_and(|have| have == v));
    if !same_params {
        return false;
    }
    match session.get_template(&stack.stack_id).await {
        Ok(deployed) => deployed.trim_end() == body.trim_end(),
        Err(e) => {
            tracing::debug!("GetTemplate failed, planning a change set: {e}");
            false
        }
    }
}

pub async fn plan_with_template(
    session: &Session,
    store: &SharedStore,
    params: &Parameters,
    basis: Option<&BTreeMap<String, String>>,
    body: &str,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Plan, Error> {
    let stack_name = params.project_name.to_string();
    send(
        tx,
        DeployMsg::Phase {
            text: format!("Looking up stack {stack_name}"),
        },
    );
    let existing = session.describe_stack(&stack_name).await?;
    let kind = match &existing {
        None => ChangeSetKind::Create,
        Some(s) if s.status == StackStatus::ReviewInProgress => ChangeSetKind::Create,
        Some(s) if s.is_in_progress() => return Ok(Plan::InProgress(s.clone())),
        Some(s) => {
            if let Some(recovery) = Recovery::for_status(&s.status) {
                return Ok(Plan::Blocked {
                    stack: s.clone(),
                    recovery,
                });
            }
            refuse_undoing(s, params, basis)?;
            if s.is_complete() && matches_stack(session, s, params, body).await {
                return Ok(Plan::UpToDate(s.clone()));
            }
            ChangeSetKind::Update
        }
    };
    let source = match template_source(body) {
        Some(s) => s,
        None => {
            // Like CDK's bootstrap bucket: one per account and region, private by default.
            let account = session.identity().await?.account;
            let bucket = format!("studio-tui-templates-{account}-{}", session.region);
            send(
                tx,
                DeployMsg::Phase {
                    text: format!("Staging the template in s3://{bucket}"),
                },
            );
            let key = format!("{stack_name}/studio-environment-{}.yaml", now_ms());
            stage_template(session, &bucket, &key, body).await?
        }
    };
    let token = format!("studio-tui-{}", uuid::Uuid::new_v4());
    let change_set_name = format!("studio-tui-{}", now_ms());
    send(
        tx,
        DeployMsg::Phase {
            text: format!(
                "Creating {} change set {change_set_name}",
                if kind == ChangeSetKind::Create {
                    "CREATE"
                } else {
                    "UPDATE"
                }
            ),
        },
    );
    let (id, stack_id) = session
        .create_change_set(
            &stack_name,
            &change_set_name,
            kind,
            &source,
            &params.to_cfn_parameters(),
            &[
                ("Project", stack_name.clone()),
                ("ManagedBy", "studio-tui".to_string()),
            ],
            &token,
        )
        .await?;
    record(store, session, &stack_name, |r| {
        r.stack_id = Some(stack_id.clone());
        r.change_set_id = Some(id.clone());
    });
    let change_set = wait_change_set(session, &id).await?;
    let (validation, validation_unread) = if change_set.is_empty_change() {
        (Vec::new(), None)
    } else {
        send(
            tx,
            DeployMsg::Phase {
                text: "Reading CloudFormation's pre-deployment validation".into(),
            },
        );
        validation_of(session, &change_set, &stack_name).await
    };
    Ok(Plan::Review(Review {
        stack_name,
        kind,
        change_set,
        token,
        validation,
        validation_unread,
    }))
}

/// The pre-deployment validation results of a change set (DescribeEvents), each with its fix.
/// A failure to read them does not stop the plan: a failed change set still has its
/// StatusReason, and the reason they could not be read is kept to be shown.
pub async fn validation_of(
    session: &Session,
    change_set: &ChangeSetInfo,
    project: &str,
) -> (Vec<ValidationIssue>, Option<String>) {
    // An ARN names the change set alone; a bare name needs its stack.
    let stack = (!change_set.change_set_id.starts_with("arn:") && !change_set.stack_id.is_empty())
        .then_some(change_set.stack_id.as_str());
    match session
        .change_set_validation_events(&change_set.change_set_id, stack)
        .await
    {
        Ok(events) => (
            events
                .iter()
                .map(|e| ValidationIssue::from_event(e, project))
                .collect(),
            None,
        ),
        Err(e) => {
            tracing::warn!("DescribeEvents failed: {e}");
            (
                Vec::new(),
                Some(format!(
                    "the validation details could not be read ({}: {}){}",
                    e.operation,
                    e.message,
                    e.fix
                        .as_deref()
                        .map(|f| format!("; {f}"))
                        .unwrap_or_default()
                )),
            )
        }
    }
}

/// Poll DescribeChangeSet until it is ready or failed (1 s, then backing off to 5 s).
pub(super) async fn wait_change_set(session: &Session, id: &str) -> Result<ChangeSetInfo, Error> {
    let mut delay = Duration::from_millis(500);
    for _ in 0..120 {
        let info = session.describe_change_set(id).await?;
        if info.status.is_settled() {
            return Ok(info);
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
    Err(Error::failed(
        "cloudformation:DescribeChangeSet",
        "the change set was not ready after 10 minutes",
    ))
}
