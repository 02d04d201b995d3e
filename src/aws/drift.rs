//! CloudFormation drift: detection (DetectStackDrift → DescribeStackDriftDetectionStatus →
//! DescribeStackResourceDrifts) and the drift-aware change set that reverts it
//! (CreateChangeSet with `DeploymentMode REVERT_DRIFT`).

use aws_sdk_cloudformation::types::{
    Capability, ChangeSetType, DeploymentMode, StackResourceDriftStatus,
};

use super::{AwsError, Session};
use crate::core::status::{DriftDetectionStatus, ResourceDriftStatus, StackDriftStatus};

/// Where a drift detection is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DetectionStatus {
    pub detection_status: DriftDetectionStatus,
    pub stack_drift_status: Option<StackDriftStatus>,
    pub drifted_count: Option<i32>,
    pub reason: Option<String>,
    /// RFC 3339
    pub timestamp: Option<String>,
}

/// One property that differs from the template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PropertyDifference {
    pub path: String,
    pub expected: String,
    pub actual: String,
    /// ADD, REMOVE, NOT_EQUAL
    pub kind: String,
}

/// A stack resource whose live configuration differs from the template (or that is gone).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResourceDrift {
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
    /// MODIFIED or DELETED (the only ones asked for)
    pub status: ResourceDriftStatus,
    pub differences: Vec<PropertyDifference>,
}

fn fmt_time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

impl Session {
    /// Start a drift detection on the stack; returns its id.
    pub async fn detect_stack_drift(&self, stack: &str) -> Result<String, AwsError> {
        let out = self
            .cloudformation()
            .detect_stack_drift()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| self.sdk_err("cloudformation:DetectStackDrift", e))?;
        Ok(out
            .stack_drift_detection_id()
            .unwrap_or_default()
            .to_string())
    }

    pub async fn drift_detection_status(&self, id: &str) -> Result<DetectionStatus, AwsError> {
        let out = self
            .cloudformation()
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(id)
            .send()
            .await
            .map_err(|e| self.sdk_err("cloudformation:DescribeStackDriftDetectionStatus", e))?;
        Ok(DetectionStatus {
            detection_status: out
                .detection_status()
                .map(|s| s.as_str().into())
                .unwrap_or_default(),
            stack_drift_status: out.stack_drift_status().map(|s| s.as_str().into()),
            drifted_count: out.drifted_stack_resource_count(),
            reason: out.detection_status_reason().map(str::to_string),
            timestamp: fmt_time(out.timestamp()),
        })
    }

    /// The stack's resources found MODIFIED or DELETED by the last detection, and those it
    /// could not check (UNKNOWN: a DETECTION_FAILED detection), all pages.
    pub async fn resource_drifts(&self, stack: &str) -> Result<Vec<ResourceDrift>, AwsError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .cloudformation()
                .describe_stack_resource_drifts()
                .stack_name(stack)
                .stack_resource_drift_status_filters(StackResourceDriftStatus::Modified)
                .stack_resource_drift_status_filters(StackResourceDriftStatus::Deleted)
                .stack_resource_drift_status_filters(StackResourceDriftStatus::from("UNKNOWN"))
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.sdk_err("cloudformation:DescribeStackResourceDrifts", e))?;
            for d in page.stack_resource_drifts() {
                out.push(ResourceDrift {
                    logical_id: d.logical_resource_id().unwrap_or_default().to_string(),
                    physical_id: d.physical_resource_id().map(str::to_string),
                    resource_type: d.resource_type().unwrap_or_default().to_string(),
                    status: d
                        .stack_resource_drift_status()
                        .map(|s| s.as_str().into())
                        .unwrap_or_default(),
                    differences: d
                        .property_differences()
                        .iter()
                        .map(|p| PropertyDifference {
                            path: p.property_path().unwrap_or_default().to_string(),
                            expected: p.expected_value().unwrap_or_default().to_string(),
                            actual: p.actual_value().unwrap_or_default().to_string(),
                            kind: p
                                .difference_type()
                                .map(|k| k.as_str().to_string())
                                .unwrap_or_default(),
                        })
                        .collect(),
                });
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// A drift-aware change set with the deployed template and every parameter's previous
    /// value (`DeploymentMode REVERT_DRIFT`): executing it overwrites the drifted properties
    /// with the template's values. Returns the change set id.
    pub async fn create_revert_drift_change_set(
        &self,
        stack: &str,
        name: &str,
        parameter_keys: &[String],
        client_token: &str,
    ) -> Result<String, AwsError> {
        let req = self
            .cloudformation()
            .create_change_set()
            .stack_name(stack)
            .change_set_name(name)
            .change_set_type(ChangeSetType::Update)
            .deployment_mode(DeploymentMode::RevertDrift)
            .use_previous_template(true)
            .capabilities(Capability::CapabilityNamedIam)
            .client_token(client_token)
            .description("studio-tui: revert drift to the deployed template")
            .set_parameters(Some(super::stacks::previous_values(parameter_keys)));
        let out = req
            .send()
            .await
            .map_err(|e| self.sdk_err("cloudformation:CreateChangeSet", e))?;
        Ok(out.id().unwrap_or_default().to_string())
    }
}
