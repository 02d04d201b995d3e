//! The non-interactive commands (`deploy`, `status`, `events`): the same operations as the
//! wizard, printed line by line or as JSON.

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
use crate::aws::stacks::is_security_relevant;
use crate::cli::{DeployArgs, EventsArgs, OutputMode, ProjectArgs, TopologyArgs, TopologyFormat};
use crate::config::Paths;
use crate::core::finding::{Finding, Severity};
use crate::core::params::Parameters;
use crate::core::progress::{StackEvent, Tracker, render_timeline};
use crate::exit;
use crate::ops::deploy::{self, DeployMsg, DeployOutcome, Plan, Recovery, SharedStore};
use crate::ops::params::ConfigFile;
use crate::ops::up::Start;
use crate::state::Store;
use crate::template;

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
    review: deploy::Review,
) -> Result<DeployOutcome, crate::aws::AwsError> {
    let (session, store) = (ctx.session.clone(), ctx.store.clone());
    stream(ctx.mode, move |tx| {
        tokio::spawn(async move { deploy::execute(&session, &store, &review, &tx).await })
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

/// `studio-tui deploy`.
pub async fn deploy(ctx: &CommandContext, args: &DeployArgs) -> anyhow::Result<i32> {
    let (params, users) = match answers(ctx, &args.params, args.guided, None) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    // Answers are saved before anything is deployed: a failure never loses them.
    save_answers(ctx, &params, &users);
    deploy_with(ctx, args, &params).await
}

pub(crate) fn save_answers(ctx: &CommandContext, params: &Parameters, users: &[String]) {
    if let Ok(mut s) = ctx.store.lock()
        && let Err(e) = s.save_answers(&ctx.session.region, params, users)
    {
        eprintln!("warning: could not save your answers: {e}");
    }
}

/// The parameters and users a command works with: saved < --config < flags, then, with
/// `--guided`, whatever the user answers to the prompts. Err(exit code) on invalid input.
pub(crate) fn answers(
    ctx: &CommandContext,
    args: &crate::cli::ParamArgs,
    guided: bool,
    users_flag: Option<&[String]>,
) -> Result<(Parameters, Vec<String>), i32> {
    let (initial, known_users) = ctx.resolve_answers(args);
    let users = match users_flag {
        Some(u) => u.iter().map(|s| s.trim().to_string()).collect(),
        None => known_users,
    };
    if !guided {
        return Ok((checked(initial)?, users));
    }
    let (params, users) = guided::ask(&initial, &users)?;
    // The template's own constraints, as the form checks them.
    let findings = template::embedded().check_parameters(&params.to_cfn_parameters());
    if findings.iter().any(|f| f.is_error()) {
        print_findings(&findings);
        return Err(exit::USAGE);
    }
    Ok((params, users))
}

/// Plan, review and execute with these (checked) parameters.
pub(crate) async fn deploy_with(
    ctx: &CommandContext,
    args: &DeployArgs,
    params: &Parameters,
) -> anyhow::Result<i32> {
    Ok(deploy_policy(ctx, args, params, None).await?.code)
}

/// What the deploy policy ended with: the exit code for the stack, and the Studio half when it
/// ran overlapped with a first create (`up`).
pub(crate) struct Deployed {
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

/// [`deploy_with`], and with `studio` a first create builds the Studio domain and users while
/// the stack is still being created (`ops::up`).
pub(crate) async fn deploy_policy(
    ctx: &CommandContext,
    args: &DeployArgs,
    params: &Parameters,
    studio: Option<&crate::ops::up::StudioPlan>,
) -> anyhow::Result<Deployed> {
    if let Err(e) = crate::ops::studio::refuse_read_only(&ctx.session, "deploying the stack") {
        crate::plain::print_aws_error(ctx.mode, &e);
        eprintln!(
            "Read-only: `studio-tui preflight` and `studio-tui status` show what is there; \
             nothing was changed."
        );
        return Ok(exit::FAILED.into());
    }
    let params = params.clone();
    let mode = ctx.mode;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let plan = {
        let session = ctx.session.clone();
        let store = ctx.store.clone();
        let params = params.clone();
        let h = tokio::spawn(async move { deploy::plan(&session, &store, &params, &tx).await });
        while let Some(msg) = rx.recv().await {
            print_msg(mode, &msg);
        }
        h.await?
    };
    let plan = match plan {
        Ok(p) => p,
        Err(e) => {
            crate::plain::print_aws_error(mode, &e);
            return Ok(exit::FAILED.into());
        }
    };
    let outcome = match plan {
        Plan::UpToDate(stack) => {
            eprintln!(
                "Stack {} is up to date ({}).",
                stack.stack_name, stack.status
            );
            return Ok(exit::OK.into());
        }
        Plan::InProgress(stack) => {
            eprintln!(
                "Stack {} is already busy ({}); following it.",
                stack.stack_name, stack.status
            );
            if let Some(plan) = studio {
                return overlapped(ctx, Start::Reattach(Box::new(stack)), plan).await;
            }
            let (session, store) = (ctx.session.clone(), ctx.store.clone());
            stream(mode, move |tx| {
                tokio::spawn(async move { deploy::reattach(&session, &store, &stack, &tx).await })
            })
            .await
        }
        Plan::Blocked { stack, recovery } => {
            let wanted = match recovery {
                Recovery::DeleteAndRetry => args.recreate,
                Recovery::ContinueRollback => args.continue_rollback,
            };
            if !wanted {
                eprintln!(
                    "error: {}",
                    recovery.explain(&stack.stack_name, &stack.status)
                );
                return Ok(exit::FAILED.into());
            }
            let (session, store) = (ctx.session.clone(), ctx.store.clone());
            let result = stream(mode, move |tx| {
                tokio::spawn(async move {
                    match recovery {
                        Recovery::DeleteAndRetry => {
                            deploy::delete_and_watch(&session, &store, &stack, &tx).await
                        }
                        Recovery::ContinueRollback => {
                            deploy::continue_rollback(&session, &store, &stack, &tx).await
                        }
                    }
                })
            })
            .await;
            match result {
                Ok(o) if o.ok || o.status == "UPDATE_ROLLBACK_COMPLETE" => {
                    // Recovered: plan again from a clean state.
                    let again = DeployArgs {
                        recreate: false,
                        continue_rollback: false,
                        ..args.clone()
                    };
                    return Box::pin(deploy_policy(ctx, &again, &params, studio)).await;
                }
                Ok(o) => Ok(o),
                Err(e) => Err(e),
            }
        }
        Plan::Review(review) => {
            print_review(mode, &review);
            if review.change_set.is_empty_change() {
                let _ = deploy::cancel(&ctx.session, &ctx.store, &review).await;
                eprintln!("No changes: the stack already matches.");
                return Ok(exit::OK.into());
            }
            if review.change_set.status != "CREATE_COMPLETE" {
                print_change_set_failure(mode, &review);
                let _ = deploy::cancel(&ctx.session, &ctx.store, &review).await;
                eprintln!(
                    "Nothing was created: the change set{} deleted.",
                    if review.kind == crate::aws::stacks::ChangeSetKind::Create {
                        " and the empty stack it left were"
                    } else {
                        " was"
                    }
                );
                return Ok(exit::FAILED.into());
            }
            match confirm("Execute this change set?", args.yes) {
                Ok(true) => {}
                Ok(false) => {
                    deploy::cancel(&ctx.session, &ctx.store, &review).await?;
                    eprintln!("Cancelled; the change set was deleted.");
                    return Ok(exit::OK.into());
                }
                Err(code) => {
                    let _ = deploy::cancel(&ctx.session, &ctx.store, &review).await;
                    return Ok(code.into());
                }
            }
            if let Some(plan) = studio {
                return overlapped(ctx, Start::Execute(Box::new(review)), plan).await;
            }
            execute_streamed(ctx, review).await
        }
    };
    match outcome {
        Ok(o) if o.ok => Ok(exit::OK.into()),
        Ok(_) => Ok(exit::FAILED.into()),
        Err(e) => {
            crate::plain::print_aws_error(mode, &e);
            Ok(exit::FAILED.into())
        }
    }
}

/// Run the stack operation through `ops::up::run` (the Studio half overlapped with a first
/// create), printing both progress streams as they come.
async fn overlapped(
    ctx: &CommandContext,
    start: Start,
    plan: &crate::ops::up::StudioPlan,
) -> anyhow::Result<Deployed> {
    let mode = ctx.mode;
    let (dtx, drx) = mpsc::unbounded_channel();
    let (stx, srx) = mpsc::unbounded_channel();
    let (session, store, p) = (ctx.session.clone(), ctx.store.clone(), plan.clone());
    let handle =
        tokio::spawn(
            async move { crate::ops::up::run(&session, &store, start, &p, &dtx, &stx).await },
        );
    up::print_progress(mode, &plan.users, drx, srx).await;
    let result = handle.await.unwrap_or_else(|e| {
        Err(crate::aws::AwsError::new(
            crate::aws::ErrorKind::Other,
            "studio-tui",
            format!("the operation task failed: {e}"),
        ))
    });
    match result {
        Ok(crate::ops::up::Run::Stack(o)) => Ok(if o.ok { exit::OK } else { exit::FAILED }.into()),
        Ok(crate::ops::up::Run::Overlapped(ov)) => Ok(Deployed {
            code: if ov.stack.ok { exit::OK } else { exit::FAILED },
            overlapped: Some(*ov),
        }),
        Err(e) => {
            crate::plain::print_aws_error(mode, &e);
            Ok(exit::FAILED.into())
        }
    }
}

/// Why a change set cannot be executed: its StatusReason and, one line each, the failures of
/// CloudFormation's pre-deployment validation with their fixes (`--json`: one document with
/// the list).
pub(crate) fn print_change_set_failure(mode: OutputMode, review: &deploy::Review) {
    let cs = &review.change_set;
    if mode == OutputMode::Json {
        #[derive(Serialize)]
        struct Doc<'a> {
            r#type: &'static str,
            ok: bool,
            change_set_id: &'a str,
            status: &'a str,
            status_reason: Option<&'a str>,
            validation: &'a [deploy::ValidationIssue],
            validation_unread: Option<&'a str>,
        }
        println!(
            "{}",
            serde_json::to_string(&Doc {
                r#type: "change_set_failed",
                ok: false,
                change_set_id: &cs.change_set_id,
                status: &cs.status,
                status_reason: cs.status_reason.as_deref(),
                validation: &review.validation,
                validation_unread: review.validation_unread.as_deref(),
            })
            .unwrap_or_default()
        );
        return;
    }
    eprintln!(
        "error: the change set failed: {}",
        cs.status_reason.as_deref().unwrap_or("no reason given")
    );
    if !review.validation.is_empty() {
        eprintln!(
            "CloudFormation's pre-deployment validation found {} problem(s):",
            review.validation.len()
        );
        for v in &review.validation {
            eprintln!("{}", crate::plain::validation::line(v));
        }
    }
    if let Some(why) = &review.validation_unread {
        eprintln!("  {why}");
    }
}

pub(crate) fn print_review(mode: OutputMode, review: &deploy::Review) {
    if mode == OutputMode::Json {
        #[derive(Serialize)]
        struct Doc<'a> {
            r#type: &'static str,
            change_set: &'a crate::aws::stacks::ChangeSetInfo,
            /// CloudFormation's pre-deployment validation: errors and warnings with their fixes.
            validation: &'a [deploy::ValidationIssue],
        }
        println!(
            "{}",
            serde_json::to_string(&Doc {
                r#type: "change_set",
                change_set: &review.change_set,
                validation: &review.validation,
            })
            .unwrap_or_default()
        );
        return;
    }
    let cs = &review.change_set;
    let count = |a: &str| cs.changes.iter().filter(|c| c.action == a).count();
    eprintln!(
        "Change set for stack {}: {} to add, {} to modify ({} replaced), {} to remove",
        review.stack_name,
        count("Add"),
        count("Modify"),
        cs.changes
            .iter()
            .filter(|c| c.replacement.as_deref() == Some("True"))
            .count(),
        count("Remove")
    );
    for c in &cs.changes {
        let flag = if is_security_relevant(&c.resource_type) {
            "[security] "
        } else {
            ""
        };
        let replace = match c.replacement.as_deref() {
            Some("True") => " (REPLACEMENT)",
            Some("Conditional") => " (may be replaced)",
            _ => "",
        };
        let drift = match c.drift.as_deref() {
            Some(d @ ("MODIFIED" | "DELETED")) => format!(" (overwrites drift: {d})"),
            _ => String::new(),
        };
        eprintln!(
            "  {:<7} {:<40} {}{}{}{}",
            c.action, c.resource_type, flag, c.logical_id, replace, drift
        );
    }
    // A change set that can run may still carry WARN-mode validation failures (a bucket that is
    // not empty, for one): shown before the question. A failed one is printed with its reason.
    if cs.status == "CREATE_COMPLETE" && !review.validation.is_empty() {
        eprintln!(
            "CloudFormation's pre-deployment validation warns ({}):",
            review.validation.len()
        );
        for v in &review.validation {
            eprintln!("{}", crate::plain::validation::line(v));
        }
    }
}

/// The events of the latest operation on a stack, and the tracker holding them.
async fn latest_operation(
    session: &Session,
    stack_id: &str,
) -> Result<Tracker, crate::aws::AwsError> {
    let (page, _) = session.stack_events_page(stack_id, None).await?;
    let token = page.first().and_then(|e| e.client_request_token.clone());
    let since = if token.is_some() {
        0
    } else {
        page.last().map(|e| e.timestamp_ms).unwrap_or(0)
    };
    let mut tracker = Tracker::new(token, since);
    deploy::poll_events(session, stack_id, &mut tracker).await?;
    Ok(tracker)
}

/// `studio-tui events`.
pub async fn events(ctx: &CommandContext, args: &EventsArgs) -> anyhow::Result<i32> {
    let name = ctx.project_name(&args.project);
    let stack = match ctx.session.describe_stack(&name).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!(
                "error: there is no stack {name} in {} (deploy it with `studio-tui deploy`)",
                ctx.session.region
            );
            return Ok(exit::FAILED);
        }
        Err(e) => {
            crate::plain::print_aws_error(ctx.mode, &e);
            return Ok(exit::FAILED);
        }
    };
    let tracker = if args.follow && stack.is_in_progress() {
        let (session, store) = (ctx.session.clone(), ctx.store.clone());
        let s = stack.clone();
        match stream(ctx.mode, move |tx| {
            tokio::spawn(async move { deploy::reattach(&session, &store, &s, &tx).await })
        })
        .await
        {
            Ok(o) => {
                let mut t = Tracker::new(None, 0);
                let mut sorted = o.events.clone();
                sorted.reverse();
                t.ingest_page(&sorted);
                t
            }
            Err(e) => {
                crate::plain::print_aws_error(ctx.mode, &e);
                return Ok(exit::FAILED);
            }
        }
    } else {
        let t = match latest_operation(&ctx.session, &stack.stack_id).await {
            Ok(t) => t,
            Err(e) => {
                crate::plain::print_aws_error(ctx.mode, &e);
                return Ok(exit::FAILED);
            }
        };
        if !args.chart {
            print_msg(
                ctx.mode,
                &DeployMsg::Events {
                    events: t.events.clone(),
                },
            );
        }
        t
    };
    if args.chart {
        let mut tracker = tracker;
        // A first create built the Studio domain and users alongside: one timeline.
        if let Err(e) = crate::ops::up::add_studio_steps(
            &ctx.session,
            &name,
            stack.outputs.get("VpcId").map(String::as_str),
            &mut tracker,
        )
        .await
        {
            eprintln!("note: the Studio domain is not in the chart: {}", e.message);
        }
        let rows = tracker.timeline();
        if ctx.mode == OutputMode::Json {
            println!("{}", serde_json::to_string_pretty(&rows)?);
        } else {
            for line in render_timeline(&rows, 60, crate::core::clock::now_ms()) {
                println!("{line}");
            }
        }
    }
    Ok(exit::OK)
}

/// `studio-tui status`.
pub async fn status(ctx: &CommandContext, args: &ProjectArgs) -> anyhow::Result<i32> {
    let identity = match ctx.session.identity().await {
        Ok(i) => i,
        Err(e) => {
            crate::plain::print_aws_error(ctx.mode, &e);
            return Ok(exit::FAILED);
        }
    };
    let name = ctx.project_name(args);
    let stack = match ctx.session.describe_stack(&name).await {
        Ok(s) => s,
        Err(e) => {
            crate::plain::print_aws_error(ctx.mode, &e);
            return Ok(exit::FAILED);
        }
    };
    let run = ctx
        .store
        .lock()
        .ok()
        .and_then(|s| s.run(&ctx.session.region, &name).cloned());
    // The Studio half: the domain named after the project, its users and their apps.
    let studio = match crate::ops::studio::find_domain(&ctx.session, &name).await {
        Ok(Some(d)) => match crate::ops::studio::list_users(&ctx.session, &d.id).await {
            Ok(users) => Ok(Some((d, users))),
            Err(e) => Err(e),
        },
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    if ctx.mode == OutputMode::Json {
        #[derive(Serialize)]
        struct User<'a> {
            name: &'a str,
            status: &'a str,
            apps: usize,
            spaces: usize,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            ok: bool,
            account: &'a str,
            arn: &'a str,
            region: &'a str,
            project: &'a str,
            stack: Option<&'a crate::aws::stacks::StackInfo>,
            run: Option<&'a crate::state::RunState>,
            domain: Option<&'a crate::aws::studio::DomainInfo>,
            users: Vec<User<'a>>,
            studio_error: Option<String>,
        }
        let (domain, users) = match &studio {
            Ok(Some((d, u))) => (Some(d), u.as_slice()),
            _ => (None, &[][..]),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&Doc {
                ok: true,
                account: &identity.account,
                arn: &identity.arn,
                region: &ctx.session.region,
                project: &name,
                stack: stack.as_ref(),
                run: run.as_ref(),
                domain,
                users: users
                    .iter()
                    .map(|u| User {
                        name: &u.name,
                        status: &u.status,
                        apps: u.running_apps(),
                        spaces: u.spaces.len(),
                    })
                    .collect(),
                studio_error: studio.as_ref().err().map(|e| e.message.clone()),
            })?
        );
        return Ok(exit::OK);
    }
    println!("account   {}  ({})", identity.account, identity.arn);
    println!("region    {}", ctx.session.region);
    println!("project   {name}");
    match &stack {
        None => println!("stack     not deployed (run `studio-tui deploy`)"),
        Some(s) => {
            println!("stack     {}  {}", s.stack_name, s.status);
            if let Some(r) = &s.status_reason {
                println!("          {r}");
            }
            if s.is_in_progress() {
                println!(
                    "          an operation is running: `studio-tui events --follow` to watch it"
                );
            }
            if let Some(rec) = Recovery::for_status(&s.status) {
                println!("          {}", rec.explain(&s.stack_name, &s.status));
            }
            for key in [
                "VpcId",
                "SageMakerStudioSubnetId",
                "FirewallArn",
                "DataBucketName",
                "ModelsBucketName",
            ] {
                if let Some(v) = s.output(key) {
                    println!("  {key:<24} {v}");
                }
            }
        }
    }
    match &studio {
        Ok(Some((d, users))) => {
            println!("domain    {}  {}  ({})", d.id, d.status, d.name);
            if let Some(r) = &d.failure_reason {
                println!("          {r}");
            }
            if users.is_empty() {
                println!("users     none (`studio-tui users add NAME`)");
            }
            for u in users {
                println!(
                    "  user {:<24} {:<12} {} app(s), {} space(s)",
                    u.name,
                    u.status,
                    u.running_apps(),
                    u.spaces.len()
                );
            }
        }
        Ok(None) => println!("domain    none (`studio-tui up` creates it)"),
        Err(e) => println!("domain    could not be read: {}", e.message),
    }
    Ok(exit::OK)
}

/// `studio-tui topology`: one refresh, printed in the chosen format.
pub async fn topology(ctx: &CommandContext, args: &TopologyArgs) -> anyhow::Result<i32> {
    let name = ctx.project_name(&args.project);
    let format = if ctx.mode == OutputMode::Json {
        TopologyFormat::Json
    } else {
        args.format
    };
    let topo = match crate::ops::topology::refresh(&ctx.session, &name).await {
        Ok(t) => t,
        Err(e) if e.kind == crate::aws::ErrorKind::NotFound => {
            if format == TopologyFormat::Json {
                crate::plain::print_aws_error(OutputMode::Json, &e);
            } else {
                eprintln!(
                    "error: there is no stack {name} in {} (deploy it with `studio-tui deploy`, \
                     or pass --project-name)",
                    ctx.session.region
                );
            }
            return Ok(exit::FAILED);
        }
        Err(e) => {
            crate::plain::print_aws_error(
                if format == TopologyFormat::Json {
                    OutputMode::Json
                } else {
                    OutputMode::Plain
                },
                &e,
            );
            return Ok(exit::FAILED);
        }
    };
    match format {
        TopologyFormat::Text => print!("{}", topo.to_text()),
        TopologyFormat::Json => println!("{}", topo.to_json()),
        TopologyFormat::Mermaid => print!("{}", topo.to_mermaid()),
        TopologyFormat::Dot => print!("{}", topo.to_dot()),
    }
    Ok(exit::OK)
}
