//! `cost` as one workflow: the prices of the session's region (the cache when it is fresh,
//! else the Price List Query API, else the bundled table, which says so) and the estimate of
//! the environment with them. Read-only: GetProducts changes nothing.
//!
//! The cache is one file per region in the user's cache folder (`prices/aws/<region>.json`, or
//! `prices/endpoint/…` for prices an emulator or proxy answered, kept apart from AWS's), with
//! the date the prices were asked, kept a week ([`cost::CACHE_MAX_AGE_MS`]). Prices only: no
//! credentials, no account id. `--read-only` reads the cache and writes none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::aws::stacks::PlannedChange;
use crate::aws::{ErrorKind, Session};
use crate::config::{self, Format, Versioned};
use crate::core::clock;
use crate::core::cost::catalog::SageMakerUse;
use crate::core::cost::{self, Estimate, Footprint, Price, PriceSource, Prices, bundled, catalog};
use crate::ops::Error;

/// The prices of one region as studio-tui got them.
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    pub prices: Prices,
    /// Why the bundled table was used (the API failed or was denied), worded for the user.
    pub fallback: Option<String>,
    /// GetProducts requests sent (one per page).
    pub api_calls: usize,
}

/// What `cost` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostReport {
    pub estimate: Estimate,
    pub fallback: Option<String>,
    pub api_calls: usize,
}

/// The cache file's document.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CacheDoc {
    version: u32,
    region: String,
    /// When the prices were asked (ms since the epoch) and that day (YYYY-MM-DD).
    fetched_ms: i64,
    date: String,
    prices: Prices,
    /// SageMaker instance type → US dollars an hour, asked on `date` too.
    #[serde(default)]
    sagemaker: BTreeMap<String, f64>,
}

impl Versioned for CacheDoc {
    const VERSION: u32 = 1;
    fn version(&self) -> u32 {
        self.version
    }
}

/// Where the prices of `session`'s region are cached under `cache_dir`.
pub fn cache_file(cache_dir: &Path, session: &Session) -> PathBuf {
    let origin = if session.endpoint_url.is_some() {
        "endpoint"
    } else {
        "aws"
    };
    cache_dir
        .join("prices")
        .join(origin)
        .join(format!("{}.json", session.region))
}

fn read_cache(path: &Path, region: &str) -> Option<CacheDoc> {
    let loaded = config::load_as::<CacheDoc>(path, Format::Json, false).ok()?;
    let doc = loaded.doc;
    // The date is printed ("AWS Price List API, <date> (cached)"): anything but YYYY-MM-DD
    // makes the file no cache at all.
    let dates_ok = cost::is_iso_date(&doc.date)
        && doc.prices.prices.values().all(|p| match &p.source {
            PriceSource::Api { date, .. } | PriceSource::Bundled { date, .. } => {
                cost::is_iso_date(date)
            }
        });
    (loaded.problem.is_none() && doc.region == region && doc.prices.region == region && dates_ok)
        .then_some(doc)
}

fn write_cache(path: &Path, doc: &CacheDoc) {
    if let Err(e) = config::save(path, Format::Json, doc) {
        tracing::warn!("could not cache prices in {}: {e}", path.display());
    }
}

fn today(now_ms: i64) -> String {
    clock::utc_time(now_ms).chars().take(10).collect()
}

/// Why the API's prices could not be had, as the output says it.
fn fallback_reason(e: &crate::aws::AwsError) -> String {
    match e.kind {
        ErrorKind::AccessDenied => "pricing:GetProducts is denied to these credentials".to_string(),
        ErrorKind::Unreachable => "the AWS Price List Query API could not be reached".to_string(),
        _ => format!("the AWS Price List Query API failed: {}", e.message),
    }
}

/// The bundled table for `region`, or an empty one when the binary's table cannot be read
/// (then every price is missing, and the estimate says so).
fn bundled_prices(region: &str) -> Prices {
    bundled::prices(region).unwrap_or_else(|e| {
        tracing::error!("{e}");
        Prices {
            region: region.to_string(),
            ..Prices::default()
        }
    })
}

/// The prices of the session's region: the cached ones while fresh, else asked from the Price
/// List Query API (and cached), else the bundled table. A price the API does not list (data
/// transfer out, which is not one of its service codes here) comes from the bundled table,
/// and says so. `Error::Refused` in the GovCloud and China partitions, which get no estimate
/// ([`cost::not_priced`]): their prices are not the bundled US dollar ones.
pub async fn region_prices(session: &Session, cache_dir: Option<&Path>) -> Result<Priced, Error> {
    region_prices_within(session, cache_dir, API_DEADLINE).await
}

/// How long `cost` waits for the Price List Query API before it uses the bundled table.
pub const API_DEADLINE: Duration = Duration::from_secs(20);

/// How long a change set's review waits for prices: the review is what the user is waiting
/// for, the cost line is an addition to it.
pub const REVIEW_DEADLINE: Duration = Duration::from_secs(5);

/// [`region_prices`], with the bundled table after `deadline` without the API's answer.
pub async fn region_prices_within(
    session: &Session,
    cache_dir: Option<&Path>,
    deadline: Duration,
) -> Result<Priced, Error> {
    refuse_unpriced(&session.region)?;
    let region = session.region.clone();
    let now = clock::now_ms();
    let path = cache_dir.map(|d| cache_file(d, session));
    let cached = path.as_deref().and_then(|p| read_cache(p, &region));
    let fallback_table = bundled_prices(&region);
    if let Some(doc) = &cached
        && cost::cache_is_fresh(doc.fetched_ms, now)
    {
        let mut prices = doc.prices.clone();
        for p in prices.prices.values_mut() {
            if let PriceSource::Api { cached, .. } = &mut p.source {
                *cached = true;
            }
        }
        return Ok(Priced {
            prices: prices.filled_from(&fallback_table),
            fallback: None,
            api_calls: 0,
        });
    }
    let source = PriceSource::Api {
        date: today(now),
        cached: false,
    };
    let mut prices = Prices {
        region: region.clone(),
        ..Prices::default()
    };
    let queries = catalog::queries(&region);
    let asked = futures::future::join_all(queries.iter().map(|q| session.get_products(q)));
    let Ok(answers) = tokio::time::timeout(deadline, asked).await else {
        let why = format!(
            "the AWS Price List Query API did not answer within {} s",
            deadline.as_secs()
        );
        tracing::warn!("prices from the bundled table: {why}");
        return Ok(Priced {
            prices: fallback_table,
            fallback: Some(why),
            api_calls: queries.len(),
        });
    };
    let mut api_calls = 0;
    let mut failure = None;
    for (q, answer) in queries.iter().zip(answers) {
        match answer {
            Ok(list) => {
                api_calls += list.pages;
                let read =
                    catalog::read_products(q.service_code, &list.products, &source, &mut prices);
                if read.unreadable > 0 {
                    tracing::warn!(
                        "{} {} products could not be read",
                        read.unreadable,
                        q.service_code
                    );
                }
                if !read.ambiguous.is_empty() {
                    tracing::warn!(
                        "{} products disagree on {:?}: bundled prices used for them",
                        q.service_code,
                        read.ambiguous
                    );
                }
            }
            Err(e) => {
                api_calls += 1;
                failure.get_or_insert(e);
            }
        }
    }
    if let Some(e) = failure {
        tracing::warn!("prices from the bundled table: {e}");
        return Ok(Priced {
            prices: fallback_table,
            fallback: Some(fallback_reason(&e)),
            api_calls,
        });
    }
    // `--read-only` writes no file: the prices are used for this run only.
    if let Some(p) = path.as_ref().filter(|_| !session.read_only) {
        let sagemaker = cached.map(|c| c.sagemaker).unwrap_or_default();
        write_cache(
            p,
            &CacheDoc {
                version: CacheDoc::VERSION,
                region: region.clone(),
                fetched_ms: now,
                date: today(now),
                prices: prices.clone(),
                sagemaker,
            },
        );
    }
    Ok(Priced {
        prices: prices.filled_from(&fallback_table),
        fallback: None,
        api_calls,
    })
}

/// No estimate in the GovCloud and China partitions, and why.
fn refuse_unpriced(region: &str) -> Result<(), Error> {
    match cost::not_priced(region) {
        Some(why) => Err(Error::refused(why)),
        None => Ok(()),
    }
}

/// The monthly estimate of the environment in the session's region.
pub async fn estimate(
    session: &Session,
    cache_dir: Option<&Path>,
    footprint: &Footprint,
) -> Result<CostReport, Error> {
    let priced = region_prices(session, cache_dir).await?;
    Ok(CostReport {
        estimate: cost::estimate(footprint, &priced.prices),
        fallback: priced.fallback,
        api_calls: priced.api_calls,
    })
}

/// A SageMaker instance type's price per hour in the session's region for a Studio app
/// (JupyterLab / Code Editor): [`instance_hourly_for`] with [`SageMakerUse::StudioApp`].
pub async fn instance_hourly(
    session: &Session,
    cache_dir: Option<&Path>,
    instance_type: &str,
) -> Result<Price, Error> {
    instance_hourly_for(session, cache_dir, SageMakerUse::StudioApp, instance_type).await
}

/// A SageMaker instance type's price per hour in the session's region for `usage`: cached
/// with the region's prices, else asked from the Price List Query API, else (Studio apps
/// only) the bundled table. `Error::Missing` when none of them lists it: a notebook
/// instance's or a job's hour is never passed off as a Studio app's.
pub async fn instance_hourly_for(
    session: &Session,
    cache_dir: Option<&Path>,
    usage: SageMakerUse,
    instance_type: &str,
) -> Result<Price, Error> {
    refuse_unpriced(&session.region)?;
    let now = clock::now_ms();
    let key = usage.cache_key(instance_type);
    let path = cache_dir.map(|d| cache_file(d, session));
    let cached = path
        .as_deref()
        .and_then(|p| read_cache(p, &session.region))
        .filter(|d| cost::cache_is_fresh(d.fetched_ms, now));
    if let Some(doc) = &cached
        && let Some(usd) = doc.sagemaker.get(&key)
    {
        return Ok(Price {
            usd: *usd,
            source: PriceSource::Api {
                date: doc.date.clone(),
                cached: true,
            },
        });
    }
    let query = catalog::sagemaker_query(&session.region, instance_type);
    let asked = tokio::time::timeout(API_DEADLINE, session.get_products(&query)).await;
    match asked {
        Ok(Ok(list)) => {
            if let Some(usd) = catalog::sagemaker_hourly_for(&list.products, instance_type, usage) {
                if let (Some(p), Some(mut doc), false) = (&path, cached, session.read_only) {
                    doc.sagemaker.insert(key, usd);
                    write_cache(p, &doc);
                }
                return Ok(Price {
                    usd,
                    source: PriceSource::Api {
                        date: today(now),
                        cached: false,
                    },
                });
            }
        }
        Ok(Err(e)) => tracing::warn!("{instance_type} price from the bundled table: {e}"),
        Err(_) => tracing::warn!(
            "{instance_type} price from the bundled table: no answer within {} s",
            API_DEADLINE.as_secs()
        ),
    }
    let bundled = match usage {
        SageMakerUse::StudioApp => bundled::sagemaker_instance_hour(&session.region, instance_type),
        _ => None,
    };
    bundled.ok_or_else(|| {
        Error::missing(
            instance_type,
            format!(
                "no price for {instance_type} ({}) in {}: the Price List Query API did not list \
                 it and the bundled table does not have it",
                usage.label(),
                session.region
            ),
        )
    })
}

/// What a change set does to the monthly cost: the estimate after it, and the change from
/// before it (counted from the change set's billed resource changes; a first create starts
/// from nothing).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewCost {
    pub change: cost::CostChange,
    pub report: CostReport,
}

impl ReviewCost {
    /// "cost: +$382.60 a month (new environment) before traffic, logs and storage (prices: …)", and
    /// why the bundled table was used when it was.
    pub fn line(&self) -> String {
        let sources: Vec<String> = self
            .report
            .estimate
            .sources
            .iter()
            .map(PriceSource::label)
            .collect();
        let mut out = format!(
            "cost: {} before traffic, logs and storage (prices: {})",
            self.change.line(),
            sources.join("; ")
        );
        if let Some(stand_in) = self.report.estimate.stand_in() {
            out.push_str(&format!("; {stand_in}"));
        }
        if let Some(why) = &self.report.fallback {
            out.push_str(&format!("; bundled because {why}"));
        }
        out
    }
}

/// A change set's changes as the cost sees them: a VPC endpoint's type is the template's
/// (an endpoint the template does not hold, such as one being removed, is of unknown type).
pub fn resource_changes(changes: &[PlannedChange]) -> Vec<cost::ResourceChange> {
    let types = &crate::template::embedded().endpoint_types;
    changes
        .iter()
        .map(|c| cost::ResourceChange {
            action: c.action.clone(),
            resource_type: c.resource_type.clone(),
            interface_endpoint: types
                .iter()
                .find(|(id, _)| *id == c.logical_id)
                .map(|(_, kind)| kind == "Interface"),
        })
        .collect()
}

/// The cost lines of a change set's review: `create` is a first create (nothing billed yet),
/// else an update whose `changes` say what it adds and removes.
pub async fn review_cost(
    session: &Session,
    cache_dir: Option<&Path>,
    create: bool,
    changes: &[cost::ResourceChange],
    footprint: &Footprint,
) -> Result<ReviewCost, Error> {
    let priced = region_prices_within(session, cache_dir, REVIEW_DEADLINE).await?;
    Ok(review_cost_with(priced, create, changes, footprint))
}

/// [`review_cost`] with the prices in hand.
pub fn review_cost_with(
    priced: Priced,
    create: bool,
    changes: &[cost::ResourceChange],
    footprint: &Footprint,
) -> ReviewCost {
    ReviewCost {
        change: cost::CostChange::of(footprint, &priced.prices, create, changes),
        report: CostReport {
            estimate: cost::estimate(footprint, &priced.prices),
            fallback: priced.fallback,
            api_calls: priced.api_calls,
        },
    }
}
