//! The live deployment view: progress bar, resources in progress with elapsed time, ETA, a
//! scrollable and filterable event log (only the visible window becomes widgets, so 100,000
//! events draw as fast as 10), the failure recap (root cause first), the outputs and a timeline.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Wrap};

use crate::aws::AwsError;
use crate::core::progress::{Durations, StackEvent, Tracker, render_timeline_within};
use crate::ops::deploy::{DeployMsg, DeployOutcome};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;
use crate::ui::widgets::{KeyHint, spinner};

pub const KEYS: &[KeyHint] = &[
    KeyHint::new("↑↓ PgUp PgDn", "scroll"),
    KeyHint::new("End", "follow"),
    KeyHint::new("/", "filter"),
    KeyHint::new("t", "timeline"),
    KeyHint::new("n", "next: Studio (when complete)"),
    KeyHint::new("b", "back (when done)"),
    KeyHint::new("q", "quit"),
    KeyHint::help_only("Esc", "close the filter; clear it"),
    KeyHint::help_only("r", "deploy again after a delete & retry"),
    KeyHint::help_only("j / k", "scroll"),
    KeyHint::help_only("Home", "oldest event"),
    KeyHint::help_only("g", "topology"),
    KeyHint::help_only("?", "help"),
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
    pub error: Option<AwsError>,
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
        }
    }

    /// The operation is still going on in AWS (quitting leaves it running).
    pub fn running(&self) -> bool {
        self.outcome.is_none() && self.error.is_none()
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
                self.operation = operation;
                self.phase = None;
                self.tracker
                    .expect_resources(expected.iter().map(|(a, b)| (a.as_str(), b.as_str())));
            }
            DeployMsg::Events { events } => {
                self.retrying = None;
                self.add_events(&events);
            }
            DeployMsg::Retrying { after_secs, reason } => {
                self.retrying = Some(format!("retrying in {after_secs}s: {reason}"));
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

    /// Handle a key; false when it is not a deploy-screen key.
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        if self.filter_editing {
            match key.code {
                KeyCode::Enter => self.filter_editing = false,
                KeyCode::Esc => {
                    self.filter_editing = false;
                    self.filter.clear();
                    self.refilter();
                }
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
            return true;
        }
        let max_back = self.log_len().saturating_sub(self.page);
        match key.code {
            KeyCode::Char('/') => {
                self.filter_editing = true;
            }
            KeyCode::Char('t') => self.show_timeline = !self.show_timeline,
            KeyCode::Up | KeyCode::Char('k') => {
                self.scroll_back = (self.scroll_back + 1).min(max_back)
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.scroll_back = self.scroll_back.saturating_sub(1)
            }
            KeyCode::PageUp => self.scroll_back = (self.scroll_back + self.page).min(max_back),
            KeyCode::PageDown => self.scroll_back = self.scroll_back.saturating_sub(self.page),
            KeyCode::Home => self.scroll_back = max_back,
            KeyCode::End => self.scroll_back = 0,
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter();
            }
            _ => return false,
        }
        true
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize, now_ms: i64) {
        let (done, total) = self.tracker.counts();
        let in_progress = self.tracker.in_progress_count();
        let narrow = area.height < 30;
        let running_h = if self.running() {
            (in_progress.min(if narrow { 3 } else { 6 }) as u16).max(1) + 2
        } else {
            0
        };
        let recap = self.recap_lines(theme);
        let recap_h = if recap.is_empty() {
            0
        } else {
            (recap.len() as u16 + 2).min(area.height / 3)
        };
        let filter_h = u16::from(self.filter_editing || !self.filter.is_empty());
        let [
            status_area,
            gauge_area,
            running_area,
            recap_area,
            log_area,
            filter_area,
        ] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(running_h),
            Constraint::Length(recap_h),
            Constraint::Fill(1),
            Constraint::Length(filter_h),
        ])
        .areas(area);

        // Status line.
        let mut status = vec![Span::styled(
            format!(" {} ", self.operation.to_uppercase()),
            theme.title(),
        )];
        if let Some(id) = &self.stack_id {
            status.push(Span::raw(stack_name_of(id).to_string()));
        }
        match (&self.outcome, &self.error) {
            (Some(o), _) => status.push(Span::styled(
                format!("  {} {}", if o.ok { "✔" } else { "✘" }, o.status),
                if o.ok { theme.ok() } else { theme.error() },
            )),
            (None, Some(e)) => {
                status.push(Span::styled(format!("  ✘ {}", e.message), theme.error()))
            }
            (None, None) => {
                status.push(Span::styled(format!("  {}", spinner(tick)), theme.title()));
                if let Some(p) = &self.phase {
                    status.push(Span::raw(format!(" {p}…")));
                } else if let Some(s) = &self.tracker.stack_status {
                    status.push(Span::raw(format!(" {s}")));
                }
            }
        }
        if let Some(r) = &self.retrying {
            status.push(Span::styled(format!("  ({r})"), theme.warn()));
        }
        f.render_widget(Paragraph::new(Line::from(status)), status_area);

        // Progress bar with counts, ETA and elapsed.
        let ratio = if total == 0 {
            0.0
        } else {
            done as f64 / total as f64
        };
        let mut label = format!("{done}/{total} resources");
        if let Some(first) = self.tracker.events.first() {
            let end = self
                .tracker
                .events
                .last()
                .filter(|_| !self.running())
                .map_or(now_ms, |e| e.timestamp_ms);
            label.push_str(&format!(
                " · elapsed {}",
                fmt_secs((end - first.timestamp_ms) as f64 / 1000.0)
            ));
        }
        if self.running()
            && let Some(eta) = self.tracker.eta_secs(&self.durations, now_ms)
        {
            label.push_str(&format!(" · ETA ~{}", fmt_secs(eta)));
        }
        f.render_widget(
            Gauge::default()
                .ratio(ratio.clamp(0.0, 1.0))
                .label(label)
                .gauge_style(theme.ok())
                .use_unicode(true),
            gauge_area,
        );

        if running_h > 0 {
            let rows: Vec<Line> = if in_progress == 0 {
                vec![Line::styled("waiting for the first resource…", theme.dim())]
            } else {
                self.tracker
                    .in_progress()
                    .take(running_h as usize - 2)
                    .map(|r| {
                        let secs = r.started_ms.map_or(0.0, |s| (now_ms - s) as f64 / 1000.0);
                        let typical = self.durations.typical(&r.resource_type);
                        Line::from(vec![
                            Span::styled(format!("{:>7} ", fmt_secs(secs)), theme.key()),
                            Span::raw(format!("{} ", crate::ui::widgets::fit(&r.logical_id, 32))),
                            Span::styled(
                                format!("{} (typically {})", r.resource_type, fmt_secs(typical)),
                                theme.dim(),
                            ),
                        ])
                    })
                    .collect()
            };
            let more = in_progress.saturating_sub(running_h as usize - 2);
            let title = if more > 0 {
                format!(" In progress ({in_progress}, {more} more) ")
            } else {
                format!(" In progress ({in_progress}) ")
            };
            f.render_widget(
                Paragraph::new(rows)
                    .block(Block::bordered().title(Line::styled(title, theme.title()))),
                running_area,
            );
        }
        if recap_h > 0 {
            let title = match &self.outcome {
                Some(o) if o.ok => " Outputs ",
                _ => " What failed (root cause first) ",
            };
            f.render_widget(
                Paragraph::new(recap)
                    .wrap(Wrap { trim: false })
                    .block(Block::bordered().title(Line::styled(title, theme.title()))),
                recap_area,
            );
        }
        if self.show_timeline {
            self.render_timeline(f, log_area, theme, now_ms);
        } else {
            self.render_log(f, log_area, theme);
        }
        if filter_h > 0 {
            let mut spans = vec![
                Span::styled("/", theme.key()),
                Span::raw(self.filter.clone()),
            ];
            if self.filter_editing {
                spans.push(Span::styled("█", theme.key()));
                spans.push(Span::styled(
                    "  Enter keep · Esc clear · matches id, type, status, reason",
                    theme.dim(),
                ));
            } else {
                spans.push(Span::styled(
                    format!("  {} matching events · Esc clears", self.filtered.len()),
                    theme.dim(),
                ));
            }
            f.render_widget(Paragraph::new(Line::from(spans)), filter_area);
        }
    }

    fn recap_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if let Some(e) = &self.error {
            lines.extend(ErrorView::new(e).lines(theme));
            return lines;
        }
        let Some(o) = &self.outcome else {
            return lines;
        };
        if o.ok {
            let w = o.outputs.keys().map(String::len).max().unwrap_or(0);
            for (k, v) in &o.outputs {
                lines.push(Line::from(vec![
                    Span::styled(format!("{k:<w$}  "), theme.key()),
                    Span::raw(v.clone()),
                ]));
            }
            if lines.is_empty() && self.operation != "delete" {
                lines.push(Line::styled("(the stack has no outputs)", theme.dim()));
            }
            if self.operation == "delete" {
                lines.push(Line::raw(
                    "The stack is deleted. r: deploy again with the same parameters.",
                ));
            }
            return lines;
        }
        for (i, e) in o.failures.iter().enumerate() {
            let tag = if i == 0 && o.root_cause.is_some() {
                "ROOT CAUSE "
            } else {
                ""
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{tag}{} ", e.logical_id),
                    if tag.is_empty() {
                        theme.text()
                    } else {
                        theme.error()
                    },
                ),
                Span::styled(format!("{} ", e.status), theme.warn()),
                Span::raw(e.reason.clone().unwrap_or_default()),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::raw(format!("The stack ended in {}.", o.status)));
        }
        if let Some(r) = crate::ops::deploy::Recovery::for_status(&o.status) {
            lines.push(Line::styled(
                r.explain(stack_name_of(&o.stack_id), &o.status),
                theme.dim(),
            ));
        }
        lines
    }

    fn render_log(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::bordered().title(Line::styled(
            format!(
                " Events ({}{}) ",
                self.log_len(),
                if self.scroll_back > 0 {
                    format!(", {} newer below · End follows", self.scroll_back)
                } else {
                    String::new()
                }
            ),
            theme.title(),
        ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let h = inner.height as usize;
        let n = self.log_len();
        let end = n.saturating_sub(self.scroll_back);
        let start = end.saturating_sub(h);
        // Only the visible window is turned into lines.
        let lines: Vec<Line> = (start..end)
            .map(|i| {
                let idx = if self.filter.is_empty() {
                    i
                } else {
                    self.filtered[i]
                };
                crate::ui::widgets::fit_line(
                    event_line(&self.tracker.events[idx], theme),
                    inner.width as usize,
                )
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn render_timeline(&self, f: &mut Frame, area: Rect, theme: &Theme, now_ms: i64) {
        // Only the rows that fit are built, on the whole operation's time axis.
        let rows = self
            .tracker
            .timeline_head(area.height.saturating_sub(2) as usize);
        let name_w = rows
            .iter()
            .map(|r| r.logical_id.len())
            .max()
            .unwrap_or(0)
            .min(32);
        let width = (area.width as usize).saturating_sub(name_w + 14).max(10);
        let bars = self
            .tracker
            .timeline_span(now_ms)
            .map_or_else(Vec::new, |span| {
                render_timeline_within(&rows, width, span, now_ms)
            });
        let lines: Vec<Line> = bars
            .into_iter()
            .zip(&rows)
            .map(|(text, r)| {
                let style = if r.failed {
                    theme.error()
                } else if r.end_ms.is_none() {
                    theme.warn()
                } else {
                    theme.text()
                };
                Line::styled(text, style)
            })
            .collect();
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(Line::styled(
                format!(
                    " Timeline ({} resources) · t: back to events ",
                    self.tracker.timeline_len()
                ),
                theme.title(),
            ))),
            area,
        );
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
        || has(&e.status)
        || e.reason.as_deref().is_some_and(has)
}

fn event_line(e: &StackEvent, theme: &Theme) -> Line<'static> {
    let status_style = if e.is_failure() {
        theme.error()
    } else if e.status.ends_with("_COMPLETE") {
        theme.ok()
    } else {
        theme.warn()
    };
    let mut spans = vec![
        Span::styled(
            format!("{} ", crate::core::clock::hms(e.timestamp_ms)),
            theme.dim(),
        ),
        Span::styled(
            format!("{} ", crate::ui::widgets::fit(&e.status, 20)),
            status_style,
        ),
        Span::raw(format!("{} ", crate::ui::widgets::fit(&e.logical_id, 28))),
        Span::styled(e.resource_type.clone(), theme.dim()),
    ];
    if let Some(r) = &e.reason {
        spans.push(Span::raw(format!("  {r}")));
    }
    Line::from(spans)
}

/// 42s, 3m05s, 1h02m.
pub fn fmt_secs(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}h{:02}m", s / 3600, s / 60 % 60)
    }
}
