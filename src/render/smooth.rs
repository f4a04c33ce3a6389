//! Keypoint clean-up before drawing: missing keypoints held, jitter smoothed.
//!
//! A keypoint is *missing* in a frame when any of its coordinates is NaN or infinite (a
//! `null` in `skeleton.json`). [`hold_missing`] replaces it by the same joint's last finite
//! position (the first finite one for a gap at the start), so a frame with a missing keypoint
//! is never drawn as a limb flying off to a garbage position. [`smooth_sequence`] then runs a
//! centred Gaussian over time, keypoint by keypoint, `sigma_frames` frames wide; it is for the
//! offline renderers, which see the whole sequence (a live renderer would use a causal filter).
//!
//! Both work on dancer-frame metres and return one pose per input frame.

use crate::choreography::skeleton::{Pose, Vec3, N_JOINTS};

fn finite(p: &Vec3) -> bool {
    p.iter().all(|v| v.is_finite())
}

/// The frames with every missing keypoint replaced by the joint's last finite position (its
/// first finite position for frames before that). A joint missing in every frame stays
/// missing.
pub fn hold_missing(frames: &[Pose]) -> Vec<Pose> {
    let mut out = frames.to_vec();
    for j in 0..N_JOINTS {
        let Some(first) = frames.iter().map(|f| f.points[j]).find(finite) else {
            continue;
        };
        let mut held = first;
        for pose in &mut out {
            if finite(&pose.points[j]) {
                held = pose.points[j];
            } else {
                pose.points[j] = held;
            }
        }
    }
    out
}

/// Weights of a Gaussian of `sigma_frames`, truncated at three sigma: index `r + k` for
/// offset `k` in `−r..=r`.
fn gaussian_kernel(sigma_frames: f64) -> Vec<f64> {
    let radius = (3.0 * sigma_frames).ceil() as usize;
    let r = radius as f64;
    (0..=2 * radius)
        .map(|i| {
            let k = i as f64 - r;
            (-0.5 * (k / sigma_frames).powi(2)).exp()
        })
        .collect()
}

/// Gaussian smoothing over time of every keypoint, centred, `sigma_frames` frames (standard
/// deviation). At the ends and around missing keypoints the weights of the frames present are
/// renormalized, so a still pose stays exactly still. `sigma_frames ≤ 0` (or non-finite)
/// returns the frames unchanged; a keypoint stays missing only when it is missing in its whole
/// window.
pub fn smooth_sequence(frames: &[Pose], sigma_frames: f64) -> Vec<Pose> {
    if !(sigma_frames.is_finite() && sigma_frames > 0.0) || frames.len() < 2 {
        return frames.to_vec();
    }
    let kernel = gaussian_kernel(sigma_frames.min(frames.len() as f64));
    let radius = kernel.len() / 2;
    let mut out = frames.to_vec();
    for (t, pose) in out.iter_mut().enumerate() {
        let first = t.saturating_sub(radius);
        let last = (t + radius).min(frames.len() - 1);
        for j in 0..N_JOINTS {
            let mut sum = Vec3::zeros();
            let mut weight = 0.0;
            for (s, frame) in frames.iter().enumerate().take(last + 1).skip(first) {
                let p = frame.points[j];
                if finite(&p) {
                    let w = kernel[s + radius - t];
                    sum += p * w;
                    weight += w;
                }
            }
            if weight > 0.0 {
                pose.points[j] = sum / weight;
            }
        }
    }
    out
}

/// [`hold_missing`], then [`smooth_sequence`]: the frames a renderer draws.
pub fn prepare_frames(frames: &[Pose], sigma_frames: f64) -> Vec<Pose> {
    smooth_sequence(&hold_missing(frames), sigma_frames)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;

    fn shifted(x_m: f64) -> Pose {
        BodyModel::default()
            .rest_pose()
            .translated(Vec3::new(x_m, 0.0, 0.0))
    }

    #[test]
    fn missing_keypoints_take_the_last_finite_position() {
        let mut frames = vec![shifted(0.0), shifted(0.1), shifted(0.2), shifted(0.3)];
        frames[0].points[4] = Vec3::new(f64::NAN, 0.0, 0.0);
        frames[2].points[4].y = f64::INFINITY;
        frames[3].points[4].z = f64::NAN;
        for f in &mut frames {
            f.points[17] = Vec3::repeat(f64::NAN);
        }
        let held = hold_missing(&frames);
        assert_eq!(held[0].points[4], frames[1].points[4]);
        assert_eq!(held[2].points[4], frames[1].points[4]);
        assert_eq!(held[3].points[4], frames[1].points[4]);
        assert_eq!(held[3].points[3], frames[3].points[3]);
        assert!(held.iter().all(|f| f.points[17].x.is_nan()));
    }

    #[test]
    fn still_poses_stay_still_and_ramps_stay_ramps() {
        let still = vec![shifted(0.0); 9];
        for (a, b) in smooth_sequence(&still, 2.0).iter().zip(&still) {
            for (p, q) in a.points.iter().zip(&b.points) {
                assert!((p - q).norm() < 1e-12);
            }
        }
        let ramp: Vec<Pose> = (0..20).map(|k| shifted(0.01 * k as f64)).collect();
        let smooth = smooth_sequence(&ramp, 1.5);
        // A symmetric kernel maps a linear motion onto itself away from the ends.
        for k in 5..15 {
            assert!((smooth[k].points[1].x - ramp[k].points[1].x).abs() < 1e-12);
        }
    }

    #[test]
    fn a_step_is_softened_symmetrically() {
        let mut frames = vec![shifted(0.0); 10];
        frames.extend(vec![shifted(1.0); 10]);
        let smooth = smooth_sequence(&frames, 2.0);
        let x = |k: usize| smooth[k].points[1].x;
        assert!((x(9) + x(10) - 1.0).abs() < 1e-12, "{} {}", x(9), x(10));
        assert!(x(9) > 0.3 && x(9) < 0.5);
        assert!(x(0).abs() < 1e-12 && (x(19) - 1.0).abs() < 1e-12);
        assert_eq!(smooth_sequence(&frames, 0.0), frames);
    }

    #[test]
    fn prepared_frames_are_finite_wherever_a_joint_was_ever_seen() {
        let mut frames: Vec<Pose> = (0..12).map(|k| shifted(0.05 * k as f64)).collect();
        frames[5].points = [Vec3::repeat(f64::NAN); N_JOINTS];
        frames[0].points[7] = Vec3::repeat(f64::NAN);
        let ready = prepare_frames(&frames, 1.0);
        assert!(ready.iter().all(Pose::is_finite));
        // The gap holds frame 4, smoothed with its neighbours: between frames 4 and 6.
        let x5 = ready[5].points[1].x;
        assert!(x5 > frames[4].points[1].x - 0.03 && x5 < frames[6].points[1].x);
    }
}
