//! Semantic body parts, the limbs they are solved in, and the lower-body modes: the
//! vocabulary of map files (`parts.upper_arm_left`, `lower_body: full`, …).

use serde::{Deserialize, Serialize};

/// A semantic body part, as named in map files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Pelvis → neck, and the shoulder line (twist).
    Torso,
    /// Neck → nose, and the ear line.
    Head,
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

impl Part {
    /// Every part, in priority order (torso, head, arms, legs).
    pub const ALL: [Part; 10] = [
        Part::Torso,
        Part::Head,
        Part::UpperArmLeft,
        Part::ForearmLeft,
        Part::UpperArmRight,
        Part::ForearmRight,
        Part::ThighLeft,
        Part::ShinLeft,
        Part::ThighRight,
        Part::ShinRight,
    ];

    /// Name as written in map files.
    pub fn name(self) -> &'static str {
        match self {
            Part::Torso => "torso",
            Part::Head => "head",
            Part::UpperArmLeft => "upper_arm_left",
            Part::ForearmLeft => "forearm_left",
            Part::UpperArmRight => "upper_arm_right",
            Part::ForearmRight => "forearm_right",
            Part::ThighLeft => "thigh_left",
            Part::ShinLeft => "shin_left",
            Part::ThighRight => "thigh_right",
            Part::ShinRight => "shin_right",
        }
    }

    /// The limb (IK group) the part belongs to.
    pub fn limb(self) -> Limb {
        match self {
            Part::Torso => Limb::Torso,
            Part::Head => Limb::Head,
            Part::UpperArmLeft | Part::ForearmLeft => Limb::LeftArm,
            Part::UpperArmRight | Part::ForearmRight => Limb::RightArm,
            Part::ThighLeft | Part::ShinLeft | Part::ThighRight | Part::ShinRight => Limb::Legs,
        }
    }

    /// The part's near and far landmarks (its joints move the far one).
    pub fn ends(self) -> (&'static str, &'static str) {
        match self {
            Part::Torso => ("r_hip", "neck"),
            Part::Head => ("neck", "nose"),
            Part::UpperArmLeft => ("l_shoulder", "l_elbow"),
            Part::ForearmLeft => ("l_elbow", "l_wrist"),
            Part::UpperArmRight => ("r_shoulder", "r_elbow"),
            Part::ForearmRight => ("r_elbow", "r_wrist"),
            Part::ThighLeft => ("l_hip", "l_knee"),
            Part::ShinLeft => ("l_knee", "l_ankle"),
            Part::ThighRight => ("r_hip", "r_knee"),
            Part::ShinRight => ("r_knee", "r_ankle"),
        }
    }

    /// The landmarks (coco18 names) the part needs; `pelvis` is the mid-point of the hips.
    pub fn required_landmarks(self) -> &'static [&'static str] {
        match self {
            Part::Torso => &["neck", "r_hip", "l_hip"],
            Part::Head => &["neck", "nose"],
            Part::UpperArmLeft => &["l_shoulder", "l_elbow"],
            Part::ForearmLeft => &["l_elbow", "l_wrist"],
            Part::UpperArmRight => &["r_shoulder", "r_elbow"],
            Part::ForearmRight => &["r_elbow", "r_wrist"],
            Part::ThighLeft => &["l_hip", "l_knee"],
            Part::ShinLeft => &["l_knee", "l_ankle"],
            Part::ThighRight => &["r_hip", "r_knee"],
            Part::ShinRight => &["r_knee", "r_ankle"],
        }
    }
}

/// A group of parts solved together, in priority order: the torso first, then the head and
/// arms (which hang off the torso), then the legs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limb {
    /// The torso's joints (waist).
    Torso,
    /// The neck's joints.
    Head,
    /// Left shoulder and elbow.
    LeftArm,
    /// Right shoulder and elbow.
    RightArm,
    /// Both legs (solved together: some robots couple them, e.g. NAO's hip yaw-pitch).
    Legs,
}

/// What the legs do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LowerBody {
    /// Legs held at the home stance and commanded there; the base never moves.
    #[default]
    Fixed,
    /// Legs not commanded at all (the robot's own controller keeps it standing).
    UpperBody,
    /// Feet stay flat where they stand; the pelvis follows the dancer's squats, sway, lean and
    /// hip turn, shifted so the centre of mass stays inside the support polygon.
    Full,
}
