//! Streaming short-time Fourier transform (magnitudes), planned once.
//!
//! Frame `i` is the Hann-windowed run of `n_fft` samples that *ends* at sample `(i + 1) · hop`
//! (samples before the start are zeros), so a live stream and a whole file give identical frames.
//! The FFT plan, window and every buffer are made in [`Stft::new`]; [`Stft::push`] allocates
//! nothing.
//!
//! The real FFT is the classic one: the `n` real samples, packed as `n / 2` complex ones, go
//! through a complex FFT of half the length, and a twiddle pass separates the even and odd
//! halves. It is the algorithm and the arithmetic of `realfft`'s `RealToComplexEven`, operation
//! for operation, so the magnitudes are bit for bit those of `realfft`; doing it here lets the
//! window be applied while packing and the twiddle pass write magnitudes straight away, with
//! no complex spectrum written and read back. That pass was a fifth of the whole offline
//! tracker's time inside `realfft`.

use std::sync::Arc;

use rustfft::num_complex::Complex32;
use rustfft::{Fft, FftPlanner};

/// Hops of room after the newest window: the buffer slides back once per this many hops
/// instead of moving `n_fft` samples every hop.
const ROOM_HOPS: usize = 16;

/// A streaming magnitude STFT.
pub struct Stft {
    n_fft: usize,
    hop: usize,
    window: Vec<f32>,
    fft: RealMagnitudeFft,
    /// Recent samples; the next frame's window ends at `filled`.
    buffer: Vec<f32>,
    filled: usize,
    /// Samples received since the last frame.
    pending: usize,
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
        let n_fft = n_fft.max(1);
        let hop = hop.clamp(1, n_fft);
        Self {
            n_fft,
            hop,
            window: hann_periodic(n_fft),
            fft: RealMagnitudeFft::new(n_fft),
            // Zeros before the start of the signal, then room for ROOM_HOPS hops.
            buffer: vec![0.0; n_fft + ROOM_HOPS * hop],
            filled: n_fft,
            pending: 0,
            magnitudes: vec![0.0; n_fft / 2 + 1],
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
            let take = (self.hop - self.pending).min(samples.len());
            if self.filled + take > self.buffer.len() {
                // Keep the last n_fft samples: every window still to come starts after them.
                self.buffer
                    .copy_within(self.filled - self.n_fft..self.filled, 0);
                self.filled = self.n_fft;
            }
            self.buffer[self.filled..self.filled + take].copy_from_slice(&samples[..take]);
            samples = &samples[take..];
            self.filled += take;
            self.pending += take;
            if self.pending == self.hop {
                self.pending = 0;
                let frame = &self.buffer[self.filled - self.n_fft..self.filled];
                self.fft
                    .magnitudes(frame, &self.window, &mut self.magnitudes);
                on_frame(&self.magnitudes);
            }
        }
    }
}

/// Magnitude spectrum of a windowed real frame, planned once (see the module docs).
struct RealMagnitudeFft {
    /// Complex FFT of `n / 2` points for even `n`, of `n` points for odd `n`.
    inner: Arc<dyn Fft<f32>>,
    /// Real and imaginary parts of `e^{−2πik/n} / 2` for `k` in `1..⌈n/4⌉` (`realfft`'s).
    twiddle_re: Vec<f32>,
    twiddle_im: Vec<f32>,
    packed: Vec<Complex32>,
    spectrum: Vec<Complex32>,
    scratch: Vec<Complex32>,
}

/// Bins per block of the twiddle pass: each block is split into plain arrays on the stack,
/// so the arithmetic runs over contiguous `f32`s and vectorizes.
const TWIDDLE_BLOCK: usize = 8;

impl RealMagnitudeFft {
    fn new(n: usize) -> Self {
        let even = n.is_multiple_of(2);
        let inner_len = if even { n / 2 } else { n };
        let inner = FftPlanner::<f32>::new().plan_fft_forward(inner_len);
        let twiddle_count = if even { n.div_ceil(4) } else { 0 };
        let twiddles: Vec<Complex32> = (1..twiddle_count)
            .map(|k| {
                let angle = -2.0 * std::f64::consts::PI / n as f64 * k as f64;
                Complex32::new(angle.cos() as f32, angle.sin() as f32) * 0.5
            })
            .collect();
        Self {
            scratch: vec![Complex32::default(); inner.get_outofplace_scratch_len()],
            packed: vec![Complex32::default(); inner_len],
            spectrum: vec![Complex32::default(); inner_len],
            twiddle_re: twiddles.iter().map(|t| t.re).collect(),
            twiddle_im: twiddles.iter().map(|t| t.im).collect(),
            inner,
        }
    }

    /// Writes `|FFT(frame · window)|` for bins `0..=n/2` into `out`.
    fn magnitudes(&mut self, frame: &[f32], window: &[f32], out: &mut [f32]) {
        let even = frame.len().is_multiple_of(2);
        if even {
            let pairs = frame.chunks_exact(2).zip(window.chunks_exact(2));
            for (p, (x, w)) in self.packed.iter_mut().zip(pairs) {
                *p = Complex32::new(x[0] * w[0], x[1] * w[1]);
            }
        } else {
            for ((p, &x), &w) in self.packed.iter_mut().zip(frame).zip(window) {
                *p = Complex32::new(x * w, 0.0);
            }
        }
        self.inner.process_outofplace_with_scratch(
            &mut self.packed,
            &mut self.spectrum,
            &mut self.scratch,
        );
        if even {
            self.untangle(out);
        } else {
            for (m, c) in out.iter_mut().zip(&self.spectrum) {
                *m = c.norm_sqr().sqrt();
            }
        }
    }

    /// The twiddle pass of an even-length real FFT, yielding magnitudes. Operation for
    /// operation `realfft`'s, so each squared magnitude is bit-identical to `realfft`'s
    /// `norm_sqr`; its square root is taken as soon as it is made, in the same pass.
    fn untangle(&mut self, out: &mut [f32]) {
        let half_len = self.spectrum.len();
        let (Some(&first), Some(last)) = (self.spectrum.first(), out.len().checked_sub(1)) else {
            return;
        };
        let dc = first.re + first.im;
        let nyquist = first.re - first.im;
        out[0] = (dc * dc).sqrt();
        out[last] = (nyquist * nyquist).sqrt();
        let m = self.twiddle_re.len();
        // Bins `1..=m` pair with bins `half_len − 1` down to `half_len − m`.
        let (Some(spec_lo), Some(spec_hi)) = (
            self.spectrum.get(1..=m),
            self.spectrum.get(half_len - m..half_len),
        ) else {
            return;
        };
        let (head, tail) = out.split_at_mut(half_len - m);
        let (Some(out_lo), Some(out_hi)) = (head.get_mut(1..=m), tail.get_mut(..m)) else {
            return;
        };
        let twiddles = (&self.twiddle_re[..m], &self.twiddle_im[..m]);
        twiddle_magnitudes(spec_lo, spec_hi, twiddles, out_lo, out_hi);
        // With n / 2 even the middle bin pairs with itself and only its sign of `im` changes.
        if half_len.is_multiple_of(2) {
            out[half_len / 2] = self.spectrum[half_len / 2].norm_sqr().sqrt();
        }
    }
}

/// `realfft`'s twiddle arithmetic for the bin pairs `(lo[k], hi[m − 1 − k])`, with twiddle
/// `k`; the magnitudes go to `out_lo[k]` and `out_hi[m − 1 − k]`. All slices have length `m`.
///
/// Runs in blocks of [`TWIDDLE_BLOCK`] pairs: a block's bins are split into re and im arrays
/// (the upper ones reversed), so the arithmetic, square roots included, vectorizes; a leftover
/// tail goes one pair at a time through the same arithmetic.
fn twiddle_magnitudes(
    lo: &[Complex32],
    hi: &[Complex32],
    (tw_re, tw_im): (&[f32], &[f32]),
    out_lo: &mut [f32],
    out_hi: &mut [f32],
) {
    const B: usize = TWIDDLE_BLOCK;
    let blocks = lo
        .chunks_exact(B)
        .zip(hi.rchunks_exact(B))
        .zip(tw_re.chunks_exact(B).zip(tw_im.chunks_exact(B)))
        .zip(out_lo.chunks_exact_mut(B).zip(out_hi.rchunks_exact_mut(B)));
    for (((lo, hi), (tw_re, tw_im)), (out_lo, out_hi)) in blocks {
        let (mut lo_re, mut lo_im, mut hi_re, mut hi_im) =
            ([0.0f32; B], [0.0; B], [0.0; B], [0.0; B]);
        for i in 0..B {
            (lo_re[i], lo_im[i]) = (lo[i].re, lo[i].im);
            (hi_re[i], hi_im[i]) = (hi[B - 1 - i].re, hi[B - 1 - i].im);
        }
        let (mut mag_lo, mut mag_hi) = ([0.0f32; B], [0.0f32; B]);
        for i in 0..B {
            let (p_lo, p_hi) = twiddle_pair(
                (lo_re[i], lo_im[i]),
                (hi_re[i], hi_im[i]),
                (tw_re[i], tw_im[i]),
            );
            (mag_lo[i], mag_hi[i]) = (p_lo.sqrt(), p_hi.sqrt());
        }
        out_lo.copy_from_slice(&mag_lo);
        for (o, &v) in out_hi.iter_mut().rev().zip(&mag_hi) {
            *o = v;
        }
    }
    let done = lo.len() - lo.len() % B;
    let rest = lo.len() - done;
    let tails = lo[done..]
        .iter()
        .zip(hi[..rest].iter().rev())
        .zip(tw_re[done..].iter().zip(&tw_im[done..]))
        .zip(
            out_lo[done..]
                .iter_mut()
                .zip(out_hi[..rest].iter_mut().rev()),
        );
    for (((a, b), (&tr, &ti)), (o_lo, o_hi)) in tails {
        let (p_lo, p_hi) = twiddle_pair((a.re, a.im), (b.re, b.im), (tr, ti));
        (*o_lo, *o_hi) = (p_lo.sqrt(), p_hi.sqrt());
    }
}

/// Squared magnitudes of the bins `k` and `n/2 − k` of the real FFT from the complex bins
/// `lo = Z[k]`, `hi = Z[n/2 − k]` and twiddle `k` (`realfft`'s arithmetic, in its order).
#[inline(always)]
fn twiddle_pair(lo: (f32, f32), hi: (f32, f32), tw: (f32, f32)) -> (f32, f32) {
    let (sum_re, sum_im) = (lo.0 + hi.0, lo.1 + hi.1);
    let (diff_re, diff_im) = (lo.0 - hi.0, lo.1 - hi.1);
    let twiddled_re = sum_im * tw.0 + diff_re * tw.1;
    let twiddled_im = sum_im * tw.1 - diff_re * tw.0;
    let (half_sum_re, half_diff_im) = (0.5 * sum_re, 0.5 * diff_im);
    let (re_lo, im_lo) = (half_sum_re + twiddled_re, half_diff_im + twiddled_im);
    let (re_hi, im_hi) = (half_sum_re - twiddled_re, twiddled_im - half_diff_im);
    (re_lo * re_lo + im_lo * im_lo, re_hi * re_hi + im_hi * im_hi)
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

    /// `realfft`'s magnitudes of one windowed frame, the bit-exact oracle.
    fn realfft_magnitudes(frame: &[f32], window: &[f32]) -> Vec<f32> {
        let fft = realfft::RealFftPlanner::<f32>::new().plan_fft_forward(frame.len());
        let mut input: Vec<f32> = frame.iter().zip(window).map(|(x, w)| x * w).collect();
        let mut out = fft.make_output_vec();
        fft.process(&mut input, &mut out).unwrap();
        out.iter().map(|c| c.norm_sqr().sqrt()).collect()
    }

    #[test]
    fn magnitudes_are_bit_identical_to_realfft() {
        // Powers of two as the analysis uses, n/2 odd, and odd n.
        for n in [64, 2048, 30, 63] {
            let frame: Vec<f32> = (0..n)
                .map(|i| ((i * 7919 % 1013) as f32 / 506.0 - 1.0) * 0.8)
                .collect();
            let window = hann_periodic(n);
            let mut fft = RealMagnitudeFft::new(n);
            let mut ours = vec![0.0; n / 2 + 1];
            fft.magnitudes(&frame, &window, &mut ours);
            let expected = realfft_magnitudes(&frame, &window);
            if n % 2 == 0 {
                assert_eq!(ours, expected, "n = {n}");
            } else {
                // Odd lengths take a plain complex FFT here; equal to rounding.
                for (a, b) in ours.iter().zip(&expected) {
                    assert!((a - b).abs() <= 1e-5 * b.max(1.0), "n = {n}: {a} vs {b}");
                }
            }
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
