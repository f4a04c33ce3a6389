//! Whole-piece analysis of an [`AudioSource`] in bounded memory.
//!
//! The offline tracker needs the whole onset envelope, not the whole signal: at about 100
//! frames per second and five values a frame, an hour of music is 7 MB of envelope against
//! 317 MB of samples at 22 050 Hz. So long files are streamed block by block through the causal
//! onset front end, and only the envelope is kept.

use super::onset::{OnsetDetector, BAND_EDGES_HZ};
use super::{AnalysisConfig, OnsetEnvelope};
use crate::audio::{AudioError, AudioSource};

/// Why a source could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum StreamAnalysisError {
    /// The source failed while being read.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The source delivers a rate the analysis was not planned for.
    #[error("audio source delivers {source_hz} Hz but the analysis runs at {analysis_hz} Hz")]
    RateMismatch { source_hz: u32, analysis_hz: u32 },
}

/// The onset envelope of everything `source` yields, plus the number of samples read.
pub fn onset_envelope_of_source(
    source: &mut dyn AudioSource,
    cfg: &AnalysisConfig,
) -> Result<(OnsetEnvelope, usize), StreamAnalysisError> {
    if source.sample_rate() != cfg.sample_rate_hz {
        return Err(StreamAnalysisError::RateMismatch {
            source_hz: source.sample_rate().hz(),
            analysis_hz: cfg.sample_rate_hz.hz(),
        });
    }
    let mut detector = OnsetDetector::new(cfg);
    let mut strength = Vec::new();
    let mut bands = vec![Vec::new(); BAND_EDGES_HZ.len() + 1];
    let mut n_samples = 0;
    while let Some(block) = source.next_block()? {
        n_samples += block.samples.len();
        detector.push(&block.samples, |f| {
            strength.push(f.strength);
            for (band, &v) in bands.iter_mut().zip(&f.bands) {
                band.push(v);
            }
        });
    }
    let env = OnsetEnvelope {
        frame_rate_hz: cfg.frame_rate_hz(),
        t0_secs: cfg.frame_time_secs(0),
        strength,
        bands,
    };
    Ok((env, n_samples))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::onset::onset_envelope;
    use crate::audio::source::SignalSource;

    #[test]
    fn streamed_envelope_equals_the_whole_signal_envelope() {
        let cfg = AnalysisConfig::default();
        let signal: Vec<f32> = (0..50_000)
            .map(|i| ((i * 31 % 97) as f32 / 97.0 - 0.5) * ((i / 5000) % 2) as f32)
            .collect();
        let whole = onset_envelope(&signal, &cfg);
        let mut source = SignalSource::new(signal.clone(), cfg.sample_rate_hz, 777).unwrap();
        let (streamed, n) = onset_envelope_of_source(&mut source, &cfg).unwrap();
        assert_eq!(n, signal.len());
        assert_eq!(streamed, whole);
    }

    #[test]
    fn wrong_rate_is_refused() {
        let cfg = AnalysisConfig::default();
        let rate = crate::units::SampleRate::new(8_000).unwrap();
        let mut source = SignalSource::new(vec![0.0; 100], rate, 10).unwrap();
        assert!(matches!(
            onset_envelope_of_source(&mut source, &cfg),
            Err(StreamAnalysisError::RateMismatch {
                source_hz: 8_000,
                ..
            })
        ));
    }
}
