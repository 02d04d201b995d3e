//! `status` as one workflow: who is asking, the project's stack, what studio-tui started for it
//! here, and the Studio domain with its users. Read-only.

use crate::aws::stacks::StackInfo;
use crate::aws::studio::DomainInfo;
use crate::aws::{Identity, Session};
use crate::core::params::instance_types::InstanceTypes;
use crate::ops::Error;
use crate::ops::leftovers::{self, Leftover};
use crate::ops::studio::{self, UserView};
use crate::state::RunState;
use crate::state::SharedStore;

/// Everything `status` reports about one project in one region.
#[derive(Debug, Clone)]
pub struct Status {
    pub identity: Identity,
    pub region: String,
    pub project: String,
    /// None: not deployed.
    pub stack: Option<StackInfo>,
    /// What was started here (stack id, token, domain id), from the run state.
    pub run: Option<RunState>,
    /// The domain named after the project with its users; an error here is reported with the
    /// rest, not instead of it.
    pub studio: Result<Option<(DomainInfo, Vec<UserView>)>, Error>,
    /// Billed resources around the stack that studio-tui did not create (`ops::leftovers`);
    /// an error here is reported with the rest.
    pub leftovers: Result<Vec<Leftover>, Error>,
    /// The users whose profile hides instance types itself (its list takes priority over the
    /// domain's): each with the types its list leaves, or why its settings could not be read.
    pub type_overrides: Vec<(String, Result<InstanceTypes, String>)>,
}

/// Look the project up: the identity and the stack first (either failing fails the status),
/// then the saved run and the Studio half.
pub async fn status(
    session: &Session,
    store: &SharedStore,
    project: &str,
) -> Result<Status, Error> {
    let identity = session.identity().await?;
    let stack = session.describe_stack(project).await?;
    let run = store
        .lock()
        .ok()
        .and_then(|s| s.run(&session.region, project).cloned());
    let studio = studio::domain_with_users(session, project).await;
    let domain_arn = studio
        .as_ref()
        .ok()
        .and_then(|s| s.as_ref())
        .map(|(d, _)| d.arn.as_str());
    let leftovers = match &stack {
        Some(s) => leftovers::for_stack(session, s, domain_arn).await,
        None => Ok(Vec::new()),
    };
    let mut type_overrides = Vec::new();
    if let Ok(Some((d, users))) = &studio {
        for u in users {
            match session.profile_hidden_instance_types(&d.id, &u.name).await {
                Ok(Some(hidden)) => {
                    type_overrides.push((u.name.clone(), Ok(InstanceTypes::from_hidden(&hidden))));
                }
                Ok(None) => {}
                Err(e) => type_overrides.push((u.name.clone(), Err(e.message.clone()))),
            }
        }
    }
    Ok(Status {
        identity,
        region: session.region.clone(),
        project: project.to_string(),
        stack,
        run,
        studio,
        leftovers,
        type_overrides,
    })
}
