//! Streaming mono resampling to the analysis rate, done once at the edge.
//!
//! [`StreamResampler`] takes mono samples in pieces of any length and appends resampled samples
//! to a caller's buffer. It hides rubato's fixed chunk size and its filter delay: the output is
//! aligned with the input (output sample `j` is at time `j / to_hz`, as input sample `i` is at
//! `i / from_hz`) and after [`StreamResampler::finish`] it holds exactly
//! `ceil(n_in · to_hz / from_hz)` samples, as librosa's `resample` does.
//!
//! Engines, chosen once from the two rates:
//! - equal rates: samples pass through untouched;
//! - a small rational ratio (every common rate pair: 44.1k, 48k, 8k, 16k, 96k → 22.05k): rubato's
//!   synchronous FFT resampler, exact and fast;
//! - anything else (a 44 123 Hz file, a drifting sound card): rubato's asynchronous windowed-sinc
//!   resampler with a 256-tap Blackman-Harris sinc, the quality rubato recommends for audio.
//!
//! Buffers are allocated in [`StreamResampler::new`]; [`StreamResampler::push`] only grows the
//! caller's output vector.

use rubato::{
    FftFixedIn, Resampler, SincFixedIn, SincInterpolationParameters, SincInterpolationType,
    WindowFunction,
};

use super::AudioError;
use crate::units::SampleRate;

/// Input frames per rubato call.
const CHUNK_IN_SAMPLES: usize = 4096;
/// Largest reduced input period (`from_hz / gcd`) the FFT engine accepts; above it the FFT
/// would be as long as the period (up to 768 000 points) and the sinc engine is used instead.
const MAX_FFT_PERIOD_SAMPLES: usize = 4096;

enum Engine {
    Passthrough,
    Fft(Box<FftFixedIn<f32>>),
    /// The resampler and the output samples of delay to drop.
    Sinc(Box<SincFixedIn<f32>>, usize),
}

impl Engine {
    fn new(from_hz: usize, to_hz: usize) -> Result<Self, rubato::ResamplerConstructionError> {
        if from_hz == to_hz {
            return Ok(Self::Passthrough);
        }
        let period_in = from_hz / gcd(from_hz, to_hz);
        if period_in <= MAX_FFT_PERIOD_SAMPLES {
            // An even number of periods per FFT keeps the output FFT length even, so rubato's
            // reported delay (half of it) is a whole number of samples.
            let periods = CHUNK_IN_SAMPLES.div_ceil(period_in).next_multiple_of(2);
            let fft = FftFixedIn::new(from_hz, to_hz, periods * period_in, 1, 1)?;
            return Ok(Self::Fft(Box::new(fft)));
        }
        let params = SincInterpolationParameters {
            sinc_len: 256,
            f_cutoff: 0.95,
            oversampling_factor: 256,
            interpolation: SincInterpolationType::Cubic,
            window: WindowFunction::BlackmanHarris2,
        };
        let ratio = to_hz as f64 / from_hz as f64;
        let sinc = SincFixedIn::new(ratio, 1.0, params, CHUNK_IN_SAMPLES, 1)?;
        // rubato's sinc resampler compensates its filter half-length internally (its reported
        // `output_delay` does not apply); measured, output sample `j` sits at output time
        // `j + 1 - ratio`. Dropping `round(ratio - 1)` samples leaves a shift under one output
        // sample (under 45 µs at 22 050 Hz), far below any analysis frame.
        let delay = (ratio - 1.0).round().max(0.0) as usize;
        Ok(Self::Sinc(Box::new(sinc), delay))
    }

    /// `(input_frames, output_frames_max, delay_output_samples)` of the engine, zeros for
    /// passthrough.
    ///
    /// The FFT engine's reported delay is exact.
    fn sizes(&self) -> (usize, usize, usize) {
        match self {
            Self::Passthrough => (0, 0, 0),
            Self::Fft(r) => (
                r.input_frames_next(),
                r.output_frames_max(),
                r.output_delay(),
            ),
            Self::Sinc(r, delay) => (r.input_frames_next(), r.output_frames_max(), *delay),
        }
    }

    /// Resamples one full chunk into `out`; returns the output samples written.
    fn process(&mut self, input: &[f32], out: &mut [Vec<f32>]) -> rubato::ResampleResult<usize> {
        let input = [input];
        let (_, produced) = match self {
            Self::Passthrough => return Ok(0),
            Self::Fft(r) => r.process_into_buffer(&input, out, None)?,
            Self::Sinc(r, _) => r.process_into_buffer(&input, out, None)?,
        };
        Ok(produced)
    }
}

/// Resamples a mono stream from one rate to another, in pieces of any length.
pub struct StreamResampler {
    from: SampleRate,
    to: SampleRate,
    engine: Engine,
    /// Input samples per rubato call.
    chunk_in_samples: usize,
    /// Input waiting for a full rubato chunk.
    pending_in: Vec<f32>,
    /// One-channel output buffer of rubato's maximum chunk output.
    chunk_out: Vec<Vec<f32>>,
    /// Output samples of filter delay still to discard.
    delay_left_samples: usize,
    in_total_samples: u64,
    out_total_samples: u64,
}

impl std::fmt::Debug for StreamResampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamResampler")
            .field("from_hz", &self.from.hz())
            .field("to_hz", &self.to.hz())
            .finish()
    }
}

impl StreamResampler {
    /// Plans a resampler from `from` to `to`.
    pub fn new(from: SampleRate, to: SampleRate) -> Result<Self, AudioError> {
        let engine = Engine::new(from.hz() as usize, to.hz() as usize)
            .map_err(|e| resample_error(from, to, e))?;
        let (chunk_in, out_max, delay) = engine.sizes();
        Ok(Self {
            from,
            to,
            engine,
            chunk_in_samples: chunk_in,
            pending_in: Vec::with_capacity(chunk_in),
            chunk_out: vec![vec![0.0; out_max]],
            delay_left_samples: delay,
            in_total_samples: 0,
            out_total_samples: 0,
        })
    }

    /// Input rate.
    pub fn from_rate(&self) -> SampleRate {
        self.from
    }

    /// Output rate.
    pub fn to_rate(&self) -> SampleRate {
        self.to
    }

    /// Output length for `n_in` input samples: `ceil(n_in · to / from)`.
    pub fn output_len_for(&self, n_in: u64) -> u64 {
        let (from, to) = (u64::from(self.from.hz()), u64::from(self.to.hz()));
        (n_in * to).div_ceil(from)
    }

    /// Resamples `input` and appends what is ready to `out`.
    pub fn push(&mut self, mut input: &[f32], out: &mut Vec<f32>) -> Result<(), AudioError> {
        self.in_total_samples += input.len() as u64;
        if matches!(self.engine, Engine::Passthrough) {
            out.extend_from_slice(input);
            self.out_total_samples += input.len() as u64;
            return Ok(());
        }
        while !input.is_empty() {
            let take = (self.chunk_in_samples - self.pending_in.len()).min(input.len());
            self.pending_in.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.pending_in.len() == self.chunk_in_samples {
                self.process_pending(out)?;
                self.pending_in.clear();
            }
        }
        Ok(())
    }

    /// Flushes the filter: pads the input with zeros until every output sample owed for the
    /// input so far is in `out`. The resampler must not be pushed to afterwards.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<(), AudioError> {
        let owed = self.output_len_for(self.in_total_samples);
        // Each zero-padded chunk yields at least one output sample; the bound only guards
        // against a resampler that stops producing.
        let max_rounds = 4 + (self.delay_left_samples + self.chunk_in_samples) / 64;
        for _ in 0..max_rounds {
            if self.out_total_samples >= owed {
                return Ok(());
            }
            self.pending_in.resize(self.chunk_in_samples, 0.0);
            self.process_pending_capped(out, owed)?;
            self.pending_in.clear();
        }
        if self.out_total_samples < owed {
            return Err(resample_error(self.from, self.to, "filter flush stalled"));
        }
        Ok(())
    }

    fn process_pending(&mut self, out: &mut Vec<f32>) -> Result<(), AudioError> {
        self.process_pending_capped(out, u64::MAX)
    }

    /// Runs one full chunk through rubato, drops the filter delay, appends at most up to
    /// `cap` total output samples.
    fn process_pending_capped(&mut self, out: &mut Vec<f32>, cap: u64) -> Result<(), AudioError> {
        let (from, to) = (self.from, self.to);
        let produced = self
            .engine
            .process(&self.pending_in, &mut self.chunk_out)
            .map_err(|e| resample_error(from, to, e))?;
        let chunk = self
            .chunk_out
            .first()
            .map(|c| &c[..produced])
            .unwrap_or(&[]);
        let skip = self.delay_left_samples.min(chunk.len());
        self.delay_left_samples -= skip;
        let room = cap.saturating_sub(self.out_total_samples);
        let usable = &chunk[skip..];
        let usable = &usable[..usable
            .len()
            .min(usize::try_from(room).unwrap_or(usize::MAX))];
        out.extend_from_slice(usable);
        self.out_total_samples += usable.len() as u64;
        Ok(())
    }
}

/// Resamples a whole mono signal (for offline tools and tests).
///
/// ```
/// use dancebot::audio::resample::resample_mono;
/// use dancebot::units::SampleRate;
///
/// let one_second = vec![0.0f32; 48_000];
/// let out = resample_mono(&one_second, SampleRate::new(48_000)?, SampleRate::CD_HALF)?;
/// assert_eq!(out.len(), 22_050);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resample_mono(
    samples: &[f32],
    from: SampleRate,
    to: SampleRate,
) -> Result<Vec<f32>, AudioError> {
    let mut resampler = StreamResampler::new(from, to)?;
    let capacity = usize::try_from(resampler.output_len_for(samples.len() as u64)).unwrap_or(0);
    let mut out = Vec::with_capacity(capacity);
    resampler.push(samples, &mut out)?;
    resampler.finish(&mut out)?;
    Ok(out)
}

fn resample_error(from: SampleRate, to: SampleRate, reason: impl ToString) -> AudioError {
    AudioError::Resample {
        from_hz: from.hz(),
        to_hz: to.hz(),
        reason: reason.to_string(),
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(hz: u32) -> SampleRate {
        SampleRate::new(hz).unwrap()
    }

    fn tone(freq_hz: f64, rate_hz: u32, n: usize) -> Vec<f32> {
        let w = 2.0 * std::f64::consts::PI * freq_hz / f64::from(rate_hz);
        (0..n)
            .map(|i| (0.5 * (w * i as f64).sin()) as f32)
            .collect()
    }

    /// Fits `a · sin(ω (j + lead))` at 440 Hz over the middle of `out`: returns the amplitude
    /// and the lead in output samples. A wrong frequency smears the fit to a small amplitude.
    fn fit_tone(out: &[f32], to_hz: u32) -> (f64, f64) {
        let w = 2.0 * std::f64::consts::PI * 440.0 / f64::from(to_hz);
        let edge = out.len() / 10;
        let (mut s, mut c) = (0.0, 0.0);
        for (j, &x) in out.iter().enumerate().take(out.len() - edge).skip(edge) {
            s += f64::from(x) * (w * j as f64).sin();
            c += f64::from(x) * (w * j as f64).cos();
        }
        let n = (out.len() - 2 * edge) as f64;
        (2.0 * s.hypot(c) / n, c.atan2(s) / w)
    }

    #[test]
    fn tone_keeps_frequency_amplitude_and_timing() {
        // (from, to, largest lead in output samples): the FFT engine is exact, the sinc engine
        // (rates with no small common period) within one output sample.
        for (from_hz, to_hz, max_lead) in [
            (44_100, 22_050, 0.01),
            (48_000, 22_050, 0.01),
            (8_000, 22_050, 0.01),
            (22_050, 44_100, 0.01),
            (44_123, 22_050, 1.0),
            (30_011, 44_100, 1.0),
            (96_001, 22_050, 1.0),
        ] {
            let input = tone(440.0, from_hz, from_hz as usize);
            let out = resample_mono(&input, rate(from_hz), rate(to_hz)).unwrap();
            assert_eq!(out.len(), to_hz as usize, "{from_hz} -> {to_hz}");
            let (amplitude, lead) = fit_tone(&out, to_hz);
            assert!(
                (amplitude - 0.5).abs() < 2e-3,
                "{from_hz} -> {to_hz}: {amplitude}"
            );
            assert!(lead.abs() < max_lead, "{from_hz} -> {to_hz}: lead {lead}");
        }
    }

    #[test]
    fn equal_rates_pass_through_bit_exact() {
        let input = tone(440.0, 22_050, 1234);
        let out = resample_mono(&input, rate(22_050), rate(22_050)).unwrap();
        assert_eq!(out, input);
    }

    #[test]
    fn streaming_in_odd_pieces_equals_one_shot() {
        let input = tone(440.0, 48_000, 30_001);
        let whole = resample_mono(&input, rate(48_000), rate(22_050)).unwrap();
        let mut r = StreamResampler::new(rate(48_000), rate(22_050)).unwrap();
        let mut out = Vec::new();
        for piece in input.chunks(977) {
            r.push(piece, &mut out).unwrap();
        }
        r.finish(&mut out).unwrap();
        assert_eq!(out.len(), whole.len());
        assert_eq!(out.len() as u64, r.output_len_for(30_001));
        assert!(out.iter().zip(&whole).all(|(a, b)| (a - b).abs() < 1e-6));
    }

    #[test]
    fn components_above_the_new_nyquist_are_removed() {
        // 15 kHz at 44.1 kHz would alias to 7.05 kHz at 22.05 kHz without the low-pass.
        let input = tone(15_000.0, 44_100, 44_100);
        let out = resample_mono(&input, rate(44_100), rate(22_050)).unwrap();
        let rms = (out.iter().map(|s| s * s).sum::<f32>() / out.len() as f32).sqrt();
        assert!(rms < 1e-3, "alias rms {rms}");
    }
}
