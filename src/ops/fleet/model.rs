//! The fleet's rows, their summary and the fixes that only a fleet can give: pure, so every
//! rule here is checked without AWS.
//!
//! A studio-tui environment is found by its template, not by its name: the bundled template's
//! `Description` begins with [`TEMPLATE_MARK`] (ListStacks returns it as `TemplateDescription`
//! for every stack, so no stack has to be described to be told apart), and `deploy` also tags
//! the stack `ManagedBy=studio-tui` ([`crate::ops::studio::MANAGED_BY`]), which the fleet reads
//! from the described stack and reports beside it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aws::ErrorKind;
use crate::core::cost::runrate::RunRate;
use crate::core::field::Field;
use crate::core::status::{DomainStatus, StackDriftStatus, StackStatus};
use crate::ops::Error;

/// How the bundled template marks itself: its `Description` begins with this.
pub const TEMPLATE_MARK: &str = "studio-tui:";

/// Does this template description (ListStacks' `TemplateDescription`) mark a stack of
/// studio-tui's template?
pub fn is_studio_tui_template(description: Option<&str>) -> bool {
    description.is_some_and(|d| d.trim_start().starts_with(TEMPLATE_MARK))
}

/// The project's Studio domain, as the fleet shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainSummary {
    pub id: String,
    pub status: DomainStatus,
}

/// One environment studio-tui deployed: its stack, the stack's last drift result (what the
/// last detection found; the fleet starts none), its domain, users and running apps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Environment {
    /// The stack's `ProjectName` parameter (the domain's name), else the stack's name.
    pub project: String,
    /// The stack's ARN (account and region included): one environment, however many profiles
    /// reach it.
    pub stack_id: String,
    pub stack_name: String,
    pub stack_status: StackStatus,
    /// The last drift detection's result (NOT_CHECKED when none ran).
    pub drift: StackDriftStatus,
    /// When it ran, RFC 3339.
    pub drift_checked: Option<String>,
    /// The stack carries `ManagedBy=studio-tui` (false for a stack deployed from the template
    /// by another tool: it is listed all the same).
    pub managed_by_tag: bool,
    /// None: no domain of the project's name in the stack's VPC (or it could not be read: see
    /// `error`).
    pub domain: Option<DomainSummary>,
    /// User profiles in the domain; None without a domain or when they could not be read.
    pub users: Option<usize>,
    /// The run rate of the domain's apps (running = Pending or InService); None without a
    /// domain or when the apps could not be read.
    pub run_rate: Option<RunRate>,
    /// What could not be read about it; the rest is shown.
    pub error: Option<Error>,
}

/// One region of one profile: the environments found there, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionScan {
    pub region: String,
    pub environments: Vec<Environment>,
    pub error: Option<Error>,
}

impl RegionScan {
    /// Something in this region could not be read (the region, or one environment's parts).
    pub fn failed(&self) -> bool {
        self.error.is_some() || self.environments.iter().any(|e| e.error.is_some())
    }

    /// Read, and nothing of studio-tui's is there.
    pub fn is_empty(&self) -> bool {
        self.error.is_none() && self.environments.is_empty()
    }
}

/// One profile: whose credentials they are and its regions; `error` when the profile itself
/// failed (no region was read then).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileScan {
    /// The profile's name ("default" for the default credential chain, "sandbox" for
    /// `--sandbox`).
    pub profile: String,
    pub account: Option<String>,
    pub error: Option<Error>,
    pub regions: Vec<RegionScan>,
}

impl ProfileScan {
    pub fn failed(&self) -> bool {
        self.error.is_some() || self.regions.iter().any(RegionScan::failed)
    }

    /// The regions read with nothing of studio-tui's in them: summarised, not listed as rows.
    pub fn empty_regions(&self) -> Vec<&str> {
        self.regions
            .iter()
            .filter(|r| r.is_empty())
            .map(|r| r.region.as_str())
            .collect()
    }
}

/// Where the regions came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionSource {
    /// `--regions`, else each profile's home region (`--region`, else the profile's own).
    Listed,
    /// `--all-regions`: the regions enabled for each account (EC2 DescribeRegions).
    Enabled,
}

/// The whole fleet view, profiles in the order asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fleet {
    pub regions_from: RegionSource,
    pub profiles: Vec<ProfileScan>,
}

/// The counts the fleet's first line says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    pub profiles: usize,
    /// Distinct accounts among the profiles that answered.
    pub accounts: usize,
    /// (profile, region) pairs read.
    pub regions_read: usize,
    pub environments: usize,
    /// Profiles that failed, or have a region or an environment that could not be read.
    pub failed_profiles: usize,
    /// US dollars an hour of every environment's running apps with a known price.
    pub per_hour: f64,
    /// Running apps, of which `unpriced` have no known price (the total is then a lower bound).
    pub running_apps: usize,
    pub unpriced_apps: usize,
}

impl Fleet {
    /// Every row read, and every part of every environment.
    pub fn ok(&self) -> bool {
        !self.profiles.iter().any(ProfileScan::failed)
    }

    pub fn summary(&self) -> Summary {
        let mut accounts: Vec<&str> = self
            .profiles
            .iter()
            .filter_map(|p| p.account.as_deref())
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        let mut s = Summary {
            profiles: self.profiles.len(),
            accounts: accounts.len(),
            failed_profiles: self.profiles.iter().filter(|p| p.failed()).count(),
            ..Summary::default()
        };
        // Several profiles can reach one account (an admin and a read-only role, or every
        // profile under exported credentials): each stack counts once.
        let mut seen = std::collections::BTreeSet::new();
        for p in &self.profiles {
            for r in p.regions.iter().filter(|r| r.error.is_none()) {
                s.regions_read += 1;
                for e in r.environments.iter() {
                    if !seen.insert(e.stack_id.as_str()) {
                        continue;
                    }
                    s.environments += 1;
                    if let Some(rate) = &e.run_rate {
                        s.per_hour += rate.per_hour;
                        s.running_apps += rate.running;
                        s.unpriced_apps += rate.unpriced;
                    }
                }
            }
        }
        s
    }

    /// The profile an environment was first read through, when `profile` is not it (the same
    /// stack reached again): its row says so and the totals count it once.
    pub fn first_read_through(&self, profile: &str, e: &Environment) -> Option<&str> {
        self.environments()
            .into_iter()
            .find(|(_, _, x)| x.stack_id == e.stack_id)
            .map(|(p, _, _)| p.profile.as_str())
            .filter(|first| *first != profile)
    }

    /// The environments, in the order the rows are shown: profile as asked, region, project.
    pub fn environments(&self) -> Vec<(&ProfileScan, &str, &Environment)> {
        let mut out = Vec::new();
        for p in &self.profiles {
            for r in &p.regions {
                for e in &r.environments {
                    out.push((p, r.region.as_str(), e));
                }
            }
        }
        out
    }
}

/// The environment's project: the stack's `ProjectName` parameter, else its name.
pub fn project_of(stack_name: &str, parameters: &BTreeMap<String, String>) -> String {
    Field::ProjectName
        .cfn_name()
        .and_then(|name| parameters.get(name))
        .filter(|p| !p.is_empty())
        .cloned()
        .unwrap_or_else(|| stack_name.to_string())
}

/// Does this AccessDenied come from an AWS Organizations service control policy? AWS says so
/// in the message: "... with an explicit deny in a service control policy".
fn denied_by_scp(message: &str) -> bool {
    message
        .to_ascii_lowercase()
        .contains("service control policy")
}

/// The fix for a region that failed while the profile's credentials worked (its identity was
/// read): what only the fleet can tell, since it knows the credentials are good.
///
/// - AccessDenied by a service control policy: the organization denies the region (a region
///   deny-list SCP), which no permission of the profile can change.
/// - The credentials refused (`InvalidClientTokenId`, `UnrecognizedClientException`, "The
///   security token included in the request is invalid") although they work elsewhere: an
///   opt-in region not enabled for the account, or session tokens of the global STS endpoint
///   ("valid only in AWS Regions that are enabled by default"), or a region of another
///   partition (`cn-`, `us-gov-`). An expired token keeps its own fix.
///
/// Any other error keeps the fix it has.
pub fn region_fix(err: Error, profile: &str, account: &str, region: &str) -> Error {
    let (kind, message) = (err.kind(), err.message().to_string());
    if kind == ErrorKind::AccessDenied && denied_by_scp(&message) {
        return err.with_fix(format!(
            "a service control policy of the organization denies this call in {region} for \
             account {account}: leave {region} out (--regions), or ask the organization's \
             administrators to allow it; no permission of profile {profile} can"
        ));
    }
    let expired = err
        .code()
        .is_some_and(|c| c.to_ascii_lowercase().contains("expired"));
    if kind == ErrorKind::BadCredentials && !expired {
        if region.starts_with("cn-") || region.starts_with("us-gov-") {
            return err.with_fix(format!(
                "{region} is in another AWS partition (China or GovCloud), which the \
                 credentials of profile {profile} cannot reach: leave it out (--regions) and \
                 read it with a profile of that partition"
            ));
        }
        return err.with_fix(format!(
            "the credentials of profile {profile} work in other regions but not in {region}: \
             either {region} is an opt-in region not enabled for account {account} (`aws \
             account enable-region --region-name {region}`, or leave it out with --regions), or \
             the credentials are session tokens from the global STS endpoint, \"valid only in \
             AWS Regions that are enabled by default\" (use a regional STS endpoint, e.g. \
             sts_regional_endpoints = regional in the profile)"
        ));
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::AwsError;

    fn aws(kind: ErrorKind, code: &str, message: &str) -> Error {
        let mut e =
            AwsError::new(kind, "cloudformation:ListStacks", message).with_fix("the generic fix");
        e.code = Some(code.into());
        e.into()
    }

    fn env(project: &str, rate: Option<RunRate>, error: Option<Error>) -> Environment {
        Environment {
            project: project.into(),
            stack_id: format!("arn:aws:cloudformation:eu-west-1:123456789012:stack/{project}/1"),
            stack_name: project.into(),
            stack_status: StackStatus::CreateComplete,
            drift: StackDriftStatus::NotChecked,
            drift_checked: None,
            managed_by_tag: true,
            domain: None,
            users: None,
            run_rate: rate,
            error,
        }
    }

    fn region(name: &str, environments: Vec<Environment>, error: Option<Error>) -> RegionScan {
        RegionScan {
            region: name.into(),
            environments,
            error,
        }
    }

    #[test]
    fn the_template_is_told_by_its_description_not_by_a_name() {
        assert!(is_studio_tui_template(Some(
            "studio-tui: private VPC for Amazon SageMaker Studio"
        )));
        assert!(is_studio_tui_template(Some("  studio-tui: x")));
        assert!(!is_studio_tui_template(Some("sagemaker-studio-vpc")));
        assert!(!is_studio_tui_template(Some(
            "A stack that mentions studio-tui: later"
        )));
        assert!(!is_studio_tui_template(None));
        // The bundled template carries the mark this looks for.
        let description = crate::template::TEMPLATE_YAML
            .lines()
            .skip_while(|l| !l.starts_with("Description:"))
            .nth(1)
            .unwrap_or_default();
        assert!(is_studio_tui_template(Some(description)), "{description}");
    }

    #[test]
    fn the_project_is_the_parameter_else_the_stack_name() {
        let mut p = BTreeMap::new();
        assert_eq!(project_of("stack-a", &p), "stack-a");
        p.insert("ProjectName".to_string(), String::new());
        assert_eq!(project_of("stack-a", &p), "stack-a");
        p.insert("ProjectName".to_string(), "team-ml".to_string());
        assert_eq!(project_of("stack-a", &p), "team-ml");
    }

    #[test]
    fn empty_regions_are_summarised_and_failures_fail_the_fleet() {
        let rate = RunRate {
            per_hour: 0.05,
            running: 2,
            unpriced: 1,
        };
        let ok = ProfileScan {
            profile: "team-a".into(),
            account: Some("123456789012".into()),
            error: None,
            regions: vec![
                region("eu-west-1", vec![env("a", Some(rate), None)], None),
                region("us-east-1", vec![], None),
                region("us-west-2", vec![], None),
            ],
        };
        assert_eq!(ok.empty_regions(), vec!["us-east-1", "us-west-2"]);
        assert!(!ok.failed());
        let same_account = ProfileScan {
            profile: "team-a-admin".into(),
            ..ok.clone()
        };
        let mut fleet = Fleet {
            regions_from: RegionSource::Listed,
            profiles: vec![ok.clone(), same_account],
        };
        assert!(fleet.ok());
        let s = fleet.summary();
        // One account reached through two profiles: its environment counts once.
        assert_eq!(
            (s.profiles, s.accounts, s.regions_read, s.environments),
            (2, 1, 6, 1)
        );
        assert_eq!((s.running_apps, s.unpriced_apps), (2, 1));
        assert!((s.per_hour - 0.05).abs() < 1e-9);
        assert_eq!(fleet.environments().len(), 2);
        let (second, _, e) = fleet.environments()[1];
        assert_eq!(fleet.first_read_through(&second.profile, e), Some("team-a"));
        let (first, _, e) = fleet.environments()[0];
        assert_eq!(fleet.first_read_through(&first.profile, e), None);

        // A profile that failed as a whole.
        fleet.profiles.push(ProfileScan {
            profile: "expired".into(),
            account: None,
            error: Some(aws(ErrorKind::SsoExpired, "x", "the SSO token has expired")),
            regions: vec![],
        });
        assert!(!fleet.ok());
        assert_eq!(fleet.summary().failed_profiles, 1);

        // A region that failed is neither empty nor read.
        let denied = region(
            "eu-west-1",
            vec![],
            Some(aws(ErrorKind::AccessDenied, "AccessDenied", "no")),
        );
        assert!(!denied.is_empty() && denied.failed());
        let p = ProfileScan {
            regions: vec![denied],
            ..ok.clone()
        };
        assert!(p.failed() && p.empty_regions().is_empty());

        // So is an environment whose domain could not be read: the profile failed.
        let partly = ProfileScan {
            regions: vec![region(
                "eu-west-1",
                vec![env(
                    "a",
                    None,
                    Some(aws(ErrorKind::AccessDenied, "AccessDeniedException", "no")),
                )],
                None,
            )],
            ..ok
        };
        assert!(partly.failed());
    }

    #[test]
    fn a_region_denied_by_an_scp_or_not_enabled_gets_its_own_fix() {
        let scp = aws(
            ErrorKind::AccessDenied,
            "AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: \
             cloudformation:ListStacks with an explicit deny in a service control policy",
        );
        let fixed = region_fix(scp, "team-a", "123456789012", "me-south-1");
        let fix = fixed.fix().unwrap();
        assert!(fix.contains("service control policy"), "{fix}");
        assert!(fix.contains("leave me-south-1 out (--regions)"), "{fix}");

        let not_enabled = aws(
            ErrorKind::BadCredentials,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
        let fix = region_fix(not_enabled, "team-a", "123456789012", "ap-east-1")
            .fix()
            .unwrap()
            .to_string();
        assert!(
            fix.contains("aws account enable-region --region-name ap-east-1")
                && fix.contains("global STS endpoint"),
            "{fix}"
        );
        let other_partition = aws(
            ErrorKind::BadCredentials,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        );
        let fix = region_fix(other_partition, "team-a", "1", "cn-north-1")
            .fix()
            .unwrap()
            .to_string();
        assert!(
            fix.contains("another AWS partition") && !fix.contains("enable-region"),
            "{fix}"
        );
        let expired = aws(
            ErrorKind::BadCredentials,
            "ExpiredToken",
            "The security token included in the request is expired",
        );
        assert_eq!(
            region_fix(expired, "team-a", "1", "ap-east-1").fix(),
            Some("the generic fix")
        );

        // A plain AccessDenied (a missing permission) keeps the generic fix.
        let plain = aws(
            ErrorKind::AccessDenied,
            "AccessDenied",
            "is not authorized to perform: cloudformation:ListStacks",
        );
        assert_eq!(
            region_fix(plain, "team-a", "1", "eu-west-1").fix(),
            Some("the generic fix")
        );
    }
}
