//! Replies match their requests: every effect the app starts carries an id, and a reply to a
//! request that no longer matters (superseded, or its screen was left) is dropped unseen.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::collections::BTreeMap;

use common::{draw, key, reply};
use crossterm::event::KeyCode;

use studio_tui::aws::stacks::StackInfo;
use studio_tui::aws::studio::DomainInfo;
use studio_tui::aws::{AwsError, ErrorKind, SessionOptions};
use studio_tui::ops::studio::UserView;
use studio_tui::ui::action::{Action, Effect, Reply};
use studio_tui::ui::app::{App, Step};
use studio_tui::ui::theme::Theme;

const PROJECT: &str = "sagemaker-studio-vpc";

fn app() -> App {
    App::new(
        vec![],
        SessionOptions {
            profile: None,
            region: Some("eu-west-1".into()),
            endpoint_url: None,
            fake_credentials: true,
            read_only: false,
        },
        false,
        Theme { color: false },
    )
}

fn stack() -> StackInfo {
    StackInfo {
        stack_id: format!("arn:aws:cloudformation:eu-west-1:123456789012:stack/{PROJECT}/1"),
        stack_name: PROJECT.into(),
        status: "CREATE_COMPLETE".into(),
        status_reason: None,
        outputs: BTreeMap::new(),
        parameters: BTreeMap::new(),
        creation_time: None,
        last_updated_time: None,
    }
}

fn loaded(user: &str) -> Reply {
    Reply::UsersLoaded(Box::new(Ok((
        DomainInfo {
            id: "d-abcdef123456".into(),
            name: PROJECT.into(),
            status: "InService".into(),
            ..DomainInfo::default()
        },
        vec![UserView {
            name: user.into(),
            status: "InService".into(),
            apps: vec![],
            spaces: vec![],
        }],
    ))))
}

#[test]
fn every_effect_leaves_with_a_fresh_id() {
    let mut a = app();
    let first = a.start();
    let overview = a.open_overview(stack());
    a.update(reply(&a, loaded("alice")));
    let (_, users) = a.update(key(KeyCode::Char('u')));
    let ids: Vec<_> = first
        .iter()
        .chain(&overview)
        .chain(&users)
        .map(|r| r.id)
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    assert_eq!(
        users,
        vec![Effect::LoadUsers {
            project: PROJECT.into()
        }]
    );
}

#[test]
fn a_reply_for_a_screen_that_was_left_is_dropped() {
    let mut a = app();
    a.open_overview(stack());
    a.update(reply(&a, loaded("alice")));
    // u opens the users screen, which loads; b comes back before the load answers.
    let (_, users_load) = a.update(key(KeyCode::Char('u')));
    let (_, overview_load) = a.update(key(KeyCode::Char('b')));
    assert_eq!(a.step(), Step::Overview);
    assert!(overview_load.iter().any(|r| r.effect
        == Effect::LoadUsers {
            project: PROJECT.into()
        }));
    let before = draw(&a, 110, 26);
    // The users screen's answer arrives late: nothing changes, nothing starts.
    let (changed, effects) = a.update(Action::Reply(users_load[0].id, loaded("mallory")));
    assert!(!changed && effects.is_empty());
    assert_eq!(draw(&a, 110, 26), before);
    // The overview's own answer is taken.
    let own = overview_load
        .iter()
        .find(|r| matches!(r.effect, Effect::LoadUsers { .. }))
        .expect("the overview reloads its users");
    let (changed, _) = a.update(Action::Reply(own.id, loaded("bob")));
    assert!(changed);
    assert!(draw(&a, 110, 26).contains("bob"));
}

#[test]
fn a_superseded_reply_is_dropped_and_a_result_is_taken_once() {
    let mut a = app();
    a.open_users(PROJECT);
    let first = a.requests().pending()[0].id;
    // r reloads: the first load no longer matters.
    let (_, second) = a.update(key(KeyCode::Char('r')));
    assert_eq!(
        second,
        vec![Effect::LoadUsers {
            project: PROJECT.into()
        }]
    );
    let (changed, _) = a.update(Action::Reply(first, loaded("mallory")));
    assert!(!changed);
    assert!(!draw(&a, 100, 20).contains("mallory"));
    let (changed, _) = a.update(Action::Reply(second[0].id, loaded("alice")));
    assert!(changed);
    assert!(draw(&a, 100, 20).contains("alice"));
    // A second result for the same request is not taken.
    let (changed, _) = a.update(Action::Reply(second[0].id, loaded("mallory")));
    assert!(!changed);
    assert!(!draw(&a, 100, 20).contains("mallory"));
}

#[test]
fn a_reply_of_another_kind_than_its_request_is_dropped() {
    let mut a = app();
    a.open_users(PROJECT);
    let id = a.requests().pending()[0].id;
    let wrong = Reply::StudioDone(Box::new(Err(
        AwsError::new(ErrorKind::Other, "op", "x").into()
    )));
    let (changed, effects) = a.update(Action::Reply(id, wrong));
    assert!(!changed && effects.is_empty());
    // The request still waits for its own kind of reply.
    let (changed, _) = a.update(Action::Reply(id, loaded("alice")));
    assert!(changed);
}
