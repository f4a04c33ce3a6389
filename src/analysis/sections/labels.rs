//! Labelling segments so that repeats of the same part share a label.
//!
//! Two segments are the same part when the later one replays the earlier one: in the time-lag
//! matrix `L(t, l) = S(t, t − l)` (Goto 2003, RefraiD) a repeat shows as a line of high
//! similarity along `t` at the lag `l` that separates the two starts. A segment pair's score is
//! the mean of `L` along that line over the shorter segment, at the best lag within
//! `± lag_slack` beats of the start difference (beat grids and boundaries wobble by a beat).
//!
//! Labels are given in order: each segment takes the label of the earlier segment it replays
//! best if that score reaches `threshold`, otherwise the next unused letter (`A`, `B`, … `Z`,
//! then `AA`, `AB`, …).

use std::ops::Range;

use super::similarity::SelfSimilarity;

/// Mean similarity along the time-lag line that maps segment `later` onto segment `earlier`.
pub fn replay_score(
    ssm: &SelfSimilarity,
    earlier: &Range<usize>,
    later: &Range<usize>,
    lag_slack: usize,
) -> f32 {
    let len = earlier.len().min(later.len());
    if len == 0 {
        return 0.0;
    }
    let slack = lag_slack as isize;
    (-slack..=slack)
        .filter_map(|shift| {
            let start = earlier.start as isize + shift;
            if start < 0 || start as usize + len > ssm.len() {
                return None;
            }
            let sum: f32 = (0..len)
                .map(|t| ssm.get(later.start + t, start as usize + t))
                .sum();
            Some(sum / len as f32)
        })
        .fold(0.0f32, f32::max)
}

/// One label index per segment; repeats share an index; indices count up from 0 in order of
/// first appearance.
pub fn label_segments(
    ssm: &SelfSimilarity,
    segments: &[Range<usize>],
    lag_slack: usize,
    threshold: f32,
) -> Vec<usize> {
    let mut labels: Vec<usize> = Vec::with_capacity(segments.len());
    let mut next_label = 0;
    for (q, seg) in segments.iter().enumerate() {
        let best = (0..q)
            .map(|p| (p, replay_score(ssm, &segments[p], seg, lag_slack)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((p, score)) if score >= threshold => labels.push(labels[p]),
            _ => {
                labels.push(next_label);
                next_label += 1;
            }
        }
    }
    labels
}

/// Spreadsheet-style name of label index `i`: `A`…`Z`, `AA`, `AB`, ….
pub fn label_name(i: usize) -> String {
    let mut name = Vec::new();
    let mut i = i + 1;
    while i > 0 {
        let rem = (i - 1) % 26;
        name.push(b'A' + rem as u8);
        i = (i - 1) / 26;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

/// Index of a label name made by [`label_name`] (`None` for anything else).
pub fn label_index(name: &str) -> Option<usize> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some(
        name.bytes()
            .fold(0usize, |acc, b| acc * 26 + usize::from(b - b'A') + 1)
            - 1,
    )
}

#[cfg(test)]
mod tests {
    use super::super::similarity::self_similarity;
    use super::*;

    #[test]
    fn label_names_round_trip() {
        assert_eq!(label_name(0), "A");
        assert_eq!(label_name(25), "Z");
        assert_eq!(label_name(26), "AA");
        for i in [0, 3, 25, 26, 27, 700] {
            assert_eq!(label_index(&label_name(i)), Some(i));
        }
        assert_eq!(label_index("a"), None);
    }

    #[test]
    fn repeated_progressions_share_a_label() {
        // Part A cycles chords 0,1,2,3; part B cycles 4,5; layout A B A B.
        let one_hot = |c: usize| {
            let mut v = vec![0.0f32; 6];
            v[c] = 1.0;
            v
        };
        let part_a: Vec<Vec<f32>> = (0..16).map(|i| one_hot(i / 4)).collect();
        let part_b: Vec<Vec<f32>> = (0..16).map(|i| one_hot(4 + (i / 4) % 2)).collect();
        let chroma: Vec<Vec<f32>> = [&part_a, &part_b, &part_a, &part_b]
            .iter()
            .flat_map(|p| p.iter().cloned())
            .collect();
        let mfcc: Vec<Vec<f32>> = chroma.iter().map(|c| c[..2].to_vec()).collect();
        let ssm = self_similarity(&chroma, &mfcc, 4, 0.5);
        let segments = [0..16, 16..32, 32..48, 48..64];
        assert_eq!(label_segments(&ssm, &segments, 1, 0.8), vec![0, 1, 0, 1]);
    }
}
