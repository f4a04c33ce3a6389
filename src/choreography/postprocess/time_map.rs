//! The beat warp's pieces: matching music beats to kinematic beats, the monotone time map, and
//! resampling a sequence through it.
//!
//! The map sends *output* time (music time) to *input* time (the generated motion): the output
//! frame at `t` shows the input at `map(t)`. It is piecewise linear through the matched
//! `(music beat, kinematic beat)` anchors, so a kinematic beat at `k` in the input appears at
//! its music beat `b` in the output. Before the first anchor and after the last it is a
//! constant shift (slope 1), clamped to the sequence: the output holds the first (last) frame,
//! or skips the first (last) frames, for at most that shift. Pinning the ends instead would
//! tilt the outer segments and put a kink of tempo at the first and last beats, which moves
//! their speed minima. The frame count never changes.
//!
//! The slope changes only at anchors, that is at speed minima, where a change of tempo is
//! least visible. (A monotone cubic would smooth the slope changes but move frames between
//! beats farther; piecewise linear was kept for its predictability.)

/// A music beat and the kinematic beat moved onto it, seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeatMatch {
    /// The music beat (output time).
    pub music_secs: f64,
    /// The kinematic beat (input time).
    pub kinematic_secs: f64,
}

/// Beat period assumed around a lone music beat, seconds (120 BPM).
const LONE_BEAT_PERIOD_SECS: f64 = 0.5;

/// Local beat period around music beat `i`: the mean of the gaps to its neighbours.
fn local_period_secs(music_secs: &[f64], i: usize) -> f64 {
    let before = i.checked_sub(1).map(|j| music_secs[i] - music_secs[j]);
    let after = music_secs.get(i + 1).map(|b| b - music_secs[i]);
    match (before, after) {
        (Some(a), Some(b)) => 0.5 * (a + b),
        (Some(g), None) | (None, Some(g)) => g,
        (None, None) => LONE_BEAT_PERIOD_SECS,
    }
}

/// Matches each music beat (increasing) to its nearest kinematic beat (increasing) within
/// `window_fraction` of the local beat period; a kinematic beat claimed by two music beats
/// goes to the nearer. The matches are increasing in both times.
pub fn match_beats(
    music_secs: &[f64],
    kinematic_secs: &[f64],
    window_fraction: f64,
) -> Vec<BeatMatch> {
    let mut best: Vec<Option<(usize, f64)>> = vec![None; kinematic_secs.len()];
    for (i, &b) in music_secs.iter().enumerate() {
        let window = window_fraction * local_period_secs(music_secs, i);
        let j = kinematic_secs.partition_point(|&k| k < b);
        let candidates = [j.checked_sub(1), Some(j)];
        let nearest = candidates
            .into_iter()
            .flatten()
            .filter(|&k| k < kinematic_secs.len())
            .map(|k| (k, (kinematic_secs[k] - b).abs()))
            .min_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((k, d)) = nearest.filter(|&(_, d)| d <= window) {
            if best[k].is_none_or(|(_, old)| d < old) {
                best[k] = Some((i, d));
            }
        }
    }
    best.iter()
        .enumerate()
        .filter_map(|(k, m)| {
            m.map(|(i, _)| BeatMatch {
                music_secs: music_secs[i],
                kinematic_secs: kinematic_secs[k],
            })
        })
        .collect()
}

/// A non-decreasing piecewise-linear map from output time to input time on `[0, end_secs]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeMap {
    out_secs: Vec<f64>,
    in_secs: Vec<f64>,
    end_secs: f64,
}

impl TimeMap {
    /// Builds the map through the matches, skipping any match that would make a segment's
    /// slope leave `[1 / max_stretch, max_stretch]` (which also keeps the anchors strictly
    /// increasing) or that lies outside `[0, end_secs]`. Returns the map and the matches kept.
    pub fn through(
        matches: &[BeatMatch],
        end_secs: f64,
        max_stretch: f64,
    ) -> (TimeMap, Vec<BeatMatch>) {
        let slope_ok = |a: &BeatMatch, b: &BeatMatch| {
            let dout = b.music_secs - a.music_secs;
            let din = b.kinematic_secs - a.kinematic_secs;
            dout > 0.0 && din > 0.0 && din <= max_stretch * dout && dout <= max_stretch * din
        };
        let inside = |t: f64| (0.0..=end_secs).contains(&t);
        let mut kept: Vec<BeatMatch> = Vec::with_capacity(matches.len());
        for m in matches {
            let fits = kept.last().is_none_or(|last| slope_ok(last, m));
            if fits && inside(m.music_secs) && inside(m.kinematic_secs) {
                kept.push(*m);
            }
        }
        let map = TimeMap {
            out_secs: kept.iter().map(|m| m.music_secs).collect(),
            in_secs: kept.iter().map(|m| m.kinematic_secs).collect(),
            end_secs,
        };
        (map, kept)
    }

    /// Input time shown at output time `t`, clamped to `[0, end]`.
    pub fn input_secs(&self, t: f64) -> f64 {
        let (Some(&first), Some(&last)) = (self.out_secs.first(), self.out_secs.last()) else {
            return t.clamp(0.0, self.end_secs);
        };
        let n = self.out_secs.len();
        let s = if t <= first {
            self.in_secs[0] + (t - first)
        } else if t >= last {
            self.in_secs[n - 1] + (t - last)
        } else {
            let seg = self.out_secs.partition_point(|&o| o <= t).clamp(1, n - 1);
            let (o0, o1) = (self.out_secs[seg - 1], self.out_secs[seg]);
            let (i0, i1) = (self.in_secs[seg - 1], self.in_secs[seg]);
            i0 + (t - o0) * (i1 - i0) / (o1 - o0)
        };
        s.clamp(0.0, self.end_secs)
    }

    /// True when both anchor lists increase strictly (the map never runs backwards).
    pub fn is_monotone(&self) -> bool {
        let inc = |v: &[f64]| v.windows(2).all(|w| w[1] > w[0]);
        inc(&self.out_secs) && inc(&self.in_secs)
    }

    /// Number of anchors (matched beats).
    pub fn anchors(&self) -> usize {
        self.out_secs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(music_secs: f64, kinematic_secs: f64) -> BeatMatch {
        BeatMatch {
            music_secs,
            kinematic_secs,
        }
    }

    #[test]
    fn matches_nearest_within_window_one_to_one() {
        let music = [1.0, 1.5, 2.0, 2.5];
        // 2.9 is outside 40 % of 0.5 s from 2.5, 1.56 too far from 2.0.
        let kinematic = [1.06, 1.56, 2.9];
        let got = match_beats(&music, &kinematic, 0.4);
        assert_eq!(got, vec![m(1.0, 1.06), m(1.5, 1.56)]);
        // Both music beats reach 1.3; the nearer one gets it.
        assert_eq!(match_beats(&[1.0, 1.5], &[1.3], 1.0), vec![m(1.5, 1.3)]);
        assert!(match_beats(&music, &[], 0.4).is_empty());
    }

    #[test]
    fn map_sends_kinematic_beats_onto_music_beats() {
        let (map, kept) = TimeMap::through(&[m(1.0, 1.06), m(1.5, 1.56), m(2.0, 2.1)], 3.0, 2.0);
        assert_eq!(kept.len(), 3);
        assert!(map.is_monotone());
        assert!((map.input_secs(1.0) - 1.06).abs() < 1e-12);
        assert!((map.input_secs(1.75) - 1.83).abs() < 1e-12);
        // Shifted by the outer matches beyond them, clamped to the sequence.
        assert!((map.input_secs(0.5) - 0.56).abs() < 1e-12);
        assert!((map.input_secs(0.0) - 0.06).abs() < 1e-12);
        assert!((map.input_secs(2.5) - 2.6).abs() < 1e-12);
        assert_eq!(map.input_secs(2.95), 3.0);
        let (identity, _) = TimeMap::through(&[], 3.0, 2.0);
        assert_eq!(identity.input_secs(1.3), 1.3);
        assert_eq!(identity.input_secs(-1.0), 0.0);
    }

    #[test]
    fn map_drops_matches_that_stretch_too_much_or_run_backwards() {
        // 1.0 → 1.1 then 1.2 → 1.9 would be a slope of 4; 1.5 → 1.05 runs backwards.
        let matches = [
            m(1.0, 1.1),
            m(1.2, 1.9),
            m(1.5, 1.05),
            m(2.0, 2.0),
            m(3.5, 3.4),
        ];
        let (map, kept) = TimeMap::through(&matches, 3.0, 2.0);
        assert_eq!(kept, vec![m(1.0, 1.1), m(2.0, 2.0)]);
        assert_eq!(map.anchors(), 2);
        assert!(map.is_monotone());
    }
}
