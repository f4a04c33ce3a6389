//! Settings of the causal beat tracker ([`OnlineConfig`]) and their range checks.
//!
//! Times are seconds on the audio timeline, tempi beats per minute. The defaults were tuned
//! once, globally, on a development set of real excerpts (no per-piece settings).

use serde::{Deserialize, Serialize};

use crate::config::{InvalidField, Validate};

/// Settings of [`super::OnlineBeatTracker`]. Every field has a default; change them only for
/// the reason given on the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OnlineConfig {
    /// How far ahead of the current audio time a beat is announced. Raise it when the
    /// consumer (motion planner, actuators) needs more notice. Accuracy barely changes
    /// between 0.12 and 0.2 s (the filter extrapolates within one beat period).
    pub lead_secs: f64,
    /// Beats predicted closer than this to the current audio time are dropped instead of
    /// announced late. Set it to the consumer's hard deadline; 0 announces every beat.
    pub min_lead_secs: f64,
    /// Slowest tempo the tracker considers. Lower it for very slow music (ballads, adagios).
    pub min_tempo_bpm: f64,
    /// Fastest tempo the tracker considers. Raise it for drum and bass or fast punk.
    pub max_tempo_bpm: f64,
    /// Bar-pointer positions per analysis frame: the tempo grid steps by `1/r` of a frame of
    /// beat period. 2 resolves tempi between the integer-frame ones; higher values cost
    /// `r²` times the work for no measured gain.
    pub positions_per_frame: usize,
    /// How strongly the tempo sticks between beats: the transition probability falls as
    /// `exp(-λ·|τ'/τ - 1|)` (Krebs, Böck & Widmer 2015). Lower it for music with strong
    /// tempo changes; raise it for steady, machine-timed music.
    pub tempo_change_lambda: f64,
    /// The first `1/λ` of each beat period counts as "beat" in the observation model
    /// (Krebs et al. 2015). Lower values widen the beat region (tolerate sloppier onsets).
    pub observation_lambda: f64,
    /// Window of the running mean that normalises the onset strength. Shorter windows follow
    /// sudden loudness changes faster, longer ones keep quiet passages in proportion.
    pub norm_window_secs: f64,
    /// The onset strength is divided by `norm_scale` times its running mean, then clipped to
    /// 0..=1, to form the beat activation. Higher values make the tracker trust only the
    /// strongest onsets.
    pub norm_scale: f64,
    /// Activations are clamped to `floor..=1 - floor`, so no single frame can veto a beat
    /// hypothesis. Raise it for noisy onset envelopes.
    pub activation_floor: f64,
    /// Added to every predicted beat time: compensates the lag between an attack and the
    /// peak of the onset envelope. Change it only with a different onset front end.
    pub phase_offset_secs: f64,
    /// A new beat closer than this fraction of a period to the last announced one is taken
    /// to be that same beat again, and skipped.
    pub min_gap_fraction: f64,
    /// No beat is announced before this much audio has been heard (the filter is still
    /// locking on). Lower it if the first beats matter more than their accuracy.
    pub warmup_secs: f64,
    /// Onset strength a frame must exceed (besides the running mean) to count as an onset.
    /// Lower it for very quiet, uncompressed sources; raise it above a noisy input's hiss.
    pub silence_floor: f64,
    /// Nothing is announced once no onset has been heard for this many beat periods: the
    /// music stopped. Raise it for sparse music with long held notes.
    pub hold_periods: f64,
}

impl Default for OnlineConfig {
    fn default() -> Self {
        Self {
            lead_secs: 0.2,
            min_lead_secs: 0.1,
            min_tempo_bpm: 55.0,
            max_tempo_bpm: 215.0,
            positions_per_frame: 2,
            tempo_change_lambda: 300.0,
            observation_lambda: 16.0,
            norm_window_secs: 5.0,
            norm_scale: 8.0,
            activation_floor: 0.01,
            phase_offset_secs: 0.02,
            min_gap_fraction: 0.5,
            warmup_secs: 2.0,
            silence_floor: 1e-5,
            hold_periods: 1.0,
        }
    }
}

/// Checks that `value` is finite and within `lo..=hi`.
fn check_range(field: &str, value: f64, lo: f64, hi: f64) -> Result<(), InvalidField> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(InvalidField::new(
            format!("online.{field}"),
            format!("{value} is outside {lo}..={hi}"),
        ))
    }
}

impl Validate for OnlineConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        check_range("lead_secs", self.lead_secs, 0.0, 2.0)?;
        check_range("min_lead_secs", self.min_lead_secs, 0.0, self.lead_secs)?;
        check_range("min_tempo_bpm", self.min_tempo_bpm, 20.0, 400.0)?;
        check_range(
            "max_tempo_bpm",
            self.max_tempo_bpm,
            self.min_tempo_bpm,
            400.0,
        )?;
        check_range(
            "positions_per_frame",
            self.positions_per_frame as f64,
            1.0,
            8.0,
        )?;
        check_range("tempo_change_lambda", self.tempo_change_lambda, 0.0, 1e5)?;
        check_range("observation_lambda", self.observation_lambda, 2.0, 1e3)?;
        check_range("norm_window_secs", self.norm_window_secs, 0.1, 600.0)?;
        check_range("norm_scale", self.norm_scale, 0.1, 1e3)?;
        check_range("activation_floor", self.activation_floor, 1e-9, 0.4)?;
        check_range("phase_offset_secs", self.phase_offset_secs, -0.5, 0.5)?;
        check_range("min_gap_fraction", self.min_gap_fraction, 0.0, 1.0)?;
        check_range("warmup_secs", self.warmup_secs, 0.0, 600.0)?;
        check_range("silence_floor", self.silence_floor, 0.0, 1.0)?;
        check_range("hold_periods", self.hold_periods, 0.1, 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_announce_ahead() {
        let cfg = OnlineConfig::default();
        cfg.validate().unwrap();
        assert!(cfg.lead_secs >= cfg.min_lead_secs && cfg.min_lead_secs >= 0.1);
    }

    #[test]
    fn rejects_inverted_tempo_range_and_nan() {
        let cfg = OnlineConfig {
            max_tempo_bpm: 50.0,
            ..OnlineConfig::default()
        };
        let err = cfg.validate().unwrap_err();
        assert_eq!(err.field, "online.max_tempo_bpm");
        let cfg = OnlineConfig {
            lead_secs: f64::NAN,
            ..OnlineConfig::default()
        };
        assert!(cfg.validate().is_err());
    }
}
