//! The template's user-editable parameters by name: what a form row, a finding and a config
//! key call each one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The template's parameter names, in [`Field::ALL`] order. The tool sends
/// exactly these, so a test can check each exists in the template (upstream
/// once sent a misspelt name and the default was silently used).
pub const PARAMETER_NAMES: [&str; 8] = [
    "ProjectName",
    "VpcCIDR",
    "FirewallSubnetCIDR",
    "NATGatewaySubnetCIDR",
    "SageMakerStudioSubnetCIDR",
    "AllowedDomains",
    "AllowedBuckets",
    "AvailabilityZone",
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
}

impl Field {
    /// Every field, in form and template order.
    pub const ALL: [Field; 8] = [
        Field::ProjectName,
        Field::VpcCidr,
        Field::FirewallSubnetCidr,
        Field::NatSubnetCidr,
        Field::StudioSubnetCidr,
        Field::AllowedDomains,
        Field::AllowedBuckets,
        Field::AvailabilityZone,
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
        }
    }

    /// The CloudFormation parameter this field is sent as.
    pub fn cfn_name(self) -> &'static str {
        PARAMETER_NAMES[self as usize]
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
        }
    }

    /// The field sent as CloudFormation parameter `name`, if any.
    pub fn from_cfn_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.cfn_name() == name)
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
        assert_eq!(Field::ALL.map(Field::cfn_name), PARAMETER_NAMES);
        for f in Field::ALL {
            assert_eq!(Field::from_cfn_name(f.cfn_name()), Some(f));
            assert!(!f.help().is_empty() && !f.label().is_empty());
        }
        assert_eq!(Field::from_cfn_name("VpcCidr"), None);
    }
}
