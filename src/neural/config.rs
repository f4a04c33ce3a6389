//! Architectures and network sizes: what a model file must be built with to load.
//!
//! Sizes are free (the papers' sizes are the defaults where they fit a CPU; the shipped model
//! is smaller, see its manifest); everything here is written into the manifest and checked
//! against the weights on load.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::choreography::windows::TARGET_DIM;
use crate::config::{InvalidField, Validate};

/// A network architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arch {
    /// Ren et al.: convolutions, bidirectional GRU, MLP decoder with noise. Offline only.
    #[serde(rename = "ren")]
    Ren,
    /// Ren et al., causal: causal convolutions and a unidirectional GRU. Live and offline.
    #[serde(rename = "ren-causal")]
    RenCausal,
    /// Liu & Ko: convolution + BiLSTM encoder, attention decoder, audio autoencoder.
    #[serde(rename = "seq2seq")]
    Seq2Seq,
}

impl Arch {
    /// Every architecture.
    pub const ALL: [Arch; 3] = [Arch::Ren, Arch::RenCausal, Arch::Seq2Seq];

    /// Name on the command line and in manifests.
    pub fn name(self) -> &'static str {
        match self {
            Arch::Ren => "ren",
            Arch::RenCausal => "ren-causal",
            Arch::Seq2Seq => "seq2seq",
        }
    }

    /// True when output frame `t` depends on the music up to `t` only.
    pub fn is_causal(self) -> bool {
        self == Arch::RenCausal
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Arch {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Arch::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| format!("unknown architecture `{s}`: use ren, ren-causal or seq2seq"))
    }
}

/// Sizes of a Ren generator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenConfig {
    /// Input features per frame.
    pub in_dim: i64,
    /// Output values per frame (pose target).
    pub pose_dim: i64,
    /// Channels of every encoder convolution.
    pub conv_channels: i64,
    /// Number of encoder convolutions.
    pub conv_layers: i64,
    /// Kernel length of the convolutions, frames (odd).
    pub kernel_frames: i64,
    /// GRU hidden units per direction.
    pub gru_hidden: i64,
    /// Stacked GRU layers (2 in the paper).
    pub gru_layers: i64,
    /// Length of the noise vector fed to the decoder.
    pub noise_dim: i64,
    /// Hidden units of the MLP decoder.
    pub decoder_hidden: i64,
    /// Causal convolutions and a unidirectional GRU.
    pub causal: bool,
}

impl RenConfig {
    /// Paper-like sizes for `in_dim` inputs.
    pub fn new(in_dim: i64, causal: bool) -> Self {
        Self {
            in_dim,
            pose_dim: TARGET_DIM as i64,
            conv_channels: 256,
            conv_layers: 3,
            kernel_frames: 5,
            gru_hidden: 256,
            gru_layers: 2,
            noise_dim: 16,
            decoder_hidden: 256,
            causal,
        }
    }

    /// Frames of past input one output frame sees through the convolutions.
    pub fn receptive_field_frames(&self) -> i64 {
        self.conv_layers * (self.kernel_frames - 1)
    }
}

/// Sizes of a Liu & Ko sequence-to-sequence generator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seq2SeqConfig {
    /// Input features per frame (audio and beat features).
    pub in_dim: i64,
    /// Output values per frame (pose target).
    pub pose_dim: i64,
    /// Channels of the three encoder convolutions.
    pub encoder_channels: i64,
    /// Kernel length of the encoder convolutions, frames (5 in the paper).
    pub encoder_kernel_frames: i64,
    /// Encoder BiLSTM hidden units per direction.
    pub encoder_lstm_hidden: i64,
    /// Width of the two prenet layers (256 in the paper).
    pub prenet_dim: i64,
    /// Decoder LSTM units (1024 in the paper).
    pub decoder_lstm_hidden: i64,
    /// Width of the attention energies.
    pub attention_dim: i64,
    /// Filters of the location convolution over past alignments.
    pub location_filters: i64,
    /// Kernel length of the location convolution (odd).
    pub location_kernel_frames: i64,
    /// Hidden units of the audio autoencoder's decoder.
    pub autoencoder_hidden: i64,
}

impl Seq2SeqConfig {
    /// Paper-like sizes for `in_dim` inputs.
    pub fn new(in_dim: i64) -> Self {
        Self {
            in_dim,
            pose_dim: TARGET_DIM as i64,
            encoder_channels: 256,
            encoder_kernel_frames: 5,
            encoder_lstm_hidden: 128,
            prenet_dim: 256,
            decoder_lstm_hidden: 1024,
            attention_dim: 128,
            location_filters: 32,
            location_kernel_frames: 31,
            autoencoder_hidden: 256,
        }
    }

    /// Width of the encoder memory (both LSTM directions).
    pub fn memory_dim(&self) -> i64 {
        2 * self.encoder_lstm_hidden
    }
}

/// The generator network of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "lowercase")]
pub enum NetworkConfig {
    /// Ren et al. (either variant).
    Ren(RenConfig),
    /// Liu & Ko.
    Seq2seq(Seq2SeqConfig),
}

impl NetworkConfig {
    /// Paper-like sizes of `arch` for `in_dim` inputs.
    pub fn for_arch(arch: Arch, in_dim: i64) -> Self {
        match arch {
            Arch::Ren => NetworkConfig::Ren(RenConfig::new(in_dim, false)),
            Arch::RenCausal => NetworkConfig::Ren(RenConfig::new(in_dim, true)),
            Arch::Seq2Seq => NetworkConfig::Seq2seq(Seq2SeqConfig::new(in_dim)),
        }
    }

    /// The architecture this config builds.
    pub fn arch(&self) -> Arch {
        match self {
            NetworkConfig::Ren(c) if c.causal => Arch::RenCausal,
            NetworkConfig::Ren(_) => Arch::Ren,
            NetworkConfig::Seq2seq(_) => Arch::Seq2Seq,
        }
    }

    /// Input features per frame.
    pub fn in_dim(&self) -> i64 {
        match self {
            NetworkConfig::Ren(c) => c.in_dim,
            NetworkConfig::Seq2seq(c) => c.in_dim,
        }
    }

    /// Output values per frame.
    pub fn pose_dim(&self) -> i64 {
        match self {
            NetworkConfig::Ren(c) => c.pose_dim,
            NetworkConfig::Seq2seq(c) => c.pose_dim,
        }
    }

    /// Length of the noise vector (0 for seq2seq, which has none).
    pub fn noise_dim(&self) -> i64 {
        match self {
            NetworkConfig::Ren(c) => c.noise_dim,
            NetworkConfig::Seq2seq(_) => 0,
        }
    }
}

fn positive(field: &str, v: i64) -> Result<(), InvalidField> {
    if (1..=8192).contains(&v) {
        Ok(())
    } else {
        Err(InvalidField::new(
            format!("network.{field}"),
            format!("is {v}, must be in 1..=8192"),
        ))
    }
}

fn odd(field: &str, v: i64) -> Result<(), InvalidField> {
    positive(field, v)?;
    if v % 2 == 1 {
        Ok(())
    } else {
        Err(InvalidField::new(
            format!("network.{field}"),
            format!("is {v}, must be odd"),
        ))
    }
}

impl Validate for NetworkConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        match self {
            NetworkConfig::Ren(c) => {
                positive("in_dim", c.in_dim)?;
                positive("pose_dim", c.pose_dim)?;
                positive("conv_channels", c.conv_channels)?;
                positive("conv_layers", c.conv_layers)?;
                odd("kernel_frames", c.kernel_frames)?;
                positive("gru_hidden", c.gru_hidden)?;
                positive("gru_layers", c.gru_layers)?;
                positive("noise_dim", c.noise_dim)?;
                positive("decoder_hidden", c.decoder_hidden)
            }
            NetworkConfig::Seq2seq(c) => {
                positive("in_dim", c.in_dim)?;
                positive("pose_dim", c.pose_dim)?;
                positive("encoder_channels", c.encoder_channels)?;
                odd("encoder_kernel_frames", c.encoder_kernel_frames)?;
                positive("encoder_lstm_hidden", c.encoder_lstm_hidden)?;
                positive("prenet_dim", c.prenet_dim)?;
                positive("decoder_lstm_hidden", c.decoder_lstm_hidden)?;
                positive("attention_dim", c.attention_dim)?;
                positive("location_filters", c.location_filters)?;
                odd("location_kernel_frames", c.location_kernel_frames)?;
                positive("autoencoder_hidden", c.autoencoder_hidden)
            }
        }
    }
}
