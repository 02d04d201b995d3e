//! `fleet`: one row per environment (profile, account, region, project, stack status, last
//! drift result, domain, users, running apps, run rate), the regions with none summarised per
//! profile, then every failure with its fix; or one JSON document with every profile and
//! region, the empty ones included.

use serde::Serialize;

use crate::cli::OutputMode;
use crate::core::cost::usd;
use crate::core::shown::{Shown, shown};
use crate::ops::Error;
use crate::ops::fleet::{Environment, Fleet, ProfileScan, Summary};

use super::print_json;

#[derive(Serialize)]
struct Doc<'a> {
    ok: bool,
    summary: Summary,
    #[serde(flatten)]
    fleet: &'a Fleet,
}

/// `studio-tui fleet`.
pub fn print_fleet(mode: OutputMode, fleet: &Fleet) {
    if mode == OutputMode::Json {
        print_json(&Doc {
            ok: fleet.ok(),
            summary: fleet.summary(),
            fleet,
        });
        return;
    }
    for line in lines(fleet) {
        println!("{line}");
    }
}

/// The text report, line by line (every foreign value through `shown`).
pub fn lines(fleet: &Fleet) -> Vec<String> {
    let s = fleet.summary();
    let mut out = vec![headline(&s)];
    let rows: Vec<[String; 10]> = fleet
        .environments()
        .into_iter()
        .map(|(p, region, e)| row(p, region, e, fleet.first_read_through(&p.profile, e)))
        .collect();
    if rows.is_empty() {
        out.push("No studio-tui environment in the profiles and regions read.".to_string());
    } else {
        out.extend(table(
            [
                "PROFILE", "ACCOUNT", "REGION", "PROJECT", "STACK", "DRIFT", "DOMAIN", "USERS",
                "APPS", "APPS $/H",
            ],
            &rows,
        ));
    }
    let empty: Vec<String> = fleet
        .profiles
        .iter()
        .filter(|p| !p.empty_regions().is_empty())
        .map(|p| {
            let regions: Vec<String> = p
                .empty_regions()
                .iter()
                .map(|r| shown(r).into_owned())
                .collect();
            format!("  {}: {}", who(p), regions.join(", "))
        })
        .collect();
    if !empty.is_empty() {
        out.push(String::new());
        out.push("No environment (none):".to_string());
        out.extend(empty);
    }
    let failures = failures(fleet);
    if !failures.is_empty() {
        out.push(String::new());
        out.push("Failed (the other rows are complete):".to_string());
        out.extend(failures);
    }
    if s.running_apps > 0 {
        out.push(String::new());
        out.push(format!(
            "Studio apps running now (each stack once; the environment's own hourly cost is \
             not included): {}{} an hour ({} running{})",
            if s.unpriced_apps > 0 { "at least " } else { "" },
            usd(s.per_hour),
            s.running_apps,
            if s.unpriced_apps > 0 {
                format!(", {} without a known price", s.unpriced_apps)
            } else {
                String::new()
            }
        ));
    }
    out
}

/// "Fleet: 3 profiles (2 accounts), 4 regions read, 2 environments; 1 profile failed".
fn headline(s: &Summary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "Fleet: {} ({}), {} read, {}",
        plural(s.profiles, "profile", "profiles"),
        plural(s.accounts, "account", "accounts"),
        plural(s.regions_read, "region", "regions"),
        plural(s.environments, "environment", "environments"),
    );
    if s.failed_profiles > 0 {
        line.push_str(&format!(
            "; {} with a failure",
            plural(s.failed_profiles, "profile", "profiles")
        ));
    }
    line
}

/// "team-a (123456789012)", or the profile alone when its account is not known.
fn who(p: &ProfileScan) -> String {
    match &p.account {
        Some(a) => format!("{} ({})", shown(&p.profile), shown(a)),
        None => shown(&p.profile).into_owned(),
    }
}

/// One environment's row; `again`: the profile it was first read through (the same stack
/// reached by another profile), said in its last cell and left out of the totals.
fn row(p: &ProfileScan, region: &str, e: &Environment, again: Option<&str>) -> [String; 10] {
    let dash = || "-".to_string();
    let drift = match &e.drift_checked {
        Some(at) => format!("{} {}", e.drift, shown(at.get(..10).unwrap_or(at))),
        None => e.drift.to_string(),
    };
    let domain = match &e.domain {
        Some(d) => format!("{} ({})", d.status, shown(&d.id)),
        None if e.error.is_some() => "?".to_string(),
        None => "none".to_string(),
    };
    [
        shown(&p.profile).into_owned(),
        p.account
            .as_deref()
            .map_or_else(dash, |a| shown(a).into_owned()),
        shown(region).into_owned(),
        shown(&e.project).into_owned(),
        e.stack_status.to_string(),
        drift,
        domain,
        e.users.map_or_else(dash, |n| n.to_string()),
        e.run_rate.map_or_else(dash, |r| r.running.to_string()),
        match again {
            Some(first) => format!("same stack as profile {}", shown(first)),
            None => e.run_rate.map_or_else(dash, |r| r.phrase()),
        },
    ]
}

/// Columns padded to their widest cell, two spaces apart.
fn table<const N: usize>(heads: [&str; N], rows: &[[String; N]]) -> Vec<String> {
    let mut w = heads.map(|h| h.chars().count());
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == N {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<width$}  ", width = w[i]));
            }
        }
        s
    };
    let mut out = vec![line(heads.to_vec())];
    out.extend(
        rows.iter()
            .map(|r| line(r.iter().map(String::as_str).collect())),
    );
    out
}

/// Every failure: a profile's, a region's, an environment's part, each with its fix.
fn failures(fleet: &Fleet) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |place: String, e: &Error| {
        out.push(format!(
            "  {place}: {}: {}",
            e.headline(),
            shown(e.message())
        ));
        if let Some(code) = e.code() {
            out.push(format!(
                "    AWS error code: {} ({})",
                Shown(code),
                Shown(e.operation())
            ));
        }
        if let Some(fix) = e.fix() {
            out.push(format!("    fix: {}", shown(fix)));
        }
    };
    for p in &fleet.profiles {
        if let Some(e) = &p.error {
            push(format!("{} (every region)", who(p)), e);
        }
        for r in &p.regions {
            if let Some(e) = &r.error {
                push(format!("{} {}", who(p), shown(&r.region)), e);
            }
            for env in &r.environments {
                if let Some(e) = &env.error {
                    push(
                        format!(
                            "{} {}, project {}",
                            who(p),
                            shown(&r.region),
                            shown(&env.project)
                        ),
                        e,
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{AwsError, ErrorKind};
    use crate::core::cost::runrate::RunRate;
    use crate::core::status::{DomainStatus, StackDriftStatus, StackStatus};
    use crate::ops::fleet::{DomainSummary, RegionScan, RegionSource};

    fn fleet() -> Fleet {
        let env = Environment {
            project: "team\u{1b}[2J-ml".into(),
            stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/team-ml/1".into(),
            stack_name: "team-ml".into(),
            stack_status: StackStatus::CreateComplete,
            drift: StackDriftStatus::InSync,
            drift_checked: Some("2026-12-07T10:00:00Z".into()),
            managed_by_tag: true,
            domain: Some(DomainSummary {
                id: "d-abc".into(),
                status: DomainStatus::InService,
            }),
            users: Some(3),
            run_rate: Some(RunRate {
                per_hour: 0.05,
                running: 1,
                unpriced: 0,
            }),
            error: None,
        };
        let region = |name: &str, environments: Vec<Environment>| RegionScan {
            region: name.into(),
            environments,
            error: None,
        };
        Fleet {
            regions_from: RegionSource::Listed,
            profiles: vec![
                ProfileScan {
                    profile: "team-a".into(),
                    account: Some("123456789012".into()),
                    error: None,
                    regions: vec![region("eu-west-1", vec![env]), region("us-east-1", vec![])],
                },
                ProfileScan {
                    profile: "expired".into(),
                    account: None,
                    error: Some(
                        AwsError::new(
                            ErrorKind::SsoExpired,
                            "sts:GetCallerIdentity",
                            "the SSO token has expired",
                        )
                        .with_fix("run `aws sso login --profile expired` and try again")
                        .into(),
                    ),
                    regions: vec![],
                },
            ],
        }
    }

    #[test]
    fn rows_for_environments_a_summary_for_empty_regions_and_failures_with_fixes() {
        let text = lines(&fleet()).join("\n");
        assert!(
            text.starts_with(
                "Fleet: 2 profiles (1 account), 2 regions read, 1 environment; 1 profile with a \
                 failure"
            ),
            "{text}"
        );
        let row = text
            .lines()
            .find(|l| l.starts_with("team-a"))
            .expect("a row");
        for cell in [
            "123456789012",
            "eu-west-1",
            "team\\u001b[2J-ml",
            "CREATE_COMPLETE",
            "IN_SYNC 2026-12-07",
            "InService (d-abc)",
            "$0.05 an hour",
        ] {
            assert!(row.contains(cell), "{cell} in {row}");
        }
        assert!(!text.contains('\u{1b}'), "a foreign escape is shown inert");
        assert!(
            text.contains("  team-a (123456789012): us-east-1"),
            "{text}"
        );
        assert!(
            text.contains("  expired (every region): Your SSO session has expired"),
            "{text}"
        );
        assert!(
            text.contains("    fix: run `aws sso login --profile expired` and try again"),
            "{text}"
        );
        assert!(
            text.contains(
                "environment's own hourly cost is not included): $0.05 an hour (1 running)"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_json_has_every_region_the_empty_ones_included() {
        let f = fleet();
        let doc = serde_json::to_value(Doc {
            ok: f.ok(),
            summary: f.summary(),
            fleet: &f,
        })
        .unwrap();
        assert_eq!(doc["ok"], false);
        assert_eq!(doc["regions_from"], "listed");
        assert_eq!(doc["summary"]["environments"], 1);
        let a = &doc["profiles"][0];
        assert_eq!(a["regions"][1]["region"], "us-east-1");
        assert_eq!(a["regions"][1]["environments"], serde_json::json!([]));
        let e = &a["regions"][0]["environments"][0];
        assert_eq!(e["stack_status"], "CREATE_COMPLETE");
        assert_eq!(e["drift"], "IN_SYNC");
        assert_eq!(e["domain"]["status"], "InService");
        assert_eq!(e["run_rate"]["running"], 1);
        assert_eq!(doc["profiles"][1]["error"]["kind"], "sso_expired");
    }
}
