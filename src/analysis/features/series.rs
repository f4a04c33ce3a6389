//! Feature frames at a fixed rate, and their resampling to other time grids.
//!
//! A [`FrameSeries`] is what every analysis-rate feature looks like: frame `i` at
//! `t0_secs + i / rate_hz` seconds, `dim` values per frame, stored row-major. Between frame
//! times a feature is taken as the straight line between neighbouring frames, and before the
//! first (after the last) frame as that frame held constant. Resampling to a slower rate
//! averages that line over each output frame's span (a box filter), so 100 fps features do
//! not alias when read at 30 fps, and a feature's mean over a beat is a plain integral.

/// A feature sampled at a fixed frame rate (row-major, `dim` values per frame).
#[derive(Debug, Clone, PartialEq)]
pub struct FrameSeries {
    /// Time of frame 0 in seconds.
    pub t0_secs: f64,
    /// Frames per second.
    pub rate_hz: f64,
    /// Values per frame.
    pub dim: usize,
    /// `n_frames × dim` values, frame after frame.
    pub values: Vec<f32>,
}

impl FrameSeries {
    /// An empty series of `dim`-value frames starting at `t0_secs`.
    pub fn new(t0_secs: f64, rate_hz: f64, dim: usize) -> Self {
        Self {
            t0_secs,
            rate_hz,
            dim,
            values: Vec::new(),
        }
    }

    /// Number of frames.
    pub fn n_frames(&self) -> usize {
        self.values.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Values of frame `i` (empty if out of range).
    pub fn frame(&self, i: usize) -> &[f32] {
        self.values
            .get(i * self.dim..(i + 1) * self.dim)
            .unwrap_or(&[])
    }

    /// Appends one frame; `frame.len()` must equal `dim` (shorter frames are zero-padded).
    pub fn push(&mut self, frame: &[f32]) {
        let start = self.values.len();
        self.values.extend(frame.iter().take(self.dim));
        self.values.resize(start + self.dim, 0.0);
    }

    /// Time of frame `i` in seconds.
    pub fn time_secs(&self, i: usize) -> f64 {
        self.t0_secs + i as f64 / self.rate_hz
    }

    /// Adds `weight ×` the interpolated value at `t_secs` to `acc`.
    fn accumulate_at(&self, t_secs: f64, weight: f32, acc: &mut [f32]) {
        let n = self.n_frames();
        if n == 0 {
            return;
        }
        let pos = ((t_secs - self.t0_secs) * self.rate_hz).clamp(0.0, (n - 1) as f64);
        let lo = pos.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        let frac = (pos - lo as f64) as f32;
        let (a, b) = (self.frame(lo), self.frame(hi));
        for ((o, &x), &y) in acc.iter_mut().zip(a).zip(b) {
            *o += weight * (x + frac * (y - x));
        }
    }

    /// Mean of the interpolated feature over `[start_secs, end_secs]` into `out` (`dim` values).
    /// An empty or reversed span gives the value at `start_secs`. An empty series gives zeros.
    pub fn mean_over(&self, start_secs: f64, end_secs: f64, out: &mut [f32]) {
        out.fill(0.0);
        let span = end_secs - start_secs;
        // Four points per input frame covered integrate the piecewise-linear signal closely.
        let n_points = if span > 0.0 {
            ((span * self.rate_hz * 4.0).ceil() as usize).max(1)
        } else {
            1
        };
        let weight = 1.0 / n_points as f32;
        for j in 0..n_points {
            let t = start_secs + span.max(0.0) * (j as f64 + 0.5) / n_points as f64;
            self.accumulate_at(t, weight, out);
        }
    }

    /// Resamples to `n_frames` frames at `fps`, frame `k` at `k / fps` seconds, each the mean
    /// over `[k / fps − 0.5 / fps, k / fps + 0.5 / fps]`.
    pub fn resample(&self, fps: f64, n_frames: usize) -> FrameSeries {
        let mut out = FrameSeries::new(0.0, fps, self.dim);
        out.values.resize(n_frames * self.dim, 0.0);
        let half = 0.5 / fps;
        for (k, frame) in out.values.chunks_exact_mut(self.dim.max(1)).enumerate() {
            let t = k as f64 / fps;
            self.mean_over(t - half, t + half, frame);
        }
        out
    }

    /// The frames as nested vectors (for serialisation).
    pub fn to_rows(&self) -> Vec<Vec<f32>> {
        self.values
            .chunks_exact(self.dim.max(1))
            .map(<[f32]>::to_vec)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> FrameSeries {
        // value = 10 · t for frames at t = 0.05, 0.15, …
        let mut s = FrameSeries::new(0.05, 10.0, 1);
        for i in 0..20 {
            s.push(&[10.0 * s.time_secs(i) as f32]);
        }
        s
    }

    #[test]
    fn mean_of_a_ramp_is_its_midpoint_value() {
        let s = ramp();
        let mut out = [0.0f32];
        s.mean_over(0.5, 1.1, &mut out);
        assert!((out[0] - 8.0).abs() < 1e-4, "{out:?}");
        // Before the first frame the first value is held.
        s.mean_over(-1.0, 0.0, &mut out);
        assert!((out[0] - 0.5).abs() < 1e-5, "{out:?}");
    }

    #[test]
    fn resampling_keeps_a_ramp_and_averages_a_square_wave() {
        let r = ramp().resample(30.0, 40);
        assert_eq!(r.n_frames(), 40);
        for k in 3..40 {
            let t = k as f64 / 30.0;
            assert!((r.frame(k)[0] as f64 - 10.0 * t).abs() < 1e-3, "frame {k}");
        }
        // A 50 Hz alternation at 100 fps averages out at 25 fps.
        let mut sq = FrameSeries::new(0.0, 100.0, 2);
        for i in 0..400 {
            let v = if i % 2 == 0 { 1.0 } else { -1.0 };
            sq.push(&[v, 2.0]);
        }
        let r = sq.resample(25.0, 80);
        for k in 1..79 {
            assert!(r.frame(k)[0].abs() < 0.1, "frame {k}: {:?}", r.frame(k));
            assert!((r.frame(k)[1] - 2.0).abs() < 1e-5);
        }
    }

    #[test]
    fn empty_series_gives_zeros() {
        let s = FrameSeries::new(0.0, 100.0, 3);
        let r = s.resample(30.0, 5);
        assert_eq!(r.values, vec![0.0; 15]);
        assert!(r.frame(7).is_empty());
    }
}
