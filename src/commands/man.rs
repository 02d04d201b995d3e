//! `studio-tui man [DIR]`: the manual generated from the clap definition, so it never
//! disagrees with `--help`. Release archives ship the pages written by `man DIR`
//! (`release/man`, kept current by `tests/release_assets.rs`).

use anyhow::Context as _;
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::exit;

use super::Invocation;

pub async fn run(_: &Invocation, args: &ManArgs) -> anyhow::Result<i32> {
    // As clap_mangen::generate_to does: no page for clap's `help` subcommand.
    let cmd = Cli::command().disable_help_subcommand(true);
    match &args.dir {
        None => clap_mangen::Man::new(cmd)
            .render(&mut std::io::stdout())
            .context("cannot print the manual page")?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
        }
    }
    Ok(exit::OK)
}
