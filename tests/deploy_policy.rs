//! The deploy policy every front-end uses (`ops::deploy::settle`), on the emulator: a stack
//! CloudFormation cannot update is refused without the caller's leave, recovered and planned
//! again with it, and a stack that matches is reported up to date.
//! (Its own test binary: failure injection is a setting of the whole emulator.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::sync::{Arc, Mutex};

use studio_tui::aws::stacks::ChangeSetKind;
use studio_tui::config::Paths;
use studio_tui::core::params::ParamsDraft;
use studio_tui::ops::deploy::{self, Allow, DeployMsg, Recovery, Settled};
use studio_tui::state::Store;
use tokio::sync::mpsc;

#[tokio::test]
async fn a_failed_stack_is_refused_then_recovered_and_planned_again_when_allowed() {
    let emu = common::emulator();
    let session = emu.session("eu-west-1").await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::load(&Paths::under(dir.path())).unwrap()));
    let params = ParamsDraft {
        project_name: common::unique_name("pol"),
        ..ParamsDraft::default()
    }
    .parse(0)
    .unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();

    // A first create that rolls back.
    let failing = emu.settings(
        serde_json::json!({"fail_resources": {"NATGateway": "The maximum number of addresses has been reached."}}),
    );
    let settled = deploy::settle(&session, &store, &params, None, Allow::default(), &tx)
        .await
        .unwrap();
    let Settled::Ready(review) = settled else {
        panic!("expected a change set to execute, got {settled:?}")
    };
    assert_eq!(review.kind, ChangeSetKind::Create);
    let outcome = deploy::execute(&session, &store, &review, &tx)
        .await
        .unwrap();
    assert!(!outcome.ok);
    assert_eq!(outcome.status.as_str(), "ROLLBACK_COMPLETE");
    assert!(
        !outcome.recovered(),
        "a rolled-back create is not a recovery"
    );
    drop(failing);

    // Without leave: refused, with the recovery it needs, nothing deleted.
    let settled = deploy::settle(&session, &store, &params, None, Allow::default(), &tx)
        .await
        .unwrap();
    let Settled::Refused { stack, recovery } = settled else {
        panic!("expected a refusal, got {settled:?}")
    };
    assert_eq!(recovery, Recovery::DeleteAndRetry);
    assert_eq!(stack.status.as_str(), "ROLLBACK_COMPLETE");
    let before = session
        .describe_stack(&stack.stack_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        before.status.as_str(),
        "ROLLBACK_COMPLETE",
        "nothing was deleted"
    );

    // With --recreate: the stack is deleted, then planned again as a new create.
    while rx.try_recv().is_ok() {}
    let allow = Allow {
        recreate: true,
        continue_rollback: false,
    };
    let settled = deploy::settle(&session, &store, &params, None, allow, &tx)
        .await
        .unwrap();
    let Settled::Ready(review) = settled else {
        panic!("expected a new change set after the recovery, got {settled:?}")
    };
    assert_eq!(review.kind, ChangeSetKind::Create);
    assert_ne!(review.change_set.stack_id, stack.stack_id, "a new stack");
    let mut deleted = false;
    while let Ok(m) = rx.try_recv() {
        if let DeployMsg::Finished { outcome } = m {
            deleted |= outcome.stack_id == stack.stack_id && outcome.ok;
        }
    }
    assert!(deleted, "the recovery's outcome was reported");

    // Executed, the stack matches: nothing left to decide.
    let outcome = deploy::execute(&session, &store, &review, &tx)
        .await
        .unwrap();
    assert!(outcome.ok, "{:?}", outcome.root_cause);
    let settled = deploy::settle(&session, &store, &params, None, allow, &tx)
        .await
        .unwrap();
    assert!(
        matches!(&settled, Settled::UpToDate(s) if s.status.as_str() == "CREATE_COMPLETE"),
        "{settled:?}"
    );
}
