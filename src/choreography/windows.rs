//! Pure helpers for windowed sequence models: the overlapping-window schedule that lets a
//! network trained on fixed-length windows dance to a song of any length, the cross-fade that
//! joins the windows, and the normalisation of poses into network targets and back.
//!
//! **Windows.** A network sees `window_frames` frames at a time. [`WindowSchedule::windows`]
//! tiles `0..n_frames` with windows starting every `window_frames − overlap_frames` frames; the
//! last one is moved back to end exactly at `n_frames`, so every window is full length whenever
//! the song is at least one window long (a shorter song is one short window). Each window's
//! frames are weighted by a trapezoid ([`WindowSchedule::weights`]): 1 in the middle, ramping
//! linearly to near 0 over `overlap_frames` at an edge shared with another window, and 1 at the
//! song's own ends. [`CrossFade`] accumulates `Σ wᵢ·yᵢ / Σ wᵢ` per frame, a convex combination,
//! so overlapping predictions blend without seams and a constant signal stays constant. This is
//! the overlap-add scheme of windowed audio synthesis applied to pose sequences.
//!
//! **Pose targets.** [`PoseNormalizer`] turns a pose into [`TARGET_DIM`] numbers that do not
//! depend on the dancer's size or place: the pelvis offset from the rest pelvis, then every
//! keypoint relative to the pelvis, all divided by body height. [`PoseNormalizer::from_target`]
//! inverts it for any body, so a network trained on one dancer drives a body of any height.
//! [`ColumnStats`] standardises each column to zero mean and unit deviation (fitted on the
//! training set, stored with the model).

use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::{Pose, Vec3, N_JOINTS};

/// Numbers per frame of a pose target: 3 for the pelvis offset, 3 per keypoint.
pub const TARGET_DIM: usize = 3 + 3 * N_JOINTS;

/// Why a window schedule or statistics could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WindowError {
    /// The window length or overlap is out of range.
    #[error("window of {window_frames} frames with {overlap_frames} overlapping: {problem}")]
    Schedule {
        window_frames: usize,
        overlap_frames: usize,
        problem: &'static str,
    },
}

/// A window: frames `start .. start + len` of the sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First frame.
    pub start: usize,
    /// Number of frames.
    pub len: usize,
}

impl Window {
    /// One past the last frame.
    pub fn end(&self) -> usize {
        self.start + self.len
    }
}

/// Overlapping windows over a sequence of any length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSchedule {
    window_frames: usize,
    overlap_frames: usize,
}

impl WindowSchedule {
    /// A schedule of `window_frames`-long windows overlapping by `overlap_frames`
    /// (`0 ≤ overlap ≤ window / 2`, so a frame is never deep inside three windows).
    pub fn new(window_frames: usize, overlap_frames: usize) -> Result<Self, WindowError> {
        let problem = if window_frames == 0 {
            Some("the window must hold at least one frame")
        } else if 2 * overlap_frames > window_frames {
            Some("the overlap must be at most half the window")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(WindowError::Schedule {
                window_frames,
                overlap_frames,
                problem,
            }),
            None => Ok(Self {
                window_frames,
                overlap_frames,
            }),
        }
    }

    /// Frames per window.
    pub fn window_frames(&self) -> usize {
        self.window_frames
    }

    /// Frames shared by consecutive windows.
    pub fn overlap_frames(&self) -> usize {
        self.overlap_frames
    }

    /// Frames between window starts.
    pub fn hop_frames(&self) -> usize {
        self.window_frames - self.overlap_frames
    }

    /// Windows covering `0..n_frames`, in order of start (empty for no frames).
    pub fn windows(&self, n_frames: usize) -> Vec<Window> {
        if n_frames == 0 {
            return Vec::new();
        }
        let w = self.window_frames;
        if n_frames <= w {
            return vec![Window {
                start: 0,
                len: n_frames,
            }];
        }
        let mut out = Vec::new();
        let mut start = 0;
        while start + w < n_frames {
            out.push(Window { start, len: w });
            start += self.hop_frames();
        }
        out.push(Window {
            start: n_frames - w,
            len: w,
        });
        out
    }

    /// Cross-fade weight of each frame of `windows[i]`: a trapezoid ramping over
    /// `overlap_frames` where the window meets another, flat at the sequence's own ends.
    pub fn weights(&self, windows: &[Window], i: usize) -> Vec<f32> {
        let Some(win) = windows.get(i) else {
            return Vec::new();
        };
        let ramp = (self.overlap_frames + 1) as f32;
        let fade_in = i > 0;
        let fade_out = i + 1 < windows.len();
        (0..win.len)
            .map(|j| {
                let rising = if fade_in { (j + 1) as f32 / ramp } else { 1.0 };
                let falling = if fade_out {
                    (win.len - j) as f32 / ramp
                } else {
                    1.0
                };
                rising.min(falling).min(1.0)
            })
            .collect()
    }
}

/// Accumulates weighted window outputs into one sequence: `Σ wᵢ·yᵢ / Σ wᵢ` per frame.
#[derive(Debug, Clone)]
pub struct CrossFade {
    dim: usize,
    sum: Vec<f64>,
    weight: Vec<f64>,
}

impl CrossFade {
    /// An empty accumulator for `n_frames` frames of `dim` values.
    pub fn new(n_frames: usize, dim: usize) -> Self {
        Self {
            dim,
            sum: vec![0.0; n_frames * dim],
            weight: vec![0.0; n_frames],
        }
    }

    /// Adds a window's output (`weights.len()` rows of `dim` values, row-major) starting at
    /// frame `start`; rows past the end are ignored.
    pub fn add(&mut self, start: usize, rows: &[f32], weights: &[f32]) {
        for (j, (row, &w)) in rows.chunks_exact(self.dim).zip(weights).enumerate() {
            let k = start + j;
            let Some(total) = self.weight.get_mut(k) else {
                break;
            };
            *total += f64::from(w);
            let acc = &mut self.sum[k * self.dim..(k + 1) * self.dim];
            for (a, &v) in acc.iter_mut().zip(row) {
                *a += f64::from(w) * f64::from(v);
            }
        }
    }

    /// The blended sequence, row-major; a frame no window covered is all zeros.
    pub fn finish(self) -> Vec<f32> {
        let dim = self.dim;
        self.sum
            .chunks_exact(dim.max(1))
            .zip(&self.weight)
            .flat_map(|(row, &w)| {
                row.iter()
                    .map(move |&s| if w > 0.0 { (s / w) as f32 } else { 0.0 })
            })
            .collect()
    }
}

/// Poses to size- and place-free network targets and back (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct PoseNormalizer {
    height_m: f64,
    rest_pelvis: Vec3,
}

impl PoseNormalizer {
    /// The normaliser of a body: its height and its pelvis at rest.
    pub fn new(body: &BodyModel) -> Self {
        Self {
            height_m: body.height_m(),
            rest_pelvis: body.rest_pose().pelvis(),
        }
    }

    /// Body height used for scaling, metres.
    pub fn height_m(&self) -> f64 {
        self.height_m
    }

    /// The target of a pose: `(pelvis − rest pelvis) / h`, then `(pⱼ − pelvis) / h` per joint.
    pub fn to_target(&self, pose: &Pose) -> [f32; TARGET_DIM] {
        let pelvis = pose.pelvis();
        let mut out = [0.0f32; TARGET_DIM];
        let root = (pelvis - self.rest_pelvis) / self.height_m;
        write3(&mut out[0..3], &root);
        for (j, p) in pose.points.iter().enumerate() {
            let rel = (p - pelvis) / self.height_m;
            write3(&mut out[3 + 3 * j..6 + 3 * j], &rel);
        }
        out
    }

    /// The pose of a target (the inverse of [`to_target`](Self::to_target)).
    pub fn from_target(&self, target: &[f32; TARGET_DIM]) -> Pose {
        let root = read3(&target[0..3]) * self.height_m + self.rest_pelvis;
        let mut pose = Pose::zeros();
        for (j, p) in pose.points.iter_mut().enumerate() {
            *p = root + read3(&target[3 + 3 * j..6 + 3 * j]) * self.height_m;
        }
        pose
    }
}

fn write3(dst: &mut [f32], v: &Vec3) {
    for (d, x) in dst.iter_mut().zip(v.iter()) {
        *d = *x as f32;
    }
}

fn read3(src: &[f32]) -> Vec3 {
    Vec3::new(f64::from(src[0]), f64::from(src[1]), f64::from(src[2]))
}

/// Per-column mean and standard deviation of a row-major matrix, for standardisation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColumnStats {
    /// Mean of each column.
    pub mean: Vec<f32>,
    /// Standard deviation of each column, floored at `min_std` when fitted.
    pub std: Vec<f32>,
}

impl ColumnStats {
    /// Fits the statistics of `rows` (row-major, `dim` columns); non-finite values are skipped,
    /// and deviations below `min_std` (constant columns) become `min_std`.
    pub fn fit(rows: &[f32], dim: usize, min_std: f32) -> Self {
        let mut sum = vec![0.0f64; dim];
        let mut sq = vec![0.0f64; dim];
        let mut count = vec![0usize; dim];
        for row in rows.chunks_exact(dim.max(1)) {
            for (c, &v) in row.iter().enumerate() {
                if v.is_finite() {
                    sum[c] += f64::from(v);
                    sq[c] += f64::from(v) * f64::from(v);
                    count[c] += 1;
                }
            }
        }
        let stat = |c: usize| {
            let n = count[c].max(1) as f64;
            let mean = sum[c] / n;
            let var = (sq[c] / n - mean * mean).max(0.0);
            (mean as f32, (var.sqrt() as f32).max(min_std))
        };
        let (mean, std) = (0..dim).map(stat).unzip();
        Self { mean, std }
    }

    /// Number of columns.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Standardises `rows` in place: `(v − mean) / std`.
    pub fn apply(&self, rows: &mut [f32]) {
        for row in rows.chunks_exact_mut(self.dim().max(1)) {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = (*v - m) / s;
            }
        }
    }

    /// Undoes [`apply`](Self::apply) in place: `v · std + mean`.
    pub fn invert(&self, rows: &mut [f32]) {
        for row in rows.chunks_exact_mut(self.dim().max(1)) {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = *v * s + m;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::skeleton::Joint;

    fn covered_once_or_more(schedule: &WindowSchedule, n: usize) -> bool {
        let mut hits = vec![0; n];
        for w in schedule.windows(n) {
            assert!(w.end() <= n && w.len <= schedule.window_frames());
            hits[w.start..w.end()].iter_mut().for_each(|h| *h += 1);
        }
        hits.iter().all(|&h| h >= 1)
    }

    #[test]
    fn windows_tile_any_length_with_full_windows() {
        let s = WindowSchedule::new(100, 25).unwrap();
        assert_eq!(s.hop_frames(), 75);
        assert!(s.windows(0).is_empty());
        assert_eq!(s.windows(40), vec![Window { start: 0, len: 40 }]);
        assert_eq!(s.windows(100), vec![Window { start: 0, len: 100 }]);
        let starts: Vec<usize> = s.windows(130).iter().map(|w| w.start).collect();
        assert_eq!(starts, vec![0, 30]);
        let starts: Vec<usize> = s.windows(260).iter().map(|w| w.start).collect();
        assert_eq!(starts, vec![0, 75, 150, 160]);
        for n in 1..400 {
            assert!(covered_once_or_more(&s, n), "n = {n}");
        }
        assert!(WindowSchedule::new(10, 6).is_err());
        assert!(WindowSchedule::new(0, 0).is_err());
    }

    #[test]
    fn weights_are_trapezoids_flat_at_the_sequence_ends() {
        let s = WindowSchedule::new(10, 3).unwrap();
        let wins = s.windows(17);
        assert_eq!(wins.len(), 2);
        let first = s.weights(&wins, 0);
        assert_eq!(first[0], 1.0);
        assert_eq!(&first[7..], &[0.75, 0.5, 0.25]);
        let last = s.weights(&wins, 1);
        assert_eq!(&last[..3], &[0.25, 0.5, 0.75]);
        assert_eq!(last[9], 1.0);
        assert!(s.weights(&wins, 2).is_empty());
    }

    #[test]
    fn cross_fade_blends_linearly_and_keeps_constants() {
        let s = WindowSchedule::new(8, 4).unwrap();
        let n = 21;
        let wins = s.windows(n);
        let mut constant = CrossFade::new(n, 2);
        let mut ramp = CrossFade::new(n, 1);
        for (i, w) in wins.iter().enumerate() {
            let weights = s.weights(&wins, i);
            constant.add(w.start, &vec![3.5; 2 * w.len], &weights);
            // Each window predicts the frame index exactly: the blend must too.
            let rows: Vec<f32> = (w.start..w.end()).map(|k| k as f32).collect();
            ramp.add(w.start, &rows, &weights);
        }
        assert!(constant.finish().iter().all(|&v| (v - 3.5).abs() < 1e-6));
        for (k, v) in ramp.finish().iter().enumerate() {
            assert!((v - k as f32).abs() < 1e-4, "frame {k}: {v}");
        }
        // Two windows disagreeing by a constant meet half way in the middle of the overlap.
        let mut fade = CrossFade::new(12, 1);
        let two = [Window { start: 0, len: 8 }, Window { start: 4, len: 8 }];
        fade.add(0, &[0.0; 8], &s.weights(&two, 0));
        fade.add(4, &[1.0; 8], &s.weights(&two, 1));
        let out = fade.finish();
        assert_eq!(out[3], 0.0);
        assert!((out[4] - 0.2).abs() < 1e-6 && (out[7] - 0.8).abs() < 1e-6);
        assert_eq!(out[8], 1.0);
    }

    #[test]
    fn pose_targets_round_trip_and_ignore_size_and_place() {
        let body = BodyModel::with_height(1.5);
        let norm = PoseNormalizer::new(&body);
        let mut pose = body.rest_pose().translated(Vec3::new(0.3, 0.1, -0.2));
        pose.set(Joint::RWrist, Vec3::new(-0.4, 1.6, 0.2));
        let back = norm.from_target(&norm.to_target(&pose));
        for (a, b) in pose.points.iter().zip(&back.points) {
            assert!((a - b).norm() < 1e-6);
        }
        let rest = norm.to_target(&body.rest_pose());
        assert!(rest[..3].iter().all(|v| v.abs() < 1e-6));
        // The same pose on a body twice as tall gives the same target.
        let tall = BodyModel::with_height(3.0);
        let tall_rest = PoseNormalizer::new(&tall).to_target(&tall.rest_pose());
        for (a, b) in rest.iter().zip(&tall_rest) {
            assert!((a - b).abs() < 1e-6);
        }
        // Neck above the pelvis by (1.46 - 0.93) / 1.70 of the height.
        let neck_y = rest[3 + 3 * Joint::Neck.index() + 1];
        assert!((neck_y - 0.53 / 1.70).abs() < 1e-5);
    }

    #[test]
    fn column_stats_standardise_and_invert() {
        let rows = [1.0, 10.0, 3.0, 10.0, f32::NAN, 10.0];
        let stats = ColumnStats::fit(&rows, 2, 1e-3);
        assert_eq!(stats.mean, vec![2.0, 10.0]);
        assert_eq!(stats.std, vec![1.0, 1e-3]);
        let mut m = [1.0, 10.0, 3.0, 10.5];
        stats.apply(&mut m);
        assert_eq!(m[0], -1.0);
        assert_eq!(m[2], 1.0);
        assert!((m[3] - 500.0).abs() < 1e-2);
        stats.invert(&mut m);
        assert!((m[3] - 10.5).abs() < 1e-5);
    }
}
