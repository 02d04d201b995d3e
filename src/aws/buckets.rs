//! S3: whether a project bucket is empty, and emptying it (every version and delete marker).

use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use serde::Serialize;

use super::{AwsError, ErrorKind, Session};

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

    /// Delete every object version and delete marker. Returns how many were deleted.
    pub async fn empty_bucket(&self, bucket: &str) -> Result<usize, AwsError> {
        let s3 = self.s3();
        let mut deleted = 0;
        loop {
            let out = s3
                .list_object_versions()
                .bucket(bucket)
                .max_keys(1000)
                .send()
                .await
                .map_err(|e| self.sdk_err("s3:ListObjectVersions", e))?;
            let mut ids = Vec::new();
            let pairs = out
                .versions()
                .iter()
                .map(|v| (v.key(), v.version_id()))
                .chain(
                    out.delete_markers()
                        .iter()
                        .map(|m| (m.key(), m.version_id())),
                );
            for (key, version) in pairs {
                let Some(key) = key else { continue };
                let mut b = ObjectIdentifier::builder().key(key);
                if let Some(v) = version.filter(|v| *v != "null") {
                    b = b.version_id(v);
                }
                ids.push(b.build().map_err(|e| {
                    AwsError::new(ErrorKind::Other, "s3:DeleteObjects", e.to_string())
                })?);
            }
            if ids.is_empty() {
                return Ok(deleted);
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
        }
    }
}
