//! The deploy policy as the wizard runs it (`ops::deploy::ask`: its user decides each step), on
//! the emulator: a change set that failed its early validation is left for the user to read and
//! discard, where the line commands' policy (`settle`) deletes it, with the empty stack a
//! failed CREATE leaves, at once.

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
use studio_tui::core::params::ParamsDraft;
use studio_tui::ops::deploy::{self, Allow, Plan, Settled};
use studio_tui::state::Store;
use tokio::sync::mpsc;

const REGION: &str = "us-east-1";

/// The project's stack is gone (never created, or deleted).
async fn no_stack(session: &Session, project: &str) -> bool {
    session
        .describe_stack(project)
        .await
        .unwrap()
        .is_none_or(|s| s.status.as_str() == "DELETE_COMPLETE")
}

#[tokio::test]
async fn a_failed_change_set_waits_for_the_wizards_user_and_is_deleted_at_once_otherwise() {
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::load(&Paths::under(dir.path())).unwrap()));
    let project = common::unique_name("ask");
    // A bucket of the name the stack's DataBucket would take: the change set fails.
    session
        .fixtures()
        .s3()
        .create_bucket()
        .bucket(format!("{project}-data"))
        .send()
        .await
        .unwrap();
    let params = ParamsDraft {
        project_name: project.clone(),
        ..ParamsDraft::default()
    }
    .parse(0)
    .unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();

    // The wizard's policy: the failed change set and its empty stack stay for the user.
    let plan = deploy::ask(&session, &store, &params, None, &tx)
        .await
        .unwrap();
    let Plan::Review(review) = plan else {
        panic!("expected the change set to review, got {plan:?}")
    };
    assert!(
        !review.is_executable(),
        "the review screen gets the failed change set to read"
    );
    assert!(
        !no_stack(&session, &project).await,
        "nothing deleted unasked"
    );
    // The user discards it (c on the review screen): the change set and the stack go.
    deploy::cancel(&session, &store, &review).await.unwrap();
    assert!(no_stack(&session, &project).await);

    // The line commands' policy deletes both before it returns.
    let settled = deploy::settle(&session, &store, &params, None, Allow::default(), &tx)
        .await
        .unwrap();
    assert!(
        matches!(settled, Settled::ChangeSetFailed(_)),
        "{settled:?}"
    );
    assert!(no_stack(&session, &project).await, "deleted at once");
}
