//! The stored types: the two saved documents (the user's answers and the run state, per project
//! and region) and the [`Store`] that holds them. Where and how they are written is the storage
//! of [`crate::config`].
//!
//! Keys are `"<region>/<project>"`. Neither type has a field that could hold a credential.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{self, Format, Loaded, Paths, StateError, Versioned};
use crate::core::params::ParamsDraft;

/// Key of one project in one region.
pub fn key(region: &str, project: &str) -> String {
    format!("{region}/{project}")
}

/// `answers.toml`: what the user entered, so the next run starts from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Answers {
    #[serde(default)]
    pub version: u32,
    /// The project last worked on, per region (to prefill the next run).
    #[serde(default)]
    pub last_project: BTreeMap<String, String>,
    #[serde(default)]
    pub projects: BTreeMap<String, SavedAnswers>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SavedAnswers {
    pub parameters: ParamsDraft,
    /// Studio user profiles the user asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
}

impl Versioned for Answers {
    const VERSION: u32 = 1;
    fn version(&self) -> u32 {
        self.version
    }
}

/// `runs.json`: what was started in AWS, so a restarted studio-tui reattaches to it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Runs {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub runs: BTreeMap<String, RunState>,
    /// Bucket policies opened for an emptying, per project key: the original of each, saved
    /// before the first edit and removed once it is back (checked with GetBucketPolicy). What is
    /// still here was left open by a run that was stopped, and is put back on the next run.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub open_fences: BTreeMap<String, Vec<OpenFence>>,
}

/// A bucket whose policy studio-tui opened, with the policy to put back.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct OpenFence {
    pub bucket: String,
    /// The policy as it was before the opening (never one that holds an exemption).
    pub original_policy: String,
    /// The policy as studio-tui opened it: the original is put back only over this text, never
    /// over a policy someone changed since.
    #[serde(default)]
    pub opened_policy: String,
    /// Whom the opening admits, as the plan said it.
    #[serde(default)]
    pub admits: String,
    /// RFC 3339 time the policy was saved, just before it was opened.
    #[serde(default)]
    pub saved_at: String,
}

impl Versioned for Runs {
    const VERSION: u32 = 1;
    fn version(&self) -> u32 {
        self.version
    }
}

/// One project's state in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RunState {
    pub stack_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_id: Option<String>,
    /// The operation in flight or last run: "create", "update", "delete".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// ClientRequestToken of that operation: its events carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_set_id: Option<String>,
    /// RFC 3339 time the operation was started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// Profile *name* used (never credentials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// Shared handle on the saved state, so a task can record what it started.
pub type SharedStore = std::sync::Arc<std::sync::Mutex<Store>>;

/// Both documents, loaded together, with any problem to show the user.
#[derive(Debug)]
pub struct Store {
    pub paths: Paths,
    pub answers: Answers,
    pub runs: Runs,
    /// Messages about files that were kept aside.
    pub problems: Vec<String>,
    /// False under `--read-only`: what a run would save is kept in memory for that run (the
    /// plan is shown from the values given) and no file is written.
    persist: bool,
}

impl Store {
    /// Load both documents for a run that saves what it does.
    pub fn load(paths: &Paths) -> Result<Store, StateError> {
        Store::load_for(paths, false)
    }

    /// Load both documents; with `read_only`, nothing this store is asked to save reaches the
    /// disk (`--read-only` writes no file: no answers, no default project, no run state).
    pub fn load_for(paths: &Paths, read_only: bool) -> Result<Store, StateError> {
        let mut store = Store::load_files(paths, !read_only)?;
        store.persist = !read_only;
        Ok(store)
    }

    fn load_files(paths: &Paths, keep_aside: bool) -> Result<Store, StateError> {
        let mut problems = Vec::new();
        let Loaded {
            doc: answers,
            problem,
        } = config::load_as::<Answers>(&paths.answers_file(), Format::Toml, keep_aside)?;
        problems.extend(problem.map(|p| p.to_string()));
        let Loaded { doc: runs, problem } =
            config::load_as::<Runs>(&paths.runs_file(), Format::Json, keep_aside)?;
        problems.extend(problem.map(|p| p.to_string()));
        Ok(Store {
            paths: paths.clone(),
            answers,
            runs,
            problems,
            persist: true,
        })
    }

    /// Whether saves reach the disk (false under `--read-only`).
    pub fn persists(&self) -> bool {
        self.persist
    }

    fn save_answers_file(&self) -> Result<(), StateError> {
        if !self.persist {
            return Ok(());
        }
        config::save(&self.paths.answers_file(), Format::Toml, &self.answers)
    }

    fn save_runs_file(&self) -> Result<(), StateError> {
        if !self.persist {
            return Ok(());
        }
        config::save(&self.paths.runs_file(), Format::Json, &self.runs)
    }

    /// Save the answers for this project and region (before anything is deployed).
    pub fn save_answers(
        &mut self,
        region: &str,
        parameters: &ParamsDraft,
        users: &[String],
    ) -> Result<(), StateError> {
        let k = key(region, &parameters.project_name);
        self.answers.version = Answers::VERSION;
        self.answers
            .last_project
            .insert(region.to_string(), parameters.project_name.clone());
        self.answers.projects.insert(
            k,
            SavedAnswers {
                parameters: parameters.clone(),
                users: users.to_vec(),
            },
        );
        self.save_answers_file()
    }

    pub fn saved_answers(&self, region: &str, project: Option<&str>) -> Option<&SavedAnswers> {
        let project =
            project.or_else(|| self.answers.last_project.get(region).map(String::as_str))?;
        self.answers.projects.get(&key(region, project))
    }

    pub fn run(&self, region: &str, project: &str) -> Option<&RunState> {
        self.runs.runs.get(&key(region, project))
    }

    /// Record run state (call *before* the AWS call that needs it, e.g. before CreateStack).
    pub fn save_run(
        &mut self,
        region: &str,
        project: &str,
        run: RunState,
    ) -> Result<(), StateError> {
        self.runs.version = Runs::VERSION;
        self.runs.runs.insert(key(region, project), run);
        self.save_runs_file()
    }

    pub fn forget_run(&mut self, region: &str, project: &str) -> Result<(), StateError> {
        self.runs.version = Runs::VERSION;
        self.runs.runs.remove(&key(region, project));
        self.save_runs_file()
    }

    /// The bucket policies of this project that a run opened and did not put back.
    pub fn open_fences(&self, region: &str, project: &str) -> Vec<OpenFence> {
        self.runs
            .open_fences
            .get(&key(region, project))
            .cloned()
            .unwrap_or_default()
    }

    /// Save a bucket's original policy *before* it is opened (on disk when this store
    /// persists: a run killed after the edit leaves the copy for the next run). A copy already
    /// saved for that bucket is kept: it is the older, so the one from before any opening.
    pub fn save_open_fence(
        &mut self,
        region: &str,
        project: &str,
        fence: OpenFence,
    ) -> Result<(), StateError> {
        self.runs.version = Runs::VERSION;
        let list = self
            .runs
            .open_fences
            .entry(key(region, project))
            .or_default();
        if list.iter().any(|f| f.bucket == fence.bucket) {
            return Ok(());
        }
        list.push(fence);
        self.save_runs_file()
    }

    /// The bucket's policy is back: forget its saved copy.
    pub fn forget_open_fence(
        &mut self,
        region: &str,
        project: &str,
        bucket: &str,
    ) -> Result<(), StateError> {
        let k = key(region, project);
        let Some(list) = self.runs.open_fences.get_mut(&k) else {
            return Ok(());
        };
        list.retain(|f| f.bucket != bucket);
        if list.is_empty() {
            self.runs.open_fences.remove(&k);
        }
        self.runs.version = Runs::VERSION;
        self.save_runs_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_runs_round_trip_without_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let mut store = Store::load(&paths).unwrap();
        let p = ParamsDraft {
            project_name: "demo-one".into(),
            ..ParamsDraft::default()
        };
        store
            .save_answers("eu-west-1", &p, &["alice".into()])
            .unwrap();
        store
            .save_run(
                "eu-west-1",
                "demo-one",
                RunState {
                    stack_name: "demo-one".into(),
                    client_request_token: Some("tok-1".into()),
                    profile: Some("dev".into()),
                    ..RunState::default()
                },
            )
            .unwrap();
        let again = Store::load(&paths).unwrap();
        assert!(again.problems.is_empty());
        let saved = again.saved_answers("eu-west-1", None).unwrap();
        assert_eq!(saved.parameters, p);
        assert_eq!(saved.users, vec!["alice".to_string()]);
        assert_eq!(
            again
                .run("eu-west-1", "demo-one")
                .unwrap()
                .client_request_token
                .as_deref(),
            Some("tok-1")
        );
        for file in [paths.answers_file(), paths.runs_file()] {
            let text = std::fs::read_to_string(file).unwrap().to_lowercase();
            assert!(!text.contains("secret") && !text.contains("access_key"));
        }
    }

    #[test]
    fn answers_written_by_an_earlier_version_load_validate_and_keep_their_shape() {
        // answers.toml as versions before the validated parameters wrote it.
        let earlier = r#"version = 1

[last_project]
eu-west-1 = "team-a"

[projects."eu-west-1/team-a"]
users = ["alice"]

[projects."eu-west-1/team-a".parameters]
project_name = "team-a"
vpc_cidr = "10.20.0.0/16"
firewall_subnet_cidr = "10.20.1.0/24"
nat_subnet_cidr = "10.20.2.0/24"
studio_subnet_cidr = "10.20.3.0/24"
allowed_domains = ["iam.amazonaws.com", ".pypi.org"]
allowed_buckets = ["team-share"]
availability_zone = "eu-west-1a"
"#;
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        std::fs::create_dir_all(&paths.config_dir).unwrap();
        std::fs::write(paths.answers_file(), earlier).unwrap();
        let mut store = Store::load(&paths).unwrap();
        assert!(store.problems.is_empty(), "{:?}", store.problems);
        let saved = store.saved_answers("eu-west-1", None).unwrap().clone();
        let valid = saved
            .parameters
            .parse(1)
            .expect("the saved answers are valid");
        assert_eq!(valid.vpc_cidr.to_string(), "10.20.0.0/16");
        assert_eq!(valid.allowed_buckets, ["team-share"]);
        // Saved again from the validated parameters: the same document, plus the idle timeout
        // and the instance types the earlier version had no key for (their defaults: all types;
        // an existing domain is changed only when a run asks for it).
        store
            .save_answers("eu-west-1", &valid.draft(), &saved.users)
            .unwrap();
        let written: toml::Table =
            toml::from_str(&std::fs::read_to_string(paths.answers_file()).unwrap()).unwrap();
        let mut expected = toml::from_str::<toml::Table>(earlier).unwrap();
        expected["projects"]["eu-west-1/team-a"]["parameters"]
            .as_table_mut()
            .unwrap()
            .insert("idle_timeout".into(), "60".into());
        expected["projects"]["eu-west-1/team-a"]["parameters"]
            .as_table_mut()
            .unwrap()
            .insert("instance_types".into(), toml::Value::Array(Vec::new()));
        assert_eq!(written, expected);
        assert!(valid.instance_types.is_all());
    }

    #[test]
    fn a_read_only_store_keeps_its_saves_in_memory_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let mut store = Store::load_for(&paths, true).unwrap();
        let p = ParamsDraft {
            project_name: "ro-one".into(),
            ..ParamsDraft::default()
        };
        store.save_answers("eu-west-1", &p, &[]).unwrap();
        store
            .save_run("eu-west-1", "ro-one", RunState::default())
            .unwrap();
        store.forget_run("eu-west-1", "ro-one").unwrap();
        assert_eq!(
            store.saved_answers("eu-west-1", None).unwrap().parameters,
            p
        );
        assert!(!paths.answers_file().exists() && !paths.runs_file().exists());
        assert!(!paths.config_dir.exists() && !paths.data_dir.exists());
    }

    #[test]
    fn an_open_fence_is_saved_before_the_edit_and_forgotten_once_back() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        let mut store = Store::load(&paths).unwrap();
        let fence = |policy: &str| OpenFence {
            bucket: "b1".into(),
            original_policy: policy.into(),
            opened_policy: String::new(),
            admits: "every session of role R".into(),
            saved_at: "2026-01-01T00:00:00Z".into(),
        };
        store
            .save_open_fence("eu-west-1", "p", fence("original"))
            .unwrap();
        // a second save for the same bucket keeps the first (older) copy
        store
            .save_open_fence("eu-west-1", "p", fence("later"))
            .unwrap();
        let again = Store::load(&paths).unwrap();
        assert_eq!(again.open_fences("eu-west-1", "p"), vec![fence("original")]);
        assert!(again.open_fences("eu-west-1", "other").is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(paths.runs_file())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "owner-only: {mode:o}");
        }
        store.forget_open_fence("eu-west-1", "p", "b1").unwrap();
        store
            .forget_open_fence("eu-west-1", "nothing", "b1")
            .unwrap();
        let again = Store::load(&paths).unwrap();
        assert!(again.open_fences("eu-west-1", "p").is_empty());
        assert!(again.runs.open_fences.is_empty());
        let text = std::fs::read_to_string(paths.runs_file()).unwrap();
        assert!(!text.contains("open_fences"), "{text}");
    }

    #[test]
    fn a_corrupt_answers_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        std::fs::create_dir_all(&paths.config_dir).unwrap();
        std::fs::write(paths.answers_file(), "version = 1\n[projects\n").unwrap();
        let store = Store::load(&paths).unwrap();
        assert_eq!(store.problems.len(), 1);
        assert!(store.problems[0].contains("kept aside"));
    }
}
