//! The live deployment view: progress bar, resources in progress with elapsed time, ETA, a
//! scrollable and filterable event log (only the visible window becomes widgets, so 100,000
//! events draw as fast as 10), the failure recap (root cause first), the outputs and a timeline.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::domain::DomainState;
use super::{Ctx, DrawCtx, Go, Outcome, Screen, Step};

use crate::core::progress::{Durations, ResourceState, StackEvent, Tracker};
use crate::ops;
use crate::ops::deploy::{DeployMsg, DeployOutcome};
use crate::ops::studio::StudioMsg;
use crate::ops::up::{Overlapped, StudioEnd};
use crate::ui::action::Reply;
use crate::ui::keymap::{Binding, Key};

mod draw;
mod recap;
pub use draw::fmt_secs;
pub use recap::StudioRecap;

/// What the deploy's keys ask for (while the filter is typed, a character is its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Up,
    Down,
    PageUp,
    PageDown,
    /// The oldest event (the timeline's top).
    Home,
    /// Follow the newest event (the timeline's bottom).
    End,
    Filter,
    /// Esc: close the filter being typed, or clear it.
    ClearFilter,
    Timeline,
    Next,
    Back,
    Redeploy,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new(
        "↑↓ PgUp PgDn",
        "scroll",
        &[
            (Key::UP, Cmd::Up),
            (Key::DOWN, Cmd::Down),
            (Key::PAGE_UP, Cmd::PageUp),
            (Key::PAGE_DOWN, Cmd::PageDown),
        ],
    ),
    Binding::new("End", "follow", &[(Key::END, Cmd::End)]),
    Binding::new("/", "filter", &[(Key::ch('/'), Cmd::Filter)]),
    Binding::new("t", "timeline", &[(Key::ch('t'), Cmd::Timeline)]),
    Binding::new(
        "n",
        "next: Studio (when complete)",
        &[(Key::ch('n'), Cmd::Next)],
    ),
    Binding::new("b", "back (when done)", &[(Key::ch('b'), Cmd::Back)]),
    Binding::shared("q", "quit", &[Key::ch('q')]),
    Binding::new(
        "Esc",
        "close the filter; clear it",
        &[(Key::ESC, Cmd::ClearFilter)],
    )
    .help_only(),
    Binding::new(
        "r",
        "deploy again after a delete & retry",
        &[(Key::ch('r'), Cmd::Redeploy)],
    )
    .help_only(),
    Binding::new(
        "j / k",
        "scroll",
        &[(Key::ch('j'), Cmd::Down), (Key::ch('k'), Cmd::Up)],
    )
    .help_only(),
    Binding::new("Home", "oldest event", &[(Key::HOME, Cmd::Home)]).help_only(),
    Binding::shared("g", "topology", &[Key::ch('g')]).help_only(),
    Binding::shared("?", "help", &[Key::ch('?')]).help_only(),
];

#[derive(Debug, Clone)]
pub struct DeployState {
    pub tracker: Tracker,
    pub durations: Durations,
    pub stack_id: Option<String>,
    pub operation: String,
    pub phase: Option<String>,
    pub retrying: Option<String>,
    pub outcome: Option<DeployOutcome>,
    pub error: Option<ops::Error>,
    /// Lines scrolled up from the end of the log (0 = follow the newest).
    pub scroll_back: usize,
    /// The filter text, and whether it is being typed.
    pub filter: String,
    pub filter_editing: bool,
    /// Indexes of the events the filter matches (kept up to date as events arrive).
    filtered: Vec<usize>,
    pub show_timeline: bool,
    /// Height of the log last drawn, for PgUp/PgDn (set by the app after layout).
    pub page: usize,
    /// The first timeline row shown (rows scroll while the timeline is open).
    pub timeline_top: usize,
    /// How many timeline rows the last frame had room for (set while drawing).
    timeline_h: std::cell::Cell<usize>,
    /// When the last step of the Studio half settled (the operation's elapsed time ends there
    /// when it ends after the stack).
    pub studio_settled_ms: Option<i64>,
    /// The users of the Studio half a first create builds alongside the stack (None: this
    /// operation has no Studio half).
    pub studio_users: Option<Vec<String>>,
    /// The Studio half runs alongside this first create and has not ended yet.
    pub studio_pending: bool,
    /// What the Studio half is doing now, in words (e.g. removing the domain after a failure).
    pub studio_note: Option<String>,
    /// How the Studio half ended.
    pub studio_end: Option<StudioRecap>,
    /// The Studio step as the Studio half of a first create builds it (`n` shows it as it
    /// ended instead of running it again).
    pub studio: DomainState,
}

impl DeployState {
    pub fn new(phase: impl Into<String>) -> DeployState {
        DeployState {
            tracker: Tracker::new(None, i64::MIN),
            durations: Durations::embedded(),
            stack_id: None,
            operation: "deployment".into(),
            phase: Some(phase.into()),
            retrying: None,
            outcome: None,
            error: None,
            scroll_back: 0,
            filter: String::new(),
            filter_editing: false,
            filtered: Vec::new(),
            show_timeline: false,
            page: 20,
            timeline_top: 0,
            timeline_h: std::cell::Cell::new(20),
            studio_settled_ms: None,
            studio_users: None,
            studio_pending: false,
            studio_note: None,
            studio_end: None,
            studio: DomainState::default(),
        }
    }

    /// Build the project's Studio domain and these users alongside the stack if the operation
    /// turns out to be a first create (`ops::up::run` decides; the screen learns it from
    /// `Started`).
    pub fn with_studio(mut self, project: &str, users: Vec<String>) -> DeployState {
        self.studio = DomainState::new(project, &users);
        self.studio_users = Some(users);
        self
    }

    /// The operation is still going on in AWS (quitting leaves it running): the stack, or the
    /// Studio half built alongside it.
    pub fn running(&self) -> bool {
        (self.outcome.is_none() || self.studio_pending) && self.error.is_none()
    }

    /// The stack is gone after this operation: a delete, or a failed first create deleted
    /// once the domain's leftovers were removed (`r` deploys again).
    pub fn stack_deleted(&self) -> bool {
        if matches!(
            &self.studio_end,
            Some(StudioRecap::Removed { stack_deleted: Some(s), .. }) if s == "DELETE_COMPLETE"
        ) {
            return true;
        }
        self.outcome
            .as_ref()
            .is_some_and(|o| o.ok && self.operation == "delete")
    }

    /// A Studio message of the half built alongside a first create: the domain and users are
    /// steps of the same progress (count, ETA, in-progress rows, timeline).
    pub fn on_studio(&mut self, msg: &StudioMsg, now_ms: i64) {
        if !self.studio_pending {
            return;
        }
        match msg {
            StudioMsg::Step { text } => self.studio_note = Some(text.clone()),
            _ => {
                crate::ops::up::note_studio(&mut self.tracker, msg, now_ms);
                if crate::ops::up::step_of(msg)
                    .is_some_and(|(_, state, ..)| state != ResourceState::InProgress)
                {
                    self.studio_settled_ms = Some(now_ms);
                }
            }
        }
    }

    /// The overlapped operation ended: the stack's outcome (root cause first when it failed,
    /// even when the failed stack was deleted afterwards) and the Studio half's.
    pub fn on_overlapped(&mut self, ov: &Overlapped) {
        self.studio_pending = false;
        self.studio_note = None;
        self.phase = None;
        self.retrying = None;
        self.operation = "create".into();
        self.stack_id = Some(ov.stack.stack_id.clone());
        self.outcome = Some(ov.stack.clone());
        self.studio_end = Some(StudioRecap::of(ov));
    }

    pub fn on_msg(&mut self, msg: DeployMsg) {
        match msg {
            DeployMsg::Phase { text } => self.phase = Some(text),
            DeployMsg::Started {
                stack_id,
                operation,
                expected,
                ..
            } => {
                self.stack_id = Some(stack_id);
                self.phase = None;
                self.tracker
                    .expect_resources(expected.iter().map(|(a, b)| (a.as_str(), b.as_str())));
                // The same rule as `ops::up::run`: only a first create builds Studio alongside.
                if operation == "create"
                    && self.studio_end.is_none()
                    && !self.studio_pending
                    && let Some(users) = &self.studio_users
                {
                    crate::ops::up::expect_studio(&mut self.tracker, users);
                    self.studio_pending = true;
                }
                self.operation = operation;
            }
            DeployMsg::Events { events } => {
                self.retrying = None;
                self.add_events(&events);
            }
            DeployMsg::Retrying { after_secs, reason } => {
                self.retrying = Some(format!(
                    "retrying in {after_secs}s: {}",
                    crate::core::shown::shown(&reason)
                ));
            }
            DeployMsg::Finished { outcome } => {
                self.phase = None;
                self.retrying = None;
                self.outcome = Some(*outcome);
            }
        }
    }

    /// Feed events (oldest first) to the tracker; duplicates are dropped by it.
    pub fn add_events(&mut self, events: &[StackEvent]) {
        let before = self.tracker.events.len();
        let newest_first: Vec<StackEvent> = events.iter().rev().cloned().collect();
        self.tracker.ingest_page(&newest_first);
        if !self.filter.is_empty() {
            for i in before..self.tracker.events.len() {
                if matches(&self.tracker.events[i], &self.filter) {
                    self.filtered.push(i);
                }
            }
        }
        // Keep the same lines in view when scrolled up.
        if self.scroll_back > 0 {
            self.scroll_back += self.visible_len_added(before);
        }
    }

    fn visible_len_added(&self, before: usize) -> usize {
        if self.filter.is_empty() {
            self.tracker.events.len() - before
        } else {
            self.filtered.iter().filter(|i| **i >= before).count()
        }
    }

    fn refilter(&mut self) {
        self.filtered = if self.filter.is_empty() {
            Vec::new()
        } else {
            let needle = self.filter.to_lowercase();
            (0..self.tracker.events.len())
                .filter(|i| matches_lower(&self.tracker.events[*i], &needle))
                .collect()
        };
        self.scroll_back = 0;
    }

    fn log_len(&self) -> usize {
        if self.filter.is_empty() {
            self.tracker.events.len()
        } else {
            self.filtered.len()
        }
    }

    /// A key typed into the filter: Enter closes it, Backspace erases, a character is text.
    fn on_filter_key(&mut self, key: Key) {
        match key.code {
            KeyCode::Enter => self.filter_editing = false,
            KeyCode::Backspace => {
                self.filter.pop();
                self.refilter();
            }
            KeyCode::Char(c) => {
                self.filter.push(c);
                self.refilter();
            }
            _ => {}
        }
    }

    /// Move in the log or the timeline, or open the filter; false when the command is not one.
    fn on_key(&mut self, cmd: Cmd) -> bool {
        if self.show_timeline {
            // The timeline scrolls by rows from its top (the Studio domain and users come after
            // their inputs, below the first screenful of a full deploy).
            let rows = self.tracker.timeline_len();
            let page = self.timeline_h.get().max(1);
            let max_top = rows.saturating_sub(page);
            let top = &mut self.timeline_top;
            match cmd {
                Cmd::Up => *top = top.saturating_sub(1),
                Cmd::Down => *top = (*top + 1).min(max_top),
                Cmd::PageUp => *top = top.saturating_sub(page),
                Cmd::PageDown => *top = (*top + page).min(max_top),
                Cmd::Home => *top = 0,
                Cmd::End => *top = max_top,
                Cmd::Timeline => self.show_timeline = false,
                _ => return false,
            }
            return true;
        }
        let max_back = self.log_len().saturating_sub(self.page);
        match cmd {
            Cmd::Filter => {
                self.filter_editing = true;
            }
            Cmd::Timeline => self.show_timeline = !self.show_timeline,
            Cmd::Up => self.scroll_back = (self.scroll_back + 1).min(max_back),
            Cmd::Down => self.scroll_back = self.scroll_back.saturating_sub(1),
            Cmd::PageUp => self.scroll_back = (self.scroll_back + self.page).min(max_back),
            Cmd::PageDown => self.scroll_back = self.scroll_back.saturating_sub(self.page),
            Cmd::Home => self.scroll_back = max_back,
            Cmd::End => self.scroll_back = 0,
            Cmd::ClearFilter if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter();
            }
            _ => return false,
        }
        true
    }
}

impl Screen for DeployState {
    const STEP: Step = Step::Deploy;
    const TITLE: &'static str = "5 · Deploy";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        KEYS
    }

    /// The filter being typed takes every character.
    fn captures_keys(&self) -> bool {
        self.filter_editing
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut Ctx) -> Outcome {
        // While the filter is typed, Esc closes and clears it and the other commands do
        // nothing.
        if self.filter_editing {
            if cmd == Cmd::ClearFilter {
                self.filter_editing = false;
                self.filter.clear();
                self.refilter();
            }
            return Outcome::Consumed;
        }
        // Esc clears a filter before anything else (in the timeline too, where it does nothing
        // more).
        if cmd == Cmd::ClearFilter && !self.filter.is_empty() {
            self.on_key(cmd);
            return Outcome::Consumed;
        }
        if self.on_key(cmd) {
            return Outcome::Consumed;
        }
        let running = self.running();
        let deleted = self.stack_deleted();
        let studio_ended = matches!(
            self.studio_end,
            Some(StudioRecap::Ready { .. } | StudioRecap::Failed { .. })
        );
        match cmd {
            // The Studio half was built alongside the stack: show it, do not run it again.
            Cmd::Next if !running && studio_ended => {
                Outcome::GoTo(Go::Swap(Box::new(std::mem::take(&mut self.studio))))
            }
            Cmd::Next if !running && self.outcome.as_ref().is_some_and(|o| o.ok) && !deleted => {
                Outcome::GoTo(Go::SetUpStudio)
            }
            Cmd::Back if !running => Outcome::GoTo(Go::Back),
            Cmd::Redeploy if deleted => Outcome::GoTo(Go::Redeploy),
            _ => Outcome::Ignored,
        }
    }

    /// A key typed into the filter.
    fn on_text(&mut self, key: Key) -> Outcome {
        self.on_filter_key(key);
        Outcome::Consumed
    }

    fn on_reply(&mut self, reply: Reply, ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Deploy(msg) => self.on_msg(msg),
            Reply::DeployEnded(result) => {
                // The request is over: nothing more of a Studio half will come.
                self.studio_pending = false;
                match *result {
                    Ok(outcome) => {
                        if self.outcome.is_none() {
                            self.outcome = Some(outcome);
                        }
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Reply::Overlapped(ov) => {
                self.on_overlapped(&ov);
                match &ov.studio {
                    StudioEnd::Ready(_) => self.studio.on_done(Ok(())),
                    StudioEnd::Failed { error, .. } => self.studio.on_done(Err(error.clone())),
                    // The Studio step was never reached: it starts afresh if asked for.
                    StudioEnd::Removed { .. } | StudioEnd::NotStarted => {}
                }
            }
            // The Studio half of a first create: one progress with the stack's, and the Studio
            // step's rows.
            Reply::Studio(msg) => {
                self.on_studio(&msg, ctx.now_ms);
                self.studio.on_msg(&msg);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn quit_warning(&self) -> Option<&'static str> {
        self.running().then_some(
            "The deployment keeps running in AWS; studio-tui will reattach next time. Quit? y/n",
        )
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme, ctx.tick, ctx.now_ms);
    }
}

fn stack_name_of(id: &str) -> &str {
    // arn:aws:cloudformation:region:account:stack/<name>/<uuid>
    id.split('/').nth(1).unwrap_or(id)
}

fn matches(e: &StackEvent, filter: &str) -> bool {
    matches_lower(e, &filter.to_lowercase())
}

fn matches_lower(e: &StackEvent, needle: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(needle);
    has(&e.logical_id)
        || has(&e.resource_type)
        || has(e.status.as_str())
        || e.reason.as_deref().is_some_and(has)
}
