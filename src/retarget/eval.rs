//! [`evaluate`]: how well a joint trajectory dances a skeleton on a robot, and whether it is
//! safe: direction error per segment (degrees, when the skeleton is given), limit violations
//! (position, and velocity, acceleration and jerk by finite differences of the positions: a
//! trajectory ready for the robot has none), self-collisions (none allowed), the
//! centre-of-mass margin and non-finite values.
//!
//! Joints the trajectory does not name stay at the map's home pose. The base is at its home
//! placement, except in `full` mode, where it follows from the left sole staying at its home
//! pose (the base pose is not part of a trajectory).

use std::collections::BTreeMap;

use nalgebra::Isometry3;
use serde::Serialize;

use super::lift::{fit_planar_body, is_planar, lift};
use super::map::LowerBody;
use super::retargeter::Retargeter;
use super::segments::{angle_between, dancer_direction, Segment};
use super::sequence::ErrorStats;
use super::stance::sole_pose;
use super::trajectory::JointTrajectory;
use super::RetargetError;
use crate::choreography::{BodyModel, SkeletonSequence};
use crate::robot::limits::JointLimit;
use crate::robot::{Kinematics, RobotModel};

/// Relative slack on velocity, acceleration and jerk limits (finite-difference rounding).
const RATE_TOLERANCE: f64 = 1e-6;

/// Counts of samples outside the limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LimitViolations {
    /// Joint samples outside [lower, upper].
    pub position: usize,
    /// Joint intervals faster than the velocity limit.
    pub velocity: usize,
    /// Joint samples accelerating beyond the acceleration limit.
    pub acceleration: usize,
    /// Largest |velocity| / limit seen.
    pub max_velocity_ratio: f64,
    /// Largest |acceleration| / limit seen.
    pub max_acceleration_ratio: f64,
    /// Joint intervals whose acceleration changes faster than the jerk limit.
    pub jerk: usize,
    /// Largest |jerk| / limit seen.
    pub max_jerk_ratio: f64,
}

/// The evaluation of one trajectory on one robot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RobotEval {
    /// Robot name.
    pub robot: String,
    /// Trajectory points.
    pub points: usize,
    /// Trajectory joints.
    pub joints: usize,
    /// Last time, s.
    pub duration_secs: f64,
    /// NaN or infinite positions.
    pub non_finite_values: usize,
    /// Limit violations.
    pub limit_violations: LimitViolations,
    /// Points in self-collision.
    pub collisions: usize,
    /// Smallest clearance above the required one over all points and pairs, m.
    pub min_collision_slack_m: Option<f64>,
    /// Smallest centre-of-mass margin, m.
    pub min_com_margin_m: Option<f64>,
    /// Mean centre-of-mass margin, m.
    pub mean_com_margin_m: Option<f64>,
    /// Direction error per segment against the skeleton (when given).
    pub direction_error_deg: Option<BTreeMap<&'static str, ErrorStats>>,
}

/// Evaluates `traj` on the retargeter's robot (see the module docs).
pub fn evaluate(
    retargeter: &Retargeter,
    traj: &JointTrajectory,
    skeleton: Option<&SkeletonSequence>,
) -> Result<RobotEval, RetargetError> {
    let model = retargeter.model();
    let dofs = trajectory_dofs(model, traj)?;
    let all_limits = retargeter.map().dof_limits(model);
    let limits: Vec<JointLimit> = dofs.iter().map(|&d| all_limits[d]).collect();
    let mut out = RobotEval {
        robot: model.name.clone(),
        points: traj.len(),
        joints: dofs.len(),
        duration_secs: traj.times_secs.last().copied().unwrap_or(0.0),
        non_finite_values: traj
            .positions_rad
            .iter()
            .flatten()
            .filter(|v| !v.is_finite())
            .count(),
        limit_violations: limit_violations(traj, &limits),
        ..RobotEval::default()
    };
    safety_along(retargeter, traj, &dofs, &mut out);
    if let Some(seq) = skeleton {
        out.direction_error_deg = Some(direction_errors(retargeter, traj, &dofs, seq));
    }
    Ok(out)
}

fn trajectory_dofs(
    model: &RobotModel,
    traj: &JointTrajectory,
) -> Result<Vec<usize>, RetargetError> {
    traj.joint_names
        .iter()
        .map(|n| {
            model.dof_index(n).ok_or_else(|| {
                RetargetError::Input(format!(
                    "trajectory joint {n:?} is not an independent joint of robot {:?}",
                    model.name
                ))
            })
        })
        .collect()
}

/// Position, velocity, acceleration and jerk violations by finite differences.
pub fn limit_violations(traj: &JointTrajectory, limits: &[JointLimit]) -> LimitViolations {
    let mut v = LimitViolations::default();
    let rows = &traj.positions_rad;
    let t = &traj.times_secs;
    for (j, lim) in limits.iter().enumerate() {
        let q = |k: usize| rows[k].get(j).copied().unwrap_or(f64::NAN);
        for k in 0..rows.len() {
            let x = q(k);
            if !(x >= lim.lower_rad - 1e-9 && x <= lim.upper_rad + 1e-9) {
                v.position += 1;
            }
        }
        let vel = |k: usize| (q(k + 1) - q(k)) / (t[k + 1] - t[k]);
        for k in 0..rows.len().saturating_sub(1) {
            let ratio = vel(k).abs() / lim.max_velocity_rad_per_s;
            v.max_velocity_ratio = v.max_velocity_ratio.max(ratio);
            if ratio.is_nan() || ratio > 1.0 + RATE_TOLERANCE {
                v.velocity += 1;
            }
        }
        for k in 1..rows.len().saturating_sub(1) {
            let acc = (vel(k) - vel(k - 1)) / (0.5 * (t[k + 1] - t[k - 1]));
            let ratio = acc.abs() / lim.max_acceleration_rad_per_s2;
            v.max_acceleration_ratio = v.max_acceleration_ratio.max(ratio);
            if ratio.is_nan() || ratio > 1.0 + RATE_TOLERANCE {
                v.acceleration += 1;
            }
        }
        let acc = |k: usize| (vel(k) - vel(k - 1)) / (0.5 * (t[k + 1] - t[k - 1]));
        for k in 1..rows.len().saturating_sub(2) {
            let jerk = (acc(k + 1) - acc(k)) / (t[k + 1] - t[k]);
            let ratio = jerk.abs() / lim.max_jerk_rad_per_s3;
            v.max_jerk_ratio = v.max_jerk_ratio.max(ratio);
            if ratio.is_nan() || ratio > 1.0 + RATE_TOLERANCE {
                v.jerk += 1;
            }
        }
    }
    v
}

/// Every dof: home, overwritten by trajectory row `row`.
fn full_dofs(retargeter: &Retargeter, dofs: &[usize], row: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.extend_from_slice(retargeter.home());
    for (&d, &v) in dofs.iter().zip(row) {
        out[d] = v;
    }
}

/// The base pose for `q`: home, or (full mode) with the left sole at its home pose.
pub(super) fn base_for(retargeter: &Retargeter, kin: &mut Kinematics, q: &[f64]) -> Isometry3<f64> {
    let stance = retargeter.stance();
    let home = stance.world_from_base_home;
    let (LowerBody::Full, Some(feet)) = (retargeter.map().lower_body, stance.feet) else {
        return home;
    };
    kin.update(retargeter.model(), &Isometry3::identity(), q);
    let base_from_sole = sole_pose(kin, &feet[0]);
    stance.world_from_sole_home[0] * base_from_sole.inverse()
}

fn safety_along(
    retargeter: &Retargeter,
    traj: &JointTrajectory,
    dofs: &[usize],
    out: &mut RobotEval,
) {
    let model = retargeter.model();
    let mut kin = Kinematics::new(model);
    let mut q = Vec::new();
    let mut ends = Vec::new();
    let mut margins = Vec::new();
    let mut slack = f64::INFINITY;
    for row in &traj.positions_rad {
        full_dofs(retargeter, dofs, row, &mut q);
        let base = base_for(retargeter, &mut kin, &q);
        kin.update(model, &base, &q);
        if let Some(c) = retargeter.collision_model() {
            c.world_ends(&kin, &mut ends);
            let s = c.worst_slack_m(&ends);
            slack = slack.min(s);
            if s.is_nan() || s < 0.0 {
                out.collisions += 1;
            }
        }
        margins.extend(retargeter.stance().com_margin_m(model, &kin));
    }
    out.min_collision_slack_m = slack.is_finite().then_some(slack);
    out.min_com_margin_m = margins.iter().copied().reduce(f64::min);
    out.mean_com_margin_m =
        (!margins.is_empty()).then(|| margins.iter().sum::<f64>() / margins.len() as f64);
}

fn direction_errors(
    retargeter: &Retargeter,
    traj: &JointTrajectory,
    dofs: &[usize],
    seq: &SkeletonSequence,
) -> BTreeMap<&'static str, ErrorStats> {
    let planar = seq.frames.iter().any(is_planar);
    let body = if planar {
        fit_planar_body(&seq.frames).unwrap_or_default()
    } else {
        BodyModel::default()
    };
    let model = retargeter.model();
    let segments: Vec<_> = retargeter
        .bound()
        .segments
        .iter()
        .filter(|s| retargeter.map().is_solved(s.segment.part()))
        .collect();
    let mut errors: Vec<Vec<f64>> = vec![Vec::new(); Segment::ALL.len()];
    let mut kin = Kinematics::new(model);
    let mut ws = super::ik::IkWorkspace::new(model);
    let (mut row, mut q) = (Vec::new(), Vec::new());
    for (k, pose) in seq.frames.iter().enumerate() {
        let pose = if is_planar(pose) {
            lift(pose, &body)
        } else {
            *pose
        };
        traj.sample(seq.frame_time_secs(k), &mut row);
        if row.len() != dofs.len() {
            continue;
        }
        full_dofs(retargeter, dofs, &row, &mut q);
        let base = base_for(retargeter, &mut kin, &q);
        ws.kin.update(model, &base, &q);
        for seg in &segments {
            let want = dancer_direction(&pose, seg.segment, retargeter.robot_from_dancer());
            if let (Some(want), Some(got)) = (want, ws.direction(seg)) {
                errors[seg.segment.index()].push(angle_between(&got, &want));
            }
        }
    }
    Segment::ALL
        .iter()
        .zip(errors.iter_mut())
        .filter(|(_, e)| !e.is_empty())
        .map(|(s, e)| (s.name(), ErrorStats::of_radians(e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_differences_count_known_violations() {
        let traj = JointTrajectory {
            joint_names: vec!["j".into()],
            times_secs: vec![0.0, 0.1, 0.2, 0.3],
            positions_rad: vec![vec![0.0], vec![0.5], vec![0.5], vec![3.0]],
            velocities_rad_per_s: vec![],
            accelerations_rad_per_s2: vec![],
        };
        let limit = JointLimit {
            lower_rad: -1.0,
            upper_rad: 2.0,
            max_velocity_rad_per_s: 4.0,
            max_acceleration_rad_per_s2: 50.0,
            max_jerk_rad_per_s3: 500.0,
        };
        // Velocities 5, 0, 25 rad/s; accelerations −50 (at the limit) and 250 rad/s².
        let v = limit_violations(&traj, &[limit]);
        assert_eq!((v.position, v.velocity, v.acceleration), (1, 2, 1));
        assert!((v.max_velocity_ratio - 6.25).abs() < 1e-9);
        assert!((v.max_acceleration_ratio - 5.0).abs() < 1e-9);
        // Jerk (250 − (−50)) / 0.1 = 3000 rad/s³, six times the limit.
        assert_eq!(v.jerk, 1);
        assert!((v.max_jerk_ratio - 6.0).abs() < 1e-9);
    }
}
