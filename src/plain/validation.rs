//! CloudFormation's pre-deployment validation of a change set (DescribeEvents).

use crate::ops::deploy::ValidationIssue;

/// One line per failure, with the fix:
/// `error DataBucket (AWS::S3::Bucket) at /Resources/DataBucket: <AWS's reason>
/// [NAME_CONFLICT_VALIDATION] fix: <fix>`.
pub fn line(v: &ValidationIssue) -> String {
    let path = if v.path.is_empty() { "-" } else { &v.path };
    let name = if v.validation.is_empty() {
        String::new()
    } else {
        format!(" [{}]", v.validation)
    };
    format!(
        "  {} {} ({}) at {path}: {}{name} fix: {}",
        v.severity, v.resource, v.resource_type, v.reason, v.fix
    )
}
