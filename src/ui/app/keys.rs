//! Keys: what a key press does on each screen, and the keys every screen shares (help, quit,
//! topology).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{App, Step};
use crate::ops::deploy::Recovery;
use crate::ui::action::Effect;
use crate::ui::screens::Loadable;
use crate::ui::screens::deploy::StudioRecap;
use crate::ui::screens::egress::{EgressOutcome, EgressState};
use crate::ui::screens::params::FormOutcome;
use crate::ui::screens::review::{ReviewOutcome, ReviewScreen, ReviewState};
use crate::ui::screens::teardown::{TeardownOutcome, TeardownState};

impl App {
    pub(super) fn on_domain_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if !self.studio.finished {
            return (false, Vec::new());
        }
        match key.code {
            KeyCode::Char('u') if self.studio.error.is_none() => {
                let project = self.studio.project.clone();
                self.users_from = Step::Domain;
                (true, self.show_users(&project))
            }
            KeyCode::Char('r') if self.studio.error.is_some() => (true, self.start_studio()),
            _ => (false, Vec::new()),
        }
    }

    pub(super) fn on_overview_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        let Some(o) = self.overview.as_ref() else {
            return (false, Vec::new());
        };
        match key.code {
            KeyCode::Char('u') if o.has_domain() => {
                let project = o.project.clone();
                self.users_from = Step::Overview;
                (true, self.show_users(&project))
            }
            KeyCode::Char('s') if o.domain_missing() || o.domain_outdated() => {
                if self.read_only {
                    return (false, Vec::new());
                }
                (true, self.start_studio())
            }
            KeyCode::Char('d') => {
                // The update goes through the same preflight, form and review.
                self.step = Step::Session;
                (true, self.next_step())
            }
            KeyCode::Char('r') => (true, self.refresh_overview()),
            KeyCode::Char('c') if !o.drift.is_loading() => {
                let project = o.project.clone();
                if let Some(o) = self.overview.as_mut() {
                    o.drift = Loadable::Loading;
                }
                (true, vec![Effect::DetectDrift { project }])
            }
            KeyCode::Char('f') => {
                let e = EgressState::new(&o.project, self.read_only);
                let load = e.load();
                self.egress = Some(e);
                self.step = Step::Egress;
                (true, vec![load])
            }
            KeyCode::Char('x') => {
                let t = TeardownState::new(&o.project, &o.stack.stack_name, self.read_only);
                let load = t.load();
                self.teardown = Some(t);
                self.step = Step::Teardown;
                (true, vec![load])
            }
            KeyCode::Char('b') => {
                self.step = Step::Session;
                (true, Vec::new())
            }
            _ => (false, Vec::new()),
        }
    }

    pub(super) fn on_egress_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        let Some(e) = self.egress.as_mut() else {
            return (false, Vec::new());
        };
        match e.on_key(key) {
            EgressOutcome::Ignored => (false, Vec::new()),
            EgressOutcome::Stay => (true, Vec::new()),
            EgressOutcome::Load(effect) => (true, vec![*effect]),
            EgressOutcome::Back => {
                self.step = Step::Overview;
                (true, self.refresh_overview())
            }
            EgressOutcome::Allow(domains) => {
                let Some(stack) = self.overview.as_ref().map(|o| o.stack.clone()) else {
                    return (false, Vec::new());
                };
                let mut params = crate::ops::egress::parameters_of(&stack);
                match crate::ops::egress::edit_allow_list(&params.allowed_domains, &domains, true) {
                    Err(err) => {
                        e.notice = Some(err.message);
                        (true, Vec::new())
                    }
                    Ok(edit) if !edit.changed() => {
                        e.notice = Some(edit.notes.join("; "));
                        (true, Vec::new())
                    }
                    Ok(edit) => {
                        params.allowed_domains = edit.after;
                        let users = self.planned_user_names(&params.project_name);
                        self.parameters = params.clone();
                        self.review = Some(ReviewScreen::planning());
                        self.step = Step::Review;
                        (true, vec![Effect::Plan { params, users }])
                    }
                }
            }
        }
    }

    pub(super) fn on_teardown_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        let Some(t) = self.teardown.as_mut() else {
            return (false, Vec::new());
        };
        match t.on_key(key) {
            TeardownOutcome::Ignored => (false, Vec::new()),
            TeardownOutcome::Stay => (true, Vec::new()),
            TeardownOutcome::Start(effect) => (true, vec![*effect]),
            TeardownOutcome::Back if t.finished_clean() => {
                self.teardown = None;
                self.overview = None;
                self.step = Step::Session;
                (true, Vec::new())
            }
            TeardownOutcome::Back => {
                self.teardown = None;
                self.step = Step::Overview;
                (true, self.refresh_overview())
            }
        }
    }

    pub(super) fn ask_or_quit(&mut self) -> (bool, Vec<Effect>) {
        if self.deploying() || self.tearing_down() {
            self.confirm_quit = true;
            (true, Vec::new())
        } else {
            self.quit = true;
            (false, Vec::new())
        }
    }

    pub(super) fn on_preflight_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        match key.code {
            KeyCode::Char('s') => {
                if let Some(plan) = self.preflight.suggestion() {
                    crate::ops::preflight::apply_plan(&mut self.parameters, &plan);
                    self.preflight.notice = Some(format!(
                        "Parameters now use {} (subnets {}, {}, {}); press r to check again",
                        plan.vpc, plan.firewall_subnet, plan.nat_subnet, plan.studio_subnet
                    ));
                }
                Some(Vec::new())
            }
            KeyCode::Char('r') if !self.preflight.is_running() => Some(self.start_preflight()),
            KeyCode::Char('n') | KeyCode::Enter => Some(self.next_step()),
            KeyCode::Char('b') | KeyCode::Backspace => {
                self.step = Step::Session;
                Some(Vec::new())
            }
            _ => self.preflight.on_key(key).map(|()| Vec::new()),
        }
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if key.kind == KeyEventKind::Release {
            return (false, Vec::new());
        }
        if self.confirm_quit {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.quit = true;
                    return (false, Vec::new());
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    self.confirm_quit = false;
                    return (true, Vec::new());
                }
                _ => return (false, Vec::new()),
            }
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.ask_or_quit();
        }
        // Ctrl with a letter is not the letter: Ctrl-S must not apply a suggestion or start
        // Studio, nor type an "s". Only the form has Ctrl shortcuts (Ctrl-S: review).
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char(_))
            && self.step != Step::Parameters
        {
            return (false, Vec::new());
        }
        if self.help_open {
            // Any of these closes the overlay; other keys are ignored while it is open.
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::F(1)
            ) {
                self.help_open = false;
                return (true, Vec::new());
            }
            return (false, Vec::new());
        }
        // Text-entry screens see every key first (q and ? are letters there).
        if self.step == Step::Parameters {
            return self.on_params_key(key);
        }
        if self.step == Step::Deploy
            && let Some(d) = self.deploy.as_mut()
            && (d.filter_editing || (key.code == KeyCode::Esc && !d.filter.is_empty()))
        {
            d.on_key(key);
            return (true, Vec::new());
        }
        if self.step == Step::Review
            && key.code == KeyCode::Char('n')
            && self
                .review
                .as_ref()
                .is_some_and(|r| matches!(r.state, ReviewState::UpToDate(_)))
        {
            return (true, self.start_studio());
        }
        if self.step == Step::Review
            && let Some(r) = self.review.as_mut()
        {
            match r.on_key(key) {
                ReviewOutcome::Stay => return (true, Vec::new()),
                ReviewOutcome::Ignored => {}
                ReviewOutcome::Execute(review) => {
                    let studio = self
                        .start_deploy_with_studio("Executing the change set", &review.stack_name);
                    return (true, vec![Effect::Execute { review, studio }]);
                }
                ReviewOutcome::Cancel(review) => return (true, vec![Effect::Cancel(review)]),
                ReviewOutcome::Back => {
                    self.back_to_params(None);
                    return (true, Vec::new());
                }
                ReviewOutcome::Recover(stack, recovery) => {
                    self.start_deploy(match recovery {
                        Recovery::DeleteAndRetry => "Deleting the stack",
                        Recovery::ContinueRollback => "Continuing the rollback",
                    });
                    return (true, vec![Effect::Recover { stack, recovery }]);
                }
            }
        }
        // An open input or overlay gets every key (q and Esc included).
        if self.step == Step::Teardown
            && self
                .teardown
                .as_ref()
                .is_some_and(TeardownState::captures_keys)
        {
            return self.on_teardown_key(key);
        }
        if self.step == Step::Users && self.users.captures_keys() {
            return match self.users.on_key(key) {
                Some(effects) => (true, effects),
                None => (false, Vec::new()),
            };
        }
        if self.step == Step::Topology && key.code == KeyCode::Esc {
            // Esc closes the details panel, else goes back to where `g` was pressed.
            if self.topology.details_open {
                self.topology.details_open = false;
            } else {
                self.step = self.topology_from;
            }
            return (true, Vec::new());
        }
        if self.step != Step::Topology
            && key.code == KeyCode::Char('g')
            && self.session.session.is_some()
        {
            return (true, self.open_topology());
        }
        // Esc is "back" on these screens (their help says so), not quit.
        if key.code == KeyCode::Esc && matches!(self.step, Step::Egress | Step::Teardown) {
            let (changed, effects) = if self.step == Step::Egress {
                self.on_egress_key(key)
            } else {
                self.on_teardown_key(key)
            };
            if changed || !effects.is_empty() {
                return (changed, effects);
            }
        }
        match key.code {
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.help_open = true;
                return (true, Vec::new());
            }
            KeyCode::Char('q') | KeyCode::Esc => return self.ask_or_quit(),
            _ => {}
        }
        match self.step {
            Step::Session => {
                if key.code == KeyCode::Char('n')
                    && matches!(self.session.identity, Loadable::Loaded(_))
                {
                    return (true, self.next_step());
                }
                match self.session.on_key(key) {
                    Some(effects) => (true, effects),
                    None => (false, Vec::new()),
                }
            }
            Step::Preflight => match self.on_preflight_key(key) {
                Some(effects) => (true, effects),
                None => (false, Vec::new()),
            },
            Step::Deploy => self.on_deploy_key(key),
            Step::Domain => self.on_domain_key(key),
            Step::Users if key.code == KeyCode::Char('b') => {
                self.step = self.users_from;
                (true, self.refresh_overview())
            }
            Step::Users => match self.users.on_key(key) {
                Some(effects) => (true, effects),
                None => (false, Vec::new()),
            },
            Step::Overview => self.on_overview_key(key),
            Step::Teardown => self.on_teardown_key(key),
            Step::Egress => self.on_egress_key(key),
            Step::Topology => match self.topology.on_key(key) {
                Some(effects) => (true, effects),
                None => (false, Vec::new()),
            },
            Step::Parameters | Step::Review => (false, Vec::new()),
        }
    }

    pub(super) fn on_params_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if key.code == KeyCode::F(1) {
            self.help_open = true;
            return (true, Vec::new());
        }
        let Some(form) = self.params.as_mut() else {
            return (false, Vec::new());
        };
        match form.on_key(key) {
            FormOutcome::Stay => (true, Vec::new()),
            FormOutcome::Ignored => (false, Vec::new()),
            FormOutcome::Back => {
                // Back to preflight, which checks the values as they are now.
                self.parameters = form.parameters();
                self.planned_users = self.planned_users.max(form.users.len() as u32);
                (true, self.start_preflight())
            }
            FormOutcome::Submit(_) => {
                // Validated by the form; next_step checks again and starts the plan.
                (true, self.next_step())
            }
        }
    }

    pub(super) fn on_deploy_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        let running = self.deploying();
        let Some(d) = self.deploy.as_mut() else {
            return (false, Vec::new());
        };
        if d.on_key(key) {
            return (true, Vec::new());
        }
        let deleted = d.stack_deleted();
        let studio_ended = matches!(
            d.studio_end,
            Some(StudioRecap::Ready { .. } | StudioRecap::Failed { .. })
        );
        match key.code {
            // The Studio half was built alongside the stack: show it, do not run it again.
            KeyCode::Char('n') if !running && studio_ended => {
                self.step = Step::Domain;
                (true, Vec::new())
            }
            KeyCode::Char('n')
                if !running && d.outcome.as_ref().is_some_and(|o| o.ok) && !deleted =>
            {
                (true, self.start_studio())
            }
            KeyCode::Char('b') if !running => {
                self.back_to_params(None);
                (true, Vec::new())
            }
            KeyCode::Char('r') if deleted => match self.last_params.clone() {
                Some(params) => {
                    self.review = Some(ReviewScreen::planning());
                    self.step = Step::Review;
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
            _ => (false, Vec::new()),
        }
    }
}
