//! Pure logic: no I/O, no async. Everything above uses it; it uses nothing above.

pub mod cidr;
pub mod clock;
pub mod cost;
pub mod egress;
pub mod emptying;
pub mod endpoint;
pub mod fence;
pub mod field;
pub mod finding;
pub mod firewall;
pub mod params;
pub mod progress;
pub mod redact;
pub mod retention;
pub mod s3_names;
pub mod shown;
pub mod status;
pub mod timeline;
pub mod topology;
