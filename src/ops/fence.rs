//! The bucket fence around an emptying, kept safe against a run that does not end well.
//!
//! - The original policy is saved in studio-tui's state ([`FenceLedger`]) *before* the first
//!   edit, and forgotten only once it is back and GetBucketPolicy shows it ([`put_back`]).
//! - A run that was killed in between leaves the saved copy: the next run of any command that
//!   touches the project puts it back ([`restore_open_fences`]), and only when the policy still
//!   holds an exemption (it undoes studio-tui's own edit, nothing else).
//! - Ctrl-C and SIGTERM reach a teardown as an [`Interrupt`]: the emptying stops, the policy is
//!   put back, and the teardown ends there.

use std::future::Future;

use serde::Serialize;
use tokio::sync::watch;

use crate::aws::{ErrorKind, Session};
use crate::core::fence;
use crate::core::shown::Shown;
use crate::ops::Error;
use crate::state::OpenFence;
use crate::state::SharedStore;

/// The user's request to stop (Ctrl-C, SIGTERM), as a front-end reports it.
#[derive(Debug, Clone)]
pub struct Interrupt {
    rx: Option<watch::Receiver<Option<&'static str>>>,
}

/// The front-end's side of an [`Interrupt`]: `stop("Ctrl-C (SIGINT)")`.
#[derive(Debug)]
pub struct InterruptSender(watch::Sender<Option<&'static str>>);

impl InterruptSender {
    /// Ask the workflow to stop; `signal` says how the user asked.
    pub fn stop(&self, signal: &'static str) {
        self.0.send_replace(Some(signal));
    }
}

impl Interrupt {
    /// An interrupt that never comes (the wizard, library callers).
    pub fn never() -> Interrupt {
        Interrupt { rx: None }
    }

    /// A pair: the front-end keeps the sender, the workflow gets the interrupt.
    pub fn channel() -> (InterruptSender, Interrupt) {
        let (tx, rx) = watch::channel(None);
        (InterruptSender(tx), Interrupt { rx: Some(rx) })
    }

    /// How the user asked to stop, if they did.
    pub fn signal(&self) -> Option<&'static str> {
        self.rx.as_ref().and_then(|rx| *rx.borrow())
    }

    /// Resolves when the user asks to stop (never, for [`Interrupt::never`]).
    pub async fn wait(&self) -> &'static str {
        let Some(mut rx) = self.rx.clone() else {
            return std::future::pending().await;
        };
        loop {
            if let Some(signal) = *rx.borrow_and_update() {
                return signal;
            }
            if rx.changed().await.is_err() {
                // The sender is gone without a stop: none will come.
                return std::future::pending().await;
            }
        }
    }

    /// Run one step of a workflow, or stop it when the user asks to. Only for steps that are
    /// safe to abandon half-way (a wait, a delete AWS carries on with): dropping the step's
    /// future leaves nothing of studio-tui's own half-done.
    pub async fn or_stop<T>(
        &self,
        doing: &str,
        step: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        tokio::select! {
            biased;
            signal = self.wait() => Err(stopped(signal, doing)),
            out = step => out,
        }
    }
}

/// The error of a workflow the user stopped while `doing` something.
pub fn stopped(signal: &str, doing: &str) -> Error {
    Error::interrupted(
        signal,
        format!(
            "stopped by {signal} while {doing}; studio-tui sent no further request (AWS carries \
             on with a deletion it already accepted)"
        ),
    )
    .with_fix(
        "`studio-tui status` shows where the project stands; run the same command again: it \
         resumes where this run stopped",
    )
}

/// Where a teardown saves the original policies of the buckets it opens: the project's run
/// state (owner-only `runs.json`), or nowhere for a caller without a store (a test).
#[derive(Debug, Clone)]
pub struct FenceLedger {
    store: Option<SharedStore>,
    region: String,
    project: String,
}

impl FenceLedger {
    pub fn new(store: Option<&SharedStore>, region: &str, project: &str) -> FenceLedger {
        FenceLedger {
            store: store.cloned(),
            region: region.to_string(),
            project: project.to_string(),
        }
    }

    /// Save `bucket`'s original policy before it is opened. An error (nothing may be opened
    /// then) when the state cannot be written.
    pub fn save(
        &self,
        bucket: &str,
        original: &str,
        opened: &str,
        admits: &str,
    ) -> Result<(), Error> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let fence = OpenFence {
            bucket: bucket.to_string(),
            original_policy: original.to_string(),
            opened_policy: opened.to_string(),
            admits: admits.to_string(),
            saved_at: crate::core::clock::rfc3339(crate::core::clock::now_ms()),
        };
        let mut s = store
            .lock()
            .map_err(|_| state_error(bucket, "it is locked"))?;
        s.save_open_fence(&self.region, &self.project, fence)
            .map_err(|e| state_error(bucket, &e.to_string()))
    }

    /// The policy is back: forget the saved copy (a failure to write is logged; the next run
    /// finds the policy closed and forgets it then).
    pub fn forget(&self, bucket: &str) {
        let Some(store) = &self.store else {
            return;
        };
        if let Ok(mut s) = store.lock()
            && let Err(e) = s.forget_open_fence(&self.region, &self.project, bucket)
        {
            tracing::warn!("cannot forget the saved policy of {bucket}: {e}");
        }
    }
}

fn state_error(bucket: &str, why: &str) -> Error {
    Error::failed(
        "studio-tui",
        format!(
            "cannot save the policy of bucket {bucket} in studio-tui's state before opening it \
             ({why}); the policy was not changed"
        ),
    )
    .with_fix("check that studio-tui's data folder is writable (see `studio-tui --help`), then run destroy again")
}

/// Are two policy texts the same document (S3 may hand back its own formatting)?
fn same_policy(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Put `original` back on `bucket` and check with GetBucketPolicy that it is there.
pub async fn put_back(session: &Session, bucket: &str, original: &str) -> Result<(), Error> {
    session.put_bucket_policy(bucket, original).await?;
    match session.bucket_policy(bucket).await? {
        Some(now) if same_policy(&now, original) => Ok(()),
        _ => Err(Error::failed(
            "s3:GetBucketPolicy",
            format!("after PutBucketPolicy, bucket {bucket} does not show its original policy"),
        )),
    }
}

/// What the next run did with a policy a stopped run left open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Repair {
    /// The original policy is back (checked with GetBucketPolicy); the saved copy is gone.
    PutBack,
    /// The policy holds no exemption any more (someone closed it, or the policy is gone): the
    /// saved copy was forgotten, the policy left as it is.
    AlreadyClosed,
    /// The bucket is gone: the saved copy was forgotten.
    BucketGone,
    /// Not now (`--read-only` makes no change): the saved copy is kept.
    ReadOnly,
    /// It could not be put back: the saved copy is kept for the next run.
    Failed { error: Error },
    /// The policy still holds an exemption but is not the one studio-tui opened (someone edited
    /// it since, or another teardown opened it again): left untouched, the saved copy kept.
    ChangedSince,
}

/// One saved policy and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FenceRepair {
    pub bucket: String,
    pub admits: String,
    #[serde(flatten)]
    pub repair: Repair,
}

impl FenceRepair {
    /// One line for the plain output and the wizard.
    pub fn line(&self) -> String {
        let b = &self.bucket;
        match &self.repair {
            Repair::PutBack => format!(
                "bucket {b}: a run that was stopped had left its policy open ({}); the original \
                 policy is back (checked with GetBucketPolicy)",
                self.admits
            ),
            Repair::AlreadyClosed => format!(
                "bucket {b}: a run that was stopped had opened its policy; it holds no exemption \
                 any more, so it was left as it is"
            ),
            Repair::BucketGone => {
                format!(
                    "bucket {b}: a run that was stopped had opened its policy; the bucket is gone"
                )
            }
            Repair::ReadOnly => format!(
                "bucket {b}: a run that was stopped left its policy open ({}); run any command \
                 for this project without --read-only to put the original back",
                self.admits
            ),
            Repair::Failed { error } => format!(
                "bucket {b}: a run that was stopped left its policy open ({}) and it could not \
                 be put back now: {}; the original is kept in studio-tui's state and put back \
                 on the next run",
                self.admits,
                Shown(error.message())
            ),
            Repair::ChangedSince => format!(
                "bucket {b}: a run that was stopped left its policy open ({}), and the policy has \
                 changed since; studio-tui did not touch it. The original is kept in studio-tui's \
                 state; compare with `aws s3api get-bucket-policy --bucket {b}`, then run destroy \
                 or `studio-tui drift --revert` to restore the template's policy",
                self.admits
            ),
        }
    }
}

/// Put back every policy a stopped run left open for this project (each one only when it still
/// holds an exemption), and say what was done. Nothing saved: nothing is called.
pub async fn restore_open_fences(
    session: &Session,
    store: &SharedStore,
    project: &str,
) -> Vec<FenceRepair> {
    let saved = store
        .lock()
        .map(|s| s.open_fences(&session.region, project))
        .unwrap_or_default();
    let ledger = FenceLedger::new(Some(store), &session.region, project);
    let mut out = Vec::new();
    for f in saved {
        let repair = if session.read_only {
            Repair::ReadOnly
        } else {
            restore_one(session, &f).await
        };
        if !matches!(
            repair,
            Repair::ReadOnly | Repair::Failed { .. } | Repair::ChangedSince
        ) {
            ledger.forget(&f.bucket);
        }
        out.push(FenceRepair {
            bucket: f.bucket,
            admits: f.admits,
            repair,
        });
    }
    out
}

async fn restore_one(session: &Session, f: &OpenFence) -> Repair {
    let now = match session.bucket_policy(&f.bucket).await {
        Ok(now) => now,
        Err(e) if e.kind == ErrorKind::NotFound => return Repair::BucketGone,
        Err(e) => return Repair::Failed { error: e.into() },
    };
    match now {
        Some(policy)
            if fence::holds_exemption(&policy) && !same_policy(&policy, &f.opened_policy) =>
        {
            Repair::ChangedSince
        }
        Some(policy) if fence::holds_exemption(&policy) => {
            match put_back(session, &f.bucket, &f.original_policy).await {
                Ok(()) => Repair::PutBack,
                Err(error) => Repair::Failed { error },
            }
        }
        _ => Repair::AlreadyClosed,
    }
}
