//! `dancebot analyze` (in progress).

/// Arguments of `dancebot analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `dancebot analyze`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`dancebot analyze` is not built yet")
}
