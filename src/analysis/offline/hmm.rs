//! Beat tracking with a bar-pointer hidden Markov model, decoded by Viterbi.
//!
//! The state space is the efficient one of Krebs, Böck & Widmer 2015 ("An efficient
//! state-space model for joint tempo and meter tracking", ISMIR), itself a discretisation of
//! the bar pointer of Whiteley, Cemgil & Godsill 2006: a state is `(tempo k, phase φ)` where
//! tempo `k` has an integer beat interval of `τ_k` frames and `φ ∈ 0..τ_k` counts frames since
//! the last beat. The phase advances by one every frame; only at the end of a beat
//! (`φ = τ_k − 1 → 0`) may the tempo change, with probability `∝ exp(−λ |τ_j / τ_k − 1|)`
//! (madmom uses λ = 100; 300, steadier, measured better here). So each state has one predecessor except the beat states, and Viterbi over a
//! 30 s file (≈ 3 000 frames × ≈ 5 000 states) takes milliseconds.
//!
//! Observation model (madmom's `RNNBeatTrackingObservationModel`): the first `1/λ_obs` of each
//! beat is the "beat" region, scored `ln a_t`; the rest scores `ln((1 − a_t) / (λ_obs − 1))`,
//! where `a_t` is the beat activation. A log-normal tempo prior is added at every beat
//! boundary so that, among metrical levels the activation fits equally, the one nearest the
//! usual tapping rate wins.

use serde::{Deserialize, Serialize};

use crate::analysis::tempo::log_prior;

/// Settings of the bar-pointer HMM. Tuned on real music; change only with a benchmark run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HmmConfig {
    /// Slowest tempo the model can represent.
    pub min_bpm: f64,
    /// Fastest tempo the model can represent.
    pub max_bpm: f64,
    /// Tempo-change stiffness λ (larger = steadier tempo).
    pub transition_lambda: f64,
    /// Fraction `1/λ_obs` of a beat that counts as the beat region.
    pub observation_lambda: f64,
    /// Weight of the log-normal tempo prior, paid at every beat.
    pub tempo_prior_weight: f64,
    /// Centre of the tempo prior.
    pub tempo_prior_centre_bpm: f64,
    /// Width of the tempo prior in octaves.
    pub tempo_prior_sigma_octaves: f64,
}

impl Default for HmmConfig {
    fn default() -> Self {
        Self {
            min_bpm: 55.0,
            max_bpm: 215.0,
            transition_lambda: 300.0,
            observation_lambda: 20.0,
            tempo_prior_weight: 1.0,
            tempo_prior_centre_bpm: 100.0,
            tempo_prior_sigma_octaves: 1.0,
        }
    }
}

/// Tempo transitions less likely than `exp(-this)` (a tempo jump of more than 12 % at one
/// beat for λ = 100; 4 % for the default 300) are pruned; they never win and would double the decoding time.
const MAX_TRANSITION_PENALTY: f64 = 12.0;

/// Transitions into the beat state of each tempo, stored as a band. A tempo can only be
/// entered from near neighbours, so row `d` holds, for every target tempo `k`, the log
/// probability of coming from tempo `k + d − below` (`−∞` where there is no such transition):
/// the Viterbi step then runs row by row over all tempos at once, a loop of independent lanes
/// that vectorizes, instead of one short dependent max-chain per tempo.
#[derive(Debug, Clone)]
struct Entries {
    k_count: usize,
    /// How many tempos below the target the band reaches.
    below: usize,
    /// `rows × k_count` log probabilities, row by row.
    log_p: Vec<f64>,
    /// Per row, the target tempos from its first to its last transition: the rest of the row
    /// is `−∞` and is skipped (far rows only reach the slow tempos, whose jumps span more).
    spans: Vec<std::ops::Range<usize>>,
}

impl Entries {
    /// Lays out `(from tempo, log probability)` lists, one per target tempo, as a band.
    fn from_lists(into: &[Vec<(usize, f64)>]) -> Self {
        let k_count = into.len();
        let reach = |below: bool| {
            let per_source = into.iter().enumerate().flat_map(|(k, from)| {
                from.iter().map(move |&(j, _)| {
                    if below {
                        k.saturating_sub(j)
                    } else {
                        j.saturating_sub(k)
                    }
                })
            });
            per_source.max().unwrap_or(0)
        };
        let (below, above) = (reach(true), reach(false));
        let rows = below + above + 1;
        let mut log_p = vec![f64::NEG_INFINITY; rows * k_count];
        for (k, from) in into.iter().enumerate() {
            for &(j, lp) in from {
                log_p[(j + below - k) * k_count + k] = lp;
            }
        }
        let spans = log_p
            .chunks_exact(k_count.max(1))
            .map(|row| {
                let first = row.iter().position(|lp| lp.is_finite()).unwrap_or(0);
                let end = row
                    .iter()
                    .rposition(|lp| lp.is_finite())
                    .map_or(0, |k| k + 1);
                first..end.max(first)
            })
            .collect();
        Self {
            k_count,
            below,
            log_p,
            spans,
        }
    }

    /// Length of the padded source scores [`Entries::best`] reads: `below` slots of `−∞`, one
    /// per tempo, then `above` more.
    fn padded_len(&self) -> usize {
        (self.log_p.len() / self.k_count.max(1) + self.k_count).saturating_sub(1)
    }

    /// For every target tempo `k`, the best `(from tempo, score)` over its transitions, where
    /// `padded[below + j]` is the score of leaving tempo `j`; the first (lowest `j`) of equals,
    /// and `(0, −∞)` when there is none. Rows run in increasing `j` and only a strictly better
    /// score replaces the best, as a per-tempo scan in source order would.
    fn best(&self, padded: &[f64], best: &mut [f64], from: &mut [u64]) {
        best.fill(f64::NEG_INFINITY);
        from.fill(self.below as u64);
        let rows = self
            .log_p
            .chunks_exact(self.k_count.max(1))
            .zip(&self.spans);
        for (d, (row, span)) in rows.enumerate() {
            let (lo, hi) = (span.start, span.end);
            let (Some(sources), Some(row)) = (padded.get(d + lo..d + hi), row.get(lo..hi)) else {
                continue;
            };
            let lanes = best[lo..hi]
                .iter_mut()
                .zip(&mut from[lo..hi])
                .zip(sources.iter().zip(row));
            for (k, ((b, f), (&end, &lp))) in lanes.enumerate() {
                // Branch-free select (all ones where strictly better): the compiler keeps it
                // a vector blend, where an `if` became a branch and a store per lane.
                let v = end + lp;
                let take = u64::from(v > *b).wrapping_neg();
                *b = f64::from_bits((b.to_bits() & !take) | (v.to_bits() & take));
                *f = (*f & !take) | ((d + lo + k) as u64 & take);
            }
        }
        for f in from.iter_mut() {
            *f -= self.below as u64;
        }
    }
}

/// The `(tempo, phase)` states laid out tempo by tempo.
#[derive(Debug, Clone)]
struct StateSpace {
    /// Beat interval of each tempo in frames.
    intervals: Vec<usize>,
    /// Index of state `(k, 0)`.
    offsets: Vec<usize>,
    /// Number of leading phases of each tempo in the beat region; never decreasing, as the
    /// intervals increase.
    beat_region: Vec<usize>,
    n_states: usize,
}

impl StateSpace {
    fn new(frame_rate_hz: f64, cfg: &HmmConfig) -> Self {
        let lo = (60.0 * frame_rate_hz / cfg.max_bpm).floor().max(2.0) as usize;
        let hi = ((60.0 * frame_rate_hz / cfg.min_bpm).ceil() as usize).max(lo);
        let intervals: Vec<usize> = (lo..=hi).collect();
        let mut offsets = Vec::with_capacity(intervals.len());
        let mut n_states = 0;
        for &tau in &intervals {
            offsets.push(n_states);
            n_states += tau;
        }
        let beat_region = intervals
            .iter()
            .map(|&tau| ((tau as f64 / cfg.observation_lambda).ceil() as usize).clamp(1, tau))
            .collect();
        Self {
            intervals,
            offsets,
            beat_region,
            n_states,
        }
    }

    /// Sparse log transitions into each tempo's beat state, including the tempo prior.
    fn entries(&self, frame_rate_hz: f64, cfg: &HmmConfig) -> Entries {
        Entries::from_lists(&self.transition_lists(frame_rate_hz, cfg))
    }

    /// Per target tempo, its `(from tempo, log probability)` transitions in increasing `from`.
    fn transition_lists(&self, frame_rate_hz: f64, cfg: &HmmConfig) -> Vec<Vec<(usize, f64)>> {
        let k_count = self.intervals.len();
        let mut into: Vec<Vec<(usize, f64)>> = vec![Vec::new(); k_count];
        for (j, &from) in self.intervals.iter().enumerate() {
            let probs: Vec<f64> = self
                .intervals
                .iter()
                .map(|&to| {
                    let penalty = cfg.transition_lambda * (to as f64 / from as f64 - 1.0).abs();
                    if penalty <= MAX_TRANSITION_PENALTY {
                        (-penalty).exp()
                    } else {
                        0.0
                    }
                })
                .collect();
            let total: f64 = probs.iter().sum();
            for (k, p) in probs.iter().enumerate() {
                let p = p / total;
                if p > 0.0 {
                    let bpm = 60.0 * frame_rate_hz / self.intervals[k] as f64;
                    let prior = log_prior(
                        bpm,
                        cfg.tempo_prior_centre_bpm,
                        cfg.tempo_prior_sigma_octaves,
                    );
                    into[k].push((j, p.ln() + cfg.tempo_prior_weight * prior));
                }
            }
        }
        into
    }
}

/// A decoded path: tempo index and phase at every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct BeatPath {
    /// Beat interval (frames) of the tempo at each frame.
    pub interval_frames: Vec<usize>,
    /// Frames since the last beat at each frame.
    pub phase_frames: Vec<usize>,
    /// Whether each frame lies in a beat region.
    pub in_beat_region: Vec<bool>,
}

/// Viterbi decoding of the bar-pointer HMM over `activation` (values in `0..=1`).
///
/// Three tricks keep it to a few operations per beat state and frame. Each tempo's phases live
/// in a ring indexed by `(φ − t) mod τ`, so advancing the phase moves no data: the slot that
/// held `φ = τ − 1` at `t` becomes `φ = 0` at `t + 1` and takes the best tempo transition.
/// Since every non-beat state gets the same observation score, only the difference
/// `ln a − ln((1 − a)/(λ_obs − 1))` is added, to the beat-region states; the common part
/// shifts all scores alike and cannot change the arg max. And since the whole activation is
/// known, a slot entering its beat region at frame `t` gets the gains of frames
/// `t .. t + region` added at once, one after the other as frame-by-frame decoding would add
/// them (so the sums are bit for bit the same): nothing reads a slot before its region ends
/// (transitions read phase `τ − 1`; the region is at most `τ`) except the final arg max, and
/// at the end of the signal the run of gains stops there too. This replaced a short,
/// wrapping add over the region of every tempo every frame, whose varying lengths were
/// mispredicted branches.
pub fn decode(activation: &[f32], frame_rate_hz: f64, cfg: &HmmConfig) -> Option<BeatPath> {
    let n = activation.len();
    if n == 0 {
        return None;
    }
    let space = StateSpace::new(frame_rate_hz, cfg);
    let entries = space.entries(frame_rate_hz, cfg);
    let k_count = space.intervals.len();
    let mut delta = vec![0.0f64; space.n_states];
    let mut links = vec![0u16; n * k_count];
    // Score of leaving each tempo's last phase, padded with −∞ for the band (see `Entries`),
    // and the best transition into each tempo's beat state.
    let mut ends = vec![f64::NEG_INFINITY; entries.padded_len()];
    let (mut best, mut from) = (vec![0.0f64; k_count], vec![0u64; k_count]);
    // heads[k]: ring position of phase 0 of tempo k at the current frame, `(−t) mod τ_k`,
    // stepped by one per frame (a division per tempo and frame cost a third of the decoding).
    let mut heads = vec![0usize; k_count];
    let gains: Vec<f64> = activation
        .iter()
        .map(|&a| observation_gain(a, cfg.observation_lambda))
        .collect();
    // At t = 0 slot φ holds phase φ; in the region it gains frames 0 ..= region − 1 − φ.
    for (&off, &tau, &region) in space.tempos() {
        let ring = &mut delta[off..off + tau];
        for (phase, slot) in ring.iter_mut().enumerate().take(region) {
            *slot = with_gains(0.0, &gains, 0, region - phase);
        }
    }
    // region_from[i]: the first tempo whose beat region is longer than i phases. Regions
    // grow with the interval, so those tempos are all from there on.
    let max_region = space.beat_region.iter().copied().max().unwrap_or(0);
    let region_from: Vec<usize> = (0..max_region)
        .map(|i| space.beat_region.partition_point(|&r| r <= i))
        .collect();
    for t in 1..n {
        // The slot of phase τ − 1 at t − 1 becomes phase 0 at t: read it before overwriting.
        let tempo_ends = ends.iter_mut().skip(entries.below);
        for ((e, h), (&off, &tau, _)) in tempo_ends.zip(heads.iter_mut()).zip(space.tempos()) {
            *h = if *h == 0 { tau - 1 } else { *h - 1 };
            *e = delta[off + *h];
        }
        entries.best(&ends, &mut best, &mut from);
        // Each entry score takes the gains of frames t, t + 1, … of its region, in that
        // order; gain by gain over all tempos at once, as independent vector lanes rather
        // than one short dependent chain per tempo.
        for (&first, &g) in region_from.iter().zip(gains.get(t..).unwrap_or(&[])) {
            for b in best.get_mut(first..).unwrap_or(&mut []) {
                *b += g;
            }
        }
        let frame_links = &mut links[t * k_count..(t + 1) * k_count];
        let per_tempo = frame_links
            .iter_mut()
            .zip(&heads)
            .zip(best.iter().zip(&from));
        for (((link, &head), (&score, &j)), (&off, _, _)) in per_tempo.zip(space.tempos()) {
            *link = j as u16;
            delta[off + head] = score;
        }
    }
    Some(backtrack(&delta, &links, &space))
}

impl StateSpace {
    /// `(offset, τ, beat region)` of every tempo.
    fn tempos(&self) -> impl Iterator<Item = (&usize, &usize, &usize)> {
        self.offsets
            .iter()
            .zip(&self.intervals)
            .zip(&self.beat_region)
            .map(|((o, t), r)| (o, t, r))
    }
}

/// `score` plus the gains of frames `from .. from + count` (those that exist), added one at a
/// time in frame order.
fn with_gains(score: f64, gains: &[f64], from: usize, count: usize) -> f64 {
    let end = (from + count).min(gains.len());
    gains
        .get(from..end)
        .unwrap_or(&[])
        .iter()
        .fold(score, |acc, &g| acc + g)
}

/// Log ratio of the beat and non-beat observation probabilities of activation `a`.
fn observation_gain(a: f32, observation_lambda: f64) -> f64 {
    let a = f64::from(a).clamp(1e-6, 1.0 - 1e-6);
    a.ln() - ((1.0 - a) / (observation_lambda - 1.0)).ln()
}

/// Follows the back links from the best final state.
fn backtrack(delta: &[f64], links: &[u16], space: &StateSpace) -> BeatPath {
    let k_count = space.intervals.len();
    let n = links.len() / k_count;
    let best = (0..delta.len())
        .max_by(|&a, &b| delta[a].total_cmp(&delta[b]))
        .unwrap_or(0);
    let mut k = space.offsets.partition_point(|&o| o <= best) - 1;
    let tau = space.intervals[k];
    let mut phase = (best - space.offsets[k] + (n - 1)) % tau;
    let mut path = BeatPath {
        interval_frames: vec![0; n],
        phase_frames: vec![0; n],
        in_beat_region: vec![false; n],
    };
    for t in (0..n).rev() {
        path.interval_frames[t] = space.intervals[k];
        path.phase_frames[t] = phase;
        path.in_beat_region[t] = phase < space.beat_region[k];
        if t == 0 {
            break;
        }
        if phase > 0 {
            phase -= 1;
        } else {
            k = usize::from(links[t * k_count + k]);
            phase = space.intervals[k] - 1;
        }
    }
    path
}

/// Beat frames of a decoded path: in each beat region, the frame of highest activation.
pub fn beats_from_path(path: &BeatPath, activation: &[f32]) -> Vec<usize> {
    let mut beats = Vec::new();
    let mut t = 0;
    let n = path.in_beat_region.len();
    while t < n {
        if !path.in_beat_region[t] {
            t += 1;
            continue;
        }
        let start = t;
        while t < n && path.in_beat_region[t] && (t == start || path.phase_frames[t] > 0) {
            t += 1;
        }
        let peak = (start..t)
            .max_by(|&a, &b| activation[a].total_cmp(&activation[b]))
            .unwrap_or(start);
        beats.push(peak);
    }
    beats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulse_activation(n: usize, beats: &[usize]) -> Vec<f32> {
        let mut act = vec![0.02f32; n];
        for &b in beats {
            act[b] = 0.9;
        }
        act
    }

    /// The first-of-equals best transition by a plain scan of each tempo's list.
    fn best_by_scan(into: &[Vec<(usize, f64)>], ends: &[f64]) -> Vec<(usize, f64)> {
        into.iter()
            .map(|from| {
                let mut best = (0usize, f64::NEG_INFINITY);
                for &(j, lp) in from {
                    if ends[j] + lp > best.1 {
                        best = (j, ends[j] + lp);
                    }
                }
                best
            })
            .collect()
    }

    #[test]
    fn banded_transitions_match_a_scan_of_each_list() {
        let space = StateSpace::new(100.0, &HmmConfig::default());
        let into = space.transition_lists(100.0, &HmmConfig::default());
        let entries = Entries::from_lists(&into);
        let k_count = into.len();
        // Ties everywhere (all equal), then distinct values.
        for ends in [
            vec![0.5; k_count],
            (0..k_count)
                .map(|k| ((k * 7919) % 101) as f64 * 0.25)
                .collect(),
        ] {
            let mut padded = vec![f64::NEG_INFINITY; entries.padded_len()];
            padded[entries.below..entries.below + k_count].copy_from_slice(&ends);
            let (mut best, mut from) = (vec![0.0; k_count], vec![0u64; k_count]);
            entries.best(&padded, &mut best, &mut from);
            let banded: Vec<(usize, f64)> =
                from.into_iter().map(|j| j as usize).zip(best).collect();
            assert_eq!(banded, best_by_scan(&into, &ends));
        }
    }

    #[test]
    fn decodes_a_steady_pulse() {
        let truth: Vec<usize> = (30..1500).step_by(50).collect();
        let act = pulse_activation(1500, &truth);
        let path = decode(&act, 100.0, &HmmConfig::default()).unwrap();
        assert_eq!(beats_from_path(&path, &act), truth);
        assert!(path.interval_frames[700] == 50);
    }

    #[test]
    fn follows_a_tempo_change() {
        // 50-frame beats, then a 10 % speed-up over five beats (2 % per beat), then 45.
        let mut truth: Vec<usize> = (30..800).step_by(50).collect();
        for gap in [49, 48, 47, 46] {
            let last = *truth.last().unwrap();
            truth.push(last + gap);
        }
        let last = *truth.last().unwrap();
        truth.extend((1..20).map(|i| last + 45 * i));
        let act = pulse_activation(last + 45 * 20, &truth);
        let path = decode(&act, 100.0, &HmmConfig::default()).unwrap();
        let beats = beats_from_path(&path, &act);
        assert_eq!(beats, truth);
    }
}
