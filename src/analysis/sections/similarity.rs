//! Beat-synchronous features and the self-similarity matrix between beats.
//!
//! Each beat span gets the mean chroma (harmony) and mean MFCC (timbre) of its frames, the way
//! beat-synchronous features are built for structure analysis (Bartsch & Wakefield 2005;
//! librosa `util.sync`). Chroma is L2-normalised per beat; MFCC are standardised per coefficient
//! over the piece, then L2-normalised, so loud and quiet songs compare alike. Each beat's vector
//! is then stacked with its `embed_beats − 1` neighbours (a time-delay embedding, Serrà et al. 2012),
//! so a beat is compared with another as the start of a short *sequence*, not a lone chord.
//!
//! Similarity between beats `i` and `j` blends the chroma and the MFCC cosine similarities of
//! their embedded vectors (weight `timbre_weight` on MFCC), mapped into `0..=1` (1 = identical).
//! Timbre usually weighs more: pop sections often share their chords in a rotated order
//! (verse vi–IV–I–V, chorus I–V–vi–IV) and differ mostly in instrumentation.

use crate::analysis::features::FrameSeries;

/// A square similarity matrix over beats, row-major, values in `0..=1`.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfSimilarity {
    n: usize,
    values: Vec<f32>,
}

impl SelfSimilarity {
    /// Number of beats (rows and columns).
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there are no beats.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Similarity of beats `i` and `j` (0 when out of range).
    pub fn get(&self, i: usize, j: usize) -> f32 {
        if i < self.n && j < self.n {
            self.values[i * self.n + j]
        } else {
            0.0
        }
    }
}

/// Per-beat means of `series` over consecutive spans of `marks_secs` (`marks.len() − 1` rows).
pub fn beat_sync(series: &FrameSeries, marks_secs: &[f64]) -> Vec<Vec<f32>> {
    marks_secs
        .windows(2)
        .map(|w| {
            let mut out = vec![0.0f32; series.dim];
            series.mean_over(w[0], w[1], &mut out);
            out
        })
        .collect()
}

/// Scales a vector to unit L2 norm (zero vectors stay zero).
fn normalize_l2(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Standardises each column to zero mean and unit variance over the rows.
fn standardize_columns(rows: &mut [Vec<f32>]) {
    let Some(dim) = rows.first().map(Vec::len) else {
        return;
    };
    let n = rows.len() as f32;
    for d in 0..dim {
        let mean = rows.iter().map(|r| r[d]).sum::<f32>() / n;
        let var = rows.iter().map(|r| (r[d] - mean).powi(2)).sum::<f32>() / n;
        let std = var.sqrt().max(1e-6);
        rows.iter_mut().for_each(|r| r[d] = (r[d] - mean) / std);
    }
}

/// Stacks each row with its `embed − 1` neighbours, centred (rows `i − embed/2 ..` so a change
/// at row `i` shows up symmetrically around `i`; the ends repeat), then normalises the stack.
fn embed(rows: &[Vec<f32>], embed: usize) -> Vec<Vec<f32>> {
    let n = rows.len();
    let back = embed.max(1) / 2;
    (0..n)
        .map(|i| {
            let mut v: Vec<f32> = (0..embed.max(1))
                .flat_map(|k| {
                    rows[(i + k).saturating_sub(back).min(n - 1)]
                        .iter()
                        .copied()
                })
                .collect();
            normalize_l2(&mut v);
            v
        })
        .collect()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Self-similarity of beats from beat-synchronous chroma and MFCC rows.
pub fn self_similarity(
    chroma_rows: &[Vec<f32>],
    mfcc_rows: &[Vec<f32>],
    embed_beats: usize,
    timbre_weight: f32,
) -> SelfSimilarity {
    let w = timbre_weight.clamp(0.0, 1.0);
    let n = chroma_rows.len().min(mfcc_rows.len());
    let mut chroma: Vec<Vec<f32>> = chroma_rows[..n].to_vec();
    chroma.iter_mut().for_each(|r| normalize_l2(r));
    let mut timbre: Vec<Vec<f32>> = mfcc_rows[..n].to_vec();
    standardize_columns(&mut timbre);
    timbre.iter_mut().for_each(|r| normalize_l2(r));
    let (chroma, timbre) = (embed(&chroma, embed_beats), embed(&timbre, embed_beats));
    let mut values = vec![0.0f32; n * n];
    for i in 0..n {
        for j in i..n {
            // Chroma is non-negative, so its cosine is already in 0..=1; MFCC's is in -1..=1.
            let harmony = dot(&chroma[i], &chroma[j]);
            let timbre = 0.5 * (1.0 + dot(&timbre[i], &timbre[j]));
            let s = (1.0 - w) * harmony + w * timbre;
            let s = s.clamp(0.0, 1.0);
            values[i * n + j] = s;
            values[j * n + i] = s;
        }
    }
    SelfSimilarity { n, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_beats_are_fully_similar_and_matrix_is_symmetric() {
        let chroma = vec![
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
        ];
        let mfcc = vec![
            vec![1.0, 2.0],
            vec![3.0, 1.0],
            vec![1.0, 2.0],
            vec![3.0, 1.0],
        ];
        let ssm = self_similarity(&chroma, &mfcc, 1, 0.5);
        assert_eq!(ssm.len(), 4);
        assert!((ssm.get(0, 2) - 1.0).abs() < 1e-5);
        assert!(ssm.get(0, 1) < 0.5);
        assert_eq!(ssm.get(1, 3), ssm.get(3, 1));
        assert_eq!(ssm.get(9, 0), 0.0);
    }

    #[test]
    fn beat_sync_averages_each_span() {
        let mut s = FrameSeries::new(0.0, 10.0, 1);
        for i in 0..30 {
            s.push(&[if i < 10 { 1.0 } else { 3.0 }]);
        }
        let rows = beat_sync(&s, &[0.0, 0.9, 2.0]);
        assert_eq!(rows.len(), 2);
        assert!((rows[0][0] - 1.0).abs() < 1e-5);
        assert!(rows[1][0] > 2.5);
    }
}
