//! studio-tui binary: parse arguments, set up logging and the runtime, dispatch.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use studio_tui::aws::{self, SessionOptions};
use studio_tui::cli::{
    Cli, Command, GlobalOpts, OutputMode, ParamArgs, PreflightArgs, SandboxArgs, TemplateFormat,
};
use studio_tui::config::Paths;
use studio_tui::sandbox::{self, Emulator, EmulatorOptions};
use studio_tui::{commands, exit, logging, ops, plain, template, ui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !std::io::stdout().is_terminal() {
        quiet_broken_pipe();
    }
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            plain::say(format_args!("error: {e:#}"));
            exit::FAILED
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
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

fn run(cli: Cli) -> anyhow::Result<i32> {
    if let Some(Command::Completions { shell }) = &cli.command {
        let mut cmd = Cli::command();
        clap_complete::generate(*shell, &mut cmd, "studio-tui", &mut std::io::stdout());
        return Ok(exit::OK);
    }
    if let Some(Command::Man { dir }) = &cli.command {
        return write_man_pages(dir.as_deref());
    }
    if let Some(Command::Template { format, params }) = &cli.command {
        return run_template(&cli.global, *format, params);
    }
    let paths = Paths::discover()?;
    logging::init(&paths.log_file(), cli.global.verbose, cli.global.read_only);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "studio-tui starting");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(dispatch(cli, paths))
}

/// `studio-tui man [DIR]`: the manual generated from the clap definition, so it never
/// disagrees with `--help`. Release archives ship the pages written by `man DIR`
/// (`release/man`, kept current by `tests/release_assets.rs`).
fn write_man_pages(dir: Option<&std::path::Path>) -> anyhow::Result<i32> {
    use anyhow::Context as _;
    // As clap_mangen::generate_to does: no page for clap's `help` subcommand.
    let cmd = Cli::command().disable_help_subcommand(true);
    match dir {
        None => clap_mangen::Man::new(cmd)
            .render(&mut std::io::stdout())
            .context("cannot print the manual page")?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
        }
    }
    Ok(exit::OK)
}

/// Start the sandbox emulator for `--sandbox`, reporting progress on stderr.
fn start_sandbox(paths: &Paths, opts: EmulatorOptions) -> anyhow::Result<Emulator> {
    let mut progress = |line: &str| plain::say(format_args!("sandbox: {line}"));
    Ok(Emulator::start(&paths.cache_dir, &opts, &mut progress)?)
}

async fn dispatch(cli: Cli, paths: Paths) -> anyhow::Result<i32> {
    let g = &cli.global;
    // The saved answers and run state: `--sandbox` keeps its own, apart from real accounts.
    let state_paths = if g.sandbox {
        paths.for_sandbox()
    } else {
        paths.clone()
    };
    let mode = g.output_mode(std::io::stdout().is_terminal());
    let mut options = SessionOptions {
        profile: g.profile.clone(),
        region: g.region.clone(),
        endpoint_url: g.endpoint_url.clone(),
        fake_credentials: false,
        read_only: g.read_only,
    };

    if let Some(Command::Sandbox(args)) = &cli.command {
        return run_sandbox_command(&paths, args).await;
    }

    // `--sandbox`: a private emulator for this run, stopped when we return (the guard drops).
    let _sandbox_guard = if g.sandbox {
        let emu = start_sandbox(
            &paths,
            EmulatorOptions {
                port: 0,
                pace: sandbox::SANDBOX_PACE,
                seed_vpcs: !g.empty,
                log_file: Some(paths.data_dir.join("emulator.log")),
                ..EmulatorOptions::default()
            },
        )?;
        options.endpoint_url = Some(emu.endpoint.clone());
        options.fake_credentials = true;
        options.profile = None;
        options
            .region
            .get_or_insert_with(|| "us-east-1".to_string());
        Some(emu)
    } else {
        None
    };

    match &cli.command {
        None => {
            if mode != OutputMode::Tui {
                plain::say(
                    "error: the wizard needs a terminal; run a subcommand instead (see `studio-tui --help`)",
                );
                return Ok(exit::USAGE);
            }
            // A bad --config is refused before the terminal is taken over.
            let config = match load_config(g) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let profiles = aws::list_profiles().await;
            let store = studio_tui::state::Store::load_for(&state_paths, g.read_only)?;
            ui::run(ui::UiContext {
                config,
                options,
                sandbox: g.sandbox,
                profiles,
                store: Some(std::sync::Arc::new(std::sync::Mutex::new(store))),
            })
            .await
        }
        Some(Command::Whoami) => {
            let session = match aws::connect(&options).await {
                Ok(s) => s,
                Err(e) => {
                    plain::print_error(mode, &e.into());
                    return Ok(exit::FAILED);
                }
            };
            plain::print_session_warnings(&session);
            match session.identity().await {
                Ok(id) => {
                    plain::print_identity(mode, &session, &id);
                    Ok(exit::OK)
                }
                Err(e) => {
                    plain::print_error(mode, &e.into());
                    Ok(exit::FAILED)
                }
            }
        }
        Some(Command::Deploy(args)) => match command_context(options, mode, &state_paths, g).await?
        {
            Ok(ctx) => commands::deploy(&ctx, args).await,
            Err(code) => Ok(code),
        },
        Some(Command::Status(args)) => match command_context(options, mode, &state_paths, g).await?
        {
            Ok(ctx) => commands::status(&ctx, args).await,
            Err(code) => Ok(code),
        },
        Some(Command::Firewall(cmd)) => {
            match command_context(options, mode, &state_paths, g).await? {
                Ok(ctx) => commands::firewall::firewall(&ctx, cmd).await,
                Err(code) => Ok(code),
            }
        }
        Some(Command::Drift(args)) => {
            match command_context(options, mode, &state_paths, g).await? {
                Ok(ctx) => commands::drift::drift(&ctx, args).await,
                Err(code) => Ok(code),
            }
        }
        Some(Command::Events(args)) => match command_context(options, mode, &state_paths, g).await?
        {
            Ok(ctx) => commands::events(&ctx, args).await,
            Err(code) => Ok(code),
        },
        Some(Command::Up(args)) => match command_context(options, mode, &state_paths, g).await? {
            Ok(ctx) => commands::up::up(&ctx, args).await,
            Err(code) => Ok(code),
        },
        Some(Command::Users(args)) => {
            match command_context(options, mode, &state_paths, g).await? {
                Ok(ctx) => Ok(commands::users::users(&ctx, args).await),
                Err(code) => Ok(code),
            }
        }
        Some(Command::Destroy(args)) => {
            if !args.yes && !g.read_only && !std::io::stdin().is_terminal() {
                plain::say(format_args!(
                    "error: destroy deletes the whole project and needs confirmation; there is \
                     no terminal to ask on, so pass --yes to confirm non-interactively"
                ));
                return Ok(exit::USAGE);
            }
            match command_context(options, mode, &state_paths, g).await? {
                Ok(ctx) => Ok(commands::destroy::destroy(&ctx, args).await),
                Err(code) => Ok(code),
            }
        }
        Some(Command::Preflight(args)) => {
            run_preflight(g, mode, &options, &state_paths, args).await
        }
        Some(Command::Topology(args)) => {
            match command_context(options, mode, &state_paths, g).await? {
                Ok(ctx) => commands::topology(&ctx, args).await,
                Err(code) => Ok(code),
            }
        }
        Some(Command::Sandbox(_))
        | Some(Command::Completions { .. })
        | Some(Command::Man { .. })
        | Some(Command::Template { .. }) => Ok(exit::OK),
    }
}

/// `--config FILE`, read and checked; Err(exit code 2) after printing why it cannot be used.
fn load_config(g: &GlobalOpts) -> Result<Option<ops::params::ConfigFile>, i32> {
    match &g.config {
        Some(path) => ops::params::read_config(path).map(Some).map_err(|e| {
            plain::say(format_args!(
                "error: {}",
                studio_tui::core::shown::Shown(&e.to_string())
            ));
            exit::USAGE
        }),
        None => Ok(None),
    }
}

/// Connect and load state for a command; Err(exit code) after printing why it cannot run.
async fn command_context(
    options: SessionOptions,
    mode: OutputMode,
    paths: &Paths,
    g: &studio_tui::cli::GlobalOpts,
) -> anyhow::Result<Result<commands::CommandContext, i32>> {
    let config = match load_config(g) {
        Ok(c) => c,
        Err(code) => return Ok(Err(code)),
    };
    let session = match aws::connect(&options).await {
        Ok(s) => s,
        Err(e) => {
            plain::print_error(mode, &e.into());
            return Ok(Err(exit::FAILED));
        }
    };
    plain::print_session_warnings(&session);
    Ok(Ok(commands::CommandContext::new(
        session, mode, paths, config,
    )?))
}

/// `studio-tui preflight`: resolve the parameters (saved < --config < flags), run every check,
/// print a checklist (or one JSON document). Input problems are findings, so exit 1, not 2.
async fn run_preflight(
    g: &GlobalOpts,
    mode: OutputMode,
    options: &SessionOptions,
    paths: &Paths,
    args: &PreflightArgs,
) -> anyhow::Result<i32> {
    let flags = args.params.overrides();
    let request = ops::preflight::Standalone {
        options,
        config: g.config.as_deref(),
        paths,
        flags: &flags,
        users: args.users,
        all_regions: args.all_regions,
    };
    let result = plain::drain(
        |tx| ops::preflight::standalone(request, tx),
        |m| plain::preflight::print_standalone(mode, m),
    )
    .await;
    plain::preflight::print_result(mode, &result);
    Ok(match result {
        Ok(report) if report.ok() => exit::OK,
        _ => exit::FAILED,
    })
}

async fn run_sandbox_command(paths: &Paths, args: &SandboxArgs) -> anyhow::Result<i32> {
    let opts = EmulatorOptions {
        port: args.port,
        pace: args.pace,
        faults: args.faults.clone(),
        seed_vpcs: args.seed_vpcs,
        log_file: Some(paths.data_dir.join("emulator.log")),
    };
    let paths2 = paths.clone();
    let mut emu = tokio::task::spawn_blocking(move || start_sandbox(&paths2, opts)).await??;
    plain::print_sandbox(args, &emu.endpoint, &paths.data_dir.join("emulator.log"));

    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut watch = tokio::time::interval(std::time::Duration::from_secs(1));
    let code = loop {
        #[cfg(unix)]
        let term_fut = term.recv();
        #[cfg(not(unix))]
        let term_fut = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break exit::OK,
            _ = term_fut => break exit::OK,
            _ = watch.tick() => {
                if !emu.is_running() {
                    plain::say("error: the emulator stopped unexpectedly; see its log");
                    break exit::FAILED;
                }
            }
        }
    };
    plain::say("stopping the emulator…");
    tokio::task::spawn_blocking(move || emu.stop()).await?;
    plain::say("stopped");
    Ok(code)
}

/// `studio-tui template`: print it, after checking any parameters given against it offline.
fn run_template(
    global: &studio_tui::cli::GlobalOpts,
    format: TemplateFormat,
    params: &ParamArgs,
) -> anyhow::Result<i32> {
    let config = match load_config(global) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let overrides = params.overrides();
    if config.is_some() || !overrides.is_empty() {
        let resolved = ops::params::resolve(None, config.as_ref(), &overrides);
        let sent = resolved.to_cfn_parameters();
        let findings = template::embedded().check_parameters(&sent);
        if !findings.is_empty() {
            for f in &findings {
                plain::say(format_args!("error: {}\n  fix: {}", f.message, f.fix));
            }
            return Ok(exit::FAILED);
        }
    }
    let text = match format {
        TemplateFormat::Yaml => template::TEMPLATE_YAML.to_string(),
        TemplateFormat::Json => format!(
            "{}\n",
            template::to_json(template::TEMPLATE_YAML).map_err(anyhow::Error::msg)?
        ),
    };
    plain::print_raw(&text);
    Ok(exit::OK)
}
