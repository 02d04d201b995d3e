//! Owns the terminal: raw mode and the alternate screen on the way in, restored on the way out,
//! on panic (ratatui's hook, chained after ours) and on SIGTERM/SIGHUP (turned into actions).

use std::io::IsTerminal;

use ratatui::DefaultTerminal;

pub type Tui = DefaultTerminal;

/// Enter full-screen mode. Fails with a clear message when stdout is not a terminal.
pub fn enter() -> anyhow::Result<Tui> {
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("the wizard needs a terminal; use --plain or a subcommand (see --help)");
    }
    // ratatui::try_init installs a panic hook that restores the terminal before the panic
    // message is printed, then calls the previous hook.
    Ok(ratatui::try_init()?)
}

/// Leave full-screen mode. Safe to call more than once.
pub fn leave() {
    ratatui::restore();
}

/// Termination signals as a stream the event loop can select on.
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Resolves when SIGTERM or SIGHUP (terminal closed) arrives.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.hup.recv() => {},
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
