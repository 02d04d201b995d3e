//! Drift from the security baseline: detect it on the project stack (DetectStackDrift, waited
//! for), list what differs with the expected and actual values, the baseline's resources first,
//! and revert it with a drift-aware change set (`REVERT_DRIFT`) that goes through the same review
//! and live deploy as any change set.
//!
//! What drift detection cannot see (AWS documents it): resources added outside the template (a
//! new route in a route table of the stack is not drift of a declared route) and resource types
//! CloudFormation does not check. The report says so instead of claiming "in sync" for them.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::aws::Session;
use crate::aws::drift::ResourceDrift;
use crate::aws::stacks::ChangeSetKind;
use crate::core::status::{
    ChangeSetStatus, DriftDetectionStatus, ResourceDriftStatus, StackDriftStatus,
};
use crate::ops::Error;
use crate::ops::deploy::Review;

/// Resource types that carry the security baseline: routing that forces traffic through the
/// firewall, the S3 fence, security groups, the firewall itself, IAM.
pub fn is_baseline(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "AWS::EC2::Route"
            | "AWS::EC2::RouteTable"
            | "AWS::EC2::SubnetRouteTableAssociation"
            | "AWS::EC2::GatewayRouteTableAssociation"
            | "AWS::S3::BucketPolicy"
            | "AWS::EC2::VPCEndpoint"
            | "AWS::EC2::SecurityGroup"
            | "AWS::EC2::SecurityGroupIngress"
            | "AWS::EC2::SecurityGroupEgress"
    ) || resource_type.starts_with("AWS::NetworkFirewall::")
        || resource_type.starts_with("AWS::IAM::")
}

/// One drifted resource, marked when it belongs to the security baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftedResource {
    pub baseline: bool,
    #[serde(flatten)]
    pub drift: ResourceDrift,
}

/// What a detection concluded. IN_SYNC is said only when detection completed for every
/// resource it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DriftVerdict {
    InSync,
    Drifted,
    /// DETECTION_FAILED ("failed for at least one resource in the stack"), a stack drift
    /// status of UNKNOWN or none, or a resource CloudFormation could not check: the stack is
    /// not claimed to be in sync.
    DetectionFailed,
}

impl std::fmt::Display for DriftVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DriftVerdict::InSync => "IN_SYNC",
            DriftVerdict::Drifted => "DRIFTED",
            DriftVerdict::DetectionFailed => "DETECTION_FAILED",
        })
    }
}

/// Decide the verdict from what CloudFormation answered.
pub fn verdict(
    detection: &DriftDetectionStatus,
    stack: Option<&StackDriftStatus>,
    drifted: usize,
    unchecked: usize,
) -> DriftVerdict {
    let decided = matches!(
        stack,
        Some(StackDriftStatus::InSync | StackDriftStatus::Drifted)
    );
    if *detection != DriftDetectionStatus::Complete || unchecked > 0 || !decided {
        DriftVerdict::DetectionFailed
    } else if drifted > 0 || stack == Some(&StackDriftStatus::Drifted) {
        DriftVerdict::Drifted
    } else {
        DriftVerdict::InSync
    }
}

/// A resource drift detection could not check (its drift status is UNKNOWN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unchecked {
    pub logical_id: String,
    pub resource_type: String,
    pub physical_id: Option<String>,
}

/// The result of one detection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    pub stack_name: String,
    pub status: DriftVerdict,
    /// When the detection finished (RFC 3339).
    pub checked_at: Option<String>,
    /// Baseline resources first, then by logical id.
    pub resources: Vec<DriftedResource>,
    /// Resources the detection could not check.
    pub unchecked: Vec<Unchecked>,
    /// CloudFormation's DetectionStatusReason, as AWS wrote it (foreign text: escape it before
    /// printing it anywhere new).
    pub aws_reason: Option<String>,
}

impl DriftReport {
    pub fn in_sync(&self) -> bool {
        self.status == DriftVerdict::InSync
    }

    pub fn baseline_count(&self) -> usize {
        self.resources.iter().filter(|r| r.baseline).count()
    }
}

/// How to wait for a detection (or a change set).
#[derive(Debug, Clone, Copy)]
pub struct Wait {
    pub initial: Duration,
    pub max: Duration,
    pub timeout: Duration,
}

impl Wait {
    pub const DEFAULT: Wait = Wait {
        initial: Duration::from_millis(500),
        max: Duration::from_secs(5),
        timeout: Duration::from_secs(10 * 60),
    };
}

/// Order: baseline first, then logical id.
pub fn ordered(drifts: Vec<ResourceDrift>) -> Vec<DriftedResource> {
    let mut out: Vec<DriftedResource> = drifts
        .into_iter()
        .map(|d| DriftedResource {
            baseline: is_baseline(&d.resource_type),
            drift: d,
        })
        .collect();
    out.sort_by(|a, b| (!a.baseline, &a.drift.logical_id).cmp(&(!b.baseline, &b.drift.logical_id)));
    out
}

/// Detect drift on the stack and wait for the result (DetectStackDrift is allowed in
/// read-only mode: it changes no resource).
pub async fn detect(session: &Session, stack_name: &str, wait: Wait) -> Result<DriftReport, Error> {
    let stack = session.describe_stack(stack_name).await?.ok_or_else(|| {
        Error::missing(
            "cloudformation:DescribeStacks",
            format!("there is no stack {stack_name} in {}", session.region),
        )
        .with_fix("deploy the environment first (`studio-tui up`), or pass --project-name")
    })?;
    if stack.is_in_progress() {
        return Err(Error::refused(format!(
            "stack {stack_name} is {}: drift can be detected once the operation ends",
            stack.status
        ))
        .with_fix("wait for it (`studio-tui events --follow`), then run drift again"));
    }
    let id = session.detect_stack_drift(&stack.stack_id).await?;
    let start = Instant::now();
    let mut delay = wait.initial;
    let status = loop {
        let s = session.drift_detection_status(&id).await?;
        match s.detection_status {
            DriftDetectionStatus::InProgress if start.elapsed() < wait.timeout => {}
            DriftDetectionStatus::InProgress => {
                return Err(Error::failed(
                    "cloudformation:DescribeStackDriftDetectionStatus",
                    format!("drift detection {id} is still running"),
                )
                .with_fix("run `studio-tui drift` again in a minute"));
            }
            // DETECTION_FAILED still reports what it could check (with the reason).
            _ => break s,
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(wait.max);
    };
    let (unknown, drifts): (Vec<ResourceDrift>, Vec<ResourceDrift>) = session
        .resource_drifts(&stack.stack_id)
        .await?
        .into_iter()
        .partition(|d| d.status == ResourceDriftStatus::Undetermined);
    let resources = ordered(drifts);
    let unchecked: Vec<Unchecked> = unknown
        .into_iter()
        .map(|d| Unchecked {
            logical_id: d.logical_id,
            resource_type: d.resource_type,
            physical_id: d.physical_id,
        })
        .collect();
    Ok(DriftReport {
        stack_name: stack.stack_name,
        status: verdict(
            &status.detection_status,
            status.stack_drift_status.as_ref(),
            resources.len(),
            unchecked.len(),
        ),
        checked_at: Some(crate::core::clock::rfc3339(crate::core::clock::now_ms())),
        resources,
        unchecked,
        aws_reason: status.reason.filter(|r| !r.is_empty()),
    })
}

/// Create the drift-aware change set that reverts the stack to its deployed template and
/// parameters, wait for it, and hand it to the usual review. Refused in read-only mode.
pub async fn plan_revert(session: &Session, stack_name: &str, wait: Wait) -> Result<Review, Error> {
    crate::ops::studio::refuse_read_only(session, "reverting drift")?;
    let stack = session.describe_stack(stack_name).await?.ok_or_else(|| {
        Error::missing(
            "cloudformation:DescribeStacks",
            format!("there is no stack {stack_name} in {}", session.region),
        )
    })?;
    if !stack.is_complete() {
        return Err(Error::refused(format!(
            "stack {stack_name} is {}: a drift-aware change set needs a stack in a \
                 complete state",
            stack.status
        ))
        .with_fix("recover the stack first (`studio-tui deploy`), then revert the drift"));
    }
    let keys: Vec<String> = stack.parameters.keys().cloned().collect();
    let token = format!("studio-tui-{}", uuid::Uuid::new_v4());
    let name = format!(
        "studio-tui-revert-drift-{}",
        uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .get(..12)
            .unwrap_or("x")
    );
    let id = session
        .create_revert_drift_change_set(&stack.stack_id, &name, &keys, &token)
        .await?;
    let start = Instant::now();
    let mut delay = wait.initial;
    let change_set = loop {
        let info = session.describe_change_set(&id).await?;
        if matches!(
            info.status,
            ChangeSetStatus::CreateComplete | ChangeSetStatus::Failed
        ) {
            break info;
        }
        if start.elapsed() > wait.timeout {
            return Err(Error::failed(
                "cloudformation:DescribeChangeSet",
                format!("the change set {name} was not ready in time"),
            ));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(wait.max);
    };
    let (validation, validation_unread) =
        crate::ops::deploy::validation_of(session, &change_set, &stack.stack_name).await;
    Ok(Review {
        stack_name: stack.stack_name,
        kind: ChangeSetKind::Update,
        change_set,
        token,
        validation,
        validation_unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::drift::PropertyDifference;

    fn drift(id: &str, t: &str) -> ResourceDrift {
        ResourceDrift {
            logical_id: id.into(),
            physical_id: None,
            resource_type: t.into(),
            status: "MODIFIED".into(),
            differences: vec![PropertyDifference {
                path: "/X".into(),
                expected: "a".into(),
                actual: "b".into(),
                kind: "NOT_EQUAL".into(),
            }],
        }
    }

    #[test]
    fn in_sync_only_when_detection_completed_for_every_resource() {
        use DriftDetectionStatus as D;
        use StackDriftStatus as S;
        assert_eq!(
            verdict(&D::Complete, Some(&S::InSync), 0, 0),
            DriftVerdict::InSync
        );
        assert_eq!(
            verdict(&D::Complete, Some(&S::Drifted), 0, 0),
            DriftVerdict::Drifted
        );
        assert_eq!(
            verdict(&D::Complete, Some(&S::InSync), 2, 0),
            DriftVerdict::Drifted
        );
        // DETECTION_FAILED with IN_SYNC for what it could check is not IN_SYNC
        assert_eq!(
            verdict(&D::Failed, Some(&S::InSync), 0, 1),
            DriftVerdict::DetectionFailed
        );
        assert_eq!(
            verdict(&D::Failed, Some(&S::Drifted), 1, 0),
            DriftVerdict::DetectionFailed
        );
        assert_eq!(
            verdict(&D::Complete, Some(&S::Undetermined), 0, 0),
            DriftVerdict::DetectionFailed
        );
        assert_eq!(
            verdict(&D::Complete, Some(&S::NotChecked), 0, 0),
            DriftVerdict::DetectionFailed
        );
        assert_eq!(
            verdict(&D::Complete, None, 0, 0),
            DriftVerdict::DetectionFailed
        );
        assert_eq!(
            verdict(&D::Complete, Some(&S::InSync), 0, 1),
            DriftVerdict::DetectionFailed
        );
        assert_eq!(
            verdict(&D::InProgress, Some(&S::InSync), 0, 0),
            DriftVerdict::DetectionFailed
        );
        assert_eq!(
            DriftVerdict::DetectionFailed.to_string(),
            "DETECTION_FAILED"
        );
        assert_eq!(DriftVerdict::InSync.to_string(), "IN_SYNC");
        assert_eq!(DriftVerdict::Drifted.to_string(), "DRIFTED");
        assert_eq!(
            serde_json::to_value(DriftVerdict::DetectionFailed).unwrap(),
            serde_json::json!("DETECTION_FAILED")
        );
    }

    #[test]
    fn baseline_resources_come_first_and_are_marked() {
        let out = ordered(vec![
            drift("DataBucket", "AWS::S3::Bucket"),
            drift("NATGatewayDefaultRoute", "AWS::EC2::Route"),
            drift("ExecutionRole", "AWS::IAM::Role"),
            drift("DataBucketPolicy", "AWS::S3::BucketPolicy"),
        ]);
        let ids: Vec<(&str, bool)> = out
            .iter()
            .map(|r| (r.drift.logical_id.as_str(), r.baseline))
            .collect();
        assert_eq!(
            ids,
            [
                ("DataBucketPolicy", true),
                ("ExecutionRole", true),
                ("NATGatewayDefaultRoute", true),
                ("DataBucket", false)
            ]
        );
        assert!(is_baseline("AWS::NetworkFirewall::RuleGroup"));
        assert!(!is_baseline("AWS::KMS::Key"));
    }
}
