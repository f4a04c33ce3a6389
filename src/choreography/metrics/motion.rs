//! Motion quality of one dance: bone-length deviation, joint speed, jerk and foot sliding.
//!
//! All in the dancer frame (x right, y up, z toward the audience), metres and seconds; frames
//! are finite (hold NaN frames first, see [`super::hold_non_finite`]), except for the
//! bone-length deviation, which skips non-finite frames itself.
//!
//! **Foot contact** (for sliding): an ankle touches the floor during the step from frame `k`
//! to `k + 1` when its height is within [`CONTACT_HEIGHT_M`] of the lowest ankle height of the
//! whole sequence (either ankle) in both frames, and its vertical speed over the step is at
//! most [`CONTACT_MAX_VERTICAL_SPEED_M_PER_S`]. The ankle sits a few centimetres above the
//! sole, so the lowest ankle height stands for the floor; a planted foot should then not move
//! horizontally, and any horizontal speed during contact is sliding.

use serde::Serialize;

use crate::choreography::body::{bone_lengths, BodyModel};
use crate::choreography::skeleton::{Joint, Pose};

/// An ankle within this height above the lowest ankle height may touch the floor, metres.
pub const CONTACT_HEIGHT_M: f64 = 0.02;

/// An ankle moving up or down faster than this is not planted, metres per second.
pub const CONTACT_MAX_VERTICAL_SPEED_M_PER_S: f64 = 0.1;

/// How far bone lengths stray from a body's (relative: 0.02 = 2 %).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct BoneDeviation {
    /// Largest relative deviation of any bone in any finite frame.
    pub max_rel: f64,
    /// Mean relative deviation over bones and finite frames.
    pub mean_rel: f64,
}

/// Bone-length deviation of the finite frames against `body` (zero when none is finite).
pub fn bone_length_deviation(frames: &[Pose], body: &BodyModel) -> BoneDeviation {
    let (mut max_rel, mut sum, mut n) = (0.0_f64, 0.0, 0usize);
    for pose in frames.iter().filter(|p| p.is_finite()) {
        for (l, r) in bone_lengths(pose).iter().zip(body.lengths_m()) {
            let rel = ((l - r) / r).abs();
            max_rel = max_rel.max(rel);
            sum += rel;
            n += 1;
        }
    }
    BoneDeviation {
        max_rel,
        mean_rel: if n == 0 { 0.0 } else { sum / n as f64 },
    }
}

/// Mean over joints and steps of the joint speed, m/s (0 for fewer than 2 frames).
pub fn mean_joint_speed_m_per_s(frames: &[Pose], fps: f64) -> f64 {
    mean_of_differences(frames, 1, fps)
}

/// Mean over joints and samples of the magnitude of the third finite difference of position
/// (`p[k+3] − 3 p[k+2] + 3 p[k+1] − p[k]`) times fps³, m/s³ (0 for fewer than 4 frames).
pub fn mean_jerk_m_per_s3(frames: &[Pose], fps: f64) -> f64 {
    mean_of_differences(frames, 3, fps)
}

/// Binomial coefficients with alternating signs of the finite difference of `order` (1..=3),
/// applied to frames `k..=k+order`.
fn difference_weights(order: usize) -> &'static [f64] {
    match order {
        1 => &[-1.0, 1.0],
        2 => &[1.0, -2.0, 1.0],
        _ => &[-1.0, 3.0, -3.0, 1.0],
    }
}

/// Mean magnitude of the `order`-th time derivative over joints and samples.
pub(crate) fn mean_of_differences(frames: &[Pose], order: usize, fps: f64) -> f64 {
    let weights = difference_weights(order);
    let scale = fps.powi(weights.len() as i32 - 1);
    let (mut sum, mut n) = (0.0, 0usize);
    for w in frames.windows(weights.len()) {
        for j in 0..w[0].points.len() {
            let d = w
                .iter()
                .zip(weights)
                .fold(crate::choreography::Vec3::zeros(), |acc, (p, c)| {
                    acc + p.points[j] * *c
                });
            sum += d.norm() * scale;
            n += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// Foot sliding: how fast planted ankles move horizontally.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct FootSliding {
    /// Mean horizontal (x, z) ankle speed over the steps in contact with the floor, m/s
    /// (0 when no ankle is ever in contact).
    pub mean_speed_m_per_s: f64,
    /// Fraction of ankle steps (two ankles × steps) in contact with the floor.
    pub contact_fraction: f64,
}

/// Foot sliding of finite frames at `fps` (see the module docs for the contact rule).
pub fn foot_sliding(frames: &[Pose], fps: f64) -> FootSliding {
    let ankles = [Joint::RAnkle, Joint::LAnkle];
    let floor_m = frames
        .iter()
        .flat_map(|p| ankles.map(|a| p.get(a).y))
        .fold(f64::INFINITY, f64::min);
    let (mut speed_sum, mut contacts, mut steps) = (0.0, 0usize, 0usize);
    for w in frames.windows(2) {
        for a in ankles {
            let (p0, p1) = (w[0].get(a), w[1].get(a));
            steps += 1;
            let low = p0.y.max(p1.y) <= floor_m + CONTACT_HEIGHT_M;
            let still = (p1.y - p0.y).abs() * fps <= CONTACT_MAX_VERTICAL_SPEED_M_PER_S;
            if low && still {
                contacts += 1;
                speed_sum += (p1.x - p0.x).hypot(p1.z - p0.z) * fps;
            }
        }
    }
    FootSliding {
        mean_speed_m_per_s: if contacts == 0 {
            0.0
        } else {
            speed_sum / contacts as f64
        },
        contact_fraction: if steps == 0 {
            0.0
        } else {
            contacts as f64 / steps as f64
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::Vec3;

    fn moving(fps: f64, n: usize, pos: impl Fn(f64) -> Vec3) -> Vec<Pose> {
        let rest = BodyModel::default().rest_pose();
        (0..n)
            .map(|k| rest.translated(pos(k as f64 / fps)))
            .collect()
    }

    #[test]
    fn speed_and_jerk_of_known_motions() {
        // Constant velocity 0.6 m/s: speed 0.6, jerk 0.
        let frames = moving(50.0, 40, |t| Vec3::new(0.6 * t, 0.0, 0.0));
        assert!((mean_joint_speed_m_per_s(&frames, 50.0) - 0.6).abs() < 1e-9);
        assert!(mean_jerk_m_per_s3(&frames, 50.0) < 1e-6);
        // x = t³: the third derivative is 6 everywhere, exactly for finite differences.
        let frames = moving(20.0, 30, |t| Vec3::new(0.0, 0.0, t.powi(3)));
        assert!((mean_jerk_m_per_s3(&frames, 20.0) - 6.0).abs() < 1e-6);
        assert_eq!(mean_jerk_m_per_s3(&frames[..3], 20.0), 0.0);
        assert_eq!(mean_joint_speed_m_per_s(&frames[..1], 20.0), 0.0);
    }

    #[test]
    fn bone_deviation_counts_finite_frames_only() {
        let body = BodyModel::default();
        let mut stretched = body.rest_pose();
        // The right forearm 10 % longer.
        let (elbow, wrist) = (stretched.get(Joint::RElbow), stretched.get(Joint::RWrist));
        stretched.set(Joint::RWrist, elbow + (wrist - elbow) * 1.1);
        let mut broken = body.rest_pose();
        broken.points[0].x = f64::NAN;
        let dev = bone_length_deviation(&[body.rest_pose(), stretched, broken], &body);
        assert!((dev.max_rel - 0.1).abs() < 1e-9, "{dev:?}");
        assert!((dev.mean_rel - 0.1 / 34.0).abs() < 1e-9, "{dev:?}");
    }

    #[test]
    fn a_planted_sliding_foot_slides_and_a_lifted_one_does_not() {
        let fps = 50.0;
        let frames: Vec<Pose> = (0..50)
            .map(|k| {
                let t = k as f64 / fps;
                let mut p = BodyModel::default().rest_pose();
                // Right ankle slides on the floor at 0.3 m/s along z.
                p.set(
                    Joint::RAnkle,
                    p.get(Joint::RAnkle) + Vec3::new(0.0, 0.0, 0.3 * t),
                );
                // Left ankle lifted 20 cm and moving fast.
                p.set(
                    Joint::LAnkle,
                    p.get(Joint::LAnkle) + Vec3::new(2.0 * t, 0.2, 0.0),
                );
                p
            })
            .collect();
        let s = foot_sliding(&frames, fps);
        assert!((s.mean_speed_m_per_s - 0.3).abs() < 1e-9, "{s:?}");
        assert!((s.contact_fraction - 0.5).abs() < 1e-12);
        let still = moving(fps, 10, |_| Vec3::zeros());
        let s = foot_sliding(&still, fps);
        assert_eq!(s.mean_speed_m_per_s, 0.0);
        assert_eq!(s.contact_fraction, 1.0);
    }
}
