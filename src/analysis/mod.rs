//! Music analysis: audio in, onset strength, tempo, beats, downbeats, sections and feature
//! frames out. It knows nothing of dancing.
//!
//! The stages are librosa-shaped and small: [`stft`] → [`mel`] → [`onset`] → tempo → beats.
//! One causal front end serves both trackers: frame `i` is the window that *ends* at sample
//! `(i + 1) · hop`, so the offline tracker sees exactly the frames the live one sees, and frame
//! times are the centres of those windows.
//!
//! Units: `*_secs` seconds on the audio's own timeline, `*_hz` hertz, `*_bpm` beats per minute.

pub mod chroma;
pub mod downbeat;
pub mod features;
pub mod ln1p;
pub mod mel;
pub mod metrics;
pub mod mfcc;
pub mod offline;
pub mod online;
pub mod onset;
pub mod sections;
pub mod stft;
pub mod streaming;
pub mod tempo;

use serde::{Deserialize, Serialize};

use crate::config::{InvalidField, Validate};
use crate::units::SampleRate;

/// Front-end settings. The defaults suit beat tracking of popular music; change them only to
/// trade time resolution against frequency resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalysisConfig {
    /// Rate every source is resampled to before analysis.
    pub sample_rate_hz: SampleRate,
    /// FFT window length in samples (a power of two).
    pub n_fft: usize,
    /// Hop between frames in samples; `sample_rate_hz / hop_len_samples` is the frame rate.
    pub hop_len_samples: usize,
    /// Number of mel bands of the onset front end.
    pub n_mels: usize,
    /// Lowest frequency of the mel bands.
    pub fmin_hz: f64,
    /// Highest frequency of the mel bands.
    pub fmax_hz: f64,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            sample_rate_hz: SampleRate::CD_HALF,
            n_fft: 2048,
            hop_len_samples: 220,
            n_mels: 80,
            fmin_hz: 30.0,
            fmax_hz: 11_000.0,
        }
    }
}

impl AnalysisConfig {
    /// Frames per second of the onset envelope and every frame-level feature.
    pub fn frame_rate_hz(&self) -> f64 {
        self.sample_rate_hz.hz_f64() / self.hop_len_samples as f64
    }

    /// Time in seconds of frame `i` (the centre of its window).
    pub fn frame_time_secs(&self, i: usize) -> f64 {
        let end = (i + 1) * self.hop_len_samples;
        (end as f64 - self.n_fft as f64 / 2.0) / self.sample_rate_hz.hz_f64()
    }
}

impl Validate for AnalysisConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        if !self.n_fft.is_power_of_two() || !(64..=16_384).contains(&self.n_fft) {
            return Err(InvalidField::new(
                "analysis.n_fft",
                "must be a power of two in 64..=16384",
            ));
        }
        if self.hop_len_samples == 0 || self.hop_len_samples > self.n_fft {
            return Err(InvalidField::new(
                "analysis.hop_len_samples",
                "must be in 1..=n_fft",
            ));
        }
        if self.n_mels == 0 || self.n_mels > 512 {
            return Err(InvalidField::new("analysis.n_mels", "must be in 1..=512"));
        }
        let nyquist = self.sample_rate_hz.hz_f64() / 2.0;
        if !(self.fmin_hz >= 0.0 && self.fmin_hz < self.fmax_hz && self.fmax_hz <= nyquist) {
            return Err(InvalidField::new(
                "analysis.fmin_hz/fmax_hz",
                format!("need 0 <= fmin < fmax <= {nyquist} Hz (Nyquist)"),
            ));
        }
        Ok(())
    }
}

/// Onset strength per frame, at `frame_rate_hz`; frame `i` is at `times` of the config.
#[derive(Debug, Clone, PartialEq)]
pub struct OnsetEnvelope {
    /// Frames per second.
    pub frame_rate_hz: f64,
    /// Time of frame 0 in seconds (frame `i` is at `t0_secs + i / frame_rate_hz`).
    pub t0_secs: f64,
    /// Summed onset strength, non-negative.
    pub strength: Vec<f32>,
    /// Per-band onset strength (`bands[b][i]`), for multi-band trackers.
    pub bands: Vec<Vec<f32>>,
}

impl OnsetEnvelope {
    /// Time of frame `i` in seconds.
    pub fn time_secs(&self, i: usize) -> f64 {
        self.t0_secs + i as f64 / self.frame_rate_hz
    }
}

/// Beats of a piece: the contract of `beats.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BeatGrid {
    /// Global tempo estimate; `None` for silence or music without a pulse.
    pub tempo_bpm: Option<f64>,
    /// Beat times in seconds, increasing.
    pub beats_secs: Vec<f64>,
    /// Times of the beats that start a bar.
    pub downbeats_secs: Vec<f64>,
    /// Position of each beat in its bar, 1 = downbeat (same length as `beats_secs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub beat_positions: Vec<u32>,
    /// Local tempo at each beat (same length as `beats_secs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tempo_per_beat_bpm: Vec<f64>,
    /// Online mode only: the audio time at which each beat was announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emitted_at_secs: Option<Vec<f64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid_and_near_100_fps() {
        let cfg = AnalysisConfig::default();
        cfg.validate().unwrap();
        assert!((cfg.frame_rate_hz() - 100.23).abs() < 0.01);
    }

    #[test]
    fn config_rejects_bad_fft() {
        let cfg = AnalysisConfig {
            n_fft: 1000,
            ..AnalysisConfig::default()
        };
        assert!(cfg.validate().is_err());
    }
}
