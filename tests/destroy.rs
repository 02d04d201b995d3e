//! Teardown on the sandbox as strict as AWS: fenced buckets (the bucket policy denies data access
//! from outside the project's endpoint), the NFS security groups a VpcOnly domain leaves in the
//! VPC, DELETE_FAILED stacks, KMS key states. Each path ends with describes, not assumptions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use studio_tui::aws::{ErrorKind, Session};
use studio_tui::ops::destroy::{self, BucketChoice};
use studio_tui::ops::studio::{self, Poll, StudioNetwork, ensure_domain_with};

const REGION: &str = "us-east-1";
const VPCE: &str = "vpce-0fence0000000001";

/// The emulator's request log is shared by the tests of this binary: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const FAST: Poll = common::FAST_POLL;

fn fence(bucket: &str) -> Value {
    json!({
        "Bucket": {"Ref": bucket},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyDataAccessOutsideVpcEndpoint", "Effect": "Deny", "Principal": "*",
            "Action": ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:ListBucket*"],
            "Resource": [{"Fn::GetAtt": [bucket, "Arn"]},
                         {"Fn::Sub": format!("${{{bucket}.Arn}}/*")}],
            "Condition": {"StringNotEquals": {"aws:SourceVpce": VPCE}}
        }]}
    })
}

fn bucket(name: String) -> Value {
    json!({"Type": "AWS::S3::Bucket", "Properties": {
        "BucketName": name,
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["S3KmsKey", "Arn"]}
            }
        }]}
    }})
}

/// The project's data layout in small: a VPC and subnet for the domain, two buckets encrypted
/// with a project key (and its alias), each behind the project's fence.
fn fenced_template(project: &str) -> String {
    json!({
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
            "Subnet": {"Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.9.3.0/24"}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "studio", "VpcId": {"Ref": "Vpc"}}},
            "S3KmsKey": {"Type": "AWS::KMS::Key", "Properties": {
                "PendingWindowInDays": 7,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "kms:*", "Resource": "*"}]}}},
            "S3KmsKeyAlias": {"Type": "AWS::KMS::Alias", "Properties": {
                "AliasName": format!("alias/{project}-s3"), "TargetKeyId": {"Ref": "S3KmsKey"}}},
            // A second key and alias that encrypt no bucket: not data, deleted with the stack.
            "StudioKmsKey": {"Type": "AWS::KMS::Key", "Properties": {
                "PendingWindowInDays": 7,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "kms:*", "Resource": "*"}]}}},
            "StudioKmsKeyAlias": {"Type": "AWS::KMS::Alias", "Properties": {
                "AliasName": format!("alias/{project}-studio"), "TargetKeyId": {"Ref": "StudioKmsKey"}}},
            "DataBucket": bucket(format!("{project}-data")),
            "ModelsBucket": bucket(format!("{project}-models")),
            "DataBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": fence("DataBucket")},
            "ModelsBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": fence("ModelsBucket")}
        },
        "Outputs": {
            "VpcId": {"Value": {"Ref": "Vpc"}},
            "SageMakerStudioSubnetId": {"Value": {"Ref": "Subnet"}},
            "SageMakerSecurityGroupId": {"Value": {"Fn::GetAtt": ["Sg", "GroupId"]}},
            "ExecutionRoleArn": {"Value": "arn:aws:iam::123456789012:role/mini-notebook-role"},
            "StudioKmsKeyArn": {"Value": {"Fn::GetAtt": ["S3KmsKey", "Arn"]}},
            "DataBucketName": {"Value": {"Ref": "DataBucket"}},
            "ModelsBucketName": {"Value": {"Ref": "ModelsBucket"}}
        }
    })
    .to_string()
}

/// A deployed fenced project with a VpcOnly domain and one object in the data bucket (written
/// from "inside the VPC", as a Studio user would). Returns the domain id.
async fn deployed(session: &Session, project: &str) -> String {
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(project)
        .template_body(fenced_template(project))
        .send()
        .await
        .expect("CreateStack");
    let stack = common::wait_stack(session, project, "CREATE_COMPLETE").await;
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let d = ensure_domain_with(session, project, &net, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    put_inside(session, &format!("{project}-data"), "notebooks/a.ipynb").await;
    d.id
}

/// PutObject through the project's endpoint (the emulator's stand-in for a request from the VPC).
async fn put_inside(session: &Session, bucket: &str, key: &str) {
    session
        .fixtures()
        .s3()
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(b"{}".to_vec().into())
        .customize()
        .mutate_request(|r| {
            r.headers_mut().insert("x-studio-source-vpce", VPCE);
        })
        .send()
        .await
        .expect("PutObject from inside the VPC");
}

/// GetObject through the project's endpoint: is the data still readable?
async fn readable_inside(session: &Session, bucket: &str, key: &str) -> bool {
    session
        .fixtures()
        .s3()
        .get_object()
        .bucket(bucket)
        .key(key)
        .customize()
        .mutate_request(|r| {
            r.headers_mut().insert("x-studio-source-vpce", VPCE);
        })
        .send()
        .await
        .is_ok()
}

async fn nfs_groups(session: &Session, vpc: &str) -> Vec<String> {
    if !session.vpc_exists(vpc).await.unwrap() {
        return Vec::new();
    }
    session
        .nfs_groups(vpc)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect()
}

#[tokio::test]
async fn the_fence_hides_the_data_from_here_so_no_choice_deletes_nothing() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("fence");
    deployed(&session, &project).await;

    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    let data = &plan.buckets[0];
    assert!(data.fenced, "{plan:?}");
    assert!(
        matches!(&data.state, studio_tui::aws::buckets::BucketState::Unknown { error }
            if error.kind == ErrorKind::AccessDenied),
        "the fence answers AccessDenied to a caller outside the VPC: {:?}",
        data.state
    );
    let before = emu.log_mark();
    let (tx, _rx) = mpsc::unbounded_channel();
    let err = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Unspecified,
        FAST,
        &tx,
    )
    .await
    .unwrap_err();
    assert!(err.message().contains("cannot be read from here"), "{err}");
    assert!(err.message().contains("nothing was deleted"), "{err}");
    assert!(err.fix().unwrap().contains("--retain-buckets"));
    assert_eq!(
        common::emulator().mutating_since(before, REGION),
        Vec::<String>::new()
    );
    assert!(readable_inside(&session, &format!("{project}-data"), "notebooks/a.ipynb").await);
    assert!(
        studio::stack_domains(&session, &project)
            .await
            .unwrap()
            .ours
            .is_some()
    );
}

#[tokio::test]
async fn empty_buckets_from_outside_the_vpc_then_nothing_is_left() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("empty");
    let domain_id = deployed(&session, &project).await;
    let data = format!("{project}-data");
    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    let vpc = plan.vpc_id.clone().unwrap();
    assert_eq!(
        nfs_groups(&session, &vpc).await.len(),
        2,
        "a VpcOnly domain leaves two NFS groups in the VPC"
    );

    let (tx, mut rx) = mpsc::unbounded_channel();
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    assert!(report.is_clean(), "{report:#?}");
    assert!(report.domain_deleted && report.stack_deleted);
    // the models bucket could not be read before either: it is emptied too (nothing in it)
    assert_eq!(
        report.emptied,
        vec![(data.clone(), 1), (format!("{project}-models"), 0)]
    );
    let mut steps = Vec::new();
    while let Ok(m) = rx.try_recv() {
        steps.push(m.line());
    }
    assert!(
        steps.iter().any(|s| s
            .contains("original policy saved in studio-tui's state; opening 1 fence statement")),
        "says what it does to the policy: {steps:?}"
    );
    assert!(
        steps.iter().any(|s| s.contains("original policy put back")),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|s| s.contains(&format!(
            "deleted security-group-for-inbound-nfs-{domain_id}"
        ))),
        "{steps:?}"
    );
    // measured: everything is gone
    assert!(
        session
            .describe_stack(&project)
            .await
            .unwrap()
            .is_none_or(|s| s.status.as_str() == "DELETE_COMPLETE")
    );
    assert!(!session.vpc_exists(&vpc).await.unwrap());
    let gone = session.bucket_policy(&data).await.unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound, "{gone}");
}

#[tokio::test]
async fn retain_keeps_the_data_readable_and_its_key_enabled() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("keep");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    assert_eq!(plan.keys.len(), 1, "{plan:?}");
    let key_id = plan.keys[0].key_id.clone();

    let (tx, _rx) = mpsc::unbounded_channel();
    let report = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Retain,
        FAST,
        &tx,
    )
    .await
    .unwrap();
    assert!(report.is_clean(), "{report:#?}");
    assert!(report.stack_deleted && report.domain_deleted);
    let kept: Vec<&str> = report.kept.iter().map(|k| k.arn.as_str()).collect();
    assert!(
        kept.contains(&format!("arn:aws:s3:::{data}").as_str()),
        "{kept:?}"
    );
    assert!(kept.iter().any(|a| a.contains(&key_id)), "{kept:?}");
    assert!(
        kept.iter()
            .any(|a| a.ends_with(&format!("alias/{project}-s3"))),
        "{kept:?}"
    );
    // The kept fence still names the deleted endpoint: the report says so, with the edit.
    let bucket = report
        .kept
        .iter()
        .find(|k| k.arn == format!("arn:aws:s3:::{data}"))
        .unwrap();
    assert!(
        bucket.what.contains("with its data and its policy"),
        "{bucket:?}"
    );
    let note = bucket.note.as_deref().unwrap_or_default();
    assert!(
        note.contains(VPCE) && note.contains("nobody can read"),
        "{note}"
    );
    assert!(
        note.contains(&format!("aws s3api put-bucket-policy --bucket {data}")),
        "{note}"
    );
    assert!(
        !kept
            .iter()
            .any(|a| a.ends_with(&format!("alias/{project}-studio"))),
        "only the aliases of the keys that encrypt the buckets are kept: {kept:?}"
    );
    // measured: the data is readable, the key Enabled, the fence still there
    assert!(readable_inside(&session, &data, "notebooks/a.ipynb").await);
    let key = session.describe_key(&key_id).await.unwrap().unwrap();
    assert_eq!(key.state, "Enabled");
    assert!(
        session.bucket_policy(&data).await.unwrap().is_some(),
        "the policy was kept"
    );
    assert!(
        session
            .describe_stack(&project)
            .await
            .unwrap()
            .is_none_or(|s| s.status.as_str() == "DELETE_COMPLETE")
    );
}

#[tokio::test]
async fn a_stack_left_in_delete_failed_by_another_tool_is_resumed() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("resume");
    let domain_id = deployed(&session, &project).await;
    let data = format!("{project}-data");
    // Another tool deletes the domain (with its EFS) and then the stack: the NFS groups block
    // the VPC, and the bucket is not empty.
    let (tx, _rx) = mpsc::unbounded_channel();
    let d = studio::stack_domains(&session, &project)
        .await
        .unwrap()
        .ours
        .unwrap();
    studio::delete_domain_tree(&session, &d, FAST, &tx)
        .await
        .unwrap();
    session
        .delete_stack(&project, "other-tool-1", &[])
        .await
        .unwrap();
    let stack = common::wait_stack(&session, &project, "DELETE_FAILED").await;
    let failed: Vec<String> = session
        .stack_resources(&stack.stack_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.status.as_str() == "DELETE_FAILED")
        .map(|r| r.logical_id)
        .collect();
    assert!(failed.contains(&"Vpc".to_string()), "{failed:?}");

    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    assert!(
        plan.nfs_groups.iter().any(|g| g.contains(&domain_id)),
        "the groups of the deleted domain are the project's: {plan:?}"
    );
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    assert!(report.is_clean(), "{report:#?}");
    assert!(report.stack_deleted);
    // the empty models bucket went with the first, failed delete; the data bucket remained
    assert_eq!(report.emptied, vec![(data, 1)]);
}

#[tokio::test]
async fn emptying_that_fails_deletes_nothing_else_and_puts_the_policy_back() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("stuck");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    // An extra statement the teardown must not weaken: nobody may delete object versions.
    let mut policy: Value =
        serde_json::from_str(&session.bucket_policy(&data).await.unwrap().unwrap()).unwrap();
    policy["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "Legalhold", "Effect": "Deny", "Principal": "*",
        "Action": "s3:DeleteObject*", "Resource": format!("arn:aws:s3:::{data}/*")
    }));
    let policy = policy.to_string();
    session.put_bucket_policy(&data, &policy).await.unwrap();

    let (tx, _rx) = mpsc::unbounded_channel();
    let before = emu.log_mark();
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    assert!(!report.is_clean());
    let stopped = report.stopped.clone().unwrap();
    assert!(
        stopped.message().contains("nothing else was deleted"),
        "{stopped}"
    );
    assert!(
        !report.domain_deleted && !report.stack_deleted,
        "{report:#?}"
    );
    let left: Vec<String> = report.left_behind.iter().map(|l| l.what.clone()).collect();
    assert!(
        left.contains(&"bucket".to_string()) && left.contains(&"stack".to_string()),
        "{left:?}"
    );
    let mutated = common::emulator().mutating_since(before, REGION);
    assert!(
        !mutated
            .iter()
            .any(|a| a.starts_with("DeleteDomain") || a == "DeleteStack"),
        "{mutated:?}"
    );
    // the original policy is back, the data is still there
    assert_eq!(session.bucket_policy(&data).await.unwrap().unwrap(), policy);
    assert!(readable_inside(&session, &data, "notebooks/a.ipynb").await);
    assert!(
        studio::stack_domains(&session, &project)
            .await
            .unwrap()
            .ours
            .is_some()
    );
}

/// A colleague's Studio domain with the project's name, in a VPC of its own (AWS has no
/// uniqueness rule for domain names).
async fn colleagues_domain(session: &Session, name: &str) -> (String, String) {
    use aws_sdk_sagemaker::types::{AppNetworkAccessType, AuthMode, UserSettings};
    let ec2 = session.fixtures().ec2();
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.7.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.7.3.0/24")
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_string();
    let id = session
        .fixtures()
        .sagemaker()
        .create_domain()
        .domain_name(name)
        .auth_mode(AuthMode::Iam)
        .app_network_access_type(AppNetworkAccessType::VpcOnly)
        .vpc_id(&vpc)
        .subnet_ids(&subnet)
        .default_user_settings(
            UserSettings::builder()
                .execution_role("arn:aws:iam::123456789012:role/colleague")
                .build(),
        )
        .send()
        .await
        .expect("CreateDomain: a second domain of one name, as AWS allows")
        .domain_arn()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    (id, vpc)
}

#[tokio::test]
async fn a_domain_of_the_projects_name_in_another_vpc_is_reported_and_never_deleted() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("twin");
    // The project's stack, whose own domain was never created (or is already gone) …
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(&project)
        .template_body(fenced_template(&project))
        .send()
        .await
        .expect("CreateStack");
    common::wait_stack(&session, &project, "CREATE_COMPLETE").await;
    // … and a colleague's domain of the same name elsewhere, with a home volume.
    let (theirs, their_vpc) = colleagues_domain(&session, &project).await;
    let home = session
        .describe_domain(&theirs)
        .await
        .unwrap()
        .unwrap()
        .home_efs_id
        .unwrap();

    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    assert_eq!(plan.domain, None, "not the project's domain: {plan:#?}");
    assert_eq!(plan.other_domains.len(), 1);
    assert_eq!(plan.other_domains[0].id, theirs);
    let lines = plan.lines(BucketChoice::Empty);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&theirs) && l.contains(&their_vpc) && l.contains("left alone")),
        "{lines:?}"
    );
    assert_eq!(
        studio::stack_domains(&session, &project)
            .await
            .unwrap()
            .ours,
        None,
        "the day-2 commands do not take it for the project's domain either"
    );

    let before = emu.log_mark();
    let (tx, _rx) = mpsc::unbounded_channel();
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    assert!(!report.domain_deleted, "{report:#?}");
    assert!(report.stack_deleted, "{report:#?}");
    let touched: Vec<String> = emu
        .mutating_since(before, REGION)
        .into_iter()
        .filter(|op| op.contains("Domain") || op.contains("UserProfile") || op.contains("App"))
        .collect();
    assert_eq!(touched, Vec::<String>::new(), "SageMaker was not changed");
    // Measured: the colleague's domain and its home volume are still there.
    let d = session.describe_domain(&theirs).await.unwrap().unwrap();
    assert_eq!(d.status.as_str(), "InService");
    assert_eq!(d.home_efs_id.as_deref(), Some(home.as_str()));
}

#[tokio::test]
async fn setting_up_studio_never_adopts_a_domain_of_the_projects_name_in_another_vpc() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("adopt");
    let (theirs, their_vpc) = colleagues_domain(&session, &project).await;
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(&project)
        .template_body(fenced_template(&project))
        .send()
        .await
        .expect("CreateStack");
    let stack = common::wait_stack(&session, &project, "CREATE_COMPLETE").await;
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ours = ensure_domain_with(&session, &project, &net, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    assert_ne!(
        ours.id, theirs,
        "a new domain in the stack's VPC, not theirs"
    );
    assert_eq!(ours.vpc_id.as_deref(), Some(net.vpc_id.as_str()));
    let mut lines = Vec::new();
    while let Ok(m) = rx.try_recv() {
        lines.push(m.line());
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&theirs) && l.contains(&their_vpc) && l.contains("left alone")),
        "the other domain is reported: {lines:?}"
    );
    let found = studio::stack_domains(&session, &project).await.unwrap();
    assert_eq!(found.ours.map(|d| d.id), Some(ours.id));
    assert_eq!(
        found
            .others
            .iter()
            .map(|d| d.id.clone())
            .collect::<Vec<_>>(),
        vec![theirs]
    );
}

#[tokio::test]
async fn emptying_ends_in_suspended_and_enabled_buckets_with_null_versions() {
    use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let s3 = session.fixtures().s3();
    for status in [
        BucketVersioningStatus::Suspended,
        BucketVersioningStatus::Enabled,
    ] {
        let bucket = common::unique_name(&format!("nulls-{}", status.as_str().to_lowercase()));
        s3.create_bucket().bucket(&bucket).send().await.unwrap();
        let put = |key: &'static str| {
            s3.put_object()
                .bucket(&bucket)
                .key(key)
                .body(b"{}".to_vec().into())
                .send()
        };
        put("written-before-versioning").await.unwrap();
        let versioning = |s: BucketVersioningStatus| {
            s3.put_bucket_versioning()
                .bucket(&bucket)
                .versioning_configuration(VersioningConfiguration::builder().status(s).build())
                .send()
        };
        versioning(BucketVersioningStatus::Enabled).await.unwrap();
        put("written-before-versioning").await.unwrap();
        put("versioned").await.unwrap();
        versioning(status.clone()).await.unwrap();
        put("written-while-suspended-or-enabled").await.unwrap();

        let emptied =
            tokio::time::timeout(Duration::from_secs(30), session.empty_bucket(&bucket, 1))
                .await
                .unwrap_or_else(|_| panic!("emptying the {status:?} bucket never ended"))
                .unwrap();
        assert_eq!(
            (emptied.deleted, emptied.passes, emptied.still_written),
            (4, 1, None),
            "{status:?}: every version, the null ones included, in one pass"
        );
        let left = s3
            .list_object_versions()
            .bucket(&bucket)
            .send()
            .await
            .unwrap();
        assert!(
            left.versions().is_empty() && left.delete_markers().is_empty(),
            "{status:?}: {left:?}"
        );
        s3.delete_bucket().bucket(&bucket).send().await.unwrap();
    }
}

#[tokio::test]
async fn retain_refuses_on_a_stack_whose_rollback_failed_and_works_once_it_is_continued() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("rbfail");
    let domain_id = deployed(&session, &project).await;
    let data = format!("{project}-data");
    let policy = session.bucket_policy(&data).await.unwrap().unwrap();
    // An update whose rollback fails leaves the stack in UPDATE_ROLLBACK_FAILED, where no
    // DeletionPolicy can be changed and RetainResources is not accepted.
    {
        let _faults = emu.settings(json!({
            "fail_resources": {"StudioKmsKey": "Injected update failure"},
            "fail_rollbacks": {"StudioKmsKey": "Injected rollback failure"}
        }));
        let mut template: Value = serde_json::from_str(&fenced_template(&project)).unwrap();
        template["Resources"]["StudioKmsKey"]["Properties"]["Description"] = "changed".into();
        session
            .fixtures()
            .cloudformation()
            .update_stack()
            .stack_name(&project)
            .template_body(template.to_string())
            .send()
            .await
            .expect("UpdateStack");
        common::wait_stack(&session, &project, "UPDATE_ROLLBACK_FAILED").await;
    }

    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    let refusal = plan.refusal(BucketChoice::Retain).expect("refused");
    assert!(refusal.is_refusal(), "{refusal}");
    let before = emu.log_mark();
    let (tx, _rx) = mpsc::unbounded_channel();
    let err = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Retain,
        FAST,
        &tx,
    )
    .await
    .unwrap_err();
    for id in [
        "DataBucket",
        "DataBucketPolicy",
        "ModelsBucket",
        "ModelsBucketPolicy",
    ] {
        assert!(err.message().contains(id), "{id}: {err}");
    }
    assert!(err.message().contains("nothing was deleted"), "{err}");
    let fix = err.fix().unwrap();
    assert!(
        fix.contains(&format!("continue-update-rollback --stack-name {project}")),
        "{fix}"
    );
    assert!(fix.contains("--empty-buckets"), "{fix}");
    assert_eq!(emu.mutating_since(before, REGION), Vec::<String>::new());
    assert_eq!(
        session.bucket_policy(&data).await.unwrap().as_deref(),
        Some(policy.as_str())
    );
    assert!(readable_inside(&session, &data, "notebooks/a.ipynb").await);
    assert!(session.describe_domain(&domain_id).await.unwrap().is_some());

    // The way out it names: continue the rollback, then --retain-buckets keeps everything.
    session
        .fixtures()
        .cloudformation()
        .continue_update_rollback()
        .stack_name(&project)
        .send()
        .await
        .unwrap();
    common::wait_stack(&session, &project, "UPDATE_ROLLBACK_COMPLETE").await;
    let report = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Retain,
        FAST,
        &tx,
    )
    .await
    .unwrap();
    assert!(report.is_clean() && report.stack_deleted, "{report:#?}");
    assert_eq!(
        session.bucket_policy(&data).await.unwrap().as_deref(),
        Some(policy.as_str())
    );
    assert!(readable_inside(&session, &data, "notebooks/a.ipynb").await);
}

/// An IAM role with a path, as an SSO permission set's role has one
/// (`/aws-reserved/sso.amazonaws.com/`), made with a stack of its own. Returns its ARN.
async fn admin_role(session: &Session, project: &str) -> String {
    let stack = format!("{project}-admin");
    let template = json!({
        "Resources": {"Admin": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": format!("{project}-admin"),
            "Path": "/teams/data/",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole"}]}
        }}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Admin", "Arn"]}}}
    });
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(&stack)
        .template_body(template.to_string())
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .send()
        .await
        .expect("CreateStack of the admin role");
    let s = common::wait_stack(session, &stack, "CREATE_COMPLETE").await;
    s.output("Arn").unwrap().to_string()
}

/// A home for the binary whose AWS config has an assume-role profile without
/// `role_session_name`: the SDK names every session it starts `assume-role-from-profile-<ms>`.
fn home_with_role_profile(role_arn: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        format!(
            "[profile rotating]\nrole_arn = {role_arn}\nsource_profile = base\n\n\
             [profile base]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
        ),
    )
    .unwrap();
    home
}

#[tokio::test]
async fn emptying_goes_on_when_the_role_session_changes_between_calls() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("rotate");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    for i in 0..3 {
        put_inside(&session, &data, &format!("notebooks/{i}.ipynb")).await;
    }
    let role_arn = admin_role(&session, &project).await;
    let home = home_with_role_profile(&role_arn);
    // The credentials of that role expire at once: every request of the teardown comes from a
    // new role session, as the requests of an emptying that outlasts its credentials do.
    let _short = emu.settings(json!({"short_credentials": {&role_arn: 0.5}}));
    let before = emu.log_mark();
    let out = common::binary(home.path(), REGION)
        // the SDK takes credentials from the environment before a profile's
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["--profile", "rotating", "--plain", "destroy"])
        .args(["--project-name", &project, "--empty-buckets", "--yes"])
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let actions = emu.actions_since(before, REGION);
    let sessions = actions.iter().filter(|a| *a == "AssumeRole").count();
    assert!(
        sessions >= 3,
        "the teardown ran in {sessions} role session(s): the sandbox did not change them\n\
         {actions:?}\n{stdout}\n{stderr}"
    );
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        out.status.code()
    );
    let role_name = format!("{project}-admin");
    assert!(
        stderr.contains(&format!("every session of the IAM role {role_name}")),
        "the plan says whom the opening admits: {stderr}"
    );
    assert!(
        stderr.contains("SSO permission set"),
        "and what a role-wide opening means: {stderr}"
    );
    assert!(
        stdout.contains(&format!(
            "its policy was opened for every session of the IAM role {role_name}"
        )),
        "the report says it too: {stdout}"
    );
    let gone = session.bucket_policy(&data).await.unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound, "{gone}");
    assert!(
        session
            .describe_stack(&project)
            .await
            .unwrap()
            .is_none_or(|s| s.status.as_str() == "DELETE_COMPLETE")
    );
}

/// The data bucket's policy as a run that was stopped left it: opened for this caller, with
/// the original saved in the state under `home` (what `destroy` saves before its first edit).
async fn leave_open(
    session: &Session,
    home: &std::path::Path,
    project: &str,
    bucket: &str,
) -> String {
    use studio_tui::core::fence::{Exemption, open};
    let original = session.bucket_policy(bucket).await.unwrap().unwrap();
    let me = session.identity().await.unwrap();
    let exemption = Exemption::for_caller(&me.arn, &me.user_id).unwrap();
    let paths = studio_tui::config::Paths::under(&home.join("st"));
    let mut store = studio_tui::state::Store::load(&paths).unwrap();
    let (opened, _) = open(&original, &exemption).unwrap();
    store
        .save_open_fence(
            REGION,
            project,
            studio_tui::state::OpenFence {
                bucket: bucket.to_string(),
                original_policy: original.clone(),
                opened_policy: opened.clone(),
                admits: exemption.admits(),
                saved_at: "2026-01-01T00:00:00Z".into(),
            },
        )
        .unwrap();
    session.put_bucket_policy(bucket, &opened).await.unwrap();
    original
}

fn same_policy(a: &str, b: &str) -> bool {
    serde_json::from_str::<Value>(a).unwrap() == serde_json::from_str::<Value>(b).unwrap()
}

#[tokio::test]
async fn a_policy_changed_since_it_was_left_open_is_not_overwritten() {
    use studio_tui::core::fence::holds_exemption;
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("edited");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    let home = tempfile::tempdir().unwrap();
    leave_open(&session, home.path(), &project, &data).await;
    // Someone edits the opened policy (it still holds the exemption) before the next run.
    let opened = session.bucket_policy(&data).await.unwrap().unwrap();
    let mut edited: Value = serde_json::from_str(&opened).unwrap();
    edited["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "Sid": "AddedByHand",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteBucket",
            "Resource": format!("arn:aws:s3:::{data}"),
        }));
    let edited = edited.to_string();
    session.put_bucket_policy(&data, &edited).await.unwrap();

    let out = common::binary(home.path(), REGION)
        .args(["--plain", "status", "--project-name", &project])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "bucket {data}: a run that was stopped left its policy open"
        )) && stderr.contains("has changed since; studio-tui did not touch it"),
        "{stderr}"
    );
    let now = session.bucket_policy(&data).await.unwrap().unwrap();
    assert!(
        same_policy(&now, &edited),
        "the edited policy is left as it is: {now}"
    );
    assert!(holds_exemption(&now));
    // The saved copy is kept: the next run says it again.
    let out = common::binary(home.path(), REGION)
        .args(["--plain", "status", "--project-name", &project])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("has changed since"),
        "the record is kept"
    );
}

#[tokio::test]
async fn a_policy_left_open_by_a_killed_run_is_put_back_by_the_next_run() {
    use studio_tui::core::fence::holds_exemption;
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("killed");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    let models = format!("{project}-models");
    let home = tempfile::tempdir().unwrap();
    let original = leave_open(&session, home.path(), &project, &data).await;
    assert!(holds_exemption(
        &session.bucket_policy(&data).await.unwrap().unwrap()
    ));
    assert!(
        readable_inside(&session, &data, "notebooks/a.ipynb").await,
        "the data is still there"
    );
    // A saved copy whose bucket was closed since (by hand): left as it is, and forgotten.
    let models_policy = session.bucket_policy(&models).await.unwrap().unwrap();
    {
        let paths = studio_tui::config::Paths::under(&home.path().join("st"));
        let mut store = studio_tui::state::Store::load(&paths).unwrap();
        store
            .save_open_fence(
                REGION,
                &project,
                studio_tui::state::OpenFence {
                    bucket: models.clone(),
                    original_policy: "{\"Statement\":[]}".into(),
                    opened_policy: String::new(),
                    admits: "x".into(),
                    saved_at: String::new(),
                },
            )
            .unwrap();
    }

    // --read-only says what is open and changes nothing.
    let before = emu.log_mark();
    let out = common::binary(home.path(), REGION)
        .args([
            "--read-only",
            "--plain",
            "status",
            "--project-name",
            &project,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "bucket {data}: a run that was stopped left its policy open"
        )) && stderr.contains("without --read-only"),
        "{stderr}"
    );
    assert_eq!(emu.mutating_since(before, REGION), Vec::<String>::new());
    assert!(holds_exemption(
        &session.bucket_policy(&data).await.unwrap().unwrap()
    ));

    // The next run of any command for the project puts the original back.
    let out = common::binary(home.path(), REGION)
        .args(["--plain", "status", "--project-name", &project])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "bucket {data}: a run that was stopped had left its policy open"
        )) && stderr.contains("the original policy is back (checked with GetBucketPolicy)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("bucket {models}: a run that was stopped had opened its policy; it holds no exemption any more")),
        "{stderr}"
    );
    let now = session.bucket_policy(&data).await.unwrap().unwrap();
    assert!(same_policy(&now, &original), "{now}");
    assert!(!holds_exemption(&now));
    assert!(
        same_policy(
            &session.bucket_policy(&models).await.unwrap().unwrap(),
            &models_policy
        ),
        "a policy without an exemption is never overwritten"
    );
    let paths = studio_tui::config::Paths::under(&home.path().join("st"));
    let store = studio_tui::state::Store::load(&paths).unwrap();
    assert!(
        store.open_fences(REGION, &project).is_empty(),
        "the saved copies are gone"
    );
    // Nothing is left to do the time after.
    let before = emu.log_mark();
    let out = common::binary(home.path(), REGION)
        .args(["--plain", "status", "--project-name", &project])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("a run that was stopped"));
    assert!(
        !emu.actions_since(before, REGION)
            .iter()
            .any(|a| a == "PutBucketPolicy")
    );
}

#[tokio::test]
async fn a_policy_that_holds_the_exemption_is_never_taken_for_the_original() {
    use studio_tui::core::fence::holds_exemption;
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("exempt");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    // Opened by a run on another machine: no saved copy here.
    let elsewhere = tempfile::tempdir().unwrap();
    leave_open(&session, elsewhere.path(), &project, &data).await;
    let opened = session.bucket_policy(&data).await.unwrap().unwrap();

    let plan = destroy::plan(&session, &project, &project).await.unwrap();
    assert!(plan.buckets[0].exempted, "{plan:#?}");
    let before = emu.log_mark();
    let (tx, _rx) = mpsc::unbounded_channel();
    for choice in [BucketChoice::Empty, BucketChoice::Retain] {
        let err = destroy::destroy_with(&session, &project, &project, choice, FAST, &tx)
            .await
            .unwrap_err();
        assert!(err.is_refusal(), "{err}");
        assert!(
            err.message()
                .contains("still holds an aws:userid exemption")
                && err.message().contains("nothing was deleted"),
            "{err}"
        );
        assert!(err.fix().unwrap().contains("drift --revert"), "{err}");
    }
    assert_eq!(emu.mutating_since(before, REGION), Vec::<String>::new());
    let now = session.bucket_policy(&data).await.unwrap().unwrap();
    assert_eq!(now, opened, "left as it was");
    assert!(holds_exemption(&now));
}

/// Spawn the binary's teardown of `project` (`--empty-buckets --yes --plain`) with the bucket
/// deletes held by the sandbox, wait until one is in flight, send `signal`, and return how the
/// process ended with its stderr.
async fn interrupt_emptying(
    home: &std::path::Path,
    project: &str,
    signal: libc::c_int,
) -> (std::process::ExitStatus, String) {
    use std::io::Read;
    let emu = common::emulator();
    let _stall = emu.settings(json!({"stall": {REGION: ["DeleteObjects"]}}));
    let before = emu.log_mark();
    let mut child = common::binary_std(home, REGION)
        .args([
            "--plain",
            "destroy",
            "--project-name",
            project,
            "--empty-buckets",
            "--yes",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    // The emptying is under way once a DeleteObjects has reached the sandbox (and is held).
    let mut waited = 0;
    while !emu
        .actions_since(before, REGION)
        .iter()
        .any(|a| a == "DeleteObjects")
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the teardown ended before emptying"
        );
        waited += 1;
        assert!(waited < 3000, "no DeleteObjects reached the sandbox");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // SAFETY: kill(2) on the pid of a child this test spawned and has not reaped.
    #[allow(unsafe_code)]
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0, "kill");
    let status = child.wait().unwrap();
    (status, reader.join().unwrap())
}

#[tokio::test]
async fn ctrl_c_or_sigterm_while_emptying_puts_the_policy_back_before_exiting() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    for (signal, name) in [
        (libc::SIGINT, "Ctrl-C (SIGINT)"),
        (libc::SIGTERM, "SIGTERM"),
    ] {
        let project = common::unique_name("signal");
        let domain_id = deployed(&session, &project).await;
        let data = format!("{project}-data");
        let original = session.bucket_policy(&data).await.unwrap().unwrap();
        let home = tempfile::tempdir().unwrap();
        let (status, stderr) = interrupt_emptying(home.path(), &project, signal).await;
        assert_eq!(status.code(), Some(130), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "bucket {data}: original policy put back (checked with GetBucketPolicy)"
            )),
            "{name}: the restore ran and was reported: {stderr}"
        );
        assert!(
            stderr.contains(&format!("stopped by {name} while emptying bucket {data}")),
            "{name}: {stderr}"
        );
        let now = session.bucket_policy(&data).await.unwrap().unwrap();
        assert!(same_policy(&now, &original), "{name}: {now}");
        let paths = studio_tui::config::Paths::under(&home.path().join("st"));
        let store = studio_tui::state::Store::load(&paths).unwrap();
        assert!(store.open_fences(REGION, &project).is_empty(), "{name}");
        // nothing else was deleted
        assert!(
            session.describe_domain(&domain_id).await.unwrap().is_some(),
            "{name}"
        );
        assert!(
            session
                .describe_stack(&project)
                .await
                .unwrap()
                .is_some_and(|s| s.status.as_str() == "CREATE_COMPLETE"),
            "{name}"
        );
    }
}

/// A JupyterLab app of `user` in the domain, running.
async fn running_app(session: &Session, domain_id: &str, user: &str) {
    use aws_sdk_sagemaker::types::AppType;
    let sm = session.fixtures().sagemaker();
    sm.create_user_profile()
        .domain_id(domain_id)
        .user_profile_name(user)
        .send()
        .await
        .expect("CreateUserProfile");
    sm.create_app()
        .domain_id(domain_id)
        .user_profile_name(user)
        .app_type(AppType::JupyterServer)
        .app_name("default")
        .send()
        .await
        .expect("CreateApp");
}

#[tokio::test]
async fn an_app_that_saves_its_work_as_it_stops_is_emptied_after_the_domain() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("writer");
    let domain_id = deployed(&session, &project).await;
    running_app(&session, &domain_id, "alice").await;
    let data = format!("{project}-data");
    // The app writes a checkpoint into the data bucket when it is deleted.
    let _writer = emu.settings(
        json!({"s3_writers": {&data: {"on": "DeleteApp", "domain": &domain_id, "writes": 1}}}),
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    let steps: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
        .map(|m| m.line())
        .collect();
    assert!(report.is_clean(), "{report:#?}\n{steps:#?}");
    assert!(report.domain_deleted && report.stack_deleted);
    assert_eq!(
        report
            .emptied
            .iter()
            .find(|(b, _)| *b == data)
            .map(|(_, n)| *n),
        Some(2),
        "the notebook, then the checkpoint written as the app stopped: {report:#?}"
    );
    let domain_gone = steps
        .iter()
        .position(|s| s.contains("domain") && s.contains("deleted"));
    let again = steps
        .iter()
        .position(|s| s.contains("emptying the buckets again"));
    assert!(
        matches!((domain_gone, again), (Some(d), Some(a)) if d < a),
        "the final pass comes after the domain: {steps:#?}"
    );
}

#[tokio::test]
async fn a_bucket_written_to_after_the_last_pass_is_emptied_again_a_bounded_number_of_times() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    // One write when the stack delete starts (a job in the VPC): emptied once more, retried.
    let project = common::unique_name("late");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    {
        let _writer =
            emu.settings(json!({"s3_writers": {&data: {"on": "DeleteStack", "writes": 1}}}));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let report =
            destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
                .await
                .unwrap();
        let steps: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
            .map(|m| m.line())
            .collect();
        assert!(
            report.is_clean() && report.stack_deleted,
            "{report:#?}\n{steps:#?}"
        );
        assert!(
            steps
                .iter()
                .any(|s| s.contains(&format!("CloudFormation found bucket(s) {data} not empty"))),
            "{steps:#?}"
        );
    }
    // A writer that never stops: the teardown stops after its retries and says why.
    let project = common::unique_name("busy");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    let _writer =
        emu.settings(json!({"s3_writers": {&data: {"on": "DeleteStack", "writes": 100}}}));
    let (tx, _rx) = mpsc::unbounded_channel();
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    assert!(!report.stack_deleted, "{report:#?}");
    let stopped = report.stopped.clone().expect("stopped with a reason");
    assert!(
        stopped.message().contains(&format!(
            "bucket(s) {data} were written to again after each of 3 emptying passes"
        )),
        "{stopped}"
    );
    assert!(
        stopped
            .fix()
            .unwrap()
            .contains("stop what writes to the bucket"),
        "{stopped}"
    );
}

#[tokio::test]
async fn a_bucket_still_written_to_after_the_apps_are_gone_stops_before_the_stack() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("writes");
    let domain_id = deployed(&session, &project).await;
    let data = format!("{project}-data");
    // Something outside Studio writes after every delete: deleting the apps does not stop it.
    let _writer =
        emu.settings(json!({"s3_writers": {&data: {"on": "DeleteObjects", "writes": 1000}}}));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    let steps: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
        .map(|m| m.line())
        .collect();
    assert!(
        steps.iter().any(|s| s.contains(&format!(
            "bucket {data} is still being written to: the Studio apps are deleted next"
        ))),
        "{steps:#?}"
    );
    assert!(
        report.domain_deleted,
        "the first sweep does not stop the teardown: {report:#?}"
    );
    assert!(!report.stack_deleted, "{report:#?}");
    let stopped = report.stopped.clone().expect("stopped");
    assert!(
        stopped.message().contains(&format!("bucket(s) {data} are still being written to after the Studio apps and domain were deleted: 3 complete pass(es)")),
        "{stopped}"
    );
    assert!(
        stopped.message().contains("writer/"),
        "names what it found: {stopped}"
    );
    assert!(session.describe_domain(&domain_id).await.unwrap().is_none());
    // the policy is back after every pass
    let policy = session.bucket_policy(&data).await.unwrap().unwrap();
    assert!(
        !studio_tui::core::fence::holds_exemption(&policy),
        "{policy}"
    );
}

#[tokio::test]
async fn two_domains_of_the_projects_name_in_its_vpc_stop_the_teardown() {
    use aws_sdk_sagemaker::types::{AppNetworkAccessType, AuthMode, UserSettings};
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("twins");
    let ours = deployed(&session, &project).await;
    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let copy = session
        .fixtures()
        .sagemaker()
        .create_domain()
        .domain_name(&project)
        .auth_mode(AuthMode::Iam)
        .app_network_access_type(AppNetworkAccessType::VpcOnly)
        .vpc_id(&net.vpc_id)
        .set_subnet_ids(Some(net.subnet_ids.clone()))
        .default_user_settings(
            UserSettings::builder()
                .execution_role("arn:aws:iam::123456789012:role/mini-notebook-role")
                .build(),
        )
        .send()
        .await
        .expect("CreateDomain: a second domain of one name in the same VPC")
        .domain_arn()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let before = emu.log_mark();
    let (tx, _rx) = mpsc::unbounded_channel();
    let err = destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
        .await
        .unwrap_err();
    assert!(err.is_refusal(), "{err}");
    assert!(
        err.message().contains(&ours) && err.message().contains(&copy),
        "names both domains: {err}"
    );
    assert!(err.message().contains("nothing was deleted"), "{err}");
    assert!(err.fix().unwrap().contains("delete-domain"), "{err}");
    assert_eq!(emu.mutating_since(before, REGION), Vec::<String>::new());
    for id in [&ours, &copy] {
        assert!(session.describe_domain(id).await.unwrap().is_some());
    }
}

/// "Bucket configurations have an eventual consistency model" (S3 user guide): right after
/// PutBucketPolicy, GetBucketPolicy may still show the policy it replaced. The check that the
/// original is back reads again with a bounded backoff instead of reporting a failure at once,
/// and says so when S3 never shows it.
#[tokio::test]
async fn a_policy_put_back_is_read_again_until_s3_shows_it() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("lag");
    deployed(&session, &project).await;
    let data = format!("{project}-data");
    let models = format!("{project}-models");
    let original = session.bucket_policy(&data).await.unwrap().unwrap();
    {
        // Three reads after each put still show the policy before it.
        let _lag = emu.settings(json!({"s3_policy_lag": {&data: 3, &models: 3}}));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let report =
            destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
                .await
                .unwrap();
        let steps: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
            .map(|m| m.line())
            .collect();
        assert!(
            report.is_clean() && report.stack_deleted,
            "{report:#?}\n{steps:#?}"
        );
        assert!(
            steps
                .iter()
                .any(|s| s.contains(&format!("bucket {data}: original policy put back"))),
            "{steps:#?}"
        );
    }
    // A bucket that never shows the policy put back: a bounded number of reads, then a failure
    // that says how long it waited.
    let bucket = common::unique_name("lagging");
    session
        .fixtures()
        .s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    session
        .put_bucket_policy(&bucket, &original.replace(&data, &bucket))
        .await
        .unwrap();
    let before = session.bucket_policy(&bucket).await.unwrap().unwrap();
    let _lag = emu.settings(json!({"s3_policy_lag": {&bucket: 1000}}));
    let back = studio_tui::ops::fence::put_back(&session, &bucket, &before).await;
    assert!(
        back.is_ok(),
        "the same policy again reads the same: {back:?}"
    );
    let opened = before.replace(
        "DenyDataAccessOutsideVpcEndpoint",
        "DenyDataAccessOutsideVpcEndpointEdited",
    );
    assert_ne!(opened, before);
    let e = studio_tui::ops::fence::put_back(&session, &bucket, &opened)
        .await
        .unwrap_err();
    assert!(
        e.message().contains(&format!(
            "bucket {bucket} still did not show its original policy in 6 GetBucketPolicy reads \
             over 6.2s"
        )),
        "{e}"
    );
}
