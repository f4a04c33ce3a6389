//! Neural choreography (feature `torch`): music features in, coco18 poses out, through
//! networks written with tch.
//!
//! Two families, three architectures ([`Arch`]):
//!
//! - **Ren** ([`ren`]), after Ren et al., "Music-oriented Dance Video Synthesis with Pose
//!   Perceptual Loss": log-mel frames at the motion rate → 1D convolutional encoder → two-layer
//!   bidirectional GRU → MLP pose decoder fed a noise vector. `ren-causal` swaps in causal
//!   convolutions and a unidirectional GRU, so frame `t` depends on the music up to `t` only
//!   and the live node can extend a dance frame by frame. Trained with L1 (weight 200), a local
//!   temporal discriminator, a global content discriminator with a gradient penalty, and
//!   discriminator feature matching ([`discriminators`], [`train`]).
//! - **seq2seq** ([`seq2seq`]), after Liu & Ko, "The use of deep learning technology in dance
//!   movement generation": a convolution + bidirectional LSTM encoder over audio and beat
//!   features, an attention decoder (prenet, LSTM, location-sensitive attention), an audio
//!   autoencoder whose reconstruction loss joins the objective, and a discriminator that also
//!   sees real dances on the wrong music.
//!
//! Layers, following the house style: the networks are `nn::ModuleT` structs ([`ren`],
//! [`seq2seq`], [`discriminators`]); [`train`] is the training wrapper (losses, optimisers,
//! checkpoints); [`infer::NeuralGenerator`] is the small inference type behind
//! [`DanceGenerator`](crate::choreography::DanceGenerator). Every shipped model has a
//! [`manifest`] beside its weights, checked on load.
//!
//! Networks see standardised inputs ([`inputs`]) and predict standardised pose targets
//! ([`crate::choreography::windows::PoseNormalizer`]); songs of any length are cut into
//! overlapping windows and cross-faded ([`crate::choreography::windows`]).

pub mod avatar;
pub mod config;
pub mod corpus;
pub mod data;
pub mod discriminators;
pub mod generator;
pub mod infer;
pub mod inputs;
pub mod layers;
pub mod losses;
pub mod manifest;
pub mod options;
pub mod plot;
pub mod ren;
pub mod seq2seq;
pub mod session;
pub mod settings;
pub mod train;

use std::path::{Path, PathBuf};

use thiserror::Error;

pub use config::{Arch, NetworkConfig, RenConfig, Seq2SeqConfig};
pub use infer::NeuralGenerator;
pub use manifest::Manifest;
pub use options::NeuralOptions;

/// File name of the shipped model, under `models/`.
pub const DEFAULT_MODEL_FILE: &str = "choreo-ren-causal.safetensors";

/// Why a neural model could not be trained, loaded or run.
#[derive(Debug, Error)]
pub enum NeuralError {
    /// A model or manifest file is missing, malformed or does not match what was expected.
    #[error("{path}: {what}")]
    Model { path: PathBuf, what: String },
    /// A training pair or data folder is unusable.
    #[error("{path}: {what}")]
    Data { path: PathBuf, what: String },
    /// A setting is out of range.
    #[error("settings: {0}")]
    Config(#[from] crate::config::InvalidField),
    /// libtorch failed.
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    /// An output file could not be written.
    #[error(transparent)]
    Output(#[from] crate::error::OutputError),
}

impl NeuralError {
    /// A model-file error naming `path`.
    pub fn model(path: &Path, what: impl Into<String>) -> Self {
        Self::Model {
            path: path.to_owned(),
            what: what.into(),
        }
    }

    /// A data error naming `path`.
    pub fn data(path: &Path, what: impl Into<String>) -> Self {
        Self::Data {
            path: path.to_owned(),
            what: what.into(),
        }
    }
}

/// Where the shipped model is: `models/` under the working directory when it is there,
/// otherwise `models/` of the source tree this binary was built from.
pub fn default_model_path() -> PathBuf {
    let local = Path::new("models").join(DEFAULT_MODEL_FILE);
    if local.exists() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(DEFAULT_MODEL_FILE)
}

/// The manifest of a weights file: the same path with extension `.json`.
pub fn manifest_path(weights: &Path) -> PathBuf {
    weights.with_extension("json")
}
