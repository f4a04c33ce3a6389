//! The beat warp: passes of match, time map and resample (see the parent module's docs).

use super::time_map::{match_beats, BeatMatch, TimeMap};
use super::PostprocessConfig;
use crate::choreography::body::BodyModel;
use crate::choreography::metrics::beat_align;
use crate::choreography::skeleton::Pose;

/// A successful beat warp.
pub(crate) struct Warp {
    /// The warped frames.
    pub frames: Vec<Pose>,
    /// The time map of each pass, in order.
    pub maps: Vec<TimeMap>,
    /// Beat Align Score of `frames`.
    pub bas: f64,
    /// The matches of the first pass (kinematic beats of the input).
    pub first_matches: Vec<BeatMatch>,
}

/// Input time shown at output time `t` after every pass (the last pass's map applies first).
pub fn composed_secs(maps: &[TimeMap], t: f64) -> f64 {
    maps.iter().rev().fold(t, |t, m| m.input_secs(t))
}

/// Beat Align Score of finite frames.
fn score(frames: &[Pose], fps: f64, music: &[f64]) -> f64 {
    beat_align::beat_align_score(&beat_align::kinematic_beats_secs(frames, fps), music)
}

/// Runs up to `cfg.warp_passes` passes of match, map and resample (always from the original
/// frames, through the composed maps), stopping at the first pass that does not raise the
/// Beat Align Score; `None` when the first pass already does not.
pub(crate) fn warp(
    frames: &[Pose],
    fps: f64,
    music: &[f64],
    body: &BodyModel,
    cfg: &PostprocessConfig,
) -> Option<Warp> {
    let end_secs = (frames.len().saturating_sub(1)) as f64 / fps;
    let mut best: Option<Warp> = None;
    let mut maps = Vec::new();
    let mut bas = score(frames, fps, music);
    for _ in 0..cfg.warp_passes {
        let current = best.as_ref().map_or(frames, |w| &w.frames);
        let kinematic = beat_align::kinematic_beats_secs(current, fps);
        let matches = match_beats(music, &kinematic, cfg.match_window_fraction);
        let (map, kept) = TimeMap::through(&matches, end_secs, cfg.max_stretch);
        if kept.is_empty() {
            break;
        }
        maps.push(map);
        let warped = resample(frames, fps, |t| composed_secs(&maps, t), body);
        let warped_bas = score(&warped, fps, music);
        if warped_bas <= bas {
            break;
        }
        bas = warped_bas;
        let first_matches = best.take().map_or(kept, |w| w.first_matches);
        best = Some(Warp {
            frames: warped,
            maps: maps.clone(),
            bas,
            first_matches,
        });
    }
    best
}

/// The finite `frames` at `fps` resampled in time: output frame `k` shows the input at time
/// `input_secs(k / fps)`, blended linearly between the two nearest input frames and
/// projected onto `body`.
pub fn resample(
    frames: &[Pose],
    fps: f64,
    input_secs: impl Fn(f64) -> f64,
    body: &BodyModel,
) -> Vec<Pose> {
    let last = frames.len().saturating_sub(1);
    (0..frames.len())
        .map(|k| {
            let u = (input_secs(k as f64 / fps) * fps).clamp(0.0, last as f64);
            let i0 = (u.floor() as usize).min(last);
            let i1 = (i0 + 1).min(last);
            let pose = body.project(&frames[i0].lerp(&frames[i1], u - i0 as f64));
            if pose.is_finite() {
                pose
            } else {
                frames[i0]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::metrics::test_support::pulsing_sequence;
    use crate::choreography::postprocess::postprocess;
    use crate::choreography::SkeletonSequence;

    fn beats(period: f64, until: f64) -> Vec<f64> {
        (1..)
            .map(|k| k as f64 * period)
            .take_while(|&b| b < until)
            .collect()
    }

    #[test]
    fn minima_60_ms_late_are_moved_onto_the_beats() {
        let body = BodyModel::default();
        let seq = pulsing_sequence(30.0, 6.0, 0.5, 0.06);
        let music = beats(0.5, 6.0);
        let (out, report) =
            postprocess(&seq, &music, &body, &PostprocessConfig::default()).unwrap();
        assert!(report.warp_applied, "{report:?}");
        assert!(report.bas_before < 0.5, "{report:?}");
        assert!(report.bas_after > 0.999, "{report:?}");
        assert!((report.mean_shift_ms - 60.0).abs() < 3.0, "{report:?}");
        assert_eq!(out.frames.len(), seq.frames.len());
        assert_eq!(out.fps, seq.fps);
        for p in &out.frames {
            assert!(p.is_finite());
            assert!(body.max_length_deviation(p) < 1e-9);
        }
        let m = crate::choreography::metrics::evaluate(&out, &music, Some(&body)).unwrap();
        assert!((m.beat_align_score - report.bas_after).abs() < 1e-12);
    }

    /// The rest pose gliding along x with speed `1 − cos` between consecutive `minima_secs`
    /// (zero speed at each), at 30 fps for `duration_secs`.
    fn uneven_sequence(minima_secs: &[f64], duration_secs: f64) -> SkeletonSequence {
        let rest = BodyModel::default().rest_pose();
        let mut knots = vec![0.0];
        knots.extend_from_slice(minima_secs);
        knots.push(duration_secs + 1.0);
        let position = |t: f64| {
            let mut x = 0.0;
            for w in knots.windows(2) {
                let (a, len) = (w[0], w[1] - w[0]);
                let u = (t.min(w[1]) - a).max(0.0);
                x += u - len / std::f64::consts::TAU * (std::f64::consts::TAU * u / len).sin();
            }
            x
        };
        let frames = (0..(duration_secs * 30.0) as usize)
            .map(|k| rest.translated(crate::choreography::Vec3::x() * position(k as f64 / 30.0)))
            .collect();
        SkeletonSequence::new(30.0, frames)
    }

    #[test]
    fn uneven_offsets_are_each_moved_onto_their_beat() {
        let body = BodyModel::default();
        let music = beats(0.5, 5.0);
        let offsets_ms = [60.0, -40.0, 30.0, 80.0, -20.0, 50.0, -70.0, 10.0, 40.0];
        let minima: Vec<f64> = music
            .iter()
            .zip(offsets_ms)
            .map(|(b, o)| b + o / 1000.0)
            .collect();
        let seq = uneven_sequence(&minima, 5.0);
        let (out, report) =
            postprocess(&seq, &music, &body, &PostprocessConfig::default()).unwrap();
        assert!(report.warp_applied, "{report:?}");
        assert_eq!(report.beats_matched, music.len(), "{report:?}");
        // Smoothing moves the minima of uneven motion: the detected beats stray farther than
        // the built-in offsets, and the passes correct that.
        assert!(report.bas_before < 0.8, "{report:?}");
        assert!(report.bas_after > 0.98, "{report:?}");
        assert!(report.max_shift_ms < 200.0, "{report:?}");
        assert!(out
            .frames
            .iter()
            .all(|p| body.max_length_deviation(p) < 1e-9));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        #[test]
        fn warping_any_beats_stays_finite_and_monotone(
            period in 0.3f64..0.9,
            offset in -0.2f64..0.2,
            jitter in proptest::collection::vec(-0.15f64..0.15, 12),
        ) {
            let body = BodyModel::default();
            let seq = pulsing_sequence(25.0, 4.0, period, offset);
            let mut music: Vec<f64> = beats(0.33, 4.0)
                .iter()
                .zip(jitter.iter().cycle())
                .map(|(b, j)| b + j)
                .collect();
            music.sort_by(f64::total_cmp);
            let end = seq.frame_time_secs(seq.frames.len() - 1);
            let kinematic = beat_align::kinematic_beats_secs(&seq.frames, seq.fps);
            let matches = match_beats(&music, &kinematic, 0.4);
            let (map, _) = TimeMap::through(&matches, end, 2.0);
            proptest::prop_assert!(map.is_monotone());
            let times: Vec<f64> = (0..=400).map(|i| i as f64 * 0.01).collect();
            for w in times.windows(2) {
                proptest::prop_assert!(map.input_secs(w[1]) >= map.input_secs(w[0]));
            }
            let (out, _) =
                postprocess(&seq, &music, &body, &PostprocessConfig::default()).unwrap();
            proptest::prop_assert_eq!(out.frames.len(), seq.frames.len());
            for p in &out.frames {
                proptest::prop_assert!(p.is_finite());
                proptest::prop_assert!(body.max_length_deviation(p) < 1e-9);
            }
        }
    }
}
