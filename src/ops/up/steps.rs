//! The Studio half's steps in the overlapped operation's progress: the domain and the users
//! next to the stack's logical ids, one count, one ETA and one timeline for all of them (live
//! in the deploy view, `--plain`/`--json`, and replayed by `events --chart`).

use crate::aws::Session;
use crate::core::progress::{ResourceState, Tracker};
use crate::core::status::{DomainStatus, ResourceStatus, UserProfileStatus};
use crate::ops::Error;
use crate::ops::studio::{self, DomainPhase, StudioMsg, UserPhase};

use super::DOMAIN_INPUTS;

/// The domain's step in the progress (one id next to the stack's logical ids).
pub const DOMAIN_STEP: &str = "Studio domain";
pub const DOMAIN_TYPE: &str = "AWS::SageMaker::Domain";
pub const USER_TYPE: &str = "AWS::SageMaker::UserProfile";

/// A user's step in the progress.
pub fn user_step(name: &str) -> String {
    format!("User {name}")
}

/// The steps after the stack's inputs: the domain, then the users (in parallel).
pub fn chain_stages(users: &[String]) -> Vec<Vec<(String, String)>> {
    let mut stages = vec![vec![(DOMAIN_STEP.to_string(), DOMAIN_TYPE.to_string())]];
    if !users.is_empty() {
        stages.push(
            users
                .iter()
                .map(|u| (user_step(u), USER_TYPE.to_string()))
                .collect(),
        );
    }
    stages
}

/// Register the domain and users as part of the operation a tracker follows.
pub fn expect_studio(tracker: &mut Tracker, users: &[String]) {
    let inputs: Vec<&str> = DOMAIN_INPUTS.iter().map(|(id, _)| *id).collect();
    tracker.expect_chain(&inputs, chain_stages(users));
}

/// What a Studio message means for its step: (step id, state, status word, reason).
pub fn step_of(msg: &StudioMsg) -> Option<(String, ResourceState, String, Option<String>)> {
    match msg {
        StudioMsg::Domain { status, detail, .. } => {
            let state = match status {
                DomainPhase::Aws(DomainStatus::InService) | DomainPhase::Adopted => {
                    ResourceState::Done
                }
                DomainPhase::Aws(s) if s.is_failed() => ResourceState::Failed,
                DomainPhase::Deleted => ResourceState::Removed,
                _ => ResourceState::InProgress,
            };
            Some((
                DOMAIN_STEP.to_string(),
                state,
                status.to_string(),
                detail.clone(),
            ))
        }
        StudioMsg::User {
            name,
            status,
            detail,
            ..
        } => {
            let state = match status {
                UserPhase::Aws(UserProfileStatus::InService) | UserPhase::AlreadyExists => {
                    ResourceState::Done
                }
                UserPhase::Failed | UserPhase::Aws(UserProfileStatus::Failed) => {
                    ResourceState::Failed
                }
                UserPhase::Deleted | UserPhase::NotFound => ResourceState::Removed,
                _ => ResourceState::InProgress,
            };
            Some((user_step(name), state, status.to_string(), detail.clone()))
        }
        StudioMsg::Step { .. } => None,
    }
}

/// Feed a Studio message to a tracker that follows the overlapped operation. An "adopted"
/// domain still being created counts as running until its InService arrives.
pub fn note_studio(tracker: &mut Tracker, msg: &StudioMsg, at_ms: i64) {
    if let StudioMsg::User { name, .. } = msg {
        tracker.add_chain_step(&user_step(name), USER_TYPE);
    }
    if let Some((id, state, status, reason)) = step_of(msg) {
        tracker.note_step(&id, state, &status, reason.as_deref(), at_ms);
    }
}

/// Users created this long after the domain became InService belong to the first create
/// (`up` and the wizard create them at once); later ones were added on day 2.
const USERS_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Add the Studio half of a first create to a tracker that replayed the stack's events (for
/// `events --chart`): the project's domain in the stack's VPC, from its CreationTime to the
/// LastModifiedTime it had once InService, and the users created with it. False (nothing
/// added) when the operation is not a first create or the stack's VPC has no such domain.
pub async fn add_studio_steps(
    session: &Session,
    project: &str,
    vpc_id: Option<&str>,
    tracker: &mut Tracker,
) -> Result<bool, Error> {
    let first_create = tracker
        .events
        .iter()
        .any(|e| e.is_stack() && e.status == ResourceStatus::CreateInProgress);
    let Some(vpc_id) = vpc_id.filter(|_| first_create) else {
        return Ok(false);
    };
    let Some(domain) = studio::find_domain_in_vpc(session, project, vpc_id).await? else {
        return Ok(false);
    };
    let Some(life) = session.domain_lifetime(&domain.id).await? else {
        return Ok(false);
    };
    let Some(created) = life.created_ms else {
        return Ok(false);
    };
    let ready = match life.status {
        DomainStatus::InService => life.modified_ms,
        _ => None,
    };
    let users: Vec<_> = match ready {
        Some(ready) => session
            .user_lifetimes(&domain.id)
            .await?
            .into_iter()
            .filter(|u| {
                u.created_ms
                    .is_some_and(|c| c >= created && c <= ready + USERS_WINDOW_MS)
            })
            .collect(),
        None => Vec::new(),
    };
    let names: Vec<String> = users.iter().map(|u| u.name.clone()).collect();
    expect_studio(tracker, &names);
    tracker.note_step(
        DOMAIN_STEP,
        ResourceState::InProgress,
        DomainStatus::Pending.as_str(),
        None,
        created,
    );
    let (state, end) = match life.status {
        DomainStatus::InService => (ResourceState::Done, life.modified_ms),
        DomainStatus::Failed => (ResourceState::Failed, life.modified_ms),
        _ => (ResourceState::InProgress, None),
    };
    if let Some(end) = end {
        tracker.note_step(DOMAIN_STEP, state, life.status.as_str(), None, end);
    }
    for u in &users {
        let step = user_step(&u.name);
        if let Some(c) = u.created_ms {
            let pending = UserProfileStatus::Pending.as_str();
            tracker.note_step(&step, ResourceState::InProgress, pending, None, c);
        }
        let state = match u.status {
            UserProfileStatus::InService => ResourceState::Done,
            UserProfileStatus::Failed => ResourceState::Failed,
            _ => continue,
        };
        if let Some(m) = u.modified_ms {
            tracker.note_step(&step, state, u.status.as_str(), None, m);
        }
    }
    Ok(true)
}
