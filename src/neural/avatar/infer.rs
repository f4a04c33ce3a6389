//! [`AvatarModel`]: a trained Pix2PixHD generator behind
//! [`AvatarRenderer`](crate::render::avatar::AvatarRenderer).
//!
//! Loading reads the manifest beside the weights, rebuilds the generator, checks every
//! tensor's name and shape against the manifest and the file, and rebuilds the training
//! camera from the image size and body height (checked against the recorded one), so labels
//! are drawn exactly as in training. CUDA asked for but absent falls back to the CPU with a
//! warning; on CUDA the weights run in fp16.
//!
//! Frames go through the network in batches of [`BATCH_FRAMES`]; the temporal model runs
//! one frame at a time, feeding each output back as the next frame's previous frame
//! (mid-grey after [`AvatarRenderer::reset`]). Poses with missing keypoints are held
//! ([`PoseHold`]).

use std::path::Path;

use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

use super::data::{labels_to_tensor, tensor_to_rgb, to_rgb_image, CameraRecord};
use super::manifest::{check_shapes, AvatarManifest};
use super::networks::Generator;
use crate::choreography::skeleton::Pose;
use crate::neural::manifest::tensor_shapes;
use crate::neural::NeuralError;
use crate::render::avatar::{AvatarError, AvatarRenderer, PoseHold};
use crate::render::character::pairs::class_indices;
use crate::render::image::RgbImage;
use crate::render::labels::{LabelPainter, LabelStyle};

/// Frames per forward pass of the non-temporal model.
pub const BATCH_FRAMES: usize = 8;

/// A loaded avatar generator.
pub struct AvatarModel {
    manifest: AvatarManifest,
    _vs: VarStore,
    generator: Generator,
    device: Device,
    kind: Kind,
    painter: LabelPainter,
    hold: PoseHold,
    prev: Option<Tensor>,
}

impl std::fmt::Debug for AvatarModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvatarModel")
            .field("network", &self.manifest.network)
            .field("device", &self.device)
            .finish()
    }
}

fn resolve_device(device: Device) -> Device {
    match device {
        Device::Cuda(_) if !tch::Cuda::is_available() => {
            tracing::warn!("CUDA requested for the avatar model but libtorch sees no CUDA device; using the CPU");
            Device::Cpu
        }
        d => d,
    }
}

impl AvatarModel {
    /// Loads `weights` (`.safetensors`) and its manifest (`.json` beside it) onto `device`.
    pub fn load(weights: &Path, device: Device) -> Result<AvatarModel, NeuralError> {
        if !weights.is_file() {
            return Err(NeuralError::model(
                weights,
                "avatar model weights not found",
            ));
        }
        let manifest_path = crate::neural::manifest_path(weights);
        if !manifest_path.is_file() {
            return Err(NeuralError::model(
                &manifest_path,
                "avatar model manifest not found (it goes beside the weights)",
            ));
        }
        let manifest = AvatarManifest::load(&manifest_path)?;
        let device = resolve_device(device);
        let mut vs = VarStore::new(device);
        let generator = Generator::new(vs.root(), &manifest.network);
        let built = tensor_shapes(&vs);
        check_shapes(
            &built,
            &manifest.tensors,
            &manifest_path,
            "the manifest's tensors table",
        )?;
        crate::neural::manifest::load_weights(&mut vs, weights, super::manifest::ARCH)?;
        let kind = if device.is_cuda() {
            vs.half();
            Kind::Half
        } else {
            Kind::Float
        };
        let net = &manifest.network;
        let (w, h) = (net.width as usize, net.height as usize);
        let (camera, record) = CameraRecord::portrait(w, h, manifest.body_height_m);
        let recorded = &manifest.camera;
        let close = (record.px_per_m - recorded.px_per_m).abs()
            < 1e-6 * recorded.px_per_m.abs().max(1.0)
            && record
                .origin_px
                .iter()
                .zip(recorded.origin_px)
                .all(|(a, b)| (a - b).abs() < 1e-3);
        if !close {
            return Err(NeuralError::model(
                &manifest_path,
                format!("camera {recorded:?} is not the portrait camera of {w}×{h} for a {:.3} m body ({record:?})", manifest.body_height_m),
            ));
        }
        let style = LabelStyle {
            limb_half_width_m: manifest.limb_half_width_m,
            ..LabelStyle::default()
        };
        Ok(AvatarModel {
            painter: LabelPainter::new(camera, style, w, h),
            manifest,
            _vs: vs,
            generator,
            device,
            kind,
            hold: PoseHold::default(),
            prev: None,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &AvatarManifest {
        &self.manifest
    }

    /// The device the model runs on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// Generates pictures from `n` class-index label maps of the model's size (row-major,
    /// concatenated; e.g. a pairs dataset's labels), RGB8 out. A temporal model carries its
    /// previous output from call to call, as [`AvatarRenderer::render`] does.
    pub fn render_labels(&mut self, classes: &[u8], n: usize) -> Result<Vec<Vec<u8>>, NeuralError> {
        let (w, h) = self.size();
        if classes.len() != n * w * h {
            return Err(NeuralError::Config(crate::config::InvalidField::new(
                "labels",
                format!("{} class bytes for {n} maps of {w}×{h}", classes.len()),
            )));
        }
        self.run(classes, n)
    }

    /// Class-index label maps of `poses` (held over missing keypoints), concatenated.
    fn labels(&mut self, poses: &[Pose]) -> Vec<u8> {
        let mut map = self.painter.blank_map();
        let mut classes = Vec::new();
        let mut all = Vec::new();
        for pose in poses {
            let pose = self.hold.apply(pose);
            self.painter.paint(&pose, &mut map);
            class_indices(&map, &mut classes);
            all.extend_from_slice(&classes);
        }
        all
    }

    /// Runs the generator on `n` label maps; RGB8 buffers out.
    fn run(&mut self, classes: &[u8], n: usize) -> Result<Vec<Vec<u8>>, NeuralError> {
        let net = &self.manifest.network;
        let labels = labels_to_tensor(
            classes,
            n as i64,
            net.height,
            net.width,
            net.label_channels,
            self.device,
        )?
        .f_to_kind(self.kind)?;
        let x = if net.temporal {
            let prev = match &self.prev {
                Some(p) => p.shallow_clone(),
                None => Tensor::f_zeros(
                    [n as i64, 3, net.height, net.width],
                    (self.kind, self.device),
                )?,
            };
            Tensor::f_cat(&[labels, prev], 1)?
        } else {
            labels
        };
        let y = tch::no_grad(|| self.generator.forward(&x));
        if net.temporal {
            self.prev = Some(y.shallow_clone());
        }
        tensor_to_rgb(&y)
    }
}

impl AvatarRenderer for AvatarModel {
    fn name(&self) -> String {
        super::manifest::ARCH.to_owned()
    }

    fn size(&self) -> (usize, usize) {
        (
            self.manifest.network.width as usize,
            self.manifest.network.height as usize,
        )
    }

    fn render(&mut self, poses: &[Pose], out: &mut Vec<RgbImage>) -> Result<(), AvatarError> {
        let (w, h) = self.size();
        let per = if self.manifest.network.temporal {
            1
        } else {
            BATCH_FRAMES
        };
        for chunk in poses.chunks(per) {
            let classes = self.labels(chunk);
            let images = self
                .run(&classes, chunk.len())
                .map_err(|e| AvatarError::Backend {
                    renderer: self.name(),
                    message: e.to_string(),
                })?;
            out.extend(images.iter().map(|rgb| to_rgb_image(rgb, w, h)));
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.hold.reset();
        self.prev = None;
    }
}
