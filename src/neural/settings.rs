//! Training settings and network size presets.
//!
//! [`TrainConfig::default`] holds Ren et al.'s recipe ("Music-oriented Dance Video Synthesis
//! with Pose Perceptual Loss": L1 weight 200, feature matching, a gradient penalty, Adam with
//! β₁ = 0.5); [`TrainConfig::for_arch`] swaps in Liu & Ko's settings ("The use of deep learning
//! technology in dance movement generation": Adam at 1e-3, gradient clip 1, weight decay 1e-6,
//! sequences of 125 frames, the discriminator once per three generator steps) for seq2seq.

use serde::{Deserialize, Serialize};

use super::config::{Arch, NetworkConfig};
use crate::config::{InvalidField, Validate};

/// Every training setting (the network sizes are chosen separately, see [`Preset`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainConfig {
    /// Sequences per batch.
    pub batch_size: usize,
    /// Frames per training sequence (125 in Liu & Ko), also the inference window.
    pub window_frames: usize,
    /// Frames shared by consecutive inference windows.
    pub overlap_frames: usize,
    /// Generator steps per epoch; 0 takes one pass over the training frames.
    pub steps_per_epoch: usize,
    /// Adam learning rate of the generator.
    pub lr_generator: f64,
    /// Adam learning rate of the discriminators.
    pub lr_discriminator: f64,
    /// Adam β₁ (0.5 is the usual GAN choice, 0.9 Adam's default).
    pub adam_beta1: f64,
    /// Adam weight decay.
    pub weight_decay: f64,
    /// Gradient norm clip of every update; 0 turns it off.
    pub grad_clip_norm: f64,
    /// Generator steps per discriminator step.
    pub discriminator_every: usize,
    /// Weight of the adversarial terms in the generator loss.
    pub adversarial_weight: f64,
    /// Ren: weight of the L1 pose loss.
    pub l1_weight: f64,
    /// Ren: weight of discriminator feature matching.
    pub feature_matching_weight: f64,
    /// Ren: weight of the global discriminator's gradient penalty.
    pub gradient_penalty_weight: f64,
    /// seq2seq: λ₁, weight of the pose MSE.
    pub mse_weight: f64,
    /// seq2seq: λ₂, weight of the audio reconstruction MSE.
    pub reconstruction_weight: f64,
    /// Width of the discriminators' first layer.
    pub discriminator_hidden: i64,
    /// Strided layers of the patch discriminators.
    pub discriminator_layers: i64,
}

impl TrainConfig {
    /// The papers' settings for `arch`.
    pub fn for_arch(arch: Arch) -> Self {
        let ren = Self::default();
        match arch {
            Arch::Ren | Arch::RenCausal => ren,
            Arch::Seq2Seq => Self {
                lr_generator: 1e-3,
                lr_discriminator: 1e-3,
                adam_beta1: 0.9,
                weight_decay: 1e-6,
                grad_clip_norm: 1.0,
                discriminator_every: 3,
                ..ren
            },
        }
    }
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            batch_size: 16,
            window_frames: 125,
            overlap_frames: 25,
            steps_per_epoch: 0,
            lr_generator: 2e-4,
            lr_discriminator: 2e-4,
            adam_beta1: 0.5,
            weight_decay: 0.0,
            grad_clip_norm: 1.0,
            discriminator_every: 1,
            adversarial_weight: 1.0,
            l1_weight: 200.0,
            feature_matching_weight: 10.0,
            gradient_penalty_weight: 10.0,
            mse_weight: 100.0,
            reconstruction_weight: 1.0,
            discriminator_hidden: 64,
            discriminator_layers: 3,
        }
    }
}

impl Validate for TrainConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        let bad =
            |field: &str, problem: &str| Err(InvalidField::new(format!("train.{field}"), problem));
        if self.batch_size == 0 || self.batch_size > 4096 {
            return bad("batch_size", "must be in 1..=4096");
        }
        if self.window_frames < 8 || 2 * self.overlap_frames > self.window_frames {
            return bad(
                "window_frames",
                "must be at least 8 and at least twice overlap_frames",
            );
        }
        if self.discriminator_every == 0 {
            return bad("discriminator_every", "must be at least 1");
        }
        let rates = [self.lr_generator, self.lr_discriminator];
        if rates
            .iter()
            .any(|r| !(r.is_finite() && *r > 0.0 && *r < 1.0))
        {
            return bad("lr_generator", "learning rates must be in (0, 1)");
        }
        let weights = [
            self.adversarial_weight,
            self.l1_weight,
            self.feature_matching_weight,
            self.gradient_penalty_weight,
            self.mse_weight,
            self.reconstruction_weight,
            self.weight_decay,
            self.grad_clip_norm,
        ];
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return bad(
                "weights",
                "loss weights, weight decay and the clip must be finite and >= 0",
            );
        }
        if !(0.0..1.0).contains(&self.adam_beta1)
            || self.discriminator_hidden < 1
            || self.discriminator_layers < 1
        {
            return bad("adam_beta1", "β₁ in [0, 1), discriminator sizes >= 1");
        }
        Ok(())
    }
}

/// Network sizes to train with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The papers' sizes (Ren: 256 units; Liu & Ko: 1024-unit decoder LSTM).
    Paper,
    /// About a quarter of the width: trains in minutes on a CPU, runs far faster than real time.
    Small,
}

impl Preset {
    /// The network of `arch` at this size for `in_dim` inputs.
    pub fn network(self, arch: Arch, in_dim: i64) -> NetworkConfig {
        let mut cfg = NetworkConfig::for_arch(arch, in_dim);
        if self == Preset::Small {
            match &mut cfg {
                NetworkConfig::Ren(c) => {
                    c.conv_channels = 96;
                    c.gru_hidden = 96;
                    c.decoder_hidden = 128;
                }
                NetworkConfig::Seq2seq(c) => {
                    c.encoder_channels = 96;
                    c.encoder_lstm_hidden = 64;
                    c.prenet_dim = 128;
                    c.decoder_lstm_hidden = 256;
                    c.attention_dim = 64;
                    c.autoencoder_hidden = 128;
                }
            }
        }
        cfg
    }
}
