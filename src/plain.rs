//! Line-by-line and JSON output for commands run without the full-screen UI.

use serde::Serialize;

use crate::aws::{AwsError, Identity, Session};
use crate::cli::OutputMode;

/// Print an AWS failure: a headline and the fix on stderr, or one JSON document on stdout.
pub fn print_aws_error(mode: OutputMode, err: &AwsError) {
    match mode {
        OutputMode::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                ok: bool,
                error: &'a AwsError,
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&Doc {
                    ok: false,
                    error: err,
                })
                .unwrap_or_default()
            );
        }
        _ => {
            eprintln!("error: {}: {}", err.headline(), err.message);
            if let Some(code) = &err.code {
                eprintln!("  AWS error code: {code} ({})", err.operation);
            }
            if let Some(fix) = &err.fix {
                eprintln!("  fix: {fix}");
            }
        }
    }
}

/// Warnings about the session itself (a region studio-tui's list does not know), on stderr in
/// every mode: the command goes on, and `--json` keeps stdout for its document.
pub fn print_session_warnings(session: &Session) {
    if let Some(w) = &session.region_warning {
        eprintln!("warning: {w}");
    }
}

/// The identity report of `studio-tui whoami`.
pub fn print_identity(mode: OutputMode, session: &Session, id: &Identity) {
    match mode {
        OutputMode::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                ok: bool,
                account: &'a str,
                arn: &'a str,
                user_id: &'a str,
                region: &'a str,
                profile: Option<&'a str>,
                endpoint_url: Option<&'a str>,
                read_only: bool,
                warnings: Vec<&'a str>,
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&Doc {
                    ok: true,
                    account: &id.account,
                    arn: &id.arn,
                    user_id: &id.user_id,
                    region: &session.region,
                    profile: session.profile.as_deref(),
                    endpoint_url: session.endpoint_url.as_deref(),
                    read_only: session.read_only,
                    warnings: session.region_warning.as_deref().into_iter().collect(),
                })
                .unwrap_or_default()
            );
        }
        _ => {
            println!("account   {}", id.account);
            println!("identity  {}", id.arn);
            println!("region    {}", session.region);
            println!("profile   {}", session.profile_label());
            if let Some(url) = &session.endpoint_url {
                println!("endpoint  {url}");
            }
            if session.read_only {
                println!("mode      read-only (no mutating call will be made)");
            }
        }
    }
}

/// Preflight output: the `--json` document, or a checklist line.
pub mod preflight {
    use serde::Serialize;

    use crate::core::cidr::NetworkPlan;
    use crate::core::finding::{Finding, Severity};
    use crate::ops::preflight::{CheckStatus, PreflightMsg, PreflightReport, plan_flags};

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
        let shown: Vec<&Finding> = report.findings.iter().collect();
        if !shown.is_empty() {
            out.push_str("\nFindings:\n");
            for f in shown {
                out.push_str(&format!(
                    "  {:<7} {}: {}\n          fix: {}\n",
                    f.severity.to_string(),
                    f.code,
                    f.message,
                    f.fix
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
}

/// CloudFormation's pre-deployment validation of a change set (DescribeEvents).
pub mod validation {
    use crate::ops::deploy::ValidationIssue;

    /// One line per failure, with the fix:
    /// `error DataBucket (AWS::S3::Bucket) at /Resources/DataBucket: <AWS's reason>
    /// [NAME_CONFLICT_VALIDATION] fix: <fix>`.
    pub fn line(v: &ValidationIssue) -> String {
        let path = if v.path.is_empty() { "-" } else { &v.path };
        let name = if v.validation.is_empty() {
            String::new()
        } else {
            format!(" [{}]", v.validation)
        };
        format!(
            "  {} {} ({}) at {path}: {}{name} fix: {}",
            v.severity, v.resource, v.resource_type, v.reason, v.fix
        )
    }
}
