//! The wizard's state machine. `update` (in `replies`) takes an [`Action`] and returns whether
//! the screen changed plus the [`Request`]s to start; `keys` gives a key to the screen showing
//! (the top of the `stack`), which looks it up in its table and does what the command asks;
//! `render` draws the current state. Nothing here awaits or touches the network, so the whole
//! app can be driven headless in tests.
//!
//! [`Action`]: crate::ui::action::Action

mod keys;
mod replies;
mod stack;

pub use super::screens::Step;
use stack::Layer;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use std::time::Duration;

use super::action::{Effect, Slot};
use super::keymap::{self, Binding, Key};
use super::request::{Request, Requests};
use super::screens::deploy::DeployState;
use super::screens::domain::DomainState;
use super::screens::overview::OverviewState;
use super::screens::params::{self, ParamsState};
use super::screens::preflight::PreflightState;
use super::screens::review::ReviewScreen;
use super::screens::session::SessionState;
use super::screens::teardown::TeardownState;
use super::screens::topology::{self, TopologyState};
use super::screens::users::UsersState;
use super::screens::{AnyScreen, DrawCtx, Go, Loadable, Screen};
use super::theme::Theme;
use super::widgets::{self, HeaderInfo, KeyHint};
use crate::aws::SessionOptions;
use crate::aws::stacks::StackInfo;
use crate::core::params::guardrails::DomainGuardrails;
use crate::core::params::{Parameters, ParamsDraft};
use crate::ops::up::StudioPlan;
use crate::state::SharedStore;

/// While the help overlay is open: the keys that close it.
pub const HELP_OVERLAY_KEYS: &[Binding<()>] = &[Binding::new(
    "Esc / ? / q / F1",
    "close help",
    &[
        (Key::ESC, ()),
        (Key::ch('?'), ()),
        (Key::ch('q'), ()),
        (Key::F1, ()),
    ],
)];

/// While "Quit? y/n" is asked (an operation runs in AWS): whether to quit.
pub const QUIT_CONFIRM_KEYS: &[Binding<bool>] = &[
    Binding::new(
        "n / Esc",
        "stay",
        &[(Key::ch('n'), false), (Key::ESC, false)],
    ),
    Binding::new("y", "quit", &[(Key::ch('y'), true)]),
    Binding::new("N", "stay", &[(Key::ch('N'), false)]).help_only(),
    Binding::new("Y", "quit", &[(Key::ch('Y'), true)]).help_only(),
];

/// What the keys every screen shares ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    Help,
    Quit,
    /// The topology of the project (once connected, from any screen but the topology).
    Topology,
}

/// The keys every screen shares, taken by the app when the screen showing does not take them;
/// the help overlay adds those the screen's own table does not name.
pub const SHARED_KEYS: &[Binding<Shared>] = &[
    Binding::new("?", "help", &[(Key::ch('?'), Shared::Help)]).help_only(),
    Binding::new("F1", "help", &[(Key::F1, Shared::Help)]).help_only(),
    Binding::new("q", "quit", &[(Key::ch('q'), Shared::Quit)]).help_only(),
    Binding::new("Esc", "close help, or quit", &[(Key::ESC, Shared::Quit)]).help_only(),
    Binding::new("Ctrl-C", "quit", &[(Key::ctrl('c'), Shared::Quit)]).help_only(),
    Binding::new("g", "topology", &[(Key::ch('g'), Shared::Topology)]).help_only(),
];

#[derive(Debug)]
pub struct App {
    pub theme: Theme,
    /// The screens open, the one showing last, each over the one it returns to; only the app
    /// moves them, so a screen never shows without its state.
    stack: Vec<Layer>,
    /// The session step's state, kept for the whole run: the header, `g` and every request use
    /// the session it connected.
    pub session: SessionState,
    /// The stack parameters being prepared (the parameter form edits them; preflight checks
    /// them and `s` there applies its suggestion).
    pub parameters: ParamsDraft,
    /// Expected Studio users, for the subnet sizing checks.
    pub planned_users: u32,
    /// The topology of the current project, kept between two openings of the view (`g`) and
    /// marked by a drift detection made on the overview.
    pub topology: TopologyState,
    pub help_open: bool,
    /// The parameter form, once the wizard went past the session step: a draft of the whole
    /// wizard, not of one screen (preflight hands it its values, review plans it, the deploy
    /// and Studio steps create its users, and Back from the review or the deploy returns to it
    /// as it was).
    pub params: Option<ParamsState>,
    /// "Quit? y/n" is asked, with what quitting now does to the operation running in AWS.
    pub confirm_quit: Option<&'static str>,
    /// Saved answers and run state (None in tests that do not need them).
    store: Option<SharedStore>,
    /// Fixed clock for tests (milliseconds since the epoch); None = the system clock.
    clock_ms: Option<i64>,
    /// The parameters of the last plan, for "deploy again" after a delete & retry.
    last_params: Option<Parameters>,
    /// The deployed parameters the form was filled from (an update from the overview): a plan
    /// refuses to set back a value someone changed on the stack since.
    basis: Option<std::collections::BTreeMap<String, String>>,
    config: Option<crate::ops::params::ConfigFile>,
    read_only: bool,
    sandbox: bool,
    tick: usize,
    quit: bool,
    exit_code: i32,
    options: SessionOptions,
    /// The requests whose replies are still wanted.
    requests: Requests<Step>,
    /// What became of bucket policies a stopped teardown had left open (the overview says it).
    fence_notes: Vec<String>,
}

impl App {
    pub fn new(profiles: Vec<String>, options: SessionOptions, sandbox: bool, theme: Theme) -> App {
        App {
            theme,
            stack: vec![Layer::Session],
            session: SessionState::new(
                profiles,
                options.profile.as_deref(),
                options.region.as_deref(),
            ),
            parameters: ParamsDraft::default(),
            planned_users: 5,
            topology: TopologyState::new(crate::core::params::ParamsDraft::default().project_name),
            help_open: false,
            params: None,
            confirm_quit: None,
            store: None,
            clock_ms: None,
            last_params: None,
            basis: None,
            config: None,
            read_only: options.read_only,
            sandbox,
            tick: 0,
            quit: false,
            exit_code: crate::exit::OK,
            options,
            requests: Requests::default(),
            fence_notes: Vec::new(),
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
    pub fn start(&mut self) -> Vec<Request> {
        let connect = self.session.connect_effect(self.options.region.is_some());
        vec![self.requests.issue(self.step(), connect)]
    }

    /// Open the Studio step (domain, then these users) and start it.
    pub fn open_studio_progress(&mut self, project: &str, users: &[String]) -> Vec<Request> {
        let before = self.step();
        let effects = self.studio_progress(project, users);
        self.settle(before, self.step(), effects)
    }

    fn studio_progress(&mut self, project: &str, users: &[String]) -> Vec<Effect> {
        let guardrails = self.planned_guardrails();
        self.studio_progress_with(project, users, guardrails)
    }

    fn studio_progress_with(
        &mut self,
        project: &str,
        users: &[String],
        guardrails: DomainGuardrails,
    ) -> Vec<Effect> {
        let mut state = DomainState::new(project, users);
        state.idle = Some(guardrails.idle);
        state.instance_types = Some(guardrails.instance_types.clone());
        self.show(Layer::Own(Box::new(state)));
        vec![Effect::SetUpStudio {
            project: project.to_string(),
            users: users.to_vec(),
            guardrails,
        }]
    }

    /// Land on the overview of an existing deployment and look its Studio domain up.
    pub fn open_overview(&mut self, stack: StackInfo) -> Vec<Request> {
        let before = self.step();
        let effects = self.show_overview(stack);
        self.settle(before, self.step(), effects)
    }

    fn show_overview(&mut self, stack: StackInfo) -> Vec<Effect> {
        let project = self.project();
        let mut overview = OverviewState::new(&project, stack, self.read_only);
        overview.notes = self.fence_notes.clone();
        // The deployed values for what the config file does not set: `s` keeps the instance
        // types the stack enforces, not the defaults or another project's saved answers.
        let explicit = crate::ops::params::explicit_fields(self.config.as_ref(), &[]);
        overview.guardrails = crate::ops::params::over_deployed(
            &self.parameters,
            &overview.stack.parameters,
            &explicit,
        )
        .guardrails()
        .unwrap_or_else(|_| self.planned_guardrails());
        self.show(Layer::Own(Box::new(overview)));
        vec![Effect::LoadUsers { project }]
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
    /// The Studio step; `update_existing`: the user asked for an existing domain's settings to
    /// be brought up to date (`s` on the overview).
    fn start_studio(&mut self, update_existing: bool) -> Vec<Effect> {
        let project = self.current_project();
        let users = self.planned_user_names(&project);
        // From the overview: what it shows as wanted (the stack's instance types).
        let mut guardrails = self
            .find::<OverviewState>()
            .filter(|_| update_existing)
            .map(|o| o.guardrails.clone())
            .unwrap_or_else(|| self.planned_guardrails());
        guardrails.update_existing = if update_existing {
            crate::core::params::guardrails::Asked::ALL
        } else {
            crate::core::params::guardrails::Asked::NONE
        };
        self.studio_progress_with(&project, &users, guardrails)
    }

    /// Open the day-2 users screen of a project over the one showing, and load it.
    pub fn open_users(&mut self, project: &str) -> Vec<Request> {
        let before = self.step();
        let users = UsersState::new(project, self.read_only);
        let (_, effects) = self.go(Go::Open(Box::new(users)));
        self.settle(before, self.step(), effects)
    }

    /// The deploy showing, or the one the screen showing returns to.
    pub fn deploy(&self) -> Option<&DeployState> {
        self.find()
    }

    /// The Studio step showing (or returned to), or the one a deploy builds alongside.
    pub fn studio(&self) -> Option<&DomainState> {
        self.stack.iter().rev().find_map(|l| {
            l.get::<DomainState>()
                .or_else(|| l.get::<DeployState>().map(|d| &d.studio))
        })
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }

    /// A deployment is running in AWS and being watched.
    pub fn deploying(&self) -> bool {
        self.showing::<DeployState>()
            .is_some_and(DeployState::running)
    }

    /// How often to tick: fast only while a spinner shows, once a second while a deployment
    /// runs (elapsed times advance), never on an idle screen.
    pub fn tick_interval(&self) -> Option<Duration> {
        let spinner =
            self.session.identity.is_loading() || self.view().is_some_and(AnyScreen::busy);
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

    /// Every key the help overlay lists: the screen's own table, then those every screen
    /// shares (handled in `keys.rs` when the screen does not take them) that its table does not
    /// name.
    pub fn help_keys(&self) -> Vec<KeyHint> {
        let mut all = self.keys();
        // The form takes letters as text; its table names F1 and Ctrl-C itself.
        if self.step() != Step::Parameters {
            let topology = self.step() != Step::Topology && self.session.session.is_some();
            for row in SHARED_KEYS {
                let offered = row
                    .keys
                    .iter()
                    .all(|(_, s)| *s != Shared::Topology || topology);
                let named = row
                    .all_keys()
                    .all(|k| self.view().is_some_and(|v| v.names(k)));
                if offered && !named {
                    all.push(row.hint);
                }
            }
        }
        all
    }

    /// The name of the screen showing, in the header and atop its help.
    fn title(&self) -> &'static str {
        self.view()
            .map_or(<ParamsState as Screen>::TITLE, AnyScreen::title)
    }

    /// Keys of the current screen: its footer, the start of its help overlay.
    pub fn keys(&self) -> Vec<KeyHint> {
        self.view()
            .map_or_else(|| keymap::hints(params::KEYS), AnyScreen::hints)
    }

    /// The keys that act now, as the footer lists them: an open "Quit?" or help overlay
    /// takes only its own.
    pub fn footer_keys(&self) -> Vec<KeyHint> {
        if self.confirm_quit.is_some() {
            keymap::hints(QUIT_CONFIRM_KEYS)
        } else if self.help_open {
            keymap::hints(HELP_OVERLAY_KEYS)
        } else {
            self.keys()
        }
    }

    /// Open the topology view of the current project (from any step but a text entry); Esc
    /// comes back here.
    fn open_topology(&mut self) -> Vec<Effect> {
        let project = self.current_project();
        self.show_topology(project)
    }

    /// Open the topology view of this project and load it.
    pub fn open_topology_of(&mut self, project: impl Into<String>) -> Vec<Request> {
        let before = self.step();
        let effects = self.show_topology(project.into());
        self.settle(before, self.step(), effects)
    }

    fn show_topology(&mut self, project: String) -> Vec<Effect> {
        if self.topology.project != project {
            // Another project: a refresh of the old one no longer matters.
            self.requests.cancel(Slot::RefreshTopology);
            self.topology = TopologyState::new(project);
        }
        // Opened over the screen showing, which Esc returns to as it was.
        if self.step() != Step::Topology {
            self.open_over(Layer::Topology);
        }
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

    /// When the loop should send [`Action::RefreshDue`] (the topology refresh policy).
    pub fn next_timer(&self) -> Option<std::time::Instant> {
        match self.stack.last() {
            Some(Layer::Topology) if !self.topology.loading => self.topology.next_refresh_at,
            _ => None,
        }
    }

    /// The SageMaker Python SDK's default bucket for the session's region and account, once
    /// the identity is known (the form's F3).
    fn sagemaker_bucket(&self) -> Option<String> {
        let header = self.header();
        Some(crate::core::params::sagemaker_default_bucket(
            &header.region?,
            &header.account?,
        ))
    }

    pub fn header(&self) -> HeaderInfo {
        let (account, region) = match (&self.session.identity, &self.session.session) {
            (Loadable::Loaded(id), Some(s)) => (Some(id.account.clone()), Some(s.region.clone())),
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
            step_title: self.title().to_string(),
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
            .unwrap_or_else(|| ParamsDraft::default().project_name)
    }

    /// The one place that decides which step follows which:
    /// session → preflight → parameters → review → deploy.
    fn next_step(&mut self) -> Vec<Effect> {
        match self.step() {
            Step::Session => {
                if self.params.is_none() {
                    self.fill_form(None);
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
                form.sagemaker_bucket = self.sagemaker_bucket();
                // The allowed types' prices, asked in the background.
                let prices = form.price_request();
                self.params = Some(form);
                self.show(Layer::Parameters);
                prices.into_iter().collect()
            }
            Step::Parameters => {
                let Some(form) = self.params.as_mut() else {
                    return Vec::new();
                };
                match form.submit() {
                    Some(params) => self.review(params),
                    None => Vec::new(),
                }
            }
            // The steps after the form, and the screens off the wizard's path, lead on by their
            // own keys.
            _ => Vec::new(),
        }
    }

    /// The form's validated parameters to the review: planned with the form's users, kept for a
    /// redeploy (refused here in read-only mode).
    pub(super) fn review(&mut self, params: Parameters) -> Vec<Effect> {
        let Some(form) = self.params.as_mut() else {
            return Vec::new();
        };
        self.parameters = form.parameters();
        if self.read_only {
            form.notice = Some(
                "Read-only: creating a change set is disabled (restart without \
                 --read-only to deploy)."
                    .into(),
            );
            return Vec::new();
        }
        self.last_params = Some(params.clone());
        let users = form.users.clone();
        self.show(Layer::Own(Box::new(ReviewScreen::planning())));
        vec![Effect::Plan {
            params,
            users,
            basis: self.basis.clone(),
        }]
    }

    /// The form's first values: the saved answers under the config file; for a stack that
    /// exists (`deployed`), every value the config file does not set is the deployed one, so
    /// an update changes only what the user edits (`ops::params::over_deployed`).
    pub(super) fn fill_form(&mut self, deployed: Option<&StackInfo>) {
        let region = self.region().unwrap_or_default();
        let store = self.store.as_ref().and_then(|s| s.lock().ok());
        let (mut parameters, users) = crate::ops::params::resolve_answers(
            store.as_deref(),
            &region,
            self.config.as_ref(),
            &[],
        );
        drop(store);
        self.basis = deployed.map(|s| s.parameters.clone());
        if let Some(stack) = deployed {
            let explicit = crate::ops::params::explicit_fields(self.config.as_ref(), &[]);
            parameters =
                crate::ops::params::over_deployed(&parameters, &stack.parameters, &explicit);
        }
        self.parameters = parameters;
        self.planned_users = self.planned_users.max(users.len() as u32);
        let mut form = ParamsState::new(&self.parameters, users);
        form.sagemaker_bucket = self.sagemaker_bucket();
        self.params = Some(form);
    }

    fn back_to_params(&mut self, notice: Option<String>) {
        if self.params.is_none() {
            // Fill the form as the session step would (the preflight it starts is not wanted).
            self.show(Layer::Session);
            self.next_step();
        }
        self.show(Layer::Parameters);
        if let Some(p) = self.params.as_mut() {
            p.notice = notice;
        }
    }

    fn start_deploy(&mut self, phase: &str) {
        self.show(Layer::Own(Box::new(DeployState::new(phase))));
    }

    /// Start watching an operation that, if it is the stack's first create, also builds the
    /// project's Studio domain and users alongside (`ops::up::run` decides). The Studio step's
    /// state follows the same messages, so `n` afterwards shows it without running it again.
    fn start_deploy_with_studio(&mut self, phase: &str, project: &str) -> StudioPlan {
        let users = self.planned_user_names(project);
        self.show(Layer::Own(Box::new(
            DeployState::new(phase).with_studio(project, users.clone()),
        )));
        StudioPlan {
            project: project.to_string(),
            users,
            guardrails: self.planned_guardrails(),
        }
    }

    /// The settings the domain gets: the form's (checked before anything is planned), or, on
    /// a reattach or the overview, the answers the app resolved (saved, `--config`, flags).
    fn planned_guardrails(&self) -> DomainGuardrails {
        self.parameters.guardrails().unwrap_or_default()
    }

    /// Reattach to the operation running on `stack` (a first create picks its Studio half up
    /// where it was).
    fn reattach(&mut self, stack: StackInfo) -> Vec<Effect> {
        let studio = self
            .start_deploy_with_studio("Reattaching to the running operation", &stack.stack_name);
        vec![Effect::Reattach { stack, studio }]
    }

    /// What quitting now would do to an operation running in AWS, said by the screen that
    /// follows it (None: nothing runs).
    fn quit_warning(&self) -> Option<&'static str> {
        (0..self.stack.len())
            .rev()
            .find_map(|i| self.layer(i)?.quit_warning())
    }

    /// A teardown is deleting things (quitting stops it where it is; a rerun resumes).
    pub fn tearing_down(&self) -> bool {
        self.find::<TeardownState>()
            .is_some_and(TeardownState::running)
    }

    /// Move to the preflight step and start a run with the current parameters.
    fn start_preflight(&mut self) -> Vec<Effect> {
        let mut preflight = PreflightState::default();
        preflight.start(false);
        self.show(Layer::Own(Box::new(preflight)));
        vec![Effect::RunPreflight(Box::new(
            crate::ops::preflight::PreflightInput {
                parameters: self.parameters.clone(),
                users: self.planned_users,
                all_regions: false,
            },
        ))]
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
        let ctx = DrawCtx {
            theme: &self.theme,
            tick: self.tick,
            now_ms: self.now_ms(),
            parameters: &self.parameters,
            wide: area.width >= topology::MIN_DIAGRAM.0 && area.height >= topology::MIN_DIAGRAM.1,
        };
        if let Some(view) = self.view() {
            view.draw(f, body, &ctx);
        }
        widgets::render_footer(f, foot, &self.footer_keys(), &self.theme);
        if self.help_open {
            widgets::render_help(f, body, self.title(), &self.help_keys(), &self.theme);
        }
        if let Some(text) = self.confirm_quit {
            widgets::render_confirm(f, body, text, &self.theme);
        }
    }
}
