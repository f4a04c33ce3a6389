//! `dancebot eval ...` (in progress).

/// What to evaluate.
#[derive(Debug, clap::Subcommand)]
pub enum EvalCommand {
    /// Beat tracking against `.beats` annotations.
    Beats {},
}

/// Runs `dancebot eval`.
pub fn run(_cmd: EvalCommand) -> anyhow::Result<()> {
    anyhow::bail!("`dancebot eval` is not built yet")
}
