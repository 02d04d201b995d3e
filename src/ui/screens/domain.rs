//! The Studio step: creating (or adopting) the domain, then the user profiles, with per-step
//! status, elapsed time and the domain's FailureReason when it fails.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, Wrap};

use super::users::UsersState;
use super::{Ctx, DrawCtx, Go, Outcome, Screen, Step};

use crate::core::status::{DomainStatus, UserProfileStatus};
use crate::ops;
use crate::ops::studio::{DomainPhase, StudioMsg, UserPhase};
use crate::ui::action::Reply;
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;
use crate::ui::widgets::spinner;

/// What the Studio step's keys ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Users,
    Retry,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new("u", "users (when ready)", &[(Key::ch('u'), Cmd::Users)]),
    Binding::new(
        "r",
        "retry (after a failure)",
        &[(Key::ch('r'), Cmd::Retry)],
    ),
    Binding::shared("g", "topology", &[Key::ch('g')]),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::shared("q", "quit", &[Key::ch('q')]),
    Binding::shared("Esc", "close help, or quit", &[Key::ESC]).help_only(),
    Binding::shared("Ctrl-C", "quit", &[Key::ctrl('c')]).help_only(),
];

/// What a row says: nothing heard yet, or the last phase of the domain or of the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowStatus {
    /// "waiting": the operation has not said anything about it yet.
    Waiting,
    Domain(DomainPhase),
    User(UserPhase),
}

impl std::fmt::Display for RowStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowStatus::Waiting => f.pad("waiting"),
            RowStatus::Domain(p) => p.fmt(f),
            RowStatus::User(p) => p.fmt(f),
        }
    }
}

/// One row: the domain or a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRow {
    pub name: String,
    pub status: RowStatus,
    pub elapsed_secs: u64,
    pub detail: Option<String>,
    /// When this status arrived: the elapsed time keeps counting on screen between messages
    /// (the operation reports only changes).
    pub since: Option<std::time::Instant>,
}

impl ProgressRow {
    /// Elapsed seconds now: what the operation said, plus the time since it said it while busy.
    fn elapsed_now(&self) -> u64 {
        match (self.state(), self.since) {
            (RowState::Busy, Some(t)) => self.elapsed_secs + t.elapsed().as_secs(),
            _ => self.elapsed_secs,
        }
    }
}

impl ProgressRow {
    fn state(&self) -> RowState {
        match &self.status {
            RowStatus::Waiting => RowState::Waiting,
            RowStatus::Domain(
                DomainPhase::Aws(DomainStatus::InService)
                | DomainPhase::Adopted
                | DomainPhase::Deleted,
            )
            | RowStatus::User(
                UserPhase::Aws(UserProfileStatus::InService)
                | UserPhase::AlreadyExists
                | UserPhase::Deleted,
            ) => RowState::Done,
            RowStatus::Domain(DomainPhase::Aws(s)) if s.is_failed() => RowState::Failed,
            RowStatus::User(UserPhase::Aws(s)) if s.is_failed() => RowState::Failed,
            RowStatus::User(UserPhase::Failed) => RowState::Failed,
            _ => RowState::Busy,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowState {
    Waiting,
    Busy,
    Done,
    Failed,
}

/// What the Studio step shows.
#[derive(Debug, Clone, Default)]
pub struct DomainState {
    pub project: String,
    pub domain: Option<ProgressRow>,
    pub domain_id: Option<String>,
    pub users: Vec<ProgressRow>,
    /// Set when the whole step ended with an error.
    pub error: Option<ops::Error>,
    pub finished: bool,
    /// The idle shutdown the domain is set up with, when known.
    pub idle: Option<crate::core::params::guardrails::IdleShutdown>,
    /// The instance types the domain shows, when known (per-user audit is set with them where
    /// the stack's execution role trusts sts:SetSourceIdentity; the progress says when not).
    pub instance_types: Option<crate::core::params::instance_types::InstanceTypes>,
}

impl DomainState {
    pub fn new(project: &str, users: &[String]) -> DomainState {
        DomainState {
            project: project.to_string(),
            domain: Some(ProgressRow {
                name: project.to_string(),
                status: RowStatus::Waiting,
                elapsed_secs: 0,
                detail: None,
                since: None,
            }),
            users: users
                .iter()
                .map(|u| ProgressRow {
                    name: u.clone(),
                    status: RowStatus::Waiting,
                    elapsed_secs: 0,
                    detail: None,
                    since: None,
                })
                .collect(),
            ..DomainState::default()
        }
    }

    pub fn is_busy(&self) -> bool {
        !self.finished
    }

    pub fn on_msg(&mut self, msg: &StudioMsg) {
        match msg {
            StudioMsg::Domain {
                name,
                id,
                status,
                elapsed_secs,
                detail,
            } => {
                if id.is_some() {
                    self.domain_id = id.clone();
                }
                self.domain = Some(ProgressRow {
                    name: name.clone(),
                    status: RowStatus::Domain(status.clone()),
                    elapsed_secs: *elapsed_secs,
                    detail: detail.clone(),
                    since: Some(std::time::Instant::now()),
                });
            }
            StudioMsg::User {
                name,
                status,
                elapsed_secs,
                detail,
            } => {
                let row = ProgressRow {
                    name: name.clone(),
                    status: RowStatus::User(status.clone()),
                    elapsed_secs: *elapsed_secs,
                    detail: detail.clone(),
                    since: Some(std::time::Instant::now()),
                };
                match self.users.iter_mut().find(|u| &u.name == name) {
                    Some(u) => *u = row,
                    None => self.users.push(row),
                }
            }
            StudioMsg::Step { .. } => {}
        }
    }

    pub fn on_done(&mut self, result: Result<(), ops::Error>) {
        self.finished = true;
        self.error = result.err();
    }

    /// Seconds left, from the typical durations (domain, then the users concurrently) and what
    /// has elapsed; None when nothing is left to wait for.
    pub fn eta_secs(&self) -> Option<u64> {
        if self.finished {
            return None;
        }
        let d = crate::core::progress::Durations::embedded();
        let domain_typical = d.typical("AWS::SageMaker::Domain") as u64;
        let user_typical = d.typical("AWS::SageMaker::UserProfile") as u64;
        let left = |row: &ProgressRow, typical: u64| match row.state() {
            RowState::Waiting => typical,
            RowState::Busy => typical.saturating_sub(row.elapsed_now()).max(1),
            RowState::Done | RowState::Failed => 0,
        };
        let domain = self
            .domain
            .as_ref()
            .map_or(0, |row| left(row, domain_typical));
        let users = self
            .users
            .iter()
            .map(|u| left(u, user_typical))
            .max()
            .unwrap_or(0);
        let total = domain + users;
        (total > 0).then_some(total)
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let [top, bottom] =
            Layout::vertical([Constraint::Length(8), Constraint::Fill(1)]).areas(area);
        let mut lines = Vec::new();
        if let Some(d) = &self.domain {
            lines.push(Line::from(vec![
                icon(d.state(), theme, tick),
                Span::raw(" "),
                Span::styled(
                    format!("{:<28}", crate::core::shown::shown(&d.name)),
                    theme.text(),
                ),
                Span::styled(format!("{:<16}", d.status), status_style(d.state(), theme)),
                Span::styled(elapsed(d.elapsed_now()), theme.dim()),
            ]));
            if let Some(id) = &self.domain_id {
                lines.push(Line::from(vec![
                    Span::styled("  id ", theme.dim()),
                    Span::raw(crate::core::shown::shown(id).into_owned()),
                    Span::styled("   AuthMode IAM · VpcOnly · Studio subnet", theme.dim()),
                ]));
            }
            // A failure's reason and fix need the room more.
            if let Some(idle) = self.idle.filter(|_| d.state() != RowState::Failed) {
                lines.push(Line::from(vec![
                    Span::styled("  idle shutdown ", theme.dim()),
                    Span::raw(idle.to_string()),
                    Span::styled("  (JupyterLab, Code Editor)", theme.dim()),
                ]));
            }
            if let Some(types) = self
                .instance_types
                .as_ref()
                .filter(|_| d.state() != RowState::Failed)
            {
                lines.push(Line::from(vec![
                    Span::styled("  instance types ", theme.dim()),
                    Span::raw(ops::studio::shown_types(types)),
                    Span::styled(
                        "  · per-user audit if the stack's role allows it",
                        theme.dim(),
                    ),
                ]));
            }
            if let Some(detail) = &d.detail {
                let style = if d.state() == RowState::Failed {
                    theme.error()
                } else {
                    theme.dim()
                };
                let label = if d.state() == RowState::Failed {
                    "  FailureReason: "
                } else {
                    "  "
                };
                lines.push(Line::from(vec![
                    Span::styled(label, style),
                    Span::styled(crate::core::shown::shown(detail).into_owned(), style),
                ]));
            }
        }
        if !self.finished {
            let d = crate::core::progress::Durations::embedded();
            let mut spans = vec![Span::styled(
                format!(
                    "  typical: domain {}, user profile {} (concurrently)",
                    elapsed(d.typical("AWS::SageMaker::Domain") as u64),
                    elapsed(d.typical("AWS::SageMaker::UserProfile") as u64)
                ),
                theme.dim(),
            )];
            if let Some(eta) = self.eta_secs() {
                spans.push(Span::styled(
                    format!("   ETA ~{}", elapsed(eta)),
                    theme.key(),
                ));
            }
            lines.push(Line::from(spans));
        }
        if self.finished && self.error.is_none() {
            lines.push(Line::from(vec![
                Span::styled("✔ Studio is ready. ", theme.ok()),
                Span::raw("Press u to manage users (sign-in URLs, apps), g for the topology."),
            ]));
        }
        if let Some(e) = &self.error {
            lines.extend(ErrorView::new(e).lines(theme));
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(Line::styled(" Studio domain ", theme.title()))),
            top,
        );
        let rows = self.users.iter().map(|u| {
            Row::new(vec![
                Line::from(vec![
                    icon(u.state(), theme, tick),
                    Span::raw(" "),
                    Span::raw(crate::core::shown::shown(&u.name).into_owned()),
                ]),
                Line::styled(u.status.to_string(), status_style(u.state(), theme)),
                Line::styled(elapsed(u.elapsed_now()), theme.dim()),
                Line::raw(
                    crate::core::shown::shown(u.detail.as_deref().unwrap_or_default()).into_owned(),
                ),
            ])
        });
        let done = self
            .users
            .iter()
            .filter(|u| u.state() == RowState::Done)
            .count();
        let table = Table::new(
            rows,
            [
                Constraint::Length(24),
                Constraint::Length(16),
                Constraint::Length(8),
                Constraint::Fill(1),
            ],
        )
        .header(Row::new(vec!["User", "Status", "Elapsed", "Detail"]).style(theme.dim()))
        .block(Block::bordered().title(Line::styled(
            format!(
                " User profiles ({done}/{} ready, created concurrently) ",
                self.users.len()
            ),
            theme.title(),
        )));
        f.render_widget(table, bottom);
    }
}

impl Screen for DomainState {
    const STEP: Step = Step::Domain;
    const TITLE: &'static str = "6 · Studio domain and users";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        KEYS
    }

    /// Keys only once the step ended: `u` when it went well, `r` when it failed.
    fn on_cmd(&mut self, cmd: Cmd, ctx: &mut Ctx) -> Outcome {
        if !self.finished {
            return Outcome::Ignored;
        }
        match cmd {
            Cmd::Users if self.error.is_none() => Outcome::GoTo(Go::Open(Box::new(
                UsersState::new(&self.project, ctx.read_only),
            ))),
            Cmd::Retry if self.error.is_some() => Outcome::GoTo(Go::SetUpStudio),
            _ => Outcome::Ignored,
        }
    }

    fn busy(&self) -> bool {
        self.is_busy()
    }

    fn on_reply(&mut self, reply: Reply, _ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Studio(msg) => self.on_msg(&msg),
            Reply::StudioDone(result) => self.on_done(*result),
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme, ctx.tick);
    }
}

fn elapsed(s: u64) -> String {
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn icon(state: RowState, theme: &Theme, tick: usize) -> Span<'static> {
    match state {
        RowState::Waiting => Span::styled("·", theme.dim()),
        RowState::Busy => Span::styled(spinner(tick), theme.title()),
        RowState::Done => Span::styled("✔", theme.ok()),
        RowState::Failed => Span::styled("✘", theme.error()),
    }
}

fn status_style(state: RowState, theme: &Theme) -> ratatui::style::Style {
    match state {
        RowState::Waiting => theme.dim(),
        RowState::Busy => theme.text(),
        RowState::Done => theme.ok(),
        RowState::Failed => theme.error(),
    }
}
