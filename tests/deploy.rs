//! The environment template deployed on the local emulator through the deploy operation, read
//! back through EC2, S3 and CloudFormation, updated through a review, and torn down.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::sync::{Arc, Mutex};

use studio_tui::aws::Session;
use studio_tui::config::Paths;
use studio_tui::core::params::{DomainEntry, Parameters, ParamsDraft};
use studio_tui::ops::deploy::{self, DeployMsg, DeployOutcome, Plan};
use studio_tui::state::SharedStore;
use studio_tui::state::Store;
use tokio::sync::mpsc;

fn store() -> (tempfile::TempDir, SharedStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::load(&Paths::under(dir.path())).unwrap();
    (dir, Arc::new(Mutex::new(s)))
}

fn params(name: &str) -> Parameters {
    ParamsDraft {
        project_name: name.to_string(),
        ..ParamsDraft::default()
    }
    .parse(0)
    .unwrap()
}

async fn deploy_to_end(
    session: &Session,
    store: &SharedStore,
    p: &Parameters,
) -> (DeployOutcome, Vec<DeployMsg>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let plan = deploy::plan(session, store, p, None, &tx)
        .await
        .expect("plan");
    let Plan::Review(review) = plan else {
        panic!("expected a change set, got {plan:?}")
    };
    assert_eq!(
        review.change_set.status.as_str(),
        "CREATE_COMPLETE",
        "{:?}",
        review.change_set.status_reason
    );
    let outcome = deploy::execute(session, store, &review, &tx)
        .await
        .expect("execute");
    drop(tx);
    let mut msgs = Vec::new();
    while let Some(m) = rx.recv().await {
        msgs.push(m);
    }
    (outcome, msgs)
}

#[tokio::test]
async fn template_deploys_with_ingress_routing_bucket_policies_and_every_output() {
    let emu = common::emulator();
    let session = emu.session("us-east-1").await;
    let (_dir, store) = store();
    let name = common::unique_name("dep");
    let (outcome, msgs) = deploy_to_end(&session, &store, &params(&name)).await;
    assert!(outcome.ok, "{:?}", outcome.root_cause);
    assert_eq!(outcome.status.as_str(), "CREATE_COMPLETE");

    // every output is set
    for key in studio_tui::template::embedded().outputs.iter() {
        let v = outcome
            .outputs
            .get(key)
            .unwrap_or_else(|| panic!("output {key} missing"));
        assert!(!v.is_empty(), "{key} empty");
    }
    let out = |k: &str| outcome.outputs[k].clone();

    // the routes point at the firewall endpoint (no manual step)
    let ec2 = session.fixtures().ec2();
    let route_tables = ec2
        .describe_route_tables()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(out("VpcId"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let table = |id: String| {
        route_tables
            .route_tables()
            .iter()
            .find(|t| t.route_table_id() == Some(id.as_str()))
            .cloned()
            .unwrap_or_else(|| panic!("route table {id} not found"))
    };
    let target = |t: &aws_sdk_ec2::types::RouteTable, dest: &str| {
        t.routes()
            .iter()
            .find(|r| r.destination_cidr_block() == Some(dest))
            .map(|r| {
                // routes to a firewall endpoint show the vpce id as GatewayId, as in AWS
                r.gateway_id()
                    .or(r.nat_gateway_id())
                    .unwrap_or_default()
                    .to_string()
            })
            .unwrap_or_else(|| panic!("no route to {dest}"))
    };
    let fw = out("FirewallEndpointId");
    assert!(fw.starts_with("vpce-"), "{fw}");
    let igw_rt = table(out("IgwRouteTableId"));
    assert_eq!(
        target(&igw_rt, "10.2.2.0/24"),
        fw,
        "IGW edge: NAT subnet -> firewall"
    );
    assert!(
        igw_rt
            .associations()
            .iter()
            .any(|a| a.gateway_id() == Some(out("InternetGatewayId").as_str())),
        "the edge route table is associated with the internet gateway"
    );
    assert_eq!(
        target(&table(out("NATGatewayRouteTableId")), "0.0.0.0/0"),
        fw
    );
    assert_eq!(
        target(&table(out("FirewallRouteTableId")), "0.0.0.0/0"),
        out("InternetGatewayId")
    );
    assert_eq!(
        target(&table(out("SageMakerStudioRouteTableId")), "0.0.0.0/0"),
        out("NatGatewayId")
    );

    // bucket policies are applied and name the S3 endpoint
    let s3 = session.fixtures().s3();
    for bucket in [out("DataBucketName"), out("ModelsBucketName")] {
        let policy = s3.get_bucket_policy().bucket(&bucket).send().await.unwrap();
        let text = policy.policy().unwrap_or_default();
        assert!(
            text.contains("aws:sourceVpce") || text.contains("aws:SourceVpce"),
            "{text}"
        );
        assert!(text.contains(&out("S3VPCEndpointId")), "{text}");
        assert!(text.contains("aws:SecureTransport"), "TLS-only: {text}");
    }

    // the events shown are exactly the emulator's for this operation: all pages, no duplicate
    let shown: Vec<String> = msgs
        .iter()
        .filter_map(|m| match m {
            DeployMsg::Events { events } => Some(
                events
                    .iter()
                    .map(|e| e.event_id.clone())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    let mut all = Vec::new();
    let mut next = None;
    loop {
        let (page, token) = session
            .stack_events_page(&outcome.stack_id, next)
            .await
            .unwrap();
        assert!(page.len() <= 100);
        all.extend(page);
        if token.is_none() {
            break;
        }
        next = token;
    }
    assert!(
        all.len() > 100,
        "the create spans several pages ({})",
        all.len()
    );
    // The change set's own REVIEW_IN_PROGRESS event belongs to CreateChangeSet, not to the
    // execution: the operation's events are those with its ClientRequestToken.
    let token = store
        .lock()
        .unwrap()
        .run("us-east-1", &name)
        .unwrap()
        .client_request_token
        .clone();
    let before = all.len();
    all.retain(|e| e.client_request_token == token);
    assert!(
        before - all.len() <= 1,
        "only the review event is another operation's"
    );
    let mut unique = shown.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), shown.len(), "no duplicates");
    assert_eq!(shown.len(), all.len(), "no missed event");

    // teardown leaves nothing behind
    let stack = session
        .describe_stack(&outcome.stack_id)
        .await
        .unwrap()
        .unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let gone = deploy::delete_and_watch(&session, &store, &stack, &tx)
        .await
        .unwrap();
    assert_eq!(gone.status.as_str(), "DELETE_COMPLETE");
    let vpcs = ec2.describe_vpcs().vpc_ids(out("VpcId")).send().await;
    assert!(
        vpcs.is_err() || vpcs.unwrap().vpcs().is_empty(),
        "the VPC is gone"
    );
    for bucket in [out("DataBucketName"), out("ModelsBucketName")] {
        assert!(
            s3.head_bucket().bucket(&bucket).send().await.is_err(),
            "{bucket} is gone"
        );
    }
    assert!(session.describe_stack(&name).await.unwrap().is_none());
}

#[tokio::test]
async fn update_goes_through_review_and_cancel_cleans_up() {
    let emu = common::emulator();
    let session = emu.session("us-west-2").await;
    let (_dir, store) = store();
    let name = common::unique_name("upd");
    let mut p = params(&name);
    let (outcome, _) = deploy_to_end(&session, &store, &p).await;
    assert!(outcome.ok);

    // same template and parameters: up to date, and no change set is created for it
    let (tx, _rx) = mpsc::unbounded_channel();
    let before = emu.log_mark();
    let plan = deploy::plan(&session, &store, &p, None, &tx).await.unwrap();
    assert!(matches!(plan, Plan::UpToDate(_)), "{plan:?}");
    assert!(
        !emu.actions_since(before, "us-west-2")
            .iter()
            .any(|a| a == "CreateChangeSet"),
        "no change set for an up-to-date stack"
    );

    // a new allowed domain: one modified firewall rule group, reviewed then executed
    p.allowed_domains
        .push(DomainEntry::parse(".github.com").unwrap());
    let Plan::Review(review) = deploy::plan(&session, &store, &p, None, &tx).await.unwrap() else {
        panic!("expected a review")
    };
    let changes: Vec<_> = review
        .change_set
        .changes
        .iter()
        .map(|c| (c.action.as_str(), c.resource_type.as_str()))
        .collect();
    assert!(
        changes.contains(&("Modify", "AWS::NetworkFirewall::RuleGroup")),
        "{changes:?}"
    );
    let out = deploy::execute(&session, &store, &review, &tx)
        .await
        .unwrap();
    assert_eq!(out.status.as_str(), "UPDATE_COMPLETE");

    // a cancelled CREATE review leaves neither change set nor empty stack
    let other = params(&common::unique_name("cxl"));
    let Plan::Review(review) = deploy::plan(&session, &store, &other, None, &tx)
        .await
        .unwrap()
    else {
        panic!("expected a review")
    };
    deploy::cancel(&session, &store, &review).await.unwrap();
    let left = session
        .describe_stack(&review.change_set.stack_id)
        .await
        .unwrap();
    assert!(
        left.is_none() || left.as_ref().unwrap().status.as_str() == "DELETE_COMPLETE",
        "{left:?}"
    );
}

#[tokio::test]
async fn a_template_over_the_inline_limit_is_staged_in_s3() {
    let emu = common::emulator();
    let session = emu.session("ca-central-1").await;
    let (_dir, store) = store();
    let name = common::unique_name("big");
    // The shipped template fits inline; pad a copy past CloudFormation's 51,200-byte limit.
    let mut body = studio_tui::template::TEMPLATE_YAML.to_string();
    while body.len() <= studio_tui::template::INLINE_LIMIT {
        body.push_str("# padding to exercise the S3 staging path of studio-tui's deploy\n");
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let plan = deploy::plan_with_template(&session, &store, &params(&name), None, &body, &tx)
        .await
        .expect("plan with a staged template");
    let Plan::Review(review) = plan else {
        panic!("expected a review")
    };
    assert_eq!(
        review.change_set.status.as_str(),
        "CREATE_COMPLETE",
        "{:?}",
        review.change_set.status_reason
    );
    let outcome = deploy::execute(&session, &store, &review, &tx)
        .await
        .unwrap();
    assert!(outcome.ok, "{:?}", outcome.root_cause);
    drop(tx);
    let mut staged = false;
    while let Some(m) = rx.recv().await {
        if let DeployMsg::Phase { text } = m {
            staged |= text.contains(
                "Staging the template in s3://studio-tui-templates-123456789012-ca-central-1",
            );
        }
    }
    assert!(staged, "the staging step was reported");
    let objects = session
        .fixtures()
        .s3()
        .list_objects_v2()
        .bucket("studio-tui-templates-123456789012-ca-central-1")
        .send()
        .await
        .unwrap();
    assert!(
        objects
            .contents()
            .iter()
            .any(|o| o.key().unwrap_or_default().starts_with(&name))
    );
}
