//! The map's `self_collision`, `balance` and `solver` sections. Lengths in metres, angles in
//! radians except the solver's tolerances, which are degrees like the reports.

use serde::{Deserialize, Serialize};

use crate::config::InvalidField;

/// A capsule (a segment swept by a sphere) fixed to a link, for URDFs with mesh-only collision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapsuleSpec {
    /// URDF link.
    pub link: String,
    /// One end of the segment in the link frame, m.
    pub from_m: [f64; 3],
    /// The other end, m (equal to `from_m` for a sphere).
    pub to_m: [f64; 3],
    /// Radius, m.
    pub radius_m: f64,
}

/// The `self_collision` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SelfCollisionSpec {
    /// Check and resolve self-collisions.
    pub enabled: bool,
    /// Clearance kept between capsules of different limbs (hand to body, arm to arm), m. The
    /// default is OP3's own controller's hand-to-body distance. Pairs closer than this at the
    /// home pose need only stay about as far apart as there (the home pose is collision-free
    /// by definition).
    pub margin_m: f64,
    /// Turn the URDF's boxes, cylinders and spheres into capsules.
    pub from_urdf: bool,
    /// Extra capsules (URDFs whose collision geometry is meshes need these).
    pub capsules: Vec<CapsuleSpec>,
    /// Link pairs never checked against each other.
    pub ignore_pairs: Vec<[String; 2]>,
    /// Steps that push a colliding arm out before blending back to the last free pose.
    pub push_iterations: usize,
}

impl Default for SelfCollisionSpec {
    fn default() -> Self {
        Self {
            enabled: true,
            margin_m: 0.075,
            from_urdf: true,
            capsules: Vec::new(),
            ignore_pairs: Vec::new(),
            push_iterations: 6,
        }
    }
}

impl SelfCollisionSpec {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), InvalidField> {
        if !(self.margin_m.is_finite() && (0.0..=1.0).contains(&self.margin_m)) {
            return Err(InvalidField::new(
                "self_collision.margin_m",
                "must be in [0, 1]",
            ));
        }
        if self.push_iterations > 100 {
            return Err(InvalidField::new(
                "self_collision.push_iterations",
                "must be at most 100",
            ));
        }
        for (i, c) in self.capsules.iter().enumerate() {
            let field = format!("self_collision.capsules[{i}]");
            if c.link.is_empty() {
                return Err(InvalidField::new(field + ".link", "must name a URDF link"));
            }
            if !c.from_m.iter().chain(&c.to_m).all(|v| v.is_finite()) {
                return Err(InvalidField::new(field, "points must be finite"));
            }
            if !(c.radius_m.is_finite() && c.radius_m > 0.0) {
                return Err(InvalidField::new(field + ".radius_m", "must be > 0"));
            }
        }
        Ok(())
    }
}

/// A foot's sole: a rectangle in the foot link's x-y plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FootSpec {
    /// URDF link of the foot.
    pub link: String,
    /// Centre of the sole in the link frame, m.
    pub sole_center_m: [f64; 3],
    /// Length (link x) and width (link y) of the sole, m.
    pub sole_size_m: [f64; 2],
}

/// The `balance` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BalanceSpec {
    /// `full` mode keeps the centre-of-mass projection this far inside the support polygon, m.
    pub margin_m: f64,
    /// Left sole (default: the bottom face of the box collision shape on the `l_ankle`
    /// landmark's link).
    pub left_foot: Option<FootSpec>,
    /// Right sole (default as for the left).
    pub right_foot: Option<FootSpec>,
    /// Deepest squat, as a fraction of the robot's hip-to-ankle length.
    pub max_pelvis_drop: f64,
    /// Largest sideways or forward pelvis shift, as a fraction of the hip-to-ankle length.
    pub max_pelvis_shift: f64,
    /// Largest whole-body lean from vertical, rad.
    pub max_lean_rad: f64,
    /// Largest pelvis turn about the vertical, rad.
    pub max_pelvis_yaw_rad: f64,
}

impl Default for BalanceSpec {
    fn default() -> Self {
        Self {
            margin_m: 0.015,
            left_foot: None,
            right_foot: None,
            max_pelvis_drop: 0.15,
            max_pelvis_shift: 0.08,
            max_lean_rad: 0.2,
            max_pelvis_yaw_rad: 0.3,
        }
    }
}

impl BalanceSpec {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), InvalidField> {
        let in_range = |v: f64, hi: f64| v.is_finite() && (0.0..=hi).contains(&v);
        let checks = [
            ("balance.margin_m", in_range(self.margin_m, 0.5), "[0, 0.5]"),
            (
                "balance.max_pelvis_drop",
                in_range(self.max_pelvis_drop, 0.6),
                "[0, 0.6]",
            ),
            (
                "balance.max_pelvis_shift",
                in_range(self.max_pelvis_shift, 0.5),
                "[0, 0.5]",
            ),
            (
                "balance.max_lean_rad",
                in_range(self.max_lean_rad, 1.0),
                "[0, 1]",
            ),
            (
                "balance.max_pelvis_yaw_rad",
                in_range(self.max_pelvis_yaw_rad, 1.5),
                "[0, 1.5]",
            ),
        ];
        for (field, ok, range) in checks {
            if !ok {
                return Err(InvalidField::new(field, format!("must be in {range}")));
            }
        }
        for (side, foot) in [
            ("left_foot", &self.left_foot),
            ("right_foot", &self.right_foot),
        ] {
            let Some(f) = foot else { continue };
            let field = format!("balance.{side}");
            if f.link.is_empty() || !f.sole_center_m.iter().all(|v| v.is_finite()) {
                return Err(InvalidField::new(field, "needs a link and a finite centre"));
            }
            if !f.sole_size_m.iter().all(|v| v.is_finite() && *v > 0.0) {
                return Err(InvalidField::new(field + ".sole_size_m", "must be > 0"));
            }
        }
        Ok(())
    }
}

/// The `solver` section: damped least squares on direction errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SolverSpec {
    /// Most iterations per limb and frame.
    pub max_iterations: usize,
    /// A limb whose every direction is within this is done, degrees.
    pub tolerance_deg: f64,
    /// Damping of the least-squares steps (larger: smoother near singularities, slower).
    pub damping: f64,
    /// Largest change of one joint in one iteration, rad.
    pub max_step_rad: f64,
    /// A limb still this far off after warm-started iterations tries other starting poses,
    /// degrees.
    pub restart_above_deg: f64,
    /// Starting poses tried then (home, mid-range, spread samples of the joint box).
    pub restarts: usize,
}

impl Default for SolverSpec {
    fn default() -> Self {
        Self {
            max_iterations: 30,
            tolerance_deg: 0.02,
            damping: 0.03,
            max_step_rad: 0.5,
            restart_above_deg: 1.0,
            restarts: 10,
        }
    }
}

impl SolverSpec {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), InvalidField> {
        if !(1..=1000).contains(&self.max_iterations) {
            return Err(InvalidField::new(
                "solver.max_iterations",
                "must be in [1, 1000]",
            ));
        }
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(self.tolerance_deg) {
            return Err(InvalidField::new("solver.tolerance_deg", "must be > 0"));
        }
        if !positive(self.damping) {
            return Err(InvalidField::new("solver.damping", "must be > 0"));
        }
        if !positive(self.max_step_rad) {
            return Err(InvalidField::new("solver.max_step_rad", "must be > 0"));
        }
        if !(self.restart_above_deg.is_finite() && self.restart_above_deg >= 0.0) {
            return Err(InvalidField::new(
                "solver.restart_above_deg",
                "must be >= 0",
            ));
        }
        if self.restarts > 64 {
            return Err(InvalidField::new("solver.restarts", "must be at most 64"));
        }
        Ok(())
    }
}
