//! The instance types Studio offers its apps, and the allowed list a project chooses from them.
//!
//! The list is the SageMaker model's `AppInstanceType` enum (the SDK's
//! `AppInstanceType::values()`, which a test in `aws::studio_settings` compares with this copy;
//! `core` takes no SDK crate) without `system`, the type of Studio's own apps. A value outside is
//! refused here, before any call, with the closest valid types.

use serde::Serialize;

use super::FieldError;
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};

/// IAM's quota for a customer managed policy, white space not counted (IAM and AWS STS quotas:
/// "Managed policy size: 6,144 characters").
pub const MANAGED_POLICY_SIZE: usize = 6_144;

/// The actions the template's `InstanceTypesPolicy` denies outside the list: each carries
/// `sagemaker:InstanceTypes` (a space's default types for CreateSpace and UpdateSpace).
pub const DENIED_ACTIONS: [&str; 3] = [
    "sagemaker:CreateApp",
    "sagemaker:CreateSpace",
    "sagemaker:UpdateSpace",
];

/// The type of Studio's own apps (`system` in `AppInstanceType`): never hidden, never denied.
pub const SYSTEM_TYPE: &str = "system";

/// Every `ml.*` type of `AppInstanceType`, in the model's order.
pub const STUDIO_INSTANCE_TYPES: [&str; 175] = [
    "ml.c5.12xlarge",
    "ml.c5.18xlarge",
    "ml.c5.24xlarge",
    "ml.c5.2xlarge",
    "ml.c5.4xlarge",
    "ml.c5.9xlarge",
    "ml.c5.large",
    "ml.c5.xlarge",
    "ml.c6i.12xlarge",
    "ml.c6i.16xlarge",
    "ml.c6i.24xlarge",
    "ml.c6i.2xlarge",
    "ml.c6i.32xlarge",
    "ml.c6i.4xlarge",
    "ml.c6i.8xlarge",
    "ml.c6i.large",
    "ml.c6i.xlarge",
    "ml.c6id.12xlarge",
    "ml.c6id.16xlarge",
    "ml.c6id.24xlarge",
    "ml.c6id.2xlarge",
    "ml.c6id.32xlarge",
    "ml.c6id.4xlarge",
    "ml.c6id.8xlarge",
    "ml.c6id.large",
    "ml.c6id.xlarge",
    "ml.c7i.12xlarge",
    "ml.c7i.16xlarge",
    "ml.c7i.24xlarge",
    "ml.c7i.2xlarge",
    "ml.c7i.48xlarge",
    "ml.c7i.4xlarge",
    "ml.c7i.8xlarge",
    "ml.c7i.large",
    "ml.c7i.xlarge",
    "ml.g4dn.12xlarge",
    "ml.g4dn.16xlarge",
    "ml.g4dn.2xlarge",
    "ml.g4dn.4xlarge",
    "ml.g4dn.8xlarge",
    "ml.g4dn.xlarge",
    "ml.g5.12xlarge",
    "ml.g5.16xlarge",
    "ml.g5.24xlarge",
    "ml.g5.2xlarge",
    "ml.g5.48xlarge",
    "ml.g5.4xlarge",
    "ml.g5.8xlarge",
    "ml.g5.xlarge",
    "ml.g6.12xlarge",
    "ml.g6.16xlarge",
    "ml.g6.24xlarge",
    "ml.g6.2xlarge",
    "ml.g6.48xlarge",
    "ml.g6.4xlarge",
    "ml.g6.8xlarge",
    "ml.g6.xlarge",
    "ml.g6e.12xlarge",
    "ml.g6e.16xlarge",
    "ml.g6e.24xlarge",
    "ml.g6e.2xlarge",
    "ml.g6e.48xlarge",
    "ml.g6e.4xlarge",
    "ml.g6e.8xlarge",
    "ml.g6e.xlarge",
    "ml.g7.12xlarge",
    "ml.g7.24xlarge",
    "ml.g7.2xlarge",
    "ml.g7.48xlarge",
    "ml.g7.4xlarge",
    "ml.g7.8xlarge",
    "ml.g7e.12xlarge",
    "ml.g7e.24xlarge",
    "ml.g7e.2xlarge",
    "ml.g7e.48xlarge",
    "ml.g7e.4xlarge",
    "ml.g7e.8xlarge",
    "ml.geospatial.interactive",
    "ml.m5.12xlarge",
    "ml.m5.16xlarge",
    "ml.m5.24xlarge",
    "ml.m5.2xlarge",
    "ml.m5.4xlarge",
    "ml.m5.8xlarge",
    "ml.m5.large",
    "ml.m5.xlarge",
    "ml.m5d.12xlarge",
    "ml.m5d.16xlarge",
    "ml.m5d.24xlarge",
    "ml.m5d.2xlarge",
    "ml.m5d.4xlarge",
    "ml.m5d.8xlarge",
    "ml.m5d.large",
    "ml.m5d.xlarge",
    "ml.m6i.12xlarge",
    "ml.m6i.16xlarge",
    "ml.m6i.24xlarge",
    "ml.m6i.2xlarge",
    "ml.m6i.32xlarge",
    "ml.m6i.4xlarge",
    "ml.m6i.8xlarge",
    "ml.m6i.large",
    "ml.m6i.xlarge",
    "ml.m6id.12xlarge",
    "ml.m6id.16xlarge",
    "ml.m6id.24xlarge",
    "ml.m6id.2xlarge",
    "ml.m6id.32xlarge",
    "ml.m6id.4xlarge",
    "ml.m6id.8xlarge",
    "ml.m6id.large",
    "ml.m6id.xlarge",
    "ml.m7i.12xlarge",
    "ml.m7i.16xlarge",
    "ml.m7i.24xlarge",
    "ml.m7i.2xlarge",
    "ml.m7i.48xlarge",
    "ml.m7i.4xlarge",
    "ml.m7i.8xlarge",
    "ml.m7i.large",
    "ml.m7i.xlarge",
    "ml.p3.16xlarge",
    "ml.p3.2xlarge",
    "ml.p3.8xlarge",
    "ml.p3dn.24xlarge",
    "ml.p4d.24xlarge",
    "ml.p4de.24xlarge",
    "ml.p5.48xlarge",
    "ml.p5.4xlarge",
    "ml.p5en.48xlarge",
    "ml.p6-b200.48xlarge",
    "ml.r5.12xlarge",
    "ml.r5.16xlarge",
    "ml.r5.24xlarge",
    "ml.r5.2xlarge",
    "ml.r5.4xlarge",
    "ml.r5.8xlarge",
    "ml.r5.large",
    "ml.r5.xlarge",
    "ml.r6i.12xlarge",
    "ml.r6i.16xlarge",
    "ml.r6i.24xlarge",
    "ml.r6i.2xlarge",
    "ml.r6i.32xlarge",
    "ml.r6i.4xlarge",
    "ml.r6i.8xlarge",
    "ml.r6i.large",
    "ml.r6i.xlarge",
    "ml.r6id.12xlarge",
    "ml.r6id.16xlarge",
    "ml.r6id.24xlarge",
    "ml.r6id.2xlarge",
    "ml.r6id.32xlarge",
    "ml.r6id.4xlarge",
    "ml.r6id.8xlarge",
    "ml.r6id.large",
    "ml.r6id.xlarge",
    "ml.r7i.12xlarge",
    "ml.r7i.16xlarge",
    "ml.r7i.24xlarge",
    "ml.r7i.2xlarge",
    "ml.r7i.48xlarge",
    "ml.r7i.4xlarge",
    "ml.r7i.8xlarge",
    "ml.r7i.large",
    "ml.r7i.xlarge",
    "ml.t3.2xlarge",
    "ml.t3.large",
    "ml.t3.medium",
    "ml.t3.micro",
    "ml.t3.small",
    "ml.t3.xlarge",
    "ml.trn1.2xlarge",
    "ml.trn1.32xlarge",
    "ml.trn1n.32xlarge",
];

/// The instance types Studio apps may run on: empty means all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct InstanceTypes(Vec<String>);

impl InstanceTypes {
    /// Every type allowed (nothing hidden, no Deny).
    pub fn all() -> Self {
        Self(Vec::new())
    }

    /// The allowed types, in the order given; empty when all are allowed.
    pub fn allowed(&self) -> &[String] {
        &self.0
    }

    /// All types are allowed.
    pub fn is_all(&self) -> bool {
        self.0.is_empty()
    }

    /// `t` may be used.
    pub fn allows(&self, t: &str) -> bool {
        self.is_all() || t == SYSTEM_TYPE || self.0.iter().any(|a| a == t)
    }

    /// What the domain hides in the Studio UI (`HiddenInstanceTypes`): every Studio type that is
    /// not allowed, in the model's order. Empty when all are allowed.
    pub fn hidden(&self) -> Vec<String> {
        if self.is_all() {
            return Vec::new();
        }
        STUDIO_INSTANCE_TYPES
            .iter()
            .filter(|t| !self.allows(t))
            .map(|t| (*t).to_string())
            .collect()
    }

    /// A domain's hidden list hides every Studio type: no list stands for that (an empty one
    /// is "all"), so it is its own state.
    pub fn hides_every_type(hidden: &[String]) -> bool {
        STUDIO_INSTANCE_TYPES
            .iter()
            .all(|t| hidden.iter().any(|h| h == t))
    }

    /// The allowed list a domain's hidden list leaves (all when it hides nothing; see
    /// [`Self::hides_every_type`] for a list that hides everything).
    pub fn from_hidden(hidden: &[String]) -> Self {
        if hidden.is_empty() {
            return Self::all();
        }
        Self(
            STUDIO_INSTANCE_TYPES
                .iter()
                .filter(|t| !hidden.iter().any(|h| h == *t))
                .map(|t| (*t).to_string())
                .collect(),
        )
    }

    /// The same types allowed, whatever the order.
    pub fn same_as(&self, other: &Self) -> bool {
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        };
        sorted(&self.0) == sorted(&other.0)
    }

    /// The template's `InstanceTypesPolicy` document for this list, as IAM stores it (compact
    /// JSON): a Deny of [`DENIED_ACTIONS`] on any type but `system` and the list. `None` when all
    /// types are allowed (the stack creates no such policy).
    pub fn deny_policy(&self) -> Option<serde_json::Value> {
        if self.is_all() {
            return None;
        }
        let mut types = vec![SYSTEM_TYPE.to_owned()];
        types.extend(self.0.iter().cloned());
        Some(serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyOtherInstanceTypes",
                "Effect": "Deny",
                "Action": DENIED_ACTIONS,
                "Resource": "*",
                "Condition": {
                    "ForAnyValue:StringNotEquals": {"sagemaker:InstanceTypes": types},
                },
            }],
        }))
    }

    /// The characters IAM counts in [`Self::deny_policy`] (0 when there is none).
    pub fn deny_policy_size(&self) -> usize {
        self.deny_policy().map_or(0, |doc| {
            doc.to_string()
                .chars()
                .filter(|c| !c.is_whitespace())
                .count()
        })
    }

    /// An error when the Deny's policy would pass [`MANAGED_POLICY_SIZE`]: CloudFormation would
    /// fail the stack half-way through (IAM's `LimitExceeded`), so it is refused before any call.
    pub fn policy_size_finding(&self) -> Option<Finding> {
        let size = self.deny_policy_size();
        (size > MANAGED_POLICY_SIZE).then(|| {
            Finding::new(
                Severity::Error,
                FindingCode::InstanceTypesPolicyTooLarge,
                format!(
                    "{} instance types make the Studio role's instance-type policy {size} \
                     characters (IAM limits a managed policy to 6,144)",
                    self.0.len()
                ),
                "allow fewer types, or all of them (no policy)",
                Some(Field::InstanceTypes),
            )
        })
    }

    /// A stack's `AllowedInstanceTypes` value (comma-separated, empty for all), as IAM enforces
    /// it: each entry kept as the stack has it.
    pub fn from_parameter(value: &str) -> Self {
        let mut out: Vec<String> = Vec::new();
        for t in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if !out.iter().any(|o| o == t) {
                out.push(t.to_string());
            }
        }
        Self(out)
    }

    /// The text a form, a flag or the config file holds: `ml.t3.medium,ml.m5.large`, or empty.
    pub fn as_text(&self) -> String {
        self.0.join(",")
    }
}

impl std::fmt::Display for InstanceTypes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_all() {
            f.write_str("all")
        } else {
            f.write_str(&self.0.join(", "))
        }
    }
}

/// Reads an allowed list (entries already split): each must be one of
/// [`STUDIO_INSTANCE_TYPES`]; a repeat is kept once; `all` alone (any case) or nothing means all.
pub fn parse_instance_types(entries: &[String]) -> Result<InstanceTypes, FieldError> {
    if entries.len() == 1 && entries[0].eq_ignore_ascii_case("all") {
        return Ok(InstanceTypes::all());
    }
    let mut out: Vec<String> = Vec::new();
    for e in entries {
        if e == SYSTEM_TYPE {
            return Err(FieldError::new(
                FindingCode::InstanceTypeUnknown,
                "`system` is the type of Studio's own apps, always allowed".to_owned(),
                "list only ml.* types".to_owned(),
            ));
        }
        if !STUDIO_INSTANCE_TYPES.contains(&e.as_str()) {
            let near = closest(e, 3);
            return Err(FieldError::new(
                FindingCode::InstanceTypeUnknown,
                format!("`{e}` is not an instance type Studio offers"),
                if near.is_empty() {
                    "give ml.* types such as ml.t3.medium, comma-separated, or leave it empty \
                     for all"
                        .to_owned()
                } else {
                    format!("did you mean {}?", near.join(", "))
                },
            ));
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    Ok(InstanceTypes(out))
}

/// The `n` Studio types closest to `text` (edit distance, then the model's order), among those
/// within half the text's length.
pub fn closest(text: &str, n: usize) -> Vec<&'static str> {
    let text = text.to_ascii_lowercase();
    let limit = text.chars().count().div_ceil(2).max(2);
    let mut scored: Vec<(usize, usize, &'static str)> = STUDIO_INSTANCE_TYPES
        .iter()
        .enumerate()
        .map(|(i, t)| (distance(&text, t), i, *t))
        .filter(|(d, _, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, t)| t).collect()
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Vec<String> {
        super::super::parse_domain_list(s)
    }

    #[test]
    fn the_deny_policy_fits_iam_even_with_every_type() {
        let every: Vec<String> = STUDIO_INSTANCE_TYPES
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
        let all = parse_instance_types(&every).unwrap();
        let size = all.deny_policy_size();
        assert!(size > 3_000 && size <= MANAGED_POLICY_SIZE, "{size}");
        assert!(all.policy_size_finding().is_none());
        assert_eq!(InstanceTypes::all().deny_policy_size(), 0);
        let one = parse_instance_types(&list("ml.t3.medium")).unwrap();
        let doc = one.deny_policy().unwrap().to_string();
        assert!(doc.contains(r#"["system","ml.t3.medium"]"#), "{doc}");
        assert!(doc.contains("sagemaker:UpdateSpace"), "{doc}");
        // A list whose policy passes IAM's quota is an error before any call.
        let huge = InstanceTypes(
            every
                .iter()
                .cycle()
                .take(every.len() * 2)
                .cloned()
                .collect(),
        );
        let f = huge.policy_size_finding().expect("too large");
        assert!(f.is_error() && f.message.contains("6,144"), "{f:?}");
        assert_eq!(f.code, FindingCode::InstanceTypesPolicyTooLarge);
    }

    #[test]
    fn known_types_are_read_and_the_rest_hidden() {
        let t = parse_instance_types(&list("ml.t3.medium, ml.m5.large,ml.t3.medium")).expect("ok");
        assert_eq!(t.allowed(), ["ml.t3.medium", "ml.m5.large"]);
        assert_eq!(t.to_string(), "ml.t3.medium, ml.m5.large");
        assert_eq!(t.hidden().len(), STUDIO_INSTANCE_TYPES.len() - 2);
        assert!(
            !t.hidden()
                .iter()
                .any(|h| h == "ml.t3.medium" || h == "system")
        );
        assert!(t.allows("system") && t.allows("ml.m5.large") && !t.allows("ml.p3.2xlarge"));
        assert!(InstanceTypes::from_hidden(&t.hidden()).same_as(&t));
        let all = parse_instance_types(&[]).expect("all");
        assert!(all.is_all() && all.hidden().is_empty());
        assert_eq!(all.to_string(), "all");
        assert!(parse_instance_types(&list("ALL")).expect("all").is_all());
        assert!(InstanceTypes::from_hidden(&[]).is_all());
    }

    #[test]
    fn an_unknown_type_names_the_closest_valid_ones() {
        let e = parse_instance_types(&list("ml.t3.medium, ml.m5.larg")).unwrap_err();
        assert_eq!(e.code, FindingCode::InstanceTypeUnknown);
        assert!(e.message.contains("`ml.m5.larg`"), "{e}");
        assert!(e.fix.contains("ml.m5.large"), "{e}");
        let e = parse_instance_types(&list("t3.medium")).unwrap_err();
        assert!(e.fix.contains("ml.t3.medium"), "{e}");
        let e = parse_instance_types(&list("zzzzzzzzzzzzzzzzzzzzzzzzzz")).unwrap_err();
        assert!(e.fix.contains("such as ml.t3.medium"), "{e}");
        assert!(parse_instance_types(&list("system")).is_err());
    }
}
