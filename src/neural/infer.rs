//! [`NeuralGenerator`]: a trained model behind [`DanceGenerator`].
//!
//! Loading reads the manifest beside the weights, checks it, builds the network it describes
//! and checks every tensor's name and shape before copying the weights ([`super::manifest`]).
//! The network runs on CUDA when asked and available ([`DevicePreference`]), else the CPU.
//!
//! - **Offline** (`MusicContext::complete` and nothing generated yet): the song is cut into
//!   the model's overlapping windows, all windows run as one batch, and the outputs are
//!   cross-faded ([`crate::choreography::windows`]). Then the post-process restores the bone
//!   lengths and warps time so kinematic beats land on music beats
//!   ([`crate::choreography::postprocess`]).
//! - **Live, causal model**: each call feeds only the new frames through the causal network,
//!   carrying its state ([`super::ren::RenGenerator::stream`]); frame `t` never depends on
//!   music after `t`. Frames are projected onto the bone lengths one by one (time warping
//!   would move frames already sent).
//! - **Live, bidirectional model**: each call runs a window ending at the requested frame and
//!   appends its new frames, shifted to start where the last call ended (the shift fades out
//!   over the overlap), then projects them.

use std::path::{Path, PathBuf};

use tch::nn::VarStore;
use tch::{Device, Tensor};

use super::generator::{tensor_values, Generator};
use super::inputs::{input_matrix, standardise};
use super::manifest::{load_weights, Manifest};
use super::options::noise_vector;
pub use super::options::NeuralOptions;
use super::ren::RenStream;
use super::{manifest_path, NeuralError};
use crate::choreography::body::BodyModel;
use crate::choreography::postprocess::{postprocess, PostprocessReport};
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::Pose;
use crate::choreography::windows::{CrossFade, PoseNormalizer, WindowSchedule, TARGET_DIM};
use crate::choreography::{ChoreoError, DanceGenerator, MusicContext};
use crate::torch_backend::{select_device, DevicePreference};

/// A trained choreography network as a dance generator.
#[derive(Debug)]
pub struct NeuralGenerator {
    path: PathBuf,
    manifest: Manifest,
    device: Device,
    _store: VarStore,
    generator: Generator,
    body: BodyModel,
    normalizer: PoseNormalizer,
    schedule: WindowSchedule,
    noise: Tensor,
    opts: NeuralOptions,
    stream: RenStream,
    streamed_frames: usize,
    report: Option<PostprocessReport>,
}

fn to_choreo(e: NeuralError) -> ChoreoError {
    ChoreoError::Backend(e.to_string())
}

impl NeuralGenerator {
    /// Loads the model at `weights` (its manifest is `weights` with extension `.json`).
    pub fn load(weights: &Path, opts: &NeuralOptions) -> Result<Self, NeuralError> {
        let manifest = Manifest::load(&manifest_path(weights))?;
        check_request(&manifest, weights, opts)?;
        let device = select_device(opts.device);
        if let (Device::Cpu, Some(n)) = (device, opts.cpu_threads) {
            tch::set_num_threads(n.max(1));
        }
        let mut store = VarStore::new(device);
        let generator = Generator::new(store.root(), &manifest.network);
        manifest.check_tensors(&store, &manifest_path(weights))?;
        load_weights(&mut store, weights, manifest.architecture)?;
        let schedule = WindowSchedule::new(manifest.window_frames, manifest.overlap_frames)
            .map_err(|e| NeuralError::model(&manifest_path(weights), e.to_string()))?;
        let noise = noise_vector(generator.noise_dim(), opts.seed, opts.noise_scale, device)?;
        let body = BodyModel::with_height(opts.body_height_m);
        tracing::info!(model = %weights.display(), arch = %manifest.architecture, ?device, "loaded choreography network");
        Ok(Self {
            path: weights.to_owned(),
            normalizer: PoseNormalizer::new(&body),
            body,
            manifest,
            device,
            _store: store,
            generator,
            schedule,
            noise,
            opts: opts.clone(),
            stream: RenStream::default(),
            streamed_frames: 0,
            report: None,
        })
    }

    /// The model's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The device the network runs on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// The post-process report of the last offline dance.
    pub fn last_report(&self) -> Option<&PostprocessReport> {
        self.report.as_ref()
    }

    /// Standardised inputs of `frames`.
    fn inputs(
        &self,
        music: &MusicContext<'_>,
        frames: std::ops::Range<usize>,
    ) -> Result<Vec<f32>, ChoreoError> {
        let fps = self.manifest.fps;
        if (music.features.fps - fps).abs() > 1e-9 {
            return Err(ChoreoError::Input(format!(
                "{}: the model runs at {fps} fps but the music features are at {} fps",
                self.path.display(),
                music.features.fps
            )));
        }
        let mut m = input_matrix(
            &self.manifest.input_columns,
            music.features,
            music.beats_secs,
            music.downbeats_secs,
            frames,
        )
        .map_err(|e| ChoreoError::Input(format!("{}: {e}", self.path.display())))?;
        standardise(&self.manifest.normalisation.input, &mut m);
        Ok(m)
    }

    /// Runs the network on `inputs` (standardised, `frames × in_dim`) in batched windows and
    /// cross-fades them: standardised targets, `frames × TARGET_DIM`.
    pub fn run_windows(&self, inputs: &[f32], n_frames: usize) -> Result<Vec<f32>, NeuralError> {
        let in_dim = self.manifest.input_columns.len();
        let windows = self.schedule.windows(n_frames);
        let Some(len) = windows.first().map(|w| w.len) else {
            return Ok(Vec::new());
        };
        let mut batch = Vec::with_capacity(windows.len() * len * in_dim);
        for w in &windows {
            batch.extend_from_slice(&inputs[w.start * in_dim..w.end() * in_dim]);
        }
        let out = self.forward(&batch, windows.len(), len)?;
        let mut fade = CrossFade::new(n_frames, TARGET_DIM);
        for (i, (w, rows)) in windows.iter().zip(out.chunks(len * TARGET_DIM)).enumerate() {
            fade.add(w.start, rows, &self.schedule.weights(&windows, i));
        }
        Ok(fade.finish())
    }

    /// One batched forward pass: `[batch, len, in_dim]` values → targets.
    fn forward(&self, values: &[f32], batch: usize, len: usize) -> Result<Vec<f32>, NeuralError> {
        let _guard = tch::no_grad_guard();
        let in_dim = self.manifest.input_columns.len() as i64;
        let audio = Tensor::f_from_slice(values)?
            .f_view([batch as i64, len as i64, in_dim])?
            .f_to_device(self.device)?;
        let noise = self
            .noise
            .f_expand([batch as i64, self.generator.noise_dim()], false)?;
        let poses = self.generator.generate(&audio, &noise);
        tensor_values(&poses)
    }

    /// Standardised targets → poses of this generator's body.
    fn poses(&self, mut targets: Vec<f32>) -> Vec<Pose> {
        self.manifest.normalisation.pose.invert(&mut targets);
        targets
            .chunks_exact(TARGET_DIM)
            .map(|row| {
                let mut t = [0.0f32; TARGET_DIM];
                t.copy_from_slice(row);
                self.normalizer.from_target(&t)
            })
            .collect()
    }

    fn offline(
        &mut self,
        music: &MusicContext<'_>,
        n_frames: usize,
    ) -> Result<Vec<Pose>, ChoreoError> {
        let inputs = self.inputs(music, 0..n_frames)?;
        let targets = self.run_windows(&inputs, n_frames).map_err(to_choreo)?;
        let seq = SkeletonSequence::new(self.manifest.fps, self.poses(targets));
        let (seq, report) = postprocess(&seq, music.beats_secs, &self.body, &self.opts.postprocess)
            .map_err(|e| ChoreoError::Backend(format!("post-process: {e}")))?;
        self.report = Some(report);
        Ok(seq.frames)
    }

    fn live_causal(
        &mut self,
        music: &MusicContext<'_>,
        emitted: usize,
        n_frames: usize,
    ) -> Result<Vec<Pose>, ChoreoError> {
        if self.streamed_frames != emitted {
            // The caller's frames are not the ones streamed: rebuild the state from scratch.
            self.stream = RenStream::default();
            self.streamed_frames = 0;
        }
        let start = self.streamed_frames;
        let inputs = self.inputs(music, start..n_frames)?;
        let in_dim = self.manifest.input_columns.len();
        let mut run = || -> Result<Vec<f32>, NeuralError> {
            let _guard = tch::no_grad_guard();
            let chunk = Tensor::f_from_slice(&inputs)?
                .f_view([1, (n_frames - start) as i64, in_dim as i64])?
                .f_to_device(self.device)?;
            let out = self
                .generator
                .stream(&mut self.stream, &chunk, &self.noise)
                .ok_or_else(|| {
                    NeuralError::model(&self.path, "this architecture has no streaming form")
                })?;
            tensor_values(&out)
        };
        let targets = run().map_err(to_choreo)?;
        self.streamed_frames = n_frames;
        let poses = self.poses(targets);
        Ok(poses[emitted - start..]
            .iter()
            .map(|p| self.body.project(p))
            .collect())
    }

    fn live_windowed(
        &mut self,
        music: &MusicContext<'_>,
        out: &[Pose],
        n_frames: usize,
    ) -> Result<Vec<Pose>, ChoreoError> {
        let w = self.schedule.window_frames();
        // The first window reaches furthest back.
        let base = (out.len() + self.schedule.hop_frames())
            .min(n_frames)
            .saturating_sub(w);
        let inputs = self.inputs(music, base..n_frames)?;
        let in_dim = self.manifest.input_columns.len();
        let overlap = self.schedule.overlap_frames().max(1);
        let mut new = Vec::new();
        let mut emitted = out.len();
        while emitted < n_frames {
            let end = (emitted + self.schedule.hop_frames()).min(n_frames);
            let start = end.saturating_sub(w);
            let targets = self
                .forward(
                    &inputs[(start - base) * in_dim..(end - base) * in_dim],
                    1,
                    end - start,
                )
                .map_err(to_choreo)?;
            let poses = self.poses(targets);
            let last = new.last().or(out.last()).copied();
            let shift = match (last, emitted.checked_sub(start + 1)) {
                (Some(prev), Some(i)) => Some(difference(&prev, &poses[i])),
                _ => None,
            };
            for (j, pose) in poses[emitted - start..].iter().enumerate() {
                let fade = 1.0 - (j + 1) as f64 / overlap as f64;
                let p = match (&shift, fade > 0.0) {
                    (Some(d), true) => add_scaled(pose, d, fade),
                    _ => *pose,
                };
                new.push(self.body.project(&p));
            }
            emitted = end;
        }
        Ok(new)
    }
}

fn difference(a: &Pose, b: &Pose) -> Pose {
    let mut d = *a;
    for (x, y) in d.points.iter_mut().zip(&b.points) {
        *x -= y;
    }
    d
}

fn add_scaled(p: &Pose, d: &Pose, s: f64) -> Pose {
    let mut out = *p;
    for (x, y) in out.points.iter_mut().zip(&d.points) {
        *x += y * s;
    }
    out
}

impl DanceGenerator for NeuralGenerator {
    fn name(&self) -> String {
        format!("neural-{}", self.manifest.architecture)
    }

    fn fps(&self) -> f64 {
        self.manifest.fps
    }

    fn body(&self) -> &BodyModel {
        &self.body
    }

    fn extend(
        &mut self,
        music: &MusicContext<'_>,
        until_secs: f64,
        out: &mut Vec<Pose>,
    ) -> Result<usize, ChoreoError> {
        let n_frames = frames_before(until_secs, self.manifest.fps);
        let emitted = out.len();
        if n_frames <= emitted {
            return Ok(0);
        }
        let new = if music.complete && emitted == 0 {
            self.offline(music, n_frames)?
        } else if self.manifest.architecture.is_causal() {
            self.live_causal(music, emitted, n_frames)?
        } else {
            self.live_windowed(music, out, n_frames)?
        };
        let added = new.len();
        out.extend(new);
        Ok(added)
    }

    fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name(),
            "fps": self.fps(),
            "model": self.path,
            "architecture": self.manifest.architecture,
            "device": format!("{:?}", self.device),
            "seed": self.opts.seed,
            "noise_scale": self.opts.noise_scale,
            "trained_with": self.manifest.training.command,
            "postprocess": self.report,
        })
    }
}

/// Errors unless the manifest is of the expected architecture and a requested CUDA device
/// exists.
fn check_request(
    manifest: &Manifest,
    weights: &Path,
    opts: &NeuralOptions,
) -> Result<(), NeuralError> {
    if let Some(expected) = opts.expected_arch {
        if expected != manifest.architecture {
            return Err(NeuralError::model(
                &manifest_path(weights),
                format!(
                    "architecture is {}, expected {expected}",
                    manifest.architecture
                ),
            ));
        }
    }
    if matches!(opts.device, DevicePreference::Cuda(_)) && !tch::Cuda::is_available() {
        return Err(NeuralError::model(
            weights,
            "CUDA was asked for but libtorch sees no CUDA device",
        ));
    }
    Ok(())
}

/// Frames `k` with `k / fps < until_secs`.
fn frames_before(until_secs: f64, fps: f64) -> usize {
    if !(until_secs.is_finite() && until_secs > 0.0) {
        return 0;
    }
    (until_secs * fps).ceil() as usize
}
