//! `firewall blocked | check | allow | deny`: what the firewall blocked (its own alert log),
//! whether a flow would get through and why, and the allow list edited through the usual
//! change-set review and live deploy.

use super::{CommandContext, Invocation, deploy_with};
use crate::cli::{DeployArgs, FirewallCommand, ParamArgs};
use crate::core::egress::parse_duration_ms;
use crate::core::firewall::{Flow, Verdict};
use crate::exit;
use crate::ops::egress;
use crate::plain;

use crate::core::status::StackStatus;

pub async fn run(inv: &Invocation, cmd: &FirewallCommand) -> anyhow::Result<i32> {
    let ctx = &inv.context().await?;
    match cmd {
        FirewallCommand::Blocked { project, since } => {
            let stack = ctx.project_name(project);
            let since_ms = match parse_duration_ms(since) {
                Ok(ms) => ms,
                Err(e) => {
                    plain::say(format_args!(
                        "error: --since {}",
                        crate::core::shown::Shown(&e)
                    ));
                    return Ok(exit::USAGE);
                }
            };
            let report = match egress::blocked(&ctx.session, &stack, since_ms).await {
                Ok(r) => r,
                Err(e) => {
                    crate::plain::print_error(ctx.mode, &e);
                    return Ok(exit::FAILED);
                }
            };
            crate::plain::firewall::print_blocked(ctx.mode, &report);
            Ok(exit::OK)
        }
        FirewallCommand::Check {
            project,
            target,
            protocol,
        } => check(ctx, project, target, protocol.as_deref()).await,
        FirewallCommand::Allow {
            project,
            domains,
            yes,
        } => edit(ctx, project, domains, true, *yes).await,
        FirewallCommand::Deny {
            project,
            domains,
            yes,
        } => edit(ctx, project, domains, false, *yes).await,
    }
}

/// `firewall check`: bad input is refused before any AWS call (exit 2); exit 0 when the flow
/// reaches its destination, 1 when it is dropped or cannot be decided.
async fn check(
    ctx: &CommandContext,
    project: &crate::cli::ProjectArgs,
    target: &str,
    protocol: Option<&str>,
) -> anyhow::Result<i32> {
    let flow = match Flow::parse(target, protocol) {
        Ok(f) => f,
        Err(e) => {
            let err = crate::ops::Error::refused(e).with_fix(
                "give HOST[:PORT] and --protocol tls|http|tcp|udp|icmp, e.g. \
                 `studio-tui firewall check pypi.org` or `… 8.8.8.8:53 --protocol udp`",
            );
            plain::print_error(ctx.mode, &err);
            return Ok(exit::USAGE);
        }
    };
    let stack = ctx.project_name(project);
    match egress::check(&ctx.session, &stack, &flow).await {
        Ok(answer) => {
            plain::firewall::print_check(ctx.mode, &answer);
            Ok(match answer.verdict {
                Verdict::Reaches => exit::OK,
                Verdict::Dropped | Verdict::Unknown => exit::FAILED,
            })
        }
        Err(e) => {
            plain::print_error(ctx.mode, &e);
            Ok(exit::FAILED)
        }
    }
}

async fn edit(
    ctx: &CommandContext,
    project: &crate::cli::ProjectArgs,
    domains: &[String],
    allow: bool,
    yes: bool,
) -> anyhow::Result<i32> {
    let name = ctx.project_name(project);
    super::repair_fences(ctx, &name).await;
    // Read-only: refused before any call (deploy_with says so too, after its own checks).
    if let Err(e) = crate::ops::studio::refuse_read_only(&ctx.session, "changing the allow list") {
        crate::plain::print_error(ctx.mode, &e);
        return Ok(exit::FAILED);
    }
    let stack = match ctx.session.describe_stack(&name).await {
        Ok(Some(s)) if s.status != StackStatus::DeleteComplete => s,
        Ok(_) => {
            plain::say(format_args!(
                "error: there is no stack {} in {}",
                crate::core::shown::Shown(&name),
                ctx.session.region
            ));
            return Ok(exit::FAILED);
        }
        Err(e) => {
            crate::plain::print_error(ctx.mode, &e.into());
            return Ok(exit::FAILED);
        }
    };
    let mut params = egress::parameters_of(&stack);
    let change =
        match egress::edit_allow_list(&params.allowed_domains, domains, allow, &ctx.session.region)
        {
            Ok(c) => c,
            Err(e) => {
                crate::plain::print_error(ctx.mode, &e);
                return Ok(exit::USAGE);
            }
        };
    for n in change.notes.iter().chain(&change.warnings) {
        plain::say(crate::core::shown::Shown(n));
    }
    if !change.changed() {
        plain::say("The allow list is unchanged; nothing to deploy.");
        return Ok(exit::OK);
    }
    plain::say(format_args!("AllowedDomains: {}", change.after.join(",")));
    params.allowed_domains = change.after;
    let params = match super::checked(&params) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let args = DeployArgs {
        params: ParamArgs::default(),
        guided: false,
        yes,
        recreate: false,
        continue_rollback: false,
    };
    deploy_with(ctx, &args, &params, Some(&stack.parameters)).await
}
