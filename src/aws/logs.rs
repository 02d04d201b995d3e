//! CloudWatch Logs: the firewall's alert log group, read page by page (FilterLogEvents with the
//! service's own paging), never loaded whole.

use super::{AwsError, Session};

/// One log event: when (ms since the epoch) and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub timestamp_ms: i64,
    pub message: String,
}

impl Session {
    /// Every event of `group` from `start_ms` on that matches `pattern`, handed to `each` one
    /// page at a time (at most 10,000 events a page). Returns the number of pages read.
    pub async fn for_each_log_event(
        &self,
        group: &str,
        start_ms: i64,
        pattern: &str,
        mut each: impl FnMut(&[LogEvent]),
    ) -> Result<usize, AwsError> {
        let logs = self.logs();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let out = logs
                .filter_log_events()
                .log_group_name(group)
                .start_time(start_ms)
                .filter_pattern(pattern)
                .limit(10_000)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.sdk_err("logs:FilterLogEvents", e))?;
            pages += 1;
            let events: Vec<LogEvent> = out
                .events()
                .iter()
                .map(|e| LogEvent {
                    timestamp_ms: e.timestamp().unwrap_or_default(),
                    message: e.message().unwrap_or_default().to_string(),
                })
                .collect();
            each(&events);
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(pages);
            }
        }
    }
}
