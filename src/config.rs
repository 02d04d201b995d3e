//! The storage: where studio-tui keeps its files (the `directories` config/data/cache paths)
//! and how a versioned document is read and written. What is stored, the answers and the run
//! state, are the types of [`crate::state`].
//!
//! Two files, both versioned and written atomically (temp file in the same folder, fsync,
//! rename, fsync of the folder):
//! - `answers.toml` (config dir): what the user entered, per project and region;
//! - `runs.json` (data dir): what was started in AWS (stack id, ClientRequestToken, domain id),
//!   so a restarted studio-tui can reattach.
//!
//! Neither ever holds credentials: the types stored here have no field for them.
//! `STUDIO_TUI_HOME` moves everything under one folder (used by the tests).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Environment variable that overrides every path (config, data, cache, logs).
pub const HOME_ENV: &str = "STUDIO_TUI_HOME";
/// Environment variable that overrides only the cache folder (the emulator's venv), so tests
/// with a fresh home can share one venv.
pub const CACHE_ENV: &str = "STUDIO_TUI_CACHE";

/// Where studio-tui keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub cache_dir: PathBuf,
}

impl Paths {
    /// The platform's standard folders, or `$STUDIO_TUI_HOME/{config,data,cache}` when set.
    pub fn discover() -> Result<Paths, StateError> {
        let mut paths = if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            Paths::under(Path::new(&home))
        } else {
            let dirs = directories::ProjectDirs::from("dev", "studio-tui", "studio-tui")
                .ok_or(StateError::NoHome)?;
            Paths {
                config_dir: dirs.config_dir().to_path_buf(),
                data_dir: dirs.data_dir().to_path_buf(),
                cache_dir: dirs.cache_dir().to_path_buf(),
            }
        };
        if let Some(cache) = std::env::var_os(CACHE_ENV).filter(|v| !v.is_empty()) {
            paths.cache_dir = PathBuf::from(cache);
        }
        Ok(paths)
    }

    /// All folders under one root.
    pub fn under(root: &Path) -> Paths {
        Paths {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            cache_dir: root.join("cache"),
        }
    }

    /// Where `--sandbox` keeps its answers and run state: a folder of its own inside the
    /// config and data folders, so a demo's projects, users and parameters are never offered
    /// as the defaults of a real account (the cache, the emulator's venv, is shared).
    pub fn for_sandbox(&self) -> Paths {
        Paths {
            config_dir: self.config_dir.join("sandbox"),
            data_dir: self.data_dir.join("sandbox"),
            cache_dir: self.cache_dir.clone(),
        }
    }

    pub fn answers_file(&self) -> PathBuf {
        self.config_dir.join("answers.toml")
    }

    pub fn runs_file(&self) -> PathBuf {
        self.data_dir.join("runs.json")
    }

    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join("studio-tui.log")
    }
}

/// Problems reading or writing saved state. Each message says what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(
        "cannot find a home folder for studio-tui's files; set {HOME_ENV} to a writable folder"
    )]
    NoHome,
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} could not be read ({reason}); it was kept aside as {} and studio-tui starts from an empty file. Inspect or delete the kept copy.",
        path.display(), kept_at.display()
    )]
    Corrupt {
        path: PathBuf,
        kept_at: PathBuf,
        reason: String,
    },
    #[error(
        "{} was written by a newer studio-tui (format {found}, this build reads up to {supported}); it was kept aside as {} and not overwritten. Upgrade studio-tui to use it.",
        path.display(), kept_at.display()
    )]
    NewerVersion {
        path: PathBuf,
        kept_at: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("cannot encode {}: {reason}", path.display())]
    Encode { path: PathBuf, reason: String },
    #[error(
        "{} {why}; under --read-only it was left as it is and studio-tui starts from an empty document. Run without --read-only to keep it aside, or inspect it.",
        path.display()
    )]
    LeftAsIs { path: PathBuf, why: String },
}

/// File formats the store understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

/// A document with a format version, so newer files are recognised instead of misread.
pub trait Versioned: Serialize + DeserializeOwned + Default {
    /// The version this build writes and the highest it reads.
    const VERSION: u32;
    fn version(&self) -> u32;
}

/// Result of loading: the document, and a problem the caller should show the user (the file
/// was kept aside and an empty document returned).
#[derive(Debug)]
pub struct Loaded<T> {
    pub doc: T,
    pub problem: Option<StateError>,
}

/// Load `path`, or an empty document when it does not exist. A corrupt or newer-version file
/// is renamed aside (never overwritten) and reported in `problem`.
pub fn load<T: Versioned>(path: &Path, format: Format) -> Result<Loaded<T>, StateError> {
    load_as(path, format, true)
}

/// [`load`], renaming a corrupt or newer-version file aside only when `set_aside` (false under
/// `--read-only`, which writes nothing: the file is left as it is and reported).
pub fn load_as<T: Versioned>(
    path: &Path,
    format: Format,
    set_aside: bool,
) -> Result<Loaded<T>, StateError> {
    let left = |why: String| Loaded {
        doc: T::default(),
        problem: Some(StateError::LeftAsIs {
            path: path.to_path_buf(),
            why,
        }),
    };
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Loaded {
                doc: T::default(),
                problem: None,
            });
        }
        Err(e) => {
            return Err(StateError::Io {
                action: "read",
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    let parsed: Result<T, String> = match format {
        Format::Toml => toml::from_str(&text).map_err(|e| e.to_string()),
        Format::Json => serde_json::from_str(&text).map_err(|e| e.to_string()),
    };
    // Look at the version before trusting the parse: a newer file may parse by accident.
    let found_version = peek_version(&text, format);
    if let Some(found) = found_version.filter(|v| *v > T::VERSION) {
        if !set_aside {
            return Ok(left(format!(
                "was written by a newer studio-tui (format {found}, this build reads up to {})",
                T::VERSION
            )));
        }
        let kept_at = keep_aside(path, "newer")?;
        return Ok(Loaded {
            doc: T::default(),
            problem: Some(StateError::NewerVersion {
                path: path.to_path_buf(),
                kept_at,
                found,
                supported: T::VERSION,
            }),
        });
    }
    match parsed {
        Ok(doc) => Ok(Loaded { doc, problem: None }),
        Err(reason) if !set_aside => {
            Ok(left(format!("could not be read ({})", first_line(&reason))))
        }
        Err(reason) => {
            let kept_at = keep_aside(path, "corrupt")?;
            Ok(Loaded {
                doc: T::default(),
                problem: Some(StateError::Corrupt {
                    path: path.to_path_buf(),
                    kept_at,
                    reason: first_line(&reason),
                }),
            })
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn peek_version(text: &str, format: Format) -> Option<u32> {
    let v = match format {
        Format::Toml => toml::from_str::<toml::Table>(text)
            .ok()?
            .get("version")?
            .as_integer()?,
        Format::Json => serde_json::from_str::<serde_json::Value>(text)
            .ok()?
            .get("version")?
            .as_i64()?,
    };
    u32::try_from(v).ok()
}

/// Rename `path` to `<path>.<why>-<unix seconds>[-n]`, never clobbering an earlier copy.
fn keep_aside(path: &Path, why: &str) -> Result<PathBuf, StateError> {
    let secs = crate::core::clock::now_ms() / 1000;
    let mut n = 0u32;
    loop {
        let mut name = path.as_os_str().to_owned();
        if n == 0 {
            name.push(format!(".{why}-{secs}"));
        } else {
            name.push(format!(".{why}-{secs}-{n}"));
        }
        let target = PathBuf::from(name);
        if !target.exists() {
            fs::rename(path, &target).map_err(|e| StateError::Io {
                action: "keep aside",
                path: path.to_path_buf(),
                source: e,
            })?;
            return Ok(target);
        }
        n += 1;
    }
}

/// Write `doc` atomically: temp file in the same folder, fsync, rename over `path`, fsync the
/// folder. A crash leaves either the old file or the new one, never a torn one.
pub fn save<T: Versioned>(path: &Path, format: Format, doc: &T) -> Result<(), StateError> {
    let text = match format {
        Format::Toml => toml::to_string_pretty(doc).map_err(|e| e.to_string()),
        Format::Json => serde_json::to_string_pretty(doc).map_err(|e| e.to_string()),
    }
    .map_err(|reason| StateError::Encode {
        path: path.to_path_buf(),
        reason,
    })?;
    write_atomic(path, text.as_bytes())
}

/// Create `dir` and any missing parent, owner-only (0700) on Unix: every folder studio-tui
/// creates for its files. A folder that exists already keeps its mode (it may be one the user
/// chose and shares, `STUDIO_TUI_CACHE=/tmp` for one); the files in it are owner-only anyway.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Open `path` for appending (a log), created owner-only (0600) in an owner-only folder; a file
/// that exists already with a wider mode (an older studio-tui's log) is made owner-only too.
pub fn append_private(path: &Path) -> std::io::Result<fs::File> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let mut opts = fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
}

/// Atomic file replacement (see [`save`]), created with owner-only permissions on Unix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    let io = |action: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |source| StateError::Io {
            action,
            path: p,
            source,
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir).map_err(io("create folder", dir))?;
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(io("create", &tmp))?;
        f.write_all(bytes).map_err(io("write", &tmp))?;
        f.sync_all().map_err(io("sync", &tmp))?;
    }
    fs::rename(&tmp, path).map_err(io("replace", path))?;
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        // Make the rename itself durable; failure here is not worth failing the save for.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    struct Doc {
        version: u32,
        #[serde(default)]
        items: BTreeMap<String, String>,
    }
    impl Versioned for Doc {
        const VERSION: u32 = 1;
        fn version(&self) -> u32 {
            self.version
        }
    }

    #[test]
    fn round_trip_both_formats() {
        let dir = tempfile::tempdir().unwrap();
        for (format, name) in [(Format::Toml, "a.toml"), (Format::Json, "a.json")] {
            let path = dir.path().join(name);
            let mut doc = Doc {
                version: 1,
                ..Doc::default()
            };
            doc.items.insert("us-east-1/demo".into(), "x".into());
            save(&path, format, &doc).unwrap();
            let loaded: Loaded<Doc> = load(&path, format).unwrap();
            assert!(loaded.problem.is_none());
            assert_eq!(loaded.doc, doc);
        }
        // no temp files left behind
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn missing_file_is_empty_document() {
        let dir = tempfile::tempdir().unwrap();
        let loaded: Loaded<Doc> = load(&dir.path().join("none.toml"), Format::Toml).unwrap();
        assert_eq!(loaded.doc, Doc::default());
        assert!(loaded.problem.is_none());
    }

    #[test]
    fn corrupt_file_is_kept_aside_with_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.toml");
        fs::write(&path, "version = 1\nitems = [not toml").unwrap();
        let loaded: Loaded<Doc> = load(&path, Format::Toml).unwrap();
        let problem = loaded.problem.expect("a problem is reported");
        let msg = problem.to_string();
        assert!(msg.contains("could not be read"), "{msg}");
        assert!(msg.contains("kept aside"), "{msg}");
        assert!(
            !path.exists(),
            "the corrupt file was moved, not left to be overwritten"
        );
        let StateError::Corrupt { kept_at, .. } = problem else {
            panic!("wrong variant")
        };
        assert_eq!(
            fs::read_to_string(kept_at).unwrap(),
            "version = 1\nitems = [not toml"
        );
    }

    #[test]
    fn read_only_leaves_a_corrupt_file_where_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.toml");
        fs::write(&path, "this is = = not toml").unwrap();
        let loaded = load_as::<Doc>(&path, Format::Toml, false).unwrap();
        let msg = loaded.problem.unwrap().to_string();
        assert!(msg.contains("left as it is"), "{msg}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "this is = = not toml");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing renamed or added"
        );
    }

    #[test]
    fn newer_version_is_kept_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.json");
        fs::write(&path, r#"{"version": 7, "items": {}}"#).unwrap();
        let loaded: Loaded<Doc> = load(&path, Format::Json).unwrap();
        let problem = loaded.problem.expect("a problem is reported");
        assert!(matches!(
            problem,
            StateError::NewerVersion {
                found: 7,
                supported: 1,
                ..
            }
        ));
        assert!(problem.to_string().contains("newer studio-tui"));
        // saving afterwards does not touch the kept copy
        save(&path, Format::Json, &Doc::default()).unwrap();
        let kept: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains(".newer-"))
            .collect();
        assert_eq!(kept.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new").join("x.json");
        save(&path, Format::Json, &Doc::default()).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700, "the folder it made");
        // a log: created owner-only, and an older world-readable one is tightened
        let log = dir.path().join("logs").join("a.log");
        drop(append_private(&log).unwrap());
        assert_eq!((mode(&log), mode(log.parent().unwrap())), (0o600, 0o700));
        fs::set_permissions(&log, fs::Permissions::from_mode(0o644)).unwrap();
        drop(append_private(&log).unwrap());
        assert_eq!(mode(&log), 0o600);
    }

    #[test]
    fn home_override_puts_everything_under_one_root() {
        let p = Paths::under(Path::new("/tmp/x"));
        assert_eq!(p.answers_file(), Path::new("/tmp/x/config/answers.toml"));
        assert_eq!(p.runs_file(), Path::new("/tmp/x/data/runs.json"));
        assert_eq!(p.log_file(), Path::new("/tmp/x/data/studio-tui.log"));
        let s = p.for_sandbox();
        assert_eq!(
            s.answers_file(),
            Path::new("/tmp/x/config/sandbox/answers.toml")
        );
        assert_eq!(s.runs_file(), Path::new("/tmp/x/data/sandbox/runs.json"));
        assert_eq!(s.cache_dir, p.cache_dir);
    }
}
