//! Which move each bar dances: music drives the choice, a seed breaks the ties.
//!
//! 1. **Energy.** Each bar's mean RMS and mean onset strength (how loud, how busy) are
//!    normalised within the song (10th to 90th percentile of the bars → 0..1) and mixed by
//!    the configured weights into an energy in 0..1, which picks a level: below 1/3 calm
//!    (1), below 2/3 groove (2), above power (3).
//! 2. **Repeats.** Offline, a bar in a section whose label was heard before (the second `A`)
//!    replays the choice of the bar at the same place in the label's first section, bar for
//!    bar, so repeated music gets the same dance.
//! 3. **Phrasing.** A move longer than its bar continues into the next bars (an 8-beat move
//!    spans two 4/4 bars) within a section. A move that favours one side is answered by its
//!    mirror image in the next bar with the configured probability. On fast beats (below
//!    `half_time_below_secs`) a move with up-beat keys is danced half-time, each of its half
//!    beats on a music beat: up-beats 190 ms apart or less blur (to the eye, and under the
//!    Beat Align Score's 83 ms smoothing) and would hide the dips on the beats.
//! 4. **Choice.** Otherwise a seeded draw over every variant, weighted by how well the move's
//!    energy matches the bar's level (1, 0.15, 0.01 for a difference of 0, 1, 2 levels),
//!    by how far the body must travel from the pose the previous bar ends on to the move's
//!    first key (`exp(−travel / transition_scale_m)`, travel being the mean joint distance of
//!    the reference body), down-weighted ×0.05 if played in the last `recent_bars` bars, and
//!    never the previous bar's variant or the next bar's known replay, so consecutive bars
//!    differ unless the music repeats. Each bar's draw uses its own generator seeded by
//!    (seed, bar index), so a live dance chooses the same way whatever the calling pattern.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::ProceduralConfig;
use super::energy::bar_energies;
use super::library::{mean_joint_distance_m, MoveLibrary};
use super::replay::SectionMap;
use super::timewarp::{Bar, BeatTimeline};
use crate::analysis::features::MusicFeatures;
use crate::choreography::skeleton::Pose;

/// A variant of a move and where in it a bar starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// Index in the [`MoveLibrary`].
    pub move_index: usize,
    /// The mirrored variant (only for moves that have one).
    pub mirrored: bool,
    /// Music beats of the move already danced when the bar starts (0, or more when a long
    /// move continues).
    pub offset_beats: usize,
    /// Music beats per beat of the move: 1, or 2 when a move with up-beat keys is danced
    /// half-time because the beats are fast.
    pub time_scale: usize,
}

impl Choice {
    /// True when both choices play the same variant (wherever they start in it).
    pub fn same_variant(&self, other: &Choice) -> bool {
        self.move_index == other.move_index && self.mirrored == other.mirrored
    }

    /// The window of the move (start and length, move beats) danced on beat `beat_in_bar`
    /// of a bar played with this choice, for a move `move_beats` long.
    pub fn move_window(&self, beat_in_bar: usize, move_beats: usize) -> (f64, f64) {
        let scale = self.time_scale.max(1) as f64;
        let danced = (self.offset_beats + beat_in_bar) as f64 / scale;
        (danced % move_beats.max(1) as f64, 1.0 / scale)
    }
}

/// A bar with its move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedBar {
    /// The bar's beats in the timeline.
    pub bar: Bar,
    /// Time of the bar's first beat, seconds.
    pub start_secs: f64,
    /// Energy of the music in the bar, 0..1.
    pub energy: f64,
    /// The move danced.
    pub choice: Choice,
    /// True when the choice replays an earlier section's bar.
    pub replayed: bool,
}

/// Energy level 1..=3 of an energy in 0..1.
pub fn level(energy: f64) -> u8 {
    if energy < 1.0 / 3.0 {
        1
    } else if energy < 2.0 / 3.0 {
        2
    } else {
        3
    }
}

/// What the choice of a new bar depends on.
#[derive(Debug, Clone, Copy)]
pub struct BarContext<'h> {
    /// Index of the bar in the song (seeds its draw).
    pub ordinal: usize,
    /// Energy of the music in the bar, 0..1.
    pub energy: f64,
    /// Beat period at the bar's start, seconds.
    pub period_secs: f64,
    /// Choices of the bars before, most recent last.
    pub history: &'h [Choice],
    /// Beats of the previous bar.
    pub prev_bar_beats: usize,
    /// Variants the bar must not play.
    pub avoid: &'h [Choice],
}

/// The move choice for one bar (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct Selector<'a> {
    /// The moves.
    pub library: &'a MoveLibrary,
    /// Seed, weights and phrasing settings.
    pub cfg: &'a ProceduralConfig,
}

impl<'a> Selector<'a> {
    /// The continuation of `prev` (played over `prev_beats` beats) if the move is not done.
    pub fn continuation(&self, prev: &Choice, prev_beats: usize) -> Option<Choice> {
        let beats = self.library.get(prev.move_index)?.def.beats * prev.time_scale.max(1);
        let offset = prev.offset_beats + prev_beats;
        (offset < beats).then_some(Choice {
            offset_beats: offset,
            ..*prev
        })
    }

    /// Music beats per move beat for a move danced at beat period `period_secs`: 2 for a move
    /// with up-beat keys when the beats are faster than `half_time_below_secs` (up-beats
    /// would come every 190 ms or less, too fast to read as motion), else 1.
    pub fn time_scale(&self, move_index: usize, period_secs: f64) -> usize {
        let offbeat = self
            .library
            .get(move_index)
            .is_some_and(|m| m.has_offbeat_keys());
        if offbeat && period_secs < self.cfg.half_time_below_secs {
            2
        } else {
            1
        }
    }

    /// A new choice for a bar (see the module docs).
    pub fn choose(&self, bar: &BarContext<'_>) -> Choice {
        let mut rng = ChaCha8Rng::seed_from_u64(
            self.cfg.seed ^ (bar.ordinal as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let answer_draw: f64 = rng.gen();
        if let Some(answer) = self.mirror_answer(bar.history, bar.period_secs) {
            if answer_draw < self.cfg.mirror_answer_probability
                && !bar.avoid.iter().any(|a| a.same_variant(&answer))
            {
                return answer;
            }
        }
        weighted_pick(&self.candidates(bar), rng.gen()).unwrap_or(Choice {
            move_index: 0,
            mirrored: false,
            offset_beats: 0,
            time_scale: 1,
        })
    }

    /// Every variant the bar may play, with its weight (see the module docs).
    fn candidates(&self, bar: &BarContext<'_>) -> Vec<(Choice, f64)> {
        let from = self.end_pose(bar);
        let mut candidates = Vec::with_capacity(2 * self.library.len());
        for (index, m) in self.library.moves().iter().enumerate() {
            let share = 1.0 + f64::from(u8::from(m.has_mirror));
            for mirrored in [false, true].into_iter().take(share as usize) {
                let c = Choice {
                    move_index: index,
                    mirrored,
                    offset_beats: 0,
                    time_scale: self.time_scale(index, bar.period_secs),
                };
                if bar.avoid.iter().any(|a| a.same_variant(&c)) {
                    continue;
                }
                let travel = match (from, m.pose_in_window(mirrored, 0.0, 1.0)) {
                    (Some(a), Some(b)) => mean_joint_distance_m(a, b),
                    _ => 0.0,
                };
                let smooth = (-travel / self.cfg.transition_scale_m).exp();
                candidates.push((c, self.appeal(bar, index) * smooth / share));
            }
        }
        candidates
    }

    /// Weight of move `index` for the bar's energy level and recent history.
    fn appeal(&self, bar: &BarContext<'_>, index: usize) -> f64 {
        let energy = self.library.get(index).map_or(1, |m| m.def.energy);
        let diff = level(bar.energy).abs_diff(energy);
        let weight = [1.0, 0.15, 0.01][usize::from(diff.min(2))];
        let history = bar.history;
        let recent = &history[history.len().saturating_sub(self.cfg.recent_bars)..];
        if recent.iter().any(|c| c.move_index == index) {
            weight * 0.05
        } else {
            weight
        }
    }

    /// The key pose the previous bar ends on (its last beat's, reference body).
    fn end_pose(&self, bar: &BarContext<'_>) -> Option<&'a Pose> {
        let prev = bar.history.last()?;
        let m = self.library.get(prev.move_index)?;
        let last_beat = bar.prev_bar_beats.checked_sub(1)?;
        let (from, len) = prev.move_window(last_beat, m.def.beats);
        m.pose_in_window(prev.mirrored, from, len)
    }

    /// The mirror image of the last bar's move, when that bar started a one-sided move that
    /// was not itself an answer.
    fn mirror_answer(&self, history: &[Choice], period_secs: f64) -> Option<Choice> {
        let (last, before) = history.split_last()?;
        let m = self.library.get(last.move_index)?;
        let was_answer = before
            .last()
            .is_some_and(|b| b.move_index == last.move_index);
        (m.has_mirror && last.offset_beats == 0 && !was_answer).then_some(Choice {
            mirrored: !last.mirrored,
            time_scale: self.time_scale(last.move_index, period_secs),
            ..*last
        })
    }
}

/// The candidate where the cumulative weight passes `draw` (0..1) of the total.
fn weighted_pick(candidates: &[(Choice, f64)], draw: f64) -> Option<Choice> {
    let total: f64 = candidates.iter().map(|(_, w)| w).sum();
    let mut left = draw * total;
    for (c, w) in candidates {
        if left < *w {
            return Some(*c);
        }
        left -= w;
    }
    candidates.last().map(|(c, _)| *c)
}

/// The whole song's plan, offline (see the module docs).
pub fn plan_offline(
    selector: &Selector<'_>,
    timeline: &BeatTimeline,
    bars: &[Bar],
    features: &MusicFeatures,
) -> Vec<PlannedBar> {
    let energies = bar_energies(bars, timeline, features, selector.cfg);
    let sections = SectionMap::new(bars, timeline, features);
    let mut plan: Vec<PlannedBar> = Vec::with_capacity(bars.len());
    for (b, bar) in bars.iter().enumerate() {
        let start_secs = timeline.beats_secs()[bar.first_beat];
        let planned = match sections.replay_source(b).and_then(|src| plan.get(src)) {
            // A replay also takes its source's energy, so that the groove repeats too.
            Some(src) => PlannedBar {
                bar: *bar,
                start_secs,
                replayed: true,
                ..*src
            },
            None => PlannedBar {
                bar: *bar,
                start_secs,
                energy: energies[b],
                choice: next_choice(selector, timeline, &sections, &plan, b, energies[b]),
                replayed: false,
            },
        };
        plan.push(planned);
    }
    plan
}

/// The choice of bar `b` when it replays nothing: the continuation of the previous bar's
/// move within a section, else a draw avoiding the previous bar and the next bar's replay.
fn next_choice(
    selector: &Selector<'_>,
    timeline: &BeatTimeline,
    sections: &SectionMap,
    plan: &[PlannedBar],
    b: usize,
    energy: f64,
) -> Choice {
    let prev = plan
        .last()
        .filter(|_| sections.same_instance(b.wrapping_sub(1), b));
    if let Some(c) = prev.and_then(|p| selector.continuation(&p.choice, p.bar.n_beats)) {
        return c;
    }
    let history: Vec<Choice> = plan.iter().map(|p| p.choice).collect();
    let mut avoid: Vec<Choice> = history.last().copied().into_iter().collect();
    let next = sections.replay_source(b + 1).and_then(|s| plan.get(s));
    avoid.extend(next.map(|p| p.choice));
    let first_beat = plan.last().map_or(0, |p| p.bar.first_beat + p.bar.n_beats);
    selector.choose(&BarContext {
        ordinal: b,
        energy,
        period_secs: timeline.period_at(first_beat).unwrap_or(0.5),
        history: &history,
        prev_bar_beats: plan.last().map_or(0, |p| p.bar.n_beats),
        avoid: &avoid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(move_index: usize) -> Choice {
        Choice {
            move_index,
            mirrored: false,
            offset_beats: 0,
            time_scale: 1,
        }
    }

    #[test]
    fn levels_split_energy_in_thirds() {
        assert_eq!(
            [0.0, 0.33, 0.34, 0.66, 0.67, 1.0].map(level),
            [1, 1, 2, 2, 3, 3]
        );
    }

    #[test]
    fn weighted_pick_follows_the_cumulative_weights() {
        let c = [(choice(0), 1.0), (choice(1), 3.0)];
        assert_eq!(weighted_pick(&c, 0.0), Some(choice(0)));
        assert_eq!(weighted_pick(&c, 0.24), Some(choice(0)));
        assert_eq!(weighted_pick(&c, 0.26), Some(choice(1)));
        assert_eq!(weighted_pick(&c, 0.999), Some(choice(1)));
        assert_eq!(weighted_pick(&[], 0.5), None);
    }

    #[test]
    fn long_moves_continue_and_fast_beats_halve_up_beat_moves() {
        let library = MoveLibrary::standard();
        let cfg = ProceduralConfig::default();
        let s = Selector {
            library: &library,
            cfg: &cfg,
        };
        let eight = library.index_of("power_combo").unwrap();
        let cont = s.continuation(&choice(eight), 4).unwrap();
        assert_eq!(cont.offset_beats, 4);
        assert_eq!(s.continuation(&cont, 4), None);
        assert_eq!(
            s.continuation(&choice(library.index_of("clap").unwrap()), 4),
            None
        );
        // clap has up-beat keys, sway does not.
        let clap = library.index_of("clap").unwrap();
        let sway = library.index_of("sway").unwrap();
        assert_eq!(s.time_scale(clap, 0.5), 1);
        assert_eq!(s.time_scale(clap, 0.3), 2);
        assert_eq!(s.time_scale(sway, 0.3), 1);
        // Half-time: beat 1 of the bar dances move beat 0.5, on the beat.
        let half = Choice {
            time_scale: 2,
            ..choice(clap)
        };
        assert_eq!(half.move_window(1, 1), (0.5, 0.5));
        assert_eq!(half.move_window(2, 1), (0.0, 0.5));
    }

    #[test]
    fn a_draw_never_repeats_the_avoided_variant_and_is_seeded() {
        let library = MoveLibrary::standard();
        let cfg = ProceduralConfig::default();
        let s = Selector {
            library: &library,
            cfg: &cfg,
        };
        let prev = choice(library.index_of("bounce").unwrap());
        for ordinal in 0..200 {
            let bar = BarContext {
                ordinal,
                energy: 0.1,
                period_secs: 0.5,
                history: &[prev],
                prev_bar_beats: 4,
                avoid: &[prev],
            };
            let c = s.choose(&bar);
            assert!(!c.same_variant(&prev));
            assert_eq!(s.choose(&bar), c);
        }
    }
}
