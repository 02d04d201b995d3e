//! Process exit codes, shared by every command so scripts can rely on them.

/// Success.
pub const OK: i32 = 0;
/// The operation failed, or found blocking problems.
pub const FAILED: i32 = 1;
/// Invalid arguments or input (clap uses 2 for its own parse errors too).
pub const USAGE: i32 = 2;
/// Stopped by the user (Ctrl-C or SIGTERM) at a safe point: 128 + SIGINT, as shells report an
/// interrupted command.
pub const INTERRUPTED: i32 = 130;
