//! The deploy's output: its progress messages (events CDK-style, the outcome), the change set
//! to review and why one cannot be executed.

use crate::core::shown::{Shown, shown};
use crate::core::status::ResourceDriftStatus;
use serde::Serialize;

use crate::aws::stacks::ChangeSetKind;
use crate::aws::stacks::is_security_relevant;
use crate::cli::OutputMode;
use crate::core::progress::StackEvent;
use crate::ops::deploy::{self, DeployMsg, DeployOutcome, Settled};

/// One line per event, CDK-events style.
pub fn event_line(e: &StackEvent) -> String {
    let mut line = format!(
        "{}  {:<28} {:<40} {}",
        crate::core::clock::hms(e.timestamp_ms),
        e.status,
        shown(&e.resource_type),
        shown(&e.logical_id)
    );
    if let Some(r) = &e.reason
        && !r.is_empty()
    {
        line.push_str("  ");
        line.push_str(&shown(r));
    }
    line
}

/// Print one deploy message in the chosen mode.
pub fn print_msg(mode: OutputMode, msg: &DeployMsg) {
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
        DeployMsg::Phase { text } => eprintln!("{}…", Shown(text)),
        DeployMsg::Started {
            operation,
            stack_id,
            expected,
            ..
        } => eprintln!(
            "Watching {operation} of {} ({} resources)",
            Shown(stack_id),
            expected.len()
        ),
        DeployMsg::Events { events } => {
            for e in events {
                println!("{}", event_line(e));
            }
        }
        DeployMsg::Retrying { after_secs, reason } => {
            eprintln!(
                "AWS did not answer ({}); retrying in {after_secs}s",
                Shown(reason)
            )
        }
        DeployMsg::Finished { outcome } => print_outcome(outcome),
    }
}

/// A finished operation: its status, the root cause of a failure and the stack's outputs.
pub fn print_outcome(o: &DeployOutcome) {
    println!();
    println!("Stack {}: {}", Shown(&o.stack_id), o.status);
    if let Some(root) = &o.root_cause {
        println!(
            "Root cause: {} ({}) {}: {}",
            Shown(&root.logical_id),
            Shown(&root.resource_type),
            root.status,
            Shown(root.reason.as_deref().unwrap_or("no reason given"))
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
                    Shown(&f.logical_id),
                    f.status,
                    Shown(f.reason.as_deref().unwrap_or(""))
                );
            }
        }
    }
    if !o.outputs.is_empty() {
        println!("Outputs:");
        let w = o.outputs.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in &o.outputs {
            println!("  {:<w$}  {}", shown(k), Shown(v));
        }
    }
}

/// Why a change set cannot be executed: its StatusReason and, one line each, the failures of
/// CloudFormation's pre-deployment validation with their fixes (`--json`: one document with
/// the list).
pub fn print_change_set_failure(mode: OutputMode, review: &deploy::Review) {
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
                status: cs.status.as_str(),
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
        Shown(cs.status_reason.as_deref().unwrap_or("no reason given"))
    );
    if !review.validation.is_empty() {
        eprintln!(
            "CloudFormation's pre-deployment validation found {} problem(s):",
            review.validation.len()
        );
        for v in &review.validation {
            eprintln!("{}", super::validation::line(v));
        }
    }
    if let Some(why) = &review.validation_unread {
        eprintln!("  {}", Shown(why));
    }
}

/// A change set: its counts and one line per change (`--json`: one document with the list).
pub fn print_review(mode: OutputMode, review: &deploy::Review) {
    if mode == OutputMode::Json {
        #[derive(Serialize)]
        struct Doc<'a> {
            r#type: &'static str,
            change_set: &'a crate::aws::stacks::ChangeSetInfo,
            /// CloudFormation's pre-deployment validation: errors and warnings with their fixes.
            validation: &'a [deploy::ValidationIssue],
            /// Logical ids of the changes that can widen or narrow access.
            security_relevant: Vec<&'a str>,
            /// Consequences the change list does not show (a firewall engine restart).
            notes: Vec<String>,
        }
        println!(
            "{}",
            serde_json::to_string(&Doc {
                r#type: "change_set",
                change_set: &review.change_set,
                validation: &review.validation,
                security_relevant: review.security_relevant(),
                notes: review.notes(),
            })
            .unwrap_or_default()
        );
        return;
    }
    let cs = &review.change_set;
    let count = |a: &str| cs.changes.iter().filter(|c| c.action == a).count();
    eprintln!(
        "Change set for stack {}: {} to add, {} to modify ({} replaced), {} to remove",
        Shown(&review.stack_name),
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
        let drift = match &c.drift {
            Some(d @ (ResourceDriftStatus::Modified | ResourceDriftStatus::Deleted)) => {
                format!(" (overwrites drift: {d})")
            }
            _ => String::new(),
        };
        eprintln!(
            "  {:<7} {:<40} {}{}{}{}",
            shown(&c.action),
            shown(&c.resource_type),
            flag,
            Shown(&c.logical_id),
            replace,
            drift
        );
    }
    for n in review.notes() {
        eprintln!("Note: {n}");
    }
    // A change set that can run may still carry WARN-mode validation failures (a bucket that is
    // not empty, for one): shown before the question. A failed one is printed with its reason.
    if review.is_executable() && !review.validation.is_empty() {
        eprintln!(
            "CloudFormation's pre-deployment validation warns ({}):",
            review.validation.len()
        );
        for v in &review.validation {
            eprintln!("{}", super::validation::line(v));
        }
    }
}

/// Where the deploy policy stopped, on stderr (a change set also as its review): up to date,
/// following a running operation, refused with the recovery to allow, no changes, a failed
/// change set deleted, or a change set to confirm. A recovery that failed was printed as its
/// outcome already.
pub fn print_settled(mode: OutputMode, settled: &Settled) {
    match settled {
        Settled::UpToDate(stack) => eprintln!(
            "Stack {} is up to date ({}).",
            Shown(&stack.stack_name),
            stack.status
        ),
        Settled::Busy(stack) => eprintln!(
            "Stack {} is already busy ({}); following it.",
            Shown(&stack.stack_name),
            stack.status
        ),
        Settled::Refused { stack, recovery } => eprintln!(
            "error: {}",
            Shown(&recovery.explain(&stack.stack_name, &stack.status))
        ),
        Settled::RecoveryFailed(_) => {}
        Settled::NoChanges(review) => {
            print_review(mode, review);
            eprintln!("No changes: the stack already matches.");
        }
        Settled::ChangeSetFailed(review) => {
            print_review(mode, review);
            print_change_set_failure(mode, review);
            eprintln!(
                "Nothing was created: the change set{} deleted.",
                if review.kind == ChangeSetKind::Create {
                    " and the empty stack it left were"
                } else {
                    " was"
                }
            );
        }
        Settled::Ready(review) => print_review(mode, review),
    }
}
