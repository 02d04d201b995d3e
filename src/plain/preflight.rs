//! Preflight output: the `--json` document, or a checklist line.

use crate::core::shown::Shown;
use serde::Serialize;

use crate::cli::OutputMode;
use crate::core::cidr::NetworkPlan;
use crate::core::finding::{Finding, Severity};
use crate::ops::preflight::{
    CheckStatus, PreflightMsg, PreflightReport, StandaloneMsg, plan_flags,
};

#[derive(Serialize)]
struct JsonFinding<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    fix: &'a str,
}

#[derive(Serialize)]
struct JsonPlan {
    vpc_cidr: String,
    firewall_subnet_cidr: String,
    nat_subnet_cidr: String,
    studio_subnet_cidr: String,
    flags: String,
}

#[derive(Serialize)]
struct Doc<'a> {
    ok: bool,
    findings: Vec<JsonFinding<'a>>,
    suggestion: Option<JsonPlan>,
}

fn plan(p: &NetworkPlan) -> JsonPlan {
    JsonPlan {
        vpc_cidr: p.vpc.to_string(),
        firewall_subnet_cidr: p.firewall_subnet.to_string(),
        nat_subnet_cidr: p.nat_subnet.to_string(),
        studio_subnet_cidr: p.studio_subnet.to_string(),
        flags: plan_flags(p),
    }
}

/// `{"ok": bool, "findings": [{severity, code, message, fix}], "suggestion": {...} | null}`
pub fn json(ok: bool, findings: &[Finding], suggestion: Option<&NetworkPlan>) -> String {
    serde_json::to_string_pretty(&value(ok, findings, suggestion)).unwrap_or_default()
}

/// The same document as a JSON value (to embed it in another, e.g. `up`'s lines).
pub fn value(
    ok: bool,
    findings: &[Finding],
    suggestion: Option<&NetworkPlan>,
) -> serde_json::Value {
    let doc = Doc {
        ok,
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                severity: f.severity,
                code: f.code.as_str(),
                message: &f.message,
                fix: &f.fix,
            })
            .collect(),
        suggestion: suggestion.map(plan),
    };
    serde_json::to_value(&doc).unwrap_or_default()
}

fn mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "✔",
        CheckStatus::Warn => "!",
        CheckStatus::Fail => "✘",
    }
}

/// One line per finished check, as it finishes.
pub fn check_line(msg: &PreflightMsg) -> Option<String> {
    match msg {
        PreflightMsg::CheckStarted { .. } => None,
        PreflightMsg::CheckFinished {
            id,
            status,
            duration,
            ..
        } => Some(format!(
            "  {} {:<52} {:>6} ms",
            mark(*status),
            id.title(),
            duration.as_millis()
        )),
    }
}

/// Findings with their fixes, the suggestion with the flags that apply it, and a verdict.
pub fn summary(report: &PreflightReport) -> String {
    let mut out = String::new();
    if !report.findings.is_empty() {
        out.push_str("\nFindings:\n");
        for f in &report.findings {
            out.push_str(&format!(
                "  {:<7} {}: {}\n          fix: {}\n",
                f.severity.to_string(),
                f.code,
                Shown(&f.message),
                Shown(&f.fix)
            ));
        }
    }
    if let Some(s) = &report.suggestion {
        out.push_str(&format!(
            "\nSuggested free range: {} (firewall {}, NAT {}, Studio {})\n  studio-tui preflight {}\n",
            s.vpc,
            s.firewall_subnet,
            s.nat_subnet,
            s.studio_subnet,
            plan_flags(s)
        ));
    }
    let errors = report.findings.iter().filter(|f| f.is_error()).count();
    let warnings = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    out.push_str(&format!(
        "\n{}: {errors} error(s), {warnings} warning(s) in {} ms\n",
        if report.ok() {
            "Ready to deploy"
        } else {
            "Not ready to deploy"
        },
        report.duration.as_millis()
    ));
    out
}

/// A finished check's line on stdout (`studio-tui preflight`; nothing in `--json`).
pub fn print_check(mode: OutputMode, msg: &PreflightMsg) {
    if mode != OutputMode::Json
        && let Some(line) = check_line(msg)
    {
        println!("{line}");
    }
}

/// A finished check's line on stderr (`studio-tui up`'s first step; nothing in `--json`).
pub fn eprint_check(mode: OutputMode, msg: &PreflightMsg) {
    if mode != OutputMode::Json
        && let Some(line) = check_line(msg)
    {
        eprintln!("{line}");
    }
}

/// `up`'s preflight step: a JSON line `{"type":"preflight",…}`, and, when it found what would
/// make the deploy fail, the findings and why nothing was created.
pub fn print_up_step(mode: OutputMode, report: &PreflightReport, passed: bool) {
    if mode == OutputMode::Json {
        let mut doc = value(passed, &report.findings, report.suggestion.as_ref());
        doc["type"] = "preflight".into();
        println!("{doc}");
    }
    if !passed && mode != OutputMode::Json {
        eprint!("{}", summary(report));
        eprintln!("Nothing was created: preflight found what would make the deploy fail.");
    }
}

/// `studio-tui preflight`'s progress: the header once the parameters are resolved, then a line
/// per finished check, on stdout (nothing in `--json`).
pub fn print_standalone(mode: OutputMode, msg: &StandaloneMsg) {
    match msg {
        StandaloneMsg::Resolved {
            project,
            region,
            vpc_cidr,
        } => {
            if mode != OutputMode::Json {
                println!(
                    "Preflight of {} in {} (VPC {})",
                    Shown(project),
                    Shown(region),
                    Shown(vpc_cidr)
                );
            }
        }
        StandaloneMsg::Check(m) => print_check(mode, m),
    }
}

/// `studio-tui preflight`'s end: the document or the summary, or the findings that kept the
/// checks from starting.
pub fn print_result(mode: OutputMode, result: &Result<PreflightReport, Vec<Finding>>) {
    match result {
        Ok(report) if mode == OutputMode::Json => println!(
            "{}",
            json(report.ok(), &report.findings, report.suggestion.as_ref())
        ),
        Ok(report) => print!("{}", summary(report)),
        Err(findings) if mode == OutputMode::Json => {
            println!("{}", json(false, findings, None));
        }
        Err(findings) => {
            for f in findings {
                eprintln!(
                    "error: {}: {}\n  fix: {}",
                    f.code,
                    Shown(&f.message),
                    Shown(&f.fix)
                );
            }
        }
    }
}
