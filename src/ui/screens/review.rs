//! The review: what the change set will add, modify (replacements highlighted) and remove,
//! grouped with counts and with security-relevant changes flagged; or why there is nothing to
//! review (up to date, blocked with its recovery, the plan failed).

use crate::aws::stacks::is_security_relevant;
use crate::core::shown::shown;
use crate::ops;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Ctx, DrawCtx, Go, Outcome, Screen, Step};

use crate::aws::stacks::{ChangeSetKind, PlannedChange, StackInfo};
use crate::core::status::ChangeSetStatus;
use crate::ops::deploy::{DeployMsg, Plan, Recovery, Review};
use crate::ui::action::{Effect, Reply};
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;
use crate::ui::widgets::spinner;

/// What the review's keys ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Execute,
    /// `c`: delete the change set.
    Cancel,
    /// Esc: delete the change set, or go back where there is none.
    Dismiss,
    Back,
    /// `n`: on to the Studio step when the stack is up to date (and "no" to a change set).
    Next,
    DeleteAndRetry,
    ContinueRollback,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
}

/// The rows every state of the review scrolls with.
const SCROLL: Binding<Cmd> = Binding::new(
    "↑↓ PgUp PgDn",
    "scroll",
    &[
        (Key::UP, Cmd::Up),
        (Key::DOWN, Cmd::Down),
        (Key::PAGE_UP, Cmd::PageUp),
        (Key::PAGE_DOWN, Cmd::PageDown),
    ],
);
const SCROLL_MORE: Binding<Cmd> = Binding::new(
    "j / k / Home",
    "scroll",
    &[
        (Key::ch('j'), Cmd::Down),
        (Key::ch('k'), Cmd::Up),
        (Key::HOME, Cmd::Top),
    ],
)
.help_only();

/// A blocked stack's way back.
const BACK: Binding<Cmd> = Binding::new(
    "b/Esc",
    "back",
    &[(Key::ch('b'), Cmd::Back), (Key::ESC, Cmd::Back)],
);

/// A change set (or its planning), a stack up to date, a failed plan.
pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new(
        "Enter/y",
        "execute",
        &[(Key::ENTER, Cmd::Execute), (Key::ch('y'), Cmd::Execute)],
    ),
    Binding::new(
        "c/Esc",
        "cancel",
        &[(Key::ch('c'), Cmd::Cancel), (Key::ESC, Cmd::Dismiss)],
    ),
    SCROLL,
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::new(
        "b",
        "back to the parameters (up to date, failed)",
        &[(Key::ch('b'), Cmd::Back)],
    )
    .help_only(),
    Binding::new(
        "n",
        "next: Studio domain and users (up to date)",
        &[(Key::ch('n'), Cmd::Next)],
    )
    .help_only(),
    SCROLL_MORE,
    Binding::shared("q", "quit", &[Key::ch('q')]).help_only(),
];

/// A stack CloudFormation cannot continue from, whose recovery is deleting it.
pub const KEYS_BLOCKED_DELETE: &[Binding<Cmd>] = &[
    Binding::new(
        "R",
        "delete & retry",
        &[(Key::ch('R'), Cmd::DeleteAndRetry)],
    ),
    BACK,
    SCROLL,
    Binding::shared("?", "help", &[Key::ch('?')]),
    SCROLL_MORE,
    Binding::shared("q", "quit", &[Key::ch('q')]).help_only(),
];

/// A stack whose update rollback failed: its recovery is continuing the rollback.
pub const KEYS_BLOCKED_ROLLBACK: &[Binding<Cmd>] = &[
    Binding::new(
        "C",
        "continue rollback",
        &[(Key::ch('C'), Cmd::ContinueRollback)],
    ),
    BACK,
    SCROLL,
    Binding::shared("?", "help", &[Key::ch('?')]),
    SCROLL_MORE,
    Binding::shared("q", "quit", &[Key::ch('q')]).help_only(),
];

#[derive(Debug, Clone, PartialEq)]
pub enum ReviewState {
    /// Creating the change set; the latest phase text.
    Planning(String),
    Ready(Review),
    UpToDate(StackInfo),
    Blocked {
        stack: StackInfo,
        recovery: Recovery,
    },
    /// Deleting the change set after a cancel.
    Cancelling(Review),
    Failed(ops::Error),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewScreen {
    pub state: ReviewState,
    pub scroll: u16,
    /// The change set's monthly cost once estimated (None while it is being asked), or why it
    /// could not be.
    pub cost: Option<Result<crate::ops::cost::ReviewCost, String>>,
}

impl ReviewScreen {
    pub fn planning() -> ReviewScreen {
        ReviewScreen {
            state: ReviewState::Planning("Preparing the change set".into()),
            scroll: 0,
            cost: None,
        }
    }

    pub fn from_plan(plan: Plan) -> ReviewScreen {
        let state = match plan {
            Plan::Review(r) => ReviewState::Ready(r),
            Plan::UpToDate(s) | Plan::InProgress(s) => ReviewState::UpToDate(s),
            Plan::Blocked { stack, recovery } => ReviewState::Blocked { stack, recovery },
        };
        ReviewScreen {
            state,
            scroll: 0,
            cost: None,
        }
    }

    /// Why there is no change set to review.
    pub fn failed(e: ops::Error) -> ReviewScreen {
        ReviewScreen {
            state: ReviewState::Failed(e),
            scroll: 0,
            cost: None,
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(
            self.state,
            ReviewState::Planning(_) | ReviewState::Cancelling(_)
        )
    }

    fn on_key(&mut self, cmd: Cmd) -> Outcome {
        match cmd {
            Cmd::Down => self.scroll = self.scroll.saturating_add(1),
            Cmd::Up => self.scroll = self.scroll.saturating_sub(1),
            Cmd::PageDown => self.scroll = self.scroll.saturating_add(10),
            Cmd::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Cmd::Top => self.scroll = 0,
            _ => return self.decide(cmd),
        }
        Outcome::Consumed
    }

    fn decide(&mut self, cmd: Cmd) -> Outcome {
        match (&self.state, cmd) {
            (ReviewState::Ready(r), Cmd::Execute) if executable(r) => {
                Outcome::GoTo(Go::Execute(Box::new(r.clone())))
            }
            // `n` answers a change set as `y` does: no.
            (ReviewState::Ready(r), Cmd::Cancel | Cmd::Dismiss | Cmd::Next) => {
                let r = r.clone();
                self.state = ReviewState::Cancelling(r.clone());
                Outcome::Effects(vec![Effect::Cancel(r)])
            }
            (ReviewState::Blocked { stack, recovery }, Cmd::DeleteAndRetry)
                if *recovery == Recovery::DeleteAndRetry =>
            {
                Outcome::GoTo(Go::Recover(Box::new(stack.clone()), *recovery))
            }
            (ReviewState::Blocked { stack, recovery }, Cmd::ContinueRollback)
                if *recovery == Recovery::ContinueRollback =>
            {
                Outcome::GoTo(Go::Recover(Box::new(stack.clone()), *recovery))
            }
            (
                ReviewState::UpToDate(_) | ReviewState::Failed(_) | ReviewState::Blocked { .. },
                Cmd::Back | Cmd::Dismiss,
            ) => Outcome::GoTo(Go::Back),
            // Nothing to deploy: on to the Studio step.
            (ReviewState::UpToDate(_), Cmd::Next) => Outcome::GoTo(Go::SetUpStudio),
            _ => Outcome::Ignored,
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let mut lines: Vec<Line> = Vec::new();
        let title = match &self.state {
            ReviewState::Planning(text) => {
                lines.push(Line::from(vec![
                    Span::styled(spinner(tick), theme.title()),
                    Span::raw(format!(" {text}…")),
                ]));
                " Review "
            }
            ReviewState::Cancelling(r) => {
                lines.push(Line::from(vec![
                    Span::styled(spinner(tick), theme.title()),
                    Span::raw(format!(
                        " Deleting change set for {}{}…",
                        r.stack_name,
                        if r.kind == ChangeSetKind::Create {
                            " (and the empty stack it left)"
                        } else {
                            ""
                        }
                    )),
                ]));
                " Review "
            }
            ReviewState::Ready(r) => {
                review_lines(r, theme, &mut lines);
                // Under the changes, above the keys that execute or cancel them.
                if executable(r) {
                    let at = lines.len().saturating_sub(1);
                    lines.insert(at, cost_line(self.cost.as_ref(), theme));
                }
                " Review the change set "
            }
            ReviewState::UpToDate(s) => {
                lines.push(Line::styled(
                    format!("✔ Stack {} is up to date ({}).", s.stack_name, s.status),
                    theme.ok(),
                ));
                lines.push(Line::raw(""));
                lines.push(Line::raw(
                    "Nothing to deploy. n goes on to the Studio domain and users; b changes a \
                     parameter to update the stack.",
                ));
                " Up to date "
            }
            ReviewState::Blocked { stack, recovery } => {
                lines.push(Line::styled(
                    format!(
                        "✘ Stack {} is {}",
                        crate::core::shown::shown(&stack.stack_name),
                        stack.status
                    ),
                    theme.error(),
                ));
                if let Some(r) = &stack.status_reason {
                    lines.push(Line::raw(crate::core::shown::shown(r).into_owned()));
                }
                lines.push(Line::raw(""));
                lines.push(Line::raw(
                    crate::core::shown::shown(&recovery.explain(&stack.stack_name, &stack.status))
                        .into_owned(),
                ));
                lines.push(Line::raw(""));
                lines.push(Line::from(match recovery {
                    Recovery::DeleteAndRetry => vec![
                        Span::styled("R", theme.key()),
                        Span::raw(" delete the stack, then deploy again   "),
                        Span::styled("b", theme.key()),
                        Span::raw(" back"),
                    ],
                    Recovery::ContinueRollback => vec![
                        Span::styled("C", theme.key()),
                        Span::raw(" continue the rollback   "),
                        Span::styled("b", theme.key()),
                        Span::raw(" back"),
                    ],
                }));
                " Blocked "
            }
            ReviewState::Failed(e) => {
                lines.extend(ErrorView::new(e).with_headline().lines(theme));
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    "b: back to the parameters (nothing you typed is lost)",
                    theme.dim(),
                ));
                " Plan failed "
            }
        };
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0))
                .block(Block::bordered().title(Line::styled(title, theme.title()))),
            area,
        );
    }
}

impl Screen for ReviewScreen {
    const STEP: Step = Step::Review;
    const TITLE: &'static str = "4 · Review the changes";
    type Cmd = Cmd;

    /// The recovery keys only where they do something: a blocked stack offers the one its
    /// state allows, a change set offers none.
    fn keys(&self) -> &'static [Binding<Cmd>] {
        match &self.state {
            ReviewState::Blocked {
                recovery: Recovery::DeleteAndRetry,
                ..
            } => KEYS_BLOCKED_DELETE,
            ReviewState::Blocked {
                recovery: Recovery::ContinueRollback,
                ..
            } => KEYS_BLOCKED_ROLLBACK,
            _ => KEYS,
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut Ctx) -> Outcome {
        self.on_key(cmd)
    }

    fn busy(&self) -> bool {
        self.is_busy()
    }

    fn on_reply(&mut self, reply: Reply, _ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Planned(result) => match *result {
                Ok(Plan::InProgress(stack)) => return Outcome::GoTo(Go::Reattach(Box::new(stack))),
                Ok(plan) => {
                    *self = ReviewScreen::from_plan(plan);
                    // A change set to execute: what it costs, asked in the background.
                    if let ReviewState::Ready(r) = &self.state
                        && executable(r)
                    {
                        return Outcome::Effects(vec![Effect::EstimateCost {
                            create: r.kind == ChangeSetKind::Create,
                            changes: crate::ops::cost::resource_changes(&r.change_set.changes),
                        }]);
                    }
                }
                Err(e) => *self = ReviewScreen::failed(e),
            },
            Reply::Costed(result) => {
                self.cost = Some((*result).map_err(|e| e.message().to_string()));
            }
            Reply::Cancelled(result) => match *result {
                Ok(()) => {
                    return Outcome::GoTo(Go::EditParameters(Some(
                        "Change set deleted: nothing was deployed. Edit and review again.".into(),
                    )));
                }
                Err(e) => *self = ReviewScreen::failed(e),
            },
            // Planning reports its phases here.
            Reply::Deploy(DeployMsg::Phase { text }) => {
                if let ReviewState::Planning(t) = &mut self.state {
                    *t = text;
                }
            }
            Reply::Deploy(_) => {}
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme, ctx.tick);
    }
}

/// The change set's monthly cost, or that it is being estimated, or why it could not be.
fn cost_line(
    cost: Option<&Result<crate::ops::cost::ReviewCost, String>>,
    theme: &Theme,
) -> Line<'static> {
    match cost {
        None => Line::styled("cost: estimating the monthly cost…", theme.dim()),
        Some(Ok(c)) => Line::raw(shown(&c.line()).into_owned()),
        Some(Err(e)) => Line::styled(format!("cost: not estimated ({})", shown(e)), theme.dim()),
    }
}

fn executable(r: &Review) -> bool {
    r.change_set.status == ChangeSetStatus::CreateComplete
}

fn review_lines(r: &Review, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let cs = &r.change_set;
    let kind = match r.kind {
        ChangeSetKind::Create => "CREATE",
        ChangeSetKind::Update => "UPDATE",
    };
    let of =
        |a: &str| -> Vec<&PlannedChange> { cs.changes.iter().filter(|c| c.action == a).collect() };
    let (add, modify, remove) = (of("Add"), of("Modify"), of("Remove"));
    let other: Vec<&PlannedChange> = cs
        .changes
        .iter()
        .filter(|c| !matches!(c.action.as_str(), "Add" | "Modify" | "Remove"))
        .collect();
    let replaced = modify
        .iter()
        .filter(|c| c.replacement.as_deref() == Some("True"))
        .count();
    let security = cs
        .changes
        .iter()
        .filter(|c| is_security_relevant(&c.resource_type))
        .count();
    lines.push(Line::from(vec![
        Span::styled(format!("{kind} "), theme.title()),
        Span::raw(format!(
            "stack {}: {} change(s): {} to add, {} to modify ({} replaced), {} to remove",
            r.stack_name,
            cs.changes.len(),
            add.len(),
            modify.len(),
            replaced,
            remove.len()
        )),
    ]));
    if cs.is_empty_change() {
        lines.push(Line::styled(
            "✔ Nothing to change: the stack already matches. c deletes this change set.",
            theme.ok(),
        ));
        return;
    }
    if !executable(r) {
        lines.push(Line::styled(
            format!(
                "✘ The change set is {}: {}",
                cs.status,
                crate::core::shown::shown(cs.status_reason.as_deref().unwrap_or_default())
            ),
            theme.error(),
        ));
    }
    validation_lines(r, theme, lines);
    for n in r.notes() {
        lines.push(Line::styled(format!("⚠ {n}"), theme.warn()));
    }
    if security > 0 {
        lines.push(Line::styled(
            format!(
                "⚠ {security} security-relevant change(s) (IAM, security groups, policies, \
                 firewall, KMS): marked ⚠ below"
            ),
            theme.warn(),
        ));
    }
    let id_w = cs
        .changes
        .iter()
        .map(|c| c.logical_id.len())
        .max()
        .unwrap_or(0)
        .clamp(10, 30);
    let mut group = |title: &str, sign: &'static str, items: &[&PlannedChange]| {
        if items.is_empty() {
            return;
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{title} ({})", items.len()),
            theme.title(),
        ));
        for c in items {
            let sec = is_security_relevant(&c.resource_type);
            let mut spans = vec![
                Span::styled(format!(" {sign} "), theme.key()),
                Span::styled(if sec { "⚠ " } else { "  " }, theme.warn()),
                Span::raw(format!(
                    "{} ",
                    crate::ui::widgets::fit(
                        &crate::core::shown::shown_max(&c.logical_id, id_w),
                        id_w
                    )
                )),
                Span::styled(shown(&c.resource_type).into_owned(), theme.dim()),
            ];
            if c.action == "Modify" {
                match c.replacement.as_deref() {
                    Some("True") => spans.push(Span::styled("  REPLACED", theme.error())),
                    Some("Conditional") => {
                        spans.push(Span::styled("  may be replaced", theme.warn()))
                    }
                    _ => {}
                }
                if !c.scope.is_empty() {
                    spans.push(Span::styled(
                        format!("  ({})", c.scope.join(", ")),
                        theme.dim(),
                    ));
                }
            }
            lines.push(Line::from(spans));
        }
    };
    group("Add", "+", &add);
    group("Modify", "~", &modify);
    group("Remove", "-", &remove);
    group("Other", "?", &other);
    lines.push(Line::raw(""));
    if executable(r) {
        lines.push(Line::from(vec![
            Span::styled("Enter/y", theme.key()),
            Span::raw(" execute   "),
            Span::styled("c/Esc", theme.key()),
            Span::raw(" cancel (deletes the change set)"),
        ]));
    } else {
        lines.push(Line::from(vec![
            Span::styled("c/Esc", theme.key()),
            Span::raw(" delete the change set and go back to the parameters (nothing is created)"),
        ]));
    }
}

/// CloudFormation's pre-deployment validation: each failure with its resource, template path,
/// AWS's reason and the fix; FAIL mode as errors, WARN mode as warnings.
fn validation_lines(r: &Review, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    if let Some(why) = &r.validation_unread {
        lines.push(Line::styled(format!("! {why}"), theme.warn()));
    }
    if r.validation.is_empty() {
        return;
    }
    let errors = r.validation_errors().count();
    let warnings = r.validation.len() - errors;
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Pre-deployment validation: {errors} error(s), {warnings} warning(s)"),
        theme.title(),
    ));
    for v in &r.validation {
        let (mark, style) = if v.is_warning() {
            ("!", theme.warn())
        } else {
            ("✘", theme.error())
        };
        let mut spans = vec![
            Span::styled(format!(" {mark} "), style),
            Span::raw(format!("{} ", shown(&v.resource))),
            Span::styled(shown(&v.resource_type).into_owned(), theme.dim()),
        ];
        if !v.path.is_empty() {
            spans.push(Span::raw(format!("  at {}", shown(&v.path))));
        }
        if !v.validation.is_empty() {
            spans.push(Span::styled(
                format!("  {}", shown(&v.validation)),
                theme.dim(),
            ));
        }
        lines.push(Line::from(spans));
        lines.push(Line::raw(format!("     {}", shown(&v.reason))));
        lines.push(Line::from(vec![
            Span::styled("     Fix: ", theme.key()),
            Span::raw(shown(&v.fix).into_owned()),
        ]));
    }
}
