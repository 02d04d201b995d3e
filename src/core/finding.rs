//! One result of a check, shared by CIDR planning, parameter validation, the template's own
//! constraints and preflight, so the form, the line output and `--json` report one shape.

use std::fmt;

use serde::Serialize;

use crate::core::field::Field;

/// How bad a [`Finding`] is. Ordered most severe first so sorting puts errors
/// at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The deploy would fail or the environment would not work.
    Error,
    /// It would deploy, but something is likely to bite later.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        })
    }
}

/// What a finding is about, as a stable code: scripts match on it in `--json` output, where it
/// is written as its text (`CIDR_SUBNETS_OVERLAP`), and the program matches on the variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingCode {
    AzDefault,
    AzIsId,
    AzLacksService,
    AzNoneAvailable,
    AzNotAZone,
    AzNotInRegion,
    AzOffersAll,
    AzUppercase,
    BucketAdmitted,
    BucketDuplicate,
    BucketExists,
    BucketNameAdjacentDots,
    BucketNameBadChar,
    BucketNameBadEdge,
    BucketNameIpAddress,
    BucketNameLength,
    BucketNameReserved,
    BucketNameUppercase,
    BucketOtherRegion,
    BucketTaken,
    CheckFailed,
    CidrBadPrefix,
    CidrCgnat,
    CidrConflictContains,
    CidrConflictExact,
    CidrConflictInside,
    CidrEmpty,
    CidrFreeRange,
    CidrHostBitsSet,
    CidrIpv6,
    CidrMissingPrefix,
    CidrNotACidr,
    CidrNotRfc1918,
    CidrNoFreeRange,
    CidrPrefixOutOfRange,
    CidrReservedRange,
    CidrStudioCapacity,
    CidrStudioSubnetTight,
    CidrStudioSubnetTooSmall,
    CidrSubnetsOverlap,
    CidrSubnetOutsideVpc,
    ConfigInvalid,
    CredentialsFailed,
    DomainAdmitsS3,
    DomainAmazonawsMissing,
    DomainBadChar,
    DomainDuplicate,
    DomainEmpty,
    DomainEmptyLabel,
    DomainExists,
    DomainHasPath,
    DomainHasPort,
    DomainHasScheme,
    DomainHasWildcard,
    DomainIpAddress,
    DomainLabelHyphen,
    DomainLabelTooLong,
    DomainListEmpty,
    DomainListTooLong,
    DomainRedundant,
    DomainSingleLabel,
    DomainTooLong,
    DomainTrailingDot,
    DomainUppercase,
    EndpointServiceMissing,
    ExportNameTaken,
    Identity,
    IdleTimeoutNotANumber,
    IdleTimeoutOutOfRange,
    InstanceTypeUnknown,
    InstanceTypesPolicyTooLarge,
    ProfileNameBadChar,
    ProfileNameBadEnd,
    ProfileNameBadStart,
    ProfileNameEmpty,
    ProfileNameTooLong,
    ProjectNameBadChar,
    ProjectNameBadEnd,
    ProjectNameBadStart,
    ProjectNameEmpty,
    ProjectNameReservedPrefix,
    ProjectNameTooLong,
    ProjectNameTooShort,
    ProjectNameUppercase,
    QuotaEips,
    QuotaInterfaceEndpoints,
    QuotaNatGateways,
    QuotaVpcs,
    RegionNotChecked,
    RegionNotListed,
    SessionFailed,
    StackExists,
    StackFailed,
    StackInProgress,
    StackRollbackComplete,
    StudioDomainElsewhere,
    StudioDomainTwin,
    TemplateConstraint,
    TemplateUnknownParameter,
    TgwSharedNotChecked,
}

impl FindingCode {
    /// The code as scripts see it, e.g. `CIDR_SUBNETS_OVERLAP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AzDefault => "AZ_DEFAULT",
            Self::AzIsId => "AZ_IS_ID",
            Self::AzLacksService => "AZ_LACKS_SERVICE",
            Self::AzNoneAvailable => "AZ_NONE_AVAILABLE",
            Self::AzNotAZone => "AZ_NOT_A_ZONE",
            Self::AzNotInRegion => "AZ_NOT_IN_REGION",
            Self::AzOffersAll => "AZ_OFFERS_ALL",
            Self::AzUppercase => "AZ_UPPERCASE",
            Self::BucketAdmitted => "BUCKET_ADMITTED",
            Self::BucketDuplicate => "BUCKET_DUPLICATE",
            Self::BucketExists => "BUCKET_EXISTS",
            Self::BucketNameAdjacentDots => "BUCKET_NAME_ADJACENT_DOTS",
            Self::BucketNameBadChar => "BUCKET_NAME_BAD_CHAR",
            Self::BucketNameBadEdge => "BUCKET_NAME_BAD_EDGE",
            Self::BucketNameIpAddress => "BUCKET_NAME_IP_ADDRESS",
            Self::BucketNameLength => "BUCKET_NAME_LENGTH",
            Self::BucketNameReserved => "BUCKET_NAME_RESERVED",
            Self::BucketNameUppercase => "BUCKET_NAME_UPPERCASE",
            Self::BucketOtherRegion => "BUCKET_OTHER_REGION",
            Self::BucketTaken => "BUCKET_TAKEN",
            Self::CheckFailed => "CHECK_FAILED",
            Self::CidrBadPrefix => "CIDR_BAD_PREFIX",
            Self::CidrCgnat => "CIDR_CGNAT",
            Self::CidrConflictContains => "CIDR_CONFLICT_CONTAINS",
            Self::CidrConflictExact => "CIDR_CONFLICT_EXACT",
            Self::CidrConflictInside => "CIDR_CONFLICT_INSIDE",
            Self::CidrEmpty => "CIDR_EMPTY",
            Self::CidrFreeRange => "CIDR_FREE_RANGE",
            Self::CidrHostBitsSet => "CIDR_HOST_BITS_SET",
            Self::CidrIpv6 => "CIDR_IPV6",
            Self::CidrMissingPrefix => "CIDR_MISSING_PREFIX",
            Self::CidrNotACidr => "CIDR_NOT_A_CIDR",
            Self::CidrNotRfc1918 => "CIDR_NOT_RFC1918",
            Self::CidrNoFreeRange => "CIDR_NO_FREE_RANGE",
            Self::CidrPrefixOutOfRange => "CIDR_PREFIX_OUT_OF_RANGE",
            Self::CidrReservedRange => "CIDR_RESERVED_RANGE",
            Self::CidrStudioCapacity => "CIDR_STUDIO_CAPACITY",
            Self::CidrStudioSubnetTight => "CIDR_STUDIO_SUBNET_TIGHT",
            Self::CidrStudioSubnetTooSmall => "CIDR_STUDIO_SUBNET_TOO_SMALL",
            Self::CidrSubnetsOverlap => "CIDR_SUBNETS_OVERLAP",
            Self::CidrSubnetOutsideVpc => "CIDR_SUBNET_OUTSIDE_VPC",
            Self::ConfigInvalid => "CONFIG_INVALID",
            Self::CredentialsFailed => "CREDENTIALS_FAILED",
            Self::DomainAdmitsS3 => "DOMAIN_ADMITS_S3",
            Self::DomainAmazonawsMissing => "DOMAIN_AMAZONAWS_MISSING",
            Self::DomainBadChar => "DOMAIN_BAD_CHAR",
            Self::DomainDuplicate => "DOMAIN_DUPLICATE",
            Self::DomainEmpty => "DOMAIN_EMPTY",
            Self::DomainEmptyLabel => "DOMAIN_EMPTY_LABEL",
            Self::DomainExists => "DOMAIN_EXISTS",
            Self::DomainHasPath => "DOMAIN_HAS_PATH",
            Self::DomainHasPort => "DOMAIN_HAS_PORT",
            Self::DomainHasScheme => "DOMAIN_HAS_SCHEME",
            Self::DomainHasWildcard => "DOMAIN_HAS_WILDCARD",
            Self::DomainIpAddress => "DOMAIN_IP_ADDRESS",
            Self::DomainLabelHyphen => "DOMAIN_LABEL_HYPHEN",
            Self::DomainLabelTooLong => "DOMAIN_LABEL_TOO_LONG",
            Self::DomainListEmpty => "DOMAIN_LIST_EMPTY",
            Self::DomainListTooLong => "DOMAIN_LIST_TOO_LONG",
            Self::DomainRedundant => "DOMAIN_REDUNDANT",
            Self::DomainSingleLabel => "DOMAIN_SINGLE_LABEL",
            Self::DomainTooLong => "DOMAIN_TOO_LONG",
            Self::DomainTrailingDot => "DOMAIN_TRAILING_DOT",
            Self::DomainUppercase => "DOMAIN_UPPERCASE",
            Self::EndpointServiceMissing => "ENDPOINT_SERVICE_MISSING",
            Self::ExportNameTaken => "EXPORT_NAME_TAKEN",
            Self::Identity => "IDENTITY",
            Self::IdleTimeoutNotANumber => "IDLE_TIMEOUT_NOT_A_NUMBER",
            Self::IdleTimeoutOutOfRange => "IDLE_TIMEOUT_OUT_OF_RANGE",
            Self::InstanceTypeUnknown => "INSTANCE_TYPE_UNKNOWN",
            Self::InstanceTypesPolicyTooLarge => "INSTANCE_TYPES_POLICY_TOO_LARGE",
            Self::ProfileNameBadChar => "PROFILE_NAME_BAD_CHAR",
            Self::ProfileNameBadEnd => "PROFILE_NAME_BAD_END",
            Self::ProfileNameBadStart => "PROFILE_NAME_BAD_START",
            Self::ProfileNameEmpty => "PROFILE_NAME_EMPTY",
            Self::ProfileNameTooLong => "PROFILE_NAME_TOO_LONG",
            Self::ProjectNameBadChar => "PROJECT_NAME_BAD_CHAR",
            Self::ProjectNameBadEnd => "PROJECT_NAME_BAD_END",
            Self::ProjectNameBadStart => "PROJECT_NAME_BAD_START",
            Self::ProjectNameEmpty => "PROJECT_NAME_EMPTY",
            Self::ProjectNameReservedPrefix => "PROJECT_NAME_RESERVED_PREFIX",
            Self::ProjectNameTooLong => "PROJECT_NAME_TOO_LONG",
            Self::ProjectNameTooShort => "PROJECT_NAME_TOO_SHORT",
            Self::ProjectNameUppercase => "PROJECT_NAME_UPPERCASE",
            Self::QuotaEips => "QUOTA_EIPS",
            Self::QuotaInterfaceEndpoints => "QUOTA_INTERFACE_ENDPOINTS",
            Self::QuotaNatGateways => "QUOTA_NAT_GATEWAYS",
            Self::QuotaVpcs => "QUOTA_VPCS",
            Self::RegionNotChecked => "REGION_NOT_CHECKED",
            Self::RegionNotListed => "REGION_NOT_LISTED",
            Self::SessionFailed => "SESSION_FAILED",
            Self::StackExists => "STACK_EXISTS",
            Self::StackFailed => "STACK_FAILED",
            Self::StackInProgress => "STACK_IN_PROGRESS",
            Self::StackRollbackComplete => "STACK_ROLLBACK_COMPLETE",
            Self::StudioDomainElsewhere => "STUDIO_DOMAIN_ELSEWHERE",
            Self::StudioDomainTwin => "STUDIO_DOMAIN_TWIN",
            Self::TemplateConstraint => "TEMPLATE_CONSTRAINT",
            Self::TemplateUnknownParameter => "TEMPLATE_UNKNOWN_PARAMETER",
            Self::TgwSharedNotChecked => "TGW_SHARED_NOT_CHECKED",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One result of a check: shared by CIDR planning and parameter validation so
/// preflight, the form and `--json` output all report the same shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// Stable code for scripts and tests, e.g. `CIDR_SUBNETS_OVERLAP`.
    pub code: FindingCode,
    /// What is wrong, one clause without a trailing period.
    pub message: String,
    /// How to fix it, one clause.
    pub fix: String,
    /// The parameter the finding belongs to, so a form can show it under
    /// that field; `None` for findings about the whole set.
    pub field: Option<Field>,
}

impl Finding {
    /// Builds a finding; `field` says which form field should show it.
    pub fn new(
        severity: Severity,
        code: FindingCode,
        message: impl Into<String>,
        fix: impl Into<String>,
        field: Option<Field>,
    ) -> Self {
        Self {
            severity,
            code,
            message: message.into(),
            fix: fix.into(),
            field,
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message, self.fix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_written_as_its_text() {
        let f = Finding::new(
            Severity::Error,
            FindingCode::CidrSubnetsOverlap,
            "the subnets overlap",
            "move one",
            Some(Field::NatSubnetCidr),
        );
        let v = serde_json::to_value(&f).expect("a finding serializes");
        assert_eq!(v["code"], "CIDR_SUBNETS_OVERLAP");
        assert_eq!(v["severity"], "error");
        assert_eq!(FindingCode::AzIsId.to_string(), "AZ_IS_ID");
        assert_eq!(FindingCode::CidrNotRfc1918.as_str(), "CIDR_NOT_RFC1918");
    }
}
