//! The map's `limits` section: joint limits that override the URDF's, because real URDFs lie
//! (OP3's says ±2.83 rad and 100 rad/s on every joint; its servos and cables allow far less).
//!
//! A joint's limits are merged field by field: the URDF, then `all_joints`, then
//! `joints.<name>`. Acceleration has no URDF field: `joints.<name>`, else `all_joints`, else
//! `default_acceleration_rad_per_s2`. Jerk has no URDF field either: `joints.<name>`, else
//! `all_joints`, else [`DEFAULT_JERK_PER_ACCELERATION_PER_S`] times the joint's merged
//! acceleration limit. Radians (metres for prismatic joints), seconds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::map::RobotMap;
use super::RetargetError;
use crate::config::InvalidField;
use crate::robot::limits::{JointLimit, LimitSet, DEFAULT_JERK_PER_ACCELERATION_PER_S};
use crate::robot::{JointLimits, RobotModel};

/// Overrides for one joint; every field optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JointLimitSpec {
    /// Lowest position, rad.
    pub lower_rad: Option<f64>,
    /// Highest position, rad.
    pub upper_rad: Option<f64>,
    /// Largest speed, rad/s.
    pub velocity_rad_per_s: Option<f64>,
    /// Largest acceleration, rad/s².
    pub acceleration_rad_per_s2: Option<f64>,
    /// Largest jerk, rad/s³ (default: 10 times the acceleration limit).
    pub jerk_rad_per_s3: Option<f64>,
}

/// The `limits` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsSpec {
    /// Acceleration limit of joints given none, rad/s². Lower it for heavy or geared robots.
    pub default_acceleration_rad_per_s2: f64,
    /// Applied to every joint before its own entry (for URDFs whose limits are placeholders).
    pub all_joints: JointLimitSpec,
    /// Per-joint overrides, by URDF joint name.
    pub joints: BTreeMap<String, JointLimitSpec>,
}

impl Default for LimitsSpec {
    fn default() -> Self {
        Self {
            default_acceleration_rad_per_s2: 20.0,
            all_joints: JointLimitSpec::default(),
            joints: BTreeMap::new(),
        }
    }
}

impl JointLimitSpec {
    fn validate(&self, field: &str) -> Result<(), InvalidField> {
        let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
        let positive = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v > 0.0);
        if !finite(self.lower_rad) || !finite(self.upper_rad) {
            return Err(InvalidField::new(field, "position limits must be finite"));
        }
        if let (Some(lo), Some(hi)) = (self.lower_rad, self.upper_rad) {
            if lo >= hi {
                return Err(InvalidField::new(
                    format!("{field}.lower_rad"),
                    format!("{lo} is not below upper_rad {hi}"),
                ));
            }
        }
        if !positive(self.velocity_rad_per_s) {
            return Err(InvalidField::new(
                format!("{field}.velocity_rad_per_s"),
                "must be > 0",
            ));
        }
        if !positive(self.acceleration_rad_per_s2) {
            return Err(InvalidField::new(
                format!("{field}.acceleration_rad_per_s2"),
                "must be > 0",
            ));
        }
        if !positive(self.jerk_rad_per_s3) {
            return Err(InvalidField::new(
                format!("{field}.jerk_rad_per_s3"),
                "must be > 0",
            ));
        }
        Ok(())
    }
}

impl LimitsSpec {
    /// Checks every value (finite, ordered, positive).
    pub fn validate(&self) -> Result<(), InvalidField> {
        let a = self.default_acceleration_rad_per_s2;
        if !(a.is_finite() && a > 0.0) {
            return Err(InvalidField::new(
                "limits.default_acceleration_rad_per_s2",
                "must be > 0",
            ));
        }
        self.all_joints.validate("limits.all_joints")?;
        for (name, spec) in &self.joints {
            spec.validate(&format!("limits.joints.{name}"))?;
        }
        Ok(())
    }

    /// The merged limits of one joint (may be infinite where neither URDF nor map says).
    pub fn merged(&self, joint: &str, urdf: &JointLimits) -> JointLimit {
        let own = self.joints.get(joint).copied().unwrap_or_default();
        let all = self.all_joints;
        let pick =
            |f: fn(&JointLimitSpec) -> Option<f64>, urdf: f64| f(&own).or(f(&all)).unwrap_or(urdf);
        let acceleration = pick(
            |s| s.acceleration_rad_per_s2,
            self.default_acceleration_rad_per_s2,
        );
        JointLimit {
            lower_rad: pick(|s| s.lower_rad, urdf.lower_rad),
            upper_rad: pick(|s| s.upper_rad, urdf.upper_rad),
            max_velocity_rad_per_s: pick(|s| s.velocity_rad_per_s, urdf.velocity_rad_per_s),
            max_acceleration_rad_per_s2: acceleration,
            max_jerk_rad_per_s3: pick(
                |s| s.jerk_rad_per_s3,
                DEFAULT_JERK_PER_ACCELERATION_PER_S * acceleration,
            ),
        }
    }
}

impl RobotMap {
    /// Merged limits of every dof of `model`, dof order.
    pub fn dof_limits(&self, model: &RobotModel) -> Vec<JointLimit> {
        (0..model.n_dofs())
            .map(|d| {
                let j = model.dof_joint(d);
                self.limits.merged(&j.name, &j.limits)
            })
            .collect()
    }

    /// The limits of the commanded joints (the trajectory's joints, in its order): the URDF's,
    /// overridden by this map. The time-parameterization and safety stages enforce these.
    pub fn limit_set(&self, model: &RobotModel) -> Result<LimitSet, RetargetError> {
        let dofs = super::bind::commanded_dofs(self, model)?;
        let all = self.dof_limits(model);
        let names = dofs
            .iter()
            .map(|&d| model.dof_joint(d).name.clone())
            .collect();
        let limits = dofs.iter().map(|&d| all[d]).collect();
        LimitSet::new(names, limits).map_err(|e| RetargetError::Map {
            path: self.source.clone(),
            field: "limits".to_owned(),
            problem: format!("{e} (give the joint finite limits under limits.joints)"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_order_is_urdf_then_all_joints_then_own() {
        let mut spec = LimitsSpec::default();
        spec.all_joints.velocity_rad_per_s = Some(5.0);
        spec.all_joints.lower_rad = Some(-1.0);
        spec.joints.insert(
            "knee".into(),
            JointLimitSpec {
                lower_rad: Some(0.0),
                acceleration_rad_per_s2: Some(7.0),
                ..Default::default()
            },
        );
        let urdf = JointLimits {
            lower_rad: -2.8,
            upper_rad: 2.8,
            velocity_rad_per_s: 100.0,
            effort: 1.0,
        };
        let knee = spec.merged("knee", &urdf);
        assert_eq!(
            (knee.lower_rad, knee.upper_rad, knee.max_velocity_rad_per_s),
            (0.0, 2.8, 5.0)
        );
        assert_eq!(knee.max_acceleration_rad_per_s2, 7.0);
        let other = spec.merged("hip", &urdf);
        assert_eq!(other.lower_rad, -1.0);
        assert_eq!(other.max_acceleration_rad_per_s2, 20.0);
        // Jerk defaults to ten times the joint's own acceleration limit.
        assert_eq!(knee.max_jerk_rad_per_s3, 70.0);
        assert_eq!(other.max_jerk_rad_per_s3, 200.0);
        spec.all_joints.jerk_rad_per_s3 = Some(150.0);
        assert_eq!(spec.merged("knee", &urdf).max_jerk_rad_per_s3, 150.0);
    }

    #[test]
    fn inverted_or_non_positive_overrides_name_the_field() {
        let mut spec = LimitsSpec::default();
        spec.joints.insert(
            "elbow".into(),
            JointLimitSpec {
                lower_rad: Some(1.0),
                upper_rad: Some(0.5),
                ..Default::default()
            },
        );
        assert_eq!(
            spec.validate().unwrap_err().field,
            "limits.joints.elbow.lower_rad"
        );
        let mut spec = LimitsSpec::default();
        spec.all_joints.velocity_rad_per_s = Some(0.0);
        assert!(spec.validate().unwrap_err().field.contains("velocity"));
        let mut spec = LimitsSpec::default();
        spec.all_joints.jerk_rad_per_s3 = Some(-1.0);
        assert_eq!(
            spec.validate().unwrap_err().field,
            "limits.all_joints.jerk_rad_per_s3"
        );
    }
}
