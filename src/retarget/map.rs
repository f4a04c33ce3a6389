//! The per-robot map file, `config/robots/<robot>.yaml`: what a lab writes once per robot.
//!
//! A map says where the dancer's keypoints sit on the robot (**landmarks**: a URDF link and a
//! point in its frame, metres), which URDF joints move each semantic body **part**, what the
//! legs do (**lower body** mode), the **home** pose, **limits** that override the URDF's, the
//! **self-collision** capsules and margin, the **balance** settings and the **solver** settings.
//! The guide is `docs/robot-maps.md`.
//!
//! Retargeting matches *directions* (shoulder → elbow, elbow → wrist, …), so a map carries no
//! joint signs: the URDF's own axes give them. Offsets are carried by the landmarks: put each
//! where a human's keypoint would be on the robot at its home pose.
//!
//! Frames: `robot_from_dancer` rotates dancer-frame vectors (x audience's right, y up, z toward
//! the audience) into the robot's world frame (x forward, y left, z up). A robot facing the
//! audience has its left on the audience's right, so robot x = dancer z, robot y = dancer x and
//! robot z = dancer y: rows `[[0,0,1],[1,0,0],[0,1,0]]`, the default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use super::parts::{Limb, LowerBody, Part};

use super::limits::LimitsSpec;
use super::settings::{BalanceSpec, SelfCollisionSpec, SolverSpec};
use crate::choreography::skeleton::JOINT_NAMES;
use crate::config::{ConfigError, InvalidField, Validate};

/// Where a keypoint sits on the robot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandmarkSpec {
    /// URDF link the point is fixed to.
    pub link: String,
    /// The point in the link's frame, metres (default: the link origin, i.e. its joint).
    #[serde(default)]
    pub point_m: [f64; 3],
}

/// One body part's joints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PartSpec {
    /// Independent URDF joints that move the part (not mimic joints: name their leader).
    pub joints: Vec<String>,
    /// Weight of the part's direction error against the other parts of its limb.
    pub weight: f64,
    /// False: the part's joints are commanded to their home positions instead of following
    /// the dancer.
    pub driven: bool,
}

impl Default for PartSpec {
    fn default() -> Self {
        Self {
            joints: Vec::new(),
            weight: 1.0,
            driven: true,
        }
    }
}

/// The standard convention: robot x = dancer z, robot y = dancer x, robot z = dancer y.
pub const ROBOT_FROM_DANCER: [[f64; 3]; 3] = [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];

/// A robot map. Every field has a default; see the module docs and `docs/robot-maps.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RobotMap {
    /// The URDF `<robot name>` the map is written for; checked when not empty.
    pub robot: String,
    /// Rows of the rotation from dancer-frame to robot-world vectors. Change it only for a
    /// URDF whose base frame is not x forward, z up.
    pub robot_from_dancer: [[f64; 3]; 3],
    /// What the legs do: `fixed`, `upper-body` or `full`.
    pub lower_body: LowerBody,
    /// `full` mode: the robot's pelvis motion per dancer pelvis motion, each measured in its
    /// own leg lengths (1: a squat to 20 % of the dancer's leg is a squat to 20 % of the
    /// robot's). Directions need no scale.
    pub scale: f64,
    /// coco18 keypoint name → where it sits on the robot.
    pub landmarks: BTreeMap<String, LandmarkSpec>,
    /// Body part → joints that move it.
    pub parts: BTreeMap<Part, PartSpec>,
    /// Home pose, rad, by joint name (unlisted joints: 0). The first frame starts here,
    /// undriven parts stay here, and `fixed` legs stand here.
    pub home_rad: BTreeMap<String, f64>,
    /// Joint limits overriding the URDF's.
    pub limits: LimitsSpec,
    /// Self-collision model and margin.
    pub self_collision: SelfCollisionSpec,
    /// Feet, support polygon and pelvis motion (`full` mode; the CoM margin in every mode).
    pub balance: BalanceSpec,
    /// Inverse-kinematics settings.
    pub solver: SolverSpec,
    /// The file the map was read from (error messages only).
    #[serde(skip)]
    pub source: PathBuf,
}

impl Default for RobotMap {
    fn default() -> Self {
        Self {
            robot: String::new(),
            robot_from_dancer: ROBOT_FROM_DANCER,
            lower_body: LowerBody::default(),
            scale: 1.0,
            landmarks: BTreeMap::new(),
            parts: BTreeMap::new(),
            home_rad: BTreeMap::new(),
            limits: LimitsSpec::default(),
            self_collision: SelfCollisionSpec::default(),
            balance: BalanceSpec::default(),
            solver: SolverSpec::default(),
            source: PathBuf::new(),
        }
    }
}

impl RobotMap {
    /// Reads, parses and validates a map file.
    pub fn load(path: &Path) -> Result<RobotMap, ConfigError> {
        let mut map: RobotMap = crate::config::load(path)?;
        map.source = path.to_owned();
        Ok(map)
    }

    /// Parses and validates map text; `path` names the source in errors.
    pub fn parse(text: &str, path: &Path) -> Result<RobotMap, ConfigError> {
        let mut map: RobotMap = crate::config::parse(text, path)?;
        map.source = path.to_owned();
        Ok(map)
    }

    /// The parts that follow the dancer (driven, with joints, legs only in `full` mode).
    pub fn is_solved(&self, part: Part) -> bool {
        let Some(spec) = self.parts.get(&part) else {
            return false;
        };
        let legs_ok = part.limb() != Limb::Legs || self.lower_body == LowerBody::Full;
        spec.driven && !spec.joints.is_empty() && legs_ok
    }

    /// The parts whose joints are commanded (every part but the legs in `upper-body` mode).
    pub fn is_commanded(&self, part: Part) -> bool {
        self.parts.contains_key(&part)
            && !(part.limb() == Limb::Legs && self.lower_body == LowerBody::UpperBody)
    }
}

impl Validate for RobotMap {
    fn validate(&self) -> Result<(), InvalidField> {
        validate_rotation(&self.robot_from_dancer)?;
        if !(self.scale.is_finite() && (0.0..=10.0).contains(&self.scale)) {
            return Err(InvalidField::new("scale", "must be in [0, 10]"));
        }
        self.validate_landmarks()?;
        self.validate_parts()?;
        for (name, v) in &self.home_rad {
            if !v.is_finite() {
                return Err(InvalidField::new(
                    format!("home_rad.{name}"),
                    "must be finite",
                ));
            }
        }
        self.limits.validate()?;
        self.self_collision.validate()?;
        self.balance.validate()?;
        self.solver.validate()
    }
}

impl RobotMap {
    fn validate_landmarks(&self) -> Result<(), InvalidField> {
        for (name, l) in &self.landmarks {
            let field = format!("landmarks.{name}");
            if !JOINT_NAMES.contains(&name.as_str()) {
                return Err(InvalidField::new(
                    field,
                    format!("not a coco18 keypoint; expected one of {JOINT_NAMES:?}"),
                ));
            }
            if l.link.is_empty() {
                return Err(InvalidField::new(field + ".link", "must name a URDF link"));
            }
            if !l.point_m.iter().all(|v| v.is_finite()) {
                return Err(InvalidField::new(field + ".point_m", "must be finite"));
            }
        }
        Ok(())
    }

    fn validate_parts(&self) -> Result<(), InvalidField> {
        let mut owner: BTreeMap<&str, Limb> = BTreeMap::new();
        for (part, spec) in &self.parts {
            let field = format!("parts.{}", part.name());
            if !(spec.weight.is_finite() && spec.weight > 0.0) {
                return Err(InvalidField::new(field + ".weight", "must be > 0"));
            }
            for need in part.required_landmarks() {
                if !self.landmarks.contains_key(*need) {
                    return Err(InvalidField::new(
                        field,
                        format!("needs the landmark `{need}` (add landmarks.{need})"),
                    ));
                }
            }
            for (i, joint) in spec.joints.iter().enumerate() {
                match owner.insert(joint.as_str(), part.limb()) {
                    Some(limb) if limb != part.limb() => {
                        return Err(InvalidField::new(
                            format!("{field}.joints[{i}]"),
                            format!("joint {joint:?} already moves the {limb:?} limb; a joint belongs to one limb"),
                        ));
                    }
                    _ => {}
                }
            }
        }
        let arms = [Part::UpperArmLeft, Part::UpperArmRight];
        if !arms
            .iter()
            .any(|p| self.parts.get(p).is_some_and(|s| !s.joints.is_empty()))
        {
            return Err(InvalidField::new(
                "parts",
                "the map moves no arm: a dancing robot needs parts.upper_arm_left or parts.upper_arm_right with joints",
            ));
        }
        Ok(())
    }
}

/// Checks that rows form a proper rotation (orthonormal, determinant +1).
fn validate_rotation(rows: &[[f64; 3]; 3]) -> Result<(), InvalidField> {
    let m = nalgebra::Matrix3::from_fn(|r, c| rows[r][c]);
    let off = (m * m.transpose() - nalgebra::Matrix3::identity())
        .abs()
        .max();
    if !(off < 1e-6 && (m.determinant() - 1.0).abs() < 1e-6) {
        return Err(InvalidField::new(
            "robot_from_dancer",
            "must be a rotation matrix (orthonormal rows, determinant +1)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm_map() -> RobotMap {
        let mut map = RobotMap::default();
        for (k, link) in [("l_shoulder", "a"), ("l_elbow", "b"), ("l_wrist", "c")] {
            map.landmarks.insert(
                k.into(),
                LandmarkSpec {
                    link: link.into(),
                    point_m: [0.0; 3],
                },
            );
        }
        let joints = vec!["shoulder".into()];
        map.parts.insert(
            Part::UpperArmLeft,
            PartSpec {
                joints,
                ..PartSpec::default()
            },
        );
        map
    }

    #[test]
    fn a_minimal_arm_map_is_valid_and_its_mistakes_are_named() {
        assert!(arm_map().validate().is_ok());
        let mut m = arm_map();
        m.robot_from_dancer = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]];
        assert_eq!(m.validate().unwrap_err().field, "robot_from_dancer");
        let mut m = arm_map();
        m.landmarks.remove("l_elbow");
        let e = m.validate().unwrap_err();
        assert!(e.field == "parts.upper_arm_left" && e.problem.contains("l_elbow"));
        let mut m = arm_map();
        m.parts.clear();
        assert!(m.validate().unwrap_err().problem.contains("moves no arm"));
        let mut m = arm_map();
        let spec = PartSpec {
            joints: vec!["shoulder".into()],
            ..PartSpec::default()
        };
        m.landmarks
            .insert("neck".into(), m.landmarks["l_shoulder"].clone());
        m.landmarks
            .insert("nose".into(), m.landmarks["l_shoulder"].clone());
        m.parts.insert(Part::Head, spec);
        assert!(m.validate().unwrap_err().problem.contains("one limb"));
        let mut m = arm_map();
        m.landmarks
            .insert("pelvis".into(), m.landmarks["l_shoulder"].clone());
        assert!(m.validate().unwrap_err().problem.contains("coco18"));
    }

    #[test]
    fn parts_are_solved_and_commanded_by_mode() {
        let mut m = arm_map();
        m.parts.insert(
            Part::ThighLeft,
            PartSpec {
                joints: vec!["hip".into()],
                ..PartSpec::default()
            },
        );
        assert!(m.is_solved(Part::UpperArmLeft) && !m.is_solved(Part::ThighLeft));
        assert!(m.is_commanded(Part::ThighLeft));
        m.lower_body = LowerBody::UpperBody;
        assert!(!m.is_commanded(Part::ThighLeft));
        m.lower_body = LowerBody::Full;
        assert!(m.is_solved(Part::ThighLeft));
    }
}
