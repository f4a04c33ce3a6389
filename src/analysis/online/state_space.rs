//! The bar-pointer state space of Krebs, Böck & Widmer (2015, "An efficient state-space model
//! for joint tempo and meter tracking", ISMIR), filtered forward one frame at a time.
//!
//! A state is a pair (beat interval `τ` in frames, position `k` in `0..τ`). Each frame the
//! position advances by one; on wrapping past `τ - 1` to `0` (the beat) the interval may change
//! to `τ'` with probability `∝ exp(-λ·|τ'/τ - 1|)`. With one state per frame of the beat, the
//! tempo grid is every integer interval between the slowest and fastest tempo (55–215 BPM at
//! 100 frames/s: 82 tempi, about 5 600 states). The observation model marks the first `1/λ_obs`
//! of each period as "beat": those states weigh a frame by its activation `a`, the others by
//! `(1 - a)/(λ_obs - 1)`. Running only the forward recursion (filtering, as madmom's online
//! mode) keeps it causal; the most probable state tells the tempo and how many frames remain
//! until the next beat.
//!
//! All buffers are sized in [`BarPointerFilter::new`]; [`BarPointerFilter::step`] allocates
//! nothing and costs O(states + tempi²) per frame.

/// Forward filter over (beat interval, position) states.
#[derive(Debug, Clone)]
pub struct BarPointerFilter {
    /// Beat interval of each tempo, in frames, increasing.
    intervals: Vec<usize>,
    /// Index of position 0 of each tempo in the flat state vector.
    first: Vec<usize>,
    /// Number of leading positions of each tempo that count as "beat".
    beat_len: Vec<usize>,
    /// Row-stochastic tempo transitions, `transition[from * n + to]`.
    transition: Vec<f64>,
    /// Forward probabilities, normalised to sum 1.
    alpha: Vec<f64>,
    /// Next forward probabilities (scratch).
    next: Vec<f64>,
    /// Probability of the last position of each tempo (scratch).
    wrapping: Vec<f64>,
    observation_lambda: f64,
}

/// The most probable state after a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeatState {
    /// Beat interval, frames.
    pub interval_frames: usize,
    /// Frames until the position wraps to the next beat (`1..=interval_frames`).
    pub frames_to_beat: usize,
}

impl BarPointerFilter {
    /// Builds the state space for beat intervals `min_interval..=max_interval` frames
    /// (`1 <= min_interval <= max_interval`), starting from the uniform distribution.
    pub fn new(
        min_interval: usize,
        max_interval: usize,
        tempo_change_lambda: f64,
        observation_lambda: f64,
    ) -> Self {
        let min_interval = min_interval.max(1);
        let intervals: Vec<usize> = (min_interval..=max_interval.max(min_interval)).collect();
        let mut first = Vec::with_capacity(intervals.len());
        let mut n_states = 0;
        for &tau in &intervals {
            first.push(n_states);
            n_states += tau;
        }
        let beat_len = intervals
            .iter()
            .map(|&tau| ((tau as f64 / observation_lambda).ceil() as usize).clamp(1, tau))
            .collect();
        let transition = tempo_transitions(&intervals, tempo_change_lambda);
        let uniform = 1.0 / n_states as f64;
        Self {
            wrapping: vec![0.0; intervals.len()],
            intervals,
            first,
            beat_len,
            transition,
            alpha: vec![uniform; n_states],
            next: vec![0.0; n_states],
            observation_lambda,
        }
    }

    /// Number of (interval, position) states.
    pub fn n_states(&self) -> usize {
        self.alpha.len()
    }

    /// Advances one frame with beat activation `activation` (in `(0, 1)`), returning the
    /// most probable state.
    pub fn step(&mut self, activation: f64) -> BeatState {
        self.predict();
        self.observe(activation);
        self.normalise();
        self.most_probable()
    }

    /// Transition: every position moves on by one; last positions wrap to a new tempo.
    fn predict(&mut self) {
        let n_tempi = self.intervals.len();
        for (w, (&start, &tau)) in self
            .wrapping
            .iter_mut()
            .zip(self.first.iter().zip(&self.intervals))
        {
            *w = self.alpha[start + tau - 1];
        }
        let n = self.alpha.len();
        self.next[1..].copy_from_slice(&self.alpha[..n - 1]);
        for (to, &start) in self.first.iter().enumerate() {
            self.next[start] = (0..n_tempi)
                .map(|from| self.wrapping[from] * self.transition[from * n_tempi + to])
                .sum();
        }
    }

    /// Observation: beat states weigh the frame by `a`, the others by `(1 - a)/(λ - 1)`.
    fn observe(&mut self, activation: f64) {
        let off_beat = (1.0 - activation) / (self.observation_lambda - 1.0);
        for (&start, (&tau, &len)) in self
            .first
            .iter()
            .zip(self.intervals.iter().zip(&self.beat_len))
        {
            let block = &mut self.next[start..start + tau];
            let (beat, rest) = block.split_at_mut(len);
            beat.iter_mut().for_each(|p| *p *= activation);
            rest.iter_mut().for_each(|p| *p *= off_beat);
        }
    }

    /// Rescales to sum 1 and swaps buffers; restarts from uniform if everything underflowed.
    fn normalise(&mut self) {
        let total: f64 = self.next.iter().sum();
        if total.is_finite() && total > 0.0 {
            let inv = 1.0 / total;
            self.next.iter_mut().for_each(|p| *p *= inv);
        } else {
            let uniform = 1.0 / self.next.len() as f64;
            self.next.fill(uniform);
        }
        std::mem::swap(&mut self.alpha, &mut self.next);
    }

    /// The state with the highest forward probability.
    fn most_probable(&self) -> BeatState {
        let mut best = (0usize, 0usize, f64::MIN);
        for (t, (&start, &tau)) in self.first.iter().zip(&self.intervals).enumerate() {
            for (k, &p) in self.alpha[start..start + tau].iter().enumerate() {
                if p > best.2 {
                    best = (t, k, p);
                }
            }
        }
        let tau = self.intervals[best.0];
        BeatState {
            interval_frames: tau,
            frames_to_beat: tau - best.1,
        }
    }
}

/// Row-stochastic matrix of `exp(-λ·|τ'/τ - 1|)` (Krebs et al. 2015, eq. 5).
fn tempo_transitions(intervals: &[usize], lambda: f64) -> Vec<f64> {
    let n = intervals.len();
    let mut m = vec![0.0; n * n];
    for (from, row) in m.chunks_mut(n).enumerate() {
        let tau = intervals[from] as f64;
        for (to, p) in row.iter_mut().enumerate() {
            *p = (-lambda * (intervals[to] as f64 / tau - 1.0).abs()).exp();
        }
        let total: f64 = row.iter().sum();
        row.iter_mut().for_each(|p| *p /= total);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_stochastic_and_favour_keeping_the_tempo() {
        let intervals: Vec<usize> = (20..60).collect();
        let m = tempo_transitions(&intervals, 100.0);
        for (from, row) in m.chunks(intervals.len()).enumerate() {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            let best = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .unwrap()
                .0;
            assert_eq!(best, from);
        }
    }

    #[test]
    fn locks_onto_a_pulse_train_and_predicts_the_next_pulse() {
        let mut f = BarPointerFilter::new(25, 100, 100.0, 16.0);
        assert_eq!(f.n_states(), (25..=100).sum::<usize>());
        let period = 50;
        let mut state = f.step(0.5);
        for i in 1..1000 {
            let a = if i % period == 0 { 0.99 } else { 0.01 };
            state = f.step(a);
        }
        // Frame 999 was just seen; the next pulse is at frame 1000.
        assert_eq!(state.interval_frames, period);
        assert_eq!(state.frames_to_beat, 1);
    }
}
