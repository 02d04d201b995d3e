//! The timeline (Gantt chart) of an operation as text: one row per resource (and per step of
//! the Studio half), on the operation's time axis. Rows come from
//! [`crate::core::progress::Tracker::timeline`]; `events --chart` and the deploy screen draw them.

use serde::Serialize;

/// A row of the timeline (Gantt chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineRow {
    pub logical_id: String,
    pub resource_type: String,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub failed: bool,
}

/// Render the timeline as text bars, `width` columns for the bars (for `events --chart`).
pub fn render_timeline(rows: &[TimelineRow], width: usize, now_ms: i64) -> Vec<String> {
    let Some(start) = rows.iter().map(|r| r.start_ms).min() else {
        return Vec::new();
    };
    let end = rows
        .iter()
        .map(|r| r.end_ms.unwrap_or(now_ms))
        .max()
        .unwrap_or(start)
        .max(start + 1);
    render_timeline_within(rows, width, (start, end), now_ms)
}

/// Render some rows of a timeline whose whole span is `(start, end)` (from
/// [`Tracker::timeline_span`]): a screen draws the rows it has room for on the whole
/// operation's time axis.
pub fn render_timeline_within(
    rows: &[TimelineRow],
    width: usize,
    (start, end): (i64, i64),
    now_ms: i64,
) -> Vec<String> {
    let name_w = rows
        .iter()
        .map(|r| r.logical_id.len())
        .max()
        .unwrap_or(0)
        .min(32);
    render_timeline_rows(rows, name_w, width, (start, end), now_ms)
}

/// [`render_timeline_within`] with the name column `name_w` wide (a scrolled window keeps the
/// same column whatever names it shows).
pub fn render_timeline_rows(
    rows: &[TimelineRow],
    name_w: usize,
    width: usize,
    (start, end): (i64, i64),
    now_ms: i64,
) -> Vec<String> {
    let span = (end - start).max(1) as f64;
    rows.iter()
        .map(|r| {
            let from = (((r.start_ms - start) as f64 / span) * width as f64).floor() as usize;
            let to_ms = r.end_ms.unwrap_or(now_ms);
            let to = ((((to_ms - start) as f64) / span) * width as f64).ceil() as usize;
            let to = to.clamp(from + 1, width.max(from + 1));
            let fill = if r.failed {
                '✗'
            } else if r.end_ms.is_none() {
                '░'
            } else {
                '█'
            };
            let bar: String = (0..width)
                .map(|i| if i >= from && i < to { fill } else { ' ' })
                .collect();
            let secs = (to_ms - r.start_ms) as f64 / 1000.0;
            let name: String = r.logical_id.chars().take(name_w).collect();
            format!("{name:<name_w$} │{bar}│ {secs:>6.0}s")
        })
        .collect()
}
