//! CloudFormation's pre-deployment validation over HTTP against the emulator: a bucket named
//! `<project>-data` exists before the first deploy, so CreateChangeSet fails its early
//! validation; the deploy operation, `deploy --plain` and `deploy --json` (and `up`) show the
//! failure read from DescribeEvents — resource, template path, AWS's reason, the fix — and
//! nothing is created.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::sync::{Arc, Mutex};

use serde_json::Value;
use studio_tui::aws::Session;
use studio_tui::config::Paths;
use studio_tui::core::params::ParamsDraft;
use studio_tui::ops::deploy::{self, Plan};
use studio_tui::state::SharedStore;
use studio_tui::state::Store;
use tokio::sync::mpsc;

const REGION: &str = "us-east-1";

fn store() -> (tempfile::TempDir, SharedStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::load(&Paths::under(dir.path())).unwrap();
    (dir, Arc::new(Mutex::new(s)))
}

/// A bucket of the name the stack's DataBucket would take, outside any stack.
async fn take_data_bucket(session: &Session, project: &str) -> String {
    let bucket = format!("{project}-data");
    session
        .fixtures()
        .s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create the conflicting bucket");
    bucket
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn plan_reads_the_validation_failures_of_a_failed_change_set() {
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let (_dir, store) = store();
    let project = common::unique_name("ev");
    let bucket = take_data_bucket(&session, &project).await;
    // The KMS alias the stack names exists too: a second conflict, of another kind.
    let key = session.fixtures().kms().create_key().send().await.unwrap();
    let key_id = key.key_metadata().unwrap().key_id().to_string();
    let alias = format!("alias/{project}-s3");
    session
        .fixtures()
        .kms()
        .create_alias()
        .alias_name(&alias)
        .target_key_id(&key_id)
        .send()
        .await
        .unwrap();

    let params = ParamsDraft {
        project_name: project.clone(),
        ..ParamsDraft::default()
    }
    .parse(0)
    .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let plan = deploy::plan(&session, &store, &params, None, &tx)
        .await
        .unwrap();
    drop(tx);
    let Plan::Review(review) = plan else {
        panic!("expected a failed change set to review, got {plan:?}")
    };
    assert_eq!(review.change_set.status.as_str(), "FAILED");
    assert!(
        review
            .change_set
            .status_reason
            .as_deref()
            .is_some_and(|r| r.contains("DescribeEvents")),
        "{:?}",
        review.change_set.status_reason
    );
    assert_eq!(review.validation_unread, None);
    assert_eq!(review.validation.len(), 2, "{:#?}", review.validation);

    let data = review
        .validation
        .iter()
        .find(|v| v.resource == "DataBucket")
        .expect("the DataBucket failure");
    assert_eq!(data.severity, "error");
    assert_eq!(data.resource_type, "AWS::S3::Bucket");
    assert_eq!(data.path, "/Resources/DataBucket");
    assert_eq!(data.validation, "NAME_CONFLICT_VALIDATION");
    assert_eq!(
        data.reason,
        format!("Resource of type 'AWS::S3::Bucket' with identifier '{bucket}' already exists.")
    );
    assert_eq!(data.identifier.as_deref(), Some(bucket.as_str()));
    assert!(
        data.fix.contains("choose another ProjectName"),
        "{}",
        data.fix
    );
    assert!(data.fix.contains(&format!("`{bucket}`")), "{}", data.fix);

    let kms = review
        .validation
        .iter()
        .find(|v| v.resource == "S3KmsKeyAlias")
        .expect("the KMS alias failure");
    assert_eq!(kms.resource_type, "AWS::KMS::Alias");
    assert_eq!(kms.path, "/Resources/S3KmsKeyAlias");
    assert!(
        kms.fix
            .contains(&format!("aws kms describe-key --key-id {alias}")),
        "{}",
        kms.fix
    );
    assert_eq!(review.validation_errors().count(), 2);

    // The wizard and the CLI were told what was being read.
    let mut phases = Vec::new();
    while let Some(m) = rx.recv().await {
        if let deploy::DeployMsg::Phase { text } = m {
            phases.push(text);
        }
    }
    assert!(
        phases
            .iter()
            .any(|p| p.contains("pre-deployment validation")),
        "{phases:?}"
    );

    // Cancelling leaves nothing behind: no stack, the bucket untouched.
    deploy::cancel(&session, &store, &review).await.unwrap();
    assert_eq!(session.describe_stack(&project).await.unwrap(), None);
    session
        .fixtures()
        .s3()
        .head_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_change_set_that_passes_has_no_validation_failures() {
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let (_dir, store) = store();
    let project = common::unique_name("evok");
    let params = ParamsDraft {
        project_name: project.clone(),
        ..ParamsDraft::default()
    }
    .parse(0)
    .unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let plan = deploy::plan(&session, &store, &params, None, &tx)
        .await
        .unwrap();
    let Plan::Review(review) = plan else {
        panic!("expected a change set, got {plan:?}")
    };
    assert_eq!(review.change_set.status.as_str(), "CREATE_COMPLETE");
    assert!(review.validation.is_empty(), "{:?}", review.validation);
    assert_eq!(review.validation_unread, None);
    deploy::cancel(&session, &store, &review).await.unwrap();
}

#[test]
fn deploy_plain_prints_one_line_per_failure_with_the_fix_and_creates_nothing() {
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("evp");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = rt.block_on(async {
        let session = emu.session(REGION).await;
        take_data_bucket(&session, &project).await
    });
    let out = common::binary(home.path(), REGION)
        .args(["deploy", "--plain", "--yes", "--project-name", &project])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: the change set failed: The following hook(s)/validation failed"),
        "{stderr}"
    );
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("error DataBucket"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let line = lines[0];
    assert!(
        line.contains("(AWS::S3::Bucket) at /Resources/DataBucket:"),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "Resource of type 'AWS::S3::Bucket' with identifier '{bucket}' already exists."
        )),
        "{line}"
    );
    assert!(line.contains("[NAME_CONFLICT_VALIDATION]"), "{line}");
    assert!(
        line.contains("fix: choose another ProjectName") && line.contains(&format!("`{bucket}`")),
        "{line}"
    );
    assert!(stderr.contains("Nothing was created"), "{stderr}");
    // Nothing executed, and the empty stack the CREATE change set left is gone.
    let rt_session = rt.block_on(emu.session(REGION));
    assert_eq!(
        rt.block_on(rt_session.describe_stack(&project)).unwrap(),
        None
    );
}

#[test]
fn deploy_json_lists_the_failures_as_objects() {
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("evj");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = rt.block_on(async {
        let session = emu.session(REGION).await;
        take_data_bucket(&session, &project).await
    });
    let out = common::binary(home.path(), REGION)
        .args(["deploy", "--json", "--yes", "--project-name", &project])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let docs: Vec<Value> = text(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let failed = docs
        .iter()
        .find(|d| d["type"] == "change_set_failed")
        .unwrap_or_else(|| panic!("no change_set_failed document in {docs:#?}"));
    assert_eq!(failed["ok"], false);
    assert_eq!(failed["status"], "FAILED");
    let list = failed["validation"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:#?}");
    let v = &list[0];
    assert_eq!(v["severity"], "error");
    assert_eq!(v["resource"], "DataBucket");
    assert_eq!(v["type"], "AWS::S3::Bucket");
    assert_eq!(v["path"], "/Resources/DataBucket");
    assert_eq!(
        v["reason"],
        format!("Resource of type 'AWS::S3::Bucket' with identifier '{bucket}' already exists.")
    );
    assert_eq!(v["validation"], "NAME_CONFLICT_VALIDATION");
    assert_eq!(v["identifier"], bucket.as_str());
    assert!(
        v["fix"]
            .as_str()
            .is_some_and(|f| f.contains("choose another ProjectName")),
        "{v}"
    );
    // The change set document carries the same list.
    let cs = docs
        .iter()
        .find(|d| d["type"] == "change_set")
        .expect("the change_set document");
    assert_eq!(cs["validation"], failed["validation"]);
}

#[test]
fn up_stops_at_the_change_set_and_shows_a_kms_alias_conflict() {
    // Preflight does not look KMS aliases up; CloudFormation's early validation does, and `up`
    // (which deploys through the same code) shows it with the fix.
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let project = common::unique_name("evu");
    let alias = format!("alias/{project}-studio");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let session = emu.session(REGION).await;
        let key = session.fixtures().kms().create_key().send().await.unwrap();
        session
            .fixtures()
            .kms()
            .create_alias()
            .alias_name(&alias)
            .target_key_id(key.key_metadata().unwrap().key_id())
            .send()
            .await
            .unwrap();
    });
    let out = common::binary(home.path(), REGION)
        .args([
            "up",
            "--plain",
            "--yes",
            "--project-name",
            &project,
            "--vpc-cidr",
            "10.61.0.0/16",
            "--firewall-subnet-cidr",
            "10.61.1.0/24",
            "--nat-subnet-cidr",
            "10.61.2.0/24",
            "--studio-subnet-cidr",
            "10.61.3.0/24",
        ])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("error StudioKmsKeyAlias"))
        .unwrap_or_else(|| panic!("no validation line in {stderr}"));
    assert!(
        line.contains("(AWS::KMS::Alias) at /Resources/StudioKmsKeyAlias:"),
        "{line}"
    );
    assert!(
        line.contains(&format!("aws kms describe-key --key-id {alias}")),
        "{line}"
    );
    // No Studio step ran, and the stack is gone with the change set.
    assert!(!stderr.contains("3/3 Studio domain"), "{stderr}");
    let session = rt.block_on(emu.session(REGION));
    assert_eq!(rt.block_on(session.describe_stack(&project)).unwrap(), None);
}
