//! The run rate now: the project's domain's apps with their hourly prices (`apps`, the
//! overview's cost row, the users screen), and stopping one app (`apps stop`).
//!
//! An app's price is its instance type's on-demand SageMaker price for Studio in the region
//! ([`cost::instance_hourly`]: the cache, else the Price List Query API, else the bundled
//! table, which says so). Only apps that bill now count: AWS meters a Studio app's instance
//! from its creation until the app is shut down, so Pending and InService ones
//! ([`AppStatus::bills`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::aws::Session;
use crate::aws::studio::AppInfo;
use crate::core::cost::runrate::RunRate;
use crate::core::cost::{self as core_cost, Estimate, Footprint, Price, PriceSource};
use crate::core::status::AppStatus;
use crate::ops::Error;
use crate::ops::cost::{self, CostReport, Priced};
use crate::ops::studio::Poll;

/// The instance type of the Studio Classic JupyterServer: no instance of its own to price.
pub const SYSTEM_INSTANCE: &str = "system";

/// One app with its hourly price (None: no instance type, or no price table lists it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PricedApp {
    pub app: AppInfo,
    pub price: Option<Price>,
}

impl PricedApp {
    pub fn bills(&self) -> bool {
        self.app.status.bills()
    }
    pub fn usd_per_hour(&self) -> Option<f64> {
        self.price.as_ref().map(|p| p.usd)
    }
}

/// The domain's apps (Deleted ones left out) and what the running ones cost an hour.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppsNow {
    pub domain_id: String,
    pub apps: Vec<PricedApp>,
    pub rate: RunRate,
    /// Where the running apps' prices came from, each source once.
    pub sources: Vec<PriceSource>,
    /// Why no app could be priced at all (a partition without prices), when so.
    pub unpriced_reason: Option<String>,
}

impl AppsNow {
    /// The price of this app as listed (same owner, type and name), if it is listed.
    pub fn find(&self, app: &AppInfo) -> Option<&PricedApp> {
        self.apps.iter().find(|p| {
            p.app.app_type == app.app_type
                && p.app.name == app.name
                && p.app.space == app.space
                && p.app.user_profile == app.user_profile
        })
    }

    /// "AWS Price List API, 2026-12-07 (cached); bundled prices of 2026-12-01 (us-east-1)".
    pub fn sources_label(&self) -> String {
        let labels: Vec<String> = self.sources.iter().map(PriceSource::label).collect();
        labels.join("; ")
    }
}

/// Price these apps (Deleted ones are left out): one price per distinct instance type of the
/// apps that bill, asked one after the other so that each lands in the cache before the next.
/// `unpriced`: why nothing can be priced here (then no price is asked).
pub async fn price_apps(
    session: &Session,
    cache_dir: Option<&Path>,
    domain_id: &str,
    apps: Vec<AppInfo>,
    unpriced: Option<String>,
) -> AppsNow {
    let apps: Vec<AppInfo> = apps
        .into_iter()
        .filter(|a| a.status != AppStatus::Deleted)
        .collect();
    let mut prices: BTreeMap<String, Option<Price>> = BTreeMap::new();
    if unpriced.is_none() {
        for a in apps.iter().filter(|a| a.status.bills()) {
            let Some(t) = a.instance_type.as_deref() else {
                continue;
            };
            if t == SYSTEM_INSTANCE || prices.contains_key(t) {
                continue;
            }
            let price = match cost::instance_hourly(session, cache_dir, t).await {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::warn!("{t}: {}", e.message());
                    None
                }
            };
            prices.insert(t.to_string(), price);
        }
    }
    let priced: Vec<PricedApp> = apps
        .into_iter()
        .map(|app| PricedApp {
            price: app
                .instance_type
                .as_ref()
                .and_then(|t| prices.get(t).cloned().flatten()),
            app,
        })
        .collect();
    let rate = RunRate::of(priced.iter().map(|p| (p.bills(), p.usd_per_hour())));
    let mut sources: Vec<PriceSource> = Vec::new();
    for p in priced.iter().filter(|p| p.bills()) {
        if let Some(price) = &p.price
            && !sources.contains(&price.source)
        {
            sources.push(price.source.clone());
        }
    }
    AppsNow {
        domain_id: domain_id.to_string(),
        apps: priced,
        rate,
        sources,
        unpriced_reason: unpriced,
    }
}

/// The region's prices first (so that the instance types' prices are cached beside them), or
/// why the region has none.
async fn region(session: &Session, cache_dir: Option<&Path>) -> Result<Priced, Error> {
    cost::region_prices(session, cache_dir).await
}

/// The domain's apps with their prices: ListApps, then the prices (cached for a week).
pub async fn apps_now(
    session: &Session,
    cache_dir: Option<&Path>,
    domain_id: &str,
) -> Result<AppsNow, Error> {
    let apps = session.list_apps(domain_id).await?;
    let unpriced = region(session, cache_dir)
        .await
        .err()
        .map(|e| e.message().to_string());
    Ok(price_apps(session, cache_dir, domain_id, apps, unpriced).await)
}

/// The overview's cost row: the environment's monthly estimate (the same as `cost`) and,
/// when the project has a domain, its apps' run rate.
#[derive(Debug, Clone, PartialEq)]
pub struct CostNow {
    pub monthly: Result<CostReport, Error>,
    pub apps: Option<Result<AppsNow, Error>>,
}

/// [`CostNow`] with one lookup of the region's prices.
pub async fn cost_now(
    session: &Session,
    cache_dir: Option<&Path>,
    domain_id: Option<&str>,
) -> CostNow {
    let priced = region(session, cache_dir).await;
    let monthly = priced.as_ref().map_err(Clone::clone).map(|p| CostReport {
        estimate: core_cost::estimate(&Footprint::STUDIO_ENVIRONMENT, &p.prices),
        fallback: p.fallback.clone(),
        api_calls: p.api_calls,
    });
    let apps = match domain_id {
        None => None,
        Some(id) => Some(match session.list_apps(id).await {
            Ok(apps) => {
                let unpriced = priced.as_ref().err().map(|e| e.message().to_string());
                Ok(price_apps(session, cache_dir, id, apps, unpriced).await)
            }
            Err(e) => Err(e.into()),
        }),
    };
    CostNow { monthly, apps }
}

/// The environment's monthly total as the overview says it: "about $412.34 a month".
pub fn monthly_phrase(e: &Estimate) -> String {
    format!("about {} a month", core_cost::usd(e.monthly))
}

/// Which kind of owner `apps stop` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OwnerKind {
    User,
    Space,
}

impl OwnerKind {
    pub fn word(self) -> &'static str {
        match self {
            OwnerKind::User => "user",
            OwnerKind::Space => "space",
        }
    }
}

/// The app `apps stop OWNER APP` names: OWNER is a user profile or a space of the domain
/// (`want` decides when it is both), APP is `TYPE/NAME` or a name only one app of the owner
/// has. Deleted apps are not candidates.
pub fn pick_app(
    owner: &str,
    app: &str,
    want: Option<OwnerKind>,
    users: &[String],
    spaces: &[String],
    apps: &[AppInfo],
) -> Result<(OwnerKind, AppInfo), Error> {
    let is_user = users.iter().any(|u| u == owner);
    let is_space = spaces.iter().any(|s| s == owner);
    let shown = crate::core::shown::shown;
    let kind = match (want, is_user, is_space) {
        (Some(OwnerKind::User), true, _) => OwnerKind::User,
        (Some(OwnerKind::Space), _, true) => OwnerKind::Space,
        (Some(k), _, _) => {
            return Err(Error::missing(
                "sagemaker:ListApps",
                format!(
                    "there is no {} named {} in the domain",
                    k.word(),
                    shown(owner)
                ),
            )
            .with_fix("`studio-tui apps` lists every app with its owner"));
        }
        (None, true, true) => {
            return Err(Error::refused(format!(
                "{} is both a user profile and a space of the domain",
                shown(owner)
            ))
            .with_fix("say which with --user or --space"));
        }
        (None, true, false) => OwnerKind::User,
        (None, false, true) => OwnerKind::Space,
        (None, false, false) => {
            return Err(Error::missing(
                "sagemaker:ListApps",
                format!(
                    "there is no user profile or space named {} in the domain",
                    shown(owner)
                ),
            )
            .with_fix("`studio-tui apps` lists every app with its owner"));
        }
    };
    let owned: Vec<&AppInfo> = apps
        .iter()
        .filter(|a| a.status != AppStatus::Deleted)
        .filter(|a| match kind {
            OwnerKind::User => a.space.is_none() && a.user_profile.as_deref() == Some(owner),
            OwnerKind::Space => a.space.as_deref() == Some(owner),
        })
        .collect();
    let matching: Vec<&AppInfo> = owned
        .iter()
        .copied()
        .filter(|a| a.label() == app || a.name == app)
        .collect();
    let labels = |v: &[&AppInfo]| {
        let l: Vec<String> = v.iter().map(|a| shown(&a.label()).into_owned()).collect();
        if l.is_empty() {
            "none".to_string()
        } else {
            l.join(", ")
        }
    };
    match matching.as_slice() {
        [one] => Ok((kind, (*one).clone())),
        [] => Err(Error::missing(
            "sagemaker:ListApps",
            format!(
                "{} {} has no app {} (its apps: {})",
                kind.word(),
                shown(owner),
                shown(app),
                labels(&owned)
            ),
        )
        .with_fix(
            "name the app as TYPE/NAME, e.g. JupyterLab/default; `studio-tui apps` lists them",
        )),
        many => Err(Error::refused(format!(
            "{} {} has several apps named {}: {}",
            kind.word(),
            shown(owner),
            shown(app),
            labels(many)
        ))
        .with_fix("name the app as TYPE/NAME, e.g. JupyterLab/default")),
    }
}

/// What `apps stop` did: the app as DescribeApp answered after the DeleteApp (None: AWS no
/// longer knows it, i.e. deleted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stopped {
    pub app: AppInfo,
    pub after: Option<AppInfo>,
}

impl Stopped {
    /// Deleted (or gone) by the last describe.
    pub fn is_deleted(&self) -> bool {
        self.after
            .as_ref()
            .is_none_or(|a| a.status == AppStatus::Deleted)
    }

    /// "Deleted", "Deleting": the status DescribeApp gave last.
    pub fn status(&self) -> AppStatus {
        self.after
            .as_ref()
            .map_or(AppStatus::Deleted, |a| a.status.clone())
    }
}

/// Delete one app (DeleteApp) and describe it until it is Deleted or `poll.timeout` ran out
/// (then it is reported as still Deleting). An app that goes Failed is an error.
pub async fn stop_app(session: &Session, app: &AppInfo, poll: Poll) -> Result<Stopped, Error> {
    session.delete_app(app).await?;
    let start = Instant::now();
    let mut delay = poll.initial;
    loop {
        let after = session.describe_app(app).await?;
        match after.as_ref().map(|a| &a.status) {
            None | Some(AppStatus::Deleted) => {
                return Ok(Stopped {
                    app: app.clone(),
                    after,
                });
            }
            Some(AppStatus::Failed) => {
                return Err(Error::failed(
                    "sagemaker:DescribeApp",
                    format!(
                        "app {} went Failed while being deleted",
                        crate::core::shown::shown(&app.label())
                    ),
                )
                .with_fix("look at its failure reason in the SageMaker console, then run the command again"));
            }
            Some(_) if start.elapsed() >= poll.timeout => {
                return Ok(Stopped {
                    app: app.clone(),
                    after,
                });
            }
            Some(_) => {}
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(poll.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(user: Option<&str>, space: Option<&str>, t: &str, name: &str) -> AppInfo {
        AppInfo {
            domain_id: "d-1".into(),
            app_type: t.into(),
            name: name.into(),
            user_profile: user.map(str::to_string),
            space: space.map(str::to_string),
            status: AppStatus::InService,
            ..AppInfo::default()
        }
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_owner_is_a_user_or_a_space_and_both_needs_a_flag() {
        let apps = vec![
            app(Some("ann"), None, "JupyterServer", "default"),
            app(Some("ann"), Some("lab"), "JupyterLab", "default"),
            app(Some("ann"), Some("lab"), "CodeEditor", "default"),
        ];
        let (users, spaces) = (names(&["ann", "lab"]), names(&["lab"]));
        let (k, a) = pick_app("ann", "default", None, &users, &spaces, &apps).unwrap();
        assert_eq!((k, a.app_type.as_str()), (OwnerKind::User, "JupyterServer"));
        let e = pick_app("lab", "JupyterLab/default", None, &users, &spaces, &apps).unwrap_err();
        assert!(
            e.is_refusal() && e.fix().unwrap().contains("--space"),
            "{e:?}"
        );
        let (k, a) = pick_app(
            "lab",
            "JupyterLab/default",
            Some(OwnerKind::Space),
            &users,
            &spaces,
            &apps,
        )
        .unwrap();
        assert_eq!(
            (k, a.label().as_str()),
            (OwnerKind::Space, "JupyterLab/default")
        );
        // a name two apps share needs TYPE/NAME
        let e = pick_app(
            "lab",
            "default",
            Some(OwnerKind::Space),
            &users,
            &spaces,
            &apps,
        )
        .unwrap_err();
        assert!(e.message().contains("several"), "{e:?}");
        let e = pick_app("zed", "default", None, &users, &spaces, &apps).unwrap_err();
        assert!(e.message().contains("no user profile or space"), "{e:?}");
        let e = pick_app("ann", "nope", None, &users, &spaces, &apps).unwrap_err();
        assert!(e.message().contains("JupyterServer/default"), "{e:?}");
    }
}
