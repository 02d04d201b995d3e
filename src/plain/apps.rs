//! `apps`: the domain's apps as a table (owner, app, instance type, status, running since,
//! price an hour) with the total, or one JSON document; and what `apps stop` did.

use serde::Serialize;

use crate::aws::studio::AppInfo;
use crate::cli::OutputMode;
use crate::core::clock;
use crate::core::cost::PriceSource;
use crate::core::cost::runrate::hourly;
use crate::core::shown::{Shown, shown};
use crate::ops::apps::{AppsNow, OwnerKind, Stopped};

use super::{print_json, say};

/// "user alice", "space lab".
fn owner(a: &AppInfo) -> String {
    match (&a.space, &a.user_profile) {
        (Some(s), _) => format!("space {}", shown(s)),
        (None, Some(u)) => format!("user {}", shown(u)),
        (None, None) => "-".to_string(),
    }
}

/// "2026-12-07 21:04 UTC", or "-".
fn since(ms: Option<i64>) -> String {
    ms.map(|ms| format!("{} UTC", &clock::utc_time(ms)[..16]))
        .unwrap_or_else(|| "-".to_string())
}

#[derive(Serialize)]
struct AppRow<'a> {
    owner_kind: OwnerKind,
    owner: &'a str,
    app_type: &'a str,
    name: &'a str,
    status: String,
    /// Billed now (Pending or InService).
    running: bool,
    instance_type: Option<&'a str>,
    /// CreationTime, RFC 3339.
    running_since: Option<String>,
    /// None: price unknown.
    usd_per_hour: Option<f64>,
    price_source: Option<&'a PriceSource>,
}

#[derive(Serialize)]
struct Doc<'a> {
    ok: bool,
    project: &'a str,
    region: &'a str,
    domain_id: &'a str,
    apps: Vec<AppRow<'a>>,
    running: usize,
    /// US dollars an hour of the running apps with a known price.
    total_per_hour: f64,
    /// A running app has no known price: the total is at least this.
    total_is_lower_bound: bool,
    unpriced_running: usize,
    /// Each source once (`Api` with its date and whether cached, or `Bundled` with the
    /// table's date and region).
    prices: &'a [PriceSource],
    prices_label: String,
    unpriced_reason: Option<&'a str>,
}

/// `studio-tui apps`.
pub fn print_apps(mode: OutputMode, project: &str, region: &str, now: &AppsNow) {
    if mode == OutputMode::Json {
        let apps = now
            .apps
            .iter()
            .map(|p| AppRow {
                owner_kind: if p.app.space.is_some() {
                    OwnerKind::Space
                } else {
                    OwnerKind::User
                },
                owner: p
                    .app
                    .space
                    .as_deref()
                    .or(p.app.user_profile.as_deref())
                    .unwrap_or_default(),
                app_type: &p.app.app_type,
                name: &p.app.name,
                status: p.app.status.to_string(),
                running: p.bills(),
                instance_type: p.app.instance_type.as_deref(),
                running_since: p.app.created_ms.map(clock::rfc3339),
                usd_per_hour: p.usd_per_hour(),
                price_source: p.price.as_ref().map(|x| &x.source),
            })
            .collect();
        print_json(&Doc {
            ok: true,
            project,
            region,
            domain_id: &now.domain_id,
            apps,
            running: now.rate.running,
            total_per_hour: (now.rate.per_hour * 10_000.0).round() / 10_000.0,
            total_is_lower_bound: now.rate.is_lower_bound(),
            unpriced_running: now.rate.unpriced,
            prices: &now.sources,
            prices_label: now.sources_label(),
            unpriced_reason: now.unpriced_reason.as_deref(),
        });
        return;
    }
    println!(
        "Apps of Studio domain {} (project {}, {region})",
        Shown(&now.domain_id),
        Shown(project)
    );
    if now.apps.is_empty() {
        println!(
            "No apps: nothing of Studio runs (the environment's own cost: `studio-tui cost`)."
        );
    } else {
        let rows: Vec<[String; 6]> = now
            .apps
            .iter()
            .map(|p| {
                [
                    owner(&p.app),
                    shown(&p.app.label()).into_owned(),
                    shown(p.app.instance_type.as_deref().unwrap_or("-")).into_owned(),
                    p.app.status.to_string(),
                    since(p.app.created_ms),
                    if p.bills() {
                        hourly(p.usd_per_hour())
                    } else {
                        "not billed".to_string()
                    },
                ]
            })
            .collect();
        let heads = [
            "OWNER",
            "APP",
            "INSTANCE",
            "STATUS",
            "RUNNING SINCE",
            "PER HOUR",
        ];
        let mut w = heads.map(|h| h.chars().count());
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let line = |r: &[String; 6]| {
            format!(
                "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:<w4$}  {}",
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3],
                w4 = w[4]
            )
        };
        println!("{}", line(&heads.map(str::to_string)));
        for r in &rows {
            println!("{}", line(r));
        }
    }
    println!(
        "total: {} ({} running)",
        now.rate.phrase(),
        now.rate.running
    );
    if now.rate.is_lower_bound() {
        println!(
            "  {} running app(s) have no known price (no instance type, or none the price \
             tables list): the total is a lower bound",
            now.rate.unpriced
        );
    }
    if let Some(why) = &now.unpriced_reason {
        println!("  no prices: {}", Shown(why));
    } else if !now.sources.is_empty() {
        println!("prices: {}", now.sources_label());
    }
}

/// Which owner and app `apps stop` matched, on stderr (the JSON document comes at the end).
pub fn print_matched(kind: OwnerKind, app: &AppInfo) {
    say(format_args!(
        "matched {} {}: app {} ({}, {})",
        kind.word(),
        Shown(
            app.space
                .as_deref()
                .or(app.user_profile.as_deref())
                .unwrap_or("-")
        ),
        Shown(&app.label()),
        app.status,
        Shown(app.instance_type.as_deref().unwrap_or("no instance type"))
    ));
}

/// What `apps stop` did, from the DescribeApp made after the DeleteApp.
pub fn print_stopped(mode: OutputMode, project: &str, kind: OwnerKind, s: &Stopped) {
    let status = s.status();
    if mode == OutputMode::Json {
        print_json(&serde_json::json!({
            "ok": true,
            "project": project,
            "owner_kind": kind,
            "owner": s.app.space.as_deref().or(s.app.user_profile.as_deref()),
            "app_type": s.app.app_type,
            "name": s.app.name,
            "status": status.to_string(),
            "deleted": s.is_deleted(),
        }));
        return;
    }
    if s.is_deleted() {
        println!(
            "app {} of {}: Deleted (it no longer bills)",
            Shown(&s.app.label()),
            owner(&s.app)
        );
    } else {
        println!(
            "app {} of {}: {status} (DeleteApp was accepted; it bills until it is Deleted: \
             `studio-tui apps` shows it)",
            Shown(&s.app.label()),
            owner(&s.app)
        );
    }
}
