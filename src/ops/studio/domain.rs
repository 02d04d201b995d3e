//! The Studio domain: found by the project's name, created or adopted, brought up to date and
//! waited for until InService.

use std::time::Instant;

use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::aws::studio::{AppInfo, DomainInfo, DomainSpec, SpaceInfo};
use crate::core::params::guardrails::DomainGuardrails;
use crate::core::status::{DomainPhase, DomainStatus, StackStatus};
use crate::ops::Error;

use super::owner::{ProjectDomains, StackPlace};
use super::waiting::{domain_failed, say, wait_domain_in_service};
use super::{MANAGED_BY, Poll, Progress, StudioMsg, StudioNetwork, refuse_read_only, secs, send};

/// Every domain named after the project (none that is being deleted), described and split by
/// the stack's place: the project's own, and the others, which are never touched.
pub async fn project_domains(
    session: &Session,
    project: &str,
    place: Option<&StackPlace>,
) -> Result<ProjectDomains, Error> {
    let mut named = Vec::new();
    for d in session.list_domains().await? {
        // A domain that is being deleted is no one's domain any more.
        if d.name != project || d.status == DomainStatus::Deleting {
            continue;
        }
        if let Some(described) = session.describe_domain(&d.id).await? {
            named.push(described);
        }
    }
    Ok(ProjectDomains::split(named, place))
}

/// The project's domain if it is in `vpc_id` (the stack's VPC): a domain of the same name in
/// another VPC is not this stack's.
pub async fn find_domain_in_vpc(
    session: &Session,
    project: &str,
    vpc_id: &str,
) -> Result<Option<DomainInfo>, Error> {
    let place = StackPlace {
        vpc_id: vpc_id.to_string(),
        subnet_id: None,
    };
    Ok(project_domains(session, project, Some(&place)).await?.ours)
}

/// The domains named after the project, split by the place of the stack named after it (the
/// day-2 commands, `status` and the overview, which have no stack in hand).
pub async fn stack_domains(session: &Session, project: &str) -> Result<ProjectDomains, Error> {
    let stack = session.describe_stack(project).await?;
    domains_of_stack(session, project, stack.as_ref()).await
}

/// [`stack_domains`] with the stack already described (the fleet found it by its template).
pub async fn domains_of_stack(
    session: &Session,
    project: &str,
    stack: Option<&StackInfo>,
) -> Result<ProjectDomains, Error> {
    let place = match stack {
        Some(s) if s.status != StackStatus::DeleteComplete => {
            let resources = session.stack_resources(&s.stack_id).await?;
            StackPlace::of_stack(&resources, &s.outputs)
        }
        _ => None,
    };
    project_domains(session, project, place.as_ref()).await
}

/// Create the project's domain, or adopt the one that exists (never a second one), and wait
/// until it is InService.
pub async fn ensure_domain(
    session: &Session,
    project: &str,
    network: &StudioNetwork,
    guardrails: &DomainGuardrails,
    tx: &Progress,
) -> Result<DomainInfo, Error> {
    ensure_domain_with(session, project, network, guardrails, Poll::DOMAIN, tx).await
}

pub async fn ensure_domain_with(
    session: &Session,
    project: &str,
    network: &StudioNetwork,
    guardrails: &DomainGuardrails,
    poll: Poll,
    tx: &Progress,
) -> Result<DomainInfo, Error> {
    let start = Instant::now();
    let begun = start_domain(session, project, network, guardrails, tx).await?;
    if !begun.adopted
        && matches!(
            begun.domain.status,
            DomainStatus::InService | DomainStatus::Failed
        )
    {
        // Settled at once (an unpaced sandbox): said as the wait would have said it.
        send(tx, StudioMsg::described(&begun.domain, secs(start)));
    }
    let d = match begun.domain.status {
        DomainStatus::InService => begun.domain,
        DomainStatus::Failed => return Err(domain_failed(&begun.domain)),
        _ => wait_domain_in_service(session, &begun.domain.id, project, start, poll, tx).await?,
    };
    if begun.adopted {
        let d = bring_space_defaults_up_to_date(session, d, network, start, poll, tx).await?;
        return super::guardrails::bring_guardrails_up_to_date(
            session, d, network, guardrails, start, poll, tx,
        )
        .await;
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
    guardrails: &DomainGuardrails,
    tx: &Progress,
) -> Result<DomainStart, Error> {
    let place = StackPlace {
        vpc_id: network.vpc_id.clone(),
        subnet_id: network.subnet_ids.first().cloned(),
    };
    let found = project_domains(session, project, Some(&place)).await?;
    for text in
        super::owner::left_alone(&found.others)
            .into_iter()
            .chain(super::owner::twins_in_place(
                found.ours.as_ref(),
                &found.twins,
            ))
    {
        send(tx, StudioMsg::Step { text });
    }
    if let Some(d) = found.ours {
        if d.status != DomainStatus::Failed {
            send(
                tx,
                StudioMsg::Domain {
                    name: project.to_string(),
                    id: Some(d.id.clone()),
                    status: DomainPhase::Adopted,
                    elapsed_secs: 0,
                    detail: None,
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
        super::delete_domain_tree(session, &d, Poll::DOMAIN, tx).await?;
        if let Some(vpc) = d.vpc_id.as_deref() {
            super::clean_nfs_groups(session, vpc, Some(&d.id), Poll::RESOURCE, tx).await?;
        }
    }
    refuse_read_only(session, "creating the Studio domain")?;
    send(
        tx,
        StudioMsg::Domain {
            name: project.to_string(),
            id: None,
            status: DomainPhase::Creating,
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
        guardrails: guardrails.clone(),
        audit_identity: network.role_trusts_source_identity,
    };
    if !network.role_trusts_source_identity {
        send(
            tx,
            StudioMsg::Step {
                text: super::guardrails::AUDIT_NEEDS_STACK_UPDATE.to_string(),
            },
        );
    }
    let (id, adopted) = match session.create_domain(&spec).await {
        Ok(id) => (id, false),
        // Created by a concurrent run between our list and create: adopt it.
        Err(e) if e.code.as_deref() == Some("ResourceInUse") => {
            match project_domains(session, project, Some(&place)).await?.ours {
                Some(d) => (d.id, true),
                None => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let domain = session.describe_domain(&id).await?.ok_or_else(|| {
        Error::missing(
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
) -> Result<DomainInfo, Error> {
    if !d.lacks_space_defaults() {
        return Ok(d);
    }
    let what = "shared spaces have no default execution role or security group \
                (DefaultSpaceSettings)";
    if session.read_only {
        say(
            tx,
            &d,
            DomainPhase::Aws(d.status.clone()),
            start,
            format!("{what}; not updated in read-only mode (run without --read-only)"),
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
    // "DefaultSpaceSettings.ExecutionRole can only be updated if there are no applications
    // running in any of shared spaces within the domain" ("Edit domain settings"): setting a
    // role where none was set is such an update. Decided before the call, and said again if
    // an app started in between.
    if d.default_space_role.is_none() {
        let running = running_in_shared_spaces(session, &d.id).await?;
        if !running.is_empty() {
            return Err(shared_apps_block(&d, &running));
        }
    }
    say(
        tx,
        &d,
        DomainPhase::Updating,
        start,
        format!("{what}: setting {role} and {}", groups.join(", ")),
    );
    match session
        .update_domain_space_defaults(&d.id, &role, &groups)
        .await
    {
        Ok(()) => {}
        Err(e) if e.code.as_deref() == Some("ResourceInUse") => {
            let running = running_in_shared_spaces(session, &d.id).await?;
            if running.is_empty() {
                return Err(e.into());
            }
            return Err(shared_apps_block(&d, &running));
        }
        Err(e) => return Err(e.into()),
    }
    wait_domain_in_service(session, &d.id, &d.name, start, poll, tx).await
}

/// The apps running (or starting) in the domain's shared spaces, as (space, app label).
async fn running_in_shared_spaces(
    session: &Session,
    domain_id: &str,
) -> Result<Vec<(String, String)>, Error> {
    let (apps, spaces) =
        tokio::try_join!(session.list_apps(domain_id), session.list_spaces(domain_id))?;
    Ok(shared_space_apps(&apps, &spaces))
}

/// Of `apps`, those live in a space that `spaces` lists as Shared: (space, "Type/name").
pub(crate) fn shared_space_apps(apps: &[AppInfo], spaces: &[SpaceInfo]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = apps
        .iter()
        .filter(|a| a.is_live())
        .filter_map(|a| {
            let space = a.space.as_deref()?;
            spaces
                .iter()
                .any(|s| s.name == space && s.sharing.as_deref() == Some("Shared"))
                .then(|| (space.to_string(), a.label()))
        })
        .collect();
    out.sort();
    out
}

/// The refusal when apps run in shared spaces: which apps, and how to stop them.
fn shared_apps_block(d: &DomainInfo, running: &[(String, String)]) -> Error {
    let named: Vec<String> = running
        .iter()
        .map(|(space, app)| format!("{app} in shared space {space}"))
        .collect();
    let commands: Vec<String> = running
        .iter()
        .filter_map(|(space, app)| {
            // Values from ListApps/ListSpaces: a command is printed only for SageMaker names
            // (letters, digits, hyphens), quoted for the shell.
            let (kind, name) = app.split_once('/')?;
            let sagemaker_name = |v: &str| {
                !v.is_empty()
                    && v.len() <= 63
                    && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            };
            if ![d.id.as_str(), space, kind, name]
                .into_iter()
                .all(sagemaker_name)
            {
                return None;
            }
            let q = |v: &str| crate::core::shown::shell_word(v).map(|w| w.into_owned());
            Some(format!(
                "aws sagemaker delete-app --domain-id {} --space-name {} --app-type {} \
                 --app-name {}",
                q(&d.id)?,
                q(space)?,
                q(kind)?,
                q(name)?
            ))
        })
        .collect();
    Error::refused(format!(
        "the Studio domain {} ({}) has no default execution role for shared spaces, and SageMaker \
         only sets DefaultSpaceSettings.ExecutionRole while no app runs in a shared space; \
         running: {}",
        d.name,
        d.id,
        named.join(", ")
    ))
    .with_fix(format!(
        "stop those apps (their users save their work first; the space's storage is kept): {}; \
         then run `studio-tui up` again",
        commands.join("; ")
    ))
}

pub(super) fn project_tags(project: &str) -> Vec<(String, String)> {
    vec![
        ("Project".to_string(), project.to_string()),
        (MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::status::{AppStatus, SpaceStatus};

    fn app(space: Option<&str>, profile: Option<&str>, status: AppStatus) -> AppInfo {
        AppInfo {
            domain_id: "d-1".into(),
            app_type: "JupyterLab".into(),
            name: "default".into(),
            user_profile: profile.map(str::to_string),
            space: space.map(str::to_string),
            status,
            ..AppInfo::default()
        }
    }

    fn space(name: &str, sharing: &str) -> SpaceInfo {
        SpaceInfo {
            domain_id: "d-1".into(),
            name: name.into(),
            status: SpaceStatus::InService,
            owner: Some("alice".into()),
            sharing: Some(sharing.into()),
        }
    }

    #[test]
    fn only_live_apps_of_shared_spaces_block_the_shared_role() {
        let spaces = [space("team", "Shared"), space("alice-space", "Private")];
        let apps = [
            app(Some("team"), None, AppStatus::InService),
            app(Some("team"), None, AppStatus::Deleted),
            app(Some("alice-space"), None, AppStatus::InService),
            app(None, Some("bob"), AppStatus::InService),
            app(Some("gone"), None, AppStatus::Pending),
        ];
        assert_eq!(
            shared_space_apps(&apps, &spaces),
            vec![("team".to_string(), "JupyterLab/default".to_string())]
        );
        assert!(shared_space_apps(&apps[1..], &spaces).is_empty());
        let d = DomainInfo {
            id: "d-1".into(),
            name: "proj".into(),
            ..DomainInfo::default()
        };
        let e = shared_apps_block(&d, &shared_space_apps(&apps, &spaces));
        assert!(e.is_refusal());
        assert!(
            e.message()
                .contains("running: JupyterLab/default in shared space team"),
            "{e}"
        );
        assert!(
            e.fix().unwrap().contains(
                "aws sagemaker delete-app --domain-id d-1 --space-name team --app-type JupyterLab \
                 --app-name default"
            ),
            "{e}"
        );
    }
}
