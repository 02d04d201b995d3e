//! User profiles: created concurrently, listed for day 2, removed in dependency order (their
//! apps, then their private spaces, then the profile).

use std::collections::BTreeSet;
use std::time::Instant;

use serde::Serialize;

use crate::aws::Session;
use crate::aws::studio::{AppInfo, DomainInfo, SpaceInfo, UserProfileInfo};
use crate::core::params::validate_user_profile_name;
use crate::core::status::{AppStatus, UserPhase, UserProfileStatus};
use crate::ops::Error;

use super::domain::project_tags;
use super::{Poll, Progress, StudioMsg, refuse_read_only, secs, send, timeout_error};
use super::{delete_apps_and_wait, delete_spaces_and_wait};

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
    Failed(Error),
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
pub fn validate_user_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
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
        Err(Error::refused(problems.join("; ")))
    }
}

/// Create the users concurrently and wait until each is InService. Invalid or duplicate names
/// refuse the whole request before any call; a user that exists already is reported as such.
pub async fn create_users(
    session: &Session,
    domain_id: &str,
    users: Vec<UserSpec>,
    tx: &Progress,
) -> Result<Vec<UserOutcome>, Error> {
    create_users_with(session, domain_id, users, Poll::RESOURCE, tx).await
}

pub async fn create_users_with(
    session: &Session,
    domain_id: &str,
    users: Vec<UserSpec>,
    poll: Poll,
    tx: &Progress,
) -> Result<Vec<UserOutcome>, Error> {
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
                            status: UserPhase::Failed,
                            elapsed_secs: 0,
                            detail: Some(e.message().to_string()),
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

pub(super) async fn create_one(
    session: &Session,
    domain_id: &str,
    u: &UserSpec,
    tags: &[(String, String)],
    poll: Poll,
    tx: &Progress,
) -> Result<UserResult, Error> {
    let start = Instant::now();
    let msg = |status: UserPhase, detail: Option<String>| StudioMsg::User {
        name: u.name.clone(),
        status,
        elapsed_secs: secs(start),
        detail,
    };
    let mut result = UserResult::Created;
    if let Some(p) = session.describe_user_profile(domain_id, &u.name).await? {
        send(
            tx,
            msg(UserPhase::AlreadyExists, Some(p.status.to_string())),
        );
        if p.status == UserProfileStatus::InService {
            return Ok(UserResult::AlreadyExists);
        }
        result = UserResult::AlreadyExists;
    } else {
        send(tx, msg(UserPhase::Creating, None));
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
                send(tx, msg(UserPhase::AlreadyExists, None));
                result = UserResult::AlreadyExists;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut delay = poll.initial;
    let mut last: Option<UserProfileStatus> = None;
    loop {
        let Some(p) = session.describe_user_profile(domain_id, &u.name).await? else {
            return Err(Error::missing(
                "sagemaker:DescribeUserProfile",
                format!("user profile {} disappeared while being created", u.name),
            ));
        };
        if last.as_ref() != Some(&p.status) {
            last = Some(p.status.clone());
            send(tx, msg(p.status.clone().into(), p.failure_reason.clone()));
        }
        match p.status {
            UserProfileStatus::InService => return Ok(result),
            ref s if s.is_failed() || *s == UserProfileStatus::Deleting => {
                return Err(Error::failed(
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
    pub status: UserProfileStatus,
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

pub(super) fn join_or_dash(items: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = items.collect();
    if v.is_empty() {
        "-".to_string()
    } else {
        v.join(", ")
    }
}

/// The project's domain (the one in its stack's VPC) with its users, their apps and spaces (the
/// day-2 listing of the wizard, `users list` and `status`); None when the project has no domain.
pub async fn domain_with_users(
    session: &Session,
    project: &str,
) -> Result<Option<(DomainInfo, Vec<UserView>)>, Error> {
    let Some(domain) = super::stack_domains(session, project).await?.ours else {
        return Ok(None);
    };
    let users = list_users(session, &domain.id).await?;
    Ok(Some((domain, users)))
}

/// Profiles with status, their apps and spaces (three List calls for the whole domain).
pub async fn list_users(session: &Session, domain_id: &str) -> Result<Vec<UserView>, Error> {
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
                .filter(|a| a.status != AppStatus::Deleted)
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

/// Remove users: per user, its apps, then its private spaces (their apps first), wait, then the
/// profile, wait until gone. Users are removed concurrently.
pub async fn remove_users(
    session: &Session,
    domain_id: &str,
    names: &[String],
    tx: &Progress,
) -> Result<Vec<UserOutcome>, Error> {
    remove_users_with(session, domain_id, names, Poll::RESOURCE, tx).await
}

pub async fn remove_users_with(
    session: &Session,
    domain_id: &str,
    names: &[String],
    poll: Poll,
    tx: &Progress,
) -> Result<Vec<UserOutcome>, Error> {
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
                        status: UserPhase::Failed,
                        elapsed_secs: 0,
                        detail: Some(e.message().to_string()),
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

pub(super) async fn remove_one(
    session: &Session,
    domain_id: &str,
    name: &str,
    poll: Poll,
    tx: &Progress,
) -> Result<UserResult, Error> {
    let start = Instant::now();
    let msg = |status: UserPhase| StudioMsg::User {
        name: name.to_string(),
        status,
        elapsed_secs: secs(start),
        detail: None,
    };
    if session
        .describe_user_profile(domain_id, name)
        .await?
        .is_none()
    {
        send(tx, msg(UserPhase::NotFound));
        return Ok(UserResult::NotFound);
    }
    let apps: Vec<AppInfo> = session
        .list_apps(domain_id)
        .await?
        .into_iter()
        .filter(|a| a.user_profile.as_deref() == Some(name) && a.space.is_none())
        .filter(|a| a.status != AppStatus::Deleted)
        .collect();
    if !apps.is_empty() {
        send(tx, msg(UserPhase::DeletingApps));
        delete_apps_and_wait(session, domain_id, &apps, poll, tx).await?;
    }
    let spaces: Vec<SpaceInfo> = session
        .list_spaces(domain_id)
        .await?
        .into_iter()
        .filter(|s| s.is_private_of(name))
        .collect();
    if !spaces.is_empty() {
        send(tx, msg(UserPhase::DeletingSpaces));
        delete_spaces_and_wait(session, domain_id, &spaces, poll, tx).await?;
    }
    send(tx, msg(UserPhase::Deleting));
    match session.delete_user_profile(domain_id, name).await {
        Ok(()) => {}
        Err(e) if e.message.contains("already being deleted") => {}
        Err(e) => return Err(e.into()),
    }
    let mut delay = poll.initial;
    loop {
        if session
            .describe_user_profile(domain_id, name)
            .await?
            .is_none()
        {
            send(tx, msg(UserPhase::Deleted));
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
