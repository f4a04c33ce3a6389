//! Video files: the edge adapter that turns rendered frames into MP4 through an `ffmpeg` child
//! process. This is the only module that starts ffmpeg (installed by `scripts/setup.sh`).
//!
//! Frames travel as raw RGB8 ([`crate::render::RgbImage`]'s bytes, ffmpeg's `rgb24`) over
//! ffmpeg's stdin; ffmpeg encodes H.264 (libx264, yuv420p, so width and height are even) and,
//! given an audio file, muxes it as AAC, cut to the shorter of the two streams. Output files are
//! all-or-nothing: see [`ffmpeg`].
//!
//! [`write_preview`] renders every preview frame of a [`SkeletonSequence`]
//! ([`crate::render::preview`]) and encodes it: the `preview.mp4` of a dance.
//!
//! ```no_run
//! use std::path::Path;
//! use dancebot::choreography::SkeletonSequence;
//! use dancebot::render::PreviewConfig;
//!
//! let seq = SkeletonSequence::load(Path::new("out/skeleton.json"))?;
//! let report = dancebot::video::write_preview(
//!     &seq,
//!     Some(Path::new("song.wav")),
//!     Path::new("out/preview.mp4"),
//!     &PreviewConfig::default(),
//! )?;
//! assert_eq!(report.width_px, 640);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod avatar;
pub mod ffmpeg;
pub mod robot;

use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::choreography::sequence::SkeletonSequence;
use crate::render::image::Rgb;
use crate::render::preview::{PreviewConfig, PreviewRenderer};
use crate::render::{RenderError, RgbImage};

pub use ffmpeg::{EncodeReport, EncodeSettings, VideoSpec, VideoWriter};

/// A video could not be written. No output file is left behind in any of these cases.
#[derive(Debug, Error)]
pub enum VideoError {
    /// The ffmpeg program is not installed (or not on `PATH`).
    #[error("{program}: not found; install ffmpeg (scripts/setup.sh does)")]
    FfmpegNotFound { program: PathBuf },
    /// ffmpeg exists but could not be started.
    #[error("{program}: cannot start: {source}")]
    Spawn {
        program: PathBuf,
        source: std::io::Error,
    },
    /// The audio file to mux does not exist.
    #[error("{path}: audio file not found")]
    AudioMissing { path: PathBuf },
    /// The output folder cannot be created or written.
    #[error("{path}: output folder not writable: {source}")]
    OutputDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Frame size or rate unusable for the encoder.
    #[error("video settings: {0}")]
    InvalidSpec(String),
    /// A frame of the wrong size was written.
    #[error("frame is {got:?} pixels, the video is {expected:?}")]
    FrameSize {
        expected: (usize, usize),
        got: (usize, usize),
    },
    /// Finished before any frame was written.
    #[error("{path}: no frames to encode")]
    NoFrames { path: PathBuf },
    /// ffmpeg exited with an error.
    #[error("{path}: ffmpeg failed ({status}):\n{stderr_tail}")]
    Encoder {
        path: PathBuf,
        status: String,
        stderr_tail: String,
    },
    /// Talking to ffmpeg or moving the finished file into place failed.
    #[error("{path}: cannot write video: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The frames could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// What [`write_preview`] produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewReport {
    /// The video file.
    pub path: PathBuf,
    /// Frames encoded.
    pub frames: usize,
    /// Frame width, pixels.
    pub width_px: usize,
    /// Frame height, pixels.
    pub height_px: usize,
    /// Frames per second.
    pub fps: f64,
    /// Video length, seconds (`frames / fps`).
    pub duration_secs: f64,
    /// The audio file muxed in, if any.
    pub audio: Option<PathBuf>,
}

/// Renders the preview of `seq` and writes it to `out` (MP4, H.264), with `audio` muxed in
/// when given.
pub fn write_preview(
    seq: &SkeletonSequence,
    audio: Option<&Path>,
    out: &Path,
    cfg: &PreviewConfig,
) -> Result<PreviewReport, VideoError> {
    write_preview_with(seq, audio, out, cfg, &EncodeSettings::default())
}

/// [`write_preview`] with explicit encoder settings.
pub fn write_preview_with(
    seq: &SkeletonSequence,
    audio: Option<&Path>,
    out: &Path,
    cfg: &PreviewConfig,
    settings: &EncodeSettings,
) -> Result<PreviewReport, VideoError> {
    let renderer = PreviewRenderer::new(seq, cfg)?;
    let (width_px, height_px) = renderer.size_px();
    let spec = VideoSpec {
        width_px,
        height_px,
        fps: renderer.fps(),
    };
    encode_frames(
        spec,
        renderer.frame_count(),
        cfg.background_rgb,
        audio,
        out,
        settings,
        |k, frame| renderer.render(k, frame),
    )
}

/// Draws `frames` frames of `spec` with `draw` (frame index, canvas holding the previous frame:
/// `draw` paints every pixel) and encodes them to `out`, muxing `audio` when given. The one
/// encode loop every video writer of the project goes through.
pub(crate) fn encode_frames(
    spec: VideoSpec,
    frames: usize,
    background_rgb: Rgb,
    audio: Option<&Path>,
    out: &Path,
    settings: &EncodeSettings,
    mut draw: impl FnMut(usize, &mut RgbImage),
) -> Result<PreviewReport, VideoError> {
    let mut writer = VideoWriter::create(out, spec, audio, settings)?;
    let mut frame = RgbImage::new(spec.width_px, spec.height_px, background_rgb);
    for k in 0..frames {
        draw(k, &mut frame);
        writer.write_frame(&frame)?;
    }
    let encoded = writer.finish()?;
    Ok(PreviewReport {
        path: encoded.path,
        frames: encoded.frames,
        width_px: spec.width_px,
        height_px: spec.height_px,
        fps: spec.fps,
        duration_secs: encoded.frames as f64 / spec.fps,
        audio: audio.map(Path::to_owned),
    })
}
