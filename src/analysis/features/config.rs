//! Settings of the feature extractor.

use serde::{Deserialize, Serialize};

use crate::analysis::chroma::DEFAULT_CHROMA_N_FFT;
use crate::analysis::sections::SectionConfig;
use crate::analysis::AnalysisConfig;
use crate::config::{InvalidField, Validate};

/// Settings of [`extract`](super::extract). The defaults give the layout documented in
/// [`features`](super); change `fps` to the motion rate of the generator you feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeatureConfig {
    /// Motion frames per second of the output (30 or 60 for the dance generators; any rate in
    /// 1..=240 works). Frame `k` describes the music at `k / fps` seconds.
    pub fps: f64,
    /// Log-mel bands written per frame (Slaney mel scale, 0 Hz to Nyquist). Lower it to shrink
    /// the output; the MFCC always use librosa's 128 bands regardless.
    pub n_log_mel_bands: usize,
    /// FFT length of the chroma front end (power of two); longer resolves low notes better.
    pub chroma_n_fft: usize,
    /// The analysis front end shared with the beat trackers (rate, hop, onset bands).
    pub analysis: AnalysisConfig,
    /// Section finding.
    pub sections: SectionConfig,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        Self {
            fps: 30.0,
            n_log_mel_bands: 64,
            chroma_n_fft: DEFAULT_CHROMA_N_FFT,
            analysis: AnalysisConfig::default(),
            sections: SectionConfig::default(),
        }
    }
}

impl FeatureConfig {
    /// The default settings at another motion rate.
    pub fn with_fps(fps: f64) -> Self {
        Self {
            fps,
            ..Self::default()
        }
    }
}

impl Validate for FeatureConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        if !(self.fps.is_finite() && (1.0..=240.0).contains(&self.fps)) {
            return Err(InvalidField::new("features.fps", "must be in 1..=240"));
        }
        if !(1..=256).contains(&self.n_log_mel_bands) {
            return Err(InvalidField::new(
                "features.n_log_mel_bands",
                "must be in 1..=256",
            ));
        }
        if !self.chroma_n_fft.is_power_of_two() || !(512..=16_384).contains(&self.chroma_n_fft) {
            return Err(InvalidField::new(
                "features.chroma_n_fft",
                "must be a power of two in 512..=16384",
            ));
        }
        if self.chroma_n_fft < self.analysis.hop_len_samples {
            return Err(InvalidField::new(
                "features.chroma_n_fft",
                "must be at least analysis.hop_len_samples",
            ));
        }
        self.analysis.validate()?;
        self.sections.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        FeatureConfig::default().validate().unwrap();
        FeatureConfig::with_fps(60.0).validate().unwrap();
        let err = FeatureConfig::with_fps(0.0).validate().unwrap_err();
        assert_eq!(err.field, "features.fps");
        let cfg = FeatureConfig {
            chroma_n_fft: 3000,
            ..FeatureConfig::default()
        };
        assert_eq!(cfg.validate().unwrap_err().field, "features.chroma_n_fft");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let path = std::path::Path::new("features.yaml");
        let cfg: FeatureConfig = crate::config::parse("fps: 60", path).unwrap();
        assert_eq!(cfg.fps, 60.0);
        assert!(crate::config::parse::<FeatureConfig>("fsp: 60", path).is_err());
    }
}
