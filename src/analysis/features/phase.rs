//! Beat and bar phase: where a time falls between two events of a grid, as a fraction.
//!
//! Phase is `0` on an event and rises linearly to just below `1` at the next one. Before the
//! first and after the last event the nearest interval is extended (the grid is assumed to keep
//! its local period), so the phase keeps cycling through intros and fade-outs. A grid with fewer
//! than two events carries no period, and its phase is `0` everywhere.

/// Phase in `0..1` of `t_secs` within the grid `events_secs` (sorted, increasing).
pub fn phase_at(events_secs: &[f64], t_secs: f64) -> f32 {
    let n = events_secs.len();
    if n < 2 {
        return 0.0;
    }
    let next = events_secs.partition_point(|&e| e <= t_secs);
    // The interval holding t, or the first/last interval extended outwards.
    let i = next.clamp(1, n - 1);
    let (start, end) = (events_secs[i - 1], events_secs[i]);
    let period = end - start;
    if period <= 0.0 || !period.is_finite() {
        return 0.0;
    }
    let phase = ((t_secs - start) / period).rem_euclid(1.0) as f32;
    // rem_euclid can round up to exactly 1.0 for tiny negative inputs.
    if phase >= 1.0 {
        0.0
    } else {
        phase
    }
}

/// Phases of the motion frames `k / fps`, `k = 0..n_frames`.
pub fn phases(events_secs: &[f64], fps: f64, n_frames: usize) -> Vec<f32> {
    (0..n_frames)
        .map(|k| phase_at(events_secs, k as f64 / fps))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_rises_between_events_and_extends_outside() {
        let beats = [1.0, 1.5, 2.5];
        assert_eq!(phase_at(&beats, 1.0), 0.0);
        assert!((phase_at(&beats, 1.25) - 0.5).abs() < 1e-6);
        assert!((phase_at(&beats, 2.0) - 0.5).abs() < 1e-6);
        // Before the first beat: the first interval (0.5 s) extended backwards.
        assert!((phase_at(&beats, 0.875) - 0.75).abs() < 1e-6);
        // After the last: the last interval (1 s) extended.
        assert!((phase_at(&beats, 3.75) - 0.25).abs() < 1e-6);
    }

    #[test]
    fn too_few_events_give_zero_phase() {
        assert!(phases(&[], 30.0, 10).iter().all(|&p| p == 0.0));
        assert!(phases(&[1.0], 30.0, 10).iter().all(|&p| p == 0.0));
    }

    #[test]
    fn phase_is_always_in_unit_range() {
        let beats: Vec<f64> = (0..20).map(|i| 0.3 + 0.47 * i as f64).collect();
        for p in phases(&beats, 60.0, 800) {
            assert!((0.0..1.0).contains(&p), "{p}");
        }
    }
}
