//! The parameter form: one text buffer per template parameter, validated live with
//! [`ParamsDraft::check`] (the same rules as preflight and the CLI). Nothing typed is ever
//! cleared: an error only moves the focus to the first bad field. What it hands on is the
//! validated [`Parameters`] of that check.

use std::collections::BTreeMap;

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Ctx, DrawCtx, Go, Outcome, Screen, Step};
use crate::core::field::Field;
use crate::core::params::{Parameters, ParamsDraft};
use crate::core::shown::shown;
use crate::ops::studio::validate_user_names;
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;

/// What the form's keys ask for (a character typed is text, not a command).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    PreviousField,
    NextField,
    /// The next field, or the review from the last one.
    Enter,
    Review,
    /// Add the SageMaker Python SDK's default bucket to Allowed buckets.
    AddSageMakerBucket,
    Back,
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new(
        "↑↓/Tab",
        "field",
        &[
            (Key::UP, Cmd::PreviousField),
            (Key::DOWN, Cmd::NextField),
            (Key::TAB, Cmd::NextField),
        ],
    ),
    Binding::new("Enter", "next", &[(Key::ENTER, Cmd::Enter)]),
    Binding::new(
        "F2/Ctrl-S",
        "review",
        &[(Key::F2, Cmd::Review), (Key::ctrl('s'), Cmd::Review)],
    ),
    Binding::new("Esc", "back", &[(Key::ESC, Cmd::Back)]),
    Binding::shared("F1", "help", &[Key::F1]),
    Binding::new(
        "Shift-Tab",
        "previous field",
        &[(Key::BACKTAB, Cmd::PreviousField)],
    )
    .help_only(),
    Binding::new(
        "←→ Home End",
        "move in the field",
        &[
            (Key::LEFT, Cmd::Left),
            (Key::RIGHT, Cmd::Right),
            (Key::HOME, Cmd::Home),
            (Key::END, Cmd::End),
        ],
    )
    .help_only(),
    Binding::new(
        "Backspace / Delete",
        "erase",
        &[(Key::BACKSPACE, Cmd::Backspace), (Key::DELETE, Cmd::Delete)],
    )
    .help_only(),
    Binding::new(
        "Enter (last field)",
        "review the change set",
        &[(Key::ENTER, Cmd::Enter)],
    )
    .help_only(),
    Binding::new(
        "F3",
        "add the SageMaker default bucket (sagemaker-<region>-<account>) to Allowed buckets",
        &[(Key::F3, Cmd::AddSageMakerBucket)],
    )
    .help_only(),
    Binding::shared("Ctrl-C", "quit", &[Key::ctrl('c')]).help_only(),
];

const USERS_LABEL: &str = "Studio users";
const USERS_HELP: &str = "User profiles created with the Studio domain after the deploy, \
comma-separated (may be empty: add them later on the users screen). Letters, digits and hyphens, \
at most 63 characters each; the Studio subnet is sized for them (2-4 IPs each).";

/// What the form remembers. The text buffers are the truth; [`ParamsState::parameters`]
/// derives the typed parameters from them.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamsState {
    pub texts: Vec<String>,
    pub focus: usize,
    /// Cursor, in characters, inside the focused field.
    pub cursor: usize,
    /// The Studio users, parsed from the last row (created with the domain after the deploy).
    pub users: Vec<String>,
    pub errors: BTreeMap<Field, String>,
    /// Warnings of fields without an error (shown, never blocking).
    pub warnings: BTreeMap<Field, String>,
    /// Why the users row is refused (a name SageMaker would reject, a duplicate).
    pub users_error: Option<String>,
    /// A message about the whole form (template check, read-only, a plan that failed).
    pub notice: Option<String>,
    /// The SageMaker Python SDK's default bucket of the session's region and account, which F3
    /// adds to the allowed buckets (None until the account is known).
    pub sagemaker_bucket: Option<String>,
    /// The hourly price of allowed instance types, as far as known (None: not known), with
    /// the source of bundled ones.
    pub prices: BTreeMap<String, Option<crate::core::cost::RowPrice>>,
    /// The types of the last price request still unanswered.
    asking: Vec<String>,
    /// The validated parameters of the buffers, from the last check (None while one is refused).
    valid: Option<Parameters>,
}

impl ParamsState {
    pub fn new(params: &ParamsDraft, users: Vec<String>) -> ParamsState {
        let mut texts: Vec<String> = Field::ALL.iter().map(|f| params.value(*f)).collect();
        texts.push(users.join(", "));
        let cursor = texts[0].chars().count();
        let mut s = ParamsState {
            texts,
            focus: 0,
            cursor,
            users,
            errors: BTreeMap::new(),
            warnings: BTreeMap::new(),
            users_error: None,
            notice: None,
            sagemaker_bucket: None,
            prices: BTreeMap::new(),
            asking: Vec::new(),
            valid: None,
        };
        s.revalidate();
        s
    }

    /// The focused template parameter (None on the users row).
    pub fn field(&self) -> Option<Field> {
        Field::ALL.get(self.focus).copied()
    }

    /// Rows: the template's parameters, then the Studio users.
    fn rows(&self) -> usize {
        Field::ALL.len() + 1
    }

    /// The parameters the buffers describe (invalid values included).
    pub fn parameters(&self) -> ParamsDraft {
        let mut p = ParamsDraft::default();
        for (f, text) in Field::ALL.iter().zip(&self.texts) {
            p.set(*f, text);
        }
        p
    }

    fn revalidate(&mut self) {
        self.users = crate::core::params::parse_user_list(&self.texts[Field::ALL.len()]);
        self.users_error = if self.users.is_empty() {
            None
        } else {
            validate_user_names(self.users.iter().map(String::as_str))
                .err()
                .map(|e| e.message().to_string())
        };
        let checked = self.parameters().check(self.users.len() as u32);
        (self.errors, self.warnings) = checked.field_messages();
        self.valid = checked.parameters;
    }

    /// The allowed types typed so far that Studio offers.
    fn typed_types(&self) -> Vec<String> {
        crate::core::params::parse_domain_list(&self.texts[Field::InstanceTypes as usize])
            .into_iter()
            .filter(|t| {
                crate::core::params::instance_types::STUDIO_INSTANCE_TYPES.contains(&t.as_str())
            })
            .collect()
    }

    /// A background request for the prices of the allowed types not priced yet (never
    /// blocking: the row says "price …" until the answer comes, "price unknown" when none does).
    pub fn price_request(&mut self) -> Option<crate::ui::action::Effect> {
        let mut missing: Vec<String> = self
            .typed_types()
            .into_iter()
            .filter(|t| !self.prices.contains_key(t))
            .collect();
        missing.dedup();
        if missing.is_empty() || missing == self.asking {
            return None;
        }
        self.asking = missing.clone();
        Some(crate::ui::action::Effect::PriceInstanceTypes(missing))
    }

    /// The Instance types row's price line: each allowed type with its hourly price.
    fn price_line(&self) -> Option<String> {
        let types = self.typed_types();
        if types.is_empty() {
            return None;
        }
        let mut notes: Vec<&str> = Vec::new();
        let line = types
            .iter()
            .map(|t| match self.prices.get(t) {
                Some(Some(p)) => {
                    if let Some(n) = p.note.as_deref()
                        && !notes.contains(&n)
                    {
                        notes.push(n);
                    }
                    format!("{t} ${:.4}/h", p.usd)
                }
                Some(None) => format!("{t} price unknown"),
                None if self.asking.contains(t) => format!("{t} price …"),
                None => format!("{t} price unknown"),
            })
            .collect::<Vec<_>>()
            .join(" · ");
        // Bundled prices are never passed off as live ones.
        Some(if notes.is_empty() {
            line
        } else {
            format!("{line} ({})", notes.join("; "))
        })
    }

    /// Typed text changed: the prices of new types are asked for.
    fn changed(&mut self) -> Outcome {
        match self.price_request() {
            Some(effect) => Outcome::Effects(vec![effect]),
            None => Outcome::Consumed,
        }
    }

    fn focus_to(&mut self, i: usize) {
        self.focus = i.min(self.rows() - 1);
        self.cursor = self.texts[self.focus].chars().count();
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        let t = &self.texts[self.focus];
        t.char_indices().nth(char_idx).map_or(t.len(), |(b, _)| b)
    }

    /// Check everything: the validated parameters when every field is valid, else None with the
    /// focus on the first bad field (nothing is cleared).
    pub fn submit(&mut self) -> Option<Parameters> {
        self.revalidate();
        if let Some(first) = Field::ALL.iter().position(|f| self.errors.contains_key(f)) {
            self.focus_to(first);
            self.notice = Some(format!(
                "{} field(s) need a fix before the review.",
                self.errors.len() + usize::from(self.users_error.is_some())
            ));
            return None;
        }
        if self.users_error.is_some() {
            self.focus_to(Field::ALL.len());
            self.notice = Some("The Studio users need a fix before the review.".into());
            return None;
        }
        // Every error names its field, so no field error means the check gave the parameters.
        let Some(params) = self.valid.clone() else {
            self.notice = Some("The parameters need a fix before the review.".into());
            return None;
        };
        // The template's own constraints, so a parameter it would refuse never reaches AWS.
        if let Err(refused) = crate::ops::params::template_refusals(&params)
            && let Some(first) = refused.first()
        {
            self.notice = Some(format!("The template refuses a value: {first}"));
            return None;
        }
        self.notice = None;
        Some(params)
    }

    /// F3: the SageMaker default bucket joins the allowed buckets (once), and the focus moves
    /// there so the trade-off in its help is in view.
    fn add_sagemaker_bucket(&mut self) {
        let i = Field::AllowedBuckets as usize;
        let Some(bucket) = self.sagemaker_bucket.clone() else {
            self.notice = Some(
                "The account is not known yet, so neither is the SageMaker default bucket \
                 (sagemaker-<region>-<account>): type it in Allowed buckets."
                    .into(),
            );
            return;
        };
        let mut buckets = crate::core::params::parse_domain_list(&self.texts[i]);
        if buckets.contains(&bucket) {
            self.notice = Some(format!("{bucket} is in Allowed buckets already."));
        } else {
            buckets.push(bucket.clone());
            self.texts[i] = buckets.join(", ");
            self.notice = Some(format!(
                "Added {bucket}, the SageMaker Python SDK's default bucket: notebooks may read and \
                 write it, so the fenced data can be copied there."
            ));
        }
        self.focus_to(i);
        self.revalidate();
    }

    /// Submitting from a key: the review of the validated parameters, checked once here.
    fn submitted(&mut self) -> Outcome {
        match self.submit() {
            Some(params) => Outcome::GoTo(Go::Review(Box::new(params))),
            None => Outcome::Consumed,
        }
    }

    fn on_key(&mut self, cmd: Cmd) -> Outcome {
        let n = self.rows();
        let len = self.texts[self.focus].chars().count();
        match cmd {
            Cmd::Review => return self.submitted(),
            Cmd::AddSageMakerBucket => self.add_sagemaker_bucket(),
            // Back to preflight, which checks the values as they are now.
            Cmd::Back => return Outcome::GoTo(Go::Back),
            Cmd::PreviousField => self.focus_to((self.focus + n - 1) % n),
            Cmd::NextField => self.focus_to((self.focus + 1) % n),
            Cmd::Enter => {
                if self.focus + 1 == n {
                    return self.submitted();
                }
                self.focus_to(self.focus + 1);
            }
            Cmd::Left => self.cursor = self.cursor.saturating_sub(1),
            Cmd::Right => self.cursor = (self.cursor + 1).min(len),
            Cmd::Home => self.cursor = 0,
            Cmd::End => self.cursor = len,
            Cmd::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    let b = self.byte_at(self.cursor);
                    self.texts[self.focus].remove(b);
                    self.revalidate();
                    return self.changed();
                }
            }
            Cmd::Delete => {
                if self.cursor < len {
                    let b = self.byte_at(self.cursor);
                    self.texts[self.focus].remove(b);
                    self.revalidate();
                    return self.changed();
                }
            }
        }
        Outcome::Consumed
    }

    /// A character typed into the focused field.
    fn type_char(&mut self, key: Key) -> Outcome {
        match key.code {
            KeyCode::Char(c) if !key.ctrl => {
                let b = self.byte_at(self.cursor);
                self.texts[self.focus].insert(b, c);
                self.cursor += 1;
                self.revalidate();
                self.changed()
            }
            _ => Outcome::Ignored,
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let help_h = if area.height < 22 { 4 } else { 6 };
        let [form_area, help_area] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(help_h)]).areas(area);
        let block = Block::bordered().title(Line::styled(" Parameters ", theme.title()));
        let inner = block.inner(form_area);
        f.render_widget(block, form_area);

        let label_w = 22usize;
        let value_w = (inner.width as usize).saturating_sub(label_w + 3).max(8);
        let mut lines: Vec<Line> = Vec::new();
        let mut cursor_pos = None;
        if let Some(n) = &self.notice {
            lines.push(Line::styled(shown(n).into_owned(), theme.warn()));
        }
        for (i, field) in Field::ALL.iter().enumerate() {
            let focused = i == self.focus;
            let text = &self.texts[i];
            // Keep the cursor visible in long values (the domain list).
            let (visible, cur) = window(text, if focused { self.cursor } else { 0 }, value_w);
            let marker = if focused { "› " } else { "  " };
            let label_style = if focused { theme.title() } else { theme.text() };
            let value_style = if focused {
                theme.selected()
            } else {
                theme.text()
            };
            let bad = self.errors.contains_key(field);
            let mark = if bad {
                Span::styled(" ✘", theme.error())
            } else if self.warnings.contains_key(field) {
                Span::styled(" ⚠", theme.warn())
            } else {
                Span::styled(" ✔", theme.ok())
            };
            lines.push(Line::from(vec![
                Span::styled(marker, theme.key()),
                Span::styled(
                    format!("{:<w$}", field.label(), w = label_w - 2),
                    label_style,
                ),
                Span::styled(format!("{visible:<value_w$}"), value_style),
                mark,
            ]));
            if focused {
                let x = inner.x + label_w as u16 + cur as u16;
                let y = inner.y + lines.len() as u16 - 1;
                if y < inner.bottom() {
                    cursor_pos = Some(Position::new(x.min(inner.right()), y));
                }
            }
            if let Some(e) = self.errors.get(field) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w)),
                    Span::styled(shown(e).into_owned(), theme.error()),
                ]));
            } else if let Some(w) = self.warnings.get(field) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w)),
                    Span::styled(shown(w).into_owned(), theme.warn()),
                ]));
            } else if *field == Field::InstanceTypes
                && let Some(prices) = self.price_line()
            {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w)),
                    Span::styled(prices, theme.dim()),
                ]));
            }
        }
        {
            let i = Field::ALL.len();
            let focused = i == self.focus;
            let (visible, cur) = window(
                &self.texts[i],
                if focused { self.cursor } else { 0 },
                value_w,
            );
            let mark = if self.users_error.is_some() {
                Span::styled(" ✘", theme.error())
            } else {
                Span::styled(" ✔", theme.ok())
            };
            lines.push(Line::from(vec![
                Span::styled(if focused { "› " } else { "  " }, theme.key()),
                Span::styled(
                    format!("{:<w$}", USERS_LABEL, w = label_w - 2),
                    if focused { theme.title() } else { theme.text() },
                ),
                Span::styled(
                    format!("{visible:<value_w$}"),
                    if focused {
                        theme.selected()
                    } else {
                        theme.text()
                    },
                ),
                mark,
            ]));
            if focused {
                let x = inner.x + label_w as u16 + cur as u16;
                let y = inner.y + lines.len() as u16 - 1;
                if y < inner.bottom() {
                    cursor_pos = Some(Position::new(x.min(inner.right()), y));
                }
            }
            if let Some(e) = &self.users_error {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w)),
                    Span::styled(shown(e).into_owned(), theme.error()),
                ]));
            }
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<w$}", "Studio sign-in", w = label_w - 2),
                theme.dim(),
            ),
            Span::styled(crate::ops::studio::IDENTITY_NOTE, theme.dim()),
        ]));
        // Scroll so the focused field stays visible on short terminals.
        let focus_line = cursor_pos.map_or(0, |p| p.y - inner.y);
        let scroll = focus_line.saturating_sub(inner.height.saturating_sub(2));
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            inner,
        );
        if let Some(p) = cursor_pos
            && scroll == 0
        {
            f.set_cursor_position(p);
        }
        let (label, help) = match self.field() {
            Some(Field::AllowedBuckets) => (
                Field::AllowedBuckets.label(),
                match &self.sagemaker_bucket {
                    Some(b) => format!("F3 adds {}. {}", shown(b), Field::AllowedBuckets.help()),
                    None => Field::AllowedBuckets.help().to_string(),
                },
            ),
            Some(field) => (field.label(), field.help().to_string()),
            None => (USERS_LABEL, USERS_HELP.to_string()),
        };
        f.render_widget(
            Paragraph::new(help)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(Line::styled(format!(" {label} "), theme.dim()))),
            help_area,
        );
    }
}

/// What a field's row shows of `text`: every character escaped as [`shown`] escapes it (the
/// buffer may hold a deployed value, which is AWS's or someone's text: a control character or
/// an escape sequence must never reach the terminal), cut to `width` characters around the
/// cursor at character `cursor` of the buffer; and the cursor's column in what is shown.
fn window(text: &str, cursor: usize, width: usize) -> (String, usize) {
    let pieces: Vec<String> = text
        .chars()
        .map(|c| shown(c.encode_utf8(&mut [0; 4])).into_owned())
        .collect();
    let at: usize = pieces.iter().take(cursor).map(|p| p.chars().count()).sum();
    let start = at.saturating_sub(width.saturating_sub(1));
    let visible: String = pieces.concat().chars().skip(start).take(width).collect();
    (visible, at - start)
}

impl Screen for ParamsState {
    const STEP: Step = Step::Parameters;
    const TITLE: &'static str = "3 · Parameters";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        KEYS
    }

    /// A form: letters are text in it.
    fn captures_keys(&self) -> bool {
        true
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut Ctx) -> Outcome {
        self.on_key(cmd)
    }

    fn on_text(&mut self, key: Key) -> Outcome {
        self.type_char(key)
    }

    fn on_reply(&mut self, reply: crate::ui::action::Reply, _ctx: &mut Ctx) -> Outcome {
        if let crate::ui::action::Reply::InstancePrices(prices) = reply {
            self.asking.clear();
            self.prices.extend(prices);
            // Types typed while the answer was on its way.
            return self.changed();
        }
        Outcome::Ignored
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme);
    }
}
