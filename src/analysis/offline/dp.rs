//! Beat tracking by dynamic programming (Ellis 2007, "Beat tracking by dynamic programming",
//! J. New Music Research 36(1)), as librosa's `beat.beat_track`.
//!
//! Given one target period `P` (frames), the best beat sequence maximises the summed
//! activation at the beats minus `tightness · log(Δ/P)²` for every inter-beat interval `Δ`.
//! A forward pass keeps, per frame, the best score of a sequence ending there and a back link;
//! the sequence is read back from the last strong local maximum of the cumulative score.
//! It is the fallback tracker and the baseline the bar-pointer HMM is measured against.

/// How strongly intervals are pulled towards the period (Ellis's α; librosa's `tightness`).
pub const DEFAULT_TIGHTNESS: f64 = 100.0;

/// Smooths the activation with a Gaussian of width ~`period / 32` (librosa's local score).
fn local_score(activation: &[f32], period: f64) -> Vec<f64> {
    let half = period.round().max(1.0) as isize;
    let kernel: Vec<f64> = (-half..=half)
        .map(|k| (-0.5 * (k as f64 * 32.0 / period).powi(2)).exp())
        .collect();
    let n = activation.len() as isize;
    (0..n)
        .map(|i| {
            kernel
                .iter()
                .enumerate()
                .filter_map(|(j, w)| {
                    let idx = i + j as isize - half;
                    (0..n)
                        .contains(&idx)
                        .then(|| w * f64::from(activation[idx as usize]))
                })
                .sum()
        })
        .collect()
}

/// Forward pass: cumulative score and back link per frame. Candidates before the start of the
/// signal count as a score of zero (as librosa), and no link is kept until the first frame
/// whose score reaches 1 % of the maximum.
fn forward(score: &[f64], period: f64, tightness: f64) -> (Vec<f64>, Vec<Option<usize>>) {
    let n = score.len();
    let (lo, hi) = (
        (period / 2.0).round().max(1.0) as usize,
        (2.0 * period).round() as usize,
    );
    let mut cumulative = vec![0.0; n];
    let mut backlink = vec![None; n];
    let max_score = score.iter().copied().fold(0.0, f64::max);
    let mut first_beat = true;
    for t in 0..n {
        let mut best = (None, f64::MIN);
        for gap in lo..=hi.max(lo) {
            let penalty = tightness * (gap as f64 / period).ln().powi(2);
            let prev = t.checked_sub(gap);
            let candidate = prev.map_or(0.0, |p| cumulative[p]) - penalty;
            if candidate > best.1 {
                best = (prev, candidate);
            }
        }
        cumulative[t] = score[t] + best.1;
        if first_beat && score[t] < 0.01 * max_score {
            backlink[t] = None;
        } else {
            backlink[t] = best.0;
            first_beat = false;
        }
    }
    (cumulative, backlink)
}

/// The last local maximum of the cumulative score above half the median of the maxima.
fn last_beat(cumulative: &[f64]) -> Option<usize> {
    let maxima: Vec<usize> = (1..cumulative.len().saturating_sub(1))
        .filter(|&i| cumulative[i] > cumulative[i - 1] && cumulative[i] >= cumulative[i + 1])
        .collect();
    let mut values: Vec<f64> = maxima.iter().map(|&i| cumulative[i]).collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    maxima
        .into_iter()
        .rev()
        .find(|&i| cumulative[i] >= 0.5 * median)
}

/// Drops weak beats at both ends (score below half the RMS of the beats' scores).
fn trim_weak_ends(beats: &mut Vec<usize>, score: &[f64]) {
    if beats.is_empty() {
        return;
    }
    let rms = (beats.iter().map(|&b| score[b].powi(2)).sum::<f64>() / beats.len() as f64).sqrt();
    let threshold = 0.5 * rms;
    while beats.last().is_some_and(|&b| score[b] < threshold) {
        beats.pop();
    }
    let first_strong = beats
        .iter()
        .position(|&b| score[b] >= threshold)
        .unwrap_or(0);
    beats.drain(..first_strong);
}

/// Beat frames of `activation` for a target period of `period_frames`.
pub fn track_dp(activation: &[f32], period_frames: f64, tightness: f64) -> Vec<usize> {
    if activation.len() < 3 || period_frames < 2.0 {
        return Vec::new();
    }
    let score = local_score(activation, period_frames);
    let (cumulative, backlink) = forward(&score, period_frames, tightness);
    let Some(mut t) = last_beat(&cumulative) else {
        return Vec::new();
    };
    let mut beats = vec![t];
    while let Some(prev) = backlink[t] {
        beats.push(prev);
        t = prev;
    }
    beats.reverse();
    trim_weak_ends(&mut beats, &score);
    beats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_a_pulse_train_through_a_missing_beat() {
        let mut act = vec![0.0f32; 1000];
        let truth: Vec<usize> = (20..1000).step_by(50).collect();
        for &b in &truth {
            act[b] = 1.0;
        }
        act[520] = 0.0; // a missing beat is bridged
        act[545] = 0.3; // an off-beat onset is ignored
        let beats = track_dp(&act, 50.0, DEFAULT_TIGHTNESS);
        assert_eq!(beats, truth);
    }

    #[test]
    fn silence_gives_no_beats() {
        assert!(track_dp(&[0.0; 500], 50.0, DEFAULT_TIGHTNESS).is_empty());
    }
}
