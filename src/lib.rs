//! studio-tui: deploy and operate SageMaker Studio in a private VPC behind AWS Network Firewall.
//!
//! The crate is split the way `README.md` ("Architecture") draws it: `core` holds pure logic,
//! `aws` is the only layer that talks to the AWS SDK, `ops` are the workflows that report
//! progress as messages, and `ui` / `plain` are the front-ends that consume those messages.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod config;
pub mod core;
pub mod exit;
pub mod logging;
pub mod ops;
pub mod plain;
pub mod regions;
pub mod sandbox;
pub mod state;
pub mod template;
pub mod ui;
