//! Mel-frequency cepstral coefficients, as librosa's `feature.mfcc` defaults.
//!
//! The recipe (Davis & Mermelstein 1980; librosa `feature.mfcc`): a mel *power* spectrogram
//! (128 Slaney bands from 0 Hz to Nyquist over a 2048-point STFT, see
//! [`MelFilterbank`](super::mel::MelFilterbank)) → decibels (`10 · log10(max(p, 1e-10))`,
//! floored at the loudest value of the whole piece minus 80 dB, librosa's `power_to_db` with
//! `ref = 1`, `top_db = 80`) → orthonormal DCT-II over the bands (`scipy.fft.dct(type=2,
//! norm="ortho")`), keeping the first 20 coefficients. No liftering (librosa `lifter = 0`).
//!
//! Layout: `[f32; 20]` per frame, coefficient 0 (overall loudness, roughly `-1100..=+900` for
//! silence..full scale) first. Frames are the analysis front end's causal frames; only the
//! framing differs from librosa, whose frames are centred.

/// Number of coefficients kept.
pub const N_MFCC: usize = 20;
/// Number of mel bands the coefficients are computed from (librosa's default).
pub const MFCC_N_MELS: usize = 128;
/// Power floor before taking decibels (librosa `amin`).
pub const AMIN_POWER: f32 = 1e-10;
/// Dynamic range kept below the loudest value of the piece, in decibels (librosa `top_db`).
pub const TOP_DB: f32 = 80.0;

/// An orthonormal DCT-II from `n_in` values to the first `n_out` coefficients, planned once.
#[derive(Debug, Clone, PartialEq)]
pub struct Dct2 {
    n_in: usize,
    n_out: usize,
    /// Row-major `n_out × n_in` basis.
    basis: Vec<f32>,
}

impl Dct2 {
    /// Plans the transform (`n_out` is clamped to `n_in`).
    pub fn new(n_in: usize, n_out: usize) -> Self {
        let n_out = n_out.min(n_in);
        let n = n_in as f64;
        let mut basis = Vec::with_capacity(n_out * n_in);
        for k in 0..n_out {
            // scipy's orthonormal scaling: sqrt(1/N) for k = 0, sqrt(2/N) otherwise.
            let scale = if k == 0 {
                (1.0 / n).sqrt()
            } else {
                (2.0 / n).sqrt()
            };
            for i in 0..n_in {
                let angle = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n);
                basis.push((scale * angle.cos()) as f32);
            }
        }
        Self { n_in, n_out, basis }
    }

    /// Number of coefficients produced.
    pub fn n_out(&self) -> usize {
        self.n_out
    }

    /// Transforms `input` (`n_in` values) into `out` (`n_out` values).
    pub fn apply(&self, input: &[f32], out: &mut [f32]) {
        for (o, row) in out
            .iter_mut()
            .zip(self.basis.chunks_exact(self.n_in.max(1)))
        {
            *o = row.iter().zip(input).map(|(b, x)| b * x).sum();
        }
    }
}

/// Converts mel power frames to decibels in place, floored at `max − top_db` over all values
/// (librosa `power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`).
pub fn power_to_db_in_place(values: &mut [f32], top_db: f32) {
    let mut peak_db = f32::NEG_INFINITY;
    for v in values.iter_mut() {
        *v = crate::units::power_to_db(*v, AMIN_POWER);
        peak_db = peak_db.max(*v);
    }
    let floor_db = peak_db - top_db;
    for v in values.iter_mut() {
        *v = v.max(floor_db);
    }
}

/// MFCC of a row-major mel power spectrogram (`n_frames × n_mels`): decibels with the
/// piece-wide 80 dB floor, then the DCT. Returns `n_frames` rows of [`N_MFCC`] coefficients.
pub fn mfcc_from_mel_power(mel_power: &[f32], n_mels: usize) -> Vec<[f32; N_MFCC]> {
    if n_mels == 0 {
        return Vec::new();
    }
    let mut db = mel_power.to_vec();
    power_to_db_in_place(&mut db, TOP_DB);
    mfcc_from_mel_db(&db, n_mels)
}

/// MFCC of a row-major mel spectrogram already in decibels (`n_frames × n_mels`).
pub fn mfcc_from_mel_db(mel_db: &[f32], n_mels: usize) -> Vec<[f32; N_MFCC]> {
    let dct = Dct2::new(n_mels, N_MFCC);
    mel_db
        .chunks_exact(n_mels.max(1))
        .map(|frame| {
            let mut out = [0.0f32; N_MFCC];
            dct.apply(frame, &mut out);
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dct_is_orthonormal() {
        let dct = Dct2::new(16, 16);
        for a in 0..16 {
            for b in 0..16 {
                let dot: f32 = (0..16)
                    .map(|i| dct.basis[a * 16 + i] * dct.basis[b * 16 + i])
                    .sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-5, "rows {a},{b}: {dot}");
            }
        }
    }

    #[test]
    fn constant_spectrum_has_only_c0() {
        // A flat -20 dB spectrum: c0 = sqrt(N) · (-20), every other coefficient 0.
        let mel = vec![0.01f32; 2 * MFCC_N_MELS];
        let coeffs = mfcc_from_mel_power(&mel, MFCC_N_MELS);
        assert_eq!(coeffs.len(), 2);
        let want_c0 = (MFCC_N_MELS as f32).sqrt() * -20.0;
        assert!((coeffs[0][0] - want_c0).abs() < 1e-2, "{}", coeffs[0][0]);
        assert!(coeffs[0][1..].iter().all(|c| c.abs() < 1e-3));
    }

    #[test]
    fn db_floor_is_relative_to_the_loudest_value() {
        let mut v = vec![1.0f32, 1e-12, 0.0, 1e-3];
        power_to_db_in_place(&mut v, 80.0);
        let want = [0.0, -80.0, -80.0, -30.0];
        assert!(
            v.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-4),
            "{v:?}"
        );
    }
}
