//! S3: whether a project bucket is empty, emptying it (every version and delete marker), and
//! the staging bucket for a template too large for TemplateBody.

use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use serde::Serialize;

use super::{AwsError, ErrorKind, Session};
use crate::core::emptying::{self, Listed, Next, Passes};

/// What one emptying did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emptied {
    /// Object versions and delete markers deleted.
    pub deleted: usize,
    /// Passes (complete listings that still found entries) it took.
    pub passes: u32,
    /// Set when it stopped at its pass bound with the bucket not empty: an entry the last
    /// listing found (something is still writing to the bucket).
    pub still_written: Option<Listed>,
}

/// What studio-tui could find out about a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BucketState {
    Missing,
    Empty,
    /// At least this many object versions / delete markers (one page was read).
    NotEmpty {
        at_least: usize,
    },
    /// It could not be read (typically AccessDenied: the bucket policy only allows the VPC
    /// endpoint).
    Unknown {
        error: AwsError,
    },
}

impl Session {
    /// Put `body` at `key` in `bucket`, creating the bucket first when HeadBucket cannot see it
    /// (in the session's region: outside us-east-1 CreateBucket needs the LocationConstraint).
    /// Returns the object's URL, as CloudFormation's TemplateURL expects it.
    pub async fn put_staged_object(
        &self,
        bucket: &str,
        key: &str,
        body: &str,
    ) -> Result<String, AwsError> {
        let s3 = self.s3();
        if s3.head_bucket().bucket(bucket).send().await.is_err() {
            let mut req = s3.create_bucket().bucket(bucket);
            if self.region != "us-east-1" {
                req = req.create_bucket_configuration(
                    aws_sdk_s3::types::CreateBucketConfiguration::builder()
                        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                            self.region.as_str(),
                        ))
                        .build(),
                );
            }
            req.send()
                .await
                .map_err(|e| self.sdk_err("s3:CreateBucket", e))?;
        }
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .body(aws_sdk_s3::primitives::ByteStream::from(
                body.as_bytes().to_vec(),
            ))
            .send()
            .await
            .map_err(|e| self.sdk_err("s3:PutObject", e))?;
        Ok(match &self.endpoint_url {
            Some(ep) => format!("{}/{bucket}/{key}", ep.trim_end_matches('/')),
            None => format!("https://{bucket}.s3.{}.amazonaws.com/{key}", self.region),
        })
    }

    /// One ListObjectVersions page: is the bucket there, and is anything in it?
    pub async fn bucket_state(&self, bucket: &str) -> BucketState {
        match self
            .s3()
            .list_object_versions()
            .bucket(bucket)
            .max_keys(100)
            .send()
            .await
        {
            Ok(out) => {
                let n = out.versions().len() + out.delete_markers().len();
                if n == 0 {
                    BucketState::Empty
                } else {
                    BucketState::NotEmpty { at_least: n }
                }
            }
            Err(e) => {
                let err = self.sdk_err("s3:ListObjectVersions", e);
                if err.kind == ErrorKind::NotFound || err.code.as_deref() == Some("NoSuchBucket") {
                    BucketState::Missing
                } else {
                    BucketState::Unknown { error: err }
                }
            }
        }
    }

    /// Delete every object version and delete marker, each by its version id (`null`
    /// included: without it S3 treats the call as a plain DELETE, which in a suspended bucket
    /// replaces the null version with a null delete marker and in an enabled bucket adds a
    /// marker, so the bucket never empties), until the bucket lists empty or `passes` complete
    /// listings still found entries ([`Passes`]: something keeps writing; the result says so).
    /// Stops with an error when a round lists again what the previous round deleted, instead
    /// of looping.
    pub async fn empty_bucket(&self, bucket: &str, passes: u32) -> Result<Emptied, AwsError> {
        let s3 = self.s3();
        let mut deleted = 0;
        let mut previous: Vec<Listed> = Vec::new();
        let mut bound = Passes::new(passes);
        loop {
            let out = s3
                .list_object_versions()
                .bucket(bucket)
                .max_keys(1000)
                .send()
                .await
                .map_err(|e| self.sdk_err("s3:ListObjectVersions", e))?;
            let page: Vec<Listed> = out
                .versions()
                .iter()
                .map(|v| (v.key(), v.version_id()))
                .chain(
                    out.delete_markers()
                        .iter()
                        .map(|m| (m.key(), m.version_id())),
                )
                .filter_map(|(key, version)| Some(Listed::new(key?, version)))
                .collect();
            let truncated = out.is_truncated().unwrap_or(false);
            let next = bound.after_listing(page.len(), truncated);
            if next == Next::Done {
                return Ok(Emptied {
                    deleted,
                    passes: bound.done(),
                    still_written: None,
                });
            }
            // What the previous round deleted, listed again: S3 kept it (not a writer).
            if let Some(again) = emptying::listed_again(&previous, &page) {
                return Err(AwsError::new(
                    ErrorKind::Other,
                    "s3:DeleteObjects",
                    format!(
                        "{bucket} still lists {} (version {}) after DeleteObjects deleted it; \
                         emptying stopped instead of waiting for ListObjectVersions to come \
                         back empty",
                        again.key, again.version_id
                    ),
                )
                .with_fix(
                    "check the bucket's Object Lock and lifecycle settings (`aws s3api \
                     get-object-lock-configuration`), then run destroy again",
                ));
            }
            if let Next::TooManyRounds | Next::NoProgress = next {
                let why = if next == Next::NoProgress {
                    "ListObjectVersions said more entries follow but listed none, so listing \
                     again would find the same"
                        .to_string()
                } else {
                    format!(
                        "{} listings of up to 1000 entries each were deleted and the listing \
                         still finds more (something writes as fast as it is emptied, or the \
                         bucket holds more than {} million versions)",
                        bound.rounds(),
                        emptying::MAX_ROUNDS / 1000
                    )
                };
                return Err(AwsError::new(
                    ErrorKind::Other,
                    "s3:ListObjectVersions",
                    format!(
                        "emptying {bucket} stopped after deleting {deleted} object version(s): \
                         {why}"
                    ),
                )
                .with_fix(
                    "stop what writes to the bucket, then run destroy again: it goes on where \
                     this run stopped",
                ));
            }
            if next == Next::StillWritten {
                return Ok(Emptied {
                    deleted,
                    passes: bound.done(),
                    still_written: page.into_iter().next(),
                });
            }
            let mut ids = Vec::new();
            for l in &page {
                ids.push(
                    ObjectIdentifier::builder()
                        .key(&l.key)
                        .version_id(&l.version_id)
                        .build()
                        .map_err(|e| {
                            AwsError::new(ErrorKind::Other, "s3:DeleteObjects", e.to_string())
                        })?,
                );
            }
            let n = ids.len();
            let delete = Delete::builder()
                .set_objects(Some(ids))
                .quiet(true)
                .build()
                .map_err(|e| AwsError::new(ErrorKind::Other, "s3:DeleteObjects", e.to_string()))?;
            let res = s3
                .delete_objects()
                .bucket(bucket)
                .delete(delete)
                .send()
                .await
                .map_err(|e| self.sdk_err("s3:DeleteObjects", e))?;
            if let Some(first) = res.errors().first() {
                return Err(AwsError::new(
                    ErrorKind::AccessDenied,
                    "s3:DeleteObjects",
                    format!(
                        "{} object(s) of {bucket} could not be deleted, e.g. {}: {}",
                        res.errors().len(),
                        first.key().unwrap_or("?"),
                        first.message().unwrap_or("no reason given")
                    ),
                ));
            }
            deleted += n;
            previous = page;
        }
    }
}
