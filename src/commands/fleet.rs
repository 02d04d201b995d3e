//! `studio-tui fleet`: every environment studio-tui deployed, across profiles and regions
//! (`ops::fleet`), printed by `plain::fleet`. Read-only by nature: it makes no mutating call,
//! with or without `--read-only`. Exit codes: 0 every profile and region was read, 1 one of
//! them (or a part of an environment) could not be read, 2 bad input (a malformed region name,
//! `--all-profiles` with no profile configured).

use super::Invocation;
use crate::aws::SessionOptions;
use crate::cli::FleetArgs;
use crate::core::shown::Shown;
use crate::ops::fleet::{self, CONCURRENCY, Regions, Request};
use crate::{aws, exit, plain};

pub async fn run(inv: &Invocation, args: &FleetArgs) -> anyhow::Result<i32> {
    let profiles: Vec<Option<String>> = if args.all_profiles {
        let names = aws::list_profiles().await;
        if names.is_empty() {
            plain::say(
                "error: --all-profiles found no profile in ~/.aws/config or ~/.aws/credentials \
                 (nor in AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE)\n  fix: create one with \
                 `aws configure --profile NAME` or `aws configure sso`, or name them with \
                 --profiles",
            );
            return Ok(exit::USAGE);
        }
        names.into_iter().map(Some).collect()
    } else if let Some(list) = &args.profiles {
        let mut names: Vec<Option<String>> = Vec::new();
        for p in list.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            if !names.iter().any(|n| n.as_deref() == Some(p)) {
                names.push(Some(p.to_string()));
            }
        }
        names
    } else {
        vec![inv.options.profile.clone()]
    };
    let regions = if args.all_regions {
        Regions::Enabled
    } else if let Some(list) = &args.regions {
        let mut names: Vec<String> = Vec::new();
        for r in list.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            // A name that cannot be a region is refused before any call; one studio-tui's list
            // does not know is read, with a warning.
            match aws::check_region(r) {
                Ok(Some(warning)) => plain::say(format_args!("warning: {}", Shown(&warning))),
                Ok(None) => {}
                Err(e) => {
                    plain::print_error(inv.mode, &e.into());
                    return Ok(exit::USAGE);
                }
            }
            if !names.iter().any(|n| n == r) {
                names.push(r.to_string());
            }
        }
        Regions::Listed(names)
    } else {
        Regions::Home
    };
    if profiles.is_empty() || regions == Regions::Listed(Vec::new()) {
        plain::say("error: no profile or no region to read\n  fix: name at least one of each");
        return Ok(exit::USAGE);
    }
    // The SDK takes credentials from the environment before any profile's: every profile
    // would then read the same account, and a named profile's row would be the environment's.
    if profiles.iter().any(Option::is_some)
        && !inv.options.fake_credentials
        && std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty())
    {
        plain::say(
            "warning: AWS_ACCESS_KEY_ID is set: the AWS SDK uses the environment's credentials \
             before any profile's, so each named profile reads the account of those credentials; \
             unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to read each \
             profile's own",
        );
    }
    let request = Request {
        profiles,
        regions,
        // Always read-only: the SDK interceptor then refuses any mutating call, whatever the
        // flags say.
        base: SessionOptions {
            read_only: true,
            ..inv.options.clone()
        },
        cache_dir: Some(inv.paths()?.cache_dir.clone()),
        concurrency: CONCURRENCY,
    };
    let found = fleet::fleet(&request).await;
    plain::fleet::print_fleet(inv.mode, &found);
    Ok(if found.ok() { exit::OK } else { exit::FAILED })
}
