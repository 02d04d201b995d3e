//! Widgets shared by every screen: header, footer of key hints, help overlay, spinner.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};

use super::theme::Theme;

pub mod error;
pub mod leftovers;
pub use error::ErrorView;

/// A key and what it does, for the footer and the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHint {
    pub key: &'static str,
    pub action: &'static str,
    /// Shown in the footer (the help overlay shows every key).
    pub footer: bool,
}

impl KeyHint {
    pub const fn new(key: &'static str, action: &'static str) -> KeyHint {
        KeyHint {
            key,
            action,
            footer: true,
        }
    }
    pub const fn help_only(key: &'static str, action: &'static str) -> KeyHint {
        KeyHint {
            key,
            action,
            footer: false,
        }
    }
}

/// What the header shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderInfo {
    pub account: Option<String>,
    pub region: Option<String>,
    pub profile: String,
    pub read_only: bool,
    pub sandbox: bool,
    pub step_title: String,
}

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// `text` in exactly `width` columns: padded, or cut with an ellipsis so a table column never
/// pushes the next one out of line.
pub fn fit(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        format!("{text:<width$}")
    } else if width == 0 {
        String::new()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

/// `line` cut to `width` columns, with an ellipsis where it was cut (styles kept).
pub fn fit_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    let limit = width.saturating_sub(1);
    for span in line.spans {
        let w = span.width();
        if used + w <= limit {
            used += w;
            out.push(span);
            continue;
        }
        let room = limit - used;
        let cut: String = span.content.chars().take(room).collect();
        out.push(Span::styled(cut, span.style));
        break;
    }
    out.push(Span::raw("…"));
    Line::from(out)
}

/// Spinner frame for a tick count.
pub fn spinner(tick: usize) -> &'static str {
    SPINNER[tick % SPINNER.len()]
}

pub fn render_header(f: &mut Frame, area: Rect, info: &HeaderInfo, theme: &Theme) {
    let mut left = vec![
        Span::styled(" studio-tui ", theme.title()),
        Span::styled("│ ", theme.dim()),
        Span::styled(info.step_title.clone(), theme.text()),
    ];
    if info.read_only {
        left.push(Span::raw(" "));
        left.push(Span::styled(" READ-ONLY ", theme.badge_readonly()));
    }
    if info.sandbox {
        left.push(Span::raw(" "));
        left.push(Span::styled(" SANDBOX ", theme.badge_sandbox()));
    }
    let left_line = Line::from(left);
    let room = (area.width as usize).saturating_sub(left_line.width() + 1);
    let right_line = header_right(info, room, theme);
    let block = Block::new().style(theme.header());
    f.render_widget(block, area);
    // One row always: the identity part shortens (labels, then profile, then account) to fit.
    f.render_widget(Paragraph::new(left_line), area);
    f.render_widget(Paragraph::new(right_line).right_aligned(), area);
}

/// The identity part of the header, as long as fits in `room` columns: with labels, without,
/// without the profile, then the region alone.
fn header_right<'a>(info: &'a HeaderInfo, room: usize, theme: &Theme) -> Line<'a> {
    let account = info.account.clone().unwrap_or_else(|| "?".into());
    let region = info.region.clone().unwrap_or_else(|| "?".into());
    let candidates: [Vec<Span<'a>>; 4] = [
        vec![
            Span::styled("account ", theme.dim()),
            Span::raw(account.clone()),
            Span::styled("  region ", theme.dim()),
            Span::raw(region.clone()),
            Span::styled("  profile ", theme.dim()),
            Span::raw(info.profile.clone()),
            Span::raw(" "),
        ],
        vec![
            Span::raw(account.clone()),
            Span::styled(" · ", theme.dim()),
            Span::raw(region.clone()),
            Span::styled(" · ", theme.dim()),
            Span::raw(info.profile.clone()),
            Span::raw(" "),
        ],
        vec![
            Span::raw(account),
            Span::styled(" · ", theme.dim()),
            Span::raw(region.clone()),
            Span::raw(" "),
        ],
        vec![Span::raw(region), Span::raw(" ")],
    ];
    for spans in candidates {
        let line = Line::from(spans);
        if line.width() <= room {
            return line;
        }
    }
    Line::default()
}

/// The key hints, packed hint by hint into the footer's rows. When they do not all fit, the
/// last row ends with `…` and the help and quit hints, so nothing is cut silently and the
/// overlay that lists every key is always one key away.
pub fn render_footer(f: &mut Frame, area: Rect, keys: &[KeyHint], theme: &Theme) {
    let hints: Vec<&KeyHint> = keys.iter().filter(|k| k.footer).collect();
    let rows = footer_rows(&hints, area.width as usize, area.height as usize);
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|row| {
            let mut spans = Vec::new();
            for (i, item) in row.into_iter().enumerate() {
                let lead = if i == 0 { "" } else { " " };
                match item {
                    FooterItem::Hint(k) => {
                        spans.push(Span::styled(format!("{lead}{} ", k.key), theme.key()));
                        spans.push(Span::styled(format!("{} ", k.action), theme.dim()));
                    }
                    FooterItem::More => spans.push(Span::styled(format!("{lead}… "), theme.dim())),
                }
            }
            Line::from(spans)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FooterItem<'a> {
    Hint(&'a KeyHint),
    /// Some hints did not fit (the help overlay lists them).
    More,
}

impl FooterItem<'_> {
    /// Columns taken after another item (two spaces before it), without a trailing space; the
    /// first item of a row takes two fewer.
    fn width(&self) -> usize {
        match self {
            FooterItem::Hint(k) => 2 + Line::raw(k.key).width() + 1 + Line::raw(k.action).width(),
            FooterItem::More => 3,
        }
    }
}

/// Hints packed greedily into at most `height` rows of `width` columns.
fn footer_rows<'a>(hints: &[&'a KeyHint], width: usize, height: usize) -> Vec<Vec<FooterItem<'a>>> {
    fn pack<'a>(items: &[FooterItem<'a>], width: usize) -> Vec<Vec<FooterItem<'a>>> {
        let mut rows: Vec<Vec<FooterItem<'a>>> = Vec::new();
        let mut used = 0;
        for item in items {
            match rows.last_mut() {
                Some(row) if used + item.width() <= width => {
                    row.push(*item);
                    used += item.width();
                }
                _ => {
                    rows.push(vec![*item]);
                    used = item.width() - 2;
                }
            }
        }
        rows
    }
    let all: Vec<FooterItem> = hints.iter().map(|k| FooterItem::Hint(k)).collect();
    let rows = pack(&all, width);
    if rows.len() <= height.max(1) {
        return rows;
    }
    // Too many: keep help and quit at the end, after a marker; the others in order while
    // they fit before them.
    let essential = |k: &KeyHint| matches!(k.action, "help" | "quit");
    let tail: Vec<FooterItem> = std::iter::once(FooterItem::More)
        .chain(
            hints
                .iter()
                .filter(|k| essential(k))
                .map(|k| FooterItem::Hint(k)),
        )
        .collect();
    let others: Vec<&KeyHint> = hints.iter().copied().filter(|k| !essential(k)).collect();
    for keep in (0..=others.len()).rev() {
        let items: Vec<FooterItem> = others[..keep]
            .iter()
            .map(|k| FooterItem::Hint(k))
            .chain(tail.iter().copied())
            .collect();
        let rows = pack(&items, width);
        if rows.len() <= height.max(1) || keep == 0 {
            return rows;
        }
    }
    Vec::new()
}

/// A `width` x `height` rectangle centred in `area`, cleared for an overlay.
pub fn clear_centered(f: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    f.render_widget(Clear, popup);
    popup
}

/// Centered overlay listing every key of the current screen.
pub fn render_help(f: &mut Frame, area: Rect, title: &str, keys: &[KeyHint], theme: &Theme) {
    let width = area.width.saturating_sub(4).min(64);
    let height = (keys.len() as u16 + 2).min(area.height.saturating_sub(2));
    let popup = clear_centered(f, area, width, height);
    let rows = keys
        .iter()
        .map(|k| Row::new(vec![Line::styled(k.key, theme.key()), Line::raw(k.action)]));
    let table = Table::new(rows, [Constraint::Length(14), Constraint::Fill(1)]).block(
        Block::bordered()
            .title(Line::styled(format!(" Keys: {title} "), theme.title()))
            .title_bottom(Line::styled(" ? or Esc to close ", theme.dim())),
    );
    f.render_widget(table, popup);
}

/// Centered yes/no question over the screen.
pub fn render_confirm(f: &mut Frame, area: Rect, question: &str, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(60);
    let text_w = width.saturating_sub(4).max(1) as usize;
    let height = (question.len() / text_w) as u16 + 4;
    let popup = clear_centered(f, area, width, height.min(area.height));
    f.render_widget(
        Paragraph::new(question.to_string())
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .title(Line::styled(" Quit? ", theme.warn()))
                    .title_bottom(Line::styled(" y quit · n stay ", theme.dim())),
            ),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::{FooterItem, KeyHint, fit, footer_rows};

    const KEYS: &[KeyHint] = &[
        KeyHint::new("Tab", "profiles/regions"),
        KeyHint::new("↑↓", "move"),
        KeyHint::new("Enter", "use selection"),
        KeyHint::new("r", "refresh identity"),
        KeyHint::new("?", "help"),
        KeyHint::new("q", "quit"),
    ];

    fn text(rows: &[Vec<FooterItem>]) -> Vec<String> {
        rows.iter()
            .map(|row| {
                row.iter()
                    .map(|i| match i {
                        FooterItem::Hint(k) => format!("{} {}", k.key, k.action),
                        FooterItem::More => "…".into(),
                    })
                    .collect::<Vec<_>>()
                    .join("  ")
            })
            .collect()
    }

    #[test]
    fn footer_keeps_help_and_quit_and_marks_what_it_drops() {
        let hints: Vec<&KeyHint> = KEYS.iter().collect();
        // Everything fits in 90 columns: one row, in order.
        assert_eq!(
            text(&footer_rows(&hints, 90, 1)),
            [
                "Tab profiles/regions  ↑↓ move  Enter use selection  r refresh identity  ? help  q quit"
            ]
        );
        // 80 columns: the last hint that does not fit goes, a marker says so, help and quit stay.
        assert_eq!(
            text(&footer_rows(&hints, 80, 1)),
            ["Tab profiles/regions  ↑↓ move  Enter use selection  …  ? help  q quit"]
        );
        // Two rows: packed hint by hint, nothing dropped.
        assert_eq!(
            text(&footer_rows(&hints, 50, 2)),
            [
                "Tab profiles/regions  ↑↓ move  Enter use selection",
                "r refresh identity  ? help  q quit"
            ]
        );
        for w in 20..100 {
            for row in text(&footer_rows(&hints, w, 1)) {
                assert!(row.chars().count() <= w.max(15), "{w}: {row}");
            }
        }
    }

    #[test]
    fn a_line_too_wide_is_cut_with_an_ellipsis() {
        use ratatui::text::{Line, Span};
        let line = Line::from(vec![Span::raw("12:00:00 "), Span::raw("CREATE_COMPLETE")]);
        let cut = super::fit_line(line.clone(), 12);
        assert_eq!(cut.width(), 12);
        assert_eq!(cut.to_string(), "12:00:00 CR…");
        assert_eq!(
            super::fit_line(line, 40).to_string(),
            "12:00:00 CREATE_COMPLETE"
        );
    }

    #[test]
    fn fit_pads_or_cuts_with_an_ellipsis() {
        assert_eq!(fit("VPC", 6), "VPC   ");
        assert_eq!(
            fit("SageMakerFeatureStoreRuntimeEndpoint", 12),
            "SageMakerFe…"
        );
        assert_eq!(
            fit("SageMakerFeatureStoreRuntimeEndpoint", 12)
                .chars()
                .count(),
            12
        );
        assert_eq!(fit("abc", 0), "");
    }
}
