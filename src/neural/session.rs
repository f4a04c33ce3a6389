//! A training run: epochs of steps over a [`Dataset`], with a checkpoint, a loss CSV and a
//! loss plot after every epoch, and the model file and its manifest at the end.
//!
//! Files, for `--out DIR/NAME.safetensors`: `NAME.safetensors` (generator weights),
//! `NAME.json` ([`Manifest`]), `NAME.losses.csv`, `NAME.losses.png`, and
//! `NAME.checkpoints/epoch-NNNN.{generator,discriminator}.safetensors` + `epoch-NNNN.json`
//! ([`CheckpointState`], which `--resume` reads). Epoch `e` samples its windows and noise
//! from seeds derived from the run's seed and `e`, so a resumed run draws what the
//! uninterrupted run would have drawn.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use tch::Device;

use super::config::NetworkConfig;
use super::data::Dataset;
use super::manifest::{
    tensor_shapes, Manifest, Normalisation, TrainingRecord, MANIFEST_FORMAT, POSE_TARGET,
};
use super::plot::loss_chart_png;
use super::train::{checkpoint_files, mean_losses, TrainConfig, Trainer};
use super::NeuralError;
use crate::analysis::features::FeatureConfig;
use crate::choreography::skeleton::LAYOUT_COCO18;
use crate::error::{write_atomic, write_json_atomic};

/// The files of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPaths {
    /// Generator weights (`.safetensors`).
    pub weights: PathBuf,
    /// The manifest.
    pub manifest: PathBuf,
    /// Loss table, one row per epoch.
    pub losses_csv: PathBuf,
    /// Loss plot.
    pub losses_png: PathBuf,
    /// Checkpoint folder.
    pub checkpoints: PathBuf,
}

impl RunPaths {
    /// The files of a run writing `weights`.
    pub fn beside(weights: &Path) -> Self {
        let stem = weights
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".to_owned());
        let sibling = |suffix: &str| weights.with_file_name(format!("{stem}{suffix}"));
        Self {
            weights: weights.to_owned(),
            manifest: super::manifest_path(weights),
            losses_csv: sibling(".losses.csv"),
            losses_png: sibling(".losses.png"),
            checkpoints: sibling(".checkpoints"),
        }
    }
}

/// One epoch's mean losses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRow {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Generator steps so far.
    pub steps: u64,
    /// Training seconds so far.
    pub elapsed_secs: f64,
    /// Mean training losses, by name, in step order.
    pub losses: Vec<(String, f64)>,
    /// Mean L1 (standardised units) of free-running generation on the validation songs.
    pub val_l1: Option<f64>,
}

/// What a checkpoint's JSON holds: enough to rebuild the networks and the data pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointState {
    /// Epochs completed.
    pub epoch: usize,
    /// Generator steps completed.
    pub steps: u64,
    /// Network sizes.
    pub network: NetworkConfig,
    /// Training settings.
    pub train: TrainConfig,
    /// Feature extraction.
    pub features: FeatureConfig,
    /// Input columns.
    pub input_columns: Vec<String>,
    /// Standardisation.
    pub normalisation: Normalisation,
    /// Seed of the run.
    pub seed: u64,
    /// Every epoch so far.
    pub history: Vec<EpochRow>,
}

impl CheckpointState {
    /// Reads a checkpoint's JSON (`epoch-NNNN.json`).
    pub fn load(path: &Path) -> Result<Self, NeuralError> {
        let bytes = std::fs::read(path)
            .map_err(|e| NeuralError::model(path, format!("cannot read the checkpoint: {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| NeuralError::model(path, format!("not a training checkpoint: {e}")))
    }

    /// The weights prefix beside a checkpoint JSON (`epoch-NNNN`).
    pub fn prefix(path: &Path) -> PathBuf {
        path.with_extension("")
    }
}

/// Everything a run needs besides the data.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Network sizes.
    pub network: NetworkConfig,
    /// Training settings.
    pub train: TrainConfig,
    /// Feature extraction of the data.
    pub features: FeatureConfig,
    /// Input columns.
    pub input_columns: Vec<String>,
    /// Epochs to reach (a resumed run continues up to this number).
    pub epochs: usize,
    /// Seed.
    pub seed: u64,
    /// Device.
    pub device: Device,
    /// Output files.
    pub paths: RunPaths,
    /// The command line, for the manifest.
    pub command: String,
    /// A description of the data, for the manifest.
    pub data_description: String,
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// An epoch of `steps` steps begins.
    EpochStart { epoch: usize, steps: usize },
    /// A step ended with these losses.
    Step { losses: &'a [(&'static str, f64)] },
    /// An epoch ended.
    EpochEnd { row: &'a EpochRow },
}

/// Runs the epochs (from `resume` when given), writing every file of [`RunPaths`]. Returns
/// the manifest written.
pub fn run(
    spec: &RunSpec,
    data: &Dataset,
    resume: Option<&Path>,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Manifest, NeuralError> {
    tch::manual_seed(spec.seed as i64);
    let mut trainer = Trainer::new(&spec.network, &spec.train, spec.device)?;
    let mut history = Vec::new();
    if let Some(state_path) = resume {
        let state = CheckpointState::load(state_path)?;
        trainer.load(&CheckpointState::prefix(state_path), state.steps)?;
        history = state.history;
    }
    let normalisation = Normalisation {
        input: data.input_stats.clone(),
        pose: data.pose_stats.clone(),
    };
    let steps_per_epoch = steps_per_epoch(&spec.train, data);
    let val =
        data.validation_batches(spec.train.batch_size, spec.train.window_frames, spec.device)?;
    let started = Instant::now();
    let offset_secs = history.last().map_or(0.0, |r: &EpochRow| r.elapsed_secs);
    std::fs::create_dir_all(&spec.paths.checkpoints).map_err(|e| {
        NeuralError::model(
            &spec.paths.checkpoints,
            format!("cannot create the checkpoint folder: {e}"),
        )
    })?;
    for epoch in history.len() + 1..=spec.epochs {
        on_progress(Progress::EpochStart {
            epoch,
            steps: steps_per_epoch,
        });
        let epoch_seed = spec.seed.wrapping_mul(1_000_003).wrapping_add(epoch as u64);
        tch::manual_seed(epoch_seed as i64);
        let mut rng = ChaCha8Rng::seed_from_u64(epoch_seed);
        let mut steps = Vec::with_capacity(steps_per_epoch);
        for _ in 0..steps_per_epoch {
            let batch = data.sample_batch(
                spec.train.batch_size,
                spec.train.window_frames,
                &mut rng,
                spec.device,
            )?;
            let losses = trainer.step(&batch);
            on_progress(Progress::Step { losses: &losses });
            steps.push(losses);
        }
        let row = EpochRow {
            epoch,
            steps: trainer.steps(),
            elapsed_secs: offset_secs + started.elapsed().as_secs_f64(),
            losses: mean_losses(&steps),
            val_l1: (!val.is_empty()).then(|| trainer.validate(&val)),
        };
        on_progress(Progress::EpochEnd { row: &row });
        check_finite(&row, &spec.paths.weights)?;
        history.push(row);
        let state = CheckpointState {
            epoch,
            steps: trainer.steps(),
            network: spec.network.clone(),
            train: spec.train.clone(),
            features: spec.features.clone(),
            input_columns: spec.input_columns.clone(),
            normalisation: normalisation.clone(),
            seed: spec.seed,
            history: history.clone(),
        };
        save_epoch(&trainer, &state, &spec.paths)?;
        // The checkpoint's generator is a loadable model too (`epoch-NNNN.generator.json`).
        let prefix = spec.paths.checkpoints.join(format!("epoch-{epoch:04}"));
        write_model(
            spec,
            &trainer,
            &normalisation,
            &history,
            &checkpoint_files(&prefix).0,
        )?;
    }
    write_model(
        spec,
        &trainer,
        &normalisation,
        &history,
        &spec.paths.weights,
    )
}

/// Generator steps per epoch: the configured number, or one pass over the training frames.
pub fn steps_per_epoch(cfg: &TrainConfig, data: &Dataset) -> usize {
    if cfg.steps_per_epoch > 0 {
        return cfg.steps_per_epoch;
    }
    (data.train_frames() / (cfg.batch_size * cfg.window_frames).max(1)).max(1)
}

fn check_finite(row: &EpochRow, path: &Path) -> Result<(), NeuralError> {
    match row.losses.iter().find(|(_, v)| !v.is_finite()) {
        Some((name, v)) => Err(NeuralError::model(
            path,
            format!("training diverged: {name} is {v} in epoch {}; lower the learning rates or resume from an earlier checkpoint", row.epoch),
        )),
        None => Ok(()),
    }
}

fn save_epoch(
    trainer: &Trainer,
    state: &CheckpointState,
    paths: &RunPaths,
) -> Result<(), NeuralError> {
    let prefix = paths.checkpoints.join(format!("epoch-{:04}", state.epoch));
    trainer.save(&prefix)?;
    write_json_atomic(&prefix.with_extension("json"), state)?;
    write_atomic(&paths.losses_csv, losses_csv(&state.history).as_bytes())?;
    write_atomic(
        &paths.losses_png,
        &loss_chart_png(&loss_series(&state.history)),
    )?;
    Ok(())
}

/// The loss table: `epoch,steps,elapsed_secs,<losses…>,val_l1`.
pub fn losses_csv(history: &[EpochRow]) -> String {
    let names: Vec<&str> = history
        .first()
        .map(|r| r.losses.iter().map(|(n, _)| n.as_str()).collect())
        .unwrap_or_default();
    let mut out = format!("epoch,steps,elapsed_secs,{},val_l1\n", names.join(","));
    for row in history {
        let losses: Vec<String> = row.losses.iter().map(|(_, v)| format!("{v:.6}")).collect();
        let val = row.val_l1.map_or(String::new(), |v| format!("{v:.6}"));
        out.push_str(&format!(
            "{},{},{:.1},{},{val}\n",
            row.epoch,
            row.steps,
            row.elapsed_secs,
            losses.join(",")
        ));
    }
    out
}

/// Series for the loss plot: every training loss, then the validation L1.
pub fn loss_series(history: &[EpochRow]) -> Vec<(String, Vec<f64>)> {
    let names: Vec<String> = history
        .first()
        .map(|r| r.losses.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    let mut series: Vec<(String, Vec<f64>)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.clone(),
                history
                    .iter()
                    .map(|r| r.losses.get(i).map_or(f64::NAN, |l| l.1))
                    .collect(),
            )
        })
        .collect();
    series.push((
        "val_l1".to_owned(),
        history
            .iter()
            .map(|r| r.val_l1.unwrap_or(f64::NAN))
            .collect(),
    ));
    series
}

/// Writes the generator's weights to `weights` and its manifest beside them.
fn write_model(
    spec: &RunSpec,
    trainer: &Trainer,
    normalisation: &Normalisation,
    history: &[EpochRow],
    weights: &Path,
) -> Result<Manifest, NeuralError> {
    trainer
        .generator_store()
        .save(weights)
        .map_err(|e| NeuralError::model(weights, e.to_string()))?;
    let mut final_losses: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(last) = history.last() {
        final_losses.extend(last.losses.iter().cloned());
        if let Some(v) = last.val_l1 {
            final_losses.insert("val_l1".to_owned(), v);
        }
    }
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_owned(),
        architecture: spec.network.arch(),
        network: spec.network.clone(),
        fps: spec.features.fps,
        layout: LAYOUT_COCO18.to_owned(),
        pose_target: POSE_TARGET.to_owned(),
        features: spec.features.clone(),
        input_columns: spec.input_columns.clone(),
        normalisation: normalisation.clone(),
        window_frames: spec.train.window_frames,
        overlap_frames: spec.train.overlap_frames,
        tensors: tensor_shapes(trainer.generator_store()),
        training: TrainingRecord {
            command: spec.command.clone(),
            data: spec.data_description.clone(),
            seed: spec.seed,
            epochs: history.len(),
            steps: trainer.steps(),
            settings: serde_json::to_value(&spec.train).unwrap_or_default(),
            final_losses,
            duration_secs: history.last().map_or(0.0, |r| r.elapsed_secs),
            device: format!("{:?}", spec.device),
        },
    };
    write_json_atomic(&super::manifest_path(weights), &manifest)?;
    Ok(manifest)
}
