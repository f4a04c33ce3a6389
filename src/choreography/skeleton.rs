//! The coco18 skeleton: joint order, bones, poses and left/right mirroring.
//!
//! Frame: the **dancer frame**, metres: x to the audience's right, y up, z toward the audience,
//! origin on the floor between the feet at rest. A dancer facing the audience has its right
//! shoulder at negative x. Mirroring ([`Pose::mirrored`]) reflects x and swaps the
//! left and right joints, so a mirrored right-arm wave is a left-arm wave.
//!
//! Keypoint order is OpenPose's COCO-18: nose, neck, r_shoulder, r_elbow, r_wrist, l_shoulder,
//! l_elbow, l_wrist, r_hip, r_knee, r_ankle, l_hip, l_knee, l_ankle, r_eye, l_eye, r_ear, l_ear.

use nalgebra::Vector3;

/// Number of keypoints in the coco18 layout.
pub const N_JOINTS: usize = 18;

/// Name of the layout in files.
pub const LAYOUT_COCO18: &str = "coco18";

/// A point or direction in the dancer frame, metres.
pub type Vec3 = Vector3<f64>;

/// One coco18 keypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Joint {
    Nose,
    Neck,
    RShoulder,
    RElbow,
    RWrist,
    LShoulder,
    LElbow,
    LWrist,
    RHip,
    RKnee,
    RAnkle,
    LHip,
    LKnee,
    LAnkle,
    REye,
    LEye,
    REar,
    LEar,
}

impl Joint {
    /// Every joint in coco18 order.
    pub const ALL: [Joint; N_JOINTS] = [
        Joint::Nose,
        Joint::Neck,
        Joint::RShoulder,
        Joint::RElbow,
        Joint::RWrist,
        Joint::LShoulder,
        Joint::LElbow,
        Joint::LWrist,
        Joint::RHip,
        Joint::RKnee,
        Joint::RAnkle,
        Joint::LHip,
        Joint::LKnee,
        Joint::LAnkle,
        Joint::REye,
        Joint::LEye,
        Joint::REar,
        Joint::LEar,
    ];

    /// Index in coco18 order.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The joint at a coco18 index.
    pub fn from_index(i: usize) -> Option<Joint> {
        Self::ALL.get(i).copied()
    }

    /// Name as written in files (`r_shoulder`, …).
    pub fn name(self) -> &'static str {
        JOINT_NAMES[self.index()]
    }

    /// The joint on the other side of the body (itself for nose and neck).
    pub fn mirror(self) -> Joint {
        use Joint::*;
        match self {
            Nose => Nose,
            Neck => Neck,
            RShoulder => LShoulder,
            RElbow => LElbow,
            RWrist => LWrist,
            LShoulder => RShoulder,
            LElbow => RElbow,
            LWrist => RWrist,
            RHip => LHip,
            RKnee => LKnee,
            RAnkle => LAnkle,
            LHip => RHip,
            LKnee => RKnee,
            LAnkle => RAnkle,
            REye => LEye,
            LEye => REye,
            REar => LEar,
            LEar => REar,
        }
    }
}

/// File names of the joints, in coco18 order.
pub const JOINT_NAMES: [&str; N_JOINTS] = [
    "nose",
    "neck",
    "r_shoulder",
    "r_elbow",
    "r_wrist",
    "l_shoulder",
    "l_elbow",
    "l_wrist",
    "r_hip",
    "r_knee",
    "r_ankle",
    "l_hip",
    "l_knee",
    "l_ankle",
    "r_eye",
    "l_eye",
    "r_ear",
    "l_ear",
];

/// A bone: the child keypoint hangs off the parent at a fixed length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bone {
    /// The joint nearer the root (the neck).
    pub parent: Joint,
    /// The joint farther from the root.
    pub child: Joint,
}

const fn bone(parent: Joint, child: Joint) -> Bone {
    Bone { parent, child }
}

/// The 17 bones of the coco18 tree, rooted at the neck, each parent listed before its children.
pub const BONES: [Bone; 17] = [
    bone(Joint::Neck, Joint::Nose),
    bone(Joint::Nose, Joint::REye),
    bone(Joint::REye, Joint::REar),
    bone(Joint::Nose, Joint::LEye),
    bone(Joint::LEye, Joint::LEar),
    bone(Joint::Neck, Joint::RShoulder),
    bone(Joint::RShoulder, Joint::RElbow),
    bone(Joint::RElbow, Joint::RWrist),
    bone(Joint::Neck, Joint::LShoulder),
    bone(Joint::LShoulder, Joint::LElbow),
    bone(Joint::LElbow, Joint::LWrist),
    bone(Joint::Neck, Joint::RHip),
    bone(Joint::RHip, Joint::RKnee),
    bone(Joint::RKnee, Joint::RAnkle),
    bone(Joint::Neck, Joint::LHip),
    bone(Joint::LHip, Joint::LKnee),
    bone(Joint::LKnee, Joint::LAnkle),
];

/// The index in [`BONES`] of the mirror image of bone `i`.
pub fn mirror_bone(i: usize) -> usize {
    let b = BONES[i];
    BONES
        .iter()
        .position(|m| m.parent == b.parent.mirror() && m.child == b.child.mirror())
        .unwrap_or(i)
}

/// One frame: the 18 keypoints in the dancer frame, metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    /// Keypoints in coco18 order.
    pub points: [Vec3; N_JOINTS],
}

impl Pose {
    /// A pose with every keypoint at the origin.
    pub fn zeros() -> Pose {
        Pose {
            points: [Vec3::zeros(); N_JOINTS],
        }
    }

    /// Position of a joint.
    pub fn get(&self, j: Joint) -> Vec3 {
        self.points[j.index()]
    }

    /// Sets the position of a joint.
    pub fn set(&mut self, j: Joint, p: Vec3) {
        self.points[j.index()] = p;
    }

    /// True when every coordinate is finite.
    pub fn is_finite(&self) -> bool {
        self.points.iter().all(|p| p.iter().all(|v| v.is_finite()))
    }

    /// The left/right mirror image: x reflected, left and right joints swapped.
    pub fn mirrored(&self) -> Pose {
        let mut out = Pose::zeros();
        for j in Joint::ALL {
            let p = self.get(j);
            out.set(j.mirror(), Vec3::new(-p.x, p.y, p.z));
        }
        out
    }

    /// The pose moved by `offset`.
    pub fn translated(&self, offset: Vec3) -> Pose {
        let mut out = *self;
        for p in &mut out.points {
            *p += offset;
        }
        out
    }

    /// Mid-point of the hips: the body's root for placement on the floor.
    pub fn pelvis(&self) -> Vec3 {
        (self.get(Joint::RHip) + self.get(Joint::LHip)) * 0.5
    }

    /// Linear blend `self·(1−t) + other·t`, joint by joint (bone lengths are not kept; project
    /// with a [`crate::choreography::body::BodyModel`] afterwards).
    pub fn lerp(&self, other: &Pose, t: f64) -> Pose {
        let mut out = *self;
        for (o, b) in out.points.iter_mut().zip(&other.points) {
            *o = *o * (1.0 - t) + b * t;
        }
        out
    }

    /// The keypoints as `[x, y, z]` arrays (file order).
    pub fn to_arrays(&self) -> [[f64; 3]; N_JOINTS] {
        self.points.map(|p| [p.x, p.y, p.z])
    }

    /// A pose from `[x, y, z]` arrays in coco18 order.
    pub fn from_arrays(a: &[[f64; 3]; N_JOINTS]) -> Pose {
        Pose {
            points: a.map(|p| Vec3::new(p[0], p[1], p[2])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_indices_round_trip() {
        for (i, j) in Joint::ALL.iter().enumerate() {
            assert_eq!(j.index(), i);
            assert_eq!(Joint::from_index(i), Some(*j));
            assert_eq!(j.mirror().mirror(), *j);
        }
        assert_eq!(Joint::RShoulder.name(), "r_shoulder");
        assert_eq!(Joint::from_index(18), None);
    }

    #[test]
    fn bones_form_a_tree_rooted_at_the_neck() {
        let mut reached = [false; N_JOINTS];
        reached[Joint::Neck.index()] = true;
        for b in BONES {
            assert!(reached[b.parent.index()], "{:?} before its parent", b.child);
            assert!(!reached[b.child.index()]);
            reached[b.child.index()] = true;
        }
        assert!(reached.iter().all(|&r| r));
        for i in 0..BONES.len() {
            assert_eq!(mirror_bone(mirror_bone(i)), i);
        }
        assert_eq!(mirror_bone(6), 9);
    }

    #[test]
    fn mirroring_twice_is_identity_and_swaps_sides() {
        let mut p = Pose::zeros();
        p.set(Joint::RWrist, Vec3::new(-0.5, 1.2, 0.1));
        let m = p.mirrored();
        assert_eq!(m.get(Joint::LWrist), Vec3::new(0.5, 1.2, 0.1));
        assert_eq!(m.mirrored(), p);
    }
}
