//! The bone-length model: a body with fixed proportions, scalable to any height.
//!
//! Every skeleton this module outputs has exactly these bone lengths: generators design or
//! predict *directions*, and [`BodyModel::project`] lays the bones back out from the neck with
//! the model's lengths. Proportions are those of an adult 1.70 m tall standing at rest (feet
//! under the hips, arms hanging), see [`BodyModel::rest_pose`].

use crate::choreography::skeleton::{Joint, Pose, Vec3, BONES};

/// Height of the reference body, metres.
pub const REFERENCE_HEIGHT_M: f64 = 1.70;

/// Bone lengths of one body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyModel {
    height_m: f64,
    rest: Pose,
    lengths_m: [f64; BONES.len()],
}

impl Default for BodyModel {
    fn default() -> Self {
        Self::with_height(REFERENCE_HEIGHT_M)
    }
}

/// Rest pose of the 1.70 m reference body, coco18 order, dancer frame (x to the audience's
/// right, so the dancer's right side is at negative x).
const REST_1_70: [[f64; 3]; 18] = [
    [0.0, 1.58, 0.09],    // nose
    [0.0, 1.46, 0.0],     // neck
    [-0.19, 1.44, 0.0],   // r_shoulder
    [-0.21, 1.15, 0.0],   // r_elbow
    [-0.22, 0.89, 0.02],  // r_wrist
    [0.19, 1.44, 0.0],    // l_shoulder
    [0.21, 1.15, 0.0],    // l_elbow
    [0.22, 0.89, 0.02],   // l_wrist
    [-0.10, 0.93, 0.0],   // r_hip
    [-0.10, 0.50, 0.01],  // r_knee
    [-0.10, 0.07, 0.0],   // r_ankle
    [0.10, 0.93, 0.0],    // l_hip
    [0.10, 0.50, 0.01],   // l_knee
    [0.10, 0.07, 0.0],    // l_ankle
    [-0.035, 1.62, 0.07], // r_eye
    [0.035, 1.62, 0.07],  // l_eye
    [-0.075, 1.60, 0.0],  // r_ear
    [0.075, 1.60, 0.0],   // l_ear
];

impl BodyModel {
    /// The reference proportions scaled to `height_m` (a non-finite or non-positive height
    /// falls back to the reference height).
    pub fn with_height(height_m: f64) -> BodyModel {
        let height_m = if height_m.is_finite() && height_m > 0.0 {
            height_m
        } else {
            REFERENCE_HEIGHT_M
        };
        let scale = height_m / REFERENCE_HEIGHT_M;
        let mut rest = Pose::from_arrays(&REST_1_70);
        for p in &mut rest.points {
            *p *= scale;
        }
        let lengths_m = bone_lengths(&rest);
        BodyModel {
            height_m,
            rest,
            lengths_m,
        }
    }

    /// Standing height, metres.
    pub fn height_m(&self) -> f64 {
        self.height_m
    }

    /// Standing at rest, feet on the floor (y = 0 under the ankles' soles).
    pub fn rest_pose(&self) -> Pose {
        self.rest
    }

    /// Length of bone `i` of [`BONES`], metres.
    pub fn length_m(&self, i: usize) -> f64 {
        self.lengths_m[i]
    }

    /// Lengths of all bones, metres, in [`BONES`] order.
    pub fn lengths_m(&self) -> &[f64; BONES.len()] {
        &self.lengths_m
    }

    /// The pose with every bone given this body's length, keeping each bone's direction and
    /// the neck's position. A bone of zero or non-finite direction takes its rest direction; a
    /// non-finite neck takes the rest neck.
    pub fn project(&self, pose: &Pose) -> Pose {
        let mut out = *pose;
        let neck = pose.get(Joint::Neck);
        if !neck.iter().all(|v| v.is_finite()) {
            out.set(Joint::Neck, self.rest.get(Joint::Neck));
        }
        for (i, b) in BONES.iter().enumerate() {
            let d = pose.get(b.child) - pose.get(b.parent);
            let norm = d.norm();
            let dir = if norm.is_finite() && norm > 1e-9 {
                d / norm
            } else {
                let r = self.rest.get(b.child) - self.rest.get(b.parent);
                r / r.norm()
            };
            out.set(b.child, out.get(b.parent) + dir * self.lengths_m[i]);
        }
        out
    }

    /// Largest relative bone-length error of a pose against this body (0.02 = 2 %).
    pub fn max_length_deviation(&self, pose: &Pose) -> f64 {
        bone_lengths(pose)
            .iter()
            .zip(&self.lengths_m)
            .map(|(l, r)| ((l - r) / r).abs())
            .fold(0.0, f64::max)
    }

    /// The body whose bones best fit a measured pose: the reference proportions scaled by the
    /// median ratio of measured to reference lengths (robust to one bad keypoint).
    pub fn fit(pose: &Pose) -> Option<BodyModel> {
        let reference = BodyModel::default();
        let mut ratios: Vec<f64> = bone_lengths(pose)
            .iter()
            .zip(&reference.lengths_m)
            .map(|(l, r)| l / r)
            .filter(|r| r.is_finite() && *r > 0.0)
            .collect();
        if ratios.is_empty() {
            return None;
        }
        ratios.sort_by(f64::total_cmp);
        Some(BodyModel::with_height(
            REFERENCE_HEIGHT_M * ratios[ratios.len() / 2],
        ))
    }
}

/// Lengths of the bones of a pose, [`BONES`] order.
pub fn bone_lengths(pose: &Pose) -> [f64; BONES.len()] {
    BONES.map(|b| (pose.get(b.child) - pose.get(b.parent)).norm())
}

/// Direction of a bone, unit length (`None` for a zero or non-finite bone).
pub fn bone_direction(pose: &Pose, parent: Joint, child: Joint) -> Option<Vec3> {
    let d = pose.get(child) - pose.get(parent);
    let n = d.norm();
    (n.is_finite() && n > 1e-9).then(|| d / n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::skeleton::mirror_bone;

    #[test]
    fn rest_pose_is_symmetric_and_scales() {
        let body = BodyModel::default();
        for i in 0..BONES.len() {
            let m = mirror_bone(i);
            assert!((body.length_m(i) - body.length_m(m)).abs() < 1e-12);
        }
        let tall = BodyModel::with_height(1.87);
        assert!((tall.length_m(6) / body.length_m(6) - 1.1).abs() < 1e-9);
        assert_eq!(body.max_length_deviation(&body.rest_pose()), 0.0);
        assert!((BodyModel::with_height(f64::NAN).height_m() - 1.7).abs() < 1e-12);
    }

    #[test]
    fn projection_restores_lengths_and_keeps_directions() {
        let body = BodyModel::default();
        let mut p = body.rest_pose();
        p.set(Joint::RWrist, Vec3::new(-0.9, 1.9, 0.3));
        p.set(Joint::LKnee, Vec3::new(f64::NAN, 0.0, 0.0));
        let q = body.project(&p);
        assert!(q.is_finite());
        assert!(body.max_length_deviation(&q) < 1e-12);
        let want = bone_direction(&p, Joint::RElbow, Joint::RWrist).unwrap();
        let got = bone_direction(&q, Joint::RElbow, Joint::RWrist).unwrap();
        assert!((want - got).norm() < 1e-12);
    }

    #[test]
    fn fit_recovers_the_height_of_a_scaled_body() {
        let body = BodyModel::with_height(1.2);
        let fitted = BodyModel::fit(&body.rest_pose()).unwrap();
        assert!((fitted.height_m() - 1.2).abs() < 1e-9);
    }
}
