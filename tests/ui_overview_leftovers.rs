//! The overview's leftovers row: scanned in the background once the domain is known (whose own
//! home volume is then not a leftover), one row "Leftovers  N billing (…)" while any exist,
//! nothing when none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{draw, reply};

use studio_tui::aws::SessionOptions;
use studio_tui::aws::stacks::StackInfo;
use studio_tui::aws::studio::DomainInfo;
use studio_tui::ops::leftovers::{Cost, Kind, Leftover, Usd};
use studio_tui::ui::action::{Effect, Reply};
use studio_tui::ui::app::App;
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
        outputs: [("VpcId".to_string(), "vpc-0abc".to_string())].into(),
        parameters: Default::default(),
        creation_time: Some("2026-11-26T09:00:00Z".into()),
        last_updated_time: None,
    }
}

fn notebook() -> Leftover {
    Leftover {
        kind: Kind::NotebookInstance,
        id: "someones-nb".into(),
        state: "InService".into(),
        place: "subnet subnet-0studio".into(),
        blocks_vpc: true,
        running: true,
        in_vpc: true,
        cost: Cost::Hour { usd: Usd(0.05) },
        remove: "aws sagemaker delete-notebook-instance --notebook-instance-name someones-nb"
            .into(),
    }
}

#[test]
fn the_scan_follows_the_domain_and_one_row_names_what_bills() {
    let mut a = app();
    a.open_overview(stack());
    let domain = DomainInfo {
        id: "d-abcdef123456".into(),
        arn: "arn:aws:sagemaker:eu-west-1:123456789012:domain/d-abcdef123456".into(),
        name: PROJECT.into(),
        status: "InService".into(),
        ..DomainInfo::default()
    };
    let (_, asked) = a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Ok((domain, vec![])))),
    ));
    assert_eq!(
        common::effects(asked),
        vec![
            Effect::ScanLeftovers {
                stack: Box::new(stack()),
                domain_arn: Some(
                    "arn:aws:sagemaker:eu-west-1:123456789012:domain/d-abcdef123456".into()
                ),
            },
            Effect::LoadCostNow {
                domain_id: Some("d-abcdef123456".into())
            },
        ]
    );
    // While it runs, and when it finds nothing: no row.
    assert!(!draw(&a, 100, 30).contains("Leftovers"));
    a.update(reply(&a, Reply::LeftoversScanned(Box::new(Ok(vec![])))));
    assert!(!draw(&a, 100, 30).contains("Leftovers"));

    a.open_overview(stack());
    let (_, asked) = a.update(reply(
        &a,
        Reply::UsersLoaded(Box::new(Err(studio_tui::aws::AwsError::new(
            studio_tui::aws::ErrorKind::NotFound,
            "sagemaker:ListDomains",
            "no domain",
        )
        .into()))),
    ));
    assert_eq!(
        common::effects(asked),
        vec![
            Effect::ScanLeftovers {
                stack: Box::new(stack()),
                domain_arn: None,
            },
            Effect::LoadCostNow { domain_id: None },
        ],
        "no domain: the scan and the estimate still run"
    );
    a.update(reply(
        &a,
        Reply::LeftoversScanned(Box::new(Ok(vec![notebook()]))),
    ));
    let screen = draw(&a, 100, 30);
    assert!(screen.contains("1 billing (someones-nb)"), "{screen}");
    insta::assert_snapshot!(screen);
}
