//! `studio-tui preflight` as one workflow: open the session, read `--config`, resolve the
//! parameters (saved < file < flags) and run every check. What stops it before the checks (no
//! session, an invalid file) is reported as findings too, so the command prints one shape.

use std::path::Path;

use tokio::sync::mpsc::{self, UnboundedSender};

use crate::aws::{self, SessionOptions};
use crate::config::Paths;
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};
use crate::ops::params;
use crate::state;

use super::{PreflightInput, PreflightMsg, PreflightReport, run};

/// What the command asks for.
#[derive(Debug, Clone, Copy)]
pub struct Standalone<'a> {
    pub options: &'a SessionOptions,
    /// `--config`, read before the saved answers are resolved.
    pub config: Option<&'a Path>,
    /// Where the saved answers are (a store that cannot be read is left out, with a warning in
    /// the log).
    pub paths: &'a Paths,
    pub flags: &'a [(Field, String)],
    pub users: u32,
    pub all_regions: bool,
}

/// Progress of a standalone run.
#[derive(Debug, Clone, PartialEq)]
pub enum StandaloneMsg {
    /// The session is open and the parameters are resolved: the checks start.
    Resolved {
        project: String,
        region: String,
        vpc_cidr: String,
    },
    /// One check started or finished.
    Check(PreflightMsg),
}

/// Run it. Err: the findings that kept the checks from starting.
pub async fn standalone(
    request: Standalone<'_>,
    tx: UnboundedSender<StandaloneMsg>,
) -> Result<PreflightReport, Vec<Finding>> {
    let session = aws::connect(request.options).await.map_err(|e| {
        vec![Finding::new(
            Severity::Error,
            FindingCode::SessionFailed,
            e.message.clone(),
            e.fix
                .clone()
                .unwrap_or_else(|| "check --profile and --region".into()),
            None,
        )]
    })?;
    let config = match request.config {
        Some(path) => Some(params::read_config(path).map_err(|e| {
            vec![Finding::new(
                Severity::Error,
                FindingCode::ConfigInvalid,
                e.to_string(),
                "fix the file, or pass the values as flags instead",
                None,
            )]
        })?),
        None => None,
    };
    let store = match state::Store::load(request.paths) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!("saved answers not loaded: {e}");
            None
        }
    };
    let (parameters, _) = params::resolve_answers(
        store.as_ref(),
        &session.region,
        config.as_ref(),
        request.flags,
    );
    // The values a deploy would use: a stack that exists keeps what flags and --config do not
    // set. A stack that cannot be read is reported by the checks below.
    let explicit = params::explicit_fields(config.as_ref(), request.flags);
    let parameters = match params::with_deployed(&session, parameters.clone(), &explicit).await {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!("the deployed parameters could not be read: {e}");
            parameters
        }
    };
    let _ = tx.send(StandaloneMsg::Resolved {
        project: parameters.project_name.clone(),
        region: session.region.clone(),
        vpc_cidr: parameters.vpc_cidr.clone(),
    });
    let (ctx, mut crx) = mpsc::unbounded_channel();
    let checks = run(
        &session,
        PreflightInput {
            parameters,
            users: request.users,
            all_regions: request.all_regions,
        },
        ctx,
    );
    let forward = async {
        while let Some(m) = crx.recv().await {
            let _ = tx.send(StandaloneMsg::Check(m));
        }
    };
    let (report, ()) = tokio::join!(checks, forward);
    Ok(report)
}
