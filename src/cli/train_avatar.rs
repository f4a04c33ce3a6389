//! `dancebot train avatar` and `dancebot train avatar-data`: the Pix2PixHD avatar model and
//! its synthetic training pairs.
//!
//! - `dancebot train avatar --data DIR|VIDEO --out models/avatar.safetensors [--epochs N |
//!   --steps N] [--seed S] [--device auto|cpu|cuda] [--threads N] [--resume CKPT]
//!   [--val-fraction F] [--preset small|paper] [--config FILE] [--vgg PATH]
//!   [--keypoints DIR] [--fps F]`: `DIR` is a pairs folder (`index.json`), or a folder of
//!   `NNN.png|jpg` with OpenPose files or a `skeleton.json`; a video needs `--keypoints`.
//! - `dancebot train avatar-data --out DIR [--count N] [--seed S] [--size WxH]
//!   [--every-nth K]`: synthesized songs danced by the procedural move library, drawn as
//!   (label, picture) pairs of one character.

use std::path::PathBuf;

use super::train::{DeviceArg, PresetArg};

/// Arguments of `dancebot train avatar`.
#[derive(Debug, clap::Args)]
pub struct AvatarArgs {
    /// Pairs folder (`index.json`), picture folder with poses, or a video (with --keypoints).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Model file to write (`.safetensors`); manifest, losses, samples, checkpoints beside it.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Epochs to train (a resumed run continues up to this many).
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// Generator steps in all instead of whole epochs.
    #[arg(long, conflicts_with = "epochs")]
    pub steps: Option<u64>,
    /// Seed of initialisation, the validation split and shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to train.
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
    /// Intra-op CPU threads of libtorch.
    #[arg(long, default_value_t = 2)]
    pub threads: i32,
    /// Continue from a checkpoint (`NAME.checkpoints/epoch-NNNN.json`).
    #[arg(long, value_name = "CKPT")]
    pub resume: Option<PathBuf>,
    /// Share of the frames (whole sequences where possible) held out for validation.
    #[arg(long)]
    pub val_fraction: Option<f64>,
    /// Network sizes (ignored with --config or --resume).
    #[arg(long, value_enum, default_value_t = PresetArg::Small)]
    pub preset: PresetArg,
    /// Settings (YAML/JSON `AvatarConfig`, every field optional).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// VGG19 weights (safetensors of torchvision's state dict) for the perceptual loss.
    #[arg(long, value_name = "PATH")]
    pub vgg: Option<PathBuf>,
    /// OpenPose folder of a video given as --data.
    #[arg(long, value_name = "DIR")]
    pub keypoints: Option<PathBuf>,
    /// Frame rate of the footage behind OpenPose files.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
}

/// Arguments of `dancebot train avatar-data`.
#[derive(Debug, clap::Args)]
pub struct AvatarDataArgs {
    /// Folder to write the pairs dataset into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of songs.
    #[arg(long, default_value_t = 8)]
    pub count: usize,
    /// Seed of the songs and dances.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Picture size, `WIDTHxHEIGHT`.
    #[arg(long, default_value = "256x256")]
    pub size: String,
    /// Keep every K-th frame of each dance.
    #[arg(long, default_value_t = 3)]
    pub every_nth: usize,
    /// Draw the character with the style of this seed instead of the default character.
    #[arg(long)]
    pub style_seed: Option<u64>,
}
