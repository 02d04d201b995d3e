//! CloudFormation: stacks, their outputs and resources, as the project's own types.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::StackStatus;

use super::{AwsError, ErrorKind, Session};

/// What studio-tui needs to know about a stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StackInfo {
    pub stack_id: String,
    pub stack_name: String,
    /// e.g. "CREATE_COMPLETE"
    pub status: String,
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
        self.status.ends_with("_IN_PROGRESS")
    }

    /// The stack is usable as it is (outputs are valid).
    pub fn is_complete(&self) -> bool {
        matches!(
            self.status.as_str(),
            "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "UPDATE_ROLLBACK_COMPLETE" | "IMPORT_COMPLETE"
        )
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
pub(crate) fn stack_info(s: &aws_sdk_cloudformation::types::Stack) -> StackInfo {
    StackInfo {
        stack_id: s.stack_id().unwrap_or_default().to_string(),
        stack_name: s.stack_name().unwrap_or_default().to_string(),
        status: s
            .stack_status()
            .map(StackStatus::as_str)
            .unwrap_or("UNKNOWN")
            .to_string(),
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
        match self
            .cloudformation()
            .describe_stacks()
            .stack_name(name_or_id)
            .send()
            .await
        {
            Ok(out) => Ok(out.stacks().first().map(stack_info)),
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
