//! The screen showing, with its state: one enum, so a screen that shows always has its state,
//! and a screen opened over another holds the one it returns to.

use crate::ui::screens::Step;
use crate::ui::screens::deploy::DeployState;
use crate::ui::screens::domain::DomainState;
use crate::ui::screens::egress::EgressState;
use crate::ui::screens::overview::OverviewState;
use crate::ui::screens::preflight::PreflightState;
use crate::ui::screens::review::ReviewScreen;
use crate::ui::screens::teardown::TeardownState;
use crate::ui::screens::users::UsersState;

/// The screen showing, owning its state.
///
/// A screen opened over another (the topology with `g`, the users from the Studio step or the
/// overview, the teardown and the blocked egress from the overview) holds the screen it returns
/// to, whole, in `back`: what that screen was doing survives the visit (a running deploy's
/// tracker goes on following the operation while the topology shows; Esc returns to it), and
/// replies to its requests still reach it.
///
/// Three screens keep their state in [`App`](super::App) instead, because it is the whole
/// wizard's and not one screen's: the session step (the header, `g` and every request use the
/// session), the parameter form (its values and users are the draft that preflight checks,
/// review plans, the deploy and Studio steps create users from, and that Back from the review
/// or the deploy returns to as it was), and the topology (kept between two openings of the same
/// project, and marked by a drift detection made on the overview).
#[derive(Debug)]
pub enum Screen {
    /// State: [`App::session`](super::App::session).
    Session,
    Preflight(Box<PreflightState>),
    /// State: [`App::params`](super::App::params) and [`App::parameters`](super::App::parameters).
    Parameters,
    Review(Box<ReviewScreen>),
    /// The deploy, and the Studio step as the Studio half of a first create builds it (`n`
    /// shows it as it ended instead of running it again).
    Deploy {
        deploy: Box<DeployState>,
        studio: Box<DomainState>,
    },
    Domain(Box<DomainState>),
    Users {
        users: Box<UsersState>,
        back: Box<Screen>,
    },
    Overview(Box<OverviewState>),
    /// State: [`App::topology`](super::App::topology).
    Topology {
        back: Box<Screen>,
    },
    Teardown {
        teardown: Box<TeardownState>,
        back: Box<Screen>,
    },
    Egress {
        egress: Box<EgressState>,
        back: Box<Screen>,
    },
}

impl Screen {
    pub fn step(&self) -> Step {
        match self {
            Screen::Session => Step::Session,
            Screen::Preflight(_) => Step::Preflight,
            Screen::Parameters => Step::Parameters,
            Screen::Review(_) => Step::Review,
            Screen::Deploy { .. } => Step::Deploy,
            Screen::Domain(_) => Step::Domain,
            Screen::Users { .. } => Step::Users,
            Screen::Overview(_) => Step::Overview,
            Screen::Topology { .. } => Step::Topology,
            Screen::Teardown { .. } => Step::Teardown,
            Screen::Egress { .. } => Step::Egress,
        }
    }

    /// The screen this one returns to, if it was opened over another.
    pub fn back(&self) -> Option<&Screen> {
        match self {
            Screen::Users { back, .. }
            | Screen::Topology { back }
            | Screen::Teardown { back, .. }
            | Screen::Egress { back, .. } => Some(back),
            _ => None,
        }
    }

    /// Leave this screen for the one it returns to (None: it was opened over none).
    pub fn into_back(self) -> Option<Screen> {
        match self {
            Screen::Users { back, .. }
            | Screen::Topology { back }
            | Screen::Teardown { back, .. }
            | Screen::Egress { back, .. } => Some(*back),
            _ => None,
        }
    }

    /// This screen and the ones it returns to, nearest first.
    pub fn chain(&self) -> impl Iterator<Item = &Screen> {
        std::iter::successors(Some(self), |s| s.back())
    }

    /// The `n`th screen of the chain (0: this one).
    fn nth_mut(&mut self, n: usize) -> Option<&mut Screen> {
        let mut at = self;
        for _ in 0..n {
            at = match at {
                Screen::Users { back, .. }
                | Screen::Topology { back }
                | Screen::Teardown { back, .. }
                | Screen::Egress { back, .. } => back,
                _ => return None,
            };
        }
        Some(at)
    }

    /// The nearest screen of the chain of this kind, to change.
    fn find_mut(&mut self, step: Step) -> Option<&mut Screen> {
        let n = self.chain().position(|s| s.step() == step)?;
        self.nth_mut(n)
    }

    fn find(&self, step: Step) -> Option<&Screen> {
        self.chain().find(|s| s.step() == step)
    }

    pub fn preflight(&self) -> Option<&PreflightState> {
        match self.find(Step::Preflight)? {
            Screen::Preflight(p) => Some(p),
            _ => None,
        }
    }

    pub fn preflight_mut(&mut self) -> Option<&mut PreflightState> {
        match self.find_mut(Step::Preflight)? {
            Screen::Preflight(p) => Some(p),
            _ => None,
        }
    }

    pub fn review_mut(&mut self) -> Option<&mut ReviewScreen> {
        match self.find_mut(Step::Review)? {
            Screen::Review(r) => Some(r),
            _ => None,
        }
    }

    pub fn deploy(&self) -> Option<&DeployState> {
        match self.find(Step::Deploy)? {
            Screen::Deploy { deploy, .. } => Some(deploy),
            _ => None,
        }
    }

    /// The deploy and the Studio step its Studio half builds.
    pub fn deploy_mut(&mut self) -> Option<(&mut DeployState, &mut DomainState)> {
        match self.find_mut(Step::Deploy)? {
            Screen::Deploy { deploy, studio } => Some((deploy, studio)),
            _ => None,
        }
    }

    /// The Studio step: the one showing (or returned to), else the one a deploy builds.
    pub fn studio(&self) -> Option<&DomainState> {
        self.chain().find_map(|s| match s {
            Screen::Domain(d) => Some(&**d),
            Screen::Deploy { studio, .. } => Some(&**studio),
            _ => None,
        })
    }

    pub fn domain_mut(&mut self) -> Option<&mut DomainState> {
        match self.find_mut(Step::Domain)? {
            Screen::Domain(d) => Some(d),
            _ => None,
        }
    }

    pub fn users_mut(&mut self) -> Option<&mut UsersState> {
        match self.find_mut(Step::Users)? {
            Screen::Users { users, .. } => Some(users),
            _ => None,
        }
    }

    pub fn overview(&self) -> Option<&OverviewState> {
        match self.find(Step::Overview)? {
            Screen::Overview(o) => Some(o),
            _ => None,
        }
    }

    pub fn overview_mut(&mut self) -> Option<&mut OverviewState> {
        match self.find_mut(Step::Overview)? {
            Screen::Overview(o) => Some(o),
            _ => None,
        }
    }

    pub fn teardown(&self) -> Option<&TeardownState> {
        match self.find(Step::Teardown)? {
            Screen::Teardown { teardown, .. } => Some(teardown),
            _ => None,
        }
    }

    pub fn teardown_mut(&mut self) -> Option<&mut TeardownState> {
        match self.find_mut(Step::Teardown)? {
            Screen::Teardown { teardown, .. } => Some(teardown),
            _ => None,
        }
    }

    pub fn egress_mut(&mut self) -> Option<&mut EgressState> {
        match self.find_mut(Step::Egress)? {
            Screen::Egress { egress, .. } => Some(egress),
            _ => None,
        }
    }
}
