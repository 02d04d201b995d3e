//! Studio workflows against exact SageMaker answer sequences (aws-smithy-mocks, rules consumed in
//! order: a call out of sequence panics the test). App deletion waits for `Deleted`, retries a
//! deletion that `Failed` (bounded), and never deletes the owner while an app is still there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::time::Duration;

use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sagemaker::operation::delete_app::DeleteAppOutput;
use aws_sdk_sagemaker::operation::delete_user_profile::DeleteUserProfileOutput;
use aws_sdk_sagemaker::operation::describe_user_profile::{
    DescribeUserProfileError, DescribeUserProfileOutput,
};
use aws_sdk_sagemaker::operation::list_apps::ListAppsOutput;
use aws_sdk_sagemaker::operation::list_spaces::ListSpacesOutput;
use aws_sdk_sagemaker::types::error::ResourceNotFound;
use aws_sdk_sagemaker::types::{AppDetails, AppStatus, AppType, UserProfileStatus};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::error::ErrorMetadata;
use studio_tui::aws::{self, SessionOptions};
use studio_tui::ops::studio::{MAX_DELETE_APP_ATTEMPTS, Poll, UserResult, remove_users_with};
use tokio::sync::mpsc;

const DOMAIN: &str = "d-mock00000001";

/// A SageMaker client answering from `rules`, in order (RuleMode::Sequential).
fn sagemaker(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::Sequential);
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    let conf = aws_sdk_sagemaker::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Client::from_conf(conf)
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
        .with_sagemaker_client(client)
}

const FAST: Poll = Poll {
    initial: Duration::from_millis(1),
    max: Duration::from_millis(5),
    timeout: Duration::from_secs(30),
};

fn profile_in_service() -> Rule {
    mock!(Client::describe_user_profile).then_output(|| {
        DescribeUserProfileOutput::builder()
            .domain_id(DOMAIN)
            .user_profile_name("alice")
            .status(UserProfileStatus::InService)
            .build()
    })
}

fn profile_gone() -> Rule {
    mock!(Client::describe_user_profile).then_error(|| {
        DescribeUserProfileError::ResourceNotFound(
            ResourceNotFound::builder()
                .message("User profile does not exist")
                .meta(
                    ErrorMetadata::builder()
                        .code("ResourceNotFound")
                        .message("User profile does not exist")
                        .build(),
                )
                .build(),
        )
    })
}

/// ListApps answering alice's JupyterLab app in `status`.
fn apps(status: AppStatus) -> Rule {
    mock!(Client::list_apps).then_output(move || {
        ListAppsOutput::builder()
            .apps(
                AppDetails::builder()
                    .domain_id(DOMAIN)
                    .user_profile_name("alice")
                    .app_type(AppType::JupyterLab)
                    .app_name("default")
                    .status(status.clone())
                    .build(),
            )
            .build()
    })
}

fn delete_app() -> Rule {
    mock!(Client::delete_app)
        .match_requests(|r| {
            r.domain_id() == Some(DOMAIN)
                && r.user_profile_name() == Some("alice")
                && r.app_name() == Some("default")
        })
        .then_output(|| DeleteAppOutput::builder().build())
}

fn no_spaces() -> Rule {
    mock!(Client::list_spaces).then_output(|| ListSpacesOutput::builder().build())
}

fn delete_profile() -> Rule {
    mock!(Client::delete_user_profile).then_output(|| DeleteUserProfileOutput::builder().build())
}

async fn remove_alice(rules: &[&Rule]) -> UserResult {
    let session = session_with(sagemaker(rules)).await;
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut out = remove_users_with(&session, DOMAIN, &["alice".to_string()], FAST, &tx)
        .await
        .expect("the removal runs");
    assert_eq!(out.len(), 1);
    out.remove(0).result
}

#[tokio::test]
async fn a_failed_app_deletion_is_retried_and_waited_for_before_the_profile_goes() {
    let rules = [
        profile_in_service(),
        apps(AppStatus::InService),
        delete_app(),
        // The deletion failed: not done, delete it again.
        apps(AppStatus::Failed),
        delete_app(),
        // Still going: the profile must wait.
        apps(AppStatus::Deleting),
        apps(AppStatus::Deleted),
        no_spaces(),
        delete_profile(),
        profile_gone(),
    ];
    let refs: Vec<&Rule> = rules.iter().collect();
    let result = remove_alice(&refs).await;
    assert_eq!(result, UserResult::Removed);
    for (i, r) in rules.iter().enumerate() {
        assert_eq!(r.num_calls(), 1, "rule {i} answered exactly once, in order");
    }
}

#[tokio::test]
async fn an_app_that_keeps_failing_stops_the_removal_before_the_profile_is_deleted() {
    let mut rules = vec![
        profile_in_service(),
        apps(AppStatus::InService),
        delete_app(),
    ];
    for _ in 1..MAX_DELETE_APP_ATTEMPTS {
        rules.push(apps(AppStatus::Failed));
        rules.push(delete_app());
    }
    // The last look: still Failed after every attempt. No DeleteUserProfile may follow (a rule
    // for it is absent, so such a call would panic the sequence).
    rules.push(apps(AppStatus::Failed));
    let refs: Vec<&Rule> = rules.iter().collect();
    let result = remove_alice(&refs).await;
    let UserResult::Failed(e) = result else {
        panic!("expected a failure, got {result:?}");
    };
    assert!(
        e.message().contains("JupyterLab/default")
            && e.message()
                .contains(&format!("after {MAX_DELETE_APP_ATTEMPTS} DeleteApp calls")),
        "{}",
        e.message()
    );
    assert!(e.fix().is_some());
    for (i, r) in rules.iter().enumerate() {
        assert_eq!(r.num_calls(), 1, "rule {i} answered exactly once, in order");
    }
}
