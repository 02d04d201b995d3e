//! Process exit codes, shared by every command so scripts can rely on them.

/// Success.
pub const OK: i32 = 0;
/// The operation failed, or found blocking problems.
pub const FAILED: i32 = 1;
/// Invalid arguments or input (clap uses 2 for its own parse errors too).
pub const USAGE: i32 = 2;
