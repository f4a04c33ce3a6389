//! Frame-level features at the analysis rate (one frame per hop, about 100 fps).
//!
//! One pass of the front end's STFT (`analysis.n_fft`, causal frames ending at `(i + 1) · hop`)
//! feeds both mel banks: librosa's 128 bands for the MFCC and `n_log_mel_bands` for the log-mel
//! output, both from the power spectrum `|X|²`. Chroma runs its own longer STFT at the same hop
//! ([`ChromaExtractor`]); onset strength comes from the shared onset front end, so the features
//! see exactly the envelope the beat trackers see. RMS is the root mean square of the same
//! `n_fft` samples each STFT frame covers (zeros before the start count).
//!
//! Each feature keeps its own frame times (a 4096-sample chroma window is centred 1024 samples
//! earlier than a 2048-sample one ending at the same sample), and resampling to the motion rate
//! uses those times.

use super::config::FeatureConfig;
use super::series::FrameSeries;
use crate::analysis::chroma::{ChromaExtractor, N_CHROMA};
use crate::analysis::mel::MelFilterbank;
use crate::analysis::mfcc::{self, MFCC_N_MELS, N_MFCC, TOP_DB};
use crate::analysis::onset::onset_envelope;
use crate::analysis::stft::Stft;

/// Every feature at the analysis rate, each with its own frame times.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisFrames {
    /// Onset strength (1 value per frame).
    pub onset: FrameSeries,
    /// RMS amplitude (1 value per frame).
    pub rms: FrameSeries,
    /// Log-mel power in dB (`n_log_mel_bands` values per frame).
    pub log_mel_db: FrameSeries,
    /// MFCC (20 values per frame).
    pub mfcc: FrameSeries,
    /// Chroma (12 values per frame).
    pub chroma: FrameSeries,
}

/// Computes every analysis-rate feature of a mono signal at `cfg.analysis.sample_rate_hz`;
/// `cfg` must have been validated.
pub fn analysis_frames(samples: &[f32], cfg: &FeatureConfig) -> AnalysisFrames {
    let a = &cfg.analysis;
    let (sr, hop) = (a.sample_rate_hz.hz_f64(), a.hop_len_samples);
    let rate = a.frame_rate_hz();
    let t0 = a.frame_time_secs(0);

    let env = onset_envelope(samples, a);
    let mut onset = FrameSeries::new(env.t0_secs, env.frame_rate_hz, 1);
    onset.values = env.strength;

    let (mfcc_mel_power, log_mel_power) = mel_power(samples, cfg);
    let mut mfcc_series = FrameSeries::new(t0, rate, N_MFCC);
    for coeffs in mfcc::mfcc_from_mel_power(&mfcc_mel_power, MFCC_N_MELS) {
        mfcc_series.push(&coeffs);
    }
    let mut log_mel_db = FrameSeries::new(t0, rate, cfg.n_log_mel_bands);
    log_mel_db.values = log_mel_power;
    mfcc::power_to_db_in_place(&mut log_mel_db.values, TOP_DB);

    let mut rms = FrameSeries::new(t0, rate, 1);
    rms.values = rms_frames(samples, a.n_fft, hop);

    let chroma_t0 = (hop as f64 - cfg.chroma_n_fft as f64 / 2.0) / sr;
    let mut chroma = FrameSeries::new(chroma_t0, rate, N_CHROMA);
    ChromaExtractor::new(sr, cfg.chroma_n_fft, hop).push(samples, |c| chroma.push(c));

    AnalysisFrames {
        onset,
        rms,
        log_mel_db,
        mfcc: mfcc_series,
        chroma,
    }
}

/// Mel power spectrograms, row-major: (128 bands for the MFCC, `n_log_mel_bands` for log-mel).
fn mel_power(samples: &[f32], cfg: &FeatureConfig) -> (Vec<f32>, Vec<f32>) {
    let a = &cfg.analysis;
    let sr = a.sample_rate_hz.hz_f64();
    let nyquist = sr / 2.0;
    let mfcc_bank = MelFilterbank::new(sr, a.n_fft, MFCC_N_MELS, 0.0, nyquist);
    let log_bank = MelFilterbank::new(sr, a.n_fft, cfg.n_log_mel_bands, 0.0, nyquist);
    let mut stft = Stft::new(a.n_fft, a.hop_len_samples);
    let n_frames = samples.len() / a.hop_len_samples;
    let mut power = vec![0.0f32; stft.n_bins()];
    let mut mfcc_mel = vec![0.0f32; n_frames * MFCC_N_MELS];
    let mut log_mel = vec![0.0f32; n_frames * cfg.n_log_mel_bands];
    let mut frame = 0;
    stft.push(samples, |magnitudes| {
        for (p, &m) in power.iter_mut().zip(magnitudes) {
            *p = m * m;
        }
        let m0 = frame * MFCC_N_MELS;
        let l0 = frame * cfg.n_log_mel_bands;
        if let (Some(m), Some(l)) = (
            mfcc_mel.get_mut(m0..m0 + MFCC_N_MELS),
            log_mel.get_mut(l0..l0 + cfg.n_log_mel_bands),
        ) {
            mfcc_bank.apply(&power, m);
            log_bank.apply(&power, l);
        }
        frame += 1;
    });
    (mfcc_mel, log_mel)
}

/// RMS of the `n_fft` samples ending at `(i + 1) · hop`, for every complete hop.
fn rms_frames(samples: &[f32], n_fft: usize, hop: usize) -> Vec<f32> {
    let mut prefix = Vec::with_capacity(samples.len() + 1);
    prefix.push(0.0f64);
    let mut acc = 0.0f64;
    for &x in samples {
        acc += f64::from(x) * f64::from(x);
        prefix.push(acc);
    }
    (0..samples.len() / hop.max(1))
        .map(|i| {
            let end = (i + 1) * hop;
            let start = end.saturating_sub(n_fft);
            ((prefix[end] - prefix[start]) / n_fft as f64)
                .max(0.0)
                .sqrt() as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rms_of_a_full_scale_sine_is_one_over_root_two() {
        let sine: Vec<f32> = (0..22_050)
            .map(|i| (2.0 * std::f64::consts::PI * 441.0 * i as f64 / 22_050.0).sin() as f32)
            .collect();
        let rms = rms_frames(&sine, 2048, 220);
        assert_eq!(rms.len(), 100);
        let last = rms[rms.len() - 1];
        assert!(
            (last - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-3,
            "{last}"
        );
        // The first frame sees 220 samples and 1828 zeros.
        assert!(rms[0] < 0.3);
    }

    #[test]
    fn all_series_have_one_frame_per_hop_and_finite_values() {
        let cfg = FeatureConfig::default();
        let noise: Vec<f32> = (0..22_050u32)
            .map(|i| ((i.wrapping_mul(2_654_435_761) >> 16) as f32 / 65_536.0 - 0.5) * 0.5)
            .collect();
        let f = analysis_frames(&noise, &cfg);
        for s in [&f.onset, &f.rms, &f.log_mel_db, &f.mfcc, &f.chroma] {
            assert_eq!(s.n_frames(), 100, "dim {}", s.dim);
            assert!(s.values.iter().all(|v| v.is_finite()));
        }
        assert_eq!(f.log_mel_db.dim, 64);
        assert!(f.chroma.t0_secs < f.mfcc.t0_secs);
    }
}
