//! `avatar.mp4`: the dance drawn by an [`AvatarRenderer`] (the Pix2PixHD model, or the
//! procedural character), encoded with the music by [`VideoWriter`] (H.264 in MP4, AAC
//! audio, all-or-nothing output).
//!
//! Keypoints are prepared before drawing ([`prepare_frames`]): missing ones held from the
//! last complete frame, then smoothed over time with a small Gaussian, so the renderer never
//! sees NaN and the labels do not jitter. Frames are rendered in batches (a GPU renderer
//! amortises its launches over a batch) and written as they come; `on_progress` hears how
//! many are done after each batch.
//!
//! ```no_run
//! use std::path::Path;
//! use dancebot::choreography::SkeletonSequence;
//! use dancebot::render::{CharacterAvatar, character::CharacterStyle};
//! use dancebot::video::avatar::{write_avatar_video, AvatarVideoConfig};
//!
//! let seq = SkeletonSequence::load(Path::new("out/skeleton.json"))?;
//! let mut avatar = CharacterAvatar::new(CharacterStyle::default(), 256, 256)?;
//! let report = write_avatar_video(
//!     &seq,
//!     &mut avatar,
//!     Some(Path::new("song.wav")),
//!     Path::new("out/avatar.mp4"),
//!     &AvatarVideoConfig::default(),
//!     &mut |_, _| {},
//! )?;
//! assert_eq!(report.frames, seq.frames.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use thiserror::Error;

use crate::choreography::sequence::SkeletonSequence;
use crate::render::avatar::{AvatarError, AvatarRenderer};
use crate::render::image::RgbImage;
use crate::render::smooth::prepare_frames;
use crate::video::{EncodeSettings, PreviewReport, VideoError, VideoSpec, VideoWriter};

/// An avatar video could not be written. No output file is left behind in any of these cases.
#[derive(Debug, Error)]
pub enum AvatarVideoError {
    /// The renderer failed.
    #[error(transparent)]
    Avatar(#[from] AvatarError),
    /// Encoding failed.
    #[error(transparent)]
    Video(#[from] VideoError),
    /// The skeleton has no frames.
    #[error("the skeleton has no frames to draw")]
    Empty,
    /// The renderer returned the wrong number of frames.
    #[error("{renderer}: returned {got} frames for {expected} poses")]
    FrameCount {
        renderer: String,
        expected: usize,
        got: usize,
    },
}

/// How an avatar video is made.
#[derive(Debug, Clone, PartialEq)]
pub struct AvatarVideoConfig {
    /// Poses per renderer call: larger batches keep a GPU busy.
    pub batch: usize,
    /// Gaussian smoothing of the keypoints over time, frames (0 = none).
    pub smooth_sigma_frames: f64,
    /// Encoder settings.
    pub encode: EncodeSettings,
}

impl Default for AvatarVideoConfig {
    fn default() -> Self {
        AvatarVideoConfig {
            batch: 8,
            smooth_sigma_frames: 1.0,
            encode: EncodeSettings::default(),
        }
    }
}

/// Renders every frame of `seq` with `renderer` and writes them to `out` (MP4, H.264), with
/// `audio` muxed in when given. `on_progress(done, total)` is called after each batch.
pub fn write_avatar_video(
    seq: &SkeletonSequence,
    renderer: &mut dyn AvatarRenderer,
    audio: Option<&Path>,
    out: &Path,
    cfg: &AvatarVideoConfig,
    on_progress: &mut dyn FnMut(usize, usize),
) -> Result<PreviewReport, AvatarVideoError> {
    if seq.frames.is_empty() {
        return Err(AvatarVideoError::Empty);
    }
    let poses = prepare_frames(&seq.frames, cfg.smooth_sigma_frames);
    let (width_px, height_px) = renderer.size();
    let spec = VideoSpec {
        width_px,
        height_px,
        fps: seq.fps,
    };
    renderer.reset();
    let mut writer = VideoWriter::create(out, spec, audio, &cfg.encode)?;
    let mut images: Vec<RgbImage> = Vec::with_capacity(cfg.batch.max(1));
    let mut done = 0;
    for chunk in poses.chunks(cfg.batch.max(1)) {
        images.clear();
        renderer.render(chunk, &mut images)?;
        if images.len() != chunk.len() {
            return Err(AvatarVideoError::FrameCount {
                renderer: renderer.name(),
                expected: chunk.len(),
                got: images.len(),
            });
        }
        for img in &images {
            writer.write_frame(img)?;
        }
        done += chunk.len();
        on_progress(done, poses.len());
    }
    let encoded = writer.finish()?;
    Ok(PreviewReport {
        path: encoded.path,
        frames: encoded.frames,
        width_px,
        height_px,
        fps: seq.fps,
        duration_secs: encoded.frames as f64 / seq.fps,
        audio: audio.map(Path::to_owned),
    })
}
