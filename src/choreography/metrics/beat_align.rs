//! Kinematic beats and the Beat Align Score (BAS), the Bailando protocol (Li et al., CVPR 2022)
//! expressed in seconds instead of 60 fps frames.
//!
//! 1. **Joint speed**: for each pair of consecutive frames, the mean over the 18 joints of the
//!    displacement, metres per frame. Sample `i` (frames `i` → `i + 1`) sits at time
//!    `(i + 0.5) / fps`, the middle of the step.
//! 2. **Smoothing**: a Gaussian of σ = [`KINEMATIC_SIGMA_SECS`] (Bailando's 5 frames at
//!    60 fps, 83 ms), converted to samples with the sequence's fps; scipy's
//!    `gaussian_filter1d` (kernel truncated at 4 σ, `reflect` edges).
//! 3. **Kinematic beats**: the strict local minima of the smoothed speed (scipy's
//!    `argrelextrema(np.less)`), refined to a fraction of a frame by a parabola through the
//!    minimum and its two neighbours (at 30 fps a whole frame is 33 ms, too coarse against the
//!    50 ms σ of the score). A *plateau* — a run of equal values, within 1e-12 of the largest
//!    speed, with strictly higher values on both sides — is one minimum at the run's centre;
//!    scipy would miss it. The first and last samples are never minima, and a sequence with no
//!    motion has none.
//! 4. **BAS** = mean over music beats of `exp(-d² / (2 · 0.05²))`, `d` the distance in
//!    seconds to the nearest kinematic beat (0 for a beat when there is no kinematic beat).

use crate::choreography::skeleton::Pose;

/// σ of the Gaussian that smooths joint speed, seconds (5 frames at 60 fps).
pub const KINEMATIC_SIGMA_SECS: f64 = 5.0 / 60.0;

/// σ of the Beat Align Score's Gaussian, seconds (3 frames at 60 fps).
pub const BAS_SIGMA_SECS: f64 = 0.05;

/// A music beat is hit when a kinematic beat lies within this distance, seconds.
pub const HIT_TOLERANCE_SECS: f64 = 0.05;

/// The Gaussian kernel reaches this many σ on each side (scipy's default `truncate`).
const TRUNCATE_SIGMAS: f64 = 4.0;

/// Relative tolerance under which two smoothed speeds count as equal (plateaus).
const TIE_RELATIVE: f64 = 1e-12;

/// Mean joint displacement between consecutive frames, metres per frame: `frames.len() - 1`
/// samples, sample `i` between frames `i` and `i + 1`. Frames must be finite (hold NaN frames
/// first, see [`super::hold_non_finite`]).
pub fn joint_displacement_m(frames: &[Pose]) -> Vec<f64> {
    frames
        .windows(2)
        .map(|w| {
            let sum: f64 = w[0]
                .points
                .iter()
                .zip(&w[1].points)
                .map(|(a, b)| (b - a).norm())
                .sum();
            sum / w[0].points.len() as f64
        })
        .collect()
}

/// Index into `0..n` for any integer index, reflecting at the edges as scipy's `reflect`
/// mode does (`d c b a | a b c d | d c b a`).
fn reflect_index(i: isize, n: usize) -> usize {
    let period = 2 * n as isize;
    let m = i.rem_euclid(period) as usize;
    if m < n {
        m
    } else {
        2 * n - 1 - m
    }
}

/// Gaussian smoothing with σ in samples, as scipy's `gaussian_filter1d` (truncate 4,
/// `reflect`). A σ below 0.01 samples returns the input unchanged.
pub fn gaussian_smooth(x: &[f64], sigma_samples: f64) -> Vec<f64> {
    if x.is_empty() || sigma_samples.is_nan() || sigma_samples < 0.01 {
        return x.to_vec();
    }
    let radius = (TRUNCATE_SIGMAS * sigma_samples + 0.5) as isize;
    let weights: Vec<f64> = (-radius..=radius)
        .map(|k| (-0.5 * (k as f64 / sigma_samples).powi(2)).exp())
        .collect();
    let total: f64 = weights.iter().sum();
    (0..x.len() as isize)
        .map(|i| {
            let acc: f64 = (-radius..=radius)
                .zip(&weights)
                .map(|(k, w)| w * x[reflect_index(i + k, x.len())])
                .sum();
            acc / total
        })
        .collect()
}

/// Positions (in samples, fractional) of the local minima of `x`: strict minima refined by a
/// parabola, plateaus at their centre; never the first or last sample.
pub fn local_minima(x: &[f64]) -> Vec<f64> {
    let scale = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let tol = TIE_RELATIVE * scale;
    let mut out = Vec::new();
    let mut i = 1;
    while i + 1 < x.len() {
        if x[i - 1] - x[i] <= tol {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < x.len() && (x[j + 1] - x[i]).abs() <= tol {
            j += 1;
        }
        if j + 1 < x.len() && x[j + 1] - x[i] > tol {
            out.push(if j == i {
                i as f64 + parabola_offset(x[i - 1], x[i], x[i + 1])
            } else {
                (i + j) as f64 / 2.0
            });
        }
        i = j + 1;
    }
    out
}

/// Offset of the vertex of the parabola through `(-1, a)`, `(0, b)`, `(1, c)`, within ±0.5.
fn parabola_offset(a: f64, b: f64, c: f64) -> f64 {
    let curvature = a - 2.0 * b + c;
    if curvature > 0.0 {
        (0.5 * (a - c) / curvature).clamp(-0.5, 0.5)
    } else {
        0.0
    }
}

/// Kinematic beats of finite frames at `fps`, seconds, increasing.
pub fn kinematic_beats_secs(frames: &[Pose], fps: f64) -> Vec<f64> {
    let speed = joint_displacement_m(frames);
    let smooth = gaussian_smooth(&speed, KINEMATIC_SIGMA_SECS * fps);
    local_minima(&smooth)
        .into_iter()
        .map(|p| (p + 0.5) / fps)
        .collect()
}

/// The beats inside `[0, end_secs]`, the time span of a sequence.
pub fn beats_in_span(beats_secs: &[f64], end_secs: f64) -> Vec<f64> {
    beats_secs
        .iter()
        .copied()
        .filter(|b| (0.0..=end_secs).contains(b))
        .collect()
}

/// Distance from `t` to the nearest of `sorted` (increasing), seconds; `None` when empty.
pub fn nearest_distance_secs(sorted: &[f64], t: f64) -> Option<f64> {
    let i = sorted.partition_point(|&k| k < t);
    let after = sorted.get(i).map(|k| k - t);
    let before = i.checked_sub(1).map(|j| t - sorted[j]);
    match (before, after) {
        (Some(b), Some(a)) => Some(b.min(a)),
        (b, a) => b.or(a),
    }
}

/// Beat Align Score of kinematic beats (increasing) against music beats, in `[0, 1]`; 0 when
/// there are no music beats.
pub fn beat_align_score(kinematic_secs: &[f64], music_secs: &[f64]) -> f64 {
    mean_over(music_secs, |b| {
        nearest_distance_secs(kinematic_secs, b).map_or(0.0, |d| {
            (-d * d / (2.0 * BAS_SIGMA_SECS * BAS_SIGMA_SECS)).exp()
        })
    })
}

/// Fraction of music beats with a kinematic beat within [`HIT_TOLERANCE_SECS`]; 0 when there
/// are no music beats.
pub fn beat_hit_fraction(kinematic_secs: &[f64], music_secs: &[f64]) -> f64 {
    mean_over(music_secs, |b| {
        let hit = nearest_distance_secs(kinematic_secs, b)
            .is_some_and(|d| d <= HIT_TOLERANCE_SECS + 1e-12);
        if hit {
            1.0
        } else {
            0.0
        }
    })
}

fn mean_over(xs: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.iter().map(|&x| f(x)).sum::<f64>() / xs.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::metrics::test_support::pulsing_sequence;

    #[test]
    fn smoothing_matches_scipy_reflect() {
        // scipy.ndimage.gaussian_filter1d([0, 0, 1, 0, 0], 1.0) (truncate 4, reflect).
        let got = gaussian_smooth(&[0.0, 0.0, 1.0, 0.0, 0.0], 1.0);
        let want = [0.058422989041, 0.242105276281, 0.398943469356];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-11, "{got:?}");
        }
        // A kernel wider than the signal reflects more than once.
        let got = gaussian_smooth(&[0.0, 3.0, 1.0, 0.0, 2.0, 5.0, 1.0], 2.5);
        let want = [
            1.290668352366,
            1.364211598725,
            1.505253684839,
            1.695536972333,
        ];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-11, "{got:?}");
        }
        let flat = gaussian_smooth(&[2.0; 7], 3.0);
        assert!(flat.iter().all(|v| (v - 2.0).abs() < 1e-12));
    }

    #[test]
    fn minima_are_strict_refined_or_plateau_centres() {
        assert_eq!(
            local_minima(&[3.0, 2.0, 1.0, 1.0, 1.0, 2.0, 3.0]),
            vec![3.0]
        );
        assert_eq!(local_minima(&[1.0, 0.0, 0.0, 1.0]), vec![1.5]);
        assert_eq!(local_minima(&[2.0, 1.0, 2.0]), vec![1.0]);
        // A parabola sampled off its vertex (vertex at 2.3).
        let x: Vec<f64> = (0..5).map(|i| (i as f64 - 2.3).powi(2)).collect();
        let m = local_minima(&x);
        assert_eq!(m.len(), 1);
        assert!((m[0] - 2.3).abs() < 1e-12, "{m:?}");
        // Edges, monotone runs and a plateau open at the end are not minima.
        assert!(local_minima(&[0.0, 1.0, 2.0, 3.0]).is_empty());
        assert!(local_minima(&[3.0, 2.0, 1.0, 1.0]).is_empty());
        assert!(local_minima(&[0.0; 6]).is_empty());
    }

    #[test]
    fn bas_is_one_on_the_beat_and_exp_minus_half_50_ms_off() {
        let beats: Vec<f64> = (1..8).map(|k| 0.5 * k as f64).collect();
        let seq = pulsing_sequence(60.0, 4.0, 0.5, 0.0);
        let kin = kinematic_beats_secs(&seq.frames, seq.fps);
        assert!(
            (beat_align_score(&kin, &beats) - 1.0).abs() < 1e-6,
            "{kin:?}"
        );
        assert_eq!(beat_hit_fraction(&kin, &beats), 1.0);
        let shifted = pulsing_sequence(60.0, 4.0, 0.5, 0.05);
        let kin = kinematic_beats_secs(&shifted.frames, shifted.fps);
        let bas = beat_align_score(&kin, &beats);
        assert!((bas - (-0.5_f64).exp()).abs() < 1e-4, "{bas} {kin:?}");
        assert_eq!(beat_hit_fraction(&kin, &beats), 1.0);
    }

    #[test]
    fn sub_frame_minima_at_30_fps() {
        // Minima between frames at 30 fps still land on the beats.
        let beats: Vec<f64> = (1..6).map(|k| 0.55 * k as f64).collect();
        let seq = pulsing_sequence(30.0, 3.6, 0.55, 0.0);
        let kin = kinematic_beats_secs(&seq.frames, seq.fps);
        assert!(beat_align_score(&kin, &beats) > 0.99, "{kin:?}");
    }

    #[test]
    fn no_minima_or_no_beats_gives_zero() {
        assert_eq!(beat_align_score(&[], &[0.5, 1.0]), 0.0);
        assert_eq!(beat_align_score(&[0.5], &[]), 0.0);
        assert_eq!(beat_hit_fraction(&[], &[0.5]), 0.0);
        assert_eq!(
            nearest_distance_secs(&[1.0, 2.0], 1.8),
            Some(0.19999999999999996)
        );
        assert_eq!(beats_in_span(&[-0.1, 0.0, 1.0, 2.5], 2.0), vec![0.0, 1.0]);
    }
}
