//! Per-joint limits a robot may be commanded within: position, velocity, acceleration and jerk.
//!
//! Jerk is limited by the offline time parameterization only
//! ([`crate::safety::timing`]); the live [`SafetyLayer`](crate::safety::SafetyLayer) keeps
//! position, velocity and acceleration (an e-stop must be allowed to stop abruptly).
//!
//! They live with the robot model (the leftmost robot stage) so that retargeting, time
//! parameterization and the safety layer all share one type without depending on each other.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Limits of one joint (radians, or metres for prismatic joints).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct JointLimit {
    /// Lowest allowed position.
    pub lower_rad: f64,
    /// Highest allowed position.
    pub upper_rad: f64,
    /// Largest speed, rad/s.
    pub max_velocity_rad_per_s: f64,
    /// Largest acceleration, rad/s².
    pub max_acceleration_rad_per_s2: f64,
    /// Largest jerk (rate of change of acceleration), rad/s³.
    pub max_jerk_rad_per_s3: f64,
}

/// Jerk limit of a joint given none, per unit of its acceleration limit, 1/s: the full
/// acceleration is built up (or released) in 1/10 s at the least.
pub const DEFAULT_JERK_PER_ACCELERATION_PER_S: f64 = 10.0;

impl JointLimit {
    /// Limits with the default jerk limit ([`DEFAULT_JERK_PER_ACCELERATION_PER_S`] times the
    /// acceleration limit).
    pub fn with_default_jerk(
        lower_rad: f64,
        upper_rad: f64,
        max_velocity_rad_per_s: f64,
        max_acceleration_rad_per_s2: f64,
    ) -> JointLimit {
        JointLimit {
            lower_rad,
            upper_rad,
            max_velocity_rad_per_s,
            max_acceleration_rad_per_s2,
            max_jerk_rad_per_s3: DEFAULT_JERK_PER_ACCELERATION_PER_S * max_acceleration_rad_per_s2,
        }
    }
}

/// Limits of every commanded joint, in command order.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitSet {
    names: Vec<String>,
    limits: Vec<JointLimit>,
}

/// A limit set is unusable.
#[derive(Debug, Error, PartialEq)]
pub enum LimitError {
    /// Names and limits differ in number, or there are none.
    #[error("{names} joint names but {limits} limits")]
    Count { names: usize, limits: usize },
    /// One joint's limits are not finite, inverted or not positive.
    #[error("joint {joint}: {problem}")]
    Invalid { joint: String, problem: String },
}

impl LimitSet {
    /// Checks and stores limits: finite positions with `lower < upper`, finite positive
    /// velocity, acceleration and jerk.
    pub fn new(names: Vec<String>, limits: Vec<JointLimit>) -> Result<LimitSet, LimitError> {
        if names.len() != limits.len() || names.is_empty() {
            return Err(LimitError::Count {
                names: names.len(),
                limits: limits.len(),
            });
        }
        for (n, l) in names.iter().zip(&limits) {
            let problem = if !(l.lower_rad.is_finite() && l.upper_rad.is_finite()) {
                Some(format!(
                    "position limits [{}, {}] must be finite",
                    l.lower_rad, l.upper_rad
                ))
            } else if l.lower_rad >= l.upper_rad {
                Some(format!(
                    "lower limit {} is not below upper limit {}",
                    l.lower_rad, l.upper_rad
                ))
            } else if !(l.max_velocity_rad_per_s.is_finite() && l.max_velocity_rad_per_s > 0.0) {
                Some(format!(
                    "velocity limit {} must be finite and positive",
                    l.max_velocity_rad_per_s
                ))
            } else if !(l.max_acceleration_rad_per_s2.is_finite()
                && l.max_acceleration_rad_per_s2 > 0.0)
            {
                Some(format!(
                    "acceleration limit {} must be finite and positive",
                    l.max_acceleration_rad_per_s2
                ))
            } else if !(l.max_jerk_rad_per_s3.is_finite() && l.max_jerk_rad_per_s3 > 0.0) {
                Some(format!(
                    "jerk limit {} must be finite and positive",
                    l.max_jerk_rad_per_s3
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(LimitError::Invalid {
                    joint: n.clone(),
                    problem,
                });
            }
        }
        Ok(LimitSet { names, limits })
    }

    /// Joint names, command order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Limits, command order.
    pub fn limits(&self) -> &[JointLimit] {
        &self.limits
    }

    /// Number of joints.
    pub fn len(&self) -> usize {
        self.limits.len()
    }

    /// Always false: a limit set has at least one joint.
    pub fn is_empty(&self) -> bool {
        self.limits.is_empty()
    }

    /// Mid-range position of every joint.
    pub fn mid_positions(&self) -> Vec<f64> {
        self.limits
            .iter()
            .map(|l| 0.5 * (l.lower_rad + l.upper_rad))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_non_positive_jerk_limit_is_refused() {
        let ok = JointLimit::with_default_jerk(-1.0, 1.0, 2.0, 20.0);
        assert_eq!(ok.max_jerk_rad_per_s3, 200.0);
        for bad in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            let l = JointLimit {
                max_jerk_rad_per_s3: bad,
                ..ok
            };
            let err = LimitSet::new(vec!["j".into()], vec![l]).unwrap_err();
            assert!(err.to_string().contains("jerk"), "{err}");
        }
        assert!(LimitSet::new(vec!["j".into()], vec![ok]).is_ok());
    }
}
