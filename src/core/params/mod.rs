//! The stack's parameters and the one set of rules that checks them.
//!
//! A [`ParamsDraft`] holds what a person typed (the form, the flags, `--config`, the saved
//! answers, `--guided`); [`ParamsDraft::check`] is the one validation, which gives every finding
//! and, when none is an error, the validated [`Parameters`] (CIDRs as [`Ipv4Net`], names as
//! checked newtypes) that everything after the form takes. A value accepted in one place is
//! accepted everywhere, with the same message.
//!
//! One field is, in this order: its [`Field`] (template name, config key, flag), its text in
//! [`ParamsDraft`], its type in [`Parameters`], and its rule (a `parse` of the type, or
//! [`cidr::parse_cidr`]), called from [`ParamsDraft::check_with`].
//!
//! Naming rules for the project name come from every resource it is used in:
//! S3 buckets `<name>-data` / `<name>-models` (3-63 chars, lowercase letters,
//! digits, hyphens, reserved prefixes), the IAM role `<name>-notebook-role`
//! (at most 64 chars, so the name is at most 50), the KMS alias
//! `alias/<name>-s3`, the CloudFormation stack name (letter first) and the
//! SageMaker domain name. Their intersection is `^[a-z][a-z0-9-]*[a-z0-9]$`,
//! 3 to 50 characters, without the S3 reserved prefixes. Consecutive hyphens
//! (`my--project`) are accepted: S3, SageMaker (`-*`), IAM and CloudFormation
//! all allow them, and the S3 suffixes that involve `--` cannot occur because
//! the buckets always end in `-data` or `-models`. Dots are refused (stack and
//! domain names forbid them), which also makes IP-like bucket names impossible.

use std::collections::BTreeMap;
use std::fmt;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

use crate::core::cidr::{self, DEFAULT_INTERFACE_ENDPOINTS, NetworkPlan};
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};

/// A text that passed its field's rule, and only such a text: made by the type's `parse`, read
/// as a `&str`, serialized as the string.
macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The checked text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

mod buckets;
mod domains;
pub mod guardrails;
pub mod instance_types;
mod names;
pub use buckets::{
    BucketName, MAX_ALLOWED_BUCKETS, sagemaker_default_bucket, validate_bucket_name,
};
pub use domains::{
    DOMAIN_MAX, DomainEntry, LABEL_MAX, MAX_ALLOWED_DOMAINS, domain_matches, parse_domain_list,
    validate_domain, wider_fix,
};
pub use names::{
    AvailabilityZone, PROJECT_NAME_MAX, PROJECT_NAME_MIN, ProjectName, ROLE_SUFFIX,
    USER_PROFILE_MAX, parse_user_list, validate_availability_zone, validate_project_name,
    validate_user_profile_name,
};

/// Why one value was rejected: a stable code, what is wrong (naming the
/// offending character and its 1-based position where there is one) and how
/// to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Stable code, e.g. `PROJECT_NAME_BAD_CHAR`.
    pub code: FindingCode,
    /// What is wrong, one clause without a trailing period.
    pub message: String,
    /// How to fix it, one clause.
    pub fix: String,
    /// 0-based character index of the offending character, if any, so a
    /// form can put the cursor there.
    pub position: Option<usize>,
}

impl FieldError {
    fn new(code: FindingCode, message: String, fix: String) -> Self {
        Self {
            code,
            message,
            fix,
            position: None,
        }
    }

    fn at(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }

    /// The error as an error [`Finding`] for `field`.
    pub fn to_finding(&self, field: Field) -> Finding {
        Finding::new(
            Severity::Error,
            self.code,
            self.message.clone(),
            self.fix.clone(),
            Some(field),
        )
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message, self.fix)
    }
}

impl std::error::Error for FieldError {}

/// Describes a character for a message: `` `_` `` or "a space".
fn show_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c if c.is_control() => format!("control character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

/// Everything a person chooses for one deployment, as typed: the draft the form, the flags,
/// `--config`, the saved answers and `--guided` fill, invalid values included. Serialized with
/// snake_case keys for the config file and the saved answers (the on-disk shape); unknown keys
/// are refused so a misspelt key cannot silently fall back to a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParamsDraft {
    /// Prefix of every resource name; see [`validate_project_name`].
    pub project_name: String,
    /// The VPC block, e.g. `10.2.0.0/16`.
    pub vpc_cidr: String,
    /// Firewall endpoint subnet.
    pub firewall_subnet_cidr: String,
    /// NAT gateway subnet.
    pub nat_subnet_cidr: String,
    /// Studio subnet.
    pub studio_subnet_cidr: String,
    /// Firewall allow list; see [`validate_domain`].
    pub allowed_domains: Vec<String>,
    /// Buckets admitted on purpose (S3 endpoint policy and role); see [`validate_bucket_name`].
    pub allowed_buckets: Vec<String>,
    /// Zone for the subnets; `None` lets the template choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// Instance types Studio apps may run on (empty: all); see [`instance_types`]. Saved
    /// answers written before it existed load as all.
    pub instance_types: Vec<String>,
    /// Idle shutdown (minutes or `off`), a domain setting; see [`guardrails`].
    pub idle_timeout: String,
}

impl Default for ParamsDraft {
    /// The seed template's defaults, plus the allow list upstream ended with.
    fn default() -> Self {
        Self {
            project_name: "sagemaker-studio-vpc".into(),
            vpc_cidr: "10.2.0.0/16".into(),
            firewall_subnet_cidr: "10.2.1.0/24".into(),
            nat_subnet_cidr: "10.2.2.0/24".into(),
            studio_subnet_cidr: "10.2.3.0/24".into(),
            allowed_domains: vec![
                "iam.amazonaws.com".into(),
                ".pypi.org".into(),
                ".pythonhosted.org".into(),
            ],
            allowed_buckets: Vec::new(),
            availability_zone: None,
            instance_types: Vec::new(),
            idle_timeout: guardrails::IDLE_DEFAULT.to_string(),
        }
    }
}

impl ParamsDraft {
    /// A field's value as text for a form (domains joined with ", ").
    pub fn value(&self, field: Field) -> String {
        match field {
            Field::ProjectName => self.project_name.clone(),
            Field::VpcCidr => self.vpc_cidr.clone(),
            Field::FirewallSubnetCidr => self.firewall_subnet_cidr.clone(),
            Field::NatSubnetCidr => self.nat_subnet_cidr.clone(),
            Field::StudioSubnetCidr => self.studio_subnet_cidr.clone(),
            Field::AllowedDomains => self.allowed_domains.join(", "),
            Field::AllowedBuckets => self.allowed_buckets.join(", "),
            Field::AvailabilityZone => self.availability_zone.clone().unwrap_or_default(),
            Field::InstanceTypes => self.instance_types.join(", "),
            Field::IdleTimeout => self.idle_timeout.clone(),
        }
    }

    /// Sets a field from text typed in a form or on the command line: trims
    /// it, splits domains with [`parse_domain_list`], and maps an empty zone
    /// to `None`. Validation is separate, so a form can keep invalid input.
    pub fn set(&mut self, field: Field, text: &str) {
        let text = text.trim();
        match field {
            Field::ProjectName => self.project_name = text.to_owned(),
            Field::VpcCidr => self.vpc_cidr = text.to_owned(),
            Field::FirewallSubnetCidr => self.firewall_subnet_cidr = text.to_owned(),
            Field::NatSubnetCidr => self.nat_subnet_cidr = text.to_owned(),
            Field::StudioSubnetCidr => self.studio_subnet_cidr = text.to_owned(),
            Field::AllowedDomains => self.allowed_domains = parse_domain_list(text),
            Field::AllowedBuckets => self.allowed_buckets = parse_domain_list(text),
            Field::AvailabilityZone => {
                self.availability_zone = (!text.is_empty()).then(|| text.to_owned());
            }
            Field::InstanceTypes => self.instance_types = parse_domain_list(text),
            Field::IdleTimeout => self.idle_timeout = text.to_owned(),
        }
    }

    /// The four CIDRs parsed into a plan, or one error finding per field that
    /// does not parse.
    pub fn network_plan(&self) -> Result<NetworkPlan, Vec<Finding>> {
        let parse = |field: Field, text: &str| {
            cidr::parse_cidr(text).map_err(|e| Finding::from_cidr_error(&e, field))
        };
        let results = [
            parse(Field::VpcCidr, &self.vpc_cidr),
            parse(Field::FirewallSubnetCidr, &self.firewall_subnet_cidr),
            parse(Field::NatSubnetCidr, &self.nat_subnet_cidr),
            parse(Field::StudioSubnetCidr, &self.studio_subnet_cidr),
        ];
        match results {
            [
                Ok(vpc),
                Ok(firewall_subnet),
                Ok(nat_subnet),
                Ok(studio_subnet),
            ] => Ok(NetworkPlan {
                vpc,
                firewall_subnet,
                nat_subnet,
                studio_subnet,
            }),
            results => Err(results.into_iter().filter_map(Result::err).collect()),
        }
    }

    /// Every finding for these parameters and `users` Studio users, errors
    /// first, with the template's [`DEFAULT_INTERFACE_ENDPOINTS`].
    pub fn validate(&self, users: u32) -> Vec<Finding> {
        self.check(users).findings
    }

    /// The validated parameters, or the error findings when a value is refused (`users` sizes
    /// the Studio subnet; pass 0 when unknown).
    pub fn parse(&self, users: u32) -> Result<Parameters, Vec<Finding>> {
        let checked = self.check(users);
        checked.parameters.ok_or_else(|| {
            checked
                .findings
                .into_iter()
                .filter(Finding::is_error)
                .collect()
        })
    }

    /// [`ParamsDraft::check_with`] with the template's [`DEFAULT_INTERFACE_ENDPOINTS`].
    pub fn check(&self, users: u32) -> Checked {
        self.check_with(users, DEFAULT_INTERFACE_ENDPOINTS)
    }

    /// The one validation: each field by its rule, the allow list and the buckets as lists, the
    /// network as a plan for `users` Studio users and `interface_endpoints` endpoints.
    pub fn check_with(&self, users: u32, interface_endpoints: u32) -> Checked {
        let mut out = Vec::new();
        let project_name = ProjectName::parse(&self.project_name)
            .map_err(|e| out.push(e.to_finding(Field::ProjectName)))
            .ok();
        let allowed_domains = domains::check(self, &mut out);
        let allowed_buckets = buckets::check(self, &mut out);
        let availability_zone = match &self.availability_zone {
            None => Some(None),
            Some(zone) => AvailabilityZone::parse(zone)
                .map(Some)
                .map_err(|e| out.push(e.to_finding(Field::AvailabilityZone)))
                .ok(),
        };
        let idle = guardrails::check(self, &mut out);
        let instance_types = instance_types::parse_instance_types(&self.instance_types)
            .map_err(|e| out.push(e.to_finding(Field::InstanceTypes)))
            .ok();
        out.extend(
            instance_types
                .as_ref()
                .and_then(instance_types::InstanceTypes::policy_size_finding),
        );
        let plan = match self.network_plan() {
            Ok(plan) => {
                out.extend(cidr::validate_plan(&plan, users, interface_endpoints));
                Some(plan)
            }
            Err(errors) => {
                out.extend(errors);
                None
            }
        };
        out.sort_by_key(|f| f.severity);
        let parameters = match (project_name, availability_zone, idle, instance_types, plan) {
            (
                Some(project_name),
                Some(availability_zone),
                Some(idle),
                Some(instance_types),
                Some(plan),
            ) if !out.iter().any(Finding::is_error) => Some(Parameters {
                project_name,
                vpc_cidr: plan.vpc,
                firewall_subnet_cidr: plan.firewall_subnet,
                nat_subnet_cidr: plan.nat_subnet,
                studio_subnet_cidr: plan.studio_subnet,
                allowed_domains,
                allowed_buckets,
                availability_zone,
                instance_types,
                idle,
            }),
            _ => None,
        };
        Checked {
            findings: out,
            parameters,
        }
    }

    /// The first error of each field, as "message; fix", for showing under
    /// the field in a form. `users` feeds the Studio subnet sizing check (pass
    /// 0 when unknown). Findings about the whole set are left out.
    pub fn field_errors(&self, users: u32) -> BTreeMap<Field, String> {
        self.field_messages(users).0
    }

    /// [`ParamsDraft::field_errors`] and, from the same validation, the first warning of each
    /// field without an error (see [`Checked::field_messages`]).
    pub fn field_messages(&self, users: u32) -> (BTreeMap<Field, String>, BTreeMap<Field, String>) {
        self.check(users).field_messages()
    }
}

/// What [`ParamsDraft::check`] found: every finding, errors first, and the validated
/// parameters when none of them is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub findings: Vec<Finding>,
    pub parameters: Option<Parameters>,
}

/// The parameters of one deployment, validated: made only by [`ParamsDraft::check`], taken by
/// everything after the form (the plan, the deploy, `up`, the template's parameters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameters {
    /// Prefix of every resource name.
    pub project_name: ProjectName,
    /// The VPC block.
    pub vpc_cidr: Ipv4Net,
    /// Firewall endpoint subnet.
    pub firewall_subnet_cidr: Ipv4Net,
    /// NAT gateway subnet.
    pub nat_subnet_cidr: Ipv4Net,
    /// Studio subnet.
    pub studio_subnet_cidr: Ipv4Net,
    /// Firewall allow list, in the order given.
    pub allowed_domains: Vec<DomainEntry>,
    /// Buckets admitted on purpose, in the order given.
    pub allowed_buckets: Vec<BucketName>,
    /// Zone for the subnets; `None` lets the template choose.
    pub availability_zone: Option<AvailabilityZone>,
    /// Instance types Studio apps may run on: the IAM Deny and the hidden types.
    pub instance_types: instance_types::InstanceTypes,
    /// Idle shutdown of the domain's JupyterLab and Code Editor apps (a domain setting).
    pub idle: guardrails::IdleShutdown,
}

impl Checked {
    /// The first error of each field, as "message; fix", and the first warning of each field
    /// without an error: what the form shows under a value it accepts but the user should think
    /// twice about (an allow-list entry that admits S3 of other regions). Findings about the
    /// whole set are left out.
    pub fn field_messages(&self) -> (BTreeMap<Field, String>, BTreeMap<Field, String>) {
        let (mut errors, mut warnings) = (BTreeMap::new(), BTreeMap::new());
        for f in &self.findings {
            let Some(field) = f.field else { continue };
            if f.is_error() {
                errors.entry(field).or_insert_with(|| f.to_string());
            } else if f.severity == Severity::Warning {
                warnings.entry(field).or_insert_with(|| f.to_string());
            }
        }
        warnings.retain(|field, _| !errors.contains_key(field));
        (errors, warnings)
    }
}

impl Parameters {
    /// The stack parameters, named exactly as in the template and in
    /// [`PARAMETER_NAMES`](crate::core::field::PARAMETER_NAMES) order. `AllowedDomains` is
    /// comma-joined (a CommaDelimitedList); `AvailabilityZone` is empty when unset. No domain
    /// setting.
    pub fn to_cfn_parameters(&self) -> Vec<(&'static str, String)> {
        Field::TEMPLATE
            .into_iter()
            .filter_map(|f| Some((f.cfn_name()?, self.cfn_value(f))))
            .collect()
    }

    fn cfn_value(&self, field: Field) -> String {
        let joined = |list: &[&str]| list.join(",");
        match field {
            Field::ProjectName => self.project_name.to_string(),
            Field::VpcCidr => self.vpc_cidr.to_string(),
            Field::FirewallSubnetCidr => self.firewall_subnet_cidr.to_string(),
            Field::NatSubnetCidr => self.nat_subnet_cidr.to_string(),
            Field::StudioSubnetCidr => self.studio_subnet_cidr.to_string(),
            Field::AllowedDomains => joined(
                &self
                    .allowed_domains
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>(),
            ),
            Field::AllowedBuckets => joined(
                &self
                    .allowed_buckets
                    .iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>(),
            ),
            Field::AvailabilityZone => self
                .availability_zone
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            Field::InstanceTypes => self.instance_types.as_text(),
            Field::IdleTimeout => self.idle.as_text(),
        }
    }

    /// The four blocks as a plan.
    pub fn network_plan(&self) -> NetworkPlan {
        NetworkPlan {
            vpc: self.vpc_cidr,
            firewall_subnet: self.firewall_subnet_cidr,
            nat_subnet: self.nat_subnet_cidr,
            studio_subnet: self.studio_subnet_cidr,
        }
    }

    /// Back to text, as the form, the saved answers and the config file hold it.
    pub fn draft(&self) -> ParamsDraft {
        let mut draft = ParamsDraft::default();
        for field in Field::ALL {
            draft.set(field, &self.cfn_value(field));
        }
        draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- Parameters ----

    #[test]
    fn defaults_are_the_seed_values_and_map_to_cfn_names() {
        let p = ParamsDraft::default();
        let valid = |p: &ParamsDraft| p.parse(0).expect("valid");
        assert_eq!(
            valid(&p).to_cfn_parameters(),
            vec![
                ("ProjectName", "sagemaker-studio-vpc".to_owned()),
                ("VpcCIDR", "10.2.0.0/16".to_owned()),
                ("FirewallSubnetCIDR", "10.2.1.0/24".to_owned()),
                ("NATGatewaySubnetCIDR", "10.2.2.0/24".to_owned()),
                ("SageMakerStudioSubnetCIDR", "10.2.3.0/24".to_owned()),
                (
                    "AllowedDomains",
                    "iam.amazonaws.com,.pypi.org,.pythonhosted.org".to_owned()
                ),
                ("AllowedBuckets", String::new()),
                ("AvailabilityZone", String::new()),
                ("AllowedInstanceTypes", String::new()),
            ]
        );
        let mut p = p;
        p.availability_zone = Some("us-east-1a".into());
        p.set(
            Field::AllowedBuckets,
            " team-share, sagemaker-us-east-1-123456789012 ",
        );
        let cfn = valid(&p).to_cfn_parameters();
        assert_eq!(cfn[7], ("AvailabilityZone", "us-east-1a".to_owned()));
        assert_eq!(
            cfn[6],
            (
                "AllowedBuckets",
                "team-share,sagemaker-us-east-1-123456789012".to_owned()
            )
        );
        assert_eq!(
            p.value(Field::AllowedBuckets),
            "team-share, sagemaker-us-east-1-123456789012"
        );
    }

    #[test]
    fn the_validated_parameters_hold_typed_values_and_give_the_draft_back() {
        let mut draft = ParamsDraft::default();
        draft.set(Field::AvailabilityZone, "eu-west-1b");
        draft.set(Field::AllowedBuckets, "team-share, team-share");
        let checked = draft.check(3);
        let p = checked.parameters.expect("valid");
        assert_eq!(p.project_name.as_str(), "sagemaker-studio-vpc");
        assert_eq!(p.vpc_cidr, "10.2.0.0/16".parse::<Ipv4Net>().expect("net"));
        assert_eq!(p.network_plan(), draft.network_plan().expect("plan"));
        assert_eq!(
            p.allowed_buckets.len(),
            2,
            "a repeat is a warning, and kept"
        );
        assert!(
            checked
                .findings
                .iter()
                .any(|f| f.code == FindingCode::BucketDuplicate)
        );
        assert_eq!(p.availability_zone.as_deref(), Some("eu-west-1b"));
        assert_eq!(p.draft(), draft);
    }

    #[test]
    fn a_refused_value_gives_no_parameters_and_its_errors() {
        let mut draft = ParamsDraft::default();
        draft.set(Field::VpcCidr, "10.2.0.0/33");
        draft.set(Field::AllowedDomains, "BAD, .pypi.org");
        let checked = draft.check(0);
        assert_eq!(checked.parameters, None);
        let errors = draft.parse(0).expect_err("refused");
        assert!(errors.iter().all(Finding::is_error));
        let fields: Vec<_> = errors.iter().filter_map(|f| f.field).collect();
        assert!(fields.contains(&Field::VpcCidr) && fields.contains(&Field::AllowedDomains));
        assert_eq!(
            errors,
            checked
                .findings
                .into_iter()
                .filter(Finding::is_error)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn defaults_validate_clean() {
        let f = ParamsDraft::default().validate(10);
        assert_eq!(
            f.iter().map(|f| f.code).collect::<Vec<_>>(),
            [FindingCode::CidrStudioCapacity]
        );
        assert!(ParamsDraft::default().field_errors(10).is_empty());
    }

    #[test]
    fn serde_uses_snake_case_and_refuses_unknown_keys() {
        let json = serde_json::to_value(ParamsDraft::default()).expect("json");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        for f in Field::ALL.iter().filter(|f| **f != Field::AvailabilityZone) {
            assert!(keys.contains(&f.key()), "{}", f.key());
        }
        let partial: ParamsDraft =
            serde_json::from_str(r#"{"project_name":"demo-one","availability_zone":"eu-west-1b"}"#)
                .expect("parse");
        assert_eq!(partial.vpc_cidr, "10.2.0.0/16");
        assert_eq!(partial.availability_zone.as_deref(), Some("eu-west-1b"));
        let typo = serde_json::from_str::<ParamsDraft>(r#"{"vpc_cdir":"10.9.0.0/16"}"#);
        assert!(
            typo.expect_err("unknown key")
                .to_string()
                .contains("vpc_cdir")
        );
    }

    #[test]
    fn set_and_value_round_trip() {
        let mut p = ParamsDraft::default();
        p.set(
            Field::AllowedDomains,
            " .pypi.org, .github.com\n.amazonaws.com ",
        );
        assert_eq!(
            p.allowed_domains,
            [".pypi.org", ".github.com", ".amazonaws.com"]
        );
        assert_eq!(
            p.value(Field::AllowedDomains),
            ".pypi.org, .github.com, .amazonaws.com"
        );
        p.set(Field::AvailabilityZone, "  ");
        assert_eq!(p.availability_zone, None);
        p.set(Field::AvailabilityZone, "us-west-2b");
        assert_eq!(p.value(Field::AvailabilityZone), "us-west-2b");
        p.set(Field::VpcCidr, " 10.9.0.0/16 ");
        assert_eq!(p.vpc_cidr, "10.9.0.0/16");
    }

    #[test]
    fn field_errors_put_each_error_under_its_field() {
        let mut p = ParamsDraft::default();
        p.set(Field::ProjectName, "My_Project");
        p.set(Field::VpcCidr, "10.2.0.0/15");
        p.set(Field::NatSubnetCidr, "10.2.2.5/24");
        p.set(Field::AllowedDomains, "https://github.com/org");
        p.set(Field::AvailabilityZone, "use1-az1");
        let e = p.field_errors(0);
        assert_eq!(
            e.keys().copied().collect::<Vec<_>>(),
            [
                Field::ProjectName,
                Field::VpcCidr,
                Field::NatSubnetCidr,
                Field::AllowedDomains,
                Field::AvailabilityZone
            ]
        );
        assert_eq!(
            e[&Field::NatSubnetCidr],
            "10.2.2.5/24 has host bits set; did you mean 10.2.2.0/24?"
        );
        assert!(e[&Field::ProjectName].contains("position 1"));
        // The missing .amazonaws.com warning is in validate, not in field_errors.
        assert!(
            p.validate(0)
                .iter()
                .any(|f| f.code == FindingCode::DomainAmazonawsMissing)
        );
    }

    #[test]
    fn plan_rules_reach_the_right_field() {
        let mut p = ParamsDraft::default();
        p.set(Field::StudioSubnetCidr, "10.3.3.0/24");
        let e = p.field_errors(0);
        assert!(
            e[&Field::StudioSubnetCidr]
                .starts_with("the Studio subnet 10.3.3.0/24 is not inside the VPC")
        );
        let mut p = ParamsDraft::default();
        p.set(Field::StudioSubnetCidr, "10.2.3.0/28");
        assert!(
            p.field_errors(0)[&Field::StudioSubnetCidr]
                .starts_with("the Studio subnet 10.2.3.0/28 has 11 usable")
        );
        let f = ParamsDraft::default().validate(100);
        assert_eq!(f[0].code, FindingCode::CidrStudioSubnetTight);
    }

    #[test]
    fn findings_are_sorted_errors_first() {
        let mut p = ParamsDraft::default();
        p.set(Field::AllowedDomains, ".pypi.org, BAD");
        let f = p.validate(1);
        let sev: Vec<Severity> = f.iter().map(|f| f.severity).collect();
        let mut sorted = sev.clone();
        sorted.sort();
        assert_eq!(sev, sorted);
        assert_eq!(f[0].code, FindingCode::DomainUppercase);
    }
}
