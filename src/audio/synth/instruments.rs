//! The instruments, synthesized from scratch as one-shot sample buffers.
//!
//! Each [`Voice`] (an instrument plus its pitch and length) renders to one buffer that starts
//! exactly at its onset; the mixer caches buffers by voice and adds them in at event positions,
//! so a song costs one render per distinct note, not per note played. Drum noise is seeded from
//! the song seed, so the same voice always sounds the same within a song.
//!
//! Recipes follow classic analogue drum-machine and subtractive-synth designs: a kick is a sine
//! swept down in pitch with a click, a snare a tone plus band-passed noise, a hi-hat high-passed
//! noise, a clap three noise bursts and a tail; the plucked string is Karplus–Strong (1983).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::dsp::{decay, fade_out, white, Adsr, Biquad, FilterKind, Saw, Sine};
use super::theory::midi_to_hz;

/// One note of one instrument; lengths are in samples so equal notes share a cached buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Voice {
    Kick,
    Snare,
    ClosedHat,
    OpenHat,
    Clap,
    Bass {
        midi: u8,
        hold_samples: usize,
    },
    Pad {
        midi: u8,
        hold_samples: usize,
        pulse: bool,
    },
    Lead {
        midi: u8,
        hold_samples: usize,
    },
    Pluck {
        midi: u8,
    },
}

impl Voice {
    /// Renders the voice at `rate_hz`; `seed` drives its noise.
    pub fn render(self, rate_hz: f64, seed: u64) -> Vec<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ self.noise_tag());
        let mut buf = match self {
            Self::Kick => kick(rate_hz, &mut rng),
            Self::Snare => snare(rate_hz, &mut rng),
            Self::ClosedHat => hat(rate_hz, 0.018, 0.09, &mut rng),
            Self::OpenHat => hat(rate_hz, 0.11, 0.35, &mut rng),
            Self::Clap => clap(rate_hz, &mut rng),
            Self::Bass { midi, hold_samples } => bass(midi, hold_samples as f64 / rate_hz, rate_hz),
            Self::Pad {
                midi,
                hold_samples,
                pulse,
            } => pad(midi, hold_samples as f64 / rate_hz, pulse, rate_hz),
            Self::Lead { midi, hold_samples } => lead(midi, hold_samples as f64 / rate_hz, rate_hz),
            Self::Pluck { midi } => pluck(midi, rate_hz, &mut rng),
        };
        fade_out(&mut buf, (0.004 * rate_hz) as usize);
        buf
    }

    fn noise_tag(self) -> u64 {
        let pitch = match self {
            Self::Pluck { midi } => u64::from(midi),
            _ => 0,
        };
        let kind: u64 = match self {
            Self::Kick => 1,
            Self::Snare => 2,
            Self::ClosedHat => 3,
            Self::OpenHat => 4,
            Self::Clap => 5,
            _ => 6,
        };
        (kind << 8 | pitch).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

fn samples(secs: f64, rate_hz: f64) -> usize {
    (secs * rate_hz).ceil() as usize
}

fn kick(rate_hz: f64, rng: &mut ChaCha8Rng) -> Vec<f32> {
    let mut body = Sine::default();
    (0..samples(0.4, rate_hz))
        .map(|i| {
            let t = i as f64 / rate_hz;
            let freq_hz = 48.0 + 110.0 * decay(t, 0.035);
            let tone = body.next_cos(freq_hz, rate_hz) * decay(t, 0.16);
            let click = (0.5 + 0.3 * white(rng)) * decay(t, 0.002);
            (0.85 * tone + click) as f32
        })
        .collect()
}

fn snare(rate_hz: f64, rng: &mut ChaCha8Rng) -> Vec<f32> {
    let (mut low, mut high) = (Sine::default(), Sine::default());
    let mut hp = Biquad::new(FilterKind::High, 1_200.0, 0.7, rate_hz);
    let mut lp = Biquad::new(FilterKind::Low, 9_000.0, 0.7, rate_hz);
    (0..samples(0.3, rate_hz))
        .map(|i| {
            let t = i as f64 / rate_hz;
            let tone =
                (low.next_cos(185.0, rate_hz) + 0.5 * high.next(330.0, rate_hz)) * decay(t, 0.05);
            let noise = lp.process(hp.process(white(rng))) * decay(t, 0.09);
            (0.5 * tone + 0.9 * noise) as f32
        })
        .collect()
}

fn hat(rate_hz: f64, tau_secs: f64, len_secs: f64, rng: &mut ChaCha8Rng) -> Vec<f32> {
    let mut hp = Biquad::new(
        FilterKind::High,
        7_000.0_f64.min(0.4 * rate_hz),
        0.7,
        rate_hz,
    );
    (0..samples(len_secs, rate_hz))
        .map(|i| {
            let t = i as f64 / rate_hz;
            (hp.process(white(rng)) * decay(t, tau_secs)) as f32
        })
        .collect()
}

fn clap(rate_hz: f64, rng: &mut ChaCha8Rng) -> Vec<f32> {
    let mut bp = Biquad::new(FilterKind::Band, 1_400.0, 1.2, rate_hz);
    (0..samples(0.3, rate_hz))
        .map(|i| {
            let t = i as f64 / rate_hz;
            let bursts: f64 = [0.0, 0.011, 0.022]
                .iter()
                .filter(|&&at| t >= at)
                .map(|&at| decay(t - at, 0.004))
                .sum();
            let tail = if t >= 0.03 {
                0.6 * decay(t - 0.03, 0.07)
            } else {
                0.0
            };
            (2.0 * bp.process(white(rng)) * (bursts + tail)) as f32
        })
        .collect()
}

fn bass(midi: u8, hold_secs: f64, rate_hz: f64) -> Vec<f32> {
    let env = Adsr {
        attack_secs: 0.004,
        decay_secs: 0.18,
        sustain: 0.6,
        release_secs: 0.04,
    };
    let freq_hz = midi_to_hz(f64::from(midi));
    let (mut sine, mut saw) = (Sine::default(), Saw::new(0.0));
    let mut lp = Biquad::new(FilterKind::Low, 650.0, 0.9, rate_hz);
    (0..env.len_samples(hold_secs, rate_hz))
        .map(|i| {
            let t = i as f64 / rate_hz;
            let raw = sine.next(freq_hz, rate_hz) + 0.4 * saw.next(freq_hz, rate_hz);
            (lp.process(raw) * env.at(t, hold_secs)) as f32
        })
        .collect()
}

fn pad(midi: u8, hold_secs: f64, pulse: bool, rate_hz: f64) -> Vec<f32> {
    let env = if pulse {
        Adsr {
            attack_secs: 0.006,
            decay_secs: 0.25,
            sustain: 0.45,
            release_secs: 0.12,
        }
    } else {
        Adsr {
            attack_secs: 0.25,
            decay_secs: 1.0,
            sustain: 0.85,
            release_secs: 0.35,
        }
    };
    let base_hz = midi_to_hz(f64::from(midi));
    let detune = [-0.08, 0.0, 0.08].map(|cents_100| (cents_100 / 12.0_f64).exp2());
    let mut saws = [Saw::new(0.0), Saw::new(0.37), Saw::new(0.71)];
    let cutoff_hz = if pulse { 2_400.0 } else { 1_400.0 };
    let mut lp1 = Biquad::new(FilterKind::Low, cutoff_hz, 0.6, rate_hz);
    let mut lp2 = Biquad::new(FilterKind::Low, cutoff_hz, 0.6, rate_hz);
    (0..env.len_samples(hold_secs, rate_hz))
        .map(|i| {
            let t = i as f64 / rate_hz;
            let raw: f64 = saws
                .iter_mut()
                .zip(detune)
                .map(|(saw, ratio)| saw.next(base_hz * ratio, rate_hz))
                .sum();
            (lp2.process(lp1.process(raw / 3.0)) * env.at(t, hold_secs)) as f32
        })
        .collect()
}

fn lead(midi: u8, hold_secs: f64, rate_hz: f64) -> Vec<f32> {
    let env = Adsr {
        attack_secs: 0.008,
        decay_secs: 0.3,
        sustain: 0.7,
        release_secs: 0.08,
    };
    let base_hz = midi_to_hz(f64::from(midi));
    let (mut saw, mut sub) = (Saw::new(0.0), Saw::new(0.5));
    let mut vibrato = Sine::default();
    let mut lp = Biquad::new(FilterKind::Low, 3_000.0, 0.8, rate_hz);
    (0..env.len_samples(hold_secs, rate_hz))
        .map(|i| {
            let t = i as f64 / rate_hz;
            let depth = if t > 0.2 { 0.004 } else { 0.0 };
            let freq_hz = base_hz * (1.0 + depth * vibrato.next(5.5, rate_hz));
            // Two saws half a cycle apart sum to a square-ish tone an octave up: a hollow lead.
            let raw = saw.next(freq_hz, rate_hz) + 0.5 * sub.next(freq_hz, rate_hz);
            (lp.process(raw) * env.at(t, hold_secs)) as f32
        })
        .collect()
}

/// Karplus–Strong: a noise burst circulating through a delay line of one period and a
/// two-point average (a gentle low-pass), read with linear interpolation for exact pitch.
fn pluck(midi: u8, rate_hz: f64, rng: &mut ChaCha8Rng) -> Vec<f32> {
    const LOSS: f64 = 0.996;
    let period = (rate_hz / midi_to_hz(f64::from(midi)) - 0.5).max(2.0);
    let excite_len = period.ceil() as usize + 2;
    let len = samples(1.2, rate_hz).max(excite_len + 1);
    let mut out = vec![0.0f64; len];
    let mut smooth = 0.0;
    for sample in out.iter_mut().take(excite_len) {
        smooth = 0.5 * smooth + 0.5 * white(rng);
        *sample = smooth;
    }
    for n in excite_len..len {
        let back = n as f64 - period;
        let next = LOSS * 0.5 * (interpolate(&out, back) + interpolate(&out, back - 1.0));
        out[n] = next;
    }
    out.iter().map(|&x| (1.6 * x) as f32).collect()
}

/// Linear interpolation of `buf` at fractional index `pos` (which must lie inside it).
fn interpolate(buf: &[f64], pos: f64) -> f64 {
    let i = pos.floor() as usize;
    let frac = pos - pos.floor();
    buf[i] * (1.0 - frac) + buf[i + 1] * frac
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE_HZ: f64 = 22_050.0;

    #[test]
    fn kick_attacks_on_its_first_sample() {
        let kick = Voice::Kick.render(RATE_HZ, 1);
        assert!(kick[0] > 0.9, "{}", kick[0]);
        let tail_peak = kick[kick.len() - 100..]
            .iter()
            .fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(tail_peak < 0.05);
    }

    #[test]
    fn every_voice_is_finite_bounded_and_ends_silent() {
        let hold_samples = 5_000;
        let voices = [
            Voice::Kick,
            Voice::Snare,
            Voice::ClosedHat,
            Voice::OpenHat,
            Voice::Clap,
            Voice::Bass {
                midi: 36,
                hold_samples,
            },
            Voice::Pad {
                midi: 60,
                hold_samples,
                pulse: false,
            },
            Voice::Pad {
                midi: 60,
                hold_samples,
                pulse: true,
            },
            Voice::Lead {
                midi: 76,
                hold_samples,
            },
            Voice::Pluck { midi: 67 },
        ];
        for rate_hz in [11_025.0, 96_000.0] {
            for voice in voices {
                let buf = voice.render(rate_hz, 7);
                assert!(
                    buf.iter().all(|x| x.is_finite() && x.abs() < 3.0),
                    "{voice:?}"
                );
                assert_eq!(buf.last().copied(), Some(0.0), "{voice:?}");
                assert!(buf.iter().any(|x| x.abs() > 0.05), "{voice:?} is silent");
            }
        }
    }

    #[test]
    fn pluck_sounds_at_its_pitch() {
        // Count zero crossings of A4 over 0.1..0.6 s: about 2 * 440 per second.
        let buf = Voice::Pluck { midi: 69 }.render(RATE_HZ, 3);
        let (from, to) = ((0.1 * RATE_HZ) as usize, (0.6 * RATE_HZ) as usize);
        let crossings = buf[from..to]
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        let hz = crossings as f64 / 2.0 / 0.5;
        assert!((hz - 440.0).abs() < 8.0, "{hz} Hz");
    }
}
