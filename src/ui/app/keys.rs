//! Keys: the keymap reads a key event through the table of the screen showing (the table its
//! footer and help overlay are drawn from) into a [`Command`]; the screen does what it can with
//! it and asks the app ([`Go`]) for what needs the state the screens share; then come the keys
//! every screen shares (help, quit, topology).
//!
//! [`Command`]: crate::ui::keymap::Command

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{App, HELP_OVERLAY_KEYS, QUIT_CONFIRM_KEYS, Screen, Step};
use crate::ops::deploy::Recovery;
use crate::ui::action::Effect;
use crate::ui::keymap;
use crate::ui::screens::deploy::DeployState;
use crate::ui::screens::egress::EgressState;
use crate::ui::screens::review::ReviewScreen;
use crate::ui::screens::teardown::TeardownState;
use crate::ui::screens::{Go, Outcome, View};

impl App {
    /// The screen showing, as a view (None only for a form not filled yet, which never shows).
    pub(super) fn view(&self) -> Option<&dyn View> {
        Some(match &self.screen {
            Screen::Session => &self.session,
            Screen::Preflight(p) => &**p,
            Screen::Parameters => self.params.as_ref()?,
            Screen::Review(r) => &**r,
            Screen::Deploy { deploy, .. } => &**deploy,
            Screen::Domain(d) => &**d,
            Screen::Users { users, .. } => &**users,
            Screen::Overview(o) => &**o,
            Screen::Topology { .. } => &self.topology,
            Screen::Teardown { teardown, .. } => &**teardown,
            Screen::Egress { egress, .. } => &**egress,
        })
    }

    fn view_mut(&mut self) -> Option<&mut dyn View> {
        Some(match &mut self.screen {
            Screen::Session => &mut self.session,
            Screen::Preflight(p) => &mut **p,
            Screen::Parameters => self.params.as_mut()?,
            Screen::Review(r) => &mut **r,
            Screen::Deploy { deploy, .. } => &mut **deploy,
            Screen::Domain(d) => &mut **d,
            Screen::Users { users, .. } => &mut **users,
            Screen::Overview(o) => &mut **o,
            Screen::Topology { .. } => &mut self.topology,
            Screen::Teardown { teardown, .. } => &mut **teardown,
            Screen::Egress { egress, .. } => &mut **egress,
        })
    }

    /// Quit, or ask first while an operation runs in AWS (also from a screen opened over its
    /// screen, such as the topology).
    pub(super) fn ask_or_quit(&mut self) -> (bool, Vec<Effect>) {
        if self.deploy().is_some_and(DeployState::running) || self.tearing_down() {
            self.confirm_quit = true;
            (true, Vec::new())
        } else {
            self.quit = true;
            (false, Vec::new())
        }
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if key.kind == KeyEventKind::Release {
            return (false, Vec::new());
        }
        // "Quit? y/n" and the help overlay take only the keys of their own tables (the footer
        // shows them while they are open); every other key is ignored.
        if self.confirm_quit {
            return match keymap::read(QUIT_CONFIRM_KEYS, &key, false).map(|c| c.key()) {
                Some(k) if k.is_char('y') || k.is_char('Y') => {
                    self.quit = true;
                    (false, Vec::new())
                }
                Some(_) => {
                    self.confirm_quit = false;
                    (true, Vec::new())
                }
                None => (false, Vec::new()),
            };
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.ask_or_quit();
        }
        // Ctrl with a letter is not the letter: Ctrl-S must not apply a suggestion or start
        // Studio, nor type an "s". Only the form has Ctrl shortcuts (Ctrl-S: review).
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char(_))
            && self.step() != Step::Parameters
        {
            return (false, Vec::new());
        }
        if self.help_open {
            if keymap::read(HELP_OVERLAY_KEYS, &key, false).is_some() {
                self.help_open = false;
                return (true, Vec::new());
            }
            return (false, Vec::new());
        }
        // The form takes letters as text; F1 is its help.
        if self.step() == Step::Parameters && key.code == KeyCode::F(1) {
            self.help_open = true;
            return (true, Vec::new());
        }
        // An open input or overlay gets every key (q and Esc included); elsewhere only the keys
        // the help names are commands.
        let captured = self.view().is_some_and(View::captures_keys);
        let Some(command) = keymap::read(&self.help_keys(), &key, captured) else {
            return (false, Vec::new());
        };
        match self
            .view_mut()
            .map_or(Outcome::Ignored, |v| v.on_command(command))
        {
            Outcome::Consumed => return (true, Vec::new()),
            Outcome::Effects(effects) => return (true, effects),
            Outcome::GoTo(go) => return self.go(go),
            Outcome::Ignored if captured => return (false, Vec::new()),
            Outcome::Ignored => {}
        }
        // The keys every screen shares.
        match key.code {
            KeyCode::Char('g')
                if self.step() != Step::Topology && self.session.session.is_some() =>
            {
                (true, self.open_topology())
            }
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.help_open = true;
                (true, Vec::new())
            }
            KeyCode::Char('q') | KeyCode::Esc => self.ask_or_quit(),
            _ => (false, Vec::new()),
        }
    }

    /// What a screen asked for that needs the app's state.
    fn go(&mut self, go: Go) -> (bool, Vec<Effect>) {
        match go {
            Go::Back => self.back(),
            Go::Next => (true, self.next_step()),
            Go::Recheck => (true, self.start_preflight()),
            Go::UseSuggestion(plan) => {
                crate::ops::preflight::apply_plan(&mut self.parameters, &plan);
                if let Some(p) = self.screen.preflight_mut() {
                    p.notice = Some(format!(
                        "Parameters now use {} (subnets {}, {}, {}); press r to check again",
                        plan.vpc, plan.firewall_subnet, plan.nat_subnet, plan.studio_subnet
                    ));
                }
                (true, Vec::new())
            }
            Go::SetUpStudio => (true, self.start_studio()),
            Go::ShowStudio => {
                self.screen = match self.leave() {
                    Screen::Deploy { studio, .. } => Screen::Domain(studio),
                    other => other,
                };
                (true, Vec::new())
            }
            Go::Users(project) => (true, self.show_users(&project)),
            Go::Update => {
                // The form starts from what the stack runs (unless it was filled already).
                if self.params.is_none()
                    && let Some(stack) = self.screen.overview().map(|o| o.stack.clone())
                {
                    self.fill_form(Some(&stack));
                }
                self.screen = Screen::Session;
                (true, self.next_step())
            }
            Go::Egress => {
                let Some(o) = self.screen.overview() else {
                    return (false, Vec::new());
                };
                let egress = Box::new(EgressState::new(&o.project, self.read_only));
                let load = egress.load();
                let back = Box::new(self.leave());
                self.screen = Screen::Egress { egress, back };
                (true, vec![load])
            }
            Go::Teardown => {
                let Some(o) = self.screen.overview() else {
                    return (false, Vec::new());
                };
                let teardown = Box::new(TeardownState::new(
                    &o.project,
                    &o.stack.stack_name,
                    self.read_only,
                ));
                let load = teardown.load();
                let back = Box::new(self.leave());
                self.screen = Screen::Teardown { teardown, back };
                (true, vec![load])
            }
            Go::Allow(domains) => self.allow(&domains),
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
            Go::Redeploy => match self.last_params.clone() {
                Some(params) => {
                    self.screen = Screen::Review(Box::new(ReviewScreen::planning()));
                    let users = self
                        .params
                        .as_ref()
                        .map(|p| p.users.clone())
                        .unwrap_or_default();
                    (true, vec![Effect::Plan { params, users }])
                }
                None => {
                    self.back_to_params(None);
                    (true, Vec::new())
                }
            },
        }
    }

    /// Back from the screen showing: to the one it was opened over (the overview reloads), else
    /// to the wizard's previous step.
    fn back(&mut self) -> (bool, Vec<Effect>) {
        match &self.screen {
            Screen::Preflight(_) | Screen::Overview(_) => {
                self.screen = Screen::Session;
                (true, Vec::new())
            }
            Screen::Parameters => {
                // Back to preflight, which checks the values as they are now.
                if let Some(form) = &self.params {
                    self.parameters = form.parameters();
                    self.planned_users = self.planned_users.max(form.users.len() as u32);
                }
                (true, self.start_preflight())
            }
            Screen::Review(_) | Screen::Deploy { .. } => {
                self.back_to_params(None);
                (true, Vec::new())
            }
            Screen::Teardown { teardown, .. } if teardown.finished_clean() => {
                // Nothing is left to show an overview of.
                self.screen = Screen::Session;
                (true, Vec::new())
            }
            Screen::Topology { .. } => {
                self.go_back();
                (true, Vec::new())
            }
            Screen::Users { .. } | Screen::Egress { .. } | Screen::Teardown { .. } => {
                self.go_back();
                (true, self.refresh_overview())
            }
            Screen::Session | Screen::Domain(_) => (false, Vec::new()),
        }
    }

    /// Plan the overview's stack with these domains added to its allow list (the egress
    /// screen's `a`), or say on that screen why not.
    fn allow(&mut self, domains: &[String]) -> (bool, Vec<Effect>) {
        let Some(stack) = self.screen.overview().map(|o| o.stack.clone()) else {
            return (false, Vec::new());
        };
        let mut params = crate::ops::egress::parameters_of(&stack);
        let region = self.region().unwrap_or_default();
        let notice = match crate::ops::egress::edit_allow_list(
            &params.allowed_domains,
            domains,
            true,
            &region,
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
                let users = self.planned_user_names(&params.project_name);
                self.parameters = params.clone();
                self.screen = Screen::Review(Box::new(ReviewScreen::planning()));
                return (true, vec![Effect::Plan { params, users }]);
            }
        };
        if let Some(e) = self.screen.egress_mut() {
            e.notice = Some(notice);
        }
        (true, Vec::new())
    }
}
