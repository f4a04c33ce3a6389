//! Cubic Hermite splines through keyframes in shape space, with beat-aware tangents.
//!
//! Each [`Knot`] is a shape at a time (seconds, after the time warp). Between two knots the
//! shape follows the cubic Hermite curve of their values and tangents, so position and
//! velocity are continuous everywhere (C¹), whatever the spacing of the knots.
//!
//! Tangents are chosen per coordinate from the two neighbouring secant slopes `δ⁻`, `δ⁺`
//! (after Fritsch and Carlson's monotone interpolation, SIAM J. Numer. Anal. 1980):
//!
//! - zero where the coordinate turns (`δ⁻·δ⁺ ≤ 0`) and at the first and last knot, so no
//!   coordinate overshoots its keyframes (a foot never dips below the floor between two
//!   planted keys);
//! - otherwise `cap · min(|δ⁻|, |δ⁺|)` in the common direction, with `cap` = the beat tangent
//!   scale (default 0.5) on beat knots and 1 off the beat.
//!
//! With `cap ≤ 0.5` on a beat, the speed of every coordinate has a local minimum exactly at
//! the knot: it rises on both sides (the Hermite derivative's slope at the knot is
//! `(6δ − 4m₀ − 2m₁)/Δt > 0` for `m ≤ δ`), which puts the dance's velocity minima on the
//! beats, as the Beat Align Score wants, without stopping dead on each one.

use super::shape::{ShapeVec, SHAPE_DIM};

/// A keyframe on the time axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Knot {
    /// Time of the key pose, seconds.
    pub t_secs: f64,
    /// The shape at that time.
    pub value: ShapeVec,
    /// True for a knot on a music beat (its tangent is damped).
    pub on_beat: bool,
}

/// The tangent (shape units per second) at `k`, given its neighbours (`None` at the ends).
pub fn tangent(prev: Option<&Knot>, k: &Knot, next: Option<&Knot>, beat_cap: f64) -> ShapeVec {
    let (Some(p), Some(n)) = (prev, next) else {
        return ShapeVec::zeros();
    };
    let dt_prev = k.t_secs - p.t_secs;
    let dt_next = n.t_secs - k.t_secs;
    if dt_prev <= 0.0 || dt_next <= 0.0 {
        return ShapeVec::zeros();
    }
    let cap = if k.on_beat { beat_cap } else { 1.0 };
    let mut m = ShapeVec::zeros();
    for i in 0..SHAPE_DIM {
        let before = (k.value[i] - p.value[i]) / dt_prev;
        let after = (n.value[i] - k.value[i]) / dt_next;
        if before * after > 0.0 {
            m[i] = before.signum() * cap * before.abs().min(after.abs());
        }
    }
    m
}

/// Value and derivative (per second) at `t_secs` of the Hermite segment from `a` (tangent
/// `ma`) to `b` (tangent `mb`); `t_secs` is clamped into the segment.
pub fn hermite(
    a: &Knot,
    ma: &ShapeVec,
    b: &Knot,
    mb: &ShapeVec,
    t_secs: f64,
) -> (ShapeVec, ShapeVec) {
    let h = b.t_secs - a.t_secs;
    if h <= 0.0 {
        return (b.value, ShapeVec::zeros());
    }
    let s = ((t_secs - a.t_secs) / h).clamp(0.0, 1.0);
    let (s2, s3) = (s * s, s * s * s);
    let h00 = 2.0 * s3 - 3.0 * s2 + 1.0;
    let h10 = s3 - 2.0 * s2 + s;
    let h01 = -2.0 * s3 + 3.0 * s2;
    let h11 = s3 - s2;
    let d00 = 6.0 * s2 - 6.0 * s;
    let d10 = 3.0 * s2 - 4.0 * s + 1.0;
    let d01 = -6.0 * s2 + 6.0 * s;
    let d11 = 3.0 * s2 - 2.0 * s;
    let value = a.value * h00 + ma * (h10 * h) + b.value * h01 + mb * (h11 * h);
    let velocity = (a.value * d00 + b.value * d01) / h + ma * d10 + mb * d11;
    (value, velocity)
}

/// Value and derivative at `t_secs` of the spline through `knots` (sorted by time). Before
/// the first knot and after the last the spline holds still.
pub fn evaluate(knots: &[Knot], t_secs: f64, beat_cap: f64) -> Option<(ShapeVec, ShapeVec)> {
    let first = knots.first()?;
    let last = knots.last()?;
    if t_secs <= first.t_secs {
        return Some((first.value, ShapeVec::zeros()));
    }
    if t_secs >= last.t_secs {
        return Some((last.value, ShapeVec::zeros()));
    }
    // The segment [k, k + 1] holding t.
    let k = knots
        .partition_point(|n| n.t_secs <= t_secs)
        .saturating_sub(1);
    let k = k.min(knots.len() - 2);
    let ma = tangent(
        k.checked_sub(1).map(|i| &knots[i]),
        &knots[k],
        knots.get(k + 1),
        beat_cap,
    );
    let mb = tangent(Some(&knots[k]), &knots[k + 1], knots.get(k + 2), beat_cap);
    Some(hermite(&knots[k], &ma, &knots[k + 1], &mb, t_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn knot(t_secs: f64, v: f64, on_beat: bool) -> Knot {
        Knot {
            t_secs,
            value: ShapeVec::from_element(v),
            on_beat,
        }
    }

    fn knots() -> Vec<Knot> {
        vec![
            knot(0.0, 0.0, true),
            knot(0.5, 1.0, true),
            knot(0.7, 1.5, false),
            knot(1.0, 3.0, true),
            knot(1.6, 2.0, true),
            knot(2.0, 2.0, true),
        ]
    }

    #[test]
    fn passes_through_knots_and_holds_outside() {
        let ks = knots();
        for k in &ks {
            let (v, _) = evaluate(&ks, k.t_secs, 0.5).unwrap();
            assert!((v[0] - k.value[0]).abs() < 1e-12, "at {}", k.t_secs);
        }
        let (v, d) = evaluate(&ks, -1.0, 0.5).unwrap();
        assert_eq!((v[0], d[0]), (0.0, 0.0));
        let (v, d) = evaluate(&ks, 9.0, 0.5).unwrap();
        assert_eq!((v[0], d[0]), (2.0, 0.0));
        assert!(evaluate(&[], 0.0, 0.5).is_none());
    }

    #[test]
    fn velocity_is_continuous_across_knots() {
        let ks = knots();
        for k in &ks[1..ks.len() - 1] {
            let (_, left) = evaluate(&ks, k.t_secs - 1e-9, 0.5).unwrap();
            let (_, right) = evaluate(&ks, k.t_secs + 1e-9, 0.5).unwrap();
            assert!((left[0] - right[0]).abs() < 1e-6, "at {}", k.t_secs);
            // And the analytic derivative matches a finite difference.
            let (a, _) = evaluate(&ks, k.t_secs + 0.01 - 1e-6, 0.5).unwrap();
            let (b, db) = evaluate(&ks, k.t_secs + 0.01 + 1e-6, 0.5).unwrap();
            assert!(((b[0] - a[0]) / 2e-6 - db[0]).abs() < 1e-4);
        }
    }

    #[test]
    fn never_overshoots_and_turns_with_zero_speed() {
        let ks = knots();
        let mut t = 0.0;
        while t <= 2.0 {
            let (v, _) = evaluate(&ks, t, 0.5).unwrap();
            assert!((-1e-12..=3.0 + 1e-12).contains(&v[0]), "{t}: {}", v[0]);
            t += 0.001;
        }
        // At the peak (t = 1.0) and where it then holds (1.6 to 2.0) the tangent is zero.
        let (_, d) = evaluate(&ks, 1.0, 0.5).unwrap();
        assert!(d[0].abs() < 1e-12);
        let (v, _) = evaluate(&ks, 1.8, 0.5).unwrap();
        assert!((v[0] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn speed_has_a_local_minimum_on_beat_knots() {
        let ks = knots();
        let speed = |t: f64| evaluate(&ks, t, 0.5).unwrap().1[0].abs();
        // 0.5 is a beat knot crossed monotonically (0 -> 1 -> 1.5).
        let at = speed(0.5);
        assert!(at > 0.0, "a beat knot inside a monotone run keeps moving");
        assert!(speed(0.45) > at && speed(0.55) > at);
    }
}
