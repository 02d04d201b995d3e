//! One module per wizard step, each a [`Screen`]: its key table binds its own commands, a
//! command in, an [`Outcome`] out.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::aws::stacks::StackInfo;
use crate::core::params::{Parameters, ParamsDraft};
use crate::core::topology::Topology;
use crate::ops::deploy::{Recovery, Review};
use crate::ui::action::{Effect, Reply};
use crate::ui::keymap::{self, Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::KeyHint;

pub mod deploy;
pub mod domain;
pub mod egress;
pub mod overview;
pub mod params;
pub mod preflight;
pub mod review;
pub mod session;
pub mod teardown;
pub mod topology;
pub mod users;

/// The registry of the screens: one tag per screen (its [`Screen::STEP`]), the owner of the
/// requests it makes, and what tests ask the app for. A new screen is a file of this folder,
/// its `mod` line above and its tag here.
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

/// Per-screen loading state: one enum, never a handful of booleans.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T, E> {
    Idle,
    Loading,
    Loaded(T),
    Failed(E),
}

impl<T, E> Loadable<T, E> {
    pub fn is_loading(&self) -> bool {
        matches!(self, Loadable::Loading)
    }
}

/// What a screen did with a command or a reply.
#[derive(Debug)]
pub enum Outcome {
    /// Not this screen's (the keys every screen shares may still apply: help, quit, topology).
    Ignored,
    /// Handled: the screen changed itself.
    Consumed,
    /// Handled: start these.
    Effects(Vec<Effect>),
    /// Handled by asking the app, which holds what the screens share (the parameters, the
    /// form, the screens returned to).
    GoTo(Go),
}

impl Outcome {
    /// Effects when there are any, else consumed.
    pub fn effects(effects: Vec<Effect>) -> Outcome {
        if effects.is_empty() {
            Outcome::Consumed
        } else {
            Outcome::Effects(effects)
        }
    }
}

/// Where a screen asks to go (or what it asks the app to do on the way).
#[derive(Debug)]
pub enum Go {
    /// The screen before: the one this was opened over, else the wizard's previous step.
    Back,
    /// The first step, every screen open left (nothing is left to go back to).
    Start,
    /// Open this screen over the one showing, which Back returns to, and start its work
    /// ([`Screen::open`]).
    Open(Box<dyn AnyScreen>),
    /// Show this screen instead of the one showing, as it is.
    Swap(Box<dyn AnyScreen>),
    /// The wizard's next step.
    Next,
    /// Preflight again with the parameters as they are.
    Recheck,
    /// Run the Studio step (domain, then the users).
    SetUpStudio,
    /// The update of an existing deployment: the same preflight, form and review.
    Update,
    /// Plan these parameters (an edited allow list), with the users planned for their project;
    /// made from these deployed parameters (the plan's basis, `ops::deploy::plan`).
    Plan(
        Box<Parameters>,
        Option<std::collections::BTreeMap<String, String>>,
    ),
    /// The form's parameters, validated: plan them with the form's users (the review step).
    Review(Box<Parameters>),
    /// Execute the reviewed change set.
    Execute(Box<Review>),
    /// Recover the stack so a deploy can go on.
    Recover(Box<StackInfo>, Recovery),
    /// Follow the operation running on this stack.
    Reattach(Box<StackInfo>),
    /// Back to the parameter form, saying why.
    EditParameters(Option<String>),
    /// Plan the last parameters again (after a delete & retry).
    Redeploy,
}

/// What a command or a reply reaches a screen with besides its own state: what the whole wizard shares,
/// lent for the call.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// Nothing that changes AWS may start.
    pub read_only: bool,
    /// The session's region (None before connecting).
    pub region: Option<String>,
    /// Now, in milliseconds since the epoch (the app's clock, frozen in tests).
    pub now_ms: i64,
    /// The parameters being prepared: preflight checks them and amends them.
    pub parameters: &'a mut ParamsDraft,
    /// The topology kept between two openings of its view (None until read).
    pub topology: Option<&'a mut Topology>,
}

/// What a screen draws with besides its own state.
#[derive(Debug, Clone, Copy)]
pub struct DrawCtx<'a> {
    pub theme: &'a Theme,
    /// Animation frame (spinners).
    pub tick: usize,
    /// Now, for elapsed times and ETAs.
    pub now_ms: i64,
    /// The parameters being prepared.
    pub parameters: &'a ParamsDraft,
    /// The whole terminal is large enough for diagrams.
    pub wide: bool,
}

/// One screen: its key table (the footer, the help overlay and the keymap all read it), what
/// each of its commands does to it, and how it draws.
pub trait Screen: std::fmt::Debug + 'static {
    /// Its tag in the registry.
    const STEP: Step;
    /// Its name in the header and atop its help.
    const TITLE: &'static str;
    /// What its keys ask of it.
    type Cmd: Copy + 'static;
    /// Its key table in its present state.
    fn keys(&self) -> &'static [Binding<Self::Cmd>];
    /// An input or an overlay has the focus: characters are its text ([`Screen::on_text`]),
    /// the other keys still give their commands, and no key is shared with the other screens.
    fn captures_keys(&self) -> bool {
        false
    }
    fn on_cmd(&mut self, cmd: Self::Cmd, ctx: &mut Ctx) -> Outcome;
    /// A key its input takes as it is: a character, or a key its table does not bind.
    fn on_text(&mut self, _key: Key) -> Outcome {
        Outcome::Ignored
    }
    /// A reply to one of its requests (progress, or the result): the app routes each reply to
    /// the screen that made the request.
    fn on_reply(&mut self, _reply: Reply, _ctx: &mut Ctx) -> Outcome {
        Outcome::Ignored
    }
    /// What it starts when it opens over another screen ([`Go::Open`]).
    fn open(&mut self) -> Vec<Effect> {
        Vec::new()
    }
    /// What it starts when a screen opened over it closed (what the visit may have changed).
    fn on_return(&mut self) -> Vec<Effect> {
        Vec::new()
    }
    /// An operation it follows runs in AWS: what "Quit? y/n" says about quitting now.
    fn quit_warning(&self) -> Option<&'static str> {
        None
    }
    /// Something it waits for shows a spinner (the loop ticks fast while it shows).
    fn busy(&self) -> bool {
        false
    }
    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx);
}

/// A [`Screen`] whatever its commands are: what the app holds and asks.
pub trait AnyScreen: std::fmt::Debug {
    fn step(&self) -> Step;
    fn title(&self) -> &'static str;
    /// Its key table, as the footer and the help overlay show it.
    fn hints(&self) -> Vec<KeyHint>;
    /// Whether its table names `key` (bound to a command, or shared).
    fn names(&self, key: Key) -> bool;
    fn captures_keys(&self) -> bool;
    /// A key pressed: the command its table binds it to, or its input's text. Ignored when
    /// the table does not bind it (the app may still take it: help, quit, topology).
    fn press(&mut self, key: Key, ctx: &mut Ctx) -> Outcome;
    fn on_reply(&mut self, reply: Reply, ctx: &mut Ctx) -> Outcome;
    fn open(&mut self) -> Vec<Effect>;
    fn on_return(&mut self) -> Vec<Effect>;
    fn quit_warning(&self) -> Option<&'static str>;
    fn busy(&self) -> bool;
    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx);
    /// Its state, for the app to find a screen of a given type.
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<S: Screen> AnyScreen for S {
    fn step(&self) -> Step {
        S::STEP
    }

    fn title(&self) -> &'static str {
        S::TITLE
    }

    fn hints(&self) -> Vec<KeyHint> {
        keymap::hints(self.keys())
    }

    fn names(&self, key: Key) -> bool {
        keymap::names(self.keys(), key)
    }

    fn captures_keys(&self) -> bool {
        Screen::captures_keys(self)
    }

    fn press(&mut self, key: Key, ctx: &mut Ctx) -> Outcome {
        let captured = Screen::captures_keys(self);
        if captured && key.is_text() {
            return self.on_text(key);
        }
        match keymap::command(self.keys(), key) {
            Some(cmd) => self.on_cmd(cmd, ctx),
            None if captured => self.on_text(key),
            None => Outcome::Ignored,
        }
    }

    fn on_reply(&mut self, reply: Reply, ctx: &mut Ctx) -> Outcome {
        Screen::on_reply(self, reply, ctx)
    }

    fn open(&mut self) -> Vec<Effect> {
        Screen::open(self)
    }

    fn on_return(&mut self) -> Vec<Effect> {
        Screen::on_return(self)
    }

    fn quit_warning(&self) -> Option<&'static str> {
        Screen::quit_warning(self)
    }

    fn busy(&self) -> bool {
        Screen::busy(self)
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        Screen::draw(self, f, area, ctx);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
