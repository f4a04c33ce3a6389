//! The per-joint motion limiter: moves a commanded position toward a desired one without ever
//! leaving the position range or exceeding the velocity and acceleration limits.
//!
//! Each tick of length `dt` picks the new velocity as the one closest to "reach the target
//! now" that (1) is within `±v_max`, (2) differs from the previous velocity by at most
//! `a_max · dt`, and (3) still allows stopping, decelerating at `a_max` in whole ticks, before
//! the target and before either position limit. (3) uses the discrete-time stopping distance,
//! so the position limit holds exactly, tick by tick, not just in the continuous limit.

use crate::robot::limits::JointLimit;

/// Largest speed `v` such that moving at `v` for this tick and then braking by `a·dt` per
/// tick (`v`, `v − a·dt`, …, 0) covers at most `d` (d ≥ 0; 0 for d ≤ 0).
///
/// With `v = (m + f)·a·dt`, `m` whole and `0 ≤ f < 1`, that distance is
/// `a·dt²·(m(m+1)/2 + (m+1)·f)`; the function inverts it exactly.
pub fn stopping_speed(d: f64, a: f64, dt: f64) -> f64 {
    if d.is_nan() || d <= 0.0 {
        return 0.0;
    }
    let unit = a * dt * dt;
    let x = d / unit;
    let m = (-0.5 + (0.25 + 2.0 * x).sqrt()).floor().max(0.0);
    let f = ((x - m * (m + 1.0) / 2.0) / (m + 1.0)).clamp(0.0, 1.0);
    (m + f) * a * dt
}

/// `x` limited to `[lo, hi]`; never panics (returns `hi` if the range is empty, `lo`/`hi` for
/// NaN `x`).
pub fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    let y = if x.is_nan() { lo } else { x };
    y.max(lo).min(hi)
}

/// One joint's commanded state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct JointState {
    /// Position, rad.
    pub position_rad: f64,
    /// Velocity, rad/s.
    pub velocity_rad_per_s: f64,
}

/// Advances `state` one tick of `dt` seconds toward `desired_rad` (where the joint should be
/// at the end of the tick) moving at `desired_velocity_rad_per_s` (the reference's own speed,
/// 0 for a fixed target), within `limit`, with speed capped at `speed_scale · v_max` (soft
/// start and homing use a scale below 1). A non-finite desired position brakes the joint to a
/// stop; a non-finite desired velocity counts as 0.
///
/// A feasible moving reference is tracked exactly (the velocity is the reference's plus the
/// error closed this tick); a distant one is approached at full speed and braked so it is
/// reached without overshoot, relative to the reference's motion. Precedence, from hard to
/// soft: position range, acceleration, speed cap, tracking. The state must be inside the limits
/// on entry (the layer guarantees it); the result is then inside the limits, within `v_max`,
/// and within `a_max · dt` of the previous velocity.
pub fn step(
    state: JointState,
    desired_rad: f64,
    desired_velocity_rad_per_s: f64,
    limit: &JointLimit,
    speed_scale: f64,
    dt: f64,
) -> JointState {
    let q = state.position_rad;
    let v = state.velocity_rad_per_s;
    let a = limit.max_acceleration_rad_per_s2;
    let v_cap = limit.max_velocity_rad_per_s * clamp(speed_scale, 0.0, 1.0);
    let v_want = if desired_rad.is_finite() {
        let target = clamp(desired_rad, limit.lower_rad, limit.upper_rad);
        let v_ref = if desired_velocity_rad_per_s.is_finite() {
            clamp(desired_velocity_rad_per_s, -v_cap, v_cap)
        } else {
            0.0
        };
        // Error left if we simply moved with the reference this tick.
        let err = target - q - v_ref * dt;
        let close = (err.abs() / dt).min(stopping_speed(err.abs(), a, dt));
        clamp(v_ref + err.signum() * close, -v_cap, v_cap)
    } else {
        0.0
    };
    let v_new = clamp(v_want, v - a * dt, v + a * dt);
    let v_new = clamp(
        v_new,
        -stopping_speed(q - limit.lower_rad, a, dt),
        stopping_speed(limit.upper_rad - q, a, dt),
    );
    JointState {
        position_rad: clamp(q + v_new * dt, limit.lower_rad, limit.upper_rad),
        velocity_rad_per_s: v_new,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: JointLimit = JointLimit {
        lower_rad: -1.0,
        upper_rad: 1.0,
        max_velocity_rad_per_s: 2.0,
        max_acceleration_rad_per_s2: 10.0,
        max_jerk_rad_per_s3: 100.0,
    };

    fn braking_distance(v: f64, a: f64, dt: f64) -> f64 {
        let mut d = 0.0;
        let mut v = v;
        while v > 0.0 {
            d += v * dt;
            v -= a * dt;
        }
        d
    }

    #[test]
    fn stopping_speed_inverts_the_braking_distance() {
        for &d in &[1e-6, 0.0009, 0.001, 0.0015, 0.05, 0.3, 2.0] {
            let v = stopping_speed(d, 10.0, 0.01);
            assert!(braking_distance(v, 10.0, 0.01) <= d + 1e-12, "d {d}");
            assert!(
                braking_distance(v + 1e-3, 10.0, 0.01) > d,
                "d {d} not tight"
            );
        }
        assert_eq!(stopping_speed(-1.0, 10.0, 0.01), 0.0);
        assert_eq!(stopping_speed(f64::NAN, 10.0, 0.01), 0.0);
    }

    #[test]
    fn a_far_target_is_reached_at_max_speed_without_overshoot() {
        let mut s = JointState::default();
        let mut peak: f64 = 0.0;
        for _ in 0..200 {
            let n = step(s, 5.0, 0.0, &LIMIT, 1.0, 0.01);
            assert!((n.velocity_rad_per_s - s.velocity_rad_per_s).abs() <= 0.1 + 1e-12);
            peak = peak.max(n.velocity_rad_per_s);
            s = n;
            assert!(s.position_rad <= 1.0);
        }
        assert!((peak - 2.0).abs() < 1e-12);
        assert!((s.position_rad - 1.0).abs() < 1e-12 && s.velocity_rad_per_s.abs() < 1e-12);
    }

    #[test]
    fn a_feasible_moving_reference_is_tracked_exactly() {
        // Starts at rest while the reference moves: catches up within the acceleration limit,
        // then follows exactly.
        let mut s = JointState::default();
        for k in 1..300 {
            let t = k as f64 * 0.01;
            let (r, vr) = (0.5 * (3.0 * t).sin(), 1.5 * (3.0 * t).cos());
            s = step(s, r, vr, &LIMIT, 1.0, 0.01);
            if k > 60 {
                assert!(
                    (s.position_rad - r).abs() < 1e-9,
                    "{k}: {} vs {r}",
                    s.position_rad
                );
            }
        }
    }

    #[test]
    fn nan_brakes_and_clamp_never_panics() {
        let s = JointState {
            position_rad: 0.0,
            velocity_rad_per_s: 2.0,
        };
        let n = step(s, f64::NAN, 0.0, &LIMIT, 1.0, 0.01);
        assert!((n.velocity_rad_per_s - 1.9).abs() < 1e-12);
        assert_eq!(clamp(f64::NAN, -1.0, 1.0), -1.0);
        assert_eq!(clamp(0.5, 1.0, -1.0), -1.0);
    }
}
