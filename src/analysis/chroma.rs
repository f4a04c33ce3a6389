//! Chroma: how much of each of the 12 pitch classes (C, C♯, … B) sounds in each frame.
//!
//! The filterbank is librosa's `filters.chroma` (Ellis' `fft2chromamx`): every FFT bin spreads
//! its power over the pitch classes with a Gaussian bump half a semitone wide around its own
//! pitch, each bin's weights have unit L2 norm, and a Gaussian over octaves centred on C5
//! (`ctroct = 5`: 5 octaves above 27.5 Hz, i.e. 880 Hz; two octaves wide) weights the middle
//! of the keyboard most. Row 0 is C
//! (`base_c = True`). Frames are then scaled so their largest class is 1 (librosa's default
//! `norm = inf`); frames of digital silence stay all zero.
//!
//! Harmony needs finer frequency resolution than onsets, so [`ChromaExtractor`] plans its own
//! [`Stft`] (4096 samples at 22 050 Hz, 5.4 Hz per bin, by default) with the front end's causal
//! framing and hop: frame `i` still ends at sample `(i + 1) · hop`, only its window reaches
//! further back. Its centre time is therefore `((i + 1) · hop − n_fft / 2) / sr`.
//!
//! Layout: `[f32; 12]` per frame, index 0 = C, 1 = C♯, … 11 = B, each in `0..=1`.

use super::stft::Stft;

/// Number of pitch classes.
pub const N_CHROMA: usize = 12;

/// Default FFT length for chroma at 22 050 Hz (about 186 ms, 5.4 Hz per bin).
pub const DEFAULT_CHROMA_N_FFT: usize = 4096;

/// Names of the pitch classes in row order.
pub const PITCH_CLASS_NAMES: [&str; N_CHROMA] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// Centre of the octave weighting in octaves above 27.5 Hz (librosa `ctroct = 5.0`: 880 Hz).
const CENTRE_OCTAVE: f64 = 5.0;
/// Width (standard deviation) of the octave weighting in octaves (librosa `octwidth = 2`).
const OCTAVE_WIDTH: f64 = 2.0;
/// Below this chroma power a frame counts as silence and is left at zero instead of being
/// scaled up (a full-scale sine gives about 1e6 with a 4096-sample Hann window).
const SILENCE_POWER: f32 = 1e-8;

/// A chroma filterbank over the bins of an `n_fft` power spectrum (dense, bin-major).
#[derive(Debug, Clone, PartialEq)]
pub struct ChromaFilterbank {
    /// `weights[k]` spreads bin `k` over the 12 pitch classes.
    weights: Vec<[f32; N_CHROMA]>,
}

impl ChromaFilterbank {
    /// Builds the bank for `n_fft`-point spectra at `sample_rate_hz`; `tuning_semitones` shifts
    /// the reference A440 (0 = standard tuning).
    pub fn new(sample_rate_hz: f64, n_fft: usize, tuning_semitones: f64) -> Self {
        let n = N_CHROMA as f64;
        let a440_hz = 440.0 * 2f64.powf(tuning_semitones / n);
        // Pitch of bin k in chroma bins relative to A0/16 (librosa `hz_to_octs` × 12).
        let pitch_bins = |k: usize| {
            let hz = k as f64 * sample_rate_hz / n_fft.max(1) as f64;
            n * (hz / (a440_hz / 16.0)).log2()
        };
        let n_bins = n_fft / 2 + 1;
        // librosa invents a pitch for 0 Hz: 1.5 octaves below bin 1.
        let pitch = |k: usize| {
            if k == 0 {
                pitch_bins(1) - 1.5 * n
            } else {
                pitch_bins(k)
            }
        };
        let half = (n / 2.0).round();
        let weights = (0..n_bins)
            .map(|k| {
                let p = pitch(k);
                let width = (pitch(k + 1) - p).max(1.0);
                let mut column = [0.0f64; N_CHROMA];
                for (c, w) in column.iter_mut().enumerate() {
                    let d = (p - c as f64 + half + 10.0 * n).rem_euclid(n) - half;
                    *w = (-0.5 * (2.0 * d / width).powi(2)).exp();
                }
                let l2 = column.iter().map(|w| w * w).sum::<f64>().sqrt();
                let octave_weight = (-0.5 * ((p / n - CENTRE_OCTAVE) / OCTAVE_WIDTH).powi(2)).exp();
                // librosa's classes start at A; roll by 3 so row 0 is C.
                let mut out = [0.0f32; N_CHROMA];
                for (c, o) in out.iter_mut().enumerate() {
                    let w = column[(c + 3) % N_CHROMA];
                    *o = (w / l2.max(f64::MIN_POSITIVE) * octave_weight) as f32;
                }
                out
            })
            .collect();
        Self { weights }
    }

    /// Number of spectrum bins the bank expects (`n_fft / 2 + 1`).
    pub fn n_bins(&self) -> usize {
        self.weights.len()
    }

    /// Projects one power spectrum onto the pitch classes (unnormalised).
    pub fn apply(&self, power: &[f32], out: &mut [f32; N_CHROMA]) {
        *out = [0.0; N_CHROMA];
        for (column, &p) in self.weights.iter().zip(power) {
            for (o, &w) in out.iter_mut().zip(column) {
                *o += w * p;
            }
        }
    }
}

/// Scales a chroma vector so its largest class is 1; silent frames become all zero.
pub fn normalize_max(chroma: &mut [f32; N_CHROMA]) {
    let peak = chroma.iter().copied().fold(0.0f32, f32::max);
    if peak < SILENCE_POWER {
        *chroma = [0.0; N_CHROMA];
        return;
    }
    for c in chroma.iter_mut() {
        *c /= peak;
    }
}

/// Streaming chroma: push samples, get one normalised 12-bin vector per hop.
#[derive(Debug)]
pub struct ChromaExtractor {
    stft: Stft,
    bank: ChromaFilterbank,
    power: Vec<f32>,
}

impl ChromaExtractor {
    /// Plans an extractor with its own `n_fft`-point STFT at the analysis `hop`.
    pub fn new(sample_rate_hz: f64, n_fft: usize, hop_len_samples: usize) -> Self {
        let stft = Stft::new(n_fft, hop_len_samples);
        let bank = ChromaFilterbank::new(sample_rate_hz, n_fft, 0.0);
        let power = vec![0.0; stft.n_bins()];
        Self { stft, bank, power }
    }

    /// Feeds samples; calls `on_frame` with each completed frame's chroma, in order.
    pub fn push(&mut self, samples: &[f32], mut on_frame: impl FnMut(&[f32; N_CHROMA])) {
        let Self { stft, bank, power } = self;
        let mut chroma = [0.0f32; N_CHROMA];
        stft.push(samples, |magnitudes| {
            for (p, &m) in power.iter_mut().zip(magnitudes) {
                *p = m * m;
            }
            bank.apply(power, &mut chroma);
            normalize_max(&mut chroma);
            on_frame(&chroma);
        });
    }
}

/// Chromagram of a whole mono signal: one vector per `hop_len_samples`, causal framing.
pub fn chromagram(
    samples: &[f32],
    sample_rate_hz: f64,
    n_fft: usize,
    hop_len_samples: usize,
) -> Vec<[f32; N_CHROMA]> {
    let mut extractor = ChromaExtractor::new(sample_rate_hz, n_fft, hop_len_samples);
    let mut frames = Vec::with_capacity(samples.len() / hop_len_samples.max(1));
    extractor.push(samples, |c| frames.push(*c));
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freqs_hz: &[f64], sr: f64, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| {
                let t = i as f64 / sr;
                freqs_hz
                    .iter()
                    .map(|f| (2.0 * std::f64::consts::PI * f * t).sin())
                    .sum::<f64>() as f32
                    * 0.3
            })
            .collect()
    }

    fn argmax(v: &[f32]) -> usize {
        v.iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i)
    }

    #[test]
    fn a440_lights_class_a_and_c_major_lights_its_triad() {
        let sr = 22_050.0;
        let frames = chromagram(&tone(&[440.0], sr, 22_050), sr, 4096, 220);
        let last = frames.last().unwrap();
        assert_eq!(argmax(last), 9, "{last:?}");
        assert!((last[9] - 1.0).abs() < 1e-6);

        // C4, E4, G4.
        let frames = chromagram(&tone(&[261.63, 329.63, 392.0], sr, 22_050), sr, 4096, 220);
        let last = frames.last().unwrap();
        for (class, &v) in last.iter().enumerate() {
            let in_triad = [0, 4, 7].contains(&class);
            assert_eq!(v > 0.5, in_triad, "class {class}: {v} in {last:?}");
        }
    }

    #[test]
    fn silence_stays_zero_and_values_are_in_unit_range() {
        let frames = chromagram(&vec![0.0; 8192], 22_050.0, 4096, 220);
        assert!(frames.iter().flatten().all(|&v| v == 0.0));
        let noisy: Vec<f32> = (0..8192)
            .map(|i| ((i * 7919 % 101) as f32 - 50.0) / 60.0)
            .collect();
        let frames = chromagram(&noisy, 22_050.0, 4096, 220);
        assert!(frames.iter().flatten().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn every_bin_column_has_unit_norm_before_octave_weighting() {
        // At the octave-weighting centre the weight is 1, so the column norm is 1.
        let sr = 22_050.0;
        let bank = ChromaFilterbank::new(sr, 4096, 0.0);
        let hz = 440.0 / 16.0 * 2f64.powf(CENTRE_OCTAVE);
        let k = (hz * 4096.0 / sr).round() as usize;
        let norm: f32 = bank.weights[k].iter().map(|w| w * w).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 0.01, "{norm}");
    }
}
