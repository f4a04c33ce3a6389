//! Offline beat tracking over a whole file: tempo, beats, downbeats and tempo per beat.
//!
//! Pipeline: multi-band onset envelope ([`crate::analysis::onset`]) → beat activation
//! ([`activation`]) → bar-pointer HMM decoded by Viterbi ([`hmm`], Krebs, Böck & Widmer 2015)
//! → beat times at activation peaks → bar positions ([`crate::analysis::downbeat`]). The
//! dynamic-programming tracker of Ellis 2007 ([`dp`]) is kept as the baseline and as the
//! fallback when the HMM finds no beats. Silence yields no beats and no tempo.
//!
//! All times are seconds on the audio's timeline (frame times of [`OnsetEnvelope`]).

pub mod activation;
pub mod dp;
pub mod hmm;

use serde::{Deserialize, Serialize};

use super::downbeat::{beat_features, infer_bars};
use super::onset::onset_envelope;
use super::tempo::{bpm_to_lag, global_tempo_bpm, TempoConfig};
use super::{AnalysisConfig, BeatGrid, OnsetEnvelope};
use crate::config::{InvalidField, Validate};
use activation::{beat_activation, ActivationConfig};
use hmm::HmmConfig;

/// Which decoder turns the activation into beats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decoder {
    /// Bar-pointer HMM with Viterbi decoding (default).
    Hmm,
    /// Ellis 2007 dynamic programming at the global tempo (baseline).
    Dp,
}

/// Settings of the offline tracker; the defaults are the benchmarked ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OfflineConfig {
    /// Decoder to use.
    pub decoder: Decoder,
    /// Beat activation front end.
    pub activation: ActivationConfig,
    /// Bar-pointer HMM.
    pub hmm: HmmConfig,
    /// DP tightness (Ellis's α), for [`Decoder::Dp`].
    pub dp_tightness: f64,
    /// Shift added to every beat time, compensating the front end's latency (seconds).
    pub beat_offset_secs: f64,
    /// Onset envelopes whose peak is below this are treated as silence.
    pub silence_threshold: f32,
    /// Leading and trailing beats whose onset strength is below this fraction of the median
    /// beat's are dropped (fade-ins, fade-outs, silent tails).
    pub end_trim_ratio: f64,
}

impl Default for OfflineConfig {
    fn default() -> Self {
        Self {
            decoder: Decoder::Hmm,
            activation: ActivationConfig::default(),
            hmm: HmmConfig::default(),
            dp_tightness: dp::DEFAULT_TIGHTNESS,
            beat_offset_secs: 0.0,
            silence_threshold: 1e-4,
            end_trim_ratio: 0.2,
        }
    }
}

impl Validate for OfflineConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        let h = &self.hmm;
        if !(h.min_bpm >= 10.0 && h.min_bpm < h.max_bpm && h.max_bpm <= 400.0) {
            return Err(InvalidField::new(
                "hmm.min_bpm/max_bpm",
                "need 10 <= min < max <= 400",
            ));
        }
        if !(h.transition_lambda > 0.0 && h.observation_lambda > 1.0) {
            return Err(InvalidField::new(
                "hmm.transition_lambda/observation_lambda",
                "need transition_lambda > 0 and observation_lambda > 1",
            ));
        }
        if !(h.tempo_prior_centre_bpm > 0.0 && h.tempo_prior_sigma_octaves > 0.0) {
            return Err(InvalidField::new("hmm.tempo_prior_*", "must be positive"));
        }
        if self
            .activation
            .band_weights
            .iter()
            .any(|w| !w.is_finite() || *w < 0.0)
        {
            return Err(InvalidField::new(
                "activation.band_weights",
                "must be finite and >= 0",
            ));
        }
        Ok(())
    }
}

/// Tracks beats, downbeats and tempo of a whole mono signal at `cfg.sample_rate_hz`.
pub fn track_offline(samples: &[f32], cfg: &AnalysisConfig) -> BeatGrid {
    let env = onset_envelope(samples, cfg);
    track_offline_envelope(&env, &OfflineConfig::default())
}

/// Tracks beats from a precomputed onset envelope.
pub fn track_offline_envelope(env: &OnsetEnvelope, cfg: &OfflineConfig) -> BeatGrid {
    let peak = env.strength.iter().copied().fold(0.0f32, f32::max);
    if peak < cfg.silence_threshold {
        tracing::debug!(peak, "onset envelope is silent; no beats");
        return BeatGrid::default();
    }
    let act = beat_activation(
        &env.strength,
        &env.bands,
        env.frame_rate_hz,
        &cfg.activation,
    );
    let (mut beat_frames, mut intervals) = match cfg.decoder {
        Decoder::Hmm => decode_hmm(&act, env.frame_rate_hz, &cfg.hmm),
        Decoder::Dp => decode_dp(&act, env.frame_rate_hz, cfg.dp_tightness),
    };
    let keep = trim_weak_ends(&beat_frames, &env.strength, cfg.end_trim_ratio);
    beat_frames = beat_frames[keep.clone()].to_vec();
    intervals = intervals[keep].to_vec();
    grid_from_frames(env, &beat_frames, &intervals, cfg.beat_offset_secs)
}

/// Range of beats to keep: drops leading and trailing beats whose onset strength (peak
/// within ±3 frames) is below `ratio` times the median over all beats.
fn trim_weak_ends(beats: &[usize], strength: &[f32], ratio: f64) -> std::ops::Range<usize> {
    let peaks: Vec<f64> = beats
        .iter()
        .map(|&b| {
            let lo = b.saturating_sub(3);
            let hi = (b + 4).min(strength.len());
            f64::from(
                strength
                    .get(lo..hi)
                    .unwrap_or(&[])
                    .iter()
                    .copied()
                    .fold(0.0, f32::max),
            )
        })
        .collect();
    let mut sorted = peaks.clone();
    sorted.sort_by(f64::total_cmp);
    let Some(&median) = sorted.get(sorted.len() / 2) else {
        return 0..0;
    };
    let threshold = ratio * median;
    let start = peaks
        .iter()
        .position(|&p| p >= threshold)
        .unwrap_or(peaks.len());
    let end = peaks
        .iter()
        .rposition(|&p| p >= threshold)
        .map_or(start, |i| i + 1);
    start..end.max(start)
}

/// HMM beats and the beat interval (frames) in force at each.
fn decode_hmm(act: &[f32], frame_rate_hz: f64, cfg: &HmmConfig) -> (Vec<usize>, Vec<f64>) {
    let Some(path) = hmm::decode(act, frame_rate_hz, cfg) else {
        return (Vec::new(), Vec::new());
    };
    let beats = hmm::beats_from_path(&path, act);
    let intervals = beats
        .iter()
        .map(|&b| path.interval_frames[b] as f64)
        .collect();
    (beats, intervals)
}

/// DP beats at the global tempo.
fn decode_dp(act: &[f32], frame_rate_hz: f64, tightness: f64) -> (Vec<usize>, Vec<f64>) {
    let Some(bpm) = global_tempo_bpm(act, frame_rate_hz, &TempoConfig::default()) else {
        return (Vec::new(), Vec::new());
    };
    let period = bpm_to_lag(bpm, frame_rate_hz);
    let beats = dp::track_dp(act, period, tightness);
    let intervals = local_intervals(&beats).unwrap_or_else(|| vec![period; beats.len()]);
    (beats, intervals)
}

/// Inter-beat interval at each beat (median of the neighbouring intervals).
fn local_intervals(beats: &[usize]) -> Option<Vec<f64>> {
    if beats.len() < 2 {
        return None;
    }
    let gaps: Vec<f64> = beats.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    Some(
        (0..beats.len())
            .map(|i| {
                let mut near: Vec<f64> =
                    gaps[i.saturating_sub(2)..(i + 2).min(gaps.len())].to_vec();
                near.sort_by(f64::total_cmp);
                near[near.len() / 2]
            })
            .collect(),
    )
}

/// Builds the grid: times, bar positions, downbeats and tempi.
fn grid_from_frames(
    env: &OnsetEnvelope,
    beat_frames: &[usize],
    intervals: &[f64],
    offset_secs: f64,
) -> BeatGrid {
    if beat_frames.is_empty() {
        return BeatGrid::default();
    }
    let beats_secs: Vec<f64> = beat_frames
        .iter()
        .map(|&f| env.time_secs(f) + offset_secs)
        .collect();
    let bars = infer_bars(&beat_features(beat_frames, env));
    let downbeats_secs = beats_secs
        .iter()
        .zip(&bars.positions)
        .filter(|(_, &p)| p == 1)
        .map(|(&t, _)| t)
        .collect();
    let tempo_per_beat_bpm: Vec<f64> = intervals
        .iter()
        .map(|&i| 60.0 * env.frame_rate_hz / i.max(1.0))
        .collect();
    let mut sorted = tempo_per_beat_bpm.clone();
    sorted.sort_by(f64::total_cmp);
    BeatGrid {
        tempo_bpm: sorted.get(sorted.len() / 2).copied(),
        beats_secs,
        downbeats_secs,
        beat_positions: bars.positions,
        tempo_per_beat_bpm,
        emitted_at_secs: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_gives_an_empty_grid() {
        let grid = track_offline(&vec![0.0; 22_050 * 3], &AnalysisConfig::default());
        assert!(grid.beats_secs.is_empty());
        assert_eq!(grid.tempo_bpm, None);
    }
}
