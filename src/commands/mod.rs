//! The non-interactive commands (`deploy`, `status`, `events`): the same operations as the
//! wizard, printed line by line or as JSON.

pub mod destroy;
pub mod drift;
pub mod firewall;
pub mod guided;
pub mod up;
pub mod users;

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::mpsc;

use crate::aws::Session;
use crate::cli::{OutputMode, ProjectArgs};
use crate::config::Paths;
use crate::core::finding::{Finding, Severity};
use crate::core::params::Parameters;
use crate::core::progress::StackEvent;
use crate::exit;
use crate::ops::deploy::{DeployMsg, DeployOutcome, SharedStore};
use crate::ops::params::ConfigFile;
use crate::state::Store;
use crate::template;

mod deploy;
mod status;

pub use deploy::deploy;
pub(crate) use deploy::{
    answers, deploy_with, print_change_set_failure, print_review, run_deploy, save_answers,
};
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
        let store = Store::load(paths)?;
        for p in &store.problems {
            eprintln!("warning: {p}");
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

fn print_findings(findings: &[Finding]) {
    for f in findings {
        let tag = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        eprintln!("{tag}: {} [{}]\n  fix: {}", f.message, f.code, f.fix);
    }
}

/// One line per event, CDK-events style.
pub fn event_line(e: &StackEvent) -> String {
    let mut line = format!(
        "{}  {:<28} {:<40} {}",
        crate::core::clock::hms(e.timestamp_ms),
        e.status,
        e.resource_type,
        e.logical_id
    );
    if let Some(r) = &e.reason
        && !r.is_empty()
    {
        line.push_str("  ");
        line.push_str(r);
    }
    line
}

/// Print one deploy message in the chosen mode.
pub(crate) fn print_msg(mode: OutputMode, msg: &DeployMsg) {
    if mode == OutputMode::Json {
        // One JSON object per line; the final outcome without the events it repeats.
        let line = match msg {
            DeployMsg::Events { events } => {
                for e in events {
                    #[derive(Serialize)]
                    struct Ev<'a> {
                        r#type: &'static str,
                        #[serde(flatten)]
                        event: &'a StackEvent,
                    }
                    println!(
                        "{}",
                        serde_json::to_string(&Ev {
                            r#type: "event",
                            event: e
                        })
                        .unwrap_or_default()
                    );
                }
                return;
            }
            DeployMsg::Finished { outcome } => {
                let mut o = (**outcome).clone();
                o.events.clear();
                serde_json::to_string(&DeployMsg::Finished {
                    outcome: Box::new(o),
                })
            }
            other => serde_json::to_string(other),
        };
        println!("{}", line.unwrap_or_default());
        return;
    }
    match msg {
        DeployMsg::Phase { text } => eprintln!("{text}…"),
        DeployMsg::Started {
            operation,
            stack_id,
            expected,
            ..
        } => eprintln!(
            "Watching {operation} of {stack_id} ({} resources)",
            expected.len()
        ),
        DeployMsg::Events { events } => {
            for e in events {
                println!("{}", event_line(e));
            }
        }
        DeployMsg::Retrying { after_secs, reason } => {
            eprintln!("AWS did not answer ({reason}); retrying in {after_secs}s")
        }
        DeployMsg::Finished { outcome } => print_outcome(outcome),
    }
}

fn print_outcome(o: &DeployOutcome) {
    println!();
    println!("Stack {}: {}", o.stack_id, o.status);
    if let Some(root) = &o.root_cause {
        println!(
            "Root cause: {} ({}) {}: {}",
            root.logical_id,
            root.resource_type,
            root.status,
            root.reason.as_deref().unwrap_or("no reason given")
        );
        let others: Vec<_> = o
            .failures
            .iter()
            .filter(|f| f.event_id != root.event_id)
            .collect();
        if !others.is_empty() {
            println!("Other failures:");
            for f in others {
                println!(
                    "  {} {}: {}",
                    f.logical_id,
                    f.status,
                    f.reason.as_deref().unwrap_or("")
                );
            }
        }
    }
    if !o.outputs.is_empty() {
        println!("Outputs:");
        let w = o.outputs.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in &o.outputs {
            println!("  {k:<w$}  {v}");
        }
    }
}

/// Execute a reviewed change set, printing its events as they come.
pub(crate) async fn execute_streamed(
    ctx: &CommandContext,
    review: crate::ops::deploy::Review,
) -> Result<DeployOutcome, crate::aws::AwsError> {
    let (session, store) = (ctx.session.clone(), ctx.store.clone());
    stream(ctx.mode, move |tx| {
        tokio::spawn(
            async move { crate::ops::deploy::execute(&session, &store, &review, &tx).await },
        )
    })
    .await
}

/// Drive an operation's messages to the printer; returns the outcome.
pub(crate) async fn stream<F>(
    mode: OutputMode,
    fut: F,
) -> Result<DeployOutcome, crate::aws::AwsError>
where
    F: FnOnce(
        mpsc::UnboundedSender<DeployMsg>,
    ) -> tokio::task::JoinHandle<Result<DeployOutcome, crate::aws::AwsError>>,
{
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handle = fut(tx);
    while let Some(msg) = rx.recv().await {
        print_msg(mode, &msg);
    }
    handle.await.unwrap_or_else(|e| {
        Err(crate::aws::AwsError::new(
            crate::aws::ErrorKind::Other,
            "studio-tui",
            format!("the operation task failed: {e}"),
        ))
    })
}

fn confirm(question: &str, yes: bool) -> Result<bool, i32> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        eprintln!("error: {question} needs confirmation; pass --yes to run without a terminal");
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
        print_findings(&findings);
        eprintln!("Nothing was deployed. Fix the values above and run the command again.");
        return Err(exit::USAGE);
    }
    Ok(params)
}
