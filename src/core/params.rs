//! The stack's parameters and the one set of rules that checks them.
//!
//! The wizard form, preflight, the CLI flags and the config file all go
//! through [`Parameters::validate`] (and the per-value validators here), so a
//! value accepted in one place is accepted everywhere, with the same message.
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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::core::cidr::{self, DEFAULT_INTERFACE_ENDPOINTS, NetworkPlan};
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};

mod buckets;
pub mod guardrails;
mod lists;
pub use buckets::{MAX_ALLOWED_BUCKETS, sagemaker_default_bucket, validate_bucket_name};
pub use lists::{parse_domain_list, parse_user_list};

/// Shortest project name accepted: long enough to be recognisable in a
/// globally shared bucket namespace.
pub const PROJECT_NAME_MIN: usize = 3;
/// Longest project name: `<name>-notebook-role` must fit IAM's 64 characters.
pub const PROJECT_NAME_MAX: usize = 64 - ROLE_SUFFIX.len();
/// Suffix of the Studio execution role's name.
pub const ROLE_SUFFIX: &str = "-notebook-role";
/// Longest SageMaker user profile name.
pub const USER_PROFILE_MAX: usize = 63;
/// Longest DNS name (RFC 1035).
pub const DOMAIN_MAX: usize = 253;
/// Longest DNS label.
pub const LABEL_MAX: usize = 63;

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

/// Checks a project name against every resource name it becomes (see the
/// module docs for the derivation), so a deploy never fails half-way on a
/// name AWS refuses.
pub fn validate_project_name(name: &str) -> Result<(), FieldError> {
    const CODE_CHAR: FindingCode = FindingCode::ProjectNameBadChar;
    if name.is_empty() {
        return Err(FieldError::new(
            FindingCode::ProjectNameEmpty,
            "the project name is empty".into(),
            "enter a name like sagemaker-studio-vpc".into(),
        ));
    }
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
            continue;
        }
        let pos = i + 1;
        let err = if c.is_ascii_uppercase() {
            FieldError::new(
                FindingCode::ProjectNameUppercase,
                format!(
                    "`{name}` has an uppercase {} at position {pos}; S3 bucket names must be lowercase",
                    show_char(c)
                ),
                format!("use `{}`", name.to_ascii_lowercase()),
            )
        } else if matches!(c, '_' | '.' | ' ') {
            FieldError::new(
                CODE_CHAR,
                format!(
                    "`{name}` has {} at position {pos}; only lowercase letters, digits and hyphens are allowed",
                    show_char(c)
                ),
                format!(
                    "use a hyphen instead, e.g. `{}`",
                    name.replace(['_', '.', ' '], "-")
                ),
            )
        } else {
            FieldError::new(
                CODE_CHAR,
                format!(
                    "`{name}` has {} at position {pos}; only lowercase letters, digits and hyphens are allowed",
                    show_char(c)
                ),
                "remove it".into(),
            )
        };
        return Err(err.at(i));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(FieldError::new(
            FindingCode::ProjectNameBadStart,
            format!(
                "`{name}` starts with `{}`; CloudFormation stack names must start with a letter",
                &name[..1]
            ),
            format!(
                "start it with a letter, e.g. `studio-{}`",
                name.trim_start_matches('-')
            ),
        )
        .at(0));
    }
    if name.ends_with('-') {
        return Err(FieldError::new(
            FindingCode::ProjectNameBadEnd,
            format!("`{name}` ends with a hyphen; S3 bucket and SageMaker domain names must end with a letter or digit"),
            format!("use `{}`", name.trim_end_matches('-')),
        )
        .at(name.len() - 1));
    }
    let len = name.len();
    if len < PROJECT_NAME_MIN {
        return Err(FieldError::new(
            FindingCode::ProjectNameTooShort,
            format!(
                "`{name}` is {len} characters; the project name needs at least {PROJECT_NAME_MIN}"
            ),
            "use a longer, more distinctive name: bucket names are shared by every AWS account"
                .into(),
        ));
    }
    if len > PROJECT_NAME_MAX {
        return Err(FieldError::new(
            FindingCode::ProjectNameTooLong,
            format!(
                "`{name}` is {len} characters; at most {PROJECT_NAME_MAX} fit, because the IAM role `<name>{ROLE_SUFFIX}` is limited to 64"
            ),
            format!("shorten it by {} characters", len - PROJECT_NAME_MAX),
        )
        .at(PROJECT_NAME_MAX));
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Err(FieldError::new(
                FindingCode::ProjectNameReservedPrefix,
                format!(
                    "`{name}` starts with `{prefix}`, which S3 reserves for its own bucket names"
                ),
                "choose a name that does not start with xn--, sthree- or amzn-s3-demo-".into(),
            )
            .at(0));
        }
    }
    Ok(())
}

/// Checks a SageMaker user profile name (`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
/// at most 63 characters) before calling CreateUserProfile.
pub fn validate_user_profile_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() {
        return Err(FieldError::new(
            FindingCode::ProfileNameEmpty,
            "the user profile name is empty".into(),
            "enter a name like data-scientist-1".into(),
        ));
    }
    if let Some((i, c)) = name
        .chars()
        .enumerate()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-'))
    {
        let fix = if matches!(c, '_' | '.' | ' ' | '@') {
            format!(
                "use a hyphen instead, e.g. `{}`",
                name.replace(['_', '.', ' ', '@'], "-")
            )
        } else {
            "remove it".to_owned()
        };
        return Err(FieldError::new(
            FindingCode::ProfileNameBadChar,
            format!(
                "`{name}` has {} at position {}; user profile names allow only letters, digits and hyphens",
                show_char(c),
                i + 1
            ),
            fix,
        )
        .at(i));
    }
    if name.starts_with('-') {
        return Err(FieldError::new(
            FindingCode::ProfileNameBadStart,
            format!(
                "`{name}` starts with a hyphen; user profile names start with a letter or digit"
            ),
            format!("use `{}`", name.trim_start_matches('-')),
        )
        .at(0));
    }
    if name.ends_with('-') {
        return Err(FieldError::new(
            FindingCode::ProfileNameBadEnd,
            format!("`{name}` ends with a hyphen; user profile names end with a letter or digit"),
            format!("use `{}`", name.trim_end_matches('-')),
        )
        .at(name.len() - 1));
    }
    if name.len() > USER_PROFILE_MAX {
        return Err(FieldError::new(
            FindingCode::ProfileNameTooLong,
            format!(
                "`{name}` is {} characters; SageMaker allows at most {USER_PROFILE_MAX}",
                name.len()
            ),
            format!("shorten it by {} characters", name.len() - USER_PROFILE_MAX),
        )
        .at(USER_PROFILE_MAX));
    }
    Ok(())
}

/// True when firewall domain-list entry `entry` lets `host` through: a
/// leading dot matches the domain and every subdomain, anything else only
/// that exact host (AWS Network Firewall's semantics).
pub fn domain_matches(entry: &str, host: &str) -> bool {
    match entry.strip_prefix('.') {
        Some(base) => host == base || host.strip_suffix(base).is_some_and(|h| h.ends_with('.')),
        None => host == entry,
    }
}

/// The fix for an entry that admits S3 around the gateway endpoint: for `.amazonaws.com`, the
/// exact names a Studio user needs instead; otherwise the entry's removal.
pub fn wider_fix(entry: &str) -> String {
    if entry.trim_start_matches('.') == "amazonaws.com" {
        format!(
            "replace `{entry}` with iam.amazonaws.com (IAM has no VPC endpoint; every other AWS \
             service Studio uses has one in the VPC) and add other exact AWS names only as needed"
        )
    } else {
        format!("remove `{entry}`, or list the exact non-S3 names you need instead")
    }
}

/// The host part of something URL-like, for "did you mean" fixes.
fn host_of(input: &str) -> &str {
    let rest = input.split_once("://").map_or(input, |(_, r)| r);
    let rest = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    rest.split(':').next().unwrap_or(rest)
}

/// The firewall rule group's capacity (200, fixed at creation) holds this many domains matched on
/// both TLS SNI and HTTP Host.
pub const MAX_ALLOWED_DOMAINS: usize = 100;

const SUBDOMAIN_NOTE: &str = "(a leading dot, as in .example.com, also matches every subdomain)";

/// Checks one allowed-domain entry as Network Firewall will match it against
/// TLS SNI and HTTP Host: a lowercase host name, optionally with a leading
/// dot to include subdomains; no scheme, path, port or `*` wildcard.
pub fn validate_domain(entry: &str) -> Result<(), FieldError> {
    if entry.trim().is_empty() {
        return Err(FieldError::new(
            FindingCode::DomainEmpty,
            "the domain entry is empty".into(),
            format!("enter a host name like pypi.org {SUBDOMAIN_NOTE}"),
        ));
    }
    if let Some(i) = entry.find("://") {
        return Err(FieldError::new(
            FindingCode::DomainHasScheme,
            format!("`{entry}` is a URL; the firewall matches host names, not URLs"),
            format!("write just the host, `{}` {SUBDOMAIN_NOTE}", host_of(entry)),
        )
        .at(entry[..i].chars().count()));
    }
    if let Some(i) = entry.find('/') {
        return Err(FieldError::new(
            FindingCode::DomainHasPath,
            format!(
                "`{entry}` has a path at position {}; TLS SNI carries only the host name, so paths cannot be filtered",
                i + 1
            ),
            format!("write just the host, `{}`", host_of(entry)),
        )
        .at(entry[..i].chars().count()));
    }
    if let Some(i) = entry.find('*') {
        let fix = match entry.strip_prefix("*.") {
            Some(rest) if !rest.contains('*') => {
                format!("write `.{rest}`: a leading dot already matches {rest} and every subdomain")
            }
            _ => "list each host, or use a leading dot (.example.com) to match a domain and every subdomain"
                .to_owned(),
        };
        return Err(FieldError::new(
            FindingCode::DomainHasWildcard,
            format!(
                "`{entry}` has a `*` at position {}; wildcards are not supported",
                i + 1
            ),
            fix,
        )
        .at(entry[..i].chars().count()));
    }
    if let Some(i) = entry.find(':') {
        return Err(FieldError::new(
            FindingCode::DomainHasPort,
            format!(
                "`{entry}` has a port at position {}; domain rules match any port",
                i + 1
            ),
            format!("write just the host, `{}`", host_of(entry)),
        )
        .at(entry[..i].chars().count()));
    }
    for (i, c) in entry.chars().enumerate() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
            continue;
        }
        let err = if c.is_ascii_uppercase() {
            FieldError::new(
                FindingCode::DomainUppercase,
                format!(
                    "`{entry}` has an uppercase {} at position {}; write domains in lowercase",
                    show_char(c),
                    i + 1
                ),
                format!("use `{}`", entry.to_ascii_lowercase()),
            )
        } else {
            FieldError::new(
                FindingCode::DomainBadChar,
                format!(
                    "`{entry}` has {} at position {}; host names allow only lowercase letters, digits, hyphens and dots",
                    show_char(c),
                    i + 1
                ),
                if c.is_whitespace() || c == ',' {
                    "put one domain per entry".into()
                } else {
                    "remove it (internationalised names must be written in punycode, xn--...)"
                        .into()
                },
            )
        };
        return Err(err.at(i));
    }
    if entry.len() > 1 && entry.ends_with('.') {
        return Err(FieldError::new(
            FindingCode::DomainTrailingDot,
            format!("`{entry}` ends with a dot; TLS SNI and HTTP Host never do, so it would match nothing"),
            format!("use `{}`", entry.trim_end_matches('.')),
        )
        .at(entry.len() - 1));
    }
    let body = entry.strip_prefix('.').unwrap_or(entry);
    if body.len() > DOMAIN_MAX {
        return Err(FieldError::new(
            FindingCode::DomainTooLong,
            format!(
                "`{entry}` is {} characters; DNS names have at most {DOMAIN_MAX}",
                body.len()
            ),
            "check for a pasted mistake".into(),
        ));
    }
    let offset = entry.len() - body.len();
    let mut at = offset;
    let labels: Vec<&str> = body.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(FieldError::new(
                FindingCode::DomainEmptyLabel,
                format!(
                    "`{entry}` has an empty label (two dots in a row) at position {}",
                    at + 1
                ),
                "remove the extra dot; only one leading dot is allowed, to include subdomains"
                    .into(),
            )
            .at(at));
        }
        if label.len() > LABEL_MAX {
            return Err(FieldError::new(
                FindingCode::DomainLabelTooLong,
                format!(
                    "`{label}` in `{entry}` is {} characters; a DNS label has at most {LABEL_MAX}",
                    label.len()
                ),
                "check for a pasted mistake".into(),
            )
            .at(at));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(FieldError::new(
                FindingCode::DomainLabelHyphen,
                format!("`{label}` in `{entry}` starts or ends with a hyphen, which DNS forbids"),
                "remove the hyphen at the edge of the label".into(),
            )
            .at(at));
        }
        at += label.len() + 1;
    }
    if labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err(FieldError::new(
            FindingCode::DomainIpAddress,
            format!(
                "`{entry}` is an IP address; domain rules match names in TLS SNI and HTTP Host, never addresses"
            ),
            "give the host name instead".into(),
        ));
    }
    if labels.len() < 2 {
        return Err(FieldError::new(
            FindingCode::DomainSingleLabel,
            format!(
                "`{entry}` is a single label; it would match a whole top-level domain or a name that never reaches the internet"
            ),
            format!("give a registered domain, e.g. `.example.{body}` or `.{body}.example`"),
        ));
    }
    Ok(())
}

/// Checks an availability zone *name* (`us-east-1a`); AZ ids (`use1-az1`)
/// are refused with a hint, because the template's subnets take names.
pub fn validate_availability_zone(zone: &str) -> Result<(), FieldError> {
    if zone.is_empty() {
        return Ok(());
    }
    if zone.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(FieldError::new(
            FindingCode::AzUppercase,
            format!("`{zone}` has uppercase letters; zone names are lowercase"),
            format!("use `{}`", zone.to_ascii_lowercase()),
        ));
    }
    let is_id = zone.split_once("-az").is_some_and(|(a, b)| {
        !a.contains('-') && !b.is_empty() && b.bytes().all(|x| x.is_ascii_digit())
    });
    if is_id {
        return Err(FieldError::new(
            FindingCode::AzIsId,
            format!("`{zone}` is an availability zone id, not a zone name"),
            "give the zone name, like us-east-1a (aws ec2 describe-availability-zones shows both)"
                .into(),
        ));
    }
    let chars_ok = zone
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let shape_ok = zone.len() >= 6
        && zone.as_bytes()[..2].iter().all(u8::is_ascii_lowercase)
        && zone.as_bytes()[2] == b'-'
        && zone.bytes().any(|b| b.is_ascii_digit())
        && zone.bytes().last().is_some_and(|b| b.is_ascii_lowercase())
        && !zone.contains("--");
    if !chars_ok || !shape_ok {
        return Err(FieldError::new(
            FindingCode::AzNotAZone,
            format!("`{zone}` is not an availability zone name"),
            "give a zone of the deploy region, like us-east-1a, or leave it empty".into(),
        ));
    }
    Ok(())
}

/// Everything a person chooses for one deployment. Serialized with
/// snake_case keys for the config file; unknown keys are refused so a
/// misspelt key cannot silently fall back to a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Parameters {
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
    /// Idle shutdown (minutes or `off`), a domain setting; see [`guardrails`].
    pub idle_timeout: String,
}

impl Default for Parameters {
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
            idle_timeout: guardrails::IDLE_DEFAULT.to_string(),
        }
    }
}

impl Parameters {
    /// The stack parameters, named exactly as in the template and in
    /// [`PARAMETER_NAMES`](crate::core::field::PARAMETER_NAMES) order. `AllowedDomains` is comma-joined (a
    /// CommaDelimitedList); `AvailabilityZone` is empty when unset. No domain setting.
    pub fn to_cfn_parameters(&self) -> Vec<(&'static str, String)> {
        Field::TEMPLATE
            .into_iter()
            .filter_map(|f| Some((f.cfn_name()?, self.cfn_value(f))))
            .collect()
    }

    fn cfn_value(&self, field: Field) -> String {
        match field {
            Field::AllowedDomains => self.allowed_domains.join(","),
            Field::AllowedBuckets => self.allowed_buckets.join(","),
            other => self.value(other),
        }
    }

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
        self.validate_with(users, DEFAULT_INTERFACE_ENDPOINTS)
    }

    /// [`Parameters::validate`] with an explicit interface endpoint count.
    pub fn validate_with(&self, users: u32, interface_endpoints: u32) -> Vec<Finding> {
        let mut out = Vec::new();
        if let Err(e) = validate_project_name(&self.project_name) {
            out.push(e.to_finding(Field::ProjectName));
        }
        self.check_domains(&mut out);
        buckets::check(self, &mut out);
        if let Some(zone) = &self.availability_zone
            && let Err(e) = validate_availability_zone(zone)
        {
            out.push(e.to_finding(Field::AvailabilityZone));
        }
        guardrails::check(self, &mut out);
        match self.network_plan() {
            Ok(plan) => out.extend(cidr::validate_plan(&plan, users, interface_endpoints)),
            Err(errors) => out.extend(errors),
        }
        out.sort_by_key(|f| f.severity);
        out
    }

    fn check_domains(&self, out: &mut Vec<Finding>) {
        let field = Some(Field::AllowedDomains);
        if self.allowed_domains.is_empty() {
            out.push(Finding::new(
                Severity::Error,
                FindingCode::DomainListEmpty,
                "the allow list is empty, so notebooks could reach nothing outside the VPC (not even IAM)",
                "add at least iam.amazonaws.com",
                field,
            ));
            return;
        }
        if self.allowed_domains.len() > MAX_ALLOWED_DOMAINS {
            out.push(Finding::new(
                Severity::Error,
                FindingCode::DomainListTooLong,
                format!(
                    "{} allowed domains; the firewall rule group's capacity holds \
                     {MAX_ALLOWED_DOMAINS}",
                    self.allowed_domains.len()
                ),
                "use leading-dot entries (.example.com covers every subdomain) or remove unused ones",
                field,
            ));
        }
        let mut seen = BTreeSet::new();
        let mut valid = Vec::new();
        for entry in &self.allowed_domains {
            match validate_domain(entry) {
                Err(e) => out.push(e.to_finding(Field::AllowedDomains)),
                Ok(()) if !seen.insert(entry.as_str()) => out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::DomainDuplicate,
                    format!("`{entry}` is listed more than once"),
                    "remove the repeated entry",
                    field,
                )),
                Ok(()) => valid.push(entry.as_str()),
            }
        }
        for entry in &valid {
            let host = entry.trim_start_matches('.');
            if let Some(wider) = valid.iter().find(|other| {
                *other != entry && domain_matches(other, host) && other.len() < entry.len()
            }) {
                out.push(Finding::new(
                    Severity::Info,
                    FindingCode::DomainRedundant,
                    format!("`{entry}` is already covered by `{wider}`"),
                    format!("remove `{entry}` (harmless if kept)"),
                    field,
                ));
            }
        }
        if !valid.iter().any(|e| domain_matches(e, "iam.amazonaws.com")) {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::DomainAmazonawsMissing,
                "no entry allows iam.amazonaws.com, which has no VPC endpoint, so IAM calls from notebooks will time out",
                "add iam.amazonaws.com to the allowed domains",
                field,
            ));
        }
        for entry in &valid {
            if let Some(why) = crate::core::s3_names::s3_bypass(entry, None) {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::DomainAdmitsS3,
                    why,
                    wider_fix(entry),
                    field,
                ));
            }
        }
    }

    /// The first error of each field, as "message; fix", for showing under
    /// the field in a form. `users` feeds the Studio subnet sizing check (pass
    /// 0 when unknown). Findings about the whole set are left out.
    pub fn field_errors(&self, users: u32) -> BTreeMap<Field, String> {
        self.field_messages(users).0
    }

    /// [`Parameters::field_errors`] and, from the same validation, the first warning of each
    /// field without an error: what the form shows under a value it accepts but the user should
    /// think twice about (an allow-list entry that admits S3 of other regions).
    pub fn field_messages(&self, users: u32) -> (BTreeMap<Field, String>, BTreeMap<Field, String>) {
        let (mut errors, mut warnings) = (BTreeMap::new(), BTreeMap::new());
        let findings = self.validate(users);
        for f in &findings {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: Result<(), FieldError>) -> FieldError {
        r.expect_err("expected an error")
    }

    // ---- Parameters ----

    #[test]
    fn defaults_are_the_seed_values_and_map_to_cfn_names() {
        let p = Parameters::default();
        assert_eq!(
            p.to_cfn_parameters(),
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
            ]
        );
        let mut p = p;
        p.availability_zone = Some("us-east-1a".into());
        p.set(
            Field::AllowedBuckets,
            " team-share, sagemaker-us-east-1-123456789012 ",
        );
        let cfn = p.to_cfn_parameters();
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
    fn idle_timeout_is_a_domain_setting_checked_with_the_rest() {
        let mut p = Parameters::default();
        assert_eq!(
            p.idle_shutdown(),
            Ok(guardrails::IdleShutdown::After(guardrails::IDLE_DEFAULT))
        );
        assert!(
            p.to_cfn_parameters()
                .iter()
                .all(|(n, _)| !n.contains("Idle"))
        );
        p.set(Field::IdleTimeout, " 30 ");
        assert_eq!(p.value(Field::IdleTimeout), "30");
        let errors = p.field_errors(1);
        assert!(
            errors[&Field::IdleTimeout].contains("60 to 525600"),
            "{errors:?}"
        );
        p.set(Field::IdleTimeout, "off");
        assert!(p.field_errors(1).is_empty());
        // Answers saved before the setting existed get the default.
        let old: Parameters =
            serde_json::from_str(r#"{"project_name":"demo-one"}"#).expect("parse");
        assert_eq!(old.idle_timeout, "60");
    }

    #[test]
    fn defaults_validate_clean() {
        let f = Parameters::default().validate(10);
        assert_eq!(
            f.iter().map(|f| f.code).collect::<Vec<_>>(),
            [FindingCode::CidrStudioCapacity]
        );
        assert!(Parameters::default().field_errors(10).is_empty());
    }

    #[test]
    fn serde_uses_snake_case_and_refuses_unknown_keys() {
        let json = serde_json::to_value(Parameters::default()).expect("json");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        for f in Field::ALL.iter().filter(|f| **f != Field::AvailabilityZone) {
            assert!(keys.contains(&f.key()), "{}", f.key());
        }
        let partial: Parameters =
            serde_json::from_str(r#"{"project_name":"demo-one","availability_zone":"eu-west-1b"}"#)
                .expect("parse");
        assert_eq!(partial.vpc_cidr, "10.2.0.0/16");
        assert_eq!(partial.availability_zone.as_deref(), Some("eu-west-1b"));
        let typo = serde_json::from_str::<Parameters>(r#"{"vpc_cdir":"10.9.0.0/16"}"#);
        assert!(
            typo.expect_err("unknown key")
                .to_string()
                .contains("vpc_cdir")
        );
    }

    #[test]
    fn set_and_value_round_trip() {
        let mut p = Parameters::default();
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
        let mut p = Parameters::default();
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
        let mut p = Parameters::default();
        p.set(Field::StudioSubnetCidr, "10.3.3.0/24");
        let e = p.field_errors(0);
        assert!(
            e[&Field::StudioSubnetCidr]
                .starts_with("the Studio subnet 10.3.3.0/24 is not inside the VPC")
        );
        let mut p = Parameters::default();
        p.set(Field::StudioSubnetCidr, "10.2.3.0/28");
        assert!(
            p.field_errors(0)[&Field::StudioSubnetCidr]
                .starts_with("the Studio subnet 10.2.3.0/28 has 11 usable")
        );
        let f = Parameters::default().validate(100);
        assert_eq!(f[0].code, FindingCode::CidrStudioSubnetTight);
    }

    #[test]
    fn findings_are_sorted_errors_first() {
        let mut p = Parameters::default();
        p.set(Field::AllowedDomains, ".pypi.org, BAD");
        let f = p.validate(1);
        let sev: Vec<Severity> = f.iter().map(|f| f.severity).collect();
        let mut sorted = sev.clone();
        sorted.sort();
        assert_eq!(sev, sorted);
        assert_eq!(f[0].code, FindingCode::DomainUppercase);
    }

    // ---- project name ----

    #[test]
    fn project_name_accepts_good_names() {
        for ok in [
            "sagemaker-studio-vpc",
            "abc",
            "a1b",
            "my--project",
            &"a".repeat(50),
        ] {
            assert_eq!(validate_project_name(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn project_name_empty_short_long() {
        assert_eq!(
            err(validate_project_name("")).code,
            FindingCode::ProjectNameEmpty
        );
        let e = err(validate_project_name("ab"));
        assert_eq!(
            e.to_string(),
            "`ab` is 2 characters; the project name needs at least 3; use a longer, more distinctive name: bucket names are shared by every AWS account"
        );
        let long = "a".repeat(57);
        let e = err(validate_project_name(&long));
        assert_eq!(e.code, FindingCode::ProjectNameTooLong);
        assert!(e.message.ends_with(
            "at most 50 fit, because the IAM role `<name>-notebook-role` is limited to 64"
        ));
        assert_eq!(e.fix, "shorten it by 7 characters");
        assert_eq!(e.position, Some(50));
    }

    #[test]
    fn project_name_bad_characters_name_the_position() {
        let e = err(validate_project_name("MyProject"));
        assert_eq!(e.code, FindingCode::ProjectNameUppercase);
        assert_eq!(
            e.to_string(),
            "`MyProject` has an uppercase `M` at position 1; S3 bucket names must be lowercase; use `myproject`"
        );
        assert_eq!(e.position, Some(0));
        let e = err(validate_project_name("my_project"));
        assert_eq!(
            e.to_string(),
            "`my_project` has `_` at position 3; only lowercase letters, digits and hyphens are allowed; use a hyphen instead, e.g. `my-project`"
        );
        let e = err(validate_project_name("my project"));
        assert!(e.message.contains("has a space at position 3"));
        let e = err(validate_project_name("proj€ct"));
        assert_eq!(e.position, Some(4));
        assert_eq!(e.fix, "remove it");
        let e = err(validate_project_name("my.project"));
        assert_eq!(e.code, FindingCode::ProjectNameBadChar);
    }

    #[test]
    fn project_name_start_end_and_reserved() {
        let e = err(validate_project_name("1project"));
        assert_eq!(
            e.to_string(),
            "`1project` starts with `1`; CloudFormation stack names must start with a letter; start it with a letter, e.g. `studio-1project`"
        );
        assert_eq!(
            err(validate_project_name("-proj")).code,
            FindingCode::ProjectNameBadStart
        );
        let e = err(validate_project_name("project-"));
        assert_eq!(e.code, FindingCode::ProjectNameBadEnd);
        assert_eq!(e.fix, "use `project`");
        for reserved in ["xn--project", "sthree-data", "amzn-s3-demo-x"] {
            let e = err(validate_project_name(reserved));
            assert_eq!(e.code, FindingCode::ProjectNameReservedPrefix, "{reserved}");
        }
    }

    // ---- user profile ----

    #[test]
    fn user_profile_names() {
        for ok in ["alice", "Data-Scientist-1", "a", "a--b", &"x".repeat(63)] {
            assert_eq!(validate_user_profile_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            err(validate_user_profile_name("")).code,
            FindingCode::ProfileNameEmpty
        );
        let e = err(validate_user_profile_name("alice.smith"));
        assert_eq!(
            e.to_string(),
            "`alice.smith` has `.` at position 6; user profile names allow only letters, digits and hyphens; use a hyphen instead, e.g. `alice-smith`"
        );
        assert_eq!(
            err(validate_user_profile_name("-alice")).code,
            FindingCode::ProfileNameBadStart
        );
        assert_eq!(
            err(validate_user_profile_name("alice-")).code,
            FindingCode::ProfileNameBadEnd
        );
        let e = err(validate_user_profile_name(&"x".repeat(64)));
        assert_eq!(e.code, FindingCode::ProfileNameTooLong);
        assert_eq!(e.fix, "shorten it by 1 characters");
    }

    // ---- domains ----

    #[test]
    fn domains_accept_hosts_and_dot_prefixed_domains() {
        for ok in [
            ".amazonaws.com",
            "pypi.org",
            ".pythonhosted.org",
            "files.pythonhosted.org",
            "xn--bcher-kva.example",
            "a-b.c0m",
        ] {
            assert_eq!(validate_domain(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn domain_scheme_path_port_wildcard() {
        let e = err(validate_domain("https://github.com/org/repo"));
        assert_eq!(e.code, FindingCode::DomainHasScheme);
        assert_eq!(
            e.to_string(),
            "`https://github.com/org/repo` is a URL; the firewall matches host names, not URLs; write just the host, `github.com` (a leading dot, as in .example.com, also matches every subdomain)"
        );
        let e = err(validate_domain("github.com/org"));
        assert_eq!(e.code, FindingCode::DomainHasPath);
        assert!(e.message.contains("position 11"));
        assert_eq!(e.fix, "write just the host, `github.com`");
        let e = err(validate_domain("*.github.com"));
        assert_eq!(e.code, FindingCode::DomainHasWildcard);
        assert_eq!(
            e.fix,
            "write `.github.com`: a leading dot already matches github.com and every subdomain"
        );
        assert_eq!(
            err(validate_domain("git*.com")).code,
            FindingCode::DomainHasWildcard
        );
        let e = err(validate_domain("pypi.org:443"));
        assert_eq!(e.code, FindingCode::DomainHasPort);
        assert_eq!(e.fix, "write just the host, `pypi.org`");
    }

    #[test]
    fn domain_characters_and_labels() {
        let e = err(validate_domain("PyPI.org"));
        assert_eq!(e.code, FindingCode::DomainUppercase);
        assert_eq!(e.fix, "use `pypi.org`");
        let e = err(validate_domain("py_pi.org"));
        assert_eq!(e.code, FindingCode::DomainBadChar);
        assert!(e.message.contains("`_` at position 3"));
        assert_eq!(
            err(validate_domain("a.com b.com")).fix,
            "put one domain per entry"
        );
        assert_eq!(err(validate_domain("")).code, FindingCode::DomainEmpty);
        assert_eq!(
            err(validate_domain("pypi.org.")).code,
            FindingCode::DomainTrailingDot
        );
        let e = err(validate_domain("..pypi.org"));
        assert_eq!(e.code, FindingCode::DomainEmptyLabel);
        assert!(e.message.ends_with("position 2"));
        assert_eq!(
            err(validate_domain("a..b")).code,
            FindingCode::DomainEmptyLabel
        );
        assert_eq!(
            err(validate_domain("-a.com")).code,
            FindingCode::DomainLabelHyphen
        );
        assert_eq!(
            err(validate_domain(&format!("{}.com", "a".repeat(64)))).code,
            FindingCode::DomainLabelTooLong
        );
        let long = format!("{}com", "abcdefghi.".repeat(26));
        assert_eq!(err(validate_domain(&long)).code, FindingCode::DomainTooLong);
        assert_eq!(
            err(validate_domain("10.0.0.1")).code,
            FindingCode::DomainIpAddress
        );
        let e = err(validate_domain(".com"));
        assert_eq!(e.code, FindingCode::DomainSingleLabel);
        assert_eq!(
            err(validate_domain("localhost")).code,
            FindingCode::DomainSingleLabel
        );
        assert_eq!(
            err(validate_domain(".")).code,
            FindingCode::DomainEmptyLabel
        );
    }

    #[test]
    fn domain_matching_follows_network_firewall() {
        assert!(domain_matches(".example.com", "example.com"));
        assert!(domain_matches(".example.com", "a.b.example.com"));
        assert!(!domain_matches(".example.com", "badexample.com"));
        assert!(domain_matches("example.com", "example.com"));
        assert!(!domain_matches("example.com", "www.example.com"));
    }

    #[test]
    fn domain_list_findings() {
        let mut p = Parameters::default();
        p.allowed_domains.clear();
        assert!(
            p.validate(1)
                .iter()
                .any(|f| f.code == FindingCode::DomainListEmpty && f.is_error())
        );
        p.allowed_domains = vec![
            ".pypi.org".into(),
            ".pypi.org".into(),
            "www.pypi.org".into(),
        ];
        let codes: Vec<_> = p.validate(1).iter().map(|f| f.code).collect();
        assert!(codes.contains(&FindingCode::DomainDuplicate));
        assert!(codes.contains(&FindingCode::DomainRedundant));
        assert!(codes.contains(&FindingCode::DomainAmazonawsMissing));
        p.allowed_domains = vec!["iam.amazonaws.com".into()];
        assert!(
            !p.validate(1)
                .iter()
                .any(|f| f.code == FindingCode::DomainAmazonawsMissing)
        );
        assert_eq!(
            parse_domain_list(" a.com,,b.com  c.com\n"),
            ["a.com", "b.com", "c.com"]
        );
    }

    // ---- availability zone ----

    #[test]
    fn availability_zones() {
        for ok in [
            "",
            "us-east-1a",
            "eu-central-2b",
            "us-west-2-lax-1a",
            "ap-southeast-3c",
        ] {
            assert_eq!(validate_availability_zone(ok), Ok(()), "{ok}");
        }
        let e = err(validate_availability_zone("use1-az1"));
        assert_eq!(e.code, FindingCode::AzIsId);
        assert!(e.fix.starts_with("give the zone name, like us-east-1a"));
        assert_eq!(
            err(validate_availability_zone("US-EAST-1A")).fix,
            "use `us-east-1a`"
        );
        for bad in ["us-east-1", "useast1a", "us east-1a", "a"] {
            assert_eq!(
                err(validate_availability_zone(bad)).code,
                FindingCode::AzNotAZone,
                "{bad}"
            );
        }
    }
}
