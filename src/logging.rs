//! Logging to a file in the data folder, never to the terminal (the full-screen UI owns it).

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Environment variable with a tracing filter that overrides `-v` (e.g. `studio_tui=debug`).
pub const LOG_ENV: &str = "STUDIO_TUI_LOG";

/// Send logs to `path` (appending). `verbosity` is the count of `-v` flags. Failing to open the
/// log file is not fatal: studio-tui then runs without a log and says so on stderr.
pub fn init(path: &Path, verbosity: u8) {
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| {
        // The SDK is chatty at debug; keep it one step quieter than our own code.
        let sdk = if verbosity >= 3 { "debug" } else { "warn" };
        EnvFilter::new(format!(
            "{level},aws_config={sdk},aws_smithy_runtime={sdk},hyper={sdk}"
        ))
    });
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match OpenOptions::new().create(true).append(true).open(path) {
        Ok(file) => {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(false)
                .with_writer(Mutex::new(file))
                .try_init();
        }
        Err(e) => eprintln!(
            "studio-tui: cannot open the log file {}: {e} (continuing without a log)",
            path.display()
        ),
    }
}
