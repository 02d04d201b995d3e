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
    /// HeadBucket 301, or 400 with `x-amz-bucket-region`: it exists in another region (yours
    /// or not: the project's own bucket of a deploy in that region answers the same).
    OtherRegion { region: Option<String> },
}

/// What a failed HeadBucket says about the name, from its status and `x-amz-bucket-region`
/// header alone ("If the bucket doesn't exist or you don't have permission to access it, the
/// HEAD request returns a generic 400 Bad Request, 403 Forbidden, or 404 Not Found HTTP status
/// code. A message body isn't included", HeadBucket API reference; a bucket of another region
/// answers 301, or 400 to a request signed for the wrong region, both with the header). None:
/// the answer says nothing about the name (a 400 without the header, a 5xx…).
pub fn head_bucket_answer(status: Option<u16>, region: Option<&str>) -> Option<BucketStatus> {
    // A region name only (the header is text from AWS, printed in findings).
    let region = region
        .filter(|r| {
            !r.is_empty()
                && r.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_string);
    match (status, region) {
        (Some(404), _) => Some(BucketStatus::Free),
        (Some(403), _) => Some(BucketStatus::Forbidden),
        (Some(301), region) => Some(BucketStatus::OtherRegion { region }),
        (Some(400), Some(region)) => Some(BucketStatus::OtherRegion {
            region: Some(region),
        }),
        _ => None,
    }
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
                let region = raw.and_then(|r| r.headers().get("x-amz-bucket-region"));
                match head_bucket_answer(status, region) {
                    Some(answer) => Ok(answer),
                    None => Err(AwsError::from_sdk("s3:HeadBucket", e, &self.error_context)),
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

#[cfg(test)]
mod head_tests {
    use super::*;

    #[test]
    fn a_bucket_of_another_region_is_taken_there_whether_301_or_400() {
        let there = |r: &str| {
            Some(BucketStatus::OtherRegion {
                region: Some(r.to_string()),
            })
        };
        assert_eq!(
            head_bucket_answer(Some(400), Some("eu-west-1")),
            there("eu-west-1")
        );
        assert_eq!(
            head_bucket_answer(Some(301), Some("ap-south-1")),
            there("ap-south-1")
        );
        assert_eq!(
            head_bucket_answer(Some(301), None),
            Some(BucketStatus::OtherRegion { region: None })
        );
        assert_eq!(
            head_bucket_answer(Some(301), Some("")),
            Some(BucketStatus::OtherRegion { region: None })
        );
        assert_eq!(head_bucket_answer(Some(400), None), None);
        assert_eq!(head_bucket_answer(Some(400), Some("")), None);
        assert_eq!(
            head_bucket_answer(Some(400), Some("eu-west-1\u{1b}[2J")),
            None
        );
        assert_eq!(head_bucket_answer(Some(400), Some("EU-WEST-1")), None);
        assert_eq!(
            head_bucket_answer(Some(404), Some("eu-west-1")),
            Some(BucketStatus::Free)
        );
        assert_eq!(
            head_bucket_answer(Some(403), None),
            Some(BucketStatus::Forbidden)
        );
        assert_eq!(head_bucket_answer(Some(500), Some("eu-west-1")), None);
        assert_eq!(head_bucket_answer(None, None), None);
    }
}
