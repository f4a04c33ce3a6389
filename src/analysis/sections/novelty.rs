//! Section boundaries: where the music stops resembling what came just before.
//!
//! Foote's novelty (Foote 2000, "Automatic audio segmentation using a measure of audio
//! novelty"): slide a Gaussian-tapered checkerboard kernel along the diagonal of the
//! self-similarity matrix. Inside a section the two "same side" quadrants and the two "cross"
//! quadrants are equally similar and cancel; at a boundary the cross quadrants go dissimilar and
//! the score peaks. Beat `i`'s score rates a boundary just before beat `i`.
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
    let interior = novelty.get(min_gap..n.saturating_sub(min_gap)).unwrap_or(&[]);
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
            .map(|i| if (16..32).contains(&i) { b.clone() } else { a.clone() })
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
