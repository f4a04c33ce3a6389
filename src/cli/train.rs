//! `dancebot train`: trains the neural choreography networks and makes their training data.
//!
//! - `dancebot train choreo --arch ren|ren-causal|seq2seq --data DIR --out PATH.safetensors
//!   [--epochs N] [--seed S] [--device auto|cpu|cuda] [--resume CKPT] [--val-fraction F]
//!   [--preset small|paper] [--config FILE]`: reads the (music, dance) pairs of `DIR`,
//!   trains, and writes the model, its manifest, a loss CSV, a loss plot (PNG) and a
//!   checkpoint per epoch (see `dancebot::neural::session`).
//! - `dancebot train corpus --out DIR --count N [--seed S]`: synthesized songs danced by the
//!   procedural move library, as training pairs.
//!
//! Both need a build with `--features torch`.

use std::path::PathBuf;

/// Architectures on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ArchArg {
    /// Ren et al., bidirectional (offline only).
    Ren,
    /// Ren et al., causal (live and offline).
    RenCausal,
    /// Liu & Ko, sequence to sequence with attention (offline only).
    Seq2seq,
}

/// Devices on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeviceArg {
    /// CUDA when available, else the CPU.
    Auto,
    /// The CPU.
    Cpu,
    /// CUDA device 0 (an error without one).
    Cuda,
}

/// Network sizes on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PresetArg {
    /// The papers' sizes.
    Paper,
    /// About a quarter of the width: minutes on a CPU.
    Small,
}

/// `dancebot train` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TrainCommand {
    /// Train a choreography network on (music, dance) pairs.
    Choreo(ChoreoArgs),
    /// Write synthesized songs danced by the procedural move library (training pairs).
    Corpus(CorpusArgs),
    /// Train the Pix2PixHD avatar model on (label map, picture) pairs.
    Avatar(super::train_avatar::AvatarArgs),
    /// Write (label map, picture) pairs of the procedural character dancing.
    AvatarData(super::train_avatar::AvatarDataArgs),
}

/// Arguments of `dancebot train choreo`.
#[derive(Debug, clap::Args)]
pub struct ChoreoArgs {
    /// Architecture to train.
    #[arg(long, value_enum)]
    pub arch: ArchArg,
    /// Folder of pairs: NAME.wav|flac|mp3|ogg with NAME.skeleton.json or an OpenPose folder NAME/.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Model file to write (`.safetensors`); the manifest, losses and checkpoints go beside it.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Epochs to train (a resumed run continues up to this many).
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Seed of initialisation, noise, the validation split and window sampling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where to train.
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
    /// Continue from a checkpoint (`NAME.checkpoints/epoch-NNNN.json`).
    #[arg(long, value_name = "CKPT")]
    pub resume: Option<PathBuf>,
    /// Share of the songs held out for validation.
    #[arg(long, default_value_t = 0.1)]
    pub val_fraction: f64,
    /// Network sizes.
    #[arg(long, value_enum, default_value_t = PresetArg::Paper)]
    pub preset: PresetArg,
    /// Training settings (YAML/JSON, every field optional; see `TrainConfig`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Motion frames per second of the model.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
    /// Frame rate of the videos behind OpenPose folders.
    #[arg(long, default_value_t = 30.0)]
    pub openpose_fps: f64,
    /// Intra-op CPU threads of libtorch. One is fastest for the small preset on a shared
    /// machine (spinning worker threads fight for the cores); raise it for the paper's sizes
    /// on an idle many-core CPU.
    #[arg(long, default_value_t = 1)]
    pub threads: i32,
}

/// Arguments of `dancebot train corpus`.
#[derive(Debug, clap::Args)]
pub struct CorpusArgs {
    /// Folder to write the pairs into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of songs.
    #[arg(long, default_value_t = 40)]
    pub count: usize,
    /// Seed of the songs and dances.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Frames per second of the dances.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
}

/// Runs `dancebot train` (libtorch's side of the binary, see `crate::torch_cli`).
pub fn run(cmd: TrainCommand) -> anyhow::Result<()> {
    crate::torch_cli::train(cmd)
}
