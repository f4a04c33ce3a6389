//! Lifting 2D skeletons (every z = 0, e.g. from a pose estimator on video) into 3D.
//!
//! Each bone keeps its image-plane offset and gets the depth that restores its length in the
//! [`BodyModel`]: `dz = ±sqrt(L² − l²)`, where `l` is the bone's 2D length. The sign is the
//! plausible one for a dancer facing the audience: limbs reach forward (+z, toward the
//! audience), the shins fold back from the knees, the eyes and ears sit behind the nose, and
//! the hips sit behind the neck (a forward lean). A bone longer in 2D than in the model gets no
//! depth. Dancer frame, metres.

use crate::choreography::skeleton::{Pose, BONES};
use crate::choreography::BodyModel;

/// Depth sign of each bone of [`BONES`], see the module docs.
const DEPTH_SIGN: [f64; BONES.len()] = [
    1.0,  // neck → nose
    -1.0, // nose → r_eye
    -1.0, // r_eye → r_ear
    -1.0, // nose → l_eye
    -1.0, // l_eye → l_ear
    0.0,  // neck → r_shoulder (the shoulder line stays in the image plane)
    1.0,  // r_shoulder → r_elbow
    1.0,  // r_elbow → r_wrist
    0.0,  // neck → l_shoulder
    1.0,  // l_shoulder → l_elbow
    1.0,  // l_elbow → l_wrist
    -1.0, // neck → r_hip
    1.0,  // r_hip → r_knee
    -1.0, // r_knee → r_ankle
    -1.0, // neck → l_hip
    1.0,  // l_hip → l_knee
    -1.0, // l_knee → l_ankle
];

/// True when the pose's finite keypoints all have z = 0 (and there is at least one).
pub fn is_planar(pose: &Pose) -> bool {
    let mut any = false;
    for p in &pose.points {
        if p.iter().all(|v| v.is_finite()) {
            if p.z != 0.0 {
                return false;
            }
            any = true;
        }
    }
    any
}

/// The pose with depths restored from `body`'s bone lengths. The neck keeps z = 0; a bone
/// with a non-finite end leaves its child non-finite.
pub fn lift(pose: &Pose, body: &BodyModel) -> Pose {
    let mut out = *pose;
    for (i, b) in BONES.iter().enumerate() {
        let parent = out.get(b.parent);
        let child = pose.get(b.child);
        let (dx, dy) = (child.x - parent.x, child.y - parent.y);
        let l2 = dx * dx + dy * dy;
        let len = body.length_m(i);
        let dz = DEPTH_SIGN[i] * (len * len - l2).max(0.0).sqrt();
        let mut c = child;
        c.z = parent.z + dz;
        out.set(b.child, c);
    }
    out
}

/// The body whose bones best explain a sequence of 2D poses: foreshortening only shortens a
/// bone, so each bone's longest 2D length bounds its true length; the median ratio of those
/// to the reference lengths scales the reference body. `None` when no bone is ever seen.
pub fn fit_planar_body(frames: &[Pose]) -> Option<BodyModel> {
    let reference = BodyModel::default();
    let mut longest = [0.0_f64; BONES.len()];
    for pose in frames {
        for (i, b) in BONES.iter().enumerate() {
            let d = pose.get(b.child) - pose.get(b.parent);
            let l = d.x.hypot(d.y);
            if l.is_finite() {
                longest[i] = longest[i].max(l);
            }
        }
    }
    let mut ratios: Vec<f64> = longest
        .iter()
        .zip(reference.lengths_m())
        .map(|(l, r)| l / r)
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    Some(BodyModel::with_height(reference.height_m() * ratio))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::skeleton::{Joint, Vec3};

    fn flattened(p: &Pose) -> Pose {
        let mut out = *p;
        for q in &mut out.points {
            q.z = 0.0;
        }
        out
    }

    #[test]
    fn a_forward_reaching_arm_is_recovered_from_its_projection() {
        let body = BodyModel::default();
        let mut p = body.rest_pose();
        // Right forearm pointing 60° toward the audience from straight down.
        let elbow = p.get(Joint::RElbow);
        let len = (p.get(Joint::RWrist) - elbow).norm();
        let a = 60f64.to_radians();
        p.set(
            Joint::RWrist,
            elbow + Vec3::new(0.0, -a.cos(), a.sin()) * len,
        );
        let flat = flattened(&p);
        assert!(is_planar(&flat) && !is_planar(&p));
        let lifted = lift(&flat, &body);
        let d = (lifted.get(Joint::RWrist) - lifted.get(Joint::RElbow)).normalize();
        let want = Vec3::new(0.0, -a.cos(), a.sin());
        assert!((d - want).norm() < 0.05, "{d} vs {want}");
        assert!(body.max_length_deviation(&lifted) < 0.05);
    }

    #[test]
    fn the_fitted_body_matches_the_scale_of_the_input() {
        let body = BodyModel::with_height(1.2);
        let flat = flattened(&body.rest_pose());
        let fitted = fit_planar_body(&[flat]).unwrap();
        assert!(
            (fitted.height_m() - 1.2).abs() < 0.05,
            "{}",
            fitted.height_m()
        );
        assert!(fit_planar_body(&[Pose::zeros()]).is_none());
    }
}
