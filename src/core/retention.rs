//! Which resources of a template hold or protect the project's data, and the template with
//! `DeletionPolicy: Retain` on exactly those: every S3 bucket, the bucket policies on them, the
//! KMS keys that encrypt them, and those keys' aliases. Keeping the buckets without their key
//! would keep objects nobody can decrypt (a deleted key is unusable at once and gone for good
//! after its waiting period).

use std::collections::BTreeSet;

use serde_json::Value;

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

    #[test]
    fn a_template_without_data_changes_nothing() {
        let t = serde_json::json!({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}});
        assert!(data_resources(&t).is_empty());
        assert_eq!(retain_data(&t), (t.clone(), false));
    }
}
