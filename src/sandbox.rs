//! The bundled local AWS emulator (moto's server plus studio-tui's extensions), started and
//! stopped by studio-tui itself.
//!
//! The emulator's Python sources are embedded in the binary and unpacked into the cache folder;
//! a virtual environment with the pinned, hash-checked requirements is created there once and
//! reused. The child process watches its stdin and exits when studio-tui goes away, however it
//! goes away, so no orphan is ever left running.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

// EMULATOR_FILES: the package's .py files and requirements.txt, listed by build.rs.
include!(concat!(env!("OUT_DIR"), "/emulator_files.rs"));
static DURATIONS: &str = include_str!("../assets/typical-durations.json");

/// Use these sources instead of the embedded ones (for working on the emulator itself).
pub const SRC_ENV: &str = "STUDIO_TUI_EMULATOR_SRC";
/// The readiness line the emulator prints on stdout.
const READY_PREFIX: &str = "STUDIO_EMULATOR_READY ";
/// A deploy at this pace takes about a minute, like the README promises for `--sandbox`.
pub const SANDBOX_PACE: f64 = 0.15;

/// How to start the emulator.
#[derive(Debug, Clone, Default)]
pub struct EmulatorOptions {
    /// 0 = any free port.
    pub port: u16,
    pub pace: f64,
    pub faults: Option<String>,
    pub seed_vpcs: bool,
    /// Where the emulator's stderr goes (None = discarded).
    pub log_file: Option<PathBuf>,
}

/// Why the emulator could not be started, each with what to do.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "python3 was not found; the local emulator needs Python 3.9 or newer. Install it (e.g. `apt-get install python3 python3-venv`, or `brew install python`) and try again"
    )]
    NoPython,
    #[error(
        "python3 cannot create a virtual environment ({0}). Install the venv module (e.g. `apt-get install python3-venv`) and try again"
    )]
    NoVenv(String),
    #[error(
        "installing the emulator's packages from the package registry failed ({0}). Check your network or proxy (HTTPS_PROXY), or point pip at a mirror with PIP_INDEX_URL, and try again"
    )]
    PipFailed(String),
    #[error("cannot prepare the emulator in {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the emulator did not start: {0}")]
    StartFailed(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SandboxError + '_ {
    move |source| SandboxError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Content hash of the embedded sources, so a new studio-tui version unpacks fresh copies.
fn sources_hash() -> String {
    hash_of(EMULATOR_FILES, DURATIONS)
}

/// Hash of every file's path and contents, and of the durations table.
fn hash_of(files: &[(&str, &[u8])], durations: &str) -> String {
    let mut h = DefaultHasher::new();
    for (path, contents) in files {
        path.hash(&mut h);
        contents.hash(&mut h);
    }
    durations.hash(&mut h);
    format!("{:016x}", h.finish())
}

fn embedded(path: &str) -> Option<&'static [u8]> {
    EMULATOR_FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, contents)| *contents)
}

fn requirements() -> &'static [u8] {
    embedded("requirements.txt").unwrap_or_default()
}

/// Unpack the embedded sources into `<cache>/emulator-src-<hash>` (or use STUDIO_TUI_EMULATOR_SRC)
/// and return the folder that contains the `studio_emulator` package.
pub fn prepare_sources(cache_dir: &Path) -> Result<PathBuf, SandboxError> {
    if let Some(dir) = std::env::var_os(SRC_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let root = cache_dir.join(format!("emulator-src-{}", sources_hash()));
    let pkg_root = root.join("emulator");
    if root.join(".complete").exists() {
        return Ok(pkg_root);
    }
    let _ = fs::remove_dir_all(&root);
    crate::config::private_dir(&pkg_root).map_err(io_err(&pkg_root))?;
    for (relative, contents) in EMULATOR_FILES {
        let path = pkg_root.join(relative);
        if let Some(parent) = path.parent() {
            crate::config::private_dir(parent).map_err(io_err(parent))?;
        }
        fs::write(&path, contents).map_err(io_err(&path))?;
    }
    // config.py finds the durations table two folders up from the package.
    let durations = root.join("typical-durations.json");
    fs::write(&durations, DURATIONS).map_err(io_err(&durations))?;
    let done = root.join(".complete");
    fs::write(&done, b"").map_err(io_err(&done))?;
    Ok(pkg_root)
}

/// Create (once) the virtual environment with the pinned requirements; returns its python.
/// `progress` receives one line per step so the caller can show it.
pub fn ensure_venv(
    cache_dir: &Path,
    sources: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf, SandboxError> {
    let reqs_path = sources.join("requirements.txt");
    let reqs = fs::read(&reqs_path).unwrap_or_else(|_| requirements().to_vec());
    let mut h = DefaultHasher::new();
    reqs.hash(&mut h);
    let venv = cache_dir.join(format!("emulator-venv-{:016x}", h.finish()));
    let python = venv.join("bin").join("python");
    let marker = venv.join(".studio-tui-complete");
    if marker.exists() {
        return Ok(python);
    }
    crate::config::private_dir(cache_dir).map_err(io_err(cache_dir))?;
    // Two processes (parallel test binaries) may get here at once: one builds, the other waits.
    let lock_path = cache_dir.join("emulator-venv.lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_err(&lock_path))?;
    lock.lock().map_err(io_err(&lock_path))?;
    if marker.exists() {
        return Ok(python);
    }
    let _ = fs::remove_dir_all(&venv);

    progress("checking python3");
    let version = Command::new("python3").arg("--version").output();
    match version {
        Ok(out) if out.status.success() => {}
        _ => return Err(SandboxError::NoPython),
    }
    progress(&format!(
        "creating a Python virtual environment in {}",
        venv.display()
    ));
    let out = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .map_err(|_| SandboxError::NoPython)?;
    if !out.status.success() {
        let _ = fs::remove_dir_all(&venv);
        return Err(SandboxError::NoVenv(last_line(&out.stderr)));
    }
    progress("installing moto and the emulator's pinned packages (hash-checked, about a minute)");
    let reqs_file = venv.join("requirements.txt");
    fs::write(&reqs_file, &reqs).map_err(io_err(&reqs_file))?;
    let out = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            "--require-hashes",
            "-r",
        ])
        .arg(&reqs_file)
        .output()
        .map_err(|e| SandboxError::PipFailed(e.to_string()))?;
    if !out.status.success() {
        let _ = fs::remove_dir_all(&venv);
        return Err(SandboxError::PipFailed(last_line(&out.stderr)));
    }
    fs::write(&marker, b"").map_err(io_err(&marker))?;
    progress("emulator environment ready");
    Ok(python)
}

fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output")
        .trim()
        .to_string()
}

/// A running emulator. Dropping it stops the process.
#[derive(Debug)]
pub struct Emulator {
    child: Option<Child>,
    /// Kept open: the emulator exits when this pipe closes (our exit, crash or kill -9).
    stdin: Option<ChildStdin>,
    pub endpoint: String,
    pub port: u16,
}

impl Emulator {
    /// Prepare sources and venv under `cache_dir`, start the emulator and wait until it answers.
    pub fn start(
        cache_dir: &Path,
        opts: &EmulatorOptions,
        progress: &mut dyn FnMut(&str),
    ) -> Result<Emulator, SandboxError> {
        let sources = prepare_sources(cache_dir)?;
        let python = ensure_venv(cache_dir, &sources, progress)?;
        progress("starting the local AWS emulator");
        let mut cmd = Command::new(&python);
        cmd.args(["-m", "studio_emulator", "--exit-on-stdin-close", "--port"])
            .arg(opts.port.to_string())
            .arg("--pace")
            .arg(opts.pace.to_string())
            .current_dir(&sources)
            .env("PYTHONPATH", &sources)
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if let Some(f) = &opts.faults {
            cmd.arg("--faults").arg(f);
        }
        if opts.seed_vpcs {
            cmd.arg("--seed-vpcs");
        }
        match &opts.log_file {
            Some(path) => {
                // Owner-only: the emulator logs every request it serves.
                let f = crate::config::append_private(path).map_err(io_err(path))?;
                cmd.stderr(Stdio::from(f));
            }
            None => {
                cmd.stderr(Stdio::null());
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group: a Ctrl-C in our terminal reaches us, and we stop it in order.
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|e| {
            SandboxError::StartFailed(format!("cannot run {}: {e}", python.display()))
        })?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| SandboxError::StartFailed("no stdout".into()))?;
        let (tx, rx) = mpsc::channel::<Option<String>>();
        std::thread::spawn(move || {
            let reader = BufReader::new(stdout);
            let mut sent = false;
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(url) = line.strip_prefix(READY_PREFIX) {
                    let _ = tx.send(Some(url.trim().to_string()));
                    sent = true;
                }
            }
            if !sent {
                let _ = tx.send(None);
            }
        });
        let mut emu = Emulator {
            child: Some(child),
            stdin,
            endpoint: String::new(),
            port: 0,
        };
        match rx.recv_timeout(Duration::from_secs(90)) {
            Ok(Some(url)) => {
                emu.port = url
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.trim_end_matches('/').parse().ok())
                    .unwrap_or(0);
                emu.endpoint = url;
                Ok(emu)
            }
            Ok(None) => {
                let why = emu.exit_status_text();
                Err(SandboxError::StartFailed(format!(
                    "the emulator exited before it was ready ({why}); is port {} free? See {}",
                    opts.port,
                    opts.log_file
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "its log".into())
                )))
            }
            Err(_) => Err(SandboxError::StartFailed(
                "the emulator did not report ready within 90 seconds".into(),
            )),
        }
    }

    fn exit_status_text(&mut self) -> String {
        match self.child.as_mut().map(|c| c.wait()) {
            Some(Ok(status)) => status.to_string(),
            Some(Err(e)) => e.to_string(),
            None => "not running".into(),
        }
    }

    /// Is the process still alive?
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Stop it: close its stdin (it runs with `--exit-on-stdin-close`, so it stops serving and
    /// exits within half a second), wait up to 5 s, then kill. No signal of our own is needed,
    /// hence no `unsafe`: std's `Child::kill` (SIGKILL) is the last resort.
    pub fn stop(&mut self) {
        self.stdin.take();
        let Some(mut child) = self.child.take() else {
            return;
        };
        for _ in 0..50 {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_sources_have_the_entry_point_and_requirements() {
        for path in [
            "studio_emulator/__init__.py",
            "studio_emulator/__main__.py",
            "studio_emulator/config.py",
        ] {
            assert!(embedded(path).is_some(), "{path} is not embedded");
        }
        assert!(
            String::from_utf8_lossy(requirements()).contains("moto=="),
            "requirements.txt is not embedded"
        );
        assert!(sources_hash().len() == 16);
    }

    #[test]
    fn the_binary_embeds_only_the_package_and_its_requirements() {
        for (path, _) in EMULATOR_FILES {
            let in_package = path
                .strip_prefix("studio_emulator/")
                .is_some_and(|rest| rest.ends_with(".py"));
            assert!(
                *path == "requirements.txt" || in_package,
                "{path} is embedded: only studio_emulator/**.py and requirements.txt belong in the binary"
            );
            for part in path.split('/') {
                assert!(
                    !["tests", "__pycache__", ".pytest_cache", ".ruff_cache"].contains(&part)
                        && !part.ends_with(".pyc")
                        && !part.starts_with("test_"),
                    "{path} is embedded: no tests or caches belong in the binary"
                );
            }
        }
    }

    /// The embedded copy is the worktree's: every .py file of the package, byte for byte, and
    /// nothing else (fails if build.rs did not rerun after a module was added or removed).
    #[test]
    fn the_embedded_package_is_the_source_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/emulator");
        fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if path.is_dir() {
                    if name != "__pycache__" && !name.starts_with('.') {
                        walk(&path, root, out);
                    }
                } else if name.ends_with(".py") {
                    let rel = path.strip_prefix(root).unwrap();
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut on_disk = vec!["requirements.txt".to_string()];
        walk(&root.join("studio_emulator"), &root, &mut on_disk);
        on_disk.sort();
        let mut in_binary: Vec<String> =
            EMULATOR_FILES.iter().map(|(p, _)| p.to_string()).collect();
        in_binary.sort();
        assert_eq!(in_binary, on_disk);
        for (path, contents) in EMULATOR_FILES {
            let disk = fs::read(root.join(path)).unwrap();
            assert!(
                disk == *contents,
                "the embedded {path} differs from the file: stale build"
            );
        }
    }

    #[test]
    fn sources_hash_changes_when_a_package_file_changes() {
        let before = hash_of(EMULATOR_FILES, DURATIONS);
        assert_eq!(before, sources_hash());
        let mut files: Vec<(&str, Vec<u8>)> = EMULATOR_FILES
            .iter()
            .map(|(p, c)| (*p, c.to_vec()))
            .collect();
        let server = files
            .iter_mut()
            .find(|(p, _)| *p == "studio_emulator/server.py")
            .expect("server.py is embedded");
        server.1.extend_from_slice(b"\n# one more line\n");
        let changed: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (*p, c.as_slice())).collect();
        assert_ne!(hash_of(&changed, DURATIONS), before);
        let renamed: Vec<(&str, &[u8])> = EMULATOR_FILES
            .iter()
            .map(|(p, c)| {
                (
                    if *p == "studio_emulator/seed.py" {
                        "studio_emulator/seeds.py"
                    } else {
                        *p
                    },
                    *c,
                )
            })
            .collect();
        assert_ne!(hash_of(&renamed, DURATIONS), before);
        assert_ne!(hash_of(EMULATOR_FILES, "{}"), before);
    }

    #[test]
    fn sources_unpack_with_the_durations_table_where_config_py_looks() {
        let dir = tempfile::tempdir().unwrap();
        // make sure the env override does not interfere
        if std::env::var_os(SRC_ENV).is_some() {
            return;
        }
        let pkg = prepare_sources(dir.path()).unwrap();
        assert!(pkg.join("studio_emulator/config.py").exists());
        assert!(pkg.join("../typical-durations.json").exists());
        // second call reuses
        assert_eq!(prepare_sources(dir.path()).unwrap(), pkg);
    }
}
