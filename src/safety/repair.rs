//! Collision-aware time parameterization: [`time_parameterize`](super::timing) made to keep
//! a pose property (self-collision freedom) it knows nothing about.
//!
//! Smoothing and the exact limiter only see joint angles: where the retargeted motion jumps
//! (the dancer moves faster than the robot can), the executable path between two
//! collision-free poses may pass through the body. The caller passes a pose check that knows
//! the robot (this module depends on no retargeting code); every frame of the executable
//! trajectory that it moves (pushes out of collision) replaces the same frame of the
//! *reference*, and the reference is parameterized again, so the limiter bends the path
//! around the body instead of through it. Each round ends with the exact limiter, so every
//! round's output keeps the position, velocity and acceleration limits; the rounds stop when
//! no frame collides or the budget is spent (what is left is reported).

use serde::Serialize;

use super::timing::{parameterize, SmoothConfig, SmoothReport};
use crate::retarget::trajectory::JointTrajectory;
use crate::robot::limits::LimitSet;

/// How much further than the check's push the reference frames are moved.
const OVERSHOOT: f64 = 1.0;

/// Share of a frame's push given to it and its neighbours (centred on the frame). Wide and
/// smooth: a narrow spike is a jerk offender that the next round's smoothing flattens again.
const PUSH_PROFILE: [f64; 9] = [0.1, 0.3, 0.6, 0.85, 1.0, 0.85, 0.6, 0.3, 0.1];

/// What a pose check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoseCheck {
    /// No collision; the pose is untouched.
    Free,
    /// It collided and was moved to a collision-free pose.
    Separated,
    /// It collided and was moved, but still collides.
    Stuck,
}

/// What the repair rounds did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct RepairReport {
    /// Parameterizations run (1: the first output was already collision-free).
    pub rounds: usize,
    /// Colliding frames of the first executable trajectory.
    pub colliding_before: usize,
    /// Colliding frames of the final one (0 unless the budget ran out).
    pub colliding_after: usize,
}

/// [`time_parameterize`](super::timing::time_parameterize) of `traj`, repaired until `check`
/// finds no frame to move (or `max_rounds` parameterizations). `check` gets one frame's
/// positions (the trajectory's joints, in order) and may move them out of collision.
pub fn time_parameterize_checked(
    traj: &JointTrajectory,
    limits: &LimitSet,
    beats_secs: &[f64],
    cfg: &SmoothConfig,
    check: &mut dyn FnMut(&mut [f64]) -> PoseCheck,
    max_rounds: usize,
) -> (JointTrajectory, SmoothReport, RepairReport) {
    let mut reference = traj.clone();
    let (mut out, mut report) = parameterize(&reference, traj, limits, beats_secs, cfg);
    let mut repair = RepairReport {
        rounds: 1,
        ..RepairReport::default()
    };
    let mut pose = Vec::new();
    let n = out.len();
    loop {
        let mut colliding = 0;
        // Largest push given to each frame this round: a frame near two colliding ones keeps
        // the stronger push, whichever comes first.
        let mut strongest = vec![0.0_f64; n];
        for k in 0..n {
            pose.clear();
            pose.extend_from_slice(&out.positions_rad[k]);
            if check(&mut pose) == PoseCheck::Free {
                continue;
            }
            colliding += 1;
            // The separated pose plus its push again (smoothing of the next round pulls it
            // part of the way back), the neighbours a fading share of it (they collide next
            // otherwise).
            for (offset, gain) in PUSH_PROFILE.iter().enumerate() {
                let i = (k + offset).wrapping_sub(PUSH_PROFILE.len() / 2);
                if i >= n {
                    continue;
                }
                let size = pose
                    .iter()
                    .zip(&out.positions_rad[k])
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                if gain * size < strongest[i] {
                    continue;
                }
                strongest[i] = gain * size;
                for (j, &moved) in pose.iter().enumerate() {
                    let push = moved - out.positions_rad[k][j];
                    let base = if i == k {
                        moved
                    } else {
                        out.positions_rad[i][j]
                    };
                    reference.positions_rad[i][j] = base + gain * OVERSHOOT * push;
                }
            }
        }
        if repair.rounds == 1 {
            repair.colliding_before = colliding;
        }
        repair.colliding_after = colliding;
        if colliding == 0 || repair.rounds >= max_rounds {
            return (out, report, repair);
        }
        (out, report) = parameterize(&reference, traj, limits, beats_secs, cfg);
        repair.rounds += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::limits::JointLimit;

    const LIMIT: JointLimit = JointLimit {
        lower_rad: -2.0,
        upper_rad: 2.0,
        max_velocity_rad_per_s: 3.0,
        max_acceleration_rad_per_s2: 30.0,
        // Loose: a tight jerk limit smooths the dip below away before it can collide.
        max_jerk_rad_per_s3: 3000.0,
    };

    /// Joint 1 below 0.3 "collides" while joint 0 is inside (-0.5, 0.5): joint 0 jumps across
    /// that band in one frame, joint 1 dips at the same time, so the limited path of joint 0
    /// crosses the band while joint 1 is low. The check lifts joint 1.
    #[test]
    fn frames_pulled_through_a_forbidden_region_are_repaired_within_limits() {
        let n = 120;
        let dt = 1.0 / 30.0;
        let times: Vec<f64> = (0..n).map(|k| k as f64 * dt).collect();
        let positions = (0..n)
            .map(|k| {
                let side = if (k / 30) % 2 == 0 { -1.0 } else { 1.0 };
                let low = if (k % 30) < 3 || (k % 30) > 27 {
                    0.0
                } else {
                    0.6
                };
                vec![side, low]
            })
            .collect();
        let traj = JointTrajectory {
            joint_names: vec!["a".into(), "b".into()],
            times_secs: times,
            positions_rad: positions,
            velocities_rad_per_s: vec![],
            accelerations_rad_per_s2: vec![],
        };
        let limits = LimitSet::new(vec!["a".into(), "b".into()], vec![LIMIT, LIMIT]).unwrap();
        let collides = |p: &[f64]| p[0].abs() < 0.5 && p[1] < 0.3;
        let mut check = |p: &mut [f64]| {
            if !collides(p) {
                return PoseCheck::Free;
            }
            p[1] += 0.05;
            if collides(p) {
                PoseCheck::Stuck
            } else {
                PoseCheck::Separated
            }
        };
        let cfg = SmoothConfig::default();
        let (out, _, rep) = time_parameterize_checked(&traj, &limits, &[], &cfg, &mut check, 40);
        assert!(rep.colliding_before > 0, "the test must start colliding");
        assert_eq!(rep.colliding_after, 0, "{rep:?}");
        assert!(out.positions_rad.iter().all(|p| !collides(p)));
        for j in 0..2 {
            let q: Vec<f64> = out.positions_rad.iter().map(|r| r[j]).collect();
            for k in 1..n {
                assert!(((q[k] - q[k - 1]) / dt).abs() <= 3.0 + 1e-9);
                if k + 1 < n {
                    let a = (q[k + 1] - 2.0 * q[k] + q[k - 1]) / (dt * dt);
                    assert!(a.abs() <= 30.0 + 1e-6, "joint {j}: a {a} at {k}");
                }
            }
        }
    }
}
