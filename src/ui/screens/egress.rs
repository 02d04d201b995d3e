//! Blocked egress: the domains the firewall blocked in the last 24 hours (from its own alert
//! log), most frequent first; the selected ones are added to the allow list with one key, through
//! the same change-set review as any deploy. `c` checks a typed host the way `firewall check`
//! does (the same ops call): would it get through, and why.

use crate::core::shown::{shown, shown_max};
use std::collections::BTreeSet;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use super::{Ctx, DrawCtx, Go, Loadable, Outcome, Screen, Step};

use crate::aws::stacks::StackInfo;
use crate::core::clock::utc_time;
use crate::core::firewall::check::Answer;
use crate::core::firewall::{Flow, Verdict};
use crate::ops;
use crate::ops::egress::BlockedReport;
use crate::ui::action::{Effect, Reply};
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;
use crate::ui::widgets::{fit, spinner};

/// What the blocked egress screen's keys ask for (while a host is typed, a character is its
/// text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Up,
    Down,
    /// Select the domain under the cursor, or not.
    Toggle,
    Allow,
    /// Open the host input of `c`.
    Check,
    Refresh,
    Back,
    /// Enter: check the host typed.
    Submit,
    /// Esc: close the host input.
    Cancel,
    Erase,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new("space", "select", &[(Key::ch(' '), Cmd::Toggle)]),
    Binding::new("a", "allow selected…", &[(Key::ch('a'), Cmd::Allow)]),
    Binding::new("c", "check a host…", &[(Key::ch('c'), Cmd::Check)]),
    Binding::new("r", "refresh", &[(Key::ch('r'), Cmd::Refresh)]),
    Binding::new("b", "back", &[(Key::ch('b'), Cmd::Back)]),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::new(
        "↑↓ / j k",
        "move",
        &[
            (Key::UP, Cmd::Up),
            (Key::DOWN, Cmd::Down),
            (Key::ch('j'), Cmd::Down),
            (Key::ch('k'), Cmd::Up),
        ],
    )
    .help_only(),
    Binding::new("Esc", "back", &[(Key::ESC, Cmd::Back)]).help_only(),
    Binding::shared("q", "quit", &[Key::ch('q')]).help_only(),
];

/// The keys while a host is typed for `c` (every character is text; these end it).
pub const CHECK_KEYS: &[Binding<Cmd>] = &[
    Binding::new("Enter", "check", &[(Key::ENTER, Cmd::Submit)]),
    Binding::new("Esc", "cancel", &[(Key::ESC, Cmd::Cancel)]),
    Binding::new("Backspace", "delete", &[(Key::BACKSPACE, Cmd::Erase)]).help_only(),
];

/// The `c` check of a typed host, `HOST[:PORT]` (TLS unless the text says `udp`, …).
#[derive(Debug)]
pub enum CheckState {
    Idle,
    /// Typing `HOST[:PORT] [PROTOCOL]`; `error` says why Enter did not check it.
    Typing {
        input: String,
        error: Option<String>,
    },
    /// The validated flow being checked.
    Loading(Flow),
    Done(Box<Answer>),
    Failed(ops::Error),
}

/// How far back the screen looks.
pub const WINDOW_MS: i64 = 24 * 3_600_000;

#[derive(Debug)]
pub struct EgressState {
    pub project: String,
    pub read_only: bool,
    /// The deployed stack: `a` plans its parameters with the allow list edited.
    pub stack: StackInfo,
    pub report: Loadable<BlockedReport, ops::Error>,
    pub cursor: usize,
    pub selected: BTreeSet<String>,
    /// Why `a` did nothing (read-only, nothing to allow), shown under the list.
    pub notice: Option<String>,
    pub check: CheckState,
}

impl EgressState {
    /// The blocked egress of a project, whose deployed `stack` an allowed domain is planned on.
    pub fn new(project: &str, read_only: bool, stack: StackInfo) -> EgressState {
        EgressState {
            project: project.to_string(),
            read_only,
            stack,
            report: Loadable::Loading,
            cursor: 0,
            selected: BTreeSet::new(),
            notice: None,
            check: CheckState::Idle,
        }
    }

    pub fn load(&self) -> Effect {
        Effect::LoadBlocked {
            project: self.project.clone(),
            since_ms: WINDOW_MS,
        }
    }

    pub fn is_busy(&self) -> bool {
        self.report.is_loading() || matches!(self.check, CheckState::Loading(_))
    }

    pub fn on_loaded(&mut self, result: Result<BlockedReport, ops::Error>) {
        self.report = match result {
            Ok(r) => Loadable::Loaded(r),
            Err(e) => Loadable::Failed(e),
        };
        self.cursor = 0;
    }

    /// The answer to a `c` check.
    pub fn on_checked(&mut self, result: Result<Answer, ops::Error>) {
        self.check = match result {
            Ok(a) => CheckState::Done(Box::new(a)),
            Err(e) => CheckState::Failed(e),
        };
    }

    /// A command while a host is typed: Enter checks it (bad input is said here, no call made).
    fn on_input(&mut self, cmd: Cmd) -> Outcome {
        let CheckState::Typing { input, error } = &mut self.check else {
            return Outcome::Ignored;
        };
        match cmd {
            Cmd::Cancel => self.check = CheckState::Idle,
            Cmd::Erase => {
                input.pop();
                *error = None;
            }
            Cmd::Submit => {
                let mut words = input.split_whitespace();
                let target = words.next().unwrap_or("");
                let parsed = match (words.next(), words.next()) {
                    (_, Some(_)) => Err("type HOST[:PORT] and at most a protocol".to_string()),
                    (proto, None) => Flow::parse(target, proto),
                };
                match parsed {
                    Ok(flow) => {
                        self.check = CheckState::Loading(flow.clone());
                        return Outcome::Effects(vec![Effect::CheckFlow {
                            project: self.project.clone(),
                            flow,
                        }]);
                    }
                    Err(e) => *error = Some(e),
                }
            }
            _ => {}
        }
        Outcome::Consumed
    }

    /// A key typed into the host input: a character is text (300 at most).
    fn type_key(&mut self, key: Key) -> Outcome {
        let CheckState::Typing { input, error } = &mut self.check else {
            return Outcome::Ignored;
        };
        if let KeyCode::Char(c) = key.code
            && !key.ctrl
            && input.chars().count() < 300
        {
            input.push(c);
            *error = None;
        }
        Outcome::Consumed
    }

    /// What the check shows under the list.
    fn check_lines(&self, theme: &Theme, tick: usize) -> Vec<Line<'static>> {
        match &self.check {
            CheckState::Idle => Vec::new(),
            CheckState::Typing { input, error } => {
                let mut out = vec![Line::from(vec![
                    Span::styled("Check: ", theme.key()),
                    Span::raw(format!("{}_", input.escape_debug())),
                    Span::styled("  HOST[:PORT] [tls|http|tcp|udp|icmp]", theme.dim()),
                ])];
                if let Some(e) = error {
                    out.push(Line::styled(e.clone(), theme.warn()));
                }
                out
            }
            CheckState::Loading(flow) => vec![Line::raw(format!(
                "{} Checking {} {}…",
                spinner(tick),
                flow.target(),
                flow.protocol.as_str()
            ))],
            CheckState::Done(a) => a
                .lines()
                .into_iter()
                .enumerate()
                .map(|(i, l)| match (i, a.verdict) {
                    (0, Verdict::Reaches) => Line::styled(l, theme.ok()),
                    (0, _) => Line::styled(l, theme.warn()),
                    _ => Line::raw(l),
                })
                .collect(),
            CheckState::Failed(e) => ErrorView::new(e).lines(theme),
        }
    }

    fn domains(&self) -> Vec<String> {
        match &self.report {
            Loadable::Loaded(r) => r.domains.iter().map(|d| d.domain.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// Plan the deployed stack with these domains added to its allow list, or say here why not.
    fn allow(&mut self, domains: &[String], region: &str) -> Outcome {
        let mut params = crate::ops::egress::parameters_of(&self.stack);
        let notice = match crate::ops::egress::edit_allow_list(
            &params.allowed_domains,
            domains,
            true,
            region,
        ) {
            Err(err) => err.message().to_string(),
            Ok(edit) if !edit.changed() => edit.notes.join("; "),
            // The wizard does not carry S3 around the bucket fence on one key: the warning
            // stays on the screen, and `firewall allow` takes it on purpose.
            Ok(edit) if !edit.warnings.is_empty() => format!(
                "not added: {}. To accept that, run `studio-tui firewall allow` with the name.",
                edit.warnings.join("; ")
            ),
            Ok(edit) => {
                params.allowed_domains = edit.after;
                // The same validation as the form's, before anything is planned; the plan is made
                // from the deployed parameters read here (its basis).
                match crate::ops::params::validated(&params, 0) {
                    Ok(valid) => {
                        return Outcome::GoTo(Go::Plan(
                            Box::new(valid),
                            Some(self.stack.parameters.clone()),
                        ));
                    }
                    Err(refused) => refused
                        .first()
                        .map(|f| format!("not planned: {f}"))
                        .unwrap_or_default(),
                }
            }
        };
        self.notice = Some(notice);
        Outcome::Consumed
    }

    fn on_key(&mut self, cmd: Cmd, ctx: &Ctx) -> Outcome {
        let domains = self.domains();
        match cmd {
            Cmd::Down if !domains.is_empty() => {
                self.cursor = (self.cursor + 1).min(domains.len() - 1);
                Outcome::Consumed
            }
            Cmd::Up => {
                self.cursor = self.cursor.saturating_sub(1);
                Outcome::Consumed
            }
            Cmd::Toggle => {
                if let Some(d) = domains.get(self.cursor)
                    && !self.selected.remove(d)
                {
                    self.selected.insert(d.clone());
                }
                Outcome::Consumed
            }
            Cmd::Allow => {
                if self.read_only {
                    self.notice = Some(
                        "read-only: the allow list cannot be changed (run without --read-only)"
                            .into(),
                    );
                    return Outcome::Consumed;
                }
                let chosen: Vec<String> = if self.selected.is_empty() {
                    domains.get(self.cursor).cloned().into_iter().collect()
                } else {
                    self.selected.iter().cloned().collect()
                };
                if chosen.is_empty() {
                    self.notice = Some("nothing to allow: the firewall blocked nothing".into());
                    return Outcome::Consumed;
                }
                self.allow(&chosen, ctx.region.as_deref().unwrap_or_default())
            }
            Cmd::Check => {
                self.check = CheckState::Typing {
                    input: String::new(),
                    error: None,
                };
                Outcome::Consumed
            }
            Cmd::Refresh => {
                self.report = Loadable::Loading;
                Outcome::Effects(vec![self.load()])
            }
            Cmd::Back => Outcome::GoTo(Go::Back),
            _ => Outcome::Ignored,
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let block = Block::bordered().title(Line::styled(
            " Blocked egress (last 24 h, from the firewall's alert log) ",
            theme.title(),
        ));
        let report = match &self.report {
            Loadable::Idle | Loadable::Loading => {
                f.render_widget(
                    Paragraph::new(format!(
                        "{} Reading the firewall's alert log…",
                        spinner(tick)
                    ))
                    .block(block),
                    area,
                );
                return;
            }
            Loadable::Failed(e) => {
                let mut lines = ErrorView::new(e).lines(theme);
                lines.extend(self.check_lines(theme, tick));
                f.render_widget(
                    Paragraph::new(lines)
                        .wrap(ratatui::widgets::Wrap { trim: true })
                        .block(block),
                    area,
                );
                return;
            }
            Loadable::Loaded(r) => r,
        };
        let inner = area.width.saturating_sub(2) as usize;
        let domain_w = report
            .domains
            .iter()
            .map(|d| shown(&d.domain).chars().count())
            .max()
            .unwrap_or(6)
            .clamp(6, 40)
            .min(inner.saturating_sub(40).max(10));
        let rows = report.domains.iter().map(|d| {
            let mark = if self.selected.contains(&d.domain) {
                "[x]"
            } else {
                "[ ]"
            };
            Row::new(vec![
                // The host is whoever connected's choice: shown escaped, never raw.
                Line::raw(format!(
                    "{mark} {}",
                    fit(&shown_max(&d.domain, domain_w), domain_w)
                )),
                Line::raw(format!("{:>6}", d.count)),
                Line::styled(
                    utc_time(d.last_seen_ms)
                        .get(5..16)
                        .unwrap_or("")
                        .to_string(),
                    theme.dim(),
                ),
                Line::styled(shown(&d.sources.join(", ")).into_owned(), theme.dim()),
            ])
        });
        let mut footer = Vec::new();
        if report.domains.is_empty() {
            footer.push(Line::styled(
                "Nothing was blocked in the last 24 hours.",
                theme.ok(),
            ));
        } else {
            footer.push(Line::styled(
                "a adds the selected domains (or the highlighted one) to AllowedDomains: you \
                 review the change set before anything changes. c checks a host: would it get \
                 through, and why.",
                theme.dim(),
            ));
        }
        if !report.domains.is_empty() {
            footer.push(Line::styled(crate::core::egress::SOURCE_NOTE, theme.dim()));
        }
        if let Some(n) = &self.notice {
            footer.push(Line::styled(n.clone(), theme.warn()));
        }
        footer.extend(self.check_lines(theme, tick));
        let inner_w = area.width.saturating_sub(2).max(1) as usize;
        let foot_rows: usize = footer
            .iter()
            .map(|l| l.width().max(1).div_ceil(inner_w))
            .sum();
        let [list, foot] = ratatui::layout::Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(foot_rows as u16 + 2),
        ])
        .areas(area);
        let table = Table::new(
            rows,
            [
                Constraint::Length(domain_w as u16 + 4),
                Constraint::Length(7),
                Constraint::Length(12),
                Constraint::Fill(1),
            ],
        )
        .highlight_symbol("› ")
        .row_highlight_style(theme.key())
        .header(
            Row::new(vec![
                Span::raw("    Domain"),
                Span::raw(" Count"),
                Span::raw("Last seen"),
                Span::raw("Via NAT gateway"),
            ])
            .style(theme.dim()),
        )
        .block(block.title_bottom(Line::styled(
            format!(
                " {} domain(s), {} page(s) of {} ",
                report.domains.len(),
                report.pages,
                report.log_group
            ),
            theme.dim(),
        )));
        let mut state = TableState::default().with_selected(Some(self.cursor));
        f.render_stateful_widget(table, list, &mut state);
        f.render_widget(
            Paragraph::new(footer)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(Block::bordered()),
            foot,
        );
    }
}

impl Screen for EgressState {
    const STEP: Step = Step::Egress;
    const TITLE: &'static str = "Blocked egress";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        if Screen::captures_keys(self) {
            CHECK_KEYS
        } else {
            KEYS
        }
    }

    fn captures_keys(&self) -> bool {
        matches!(self.check, CheckState::Typing { .. })
    }

    fn on_cmd(&mut self, cmd: Cmd, ctx: &mut Ctx) -> Outcome {
        if Screen::captures_keys(self) {
            self.on_input(cmd)
        } else {
            self.on_key(cmd, ctx)
        }
    }

    fn on_text(&mut self, key: Key) -> Outcome {
        self.type_key(key)
    }

    fn busy(&self) -> bool {
        self.is_busy()
    }

    fn on_reply(&mut self, reply: Reply, _ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::BlockedLoaded(result) => self.on_loaded(*result),
            Reply::FlowChecked(result) => self.on_checked(*result),
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn open(&mut self) -> Vec<Effect> {
        vec![self.load()]
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme, ctx.tick);
    }
}
