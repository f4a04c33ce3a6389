//! Settings of the procedural generator.

use serde::{Deserialize, Serialize};

use crate::choreography::body::REFERENCE_HEIGHT_M;
use crate::config::{InvalidField, Validate};

/// Settings of [`ProceduralGenerator`](super::ProceduralGenerator). Every field has a default;
/// a config file names only what it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProceduralConfig {
    /// Output frames per second. 30 suits the renderer and the robot; 60 for smoother video.
    pub fps: f64,
    /// Seed of every choice: the same seed and music give the same dance; change it for
    /// another dance to the same song.
    pub seed: u64,
    /// Standing height of the dancer, metres; bone lengths and step sizes scale with it.
    pub body_height_m: f64,
    /// Weight of loudness (RMS) in a bar's energy; raise it for music whose dynamics are in
    /// its level rather than its rhythm.
    pub rms_weight: f64,
    /// Weight of onset strength (how busy the rhythm is) in a bar's energy.
    pub onset_weight: f64,
    /// Tangent cap on beat keyframes, 0..=0.5 of the slower neighbouring secant: 0 stops dead
    /// on every beat, 0.5 flows through while keeping the speed minimum on the beat.
    pub beat_tangent_scale: f64,
    /// Radius of the pelvis groove, a loop danced on every beat that comes to rest on the
    /// beat, metres of the reference body, scaled by 0.6 + 0.8 × the bar's energy; 0 turns it
    /// off (then only the moves' own keys mark the beats).
    pub groove_m: f64,
    /// Beat period below which moves with up-beat keys are danced half-time, seconds
    /// (0.375 s = 160 BPM); 0 never.
    pub half_time_below_secs: f64,
    /// Metres of mean joint travel over which a move's appeal falls by e when it starts far
    /// from where the previous bar ends; lower it for smoother, more predictable transitions.
    pub transition_scale_m: f64,
    /// A move played within this many bars is strongly avoided (variety).
    pub recent_bars: usize,
    /// Chance that a move that favours one side is answered by its mirror image in the next
    /// bar (phrasing); 0 never, 1 always.
    pub mirror_answer_probability: f64,
    /// Beats over which the dance blends in from the idle sway before the first beat and
    /// back out after the last one.
    pub blend_beats: f64,
    /// Amplitude of the idle sway of the pelvis, metres of the 1.70 m reference body.
    pub idle_sway_m: f64,
    /// Period of the idle sway, seconds.
    pub idle_period_secs: f64,
    /// Live: beats danced past the last known beat (at its period) before returning to idle
    /// when no new beats arrive.
    pub max_extrapolated_beats: usize,
    /// Live: seconds over which a change of the predicted beats is eased into the motion
    /// (frames already sent are never changed).
    pub seam_secs: f64,
}

impl Default for ProceduralConfig {
    fn default() -> Self {
        Self {
            fps: 30.0,
            seed: 0,
            body_height_m: REFERENCE_HEIGHT_M,
            rms_weight: 0.5,
            onset_weight: 0.5,
            beat_tangent_scale: 0.5,
            groove_m: 0.02,
            half_time_below_secs: 0.375,
            transition_scale_m: 0.1,
            recent_bars: 3,
            mirror_answer_probability: 0.35,
            blend_beats: 2.0,
            idle_sway_m: 0.012,
            idle_period_secs: 4.0,
            max_extrapolated_beats: 8,
            seam_secs: 0.3,
        }
    }
}

/// `Err` naming `field` unless `value` is finite and in `lo..=hi`.
fn in_range(field: &str, value: f64, lo: f64, hi: f64) -> Result<(), InvalidField> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(InvalidField::new(
            format!("procedural.{field}"),
            format!("is {value}, must be in {lo}..={hi}"),
        ))
    }
}

impl Validate for ProceduralConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        in_range("fps", self.fps, 1.0, 240.0)?;
        in_range("body_height_m", self.body_height_m, 0.5, 2.5)?;
        in_range("rms_weight", self.rms_weight, 0.0, 10.0)?;
        in_range("onset_weight", self.onset_weight, 0.0, 10.0)?;
        if self.rms_weight + self.onset_weight <= 0.0 {
            return Err(InvalidField::new(
                "procedural.rms_weight",
                "rms_weight + onset_weight must be positive",
            ));
        }
        in_range("beat_tangent_scale", self.beat_tangent_scale, 0.0, 0.5)?;
        in_range("groove_m", self.groove_m, 0.0, 0.05)?;
        in_range("half_time_below_secs", self.half_time_below_secs, 0.0, 2.0)?;
        in_range("transition_scale_m", self.transition_scale_m, 0.01, 10.0)?;
        in_range("recent_bars", self.recent_bars as f64, 0.0, 16.0)?;
        in_range(
            "mirror_answer_probability",
            self.mirror_answer_probability,
            0.0,
            1.0,
        )?;
        in_range("blend_beats", self.blend_beats, 0.5, 16.0)?;
        in_range("idle_sway_m", self.idle_sway_m, 0.0, 0.05)?;
        in_range("idle_period_secs", self.idle_period_secs, 0.5, 30.0)?;
        in_range(
            "max_extrapolated_beats",
            self.max_extrapolated_beats as f64,
            0.0,
            64.0,
        )?;
        in_range("seam_secs", self.seam_secs, 0.05, 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn defaults_are_valid_and_files_name_only_changes() {
        ProceduralConfig::default().validate().unwrap();
        let cfg: ProceduralConfig =
            crate::config::parse("seed: 7\nfps: 60", Path::new("p.yaml")).unwrap();
        assert_eq!((cfg.seed, cfg.fps), (7, 60.0));
        assert_eq!(cfg.body_height_m, 1.70);
    }

    #[test]
    fn rejects_unknown_fields_and_out_of_range_values() {
        let err = crate::config::parse::<ProceduralConfig>("speed: 2", Path::new("p.yaml"));
        assert!(err.unwrap_err().to_string().contains("p.yaml"));
        for bad in [
            "fps: 0",
            "body_height_m: .nan",
            "beat_tangent_scale: 0.9",
            "rms_weight: 0\nonset_weight: 0",
            "seam_secs: 5",
        ] {
            let err = crate::config::parse::<ProceduralConfig>(bad, Path::new("p.yaml"))
                .unwrap_err()
                .to_string();
            let field = bad.split(':').next().unwrap_or_default();
            assert!(err.contains(field), "{bad}: {err}");
        }
    }
}
