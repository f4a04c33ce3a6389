//! [`JointTrajectory`]: joint positions over time, and its JSON file (`trajectory.json`, the
//! CLI contract between `retarget` and the robot sinks).
//!
//! ```json
//! {"joint_names": ["l_elbow", ...], "times_secs": [0.0, 0.0333, ...],
//!  "positions_rad": [[...], ...], "velocities_rad_per_s": [[...], ...],
//!  "accelerations_rad_per_s2": [[...], ...]}
//! ```
//!
//! Velocities and accelerations are optional in the file but always filled by this project's
//! writers, so a ros2_control joint trajectory controller interpolates with splines instead
//! of jumping velocity at every point.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Joint positions (and their derivatives) at increasing times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointTrajectory {
    /// Joint names, in the order of every row.
    pub joint_names: Vec<String>,
    /// Time of each point, seconds from the start, strictly increasing.
    pub times_secs: Vec<f64>,
    /// One row of positions per point, rad.
    pub positions_rad: Vec<Vec<f64>>,
    /// One row of velocities per point, rad/s (empty when not computed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub velocities_rad_per_s: Vec<Vec<f64>>,
    /// One row of accelerations per point, rad/s² (empty when not computed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accelerations_rad_per_s2: Vec<Vec<f64>>,
}

/// A trajectory file could not be read, or its content is inconsistent.
#[derive(Debug, Error)]
pub enum TrajectoryError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not JSON of the trajectory shape.
    #[error("{path}: not a trajectory file: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// Shapes or values are wrong.
    #[error("{path}: {what}")]
    Invalid { path: PathBuf, what: String },
}

impl JointTrajectory {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.times_secs.len()
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.times_secs.is_empty()
    }

    /// Checks shapes (every row as long as `joint_names`, as many rows as times), strictly
    /// increasing finite times and finite values. The message says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        let n = self.joint_names.len();
        if n == 0 {
            return Err("no joint names".to_owned());
        }
        if self.positions_rad.len() != self.times_secs.len() {
            return Err(format!(
                "{} times but {} position rows",
                self.times_secs.len(),
                self.positions_rad.len()
            ));
        }
        for (what, rows) in [
            ("velocities_rad_per_s", &self.velocities_rad_per_s),
            ("accelerations_rad_per_s2", &self.accelerations_rad_per_s2),
        ] {
            if !rows.is_empty() && rows.len() != self.times_secs.len() {
                return Err(format!(
                    "{} times but {} rows of {what}",
                    self.times_secs.len(),
                    rows.len()
                ));
            }
        }
        if let Some(i) = self
            .times_secs
            .windows(2)
            .position(|w| w[1] <= w[0] || !w[0].is_finite() || !w[1].is_finite())
        {
            return Err(format!(
                "times_secs[{}] is not after times_secs[{i}]",
                i + 1
            ));
        }
        let all = self
            .positions_rad
            .iter()
            .chain(&self.velocities_rad_per_s)
            .chain(&self.accelerations_rad_per_s2);
        for (k, row) in all.enumerate() {
            if row.len() != n {
                return Err(format!(
                    "row {k} has {} values, expected {n} (one per joint name)",
                    row.len()
                ));
            }
            if let Some(j) = row.iter().position(|v| !v.is_finite()) {
                return Err(format!(
                    "row {k} has a non-finite value for {}",
                    self.joint_names[j]
                ));
            }
        }
        Ok(())
    }

    /// Reads and checks a trajectory file.
    pub fn load(path: &Path) -> Result<JointTrajectory, TrajectoryError> {
        let bytes = std::fs::read(path).map_err(|source| TrajectoryError::Io {
            path: path.to_owned(),
            source,
        })?;
        let t: JointTrajectory =
            serde_json::from_slice(&bytes).map_err(|source| TrajectoryError::Json {
                path: path.to_owned(),
                source,
            })?;
        t.check().map_err(|what| TrajectoryError::Invalid {
            path: path.to_owned(),
            what,
        })?;
        Ok(t)
    }

    /// Positions at time `t_secs`, interpolated linearly between points (held at the ends).
    pub fn sample(&self, t_secs: f64, out: &mut Vec<f64>) {
        out.clear();
        let Some(last) = self.times_secs.len().checked_sub(1) else {
            return;
        };
        let k = self.times_secs.partition_point(|&t| t <= t_secs);
        if k == 0 || k > last {
            out.extend_from_slice(&self.positions_rad[k.min(last)]);
            return;
        }
        let (t0, t1) = (self.times_secs[k - 1], self.times_secs[k]);
        let w = ((t_secs - t0) / (t1 - t0)).clamp(0.0, 1.0);
        out.extend(
            self.positions_rad[k - 1]
                .iter()
                .zip(&self.positions_rad[k])
                .map(|(a, b)| a + (b - a) * w),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traj() -> JointTrajectory {
        JointTrajectory {
            joint_names: vec!["a".into(), "b".into()],
            times_secs: vec![0.0, 1.0],
            positions_rad: vec![vec![0.0, 1.0], vec![1.0, 3.0]],
            velocities_rad_per_s: vec![],
            accelerations_rad_per_s2: vec![],
        }
    }

    #[test]
    fn samples_between_and_beyond_points() {
        let t = traj();
        let mut out = Vec::new();
        t.sample(0.25, &mut out);
        assert_eq!(out, vec![0.25, 1.5]);
        t.sample(-1.0, &mut out);
        assert_eq!(out, vec![0.0, 1.0]);
        t.sample(5.0, &mut out);
        assert_eq!(out, vec![1.0, 3.0]);
    }

    #[test]
    fn check_names_what_is_wrong() {
        let mut t = traj();
        assert!(t.check().is_ok());
        t.times_secs[1] = 0.0;
        assert!(t.check().unwrap_err().contains("times_secs[1]"));
        let mut t = traj();
        t.positions_rad[1].push(0.0);
        assert!(t.check().unwrap_err().contains("expected 2"));
        let mut t = traj();
        t.positions_rad[0][1] = f64::NAN;
        assert!(t.check().unwrap_err().contains("for b"));
    }
}
