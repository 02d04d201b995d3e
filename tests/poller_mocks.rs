//! The stack event poller against exact sequences (aws-smithy-mocks): pagination, throttling,
//! a page repeated, rollback, the stack deleted under it. No duplicated and no missed event.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::describe_stack_events::{
    DescribeStackEventsError, DescribeStackEventsOutput,
};
use aws_sdk_cloudformation::operation::describe_stacks::{
    DescribeStacksError, DescribeStacksOutput,
};
use aws_sdk_cloudformation::types::{ResourceStatus, Stack, StackEvent, StackStatus};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::error::ErrorMetadata;
use studio_tui::aws::{self, SessionOptions};
use studio_tui::ops::deploy::{DeployMsg, watch_with_interval};
use tokio::sync::mpsc;

const STACK_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/1";
const TOKEN: &str = "studio-tui-test";

fn event(
    n: u32,
    logical: &str,
    ty: &str,
    status: ResourceStatus,
    reason: Option<&str>,
) -> StackEvent {
    StackEvent::builder()
        .event_id(format!("ev-{n:04}"))
        .stack_id(STACK_ID)
        .stack_name("demo")
        .logical_resource_id(logical)
        .resource_type(ty)
        .resource_status(status)
        .set_resource_status_reason(reason.map(str::to_string))
        .timestamp(aws_smithy_types::DateTime::from_secs(
            1_700_000_000 + n as i64,
        ))
        .client_request_token(TOKEN)
        .build()
}

/// `n` events of a create, numbered 1..=n, the stack's own first and last; newest first.
fn create_events(n: u32) -> Vec<StackEvent> {
    let mut v = vec![event(
        1,
        "demo",
        "AWS::CloudFormation::Stack",
        ResourceStatus::CreateInProgress,
        Some("User Initiated"),
    )];
    for i in 2..n {
        let status = if i % 2 == 0 {
            ResourceStatus::CreateInProgress
        } else {
            ResourceStatus::CreateComplete
        };
        v.push(event(
            i,
            &format!("R{}", i / 2),
            "AWS::EC2::Subnet",
            status,
            None,
        ));
    }
    v.push(event(
        n,
        "demo",
        "AWS::CloudFormation::Stack",
        ResourceStatus::CreateComplete,
        None,
    ));
    v.reverse();
    v
}

fn stack(status: StackStatus) -> DescribeStacksOutput {
    DescribeStacksOutput::builder()
        .stacks(
            Stack::builder()
                .stack_id(STACK_ID)
                .stack_name("demo")
                .stack_status(status)
                .creation_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
                .build(),
        )
        .build()
}

fn page(events: &[StackEvent], next: Option<&str>) -> DescribeStackEventsOutput {
    DescribeStackEventsOutput::builder()
        .set_stack_events(Some(events.to_vec()))
        .set_next_token(next.map(str::to_string))
        .build()
}

async fn session_with(client: Client) -> aws::Session {
    let opts = SessionOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        fake_credentials: true,
        ..SessionOptions::default()
    };
    aws::connect(&opts)
        .await
        .unwrap()
        .with_cloudformation_client(client)
}

async fn run_watch(
    client: Client,
) -> (
    Vec<DeployMsg>,
    Result<studio_tui::ops::deploy::DeployOutcome, studio_tui::ops::Error>,
) {
    let session = session_with(client).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let result = watch_with_interval(
        &session,
        STACK_ID,
        "create",
        Some(TOKEN.into()),
        0,
        Vec::new(),
        &tx,
        Duration::from_millis(5),
    )
    .await;
    drop(tx);
    let mut msgs = Vec::new();
    while let Some(m) = rx.recv().await {
        msgs.push(m);
    }
    (msgs, result)
}

fn delivered_ids(msgs: &[DeployMsg]) -> Vec<String> {
    msgs.iter()
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
        .collect()
}

#[tokio::test]
async fn follows_next_token_and_delivers_every_event_once_in_order() {
    let all = create_events(150); // newest first
    let (p1, p2) = all.split_at(100);
    let (p1, p2) = (p1.to_vec(), p2.to_vec());
    let events = mock!(Client::describe_stack_events)
        .sequence()
        .output(move || page(&p1, Some("page-2")))
        .output(move || page(&p2, None))
        .output({
            let all = all.clone();
            move || page(&all[..100], Some("page-2"))
        })
        .repeatedly()
        .build();
    let stacks = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::CreateComplete));
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&events, &stacks]
    );
    let (msgs, result) = run_watch(client).await;
    let outcome = result.unwrap();
    let ids = delivered_ids(&msgs);
    let expected: Vec<String> = (1..=150).map(|n| format!("ev-{n:04}")).collect();
    assert_eq!(ids, expected, "every event exactly once, oldest first");
    assert!(outcome.ok);
    assert_eq!(outcome.status.as_str(), "CREATE_COMPLETE");
    // page 1, page 2, and the final poll's page 1 (which stops at the first seen event)
    assert_eq!(events.num_calls(), 3);
}

#[tokio::test]
async fn throttling_backs_off_and_loses_nothing() {
    let all = create_events(6);
    let throttled = || {
        DescribeStackEventsError::generic(
            ErrorMetadata::builder()
                .code("Throttling")
                .message("Rate exceeded")
                .build(),
        )
    };
    let events = mock!(Client::describe_stack_events)
        .sequence()
        .error(throttled)
        .times(6) // more than the SDK's own 5 attempts: the poller's backoff takes over
        .output({
            let all = all.clone();
            move || page(&all, None)
        })
        .repeatedly()
        .build();
    let stacks = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::CreateComplete));
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&events, &stacks]
    );
    let (msgs, result) = run_watch(client).await;
    assert!(result.unwrap().ok);
    assert!(
        msgs.iter().any(|m| matches!(m, DeployMsg::Retrying { .. })),
        "the backoff is reported"
    );
    assert_eq!(delivered_ids(&msgs).len(), 6);
}

#[tokio::test]
async fn a_repeated_page_yields_no_duplicates() {
    let first = create_events(6)[2..].to_vec(); // older four
    let all = create_events(6);
    let events = mock!(Client::describe_stack_events)
        .sequence()
        .output({
            let f = first.clone();
            move || page(&f, None)
        })
        .output({
            let f = first.clone();
            move || page(&f, None)
        })
        .output({
            let a = all.clone();
            move || page(&a, None)
        })
        .repeatedly()
        .build();
    let stacks = mock!(Client::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::CreateInProgress))
        .times(2)
        .output(|| stack(StackStatus::CreateComplete))
        .repeatedly()
        .build();
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&events, &stacks]
    );
    let (msgs, _) = run_watch(client).await;
    let ids = delivered_ids(&msgs);
    let mut dedup = ids.clone();
    dedup.dedup();
    assert_eq!(ids, dedup);
    assert_eq!(ids.len(), 6);
}

#[tokio::test]
async fn rollback_reports_the_root_cause_first() {
    let evs = vec![
        event(
            7,
            "demo",
            "AWS::CloudFormation::Stack",
            ResourceStatus::RollbackComplete,
            None,
        ),
        event(
            6,
            "Key",
            "AWS::KMS::Key",
            ResourceStatus::DeleteComplete,
            None,
        ),
        event(
            5,
            "demo",
            "AWS::CloudFormation::Stack",
            ResourceStatus::RollbackInProgress,
            Some(
                "The following resource(s) failed to create: [Nat, Key]. Rollback requested by user.",
            ),
        ),
        event(
            4,
            "Key",
            "AWS::KMS::Key",
            ResourceStatus::CreateFailed,
            Some("Resource creation cancelled"),
        ),
        event(
            3,
            "Nat",
            "AWS::EC2::NatGateway",
            ResourceStatus::CreateFailed,
            Some("The maximum number of addresses has been reached."),
        ),
        event(
            2,
            "Nat",
            "AWS::EC2::NatGateway",
            ResourceStatus::CreateInProgress,
            None,
        ),
        event(
            1,
            "demo",
            "AWS::CloudFormation::Stack",
            ResourceStatus::CreateInProgress,
            Some("User Initiated"),
        ),
    ];
    let events = mock!(Client::describe_stack_events).then_output(move || page(&evs, None));
    let stacks =
        mock!(Client::describe_stacks).then_output(|| stack(StackStatus::RollbackComplete));
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&events, &stacks]
    );
    let (_, result) = run_watch(client).await;
    let outcome = result.unwrap();
    assert!(!outcome.ok);
    assert_eq!(outcome.status.as_str(), "ROLLBACK_COMPLETE");
    let root = outcome.root_cause.unwrap();
    assert_eq!(root.logical_id, "Nat");
    assert!(root.reason.unwrap().contains("maximum number of addresses"));
    assert_eq!(outcome.failures[0].logical_id, "Nat");
}

#[tokio::test]
async fn a_stack_deleted_under_the_poller_ends_the_watch() {
    let evs = create_events(4)[1..].to_vec();
    let events = mock!(Client::describe_stack_events).then_output(move || page(&evs, None));
    let stacks = mock!(Client::describe_stacks).then_error(|| {
        DescribeStacksError::generic(
            ErrorMetadata::builder()
                .code("ValidationError")
                .message(format!("Stack with id {STACK_ID} does not exist"))
                .build(),
        )
    });
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&events, &stacks]
    );
    let (msgs, result) = run_watch(client).await;
    let outcome = result.unwrap();
    assert!(matches!(msgs.last(), Some(DeployMsg::Finished { .. })));
    assert_eq!(delivered_ids(&msgs).len(), 3);
    assert!(!outcome.outputs.contains_key("VpcId"));
}

#[tokio::test]
async fn describe_stacks_only_when_the_events_say_it_settled() {
    // Twenty polls see the stack still in progress (only its first event), then the rest arrive.
    let all = create_events(10); // newest first; the last element is the stack's first event
    let first = all[all.len() - 1..].to_vec();
    let events = mock!(Client::describe_stack_events)
        .sequence()
        .output({
            let first = first.clone();
            move || page(&first, None)
        })
        .times(20)
        .output({
            let all = all.clone();
            move || page(&all, None)
        })
        .repeatedly()
        .build();
    let in_progress = mock!(Client::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::CreateInProgress))
        .times(2)
        .output(|| stack(StackStatus::CreateComplete))
        .repeatedly()
        .build();
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&events, &in_progress]
    );
    let (msgs, result) = run_watch(client).await;
    assert!(result.unwrap().ok);
    assert_eq!(delivered_ids(&msgs).len(), 10);
    // 21 event polls + the final one; DescribeStacks: the first poll, the 15th (safety net),
    // and the poll whose events show CREATE_COMPLETE.
    assert_eq!(events.num_calls(), 22);
    assert_eq!(in_progress.num_calls(), 3);
}

/// ListStacks for the fleet: every page followed (NextToken), and a deleted stack (ListStacks
/// lists them for 90 days) dropped, whatever status the others have.
#[tokio::test]
async fn live_stacks_follows_every_page_and_drops_deleted_stacks() {
    use aws_sdk_cloudformation::operation::list_stacks::ListStacksOutput;
    use aws_sdk_cloudformation::types::StackSummary;
    let summary = |name: &str, status: StackStatus| {
        StackSummary::builder()
            .stack_id(format!(
                "arn:aws:cloudformation:us-east-1:123456789012:stack/{name}/1"
            ))
            .stack_name(name)
            .stack_status(status)
            .template_description("studio-tui: private VPC for Amazon SageMaker Studio")
            .creation_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .build()
    };
    let first = mock!(Client::list_stacks)
        .match_requests(|r| r.next_token().is_none())
        .then_output({
            let page = vec![
                summary("a", StackStatus::CreateComplete),
                summary("gone", StackStatus::DeleteComplete),
            ];
            move || {
                ListStacksOutput::builder()
                    .set_stack_summaries(Some(page.clone()))
                    .next_token("page-2")
                    .build()
            }
        });
    let second = mock!(Client::list_stacks)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output({
            let b = summary("b", StackStatus::from("SOME_STATUS_NEWER_THAN_THE_SDK"));
            move || {
                ListStacksOutput::builder()
                    .stack_summaries(b.clone())
                    .build()
            }
        });
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&first, &second]
    );
    let session = session_with(client).await;
    let live = session.live_stacks().await.unwrap();
    let names: Vec<&str> = live.iter().map(|s| s.stack_name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}
