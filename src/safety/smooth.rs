//! The shaping passes of the time parameterization ([`super::timing`]), one joint at a time,
//! on the original time grid.
//!
//! - [`smooth_joint`]: frames whose velocity, acceleration or jerk (finite differences) break
//!   the limits are pulled toward their local mean by a Gaussian blend, window by window.
//!   Beat frames are *anchors*: for the first half of the pass budget they do not move, so the
//!   frames between beats absorb the change and the beat pose stays where the dancer put it;
//!   an anchor still offending after that is released (a pose the robot cannot reach in time
//!   must move).
//! - [`jerk_guarantee`]: the last resort when smoothing and the exact limiter still leave a
//!   jerk above the limit. A centred moving average of `m` frames of a trajectory that keeps
//!   the position, velocity and acceleration limits keeps them too (every finite difference of
//!   the average is an average of the same differences), and its jerk is at most
//!   `2·a_max / (m·dt)`: choosing `m` from the jerk limit bounds the jerk everywhere.

use super::limiter::{self, JointState};
use super::timing::SmoothConfig;
use crate::robot::limits::JointLimit;

/// Share of each limit the smoothing aims for, so the exact limiter afterwards rarely acts.
const HEADROOM: f64 = 0.95;

/// Velocity, acceleration and jerk offenders of `q`, smoothed window by window; frames marked
/// in `anchors` keep their value for the first half of the pass budget.
pub(crate) fn smooth_joint(
    q: &mut [f64],
    anchors: &[bool],
    l: &JointLimit,
    dt: f64,
    cfg: &SmoothConfig,
) {
    let bounds = [
        HEADROOM * l.max_velocity_rad_per_s,
        HEADROOM * l.max_acceleration_rad_per_s2,
        HEADROOM * l.max_jerk_rad_per_s3,
    ];
    let mut scratch = q.to_vec();
    for pass in 0..cfg.max_passes {
        let offenders = find_offenders(q, bounds, dt);
        if offenders.is_empty() {
            return;
        }
        let pinned = (pass < cfg.max_passes / 2).then_some(anchors);
        scratch.copy_from_slice(q);
        for &k in &offenders {
            blend_around(q, &scratch, k, cfg.window_frames, pinned);
        }
    }
}

/// Frames `k` where the velocity from `k − 1`, the acceleration at `k` or the jerk from `k`
/// to `k + 1` exceeds `[v, a, j]`.
pub(crate) fn find_offenders(q: &[f64], [v_max, a_max, j_max]: [f64; 3], dt: f64) -> Vec<usize> {
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

/// Largest |jerk| of `q` (third finite differences).
pub(crate) fn max_jerk(q: &[f64], dt: f64) -> f64 {
    q.windows(4)
        .map(|w| ((w[3] - 3.0 * w[2] + 3.0 * w[1] - w[0]) / (dt * dt * dt)).abs())
        .fold(0.0, f64::max)
}

/// Replaces frames around `k` by a Gaussian-weighted blend of `src` toward its local mean;
/// frames marked in `pinned` keep their value.
fn blend_around(q: &mut [f64], src: &[f64], k: usize, half: usize, pinned: Option<&[bool]>) {
    let n = src.len();
    let lo = k.saturating_sub(half + 1);
    let hi = (k + half + 1).min(n - 1);
    let sigma = 0.5 * half as f64 + 0.5;
    for (i, qi) in q.iter_mut().enumerate().take(hi + 1).skip(lo) {
        if pinned.is_some_and(|p| p.get(i).copied().unwrap_or(false)) {
            continue;
        }
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
pub(crate) fn track(q: &[f64], l: &JointLimit, dt: f64) -> Vec<f64> {
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

/// `x` (an output of [`track`]: within the position, velocity and acceleration limits, at
/// rest at its start) with its jerk bounded by the limit: brought to rest at its end too (the
/// limiter run backward in time), then averaged over a centred window wide enough for the
/// bound in the module docs, the ends held (both at rest, so holding them keeps every limit).
pub(crate) fn jerk_guarantee(x: &[f64], l: &JointLimit, dt: f64) -> Vec<f64> {
    let n = x.len();
    if n < 4 {
        return x.to_vec();
    }
    let reversed: Vec<f64> = x.iter().rev().copied().collect();
    let mut rested = track(&reversed, l, dt);
    rested.reverse();
    let m = (2.0 * l.max_acceleration_rad_per_s2 / (HEADROOM * l.max_jerk_rad_per_s3 * dt))
        .ceil()
        .max(1.0) as usize;
    // An odd window is centred on its frame: no lag.
    let m = m + 1 - m % 2;
    let half = m / 2;
    let at = |i: isize| rested[i.clamp(0, n as isize - 1) as usize];
    (0..n as isize)
        .map(|k| (k - half as isize..=k + half as isize).map(at).sum::<f64>() / m as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guarantee_bounds_the_jerk_of_a_bang_bang_motion() {
        let l = JointLimit::with_default_jerk(-1.0, 1.0, 3.0, 30.0);
        let dt = 1.0 / 30.0;
        // Square-wave targets: the limiter answers with full acceleration reversals.
        let target: Vec<f64> = (0..200)
            .map(|k| if (k / 20) % 2 == 0 { -0.8 } else { 0.8 })
            .collect();
        let x = track(&target, &l, dt);
        assert!(
            max_jerk(&x, dt) > 2.0 * l.max_jerk_rad_per_s3,
            "must start jerky"
        );
        let y = jerk_guarantee(&x, &l, dt);
        assert!(max_jerk(&y, dt) <= l.max_jerk_rad_per_s3 * (1.0 + 1e-9));
        let followed = track(&y, &l, dt);
        assert!(followed.iter().zip(&y).all(|(a, b)| (a - b).abs() < 1e-9));
    }
}
