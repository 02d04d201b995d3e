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

/// The waits before each GetBucketPolicy that checks a policy just put: "Bucket
/// configurations have an eventual consistency model" (S3 user guide, "Amazon S3 data
/// consistency model"), so a read right after PutBucketPolicy may still show the policy it
/// replaced. Six reads over about six seconds, then the check fails.
const POLICY_READ_WAITS_MS: [u64; 6] = [0, 200, 400, 800, 1600, 3200];

/// Put `original` back on `bucket` and check with GetBucketPolicy that it is there (read again
/// with a bounded backoff while S3 still shows the policy it replaced).
pub async fn put_back(session: &Session, bucket: &str, original: &str) -> Result<(), Error> {
    session.put_bucket_policy(bucket, original).await?;
    for wait in POLICY_READ_WAITS_MS {
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        if let Some(now) = session.bucket_policy(bucket).await?
            && same_policy(&now, original)
        {
            return Ok(());
        }
    }
    Err(Error::failed(
        "s3:GetBucketPolicy",
        format!(
            "after PutBucketPolicy, bucket {bucket} still did not show its original policy in {} \
             GetBucketPolicy reads over {:.1}s",
            POLICY_READ_WAITS_MS.len(),
            POLICY_READ_WAITS_MS.iter().sum::<u64>() as f64 / 1000.0
        ),
    ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
    use aws_sdk_s3::operation::get_bucket_policy::{GetBucketPolicyError, GetBucketPolicyOutput};
    use aws_sdk_s3::operation::put_bucket_policy::{PutBucketPolicyError, PutBucketPolicyOutput};
    use aws_smithy_mocks::{
        MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
    };
    use aws_smithy_types::error::ErrorMetadata;

    const ORIGINAL: &str = r#"{"Statement":[{"Sid":"Fence","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
    const OPENED: &str = r#"{"Statement":[{"Sid":"Fence","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1","aws:userid":"AIDAOPS"}}}]}"#;

    fn policy(text: &'static str) -> GetBucketPolicyOutput {
        GetBucketPolicyOutput::builder().policy(text).build()
    }

    fn s3_error(code: &str) -> GetBucketPolicyError {
        GetBucketPolicyError::generic(ErrorMetadata::builder().code(code).message(code).build())
    }

    /// GetBucketPolicy answering `answers` in turn, the last one for every later read.
    fn reads(answers: Vec<Result<&'static str, &'static str>>) -> Rule {
        let mut rule = { mock!(aws_sdk_s3::Client::get_bucket_policy) }.sequence();
        for a in answers {
            rule = match a {
                Ok(p) => rule.output(move || policy(p)),
                Err(code) => rule.error(move || s3_error(code)),
            };
        }
        rule.repeatedly().build()
    }

    fn puts(ok: bool) -> Rule {
        if ok {
            mock!(aws_sdk_s3::Client::put_bucket_policy)
                .then_output(|| PutBucketPolicyOutput::builder().build())
        } else {
            mock!(aws_sdk_s3::Client::put_bucket_policy).then_error(|| {
                PutBucketPolicyError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDenied")
                        .message("denied")
                        .build(),
                )
            })
        }
    }

    async fn session(rules: &[&Rule], read_only: bool) -> Session {
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            interceptor = interceptor.with_rule(r);
        }
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        crate::aws::connect(&crate::aws::SessionOptions {
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            fake_credentials: true,
            read_only,
            ..Default::default()
        })
        .await
        .unwrap()
        .with_s3_client(aws_sdk_s3::Client::from_conf(conf))
    }

    fn store(dir: &tempfile::TempDir) -> SharedStore {
        let paths = crate::config::Paths::under(dir.path());
        std::sync::Arc::new(std::sync::Mutex::new(
            crate::state::Store::load(&paths).unwrap(),
        ))
    }

    fn saved(store: &SharedStore) -> Vec<String> {
        store
            .lock()
            .unwrap()
            .open_fences("us-east-1", "p")
            .into_iter()
            .map(|f| f.bucket)
            .collect()
    }

    #[test]
    fn policies_are_compared_as_documents() {
        assert!(same_policy(ORIGINAL, &format!(" {ORIGINAL}\n")));
        assert!(same_policy(r#"{"a": 1, "b": [2]}"#, r#"{"b":[2],"a":1}"#));
        assert!(!same_policy(ORIGINAL, OPENED));
        assert!(same_policy("not json", "not json"));
        assert!(!same_policy("not json", "not json either"));
        assert!(!same_policy(ORIGINAL, "not json"));
    }

    #[tokio::test]
    async fn a_policy_put_back_is_read_until_s3_shows_it() {
        let put = puts(true);
        let get = reads(vec![Ok(OPENED), Err("NoSuchBucketPolicy"), Ok(ORIGINAL)]);
        let s = session(&[&put, &get], false).await;
        put_back(&s, "b", ORIGINAL).await.unwrap();
        assert_eq!((put.num_calls(), get.num_calls()), (1, 3));
    }

    #[tokio::test]
    async fn a_policy_s3_never_shows_fails_after_a_bounded_number_of_reads() {
        let put = puts(true);
        let get = reads(vec![Ok(OPENED)]);
        let s = session(&[&put, &get], false).await;
        let e = put_back(&s, "b", ORIGINAL).await.unwrap_err();
        assert_eq!(get.num_calls(), POLICY_READ_WAITS_MS.len());
        assert_eq!(e.operation(), "s3:GetBucketPolicy");
        assert_eq!(
            e.message(),
            "after PutBucketPolicy, bucket b still did not show its original policy in 6 \
             GetBucketPolicy reads over 6.2s"
        );
        // A read that fails is not retried; nor is a refused put.
        let get = reads(vec![Err("AccessDenied")]);
        let s = session(&[&put, &get], false).await;
        assert!(put_back(&s, "b", ORIGINAL).await.is_err());
        assert_eq!(get.num_calls(), 1);
        let refused = puts(false);
        let get = reads(vec![Ok(ORIGINAL)]);
        let s = session(&[&refused, &get], false).await;
        assert!(put_back(&s, "b", ORIGINAL).await.is_err());
        assert_eq!(get.num_calls(), 0);
    }

    async fn repair(
        answers: Vec<Result<&'static str, &'static str>>,
        put_ok: bool,
    ) -> (Repair, Vec<String>, usize) {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let ledger = FenceLedger::new(Some(&store), "us-east-1", "p");
        ledger.save("b", ORIGINAL, OPENED, "only ops").unwrap();
        let put = puts(put_ok);
        let get = reads(answers);
        let s = session(&[&put, &get], false).await;
        let mut out = restore_open_fences(&s, &store, "p").await;
        assert_eq!(out.len(), 1);
        let r = out.remove(0);
        assert_eq!((r.bucket.as_str(), r.admits.as_str()), ("b", "only ops"));
        (r.repair, saved(&store), put.num_calls())
    }

    #[tokio::test]
    async fn a_policy_left_open_is_put_back_only_over_what_studio_tui_opened() {
        // Still the opened policy: put back, and forgotten.
        let (r, kept, puts) = repair(vec![Ok(OPENED), Ok(ORIGINAL)], true).await;
        assert_eq!((r, kept, puts), (Repair::PutBack, vec![], 1));
        // Closed since: left as it is, forgotten.
        let (r, kept, puts) = repair(vec![Ok(ORIGINAL)], true).await;
        assert_eq!((r, kept, puts), (Repair::AlreadyClosed, vec![], 0));
        let (r, kept, _) = repair(vec![Err("NoSuchBucketPolicy")], true).await;
        assert_eq!((r, kept), (Repair::AlreadyClosed, vec![]));
        // The bucket is gone: forgotten.
        let (r, kept, puts) = repair(vec![Err("NoSuchBucket")], true).await;
        assert_eq!((r, kept, puts), (Repair::BucketGone, vec![], 0));
        // Another exemption than the one studio-tui opened: untouched, kept.
        let other = r#"{"Statement":[{"Sid":"Fence","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1","aws:userid":"AIDAOTHER"}}}]}"#;
        let (r, kept, puts) = repair(vec![Ok(other)], true).await;
        assert_eq!(
            (r, kept, puts),
            (Repair::ChangedSince, vec!["b".to_string()], 0)
        );
        // It cannot be read, or put back: kept for the next run.
        let (r, kept, _) = repair(vec![Err("AccessDenied")], true).await;
        assert!(matches!(r, Repair::Failed { .. }), "{r:?}");
        assert_eq!(kept, ["b"]);
        let (r, kept, puts) = repair(vec![Ok(OPENED)], false).await;
        assert!(matches!(r, Repair::Failed { .. }), "{r:?}");
        assert_eq!((kept, puts), (vec!["b".to_string()], 1));
    }

    #[tokio::test]
    async fn read_only_repairs_nothing_and_keeps_the_saved_copy() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        FenceLedger::new(Some(&store), "us-east-1", "p")
            .save("b", ORIGINAL, OPENED, "only ops")
            .unwrap();
        let get = reads(vec![Ok(OPENED)]);
        let s = session(&[&get], true).await;
        let out = restore_open_fences(&s, &store, "p").await;
        assert_eq!(out[0].repair, Repair::ReadOnly);
        assert_eq!(get.num_calls(), 0);
        assert_eq!(saved(&store), ["b"]);
        // Nothing saved: nothing called.
        let s = session(&[&get], false).await;
        assert!(restore_open_fences(&s, &store, "other").await.is_empty());
        assert_eq!(get.num_calls(), 0);
    }

    #[test]
    fn the_ledger_saves_before_and_forgets_after() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let ledger = FenceLedger::new(Some(&store), "us-east-1", "p");
        ledger.save("b", ORIGINAL, OPENED, "only ops").unwrap();
        let f = store.lock().unwrap().open_fences("us-east-1", "p");
        assert_eq!(f.len(), 1);
        assert_eq!(
            (
                f[0].original_policy.as_str(),
                f[0].opened_policy.as_str(),
                f[0].admits.as_str()
            ),
            (ORIGINAL, OPENED, "only ops")
        );
        assert!(!f[0].saved_at.is_empty());
        assert!(
            store
                .lock()
                .unwrap()
                .open_fences("eu-west-1", "p")
                .is_empty()
        );
        ledger.forget("b");
        assert!(saved(&store).is_empty());
        // Without a store (a test's caller) nothing is saved and nothing fails.
        let none = FenceLedger::new(None, "us-east-1", "p");
        none.save("b", ORIGINAL, OPENED, "x").unwrap();
        none.forget("b");
        let e = state_error("b", "it is locked");
        assert!(
            e.message().contains("cannot save the policy of bucket b"),
            "{e}"
        );
        assert!(e.message().contains("(it is locked)"), "{e}");
        assert!(e.fix().unwrap().contains("writable"));
    }

    #[test]
    fn each_repair_says_what_was_done() {
        let line = |repair: Repair| {
            FenceRepair {
                bucket: "b".into(),
                admits: "only ops".into(),
                repair,
            }
            .line()
        };
        assert!(line(Repair::PutBack).contains("the original policy is back"));
        assert!(line(Repair::PutBack).contains("(only ops)"));
        assert!(line(Repair::AlreadyClosed).contains("holds no exemption any more"));
        assert!(line(Repair::BucketGone).contains("the bucket is gone"));
        assert!(line(Repair::ReadOnly).contains("without --read-only"));
        let failed = line(Repair::Failed {
            error: Error::failed("s3:PutBucketPolicy", "denied\u{1b}[2J"),
        });
        assert!(failed.contains("denied\\u001b[2J"), "escaped: {failed}");
        assert!(failed.contains("put back on the next run"));
        assert!(line(Repair::ChangedSince).contains("studio-tui did not touch it"));
        for r in [Repair::PutBack, Repair::AlreadyClosed, Repair::BucketGone] {
            assert!(line(r).starts_with("bucket b: "));
        }
    }

    #[tokio::test]
    async fn an_interrupt_stops_a_step_and_says_how() {
        assert_eq!(Interrupt::never().signal(), None);
        let ok: Result<u8, Error> = Interrupt::never().or_stop("waiting", async { Ok(7) }).await;
        assert_eq!(ok.unwrap(), 7);
        let (tx, rx) = Interrupt::channel();
        assert_eq!(rx.signal(), None);
        assert_eq!(rx.or_stop("waiting", async { Ok(1) }).await.unwrap(), 1);
        tx.stop("Ctrl-C (SIGINT)");
        assert_eq!(rx.signal(), Some("Ctrl-C (SIGINT)"));
        assert_eq!(rx.wait().await, "Ctrl-C (SIGINT)");
        let e = rx
            .or_stop("emptying", std::future::pending::<Result<(), Error>>())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Interrupted(_)), "{e:?}");
        assert!(
            e.message()
                .starts_with("stopped by Ctrl-C (SIGINT) while emptying")
        );
        assert!(e.fix().unwrap().contains("run the same command again"));
        // A sender dropped without a stop never stops anything.
        let (tx, rx) = Interrupt::channel();
        drop(tx);
        let out = rx.or_stop("waiting", async { Ok(2) }).await;
        assert_eq!(out.unwrap(), 2);
    }
}
