//! Training frames of the avatar model, held in memory as bytes: a class-index label map
//! (`H × W`, 0 background, `i + 1` limb `i`) and an RGB8 picture per frame, with the
//! sequence each frame came from and the camera that drew the labels.
//!
//! [`load_pairs`] reads a pairs folder written by
//! [`write_pairs_dataset`](crate::render::character::dataset::write_pairs_dataset)
//! (`index.json`, `train_label/*.pgm`, `train_img/*.ppm`); [`super::sources`] reads frame
//! folders and videos with OpenPose keypoints. An unreadable or corrupt frame is skipped,
//! logged and counted in [`AvatarDataset::skipped`], never fatal.
//!
//! [`AvatarDataset::split`] holds out whole sequences when there are several (frames of one
//! dance are too alike to measure generalisation), else the last frames.
//! [`AvatarDataset::batch`] turns frames into network tensors: one-hot labels
//! `[N, C, H, W]`, pictures `[N, 3, H, W]` in −1..1, and for the temporal model the
//! previous frame of the same sequence (zeros for a sequence's first frame).

use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor};

use crate::neural::NeuralError;
use crate::render::camera::{Camera, View};
use crate::render::character::CharacterRenderer;
use crate::render::image::RgbImage;

/// The camera the labels were drawn through (front view, orthographic).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraRecord {
    /// `front`.
    pub view: String,
    /// Scale, pixels per metre.
    pub px_per_m: f64,
    /// Image position of the dancer-frame origin, pixels.
    pub origin_px: [f32; 2],
}

impl CameraRecord {
    /// The portrait camera of a `width × height` image framing a body `body_height_m` tall.
    pub fn portrait(width: usize, height: usize, body_height_m: f64) -> (Camera, CameraRecord) {
        let camera = CharacterRenderer::portrait_camera(View::Front, width, height, body_height_m);
        let o = camera.project(&Default::default());
        let record = CameraRecord {
            view: "front".to_owned(),
            px_per_m: camera.px_per_m(),
            origin_px: [o.x, o.y],
        };
        (camera, record)
    }
}

/// One training frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Sequence (song, video) index.
    pub sequence: usize,
    /// Index of the previous frame of the same sequence in the dataset, if any.
    pub prev: Option<usize>,
    /// Class per pixel, row-major.
    pub label: Vec<u8>,
    /// RGB8, row-major.
    pub image: Vec<u8>,
}

/// Frames of one size, in sequence order.
#[derive(Debug, Clone, PartialEq)]
pub struct AvatarDataset {
    /// Width, pixels.
    pub width: usize,
    /// Height, pixels.
    pub height: usize,
    /// Label channels (classes).
    pub label_channels: usize,
    /// The camera that drew the labels.
    pub camera: CameraRecord,
    /// Height of the body the camera frames, metres.
    pub body_height_m: f64,
    /// The frames.
    pub frames: Vec<Frame>,
    /// Frames skipped as unreadable or corrupt.
    pub skipped: usize,
    /// Where the frames came from.
    pub source: PathBuf,
}

#[derive(Deserialize)]
struct IndexFrame {
    label: String,
    image: String,
    sequence: usize,
}

#[derive(Deserialize)]
struct Index {
    format: String,
    width: usize,
    height: usize,
    label_channels: usize,
    camera: CameraRecord,
    body_height_m: f64,
    frames: Vec<IndexFrame>,
}

/// Parses a binary PGM (`P5 W H 255`) into `(width, height, pixels)`.
pub fn parse_pgm(bytes: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).ok()?);
    }
    if fields[0] != "P5" || fields[3] != "255" {
        return None;
    }
    let (w, h): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let data = bytes.get(i + 1..i + 1 + w * h)?;
    Some((w, h, data.to_vec()))
}

impl AvatarDataset {
    /// Links each frame to the previous frame of its sequence.
    pub fn link_sequences(&mut self) {
        let mut last: Option<(usize, usize)> = None;
        for (i, f) in self.frames.iter_mut().enumerate() {
            f.prev = match last {
                Some((s, j)) if s == f.sequence => Some(j),
                _ => None,
            };
            last = Some((f.sequence, i));
        }
    }

    /// Number of sequences.
    pub fn n_sequences(&self) -> usize {
        let mut s: Vec<usize> = self.frames.iter().map(|f| f.sequence).collect();
        s.dedup();
        s.sort_unstable();
        s.dedup();
        s.len()
    }

    /// Training and validation frame indices: whole held-out sequences (drawn with `seed`)
    /// when there are several, else the last frames. At least one frame trains.
    pub fn split(&self, val_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
        let n = self.frames.len();
        let n_val = ((n as f64 * val_fraction).round() as usize).min(n.saturating_sub(1));
        if n_val == 0 {
            return ((0..n).collect(), Vec::new());
        }
        let mut seqs: Vec<usize> = self.frames.iter().map(|f| f.sequence).collect();
        seqs.sort_unstable();
        seqs.dedup();
        if seqs.len() > 1 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            seqs.shuffle(&mut rng);
            let mut held = Vec::new();
            let mut count = 0;
            for s in &seqs[..seqs.len() - 1] {
                if count >= n_val {
                    break;
                }
                held.push(*s);
                count += self.frames.iter().filter(|f| f.sequence == *s).count();
            }
            let (val, train): (Vec<usize>, Vec<usize>) =
                (0..n).partition(|&i| held.contains(&self.frames[i].sequence));
            return (train, val);
        }
        ((0..n - n_val).collect(), (n - n_val..n).collect())
    }

    /// Network inputs of `indices`: one-hot labels, pictures, and previous pictures.
    pub fn batch(&self, indices: &[usize], device: Device) -> Result<Batch, NeuralError> {
        let (w, h) = (self.width as i64, self.height as i64);
        let n = indices.len() as i64;
        let mut labels = Vec::with_capacity(indices.len() * self.width * self.height);
        let mut images = Vec::with_capacity(labels.capacity() * 3);
        let mut prevs = Vec::with_capacity(images.capacity());
        for &i in indices {
            let f = self.frame(i)?;
            labels.extend_from_slice(&f.label);
            images.extend_from_slice(&f.image);
            match f.prev.and_then(|p| self.frames.get(p)) {
                Some(p) => prevs.extend_from_slice(&p.image),
                None => prevs.extend(std::iter::repeat_n(127u8, f.image.len())),
            }
        }
        let labels = labels_to_tensor(&labels, n, h, w, self.label_channels as i64, device)?;
        let image = rgb_to_tensor(&images, n, h, w, device)?;
        let prev = rgb_to_tensor(&prevs, n, h, w, device)?;
        Ok(Batch {
            labels,
            image,
            prev,
        })
    }

    fn frame(&self, i: usize) -> Result<&Frame, NeuralError> {
        self.frames
            .get(i)
            .ok_or_else(|| NeuralError::data(&self.source, format!("no frame {i}")))
    }
}

/// Tensors of a batch.
#[derive(Debug)]
pub struct Batch {
    /// One-hot labels `[N, C, H, W]`.
    pub labels: Tensor,
    /// Pictures `[N, 3, H, W]`, −1..1.
    pub image: Tensor,
    /// The previous picture of each frame's sequence (mid-grey for a first frame).
    pub prev: Tensor,
}

/// Class indices (`N·H·W` bytes) → one-hot float `[N, C, H, W]`.
pub fn labels_to_tensor(
    classes: &[u8],
    n: i64,
    h: i64,
    w: i64,
    channels: i64,
    device: Device,
) -> Result<Tensor, NeuralError> {
    let t = Tensor::f_from_slice(classes)?
        .f_view([n, h, w])?
        .f_to_kind(Kind::Int64)?
        .f_clamp(0, channels - 1)?
        .f_one_hot(channels)?
        .f_permute([0, 3, 1, 2])?
        .f_to_kind(Kind::Float)?;
    Ok(t.f_to_device(device)?)
}

/// RGB8 (`N·H·W·3` bytes) → float `[N, 3, H, W]` in −1..1.
pub fn rgb_to_tensor(
    rgb: &[u8],
    n: i64,
    h: i64,
    w: i64,
    device: Device,
) -> Result<Tensor, NeuralError> {
    let t = Tensor::f_from_slice(rgb)?
        .f_view([n, h, w, 3])?
        .f_permute([0, 3, 1, 2])?
        .f_to_kind(Kind::Float)?
        .f_to_device(device)?;
    Ok(t.f_div_scalar(127.5)?.f_sub_scalar(1.0)?)
}

/// `[N, 3, H, W]` in −1..1 → one RGB8 buffer per image.
pub fn tensor_to_rgb(t: &Tensor) -> Result<Vec<Vec<u8>>, NeuralError> {
    let size = t.size();
    let bytes = t
        .f_to_kind(Kind::Float)?
        .f_add_scalar(1.0)?
        .f_mul_scalar(127.5)?
        .f_round()?
        .f_clamp(0.0, 255.0)?
        .f_to_kind(Kind::Uint8)?
        .f_permute([0, 2, 3, 1])?
        .f_contiguous()?
        .f_to_device(Device::Cpu)?;
    let n = size.first().copied().unwrap_or(0).max(0) as usize;
    let mut flat = vec![0u8; bytes.numel()];
    let len = flat.len();
    bytes.f_copy_data(&mut flat, len)?;
    let per = flat.len() / n.max(1);
    Ok(flat
        .chunks(per.max(1))
        .take(n)
        .map(<[u8]>::to_vec)
        .collect())
}

/// An RGB8 buffer as an [`RgbImage`].
pub fn to_rgb_image(rgb: &[u8], width: usize, height: usize) -> RgbImage {
    let mut img = RgbImage::new(width, height, [0, 0, 0]);
    let dst = img.bytes_mut();
    let n = dst.len().min(rgb.len());
    dst[..n].copy_from_slice(&rgb[..n]);
    img
}

/// Reads a pairs folder (see the module docs).
pub fn load_pairs(dir: &Path) -> Result<AvatarDataset, NeuralError> {
    let index_path = dir.join("index.json");
    let text = std::fs::read(&index_path)
        .map_err(|e| NeuralError::data(&index_path, format!("cannot read: {e}")))?;
    let index: Index = serde_json::from_slice(&text)
        .map_err(|e| NeuralError::data(&index_path, format!("not a pairs index: {e}")))?;
    if index.format != crate::render::character::dataset::DATASET_FORMAT {
        return Err(NeuralError::data(
            &index_path,
            format!("format `{}` is not an avatar-pairs dataset", index.format),
        ));
    }
    let mut data = AvatarDataset {
        width: index.width,
        height: index.height,
        label_channels: index.label_channels,
        camera: index.camera,
        body_height_m: index.body_height_m,
        frames: Vec::with_capacity(index.frames.len()),
        skipped: 0,
        source: dir.to_owned(),
    };
    for entry in &index.frames {
        match read_pair(dir, entry, &data) {
            Ok(frame) => data.frames.push(frame),
            Err(why) => {
                tracing::warn!(label = %entry.label, image = %entry.image, "skipping frame: {why}");
                data.skipped += 1;
            }
        }
    }
    data.link_sequences();
    Ok(data)
}

fn read_pair(dir: &Path, e: &IndexFrame, data: &AvatarDataset) -> Result<Frame, String> {
    let (w, h) = (data.width, data.height);
    let lbytes = std::fs::read(dir.join(&e.label)).map_err(|err| format!("{}: {err}", e.label))?;
    let (lw, lh, label) =
        parse_pgm(&lbytes).ok_or_else(|| format!("{}: not a binary PGM", e.label))?;
    if (lw, lh) != (w, h) {
        return Err(format!("{}: {lw}×{lh}, the index says {w}×{h}", e.label));
    }
    if label.iter().any(|&c| usize::from(c) >= data.label_channels) {
        return Err(format!(
            "{}: class above {}",
            e.label,
            data.label_channels - 1
        ));
    }
    let ibytes = std::fs::read(dir.join(&e.image)).map_err(|err| format!("{}: {err}", e.image))?;
    let img = RgbImage::from_ppm_bytes(&ibytes).map_err(|err| format!("{}: {err}", e.image))?;
    if (img.width(), img.height()) != (w, h) {
        return Err(format!(
            "{}: {}×{}, the index says {w}×{h}",
            e.image,
            img.width(),
            img.height()
        ));
    }
    Ok(Frame {
        sequence: e.sequence,
        prev: None,
        label,
        image: img.as_bytes().to_vec(),
    })
}
