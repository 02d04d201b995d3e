//! Deploying the environment stack: plan (change set), review, execute, watch the events live,
//! recover from states CloudFormation cannot continue from, and reattach after a restart.
//!
//! Every step reports [`DeployMsg`]s on a channel; the wizard, the line printer and the JSON
//! printer consume the same messages. What was started (stack id, ClientRequestToken, change
//! set) is saved *before* the AWS call that needs it, so a crash or kill -9 never loses track.

use std::collections::BTreeMap;

use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::aws::Session;
use crate::aws::stacks::{
    ChangeSetInfo, ChangeSetKind, StackInfo, TemplateSource, ValidationEvent,
};
use crate::core::clock::now_ms;
use crate::core::progress::StackEvent;
use crate::core::status::{ChangeSetStatus, StackStatus};
use crate::state::{RunState, SharedStore};
use crate::template;

mod execute;
mod plan;
mod policy;
mod watch;

pub use execute::{
    begin_execute, begin_reattach, cancel, continue_rollback, delete_and_watch, execute, follow,
    reattach,
};
pub use plan::{plan, plan_with_template, stage_template, validation_of};
pub use policy::{Allow, Settled, ask, recover, settle};
pub use watch::{StackWatch, WatchStep, latest_operation, poll_events, watch, watch_with_interval};

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
    pub status: StackStatus,
    pub ok: bool,
    pub outputs: BTreeMap<String, String>,
    /// The failure that started it all, first; then the others.
    pub failures: Vec<StackEvent>,
    pub root_cause: Option<StackEvent>,
    /// All events of the operation, oldest first (for the timeline).
    pub events: Vec<StackEvent>,
}

impl DeployOutcome {
    /// A recovery left a stack to plan on again: the delete went through, or the rollback
    /// ended in UPDATE_ROLLBACK_COMPLETE.
    pub fn recovered(&self) -> bool {
        self.ok || self.status == StackStatus::UpdateRollbackComplete
    }
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
    /// The recovery a stack in `status` needs, None when CloudFormation can go on from it.
    pub fn for_status(status: &(impl AsRef<str> + ?Sized)) -> Option<Recovery> {
        match StackStatus::from_aws_str(status.as_ref()) {
            StackStatus::RollbackComplete
            | StackStatus::RollbackFailed
            | StackStatus::CreateFailed
            | StackStatus::DeleteFailed => Some(Recovery::DeleteAndRetry),
            StackStatus::UpdateRollbackFailed => Some(Recovery::ContinueRollback),
            _ => None,
        }
    }

    /// What to tell the user, with the exact command.
    pub fn explain(self, stack: &str, status: &(impl AsRef<str> + ?Sized)) -> String {
        let status = status.as_ref();
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

/// The template's IAM policy that lets the Studio role use the buckets admitted on purpose
/// (present only when `AllowedBuckets` is not empty).
const ADMITTED_BUCKETS_POLICY: &str = "AdmittedBucketsPolicy";

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
    /// What the review must say beyond the list of changes: consequences a change's resource
    /// type and action carry that CloudFormation's change set does not show.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let policy_changes = self.change_set.changes.iter().any(|c| {
            c.resource_type == "AWS::NetworkFirewall::FirewallPolicy"
                && matches!(c.action.as_str(), "Add" | "Modify")
                && self.kind != ChangeSetKind::Create
        });
        if policy_changes {
            out.push(
                "The firewall policy changes: Network Firewall may restart its stateful engine \
                 to apply it, which drops connections open at that moment (downloads in \
                 notebooks); traffic flows again on the new policy, which drops and logs every \
                 flow the allow list does not pass."
                    .to_string(),
            );
        }
        let admitted = |actions: &[&str]| {
            self.change_set.changes.iter().any(|c| {
                c.logical_id == ADMITTED_BUCKETS_POLICY && actions.contains(&c.action.as_str())
            })
        };
        if admitted(&["Add", "Modify"]) {
            out.push(
                "Buckets are admitted on purpose (AllowedBuckets): the S3 endpoint's policy and \
                 the Studio role let notebooks read and write them, so each one is a place a \
                 notebook can copy the fenced data to."
                    .to_string(),
            );
        } else if admitted(&["Remove"]) {
            out.push(
                "No bucket is admitted on purpose any more: the S3 endpoint and the Studio role \
                 go back to the project's buckets (and ECR's image layers)."
                    .to_string(),
            );
        }
        out
    }

    /// The logical ids of the changes a reviewer should look at twice (IAM, security groups,
    /// bucket and endpoint policies, firewall rules, KMS keys).
    pub fn security_relevant(&self) -> Vec<&str> {
        self.change_set
            .changes
            .iter()
            .filter(|c| crate::aws::stacks::is_security_relevant(&c.resource_type))
            .map(|c| c.logical_id.as_str())
            .collect()
    }

    /// The validation failures that block the change set (FAIL mode).
    pub fn validation_errors(&self) -> impl Iterator<Item = &ValidationIssue> {
        self.validation.iter().filter(|v| !v.is_warning())
    }

    /// The change set can be executed (CREATE_COMPLETE); anything else failed or is not ready.
    pub fn is_executable(&self) -> bool {
        self.change_set.status == ChangeSetStatus::CreateComplete
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
        // The name comes from AWS's reason text and goes into commands to paste: only a name
        // of the characters AWS resource names use, quoted for the shell.
        let quoted = identifier
            .filter(|i| {
                i.len() <= 512
                    && i.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-/+=,@#".contains(c))
            })
            .and_then(crate::core::shown::shell_word);
        let id = quoted.as_deref().unwrap_or("(the name in the reason)");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::stacks::PlannedChange;

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
    fn the_review_says_when_buckets_are_admitted_or_no_longer() {
        let change = |action: &str, logical_id: &str, resource_type: &str| PlannedChange {
            action: action.into(),
            logical_id: logical_id.into(),
            physical_id: None,
            resource_type: resource_type.into(),
            replacement: None,
            scope: vec![],
            drift: None,
        };
        let review = |changes: Vec<PlannedChange>| Review {
            stack_name: "demo".into(),
            kind: ChangeSetKind::Update,
            change_set: ChangeSetInfo {
                change_set_id: "cs".into(),
                stack_id: "st".into(),
                status: "CREATE_COMPLETE".into(),
                status_reason: None,
                execution_status: None,
                changes,
            },
            token: "t".into(),
            validation: vec![],
            validation_unread: None,
        };
        let endpoint = change("Modify", "S3VPCEndpoint", "AWS::EC2::VPCEndpoint");
        let added = review(vec![
            endpoint.clone(),
            change("Add", "AdmittedBucketsPolicy", "AWS::IAM::ManagedPolicy"),
        ]);
        assert_eq!(added.notes().len(), 1);
        assert!(added.notes()[0].contains("copy the fenced data"));
        assert!(added.security_relevant().contains(&"AdmittedBucketsPolicy"));
        let removed = review(vec![
            endpoint.clone(),
            change("Remove", "AdmittedBucketsPolicy", "AWS::IAM::ManagedPolicy"),
        ]);
        assert!(removed.notes()[0].starts_with("No bucket is admitted"));
        assert!(review(vec![endpoint]).notes().is_empty());
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
