//! The model manifest: a JSON file beside the weights (`NAME.json` for `NAME.safetensors`)
//! saying everything needed to rebuild, check and run the network, and how it was trained.
//!
//! Loading reads the manifest, checks its format, layout and internal consistency (input
//! columns against the network's input width, normalisation lengths, pose width), builds the
//! network it describes, and compares every variable's name and shape with both the manifest's
//! `tensors` table and the weights file before copying a single value ([`load_weights`]).
//! Every error names the file and says what was expected and what was found.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::nn::VarStore;
use tch::Tensor;

use super::config::{Arch, NetworkConfig};
use super::NeuralError;
use crate::analysis::features::FeatureConfig;
use crate::choreography::skeleton::LAYOUT_COCO18;
use crate::choreography::windows::{ColumnStats, TARGET_DIM};
use crate::config::Validate;

/// Name and version of the manifest layout.
pub const MANIFEST_FORMAT: &str = "dancebot.choreo-model.v1";

/// What the pose targets are.
pub const POSE_TARGET: &str = "pelvis offset from the rest pelvis, then the 18 keypoints relative to the pelvis, all divided by body height (choreography::windows::PoseNormalizer), then standardised";

/// Standardisation of inputs and targets, fitted on the training songs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Normalisation {
    /// Per input column.
    pub input: ColumnStats,
    /// Per pose-target value.
    pub pose: ColumnStats,
}

/// How a model was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingRecord {
    /// The exact command line.
    pub command: String,
    /// What the training data was.
    pub data: String,
    /// Seed of libtorch and of the window sampler.
    pub seed: u64,
    /// Epochs run.
    pub epochs: usize,
    /// Generator steps run.
    pub steps: u64,
    /// Every training setting (a `train::TrainConfig`), as JSON.
    pub settings: serde_json::Value,
    /// Loss values of the last epoch, by name.
    pub final_losses: BTreeMap<String, f64>,
    /// Wall-clock training time, seconds.
    pub duration_secs: f64,
    /// Device trained on.
    pub device: String,
}

/// The manifest of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub format: String,
    /// The architecture.
    pub architecture: Arch,
    /// Network sizes.
    pub network: NetworkConfig,
    /// Motion frames per second of inputs and outputs.
    pub fps: f64,
    /// Keypoint layout of the output, `coco18`.
    pub layout: String,
    /// What the network predicts, [`POSE_TARGET`].
    pub pose_target: String,
    /// Feature extraction the inputs come from.
    pub features: FeatureConfig,
    /// Input columns, in order ([`super::inputs`]).
    pub input_columns: Vec<String>,
    /// Standardisation of inputs and targets.
    pub normalisation: Normalisation,
    /// Inference window length, frames (the training sequence length).
    pub window_frames: usize,
    /// Frames shared by consecutive inference windows.
    pub overlap_frames: usize,
    /// Every weight tensor's shape, by name.
    pub tensors: BTreeMap<String, Vec<i64>>,
    /// How it was trained.
    pub training: TrainingRecord,
}

/// Names and shapes of a var store's variables.
pub fn tensor_shapes(vs: &VarStore) -> BTreeMap<String, Vec<i64>> {
    vs.variables()
        .into_iter()
        .map(|(name, t)| (name, t.size()))
        .collect()
}

impl Manifest {
    /// Reads and checks a manifest.
    pub fn load(path: &Path) -> Result<Manifest, NeuralError> {
        let bytes = std::fs::read(path).map_err(|e| {
            NeuralError::model(path, format!("cannot read the model manifest: {e}"))
        })?;
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            NeuralError::model(
                path,
                format!("not a model manifest ({MANIFEST_FORMAT}): {e}"),
            )
        })?;
        manifest.check(path)?;
        Ok(manifest)
    }

    /// Checks format, layout and that the parts agree with each other.
    pub fn check(&self, path: &Path) -> Result<(), NeuralError> {
        let bad = |what: String| Err(NeuralError::model(path, what));
        if self.format != MANIFEST_FORMAT {
            return bad(format!(
                "format is {:?}, expected {MANIFEST_FORMAT:?}",
                self.format
            ));
        }
        if self.layout != LAYOUT_COCO18 {
            return bad(format!("layout is {:?}, expected \"coco18\"", self.layout));
        }
        if self.network.arch() != self.architecture {
            return bad(format!(
                "architecture is {} but the network section describes {}",
                self.architecture,
                self.network.arch()
            ));
        }
        self.network
            .validate()
            .map_err(|e| NeuralError::model(path, e.to_string()))?;
        let in_dim = self.network.in_dim() as usize;
        let dims = [
            ("input_columns", self.input_columns.len(), in_dim),
            (
                "normalisation.input",
                self.normalisation.input.dim(),
                in_dim,
            ),
            (
                "normalisation.input.std",
                self.normalisation.input.std.len(),
                in_dim,
            ),
            (
                "network.pose_dim",
                self.network.pose_dim() as usize,
                TARGET_DIM,
            ),
            (
                "normalisation.pose",
                self.normalisation.pose.dim(),
                TARGET_DIM,
            ),
            (
                "normalisation.pose.std",
                self.normalisation.pose.std.len(),
                TARGET_DIM,
            ),
        ];
        for (field, found, expected) in dims {
            if found != expected {
                return bad(format!("{field} has {found} values, expected {expected}"));
            }
        }
        let fps_ok = self.fps.is_finite() && (self.fps - self.features.fps).abs() < 1e-9;
        if !fps_ok || self.window_frames == 0 || 2 * self.overlap_frames > self.window_frames {
            return bad(format!(
                "fps {} (features at {}), window {} frames, overlap {}: expected equal rates and 0 ≤ 2·overlap ≤ window",
                self.fps, self.features.fps, self.window_frames, self.overlap_frames
            ));
        }
        Ok(())
    }

    /// Checks that `vs` (built from this manifest) has exactly the manifest's tensors.
    pub fn check_tensors(&self, vs: &VarStore, path: &Path) -> Result<(), NeuralError> {
        compare_shapes(
            &tensor_shapes(vs),
            &self.tensors,
            self.architecture,
            path,
            "the manifest's tensors table",
        )
    }
}

/// Loads `weights` into `vs`, first checking that every variable of `vs` is in the file with
/// its shape and that the file holds nothing else.
pub fn load_weights(
    vs: &mut VarStore,
    weights: &Path,
    arch: impl std::fmt::Display,
) -> Result<(), NeuralError> {
    let named = Tensor::read_safetensors(weights).map_err(|e| {
        NeuralError::model(
            weights,
            format!("cannot read the weights (safetensors): {e}"),
        )
    })?;
    let found: BTreeMap<String, Vec<i64>> =
        named.iter().map(|(n, t)| (n.clone(), t.size())).collect();
    compare_shapes(&tensor_shapes(vs), &found, arch, weights, "the file")?;
    let mut variables = vs.variables();
    tch::no_grad(|| {
        for (name, src) in &named {
            if let Some(dst) = variables.get_mut(name) {
                dst.f_copy_(src)
                    .map_err(|e| NeuralError::model(weights, format!("tensor `{name}`: {e}")))?;
            }
        }
        Ok(())
    })
}

/// Errors unless `found` has exactly the names and shapes of `expected`, the tensors of
/// architecture `arch` as configured; `path` and `what` (e.g. "the file") name where `found`
/// came from. Shared by every model type (choreography networks, the avatar).
pub fn compare_shapes(
    expected: &BTreeMap<String, Vec<i64>>,
    found: &BTreeMap<String, Vec<i64>>,
    arch: impl std::fmt::Display,
    path: &Path,
    what: &str,
) -> Result<(), NeuralError> {
    for (name, shape) in expected {
        match found.get(name) {
            None => {
                let example = found
                    .keys()
                    .next()
                    .map_or("nothing".to_owned(), |k| format!("`{k}`"));
                return Err(NeuralError::model(
                    path,
                    format!(
                        "architecture {arch} expects tensor `{name}` {shape:?}, not in {what} ({} tensors, e.g. {example}): a model of another architecture or size?",
                        found.len()
                    ),
                ));
            }
            Some(s) if s != shape => {
                return Err(NeuralError::model(
                    path,
                    format!("tensor `{name}` has shape {s:?} in {what}; expected shape {shape:?} for architecture {arch} as configured"),
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = found.keys().find(|k| !expected.contains_key(*k)) {
        return Err(NeuralError::model(
            path,
            format!("{what} holds tensor `{extra}`, which architecture {arch} as configured does not have"),
        ));
    }
    Ok(())
}
