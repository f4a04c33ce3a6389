//! [`TrajectoryPoser`]: a robot placed as a joint trajectory has it at any time — the
//! trajectory sampled (linear between points, held at the ends, [`JointTrajectory::sample`]),
//! mapped onto the model's dofs by name ([`DofMap`]) and run through forward kinematics with
//! the base fixed, into buffers planned once.
//!
//! Times are seconds from the trajectory's start, angles radians, the base pose and link
//! frames in the URDF world frame (x forward, y left, z up, metres).

use nalgebra::Isometry3;
use thiserror::Error;

use super::dofs::{DofMap, UnknownJoint};
use super::geometry::{height_range_m, robot_bounds};
use crate::render::camera::{View, ViewBounds};
use crate::retarget::trajectory::JointTrajectory;
use crate::robot::{Kinematics, RobotModel};

/// A trajectory cannot pose the robot.
#[derive(Debug, Error)]
pub enum PoseError {
    /// The trajectory names a joint the robot does not have.
    #[error(transparent)]
    UnknownJoint(#[from] UnknownJoint),
    /// The trajectory's shapes or values are wrong, or it has no points.
    #[error("the joint trajectory is unusable: {what}")]
    InvalidTrajectory {
        /// What is wrong.
        what: String,
    },
}

/// Height used to size the views of a robot without collision shapes, metres.
const SHAPELESS_HEIGHT_M: f64 = 1.0;

/// A robot moved by a joint trajectory about a fixed base.
#[derive(Debug, Clone)]
pub struct TrajectoryPoser<'a> {
    model: &'a RobotModel,
    trajectory: &'a JointTrajectory,
    dof_map: DofMap,
    world_from_base: Isometry3<f64>,
    kin: Kinematics,
    row_rad: Vec<f64>,
    dofs_rad: Vec<f64>,
}

impl<'a> TrajectoryPoser<'a> {
    /// Checks `trajectory` (shapes, finite values, at least one point), matches its joints to
    /// `model`'s dofs and places the robot at its start.
    pub fn new(
        model: &'a RobotModel,
        trajectory: &'a JointTrajectory,
        world_from_base: Isometry3<f64>,
    ) -> Result<TrajectoryPoser<'a>, PoseError> {
        trajectory
            .check()
            .and_then(|()| match trajectory.is_empty() {
                true => Err("it has no points".to_owned()),
                false => Ok(()),
            })
            .map_err(|what| PoseError::InvalidTrajectory { what })?;
        let mut poser = TrajectoryPoser {
            model,
            trajectory,
            dof_map: DofMap::new(model, &trajectory.joint_names)?,
            world_from_base,
            kin: Kinematics::new(model),
            row_rad: Vec::with_capacity(trajectory.joint_names.len()),
            dofs_rad: Vec::with_capacity(model.n_dofs()),
        };
        poser.place(0.0);
        Ok(poser)
    }

    /// The robot model.
    pub fn model(&self) -> &'a RobotModel {
        self.model
    }

    /// Link frames of the last placement.
    pub fn kinematics(&self) -> &Kinematics {
        &self.kin
    }

    /// Dof positions of the last placement, rad, the model's dof order.
    pub fn dofs_rad(&self) -> &[f64] {
        &self.dofs_rad
    }

    /// Places the robot as the trajectory has it at `t_secs`.
    pub fn place(&mut self, t_secs: f64) {
        self.trajectory.sample(t_secs, &mut self.row_rad);
        self.dof_map.apply(&self.row_rad, &mut self.dofs_rad);
        self.kin
            .update(self.model, &self.world_from_base, &self.dofs_rad);
    }

    /// View bounds (metres) holding the standing robot ([`ViewBounds::body`] of its height at
    /// the zero configuration) and the robot at every one of `times_secs`: `[front, side]`.
    /// Leaves the robot at the last of those times.
    pub fn bounds(&mut self, times_secs: impl Iterator<Item = f64>) -> [ViewBounds; 2] {
        let zeros = vec![0.0; self.model.n_dofs()];
        self.kin.update(self.model, &self.world_from_base, &zeros);
        let height_m =
            height_range_m(self.model, &self.kin).map_or(SHAPELESS_HEIGHT_M, |(_, top)| top);
        let views = [View::Front, View::Side];
        let mut out = views.map(|v| ViewBounds::body(v, height_m));
        for t in times_secs {
            self.place(t);
            for (bounds, view) in out.iter_mut().zip(views) {
                if let Some(b) = robot_bounds(self.model, &self.kin, view) {
                    *bounds = bounds.union(&b);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::render::robot::standing_base;

    #[allow(clippy::unwrap_used)]
    fn humanoid() -> RobotModel {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("urdf/dancebot_humanoid.urdf");
        RobotModel::load(&path).unwrap()
    }

    /// One second at 10 points/s of `joint` swinging 0 → 1.5 → 0 rad.
    fn wave(joint: &str) -> JointTrajectory {
        let times_secs: Vec<f64> = (0..=10).map(|k| k as f64 * 0.1).collect();
        let positions_rad = times_secs
            .iter()
            .map(|t| vec![1.5 * (std::f64::consts::PI * t).sin()])
            .collect();
        JointTrajectory {
            joint_names: vec![joint.to_owned()],
            times_secs,
            positions_rad,
            velocities_rad_per_s: vec![],
            accelerations_rad_per_s2: vec![],
        }
    }

    #[test]
    fn the_trajectory_drives_its_dof_and_leaves_the_others_at_zero() {
        let m = humanoid();
        let traj = wave("l_shoulder_roll");
        let mut p = TrajectoryPoser::new(&m, &traj, standing_base(&m)).unwrap();
        let roll = m.dof_index("l_shoulder_roll").unwrap();
        // 0.25 s is halfway between the points at 0.2 s and 0.3 s.
        p.place(0.25);
        let pi = std::f64::consts::PI;
        let want = 0.75 * ((0.2 * pi).sin() + (0.3 * pi).sin());
        assert!((p.dofs_rad()[roll] - want).abs() < 1e-12);
        let others = p.dofs_rad().iter().enumerate().filter(|(d, _)| *d != roll);
        assert!(others.into_iter().all(|(_, q)| *q == 0.0));
        // Past the end the last point is held.
        p.place(7.0);
        assert!(p.dofs_rad()[roll].abs() < 1e-9);
    }

    /// The four numbers of `b`: `[min h, min v, max h, max v]`, metres.
    fn corners(b: &ViewBounds) -> [f64; 4] {
        [b.min_m[0], b.min_m[1], b.max_m[0], b.max_m[1]]
    }

    fn assert_close(got: &ViewBounds, want: &ViewBounds) {
        let (g, w) = (corners(got), corners(want));
        assert!(
            g.iter().zip(w).all(|(a, b)| (a - b).abs() < 1e-9),
            "{got:?} vs {want:?}"
        );
    }

    #[test]
    fn bounds_hold_the_standing_body_and_every_placement() {
        let m = humanoid();
        // The left arm swinging back to horizontal: 0.55 m behind the shoulder.
        let traj = wave("l_shoulder_pitch");
        let mut p = TrajectoryPoser::new(&m, &traj, standing_base(&m)).unwrap();
        let standing = p.bounds(std::iter::empty());
        assert_close(&standing[0], &ViewBounds::body(View::Front, 1.4));
        let swinging = p.bounds((0..=10).map(|k| k as f64 * 0.1));
        assert_close(&swinging[0], &standing[0]);
        let back_m = swinging[1].min_m[0];
        assert!((-0.6..-0.5).contains(&back_m), "{back_m}");
        let [_, low, front, top] = corners(&swinging[1]);
        assert_close(
            &ViewBounds {
                min_m: [back_m, low],
                max_m: [front, top],
            },
            &ViewBounds {
                min_m: [back_m, 0.0],
                max_m: standing[1].max_m,
            },
        );
    }

    #[test]
    fn unknown_joints_and_broken_trajectories_are_refused() {
        let m = humanoid();
        let base = standing_base(&m);
        let bad = wave("l_tentacle");
        let err = TrajectoryPoser::new(&m, &bad, base).unwrap_err();
        assert!(matches!(err, PoseError::UnknownJoint(_)), "{err}");
        assert!(err.to_string().contains("l_tentacle"), "{err}");
        let mut short = wave("l_elbow");
        short.positions_rad[3].push(0.0);
        let err = TrajectoryPoser::new(&m, &short, base).unwrap_err();
        assert!(err.to_string().contains("row 3"), "{err}");
        let mut empty = wave("l_elbow");
        (empty.times_secs, empty.positions_rad) = (vec![], vec![]);
        let err = TrajectoryPoser::new(&m, &empty, base).unwrap_err();
        assert!(err.to_string().contains("no points"), "{err}");
    }
}
