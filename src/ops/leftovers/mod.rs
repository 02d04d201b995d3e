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
        let name = word(&n.name, "NAME");
        let delete = format!(
            "aws sagemaker delete-notebook-instance --notebook-instance-name {name} --region {r}"
        );
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
            remove: if running {
                format!(
                    "aws sagemaker stop-notebook-instance --notebook-instance-name {name} \
                     --region {r} && aws sagemaker wait notebook-instance-stopped \
                     --notebook-instance-name {name} --region {r} && {delete}"
                )
            } else {
                delete
            },
        });
    }
    for e in &found.endpoints {
        let Some(subnet) = in_subnets(&e.subnets) else {
            continue;
        };
        let running = !matches!(e.status.as_str(), "Failed" | "Deleting");
        out.push(Leftover {
            kind: Kind::Endpoint,
            id: e.name.clone(),
            state: e.status.clone(),
            place: format!("subnet {subnet}"),
            blocks_vpc: true,
            running,
            in_vpc: true,
            cost: price(found, &e.instances, SageMakerUse::Hosting),
            remove: format!(
                "aws sagemaker delete-endpoint --endpoint-name {} --region {r}",
                word(&e.name, "NAME")
            ),
        });
    }
    for (kind, usage, jobs, verb, flag) in [
        (
            Kind::TrainingJob,
            SageMakerUse::Training,
            &found.training,
            "stop-training-job",
            "--training-job-name",
        ),
        (
            Kind::ProcessingJob,
            SageMakerUse::Processing,
            &found.processing,
            "stop-processing-job",
            "--processing-job-name",
        ),
    ] {
        for j in jobs {
            let Some(subnet) = in_subnets(&j.subnets) else {
                continue;
            };
            out.push(Leftover {
                kind,
                id: j.name.clone(),
                state: j.status.clone(),
                place: format!("subnet {subnet}"),
                blocks_vpc: true,
                running: j.status == "InProgress",
                in_vpc: true,
                cost: price(found, &[(j.instance_type.clone(), j.instance_count)], usage),
                remove: format!(
                    "aws sagemaker {verb} {flag} {} --region {r}",
                    word(&j.name, "NAME")
                ),
            });
        }
    }
    for fs in &found.file_systems {
        if net.domain_arn.as_deref() == Some(fs.domain_arn.as_str()) {
            // the project's own domain's volume: deleted with the domain
            continue;
        }
        let targets: Vec<&(String, String, String)> = fs
            .mount_targets
            .iter()
            .filter(|(_, _, vpc)| *vpc == net.vpc_id)
            .collect();
        if targets.is_empty() {
            continue;
        }
        let mut steps: Vec<String> = targets
            .iter()
            .map(|(mt, _, _)| {
                format!(
                    "aws efs delete-mount-target --mount-target-id {} --region {r}",
                    word(mt, "MOUNT_TARGET_ID")
                )
            })
            .collect();
        steps.push(format!(
            "aws efs delete-file-system --file-system-id {} --region {r} (once the mount \
             targets are gone; this deletes the home folders it holds)",
            word(&fs.id, "FILE_SYSTEM_ID")
        ));
        out.push(Leftover {
            kind: Kind::HomeEfs,
            id: fs.id.clone(),
            state: format!(
                "left by domain {}, {:.1} GB",
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

/// Why destroy must not start while these leftovers exist (pure): each that keeps running or
/// blocks the VPC, by name, with the command that removes it.
pub fn refusal(leftovers: &[Leftover]) -> Option<Error> {
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
             teardown and hold network interfaces that keep the VPC from being deleted; \
             nothing was deleted",
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
        }
    }

    fn fs(id: &str, domain: &str, vpc: &str) -> SageMakerFileSystem {
        SageMakerFileSystem {
            id: id.into(),
            domain_arn: format!("arn:aws:sagemaker:us-east-1:1:domain/{domain}"),
            size_bytes: 2_500_000_000,
            mount_targets: vec![("fsmt-1".into(), "subnet-studio".into(), vpc.into())],
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
                },
                EndpointInfo {
                    name: "broken".into(),
                    status: "Failed".into(),
                    instances: vec![("ml.g5.xlarge".into(), 1)],
                    subnets: vec!["subnet-fw".into()],
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
            "aws sagemaker stop-training-job --training-job-name train --region us-east-1"
        );
        assert_eq!(
            l[3].remove,
            "aws sagemaker stop-processing-job --processing-job-name proc --region us-east-1"
        );
        let deleting = Found {
            endpoints: vec![EndpointInfo {
                name: "ep".into(),
                status: "Deleting".into(),
                instances: Vec::new(),
                subnets: vec!["subnet-fw".into()],
            }],
            ..Default::default()
        };
        let d = decide(&deleting, &net(), "us-east-1");
        assert!(!d[0].running);
        assert!(matches!(&d[0].cost, Cost::Unknown { why } if why == "no instances listed"));
        let done = Found {
            training: vec![job("t", "Stopping", &["subnet-fw"])],
            ..Default::default()
        };
        assert!(!decide(&done, &net(), "us-east-1")[0].running);
    }

    #[test]
    fn a_home_efs_of_another_domain_in_the_vpc_is_listed_ours_is_not() {
        let found = Found {
            file_systems: vec![
                fs("fs-old", "d-gone", "vpc-1"),
                fs("fs-ours", "d-ours", "vpc-1"),
                fs("fs-far", "d-far", "vpc-2"),
            ],
            ..Default::default()
        };
        let l = decide(&found, &net(), "us-east-1");
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(l[0].kind, Kind::HomeEfs);
        assert_eq!(l[0].id, "fs-old");
        assert_eq!(l[0].state, "left by domain d-gone, 2.5 GB");
        assert_eq!(l[0].place, "VPC vpc-1");
        assert!(l[0].blocks_vpc && !l[0].running && l[0].stops_teardown());
        assert_eq!(
            l[0].remove,
            "aws efs delete-mount-target --mount-target-id fsmt-1 --region us-east-1 && aws efs \
             delete-file-system --file-system-id fs-old --region us-east-1 (once the mount \
             targets are gone; this deletes the home folders it holds)"
        );
        assert!(matches!(&l[0].cost, Cost::Unknown { why } if why.contains("GB-month")));
        let mut no_domain = net();
        no_domain.domain_arn = None;
        assert_eq!(decide(&found, &no_domain, "us-east-1").len(), 2);
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
