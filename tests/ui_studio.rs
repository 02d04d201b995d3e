//! Snapshots of the Studio step (domain + users progress) and the day-2 users screen, and the
//! users screen driven headless by keys: add with validation, typed removal, read-only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{draw, key, reply};

use crossterm::event::KeyCode;

use studio_tui::aws::studio::{AppInfo, DomainInfo, SpaceInfo};
use studio_tui::aws::{AwsError, ErrorKind, SessionOptions};
use studio_tui::core::cost::runrate::RunRate;
use studio_tui::core::cost::{Price, PriceSource};
use studio_tui::core::params::guardrails::{Asked, DomainGuardrails, IdleOnDomain, IdleShutdown};
use studio_tui::core::status::{DomainStatus, UserProfileStatus};
use studio_tui::ops::apps::{AppsNow, CostNow, PricedApp};
use studio_tui::ops::studio::{DomainPhase, StudioMsg, UserOutcome, UserResult, UserView};
use studio_tui::ui::action::{Effect, Reply};
use studio_tui::ui::app::{App, Step};
use studio_tui::ui::theme::Theme;

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

/// The domain as SageMaker reports it (`status` as AWS spells it).
fn dom(status: &str, reason: Option<&str>) -> StudioMsg {
    StudioMsg::Domain {
        name: "team-a-studio".into(),
        id: Some("d-abcdef123456".into()),
        status: DomainStatus::from(status).into(),
        elapsed_secs: 184,
        detail: reason.map(str::to_string),
    }
}

/// A user profile as SageMaker reports it (`status` as AWS spells it).
fn user(name: &str, status: &str, secs: u64) -> StudioMsg {
    StudioMsg::User {
        name: name.into(),
        status: UserProfileStatus::from(status).into(),
        elapsed_secs: secs,
        detail: None,
    }
}

#[test]
fn studio_step_in_progress() {
    let mut a = app(false);
    a.open_studio_progress(
        "team-a-studio",
        &["alice".into(), "bob".into(), "carol".into()],
    );
    a.update(reply(&a, Reply::Studio(dom("InService", None))));
    a.update(reply(&a, Reply::Studio(user("alice", "InService", 7))));
    a.update(reply(&a, Reply::Studio(user("bob", "Pending", 4))));
    assert_eq!(a.step(), Step::Domain);
    assert!(a.is_animating());
    insta::assert_snapshot!(draw(&a, 100, 22));
}

#[test]
fn studio_step_domain_failed_shows_failure_reason() {
    let mut a = app(false);
    a.open_studio_progress("team-a-studio", &["alice".into()]);
    let reason = "The subnet subnet-0abc has no free IP addresses";
    a.update(reply(&a, Reply::Studio(dom("Failed", Some(reason)))));
    let mut e = AwsError::new(
        ErrorKind::Other,
        "sagemaker:CreateDomain",
        format!("the Studio domain team-a-studio (d-abcdef123456) failed: {reason}"),
    );
    e.fix = Some("fix the cause, then delete the failed domain and run again".into());
    a.update(reply(&a, Reply::StudioDone(Box::new(Err(e.into())))));
    assert!(!a.is_animating());
    let screen = draw(&a, 100, 22);
    assert!(screen.contains("FailureReason"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// A FailureReason is AWS's text, and an error message quotes it: a CR, an escape sequence, a
/// C1 control and a bidi override are drawn escaped in the step and in the error below it.
#[test]
fn a_hostile_failure_reason_is_drawn_escaped() {
    let mut a = app(false);
    a.open_studio_progress("team-a-studio", &["alice".into()]);
    let reason =
        "no IPs\rOK: all good \u{1b}]8;;https://evil.example\u{7}link\u{9b}2J \u{202e}txt.exe";
    a.update(reply(&a, Reply::Studio(dom("Failed", Some(reason)))));
    let mut e = AwsError::new(
        ErrorKind::Other,
        "sagemaker:CreateDomain",
        format!("the Studio domain team-a-studio (d-abcdef123456) failed: {reason}"),
    );
    e.fix = Some("fix the cause, then delete the failed domain and run again".into());
    a.update(reply(&a, Reply::StudioDone(Box::new(Err(e.into())))));
    let screen = draw(&a, 100, 22);
    assert!(
        screen.contains("no IPs\\rOK: all good \\u001b]8;;https://evil.example\\u0007link"),
        "{screen}"
    );
    assert!(screen.contains("\\u009b2J \\u202etxt.exe"), "{screen}");
    assert!(
        !screen.contains(['\u{1b}', '\u{7}', '\u{202e}', '\r', '\u{9b}']),
        "{screen:?}"
    );
    insta::assert_snapshot!(screen);
}

fn loaded() -> (DomainInfo, Vec<UserView>) {
    let d = DomainInfo {
        id: "d-abcdef123456".into(),
        name: "team-a-studio".into(),
        arn: "arn:aws:sagemaker:eu-west-1:123456789012:domain/d-abcdef123456".into(),
        status: "InService".into(),
        failure_reason: None,
        vpc_id: Some("vpc-1".into()),
        subnet_ids: vec!["subnet-1".into()],
        url: None,
        home_efs_id: None,
        app_network_access_type: Some("VpcOnly".into()),
        default_space_role: Some(
            "arn:aws:iam::123456789012:role/team-a-studio-notebook-role".into(),
        ),
        default_space_security_groups: vec!["sg-0studio".into()],
        idle: IdleOnDomain::everywhere(IdleShutdown::After(60)),
        hidden_instance_types: Vec::new(),
        audit_identity: Some("USER_PROFILE_NAME".into()),
    };
    let app = |user: Option<&str>, space: Option<&str>, t: &str| AppInfo {
        domain_id: d.id.clone(),
        app_type: t.into(),
        name: "default".into(),
        user_profile: user.map(str::to_string),
        space: space.map(str::to_string),
        status: "InService".into(),
        instance_type: Some(
            if t == "JupyterServer" {
                "system"
            } else {
                "ml.t3.medium"
            }
            .into(),
        ),
        created_ms: None,
    };
    let users = vec![
        UserView {
            name: "alice".into(),
            status: "InService".into(),
            apps: vec![
                app(Some("alice"), None, "JupyterServer"),
                app(None, Some("alice-space"), "JupyterLab"),
            ],
            spaces: vec![SpaceInfo {
                domain_id: d.id.clone(),
                name: "alice-space".into(),
                status: "InService".into(),
                owner: Some("alice".into()),
                sharing: Some("Private".into()),
            }],
        },
        UserView {
            name: "bob".into(),
            status: "InService".into(),
            apps: vec![],
            spaces: vec![],
        },
    ];
    (d, users)
}

fn users_app(read_only: bool) -> App {
    let mut a = app(read_only);
    let effects = a.open_users("team-a-studio");
    assert_eq!(
        effects,
        vec![Effect::LoadUsers {
            project: "team-a-studio".into()
        }]
    );
    let (_, effects) = a.update(reply(&a, Reply::UsersLoaded(Box::new(Ok(loaded())))));
    // The apps' prices are asked once the domain is known.
    assert_eq!(
        common::effects(effects),
        vec![Effect::PriceApps {
            domain_id: "d-abcdef123456".into()
        }]
    );
    a.update(reply(
        &a,
        Reply::AppsPriced(Box::new(Ok(priced(&loaded().1)))),
    ));
    a
}

/// The apps of these users priced as the cache would: ml.t3.medium at $0.05 an hour, the
/// JupyterServer ("system") without a price.
fn priced(users: &[UserView]) -> AppsNow {
    let apps: Vec<PricedApp> = users
        .iter()
        .flat_map(|u| u.apps.iter().cloned())
        .map(|app| PricedApp {
            price: (app.instance_type.as_deref() == Some("ml.t3.medium")).then(|| Price {
                usd: 0.05,
                source: PriceSource::Api {
                    date: "2026-12-07".into(),
                    cached: true,
                },
            }),
            app,
        })
        .collect();
    AppsNow {
        domain_id: "d-abcdef123456".into(),
        rate: RunRate::of(apps.iter().map(|p| (p.bills(), p.usd_per_hour()))),
        sources: vec![PriceSource::Api {
            date: "2026-12-07".into(),
            cached: true,
        }],
        unpriced_reason: None,
        apps,
    }
}

#[test]
fn users_list() {
    let a = users_app(false);
    assert!(!a.is_animating());
    insta::assert_snapshot!(draw(&a, 100, 20));
}

#[test]
fn add_validates_as_typed_then_creates() {
    let mut a = users_app(false);
    a.update(key(KeyCode::Char('a')));
    common::type_text(&mut a, "dana_x");
    let screen = draw(&a, 100, 20);
    assert!(screen.contains("dana-x"), "the fix is shown: {screen}");
    insta::assert_snapshot!(screen);
    // Enter with an invalid name does nothing
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert!(effects.is_empty());
    // an existing name is refused too
    for _ in 0..6 {
        a.update(key(KeyCode::Backspace));
    }
    common::type_text(&mut a, "bob");
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert!(effects.is_empty());
    assert!(draw(&a, 100, 20).contains("bob already exists"));
    for _ in 0..3 {
        a.update(key(KeyCode::Backspace));
    }
    common::type_text(&mut a, "dana");
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::AddUsers {
            domain_id: "d-abcdef123456".into(),
            names: vec!["dana".into()]
        }]
    );
    assert!(a.is_animating());
    let (_, effects) = a.update(reply(
        &a,
        Reply::UsersDone(Box::new(Ok(vec![UserOutcome {
            name: "dana".into(),
            result: UserResult::Created,
        }]))),
    ));
    assert!(matches!(effects[0].effect, Effect::LoadUsers { .. }));
}

#[test]
fn remove_needs_the_typed_name() {
    let mut a = users_app(false);
    a.update(key(KeyCode::Char('d'))); // alice is selected
    common::type_text(&mut a, "alic");
    let screen = draw(&a, 100, 20);
    insta::assert_snapshot!(screen);
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert!(effects.is_empty(), "a partial name does not remove");
    // q is typed into the input, it does not quit
    a.update(key(KeyCode::Char('q')));
    assert!(!a.should_quit());
    a.update(key(KeyCode::Backspace));
    common::type_text(&mut a, "e");
    let (_, effects) = a.update(key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::RemoveUsers {
            domain_id: "d-abcdef123456".into(),
            names: vec!["alice".into()]
        }]
    );
}

#[test]
fn read_only_keys_say_disabled_and_produce_no_effect() {
    let mut a = users_app(true);
    for c in ['a', 'd', 'u'] {
        let (_, effects) = a.update(key(KeyCode::Char(c)));
        assert!(effects.is_empty(), "{c} produced {effects:?}");
    }
    let screen = draw(&a, 100, 20);
    assert!(screen.contains("disabled in read-only mode"), "{screen}");
    assert!(screen.contains("READ-ONLY"));
    insta::assert_snapshot!(screen);
    // refresh still works
    let (_, effects) = a.update(key(KeyCode::Char('r')));
    assert!(matches!(effects[0].effect, Effect::LoadUsers { .. }));
}

#[test]
fn sign_in_url_overlay_says_anyone_with_the_url_can_open_it() {
    let mut a = users_app(false);
    a.update(key(KeyCode::Down)); // bob
    let (_, effects) = a.update(key(KeyCode::Char('u')));
    assert_eq!(
        effects,
        vec![Effect::SignInUrl {
            domain_id: "d-abcdef123456".into(),
            user: "bob".into()
        }]
    );
    a.update(reply(
        &a,
        Reply::SignInUrl(Box::new(Ok(
            "https://d-abcdef123456.studio.eu-west-1.sagemaker.aws/auth?token=abc".into(),
        ))),
    ));
    let screen = draw(&a, 100, 24);
    assert!(
        screen.contains("any browser")
            && screen.contains("CreatePresignedDomainUrl")
            && screen.contains("aws:SourceIp")
            && !screen.contains("only from inside"),
        "{screen}"
    );
    a.update(key(KeyCode::Esc));
    assert!(!a.should_quit(), "Esc closes the overlay first");
}

fn complete_stack() -> studio_tui::aws::stacks::StackInfo {
    let outputs = [
        ("VpcId", "vpc-0abc1234def567890"),
        ("AvailabilityZone", "eu-west-1a"),
        ("FirewallEndpointId", "vpce-0fw123"),
        ("NatGatewayId", "nat-0123"),
        ("InternetGatewayId", "igw-0123"),
        ("DataBucketName", "sagemaker-studio-vpc-data"),
        ("ModelsBucketName", "sagemaker-studio-vpc-models"),
        ("S3VPCEndpointId", "vpce-0s3"),
    ];
    let params = [
        ("VpcCIDR", "10.2.0.0/16"),
        ("FirewallSubnetCIDR", "10.2.1.0/24"),
        ("NATGatewaySubnetCIDR", "10.2.2.0/24"),
        ("SageMakerStudioSubnetCIDR", "10.2.3.0/24"),
        ("AllowedDomains", ".amazonaws.com,.pypi.org"),
        ("AllowedInstanceTypes", ""),
    ];
    studio_tui::aws::stacks::StackInfo {
        stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/sagemaker-studio-vpc/1"
            .into(),
        stack_name: "sagemaker-studio-vpc".into(),
        status: "CREATE_COMPLETE".into(),
        status_reason: None,
        outputs: outputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        parameters: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        creation_time: Some("2026-11-26T09:00:00Z".into()),
        last_updated_time: None,
    }
}

#[test]
fn an_existing_deployment_opens_on_the_overview_with_users_one_key_away() {
    let mut a = app(false);
    // What a stack found at start opens (the session step has no store here to look it up).
    let effects = a.open_overview(complete_stack());
    assert_eq!(a.step(), Step::Overview);
    assert_eq!(
        effects,
        vec![Effect::LoadUsers {
            project: "sagemaker-studio-vpc".into()
        }]
    );
    assert!(a.is_animating(), "spinner while the domain is looked up");
    let domain = DomainInfo {
        id: "d-abcdef123456".into(),
        name: "sagemaker-studio-vpc".into(),
        status: "InService".into(),
        default_space_role: Some("arn:aws:iam::123456789012:role/r".into()),
        default_space_security_groups: vec!["sg-0studio".into()],
        idle: IdleOnDomain::everywhere(IdleShutdown::After(60)),
        hidden_instance_types: Vec::new(),
        audit_identity: Some("USER_PROFILE_NAME".into()),
        ..DomainInfo::default()
    };
    let users = vec![UserView {
        name: "alice".into(),
        status: "InService".into(),
        apps: vec![],
        spaces: vec![],
    }];
    let (_, effects) = a.update(reply(&a, Reply::UsersLoaded(Box::new(Ok((domain, users))))));
    // The leftovers and the cost row are asked once the domain is known, in the background.
    let asked = common::effects(effects);
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(matches!(
        &asked[0],
        Effect::ScanLeftovers {
            domain_arn: Some(_),
            ..
        }
    ));
    assert_eq!(
        asked[1],
        Effect::LoadCostNow {
            domain_id: Some("d-abcdef123456".into())
        }
    );
    assert!(draw(&a, 110, 26).contains("environment …"));
    a.update(reply(&a, Reply::CostNow(Box::new(cost_now()))));
    assert!(!a.is_animating());
    // up to date: s does nothing
    let (_, effects) = a.update(key(KeyCode::Char('s')));
    assert!(effects.is_empty() && a.step() == Step::Overview);
    let screen = draw(&a, 110, 26);
    assert!(screen.contains("d-abcdef123456") && screen.contains("alice"));
    insta::assert_snapshot!("overview", screen);
    insta::assert_snapshot!("overview_80x24", draw(&a, 80, 24));

    let (_, effects) = a.update(key(KeyCode::Char('u')));
    assert_eq!(a.step(), Step::Users);
    assert!(matches!(
        common::effects(effects.clone()).as_slice(),
        [Effect::LoadUsers { .. }]
    ));
    // b comes back to the overview, which refreshes
    let (_, effects) = a.update(key(KeyCode::Char('b')));
    assert_eq!(a.step(), Step::Overview);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e.effect, Effect::LoadUsers { .. }))
    );
}

/// The overview's cost row as `cost` and `apps` would give it: the bundled eu-west-1 estimate
/// and one JupyterLab on ml.t3.medium plus a JupyterServer without a price.
fn cost_now() -> CostNow {
    use studio_tui::core::cost::{Footprint, bundled, estimate};
    CostNow {
        monthly: Ok(studio_tui::ops::cost::CostReport {
            estimate: estimate(
                &Footprint::STUDIO_ENVIRONMENT,
                &bundled::prices("eu-west-1").unwrap(),
            ),
            fallback: None,
            api_calls: 0,
        }),
        apps: Some(Ok(priced(&loaded().1))),
    }
}

/// At 80x24 every row of the overview fits its box or ends with `…`: none is cut at the
/// border in the middle of a word (long outputs, the cost row, a wide allow list).
#[test]
fn overview_at_80x24_cuts_no_row_at_the_border() {
    let mut a = app(false);
    a.open_overview(complete_stack());
    let (d, users) = loaded();
    a.update(reply(&a, Reply::UsersLoaded(Box::new(Ok((d, users))))));
    a.update(reply(&a, Reply::CostNow(Box::new(cost_now()))));
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "q quit");
    // Too long for 78 columns with "at least": the same, said shorter.
    assert!(
        screen.contains("env about $382.60/mo · apps now at least $0.05/h (2 running)"),
        "{screen}"
    );
    assert!(
        draw(&a, 150, 26).contains(
            "environment about $382.60 a month · apps now at least $0.05 an hour (2 running) · \
             bundled prices of"
        ),
        "{screen}"
    );
    for row in common::screen_rows(&screen) {
        let inner: Vec<char> = row.chars().collect();
        if inner.first() != Some(&'│') || inner.last() != Some(&'│') {
            continue;
        }
        let last = inner[inner.len() - 2];
        assert!(
            last == ' ' || last == '…',
            "a row is cut at the border: {row:?}\n{screen}"
        );
    }
    insta::assert_snapshot!("overview_80x24_cost", screen);
}

#[test]
fn overview_without_a_domain_offers_to_create_it() {
    let mut a = app(false);
    a.open_overview(complete_stack());
    a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Err(AwsError::new(
            ErrorKind::NotFound,
            "sagemaker:ListDomains",
            "there is no Studio domain named sagemaker-studio-vpc here yet",
        )
        .into()))),
    ));
    let screen = draw(&a, 110, 26);
    assert!(screen.contains("Press s to create it"), "{screen}");
    insta::assert_snapshot!("overview_no_domain", screen);
    // u does nothing without a domain; s starts the Studio step
    let (_, effects) = a.update(key(KeyCode::Char('u')));
    assert!(effects.is_empty());
    let (_, effects) = a.update(key(KeyCode::Char('s')));
    assert_eq!(a.step(), Step::Domain);
    assert_eq!(
        effects,
        vec![Effect::SetUpStudio {
            project: "sagemaker-studio-vpc".into(),
            users: vec![],
            // `s` on the overview asks for the domain to be brought up to date.
            guardrails: DomainGuardrails {
                update_existing: Asked::ALL,
                ..Default::default()
            },
        }]
    );
}

/// A domain made without DefaultSpaceSettings: the overview says so and `s` runs the Studio
/// set-up, which brings it up to date (UpdateDomain); read-only only says so.
#[test]
fn overview_offers_to_update_a_domain_without_space_defaults() {
    let outdated = || DomainInfo {
        id: "d-abcdef123456".into(),
        name: "sagemaker-studio-vpc".into(),
        status: "InService".into(),
        ..DomainInfo::default()
    };
    let mut a = app(false);
    a.open_overview(complete_stack());
    a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Ok((outdated(), vec![])))),
    ));
    let screen = draw(&a, 130, 26);
    assert!(
        screen.contains("DefaultSpaceSettings") && screen.contains("press s to update"),
        "{screen}"
    );
    assert!(a.keys().iter().any(|k| k.key == "s"));
    let (_, effects) = a.update(key(KeyCode::Char('s')));
    assert_eq!(a.step(), Step::Domain);
    assert_eq!(
        effects,
        vec![Effect::SetUpStudio {
            project: "sagemaker-studio-vpc".into(),
            users: vec![],
            // `s` on the overview asks for the domain to be brought up to date.
            guardrails: DomainGuardrails {
                update_existing: Asked::ALL,
                ..Default::default()
            },
        }]
    );

    let mut ro = app(true);
    ro.open_overview(complete_stack());
    ro.update(reply(
        &ro,
        Reply::UsersLoaded(Box::new(Ok((outdated(), vec![])))),
    ));
    assert!(draw(&ro, 130, 26).contains("read-only: not updated"));
    let (_, effects) = ro.update(key(KeyCode::Char('s')));
    assert!(effects.is_empty());
    assert_eq!(ro.step(), Step::Overview);
}

/// A domain whose idle shutdown differs from the project's answers: the overview shows both
/// and `s` brings it up to date through the Studio step; read-only only says so.
#[test]
fn overview_offers_to_bring_the_idle_shutdown_up_to_date() {
    let differs = || DomainInfo {
        id: "d-abcdef123456".into(),
        name: "sagemaker-studio-vpc".into(),
        status: "InService".into(),
        default_space_role: Some("arn:aws:iam::123456789012:role/r".into()),
        default_space_security_groups: vec!["sg-0studio".into()],
        idle: IdleOnDomain::everywhere(IdleShutdown::After(120)),
        hidden_instance_types: Vec::new(),
        audit_identity: Some("USER_PROFILE_NAME".into()),
        ..DomainInfo::default()
    };
    let mut a = app(false);
    a.open_overview(complete_stack());
    a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Ok((differs(), vec![])))),
    ));
    let screen = draw(&a, 130, 26);
    assert!(
        screen
            .contains("after 120 min idle (2 hours); the project's answers say after 60 min idle")
            && screen.contains("press s to update the domain"),
        "{screen}"
    );
    let (_, effects) = a.update(key(KeyCode::Char('s')));
    assert_eq!(a.step(), Step::Domain);
    assert_eq!(
        effects,
        vec![Effect::SetUpStudio {
            project: "sagemaker-studio-vpc".into(),
            users: vec![],
            // `s` on the overview asks for the domain to be brought up to date.
            guardrails: DomainGuardrails {
                update_existing: Asked::ALL,
                ..Default::default()
            },
        }]
    );
    assert!(draw(&a, 100, 24).contains("idle shutdown after 60 min idle (1 hour)"));

    let mut ro = app(true);
    ro.open_overview(complete_stack());
    ro.update(reply(
        &ro,
        Reply::UsersLoaded(Box::new(Ok((differs(), vec![])))),
    ));
    assert!(draw(&ro, 130, 26).contains("after 60 min idle (1 hour); read-only: not updated"));
    let (_, effects) = ro.update(key(KeyCode::Char('s')));
    assert!(effects.is_empty());
}

#[test]
fn read_only_overview_does_not_create_a_domain() {
    let mut a = app(true);
    a.open_overview(complete_stack());
    a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Err(AwsError::new(
            ErrorKind::NotFound,
            "sagemaker:ListDomains",
            "no domain",
        )
        .into()))),
    ));
    assert!(draw(&a, 110, 26).contains("Read-only: creating it is disabled"));
    let (_, effects) = a.update(key(KeyCode::Char('s')));
    assert!(effects.is_empty());
    assert_eq!(a.step(), Step::Overview);
}

#[test]
fn studio_step_done_then_u_opens_users_and_a_failure_can_be_retried() {
    let mut a = app(false);
    a.open_studio_progress("team-a-studio", &["alice".into()]);
    a.update(reply(&a, Reply::Studio(dom("InService", None))));
    a.update(reply(&a, Reply::Studio(user("alice", "InService", 7))));
    // keys do nothing while it runs
    let (_, effects) = a.update(key(KeyCode::Char('u')));
    assert!(effects.is_empty() && a.step() == Step::Domain);
    a.update(reply(&a, Reply::StudioDone(Box::new(Ok(())))));
    assert!(!a.is_animating());
    let screen = draw(&a, 100, 22);
    assert!(screen.contains("Studio is ready"), "{screen}");
    let (_, effects) = a.update(key(KeyCode::Char('u')));
    assert_eq!(a.step(), Step::Users);
    assert_eq!(
        effects,
        vec![Effect::LoadUsers {
            project: "team-a-studio".into()
        }]
    );

    let mut b = app(false);
    b.open_studio_progress("team-a-studio", &[]);
    b.update(reply(
        &b,
        Reply::StudioDone(Box::new(Err(AwsError::new(
            ErrorKind::Other,
            "sagemaker:CreateDomain",
            "boom",
        )
        .into()))),
    ));
    let (_, effects) = b.update(key(KeyCode::Char('r')));
    assert!(matches!(
        common::effects(effects.clone()).as_slice(),
        [Effect::SetUpStudio { .. }]
    ));
}

/// The Studio step says what to expect: typical durations, and an ETA from them and the time
/// already spent (domain first, then the users concurrently).
#[test]
fn studio_step_shows_typical_durations_and_an_eta() {
    let mut a = app(false);
    a.open_studio_progress("team-a-studio", &["alice".into(), "bob".into()]);
    // nothing started: the whole typical time (domain 279 s + one user 7 s)
    assert_eq!(a.studio().unwrap().eta_secs(), Some(286));
    a.update(reply(
        &a,
        Reply::Studio(StudioMsg::Domain {
            name: "team-a-studio".into(),
            id: Some("d-abcdef123456".into()),
            status: DomainPhase::Aws(DomainStatus::Pending),
            elapsed_secs: 60,
            detail: None,
        }),
    ));
    assert_eq!(a.studio().unwrap().eta_secs(), Some(279 - 60 + 7));
    let screen = draw(&a, 100, 22);
    assert!(
        screen.contains("typical: domain 4m39s, user profile 7s"),
        "{screen}"
    );
    assert!(screen.contains("ETA ~3m46s"), "{screen}");
    a.update(reply(&a, Reply::Studio(dom("InService", None))));
    a.update(reply(&a, Reply::Studio(user("alice", "InService", 7))));
    a.update(reply(&a, Reply::Studio(user("bob", "InService", 6))));
    a.update(reply(&a, Reply::StudioDone(Box::new(Ok(())))));
    assert_eq!(a.studio().unwrap().eta_secs(), None);
    assert!(!draw(&a, 100, 22).contains("ETA"));
}

#[test]
fn studio_step_80x24() {
    let mut a = app(false);
    a.open_studio_progress(
        "team-a-studio",
        &["alice".into(), "bob".into(), "carol".into()],
    );
    a.update(reply(&a, Reply::Studio(dom("InService", None))));
    a.update(reply(&a, Reply::Studio(user("alice", "InService", 7))));
    a.update(reply(&a, Reply::Studio(user("bob", "Pending", 4))));
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "q quit");
    for text in ["team-a-studio", "ETA", "alice", "bob", "carol"] {
        assert!(screen.contains(text), "{text}: {screen}");
    }
    insta::assert_snapshot!(screen);
}

/// The users screen at 80x24: the list (a cell too long for its column ends with `…`), adding,
/// the typed removal and the sign-in URL overlay.
#[test]
fn users_screen_80x24() {
    let mut a = users_app(false);
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "q quit");
    let rows = common::screen_rows(&screen);
    let alice = rows.iter().find(|r| r.contains("› alice")).expect("alice");
    assert!(alice.contains('…'), "a cut cell is marked: {screen}");
    insta::assert_snapshot!("users_80x24_list", screen);

    a.update(key(KeyCode::Char('a')));
    common::type_text(&mut a, "dana");
    let screen = draw(&a, 80, 24);
    common::assert_fits(&screen, "q quit");
    assert!(screen.contains("New user name: dana"), "{screen}");
    assert!(screen.contains("Esc to cancel"), "{screen}");
    insta::assert_snapshot!("users_80x24_add", screen);
    a.update(key(KeyCode::Esc));

    a.update(key(KeyCode::Char('d')));
    common::type_text(&mut a, "alice");
    let screen = draw(&a, 80, 24);
    assert!(
        screen.contains("Type the user name to confirm: alice"),
        "{screen}"
    );
    assert!(
        screen.contains("Enter to remove, Esc to cancel"),
        "{screen}"
    );
    insta::assert_snapshot!("users_80x24_remove", screen);
    a.update(key(KeyCode::Esc));

    a.update(key(KeyCode::Char('u')));
    a.update(reply(&a, Reply::SignInUrl(Box::new(Ok(
        "https://d-abcdef123456.studio.eu-west-1.sagemaker.aws/auth?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS1wcmVzaWduZWQtdXJs".into(),
    )))));
    let screen = draw(&a, 80, 24);
    // The URL wraps, its end included, and the note above "Esc to close" is whole.
    assert!(screen.contains("WQtdXJs"), "the URL's end: {screen}");
    assert!(
        screen.contains("Studio opens\")."),
        "the note's end: {screen}"
    );
    assert!(screen.contains("Esc to close"), "{screen}");
    insta::assert_snapshot!("users_80x24_url", screen);
}

/// A domain that hides some instance types and has no per-user audit, while the project's
/// answers allow all types: the Apps row says what the domain has and what `s` would set; `s`
/// brings it up to date through the Studio step.
#[test]
fn overview_shows_the_instance_types_and_audit_and_offers_to_update_them() {
    let differs = || DomainInfo {
        id: "d-abcdef123456".into(),
        name: "sagemaker-studio-vpc".into(),
        status: "InService".into(),
        default_space_role: Some("arn:aws:iam::123456789012:role/r".into()),
        default_space_security_groups: vec!["sg-0studio".into()],
        idle: IdleOnDomain::everywhere(IdleShutdown::After(60)),
        hidden_instance_types: studio_tui::core::params::instance_types::STUDIO_INSTANCE_TYPES
            .iter()
            .filter(|t| **t != "ml.t3.medium")
            .map(|t| t.to_string())
            .collect(),
        audit_identity: None,
        ..DomainInfo::default()
    };
    let mut a = app(false);
    a.open_overview(complete_stack());
    a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Ok((differs(), vec![])))),
    ));
    let screen = draw(&a, 170, 26);
    assert!(
        screen.contains(
            "instance types ml.t3.medium shown, all by IAM (they differ) · per-user audit off \
             (not set)"
        ) && screen.contains("wanted: types all, audit on — press s to update the domain"),
        "{screen}"
    );
    insta::assert_snapshot!("overview_instance_types_outdated", screen);
    let (_, effects) = a.update(key(KeyCode::Char('s')));
    assert_eq!(a.step(), Step::Domain);
    assert_eq!(
        effects,
        vec![Effect::SetUpStudio {
            project: "sagemaker-studio-vpc".into(),
            users: vec![],
            guardrails: DomainGuardrails {
                update_existing: Asked::ALL,
                ..Default::default()
            },
        }]
    );
}

/// A stack made from a template before `AllowedInstanceTypes` (its execution role does not trust
/// sts:SetSourceIdentity): the Apps row says IAM enforces no list and that per-user audit needs
/// the stack updated first, rather than offering `s` for it.
#[test]
fn overview_of_an_older_stack_says_audit_needs_a_stack_update() {
    let mut stack = complete_stack();
    stack.parameters.remove("AllowedInstanceTypes");
    let domain = DomainInfo {
        idle: IdleOnDomain::everywhere(IdleShutdown::After(60)),
        audit_identity: None,
        ..in_service_domain()
    };
    let a = overview_with(stack, domain);
    let screen = draw(&a, 170, 26);
    assert!(
        screen.contains(
            "instance types all shown, none by IAM (the stack predates it) · per-user audit off \
             (not set); audit needs the stack updated first (`studio-tui deploy`)"
        ),
        "{screen}"
    );
    assert!(!screen.contains("wanted: types"), "{screen}");
}

/// The overview wants the instance types the stack enforces, not the defaults of the app's
/// answers (another project's, or none): a domain that shows the stack's list is up to date, and
/// `s` (asked for another reason) sends that list, never "all".
#[test]
fn overview_wants_the_instance_types_the_stack_enforces() {
    use studio_tui::core::params::instance_types::InstanceTypes;
    let mut stack = complete_stack();
    stack
        .parameters
        .insert("AllowedInstanceTypes".into(), "ml.t3.medium".into());
    let only = InstanceTypes::from_parameter("ml.t3.medium");
    let domain = DomainInfo {
        idle: IdleOnDomain::everywhere(IdleShutdown::After(90)),
        hidden_instance_types: only.hidden(),
        audit_identity: Some("USER_PROFILE_NAME".into()),
        ..in_service_domain()
    };
    let mut a = overview_with(stack, domain);
    let screen = draw(&a, 170, 26);
    assert!(
        screen.contains("instance types ml.t3.medium · per-user audit on (USER_PROFILE_NAME)")
            && !screen.contains("wanted: types"),
        "{screen}"
    );
    // The idle shutdown differs (90 against the default 60): `s` sends the stack's types.
    let (_, effects) = a.update(key(KeyCode::Char('s')));
    match effects
        .iter()
        .map(|r| &r.effect)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [Effect::SetUpStudio { guardrails, .. }] => {
            assert_eq!(guardrails.instance_types, only);
            assert_eq!(guardrails.update_existing, Asked::ALL);
        }
        other => panic!("{other:?}"),
    }
}

/// The project's domain, InService with its space defaults (what a test changes is set over it).
fn in_service_domain() -> DomainInfo {
    DomainInfo {
        id: "d-abcdef123456".into(),
        name: "sagemaker-studio-vpc".into(),
        status: "InService".into(),
        default_space_role: Some("arn:aws:iam::123456789012:role/r".into()),
        default_space_security_groups: vec!["sg-0studio".into()],
        ..DomainInfo::default()
    }
}

/// The overview of `stack` with `domain` loaded.
fn overview_with(stack: studio_tui::aws::stacks::StackInfo, domain: DomainInfo) -> App {
    let mut a = app(false);
    a.open_overview(stack);
    a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Ok((domain, vec![])))),
    ));
    a
}
