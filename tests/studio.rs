//! Studio domain, user profiles and teardown, over real HTTP against the local emulator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use studio_tui::aws::{ErrorKind, Session};
use studio_tui::core::status::{DomainStatus, UserProfileStatus};
use studio_tui::ops::destroy::{self, BucketChoice};
use studio_tui::ops::studio::{
    self, DomainPhase, Poll, StudioMsg, StudioNetwork, UserPhase, UserResult, UserSpec,
    ensure_domain_with,
};

const REGION: &str = "us-east-1";

/// The emulator's request log is shared by every test of this binary: tests that count or
/// order requests would see the others' calls, so the tests run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
const FAST: Poll = common::FAST_POLL;

fn network() -> StudioNetwork {
    StudioNetwork {
        vpc_id: "vpc-0123456789abcdef0".into(),
        subnet_ids: vec!["subnet-0123456789abcdef0".into()],
        security_group_id: "sg-0123456789abcdef0".into(),
        execution_role_arn: "arn:aws:iam::123456789012:role/test-notebook-role".into(),
        kms_key_arn: Some("arn:aws:kms:us-east-1:123456789012:key/test".into()),
        role_trusts_source_identity: true,
    }
}

fn channel() -> (studio::Progress, mpsc::UnboundedReceiver<StudioMsg>) {
    mpsc::unbounded_channel()
}

fn drain(rx: &mut mpsc::UnboundedReceiver<StudioMsg>) -> Vec<StudioMsg> {
    let mut out = Vec::new();
    while let Ok(m) = rx.try_recv() {
        out.push(m);
    }
    out
}

/// AWS actions the emulator received for SageMaker in REGION, in order, since `from`.
fn sagemaker_actions(from: usize) -> Vec<String> {
    common::emulator()
        .requests_since(from, REGION)
        .iter()
        .filter(|r| r["service"] == "sagemaker")
        .map(|r| r["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The project's stack (a mini one) and its domain in the stack's VPC: what the day-2 commands
/// and the teardown take for "the project's domain".
async fn stacked_domain(session: &Session, project: &str) -> (String, StudioNetwork) {
    let stack = common::deploy_mini_stack(session, project).await;
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, _rx) = channel();
    let id = ensure_domain_with(session, project, &net, &Default::default(), FAST, &tx)
        .await
        .expect("domain")
        .id;
    (id, net)
}

async fn domain(session: &Session, project: &str) -> String {
    let (tx, _rx) = channel();
    ensure_domain_with(session, project, &network(), &Default::default(), FAST, &tx)
        .await
        .expect("domain")
        .id
}

async fn sm_call(session: &Session, domain_id: &str, user: &str) {
    use aws_sdk_sagemaker::types::{AppType, OwnershipSettings, SharingType, SpaceSharingSettings};
    let sm = session.fixtures().sagemaker();
    sm.create_app()
        .domain_id(domain_id)
        .user_profile_name(user)
        .app_type(AppType::JupyterServer)
        .app_name("default")
        .send()
        .await
        .expect("CreateApp");
    let space = format!("{user}-space");
    sm.create_space()
        .domain_id(domain_id)
        .space_name(&space)
        .ownership_settings(
            OwnershipSettings::builder()
                .owner_user_profile_name(user)
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
    sm.create_app()
        .domain_id(domain_id)
        .space_name(&space)
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .expect("CreateApp in space");
}

/// SageMaker sets DefaultSpaceSettings.ExecutionRole only while no app runs in a shared space
/// ("Edit domain settings"): the update is not attempted then, and the refusal names the apps
/// and how to stop them; once they are stopped it goes through.
#[tokio::test]
async fn space_defaults_wait_for_the_apps_of_shared_spaces_and_say_which() {
    use aws_sdk_sagemaker::types::{
        AppNetworkAccessType, AppType, AuthMode, OwnershipSettings, SharingType,
        SpaceSharingSettings, UserSettings,
    };
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("shared");
    let n = network();
    let sm = session.fixtures().sagemaker();
    let id = sm
        .create_domain()
        .domain_name(&project)
        .auth_mode(AuthMode::Iam)
        .app_network_access_type(AppNetworkAccessType::VpcOnly)
        .vpc_id(&n.vpc_id)
        .subnet_ids(&n.subnet_ids[0])
        .default_user_settings(
            UserSettings::builder()
                .execution_role(&n.execution_role_arn)
                .security_groups(&n.security_group_id)
                .build(),
        )
        .send()
        .await
        .expect("CreateDomain without DefaultSpaceSettings")
        .domain_arn()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    sm.create_user_profile()
        .domain_id(&id)
        .user_profile_name("alice")
        .send()
        .await
        .unwrap();
    sm.create_space()
        .domain_id(&id)
        .space_name("team")
        .ownership_settings(
            OwnershipSettings::builder()
                .owner_user_profile_name("alice")
                .build(),
        )
        .space_sharing_settings(
            SpaceSharingSettings::builder()
                .sharing_type(SharingType::Shared)
                .build(),
        )
        .send()
        .await
        .unwrap();
    sm.create_app()
        .domain_id(&id)
        .space_name("team")
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    let (tx, _rx) = channel();
    let before = emu.log_mark();
    let err = ensure_domain_with(&session, &project, &n, &Default::default(), FAST, &tx)
        .await
        .unwrap_err();
    assert!(err.is_refusal(), "{err}");
    assert!(
        err.message()
            .contains("running: JupyterLab/default in shared space team"),
        "{err}"
    );
    assert!(
        err.fix().unwrap().contains(&format!(
            "aws sagemaker delete-app --domain-id {id} --space-name team --app-type JupyterLab \
             --app-name default"
        )),
        "{err}"
    );
    assert!(
        !sagemaker_actions(before)
            .iter()
            .any(|a| a == "UpdateDomain")
    );

    sm.delete_app()
        .domain_id(&id)
        .space_name("team")
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    let d = ensure_domain_with(&session, &project, &n, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(
        d.default_space_role.as_deref(),
        Some(n.execution_role_arn.as_str())
    );
}

/// A domain made without DefaultSpaceSettings (as studio-tui did before) is brought up to date
/// with UpdateDomain when adopted, once; read-only adopts it without changing it.
#[tokio::test]
async fn an_adopted_domain_without_space_defaults_is_updated_once() {
    use aws_sdk_sagemaker::types::{AppNetworkAccessType, AuthMode, UserSettings};
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("old");
    let n = network();
    session
        .fixtures()
        .sagemaker()
        .create_domain()
        .domain_name(&project)
        .auth_mode(AuthMode::Iam)
        .app_network_access_type(AppNetworkAccessType::VpcOnly)
        .vpc_id(&n.vpc_id)
        .subnet_ids(&n.subnet_ids[0])
        .default_user_settings(
            UserSettings::builder()
                .execution_role(&n.execution_role_arn)
                .security_groups(&n.security_group_id)
                .build(),
        )
        .send()
        .await
        .expect("CreateDomain without DefaultSpaceSettings");
    let (tx, mut rx) = channel();

    // Read-only: adopted as it is, no UpdateDomain, and it says why.
    let ro = emu.read_only_session(REGION).await;
    let before = emu.log_mark();
    let d = ensure_domain_with(&ro, &project, &n, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    assert!(d.lacks_space_defaults());
    assert!(
        !sagemaker_actions(before)
            .iter()
            .any(|a| a == "UpdateDomain")
    );
    let msgs = drain(&mut rx);
    assert!(
        msgs.iter()
            .any(|m| matches!(m, StudioMsg::Domain { detail: Some(d), .. }
            if d.contains("DefaultSpaceSettings") && d.contains("read-only"))),
        "{msgs:?}"
    );

    // Not read-only: UpdateDomain with the stack's role and security group, then InService.
    let before = emu.log_mark();
    let d = ensure_domain_with(&session, &project, &n, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(d.status.as_str(), "InService");
    assert_eq!(
        d.default_space_role.as_deref(),
        Some(n.execution_role_arn.as_str())
    );
    assert_eq!(
        d.default_space_security_groups,
        vec![n.security_group_id.clone()]
    );
    // One UpdateDomain, for the space defaults: the idle shutdown the old domain lacks is not
    // set, since nobody asked for it in this run (it is reported).
    let actions = sagemaker_actions(before);
    assert_eq!(
        actions.iter().filter(|a| *a == "UpdateDomain").count(),
        1,
        "{actions:?}"
    );
    let msgs = drain(&mut rx);
    assert!(
        msgs.iter().any(
            |m| matches!(m, StudioMsg::Domain { status, .. } if *status == DomainPhase::Updating)
        ),
        "{msgs:?}"
    );
    // DescribeDomain over the wire keeps them.
    let described = session.describe_domain(&d.id).await.unwrap().unwrap();
    assert!(!described.lacks_space_defaults(), "{described:?}");

    // Up to date: adopting again makes no mutating call.
    let before = emu.log_mark();
    ensure_domain_with(&session, &project, &n, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    let actions = sagemaker_actions(before);
    assert!(
        !actions.iter().any(|a| common::is_mutating(a)),
        "{actions:?}"
    );
}

#[tokio::test]
async fn domain_is_created_then_adopted_never_duplicated() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("dom");
    let (tx, mut rx) = channel();
    let first = ensure_domain_with(
        &session,
        &project,
        &network(),
        &Default::default(),
        FAST,
        &tx,
    )
    .await
    .unwrap();
    assert_eq!(first.status.as_str(), "InService");
    assert_eq!(first.vpc_id.as_deref(), Some("vpc-0123456789abcdef0"));
    assert_eq!(first.app_network_access_type.as_deref(), Some("VpcOnly"));
    // Shared spaces get the execution role and security group too (DefaultSpaceSettings).
    assert_eq!(
        first.default_space_role.as_deref(),
        Some("arn:aws:iam::123456789012:role/test-notebook-role")
    );
    assert_eq!(
        first.default_space_security_groups,
        vec!["sg-0123456789abcdef0".to_string()]
    );
    let msgs = drain(&mut rx);
    assert!(
        matches!(&msgs[0], StudioMsg::Domain { status, .. } if *status == DomainPhase::Creating),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| matches!(m, StudioMsg::Domain { status, .. }
            if *status == DomainPhase::Aws(DomainStatus::InService)))
    );

    let second = ensure_domain_with(
        &session,
        &project,
        &network(),
        &Default::default(),
        FAST,
        &tx,
    )
    .await
    .unwrap();
    assert_eq!(first.id, second.id);
    assert!(
        drain(&mut rx).iter().any(
            |m| matches!(m, StudioMsg::Domain { status, .. } if *status == DomainPhase::Adopted)
        )
    );
    let same_name = session
        .list_domains()
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.name == project)
        .count();
    assert_eq!(same_name, 1);

    // tags and the default user settings
    let tags = session
        .fixtures()
        .sagemaker()
        .list_tags()
        .resource_arn(&first.arn)
        .send()
        .await
        .unwrap();
    let tags: Vec<(String, String)> = tags
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        tags.contains(&("Project".into(), project.clone())),
        "{tags:?}"
    );
    assert!(tags.contains(&("ManagedBy".into(), "studio-tui".into())));
    let d = session
        .fixtures()
        .sagemaker()
        .describe_domain()
        .domain_id(&first.id)
        .send()
        .await
        .unwrap();
    let us = d.default_user_settings().unwrap();
    assert_eq!(
        us.execution_role(),
        Some("arn:aws:iam::123456789012:role/test-notebook-role")
    );
    assert_eq!(us.security_groups(), &["sg-0123456789abcdef0".to_string()]);
    assert_eq!(
        d.kms_key_id(),
        Some("arn:aws:kms:us-east-1:123456789012:key/test")
    );
}

#[tokio::test]
async fn a_failing_domain_reports_its_failure_reason() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("fail");
    let failing = emu.settings(
        json!({"fail_domains": {project.clone(): "The subnet has no free IP addresses"}}),
    );
    let (tx, mut rx) = channel();
    let err = ensure_domain_with(
        &session,
        &project,
        &network(),
        &Default::default(),
        FAST,
        &tx,
    )
    .await
    .unwrap_err();
    drop(failing);
    assert!(
        err.message()
            .contains("The subnet has no free IP addresses"),
        "{err}"
    );
    assert!(err.fix().is_some());
    let msgs = drain(&mut rx);
    assert!(
        msgs.iter().any(|m| matches!(m,
        StudioMsg::Domain { status, detail: Some(d), .. }
            if *status == DomainPhase::Aws(DomainStatus::Failed) && d.contains("no free IP"))),
        "{msgs:?}"
    );
    // The cause is fixed (the setting is gone): a rerun deletes the failed domain and creates
    // only the domain again; one domain of that name is left, InService.
    let again = ensure_domain_with(
        &session,
        &project,
        &network(),
        &Default::default(),
        FAST,
        &tx,
    )
    .await
    .unwrap();
    assert_eq!(again.status.as_str(), "InService");
    let live: Vec<_> = session
        .list_domains()
        .await
        .unwrap()
        .into_iter()
        .filter(|d| {
            d.name == project && d.status.as_str() != "Deleted" && d.status.as_str() != "Deleting"
        })
        .collect();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].id, again.id);
}

#[tokio::test]
async fn users_are_created_concurrently_and_reruns_say_already_exists() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("users");
    let id = domain(&session, &project).await;
    let (tx, mut rx) = channel();
    let specs = vec![
        UserSpec::named("alice"),
        UserSpec::named("bob"),
        UserSpec {
            name: "carol".into(),
            execution_role: Some("arn:aws:iam::123456789012:role/carol-role".into()),
            security_groups: vec!["sg-0aaaaaaaaaaaaaaaa".into()],
        },
    ];
    let out = studio::create_users_with(&session, &id, specs.clone(), FAST, &tx)
        .await
        .unwrap();
    assert!(
        out.iter().all(|o| o.result == UserResult::Created),
        "{out:?}"
    );
    let msgs = drain(&mut rx);
    for n in ["alice", "bob", "carol"] {
        assert!(msgs.iter().any(|m| matches!(m,
            StudioMsg::User { name, status, .. }
            if name == n && *status == UserPhase::Aws(UserProfileStatus::InService))));
    }
    let carol = session
        .fixtures()
        .sagemaker()
        .describe_user_profile()
        .domain_id(&id)
        .user_profile_name("carol")
        .send()
        .await
        .unwrap();
    assert_eq!(
        carol.user_settings().unwrap().execution_role(),
        Some("arn:aws:iam::123456789012:role/carol-role")
    );

    let again = studio::create_users_with(&session, &id, specs, FAST, &tx)
        .await
        .unwrap();
    assert!(
        again.iter().all(|o| o.result == UserResult::AlreadyExists),
        "{again:?}"
    );
    let listed = studio::list_users(&session, &id).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
    assert!(
        listed
            .iter()
            .all(|u| u.status == UserProfileStatus::InService)
    );
}

#[tokio::test]
async fn duplicate_and_invalid_names_are_refused_before_any_call() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("dup");
    let id = domain(&session, &project).await;
    let (tx, _rx) = channel();
    let before = emu.log_mark();
    let err = studio::create_users_with(
        &session,
        &id,
        vec![UserSpec::named("dana"), UserSpec::named("dana")],
        FAST,
        &tx,
    )
    .await
    .unwrap_err();
    assert!(err.message().contains("given twice"), "{err}");
    let err = studio::create_users_with(&session, &id, vec![UserSpec::named("dana_x")], FAST, &tx)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(
        err.message().contains("letters, digits and hyphens") && err.message().contains("dana-x"),
        "{err}"
    );
    let sagemaker_calls = emu
        .requests_since(before, REGION)
        .iter()
        .filter(|r| r["service"] == "sagemaker")
        .count();
    assert_eq!(sagemaker_calls, 0, "nothing was sent");
}

#[tokio::test]
async fn removing_a_user_deletes_apps_then_private_space_then_profile() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("rm");
    let id = domain(&session, &project).await;
    let (tx, mut rx) = channel();
    studio::create_users_with(
        &session,
        &id,
        vec![UserSpec::named("erin"), UserSpec::named("frank")],
        FAST,
        &tx,
    )
    .await
    .unwrap();
    sm_call(&session, &id, "erin").await;

    // The emulator refuses a direct DeleteUserProfile, as AWS does
    let direct = session.delete_user_profile(&id, "erin").await.unwrap_err();
    assert!(direct.message.contains("not Deleted"), "{direct}");

    let listed = studio::list_users(&session, &id).await.unwrap();
    let erin = listed.iter().find(|u| u.name == "erin").unwrap();
    assert_eq!(erin.apps.len(), 2, "{erin:?}");
    assert_eq!(erin.spaces.len(), 1);

    drain(&mut rx);
    let before = emu.log_mark();
    let out = studio::remove_users_with(&session, &id, &["erin".to_string()], FAST, &tx)
        .await
        .unwrap();
    assert_eq!(out[0].result, UserResult::Removed, "{out:?}");
    let actions = sagemaker_actions(before);
    let mutating: Vec<&str> = actions
        .iter()
        .map(String::as_str)
        .filter(|a| common::is_mutating(a))
        .collect();
    assert_eq!(
        mutating,
        ["DeleteApp", "DeleteApp", "DeleteSpace", "DeleteUserProfile"],
        "{actions:?}"
    );
    let msgs = drain(&mut rx);
    assert!(msgs.iter().any(|m| matches!(m,
        StudioMsg::User { name, status, .. } if name == "erin" && *status == UserPhase::Deleted)));
    let left: Vec<String> = studio::list_users(&session, &id)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(left, ["frank"]);

    // removing again: reported as not found, not an error
    let out = studio::remove_users_with(&session, &id, &["erin".to_string()], FAST, &tx)
        .await
        .unwrap();
    assert_eq!(out[0].result, UserResult::NotFound);
}

#[tokio::test]
async fn presigned_url_for_a_user() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("url");
    let id = domain(&session, &project).await;
    let (tx, _rx) = channel();
    studio::create_users_with(&session, &id, vec![UserSpec::named("gina")], FAST, &tx)
        .await
        .unwrap();
    let url = studio::presigned_url(&session, &id, "gina", Some(60))
        .await
        .unwrap();
    assert!(url.starts_with(&format!("https://{id}.studio.")), "{url}");
    let err = studio::presigned_url(&session, &id, "gina", Some(3600))
        .await
        .unwrap_err();
    assert!(err.message().contains("5 to 300"), "{err}");
}

#[tokio::test]
async fn read_only_lists_and_refuses_changes_with_zero_mutating_requests() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("ro");
    let (id, net) = stacked_domain(&session, &project).await;
    let (tx, _rx) = channel();
    studio::create_users_with(&session, &id, vec![UserSpec::named("hank")], FAST, &tx)
        .await
        .unwrap();

    let ro = emu.read_only_session(REGION).await;
    let before = emu.log_mark();
    // viewing works
    let d = studio::stack_domains(&ro, &project)
        .await
        .unwrap()
        .ours
        .unwrap();
    assert_eq!(d.id, id);
    let users = studio::list_users(&ro, &id).await.unwrap();
    assert_eq!(users.len(), 1);
    let plan = destroy::plan(&ro, &project, &project).await.unwrap();
    assert!(plan.domain.is_some());
    let adopted = ensure_domain_with(&ro, &project, &net, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(adopted.id, id);
    // changing is refused with a message
    let e = studio::create_users_with(&ro, &id, vec![UserSpec::named("ivy")], FAST, &tx)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    assert!(e.message().contains("read-only"), "{e}");
    let e = studio::remove_users_with(&ro, &id, &["hank".to_string()], FAST, &tx)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    let e = studio::presigned_url(&ro, &id, "hank", None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    let e = destroy::destroy_with(&ro, &project, &project, BucketChoice::Retain, FAST, &tx)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    let e = ensure_domain_with(
        &ro,
        &common::unique_name("ro-new"),
        &network(),
        &Default::default(),
        FAST,
        &tx,
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    // and the interceptor stops a direct call too
    let e = ro.delete_user_profile(&id, "hank").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::ReadOnly, "{e}");

    let reqs = emu.requests_since(before, REGION);
    let mutating: Vec<&Value> = reqs
        .iter()
        .filter(|r| common::is_mutating(r["action"].as_str().unwrap_or("")))
        .collect();
    assert!(
        mutating.is_empty(),
        "mutating requests in read-only mode: {mutating:?}"
    );
    assert!(!reqs.is_empty(), "the reads did reach the emulator");
    assert!(
        reqs.iter().any(|r| r["action"] == "ListUserProfiles"),
        "the user list was read: {reqs:?}"
    );
    // hank is still there
    assert_eq!(studio::list_users(&session, &id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn users_add_remove_then_destroy_leaves_nothing_behind() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("td");
    let stack = common::deploy_mini_stack(&session, &project).await;
    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, mut rx) = channel();
    let d = ensure_domain_with(&session, &project, &net, &Default::default(), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(d.vpc_id.as_deref(), Some(net.vpc_id.as_str()));
    studio::create_users_with(
        &session,
        &d.id,
        vec![UserSpec::named("ann"), UserSpec::named("ben")],
        FAST,
        &tx,
    )
    .await
    .unwrap();
    studio::remove_users_with(&session, &d.id, &["ben".to_string()], FAST, &tx)
        .await
        .unwrap();
    sm_call(&session, &d.id, "ann").await;
    session
        .fixtures()
        .s3()
        .put_object()
        .bucket(format!("{project}-data"))
        .key("notebooks/a.ipynb")
        .body(b"{}".to_vec().into())
        .send()
        .await
        .unwrap();

    // Without a choice, a non-empty bucket stops the teardown before anything is deleted.
    let before = emu.log_mark();
    let err = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Unspecified,
        FAST,
        &tx,
    )
    .await
    .unwrap_err();
    assert!(err.message().contains("not empty"), "{err}");
    assert!(err.fix().unwrap().contains("--empty-buckets"));
    assert!(
        emu.requests_since(before, REGION)
            .iter()
            .all(|r| !common::is_mutating(r["action"].as_str().unwrap_or(""))),
        "nothing was deleted"
    );

    drain(&mut rx);
    let before = emu.log_mark();
    let report =
        destroy::destroy_with(&session, &project, &project, BucketChoice::Empty, FAST, &tx)
            .await
            .unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert!(report.domain_deleted && report.stack_deleted);
    assert_eq!(report.emptied, vec![(format!("{project}-data"), 1)]);

    // order: apps, spaces, profiles, domain, then the stack
    let order: Vec<String> = emu
        .requests_since(before, REGION)
        .iter()
        .map(|r| r["action"].as_str().unwrap_or("").to_string())
        .filter(|a| common::is_mutating(a))
        .collect();
    let pos = |a: &str| {
        order
            .iter()
            .position(|x| x == a)
            .unwrap_or_else(|| panic!("{a} in {order:?}"))
    };
    let last = |a: &str| order.iter().rposition(|x| x == a).unwrap();
    assert!(last("DeleteApp") < pos("DeleteSpace"), "{order:?}");
    assert!(pos("DeleteSpace") < pos("DeleteUserProfile"), "{order:?}");
    assert!(pos("DeleteUserProfile") < pos("DeleteDomain"), "{order:?}");
    assert!(pos("DeleteDomain") < pos("DeleteStack"), "{order:?}");

    // nothing left: no domain, no retained EFS, no stack
    assert_eq!(
        studio::project_domains(&session, &project, None)
            .await
            .unwrap(),
        studio::ProjectDomains::default()
    );
    assert!(
        !session
            .list_domains()
            .await
            .unwrap()
            .iter()
            .any(|x| x.name == project)
    );
    let retained = emu.control_get("/_studio/retained");
    assert!(
        !retained
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["DomainName"] == project.as_str()),
        "{retained}"
    );
    let s = session.describe_stack(&project).await.unwrap();
    assert!(
        s.as_ref()
            .is_none_or(|s| s.status.as_str() == "DELETE_COMPLETE"),
        "{s:?}"
    );
    // a second destroy has nothing to do
    let again = destroy::destroy_with(
        &session,
        &project,
        &project,
        BucketChoice::Unspecified,
        FAST,
        &tx,
    )
    .await
    .unwrap();
    assert!(again.is_clean() && !again.domain_deleted && !again.stack_deleted);
}

fn binary(home: &std::path::Path) -> assert_cmd::Command {
    common::binary(home, REGION)
}

#[tokio::test]
async fn cli_users_list_json_add_and_guards() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session(REGION).await;
    let project = common::unique_name("cli");
    let (id, _) = stacked_domain(&session, &project).await;
    let home = tempfile::tempdir().unwrap();
    let p = project.clone();
    let h = home.path().to_path_buf();
    let (add, list, bad, remove_no_tty, url_json, url_plain) =
        tokio::task::spawn_blocking(move || {
            let add = binary(&h)
                .args(["users", "add", "kim", "lee", "--project-name", &p])
                .output()
                .unwrap();
            let url_json = binary(&h)
                .args(["--json", "users", "url", "kim", "--project-name", &p])
                .output()
                .unwrap();
            let url_plain = binary(&h)
                .args(["users", "url", "lee", "--project-name", &p])
                .output()
                .unwrap();
            let list = binary(&h)
                .args(["--json", "users", "list", "--project-name", &p])
                .output()
                .unwrap();
            let bad = binary(&h)
                .args(["users", "add", "kim", "kim", "--project-name", &p])
                .output()
                .unwrap();
            let remove_no_tty = binary(&h)
                .args(["users", "remove", "kim", "--project-name", &p])
                .output()
                .unwrap();
            (add, list, bad, remove_no_tty, url_json, url_plain)
        })
        .await
        .unwrap();
    // The sign-in note says who can open the URL (anyone who has it) and how to restrict that,
    // never that VpcOnly confines it to the VPC.
    assert_eq!(url_json.status.code(), Some(0), "{url_json:?}");
    let doc: Value = serde_json::from_slice(&url_json.stdout).expect("one JSON document");
    let note = doc["note"].as_str().unwrap();
    assert!(
        note.contains("any browser")
            && note.contains("sagemaker:CreatePresignedDomainUrl")
            && note.contains("aws:SourceIp")
            && !note.contains("only from inside"),
        "{note}"
    );
    assert_eq!(url_plain.status.code(), Some(0), "{url_plain:?}");
    let err = String::from_utf8_lossy(&url_plain.stderr);
    assert!(err.contains(note), "{err}");
    assert_eq!(add.status.code(), Some(0), "{add:?}");
    let out = String::from_utf8_lossy(&add.stdout);
    assert!(
        out.contains("kim: created") && out.contains("lee: created"),
        "{out}"
    );
    assert_eq!(list.status.code(), Some(0), "{list:?}");
    let doc: Value = serde_json::from_slice(&list.stdout).expect("one JSON document");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["domain"]["id"], id.as_str());
    let names: Vec<&str> = doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kim", "lee"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("given twice"));
    assert_eq!(remove_no_tty.status.code(), Some(2), "{remove_no_tty:?}");
    assert!(String::from_utf8_lossy(&remove_no_tty.stderr).contains("--yes"));
    assert_eq!(studio::list_users(&session, &id).await.unwrap().len(), 2);
}

#[test]
fn cli_destroy_without_yes_and_without_a_tty_exits_2() {
    let home = tempfile::tempdir().unwrap();
    let out = binary(home.path())
        .args(["destroy", "--project-name", "nothing-here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pass --yes"), "{err}");
}
