//! The Pix2PixHD avatar model (feature `torch`): one-hot limb label maps in, pictures of one
//! person out, as in EverybodyDanceNow (Chan et al. 2019), which trains one such model per
//! dancer.
//!
//! Three layers, as for the choreography networks: the networks ([`networks`], and the
//! optional [`vgg`] perceptual loss), the training wrapper ([`model`] for a step,
//! [`session`] for a run with checkpoints, metrics and plots), and the inference type
//! [`AvatarModel`] behind [`AvatarRenderer`](crate::render::avatar::AvatarRenderer).
//! [`config`] holds the sizes and the two presets, [`data`] and [`sources`] the training
//! frames, [`metrics`] PSNR and SSIM, [`manifest`] what ships beside the weights.

pub mod bench;
pub mod config;
pub mod data;
pub mod infer;
pub mod manifest;
pub mod metrics;
pub mod model;
pub mod networks;
pub mod session;
pub mod sources;
pub mod vgg;

pub use config::{generator_flops, AvatarConfig, AvatarNetConfig, AvatarTrainConfig};
pub use infer::AvatarModel;
pub use manifest::AvatarManifest;

/// File name of the shipped avatar model, under `models/`.
pub const DEFAULT_AVATAR_MODEL_FILE: &str = "avatar.safetensors";

#[cfg(test)]
mod tests;
