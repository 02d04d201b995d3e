//! The teardown from the overview: the plan (what goes, in which order, and what each bucket
//! choice does), the typed confirmation, the live progress, and the measured report. The same
//! operation as `studio-tui destroy`; in read-only mode it shows the plan and deletes nothing.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Ctx, DrawCtx, Go, Loadable, Outcome, Screen, Step};

use crate::ops;
use crate::ops::destroy::{BucketChoice, DestroyPlan, DestroyReport};
use crate::ops::studio::StudioMsg;
use crate::ui::action::{Effect, Reply};
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;
use crate::ui::widgets::{clear_centered, spinner};

/// What the teardown's keys ask for (while the name is typed, a character is its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    EmptyBuckets,
    KeepBuckets,
    NoBucketChoice,
    /// Open the typed confirmation.
    Delete,
    /// Enter: delete, once the typed name matches.
    Confirm,
    /// Esc: close the typed confirmation.
    Cancel,
    Back,
}

/// Keys while the plan is shown.
pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new(
        "e",
        "empty the buckets",
        &[(Key::ch('e'), Cmd::EmptyBuckets)],
    ),
    Binding::new("k", "keep the buckets", &[(Key::ch('k'), Cmd::KeepBuckets)]),
    Binding::new("D", "delete…", &[(Key::ch('D'), Cmd::Delete)]),
    Binding::new("b", "back", &[(Key::ch('b'), Cmd::Back)]),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::new(
        "n",
        "no bucket choice (only when they are empty)",
        &[(Key::ch('n'), Cmd::NoBucketChoice)],
    )
    .help_only(),
    Binding::new("Esc", "back to the overview", &[(Key::ESC, Cmd::Back)]).help_only(),
    Binding::shared("q", "quit", &[Key::ch('q')]).help_only(),
];
/// Keys while the project name is typed.
pub const CONFIRM_KEYS: &[Binding<Cmd>] = &[
    Binding::new(
        "Enter",
        "delete (once the name matches)",
        &[(Key::ENTER, Cmd::Confirm)],
    ),
    Binding::new("Esc", "cancel", &[(Key::ESC, Cmd::Cancel)]),
];
/// Keys while deleting.
pub const RUNNING_KEYS: &[Binding<Cmd>] = &[
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::shared(
        "q",
        "quit (asks: the teardown stops where it is)",
        &[Key::ch('q')],
    ),
    Binding::shared("g", "topology", &[Key::ch('g')]).help_only(),
];
/// Keys once finished.
pub const DONE_KEYS: &[Binding<Cmd>] = &[
    Binding::new("b", "back", &[(Key::ch('b'), Cmd::Back)]),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::shared("q", "quit", &[Key::ch('q')]),
    Binding::new("Esc", "back", &[(Key::ESC, Cmd::Back)]).help_only(),
];

/// Where the teardown is.
#[derive(Debug)]
pub enum Phase {
    /// The plan is shown; a bucket choice can be made.
    Planning,
    /// The project name is being typed to confirm.
    Confirm { input: String },
    /// Deleting; progress lines arrive.
    Running,
    /// Finished: the report, or the error that stopped it before anything was deleted.
    Done(Box<Result<DestroyReport, ops::Error>>),
}

#[derive(Debug)]
pub struct TeardownState {
    pub project: String,
    pub stack_name: String,
    pub read_only: bool,
    pub plan: Loadable<DestroyPlan, ops::Error>,
    pub choice: BucketChoice,
    pub phase: Phase,
    pub log: Vec<String>,
}

impl TeardownState {
    pub fn new(project: &str, stack_name: &str, read_only: bool) -> TeardownState {
        TeardownState {
            project: project.to_string(),
            stack_name: stack_name.to_string(),
            read_only,
            plan: Loadable::Loading,
            choice: BucketChoice::Unspecified,
            phase: Phase::Planning,
            log: Vec::new(),
        }
    }

    pub fn load(&self) -> Effect {
        Effect::PlanTeardown {
            project: self.project.clone(),
            stack_name: self.stack_name.clone(),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.plan.is_loading() || matches!(self.phase, Phase::Running)
    }

    pub fn running(&self) -> bool {
        matches!(self.phase, Phase::Running)
    }

    /// The stack is gone (the wizard goes back to the start).
    pub fn finished_clean(&self) -> bool {
        matches!(&self.phase, Phase::Done(r) if r.as_ref().as_ref().is_ok_and(|r| r.stack_deleted))
    }

    pub fn on_plan(&mut self, result: Result<DestroyPlan, ops::Error>) {
        self.plan = match result {
            Ok(p) => {
                if p.needs_bucket_choice() && self.choice == BucketChoice::Unspecified {
                    self.choice = BucketChoice::Retain;
                }
                Loadable::Loaded(p)
            }
            Err(e) => Loadable::Failed(e),
        };
    }

    pub fn on_msg(&mut self, msg: &StudioMsg) {
        self.log.push(msg.line());
    }

    pub fn on_done(&mut self, result: Result<DestroyReport, ops::Error>) {
        self.phase = Phase::Done(Box::new(result));
    }

    /// Why the confirmation cannot open now, if it cannot.
    fn blocked(&self) -> Option<String> {
        if self.read_only {
            return Some("read-only: this is what a teardown would delete; nothing is".into());
        }
        match &self.plan {
            Loadable::Loaded(p) if p.is_empty() => Some("nothing to delete".into()),
            Loadable::Loaded(p) => p
                .refusal(self.choice)
                .map(|e| ErrorView::new(&e).sentence()),
            _ => Some("the plan is not known yet".into()),
        }
    }

    fn on_key(&mut self, cmd: Cmd) -> Outcome {
        // The stack is gone: nothing is left to show an overview of.
        if cmd == Cmd::Back && self.finished_clean() {
            return Outcome::GoTo(Go::Start);
        }
        match &mut self.phase {
            Phase::Confirm { input } => match cmd {
                Cmd::Cancel => {
                    self.phase = Phase::Planning;
                    Outcome::Consumed
                }
                Cmd::Confirm if *input == self.project => {
                    self.phase = Phase::Running;
                    Outcome::Effects(vec![Effect::Teardown {
                        project: self.project.clone(),
                        stack_name: self.stack_name.clone(),
                        choice: self.choice,
                    }])
                }
                _ => Outcome::Ignored,
            },
            Phase::Running => Outcome::Ignored,
            Phase::Done(_) => match cmd {
                Cmd::Back => Outcome::GoTo(Go::Back),
                _ => Outcome::Ignored,
            },
            Phase::Planning => match cmd {
                Cmd::EmptyBuckets => {
                    self.choice = BucketChoice::Empty;
                    Outcome::Consumed
                }
                Cmd::KeepBuckets => {
                    self.choice = BucketChoice::Retain;
                    Outcome::Consumed
                }
                Cmd::NoBucketChoice => {
                    self.choice = BucketChoice::Unspecified;
                    Outcome::Consumed
                }
                Cmd::Delete if self.blocked().is_none() => {
                    self.phase = Phase::Confirm {
                        input: String::new(),
                    };
                    Outcome::Consumed
                }
                Cmd::Back => Outcome::GoTo(Go::Back),
                _ => Outcome::Ignored,
            },
        }
    }

    /// A key typed into the confirmation: the project's name, Backspace erasing.
    fn type_key(&mut self, key: Key) -> Outcome {
        let Phase::Confirm { input } = &mut self.phase else {
            return Outcome::Ignored;
        };
        match key.code {
            KeyCode::Backspace => {
                input.pop();
                Outcome::Consumed
            }
            KeyCode::Char(c) => {
                input.push(c);
                Outcome::Consumed
            }
            _ => Outcome::Ignored,
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let mut lines: Vec<Line> = Vec::new();
        match &self.plan {
            Loadable::Loading | Loadable::Idle => lines.push(Line::raw(format!(
                "{} Finding what a teardown of {} would delete…",
                spinner(tick),
                self.project
            ))),
            Loadable::Failed(e) => {
                lines.extend(ErrorView::new(e).lines(theme));
            }
            Loadable::Loaded(p) => {
                lines.push(Line::styled(
                    format!(
                        "Tear down {} ({}) — in this order:",
                        p.project, p.stack_name
                    ),
                    theme.title(),
                ));
                for (i, l) in p.lines(self.choice).into_iter().enumerate() {
                    lines.push(Line::raw(format!(" {:>2}. {l}", i + 1)));
                }
                lines.push(Line::raw(""));
                let choice = match self.choice {
                    BucketChoice::Empty => "empty them (every object version is deleted)",
                    BucketChoice::Retain => "keep them, with their data and KMS key",
                    BucketChoice::Unspecified => "none (only possible when they are empty)",
                };
                lines.push(Line::from(vec![
                    Span::styled("Buckets: ", theme.dim()),
                    Span::styled(choice, theme.key()),
                    Span::styled("   e empty · k keep · n none", theme.dim()),
                ]));
            }
        }
        let [top, bottom] =
            Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
        let (plan_area, log_area) = if matches!(self.phase, Phase::Planning | Phase::Confirm { .. })
        {
            (area, None)
        } else {
            (top, Some(bottom))
        };
        match (&self.phase, self.blocked()) {
            (Phase::Planning, Some(why)) => {
                lines.push(Line::styled(why, theme.warn()));
            }
            (Phase::Planning, None) => lines.push(Line::styled(
                "Press D to delete (you will type the project name).",
                theme.warn(),
            )),
            _ => {}
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(" Teardown ")),
            plan_area,
        );
        if let Some(log_area) = log_area {
            self.render_progress(f, log_area, theme, tick);
        }
        if let Phase::Confirm { input } = &self.phase {
            let lines = vec![
                Line::raw(format!(
                    "Delete project {}? The domain and every user's home folder are deleted \
                     for good.",
                    self.project
                )),
                Line::raw(""),
                Line::from(vec![
                    Span::raw("Type the project name to confirm: "),
                    Span::styled(input.clone(), theme.key()),
                    Span::styled("▏", theme.title()),
                ]),
                Line::raw(""),
                Line::styled(
                    if *input == self.project {
                        "Enter to delete, Esc to cancel"
                    } else {
                        "Esc to cancel"
                    },
                    theme.dim(),
                ),
            ];
            let popup = clear_centered(f, area, area.width.saturating_sub(4).min(72), 9);
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(Block::bordered().title(Line::styled(" Confirm ", theme.title()))),
                popup,
            );
        }
    }

    fn render_progress(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let mut lines: Vec<Line> = Vec::new();
        match &self.phase {
            Phase::Running => lines.push(Line::raw(format!("{} Deleting…", spinner(tick)))),
            Phase::Done(r) => match r.as_ref() {
                Ok(report) => {
                    for (b, n) in &report.emptied {
                        lines.push(Line::raw(format!("emptied {b} ({n} object versions)")));
                    }
                    if let Some(e) = &report.stopped {
                        lines.extend(ErrorView::new(e).labelled("stopped").lines(theme));
                    }
                    for k in &report.kept {
                        lines.push(Line::styled(
                            format!("kept {}: {} ({})", k.what, k.arn, k.cost),
                            theme.ok(),
                        ));
                        if let Some(note) = &k.note {
                            lines.push(Line::styled(format!("  note: {note}"), theme.warn()));
                        }
                    }
                    for l in &report.left_behind {
                        lines.push(Line::styled(format!("left: {l}"), theme.warn()));
                    }
                    if report.is_clean() {
                        lines.push(Line::styled(
                            format!(
                                "✔ Nothing of {} is left behind (checked with describes). b: back",
                                report.project
                            ),
                            theme.ok(),
                        ));
                    } else {
                        lines.push(Line::raw("Run the teardown again to resume. b: back"));
                    }
                }
                Err(e) => {
                    lines.extend(ErrorView::new(e).lines(theme));
                }
            },
            _ => {}
        }
        let room = (area.height as usize).saturating_sub(2 + lines.len());
        let start = self.log.len().saturating_sub(room);
        let mut all: Vec<Line> = self.log[start..]
            .iter()
            .map(|l| Line::styled(l.clone(), theme.dim()))
            .collect();
        all.extend(lines);
        f.render_widget(
            Paragraph::new(all)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(" Progress ")),
            area,
        );
    }
}

impl Screen for TeardownState {
    const STEP: Step = Step::Teardown;
    const TITLE: &'static str = "Teardown";
    type Cmd = Cmd;

    /// The keys of the current phase.
    fn keys(&self) -> &'static [Binding<Cmd>] {
        match self.phase {
            Phase::Planning => KEYS,
            Phase::Confirm { .. } => CONFIRM_KEYS,
            Phase::Running => RUNNING_KEYS,
            Phase::Done(_) => DONE_KEYS,
        }
    }

    /// The name input is open: every character goes to it.
    fn captures_keys(&self) -> bool {
        matches!(self.phase, Phase::Confirm { .. })
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut Ctx) -> Outcome {
        self.on_key(cmd)
    }

    fn on_text(&mut self, key: Key) -> Outcome {
        self.type_key(key)
    }

    fn busy(&self) -> bool {
        self.is_busy()
    }

    fn on_reply(&mut self, reply: Reply, _ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::TeardownPlanned(result) => self.on_plan(*result),
            Reply::Teardown(msg) => self.on_msg(&msg),
            Reply::TeardownDone(result) => self.on_done(*result),
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn open(&mut self) -> Vec<Effect> {
        vec![self.load()]
    }

    fn quit_warning(&self) -> Option<&'static str> {
        self.running().then_some(
            "Quitting stops the teardown where it is (a stack deletion already started goes on \
             in AWS); run it again to resume. Quit? y/n",
        )
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme, ctx.tick);
    }
}
