//! The live topology of the deployed environment: a diagram of boxes and lines when the
//! terminal is at least about 100x30, an indented tree below that. Tab / arrows move the
//! selection across nodes, Enter opens a node's details, `p` highlights the egress path, then
//! the S3 path, `r` refreshes.

use std::time::Instant;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::{Go, Outcome, View};

use crate::core::topology::{Node, Path, Status, Topology};
use crate::ops;
use crate::ui::action::Effect;
use crate::ui::keymap::{Command, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;
use crate::ui::widgets::KeyHint;

mod draw;
use draw::{Ctx, item_style, render_details};
pub use draw::{marker, status_style};

/// The diagram needs this much room (the whole terminal); below it the tree is drawn.
pub const MIN_DIAGRAM: (u16, u16) = (100, 30);

pub const KEYS: &[KeyHint] = &[
    KeyHint::new("Tab/↑↓", "select"),
    KeyHint::new("Enter", "details"),
    KeyHint::new("p", "path"),
    KeyHint::new("r", "refresh"),
    KeyHint::new("Esc", "back"),
    KeyHint::new("?", "help"),
    KeyHint::help_only("Shift-Tab ← →", "previous / next node"),
    KeyHint::help_only("j / k", "next / previous node"),
    KeyHint::help_only("Home / End", "first / last node"),
    KeyHint::help_only("p", "highlight: off → egress path → S3 path"),
    KeyHint::help_only("q", "quit"),
];

/// Which path is highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathMode {
    #[default]
    Off,
    Egress,
    S3,
}

impl PathMode {
    pub fn next(self) -> PathMode {
        match self {
            PathMode::Off => PathMode::Egress,
            PathMode::Egress => PathMode::S3,
            PathMode::S3 => PathMode::Off,
        }
    }
    pub fn path(self) -> Option<Path> {
        match self {
            PathMode::Off => None,
            PathMode::Egress => Some(Path::Egress),
            PathMode::S3 => Some(Path::S3),
        }
    }
    fn word(self) -> &'static str {
        match self {
            PathMode::Off => "off",
            PathMode::Egress => "egress (Studio → NAT → firewall → IGW → internet)",
            PathMode::S3 => "S3 (Studio → gateway endpoint → buckets)",
        }
    }
}

#[derive(Debug, Default)]
pub struct TopologyState {
    pub project: String,
    pub topology: Option<Topology>,
    pub loading: bool,
    pub error: Option<ops::Error>,
    /// Id of the selected node (stable across refreshes).
    pub selected: Option<String>,
    pub details_open: bool,
    pub path: PathMode,
    /// Completed refreshes.
    pub refreshes: u64,
    /// When the refresh policy wants the next refresh (None: only on demand).
    pub next_refresh_at: Option<Instant>,
}

impl TopologyState {
    pub fn new(project: impl Into<String>) -> TopologyState {
        TopologyState {
            project: project.into(),
            ..TopologyState::default()
        }
    }

    /// Start a refresh unless one is running.
    pub fn refresh_effect(&mut self) -> Option<Effect> {
        if self.loading {
            return None;
        }
        self.loading = true;
        self.next_refresh_at = None;
        Some(Effect::RefreshTopology {
            project: self.project.clone(),
        })
    }

    pub fn on_result(&mut self, result: Result<Topology, ops::Error>) {
        self.loading = false;
        match result {
            Ok(t) => {
                self.refreshes += 1;
                self.error = None;
                if self.selected.as_ref().is_none_or(|id| t.node(id).is_none()) {
                    self.selected = t.tree().first().map(|(_, n)| n.id.clone());
                }
                self.topology = Some(t);
            }
            Err(e) => self.error = Some(e),
        }
        self.next_refresh_at =
            crate::ops::topology::next_refresh(self.topology.as_ref()).map(|d| Instant::now() + d);
    }

    /// Node ids in navigation order (the containment tree's order, in both layouts).
    fn order(&self) -> Vec<String> {
        self.topology
            .as_ref()
            .map(|t| t.tree().into_iter().map(|(_, n)| n.id.clone()).collect())
            .unwrap_or_default()
    }

    fn move_by(&mut self, delta: isize) {
        let order = self.order();
        if order.is_empty() {
            return;
        }
        let cur = self
            .selected
            .as_ref()
            .and_then(|s| order.iter().position(|x| x == s))
            .unwrap_or(0) as isize;
        let n = order.len() as isize;
        let next = (cur + delta).rem_euclid(n) as usize;
        self.selected = Some(order[next].clone());
    }

    fn select_edge(&mut self, last: bool) {
        let order = self.order();
        let pick = if last { order.last() } else { order.first() };
        self.selected = pick.cloned();
    }

    /// Handle a key; None when it is not ours.
    fn on_key(&mut self, key: Key) -> Option<Vec<Effect>> {
        match key.code {
            KeyCode::Tab | KeyCode::Down | KeyCode::Right | KeyCode::Char('j') => self.move_by(1),
            KeyCode::BackTab | KeyCode::Up | KeyCode::Left | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Home => self.select_edge(false),
            KeyCode::End => self.select_edge(true),
            KeyCode::Enter => self.details_open = !self.details_open && self.selected.is_some(),
            KeyCode::Char('p') => self.path = self.path.next(),
            KeyCode::Char('r') => return Some(self.refresh_effect().into_iter().collect()),
            _ => return None,
        }
        Some(Vec::new())
    }

    fn selected_node(&self) -> Option<&Node> {
        let t = self.topology.as_ref()?;
        t.node(self.selected.as_deref()?)
    }

    /// Draw into `area`; `wide` chooses the diagram (the caller knows the terminal size).
    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, wide: bool) {
        let Some(t) = &self.topology else {
            let mut lines = vec![];
            match &self.error {
                Some(e) => {
                    lines.extend(ErrorView::new(e).with_headline().lines(theme));
                    lines.push(Line::styled("r to try again, Esc to go back.", theme.dim()));
                }
                None => lines.push(Line::raw(format!(
                    "Reading the topology of {}…",
                    self.project
                ))),
            }
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(Block::bordered().title(Line::styled(" Topology ", theme.title()))),
                area,
            );
            return;
        };
        let highlighted = self
            .path
            .path()
            .map(|p| t.path_nodes(p))
            .unwrap_or_default();
        let ctx = Ctx {
            t,
            theme,
            selected: self.selected.as_deref(),
            on_path: &highlighted,
        };
        if wide {
            self.render_diagram(f, area, &ctx);
        } else {
            self.render_tree(f, area, &ctx);
        }
        if self.details_open
            && let Some(n) = self.selected_node()
        {
            render_details(f, area, t, n, theme);
        }
    }

    fn status_line(&self, t: &Topology, theme: &Theme) -> Line<'static> {
        let mut spans = vec![
            Span::styled(
                format!(
                    " {} {} ",
                    t.project,
                    t.stack_status.as_deref().unwrap_or("no stack")
                ),
                theme.title(),
            ),
            Span::styled("│ path ", theme.dim()),
            Span::raw(self.path.word().to_string()),
            Span::styled(" │ ", theme.dim()),
        ];
        for s in [
            Status::Ready,
            Status::Creating,
            Status::Failed,
            Status::Missing,
            Status::Deleting,
        ] {
            spans.push(Span::styled(marker(s, theme), status_style(s, theme)));
            spans.push(Span::styled(format!("{} ", s.word()), theme.dim()));
        }
        if self.loading {
            spans.push(Span::styled("│ refreshing…", theme.warn()));
        } else if let Some(e) = &self.error {
            spans.push(Span::styled(
                format!("│ refresh failed: {}", e.message()),
                theme.error(),
            ));
        }
        Line::from(spans)
    }

    fn render_tree(&self, f: &mut Frame, area: Rect, c: &Ctx) {
        let [list_area, status] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        let tree = c.t.tree();
        let sel = tree
            .iter()
            .position(|(_, n)| Some(n.id.as_str()) == c.selected);
        let items: Vec<ListItem> = tree
            .iter()
            .map(|(depth, n)| {
                let on = c.on_path.contains(&n.id);
                let mut spans = vec![
                    Span::raw(if on { "»" } else { " " }),
                    Span::raw("  ".repeat(*depth)),
                    Span::styled(marker(n.status, c.theme), status_style(n.status, c.theme)),
                    Span::styled(format!("{}: ", n.kind.name()), c.theme.dim()),
                    Span::styled(
                        crate::core::shown::shown(&n.label).into_owned(),
                        item_style(on, c.theme),
                    ),
                ];
                if n.status != Status::Ready {
                    spans.push(Span::styled(
                        format!(" [{}]", n.status.word()),
                        status_style(n.status, c.theme),
                    ));
                }
                ListItem::new(Line::from(spans))
            })
            .collect();
        // A tree taller than the panel says how much is above and below (the list scrolls
        // with the selection).
        let visible = list_area.height.saturating_sub(2) as usize;
        let offset = sel.unwrap_or(0).saturating_sub(visible.saturating_sub(1));
        let below = tree.len().saturating_sub(offset + visible);
        let mut block = Block::bordered().title(Line::styled(
            format!(" Topology · {} ", c.t.project),
            c.theme.title(),
        ));
        if tree.len() > visible {
            block = block.title_bottom(Line::styled(
                format!(" ↑ {offset} · ↓ {below} more · Tab/↑↓ scroll "),
                c.theme.dim(),
            ));
        }
        let list = List::new(items)
            .block(block)
            .highlight_style(c.theme.selected())
            .highlight_symbol("›");
        let mut state = ListState::default().with_selected(sel);
        f.render_stateful_widget(list, list_area, &mut state);
        f.render_widget(
            Paragraph::new(crate::ui::widgets::fit_line(
                self.status_line(c.t, c.theme),
                status.width as usize,
            )),
            status,
        );
    }
}

impl View for TopologyState {
    fn keys(&self) -> &'static [KeyHint] {
        KEYS
    }

    fn on_command(&mut self, command: Command) -> Outcome {
        let key = command.key();
        if key.code == KeyCode::Esc {
            // Esc closes the details panel, else goes back to where `g` was pressed.
            if self.details_open {
                self.details_open = false;
                return Outcome::Consumed;
            }
            return Outcome::GoTo(Go::Back);
        }
        self.on_key(key).map_or(Outcome::Ignored, Outcome::effects)
    }

    fn render(&self, f: &mut Frame, area: Rect, ctx: &super::Ctx) {
        TopologyState::render(self, f, area, ctx.theme, ctx.wide);
    }
}
