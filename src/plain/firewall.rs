//! `firewall blocked`'s output (the domains the firewall blocked, with counts and the NAT
//! gateway address they came through: the firewall cannot see the app behind it) and
//! `firewall check`'s (the verdict on one flow, the route, the deciding rule, the fix).

use serde_json::json;

use crate::cli::OutputMode;
use crate::core::clock::utc_time as time;
use crate::core::egress::SOURCE_NOTE;
use crate::core::firewall::check::Answer;
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
        report.stack_name,
        time(report.since_ms),
        report.log_group,
        report.pages
    );
    if report.domains.is_empty() {
        println!("Nothing was blocked.");
    }
    let w = report
        .domains
        .iter()
        .map(|d| d.domain.len())
        .max()
        .unwrap_or(6)
        .max(6);
    for d in &report.domains {
        println!(
            "{:<w$}  {:>6}  first {}  last {}  via NAT gateway {}",
            d.domain,
            d.count,
            time(d.first_seen_ms),
            time(d.last_seen_ms),
            d.sources.join(", ")
        );
    }
    if !report.domains.is_empty() {
        eprintln!("{SOURCE_NOTE}");
    }
    if let Some(top) = report.domains.first() {
        eprintln!(
            "To allow one: studio-tui firewall allow {} (reviewed like any change set)",
            top.domain
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
