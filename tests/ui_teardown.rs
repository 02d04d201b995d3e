//! The wizard's teardown (x on the overview), driven headless by keys: the plan with the bucket
//! choice, the typed confirmation that starts the same operation as `destroy`, the measured
//! report, and read-only mode showing the plan without any way to delete.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{draw, key, reply};

use crossterm::event::KeyCode;

use studio_tui::aws::buckets::BucketState;
use studio_tui::aws::stacks::StackInfo;
use studio_tui::aws::studio::DomainInfo;
use studio_tui::aws::{AwsError, ErrorKind, Identity, SessionOptions};
use studio_tui::ops::destroy::{
    BucketChoice, BucketPlan, DestroyPlan, DestroyReport, Kept, KeyPlan,
};
use studio_tui::ops::studio::StudioMsg;
use studio_tui::ui::action::{Effect, Reply};
use studio_tui::ui::app::{App, Step};
use studio_tui::ui::theme::Theme;

const PROJECT: &str = "sagemaker-studio-vpc";

fn app(read_only: bool) -> App {
    App::new(
        vec![],
        SessionOptions {
            profile: None,
            region: Some("eu-west-1".into()),
            endpoint_url: None,
            fake_credentials: true,
            read_only,
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
        outputs: [("VpcId".to_string(), "vpc-0abc".to_string())].into(),
        parameters: Default::default(),
        creation_time: Some("2026-11-26T09:00:00Z".into()),
        last_updated_time: None,
    }
}

fn fenced(name: &str) -> BucketPlan {
    BucketPlan {
        name: name.into(),
        logical_id: "DataBucket".into(),
        state: BucketState::Unknown {
            error: AwsError::new(
                ErrorKind::AccessDenied,
                "s3:ListObjectVersions",
                "Access Denied",
            ),
        },
        fenced: true,
        exempted: false,
    }
}

fn plan() -> DestroyPlan {
    DestroyPlan {
        project: PROJECT.into(),
        stack_name: PROJECT.into(),
        caller: Identity {
            account: "123456789012".into(),
            arn: "arn:aws:iam::123456789012:user/ops".into(),
            user_id: "AIDAOPS".into(),
        },
        exemption: studio_tui::core::fence::Exemption::for_caller(
            "arn:aws:iam::123456789012:user/ops",
            "AIDAOPS",
        )
        .ok(),
        domain: Some(DomainInfo {
            id: "d-abcdef123456".into(),
            name: PROJECT.into(),
            status: "InService".into(),
            ..DomainInfo::default()
        }),
        other_domains: Vec::new(),
        twin_domains: Vec::new(),
        users: Vec::new(),
        apps: Vec::new(),
        spaces: Vec::new(),
        stack: Some(stack()),
        resources: Vec::new(),
        vpc_id: Some("vpc-0abc".into()),
        buckets: vec![fenced(&format!("{PROJECT}-data"))],
        keys: vec![KeyPlan {
            logical_id: "S3KmsKey".into(),
            key_id: "k-1".into(),
            state: Some("Enabled".into()),
            aliases: vec![format!("alias/{PROJECT}-s3")],
        }],
        nfs_groups: Vec::new(),
        leftovers: Vec::new(),
        template: Some(serde_json::json!({"Resources": {}})),
    }
}

/// The overview of an existing deployment, then x.
fn teardown_app(read_only: bool) -> (App, Vec<Effect>) {
    let mut a = app(read_only);
    a.open_overview(stack());
    let (_, effects) = a.update(key(KeyCode::Char('x')));
    (a, common::effects(effects))
}

#[test]
fn x_plans_then_the_typed_name_starts_the_teardown_with_the_chosen_buckets() {
    let (mut a, effects) = teardown_app(false);
    assert_eq!(a.step(), Step::Teardown);
    assert_eq!(
        effects,
        vec![Effect::PlanTeardown {
            project: PROJECT.into(),
            stack_name: PROJECT.into()
        }]
    );
    a.update(reply(&a, Reply::TeardownPlanned(Box::new(Ok(plan())))));
    // A fenced bucket whose contents are unknown: keeping it is the default.
    let screen = draw(&a, 110, 26);
    assert!(screen.contains("KEPT with its data"), "{screen}");
    insta::assert_snapshot!(screen);

    // e: empty instead; the plan says what happens to the fence.
    a.update(key(KeyCode::Char('e')));
    let screen = draw(&a, 110, 26);
    assert!(
        screen.contains("arn:aws:iam::123456789012:user/ops"),
        "{screen}"
    );

    // D opens the typed confirmation; a wrong name does nothing.
    a.update(key(KeyCode::Char('D')));
    for c in "wrong".chars() {
        a.update(key(KeyCode::Char(c)));
    }
    let (_, none) = a.update(key(KeyCode::Enter));
    assert!(none.is_empty());
    for _ in 0..5 {
        a.update(key(KeyCode::Backspace));
    }
    for c in PROJECT.chars() {
        a.update(key(KeyCode::Char(c)));
    }
    insta::assert_snapshot!("confirm", draw(&a, 110, 26));
    let (_, started) = a.update(key(KeyCode::Enter));
    assert_eq!(
        started,
        vec![Effect::Teardown {
            project: PROJECT.into(),
            stack_name: PROJECT.into(),
            choice: BucketChoice::Empty
        }]
    );
    assert!(a.tearing_down());
    // q while deleting asks first
    a.update(key(KeyCode::Char('q')));
    assert!(a.confirm_quit.is_some() && !a.should_quit());
    a.update(key(KeyCode::Char('n')));

    a.update(reply(
        &a,
        Reply::Teardown(StudioMsg::Step {
            text: "emptying bucket sagemaker-studio-vpc-data".into(),
        }),
    ));
    let mut report = DestroyReport::new(PROJECT);
    report.domain_deleted = true;
    report.stack_deleted = true;
    report.emptied = vec![(format!("{PROJECT}-data"), 3)];
    a.update(reply(&a, Reply::TeardownDone(Box::new(Ok(report)))));
    let screen = draw(&a, 110, 26);
    assert!(
        screen.contains("Nothing of sagemaker-studio-vpc is left behind"),
        "{screen}"
    );
    assert!(screen.contains("emptying bucket"), "{screen}");
    insta::assert_snapshot!("done", screen);
    // b after a complete teardown goes back to the start: there is no stack any more.
    a.update(key(KeyCode::Char('b')));
    assert_eq!(a.step(), Step::Session);
}

#[test]
fn a_report_with_leftovers_and_kept_data_says_so() {
    let (mut a, _) = teardown_app(false);
    a.update(reply(&a, Reply::TeardownPlanned(Box::new(Ok(plan())))));
    // Started as a person starts it: D, the typed name, Enter.
    a.update(key(KeyCode::Char('D')));
    for c in PROJECT.chars() {
        a.update(key(KeyCode::Char(c)));
    }
    let (_, started) = a.update(key(KeyCode::Enter));
    assert!(matches!(
        common::effects(started).as_slice(),
        [Effect::Teardown { .. }]
    ));
    let mut report = DestroyReport::new(PROJECT);
    report.kept.push(Kept {
        what: "bucket sagemaker-studio-vpc-data (with its data and policy)".into(),
        arn: "arn:aws:s3:::sagemaker-studio-vpc-data".into(),
        cost: "S3 storage".into(),
        note: None,
    });
    report.stopped = Some(
        AwsError::new(
            ErrorKind::AccessDenied,
            "s3:DeleteObjects",
            "emptying bucket x failed: Access Denied; nothing else was deleted",
        )
        .into(),
    );
    a.update(reply(&a, Reply::TeardownDone(Box::new(Ok(report)))));
    let screen = draw(&a, 110, 26);
    assert!(
        screen.contains("stopped: emptying bucket x failed"),
        "{screen}"
    );
    assert!(screen.contains("kept bucket"), "{screen}");
    assert!(
        screen.contains("Run the teardown again to resume"),
        "{screen}"
    );
    // b goes back to the overview (the stack may still be there) and reloads it
    let (_, effects) = a.update(key(KeyCode::Char('b')));
    assert_eq!(a.step(), Step::Overview);
    assert!(!effects.is_empty());
}

#[test]
fn read_only_shows_the_plan_and_cannot_delete() {
    let (mut a, _) = teardown_app(true);
    a.update(reply(&a, Reply::TeardownPlanned(Box::new(Ok(plan())))));
    let (_, effects) = a.update(key(KeyCode::Char('D')));
    assert!(effects.is_empty());
    for c in PROJECT.chars() {
        a.update(key(KeyCode::Char(c)));
    }
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert!(
        effects.is_empty(),
        "no confirmation opened, nothing started"
    );
    let screen = draw(&a, 110, 26);
    assert!(
        screen.contains("read-only: this is what a teardown would delete"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn no_bucket_choice_with_data_is_refused_on_screen() {
    let (mut a, _) = teardown_app(false);
    a.update(reply(&a, Reply::TeardownPlanned(Box::new(Ok(plan())))));
    a.update(key(KeyCode::Char('n')));
    let (_, effects) = a.update(key(KeyCode::Char('D')));
    assert!(effects.is_empty());
    let screen = draw(&a, 110, 26);
    assert!(screen.contains("cannot be read from here"), "{screen}");
    assert!(!screen.contains("Type the project name"), "{screen}");
}

#[test]
fn teardown_80x24() {
    let (mut a, _) = teardown_app(false);
    a.update(reply(&a, Reply::TeardownPlanned(Box::new(Ok(plan())))));
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "? help");
    assert!(screen.contains("KEPT with its data"), "{screen}");
    insta::assert_snapshot!("teardown_80x24_plan", screen);
    a.update(key(KeyCode::Char('D')));
    for c in PROJECT.chars() {
        a.update(key(KeyCode::Char(c)));
    }
    let screen = draw(&a, 80, 24);
    assert!(
        screen.contains("Type the project name to confirm"),
        "{screen}"
    );
    assert!(
        screen.contains("Enter to delete, Esc to cancel"),
        "{screen}"
    );
    insta::assert_snapshot!("teardown_80x24_confirm", screen);
}

#[test]
fn a_notebook_instance_in_the_studio_subnet_is_refused_on_screen_with_its_command() {
    use studio_tui::ops::leftovers::{Cost, Kind, Leftover};
    let (mut a, _) = teardown_app(false);
    let mut p = plan();
    p.leftovers = vec![Leftover {
        kind: Kind::NotebookInstance,
        id: "someones-nb".into(),
        state: "Stopped".into(),
        place: "subnet subnet-0studio".into(),
        blocks_vpc: true,
        running: false,
        in_vpc: true,
        cost: Cost::Unknown {
            why: "stopped: its ML storage volume is still billed".into(),
        },
        remove: "aws sagemaker delete-notebook-instance --notebook-instance-name someones-nb \
                 --region eu-west-1"
            .into(),
    }];
    a.update(reply(&a, Reply::TeardownPlanned(Box::new(Ok(p)))));
    let (_, effects) = a.update(key(KeyCode::Char('D')));
    assert!(effects.is_empty(), "nothing starts");
    let screen = draw(&a, 110, 30);
    assert!(!screen.contains("Type the project name"), "{screen}");
    let flat: String = common::screen_rows(&screen).join(" ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("notebook instance someones-nb"), "{screen}");
    assert!(
        flat.contains("NOT deleted: notebook instance someones-nb (Stopped"),
        "{screen}"
    );
    assert!(
        flat.contains("--notebook-instance-name someones-nb"),
        "the refusal gives the command: {screen}"
    );
    insta::assert_snapshot!(screen);
}
