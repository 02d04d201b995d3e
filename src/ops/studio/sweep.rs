//! The domain sweep, shared by the domain's replacement, `up`'s retry and destroy: the domain
//! and what runs in it, and SageMaker's NFS groups left in the project's VPC.

use std::time::Instant;

use crate::aws::Session;
use crate::aws::studio::{AppInfo, DomainInfo};
use crate::aws::teardown::{GroupWithRules, nfs_group_domain_id};
use crate::core::status::{AppStatus, DomainStatus};
use crate::ops::Error;

use super::{
    DomainPhase, Poll, Progress, StudioMsg, UserResult, delete_apps_and_wait,
    delete_spaces_and_wait, remove_users_with,
};

fn step(tx: &Progress, text: impl Into<String>) {
    let _ = tx.send(StudioMsg::Step { text: text.into() });
}

/// Wait for the EFS interfaces of the project's NFS groups to go, revoke the groups' rules
/// (they reference each other), delete them. Returns how many groups were deleted.
pub async fn clean_nfs_groups(
    session: &Session,
    vpc_id: &str,
    project_domain: Option<&str>,
    poll: Poll,
    tx: &Progress,
) -> Result<usize, Error> {
    if !session.vpc_exists(vpc_id).await? {
        return Ok(0);
    }
    let groups = owned_nfs_groups(session, vpc_id, project_domain).await?;
    if groups.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        let used = session.interfaces_using(&ids).await?;
        if used.is_empty() {
            break;
        }
        if start.elapsed() > poll.timeout {
            return Err(Error::failed(
                "ec2:DeleteSecurityGroup",
                format!(
                    "SageMaker's NFS groups {} are still used by {}",
                    ids.join(", "),
                    used.iter()
                        .map(|i| format!("{} ({})", i.id, i.description))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_fix(
                "these are the mount targets of the domain's home EFS volume; delete that file \
                 system (`aws efs describe-mount-targets`, `aws efs delete-mount-target`, `aws efs \
                 delete-file-system`), then run destroy again",
            ));
        }
        step(
            tx,
            format!(
                "waiting for {} EFS interface(s) to go before deleting SageMaker's NFS groups",
                used.len()
            ),
        );
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(poll.max);
    }
    for g in &groups {
        step(
            tx,
            format!(
                "revoking {} rule(s) of {} ({})",
                g.rule_count(),
                g.name,
                g.id
            ),
        );
        session.revoke_all_rules(g).await?;
    }
    for g in &groups {
        session.delete_security_group(&g.id).await?;
        step(tx, format!("deleted {} ({})", g.name, g.id));
    }
    Ok(groups.len())
}

/// Apps → spaces → user profiles → domain (HomeEfsFileSystem=Delete), each waited for.
pub async fn delete_domain_tree(
    session: &Session,
    d: &DomainInfo,
    poll: Poll,
    tx: &Progress,
) -> Result<(), Error> {
    let apps: Vec<AppInfo> = session
        .list_apps(&d.id)
        .await?
        .into_iter()
        .filter(|a| a.status != AppStatus::Deleted)
        .collect();
    if !apps.is_empty() {
        step(tx, format!("deleting {} app(s)", apps.len()));
        delete_apps_and_wait(session, &d.id, &apps, poll, tx).await?;
    }
    let spaces = session.list_spaces(&d.id).await?;
    if !spaces.is_empty() {
        step(tx, format!("deleting {} space(s)", spaces.len()));
        delete_spaces_and_wait(session, &d.id, &spaces, poll, tx).await?;
    }
    let users: Vec<String> = session
        .list_user_profiles(&d.id)
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect();
    if !users.is_empty() {
        step(tx, format!("deleting {} user profile(s)", users.len()));
        let outcomes = remove_users_with(session, &d.id, &users, poll, tx).await?;
        if let Some(failed) = outcomes.iter().find(|o| !o.is_ok())
            && let UserResult::Failed(e) = &failed.result
        {
            return Err(e.clone());
        }
    }
    let start = Instant::now();
    let _ = tx.send(StudioMsg::Domain {
        name: d.name.clone(),
        id: Some(d.id.clone()),
        status: DomainPhase::Aws(DomainStatus::Deleting),
        elapsed_secs: 0,
        detail: Some("home EFS volume deleted with it (HomeEfsFileSystem=Delete)".into()),
    });
    match session.delete_domain(&d.id, true).await {
        Ok(()) => {}
        Err(e) if e.message.contains("already being deleted") => {}
        Err(e) => return Err(e.into()),
    }
    let mut delay = poll.initial;
    loop {
        match session.describe_domain(&d.id).await? {
            None => break,
            Some(now) if now.status == DomainStatus::DeleteFailed => {
                return Err(Error::failed(
                    "sagemaker:DeleteDomain",
                    format!(
                        "deleting the Studio domain {} failed: {}",
                        d.id,
                        now.failure_reason.as_deref().unwrap_or("no reason given")
                    ),
                ));
            }
            Some(_) => {}
        }
        if start.elapsed() > poll.timeout {
            return Err(Error::failed(
                "sagemaker:DeleteDomain",
                format!("the Studio domain {} is still being deleted", d.id),
            )
            .with_fix("run `studio-tui destroy` again later: it resumes"));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(poll.max);
    }
    let _ = tx.send(StudioMsg::Domain {
        name: d.name.clone(),
        id: Some(d.id.clone()),
        status: DomainPhase::Deleted,
        elapsed_secs: start.elapsed().as_secs(),
        detail: None,
    });
    Ok(())
}

/// The NFS groups in the project's VPC that provably belong to the project: named for the
/// project's domain, or for a domain that no longer exists (the VPC is the stack's own, so only
/// the project's domains were ever in it; a live domain of another name is left alone).
pub async fn owned_nfs_groups(
    session: &Session,
    vpc_id: &str,
    project_domain: Option<&str>,
) -> Result<Vec<GroupWithRules>, Error> {
    let mut out = Vec::new();
    for g in session.nfs_groups(vpc_id).await? {
        let Some(id) = nfs_group_domain_id(&g.name) else {
            continue;
        };
        let ours = Some(id) == project_domain || session.describe_domain(id).await?.is_none();
        if ours {
            out.push(g);
        }
    }
    Ok(out)
}
