//! Live planning: choices committed bar by bar as the predicted beats arrive.
//!
//! Live, the generator is called again and again with the beats heard so far plus the causal
//! tracker's predictions, which move a little from call to call. A bar's move is chosen the
//! first time the bar is needed and committed under the bar's start time; later calls find it
//! again by time (within a third of a beat), so a re-predicted bar keeps its move. Sections
//! are unknown ahead of the music, so live bars never replay; everything else (energy,
//! continuation of long moves, mirror answers, variety) is as offline.

use super::energy::bar_energies;
use super::planner::{BarContext, Choice, PlannedBar, Selector};
use super::timewarp::{Bar, BeatTimeline};
use crate::analysis::features::MusicFeatures;

/// A bar's start may move this share of a beat between calls and keep its committed move.
const MATCH_BEATS: f64 = 0.35;

/// The choices made so far, by bar start time.
#[derive(Debug, Clone, Default)]
pub struct LivePlan {
    committed: Vec<(f64, Choice)>,
}

impl LivePlan {
    /// Forgets every committed choice.
    pub fn clear(&mut self) {
        self.committed.clear();
    }

    /// The plan of `bars`, reusing committed choices and committing new ones.
    pub fn plan(
        &mut self,
        selector: &Selector<'_>,
        timeline: &BeatTimeline,
        bars: &[Bar],
        features: &MusicFeatures,
    ) -> Vec<PlannedBar> {
        let energies = bar_energies(bars, timeline, features, selector.cfg);
        let mut plan: Vec<PlannedBar> = Vec::with_capacity(bars.len());
        for (b, (bar, energy)) in bars.iter().zip(energies).enumerate() {
            let start_secs = timeline.beats_secs()[bar.first_beat];
            let tolerance = MATCH_BEATS * timeline.period_at(bar.first_beat).unwrap_or(0.5);
            let choice = match self.find(start_secs, tolerance) {
                Some(c) => c,
                None => {
                    let period = timeline.period_at(bar.first_beat).unwrap_or(0.5);
                    let c = decide(selector, &plan, b, energy, period);
                    self.commit(start_secs, c);
                    c
                }
            };
            plan.push(PlannedBar {
                bar: *bar,
                start_secs,
                energy,
                choice,
                replayed: false,
            });
        }
        plan
    }

    fn find(&self, start_secs: f64, tolerance: f64) -> Option<Choice> {
        let i = self.committed.partition_point(|(t, _)| *t < start_secs);
        [i.checked_sub(1), Some(i)]
            .into_iter()
            .flatten()
            .filter_map(|k| self.committed.get(k))
            .filter(|(t, _)| (t - start_secs).abs() <= tolerance)
            .min_by(|a, b| {
                (a.0 - start_secs)
                    .abs()
                    .total_cmp(&(b.0 - start_secs).abs())
            })
            .map(|(_, c)| *c)
    }

    fn commit(&mut self, start_secs: f64, choice: Choice) {
        let i = self.committed.partition_point(|(t, _)| *t < start_secs);
        self.committed.insert(i, (start_secs, choice));
    }
}

/// A new bar's choice: the continuation of a long move, or a fresh draw unlike the last bar.
fn decide(
    selector: &Selector<'_>,
    plan: &[PlannedBar],
    ordinal: usize,
    energy: f64,
    period_secs: f64,
) -> Choice {
    if let Some(prev) = plan.last() {
        if let Some(c) = selector.continuation(&prev.choice, prev.bar.n_beats) {
            return c;
        }
    }
    let history: Vec<Choice> = plan.iter().map(|p| p.choice).collect();
    let avoid: Vec<Choice> = history.last().copied().into_iter().collect();
    selector.choose(&BarContext {
        ordinal,
        energy,
        period_secs,
        history: &history,
        prev_bar_beats: plan.last().map_or(0, |p| p.bar.n_beats),
        avoid: &avoid,
    })
}
