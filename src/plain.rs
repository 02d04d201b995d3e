//! Line-by-line and JSON output for commands run without the full-screen UI.

use serde::Serialize;

use crate::aws::{AwsError, Identity, Session};
use crate::cli::OutputMode;

/// Print an AWS failure: a headline and the fix on stderr, or one JSON document on stdout.
pub fn print_aws_error(mode: OutputMode, err: &AwsError) {
    match mode {
        OutputMode::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                ok: bool,
                error: &'a AwsError,
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
            eprintln!(
                "error: {}: {}",
                crate::ui::screens::session::headline(err),
                err.message
            );
            if let Some(code) = &err.code {
                eprintln!("  AWS error code: {code} ({})", err.operation);
            }
            if let Some(fix) = &err.fix {
                eprintln!("  fix: {fix}");
            }
        }
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
                })
                .unwrap_or_default()
            );
        }
        _ => {
            println!("account   {}", id.account);
            println!("identity  {}", id.arn);
            println!("region    {}", session.region);
            println!("profile   {}", session.profile_label());
            if let Some(url) = &session.endpoint_url {
                println!("endpoint  {url}");
            }
            if session.read_only {
                println!("mode      read-only (no mutating call will be made)");
            }
        }
    }
}
