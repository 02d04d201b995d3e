//! `studio-tui sandbox`: run the bundled local AWS emulator until Ctrl-C or SIGTERM, and print
//! how to point tools at it.

use crate::cli::SandboxArgs;
use crate::sandbox::EmulatorOptions;
use crate::{exit, plain};

use super::{Invocation, start_sandbox};

pub async fn run(inv: &Invocation, args: &SandboxArgs) -> anyhow::Result<i32> {
    let paths = inv.paths()?.clone();
    let log_file = paths.data_dir.join("emulator.log");
    let opts = EmulatorOptions {
        port: args.port,
        pace: args.pace,
        faults: args.faults.clone(),
        seed_vpcs: args.seed_vpcs,
        log_file: Some(log_file.clone()),
    };
    let mut emu = tokio::task::spawn_blocking(move || start_sandbox(&paths, opts)).await??;
    plain::print_sandbox(args, &emu.endpoint, &log_file);

    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut watch = tokio::time::interval(std::time::Duration::from_secs(1));
    let code = loop {
        #[cfg(unix)]
        let term_fut = term.recv();
        #[cfg(not(unix))]
        let term_fut = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break exit::OK,
            _ = term_fut => break exit::OK,
            _ = watch.tick() => {
                if !emu.is_running() {
                    plain::say("error: the emulator stopped unexpectedly; see its log");
                    break exit::FAILED;
                }
            }
        }
    };
    plain::say("stopping the emulator…");
    tokio::task::spawn_blocking(move || emu.stop()).await?;
    plain::say("stopped");
    Ok(code)
}
