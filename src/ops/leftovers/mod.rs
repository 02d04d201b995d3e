//! Leftovers that keep billing: SageMaker resources in the project's VPC that studio-tui did not
//! create (notebook instances, endpoints, training and processing jobs in its subnets), the home
//! EFS file systems deleted domains left there, and the MLflow tracking servers of the account.
//!
//! Which are the project's problem is decided here, once, for destroy, `status` and the
//! overview ([`Leftovers::from_found`], pure): a resource in one of the stack's subnets, or an
//! EFS file system with a mount target in the stack's VPC, keeps billing after a teardown and
//! (through its network interface) blocks deleting the VPC; destroy refuses while one exists
//! ([`refusal`]). The project's own domain's home file system is not a leftover: the teardown
//! deletes it with the domain. MLflow tracking servers have no VPC (their API names none), so
//! they are listed as "in this account and region, not tied to the VPC" and never refuse a
//! teardown. Nothing here deletes anything: each leftover carries the `aws` command that
//! removes it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aws::leftovers::{
    EndpointInfo, JobInfo, NotebookInfo, SageMakerFileSystem, TrackingServerInfo,
};
use crate::aws::stacks::StackResourceInfo;
use crate::core::cost::catalog::SageMakerUse;
use crate::core::shown::shell_word;
use crate::ops::Error;

mod scan;

use crate::ops::studio::StackPlace;
pub use scan::{for_stack, scan};

/// What kind of resource a leftover is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    NotebookInstance,
    Endpoint,
    TrainingJob,
    ProcessingJob,
    MlflowTrackingServer,
    HomeEfs,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::NotebookInstance => "notebook instance",
            Kind::Endpoint => "endpoint",
            Kind::TrainingJob => "training job",
            Kind::ProcessingJob => "processing job",
            Kind::MlflowTrackingServer => "MLflow tracking server",
            Kind::HomeEfs => "EFS file system",
        }
    }
}

/// US dollars (a price from the price list: compared exactly, never computed with).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Usd(pub f64);

// Prices are finite numbers from the price list or the bundled table (never NaN).
impl Eq for Usd {}

/// What a leftover costs, where known (never invented).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "per")]
pub enum Cost {
    Hour { usd: Usd },
    Unknown { why: String },
}

impl Cost {
    pub fn text(&self) -> String {
        match self {
            Cost::Hour { usd } => format!("${:.2}/hour", usd.0),
            Cost::Unknown { why } => format!("cost unknown ({why})"),
        }
    }
}

/// One billed resource that studio-tui did not create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leftover {
    pub kind: Kind,
    /// Its name or id (from AWS: shown through `core::shown`).
    pub id: String,
    pub state: String,
    /// "subnet subnet-…", "VPC vpc-…", or "this account and region, not tied to the VPC".
    pub place: String,
    /// Its network interface is in the VPC: the VPC cannot be deleted while it exists.
    pub blocks_vpc: bool,
    /// Instances run for it (instance-hours are billed).
    pub running: bool,
    /// In the stack's VPC: destroy refuses while it exists.
    pub in_vpc: bool,
    pub cost: Cost,
    /// The `aws` command that removes it (names quoted for a shell, or a placeholder).
    pub remove: String,
}

impl Leftover {
    /// "notebook instance nb-1 (InService, subnet subnet-1): $0.05/hour; blocks deleting the
    /// VPC" (its text from AWS through `core::shown`).
    pub fn summary_line(&self) -> String {
        let blocks = if self.blocks_vpc {
            "; blocks deleting the VPC"
        } else {
            ""
        };
        format!(
            "{} {} ({}, {}): {}{blocks}",
            self.kind.label(),
            crate::core::shown::shown(&self.id),
            crate::core::shown::shown(&self.state),
            crate::core::shown::shown(&self.place),
            self.cost.text(),
        )
    }

    /// [`Leftover::summary_line`] with the command that removes it.
    pub fn line(&self) -> String {
        format!("{}; remove: {}", self.summary_line(), self.remove)
    }

    /// The same, its text from AWS escaped as every printer shows it (`--json`).
    pub fn shown(&self) -> Leftover {
        use crate::core::shown::shown;
        Leftover {
            id: shown(&self.id).into_owned(),
            state: shown(&self.state).into_owned(),
            place: shown(&self.place).into_owned(),
            ..self.clone()
        }
    }

    /// Would destroy have to refuse while it exists?
    pub fn stops_teardown(&self) -> bool {
        self.in_vpc && (self.running || self.blocks_vpc)
    }
}

/// What the scan found, before deciding (the raw describes).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Found {
    pub notebooks: Vec<NotebookInfo>,
    pub endpoints: Vec<EndpointInfo>,
    pub training: Vec<JobInfo>,
    pub processing: Vec<JobInfo>,
    pub tracking_servers: Vec<TrackingServerInfo>,
    pub file_systems: Vec<SageMakerFileSystem>,
    /// The ids of the domains that DescribeDomain says do not exist (of those
    /// [`domains_to_check`] named): only their home file systems are leftovers.
    pub gone_domains: Vec<String>,
    /// Hourly prices of the instance types above for their use, where known (a type's
    /// notebook-instance hour, endpoint hour and training hour are different prices).
    pub hourly: Vec<(SageMakerUse, String, f64)>,
}

/// Where the project lives: the stack's VPC and its subnets, and its own domain's ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectNetwork {
    pub vpc_id: String,
    pub subnets: Vec<String>,
    pub domain_arn: Option<String>,
}

impl ProjectNetwork {
    /// The stack's VPC and every subnet it made (its `AWS::EC2::Subnet` resources, and the
    /// Studio subnet as `ops::studio::StackPlace` finds it); None when the stack names no VPC.
    pub fn of_stack(
        resources: &[StackResourceInfo],
        outputs: &BTreeMap<String, String>,
        domain_arn: Option<&str>,
    ) -> Option<ProjectNetwork> {
        let place = StackPlace::of_stack(resources, outputs)?;
        let mut subnets: Vec<String> = resources
            .iter()
            .filter(|r| r.resource_type == "AWS::EC2::Subnet")
            .filter_map(|r| r.physical_id.clone())
            .collect();
        if let Some(s) = place.subnet_id
            && !subnets.contains(&s)
        {
            subnets.push(s);
        }
        Some(ProjectNetwork {
            vpc_id: place.vpc_id,
            subnets,
            domain_arn: domain_arn.map(str::to_string),
        })
    }
}

/// A name as a shell word, or a placeholder when no printed form is safe.
fn word(value: &str, placeholder: &str) -> String {
    shell_word(value)
        .map(|w| w.into_owned())
        .unwrap_or_else(|| placeholder.to_string())
}

fn price(found: &Found, instances: &[(String, i32)], usage: SageMakerUse) -> Cost {
    let mut total = 0.0;
    for (t, n) in instances {
        match found.hourly.iter().find(|(u, x, _)| *u == usage && x == t) {
            Some((_, _, usd)) => total += usd * f64::from(*n),
            None => {
                return Cost::Unknown {
                    why: format!("no price for {}", crate::core::shown::shown(t)),
                };
            }
        }
    }
    if instances.is_empty() {
        return Cost::Unknown {
            why: "no instances listed".into(),
        };
    }
    Cost::Hour { usd: Usd(total) }
}

/// The leftovers of the scan, decided against the project's network (pure).
pub fn decide(found: &Found, net: &ProjectNetwork, region: &str) -> Vec<Leftover> {
    let r = word(region, "REGION");
    let in_subnets =
        |subnets: &[String]| subnets.iter().find(|s| net.subnets.contains(*s)).cloned();
    let mut out = Vec::new();
    for n in &found.notebooks {
        let Some(subnet) = n.subnet_id.as_ref().filter(|s| net.subnets.contains(*s)) else {
            continue;
        };
        let running = !matches!(n.status.as_str(), "Stopped" | "Failed");
        out.push(Leftover {
            kind: Kind::NotebookInstance,
            id: n.name.clone(),
            state: n.status.clone(),
            place: format!("subnet {subnet}"),
            blocks_vpc: true,
            running,
            in_vpc: true,
            cost: if running {
                price(
                    found,
                    &[(n.instance_type.clone(), 1)],
                    SageMakerUse::NotebookInstance,
                )
            } else {
                Cost::Unknown {
                    why: "stopped: its ML storage volume is still billed".into(),
                }
            },
            remove: notebook_removal(&word(&n.name, "NAME"), &n.status, &r),
        });
    }
    for e in &found.endpoints {
        let subnet = in_subnets(&e.subnets);
        if subnet.is_none() && e.placement_known {
            continue;
        }
        let running = !matches!(e.status.as_str(), "Failed" | "Deleting");
        let name = word(&e.name, "NAME");
        out.push(Leftover {
            kind: Kind::Endpoint,
            id: e.name.clone(),
            state: e.status.clone(),
            // Its endpoint config or model was deleted and no subnet it still names is the
            // project's: listed (it bills until deleted) but not held against the teardown,
            // since nothing says it is in the VPC. Should it be, the VPC's deletion fails and
            // the stack stays, to be deleted again once the endpoint is gone.
            place: match &subnet {
                Some(s) => format!("subnet {s}"),
                None => "placement unknown (its endpoint config or model was deleted)".into(),
            },
            blocks_vpc: subnet.is_some(),
            running,
            in_vpc: subnet.is_some(),
            cost: if e.async_inference {
                Cost::Unknown {
                    why: "async inference".into(),
                }
            } else {
                price(found, &e.instances, SageMakerUse::Hosting)
            },
            remove: if e.status == "Deleting" {
                format!("aws sagemaker wait endpoint-deleted --endpoint-name {name} --region {r}")
            } else {
                format!("aws sagemaker delete-endpoint --endpoint-name {name} --region {r}")
            },
        });
    }
    for (kind, usage, jobs) in [
        (Kind::TrainingJob, SageMakerUse::Training, &found.training),
        (
            Kind::ProcessingJob,
            SageMakerUse::Processing,
            &found.processing,
        ),
    ] {
        for j in jobs {
            let Some(subnet) = in_subnets(&j.subnets) else {
                continue;
            };
            let pooled = matches!(j.warm_pool.as_deref(), Some("Available" | "InUse"));
            let running = matches!(j.status.as_str(), "InProgress" | "Stopping") || pooled;
            out.push(Leftover {
                kind,
                id: j.name.clone(),
                state: match &j.warm_pool {
                    Some(w) if pooled => format!("{}, warm pool {w}", j.status),
                    _ => j.status.clone(),
                },
                place: format!("subnet {subnet}"),
                blocks_vpc: true,
                running,
                in_vpc: true,
                cost: if j.spot {
                    Cost::Unknown { why: "spot".into() }
                } else {
                    price(found, &[(j.instance_type.clone(), j.instance_count)], usage)
                },
                remove: job_removal(kind, &word(&j.name, "NAME"), &j.status, pooled, &r),
            });
        }
    }
    for fs in &found.file_systems {
        if !efs_is_left(fs, net, &found.gone_domains) {
            continue;
        }
        let id = word(&fs.id, "FILE_SYSTEM_ID");
        let mut steps: Vec<String> = fs
            .mount_targets
            .iter()
            .map(|(mt, _, _)| {
                format!(
                    "aws efs delete-mount-target --mount-target-id {} --region {r}",
                    word(mt, "MOUNT_TARGET_ID")
                )
            })
            .collect();
        // DeleteMountTarget is asynchronous and DeleteFileSystem refuses a file system that
        // still has mount targets: wait (at most 10 minutes) until none is left.
        steps.push(format!(
            "for i in $(seq 60); do [ \"$(aws efs describe-mount-targets --file-system-id {id} \
             --region {r} --query 'length(MountTargets)' --output text)\" = 0 ] && break; \
             sleep 10; done"
        ));
        steps.push(format!(
            "aws efs delete-file-system --file-system-id {id} --region {r}"
        ));
        out.push(Leftover {
            kind: Kind::HomeEfs,
            id: fs.id.clone(),
            state: format!(
                "left by deleted domain {}, {:.1} GB of home folders",
                fs.domain_arn.rsplit('/').next().unwrap_or_default(),
                fs.size_bytes as f64 / 1e9
            ),
            place: format!("VPC {}", net.vpc_id),
            blocks_vpc: true,
            running: false,
            in_vpc: true,
            cost: Cost::Unknown {
                why: "EFS storage is billed per GB-month; studio-tui has no EFS price".into(),
            },
            remove: steps.join(" && "),
        });
    }
    for t in &found.tracking_servers {
        let running = !matches!(
            t.status.as_str(),
            "Stopped" | "Stopping" | "Deleting" | "CreateFailed" | "DeleteFailed"
        );
        if !running {
            continue;
        }
        out.push(Leftover {
            kind: Kind::MlflowTrackingServer,
            id: t.name.clone(),
            state: match &t.size {
                Some(s) => format!("{}, {s}", t.status),
                None => t.status.clone(),
            },
            place: "this account and region, not tied to the VPC".into(),
            blocks_vpc: false,
            running,
            in_vpc: false,
            cost: Cost::Unknown {
                why: "billed per hour by size; studio-tui has no MLflow price".into(),
            },
            remove: format!(
                "aws sagemaker delete-mlflow-tracking-server --tracking-server-name {} --region {r}",
                word(&t.name, "NAME")
            ),
        });
    }
    out
}

/// Does this EFS file system reach the project's network: a mount target in one of its
/// subnets, or in its VPC (the VpcId is optional in DescribeMountTargets, the SubnetId is not)?
fn efs_in_network(fs: &SageMakerFileSystem, net: &ProjectNetwork) -> bool {
    fs.mount_targets
        .iter()
        .any(|(_, subnet, vpc)| net.subnets.contains(subnet) || *vpc == net.vpc_id)
}

/// The domain ids whose existence decides whether a file system is left (pure): those of the
/// SageMaker file systems that reach the project's network, other than the project's own
/// domain's, each once.
pub fn domains_to_check(found: &Found, net: &ProjectNetwork) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for fs in &found.file_systems {
        if net.domain_arn.as_deref() == Some(fs.domain_arn.as_str()) || !efs_in_network(fs, net) {
            continue;
        }
        if let Some(id) = domain_id(&fs.domain_arn)
            && !out.iter().any(|x| x == id)
        {
            out.push(id.to_string());
        }
    }
    out
}

/// The domain id of a domain ARN ("arn:aws:sagemaker:r:a:domain/d-x" gives "d-x").
fn domain_id(arn: &str) -> Option<&str> {
    arn.split_once(":domain/")
        .map(|(_, id)| id)
        .filter(|id| !id.is_empty())
}

/// A home file system is a leftover only when the domain its tag names no longer exists
/// (DescribeDomain said so: `gone_domains`); a domain that exists, Deleting included, owns it.
fn efs_is_left(fs: &SageMakerFileSystem, net: &ProjectNetwork, gone_domains: &[String]) -> bool {
    net.domain_arn.as_deref() != Some(fs.domain_arn.as_str())
        && !matches!(fs.life_cycle_state.as_str(), "deleting" | "deleted")
        && efs_in_network(fs, net)
        && domain_id(&fs.domain_arn).is_some_and(|id| gone_domains.iter().any(|g| g == id))
}

/// The command that removes a notebook instance in this state (one AWS accepts in it: a
/// notebook instance is deleted only when Stopped or Failed, stopped only when InService).
fn notebook_removal(name: &str, status: &str, r: &str) -> String {
    let flag = format!("--notebook-instance-name {name} --region {r}");
    let delete = format!("aws sagemaker delete-notebook-instance {flag}");
    let wait_stopped = format!("aws sagemaker wait notebook-instance-stopped {flag}");
    let stop = format!("aws sagemaker stop-notebook-instance {flag}");
    match status {
        "Stopped" | "Failed" => delete,
        "Stopping" => format!("{wait_stopped} && {delete}"),
        "Deleting" => format!("aws sagemaker wait notebook-instance-deleted {flag}"),
        "Pending" | "Updating" => format!(
            "aws sagemaker wait notebook-instance-in-service {flag} && {stop} && \
             {wait_stopped} && {delete}"
        ),
        _ => format!("{stop} && {wait_stopped} && {delete}"),
    }
}

/// The command that ends a job's billing: stop it and wait until it is Stopped (a Stopping
/// job keeps its instances until then); a warm pool is ended by setting its keep-alive to 0.
fn job_removal(kind: Kind, name: &str, status: &str, pooled: bool, r: &str) -> String {
    let (noun, flag) = match kind {
        Kind::ProcessingJob => ("processing-job", "--processing-job-name"),
        _ => ("training-job", "--training-job-name"),
    };
    let wait = format!("aws sagemaker wait {noun}-completed-or-stopped {flag} {name} --region {r}");
    match status {
        "InProgress" => format!("aws sagemaker stop-{noun} {flag} {name} --region {r} && {wait}"),
        "Stopping" => wait,
        _ if pooled => format!(
            "aws sagemaker update-training-job --training-job-name {name} --resource-config \
             KeepAlivePeriodInSeconds=0 --region {r}"
        ),
        _ => wait,
    }
}

/// Why destroy must not start while these leftovers exist (pure): each that keeps running or
/// blocks the VPC, by name, with the command that removes it.
pub fn refusal(leftovers: &[Leftover]) -> Option<Error> {
    refusal_saying(leftovers, "nothing was deleted")
}

/// The same refusal found by the look again right before DeleteStack (pure): what the
/// teardown already did stays done, the stack is kept.
pub fn refusal_before_stack(leftovers: &[Leftover]) -> Option<Error> {
    refusal_saying(
        leftovers,
        "started since the plan; the stack and its VPC were kept, nothing more is deleted",
    )
}

fn refusal_saying(leftovers: &[Leftover], done: &str) -> Option<Error> {
    let stopping: Vec<&Leftover> = leftovers.iter().filter(|l| l.stops_teardown()).collect();
    if stopping.is_empty() {
        return None;
    }
    let names: Vec<String> = stopping
        .iter()
        .map(|l| format!("{} {}", l.kind.label(), crate::core::shown::shown(&l.id)))
        .collect();
    let fixes: Vec<String> = stopping.iter().map(|l| format!("`{}`", l.remove)).collect();
    Some(
        Error::refused(format!(
            "{} in the stack's VPC that studio-tui did not create: {}; {} keep billing after a \
             teardown and hold network interfaces that keep the VPC from being deleted; {done}",
            if stopping.len() == 1 {
                "a resource is"
            } else {
                "resources are"
            },
            names.join(", "),
            if stopping.len() == 1 {
                "it would"
            } else {
                "they would"
            }
        ))
        .with_fix(format!(
            "if {} not needed, remove {} ({}), then run destroy again",
            if stopping.len() == 1 {
                "it is"
            } else {
                "they are"
            },
            if stopping.len() == 1 { "it" } else { "them" },
            fixes.join("; ")
        )),
    )
}

/// One line for the overview: "leftovers: 2 billing (nb-1, exp)", or None.
pub fn summary(leftovers: &[Leftover]) -> Option<String> {
    if leftovers.is_empty() {
        return None;
    }
    let names: Vec<String> = leftovers
        .iter()
        .map(|l| crate::core::shown::shown(&l.id).into_owned())
        .collect();
    Some(format!(
        "leftovers: {} billing ({})",
        leftovers.len(),
        names.join(", ")
    ))
}

/// The instance types to price, each with its use (pure): those running for a leftover in
/// the project's VPC, each pair once, in the order found.
pub fn types_to_price(found: &Found, leftovers: &[Leftover]) -> Vec<(SageMakerUse, String)> {
    let mut types: Vec<(SageMakerUse, String)> = Vec::new();
    for l in leftovers.iter().filter(|l| l.running && l.in_vpc) {
        let usage = match l.kind {
            Kind::NotebookInstance => SageMakerUse::NotebookInstance,
            Kind::Endpoint => SageMakerUse::Hosting,
            Kind::TrainingJob => SageMakerUse::Training,
            Kind::ProcessingJob => SageMakerUse::Processing,
            Kind::MlflowTrackingServer | Kind::HomeEfs => continue,
        };
        let wanted: Vec<String> = match l.kind {
            Kind::NotebookInstance => found
                .notebooks
                .iter()
                .filter(|n| n.name == l.id)
                .map(|n| n.instance_type.clone())
                .collect(),
            Kind::Endpoint => found
                .endpoints
                .iter()
                .filter(|e| e.name == l.id)
                .flat_map(|e| e.instances.iter().map(|(t, _)| t.clone()))
                .collect(),
            Kind::TrainingJob => found
                .training
                .iter()
                .filter(|j| j.name == l.id)
                .map(|j| j.instance_type.clone())
                .collect(),
            Kind::ProcessingJob => found
                .processing
                .iter()
                .filter(|j| j.name == l.id)
                .map(|j| j.instance_type.clone())
                .collect(),
            Kind::MlflowTrackingServer | Kind::HomeEfs => Vec::new(),
        };
        for t in wanted {
            let pair = (usage, t);
            if !pair.1.is_empty() && !types.contains(&pair) {
                types.push(pair);
            }
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> ProjectNetwork {
        ProjectNetwork {
            vpc_id: "vpc-1".into(),
            subnets: vec!["subnet-studio".into(), "subnet-fw".into()],
            domain_arn: Some("arn:aws:sagemaker:us-east-1:1:domain/d-ours".into()),
        }
    }

    fn notebook(name: &str, status: &str, subnet: Option<&str>) -> NotebookInfo {
        NotebookInfo {
            name: name.into(),
            status: status.into(),
            instance_type: "ml.t3.medium".into(),
            subnet_id: subnet.map(str::to_string),
        }
    }

    fn job(name: &str, status: &str, subnets: &[&str]) -> JobInfo {
        JobInfo {
            name: name.into(),
            status: status.into(),
            instance_type: "ml.m5.xlarge".into(),
            instance_count: 2,
            subnets: subnets.iter().map(|s| s.to_string()).collect(),
            warm_pool: None,
            spot: false,
        }
    }

    fn endpoint(name: &str, status: &str, instances: &[(&str, i32)], subnet: &str) -> EndpointInfo {
        EndpointInfo {
            name: name.into(),
            status: status.into(),
            instances: instances.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
            subnets: vec![subnet.into()],
            placement_known: true,
            async_inference: false,
        }
    }

    fn fs(id: &str, domain: &str, vpc: &str) -> SageMakerFileSystem {
        SageMakerFileSystem {
            id: id.into(),
            domain_arn: format!("arn:aws:sagemaker:us-east-1:1:domain/{domain}"),
            life_cycle_state: "available".into(),
            size_bytes: 2_500_000_000,
            mount_targets: vec![("fsmt-1".into(), format!("subnet-in-{vpc}"), vpc.into())],
        }
    }

    #[test]
    fn the_network_is_the_stacks_vpc_and_every_subnet_it_made() {
        let r = |logical: &str, t: &str, physical: Option<&str>| StackResourceInfo {
            logical_id: logical.into(),
            physical_id: physical.map(str::to_string),
            resource_type: t.into(),
            status: crate::core::status::ResourceStatus::CreateComplete,
            status_reason: None,
        };
        let resources = vec![
            r("Vpc", "AWS::EC2::VPC", Some("vpc-1")),
            r(
                "SageMakerStudioSubnet",
                "AWS::EC2::Subnet",
                Some("subnet-studio"),
            ),
            r("FirewallSubnet", "AWS::EC2::Subnet", Some("subnet-fw")),
            r("Pending", "AWS::EC2::Subnet", None),
            r("Bucket", "AWS::S3::Bucket", Some("b")),
        ];
        let n = ProjectNetwork::of_stack(&resources, &BTreeMap::new(), Some("arn:d")).unwrap();
        assert_eq!(n.vpc_id, "vpc-1");
        assert_eq!(
            n.subnets,
            vec!["subnet-studio".to_string(), "subnet-fw".to_string()]
        );
        assert_eq!(n.domain_arn.as_deref(), Some("arn:d"));
        // from the outputs alone (no resources listed): the Studio subnet
        let outputs: BTreeMap<String, String> = [
            ("VpcId".to_string(), "vpc-9".to_string()),
            (
                "SageMakerStudioSubnetId".to_string(),
                "subnet-9".to_string(),
            ),
        ]
        .into();
        let n = ProjectNetwork::of_stack(&[], &outputs, None).unwrap();
        assert_eq!(
            (n.vpc_id.as_str(), n.subnets),
            ("vpc-9", vec!["subnet-9".to_string()])
        );
        assert!(ProjectNetwork::of_stack(&[], &BTreeMap::new(), None).is_none());
    }

    #[test]
    fn only_what_runs_in_the_vpc_is_priced_each_type_once() {
        let found = Found {
            notebooks: vec![
                notebook("nb", "InService", Some("subnet-studio")),
                notebook("nb2", "InService", Some("subnet-fw")),
                notebook("off", "Stopped", Some("subnet-fw")),
            ],
            endpoints: vec![EndpointInfo {
                name: "ep".into(),
                status: "InService".into(),
                instances: vec![("ml.g5.xlarge".into(), 1), (String::new(), 1)],
                subnets: vec!["subnet-studio".into()],
                placement_known: true,
                async_inference: false,
            }],
            training: vec![job("train", "InProgress", &["subnet-studio"])],
            processing: vec![JobInfo {
                instance_type: "ml.c5.xlarge".into(),
                ..job("proc", "InProgress", &["subnet-fw"])
            }],
            tracking_servers: vec![TrackingServerInfo {
                name: "exp".into(),
                status: "Created".into(),
                size: None,
            }],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert_eq!(
            types_to_price(&found, &l),
            vec![
                (SageMakerUse::NotebookInstance, "ml.t3.medium".to_string()),
                (SageMakerUse::Hosting, "ml.g5.xlarge".to_string()),
                (SageMakerUse::Training, "ml.m5.xlarge".to_string()),
                (SageMakerUse::Processing, "ml.c5.xlarge".to_string()),
            ]
        );
        // a leftover outside the VPC (a tracking server) or not running is not priced
        let mut not_running = l.clone();
        for x in &mut not_running {
            x.running = false;
        }
        assert!(types_to_price(&found, &not_running).is_empty());
        let mut outside = l;
        for x in &mut outside {
            x.in_vpc = false;
        }
        assert!(types_to_price(&found, &outside).is_empty());
    }

    #[test]
    fn text_from_aws_is_escaped_for_json_too() {
        let found = Found {
            notebooks: vec![notebook("nb\u{1b}[2J", "In\u{7}Service", Some("subnet-fw"))],
            ..Default::default()
        };
        let raw = decide(&found, &net(), "us-east-1").remove(0);
        let shown = raw.shown();
        assert!(
            !shown.id.contains('\u{1b}') && !shown.state.contains('\u{7}'),
            "{shown:?}"
        );
        assert_eq!(shown.id, crate::core::shown::shown(&raw.id));
        assert_eq!(shown.state, crate::core::shown::shown(&raw.state));
        assert_eq!(shown.place, raw.place);
        assert_eq!(shown.remove, raw.remove);
        assert!(raw.remove.contains("--notebook-instance-name NAME"));
        // A place named after AWS's ids is escaped too (a subnet id is AWS's text).
        let hostile = "subnet-\u{1b}]52;c;x\u{7}".to_string();
        let mut odd = net();
        odd.subnets.push(hostile.clone());
        let found = Found {
            notebooks: vec![notebook("nb", "InService", Some(hostile.as_str()))],
            ..Default::default()
        };
        let raw = decide(&found, &odd, "us-east-1").remove(0);
        assert!(raw.place.contains('\u{1b}'));
        let shown = raw.shown();
        assert!(!shown.place.contains('\u{1b}'), "{shown:?}");
        assert_eq!(shown.place, crate::core::shown::shown(&raw.place));
    }

    #[test]
    fn a_notebook_in_the_studio_subnet_refuses_the_teardown_with_its_command() {
        let found = Found {
            notebooks: vec![
                notebook("nb-left", "InService", Some("subnet-studio")),
                notebook("elsewhere", "InService", Some("subnet-other")),
                notebook("public", "InService", None),
            ],
            hourly: vec![
                (SageMakerUse::StudioApp, "ml.t3.medium".into(), 0.07),
                (SageMakerUse::NotebookInstance, "ml.t3.medium".into(), 0.05),
            ],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert_eq!(l.len(), 1, "{l:?}");
        let nb = &l[0];
        assert_eq!(nb.kind, Kind::NotebookInstance);
        assert_eq!(nb.place, "subnet subnet-studio");
        assert!(nb.running && nb.blocks_vpc && nb.in_vpc && nb.stops_teardown());
        assert_eq!(nb.cost, Cost::Hour { usd: Usd(0.05) });
        assert_eq!(
            nb.remove,
            "aws sagemaker stop-notebook-instance --notebook-instance-name nb-left --region \
             us-east-1 && aws sagemaker wait notebook-instance-stopped --notebook-instance-name \
             nb-left --region us-east-1 && aws sagemaker delete-notebook-instance \
             --notebook-instance-name nb-left --region us-east-1"
        );
        assert_eq!(
            nb.summary_line(),
            "notebook instance nb-left (InService, subnet subnet-studio): $0.05/hour; blocks \
             deleting the VPC"
        );
        assert_eq!(
            nb.line(),
            format!("{}; remove: {}", nb.summary_line(), nb.remove)
        );
        let e = refusal(&l).unwrap();
        assert!(
            e.fix()
                .unwrap()
                .starts_with("if it is not needed, remove it (")
        );
        assert!(e.is_refusal());
        assert_eq!(
            e.message(),
            "a resource is in the stack's VPC that studio-tui did not create: notebook instance \
             nb-left; it would keep billing after a teardown and hold network interfaces that \
             keep the VPC from being deleted; nothing was deleted"
        );
        assert!(e.fix().unwrap().contains(&format!("`{}`", nb.remove)));
        assert_eq!(
            summary(&l).as_deref(),
            Some("leftovers: 1 billing (nb-left)")
        );
    }

    #[test]
    fn a_stopped_notebook_still_blocks_and_is_deleted_directly() {
        let found = Found {
            notebooks: vec![notebook("nb", "Stopped", Some("subnet-fw"))],
            ..Default::default()
        };
        let l = decide(&found, &net(), "eu-west-1");
        assert!(!l[0].running && l[0].blocks_vpc && l[0].stops_teardown());
        assert_eq!(
            l[0].remove,
            "aws sagemaker delete-notebook-instance --notebook-instance-name nb --region eu-west-1"
        );
        assert!(matches!(&l[0].cost, Cost::Unknown { why } if why.contains("storage")));
        let failed = Found {
            notebooks: vec![notebook("nb", "Failed", Some("subnet-fw"))],
            ..Default::default()
        };
        assert!(!decide(&failed, &net(), "eu-west-1")[0].running);
    }

    #[test]
    fn jobs_and_endpoints_in_the_subnets_are_priced_per_instance() {
        let found = Found {
            training: vec![
                job("train", "InProgress", &["subnet-x", "subnet-studio"]),
                job("outside", "InProgress", &["subnet-x"]),
            ],
            processing: vec![job("proc", "InProgress", &["subnet-fw"])],
            endpoints: vec![
                EndpointInfo {
                    name: "ep".into(),
                    status: "InService".into(),
                    instances: vec![("ml.m5.xlarge".into(), 1), ("ml.t3.medium".into(), 3)],
                    subnets: vec!["subnet-studio".into()],
                    placement_known: true,
                    async_inference: false,
                },
                EndpointInfo {
                    name: "broken".into(),
                    status: "Failed".into(),
                    instances: vec![("ml.g5.xlarge".into(), 1)],
                    subnets: vec!["subnet-fw".into()],
                    placement_known: true,
                    async_inference: false,
                },
            ],
            hourly: vec![
                (SageMakerUse::Hosting, "ml.m5.xlarge".into(), 0.25),
                (SageMakerUse::Hosting, "ml.t3.medium".into(), 0.125),
                (SageMakerUse::Training, "ml.m5.xlarge".into(), 0.3),
                // another use's price of the processing job's type is not its price
                (SageMakerUse::StudioApp, "ml.m5.xlarge".into(), 9.0),
            ],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        let ids: Vec<(&str, Kind)> = l.iter().map(|x| (x.id.as_str(), x.kind)).collect();
        assert_eq!(
            ids,
            vec![
                ("ep", Kind::Endpoint),
                ("broken", Kind::Endpoint),
                ("train", Kind::TrainingJob),
                ("proc", Kind::ProcessingJob),
            ]
        );
        assert_eq!(l[0].cost, Cost::Hour { usd: Usd(0.625) });
        assert!(l[0].running);
        assert!(
            !l[1].running && l[1].stops_teardown(),
            "a failed endpoint still holds its ENIs"
        );
        assert!(matches!(&l[1].cost, Cost::Unknown { why } if why == "no price for ml.g5.xlarge"));
        assert_eq!(l[2].cost, Cost::Hour { usd: Usd(0.6) });
        assert_eq!(l[2].cost.text(), "$0.60/hour");
        assert!(
            matches!(&l[3].cost, Cost::Unknown { why } if why == "no price for ml.m5.xlarge"),
            "{:?}",
            l[3].cost
        );
        assert_eq!(l[2].place, "subnet subnet-studio");
        assert_eq!(
            l[2].remove,
            "aws sagemaker stop-training-job --training-job-name train --region us-east-1 && aws \
             sagemaker wait training-job-completed-or-stopped --training-job-name train --region \
             us-east-1"
        );
        assert_eq!(
            l[3].remove,
            "aws sagemaker stop-processing-job --processing-job-name proc --region us-east-1 && \
             aws sagemaker wait processing-job-completed-or-stopped --processing-job-name proc \
             --region us-east-1"
        );
        let deleting = Found {
            endpoints: vec![endpoint("ep", "Deleting", &[], "subnet-fw")],
            ..Default::default()
        };
        let d = decide(&deleting, &net(), "us-east-1");
        assert!(!d[0].running && d[0].stops_teardown());
        assert!(matches!(&d[0].cost, Cost::Unknown { why } if why == "no instances listed"));
        assert_eq!(
            d[0].remove,
            "aws sagemaker wait endpoint-deleted --endpoint-name ep --region us-east-1",
            "DeleteEndpoint on an endpoint already Deleting is refused: wait for it instead"
        );
    }

    #[test]
    fn a_stopping_job_still_runs_and_is_waited_for() {
        // StopTrainingJob: "SageMaker changes the status of the job to Stopping. After
        // SageMaker stops the job, it sets the status to Stopped."
        let found = Found {
            training: vec![job("t", "Stopping", &["subnet-fw"])],
            processing: vec![job("p", "Stopping", &["subnet-fw"])],
            hourly: vec![(SageMakerUse::Training, "ml.m5.xlarge".into(), 0.3)],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert!(l.iter().all(|x| x.running && x.stops_teardown()), "{l:?}");
        assert_eq!(l[0].cost, Cost::Hour { usd: Usd(0.6) });
        assert_eq!(
            l[0].remove,
            "aws sagemaker wait training-job-completed-or-stopped --training-job-name t --region \
             us-east-1"
        );
        assert_eq!(
            l[1].remove,
            "aws sagemaker wait processing-job-completed-or-stopped --processing-job-name p \
             --region us-east-1"
        );
    }

    #[test]
    fn a_warm_pool_kept_alive_bills_and_spot_is_not_the_on_demand_hour() {
        let pooled = |w: &str| JobInfo {
            warm_pool: Some(w.into()),
            ..job("t", "Completed", &["subnet-fw"])
        };
        let found = Found {
            training: vec![pooled("Available"), pooled("Terminated")],
            hourly: vec![(SageMakerUse::Training, "ml.m5.xlarge".into(), 0.3)],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert_eq!(l[0].state, "Completed, warm pool Available");
        assert!(l[0].running && l[0].stops_teardown());
        assert_eq!(
            l[0].remove,
            "aws sagemaker update-training-job --training-job-name t --resource-config \
             KeepAlivePeriodInSeconds=0 --region us-east-1"
        );
        assert_eq!(l[1].state, "Completed");
        assert!(!l[1].running);
        let spot = Found {
            training: vec![JobInfo {
                spot: true,
                ..job("s", "InProgress", &["subnet-fw"])
            }],
            hourly: vec![(SageMakerUse::Training, "ml.m5.xlarge".into(), 0.3)],
            ..Default::default()
        };
        assert_eq!(
            decide(&spot, &net(), "us-east-1")[0].cost.text(),
            "cost unknown (spot)"
        );
    }

    #[test]
    fn endpoints_count_current_instances_and_unknown_placement_does_not_refuse() {
        let mut asynchronous = endpoint("async", "InService", &[("ml.m5.xlarge", 1)], "subnet-fw");
        asynchronous.async_inference = true;
        let mut orphan = endpoint("orphan", "InService", &[], "subnet-x");
        orphan.subnets = Vec::new();
        orphan.placement_known = false;
        let mut elsewhere = endpoint("far", "InService", &[], "subnet-x");
        elsewhere.placement_known = false;
        let found = Found {
            endpoints: vec![asynchronous, orphan, elsewhere],
            hourly: vec![(SageMakerUse::Hosting, "ml.m5.xlarge".into(), 0.25)],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert_eq!(l[0].cost.text(), "cost unknown (async inference)");
        assert!(l[0].stops_teardown());
        for x in &l[1..] {
            assert_eq!(
                x.place,
                "placement unknown (its endpoint config or model was deleted)"
            );
            assert!(x.running && !x.in_vpc && !x.stops_teardown(), "{x:?}");
        }
        assert!(refusal(&l[1..]).is_none());
    }

    #[test]
    fn notebooks_in_passing_states_get_commands_aws_accepts_then() {
        let cmd = |status: &str| {
            let found = Found {
                notebooks: vec![notebook("nb", status, Some("subnet-fw"))],
                ..Default::default()
            };
            decide(&found, &net(), "r").remove(0).remove
        };
        let f = "--notebook-instance-name nb --region r";
        assert_eq!(
            cmd("Stopping"),
            format!(
                "aws sagemaker wait notebook-instance-stopped {f} && aws sagemaker \
                 delete-notebook-instance {f}"
            )
        );
        assert_eq!(
            cmd("Deleting"),
            format!("aws sagemaker wait notebook-instance-deleted {f}")
        );
        for status in ["Pending", "Updating"] {
            assert!(
                cmd(status).starts_with(&format!(
                    "aws sagemaker wait notebook-instance-in-service {f} && aws sagemaker \
                     stop-notebook-instance {f} && "
                )),
                "{status}"
            );
        }
    }

    #[test]
    fn a_home_efs_is_left_only_once_its_domain_is_gone() {
        let found = Found {
            file_systems: vec![
                fs("fs-old", "d-gone", "vpc-1"),
                fs("fs-live", "d-live", "vpc-1"),
                fs("fs-ours", "d-ours", "vpc-1"),
                fs("fs-far", "d-far", "vpc-2"),
            ],
            gone_domains: vec!["d-gone".into(), "d-far".into(), "d-ours".into()],
            ..Default::default()
        };
        // Only the file systems in the network other than the project's own domain's have
        // their domain described.
        assert_eq!(
            domains_to_check(&found, &net()),
            vec!["d-gone".to_string(), "d-live".to_string()]
        );
        let l = decide(&found, &net(), "us-east-1");
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(l[0].kind, Kind::HomeEfs);
        assert_eq!(l[0].id, "fs-old");
        assert_eq!(
            l[0].state,
            "left by deleted domain d-gone, 2.5 GB of home folders"
        );
        assert_eq!(l[0].place, "VPC vpc-1");
        assert!(l[0].blocks_vpc && !l[0].running && l[0].stops_teardown());
        assert_eq!(
            l[0].remove,
            "aws efs delete-mount-target --mount-target-id fsmt-1 --region us-east-1 && for i in \
             $(seq 60); do [ \"$(aws efs describe-mount-targets --file-system-id fs-old --region \
             us-east-1 --query 'length(MountTargets)' --output text)\" = 0 ] && break; sleep 10; \
             done && aws efs delete-file-system --file-system-id fs-old --region us-east-1"
        );
        assert!(matches!(&l[0].cost, Cost::Unknown { why } if why.contains("GB-month")));
        // The domain lookup failed (no project domain known) or the project's domain is
        // Deleting: a domain that exists owns its volume, whatever the caller knows.
        let mut no_domain = net();
        no_domain.domain_arn = None;
        let l = decide(&found, &no_domain, "us-east-1");
        assert_eq!(
            l.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
            vec!["fs-old", "fs-ours"]
        );
        let live = Found {
            gone_domains: Vec::new(),
            ..found.clone()
        };
        assert!(decide(&live, &no_domain, "us-east-1").is_empty());
        // being deleted: not a leftover
        let mut deleting = found.clone();
        for f in &mut deleting.file_systems {
            f.life_cycle_state = "deleting".into();
        }
        assert!(decide(&deleting, &net(), "us-east-1").is_empty());
    }

    #[test]
    fn a_mount_target_without_a_vpc_id_is_matched_by_its_subnet() {
        let mut f = fs("fs-old", "d-gone", "vpc-1");
        f.mount_targets = vec![("fsmt-1".into(), "subnet-studio".into(), String::new())];
        let found = Found {
            file_systems: vec![f],
            gone_domains: vec!["d-gone".into()],
            ..Default::default()
        };
        assert_eq!(domains_to_check(&found, &net()), vec!["d-gone".to_string()]);
        assert_eq!(decide(&found, &net(), "us-east-1").len(), 1);
    }

    #[test]
    fn the_look_again_before_the_stack_says_what_was_kept() {
        let found = Found {
            notebooks: vec![notebook("late", "InService", Some("subnet-fw"))],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        let e = refusal_before_stack(&l).unwrap();
        assert!(e.is_refusal());
        assert!(
            e.message().contains("notebook instance late")
                && e.message().ends_with(
                    "started since the plan; the stack and its VPC were kept, nothing more is \
                     deleted"
                ),
            "{e}"
        );
        assert_eq!(e.fix(), refusal(&l).unwrap().fix());
        assert!(refusal_before_stack(&[]).is_none());
    }

    #[test]
    fn tracking_servers_are_listed_but_never_refuse() {
        let server = |name: &str, status: &str| TrackingServerInfo {
            name: name.into(),
            status: status.into(),
            size: Some("Small".into()),
        };
        let found = Found {
            tracking_servers: vec![server("exp", "Created"), server("off", "Stopped")],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].state, "Created, Small");
        assert_eq!(l[0].place, "this account and region, not tied to the VPC");
        assert!(l[0].running && !l[0].blocks_vpc && !l[0].in_vpc);
        assert!(!l[0].stops_teardown());
        assert!(refusal(&l).is_none());
        assert_eq!(
            l[0].remove,
            "aws sagemaker delete-mlflow-tracking-server --tracking-server-name exp --region \
             us-east-1"
        );
        for status in ["Stopping", "Deleting", "CreateFailed", "DeleteFailed"] {
            let f = Found {
                tracking_servers: vec![server("x", status)],
                ..Default::default()
            };
            assert!(decide(&f, &net(), "us-east-1").is_empty(), "{status}");
        }
        let unsized_server = Found {
            tracking_servers: vec![TrackingServerInfo {
                name: "x".into(),
                status: "Started".into(),
                size: None,
            }],
            ..Default::default()
        };
        assert_eq!(
            decide(&unsized_server, &net(), "us-east-1")[0].state,
            "Started"
        );
    }

    #[test]
    fn several_are_named_together_and_odd_names_are_not_pasted() {
        let found = Found {
            notebooks: vec![
                notebook("a", "Stopped", Some("subnet-fw")),
                notebook("b\x1b[2J", "Stopped", Some("subnet-fw")),
            ],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert!(
            l[1].remove.contains("--notebook-instance-name NAME"),
            "{}",
            l[1].remove
        );
        let e = refusal(&l).unwrap();
        assert!(
            e.message().starts_with("resources are in the stack's VPC")
                && e.message().contains("they would keep billing")
                && !e.message().contains('\x1b'),
            "{e}"
        );
        assert_eq!(
            e.fix().unwrap().matches("delete-notebook-instance").count(),
            2
        );
        assert!(summary(&[]).is_none());
        assert!(refusal(&[]).is_none());
        assert_eq!(Cost::Unknown { why: "x".into() }.text(), "cost unknown (x)");
        assert_eq!(Cost::Hour { usd: Usd(1.234) }.text(), "$1.23/hour");
        for (k, label) in [
            (Kind::NotebookInstance, "notebook instance"),
            (Kind::Endpoint, "endpoint"),
            (Kind::TrainingJob, "training job"),
            (Kind::ProcessingJob, "processing job"),
            (Kind::MlflowTrackingServer, "MLflow tracking server"),
            (Kind::HomeEfs, "EFS file system"),
        ] {
            assert_eq!(k.label(), label);
        }
    }
}
