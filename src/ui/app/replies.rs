//! Actions in, requests out: `update` applies input and the replies to requests that still
//! matter, and gives every effect it starts an id.

use super::{App, Step};
use crate::core::status::StackStatus;
use crate::ops::deploy::{DeployMsg, Plan};
use crate::ops::studio::StudioMsg;
use crate::ops::up::StudioEnd;
use crate::ui::action::{Action, Effect, Reply, Slot};
use crate::ui::request::{Pending, Request, Requests};
use crate::ui::screens::Loadable;
use crate::ui::screens::deploy::DeployState;
use crate::ui::screens::domain::DomainState;
use crate::ui::screens::egress::EgressState;
use crate::ui::screens::overview::OverviewState;
use crate::ui::screens::preflight::PreflightState;
use crate::ui::screens::review::{ReviewScreen, ReviewState};
use crate::ui::screens::teardown::TeardownState;
use crate::ui::screens::users::UsersState;

impl App {
    /// Apply one action. Returns (redraw needed, requests to start). A reply to a request that
    /// no longer matters (superseded, or its screen was left) is dropped here, unseen; every
    /// effect leaves with a fresh id, owned by the screen showing after this update.
    pub fn update(&mut self, action: Action) -> (bool, Vec<Request>) {
        let before = self.step();
        let (changed, effects) = match action {
            Action::Reply(id, reply) => match self.requests.accept(id, &reply) {
                Some(pending) => self.on_reply(pending, reply),
                None => {
                    tracing::debug!(?id, "reply to a request that no longer matters; dropped");
                    return (false, Vec::new());
                }
            },
            other => self.on_input(other),
        };
        (changed, self.settle(before, effects))
    }

    /// After a change of state: forget what the screens left behind were waiting for, and give
    /// each new effect an id owned by the screen now showing.
    pub(super) fn settle(&mut self, before: Step, effects: Vec<Effect>) -> Vec<Request> {
        if self.step() != before {
            let alive = self.alive_screens();
            self.requests.drop_unless_owned_by(&alive);
        }
        let owner = self.step();
        effects
            .into_iter()
            .map(|e| self.requests.issue(owner, e))
            .collect()
    }

    /// The screens whose state a reply can still reach: the one showing, those it returns to
    /// (a running deploy or teardown is one of them, or showing), the topology and the session
    /// (kept for the whole run). The others were left with their state; what they were waiting
    /// for no longer matters.
    fn alive_screens(&self) -> Vec<Step> {
        let mut alive = vec![Step::Topology, Step::Session];
        for step in self.steps() {
            if !alive.contains(&step) {
                alive.push(step);
            }
        }
        alive
    }

    /// The requests still waiting for a reply.
    pub fn requests(&self) -> &Requests<Step> {
        &self.requests
    }

    pub(super) fn on_input(&mut self, action: Action) -> (bool, Vec<Effect>) {
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
            Action::RefreshDue => {
                if self.step() != Step::Topology {
                    return (false, Vec::new());
                }
                let effects: Vec<Effect> = self.topology.refresh_effect().into_iter().collect();
                (!effects.is_empty(), effects)
            }
            Action::Key(key) => self.on_key(key),
            Action::Reply(..) => (false, Vec::new()),
        }
    }

    /// A reply its request still wants (`pending` says which request and whose).
    pub(super) fn on_reply(&mut self, pending: Pending<Step>, reply: Reply) -> (bool, Vec<Effect>) {
        match reply {
            Reply::Connected(result) => {
                let ok = result.is_ok();
                self.session.on_connected(*result);
                let mut effects = Vec::new();
                if ok && self.store.is_some() && self.step() == Step::Session {
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
            Reply::StackFound(result) => match *result {
                Ok(Some(stack)) if stack.is_in_progress() && self.step() == Step::Session => {
                    (true, self.reattach(stack))
                }
                Ok(Some(stack)) if self.step() == Step::Overview => {
                    if let Some(o) = self.find_mut::<OverviewState>() {
                        o.stack = stack;
                    }
                    (true, Vec::new())
                }
                Ok(Some(stack))
                    if self.step() == Step::Session
                        && stack.status != StackStatus::DeleteComplete =>
                {
                    (true, self.show_overview(stack))
                }
                _ => (false, Vec::new()),
            },
            Reply::Planned(result) => match *result {
                Ok(Plan::InProgress(stack)) => (true, self.reattach(stack)),
                Ok(plan) => {
                    self.set_review(ReviewScreen::from_plan(plan));
                    (true, Vec::new())
                }
                Err(e) => {
                    self.set_review(ReviewScreen {
                        state: ReviewState::Failed(e),
                        scroll: 0,
                    });
                    (true, Vec::new())
                }
            },
            Reply::Cancelled(result) => match *result {
                Ok(()) => {
                    self.back_to_params(Some(
                        "Change set deleted: nothing was deployed. Edit and review again.".into(),
                    ));
                    (true, Vec::new())
                }
                Err(e) => {
                    self.set_review(ReviewScreen {
                        state: ReviewState::Failed(e),
                        scroll: 0,
                    });
                    (true, Vec::new())
                }
            },
            Reply::Deploy(msg) => {
                match (pending.slot, &msg) {
                    // Planning reports its phases on the review screen.
                    (Slot::Plan, DeployMsg::Phase { text }) => {
                        if let Some(r) = self.find_mut::<ReviewScreen>()
                            && let ReviewState::Planning(t) = &mut r.state
                        {
                            *t = text.clone();
                        }
                    }
                    (Slot::Plan, _) => {}
                    _ => {
                        if let Some(d) = self.find_mut::<DeployState>() {
                            d.on_msg(msg);
                        }
                    }
                }
                (true, Vec::new())
            }
            Reply::DeployEnded(result) => {
                if let Some(d) = self.find_mut::<DeployState>() {
                    // The request is over: nothing more of a Studio half will come.
                    d.studio_pending = false;
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
            Reply::Overlapped(ov) => {
                if let Some(d) = self.find_mut::<DeployState>() {
                    d.on_overlapped(&ov);
                    match &ov.studio {
                        StudioEnd::Ready(_) => d.studio.on_done(Ok(())),
                        StudioEnd::Failed { error, .. } => d.studio.on_done(Err(error.clone())),
                        // The Studio step was never reached: it starts afresh if asked for.
                        StudioEnd::Removed { .. } | StudioEnd::NotStarted => {}
                    }
                }
                if !self.deploying() {
                    self.confirm_quit = false;
                }
                (true, Vec::new())
            }
            Reply::Preflight(msg) => {
                if let Some(p) = self.find_mut::<PreflightState>() {
                    p.on_msg(msg);
                }
                (true, Vec::new())
            }
            Reply::PreflightDone(report) => {
                // The zone preflight picked for a new stack is the zone deployed (explicitly).
                report.adopt_zone(&mut self.parameters);
                if let Some(p) = self.find_mut::<PreflightState>() {
                    p.on_done(*report);
                }
                (true, Vec::new())
            }
            Reply::UsersLoaded(result) if pending.owner == Step::Overview => {
                if let Some(o) = self.find_mut::<OverviewState>() {
                    o.studio = match *result {
                        Ok(v) => Loadable::Loaded(v),
                        Err(e) => Loadable::Failed(e),
                    };
                }
                (true, Vec::new())
            }
            Reply::UsersLoaded(result) => {
                if let Some(u) = self.find_mut::<UsersState>() {
                    u.on_loaded(*result);
                }
                (true, Vec::new())
            }
            Reply::Studio(msg) => {
                self.on_studio_msg(pending.slot, &msg);
                (true, Vec::new())
            }
            Reply::UsersDone(result) => match self.find_mut::<UsersState>() {
                Some(u) => (true, u.on_op_done(*result)),
                None => (true, Vec::new()),
            },
            Reply::StudioDone(result) => {
                if let Some(d) = self.find_mut::<DomainState>() {
                    d.on_done(*result);
                }
                (true, Vec::new())
            }
            Reply::SignInUrl(result) => {
                if let Some(u) = self.find_mut::<UsersState>() {
                    u.on_url(*result);
                }
                (true, Vec::new())
            }
            Reply::BlockedLoaded(result) => {
                if let Some(e) = self.find_mut::<EgressState>() {
                    e.on_loaded(*result);
                }
                (self.step() == Step::Egress, Vec::new())
            }
            Reply::FlowChecked(result) => {
                if let Some(e) = self.find_mut::<EgressState>() {
                    e.on_checked(*result);
                }
                (self.step() == Step::Egress, Vec::new())
            }
            Reply::DriftChecked(result) => {
                if let Some(o) = self.find_mut::<OverviewState>() {
                    o.drift = match *result {
                        Ok(r) => Loadable::Loaded(r),
                        Err(e) => Loadable::Failed(e),
                    };
                }
                self.mark_topology_drift();
                (self.step() == Step::Overview, Vec::new())
            }
            Reply::TeardownPlanned(result) => {
                if let Some(t) = self.find_mut::<TeardownState>() {
                    t.on_plan(*result);
                }
                (self.step() == Step::Teardown, Vec::new())
            }
            Reply::Teardown(msg) => {
                if let Some(t) = self.find_mut::<TeardownState>() {
                    t.on_msg(&msg);
                }
                (self.step() == Step::Teardown, Vec::new())
            }
            Reply::TeardownDone(result) => {
                if let Some(t) = self.find_mut::<TeardownState>() {
                    t.on_done(*result);
                }
                if !self.deploying() && !self.tearing_down() {
                    self.confirm_quit = false;
                }
                (self.step() == Step::Teardown, Vec::new())
            }
            Reply::Topology(result) => {
                self.topology.on_result(*result);
                self.mark_topology_drift();
                (self.step() == Step::Topology, Vec::new())
            }
        }
    }

    /// What the review screen waiting for a plan (or a cancel) shows now.
    fn set_review(&mut self, review: ReviewScreen) {
        if let Some(r) = self.find_mut::<ReviewScreen>() {
            *r = review;
        }
    }

    /// Progress of a Studio operation, for the screen whose request it answers.
    fn on_studio_msg(&mut self, slot: Slot, msg: &StudioMsg) {
        match slot {
            Slot::Studio => {
                if let Some(d) = self.find_mut::<DomainState>() {
                    d.on_msg(msg);
                }
            }
            // The Studio half of a first create: one progress with the stack's, and the Studio
            // step's rows.
            Slot::Deploy => {
                let now = self.now_ms();
                if let Some(d) = self.find_mut::<DeployState>() {
                    d.on_studio(msg, now);
                    d.studio.on_msg(msg);
                }
            }
            _ => {
                if let Some(u) = self.find_mut::<UsersState>() {
                    u.on_progress(msg);
                }
            }
        }
    }

    /// Mark the topology's nodes of the resources the last drift detection found drifted.
    pub(super) fn mark_topology_drift(&mut self) {
        let Some(Loadable::Loaded(report)) = self.find::<OverviewState>().map(|o| &o.drift) else {
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
}
