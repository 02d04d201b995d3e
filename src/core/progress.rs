//! Stack event tracking, pure: which events are new, each resource's progress, the ETA, the
//! root cause of a failure and the timeline. Fed by the poller in `ops::deploy`; read by every
//! front-end, so they all agree on what is happening.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::core::status::ResourceStatus;

/// One CloudFormation stack event, as studio-tui keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackEvent {
    pub event_id: String,
    pub stack_id: String,
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
    pub status: ResourceStatus,
    pub reason: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    pub client_request_token: Option<String>,
}

impl StackEvent {
    /// Is this event about the stack itself (not one of its resources)?
    pub fn is_stack(&self) -> bool {
        self.resource_type == "AWS::CloudFormation::Stack"
    }
    pub fn is_failure(&self) -> bool {
        self.status.is_failed()
    }
}

/// Where one resource stands in the current operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceState {
    Pending,
    InProgress,
    Done,
    Failed,
    /// Deleted during rollback or cleanup.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceProgress {
    pub logical_id: String,
    pub resource_type: String,
    /// The physical id from the latest event that carried one (a subnet id, a role name).
    pub physical_id: Option<String>,
    pub state: ResourceState,
    pub status: String,
    pub reason: Option<String>,
    pub started_ms: Option<i64>,
    pub finished_ms: Option<i64>,
}

/// What to do after ingesting one page of events (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOutcome {
    /// New events of this operation, oldest first.
    pub new_events: Vec<StackEvent>,
    /// Fetch the next page too: every event on this page was new and still in our operation.
    pub fetch_more: bool,
}

/// Typical durations (seconds) by resource type, from `assets/typical-durations.json`.
#[derive(Debug, Clone)]
pub struct Durations {
    by_type: HashMap<String, f64>,
    default: f64,
}

impl Durations {
    pub fn from_json(text: &str) -> Durations {
        let map: HashMap<String, serde_json::Value> =
            serde_json::from_str(text).unwrap_or_default();
        let default = map.get("_default").and_then(|v| v.as_f64()).unwrap_or(5.0);
        let by_type = map
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_f64()?)))
            .collect();
        Durations { by_type, default }
    }

    /// The table shipped with studio-tui.
    pub fn embedded() -> Durations {
        Durations::from_json(include_str!("../../assets/typical-durations.json"))
    }

    pub fn typical(&self, resource_type: &str) -> f64 {
        self.by_type
            .get(resource_type)
            .copied()
            .unwrap_or(self.default)
    }
}

/// Tracks one stack operation (create, update, delete, rollback) from its events, and the
/// steps outside the stack that belong to the same operation (the Studio domain and its users,
/// created while the stack is still being built): one progress count, one ETA, one timeline.
///
/// Everything a frame reads (counts, what runs, the ETA) is kept up to date as events arrive,
/// so drawing costs the same with 100 events or 100,000.
#[derive(Debug, Clone)]
pub struct Tracker {
    /// Only events with this ClientRequestToken belong to the operation (None = all events at
    /// or after `since_ms`).
    pub token: Option<String>,
    pub since_ms: i64,
    seen: HashSet<String>,
    /// Events of the operation, oldest first.
    pub events: Vec<StackEvent>,
    resources: BTreeMap<String, ResourceProgress>,
    /// Latest status of the stack itself, from its own events.
    pub stack_status: Option<String>,
    /// Resources the operation is expected to touch (from the change set or the template).
    pub expected: usize,
    /// Resources in a final state (Done, Failed, Removed).
    finished: usize,
    /// Logical ids in progress.
    running: BTreeSet<String>,
    /// Stack resources in progress, by type: their start times (a multiset), for the ETA's
    /// longest running one without visiting every running resource.
    running_starts: BTreeMap<String, BTreeMap<Option<i64>, usize>>,
    /// What each running stack resource added to `running_starts`: (type, start).
    running_keys: HashMap<String, (String, Option<i64>)>,
    /// Resources that started, by (start, logical id): the timeline's rows in order.
    started: BTreeSet<(i64, String)>,
    /// End times of the started resources that ended (a multiset), and how many have not: the
    /// timeline's span without visiting its rows.
    ended: BTreeMap<i64, usize>,
    open: usize,
    /// What each resource added to the three above: (start, end).
    indexed: HashMap<String, (i64, Option<i64>)>,
    /// Stack resources not started yet, by type (for the ETA's longest pending one).
    pending_types: BTreeMap<String, usize>,
    /// Stack resources finished with Done, by type: (count, seconds they took), for the
    /// observed speed against the typical durations.
    done_types: BTreeMap<String, (usize, f64)>,
    /// What each Done resource added to `done_types`, to take it back exactly.
    done_secs: HashMap<String, f64>,
    /// Steps outside the stack, if any.
    chain: Option<Chain>,
}

/// Steps outside the stack that are part of the same operation: they start once `after` (stack
/// resources) are complete, then run stage by stage (the steps of a stage in parallel). Each
/// step is also a resource of the tracker (counted, shown as running, on the timeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub after: Vec<String>,
    pub stages: Vec<Vec<String>>,
}

impl Chain {
    fn contains(&self, id: &str) -> bool {
        self.stages.iter().flatten().any(|s| s == id)
    }
}

impl Tracker {
    pub fn new(token: Option<String>, since_ms: i64) -> Tracker {
        Tracker {
            token,
            since_ms,
            seen: HashSet::new(),
            events: Vec::new(),
            resources: BTreeMap::new(),
            stack_status: None,
            expected: 0,
            finished: 0,
            running: BTreeSet::new(),
            running_starts: BTreeMap::new(),
            running_keys: HashMap::new(),
            started: BTreeSet::new(),
            ended: BTreeMap::new(),
            open: 0,
            indexed: HashMap::new(),
            pending_types: BTreeMap::new(),
            done_types: BTreeMap::new(),
            done_secs: HashMap::new(),
            chain: None,
        }
    }

    /// Every resource (and step) of the operation, by logical id.
    pub fn resources(&self) -> impl Iterator<Item = &ResourceProgress> {
        self.resources.values()
    }

    pub fn resource(&self, logical_id: &str) -> Option<&ResourceProgress> {
        self.resources.get(logical_id)
    }

    fn is_step(&self, id: &str) -> bool {
        self.chain.as_ref().is_some_and(|c| c.contains(id))
    }

    /// Move a resource to a new state, keeping the counters right.
    fn set_state(&mut self, id: &str, state: ResourceState) {
        let step = self.is_step(id);
        let Some(r) = self.resources.get_mut(id) else {
            return;
        };
        let old = r.state;
        let ty = r.resource_type.clone();
        let start = r.started_ms;
        let took = match (r.started_ms, r.finished_ms) {
            (Some(s), Some(f)) => (f - s) as f64 / 1000.0,
            _ => 0.0,
        };
        r.state = state;
        let final_state = |s: ResourceState| {
            matches!(
                s,
                ResourceState::Done | ResourceState::Failed | ResourceState::Removed
            )
        };
        // Undo the old state's contribution.
        if final_state(old) {
            self.finished -= 1;
        }
        match old {
            ResourceState::InProgress => {
                self.running.remove(id);
                if let Some((ty, start)) = self.running_keys.remove(id)
                    && let Some(starts) = self.running_starts.get_mut(&ty)
                {
                    dec(starts, &start);
                    if starts.is_empty() {
                        self.running_starts.remove(&ty);
                    }
                }
            }
            ResourceState::Pending if !step => dec(&mut self.pending_types, &ty),
            ResourceState::Done if !step => {
                if let (Some(secs), Some(e)) =
                    (self.done_secs.remove(id), self.done_types.get_mut(&ty))
                {
                    e.0 = e.0.saturating_sub(1);
                    e.1 = (e.1 - secs).max(0.0);
                }
            }
            _ => {}
        }
        // Add the new one's.
        if final_state(state) {
            self.finished += 1;
        }
        match state {
            ResourceState::InProgress => {
                self.running.insert(id.to_string());
                if !step {
                    *self
                        .running_starts
                        .entry(ty.clone())
                        .or_default()
                        .entry(start)
                        .or_default() += 1;
                    self.running_keys
                        .insert(id.to_string(), (ty.clone(), start));
                }
            }
            ResourceState::Pending if !step => *self.pending_types.entry(ty).or_default() += 1,
            ResourceState::Done if !step => {
                let e = self.done_types.entry(ty).or_default();
                e.0 += 1;
                e.1 += took;
                self.done_secs.insert(id.to_string(), took);
            }
            _ => {}
        }
    }

    /// Bring the timeline's index up to date with the resource's start and end times.
    fn reindex(&mut self, id: &str) {
        let now = self
            .resources
            .get(id)
            .and_then(|r| Some((r.started_ms?, r.finished_ms)));
        let before = self.indexed.get(id).copied();
        if before == now {
            return;
        }
        if let Some((start, end)) = before {
            self.started.remove(&(start, id.to_string()));
            match end {
                Some(end) => dec(&mut self.ended, &end),
                None => self.open -= 1,
            }
            self.indexed.remove(id);
        }
        if let Some((start, end)) = now {
            self.started.insert((start, id.to_string()));
            match end {
                Some(end) => *self.ended.entry(end).or_default() += 1,
                None => self.open += 1,
            }
            self.indexed.insert(id.to_string(), (start, end));
        }
    }

    fn insert_pending(&mut self, id: &str, ty: &str) {
        if self.resources.contains_key(id) {
            return;
        }
        self.resources.insert(
            id.to_string(),
            ResourceProgress {
                logical_id: id.to_string(),
                resource_type: ty.to_string(),
                physical_id: None,
                state: ResourceState::Pending,
                status: "PENDING".into(),
                reason: None,
                started_ms: None,
                finished_ms: None,
            },
        );
        if !self.is_step(id) {
            *self.pending_types.entry(ty.to_string()).or_default() += 1;
        }
    }

    /// Steps outside the stack that belong to this operation (see [`Chain`]): `steps` are
    /// (id, type) by stage; they count as resources from now on.
    pub fn expect_chain(&mut self, after: &[&str], stages: Vec<Vec<(String, String)>>) {
        self.chain = Some(Chain {
            after: after.iter().map(|s| s.to_string()).collect(),
            stages: stages
                .iter()
                .map(|st| st.iter().map(|(id, _)| id.clone()).collect())
                .collect(),
        });
        for (id, ty) in stages.iter().flatten() {
            self.insert_pending(id, ty);
        }
        self.expected = self.expected.max(self.resources.len());
    }

    /// Add one step to the chain's last stage (a user added after the chain was set up).
    pub fn add_chain_step(&mut self, id: &str, ty: &str) {
        let Some(chain) = self.chain.as_mut() else {
            return;
        };
        if !chain.contains(id) {
            let stages = chain.stages.len();
            match chain.stages.last_mut() {
                Some(last) if stages > 1 => last.push(id.to_string()),
                _ => chain.stages.push(vec![id.to_string()]),
            }
        }
        self.insert_pending(id, ty);
        self.expected = self.expected.max(self.resources.len());
    }

    /// A step of the chain changed (the domain is Pending, a user InService): `state` with the
    /// service's own status word, at `at_ms`.
    pub fn note_step(
        &mut self,
        id: &str,
        state: ResourceState,
        status: &str,
        reason: Option<&str>,
        at_ms: i64,
    ) {
        let Some(r) = self.resources.get_mut(id) else {
            return;
        };
        r.status = status.to_string();
        if let Some(reason) = reason {
            r.reason = Some(reason.to_string());
        }
        match state {
            ResourceState::InProgress => {
                if r.started_ms.is_none() || r.finished_ms.is_some() {
                    r.started_ms = Some(at_ms);
                    r.finished_ms = None;
                }
            }
            ResourceState::Pending => {}
            _ => {
                r.started_ms.get_or_insert(at_ms);
                r.finished_ms = Some(at_ms);
            }
        }
        if r.state != state {
            self.set_state(id, state);
        }
        self.reindex(id);
    }

    /// The chain's steps are all in a final state (or there is no chain).
    pub fn chain_settled(&self) -> bool {
        self.chain.as_ref().is_none_or(|c| {
            c.stages.iter().flatten().all(|id| {
                self.resources.get(id).is_none_or(|r| {
                    r.state != ResourceState::Pending && r.state != ResourceState::InProgress
                })
            })
        })
    }

    /// Register the resources the operation will touch, so progress has a denominator before
    /// their first event arrives.
    pub fn expect_resources<'a>(&mut self, items: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (id, ty) in items {
            self.insert_pending(id, ty);
        }
        self.expected = self.resources.len();
    }

    fn belongs(&self, e: &StackEvent) -> bool {
        match &self.token {
            Some(t) => e.client_request_token.as_deref() == Some(t.as_str()),
            None => e.timestamp_ms >= self.since_ms,
        }
    }

    /// Would the poller need the next page after this one? True when nothing on it was seen
    /// before and it holds no event of an earlier operation. Does not change the tracker.
    pub fn needs_more(&self, page: &[StackEvent]) -> bool {
        !page.is_empty()
            && page.iter().all(|e| {
                !self.seen.contains(&e.event_id)
                    && (self.belongs(e)
                        || (self.token.is_none() && e.timestamp_ms >= self.since_ms))
            })
    }

    /// Ingest one page (newest first). Stops at the first event already seen or the first
    /// event of an earlier operation; never yields an event twice.
    pub fn ingest_page(&mut self, page: &[StackEvent]) -> PageOutcome {
        let mut fresh = Vec::new();
        let mut stop = false;
        for e in page {
            if self.seen.contains(&e.event_id) {
                stop = true;
                break;
            }
            if !self.belongs(e) {
                // Older operation: everything after it on this and later pages is older still.
                if e.timestamp_ms < self.since_ms || self.token.is_some() {
                    stop = true;
                    break;
                }
                continue;
            }
            fresh.push(e.clone());
        }
        // Mark seen only once the page is processed, oldest first.
        fresh.reverse();
        let mut new_events = Vec::with_capacity(fresh.len());
        for e in fresh {
            if self.seen.insert(e.event_id.clone()) {
                self.apply(&e);
                new_events.push(e);
            }
        }
        PageOutcome {
            fetch_more: !stop && !page.is_empty(),
            new_events,
        }
    }

    /// Add events gathered over several pages (each page newest first), in one go: used when
    /// the poller followed NextToken, so the oldest page's events are applied first.
    pub fn ingest_pages(&mut self, pages: &[Vec<StackEvent>]) -> Vec<StackEvent> {
        let mut out = Vec::new();
        for page in pages.iter().rev() {
            out.extend(self.ingest_page(page).new_events);
        }
        out
    }

    fn apply(&mut self, e: &StackEvent) {
        self.events.push(e.clone());
        if e.is_stack() {
            self.stack_status = Some(e.status.to_string());
            return;
        }
        if !self.resources.contains_key(&e.logical_id) {
            self.insert_pending(&e.logical_id, &e.resource_type);
        }
        let Some(r) = self.resources.get_mut(&e.logical_id) else {
            return;
        };
        r.status = e.status.to_string();
        if e.reason.is_some() {
            r.reason = e.reason.clone();
        }
        if let Some(p) = e.physical_id.as_ref().filter(|p| !p.is_empty()) {
            r.physical_id = Some(p.clone());
        }
        let s = &e.status;
        let state = if s.is_in_progress() {
            if r.started_ms.is_none() || r.finished_ms.is_some() {
                r.started_ms = Some(e.timestamp_ms);
                r.finished_ms = None;
            }
            ResourceState::InProgress
        } else if s.is_failed() {
            r.finished_ms = Some(e.timestamp_ms);
            ResourceState::Failed
        } else if *s == ResourceStatus::DeleteComplete {
            r.finished_ms = Some(e.timestamp_ms);
            ResourceState::Removed
        } else if s.is_complete() || *s == ResourceStatus::DeleteSkipped {
            r.finished_ms = Some(e.timestamp_ms);
            ResourceState::Done
        } else {
            r.state
        };
        let id = e.logical_id.clone();
        if self.resources.get(&id).map(|r| r.state) != Some(state) {
            self.set_state(&id, state);
        }
        self.reindex(&id);
        self.expected = self.expected.max(self.resources.len());
    }

    /// (finished, total) for a progress bar, the chain's steps included.
    pub fn counts(&self) -> (usize, usize) {
        (self.finished, self.expected.max(self.resources.len()))
    }

    /// What runs now (stack resources and chain steps), by logical id.
    pub fn in_progress(&self) -> impl Iterator<Item = &ResourceProgress> {
        self.running.iter().filter_map(|id| self.resources.get(id))
    }

    /// How many run now: the length of [`Tracker::in_progress`], without visiting it.
    pub fn in_progress_count(&self) -> usize {
        self.running.len()
    }

    /// The stack reached a final state (its own event says so).
    pub fn settled(&self) -> bool {
        self.stack_status
            .as_deref()
            .is_some_and(|s| !s.ends_with("_IN_PROGRESS"))
    }

    /// The failure that started it all: the earliest resource failure whose reason is not a
    /// consequence of another ("Resource creation cancelled"), else the earliest failure.
    pub fn root_cause(&self) -> Option<&StackEvent> {
        let failures: Vec<&StackEvent> = self
            .events
            .iter()
            .filter(|e| e.is_failure() && !e.is_stack())
            .collect();
        failures
            .iter()
            .find(|e| !is_consequence(e.reason.as_deref().unwrap_or("")))
            .or_else(|| failures.first())
            .copied()
    }

    /// Every failure, root cause first, then the others in order.
    pub fn failures(&self) -> Vec<&StackEvent> {
        let root = self.root_cause().map(|e| e.event_id.clone());
        let mut out: Vec<&StackEvent> = self.events.iter().filter(|e| e.is_failure()).collect();
        out.sort_by_key(|e| Some(&e.event_id) != root.as_ref());
        out
    }

    /// Seconds left: the longest remaining chain. The stack's part comes from typical durations
    /// refined by how fast this operation has been compared with them; the chain (the Studio
    /// domain, then its users) waits for its inputs, then takes its steps' typical durations at
    /// the same observed speed. None before anything started or once everything settled.
    pub fn eta_secs(&self, durations: &Durations, now_ms: i64) -> Option<f64> {
        let stack_running = !self.settled() && !self.events.is_empty();
        if !stack_running && self.chain_settled() {
            return None;
        }
        if self.events.is_empty() && self.running.is_empty() {
            return None;
        }
        // Observed speed: actual / typical over resources finished so far (bounded).
        let (mut actual, mut typical) = (0.0, 0.0);
        for (ty, (n, secs)) in &self.done_types {
            actual += secs;
            typical += durations.typical(ty) * *n as f64;
        }
        let ratio = if typical >= 10.0 {
            (actual / typical).clamp(0.02, 5.0)
        } else {
            1.0
        };
        let left_of = |r: &ResourceProgress| {
            let elapsed = r.started_ms.map_or(0.0, |s| (now_ms - s) as f64 / 1000.0);
            (durations.typical(&r.resource_type) * ratio - elapsed).max(1.0)
        };
        let longest_running = self.longest_running(durations, ratio, now_ms);
        // Pending resources mostly wait on the running ones, then run in parallel.
        let longest_pending = self
            .pending_types
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(ty, _)| durations.typical(ty) * ratio)
            .fold(0.0, f64::max);
        let stack_left = if stack_running {
            longest_running + longest_pending
        } else {
            0.0
        };
        let chain_left = self.chain.as_ref().map_or(0.0, |c| {
            let step_left = |id: &String| {
                self.resources.get(id).map_or(0.0, |r| match r.state {
                    ResourceState::Pending => durations.typical(&r.resource_type) * ratio,
                    ResourceState::InProgress => left_of(r),
                    _ => 0.0,
                })
            };
            let first_started = c.stages.iter().flatten().any(|id| {
                self.resources
                    .get(id)
                    .is_some_and(|r| r.state != ResourceState::Pending)
            });
            let inputs_left = if first_started {
                0.0
            } else {
                c.after
                    .iter()
                    .filter_map(|id| self.resources.get(id))
                    .map(|r| match r.state {
                        ResourceState::InProgress => left_of(r),
                        ResourceState::Pending => {
                            longest_running + durations.typical(&r.resource_type) * ratio
                        }
                        _ => 0.0,
                    })
                    .fold(0.0, f64::max)
            };
            inputs_left
                + c.stages
                    .iter()
                    .map(|st| st.iter().map(step_left).fold(0.0, f64::max))
                    .sum::<f64>()
        });
        Some(stack_left.max(chain_left))
    }

    /// Seconds left of the stack resource running longest (at least 1 s each; 0 when none
    /// runs): its type's typical duration at the observed speed `ratio`, less what elapsed. Of
    /// each type the one started last has the most left (one without a start time has nothing
    /// elapsed), so this visits the types, not the resources; the chain's steps are apart.
    fn longest_running(&self, durations: &Durations, ratio: f64, now_ms: i64) -> f64 {
        let mut longest: f64 = 0.0;
        for (ty, starts) in &self.running_starts {
            let ends = [starts.first_key_value(), starts.last_key_value()];
            for start in ends.into_iter().flatten().map(|(s, _)| *s) {
                let elapsed = start.map_or(0.0, |s| (now_ms - s) as f64 / 1000.0);
                longest = longest.max((durations.typical(ty) * ratio - elapsed).max(1.0));
            }
        }
        longest
    }

    /// (logical id, type, start, end, failed) per resource that started, by start time: the
    /// Gantt chart's rows.
    pub fn timeline(&self) -> Vec<TimelineRow> {
        self.timeline_head(usize::MAX)
    }

    /// The first `n` rows of [`Tracker::timeline`] (what a screen of `n` lines shows), built
    /// without the others.
    pub fn timeline_head(&self, n: usize) -> Vec<TimelineRow> {
        self.timeline_window(0, n)
    }

    /// `n` rows of [`Tracker::timeline`] from row `skip` (a scrolled screen), built without
    /// the others.
    pub fn timeline_window(&self, skip: usize, n: usize) -> Vec<TimelineRow> {
        self.started
            .iter()
            .skip(skip)
            .take(n)
            .filter_map(|(_, id)| self.resources.get(id))
            .filter_map(|r| {
                Some(TimelineRow {
                    logical_id: r.logical_id.clone(),
                    resource_type: r.resource_type.clone(),
                    start_ms: r.started_ms?,
                    end_ms: r.finished_ms,
                    failed: r.state == ResourceState::Failed,
                })
            })
            .collect()
    }

    /// How many rows [`Tracker::timeline`] has.
    pub fn timeline_len(&self) -> usize {
        self.started.len()
    }

    /// The span of the whole timeline at `now_ms` (first start, last end; a row still running
    /// ends now): what [`render_timeline`] computes from all the rows. None without rows.
    pub fn timeline_span(&self, now_ms: i64) -> Option<(i64, i64)> {
        let (start, _) = self.started.first()?;
        let last_end = self.ended.last_key_value().map(|(e, _)| *e);
        let end = match (last_end, self.open > 0) {
            (Some(e), true) => e.max(now_ms),
            (Some(e), false) => e,
            (None, true) => now_ms,
            (None, false) => *start,
        };
        Some((*start, end.max(start + 1)))
    }
}

fn dec<K, Q>(map: &mut BTreeMap<K, usize>, key: &Q)
where
    K: Ord + std::borrow::Borrow<Q>,
    Q: Ord + ?Sized,
{
    if let Some(n) = map.get_mut(key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(key);
        }
    }
}

/// Reasons CloudFormation gives to resources that failed only because another one did.
fn is_consequence(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("resource creation cancelled")
        || r.contains("resource update cancelled")
        || r.contains("the following resource(s) failed")
        || r.contains("rollback requested")
}

pub use super::timeline::{
    TimelineRow, render_timeline, render_timeline_rows, render_timeline_within,
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(id: &str, logical: &str, ty: &str, status: &str, t: i64, tok: &str) -> StackEvent {
        StackEvent {
            event_id: id.into(),
            stack_id: "arn:stack/s/1".into(),
            logical_id: logical.into(),
            physical_id: None,
            resource_type: ty.into(),
            status: status.into(),
            reason: None,
            timestamp_ms: t,
            client_request_token: Some(tok.into()),
        }
    }
    const STACK: &str = "AWS::CloudFormation::Stack";

    #[test]
    fn stops_at_first_seen_event_and_never_duplicates() {
        let mut t = Tracker::new(Some("tok".into()), 0);
        let page1 = vec![
            ev("3", "Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE", 3, "tok"),
            ev("2", "Vpc", "AWS::EC2::VPC", "CREATE_IN_PROGRESS", 2, "tok"),
            ev("1", "s", STACK, "CREATE_IN_PROGRESS", 1, "tok"),
        ];
        let out = t.ingest_page(&page1);
        assert_eq!(
            out.new_events
                .iter()
                .map(|e| e.event_id.as_str())
                .collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        // the same page again (a repeated page): nothing new, stop paging
        let out = t.ingest_page(&page1);
        assert!(out.new_events.is_empty());
        assert!(!out.fetch_more);
        // a newer page overlapping the old one
        let page2 = vec![
            ev("4", "s", STACK, "CREATE_COMPLETE", 4, "tok"),
            ev("3", "Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE", 3, "tok"),
        ];
        let out = t.ingest_page(&page2);
        assert_eq!(out.new_events.len(), 1);
        assert!(!out.fetch_more);
        assert!(t.settled());
        assert_eq!(t.counts(), (1, 1));
    }

    #[test]
    fn events_of_other_operations_are_ignored_and_end_paging() {
        let mut t = Tracker::new(Some("new".into()), 0);
        let page = vec![
            ev("9", "s", STACK, "UPDATE_IN_PROGRESS", 9, "new"),
            ev("5", "s", STACK, "CREATE_COMPLETE", 5, "old"),
            ev("4", "Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE", 4, "old"),
        ];
        let out = t.ingest_page(&page);
        assert_eq!(out.new_events.len(), 1);
        assert!(!out.fetch_more);
    }

    #[test]
    fn needs_more_is_a_pure_look_ahead() {
        let mut t = Tracker::new(Some("tok".into()), 0);
        let page = vec![ev(
            "2",
            "Vpc",
            "AWS::EC2::VPC",
            "CREATE_IN_PROGRESS",
            2,
            "tok",
        )];
        assert!(t.needs_more(&page));
        assert!(t.events.is_empty());
        t.ingest_page(&page);
        assert!(!t.needs_more(&page));
        let foreign = vec![ev("1", "s", STACK, "CREATE_COMPLETE", 1, "old")];
        assert!(!t.needs_more(&foreign));
    }

    #[test]
    fn a_full_page_of_new_events_asks_for_more() {
        let mut t = Tracker::new(Some("tok".into()), 0);
        let page: Vec<_> = (0..100)
            .rev()
            .map(|i| {
                ev(
                    &format!("e{i}"),
                    "Vpc",
                    "AWS::EC2::VPC",
                    "CREATE_IN_PROGRESS",
                    i,
                    "tok",
                )
            })
            .collect();
        assert!(t.ingest_page(&page).fetch_more);
    }

    #[test]
    fn multi_page_ingest_applies_oldest_first() {
        let mut t = Tracker::new(Some("tok".into()), 0);
        let newest = vec![ev("3", "Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE", 3, "tok")];
        let older = vec![
            ev("2", "Vpc", "AWS::EC2::VPC", "CREATE_IN_PROGRESS", 2, "tok"),
            ev("1", "s", STACK, "CREATE_IN_PROGRESS", 1, "tok"),
        ];
        let out = t.ingest_pages(&[newest, older]);
        assert_eq!(
            out.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        assert_eq!(t.resources["Vpc"].state, ResourceState::Done);
        assert_eq!(t.resources["Vpc"].started_ms, Some(2));
    }

    #[test]
    fn root_cause_skips_cancellations() {
        let mut t = Tracker::new(Some("tok".into()), 0);
        let mut a = ev("2", "Kms", "AWS::KMS::Key", "CREATE_FAILED", 2, "tok");
        a.reason = Some("Resource creation cancelled".into());
        let mut b = ev(
            "3",
            "Nat",
            "AWS::EC2::NatGateway",
            "CREATE_FAILED",
            3,
            "tok",
        );
        b.reason = Some("Elastic IP address limit exceeded".into());
        let mut c = ev("4", "s", STACK, "ROLLBACK_IN_PROGRESS", 4, "tok");
        c.reason = Some("The following resource(s) failed to create: [Nat, Kms].".into());
        t.ingest_page(&[c, b, a]);
        assert_eq!(t.root_cause().unwrap().logical_id, "Nat");
        assert_eq!(t.failures()[0].logical_id, "Nat");
    }

    #[test]
    fn eta_uses_typical_durations_and_observed_speed() {
        let d = Durations::embedded();
        let mut t = Tracker::new(Some("tok".into()), 0);
        t.expect_resources([
            ("Fw", "AWS::NetworkFirewall::Firewall"),
            ("Vpc", "AWS::EC2::VPC"),
            ("Nat", "AWS::EC2::NatGateway"),
        ]);
        t.ingest_page(&[
            ev(
                "3",
                "Fw",
                "AWS::NetworkFirewall::Firewall",
                "CREATE_IN_PROGRESS",
                12_000,
                "tok",
            ),
            ev(
                "2",
                "Vpc",
                "AWS::EC2::VPC",
                "CREATE_COMPLETE",
                12_000,
                "tok",
            ),
            ev("1", "Vpc", "AWS::EC2::VPC", "CREATE_IN_PROGRESS", 0, "tok"),
        ]);
        // VPC took its typical 12 s, so the firewall is expected at its typical 312 s, and the
        // NAT gateway (pending) after it.
        let eta = t.eta_secs(&d, 12_000).unwrap();
        assert!((eta - (312.0 + 106.0)).abs() < 1.0, "{eta}");
        assert_eq!(t.counts(), (1, 3));
    }

    /// A random operation: events of a few resources in any order of statuses (with rollbacks,
    /// updates and repeated starts), and steps of a chain moving between states.
    fn random_operation() -> impl Strategy<Value = Vec<(u8, u8, u8, i64)>> {
        proptest::collection::vec((0u8..12, 0u8..3, 0u8..9, 0i64..50_000), 0..120)
    }

    fn play(ops: &[(u8, u8, u8, i64)]) -> Tracker {
        const TYPES: [&str; 3] = [
            "AWS::EC2::VPC",
            "AWS::NetworkFirewall::Firewall",
            "AWS::EC2::Route",
        ];
        const STATUSES: [&str; 9] = [
            "CREATE_IN_PROGRESS",
            "CREATE_COMPLETE",
            "CREATE_FAILED",
            "UPDATE_IN_PROGRESS",
            "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
            "UPDATE_COMPLETE",
            "DELETE_IN_PROGRESS",
            "DELETE_COMPLETE",
            "DELETE_SKIPPED",
        ];
        let mut t = Tracker::new(Some("tok".into()), 0);
        let step = |i: u8| (format!("Step{i}"), "AWS::SageMaker::Domain".to_string());
        t.expect_chain(&["R0"], vec![vec![step(10)], vec![step(11)]]);
        for (n, (res, ty, status, at)) in ops.iter().enumerate() {
            if *res >= 10 {
                let state = [
                    ResourceState::Pending,
                    ResourceState::InProgress,
                    ResourceState::Done,
                    ResourceState::Failed,
                ][*status as usize % 4];
                t.note_step(&format!("Step{res}"), state, "X", None, *at);
            } else {
                let e = ev(
                    &format!("e{n}"),
                    &format!("R{res}"),
                    TYPES[*ty as usize],
                    STATUSES[*status as usize],
                    *at,
                    "tok",
                );
                t.ingest_page(&[e]);
            }
        }
        t
    }

    proptest! {
        /// What a frame reads from the incremental indexes is what visiting every resource
        /// gives: the rows of the timeline and their span, the ETA's longest running one.
        #[test]
        fn windowed_reads_match_a_full_visit(ops in random_operation(), now in 0i64..80_000, n in 0usize..15) {
            let t = play(&ops);
            let mut rows: Vec<TimelineRow> = t
                .resources()
                .filter_map(|r| {
                    Some(TimelineRow {
                        logical_id: r.logical_id.clone(),
                        resource_type: r.resource_type.clone(),
                        start_ms: r.started_ms?,
                        end_ms: r.finished_ms,
                        failed: r.state == ResourceState::Failed,
                    })
                })
                .collect();
            rows.sort_by_key(|r| (r.start_ms, r.logical_id.clone()));
            prop_assert_eq!(&t.timeline(), &rows);
            prop_assert_eq!(t.timeline_len(), rows.len());
            prop_assert_eq!(&t.timeline_head(n)[..], &rows[..n.min(rows.len())]);
            let span = rows.iter().map(|r| r.start_ms).min().map(|start| {
                let end = rows.iter().map(|r| r.end_ms.unwrap_or(now)).max().unwrap_or(start);
                (start, end.max(start + 1))
            });
            prop_assert_eq!(t.timeline_span(now), span);
            if let Some(span) = span {
                let head = t.timeline_head(n);
                let all = render_timeline(&rows, 30, now);
                let window = render_timeline_within(&head, 30, span, now);
                prop_assert_eq!(window.len(), head.len());
                // The same bars and durations as the whole chart's first lines (the name column
                // is as wide as the window's longest name).
                for (line, full) in window.iter().zip(&all) {
                    let tail = |l: &str| l.split('│').skip(1).map(str::to_string).collect::<Vec<_>>();
                    prop_assert_eq!(tail(line), tail(full));
                }
            }

            let d = Durations::embedded();
            prop_assert_eq!(t.in_progress_count(), t.in_progress().count());
            for ratio in [0.5, 1.0, 3.0] {
                let visit = t
                    .in_progress()
                    .filter(|r| !t.is_step(&r.logical_id))
                    .map(|r| {
                        let elapsed = r.started_ms.map_or(0.0, |s| (now - s) as f64 / 1000.0);
                        (d.typical(&r.resource_type) * ratio - elapsed).max(1.0)
                    })
                    .fold(0.0, f64::max);
                prop_assert_eq!(t.longest_running(&d, ratio, now), visit);
            }
        }
    }

    #[test]
    fn timeline_renders_bars() {
        let rows = vec![
            TimelineRow {
                logical_id: "Vpc".into(),
                resource_type: "AWS::EC2::VPC".into(),
                start_ms: 0,
                end_ms: Some(10_000),
                failed: false,
            },
            TimelineRow {
                logical_id: "Firewall".into(),
                resource_type: "AWS::NetworkFirewall::Firewall".into(),
                start_ms: 10_000,
                end_ms: Some(20_000),
                failed: true,
            },
        ];
        let lines = render_timeline(&rows, 20, 20_000);
        assert_eq!(lines[0], "Vpc      │██████████          │     10s");
        assert_eq!(lines[1], "Firewall │          ✗✗✗✗✗✗✗✗✗✗│     10s");
    }
}
