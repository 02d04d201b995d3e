//! The screens open: a stack, the one showing on top, each over the one Back returns to. A
//! screen opened over another (the topology with `g`, the users from the Studio step or the
//! overview, the teardown and the blocked egress from the overview) leaves that one whole below
//! it: what it was doing survives the visit (a running deploy's tracker goes on following the
//! operation while the topology shows; Esc returns to it), and replies to its requests still
//! reach it. Going on to another step of the wizard replaces the whole stack.

use super::App;
use crate::ui::screens::{AnyScreen, Ctx, Screen, Step};

/// One screen of the stack.
///
/// Three screens keep their state in [`App`] instead, because it is the whole wizard's and not
/// one screen's: the session step (the header, `g` and every request use the session), the
/// parameter form (its values and users are the draft that preflight checks, review plans, the
/// deploy and Studio steps create users from, and that Back from the review or the deploy
/// returns to as it was), and the topology (kept between two openings of the same project, and
/// marked by a drift detection made on the overview).
#[derive(Debug)]
pub enum Layer {
    /// State: [`App::session`].
    Session,
    /// State: [`App::params`] and [`App::parameters`].
    Parameters,
    /// State: [`App::topology`].
    Topology,
    /// Every other screen, owning its state.
    Own(Box<dyn AnyScreen>),
}

impl Layer {
    pub fn step(&self) -> Step {
        match self {
            Layer::Session => Step::Session,
            Layer::Parameters => Step::Parameters,
            Layer::Topology => Step::Topology,
            Layer::Own(s) => s.step(),
        }
    }

    /// The screen's state, if it is its own and an `S`.
    pub(super) fn get<S: Screen>(&self) -> Option<&S> {
        match self {
            Layer::Own(s) => s.as_any().downcast_ref(),
            _ => None,
        }
    }

    /// The screen's state to change, if it is its own and an `S`.
    pub(super) fn get_mut<S: Screen>(&mut self) -> Option<&mut S> {
        match self {
            Layer::Own(s) => s.as_any_mut().downcast_mut(),
            _ => None,
        }
    }
}

impl App {
    /// Which screen is showing.
    pub fn step(&self) -> Step {
        self.stack.last().map_or(Step::Session, Layer::step)
    }

    /// The steps of the screens open, the one showing first.
    pub(super) fn steps(&self) -> impl Iterator<Item = Step> + '_ {
        self.stack.iter().rev().map(Layer::step)
    }

    /// The nearest open screen of type `S`, the one showing first.
    pub fn find<S: Screen>(&self) -> Option<&S> {
        self.stack.iter().rev().find_map(Layer::get)
    }

    /// The nearest open screen of type `S` to change, the one showing first.
    pub(super) fn find_mut<S: Screen>(&mut self) -> Option<&mut S> {
        self.stack.iter_mut().rev().find_map(Layer::get_mut)
    }

    /// The screen showing, if it is an `S`.
    pub(super) fn showing<S: Screen>(&self) -> Option<&S> {
        self.stack.last().and_then(Layer::get)
    }

    /// Show this screen, in place of every one open.
    pub(super) fn show(&mut self, layer: Layer) {
        self.stack.clear();
        self.stack.push(layer);
    }

    /// Show this screen over the one showing (Back returns to it).
    pub(super) fn open_over(&mut self, layer: Layer) {
        self.stack.push(layer);
    }

    /// The screen showing (None only for a form not filled yet, which never shows).
    pub(super) fn view(&self) -> Option<&dyn AnyScreen> {
        self.layer(self.stack.len().checked_sub(1)?)
    }

    /// The `i`th screen of the stack (0: the bottom).
    pub(super) fn layer(&self, i: usize) -> Option<&dyn AnyScreen> {
        Some(match self.stack.get(i)? {
            Layer::Session => &self.session,
            Layer::Parameters => self.params.as_ref()?,
            Layer::Topology => &self.topology,
            Layer::Own(s) => &**s,
        })
    }

    /// Run `f` on the screen showing, with what the whole wizard lends it.
    pub(super) fn with_view<R>(
        &mut self,
        f: impl FnOnce(&mut dyn AnyScreen, &mut Ctx) -> R,
    ) -> Option<R> {
        self.with_layer(self.stack.len().checked_sub(1)?, f)
    }

    /// Run `f` on the `i`th screen of the stack, with what the whole wizard lends it.
    pub(super) fn with_layer<R>(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut dyn AnyScreen, &mut Ctx) -> R,
    ) -> Option<R> {
        let now_ms = self.now_ms();
        let region = self.region();
        let App {
            stack,
            session,
            params,
            topology,
            parameters,
            read_only,
            ..
        } = self;
        let (screen, graph): (&mut dyn AnyScreen, _) = match stack.get_mut(i)? {
            Layer::Session => (session, topology.topology.as_mut()),
            Layer::Parameters => (params.as_mut()?, topology.topology.as_mut()),
            Layer::Topology => (topology, None),
            Layer::Own(s) => (&mut **s, topology.topology.as_mut()),
        };
        let mut ctx = Ctx {
            read_only: *read_only,
            region,
            now_ms,
            parameters,
            topology: graph,
        };
        Some(f(screen, &mut ctx))
    }
}
