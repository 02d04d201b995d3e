//! Read-only look-ups of names that must be free before a deploy: S3 bucket names (global),
//! CloudFormation export names and SageMaker domains (per account and region).

use super::{AwsError, Session};

/// Who holds an S3 bucket name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BucketStatus {
    /// HeadBucket 404: nobody has it.
    Free,
    /// HeadBucket 200: it exists and these credentials can reach it (so it is in this account,
    /// or shared with it).
    Yours { region: Option<String> },
    /// HeadBucket 403: it exists but these credentials may not list it: another account's
    /// bucket, or one of this account's whose policy denies them (the project's own buckets
    /// deny `s3:ListBucket` outside the VPC). Only the stack's resources tell which.
    Forbidden,
    /// HeadBucket 301: it exists in another region (yours or not).
    OtherRegion { region: Option<String> },
}

/// One CloudFormation export.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportInfo {
    pub name: String,
    pub exporting_stack_id: String,
}

impl Session {
    /// HeadBucket: who holds this bucket name.
    pub async fn bucket_status(&self, bucket: &str) -> Result<BucketStatus, AwsError> {
        match self.s3().head_bucket().bucket(bucket).send().await {
            Ok(out) => Ok(BucketStatus::Yours {
                region: out.bucket_region().map(str::to_string),
            }),
            Err(e) => {
                let raw = e.raw_response();
                let status = raw.map(|r| r.status().as_u16());
                let region = raw
                    .and_then(|r| r.headers().get("x-amz-bucket-region"))
                    .map(str::to_string);
                match status {
                    Some(404) => Ok(BucketStatus::Free),
                    Some(403) => Ok(BucketStatus::Forbidden),
                    Some(301) => Ok(BucketStatus::OtherRegion { region }),
                    _ => Err(AwsError::from_sdk("s3:HeadBucket", e, &self.error_context)),
                }
            }
        }
    }

    /// Every CloudFormation export in this region (ListExports, paginated).
    pub async fn list_exports(&self) -> Result<Vec<ExportInfo>, AwsError> {
        let exports = self
            .cloudformation()
            .list_exports()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| {
                AwsError::from_sdk("cloudformation:ListExports", e, &self.error_context)
            })?;
        Ok(exports
            .iter()
            .map(|x| ExportInfo {
                name: x.name().unwrap_or_default().to_string(),
                exporting_stack_id: x.exporting_stack_id().unwrap_or_default().to_string(),
            })
            .collect())
    }
}
