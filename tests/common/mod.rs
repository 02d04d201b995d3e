//! Shared test harness: one local AWS emulator per test binary, on a free loopback port.
//!
//! The emulator's virtual environment is created once under `target/tmp/emulator-cache` and
//! reused by every test binary (a file lock serialises the first creation). The process exits
//! when this test binary exits, however it exits (its stdin pipe closes), so none is left behind
//! even when a test panics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use studio_tui::aws::{self, Session, SessionOptions};
use studio_tui::sandbox::{Emulator, EmulatorOptions};

pub struct TestEmulator {
    pub endpoint: String,
    process: Mutex<Emulator>,
}

pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("emulator-cache")
}

/// The emulator shared by the tests of this binary (started on first use).
pub fn emulator() -> &'static TestEmulator {
    static EMU: OnceLock<TestEmulator> = OnceLock::new();
    EMU.get_or_init(|| {
        let opts = EmulatorOptions {
            port: 0,
            pace: 0.0,
            log_file: Some(cache_dir().join("emulator-tests.log")),
            ..EmulatorOptions::default()
        };
        let mut progress = |line: &str| eprintln!("[emulator] {line}");
        let emu = Emulator::start(&cache_dir(), &opts, &mut progress)
            .unwrap_or_else(|e| panic!("cannot start the local AWS emulator: {e}"));
        TestEmulator {
            endpoint: emu.endpoint.clone(),
            process: Mutex::new(emu),
        }
    })
}

impl TestEmulator {
    /// Session options pointing at this emulator with fake credentials.
    pub fn options(&self, region: &str) -> SessionOptions {
        SessionOptions {
            profile: None,
            region: Some(region.to_string()),
            endpoint_url: Some(self.endpoint.clone()),
            fake_credentials: true,
            read_only: false,
        }
    }

    pub async fn session(&self, region: &str) -> Session {
        aws::connect(&self.options(region))
            .await
            .expect("session against the emulator")
    }

    pub async fn read_only_session(&self, region: &str) -> Session {
        let mut o = self.options(region);
        o.read_only = true;
        aws::connect(&o).await.expect("read-only session")
    }

    /// GET a control endpoint of the emulator and parse the JSON.
    pub fn control_get(&self, path: &str) -> serde_json::Value {
        let url = format!("{}{}", self.endpoint, path);
        let out = std::process::Command::new("curl")
            .args(["-sf", &url])
            .output()
            .expect("curl");
        assert!(out.status.success(), "GET {url} failed");
        serde_json::from_slice(&out.stdout).expect("json")
    }

    /// POST JSON to a control endpoint.
    pub fn control_post(&self, path: &str, body: &serde_json::Value) -> serde_json::Value {
        let url = format!("{}{}", self.endpoint, path);
        let out = std::process::Command::new("curl")
            .args([
                "-sf",
                "-X",
                "POST",
                "-H",
                "content-type: application/json",
                "--data",
                &body.to_string(),
                &url,
            ])
            .output()
            .expect("curl");
        assert!(out.status.success(), "POST {url} failed");
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    }

    /// Every AWS API request the emulator received (service, action, method, region, fault).
    /// Private: the tests of a binary share the emulator, so a test reads the log only through
    /// `requests_since`, filtered to its own region.
    fn all_requests(&self) -> Vec<serde_json::Value> {
        match self.control_get("/_studio/requests") {
            serde_json::Value::Array(v) => v,
            other => panic!("/_studio/requests answered {other}, not a list"),
        }
    }

    /// Where the request log ends now: `requests_since(mark, region)` returns what comes after.
    pub fn log_mark(&self) -> usize {
        self.all_requests().len()
    }

    /// The AWS requests received since `mark` (a `log_mark()`), in `region` only. The tests of
    /// one binary run at the same time against one emulator: a test that asserts on these works
    /// in a region no concurrent test of its binary uses, or holds its binary's SERIAL lock.
    /// Global services sign for us-east-1 (IAM), so their calls are logged there.
    pub fn requests_since(&self, mark: usize, region: &str) -> Vec<serde_json::Value> {
        let all = self.all_requests();
        assert!(
            mark <= all.len(),
            "the request log has {} entries, fewer than the mark {mark}: something reset it \
             (no test may POST /_studio/reset-requests: the log is shared)",
            all.len()
        );
        all.into_iter()
            .skip(mark)
            .filter(|r| r["region"] == region)
            .collect()
    }

    /// The actions of `requests_since(mark, region)`, in order.
    pub fn actions_since(&self, mark: usize, region: &str) -> Vec<String> {
        self.requests_since(mark, region)
            .iter()
            .map(|r| r["action"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The mutating actions of `requests_since(mark, region)`, in order.
    pub fn mutating_since(&self, mark: usize, region: &str) -> Vec<String> {
        self.actions_since(mark, region)
            .into_iter()
            .filter(|a| is_mutating(a))
            .collect()
    }

    /// Change emulator-wide settings (POST /_studio/config, e.g. `{"pace": 0.03}`) until the
    /// returned guard is dropped: at the end of the test, or while it unwinds from a failed
    /// assertion. Settings are global to the emulator, so only a test alone in its binary, or
    /// one whose settings name only its own region or resources, may change them.
    #[must_use = "the settings are restored when the guard is dropped"]
    pub fn settings(&self, change: serde_json::Value) -> SettingsGuard<'_> {
        let before = self.control_get("/_studio/config");
        let after = self.control_post("/_studio/config", &change);
        let restore = before
            .as_object()
            .expect("/_studio/config answers an object")
            .iter()
            .filter(|(k, v)| after.get(k.as_str()) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        SettingsGuard { emu: self, restore }
    }

    pub fn is_running(&self) -> bool {
        self.process
            .lock()
            .map(|mut p| p.is_running())
            .unwrap_or(false)
    }
}

/// The settings a `TestEmulator::settings` call changed, with their previous values.
pub struct SettingsGuard<'a> {
    emu: &'a TestEmulator,
    restore: serde_json::Map<String, serde_json::Value>,
}

impl Drop for SettingsGuard<'_> {
    fn drop(&mut self) {
        if self.restore.is_empty() {
            return;
        }
        let body = serde_json::Value::Object(std::mem::take(&mut self.restore));
        if !std::thread::panicking() {
            self.emu.control_post("/_studio/config", &body);
            return;
        }
        // Unwinding from a failed assertion: a second panic would abort the test binary.
        let url = format!("{}/_studio/config", self.emu.endpoint);
        let restored = std::process::Command::new("curl")
            .args(["-sf", "-X", "POST", "-H", "content-type: application/json"])
            .args(["--data", &body.to_string(), &url])
            .status()
            .is_ok_and(|s| s.success());
        if !restored {
            eprintln!("could not restore the emulator's settings {body}");
        }
    }
}

/// Does this AWS action change anything? (The read-only prefixes of studio-tui's read-only
/// guard: Describe, List, Get, Head, Search, Detect, Filter; a REST API the emulator does not
/// name, such as EFS, is logged as "METHOD /path", and its GET requests read.)
pub fn is_mutating(action: &str) -> bool {
    ![
        "Describe", "List", "Get", "Head", "Search", "Detect", "Filter", "GET /",
    ]
    .iter()
    .any(|p| action.starts_with(p))
}

/// A unique, valid project name for one test.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// The real binary against this test binary's emulator, as a script would run it: a clean
/// environment with fake credentials, state under `home`.
pub fn binary(home: &std::path::Path, region: &str) -> assert_cmd::Command {
    assert_cmd::Command::from_std(binary_std(home, region))
}

/// [`binary`] as a `std::process::Command`, for a test that spawns it and signals it.
pub fn binary_std(home: &std::path::Path, region: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_studio-tui"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("STUDIO_TUI_HOME", home.join("st"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", &emulator().endpoint)
        .args(["--region", region]);
    cmd
}

/// The rows of a `TestBackend` dump (its `Display` writes each row in quotes).
pub fn screen_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

/// What every screen owes a small terminal: the header on row 0 alone (not wrapped onto row
/// 1), and the footer on the last row ending with `footer_end` (the footer drops hints with a
/// `…` rather than cutting the last ones).
pub fn assert_fits(screen: &str, footer_end: &str) {
    let rows = screen_rows(screen);
    assert!(rows[0].starts_with(" studio-tui │ "), "header: {screen}");
    assert!(
        !rows[1].contains("region ") && !rows[1].contains(" · "),
        "the header wrapped onto row 1: {screen}"
    );
    let last = rows.last().expect("rows").trim_end();
    assert!(
        last.ends_with(footer_end),
        "the footer {last:?} does not end with {footer_end:?}: {screen}"
    );
}

/// One frame of the app on a `w` x `h` TestBackend, as text (one quoted row a line).
pub fn draw(app: &studio_tui::ui::app::App, w: u16, h: u16) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.render(f)).unwrap();
    t.backend().to_string()
}

/// A key press without modifiers, as the app receives it.
pub fn key(c: crossterm::event::KeyCode) -> studio_tui::ui::action::Action {
    studio_tui::ui::action::Action::Key(crossterm::event::KeyEvent::new(
        c,
        crossterm::event::KeyModifiers::NONE,
    ))
}

/// Type `text` into the wizard, one key per character.
pub fn type_text(app: &mut studio_tui::ui::app::App, text: &str) {
    for c in text.chars() {
        app.update(key(crossterm::event::KeyCode::Char(c)));
    }
}

/// The reply to the newest request the app still waits for among those this reply can answer,
/// as the event loop would deliver it (with that request's id). Panics when nothing waits: a
/// test must make the request (a key, a start) before it can answer it.
pub fn reply(
    app: &studio_tui::ui::app::App,
    reply: studio_tui::ui::action::Reply,
) -> studio_tui::ui::action::Action {
    let id = app
        .requests()
        .newest(reply.slots())
        .unwrap_or_else(|| panic!("no request waits for a reply like {reply:?}"));
    studio_tui::ui::action::Action::Reply(id, reply)
}

/// What was asked for, without the request ids.
pub fn effects(
    requests: Vec<studio_tui::ui::request::Request>,
) -> Vec<studio_tui::ui::action::Effect> {
    requests.into_iter().map(|r| r.effect).collect()
}

/// Studio polling fast enough for the emulator (domains and apps settle in milliseconds there).
pub const FAST_POLL: studio_tui::ops::studio::Poll = studio_tui::ops::studio::Poll {
    initial: std::time::Duration::from_millis(20),
    max: std::time::Duration::from_millis(200),
    timeout: std::time::Duration::from_secs(60),
};

/// A tiny stand-in for the environment stack: a VPC, a subnet, a security group and two
/// buckets, with the outputs studio-tui reads.
fn mini_template(project: &str) -> String {
    serde_json::json!({
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
            "Subnet": {"Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.9.3.0/24"}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "studio", "VpcId": {"Ref": "Vpc"}}},
            "DataBucket": {"Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": format!("{project}-data")}},
            "ModelsBucket": {"Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": format!("{project}-models")}}
        },
        "Outputs": {
            "VpcId": {"Value": {"Ref": "Vpc"}},
            "SageMakerStudioSubnetId": {"Value": {"Ref": "Subnet"}},
            "SageMakerSecurityGroupId": {"Value": {"Fn::GetAtt": ["Sg", "GroupId"]}},
            "ExecutionRoleArn": {"Value": "arn:aws:iam::123456789012:role/mini-notebook-role"},
            "StudioKmsKeyArn": {"Value": "arn:aws:kms:us-east-1:123456789012:key/mini"},
            "DataBucketName": {"Value": {"Ref": "DataBucket"}},
            "ModelsBucketName": {"Value": {"Ref": "ModelsBucket"}}
        }
    })
    .to_string()
}

pub async fn deploy_mini_stack(
    session: &Session,
    project: &str,
) -> studio_tui::aws::stacks::StackInfo {
    session
        .fixtures()
        .cloudformation()
        .create_stack()
        .stack_name(project)
        .template_body(mini_template(project))
        .send()
        .await
        .expect("CreateStack");
    for _ in 0..600 {
        let s = session.describe_stack(project).await.unwrap().unwrap();
        if !s.is_in_progress() {
            assert_eq!(s.status.as_str(), "CREATE_COMPLETE", "{s:?}");
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("stack not created");
}

/// Wait (bounded: 60 s) until the stack is out of its *_IN_PROGRESS state; it must then be in
/// `want`.
pub async fn wait_stack(
    session: &Session,
    project: &str,
    want: &str,
) -> studio_tui::aws::stacks::StackInfo {
    for _ in 0..600 {
        let s = session.describe_stack(project).await.unwrap().unwrap();
        if !s.is_in_progress() {
            assert_eq!(s.status.as_str(), want, "{s:?}");
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("stack {project} did not settle");
}

/// A private space `space` of `owner` in the domain, with a JupyterLab app `default` on
/// ml.t3.medium in it.
pub async fn private_space_with_app(session: &Session, domain_id: &str, owner: &str, space: &str) {
    use aws_sdk_sagemaker::types::{
        AppInstanceType, AppType, OwnershipSettings, ResourceSpec, SharingType,
        SpaceSharingSettings,
    };
    let sm = session.fixtures().sagemaker();
    sm.create_space()
        .domain_id(domain_id)
        .space_name(space)
        .ownership_settings(
            OwnershipSettings::builder()
                .owner_user_profile_name(owner)
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
        .space_name(space)
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .resource_spec(
            ResourceSpec::builder()
                .instance_type(AppInstanceType::MlT3Medium)
                .build(),
        )
        .send()
        .await
        .expect("CreateApp in space");
}
