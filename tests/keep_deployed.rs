//! Issue 23, points 2 and 5, end to end on the sandbox with the real binary and template:
//! a stack deployed with its own allow list, admitted buckets and network keeps them when
//! `up` runs on a machine with no saved answers (or with stale ones), and its S3 endpoint admits
//! exactly the buckets its policy names.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::collections::BTreeMap;

use studio_tui::aws::Session;

const REGION: &str = "us-east-1";

fn run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::binary(home, REGION).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

async fn deployed_parameters(session: &Session, project: &str) -> BTreeMap<String, String> {
    let stack = session.describe_stack(project).await.unwrap().unwrap();
    assert!(
        matches!(stack.status.as_str(), "CREATE_COMPLETE" | "UPDATE_COMPLETE"),
        "{stack:?}"
    );
    stack.parameters
}

/// PutObject through the endpoint `vpce` (the emulator's stand-in for a request from the VPC).
async fn put_through(session: &Session, vpce: &str, bucket: &str) -> Result<(), String> {
    let vpce = vpce.to_string();
    session
        .fixtures()
        .s3()
        .put_object()
        .bucket(bucket)
        .key("copy.csv")
        .body(b"1,2".to_vec().into())
        .customize()
        .mutate_request(move |r| {
            r.headers_mut().insert("x-studio-source-vpce", vpce.clone());
        })
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{:?}", e.into_service_error()))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_stack_keeps_its_lists_and_its_endpoint_admits_exactly_its_buckets() {
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("keep");
    let share = common::unique_name("team-share");
    let other = common::unique_name("not-admitted");
    let domains = "iam.amazonaws.com,.pypi.org,.pythonhosted.org,.github.com";
    let first = tempfile::tempdir().unwrap();
    let deploy = run(
        first.path(),
        &[
            "deploy",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--vpc-cidr",
            "10.71.0.0/16",
            "--firewall-subnet-cidr",
            "10.71.1.0/24",
            "--nat-subnet-cidr",
            "10.71.2.0/24",
            "--studio-subnet-cidr",
            "10.71.3.0/24",
            "--allowed-domains",
            domains,
            "--allowed-buckets",
            &share,
        ],
    );
    assert_eq!(deploy.status.code(), Some(0), "{}", text(&deploy.stderr));
    let before = deployed_parameters(&session, &project).await;
    assert_eq!(before["AllowedDomains"], domains);
    assert_eq!(before["AllowedBuckets"], share);

    // Another machine, no saved answers: preflight checks the deployed values (the admitted
    // bucket named with its trade-off), and the stack is up to date, nothing is reset.
    let fresh = tempfile::tempdir().unwrap();
    let preflight = run(fresh.path(), &["preflight", "--project-name", &project]);
    let out = text(&preflight.stdout);
    assert!(
        out.contains("VPC 10.71.0.0/16") || out.contains("10.71.0.0/16"),
        "{out}"
    );
    assert!(out.contains("BUCKET_ADMITTED"), "{out}");
    assert!(
        out.contains(&share) && out.contains("copy the fenced data"),
        "{out}"
    );
    let up = run(
        fresh.path(),
        &["up", "--yes", "--plain", "--project-name", &project],
    );
    let err = text(&up.stderr);
    assert_eq!(up.status.code(), Some(0), "{err}");
    assert!(err.contains("up to date"), "no change set at all: {err}");
    assert_eq!(deployed_parameters(&session, &project).await, before);

    // The first machine's saved answers go stale once `firewall allow` changes the stack: a
    // later `up` there keeps the deployed list too.
    let allow = run(
        first.path(),
        &[
            "firewall",
            "allow",
            "example.org",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(allow.status.code(), Some(0), "{}", text(&allow.stderr));
    let allowed = deployed_parameters(&session, &project).await;
    assert_eq!(allowed["AllowedDomains"], format!("{domains},example.org"));
    let again = run(
        first.path(),
        &["up", "--yes", "--plain", "--project-name", &project],
    );
    let err = text(&again.stderr);
    assert_eq!(again.status.code(), Some(0), "{err}");
    assert!(err.contains("up to date"), "{err}");
    assert_eq!(deployed_parameters(&session, &project).await, allowed);

    // A flag still changes what it names, and only that.
    let narrowed = run(
        fresh.path(),
        &[
            "deploy",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--allowed-buckets",
            "",
        ],
    );
    assert_eq!(
        narrowed.status.code(),
        Some(0),
        "{}",
        text(&narrowed.stderr)
    );
    let after = deployed_parameters(&session, &project).await;
    assert_eq!(after["AllowedBuckets"], "");
    assert_eq!(after["AllowedDomains"], allowed["AllowedDomains"]);
    assert_eq!(after["VpcCIDR"], "10.71.0.0/16");

    // The endpoint admits exactly what its policy names: with the list back, the admitted
    // bucket takes a write through the endpoint and another bucket of the region refuses it.
    let readmit = run(
        fresh.path(),
        &[
            "deploy",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--allowed-buckets",
            &share,
        ],
    );
    assert_eq!(readmit.status.code(), Some(0), "{}", text(&readmit.stderr));
    let stack = session.describe_stack(&project).await.unwrap().unwrap();
    let vpce = stack.output("S3VPCEndpointId").unwrap().to_string();
    for bucket in [&share, &other] {
        session
            .fixtures()
            .s3()
            .create_bucket()
            .bucket(bucket.as_str())
            .send()
            .await
            .unwrap();
    }
    put_through(&session, &vpce, &share)
        .await
        .expect("an admitted bucket takes a write through the endpoint");
    let refused = put_through(&session, &vpce, &other)
        .await
        .expect_err("a bucket the policy does not name refuses it");
    assert!(
        refused.contains("because no VPC endpoint policy allows the s3:PutObject action"),
        "{refused}"
    );
    put_through(&session, &vpce, &format!("{project}-data"))
        .await
        .expect("the project's own bucket stays admitted");
}

/// A CREATE change set that was never executed leaves an empty stack in REVIEW_IN_PROGRESS
/// whose parameters nothing ever ran with: a deploy from a machine without saved answers takes
/// its own values (flags, else the defaults), never the ones of that review. (The sandbox lists
/// no parameters for such a stack; whether AWS does is not documented, so the next test gives
/// DescribeStacks an answer that has them.)
#[tokio::test(flavor = "multi_thread")]
async fn a_stack_in_review_lends_no_values_to_the_next_deploy() {
    use aws_sdk_cloudformation::types::{ChangeSetType, Parameter};
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("review");
    let cfn = session.fixtures().cloudformation();
    let given = |k: &str, v: &str| {
        Parameter::builder()
            .parameter_key(k)
            .parameter_value(v)
            .build()
    };
    cfn.create_change_set()
        .stack_name(&project)
        .change_set_name("never-executed")
        .change_set_type(ChangeSetType::Create)
        .template_body(studio_tui::template::TEMPLATE_YAML)
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .parameters(given("ProjectName", &project))
        .parameters(given("VpcCIDR", "10.74.0.0/16"))
        .parameters(given("FirewallSubnetCIDR", "10.74.1.0/24"))
        .parameters(given("NATGatewaySubnetCIDR", "10.74.2.0/24"))
        .parameters(given("SageMakerStudioSubnetCIDR", "10.74.3.0/24"))
        .parameters(given(
            "AllowedDomains",
            "iam.amazonaws.com,.review.example.com",
        ))
        .parameters(given("AllowedBuckets", "review-only-share"))
        .send()
        .await
        .unwrap();
    let review = session.describe_stack(&project).await.unwrap().unwrap();
    assert_eq!(review.status.as_str(), "REVIEW_IN_PROGRESS");

    let fresh = tempfile::tempdir().unwrap();
    let deploy = run(
        fresh.path(),
        &[
            "deploy",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--vpc-cidr",
            "10.75.0.0/16",
            "--firewall-subnet-cidr",
            "10.75.1.0/24",
            "--nat-subnet-cidr",
            "10.75.2.0/24",
            "--studio-subnet-cidr",
            "10.75.3.0/24",
        ],
    );
    assert_eq!(deploy.status.code(), Some(0), "{}", text(&deploy.stderr));
    let after = deployed_parameters(&session, &project).await;
    assert_eq!(after["VpcCIDR"], "10.75.0.0/16");
    assert_eq!(
        after["AllowedDomains"], "iam.amazonaws.com,.pypi.org,.pythonhosted.org",
        "the default list, not the review's"
    );
    assert_eq!(
        after["AllowedBuckets"], "",
        "no bucket admitted by a review"
    );
}

/// Finding a of issue 23's review: the wizard fills its form from the overview's stack, and
/// someone changes the stack (`firewall allow` from another machine) before the user plans.
/// The plan re-reads the stack right before CreateChangeSet and refuses to set the newer value
/// back; a value the user changed on purpose is still planned.
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_made_from_values_read_before_the_stack_changed_sets_nothing_back() {
    use studio_tui::ops::deploy::{self, Plan};
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("moved");
    let home = tempfile::tempdir().unwrap();
    let deploy = run(
        home.path(),
        &[
            "deploy",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--vpc-cidr",
            "10.76.0.0/16",
            "--firewall-subnet-cidr",
            "10.76.1.0/24",
            "--nat-subnet-cidr",
            "10.76.2.0/24",
            "--studio-subnet-cidr",
            "10.76.3.0/24",
        ],
    );
    assert_eq!(deploy.status.code(), Some(0), "{}", text(&deploy.stderr));
    // What the overview read, and the form filled from it.
    let read = deployed_parameters(&session, &project).await;
    let named = studio_tui::core::params::ParamsDraft {
        project_name: project.clone(),
        ..Default::default()
    };
    let form = studio_tui::ops::params::over_deployed(&named, &read, &[]);

    let colleague = tempfile::tempdir().unwrap();
    let allow = run(
        colleague.path(),
        &[
            "firewall",
            "allow",
            "example.org",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(allow.status.code(), Some(0), "{}", text(&allow.stderr));
    let moved = deployed_parameters(&session, &project).await;
    assert!(
        moved["AllowedDomains"].ends_with(",example.org"),
        "{moved:?}"
    );

    let state = tempfile::tempdir().unwrap();
    let store: studio_tui::state::SharedStore = std::sync::Arc::new(std::sync::Mutex::new(
        studio_tui::state::Store::load(&studio_tui::config::Paths::under(state.path())).unwrap(),
    ));
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let before = emu.log_mark();
    let refused = deploy::plan(&session, &store, &form.parse(0).unwrap(), Some(&read), &tx)
        .await
        .expect_err("a plan that would undo the colleague's change is refused");
    assert!(
        matches!(refused, studio_tui::ops::Error::Refused(_)),
        "{refused:?}"
    );
    assert!(
        refused.message().contains(&format!(
            "AllowedDomains is now '{}' (it was '{}')",
            moved["AllowedDomains"], read["AllowedDomains"]
        )),
        "{refused}"
    );
    assert!(
        refused
            .fix()
            .unwrap()
            .contains("run the same command again")
    );
    assert!(
        !emu.actions_since(before, REGION)
            .iter()
            .any(|a| a == "CreateChangeSet"),
        "no change set"
    );
    assert_eq!(deployed_parameters(&session, &project).await, moved);

    // The user's own edit of the list is what they ask for: planned.
    let mut edited = form.clone();
    edited.allowed_domains = vec!["iam.amazonaws.com".into(), ".pypi.org".into()];
    let plan = deploy::plan(
        &session,
        &store,
        &edited.parse(0).unwrap(),
        Some(&read),
        &tx,
    )
    .await
    .unwrap();
    let Plan::Review(review) = plan else {
        panic!("{plan:?}")
    };
    deploy::cancel(&session, &store, &review).await.unwrap();
    // Planned from what runs now, nothing moved.
    let now = studio_tui::ops::params::over_deployed(&named, &moved, &[]);
    let plan = deploy::plan(&session, &store, &now.parse(0).unwrap(), Some(&moved), &tx)
        .await
        .unwrap();
    assert!(matches!(plan, Plan::UpToDate(_)), "{plan:?}");
}

/// The same guard where DescribeStacks lists the review's parameters (aws-smithy-mocks): the
/// values a run keeps come only from a stack that ran with them.
#[tokio::test]
async fn the_parameters_of_a_stack_in_review_are_never_kept() {
    use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
    use aws_sdk_cloudformation::types::{Parameter, Stack, StackStatus};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use studio_tui::core::field::Field;
    use studio_tui::core::params::ParamsDraft;

    let answer = |status: StackStatus| {
        move || {
            DescribeStacksOutput::builder()
                .stacks(
                    Stack::builder()
                        .stack_id("arn:aws:cloudformation:us-east-1:123456789012:stack/p/1")
                        .stack_name("p")
                        .stack_status(status.clone())
                        .parameters(
                            Parameter::builder()
                                .parameter_key("AllowedDomains")
                                .parameter_value(".review.example.com")
                                .build(),
                        )
                        .parameters(
                            Parameter::builder()
                                .parameter_key("VpcCIDR")
                                .parameter_value("10.74.0.0/16")
                                .build(),
                        )
                        .creation_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
                        .build(),
                )
                .build()
        }
    };
    let resolved = ParamsDraft {
        project_name: "p".into(),
        ..ParamsDraft::default()
    };
    for (status, kept) in [
        (StackStatus::ReviewInProgress, false),
        (StackStatus::UpdateComplete, true),
    ] {
        let rule = mock!(aws_sdk_cloudformation::Client::describe_stacks)
            .then_output(answer(status.clone()));
        let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&rule]);
        let session = studio_tui::aws::connect(&studio_tui::aws::SessionOptions {
            region: Some(REGION.into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            fake_credentials: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .with_cloudformation_client(client);
        let (p, basis) = studio_tui::ops::params::with_deployed_basis(
            &session,
            resolved.clone(),
            &[Field::VpcCidr],
        )
        .await
        .unwrap();
        assert_eq!(rule.num_calls(), 1);
        assert_eq!(
            p.vpc_cidr, "10.2.0.0/16",
            "{status:?}: the explicit field wins"
        );
        if kept {
            assert_eq!(p.allowed_domains, [".review.example.com"], "{status:?}");
            assert!(basis.is_some());
        } else {
            assert_eq!(p, resolved, "{status:?}: nothing taken from a review");
            assert_eq!(
                basis, None,
                "{status:?}: and nothing to check a plan against"
            );
        }
    }
}
