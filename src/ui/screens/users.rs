//! Day-2 users: a table of user profiles (status, apps, spaces) with keys to add one (inline
//! name input, validated as typed), remove one (typed confirmation), show a sign-in URL and
//! refresh. In read-only mode those keys say they are disabled, and no effect is produced.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use super::{Ctx, DrawCtx, Go, Loadable, Outcome, Screen, Step};

use crate::aws::studio::DomainInfo;
use crate::core::params::validate_user_profile_name;
use crate::ops;
use crate::ops::studio::{SIGN_IN_NOTE, StudioMsg, UserOutcome, UserResult, UserView};
use crate::ui::action::{Effect, Reply};
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::{ErrorView, spinner};

/// What the users screen's keys ask for (while a name is typed, a character is its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Up,
    Down,
    Add,
    Remove,
    SignInUrl,
    Refresh,
    Back,
    /// Enter: the name typed.
    Confirm,
    /// Esc: close the input or the overlay.
    Cancel,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new(
        "↑↓",
        "select",
        &[(Key::UP, Cmd::Up), (Key::DOWN, Cmd::Down)],
    ),
    Binding::new("a", "add", &[(Key::ch('a'), Cmd::Add)]),
    Binding::new("d", "remove", &[(Key::ch('d'), Cmd::Remove)]),
    Binding::new("u", "sign-in URL", &[(Key::ch('u'), Cmd::SignInUrl)]),
    Binding::new("r", "refresh", &[(Key::ch('r'), Cmd::Refresh)]),
    Binding::new("b", "back", &[(Key::ch('b'), Cmd::Back)]),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::shared("q", "quit", &[Key::ch('q')]),
    Binding::new(
        "j / k",
        "select",
        &[(Key::ch('j'), Cmd::Down), (Key::ch('k'), Cmd::Up)],
    )
    .help_only(),
    Binding::new(
        "Enter",
        "confirm the name being typed",
        &[(Key::ENTER, Cmd::Confirm)],
    )
    .help_only(),
    Binding::new(
        "Esc",
        "cancel the input or overlay, or quit",
        &[(Key::ESC, Cmd::Cancel)],
    )
    .help_only(),
    Binding::shared("Ctrl-C", "quit", &[Key::ctrl('c')]).help_only(),
];

pub const READ_ONLY_NOTICE: &str = "disabled in read-only mode: add, remove and sign-in URLs \
change AWS state (run without --read-only)";

/// What overlays the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Browse,
    /// Typing a new user's name; `error` is the validation message of what is typed.
    Adding {
        input: String,
        error: Option<String>,
    },
    /// Typed confirmation of a removal: the user's name must be typed exactly.
    ConfirmRemove {
        user: String,
        input: String,
    },
    /// The sign-in URL of a user.
    Url {
        user: String,
        url: Loadable<String, ops::Error>,
    },
}

#[derive(Debug, Clone)]
pub struct UsersState {
    pub project: String,
    pub read_only: bool,
    pub data: Loadable<(DomainInfo, Vec<UserView>), ops::Error>,
    pub selected: usize,
    pub mode: Mode,
    /// One line under the table: the last outcome or a refusal.
    pub notice: Option<(bool, String)>,
    /// Users with an add/remove in flight, with the last progress status.
    pub busy: Vec<(String, String)>,
    /// The domain's apps with their hourly prices (None while they are asked).
    pub prices: Option<Result<crate::ops::apps::AppsNow, ops::Error>>,
}

impl UsersState {
    pub fn new(project: &str, read_only: bool) -> UsersState {
        UsersState {
            project: project.to_string(),
            read_only,
            data: Loadable::Idle,
            selected: 0,
            mode: Mode::Browse,
            notice: None,
            busy: Vec::new(),
            prices: None,
        }
    }

    pub fn is_busy(&self) -> bool {
        self.data.is_loading()
            || !self.busy.is_empty()
            || matches!(&self.mode, Mode::Url { url, .. } if url.is_loading())
    }

    /// Effect that (re)loads the table.
    pub fn load(&mut self) -> Effect {
        if !matches!(self.data, Loadable::Loaded(_)) {
            self.data = Loadable::Loading;
        }
        Effect::LoadUsers {
            project: self.project.clone(),
        }
    }

    fn users(&self) -> &[UserView] {
        match &self.data {
            Loadable::Loaded((_, u)) => u,
            _ => &[],
        }
    }

    fn domain_id(&self) -> Option<String> {
        match &self.data {
            Loadable::Loaded((d, _)) => Some(d.id.clone()),
            _ => None,
        }
    }

    fn selected_user(&self) -> Option<String> {
        self.users().get(self.selected).map(|u| u.name.clone())
    }

    /// The table loaded: its apps' prices are asked next.
    pub fn on_loaded(
        &mut self,
        result: Result<(DomainInfo, Vec<UserView>), ops::Error>,
    ) -> Vec<Effect> {
        self.data = match result {
            Ok(v) => Loadable::Loaded(v),
            Err(e) => Loadable::Failed(e),
        };
        self.selected = self.selected.min(self.users().len().saturating_sub(1));
        self.domain_id()
            .map(|domain_id| Effect::PriceApps { domain_id })
            .into_iter()
            .collect()
    }

    /// A user's apps, one a line: the running ones with price an hour and instance type
    /// ("$0.050/h JupyterLab ml.t3.medium", the price first so a narrow column keeps it; "…"
    /// while prices are asked), the others with their status.
    fn apps_cell(&self, u: &UserView) -> Vec<String> {
        use crate::core::cost::runrate::hourly;
        let shown = |t: &str| crate::core::shown::shown(t).into_owned();
        let items: Vec<String> = u
            .apps
            .iter()
            .map(|a| {
                if !a.status.bills() {
                    return format!("{} ({})", shown(&a.label()), a.status);
                }
                let price = match &self.prices {
                    None => "…".to_string(),
                    Some(Ok(p)) => hourly(p.find(a).and_then(|x| x.usd_per_hour())),
                    Some(Err(_)) => hourly(None),
                };
                format!(
                    "{price} {} {}",
                    shown(&a.app_type),
                    shown(a.instance_type.as_deref().unwrap_or("?"))
                )
            })
            .collect();
        if items.is_empty() {
            vec!["-".to_string()]
        } else {
            items
        }
    }

    /// " · apps now $0.05 an hour (1 running)" for the table's title ("…" while asked).
    fn run_rate(&self) -> String {
        match &self.prices {
            None if self.domain_id().is_some() => " · apps now …".to_string(),
            None => String::new(),
            Some(Ok(p)) => format!(
                " · apps now {} ({} running)",
                p.rate.phrase(),
                p.rate.running
            ),
            Some(Err(e)) => format!(
                " · apps: {}",
                crate::core::shown::shown_max(e.message(), 40)
            ),
        }
    }

    pub fn on_progress(&mut self, msg: &StudioMsg) {
        if let StudioMsg::User { name, status, .. } = msg
            && let Some(b) = self.busy.iter_mut().find(|(n, _)| n == name)
        {
            b.1 = status.to_string();
        }
    }

    /// An add or remove finished: show the outcome, then reload.
    pub fn on_op_done(&mut self, result: Result<Vec<UserOutcome>, ops::Error>) -> Vec<Effect> {
        match result {
            Ok(outcomes) => {
                for o in outcomes {
                    self.busy.retain(|(n, _)| n != &o.name);
                    self.notice = Some(match o.result {
                        UserResult::Created => (true, format!("{} created", o.name)),
                        UserResult::AlreadyExists => (true, format!("{} already exists", o.name)),
                        UserResult::Removed => (true, format!("{} removed", o.name)),
                        UserResult::NotFound => (true, format!("{} was already gone", o.name)),
                        UserResult::Failed(e) => (
                            false,
                            format!(
                                "{}: {}",
                                crate::core::shown::shown(&o.name),
                                crate::core::shown::shown(e.message())
                            ),
                        ),
                    });
                }
            }
            Err(e) => {
                self.busy.clear();
                self.notice = Some((false, crate::core::shown::shown(e.message()).into_owned()));
            }
        }
        vec![self.load()]
    }

    pub fn on_url(&mut self, result: Result<String, ops::Error>) {
        if let Mode::Url { url, .. } = &mut self.mode {
            *url = match result {
                Ok(u) => Loadable::Loaded(u),
                Err(e) => Loadable::Failed(e),
            };
        }
    }

    /// Is a text input or overlay open (so q and Esc belong to it)?
    pub fn captures_keys(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    fn refuse_read_only(&mut self) -> Option<Vec<Effect>> {
        self.notice = Some((false, READ_ONLY_NOTICE.to_string()));
        Some(Vec::new())
    }

    /// A key typed into the input or the overlay open (Enter and Esc are commands).
    fn type_key(&mut self, key: Key) {
        let names = self.users_names();
        match &mut self.mode {
            Mode::Adding { input, error } => match key.code {
                KeyCode::Backspace => {
                    input.pop();
                    *error = check_new_name(input, &names);
                }
                KeyCode::Char(c) => {
                    input.push(c);
                    *error = check_new_name(input, &names);
                }
                _ => {}
            },
            Mode::ConfirmRemove { input, .. } => match key.code {
                KeyCode::Backspace => {
                    input.pop();
                }
                KeyCode::Char(c) => input.push(c),
                _ => {}
            },
            Mode::Url { .. } => {
                if key.is_char('q') {
                    self.mode = Mode::Browse;
                }
            }
            Mode::Browse => {}
        }
    }

    /// Handle a command; returns effects to start, or None when it is not one here.
    fn on_key(&mut self, cmd: Cmd) -> Option<Vec<Effect>> {
        let names = self.users_names();
        let mode = std::mem::replace(&mut self.mode, Mode::Browse);
        match mode {
            Mode::Adding { input, error } => {
                match cmd {
                    Cmd::Cancel => return Some(Vec::new()),
                    Cmd::Confirm => {
                        if let Some(e) = check_new_name(&input, &names) {
                            self.mode = Mode::Adding {
                                input,
                                error: Some(e),
                            };
                            return Some(Vec::new());
                        }
                        let domain_id = self.domain_id()?;
                        self.busy.push((input.clone(), "creating".into()));
                        return Some(vec![Effect::AddUsers {
                            domain_id,
                            names: vec![input],
                        }]);
                    }
                    _ => {}
                }
                self.mode = Mode::Adding { input, error };
                Some(Vec::new())
            }
            Mode::ConfirmRemove { user, input } => {
                match cmd {
                    Cmd::Cancel => return Some(Vec::new()),
                    Cmd::Confirm if input == user => {
                        let domain_id = self.domain_id()?;
                        self.busy.push((user.clone(), "removing".into()));
                        return Some(vec![Effect::RemoveUsers {
                            domain_id,
                            names: vec![user],
                        }]);
                    }
                    _ => {}
                }
                self.mode = Mode::ConfirmRemove { user, input };
                Some(Vec::new())
            }
            Mode::Url { user, url } => {
                if !matches!(cmd, Cmd::Cancel | Cmd::Confirm) {
                    self.mode = Mode::Url { user, url };
                }
                Some(Vec::new())
            }
            Mode::Browse => self.on_browse_key(cmd),
        }
    }

    fn on_browse_key(&mut self, cmd: Cmd) -> Option<Vec<Effect>> {
        let len = self.users().len();
        match cmd {
            Cmd::Down => self.selected = (self.selected + 1).min(len.saturating_sub(1)),
            Cmd::Up => self.selected = self.selected.saturating_sub(1),
            Cmd::Refresh => return Some(vec![self.load()]),
            Cmd::Add | Cmd::Remove | Cmd::SignInUrl if self.read_only => {
                return self.refuse_read_only();
            }
            Cmd::Add => {
                self.domain_id()?;
                self.notice = None;
                self.mode = Mode::Adding {
                    input: String::new(),
                    error: None,
                };
            }
            Cmd::Remove => {
                let user = self.selected_user()?;
                self.mode = Mode::ConfirmRemove {
                    user,
                    input: String::new(),
                };
            }
            Cmd::SignInUrl => {
                let user = self.selected_user()?;
                let domain_id = self.domain_id()?;
                self.mode = Mode::Url {
                    user: user.clone(),
                    url: Loadable::Loading,
                };
                return Some(vec![Effect::SignInUrl { domain_id, user }]);
            }
            Cmd::Back | Cmd::Confirm | Cmd::Cancel => return None,
        }
        Some(Vec::new())
    }

    fn users_names(&self) -> Vec<String> {
        self.users().iter().map(|u| u.name.clone()).collect()
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let [head, table_area, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(3),
        ])
        .areas(area);
        let head_line = match &self.data {
            Loadable::Loaded((d, _)) => Line::from(vec![
                Span::styled(" Domain ", theme.dim()),
                Span::raw(format!(
                    "{} ({})",
                    crate::core::shown::shown(&d.name),
                    crate::core::shown::shown(&d.id)
                )),
                Span::styled("  status ", theme.dim()),
                Span::raw(d.status.to_string()),
                Span::styled("  access ", theme.dim()),
                Span::raw(
                    d.app_network_access_type
                        .clone()
                        .unwrap_or_else(|| "?".into()),
                ),
            ]),
            Loadable::Loading | Loadable::Idle => Line::from(vec![
                Span::styled(format!(" {} ", spinner(tick)), theme.title()),
                Span::raw(format!("Looking up the Studio domain {}…", self.project)),
            ]),
            Loadable::Failed(_) => Line::styled(
                format!(" The Studio domain {} could not be read", self.project),
                theme.error(),
            ),
        };
        f.render_widget(
            Paragraph::new(crate::ui::widgets::fit_line(
                head_line,
                usize::from(head.width),
            )),
            head,
        );

        let users = self.users();
        let widths = [
            Constraint::Length(20),
            Constraint::Length(14),
            Constraint::Fill(2),
            Constraint::Fill(1),
        ];
        // The columns as the table lays them out (inside the borders, after the "› " marker,
        // one space apart), so a cell too long for its column ends with an ellipsis.
        let cols = Layout::horizontal(widths).spacing(1).split(Rect::new(
            0,
            0,
            table_area.width.saturating_sub(4),
            1,
        ));
        let cell = |i: usize, text: String| {
            let w = cols[i].width as usize;
            if text.chars().count() > w {
                crate::ui::widgets::fit(&text, w)
            } else {
                text
            }
        };
        let rows = users.iter().map(|u| {
            let busy = self.busy.iter().find(|(n, _)| n == &u.name);
            let status = match busy {
                Some((_, s)) => format!("{} {s}", spinner(tick)),
                None => u.status.to_string(),
            };
            let apps = self.apps_cell(u);
            let height = u16::try_from(apps.len()).unwrap_or(u16::MAX);
            let apps: Vec<String> = apps.into_iter().map(|a| cell(2, a)).collect();
            Row::new(vec![
                cell(0, crate::core::shown::shown(&u.name).into_owned()),
                cell(1, status),
                apps.join("\n"),
                cell(3, u.spaces_text()),
            ])
            .height(height)
        });
        let mut rows: Vec<Row> = rows.collect();
        for (n, s) in &self.busy {
            if !users.iter().any(|u| &u.name == n) {
                rows.push(Row::new(vec![
                    n.clone(),
                    format!("{} {s}", spinner(tick)),
                    "-".into(),
                    "-".into(),
                ]));
            }
        }
        let empty = rows.is_empty();
        let table = Table::new(rows, widths)
            .header(Row::new(vec!["User", "Status", "Apps", "Spaces"]).style(theme.dim()))
            .row_highlight_style(theme.selected())
            .highlight_symbol("› ")
            .block(Block::bordered().title(Line::styled(
                format!(" Users ({}){} ", users.len(), self.run_rate()),
                theme.title(),
            )));
        let mut state = TableState::default().with_selected((!empty).then_some(self.selected));
        f.render_stateful_widget(table, table_area, &mut state);
        if let Loadable::Failed(e) = &self.data {
            // The whole error, its fix included, where the users would be.
            let inner = table_area.inner(ratatui::layout::Margin::new(2, 2));
            f.render_widget(
                Paragraph::new(ErrorView::new(e).lines(theme)).wrap(Wrap { trim: false }),
                inner,
            );
        }
        if empty && matches!(self.data, Loadable::Loaded(_)) {
            let inner = table_area.inner(ratatui::layout::Margin::new(2, 2));
            f.render_widget(
                Paragraph::new(Line::styled(
                    "No user profiles yet. Press a to add one.",
                    theme.dim(),
                )),
                inner,
            );
        }

        let mut foot_lines = Vec::new();
        if let Mode::Adding { input, error } = &self.mode {
            foot_lines.push(Line::from(vec![
                Span::styled("New user name: ", theme.key()),
                Span::raw(input.clone()),
                Span::styled("▏", theme.title()),
            ]));
            foot_lines.push(match error {
                Some(e) if !input.is_empty() => Line::styled(e.clone(), theme.error()),
                _ => Line::styled(
                    "letters, digits and hyphens, up to 63; Enter to create, Esc to cancel",
                    theme.dim(),
                ),
            });
        } else if let Some((ok, text)) = &self.notice {
            foot_lines.push(Line::styled(
                text.clone(),
                if *ok { theme.ok() } else { theme.warn() },
            ));
        }
        if self.read_only && !matches!(self.mode, Mode::Adding { .. }) {
            foot_lines.push(Line::styled(
                "Read-only: viewing only; a, d and u are disabled.",
                theme.warn(),
            ));
        }
        f.render_widget(Paragraph::new(foot_lines).wrap(Wrap { trim: true }), foot);

        match &self.mode {
            Mode::ConfirmRemove { user, input } => {
                let lines = vec![
                    Line::raw(format!(
                        "Remove {user}? Their apps and private spaces are deleted first, then \
                         the profile. Files in their home folder are lost."
                    )),
                    Line::raw(""),
                    Line::from(vec![
                        Span::raw("Type the user name to confirm: "),
                        Span::styled(input.clone(), theme.key()),
                        Span::styled("▏", theme.title()),
                    ]),
                    Line::raw(""),
                    Line::styled(
                        if input == user {
                            "Enter to remove, Esc to cancel"
                        } else {
                            "Esc to cancel"
                        },
                        theme.dim(),
                    ),
                ];
                overlay(f, area, " Remove user ", lines, theme);
            }
            Mode::Url { user, url } => {
                let mut lines = Vec::new();
                match url {
                    Loadable::Loading | Loadable::Idle => lines.push(Line::raw(format!(
                        "{} Creating a sign-in URL for {user}…",
                        spinner(tick)
                    ))),
                    Loadable::Loaded(u) => {
                        lines.push(Line::styled(u.clone(), theme.key()));
                        lines.push(Line::raw(""));
                        lines.push(Line::raw(SIGN_IN_NOTE));
                    }
                    Loadable::Failed(e) => lines.push(Line::styled(
                        crate::core::shown::shown(e.message()).into_owned(),
                        theme.error(),
                    )),
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled("Esc to close", theme.dim()));
                overlay(f, area, &format!(" Sign-in URL: {user} "), lines, theme);
            }
            _ => {}
        }
    }
}

impl Screen for UsersState {
    const STEP: Step = Step::Users;
    const TITLE: &'static str = "Users";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        KEYS
    }

    fn captures_keys(&self) -> bool {
        UsersState::captures_keys(self)
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut Ctx) -> Outcome {
        if !UsersState::captures_keys(self) && cmd == Cmd::Back {
            return Outcome::GoTo(Go::Back);
        }
        self.on_key(cmd).map_or(Outcome::Ignored, Outcome::effects)
    }

    fn on_text(&mut self, key: Key) -> Outcome {
        self.type_key(key);
        Outcome::Consumed
    }

    fn busy(&self) -> bool {
        self.is_busy()
    }

    fn on_reply(&mut self, reply: Reply, _ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::UsersLoaded(result) => return Outcome::effects(self.on_loaded(*result)),
            Reply::AppsPriced(result) => self.prices = Some(*result),
            Reply::Studio(msg) => self.on_progress(&msg),
            Reply::UsersDone(result) => return Outcome::Effects(self.on_op_done(*result)),
            Reply::SignInUrl(result) => self.on_url(*result),
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

/// The validation message for a new name, or None when it can be created.
fn check_new_name(name: &str, existing: &[String]) -> Option<String> {
    if let Err(e) = validate_user_profile_name(name) {
        return Some(e.to_string());
    }
    existing
        .iter()
        .any(|u| u == name)
        .then(|| format!("{name} already exists"))
}

fn overlay(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(72);
    // Tall enough for the wrapped text (a sign-in URL and its note take a dozen rows at 80
    // columns), so the last line ("Esc to close") is never cut off.
    let inner = width.saturating_sub(2) as usize;
    let text_rows: usize = lines.iter().map(|l| wrapped_rows(l, inner)).sum();
    let height = (text_rows as u16 + 2).max(9).min(area.height);
    let popup = crate::ui::widgets::clear_centered(f, area, width, height);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Line::styled(title.to_string(), theme.title()))),
        popup,
    );
}

/// Rows `line` takes when word-wrapped into `width` columns (a word longer than the width is
/// broken, as the Paragraph does).
fn wrapped_rows(line: &Line, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let mut w = word.chars().count();
        let gap = usize::from(used > 0);
        if used + gap + w <= width {
            used += gap + w;
            continue;
        }
        if used > 0 {
            rows += 1;
        }
        while w > width {
            w -= width;
            rows += 1;
        }
        used = w;
    }
    rows
}
