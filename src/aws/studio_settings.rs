//! The Studio domain's guardrail settings as the SageMaker API holds them: idle shutdown
//! (`AppLifecycleManagement.IdleSettings`), the instance types hidden in the Studio UI
//! (`DefaultUserSettings.StudioWebPortalSettings.HiddenInstanceTypes`) and per-user audit
//! (`DomainSettings.ExecutionRoleIdentityConfig`): built for CreateDomain, read back from
//! DescribeDomain, and sent with UpdateDomain over what the domain has.

use aws_sdk_sagemaker::types::{
    AppInstanceType, AppLifecycleManagement, CodeEditorAppSettings, DefaultSpaceSettings,
    DomainSettings, DomainSettingsForUpdate, ExecutionRoleIdentityConfig, IdleSettings,
    JupyterLabAppSettings, LifecycleManagement, StudioWebPortalSettings, UserSettings,
    builders::{DefaultSpaceSettingsBuilder, UserSettingsBuilder},
};

use super::{AwsError, Session};
use crate::core::params::guardrails::{AUDIT_IDENTITY, DomainGuardrails, IDLE_MIN, IdleShutdown};
use crate::core::params::instance_types::InstanceTypes;

/// `IdleSettings`: ENABLED with the timeout, and the range a user may choose (60 up to it); or
/// DISABLED.
fn lifecycle(idle: IdleShutdown) -> AppLifecycleManagement {
    let settings = match idle {
        IdleShutdown::Off => {
            IdleSettings::builder().lifecycle_management(LifecycleManagement::Disabled)
        }
        IdleShutdown::After(m) => {
            let m = i32::try_from(m).unwrap_or(i32::MAX);
            IdleSettings::builder()
                .lifecycle_management(LifecycleManagement::Enabled)
                .idle_timeout_in_minutes(m)
                .min_idle_timeout_in_minutes(IDLE_MIN as i32)
                .max_idle_timeout_in_minutes(m)
        }
    };
    AppLifecycleManagement::builder()
        .idle_settings(settings.build())
        .build()
}

/// `StudioWebPortalSettings` with `hidden` as its hidden instance types, over `base` (its
/// other members kept).
fn portal(base: Option<StudioWebPortalSettings>, hidden: &[String]) -> StudioWebPortalSettings {
    let mut p = base.unwrap_or_else(|| StudioWebPortalSettings::builder().build());
    p.hidden_instance_types = Some(
        hidden
            .iter()
            .map(|t| AppInstanceType::from(t.as_str()))
            .collect(),
    );
    p
}

/// The guardrails of a new domain's user settings, over `base`: idle shutdown of JupyterLab and
/// Code Editor, and the hidden instance types (none sent when all are allowed).
pub(super) fn new_user_settings(
    base: UserSettingsBuilder,
    guardrails: &DomainGuardrails,
) -> UserSettingsBuilder {
    let base = base
        .jupyter_lab_app_settings(
            JupyterLabAppSettings::builder()
                .app_lifecycle_management(lifecycle(guardrails.idle))
                .build(),
        )
        .code_editor_app_settings(
            CodeEditorAppSettings::builder()
                .app_lifecycle_management(lifecycle(guardrails.idle))
                .build(),
        );
    let hidden = guardrails.instance_types.hidden();
    if hidden.is_empty() {
        base
    } else {
        base.studio_web_portal_settings(portal(None, &hidden))
    }
}

/// Idle shutdown of shared spaces: JupyterLab only (DefaultSpaceSettings has no Code Editor
/// settings).
pub(super) fn new_space_settings(
    base: DefaultSpaceSettingsBuilder,
    idle: IdleShutdown,
) -> DefaultSpaceSettingsBuilder {
    base.jupyter_lab_app_settings(
        JupyterLabAppSettings::builder()
            .app_lifecycle_management(lifecycle(idle))
            .build(),
    )
}

/// A new domain's `DomainSettings`: per-user audit ([`AUDIT_IDENTITY`]).
pub(super) fn new_domain_settings() -> DomainSettings {
    DomainSettings::builder()
        .execution_role_identity_config(ExecutionRoleIdentityConfig::from(AUDIT_IDENTITY))
        .build()
}

/// The domain's described settings with the idle shutdown `idle` and the hidden types `hidden`
/// (None: left as they are) and nothing else changed: JupyterLab and Code Editor in the user
/// settings, JupyterLab in the space settings (which are sent back only when the domain has
/// them: their ExecutionRole "cannot be unset").
fn with_guardrails(
    user: Option<UserSettings>,
    space: Option<DefaultSpaceSettings>,
    idle: IdleShutdown,
    hidden: Option<&[String]>,
) -> (UserSettings, Option<DefaultSpaceSettings>) {
    let mut user = user.unwrap_or_else(|| UserSettings::builder().build());
    let mut lab = user
        .jupyter_lab_app_settings
        .take()
        .unwrap_or_else(|| JupyterLabAppSettings::builder().build());
    lab.app_lifecycle_management = Some(lifecycle(idle));
    user.jupyter_lab_app_settings = Some(lab);
    let mut editor = user
        .code_editor_app_settings
        .take()
        .unwrap_or_else(|| CodeEditorAppSettings::builder().build());
    editor.app_lifecycle_management = Some(lifecycle(idle));
    user.code_editor_app_settings = Some(editor);
    if let Some(hidden) = hidden {
        user.studio_web_portal_settings =
            Some(portal(user.studio_web_portal_settings.take(), hidden));
    }
    let space = space.map(|mut space| {
        let mut lab = space
            .jupyter_lab_app_settings
            .take()
            .unwrap_or_else(|| JupyterLabAppSettings::builder().build());
        lab.app_lifecycle_management = Some(lifecycle(idle));
        space.jupyter_lab_app_settings = Some(lab);
        space
    });
    (user, space)
}

/// What a described `AppLifecycleManagement` says: None when absent or unreadable.
pub(super) fn idle_of(l: Option<&AppLifecycleManagement>) -> Option<IdleShutdown> {
    let s = l?.idle_settings()?;
    match s.lifecycle_management()? {
        LifecycleManagement::Disabled => Some(IdleShutdown::Off),
        LifecycleManagement::Enabled => s
            .idle_timeout_in_minutes()
            .and_then(|m| u32::try_from(m).ok())
            .map(IdleShutdown::After),
        _ => None,
    }
}

/// The instance types a `StudioWebPortalSettings` hides (empty when none or absent).
pub(super) fn hidden_of(p: Option<&StudioWebPortalSettings>) -> Vec<String> {
    p.map(|p| {
        p.hidden_instance_types()
            .iter()
            .map(|t| t.as_str().to_string())
            .collect()
    })
    .unwrap_or_default()
}

/// What [`Session::update_domain_guardrails`] sends besides the idle shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardrailUpdate<'a> {
    /// The instance types to show (the others hidden); None leaves the hidden list alone.
    pub instance_types: Option<&'a InstanceTypes>,
    /// Set per-user audit ([`AUDIT_IDENTITY`]), which SageMaker changes only while no app is
    /// InService or Pending.
    pub audit_identity: bool,
}

impl Session {
    /// The instance types a user profile hides itself (its own
    /// `UserSettings.StudioWebPortalSettings.HiddenInstanceTypes`, which takes priority over the
    /// domain's); None when it has no list of its own. DescribeUserProfile.
    pub async fn profile_hidden_instance_types(
        &self,
        domain_id: &str,
        name: &str,
    ) -> Result<Option<Vec<String>>, AwsError> {
        let p = self
            .sagemaker()
            .describe_user_profile()
            .domain_id(domain_id)
            .user_profile_name(name)
            .send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:DescribeUserProfile", e))?;
        Ok(p.user_settings()
            .and_then(|u| u.studio_web_portal_settings())
            .and_then(|w| w.hidden_instance_types.as_ref())
            .map(|v| v.iter().map(|t| t.as_str().to_string()).collect()))
    }

    /// UpdateDomain with the idle shutdown of JupyterLab and Code Editor apps in
    /// DefaultUserSettings and of JupyterLab in DefaultSpaceSettings, the hidden instance types
    /// in DefaultUserSettings.StudioWebPortalSettings and, when asked, the audit identity in
    /// DomainSettingsForUpdate. AWS documents no merge of a structure sent in part (and tells
    /// users to edit what DescribeDomain returns), so the domain is described first and its
    /// whole DefaultUserSettings and DefaultSpaceSettings are sent back with only those members
    /// changed: an administrator's custom images, default instance, lifecycle configurations,
    /// repositories and the shared spaces' role stay. The domain goes to Updating, then back to
    /// InService.
    pub async fn update_domain_guardrails(
        &self,
        id: &str,
        idle: IdleShutdown,
        update: GuardrailUpdate<'_>,
    ) -> Result<(), AwsError> {
        let described = self
            .sagemaker()
            .describe_domain()
            .domain_id(id)
            .send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:DescribeDomain", e))?;
        let hidden = update.instance_types.map(InstanceTypes::hidden);
        let (user, space) = with_guardrails(
            described.default_user_settings().cloned(),
            described.default_space_settings().cloned(),
            idle,
            hidden.as_deref(),
        );
        let mut req = self
            .sagemaker()
            .update_domain()
            .domain_id(id)
            .default_user_settings(user);
        if let Some(space) = space {
            req = req.default_space_settings(space);
        }
        if update.audit_identity {
            req = req.domain_settings_for_update(
                DomainSettingsForUpdate::builder()
                    .execution_role_identity_config(ExecutionRoleIdentityConfig::from(
                        AUDIT_IDENTITY,
                    ))
                    .build(),
            );
        }
        req.send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:UpdateDomain", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::params::instance_types::{STUDIO_INSTANCE_TYPES, SYSTEM_TYPE};

    #[test]
    fn the_core_list_is_the_sdks_app_instance_types_without_system() {
        let sdk: Vec<&str> = AppInstanceType::values()
            .iter()
            .copied()
            .filter(|t| *t != SYSTEM_TYPE)
            .collect();
        assert_eq!(sdk, STUDIO_INSTANCE_TYPES);
        assert!(AppInstanceType::values().contains(&SYSTEM_TYPE));
        assert_eq!(
            ExecutionRoleIdentityConfig::from(AUDIT_IDENTITY),
            ExecutionRoleIdentityConfig::UserProfileName
        );
    }

    #[test]
    fn an_update_keeps_the_other_portal_settings_and_hides_what_is_asked() {
        let user = UserSettings::builder()
            .execution_role("arn:aws:iam::1:role/r")
            .studio_web_portal_settings(
                StudioWebPortalSettings::builder()
                    .hidden_app_types(aws_sdk_sagemaker::types::AppType::Canvas)
                    .hidden_instance_types(AppInstanceType::from("ml.p3.2xlarge"))
                    .build(),
            )
            .build();
        let hidden = vec!["ml.g4dn.xlarge".to_string()];
        let (out, space) = with_guardrails(
            Some(user.clone()),
            None,
            IdleShutdown::After(90),
            Some(&hidden),
        );
        assert!(space.is_none());
        let p = out.studio_web_portal_settings().expect("portal");
        assert_eq!(hidden_of(Some(p)), hidden);
        assert_eq!(p.hidden_app_types().len(), 1);
        assert_eq!(out.execution_role(), Some("arn:aws:iam::1:role/r"));
        let (kept, _) = with_guardrails(Some(user), None, IdleShutdown::Off, None);
        assert_eq!(
            hidden_of(kept.studio_web_portal_settings()),
            ["ml.p3.2xlarge"]
        );
    }
}
