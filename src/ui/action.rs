//! What flows into the app's state machine and out of it: user intents, the effects it asks
//! for, and replies from background work (progress and results, each echoing the id of the
//! request it answers), with the kinds of request ([`Slot`]) that pair them. A leaf: it names
//! no screen and no app, so the screens, the app and the loop all build on it.

use crossterm::event::KeyEvent;

use crate::aws::stacks::StackInfo;
use crate::aws::studio::DomainInfo;
use crate::aws::{Identity, Session};
use crate::core::params::Parameters;
use crate::ops;
use crate::ops::deploy::{DeployMsg, DeployOutcome, Plan, Recovery, Review};
use crate::ops::preflight::{PreflightInput, PreflightMsg, PreflightReport};
use crate::ops::studio::{StudioMsg, UserOutcome, UserView};
use crate::ops::up::{Overlapped, StudioPlan};

/// One request the app made, echoed by every reply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// One input to the app's state machine (`ui::app::App::update`).
#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Resize,
    /// Animation tick (only sent while something is loading or a deployment runs).
    Tick,
    /// A termination signal (SIGTERM, SIGHUP): leave now, restoring the terminal.
    Terminate,
    /// The topology refresh timer fired (only armed while the refresh policy wants one).
    RefreshDue,
    /// Progress or the result of a request, echoing its id.
    Reply(RequestId, Reply),
}

/// What background work sends back: progress messages, then exactly one result.
#[derive(Debug)]
pub enum Reply {
    /// Result of connecting: session plus identity, or why it failed.
    Connected(Box<Result<(Session, Identity), ops::Error>>),
    /// The project's stack as found at start (None: no stack).
    StackFound(Box<Result<Option<StackInfo>, ops::Error>>),
    /// What became of the bucket policies a stopped teardown had left open.
    FencesRepaired(Vec<crate::ops::fence::FenceRepair>),
    /// What planning found: a change set to review, or why not.
    Planned(Box<Result<Plan, ops::Error>>),
    /// The change set (and an empty CREATE stack) was deleted, or why not.
    Cancelled(Box<Result<(), ops::Error>>),
    /// Progress of a running deployment (or of planning: phases).
    Deploy(DeployMsg),
    /// A deployment ended: its outcome (also sent as DeployMsg::Finished) or the error that
    /// stopped it before or while watching.
    DeployEnded(Box<Result<DeployOutcome, ops::Error>>),
    /// A first create ended with the Studio domain and users built alongside it
    /// (`ops::up`): the stack's outcome, the Studio half's, and a deletion of the failed stack.
    Overlapped(Box<Overlapped>),
    /// Progress of a preflight run.
    Preflight(PreflightMsg),
    /// A preflight run finished.
    PreflightDone(Box<PreflightReport>),
    /// The project's domain and its users (day-2 users screen).
    UsersLoaded(Box<Result<(DomainInfo, Vec<UserView>), ops::Error>>),
    /// Progress of a Studio operation (domain, users).
    Studio(StudioMsg),
    /// An add or remove of users finished.
    UsersDone(Box<Result<Vec<UserOutcome>, ops::Error>>),
    /// The domain + users step finished.
    StudioDone(Box<Result<(), ops::Error>>),
    /// A presigned sign-in URL, or why not.
    SignInUrl(Box<Result<String, ops::Error>>),
    /// What a teardown would delete, or why it could not be found out.
    TeardownPlanned(Box<Result<crate::ops::destroy::DestroyPlan, ops::Error>>),
    /// Progress of a running teardown.
    Teardown(StudioMsg),
    /// A teardown ended: the measured report, or why it did not start.
    TeardownDone(Box<Result<crate::ops::destroy::DestroyReport, ops::Error>>),
    /// The firewall's blocked domains, or why they could not be read.
    BlockedLoaded(Box<Result<crate::ops::egress::BlockedReport, ops::Error>>),
    /// `firewall check`'s answer for a typed host, or why it could not be given.
    FlowChecked(Box<Result<crate::core::firewall::check::Answer, ops::Error>>),
    /// A drift detection finished.
    DriftChecked(Box<Result<crate::ops::drift::DriftReport, ops::Error>>),
    /// Result of a topology refresh.
    Topology(Box<Result<crate::core::topology::Topology, ops::Error>>),
    /// What the reviewed change set does to the monthly cost (prices from the API, the cache
    /// or the bundled table, which the estimate names).
    Costed(Box<Result<crate::ops::cost::ReviewCost, ops::Error>>),
    /// Billed resources around the stack that studio-tui did not create (ops::leftovers).
    LeftoversScanned(Box<Result<Vec<crate::ops::leftovers::Leftover>, ops::Error>>),
    /// The hourly price of each instance type asked for (None: not known).
    InstancePrices(Vec<(String, Option<crate::core::cost::RowPrice>)>),
    /// The overview's cost row: the environment's monthly estimate and the apps' run rate.
    CostNow(Box<crate::ops::apps::CostNow>),
    /// The domain's apps with their hourly prices (the users screen).
    AppsPriced(Box<Result<crate::ops::apps::AppsNow, ops::Error>>),
}

impl Reply {
    /// The result that ends a request (progress messages are not final).
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            Reply::Deploy(_) | Reply::Preflight(_) | Reply::Studio(_) | Reply::Teardown(_)
        )
    }

    /// The kinds of request this reply can answer.
    pub fn slots(&self) -> &'static [Slot] {
        match self {
            // Preflight without a session says so the way connecting does.
            Reply::Connected(_) => &[Slot::Connect, Slot::Preflight],
            Reply::StackFound(_) => &[Slot::LookupStack],
            Reply::FencesRepaired(_) => &[Slot::RepairFences],
            Reply::Planned(_) => &[Slot::Plan],
            Reply::Cancelled(_) => &[Slot::Cancel],
            // Planning reports its phases too.
            Reply::Deploy(_) => &[Slot::Deploy, Slot::Plan],
            Reply::DeployEnded(_) | Reply::Overlapped(_) => &[Slot::Deploy],
            Reply::Preflight(_) | Reply::PreflightDone(_) => &[Slot::Preflight],
            Reply::UsersLoaded(_) => &[Slot::LoadUsers],
            // A first create reports the domain and users it builds alongside the stack.
            Reply::Studio(_) => &[Slot::Studio, Slot::UserChange, Slot::Deploy],
            Reply::UsersDone(_) => &[Slot::UserChange],
            Reply::StudioDone(_) => &[Slot::Studio],
            Reply::SignInUrl(_) => &[Slot::SignInUrl],
            Reply::TeardownPlanned(_) => &[Slot::PlanTeardown],
            Reply::Teardown(_) | Reply::TeardownDone(_) => &[Slot::Teardown],
            Reply::BlockedLoaded(_) => &[Slot::LoadBlocked],
            Reply::FlowChecked(_) => &[Slot::CheckFlow],
            Reply::DriftChecked(_) => &[Slot::DetectDrift],
            Reply::Topology(_) => &[Slot::RefreshTopology],
            Reply::Costed(_) => &[Slot::Cost],
            Reply::LeftoversScanned(_) => &[Slot::Leftovers],
            Reply::InstancePrices(_) => &[Slot::InstancePrices],
            Reply::CostNow(_) => &[Slot::CostNow],
            Reply::AppsPriced(_) => &[Slot::PriceApps],
        }
    }
}

/// Background work the app asks the loop to start. The loop runs it on a task and sends the
/// result back as an [`Action`]; the app itself never awaits.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Build a session for this profile/region and ask STS who we are.
    Connect {
        profile: Option<String>,
        region: Option<String>,
    },
    /// Look the project's stack up (to reattach to an operation still running).
    LookupStack(String),
    /// Put back the bucket policies a stopped teardown of the project left open.
    RepairFences { project: String },
    /// Save the answers, then create the change set (ops::deploy::plan).
    Plan {
        params: Parameters,
        users: Vec<String>,
        /// The deployed parameters `params` was made from (the form filled from the overview's
        /// stack): the plan refuses when the stack changed since and it would set a value back.
        basis: Option<std::collections::BTreeMap<String, String>>,
    },
    /// Execute the reviewed change set and watch it; a first create builds `studio` (the
    /// domain and users) alongside the stack (`ops::up::run`).
    Execute { review: Review, studio: StudioPlan },
    /// Delete the change set (and the empty stack a CREATE change set leaves).
    Cancel(Review),
    /// Delete & retry, or continue the rollback, then watch.
    Recover {
        stack: StackInfo,
        recovery: Recovery,
    },
    /// Follow the operation running on this stack, replaying the events missed; a first
    /// create picks up `studio` where it was (the domain found by name, never a second one).
    Reattach {
        stack: StackInfo,
        studio: StudioPlan,
    },
    /// Run preflight with the connected session.
    RunPreflight(Box<PreflightInput>),
    /// The Studio step: domain (created or adopted) on the project's stack, then these users.
    SetUpStudio {
        project: String,
        users: Vec<String>,
        guardrails: crate::core::params::guardrails::DomainGuardrails,
    },
    /// Find the project's domain and list its users, apps and spaces.
    LoadUsers { project: String },
    /// Create user profiles in the domain.
    AddUsers {
        domain_id: String,
        names: Vec<String>,
    },
    /// Remove user profiles (apps and private spaces first).
    RemoveUsers {
        domain_id: String,
        names: Vec<String>,
    },
    /// Create a presigned sign-in URL.
    SignInUrl { domain_id: String, user: String },
    /// Find what a teardown of the project would delete (read-only).
    PlanTeardown { project: String, stack_name: String },
    /// Tear the project down with this bucket choice.
    Teardown {
        project: String,
        stack_name: String,
        choice: crate::ops::destroy::BucketChoice,
    },
    /// Read the firewall's blocked domains of the last `since_ms`.
    LoadBlocked { project: String, since_ms: i64 },
    /// Would this flow from a Studio app get through the project's firewall (read-only)?
    CheckFlow {
        project: String,
        flow: crate::core::firewall::Flow,
    },
    /// Detect drift on the project's stack.
    DetectDrift { project: String },
    /// Rebuild the topology of this project (ops::topology::refresh).
    RefreshTopology { project: String },
    /// The monthly cost a change set brings (`create`: a first create; `changes`: its
    /// resource changes) (ops::cost::review_cost).
    /// The hourly price of these instance types in the session's region (the form's allowed
    /// types), in the background.
    PriceInstanceTypes(Vec<String>),
    EstimateCost {
        create: bool,
        changes: Vec<crate::core::cost::ResourceChange>,
    },
    /// Scan for leftovers that keep billing around this stack, the project's domain (by ARN)
    /// excepted (ops::leftovers::for_stack; read-only).
    ScanLeftovers {
        stack: Box<crate::aws::stacks::StackInfo>,
        domain_arn: Option<String>,
    },
    /// The environment's monthly estimate and, with a domain, its apps' run rate
    /// (ops::apps::cost_now).
    LoadCostNow { domain_id: Option<String> },
    /// The domain's apps with their hourly prices (ops::apps::apps_now).
    PriceApps { domain_id: String },
}

/// What a request is for. Replies name the kinds of request they answer ([`Reply::slots`]), and
/// a new request supersedes the older one of its kind from the same screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Connect,
    LookupStack,
    RepairFences,
    Preflight,
    Plan,
    Cancel,
    /// Execute, recover, reattach: the operation the deploy screen follows.
    Deploy,
    /// The Studio step: domain, then users.
    Studio,
    LoadUsers,
    /// Adding or removing users: several may run at once, none supersedes another.
    UserChange,
    SignInUrl,
    PlanTeardown,
    Teardown,
    LoadBlocked,
    CheckFlow,
    DetectDrift,
    RefreshTopology,
    Cost,
    Leftovers,
    InstancePrices,
    CostNow,
    PriceApps,
}

impl Slot {
    /// Whether a newer request of this kind makes the older one pointless.
    pub fn supersedes(self) -> bool {
        !matches!(self, Slot::UserChange)
    }
}

impl Effect {
    pub fn slot(&self) -> Slot {
        match self {
            Effect::Connect { .. } => Slot::Connect,
            Effect::LookupStack(_) => Slot::LookupStack,
            Effect::RepairFences { .. } => Slot::RepairFences,
            Effect::RunPreflight(_) => Slot::Preflight,
            Effect::Plan { .. } => Slot::Plan,
            Effect::Cancel(_) => Slot::Cancel,
            Effect::Execute { .. } | Effect::Recover { .. } | Effect::Reattach { .. } => {
                Slot::Deploy
            }
            Effect::SetUpStudio { .. } => Slot::Studio,
            Effect::LoadUsers { .. } => Slot::LoadUsers,
            Effect::AddUsers { .. } | Effect::RemoveUsers { .. } => Slot::UserChange,
            Effect::SignInUrl { .. } => Slot::SignInUrl,
            Effect::PlanTeardown { .. } => Slot::PlanTeardown,
            Effect::Teardown { .. } => Slot::Teardown,
            Effect::LoadBlocked { .. } => Slot::LoadBlocked,
            Effect::CheckFlow { .. } => Slot::CheckFlow,
            Effect::DetectDrift { .. } => Slot::DetectDrift,
            Effect::RefreshTopology { .. } => Slot::RefreshTopology,
            Effect::EstimateCost { .. } => Slot::Cost,
            Effect::ScanLeftovers { .. } => Slot::Leftovers,
            Effect::PriceInstanceTypes(_) => Slot::InstancePrices,
            Effect::LoadCostNow { .. } => Slot::CostNow,
            Effect::PriceApps { .. } => Slot::PriceApps,
        }
    }
}
