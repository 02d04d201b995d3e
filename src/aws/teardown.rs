//! What a teardown needs beyond stacks and Studio: what SageMaker leaves in the VPC (the NFS
//! security groups of a VpcOnly domain and its EFS mount-target interfaces), bucket policies
//! (the fence), KMS key states, a stack update that only changes deletion policies, and whether
//! a VPC is gone.

use aws_sdk_ec2::types::{Filter, IpPermission};

use super::{AwsError, ErrorKind, Session};

/// The prefixes of the two security groups a VpcOnly domain creates in its VPC, followed by the
/// domain id (`security-group-for-inbound-nfs-d-xxxxxxxxxxxx`).
pub const NFS_GROUP_PREFIXES: [&str; 2] = [
    "security-group-for-inbound-nfs-",
    "security-group-for-outbound-nfs-",
];

/// The domain id a SageMaker NFS group's name carries, if it is one.
pub fn nfs_group_domain_id(name: &str) -> Option<&str> {
    NFS_GROUP_PREFIXES
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .filter(|id| id.starts_with("d-") && id.len() > 2)
}

/// A security group with its rules, as DescribeSecurityGroups gives them (so they can be
/// revoked exactly as they are).
#[derive(Debug, Clone)]
pub struct GroupWithRules {
    pub id: String,
    pub name: String,
    ingress: Vec<IpPermission>,
    egress: Vec<IpPermission>,
}

impl GroupWithRules {
    pub fn rule_count(&self) -> usize {
        self.ingress.len() + self.egress.len()
    }
}

/// A network interface that still uses one of the groups.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InterfaceInfo {
    pub id: String,
    pub status: String,
    pub description: String,
}

/// A KMS key's state (DescribeKey).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyInfo {
    pub key_id: String,
    pub arn: String,
    /// e.g. "Enabled", "Disabled", "PendingDeletion"
    pub state: String,
    /// RFC 3339, set while PendingDeletion.
    pub deletion_date: Option<String>,
}

impl Session {
    /// The security groups of `vpc_id` whose names are SageMaker NFS groups, with their rules.
    pub async fn nfs_groups(&self, vpc_id: &str) -> Result<Vec<GroupWithRules>, AwsError> {
        let mut out = Vec::new();
        let mut pages = self
            .ec2()
            .describe_security_groups()
            .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.sdk_err("ec2:DescribeSecurityGroups", e))?;
            for g in page.security_groups() {
                let name = g.group_name().unwrap_or_default();
                if nfs_group_domain_id(name).is_none() {
                    continue;
                }
                out.push(GroupWithRules {
                    id: g.group_id().unwrap_or_default().to_string(),
                    name: name.to_string(),
                    ingress: g.ip_permissions().to_vec(),
                    egress: g.ip_permissions_egress().to_vec(),
                });
            }
        }
        Ok(out)
    }

    /// Revoke every ingress and egress rule of the group (the two NFS groups reference each
    /// other, so neither can be deleted while the other's rules name it).
    pub async fn revoke_all_rules(&self, group: &GroupWithRules) -> Result<(), AwsError> {
        let ec2 = self.ec2();
        if !group.ingress.is_empty() {
            ec2.revoke_security_group_ingress()
                .group_id(&group.id)
                .set_ip_permissions(Some(group.ingress.clone()))
                .send()
                .await
                .map_err(|e| self.sdk_err("ec2:RevokeSecurityGroupIngress", e))?;
        }
        if !group.egress.is_empty() {
            ec2.revoke_security_group_egress()
                .group_id(&group.id)
                .set_ip_permissions(Some(group.egress.clone()))
                .send()
                .await
                .map_err(|e| self.sdk_err("ec2:RevokeSecurityGroupEgress", e))?;
        }
        Ok(())
    }

    /// DeleteSecurityGroup; a group already gone counts as deleted.
    pub async fn delete_security_group(&self, group_id: &str) -> Result<(), AwsError> {
        match self
            .ec2()
            .delete_security_group()
            .group_id(group_id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let err = self.sdk_err("ec2:DeleteSecurityGroup", e);
                if err.code.as_deref() == Some("InvalidGroup.NotFound") {
                    Ok(())
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Network interfaces that use any of the groups (EFS mount targets, Studio apps).
    pub async fn interfaces_using(
        &self,
        group_ids: &[String],
    ) -> Result<Vec<InterfaceInfo>, AwsError> {
        if group_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut pages = self
            .ec2()
            .describe_network_interfaces()
            .filters(
                Filter::builder()
                    .name("group-id")
                    .set_values(Some(group_ids.to_vec()))
                    .build(),
            )
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.sdk_err("ec2:DescribeNetworkInterfaces", e))?;
            for n in page.network_interfaces() {
                out.push(InterfaceInfo {
                    id: n.network_interface_id().unwrap_or_default().to_string(),
                    status: n
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    description: n.description().unwrap_or_default().to_string(),
                });
            }
        }
        Ok(out)
    }

    /// Does the VPC still exist?
    pub async fn vpc_exists(&self, vpc_id: &str) -> Result<bool, AwsError> {
        match self.ec2().describe_vpcs().vpc_ids(vpc_id).send().await {
            Ok(out) => Ok(!out.vpcs().is_empty()),
            Err(e) => {
                let err = self.sdk_err("ec2:DescribeVpcs", e);
                if err.code.as_deref() == Some("InvalidVpcID.NotFound") {
                    Ok(false)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// DescribeKey, or None when the key does not exist.
    pub async fn describe_key(&self, key_id: &str) -> Result<Option<KeyInfo>, AwsError> {
        match self.kms().describe_key().key_id(key_id).send().await {
            Ok(out) => Ok(out.key_metadata().map(|m| KeyInfo {
                key_id: m.key_id().to_string(),
                arn: m.arn().unwrap_or_default().to_string(),
                state: m
                    .key_state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                deletion_date: m
                    .deletion_date()
                    .and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
            })),
            Err(e) => {
                let err = self.sdk_err("kms:DescribeKey", e);
                if err.code.as_deref() == Some("NotFoundException") {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Undo a scheduled key deletion: CancelKeyDeletion leaves the key Disabled, so enable it.
    pub async fn restore_key(&self, key_id: &str) -> Result<(), AwsError> {
        let kms = self.kms();
        kms.cancel_key_deletion()
            .key_id(key_id)
            .send()
            .await
            .map_err(|e| self.sdk_err("kms:CancelKeyDeletion", e))?;
        kms.enable_key()
            .key_id(key_id)
            .send()
            .await
            .map_err(|e| self.sdk_err("kms:EnableKey", e))?;
        Ok(())
    }

    /// The alias names that point at the key now (ListAliases filtered by KeyId); none for a
    /// key that does not exist.
    pub async fn key_aliases(&self, key_id: &str) -> Result<Vec<String>, AwsError> {
        let mut pages = self
            .kms()
            .list_aliases()
            .key_id(key_id)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            match page {
                Ok(p) => out.extend(
                    p.aliases()
                        .iter()
                        .filter_map(|a| a.alias_name().map(str::to_string)),
                ),
                Err(e) => {
                    let err = self.sdk_err("kms:ListAliases", e);
                    if err.code.as_deref() == Some("NotFoundException") {
                        return Ok(Vec::new());
                    }
                    return Err(err);
                }
            }
        }
        Ok(out)
    }

    /// CreateAlias (after a restored key lost the alias the stack deleted).
    pub async fn create_key_alias(&self, alias: &str, key_id: &str) -> Result<(), AwsError> {
        self.kms()
            .create_alias()
            .alias_name(alias)
            .target_key_id(key_id)
            .send()
            .await
            .map_err(|e| self.sdk_err("kms:CreateAlias", e))?;
        Ok(())
    }

    /// The bucket's policy: `Ok(None)` when it has none. Bucket administration is not covered by
    /// the project's fence (it denies data access only), so this works from anywhere.
    /// A missing bucket is `NotFound`.
    pub async fn bucket_policy(&self, bucket: &str) -> Result<Option<String>, AwsError> {
        match self.s3().get_bucket_policy().bucket(bucket).send().await {
            Ok(out) => Ok(out.policy().map(str::to_string)),
            Err(e) => {
                let mut err = self.sdk_err("s3:GetBucketPolicy", e);
                match err.code.as_deref() {
                    Some("NoSuchBucketPolicy") => Ok(None),
                    Some("NoSuchBucket") => {
                        err.kind = ErrorKind::NotFound;
                        Err(err)
                    }
                    _ => Err(err),
                }
            }
        }
    }

    pub async fn put_bucket_policy(&self, bucket: &str, policy: &str) -> Result<(), AwsError> {
        self.s3()
            .put_bucket_policy()
            .bucket(bucket)
            .policy(policy)
            .send()
            .await
            .map_err(|e| self.sdk_err("s3:PutBucketPolicy", e))?;
        Ok(())
    }

    /// UpdateStack with a new template body and every parameter's previous value (used to
    /// change deletion policies only). Returns false when CloudFormation says there is nothing
    /// to update.
    pub async fn update_stack_template(
        &self,
        stack: &str,
        body: &str,
        parameter_keys: &[String],
        token: &str,
    ) -> Result<bool, AwsError> {
        use aws_sdk_cloudformation::types::Capability;
        let req = self
            .cloudformation()
            .update_stack()
            .stack_name(stack)
            .template_body(body)
            .capabilities(Capability::CapabilityIam)
            .capabilities(Capability::CapabilityNamedIam)
            .client_request_token(token)
            .set_parameters(Some(super::stacks::previous_values(parameter_keys)));
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e) => {
                let err = self.sdk_err("cloudformation:UpdateStack", e);
                if err.message.contains("No updates are to be performed") {
                    Ok(false)
                } else {
                    Err(err)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfs_group_names_carry_the_domain_id() {
        assert_eq!(
            nfs_group_domain_id("security-group-for-inbound-nfs-d-abc123"),
            Some("d-abc123")
        );
        assert_eq!(
            nfs_group_domain_id("security-group-for-outbound-nfs-d-xyz"),
            Some("d-xyz")
        );
        assert_eq!(nfs_group_domain_id("security-group-for-inbound-nfs-"), None);
        assert_eq!(nfs_group_domain_id("default"), None);
        assert_eq!(nfs_group_domain_id("sagemaker-sg"), None);
    }
}
