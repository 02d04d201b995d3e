//! "pip install is blocked": the firewall's blocked domains, read from its own alert log group
//! (found from the stack's resources, never from a guessed name), and the allow list edited with
//! the parameter form's rules, deployed through the usual change-set review.

use serde::Serialize;

use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::core::egress::{BLOCKED_PATTERN, BlockedDomain, BlockedTally};
use crate::core::field::Field;
use crate::core::firewall::Flow;
use crate::core::firewall::check::{Answer, answer};
use crate::core::firewall::path::{PathContext, route};
use crate::core::params::{
    MAX_ALLOWED_DOMAINS, ParamsDraft, domain_matches, validate_domain, wider_fix,
};
use crate::core::s3_names::s3_bypass;
use crate::core::status::StackStatus;
use crate::ops::Error;

/// What the firewall blocked in a time window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockedReport {
    pub stack_name: String,
    pub log_group: String,
    pub since_ms: i64,
    /// FilterLogEvents pages read.
    pub pages: usize,
    pub domains: Vec<BlockedDomain>,
    /// Alert records that were not blocked TLS/HTTP connections with a host.
    pub skipped: u64,
}

/// The stack's firewall alert log group (the AWS::Logs::LogGroup the template creates for it).
pub async fn alert_log_group(session: &Session, stack: &StackInfo) -> Result<String, Error> {
    let groups: Vec<_> = session
        .stack_resources(&stack.stack_id)
        .await?
        .into_iter()
        .filter(|r| r.resource_type == "AWS::Logs::LogGroup" && r.physical_id.is_some())
        .collect();
    groups
        .iter()
        .find(|r| r.logical_id.contains("Alert"))
        .or(groups.first())
        .and_then(|r| r.physical_id.clone())
        .ok_or_else(|| {
            Error::missing(
                "cloudformation:ListStackResources",
                format!("stack {} has no firewall alert log group", stack.stack_name),
            )
            .with_fix("update the stack with `studio-tui deploy` (the template creates it)")
        })
}

async fn existing_stack(session: &Session, stack_name: &str) -> Result<StackInfo, Error> {
    session
        .describe_stack(stack_name)
        .await?
        .filter(|s| s.status != StackStatus::DeleteComplete)
        .ok_or_else(|| {
            Error::missing(
                "cloudformation:DescribeStacks",
                format!("there is no stack {stack_name} in {}", session.region),
            )
            .with_fix("deploy the environment first (`studio-tui up`), or pass --project-name")
        })
}

/// Blocked domains since `since_ms` ago, most frequent first; the log is read page by page.
pub async fn blocked(
    session: &Session,
    stack_name: &str,
    since_ms: i64,
) -> Result<BlockedReport, Error> {
    let stack = existing_stack(session, stack_name).await?;
    let group = alert_log_group(session, &stack).await?;
    let start = crate::core::clock::now_ms() - since_ms;
    let mut tally = BlockedTally::default();
    let pages = session
        .for_each_log_event(&group, start, BLOCKED_PATTERN, |events| {
            for e in events {
                tally.add(e.timestamp_ms, &e.message);
            }
        })
        .await?;
    Ok(BlockedReport {
        stack_name: stack.stack_name,
        log_group: group,
        since_ms: start,
        pages,
        domains: tally.domains(),
        skipped: tally.skipped,
    })
}

/// `firewall check`: the route of `flow` from a Studio app (the VPC's endpoints read with
/// DescribeVpcEndpoints / DescribeVpcEndpointServices), and, when it crosses the firewall, the
/// deployed policy and rule groups read through Network Firewall's own API and evaluated.
/// Read calls only. The firewall is read only when the route reaches it.
pub async fn check(session: &Session, stack_name: &str, flow: &Flow) -> Result<Answer, Error> {
    let stack = existing_stack(session, stack_name).await?;
    let resources = session.stack_resources(&stack.stack_id).await?;
    let physical = |rtype: &str| {
        resources
            .iter()
            .find(|r| r.resource_type == rtype)
            .and_then(|r| r.physical_id.clone())
            .filter(|p| !p.is_empty())
    };
    let missing = |what: &str| {
        Error::missing(
            "cloudformation:ListStackResources",
            format!("stack {} has no {what}", stack.stack_name),
        )
        .with_fix("update the stack with `studio-tui deploy` (the template creates it)")
    };
    let vpc = physical("AWS::EC2::VPC").ok_or_else(|| missing("VPC"))?;
    let endpoints = session.vpc_endpoints(&vpc).await?;
    let ctx = PathContext {
        region: session.region.clone(),
        vpc_cidr: Field::VpcCidr
            .in_stack(&stack.parameters)
            .and_then(|c| c.parse().ok()),
        interface_endpoints: endpoints.interface,
        s3_gateway: endpoints.s3_gateway,
    };
    let route = route(flow, &ctx);
    if !route.crosses_firewall() {
        return Ok(answer(flow, route, None));
    }
    let firewall =
        physical("AWS::NetworkFirewall::Firewall").ok_or_else(|| missing("Network Firewall"))?;
    let deployed = session.deployed_firewall(&firewall).await?;
    let decision = deployed.evaluate(flow);
    Ok(answer(flow, route, Some(decision)))
}

/// The deployed parameters of the stack, as the form holds them.
pub fn parameters_of(stack: &StackInfo) -> ParamsDraft {
    let mut p = ParamsDraft {
        project_name: stack.stack_name.clone(),
        ..ParamsDraft::default()
    };
    for (k, v) in &stack.parameters {
        if let Some(f) = Field::from_cfn_name(k) {
            p.set(f, v);
        }
    }
    p
}

/// What an edit of the allow list does, entry by entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowListEdit {
    pub before: Vec<String>,
    pub after: Vec<String>,
    /// Lines such as "pypi.org: already allowed by .pypi.org".
    pub notes: Vec<String>,
    /// Entries of `after` that admit Amazon S3 outside the region's gateway endpoint, with the
    /// reason (said before the review; the change is still the user's to make).
    pub warnings: Vec<String>,
}

impl AllowListEdit {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// Add (`allow`) or remove domains, with the form's rules: each entry validated (no scheme, path
/// or port; leading-dot semantics), IAM kept reachable (removing `.amazonaws.com` puts the exact
/// `iam.amazonaws.com` in its place), at most [`MAX_ALLOWED_DOMAINS`] entries (the rule group's
/// fixed capacity). An added entry that admits S3 outside `region`'s gateway endpoint is
/// warned about. An error names the entry and the fix.
pub fn edit_allow_list(
    current: &[String],
    domains: &[String],
    allow: bool,
    region: &str,
) -> Result<AllowListEdit, Error> {
    let invalid = |msg: String, fix: String| Error::refused(msg).with_fix(fix);
    let mut after = current.to_vec();
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    for d in domains {
        let d = d.trim().to_ascii_lowercase();
        if let Err(e) = validate_domain(&d) {
            return Err(invalid(e.message, e.fix));
        }
        if allow {
            if let Some(wider) = after
                .iter()
                .find(|e| domain_matches(e, d.trim_start_matches('.')) && **e != d)
            {
                notes.push(format!("{d}: already allowed by {wider}"));
                continue;
            }
            if after.contains(&d) {
                notes.push(format!("{d}: already in the allow list"));
                continue;
            }
            if let Some(why) = s3_bypass(&d, Some(region)) {
                warnings.push(format!("warning: {why}"));
            }
            after.push(d);
        } else {
            match after.iter().position(|e| *e == d) {
                Some(i) => {
                    after.remove(i);
                }
                None => notes.push(format!("{d}: not in the allow list")),
            }
        }
    }
    if !allow && !after.iter().any(|e| domain_matches(e, IAM_HOST)) {
        if domains
            .iter()
            .any(|d| d.trim().eq_ignore_ascii_case(IAM_HOST))
        {
            return Err(invalid(
                format!(
                    "{IAM_HOST} must stay in the allow list: IAM has no VPC endpoint, so IAM \
                     calls from Studio would time out"
                ),
                "keep it; remove only the domains you added".into(),
            ));
        }
        after.push(IAM_HOST.to_string());
        notes.push(format!(
            "{IAM_HOST}: added so that IAM stays reachable (it has no VPC endpoint)"
        ));
    }
    if after.len() > MAX_ALLOWED_DOMAINS {
        return Err(invalid(
            format!(
                "the allow list would have {} entries; the firewall rule group's capacity (200, \
                 fixed at creation) holds {MAX_ALLOWED_DOMAINS} domains matched on TLS SNI and \
                 HTTP Host",
                after.len()
            ),
            "use leading-dot entries (.example.com covers every subdomain) or remove unused ones"
                .into(),
        ));
    }
    Ok(AllowListEdit {
        before: current.to_vec(),
        after,
        notes,
        warnings,
    })
}

/// IAM's global endpoint: no VPC endpoint serves it, so the allow list keeps it reachable.
pub const IAM_HOST: &str = "iam.amazonaws.com";

/// An entry of a deployed allow list that admits S3 around the region's gateway endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WideEntry {
    pub entry: String,
    pub why: String,
    pub fix: String,
}

/// The entries of a deployed allow list that admit S3 around `region`'s gateway endpoint (the
/// wide `.amazonaws.com` earlier templates had by default, for instance).
pub fn wide_entries(allowed: &[String], region: &str) -> Vec<WideEntry> {
    allowed
        .iter()
        .filter_map(|e| {
            s3_bypass(e, Some(region)).map(|why| WideEntry {
                entry: e.clone(),
                why,
                fix: wider_fix(e),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn allow_adds_validated_domains_and_skips_covered_ones() {
        let cur = list(&["iam.amazonaws.com", ".pythonhosted.org"]);
        let e = edit_allow_list(
            &cur,
            &list(&["PyPI.org", "files.pythonhosted.org"]),
            true,
            "us-east-1",
        )
        .unwrap();
        assert_eq!(
            e.after,
            list(&["iam.amazonaws.com", ".pythonhosted.org", "pypi.org"])
        );
        assert_eq!(
            e.notes,
            ["files.pythonhosted.org: already allowed by .pythonhosted.org"]
        );
        assert!(e.warnings.is_empty());
        let bad =
            edit_allow_list(&cur, &list(&["https://github.com/x"]), true, "us-east-1").unwrap_err();
        assert!(bad.message().contains("URL"), "{bad}");
        assert!(bad.fix().unwrap().contains("github.com"));
    }

    #[test]
    fn allowing_s3_of_another_region_is_warned_about() {
        let cur = list(&["iam.amazonaws.com"]);
        let e = edit_allow_list(
            &cur,
            &list(&["s3.eu-west-1.amazonaws.com", "s3.us-east-1.amazonaws.com"]),
            true,
            "us-east-1",
        )
        .unwrap();
        assert_eq!(e.after.len(), 3);
        assert_eq!(e.warnings.len(), 1, "{:?}", e.warnings);
        assert!(
            e.warnings[0].contains("S3 in eu-west-1"),
            "{:?}",
            e.warnings
        );
        let wide = edit_allow_list(&cur, &list(&[".amazonaws.com"]), true, "us-east-1").unwrap();
        assert!(
            wide.warnings[0].contains("every region"),
            "{:?}",
            wide.warnings
        );
    }

    #[test]
    fn deny_removes_keeps_iam_reachable_and_capacity_is_enforced() {
        let cur = list(&[".amazonaws.com", "pypi.org"]);
        let e = edit_allow_list(
            &cur,
            &list(&["pypi.org", "nothere.org"]),
            false,
            "us-east-1",
        )
        .unwrap();
        assert_eq!(e.after, list(&[".amazonaws.com"]));
        assert_eq!(e.notes, ["nothere.org: not in the allow list"]);
        // the wide entry goes, the exact IAM name takes its place
        let narrowed =
            edit_allow_list(&cur, &list(&[".amazonaws.com"]), false, "us-east-1").unwrap();
        assert_eq!(narrowed.after, list(&["pypi.org", "iam.amazonaws.com"]));
        assert!(
            narrowed.notes[0].starts_with("iam.amazonaws.com: added"),
            "{:?}",
            narrowed.notes
        );
        let iam = list(&["iam.amazonaws.com", "pypi.org"]);
        assert!(edit_allow_list(&iam, &list(&["iam.amazonaws.com"]), false, "us-east-1").is_err());
        let many: Vec<String> = (0..MAX_ALLOWED_DOMAINS)
            .map(|i| format!("h{i}.example.org"))
            .collect();
        let e = edit_allow_list(&cur, &many, true, "us-east-1").unwrap_err();
        assert!(e.message().contains("capacity"), "{e}");
    }

    #[test]
    fn a_deployed_wide_list_is_reported_with_its_fix() {
        let wide = wide_entries(&list(&[".amazonaws.com", ".pypi.org"]), "us-east-1");
        assert_eq!(wide.len(), 1);
        assert_eq!(wide[0].entry, ".amazonaws.com");
        assert!(wide[0].why.contains("every region"));
        assert!(wide[0].fix.contains("iam.amazonaws.com"));
        assert!(wide_entries(&list(&["iam.amazonaws.com", ".pypi.org"]), "us-east-1").is_empty());
    }
}
