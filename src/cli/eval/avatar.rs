//! `dancebot eval avatar --data DIR [--model PATH]`: how close an avatar model's pictures are
//! to the truth on a pairs dataset (`dancebot train avatar-data`, or any folder in that
//! format): PSNR over RGB and SSIM on luma (11×11 Gaussian window, σ 1.5) per frame, their
//! mean and worst, and a sample grid (label | generated | truth) when asked for.
//!
//! Use a dataset the model was not trained on (another `--seed`) for held-out figures.

use std::path::PathBuf;

/// Arguments of `dancebot eval avatar`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A pairs dataset folder (`index.json`, `train_label/`, `train_img/`).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Avatar model (default: the shipped `models/avatar.safetensors`).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Where the model runs: auto, cpu, cuda or cuda:N.
    #[arg(long, default_value = "auto", value_parser = crate::cli::generator::parse_device)]
    pub device: String,
    /// Evaluate at most this many frames, evenly spread (0: all).
    #[arg(long, default_value_t = 0)]
    pub max_frames: usize,
    /// Also write the per-frame scores and the means as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// Runs `dancebot eval avatar` (libtorch's side of the binary, see `crate::torch_cli`).
pub fn run(args: Args) -> anyhow::Result<()> {
    crate::torch_cli::eval_avatar(args)
}
