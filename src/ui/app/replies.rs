//! Actions in, requests out: `update` applies input and the replies to requests that still
//! matter, and gives every effect it starts an id. A reply goes to the screen that made its
//! request; the wizard's own (the session, the stack found at start, the topology kept between
//! openings) are taken here.

use super::{App, Layer, Step};
use crate::core::status::StackStatus;
use crate::ui::action::{Action, Effect, Reply, Slot};
use crate::ui::request::{Pending, Request, Requests};
use crate::ui::screens::Outcome;
use crate::ui::screens::overview::{self, OverviewState};

impl App {
    /// Apply one action. Returns (redraw needed, requests to start). A reply to a request that
    /// no longer matters (superseded, or its screen was left) is dropped here, unseen; every
    /// effect leaves with a fresh id, owned by the screen showing after this update (or, when a
    /// reply led to it without leaving the screen, by the screen that took the reply).
    pub fn update(&mut self, action: Action) -> (bool, Vec<Request>) {
        let before = self.step();
        let (changed, effects, asker) = match action {
            Action::Reply(id, reply) => match self.requests.accept(id, &reply) {
                Some(pending) => {
                    let (changed, effects) = self.on_reply(pending, reply);
                    (changed, effects, Some(pending.owner))
                }
                None => {
                    tracing::debug!(?id, "reply to a request that no longer matters; dropped");
                    return (false, Vec::new());
                }
            },
            other => {
                let (changed, effects) = self.on_input(other);
                (changed, effects, None)
            }
        };
        let owner = match asker {
            Some(owner) if self.step() == before => owner,
            _ => self.step(),
        };
        (changed, self.settle(before, owner, effects))
    }

    /// After a change of state: forget what the screens left behind were waiting for, and give
    /// each new effect an id owned by `owner`.
    pub(super) fn settle(
        &mut self,
        before: Step,
        owner: Step,
        effects: Vec<Effect>,
    ) -> Vec<Request> {
        if self.step() != before {
            let alive = self.alive_screens();
            self.requests.drop_unless_owned_by(&alive);
        }
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

    /// Connected (or not): look the project's stack up, and put back what a stopped teardown
    /// left open.
    fn on_connected(
        &mut self,
        result: Result<(crate::aws::Session, crate::aws::Identity), crate::ops::Error>,
    ) -> Vec<Effect> {
        let ok = result.is_ok();
        self.session.on_connected(result);
        let mut effects = Vec::new();
        if ok && self.store.is_some() && self.step() == Step::Session {
            let project = self.project();
            let region = self.region().unwrap_or_default();
            let stack = self
                .store
                .as_ref()
                .and_then(|s| s.lock().ok()?.run(&region, &project)?.stack_id.clone())
                .unwrap_or_else(|| project.clone());
            effects.push(Effect::LookupStack(stack));
            effects.push(Effect::RepairFences { project });
        }
        effects
    }

    /// What became of the bucket policies a stopped teardown left open: said on the overview
    /// (the one open, and any opened later).
    fn on_fences_repaired(&mut self, repaired: &[crate::ops::fence::FenceRepair]) -> bool {
        self.fence_notes = repaired.iter().map(|r| r.line()).collect();
        let notes = self.fence_notes.clone();
        match self.find_mut::<OverviewState>() {
            Some(o) => {
                o.notes = notes;
                true
            }
            None => false,
        }
    }

    /// A reply its request still wants (`pending` says which request and whose): the
    /// wizard's own are taken here, any other goes to the screen that asked. Redraw when what
    /// shows changed.
    pub(super) fn on_reply(&mut self, pending: Pending<Step>, reply: Reply) -> (bool, Vec<Effect>) {
        // An operation in AWS ended: "Quit? y/n" is no longer asked when nothing runs.
        let ends = reply.is_final() && matches!(pending.slot, Slot::Deploy | Slot::Teardown);
        let (changed, effects) = match reply {
            // The session is the wizard's: connecting answers here, and so does a preflight run
            // without a session.
            Reply::Connected(result) => (true, self.on_connected(*result)),
            // Fence repair is the wizard's too: its notes go to whichever overview shows.
            Reply::FencesRepaired(repaired) => (self.on_fences_repaired(&repaired), Vec::new()),
            // The project's stack as found at start: reattach to it, or its overview.
            Reply::StackFound(result) if pending.owner == Step::Session => match *result {
                Ok(Some(stack)) if stack.is_in_progress() && self.step() == Step::Session => {
                    (true, self.reattach(stack))
                }
                Ok(Some(stack))
                    if self.step() == Step::Session
                        && stack.status != StackStatus::DeleteComplete =>
                {
                    (true, self.show_overview(stack))
                }
                _ => (false, Vec::new()),
            },
            Reply::Topology(result) => {
                self.topology.on_result(*result);
                // The drift last detected on the overview marks the new topology too.
                let overview = self
                    .stack
                    .iter()
                    .rev()
                    .find_map(Layer::get::<OverviewState>);
                if let (Some(t), Some(o)) = (self.topology.topology.as_mut(), overview) {
                    overview::mark_drift(t, &o.drift);
                }
                (self.step() == Step::Topology, Vec::new())
            }
            reply => self.route(pending.owner, reply),
        };
        let closed = ends && self.confirm_quit.is_some() && self.quit_warning().is_none();
        if closed {
            self.confirm_quit = None;
        }
        (changed || closed, effects)
    }

    /// Give a reply to the nearest open screen of the request's owner.
    fn route(&mut self, owner: Step, reply: Reply) -> (bool, Vec<Effect>) {
        let Some(i) = self.stack.iter().rposition(|l| l.step() == owner) else {
            return (false, Vec::new());
        };
        let showing = i + 1 == self.stack.len();
        match self.with_layer(i, |s, ctx| s.on_reply(reply, ctx)) {
            Some(Outcome::Consumed) => (showing, Vec::new()),
            Some(Outcome::Effects(effects)) => (showing, effects),
            Some(Outcome::GoTo(go)) => self.go(go),
            Some(Outcome::Ignored) | None => (false, Vec::new()),
        }
    }
}
