//! Section boundaries: where the music stops resembling what came just before.
//!
//! Foote's novelty (Foote 2000, "Automatic audio segmentation using a measure of audio
//! novelty"): slide a Gaussian-tapered checkerboard kernel along the diagonal of the
//! self-similarity matrix. Inside a section the two "same side" quadrants and the two "cross"
//! quadrants are equally similar and cancel; at a boundary the cross quadrants go dissimilar and
//! the score peaks. Beat `i`'s score rates a boundary just before beat `i`.
//!
//! Structure features (Serrà, Müller, Grosche & Arcos 2014, "Unsupervised music structure
//! annotation by time series structure features and segment similarity"): binarise the matrix
//! into a mutual k-nearest-neighbour recurrence plot, shear it into the circular time-lag
//! matrix `L(i, l) = R(i, i + l mod n)`, smooth it along time, and score each step by how much
//! its row of lags changes. Inside a part the same repetitions continue (the same lags light
//! up); at a boundary the repetition pattern switches. This finds the boundary between two
//! parts built on the same chords, which Foote's kernel cannot see.
//!
//! Peaks are picked greedily from the highest down, at least `min_gap` beats apart, and only if
//! they stand out from the curve (above its mean by `threshold_std` standard deviations).

use super::similarity::SelfSimilarity;

/// Novelty score of a boundary before each beat (`ssm.len()` values, not normalised).
pub fn foote_novelty(ssm: &SelfSimilarity, half_width_beats: usize) -> Vec<f32> {
    let n = ssm.len();
    let k = half_width_beats.max(1) as isize;
    let sigma = k as f32 / 2.0;
    let taper: Vec<f32> = (0..k)
        .map(|d| (-((d as f32 + 0.5) / sigma).powi(2) / 2.0).exp())
        .collect();
    (0..n as isize)
        .map(|i| {
            let (mut score, mut weight_sum) = (0.0f32, 0.0f32);
            for a in -k..k {
                for b in -k..k {
                    let (x, y) = (i + a, i + b);
                    if x < 0 || y < 0 || x >= n as isize || y >= n as isize {
                        continue;
                    }
                    let same_side = (a < 0) == (b < 0);
                    let w = taper[offset(a)] * taper[offset(b)];
                    let s = ssm.get(x as usize, y as usize);
                    score += if same_side { w * s } else { -w * s };
                    weight_sum += w;
                }
            }
            if weight_sum > 0.0 {
                score / weight_sum
            } else {
                0.0
            }
        })
        .collect()
}

/// Structure-feature novelty of a boundary before each beat (`ssm.len()` values, ≥ 0).
/// `neighbours` is k of the k-NN recurrence plot; `smooth_beats` the Gaussian σ along time.
pub fn structure_novelty(ssm: &SelfSimilarity, neighbours: usize, smooth_beats: f32) -> Vec<f32> {
    let n = ssm.len();
    if n < 2 {
        return vec![0.0; n];
    }
    let recurrence = mutual_knn(ssm, neighbours.clamp(1, n - 1));
    let radius = (3.0 * smooth_beats).ceil().max(1.0) as isize;
    let gauss: Vec<f32> = (-radius..=radius)
        .map(|t| (-0.5 * (t as f32 / smooth_beats.max(0.1)).powi(2)).exp())
        .collect();
    // Smoothed lag rows, built one at a time (two rows alive) to keep memory at O(n).
    let smoothed_row = |i: usize, row: &mut Vec<f32>| {
        row.fill(0.0);
        for (g, t) in gauss.iter().zip(-radius..=radius) {
            let Ok(ti) = usize::try_from(i as isize + t) else {
                continue;
            };
            if ti >= n {
                continue;
            }
            for (l, r) in row.iter_mut().enumerate() {
                if recurrence[ti * n + (ti + l) % n] {
                    *r += g;
                }
            }
        }
    };
    let (mut prev, mut cur) = (vec![0.0f32; n], vec![0.0f32; n]);
    smoothed_row(0, &mut prev);
    let mut novelty = vec![0.0f32; n];
    for (i, out) in novelty.iter_mut().enumerate().skip(1) {
        smoothed_row(i, &mut cur);
        *out = prev
            .iter()
            .zip(&cur)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f32>()
            .sqrt();
        std::mem::swap(&mut prev, &mut cur);
    }
    novelty
}

/// `R(i, j)`: true when each of beats `i` and `j` is among the other's `k` most similar beats.
fn mutual_knn(ssm: &SelfSimilarity, k: usize) -> Vec<bool> {
    let n = ssm.len();
    let mut row: Vec<f32> = vec![0.0; n];
    let thresholds: Vec<f32> = (0..n)
        .map(|i| {
            row.iter_mut()
                .enumerate()
                .for_each(|(j, r)| *r = ssm.get(i, j));
            // The k-th largest, not counting the beat itself (the diagonal is always 1).
            let idx = k.min(n - 1);
            row.select_nth_unstable_by(idx, |a, b| b.total_cmp(a));
            row[idx]
        })
        .collect();
    let mut r = vec![false; n * n];
    for i in 0..n {
        for j in 0..n {
            let s = ssm.get(i, j);
            r[i * n + j] = s >= thresholds[i] && s >= thresholds[j];
        }
    }
    r
}

/// Scales a novelty curve so its largest value away from the ends (`margin` beats) is 1.
pub fn normalize_interior(novelty: &mut [f32], margin: usize) {
    let n = novelty.len();
    let peak = novelty
        .get(margin..n.saturating_sub(margin))
        .unwrap_or(&[])
        .iter()
        .copied()
        .fold(0.0f32, f32::max);
    if peak > 0.0 {
        novelty.iter_mut().for_each(|v| *v /= peak);
    }
}

/// Distance from the kernel centre: 0 for the beats either side of the boundary.
fn offset(a: isize) -> usize {
    if a < 0 {
        (-a - 1) as usize
    } else {
        a as usize
    }
}

/// Indices of novelty peaks, increasing, at least `min_gap` apart and away from both ends.
pub fn pick_peaks(novelty: &[f32], min_gap: usize, threshold_std: f32) -> Vec<usize> {
    let n = novelty.len();
    // The ends, where the kernel hangs off the matrix, are neither candidates nor statistics.
    let interior = novelty
        .get(min_gap..n.saturating_sub(min_gap))
        .unwrap_or(&[]);
    if interior.is_empty() {
        return Vec::new();
    }
    let m = interior.len() as f32;
    let mean = interior.iter().sum::<f32>() / m;
    let std = (interior.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / m).sqrt();
    let threshold = mean + threshold_std * std;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| novelty[b].total_cmp(&novelty[a]).then(a.cmp(&b)));
    let mut peaks: Vec<usize> = Vec::new();
    for i in order {
        if novelty[i] <= threshold || novelty[i] <= 0.0 || std < 1e-6 {
            break;
        }
        if !is_local_max(novelty, i) {
            continue;
        }
        let too_close_to_ends = i < min_gap || n - i < min_gap;
        let too_close_to_peak = peaks.iter().any(|&p| p.abs_diff(i) < min_gap);
        if !too_close_to_ends && !too_close_to_peak {
            peaks.push(i);
        }
    }
    peaks.sort_unstable();
    peaks
}

/// True when `v[i]` is at least both neighbours and above one of them (plateaus don't count).
fn is_local_max(v: &[f32], i: usize) -> bool {
    let left = i.checked_sub(1).map_or(f32::NEG_INFINITY, |j| v[j]);
    let right = v.get(i + 1).copied().unwrap_or(f32::NEG_INFINITY);
    v[i] >= left && v[i] >= right && (v[i] > left || v[i] > right)
}

#[cfg(test)]
mod tests {
    use super::super::similarity::self_similarity;
    use super::*;

    #[test]
    fn novelty_peaks_where_the_material_changes() {
        // 16 beats of one chord, then 16 of another, then the first again.
        let a = vec![1.0, 0.0, 0.0, 0.0];
        let b = vec![0.0, 0.0, 1.0, 0.0];
        let chroma: Vec<Vec<f32>> = (0..48)
            .map(|i| {
                if (16..32).contains(&i) {
                    b.clone()
                } else {
                    a.clone()
                }
            })
            .collect();
        let mfcc: Vec<Vec<f32>> = (0..48).map(|i| vec![(i % 3) as f32, 1.0]).collect();
        let ssm = self_similarity(&chroma, &mfcc, 1, 0.5);
        let novelty = foote_novelty(&ssm, 8);
        let peaks = pick_peaks(&novelty, 8, 1.0);
        assert_eq!(peaks, vec![16, 32], "{novelty:?}");
    }

    #[test]
    fn flat_novelty_has_no_peaks() {
        assert!(pick_peaks(&[0.2; 50], 4, 0.5).is_empty());
        assert!(pick_peaks(&[], 4, 0.5).is_empty());
    }
}
