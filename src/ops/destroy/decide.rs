//! Whether `--retain-buckets` can keep what it says it keeps, decided from the plan before
//! anything is deleted.

use crate::core::fence;
use crate::core::retention::{self, Keeping, RetentionPlan};
use crate::core::status::StackStatus;
use crate::ops::Error;

use super::DestroyPlan;

impl DestroyPlan {
    /// How each data resource of the stack fares with `--retain-buckets`; None without a stack
    /// or when its deployed template could not be read.
    pub fn retention(&self) -> Option<RetentionPlan> {
        let stack = self.stack.as_ref()?;
        let template = self.template.as_ref()?;
        let status_of = |id: &str| {
            self.resources
                .iter()
                .find(|r| r.logical_id == id && r.physical_id.is_some())
                .map(|r| r.status.clone())
        };
        Some(retention::plan_retention(
            template,
            &stack.status,
            &status_of,
        ))
    }

    /// Why `--retain-buckets` must not start: the deployed template cannot be read, or the
    /// stack would delete a bucket or bucket policy that nothing can keep now.
    pub(super) fn retain_refusal(&self) -> Option<Error> {
        let stack = self.stack.as_ref()?;
        let Some(plan) = self.retention() else {
            return Some(
                Error::refused(format!(
                    "the deployed template of stack {} could not be read, so studio-tui cannot \
                     tell which resources --retain-buckets would keep; nothing was deleted",
                    stack.stack_name
                ))
                .with_fix(
                    "check that you may call cloudformation:GetTemplate, then run destroy again",
                ),
            );
        };
        let at_risk = plan.at_risk();
        if at_risk.is_empty() {
            return None;
        }
        let why = if stack.status == StackStatus::DeleteFailed {
            "CloudFormation's RetainResources only keeps resources in DELETE_FAILED"
        } else {
            "their DeletionPolicy can only be changed on a stack whose last operation completed"
        };
        let fix = if stack.status == StackStatus::UpdateRollbackFailed {
            format!(
                "continue the rollback first (`aws cloudformation continue-update-rollback \
                 --stack-name {}`), wait for UPDATE_ROLLBACK_COMPLETE, then run `studio-tui \
                 destroy --retain-buckets` again; or pass --empty-buckets to delete the data \
                 instead",
                stack.stack_name
            )
        } else {
            "copy the data you need out of the buckets first, then pass --empty-buckets; \
             studio-tui cannot keep them from this stack state"
                .to_string()
        };
        Some(
            Error::refused(format!(
                "--retain-buckets cannot keep {}: stack {} is {} and would delete them ({why}); \
                 nothing was deleted",
                at_risk.join(", "),
                stack.stack_name,
                stack.status
            ))
            .with_fix(fix),
        )
    }

    /// Lines saying how each data resource fares with `--retain-buckets` (only when it is not
    /// simply the DeletionPolicy).
    pub(super) fn retention_lines(&self) -> Vec<String> {
        let Some(plan) = self.retention() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let ids = |k: Keeping| plan.with(k).join(", ");
        if !plan.with(Keeping::ByRetainResources).is_empty() {
            out.push(format!(
                "kept with DeleteStack's RetainResources (they are in DELETE_FAILED): {}",
                ids(Keeping::ByRetainResources)
            ));
        }
        if !plan.with(Keeping::RestoredAfter).is_empty() {
            out.push(format!(
                "scheduled for deletion by the stack, then restored (CancelKeyDeletion, \
                 EnableKey, the alias created again): {}",
                ids(Keeping::RestoredAfter)
            ));
        }
        if !plan.with(Keeping::AlreadyGone).is_empty() {
            out.push(format!(
                "already deleted, cannot be kept: {}",
                ids(Keeping::AlreadyGone)
            ));
        }
        out
    }
}

/// What a kept bucket's policy means once the stack is gone: its fence still names the deleted
/// S3 endpoint, so nobody can read, list or delete the objects until the policy is edited; and
/// the exact edit. None when the policy fences nothing by endpoint.
pub(super) fn kept_policy_note(bucket: &str, policy: &str) -> Option<String> {
    let (sids, endpoints) = fence::fence_endpoints(policy);
    if endpoints.is_empty() {
        return None;
    }
    let statements = if sids.is_empty() {
        "the Deny statement(s) with an aws:SourceVpce condition".to_string()
    } else {
        format!("statement(s) {}", sids.join(", "))
    };
    Some(format!(
        "its policy still denies every request that does not come through {}, which was \
         deleted with the stack: nobody can read, list or delete the objects until the policy is \
         edited. Edit: `aws s3api get-bucket-policy --bucket {bucket} --query Policy --output \
         text > policy.json`; in {statements} replace {} with the id of an S3 endpoint that \
         exists (or remove those statements); then `aws s3api put-bucket-policy --bucket {bucket} \
         --policy file://policy.json`",
        endpoints.join(", "),
        endpoints.join(", "),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Identity;
    use crate::aws::stacks::{StackInfo, StackResourceInfo};
    use crate::core::status::ResourceStatus;

    fn template() -> serde_json::Value {
        serde_json::json!({"Resources": {
            "Key": {"Type": "AWS::KMS::Key"},
            "KeyAlias": {"Type": "AWS::KMS::Alias", "Properties": {"TargetKeyId": {"Ref": "Key"}}},
            "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {
                    "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}}]}}},
            "DataPolicy": {"Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "Data"}}}
        }})
    }

    fn resource(id: &str, physical: Option<&str>, status: ResourceStatus) -> StackResourceInfo {
        StackResourceInfo {
            logical_id: id.into(),
            physical_id: physical.map(str::to_string),
            resource_type: String::new(),
            status,
            status_reason: None,
        }
    }

    fn plan(status: &str, resources: Vec<StackResourceInfo>) -> DestroyPlan {
        DestroyPlan {
            project: "p".into(),
            stack_name: "p".into(),
            caller: Identity {
                account: "123456789012".into(),
                arn: "arn:aws:iam::123456789012:user/ops".into(),
                user_id: "AIDAOPS".into(),
            },
            domain: None,
            other_domains: Vec::new(),
            users: Vec::new(),
            apps: Vec::new(),
            spaces: Vec::new(),
            stack: Some(StackInfo {
                stack_id: "arn:aws:cloudformation:us-east-1:123456789012:stack/p/1".into(),
                stack_name: "p".into(),
                status: status.to_string().into(),
                status_reason: None,
                outputs: Default::default(),
                parameters: Default::default(),
                creation_time: None,
                last_updated_time: None,
            }),
            resources,
            vpc_id: None,
            buckets: Vec::new(),
            keys: Vec::new(),
            nfs_groups: Vec::new(),
            template: Some(template()),
        }
    }

    fn live() -> Vec<StackResourceInfo> {
        ["Key", "KeyAlias", "Data", "DataPolicy"]
            .into_iter()
            .map(|id| resource(id, Some("x"), ResourceStatus::CreateComplete))
            .collect()
    }

    #[test]
    fn a_completed_stack_is_kept_by_the_update_and_nothing_is_refused() {
        let p = plan("UPDATE_COMPLETE", live());
        let r = p.retention().unwrap();
        assert!(r.update_first);
        assert_eq!(r.with(Keeping::ByPolicy).len(), 4);
        assert!(p.retain_refusal().is_none());
        assert!(p.retention_lines().is_empty());
    }

    #[test]
    fn a_rollback_failed_stack_is_refused_with_continue_rollback() {
        let p = plan("UPDATE_ROLLBACK_FAILED", live());
        let e = p.retain_refusal().unwrap();
        assert!(e.is_refusal());
        assert!(e.message().contains("cannot keep Data, DataPolicy"), "{e}");
        assert!(e.message().contains("is UPDATE_ROLLBACK_FAILED"), "{e}");
        assert!(
            e.message().contains("whose last operation completed"),
            "{e}"
        );
        assert!(e.message().contains("nothing was deleted"), "{e}");
        let fix = e.fix().unwrap();
        assert!(
            fix.contains("continue-update-rollback --stack-name p"),
            "{fix}"
        );
        assert!(fix.contains("--empty-buckets"), "{fix}");
    }

    #[test]
    fn a_delete_failed_stack_keeps_only_what_failed_and_says_how() {
        let mut resources = vec![
            resource("Data", Some("b"), ResourceStatus::DeleteFailed),
            resource("DataPolicy", Some("b"), ResourceStatus::DeleteComplete),
            resource("Key", Some("k"), ResourceStatus::CreateComplete),
            // no physical id: never created, nothing to keep
            resource("KeyAlias", None, ResourceStatus::CreateComplete),
        ];
        let p = plan("DELETE_FAILED", resources.clone());
        assert!(p.retain_refusal().is_none(), "{:?}", p.retain_refusal());
        let lines = p.retention_lines();
        assert_eq!(
            lines,
            vec![
                "kept with DeleteStack's RetainResources (they are in DELETE_FAILED): Data"
                    .to_string(),
                "scheduled for deletion by the stack, then restored (CancelKeyDeletion, \
                 EnableKey, the alias created again): Key"
                    .to_string(),
                "already deleted, cannot be kept: DataPolicy, KeyAlias".to_string(),
            ]
        );
        // the bucket policy not yet deleted would be: refused, with another way out
        resources[1] = resource("DataPolicy", Some("b"), ResourceStatus::CreateComplete);
        let e = plan("DELETE_FAILED", resources).retain_refusal().unwrap();
        assert!(e.message().contains("cannot keep DataPolicy"), "{e}");
        assert!(e.message().contains("RetainResources only keeps"), "{e}");
        assert!(!e.fix().unwrap().contains("continue-update-rollback"));
        assert!(e.fix().unwrap().contains("--empty-buckets"));
    }

    #[test]
    fn without_a_template_or_a_stack() {
        let mut p = plan("UPDATE_COMPLETE", live());
        p.template = None;
        assert!(p.retention().is_none());
        assert!(p.retention_lines().is_empty());
        let e = p.retain_refusal().unwrap();
        assert!(e.message().contains("could not be read"), "{e}");
        p.stack = None;
        assert!(p.retain_refusal().is_none());
        assert!(p.retention().is_none());
    }

    #[test]
    fn a_kept_fence_says_whom_it_still_admits_and_the_edit() {
        let policy = r#"{"Statement":[{"Sid":"DenyOutside","Effect":"Deny","Principal":"*",
            "Action":"s3:GetObject*","Resource":"*",
            "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;
        let note = kept_policy_note("p-data", policy).unwrap();
        assert!(
            note.contains("through vpce-0abc, which was deleted"),
            "{note}"
        );
        assert!(
            note.contains("in statement(s) DenyOutside replace vpce-0abc"),
            "{note}"
        );
        assert!(note.contains("get-bucket-policy --bucket p-data"), "{note}");
        assert!(note.contains("put-bucket-policy --bucket p-data"), "{note}");
        let no_sid = policy.replace(r#""Sid":"DenyOutside","#, "");
        let note = kept_policy_note("p-data", &no_sid).unwrap();
        assert!(
            note.contains("in the Deny statement(s) with an aws:SourceVpce"),
            "{note}"
        );
        let by_ip = r#"{"Statement":[{"Effect":"Deny","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
        assert_eq!(kept_policy_note("p-data", by_ip), None);
    }
}
