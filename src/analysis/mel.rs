//! Mel filterbank (Slaney scale and area normalisation, as librosa's `filters.mel` default).
//!
//! Stored sparsely: each band keeps only the FFT bins where its triangle is non-zero, so
//! applying 80 bands to a 1025-bin spectrum costs a few thousand multiply-adds.

use crate::units::{hz_to_mel, mel_to_hz};

/// One triangular band: weights for bins `first_bin..first_bin + weights.len()`.
#[derive(Debug, Clone, PartialEq)]
struct Band {
    first_bin: usize,
    weights: Vec<f32>,
}

/// A bank of triangular mel filters over the bins of an `n_fft` spectrum.
#[derive(Debug, Clone, PartialEq)]
pub struct MelFilterbank {
    bands: Vec<Band>,
    centre_hz: Vec<f64>,
}

impl MelFilterbank {
    /// Builds `n_mels` bands between `fmin_hz` and `fmax_hz`.
    pub fn new(
        sample_rate_hz: f64,
        n_fft: usize,
        n_mels: usize,
        fmin_hz: f64,
        fmax_hz: f64,
    ) -> Self {
        let n_bins = n_fft / 2 + 1;
        let (mel_lo, mel_hi) = (hz_to_mel(fmin_hz), hz_to_mel(fmax_hz));
        let edges_hz: Vec<f64> = (0..n_mels + 2)
            .map(|i| mel_to_hz(mel_lo + (mel_hi - mel_lo) * i as f64 / (n_mels + 1) as f64))
            .collect();
        let bin_hz = |k: usize| k as f64 * sample_rate_hz / n_fft as f64;
        let mut bands = Vec::with_capacity(n_mels);
        // Band edges increase, so no band has weight below the previous band's first bin:
        // each scan starts there instead of at bin 0 (the scans were most of a file's setup).
        let mut scan_from = 0;
        for m in 0..n_mels {
            let (lo, centre, hi) = (edges_hz[m], edges_hz[m + 1], edges_hz[m + 2]);
            let norm = 2.0 / (hi - lo);
            let mut first_bin = None;
            let mut weights = Vec::new();
            for k in scan_from..n_bins {
                let f = bin_hz(k);
                let w = ((f - lo) / (centre - lo))
                    .min((hi - f) / (hi - centre))
                    .max(0.0)
                    * norm;
                if w > 0.0 {
                    first_bin.get_or_insert(k);
                    weights.push(w as f32);
                } else if first_bin.is_some() {
                    break;
                }
            }
            let first_bin = first_bin.unwrap_or(0);
            scan_from = scan_from.max(first_bin);
            bands.push(Band { first_bin, weights });
        }
        let centre_hz = edges_hz[1..=n_mels].to_vec();
        Self { bands, centre_hz }
    }

    /// Number of bands.
    pub fn n_mels(&self) -> usize {
        self.bands.len()
    }

    /// Centre frequency of each band in hertz.
    pub fn centre_hz(&self) -> &[f64] {
        &self.centre_hz
    }

    /// Applies the bank to one spectrum (`spectrum.len() == n_fft / 2 + 1`) into `out`.
    pub fn apply(&self, spectrum: &[f32], out: &mut [f32]) {
        for (band, o) in self.bands.iter().zip(out.iter_mut()) {
            let bins = spectrum.get(band.first_bin..).unwrap_or(&[]);
            *o = dot(&band.weights, bins);
        }
    }
}

/// Lanes of the partial sums of [`dot`].
const LANES: usize = 8;

/// `Σ a[i] · b[i]` over the shorter length, in [`LANES`] interleaved partial sums: a single
/// running sum is a chain the compiler may not reorder, eight independent ones vectorize.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0.0f32; LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for ((l, x), y) in lanes.iter_mut().zip(ca).zip(cb) {
            *l += x * y;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_band_is_non_empty_and_centres_increase() {
        let bank = MelFilterbank::new(22_050.0, 2048, 80, 30.0, 11_000.0);
        assert_eq!(bank.n_mels(), 80);
        assert!(bank.bands.iter().all(|b| !b.weights.is_empty()));
        assert!(bank.centre_hz().windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn dot_matches_a_plain_sum_for_every_length() {
        for n in 0..40 {
            let a: Vec<f32> = (0..n).map(|i| 0.5 + (i % 7) as f32).collect();
            let b: Vec<f32> = (0..n + 3).map(|i| 1.0 / (1 + i) as f32).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| f64::from(x * y)).sum();
            assert!((f64::from(dot(&a, &b)) - plain).abs() < 1e-5 * plain.max(1.0));
        }
    }

    #[test]
    fn a_single_bin_lights_the_band_around_it() {
        let bank = MelFilterbank::new(22_050.0, 2048, 40, 0.0, 11_025.0);
        let mut spectrum = vec![0.0f32; 1025];
        let k = 93; // ~1 kHz
        spectrum[k] = 1.0;
        let mut out = vec![0.0f32; 40];
        bank.apply(&spectrum, &mut out);
        let best = out
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        let hz = k as f64 * 22_050.0 / 2048.0;
        let nearest = bank
            .centre_hz()
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - hz).abs().total_cmp(&(b.1 - hz).abs()))
            .unwrap()
            .0;
        assert_eq!(best, nearest);
    }
}
