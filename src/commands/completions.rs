//! `studio-tui completions SHELL`: shell completions generated from the clap definition.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit;

use super::Invocation;

pub async fn run(_: &Invocation, args: &CompletionsArgs) -> anyhow::Result<i32> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "studio-tui", &mut std::io::stdout());
    Ok(exit::OK)
}
