//! The wizard's state machine. `update` takes an [`Action`] and returns whether the screen
//! changed plus the background [`Effect`]s to start; `render` draws the current state. Nothing
//! here awaits or touches the network, so the whole app can be driven headless in tests.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use std::time::Duration;

use super::action::{Action, Effect};
use super::screens::Loadable;
use super::screens::deploy::{self, DeployState};
use super::screens::domain::{self, DomainState};
use super::screens::egress::{self, EgressOutcome, EgressState};
use super::screens::overview::{self, OverviewState};
use super::screens::params::{self, FormOutcome, ParamsState};
use super::screens::preflight::{self, PreflightState};
use super::screens::review::{self, ReviewOutcome, ReviewScreen, ReviewState};
use super::screens::session::{self, SessionState};
use super::screens::teardown::{self, TeardownOutcome, TeardownState};
use super::screens::topology::{self, TopologyState};
use super::screens::users::{self, UsersState};
use super::theme::Theme;
use super::widgets::{self, HeaderInfo, KeyHint};
use crate::aws::SessionOptions;
use crate::aws::stacks::StackInfo;
use crate::core::params::Parameters;
use crate::ops::deploy::{DeployMsg, Plan, Recovery, SharedStore};

/// The wizard's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Profile, region and identity.
    Session,
    /// Checks before a deploy.
    Preflight,
    /// The template's parameters (a form).
    Parameters,
    /// The change set, or why there is none.
    Review,
    /// The deployment, live.
    Deploy,
    /// The Studio domain and the user profiles being created.
    Domain,
    /// Day-2 user management.
    Users,
    /// An existing deployment at a glance (where studio-tui opens when one exists).
    Overview,
    /// The live topology of the deployed environment.
    Topology,
    /// Tearing the project down: plan, typed confirmation, progress, report.
    Teardown,
    /// The domains the firewall blocked, to allow with one key.
    Egress,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Step::Session => "1 · Account and region",
            Step::Preflight => "2 · Preflight",
            Step::Parameters => "3 · Parameters",
            Step::Review => "4 · Review the changes",
            Step::Deploy => "5 · Deploy",
            Step::Domain => "6 · Studio domain and users",
            Step::Users => "Users",
            Step::Overview => "Overview",
            Step::Topology => "Topology",
            Step::Teardown => "Teardown",
            Step::Egress => "Blocked egress",
        }
    }
}

#[derive(Debug)]
pub struct App {
    pub theme: Theme,
    pub step: Step,
    pub session: SessionState,
    pub preflight: PreflightState,
    /// The stack parameters being prepared (the parameter form edits them; preflight checks
    /// them and `s` there applies its suggestion).
    pub parameters: Parameters,
    /// Expected Studio users, for the subnet sizing checks.
    pub planned_users: u32,
    pub studio: DomainState,
    pub users: UsersState,
    pub overview: Option<OverviewState>,
    pub teardown: Option<TeardownState>,
    pub egress: Option<EgressState>,
    /// Where `b` on the users screen returns to.
    users_from: Step,
    pub topology: TopologyState,
    /// Where Esc in the topology view returns to.
    topology_from: Step,
    pub help_open: bool,
    pub params: Option<ParamsState>,
    pub review: Option<ReviewScreen>,
    pub deploy: Option<DeployState>,
    /// "The deployment keeps running in AWS… Quit? y/n" is showing.
    pub confirm_quit: bool,
    /// Saved answers and run state (None in tests that do not need them).
    store: Option<SharedStore>,
    /// Fixed clock for tests (milliseconds since the epoch); None = the system clock.
    clock_ms: Option<i64>,
    /// The parameters of the last plan, for "deploy again" after a delete & retry.
    last_params: Option<Parameters>,
    config: Option<crate::ops::params::ConfigFile>,
    read_only: bool,
    sandbox: bool,
    tick: usize,
    quit: bool,
    exit_code: i32,
    options: SessionOptions,
}

impl App {
    pub fn new(profiles: Vec<String>, options: SessionOptions, sandbox: bool, theme: Theme) -> App {
        App {
            theme,
            step: Step::Session,
            session: SessionState::new(
                profiles,
                options.profile.as_deref(),
                options.region.as_deref(),
            ),
            preflight: PreflightState::default(),
            parameters: Parameters::default(),
            planned_users: 5,
            studio: DomainState::default(),
            users: UsersState::new("", options.read_only),
            overview: None,
            teardown: None,
            egress: None,
            users_from: Step::Session,
            topology: TopologyState::new(crate::core::params::Parameters::default().project_name),
            topology_from: Step::Session,
            help_open: false,
            params: None,
            review: None,
            deploy: None,
            confirm_quit: false,
            store: None,
            clock_ms: None,
            last_params: None,
            config: None,
            read_only: options.read_only,
            sandbox,
            tick: 0,
            quit: false,
            exit_code: crate::exit::OK,
            options,
        }
    }

    /// `--config FILE`: its values win over the saved answers when the form is first filled.
    pub fn with_config(mut self, config: Option<crate::ops::params::ConfigFile>) -> App {
        self.config = config;
        self
    }

    /// Use this store for saved answers (prefill) and run state (reattach at start).
    pub fn with_store(mut self, store: SharedStore) -> App {
        self.store = Some(store);
        self
    }

    /// Freeze the clock (tests: stable elapsed times and ETA in snapshots).
    pub fn set_clock(&mut self, now_ms: i64) {
        self.clock_ms = Some(now_ms);
    }

    pub fn now_ms(&self) -> i64 {
        self.clock_ms.unwrap_or_else(crate::core::clock::now_ms)
    }

    /// Effects to run when the app starts: connect with what the command line gave.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.session.connect_effect(self.options.region.is_some())]
    }

    /// Show the Studio step's progress (domain, then these users).
    pub fn open_studio_progress(&mut self, project: &str, users: &[String]) {
        self.studio = DomainState::new(project, users);
        self.step = Step::Domain;
    }

    /// Land on the overview of an existing deployment and look its Studio domain up.
    pub fn open_overview(&mut self, stack: StackInfo) -> Vec<Effect> {
        let project = self.project();
        self.overview = Some(OverviewState::new(&project, stack, self.read_only));
        self.step = Step::Overview;
        vec![Effect::LoadUsers { project }]
    }

    /// Reload the overview's domain and users (after coming back to it).
    fn refresh_overview(&mut self) -> Vec<Effect> {
        match self.overview.as_mut() {
            Some(o) if self.step == Step::Overview => {
                o.studio = Loadable::Loading;
                vec![
                    Effect::LoadUsers {
                        project: o.project.clone(),
                    },
                    Effect::LookupStack(o.stack.stack_id.clone()),
                ]
            }
            _ => Vec::new(),
        }
    }

    /// The users to create with the domain: those of the form, else the saved ones.
    fn planned_user_names(&self, project: &str) -> Vec<String> {
        if let Some(p) = &self.params
            && !p.users.is_empty()
        {
            return p.users.clone();
        }
        let region = self.region().unwrap_or_default();
        self.store
            .as_ref()
            .and_then(|s| {
                s.lock()
                    .ok()?
                    .saved_answers(&region, Some(project))
                    .map(|a| a.users.clone())
            })
            .unwrap_or_default()
    }

    /// The Studio step: domain (created or adopted), then the users; the same operation as `up`.
    pub fn start_studio(&mut self) -> Vec<Effect> {
        let project = self.current_project();
        let users = self.planned_user_names(&project);
        self.open_studio_progress(&project, &users);
        vec![Effect::SetUpStudio { project, users }]
    }

    fn on_domain_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if !self.studio.finished {
            return (false, Vec::new());
        }
        match key.code {
            KeyCode::Char('u') if self.studio.error.is_none() => {
                let project = self.studio.project.clone();
                self.users_from = Step::Domain;
                (true, self.open_users(&project))
            }
            KeyCode::Char('r') if self.studio.error.is_some() => (true, self.start_studio()),
            _ => (false, Vec::new()),
        }
    }

    fn on_overview_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        let Some(o) = self.overview.as_ref() else {
            return (false, Vec::new());
        };
        match key.code {
            KeyCode::Char('u') if o.has_domain() => {
                let project = o.project.clone();
                self.users_from = Step::Overview;
                (true, self.open_users(&project))
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

    fn on_egress_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
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

    fn on_teardown_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
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

    /// Open the day-2 users screen of a project and load it.
    pub fn open_users(&mut self, project: &str) -> Vec<Effect> {
        self.users = UsersState::new(project, self.read_only);
        self.step = Step::Users;
        vec![self.users.load()]
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }

    /// A deployment is running in AWS and being watched.
    pub fn deploying(&self) -> bool {
        self.step == Step::Deploy && self.deploy.as_ref().is_some_and(DeployState::running)
    }

    /// How often to tick: fast only while a spinner shows, once a second while a deployment
    /// runs (elapsed times advance), never on an idle screen.
    pub fn tick_interval(&self) -> Option<Duration> {
        let spinner = self.session.identity.is_loading()
            || (self.step == Step::Preflight && self.preflight.is_running())
            || (self.step == Step::Domain && self.studio.is_busy())
            || (self.step == Step::Users && self.users.is_busy())
            || (self.step == Step::Overview && self.overview.as_ref().is_some_and(|o| o.is_busy()))
            || (self.step == Step::Review && self.review.as_ref().is_some_and(|r| r.is_busy()))
            || (self.step == Step::Teardown
                && self.teardown.as_ref().is_some_and(TeardownState::is_busy))
            || (self.step == Step::Egress
                && self.egress.as_ref().is_some_and(EgressState::is_busy));
        if spinner {
            Some(Duration::from_millis(120))
        } else if self.deploying() {
            Some(Duration::from_secs(1))
        } else {
            None
        }
    }

    /// Only animate (and so only redraw on a timer) while something is loading or running.
    pub fn is_animating(&self) -> bool {
        self.tick_interval().is_some()
    }

    /// Keys of the current screen, for the footer and the help overlay.
    pub fn keys(&self) -> &'static [KeyHint] {
        match self.step {
            Step::Session => session::KEYS,
            Step::Parameters => params::KEYS,
            Step::Review => review::KEYS,
            Step::Deploy => deploy::KEYS,
            Step::Preflight => preflight::KEYS,
            Step::Domain => domain::KEYS,
            Step::Users => users::KEYS,
            Step::Overview if self.overview.as_ref().is_some_and(|o| o.domain_outdated()) => {
                overview::KEYS_WITH_OUTDATED_DOMAIN
            }
            Step::Overview if self.overview.as_ref().is_some_and(|o| o.has_domain()) => {
                overview::KEYS_WITH_DOMAIN
            }
            Step::Overview => overview::KEYS,
            Step::Topology => topology::KEYS,
            Step::Egress => egress::KEYS,
            Step::Teardown => self
                .teardown
                .as_ref()
                .map_or(teardown::KEYS, TeardownState::keys),
        }
    }

    /// Open the topology view of the current project (from any step but a text entry); Esc
    /// comes back here.
    pub fn open_topology(&mut self) -> Vec<Effect> {
        let project = self.current_project();
        if self.topology.project != project {
            self.topology = TopologyState::new(project);
        }
        self.topology_from = self.step;
        self.step = Step::Topology;
        if self.topology.topology.is_none() {
            self.topology.refresh_effect().into_iter().collect()
        } else {
            Vec::new()
        }
    }

    /// The project the wizard is working on: the one being prepared once past the session
    /// step, else the last one used in this region.
    pub fn current_project(&self) -> String {
        if self.params.is_some() {
            self.parameters.project_name.clone()
        } else {
            self.project()
        }
    }

    /// Which project the topology view shows (default: the seed default).
    pub fn set_project(&mut self, project: impl Into<String>) {
        self.topology = TopologyState::new(project);
    }

    /// When the loop should send [`Action::RefreshDue`] (the topology refresh policy).
    pub fn next_timer(&self) -> Option<std::time::Instant> {
        match self.step {
            Step::Topology if !self.topology.loading => self.topology.next_refresh_at,
            _ => None,
        }
    }

    pub fn header(&self) -> HeaderInfo {
        let (account, region) = match (&self.session.identity, &self.session.session) {
            (super::screens::Loadable::Loaded(id), Some(s)) => {
                (Some(id.account.clone()), Some(s.region.clone()))
            }
            _ => (None, self.session.active_region.clone()),
        };
        HeaderInfo {
            account,
            region,
            profile: self
                .session
                .session
                .as_ref()
                .map(|s| s.profile_label())
                .or_else(|| self.options.profile.clone())
                .unwrap_or_else(|| "default".into()),
            read_only: self.read_only,
            sandbox: self.sandbox,
            step_title: self.step.title().to_string(),
        }
    }

    fn region(&self) -> Option<String> {
        self.session.session.as_ref().map(|s| s.region.clone())
    }

    /// The project last used in this region (saved answers), else the seed default.
    fn project(&self) -> String {
        let region = self.region().unwrap_or_default();
        self.store
            .as_ref()
            .and_then(|s| s.lock().ok()?.answers.last_project.get(&region).cloned())
            .unwrap_or_else(|| Parameters::default().project_name)
    }

    /// The one place that decides which step follows which:
    /// session → preflight → parameters → review → deploy.
    pub fn next_step(&mut self) -> Vec<Effect> {
        match self.step {
            Step::Session => {
                if self.params.is_none() {
                    let region = self.region().unwrap_or_default();
                    let store = self.store.as_ref().and_then(|s| s.lock().ok());
                    let (parameters, users) = crate::ops::params::resolve_answers(
                        store.as_deref(),
                        &region,
                        self.config.as_ref(),
                        &[],
                    );
                    drop(store);
                    self.parameters = parameters;
                    self.planned_users = self.planned_users.max(users.len() as u32);
                    self.params = Some(ParamsState::new(&self.parameters, users));
                }
                self.start_preflight()
            }
            Step::Preflight => {
                // The form shows what preflight checked (a suggestion taken with `s` included);
                // the users typed earlier stay.
                let users = self
                    .params
                    .as_ref()
                    .map(|p| p.users.clone())
                    .unwrap_or_default();
                let notice = self.params.as_ref().and_then(|p| p.notice.clone());
                let mut form = ParamsState::new(&self.parameters, users);
                form.notice = notice;
                self.params = Some(form);
                self.step = Step::Parameters;
                Vec::new()
            }
            Step::Parameters => {
                let Some(form) = self.params.as_mut() else {
                    return Vec::new();
                };
                let FormOutcome::Submit(params) = form.submit() else {
                    return Vec::new();
                };
                self.parameters = params.clone();
                if self.read_only {
                    form.notice = Some(
                        "Read-only: creating a change set is disabled (restart without \
                         --read-only to deploy)."
                            .into(),
                    );
                    return Vec::new();
                }
                self.last_params = Some(params.clone());
                self.review = Some(ReviewScreen::planning());
                self.step = Step::Review;
                vec![Effect::Plan {
                    params,
                    users: form.users.clone(),
                }]
            }
            Step::Review
            | Step::Deploy
            | Step::Domain
            | Step::Users
            | Step::Topology
            | Step::Overview
            | Step::Teardown
            | Step::Egress => Vec::new(),
        }
    }

    fn back_to_params(&mut self, notice: Option<String>) {
        if self.params.is_none() {
            self.step = Step::Session;
            self.next_step();
        }
        self.step = Step::Parameters;
        if let Some(p) = self.params.as_mut() {
            p.notice = notice;
        }
    }

    fn start_deploy(&mut self, phase: &str) {
        self.deploy = Some(DeployState::new(phase));
        self.step = Step::Deploy;
    }

    /// Apply one action. Returns (redraw needed, effects to start).
    pub fn update(&mut self, action: Action) -> (bool, Vec<Effect>) {
        match action {
            Action::Tick => {
                self.tick = self.tick.wrapping_add(1);
                (true, Vec::new())
            }
            Action::Resize => (true, Vec::new()),
            Action::Terminate => {
                self.quit = true;
                (false, Vec::new())
            }
            Action::Connected(result) => {
                let ok = result.is_ok();
                self.session.on_connected(*result);
                let mut effects = Vec::new();
                if ok && self.store.is_some() && self.step == Step::Session {
                    let project = self.project();
                    let region = self.region().unwrap_or_default();
                    let stack = self
                        .store
                        .as_ref()
                        .and_then(|s| s.lock().ok()?.run(&region, &project)?.stack_id.clone())
                        .unwrap_or(project);
                    effects.push(Effect::LookupStack(stack));
                }
                (true, effects)
            }
            Action::StackFound(result) => match *result {
                Ok(Some(stack)) if stack.is_in_progress() && self.step == Step::Session => {
                    self.start_deploy("Reattaching to the running operation");
                    (true, vec![Effect::Reattach(stack)])
                }
                Ok(Some(stack)) if self.step == Step::Overview => {
                    if let Some(o) = self.overview.as_mut() {
                        o.stack = stack;
                    }
                    (true, Vec::new())
                }
                Ok(Some(stack))
                    if self.step == Step::Session && stack.status != "DELETE_COMPLETE" =>
                {
                    (true, self.open_overview(stack))
                }
                _ => (false, Vec::new()),
            },
            Action::Planned(result) => {
                if self.step != Step::Review {
                    return (false, Vec::new());
                }
                match *result {
                    Ok(Plan::InProgress(stack)) => {
                        self.start_deploy("Reattaching to the running operation");
                        (true, vec![Effect::Reattach(stack)])
                    }
                    Ok(plan) => {
                        self.review = Some(ReviewScreen::from_plan(plan));
                        (true, Vec::new())
                    }
                    Err(e) => {
                        self.review = Some(ReviewScreen {
                            state: ReviewState::Failed(e),
                            scroll: 0,
                        });
                        (true, Vec::new())
                    }
                }
            }
            Action::Cancelled(result) => match *result {
                Ok(()) => {
                    self.back_to_params(Some(
                        "Change set deleted: nothing was deployed. Edit and review again.".into(),
                    ));
                    (true, Vec::new())
                }
                Err(e) => {
                    self.review = Some(ReviewScreen {
                        state: ReviewState::Failed(e),
                        scroll: 0,
                    });
                    (true, Vec::new())
                }
            },
            Action::Deploy(msg) => {
                match (self.step, &msg) {
                    (Step::Review, DeployMsg::Phase { text }) => {
                        if let Some(r) = self.review.as_mut()
                            && let ReviewState::Planning(t) = &mut r.state
                        {
                            *t = text.clone();
                        }
                    }
                    _ => {
                        if let Some(d) = self.deploy.as_mut() {
                            d.on_msg(msg);
                        }
                    }
                }
                (true, Vec::new())
            }
            Action::DeployEnded(result) => {
                if let Some(d) = self.deploy.as_mut() {
                    match *result {
                        Ok(outcome) => {
                            if d.outcome.is_none() {
                                d.outcome = Some(outcome);
                            }
                        }
                        Err(e) => d.error = Some(e),
                    }
                    if !self.deploying() {
                        self.confirm_quit = false;
                    }
                }
                (true, Vec::new())
            }
            Action::Preflight(msg) => {
                self.preflight.on_msg(msg);
                (true, Vec::new())
            }
            Action::PreflightDone(report) => {
                // The zone preflight picked for a new stack is the zone deployed (explicitly).
                if self.parameters.availability_zone.is_none() {
                    self.parameters.availability_zone = report.zone.clone();
                }
                self.preflight.on_done(*report);
                (true, Vec::new())
            }
            Action::UsersLoaded(result) if self.step == Step::Overview => {
                if let Some(o) = self.overview.as_mut() {
                    o.studio = match *result {
                        Ok(v) => Loadable::Loaded(v),
                        Err(e) => Loadable::Failed(e),
                    };
                }
                (true, Vec::new())
            }
            Action::UsersLoaded(result) => {
                self.users.on_loaded(*result);
                (true, Vec::new())
            }
            Action::Studio(msg) => {
                self.studio.on_msg(&msg);
                self.users.on_progress(&msg);
                (true, Vec::new())
            }
            Action::UsersDone(result) => (true, self.users.on_op_done(*result)),
            Action::StudioDone(result) => {
                self.studio.on_done(*result);
                (true, Vec::new())
            }
            Action::SignInUrl(result) => {
                self.users.on_url(*result);
                (true, Vec::new())
            }
            Action::BlockedLoaded(result) => {
                if let Some(e) = self.egress.as_mut() {
                    e.on_loaded(*result);
                }
                (self.step == Step::Egress, Vec::new())
            }
            Action::DriftChecked(result) => {
                if let Some(o) = self.overview.as_mut() {
                    o.drift = match *result {
                        Ok(r) => Loadable::Loaded(r),
                        Err(e) => Loadable::Failed(e),
                    };
                }
                self.mark_topology_drift();
                (self.step == Step::Overview, Vec::new())
            }
            Action::TeardownPlanned(result) => {
                if let Some(t) = self.teardown.as_mut() {
                    t.on_plan(*result);
                }
                (self.step == Step::Teardown, Vec::new())
            }
            Action::Teardown(msg) => {
                if let Some(t) = self.teardown.as_mut() {
                    t.on_msg(&msg);
                }
                (self.step == Step::Teardown, Vec::new())
            }
            Action::TeardownDone(result) => {
                if let Some(t) = self.teardown.as_mut() {
                    t.on_done(*result);
                }
                if !self.deploying() && !self.tearing_down() {
                    self.confirm_quit = false;
                }
                (self.step == Step::Teardown, Vec::new())
            }
            Action::Topology(result) => {
                self.topology.on_result(*result);
                self.mark_topology_drift();
                (self.step == Step::Topology, Vec::new())
            }
            Action::RefreshDue => {
                if self.step != Step::Topology {
                    return (false, Vec::new());
                }
                let effects: Vec<Effect> = self.topology.refresh_effect().into_iter().collect();
                (!effects.is_empty(), effects)
            }
            Action::Key(key) => self.on_key(key),
        }
    }

    /// Mark the topology's nodes of the resources the last drift detection found drifted.
    fn mark_topology_drift(&mut self) {
        let Some(crate::ui::screens::Loadable::Loaded(report)) =
            self.overview.as_ref().map(|o| &o.drift)
        else {
            return;
        };
        let drifts: Vec<(String, Option<String>, String)> = report
            .resources
            .iter()
            .map(|r| {
                let first = r
                    .drift
                    .differences
                    .first()
                    .map(|p| format!(" {} expected {}, actual {}", p.path, p.expected, p.actual))
                    .unwrap_or_default();
                (
                    r.drift.logical_id.clone(),
                    r.drift.physical_id.clone(),
                    format!("{}{first}", r.drift.status),
                )
            })
            .collect();
        if let Some(t) = self.topology.topology.as_mut() {
            t.mark_drift(&drifts);
        }
    }

    /// A teardown is deleting things (quitting stops it where it is; a rerun resumes).
    pub fn tearing_down(&self) -> bool {
        self.teardown.as_ref().is_some_and(TeardownState::running)
    }

    fn ask_or_quit(&mut self) -> (bool, Vec<Effect>) {
        if self.deploying() || self.tearing_down() {
            self.confirm_quit = true;
            (true, Vec::new())
        } else {
            self.quit = true;
            (false, Vec::new())
        }
    }

    /// Move to the preflight step and start a run with the current parameters.
    pub fn start_preflight(&mut self) -> Vec<Effect> {
        self.step = Step::Preflight;
        self.preflight.start(false);
        vec![Effect::RunPreflight(Box::new(
            crate::ops::preflight::PreflightInput {
                parameters: self.parameters.clone(),
                users: self.planned_users,
                all_regions: false,
            },
        ))]
    }

    fn on_preflight_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
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

    fn on_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
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
                    self.start_deploy("Executing the change set");
                    return (true, vec![Effect::Execute(review)]);
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
                    && matches!(self.session.identity, super::screens::Loadable::Loaded(_))
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

    fn on_params_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
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

    fn on_deploy_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        let running = self.deploying();
        let Some(d) = self.deploy.as_mut() else {
            return (false, Vec::new());
        };
        if d.on_key(key) {
            return (true, Vec::new());
        }
        let deleted = d
            .outcome
            .as_ref()
            .is_some_and(|o| o.ok && d.operation == "delete");
        match key.code {
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

    pub fn render(&self, f: &mut Frame) {
        let area = f.area();
        let header = self.header();
        let header_h = 1;
        let footer_h = if area.width < 70 { 2 } else { 1 };
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(header_h),
            Constraint::Fill(1),
            Constraint::Length(footer_h),
        ])
        .areas(area);
        widgets::render_header(f, head, &header, &self.theme);
        match self.step {
            Step::Session => self.session.render(f, body, &self.theme, self.tick),
            Step::Parameters => {
                if let Some(p) = &self.params {
                    p.render(f, body, &self.theme);
                }
            }
            Step::Review => {
                if let Some(r) = &self.review {
                    r.render(f, body, &self.theme, self.tick);
                }
            }
            Step::Deploy => {
                if let Some(d) = &self.deploy {
                    d.render(f, body, &self.theme, self.tick, self.now_ms());
                }
            }
            Step::Preflight => {
                self.preflight
                    .render(f, body, &self.parameters, &self.theme, self.tick)
            }
            Step::Domain => self.studio.render(f, body, &self.theme, self.tick),
            Step::Users => self.users.render(f, body, &self.theme, self.tick),
            Step::Overview => {
                if let Some(o) = &self.overview {
                    o.render(f, body, &self.theme, self.tick);
                }
            }
            Step::Egress => {
                if let Some(e) = &self.egress {
                    e.render(f, body, &self.theme, self.tick);
                }
            }
            Step::Teardown => {
                if let Some(t) = &self.teardown {
                    t.render(f, body, &self.theme, self.tick);
                }
            }
            Step::Topology => {
                let wide =
                    area.width >= topology::MIN_DIAGRAM.0 && area.height >= topology::MIN_DIAGRAM.1;
                self.topology.render(f, body, &self.theme, wide)
            }
        }
        widgets::render_footer(f, foot, self.keys(), &self.theme);
        if self.help_open {
            widgets::render_help(f, body, self.step.title(), self.keys(), &self.theme);
        }
        if self.confirm_quit {
            let text = if self.tearing_down() {
                "Quitting stops the teardown where it is (a stack deletion already started goes \
                 on in AWS); run it again to resume. Quit? y/n"
            } else {
                "The deployment keeps running in AWS; studio-tui will reattach next time. \
                 Quit? y/n"
            };
            widgets::render_confirm(f, body, text, &self.theme);
        }
    }
}
