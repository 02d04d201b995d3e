//! Studio guardrails on the domain (issue 26), over real HTTP against the emulator: idle shutdown
//! set on CreateDomain, read back with DescribeDomain, brought up to date with UpdateDomain on an
//! existing domain (once), left alone in read-only mode; `up --idle-timeout` end to end with the
//! real binary, and a value SageMaker refuses stopped before any AWS call. The allowed instance
//! types (hidden in Studio, denied by IAM to the execution role) and per-user audit
//! (ExecutionRoleIdentityConfig), set on a fresh `up`, brought up to date on an existing domain,
//! and refused in part, said, while apps run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::Value;
use tokio::sync::mpsc;

use studio_tui::aws::Session;
use studio_tui::core::params::guardrails::{Asked, DomainGuardrails, IdleOnDomain, IdleShutdown};
use studio_tui::core::params::instance_types::{InstanceTypes, parse_instance_types};
use studio_tui::ops::studio::{Poll, StudioMsg, StudioNetwork, ensure_domain_with};

const REGION: &str = "us-east-1";

/// The emulator's request log is shared by the tests of this binary: the tests that count
/// requests run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const FAST: Poll = common::FAST_POLL;

fn network() -> StudioNetwork {
    StudioNetwork {
        vpc_id: "vpc-0aaaabbbbccccdddd".into(),
        subnet_ids: vec!["subnet-0aaaabbbbccccdddd".into()],
        security_group_id: "sg-0aaaabbbbccccdddd".into(),
        execution_role_arn: "arn:aws:iam::123456789012:role/idle-notebook-role".into(),
        kms_key_arn: None,
        role_trusts_source_identity: true,
    }
}

/// Idle shutdown after `minutes`, asked for in this run (an existing domain is updated).
fn idle(minutes: u32) -> DomainGuardrails {
    DomainGuardrails {
        idle: IdleShutdown::After(minutes),
        update_existing: Asked::ALL,
        ..DomainGuardrails::default()
    }
}

fn sagemaker_actions(from: usize) -> Vec<String> {
    common::emulator()
        .requests_since(from, REGION)
        .iter()
        .filter(|r| r["service"] == "sagemaker")
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn updates_since(from: usize) -> usize {
    sagemaker_actions(from)
        .iter()
        .filter(|a| *a == "UpdateDomain")
        .count()
}

/// DescribeDomain's IdleSettings as the wire carries them, for one place.
async fn idle_settings(
    session: &Session,
    id: &str,
) -> Vec<(String, Option<i32>, Option<i32>, Option<i32>)> {
    let d = session
        .fixtures()
        .sagemaker()
        .describe_domain()
        .domain_id(id)
        .send()
        .await
        .unwrap();
    let user = d.default_user_settings().unwrap();
    let space = d.default_space_settings().unwrap();
    [
        user.jupyter_lab_app_settings()
            .and_then(|a| a.app_lifecycle_management()),
        user.code_editor_app_settings()
            .and_then(|a| a.app_lifecycle_management()),
        space
            .jupyter_lab_app_settings()
            .and_then(|a| a.app_lifecycle_management()),
    ]
    .into_iter()
    .map(|l| {
        let s = l.and_then(|l| l.idle_settings()).expect("IdleSettings");
        (
            s.lifecycle_management().unwrap().as_str().to_string(),
            s.idle_timeout_in_minutes(),
            s.min_idle_timeout_in_minutes(),
            s.max_idle_timeout_in_minutes(),
        )
    })
    .collect()
}

#[tokio::test]
async fn idle_shutdown_is_created_read_back_and_brought_up_to_date_once() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("idle");
    let n = network();
    let (tx, mut rx) = mpsc::unbounded_channel::<StudioMsg>();

    // A new domain: CreateDomain carries it for JupyterLab and Code Editor (user settings) and
    // JupyterLab (space settings); users may choose 60 up to the domain's timeout.
    let before = emu.log_mark();
    let d = ensure_domain_with(&session, &project, &n, &idle(90), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 0);
    assert_eq!(d.idle, IdleOnDomain::everywhere(IdleShutdown::After(90)));
    let enabled_90 = ("ENABLED".to_string(), Some(90), Some(60), Some(90));
    assert_eq!(
        idle_settings(&session, &d.id).await,
        vec![enabled_90.clone(), enabled_90.clone(), enabled_90]
    );

    // Read-only: what differs is said, nothing is changed.
    let ro = emu.read_only_session(REGION).await;
    let before = emu.log_mark();
    drop(rx.try_recv());
    let seen = ensure_domain_with(&ro, &project, &n, &idle(120), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 0);
    assert!(seen.idle.is(IdleShutdown::After(90)));
    let mut said = Vec::new();
    while let Ok(m) = rx.try_recv() {
        said.push(m.line());
    }
    assert!(
        said.iter().any(|l| l
            .contains("idle shutdown is after 90 min idle, wanted after 120 min idle (2 hours)")
            && l.contains("read-only")),
        "{said:?}"
    );

    // Not read-only: one UpdateDomain, then InService with the new timeout everywhere.
    let before = emu.log_mark();
    let updated = ensure_domain_with(&session, &project, &n, &idle(120), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 1, "{:?}", sagemaker_actions(before));
    assert_eq!(updated.status.as_str(), "InService");
    assert_eq!(
        updated.idle,
        IdleOnDomain::everywhere(IdleShutdown::After(120))
    );
    let described = session.describe_domain(&d.id).await.unwrap().unwrap();
    assert_eq!(
        described.default_space_role.as_deref(),
        Some(n.execution_role_arn.as_str()),
        "the rest of the space settings is kept"
    );

    // Up to date: no call. Off: LifecycleManagement DISABLED everywhere.
    let before = emu.log_mark();
    ensure_domain_with(&session, &project, &n, &idle(120), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 0);
    let off = DomainGuardrails {
        idle: IdleShutdown::Off,
        update_existing: Asked::ALL,
        ..DomainGuardrails::default()
    };
    let d = ensure_domain_with(&session, &project, &n, &off, FAST, &tx)
        .await
        .unwrap();
    assert!(d.idle.is(IdleShutdown::Off));
    assert!(
        idle_settings(&session, &d.id)
            .await
            .iter()
            .all(|(l, ..)| l == "DISABLED")
    );
}

fn run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::binary(home, REGION).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn mutating_since(from: usize) -> Vec<String> {
    common::emulator()
        .requests_since(from, REGION)
        .iter()
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .filter(|a| common::is_mutating(a))
        .collect()
}

#[tokio::test]
async fn up_sets_the_idle_timeout_and_brings_an_existing_domain_up_to_date() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("upidle");
    let vpc = [
        "--project-name",
        &project,
        "--vpc-cidr",
        "10.71.0.0/16",
        "--firewall-subnet-cidr",
        "10.71.1.0/24",
        "--nat-subnet-cidr",
        "10.71.2.0/24",
        "--studio-subnet-cidr",
        "10.71.3.0/24",
    ];

    // Values SageMaker refuses: exit 2, the range named, no AWS call that changes anything.
    for bad in ["59", "525601", "1h"] {
        let before = emu.log_mark();
        let out = run(
            h,
            &[&["up", "--yes", "--idle-timeout", bad][..], &vpc].concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        assert!(
            text(&out.stderr).contains("60 to 525600"),
            "{bad}: {}",
            text(&out.stderr)
        );
        assert_eq!(mutating_since(before), Vec::<String>::new(), "{bad}");
    }

    // A fresh `up --idle-timeout 90`: the domain has it, DescribeDomain says so.
    let first = run(
        h,
        &[
            &["up", "--yes", "--plain", "--idle-timeout", "90"][..],
            &vpc,
        ]
        .concat(),
    );
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let status = run(h, &["--json", "status", "--project-name", &project]);
    let doc: Value = serde_json::from_slice(&status.stdout).unwrap();
    let id = doc["domain"]["id"].as_str().unwrap().to_string();
    let session = emu.session(REGION).await;
    let d = session.describe_domain(&id).await.unwrap().unwrap();
    assert_eq!(d.idle, IdleOnDomain::everywhere(IdleShutdown::After(90)));
    let plain = text(&run(h, &["--plain", "status", "--project-name", &project]).stdout);
    assert!(plain.contains("idle shutdown after 90 min idle"), "{plain}");

    // --read-only shows the setting and changes nothing (`up --read-only` stops at the
    // stack's deploy step; the domain's read-only report is
    // `idle_shutdown_is_created_read_back_and_brought_up_to_date_once`).
    let before = emu.log_mark();
    let ro = run(
        h,
        &[
            "--read-only",
            "--plain",
            "status",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(ro.status.code(), Some(0), "{}", text(&ro.stderr));
    assert!(
        text(&ro.stdout).contains("idle shutdown after 90 min idle"),
        "{}",
        text(&ro.stdout)
    );
    assert_eq!(mutating_since(before), Vec::<String>::new());

    // `up` with another timeout: the existing domain is brought up to date (UpdateDomain).
    let before = emu.log_mark();
    let again = run(
        h,
        &[
            "up",
            "--yes",
            "--plain",
            "--project-name",
            &project,
            "--idle-timeout",
            "120",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(
        mutating_since(before)
            .iter()
            .filter(|a| *a == "UpdateDomain")
            .count(),
        1
    );
    let d = session.describe_domain(&id).await.unwrap().unwrap();
    assert_eq!(d.idle, IdleOnDomain::everywhere(IdleShutdown::After(120)));
}

/// UpdateDomain replaces each settings member it is sent (AWS documents no merge; the emulator
/// replaces): the idle shutdown is sent inside the domain's own settings as described, so an
/// administrator's default instance types stay. And a value nobody asked for in this run (saved
/// answers, the default) never changes an existing domain.
#[tokio::test]
async fn an_update_keeps_the_administrators_settings_and_only_an_asked_value_changes_a_domain() {
    use aws_sdk_sagemaker::types::{
        AppInstanceType, CodeEditorAppSettings, DefaultSpaceSettings, JupyterLabAppSettings,
        ResourceSpec, UserSettings,
    };
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("idlekeep");
    let n = network();
    let (tx, _rx) = mpsc::unbounded_channel::<StudioMsg>();
    let d = ensure_domain_with(&session, &project, &n, &idle(90), FAST, &tx)
        .await
        .unwrap();
    // An administrator sets default instances (and, sending the members whole, drops the
    // lifecycle settings).
    let spec = |t: AppInstanceType| ResourceSpec::builder().instance_type(t).build();
    session
        .fixtures()
        .sagemaker()
        .update_domain()
        .domain_id(&d.id)
        .default_user_settings(
            UserSettings::builder()
                .jupyter_lab_app_settings(
                    JupyterLabAppSettings::builder()
                        .default_resource_spec(spec(AppInstanceType::MlT3Large))
                        .build(),
                )
                .code_editor_app_settings(
                    CodeEditorAppSettings::builder()
                        .default_resource_spec(spec(AppInstanceType::MlT3Xlarge))
                        .build(),
                )
                .build(),
        )
        .default_space_settings(
            DefaultSpaceSettings::builder()
                .jupyter_lab_app_settings(
                    JupyterLabAppSettings::builder()
                        .default_resource_spec(spec(AppInstanceType::MlM5Large))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let not_asked = DomainGuardrails {
        idle: IdleShutdown::After(90),
        update_existing: Asked::NONE,
        ..DomainGuardrails::default()
    };
    let wait = ensure_domain_with(&session, &project, &n, &not_asked, FAST, &tx);
    // Not asked for: reported, not changed.
    let before = emu.log_mark();
    let seen = wait.await.unwrap();
    assert_eq!(updates_since(before), 0, "{:?}", sagemaker_actions(before));
    assert_eq!(seen.idle, IdleOnDomain::default());
    // Asked for: the lifecycle is set inside the domain's own settings.
    let before = emu.log_mark();
    let updated = ensure_domain_with(&session, &project, &n, &idle(120), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 1);
    assert_eq!(
        updated.idle,
        IdleOnDomain::everywhere(IdleShutdown::After(120))
    );
    let raw = session
        .fixtures()
        .sagemaker()
        .describe_domain()
        .domain_id(&d.id)
        .send()
        .await
        .unwrap();
    let user = raw.default_user_settings().unwrap();
    let instance = |s: Option<&ResourceSpec>| s.and_then(|s| s.instance_type().cloned());
    assert_eq!(
        instance(
            user.jupyter_lab_app_settings()
                .unwrap()
                .default_resource_spec()
        ),
        Some(AppInstanceType::MlT3Large)
    );
    assert_eq!(
        instance(
            user.code_editor_app_settings()
                .unwrap()
                .default_resource_spec()
        ),
        Some(AppInstanceType::MlT3Xlarge)
    );
    let space = raw.default_space_settings().unwrap();
    assert_eq!(
        instance(
            space
                .jupyter_lab_app_settings()
                .unwrap()
                .default_resource_spec()
        ),
        Some(AppInstanceType::MlM5Large)
    );
    assert_eq!(space.execution_role(), Some(n.execution_role_arn.as_str()));
}

fn said(rx: &mut mpsc::UnboundedReceiver<StudioMsg>) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(m) = rx.try_recv() {
        out.push(m.line());
    }
    out
}

fn two_types() -> InstanceTypes {
    parse_instance_types(&["ml.t3.medium".to_string(), "ml.m5.large".to_string()]).unwrap()
}

async fn profile_in_service(session: &Session, domain: &str, name: &str) {
    let sm = session.fixtures().sagemaker();
    sm.create_user_profile()
        .domain_id(domain)
        .user_profile_name(name)
        .send()
        .await
        .unwrap();
    for _ in 0..400 {
        let p = sm
            .describe_user_profile()
            .domain_id(domain)
            .user_profile_name(name)
            .send()
            .await
            .unwrap();
        if p.status().map(|s| s.as_str()) == Some("InService") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{name} never InService");
}

/// A new domain hides every type but the allowed ones and has per-user audit; an existing one
/// is brought up to date only when the run asks, not in read-only mode; while an app is
/// InService or Pending the audit identity (which SageMaker refuses to change then) is left out,
/// the rest is applied, and the run ends refused naming what was applied, the app and the
/// command that stops it; once the app is gone, one UpdateDomain sets the audit identity.
#[tokio::test]
async fn instance_types_and_audit_are_set_and_running_apps_hold_back_only_the_audit() {
    use aws_sdk_sagemaker::types::{
        AppType, DomainSettingsForUpdate, ExecutionRoleIdentityConfig, StudioWebPortalSettings,
        UserSettings,
    };
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let sm = session.fixtures().sagemaker();
    let project = common::unique_name("types");
    let n = network();
    let (tx, mut rx) = mpsc::unbounded_channel::<StudioMsg>();
    let g = DomainGuardrails {
        instance_types: two_types(),
        update_existing: Asked::ALL,
        ..DomainGuardrails::default()
    };
    let d = ensure_domain_with(&session, &project, &n, &g, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(d.audit_identity.as_deref(), Some("USER_PROFILE_NAME"));
    assert_eq!(d.hidden_instance_types, two_types().hidden());
    assert!(!d.hidden_instance_types.iter().any(|t| t == "ml.t3.medium"));

    // A domain made before: audit off, nothing hidden.
    sm.update_domain()
        .domain_id(&d.id)
        .default_user_settings(
            UserSettings::builder()
                .execution_role(&n.execution_role_arn)
                .studio_web_portal_settings(
                    StudioWebPortalSettings::builder()
                        .set_hidden_instance_types(Some(Vec::new()))
                        .build(),
                )
                .build(),
        )
        .domain_settings_for_update(
            DomainSettingsForUpdate::builder()
                .execution_role_identity_config(ExecutionRoleIdentityConfig::Disabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let not_asked = DomainGuardrails {
        update_existing: Asked::NONE,
        ..g.clone()
    };
    ensure_domain_with(&session, &project, &n, &not_asked, FAST, &tx)
        .await
        .unwrap();
    drop(said(&mut rx));

    // Not asked for in this run, or read-only: said, not changed.
    let before = emu.log_mark();
    let seen = ensure_domain_with(&session, &project, &n, &not_asked, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 0);
    assert!(seen.hidden_instance_types.is_empty());
    let lines = said(&mut rx);
    assert!(
        lines.iter().any(|l| l.contains(
            "instance types shown are all, wanted ml.t3.medium, ml.m5.large; per-user audit \
             (ExecutionRoleIdentityConfig) is DISABLED, wanted USER_PROFILE_NAME"
        ) && l.contains("not changed")),
        "{lines:?}"
    );
    let ro = emu.read_only_session(REGION).await;
    let before = emu.log_mark();
    ensure_domain_with(&ro, &project, &n, &g, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 0);
    assert!(said(&mut rx).iter().any(|l| l.contains("read-only")));

    // An app runs: the types are applied, the audit is not, and the run says so.
    profile_in_service(&session, &d.id, "alice").await;
    sm.create_app()
        .domain_id(&d.id)
        .user_profile_name("alice")
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    // Only the audit is held back: a warning, and the run goes on (to the users).
    let before = emu.log_mark();
    ensure_domain_with(&session, &project, &n, &g, FAST, &tx)
        .await
        .unwrap();
    let lines = said(&mut rx);
    let warned = lines
        .iter()
        .find(|l| l.contains("warning: per-user audit"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(
        warned.contains("JupyterLab default of user alice")
            && warned.contains("applied: instance types ml.t3.medium, ml.m5.large"),
        "{warned}"
    );
    assert!(
        warned.contains(&format!(
            "aws sagemaker delete-app --domain-id {} --user-profile-name alice --app-type \
             JupyterLab --app-name default",
            d.id
        )),
        "{warned}"
    );
    assert_eq!(updates_since(before), 1, "{:?}", sagemaker_actions(before));
    let now = session.describe_domain(&d.id).await.unwrap().unwrap();
    assert_eq!(now.hidden_instance_types, two_types().hidden());
    assert_eq!(now.audit_identity.as_deref(), Some("DISABLED"));

    // The app stopped: one UpdateDomain sets the audit identity; then nothing is left to do.
    sm.delete_app()
        .domain_id(&d.id)
        .user_profile_name("alice")
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    for _ in 0..400 {
        let a = sm
            .describe_app()
            .domain_id(&d.id)
            .user_profile_name("alice")
            .app_type(AppType::JupyterLab)
            .app_name("default")
            .send()
            .await
            .unwrap();
        if a.status().map(|s| s.as_str()) == Some("Deleted") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let before = emu.log_mark();
    let done = ensure_domain_with(&session, &project, &n, &g, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 1);
    assert_eq!(done.audit_identity.as_deref(), Some("USER_PROFILE_NAME"));
    let before = emu.log_mark();
    ensure_domain_with(&session, &project, &n, &g, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 0);
}

/// `up --idle-timeout 90 --instance-types ml.t3.medium,ml.m5.large` on a fresh project: the
/// domain reads back with the types hidden and per-user audit; the execution role's session is
/// refused CreateApp on another type (the stack's Deny) and allowed Studio's `system` apps and an
/// allowed type; `status` and `--read-only status` show it all; an unknown type exits 2 with
/// the closest valid ones and no AWS call that changes anything.
#[tokio::test]
async fn up_sets_the_instance_types_and_the_role_is_denied_other_types() {
    use aws_sdk_sagemaker::types::{AppType, ResourceSpec};
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("uptypes");
    let vpc = [
        "--project-name",
        &project,
        "--vpc-cidr",
        "10.72.0.0/16",
        "--firewall-subnet-cidr",
        "10.72.1.0/24",
        "--nat-subnet-cidr",
        "10.72.2.0/24",
        "--studio-subnet-cidr",
        "10.72.3.0/24",
    ];
    for (bad, near) in [
        ("ml.t3.medium,ml.m5.larg", "ml.m5.large"),
        ("t3.medium", "ml.t3.medium"),
        ("system", "ml.* types"),
    ] {
        let before = emu.log_mark();
        let out = run(
            h,
            &[&["up", "--yes", "--instance-types", bad][..], &vpc].concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        assert!(
            text(&out.stderr).contains(near),
            "{bad}: {}",
            text(&out.stderr)
        );
        assert_eq!(mutating_since(before), Vec::<String>::new(), "{bad}");
    }

    let first = run(
        h,
        &[
            &[
                "up",
                "--yes",
                "--plain",
                "--idle-timeout",
                "90",
                "--instance-types",
                "ml.t3.medium,ml.m5.large",
            ][..],
            &vpc,
        ]
        .concat(),
    );
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let status = run(h, &["--json", "status", "--project-name", &project]);
    let doc: Value = serde_json::from_slice(&status.stdout).unwrap();
    let id = doc["domain"]["id"].as_str().unwrap().to_string();
    let session = emu.session(REGION).await;
    let d = session.describe_domain(&id).await.unwrap().unwrap();
    assert_eq!(d.idle, IdleOnDomain::everywhere(IdleShutdown::After(90)));
    assert_eq!(d.hidden_instance_types, two_types().hidden());
    assert_eq!(d.audit_identity.as_deref(), Some("USER_PROFILE_NAME"));

    // The execution role's session (as Studio's calls run) against the stack's Deny.
    let sm = session.fixtures().sagemaker();
    let described = sm.describe_domain().domain_id(&id).send().await.unwrap();
    let role = described
        .default_user_settings()
        .and_then(|u| u.execution_role())
        .unwrap()
        .to_string();
    profile_in_service(&session, &id, "bob").await;
    let creds = session
        .fixtures()
        .sts()
        .assume_role()
        .role_arn(&role)
        .role_session_name("SageMaker")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let studio = aws_sdk_sagemaker::Client::from_conf(
        aws_sdk_sagemaker::config::Builder::from(session.fixtures().sdk_config())
            .credentials_provider(aws_sdk_sagemaker::config::Credentials::new(
                creds.access_key_id(),
                creds.secret_access_key(),
                Some(creds.session_token().to_string()),
                None,
                "execution-role",
            ))
            .build(),
    );
    let app = |kind: AppType, name: &str, t: &str| {
        studio
            .create_app()
            .domain_id(&id)
            .user_profile_name("bob")
            .app_type(kind)
            .app_name(name)
            .resource_spec(ResourceSpec::builder().instance_type(t.into()).build())
            .send()
    };
    let refused = app(AppType::JupyterLab, "gpu", "ml.p3.2xlarge")
        .await
        .unwrap_err();
    let err = refused.into_service_error();
    assert_eq!(err.meta().code(), Some("AccessDeniedException"), "{err:?}");
    app(AppType::JupyterLab, "small", "ml.t3.medium")
        .await
        .unwrap();
    app(AppType::JupyterServer, "default", "system")
        .await
        .unwrap();

    // A profile with its own hidden list (it takes priority over the domain's): status names it.
    sm.update_user_profile()
        .domain_id(&id)
        .user_profile_name("bob")
        .user_settings(
            aws_sdk_sagemaker::types::UserSettings::builder()
                .studio_web_portal_settings(
                    aws_sdk_sagemaker::types::StudioWebPortalSettings::builder()
                        .hidden_instance_types(aws_sdk_sagemaker::types::AppInstanceType::from(
                            "ml.m5.large",
                        ))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    // status shows the settings; --read-only too, changing nothing.
    let before = emu.log_mark();
    let ro = run(
        h,
        &[
            "--read-only",
            "--plain",
            "status",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(ro.status.code(), Some(0), "{}", text(&ro.stderr));
    let plain = text(&ro.stdout);
    let types = plain
        .lines()
        .find(|l| l.trim_start().starts_with("instance types "))
        .unwrap_or_default();
    assert!(
        types.contains("ml.t3.medium") && types.contains("ml.m5.large") && !types.contains("p3"),
        "{plain}"
    );
    // Studio shows what the stack's IAM Deny enforces: said as one list.
    assert!(
        types.contains("(shown in Studio, enforced by the stack's IAM policy)"),
        "{plain}"
    );
    let json = run(
        h,
        &[
            "--read-only",
            "--json",
            "status",
            "--project-name",
            &project,
        ],
    );
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut enforced: Vec<&str> = doc["instance_types"]["enforced_by_iam"]
        .as_array()
        .unwrap_or_else(|| panic!("{doc}"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    enforced.sort_unstable();
    assert_eq!(enforced, ["ml.m5.large", "ml.t3.medium"], "{doc}");
    assert_eq!(doc["instance_types"]["stack_deployed"], true, "{doc}");
    assert!(
        plain.contains("per-user audit on (USER_PROFILE_NAME"),
        "{plain}"
    );
    assert!(
        plain.contains("user bob overrides hidden instance types: shows ")
            && plain.contains(" more"),
        "{plain}"
    );
    assert_eq!(mutating_since(before), Vec::<String>::new());
}

/// Review of issue 26 point 4: `up --idle-timeout 120` alone changes the idle shutdown only. An
/// administrator's hidden list stays (the saved answer "all" would have wiped it) and the audit
/// identity is not turned on; both differences are said, not changed.
#[tokio::test]
async fn only_the_asked_setting_changes_an_existing_domain() {
    use aws_sdk_sagemaker::types::{
        DomainSettingsForUpdate, ExecutionRoleIdentityConfig, StudioWebPortalSettings, UserSettings,
    };
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("askedonly");
    let n = network();
    let (tx, mut rx) = mpsc::unbounded_channel::<StudioMsg>();
    let d = ensure_domain_with(&session, &project, &n, &idle(90), FAST, &tx)
        .await
        .unwrap();
    let admins = vec!["ml.p4d.24xlarge".to_string()];
    session
        .fixtures()
        .sagemaker()
        .update_domain()
        .domain_id(&d.id)
        .default_user_settings(
            UserSettings::builder()
                .execution_role(&n.execution_role_arn)
                .studio_web_portal_settings(
                    StudioWebPortalSettings::builder()
                        .set_hidden_instance_types(Some(
                            admins.iter().map(|t| t.as_str().into()).collect(),
                        ))
                        .build(),
                )
                .build(),
        )
        .domain_settings_for_update(
            DomainSettingsForUpdate::builder()
                .execution_role_identity_config(ExecutionRoleIdentityConfig::Disabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    drop(said(&mut rx));
    let idle_only = DomainGuardrails {
        idle: IdleShutdown::After(120),
        instance_types: InstanceTypes::all(),
        update_existing: Asked {
            idle: true,
            ..Asked::NONE
        },
    };
    let before = emu.log_mark();
    let after = ensure_domain_with(&session, &project, &n, &idle_only, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 1, "{:?}", sagemaker_actions(before));
    assert!(after.idle.is(IdleShutdown::After(120)), "{:?}", after.idle);
    assert_eq!(after.hidden_instance_types, admins);
    assert_eq!(after.audit_identity.as_deref(), Some("DISABLED"));
    let lines = said(&mut rx);
    assert!(
        lines.iter().any(|l| l.contains("instance types shown are")
            && l.contains("per-user audit")
            && l.contains("not changed")),
        "{lines:?}"
    );
}

/// The execution role of a stack made from a template older than per-user audit: its trust
/// policy allows SageMaker sts:AssumeRole only (made here by a one-role stack).
async fn role_without_set_source_identity(session: &Session, name: &str) -> String {
    let template = serde_json::json!({
        "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": format!("{name}-notebook-role"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": ["sts:AssumeRole"]}]}}}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}}}
    });
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(name)
        .template_body(template.to_string())
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .send()
        .await
        .unwrap();
    let s = common::wait_stack(session, name, "CREATE_COMPLETE").await;
    s.outputs["Arn"].clone()
}

/// Create the JupyterLab app `default` of `user` and wait until it is no longer Pending: its
/// status and failure reason.
async fn start_app(session: &Session, domain: &str, user: &str) -> (String, Option<String>) {
    use aws_sdk_sagemaker::types::AppType;
    profile_in_service(session, domain, user).await;
    let sm = session.fixtures().sagemaker();
    sm.create_app()
        .domain_id(domain)
        .user_profile_name(user)
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    for _ in 0..400 {
        let a = sm
            .describe_app()
            .domain_id(domain)
            .user_profile_name(user)
            .app_type(AppType::JupyterLab)
            .app_name("default")
            .send()
            .await
            .unwrap();
        let status = a
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        if status != "Pending" {
            return (status, a.failure_reason().map(str::to_string));
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the app of {user} stayed Pending");
}

/// Per-user audit needs sts:SetSourceIdentity in the execution role's trust policy ("If this
/// permission is missing, your actions fail"): with a role that lacks it, audit turned on leaves
/// every app Failed. studio-tui turns it on only for a stack of the template that trusts it: on
/// an older stack a new domain is created without it and an existing one is not changed to it,
/// each said with the fix, and apps start.
#[tokio::test]
async fn a_role_that_does_not_trust_set_source_identity_gets_no_audit_and_apps_still_start() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("oldrole");
    let role = role_without_set_source_identity(&session, &project).await;
    let (tx, mut rx) = mpsc::unbounded_channel::<StudioMsg>();
    let g = DomainGuardrails {
        instance_types: two_types(),
        update_existing: Asked::ALL,
        ..DomainGuardrails::default()
    };

    // Taken as trusting it (what studio-tui did before): the domain has audit, the app fails.
    let claimed = StudioNetwork {
        execution_role_arn: role.clone(),
        ..network()
    };
    let d = ensure_domain_with(&session, &format!("{project}-was"), &claimed, &g, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(d.audit_identity.as_deref(), Some("USER_PROFILE_NAME"));
    let (status, reason) = start_app(&session, &d.id, "alice").await;
    assert_eq!(status, "Failed");
    assert!(reason.unwrap_or_default().contains("sts:SetSourceIdentity"));
    drop(said(&mut rx));

    // The role as the older stack has it: no audit on the new domain, said, and apps start.
    let old = StudioNetwork {
        execution_role_arn: role.clone(),
        role_trusts_source_identity: false,
        ..network()
    };
    let d = ensure_domain_with(&session, &project, &old, &g, FAST, &tx)
        .await
        .unwrap();
    assert_ne!(d.audit_identity.as_deref(), Some("USER_PROFILE_NAME"));
    assert_eq!(d.hidden_instance_types, two_types().hidden());
    let lines = said(&mut rx);
    assert!(
        lines.iter().any(|l| l.contains("per-user audit")
            && l.contains("not turned on")
            && l.contains("studio-tui deploy")),
        "{lines:?}"
    );
    let (status, reason) = start_app(&session, &d.id, "alice").await;
    assert_eq!(status, "InService", "{reason:?}");

    // An existing domain asked to change everything: the types change, the audit is held back
    // with a warning naming what was applied.
    let wider = DomainGuardrails {
        instance_types: parse_instance_types(&["ml.t3.medium".to_string()]).unwrap(),
        ..g.clone()
    };
    let before = emu.log_mark();
    let now = ensure_domain_with(&session, &project, &old, &wider, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 1, "{:?}", sagemaker_actions(before));
    assert_ne!(now.audit_identity.as_deref(), Some("USER_PROFILE_NAME"));
    assert_eq!(now.hidden_instance_types, wider.instance_types.hidden());
    let lines = said(&mut rx);
    assert!(
        lines.iter().any(|l| l.contains("warning: per-user audit")
            && l.contains("sts:SetSourceIdentity")
            && l.contains("studio-tui deploy")),
        "{lines:?}"
    );
    let updating = lines
        .iter()
        .find(|l| l.contains("updating the domain"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(
        updating.contains("instance types") && !updating.contains("audit"),
        "{updating}"
    );

    // Read-only: the same warning, and no word of updating the audit identity.
    let ro = emu.read_only_session(REGION).await;
    let before = emu.log_mark();
    ensure_domain_with(&ro, &project, &old, &g, FAST, &tx)
        .await
        .unwrap();
    assert_eq!(updates_since(before), 0);
    let lines = said(&mut rx);
    assert!(
        lines.iter().any(|l| l.contains("warning: per-user audit")),
        "{lines:?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("read-only") && l.contains("USER_PROFILE_NAME")),
        "{lines:?}"
    );
}
