//! The Studio domain's guardrails: how they differ from the project's, the instance types Studio
//! shows against those IAM enforces, and UpdateDomain bringing an existing domain up to date
//! (idle shutdown, instance types, per-user audit) with what SageMaker refuses said.

use std::time::Instant;

use crate::aws::Session;
use crate::aws::studio::{AppInfo, DomainInfo};
use crate::aws::studio_settings::GuardrailUpdate;
use crate::core::field::Field;
use crate::core::params::guardrails::{AUDIT_IDENTITY, DomainGuardrails};
use crate::core::params::instance_types::InstanceTypes;
use crate::core::shown::shown;
use crate::core::status::{AppStatus, DomainPhase};
use crate::ops::Error;

use super::waiting::{say, wait_domain_in_service};
use super::{Poll, Progress, StudioNetwork};

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

/// The instance types as Studio shows them (the domain's hidden list, which only hides) and as
/// IAM enforces them (the stack's `AllowedInstanceTypes`: the execution role's Deny, read from
/// the stack's parameters, not from IAM).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TypesEnforced {
    /// The types the domain leaves shown; empty: all (unless `every_type_hidden`).
    pub shown_in_studio: InstanceTypes,
    /// The domain hides every type.
    pub every_type_hidden: bool,
    /// What the stack's Deny allows (empty: all); None: no stack, or a stack made before the
    /// parameter (see `stack_deployed`).
    pub enforced_by_iam: Option<InstanceTypes>,
    /// The project's stack exists.
    pub stack_deployed: bool,
}

impl TypesEnforced {
    pub fn of(d: &DomainInfo, stack: Option<&crate::aws::stacks::StackInfo>) -> TypesEnforced {
        TypesEnforced {
            shown_in_studio: InstanceTypes::from_hidden(&d.hidden_instance_types),
            every_type_hidden: InstanceTypes::hides_every_type(&d.hidden_instance_types),
            enforced_by_iam: stack
                .and_then(|s| Field::InstanceTypes.in_stack(&s.parameters))
                .map(|v| InstanceTypes::from_parameter(v)),
            stack_deployed: stack.is_some(),
        }
    }

    /// Studio shows what IAM allows.
    pub fn agree(&self) -> bool {
        !self.every_type_hidden
            && self
                .enforced_by_iam
                .as_ref()
                .is_some_and(|e| e.same_as(&self.shown_in_studio))
    }

    /// The stack was made from a template before `AllowedInstanceTypes` (and before its role
    /// trusted sts:SetSourceIdentity): updating it is the fix.
    pub fn stack_predates(&self) -> bool {
        self.stack_deployed && self.enforced_by_iam.is_none()
    }

    /// Worth a warning: the lists differ, or Studio hides types that nothing enforces.
    pub fn warns(&self) -> bool {
        let nothing_hidden = self.shown_in_studio.is_all() && !self.every_type_hidden;
        !self.agree() && (self.enforced_by_iam.is_some() || !nothing_hidden)
    }

    /// The overview's short form: "instance types X" when both agree, "X shown, Y by IAM
    /// (they differ)", or "X shown, none by IAM (the stack predates the list)".
    pub fn short(&self) -> String {
        let shown_list = self.shown_list();
        match &self.enforced_by_iam {
            // Agreeing needs no word on the overview's narrow row; `status` says it in full.
            _ if self.agree() => format!("instance types {shown_list}"),
            Some(e) => format!(
                "instance types {shown_list} shown, {} by IAM (they differ)",
                shown_types(e)
            ),
            None if self.stack_deployed => {
                format!("instance types {shown_list} shown, none by IAM (the stack predates it)")
            }
            None => format!("instance types {shown_list} shown, none by IAM (no stack)"),
        }
    }

    fn shown_list(&self) -> String {
        shown_or_none(self.every_type_hidden, &self.shown_in_studio)
    }

    /// One line: "instance types X (shown in Studio, enforced by the stack's IAM policy)", or
    /// both lists and what to do when they differ.
    pub fn line(&self) -> String {
        let shown_list = self.shown_list();
        if self.agree() {
            return format!(
                "instance types {shown_list} (shown in Studio, enforced by the stack's IAM policy)"
            );
        }
        match &self.enforced_by_iam {
            None if !self.stack_deployed => format!(
                "instance types {shown_list} shown in Studio, which only hides; no stack, so IAM \
                 enforces no list"
            ),
            None => format!(
                "instance types {shown_list} shown in Studio, which only hides; IAM enforces no \
                 list (the stack predates AllowedInstanceTypes: `studio-tui deploy` updates it)"
            ),
            Some(e) => format!(
                "instance types {shown_list} shown in Studio, {} enforced by IAM (the stack's \
                 AllowedInstanceTypes): they differ; `studio-tui up --instance-types LIST` sets \
                 both",
                shown_types(e)
            ),
        }
    }
}

/// The overview's Apps row: the instance types shown in Studio and enforced by IAM, per-user
/// audit, and what `s` would set when they differ from the project's; true when worth a
/// warning.
pub fn apps_row(
    d: &DomainInfo,
    stack: &crate::aws::stacks::StackInfo,
    guardrails: &DomainGuardrails,
    read_only: bool,
) -> (String, bool) {
    let types = TypesEnforced::of(d, Some(stack));
    let now = format!("{} · per-user audit {}", types.short(), audit_summary(d));
    let diff = GuardrailDiff::of(d, guardrails);
    // A stack made before the trust: `s` cannot turn audit on, a stack update comes first.
    let audit = diff.audit && !types.stack_predates();
    if !diff.instance_types && !audit {
        let note = if diff.audit {
            "; audit needs the stack updated first (`studio-tui deploy`)"
        } else {
            ""
        };
        return (format!("{now}{note}"), types.warns() || diff.audit);
    }
    let todo = if read_only {
        "read-only: not updated"
    } else {
        "press s to update the domain"
    };
    (
        format!(
            "{now}; wanted: types {}, audit on — {todo}",
            shown_types(&guardrails.instance_types)
        ),
        true,
    )
}

/// The types a domain's hidden list leaves shown: as [`shown_types`], or "none (every type
/// hidden)", which is not "all".
pub fn shown_hidden(hidden: &[String]) -> String {
    shown_or_none(
        InstanceTypes::hides_every_type(hidden),
        &InstanceTypes::from_hidden(hidden),
    )
}

/// [`shown_types`], or "none (every type hidden)" when nothing is shown.
fn shown_or_none(every_type_hidden: bool, shown: &InstanceTypes) -> String {
    if every_type_hidden {
        "none (every type hidden)".to_string()
    } else {
        shown_types(shown)
    }
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
    network: &StudioNetwork,
    guardrails: &DomainGuardrails,
    start: Instant,
    poll: Poll,
    tx: &Progress,
) -> Result<DomainInfo, Error> {
    let all = GuardrailDiff::of(&d, guardrails);
    if all.is_empty() {
        return Ok(d);
    }
    // Each setting changes only when this run asked for it: an administrator's stay. The audit
    // identity never changes on a role that does not trust sts:SetSourceIdentity ("all
    // execution roles must have" it): said, asked or not, with the fix.
    let asked = guardrails.update_existing;
    let trusts = network.role_trusts_source_identity;
    if all.audit && !trusts {
        say(
            tx,
            &d,
            DomainPhase::Aws(d.status.clone()),
            start,
            format!("warning: {AUDIT_NEEDS_STACK_UPDATE}"),
        );
    }
    let diff = GuardrailDiff {
        idle: all.idle && asked.idle,
        instance_types: all.instance_types && asked.instance_types,
        audit: all.audit && asked.audit && trusts,
    };
    let kept = GuardrailDiff {
        idle: all.idle && !asked.idle,
        instance_types: all.instance_types && !asked.instance_types,
        audit: all.audit && !asked.audit && trusts,
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
        let held = audit_block(&d, &blocking, applied_list(&diff, guardrails).as_deref());
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

/// Why per-user audit is not set on a domain of a stack made from an older template, and the
/// fix.
pub(crate) const AUDIT_NEEDS_STACK_UPDATE: &str = "per-user audit (ExecutionRoleIdentityConfig USER_PROFILE_NAME) not turned on: the stack's \
     execution role comes from an older template whose trust policy does not allow \
     sts:SetSourceIdentity, which SageMaker requires of every execution role when it is on \
     (without it, calls made as the role can fail). Update the stack (`studio-tui deploy`), \
     then press s on the overview to turn it on";

/// The idle and type settings this update applied, said with a held-back audit identity.
fn applied_list(diff: &GuardrailDiff, guardrails: &DomainGuardrails) -> Option<String> {
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
    (!applied.is_empty()).then(|| applied.join(", "))
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
fn audit_block(d: &DomainInfo, apps: &[AppInfo], applied: Option<&str>) -> Error {
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
    let applied = match applied {
        None => "nothing else was changed".to_string(),
        Some(a) => format!("applied: {a}"),
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
         storage is kept), then press s on the overview (`up` never changes the audit \
         setting of an existing domain)",
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_types_studio_shows_are_compared_with_what_the_stack_enforces() {
        use crate::aws::stacks::StackInfo;
        let two = InstanceTypes::from_parameter("ml.t3.medium, ml.m5.large,ml.t3.medium");
        assert_eq!(two.allowed(), ["ml.t3.medium", "ml.m5.large"]);
        let d = DomainInfo {
            hidden_instance_types: two.hidden(),
            ..DomainInfo::default()
        };
        let stack = |v: Option<&str>| StackInfo {
            parameters: v
                .map(|v| [("AllowedInstanceTypes".to_string(), v.to_string())].into())
                .unwrap_or_default(),
            stack_id: "id".into(),
            stack_name: "demo".into(),
            status: "CREATE_COMPLETE".into(),
            status_reason: None,
            outputs: Default::default(),
            creation_time: None,
            last_updated_time: None,
        };
        let same = TypesEnforced::of(&d, Some(&stack(Some("ml.m5.large,ml.t3.medium"))));
        assert!(same.agree());
        assert_eq!(
            same.line(),
            "instance types ml.m5.large, ml.t3.medium (shown in Studio, enforced by the stack's \
             IAM policy)"
        );
        let wider = TypesEnforced::of(&d, Some(&stack(Some(""))));
        assert!(!wider.agree());
        assert!(
            wider
                .line()
                .contains("ml.m5.large, ml.t3.medium shown in Studio, all enforced by IAM")
                && wider
                    .line()
                    .contains("they differ; `studio-tui up --instance-types LIST`"),
            "{}",
            wider.line()
        );
        let old = TypesEnforced::of(&d, Some(&stack(None)));
        assert!(old.stack_predates() && old.warns() && !old.agree());
        assert!(
            old.line()
                .contains("IAM enforces no list (the stack predates"),
            "{}",
            old.line()
        );
        let no_stack = TypesEnforced::of(&d, None);
        assert!(!no_stack.stack_predates() && no_stack.warns());
        assert!(
            no_stack
                .line()
                .contains("no stack, so IAM enforces no list")
        );
        assert!(!TypesEnforced::of(&DomainInfo::default(), Some(&stack(None))).warns());
        assert!(wider.warns() && !same.warns());
        assert_eq!(same.short(), "instance types ml.m5.large, ml.t3.medium");
        assert_eq!(
            wider.short(),
            "instance types ml.m5.large, ml.t3.medium shown, all by IAM (they differ)"
        );
        assert!(old.short().ends_with("none by IAM (the stack predates it)"));
        assert!(no_stack.short().ends_with("none by IAM (no stack)"));
        let all = DomainInfo::default();
        assert!(TypesEnforced::of(&all, Some(&stack(Some("")))).agree());
        let none = DomainInfo {
            hidden_instance_types: crate::core::params::instance_types::STUDIO_INSTANCE_TYPES
                .iter()
                .map(|t| (*t).into())
                .collect(),
            ..DomainInfo::default()
        };
        let hidden = TypesEnforced::of(&none, Some(&stack(Some(""))));
        assert!(!hidden.agree());
        assert!(
            hidden
                .line()
                .starts_with("instance types none (every type hidden) shown")
        );
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
}
