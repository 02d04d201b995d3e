//! Waiting for the Studio domain, and saying what happens to it: shared by creating it
//! (`domain`) and bringing its guardrails up to date (`guardrails`).

use std::time::Instant;

use crate::aws::Session;
use crate::aws::studio::DomainInfo;
use crate::core::status::{DomainPhase, DomainStatus};
use crate::ops::Error;

use super::{Poll, Progress, StudioMsg, secs, send, timeout_error};

pub(crate) fn domain_failed(d: &DomainInfo) -> Error {
    Error::failed(
        "sagemaker:CreateDomain",
        format!(
            "the Studio domain {} ({}) failed: {}",
            d.name,
            d.id,
            d.failure_reason.as_deref().unwrap_or("no reason given")
        ),
    )
    .with_fix(
        "the stack is kept. Fix the cause, then run `studio-tui up` again (or open Studio set-up \
         in the wizard): the failed domain is deleted and only the domain is created again",
    )
}

/// Wait until the domain is InService (Ok), Failed (Err with FailureReason) or gone (Err).
pub async fn wait_domain_in_service(
    session: &Session,
    id: &str,
    name: &str,
    start: Instant,
    poll: Poll,
    tx: &Progress,
) -> Result<DomainInfo, Error> {
    let mut delay = poll.initial;
    let mut last: Option<DomainStatus> = None;
    loop {
        let Some(d) = session.describe_domain(id).await? else {
            return Err(Error::missing(
                "sagemaker:DescribeDomain",
                format!("the Studio domain {name} ({id}) disappeared while being created"),
            ));
        };
        if last.as_ref() != Some(&d.status) {
            last = Some(d.status.clone());
            send(tx, StudioMsg::described(&d, secs(start)));
        }
        if d.status == DomainStatus::InService {
            return Ok(d);
        }
        if d.status.is_failed() {
            return Err(domain_failed(&d));
        }
        if start.elapsed() > poll.timeout {
            return Err(timeout_error(
                "sagemaker:DescribeDomain",
                "the Studio domain",
                poll.timeout,
            ));
        }
        tokio::time::sleep(delay).await;
        delay = poll.next(delay);
    }
}

/// Progress on the domain `d`: its phase and what is being done about it.
pub(super) fn say(
    tx: &Progress,
    d: &DomainInfo,
    status: DomainPhase,
    start: Instant,
    detail: String,
) {
    send(
        tx,
        StudioMsg::Domain {
            name: d.name.clone(),
            id: Some(d.id.clone()),
            status,
            elapsed_secs: secs(start),
            detail: Some(detail),
        },
    );
}
