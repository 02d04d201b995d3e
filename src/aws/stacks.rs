//! CloudFormation: stacks, their outputs and resources, as the project's own types.

use std::collections::BTreeMap;

use crate::core::status::{ChangeSetStatus, ResourceStatus, StackDriftStatus, StackStatus};

use super::{AwsError, ErrorKind, Session};

/// What studio-tui needs to know about a stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StackInfo {
    pub stack_id: String,
    pub stack_name: String,
    pub status: StackStatus,
    pub status_reason: Option<String>,
    pub outputs: BTreeMap<String, String>,
    pub parameters: BTreeMap<String, String>,
    /// RFC 3339
    pub creation_time: Option<String>,
    pub last_updated_time: Option<String>,
}

impl StackInfo {
    /// The stack is busy: an operation is running and nothing else can start.
    pub fn is_in_progress(&self) -> bool {
        self.status.is_in_progress()
    }

    /// The stack is usable as it is (outputs are valid).
    pub fn is_complete(&self) -> bool {
        self.status.is_complete()
    }

    /// An output value by key (e.g. "VpcId").
    pub fn output(&self, key: &str) -> Option<&str> {
        self.outputs.get(key).map(String::as_str)
    }
}

fn fmt_time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

/// Convert the SDK's stack into ours.
pub(super) fn stack_info(s: &aws_sdk_cloudformation::types::Stack) -> StackInfo {
    StackInfo {
        stack_id: s.stack_id().unwrap_or_default().to_string(),
        stack_name: s.stack_name().unwrap_or_default().to_string(),
        status: StackStatus::from_aws_str(
            s.stack_status()
                .map(aws_sdk_cloudformation::types::StackStatus::as_str)
                .unwrap_or("UNKNOWN"),
        ),
        status_reason: s.stack_status_reason().map(str::to_string),
        outputs: s
            .outputs()
            .iter()
            .filter_map(|o| Some((o.output_key()?.to_string(), o.output_value()?.to_string())))
            .collect(),
        parameters: s
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_string(),
                    p.parameter_value().unwrap_or_default().to_string(),
                ))
            })
            .collect(),
        creation_time: fmt_time(s.creation_time()),
        last_updated_time: fmt_time(s.last_updated_time()),
    }
}

impl Session {
    /// The stack by name or id, or None when it does not exist (CloudFormation answers a missing
    /// stack with a ValidationError "Stack with id X does not exist").
    pub async fn describe_stack(&self, name_or_id: &str) -> Result<Option<StackInfo>, AwsError> {
        Ok(self
            .describe_stack_tagged(name_or_id)
            .await?
            .map(|(info, _)| info))
    }

    /// [`Session::describe_stack`] with the stack's tags (key, value).
    pub async fn describe_stack_tagged(
        &self,
        name_or_id: &str,
    ) -> Result<Option<(StackInfo, BTreeMap<String, String>)>, AwsError> {
        match self
            .cloudformation()
            .describe_stacks()
            .stack_name(name_or_id)
            .send()
            .await
        {
            Ok(out) => Ok(out.stacks().first().map(|s| {
                let tags = s
                    .tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                    .collect();
                (stack_info(s), tags)
            })),
            Err(e) => {
                let err =
                    AwsError::from_sdk("cloudformation:DescribeStacks", e, &self.error_context);
                if err.kind == ErrorKind::Validation && err.message.contains("does not exist") {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }
}

/// Resource types whose changes can widen access (IAM, security groups, bucket and endpoint
/// policies, firewall rules, KMS keys): every review flags them for a second look.
pub fn is_security_relevant(resource_type: &str) -> bool {
    resource_type.starts_with("AWS::IAM::")
        || resource_type.starts_with("AWS::EC2::SecurityGroup")
        || resource_type.starts_with("AWS::NetworkFirewall::")
        || matches!(
            resource_type,
            "AWS::S3::BucketPolicy" | "AWS::EC2::VPCEndpoint" | "AWS::KMS::Key"
        )
}

/// One planned change of a change set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlannedChange {
    /// Add, Modify, Remove, Import, Dynamic
    pub action: String,
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
    /// True, False, Conditional (Modify only)
    pub replacement: Option<String>,
    /// What changes (Properties, Metadata, Tags, ...)
    pub scope: Vec<String>,
    /// In a drift-aware change set: the resource's drift (MODIFIED, DELETED, IN_SYNC, …), so
    /// the review can mark what will be overwritten.
    pub drift: Option<crate::core::status::ResourceDriftStatus>,
}

/// A change set and its changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangeSetInfo {
    pub change_set_id: String,
    pub stack_id: String,
    pub status: ChangeSetStatus,
    pub status_reason: Option<String>,
    pub execution_status: Option<String>,
    pub changes: Vec<PlannedChange>,
}

impl ChangeSetInfo {
    /// CloudFormation refuses empty change sets with this reason: nothing to deploy.
    pub fn is_empty_change(&self) -> bool {
        self.status == ChangeSetStatus::Failed
            && self.status_reason.as_deref().is_some_and(|r| {
                r.contains("didn't contain changes") || r.contains("No updates are to be performed")
            })
    }
}

/// Where the template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    Body(String),
    Url(String),
}

/// CREATE or UPDATE change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ChangeSetKind {
    Create,
    Update,
}

fn to_event(e: &aws_sdk_cloudformation::types::StackEvent) -> crate::core::progress::StackEvent {
    crate::core::progress::StackEvent {
        event_id: e.event_id().unwrap_or_default().to_string(),
        stack_id: e.stack_id().unwrap_or_default().to_string(),
        logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
        physical_id: e
            .physical_resource_id()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        resource_type: e.resource_type().unwrap_or_default().to_string(),
        status: e
            .resource_status()
            .map(|s| ResourceStatus::from_aws_str(s.as_str()))
            .unwrap_or_default(),
        reason: e.resource_status_reason().map(str::to_string),
        timestamp_ms: e
            .timestamp()
            .and_then(|t| t.to_millis().ok())
            .unwrap_or_default(),
        client_request_token: e.client_request_token().map(str::to_string),
    }
}

impl Session {
    /// Create a change set (with `client_token` so a retried call creates no second one).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_change_set(
        &self,
        stack_name: &str,
        change_set_name: &str,
        kind: ChangeSetKind,
        template: &TemplateSource,
        parameters: &[(&str, String)],
        tags: &[(&str, String)],
        client_token: &str,
    ) -> Result<(String, String), AwsError> {
        use aws_sdk_cloudformation::types::{Capability, ChangeSetType, Parameter, Tag};
        let mut req = self
            .cloudformation()
            .create_change_set()
            .stack_name(stack_name)
            .change_set_name(change_set_name)
            .change_set_type(match kind {
                ChangeSetKind::Create => ChangeSetType::Create,
                ChangeSetKind::Update => ChangeSetType::Update,
            })
            .capabilities(Capability::CapabilityNamedIam)
            .client_token(client_token)
            .description("studio-tui deployment");
        req = match template {
            TemplateSource::Body(b) => req.template_body(b),
            TemplateSource::Url(u) => req.template_url(u),
        };
        for (k, v) in parameters {
            req = req.parameters(
                Parameter::builder()
                    .parameter_key(*k)
                    .parameter_value(v)
                    .build(),
            );
        }
        for (k, v) in tags {
            req = req.tags(Tag::builder().key(*k).value(v).build());
        }
        let out = req.send().await.map_err(|e| {
            AwsError::from_sdk("cloudformation:CreateChangeSet", e, &self.error_context)
        })?;
        Ok((
            out.id().unwrap_or_default().to_string(),
            out.stack_id().unwrap_or_default().to_string(),
        ))
    }

    /// Describe a change set, all pages of changes.
    pub async fn describe_change_set(&self, id: &str) -> Result<ChangeSetInfo, AwsError> {
        let mut next: Option<String> = None;
        let mut info: Option<ChangeSetInfo> = None;
        loop {
            let out = self
                .cloudformation()
                .describe_change_set()
                .change_set_name(id)
                .set_next_token(next.clone())
                .send()
                .await
                .map_err(|e| {
                    AwsError::from_sdk("cloudformation:DescribeChangeSet", e, &self.error_context)
                })?;
            let info = info.get_or_insert_with(|| ChangeSetInfo {
                change_set_id: out.change_set_id().unwrap_or(id).to_string(),
                stack_id: out.stack_id().unwrap_or_default().to_string(),
                status: out
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default()
                    .into(),
                status_reason: out.status_reason().map(str::to_string),
                execution_status: out.execution_status().map(|s| s.as_str().to_string()),
                changes: Vec::new(),
            });
            for c in out.changes() {
                let Some(rc) = c.resource_change() else {
                    continue;
                };
                info.changes.push(PlannedChange {
                    action: rc
                        .action()
                        .map(|a| a.as_str().to_string())
                        .unwrap_or_default(),
                    logical_id: rc.logical_resource_id().unwrap_or_default().to_string(),
                    physical_id: rc.physical_resource_id().map(str::to_string),
                    resource_type: rc.resource_type().unwrap_or_default().to_string(),
                    replacement: rc.replacement().map(|r| r.as_str().to_string()),
                    scope: rc.scope().iter().map(|s| s.as_str().to_string()).collect(),
                    drift: rc.resource_drift_status().map(|s| s.as_str().into()),
                });
            }
            next = out.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        info.ok_or_else(|| {
            AwsError::new(
                ErrorKind::Other,
                "cloudformation:DescribeChangeSet",
                "no answer",
            )
        })
    }

    pub async fn execute_change_set(&self, id: &str, token: &str) -> Result<(), AwsError> {
        self.cloudformation()
            .execute_change_set()
            .change_set_name(id)
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("cloudformation:ExecuteChangeSet", e, &self.error_context)
            })?;
        Ok(())
    }

    pub async fn delete_change_set(&self, id: &str) -> Result<(), AwsError> {
        self.cloudformation()
            .delete_change_set()
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("cloudformation:DeleteChangeSet", e, &self.error_context)
            })?;
        Ok(())
    }

    /// The template body the stack was last deployed with (GetTemplate, Original stage).
    pub async fn get_template(&self, name_or_id: &str) -> Result<String, AwsError> {
        let out = self
            .cloudformation()
            .get_template()
            .stack_name(name_or_id)
            .template_stage(aws_sdk_cloudformation::types::TemplateStage::Original)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("cloudformation:GetTemplate", e, &self.error_context)
            })?;
        Ok(out.template_body().unwrap_or_default().to_string())
    }

    /// DeleteStack with a ClientRequestToken; `retain` lists logical ids to keep (CloudFormation
    /// accepts it only for a stack in DELETE_FAILED).
    pub async fn delete_stack(
        &self,
        name_or_id: &str,
        token: &str,
        retain: &[String],
    ) -> Result<(), AwsError> {
        let mut req = self
            .cloudformation()
            .delete_stack()
            .stack_name(name_or_id)
            .client_request_token(token);
        for r in retain {
            req = req.retain_resources(r);
        }
        req.send().await.map_err(|e| {
            AwsError::from_sdk("cloudformation:DeleteStack", e, &self.error_context)
        })?;
        Ok(())
    }

    pub async fn continue_update_rollback(&self, name: &str, token: &str) -> Result<(), AwsError> {
        self.cloudformation()
            .continue_update_rollback()
            .stack_name(name)
            .client_request_token(token)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "cloudformation:ContinueUpdateRollback",
                    e,
                    &self.error_context,
                )
            })?;
        Ok(())
    }

    /// One page of stack events, newest first, and the token of the next page.
    pub async fn stack_events_page(
        &self,
        stack: &str,
        next_token: Option<String>,
    ) -> Result<(Vec<crate::core::progress::StackEvent>, Option<String>), AwsError> {
        let out = self
            .cloudformation()
            .describe_stack_events()
            .stack_name(stack)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("cloudformation:DescribeStackEvents", e, &self.error_context)
            })?;
        Ok((
            out.stack_events().iter().map(to_event).collect(),
            out.next_token().map(str::to_string),
        ))
    }

    /// Every resource of the stack, all pages (ListStackResources).
    pub async fn stack_resources(&self, stack: &str) -> Result<Vec<StackResourceInfo>, AwsError> {
        let mut out = Vec::new();
        let mut pages = self
            .cloudformation()
            .list_stack_resources()
            .stack_name(stack)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                AwsError::from_sdk("cloudformation:ListStackResources", e, &self.error_context)
            })?;
            for r in page.stack_resource_summaries() {
                out.push(StackResourceInfo {
                    logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
                    physical_id: r
                        .physical_resource_id()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                    resource_type: r.resource_type().unwrap_or_default().to_string(),
                    status: r
                        .resource_status()
                        .map(|s| ResourceStatus::from_aws_str(s.as_str()))
                        .unwrap_or_default(),
                    status_reason: r.resource_status_reason().map(str::to_string),
                });
            }
        }
        Ok(out)
    }
}

/// One stack as ListStacks summarises it: enough to tell whose template it runs (its
/// description) and its last drift result, without describing it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StackSummary {
    pub stack_id: String,
    pub stack_name: String,
    pub status: StackStatus,
    /// The template's `Description`.
    pub template_description: Option<String>,
    /// The last drift detection's result (NOT_CHECKED when none ran).
    pub drift: StackDriftStatus,
    /// When that detection ran, RFC 3339.
    pub drift_checked: Option<String>,
}

impl Session {
    /// Every stack of the account in this region that is not deleted (ListStacks, all pages,
    /// DELETE_COMPLETE dropped here rather than by a status filter, so a status newer than this
    /// SDK is not hidden): the summaries, not the stacks described.
    pub async fn live_stacks(&self) -> Result<Vec<StackSummary>, AwsError> {
        use aws_sdk_cloudformation::types::StackStatus as Sdk;
        let items: Vec<_> = self
            .cloudformation()
            .list_stacks()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| self.sdk_err("cloudformation:ListStacks", e))?;
        Ok(items
            .iter()
            .filter(|s| s.stack_status() != Some(&Sdk::DeleteComplete))
            .map(|s| {
                let drift = s.drift_information();
                StackSummary {
                    stack_id: s.stack_id().unwrap_or_default().to_string(),
                    stack_name: s.stack_name().unwrap_or_default().to_string(),
                    status: StackStatus::from_aws_str(
                        s.stack_status().map(Sdk::as_str).unwrap_or("UNKNOWN"),
                    ),
                    template_description: s.template_description().map(str::to_string),
                    drift: StackDriftStatus::from_aws_str(
                        drift
                            .and_then(|d| d.stack_drift_status())
                            .map(|d| d.as_str())
                            .unwrap_or("NOT_CHECKED"),
                    ),
                    drift_checked: fmt_time(drift.and_then(|d| d.last_check_timestamp())),
                }
            })
            .collect())
    }
}

/// Every parameter with `UsePreviousValue`: the stack keeps the values it was deployed with.
pub(super) fn previous_values(keys: &[String]) -> Vec<aws_sdk_cloudformation::types::Parameter> {
    keys.iter()
        .map(|k| {
            aws_sdk_cloudformation::types::Parameter::builder()
                .parameter_key(k)
                .use_previous_value(true)
                .build()
        })
        .collect()
}

/// One resource of a stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StackResourceInfo {
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
    pub status: ResourceStatus,
    pub status_reason: Option<String>,
}

/// One finding of CloudFormation's pre-deployment validation of a change set: a
/// `VALIDATION_ERROR` event of DescribeEvents ("Validation errors - Failures from CloudFormation
/// Early Validations", DescribeEvents API reference).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationEvent {
    pub logical_id: String,
    pub resource_type: String,
    /// Where in the template, e.g. `/Resources/DataBucket` (ValidationPath).
    pub path: String,
    /// AWS's reason (ValidationStatusReason).
    pub reason: String,
    /// ValidationName, e.g. `NAME_CONFLICT_VALIDATION`.
    pub name: String,
    /// ValidationFailureMode: `FAIL` blocks the execution, `WARN` lets the change set through.
    pub failure_mode: String,
    /// ValidationStatus (e.g. `FAILED`).
    pub status: String,
}

impl ValidationEvent {
    /// FAIL blocks the change set's execution; WARN is a warning ("FAIL mode prevents change set
    /// execution when validation detects errors"; "WARN mode allows change set creation to
    /// succeed despite validation failures", Validate stack deployments, CloudFormation user
    /// guide). An absent mode counts as FAIL.
    pub fn is_warning(&self) -> bool {
        self.failure_mode == "WARN"
    }
}

fn to_validation_event(e: &aws_sdk_cloudformation::types::OperationEvent) -> ValidationEvent {
    ValidationEvent {
        logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
        resource_type: e.resource_type().unwrap_or_default().to_string(),
        path: e.validation_path().unwrap_or_default().to_string(),
        reason: e
            .validation_status_reason()
            .or(e.resource_status_reason())
            .unwrap_or_default()
            .to_string(),
        name: e.validation_name().unwrap_or_default().to_string(),
        failure_mode: e
            .validation_failure_mode()
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "FAIL".into()),
        status: e
            .validation_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    }
}

impl Session {
    /// The pre-deployment validation failures of a change set: DescribeEvents with
    /// `ChangeSetName` = the change set ARN (an ARN needs no StackName: "If you specified the
    /// name of a change set, specify the stack name or ID (ARN)"), `Filters.FailedEvents=true`
    /// ("only returns failed events within the operation"), every page (NextToken), keeping the
    /// `VALIDATION_ERROR` events, oldest first.
    ///
    /// The enums of the answer are read as strings only: the API documents `OperationStatus`
    /// `SUCCEEDED`, which this SDK version's enum does not know.
    pub async fn change_set_validation_events(
        &self,
        change_set_id: &str,
        stack: Option<&str>,
    ) -> Result<Vec<ValidationEvent>, AwsError> {
        use aws_sdk_cloudformation::types::EventFilter;
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        let mut seen_tokens = std::collections::HashSet::new();
        loop {
            let page = self
                .cloudformation()
                .describe_events()
                .change_set_name(change_set_id)
                .set_stack_name(stack.map(str::to_string))
                .filters(EventFilter::builder().failed_events(true).build())
                .set_next_token(next.clone())
                .send()
                .await
                .map_err(|e| {
                    AwsError::from_sdk("cloudformation:DescribeEvents", e, &self.error_context)
                })?;
            out.extend(
                page.operation_events()
                    .iter()
                    .filter(|e| e.event_type().map(|t| t.as_str()) == Some("VALIDATION_ERROR"))
                    .map(to_validation_event),
            );
            next = page.next_token().map(str::to_string);
            match &next {
                // A token seen before would loop for ever: stop there.
                Some(t) if seen_tokens.insert(t.clone()) => {}
                _ => break,
            }
        }
        // DescribeEvents answers newest first; the template's order reads better.
        out.reverse();
        Ok(out)
    }
}
