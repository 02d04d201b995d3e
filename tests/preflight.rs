//! Preflight against the local emulator over real HTTP, the real binary's exit codes and JSON,
//! and DescribeVpcs pagination against aws-smithy-mocks.
//!
//! The emulator is shared by the tests of this binary, so each test seeds its VPCs in a region
//! of its own; us-east-1 holds the `--seed-vpcs` fixture (and us-west-2 its peer VPC).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::sync::Once;

use studio_tui::aws::Session;
use studio_tui::core::cidr::{BlockSource, find_conflicts};
use studio_tui::core::finding::{Finding, FindingCode, Severity};
use studio_tui::core::params::ParamsDraft;
use studio_tui::ops::preflight::{self, CheckId, CheckStatus, PreflightInput, PreflightReport};

fn fixture() {
    static SEEDED: Once = Once::new();
    SEEDED.call_once(|| {
        common::emulator().control_post("/_studio/seed", &serde_json::json!({"fixture": true}));
    });
}

async fn create_vpc(session: &Session, cidr: &str) -> String {
    session
        .fixtures()
        .ec2()
        .create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .expect("CreateVpc")
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_string()
}

fn params(project: &str, vpc: &str, subnets: [&str; 3]) -> ParamsDraft {
    ParamsDraft {
        project_name: project.into(),
        vpc_cidr: vpc.into(),
        firewall_subnet_cidr: subnets[0].into(),
        nat_subnet_cidr: subnets[1].into(),
        studio_subnet_cidr: subnets[2].into(),
        ..ParamsDraft::default()
    }
}

fn default_subnets() -> [&'static str; 3] {
    ["10.2.1.0/24", "10.2.2.0/24", "10.2.3.0/24"]
}

async fn run(session: &Session, parameters: ParamsDraft, all_regions: bool) -> PreflightReport {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    preflight::run(
        session,
        PreflightInput {
            parameters,
            users: 5,
            all_regions,
        },
        tx,
    )
    .await
}

fn with_code(r: &PreflightReport, code: FindingCode) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.code == code).collect()
}

fn codes(r: &PreflightReport) -> Vec<FindingCode> {
    r.findings.iter().map(|f| f.code).collect()
}

/// The suggestion (when there is one) overlaps nothing that was found.
fn assert_suggestion_is_free(r: &PreflightReport) {
    if let Some(s) = &r.suggestion {
        assert!(
            find_conflicts(s.vpc, &r.existing).is_empty(),
            "suggestion {} conflicts",
            s.vpc
        );
        assert!(s.vpc.contains(&s.firewall_subnet) && s.vpc.contains(&s.studio_subnet));
    }
}

#[tokio::test]
async fn exact_overlap_is_an_error_with_a_free_suggestion() {
    let emu = common::emulator();
    let session = emu.session("eu-north-1").await;
    create_vpc(&session, "10.2.0.0/16").await;
    let name = common::unique_name("pf-exact");
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    let hits = with_code(&r, FindingCode::CidrConflictExact);
    assert_eq!(hits.len(), 1, "{:?}", codes(&r));
    assert_eq!(hits[0].severity, Severity::Error);
    assert!(
        hits[0].message.contains("eu-north-1"),
        "{}",
        hits[0].message
    );
    // One sentence: the planned block, how it meets the existing one, and which one that is.
    assert!(
        hits[0]
            .message
            .starts_with("10.2.0.0/16 is the same block as 10.2.0.0/16, the primary block of vpc-"),
        "{}",
        hits[0].message
    );
    assert!(!r.ok());
    let s = r.suggestion.expect("a suggestion");
    assert_eq!(s.vpc.prefix_len(), 16);
    assert_eq!(s.firewall_subnet.prefix_len(), 24);
    assert_eq!(
        u32::from(s.nat_subnet.network()) - u32::from(s.vpc.network()),
        2 << 8,
        "same layout"
    );
    assert_suggestion_is_free(&r);
    let network = r.checks.iter().find(|c| c.id == CheckId::Network).unwrap();
    assert_eq!(network.status, CheckStatus::Fail);
}

#[tokio::test]
async fn planned_superset_of_an_existing_vpc() {
    let emu = common::emulator();
    let session = emu.session("ap-south-2").await;
    create_vpc(&session, "10.2.5.0/24").await;
    let name = common::unique_name("pf-super");
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    assert_eq!(
        with_code(&r, FindingCode::CidrConflictContains).len(),
        1,
        "{:?}",
        codes(&r)
    );
    assert!(!r.ok());
    assert_suggestion_is_free(&r);
}

#[tokio::test]
async fn planned_subset_of_an_existing_vpc() {
    let emu = common::emulator();
    let session = emu.session("ap-southeast-3").await;
    create_vpc(&session, "10.2.0.0/16").await;
    let name = common::unique_name("pf-sub");
    let r = run(
        &session,
        params(
            &name,
            "10.2.16.0/20",
            ["10.2.17.0/24", "10.2.18.0/24", "10.2.19.0/24"],
        ),
        false,
    )
    .await;
    assert_eq!(
        with_code(&r, FindingCode::CidrConflictInside).len(),
        1,
        "{:?}",
        codes(&r)
    );
    assert_suggestion_is_free(&r);
    let s = r.suggestion.expect("suggestion");
    assert_eq!(s.vpc.prefix_len(), 20);
}

#[tokio::test]
async fn adjacent_blocks_do_not_conflict() {
    let emu = common::emulator();
    let session = emu.session("eu-south-1").await;
    create_vpc(&session, "10.1.0.0/16").await;
    create_vpc(&session, "10.3.0.0/16").await;
    let name = common::unique_name("pf-adj");
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    assert!(
        !codes(&r)
            .iter()
            .any(|c| c.as_str().starts_with("CIDR_CONFLICT")),
        "{:?}",
        codes(&r)
    );
    assert!(r.ok(), "{:#?}", r.findings);
    assert!(r.suggestion.is_none());
    let network = r.checks.iter().find(|c| c.id == CheckId::Network).unwrap();
    assert_eq!(network.status, CheckStatus::Pass);
    // the existing blocks are kept for the CIDR map
    assert!(
        r.existing
            .iter()
            .any(|b| b.cidr.to_string() == "10.3.0.0/16")
    );
}

#[tokio::test]
async fn secondary_block_conflicts() {
    fixture();
    let session = common::emulator().session("us-east-1").await;
    let name = common::unique_name("pf-second");
    let r = run(
        &session,
        params(
            &name,
            "10.3.0.0/16",
            ["10.3.1.0/24", "10.3.2.0/24", "10.3.3.0/24"],
        ),
        false,
    )
    .await;
    let hit = r
        .findings
        .iter()
        .find(|f| f.code == FindingCode::CidrConflictExact)
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert!(hit.message.contains("secondary block"), "{}", hit.message);
    assert!(
        r.existing
            .iter()
            .any(|b| matches!(b.source, BlockSource::VpcSecondary { .. })
                && b.cidr.to_string() == "10.3.0.0/16")
    );
    assert_suggestion_is_free(&r);
}

#[tokio::test]
async fn peer_in_another_region_conflicts() {
    fixture();
    let session = common::emulator().session("us-east-1").await;
    let name = common::unique_name("pf-peer");
    let r = run(
        &session,
        params(
            &name,
            "10.4.0.0/16",
            ["10.4.1.0/24", "10.4.2.0/24", "10.4.3.0/24"],
        ),
        false,
    )
    .await;
    let peer = r
        .existing
        .iter()
        .find(|b| b.cidr.to_string() == "10.4.0.0/16")
        .unwrap_or_else(|| panic!("peer block missing: {:#?}", r.existing));
    match &peer.source {
        BlockSource::PeeringPeer { peer_region, .. } => assert_eq!(peer_region, "us-west-2"),
        other => panic!("not a peer: {other:?}"),
    }
    let hit = with_code(&r, FindingCode::CidrConflictExact);
    assert_eq!(hit.len(), 1, "{:?}", codes(&r));
    assert_eq!(hit[0].severity, Severity::Error);
    assert!(hit[0].message.contains("peering"), "{}", hit[0].message);
    assert_suggestion_is_free(&r);
}

#[tokio::test]
async fn transit_gateway_route_conflicts() {
    fixture();
    let session = common::emulator().session("us-east-1").await;
    let name = common::unique_name("pf-tgw");
    let r = run(
        &session,
        params(
            &name,
            "10.5.0.0/16",
            ["10.5.1.0/24", "10.5.2.0/24", "10.5.3.0/24"],
        ),
        false,
    )
    .await;
    let hit = with_code(&r, FindingCode::CidrConflictExact);
    assert_eq!(hit.len(), 1, "{:#?}", r.existing);
    assert!(
        hit[0].message.contains("transit gateway"),
        "{}",
        hit[0].message
    );
    assert_suggestion_is_free(&r);
    // the suggestion avoids every fixture block (10.0, 10.2, 10.3, 10.4, 10.5)
    let s = r.suggestion.unwrap();
    for used in [
        "10.0.0.0/16",
        "10.2.0.0/16",
        "10.3.0.0/16",
        "10.4.0.0/16",
        "10.5.0.0/16",
    ] {
        assert_ne!(s.vpc.to_string(), used);
    }
}

#[tokio::test]
async fn same_range_in_another_region_warns_only_with_all_regions() {
    let emu = common::emulator();
    let elsewhere = emu.session("sa-east-1").await;
    create_vpc(&elsewhere, "10.9.0.0/16").await;
    let session = emu.session("me-south-1").await;
    let name = common::unique_name("pf-allreg");
    let p = params(
        &name,
        "10.9.0.0/16",
        ["10.9.1.0/24", "10.9.2.0/24", "10.9.3.0/24"],
    );
    let local = run(&session, p.clone(), false).await;
    assert!(local.ok(), "{:#?}", local.findings);
    assert!(!codes(&local).contains(&FindingCode::CidrConflictExact));

    let all = run(&session, p, true).await;
    let hit = with_code(&all, FindingCode::CidrConflictExact);
    assert_eq!(hit.len(), 1, "{:?}", codes(&all));
    assert_eq!(hit[0].severity, Severity::Warning);
    assert!(hit[0].message.contains("sa-east-1"), "{}", hit[0].message);
    assert!(all.ok(), "warnings do not block: {:#?}", all.findings);
    let check = all
        .checks
        .iter()
        .find(|c| c.id == CheckId::AllRegions)
        .unwrap();
    assert_eq!(check.status, CheckStatus::Warn);
    assert_suggestion_is_free(&all);
}

#[tokio::test]
async fn existing_bucket_is_reported() {
    let emu = common::emulator();
    let session = emu.session("eu-west-3").await;
    let name = common::unique_name("pf-bucket");
    session
        .fixtures()
        .s3()
        .create_bucket()
        .bucket(format!("{name}-data"))
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest3)
                .build(),
        )
        .send()
        .await
        .expect("CreateBucket");
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    let hit = with_code(&r, FindingCode::BucketExists);
    assert_eq!(hit.len(), 1, "{:#?}", r.findings);
    assert!(hit[0].message.contains(&format!("{name}-data")));
    assert!(hit[0].message.contains("already exists in your account"));
    // not the stack's (there is none): creating the stack would fail on it
    assert_eq!(hit[0].severity, Severity::Error);
    assert!(!r.ok());
    // the other bucket name is free
    assert!(!hit[0].message.contains("-models"));
}

/// Over HTTP: a bucket of the project's name in another region answers HeadBucket 400 with
/// `x-amz-bucket-region` (the sandbox, as S3): reported as taken in that region, not as a check
/// that could not run.
#[tokio::test]
async fn a_bucket_in_another_region_is_taken_there() {
    let emu = common::emulator();
    let elsewhere = emu.session("eu-west-1").await;
    let name = common::unique_name("pf-far");
    elsewhere
        .fixtures()
        .s3()
        .create_bucket()
        .bucket(format!("{name}-data"))
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .expect("CreateBucket");
    let session = emu.session("eu-west-3").await;
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    let hit = with_code(&r, FindingCode::BucketOtherRegion);
    assert_eq!(hit.len(), 1, "{:#?}", r.findings);
    assert!(
        hit[0]
            .message
            .contains(&format!("{name}-data is taken in eu-west-1")),
        "{}",
        hit[0].message
    );
    assert!(
        hit[0].message.contains("this project's own bucket"),
        "{}",
        hit[0].message
    );
    assert!(
        with_code(&r, FindingCode::CheckFailed).is_empty(),
        "not a check that failed: {:#?}",
        r.findings
    );
    assert!(!r.ok());
}

/// Over HTTP: the stack's own bucket (its physical id) is fine, a same-named bucket outside the
/// stack blocks.
#[tokio::test]
async fn buckets_are_tied_to_the_stacks_resources() {
    let emu = common::emulator();
    let session = emu.session("eu-west-3").await;
    let name = common::unique_name("pf-own");
    let template = serde_json::json!({
        "Resources": {
            "DataBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": format!("{name}-data")}}
        }
    });
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(&name)
        .template_body(template.to_string())
        .send()
        .await
        .expect("CreateStack");
    for _ in 0..100 {
        let s = session.describe_stack(&name).await.unwrap().unwrap();
        if s.status.as_str() == "CREATE_COMPLETE" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    session
        .fixtures()
        .s3()
        .create_bucket()
        .bucket(format!("{name}-models"))
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest3)
                .build(),
        )
        .send()
        .await
        .expect("CreateBucket");
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    let buckets = with_code(&r, FindingCode::BucketExists);
    let data = buckets
        .iter()
        .find(|f| f.message.contains(&format!("{name}-data")))
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert_eq!(data.severity, Severity::Info, "{}", data.message);
    let models = buckets
        .iter()
        .find(|f| f.message.contains(&format!("{name}-models")))
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert_eq!(models.severity, Severity::Error, "{}", models.message);
    assert!(
        models.message.contains("not one of the stack"),
        "{}",
        models.message
    );
}

#[tokio::test]
async fn bad_inputs_get_specific_messages() {
    let emu = common::emulator();
    let session = emu.session("eu-central-2").await;
    let mut p = params(
        "My_Project",
        "10.2.0.0",
        ["10.2.1.0/24", "10.3.2.0/24", "10.2.3.0/33"],
    );
    p.availability_zone = Some("eu-central-2z".into());
    let r = run(&session, p, false).await;
    assert!(!r.ok());
    let c = codes(&r);
    assert!(
        c.iter().any(|c| c.as_str().starts_with("PROJECT_NAME_")),
        "{c:?}"
    );
    let missing = with_code(&r, FindingCode::CidrMissingPrefix);
    assert_eq!(missing.len(), 1, "{c:?}");
    assert!(missing[0].message.contains("10.2.0.0 has no prefix length"));
    assert!(c.contains(&FindingCode::AzNotInRegion), "{c:?}");
    let az = with_code(&r, FindingCode::AzNotInRegion);
    assert!(az[0].message.contains("eu-central-2z"));
    assert!(az[0].fix.contains("eu-central-2a"), "{}", az[0].fix);
    // an invalid name is not looked up: no bucket / export / domain checks ran
    assert!(!r.checks.iter().any(|c| c.id == CheckId::Buckets));
    assert!(r.suggestion.is_none());
}

#[tokio::test]
async fn stack_states_are_reported() {
    use studio_tui::aws::stacks::StackInfo;
    let mut s = StackInfo {
        stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/1".into(),
        stack_name: "demo".into(),
        status: "ROLLBACK_COMPLETE".into(),
        status_reason: Some("The following resource(s) failed to create: [NatGateway]".into()),
        outputs: Default::default(),
        parameters: Default::default(),
        creation_time: None,
        last_updated_time: None,
    };
    let f = preflight::stack_finding(&s);
    assert_eq!(f.code, FindingCode::StackRollbackComplete);
    assert!(f.is_error());
    assert!(
        f.fix
            .contains("`studio-tui deploy --recreate` deletes demo"),
        "{}",
        f.fix
    );
    s.status = "CREATE_IN_PROGRESS".into();
    assert_eq!(
        preflight::stack_finding(&s).code,
        FindingCode::StackInProgress
    );
    s.status = "UPDATE_ROLLBACK_FAILED".into();
    assert_eq!(preflight::stack_finding(&s).code, FindingCode::StackFailed);
    s.status = "CREATE_COMPLETE".into();
    assert_eq!(preflight::stack_finding(&s).severity, Severity::Info);
}

#[tokio::test]
async fn existing_stack_in_the_emulator_is_found() {
    let emu = common::emulator();
    let session = emu.session("ca-central-1").await;
    let name = common::unique_name("pf-stack");
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(&name)
        .template_body(r#"{"Resources":{"Topic":{"Type":"AWS::SNS::Topic","Properties":{}}}}"#)
        .send()
        .await
        .expect("CreateStack");
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    let hit = r
        .findings
        .iter()
        .find(|f| f.code.as_str().starts_with("STACK_"))
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert!(hit.message.contains(&name), "{}", hit.message);
}

#[tokio::test]
async fn preflight_is_read_only() {
    let emu = common::emulator();
    let session = emu.read_only_session("eu-west-2").await;
    let name = common::unique_name("pf-ro");
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        true,
    )
    .await;
    assert!(
        !codes(&r).contains(&FindingCode::CheckFailed),
        "a check was refused in read-only mode: {:#?}",
        r.findings
    );
    assert!(r.identity.is_some());
}

// ---- the real binary ----

fn cli(region: &str, args: &[&str]) -> (i32, String, String) {
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("studio-tui")
        .unwrap()
        .args([
            "--endpoint-url",
            &emu.endpoint,
            "--region",
            region,
            "preflight",
        ])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env("STUDIO_TUI_HOME", home.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_exit_0_and_json_shape_when_nothing_blocks() {
    let name = common::unique_name("pf-cli-ok");
    let (code, out, err) = cli("af-south-1", &["--project-name", &name, "--json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(doc["ok"], true);
    assert!(doc["suggestion"].is_null());
    for f in doc["findings"].as_array().unwrap() {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 4, "{f}");
        for k in ["severity", "code", "message", "fix"] {
            assert!(f[k].is_string(), "{f}");
        }
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
    }
}

#[test]
fn cli_exit_1_with_conflict_and_suggestion() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = common::emulator().session("il-central-1").await;
        create_vpc(&s, "10.2.0.0/16").await;
    });
    let name = common::unique_name("pf-cli-conflict");
    let (code, out, err) = cli("il-central-1", &["--project-name", &name, "--json"]);
    assert_eq!(code, 1, "{out}\n{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["ok"], false);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "CIDR_CONFLICT_EXACT" && f["severity"] == "error")
    );
    let s = &doc["suggestion"];
    assert!(
        s["vpc_cidr"].is_string() && s["studio_subnet_cidr"].is_string(),
        "{s}"
    );
    assert_ne!(s["vpc_cidr"], "10.2.0.0/16");
    // the plain output names the flags to use it
    let (code, out, _) = cli("il-central-1", &["--project-name", &name]);
    assert_eq!(code, 1);
    assert!(out.contains("Suggested free range"), "{out}");
    assert!(out.contains("--vpc-cidr"), "{out}");
    assert!(out.contains("✘"), "{out}");
}

#[test]
fn cli_bad_cidr_is_a_finding_exit_1() {
    let (code, out, err) = cli("me-central-1", &["--vpc-cidr", "10.2.0.0", "--json"]);
    assert_eq!(code, 1, "{out}\n{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "CIDR_MISSING_PREFIX")
        .expect("missing-prefix finding");
    assert_eq!(f["severity"], "error");
}

#[test]
fn cli_unparsable_arguments_exit_2() {
    let (code, _, err) = cli("me-central-1", &["--users", "many"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = cli("me-central-1", &["--no-such-flag"]);
    assert_eq!(code, 2);
}

// ---- pagination, against aws-smithy-mocks ----

#[tokio::test]
async fn describe_vpcs_is_read_across_pages() {
    use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput;
    use aws_sdk_ec2::types::{
        Vpc, VpcCidrBlockAssociation, VpcCidrBlockState, VpcCidrBlockStateCode,
    };
    use aws_smithy_mocks::{MockResponseInterceptor, RuleMode, create_mock_http_client, mock};

    let assoc = |cidr: &str, state: VpcCidrBlockStateCode| {
        VpcCidrBlockAssociation::builder()
            .cidr_block(cidr)
            .cidr_block_state(VpcCidrBlockState::builder().state(state).build())
            .build()
    };
    let page1 = mock!(aws_sdk_ec2::Client::describe_vpcs)
        .match_requests(|r| r.next_token().is_none())
        .then_output(move || {
            DescribeVpcsOutput::builder()
                .vpcs(
                    Vpc::builder()
                        .vpc_id("vpc-1")
                        .cidr_block("10.0.0.0/16")
                        .cidr_block_association_set(
                            VpcCidrBlockAssociation::builder()
                                .cidr_block("10.0.0.0/16")
                                .build(),
                        )
                        .build(),
                )
                .next_token("page-2")
                .build()
        });
    let page2 = mock!(aws_sdk_ec2::Client::describe_vpcs)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || {
            DescribeVpcsOutput::builder()
                .vpcs(
                    Vpc::builder()
                        .vpc_id("vpc-2")
                        .cidr_block("10.1.0.0/16")
                        .cidr_block_association_set(assoc(
                            "10.1.0.0/16",
                            VpcCidrBlockStateCode::Associated,
                        ))
                        .cidr_block_association_set(assoc(
                            "10.7.0.0/16",
                            VpcCidrBlockStateCode::Associated,
                        ))
                        .cidr_block_association_set(assoc(
                            "10.8.0.0/16",
                            VpcCidrBlockStateCode::Disassociated,
                        ))
                        .build(),
                )
                .build()
        });
    // mock_client! needs aws-sdk-ec2's `test-util` feature (a full rebuild of the crate for
    // one test); this is what it expands to, with the test defaults spelled out.
    let interceptor = MockResponseInterceptor::new()
        .rule_mode(RuleMode::MatchAny)
        .with_rule(&page1)
        .with_rule(&page2);
    let client = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_ec2::config::Credentials::new(
                "testing", "testing", None, None, "mock",
            ))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build(),
    );
    let blocks = studio_tui::aws::network::list_vpc_blocks(
        &client,
        "eu-west-1",
        &studio_tui::aws::ErrorContext::default(),
    )
    .await
    .unwrap();
    let cidrs: Vec<String> = blocks.iter().map(|b| b.cidr.to_string()).collect();
    assert_eq!(cidrs, ["10.0.0.0/16", "10.1.0.0/16", "10.7.0.0/16"]);
    assert!(matches!(blocks[2].source, BlockSource::VpcSecondary { .. }));
    assert_eq!(page1.num_calls(), 1);
    assert_eq!(page2.num_calls(), 1);
}

/// The whole preflight against 2,000 seeded VPCs, timed, with the API calls it made.
/// `cargo test --release --test preflight -- --ignored --nocapture bench_2000_vpcs`
#[tokio::test]
#[ignore]
async fn bench_2000_vpcs() {
    let emu = common::emulator();
    emu.control_post(
        "/_studio/seed",
        &serde_json::json!({"vpcs": 2000, "region": "ap-northeast-3"}),
    );
    let session = emu.session("ap-northeast-3").await;
    let name = common::unique_name("pf-bench");
    // warm-up (connection pool, emulator caches)
    let _ = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    let mut times = Vec::new();
    let mut calls = 0;
    let mut mark = 0;
    for _ in 0..5 {
        mark = emu.log_mark();
        let t0 = std::time::Instant::now();
        let r = run(
            &session,
            params(&name, "10.2.0.0/16", default_subnets()),
            false,
        )
        .await;
        times.push(t0.elapsed());
        calls = emu.requests_since(mark, "ap-northeast-3").len();
        assert!(r.existing.len() >= 2000, "{}", r.existing.len());
        let per_check: Vec<String> = r
            .checks
            .iter()
            .map(|c| format!("{:?} {:?}", c.id, c.duration))
            .collect();
        println!("checks: {}", per_check.join(", "));
    }
    times.sort();
    // Where the time goes: the emulator answering DescribeVpcs (curl, no SDK) vs the SDK call.
    let curl = std::process::Command::new("curl")
        .args([
            "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "-X", "POST",
            "-H", "Authorization: AWS4-HMAC-SHA256 Credential=testing/20250101/ap-northeast-3/ec2/aws4_request, SignedHeaders=host, Signature=0",
            "--data", "Action=DescribeVpcs&Version=2016-11-15", &emu.endpoint,
        ])
        .output()
        .unwrap();
    let t0 = std::time::Instant::now();
    let page = session
        .fixtures()
        .ec2()
        .describe_vpcs()
        .send()
        .await
        .unwrap();
    println!(
        "DescribeVpcs: emulator alone (curl: seconds, bytes) {}; SDK call {:?} for {} VPCs",
        String::from_utf8_lossy(&curl.stdout),
        t0.elapsed(),
        page.vpcs().len()
    );
    // The last run's calls (and the two DescribeVpcs above), by action.
    let by_action = emu.actions_since(mark, "ap-northeast-3").into_iter().fold(
        std::collections::BTreeMap::new(),
        |mut m, a| {
            *m.entry(a).or_insert(0) += 1;
            m
        },
    );
    println!(
        "preflight, 2000 VPCs: min {:?} median {:?} max {:?}; {calls} API calls: {by_action:?}",
        times[0], times[2], times[4]
    );
}

/// Endpoint services are per zone: a zone that lacks one the stack creates is an error naming
/// the service and the zones that work; with no zone chosen the first zone that offers them all
/// is picked (and passed on). Local and Wavelength zones are never candidates. Its own region
/// (ap-northeast-2, which no other test of this binary uses), so the emulator-wide zone
/// settings touch no other test; a guard puts them back even if an assertion fails.
#[tokio::test]
async fn the_zone_must_offer_every_endpoint_service_of_the_stack() {
    let emu = common::emulator();
    let region = "ap-northeast-2";
    let session = emu.session(region).await;
    let metrics = format!("com.amazonaws.{region}.sagemaker.metrics");
    let _zones = emu.settings(serde_json::json!({
        "zone_gaps": {format!("{region}a"): [metrics.clone()]},
        "extra_zones": [{"ZoneName": format!("{region}-par-1a"), "ZoneType": "local-zone",
                         "OptInStatus": "opted-in", "RegionName": region}]
    }));
    let zones = session.availability_zones().await.unwrap();
    assert!(!zones.iter().any(|z| z.contains("-par-")), "{zones:?}");

    let mut chosen = params(
        "zone-a",
        "10.77.0.0/16",
        ["10.77.1.0/24", "10.77.2.0/24", "10.77.3.0/24"],
    );
    chosen.availability_zone = Some(format!("{region}a"));
    let r = run(&session, chosen, false).await;
    let lacks = with_code(&r, FindingCode::AzLacksService);
    assert_eq!(lacks.len(), 1, "{:?}", codes(&r));
    assert!(lacks[0].message.contains(&metrics), "{}", lacks[0].message);
    assert!(
        lacks[0].message.contains(&format!("{region}b")),
        "{}",
        lacks[0].message
    );
    assert!(
        lacks[0]
            .fix
            .contains(&format!("--availability-zone {region}b")),
        "{}",
        lacks[0].fix
    );
    assert!(!r.ok());
    assert_eq!(r.zone, None);

    let free = params(
        "zone-b",
        "10.77.0.0/16",
        ["10.77.1.0/24", "10.77.2.0/24", "10.77.3.0/24"],
    );
    let r = run(&session, free, false).await;
    assert!(
        with_code(&r, FindingCode::AzLacksService).is_empty(),
        "{:?}",
        codes(&r)
    );
    let picked = with_code(&r, FindingCode::AzDefault);
    assert_eq!(picked.len(), 1, "{:?}", codes(&r));
    assert_eq!(r.zone.as_deref(), Some(format!("{region}b").as_str()));

    // A service missing from every zone is missing from the region.
    let all: Vec<String> = zones.clone();
    let gaps: serde_json::Map<String, serde_json::Value> = all
        .iter()
        .map(|z| (z.clone(), serde_json::json!([metrics.clone()])))
        .collect();
    let _gaps = emu.settings(serde_json::json!({"zone_gaps": gaps}));
    let free = params(
        "zone-c",
        "10.77.0.0/16",
        ["10.77.1.0/24", "10.77.2.0/24", "10.77.3.0/24"],
    );
    let r = run(&session, free, false).await;
    let missing = with_code(&r, FindingCode::EndpointServiceMissing);
    assert_eq!(missing.len(), 1, "{:?}", codes(&r));
    assert!(missing[0].message.contains(&metrics));
}

/// A transit gateway shared from another account: its route tables cannot be read from here,
/// so its ranges are a warning naming the owner, not silently "no conflict". In its own region
/// (ap-south-1), so the fixture touches no other test.
#[tokio::test]
async fn a_shared_transit_gateway_is_reported_as_not_checked() {
    let emu = common::emulator();
    let region = "ap-south-1";
    emu.control_post(
        "/_studio/seed",
        &serde_json::json!({"fixture": "shared-tgw", "regions": [region]}),
    );
    let session = emu.session(region).await;
    // 10.9.0.0/16 is routed behind the partner's gateway: invisible from this account.
    let p = params(
        "shared",
        "10.9.0.0/16",
        ["10.9.1.0/24", "10.9.2.0/24", "10.9.3.0/24"],
    );
    let r = run(&session, p, false).await;
    let warn = with_code(&r, FindingCode::TgwSharedNotChecked);
    assert_eq!(warn.len(), 1, "{:?}", codes(&r));
    assert_eq!(warn[0].severity, Severity::Warning);
    assert!(
        warn[0].message.starts_with("ranges behind tgw-"),
        "{}",
        warn[0].message
    );
    assert!(
        warn[0].message.contains("210987654321"),
        "{}",
        warn[0].message
    );
    assert!(warn[0].fix.contains("210987654321"), "{}", warn[0].fix);
    // The attached VPC of this account is still seen (10.8.0.0/16), and planning on it conflicts.
    let p = params(
        "shared2",
        "10.8.0.0/16",
        ["10.8.1.0/24", "10.8.2.0/24", "10.8.3.0/24"],
    );
    let r = run(&session, p, false).await;
    assert!(!r.ok(), "{:?}", codes(&r));
}

/// A Studio domain of the project's name in another VPC is someone else's (AWS has no
/// uniqueness rule for domain names): preflight reports it and does not block `up`; the
/// project's own domain is decided by the stack's VPC, as destroy decides it.
#[tokio::test]
async fn a_domain_of_the_projects_name_in_another_vpc_does_not_block() {
    use aws_sdk_sagemaker::types::{AppNetworkAccessType, AuthMode, UserSettings};
    let emu = common::emulator();
    let region = "ap-southeast-2";
    let session = emu.session(region).await;
    let name = common::unique_name("pf-domain");
    let vpc = create_vpc(&session, "10.7.0.0/16").await;
    let subnet = session
        .fixtures()
        .ec2()
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
    let theirs = session
        .fixtures()
        .sagemaker()
        .create_domain()
        .domain_name(&name)
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
        .expect("CreateDomain")
        .domain_arn()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let r = run(
        &session,
        params(&name, "10.2.0.0/16", default_subnets()),
        false,
    )
    .await;
    assert!(
        with_code(&r, FindingCode::DomainExists).is_empty(),
        "not the project's domain: {:#?}",
        r.findings
    );
    let hit = with_code(&r, FindingCode::StudioDomainElsewhere);
    assert_eq!(hit.len(), 1, "{:#?}", r.findings);
    assert_eq!(hit[0].severity, Severity::Warning);
    assert!(
        hit[0].message.contains(&theirs) && hit[0].message.contains(&vpc),
        "{}",
        hit[0].message
    );
    assert!(
        !r.blocks_deploy(),
        "a domain of the same name elsewhere does not block up: {:#?}",
        r.findings
    );
}
