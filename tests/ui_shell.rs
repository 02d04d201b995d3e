//! Snapshots of the wizard's shell on a TestBackend: header, help overlay, the
//! missing-credentials message, a narrow terminal; and the app driven headless by actions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{draw, key, reply};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use studio_tui::aws::{self, AwsError, ErrorContext, ErrorKind, Identity, SessionOptions};
use studio_tui::ui::action::{Action, Effect, Reply};
use studio_tui::ui::app::App;
use studio_tui::ui::theme::Theme;

fn options(read_only: bool) -> SessionOptions {
    SessionOptions {
        profile: None,
        region: Some("eu-west-1".into()),
        endpoint_url: Some("http://127.0.0.1:4566".into()),
        fake_credentials: true,
        read_only,
    }
}

fn app(read_only: bool) -> App {
    App::new(
        vec!["dev".into(), "prod-admin".into()],
        options(read_only),
        false,
        Theme { color: false },
    )
}

async fn connected(app: &mut App) {
    let session = aws::connect(&options(app_read_only(app))).await.unwrap();
    let id = Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ops".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    app.update(reply(app, Reply::Connected(Box::new(Ok((session, id))))));
}

fn app_read_only(app: &App) -> bool {
    app.header().read_only
}

fn missing_credentials() -> AwsError {
    let mut e = AwsError::new(
        ErrorKind::NoCredentials,
        "sts:GetCallerIdentity",
        "no credentials were found in the environment, the profile files, web identity, ECS or instance metadata",
    );
    e.fix = Some(
        "configure credentials with `aws configure` (access keys) or `aws configure sso` then `aws sso login`; or pick another profile with --profile; or try studio-tui without an account: `studio-tui --sandbox`".into(),
    );
    let _ = ErrorContext::default();
    e
}

#[test]
fn start_connects_and_shows_a_spinner() {
    let mut a = app(false);
    let effects = a.start();
    assert_eq!(
        effects,
        vec![Effect::Connect {
            profile: None,
            region: Some("eu-west-1".into())
        }]
    );
    assert!(a.is_animating(), "the spinner ticks only while loading");
    insta::assert_snapshot!(draw(&a, 100, 24));
}

#[tokio::test]
async fn identity_in_header_and_body() {
    let mut a = app(false);
    a.start();
    connected(&mut a).await;
    assert!(!a.is_animating(), "idle: no timer-driven redraws");
    insta::assert_snapshot!(draw(&a, 100, 24));
}

#[tokio::test]
async fn read_only_badge_and_notice() {
    let mut a = app(true);
    a.start();
    connected(&mut a).await;
    let screen = draw(&a, 100, 24);
    assert!(screen.contains("READ-ONLY"));
    insta::assert_snapshot!(screen);
}

#[test]
fn missing_credentials_message() {
    let mut a = app(false);
    a.start();
    a.update(reply(
        &a,
        Reply::Connected(Box::new(Err(missing_credentials().into()))),
    ));
    let screen = draw(&a, 100, 24);
    assert!(screen.contains("No AWS credentials found"));
    insta::assert_snapshot!(screen);
}

#[test]
fn help_overlay_lists_every_key_and_closes() {
    let mut a = app(false);
    a.start();
    a.update(reply(
        &a,
        Reply::Connected(Box::new(Err(missing_credentials().into()))),
    ));
    let (changed, _) = a.update(key(KeyCode::Char('?')));
    assert!(changed && a.help_open);
    let screen = draw(&a, 100, 24);
    for k in a.keys() {
        assert!(screen.contains(k.key), "help lacks {}", k.key);
    }
    insta::assert_snapshot!(screen);
    // The footer names the keys that act while it is open, and only those act.
    let footer = screen.lines().last().unwrap().to_string();
    assert!(footer.contains("close help"), "{footer}");
    assert!(!footer.contains("quit"), "{footer}");
    let (changed, _) = a.update(key(KeyCode::Enter));
    assert!(!changed && a.help_open, "Enter does nothing under the help");
    // Esc closes the overlay, it does not quit
    a.update(key(KeyCode::Esc));
    assert!(!a.help_open);
    assert!(!a.should_quit());
}

#[tokio::test]
async fn narrow_terminal_60x20() {
    let mut a = app(false);
    a.start();
    connected(&mut a).await;
    let s = draw(&a, 60, 20);
    // the identity fits at 60x20, next to the selected region
    assert!(s.contains("✔ Credentials work."), "{s}");
    assert!(s.contains("Account   123456789012"), "{s}");
    assert!(s.contains("› eu-west-1"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn keys_move_and_enter_reconnects_with_the_selection() {
    let mut a = app(false);
    a.start();
    a.update(reply(
        &a,
        Reply::Connected(Box::new(Err(missing_credentials().into()))),
    ));
    a.update(key(KeyCode::Down)); // dev
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Connect {
            profile: Some("dev".into()),
            region: Some("eu-west-1".into())
        }]
    );
    // Tab to regions, pick the next one
    a.update(key(KeyCode::Tab));
    a.update(key(KeyCode::Down));
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Connect {
            profile: Some("dev".into()),
            region: Some("eu-west-2".into())
        }]
    );
}

#[test]
fn quit_keys_are_predictable() {
    for action in [
        key(KeyCode::Char('q')),
        key(KeyCode::Esc),
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Action::Terminate,
    ] {
        let mut a = app(false);
        a.start();
        a.update(action);
        assert!(a.should_quit());
        assert_eq!(a.exit_code(), 0);
    }
}

#[tokio::test]
async fn an_unlisted_region_is_used_with_a_warning_and_kept_by_the_picker() {
    let mut opts = options(false);
    opts.region = Some("ap-southeast-7".into());
    let mut a = App::new(
        vec!["dev".into()],
        opts.clone(),
        false,
        Theme { color: false },
    );
    assert_eq!(
        a.start(),
        vec![Effect::Connect {
            profile: None,
            region: Some("ap-southeast-7".into())
        }]
    );
    // The session is not refused: it connects, and the identity pane shows the warning.
    let session = aws::connect(&opts)
        .await
        .expect("an unlisted region is not refused");
    assert!(session.region_warning.is_some());
    let id = Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ops".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    a.update(reply(&a, Reply::Connected(Box::new(Ok((session, id))))));
    let screen = draw(&a, 140, 30);
    assert!(screen.contains("ap-southeast-7"), "{screen}");
    assert!(screen.contains("not in studio-tui's list"), "{screen}");
    // Reconnecting (Enter on the profiles) keeps that region rather than a listed one.
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Connect {
            profile: None,
            region: Some("ap-southeast-7".into())
        }]
    );
}

#[tokio::test]
async fn account_screen_80x24() {
    let mut a = app(false);
    a.start();
    connected(&mut a).await;
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "q quit");
    // The region list is longer than its box: a marker says how many are out of view.
    assert!(screen.contains("more ─"), "{screen}");
    assert!(screen.contains("Next: press n"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[tokio::test]
async fn help_overlay_80x24() {
    let mut a = app(false);
    a.start();
    connected(&mut a).await;
    a.update(key(KeyCode::Char('?')));
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "close help");
    for k in a.keys() {
        assert!(screen.contains(k.key), "help lacks {}", k.key);
        assert!(screen.contains(k.action), "help lacks {}", k.action);
    }
    assert!(screen.contains("? or Esc to close"), "{screen}");
    insta::assert_snapshot!(screen);
}
