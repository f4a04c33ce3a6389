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
#[cfg(feature = "torch")]
pub fn neural(
    model: Option<PathBuf>,
    seed: u64,
    device: &str,
) -> anyhow::Result<Box<dyn DanceGenerator>> {
    use dancebot::neural::{default_model_path, NeuralGenerator, NeuralOptions};
    let device = device_preference(device)?;
    let path = model.unwrap_or_else(default_model_path);
    let opts = NeuralOptions {
        seed,
        device,
        ..NeuralOptions::default()
    };
    Ok(Box::new(NeuralGenerator::load(&path, &opts)?))
}

/// A `--device` value (checked by [`parse_device`]) as libtorch's device preference.
#[cfg(feature = "torch")]
pub fn device_preference(
    device: &str,
) -> anyhow::Result<dancebot::torch_backend::DevicePreference> {
    use anyhow::Context;
    use dancebot::torch_backend::DevicePreference;
    Ok(match device {
        "cpu" => DevicePreference::Cpu,
        "cuda" => DevicePreference::Cuda(0),
        "auto" => DevicePreference::Auto,
        other => DevicePreference::Cuda(
            other
                .trim_start_matches("cuda:")
                .parse()
                .context("--device")?,
        ),
    })
}

/// Without libtorch there is no neural generator.
#[cfg(not(feature = "torch"))]
pub fn neural(
    _model: Option<PathBuf>,
    _seed: u64,
    _device: &str,
) -> anyhow::Result<Box<dyn DanceGenerator>> {
    anyhow::bail!("this build has no neural generator: build with --features torch")
}
