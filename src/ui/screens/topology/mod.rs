//! The live topology of the deployed environment: a diagram of boxes and lines when the
//! terminal is at least about 100x30, an indented tree below that. Tab / arrows move the
//! selection across nodes, Enter opens a node's details, `p` highlights the egress path, then
//! the S3 path, `r` refreshes.

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::{Go, Outcome, Screen, Step};

use crate::core::topology::{Node, Path, Status, Topology};
use crate::ops;
use crate::ui::action::Effect;
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;

mod draw;
use draw::{Ctx, item_style, render_details};
pub use draw::{marker, status_style};

/// The diagram needs this much room (the whole terminal); below it the tree is drawn.
pub const MIN_DIAGRAM: (u16, u16) = (100, 30);

/// What the topology's keys ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    NextNode,
    PreviousNode,
    FirstNode,
    LastNode,
    Details,
    /// Highlight: off, the egress path, the S3 path.
    Path,
    Refresh,
    /// Close the details, else back where `g` was pressed.
    Back,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new(
        "Tab/↑↓",
        "select",
        &[
            (Key::TAB, Cmd::NextNode),
            (Key::UP, Cmd::PreviousNode),
            (Key::DOWN, Cmd::NextNode),
        ],
    ),
    Binding::new("Enter", "details", &[(Key::ENTER, Cmd::Details)]),
    Binding::new("p", "path", &[(Key::ch('p'), Cmd::Path)]),
    Binding::new("r", "refresh", &[(Key::ch('r'), Cmd::Refresh)]),
    Binding::new("Esc", "back", &[(Key::ESC, Cmd::Back)]),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::new(
        "Shift-Tab ← →",
        "previous / next node",
        &[
            (Key::BACKTAB, Cmd::PreviousNode),
            (Key::LEFT, Cmd::PreviousNode),
            (Key::RIGHT, Cmd::NextNode),
        ],
    )
    .help_only(),
    Binding::new(
        "j / k",
        "next / previous node",
        &[
            (Key::ch('j'), Cmd::NextNode),
            (Key::ch('k'), Cmd::PreviousNode),
        ],
    )
    .help_only(),
    Binding::new(
        "Home / End",
        "first / last node",
        &[(Key::HOME, Cmd::FirstNode), (Key::END, Cmd::LastNode)],
    )
    .help_only(),
    Binding::new(
        "p",
        "highlight: off → egress path → S3 path",
        &[(Key::ch('p'), Cmd::Path)],
    )
    .help_only(),
    Binding::shared("q", "quit", &[Key::ch('q')]).help_only(),
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

    /// Move the selection, open the details, highlight a path or refresh; the effects to start.
    fn on_key(&mut self, cmd: Cmd) -> Vec<Effect> {
        match cmd {
            Cmd::NextNode => self.move_by(1),
            Cmd::PreviousNode => self.move_by(-1),
            Cmd::FirstNode => self.select_edge(false),
            Cmd::LastNode => self.select_edge(true),
            Cmd::Details => self.details_open = !self.details_open && self.selected.is_some(),
            Cmd::Path => self.path = self.path.next(),
            Cmd::Refresh => return self.refresh_effect().into_iter().collect(),
            Cmd::Back => {}
        }
        Vec::new()
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

impl Screen for TopologyState {
    const STEP: Step = Step::Topology;
    const TITLE: &'static str = "Topology";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        KEYS
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut super::Ctx) -> Outcome {
        if cmd == Cmd::Back {
            // Esc closes the details panel, else goes back to where `g` was pressed.
            if self.details_open {
                self.details_open = false;
                return Outcome::Consumed;
            }
            return Outcome::GoTo(Go::Back);
        }
        Outcome::effects(self.on_key(cmd))
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &super::DrawCtx) {
        self.render(f, area, ctx.theme, ctx.wide);
    }
}
