//! Time parameterization: a retargeted trajectory (positions at the motion rate) made
//! executable, with velocities and accelerations filled in, inside every joint's position,
//! velocity, acceleration and jerk limits, and the beats where they were.
//!
//! Passes per joint, all on the original time grid (so beat *times* never move):
//! 1. **Smoothing where needed** ([`smooth`](super::smooth)). Finite differences find frames
//!    whose velocity, acceleration or jerk exceed the limits; a Gaussian blend over a window
//!    around each offender pulls them toward their local mean, window by window, until no
//!    offender is left (or a pass budget runs out). Frames far from offenders are untouched,
//!    and beat frames are anchors that the frames around them move for first, so most poses,
//!    beat poses especially, stay exactly as retargeted.
//! 2. **Hard guarantee.** The [`limiter`](crate::safety::limiter) tracks the smoothed
//!    positions at the motion rate. A feasible reference is tracked exactly; what smoothing
//!    could not fix is limited tick by tick, so the output *provably* keeps the position,
//!    velocity and acceleration limits.
//! 3. **Jerk guarantee.** If the limiter had to act and left a jerk above the limit, the
//!    joint's output is averaged over a window that bounds its jerk while keeping the other
//!    limits (see [`smooth`](super::smooth)), and the limiter tracks it again: it stays the
//!    last word. The live [`SafetyLayer`](crate::safety::SafetyLayer) does not limit jerk.
//! 4. **Derivatives.** Velocities and accelerations by central differences of the final
//!    positions; a ros2_control joint trajectory controller then interpolates with splines.
//!
//! The report counts beat poses that changed (by more than 0.01 rad on some joint) and by how
//! much; time scaling would move beats, so it is not used.

use serde::Serialize;

use crate::retarget::trajectory::JointTrajectory;
use crate::robot::limits::{JointLimit, LimitSet};
use crate::safety::limiter;
use crate::safety::smooth::{jerk_guarantee, max_jerk, smooth_joint, track};

/// A beat pose counts as moved when some joint changed by more than this, rad.
pub const BEAT_MOVED_THRESHOLD_RAD: f64 = 0.01;

/// Smoothing settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmoothConfig {
    /// Smoothing passes at most.
    pub max_passes: usize,
    /// Half-width of the blend window around an offending frame, frames.
    pub window_frames: usize,
}

impl Default for SmoothConfig {
    fn default() -> Self {
        Self {
            max_passes: 60,
            window_frames: 3,
        }
    }
}

/// What the time parameterization changed.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SmoothReport {
    /// Frames whose positions changed by more than the threshold on some joint.
    pub frames_changed: usize,
    /// Beat poses (frames nearest a beat) examined.
    pub beat_poses: usize,
    /// Beat poses that changed by more than [`BEAT_MOVED_THRESHOLD_RAD`].
    pub beat_poses_moved: usize,
    /// Largest change of a beat pose, rad.
    pub max_beat_pose_change_rad: f64,
    /// Largest change of any pose, rad.
    pub max_pose_change_rad: f64,
    /// Frames the hard limiter still had to change after smoothing.
    pub frames_limited: usize,
    /// Largest jerk left, rad/s³ (finite differences).
    pub max_jerk_rad_per_s3: f64,
    /// Largest jerk left over its joint's jerk limit (at most 1).
    pub max_jerk_ratio: f64,
    /// Joint intervals whose jerk is over the limit (0 unless the input was not finite).
    pub jerk_violations: usize,
    /// Joints whose jerk needed the last-resort averaging.
    pub jerk_averaged_joints: usize,
    /// Largest velocity of the input over its joint's limit (finite differences; above 1
    /// the input broke the limit and had to be changed).
    pub input_max_velocity_ratio: f64,
    /// Largest acceleration of the input over its joint's limit.
    pub input_max_acceleration_ratio: f64,
}

/// Makes `traj` (whose joints are `limits`' joints, same order, uniformly spaced times)
/// executable: smoothed, limited, with velocities and accelerations. `beats_secs` are the music
/// beats whose poses the report follows.
pub fn time_parameterize(
    traj: &JointTrajectory,
    limits: &LimitSet,
    beats_secs: &[f64],
    cfg: &SmoothConfig,
) -> (JointTrajectory, SmoothReport) {
    parameterize(traj, traj, limits, beats_secs, cfg)
}

/// [`time_parameterize`] of `traj`, reported against `original` (same joints and times): the
/// repair pass parameterizes edited copies of the retargeted trajectory, but what it changed
/// is measured from the retargeted one.
pub(crate) fn parameterize(
    traj: &JointTrajectory,
    original: &JointTrajectory,
    limits: &LimitSet,
    beats_secs: &[f64],
    cfg: &SmoothConfig,
) -> (JointTrajectory, SmoothReport) {
    let n = traj.len();
    let n_joints = limits.len().min(traj.joint_names.len());
    let dt = if n >= 2 {
        (traj.times_secs[n - 1] - traj.times_secs[0]) / (n - 1) as f64
    } else {
        0.01
    };
    let mut out = traj.clone();
    let mut report = SmoothReport::default();
    let mut limited = vec![false; n];
    let anchors = beat_frames(traj, beats_secs, dt);
    for j in 0..n_joints {
        let column = |t: &JointTrajectory| t.positions_rad.iter().map(|r| r[j]).collect();
        let reference: Vec<f64> = column(traj);
        let l = limits.limits()[j];
        let (v, a) = rate_ratios(&column(original), &l, dt);
        report.input_max_velocity_ratio = report.input_max_velocity_ratio.max(v);
        report.input_max_acceleration_ratio = report.input_max_acceleration_ratio.max(a);
        let mut q: Vec<f64> = reference
            .iter()
            .map(|&x| limiter::clamp(x, l.lower_rad, l.upper_rad))
            .collect();
        smooth_joint(&mut q, &anchors, &l, dt, cfg);
        let mut tracked = track(&q, &l, dt);
        if max_jerk(&tracked, dt) > l.max_jerk_rad_per_s3 {
            tracked = track(&jerk_guarantee(&tracked, &l, dt), &l, dt);
            report.jerk_averaged_joints += 1;
        }
        for k in 0..n {
            if (tracked[k] - q[k]).abs() > 1e-9 {
                limited[k] = true;
            }
            out.positions_rad[k][j] = tracked[k];
        }
    }
    fill_derivatives(&mut out, dt);
    summarize(original, &out, beats_secs, &limited, &mut report, dt);
    jerk_summary(&out, limits, &mut report, dt);
    (out, report)
}

/// Frames nearest each beat (the beat poses), marked.
fn beat_frames(traj: &JointTrajectory, beats_secs: &[f64], dt: f64) -> Vec<bool> {
    let n = traj.len();
    let mut out = vec![false; n];
    if let (Some(&t0), Some(&t_end)) = (traj.times_secs.first(), traj.times_secs.last()) {
        for &b in beats_secs.iter().filter(|&&b| b >= t0 && b <= t_end) {
            out[(((b - t0) / dt).round() as usize).min(n - 1)] = true;
        }
    }
    out
}

/// Largest jerk, its ratio to the limit and the intervals over it.
fn jerk_summary(t: &JointTrajectory, limits: &LimitSet, report: &mut SmoothReport, dt: f64) {
    for (j, l) in limits.limits().iter().enumerate() {
        for w in t.positions_rad.windows(4) {
            let p = |i: usize| w[i].get(j).copied().unwrap_or(f64::NAN);
            let jerk = ((p(3) - 3.0 * p(2) + 3.0 * p(1) - p(0)) / (dt * dt * dt)).abs();
            report.max_jerk_rad_per_s3 = report.max_jerk_rad_per_s3.max(jerk);
            let ratio = jerk / l.max_jerk_rad_per_s3;
            report.max_jerk_ratio = report.max_jerk_ratio.max(ratio);
            // Relative slack for rounding, as in the robot evaluation.
            report.jerk_violations += usize::from(ratio.is_nan() || ratio > 1.0 + 1e-6);
        }
    }
}

/// Largest |velocity| / limit and |acceleration| / limit of one joint's positions.
pub fn rate_ratios(q: &[f64], l: &JointLimit, dt: f64) -> (f64, f64) {
    let (mut v, mut a) = (0.0_f64, 0.0_f64);
    for k in 1..q.len() {
        v = v.max((q[k] - q[k - 1]).abs() / dt);
        if k + 1 < q.len() {
            a = a.max((q[k + 1] - 2.0 * q[k] + q[k - 1]).abs() / (dt * dt));
        }
    }
    (
        v / l.max_velocity_rad_per_s,
        a / l.max_acceleration_rad_per_s2,
    )
}

fn fill_derivatives(t: &mut JointTrajectory, dt: f64) {
    let n = t.len();
    let m = t.joint_names.len();
    t.velocities_rad_per_s = vec![vec![0.0; m]; n];
    t.accelerations_rad_per_s2 = vec![vec![0.0; m]; n];
    if n < 3 {
        return;
    }
    for k in 1..n - 1 {
        for j in 0..m {
            let (a, b, c) = (
                t.positions_rad[k - 1][j],
                t.positions_rad[k][j],
                t.positions_rad[k + 1][j],
            );
            t.velocities_rad_per_s[k][j] = (c - a) / (2.0 * dt);
            t.accelerations_rad_per_s2[k][j] = (c - 2.0 * b + a) / (dt * dt);
        }
    }
}

fn summarize(
    before: &JointTrajectory,
    after: &JointTrajectory,
    beats_secs: &[f64],
    limited: &[bool],
    report: &mut SmoothReport,
    dt: f64,
) {
    let change = |k: usize| {
        before.positions_rad[k]
            .iter()
            .zip(&after.positions_rad[k])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    };
    let n = after.len();
    for k in 0..n {
        let c = change(k);
        report.max_pose_change_rad = report.max_pose_change_rad.max(c);
        report.frames_changed += usize::from(c > BEAT_MOVED_THRESHOLD_RAD);
    }
    report.frames_limited = limited.iter().filter(|&&x| x).count();
    let (t0, t_end) = match (after.times_secs.first(), after.times_secs.last()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => return,
    };
    for &b in beats_secs.iter().filter(|&&b| b >= t0 && b <= t_end) {
        let k = (((b - t0) / dt).round() as usize).min(n - 1);
        let c = change(k);
        report.beat_poses += 1;
        report.beat_poses_moved += usize::from(c > BEAT_MOVED_THRESHOLD_RAD);
        report.max_beat_pose_change_rad = report.max_beat_pose_change_rad.max(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: JointLimit = JointLimit {
        lower_rad: -1.0,
        upper_rad: 1.0,
        max_velocity_rad_per_s: 3.0,
        max_acceleration_rad_per_s2: 30.0,
        max_jerk_rad_per_s3: 300.0,
    };

    fn traj(f: impl Fn(f64) -> f64, n: usize, fps: f64) -> JointTrajectory {
        let times: Vec<f64> = (0..n).map(|k| k as f64 / fps).collect();
        JointTrajectory {
            joint_names: vec!["j".into()],
            positions_rad: times.iter().map(|&t| vec![f(t)]).collect(),
            times_secs: times,
            velocities_rad_per_s: vec![],
            accelerations_rad_per_s2: vec![],
        }
    }

    fn limits() -> LimitSet {
        LimitSet::new(vec!["j".into()], vec![LIMIT]).unwrap()
    }

    #[test]
    fn a_feasible_motion_is_kept_and_gets_its_derivatives() {
        // 0.3 rad at 1 Hz: peak speed 1.9 rad/s, acceleration 11.8 rad/s², jerk 74 rad/s³.
        let w = std::f64::consts::TAU;
        let t = traj(|t| 0.3 * (1.0 - (w * t).cos()), 121, 60.0);
        let (out, rep) = time_parameterize(&t, &limits(), &[0.5, 1.0], &SmoothConfig::default());
        assert_eq!(rep.frames_changed, 0, "{rep:?}");
        assert_eq!((rep.beat_poses, rep.beat_poses_moved), (2, 0));
        let k = 15; // t = 0.25 s: velocity 0.3·w·sin(w/4) = 1.885 rad/s
        assert!((out.velocities_rad_per_s[k][0] - 0.3 * w).abs() < 0.01);
        assert!(out.check().is_ok());
    }

    #[test]
    fn teleports_and_out_of_range_targets_end_within_every_limit() {
        let t = traj(
            |t| if (t * 4.0) as i64 % 2 == 0 { -5.0 } else { 0.9 },
            240,
            60.0,
        );
        let beats: Vec<f64> = (0..8).map(|b| b as f64 * 0.5).collect();
        let (out, rep) = time_parameterize(&t, &limits(), &beats, &SmoothConfig::default());
        let dt = 1.0 / 60.0;
        let q: Vec<f64> = out.positions_rad.iter().map(|r| r[0]).collect();
        for k in 1..q.len() {
            assert!((-1.0..=1.0).contains(&q[k]));
            assert!(((q[k] - q[k - 1]) / dt).abs() <= 3.0 + 1e-9);
            if k + 1 < q.len() {
                let a = (q[k + 1] - 2.0 * q[k] + q[k - 1]) / (dt * dt);
                assert!(a.abs() <= 30.0 + 1e-6, "a {a} at {k}");
            }
            if k + 2 < q.len() {
                let j = (q[k + 2] - 3.0 * q[k + 1] + 3.0 * q[k] - q[k - 1]) / (dt * dt * dt);
                assert!(j.abs() <= 300.0 * (1.0 + 1e-6), "jerk {j} at {k}");
            }
        }
        assert_eq!(rep.jerk_violations, 0, "{rep:?}");
        assert!(rep.max_jerk_ratio <= 1.0 + 1e-6);
        assert!(rep.beat_poses_moved > 0 && rep.max_beat_pose_change_rad > 0.1);
        assert!(out
            .velocities_rad_per_s
            .iter()
            .all(|r| r[0].abs() <= 3.0 + 1e-9));
    }
}
