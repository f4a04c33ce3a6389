//! A training run of the avatar model: epochs over shuffled training frames, a checkpoint,
//! PSNR/SSIM on the validation frames, a sample grid and the loss table after every epoch,
//! resume, and the shipped generator with its manifest at the end.
//!
//! Files beside `NAME.safetensors`: `NAME.json` (manifest), `NAME.losses.csv` (one row per
//! epoch: losses, validation PSNR and SSIM), `NAME.losses.png`, `NAME.samples/epoch-NNNN.png`
//! (label | generated | truth for a few validation frames) and
//! `NAME.checkpoints/epoch-NNNN.{json,g.safetensors,d.safetensors}`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use tch::Device;

use super::config::AvatarConfig;
use super::data::{tensor_to_rgb, AvatarDataset};
use super::manifest::{AvatarManifest, AvatarTrainingRecord, ARCH, AVATAR_MANIFEST_FORMAT};
use super::metrics::{psnr, ssim};
use super::model::AvatarTrainer;
use crate::error::{write_atomic, write_json_atomic};
use crate::neural::manifest::tensor_shapes;
use crate::neural::plot::loss_chart_png;
use crate::neural::NeuralError;
use crate::render::labels::LabelStyle;
use crate::render::stick::OPENPOSE_COLOURS;

/// What the metrics are computed on (recorded in the manifest).
pub const METRICS: &str = "PSNR over RGB values; SSIM on BT.601 luma, 11x11 Gaussian window sigma 1.5, K1 0.01, K2 0.03, valid region; means over the validation frames";

/// One epoch's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvatarEpochRow {
    /// Epoch, from 1.
    pub epoch: usize,
    /// Generator steps so far.
    pub steps: u64,
    /// Training time so far, seconds.
    pub elapsed_secs: f64,
    /// Mean losses of the epoch.
    pub losses: BTreeMap<String, f64>,
    /// Mean validation PSNR, dB.
    pub val_psnr_db: Option<f64>,
    /// Mean validation SSIM.
    pub val_ssim: Option<f64>,
}

/// A checkpoint's state file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvatarCheckpoint {
    /// Settings.
    pub config: AvatarConfig,
    /// Seed.
    pub seed: u64,
    /// Steps done.
    pub steps: u64,
    /// Every epoch so far.
    pub history: Vec<AvatarEpochRow>,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct AvatarRunSpec {
    /// Settings (the network's size must be the data's).
    pub config: AvatarConfig,
    /// Epochs to run in all.
    pub epochs: usize,
    /// Stop after this many steps in all (overrides `epochs`).
    pub max_steps: Option<u64>,
    /// Seed of initialisation, split and shuffling.
    pub seed: u64,
    /// Device.
    pub device: Device,
    /// Weights to write (`.safetensors`).
    pub out: PathBuf,
    /// The command line, for the manifest.
    pub command: String,
    /// VGG19 weights for the perceptual loss.
    pub vgg: Option<PathBuf>,
    /// Checkpoint state file to resume from.
    pub resume: Option<PathBuf>,
}

/// Progress reports.
#[derive(Debug)]
pub enum AvatarProgress<'a> {
    /// An epoch of `steps` steps begins.
    EpochStart { epoch: usize, steps: usize },
    /// A step finished.
    Step { losses: &'a [(String, f64)] },
    /// An epoch finished.
    EpochEnd { row: &'a AvatarEpochRow },
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map_or("avatar".into(), |s| s.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}{suffix}"))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> NeuralError + '_ {
    move |e| NeuralError::model(path, format!("cannot write: {e}"))
}

/// Trains on `data` (see the module docs); the manifest of the written model.
pub fn run(
    spec: &AvatarRunSpec,
    data: &AvatarDataset,
    on_progress: &mut dyn FnMut(AvatarProgress<'_>),
) -> Result<AvatarManifest, NeuralError> {
    let cfg = &spec.config;
    let net = &cfg.network;
    if (
        net.width as usize,
        net.height as usize,
        net.label_channels as usize,
    ) != (data.width, data.height, data.label_channels)
    {
        return Err(NeuralError::data(
            &data.source,
            format!(
                "frames are {}×{} with {} label channels, the network is {}×{} with {}",
                data.width,
                data.height,
                data.label_channels,
                net.width,
                net.height,
                net.label_channels
            ),
        ));
    }
    tch::manual_seed(spec.seed as i64);
    let mut trainer = AvatarTrainer::new(cfg, spec.device, spec.vgg.as_deref())?;
    let mut history = Vec::new();
    if let Some(state_path) = &spec.resume {
        let bytes = std::fs::read(state_path)
            .map_err(|e| NeuralError::model(state_path, format!("cannot read: {e}")))?;
        let state: AvatarCheckpoint = serde_json::from_slice(&bytes).map_err(|e| {
            NeuralError::model(state_path, format!("not an avatar checkpoint: {e}"))
        })?;
        trainer.load_checkpoint(&state_path.with_extension(""), state.steps)?;
        history = state.history;
    }
    let (train_idx, val_idx) = data.split(cfg.train.val_fraction, spec.seed);
    if train_idx.is_empty() {
        return Err(NeuralError::data(&data.source, "no frames to train on"));
    }
    let bs = cfg.train.batch_size;
    let per_epoch = match cfg.train.steps_per_epoch {
        0 => train_idx.len().div_ceil(bs),
        n => n,
    };
    let total_steps = spec.max_steps.unwrap_or((spec.epochs * per_epoch) as u64);
    let scored = spread(&val_idx, cfg.train.val_frames);
    let shown = spread(
        if val_idx.is_empty() {
            &train_idx
        } else {
            &val_idx
        },
        cfg.train.sample_frames,
    );
    let checkpoints = sibling(&spec.out, ".checkpoints");
    let samples = sibling(&spec.out, ".samples");
    for dir in [&checkpoints, &samples] {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let started = Instant::now();
    let offset = history
        .last()
        .map_or(0.0, |r: &AvatarEpochRow| r.elapsed_secs);
    let mut epoch = history.len();
    while trainer.steps() < total_steps {
        epoch += 1;
        let steps = per_epoch.min((total_steps - trainer.steps()) as usize);
        on_progress(AvatarProgress::EpochStart { epoch, steps });
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(
            spec.seed.wrapping_mul(1_000_003).wrapping_add(epoch as u64),
        );
        let mut order = train_idx.clone();
        order.shuffle(&mut rng);
        let mut sums: BTreeMap<String, f64> = BTreeMap::new();
        for k in 0..steps {
            let pick: Vec<usize> = (0..bs).map(|j| order[(k * bs + j) % order.len()]).collect();
            let batch = data.batch(&pick, spec.device)?;
            let losses = trainer.step(&batch)?;
            for (n, v) in &losses {
                *sums.entry(n.clone()).or_default() += v / steps as f64;
            }
            on_progress(AvatarProgress::Step { losses: &losses });
        }
        if sums.values().any(|v| !v.is_finite()) {
            return Err(NeuralError::model(
                &spec.out,
                format!("epoch {epoch}: a loss is not finite ({sums:?}); lower the learning rate"),
            ));
        }
        let (val_psnr_db, val_ssim) = score(&trainer, data, &scored, spec.device)?;
        let row = AvatarEpochRow {
            epoch,
            steps: trainer.steps(),
            elapsed_secs: offset + started.elapsed().as_secs_f64(),
            losses: sums,
            val_psnr_db,
            val_ssim,
        };
        on_progress(AvatarProgress::EpochEnd { row: &row });
        history.push(row);
        let prefix = checkpoints.join(format!("epoch-{epoch:04}"));
        trainer.save_checkpoint(&prefix)?;
        let state = AvatarCheckpoint {
            config: cfg.clone(),
            seed: spec.seed,
            steps: trainer.steps(),
            history: history.clone(),
        };
        write_json_atomic(&prefix.with_extension("json"), &state)?;
        let grid = sample_grid(&trainer, data, &shown, spec.device)?;
        write_atomic(&samples.join(format!("epoch-{epoch:04}.png")), &grid)?;
        write_atomic(
            &sibling(&spec.out, ".losses.csv"),
            losses_csv(&history).as_bytes(),
        )?;
        write_atomic(
            &sibling(&spec.out, ".losses.png"),
            &loss_chart_png(&series(&history)),
        )?;
    }
    let last = history.last();
    let manifest = AvatarManifest {
        format: AVATAR_MANIFEST_FORMAT.to_owned(),
        arch: ARCH.to_owned(),
        network: net.clone(),
        camera: data.camera.clone(),
        body_height_m: data.body_height_m,
        limb_half_width_m: LabelStyle::default().limb_half_width_m,
        tensors: tensor_shapes(&trainer.g_vs),
        training: AvatarTrainingRecord {
            command: spec.command.clone(),
            data: data.source.display().to_string(),
            frames_train: train_idx.len(),
            frames_val: val_idx.len(),
            frames_skipped: data.skipped,
            seed: spec.seed,
            epochs: history.len(),
            steps: trainer.steps(),
            duration_secs: last.map_or(0.0, |r| r.elapsed_secs),
            device: format!("{:?}", spec.device),
            settings: cfg.train.clone(),
            vgg_loss: spec.vgg.is_some(),
            final_losses: last.map(|r| r.losses.clone()).unwrap_or_default(),
            val_psnr_db: last.and_then(|r| r.val_psnr_db),
            val_ssim: last.and_then(|r| r.val_ssim),
            metrics: METRICS.to_owned(),
        },
    };
    if let Some(parent) = spec.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    trainer
        .g_vs
        .save(&spec.out)
        .map_err(|e| NeuralError::model(&spec.out, e.to_string()))?;
    write_json_atomic(&crate::neural::manifest_path(&spec.out), &manifest)?;
    Ok(manifest)
}

/// Up to `n` indices spread evenly over `idx`.
fn spread(idx: &[usize], n: usize) -> Vec<usize> {
    if idx.len() <= n {
        return idx.to_vec();
    }
    (0..n).map(|k| idx[k * idx.len() / n]).collect()
}

/// Generated RGB8 buffers of frames `idx`.
fn generate(
    trainer: &AvatarTrainer,
    data: &AvatarDataset,
    idx: &[usize],
    device: Device,
) -> Result<Vec<Vec<u8>>, NeuralError> {
    let mut out = Vec::with_capacity(idx.len());
    for chunk in idx.chunks(4) {
        let b = data.batch(chunk, device)?;
        out.extend(tensor_to_rgb(&trainer.generate(&b.labels, &b.prev)?)?);
    }
    Ok(out)
}

/// Mean PSNR (finite values) and SSIM of frames `idx`.
fn score(
    trainer: &AvatarTrainer,
    data: &AvatarDataset,
    idx: &[usize],
    device: Device,
) -> Result<(Option<f64>, Option<f64>), NeuralError> {
    if idx.is_empty() {
        return Ok((None, None));
    }
    let fakes = generate(trainer, data, idx, device)?;
    let (mut p, mut s, mut np) = (0.0, 0.0, 0usize);
    for (f, &i) in fakes.iter().zip(idx) {
        let truth = &data.frames[i].image;
        let v = psnr(f, truth);
        if v.is_finite() {
            p += v;
            np += 1;
        }
        s += ssim(f, truth, data.width, data.height);
    }
    Ok(((np > 0).then(|| p / np as f64), Some(s / idx.len() as f64)))
}

/// A PNG: one row per frame of `idx`, label (limb colours) | generated | truth.
fn sample_grid(
    trainer: &AvatarTrainer,
    data: &AvatarDataset,
    idx: &[usize],
    device: Device,
) -> Result<Vec<u8>, NeuralError> {
    let (w, h) = (data.width, data.height);
    let fakes = generate(trainer, data, idx, device)?;
    let rows = idx.len().max(1);
    let mut grid = image::RgbImage::new(3 * w as u32, (rows * h) as u32);
    for (r, (f, &i)) in fakes.iter().zip(idx).enumerate() {
        let frame = &data.frames[i];
        for y in 0..h {
            for x in 0..w {
                let p = y * w + x;
                let class = usize::from(frame.label[p]);
                let lc = if class == 0 {
                    [0, 0, 0]
                } else {
                    OPENPOSE_COLOURS[(class - 1) % OPENPOSE_COLOURS.len()]
                };
                let gy = (r * h + y) as u32;
                grid.put_pixel(x as u32, gy, image::Rgb(lc));
                grid.put_pixel(
                    (w + x) as u32,
                    gy,
                    image::Rgb([f[3 * p], f[3 * p + 1], f[3 * p + 2]]),
                );
                let t = &frame.image;
                grid.put_pixel(
                    (2 * w + x) as u32,
                    gy,
                    image::Rgb([t[3 * p], t[3 * p + 1], t[3 * p + 2]]),
                );
            }
        }
    }
    let mut bytes = Vec::new();
    grid.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .map_err(|e| NeuralError::model(&data.source, format!("cannot encode the sample grid: {e}")))?;
    Ok(bytes)
}

/// The loss table: epoch, steps, seconds, each loss, validation PSNR and SSIM.
pub fn losses_csv(history: &[AvatarEpochRow]) -> String {
    let names: Vec<&String> = history
        .first()
        .map(|r| r.losses.keys().collect())
        .unwrap_or_default();
    let mut out = format!(
        "epoch,steps,elapsed_secs,{},val_psnr_db,val_ssim\n",
        names
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.4}"));
    for r in history {
        let losses: Vec<String> = names
            .iter()
            .map(|n| {
                r.losses
                    .get(*n)
                    .map_or(String::new(), |v| format!("{v:.6}"))
            })
            .collect();
        out += &format!(
            "{},{},{:.1},{},{},{}\n",
            r.epoch,
            r.steps,
            r.elapsed_secs,
            losses.join(","),
            opt(r.val_psnr_db),
            opt(r.val_ssim)
        );
    }
    out
}

fn series(history: &[AvatarEpochRow]) -> Vec<(String, Vec<f64>)> {
    let mut out: Vec<(String, Vec<f64>)> = history
        .first()
        .map(|r| r.losses.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|n| {
            let v = history
                .iter()
                .map(|r| r.losses.get(&n).copied().unwrap_or(f64::NAN))
                .collect();
            (n, v)
        })
        .collect();
    out.push((
        "val_psnr_db".into(),
        history
            .iter()
            .map(|r| r.val_psnr_db.unwrap_or(f64::NAN))
            .collect(),
    ));
    out.push((
        "val_ssim".into(),
        history
            .iter()
            .map(|r| r.val_ssim.unwrap_or(f64::NAN))
            .collect(),
    ));
    out
}
