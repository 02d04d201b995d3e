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
