//! The leftover scan's calls (read-only): the lists and describes of `aws::leftovers`, the
//! prices of the instance types found running, then [`super::decide`].

use super::{Found, Leftover, ProjectNetwork, decide, domains_to_check, types_to_price};
use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::ops::Error;

/// How long the scan waits for the prices of the instance types it found, all together.
const PRICE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(20);

/// The leftovers around a deployed stack (`status`, the overview): its resources, then the
/// scan; none when the stack names no VPC.
pub async fn for_stack(
    session: &Session,
    stack: &StackInfo,
    domain_arn: Option<&str>,
) -> Result<Vec<Leftover>, Error> {
    let resources = session.stack_resources(&stack.stack_id).await?;
    match ProjectNetwork::of_stack(&resources, &stack.outputs, domain_arn) {
        Some(net) => scan(session, &net).await,
        None => Ok(Vec::new()),
    }
}

/// Scan the account and region (read-only calls only) and decide against the project's
/// network. An instance type without a known price is "cost unknown".
pub async fn scan(session: &Session, net: &ProjectNetwork) -> Result<Vec<Leftover>, Error> {
    let (notebooks, endpoints, training, processing, tracking_servers, file_systems) = tokio::try_join!(
        session.notebook_instances(),
        session.endpoints(),
        session.running_training_jobs(),
        session.running_processing_jobs(),
        // Tracking servers only inform (they never stop a teardown): a region without MLflow,
        // or a caller who may not list them, lists none rather than failing the plan.
        async {
            Ok::<_, crate::aws::AwsError>(session.mlflow_tracking_servers().await.unwrap_or_else(
                |e| {
                    tracing::warn!("MLflow tracking servers not listed: {e}");
                    Vec::new()
                },
            ))
        },
        session.sagemaker_file_systems(),
    )?;
    let mut found = Found {
        notebooks,
        endpoints,
        training,
        processing,
        tracking_servers,
        file_systems,
        gone_domains: Vec::new(),
        hourly: Vec::new(),
    };
    // A home file system is a leftover only once its domain is gone: DescribeDomain on the
    // domain its tag names (a domain that exists, Deleting included, owns its volume).
    for id in domains_to_check(&found, net) {
        if session.describe_domain(&id).await?.is_none() {
            found.gone_domains.push(id);
        }
    }
    // Price only what decide() will list (instances in the project's subnets).
    let types = types_to_price(&found, &decide(&found, net, &session.region));
    // Each type's price at once, all under one deadline: a slow price list leaves the costs
    // unknown rather than holding the scan for a price lookup per type.
    let prices = futures::future::join_all(types.into_iter().map(|(usage, t)| async move {
        let p = crate::ops::cost::instance_hourly_for(session, None, usage, &t).await;
        (usage, t, p)
    }));
    if let Ok(prices) = tokio::time::timeout(PRICE_DEADLINE, prices).await {
        for (usage, t, p) in prices {
            if let Ok(p) = p {
                found.hourly.push((usage, t, p.usd));
            }
        }
    }
    Ok(decide(&found, net, &session.region))
}
