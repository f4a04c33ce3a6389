//! The rig: turns a [`ShapeVec`] into a coco18 [`Pose`] with the body's exact bone lengths.
//!
//! Dancer frame, metres. The trunk (neck and both hips) is a rigid triangle that pitches and
//! rolls about the pelvis; the chest (shoulders, arms, head) also yaws, the hips follow a third
//! of that yaw. The head turns about the neck. Arms hang from the shoulders along their
//! designed directions, expressed in the chest's frame so that they turn with it. Legs are
//! solved by two-bone inverse kinematics from each hip to its ankle target (rest ankle plus the
//! foot offset), knees bending toward the audience; an ankle out of reach is placed as far as
//! the straight leg allows, so a foot can float above its target but never sink below it.
//! Every bone has its model length by construction, to rounding.

use nalgebra::{Matrix3, Rotation3};

use super::shape::{get3, Chart, ShapeVec, Side, FOOT, FOREARM, HEAD, PELVIS, TORSO, UPPER_ARM};
use crate::choreography::body::{BodyModel, REFERENCE_HEIGHT_M};
use crate::choreography::skeleton::{Joint, Pose, Vec3};

/// Share of the chest's yaw the hips follow.
const HIP_YAW_SHARE: f64 = 0.3;

/// The head keypoints, posed rigidly about the neck.
const HEAD_JOINTS: [Joint; 5] = [
    Joint::Nose,
    Joint::REye,
    Joint::LEye,
    Joint::REar,
    Joint::LEar,
];

/// Rest geometry of one body, ready to pose.
#[derive(Debug, Clone)]
pub struct Rig {
    scale: f64,
    pelvis_rest: Vec3,
    neck_from_pelvis: Vec3,
    hip_from_pelvis: [Vec3; 2],
    shoulder_from_pelvis: [Vec3; 2],
    head_from_neck: [Vec3; 5],
    ankle_rest: [Vec3; 2],
    upper_arm_m: [f64; 2],
    forearm_m: [f64; 2],
    thigh_m: [f64; 2],
    shin_m: [f64; 2],
    upper_chart: Chart,
    fore_chart: Chart,
}

/// Joints of one side's limbs: shoulder, elbow, wrist, hip, knee, ankle.
fn limb_joints(side: Side) -> [Joint; 6] {
    match side {
        Side::Right => [
            Joint::RShoulder,
            Joint::RElbow,
            Joint::RWrist,
            Joint::RHip,
            Joint::RKnee,
            Joint::RAnkle,
        ],
        Side::Left => [
            Joint::LShoulder,
            Joint::LElbow,
            Joint::LWrist,
            Joint::LHip,
            Joint::LKnee,
            Joint::LAnkle,
        ],
    }
}

impl Rig {
    /// The rig of a body (its rest pose and bone lengths).
    pub fn new(body: &BodyModel) -> Rig {
        let rest = body.rest_pose();
        let pelvis = rest.pelvis();
        let neck = rest.get(Joint::Neck);
        let per_side = |f: &dyn Fn([Joint; 6]) -> Vec3| Side::BOTH.map(|s| f(limb_joints(s)));
        let dist = |a: Joint, b: Joint| (rest.get(a) - rest.get(b)).norm();
        let per_side_len =
            |i: usize, k: usize| Side::BOTH.map(|s| dist(limb_joints(s)[i], limb_joints(s)[k]));
        Rig {
            scale: body.height_m() / REFERENCE_HEIGHT_M,
            pelvis_rest: pelvis,
            neck_from_pelvis: neck - pelvis,
            hip_from_pelvis: per_side(&|j| rest.get(j[3]) - pelvis),
            shoulder_from_pelvis: per_side(&|j| rest.get(j[0]) - pelvis),
            head_from_neck: HEAD_JOINTS.map(|j| rest.get(j) - neck),
            ankle_rest: per_side(&|j| rest.get(j[5])),
            upper_arm_m: per_side_len(0, 1),
            forearm_m: per_side_len(1, 2),
            thigh_m: per_side_len(3, 4),
            shin_m: per_side_len(4, 5),
            upper_chart: Chart::upper_arm(),
            fore_chart: Chart::forearm(),
        }
    }

    /// Height of the rest ankles above the floor, metres (the lowest an ankle may go).
    pub fn floor_ankle_y_m(&self) -> f64 {
        self.ankle_rest[0].y.min(self.ankle_rest[1].y)
    }

    /// Where a shape puts an ankle: its rest position plus the foot offset, never lower than
    /// rest (a live correction may ask for that). The posed ankle is there, or above it when
    /// the leg cannot reach.
    pub fn ankle_target(&self, s: &ShapeVec, side: Side) -> Vec3 {
        let mut offset = get3(s, FOOT[side as usize]);
        offset.y = offset.y.max(0.0);
        self.ankle_rest[side as usize] + side.to_dancer(offset) * self.scale
    }

    /// The pose of a shape.
    pub fn pose(&self, s: &ShapeVec) -> Pose {
        let mut pose = Pose::zeros();
        let pelvis = self.pelvis_rest + get3(s, PELVIS) * self.scale;
        let t = get3(s, TORSO);
        let trunk = rot_z(t.z) * rot_x(t.x);
        let chest = trunk * rot_y(t.y);
        let hips = trunk * rot_y(HIP_YAW_SHARE * t.y);
        let neck = pelvis + trunk * self.neck_from_pelvis;
        pose.set(Joint::Neck, neck);
        let h = get3(s, HEAD);
        let head = chest * rot_y(h.y) * rot_x(h.x) * rot_z(h.z);
        for (j, offset) in HEAD_JOINTS.iter().zip(&self.head_from_neck) {
            pose.set(*j, neck + head * offset);
        }
        for side in Side::BOTH {
            self.pose_side(s, side, pelvis, &chest, &hips, &mut pose);
        }
        pose
    }

    fn pose_side(
        &self,
        s: &ShapeVec,
        side: Side,
        pelvis: Vec3,
        chest: &Matrix3<f64>,
        hips: &Matrix3<f64>,
        pose: &mut Pose,
    ) {
        let i = side as usize;
        let [shoulder_j, elbow_j, wrist_j, hip_j, knee_j, ankle_j] = limb_joints(side);
        let shoulder = pelvis + chest * self.shoulder_from_pelvis[i];
        let upper = self.upper_chart.exp([s[UPPER_ARM[i]], s[UPPER_ARM[i] + 1]]);
        let fore = self.fore_chart.exp([s[FOREARM[i]], s[FOREARM[i] + 1]]);
        let elbow = shoulder + chest * side.to_dancer(upper) * self.upper_arm_m[i];
        let wrist = elbow + chest * side.to_dancer(fore) * self.forearm_m[i];
        pose.set(shoulder_j, shoulder);
        pose.set(elbow_j, elbow);
        pose.set(wrist_j, wrist);
        let hip = pelvis + hips * self.hip_from_pelvis[i];
        let target = self.ankle_target(s, side);
        let knee_hint = hips * Vec3::z();
        let (knee, ankle) = two_bone(hip, target, self.thigh_m[i], self.shin_m[i], knee_hint);
        pose.set(hip_j, hip);
        pose.set(knee_j, knee);
        pose.set(ankle_j, ankle);
    }
}

fn rot_x(rad: f64) -> Matrix3<f64> {
    *Rotation3::from_axis_angle(&Vec3::x_axis(), rad).matrix()
}

fn rot_y(rad: f64) -> Matrix3<f64> {
    *Rotation3::from_axis_angle(&Vec3::y_axis(), rad).matrix()
}

fn rot_z(rad: f64) -> Matrix3<f64> {
    *Rotation3::from_axis_angle(&Vec3::z_axis(), rad).matrix()
}

/// Two-bone inverse kinematics: the middle and end joints of a chain of lengths `l1`, `l2`
/// from `root` toward `target`, bending toward `hint`. A target out of reach is approached
/// along the same line as far as the chain allows.
pub fn two_bone(root: Vec3, target: Vec3, l1: f64, l2: f64, hint: Vec3) -> (Vec3, Vec3) {
    let to = target - root;
    let d_target = to.norm();
    let u = if d_target > 1e-9 {
        to / d_target
    } else {
        -Vec3::y()
    };
    let d = d_target.clamp((l1 - l2).abs() + 1e-9, l1 + l2);
    // Distance along u from the root to the foot of the middle joint's perpendicular.
    let a = (d * d + l1 * l1 - l2 * l2) / (2.0 * d);
    let h = (l1 * l1 - a * a).max(0.0).sqrt();
    let side = hint - u * hint.dot(&u);
    let n = if side.norm() > 1e-9 {
        side.normalize()
    } else {
        u.cross(&Vec3::x()).normalize()
    };
    (root + u * a + n * h, root + u * d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::moves::shape::{mirror, Key};

    #[test]
    fn the_rest_key_gives_the_rest_pose_at_any_height() {
        for height in [1.70, 1.2, 1.95] {
            let body = BodyModel::with_height(height);
            let pose = Rig::new(&body).pose(&Key::rest().to_shape());
            let rest = body.rest_pose();
            for j in Joint::ALL {
                let err = (pose.get(j) - rest.get(j)).norm();
                assert!(err < 1e-9, "{height}: {j:?} off by {err}");
            }
        }
    }

    #[test]
    fn a_posed_shape_keeps_bone_lengths_and_mirrors_like_the_pose() {
        let body = BodyModel::default();
        let rig = Rig::new(&body);
        let key = Key::stance()
            .dip(0.08)
            .shift_right(0.06)
            .lean(0.2)
            .twist_left(0.4)
            .bend_right(0.15)
            .nod(0.3)
            .head_left(-0.2)
            .arm(Side::Right, [0.3, 1.0, 0.2], [0.0, 1.0, 0.3])
            .foot(Side::Left, [0.15, 0.1, 0.1]);
        let s = key.to_shape();
        let pose = rig.pose(&s);
        assert!(pose.is_finite());
        assert!(body.max_length_deviation(&pose) < 1e-12);
        let mirrored = rig.pose(&mirror(&s));
        let want = pose.mirrored();
        for j in Joint::ALL {
            assert!((mirrored.get(j) - want.get(j)).norm() < 1e-12, "{j:?}");
        }
    }

    #[test]
    fn two_bone_reaches_reachable_targets_and_bends_toward_the_hint() {
        let root = Vec3::new(0.0, 1.0, 0.0);
        let target = Vec3::new(0.0, 0.3, 0.1);
        let (mid, end) = two_bone(root, target, 0.43, 0.43, Vec3::z());
        assert!((end - target).norm() < 1e-12);
        assert!(((mid - root).norm() - 0.43).abs() < 1e-12);
        assert!(((end - mid).norm() - 0.43).abs() < 1e-12);
        assert!(mid.z > 0.1, "knee should point forward: {mid:?}");
        // Out of reach: straight chain along the line, end above the target.
        let (_, far) = two_bone(root, Vec3::new(0.0, -1.0, 0.0), 0.43, 0.43, Vec3::z());
        assert!((far - Vec3::new(0.0, 0.14, 0.0)).norm() < 1e-12);
    }
}
