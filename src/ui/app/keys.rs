//! Keys: the screen showing looks a key up in its table (the table its footer and help overlay
//! are drawn from) and does what the command bound there asks, asking the app ([`Go`]) for what
//! needs the state the screens share; then come the keys every screen shares (help, quit,
//! topology), through the app's own table.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::{App, HELP_OVERLAY_KEYS, Layer, QUIT_CONFIRM_KEYS, SHARED_KEYS, Shared, Step};
use crate::ops::deploy::Recovery;
use crate::ui::action::Effect;
use crate::ui::keymap::{self, Key};
use crate::ui::screens::overview::OverviewState;
use crate::ui::screens::review::ReviewScreen;
use crate::ui::screens::{AnyScreen, Go, Outcome};

impl App {
    /// Quit, or ask first while an operation runs in AWS (also from a screen opened over its
    /// screen, such as the topology): the screen following it says what quitting does to it.
    pub(super) fn ask_or_quit(&mut self) -> (bool, Vec<Effect>) {
        let warning = self.quit_warning();
        if warning.is_some() {
            self.confirm_quit = warning;
            (true, Vec::new())
        } else {
            self.quit = true;
            (false, Vec::new())
        }
    }

    pub(super) fn on_key(&mut self, event: KeyEvent) -> (bool, Vec<Effect>) {
        if event.kind == KeyEventKind::Release {
            return (false, Vec::new());
        }
        let key = Key::of(&event);
        // "Quit? y/n" and the help overlay take only the keys of their own tables (the footer
        // shows them while they are open); every other key is ignored.
        if self.confirm_quit.is_some() {
            return match keymap::command(QUIT_CONFIRM_KEYS, key) {
                Some(true) => {
                    self.quit = true;
                    (false, Vec::new())
                }
                Some(false) => {
                    self.confirm_quit = None;
                    (true, Vec::new())
                }
                None => (false, Vec::new()),
            };
        }
        if key == Key::ctrl('c') {
            return self.ask_or_quit();
        }
        // Ctrl with a letter is not the letter: Ctrl-S must not apply a suggestion or start
        // Studio, nor type an "s". Only the form has Ctrl shortcuts (Ctrl-S: review).
        if key.ctrl && matches!(key.code, KeyCode::Char(_)) && self.step() != Step::Parameters {
            return (false, Vec::new());
        }
        if self.help_open {
            if keymap::command(HELP_OVERLAY_KEYS, key).is_some() {
                self.help_open = false;
                return (true, Vec::new());
            }
            return (false, Vec::new());
        }
        // The form takes letters as text; F1 is its help.
        if self.step() == Step::Parameters && key == Key::F1 {
            self.help_open = true;
            return (true, Vec::new());
        }
        // An open input or overlay gets every character (q included) and keeps what its table
        // does not bind; elsewhere a key the table does not bind may be one every screen shares.
        let captured = self.view().is_some_and(AnyScreen::captures_keys);
        match self
            .with_view(|v, ctx| v.press(key, ctx))
            .unwrap_or(Outcome::Ignored)
        {
            Outcome::Consumed => (true, Vec::new()),
            Outcome::Effects(effects) => (true, effects),
            Outcome::GoTo(go) => self.go(go),
            Outcome::Ignored if captured => (false, Vec::new()),
            Outcome::Ignored => self.shared_key(key),
        }
    }

    /// The keys every screen shares, when the screen showing did not take the key.
    fn shared_key(&mut self, key: Key) -> (bool, Vec<Effect>) {
        match keymap::command(SHARED_KEYS, key) {
            Some(Shared::Topology)
                if self.step() != Step::Topology && self.session.session.is_some() =>
            {
                (true, self.open_topology())
            }
            Some(Shared::Help) => {
                self.help_open = true;
                (true, Vec::new())
            }
            Some(Shared::Quit) => self.ask_or_quit(),
            Some(Shared::Topology) | None => (false, Vec::new()),
        }
    }

    /// What a screen asked for that needs the app's state.
    pub(super) fn go(&mut self, go: Go) -> (bool, Vec<Effect>) {
        match go {
            Go::Back => self.back(),
            Go::Start => {
                self.show(Layer::Session);
                (true, Vec::new())
            }
            Go::Open(mut screen) => {
                let effects = screen.open();
                self.open_over(Layer::Own(screen));
                (true, effects)
            }
            Go::Swap(screen) => {
                self.stack.pop();
                self.stack.push(Layer::Own(screen));
                (true, Vec::new())
            }
            Go::Next => (true, self.next_step()),
            Go::Recheck => (true, self.start_preflight()),
            // From the overview, `s` asks for the domain to be brought up to date.
            Go::SetUpStudio => {
                let asked = self.showing::<OverviewState>().is_some();
                (true, self.start_studio(asked))
            }
            Go::Update => {
                // The form starts from what the stack runs (unless it was filled already).
                if self.params.is_none()
                    && let Some(stack) = self.find::<OverviewState>().map(|o| o.stack.clone())
                {
                    self.fill_form(Some(&stack));
                }
                self.show(Layer::Session);
                (true, self.next_step())
            }
            Go::Review(params) => (true, self.review(*params)),
            Go::Plan(params, basis) => {
                let users = self.planned_user_names(&params.project_name);
                self.parameters = params.draft();
                self.show(Layer::Own(Box::new(ReviewScreen::planning())));
                (
                    true,
                    vec![Effect::Plan {
                        params: *params,
                        users,
                        basis,
                    }],
                )
            }
            Go::Execute(review) => {
                let studio =
                    self.start_deploy_with_studio("Executing the change set", &review.stack_name);
                (
                    true,
                    vec![Effect::Execute {
                        review: *review,
                        studio,
                    }],
                )
            }
            Go::Recover(stack, recovery) => {
                self.start_deploy(match recovery {
                    Recovery::DeleteAndRetry => "Deleting the stack",
                    Recovery::ContinueRollback => "Continuing the rollback",
                });
                (
                    true,
                    vec![Effect::Recover {
                        stack: *stack,
                        recovery,
                    }],
                )
            }
            Go::Reattach(stack) => (true, self.reattach(*stack)),
            Go::EditParameters(notice) => {
                self.back_to_params(notice);
                (true, Vec::new())
            }
            Go::Redeploy => match self.last_params.clone() {
                Some(params) => {
                    self.show(Layer::Own(Box::new(ReviewScreen::planning())));
                    let users = self
                        .params
                        .as_ref()
                        .map(|p| p.users.clone())
                        .unwrap_or_default();
                    let basis = self.basis.clone();
                    (
                        true,
                        vec![Effect::Plan {
                            params,
                            users,
                            basis,
                        }],
                    )
                }
                None => {
                    self.back_to_params(None);
                    (true, Vec::new())
                }
            },
        }
    }

    /// Back from the screen showing: to the one it was opened over, else to the wizard's
    /// previous step.
    fn back(&mut self) -> (bool, Vec<Effect>) {
        if self.stack.len() > 1 {
            // The screen returned to reloads what the visit may have changed; the topology
            // changes nothing.
            let effects = match self.stack.pop() {
                Some(Layer::Topology) => Vec::new(),
                _ => self.with_view(|s, _| s.on_return()).unwrap_or_default(),
            };
            return (true, effects);
        }
        match self.step() {
            Step::Preflight | Step::Overview => {
                self.show(Layer::Session);
                (true, Vec::new())
            }
            Step::Parameters => {
                // Back to preflight, which checks the values as they are now.
                if let Some(form) = &self.params {
                    self.parameters = form.parameters();
                    self.planned_users = self.planned_users.max(form.users.len() as u32);
                }
                (true, self.start_preflight())
            }
            Step::Review | Step::Deploy => {
                self.back_to_params(None);
                (true, Vec::new())
            }
            _ => (false, Vec::new()),
        }
    }
}
