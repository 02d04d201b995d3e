//! SageMaker Studio: domains, user profiles, apps and spaces, as the project's own types.
//!
//! Thin wrappers: one AWS call each (List* through the SDK's paginators), no policy. The
//! workflows that combine them (create, adopt, remove in dependency order) are in `ops::studio`.
//! The SDK has no waiters for domains, profiles, apps or spaces: `ops::studio` polls Describe /
//! List with backoff.

use aws_sdk_sagemaker::types::{
    AppNetworkAccessType, AuthMode, DefaultSpaceSettings, RetentionPolicy, RetentionType, Tag,
    UserSettings,
};
use serde::Serialize;

pub use super::apps::AppInfo;
use super::apps::{is_not_found, millis};
use super::studio_settings::{
    hidden_of, idle_of, new_domain_settings, new_space_settings, new_user_settings,
};
use super::{AwsError, Session};
use crate::core::params::guardrails::{DomainGuardrails, IdleOnDomain};
use crate::core::status::{DomainStatus, SpaceStatus, UserProfileStatus};

/// A Studio domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DomainInfo {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub status: DomainStatus,
    pub failure_reason: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub url: Option<String>,
    pub home_efs_id: Option<String>,
    pub app_network_access_type: Option<String>,
    /// DefaultSpaceSettings.ExecutionRole: the role of shared spaces (DescribeDomain only).
    pub default_space_role: Option<String>,
    /// DefaultSpaceSettings.SecurityGroups (DescribeDomain only).
    pub default_space_security_groups: Vec<String>,
    /// Idle shutdown of JupyterLab and Code Editor apps (DescribeDomain only).
    pub idle: IdleOnDomain,
    /// DefaultUserSettings.StudioWebPortalSettings.HiddenInstanceTypes (DescribeDomain only).
    pub hidden_instance_types: Vec<String>,
    /// DomainSettings.ExecutionRoleIdentityConfig, e.g. USER_PROFILE_NAME (DescribeDomain only).
    pub audit_identity: Option<String>,
}

impl DomainInfo {
    /// The domain has no default execution role or security group for shared spaces (made
    /// before studio-tui set DefaultSpaceSettings): in a space `get_execution_role()` fails and
    /// shared spaces get neither. Meaningful on a described domain only.
    pub fn lacks_space_defaults(&self) -> bool {
        self.default_space_role.is_none() || self.default_space_security_groups.is_empty()
    }
}

/// A user profile (summary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserProfileInfo {
    pub domain_id: String,
    pub name: String,
    pub status: UserProfileStatus,
    pub failure_reason: Option<String>,
}

/// When a domain or a user profile was created and last changed (a fresh one's LastModifiedTime
/// is when it became InService), for the timeline of the operation that built it; `S` is its
/// status ([`DomainStatus`] or [`UserProfileStatus`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifetime<S> {
    pub name: String,
    pub status: S,
    pub created_ms: Option<i64>,
    pub modified_ms: Option<i64>,
}

/// A space (private or shared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceInfo {
    pub domain_id: String,
    pub name: String,
    pub status: SpaceStatus,
    pub owner: Option<String>,
    /// "Private" or "Shared"
    pub sharing: Option<String>,
}

impl SpaceInfo {
    pub fn is_private_of(&self, user: &str) -> bool {
        self.owner.as_deref() == Some(user) && self.sharing.as_deref() == Some("Private")
    }
}

/// Settings of a new domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSpec {
    pub name: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub execution_role_arn: String,
    pub security_group_ids: Vec<String>,
    pub kms_key_id: Option<String>,
    pub tags: Vec<(String, String)>,
    pub guardrails: DomainGuardrails,
    /// Per-user audit: `DomainSettings.ExecutionRoleIdentityConfig` USER_PROFILE_NAME, only when
    /// the execution role trusts `sts:SetSourceIdentity`.
    pub audit_identity: bool,
}

fn space_settings(execution_role: &str, security_groups: &[String]) -> DefaultSpaceSettings {
    let mut b = DefaultSpaceSettings::builder().execution_role(execution_role);
    for sg in security_groups {
        b = b.security_groups(sg);
    }
    b.build()
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

impl Session {
    /// Every domain (summary fields only; use [`Session::describe_domain`] for the rest).
    pub async fn list_domains(&self) -> Result<Vec<DomainInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_domains()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListDomains", e))?;
        Ok(items
            .iter()
            .map(|d| DomainInfo {
                id: d.domain_id().unwrap_or_default().to_string(),
                name: d.domain_name().unwrap_or_default().to_string(),
                arn: d.domain_arn().unwrap_or_default().to_string(),
                status: d
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                failure_reason: None,
                vpc_id: None,
                subnet_ids: Vec::new(),
                url: d.url().map(str::to_string),
                home_efs_id: None,
                app_network_access_type: None,
                default_space_role: None,
                default_space_security_groups: Vec::new(),
                idle: IdleOnDomain::default(),
                hidden_instance_types: Vec::new(),
                audit_identity: None,
            })
            .collect())
    }

    /// The domain, or None when it does not exist (any more).
    pub async fn describe_domain(&self, id: &str) -> Result<Option<DomainInfo>, AwsError> {
        match self
            .sagemaker()
            .describe_domain()
            .domain_id(id)
            .send()
            .await
        {
            Ok(d) => Ok(Some(DomainInfo {
                id: d.domain_id().unwrap_or(id).to_string(),
                name: d.domain_name().unwrap_or_default().to_string(),
                arn: d.domain_arn().unwrap_or_default().to_string(),
                status: d
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                failure_reason: d
                    .failure_reason()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                vpc_id: d.vpc_id().map(str::to_string),
                subnet_ids: d.subnet_ids().to_vec(),
                url: d.url().map(str::to_string),
                home_efs_id: d.home_efs_file_system_id().map(str::to_string),
                app_network_access_type: d
                    .app_network_access_type()
                    .map(|a| a.as_str().to_string()),
                default_space_role: d
                    .default_space_settings()
                    .and_then(|s| s.execution_role())
                    .filter(|r| !r.is_empty())
                    .map(str::to_string),
                default_space_security_groups: d
                    .default_space_settings()
                    .map(|s| s.security_groups().to_vec())
                    .unwrap_or_default(),
                idle: IdleOnDomain {
                    jupyter_lab: idle_of(
                        d.default_user_settings()
                            .and_then(|u| u.jupyter_lab_app_settings())
                            .and_then(|a| a.app_lifecycle_management()),
                    ),
                    code_editor: idle_of(
                        d.default_user_settings()
                            .and_then(|u| u.code_editor_app_settings())
                            .and_then(|a| a.app_lifecycle_management()),
                    ),
                    shared_jupyter_lab: idle_of(
                        d.default_space_settings()
                            .and_then(|u| u.jupyter_lab_app_settings())
                            .and_then(|a| a.app_lifecycle_management()),
                    ),
                },
                hidden_instance_types: hidden_of(
                    d.default_user_settings()
                        .and_then(|u| u.studio_web_portal_settings()),
                ),
                audit_identity: d
                    .domain_settings()
                    .and_then(|s| s.execution_role_identity_config())
                    .map(|c| c.as_str().to_string()),
            })),
            Err(e) => {
                let err = self.sdk_err("sagemaker:DescribeDomain", e);
                if is_not_found(&err) {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// CreateDomain: IAM auth, VpcOnly, the given subnet(s), VPC, the key, and the same execution
    /// role, security groups and idle shutdown as the default of user profiles
    /// (DefaultUserSettings) and of shared spaces (DefaultSpaceSettings); the instance types not
    /// allowed hidden in the Studio UI, and per-user audit (ExecutionRoleIdentityConfig
    /// USER_PROFILE_NAME). Returns the new domain id.
    pub async fn create_domain(&self, spec: &DomainSpec) -> Result<String, AwsError> {
        let mut settings = UserSettings::builder().execution_role(&spec.execution_role_arn);
        for sg in &spec.security_group_ids {
            settings = settings.security_groups(sg);
        }
        let settings = new_user_settings(settings, &spec.guardrails);
        let mut space = DefaultSpaceSettings::builder().execution_role(&spec.execution_role_arn);
        for sg in &spec.security_group_ids {
            space = space.security_groups(sg);
        }
        let space = new_space_settings(space, spec.guardrails.idle);
        let mut req = self
            .sagemaker()
            .create_domain()
            .domain_name(&spec.name)
            .auth_mode(AuthMode::Iam)
            .app_network_access_type(AppNetworkAccessType::VpcOnly)
            .vpc_id(&spec.vpc_id)
            .default_user_settings(settings.build())
            .default_space_settings(space.build());
        if spec.audit_identity {
            req = req.domain_settings(new_domain_settings());
        }
        for s in &spec.subnet_ids {
            req = req.subnet_ids(s);
        }
        if let Some(k) = &spec.kms_key_id {
            req = req.kms_key_id(k);
        }
        for (k, v) in &spec.tags {
            req = req.tags(tag(k, v));
        }
        let out = req
            .send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:CreateDomain", e))?;
        Ok(out
            .domain_id()
            .map(str::to_string)
            .or_else(|| {
                out.domain_arn()
                    .and_then(|a| a.rsplit('/').next())
                    .map(str::to_string)
            })
            .unwrap_or_default())
    }

    /// UpdateDomain with DefaultSpaceSettings (execution role and security groups of shared
    /// spaces). The domain goes to Updating, then back to InService.
    pub async fn update_domain_space_defaults(
        &self,
        id: &str,
        execution_role: &str,
        security_groups: &[String],
    ) -> Result<(), AwsError> {
        self.sagemaker()
            .update_domain()
            .domain_id(id)
            .default_space_settings(space_settings(execution_role, security_groups))
            .send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:UpdateDomain", e))?;
        Ok(())
    }

    /// DeleteDomain with an explicit home EFS retention policy.
    pub async fn delete_domain(&self, id: &str, delete_home_efs: bool) -> Result<(), AwsError> {
        let policy = RetentionPolicy::builder()
            .home_efs_file_system(if delete_home_efs {
                RetentionType::Delete
            } else {
                RetentionType::Retain
            })
            .build();
        self.sagemaker()
            .delete_domain()
            .domain_id(id)
            .retention_policy(policy)
            .send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:DeleteDomain", e))?;
        Ok(())
    }

    pub async fn list_user_profiles(
        &self,
        domain_id: &str,
    ) -> Result<Vec<UserProfileInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_user_profiles()
            .domain_id_equals(domain_id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListUserProfiles", e))?;
        Ok(items
            .iter()
            .map(|p| UserProfileInfo {
                domain_id: p.domain_id().unwrap_or(domain_id).to_string(),
                name: p.user_profile_name().unwrap_or_default().to_string(),
                status: p
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                failure_reason: None,
            })
            .collect())
    }

    /// The domain's CreationTime and LastModifiedTime (DescribeDomain), None when it is gone.
    pub async fn domain_lifetime(
        &self,
        id: &str,
    ) -> Result<Option<Lifetime<DomainStatus>>, AwsError> {
        match self
            .sagemaker()
            .describe_domain()
            .domain_id(id)
            .send()
            .await
        {
            Ok(d) => Ok(Some(Lifetime {
                name: d.domain_name().unwrap_or_default().to_string(),
                status: d
                    .status()
                    .map(|s| DomainStatus::from_aws_str(s.as_str()))
                    .unwrap_or_default(),
                created_ms: millis(d.creation_time()),
                modified_ms: millis(d.last_modified_time()),
            })),
            Err(e) => {
                let err = self.sdk_err("sagemaker:DescribeDomain", e);
                if is_not_found(&err) {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Every user profile of the domain with its CreationTime and LastModifiedTime
    /// (ListUserProfiles carries both).
    pub async fn user_lifetimes(
        &self,
        domain_id: &str,
    ) -> Result<Vec<Lifetime<UserProfileStatus>>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_user_profiles()
            .domain_id_equals(domain_id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListUserProfiles", e))?;
        Ok(items
            .iter()
            .map(|p| Lifetime {
                name: p.user_profile_name().unwrap_or_default().to_string(),
                status: p
                    .status()
                    .map(|s| UserProfileStatus::from_aws_str(s.as_str()))
                    .unwrap_or_default(),
                created_ms: millis(p.creation_time()),
                modified_ms: millis(p.last_modified_time()),
            })
            .collect())
    }

    /// The profile, or None when it does not exist (any more).
    pub async fn describe_user_profile(
        &self,
        domain_id: &str,
        name: &str,
    ) -> Result<Option<UserProfileInfo>, AwsError> {
        match self
            .sagemaker()
            .describe_user_profile()
            .domain_id(domain_id)
            .user_profile_name(name)
            .send()
            .await
        {
            Ok(p) => Ok(Some(UserProfileInfo {
                domain_id: domain_id.to_string(),
                name: name.to_string(),
                status: p
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                failure_reason: p
                    .failure_reason()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            })),
            Err(e) => {
                let err = self.sdk_err("sagemaker:DescribeUserProfile", e);
                if is_not_found(&err) {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    pub async fn create_user_profile(
        &self,
        domain_id: &str,
        name: &str,
        execution_role: Option<&str>,
        security_groups: &[String],
        tags: &[(String, String)],
    ) -> Result<(), AwsError> {
        let mut req = self
            .sagemaker()
            .create_user_profile()
            .domain_id(domain_id)
            .user_profile_name(name);
        if execution_role.is_some() || !security_groups.is_empty() {
            let mut s = UserSettings::builder();
            if let Some(r) = execution_role {
                s = s.execution_role(r);
            }
            for sg in security_groups {
                s = s.security_groups(sg);
            }
            req = req.user_settings(s.build());
        }
        for (k, v) in tags {
            req = req.tags(tag(k, v));
        }
        req.send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:CreateUserProfile", e))?;
        Ok(())
    }

    pub async fn delete_user_profile(&self, domain_id: &str, name: &str) -> Result<(), AwsError> {
        self.sagemaker()
            .delete_user_profile()
            .domain_id(domain_id)
            .user_profile_name(name)
            .send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:DeleteUserProfile", e))?;
        Ok(())
    }

    pub async fn list_spaces(&self, domain_id: &str) -> Result<Vec<SpaceInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_spaces()
            .domain_id_equals(domain_id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListSpaces", e))?;
        Ok(items
            .iter()
            .map(|s| SpaceInfo {
                domain_id: s.domain_id().unwrap_or(domain_id).to_string(),
                name: s.space_name().unwrap_or_default().to_string(),
                status: s
                    .status()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                owner: s
                    .ownership_settings_summary()
                    .and_then(|o| o.owner_user_profile_name())
                    .map(str::to_string),
                sharing: s
                    .space_sharing_settings_summary()
                    .and_then(|o| o.sharing_type())
                    .map(|t| t.as_str().to_string()),
            })
            .collect())
    }

    pub async fn delete_space(&self, domain_id: &str, name: &str) -> Result<(), AwsError> {
        match self
            .sagemaker()
            .delete_space()
            .domain_id(domain_id)
            .space_name(name)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let err = self.sdk_err("sagemaker:DeleteSpace", e);
                if is_not_found(&err) || err.message.contains("already being deleted") {
                    Ok(())
                } else {
                    Err(err)
                }
            }
        }
    }

    /// A presigned sign-in URL for the user (ExpiresInSeconds 5..=300).
    pub async fn create_presigned_domain_url(
        &self,
        domain_id: &str,
        user: &str,
        expires_in_seconds: Option<i32>,
    ) -> Result<String, AwsError> {
        let mut req = self
            .sagemaker()
            .create_presigned_domain_url()
            .domain_id(domain_id)
            .user_profile_name(user);
        if let Some(s) = expires_in_seconds {
            req = req.expires_in_seconds(s);
        }
        let out = req
            .send()
            .await
            .map_err(|e| self.sdk_err("sagemaker:CreatePresignedDomainUrl", e))?;
        Ok(out.authorized_url().unwrap_or_default().to_string())
    }
}
