//! The part of the command line that calls libtorch, compiled only into `dancebot-torch`.
//!
//! Loading libtorch costs a quarter of a second of static initialisation before `main`, more
//! than tracking the beats of thirty songs. So the `dancebot` binary never links it: the
//! commands that need it (training, the neural generator, the avatar model, their benchmarks
//! and `doctor`) are handed to the sibling binary `dancebot-torch` (see `src/torch_forward.rs`,
//! which takes this module's place in `dancebot`), and everything else starts at once.
//! Both binaries share `crate::cli`; each supplies its own `crate::torch_cli`. Like `crate::cli`,
//! this is command-line code: it prints to stdout and uses `anyhow`.

#![allow(clippy::print_stdout)]

mod bench;
mod eval_avatar;
mod train;
mod train_avatar;

use std::path::{Path, PathBuf};

use dancebot::choreography::DanceGenerator;
use dancebot::doctor::Check;
use dancebot::render::AvatarRenderer;

use crate::cli::Cli;

/// This binary runs every command itself.
pub fn forward_if_needed(_cli: &Cli) -> anyhow::Result<()> {
    Ok(())
}

/// Runs `dancebot train`.
pub fn train(cmd: crate::cli::train::TrainCommand) -> anyhow::Result<()> {
    train::run(cmd)
}

/// Runs `dancebot eval avatar`.
pub fn eval_avatar(args: crate::cli::eval::avatar::Args) -> anyhow::Result<()> {
    eval_avatar::run(args)
}

/// Runs `dancebot bench avatar`.
pub fn bench_avatar(args: crate::cli::bench::AvatarArgs) -> anyhow::Result<()> {
    bench::avatar(args)
}

/// The neural generator from a model file (default: the shipped model).
pub fn neural_generator(
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

/// The Pix2PixHD avatar model at `path` on `device` (auto, cpu, cuda or cuda:N).
pub fn avatar_model(path: &Path, device: &str) -> anyhow::Result<Box<dyn AvatarRenderer>> {
    let device = dancebot::torch_backend::select_device(device_preference(device)?);
    Ok(Box::new(dancebot::neural::avatar::AvatarModel::load(
        path, device,
    )?))
}

/// A `--device` value (checked by `crate::cli::generator::parse_device`) as libtorch's
/// device preference.
fn device_preference(device: &str) -> anyhow::Result<dancebot::torch_backend::DevicePreference> {
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

/// libtorch's version, a CPU self-test and what it sees of CUDA.
pub fn torch_check() -> Check {
    match dancebot::torch_backend::probe() {
        Ok(info) => Check::ok(
            "libtorch",
            format!(
                "{} (CPU self-test passed, {} threads; CUDA {}, {} device(s), cuDNN {})",
                info.version,
                info.cpu_threads,
                if info.cuda_available {
                    "usable"
                } else {
                    "not usable"
                },
                info.cuda_device_count,
                if info.cudnn_available { "yes" } else { "no" },
            ),
        ),
        Err(e) => Check::missing(
            "libtorch",
            e.to_string(),
            "re-run scripts/setup.sh (installs torch==2.11.0 into .venv), then rebuild",
        ),
    }
}
