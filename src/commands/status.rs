//! The read-only commands: `status`, `events` (the latest operation's timeline) and `topology`.

use serde::Serialize;

use crate::aws::Session;
use crate::cli::{EventsArgs, OutputMode, ProjectArgs, TopologyArgs, TopologyFormat};
use crate::core::progress::{Tracker, render_timeline};
use crate::exit;
use crate::ops::deploy::{self, DeployMsg, Recovery};

use super::{CommandContext, print_msg, stream};

/// The events of the latest operation on a stack, and the tracker holding them.
pub(super) async fn latest_operation(
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
