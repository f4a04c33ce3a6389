//! `dancebot synth` (in progress).

/// Arguments of `dancebot synth`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `dancebot synth`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`dancebot synth` is not built yet")
}
