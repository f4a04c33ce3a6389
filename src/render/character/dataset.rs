//! A folder of (label map, image) training pairs for the avatar model, written all-or-nothing.
//!
//! ```text
//! OUT/
//!   index.json              what follows: size, camera, style, limb classes, frame list
//!   train_label/000000.pgm  label map: P5, one byte per pixel, the class index 0..=17
//!   train_img/000000.ppm    the character: P6, RGB8
//!   ...
//! ```
//!
//! The folder names are Pix2PixHD's (`train_label`, `train_img`); the avatar trainer reads
//! these PGM/PPM files and expands each label byte to [`N_LABEL_CHANNELS`] one-hot channels
//! (class 0 background, `i + 1` limb `i` of `index.json`'s `limbs`). Files are numbered in
//! order over all sequences; `index.json` maps each number back to its sequence, frame and
//! time.
//!
//! Each sequence's missing keypoints are held first ([`hold_missing`]); frames that still
//! miss one (a joint absent from the whole sequence) are skipped and counted. Every
//! `every_nth_frame`-th frame is kept. One front-view camera
//! ([`CharacterRenderer::portrait_camera`]) frames every pair, sized for the body of the
//! first complete frame.
//!
//! Everything is written into a temporary folder beside `OUT`, which is then renamed to `OUT`:
//! a failed run leaves no partial dataset. An existing `OUT` is replaced only when it is empty
//! or is itself such a dataset; anything else is refused.

use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::choreography::body::REFERENCE_HEIGHT_M;
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::{Pose, LAYOUT_COCO18};
use crate::render::camera::View;
use crate::render::character::frame::{BodyFrame, ReferenceLengths};
use crate::render::character::pairs::{class_indices, pgm_bytes, PairRenderer};
use crate::render::character::{CharacterError, CharacterRenderer, CharacterStyle};
use crate::render::image::RgbImage;
use crate::render::labels::N_LABEL_CHANNELS;
use crate::render::smooth::hold_missing;
use crate::render::stick::OPENPOSE_LIMBS;

/// Value of `index.json`'s `format`.
pub const DATASET_FORMAT: &str = "dancebot-avatar-pairs";

/// A dataset could not be written.
#[derive(Debug, Error)]
pub enum DatasetError {
    /// Style or size rejected.
    #[error("{0}")]
    Character(#[from] CharacterError),
    /// `every_nth_frame` was 0.
    #[error("every_nth_frame must be at least 1")]
    EveryNth,
    /// No sequence has a complete frame to draw.
    #[error("no complete skeleton frame to draw")]
    NoFrames,
    /// The output folder exists and is not a dataset.
    #[error("{path}: exists and is not an avatar-pairs dataset; refusing to replace it")]
    Exists { path: PathBuf },
    /// A file or folder could not be written.
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetReport {
    /// The dataset folder.
    pub out_dir: PathBuf,
    /// Pairs written.
    pub pairs_written: usize,
    /// Frames skipped because a keypoint was missing from the whole sequence.
    pub frames_skipped: usize,
}

#[derive(Serialize)]
struct CameraEntry {
    view: &'static str,
    px_per_m: f64,
    /// Image position of the dancer-frame origin (on the floor), pixels.
    origin_px: [f32; 2],
}

#[derive(Serialize)]
struct FrameEntry {
    label: String,
    image: String,
    sequence: usize,
    frame: usize,
    time_secs: f64,
}

#[derive(Serialize)]
struct Index<'a> {
    format: &'static str,
    version: u32,
    width: usize,
    height: usize,
    label_channels: usize,
    label_encoding: &'static str,
    image_encoding: &'static str,
    layout: &'static str,
    limbs: Vec<[&'static str; 2]>,
    camera: CameraEntry,
    body_height_m: f64,
    style: &'a CharacterStyle,
    every_nth_frame: usize,
    frames_skipped: usize,
    frames: Vec<FrameEntry>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DatasetError + '_ {
    move |source| DatasetError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes the pairs of `sequences` (every `every_nth_frame`-th complete frame) of
/// `size = (width, height)` pixels in `style` to `out_dir` (see the module docs).
pub fn write_pairs_dataset(
    out_dir: &Path,
    sequences: &[SkeletonSequence],
    every_nth_frame: usize,
    style: &CharacterStyle,
    size: (usize, usize),
) -> Result<DatasetReport, DatasetError> {
    if every_nth_frame == 0 {
        return Err(DatasetError::EveryNth);
    }
    let held: Vec<Vec<Pose>> = sequences.iter().map(|s| hold_missing(&s.frames)).collect();
    let first = held
        .iter()
        .flatten()
        .find(|p| p.is_finite())
        .ok_or(DatasetError::NoFrames)?;
    let body_height_m =
        REFERENCE_HEIGHT_M * BodyFrame::estimate(first, &ReferenceLengths::default()).scale;
    let (width, height) = size;
    let camera = CharacterRenderer::portrait_camera(View::Front, width, height, body_height_m);
    let mut pairs = PairRenderer::new(style.clone(), width, height, camera)?;
    if out_dir.exists() && !replaceable(out_dir) {
        return Err(DatasetError::Exists {
            path: out_dir.to_owned(),
        });
    }
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".avatar-pairs-")
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?;
    let (frames, skipped) =
        write_frames(tmp.path(), sequences, &held, every_nth_frame, &mut pairs)?;
    let origin = camera.project(&Default::default());
    let index = Index {
        format: DATASET_FORMAT,
        version: 1,
        width,
        height,
        label_channels: N_LABEL_CHANNELS,
        label_encoding: "PGM P5, one byte per pixel: 0 background, i + 1 limb i of `limbs`",
        image_encoding: "PPM P6, RGB8",
        layout: LAYOUT_COCO18,
        limbs: OPENPOSE_LIMBS
            .iter()
            .map(|(a, b)| [a.name(), b.name()])
            .collect(),
        camera: CameraEntry {
            view: "front",
            px_per_m: camera.px_per_m(),
            origin_px: [origin.x, origin.y],
        },
        body_height_m,
        style,
        every_nth_frame,
        frames_skipped: skipped,
        frames,
    };
    let index_path = tmp.path().join("index.json");
    let json = serde_json::to_vec_pretty(&index).map_err(|e| DatasetError::Io {
        path: index_path.clone(),
        source: e.into(),
    })?;
    std::fs::write(&index_path, json).map_err(io_err(&index_path))?;
    let pairs_written = index.frames.len();
    publish(tmp, out_dir, &parent)?;
    Ok(DatasetReport {
        out_dir: out_dir.to_owned(),
        pairs_written,
        frames_skipped: skipped,
    })
}

/// Renders and writes the kept frames into `dir`; the frame list and the skipped count.
fn write_frames(
    dir: &Path,
    sequences: &[SkeletonSequence],
    held: &[Vec<Pose>],
    every_nth_frame: usize,
    pairs: &mut PairRenderer,
) -> Result<(Vec<FrameEntry>, usize), DatasetError> {
    for sub in ["train_label", "train_img"] {
        let p = dir.join(sub);
        std::fs::create_dir(&p).map_err(io_err(&p))?;
    }
    let (width, height) = pairs.character().size();
    let mut map = crate::render::labels::LabelMap::new(width, height);
    let mut img = RgbImage::new(width, height, [0, 0, 0]);
    let mut classes = Vec::with_capacity(width * height);
    let mut frames = Vec::new();
    let mut skipped = 0;
    for (s, (seq, poses)) in sequences.iter().zip(held).enumerate() {
        for (k, pose) in poses.iter().enumerate().step_by(every_nth_frame) {
            if !pose.is_finite() {
                skipped += 1;
                continue;
            }
            pairs.render_pair_into(pose, &mut map, &mut img);
            class_indices(&map, &mut classes);
            let stem = format!("{:06}", frames.len());
            let label = format!("train_label/{stem}.pgm");
            let image = format!("train_img/{stem}.ppm");
            let (lp, ip) = (dir.join(&label), dir.join(&image));
            std::fs::write(&lp, pgm_bytes(width, height, &classes)).map_err(io_err(&lp))?;
            std::fs::write(&ip, img.to_ppm_bytes()).map_err(io_err(&ip))?;
            let time_secs = if seq.fps > 0.0 {
                k as f64 / seq.fps
            } else {
                0.0
            };
            frames.push(FrameEntry {
                label,
                image,
                sequence: s,
                frame: k,
                time_secs,
            });
        }
    }
    Ok((frames, skipped))
}

/// True when `dir` may be replaced: an empty folder or a dataset written by this module.
fn replaceable(dir: &Path) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return false;
    };
    if entries.next().is_none() {
        return true;
    }
    std::fs::read_to_string(dir.join("index.json"))
        .is_ok_and(|text| text.contains(&format!("\"format\": \"{DATASET_FORMAT}\"")))
}

/// Moves the finished temporary folder to `out_dir`, replacing an old dataset there.
fn publish(tmp: tempfile::TempDir, out_dir: &Path, parent: &Path) -> Result<(), DatasetError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(tmp.path(), perms).map_err(io_err(tmp.path()))?;
    }
    let old = if out_dir.exists() {
        let aside = tempfile::Builder::new()
            .prefix(".avatar-pairs-old-")
            .tempdir_in(parent)
            .map_err(io_err(parent))?
            .keep();
        // Renaming a folder over an empty folder replaces it.
        std::fs::rename(out_dir, &aside).map_err(io_err(out_dir))?;
        Some(aside)
    } else {
        None
    };
    let done = tmp.keep();
    if let Err(source) = std::fs::rename(&done, out_dir) {
        // Best effort to leave things as they were; the error reported is the rename's.
        let _ = std::fs::remove_dir_all(&done);
        if let Some(aside) = &old {
            let _ = std::fs::rename(aside, out_dir);
        }
        return Err(io_err(out_dir)(source));
    }
    if let Some(aside) = old {
        std::fs::remove_dir_all(&aside).map_err(io_err(&aside))?;
    }
    Ok(())
}
