//! The live topology: one refresh builds the graph from a handful of batched describes, and a
//! policy says when the next one is worth making (never while nothing can change).

use std::time::Duration;

use crate::aws::Session;
use crate::aws::stacks::StackResourceInfo;
use crate::aws::studio::DomainInfo;
use crate::core::topology::Topology;
use crate::ops::Error;
use crate::ops::studio::{ProjectDomains, StackPlace};
use std::collections::BTreeMap;

/// While the stack is being created, updated or deleted.
pub const BUSY_INTERVAL: Duration = Duration::from_secs(3);
/// When the stack has settled: only users and apps can still change (and `r` refreshes now).
pub const SETTLED_INTERVAL: Duration = Duration::from_secs(60);

/// Build the topology of the stack `project` (a NotFound error when there is no stack).
pub async fn refresh(session: &Session, project: &str) -> Result<Topology, Error> {
    refresh_counted(session, project).await.map(|(t, _)| t)
}

/// [`refresh`], also returning how many AWS requests it made.
pub async fn refresh_counted(session: &Session, project: &str) -> Result<(Topology, usize), Error> {
    let (counted, requests) = session.counting();
    let pick = |named: Vec<DomainInfo>,
                resources: &[StackResourceInfo],
                outputs: &BTreeMap<String, String>| {
        let place = StackPlace::of_stack(resources, outputs);
        ProjectDomains::split(named, place.as_ref()).ours
    };
    let inputs = counted.gather_topology(project, &pick).await?;
    let topo = Topology::build(&inputs);
    let calls = requests.load(std::sync::atomic::Ordering::Relaxed);
    tracing::debug!(project, calls, "topology refreshed");
    Ok((topo, calls))
}

/// When to refresh again after a refresh that gave `topology`: soon while something is being
/// created or deleted, rarely once settled, never when there is no stack (nothing can appear
/// without a deploy, which the user starts).
pub fn next_refresh(topology: Option<&Topology>) -> Option<Duration> {
    match topology {
        Some(t) if t.is_changing() => Some(BUSY_INTERVAL),
        Some(t) if t.stack_status.is_some() => Some(SETTLED_INTERVAL),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::topology::{SampleStage, sample_inputs};

    #[test]
    fn refresh_policy() {
        let busy = Topology::build(&sample_inputs(SampleStage::Deploying));
        assert_eq!(next_refresh(Some(&busy)), Some(BUSY_INTERVAL));
        let mut done = sample_inputs(SampleStage::Complete);
        done.user_profiles.retain(|u| u.status == "InService");
        let done = Topology::build(&done);
        assert_eq!(next_refresh(Some(&done)), Some(SETTLED_INTERVAL));
        assert_eq!(next_refresh(None), None);
    }
}
