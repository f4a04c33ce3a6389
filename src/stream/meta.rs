//! [`FrameMeta`]: what a companion page needs besides the picture — where the beats are and
//! where the skeleton's keypoints fall in the image.
//!
//! Beats are counted between consecutive *shown* frames, not per frame slot, so a beat is
//! never lost when the player drops frames. Keypoints are projected with the avatar's own
//! camera (front view, portrait framing) and normalised to the image (0–1, x right, y down),
//! so a page can draw the skeleton over or beside the avatar at any size.

use serde::Serialize;

use crate::analysis::BeatGrid;
use crate::choreography::body::REFERENCE_HEIGHT_M;
use crate::choreography::skeleton::Pose;
use crate::render::camera::{Camera, View};
use crate::render::character::CharacterRenderer;

/// Beat and skeleton information of one frame.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FrameMeta {
    /// A beat fell since the previous frame shown.
    pub beat: bool,
    /// That beat starts a bar.
    pub downbeat: bool,
    /// Beats passed since playback started, across loops (a page flashes when it changes).
    pub beat_count: u64,
    /// Position between the previous and the next beat, 0–1; `None` outside the beats.
    pub beat_phase: Option<f64>,
    /// Global tempo of the song, if known.
    pub tempo_bpm: Option<f64>,
    /// The 18 coco18 keypoints in image coordinates (0–1, x right, y down); `None` missing.
    pub keypoints: Vec<Option<[f32; 2]>>,
}

/// Beat lookups by time for one song.
#[derive(Debug, Clone, Default)]
pub struct BeatClock {
    beats: Vec<f64>,
    downbeats: Vec<f64>,
    tempo_bpm: Option<f64>,
}

impl BeatClock {
    /// The beats of `grid` (non-finite times are ignored; order is restored).
    pub fn new(grid: &BeatGrid) -> BeatClock {
        let sorted = |v: &[f64]| {
            let mut v: Vec<f64> = v.iter().copied().filter(|t| t.is_finite()).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        BeatClock {
            beats: sorted(&grid.beats_secs),
            downbeats: sorted(&grid.downbeats_secs),
            tempo_bpm: grid.tempo_bpm.filter(|t| t.is_finite()),
        }
    }

    /// Beats at or before `t` seconds.
    pub fn beats_upto(&self, t: f64) -> usize {
        self.beats.partition_point(|&b| b <= t)
    }

    /// Beats in `(after, upto]`.
    pub fn beats_between(&self, after: f64, upto: f64) -> usize {
        self.beats_upto(upto).saturating_sub(self.beats_upto(after))
    }

    /// A downbeat falls in `(after, upto]`.
    pub fn downbeat_between(&self, after: f64, upto: f64) -> bool {
        let n = |t: f64| self.downbeats.partition_point(|&b| b <= t);
        n(upto) > n(after)
    }

    /// Position of `t` between the beats around it, 0–1.
    pub fn phase(&self, t: f64) -> Option<f64> {
        let i = self.beats_upto(t);
        let (prev, next) = (self.beats.get(i.checked_sub(1)?)?, self.beats.get(i)?);
        let span = next - prev;
        (span > 0.0).then(|| ((t - prev) / span).clamp(0.0, 1.0))
    }

    /// Global tempo, if known.
    pub fn tempo_bpm(&self) -> Option<f64> {
        self.tempo_bpm
    }
}

/// Projects poses into a `width × height` avatar image as the character's camera frames them.
#[derive(Debug, Clone, Copy)]
pub struct KeypointProjector {
    camera: Camera,
    width: f32,
    height: f32,
}

impl KeypointProjector {
    /// The front portrait camera of a `width × height` avatar.
    pub fn new(width: usize, height: usize) -> KeypointProjector {
        KeypointProjector {
            camera: CharacterRenderer::portrait_camera(
                View::Front,
                width,
                height,
                REFERENCE_HEIGHT_M,
            ),
            width: width.max(1) as f32,
            height: height.max(1) as f32,
        }
    }

    /// Keypoints of `pose`, normalised to the image; missing ones are `None`.
    pub fn project(&self, pose: &Pose) -> Vec<Option<[f32; 2]>> {
        pose.points
            .iter()
            .map(|p| {
                let px = self.camera.project(p);
                let (x, y) = (px.x / self.width, px.y / self.height);
                (x.is_finite() && y.is_finite()).then_some([x, y])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;
    use crate::choreography::skeleton::Joint;

    fn grid() -> BeatGrid {
        BeatGrid {
            tempo_bpm: Some(120.0),
            beats_secs: vec![1.5, 0.5, 1.0, f64::NAN, 2.0],
            downbeats_secs: vec![0.5, 2.5],
            ..BeatGrid::default()
        }
    }

    #[test]
    fn counts_beats_in_intervals_and_phases_between_them() {
        let clock = BeatClock::new(&grid());
        assert_eq!(clock.beats_upto(0.49), 0);
        assert_eq!(clock.beats_upto(1.0), 2);
        assert_eq!(clock.beats_between(0.4, 1.2), 2);
        assert_eq!(clock.beats_between(1.0, 1.2), 0);
        assert!(clock.downbeat_between(0.4, 0.6));
        assert!(!clock.downbeat_between(0.6, 2.0));
        assert_eq!(clock.phase(0.75), Some(0.5));
        assert_eq!(clock.phase(0.1), None);
        assert_eq!(clock.phase(2.2), None);
        assert_eq!(clock.tempo_bpm(), Some(120.0));
    }

    #[test]
    fn keypoints_land_inside_the_image_head_above_feet() {
        let proj = KeypointProjector::new(200, 300);
        let mut pose = BodyModel::default().rest_pose();
        pose.points[Joint::LWrist.index()].x = f64::NAN;
        let kp = proj.project(&pose);
        assert_eq!(kp.len(), 18);
        assert!(kp[Joint::LWrist.index()].is_none());
        let nose = kp[Joint::Nose.index()].unwrap();
        let ankle = kp[Joint::RAnkle.index()].unwrap();
        assert!(nose[1] < ankle[1], "{nose:?} {ankle:?}");
        for p in kp.iter().flatten() {
            assert!(
                (0.0..=1.0).contains(&p[0]) && (0.0..=1.0).contains(&p[1]),
                "{p:?}"
            );
        }
    }
}
