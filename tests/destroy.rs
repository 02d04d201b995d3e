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
const FAST: Poll = Poll {
    initial: Duration::from_millis(20),
    max: Duration::from_millis(200),
    timeout: Duration::from_secs(60),
};

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

async fn wait_stack(
    session: &Session,
    project: &str,
    want: &str,
) -> studio_tui::aws::stacks::StackInfo {
    for _ in 0..600 {
        let s = session.describe_stack(project).await.unwrap().unwrap();
        if !s.is_in_progress() {
            assert_eq!(s.status.as_str(), want, "{s:?}");
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("stack {project} did not settle");
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
    let stack = wait_stack(session, project, "CREATE_COMPLETE").await;
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let d = ensure_domain_with(session, project, &net, FAST, &tx)
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
        steps
            .iter()
            .any(|s| s.contains("adding") && s.contains("exceptions")),
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
    destroy::delete_domain_tree(&session, &d, FAST, &tx)
        .await
        .unwrap();
    session
        .delete_stack(&project, "other-tool-1", &[])
        .await
        .unwrap();
    let stack = wait_stack(&session, &project, "DELETE_FAILED").await;
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
    wait_stack(&session, &project, "CREATE_COMPLETE").await;
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
    let stack = wait_stack(&session, &project, "CREATE_COMPLETE").await;
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ours = ensure_domain_with(&session, &project, &net, FAST, &tx)
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

        let deleted = tokio::time::timeout(Duration::from_secs(30), session.empty_bucket(&bucket))
            .await
            .unwrap_or_else(|_| panic!("emptying the {status:?} bucket never ended"))
            .unwrap();
        assert_eq!(
            deleted, 4,
            "{status:?}: every version, the null ones included"
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
        wait_stack(&session, &project, "UPDATE_ROLLBACK_FAILED").await;
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
    wait_stack(&session, &project, "UPDATE_ROLLBACK_COMPLETE").await;
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
