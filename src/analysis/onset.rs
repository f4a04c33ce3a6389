//! Onset strength: how much new energy each frame brings, overall and per frequency band.
//!
//! Log-compressed mel magnitudes, then a half-wave rectified difference against a
//! frequency-max-filtered earlier frame (the SuperFlux idea, Böck & Widmer 2013: the max filter
//! suppresses vibrato, the lag smooths slow attacks). Summed over all bands it is the onset
//! strength envelope; summed over a few wide bands (bass, low-mid, mid, high) it feeds
//! multi-band trackers, since kick drums and hi-hats carry the beat in different places.
//!
//! [`OnsetDetector`] is causal and streaming (live tracker); [`onset_envelope`] runs it over a
//! whole signal (offline tracker), so both see the same numbers.

use super::ln1p::ln_1p_in_place;
use super::mel::MelFilterbank;
use super::stft::Stft;
use super::{AnalysisConfig, OnsetEnvelope};

/// Upper edges of the wide bands in hertz; the last band runs to `fmax_hz`.
pub const BAND_EDGES_HZ: [f64; 3] = [200.0, 800.0, 3_000.0];
/// Frames back that each frame is compared against.
const LAG_FRAMES: usize = 2;
/// Width of the frequency max filter, in mel bands either side.
const MAX_FILTER_HALF_WIDTH: usize = 1;
/// Compression constant of `log(1 + γ·x)`.
const LOG_GAMMA: f32 = 1.0;

/// One frame of onset strength.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct OnsetFrame {
    /// Sum of the per-band flux, normalised by the number of mel bands.
    pub strength: f32,
    /// Flux per wide band (see [`BAND_EDGES_HZ`]).
    pub bands: [f32; BAND_EDGES_HZ.len() + 1],
}

/// Streaming onset detector: push samples, get one [`OnsetFrame`] per hop.
#[derive(Debug)]
pub struct OnsetDetector {
    stft: Stft,
    bank: MelFilterbank,
    /// End (exclusive) of each wide band's run of mel bands; mel centres increase, so each
    /// wide band is one contiguous run.
    band_ends: [usize; BAND_EDGES_HZ.len() + 1],
    mel: Vec<f32>,
    /// Ring of the last `LAG_FRAMES + 1` max-filtered log-mel frames.
    history: Vec<Vec<f32>>,
    newest: usize,
    frames_seen: usize,
}

impl OnsetDetector {
    /// Plans the detector; `cfg` must have been validated.
    pub fn new(cfg: &AnalysisConfig) -> Self {
        let stft = Stft::new(cfg.n_fft, cfg.hop_len_samples);
        let bank = MelFilterbank::new(
            cfg.sample_rate_hz.hz_f64(),
            cfg.n_fft,
            cfg.n_mels,
            cfg.fmin_hz,
            cfg.fmax_hz,
        );
        let mut band_ends = [0; BAND_EDGES_HZ.len() + 1];
        for (band, end) in band_ends.iter_mut().enumerate() {
            // Mel bands whose centre lies below the band's upper edge (all for the last band).
            let upper_hz = BAND_EDGES_HZ.get(band).copied().unwrap_or(f64::INFINITY);
            *end = bank.centre_hz().iter().filter(|&&hz| hz < upper_hz).count();
        }
        let n = cfg.n_mels;
        Self {
            stft,
            bank,
            band_ends,
            mel: vec![0.0; n],
            history: vec![vec![0.0; n]; LAG_FRAMES + 1],
            newest: 0,
            frames_seen: 0,
        }
    }

    /// Feeds samples; calls `on_frame` once per completed frame, in order.
    pub fn push(&mut self, samples: &[f32], mut on_frame: impl FnMut(OnsetFrame)) {
        let Self {
            stft,
            bank,
            band_ends,
            mel,
            history,
            newest,
            frames_seen,
        } = self;
        stft.push(samples, |magnitudes| {
            bank.apply(magnitudes, mel);
            for m in mel.iter_mut() {
                *m *= LOG_GAMMA;
            }
            ln_1p_in_place(mel);
            let slot = (*newest + 1) % history.len();
            let lagged = (slot + history.len() - LAG_FRAMES) % history.len();
            // history[lagged] holds the max-filtered frame LAG_FRAMES back.
            let mut frame = OnsetFrame::default();
            if *frames_seen >= LAG_FRAMES {
                frame = flux(mel, &history[lagged], band_ends);
            }
            max_filter(mel, &mut history[slot]);
            *newest = slot;
            *frames_seen += 1;
            on_frame(frame);
        });
    }
}

/// Half-wave rectified difference of `now` against `then`, summed per wide band and over all
/// bands (divided by the number of bands). Sums run in band order, one accumulator each.
fn flux(now: &[f32], then: &[f32], band_ends: &[usize; BAND_EDGES_HZ.len() + 1]) -> OnsetFrame {
    let mut frame = OnsetFrame::default();
    let mut strength = 0.0f32;
    let mut start = 0;
    for (band, &end) in frame.bands.iter_mut().zip(band_ends) {
        let (Some(now), Some(then)) = (now.get(start..end), then.get(start..end)) else {
            continue;
        };
        let mut sum = 0.0f32;
        for (&a, &b) in now.iter().zip(then) {
            let rectified = (a - b).max(0.0);
            strength += rectified;
            sum += rectified;
        }
        *band = sum;
        start = end;
    }
    frame.strength = strength / now.len() as f32;
    frame
}

/// `out[b] = max(x[b - w ..= b + w])` (clipped at the edges).
///
/// Built as whole-slice passes, one per neighbour offset: each pass is an element-wise max of
/// two shifted slices, which vectorizes; a per-bin fold over a sub-slice did not and was half
/// of the onset stage. The maximum is exact, so the order of the passes cannot change a value.
fn max_filter(x: &[f32], out: &mut [f32]) {
    let n = x.len().min(out.len());
    let (x, out) = (&x[..n], &mut out[..n]);
    out.copy_from_slice(x);
    for d in 1..=MAX_FILTER_HALF_WIDTH.min(n) {
        // The neighbour `d` bins below, then the one `d` bins above.
        for (o, &v) in out[d..].iter_mut().zip(&x[..n - d]) {
            *o = o.max(v);
        }
        for (o, &v) in out[..n - d].iter_mut().zip(&x[d..]) {
            *o = o.max(v);
        }
    }
}

/// Onset envelope of a whole mono signal at the analysis rate.
pub fn onset_envelope(samples: &[f32], cfg: &AnalysisConfig) -> OnsetEnvelope {
    let mut detector = OnsetDetector::new(cfg);
    let n_frames = samples.len() / cfg.hop_len_samples;
    let mut strength = Vec::with_capacity(n_frames);
    let mut bands = vec![Vec::with_capacity(n_frames); BAND_EDGES_HZ.len() + 1];
    detector.push(samples, |f| {
        strength.push(f.strength);
        for (band, &v) in bands.iter_mut().zip(&f.bands) {
            band.push(v);
        }
    });
    OnsetEnvelope {
        frame_rate_hz: cfg.frame_rate_hz(),
        t0_secs: cfg.frame_time_secs(0),
        strength,
        bands,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clicks_make_peaks_at_their_times() {
        let cfg = AnalysisConfig::default();
        let sr = cfg.sample_rate_hz.hz() as usize;
        let mut signal = vec![0.0f32; sr * 4];
        let click_secs = [0.5, 1.25, 2.0, 3.1];
        for &t in &click_secs {
            let start = (t * sr as f64) as usize;
            for j in 0..200 {
                signal[start + j] = ((j as f32) * 0.9).sin() * (1.0 - j as f32 / 200.0);
            }
        }
        let env = onset_envelope(&signal, &cfg);
        for &t in &click_secs {
            let (best, _) = env
                .strength
                .iter()
                .enumerate()
                .filter(|(i, _)| (env.time_secs(*i) - t).abs() < 0.1)
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap();
            assert!(
                (env.time_secs(best) - t).abs() < 0.03,
                "peak at {} for click at {t}",
                env.time_secs(best)
            );
        }
        assert!(env.strength.iter().all(|v| v.is_finite() && *v >= 0.0));
    }

    #[test]
    fn max_filter_matches_a_per_bin_fold() {
        for n in [1, 2, 3, 7, 80] {
            let x: Vec<f32> = (0..n).map(|i| ((i * 37 % 11) as f32).sin()).collect();
            let mut ours = vec![0.0; n];
            max_filter(&x, &mut ours);
            for (b, &o) in ours.iter().enumerate() {
                let lo = b.saturating_sub(MAX_FILTER_HALF_WIDTH);
                let hi = (b + MAX_FILTER_HALF_WIDTH + 1).min(n);
                assert_eq!(o, x[lo..hi].iter().copied().fold(f32::MIN, f32::max));
            }
        }
    }

    #[test]
    fn silence_has_zero_strength() {
        let cfg = AnalysisConfig::default();
        let env = onset_envelope(&vec![0.0; 22_050], &cfg);
        assert!(env.strength.iter().all(|&v| v == 0.0));
    }
}
