//! `studio-tui apps` and `apps stop` against the emulator: the project's domain's apps with
//! their instance types and hourly prices, and one app deleted after confirmation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::Value;

use studio_tui::aws::Session;
use studio_tui::core::status::AppStatus;
use studio_tui::ops::studio::{self, StudioNetwork, UserSpec, ensure_domain_with};

const REGION: &str = "us-east-1";

/// Every test of this binary counts requests: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn binary(home: &std::path::Path) -> assert_cmd::Command {
    common::binary(home, REGION)
}

/// AWS actions since `mark` in REGION (pricing's too: its endpoint is us-east-1's).
fn actions(mark: usize, service: &str) -> Vec<String> {
    common::emulator()
        .requests_since(mark, REGION)
        .iter()
        .filter(|r| r["service"] == service)
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The project's stack, its domain, user `ann` with the Studio Classic JupyterServer (instance
/// "system": no price), and ann's private space `ann-lab` running JupyterLab on ml.t3.medium.
async fn domain_with_apps(session: &Session, project: &str) -> String {
    use aws_sdk_sagemaker::types::{AppType, OwnershipSettings, SharingType, SpaceSharingSettings};
    let stack = common::deploy_mini_stack(session, project).await;
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let id = ensure_domain_with(
        session,
        project,
        &net,
        &Default::default(),
        common::FAST_POLL,
        &tx,
    )
    .await
    .expect("domain")
    .id;
    studio::create_users_with(
        session,
        &id,
        vec![UserSpec::named("ann")],
        common::FAST_POLL,
        &tx,
    )
    .await
    .unwrap();
    let sm = session.fixtures().sagemaker();
    sm.create_app()
        .domain_id(&id)
        .user_profile_name("ann")
        .app_type(AppType::JupyterServer)
        .app_name("default")
        .send()
        .await
        .expect("CreateApp");
    common::private_space_with_app(session, &id, "ann", "ann-lab").await;
    // A second private space of ann's, with no app.
    sm.create_space()
        .domain_id(&id)
        .space_name("ann")
        .ownership_settings(
            OwnershipSettings::builder()
                .owner_user_profile_name("ann")
                .build(),
        )
        .space_sharing_settings(
            SpaceSharingSettings::builder()
                .sharing_type(SharingType::Private)
                .build(),
        )
        .send()
        .await
        .expect("CreateSpace");
    id
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"))
}

#[tokio::test]
async fn apps_lists_prices_and_the_total_then_stop_deletes_one_app() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("apps");
    let id = domain_with_apps(&session, &project).await;
    let home = tempfile::tempdir().unwrap();
    let (p, h) = (project.clone(), home.path().to_path_buf());

    // Cold: the region's five price lists (so the instance type's price is cached beside
    // them), then one GetProducts for ml.t3.medium; warm: none.
    let mark = emu.log_mark();
    let run = move |args: Vec<String>| {
        let h = h.clone();
        async move {
            tokio::task::spawn_blocking(move || binary(&h).args(&args).output().unwrap())
                .await
                .unwrap()
        }
    };
    let args = |v: &[&str]| -> Vec<String> {
        v.iter()
            .map(|s| s.to_string())
            .chain(["--project-name".to_string(), p.clone()])
            .collect()
    };
    let cold = run(args(&["--json", "apps"])).await;
    assert_eq!(cold.status.code(), Some(0), "{cold:?}");
    let pricing = actions(mark, "pricing");
    assert_eq!(pricing.len(), 6, "{pricing:?}");
    let doc = json(&cold);
    assert_eq!(doc["domain_id"], id.as_str());
    let apps = doc["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 2, "{doc:#}");
    let lab = apps.iter().find(|a| a["app_type"] == "JupyterLab").unwrap();
    assert_eq!(lab["owner_kind"], "space");
    assert_eq!(lab["owner"], "ann-lab");
    assert_eq!(lab["instance_type"], "ml.t3.medium");
    assert_eq!(lab["status"], "InService");
    assert_eq!(lab["running"], true);
    assert_eq!(lab["usd_per_hour"], 0.05);
    assert!(
        lab["running_since"].as_str().unwrap().ends_with('Z'),
        "{lab}"
    );
    let server = apps
        .iter()
        .find(|a| a["app_type"] == "JupyterServer")
        .unwrap();
    assert_eq!(server["owner_kind"], "user");
    assert_eq!(server["instance_type"], "system");
    assert_eq!(server["usd_per_hour"], Value::Null);
    assert_eq!(doc["running"], 2);
    assert_eq!(doc["total_per_hour"], 0.05);
    assert_eq!(doc["total_is_lower_bound"], true);
    assert_eq!(doc["prices"][0]["kind"], "api", "{doc:#}");
    assert_eq!(doc["prices"][0]["cached"], false);

    let mark = emu.log_mark();
    let warm = run(args(&["apps"])).await;
    assert_eq!(warm.status.code(), Some(0), "{warm:?}");
    assert_eq!(actions(mark, "pricing"), Vec::<String>::new());
    let text = String::from_utf8_lossy(&warm.stdout);
    assert!(
        text.contains("at least $0.05 an hour (2 running)")
            && text.contains("price unknown")
            && text.contains("$0.050/h")
            && text.contains("(cached)"),
        "{text}"
    );

    // Read-only: refused (exit 1, as every read-only refusal) before any SageMaker call.
    let mark = emu.log_mark();
    let ro = run(args(&[
        "--read-only",
        "apps",
        "stop",
        "ann-lab",
        "JupyterLab/default",
        "--yes",
    ]))
    .await;
    assert_eq!(ro.status.code(), Some(1), "{ro:?}");
    assert!(String::from_utf8_lossy(&ro.stderr).contains("read-only"));
    assert_eq!(actions(mark, "sagemaker"), Vec::<String>::new());

    // "ann" is a user and a space: the owner must be said.
    let both = run(args(&["apps", "stop", "ann", "default", "--yes"])).await;
    assert_eq!(both.status.code(), Some(2), "{both:?}");
    let err = String::from_utf8_lossy(&both.stderr);
    assert!(err.contains("both a user profile and a space") && err.contains("--user"));

    // Without a terminal and without --yes: exit 2, nothing deleted.
    let mark = emu.log_mark();
    let no_tty = run(args(&["apps", "stop", "ann-lab", "default"])).await;
    assert_eq!(no_tty.status.code(), Some(2), "{no_tty:?}");
    assert!(
        !actions(mark, "sagemaker")
            .iter()
            .any(|a| common::is_mutating(a))
    );

    let mark = emu.log_mark();
    let stop = run(args(&[
        "--json", "apps", "stop", "ann-lab", "default", "--yes",
    ]))
    .await;
    assert_eq!(stop.status.code(), Some(0), "{stop:?}");
    assert!(String::from_utf8_lossy(&stop.stderr).contains("matched space ann-lab"));
    let doc = json(&stop);
    assert_eq!(doc["status"], "Deleted", "{doc:#}");
    assert_eq!(doc["deleted"], true);
    let sm = actions(mark, "sagemaker");
    let mutating: Vec<&String> = sm.iter().filter(|a| common::is_mutating(a)).collect();
    assert_eq!(mutating, ["DeleteApp"], "{sm:?}");
    // Completion comes from a describe after the delete.
    let del = sm.iter().position(|a| a == "DeleteApp").unwrap();
    assert!(sm[del..].iter().any(|a| a == "DescribeApp"), "{sm:?}");
    let left = session.list_apps(&id).await.unwrap();
    let lab = left.iter().find(|a| a.app_type == "JupyterLab").unwrap();
    assert_eq!(lab.status, AppStatus::Deleted);

    // Afterwards only the unpriced JupyterServer runs.
    let after = run(args(&["--json", "apps"])).await;
    let doc = json(&after);
    assert_eq!(doc["running"], 1);
    assert_eq!(doc["total_per_hour"], 0.0);
    assert_eq!(doc["apps"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn apps_without_a_stack_says_what_is_missing() {
    let _serial = SERIAL.lock().await;
    let home = tempfile::tempdir().unwrap();
    let out = tokio::task::spawn_blocking(move || {
        binary(home.path())
            .args(["apps", "--project-name", "nothing-here"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no Studio domain named nothing-here") && err.contains("fix:"),
        "{err}"
    );
}
