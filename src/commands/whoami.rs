//! `studio-tui whoami`: the account, identity ARN, region and profile in use.

use crate::{exit, plain};

use super::Invocation;

pub async fn run(inv: &Invocation, _: &()) -> anyhow::Result<i32> {
    let session = inv.connect().await?;
    match session.identity().await {
        Ok(id) => {
            plain::print_identity(inv.mode, &session, &id);
            Ok(exit::OK)
        }
        Err(e) => {
            plain::print_error(inv.mode, &e.into());
            Ok(exit::FAILED)
        }
    }
}
