//! Apps and spaces deleted and waited for, with retries for an app that answers `Failed`.

use std::time::Instant;

use crate::aws::Session;
use crate::aws::studio::{AppInfo, SpaceInfo};
use crate::core::status::{AppStatus, SpaceStatus};
use crate::ops::Error;

use super::{Poll, Progress, StudioMsg, send, timeout_error};

/// How many DeleteApp calls an app that keeps answering `Failed` gets before studio-tui gives
/// up on it: the first one and three retries.
pub const MAX_DELETE_APP_ATTEMPTS: u32 = 4;

pub(super) fn same_app(a: &AppInfo, b: &AppInfo) -> bool {
    a.app_type == b.app_type
        && a.name == b.name
        && a.space == b.space
        && a.user_profile == b.user_profile
}

pub(super) fn app_owner(a: &AppInfo) -> String {
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
) -> Result<(), Error> {
    let targets: Vec<&AppInfo> = apps
        .iter()
        .filter(|a| a.status != AppStatus::Deleted)
        .collect();
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
            match cur.status {
                AppStatus::Deleted => {}
                AppStatus::Deleting => pending = true,
                AppStatus::Failed => {
                    pending = true;
                    if attempts[i] >= MAX_DELETE_APP_ATTEMPTS {
                        return Err(Error::failed(
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
) -> Result<(), Error> {
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
        .filter(|a| a.status != AppStatus::Deleted)
        .collect();
    delete_apps_and_wait(session, domain_id, &apps, poll, tx).await?;
    for s in spaces.iter().filter(|s| s.status != SpaceStatus::Deleting) {
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
