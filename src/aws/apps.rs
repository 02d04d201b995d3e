//! SageMaker Studio apps (of a user profile or of a space): list, describe, delete, as the
//! project's own [`AppInfo`]. Thin wrappers, one AWS call each; the waiting and the run rate
//! are in `ops`.

use aws_sdk_sagemaker::types::{AppType, ResourceSpec};
use serde::Serialize;

use super::{AwsError, ErrorKind, Session};
use crate::core::status::AppStatus;

/// An app of a user profile or of a space.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    pub domain_id: String,
    pub app_type: String,
    pub name: String,
    pub user_profile: Option<String>,
    pub space: Option<String>,
    pub status: AppStatus,
    /// `ResourceSpec.InstanceType` ("ml.t3.medium"; "system" for the Studio Classic
    /// JupyterServer), None when AWS names none.
    pub instance_type: Option<String>,
    /// `CreationTime`, ms since the epoch.
    pub created_ms: Option<i64>,
}

impl AppInfo {
    /// Still running or starting (anything that is not Deleted, Deleting or Failed).
    pub fn is_live(&self) -> bool {
        !matches!(
            self.status,
            AppStatus::Deleted | AppStatus::Deleting | AppStatus::Failed
        )
    }
    /// Needs a DeleteApp call before its owner can go (Failed apps too, they block as well).
    pub fn needs_delete(&self) -> bool {
        !matches!(self.status, AppStatus::Deleted | AppStatus::Deleting)
    }
    /// "JupyterLab/default"
    pub fn label(&self) -> String {
        format!("{}/{}", self.app_type, self.name)
    }
}

/// A SageMaker timestamp as ms since the epoch (shared with `studio.rs`).
pub(super) fn millis(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.and_then(|t| t.to_millis().ok())
}

/// SageMaker's ways of saying a resource does not exist: ResourceNotFound, or a
/// ValidationException "… does not exist" / "… not found" / "Could not find …" (shared with
/// `studio.rs` and `leftovers.rs`).
pub(super) fn is_not_found(e: &AwsError) -> bool {
    e.kind == ErrorKind::NotFound
        || e.code.as_deref() == Some("ResourceNotFound")
        || (e.kind == ErrorKind::Validation
            && (e.message.contains("does not exist")
                || e.message.contains("not found")
                || e.message.contains("Could not find")))
}

fn instance_type(spec: Option<&ResourceSpec>) -> Option<String> {
    spec.and_then(ResourceSpec::instance_type)
        .map(|t| t.as_str().to_string())
        .filter(|t| !t.is_empty())
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

impl Session {
    /// Apps of the domain (Deleted ones included, as AWS lists them).
    pub async fn list_apps(&self, domain_id: &str) -> Result<Vec<AppInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_apps()
            .domain_id_equals(domain_id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListApps", e))?;
        Ok(items
            .iter()
            .map(|a| AppInfo {
                domain_id: a.domain_id().unwrap_or(domain_id).to_string(),
                app_type: a
                    .app_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                name: a.app_name().unwrap_or_default().to_string(),
                user_profile: non_empty(a.user_profile_name()),
                space: non_empty(a.space_name()),
                status: a
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                instance_type: instance_type(a.resource_spec()),
                created_ms: millis(a.creation_time()),
            })
            .collect())
    }

    /// The app as it is now; None when AWS does not know it (ResourceNotFound).
    pub async fn describe_app(&self, app: &AppInfo) -> Result<Option<AppInfo>, AwsError> {
        let mut req = self
            .sagemaker()
            .describe_app()
            .domain_id(&app.domain_id)
            .app_type(AppType::from(app.app_type.as_str()))
            .app_name(&app.name);
        if let Some(s) = &app.space {
            req = req.space_name(s);
        } else if let Some(u) = &app.user_profile {
            req = req.user_profile_name(u);
        }
        match req.send().await {
            Ok(a) => Ok(Some(AppInfo {
                domain_id: a.domain_id().unwrap_or(&app.domain_id).to_string(),
                app_type: a
                    .app_type()
                    .map_or(app.app_type.clone(), |t| t.as_str().to_string()),
                name: a.app_name().unwrap_or(&app.name).to_string(),
                user_profile: non_empty(a.user_profile_name()),
                space: non_empty(a.space_name()),
                status: a
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                instance_type: instance_type(a.resource_spec()),
                created_ms: millis(a.creation_time()),
            })),
            Err(e) => {
                let err = self.sdk_err("sagemaker:DescribeApp", e);
                if is_not_found(&err) {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    pub async fn delete_app(&self, app: &AppInfo) -> Result<(), AwsError> {
        let mut req = self
            .sagemaker()
            .delete_app()
            .domain_id(&app.domain_id)
            .app_type(AppType::from(app.app_type.as_str()))
            .app_name(&app.name);
        if let Some(s) = &app.space {
            req = req.space_name(s);
        } else if let Some(u) = &app.user_profile {
            req = req.user_profile_name(u);
        }
        match req.send().await {
            Ok(_) => Ok(()),
            Err(e) => {
                let err = self.sdk_err("sagemaker:DeleteApp", e);
                // Gone or going already: that is what we wanted.
                if is_not_found(&err) || err.message.contains("already being deleted") {
                    Ok(())
                } else {
                    Err(err)
                }
            }
        }
    }
}
