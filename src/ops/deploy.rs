//! Deploying the environment stack: plan (change set), review, execute, watch the events live,
//! recover from states CloudFormation cannot continue from, and reattach after a restart.
//!
//! Every step reports [`DeployMsg`]s on a channel; the wizard, the line printer and the JSON
//! printer consume the same messages. What was started (stack id, ClientRequestToken, change
//! set) is saved *before* the AWS call that needs it, so a crash or kill -9 never loses track.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::aws::stacks::{
    ChangeSetInfo, ChangeSetKind, StackInfo, TemplateSource, ValidationEvent,
};
use crate::aws::{AwsError, ErrorKind, Session};
use crate::core::clock::now_ms;
use crate::core::params::Parameters;
use crate::core::progress::{StackEvent, Tracker};
use crate::state::{RunState, Store};
use crate::template;

/// Progress of a deployment, as the operation reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeployMsg {
    /// A step of the operation began ("Creating change set").
    Phase { text: String },
    /// An operation was started (or found running) and is being watched.
    Started {
        stack_id: String,
        operation: String,
        client_request_token: Option<String>,
        /// Resources the operation is expected to touch: (logical id, type).
        expected: Vec<(String, String)>,
    },
    /// New events, oldest first; never a duplicate.
    Events { events: Vec<StackEvent> },
    /// The poller backs off (throttling or a dropped connection) and will retry.
    Retrying { after_secs: u64, reason: String },
    /// The operation ended.
    Finished { outcome: Box<DeployOutcome> },
}

/// How an operation ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeployOutcome {
    pub stack_id: String,
    pub status: String,
    pub ok: bool,
    pub outputs: BTreeMap<String, String>,
    /// The failure that started it all, first; then the others.
    pub failures: Vec<StackEvent>,
    pub root_cause: Option<StackEvent>,
    /// All events of the operation, oldest first (for the timeline).
    pub events: Vec<StackEvent>,
}

/// What `plan` found.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// A change set to review; execute it or cancel it.
    Review(Review),
    /// The stack already matches the template and parameters.
    UpToDate(StackInfo),
    /// An operation is already running on the stack: watch it.
    InProgress(StackInfo),
    /// The stack is in a state CloudFormation cannot update from.
    Blocked {
        stack: StackInfo,
        recovery: Recovery,
    },
}

/// How to get out of a blocked state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Recovery {
    /// ROLLBACK_COMPLETE, ROLLBACK_FAILED, CREATE_FAILED, DELETE_FAILED: delete, then create again.
    DeleteAndRetry,
    /// UPDATE_ROLLBACK_FAILED: ContinueUpdateRollback.
    ContinueRollback,
}

impl Recovery {
    pub fn for_status(status: &str) -> Option<Recovery> {
        match status {
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" | "DELETE_FAILED" => {
                Some(Recovery::DeleteAndRetry)
            }
            "UPDATE_ROLLBACK_FAILED" => Some(Recovery::ContinueRollback),
            _ => None,
        }
    }

    /// What to tell the user, with the exact command.
    pub fn explain(self, stack: &str, status: &str) -> String {
        match self {
            Recovery::DeleteAndRetry => format!(
                "stack {stack} is in {status}: CloudFormation cannot update it. Delete it and \
                 deploy again: `studio-tui deploy --recreate` (or press R in the wizard)"
            ),
            Recovery::ContinueRollback => format!(
                "stack {stack} is in {status}: continue the rollback first: `studio-tui deploy \
                 --continue-rollback` (or press C in the wizard)"
            ),
        }
    }
}

/// A change set waiting for the user's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub stack_name: String,
    pub kind: ChangeSetKind,
    pub change_set: ChangeSetInfo,
    /// The ClientRequestToken the execution will carry.
    pub token: String,
    /// CloudFormation's pre-deployment validation of this change set: errors (FAIL mode, the
    /// reason a change set failed) and warnings (WARN mode), each with its fix.
    pub validation: Vec<ValidationIssue>,
    /// The validation events could not be read (DescribeEvents failed): why.
    pub validation_unread: Option<String>,
}

impl Review {
    /// The validation failures that block the change set (FAIL mode).
    pub fn validation_errors(&self) -> impl Iterator<Item = &ValidationIssue> {
        self.validation.iter().filter(|v| !v.is_warning())
    }
}

/// One failure of CloudFormation's pre-deployment validation, with the fix for this project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationIssue {
    /// "error" (FAIL mode: the change set cannot be executed) or "warning" (WARN mode).
    pub severity: &'static str,
    /// The template's logical id (LogicalResourceId).
    pub resource: String,
    /// The resource type (ResourceType).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Where in the template (ValidationPath), e.g. `/Resources/DataBucket`.
    pub path: String,
    /// AWS's reason (ValidationStatusReason).
    pub reason: String,
    /// The validation that failed (ValidationName).
    pub validation: String,
    /// The name that is already taken, when AWS names one.
    pub identifier: Option<String>,
    /// What to do about it.
    pub fix: String,
}

impl ValidationIssue {
    /// WARN mode: the change set can still be executed.
    pub fn is_warning(&self) -> bool {
        self.severity == "warning"
    }

    pub fn from_event(e: &ValidationEvent, project: &str) -> ValidationIssue {
        let identifier = taken_identifier(&e.reason);
        ValidationIssue {
            severity: if e.is_warning() { "warning" } else { "error" },
            resource: e.logical_id.clone(),
            resource_type: e.resource_type.clone(),
            path: e.path.clone(),
            reason: e.reason.clone(),
            validation: e.name.clone(),
            fix: validation_fix(e, identifier.as_deref(), project),
            identifier,
        }
    }
}

/// The name in AWS's reason "Resource of type 'AWS::S3::Bucket' with identifier 'NAME' already
/// exists." (the text AWS returns for a name conflict).
fn taken_identifier(reason: &str) -> Option<String> {
    let rest = reason.split_once("with identifier '")?.1;
    let (id, _) = rest.split_once('\'')?;
    (!id.is_empty()).then(|| id.to_string())
}

/// The fix for one validation failure, worded for its case.
fn validation_fix(e: &ValidationEvent, identifier: Option<&str>, project: &str) -> String {
    let reason = e.reason.to_ascii_lowercase();
    let another = format!(
        "choose another ProjectName (`--project-name`, now {project}; every name in the stack \
         derives from it)"
    );
    if reason.contains("already exists") || e.name.contains("NAME_CONFLICT") {
        let id = identifier.unwrap_or("(the name in the reason)");
        return match e.resource_type.as_str() {
            "AWS::S3::Bucket" => format!(
                "{another}, or delete the bucket `{id}` if it is a leftover of yours (S3 cannot \
                 rename a bucket; bucket names are global: `aws s3api head-bucket --bucket {id}` \
                 answers 403 when another account owns it; `aws s3 rb s3://{id} --force` deletes \
                 yours with its contents)"
            ),
            "AWS::IAM::Role" => format!(
                "{another}, or delete the IAM role `{id}` if it is a leftover (inspect it with \
                 `aws iam get-role --role-name {id}`; role names are unique per account)"
            ),
            "AWS::IAM::ManagedPolicy" => format!(
                "{another}, or delete the IAM policy `{id}` if it is a leftover (inspect it with \
                 `aws iam list-policies --scope Local --query \"Policies[?PolicyName=='{id}']\"`)"
            ),
            "AWS::KMS::Alias" => format!(
                "{another}, or delete the KMS alias `{id}` if it is a leftover (inspect it with \
                 `aws kms describe-key --key-id {id}`; `aws kms delete-alias --alias-name {id}` \
                 removes the alias, not the key)"
            ),
            "AWS::Logs::LogGroup" => format!(
                "{another}, or delete the log group `{id}` if it is a leftover (inspect it with \
                 `aws logs describe-log-groups --log-group-name-prefix {id}`; deleting it deletes \
                 its logs)"
            ),
            other => format!(
                "{another}, or delete the existing {other} `{id}` if it is a leftover (names are \
                 unique per account and region)"
            ),
        };
    }
    if e.resource_type == "AWS::S3::Bucket" && reason.contains("empty") {
        return "CloudFormation deletes only empty buckets: copy out what you need and empty the \
                bucket before executing, or keep the parameters that name it (a new ProjectName \
                replaces the buckets)"
            .to_string();
    }
    let at = if e.path.is_empty() {
        e.logical_id.clone()
    } else {
        e.path.clone()
    };
    format!(
        "the value at {at} does not pass CloudFormation's check of {}: check the parameters that \
         feed it (flags, --config, saved answers); the template is studio-tui's own, so if they \
         are right, report it with this message",
        if e.resource_type.is_empty() {
            "the template"
        } else {
            e.resource_type.as_str()
        }
    )
}

/// Shared handle on the saved state, so a task can record what it started.
pub type SharedStore = Arc<Mutex<Store>>;

/// While watching, DescribeStacks is also asked every this many polls even when the events do not
/// say the stack settled (30 s at the 2 s interval).
const DESCRIBE_EVERY: u32 = 15;

/// How often the poller asks for new events (rain polls every 2 s).
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Now, as RFC 3339 (UTC).
pub(crate) fn rfc3339_now() -> String {
    crate::core::clock::rfc3339(now_ms())
}

fn send(tx: &UnboundedSender<DeployMsg>, msg: DeployMsg) {
    // A closed channel means the front-end left; the operation goes on in AWS regardless.
    let _ = tx.send(msg);
}

fn record(store: &SharedStore, session: &Session, project: &str, f: impl FnOnce(&mut RunState)) {
    if let Ok(mut s) = store.lock() {
        let mut run = s
            .run(&session.region, project)
            .cloned()
            .unwrap_or(RunState {
                stack_name: project.to_string(),
                ..RunState::default()
            });
        run.profile = session.profile.clone();
        f(&mut run);
        if let Err(e) = s.save_run(&session.region, project, run) {
            tracing::warn!("cannot save run state: {e}");
        }
    }
}

/// The template source for CloudFormation: inline when it fits, else staged in S3 (the
/// caller supplies the staging bucket; see [`stage_template`]).
pub fn template_source(body: &str) -> Option<TemplateSource> {
    (body.len() <= template::INLINE_LIMIT).then(|| TemplateSource::Body(body.to_string()))
}

/// Upload a template too large for TemplateBody to `bucket` and return its URL.
pub async fn stage_template(
    session: &Session,
    bucket: &str,
    key: &str,
    body: &str,
) -> Result<TemplateSource, AwsError> {
    let s3 = session.s3();
    if s3.head_bucket().bucket(bucket).send().await.is_err() {
        let mut req = s3.create_bucket().bucket(bucket);
        if session.region != "us-east-1" {
            req = req.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                        session.region.as_str(),
                    ))
                    .build(),
            );
        }
        req.send()
            .await
            .map_err(|e| AwsError::from_sdk("s3:CreateBucket", e, &session.error_context))?;
    }
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from(
            body.as_bytes().to_vec(),
        ))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("s3:PutObject", e, &session.error_context))?;
    let url = match &session.endpoint_url {
        Some(ep) => format!("{}/{bucket}/{key}", ep.trim_end_matches('/')),
        None => format!("https://{bucket}.s3.{}.amazonaws.com/{key}", session.region),
    };
    Ok(TemplateSource::Url(url))
}

/// Look at the stack and prepare what comes next: a change set to review, or why not.
pub async fn plan(
    session: &Session,
    store: &SharedStore,
    params: &Parameters,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Plan, AwsError> {
    plan_with_template(session, store, params, template::TEMPLATE_YAML, tx).await
}

/// [`plan`] with another template body (a template too large to send inline is staged in S3).
/// The stack runs this template with these parameters already: no change set is needed, so
/// none is created (a rerun makes no mutating call). Any doubt (a failed read) says no.
async fn matches_stack(
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
    body: &str,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<Plan, AwsError> {
    let stack_name = params.project_name.clone();
    send(
        tx,
        DeployMsg::Phase {
            text: format!("Looking up stack {stack_name}"),
        },
    );
    let existing = session.describe_stack(&stack_name).await?;
    let kind = match &existing {
        None => ChangeSetKind::Create,
        Some(s) if s.status == "REVIEW_IN_PROGRESS" => ChangeSetKind::Create,
        Some(s) if s.is_in_progress() => return Ok(Plan::InProgress(s.clone())),
        Some(s) => {
            if let Some(recovery) = Recovery::for_status(&s.status) {
                return Ok(Plan::Blocked {
                    stack: s.clone(),
                    recovery,
                });
            }
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
async fn wait_change_set(session: &Session, id: &str) -> Result<ChangeSetInfo, AwsError> {
    let mut delay = Duration::from_millis(500);
    for _ in 0..120 {
        let info = session.describe_change_set(id).await?;
        match info.status.as_str() {
            "CREATE_COMPLETE" | "FAILED" | "DELETE_COMPLETE" | "DELETE_FAILED" => {
                return Ok(info);
            }
            _ => {}
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
    Err(AwsError::new(
        ErrorKind::Other,
        "cloudformation:DescribeChangeSet",
        "the change set was not ready after 10 minutes",
    ))
}

/// Cancel a review: delete the change set, and the empty stack a CREATE change set leaves.
pub async fn cancel(
    session: &Session,
    store: &SharedStore,
    review: &Review,
) -> Result<(), AwsError> {
    session
        .delete_change_set(&review.change_set.change_set_id)
        .await?;
    if review.kind == ChangeSetKind::Create
        && let Some(s) = session.describe_stack(&review.change_set.stack_id).await?
        && s.status == "REVIEW_IN_PROGRESS"
    {
        let token = format!("studio-tui-{}", uuid::Uuid::new_v4());
        session.delete_stack(&s.stack_id, &token, &[]).await?;
    }
    if let Ok(mut s) = store.lock() {
        let _ = s.forget_run(&session.region, &review.stack_name);
    }
    Ok(())
}

/// Execute a reviewed change set and watch it to the end.
pub async fn execute(
    session: &Session,
    store: &SharedStore,
    review: &Review,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, AwsError> {
    let w = begin_execute(session, store, review, tx).await?;
    follow(session, w, tx).await
}

/// Execute a reviewed change set and return the watch over it, without waiting (the caller
/// polls it: [`follow`], or the overlapped first-time setup in `ops::up`).
pub async fn begin_execute(
    session: &Session,
    store: &SharedStore,
    review: &Review,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<StackWatch, AwsError> {
    let operation = match review.kind {
        ChangeSetKind::Create => "create",
        ChangeSetKind::Update => "update",
    };
    let since = now_ms() - 5_000;
    // Saved before the call: a crash right after it still knows what to reattach to.
    record(store, session, &review.stack_name, |r| {
        r.stack_id = Some(review.change_set.stack_id.clone());
        r.operation = Some(operation.to_string());
        r.client_request_token = Some(review.token.clone());
        r.change_set_id = Some(review.change_set.change_set_id.clone());
        r.started_at = Some(rfc3339_now());
    });
    send(
        tx,
        DeployMsg::Phase {
            text: "Executing the change set".into(),
        },
    );
    session
        .execute_change_set(&review.change_set.change_set_id, &review.token)
        .await?;
    let expected: Vec<(String, String)> = review
        .change_set
        .changes
        .iter()
        .map(|c| (c.logical_id.clone(), c.resource_type.clone()))
        .collect();
    Ok(StackWatch::new(
        &review.change_set.stack_id,
        operation,
        Some(review.token.clone()),
        since,
        expected,
        POLL_INTERVAL,
        tx,
    ))
}

/// Poll a watch to the operation's end.
pub async fn follow(
    session: &Session,
    mut w: StackWatch,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, AwsError> {
    loop {
        let step = w.poll(session).await?;
        for m in step.messages {
            send(tx, m);
        }
        if let Some(o) = step.outcome {
            return Ok(o);
        }
        tokio::time::sleep(w.delay()).await;
    }
}

/// A new ClientRequestToken for an operation on `stack`, recorded in the run state before the
/// call that starts it; returns it with the time from which its events count.
fn begin_operation(
    store: &SharedStore,
    session: &Session,
    stack: &StackInfo,
    operation: &str,
) -> (String, i64) {
    let token = format!("studio-tui-{}", uuid::Uuid::new_v4());
    record(store, session, &stack.stack_name, |r| {
        r.stack_id = Some(stack.stack_id.clone());
        r.operation = Some(operation.to_string());
        r.client_request_token = Some(token.clone());
        r.started_at = Some(rfc3339_now());
    });
    (token, now_ms() - 5_000)
}

/// Delete the stack (recovery, or teardown) and watch it to the end.
pub async fn delete_and_watch(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, AwsError> {
    let (token, since) = begin_operation(store, session, stack, "delete");
    send(
        tx,
        DeployMsg::Phase {
            text: format!("Deleting stack {} ({})", stack.stack_name, stack.status),
        },
    );
    session.delete_stack(&stack.stack_id, &token, &[]).await?;
    let expected = session
        .stack_resources(&stack.stack_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.status != "DELETE_COMPLETE")
        .map(|r| (r.logical_id, r.resource_type))
        .collect();
    watch(
        session,
        &stack.stack_id,
        "delete",
        Some(token),
        since,
        expected,
        tx,
    )
    .await
}

/// Continue a failed update rollback and watch it.
pub async fn continue_rollback(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, AwsError> {
    let (token, since) = begin_operation(store, session, stack, "continue-rollback");
    session
        .continue_update_rollback(&stack.stack_id, &token)
        .await?;
    watch(
        session,
        &stack.stack_id,
        "continue-rollback",
        Some(token),
        since,
        Vec::new(),
        tx,
    )
    .await
}

/// Reattach to whatever runs on the stack now (after a restart or kill -9): use the saved
/// ClientRequestToken when it belongs to the running operation, so every event it missed is
/// replayed, then follow it to the end.
pub async fn reattach(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, AwsError> {
    let w = begin_reattach(session, store, stack, tx).await?;
    follow(session, w, tx).await
}

/// [`reattach`] without waiting: the watch over the running operation, and what it is (the
/// saved operation name: "create", "update", … or "operation" when nothing was saved).
pub async fn begin_reattach(
    session: &Session,
    store: &SharedStore,
    stack: &StackInfo,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<StackWatch, AwsError> {
    let saved = store
        .lock()
        .ok()
        .and_then(|s| s.run(&session.region, &stack.stack_name).cloned());
    // The latest events tell which token the running operation carries.
    let (page, _) = session.stack_events_page(&stack.stack_id, None).await?;
    let running_token = page.first().and_then(|e| e.client_request_token.clone());
    let token = match (&saved, &running_token) {
        (Some(r), Some(t)) if r.client_request_token.as_ref() == Some(t) => Some(t.clone()),
        (_, Some(t)) => Some(t.clone()),
        _ => None,
    };
    let operation = match saved.and_then(|r| r.operation) {
        Some(op) => op,
        // Nothing saved (another machine, or a lost state file): the stack's status says it.
        None if stack.status == "CREATE_IN_PROGRESS" => "create".into(),
        None => "operation".into(),
    };
    let since = if token.is_some() {
        0
    } else {
        now_ms() - 60 * 60 * 1000
    };
    let expected = session
        .stack_resources(&stack.stack_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.logical_id, r.resource_type))
        .collect();
    Ok(StackWatch::new(
        &stack.stack_id,
        &operation,
        token,
        since,
        expected,
        POLL_INTERVAL,
        tx,
    ))
}

/// Fetch every event newer than what the tracker has seen: page 1, and further pages only while
/// each page is entirely new (stop paging at the first EventId already seen).
pub async fn poll_events(
    session: &Session,
    stack_id: &str,
    tracker: &mut Tracker,
) -> Result<Vec<StackEvent>, AwsError> {
    let mut pages = Vec::new();
    let mut next = None;
    loop {
        let (page, token) = session.stack_events_page(stack_id, next).await?;
        let more = tracker.needs_more(&page) && token.is_some();
        pages.push(page);
        if !more {
            break;
        }
        next = token;
    }
    Ok(tracker.ingest_pages(&pages))
}

/// Follow an operation to its end: events every [`POLL_INTERVAL`], backoff on throttling and
/// dropped connections, one final poll after the stack settles.
pub async fn watch(
    session: &Session,
    stack_id: &str,
    operation: &str,
    token: Option<String>,
    since_ms: i64,
    expected: Vec<(String, String)>,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, AwsError> {
    watch_with_interval(
        session,
        stack_id,
        operation,
        token,
        since_ms,
        expected,
        tx,
        POLL_INTERVAL,
    )
    .await
}

/// [`watch`] with an explicit poll interval (tests use a short one).
#[allow(clippy::too_many_arguments)]
pub async fn watch_with_interval(
    session: &Session,
    stack_id: &str,
    operation: &str,
    token: Option<String>,
    since_ms: i64,
    expected: Vec<(String, String)>,
    tx: &UnboundedSender<DeployMsg>,
    interval: Duration,
) -> Result<DeployOutcome, AwsError> {
    let w = StackWatch::new(stack_id, operation, token, since_ms, expected, interval, tx);
    follow(session, w, tx).await
}

/// What one poll of a [`StackWatch`] found.
#[derive(Debug, Default)]
pub struct WatchStep {
    /// Messages to pass on, in order (new events, a retry notice, the end).
    pub messages: Vec<DeployMsg>,
    /// The operation ended (its `Finished` message is the last of `messages`).
    pub outcome: Option<DeployOutcome>,
}

/// One stack operation followed poll by poll: the caller owns the schedule, so other work (the
/// overlapped Studio domain) is polled on the same tick instead of a loop of its own. Events
/// every poll; DescribeStacks only on the first poll, when the events say the stack settled,
/// and every [`DESCRIBE_EVERY`] polls as a safety net; backoff on throttling and dropped
/// connections; one final events poll after the stack settles.
#[derive(Debug)]
pub struct StackWatch {
    stack_id: String,
    operation: String,
    tracker: Tracker,
    interval: Duration,
    backoff: Duration,
    failures_in_a_row: u32,
    polls: u32,
    /// The latest DescribeStacks answer (None before the first, or when the stack is gone).
    pub stack: Option<StackInfo>,
}

impl StackWatch {
    /// Start following: the `Started` message goes out first, on `tx`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        stack_id: &str,
        operation: &str,
        token: Option<String>,
        since_ms: i64,
        expected: Vec<(String, String)>,
        interval: Duration,
        tx: &UnboundedSender<DeployMsg>,
    ) -> StackWatch {
        let mut tracker = Tracker::new(token.clone(), since_ms);
        tracker.expect_resources(expected.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        send(
            tx,
            DeployMsg::Started {
                stack_id: stack_id.to_string(),
                operation: operation.to_string(),
                client_request_token: token,
                expected,
            },
        );
        StackWatch {
            stack_id: stack_id.to_string(),
            operation: operation.to_string(),
            tracker,
            interval,
            backoff: interval,
            failures_in_a_row: 0,
            polls: 0,
            stack: None,
        }
    }

    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    pub fn stack_id(&self) -> &str {
        &self.stack_id
    }

    /// "create", "update", "delete", … as started or saved.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The stack's operation failed: a resource failed, or the stack rolls back or ended in a
    /// state that is not a success. Known from the events before DescribeStacks says so.
    pub fn failing(&self) -> bool {
        let status = self
            .stack
            .as_ref()
            .map(|s| s.status.as_str())
            .into_iter()
            .chain(self.tracker.stack_status.as_deref());
        status
            .into_iter()
            .any(|s| s.contains("ROLLBACK") || s.ends_with("_FAILED"))
            || self
                .tracker
                .resources()
                .any(|r| r.state == crate::core::progress::ResourceState::Failed)
    }

    /// How long to wait before the next poll (the interval, or the backoff after a fault).
    pub fn delay(&self) -> Duration {
        if self.failures_in_a_row > 0 {
            self.backoff
        } else {
            self.interval
        }
    }

    /// One poll. A transient fault becomes a `Retrying` message (up to 20 in a row); any
    /// other error is returned.
    pub async fn poll(&mut self, session: &Session) -> Result<WatchStep, AwsError> {
        self.polls += 1;
        let mut out = WatchStep::default();
        let step = async {
            let new = poll_events(session, &self.stack_id, &mut self.tracker).await?;
            let describe = self.polls == 1
                || self.tracker.settled()
                || self.polls.is_multiple_of(DESCRIBE_EVERY);
            let stack = if describe {
                Some(session.describe_stack(&self.stack_id).await?)
            } else {
                None
            };
            Ok::<_, AwsError>((new, stack))
        }
        .await;
        match step {
            Ok((new, described)) => {
                self.failures_in_a_row = 0;
                self.backoff = self.interval;
                if !new.is_empty() {
                    out.messages.push(DeployMsg::Events { events: new });
                }
                let Some(stack) = described else {
                    return Ok(out);
                };
                self.stack = stack.clone();
                let settled = match &stack {
                    None => true,
                    Some(s) => !s.is_in_progress(),
                };
                if settled {
                    // One final poll: events written just before the status flipped.
                    if let Ok(new) = poll_events(session, &self.stack_id, &mut self.tracker).await
                        && !new.is_empty()
                    {
                        out.messages.push(DeployMsg::Events { events: new });
                    }
                    let o = outcome(&self.stack_id, stack, &self.tracker);
                    out.messages.push(DeployMsg::Finished {
                        outcome: Box::new(o.clone()),
                    });
                    out.outcome = Some(o);
                }
                Ok(out)
            }
            Err(e) if e.is_transient() && self.failures_in_a_row < 20 => {
                self.failures_in_a_row += 1;
                self.backoff = (self.backoff * 2).min(Duration::from_secs(30));
                out.messages.push(DeployMsg::Retrying {
                    after_secs: self.backoff.as_secs(),
                    reason: e.message.clone(),
                });
                Ok(out)
            }
            Err(e) => Err(e),
        }
    }
}

fn outcome(stack_id: &str, stack: Option<StackInfo>, tracker: &Tracker) -> DeployOutcome {
    let status = stack
        .as_ref()
        .map(|s| s.status.clone())
        .or_else(|| tracker.stack_status.clone())
        .unwrap_or_else(|| "DELETE_COMPLETE".into());
    let ok = matches!(
        status.as_str(),
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "DELETE_COMPLETE" | "IMPORT_COMPLETE"
    );
    DeployOutcome {
        stack_id: stack_id.to_string(),
        ok,
        outputs: stack.map(|s| s.outputs).unwrap_or_default(),
        failures: tracker.failures().into_iter().cloned().collect(),
        root_cause: tracker.root_cause().cloned(),
        events: tracker.events.clone(),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_by_status() {
        assert_eq!(
            Recovery::for_status("ROLLBACK_COMPLETE"),
            Some(Recovery::DeleteAndRetry)
        );
        assert_eq!(
            Recovery::for_status("UPDATE_ROLLBACK_FAILED"),
            Some(Recovery::ContinueRollback)
        );
        assert_eq!(Recovery::for_status("CREATE_COMPLETE"), None);
        assert!(
            Recovery::DeleteAndRetry
                .explain("demo", "ROLLBACK_COMPLETE")
                .contains("--recreate")
        );
    }

    fn event(ty: &str, reason: &str, mode: &str) -> ValidationEvent {
        ValidationEvent {
            logical_id: "Thing".into(),
            resource_type: ty.into(),
            path: "/Resources/Thing".into(),
            reason: reason.into(),
            name: "NAME_CONFLICT_VALIDATION".into(),
            failure_mode: mode.into(),
            status: "FAILED".into(),
        }
    }

    fn conflict(ty: &str, id: &str) -> ValidationIssue {
        ValidationIssue::from_event(
            &event(
                ty,
                &format!("Resource of type '{ty}' with identifier '{id}' already exists."),
                "FAIL",
            ),
            "demo",
        )
    }

    #[test]
    fn each_name_conflict_gets_its_own_fix() {
        let bucket = conflict("AWS::S3::Bucket", "demo-data");
        assert_eq!(bucket.severity, "error");
        assert_eq!(bucket.identifier.as_deref(), Some("demo-data"));
        assert!(
            bucket.fix.contains("choose another ProjectName"),
            "{}",
            bucket.fix
        );
        assert!(
            bucket.fix.contains("the bucket `demo-data`"),
            "{}",
            bucket.fix
        );
        assert!(
            bucket
                .fix
                .contains("aws s3api head-bucket --bucket demo-data")
        );

        let role = conflict("AWS::IAM::Role", "demo-notebook-role");
        assert!(
            role.fix
                .contains("aws iam get-role --role-name demo-notebook-role")
        );
        let alias = conflict("AWS::KMS::Alias", "alias/demo-s3");
        assert!(
            alias
                .fix
                .contains("aws kms describe-key --key-id alias/demo-s3")
        );
        let logs = conflict(
            "AWS::Logs::LogGroup",
            "/aws/vendedlogs/demo/network-firewall/alert",
        );
        assert!(logs.fix.contains(
            "aws logs describe-log-groups --log-group-name-prefix /aws/vendedlogs/demo/network-firewall/alert"
        ));
        let other = conflict("AWS::NetworkFirewall::Firewall", "demo-firewall");
        assert!(
            other
                .fix
                .contains("the existing AWS::NetworkFirewall::Firewall `demo-firewall`")
        );
    }

    #[test]
    fn warnings_emptiness_and_property_failures_are_worded_for_their_case() {
        let mut e = event(
            "AWS::S3::Bucket",
            "Bucket demo-data is not empty and cannot be deleted.",
            "WARN",
        );
        e.name = "S3_BUCKET_EMPTINESS_VALIDATION".into();
        let warn = ValidationIssue::from_event(&e, "demo");
        assert!(warn.is_warning());
        assert_eq!(warn.severity, "warning");
        assert!(
            warn.fix.contains("deletes only empty buckets"),
            "{}",
            warn.fix
        );

        let mut p = event(
            "AWS::EC2::Subnet",
            "#/CidrBlock: expected type: String, found: Integer",
            "",
        );
        p.path = "/Resources/StudioSubnet/Properties/CidrBlock".into();
        p.name = "PROPERTY_VALIDATION".into();
        let prop = ValidationIssue::from_event(&p, "demo");
        assert_eq!(prop.severity, "error");
        assert_eq!(prop.identifier, None);
        assert!(
            prop.fix
                .contains("the value at /Resources/StudioSubnet/Properties/CidrBlock"),
            "{}",
            prop.fix
        );
        assert!(prop.fix.contains("AWS::EC2::Subnet"));

        let review = Review {
            stack_name: "demo".into(),
            kind: ChangeSetKind::Update,
            change_set: ChangeSetInfo {
                change_set_id: "cs".into(),
                stack_id: "st".into(),
                status: "FAILED".into(),
                status_reason: None,
                execution_status: None,
                changes: vec![],
            },
            token: "t".into(),
            validation: vec![warn, prop.clone()],
            validation_unread: None,
        };
        assert_eq!(review.validation_errors().collect::<Vec<_>>(), vec![&prop]);
    }

    #[test]
    fn the_embedded_template_goes_inline() {
        assert!(matches!(
            template_source(template::TEMPLATE_YAML),
            Some(TemplateSource::Body(_))
        ));
        assert!(template_source(&"x".repeat(template::INLINE_LIMIT + 1)).is_none());
    }
}
