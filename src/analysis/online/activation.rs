//! Beat activation from raw onset strength: a causal, loudness-independent number in
//! `floor..=1 - floor` per frame, the observation of the bar-pointer filter.
//!
//! The onset strength of a loud rock track and of a quiet string quartet differ by an order of
//! magnitude, while the filter's observation model (Krebs, Böck & Widmer 2015) expects a
//! probability-like activation. Dividing by a multiple of the running mean (an exponential
//! moving average, so constant memory and no lookahead) puts both on one scale.

/// Causal normaliser of onset strength into a beat activation.
#[derive(Debug, Clone)]
pub struct ActivationNormalizer {
    /// Per-frame decay of the normalising mean.
    decay: f64,
    /// Per-frame decay of the short mean used for silence detection.
    short_decay: f64,
    scale: f64,
    floor: f64,
    mean: f64,
    short_mean: f64,
}

/// Memory of the short running mean that decides whether the input is silent.
const SILENCE_WINDOW_SECS: f64 = 1.0;

impl ActivationNormalizer {
    /// A normaliser at `frame_rate_hz` with a running mean over about `window_secs`.
    pub fn new(frame_rate_hz: f64, window_secs: f64, scale: f64, floor: f64) -> Self {
        Self {
            decay: decay_per_frame(frame_rate_hz, window_secs),
            short_decay: decay_per_frame(frame_rate_hz, SILENCE_WINDOW_SECS),
            scale,
            floor,
            mean: 0.0,
            short_mean: 0.0,
        }
    }

    /// Folds in one frame of onset strength and returns its activation.
    pub fn next(&mut self, strength: f32) -> f64 {
        let v = f64::from(strength).max(0.0);
        let v = if v.is_finite() { v } else { 0.0 };
        self.mean = self.decay * self.mean + (1.0 - self.decay) * v;
        self.short_mean = self.short_decay * self.short_mean + (1.0 - self.short_decay) * v;
        let raw = if self.mean > 0.0 {
            v / (self.scale * self.mean)
        } else {
            0.0
        };
        raw.clamp(self.floor, 1.0 - self.floor)
    }

    /// Running mean of the onset strength over about the last second.
    pub fn recent_mean(&self) -> f64 {
        self.short_mean
    }
}

/// Decay factor of an exponential moving average with time constant `window_secs`.
fn decay_per_frame(frame_rate_hz: f64, window_secs: f64) -> f64 {
    (-1.0 / (frame_rate_hz * window_secs).max(1.0)).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_out_loudness() {
        let mut quiet = ActivationNormalizer::new(100.0, 2.0, 4.0, 0.01);
        let mut loud = ActivationNormalizer::new(100.0, 2.0, 4.0, 0.01);
        for i in 0..500 {
            let s = if i % 50 == 0 { 1.0 } else { 0.05 };
            let (a, b) = (quiet.next(0.01 * s), loud.next(s));
            assert!((a - b).abs() < 1e-6, "frame {i}: {a} vs {b}");
        }
    }

    #[test]
    fn silence_stays_at_the_floor() {
        let mut n = ActivationNormalizer::new(100.0, 2.0, 4.0, 0.01);
        for _ in 0..100 {
            assert_eq!(n.next(0.0), 0.01);
        }
        assert_eq!(n.recent_mean(), 0.0);
        assert_eq!(n.next(f32::NAN), 0.01);
    }
}
