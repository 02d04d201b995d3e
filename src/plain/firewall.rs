//! `firewall blocked`'s output (the domains the firewall blocked, with counts and the NAT
//! gateway address they came through: the firewall cannot see the app behind it) and
//! `firewall check`'s (the verdict on one flow, the route, the deciding rule, the fix).

use serde_json::json;

use crate::cli::OutputMode;
use crate::core::clock::utc_time as time;
use crate::core::egress::{SOURCE_NOTE, allow_hint};
use crate::core::firewall::check::Answer;
use crate::core::shown::{Shown, shown};
use crate::ops::egress::BlockedReport;

/// One line per blocked domain on stdout, the context and a hint on stderr (`--json`: one
/// line).
pub fn print_blocked(mode: OutputMode, report: &BlockedReport) {
    if mode == OutputMode::Json {
        println!(
            "{}",
            json!({"ok": true, "log_group": report.log_group,
            "since": time(report.since_ms), "domains": report.domains,
            "sources_are": "nat_gateway", "sources_note": SOURCE_NOTE})
        );
        return;
    }
    eprintln!(
        "Blocked by the firewall of {} since {} (log group {}, {} page(s) read):",
        Shown(&report.stack_name),
        time(report.since_ms),
        Shown(&report.log_group),
        report.pages
    );
    if report.domains.is_empty() {
        println!("Nothing was blocked.");
    }
    // Host names and sources come from whoever made the connection: shown escaped.
    let rows: Vec<(String, &crate::core::egress::BlockedDomain)> = report
        .domains
        .iter()
        .map(|d| (shown(&d.domain).into_owned(), d))
        .collect();
    let w = rows
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    for (name, d) in &rows {
        let sources: Vec<String> = d.sources.iter().map(|s| shown(s).into_owned()).collect();
        println!(
            "{name:<w$}  {:>6}  first {}  last {}  via NAT gateway {}",
            d.count,
            time(d.first_seen_ms),
            time(d.last_seen_ms),
            sources.join(", ")
        );
    }
    if !report.domains.is_empty() {
        eprintln!("{SOURCE_NOTE}");
    }
    // Only a domain `firewall allow` accepts becomes a command to paste, quoted for the shell.
    if let Some(command) = allow_hint(&report.domains) {
        eprintln!("To allow one: {command} (reviewed like any change set)");
    } else if !report.domains.is_empty() {
        eprintln!(
            "None of these is a domain `studio-tui firewall allow` accepts (host names of \
             letters, digits, dots and hyphens); nothing to suggest."
        );
    }
}

/// `firewall check`: the verdict and why on stdout (`--json`: one object).
pub fn print_check(mode: OutputMode, answer: &Answer) {
    if mode == OutputMode::Json {
        println!("{}", json!({"ok": true, "check": answer}));
        return;
    }
    for line in answer.lines() {
        println!("{line}");
    }
}
