//! What flows into the app's state machine: user intents and results of background work.

use crossterm::event::KeyEvent;

use crate::aws::{AwsError, Identity, Session};

/// One input to [`crate::ui::app::App::update`].
#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Resize,
    /// Animation tick (only sent while something is loading).
    Tick,
    /// A termination signal (SIGTERM, SIGHUP): leave now, restoring the terminal.
    Terminate,
    /// Result of connecting: session plus identity, or why it failed.
    Connected(Box<Result<(Session, Identity), AwsError>>),
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
}
