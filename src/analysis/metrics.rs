//! Beat-tracking evaluation metrics, numerically identical to `mir_eval.beat` (0.8).
//!
//! The standard protocol (Davies, Degara & Plumbley 2009, "Evaluation methods for musical
//! audio beat tracking algorithms", QMUL C4DM-TR-09-06): drop beats before 5 s in both
//! sequences ([`trim_beats`]), then
//! - [`f_measure`]: one-to-one matching within ±70 ms (`mir_eval.util.match_events`),
//! - [`continuity`]: CMLc/CMLt (correct metrical level) and AMLc/AMLt (any level: the
//!   reference itself, off-beat, double and the two half-tempo variants), with phase and
//!   period tolerances of 17.5 % of the reference inter-beat interval.
//!
//! All times are seconds, increasing. `tests/fixtures/mir_eval_reference.json` (made by
//! `scripts/make_mir_eval_reference.py`) pins every function to mir_eval's own output.

use serde::Serialize;

/// Beats before this time are ignored by the standard protocol (seconds).
pub const MIN_BEAT_TIME_SECS: f64 = 5.0;
/// F-measure tolerance window (seconds either side).
pub const F_MEASURE_WINDOW_SECS: f64 = 0.07;
/// Continuity tolerance, as a fraction of the reference inter-beat interval.
pub const CONTINUITY_THRESHOLD: f64 = 0.175;

/// Continuity scores of one estimate against one reference.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Continuity {
    /// Correct metrical level, longest continuous correct run.
    pub cml_c: f64,
    /// Correct metrical level, total correct.
    pub cml_t: f64,
    /// Any metrical level, longest continuous correct run.
    pub aml_c: f64,
    /// Any metrical level, total correct.
    pub aml_t: f64,
}

/// The scores the benchmark reports for one file.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct BeatScores {
    /// F-measure at ±70 ms.
    pub f_measure: f64,
    /// CMLt.
    pub cml_t: f64,
    /// AMLt.
    pub aml_t: f64,
}

/// Removes beats before `min_beat_time_secs` (`mir_eval.beat.trim_beats`).
pub fn trim_beats(beats_secs: &[f64], min_beat_time_secs: f64) -> Vec<f64> {
    beats_secs
        .iter()
        .copied()
        .filter(|&t| t >= min_beat_time_secs)
        .collect()
}

/// Trims both sequences at 5 s and computes F, CMLt and AMLt with the default tolerances.
pub fn score_beats(reference_secs: &[f64], estimated_secs: &[f64]) -> BeatScores {
    let reference = trim_beats(reference_secs, MIN_BEAT_TIME_SECS);
    let estimated = trim_beats(estimated_secs, MIN_BEAT_TIME_SECS);
    let cont = continuity(
        &reference,
        &estimated,
        CONTINUITY_THRESHOLD,
        CONTINUITY_THRESHOLD,
    );
    BeatScores {
        f_measure: f_measure(&reference, &estimated, F_MEASURE_WINDOW_SECS),
        cml_t: cont.cml_t,
        aml_t: cont.aml_t,
    }
}

/// Maximum one-to-one matching of events within `window_secs` (`mir_eval.util.match_events`).
///
/// Returns `(reference_index, estimated_index)` pairs sorted by estimate. Both inputs must be
/// sorted. Each estimate's feasible references form an interval whose ends increase with the
/// estimate, so matching each estimate, in order, to the earliest free feasible reference is a
/// maximum matching (the same size as mir_eval's Hopcroft–Karp).
pub fn match_events(reference: &[f64], estimated: &[f64], window_secs: f64) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut next_free = 0;
    for (j, &e) in estimated.iter().enumerate() {
        // Same comparisons as numpy's searchsorted on `est ± window`.
        while next_free < reference.len() && reference[next_free] < e - window_secs {
            next_free += 1;
        }
        if next_free < reference.len() && reference[next_free] <= e + window_secs {
            pairs.push((next_free, j));
            next_free += 1;
        }
    }
    pairs
}

/// F-measure of the matched beats (`mir_eval.beat.f_measure`); 0 when either side is empty.
pub fn f_measure(reference: &[f64], estimated: &[f64], window_secs: f64) -> f64 {
    if reference.is_empty() || estimated.is_empty() {
        return 0.0;
    }
    let matched = match_events(reference, estimated, window_secs).len() as f64;
    let precision = matched / estimated.len() as f64;
    let recall = matched / reference.len() as f64;
    if precision == 0.0 && recall == 0.0 {
        return 0.0;
    }
    2.0 * precision * recall / (precision + recall)
}

/// The reference and its metrical variations: original, off-beat, double, half (odd), half
/// (even), as `mir_eval.beat._get_reference_beat_variations`.
fn reference_variations(reference: &[f64]) -> [Vec<f64>; 5] {
    let n = reference.len();
    let mut double = Vec::with_capacity(2 * n);
    for i in 0..n {
        double.push(reference[i]);
        if i + 1 < n {
            double.push(0.5 * (reference[i] + reference[i + 1]));
        }
    }
    let off_beat = double.iter().skip(1).step_by(2).copied().collect();
    let half_odd = reference.iter().step_by(2).copied().collect();
    let half_even = reference.iter().skip(1).step_by(2).copied().collect();
    [reference.to_vec(), off_beat, double, half_odd, half_even]
}

/// Indexes like Python: `-1` is the last element.
fn py_index(x: &[f64], i: isize) -> f64 {
    let n = x.len() as isize;
    x[(if i < 0 { i + n } else { i }) as usize]
}

/// Index of the first minimum of `|e - r|` over `reference` (numpy's argmin).
fn nearest_index(reference: &[f64], e: f64) -> usize {
    let mut best = 0;
    for (i, &r) in reference.iter().enumerate() {
        if (e - r).abs() < (e - reference[best]).abs() {
            best = i;
        }
    }
    best
}

/// Whether estimated beat `m` continues correctly against `reference` (one step of mir_eval's
/// continuity loop); `used` marks references already claimed.
fn beat_success(
    reference: &[f64],
    estimated: &[f64],
    m: usize,
    used: &mut [bool],
    phase_threshold: f64,
    period_threshold: f64,
) -> bool {
    let nearest = nearest_index(reference, estimated[m]);
    let min_difference = (estimated[m] - reference[nearest]).abs();
    if used[nearest] {
        return false;
    }
    let (phase, period) = if m == 0 || nearest == 0 {
        let reference_interval = if nearest + 1 < reference.len() {
            reference[nearest + 1] - reference[nearest]
        } else {
            reference[nearest] - py_index(reference, nearest as isize - 1)
        };
        let estimated_interval = if m + 1 < estimated.len() {
            estimated[m + 1] - estimated[m]
        } else {
            estimated[m] - py_index(estimated, m as isize - 1)
        };
        if reference_interval == 0.0 {
            let phase = if min_difference == 0.0 {
                1.0
            } else {
                f64::INFINITY
            };
            let period = if estimated_interval == 0.0 {
                0.0
            } else {
                f64::INFINITY
            };
            (phase, period)
        } else {
            (
                (min_difference / reference_interval).abs(),
                (1.0 - estimated_interval / reference_interval).abs(),
            )
        }
    } else {
        let reference_interval = reference[nearest] - reference[nearest - 1];
        let estimated_interval = estimated[m] - estimated[m - 1];
        (
            (min_difference / reference_interval).abs(),
            (1.0 - estimated_interval / reference_interval).abs(),
        )
    };
    let ok = phase < phase_threshold && period < period_threshold;
    if ok {
        used[nearest] = true;
    }
    ok
}

/// Longest-run and total accuracy of `estimated` against one reference variation.
fn continuity_one(
    reference: &[f64],
    estimated: &[f64],
    phase_threshold: f64,
    period_threshold: f64,
) -> (f64, f64) {
    let mut used = vec![false; reference.len().max(estimated.len())];
    let successes: Vec<bool> = (0..estimated.len())
        .map(|m| {
            beat_success(
                reference,
                estimated,
                m,
                &mut used,
                phase_threshold,
                period_threshold,
            )
        })
        .collect();
    let (mut longest, mut run) = (0usize, 0usize);
    for &s in &successes {
        run = if s { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let total = successes.iter().filter(|&&s| s).count();
    // mir_eval divides by max(#reference, #estimated), not by the number of estimates.
    let n = reference.len().max(estimated.len()) as f64;
    (longest as f64 / n, total as f64 / n)
}

/// Continuity scores (`mir_eval.beat.continuity`); all zero when either side has < 2 beats.
pub fn continuity(
    reference: &[f64],
    estimated: &[f64],
    phase_threshold: f64,
    period_threshold: f64,
) -> Continuity {
    if reference.len() <= 1 || estimated.len() <= 1 {
        return Continuity::default();
    }
    let mut scores = Continuity::default();
    for (k, variation) in reference_variations(reference).iter().enumerate() {
        let (c, t) = continuity_one(variation, estimated, phase_threshold, period_threshold);
        if k == 0 {
            scores.cml_c = c;
            scores.cml_t = t;
        }
        scores.aml_c = scores.aml_c.max(c);
        scores.aml_t = scores.aml_t.max(t);
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_estimate_scores_one() {
        let beats: Vec<f64> = (0..40).map(|i| 5.0 + 0.5 * i as f64).collect();
        let s = score_beats(&beats, &beats);
        assert_eq!((s.f_measure, s.cml_t, s.aml_t), (1.0, 1.0, 1.0));
    }

    #[test]
    fn off_beat_is_any_level_but_not_correct_level() {
        let reference: Vec<f64> = (0..40).map(|i| 5.0 + 0.5 * i as f64).collect();
        let estimated: Vec<f64> = reference.iter().map(|t| t + 0.25).collect();
        let s = score_beats(&reference, &estimated);
        assert_eq!(s.f_measure, 0.0);
        assert_eq!(s.cml_t, 0.0);
        assert!(s.aml_t > 0.95, "{s:?}");
    }

    #[test]
    fn matching_is_one_to_one() {
        // Two estimates near one reference: only one may match.
        let pairs = match_events(&[1.0, 2.0], &[0.98, 1.02, 2.5], 0.07);
        assert_eq!(pairs, vec![(0, 0)]);
        // Greedy earliest-free must still find the maximum matching.
        let pairs = match_events(&[1.0, 1.1], &[1.05, 1.12], 0.07);
        assert_eq!(pairs.len(), 2);
    }

    #[test]
    fn matches_mir_eval_reference_fixture() {
        let text = include_str!("../../tests/fixtures/mir_eval_reference.json");
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let cases = doc["cases"].as_array().unwrap();
        assert!(cases.len() > 40);
        let list = |v: &serde_json::Value| -> Vec<f64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        for (k, case) in cases.iter().enumerate() {
            let reference = trim_beats(&list(&case["reference_secs"]), MIN_BEAT_TIME_SECS);
            let estimated = trim_beats(&list(&case["estimated_secs"]), MIN_BEAT_TIME_SECS);
            let f = f_measure(&reference, &estimated, F_MEASURE_WINDOW_SECS);
            let c = continuity(&reference, &estimated, 0.175, 0.175);
            let got = [f, c.cml_c, c.cml_t, c.aml_c, c.aml_t];
            for (name, value) in ["f_measure", "cml_c", "cml_t", "aml_c", "aml_t"]
                .iter()
                .zip(got)
            {
                let want = case[*name].as_f64().unwrap();
                assert!(
                    (value - want).abs() < 1e-9,
                    "case {k} {name}: {value} vs {want}"
                );
            }
        }
    }

    #[test]
    fn empty_inputs_score_zero() {
        assert_eq!(f_measure(&[], &[1.0], 0.07), 0.0);
        assert_eq!(
            continuity(&[1.0, 2.0], &[1.0], 0.175, 0.175),
            Continuity::default()
        );
    }
}
