//! Training data: (music, dance) pairs from a folder, turned into standardised tensors.
//!
//! A data folder holds pairs `NAME.wav|flac|mp3|ogg` + `NAME.skeleton.json` (a
//! [`SkeletonSequence`]) or + `NAME/` (a folder of OpenPose frames, read through
//! [`crate::choreography::openpose`] at a given video frame rate). Each song is analysed as the
//! offline pipeline does (offline beat tracker, then [`features::extract`] at the model's
//! rate), so training sees the inputs inference will see. A dance at another frame rate is
//! resampled to the model's; missing keypoints hold the last seen pose. Music and dance may
//! differ in length by up to [`MAX_LENGTH_MISMATCH_SECS`]; both are cut to the shorter one.
//! A larger mismatch means the pair is wrong and is an error naming the file.
//!
//! [`Dataset`] splits the pairs into training and validation songs (seeded), fits the
//! standardisation on the training songs only, and cuts batches of random windows.

use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand::Rng;
use tch::{Device, Kind, Tensor};

use super::inputs::{input_matrix, standardise};
use super::NeuralError;
use crate::analysis::features::{self, FeatureConfig, MusicFeatures};
use crate::analysis::offline::track_offline;
use crate::analysis::BeatGrid;
use crate::audio::decode::load_mono;
use crate::choreography::body::BodyModel;
use crate::choreography::metrics::hold_non_finite;
use crate::choreography::openpose::{self, OpenPoseConfig};
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::Pose;
use crate::choreography::windows::{ColumnStats, PoseNormalizer, TARGET_DIM};

/// Largest allowed difference between a song's and its dance's length.
pub const MAX_LENGTH_MISMATCH_SECS: f64 = 1.0;

/// Audio extensions a pair may use, in order of preference.
pub const AUDIO_EXTENSIONS: [&str; 4] = ["wav", "flac", "mp3", "ogg"];

/// Suffix of a dance file.
pub const SKELETON_SUFFIX: &str = ".skeleton.json";

/// Where a pair's dance comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum DanceSource {
    /// A `NAME.skeleton.json` file.
    Skeleton(PathBuf),
    /// A `NAME/` folder of OpenPose frames.
    OpenPose(PathBuf),
}

impl DanceSource {
    /// The file or folder.
    pub fn path(&self) -> &Path {
        match self {
            DanceSource::Skeleton(p) | DanceSource::OpenPose(p) => p,
        }
    }
}

/// One (music, dance) pair of a data folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The shared stem.
    pub name: String,
    /// The audio file.
    pub audio: PathBuf,
    /// The dance.
    pub dance: DanceSource,
}

/// The pairs of a data folder, sorted by name. Errors: missing folder, no pairs.
pub fn find_pairs(dir: &Path) -> Result<Vec<Pair>, NeuralError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| NeuralError::data(dir, format!("cannot read the data folder: {e}")))?;
    let mut pairs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let (name, dance) = if let Some(stem) = file_name.strip_suffix(SKELETON_SUFFIX) {
            (stem.to_owned(), DanceSource::Skeleton(path))
        } else if path.is_dir() {
            (file_name, DanceSource::OpenPose(path))
        } else {
            continue;
        };
        let audio = AUDIO_EXTENSIONS
            .iter()
            .map(|ext| dir.join(format!("{name}.{ext}")))
            .find(|p| p.is_file());
        if let Some(audio) = audio {
            pairs.push(Pair { name, audio, dance });
        }
    }
    pairs.sort_by(|a, b| a.name.cmp(&b.name));
    if pairs.is_empty() {
        return Err(NeuralError::data(
            dir,
            "no training pairs: expected NAME.wav|flac|mp3|ogg beside NAME.skeleton.json or an OpenPose folder NAME/",
        ));
    }
    Ok(pairs)
}

/// How pairs become network inputs and targets.
#[derive(Debug, Clone, PartialEq)]
pub struct DataConfig {
    /// Feature extraction; its `fps` is the model's frame rate.
    pub features: FeatureConfig,
    /// Input columns ([`super::inputs`]).
    pub columns: Vec<String>,
    /// Frame rate of OpenPose folders' videos.
    pub openpose_fps: f64,
}

/// The offline analysis of a song: features at `cfg.fps` and the tracked beats.
pub fn analyse_audio(
    path: &Path,
    cfg: &FeatureConfig,
) -> Result<(MusicFeatures, BeatGrid), NeuralError> {
    let block = load_mono(path, cfg.analysis.sample_rate_hz)
        .map_err(|e| NeuralError::data(path, e.to_string()))?;
    let grid = track_offline(&block.samples, &cfg.analysis);
    let features = features::extract(&block.samples, &grid, cfg)
        .map_err(|e| NeuralError::data(path, e.to_string()))?;
    Ok((features, grid))
}

/// One pair as raw (unstandardised) matrices of equal length.
#[derive(Debug, Clone)]
pub struct Clip {
    /// The pair's name.
    pub name: String,
    /// Frames.
    pub n_frames: usize,
    /// Inputs, `n_frames × columns`, row-major.
    pub inputs: Vec<f32>,
    /// Pose targets, `n_frames × TARGET_DIM`, row-major.
    pub targets: Vec<f32>,
}

fn load_dance(pair: &Pair, cfg: &DataConfig) -> Result<SkeletonSequence, NeuralError> {
    let path = pair.dance.path();
    let seq = match &pair.dance {
        DanceSource::Skeleton(p) => {
            SkeletonSequence::load(p).map_err(|e| NeuralError::data(p, e.to_string()))?
        }
        DanceSource::OpenPose(p) => {
            openpose::load(p, cfg.openpose_fps, &OpenPoseConfig::default())
                .map_err(|e| NeuralError::data(p, e.to_string()))?
                .sequence
        }
    };
    let (frames, _) = hold_non_finite(&seq.frames)
        .ok_or_else(|| NeuralError::data(path, "no frame has every keypoint"))?;
    Ok(SkeletonSequence { frames, ..seq })
}

/// `frames` at `from_fps` resampled to `to_fps` (linear blend between neighbours).
pub fn resample_frames(frames: &[Pose], from_fps: f64, to_fps: f64) -> Vec<Pose> {
    if frames.is_empty() || (from_fps - to_fps).abs() < 1e-9 {
        return frames.to_vec();
    }
    let duration = frames.len() as f64 / from_fps;
    let n = (duration * to_fps).round().max(1.0) as usize;
    let last = frames.len() - 1;
    (0..n)
        .map(|k| {
            let x = (k as f64 / to_fps * from_fps).min(last as f64);
            let i = x.floor() as usize;
            frames[i].lerp(&frames[(i + 1).min(last)], x - i as f64)
        })
        .collect()
}

/// Loads one pair: analyses the song, reads the dance, checks and trims the lengths.
pub fn load_clip(pair: &Pair, cfg: &DataConfig) -> Result<Clip, NeuralError> {
    let fps = cfg.features.fps;
    let (features, grid) = analyse_audio(&pair.audio, &cfg.features)?;
    let dance = load_dance(pair, cfg)?;
    let frames = resample_frames(&dance.frames, dance.fps, fps);
    let mismatch_secs = (features.n_frames as f64 - frames.len() as f64).abs() / fps;
    if mismatch_secs > MAX_LENGTH_MISMATCH_SECS {
        return Err(NeuralError::data(
            pair.dance.path(),
            format!(
                "the dance lasts {:.2} s but its music {} lasts {:.2} s (more than {MAX_LENGTH_MISMATCH_SECS} s apart): wrong pair?",
                frames.len() as f64 / fps,
                pair.audio.display(),
                features.n_frames as f64 / fps
            ),
        ));
    }
    let n_frames = features.n_frames.min(frames.len());
    let inputs = input_matrix(
        &cfg.columns,
        &features,
        &grid.beats_secs,
        &grid.downbeats_secs,
        0..n_frames,
    )
    .map_err(|e| NeuralError::data(&pair.audio, e))?;
    let body = BodyModel::fit(&frames[0]).unwrap_or_default();
    let norm = PoseNormalizer::new(&body);
    let targets = frames[..n_frames]
        .iter()
        .flat_map(|p| norm.to_target(p))
        .collect();
    Ok(Clip {
        name: pair.name.clone(),
        n_frames,
        inputs,
        targets,
    })
}

/// A batch: music `[batch, time, in_dim]` and poses `[batch, time, TARGET_DIM]`, standardised.
#[derive(Debug)]
pub struct Batch {
    /// Music inputs.
    pub audio: Tensor,
    /// Pose targets.
    pub poses: Tensor,
}

/// Standardisation fitted on `clips`: (inputs, pose targets).
fn fit_stats(clips: &[Clip], in_dim: usize) -> (ColumnStats, ColumnStats) {
    let inputs: Vec<f32> = clips
        .iter()
        .flat_map(|c| c.inputs.iter().copied())
        .collect();
    let targets: Vec<f32> = clips
        .iter()
        .flat_map(|c| c.targets.iter().copied())
        .collect();
    (
        ColumnStats::fit(&inputs, in_dim, 1e-3),
        ColumnStats::fit(&targets, TARGET_DIM, 1e-3),
    )
}

/// Standardised training and validation clips.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Columns per input frame.
    pub in_dim: usize,
    /// Songs to train on.
    pub train: Vec<Clip>,
    /// Held-out songs.
    pub val: Vec<Clip>,
    /// Input standardisation (fitted on `train`).
    pub input_stats: ColumnStats,
    /// Pose-target standardisation (fitted on `train`).
    pub pose_stats: ColumnStats,
}

impl Dataset {
    /// Splits `clips` (seeded shuffle; `val_fraction` of the songs, at least one when there
    /// are two or more and the fraction is positive) and standardises them with `stats`
    /// (input, pose), or with statistics fitted on the training songs when `None`.
    pub fn new(
        mut clips: Vec<Clip>,
        in_dim: usize,
        val_fraction: f64,
        stats: Option<(ColumnStats, ColumnStats)>,
        rng: &mut impl Rng,
    ) -> Self {
        clips.shuffle(rng);
        let mut n_val = (val_fraction.clamp(0.0, 0.9) * clips.len() as f64).round() as usize;
        if val_fraction > 0.0 && clips.len() >= 2 {
            n_val = n_val.max(1);
        }
        let val = clips.split_off(clips.len() - n_val);
        let mut train = clips;
        let (input_stats, pose_stats) = stats.unwrap_or_else(|| fit_stats(&train, in_dim));
        let mut val = val;
        for clip in train.iter_mut().chain(val.iter_mut()) {
            standardise(&input_stats, &mut clip.inputs);
            standardise(&pose_stats, &mut clip.targets);
        }
        Self {
            in_dim,
            train,
            val,
            input_stats,
            pose_stats,
        }
    }

    /// Frames of training music.
    pub fn train_frames(&self) -> usize {
        self.train.iter().map(|c| c.n_frames).sum()
    }

    /// `batch` random windows of `window` frames from the training clips (a clip is picked
    /// in proportion to its length; clips shorter than a window are padded by repeating their
    /// last frame).
    pub fn sample_batch(
        &self,
        batch: usize,
        window: usize,
        rng: &mut impl Rng,
        device: Device,
    ) -> Result<Batch, NeuralError> {
        let total = self.train_frames().max(1);
        let mut starts = Vec::with_capacity(batch);
        for _ in 0..batch {
            let mut pick = rng.gen_range(0..total);
            let clip = self
                .train
                .iter()
                .find(|c| {
                    let hit = pick < c.n_frames;
                    pick = pick.saturating_sub(c.n_frames);
                    hit
                })
                .or(self.train.last());
            if let Some(clip) = clip {
                let start = rng.gen_range(0..=clip.n_frames.saturating_sub(window));
                starts.push((clip, start));
            }
        }
        self.batch_of(&starts, window, device)
    }

    /// Validation windows: each held-out clip tiled by non-overlapping windows, in batches.
    pub fn validation_batches(
        &self,
        batch: usize,
        window: usize,
        device: Device,
    ) -> Result<Vec<Batch>, NeuralError> {
        let windows: Vec<(&Clip, usize)> = self
            .val
            .iter()
            .flat_map(|c| {
                (0..c.n_frames.saturating_sub(window) + 1)
                    .step_by(window.max(1))
                    .map(move |s| (c, s))
            })
            .collect();
        windows
            .chunks(batch.max(1))
            .map(|w| self.batch_of(w, window, device))
            .collect()
    }

    fn batch_of(
        &self,
        windows: &[(&Clip, usize)],
        window: usize,
        device: Device,
    ) -> Result<Batch, NeuralError> {
        let mut audio = Vec::with_capacity(windows.len() * window * self.in_dim);
        let mut poses = Vec::with_capacity(windows.len() * window * TARGET_DIM);
        for (clip, start) in windows {
            for k in *start..start + window {
                let k = k.min(clip.n_frames.saturating_sub(1));
                audio.extend_from_slice(&clip.inputs[k * self.in_dim..(k + 1) * self.in_dim]);
                poses.extend_from_slice(&clip.targets[k * TARGET_DIM..(k + 1) * TARGET_DIM]);
            }
        }
        let b = windows.len() as i64;
        let to_tensor = |v: &[f32], dim: usize| -> Result<Tensor, NeuralError> {
            Ok(Tensor::f_from_slice(v)?
                .f_view([b, window as i64, dim as i64])?
                .f_to_kind(Kind::Float)?
                .f_to_device(device)?)
        };
        Ok(Batch {
            audio: to_tensor(&audio, self.in_dim)?,
            poses: to_tensor(&poses, TARGET_DIM)?,
        })
    }
}
