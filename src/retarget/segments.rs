//! Segments: the directions retargeting matches, each between two keypoints of the dancer and
//! the same two landmarks of the robot. Directions are scale-invariant, so a 0.5 m robot can
//! dance a 1.7 m dancer's moves.
//!
//! Frames: dancer directions are taken in the dancer frame and rotated into the robot's world
//! frame by `robot_from_dancer` (see [`super::map`]). Keypoints that are NaN, infinite or
//! coincide give no direction; the target then holds its last valid value.

use nalgebra::{Matrix3, Vector3};
use serde::Serialize;

use super::map::Part;
use crate::choreography::skeleton::{Joint, Pose};

/// An end of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// One keypoint.
    Keypoint(Joint),
    /// The mid-point of the hips.
    Pelvis,
}

/// A direction between two keypoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Pelvis → neck (lean).
    Torso,
    /// Right shoulder → left shoulder (torso twist and tilt).
    Shoulders,
    /// Neck → nose (nod and turn).
    Head,
    /// Right ear → left ear (head turn and tilt).
    Ears,
    /// Left shoulder → left elbow.
    UpperArmLeft,
    /// Left elbow → left wrist.
    ForearmLeft,
    /// Right shoulder → right elbow.
    UpperArmRight,
    /// Right elbow → right wrist.
    ForearmRight,
    /// Left hip → left knee.
    ThighLeft,
    /// Left knee → left ankle.
    ShinLeft,
    /// Right hip → right knee.
    ThighRight,
    /// Right knee → right ankle.
    ShinRight,
}

/// Number of segments.
pub const N_SEGMENTS: usize = 12;

impl Segment {
    /// Every segment, in part priority order.
    pub const ALL: [Segment; N_SEGMENTS] = [
        Segment::Torso,
        Segment::Shoulders,
        Segment::Head,
        Segment::Ears,
        Segment::UpperArmLeft,
        Segment::ForearmLeft,
        Segment::UpperArmRight,
        Segment::ForearmRight,
        Segment::ThighLeft,
        Segment::ShinLeft,
        Segment::ThighRight,
        Segment::ShinRight,
    ];

    /// Index in [`Segment::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Torso => "torso",
            Segment::Shoulders => "shoulders",
            Segment::Head => "head",
            Segment::Ears => "ears",
            Segment::UpperArmLeft => "upper_arm_left",
            Segment::ForearmLeft => "forearm_left",
            Segment::UpperArmRight => "upper_arm_right",
            Segment::ForearmRight => "forearm_right",
            Segment::ThighLeft => "thigh_left",
            Segment::ShinLeft => "shin_left",
            Segment::ThighRight => "thigh_right",
            Segment::ShinRight => "shin_right",
        }
    }

    /// The map part whose joints move it.
    pub fn part(self) -> Part {
        match self {
            Segment::Torso | Segment::Shoulders => Part::Torso,
            Segment::Head | Segment::Ears => Part::Head,
            Segment::UpperArmLeft => Part::UpperArmLeft,
            Segment::ForearmLeft => Part::ForearmLeft,
            Segment::UpperArmRight => Part::UpperArmRight,
            Segment::ForearmRight => Part::ForearmRight,
            Segment::ThighLeft => Part::ThighLeft,
            Segment::ShinLeft => Part::ShinLeft,
            Segment::ThighRight => Part::ThighRight,
            Segment::ShinRight => Part::ShinRight,
        }
    }

    /// Start and end.
    pub fn ends(self) -> (End, End) {
        use Joint::*;
        let k = End::Keypoint;
        match self {
            Segment::Torso => (End::Pelvis, k(Neck)),
            Segment::Shoulders => (k(RShoulder), k(LShoulder)),
            Segment::Head => (k(Neck), k(Nose)),
            Segment::Ears => (k(REar), k(LEar)),
            Segment::UpperArmLeft => (k(LShoulder), k(LElbow)),
            Segment::ForearmLeft => (k(LElbow), k(LWrist)),
            Segment::UpperArmRight => (k(RShoulder), k(RElbow)),
            Segment::ForearmRight => (k(RElbow), k(RWrist)),
            Segment::ThighLeft => (k(LHip), k(LKnee)),
            Segment::ShinLeft => (k(LKnee), k(LAnkle)),
            Segment::ThighRight => (k(RHip), k(RKnee)),
            Segment::ShinRight => (k(RKnee), k(RAnkle)),
        }
    }
}

/// Position of an end in a pose.
pub fn end_point(pose: &Pose, end: End) -> Vector3<f64> {
    match end {
        End::Keypoint(j) => pose.get(j),
        End::Pelvis => pose.pelvis(),
    }
}

/// Unit direction of `v`, or `None` when it is zero or not finite. Scales by the largest
/// component first, so huge but finite vectors still have a direction.
pub fn unit(v: &Vector3<f64>) -> Option<Vector3<f64>> {
    let m = v.amax();
    if !(m.is_finite() && m > 1e-12) {
        return None;
    }
    let s = v / m;
    let n = s.norm();
    (n.is_finite() && n > 0.0).then(|| s / n)
}

/// The segment's direction in a dancer pose, in the robot frame.
pub fn dancer_direction(
    pose: &Pose,
    segment: Segment,
    robot_from_dancer: &Matrix3<f64>,
) -> Option<Vector3<f64>> {
    let (a, b) = segment.ends();
    unit(&(end_point(pose, b) - end_point(pose, a))).map(|d| robot_from_dancer * d)
}

/// Angle between two unit vectors, rad (robust near 0 and π).
pub fn angle_between(a: &Vector3<f64>, b: &Vector3<f64>) -> f64 {
    a.cross(b).norm().atan2(a.dot(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::BodyModel;
    use crate::retarget::map::ROBOT_FROM_DANCER;

    fn r() -> Matrix3<f64> {
        Matrix3::from_fn(|i, j| ROBOT_FROM_DANCER[i][j])
    }

    #[test]
    fn the_dancer_rest_pose_maps_to_robot_axes() {
        let rest = BodyModel::default().rest_pose();
        // Shoulders: dancer +x (audience's right) is the robot's left, +y.
        let s = dancer_direction(&rest, Segment::Shoulders, &r()).unwrap();
        assert!((s - Vector3::y()).norm() < 1e-9, "{s}");
        // Torso: up.
        let t = dancer_direction(&rest, Segment::Torso, &r()).unwrap();
        assert!((t - Vector3::z()).norm() < 1e-9);
        // Nose forward of the neck: toward the audience is the robot's +x.
        let h = dancer_direction(&rest, Segment::Head, &r()).unwrap();
        assert!(h.x > 0.5 && h.z > 0.5 && h.y.abs() < 1e-9, "{h}");
        // The right upper arm hangs down and slightly out to the robot's right (−y).
        let a = dancer_direction(&rest, Segment::UpperArmRight, &r()).unwrap();
        assert!(a.z < -0.99 && a.y < 0.0, "{a}");
    }

    #[test]
    fn bad_points_give_no_direction_and_huge_ones_do() {
        let mut p = BodyModel::default().rest_pose();
        p.set(Joint::LWrist, Vector3::new(f64::NAN, 0.0, 0.0));
        assert!(dancer_direction(&p, Segment::ForearmLeft, &r()).is_none());
        p.set(Joint::LWrist, p.get(Joint::LElbow));
        assert!(dancer_direction(&p, Segment::ForearmLeft, &r()).is_none());
        p.set(Joint::LWrist, Vector3::new(1e300, -1e300, 0.0));
        let d = dancer_direction(&p, Segment::ForearmLeft, &r()).unwrap();
        assert!((d.norm() - 1.0).abs() < 1e-12);
        assert!(
            (angle_between(&Vector3::x(), &-Vector3::x()) - std::f64::consts::PI).abs() < 1e-12
        );
    }
}
