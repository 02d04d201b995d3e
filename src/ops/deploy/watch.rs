//! Watching a stack operation: its events, polled and tracked live, to the outcome.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::Session;
use crate::aws::stacks::StackInfo;
use crate::core::progress::{StackEvent, Tracker};
use crate::core::status::StackStatus;
use crate::ops::Error;

use super::{DESCRIBE_EVERY, DeployMsg, DeployOutcome, POLL_INTERVAL, follow, send};

/// The latest operation on a stack, finished or not: its events (those of its
/// ClientRequestToken, else those since the newest page's oldest event) in a tracker.
pub async fn latest_operation(session: &Session, stack_id: &str) -> Result<Tracker, Error> {
    let (page, _) = session.stack_events_page(stack_id, None).await?;
    let token = page.first().and_then(|e| e.client_request_token.clone());
    let since = if token.is_some() {
        0
    } else {
        page.last().map(|e| e.timestamp_ms).unwrap_or(0)
    };
    let mut tracker = Tracker::new(token, since);
    poll_events(session, stack_id, &mut tracker).await?;
    Ok(tracker)
}

/// Fetch every event newer than what the tracker has seen: page 1, and further pages only while
/// each page is entirely new (stop paging at the first EventId already seen).
pub async fn poll_events(
    session: &Session,
    stack_id: &str,
    tracker: &mut Tracker,
) -> Result<Vec<StackEvent>, Error> {
    let mut pages = Vec::new();
    let mut next = None;
    loop {
        let (page, token) = session.stack_events_page(stack_id, next).await?;
        let more = tracker.needs_more(&page) && token.is_some();
        pages.push(page);
        if !more {
            break;
        }
        next = token;
    }
    Ok(tracker.ingest_pages(&pages))
}

/// Follow an operation to its end: events every [`POLL_INTERVAL`], backoff on throttling and
/// dropped connections, one final poll after the stack settles.
pub async fn watch(
    session: &Session,
    stack_id: &str,
    operation: &str,
    token: Option<String>,
    since_ms: i64,
    expected: Vec<(String, String)>,
    tx: &UnboundedSender<DeployMsg>,
) -> Result<DeployOutcome, Error> {
    watch_with_interval(
        session,
        stack_id,
        operation,
        token,
        since_ms,
        expected,
        tx,
        POLL_INTERVAL,
    )
    .await
}

/// [`watch`] with an explicit poll interval (tests use a short one).
#[allow(clippy::too_many_arguments)]
pub async fn watch_with_interval(
    session: &Session,
    stack_id: &str,
    operation: &str,
    token: Option<String>,
    since_ms: i64,
    expected: Vec<(String, String)>,
    tx: &UnboundedSender<DeployMsg>,
    interval: Duration,
) -> Result<DeployOutcome, Error> {
    let w = StackWatch::new(stack_id, operation, token, since_ms, expected, interval, tx);
    follow(session, w, tx).await
}

/// What one poll of a [`StackWatch`] found.
#[derive(Debug, Default)]
pub struct WatchStep {
    /// Messages to pass on, in order (new events, a retry notice, the end).
    pub messages: Vec<DeployMsg>,
    /// The operation ended (its `Finished` message is the last of `messages`).
    pub outcome: Option<DeployOutcome>,
}

/// One stack operation followed poll by poll: the caller owns the schedule, so other work (the
/// overlapped Studio domain) is polled on the same tick instead of a loop of its own. Events
/// every poll; DescribeStacks only on the first poll, when the events say the stack settled,
/// and every [`DESCRIBE_EVERY`] polls as a safety net; backoff on throttling and dropped
/// connections; one final events poll after the stack settles.
#[derive(Debug)]
pub struct StackWatch {
    stack_id: String,
    operation: String,
    tracker: Tracker,
    interval: Duration,
    backoff: Duration,
    failures_in_a_row: u32,
    polls: u32,
    /// The latest DescribeStacks answer (None before the first, or when the stack is gone).
    pub stack: Option<StackInfo>,
}

impl StackWatch {
    /// Start following: the `Started` message goes out first, on `tx`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        stack_id: &str,
        operation: &str,
        token: Option<String>,
        since_ms: i64,
        expected: Vec<(String, String)>,
        interval: Duration,
        tx: &UnboundedSender<DeployMsg>,
    ) -> StackWatch {
        let mut tracker = Tracker::new(token.clone(), since_ms);
        tracker.expect_resources(expected.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        send(
            tx,
            DeployMsg::Started {
                stack_id: stack_id.to_string(),
                operation: operation.to_string(),
                client_request_token: token,
                expected,
            },
        );
        StackWatch {
            stack_id: stack_id.to_string(),
            operation: operation.to_string(),
            tracker,
            interval,
            backoff: interval,
            failures_in_a_row: 0,
            polls: 0,
            stack: None,
        }
    }

    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    pub fn stack_id(&self) -> &str {
        &self.stack_id
    }

    /// "create", "update", "delete", … as started or saved.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The stack's operation failed: a resource failed, or the stack rolls back or ended in a
    /// state that is not a success. Known from the events before DescribeStacks says so.
    pub fn failing(&self) -> bool {
        let status = self
            .stack
            .as_ref()
            .map(|s| s.status.as_str())
            .into_iter()
            .chain(self.tracker.stack_status.as_deref());
        status
            .into_iter()
            .any(|s| s.contains("ROLLBACK") || s.ends_with("_FAILED"))
            || self
                .tracker
                .resources()
                .any(|r| r.state == crate::core::progress::ResourceState::Failed)
    }

    /// How long to wait before the next poll (the interval, or the backoff after a fault).
    pub fn delay(&self) -> Duration {
        if self.failures_in_a_row > 0 {
            self.backoff
        } else {
            self.interval
        }
    }

    /// One poll. A transient fault becomes a `Retrying` message (up to 20 in a row); any
    /// other error is returned.
    pub async fn poll(&mut self, session: &Session) -> Result<WatchStep, Error> {
        self.polls += 1;
        let mut out = WatchStep::default();
        let step = async {
            let new = poll_events(session, &self.stack_id, &mut self.tracker).await?;
            let describe = self.polls == 1
                || self.tracker.settled()
                || self.polls.is_multiple_of(DESCRIBE_EVERY);
            let stack = if describe {
                Some(session.describe_stack(&self.stack_id).await?)
            } else {
                None
            };
            Ok::<_, Error>((new, stack))
        }
        .await;
        match step {
            Ok((new, described)) => {
                self.failures_in_a_row = 0;
                self.backoff = self.interval;
                if !new.is_empty() {
                    out.messages.push(DeployMsg::Events { events: new });
                }
                let Some(stack) = described else {
                    return Ok(out);
                };
                self.stack = stack.clone();
                let settled = match &stack {
                    None => true,
                    Some(s) => !s.is_in_progress(),
                };
                if settled {
                    // One final poll: events written just before the status flipped.
                    if let Ok(new) = poll_events(session, &self.stack_id, &mut self.tracker).await
                        && !new.is_empty()
                    {
                        out.messages.push(DeployMsg::Events { events: new });
                    }
                    let o = outcome(&self.stack_id, stack, &self.tracker);
                    out.messages.push(DeployMsg::Finished {
                        outcome: Box::new(o.clone()),
                    });
                    out.outcome = Some(o);
                }
                Ok(out)
            }
            Err(e) if e.is_transient() && self.failures_in_a_row < 20 => {
                self.failures_in_a_row += 1;
                self.backoff = (self.backoff * 2).min(Duration::from_secs(30));
                out.messages.push(DeployMsg::Retrying {
                    after_secs: self.backoff.as_secs(),
                    reason: e.message().to_string(),
                });
                Ok(out)
            }
            Err(e) => Err(e),
        }
    }
}

pub(super) fn outcome(
    stack_id: &str,
    stack: Option<StackInfo>,
    tracker: &Tracker,
) -> DeployOutcome {
    let status = stack
        .as_ref()
        .map(|s| s.status.clone())
        .or_else(|| {
            tracker
                .stack_status
                .as_deref()
                .map(StackStatus::from_aws_str)
        })
        .unwrap_or(StackStatus::DeleteComplete);
    let ok = matches!(
        status,
        StackStatus::CreateComplete
            | StackStatus::UpdateComplete
            | StackStatus::DeleteComplete
            | StackStatus::ImportComplete
    );
    DeployOutcome {
        stack_id: stack_id.to_string(),
        ok,
        outputs: stack.map(|s| s.outputs).unwrap_or_default(),
        failures: tracker.failures().into_iter().cloned().collect(),
        root_cause: tracker.root_cause().cloned(),
        events: tracker.events.clone(),
        status,
    }
}
