//! One module per wizard step.

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
