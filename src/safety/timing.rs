//! Time parameterization: a retargeted trajectory (positions at the motion rate) made
//! executable, with velocities and accelerations filled in, inside every joint's position,
//! velocity and acceleration limits, with jerk kept low, and the beats where they were.
//!
//! Three passes per joint, all on the original time grid (so beat *times* never move):
//! 1. **Smoothing where needed.** Finite differences find frames whose velocity, acceleration
//!    or jerk exceed the limits; a Gaussian blend over a window around each offender pulls
//!    them toward their local mean, window by window, until no offender is left (or a pass
//!    budget runs out). Frames far from offenders are untouched, so most poses, beat poses
//!    included, stay exactly as retargeted.
//! 2. **Hard guarantee.** The [`limiter`](crate::safety::limiter) tracks the smoothed
//!    positions at the motion rate. A feasible reference is tracked exactly; what smoothing
//!    could not fix is limited tick by tick, so the output *provably* keeps the position,
//!    velocity and acceleration limits.
//! 3. **Derivatives.** Velocities and accelerations by central differences of the final
//!    positions; a ros2_control joint trajectory controller then interpolates with splines.
//!
//! The report counts beat poses that changed (by more than 0.01 rad on some joint) and by how
//! much; time scaling would move beats, so it is not used.

use serde::Serialize;

use crate::retarget::trajectory::JointTrajectory;
use crate::robot::limits::{JointLimit, LimitSet};
use crate::safety::limiter::{self, JointState};

/// A beat pose counts as moved when some joint changed by more than this, rad.
pub const BEAT_MOVED_THRESHOLD_RAD: f64 = 0.01;

/// Smoothing settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmoothConfig {
    /// Jerk above which frames are smoothed, rad/s³ (not a hard limit).
    pub max_jerk_rad_per_s3: f64,
    /// Smoothing passes at most.
    pub max_passes: usize,
    /// Half-width of the blend window around an offending frame, frames.
    pub window_frames: usize,
}

impl Default for SmoothConfig {
    fn default() -> Self {
        Self {
            max_jerk_rad_per_s3: 1.0e4,
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
        smooth_joint(&mut q, &l, dt, cfg);
        let tracked = track(&q, &l, dt);
        for k in 0..n {
            if (tracked[k] - q[k]).abs() > 1e-9 {
                limited[k] = true;
            }
            out.positions_rad[k][j] = tracked[k];
        }
    }
    fill_derivatives(&mut out, dt);
    summarize(original, &out, beats_secs, &limited, &mut report, dt);
    (out, report)
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

/// Velocity, acceleration and jerk offenders, smoothed window by window.
fn smooth_joint(q: &mut [f64], l: &JointLimit, dt: f64, cfg: &SmoothConfig) {
    // A little headroom, so the exact limiter afterwards rarely has to act.
    let v_max = 0.95 * l.max_velocity_rad_per_s;
    let a_max = 0.95 * l.max_acceleration_rad_per_s2;
    let mut scratch = q.to_vec();
    for _ in 0..cfg.max_passes {
        let offenders = find_offenders(q, v_max, a_max, cfg.max_jerk_rad_per_s3, dt);
        if offenders.is_empty() {
            return;
        }
        scratch.copy_from_slice(q);
        for &k in &offenders {
            blend_around(q, &scratch, k, cfg.window_frames);
        }
    }
}

fn find_offenders(q: &[f64], v_max: f64, a_max: f64, j_max: f64, dt: f64) -> Vec<usize> {
    let n = q.len();
    let mut out = Vec::new();
    for k in 1..n {
        let v = (q[k] - q[k - 1]) / dt;
        let a = if k + 1 < n {
            (q[k + 1] - 2.0 * q[k] + q[k - 1]) / (dt * dt)
        } else {
            0.0
        };
        let jerk = if k + 2 < n {
            (q[k + 2] - 3.0 * q[k + 1] + 3.0 * q[k] - q[k - 1]) / (dt * dt * dt)
        } else {
            0.0
        };
        if v.abs() > v_max || a.abs() > a_max || jerk.abs() > j_max {
            out.push(k);
        }
    }
    out
}

/// Replaces frames around `k` by a Gaussian-weighted blend of `src` toward its local mean.
fn blend_around(q: &mut [f64], src: &[f64], k: usize, half: usize) {
    let n = src.len();
    let lo = k.saturating_sub(half + 1);
    let hi = (k + half + 1).min(n - 1);
    let sigma = 0.5 * half as f64 + 0.5;
    for (i, qi) in q.iter_mut().enumerate().take(hi + 1).skip(lo) {
        let from = i.saturating_sub(half);
        let (mut sum, mut wsum) = (0.0, 0.0);
        for (m, &x) in src
            .iter()
            .enumerate()
            .take((i + half).min(n - 1) + 1)
            .skip(from)
        {
            let d = m as f64 - i as f64;
            let w = (-0.5 * d * d / (sigma * sigma)).exp();
            sum += w * x;
            wsum += w;
        }
        // Strongest at the offender, fading toward the window's edge.
        let edge = 1.0 - (i as f64 - k as f64).abs() / (half as f64 + 2.0);
        *qi = *qi * (1.0 - edge) + (sum / wsum) * edge;
    }
}

/// The exact per-tick limiter following `q`, starting at rest on its first value.
fn track(q: &[f64], l: &JointLimit, dt: f64) -> Vec<f64> {
    let mut state = JointState {
        position_rad: q.first().copied().unwrap_or(0.0),
        velocity_rad_per_s: 0.0,
    };
    let mut out = Vec::with_capacity(q.len());
    for (k, &target) in q.iter().enumerate() {
        if k > 0 {
            let v_ref = (target - q[k - 1]) / dt;
            state = limiter::step(state, target, v_ref, l, 1.0, dt);
        }
        out.push(state.position_rad);
    }
    out
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
    for k in 1..n.saturating_sub(2) {
        for j in 0..after.joint_names.len() {
            let p = |i: usize| after.positions_rad[i][j];
            let jerk = (p(k + 2) - 3.0 * p(k + 1) + 3.0 * p(k) - p(k - 1)) / (dt * dt * dt);
            report.max_jerk_rad_per_s3 = report.max_jerk_rad_per_s3.max(jerk.abs());
        }
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
        }
        assert!(rep.beat_poses_moved > 0 && rep.max_beat_pose_change_rad > 0.1);
        assert!(out
            .velocities_rad_per_s
            .iter()
            .all(|r| r[0].abs() <= 3.0 + 1e-9));
    }
}
