//! Beat activation from raw onset strength: a causal, loudness-independent number in
//! `floor..=1 - floor` per frame, the observation of the bar-pointer filter.
//!
//! The onset strength of a loud rock track and of a quiet string quartet differ by an order of
//! magnitude, while the filter's observation model (Krebs, Böck & Widmer 2015) expects a
//! probability-like activation. Dividing by a multiple of the running mean (an exponential
//! moving average, so constant memory and no lookahead) puts both on one scale.
//!
//! The normaliser also remembers how long ago the last onset was (a frame stronger than both
//! an absolute floor and the running mean), which tells the tracker the music has stopped.

/// Causal normaliser of onset strength into a beat activation.
#[derive(Debug, Clone)]
pub struct ActivationNormalizer {
    /// Per-frame decay of the normalising mean.
    decay: f64,
    scale: f64,
    floor: f64,
    silence_floor: f64,
    mean: f64,
    frames_since_onset: usize,
}

impl ActivationNormalizer {
    /// A normaliser at `frame_rate_hz` with a running mean over about `window_secs`;
    /// activations are clamped to `floor..=1 - floor`, and frames weaker than `silence_floor`
    /// never count as onsets.
    pub fn new(
        frame_rate_hz: f64,
        window_secs: f64,
        scale: f64,
        floor: f64,
        silence_floor: f64,
    ) -> Self {
        Self {
            decay: decay_per_frame(frame_rate_hz, window_secs),
            scale,
            floor,
            silence_floor,
            mean: 0.0,
            frames_since_onset: usize::MAX,
        }
    }

    /// Folds in one frame of onset strength and returns its activation.
    pub fn next(&mut self, strength: f32) -> f64 {
        let v = f64::from(strength).max(0.0);
        let v = if v.is_finite() { v } else { 0.0 };
        self.mean = self.decay * self.mean + (1.0 - self.decay) * v;
        self.frames_since_onset = if v > self.silence_floor && v > self.mean {
            0
        } else {
            self.frames_since_onset.saturating_add(1)
        };
        let raw = if self.mean > 0.0 {
            v / (self.scale * self.mean)
        } else {
            0.0
        };
        raw.clamp(self.floor, 1.0 - self.floor)
    }

    /// Frames since the last onset (`usize::MAX` before the first).
    pub fn frames_since_onset(&self) -> usize {
        self.frames_since_onset
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
        let mut quiet = ActivationNormalizer::new(100.0, 2.0, 4.0, 0.01, 1e-6);
        let mut loud = ActivationNormalizer::new(100.0, 2.0, 4.0, 0.01, 1e-6);
        for i in 0..500 {
            let s = if i % 50 == 0 { 1.0 } else { 0.05 };
            let (a, b) = (quiet.next(0.01 * s), loud.next(s));
            assert!((a - b).abs() < 1e-6, "frame {i}: {a} vs {b}");
        }
    }

    #[test]
    fn silence_stays_at_the_floor() {
        let mut n = ActivationNormalizer::new(100.0, 2.0, 4.0, 0.01, 1e-6);
        for _ in 0..100 {
            assert_eq!(n.next(0.0), 0.01);
        }
        assert_eq!(n.frames_since_onset(), usize::MAX);
        assert_eq!(n.next(f32::NAN), 0.01);
        n.next(0.5);
        assert_eq!(n.frames_since_onset(), 0);
        n.next(0.0);
        assert_eq!(n.frames_since_onset(), 1);
    }
}
