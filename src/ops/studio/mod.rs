//! Studio workflows: the domain (create or adopt, wait until InService), user profiles (create
//! concurrently, remove in dependency order), the day-2 listing and sign-in URLs.
//!
//! Every function reports progress as [`StudioMsg`] on a channel and returns owned results;
//! nothing here knows about terminals. Every mutating path first checks `session.read_only` and
//! refuses with a clear message before any AWS call (the SDK interceptor is the backstop).

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::aws::studio::DomainInfo;
use crate::core::field::Field;
use crate::core::params::guardrails::DomainGuardrails;
use crate::ops::Error;

mod apps;
mod domain;
mod guardrails;
mod owner;
mod sweep;
mod users;
mod waiting;

pub use apps::{MAX_DELETE_APP_ATTEMPTS, delete_apps_and_wait, delete_spaces_and_wait};
pub(crate) use domain::bring_space_defaults_up_to_date;
pub use domain::{
    DomainStart, domains_of_stack, ensure_domain, ensure_domain_with, find_domain_in_vpc,
    project_domains, stack_domains, start_domain,
};
pub(crate) use guardrails::bring_guardrails_up_to_date;
pub use guardrails::{
    GuardrailDiff, TypesEnforced, apps_row, audit_summary, shown_hidden, shown_types,
};
pub use owner::{ProjectDomains, StackPlace, left_alone, twins_in_place};
pub use sweep::{clean_nfs_groups, delete_domain_tree, owned_nfs_groups};
pub use users::{
    UserOutcome, UserResult, UserSpec, UserView, create_users, create_users_with,
    domain_with_users, list_users, remove_users, remove_users_with, validate_user_names,
};
pub(crate) use waiting::domain_failed;
pub use waiting::wait_domain_in_service;
// What a progress message says about the domain or a user.
pub use crate::core::status::{DomainPhase, UserPhase};

/// Tag every resource studio-tui creates carries, with `Project=<name>`.
pub const MANAGED_BY: (&str, &str) = ("ManagedBy", "studio-tui");

/// Progress of a Studio workflow, one message per change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StudioMsg {
    /// The domain's state: "creating", "adopted", "updating", "deleted", or its SageMaker status
    /// ("Pending", "InService", "Failed", "Deleting", ...).
    Domain {
        name: String,
        id: Option<String>,
        status: DomainPhase,
        elapsed_secs: u64,
        detail: Option<String>,
    },
    /// One user's state: "creating", "already exists", "failed", "deleting apps", "deleting
    /// spaces", "deleting", "deleted", "not found", or its SageMaker status ("Pending",
    /// "InService", ...).
    User {
        name: String,
        status: UserPhase,
        elapsed_secs: u64,
        detail: Option<String>,
    },
    /// A step worth a line of its own ("deleting app JupyterLab/default of alice").
    Step { text: String },
}

impl StudioMsg {
    /// The domain as DescribeDomain just reported it: its status, and its FailureReason as the
    /// detail.
    pub fn described(d: &DomainInfo, elapsed_secs: u64) -> StudioMsg {
        StudioMsg::Domain {
            name: d.name.clone(),
            id: Some(d.id.clone()),
            status: crate::core::status::DomainPhase::Aws(d.status.clone()),
            elapsed_secs,
            detail: d.failure_reason.clone(),
        }
    }

    /// One line for the plain output.
    pub fn line(&self) -> String {
        let extra = |d: &Option<String>| d.as_ref().map(|d| format!(": {d}")).unwrap_or_default();
        match self {
            StudioMsg::Domain {
                name,
                id,
                status,
                elapsed_secs,
                detail,
            } => format!(
                "domain {name}{} {status} ({elapsed_secs}s){}",
                id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default(),
                extra(detail)
            ),
            StudioMsg::User {
                name,
                status,
                elapsed_secs,
                detail,
            } => format!("user {name} {status} ({elapsed_secs}s){}", extra(detail)),
            StudioMsg::Step { text } => text.clone(),
        }
    }
}

/// Where the progress goes. Sending never fails the workflow (a closed channel is ignored).
pub type Progress = UnboundedSender<StudioMsg>;

fn send(tx: &Progress, msg: StudioMsg) {
    let _ = tx.send(msg);
}

/// What the domain needs from the stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudioNetwork {
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub security_group_id: String,
    pub execution_role_arn: String,
    pub kms_key_arn: Option<String>,
    /// The execution role's trust policy allows SageMaker `sts:SetSourceIdentity`, which per-user
    /// audit (ExecutionRoleIdentityConfig USER_PROFILE_NAME) needs: without it "your actions
    /// fail" (developer guide, "Turn on sourceIdentity in CloudTrail logs"). The template's role
    /// has trusted it since the template took `AllowedInstanceTypes` (the same change): a stack
    /// made from an older template has neither, and its domain gets no audit identity until the
    /// stack is updated. Read from the stack's parameters, not the role (no IAM read needed).
    pub role_trusts_source_identity: bool,
}

impl StudioNetwork {
    /// From the stack's outputs; a missing output is named in the message.
    pub fn from_stack(stack: &StackInfo) -> Result<StudioNetwork, String> {
        let need = |key: &str| {
            stack
                .output(key)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .ok_or_else(|| {
                    format!(
                        "the stack {} ({}) has no output {key}; the Studio domain needs it. \
                         Is the stack complete and made from studio-tui's template?",
                        stack.stack_name, stack.status
                    )
                })
        };
        Ok(StudioNetwork {
            vpc_id: need("VpcId")?,
            subnet_ids: vec![need("SageMakerStudioSubnetId")?],
            security_group_id: need("SageMakerSecurityGroupId")?,
            execution_role_arn: need("ExecutionRoleArn")?,
            kms_key_arn: stack
                .output("StudioKmsKeyArn")
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            role_trusts_source_identity: Field::InstanceTypes.in_stack(&stack.parameters).is_some(),
        })
    }
}

/// Polling with exponential backoff, bounded by a deadline.
#[derive(Debug, Clone, Copy)]
pub struct Poll {
    pub initial: Duration,
    pub max: Duration,
    pub timeout: Duration,
}

impl Poll {
    /// Domains take ~5 minutes; profiles, apps and spaces less.
    pub const DOMAIN: Poll = Poll {
        initial: Duration::from_millis(500),
        max: Duration::from_secs(15),
        timeout: Duration::from_secs(45 * 60),
    };
    pub const RESOURCE: Poll = Poll {
        initial: Duration::from_millis(300),
        max: Duration::from_secs(10),
        timeout: Duration::from_secs(30 * 60),
    };

    fn next(&self, cur: Duration) -> Duration {
        (cur * 3 / 2).min(self.max)
    }
}

fn secs(start: Instant) -> u64 {
    start.elapsed().as_secs()
}

pub(crate) fn timeout_error(op: &str, what: &str, waited: Duration) -> Error {
    Error::failed(
        op,
        format!(
            "{what} did not finish within {} minutes",
            waited.as_secs() / 60
        ),
    )
    .with_fix("check it in the SageMaker console, then run the command again: it resumes")
}

/// Refuse a mutating workflow in read-only mode, before any AWS call.
pub fn refuse_read_only(session: &Session, what: &str) -> Result<(), Error> {
    if session.read_only {
        return Err(Error::read_only(format!(
            "{what} is disabled in read-only mode (--read-only)"
        ))
        .with_fix("run the same command without --read-only to make this change"));
    }
    Ok(())
}

/// What a presigned URL is and who can open it. VpcOnly only decides that the apps' network
/// traffic goes through the VPC; the URL itself opens from any browser unless an IAM policy
/// restricts `sagemaker:CreatePresignedDomainUrl` (AWS enforces that policy on every request of
/// the session too), e.g. with `aws:SourceIp` or `aws:SourceVpce` conditions: see the README.
/// What the domain's identity choice means, said where the domain is configured (the form,
/// `--guided`): AuthMode is set at CreateDomain only.
pub const IDENTITY_NOTE: &str = "IAM auth (permanent; no trusted identity propagation)";

pub const SIGN_IN_NOTE: &str = "Anyone who has this URL can sign in with it from any browser \
until it expires: VpcOnly keeps the apps' network traffic in the VPC, it does not limit where the \
URL opens. To allow sign-in only from your network, restrict sagemaker:CreatePresignedDomainUrl \
in IAM with an aws:SourceIp or aws:SourceVpce condition (README: \"Restricting where Studio \
opens\").";

/// A presigned sign-in URL. ExpiresInSeconds must be 5..=300 (checked before the call).
pub async fn presigned_url(
    session: &Session,
    domain_id: &str,
    user: &str,
    expires_in_seconds: Option<u32>,
) -> Result<String, Error> {
    validate_user_names([user])?;
    if let Some(s) = expires_in_seconds
        && !(5..=300).contains(&s)
    {
        return Err(Error::refused(format!(
            "--expires {s} is out of range; a sign-in URL lasts 5 to 300 seconds"
        )));
    }
    refuse_read_only(session, "creating a sign-in URL")?;
    session
        .create_presigned_domain_url(domain_id, user, expires_in_seconds.map(|s| s as i32))
        .await
        .map_err(Error::from)
}

/// Save the domain's id in the project's run state (kept for a restart and for destroy).
pub fn record_domain(
    store: &crate::state::SharedStore,
    session: &Session,
    project: &str,
    stack_id: &str,
    domain_id: &str,
) {
    let Ok(mut s) = store.lock() else {
        return;
    };
    let mut run =
        s.run(&session.region, project)
            .cloned()
            .unwrap_or_else(|| crate::state::RunState {
                stack_name: project.to_string(),
                stack_id: Some(stack_id.to_string()),
                ..Default::default()
            });
    if run.domain_id.as_deref() != Some(domain_id) {
        run.domain_id = Some(domain_id.to_string());
        if let Err(e) = s.save_run(&session.region, project, run) {
            tracing::warn!("cannot record the domain id: {e}");
        }
    }
}

/// What [`set_up`] did: the domain (created or adopted, InService) and each user's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetUp {
    pub domain: DomainInfo,
    pub users: Vec<UserOutcome>,
}

impl SetUp {
    pub fn is_ok(&self) -> bool {
        self.users.iter().all(UserOutcome::is_ok)
    }
}

/// The Studio half of first-time setup, shared by the wizard and `up`: the domain on the
/// stack's network (created, or adopted when it exists), its id recorded in the run state, then
/// the users (existing ones are reported, not duplicated). Running it again changes nothing.
pub async fn set_up(
    session: &Session,
    store: Option<&crate::state::SharedStore>,
    stack: &StackInfo,
    project: &str,
    guardrails: &DomainGuardrails,
    users: &[String],
    tx: &Progress,
) -> Result<SetUp, Error> {
    if !users.is_empty() {
        validate_user_names(users.iter().map(String::as_str))?;
    }
    if !stack.is_complete() {
        return Err(Error::refused(format!(
            "the stack {} is {}: the Studio domain needs a stack in CREATE_COMPLETE or \
                 UPDATE_COMPLETE",
            stack.stack_name, stack.status
        ))
        .with_fix("deploy the stack first (`studio-tui deploy`), then run this again"));
    }
    let network = StudioNetwork::from_stack(stack).map_err(|m| {
        Error::refused(m)
            .with_fix("deploy studio-tui's template to this stack (`studio-tui deploy`)")
    })?;
    let domain = ensure_domain(session, project, &network, guardrails, tx).await?;
    if let Some(store) = store {
        record_domain(store, session, project, &stack.stack_id, &domain.id);
    }
    let users = if users.is_empty() {
        Vec::new()
    } else {
        let specs = users.iter().map(|n| UserSpec::named(n.as_str())).collect();
        create_users(session, &domain.id, specs, tx).await?
    };
    Ok(SetUp { domain, users })
}

/// [`set_up`] on the project's stack, found by its name (the wizard's Studio step, and `up`
/// when the stack existed already). None when there is no stack to build on; each front-end
/// says so its own way.
pub async fn set_up_project(
    session: &Session,
    store: Option<&crate::state::SharedStore>,
    project: &str,
    guardrails: &DomainGuardrails,
    users: &[String],
    tx: &Progress,
) -> Result<Option<SetUp>, Error> {
    let Some(stack) = session.describe_stack(project).await? else {
        return Ok(None);
    };
    set_up(session, store, &stack, project, guardrails, users, tx)
        .await
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn stack(outputs: &[(&str, &str)]) -> StackInfo {
        StackInfo {
            stack_id: "id".into(),
            stack_name: "demo".into(),
            status: "CREATE_COMPLETE".into(),
            status_reason: None,
            outputs: outputs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            parameters: BTreeMap::new(),
            creation_time: None,
            last_updated_time: None,
        }
    }

    #[test]
    fn network_from_stack_outputs() {
        let s = stack(&[
            ("VpcId", "vpc-1"),
            ("SageMakerStudioSubnetId", "subnet-1"),
            ("SageMakerSecurityGroupId", "sg-1"),
            ("ExecutionRoleArn", "arn:aws:iam::1:role/r"),
            ("StudioKmsKeyArn", "arn:aws:kms:x"),
        ]);
        let n = StudioNetwork::from_stack(&s).unwrap();
        assert_eq!(n.subnet_ids, vec!["subnet-1".to_string()]);
        assert_eq!(n.kms_key_arn.as_deref(), Some("arn:aws:kms:x"));
        let missing = stack(&[("VpcId", "vpc-1")]);
        let e = StudioNetwork::from_stack(&missing).unwrap_err();
        assert!(e.contains("SageMakerStudioSubnetId"), "{e}");
    }

    #[test]
    fn the_role_trusts_set_source_identity_only_on_a_stack_of_the_template_that_added_it() {
        let outputs = [
            ("VpcId", "vpc-1"),
            ("SageMakerStudioSubnetId", "subnet-1"),
            ("SageMakerSecurityGroupId", "sg-1"),
            ("ExecutionRoleArn", "arn:aws:iam::1:role/r"),
        ];
        let old = stack(&outputs);
        assert!(
            !StudioNetwork::from_stack(&old)
                .unwrap()
                .role_trusts_source_identity
        );
        let mut new = stack(&outputs);
        new.parameters
            .insert("AllowedInstanceTypes".into(), "ml.t3.medium".into());
        assert!(
            StudioNetwork::from_stack(&new)
                .unwrap()
                .role_trusts_source_identity
        );
        // The marker holds only while the template has both.
        let t = crate::template::embedded();
        assert!(t.parameter("AllowedInstanceTypes").is_some());
        let role = crate::template::TEMPLATE_YAML
            .split("\n  ExecutionRole:\n")
            .nth(1)
            .and_then(|r| r.split("\n\n").next())
            .unwrap();
        assert!(role.contains("- sts:SetSourceIdentity"), "{role}");
    }

    #[test]
    fn names_are_checked_and_duplicates_refused() {
        assert!(validate_user_names(["alice", "bob-2"]).is_ok());
        let e = validate_user_names(["alice", "alice"]).unwrap_err();
        assert!(e.message().contains("given twice"), "{}", e.message());
        let e = validate_user_names(["al_ice"]).unwrap_err();
        assert!(e.message().contains("al-ice"), "{}", e.message());
        assert!(validate_user_names(Vec::<&str>::new()).is_err());
    }

    #[test]
    fn backoff_grows_to_the_cap() {
        let p = Poll::RESOURCE;
        let mut d = p.initial;
        for _ in 0..30 {
            d = p.next(d);
        }
        assert_eq!(d, p.max);
    }
}
