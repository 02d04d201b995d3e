//! The first step: pick an AWS profile and a region, and see who you are (STS identity).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::{Ctx, DrawCtx, Go, Loadable, Outcome, Screen, Step};
use crate::aws::{Identity, Session};
use crate::ops;
use crate::regions::REGIONS;
use crate::ui::action::Effect;
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;
use crate::ui::widgets::spinner;

/// Label of the entry that means "no --profile: the SDK's default chain".
pub const DEFAULT_CHAIN: &str = "(default chain)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Profiles,
    Regions,
}

/// What the session step remembers.
#[derive(Debug)]
pub struct SessionState {
    /// Profile names; index 0 is the default chain.
    pub profiles: Vec<String>,
    pub profile_idx: usize,
    /// The regions of the picker: studio-tui's list, plus the region in use when the list does
    /// not know it (it is used with a warning, never replaced by a listed one).
    pub regions: Vec<String>,
    pub region_idx: usize,
    pub focus: Focus,
    pub identity: Loadable<Identity, ops::Error>,
    pub session: Option<Session>,
    /// The region currently in use, even when it is not in the list (an emulator region).
    pub active_region: Option<String>,
}

/// What the session step's keys ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Between the profiles and the regions.
    Focus,
    Up,
    Down,
    First,
    Last,
    /// Connect with the selection.
    Use,
    /// Ask STS again.
    Refresh,
    /// On to preflight, once the identity is known.
    Next,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new("Tab", "profiles/regions", &[(Key::TAB, Cmd::Focus)]),
    Binding::new("↑↓", "move", &[(Key::UP, Cmd::Up), (Key::DOWN, Cmd::Down)]),
    Binding::new("Enter", "use selection", &[(Key::ENTER, Cmd::Use)]),
    Binding::new("r", "refresh identity", &[(Key::ch('r'), Cmd::Refresh)]),
    Binding::new(
        "n",
        "next: preflight (once the identity is known)",
        &[(Key::ch('n'), Cmd::Next)],
    )
    .help_only(),
    Binding::shared("g", "topology of the project", &[Key::ch('g')]).help_only(),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::shared("q", "quit", &[Key::ch('q')]),
    Binding::new(
        "Shift-Tab ← →",
        "profiles/regions",
        &[
            (Key::BACKTAB, Cmd::Focus),
            (Key::LEFT, Cmd::Focus),
            (Key::RIGHT, Cmd::Focus),
        ],
    )
    .help_only(),
    Binding::new(
        "j / k",
        "move down / up",
        &[(Key::ch('j'), Cmd::Down), (Key::ch('k'), Cmd::Up)],
    )
    .help_only(),
    Binding::new(
        "Home / End",
        "first / last entry",
        &[(Key::HOME, Cmd::First), (Key::END, Cmd::Last)],
    )
    .help_only(),
    Binding::shared("Esc", "close help, or quit", &[Key::ESC]).help_only(),
    Binding::shared("Ctrl-C", "quit", &[Key::ctrl('c')]).help_only(),
];

impl SessionState {
    pub fn new(mut profiles: Vec<String>, profile: Option<&str>, region: Option<&str>) -> Self {
        profiles.retain(|p| p != DEFAULT_CHAIN);
        profiles.insert(0, DEFAULT_CHAIN.to_string());
        if let Some(p) = profile
            && !profiles.iter().any(|x| x == p)
        {
            profiles.push(p.to_string());
        }
        let profile_idx = profile
            .and_then(|p| profiles.iter().position(|x| x == p))
            .unwrap_or(0);
        let mut regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
        if let Some(r) = region {
            add_region(&mut regions, r);
        }
        let region_idx = region
            .and_then(|r| regions.iter().position(|x| x == r))
            .or_else(|| regions.iter().position(|x| x == "us-east-1"))
            .unwrap_or(0);
        SessionState {
            profiles,
            profile_idx,
            regions,
            region_idx,
            focus: Focus::Profiles,
            identity: Loadable::Idle,
            session: None,
            active_region: region.map(str::to_string),
        }
    }

    fn selected_profile(&self) -> Option<String> {
        (self.profile_idx > 0).then(|| self.profiles[self.profile_idx].clone())
    }

    /// The effect that (re)connects with the current selection.
    pub fn connect_effect(&mut self, use_region_list: bool) -> Effect {
        self.identity = Loadable::Loading;
        Effect::Connect {
            profile: self.selected_profile(),
            region: use_region_list.then(|| self.regions[self.region_idx].clone()),
        }
    }

    pub fn on_connected(&mut self, result: Result<(Session, Identity), ops::Error>) {
        match result {
            Ok((session, identity)) => {
                add_region(&mut self.regions, &session.region);
                if let Some(i) = self.regions.iter().position(|r| *r == session.region) {
                    self.region_idx = i;
                }
                self.active_region = Some(session.region.clone());
                self.session = Some(session);
                self.identity = Loadable::Loaded(identity);
            }
            Err(e) => {
                self.session = None;
                self.identity = Loadable::Failed(e);
            }
        }
    }

    /// Move the selection, or connect; returns the effects to start.
    fn act(&mut self, cmd: Cmd) -> Vec<Effect> {
        let len = match self.focus {
            Focus::Profiles => self.profiles.len(),
            Focus::Regions => self.regions.len(),
        };
        let idx = match self.focus {
            Focus::Profiles => &mut self.profile_idx,
            Focus::Regions => &mut self.region_idx,
        };
        match cmd {
            Cmd::Focus => {
                self.focus = match self.focus {
                    Focus::Profiles => Focus::Regions,
                    Focus::Regions => Focus::Profiles,
                };
            }
            Cmd::Down => *idx = (*idx + 1).min(len.saturating_sub(1)),
            Cmd::Up => *idx = idx.saturating_sub(1),
            Cmd::First => *idx = 0,
            Cmd::Last => *idx = len.saturating_sub(1),
            Cmd::Use => {
                let use_region = self.focus == Focus::Regions || self.active_region.is_some();
                return vec![self.connect_effect(use_region)];
            }
            Cmd::Refresh => {
                let use_region = self.active_region.is_some();
                return vec![self.connect_effect(use_region)];
            }
            Cmd::Next => {}
        }
        Vec::new()
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let narrow = area.width < 80;
        let (lists, details) = if narrow {
            let [a, b] =
                Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(area);
            (a, b)
        } else {
            let [a, b] =
                Layout::horizontal([Constraint::Length(34), Constraint::Fill(1)]).areas(area);
            (a, b)
        };
        let [profiles_area, regions_area] = if narrow {
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(lists)
        } else {
            Layout::vertical([Constraint::Percentage(40), Constraint::Fill(1)]).areas(lists)
        };
        self.render_list(
            f,
            profiles_area,
            " Profile ",
            self.profiles.iter().map(String::as_str),
            self.profile_idx,
            self.focus == Focus::Profiles,
            theme,
        );
        self.render_list(
            f,
            regions_area,
            " Region ",
            self.regions.iter().map(String::as_str),
            self.region_idx,
            self.focus == Focus::Regions,
            theme,
        );
        self.render_identity(f, details, theme, tick);
    }

    #[allow(clippy::too_many_arguments)]
    fn render_list<'a>(
        &self,
        f: &mut Frame,
        area: Rect,
        title: &'static str,
        items: impl Iterator<Item = &'a str>,
        selected: usize,
        focused: bool,
        theme: &Theme,
    ) {
        let items: Vec<ListItem> = items.map(|s| ListItem::new(s.to_string())).collect();
        let mut block = Block::bordered().title(Line::styled(
            title,
            if focused { theme.title() } else { theme.dim() },
        ));
        // A list taller than its box scrolls to keep the selection in view (the selected row
        // last, as the List widget does from a fresh state): say what is out of view.
        let visible = area.height.saturating_sub(2) as usize;
        if visible > 0 && items.len() > visible {
            let above = selected.min(items.len() - 1).saturating_sub(visible - 1);
            let below = items.len() - above - visible;
            let mut parts = Vec::new();
            if above > 0 {
                parts.push(format!("↑ {above} more"));
            }
            if below > 0 {
                parts.push(format!("↓ {below} more"));
            }
            block = block.title_bottom(Line::styled(
                format!(" {} ", parts.join(" · ")),
                theme.dim(),
            ));
        }
        let list = List::new(items)
            .block(block)
            .highlight_style(if focused {
                theme.selected()
            } else {
                theme.text().add_modifier(ratatui::style::Modifier::BOLD)
            })
            .highlight_symbol("› ");
        let mut state = ListState::default().with_selected(Some(selected));
        f.render_stateful_widget(list, area, &mut state);
    }

    fn render_identity(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let block = Block::bordered().title(Line::styled(" Who you are ", theme.title()));
        let label = |s: &'static str| Span::styled(format!("{s:<10}"), theme.dim());
        let mut lines: Vec<Line> = Vec::new();
        match &self.identity {
            Loadable::Idle => lines.push(Line::raw("Pick a profile and press Enter.")),
            Loadable::Loading => lines.push(Line::from(vec![
                Span::styled(spinner(tick), theme.title()),
                Span::raw(" Asking AWS STS who you are…"),
            ])),
            Loadable::Loaded(id) => {
                let session = self.session.as_ref();
                lines.push(Line::from(vec![
                    Span::styled("✔ ", theme.ok()),
                    Span::styled("Credentials work.", theme.ok()),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    label("Account"),
                    Span::raw(id.account.clone()),
                ]));
                lines.push(Line::from(vec![
                    label("Identity"),
                    Span::raw(id.arn.clone()),
                ]));
                lines.push(Line::from(vec![
                    label("Region"),
                    Span::raw(session.map(|s| s.region.clone()).unwrap_or_default()),
                ]));
                lines.push(Line::from(vec![
                    label("Profile"),
                    Span::raw(session.map(|s| s.profile_label()).unwrap_or_default()),
                ]));
                if let Some(url) = session.and_then(|s| s.endpoint_url.clone()) {
                    lines.push(Line::from(vec![
                        label("Endpoint"),
                        Span::raw(crate::core::shown::shown(&url).into_owned()),
                    ]));
                }
                let warnings = session
                    .map(|s| s.region_warning.iter().chain(&s.endpoint_warning))
                    .into_iter()
                    .flatten();
                for w in warnings.cloned() {
                    lines.push(Line::raw(""));
                    lines.push(Line::from(vec![
                        Span::styled("⚠ ", theme.warn()),
                        Span::styled(w, theme.warn()),
                    ]));
                }
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    Span::styled("Next: ", theme.key()),
                    Span::raw("press n for preflight checks."),
                ]));
                if session.is_some_and(|s| s.read_only) {
                    lines.push(Line::raw(""));
                    lines.push(Line::styled(
                        "Read-only: every screen can be viewed; creating, changing and deleting \
                         are disabled.",
                        theme.warn(),
                    ));
                }
            }
            Loadable::Failed(e) => {
                lines.extend(ErrorView::new(e).with_headline().spaced().lines(theme));
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    "Pick another profile or region and press Enter, or r to retry.",
                    theme.dim(),
                ));
            }
        }
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
    }
}

impl Screen for SessionState {
    const STEP: Step = Step::Session;
    const TITLE: &'static str = "1 · Account and region";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        KEYS
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut Ctx) -> Outcome {
        match cmd {
            Cmd::Next if matches!(self.identity, Loadable::Loaded(_)) => Outcome::GoTo(Go::Next),
            Cmd::Next => Outcome::Ignored,
            cmd => Outcome::effects(self.act(cmd)),
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme, ctx.tick);
    }
}

/// Put a region the built-in list does not know into the picker, in sorted place.
fn add_region(regions: &mut Vec<String>, region: &str) {
    if !region.is_empty() && !regions.iter().any(|r| r == region) {
        let at = regions.partition_point(|r| r.as_str() < region);
        regions.insert(at, region.to_string());
    }
}
