//! `dancebot doctor` (in progress).

/// Arguments of `dancebot doctor`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `dancebot doctor`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`dancebot doctor` is not built yet")
}
