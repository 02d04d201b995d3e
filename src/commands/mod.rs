//! The commands: one file per subcommand, each `run(&Invocation, &Args) -> anyhow::Result<i32>`
//! (the exit code), dispatched from [`dispatch`]. They run the same `ops` workflows as the wizard and
//! print them with `crate::plain`. What several commands share lives here: the invocation (the
//! global flags, the session, the saved state), the confirmations, the project and stack
//! lookup, the saved answers and the deploy pipeline on the terminal.

mod apps;
mod completions;
mod cost;
mod deploy;
mod destroy;
mod drift;
mod events;
mod firewall;
mod fleet;
mod man;
mod preflight;
mod sandbox;
mod status;
mod template;
mod topology;
mod up;
mod users;
mod whoami;

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use crate::aws::{self, Session, SessionOptions};
use crate::cli::DeployArgs;
use crate::cli::{Command, GlobalOpts, OutputMode, ProjectArgs};
use crate::config::Paths;
use crate::core::params::{Parameters, ParamsDraft};
use crate::core::shown::Shown;
use crate::ops::deploy::{self as deploy_ops, DeployOutcome, Settled};
use crate::ops::params::ConfigFile;
use crate::ops::up::Start;
use crate::plain::deploy::print_msg;
use crate::sandbox::{Emulator, EmulatorOptions};
use crate::state::{SharedStore, Store};
use crate::{exit, logging, ops, plain, sandbox as emulator};

/// What every invocation needs before it runs: the saved-state folders and the log (not for
/// the commands that print what the binary holds: they keep no state and write no log), and
/// the async runtime.
pub fn setup(
    global: &GlobalOpts,
    command: Option<&Command>,
) -> anyhow::Result<(tokio::runtime::Runtime, Option<Paths>)> {
    let paths = match command {
        Some(c) if c.is_offline() => None,
        _ => {
            let paths = Paths::discover()?;
            logging::init(&paths.log_file(), global.verbose, global.read_only);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "studio-tui starting");
            Some(paths)
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok((runtime, paths))
}

/// Run one subcommand: its exit code, or an error to print (exit 1).
pub async fn dispatch(inv: &Invocation, command: &Command) -> anyhow::Result<i32> {
    match command {
        Command::Whoami => whoami::run(inv, &()).await,
        Command::Sandbox(args) => sandbox::run(inv, args).await,
        Command::Deploy(args) => deploy::run(inv, args).await,
        Command::Status(args) => status::run(inv, args).await,
        Command::Events(args) => events::run(inv, args).await,
        Command::Firewall(args) => firewall::run(inv, args).await,
        Command::Drift(args) => drift::run(inv, args).await,
        Command::Topology(args) => topology::run(inv, args).await,
        Command::Template(args) => template::run(inv, args).await,
        Command::Preflight(args) => preflight::run(inv, args).await,
        Command::Up(args) => up::run(inv, args).await,
        Command::Users(args) => users::run(inv, args).await,
        Command::Cost(args) => cost::run(inv, args).await,
        Command::Apps(args) => apps::run(inv, args).await,
        Command::Fleet(args) => fleet::run(inv, args).await,
        Command::Destroy(args) => destroy::run(inv, args).await,
        Command::Completions(args) => completions::run(inv, args).await,
        Command::Man(args) => man::run(inv, args).await,
    }
}

/// An exit code whose reason was already printed: returned as an error so that a command can
/// stop with `?`; [`exit_code`] turns it back into the code without printing anything more.
#[derive(Debug)]
pub struct Exit(pub i32);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit code {}", self.0)
    }
}

impl std::error::Error for Exit {}

/// The exit code for what a command returned, printing an error that was not printed yet.
pub fn exit_code(result: anyhow::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(e) => match e.downcast_ref::<Exit>() {
            Some(Exit(code)) => *code,
            None => {
                plain::say(format_args!("error: {e:#}"));
                exit::FAILED
            }
        },
    }
}

/// One run of the binary: the global flags, where its files are, and the session options
/// (pointed at a private emulator for `--sandbox`, which stops when the invocation is dropped).
pub struct Invocation {
    pub global: GlobalOpts,
    pub mode: OutputMode,
    pub options: SessionOptions,
    paths: Option<Paths>,
    _sandbox: Option<Emulator>,
}

impl Invocation {
    pub fn start(
        global: GlobalOpts,
        paths: Option<Paths>,
        command: Option<&Command>,
    ) -> anyhow::Result<Invocation> {
        let mode = global.output_mode(std::io::stdout().is_terminal());
        let mut options = SessionOptions {
            profile: global.profile.clone(),
            region: global.region.clone(),
            endpoint_url: global.endpoint_url.clone(),
            fake_credentials: false,
            read_only: global.read_only,
        };
        // `--sandbox`: a private emulator for this run (not for `sandbox` itself, which runs
        // one of its own, nor for the commands that make no AWS call).
        let wants_emulator = !matches!(command, Some(Command::Sandbox(_)))
            && !command.is_some_and(Command::is_offline);
        let emulator = match &paths {
            Some(paths) if global.sandbox && wants_emulator => {
                let emu = start_sandbox(
                    paths,
                    EmulatorOptions {
                        port: 0,
                        pace: emulator::SANDBOX_PACE,
                        seed_vpcs: !global.empty,
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
            }
            _ => None,
        };
        Ok(Invocation {
            global,
            mode,
            options,
            paths,
            _sandbox: emulator,
        })
    }

    /// Where studio-tui keeps its files (absent for the offline commands).
    pub fn paths(&self) -> anyhow::Result<&Paths> {
        self.paths
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("this command keeps no files"))
    }

    /// Where the saved answers and run state are: `--sandbox` keeps its own, apart from real
    /// accounts.
    pub fn state_paths(&self) -> anyhow::Result<Paths> {
        let paths = self.paths()?;
        Ok(if self.global.sandbox {
            paths.for_sandbox()
        } else {
            paths.clone()
        })
    }

    /// `--config FILE`, read and checked; [`Exit`] 2 after printing why it cannot be used.
    pub fn config(&self) -> anyhow::Result<Option<ConfigFile>> {
        match &self.global.config {
            Some(path) => match ops::params::read_config(path) {
                Ok(c) => Ok(Some(c)),
                Err(e) => {
                    plain::say(format_args!("error: {}", Shown(&e.to_string())));
                    Err(Exit(exit::USAGE).into())
                }
            },
            None => Ok(None),
        }
    }

    /// The AWS session, its warnings printed; [`Exit`] 1 after printing why it cannot connect.
    pub async fn connect(&self) -> anyhow::Result<Session> {
        match aws::connect(&self.options).await {
            Ok(session) => {
                plain::print_session_warnings(&session);
                Ok(session)
            }
            Err(e) => {
                plain::print_error(self.mode, &e.into());
                Err(Exit(exit::FAILED).into())
            }
        }
    }

    /// What a command about the project needs: `--config`, the session and the saved state.
    pub async fn context(&self) -> anyhow::Result<CommandContext> {
        let config = self.config()?;
        let session = self.connect().await?;
        CommandContext::new(session, self.mode, &self.state_paths()?, config)
    }
}

/// Start the sandbox emulator, reporting progress on stderr.
fn start_sandbox(paths: &Paths, opts: EmulatorOptions) -> anyhow::Result<Emulator> {
    let mut progress = |line: &str| plain::say(format_args!("sandbox: {line}"));
    Ok(Emulator::start(&paths.cache_dir, &opts, &mut progress)?)
}

/// What every command about the project needs.
pub struct CommandContext {
    pub session: Session,
    pub mode: OutputMode,
    pub store: SharedStore,
    pub config: Option<ConfigFile>,
}

impl CommandContext {
    pub fn new(
        session: Session,
        mode: OutputMode,
        paths: &Paths,
        config: Option<ConfigFile>,
    ) -> anyhow::Result<Self> {
        let store = Store::load_for(paths, session.read_only)?;
        for p in &store.problems {
            plain::say(format_args!("warning: {p}"));
        }
        Ok(CommandContext {
            session,
            mode,
            store: Arc::new(Mutex::new(store)),
            config,
        })
    }

    /// The project a command is about: --project-name, else the last one used here, else the
    /// config file's, else the seed default.
    pub fn project_name(&self, args: &ProjectArgs) -> String {
        if let Some(p) = &args.project_name {
            return p.clone();
        }
        if let Some((_, name)) = self.config.as_ref().and_then(|c| {
            c.overrides
                .iter()
                .find(|(f, _)| *f == crate::core::field::Field::ProjectName)
        }) {
            return name.clone();
        }
        self.store
            .lock()
            .ok()
            .and_then(|s| s.answers.last_project.get(&self.session.region).cloned())
            .unwrap_or_else(|| ParamsDraft::default().project_name)
    }

    /// The parameters (defaults < the answers saved for the project < `--config` < flags) and
    /// the users (`--config`'s, else the saved ones): [`crate::ops::params::resolve_answers`].
    /// Not validated.
    pub fn resolve_answers(&self, args: &crate::cli::ParamArgs) -> (ParamsDraft, Vec<String>) {
        let store = self.store.lock().ok();
        crate::ops::params::resolve_answers(
            store.as_deref(),
            &self.session.region,
            self.config.as_ref(),
            &args.overrides(),
        )
    }
}

/// Typed and yes/no confirmations, the project and stack lookup, exit codes for errors.
/// The project (`--project-name`, else `--config`'s, else the last one used here, else the
/// default) and the stack name saved for it (else the project name).
fn project_and_stack(ctx: &CommandContext, flag: Option<&str>) -> (String, String) {
    let project = ctx.project_name(&ProjectArgs {
        project_name: flag.map(str::to_string),
    });
    let stack = ctx
        .store
        .lock()
        .ok()
        .and_then(|s| {
            s.run(&ctx.session.region, &project)
                .map(|r| r.stack_name.clone())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| project.clone());
    (project, stack)
}

fn code_for(e: &ops::Error) -> i32 {
    if e.is_refusal() {
        exit::USAGE
    } else if e.is_interruption() {
        exit::INTERRUPTED
    } else {
        exit::FAILED
    }
}

fn fail(mode: OutputMode, e: &ops::Error) -> i32 {
    plain::print_error(mode, e);
    code_for(e)
}

/// Typed confirmation: `--yes`, or the exact text typed on a terminal. Without a terminal and
/// without `--yes`, exit 2 with a message (Err carries the exit code).
fn confirm_typed(expected: &str, what: &str, yes: bool) -> Result<bool, i32> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        plain::say(format_args!(
            "error: {what} needs confirmation and there is no terminal to ask on; pass --yes to \
             confirm non-interactively"
        ));
        return Err(exit::USAGE);
    }
    let answer = inquire::Text::new(&format!("Type `{expected}` to confirm {what}:"))
        .prompt()
        .map_err(|_| exit::USAGE)?;
    if answer.trim() == expected {
        Ok(true)
    } else {
        plain::say(format_args!(
            "confirmation did not match `{}`: nothing was changed",
            crate::core::shown::Shown(expected)
        ));
        Ok(false)
    }
}

/// Put back the bucket policies a stopped teardown of this project left open (each one only
/// while it still holds studio-tui's exemption), saying so on stderr. Every command that
/// touches a project calls this first; under `--read-only` it only says what is left open.
async fn repair_fences(ctx: &CommandContext, project: &str) {
    for r in crate::ops::fence::restore_open_fences(&ctx.session, &ctx.store, project).await {
        plain::say(format_args!("note: {}", r.line()));
    }
}

/// Execute a reviewed change set, printing its events as they come.
async fn execute_streamed(
    ctx: &CommandContext,
    review: crate::ops::deploy::Review,
) -> Result<DeployOutcome, crate::ops::Error> {
    let (session, store, mode) = (&ctx.session, &ctx.store, ctx.mode);
    plain::drain(
        |tx| async move { crate::ops::deploy::execute(session, store, &review, &tx).await },
        |m| plain::deploy::print_msg(mode, m),
    )
    .await
}

fn confirm(question: &str, yes: bool) -> Result<bool, i32> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        plain::say(format_args!(
            "error: {question} needs confirmation; pass --yes to run without a terminal"
        ));
        return Err(exit::USAGE);
    }
    match inquire::Confirm::new(question).with_default(false).prompt() {
        Ok(answer) => Ok(answer),
        Err(_) => Ok(false),
    }
}

/// Check the parameters with the form's rules, then the template's
/// (`ops::params::validated`): exit code 2 with the messages when one is invalid.
fn checked(draft: &ParamsDraft) -> Result<Parameters, i32> {
    crate::ops::params::validated(draft, 0).map_err(|findings| {
        plain::print_findings(&findings);
        plain::say("Nothing was deployed. Fix the values above and run the command again.");
        exit::USAGE
    })
}

fn save_answers(ctx: &CommandContext, params: &Parameters, users: &[String]) {
    if let Ok(mut s) = ctx.store.lock()
        && let Err(e) = s.save_answers(&ctx.session.region, &params.draft(), users)
    {
        plain::say(format_args!("warning: could not save your answers: {e}"));
    }
}

/// The parameters and users a command works with: saved < --config < flags, then, with
/// `--guided`, whatever the user answers to the prompts. A stack that exists keeps the value of
/// every parameter neither a flag nor the config file sets (`ops::params::with_deployed`; the
/// prompts of `--guided` start from them). Err(exit code) on invalid input (checked before any
/// AWS call) or when the deployed stack cannot be read. Also the deployed parameters read, the
/// plan's basis (`ops::deploy::plan` refuses when the stack changed since).
async fn answers(
    ctx: &CommandContext,
    args: &crate::cli::ParamArgs,
    guided: bool,
    users_flag: Option<&[String]>,
) -> Result<(Parameters, Vec<String>, Option<Basis>), i32> {
    let (initial, known_users) = ctx.resolve_answers(args);
    let users: Vec<String> = match users_flag {
        Some(u) => u.iter().map(|s| s.trim().to_string()).collect(),
        None => known_users,
    };
    // The users, from a flag, `--config` or the saved answers, are checked with the same rule
    // before anything is saved: a bad name is refused, never kept as a default.
    if !users.is_empty()
        && let Err(e) = crate::ops::studio::validate_user_names(users.iter().map(String::as_str))
    {
        plain::say(format_args!(
            "error: {}",
            crate::core::shown::Shown(e.message())
        ));
        if let Some(fix) = e.fix() {
            plain::say(format_args!("  fix: {}", crate::core::shown::Shown(fix)));
        }
        plain::say("Nothing was changed or saved. Fix the names and run the command again.");
        return Err(exit::USAGE);
    }
    if !guided {
        checked(&initial)?;
    }
    let explicit = crate::ops::params::explicit_fields(ctx.config.as_ref(), &args.overrides());
    let (initial, basis) =
        match crate::ops::params::with_deployed_basis(&ctx.session, initial, &explicit).await {
            Ok(p) => p,
            Err(e) => {
                crate::plain::print_error(ctx.mode, &e);
                plain::say(
                    "The deployed stack's parameters could not be read, so nothing was deployed \
                 (its values are kept unless a flag or --config sets them).",
                );
                return Err(exit::FAILED);
            }
        };
    if !guided {
        return Ok((checked(&initial)?, users, basis));
    }
    let (draft, users) = plain::guided::ask(&initial, &users)?;
    // The prompts took the form's rules; the same path adds the template's constraints.
    match crate::ops::params::validated(&draft, 0) {
        Ok(params) => Ok((params, users, basis)),
        Err(findings) => {
            plain::print_findings(&findings);
            Err(exit::USAGE)
        }
    }
}

/// The deployed parameters a run's parameters were made from.
pub(crate) type Basis = std::collections::BTreeMap<String, String>;

/// Plan, review and execute with these (checked) parameters, made from the deployed
/// parameters `basis`.
async fn deploy_with(
    ctx: &CommandContext,
    args: &DeployArgs,
    params: &Parameters,
    basis: Option<&Basis>,
) -> anyhow::Result<i32> {
    Ok(run_deploy(ctx, args, params, basis, None).await?.code)
}

/// What the deploy policy ended with: the exit code for the stack, and the Studio half when it
/// ran overlapped with a first create (`up`).
struct Deployed {
    pub code: i32,
    pub overlapped: Option<crate::ops::up::Overlapped>,
}

impl From<i32> for Deployed {
    fn from(code: i32) -> Deployed {
        Deployed {
            code,
            overlapped: None,
        }
    }
}

/// The deploy policy (`ops::deploy_ops::settle`) on the terminal: its progress printed, the change
/// set it leaves confirmed and executed; with `studio` a first create builds the Studio domain
/// and users while the stack is still being created (`ops::up`).
async fn run_deploy(
    ctx: &CommandContext,
    args: &DeployArgs,
    params: &Parameters,
    basis: Option<&Basis>,
    studio: Option<&crate::ops::up::StudioPlan>,
) -> anyhow::Result<Deployed> {
    if let Err(e) = crate::ops::studio::refuse_read_only(&ctx.session, "deploying the stack") {
        crate::plain::print_error(ctx.mode, &e);
        plain::say(format_args!(
            "Read-only: `studio-tui preflight` and `studio-tui status` show what is there; \
             nothing was changed."
        ));
        return Ok(exit::FAILED.into());
    }
    let mode = ctx.mode;
    let allow = deploy_ops::Allow {
        recreate: args.recreate,
        continue_rollback: args.continue_rollback,
    };
    let (session, store) = (&ctx.session, &ctx.store);
    let settled = plain::drain(
        |tx| async move { deploy_ops::settle(session, store, params, basis, allow, &tx).await },
        |m| print_msg(mode, m),
    )
    .await;
    let settled = match settled {
        Ok(s) => s,
        Err(e) => {
            crate::plain::print_error(mode, &e);
            return Ok(exit::FAILED.into());
        }
    };
    // What the policy stopped at, printed; then what the command does about it.
    plain::deploy::print_settled(mode, &settled);
    let outcome = match settled {
        Settled::UpToDate(_) | Settled::NoChanges(_) => return Ok(exit::OK.into()),
        Settled::Refused { .. } | Settled::ChangeSetFailed(_) => return Ok(exit::FAILED.into()),
        Settled::Busy(stack) => {
            if let Some(plan) = studio {
                return overlapped(ctx, Start::Reattach(Box::new(stack)), plan).await;
            }
            plain::drain(
                |tx| async move { deploy_ops::reattach(session, store, &stack, &tx).await },
                |m| print_msg(mode, m),
            )
            .await
        }
        Settled::RecoveryFailed(outcome) => Ok(*outcome),
        Settled::Ready(review) => {
            print_review_cost(ctx, &review).await;
            match confirm("Execute this change set?", args.yes) {
                Ok(true) => {}
                Ok(false) => {
                    deploy_ops::cancel(&ctx.session, &ctx.store, &review).await?;
                    plain::say("Cancelled; the change set was deleted.");
                    return Ok(exit::OK.into());
                }
                Err(code) => {
                    let _ = deploy_ops::cancel(&ctx.session, &ctx.store, &review).await;
                    return Ok(code.into());
                }
            }
            if let Some(plan) = studio {
                return overlapped(ctx, Start::Execute(review), plan).await;
            }
            execute_streamed(ctx, *review).await
        }
    };
    match outcome {
        Ok(o) if o.ok => Ok(exit::OK.into()),
        Ok(_) => Ok(exit::FAILED.into()),
        Err(e) => {
            crate::plain::print_error(mode, &e);
            Ok(exit::FAILED.into())
        }
    }
}

/// The change set's monthly cost, after its review and before the question (`deploy`, `up`).
async fn print_review_cost(ctx: &CommandContext, review: &crate::ops::deploy::Review) {
    let cache = ctx.store.lock().ok().map(|s| s.paths.cache_dir.clone());
    let create = review.kind == crate::aws::stacks::ChangeSetKind::Create;
    let cost = crate::ops::cost::review_cost(
        &ctx.session,
        cache.as_deref(),
        create,
        &crate::ops::cost::resource_changes(&review.change_set.changes),
        &crate::core::cost::Footprint::STUDIO_ENVIRONMENT,
    )
    .await;
    plain::cost::print_review_cost(ctx.mode, &cost);
}

/// Run the stack operation through `ops::up::run` (the Studio half overlapped with a first
/// create), printing both progress streams as they come.
async fn overlapped(
    ctx: &CommandContext,
    start: Start,
    plan: &crate::ops::up::StudioPlan,
) -> anyhow::Result<Deployed> {
    let (session, store, mode) = (&ctx.session, &ctx.store, ctx.mode);
    let result = plain::studio::drain_overlapped(mode, &plan.users, |dtx, stx| async move {
        crate::ops::up::run(session, store, start, plan, &dtx, &stx).await
    })
    .await;
    match result {
        Ok(crate::ops::up::Run::Stack(o)) => Ok(if o.ok { exit::OK } else { exit::FAILED }.into()),
        Ok(crate::ops::up::Run::Overlapped(ov)) => Ok(Deployed {
            code: if ov.stack.ok { exit::OK } else { exit::FAILED },
            overlapped: Some(*ov),
        }),
        Err(e) => {
            crate::plain::print_error(mode, &e);
            Ok(exit::FAILED.into())
        }
    }
}
