//! Post-processing of generated dances (neural generators above all): bone lengths restored,
//! then time warped so the dance's kinematic beats land on the music's beats.
//!
//! 1. **Bones**: frames with a NaN keypoint take the last finite frame (the first finite one
//!    before any; the body's rest pose when none is finite), then every frame is projected
//!    onto the [`BodyModel`]'s bone lengths ([`BodyModel::project`]).
//! 2. **Beat warp** (on unless [`PostprocessConfig::warp_to_beats`] is false): kinematic beats
//!    are found as for the Beat Align Score ([`metrics::beat_align`]); each music beat inside
//!    the sequence is matched to the nearest kinematic beat within
//!    [`PostprocessConfig::match_window_fraction`] of the local beat period; a monotone
//!    piecewise-linear time map ([`time_map::TimeMap`]) sends the matched kinematic beats
//!    onto their music beats, and the sequence is resampled through it (poses blended linearly
//!    between frames, then projected onto the bone lengths again). Smoothing moves the speed
//!    minima of uneven motion, and the warp's kinks move them again, so the match is redone on
//!    the warped output for up to [`PostprocessConfig::warp_passes`] passes, each map composed
//!    with the previous ones and the original frames resampled once per pass. Frame count and
//!    fps are kept. A pass that does not raise the Beat Align Score is discarded.
//!
//! The output is always finite and always has the body's bone lengths.

pub mod time_map;
pub mod warp;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::choreography::body::BodyModel;
use crate::choreography::metrics::{self, beat_align};
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::Pose;
use crate::config::{InvalidField, Validate};
use warp::{composed_secs, warp};

/// Settings of the post-process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostprocessConfig {
    /// Warp time so kinematic beats land on music beats. Turn off to keep a generator's own
    /// timing (e.g. to measure it).
    pub warp_to_beats: bool,
    /// A kinematic beat is matched to a music beat when within this fraction of the local
    /// beat period (0.4 = ±40 %). Lower it to move only motions already near the beat.
    pub match_window_fraction: f64,
    /// Largest local speed-up or slow-down of the time map (2 = twice as fast or slow).
    /// Lower it when warped dances look rushed.
    pub max_stretch: f64,
    /// Passes of the warp: each re-detects the kinematic beats of the previous pass's output
    /// (smoothing moves the speed minima of uneven motion, and the warp's own kinks move them
    /// again) and corrects what is left. Passes stop early once the score stops rising.
    pub warp_passes: u32,
}

impl Default for PostprocessConfig {
    fn default() -> Self {
        Self {
            warp_to_beats: true,
            match_window_fraction: 0.4,
            max_stretch: 2.0,
            warp_passes: 3,
        }
    }
}

impl Validate for PostprocessConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        if !(self.match_window_fraction > 0.0 && self.match_window_fraction <= 0.5) {
            return Err(InvalidField::new(
                "match_window_fraction",
                format!(
                    "is {}, expected 0 < fraction <= 0.5",
                    self.match_window_fraction
                ),
            ));
        }
        if !(self.max_stretch > 1.0 && self.max_stretch <= 10.0) {
            return Err(InvalidField::new(
                "max_stretch",
                format!("is {}, expected 1 < stretch <= 10", self.max_stretch),
            ));
        }
        if !(1..=10).contains(&self.warp_passes) {
            return Err(InvalidField::new(
                "warp_passes",
                format!("is {}, expected 1 to 10", self.warp_passes),
            ));
        }
        Ok(())
    }
}

/// What the post-process did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PostprocessReport {
    /// Frames with a NaN keypoint replaced by the last finite frame.
    pub frames_held: usize,
    /// True when the output was time-warped.
    pub warp_applied: bool,
    /// Music beats inside the sequence.
    pub music_beats: usize,
    /// Kinematic beats of the input.
    pub kinematic_beats: usize,
    /// Music beats a kinematic beat was moved onto.
    pub beats_matched: usize,
    /// Mean distance a matched kinematic beat was moved, milliseconds.
    pub mean_shift_ms: f64,
    /// Largest distance a matched kinematic beat was moved, milliseconds.
    pub max_shift_ms: f64,
    /// Beat Align Score after the bone projection, before the warp.
    pub bas_before: f64,
    /// Beat Align Score of the output.
    pub bas_after: f64,
}

/// Why a sequence could not be post-processed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PostprocessError {
    /// The settings are out of range.
    #[error("post-process settings: {0}")]
    Config(#[from] InvalidField),
    /// The frame rate is not a positive finite number.
    #[error("fps is {fps}, expected a positive finite number")]
    InvalidFps {
        /// The rejected rate.
        fps: f64,
    },
}

/// Restores `body`'s bone lengths and, if configured, warps time onto `music_beats_secs`.
/// Returns the new sequence (same fps, frame count, beats, audio and generator fields) and
/// a report.
pub fn postprocess(
    seq: &SkeletonSequence,
    music_beats_secs: &[f64],
    body: &BodyModel,
    cfg: &PostprocessConfig,
) -> Result<(SkeletonSequence, PostprocessReport), PostprocessError> {
    cfg.validate()?;
    if !(seq.fps.is_finite() && seq.fps > 0.0) {
        return Err(PostprocessError::InvalidFps { fps: seq.fps });
    }
    let (held, frames_held) = metrics::hold_non_finite(&seq.frames)
        .unwrap_or_else(|| (vec![body.rest_pose(); seq.frames.len()], seq.frames.len()));
    let projected: Vec<Pose> = held.iter().map(|p| body.project(p)).collect();
    let mut report = PostprocessReport {
        frames_held,
        ..PostprocessReport::default()
    };
    let mut out = SkeletonSequence {
        frames: projected,
        ..seq.clone()
    };
    if out.frames.len() < 2 {
        return Ok((out, report));
    }
    let end_secs = out.frame_time_secs(out.frames.len() - 1);
    let mut music = beat_align::beats_in_span(music_beats_secs, end_secs);
    music.sort_by(f64::total_cmp);
    let kinematic = beat_align::kinematic_beats_secs(&out.frames, out.fps);
    report.music_beats = music.len();
    report.kinematic_beats = kinematic.len();
    report.bas_before = beat_align::beat_align_score(&kinematic, &music);
    report.bas_after = report.bas_before;
    if !cfg.warp_to_beats {
        return Ok((out, report));
    }
    let Some(warp) = warp(&out.frames, out.fps, &music, body, cfg) else {
        tracing::debug!("beat warp skipped: no match raises the Beat Align Score");
        return Ok((out, report));
    };
    out.frames = warp.frames;
    report.warp_applied = true;
    report.bas_after = warp.bas;
    report.beats_matched = warp.first_matches.len();
    let shifts_ms: Vec<f64> = warp
        .first_matches
        .iter()
        .map(|m| (composed_secs(&warp.maps, m.music_secs) - m.music_secs).abs() * 1e3)
        .collect();
    report.mean_shift_ms = shifts_ms.iter().sum::<f64>() / shifts_ms.len().max(1) as f64;
    report.max_shift_ms = shifts_ms.iter().fold(0.0, |m, s| m.max(*s));
    Ok((out, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::metrics::test_support::pulsing_sequence;

    fn beats(period: f64, until: f64) -> Vec<f64> {
        (1..)
            .map(|k| k as f64 * period)
            .take_while(|&b| b < until)
            .collect()
    }

    #[test]
    fn warp_off_only_projects_and_holds() {
        let body = BodyModel::with_height(1.5);
        let mut seq = pulsing_sequence(30.0, 3.0, 0.5, 0.06);
        seq.frames[10].points[4].x = f64::NAN;
        let cfg = PostprocessConfig {
            warp_to_beats: false,
            ..PostprocessConfig::default()
        };
        let (out, report) = postprocess(&seq, &beats(0.5, 3.0), &body, &cfg).unwrap();
        assert!(!report.warp_applied);
        assert_eq!(report.frames_held, 1);
        assert_eq!(report.bas_after, report.bas_before);
        assert!(out
            .frames
            .iter()
            .all(|p| body.max_length_deviation(p) < 1e-9));
        assert_eq!(out.frames[10], out.frames[9]);
    }

    #[test]
    fn all_nan_input_becomes_the_rest_pose() {
        let body = BodyModel::default();
        let mut nan = body.rest_pose();
        nan.points[0].x = f64::NAN;
        let seq = SkeletonSequence::new(30.0, vec![nan; 20]);
        let (out, report) =
            postprocess(&seq, &[0.2, 0.4], &body, &PostprocessConfig::default()).unwrap();
        assert_eq!(report.frames_held, 20);
        let rest = body.rest_pose();
        for p in &out.frames {
            let diff = p
                .points
                .iter()
                .zip(&rest.points)
                .map(|(a, b)| (a - b).norm());
            assert!(diff.fold(0.0, f64::max) < 1e-12);
        }
    }

    #[test]
    fn bad_settings_and_fps_are_errors() {
        let body = BodyModel::default();
        let seq = pulsing_sequence(30.0, 1.0, 0.5, 0.0);
        let cfg = PostprocessConfig {
            match_window_fraction: 0.9,
            ..PostprocessConfig::default()
        };
        let err = postprocess(&seq, &[], &body, &cfg).unwrap_err();
        assert!(err.to_string().contains("match_window_fraction"), "{err}");
        let bad = SkeletonSequence::new(f64::NAN, seq.frames.clone());
        let err = postprocess(&bad, &[], &body, &PostprocessConfig::default()).unwrap_err();
        assert!(matches!(err, PostprocessError::InvalidFps { .. }));
    }
}
