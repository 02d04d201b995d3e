//! `studio-tui fleet` against the emulator: two profiles in two accounts and a third whose SSO
//! token expired, across two regions. The environments are found by their template (a stack of
//! another template named like a project is not one), the failing profile shows its error and
//! its fix in its own row while the others complete (exit 1), the regions with nothing are
//! summarised, `--json` has every profile and region, and no mutating request is sent.
//!
//! The second account is the emulator's own way of telling accounts apart: moto answers a
//! request in the account whose IAM user owns the access key that signed it, so the test
//! makes a user and an access key in account 111111111111 (one request each, addressed to that
//! account with moto's `x-moto-account-id` header) and gives them to profile `team-b`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::path::Path;

use serde_json::Value;
use tokio::sync::OnceCell;

use studio_tui::aws::Session;
use studio_tui::ops::studio::{self, StudioNetwork, UserSpec, ensure_domain_with};

/// Team A's environment is here; team B has none here.
const REGION_A: &str = "eu-west-3";
/// Team B's environment is here; team A has none here.
const REGION_B: &str = "ap-northeast-2";
const ACCOUNT_A: &str = "123456789012";
const ACCOUNT_B: &str = "111111111111";
const PROJECT_A: &str = "fleet-a";
const PROJECT_B: &str = "fleet-b";
/// A stack of another template, named like studio-tui's default project.
const NOT_OURS: &str = "sagemaker-studio-vpc";

/// Every test of this binary reads the same regions and counts their requests: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What the setup made, once for the binary: team B's access key.
static FIXTURES: OnceCell<(String, String)> = OnceCell::const_new();

/// The stand-in for the environment stack: the template's own description, the
/// `ProjectName` parameter, and the outputs the Studio domain needs.
fn env_template(description: Option<&str>) -> String {
    let mut t = serde_json::json!({
        "Parameters": {"ProjectName": {"Type": "String"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.31.0.0/16"}},
            "SageMakerStudioSubnet": {"Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.31.3.0/24"}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "studio", "VpcId": {"Ref": "Vpc"}}}
        },
        "Outputs": {
            "VpcId": {"Value": {"Ref": "Vpc"}},
            "SageMakerStudioSubnetId": {"Value": {"Ref": "SageMakerStudioSubnet"}},
            "SageMakerSecurityGroupId": {"Value": {"Fn::GetAtt": ["Sg", "GroupId"]}},
            "ExecutionRoleArn": {"Value": "arn:aws:iam::123456789012:role/fleet-notebook-role"}
        }
    });
    if let Some(d) = description {
        t["Description"] = Value::String(d.to_string());
    }
    t.to_string()
}

/// The bundled template's description (the mark the fleet looks for).
fn our_description() -> String {
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(studio_tui::template::TEMPLATE_YAML).unwrap();
    yaml["Description"].as_str().unwrap().to_string()
}

/// A raw AWS query request to the emulator in `account` (moto's `x-moto-account-id`),
/// signed in the shape moto routes by (it checks no signature).
fn query_in_account(account: &str, region: &str, service: &str, params: &[(&str, &str)]) -> String {
    let emu = common::emulator();
    let mut cmd = std::process::Command::new("curl");
    cmd.args(["-sf", "-X", "POST", &format!("{}/", emu.endpoint)])
        .args(["-H", &format!("x-moto-account-id: {account}")])
        .args([
            "-H",
            &format!(
                "Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/{service}/\
                 aws4_request, SignedHeaders=host, Signature=0"
            ),
        ]);
    for (k, v) in params {
        cmd.args(["--data-urlencode", &format!("{k}={v}")]);
    }
    let out = cmd.output().expect("curl");
    assert!(out.status.success(), "{service} {params:?} failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn xml_field(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let from = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no {tag} in {xml}"))
        + open.len();
    let to = xml[from..].find(&format!("</{tag}>")).unwrap() + from;
    xml[from..to].to_string()
}

/// Team A's environment with its domain, two users and one app running on ml.t3.medium.
async fn team_a(session: &Session) {
    use aws_sdk_cloudformation::types::{Parameter, Tag};
    let cf = session.fixtures().cloudformation();
    cf.create_stack()
        .stack_name(PROJECT_A)
        .template_body(env_template(Some(&our_description())))
        .parameters(
            Parameter::builder()
                .parameter_key("ProjectName")
                .parameter_value(PROJECT_A)
                .build(),
        )
        .tags(Tag::builder().key("ManagedBy").value("studio-tui").build())
        .send()
        .await
        .expect("CreateStack");
    let stack = common::wait_stack(session, PROJECT_A, "CREATE_COMPLETE").await;
    // A drift detection ran once: the fleet shows its result, and starts none itself.
    let report = studio_tui::ops::drift::detect(
        session,
        PROJECT_A,
        studio_tui::ops::drift::Wait {
            initial: std::time::Duration::from_millis(20),
            max: std::time::Duration::from_millis(200),
            timeout: std::time::Duration::from_secs(60),
        },
    )
    .await
    .expect("drift detection");
    assert!(report.in_sync(), "{report:?}");
    cf.create_stack()
        .stack_name(NOT_OURS)
        .template_body(env_template(Some("Someone else's network")))
        .parameters(
            Parameter::builder()
                .parameter_key("ProjectName")
                .parameter_value(NOT_OURS)
                .build(),
        )
        .send()
        .await
        .expect("CreateStack of another template");
    common::wait_stack(session, NOT_OURS, "CREATE_COMPLETE").await;

    let net = StudioNetwork::from_stack(&stack).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let id = ensure_domain_with(
        session,
        PROJECT_A,
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
        vec![UserSpec::named("ann"), UserSpec::named("bob")],
        common::FAST_POLL,
        &tx,
    )
    .await
    .unwrap();
    common::private_space_with_app(session, &id, "ann", "ann-lab").await;
}

/// Team B's account: a user with an access key, and an environment stack (no domain yet).
fn team_b() -> (String, String) {
    let iam = |params: &[(&str, &str)]| {
        query_in_account(
            ACCOUNT_B,
            "us-east-1",
            "iam",
            &[params, &[("Version", "2010-05-08")]].concat(),
        )
    };
    iam(&[("Action", "CreateUser"), ("UserName", "fleet")]);
    let key = iam(&[("Action", "CreateAccessKey"), ("UserName", "fleet")]);
    let template = env_template(Some(&our_description()));
    query_in_account(
        ACCOUNT_B,
        REGION_B,
        "cloudformation",
        &[
            ("Action", "CreateStack"),
            ("Version", "2010-05-15"),
            ("StackName", PROJECT_B),
            ("TemplateBody", &template),
            ("Parameters.member.1.ParameterKey", "ProjectName"),
            ("Parameters.member.1.ParameterValue", PROJECT_B),
            ("Tags.member.1.Key", "ManagedBy"),
            ("Tags.member.1.Value", "studio-tui"),
        ],
    );
    (
        xml_field(&key, "AccessKeyId"),
        xml_field(&key, "SecretAccessKey"),
    )
}

/// The fixtures, made once for the binary: team B's key.
async fn fixtures() -> (String, String) {
    FIXTURES
        .get_or_init(|| async {
            let session = common::emulator().session(REGION_A).await;
            team_a(&session).await;
            team_b()
        })
        .await
        .clone()
}

/// A home whose AWS config has the three profiles, and an SSO token cache whose token expired
/// (and cannot be refreshed: no refresh token), as `aws sso login` leaves it a day later.
fn home(key: &(String, String)) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        format!(
            "[profile team-a]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n\
             [profile team-b]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n\
             [profile expired]\nsso_session = corp\nsso_account_id = 222222222222\n\
             sso_role_name = Admin\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
             sso_region = us-east-1\n",
            key.0, key.1
        ),
    )
    .unwrap();
    // aws-config reads the token of `sso_session = corp` from ~/.aws/sso/cache/sha1("corp").json
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken": "expired-token", "expiresAt": "2026-01-01T00:00:00Z",
            "region": "us-east-1", "startUrl": "https://corp.awsapps.com/start"}"#,
    )
    .unwrap();
    home
}

/// The binary with the profiles' own credentials (none from the environment, which the SDK
/// would use before any profile's).
fn fleet(home: &Path, args: &[&str]) -> std::process::Output {
    common::binary(home, REGION_A)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .arg("fleet")
        .args(["--regions", &format!("{REGION_A},{REGION_B}")])
        .args(args)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap()
}

/// Every mutating request in the fleet's regions (and us-east-1, where the price list is).
fn mutating_since(mark: usize) -> Vec<String> {
    let emu = common::emulator();
    [REGION_A, REGION_B, "us-east-1"]
        .iter()
        .flat_map(|r| emu.mutating_since(mark, r))
        .collect()
}

#[tokio::test]
async fn two_profiles_two_regions_and_an_expired_one_in_its_own_row() {
    let _serial = SERIAL.lock().await;
    let key = fixtures().await;
    let home = home(&key);
    let emu = common::emulator();
    let mark = emu.log_mark();
    let out = fleet(
        home.path(),
        &[
            "--profiles",
            "team-a,team-b,expired",
            "--read-only",
            "--plain",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");

    let row = |profile: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&format!("{profile} ")) && l.contains("CREATE_COMPLETE"))
            .unwrap_or_else(|| panic!("no row of {profile}:\n{stdout}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    // PROFILE ACCOUNT REGION PROJECT STACK DRIFT(status, date) DOMAIN(status, id) USERS APPS
    // APPS $/H
    let a = row("team-a");
    assert_eq!(
        &a[..6],
        [
            "team-a",
            ACCOUNT_A,
            REGION_A,
            PROJECT_A,
            "CREATE_COMPLETE",
            "IN_SYNC"
        ]
    );
    assert!(a[6].starts_with("20"), "the last detection's date: {a:?}");
    assert_eq!(a[7], "InService", "{a:?}");
    assert!(a[8].starts_with("(d-"), "the domain's id: {a:?}");
    assert_eq!(
        (a[9], a[10]),
        ("2", "1"),
        "two users, one app running: {a:?}"
    );
    assert!(a[11].starts_with('$') && a[11] != "$0.00", "priced: {a:?}");
    let b = row("team-b");
    assert_eq!(
        &b[..7],
        [
            "team-b",
            ACCOUNT_B,
            REGION_B,
            PROJECT_B,
            "CREATE_COMPLETE",
            "NOT_CHECKED",
            "none"
        ]
    );
    assert!(
        !stdout.contains(NOT_OURS),
        "a stack of another template is no environment, whatever its name:\n{stdout}"
    );
    // The regions with nothing are one line per profile, not rows.
    assert!(
        stdout.contains(&format!("  team-a ({ACCOUNT_A}): {REGION_B}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  team-b ({ACCOUNT_B}): {REGION_A}\n")),
        "{stdout}"
    );
    // The expired profile: its error and its fix, in its own row.
    assert!(
        stdout.contains("  expired (every region): Your SSO session has expired: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("    fix: run `aws sso login --profile expired` and try again"),
        "{stdout}"
    );
    assert!(
        stdout.starts_with(
            "Fleet: 3 profiles (2 accounts), 4 regions read, 2 environments; 1 profile with a \
             failure"
        ),
        "{stdout}"
    );

    // Both regions were read, and nothing was changed.
    let listed: Vec<String> = [REGION_A, REGION_B]
        .iter()
        .flat_map(|r| emu.actions_since(mark, r))
        .filter(|a| a == "ListStacks")
        .collect();
    assert_eq!(
        listed.len(),
        4,
        "one ListStacks per profile and region that answered"
    );
    assert_eq!(mutating_since(mark), Vec::<String>::new());
}

#[tokio::test]
async fn json_has_every_profile_and_region_and_the_exit_code_says_whether_all_were_read() {
    let _serial = SERIAL.lock().await;
    let key = fixtures().await;
    let home = home(&key);
    let emu = common::emulator();
    let mark = emu.log_mark();
    let out = fleet(
        home.path(),
        &["--profiles", "team-a,team-b,expired", "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["regions_from"], "listed");
    assert_eq!(doc["summary"]["profiles"], 3);
    assert_eq!(doc["summary"]["accounts"], 2);
    assert_eq!(doc["summary"]["environments"], 2);
    assert_eq!(doc["summary"]["failed_profiles"], 1);
    assert_eq!(doc["summary"]["running_apps"], 1);

    let profiles = doc["profiles"].as_array().unwrap();
    let names: Vec<&str> = profiles
        .iter()
        .map(|p| p["profile"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["team-a", "team-b", "expired"], "in the order asked");

    let a = &profiles[0];
    assert_eq!(a["account"], ACCOUNT_A);
    assert_eq!(a["error"], Value::Null);
    let regions: Vec<&str> = a["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, [REGION_A, REGION_B]);
    let env = &a["regions"][0]["environments"][0];
    assert_eq!(env["project"], PROJECT_A);
    assert_eq!(env["stack_name"], PROJECT_A);
    assert_eq!(env["stack_status"], "CREATE_COMPLETE");
    assert_eq!(env["drift"], "IN_SYNC");
    assert!(
        env["drift_checked"].as_str().unwrap().starts_with("20"),
        "{env}"
    );
    assert_eq!(env["managed_by_tag"], true);
    assert_eq!(env["domain"]["status"], "InService");
    assert!(env["domain"]["id"].as_str().unwrap().starts_with("d-"));
    assert_eq!(env["users"], 2);
    assert_eq!(env["run_rate"]["running"], 1);
    assert_eq!(env["run_rate"]["unpriced"], 0);
    assert!(env["run_rate"]["per_hour"].as_f64().unwrap() > 0.0, "{env}");
    assert_eq!(env["error"], Value::Null);
    assert_eq!(a["regions"][0]["environments"].as_array().unwrap().len(), 1);
    // The region with nothing is in the document, empty.
    assert_eq!(a["regions"][1]["environments"], serde_json::json!([]));
    assert_eq!(a["regions"][1]["error"], Value::Null);

    let b = &profiles[1];
    assert_eq!(b["account"], ACCOUNT_B);
    assert_eq!(b["regions"][0]["environments"], serde_json::json!([]));
    let env = &b["regions"][1]["environments"][0];
    assert_eq!(env["project"], PROJECT_B);
    assert_eq!(env["drift"], "NOT_CHECKED");
    assert_eq!(env["drift_checked"], Value::Null);
    assert_eq!(env["domain"], Value::Null);
    assert_eq!(env["users"], Value::Null);

    let expired = &profiles[2];
    assert_eq!(expired["account"], Value::Null);
    assert_eq!(expired["regions"], serde_json::json!([]));
    assert_eq!(expired["error"]["kind"], "sso_expired");
    assert_eq!(
        expired["error"]["fix"],
        "run `aws sso login --profile expired` and try again"
    );
    // Without --read-only too: the fleet view changes nothing.
    assert_eq!(mutating_since(mark), Vec::<String>::new());

    // Every profile read: exit 0.
    let out = fleet(home.path(), &["--profiles", "team-a,team-b", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["summary"]["failed_profiles"], 0);
}

#[tokio::test]
async fn all_profiles_reads_the_config_file_and_all_regions_asks_each_account() {
    let _serial = SERIAL.lock().await;
    let key = fixtures().await;
    let home = home(&key);
    let emu = common::emulator();
    let mark = emu.log_mark();
    let out = common::binary(home.path(), REGION_A)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["--json", "fleet", "--all-profiles", "--all-regions"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["regions_from"], "enabled");
    let profiles = doc["profiles"].as_array().unwrap();
    let names: Vec<&str> = profiles
        .iter()
        .map(|p| p["profile"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["expired", "team-a", "team-b"],
        "every profile of the file"
    );
    // One DescribeRegions per profile that answered, in its home region.
    let asked = emu
        .actions_since(mark, REGION_A)
        .into_iter()
        .filter(|a| a == "DescribeRegions")
        .count();
    assert_eq!(asked, 2);
    for p in &profiles[1..] {
        let regions = p["regions"].as_array().unwrap();
        assert!(regions.len() > 2, "{p}");
        assert!(regions.iter().any(|r| r["region"] == REGION_A));
        assert!(regions.iter().any(|r| r["region"] == REGION_B));
    }
    assert_eq!(doc["summary"]["environments"], 2);
}
