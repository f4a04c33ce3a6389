//! Repeated sections: which bar of a song replays which earlier bar.
//!
//! Each bar belongs to the section holding a point a quarter beat after its first beat (so
//! a boundary a hair late still counts the bar in). A section whose label appeared before
//! (the second `A`) is a repeat: its `k`-th bar replays the `k`-th bar of the label's first
//! section, as far as that one reaches.

use super::timewarp::{Bar, BeatTimeline};
use crate::analysis::features::MusicFeatures;

/// Which section instance each bar is in, and which earlier bar it repeats.
#[derive(Debug, Clone)]
pub struct SectionMap {
    /// Section index of each bar (`None` without sections).
    instance: Vec<Option<usize>>,
    /// Per bar: the bar at the same place in the first section with the same label, when
    /// the bar's own section is a later one.
    source: Vec<Option<usize>>,
}

impl SectionMap {
    /// The map of `bars` over the sections of `features`.
    pub fn new(bars: &[Bar], timeline: &BeatTimeline, features: &MusicFeatures) -> SectionMap {
        let sections = &features.sections;
        let instance: Vec<Option<usize>> = bars
            .iter()
            .map(|bar| {
                // A quarter beat in, so a boundary a hair late still counts the bar in.
                let t = timeline.time_at(bar.first_beat as f64 + 0.25)?;
                sections
                    .iter()
                    .position(|s| t >= s.start_secs && t < s.end_secs)
            })
            .collect();
        let mut bars_of: Vec<Vec<usize>> = vec![Vec::new(); sections.len()];
        for (b, s) in instance.iter().enumerate() {
            if let Some(s) = s {
                bars_of[*s].push(b);
            }
        }
        let first_of_label = |s: usize| {
            sections
                .iter()
                .position(|x| x.label == sections[s].label)
                .unwrap_or(s)
        };
        let source = instance
            .iter()
            .enumerate()
            .map(|(b, s)| {
                let s = (*s)?;
                let first = first_of_label(s);
                let rank = bars_of[s].iter().position(|&x| x == b)?;
                (first != s).then(|| bars_of[first].get(rank).copied())?
            })
            .collect();
        SectionMap { instance, source }
    }

    /// The earlier bar that bar `bar` replays, if any.
    pub fn replay_source(&self, bar: usize) -> Option<usize> {
        self.source.get(bar).copied().flatten()
    }

    /// True when bars `a` and `b` are in the same section (or both in none).
    pub fn same_instance(&self, a: usize, b: usize) -> bool {
        self.instance.get(a) == self.instance.get(b)
    }
}
