//! studio-tui binary: parse the arguments, then run the full-screen wizard (`ui`) or one
//! subcommand (`commands`, one file each).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Parser;

use studio_tui::cli::{Cli, OutputMode};
use studio_tui::commands::{self, Invocation};
use studio_tui::state::Store;
use studio_tui::{aws, exit, plain, ui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !std::io::stdout().is_terminal() {
        quiet_broken_pipe();
    }
    let code = commands::exit_code(run(cli));
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    let Cli { global, command } = cli;
    let (runtime, paths) = commands::setup(&global, command.as_ref())?;
    runtime.block_on(async move {
        let inv = Invocation::start(global, paths, command.as_ref())?;
        match &command {
            None => wizard(&inv).await,
            Some(command) => commands::dispatch(&inv, command).await,
        }
    })
}

/// `studio-tui` without a subcommand: the full-screen wizard.
async fn wizard(inv: &Invocation) -> anyhow::Result<i32> {
    if inv.mode != OutputMode::Tui {
        plain::say(
            "error: the wizard needs a terminal; run a subcommand instead (see `studio-tui --help`)",
        );
        return Ok(exit::USAGE);
    }
    // A bad --config is refused before the terminal is taken over.
    let config = inv.config()?;
    let profiles = aws::list_profiles().await;
    let store = Store::load_for(&inv.state_paths()?, inv.global.read_only)?;
    ui::run(ui::UiContext {
        config,
        options: inv.options.clone(),
        sandbox: inv.global.sandbox,
        profiles,
        store: Some(Arc::new(Mutex::new(store))),
    })
    .await
}

/// `studio-tui status --json | head` must end quietly when `head` closes the pipe, as other
/// command-line tools do, instead of panicking in `println!` ("failed printing to stdout").
/// Rust ignores SIGPIPE by default; put the default action back for a piped stdout. Sockets are
/// unaffected: the standard library sends with MSG_NOSIGNAL.
#[cfg(unix)]
#[allow(unsafe_code, reason = "libc::signal has no safe wrapper in std")]
fn quiet_broken_pipe() {
    // SAFETY: called first thing in main, before any thread exists; setting a signal's
    // disposition to SIG_DFL has no other precondition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn quiet_broken_pipe() {}
