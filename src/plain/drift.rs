//! `drift`'s output: the report of a detection.

use crate::core::shown::Shown;
use serde_json::json;

use crate::cli::OutputMode;
use crate::ops::drift::{DriftReport, DriftVerdict};

/// What drift detection cannot see, said once with every report.
pub const BLIND_SPOTS: &str = "Drift detection compares the resources the template declares: a \
route or rule added next to them (for example a second default route in a route table of the \
stack) is not drift, and `studio-tui topology` shows the routes as they are.";

/// A drift report: the stack's status, one line per drifted resource with its differences,
/// and what detection cannot see (`--json`: one line).
pub fn print_report(mode: OutputMode, r: &DriftReport) {
    if mode == OutputMode::Json {
        println!(
            "{}",
            json!({"type": "drift", "ok": r.in_sync(), "report": r})
        );
        return;
    }
    match r.status {
        DriftVerdict::InSync => {
            println!("Stack {}: IN_SYNC with its template.", Shown(&r.stack_name))
        }
        DriftVerdict::Drifted => println!(
            "Stack {}: DRIFTED: {} resource(s) differ from the template, {} of them in the \
             security baseline.",
            Shown(&r.stack_name),
            r.resources.len(),
            r.baseline_count()
        ),
        DriftVerdict::DetectionFailed => println!(
            "Stack {}: DETECTION_FAILED: drift could not be checked on {} resource(s), so the \
             stack is not said to be in sync; {} resource(s) were found to differ.",
            Shown(&r.stack_name),
            r.unchecked.len(),
            r.resources.len()
        ),
    }
    for u in &r.unchecked {
        println!(
            "not checked: {} ({}){}",
            Shown(&u.logical_id),
            Shown(&u.resource_type),
            u.physical_id
                .as_deref()
                .map(|p| format!(" {}", Shown(p)))
                .unwrap_or_default()
        );
    }
    if r.status == DriftVerdict::DetectionFailed {
        // CloudFormation's own words (DetectionStatusReason): foreign text.
        println!(
            "why (CloudFormation): {}",
            Shown(r.aws_reason.as_deref().unwrap_or("no reason given"))
        );
        println!(
            "fix: run `studio-tui drift` again; if it fails again on the same resources, check that your identity may describe them (their service's Describe*/Get* permissions)"
        );
    }
    for res in &r.resources {
        let d = &res.drift;
        println!(
            "{} {} ({}) {}{}",
            if res.baseline {
                "[baseline]"
            } else {
                "          "
            },
            Shown(&d.logical_id),
            Shown(&d.resource_type),
            d.status,
            d.physical_id
                .as_deref()
                .map(|p| format!(" {}", Shown(p)))
                .unwrap_or_default()
        );
        for p in &d.differences {
            println!(
                "    {} ({}): expected {}, actual {}",
                Shown(&p.path),
                Shown(&p.kind),
                Shown(&p.expected),
                Shown(&p.actual)
            );
        }
    }
    eprintln!("{BLIND_SPOTS}");
}
