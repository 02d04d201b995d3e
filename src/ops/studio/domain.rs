//! The Studio domain: found by the project's name, created or adopted, brought up to date and
//! waited for until InService.

use std::time::Instant;

use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::aws::studio::{AppInfo, DomainInfo, DomainSpec, SpaceInfo};
use crate::aws::studio_settings::GuardrailUpdate;
use crate::core::params::guardrails::{AUDIT_IDENTITY, DomainGuardrails};
use crate::core::params::instance_types::InstanceTypes;
use crate::core::shown::shown;
use crate::core::status::{AppStatus, DomainPhase, DomainStatus, StackStatus};
use crate::ops::Error;

use super::owner::{ProjectDomains, StackPlace};
use super::{
    MANAGED_BY, Poll, Progress, StudioMsg, StudioNetwork, refuse_read_only, secs, send,
    timeout_error,
};

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

pub(crate) fn domain_failed(d: &DomainInfo) -> Error {
    Error::failed(
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
) -> Result<DomainInfo, Error> {
    let mut delay = poll.initial;
    let mut last: Option<DomainStatus> = None;
    loop {
        let Some(d) = session.describe_domain(id).await? else {
            return Err(Error::missing(
                "sagemaker:DescribeDomain",
                format!("the Studio domain {name} ({id}) disappeared while being created"),
            ));
        };
        if last.as_ref() != Some(&d.status) {
            last = Some(d.status.clone());
            send(tx, StudioMsg::described(&d, secs(start)));
        }
        if d.status == DomainStatus::InService {
            return Ok(d);
        }
        if d.status.is_failed() {
            return Err(domain_failed(&d));
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
        return bring_guardrails_up_to_date(session, d, guardrails, start, poll, tx).await;
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
    };
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

/// How a domain's guardrails differ from the project's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuardrailDiff {
    pub idle: bool,
    pub instance_types: bool,
    pub audit: bool,
}

impl GuardrailDiff {
    pub fn of(d: &DomainInfo, g: &DomainGuardrails) -> Self {
        Self {
            idle: !d.idle.is(g.idle),
            instance_types: InstanceTypes::hides_every_type(&d.hidden_instance_types)
                || !InstanceTypes::from_hidden(&d.hidden_instance_types).same_as(&g.instance_types),
            audit: d.audit_identity.as_deref() != Some(AUDIT_IDENTITY),
        }
    }

    pub fn is_empty(self) -> bool {
        self == Self::default()
    }

    /// Each difference as "X is A, wanted B", joined with "; ".
    pub fn describe(self, d: &DomainInfo, g: &DomainGuardrails) -> String {
        let mut out = Vec::new();
        if self.idle {
            out.push(format!(
                "idle shutdown is {}, wanted {}",
                d.idle.summary(),
                g.idle
            ));
        }
        if self.instance_types {
            out.push(format!(
                "instance types shown are {}, wanted {}",
                shown_hidden(&d.hidden_instance_types),
                shown_types(&g.instance_types)
            ));
        }
        if self.audit {
            out.push(format!(
                "per-user audit (ExecutionRoleIdentityConfig) is {}, wanted {AUDIT_IDENTITY}",
                d.audit_identity
                    .as_deref()
                    .map_or_else(|| "not set".to_string(), |v| shown(v).into_owned())
            ));
        }
        out.join("; ")
    }
}

/// A domain's per-user audit setting in words: "on (USER_PROFILE_NAME)" or "off (…)".
pub fn audit_summary(d: &DomainInfo) -> String {
    match d.audit_identity.as_deref() {
        Some(AUDIT_IDENTITY) => format!("on ({AUDIT_IDENTITY})"),
        Some(other) => format!("off ({})", shown(other)),
        None => "off (not set)".to_string(),
    }
}

/// The types a domain's hidden list leaves shown: as [`shown_types`], or "none (every type
/// hidden)", which is not "all".
pub fn shown_hidden(hidden: &[String]) -> String {
    if InstanceTypes::hides_every_type(hidden) {
        return "none (every type hidden)".into();
    }
    shown_types(&InstanceTypes::from_hidden(hidden))
}

/// An allowed list for a progress line: "all", or the types (at most 6, then how many more).
pub fn shown_types(t: &InstanceTypes) -> String {
    if t.is_all() {
        return "all".into();
    }
    let list = t.allowed();
    let mut s = list
        .iter()
        .take(6)
        .map(|x| shown(x).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > 6 {
        s.push_str(&format!(" and {} more", list.len() - 6));
    }
    s
}

/// A domain whose guardrails differ from `guardrails` (idle shutdown in DefaultUserSettings for
/// JupyterLab and Code Editor and in DefaultSpaceSettings for JupyterLab; the hidden instance
/// types; per-user audit) gets them with UpdateDomain, then is waited for until InService
/// again. Up to date: no call. Not asked for in this run, or read-only: what differs is
/// reported, nothing is changed. SageMaker changes the audit identity only while no app is
/// InService or Pending (a Deleting app counts too): with such apps, the other settings are
/// applied and a warning names what was applied, the blocking apps and how to stop them; the
/// run goes on (to the users). An UpdateDomain refused with the audit identity (an app started
/// in between) is sent once more without it, and said.
pub(crate) async fn bring_guardrails_up_to_date(
    session: &Session,
    d: DomainInfo,
    guardrails: &DomainGuardrails,
    start: Instant,
    poll: Poll,
    tx: &Progress,
) -> Result<DomainInfo, Error> {
    let all = GuardrailDiff::of(&d, guardrails);
    if all.is_empty() {
        return Ok(d);
    }
    // Each setting changes only when this run asked for it: an administrator's stay.
    let asked = guardrails.update_existing;
    let diff = GuardrailDiff {
        idle: all.idle && asked.idle,
        instance_types: all.instance_types && asked.instance_types,
        audit: all.audit && asked.audit,
    };
    let kept = GuardrailDiff {
        idle: all.idle && !asked.idle,
        instance_types: all.instance_types && !asked.instance_types,
        audit: all.audit && !asked.audit,
    };
    if !kept.is_empty() {
        say(
            tx,
            &d,
            DomainPhase::Aws(d.status.clone()),
            start,
            format!(
                "{} (the saved answers): not changed (pass --idle-timeout or \
                 --instance-types, or press s on the overview, to change it)",
                kept.describe(&d, guardrails)
            ),
        );
    }
    if diff.is_empty() {
        return Ok(d);
    }
    let what = diff.describe(&d, guardrails);
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
    // "This configuration can only be modified if there are no apps in the InService or
    // Pending state" (DomainSettingsForUpdate.ExecutionRoleIdentityConfig): decided before the
    // call, so the rest is not refused with it.
    let mut blocking = if diff.audit {
        running_apps(session, &d.id).await?
    } else {
        Vec::new()
    };
    let audit_now = diff.audit && blocking.is_empty();
    let mut d = d;
    if diff.idle || diff.instance_types || audit_now {
        let sent = GuardrailDiff {
            audit: audit_now,
            ..diff
        };
        say(
            tx,
            &d,
            DomainPhase::Updating,
            start,
            format!("{}: updating the domain", sent.describe(&d, guardrails)),
        );
        let update = GuardrailUpdate {
            instance_types: diff.instance_types.then_some(&guardrails.instance_types),
            audit_identity: audit_now,
        };
        // One call: it applies all of it or, refused, none of it (the error says why).
        match session
            .update_domain_guardrails(&d.id, guardrails.idle, update)
            .await
        {
            Ok(()) => {}
            Err(e)
                if audit_now
                    && matches!(
                        e.code.as_deref(),
                        Some("ResourceInUse" | "ValidationException")
                    ) =>
            {
                // Refused with the audit identity (an app started in between): nothing was
                // applied. The idle and type changes do not wait for it: sent again without.
                blocking = running_apps(session, &d.id).await?;
                if blocking.is_empty() {
                    return Err(e.into());
                }
                if diff.idle || diff.instance_types {
                    say(
                        tx,
                        &d,
                        DomainPhase::Updating,
                        start,
                        format!(
                            "SageMaker refused the per-user audit ({}): updating the rest \
                             without it",
                            shown(&e.message)
                        ),
                    );
                    let rest = GuardrailUpdate {
                        instance_types: diff.instance_types.then_some(&guardrails.instance_types),
                        audit_identity: false,
                    };
                    session
                        .update_domain_guardrails(&d.id, guardrails.idle, rest)
                        .await?;
                }
            }
            Err(e) => return Err(e.into()),
        }
        d = wait_domain_in_service(session, &d.id, &d.name, start, poll, tx).await?;
    }
    if !blocking.is_empty() {
        let mut applied = Vec::new();
        if diff.idle {
            applied.push(format!("idle shutdown {}", guardrails.idle));
        }
        if diff.instance_types {
            applied.push(format!(
                "instance types {}",
                shown_types(&guardrails.instance_types)
            ));
        }
        let held = audit_block(&d, &blocking, &applied);
        say(
            tx,
            &d,
            DomainPhase::Aws(d.status.clone()),
            start,
            format!(
                "warning: {}; to finish: {}",
                held.message(),
                held.fix().unwrap_or_default()
            ),
        );
    }
    Ok(d)
}

/// The apps of the domain that are InService, Pending or Deleting.
async fn running_apps(session: &Session, domain_id: &str) -> Result<Vec<AppInfo>, Error> {
    let mut apps: Vec<AppInfo> = session
        .list_apps(domain_id)
        .await?
        .into_iter()
        .filter(|a| blocks_audit(&a.status))
        .collect();
    apps.sort_by(|a, b| {
        (&a.user_profile, &a.space, &a.name).cmp(&(&b.user_profile, &b.space, &b.name))
    });
    Ok(apps)
}

/// An app in this state keeps SageMaker from changing the audit identity: InService and
/// Pending (DomainSettingsForUpdate), and Deleting, which is not yet Deleted (stopping it
/// in Studio leaves it Deleting for a while).
fn blocks_audit(status: &AppStatus) -> bool {
    matches!(
        status,
        AppStatus::InService | AppStatus::Pending | AppStatus::Deleting
    )
}

/// An `aws sagemaker delete-app` command for `app`, printed only for SageMaker names (letters,
/// digits, hyphens), quoted for the shell.
fn delete_app_command(domain_id: &str, app: &AppInfo) -> Option<String> {
    let sagemaker_name = |v: &str| {
        !v.is_empty() && v.len() <= 63 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let (flag, owner) = match (&app.space, &app.user_profile) {
        (Some(s), _) => ("--space-name", s.as_str()),
        (None, Some(u)) => ("--user-profile-name", u.as_str()),
        (None, None) => return None,
    };
    if ![domain_id, owner, &app.app_type, &app.name]
        .into_iter()
        .all(sagemaker_name)
    {
        return None;
    }
    let q = |v: &str| crate::core::shown::shell_word(v).map(|w| w.into_owned());
    Some(format!(
        "aws sagemaker delete-app --domain-id {} {flag} {} --app-type {} --app-name {}",
        q(domain_id)?,
        q(owner)?,
        q(&app.app_type)?,
        q(&app.name)?
    ))
}

/// The refusal when apps keep the audit identity from being set: what was applied, which apps
/// block (user or space, type, name), and how to stop them.
fn audit_block(d: &DomainInfo, apps: &[AppInfo], applied: &[String]) -> Error {
    let named: Vec<String> = apps
        .iter()
        .map(|a| {
            let owner = match (&a.space, &a.user_profile) {
                (Some(s), _) => format!("space {}", shown(s)),
                (None, Some(u)) => format!("user {}", shown(u)),
                (None, None) => "no owner".to_string(),
            };
            format!(
                "{} {} of {owner} ({})",
                shown(&a.app_type),
                shown(&a.name),
                a.status
            )
        })
        .collect();
    let commands: Vec<String> = apps
        .iter()
        .filter_map(|a| delete_app_command(&d.id, a))
        .collect();
    let applied = if applied.is_empty() {
        "nothing else was changed".to_string()
    } else {
        format!("applied: {}", applied.join(", "))
    };
    Error::refused(format!(
        "per-user audit (ExecutionRoleIdentityConfig {AUDIT_IDENTITY}) was not set on the Studio \
         domain {} ({}): SageMaker changes it only while no app is InService or Pending, and \
         these are: {}; {applied}",
        shown(&d.name),
        d.id,
        named.join(", ")
    ))
    .with_fix(format!(
        "stop these apps in Studio or with {} (their users save their work first; the spaces' \
         storage is kept), then run `studio-tui up` again with the same flags (or press s on \
         the overview)",
        if commands.is_empty() {
            "`aws sagemaker delete-app …`".to_string()
        } else {
            commands
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join("; ")
        }
    ))
}

/// Progress on the domain `d`: its phase and what is being done about it.
fn say(tx: &Progress, d: &DomainInfo, status: DomainPhase, start: Instant, detail: String) {
    send(
        tx,
        StudioMsg::Domain {
            name: d.name.clone(),
            id: Some(d.id.clone()),
            status,
            elapsed_secs: secs(start),
            detail: Some(detail),
        },
    );
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
    fn a_domain_that_hides_every_type_is_not_one_that_allows_all() {
        use crate::core::params::instance_types::STUDIO_INSTANCE_TYPES;
        let d = DomainInfo {
            hidden_instance_types: STUDIO_INSTANCE_TYPES.iter().map(|t| (*t).into()).collect(),
            audit_identity: Some(AUDIT_IDENTITY.into()),
            ..DomainInfo::default()
        };
        let g = DomainGuardrails {
            instance_types: InstanceTypes::all(),
            ..DomainGuardrails::default()
        };
        let diff = GuardrailDiff::of(&d, &g);
        assert!(diff.instance_types, "{diff:?}");
        assert!(
            diff.describe(&d, &g)
                .contains("instance types shown are none (every type hidden), wanted all"),
            "{}",
            diff.describe(&d, &g)
        );
        assert_eq!(shown_hidden(&[]), "all");
    }

    #[test]
    fn a_deleting_app_blocks_the_audit_change_a_deleted_or_failed_one_does_not() {
        for (status, blocks) in [
            (AppStatus::InService, true),
            (AppStatus::Pending, true),
            (AppStatus::Deleting, true),
            (AppStatus::Deleted, false),
            (AppStatus::Failed, false),
        ] {
            assert_eq!(blocks_audit(&status), blocks, "{status:?}");
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
