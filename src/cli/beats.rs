//! `dancebot beats` (in progress).

/// Arguments of `dancebot beats`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `dancebot beats`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`dancebot beats` is not built yet")
}
