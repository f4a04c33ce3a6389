//! `dancebot bench avatar`: frames per second of the avatar generator per image size, device
//! and precision, its arithmetic per frame against a Jetson AGX Orin budget, and the
//! end-to-end rate of the shipped model (labels drawn, network, pixels read back).
//!
//! The measuring runs in `dancebot-torch` (`crate::torch_cli`), which states the Jetson budget.

use std::path::PathBuf;

/// `dancebot bench` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Avatar generator speed per size and device (needs a build with --features torch).
    Avatar(AvatarArgs),
}

/// Arguments of `dancebot bench avatar`.
#[derive(Debug, clap::Args)]
pub struct AvatarArgs {
    /// Avatar model (default: the shipped `models/avatar.safetensors`).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Image sizes, WIDTHxHEIGHT, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "256x256,512x256")]
    pub sizes: Vec<String>,
    /// Devices: cpu, cuda, or auto (the CPU, and CUDA when usable).
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Frames timed per case.
    #[arg(long, default_value_t = 64)]
    pub frames: usize,
    /// Frames per forward pass.
    #[arg(long, default_value_t = 8)]
    pub batch: i64,
    /// CPU threads for libtorch (0: libtorch's default).
    #[arg(long, default_value_t = 0)]
    pub threads: i32,
    /// Also write the results as JSON.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

/// Runs `dancebot bench`.
pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Avatar(args) => crate::torch_cli::bench_avatar(args),
    }
}
