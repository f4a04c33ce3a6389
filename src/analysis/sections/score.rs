//! Scores for section finding against a reference (the standard MIREX structure measures).
//!
//! - Boundary hit rate (Turnbull et al. 2007; `mir_eval.segment.detection`): an estimated
//!   boundary matches a reference boundary within `± tolerance_secs`, each used once (greedy by
//!   distance); precision, recall and F over the inner boundaries (the start and end of the
//!   piece are not counted).
//! - Pairwise frame clustering F (Levy & Sandler 2008; `mir_eval.segment.pairwise`): sample
//!   both labelings every `step_secs`; over all frame pairs that the reference puts in one
//!   part, how many does the estimate also join (recall), and vice versa (precision). It
//!   ignores label names, so `A`/`B` compare with `verse`/`chorus`.

use super::Section;

/// Precision, recall and F-measure (all 0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    /// Fraction of estimated items that are right.
    pub precision: f64,
    /// Fraction of reference items found.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f_measure: f64,
}

impl Prf {
    fn new(hits: f64, n_estimated: f64, n_reference: f64) -> Self {
        let precision = if n_estimated > 0.0 {
            hits / n_estimated
        } else {
            0.0
        };
        let recall = if n_reference > 0.0 {
            hits / n_reference
        } else {
            0.0
        };
        let f_measure = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Self {
            precision,
            recall,
            f_measure,
        }
    }
}

/// Inner boundaries (every section start but the first) in seconds.
fn inner_boundaries(sections: &[Section]) -> Vec<f64> {
    sections.iter().skip(1).map(|s| s.start_secs).collect()
}

/// Boundary precision/recall/F within `± tolerance_secs`. Two pieces without inner boundaries
/// agree perfectly.
pub fn boundary_prf(estimated: &[Section], reference: &[Section], tolerance_secs: f64) -> Prf {
    let (est, refs) = (inner_boundaries(estimated), inner_boundaries(reference));
    if est.is_empty() && refs.is_empty() {
        return Prf::new(1.0, 1.0, 1.0);
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, e) in est.iter().enumerate() {
        for (j, r) in refs.iter().enumerate() {
            let d = (e - r).abs();
            if d <= tolerance_secs {
                pairs.push((d, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut used_e, mut used_r) = (vec![false; est.len()], vec![false; refs.len()]);
    let mut hits = 0usize;
    for (_, i, j) in pairs {
        if !used_e[i] && !used_r[j] {
            used_e[i] = true;
            used_r[j] = true;
            hits += 1;
        }
    }
    Prf::new(hits as f64, est.len() as f64, refs.len() as f64)
}

/// Label of the section holding `t_secs`, if any.
fn label_at(sections: &[Section], t_secs: f64) -> Option<&str> {
    sections
        .iter()
        .find(|s| s.start_secs <= t_secs && t_secs < s.end_secs)
        .map(|s| s.label.as_str())
}

/// Pairwise frame clustering precision/recall/F, sampling every `step_secs` over the time both
/// labelings cover.
pub fn pairwise_prf(estimated: &[Section], reference: &[Section], step_secs: f64) -> Prf {
    let end = reference.last().map_or(0.0, |s| s.end_secs);
    let n = if step_secs > 0.0 {
        (end / step_secs).floor() as usize
    } else {
        0
    };
    let frames: Vec<(&str, &str)> = (0..n)
        .filter_map(|k| {
            let t = (k as f64 + 0.5) * step_secs;
            Some((label_at(estimated, t)?, label_at(reference, t)?))
        })
        .collect();
    let (mut both, mut est_pairs, mut ref_pairs) = (0u64, 0u64, 0u64);
    for (a, fa) in frames.iter().enumerate() {
        for fb in &frames[a + 1..] {
            let same_est = fa.0 == fb.0;
            let same_ref = fa.1 == fb.1;
            est_pairs += u64::from(same_est);
            ref_pairs += u64::from(same_ref);
            both += u64::from(same_est && same_ref);
        }
    }
    Prf::new(both as f64, est_pairs as f64, ref_pairs as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(spec: &[(&str, f64, f64)]) -> Vec<Section> {
        spec.iter()
            .map(|&(label, start_secs, end_secs)| Section {
                label: label.to_owned(),
                start_secs,
                end_secs,
            })
            .collect()
    }

    #[test]
    fn identical_labelings_score_one_whatever_the_names() {
        let truth = sections(&[
            ("verse", 0.0, 8.0),
            ("chorus", 8.0, 16.0),
            ("verse", 16.0, 24.0),
        ]);
        let est = sections(&[("A", 0.0, 8.0), ("B", 8.0, 16.0), ("A", 16.0, 24.0)]);
        assert_eq!(boundary_prf(&est, &truth, 0.5).f_measure, 1.0);
        assert_eq!(pairwise_prf(&est, &truth, 0.5).f_measure, 1.0);
    }

    #[test]
    fn misplaced_boundaries_and_merged_labels_cost() {
        let truth = sections(&[("v", 0.0, 8.0), ("c", 8.0, 16.0), ("v", 16.0, 24.0)]);
        let est = sections(&[("A", 0.0, 9.0), ("B", 9.0, 24.0)]);
        let b = boundary_prf(&est, &truth, 2.0);
        assert_eq!((b.precision, b.recall), (1.0, 0.5));
        let one_label = sections(&[("A", 0.0, 24.0)]);
        let p = pairwise_prf(&one_label, &truth, 1.0);
        assert_eq!(p.recall, 1.0);
        assert!(p.precision < 0.6, "{p:?}");
    }
}
