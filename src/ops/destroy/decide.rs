//! Whether `--retain-buckets` can keep what it says it keeps, decided from the plan before
//! anything is deleted.

use crate::aws::stacks::StackResourceInfo;
use crate::core::retention::{self, Keeping, RetentionPlan};
use crate::core::status::{ResourceStatus, StackStatus};
use crate::core::{emptying, fence};
use crate::ops::{Error, leftovers};

use super::{BucketPlan, DestroyPlan};

impl DestroyPlan {
    /// Why no domain can be taken for the project's: several of its name are in the stack's
    /// own VPC (a failed attempt beside its retry, a copy someone made), and deleting the wrong
    /// one deletes its users' home folders.
    pub(super) fn twins_refusal(&self) -> Option<Error> {
        let first = self.domain.as_ref()?;
        if self.twin_domains.is_empty() {
            return None;
        }
        let all: Vec<String> = std::iter::once(first)
            .chain(&self.twin_domains)
            .map(|d| format!("{} ({})", d.id, d.status))
            .collect();
        let vpc = self.vpc_id.as_deref().unwrap_or("the stack's VPC");
        Some(
            Error::refused(format!(
                "{} Studio domains named {} are in the stack's VPC {vpc}: {}; studio-tui \
                 cannot tell which one is the project's, and deleting a domain deletes its \
                 users' home folders, so it deletes neither; nothing was deleted",
                all.len(),
                first.name,
                all.join(", ")
            ))
            .with_fix(format!(
                "look at each (`aws sagemaker describe-domain --domain-id {}`, its users with \
                 `aws sagemaker list-user-profiles --domain-id-equals {}`), delete the one that \
                 is not the project's yourself (`aws sagemaker delete-domain --domain-id ID \
                 --retention-policy HomeEfsFileSystem=Retain` keeps its home folders), then run \
                 destroy again",
                first.id, first.id
            )),
        )
    }

    /// Why the teardown must not start whatever the bucket choice: several domains in the
    /// stack's place, or leftovers in its VPC that would keep billing or block deleting it.
    pub(super) fn place_refusal(&self) -> Option<Error> {
        self.twins_refusal()
            .or_else(|| leftovers::refusal(&self.leftovers))
    }

    /// One line per leftover, said to be left alone (it is not studio-tui's to delete; the
    /// refusal and `status` give the command that removes it).
    pub(super) fn leftover_lines(&self) -> Vec<String> {
        self.leftovers
            .iter()
            .map(|l| format!("NOT deleted: {}", l.summary_line()))
            .collect()
    }

    /// A bucket policy still holds an exemption: emptying would take it for the original and
    /// put it back, keeping would keep it; either way someone stays admitted.
    pub(super) fn exempted_refusal(&self) -> Option<Error> {
        let names: Vec<&str> = self
            .buckets
            .iter()
            .filter(|b| b.exempted)
            .map(|b| b.name.as_str())
            .collect();
        if names.is_empty() {
            return None;
        }
        Some(
            Error::refused(format!(
                "the policy of bucket(s) {} still holds an aws:userid exemption in a fence \
                 statement (left open by a run that was stopped, whose saved copy is not in \
                 this machine's state, or added by hand); studio-tui never takes such a policy \
                 for the original, nor keeps it; nothing was deleted",
                names.join(", ")
            ))
            .with_fix(format!(
                "put the project's policy back first: `studio-tui drift --revert` restores the \
                 template's, or remove the aws:userid condition from the fence statements by \
                 hand (`aws s3api get-bucket-policy --bucket {}`), then run destroy again",
                names[0]
            )),
        )
    }

    /// Why the caller cannot be admitted through a fence, when it cannot.
    pub(super) fn exemption_problem(&self) -> String {
        fence::Exemption::for_caller(&self.caller.arn, &self.caller.user_id)
            .err()
            .unwrap_or_default()
    }

    /// `--empty-buckets` would open a fence for a caller studio-tui cannot exempt exactly.
    pub(super) fn exemption_refusal(&self) -> Option<Error> {
        if self.exemption.is_some() {
            return None;
        }
        let fenced: Vec<&str> = self
            .buckets
            .iter()
            .filter(|b| b.fenced)
            .map(|b| b.name.as_str())
            .collect();
        if fenced.is_empty() {
            return None;
        }
        Some(
            Error::refused(format!(
                "bucket(s) {} are fenced and must be opened to be emptied, but {}; nothing was \
                 deleted",
                fenced.join(", "),
                self.exemption_problem()
            ))
            .with_fix(
                "run destroy with an IAM user's or an assumed role's credentials, or pass \
                 --retain-buckets",
            ),
        )
    }

    /// What opening a fence does, for the plan's bucket lines.
    pub(super) fn opening_note(&self) -> String {
        match &self.exemption {
            Some(e) => format!(
                "; its policy is saved in studio-tui's state, then opened for {}, then the \
                 original is put back (a run that is stopped has it put back by the next one)",
                e.admits()
            ),
            None => format!(
                "; its policy cannot be opened: {}",
                self.exemption_problem()
            ),
        }
    }

    /// The buckets whose DELETE_FAILED reason says they were not empty: written to since they
    /// were emptied.
    pub(super) fn refill(&self, failed: &[StackResourceInfo]) -> Vec<&BucketPlan> {
        self.buckets
            .iter()
            .filter(|b| {
                failed.iter().any(|r| {
                    r.resource_type == "AWS::S3::Bucket"
                        && r.logical_id == b.logical_id
                        && r.status == ResourceStatus::DeleteFailed
                        && r.status_reason
                            .as_deref()
                            .is_some_and(emptying::says_not_empty)
                })
            })
            .collect()
    }

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
    use crate::ops::destroy::BucketChoice;

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
            exemption: fence::Exemption::for_caller(
                "arn:aws:iam::123456789012:user/ops",
                "AIDAOPS",
            )
            .ok(),
            domain: None,
            other_domains: Vec::new(),
            twin_domains: Vec::new(),
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
            leftovers: Vec::new(),
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

    fn domain(id: &str, status: &str) -> crate::aws::studio::DomainInfo {
        crate::aws::studio::DomainInfo {
            id: id.into(),
            name: "p".into(),
            arn: format!("arn:aws:sagemaker:us-east-1:123456789012:domain/{id}"),
            status: status.to_string().into(),
            failure_reason: None,
            vpc_id: Some("vpc-1".into()),
            subnet_ids: Vec::new(),
            url: None,
            home_efs_id: None,
            app_network_access_type: None,
            default_space_role: None,
            default_space_security_groups: Vec::new(),
            idle: Default::default(),
            hidden_instance_types: Vec::new(),
            audit_identity: None,
        }
    }

    fn bucket(name: &str, logical: &str, fenced: bool, exempted: bool) -> BucketPlan {
        BucketPlan {
            name: name.into(),
            logical_id: logical.into(),
            state: crate::aws::buckets::BucketState::Empty,
            fenced,
            exempted,
        }
    }

    #[test]
    fn two_domains_in_the_stacks_vpc_are_refused_by_name() {
        let mut p = plan("CREATE_COMPLETE", live());
        assert!(p.twins_refusal().is_none(), "no domain at all");
        p.domain = Some(domain("d-live", "InService"));
        assert!(
            p.twins_refusal().is_none(),
            "one domain: it is the project's"
        );
        p.twin_domains = vec![domain("d-copy", "Failed")];
        p.vpc_id = Some("vpc-1".into());
        let e = p.twins_refusal().unwrap();
        assert!(e.is_refusal());
        assert_eq!(
            e.message(),
            "2 Studio domains named p are in the stack's VPC vpc-1: d-live (InService), d-copy \
             (Failed); studio-tui cannot tell which one is the project's, and deleting a domain \
             deletes its users' home folders, so it deletes neither; nothing was deleted"
        );
        let fix = e.fix().unwrap();
        assert!(fix.contains("describe-domain --domain-id d-live"), "{fix}");
        assert!(fix.contains("HomeEfsFileSystem=Retain"), "{fix}");
        p.vpc_id = None;
        assert!(
            p.twins_refusal()
                .unwrap()
                .message()
                .contains("in the stack's VPC the stack's VPC")
        );
        // the refusal comes before any bucket choice is looked at
        for choice in [
            BucketChoice::Unspecified,
            BucketChoice::Empty,
            BucketChoice::Retain,
        ] {
            assert!(p.refusal(choice).unwrap().message().contains("d-copy"));
        }
    }

    #[test]
    fn a_leftover_in_the_vpc_refuses_every_choice_and_is_named_in_the_plan() {
        use crate::ops::leftovers::{Cost, Kind, Leftover};
        let mut p = plan("CREATE_COMPLETE", live());
        assert!(p.place_refusal().is_none());
        assert!(p.leftover_lines().is_empty());
        let nb = Leftover {
            kind: Kind::NotebookInstance,
            id: "nb".into(),
            state: "Stopped".into(),
            place: "subnet subnet-1".into(),
            blocks_vpc: true,
            running: false,
            in_vpc: true,
            cost: Cost::Unknown { why: "x".into() },
            remove: "aws sagemaker delete-notebook-instance --notebook-instance-name nb".into(),
        };
        p.leftovers = vec![nb.clone()];
        assert_eq!(
            p.leftover_lines(),
            vec![format!("NOT deleted: {}", nb.summary_line())]
        );
        for choice in [
            BucketChoice::Unspecified,
            BucketChoice::Empty,
            BucketChoice::Retain,
        ] {
            let e = p.refusal(choice).unwrap();
            assert!(e.message().contains("notebook instance nb"), "{e}");
        }
        assert!(
            p.lines(BucketChoice::Unspecified)
                .contains(&p.leftover_lines()[0])
        );
        // an account-level tracking server is listed, never refused
        p.leftovers[0].in_vpc = false;
        assert!(p.place_refusal().is_none());
        // two domains in the place are refused first
        p.domain = Some(domain("d-live", "InService"));
        p.twin_domains = vec![domain("d-copy", "Failed")];
        p.leftovers[0].in_vpc = true;
        assert!(p.place_refusal().unwrap().message().contains("d-copy"));
    }

    #[test]
    fn a_fence_is_opened_only_for_a_caller_that_can_be_exempted_exactly() {
        let mut p = plan("CREATE_COMPLETE", live());
        p.buckets = vec![
            bucket("p-data", "Data", true, false),
            bucket("p-models", "Models", false, false),
        ];
        assert!(p.exemption_refusal().is_none());
        assert!(
            p.opening_note()
                .contains("opened for only arn:aws:iam::123456789012:user/ops")
        );
        p.caller.arn = "arn:aws:sts::123456789012:user/odd".into();
        p.exemption = None;
        let e = p.exemption_refusal().unwrap();
        assert!(e.is_refusal());
        assert!(
            e.message()
                .starts_with("bucket(s) p-data are fenced and must be opened")
                && e.message().contains("cannot tell which principal to admit")
                && e.message().ends_with("nothing was deleted"),
            "{e}"
        );
        assert!(p.opening_note().contains("cannot be opened: cannot tell"));
        assert!(p.refusal(BucketChoice::Empty).is_some());
        assert!(
            p.refusal(BucketChoice::Unspecified).is_none(),
            "nothing to open"
        );
        p.buckets[0].fenced = false;
        assert!(
            p.exemption_refusal().is_none(),
            "no fenced bucket: nothing to open"
        );
    }

    #[test]
    fn a_policy_holding_an_exemption_is_neither_emptied_nor_kept() {
        let mut p = plan("CREATE_COMPLETE", live());
        p.buckets = vec![bucket("p-data", "Data", true, false)];
        assert!(p.exempted_refusal().is_none());
        p.buckets.push(bucket("p-models", "Models", false, true));
        let e = p.exempted_refusal().unwrap();
        assert!(e.is_refusal());
        assert!(
            e.message().contains("bucket(s) p-models still holds"),
            "{e}"
        );
        assert!(e.fix().unwrap().contains("--bucket p-models"));
        assert!(
            p.refusal(BucketChoice::Empty)
                .unwrap()
                .message()
                .contains("p-models")
        );
        assert!(
            p.refusal(BucketChoice::Retain)
                .unwrap()
                .message()
                .contains("p-models")
        );
        assert!(
            p.refusal(BucketChoice::Unspecified).is_none(),
            "the policy is not touched"
        );
    }

    #[test]
    fn buckets_found_not_empty_by_the_stack_delete_are_emptied_again() {
        let mut p = plan("DELETE_FAILED", live());
        p.buckets = vec![
            bucket("p-data", "Data", true, false),
            bucket("p-models", "Models", true, false),
        ];
        let failed = |id: &str, t: &str, status: ResourceStatus, reason: &str| StackResourceInfo {
            logical_id: id.into(),
            physical_id: Some("x".into()),
            resource_type: t.into(),
            status,
            status_reason: Some(reason.into()),
        };
        let not_empty =
            "The bucket you tried to delete is not empty (Service: S3, Status Code: 409)";
        let names = |v: Vec<&BucketPlan>| v.iter().map(|b| b.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(p.refill(&[
                failed(
                    "Data",
                    "AWS::S3::Bucket",
                    ResourceStatus::DeleteFailed,
                    not_empty
                ),
                failed(
                    "Models",
                    "AWS::S3::Bucket",
                    ResourceStatus::DeleteFailed,
                    "Access Denied"
                ),
                failed(
                    "Vpc",
                    "AWS::EC2::VPC",
                    ResourceStatus::DeleteFailed,
                    not_empty
                ),
            ])),
            vec!["p-data".to_string()]
        );
        assert!(
            p.refill(&[failed(
                "Data",
                "AWS::S3::Bucket",
                ResourceStatus::DeleteComplete,
                not_empty
            )])
            .is_empty()
        );
        assert!(
            p.refill(&[failed(
                "Data",
                "AWS::S3::BucketPolicy",
                ResourceStatus::DeleteFailed,
                not_empty
            )])
            .is_empty()
        );
        let mut no_reason = failed("Data", "AWS::S3::Bucket", ResourceStatus::DeleteFailed, "");
        no_reason.status_reason = None;
        assert!(p.refill(&[no_reason]).is_empty());
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
