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

/// The footer's key hints, as many as fit in `room` columns: `?` (the help overlay lists every
/// key) and `q` are always kept, the others in order while they fit, so nothing is cut in the
/// middle of a hint.
pub fn footer_hints(keys: &[KeyHint], room: usize) -> Vec<KeyHint> {
    let width = |k: &KeyHint| k.key.chars().count() + k.action.chars().count() + 3;
    let shown: Vec<&KeyHint> = keys.iter().filter(|k| k.footer).collect();
    let reserved: usize = shown
        .iter()
        .filter(|k| matches!(k.key, "?" | "q"))
        .map(|k| width(k))
        .sum();
    let mut used = reserved;
    let mut out = Vec::new();
    for k in shown {
        if matches!(k.key, "?" | "q") {
            out.push(*k);
        } else if used + width(k) <= room {
            used += width(k);
            out.push(*k);
        }
    }
    out
}

pub fn render_footer(f: &mut Frame, area: Rect, keys: &[KeyHint], theme: &Theme) {
    let room = area.width as usize * area.height.max(1) as usize;
    let mut spans = Vec::new();
    for k in footer_hints(keys, room) {
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

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn the_footer_keeps_help_and_quit_and_cuts_no_hint_in_half() {
        use super::{KeyHint, footer_hints};
        let keys = [
            KeyHint::new("u", "users"),
            KeyHint::new("g", "topology"),
            KeyHint::new("d", "update"),
            KeyHint::new("?", "help"),
            KeyHint::new("q", "quit"),
            KeyHint::help_only("b", "back"),
        ];
        let all: Vec<&str> = footer_hints(&keys, 80).iter().map(|k| k.key).collect();
        assert_eq!(all, ["u", "g", "d", "?", "q"]);
        // 8 (help) + 8 (quit) + 9 (users) fit in 26, topology does not, update does not
        let some: Vec<&str> = footer_hints(&keys, 26).iter().map(|k| k.key).collect();
        assert_eq!(some, ["u", "?", "q"]);
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
