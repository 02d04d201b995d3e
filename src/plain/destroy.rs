//! `destroy`'s output: the deletion plan, the read-only refusal and the teardown's report.

use crate::core::shown::Shown;
use serde_json::json;

use crate::cli::OutputMode;
use crate::ops;
use crate::ops::destroy::{BucketChoice, DestroyPlan, DestroyReport};

use super::print_json;

/// The deletion order for this bucket choice, on stderr (nothing in `--json`).
pub fn print_plan(
    mode: OutputMode,
    project: &str,
    region: &str,
    plan: &DestroyPlan,
    choice: BucketChoice,
) {
    if mode != OutputMode::Json {
        eprintln!(
            "Project {} in {} — deletion order:",
            Shown(project),
            Shown(region)
        );
        for l in plan.lines(choice) {
            eprintln!("  - {}", Shown(&l));
        }
    }
}

/// Read-only: the plan is all destroy shows (`--json`: the plan with the refusal).
pub fn print_read_only(mode: OutputMode, plan: &DestroyPlan, error: Option<&ops::Error>) {
    if mode == OutputMode::Json {
        print_json(&read_only_doc(plan, error));
    } else {
        eprintln!("destroy is disabled in read-only mode; the list above is what it would delete");
    }
}

/// What the teardown did, what it kept as asked and what it left behind (`--json`: one
/// document).
pub fn print_report(mode: OutputMode, r: &DestroyReport) {
    if mode == OutputMode::Json {
        print_json(&json!({"ok": r.is_clean(), "report": r}));
        return;
    }
    for (b, n) in &r.emptied {
        println!("emptied bucket {} ({n} object versions)", Shown(b));
    }
    for (b, admits) in &r.opened {
        println!(
            "bucket {}: its policy was opened for {} and is back as it was",
            Shown(b),
            Shown(admits)
        );
    }
    let done = |yes: bool| if yes { "deleted" } else { "not deleted" };
    println!("domain: {}", done(r.domain_deleted));
    println!("stack: {}", done(r.stack_deleted));
    if let Some(e) = &r.stopped {
        println!("stopped: {}", Shown(e.message()));
        if let Some(fix) = &e.fix() {
            println!("  fix: {}", Shown(fix));
        }
    }
    if !r.kept.is_empty() {
        println!("Kept as asked:");
        for k in &r.kept {
            println!(
                "  - {}: {} (costs {})",
                Shown(&k.what),
                Shown(&k.arn),
                Shown(&k.cost)
            );
            if let Some(note) = &k.note {
                println!("    note: {}", crate::core::shown::inert(note));
            }
        }
    }
    if r.left_behind.is_empty() && r.stopped.is_none() {
        println!(
            "Nothing of project {} is left behind{} (checked with describes after the teardown).",
            Shown(&r.project),
            if r.kept.is_empty() {
                ""
            } else {
                " but what was kept"
            }
        );
    } else if !r.left_behind.is_empty() {
        println!("Left behind:");
        for l in &r.left_behind {
            println!("  - {}", Shown(&l.to_string()));
        }
    }
}

/// The `--read-only --json` document: the plan, its leftovers' text from AWS escaped as
/// `status --json` escapes it ([`ops::leftovers::Leftover::shown`]), and the refusal.
fn read_only_doc(plan: &DestroyPlan, error: Option<&ops::Error>) -> serde_json::Value {
    let mut doc = json!({"ok": false, "plan": plan, "error": error});
    let shown: Vec<_> = plan.leftovers.iter().map(|l| l.shown()).collect();
    doc["plan"]["leftovers"] = json!(shown);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::leftovers::{Cost, Kind, Leftover};

    #[test]
    fn read_only_json_escapes_the_leftovers_as_status_does() {
        let plan = DestroyPlan {
            project: "p".into(),
            stack_name: "p".into(),
            caller: crate::aws::Identity {
                account: "123456789012".into(),
                arn: "arn:aws:iam::123456789012:user/ops".into(),
                user_id: "AIDAOPS".into(),
            },
            exemption: None,
            domain: None,
            other_domains: Vec::new(),
            twin_domains: Vec::new(),
            users: Vec::new(),
            apps: Vec::new(),
            spaces: Vec::new(),
            stack: None,
            resources: Vec::new(),
            vpc_id: None,
            buckets: Vec::new(),
            keys: Vec::new(),
            nfs_groups: Vec::new(),
            template: None,
            leftovers: vec![Leftover {
                kind: Kind::NotebookInstance,
                id: "nb\u{1b}[2J".into(),
                state: "In\u{7}Service".into(),
                place: "subnet subnet-1".into(),
                blocks_vpc: true,
                running: true,
                in_vpc: true,
                cost: Cost::Unknown { why: "x".into() },
                remove: "aws sagemaker delete-notebook-instance --notebook-instance-name NAME"
                    .into(),
            }],
        };
        let doc = read_only_doc(&plan, None);
        let l = &doc["plan"]["leftovers"][0];
        assert_eq!(l["id"], "nb\\u001b[2J");
        assert_eq!(l["state"], "In\\u0007Service");
        assert_eq!(doc["ok"], false);
        assert!(!doc.to_string().contains('\u{1b}'));
    }
}
