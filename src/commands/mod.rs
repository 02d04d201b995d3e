//! The non-interactive commands (`deploy`, `status`, `events`, ...): they parse, run the same
//! `ops` workflows as the wizard and print them with `crate::plain`.

pub mod destroy;
pub mod drift;
pub mod firewall;
pub mod guided;
pub mod up;
pub mod users;

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use crate::aws::Session;
use crate::cli::{OutputMode, ProjectArgs};
use crate::config::Paths;
use crate::core::finding::{Finding, Severity};
use crate::core::params::Parameters;
use crate::exit;
use crate::ops::deploy::{DeployOutcome, SharedStore};
use crate::ops::params::ConfigFile;
use crate::state::Store;
use crate::{plain, template};

mod deploy;
mod status;

pub use deploy::deploy;
pub(crate) use deploy::{answers, deploy_with, run_deploy, save_answers};
pub use status::{events, status, topology};

/// What every command needs.
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
            .unwrap_or_else(|| Parameters::default().project_name)
    }

    /// The parameters (defaults < the answers saved for the project < `--config` < flags) and
    /// the users (`--config`'s, else the saved ones): [`crate::ops::params::resolve_answers`].
    /// Not validated.
    pub fn resolve_answers(&self, args: &crate::cli::ParamArgs) -> (Parameters, Vec<String>) {
        let store = self.store.lock().ok();
        crate::ops::params::resolve_answers(
            store.as_deref(),
            &self.session.region,
            self.config.as_ref(),
            &args.overrides(),
        )
    }
}

/// Put back the bucket policies a stopped teardown of this project left open (each one only
/// while it still holds studio-tui's exemption), saying so on stderr. Every command that
/// touches a project calls this first; under `--read-only` it only says what is left open.
pub(crate) async fn repair_fences(ctx: &CommandContext, project: &str) {
    for r in crate::ops::fence::restore_open_fences(&ctx.session, &ctx.store, project).await {
        plain::say(format_args!("note: {}", r.line()));
    }
}

/// Execute a reviewed change set, printing its events as they come.
pub(crate) async fn execute_streamed(
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

/// Check the parameters with the form's rules, then the template's: exit code 2 with the
/// messages when one is invalid.
fn checked(params: Parameters) -> Result<Parameters, i32> {
    let mut findings: Vec<Finding> = params
        .validate(0)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if findings.is_empty() {
        findings = template::embedded().check_parameters(&params.to_cfn_parameters());
    }
    if !findings.is_empty() {
        plain::print_findings(&findings);
        plain::say("Nothing was deployed. Fix the values above and run the command again.");
        return Err(exit::USAGE);
    }
    Ok(params)
}
