//! Read-only scans for billed SageMaker and EFS resources that studio-tui did not create:
//! notebook instances, endpoints, training and processing jobs, MLflow tracking servers, and
//! the home EFS file systems SageMaker made for domains (`ops::leftovers` decides which are the
//! project's problem).

use aws_sdk_sagemaker::types::{ProcessingJobStatus, TrainingJobStatus, WarmPoolResourceStatus};
use serde::Serialize;

use super::{AwsError, ErrorKind, Session};

/// A resource deleted between its List and its Describe: gone, not an error.
use super::apps::is_not_found as is_gone;

/// Add the subnets not yet in `subnets`.
fn add(subnets: &mut Vec<String>, from: &[String]) {
    for s in from {
        if !subnets.contains(s) {
            subnets.push(s.clone());
        }
    }
}

/// The error of a describe, naming the resource it was about.
fn about(mut e: AwsError, what: &str, name: &str) -> AwsError {
    e.message = format!("{what} {name}: {}", e.message);
    e
}

/// A notebook instance (DescribeNotebookInstance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotebookInfo {
    pub name: String,
    pub status: String,
    pub instance_type: String,
    pub subnet_id: Option<String>,
}

/// A training or processing job that is InProgress or Stopping (its instances and interfaces
/// stay until Stopped), or a training job whose warm pool is kept alive, with its instances
/// and VPC subnets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobInfo {
    pub name: String,
    pub status: String,
    pub instance_type: String,
    pub instance_count: i32,
    pub subnets: Vec<String>,
    /// The warm pool's status (training jobs kept alive: Available or InUse), if any.
    pub warm_pool: Option<String>,
    /// Managed spot training: not billed at the on-demand training hour.
    pub spot: bool,
}

/// An endpoint: its variants' instances (DescribeEndpointConfig, DescribeEndpoint) and its
/// subnets (the config's own VpcConfig and its models' VpcConfig, DescribeModel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointInfo {
    pub name: String,
    pub status: String,
    /// (instance type, instance count) of each instance-backed variant, shadow variants too:
    /// the variant's CurrentInstanceCount (autoscaling), else its InitialInstanceCount.
    pub instances: Vec<(String, i32)>,
    pub subnets: Vec<String>,
    /// False when its endpoint config or one of its models was deleted: its subnets may be
    /// more than `subnets` says.
    pub placement_known: bool,
    /// An asynchronous inference endpoint (AsyncInferenceConfig): it can scale to zero, so the
    /// on-demand hour of its instances is not its cost.
    pub async_inference: bool,
}

/// An MLflow tracking server (account and Region level: its API names no VPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingServerInfo {
    pub name: String,
    pub status: String,
    pub size: Option<String>,
}

/// An EFS file system tagged `ManagedByAmazonSageMakerResource` (a domain's home volume), with
/// its mount targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SageMakerFileSystem {
    pub id: String,
    /// The tag's value: the ARN of the domain it was made for.
    pub domain_arn: String,
    /// LifeCycleState: creating, available, updating, deleting, deleted, error.
    pub life_cycle_state: String,
    pub size_bytes: i64,
    /// (mount target id, subnet id, VPC id; the VPC id is "" when AWS left it out: it is
    /// optional in DescribeMountTargets, the subnet id is not).
    pub mount_targets: Vec<(String, String, String)>,
}

/// The tag SageMaker puts on a domain's home EFS file system, valued with the domain's ARN.
pub const MANAGED_TAG: &str = "ManagedByAmazonSageMakerResource";

impl Session {
    /// Every notebook instance, described (ListNotebookInstances does not give the subnet).
    pub async fn notebook_instances(&self) -> Result<Vec<NotebookInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_notebook_instances()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListNotebookInstances", e))?;
        let mut out = Vec::new();
        for n in items {
            let name = n.notebook_instance_name().unwrap_or_default();
            let d = self
                .sagemaker()
                .describe_notebook_instance()
                .notebook_instance_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeNotebookInstance", e));
            let d = match d {
                Ok(d) => d,
                Err(e) if is_gone(&e) => continue,
                Err(e) => return Err(about(e, "notebook instance", name)),
            };
            out.push(NotebookInfo {
                name: name.to_string(),
                status: d
                    .notebook_instance_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                instance_type: d
                    .instance_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                subnet_id: d.subnet_id().map(str::to_string),
            });
        }
        Ok(out)
    }

    /// The training jobs that hold instances: InProgress, Stopping (SageMaker stops them
    /// after a SIGTERM grace time), and those whose warm pool is Available or InUse; each
    /// described once (for its VpcConfig).
    pub async fn running_training_jobs(&self) -> Result<Vec<JobInfo>, AwsError> {
        let lists = [
            (Some(TrainingJobStatus::InProgress), None),
            (Some(TrainingJobStatus::Stopping), None),
            (None, Some(WarmPoolResourceStatus::Available)),
            (None, Some(WarmPoolResourceStatus::Inuse)),
        ]
        .map(|(status, pool)| async move {
            self.sagemaker()
                .list_training_jobs()
                .set_status_equals(status)
                .set_warm_pool_status_equals(pool)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| self.sdk_err("sagemaker:ListTrainingJobs", e))
        });
        let mut names: Vec<String> = Vec::new();
        for items in futures::future::try_join_all(lists).await? {
            for j in items {
                let name = j.training_job_name().unwrap_or_default().to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        let mut out = Vec::new();
        for name in &names {
            let d = self
                .sagemaker()
                .describe_training_job()
                .training_job_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeTrainingJob", e));
            let d = match d {
                Ok(d) => d,
                Err(e) if is_gone(&e) => continue,
                Err(e) => return Err(about(e, "training job", name)),
            };
            let rc = d.resource_config();
            out.push(JobInfo {
                name: name.clone(),
                status: d
                    .training_job_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                instance_type: rc
                    .and_then(|r| r.instance_type())
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                instance_count: rc.and_then(|r| r.instance_count()).unwrap_or(1),
                subnets: d
                    .vpc_config()
                    .map(|v| v.subnets().to_vec())
                    .unwrap_or_default(),
                warm_pool: d
                    .warm_pool_status()
                    .and_then(|w| w.status())
                    .map(|s| s.as_str().to_string()),
                spot: d.enable_managed_spot_training() == Some(true),
            });
        }
        Ok(out)
    }

    /// The processing jobs that are InProgress or Stopping, described (for their
    /// NetworkConfig.VpcConfig).
    pub async fn running_processing_jobs(&self) -> Result<Vec<JobInfo>, AwsError> {
        let mut items = Vec::new();
        for status in [
            ProcessingJobStatus::InProgress,
            ProcessingJobStatus::Stopping,
        ] {
            let page: Vec<_> = self
                .sagemaker()
                .list_processing_jobs()
                .status_equals(status)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| self.sdk_err("sagemaker:ListProcessingJobs", e))?;
            items.extend(page);
        }
        let mut out = Vec::new();
        for j in items {
            let name = j.processing_job_name().unwrap_or_default();
            let d = self
                .sagemaker()
                .describe_processing_job()
                .processing_job_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeProcessingJob", e));
            let d = match d {
                Ok(d) => d,
                Err(e) if is_gone(&e) => continue,
                Err(e) => return Err(about(e, "processing job", name)),
            };
            let cluster = d.processing_resources().and_then(|r| r.cluster_config());
            out.push(JobInfo {
                name: name.to_string(),
                status: d
                    .processing_job_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                instance_type: cluster
                    .and_then(|c| c.instance_type())
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                instance_count: cluster.and_then(|c| c.instance_count()).unwrap_or(1),
                subnets: d
                    .network_config()
                    .and_then(|n| n.vpc_config())
                    .map(|v| v.subnets().to_vec())
                    .unwrap_or_default(),
                warm_pool: None,
                spot: false,
            });
        }
        Ok(out)
    }

    /// Every endpoint with its instances and subnets: DescribeEndpoint (its variants' current
    /// instance counts), DescribeEndpointConfig (instance types and initial counts of its
    /// production and shadow variants, its own VpcConfig), then DescribeModel per model (the
    /// VpcConfig of a model-based variant lives on the model). An endpoint whose config or
    /// model was deleted is kept with `placement_known` false.
    pub async fn endpoints(&self) -> Result<Vec<EndpointInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_endpoints()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListEndpoints", e))?;
        let mut out = Vec::new();
        for ep in items {
            let name = ep.endpoint_name().unwrap_or_default();
            let d = match self
                .sagemaker()
                .describe_endpoint()
                .endpoint_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeEndpoint", e))
            {
                Ok(d) => d,
                Err(e) if is_gone(&e) => continue,
                Err(e) => return Err(about(e, "endpoint", name)),
            };
            let mut info = EndpointInfo {
                name: name.to_string(),
                status: d
                    .endpoint_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                instances: Vec::new(),
                subnets: Vec::new(),
                placement_known: true,
                async_inference: false,
            };
            let current = |variant: Option<&str>| {
                d.production_variants()
                    .iter()
                    .find(|v| v.variant_name() == variant)
                    .and_then(|v| v.current_instance_count())
            };
            let config_name = d.endpoint_config_name().unwrap_or_default();
            let config = match self
                .sagemaker()
                .describe_endpoint_config()
                .endpoint_config_name(config_name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeEndpointConfig", e))
            {
                Ok(c) => c,
                Err(e) if is_gone(&e) => {
                    info.placement_known = false;
                    out.push(info);
                    continue;
                }
                Err(e) => return Err(about(e, "endpoint config", config_name)),
            };
            info.async_inference = config.async_inference_config().is_some();
            if let Some(v) = config.vpc_config() {
                add(&mut info.subnets, v.subnets());
            }
            for v in config
                .production_variants()
                .iter()
                .chain(config.shadow_production_variants())
            {
                if let Some(t) = v.instance_type() {
                    let count = current(v.variant_name())
                        .or(v.initial_instance_count())
                        .unwrap_or(1);
                    info.instances.push((t.as_str().to_string(), count));
                }
                let Some(model) = v.model_name() else {
                    continue;
                };
                match self
                    .sagemaker()
                    .describe_model()
                    .model_name(model)
                    .send()
                    .await
                    .map_err(|e| self.sdk_err("sagemaker:DescribeModel", e))
                {
                    Ok(m) => {
                        if let Some(c) = m.vpc_config() {
                            add(&mut info.subnets, c.subnets());
                        }
                    }
                    Err(e) if is_gone(&e) => info.placement_known = false,
                    Err(e) => return Err(about(e, "model", model)),
                }
            }
            out.push(info);
        }
        Ok(out)
    }

    /// Every MLflow tracking server, described for its size.
    pub async fn mlflow_tracking_servers(&self) -> Result<Vec<TrackingServerInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_mlflow_tracking_servers()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListMlflowTrackingServers", e))?;
        let mut out = Vec::new();
        for t in items {
            let name = t.tracking_server_name().unwrap_or_default();
            let d = self
                .sagemaker()
                .describe_mlflow_tracking_server()
                .tracking_server_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeMlflowTrackingServer", e))?;
            out.push(TrackingServerInfo {
                name: name.to_string(),
                status: d
                    .tracking_server_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                size: d.tracking_server_size().map(|s| s.as_str().to_string()),
            });
        }
        Ok(out)
    }

    /// The EFS file systems SageMaker made for domains (tagged [`MANAGED_TAG`]), with their
    /// mount targets (DescribeMountTargets per such file system).
    pub async fn sagemaker_file_systems(&self) -> Result<Vec<SageMakerFileSystem>, AwsError> {
        let items: Vec<_> = self
            .efs()
            .describe_file_systems()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("elasticfilesystem:DescribeFileSystems", e))?;
        let mut out = Vec::new();
        for fs in items {
            let Some(domain_arn) = fs
                .tags()
                .iter()
                .find(|t| t.key() == MANAGED_TAG)
                .map(|t| t.value().to_string())
            else {
                continue;
            };
            let id = fs.file_system_id().to_string();
            let life_cycle_state = fs.life_cycle_state().as_str().to_string();
            if matches!(life_cycle_state.as_str(), "deleting" | "deleted") {
                continue;
            }
            let targets: Result<Vec<_>, _> = self
                .efs()
                .describe_mount_targets()
                .file_system_id(&id)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| self.sdk_err("elasticfilesystem:DescribeMountTargets", e));
            let targets = match targets {
                Ok(t) => t,
                Err(e) if e.kind == ErrorKind::NotFound => continue,
                Err(e) => return Err(about(e, "EFS file system", &id)),
            };
            out.push(SageMakerFileSystem {
                id,
                domain_arn,
                life_cycle_state,
                size_bytes: fs.size_in_bytes().map(|s| s.value()).unwrap_or(0),
                mount_targets: targets
                    .iter()
                    .map(|m| {
                        (
                            m.mount_target_id().to_string(),
                            m.subnet_id().to_string(),
                            m.vpc_id().unwrap_or_default().to_string(),
                        )
                    })
                    .collect(),
            });
        }
        Ok(out)
    }
}
