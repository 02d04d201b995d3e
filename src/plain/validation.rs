//! CloudFormation's pre-deployment validation of a change set (DescribeEvents).

use crate::core::shown::Shown;
use crate::ops::deploy::ValidationIssue;

/// One line per failure, with the fix:
/// `error DataBucket (AWS::S3::Bucket) at /Resources/DataBucket: <AWS's reason>
/// [NAME_CONFLICT_VALIDATION] fix: <fix>`.
pub fn line(v: &ValidationIssue) -> String {
    let path = if v.path.is_empty() { "-" } else { &v.path };
    let name = if v.validation.is_empty() {
        String::new()
    } else {
        format!(" [{}]", Shown(&v.validation))
    };
    format!(
        "  {} {} ({}) at {}: {}{name} fix: {}",
        v.severity,
        Shown(&v.resource),
        Shown(&v.resource_type),
        Shown(path),
        Shown(&v.reason),
        Shown(&v.fix)
    )
}
