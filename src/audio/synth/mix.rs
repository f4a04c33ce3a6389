//! Mixing and mastering: per-instrument levels ([`MixSpec`]), events summed into a stereo bus,
//! levelled, noise added, limited.
//!
//! Each distinct voice is rendered once and cached; events only add scaled copies, so the cost
//! is one pass over the output per event plus one render per distinct note. Mastering is
//! memoryless (one global gain, then a per-sample soft clipper), which keeps repeated sections
//! sample-identical and every sample strictly inside ±1.

use std::collections::HashMap;
use std::f32::consts::FRAC_PI_4;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::arrange::Event;
use super::dsp::white;
use super::instruments::Voice;

/// Linear gains of each instrument before the master limiter (0..=4; 0 mutes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MixSpec {
    /// Kick drum.
    pub kick: f64,
    /// Snare drum.
    pub snare: f64,
    /// Closed and open hi-hats.
    pub hat: f64,
    /// Hand claps.
    pub clap: f64,
    /// Bass line.
    pub bass: f64,
    /// Sustained and pulsed chord pads.
    pub pad: f64,
    /// Lead melody.
    pub lead: f64,
    /// Plucked-string arpeggios and chord stabs.
    pub pluck: f64,
}

impl Default for MixSpec {
    fn default() -> Self {
        Self {
            kick: 1.0,
            snare: 0.7,
            hat: 0.3,
            clap: 0.45,
            bass: 0.45,
            pad: 0.16,
            lead: 0.3,
            pluck: 0.45,
        }
    }
}

impl MixSpec {
    /// Only `kick` at its default level, everything else muted (for tests of drum timing).
    pub fn kick_only() -> Self {
        Self {
            kick: 1.0,
            snare: 0.0,
            hat: 0.0,
            clap: 0.0,
            bass: 0.0,
            pad: 0.0,
            lead: 0.0,
            pluck: 0.0,
        }
    }

    /// Every level with its field name, for validation.
    pub(crate) fn fields(&self) -> [(&'static str, f64); 8] {
        [
            ("kick", self.kick),
            ("snare", self.snare),
            ("hat", self.hat),
            ("clap", self.clap),
            ("bass", self.bass),
            ("pad", self.pad),
            ("lead", self.lead),
            ("pluck", self.pluck),
        ]
    }
}

/// RMS level the mix is brought to before the limiter: -16 dBFS, a moderately loud master.
const TARGET_RMS: f32 = 0.158;
/// Above this magnitude the soft clipper bends the waveform towards ±1.
const LIMITER_KNEE: f32 = 0.8;
/// Tag mixed into the seed for the added noise, so it is independent of the drum noise.
const NOISE_SEED_TAG: u64 = 0xA5A5_5A5A_0F0F_F0F0;

/// Sums `events` into a `[left, right]` bus of `len_samples`, with constant-power panning.
pub(crate) fn mix_events(
    events: &[Event],
    rate_hz: f64,
    seed: u64,
    len_samples: usize,
) -> [Vec<f32>; 2] {
    let mut cache: HashMap<Voice, Vec<f32>> = HashMap::new();
    let mut left = vec![0.0f32; len_samples];
    let mut right = vec![0.0f32; len_samples];
    for event in events {
        if event.start_sample >= len_samples {
            continue;
        }
        let buf = cache
            .entry(event.voice)
            .or_insert_with(|| event.voice.render(rate_hz, seed));
        let (gain_left, gain_right) = pan_gains(event.pan);
        let end = (event.start_sample + buf.len()).min(len_samples);
        let span = event.start_sample..end;
        let (gl, gr) = (gain_left * event.gain, gain_right * event.gain);
        for ((l, r), &x) in left[span.clone()]
            .iter_mut()
            .zip(&mut right[span])
            .zip(buf.iter())
        {
            *l += gl * x;
            *r += gr * x;
        }
    }
    [left, right]
}

/// Constant-power pan law: equal loudness everywhere across the field, -3 dB each in the centre.
fn pan_gains(pan: f32) -> (f32, f32) {
    let angle = (pan.clamp(-1.0, 1.0) + 1.0) * FRAC_PI_4;
    (angle.cos(), angle.sin())
}

/// Averages the channels into one.
pub(crate) fn downmix(channels: &[Vec<f32>]) -> Vec<f32> {
    let n = channels.iter().map(Vec::len).min().unwrap_or(0);
    let scale = 1.0 / channels.len().max(1) as f32;
    (0..n)
        .map(|i| channels.iter().map(|c| c[i]).sum::<f32>() * scale)
        .collect()
}

/// Levels `channels` to [`TARGET_RMS`], adds white noise `snr_db` below the music if asked,
/// and soft-limits into ±1.
pub(crate) fn master(channels: &mut [Vec<f32>], snr_db: Option<f64>, seed: u64) {
    let rms = rms(channels);
    let gain = if rms > 1e-9 { TARGET_RMS / rms } else { 1.0 };
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ NOISE_SEED_TAG);
    // Uniform noise in -1..1 has an RMS of 1/sqrt(3).
    let noise_amp = snr_db.map_or(0.0, |db| {
        3.0f32.sqrt() * TARGET_RMS / 10f32.powf(db as f32 / 20.0)
    });
    for channel in channels.iter_mut() {
        for sample in channel.iter_mut() {
            let noise = if noise_amp > 0.0 {
                noise_amp * white(&mut rng) as f32
            } else {
                0.0
            };
            *sample = soft_clip(*sample * gain + noise);
        }
    }
}

fn rms(channels: &[Vec<f32>]) -> f32 {
    let count: usize = channels.iter().map(Vec::len).sum();
    let energy: f64 = channels
        .iter()
        .flatten()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum();
    (energy / count.max(1) as f64).sqrt() as f32
}

/// Identity below the knee, a tanh curve above it that approaches but never reaches ±1.
fn soft_clip(x: f32) -> f32 {
    let magnitude = x.abs();
    if magnitude <= LIMITER_KNEE {
        return x;
    }
    let room = 1.0 - LIMITER_KNEE;
    let bent = LIMITER_KNEE + room * ((magnitude - LIMITER_KNEE) / room).tanh();
    bent.min(0.999_99).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_clip_is_monotone_and_bounded() {
        let mut previous = -1.0;
        for i in -4000..=4000 {
            let y = soft_clip(i as f32 / 100.0);
            assert!(y.abs() < 1.0 && y >= previous);
            previous = y;
        }
        assert_eq!(soft_clip(0.5), 0.5);
    }

    #[test]
    fn centre_pan_is_minus_3_db_per_side() {
        let (l, r) = pan_gains(0.0);
        assert!((l - r).abs() < 1e-6 && (l * l + r * r - 1.0).abs() < 1e-6);
        assert_eq!(pan_gains(-1.0), (1.0, 0.0));
    }

    #[test]
    fn noise_lands_at_the_requested_snr() {
        let n = 48_000;
        let tone: Vec<f32> = (0..n).map(|i| (i as f32 * 0.05).sin()).collect();
        let mut clean = vec![tone.clone()];
        master(&mut clean, None, 3);
        let mut noisy = vec![tone];
        master(&mut noisy, Some(10.0), 3);
        let noise: Vec<f32> = noisy[0].iter().zip(&clean[0]).map(|(a, b)| a - b).collect();
        let snr_db = 20.0 * (rms(&clean) / rms(&[noise])).log10();
        assert!((snr_db - 10.0).abs() < 0.3, "{snr_db}");
    }
}
