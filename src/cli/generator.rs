//! Choosing and building a dance generator from command-line options (`choreograph`, `dance`).

use std::path::PathBuf;

use dancebot::choreography::DanceGenerator;

/// Which generator dances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GeneratorKind {
    /// The move library: designed moves on the beats, chosen by the music (always available).
    Procedural,
    /// A trained network (`models/choreo-ren-causal.safetensors` unless `--model`; needs a
    /// build with `--features torch`).
    Neural,
}

/// Where a neural generator runs: `auto` (CUDA when usable, else the CPU), `cpu`, `cuda` or
/// `cuda:N`.
pub fn parse_device(text: &str) -> Result<String, String> {
    let ok = matches!(text, "auto" | "cpu" | "cuda")
        || text
            .strip_prefix("cuda:")
            .is_some_and(|n| n.parse::<usize>().is_ok());
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?}: expected auto, cpu, cuda or cuda:N (N a GPU index)"
        ))
    }
}

/// The neural generator from a model file (default: the shipped model).
pub fn neural(
    model: Option<PathBuf>,
    seed: u64,
    device: &str,
) -> anyhow::Result<Box<dyn DanceGenerator>> {
    crate::torch_cli::neural_generator(model, seed, device)
}
