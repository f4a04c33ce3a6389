//! Cleaning 2D keypoint tracks, in pixels: wrong frames dropped first, then the gaps filled
//! over time (filter, then interpolate, as pose-based dance datasets do).
//!
//! **Wrong frames.** A frame is dropped (all its keypoints treated as missing) when
//!
//! - fewer than [`OpenPoseConfig::min_confident_keypoints`] keypoints are confident, or
//! - its *scale* — the median, over its bones with both ends present, of the ratio of the
//!   bone's length to that bone's median length over the whole sequence — lies outside
//!   `[1 / max_scale_ratio, max_scale_ratio]` (default 1.5: the detector jumped to another
//!   person, or to a different size), or
//! - one of its limb or torso bones (all but the four eye and ear bones, whose 2D length
//!   changes a lot as the head turns) is longer than `max_bone_ratio` (default 2) times its
//!   median (a keypoint snapped onto something far away).
//!
//! A 2D bone legitimately *shortens* when it points at the camera, so only scale jumps both
//! ways and overlong bones are taken as errors.
//!
//! **Gaps.** Each keypoint is then filled over time on its own: linearly between the frames
//! around a gap of at most `max_gap` frames, held at its first (last) value before (after) its
//! first (last) detection; longer inner gaps stay missing.

use super::OpenPoseConfig;
use crate::choreography::skeleton::{BONES, N_JOINTS};

/// One frame of a 2D track: each keypoint in pixels, `None` where missing.
pub type Frame2d = [Option<[f64; 2]>; N_JOINTS];

/// Indices in [`BONES`] of the face bones (nose–eye, eye–ear), exempt from the long-bone test.
const FACE_BONES: [usize; 4] = [1, 2, 3, 4];

/// Frames dropped by [`drop_wrong_frames`], by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dropped {
    /// Frames with some, but too few, confident keypoints.
    pub few_keypoints: usize,
    /// Frames whose bone lengths stray from the sequence's.
    pub bone_lengths: usize,
}

/// Keypoints filled by [`interpolate_gaps`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Filled {
    /// Filled linearly inside a gap.
    pub interpolated: usize,
    /// Held before the first or after the last detection.
    pub held: usize,
}

fn present(frame: &Frame2d) -> usize {
    frame.iter().filter(|k| k.is_some()).count()
}

fn bone_length_px(frame: &Frame2d, bone: usize) -> Option<f64> {
    let b = BONES[bone];
    let (p, c) = (frame[b.parent.index()]?, frame[b.child.index()]?);
    Some((c[0] - p[0]).hypot(c[1] - p[1]))
}

/// Median of a list (the upper middle one for an even count); `None` when empty.
fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    Some(xs[xs.len() / 2])
}

/// Median length of each bone over the frames where both its ends are present, pixels.
pub fn median_bone_lengths_px(frames: &[Frame2d]) -> [Option<f64>; BONES.len()] {
    std::array::from_fn(|bone| {
        let lengths = frames
            .iter()
            .filter_map(|f| bone_length_px(f, bone))
            .collect();
        median(lengths).filter(|m| *m > 0.0)
    })
}

/// True when the frame's bones stray from the medians (see the module docs).
fn bones_are_wrong(
    frame: &Frame2d,
    medians: &[Option<f64>; BONES.len()],
    cfg: &OpenPoseConfig,
) -> bool {
    let mut ratios = Vec::with_capacity(BONES.len());
    for (bone, m) in medians.iter().enumerate() {
        let Some((l, m)) = bone_length_px(frame, bone).zip(*m) else {
            continue;
        };
        let ratio = l / m;
        if !FACE_BONES.contains(&bone) && ratio > cfg.max_bone_ratio {
            return true;
        }
        ratios.push(ratio);
    }
    median(ratios).is_some_and(|s| s > cfg.max_scale_ratio || s * cfg.max_scale_ratio < 1.0)
}

/// Clears the wrong frames (see the module docs); frames with no keypoint at all are left
/// alone and not counted.
pub fn drop_wrong_frames(frames: &mut [Frame2d], cfg: &OpenPoseConfig) -> Dropped {
    let medians = median_bone_lengths_px(frames);
    let mut dropped = Dropped::default();
    for frame in frames.iter_mut() {
        let n = present(frame);
        if n == 0 {
            continue;
        }
        if n < cfg.min_confident_keypoints {
            dropped.few_keypoints += 1;
        } else if bones_are_wrong(frame, &medians, cfg) {
            dropped.bone_lengths += 1;
        } else {
            continue;
        }
        *frame = [None; N_JOINTS];
    }
    dropped
}

/// Fills each keypoint's gaps over time (see the module docs); gaps longer than
/// `max_gap_frames` stay `None`.
pub fn interpolate_gaps(frames: &mut [Frame2d], max_gap_frames: usize) -> Filled {
    let mut filled = Filled::default();
    for j in 0..N_JOINTS {
        let seen: Vec<usize> = (0..frames.len())
            .filter(|&k| frames[k][j].is_some())
            .collect();
        let (Some(&first), Some(&last)) = (seen.first(), seen.last()) else {
            continue;
        };
        for k in (0..first).chain(last + 1..frames.len()) {
            let from = if k < first { first } else { last };
            frames[k][j] = frames[from][j];
            filled.held += 1;
        }
        for w in seen.windows(2) {
            let (a, b) = (w[0], w[1]);
            if b - a - 1 > max_gap_frames {
                continue;
            }
            let (Some(pa), Some(pb)) = (frames[a][j], frames[b][j]) else {
                continue;
            };
            for (step, frame) in frames[a + 1..b].iter_mut().enumerate() {
                let t = (step + 1) as f64 / (b - a) as f64;
                frame[j] = Some([pa[0] + (pb[0] - pa[0]) * t, pa[1] + (pb[1] - pa[1]) * t]);
                filled.interpolated += 1;
            }
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::BodyModel;

    /// The reference body as pixels (200 px per metre, y down), moved `dx` pixels right.
    fn body_frame(dx: f64) -> Frame2d {
        let rest = BodyModel::default().rest_pose();
        std::array::from_fn(|j| {
            let p = rest.points[j];
            Some([300.0 + dx + 200.0 * p.x, 400.0 - 200.0 * p.y])
        })
    }

    #[test]
    fn drops_scale_jumps_long_bones_and_sparse_frames() {
        let cfg = OpenPoseConfig::default();
        let mut frames: Vec<Frame2d> = (0..8).map(|k| body_frame(k as f64)).collect();
        // Frame 2: another, twice as big person.
        frames[2] = std::array::from_fn(|j| body_frame(0.0)[j].map(|p| [2.0 * p[0], 2.0 * p[1]]));
        // Frame 4: the right wrist snapped 1 m away.
        frames[4][4] = Some([0.0, 0.0]);
        // Frame 5: only five keypoints; frame 6: nothing at all.
        for kp in frames[5].iter_mut().skip(5) {
            *kp = None;
        }
        frames[6] = [None; N_JOINTS];
        // Frame 7: the forearm pointing at the camera (short): kept.
        frames[7][4] = frames[7][3];
        let dropped = drop_wrong_frames(&mut frames, &cfg);
        assert_eq!(
            dropped,
            Dropped {
                few_keypoints: 1,
                bone_lengths: 2
            }
        );
        for k in [2, 4, 5, 6] {
            assert_eq!(present(&frames[k]), 0, "frame {k}");
        }
        assert_eq!(present(&frames[7]), N_JOINTS);
    }

    #[test]
    fn interpolates_short_gaps_holds_ends_and_leaves_long_gaps() {
        let mut frames = vec![[None; N_JOINTS]; 12];
        // Joint 0 seen at frames 1, 4 and 11: a 2-frame gap (filled), a 6-frame gap (kept).
        frames[1][0] = Some([0.0, 0.0]);
        frames[4][0] = Some([3.0, 30.0]);
        frames[11][0] = Some([9.0, 9.0]);
        let filled = interpolate_gaps(&mut frames, 5);
        assert_eq!(
            filled,
            Filled {
                interpolated: 2,
                held: 1
            }
        );
        assert_eq!(frames[0][0], Some([0.0, 0.0]));
        assert_eq!(frames[2][0], Some([1.0, 10.0]));
        assert_eq!(frames[3][0], Some([2.0, 20.0]));
        assert!(frames[5..11].iter().all(|f| f[0].is_none()));
        assert!(frames.iter().all(|f| f[1].is_none()));
    }
}
