//! `--read-only` enforced below every screen and command: an SDK interceptor on every client
//! refuses any operation that could change something, before it is signed or sent.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Operation-name prefixes that only read. Everything else is treated as mutating, so a new
/// kind of call is refused in read-only mode until it is known to be safe.
/// `Search` covers ec2:SearchTransitGatewayRoutes (preflight) and sagemaker:Search;
/// `Detect` covers cloudformation:DetectStackDrift / DetectStackResourceDrift, which compare the
/// live resources with the template and change none of them; `Filter` covers
/// logs:FilterLogEvents (the firewall's blocked list).
const READ_PREFIXES: &[&str] = &[
    "Describe", "List", "Get", "Head", "Estimate", "Validate", "Search", "Detect", "Filter",
];

/// Does this AWS operation only read?
pub fn is_read_only_operation(operation: &str) -> bool {
    READ_PREFIXES.iter().any(|p| operation.starts_with(p))
}

/// The interceptor installed on every client: refuses mutating calls when `enabled`, and counts
/// the requests let through when a counter is set (one per operation call, so one per page).
#[derive(Debug, Clone)]
pub struct ReadOnlyGuard {
    pub enabled: bool,
    pub counter: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

impl ReadOnlyGuard {
    fn count(&self) {
        if let Some(c) = &self.counter {
            c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// The error a refused call fails with.
#[derive(Debug, thiserror::Error)]
#[error(
    "{service}:{operation} changes AWS resources and studio-tui runs with --read-only; run without --read-only to do this"
)]
pub struct ReadOnlyRefusal {
    pub service: String,
    pub operation: String,
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "studio-tui read-only guard"
    }

    // Not read_before_execution: client-level interceptors run that hook before the operation's
    // metadata is in the config bag. This hook runs after, and still before anything is sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.enabled {
            self.count();
            return Ok(());
        }
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err("read-only mode: refusing an AWS call whose name is unknown".into());
        };
        if is_read_only_operation(meta.name()) {
            self.count();
            Ok(())
        } else {
            Err(Box::new(ReadOnlyRefusal {
                service: meta.service().to_string(),
                operation: meta.name().to_string(),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        for op in [
            "DescribeStacks",
            "ListUserProfiles",
            "GetCallerIdentity",
            "HeadBucket",
            "GetBucketPolicy",
            "SearchTransitGatewayRoutes",
        ] {
            assert!(is_read_only_operation(op), "{op}");
        }
        for op in [
            "CreateStack",
            "DeleteUserProfile",
            "ExecuteChangeSet",
            "CreatePresignedDomainUrl",
            "UpdateDomain",
            "PutObject",
            "ContinueUpdateRollback",
        ] {
            assert!(!is_read_only_operation(op), "{op}");
        }
    }
}

/// Retry classifier: a connection dropped before the response arrived ("connection closed
/// before message completed") is transient. The SDK's own classifiers retry I/O and timeout
/// errors but not this one; every call studio-tui makes is a read or is idempotent (client
/// tokens, or a check before it), so repeating it is safe.
#[derive(Debug, Clone, Copy)]
pub struct DroppedConnectionIsTransient;

impl aws_smithy_runtime_api::client::retries::classifiers::ClassifyRetry
    for DroppedConnectionIsTransient
{
    fn classify_retry(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::InterceptorContext,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryAction {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryAction;
        let Some(Err(err)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        match err.as_connector_error() {
            Some(ce) if is_dropped_connection(&ce.to_string(), ce) => {
                RetryAction::transient_error()
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "studio-tui dropped connection"
    }
}

fn is_dropped_connection(
    text: &str,
    err: &aws_smithy_runtime_api::client::result::ConnectorError,
) -> bool {
    let mut chain = text.to_ascii_lowercase();
    let mut src = std::error::Error::source(err);
    while let Some(e) = src {
        chain.push_str(&e.to_string().to_ascii_lowercase());
        src = e.source();
    }
    chain.contains("connection closed before message completed")
        || chain.contains("connection reset")
        || chain.contains("incomplete message")
}
