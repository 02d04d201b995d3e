//! Line-by-line and JSON output for commands run without the full-screen UI: every printer of
//! the line front-ends (`--plain`, `--json`, `--guided`) lives here, one submodule per
//! workflow, and [`drain`] feeds a workflow's progress channel to one of them.

use crate::core::shown::Shown;
use std::future::Future;

use serde::Serialize;
use tokio::sync::mpsc;

use crate::aws::{Identity, Session};
use crate::cli::OutputMode;
use crate::core::finding::{Finding, Severity};
use crate::ops;

pub mod apps;
pub mod cost;
pub mod deploy;
pub mod destroy;
pub mod drift;
pub mod firewall;
pub mod fleet;
pub mod guided;
pub mod preflight;
pub mod status;
pub mod studio;
pub mod validation;

/// What a workflow's result becomes when the workflow panicked. By default the panic goes on:
/// a result with no way to say "failed" (preflight's report, its input findings) keeps it.
pub trait OnPanic: Sized {
    fn on_panic(payload: Box<dyn std::any::Any + Send>) -> Self {
        std::panic::resume_unwind(payload)
    }
}

/// A failed operation, as the line commands report any other failure (the panic message itself
/// was already printed by the panic hook).
impl<T> OnPanic for Result<T, ops::Error> {
    fn on_panic(payload: Box<dyn std::any::Any + Send>) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        Err(ops::Error::failed(
            "studio-tui",
            format!("the operation task failed: {what}"),
        ))
    }
}

impl OnPanic for crate::ops::preflight::PreflightReport {}

impl<T> OnPanic for Result<T, Vec<Finding>> {}

/// Run `work` as one future with its printers, and turn a panic of it into its result's
/// failure ([`OnPanic`]).
pub(crate) async fn run_caught<T: OnPanic>(
    work: impl Future<Output = T>,
    printers: impl Future<Output = ()>,
) -> T {
    use futures::FutureExt;
    let work = std::panic::AssertUnwindSafe(work).catch_unwind();
    let (out, ()) = tokio::join!(work, printers);
    out.unwrap_or_else(T::on_panic)
}

/// Run `work` with a sender for its progress messages, printing each with `print` as it comes;
/// returns the work's result once its last message is printed (the work and its sender are
/// gone by then, so the printer ends after the last one). A panicking workflow ends as a failed
/// one ([`OnPanic`]), as it did when the commands ran it in a task of its own.
pub async fn drain<M, T, W, Fut>(work: W, mut print: impl FnMut(&M)) -> T
where
    W: FnOnce(mpsc::UnboundedSender<M>) -> Fut,
    Fut: Future<Output = T>,
    T: OnPanic,
{
    let (tx, mut rx) = mpsc::unbounded_channel();
    let printer = async {
        while let Some(m) = rx.recv().await {
            print(&m);
        }
    };
    run_caught(async move { work(tx).await }, printer).await
}

/// One line of the command's own on stderr, in every mode (an error, a notice, what a cancel
/// did, a prompt's context): `--json` keeps stdout for its documents.
/// Made inert on the way ([`crate::core::shown::inert`]): a foreign value that reached it
/// without going through `shown` first still cannot act on the terminal.
pub fn say(line: impl std::fmt::Display) {
    eprintln!("{}", crate::core::shown::inert(&line.to_string()));
}

/// A document exactly as it is, on stdout (`studio-tui template`).
pub fn print_raw(text: &str) {
    print!("{text}");
}

/// One pretty-printed JSON document on stdout.
pub fn print_json<T: Serialize>(doc: &T) {
    println!("{}", serde_json::to_string_pretty(doc).unwrap_or_default());
}

/// Invalid input, one finding with its fix per line on stderr.
pub fn print_findings(findings: &[Finding]) {
    for f in findings {
        let tag = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        eprintln!(
            "{tag}: {} [{}]\n  fix: {}",
            Shown(&f.message),
            f.code,
            Shown(&f.fix)
        );
    }
}

/// Print an AWS failure: a headline and the fix on stderr, or one JSON document on stdout.
pub fn print_error(mode: OutputMode, err: &ops::Error) {
    match mode {
        OutputMode::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                ok: bool,
                error: &'a ops::Error,
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&Doc {
                    ok: false,
                    error: err,
                })
                .unwrap_or_default()
            );
        }
        _ => {
            eprintln!("error: {}: {}", err.headline(), Shown(err.message()));
            if let Some(code) = &err.code() {
                eprintln!(
                    "  AWS error code: {} ({})",
                    Shown(code),
                    Shown(err.operation())
                );
            }
            if let Some(fix) = &err.fix() {
                eprintln!("  fix: {}", Shown(fix));
            }
        }
    }
}

/// Warnings about the session itself (a region studio-tui's list does not know), on stderr in
/// every mode: the command goes on, and `--json` keeps stdout for its document.
pub fn print_session_warnings(session: &Session) {
    if let Some(w) = &session.region_warning {
        eprintln!("warning: {}", Shown(w));
    }
    if let Some(w) = &session.endpoint_warning {
        eprintln!("warning: {}", Shown(w));
    }
}

/// The identity report of `studio-tui whoami`.
pub fn print_identity(mode: OutputMode, session: &Session, id: &Identity) {
    match mode {
        OutputMode::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                ok: bool,
                account: &'a str,
                arn: &'a str,
                user_id: &'a str,
                region: &'a str,
                profile: Option<&'a str>,
                endpoint_url: Option<&'a str>,
                read_only: bool,
                warnings: Vec<&'a str>,
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&Doc {
                    ok: true,
                    account: &id.account,
                    arn: &id.arn,
                    user_id: &id.user_id,
                    region: &session.region,
                    profile: session.profile.as_deref(),
                    endpoint_url: session.endpoint_url.as_deref(),
                    read_only: session.read_only,
                    warnings: session
                        .region_warning
                        .as_deref()
                        .into_iter()
                        .chain(session.endpoint_warning.as_deref())
                        .collect(),
                })
                .unwrap_or_default()
            );
        }
        _ => {
            println!("account   {}", Shown(&id.account));
            println!("identity  {}", Shown(&id.arn));
            println!("region    {}", Shown(&session.region));
            println!("profile   {}", Shown(&session.profile_label()));
            if let Some(url) = &session.endpoint_url {
                println!("endpoint  {}", Shown(url));
            }
            if session.read_only {
                println!("mode      read-only (no mutating call will be made)");
            }
        }
    }
}

/// `studio-tui sandbox`: where the emulator runs and how to point a shell at it.
pub fn print_sandbox(args: &crate::cli::SandboxArgs, endpoint: &str, log: &std::path::Path) {
    println!("Local AWS emulator running at {}", endpoint);
    println!(
        "  pace {}{}{}",
        args.pace,
        args.faults
            .as_deref()
            .map(|f| format!(", faults {f}"))
            .unwrap_or_default(),
        if args.seed_vpcs { ", seeded VPCs" } else { "" }
    );
    println!();
    // One command at a time: an exported AWS_ENDPOINT_URL left in a shell would later send a
    // real profile's requests to whatever listens on this port then.
    println!("In another shell, for one command (nothing is left set in that shell):");
    println!(
        "  AWS_ENDPOINT_URL={endpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \\"
    );
    println!("    AWS_REGION=us-east-1 studio-tui");
    println!();
    println!("After a deploy, blocked egress to show in `studio-tui firewall blocked` and on `f`:");
    println!(
        "  curl -X POST {endpoint}/_studio/firewall-alerts -H 'Content-Type: application/json' \\"
    );
    println!("    -d '{{\"stack\": \"PROJECT\", \"demo\": true}}'");
    println!();
    println!("Press Ctrl-C to stop. Emulator log: {}", log.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_workflow_ends_as_a_failed_one_after_its_messages() {
        let mut printed = Vec::new();
        let result: Result<(), ops::Error> = drain(
            |tx: mpsc::UnboundedSender<u32>| async move {
                let _ = tx.send(1);
                let _ = tx.send(2);
                panic!("boom");
            },
            |m| printed.push(*m),
        )
        .await;
        assert_eq!(printed, vec![1, 2]);
        let err = result.unwrap_err();
        assert_eq!(err.message(), "the operation task failed: boom");
    }
}
