//! Snapshots of the deploy wizard (parameter form, review, live deployment, recovery) on a
//! TestBackend, with the app driven headless by actions and a frozen clock.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

mod common;

use common::{draw, key, reply};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use studio_tui::aws::stacks::{
    ChangeSetInfo, ChangeSetKind, PlannedChange, StackInfo, ValidationEvent,
};
use studio_tui::aws::studio::DomainInfo;
use studio_tui::aws::{self, Identity, SessionOptions};
use studio_tui::aws::{AwsError, ErrorKind};
use studio_tui::config::Paths;
use studio_tui::core::progress::StackEvent;
use studio_tui::core::status::{DomainStatus, UserProfileStatus};
use studio_tui::ops::deploy::{DeployMsg, DeployOutcome, Plan, Recovery, Review, ValidationIssue};
use studio_tui::ops::studio::{SetUp, StudioMsg, UserOutcome, UserResult};
use studio_tui::ops::up::{Overlapped, StudioEnd, StudioPlan};
use studio_tui::state::Store;
use studio_tui::ui::action::{Action, Effect, Reply};
use studio_tui::ui::app::{App, Step};
use studio_tui::ui::theme::Theme;

const T0: i64 = 1_764_000_000_000;
const STACK_ID: &str =
    "arn:aws:cloudformation:eu-west-1:123456789012:stack/sagemaker-studio-vpc/0a1b2c3d";

fn options() -> SessionOptions {
    SessionOptions {
        profile: None,
        region: Some("eu-west-1".into()),
        endpoint_url: Some("http://127.0.0.1:4566".into()),
        fake_credentials: true,
        read_only: false,
    }
}

/// A connected app on the parameter form, with an empty store in a temp dir.
async fn on_form(dir: &tempfile::TempDir) -> App {
    let store = Arc::new(Mutex::new(Store::load(&Paths::under(dir.path())).unwrap()));
    let mut app = App::new(vec![], options(), false, Theme { color: false }).with_store(store);
    app.set_clock(T0 + 95_000);
    app.start();
    let session = aws::connect(&options()).await.unwrap();
    let id = Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ops".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    let (_, effects) = app.update(reply(&app, Reply::Connected(Box::new(Ok((session, id))))));
    assert_eq!(
        effects,
        vec![
            Effect::LookupStack("sagemaker-studio-vpc".into()),
            Effect::RepairFences {
                project: "sagemaker-studio-vpc".into()
            }
        ]
    );
    app.update(reply(&app, Reply::StackFound(Box::new(Ok(None)))));
    app.update(key(KeyCode::Char('n')));
    assert_eq!(app.step(), Step::Preflight);
    app.update(key(KeyCode::Char('n')));
    assert_eq!(app.step(), Step::Parameters);
    app
}

fn change(action: &str, id: &str, ty: &str, replacement: Option<&str>) -> PlannedChange {
    PlannedChange {
        action: action.into(),
        logical_id: id.into(),
        physical_id: None,
        resource_type: ty.into(),
        replacement: replacement.map(str::to_string),
        scope: if action == "Modify" {
            vec!["Properties".into()]
        } else {
            vec![]
        },
        drift: None,
    }
}

fn review(kind: ChangeSetKind, changes: Vec<PlannedChange>) -> Review {
    Review {
        stack_name: "sagemaker-studio-vpc".into(),
        kind,
        change_set: ChangeSetInfo {
            change_set_id: "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/studio-tui-1/x"
                .into(),
            stack_id: STACK_ID.into(),
            status: "CREATE_COMPLETE".into(),
            status_reason: None,
            execution_status: Some("AVAILABLE".into()),
            changes,
        },
        token: "studio-tui-token".into(),
        validation: Vec::new(),
        validation_unread: None,
    }
}

fn create_review() -> Review {
    review(
        ChangeSetKind::Create,
        vec![
            change("Add", "VPC", "AWS::EC2::VPC", None),
            change("Add", "FirewallSubnet", "AWS::EC2::Subnet", None),
            change("Add", "NatSubnet", "AWS::EC2::Subnet", None),
            change("Add", "StudioSubnet", "AWS::EC2::Subnet", None),
            change("Add", "Firewall", "AWS::NetworkFirewall::Firewall", None),
            change("Add", "NatGateway", "AWS::EC2::NatGateway", None),
            change("Add", "SageMakerExecutionRole", "AWS::IAM::Role", None),
            change("Add", "DataBucket", "AWS::S3::Bucket", None),
            change("Add", "DataBucketPolicy", "AWS::S3::BucketPolicy", None),
            change(
                "Add",
                "SageMakerSecurityGroup",
                "AWS::EC2::SecurityGroup",
                None,
            ),
        ],
    )
}

fn stack(status: &str) -> StackInfo {
    StackInfo {
        stack_id: STACK_ID.into(),
        stack_name: "sagemaker-studio-vpc".into(),
        status: status.into(),
        status_reason: Some("The following resource(s) failed to create: [NatGateway].".into()),
        outputs: BTreeMap::new(),
        parameters: BTreeMap::new(),
        creation_time: None,
        last_updated_time: None,
    }
}

fn ev(n: usize, id: &str, ty: &str, status: &str, reason: Option<&str>, secs: i64) -> StackEvent {
    StackEvent {
        event_id: format!("e{n}"),
        stack_id: STACK_ID.into(),
        logical_id: id.into(),
        physical_id: None,
        resource_type: ty.into(),
        status: status.into(),
        reason: reason.map(str::to_string),
        timestamp_ms: T0 + secs * 1000,
        client_request_token: Some("studio-tui-token".into()),
    }
}

/// Form → review (planned by hand) → executing a first create (the Studio domain alongside).
async fn deploying(dir: &tempfile::TempDir) -> App {
    deploying_with(dir, "create", &[]).await
}

/// Form (with these Studio users) → review → executing; the stack watch reports `operation`.
async fn deploying_with(dir: &tempfile::TempDir, operation: &str, users: &[&str]) -> App {
    let mut app = on_form(dir).await;
    if !users.is_empty() {
        // Enter moves down the form to its last row, the Studio users.
        for _ in 0..studio_tui::core::field::Field::ALL.len() {
            app.update(key(KeyCode::Enter));
        }
        common::type_text(&mut app, &users.join(", "));
    }
    let (_, effects) = app.update(key(KeyCode::F(2)));
    assert!(matches!(
        common::effects(effects.clone()).as_slice(),
        [Effect::Plan { .. }]
    ));
    app.update(reply(
        &app,
        Reply::Planned(Box::new(Ok(Plan::Review(create_review())))),
    ));
    let (_, effects) = app.update(key(KeyCode::Enter));
    // A first create builds the Studio domain and the form's users alongside the stack.
    let users = app.params.as_ref().unwrap().users.clone();
    assert_eq!(
        effects,
        vec![Effect::Execute {
            review: create_review(),
            studio: StudioPlan {
                project: create_review().stack_name,
                users,
                guardrails: Default::default(),
            },
        }]
    );
    assert_eq!(app.step(), Step::Deploy);
    let expected = create_review()
        .change_set
        .changes
        .iter()
        .map(|c| (c.logical_id.clone(), c.resource_type.clone()))
        .collect();
    app.update(reply(
        &app,
        Reply::Deploy(DeployMsg::Started {
            stack_id: STACK_ID.into(),
            operation: operation.into(),
            client_request_token: Some("studio-tui-token".into()),
            expected,
        }),
    ));
    app.update(reply(
        &app,
        Reply::Deploy(DeployMsg::Events {
            events: in_progress_events(),
        }),
    ));
    app
}

/// The domain as SageMaker reports it (`status` as AWS spells it).
fn domain_msg(status: &str, secs: u64) -> StudioMsg {
    StudioMsg::Domain {
        name: "sagemaker-studio-vpc".into(),
        id: Some("d-abc123".into()),
        status: DomainStatus::from(status).into(),
        elapsed_secs: secs,
        detail: None,
    }
}

/// A user profile as SageMaker reports it (`status` as AWS spells it).
fn user_msg(name: &str, status: &str) -> StudioMsg {
    StudioMsg::User {
        name: name.into(),
        status: UserProfileStatus::from(status).into(),
        elapsed_secs: 4,
        detail: None,
    }
}

fn overlapped(stack: DeployOutcome, studio: StudioEnd) -> Reply {
    Reply::Overlapped(Box::new(Overlapped {
        stack,
        studio,
        deleted: None,
    }))
}

fn ready(users: &[&str]) -> StudioEnd {
    StudioEnd::Ready(Box::new(SetUp {
        domain: DomainInfo {
            id: "d-abc123".into(),
            name: "sagemaker-studio-vpc".into(),
            status: "InService".into(),
            ..DomainInfo::default()
        },
        users: users
            .iter()
            .map(|u| UserOutcome {
                name: u.to_string(),
                result: UserResult::Created,
            })
            .collect(),
    }))
}

fn in_progress_events() -> Vec<StackEvent> {
    let s = "AWS::CloudFormation::Stack";
    vec![
        ev(
            1,
            "sagemaker-studio-vpc",
            s,
            "CREATE_IN_PROGRESS",
            Some("User Initiated"),
            0,
        ),
        ev(2, "VPC", "AWS::EC2::VPC", "CREATE_IN_PROGRESS", None, 3),
        ev(
            3,
            "SageMakerExecutionRole",
            "AWS::IAM::Role",
            "CREATE_IN_PROGRESS",
            None,
            3,
        ),
        ev(4, "VPC", "AWS::EC2::VPC", "CREATE_COMPLETE", None, 15),
        ev(
            5,
            "FirewallSubnet",
            "AWS::EC2::Subnet",
            "CREATE_IN_PROGRESS",
            None,
            16,
        ),
        ev(
            6,
            "NatSubnet",
            "AWS::EC2::Subnet",
            "CREATE_IN_PROGRESS",
            None,
            16,
        ),
        ev(
            7,
            "StudioSubnet",
            "AWS::EC2::Subnet",
            "CREATE_IN_PROGRESS",
            None,
            16,
        ),
        ev(
            8,
            "SageMakerExecutionRole",
            "AWS::IAM::Role",
            "CREATE_COMPLETE",
            None,
            17,
        ),
        ev(
            9,
            "FirewallSubnet",
            "AWS::EC2::Subnet",
            "CREATE_COMPLETE",
            None,
            20,
        ),
        ev(
            10,
            "NatSubnet",
            "AWS::EC2::Subnet",
            "CREATE_COMPLETE",
            None,
            20,
        ),
        ev(
            11,
            "StudioSubnet",
            "AWS::EC2::Subnet",
            "CREATE_COMPLETE",
            None,
            21,
        ),
        ev(
            12,
            "Firewall",
            "AWS::NetworkFirewall::Firewall",
            "CREATE_IN_PROGRESS",
            None,
            22,
        ),
        ev(
            13,
            "NatGateway",
            "AWS::EC2::NatGateway",
            "CREATE_IN_PROGRESS",
            None,
            22,
        ),
        ev(
            14,
            "DataBucket",
            "AWS::S3::Bucket",
            "CREATE_IN_PROGRESS",
            None,
            23,
        ),
    ]
}

fn failure_events() -> Vec<StackEvent> {
    let s = "AWS::CloudFormation::Stack";
    vec![
        ev(
            20,
            "NatGateway",
            "AWS::EC2::NatGateway",
            "CREATE_FAILED",
            Some(
                "Resource handler returned message: \"The maximum number of addresses has been reached. (Service: Ec2, Status Code: 400)\"",
            ),
            60,
        ),
        ev(
            21,
            "Firewall",
            "AWS::NetworkFirewall::Firewall",
            "CREATE_FAILED",
            Some("Resource creation cancelled"),
            61,
        ),
        ev(
            22,
            "DataBucket",
            "AWS::S3::Bucket",
            "CREATE_FAILED",
            Some("Resource creation cancelled"),
            61,
        ),
        ev(
            23,
            "sagemaker-studio-vpc",
            s,
            "ROLLBACK_IN_PROGRESS",
            Some(
                "The following resource(s) failed to create: [NatGateway, Firewall, DataBucket]. Rollback requested by user.",
            ),
            62,
        ),
        ev(24, "sagemaker-studio-vpc", s, "ROLLBACK_COMPLETE", None, 90),
    ]
}

fn outcome(ok: bool, status: &str, app: &App) -> DeployOutcome {
    let tracker = &app.deploy().unwrap().tracker;
    let mut outputs = BTreeMap::new();
    if ok {
        outputs.insert("VpcId".into(), "vpc-0abc1234def567890".into());
        outputs.insert("StudioSubnetId".into(), "subnet-0123456789abcdef0".into());
        outputs.insert("DataBucketName".into(), "sagemaker-studio-vpc-data".into());
    }
    DeployOutcome {
        stack_id: STACK_ID.into(),
        status: status.into(),
        ok,
        outputs,
        failures: tracker.failures().into_iter().cloned().collect(),
        root_cause: tracker.root_cause().cloned(),
        events: tracker.events.clone(),
    }
}

#[tokio::test]
async fn form_with_errors_keeps_the_text_and_focuses_the_first_bad_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    // Project name: append an underscore (not allowed).
    a.update(key(KeyCode::End));
    common::type_text(&mut a, "_X");
    // VPC CIDR: make the prefix /99.
    a.update(key(KeyCode::Down));
    a.update(key(KeyCode::Backspace));
    a.update(key(KeyCode::Backspace));
    common::type_text(&mut a, "99");
    let form = a.params.as_ref().unwrap();
    assert_eq!(form.errors.len(), 2, "{:?}", form.errors);
    // Review refuses, focuses the first bad field, keeps every character.
    let (_, effects) = a.update(key(KeyCode::F(2)));
    assert!(effects.is_empty());
    let form = a.params.as_ref().unwrap();
    assert_eq!(form.focus, 0);
    assert_eq!(form.texts[0], "sagemaker-studio-vpc_X");
    assert_eq!(form.texts[1], "10.2.0.0/99");
    insta::assert_snapshot!(draw(&a, 120, 40));
}

/// Issue 23: an allow-list entry that admits S3 of other regions is accepted but warned about
/// under the field (⚠, the reason and the fix), and the review still opens.
#[tokio::test]
async fn form_warns_about_an_entry_that_admits_s3_of_other_regions() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    for _ in 0..5 {
        a.update(key(KeyCode::Down));
    }
    a.update(key(KeyCode::End));
    common::type_text(&mut a, ", .amazonaws.com");
    let form = a.params.as_ref().unwrap();
    assert!(form.errors.is_empty(), "{:?}", form.errors);
    let warning = form
        .warnings
        .get(&studio_tui::core::field::Field::AllowedDomains);
    assert!(
        warning.is_some_and(|w| w.contains("admits S3 in every region")),
        "{:?}",
        form.warnings
    );
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("⚠"), "{screen}");
    assert!(
        screen.contains("`.amazonaws.com` admits S3 in every region"),
        "{screen}"
    );
    let (_, effects) = a.update(key(KeyCode::F(2)));
    assert!(!effects.is_empty(), "a warning does not block the review");
}

#[tokio::test]
async fn valid_form_plans_and_saves_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::End));
    common::type_text(&mut a, "-two");
    for _ in 0..studio_tui::core::field::Field::ALL.len() {
        a.update(key(KeyCode::Enter));
    }
    // the last row: the Studio users; a bad name is refused where it was typed
    common::type_text(&mut a, "ann, Bad_Name");
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert!(effects.is_empty());
    let form = a.params.as_ref().unwrap();
    assert!(
        form.users_error
            .as_deref()
            .is_some_and(|e| e.contains("Bad_Name")),
        "{form:?}"
    );
    assert_eq!(
        form.focus,
        studio_tui::core::field::Field::ALL.len(),
        "focus stays on the users row"
    );
    for _ in 0.."Bad_Name".len() {
        a.update(key(KeyCode::Backspace));
    }
    common::type_text(&mut a, "bob");
    let (_, effects) = a.update(key(KeyCode::Enter));
    match common::effects(effects.clone()).as_slice() {
        [Effect::Plan { params, users, .. }] => {
            assert_eq!(params.project_name.as_str(), "sagemaker-studio-vpc-two");
            assert_eq!(users, &["ann".to_string(), "bob".to_string()]);
        }
        other => panic!("expected a plan, got {other:?}"),
    }
    assert_eq!(a.step(), Step::Review);
    insta::assert_snapshot!(draw(&a, 100, 16));
}

#[tokio::test]
async fn review_of_a_create_change_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::F(2)));
    a.update(reply(
        &a,
        Reply::Planned(Box::new(Ok(Plan::Review(create_review())))),
    ));
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("10 change(s): 10 to add"));
    assert!(screen.contains("4 security-relevant"));
    // A change set to execute offers no stack recovery.
    assert!(!screen.contains("delete & retry"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// A change set to execute asks for its monthly cost in the background; the review shows the
/// change and where the prices came from (issue 25).
#[tokio::test]
async fn the_review_says_what_the_change_set_costs_a_month() {
    use studio_tui::core::cost::{self, Before, CostChange, Footprint};
    use studio_tui::ops::cost::{CostReport, ReviewCost};
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::F(2)));
    let (_, requests) = a.update(reply(
        &a,
        Reply::Planned(Box::new(Ok(Plan::Review(create_review())))),
    ));
    assert_eq!(
        common::effects(requests),
        vec![Effect::EstimateCost {
            create: true,
            changes: studio_tui::ops::cost::resource_changes(&create_review().change_set.changes),
        }]
    );
    assert!(draw(&a, 120, 40).contains("cost: estimating the monthly cost"));
    // The wizard's region here is eu-west-1: the bundled table stands in with us-east-1's.
    let prices = cost::bundled::prices("eu-west-1").unwrap();
    let estimate = cost::estimate(&Footprint::STUDIO_ENVIRONMENT, &prices);
    let priced = ReviewCost {
        change: CostChange {
            before: Before::Nothing,
            after: estimate.monthly,
        },
        report: CostReport {
            estimate,
            fallback: Some("pricing:GetProducts is denied to these credentials".into()),
            api_calls: 5,
        },
    };
    a.update(reply(&a, Reply::Costed(Box::new(Ok(priced)))));
    let screen = draw(&a, 120, 40);
    assert!(
        screen.contains("cost: +$382.60 a month (new environment)"),
        "{screen}"
    );
    assert!(screen.contains("bundled prices of"), "{screen}");
    assert!(
        screen.contains("us-east-1's bundled prices, not eu-west-1's"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// A name-conflict event as CloudFormation's early validation reports it (DescribeEvents).
fn name_conflict(logical_id: &str, ty: &str, name: &str) -> ValidationIssue {
    ValidationIssue::from_event(
        &ValidationEvent {
            logical_id: logical_id.into(),
            resource_type: ty.into(),
            path: format!("/Resources/{logical_id}"),
            reason: format!("Resource of type '{ty}' with identifier '{name}' already exists."),
            name: "NAME_CONFLICT_VALIDATION".into(),
            failure_mode: "FAIL".into(),
            status: "FAILED".into(),
        },
        "sagemaker-studio-vpc",
    )
}

#[tokio::test]
async fn review_of_a_change_set_that_failed_early_validation() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::F(2)));
    let mut r = create_review();
    r.change_set.status = "FAILED".into();
    r.change_set.execution_status = Some("UNAVAILABLE".into());
    r.change_set.status_reason = Some(
        "The following hook(s)/validation failed: [AWS::EarlyValidation::ResourceExistenceCheck]. \
         To troubleshoot Early Validation errors, use the DescribeEvents API for detailed failure \
         information."
            .into(),
    );
    r.validation = vec![
        name_conflict("DataBucket", "AWS::S3::Bucket", "sagemaker-studio-vpc-data"),
        name_conflict(
            "S3KmsKeyAlias",
            "AWS::KMS::Alias",
            "alias/sagemaker-studio-vpc-s3",
        ),
    ];
    a.update(reply(
        &a,
        Reply::Planned(Box::new(Ok(Plan::Review(r.clone())))),
    ));
    let screen = draw(&a, 120, 40);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("Pre-deployment validation: 2 error(s), 0 warning(s)"));
    assert!(screen.contains("DataBucket AWS::S3::Bucket  at /Resources/DataBucket"));
    assert!(screen.contains("identifier 'sagemaker-studio-vpc-data' already exists."));
    assert!(screen.contains("`aws kms delete-alias --alias-name"));
    assert!(screen.contains("delete the change set and go back"));
    // A failed change set cannot be executed; c deletes it and goes back to the form.
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    let (_, effects) = a.update(key(KeyCode::Char('c')));
    assert_eq!(effects, vec![Effect::Cancel(r)]);
}

#[tokio::test]
async fn review_of_an_update_with_a_replacement() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::F(2)));
    let r = review(
        ChangeSetKind::Update,
        vec![
            change(
                "Modify",
                "DomainRuleGroup",
                "AWS::NetworkFirewall::RuleGroup",
                Some("True"),
            ),
            change(
                "Modify",
                "StudioSubnet",
                "AWS::EC2::Subnet",
                Some("Conditional"),
            ),
            change("Remove", "OldEndpoint", "AWS::EC2::VPCEndpoint", None),
        ],
    );
    a.update(reply(
        &a,
        Reply::Planned(Box::new(Ok(Plan::Review(r.clone())))),
    ));
    let screen = draw(&a, 120, 20);
    assert!(screen.contains("REPLACED"));
    insta::assert_snapshot!(screen);
    // Cancel deletes the change set, then the form comes back untouched.
    let (_, effects) = a.update(key(KeyCode::Char('c')));
    assert_eq!(effects, vec![Effect::Cancel(r)]);
    a.update(reply(&a, Reply::Cancelled(Box::new(Ok(())))));
    assert_eq!(a.step(), Step::Parameters);
    assert_eq!(a.params.as_ref().unwrap().texts[0], "sagemaker-studio-vpc");
}

#[tokio::test]
async fn blocked_stack_offers_delete_and_retry() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::F(2)));
    a.update(reply(
        &a,
        Reply::Planned(Box::new(Ok(Plan::Blocked {
            stack: stack("ROLLBACK_COMPLETE"),
            recovery: Recovery::DeleteAndRetry,
        }))),
    ));
    let screen = draw(&a, 100, 20);
    // The footer offers the one recovery this stack allows, and nothing to execute or cancel.
    let footer = screen.lines().last().unwrap_or_default().to_string();
    assert!(footer.contains("R delete & retry"), "{footer}");
    assert!(footer.contains("b/Esc back"), "{footer}");
    assert!(!footer.contains("continue rollback"), "{footer}");
    assert!(!footer.contains("execute"), "{footer}");
    insta::assert_snapshot!(screen);
    let (_, effects) = a.update(key(KeyCode::Char('R')));
    assert_eq!(
        effects,
        vec![Effect::Recover {
            stack: stack("ROLLBACK_COMPLETE"),
            recovery: Recovery::DeleteAndRetry
        }]
    );
    assert_eq!(a.step(), Step::Deploy);
}

#[tokio::test]
async fn update_rollback_failed_offers_continue_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::F(2)));
    a.update(reply(
        &a,
        Reply::Planned(Box::new(Ok(Plan::Blocked {
            stack: stack("UPDATE_ROLLBACK_FAILED"),
            recovery: Recovery::ContinueRollback,
        }))),
    ));
    let footer = draw(&a, 100, 20)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(footer.contains("C continue rollback"), "{footer}");
    assert!(!footer.contains("delete & retry"), "{footer}");
    assert!(a.update(key(KeyCode::Char('R'))).1.is_empty());
    let (_, effects) = a.update(key(KeyCode::Char('C')));
    assert!(matches!(
        common::effects(effects.clone()).as_slice(),
        [Effect::Recover {
            recovery: Recovery::ContinueRollback,
            ..
        }]
    ));
}

#[tokio::test]
async fn deploy_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let a = deploying(&dir).await;
    assert_eq!(
        a.tick_interval(),
        Some(std::time::Duration::from_secs(1)),
        "elapsed times advance each second while deploying"
    );
    let screen = draw(&a, 120, 40);
    // The stack's ten resources and the Studio domain built alongside.
    assert!(screen.contains("5/11 resources"), "{screen}");
    assert!(screen.contains("Firewall"));
    insta::assert_snapshot!(screen);
}

/// The topology opened over a running deploy (`g`) keeps the deploy as it was: the operation's
/// messages still reach its tracker, quitting still asks, and Esc returns to it.
#[tokio::test]
async fn the_topology_over_a_running_deploy_keeps_it_and_esc_returns_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    let (done, total) = a.deploy().unwrap().tracker.counts();
    a.update(key(KeyCode::Char('g')));
    assert_eq!(a.step(), Step::Topology);
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Events {
            events: vec![ev(
                15,
                "Firewall",
                "AWS::NetworkFirewall::Firewall",
                "CREATE_COMPLETE",
                None,
                40,
            )],
        }),
    ));
    assert_eq!(a.deploy().unwrap().tracker.counts(), (done + 1, total));
    a.update(key(KeyCode::Char('q')));
    assert!(a.confirm_quit.is_some() && !a.should_quit());
    a.update(key(KeyCode::Char('n')));
    a.update(key(KeyCode::Esc));
    assert_eq!(a.step(), Step::Deploy);
    assert!(a.deploying());
    let screen = draw(&a, 120, 40);
    assert!(
        screen.contains(&format!("{}/{total} resources", done + 1)),
        "{screen}"
    );
}

#[tokio::test]
async fn deploy_in_progress_narrow_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let a = deploying(&dir).await;
    let s = draw(&a, 80, 24);
    // progress, what is in flight and the events still fit at 80x24
    assert!(s.contains("5/11 resources"), "{s}");
    assert!(
        s.contains("In progress (3)") && s.contains("NatGateway"),
        "{s}"
    );
    assert!(s.contains("Events (14)"), "{s}");
    insta::assert_snapshot!(s);
}

#[tokio::test]
async fn deploy_failed_with_root_cause_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    a.set_clock(T0 + 120_000);
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Events {
            events: failure_events(),
        }),
    ));
    let o = outcome(false, "ROLLBACK_COMPLETE", &a);
    assert_eq!(o.root_cause.as_ref().unwrap().logical_id, "NatGateway");
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Finished {
            outcome: Box::new(o.clone()),
        }),
    ));
    // The stack failed before the domain's inputs were complete: nothing to remove.
    a.update(reply(&a, overlapped(o, StudioEnd::NotStarted)));
    assert!(!a.deploying());
    assert_eq!(
        a.tick_interval(),
        None,
        "a finished screen does not redraw by itself"
    );
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("ROOT CAUSE NatGateway"));
    insta::assert_snapshot!(screen);
}

#[tokio::test]
async fn deploy_complete_with_outputs_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying_with(&dir, "create", &["alice"]).await;
    // The Studio half, alongside: the domain from 30 s (its inputs are complete), alice after
    // it is InService; the firewall is still being created meanwhile.
    a.set_clock(T0 + 30_000);
    a.update(reply(&a, Reply::Studio(domain_msg("Pending", 0))));
    a.set_clock(T0 + 300_000);
    a.update(reply(&a, Reply::Studio(domain_msg("InService", 270))));
    a.update(reply(&a, Reply::Studio(user_msg("alice", "Pending"))));
    a.set_clock(T0 + 310_000);
    a.update(reply(&a, Reply::Studio(user_msg("alice", "InService"))));
    a.set_clock(T0 + 340_000);
    let s = "AWS::CloudFormation::Stack";
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Events {
            events: vec![
                ev(
                    30,
                    "DataBucket",
                    "AWS::S3::Bucket",
                    "CREATE_COMPLETE",
                    None,
                    50,
                ),
                ev(
                    31,
                    "DataBucketPolicy",
                    "AWS::S3::BucketPolicy",
                    "CREATE_IN_PROGRESS",
                    None,
                    51,
                ),
                ev(
                    32,
                    "DataBucketPolicy",
                    "AWS::S3::BucketPolicy",
                    "CREATE_COMPLETE",
                    None,
                    53,
                ),
                ev(
                    33,
                    "SageMakerSecurityGroup",
                    "AWS::EC2::SecurityGroup",
                    "CREATE_IN_PROGRESS",
                    None,
                    21,
                ),
                ev(
                    34,
                    "SageMakerSecurityGroup",
                    "AWS::EC2::SecurityGroup",
                    "CREATE_COMPLETE",
                    None,
                    27,
                ),
                ev(
                    35,
                    "NatGateway",
                    "AWS::EC2::NatGateway",
                    "CREATE_COMPLETE",
                    None,
                    128,
                ),
                ev(
                    36,
                    "Firewall",
                    "AWS::NetworkFirewall::Firewall",
                    "CREATE_COMPLETE",
                    None,
                    334,
                ),
                ev(37, "sagemaker-studio-vpc", s, "CREATE_COMPLETE", None, 336),
            ],
        }),
    ));
    let o = outcome(true, "CREATE_COMPLETE", &a);
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Finished {
            outcome: Box::new(o.clone()),
        }),
    ));
    a.update(reply(&a, overlapped(o, ready(&["alice"]))));
    assert!(!a.deploying());
    let screen = draw(&a, 120, 40);
    // One count: the stack's ten resources, the domain and alice.
    assert!(screen.contains("12/12 resources"), "{screen}");
    assert!(screen.contains("vpc-0abc1234def567890"));
    assert!(screen.contains("✔ d-abc123 InService"), "{screen}");
    assert!(screen.contains("User alice  ✔ created"), "{screen}");
    insta::assert_snapshot!("deploy_complete", screen);
    a.update(key(KeyCode::Char('t')));
    let screen = draw(&a, 120, 40);
    // One timeline: the domain and alice next to the stack's resources.
    assert!(screen.contains("Timeline (12 resources)"), "{screen}");
    assert!(screen.contains("Studio domain") && screen.contains("User alice"));
    insta::assert_snapshot!("deploy_timeline", screen);
    // In a short terminal the timeline scrolls to its last rows (the Studio half).
    let short = draw(&a, 120, 20);
    assert!(short.contains("Timeline (12 resources, 1-"), "{short}");
    // alice is in the recap, not yet among the timeline rows shown
    assert_eq!(short.matches("User alice").count(), 1, "{short}");
    a.update(key(KeyCode::End));
    let short = draw(&a, 120, 20);
    assert!(short.contains("shown · ↑↓ scroll"), "{short}");
    assert_eq!(short.matches("User alice").count(), 2, "{short}");
    a.update(key(KeyCode::Home));
    a.update(key(KeyCode::Char('t')));
    // b goes back to the form for an update (e.g. new allowed domains).
    a.update(key(KeyCode::Char('b')));
    assert_eq!(a.step(), Step::Parameters);
}

#[tokio::test]
async fn n_after_an_update_starts_the_studio_step() {
    let dir = tempfile::tempdir().unwrap();
    // An update has no Studio half alongside: the Studio step runs after it.
    let mut a = deploying_with(&dir, "update", &[]).await;
    // not while it runs
    let (_, effects) = a.update(key(KeyCode::Char('n')));
    assert!(effects.is_empty());
    assert_eq!(a.step(), Step::Deploy);
    let o = outcome(true, "CREATE_COMPLETE", &a);
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Finished {
            outcome: Box::new(o),
        }),
    ));
    let (_, effects) = a.update(key(KeyCode::Char('n')));
    assert_eq!(a.step(), Step::Domain);
    match common::effects(effects.clone()).as_slice() {
        [Effect::SetUpStudio { project, .. }] => assert_eq!(project, "sagemaker-studio-vpc"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_first_create_runs_until_the_studio_half_ends_then_n_shows_it_without_rerunning() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying_with(&dir, "create", &["alice", "bob"]).await;
    // The domain and both users are part of the count from the start.
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("5/13 resources"), "{screen}");
    a.update(reply(&a, Reply::Studio(domain_msg("Pending", 0))));
    let screen = draw(&a, 120, 40);
    assert!(
        screen.contains("Studio domain") && screen.contains("AWS::SageMaker::Domain (typically"),
        "the domain is in progress next to the stack's resources\n{screen}"
    );
    // The stack completes first: the operation still runs (the domain is Pending).
    let o = outcome(true, "CREATE_COMPLETE", &a);
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Finished {
            outcome: Box::new(o.clone()),
        }),
    ));
    assert!(a.deploying(), "the Studio half still runs");
    assert_eq!(a.tick_interval(), Some(std::time::Duration::from_secs(1)));
    let screen = draw(&a, 120, 40);
    assert!(
        screen.contains("✔ CREATE_COMPLETE") && screen.contains("Studio domain and users…"),
        "{screen}"
    );
    assert!(
        screen.contains("Studio domain  Pending (users follow once it is InService)"),
        "{screen}"
    );
    let (_, effects) = a.update(key(KeyCode::Char('n')));
    assert!(effects.is_empty());
    assert_eq!(a.step(), Step::Deploy, "n waits for the Studio half");
    a.set_clock(T0 + 390_000);
    a.update(reply(&a, Reply::Studio(domain_msg("InService", 280))));
    a.set_clock(T0 + 400_000);
    for u in ["alice", "bob"] {
        a.update(reply(&a, Reply::Studio(user_msg(u, "InService"))));
    }
    a.update(reply(&a, overlapped(o, ready(&["alice", "bob"]))));
    assert!(!a.deploying());
    // The operation's time runs to the last user, after the stack's last event.
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("resources · elapsed 6m40s"), "{screen}");
    // n shows the Studio step as it ended: nothing runs again.
    let (_, effects) = a.update(key(KeyCode::Char('n')));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(a.step(), Step::Domain);
    let screen = draw(&a, 120, 40);
    assert!(
        screen.contains("Studio is ready") && screen.contains("2/2 ready"),
        "{screen}"
    );
}

#[tokio::test]
async fn a_failed_domain_keeps_the_stack_and_r_on_the_studio_step_retries_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    a.update(reply(&a, Reply::Studio(domain_msg("Pending", 0))));
    a.update(reply(&a, Reply::Studio(domain_msg("Failed", 40))));
    let o = outcome(true, "CREATE_COMPLETE", &a);
    let error = AwsError::new(
        ErrorKind::Other,
        "sagemaker:DescribeDomain",
        "the Studio domain failed: Access denied for KMS key",
    )
    .with_fix("check the key policy; r on the Studio step creates only the domain again");
    a.update(reply(
        &a,
        overlapped(
            o,
            StudioEnd::Failed {
                error: error.into(),
                domain_id: Some("d-abc123".into()),
            },
        ),
    ));
    assert!(!a.deploying());
    let screen = draw(&a, 120, 40);
    assert!(
        screen.contains("Outputs · the Studio domain failed"),
        "{screen}"
    );
    assert!(screen.contains("Access denied for KMS key"), "{screen}");
    assert!(screen.contains("The stack is kept."), "{screen}");
    let (_, effects) = a.update(key(KeyCode::Char('n')));
    assert!(effects.is_empty());
    assert_eq!(a.step(), Step::Domain);
    assert!(draw(&a, 120, 40).contains("Access denied for KMS key"));
    let (_, effects) = a.update(key(KeyCode::Char('r')));
    match common::effects(effects).as_slice() {
        [Effect::SetUpStudio { project, .. }] => assert_eq!(project, "sagemaker-studio-vpc"),
        other => panic!("r retries the Studio half only: {other:?}"),
    }
}

#[tokio::test]
async fn a_stack_failure_removes_the_domain_reports_the_root_cause_and_r_deploys_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    a.update(reply(&a, Reply::Studio(domain_msg("Pending", 0))));
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Events {
            events: failure_events(),
        }),
    ));
    a.update(reply(
        &a,
        Reply::Studio(StudioMsg::Step {
            text: "the stack failed: removing the Studio domain d-abc123".into(),
        }),
    ));
    let failed = outcome(false, "ROLLBACK_FAILED", &a);
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Finished {
            outcome: Box::new(failed.clone()),
        }),
    ));
    let screen = draw(&a, 120, 40);
    assert!(a.deploying(), "the domain is being removed");
    assert!(
        screen.contains("the stack failed: removing the Studio domain d-abc123…"),
        "{screen}"
    );
    let deleted = DeployOutcome {
        status: "DELETE_COMPLETE".into(),
        ok: true,
        failures: vec![],
        root_cause: None,
        ..failed.clone()
    };
    a.update(reply(
        &a,
        Reply::Overlapped(Box::new(Overlapped {
            stack: failed,
            studio: StudioEnd::Removed {
                domain_id: "d-abc123".into(),
                error: None,
            },
            deleted: Some(deleted),
        })),
    ));
    assert!(!a.deploying());
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("✘ ROLLBACK_FAILED"), "{screen}");
    assert!(screen.contains("ROOT CAUSE NatGateway"), "{screen}");
    assert!(
        screen.contains("Studio domain d-abc123 started next to the stack was removed"),
        "{screen}"
    );
    assert!(screen.contains("(DELETE_COMPLETE)"), "{screen}");
    insta::assert_snapshot!(screen);
    // n has nothing to open; r plans the same parameters again.
    let (_, effects) = a.update(key(KeyCode::Char('n')));
    assert!(effects.is_empty());
    let (_, effects) = a.update(key(KeyCode::Char('r')));
    assert!(matches!(
        common::effects(effects).as_slice(),
        [Effect::Plan { .. }]
    ));
    assert_eq!(a.step(), Step::Review);
}

#[tokio::test]
async fn filter_the_event_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    a.update(key(KeyCode::Char('/')));
    common::type_text(&mut a, "subnet");
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("/subnet"));
    assert!(!screen.contains("SageMakerExecutionRole     "));
    insta::assert_snapshot!(screen);
    // q typed into the filter does not quit; Enter keeps the filter, Esc clears it.
    a.update(key(KeyCode::Enter));
    assert!(!a.should_quit());
    a.update(key(KeyCode::Esc));
    assert!(a.deploy().unwrap().filter.is_empty());
}

#[tokio::test]
async fn quitting_while_deploying_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    a.update(key(KeyCode::Char('q')));
    assert!(!a.should_quit() && a.confirm_quit.is_some());
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("keeps running in AWS"));
    let footer = screen.lines().last().unwrap().to_string();
    assert!(
        footer.contains("n / Esc stay") && footer.contains("y quit"),
        "the footer names the question's keys: {footer}"
    );
    insta::assert_snapshot!(screen);
    let (changed, _) = a.update(key(KeyCode::Char('g')));
    assert!(
        !changed && a.confirm_quit.is_some() && !a.should_quit(),
        "a screen key does nothing while the question is asked"
    );
    a.update(key(KeyCode::Char('n')));
    assert!(a.confirm_quit.is_none() && !a.should_quit());
    a.update(Action::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(a.confirm_quit.is_some());
    a.update(key(KeyCode::Char('y')));
    assert!(a.should_quit());
}

#[tokio::test]
async fn a_running_stack_at_start_is_reattached() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Mutex::new(Store::load(&Paths::under(dir.path())).unwrap()));
    let mut a = App::new(vec![], options(), false, Theme { color: false }).with_store(store);
    a.start();
    let session = aws::connect(&options()).await.unwrap();
    let id = Identity {
        account: "123456789012".into(),
        arn: "arn:aws:iam::123456789012:user/ops".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    a.update(reply(&a, Reply::Connected(Box::new(Ok((session, id))))));
    let (_, effects) = a.update(reply(
        &a,
        Reply::StackFound(Box::new(Ok(Some(stack("CREATE_IN_PROGRESS"))))),
    ));
    assert_eq!(
        effects,
        vec![Effect::Reattach {
            stack: stack("CREATE_IN_PROGRESS"),
            studio: StudioPlan {
                project: "sagemaker-studio-vpc".into(),
                users: vec![],
                guardrails: Default::default(),
            },
        }]
    );
    assert_eq!(a.step(), Step::Deploy);
}

#[tokio::test]
async fn event_log_scrolls_and_follows() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    let many: Vec<StackEvent> = (0..500)
        .map(|i| {
            ev(
                1000 + i,
                &format!("Res{i}"),
                "AWS::EC2::Route",
                "CREATE_COMPLETE",
                None,
                30,
            )
        })
        .collect();
    a.update(reply(&a, Reply::Deploy(DeployMsg::Events { events: many })));
    a.update(key(KeyCode::PageUp));
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("newer below"));
    a.update(key(KeyCode::End));
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("Res499"));
}

/// A logical id longer than its column is cut with an ellipsis at 80x24: the type column stays
/// in line.
#[tokio::test]
async fn review_80x24_keeps_columns_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    a.update(key(KeyCode::F(2)));
    let mut r = create_review();
    r.change_set.changes.push(change(
        "Add",
        "SageMakerFeatureStoreRuntimeEndpointForTheStudioSubnet",
        "AWS::EC2::VPCEndpoint",
        None,
    ));
    a.update(reply(&a, Reply::Planned(Box::new(Ok(Plan::Review(r))))));
    let screen = draw(&a, 80, 24);
    let column = |needle: &str| {
        screen
            .lines()
            .find(|l| l.contains(needle))
            .and_then(|l| l.find("AWS::").map(|i| l[..i].chars().count()))
            .unwrap_or_else(|| panic!("{needle} in {screen}"))
    };
    assert_eq!(
        column("FirewallSubnet"),
        column("SageMakerFeatureStore"),
        "{screen}"
    );
    assert!(screen.contains("…"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[tokio::test]
async fn form_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "F1 help");
    for label in [
        "Project name",
        "VPC CIDR",
        "Availability zone",
        "Idle shutdown (min)",
        "Studio users",
        "IAM auth (permanent; no trusted identity propagation)",
    ] {
        assert!(screen.contains(label), "{label}: {screen}");
    }
    assert!(
        screen.contains("so pick one unique to you."),
        "help cut: {screen}"
    );
    insta::assert_snapshot!(screen);
    // The longest help text (the users row) still fits its box.
    a.update(key(KeyCode::Up));
    let screen = draw(&a, 80, 24);
    assert!(
        screen.contains("(2-4 IPs each)") || screen.contains("IPs each)."),
        "{screen}"
    );
    insta::assert_snapshot!("form_80x24_users_row", screen);
    // The idle shutdown's help says what counts as idle and which images honour it, whole.
    a.update(key(KeyCode::Up));
    let screen = draw(&a, 80, 24);
    assert!(
        screen.contains("› Idle shutdown (min) 60")
            && screen.contains("no kernel or terminal session")
            && screen.contains("Distribution 2.0+ images only."),
        "{screen}"
    );
}

/// The event log keeps its columns in line whatever the logical id, and cuts what does not fit
/// with an ellipsis instead of at the border.
#[tokio::test]
async fn event_log_columns_stay_aligned_and_cut_with_an_ellipsis() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = deploying(&dir).await;
    a.update(reply(
        &a,
        Reply::Deploy(DeployMsg::Events {
            events: vec![
                ev(
                    900,
                    "SageMakerFeatureStoreRuntimeEndpointForTheStudioSubnet",
                    "AWS::EC2::VPCEndpoint",
                    "CREATE_IN_PROGRESS",
                    None,
                    40,
                ),
                ev(901, "VPC", "AWS::EC2::VPC", "CREATE_COMPLETE", None, 41),
            ],
        }),
    ));
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = draw(&a, w, h);
        let column = |needle: &str| {
            screen
                .lines()
                .find(|l| l.contains(needle) && l.contains("AWS::"))
                .and_then(|l| l.find("AWS::").map(|i| l[..i].chars().count()))
                .unwrap_or_else(|| panic!("{needle} at {w}x{h}: {screen}"))
        };
        assert_eq!(
            column("SageMakerFeatureStoreRuntim…"),
            column("CREATE_COMPLETE      VPC"),
            "{screen}"
        );
        // the in-progress panel cuts it too (at 80x24 it lists three and counts the rest)
        assert!(
            w < 120 || screen.contains("SageMakerFeatureStoreRuntimeEnd…"),
            "{screen}"
        );
    }
}

/// The timeline of a 10,000-resource operation builds only the rows that fit, yet on the whole
/// operation's time axis: the title counts every resource, the first resources are listed, and
/// the first one's second (of 10,000 s) is a single cell of the bar, not a window-wide one.
#[test]
fn timeline_of_a_large_operation_shows_the_first_rows_on_the_whole_axis() {
    use studio_tui::ui::screens::deploy::DeployState;
    let ty = "AWS::EC2::Route";
    let events: Vec<StackEvent> = (0..10_000)
        .flat_map(|i| {
            let at = i as i64;
            [
                ev(
                    2 * i,
                    &format!("Route{i:05}"),
                    ty,
                    "CREATE_IN_PROGRESS",
                    None,
                    at,
                ),
                ev(
                    2 * i + 1,
                    &format!("Route{i:05}"),
                    ty,
                    "CREATE_COMPLETE",
                    None,
                    at + 1,
                ),
            ]
        })
        .collect();
    let mut state = DeployState::new("Executing the change set");
    state.add_events(&events);
    state.show_timeline = true;
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 20)).unwrap();
    t.draw(|f| state.render(f, f.area(), &Theme { color: false }, 0, T0 + 10_001_000))
        .unwrap();
    let screen = t.backend().to_string();
    assert!(
        screen.contains("Timeline (10000 resources, 1-13 shown · ↑↓ scroll)"),
        "{screen}"
    );
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("Route")).collect();
    assert!(rows.len() > 5, "{screen}");
    for (i, row) in rows.iter().enumerate() {
        assert!(row.contains(&format!("Route{i:05} ")), "{screen}");
        let bar = row.split('│').nth(2).unwrap();
        assert_eq!(bar.matches('█').count(), 1, "{row}");
    }
    assert!(rows[0].contains("│█ "), "{screen}");
}

/// The allowed instance types' row: each type typed that Studio offers is priced in the
/// background (one request for the new ones, never blocking the typing), and shown next to it
/// with its hourly price, or "price unknown" when none came.
#[tokio::test]
async fn the_instance_types_row_shows_each_types_hourly_price_when_known() {
    use studio_tui::core::cost::{PriceSource, RowPrice};
    use studio_tui::ui::action::{Action, Effect, Reply};
    let dir = tempfile::tempdir().unwrap();
    let mut a = on_form(&dir).await;
    for _ in 0..3 {
        a.update(key(KeyCode::Up));
    }
    let mut asked = Vec::new();
    for c in "ml.t3.medium,ml.m5.large".chars() {
        let (_, requests) = a.update(key(KeyCode::Char(c)));
        asked.extend(requests);
    }
    let last = asked.last().expect("a price request").clone();
    assert_eq!(
        last.effect,
        Effect::PriceInstanceTypes(vec!["ml.t3.medium".into(), "ml.m5.large".into()])
    );
    assert!(
        asked
            .iter()
            .all(|r| matches!(r.effect, Effect::PriceInstanceTypes(_))),
        "{asked:?}"
    );
    let screen = draw(&a, 100, 30);
    assert!(screen.contains("ml.m5.large price …"), "{screen}");
    a.update(Action::Reply(
        last.id,
        Reply::InstancePrices(vec![
            (
                "ml.t3.medium".into(),
                Some(RowPrice {
                    usd: 0.05,
                    note: None,
                }),
            ),
            ("ml.m5.large".into(), None),
        ]),
    ));
    let screen = draw(&a, 100, 30);
    assert!(
        screen.contains("ml.t3.medium $0.0500/h · ml.m5.large price unknown"),
        "{screen}"
    );
    insta::assert_snapshot!("form_instance_types_priced", screen);
    // A bundled price says so, with the region whose table it is.
    let mut more = Vec::new();
    for c in ",ml.c5.large".chars() {
        let (_, requests) = a.update(key(KeyCode::Char(c)));
        more.extend(requests);
    }
    let asked = more
        .last()
        .expect("a price request for ml.c5.large")
        .clone();
    assert_eq!(
        asked.effect,
        Effect::PriceInstanceTypes(vec!["ml.c5.large".into()])
    );
    let bundled = studio_tui::core::cost::Price {
        usd: 0.115,
        source: PriceSource::Bundled {
            date: "2026-12-01".into(),
            region: "us-east-1".into(),
        },
    };
    a.update(Action::Reply(
        asked.id,
        Reply::InstancePrices(vec![(
            "ml.c5.large".into(),
            Some(bundled.for_row("eu-west-1")),
        )]),
    ));
    let screen = draw(&a, 200, 30);
    assert!(
        screen.contains("ml.c5.large $0.1150/h (bundled prices of 2026-12-01, us-east-1's)"),
        "{screen}"
    );
}
