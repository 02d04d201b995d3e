//! Preflight: everything that can be checked before a deploy, read-only, concurrently.
//!
//! The parameters are validated first (no I/O). Then the identity and any existing stack of
//! this project are looked up (the other checks word their findings differently when the
//! stack already exists), then every other check runs at once with bounded parallelism:
//! CIDR conflicts in the region (and, with `--all-regions`, in every enabled region), bucket
//! names, export names, the SageMaker domain, quotas, the availability zone. Each check reports
//! `CheckStarted` / `CheckFinished` on the channel, so the wizard draws a live checklist and the
//! plain printer one line per check. Same-region CIDR conflicts are errors (the stack's VPC
//! must not overlap anything it may need to reach); other regions give warnings.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Serialize;
use tokio::sync::mpsc;

use crate::aws::lookups::BucketStatus;
use crate::aws::stacks::StackInfo;
use crate::aws::{AwsError, Identity, Session};
use crate::core::cidr::{self, ExistingBlock, NetworkPlan, find_conflicts, suggest_free_plan};
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};
use crate::core::params::{AvailabilityZone, Parameters, ParamsDraft};

mod checks;
mod standalone;

use checks::{
    check_all_regions, check_buckets, check_domain, check_identity, check_names, check_network,
    check_quotas, check_region, check_stack, check_zone, describe, relation,
};
pub use checks::{check_bucket_names, stack_finding};
pub use standalone::{Standalone, StandaloneMsg, standalone};

/// How many checks (and regions, for `--all-regions`) run at the same time.
pub const MAX_PARALLEL: usize = 8;

/// AWS's default quotas this stack commonly runs into. The Service Quotas API is not used, so
/// the account's real (possibly raised) values are not known: messages say so.
pub const DEFAULT_VPCS_PER_REGION: usize = 5;
pub const DEFAULT_EIPS_PER_REGION: usize = 5;
pub const DEFAULT_NAT_GATEWAYS_PER_AZ: usize = 5;
pub const DEFAULT_INTERFACE_ENDPOINTS_PER_VPC: usize = 50;

/// What preflight checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightInput {
    pub parameters: ParamsDraft,
    /// Expected Studio users (sizes the Studio subnet).
    pub users: u32,
    /// Also look for conflicts in every other enabled region (warnings).
    pub all_regions: bool,
}

/// One check of the list, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    Parameters,
    Identity,
    Region,
    Stack,
    Network,
    AllRegions,
    Buckets,
    Names,
    Domain,
    Quotas,
    Zone,
}

impl CheckId {
    /// One line for the checklist.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::Parameters => "Parameters are valid",
            CheckId::Identity => "Credentials and identity",
            CheckId::Region => "Region offers Network Firewall and SageMaker Studio",
            CheckId::Stack => "Existing stack of this project",
            CheckId::Network => "CIDR conflicts in the region",
            CheckId::AllRegions => "CIDR conflicts in other regions",
            CheckId::Buckets => "Bucket names are free",
            CheckId::Names => "CloudFormation export names",
            CheckId::Domain => "SageMaker domain of this project",
            CheckId::Quotas => "Quotas: VPCs, Elastic IPs, NAT gateways, endpoints",
            CheckId::Zone => "Availability zone",
        }
    }
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
}

impl CheckStatus {
    fn of(findings: &[Finding]) -> CheckStatus {
        if findings.iter().any(Finding::is_error) {
            CheckStatus::Fail
        } else if findings.iter().any(|f| f.severity == Severity::Warning) {
            CheckStatus::Warn
        } else {
            CheckStatus::Pass
        }
    }
}

/// Progress of a preflight run.
#[derive(Debug, Clone, PartialEq)]
pub enum PreflightMsg {
    CheckStarted {
        id: CheckId,
        title: &'static str,
    },
    CheckFinished {
        id: CheckId,
        status: CheckStatus,
        findings: Vec<Finding>,
        duration: Duration,
    },
}

/// One finished check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: CheckId,
    pub title: &'static str,
    pub status: CheckStatus,
    pub duration: Duration,
}

/// Everything preflight found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PreflightReport {
    /// Every finding, errors first.
    pub findings: Vec<Finding>,
    /// The plan that was checked, when the CIDRs parse.
    pub plan: Option<NetworkPlan>,
    /// The nearest free plan of the same size and layout, when the planned VPC conflicts.
    pub suggestion: Option<NetworkPlan>,
    /// Blocks in use in the region (and other regions with `--all-regions`), for the CIDR map.
    pub existing: Vec<ExistingBlock>,
    /// The checks in display order.
    pub checks: Vec<CheckResult>,
    pub identity: Option<Identity>,
    pub region: String,
    /// With no zone chosen and no stack yet: the first zone that offers every endpoint service
    /// of the stack, to pass to CloudFormation explicitly (so the zone deployed is the zone
    /// checked).
    pub zone: Option<String>,
    /// Wall time of the whole run.
    pub duration: Duration,
}

impl PreflightReport {
    /// Nothing blocks the deploy: no error finding.
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(Finding::is_error)
    }

    /// The command-line flags that apply the suggestion.
    pub fn suggestion_flags(&self) -> Option<String> {
        self.suggestion.as_ref().map(plan_flags)
    }

    /// An error stops a deploy of these parameters. The stack's own state does not: the
    /// deploy handles it (a stack that exists is updated, an operation that runs is followed).
    pub fn blocks_deploy(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.is_error() && !HANDLED_BY_DEPLOY.contains(&f.code))
    }

    /// The zone preflight checked becomes the zone deployed, passed to CloudFormation
    /// explicitly, when the parameters name none. Whether it changed them.
    pub fn adopt_zone(&self, parameters: &mut ParamsDraft) -> bool {
        match (&parameters.availability_zone, &self.zone) {
            (None, Some(zone)) => {
                parameters.availability_zone = Some(zone.clone());
                true
            }
            _ => false,
        }
    }

    /// [`PreflightReport::adopt_zone`] for validated parameters: the zone to set, when they name
    /// none and preflight picked one.
    pub fn zone_to_adopt(&self, parameters: &Parameters) -> Option<AvailabilityZone> {
        match (&parameters.availability_zone, &self.zone) {
            (None, Some(zone)) => AvailabilityZone::parse(zone).ok(),
            _ => None,
        }
    }
}

/// Error findings a deploy deals with itself: the stack's own state.
const HANDLED_BY_DEPLOY: &[FindingCode] = &[FindingCode::StackExists, FindingCode::StackInProgress];

/// `--vpc-cidr … --firewall-subnet-cidr … --nat-subnet-cidr … --studio-subnet-cidr …`
pub fn plan_flags(p: &NetworkPlan) -> String {
    format!(
        "--vpc-cidr {} --firewall-subnet-cidr {} --nat-subnet-cidr {} --studio-subnet-cidr {}",
        p.vpc, p.firewall_subnet, p.nat_subnet, p.studio_subnet
    )
}

/// Put a plan's four blocks into the parameters (the wizard's `s` key, `--json` consumers).
pub fn apply_plan(parameters: &mut ParamsDraft, plan: &NetworkPlan) {
    parameters.set(Field::VpcCidr, &plan.vpc.to_string());
    parameters.set(Field::FirewallSubnetCidr, &plan.firewall_subnet.to_string());
    parameters.set(Field::NatSubnetCidr, &plan.nat_subnet.to_string());
    parameters.set(Field::StudioSubnetCidr, &plan.studio_subnet.to_string());
}

/// What a check returns besides its findings.
#[derive(Debug, Default)]
struct Outcome {
    findings: Vec<Finding>,
    blocks: Vec<ExistingBlock>,
    identity: Option<Identity>,
    stack: Option<StackInfo>,
    /// The zone picked for a new stack.
    zone: Option<String>,
}

impl Outcome {
    fn findings(findings: Vec<Finding>) -> Outcome {
        Outcome {
            findings,
            ..Outcome::default()
        }
    }
}

fn finding(
    severity: Severity,
    code: FindingCode,
    message: impl Into<String>,
    fix: impl Into<String>,
) -> Finding {
    Finding::new(severity, code, message, fix, None)
}

/// A check that could not complete: its question stays open, so it blocks.
fn check_failed(what: &str, e: &AwsError) -> Finding {
    finding(
        Severity::Error,
        FindingCode::CheckFailed,
        format!(
            "could not check {what}: {}",
            e.message.trim_end_matches('.')
        ),
        e.fix.clone().unwrap_or_else(|| {
            format!(
                "make sure the identity may call {} and run preflight again",
                e.operation
            )
        }),
    )
}

type CheckFuture<'a> = Pin<Box<dyn Future<Output = (CheckId, Outcome, Duration)> + Send + 'a>>;

/// Checks whose findings are completed after every check has run (conflicts need the blocks
/// of all regions; the VPC count comes from the network check): they report `CheckFinished`
/// at the end.
const DEFERRED: [CheckId; 3] = [CheckId::Network, CheckId::AllRegions, CheckId::Quotas];

fn timed<'a>(
    id: CheckId,
    tx: &'a mpsc::UnboundedSender<PreflightMsg>,
    fut: impl Future<Output = Outcome> + Send + 'a,
) -> CheckFuture<'a> {
    Box::pin(async move {
        let _ = tx.send(PreflightMsg::CheckStarted {
            id,
            title: id.title(),
        });
        let t0 = Instant::now();
        let mut out = fut.await;
        out.findings.sort_by_key(|f| f.severity);
        let duration = t0.elapsed();
        if !DEFERRED.contains(&id) {
            let _ = tx.send(PreflightMsg::CheckFinished {
                id,
                status: CheckStatus::of(&out.findings),
                findings: out.findings.clone(),
                duration,
            });
        }
        (id, out, duration)
    })
}

/// Run every check and return the report. Progress goes to `tx` (a closed receiver is fine).
pub async fn run(
    session: &Session,
    input: PreflightInput,
    tx: mpsc::UnboundedSender<PreflightMsg>,
) -> PreflightReport {
    let started = Instant::now();
    let params = &input.parameters;
    let project = params.project_name.clone();
    let mut results: BTreeMap<CheckId, (Outcome, Duration)> = BTreeMap::new();

    // 1. Parameters: pure, instant; the CIDR findings are the core's, word for word.
    let parameter_check = timed(CheckId::Parameters, &tx, async {
        Outcome::findings(params.validate(input.users))
    });
    let (id, out, d) = parameter_check.await;
    let plan = params.network_plan().ok();
    let name_ok = crate::core::params::validate_project_name(&project).is_ok();
    results.insert(id, (out, d));

    // 2. Who we are and whether the stack exists: the other checks depend on both.
    let phase1 = vec![
        timed(CheckId::Identity, &tx, check_identity(session)),
        timed(CheckId::Stack, &tx, check_stack(session, &project, name_ok)),
    ];
    for (id, out, d) in futures::future::join_all(phase1).await {
        results.insert(id, (out, d));
    }
    let identity = results
        .get(&CheckId::Identity)
        .and_then(|(o, _)| o.identity.clone());
    let stack = results
        .get(&CheckId::Stack)
        .and_then(|(o, _)| o.stack.clone());

    // 3. Everything else, concurrently, only with working credentials.
    if identity.is_some() {
        let stack = stack.as_ref();
        let mut phase2: Vec<CheckFuture<'_>> = vec![
            timed(CheckId::Region, &tx, check_region(session)),
            timed(CheckId::Network, &tx, check_network(session)),
        ];
        if input.all_regions {
            phase2.push(timed(CheckId::AllRegions, &tx, check_all_regions(session)));
        }
        if name_ok {
            phase2.push(timed(
                CheckId::Buckets,
                &tx,
                check_buckets(session, &project, stack),
            ));
            phase2.push(timed(
                CheckId::Names,
                &tx,
                check_names(session, &project, stack),
            ));
            phase2.push(timed(
                CheckId::Domain,
                &tx,
                check_domain(session, &project, stack),
            ));
        }
        phase2.push(timed(
            CheckId::Quotas,
            &tx,
            check_quotas(session, params.availability_zone.clone(), stack),
        ));
        phase2.push(timed(
            CheckId::Zone,
            &tx,
            check_zone(session, params.availability_zone.clone(), stack),
        ));
        let mut stream = futures::stream::iter(phase2).buffer_unordered(MAX_PARALLEL);
        while let Some((id, out, d)) = stream.next().await {
            results.insert(id, (out, d));
        }
    }

    // 4. Conflicts of the planned VPC and the suggestion, from the blocks collected.
    let mut existing: Vec<ExistingBlock> = Vec::new();
    for id in [CheckId::Network, CheckId::AllRegions] {
        if let Some((out, _)) = results.get_mut(&id) {
            existing.append(&mut out.blocks);
        }
    }
    // The project's own VPC (an update, or `up` run again) is not a conflict with itself. A
    // stack still being created (or failed) has no outputs yet: its VPC resource says which.
    let own = match stack.as_ref() {
        Some(s) => match s.output("VpcId") {
            Some(v) => Some(v.to_string()),
            None => session
                .stack_resources(&s.stack_id)
                .await
                .unwrap_or_default()
                .into_iter()
                .find(|r| r.resource_type == "AWS::EC2::VPC")
                .and_then(|r| r.physical_id),
        },
        None => None,
    };
    if let Some(own) = own {
        existing.retain(|b| !b.is_in_vpc(&own, &session.region));
    }
    let mut suggestion = None;
    if let Some(plan) = &plan {
        let conflicts = find_conflicts(plan.vpc, &existing);
        for (id, same_region) in [(CheckId::Network, true), (CheckId::AllRegions, false)] {
            let Some((out, _)) = results.get_mut(&id) else {
                continue;
            };
            for c in conflicts
                .iter()
                .filter(|c| (c.existing.region == session.region) == same_region)
            {
                let mut f = c.to_finding();
                if same_region {
                    f.severity = Severity::Error;
                    f.message = format!(
                        "{} {} {} in {}; the stack's VPC must not overlap a network in its region",
                        c.planned,
                        relation(c.kind),
                        describe(&c.existing),
                        c.existing.region
                    );
                }
                out.findings.push(f);
            }
            out.findings.sort_by_key(|f| f.severity);
        }
        if !conflicts.is_empty() {
            let used: Vec<_> = existing.iter().map(|b| b.cidr).collect();
            match suggest_free_plan(plan, &used, &[]) {
                Some(free) if free != *plan => {
                    if let Some((out, _)) = results.get_mut(&CheckId::Network) {
                        out.findings.push(finding(
                            Severity::Info,
                            FindingCode::CidrFreeRange,
                            format!(
                                "{} is the nearest free /{} (subnets {}, {}, {}) and overlaps nothing found",
                                free.vpc,
                                free.vpc.prefix_len(),
                                free.firewall_subnet,
                                free.nat_subnet,
                                free.studio_subnet
                            ),
                            format!("use it with {}", plan_flags(&free)),
                        ));
                    }
                    suggestion = Some(free);
                }
                _ => {
                    if let Some((out, _)) = results.get_mut(&CheckId::Network) {
                        out.findings.push(finding(
                            Severity::Warning,
                            FindingCode::CidrNoFreeRange,
                            format!(
                                "no free /{} was found in the private ranges",
                                plan.vpc.prefix_len()
                            ),
                            "choose a smaller VPC (a longer prefix) or free an address range",
                        ));
                    }
                }
            }
        }
    }

    // The VPC quota, counted from the blocks the network check read (no second listing).
    if stack.is_none()
        && let Some((out, _)) = results.get_mut(&CheckId::Quotas)
    {
        let vpc_count = existing
            .iter()
            .filter(|b| {
                b.region == session.region
                    && matches!(b.source, cidr::BlockSource::VpcPrimary { .. })
            })
            .count();
        if vpc_count + 1 > DEFAULT_VPCS_PER_REGION {
            out.findings.push(finding(
                Severity::Warning,
                FindingCode::QuotaVpcs,
                format!(
                    "{vpc_count} VPCs exist in {}; the stack adds one and the default quota is {DEFAULT_VPCS_PER_REGION} per region (your account's quota may be higher; Service Quotas is not read)",
                    session.region
                ),
                "check \"VPCs per Region\" in Service Quotas, or delete an unused VPC",
            ));
        }
    }

    // The deferred checks report now, with their final findings. the conflict pass, with the final findings.
    let mut report = PreflightReport {
        plan,
        suggestion,
        identity,
        region: session.region.clone(),
        ..PreflightReport::default()
    };
    for (id, (out, duration)) in results {
        if out.zone.is_some() {
            report.zone = out.zone.clone();
        }
        if DEFERRED.contains(&id) {
            let _ = tx.send(PreflightMsg::CheckFinished {
                id,
                status: CheckStatus::of(&out.findings),
                findings: out.findings.clone(),
                duration,
            });
        }
        report.checks.push(CheckResult {
            id,
            title: id.title(),
            status: CheckStatus::of(&out.findings),
            duration,
        });
        report.findings.extend(out.findings);
    }
    report.findings.sort_by_key(|f| f.severity);
    report.existing = existing;
    report.duration = started.elapsed();
    report
}
