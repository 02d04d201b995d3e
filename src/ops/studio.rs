//! Studio workflows: the domain (create or adopt, wait until InService), user profiles (create
//! concurrently, remove in dependency order), the day-2 listing and sign-in URLs.
//!
//! Every function reports progress as [`StudioMsg`] on a channel and returns owned results;
//! nothing here knows about terminals. Every mutating path first checks `session.read_only` and
//! refuses with a clear message before any AWS call (the SDK interceptor is the backstop).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use crate::aws::stacks::StackInfo;
use crate::aws::studio::{AppInfo, DomainInfo, DomainSpec, SpaceInfo, UserProfileInfo};
use crate::aws::{AwsError, ErrorKind, Session};
use crate::core::params::validate_user_profile_name;

/// Tag every resource studio-tui creates carries, with `Project=<name>`.
pub const MANAGED_BY: (&str, &str) = ("ManagedBy", "studio-tui");

/// Progress of a Studio workflow, one message per change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StudioMsg {
    /// The domain's state: "creating", "adopted", "Pending", "InService", "Failed", "Deleting",
    /// "deleted".
    Domain {
        name: String,
        id: Option<String>,
        status: String,
        elapsed_secs: u64,
        detail: Option<String>,
    },
    /// One user's state: "creating", "Pending", "InService", "already exists", "failed",
    /// "deleting apps", "deleting spaces", "deleting", "deleted", "not found".
    User {
        name: String,
        status: String,
        elapsed_secs: u64,
        detail: Option<String>,
    },
    /// A step worth a line of its own ("deleting app JupyterLab/default of alice").
    Step { text: String },
}

impl StudioMsg {
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

pub(crate) fn timeout_error(op: &str, what: &str, waited: Duration) -> AwsError {
    AwsError::new(
        ErrorKind::Other,
        op,
        format!(
            "{what} did not finish within {} minutes",
            waited.as_secs() / 60
        ),
    )
    .with_fix("check it in the SageMaker console, then run the command again: it resumes")
}

/// Refuse a mutating workflow in read-only mode, before any AWS call.
pub fn refuse_read_only(session: &Session, what: &str) -> Result<(), AwsError> {
    if session.read_only {
        return Err(AwsError::new(
            ErrorKind::ReadOnly,
            "read-only",
            format!("{what} is disabled in read-only mode (--read-only)"),
        )
        .with_fix("run the same command without --read-only to make this change"));
    }
    Ok(())
}

/// The project's domain (DomainName = project name), described, or None.
pub async fn find_domain(session: &Session, project: &str) -> Result<Option<DomainInfo>, AwsError> {
    let domains = session.list_domains().await?;
    // A domain that is being deleted is not the project's domain any more.
    let found = domains
        .iter()
        .filter(|d| d.name == project && d.status != "Deleting")
        .max_by_key(|d| d.status == "InService");
    match found {
        Some(d) => session.describe_domain(&d.id).await,
        None => Ok(None),
    }
}

pub(crate) fn domain_failed(d: &DomainInfo) -> AwsError {
    AwsError::new(
        ErrorKind::Other,
        "sagemaker:CreateDomain",
        format!(
            "the Studio domain {} ({}) failed: {}",
            d.name,
            d.id,
            d.failure_reason.as_deref().unwrap_or("no reason given")
        ),
    )
    .with_fix(
        "the stack is kept. Fix the cause, then run `studio-tui up` again (or open Studio set-up \
         in the wizard): the failed domain is deleted and only the domain is created again",
    )
}

/// Wait until the domain is InService (Ok), Failed (Err with FailureReason) or gone (Err).
pub async fn wait_domain_in_service(
    session: &Session,
    id: &str,
    name: &str,
    start: Instant,
    poll: Poll,
    tx: &Progress,
) -> Result<DomainInfo, AwsError> {
    let mut delay = poll.initial;
    let mut last = String::new();
    loop {
        let Some(d) = session.describe_domain(id).await? else {
            return Err(AwsError::new(
                ErrorKind::NotFound,
                "sagemaker:DescribeDomain",
                format!("the Studio domain {name} ({id}) disappeared while being created"),
            ));
        };
        if d.status != last {
            last = d.status.clone();
            send(
                tx,
                StudioMsg::Domain {
                    name: name.to_string(),
                    id: Some(id.to_string()),
                    status: d.status.clone(),
                    elapsed_secs: secs(start),
                    detail: d.failure_reason.clone(),
                },
            );
        }
        match d.status.as_str() {
            "InService" => return Ok(d),
            "Failed" | "Update_Failed" | "Delete_Failed" => return Err(domain_failed(&d)),
            _ => {}
        }
        if start.elapsed() > poll.timeout {
            return Err(timeout_error(
                "sagemaker:DescribeDomain",
                "the Studio domain",
                poll.timeout,
            ));
        }
        tokio::time::sleep(delay).await;
        delay = poll.next(delay);
    }
}

/// Create the project's domain, or adopt the one that exists (never a second one), and wait
/// until it is InService.
pub async fn ensure_domain(
    session: &Session,
    project: &str,
    network: &StudioNetwork,
    tx: &Progress,
) -> Result<DomainInfo, AwsError> {
    ensure_domain_with(session, project, network, Poll::DOMAIN, tx).await
}

pub async fn ensure_domain_with(
    session: &Session,
    project: &str,
    network: &StudioNetwork,
    poll: Poll,
    tx: &Progress,
) -> Result<DomainInfo, AwsError> {
    let start = Instant::now();
    let begun = start_domain(session, project, network, tx).await?;
    if !begun.adopted && matches!(begun.domain.status.as_str(), "InService" | "Failed") {
        // Settled at once (an unpaced sandbox): said as the wait would have said it.
        send(
            tx,
            StudioMsg::Domain {
                name: project.to_string(),
                id: Some(begun.domain.id.clone()),
                status: begun.domain.status.clone(),
                elapsed_secs: secs(start),
                detail: begun.domain.failure_reason.clone(),
            },
        );
    }
    let d = match begun.domain.status.as_str() {
        "InService" => begun.domain,
        "Failed" => return Err(domain_failed(&begun.domain)),
        _ => wait_domain_in_service(session, &begun.domain.id, project, start, poll, tx).await?,
    };
    if begun.adopted {
        return bring_space_defaults_up_to_date(session, d, network, start, poll, tx).await;
    }
    Ok(d)
}

/// What [`start_domain`] found or made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainStart {
    /// As described right after (a new domain is Pending).
    pub domain: DomainInfo,
    /// The domain existed: adopted, not created.
    pub adopted: bool,
}

/// Find the project's domain or create it, without waiting for it (never a second one). A
/// domain that ended in Failed (an earlier attempt) is deleted with what SageMaker left in the
/// VPC, then created again: the retry after a failed domain builds only the domain.
pub async fn start_domain(
    session: &Session,
    project: &str,
    network: &StudioNetwork,
    tx: &Progress,
) -> Result<DomainStart, AwsError> {
    if let Some(d) = find_domain(session, project).await? {
        if d.status != "Failed" {
            let mut detail = None;
            if d.vpc_id.as_deref().is_some_and(|v| v != network.vpc_id) {
                detail = Some(format!(
                    "it is in {} but the stack's VPC is {}",
                    d.vpc_id.as_deref().unwrap_or("?"),
                    network.vpc_id
                ));
            }
            send(
                tx,
                StudioMsg::Domain {
                    name: project.to_string(),
                    id: Some(d.id.clone()),
                    status: "adopted".into(),
                    elapsed_secs: 0,
                    detail,
                },
            );
            return Ok(DomainStart {
                domain: d,
                adopted: true,
            });
        }
        refuse_read_only(session, "replacing the failed Studio domain")?;
        send(
            tx,
            StudioMsg::Step {
                text: format!(
                    "the Studio domain {} ({}) failed earlier ({}): deleting it, then creating it again",
                    d.name,
                    d.id,
                    d.failure_reason.as_deref().unwrap_or("no reason given")
                ),
            },
        );
        crate::ops::destroy::delete_domain_tree(session, &d, Poll::DOMAIN, tx).await?;
        if let Some(vpc) = d.vpc_id.as_deref() {
            crate::ops::destroy::clean_nfs_groups(session, vpc, Some(&d.id), Poll::RESOURCE, tx)
                .await?;
        }
    }
    refuse_read_only(session, "creating the Studio domain")?;
    send(
        tx,
        StudioMsg::Domain {
            name: project.to_string(),
            id: None,
            status: "creating".into(),
            elapsed_secs: 0,
            detail: None,
        },
    );
    let spec = DomainSpec {
        name: project.to_string(),
        vpc_id: network.vpc_id.clone(),
        subnet_ids: network.subnet_ids.clone(),
        execution_role_arn: network.execution_role_arn.clone(),
        security_group_ids: vec![network.security_group_id.clone()],
        kms_key_id: network.kms_key_arn.clone(),
        tags: project_tags(project),
    };
    let (id, adopted) = match session.create_domain(&spec).await {
        Ok(id) => (id, false),
        // Created by a concurrent run between our list and create: adopt it.
        Err(e) if e.code.as_deref() == Some("ResourceInUse") => {
            match find_domain(session, project).await? {
                Some(d) => (d.id, true),
                None => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    let domain = session.describe_domain(&id).await?.ok_or_else(|| {
        AwsError::new(
            ErrorKind::NotFound,
            "sagemaker:DescribeDomain",
            format!("the Studio domain {project} ({id}) disappeared right after it was created"),
        )
    })?;
    Ok(DomainStart { domain, adopted })
}

/// A domain made before studio-tui set DefaultSpaceSettings gets them with UpdateDomain (the
/// stack's execution role and security group; a role or groups already set are kept, since AWS
/// cannot unset them and changing the role needs every shared space's apps stopped), then is
/// waited for until InService again. Up to date: no call. Read-only: reported, not changed.
pub(crate) async fn bring_space_defaults_up_to_date(
    session: &Session,
    d: DomainInfo,
    network: &StudioNetwork,
    start: Instant,
    poll: Poll,
    tx: &Progress,
) -> Result<DomainInfo, AwsError> {
    if !d.lacks_space_defaults() {
        return Ok(d);
    }
    let what = "shared spaces have no default execution role or security group \
                (DefaultSpaceSettings)";
    if session.read_only {
        send(
            tx,
            StudioMsg::Domain {
                name: d.name.clone(),
                id: Some(d.id.clone()),
                status: d.status.clone(),
                elapsed_secs: secs(start),
                detail: Some(format!(
                    "{what}; not updated in read-only mode (run without --read-only)"
                )),
            },
        );
        return Ok(d);
    }
    let role = d
        .default_space_role
        .clone()
        .unwrap_or_else(|| network.execution_role_arn.clone());
    let groups = if d.default_space_security_groups.is_empty() {
        vec![network.security_group_id.clone()]
    } else {
        d.default_space_security_groups.clone()
    };
    send(
        tx,
        StudioMsg::Domain {
            name: d.name.clone(),
            id: Some(d.id.clone()),
            status: "updating".into(),
            elapsed_secs: secs(start),
            detail: Some(format!("{what}: setting {role} and {}", groups.join(", "))),
        },
    );
    session
        .update_domain_space_defaults(&d.id, &role, &groups)
        .await?;
    wait_domain_in_service(session, &d.id, &d.name, start, poll, tx).await
}

fn project_tags(project: &str) -> Vec<(String, String)> {
    vec![
        ("Project".to_string(), project.to_string()),
        (MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string()),
    ]
}

/// One user to create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserSpec {
    pub name: String,
    /// Overrides the domain's default execution role.
    pub execution_role: Option<String>,
    /// Overrides the domain's default security groups.
    pub security_groups: Vec<String>,
}

impl UserSpec {
    pub fn named(name: impl Into<String>) -> UserSpec {
        UserSpec {
            name: name.into(),
            ..UserSpec::default()
        }
    }
}

/// What happened to one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserResult {
    Created,
    AlreadyExists,
    Removed,
    NotFound,
    Failed(AwsError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserOutcome {
    pub name: String,
    pub result: UserResult,
}

impl UserOutcome {
    pub fn is_ok(&self) -> bool {
        !matches!(self.result, UserResult::Failed(_))
    }
}

/// Check names (SageMaker's rules) and duplicates, before any AWS call.
pub fn validate_user_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), AwsError> {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    let mut count = 0;
    for n in names {
        count += 1;
        if let Err(e) = validate_user_profile_name(n) {
            problems.push(e.to_string());
        } else if !seen.insert(n.to_string()) {
            problems.push(format!(
                "`{n}` is given twice; each user profile name must be unique"
            ));
        }
    }
    if count == 0 {
        problems.push("no user name was given".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AwsError::new(
            ErrorKind::Validation,
            "studio-tui",
            problems.join("; "),
        ))
    }
}

/// Create the users concurrently and wait until each is InService. Invalid or duplicate names
/// refuse the whole request before any call; a user that exists already is reported as such.
pub async fn create_users(
    session: &Session,
    domain_id: &str,
    users: Vec<UserSpec>,
    tx: &Progress,
) -> Result<Vec<UserOutcome>, AwsError> {
    create_users_with(session, domain_id, users, Poll::RESOURCE, tx).await
}

pub async fn create_users_with(
    session: &Session,
    domain_id: &str,
    users: Vec<UserSpec>,
    poll: Poll,
    tx: &Progress,
) -> Result<Vec<UserOutcome>, AwsError> {
    validate_user_names(users.iter().map(|u| u.name.as_str()))?;
    refuse_read_only(session, "adding users")?;
    let project_tag = session
        .describe_domain(domain_id)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let tags = project_tags(&project_tag);
    let futs = users.iter().map(|u| {
        let tags = tags.clone();
        async move {
            let result = create_one(session, domain_id, u, &tags, poll, tx).await;
            let result = match result {
                Ok(r) => r,
                Err(e) => {
                    send(
                        tx,
                        StudioMsg::User {
                            name: u.name.clone(),
                            status: "failed".into(),
                            elapsed_secs: 0,
                            detail: Some(e.message.clone()),
                        },
                    );
                    UserResult::Failed(e)
                }
            };
            UserOutcome {
                name: u.name.clone(),
                result,
            }
        }
    });
    Ok(futures::future::join_all(futs).await)
}

async fn create_one(
    session: &Session,
    domain_id: &str,
    u: &UserSpec,
    tags: &[(String, String)],
    poll: Poll,
    tx: &Progress,
) -> Result<UserResult, AwsError> {
    let start = Instant::now();
    let msg = |status: &str, detail: Option<String>| StudioMsg::User {
        name: u.name.clone(),
        status: status.to_string(),
        elapsed_secs: secs(start),
        detail,
    };
    let mut result = UserResult::Created;
    if let Some(p) = session.describe_user_profile(domain_id, &u.name).await? {
        send(tx, msg("already exists", Some(p.status.clone())));
        if p.status == "InService" {
            return Ok(UserResult::AlreadyExists);
        }
        result = UserResult::AlreadyExists;
    } else {
        send(tx, msg("creating", None));
        match session
            .create_user_profile(
                domain_id,
                &u.name,
                u.execution_role.as_deref(),
                &u.security_groups,
                tags,
            )
            .await
        {
            Ok(()) => {}
            Err(e) if e.code.as_deref() == Some("ResourceInUse") => {
                send(tx, msg("already exists", None));
                result = UserResult::AlreadyExists;
            }
            Err(e) => return Err(e),
        }
    }
    let mut delay = poll.initial;
    let mut last = String::new();
    loop {
        let Some(p) = session.describe_user_profile(domain_id, &u.name).await? else {
            return Err(AwsError::new(
                ErrorKind::NotFound,
                "sagemaker:DescribeUserProfile",
                format!("user profile {} disappeared while being created", u.name),
            ));
        };
        if p.status != last {
            last = p.status.clone();
            send(tx, msg(&p.status, p.failure_reason.clone()));
        }
        match p.status.as_str() {
            "InService" => return Ok(result),
            "Failed" | "Update_Failed" | "Delete_Failed" | "Deleting" => {
                return Err(AwsError::new(
                    ErrorKind::Other,
                    "sagemaker:CreateUserProfile",
                    format!(
                        "user profile {} is {}: {}",
                        u.name,
                        p.status,
                        p.failure_reason.as_deref().unwrap_or("no reason given")
                    ),
                ));
            }
            _ => {}
        }
        if start.elapsed() > poll.timeout {
            return Err(timeout_error(
                "sagemaker:DescribeUserProfile",
                &format!("user profile {}", u.name),
                poll.timeout,
            ));
        }
        tokio::time::sleep(delay).await;
        delay = poll.next(delay);
    }
}

/// One user as the day-2 screen and `users list` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub name: String,
    pub status: String,
    /// Apps of the profile and of the spaces it owns, not yet Deleted.
    pub apps: Vec<AppInfo>,
    /// Spaces the user owns.
    pub spaces: Vec<SpaceInfo>,
}

impl UserView {
    /// Apps still running (not Deleted, Deleting or Failed).
    pub fn running_apps(&self) -> usize {
        self.apps.iter().filter(|a| a.is_live()).count()
    }

    /// "JupyterLab/default (InService), …", or "-" when there is none.
    pub fn apps_text(&self) -> String {
        join_or_dash(
            self.apps
                .iter()
                .map(|a| format!("{} ({})", a.label(), a.status)),
        )
    }

    /// "alice-space (Private), …", or "-" when there is none.
    pub fn spaces_text(&self) -> String {
        join_or_dash(
            self.spaces
                .iter()
                .map(|s| format!("{} ({})", s.name, s.sharing.as_deref().unwrap_or("?"))),
        )
    }
}

fn join_or_dash(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    if v.is_empty() {
        "-".to_string()
    } else {
        v.join(", ")
    }
}

/// Profiles with status, their apps and spaces (three List calls for the whole domain).
pub async fn list_users(session: &Session, domain_id: &str) -> Result<Vec<UserView>, AwsError> {
    let (profiles, apps, spaces) = tokio::try_join!(
        session.list_user_profiles(domain_id),
        session.list_apps(domain_id),
        session.list_spaces(domain_id),
    )?;
    let mut out: Vec<UserView> = profiles
        .into_iter()
        .map(|p: UserProfileInfo| {
            let owned: Vec<SpaceInfo> = spaces
                .iter()
                .filter(|s| s.owner.as_deref() == Some(p.name.as_str()))
                .cloned()
                .collect();
            let user_apps = apps
                .iter()
                .filter(|a| a.status != "Deleted")
                .filter(|a| {
                    a.user_profile.as_deref() == Some(p.name.as_str())
                        || a.space
                            .as_deref()
                            .is_some_and(|s| owned.iter().any(|o| o.name == s))
                })
                .cloned()
                .collect();
            UserView {
                name: p.name,
                status: p.status,
                apps: user_apps,
                spaces: owned,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// How many DeleteApp calls an app that keeps answering `Failed` gets before studio-tui gives
/// up on it: the first one and three retries.
pub const MAX_DELETE_APP_ATTEMPTS: u32 = 4;

fn same_app(a: &AppInfo, b: &AppInfo) -> bool {
    a.app_type == b.app_type
        && a.name == b.name
        && a.space == b.space
        && a.user_profile == b.user_profile
}

fn app_owner(a: &AppInfo) -> String {
    a.space
        .as_deref()
        .map(|s| format!("space {s}"))
        .or_else(|| a.user_profile.as_deref().map(|u| format!("user {u}")))
        .unwrap_or_default()
}

/// Delete these apps and wait until each is `Deleted` (or no longer listed).
///
/// `Failed` is not an end state here: after a DeleteApp call it means the deletion failed, and
/// AWS refuses DeleteSpace / DeleteUserProfile while the app is still there. A `Failed` app gets
/// another DeleteApp, up to [`MAX_DELETE_APP_ATTEMPTS`] calls in all, then this returns an error
/// naming the app (so its owner is not deleted); a live one (restarted) is deleted again.
pub async fn delete_apps_and_wait(
    session: &Session,
    domain_id: &str,
    apps: &[AppInfo],
    poll: Poll,
    tx: &Progress,
) -> Result<(), AwsError> {
    let targets: Vec<&AppInfo> = apps.iter().filter(|a| a.status != "Deleted").collect();
    if targets.is_empty() {
        return Ok(());
    }
    // DeleteApp calls made per target (an app already Deleting needs none to begin with).
    let mut attempts: Vec<u32> = vec![0; targets.len()];
    for (i, a) in targets.iter().enumerate() {
        if !a.needs_delete() {
            continue;
        }
        send(
            tx,
            StudioMsg::Step {
                text: format!("deleting app {} of {}", a.label(), app_owner(a)),
            },
        );
        session.delete_app(a).await?;
        attempts[i] += 1;
    }
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        tokio::time::sleep(delay).await;
        delay = poll.next(delay);
        let now = session.list_apps(domain_id).await?;
        let mut pending = false;
        for (i, a) in targets.iter().enumerate() {
            let Some(cur) = now.iter().find(|n| same_app(a, n)) else {
                continue; // no longer listed: gone
            };
            match cur.status.as_str() {
                "Deleted" => {}
                "Deleting" => pending = true,
                "Failed" => {
                    pending = true;
                    if attempts[i] >= MAX_DELETE_APP_ATTEMPTS {
                        return Err(AwsError::new(
                            ErrorKind::Other,
                            "sagemaker:DeleteApp",
                            format!(
                                "app {} of {} is still Failed after {} DeleteApp calls; its \
                                 owner cannot be deleted while it exists",
                                a.label(),
                                app_owner(a),
                                attempts[i]
                            ),
                        )
                        .with_fix(
                            "look at the app's failure reason in the SageMaker console, delete \
                             it there, then run the command again",
                        ));
                    }
                    send(
                        tx,
                        StudioMsg::Step {
                            text: format!(
                                "app {} of {} is Failed: deleting it again",
                                a.label(),
                                app_owner(a)
                            ),
                        },
                    );
                    session.delete_app(cur).await?;
                    attempts[i] += 1;
                }
                // Live again (someone restarted it, or the list lags behind): delete again;
                // AWS answers "already being deleted" when it is in fact going.
                _ => {
                    pending = true;
                    session.delete_app(cur).await?;
                }
            }
        }
        if !pending {
            return Ok(());
        }
        if start.elapsed() > poll.timeout {
            return Err(timeout_error(
                "sagemaker:ListApps",
                "deleting the apps",
                poll.timeout,
            ));
        }
    }
}

/// Delete these spaces (their apps first) and wait until they are gone.
pub async fn delete_spaces_and_wait(
    session: &Session,
    domain_id: &str,
    spaces: &[SpaceInfo],
    poll: Poll,
    tx: &Progress,
) -> Result<(), AwsError> {
    if spaces.is_empty() {
        return Ok(());
    }
    let apps: Vec<AppInfo> = session
        .list_apps(domain_id)
        .await?
        .into_iter()
        .filter(|a| {
            a.space
                .as_deref()
                .is_some_and(|s| spaces.iter().any(|x| x.name == s))
        })
        .filter(|a| a.status != "Deleted")
        .collect();
    delete_apps_and_wait(session, domain_id, &apps, poll, tx).await?;
    for s in spaces.iter().filter(|s| s.status != "Deleting") {
        send(
            tx,
            StudioMsg::Step {
                text: format!(
                    "deleting {} space {}",
                    s.sharing.as_deref().unwrap_or("shared").to_lowercase(),
                    s.name
                ),
            },
        );
        session.delete_space(domain_id, &s.name).await?;
    }
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        let now = session.list_spaces(domain_id).await?;
        if !now.iter().any(|n| spaces.iter().any(|s| s.name == n.name)) {
            return Ok(());
        }
        if start.elapsed() > poll.timeout {
            return Err(timeout_error(
                "sagemaker:ListSpaces",
                "deleting the spaces",
                poll.timeout,
            ));
        }
        tokio::time::sleep(delay).await;
        delay = poll.next(delay);
    }
}

/// Remove users: per user, its apps, then its private spaces (their apps first), wait, then the
/// profile, wait until gone. Users are removed concurrently.
pub async fn remove_users(
    session: &Session,
    domain_id: &str,
    names: &[String],
    tx: &Progress,
) -> Result<Vec<UserOutcome>, AwsError> {
    remove_users_with(session, domain_id, names, Poll::RESOURCE, tx).await
}

pub async fn remove_users_with(
    session: &Session,
    domain_id: &str,
    names: &[String],
    poll: Poll,
    tx: &Progress,
) -> Result<Vec<UserOutcome>, AwsError> {
    validate_user_names(names.iter().map(String::as_str))?;
    refuse_read_only(session, "removing users")?;
    let futs = names.iter().map(|name| async move {
        let result = match remove_one(session, domain_id, name, poll, tx).await {
            Ok(r) => r,
            Err(e) => {
                send(
                    tx,
                    StudioMsg::User {
                        name: name.clone(),
                        status: "failed".into(),
                        elapsed_secs: 0,
                        detail: Some(e.message.clone()),
                    },
                );
                UserResult::Failed(e)
            }
        };
        UserOutcome {
            name: name.clone(),
            result,
        }
    });
    Ok(futures::future::join_all(futs).await)
}

async fn remove_one(
    session: &Session,
    domain_id: &str,
    name: &str,
    poll: Poll,
    tx: &Progress,
) -> Result<UserResult, AwsError> {
    let start = Instant::now();
    let msg = |status: &str| StudioMsg::User {
        name: name.to_string(),
        status: status.to_string(),
        elapsed_secs: secs(start),
        detail: None,
    };
    if session
        .describe_user_profile(domain_id, name)
        .await?
        .is_none()
    {
        send(tx, msg("not found"));
        return Ok(UserResult::NotFound);
    }
    let apps: Vec<AppInfo> = session
        .list_apps(domain_id)
        .await?
        .into_iter()
        .filter(|a| a.user_profile.as_deref() == Some(name) && a.space.is_none())
        .filter(|a| a.status != "Deleted")
        .collect();
    if !apps.is_empty() {
        send(tx, msg("deleting apps"));
        delete_apps_and_wait(session, domain_id, &apps, poll, tx).await?;
    }
    let spaces: Vec<SpaceInfo> = session
        .list_spaces(domain_id)
        .await?
        .into_iter()
        .filter(|s| s.is_private_of(name))
        .collect();
    if !spaces.is_empty() {
        send(tx, msg("deleting spaces"));
        delete_spaces_and_wait(session, domain_id, &spaces, poll, tx).await?;
    }
    send(tx, msg("deleting"));
    match session.delete_user_profile(domain_id, name).await {
        Ok(()) => {}
        Err(e) if e.message.contains("already being deleted") => {}
        Err(e) => return Err(e),
    }
    let mut delay = poll.initial;
    loop {
        if session
            .describe_user_profile(domain_id, name)
            .await?
            .is_none()
        {
            send(tx, msg("deleted"));
            return Ok(UserResult::Removed);
        }
        if start.elapsed() > poll.timeout {
            return Err(timeout_error(
                "sagemaker:DescribeUserProfile",
                &format!("deleting user profile {name}"),
                poll.timeout,
            ));
        }
        tokio::time::sleep(delay).await;
        delay = poll.next(delay);
    }
}

/// What a presigned URL is and who can open it. VpcOnly only decides that the apps' network
/// traffic goes through the VPC; the URL itself opens from any browser unless an IAM policy
/// restricts `sagemaker:CreatePresignedDomainUrl` (AWS enforces that policy on every request of
/// the session too), e.g. with `aws:SourceIp` or `aws:SourceVpce` conditions: see the README.
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
) -> Result<String, AwsError> {
    validate_user_names([user])?;
    if let Some(s) = expires_in_seconds
        && !(5..=300).contains(&s)
    {
        return Err(AwsError::new(
            ErrorKind::Validation,
            "studio-tui",
            format!("--expires {s} is out of range; a sign-in URL lasts 5 to 300 seconds"),
        ));
    }
    refuse_read_only(session, "creating a sign-in URL")?;
    session
        .create_presigned_domain_url(domain_id, user, expires_in_seconds.map(|s| s as i32))
        .await
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
    fn names_are_checked_and_duplicates_refused() {
        assert!(validate_user_names(["alice", "bob-2"]).is_ok());
        let e = validate_user_names(["alice", "alice"]).unwrap_err();
        assert!(e.message.contains("given twice"), "{}", e.message);
        let e = validate_user_names(["al_ice"]).unwrap_err();
        assert!(e.message.contains("al-ice"), "{}", e.message);
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

/// Save the domain's id in the project's run state (kept for a restart and for destroy).
pub fn record_domain(
    store: &crate::ops::deploy::SharedStore,
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
    store: Option<&crate::ops::deploy::SharedStore>,
    stack: &StackInfo,
    project: &str,
    users: &[String],
    tx: &Progress,
) -> Result<SetUp, AwsError> {
    if !users.is_empty() {
        validate_user_names(users.iter().map(String::as_str))?;
    }
    if !stack.is_complete() {
        return Err(AwsError::new(
            ErrorKind::Validation,
            "studio-tui",
            format!(
                "the stack {} is {}: the Studio domain needs a stack in CREATE_COMPLETE or \
                 UPDATE_COMPLETE",
                stack.stack_name, stack.status
            ),
        )
        .with_fix("deploy the stack first (`studio-tui deploy`), then run this again"));
    }
    let network = StudioNetwork::from_stack(stack).map_err(|m| {
        AwsError::new(ErrorKind::Validation, "studio-tui", m)
            .with_fix("deploy studio-tui's template to this stack (`studio-tui deploy`)")
    })?;
    let domain = ensure_domain(session, project, &network, tx).await?;
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
