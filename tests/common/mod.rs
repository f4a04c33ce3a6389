//! Helpers shared by the integration tests: audio measurements and test tones.

#![allow(dead_code, clippy::unwrap_used)]

use realfft::RealFftPlanner;

/// Frequency of the strongest FFT bin of the central (up to 16 384) samples of `samples`,
/// Hann-windowed, refined by parabolic interpolation of the log magnitudes.
pub fn peak_hz(samples: &[f32], rate_hz: u32) -> f64 {
    let n = samples.len().min(16_384) & !1;
    let start = (samples.len() - n) / 2;
    let mut frame: Vec<f32> = samples[start..start + n]
        .iter()
        .enumerate()
        .map(|(i, s)| s * (0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos()))
        .collect();
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
    let mut spectrum = fft.make_output_vec();
    fft.process(&mut frame, &mut spectrum).unwrap();
    let mags: Vec<f64> = spectrum.iter().map(|c| f64::from(c.norm())).collect();
    let k = (1..mags.len() - 1)
        .max_by(|&a, &b| mags[a].total_cmp(&mags[b]))
        .unwrap();
    let (a, b, c) = (mags[k - 1].ln(), mags[k].ln(), mags[k + 1].ln());
    let offset = 0.5 * (a - c) / (a - 2.0 * b + c);
    (k as f64 + offset) * f64::from(rate_hz) / n as f64
}

/// Root mean square of `samples`.
pub fn rms(samples: &[f32]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len() as f64).sqrt()
}

/// Writes `secs` seconds of a `freq_hz` sine at 30 % of full scale as 16-bit mono WAV at
/// 22 050 Hz: the soundtrack of the video tests.
pub fn write_tone_wav(path: &std::path::Path, secs: f64, freq_hz: f64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 22_050,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(secs * 22_050.0) as usize {
        let s = (std::f64::consts::TAU * freq_hz * i as f64 / 22_050.0).sin();
        w.write_sample((0.3 * s * f64::from(i16::MAX)) as i16)
            .unwrap();
    }
    w.finalize().unwrap();
}
