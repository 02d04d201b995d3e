//! Widgets shared by every screen: header, footer of key hints, help overlay, spinner.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};

use super::theme::Theme;

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
    let right = vec![
        Span::styled("account ", theme.dim()),
        Span::raw(info.account.clone().unwrap_or_else(|| "?".into())),
        Span::styled("  region ", theme.dim()),
        Span::raw(info.region.clone().unwrap_or_else(|| "?".into())),
        Span::styled("  profile ", theme.dim()),
        Span::raw(info.profile.clone()),
        Span::raw(" "),
    ];
    let left_line = Line::from(left);
    let right_line = Line::from(right);
    let block = Block::new().style(theme.header());
    f.render_widget(block, area);
    // Both halves on one row when they fit, else two rows.
    if area.height >= 2 && left_line.width() + right_line.width() + 1 > area.width as usize {
        let [a, b] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
        f.render_widget(Paragraph::new(left_line), a);
        f.render_widget(Paragraph::new(right_line).right_aligned(), b);
    } else {
        f.render_widget(Paragraph::new(left_line), area);
        f.render_widget(Paragraph::new(right_line).right_aligned(), area);
    }
}

/// How many rows the header needs at this width.
pub fn header_height(info: &HeaderInfo, width: u16) -> u16 {
    let approx = 14
        + info.step_title.len()
        + if info.read_only { 12 } else { 0 }
        + if info.sandbox { 10 } else { 0 }
        + 30
        + info.account.as_ref().map_or(1, String::len)
        + info.region.as_ref().map_or(1, String::len)
        + info.profile.len();
    if approx > width as usize { 2 } else { 1 }
}

pub fn render_footer(f: &mut Frame, area: Rect, keys: &[KeyHint], theme: &Theme) {
    let mut spans = Vec::new();
    for k in keys.iter().filter(|k| k.footer) {
        spans.push(Span::styled(format!(" {} ", k.key), theme.key()));
        spans.push(Span::styled(format!("{} ", k.action), theme.dim()));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).wrap(Wrap { trim: true }),
        area,
    );
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
