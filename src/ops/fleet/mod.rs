//! The fleet at a glance: every environment studio-tui deployed, across profiles (accounts)
//! and regions, one row per (profile, region) that holds one. Read-only: ListStacks, then per
//! environment DescribeStacks, the domain lookup every project command makes, ListUserProfiles
//! and the apps' run rate (`ops::apps::apps_now`). No drift detection is started: the drift
//! shown is the stack's last result, as ListStacks reports it.
//!
//! Each profile is opened once (its credentials resolved once, its identity read once in its
//! home region: `--region`, else the profile's own, else us-east-1); its regions reuse that
//! session ([`Session::in_region`]). Profiles, then rows, run concurrently, at most
//! [`CONCURRENCY`] at a time. Throttling is the SDK's to absorb: every client retries in the
//! standard mode with exponential backoff (`crate::aws::connect`), so no second retry loop is
//! layered on it here. A profile that fails (an expired SSO token, unknown, no credentials)
//! fails its own row with its fix; a region that fails (denied by an SCP, not enabled) fails
//! its own; every other row completes.

pub mod model;

use std::path::{Path, PathBuf};

use futures::stream::{self, StreamExt};

pub use model::{
    DomainSummary, Environment, Fleet, ProfileScan, RegionScan, RegionSource, Summary,
    TEMPLATE_MARK, is_studio_tui_template, project_of, region_fix,
};

use crate::aws::stacks::StackSummary;
use crate::aws::{self, ErrorKind, Session, SessionOptions};
use crate::core::status::StackStatus;
use crate::ops::Error;
use crate::ops::studio::{self, MANAGED_BY};

/// How many profiles, then how many (profile, region) rows, are read at the same time. Each
/// row makes a handful of requests one after the other, so this bounds the requests in flight
/// against one account to about this many; throttling beyond that is the SDK's retry's.
pub const CONCURRENCY: usize = 8;

/// The region a profile's own lookups use when neither `--region` nor the profile names one.
pub const FALLBACK_HOME_REGION: &str = "us-east-1";

/// Which regions to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// These, in every profile.
    Listed(Vec<String>),
    /// Every region enabled for each profile's account (EC2 DescribeRegions).
    Enabled,
    /// Each profile's home region only (`--region`, else the profile's own).
    Home,
}

/// What to read.
#[derive(Debug, Clone)]
pub struct Request {
    /// The profiles, in the order to show them; None is the default credential chain.
    pub profiles: Vec<Option<String>>,
    pub regions: Regions,
    /// What every session starts from: the endpoint, `--read-only`, the sandbox's fixed
    /// credentials, and `--region` (the profiles' home region).
    pub base: SessionOptions,
    /// The price cache (`ops::cost`).
    pub cache_dir: Option<PathBuf>,
    pub concurrency: usize,
}

/// A profile opened: its session in its home region, its account and its regions.
struct Opened {
    session: Session,
    account: String,
    regions: Vec<String>,
}

/// Read the fleet. Never fails as a whole: what failed is in its row.
pub async fn fleet(req: &Request) -> Fleet {
    let limit = req.concurrency.max(1);
    let mut opened: Vec<(usize, String, Result<Opened, Error>)> =
        stream::iter(req.profiles.iter().enumerate())
            .map(|(i, p)| async move {
                let label = label(p.as_deref(), &req.base);
                (i, label, open(req, p.as_deref()).await)
            })
            .buffer_unordered(limit)
            .collect()
            .await;
    opened.sort_by_key(|(i, _, _)| *i);

    let mut jobs = Vec::new();
    let mut profiles = Vec::new();
    for (pi, (_, label, result)) in opened.into_iter().enumerate() {
        match result {
            Ok(o) => {
                for (ri, region) in o.regions.iter().enumerate() {
                    jobs.push((pi, ri, region.clone(), o.session.clone()));
                }
                profiles.push(ProfileScan {
                    profile: label,
                    account: Some(o.account),
                    error: None,
                    regions: Vec::with_capacity(o.regions.len()),
                });
            }
            Err(e) => profiles.push(ProfileScan {
                profile: label,
                account: None,
                error: Some(e),
                regions: Vec::new(),
            }),
        }
    }

    let cache = req.cache_dir.as_deref();
    let accounts: Vec<(String, String)> = profiles
        .iter()
        .map(|p| (p.profile.clone(), p.account.clone().unwrap_or_default()))
        .collect();
    let accounts = &accounts;
    let mut scans: Vec<(usize, usize, RegionScan)> = stream::iter(jobs)
        .map(|(pi, ri, region, home)| async move {
            let (profile, account) = &accounts[pi];
            // Checked already: --regions by the command, the others come from AWS or connect.
            let session = home.for_region(&region);
            let scan = scan_region(&session, cache, profile, account).await;
            (pi, ri, scan)
        })
        .buffer_unordered(limit)
        .collect()
        .await;
    scans.sort_by_key(|(pi, ri, _)| (*pi, *ri));
    for (pi, _, scan) in scans {
        profiles[pi].regions.push(scan);
    }
    Fleet {
        regions_from: match req.regions {
            Regions::Listed(_) | Regions::Home => RegionSource::Listed,
            Regions::Enabled => RegionSource::Enabled,
        },
        profiles,
    }
}

/// How a profile is named in its row: the name asked for, else the default chain's
/// (AWS_PROFILE, else "default"), "sandbox" for `--sandbox`'s fixed credentials.
fn label(profile: Option<&str>, base: &SessionOptions) -> String {
    match profile {
        Some(p) => p.to_string(),
        None if base.fake_credentials => "sandbox".to_string(),
        None => std::env::var("AWS_PROFILE")
            .ok()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| "default".to_string()),
    }
}

/// Open a profile: its session in its home region (a profile without a region uses
/// [`FALLBACK_HOME_REGION`]), whose credentials these are (GetCallerIdentity), and its regions.
async fn open(req: &Request, profile: Option<&str>) -> Result<Opened, Error> {
    let options = SessionOptions {
        profile: profile.map(str::to_string),
        ..req.base.clone()
    };
    let session = match aws::connect(&options).await {
        Err(e) if e.kind == ErrorKind::NoRegion => {
            aws::connect(&SessionOptions {
                region: Some(FALLBACK_HOME_REGION.to_string()),
                ..options
            })
            .await?
        }
        other => other?,
    };
    let identity = session.identity().await?;
    let regions = match &req.regions {
        Regions::Listed(list) => list.clone(),
        Regions::Enabled => session.enabled_regions().await?,
        Regions::Home => vec![session.region.clone()],
    };
    Ok(Opened {
        session,
        account: identity.account,
        regions,
    })
}

/// One (profile, region): the stacks of studio-tui's template there, each with its domain,
/// users and run rate.
pub async fn scan_region(
    session: &Session,
    cache_dir: Option<&Path>,
    profile: &str,
    account: &str,
) -> RegionScan {
    let region = session.region.clone();
    let stacks = match session.live_stacks().await {
        Ok(s) => s,
        Err(e) => {
            return RegionScan {
                error: Some(region_fix(e.into(), profile, account, &region)),
                region,
                environments: Vec::new(),
            };
        }
    };
    let mut environments = Vec::new();
    for s in stacks
        .iter()
        .filter(|s| is_studio_tui_template(s.template_description.as_deref()))
    {
        if let Some(env) = environment(session, cache_dir, s).await {
            environments.push(env);
        }
    }
    environments.sort_by(|a, b| a.project.cmp(&b.project));
    RegionScan {
        region,
        environments,
        error: None,
    }
}

/// One environment, from its ListStacks summary; None when its stack was deleted between the
/// list and the describe.
async fn environment(
    session: &Session,
    cache_dir: Option<&Path>,
    summary: &StackSummary,
) -> Option<Environment> {
    let mut env = Environment {
        project: summary.stack_name.clone(),
        stack_id: summary.stack_id.clone(),
        stack_name: summary.stack_name.clone(),
        stack_status: summary.status.clone(),
        drift: summary.drift.clone(),
        drift_checked: summary.drift_checked.clone(),
        managed_by_tag: false,
        domain: None,
        users: None,
        run_rate: None,
        error: None,
    };
    let (stack, tags) = match session.describe_stack_tagged(&summary.stack_id).await {
        // Described by its id, a stack deleted since the list answers DELETE_COMPLETE.
        Ok(Some(found)) if found.0.status != StackStatus::DeleteComplete => found,
        Ok(_) => return None,
        Err(e) => {
            env.error = Some(e.into());
            return Some(env);
        }
    };
    env.project = project_of(&stack.stack_name, &stack.parameters);
    env.stack_status = stack.status.clone();
    env.managed_by_tag = tags.get(MANAGED_BY.0).map(String::as_str) == Some(MANAGED_BY.1);
    let domain = match studio::domains_of_stack(session, &env.project, Some(&stack)).await {
        Ok(found) => found.ours,
        Err(e) => {
            env.error = Some(e);
            return Some(env);
        }
    };
    let Some(domain) = domain else {
        return Some(env);
    };
    env.domain = Some(DomainSummary {
        id: domain.id.clone(),
        status: domain.status.clone(),
    });
    let (users, apps) = tokio::join!(
        session.list_user_profiles(&domain.id),
        crate::ops::apps::apps_now(session, cache_dir, &domain.id),
    );
    match users {
        Ok(u) => env.users = Some(u.len()),
        Err(e) => env.error = Some(e.into()),
    }
    match apps {
        Ok(now) => env.run_rate = Some(now.rate),
        Err(e) => env.error = env.error.take().or(Some(e)),
    }
    Some(env)
}
