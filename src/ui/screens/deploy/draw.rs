//! How the deploy draws: the progress bar and the resources in progress, the event log (only
//! its visible window becomes widgets), the recap, the outputs and the timeline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Wrap};

use super::{DeployState, StudioRecap, stack_name_of};
use crate::core::progress::{StackEvent, render_timeline_rows};
use crate::ui::theme::Theme;
use crate::ui::widgets::{ErrorView, spinner};

impl DeployState {
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
            (Some(o), _) => {
                status.push(Span::styled(
                    format!("  {} {}", if o.ok { "✔" } else { "✘" }, o.status),
                    if o.ok { theme.ok() } else { theme.error() },
                ));
                if let Some((text, ok)) = self.studio_status() {
                    status.push(Span::styled(
                        format!("  {text}"),
                        if ok { theme.ok() } else { theme.error() },
                    ));
                }
                if self.running() {
                    // The stack settled; the Studio half built alongside it has not.
                    status.push(Span::styled(format!("  {}", spinner(tick)), theme.title()));
                    status.push(Span::raw(format!(
                        " {}…",
                        self.studio_note
                            .as_deref()
                            .unwrap_or("Studio domain and users")
                    )));
                }
            }
            (None, Some(e)) => {
                // The recap below shows the whole error, its fix included.
                let summary = ErrorView::new(e).summary(theme);
                status.push(Span::styled(
                    format!("  {}", summary.content),
                    summary.style,
                ))
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
                .map_or(now_ms, |e| {
                    e.timestamp_ms
                        .max(self.studio_settled_ms.unwrap_or(i64::MIN))
                });
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
            let title = match (&self.outcome, &self.studio_end) {
                (Some(o), Some(StudioRecap::Failed { .. })) if o.ok => {
                    " Outputs · the Studio domain failed "
                }
                (Some(o), _) if o.ok => " Outputs ",
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
        let h = area.height.saturating_sub(2) as usize;
        self.timeline_h.set(h);
        let total = self.tracker.timeline_len();
        let top = self.timeline_top.min(total.saturating_sub(h));
        // Only the rows that fit are built, on the whole operation's time axis (scrolling
        // does not rescale the bars; nor the name column, fixed while rows are hidden).
        let rows = self.tracker.timeline_window(top, h);
        let name_w = if total > rows.len() {
            32
        } else {
            rows.iter()
                .map(|r| r.logical_id.len())
                .max()
                .unwrap_or(0)
                .min(32)
        };
        let width = (area.width as usize).saturating_sub(name_w + 14).max(10);
        let bars = self
            .tracker
            .timeline_span(now_ms)
            .map_or_else(Vec::new, |span| {
                render_timeline_rows(&rows, name_w, width, span, now_ms)
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
        let title = if total > rows.len() {
            format!(
                " Timeline ({total} resources, {}-{} shown · ↑↓ scroll) · t: back to events ",
                top + 1,
                top + rows.len()
            )
        } else {
            format!(" Timeline ({total} resources) · t: back to events ")
        };
        f.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(Line::styled(title, theme.title()))),
            area,
        );
    }
}

fn event_line(e: &StackEvent, theme: &Theme) -> Line<'static> {
    let status_style = if e.is_failure() {
        theme.error()
    } else if e.status.is_complete() {
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
            format!("{} ", crate::ui::widgets::fit(e.status.as_str(), 20)),
            status_style,
        ),
        Span::raw(format!(
            "{} ",
            crate::ui::widgets::fit(&crate::core::shown::shown_max(&e.logical_id, 28), 28)
        )),
        Span::styled(
            crate::core::shown::shown(&e.resource_type).into_owned(),
            theme.dim(),
        ),
    ];
    if let Some(r) = &e.reason {
        spans.push(Span::raw(format!("  {}", crate::core::shown::shown(r))));
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
