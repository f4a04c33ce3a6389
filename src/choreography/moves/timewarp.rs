//! The time warp: move time in beats to music time in seconds, and beats grouped into bars.
//!
//! A move's keyframe at beat position `u` of the dance (beat `i` plus a fraction `f`) lands at
//! `b[i] + f · (b[i+1] − b[i])` seconds, `b` the music's beat times: beat `i` of a move sits on
//! the `i`-th music beat it is played on, so the dance follows tempo changes beat by beat.
//! Past the last known beat the grid is extrapolated with the last beat period (the live
//! generator dances ahead of the causal tracker's predictions this way).
//!
//! Bars start on downbeats; without downbeats every 4 beats from the first beat start one. A
//! gap between downbeats longer than one and a half usual bars is cut into usual bars.

/// Beat times, strictly increasing, possibly extended past the music's own beats.
#[derive(Debug, Clone, PartialEq)]
pub struct BeatTimeline {
    beats_secs: Vec<f64>,
    /// How many of `beats_secs` came from the music (the rest are extrapolated).
    n_known: usize,
}

/// A bar: a run of consecutive beats of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Index of the bar's first beat in the timeline.
    pub first_beat: usize,
    /// Beats in the bar.
    pub n_beats: usize,
}

/// Beats per bar when the music has no downbeats.
pub const DEFAULT_BEATS_PER_BAR: usize = 4;

impl BeatTimeline {
    /// The timeline of `beats_secs`, keeping only finite times that increase by at least 1 ms.
    pub fn new(beats_secs: &[f64]) -> BeatTimeline {
        let mut kept: Vec<f64> = Vec::with_capacity(beats_secs.len());
        for &b in beats_secs {
            if b.is_finite() && kept.last().is_none_or(|&last| b > last + 1e-3) {
                kept.push(b);
            }
        }
        let n_known = kept.len();
        BeatTimeline {
            beats_secs: kept,
            n_known,
        }
    }

    /// Adds beats at the last period until the last one is at or past `until_secs`, adding at
    /// most `max_extra` (nothing with fewer than two beats).
    pub fn extend_to(&mut self, until_secs: f64, max_extra: usize) {
        let Some(period) = self.last_period_secs() else {
            return;
        };
        let mut added = 0;
        while added < max_extra {
            let Some(&last) = self.beats_secs.last() else {
                return;
            };
            if last >= until_secs {
                break;
            }
            self.beats_secs.push(last + period);
            added += 1;
        }
    }

    /// Beat times, seconds.
    pub fn beats_secs(&self) -> &[f64] {
        &self.beats_secs
    }

    /// Number of beats.
    pub fn len(&self) -> usize {
        self.beats_secs.len()
    }

    /// True without beats.
    pub fn is_empty(&self) -> bool {
        self.beats_secs.is_empty()
    }

    /// Beats that came from the music rather than extrapolation.
    pub fn n_known(&self) -> usize {
        self.n_known
    }

    /// Interval between the last two beats, seconds.
    pub fn last_period_secs(&self) -> Option<f64> {
        match self.beats_secs.as_slice() {
            [.., a, b] => Some(b - a),
            _ => None,
        }
    }

    /// Period of beat `i` (to the next beat; the last beat takes the previous period).
    pub fn period_at(&self, i: usize) -> Option<f64> {
        let b = &self.beats_secs;
        if b.len() < 2 {
            return None;
        }
        let i = i.min(b.len() - 2);
        Some(b[i + 1] - b[i])
    }

    /// Time of beat position `u` (beat index plus fraction), seconds; outside the grid the
    /// first or last period continues. `None` with fewer than two beats.
    pub fn time_at(&self, u: f64) -> Option<f64> {
        let b = &self.beats_secs;
        if b.len() < 2 {
            return None;
        }
        let i = (u.floor().max(0.0) as usize).min(b.len() - 2);
        Some(b[i] + (u - i as f64) * (b[i + 1] - b[i]))
    }

    /// Beat position of time `t_secs` (inverse of [`time_at`](Self::time_at)).
    pub fn position_at(&self, t_secs: f64) -> Option<f64> {
        let b = &self.beats_secs;
        if b.len() < 2 {
            return None;
        }
        let i = b.partition_point(|&x| x <= t_secs).saturating_sub(1);
        let i = i.min(b.len() - 2);
        Some(i as f64 + (t_secs - b[i]) / (b[i + 1] - b[i]))
    }

    /// The index of the beat nearest `t_secs`, if one lies within `tolerance` of a period.
    pub fn beat_near(&self, t_secs: f64, tolerance: f64) -> Option<usize> {
        let u = self.position_at(t_secs)?;
        let i = u.round().max(0.0) as usize;
        ((u - i as f64).abs() <= tolerance && i < self.len()).then_some(i)
    }

    /// The bars of the timeline (see the module docs), in order, covering every beat.
    pub fn bars(&self, downbeats_secs: &[f64]) -> Vec<Bar> {
        let mut starts: Vec<usize> = downbeats_secs
            .iter()
            .filter_map(|&d| self.beat_near(d, 0.3))
            .collect();
        starts.dedup();
        let bar_len = usual_bar_beats(&starts);
        let mut bounds = Vec::new();
        let mut at = 0;
        for &s in starts.iter().chain(std::iter::once(&self.len())) {
            while s > at {
                bounds.push(at);
                // A pickup (before the first downbeat) is one short bar; long gaps are cut.
                let gap = s - at;
                at += if gap * 2 >= bar_len * 3 { bar_len } else { gap };
            }
        }
        let mut bars: Vec<Bar> = bounds
            .windows(2)
            .map(|w| Bar {
                first_beat: w[0],
                n_beats: w[1] - w[0],
            })
            .collect();
        if let Some(&last) = bounds.last() {
            bars.push(Bar {
                first_beat: last,
                n_beats: self.len() - last,
            });
        }
        bars
    }
}

/// The median distance between bar starts, or [`DEFAULT_BEATS_PER_BAR`].
fn usual_bar_beats(starts: &[usize]) -> usize {
    let mut gaps: Vec<usize> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    if gaps.is_empty() {
        return DEFAULT_BEATS_PER_BAR;
    }
    gaps.sort_unstable();
    gaps[gaps.len() / 2].max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warps_beat_positions_to_beat_times_following_tempo_changes() {
        // 0.5 s beats, then 0.4 s beats.
        let tl = BeatTimeline::new(&[1.0, 1.5, 2.0, 2.4, 2.8]);
        let at = |u: f64| tl.time_at(u).unwrap();
        for (u, want) in [(0.0, 1.0), (2.5, 2.2), (3.5, 2.6), (-1.0, 0.5), (5.0, 3.2)] {
            // Outside the grid (-1, 5) the edge periods continue.
            assert!((at(u) - want).abs() < 1e-12, "{u}: {}", at(u));
        }
        for u in [0.0, 0.3, 1.7, 2.5, 3.99] {
            let t = tl.time_at(u).unwrap();
            assert!((tl.position_at(t).unwrap() - u).abs() < 1e-12);
        }
        assert_eq!(BeatTimeline::new(&[1.0]).time_at(0.0), None);
    }

    #[test]
    fn extends_with_the_last_period_up_to_a_limit() {
        let mut tl = BeatTimeline::new(&[0.0, 0.5, 1.1]);
        tl.extend_to(2.0, 10);
        assert_eq!(tl.n_known(), 3);
        let want = [0.0, 0.5, 1.1, 1.7, 2.3];
        assert_eq!(tl.len(), want.len());
        for (a, b) in tl.beats_secs().iter().zip(want) {
            assert!((a - b).abs() < 1e-12);
        }
        let mut capped = BeatTimeline::new(&[0.0, 0.5]);
        capped.extend_to(100.0, 3);
        assert_eq!(capped.len(), 5);
    }

    #[test]
    fn drops_unordered_and_non_finite_beats() {
        let tl = BeatTimeline::new(&[0.0, f64::NAN, 0.5, 0.4, 0.5, 1.0]);
        assert_eq!(tl.beats_secs(), &[0.0, 0.5, 1.0]);
    }

    #[test]
    fn bars_follow_downbeats_with_a_pickup_and_cut_long_gaps() {
        let beats: Vec<f64> = (0..20).map(|i| f64::from(i) * 0.5).collect();
        let tl = BeatTimeline::new(&beats);
        // A pickup of 2 beats, bars of 4, then 10 beats after the last downbeat cut into 4 + 4 + 2.
        let bars = tl.bars(&[1.0, 3.0, 5.0]);
        let firsts: Vec<usize> = bars.iter().map(|b| b.first_beat).collect();
        assert_eq!(firsts, vec![0, 2, 6, 10, 14, 18]);
        assert_eq!(bars.iter().map(|b| b.n_beats).sum::<usize>(), 20);
        // No downbeats: every 4 beats.
        let plain = tl.bars(&[]);
        assert_eq!(plain.len(), 5);
        assert!(plain.iter().all(|b| b.n_beats == 4));
    }
}
