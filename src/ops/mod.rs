//! Workflows. Each is an async function that knows nothing about terminals: it takes typed
//! inputs, talks to AWS through `crate::aws`, and reports progress as typed messages on a channel
//! that the wizard, the plain line printer and the JSON printer all consume.

pub mod apps;
pub mod cost;
pub mod deploy;
pub mod destroy;
pub mod drift;
pub mod egress;
pub mod error;
pub mod fence;
pub mod fleet;
pub mod leftovers;
pub mod params;
pub mod preflight;
pub mod status;
pub mod studio;
pub mod topology;
pub mod up;

pub use error::{Error, Problem, Result};
