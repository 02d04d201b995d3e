//! `status`, `events --chart` and `topology`: the project as it is, the latest operation's
//! timeline, and the network as a diagram.

use crate::core::shown::{Shown, shown};
use serde::Serialize;

use crate::cli::{OutputMode, TopologyFormat};
use crate::core::timeline::{TimelineRow, render_timeline};
use crate::core::topology::Topology;
use crate::ops::deploy::Recovery;
use crate::ops::status::Status;

/// The project: identity, stack (with what to do about a blocked one), its outputs, the Studio
/// domain and its users (`--json`: one document).
pub fn print_status(mode: OutputMode, status: &Status) {
    if mode == OutputMode::Json {
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
            leftovers: Vec<crate::ops::leftovers::Leftover>,
            leftovers_error: Option<String>,
            /// The types Studio shows (the domain) and IAM enforces (the stack).
            instance_types: Option<crate::ops::studio::TypesEnforced>,
            /// Users whose own hidden list takes priority: the types it leaves (or why unread).
            instance_type_overrides: Vec<Override<'a>>,
        }
        #[derive(serde::Serialize)]
        struct Override<'a> {
            user: &'a str,
            instance_types: Option<&'a [String]>,
            error: Option<&'a str>,
        }
        let (domain, users) = match &status.studio {
            Ok(Some((d, u))) => (Some(d), u.as_slice()),
            _ => (None, &[][..]),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&Doc {
                ok: true,
                account: &status.identity.account,
                arn: &status.identity.arn,
                region: &status.region,
                project: &status.project,
                stack: status.stack.as_ref(),
                run: status.run.as_ref(),
                domain,
                users: users
                    .iter()
                    .map(|u| User {
                        name: &u.name,
                        status: u.status.as_str(),
                        apps: u.running_apps(),
                        spaces: u.spaces.len(),
                    })
                    .collect(),
                studio_error: status
                    .studio
                    .as_ref()
                    .err()
                    .map(|e| e.message().to_string()),
                leftovers: status
                    .leftovers
                    .as_ref()
                    .map(|l| l.iter().map(|x| x.shown()).collect())
                    .unwrap_or_default(),
                leftovers_error: status
                    .leftovers
                    .as_ref()
                    .err()
                    .map(|e| shown(e.message()).into_owned()),
                instance_types: domain
                    .map(|d| crate::ops::studio::TypesEnforced::of(d, status.stack.as_ref())),
                instance_type_overrides: status
                    .type_overrides
                    .iter()
                    .map(|(user, t)| Override {
                        user,
                        instance_types: t.as_ref().ok().map(|t| t.allowed()),
                        error: t.as_ref().err().map(String::as_str),
                    })
                    .collect(),
            })
            .unwrap_or_default()
        );
        return;
    }
    println!(
        "account   {}  ({})",
        Shown(&status.identity.account),
        Shown(&status.identity.arn)
    );
    println!("region    {}", Shown(&status.region));
    println!("project   {}", Shown(&status.project));
    match &status.stack {
        None => println!("stack     not deployed (run `studio-tui deploy`)"),
        Some(s) => {
            println!("stack     {}  {}", Shown(&s.stack_name), s.status);
            if let Some(r) = &s.status_reason {
                println!("          {}", Shown(r));
            }
            if s.is_in_progress() {
                println!(
                    "          an operation is running: `studio-tui events --follow` to watch it"
                );
            }
            if let Some(rec) = Recovery::for_status(&s.status) {
                println!(
                    "          {}",
                    Shown(&rec.explain(&s.stack_name, &s.status))
                );
            }
            for key in [
                "VpcId",
                "SageMakerStudioSubnetId",
                "FirewallArn",
                "DataBucketName",
                "ModelsBucketName",
            ] {
                if let Some(v) = s.output(key) {
                    println!("  {key:<24} {}", Shown(v));
                }
            }
        }
    }
    match &status.studio {
        Ok(Some((d, users))) => {
            println!(
                "domain    {}  {}  ({})",
                Shown(&d.id),
                d.status,
                Shown(&d.name)
            );
            if let Some(r) = &d.failure_reason {
                println!("          {}", Shown(r));
            }
            println!("  idle shutdown {}", d.idle.summary());
            println!(
                "  {}",
                crate::ops::studio::TypesEnforced::of(d, status.stack.as_ref()).line()
            );
            println!(
                "  per-user audit {}: CloudTrail names the user profile behind the execution \
                 role's calls when on",
                crate::ops::studio::audit_summary(d)
            );
            for (user, types) in &status.type_overrides {
                match types {
                    Ok(t) => println!(
                        "  user {} overrides hidden instance types: shows {}",
                        shown(user),
                        crate::ops::studio::shown_types(t)
                    ),
                    Err(e) => println!(
                        "  user {}: its own instance type settings could not be read ({})",
                        shown(user),
                        shown(e)
                    ),
                }
            }
            if users.is_empty() {
                println!("users     none (`studio-tui users add NAME`)");
            }
            for u in users {
                println!(
                    "  user {:<24} {:<12} {} app(s), {} space(s)",
                    shown(&u.name),
                    u.status,
                    u.running_apps(),
                    u.spaces.len()
                );
            }
        }
        Ok(None) => println!("domain    none (`studio-tui up` creates it)"),
        Err(e) => println!("domain    could not be read: {}", Shown(e.message())),
    }
    match &status.leftovers {
        Ok(l) if l.is_empty() => {}
        Ok(l) => {
            println!(
                "leftovers {} billed resource(s) studio-tui did not create",
                l.len()
            );
            for x in l {
                println!("  {}", x.line());
            }
        }
        Err(e) => println!("leftovers could not be read: {}", Shown(e.message())),
    }
}

/// The latest operation as a timeline chart (`--json`: its rows).
pub fn print_chart(mode: OutputMode, rows: &[TimelineRow]) {
    if mode == OutputMode::Json {
        println!("{}", serde_json::to_string_pretty(rows).unwrap_or_default());
    } else {
        for line in render_timeline(rows, 60, crate::core::clock::now_ms()) {
            println!("{line}");
        }
    }
}

/// The topology in the chosen format: text, JSON, Mermaid or Graphviz dot.
pub fn print_topology(format: TopologyFormat, topo: &Topology) {
    match format {
        // Names and tags are anyone's with EC2 access: every line made inert.
        TopologyFormat::Text => print!("{}", crate::core::shown::inert(&topo.to_text())),
        TopologyFormat::Json => println!("{}", topo.to_json()),
        TopologyFormat::Mermaid => print!("{}", topo.to_mermaid()),
        TopologyFormat::Dot => print!("{}", topo.to_dot()),
    }
}
