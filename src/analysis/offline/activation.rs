//! Beat activation: a frame-wise "how likely is a beat here" curve in `0..=1`, made from the
//! multi-band onset envelope without a neural network.
//!
//! Each wide band's onset strength is adaptively normalised: the local mean (a moving average
//! of about a beat) is subtracted and the rest half-wave rectified, which keeps only onsets
//! that stand out from their surroundings (the adaptive threshold of Bello et al. 2005, "A
//! tutorial on onset detection in music signals"); then it is divided by its local standard
//! deviation over a few seconds, so quiet passages count as much as loud ones. The bands are
//! mixed with weights that favour bass and high bands (kick drum and hi-hat carry the beat in
//! most popular music; Goto 2001 uses the same split). Finally the curve is scaled by its local
//! maximum so that it reads as a probability for the observation model of the bar-pointer HMM.
//!
//! Frames are those of the onset envelope (about 100 per second).

use serde::{Deserialize, Serialize};

/// Settings of the activation. Tuned on real music; change only with a benchmark run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ActivationConfig {
    /// Weight of each wide band (bass, low-mid, mid, high) in the mix.
    pub band_weights: Vec<f32>,
    /// Weight of the all-band onset strength in the mix.
    pub full_band_weight: f32,
    /// Half width of the moving average that is subtracted (seconds).
    pub mean_half_width_secs: f64,
    /// Half width of the window of the local standard deviation (seconds).
    pub norm_half_width_secs: f64,
    /// Half width of the window of the final local-maximum scaling (seconds).
    pub max_half_width_secs: f64,
}

impl Default for ActivationConfig {
    fn default() -> Self {
        Self {
            band_weights: vec![1.0, 0.5, 0.5, 1.0],
            full_band_weight: 1.0,
            mean_half_width_secs: 0.2,
            norm_half_width_secs: 3.0,
            max_half_width_secs: 2.0,
        }
    }
}

/// Moving average of `x` over `±half` frames (shrinking at the ends).
pub fn moving_mean(x: &[f32], half: usize) -> Vec<f32> {
    let mut prefix = Vec::with_capacity(x.len() + 1);
    prefix.push(0.0f64);
    for &v in x {
        let last = prefix.last().copied().unwrap_or(0.0);
        prefix.push(last + f64::from(v));
    }
    (0..x.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(x.len());
            ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32
        })
        .collect()
}

/// Moving maximum of `x` over `±half` frames (monotonic deque, O(n)).
pub fn moving_max(x: &[f32], half: usize) -> Vec<f32> {
    let n = x.len();
    let mut out = vec![0.0; n];
    let mut deque = std::collections::VecDeque::with_capacity(2 * half + 1);
    let mut next = 0;
    for (i, o) in out.iter_mut().enumerate() {
        let hi = (i + half + 1).min(n);
        while next < hi {
            while deque.back().is_some_and(|&j: &usize| x[j] <= x[next]) {
                deque.pop_back();
            }
            deque.push_back(next);
            next += 1;
        }
        while deque.front().is_some_and(|&j| j + half < i) {
            deque.pop_front();
        }
        *o = deque.front().map_or(0.0, |&j| x[j]);
    }
    out
}

/// Frames in `secs` at `frame_rate_hz`, at least one.
fn frames(secs: f64, frame_rate_hz: f64) -> usize {
    ((secs * frame_rate_hz).round() as usize).max(1)
}

/// Subtracts the local mean, rectifies and divides by the local RMS of what remains.
fn normalise_band(x: &[f32], cfg: &ActivationConfig, frame_rate_hz: f64) -> Vec<f32> {
    let mean = moving_mean(x, frames(cfg.mean_half_width_secs, frame_rate_hz));
    let peaks: Vec<f32> = x.iter().zip(&mean).map(|(v, m)| (v - m).max(0.0)).collect();
    let squares: Vec<f32> = peaks.iter().map(|v| v * v).collect();
    let power = moving_mean(&squares, frames(cfg.norm_half_width_secs, frame_rate_hz));
    let global =
        (squares.iter().map(|&v| f64::from(v)).sum::<f64>() / x.len().max(1) as f64).sqrt() as f32;
    // The floor keeps near-silent stretches from being blown up into noise.
    let floor = 0.1 * global + f32::EPSILON;
    peaks
        .iter()
        .zip(&power)
        .map(|(p, pw)| p / (pw.sqrt() + floor))
        .collect()
}

/// Beat activation in `0..=1` from the all-band strength and the wide bands.
pub fn beat_activation(
    strength: &[f32],
    bands: &[Vec<f32>],
    frame_rate_hz: f64,
    cfg: &ActivationConfig,
) -> Vec<f32> {
    let n = strength.len();
    let mut mix = vec![0.0f32; n];
    let mut total_weight = 0.0;
    let full = std::iter::once((strength, cfg.full_band_weight));
    let banded = bands
        .iter()
        .map(Vec::as_slice)
        .zip(cfg.band_weights.iter().copied());
    for (x, w) in full.chain(banded) {
        if w <= 0.0 || x.len() != n {
            continue;
        }
        for (m, v) in mix.iter_mut().zip(normalise_band(x, cfg, frame_rate_hz)) {
            *m += w * v;
        }
        total_weight += w;
    }
    if total_weight <= 0.0 {
        return mix;
    }
    let local_max = moving_max(&mix, frames(cfg.max_half_width_secs, frame_rate_hz));
    mix.iter()
        .zip(&local_max)
        .map(|(v, m)| {
            if *m > 0.0 {
                (v / m).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_max_matches_naive() {
        let x: Vec<f32> = (0..200).map(|i| ((i * 37 % 101) as f32).sin()).collect();
        for half in [0, 1, 5, 30] {
            let fast = moving_max(&x, half);
            for (i, &got) in fast.iter().enumerate() {
                let lo = i.saturating_sub(half);
                let hi = (i + half + 1).min(x.len());
                let naive = x[lo..hi].iter().copied().fold(f32::MIN, f32::max);
                assert_eq!(got, naive, "half {half} at {i}");
            }
        }
    }

    #[test]
    fn quiet_and_loud_pulses_get_similar_activation() {
        let fr = 100.0;
        let mut x = vec![0.01f32; 2000];
        for i in (0..2000).step_by(50) {
            x[i] = if i < 1000 { 0.2 } else { 2.0 };
        }
        let act = beat_activation(&x, &[], fr, &ActivationConfig::default());
        let quiet = act[500];
        let loud = act[1500];
        assert!(quiet > 0.8 && loud > 0.8, "{quiet} {loud}");
        assert!(act[525] < 0.05);
    }
}
