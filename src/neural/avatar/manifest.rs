//! The avatar model manifest: `NAME.json` beside `NAME.safetensors`, everything needed to
//! rebuild the generator and draw its input exactly as in training (label channels, image
//! size, the camera and body height behind the label maps), and the training record
//! (command, time, data, final PSNR/SSIM).
//!
//! [`check_shapes`] compares the network built from the manifest with a table of tensor
//! shapes (the manifest's own and the weights file's), naming the first tensor that is
//! missing, extra or of another shape, with the expected and the found shape.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::config::{AvatarNetConfig, AvatarTrainConfig};
use super::data::CameraRecord;
use crate::neural::NeuralError;

/// Name and version of the manifest layout.
pub const AVATAR_MANIFEST_FORMAT: &str = "dancebot.avatar-model.v1";

/// The architecture name.
pub const ARCH: &str = "pix2pixhd";

/// How the model was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvatarTrainingRecord {
    /// The exact command line.
    pub command: String,
    /// Where the frames came from.
    pub data: String,
    /// Training frames.
    pub frames_train: usize,
    /// Validation frames.
    pub frames_val: usize,
    /// Frames skipped as unreadable.
    pub frames_skipped: usize,
    /// Seed.
    pub seed: u64,
    /// Epochs run.
    pub epochs: usize,
    /// Generator steps run.
    pub steps: u64,
    /// Wall-clock training time, seconds.
    pub duration_secs: f64,
    /// Device trained on.
    pub device: String,
    /// Training settings.
    pub settings: AvatarTrainConfig,
    /// Whether the VGG19 loss was used.
    pub vgg_loss: bool,
    /// Mean losses of the last epoch.
    pub final_losses: BTreeMap<String, f64>,
    /// Mean PSNR of the validation frames after the last epoch, dB (`None`: no validation
    /// frames, or identical images).
    pub val_psnr_db: Option<f64>,
    /// Mean SSIM of the validation frames after the last epoch.
    pub val_ssim: Option<f64>,
    /// What the metrics are computed on.
    pub metrics: String,
}

/// The manifest of an avatar model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvatarManifest {
    /// [`AVATAR_MANIFEST_FORMAT`].
    pub format: String,
    /// [`ARCH`].
    pub arch: String,
    /// Network sizes (image size and label channels included).
    pub network: AvatarNetConfig,
    /// The camera that drew the training labels.
    pub camera: CameraRecord,
    /// Height of the body that camera frames, metres.
    pub body_height_m: f64,
    /// Half width of each limb in the label maps, metres.
    pub limb_half_width_m: f64,
    /// Generator tensors and their shapes.
    pub tensors: BTreeMap<String, Vec<i64>>,
    /// How it was trained.
    pub training: AvatarTrainingRecord,
}

impl AvatarManifest {
    /// Reads and checks a manifest.
    pub fn load(path: &Path) -> Result<AvatarManifest, NeuralError> {
        let bytes = std::fs::read(path).map_err(|e| {
            NeuralError::model(path, format!("cannot read the avatar model manifest: {e}"))
        })?;
        let m: AvatarManifest = serde_json::from_slice(&bytes).map_err(|e| {
            NeuralError::model(
                path,
                format!("not an avatar model manifest ({AVATAR_MANIFEST_FORMAT}): {e}"),
            )
        })?;
        if m.format != AVATAR_MANIFEST_FORMAT || m.arch != ARCH {
            return Err(NeuralError::model(
                path,
                format!(
                    "format `{}`, arch `{}`; expected `{AVATAR_MANIFEST_FORMAT}`, `{ARCH}`",
                    m.format, m.arch
                ),
            ));
        }
        crate::config::Validate::validate(&m.network)?;
        Ok(m)
    }
}

/// Errors unless `found` has exactly the tensors and shapes of `expected`
/// ([`crate::neural::manifest::compare_shapes`] for this architecture).
pub fn check_shapes(
    expected: &BTreeMap<String, Vec<i64>>,
    found: &BTreeMap<String, Vec<i64>>,
    path: &Path,
    what: &str,
) -> Result<(), NeuralError> {
    crate::neural::manifest::compare_shapes(expected, found, ARCH, path, what)
}
