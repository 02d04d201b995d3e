//! Logging to a file in the data folder, never to the terminal (the full-screen UI owns it).
//! The file is owner-only (0600, in an owner-only folder) and every record goes through
//! [`crate::core::redact`] first: the sign-in URL, session tokens, access key ids and request
//! signatures never reach it, at any level.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::core::redact::redact;

/// Environment variable with a tracing filter that overrides `-v` (e.g. `studio_tui=debug`).
pub const LOG_ENV: &str = "STUDIO_TUI_LOG";

/// Send logs to `path` (appending). `verbosity` is the count of `-v` flags. Failing to open the
/// log file is not fatal: studio-tui then runs without a log and says so on stderr. With
/// `read_only`, no file is written unless a log was asked for (`-v` or `STUDIO_TUI_LOG`):
/// `--read-only` leaves every file alone.
pub fn init(path: &Path, verbosity: u8, read_only: bool) {
    let asked = verbosity > 0 || std::env::var_os(LOG_ENV).is_some_and(|v| !v.is_empty());
    if read_only && !asked {
        return;
    }
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
    match crate::config::append_private(path) {
        Ok(file) => {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(false)
                .with_writer(Mutex::new(Redacting(file)))
                .try_init();
        }
        Err(e) => eprintln!(
            "studio-tui: cannot open the log file {}: {e} (continuing without a log)",
            path.display()
        ),
    }
}

/// A writer that redacts each record before writing it: the fmt layer formats a whole record
/// and hands it over in one `write_all`.
struct Redacting<W: Write>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_redacted_on_their_way_to_the_file() {
        let mut w = Redacting(Vec::new());
        w.write_all(
            b"body {\"AuthorizedUrl\":\"https://d-1.studio.sagemaker.aws/auth?token=abc\"}\n",
        )
        .unwrap();
        let out = String::from_utf8(w.0).unwrap();
        assert!(!out.contains("token=abc"), "{out}");
        assert!(out.ends_with("<redacted>\"}\n"), "{out}");
    }
}
