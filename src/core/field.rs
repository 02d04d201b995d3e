//! The user-editable parameters by name: what a form row, a finding and a config key call each
//! one. Most are the template's parameters; the Studio guardrails (idle shutdown) are settings of
//! the Studio domain, which studio-tui creates and updates through the SageMaker API, so they
//! have no template name. The allowed instance types are both: a template parameter (the IAM
//! Deny on the execution role) and a domain setting (the types hidden in the Studio UI).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The template's parameter names, in [`Field::TEMPLATE`] order. The tool sends
/// exactly these, so a test can check each exists in the template (upstream
/// once sent a misspelt name and the default was silently used).
pub const PARAMETER_NAMES: [&str; 9] = [
    "ProjectName",
    "VpcCIDR",
    "FirewallSubnetCIDR",
    "NATGatewaySubnetCIDR",
    "SageMakerStudioSubnetCIDR",
    "AllowedDomains",
    "AllowedBuckets",
    "AvailabilityZone",
    "AllowedInstanceTypes",
];

/// One user-editable parameter: lets a form put each error under its field
/// and lets messages name the field the same way everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// `ProjectName`.
    ProjectName,
    /// `VpcCIDR`.
    VpcCidr,
    /// `FirewallSubnetCIDR`.
    FirewallSubnetCidr,
    /// `NATGatewaySubnetCIDR`.
    NatSubnetCidr,
    /// `SageMakerStudioSubnetCIDR`.
    StudioSubnetCidr,
    /// `AllowedDomains`.
    AllowedDomains,
    /// `AllowedBuckets`.
    AllowedBuckets,
    /// `AvailabilityZone`.
    AvailabilityZone,
    /// `AllowedInstanceTypes`: the IAM Deny on the execution role, and the domain's
    /// `StudioWebPortalSettings.HiddenInstanceTypes` (every other type).
    InstanceTypes,
    /// Idle shutdown of JupyterLab and Code Editor apps: a setting of the Studio domain
    /// (`AppLifecycleManagement.IdleSettings`), not a template parameter.
    IdleTimeout,
}

impl Field {
    /// Every field, in form order: the template's parameters, then the domain's settings.
    pub const ALL: [Field; 10] = [
        Field::ProjectName,
        Field::VpcCidr,
        Field::FirewallSubnetCidr,
        Field::NatSubnetCidr,
        Field::StudioSubnetCidr,
        Field::AllowedDomains,
        Field::AllowedBuckets,
        Field::AvailabilityZone,
        Field::InstanceTypes,
        Field::IdleTimeout,
    ];

    /// The fields sent as template parameters, in template order.
    pub const TEMPLATE: [Field; 9] = [
        Field::ProjectName,
        Field::VpcCidr,
        Field::FirewallSubnetCidr,
        Field::NatSubnetCidr,
        Field::StudioSubnetCidr,
        Field::AllowedDomains,
        Field::AllowedBuckets,
        Field::AvailabilityZone,
        Field::InstanceTypes,
    ];

    /// Short label for a form row or a table header.
    pub fn label(self) -> &'static str {
        match self {
            Self::ProjectName => "Project name",
            Self::VpcCidr => "VPC CIDR",
            Self::FirewallSubnetCidr => "Firewall subnet",
            Self::NatSubnetCidr => "NAT gateway subnet",
            Self::StudioSubnetCidr => "Studio subnet",
            Self::AllowedDomains => "Allowed domains",
            Self::AllowedBuckets => "Allowed buckets",
            Self::AvailabilityZone => "Availability zone",
            Self::InstanceTypes => "Instance types",
            Self::IdleTimeout => "Idle shutdown (min)",
        }
    }

    /// The field named inside a sentence ("the firewall subnet ...").
    pub fn noun(self) -> &'static str {
        match self {
            Self::ProjectName => "project name",
            Self::VpcCidr => "VPC",
            Self::FirewallSubnetCidr => "firewall subnet",
            Self::NatSubnetCidr => "NAT gateway subnet",
            Self::StudioSubnetCidr => "Studio subnet",
            Self::AllowedDomains => "allowed domains",
            Self::AllowedBuckets => "allowed buckets",
            Self::AvailabilityZone => "availability zone",
            Self::InstanceTypes => "allowed instance types",
            Self::IdleTimeout => "idle shutdown",
        }
    }

    /// The CloudFormation parameter this field is sent as; None for a setting of the Studio
    /// domain.
    pub fn cfn_name(self) -> Option<&'static str> {
        PARAMETER_NAMES.get(self as usize).copied()
    }

    /// The key in the config file (same as the serde key of [`ParamsDraft`]).
    pub fn key(self) -> &'static str {
        match self {
            Self::ProjectName => "project_name",
            Self::VpcCidr => "vpc_cidr",
            Self::FirewallSubnetCidr => "firewall_subnet_cidr",
            Self::NatSubnetCidr => "nat_subnet_cidr",
            Self::StudioSubnetCidr => "studio_subnet_cidr",
            Self::AllowedDomains => "allowed_domains",
            Self::AllowedBuckets => "allowed_buckets",
            Self::AvailabilityZone => "availability_zone",
            Self::InstanceTypes => "instance_types",
            Self::IdleTimeout => "idle_timeout",
        }
    }

    /// This field's value among a stack's parameters (by its template name); None for a
    /// setting of the domain or a parameter the stack does not have.
    pub fn in_stack(self, parameters: &BTreeMap<String, String>) -> Option<&String> {
        parameters.get(self.cfn_name()?)
    }

    /// The field sent as CloudFormation parameter `name`, if any.
    pub fn from_cfn_name(name: &str) -> Option<Self> {
        Self::TEMPLATE
            .into_iter()
            .find(|f| f.cfn_name() == Some(name))
    }

    /// One or two sentences of help for the form and `--help`-style output.
    pub fn help(self) -> &'static str {
        match self {
            Self::ProjectName => {
                "Prefix of every resource name: buckets <name>-data and <name>-models, role \
                 <name>-notebook-role, KMS alias, stack and Studio domain. 3-50 lowercase letters, \
                 digits and hyphens, starting with a letter. Bucket names are global, so pick one \
                 unique to you."
            }
            Self::VpcCidr => {
                "Address block of the new VPC, /16 to /28. Pick a private range (10/8, 172.16/12, \
                 192.168/16) that overlaps no network you may peer or route to."
            }
            Self::FirewallSubnetCidr => {
                "Subnet inside the VPC for the Network Firewall endpoint. A /28 is enough."
            }
            Self::NatSubnetCidr => {
                "Subnet inside the VPC for the NAT gateway; its traffic to and from the internet \
                 goes through the firewall. A /28 is enough."
            }
            Self::StudioSubnetCidr => {
                "Private subnet inside the VPC for Studio apps and the interface endpoints: plan \
                 2-4 addresses per user plus one per endpoint; AWS keeps 5 addresses per subnet."
            }
            Self::AllowedDomains => {
                "Domains notebooks may reach through the firewall (TLS SNI and HTTP Host). \
                 .example.com matches example.com and all its subdomains; example.com matches only \
                 that host. Everything else leaving the VPC (other names, other protocols, UDP, \
                 ICMP) is dropped and logged. Keep iam.amazonaws.com: IAM has no VPC endpoint. \
                 Avoid .amazonaws.com: it admits S3 in every other region, around the bucket fence."
            }
            Self::AllowedBuckets => {
                "Other S3 buckets of this region notebooks may read and write through the S3 \
                 endpoint (its policy and the Studio role admit each one); empty: only the \
                 project's buckets. Each bucket listed is a place a notebook can copy the fenced \
                 data to, so list only buckets you control. The SageMaker Python SDK puts jobs' \
                 data in sagemaker-<region>-<account> by default; the bucket must \
                 exist already, and one encrypted with your own KMS key needs that key granted to \
                 the role."
            }
            Self::AvailabilityZone => {
                "Zone for all three subnets, e.g. us-east-1a; Network Firewall and SageMaker must \
                 both be offered there. Leave empty to let the template choose."
            }
            Self::InstanceTypes => {
                "ml.* instance types Studio apps may run on, comma-separated; empty: all. The \
                 others are hidden in the Studio UI (a user profile's own setting takes priority: \
                 it only hides) and refused by IAM: the execution role may not start an app on \
                 another type nor make one a space's default (Studio's own system apps stay \
                 allowed)."
            }
            Self::IdleTimeout => {
                "Minutes an idle JupyterLab or Code Editor app runs before SageMaker stops it \
                 (60-525600), or off. Idle: JupyterLab with no kernel or terminal session; Code \
                 Editor with no edit, open file, terminal, background work or unsaved change. \
                 Honoured by SageMaker Distribution 2.0+ images only."
            }
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_line_up_with_the_template() {
        assert_eq!(
            Field::TEMPLATE.map(Field::cfn_name),
            PARAMETER_NAMES.map(Some)
        );
        for f in Field::TEMPLATE {
            assert_eq!(f.cfn_name().and_then(Field::from_cfn_name), Some(f));
        }
        for f in Field::ALL {
            assert!(!f.help().is_empty() && !f.label().is_empty());
        }
        assert_eq!(Field::IdleTimeout.cfn_name(), None);
        assert_eq!(Field::ALL[..Field::TEMPLATE.len()], Field::TEMPLATE);
        assert_eq!(Field::from_cfn_name("VpcCidr"), None);
    }
}
