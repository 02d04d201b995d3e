//! Read-only scans for billed SageMaker and EFS resources that studio-tui did not create:
//! notebook instances, endpoints, training and processing jobs, MLflow tracking servers, and
//! the home EFS file systems SageMaker made for domains (`ops::leftovers` decides which are the
//! project's problem).

use aws_sdk_sagemaker::types::{ProcessingJobStatus, TrainingJobStatus};
use serde::Serialize;

use super::{AwsError, Session};

/// A notebook instance (DescribeNotebookInstance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotebookInfo {
    pub name: String,
    pub status: String,
    pub instance_type: String,
    pub subnet_id: Option<String>,
}

/// A training or processing job that is InProgress, with its instances and VPC subnets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobInfo {
    pub name: String,
    pub status: String,
    pub instance_type: String,
    pub instance_count: i32,
    pub subnets: Vec<String>,
}

/// An endpoint: its variants' instances (DescribeEndpointConfig) and its models' subnets
/// (DescribeModel's VpcConfig).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointInfo {
    pub name: String,
    pub status: String,
    /// (instance type, initial instance count) of each instance-backed variant.
    pub instances: Vec<(String, i32)>,
    pub subnets: Vec<String>,
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
    pub size_bytes: i64,
    /// (mount target id, subnet id, VPC id).
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
                .map_err(|e| self.sdk_err("sagemaker:DescribeNotebookInstance", e))?;
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

    /// The training jobs that are InProgress, described (for their VpcConfig).
    pub async fn running_training_jobs(&self) -> Result<Vec<JobInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_training_jobs()
            .status_equals(TrainingJobStatus::InProgress)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListTrainingJobs", e))?;
        let mut out = Vec::new();
        for j in items {
            let name = j.training_job_name().unwrap_or_default();
            let d = self
                .sagemaker()
                .describe_training_job()
                .training_job_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeTrainingJob", e))?;
            let rc = d.resource_config();
            out.push(JobInfo {
                name: name.to_string(),
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
            });
        }
        Ok(out)
    }

    /// The processing jobs that are InProgress, described (for their NetworkConfig.VpcConfig).
    pub async fn running_processing_jobs(&self) -> Result<Vec<JobInfo>, AwsError> {
        let items: Vec<_> = self
            .sagemaker()
            .list_processing_jobs()
            .status_equals(ProcessingJobStatus::InProgress)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("sagemaker:ListProcessingJobs", e))?;
        let mut out = Vec::new();
        for j in items {
            let name = j.processing_job_name().unwrap_or_default();
            let d = self
                .sagemaker()
                .describe_processing_job()
                .processing_job_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeProcessingJob", e))?;
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
            });
        }
        Ok(out)
    }

    /// Every endpoint with its variants' instances and its models' subnets (DescribeEndpoint,
    /// DescribeEndpointConfig, then DescribeModel per model: the VpcConfig lives on the model).
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
            let d = self
                .sagemaker()
                .describe_endpoint()
                .endpoint_name(name)
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeEndpoint", e))?;
            let config = self
                .sagemaker()
                .describe_endpoint_config()
                .endpoint_config_name(d.endpoint_config_name().unwrap_or_default())
                .send()
                .await
                .map_err(|e| self.sdk_err("sagemaker:DescribeEndpointConfig", e))?;
            let mut instances = Vec::new();
            let mut subnets: Vec<String> = Vec::new();
            for v in config.production_variants() {
                if let Some(t) = v.instance_type() {
                    instances.push((
                        t.as_str().to_string(),
                        v.initial_instance_count().unwrap_or(1),
                    ));
                }
                let Some(model) = v.model_name() else {
                    continue;
                };
                let m = self
                    .sagemaker()
                    .describe_model()
                    .model_name(model)
                    .send()
                    .await
                    .map_err(|e| self.sdk_err("sagemaker:DescribeModel", e))?;
                for s in m.vpc_config().map(|c| c.subnets()).unwrap_or_default() {
                    if !subnets.contains(s) {
                        subnets.push(s.clone());
                    }
                }
            }
            out.push(EndpointInfo {
                name: name.to_string(),
                status: d
                    .endpoint_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                instances,
                subnets,
            });
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
            .map_err(|e| self.sdk_err("efs:DescribeFileSystems", e))?;
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
            let targets: Vec<_> = self
                .efs()
                .describe_mount_targets()
                .file_system_id(&id)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| self.sdk_err("efs:DescribeMountTargets", e))?;
            out.push(SageMakerFileSystem {
                id,
                domain_arn,
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
