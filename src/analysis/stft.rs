//! Streaming short-time Fourier transform (magnitudes), planned once.
//!
//! Frame `i` is the Hann-windowed run of `n_fft` samples that *ends* at sample `(i + 1) · hop`
//! (samples before the start are zeros), so a live stream and a whole file give identical frames.
//! The FFT plan, window and every buffer are made in [`Stft::new`]; [`Stft::push`] allocates
//! nothing.

use std::sync::Arc;

use realfft::num_complex::Complex32;
use realfft::{RealFftPlanner, RealToComplex};

/// A streaming magnitude STFT.
pub struct Stft {
    n_fft: usize,
    hop: usize,
    window: Vec<f32>,
    fft: Arc<dyn RealToComplex<f32>>,
    history: Vec<f32>,
    incoming: Vec<f32>,
    frame: Vec<f32>,
    spectrum: Vec<Complex32>,
    scratch: Vec<Complex32>,
    magnitudes: Vec<f32>,
}

impl std::fmt::Debug for Stft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stft")
            .field("n_fft", &self.n_fft)
            .field("hop", &self.hop)
            .finish()
    }
}

impl Stft {
    /// Plans an STFT; `hop` must be in `1..=n_fft` (checked by `AnalysisConfig::validate`).
    pub fn new(n_fft: usize, hop: usize) -> Self {
        let hop = hop.clamp(1, n_fft.max(1));
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n_fft);
        let spectrum = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        Self {
            n_fft,
            hop,
            window: hann_periodic(n_fft),
            history: vec![0.0; n_fft],
            incoming: Vec::with_capacity(hop),
            frame: vec![0.0; n_fft],
            magnitudes: vec![0.0; spectrum.len()],
            spectrum,
            scratch,
            fft,
        }
    }

    /// Number of frequency bins per frame (`n_fft / 2 + 1`).
    pub fn n_bins(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// Frequency of bin `k` in hertz at `sample_rate_hz`.
    pub fn bin_hz(&self, k: usize, sample_rate_hz: f64) -> f64 {
        k as f64 * sample_rate_hz / self.n_fft as f64
    }

    /// Feeds samples; calls `on_frame` with the magnitude spectrum of each completed frame.
    pub fn push(&mut self, mut samples: &[f32], mut on_frame: impl FnMut(&[f32])) {
        while !samples.is_empty() {
            let take = (self.hop - self.incoming.len()).min(samples.len());
            self.incoming.extend_from_slice(&samples[..take]);
            samples = &samples[take..];
            if self.incoming.len() == self.hop {
                self.history.copy_within(self.hop.., 0);
                let tail = self.n_fft - self.hop;
                self.history[tail..].copy_from_slice(&self.incoming);
                self.incoming.clear();
                self.transform();
                on_frame(&self.magnitudes);
            }
        }
    }

    fn transform(&mut self) {
        for ((out, &x), &w) in self.frame.iter_mut().zip(&self.history).zip(&self.window) {
            *out = x * w;
        }
        // Lengths are fixed at planning time, so the transform cannot fail; if it ever did,
        // a zero spectrum is the safe answer for an onset detector.
        if self
            .fft
            .process_with_scratch(&mut self.frame, &mut self.spectrum, &mut self.scratch)
            .is_err()
        {
            self.magnitudes.fill(0.0);
            return;
        }
        for (m, c) in self.magnitudes.iter_mut().zip(&self.spectrum) {
            // sqrt of the squared norm: `norm()` calls libm hypot, which cost a third of
            // the whole front end; magnitudes of audio spectra cannot overflow f32 squares.
            *m = c.norm_sqr().sqrt();
        }
    }
}

/// A periodic Hann window (as `scipy.signal.get_window('hann', n)`).
pub fn hann_periodic(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| {
            let phase = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
            (0.5 - 0.5 * phase.cos()) as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naive DFT magnitude of one windowed frame, the oracle for the planned FFT.
    fn naive_magnitudes(frame: &[f32]) -> Vec<f32> {
        let n = frame.len();
        (0..=n / 2)
            .map(|k| {
                let (mut re, mut im) = (0.0f64, 0.0f64);
                for (t, &x) in frame.iter().enumerate() {
                    let a = -2.0 * std::f64::consts::PI * (k * t) as f64 / n as f64;
                    re += f64::from(x) * a.cos();
                    im += f64::from(x) * a.sin();
                }
                (re * re + im * im).sqrt() as f32
            })
            .collect()
    }

    #[test]
    fn matches_naive_dft_and_frames_end_at_hop_multiples() {
        let (n_fft, hop) = (64, 16);
        let signal: Vec<f32> = (0..200)
            .map(|i| ((i * 7 % 13) as f32 - 6.0) / 6.0)
            .collect();
        let mut stft = Stft::new(n_fft, hop);
        let mut frames = Vec::new();
        // Uneven chunks must not change the frames.
        for chunk in signal.chunks(23) {
            stft.push(chunk, |m| frames.push(m.to_vec()));
        }
        assert_eq!(frames.len(), 200 / hop);
        let window = hann_periodic(n_fft);
        let i = 7;
        let end = (i + 1) * hop;
        let windowed: Vec<f32> = (0..n_fft)
            .map(|j| {
                let idx = end as isize - n_fft as isize + j as isize;
                let x = if idx < 0 { 0.0 } else { signal[idx as usize] };
                x * window[j]
            })
            .collect();
        let expected = naive_magnitudes(&windowed);
        for (a, b) in frames[i].iter().zip(&expected) {
            assert!((a - b).abs() < 1e-3, "{a} vs {b}");
        }
    }

    #[test]
    fn sine_peaks_at_its_bin() {
        let (n_fft, sr) = (1024, 16_000.0);
        let f = 1000.0;
        let signal: Vec<f32> = (0..4096)
            .map(|i| (2.0 * std::f64::consts::PI * f * i as f64 / sr).sin() as f32)
            .collect();
        let mut stft = Stft::new(n_fft, 256);
        let mut last = Vec::new();
        stft.push(&signal, |m| last = m.to_vec());
        let peak = last
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(k, _)| k)
            .unwrap();
        assert_eq!(peak, (f * n_fft as f64 / sr).round() as usize);
    }
}
