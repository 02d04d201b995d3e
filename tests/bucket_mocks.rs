//! Preflight's bucket-name check against exact answers (aws-smithy-mocks): names are tied to the
//! stack's own AWS::S3::Bucket resources (ListStackResources physical ids), not to HeadBucket's
//! status alone. On a real account the stack's buckets answer 403 outside the VPC.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::collections::BTreeMap;

use aws_sdk_cloudformation::operation::list_stack_resources::ListStackResourcesOutput;
use aws_sdk_cloudformation::types::{ResourceStatus, StackResourceSummary};
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_mocks::{
    MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock, mock_client,
};
use studio_tui::aws::stacks::StackInfo;
use studio_tui::aws::{self, SessionOptions};
use studio_tui::core::finding::{Finding, FindingCode, Severity};
use studio_tui::ops::preflight::check_bucket_names;

const PROJECT: &str = "demo";
const STACK_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/1";

/// HeadBucket on `bucket` answers this HTTP status (as S3 does: an empty body).
fn head(bucket: &'static str, status: u16) -> Rule {
    mock!(aws_sdk_s3::Client::head_bucket)
        .match_requests(move |r| r.bucket() == Some(bucket))
        .sequence()
        .http_status(status, None)
        .repeatedly()
        .build()
}

fn s3(rules: &[&Rule]) -> aws_sdk_s3::Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// ListStackResources answering these (logical id, physical id) buckets and a VPC.
fn stack_buckets(buckets: &'static [(&'static str, &'static str)]) -> Rule {
    mock!(aws_sdk_cloudformation::Client::list_stack_resources)
        .match_requests(|r| r.stack_name() == Some(STACK_ID))
        .then_output(move || {
            let mut out = ListStackResourcesOutput::builder().stack_resource_summaries(
                StackResourceSummary::builder()
                    .logical_resource_id("Vpc")
                    .physical_resource_id("vpc-0123")
                    .resource_type("AWS::EC2::VPC")
                    .resource_status(ResourceStatus::CreateComplete)
                    .last_updated_timestamp(aws_smithy_types::DateTime::from_secs(1_700_000_000))
                    .build(),
            );
            for (logical, physical) in buckets {
                out = out.stack_resource_summaries(
                    StackResourceSummary::builder()
                        .logical_resource_id(*logical)
                        .physical_resource_id(*physical)
                        .resource_type("AWS::S3::Bucket")
                        .resource_status(ResourceStatus::CreateComplete)
                        .last_updated_timestamp(aws_smithy_types::DateTime::from_secs(
                            1_700_000_000,
                        ))
                        .build(),
                );
            }
            out.build()
        })
}

fn stack() -> StackInfo {
    StackInfo {
        stack_id: STACK_ID.into(),
        stack_name: PROJECT.into(),
        status: "UPDATE_COMPLETE".into(),
        status_reason: None,
        outputs: BTreeMap::new(),
        parameters: BTreeMap::new(),
        creation_time: None,
        last_updated_time: None,
    }
}

async fn findings(s3_rules: &[&Rule], cfn: Rule, with_stack: bool) -> Vec<Finding> {
    let opts = SessionOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        fake_credentials: true,
        ..SessionOptions::default()
    };
    let session = aws::connect(&opts)
        .await
        .unwrap()
        .with_s3_client(s3(s3_rules))
        .with_cloudformation_client(mock_client!(
            aws_sdk_cloudformation,
            RuleMode::MatchAny,
            [&cfn]
        ));
    let st = stack();
    check_bucket_names(&session, PROJECT, with_stack.then_some(&st)).await
}

fn about<'a>(findings: &'a [Finding], bucket: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.message.contains(bucket))
        .collect()
}

#[tokio::test]
async fn the_stacks_own_buckets_are_fine_even_when_head_bucket_says_403() {
    let data = head("demo-data", 403);
    let models = head("demo-models", 403);
    let cfn = stack_buckets(&[("DataBucket", "demo-data"), ("ModelsBucket", "demo-models")]);
    let f = findings(&[&data, &models], cfn, true).await;
    assert!(!f.iter().any(Finding::is_error), "{f:#?}");
    for b in ["demo-data", "demo-models"] {
        let hit = about(&f, b);
        assert_eq!(hit.len(), 1, "{f:#?}");
        assert_eq!(hit[0].severity, Severity::Info);
        assert_eq!(hit[0].code, FindingCode::BucketExists);
        assert!(
            hit[0].message.contains("the stack demo's own"),
            "{}",
            hit[0].message
        );
    }
}

#[tokio::test]
async fn a_bucket_of_this_account_that_is_not_the_stacks_is_an_error() {
    // HeadBucket 200 (this account's bucket) on a name the stack does not own.
    let data = head("demo-data", 403);
    let models = head("demo-models", 200);
    let cfn = stack_buckets(&[("DataBucket", "demo-data")]);
    let f = findings(&[&data, &models], cfn, true).await;
    let hit = about(&f, "demo-models");
    assert_eq!(hit.len(), 1, "{f:#?}");
    assert_eq!(hit[0].severity, Severity::Error);
    assert_eq!(hit[0].code, FindingCode::BucketExists);
    assert!(
        hit[0]
            .message
            .contains("not one of the stack demo's resources")
    );
    assert!(
        hit[0].fix.contains("--project-name") && hit[0].fix.contains("delete or rename"),
        "{}",
        hit[0].fix
    );
    // the stack's own bucket is still fine
    assert_eq!(about(&f, "demo-data")[0].severity, Severity::Info);
}

#[tokio::test]
async fn a_forbidden_bucket_that_is_not_the_stacks_is_an_error() {
    let data = head("demo-data", 403);
    let models = head("demo-models", 404);
    let cfn = stack_buckets(&[("ModelsBucket", "demo-models")]);
    let f = findings(&[&data, &models], cfn, true).await;
    let hit = about(&f, "demo-data");
    assert_eq!(hit.len(), 1, "{f:#?}");
    assert_eq!(hit[0].severity, Severity::Error);
    assert_eq!(hit[0].code, FindingCode::BucketTaken);
    assert!(hit[0].fix.contains("--project-name"));
}

#[tokio::test]
async fn without_a_stack_every_existing_name_is_an_error_and_404_is_free() {
    let data = head("demo-data", 200);
    let models = head("demo-models", 301);
    let cfn = stack_buckets(&[]);
    let f = findings(&[&data, &models], cfn, false).await;
    let codes: Vec<(FindingCode, Severity)> = f.iter().map(|x| (x.code, x.severity)).collect();
    assert_eq!(
        codes,
        vec![
            (FindingCode::BucketExists, Severity::Error),
            (FindingCode::BucketOtherRegion, Severity::Error)
        ],
        "{f:#?}"
    );
    let data = head("demo-data", 404);
    let models = head("demo-models", 404);
    let f = findings(&[&data, &models], stack_buckets(&[]), false).await;
    assert!(f.is_empty(), "{f:#?}");
}

// ---- emptying a bucket: every version by its id, and a loop that always ends ----

async fn s3_session(rules: &[&Rule]) -> aws::Session {
    let opts = SessionOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        fake_credentials: true,
        ..SessionOptions::default()
    };
    aws::connect(&opts).await.unwrap().with_s3_client(s3(rules))
}

/// ListObjectVersions answering one object written before versioning (version `null`), one
/// real version and a null delete marker.
fn listing_with_null_versions()
-> aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput {
    use aws_sdk_s3::types::{DeleteMarkerEntry, ObjectVersion};
    aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder()
        .versions(
            ObjectVersion::builder()
                .key("old")
                .version_id("null")
                .build(),
        )
        .versions(ObjectVersion::builder().key("new").version_id("v1").build())
        .delete_markers(
            DeleteMarkerEntry::builder()
                .key("gone")
                .version_id("null")
                .build(),
        )
        .build()
}

#[tokio::test]
async fn emptying_deletes_null_versions_by_their_id() {
    let list = mock!(aws_sdk_s3::Client::list_object_versions)
        .sequence()
        .output(listing_with_null_versions)
        .output(|| {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder().build()
        })
        .build();
    let delete = mock!(aws_sdk_s3::Client::delete_objects)
        .match_requests(|r| {
            let sent: Vec<(String, Option<String>)> = r
                .delete()
                .unwrap()
                .objects()
                .iter()
                .map(|o| (o.key().to_string(), o.version_id().map(str::to_string)))
                .collect();
            sent == vec![
                ("old".to_string(), Some("null".to_string())),
                ("new".to_string(), Some("v1".to_string())),
                ("gone".to_string(), Some("null".to_string())),
            ]
        })
        .then_output(|| {
            aws_sdk_s3::operation::delete_objects::DeleteObjectsOutput::builder().build()
        });
    let session = s3_session(&[&list, &delete]).await;
    let emptied = session.empty_bucket("demo-data", 3).await.unwrap();
    assert_eq!((emptied.deleted, emptied.passes), (3, 1));
    assert_eq!(emptied.still_written, None);
    assert_eq!(
        delete.num_calls(),
        1,
        "one DeleteObjects naming every version id"
    );
}

#[tokio::test]
async fn emptying_stops_when_a_deleted_version_is_listed_again() {
    // S3 keeps answering the same listing (say, an Object Lock keeps the version): the loop
    // stops after the second listing and says what it was waiting for.
    let list = mock!(aws_sdk_s3::Client::list_object_versions)
        .sequence()
        .output(listing_with_null_versions)
        .repeatedly()
        .build();
    let delete = mock!(aws_sdk_s3::Client::delete_objects).then_output(|| {
        aws_sdk_s3::operation::delete_objects::DeleteObjectsOutput::builder().build()
    });
    let session = s3_session(&[&list, &delete]).await;
    let err = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        session.empty_bucket("demo-data", 1),
    )
    .await
    .expect("emptying ends")
    .unwrap_err();
    assert!(
        err.message.contains("still lists old (version null)"),
        "{err}"
    );
    assert!(err.message.contains("ListObjectVersions"), "{err}");
    assert!(err.fix.is_some());
    assert_eq!(list.num_calls(), 2);
    assert_eq!(delete.num_calls(), 1);
}

/// ListObjectVersions of a bucket that something keeps writing to: every listing finds one
/// new object (never the one deleted before), complete (not truncated).
fn listing_with_a_new_object() -> Rule {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    mock!(aws_sdk_s3::Client::list_object_versions)
        .sequence()
        .output(|| {
            let n = N.fetch_add(1, Ordering::Relaxed);
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder()
                .versions(
                    aws_sdk_s3::types::ObjectVersion::builder()
                        .key(format!("writer/{n}.ipynb"))
                        .version_id(format!("v{n}"))
                        .build(),
                )
                .is_truncated(false)
                .build()
        })
        .repeatedly()
        .build()
}

#[tokio::test]
async fn emptying_a_bucket_still_written_to_stops_after_its_passes() {
    let list = listing_with_a_new_object();
    let delete = mock!(aws_sdk_s3::Client::delete_objects).then_output(|| {
        aws_sdk_s3::operation::delete_objects::DeleteObjectsOutput::builder().build()
    });
    let session = s3_session(&[&list, &delete]).await;
    let emptied = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        session.empty_bucket("demo-data", 3),
    )
    .await
    .expect("emptying a bucket that is still written to ends")
    .unwrap();
    assert_eq!((emptied.deleted, emptied.passes), (3, 3), "{emptied:?}");
    let left = emptied.still_written.expect("says what it still found");
    assert!(left.key.starts_with("writer/"), "{left:?}");
    assert_eq!(
        list.num_calls(),
        4,
        "three passes, then the listing that stops it"
    );
    assert_eq!(delete.num_calls(), 3);
}

#[tokio::test]
async fn full_pages_of_a_large_bucket_are_not_passes() {
    use aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput;
    use aws_sdk_s3::types::ObjectVersion;
    let page = |from: usize, truncated: bool| {
        let mut b = ListObjectVersionsOutput::builder().is_truncated(truncated);
        for i in from..from + 1000 {
            b = b.versions(
                ObjectVersion::builder()
                    .key(format!("k{i:06}"))
                    .version_id("v")
                    .build(),
            );
        }
        b.build()
    };
    let list = mock!(aws_sdk_s3::Client::list_object_versions)
        .sequence()
        .output(move || page(0, true))
        .output(move || page(1000, true))
        .output(move || page(2000, false))
        .output(|| ListObjectVersionsOutput::builder().build())
        .build();
    let delete = mock!(aws_sdk_s3::Client::delete_objects).then_output(|| {
        aws_sdk_s3::operation::delete_objects::DeleteObjectsOutput::builder().build()
    });
    let session = s3_session(&[&list, &delete]).await;
    let emptied = session.empty_bucket("demo-data", 1).await.unwrap();
    assert_eq!(
        (emptied.deleted, emptied.passes, emptied.still_written),
        (3000, 1, None)
    );
    assert_eq!(delete.num_calls(), 3);
}

/// HeadBucket answering 400 with the bucket's region, as S3 answers a request signed for the
/// wrong region (an empty body).
fn head_400_in(bucket: &'static str, region: &'static str) -> Rule {
    mock!(aws_sdk_s3::Client::head_bucket)
        .match_requests(move |r| r.bucket() == Some(bucket))
        .sequence()
        .http_response(move || {
            let mut r = aws_smithy_runtime_api::http::Response::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
                aws_smithy_types::body::SdkBody::empty(),
            );
            r.headers_mut().insert("x-amz-bucket-region", region);
            r
        })
        .repeatedly()
        .build()
}

#[tokio::test]
async fn a_400_with_the_region_header_is_a_name_taken_in_that_region() {
    let data = head_400_in("demo-data", "ap-southeast-2");
    let models = head("demo-models", 404);
    let f = findings(&[&data, &models], stack_buckets(&[]), false).await;
    let hit = about(&f, "demo-data");
    assert_eq!(hit.len(), 1, "{f:#?}");
    assert_eq!(hit[0].code, FindingCode::BucketOtherRegion, "{f:#?}");
    assert_eq!(hit[0].severity, Severity::Error);
    assert!(
        hit[0].message.contains("taken in ap-southeast-2"),
        "{}",
        hit[0].message
    );
    assert!(
        hit[0]
            .message
            .contains("this project's own bucket from a deploy in ap-southeast-2"),
        "{}",
        hit[0].message
    );
    assert!(
        !hit[0].message.contains("could not check"),
        "{}",
        hit[0].message
    );
}
