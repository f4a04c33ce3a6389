//! `robot_preview.mp4`: the robot moved by its joint trajectory, drawn from its own forward
//! kinematics beside the skeleton it dances from ([`crate::render::robot_preview`]), encoded
//! with the music by [`VideoWriter`] (H.264 in MP4, AAC audio, all-or-nothing output).
//!
//! Everything that can be checked is checked before ffmpeg starts — the settings, the
//! trajectory's shape, every trajectory joint name against the model — so a bad input leaves
//! no file behind.
//!
//! ```no_run
//! use std::path::Path;
//! use dancebot::choreography::SkeletonSequence;
//! use dancebot::render::robot_preview::RobotPreviewConfig;
//! use dancebot::retarget::JointTrajectory;
//! use dancebot::robot::RobotModel;
//!
//! let model = RobotModel::load(Path::new("urdf/dancebot_humanoid.urdf"))?;
//! let traj = JointTrajectory::load(Path::new("out/trajectory.json"))?;
//! let seq = SkeletonSequence::load(Path::new("out/skeleton.json"))?;
//! let report = dancebot::video::robot::write_robot_preview(
//!     &model,
//!     &traj,
//!     &seq,
//!     Some(Path::new("song.wav")),
//!     Path::new("out/robot_preview.mp4"),
//!     &RobotPreviewConfig::default(),
//! )?;
//! assert_eq!(report.width_px, 960);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use thiserror::Error;

use crate::choreography::sequence::SkeletonSequence;
use crate::render::robot_preview::{RobotPreviewConfig, RobotPreviewError, RobotPreviewRenderer};

use crate::retarget::trajectory::JointTrajectory;
use crate::robot::RobotModel;
use crate::video::{encode_frames, EncodeSettings, PreviewReport, VideoError, VideoSpec};

/// A robot preview could not be written. No output file is left behind in any of these cases.
#[derive(Debug, Error)]
pub enum RobotVideoError {
    /// The frames cannot be rendered: settings, skeleton or trajectory unusable.
    #[error(transparent)]
    Preview(#[from] RobotPreviewError),
    /// Encoding failed.
    #[error(transparent)]
    Video(#[from] VideoError),
}

/// Renders the robot preview of `traj` on `model` beside `seq` and writes it to `out` (MP4,
/// H.264), with `audio` muxed in when given.
pub fn write_robot_preview(
    model: &RobotModel,
    traj: &JointTrajectory,
    seq: &SkeletonSequence,
    audio: Option<&Path>,
    out: &Path,
    cfg: &RobotPreviewConfig,
) -> Result<PreviewReport, RobotVideoError> {
    write_robot_preview_with(
        model,
        traj,
        seq,
        audio,
        out,
        cfg,
        &EncodeSettings::default(),
    )
}

/// [`write_robot_preview`] with explicit encoder settings.
pub fn write_robot_preview_with(
    model: &RobotModel,
    traj: &JointTrajectory,
    seq: &SkeletonSequence,
    audio: Option<&Path>,
    out: &Path,
    cfg: &RobotPreviewConfig,
    settings: &EncodeSettings,
) -> Result<PreviewReport, RobotVideoError> {
    let mut renderer = RobotPreviewRenderer::new(model, traj, seq, cfg)?;
    let (width_px, height_px) = renderer.size_px();
    let spec = VideoSpec {
        width_px,
        height_px,
        fps: renderer.fps(),
    };
    let frames = renderer.frame_count();
    Ok(encode_frames(
        spec,
        frames,
        cfg.background_rgb,
        audio,
        out,
        settings,
        |k, frame| renderer.render(k, frame),
    )?)
}
