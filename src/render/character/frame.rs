//! The body's own size and axes, estimated from one pose, and the view-space helpers the
//! drawing code shares.
//!
//! **Size.** Every width of the character (limb radii, torso, head) is a length of the
//! 1.70 m reference body times [`BodyFrame::scale`], the median ratio of the pose's limb and
//! torso bones to the reference body's ([`BodyModel::default`]). A tall skeleton gets a thick
//! character, a child-sized one a thin one, whatever the camera.
//!
//! **Axes** (dancer frame, unit vectors): `up` from the pelvis to the neck, `left` toward the
//! dancer's left (from the right hip and shoulder to the left ones, made perpendicular to
//! `up`), `forward = left × up` (the way the chest faces; +z for a dancer facing the
//! audience).
//!
//! **Missing keypoints.** A bone with a non-finite end is left out of the size; when no bone is
//! left the reference size is used. Axes fall back to the upright, audience-facing ones
//! (`up = +y`, `left = +x`) when the keypoints that define them are missing or degenerate.
//!
//! **View space** ([`to_view`]): a dancer-frame vector as `[h, v, d]`, metres: `h` the image's
//! right, `v` up, `d` toward the viewer — right-handed, the camera's plane plus its depth.

use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::{Joint, Pose, Vec3, BONES};
use crate::render::camera::View;

/// Bones used for the size: shoulders, arms, hips and legs (indices in [`BONES`]); the face's
/// short bones are too small to measure reliably.
const SIZE_BONES: std::ops::Range<usize> = 5..17;

/// Limits of the size factor, so a corrupt pose cannot ask for a building-sized character.
const SCALE_RANGE: (f64, f64) = (0.2, 3.0);

/// The reference body's lengths of [`SIZE_BONES`], metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceLengths([f64; 12]);

impl Default for ReferenceLengths {
    fn default() -> Self {
        let all = *BodyModel::default().lengths_m();
        ReferenceLengths(std::array::from_fn(|i| all[SIZE_BONES.start + i]))
    }
}

/// The size and axes of one pose's body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BodyFrame {
    /// Body size relative to the 1.70 m reference.
    pub scale: f64,
    /// Pelvis to neck, unit.
    pub up: Vec3,
    /// Toward the dancer's left, unit, perpendicular to `up`.
    pub left: Vec3,
    /// The way the chest faces, unit.
    pub forward: Vec3,
}

/// True when every coordinate is finite.
pub fn finite(p: &Vec3) -> bool {
    p.iter().all(|v| v.is_finite())
}

/// The point if finite.
pub fn point(pose: &Pose, j: Joint) -> Option<Vec3> {
    let p = pose.get(j);
    finite(&p).then_some(p)
}

/// Mid-point of two joints, when both are finite.
pub fn midpoint(pose: &Pose, a: Joint, b: Joint) -> Option<Vec3> {
    Some((point(pose, a)? + point(pose, b)?) * 0.5)
}

/// `v` scaled to unit length, `None` when (nearly) zero or not finite.
pub fn unit(v: Vec3) -> Option<Vec3> {
    let n = v.norm();
    (n.is_finite() && n > 1e-9).then(|| v / n)
}

/// The part of `v` perpendicular to unit `axis`, scaled to unit length.
pub fn unit_perpendicular(v: Vec3, axis: &Vec3) -> Option<Vec3> {
    unit(v - axis * v.dot(axis))
}

impl BodyFrame {
    /// Estimates size and axes from `pose` (see the module docs for missing keypoints).
    pub fn estimate(pose: &Pose, reference: &ReferenceLengths) -> BodyFrame {
        let scale = estimate_scale(pose, reference);
        let up = midpoint(pose, Joint::RHip, Joint::LHip)
            .zip(point(pose, Joint::Neck))
            .and_then(|(pelvis, neck)| unit(neck - pelvis))
            .unwrap_or_else(Vec3::y);
        let across = [
            (Joint::RHip, Joint::LHip),
            (Joint::RShoulder, Joint::LShoulder),
        ]
        .iter()
        .filter_map(|&(r, l)| Some(point(pose, l)? - point(pose, r)?))
        .fold(Vec3::zeros(), |acc, v| acc + v);
        let left = unit_perpendicular(across, &up)
            .or_else(|| unit_perpendicular(Vec3::x(), &up))
            .or_else(|| unit_perpendicular(Vec3::z(), &up))
            .unwrap_or_else(Vec3::x);
        BodyFrame {
            scale,
            up,
            left,
            forward: left.cross(&up),
        }
    }

    /// A reference-body length, metres, scaled to this body.
    pub fn len_m(&self, reference_m: f64) -> f64 {
        reference_m * self.scale
    }
}

/// Median ratio of the pose's [`SIZE_BONES`] to the reference's; 1 when none is measurable.
fn estimate_scale(pose: &Pose, reference: &ReferenceLengths) -> f64 {
    let mut ratios = [0.0f64; 12];
    let mut n = 0;
    for (i, bone) in BONES[SIZE_BONES].iter().enumerate() {
        let (Some(a), Some(b)) = (point(pose, bone.parent), point(pose, bone.child)) else {
            continue;
        };
        let r = (a - b).norm() / reference.0[i];
        if r.is_finite() && r > 0.0 {
            ratios[n] = r;
            n += 1;
        }
    }
    if n == 0 {
        return 1.0;
    }
    let used = &mut ratios[..n];
    used.sort_by(f64::total_cmp);
    let median = if n % 2 == 1 {
        used[n / 2]
    } else {
        0.5 * (used[n / 2 - 1] + used[n / 2])
    };
    median.clamp(SCALE_RANGE.0, SCALE_RANGE.1)
}

/// A dancer-frame vector in view space `[h, v, d]` (see the module docs).
pub fn to_view(view: View, p: &Vec3) -> [f64; 3] {
    let [h, v] = view.plane_m(p);
    [h, v, view.depth_m(p)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_pose_has_unit_scale_and_audience_facing_axes() {
        let reference = ReferenceLengths::default();
        let f = BodyFrame::estimate(&BodyModel::default().rest_pose(), &reference);
        assert!((f.scale - 1.0).abs() < 1e-9);
        assert!((f.up - Vec3::y()).norm() < 0.05);
        assert!((f.left - Vec3::x()).norm() < 0.05);
        assert!((f.forward - Vec3::z()).norm() < 0.05);
        let tall = BodyModel::with_height(2.04).rest_pose();
        let f = BodyFrame::estimate(&tall, &reference);
        assert!((f.scale - 1.2).abs() < 1e-9);
        assert!((f.len_m(0.1) - 0.12).abs() < 1e-12);
    }

    #[test]
    fn a_dancer_turned_to_face_its_left_faces_plus_x() {
        // Rotating the rest pose by +90° about y turns +z (forward) into +x.
        let rest = BodyModel::default().rest_pose();
        let mut turned = rest;
        for p in &mut turned.points {
            *p = Vec3::new(p.z, p.y, -p.x);
        }
        let f = BodyFrame::estimate(&turned, &ReferenceLengths::default());
        assert!((f.forward - Vec3::x()).norm() < 0.05, "{:?}", f.forward);
        assert!((f.left - Vec3::new(0.0, 0.0, -1.0)).norm() < 0.05);
    }

    #[test]
    fn missing_keypoints_fall_back_to_defaults() {
        let mut nan = Pose::zeros();
        nan.points.iter_mut().for_each(|p| p.x = f64::NAN);
        let f = BodyFrame::estimate(&nan, &ReferenceLengths::default());
        assert_eq!(
            (f.scale, f.up, f.left, f.forward),
            (1.0, Vec3::y(), Vec3::x(), Vec3::z())
        );
        let mut one_arm = BodyModel::default().rest_pose();
        one_arm.points[Joint::LWrist.index()].y = f64::INFINITY;
        let f = BodyFrame::estimate(&one_arm, &ReferenceLengths::default());
        assert!((f.scale - 1.0).abs() < 1e-9);
    }

    #[test]
    fn view_space_is_right_handed_in_both_views() {
        for view in [View::Front, View::Side] {
            let [x, y, z] = [Vec3::x(), Vec3::y(), Vec3::z()].map(|v| {
                let [h, v, d] = to_view(view, &v);
                Vec3::new(h, v, d)
            });
            assert!((x.cross(&y) - z).norm() < 1e-12, "{view:?}");
        }
    }
}
