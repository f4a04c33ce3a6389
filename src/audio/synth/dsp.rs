//! Small signal-processing building blocks for the instruments: band-limited oscillators,
//! filters and envelopes. All state lives in the structs; nothing allocates per sample.

use std::f64::consts::{PI, TAU};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Sawtooth oscillator with PolyBLEP anti-aliasing (Välimäki & Huovilainen 2007), so high
/// notes stay clean even at 11 025 Hz.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Saw {
    phase: f64,
}

impl Saw {
    /// Starts at `phase` (0..1 of a cycle).
    pub fn new(phase: f64) -> Self {
        Self { phase }
    }

    /// Next sample for a frequency of `freq_hz` at `rate_hz`.
    pub fn next(&mut self, freq_hz: f64, rate_hz: f64) -> f64 {
        let dt = (freq_hz / rate_hz).clamp(0.0, 0.5);
        let value = 2.0 * self.phase - 1.0 - poly_blep(self.phase, dt);
        self.phase += dt;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
        }
        value
    }
}

fn poly_blep(phase: f64, dt: f64) -> f64 {
    if dt <= 0.0 {
        0.0
    } else if phase < dt {
        let t = phase / dt;
        t + t - t * t - 1.0
    } else if phase > 1.0 - dt {
        let t = (phase - 1.0) / dt;
        t * t + t + t + 1.0
    } else {
        0.0
    }
}

/// Sine oscillator with a running phase (so frequency sweeps stay continuous).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sine {
    phase_rad: f64,
}

impl Sine {
    /// Next sample; the first call returns `sin(0)`.
    pub fn next(&mut self, freq_hz: f64, rate_hz: f64) -> f64 {
        let value = self.phase_rad.sin();
        self.phase_rad = (self.phase_rad + TAU * freq_hz / rate_hz) % TAU;
        value
    }

    /// Next sample of the cosine (starts at 1: a sharp attack).
    pub fn next_cos(&mut self, freq_hz: f64, rate_hz: f64) -> f64 {
        let value = self.phase_rad.cos();
        self.phase_rad = (self.phase_rad + TAU * freq_hz / rate_hz) % TAU;
        value
    }
}

/// Which response a [`Biquad`] has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterKind {
    /// Low-pass.
    Low,
    /// High-pass.
    High,
    /// Band-pass (constant 0 dB peak gain).
    Band,
}

/// Second-order IIR filter with the RBJ cookbook coefficients, direct form I.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    /// A filter at `cutoff_hz` (clamped below Nyquist) with quality `q`.
    pub fn new(kind: FilterKind, cutoff_hz: f64, q: f64, rate_hz: f64) -> Self {
        let f = cutoff_hz.clamp(10.0, 0.45 * rate_hz);
        let w0 = 2.0 * PI * f / rate_hz;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q);
        let (b0, b1, b2) = match kind {
            FilterKind::Low => ((1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0),
            FilterKind::High => ((1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0),
            FilterKind::Band => (alpha, 0.0, -alpha),
        };
        let a0 = 1.0 + alpha;
        Self {
            b: [b0 / a0, b1 / a0, b2 / a0],
            a: [-2.0 * cos / a0, (1.0 - alpha) / a0],
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    /// Filters one sample.
    pub fn process(&mut self, input: f64) -> f64 {
        let out = self.b[0] * input + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [input, self.x[0]];
        self.y = [out, self.y[0]];
        out
    }
}

/// Uniform white noise in -1..1.
pub(crate) fn white(rng: &mut ChaCha8Rng) -> f64 {
    rng.gen_range(-1.0..1.0)
}

/// `exp(-t / tau)`: the decay every percussive envelope uses.
pub(crate) fn decay(t_secs: f64, tau_secs: f64) -> f64 {
    (-t_secs / tau_secs).exp()
}

/// Attack-decay-sustain envelope held for `hold_secs`, then released over `release_secs`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adsr {
    pub attack_secs: f64,
    pub decay_secs: f64,
    pub sustain: f64,
    pub release_secs: f64,
}

impl Adsr {
    /// Envelope value at `t_secs` for a note held `hold_secs`.
    pub fn at(&self, t_secs: f64, hold_secs: f64) -> f64 {
        let attack = self.attack_secs.min(hold_secs.max(1e-4));
        let held = if t_secs < attack {
            t_secs / attack
        } else {
            let d = (t_secs - attack) / self.decay_secs.max(1e-6);
            self.sustain + (1.0 - self.sustain) * (-d).exp()
        };
        if t_secs <= hold_secs {
            held
        } else {
            let at_release = self.at(hold_secs, hold_secs);
            at_release * (1.0 - (t_secs - hold_secs) / self.release_secs).max(0.0)
        }
    }

    /// Samples a note held `hold_secs` needs, release included.
    pub fn len_samples(&self, hold_secs: f64, rate_hz: f64) -> usize {
        ((hold_secs + self.release_secs) * rate_hz).ceil() as usize
    }
}

/// Fades the last `fade_samples` of `buf` linearly to zero, so no one-shot ends in a click.
pub(crate) fn fade_out(buf: &mut [f32], fade_samples: usize) {
    let fade = fade_samples.min(buf.len());
    let start = buf.len() - fade;
    for (i, sample) in buf[start..].iter_mut().enumerate() {
        *sample *= 1.0 - (i + 1) as f32 / fade as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_pass_passes_dc_and_blocks_nyquist() {
        let mut lp = Biquad::new(FilterKind::Low, 1_000.0, 0.707, 44_100.0);
        let dc = (0..2_000).map(|_| lp.process(1.0)).last().unwrap_or(0.0);
        assert!((dc - 1.0).abs() < 1e-6);
        let mut lp = Biquad::new(FilterKind::Low, 1_000.0, 0.707, 44_100.0);
        let alt = (0..2_000)
            .map(|i: u32| lp.process(if i.is_multiple_of(2) { 1.0 } else { -1.0 }))
            .last()
            .unwrap_or(1.0);
        assert!(alt.abs() < 1e-3);
    }

    #[test]
    fn saw_has_zero_mean_and_unit_range() {
        let mut saw = Saw::new(0.0);
        let samples: Vec<f64> = (0..44_100).map(|_| saw.next(441.0, 44_100.0)).collect();
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        assert!(mean.abs() < 1e-3);
        assert!(samples.iter().all(|s| s.abs() <= 1.01));
    }

    #[test]
    fn adsr_starts_at_zero_and_ends_at_zero() {
        let env = Adsr {
            attack_secs: 0.01,
            decay_secs: 0.1,
            sustain: 0.5,
            release_secs: 0.05,
        };
        assert_eq!(env.at(0.0, 1.0), 0.0);
        assert!((env.at(0.01, 1.0) - 1.0).abs() < 1e-9);
        assert!(env.at(1.05, 1.0).abs() < 1e-9);
        assert!(env.at(0.5, 1.0) > 0.49);
    }
}
