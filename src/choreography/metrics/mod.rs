//! How good a dance is: beat alignment, body consistency, smoothness, foot sliding and, across
//! several dances, diversity. Seconds and metres throughout, dancer frame (x right, y up, z
//! toward the audience).
//!
//! - [`beat_align`]: kinematic beats (minima of the smoothed joint speed) and the Beat Align
//!   Score of Bailando, in seconds, plus the fraction of music beats hit within 50 ms.
//! - [`motion`]: bone-length deviation against a body, mean joint speed, jerk, foot sliding.
//! - [`kinetic`]: per-joint kinetic features and the diversity of a set of dances.
//!
//! [`evaluate`] gathers the per-dance numbers into a [`DanceMetrics`]. Frames with a NaN
//! keypoint (a missing keypoint in `skeleton.json`) are counted, then replaced by the last
//! finite frame (the first finite one before it) for every metric of motion, as a consumer of
//! the file would hold the last valid pose.
//!
//! ```
//! use dancebot::choreography::metrics::evaluate;
//! use dancebot::choreography::{BodyModel, SkeletonSequence};
//!
//! let rest = BodyModel::default().rest_pose();
//! let seq = SkeletonSequence::new(30.0, vec![rest; 60]);
//! let m = evaluate(&seq, &[0.5, 1.0, 1.5], None).unwrap();
//! assert_eq!(m.beat_align_score, 0.0); // a statue has no kinematic beats
//! assert_eq!(m.mean_joint_speed_m_per_s, 0.0);
//! ```

pub mod beat_align;
pub mod kinetic;
pub mod motion;

pub use beat_align::{beat_align_score, beat_hit_fraction, kinematic_beats_secs};
pub use kinetic::{diversity, kinetic_features};
pub use motion::{BoneDeviation, FootSliding};

use serde::Serialize;
use thiserror::Error;

use crate::choreography::body::BodyModel;
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::Pose;

/// Why a dance could not be measured.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum MetricsError {
    /// The sequence has no frames.
    #[error("the sequence has no frames")]
    Empty,
    /// The frame rate is not a positive finite number.
    #[error("fps is {fps}, expected a positive finite number")]
    InvalidFps {
        /// The rejected rate.
        fps: f64,
    },
    /// Every frame has a non-finite keypoint.
    #[error("all {frames} frames have missing (NaN) keypoints")]
    NoFiniteFrame {
        /// Number of frames.
        frames: usize,
    },
}

/// The metrics of one dance against its music beats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DanceMetrics {
    /// Number of frames.
    pub frames: usize,
    /// Frames per second.
    pub fps: f64,
    /// Time of the last frame, seconds (the span inside which music beats count).
    pub span_secs: f64,
    /// Music beats inside the span.
    pub music_beats: usize,
    /// Kinematic beats found (minima of smoothed joint speed).
    pub kinematic_beats: usize,
    /// Beat Align Score, 0..1 (Bailando protocol, σ = 50 ms).
    pub beat_align_score: f64,
    /// Fraction of music beats with a kinematic beat within 50 ms.
    pub beat_hit_fraction: f64,
    /// Bone lengths against the body (fitted to the first finite frame unless given).
    pub bone_length: BoneDeviation,
    /// Height of the body the bones were compared with, metres.
    pub body_height_m: f64,
    /// Mean joint speed, m/s.
    pub mean_joint_speed_m_per_s: f64,
    /// Mean magnitude of the third derivative of joint positions, m/s³.
    pub mean_jerk_m_per_s3: f64,
    /// Horizontal ankle speed while the foot is on the floor.
    pub foot_sliding: FootSliding,
    /// Frames with a NaN or infinite coordinate.
    pub nan_frames: usize,
}

/// The frames with every non-finite frame replaced by the last finite one before it (by the
/// first finite frame when none is before it), and how many were replaced; `None` when no
/// frame is finite.
pub fn hold_non_finite(frames: &[Pose]) -> Option<(Vec<Pose>, usize)> {
    let first = *frames.iter().find(|p| p.is_finite())?;
    let mut last = first;
    let mut held = 0;
    let out = frames
        .iter()
        .map(|p| {
            if p.is_finite() {
                last = *p;
            } else {
                held += 1;
            }
            last
        })
        .collect();
    Some((out, held))
}

/// Measures one dance against `music_beats_secs` (only beats inside the sequence's span
/// count). Bones are compared with `body`, or with [`BodyModel::fit`] of the first finite
/// frame.
pub fn evaluate(
    seq: &SkeletonSequence,
    music_beats_secs: &[f64],
    body: Option<&BodyModel>,
) -> Result<DanceMetrics, MetricsError> {
    if !(seq.fps.is_finite() && seq.fps > 0.0) {
        return Err(MetricsError::InvalidFps { fps: seq.fps });
    }
    if seq.frames.is_empty() {
        return Err(MetricsError::Empty);
    }
    let frames = seq.frames.len();
    let (held, nan_frames) =
        hold_non_finite(&seq.frames).ok_or(MetricsError::NoFiniteFrame { frames })?;
    let fitted = match body {
        Some(b) => b.clone(),
        None => BodyModel::fit(&held[0]).unwrap_or_default(),
    };
    let span_secs = seq.frame_time_secs(frames - 1);
    let mut music = beat_align::beats_in_span(music_beats_secs, span_secs);
    music.sort_by(f64::total_cmp);
    let kinematic = kinematic_beats_secs(&held, seq.fps);
    Ok(DanceMetrics {
        frames,
        fps: seq.fps,
        span_secs,
        music_beats: music.len(),
        kinematic_beats: kinematic.len(),
        beat_align_score: beat_align_score(&kinematic, &music),
        beat_hit_fraction: beat_hit_fraction(&kinematic, &music),
        bone_length: motion::bone_length_deviation(&seq.frames, &fitted),
        body_height_m: fitted.height_m(),
        mean_joint_speed_m_per_s: motion::mean_joint_speed_m_per_s(&held, seq.fps),
        mean_jerk_m_per_s3: motion::mean_jerk_m_per_s3(&held, seq.fps),
        foot_sliding: motion::foot_sliding(&held, seq.fps),
        nan_frames,
    })
}

/// Kinetic features of a sequence (NaN frames held), for [`diversity`].
pub fn sequence_kinetic_features(seq: &SkeletonSequence) -> Result<Vec<f64>, MetricsError> {
    let (held, _) = hold_non_finite(&seq.frames).ok_or(MetricsError::NoFiniteFrame {
        frames: seq.frames.len(),
    })?;
    Ok(kinetic_features(&held, seq.fps))
}

/// Synthetic dances with known kinematic beats, for tests here and in `postprocess`.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::choreography::{BodyModel, SkeletonSequence, Vec3};

    /// The rest pose gliding along x with speed `1 − cos(2π (t − offset) / period)` m/s: the
    /// speed is exactly zero, and minimal, at `offset + k · period`.
    pub fn pulsing_sequence(
        fps: f64,
        duration_secs: f64,
        period_secs: f64,
        offset_secs: f64,
    ) -> SkeletonSequence {
        let rest = BodyModel::default().rest_pose();
        let w = std::f64::consts::TAU / period_secs;
        let n = (duration_secs * fps).round() as usize;
        let frames = (0..n)
            .map(|k| {
                let t = k as f64 / fps;
                let x = t - ((w * (t - offset_secs)).sin() + (w * offset_secs).sin()) / w;
                rest.translated(Vec3::new(x, 0.0, 0.0))
            })
            .collect();
        SkeletonSequence::new(fps, frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::Vec3;
    use test_support::pulsing_sequence;

    #[test]
    fn evaluate_counts_beats_in_span_and_holds_nan_frames() {
        let mut seq = pulsing_sequence(60.0, 4.0, 0.5, 0.0);
        seq.frames[100].points[3].y = f64::NAN;
        let beats = [-0.5, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 9.0];
        let m = evaluate(&seq, &beats, None).unwrap();
        assert_eq!(m.music_beats, 7);
        assert_eq!(m.nan_frames, 1);
        assert!(m.beat_align_score > 0.99, "{m:?}");
        assert!(m.bone_length.max_rel < 1e-9);
        assert!((m.body_height_m - 1.7).abs() < 1e-9);
        // Mean of 1 − cos over whole periods is 1 m/s (the last half period is cut short).
        assert!((m.mean_joint_speed_m_per_s - 1.0).abs() < 0.05, "{m:?}");
    }

    #[test]
    fn accelerating_motion_has_no_kinematic_beats() {
        let rest = crate::choreography::BodyModel::default().rest_pose();
        let frames = (0..90)
            .map(|k| rest.translated(Vec3::new((k as f64 / 30.0).powi(2), 0.0, 0.0)))
            .collect();
        let m = evaluate(&SkeletonSequence::new(30.0, frames), &[1.0, 2.0], None).unwrap();
        assert_eq!(m.kinematic_beats, 0);
        assert_eq!(m.beat_align_score, 0.0);
        assert_eq!(m.beat_hit_fraction, 0.0);
    }

    #[test]
    fn bad_sequences_are_errors() {
        let rest = crate::choreography::BodyModel::default().rest_pose();
        let empty = SkeletonSequence::new(30.0, vec![]);
        assert_eq!(evaluate(&empty, &[], None), Err(MetricsError::Empty));
        let bad_fps = SkeletonSequence::new(0.0, vec![rest]);
        assert!(matches!(
            evaluate(&bad_fps, &[], None),
            Err(MetricsError::InvalidFps { .. })
        ));
        let mut nan = rest;
        nan.points[0].x = f64::NAN;
        let all_nan = SkeletonSequence::new(30.0, vec![nan, nan]);
        assert_eq!(
            evaluate(&all_nan, &[], None),
            Err(MetricsError::NoFiniteFrame { frames: 2 })
        );
    }
}
