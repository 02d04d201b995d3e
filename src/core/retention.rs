//! Which resources of a template hold or protect the project's data, and the template with
//! `DeletionPolicy: Retain` on exactly those: every S3 bucket, the bucket policies on them, the
//! KMS keys that encrypt them, and those keys' aliases. Keeping the buckets without their key
//! would keep objects nobody can decrypt (a deleted key is unusable at once and gone for good
//! after its waiting period).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::core::status::{ResourceStatus, StackStatus};

/// One resource the teardown keeps.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DataResource {
    pub logical_id: String,
    pub resource_type: String,
}

/// Logical ids that `v` references with `Ref` or `Fn::GetAtt`.
fn referenced(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("Ref") {
                out.insert(r.clone());
            }
            match m.get("Fn::GetAtt") {
                Some(Value::Array(a)) => {
                    if let Some(Value::String(r)) = a.first() {
                        out.insert(r.clone());
                    }
                }
                Some(Value::String(s)) => {
                    if let Some((r, _)) = s.split_once('.') {
                        out.insert(r.to_string());
                    }
                }
                _ => {}
            }
            for x in m.values() {
                referenced(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| referenced(x, out)),
        _ => {}
    }
}

fn refs_of(v: Option<&Value>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(v) = v {
        referenced(v, &mut out);
    }
    out
}

/// The data resources of a template (JSON form), in template order of types: buckets, bucket
/// policies, keys, aliases.
pub fn data_resources(template: &Value) -> Vec<DataResource> {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    let type_of = |id: &str| {
        resources
            .get(id)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let of_type = |t: &str| -> Vec<String> {
        resources
            .iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(t))
            .map(|(id, _)| id.clone())
            .collect()
    };
    let buckets: BTreeSet<String> = of_type("AWS::S3::Bucket").into_iter().collect();
    let policies: Vec<String> = of_type("AWS::S3::BucketPolicy")
        .into_iter()
        .filter(|id| {
            refs_of(resources[id].pointer("/Properties/Bucket"))
                .iter()
                .any(|r| buckets.contains(r))
        })
        .collect();
    let keys: BTreeSet<String> = buckets
        .iter()
        .flat_map(|b| refs_of(resources[b].pointer("/Properties/BucketEncryption")))
        .filter(|r| type_of(r) == "AWS::KMS::Key")
        .collect();
    let aliases: Vec<String> = of_type("AWS::KMS::Alias")
        .into_iter()
        .filter(|id| {
            refs_of(resources[id].pointer("/Properties/TargetKeyId"))
                .iter()
                .any(|r| keys.contains(r))
        })
        .collect();
    let mut out = Vec::new();
    let mut push = |ids: Vec<String>| {
        for id in ids {
            out.push(DataResource {
                resource_type: type_of(&id).to_string(),
                logical_id: id,
            });
        }
    };
    push(buckets.into_iter().collect());
    push(policies);
    push(keys.into_iter().collect());
    push(aliases);
    out
}

/// The KMS key (logical id) a `AWS::KMS::Alias` of the template points at.
pub fn alias_target(template: &Value, alias: &str) -> Option<String> {
    let target = template.pointer(&format!("/Resources/{alias}/Properties/TargetKeyId"));
    refs_of(target).into_iter().next()
}

/// The template with `DeletionPolicy: Retain` on every data resource, and whether anything
/// changed (false when they were all retained already).
pub fn retain_data(template: &Value) -> (Value, bool) {
    let ids: Vec<String> = data_resources(template)
        .into_iter()
        .map(|r| r.logical_id)
        .collect();
    let mut out = template.clone();
    let mut changed = false;
    if let Some(resources) = out.get_mut("Resources").and_then(Value::as_object_mut) {
        for id in &ids {
            if let Some(Value::Object(r)) = resources.get_mut(id)
                && r.get("DeletionPolicy").and_then(Value::as_str) != Some("Retain")
            {
                r.insert("DeletionPolicy".into(), Value::String("Retain".into()));
                changed = true;
            }
        }
    }
    (out, changed)
}

/// How one data resource fares when the stack is deleted with `--retain-buckets`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Keeping {
    /// `DeletionPolicy: Retain` in the deployed template, or set by the update made first.
    ByPolicy,
    /// In DELETE_FAILED on a DELETE_FAILED stack: DeleteStack's RetainResources keeps it
    /// (documented "for stacks in the DELETE_FAILED state", and CloudFormation accepts only
    /// resources in DELETE_FAILED).
    ByRetainResources,
    /// A KMS key or alias the stack would delete: a deleted key is only scheduled for deletion
    /// (a waiting period of 7 to 30 days), so it is restored afterwards (CancelKeyDeletion,
    /// EnableKey) and its alias created again under the same name.
    RestoredAfter,
    /// Already deleted: nothing can keep it.
    AlreadyGone,
    /// The stack would delete it: its DeletionPolicy cannot be changed now (UpdateStack needs
    /// a stack whose last operation completed) and RetainResources does not accept it.
    WouldBeDeleted,
}

/// What `--retain-buckets` can guarantee, decided before anything is deleted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RetentionPlan {
    /// The DeletionPolicy update runs first (the stack can be updated, and a data resource is
    /// not retained yet).
    pub update_first: bool,
    pub resources: Vec<(DataResource, Keeping)>,
}

impl RetentionPlan {
    /// The data resources the stack would delete: `--retain-buckets` must refuse.
    pub fn at_risk(&self) -> Vec<&str> {
        self.with(Keeping::WouldBeDeleted)
    }

    /// The data resources in this state.
    pub fn with(&self, keeping: Keeping) -> Vec<&str> {
        self.resources
            .iter()
            .filter(|(_, k)| *k == keeping)
            .map(|(r, _)| r.logical_id.as_str())
            .collect()
    }
}

fn retained_in(template: &Value, logical_id: &str) -> bool {
    matches!(
        template
            .pointer(&format!("/Resources/{logical_id}/DeletionPolicy"))
            .and_then(Value::as_str),
        Some("Retain" | "RetainExceptOnCreate")
    )
}

/// How each data resource of `template` fares in a delete of a stack in `stack` status whose
/// resources are in `status_of` (None: not in the stack, or without a physical id).
pub fn plan_retention(
    template: &Value,
    stack: &StackStatus,
    status_of: &dyn Fn(&str) -> Option<ResourceStatus>,
) -> RetentionPlan {
    let updatable = stack.is_complete();
    let mut update_first = false;
    let resources = data_resources(template)
        .into_iter()
        .map(|r| {
            let status = status_of(&r.logical_id);
            let keeping = match status {
                None | Some(ResourceStatus::DeleteComplete) => Keeping::AlreadyGone,
                _ if retained_in(template, &r.logical_id) => Keeping::ByPolicy,
                _ if updatable => {
                    update_first = true;
                    Keeping::ByPolicy
                }
                Some(ResourceStatus::DeleteFailed) if *stack == StackStatus::DeleteFailed => {
                    Keeping::ByRetainResources
                }
                _ if r.resource_type.starts_with("AWS::KMS::") => Keeping::RestoredAfter,
                _ => Keeping::WouldBeDeleted,
            };
            (r, keeping)
        })
        .collect();
    RetentionPlan {
        update_first,
        resources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_template() -> Value {
        let text = crate::template::to_json(include_str!(
            "../../assets/cloudformation/studio-environment.yaml"
        ))
        .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn the_project_keeps_buckets_policies_the_s3_key_and_its_alias() {
        let found: Vec<String> = data_resources(&project_template())
            .into_iter()
            .map(|r| r.logical_id)
            .collect();
        assert_eq!(
            found,
            [
                "DataBucket",
                "ModelsBucket",
                "DataBucketPolicy",
                "ModelsBucketPolicy",
                "S3KmsKey",
                "S3KmsKeyAlias"
            ]
        );
    }

    #[test]
    fn retain_marks_only_data_resources_and_is_idempotent() {
        let tpl = project_template();
        let (retained, changed) = retain_data(&tpl);
        assert!(changed);
        let policy = |t: &Value, id: &str| {
            t["Resources"][id]
                .get("DeletionPolicy")
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        for id in [
            "DataBucket",
            "DataBucketPolicy",
            "S3KmsKey",
            "S3KmsKeyAlias",
        ] {
            assert_eq!(policy(&retained, id).as_deref(), Some("Retain"), "{id}");
        }
        assert_ne!(policy(&retained, "StudioKmsKey").as_deref(), Some("Retain"));
        assert_ne!(policy(&retained, "VPC").as_deref(), Some("Retain"));
        let (again, changed_again) = retain_data(&retained);
        assert!(!changed_again);
        assert_eq!(again, retained);
    }

    #[test]
    fn an_alias_names_its_key() {
        let t = project_template();
        assert_eq!(
            alias_target(&t, "S3KmsKeyAlias").as_deref(),
            Some("S3KmsKey")
        );
        assert_eq!(
            alias_target(&t, "StudioKmsKeyAlias").as_deref(),
            Some("StudioKmsKey")
        );
        assert_eq!(alias_target(&t, "VPC"), None);
    }

    fn statuses(
        list: &'static [(&'static str, ResourceStatus)],
    ) -> impl Fn(&str) -> Option<ResourceStatus> {
        move |id| list.iter().find(|(l, _)| *l == id).map(|(_, s)| s.clone())
    }

    const ALL_LIVE: &[(&str, ResourceStatus)] = &[
        ("DataBucket", ResourceStatus::CreateComplete),
        ("ModelsBucket", ResourceStatus::CreateComplete),
        ("DataBucketPolicy", ResourceStatus::CreateComplete),
        ("ModelsBucketPolicy", ResourceStatus::UpdateComplete),
        ("S3KmsKey", ResourceStatus::CreateComplete),
        ("S3KmsKeyAlias", ResourceStatus::CreateComplete),
    ];

    #[test]
    fn a_completed_stack_is_updated_first_and_keeps_everything() {
        let t = project_template();
        let plan = plan_retention(
            &t,
            &StackStatus::UpdateRollbackComplete,
            &statuses(ALL_LIVE),
        );
        assert!(plan.update_first);
        assert!(plan.at_risk().is_empty());
        assert_eq!(plan.with(Keeping::ByPolicy).len(), 6);
        // already retained: no update needed
        let (retained, _) = retain_data(&t);
        let plan = plan_retention(&retained, &StackStatus::CreateComplete, &statuses(ALL_LIVE));
        assert!(!plan.update_first);
        assert_eq!(plan.with(Keeping::ByPolicy).len(), 6);
    }

    #[test]
    fn a_stack_that_cannot_be_updated_puts_unretained_data_at_risk() {
        let t = project_template();
        let plan = plan_retention(&t, &StackStatus::UpdateRollbackFailed, &statuses(ALL_LIVE));
        assert!(!plan.update_first);
        assert_eq!(
            plan.at_risk(),
            [
                "DataBucket",
                "ModelsBucket",
                "DataBucketPolicy",
                "ModelsBucketPolicy"
            ]
        );
        assert_eq!(
            plan.with(Keeping::RestoredAfter),
            ["S3KmsKey", "S3KmsKeyAlias"]
        );
        // a DeletionPolicy already in the deployed template still keeps it
        let mut partly = t.clone();
        partly["Resources"]["DataBucket"]["DeletionPolicy"] = "RetainExceptOnCreate".into();
        partly["Resources"]["ModelsBucket"]["DeletionPolicy"] = "Delete".into();
        let plan = plan_retention(
            &partly,
            &StackStatus::UpdateRollbackFailed,
            &statuses(ALL_LIVE),
        );
        assert_eq!(plan.with(Keeping::ByPolicy), ["DataBucket"]);
        assert!(plan.at_risk().contains(&"ModelsBucket"));
    }

    #[test]
    fn a_delete_failed_stack_retains_only_what_failed_to_delete() {
        let t = project_template();
        const RESUMED: &[(&str, ResourceStatus)] = &[
            ("DataBucket", ResourceStatus::DeleteFailed),
            ("ModelsBucket", ResourceStatus::DeleteComplete),
            ("DataBucketPolicy", ResourceStatus::CreateComplete),
            ("S3KmsKey", ResourceStatus::DeleteFailed),
            ("S3KmsKeyAlias", ResourceStatus::CreateComplete),
        ];
        let plan = plan_retention(&t, &StackStatus::DeleteFailed, &statuses(RESUMED));
        assert!(!plan.update_first);
        assert_eq!(
            plan.with(Keeping::ByRetainResources),
            ["DataBucket", "S3KmsKey"]
        );
        assert_eq!(
            plan.with(Keeping::AlreadyGone),
            ["ModelsBucket", "ModelsBucketPolicy"]
        );
        assert_eq!(plan.with(Keeping::RestoredAfter), ["S3KmsKeyAlias"]);
        assert_eq!(plan.at_risk(), ["DataBucketPolicy"]);
        // DELETE_FAILED resources of a stack in another state cannot be retained that way
        let plan = plan_retention(&t, &StackStatus::UpdateRollbackFailed, &statuses(RESUMED));
        assert!(plan.with(Keeping::ByRetainResources).is_empty());
        assert_eq!(plan.at_risk(), ["DataBucket", "DataBucketPolicy"]);
        assert_eq!(
            plan.with(Keeping::RestoredAfter),
            ["S3KmsKey", "S3KmsKeyAlias"]
        );
    }

    #[test]
    fn a_template_without_data_changes_nothing() {
        let t = serde_json::json!({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}});
        assert!(data_resources(&t).is_empty());
        assert_eq!(retain_data(&t), (t.clone(), false));
    }
}
