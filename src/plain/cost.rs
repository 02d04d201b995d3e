//! `cost` and the cost lines of a deploy's review: the monthly estimate itemised, the per-GB
//! rates, the waiver, and where the prices came from (the bundled table always says so).

use serde::Serialize;

use crate::cli::OutputMode;
use crate::core::cost::{Estimate, WAIVER, rate_usd, usd};
use crate::core::shown::Shown;
use crate::ops::cost::CostReport;

/// The lines of an estimate (no trailing newline), shared by `cost` and the review.
pub fn estimate_lines(estimate: &Estimate, fallback: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let sources: Vec<String> = estimate.sources.iter().map(|s| s.label()).collect();
    out.push(format!("prices: {}", sources.join("; ")));
    if let Some(why) = fallback {
        out.push(format!(
            "note: {} are used because {}",
            sources.last().map_or("bundled prices", String::as_str),
            Shown(why)
        ));
    }
    let mixed = estimate.sources.len() > 1;
    let mark = |s: &crate::core::cost::PriceSource| {
        if mixed && s.is_bundled() {
            "  [bundled]"
        } else {
            ""
        }
    };
    for i in &estimate.items {
        let waived = if i.waived.is_some() {
            format!("  (waived; list {})", usd(i.list_monthly))
        } else {
            String::new()
        };
        out.push(format!(
            "  {:<36} {:<25} {:>7} {:<26} {:>9}{waived}{}",
            i.label,
            i.quantity,
            rate_usd(i.unit_price),
            i.unit,
            usd(i.monthly),
            mark(&i.source)
        ));
    }
    let stand_in = estimate
        .stand_in()
        .map_or(String::new(), |s| format!(" ({s})"));
    out.push(format!(
        "  {:<36} {:>70}  a month, before traffic, logs and storage{stand_in}",
        "total",
        usd(estimate.monthly)
    ));
    if !estimate.missing.is_empty() {
        let names: Vec<String> = estimate.missing.iter().map(|k| format!("{k:?}")).collect();
        out.push(format!(
            "  not counted (no price found): {}",
            names.join(", ")
        ));
    }
    out.push("per GB, as rates (traffic is not guessed):".to_string());
    for r in &estimate.rates {
        let note = r
            .note
            .as_deref()
            .map_or(String::new(), |n| format!("  ({n})"));
        out.push(format!(
            "  {:<40} {:>7} {}{note}{}",
            r.label,
            rate_usd(r.usd),
            r.unit,
            mark(&r.source)
        ));
    }
    if estimate.items.iter().any(|i| i.waived.is_some()) {
        out.push(format!("waiver: {WAIVER}."));
    }
    out
}

/// `studio-tui cost`: the estimate for `project` in the region (`deployed`: its stack exists).
pub fn print_cost(mode: OutputMode, project: &str, deployed: bool, report: &CostReport) {
    let e = &report.estimate;
    if mode == OutputMode::Json {
        #[derive(Serialize)]
        struct Doc<'a> {
            ok: bool,
            region: &'a str,
            project: &'a str,
            deployed: bool,
            monthly_usd: f64,
            items: &'a [crate::core::cost::LineItem],
            rates: &'a [crate::core::cost::Rate],
            sources: Vec<String>,
            bundled: bool,
            /// Another region's bundled prices stand in for this one's.
            stand_in: Option<String>,
            fallback: Option<&'a str>,
            missing: &'a [crate::core::cost::PriceKey],
            waiver: &'static str,
            get_products_calls: usize,
        }
        let doc = Doc {
            ok: true,
            region: &e.region,
            project,
            deployed,
            monthly_usd: (e.monthly * 100.0).round() / 100.0,
            items: &e.items,
            rates: &e.rates,
            sources: e.sources.iter().map(|s| s.label()).collect(),
            bundled: e.sources.iter().any(|s| s.is_bundled()),
            stand_in: e.stand_in(),
            fallback: report.fallback.as_deref(),
            missing: &e.missing,
            waiver: WAIVER,
            get_products_calls: report.api_calls,
        };
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return;
    }
    println!(
        "Monthly cost of the environment in {} (project {}, {})",
        Shown(&e.region),
        Shown(project),
        if deployed {
            "deployed: what it bills now"
        } else {
            "not deployed: what a deploy would add"
        }
    );
    for line in estimate_lines(e, report.fallback.as_deref()) {
        println!("{line}");
    }
    println!("Studio apps bill by the hour on top, for as long as they run.");
}

/// The cost of a change set under its review: one line on stderr (`--plain`), or one JSON line
/// `{"type": "cost", …}` on stdout (`--json`), like the review itself.
/// A cost that could not be estimated (GovCloud, China) says so and why.
pub fn print_review_cost(
    mode: OutputMode,
    cost: &Result<crate::ops::cost::ReviewCost, crate::ops::Error>,
) {
    let cost = match cost {
        Ok(c) => c,
        Err(e) => {
            if mode == OutputMode::Json {
                let doc = serde_json::json!({
                    "type": "cost",
                    "estimated": false,
                    "reason": e.message(),
                });
                println!("{doc}");
            } else {
                eprintln!("cost: not estimated ({})", Shown(e.message()));
            }
            return;
        }
    };
    if mode == OutputMode::Json {
        #[derive(Serialize)]
        struct Doc<'a> {
            r#type: &'static str,
            estimated: bool,
            monthly_usd: f64,
            before_usd: Option<f64>,
            /// None when the change could not be counted (never an invented 0).
            change_usd: Option<f64>,
            change_estimated: bool,
            sources: Vec<String>,
            /// Another region's bundled prices stand in for this one's.
            stand_in: Option<String>,
            fallback: Option<&'a str>,
        }
        let round = |v: f64| (v * 100.0).round() / 100.0;
        let doc = Doc {
            r#type: "cost",
            estimated: true,
            monthly_usd: round(cost.change.after),
            before_usd: match cost.change.before {
                crate::core::cost::Before::Usd(b) => Some(round(b)),
                crate::core::cost::Before::Nothing | crate::core::cost::Before::Unknown => None,
            },
            change_usd: cost.change.delta().map(round),
            change_estimated: cost.change.delta().is_some(),
            sources: cost
                .report
                .estimate
                .sources
                .iter()
                .map(|s| s.label())
                .collect(),
            stand_in: cost.report.estimate.stand_in(),
            fallback: cost.report.fallback.as_deref(),
        };
        println!("{}", serde_json::to_string(&doc).unwrap_or_default());
        return;
    }
    eprintln!("{}", Shown(&cost.line()));
    eprintln!("  `studio-tui cost` itemises it, with the per-GB rates of the traffic.");
}
