//! The lead melody: a seeded phrase per kind of section.
//!
//! Chord tones fall on the beats and scale steps between them, in a singable range (the fifth
//! above the tonic up an octave and a half); rhythms are drawn per beat from a few cells, busy
//! for the chorus hook and sparse for the bridge. The phrase (up to four bars) repeats to fill
//! its section, which gives the chorus its recognisable hook.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::score::{Hit, Instrument};
use super::spec::{SectionKind, SongSpec};
use super::theory::{chord_root, triad, Key};

/// A seeded melody phrase of up to four bars, repeated to fill the section: chord tones on
/// the beats, scale steps between them, the phrase's last note held to the bar's end.
pub(crate) fn melody(spec: &SongSpec, key: Key, kind: SectionKind, bars: u32) -> Vec<Hit> {
    let beats_per_bar = f64::from(spec.beats_per_bar);
    let mut rng = section_rng(spec.seed, kind);
    let phrase_bars = bars.min(4);
    let mut degree = 7;
    let mut phrase: Vec<Hit> = Vec::new();
    for bar in 0..phrase_bars {
        let chord = triad(chord_root(kind, bar));
        for beat in 0..spec.beats_per_bar {
            let first = bar == 0 && beat == 0;
            for (offset, len) in rhythm_cell(kind, first, &mut rng) {
                degree = if offset == 0.0 {
                    nearest_chord_tone(chord, degree, &mut rng)
                } else {
                    (degree + [-2, -1, -1, 1, 1, 2][rng.gen_range(0..6)]).clamp(4, 13)
                };
                let at = f64::from(bar) * beats_per_bar + f64::from(beat) + offset;
                phrase.push(Hit {
                    at_beats: at,
                    instrument: Instrument::Lead,
                    midi: key.midi(degree),
                    len_beats: 0.9 * len,
                    velocity: if offset == 0.0 { 0.9 } else { 0.75 },
                });
            }
        }
    }
    let phrase_len = f64::from(phrase_bars) * beats_per_bar;
    if let Some(last) = phrase.last_mut() {
        last.len_beats = phrase_len - last.at_beats - 0.1;
    }
    let repeats = bars.div_ceil(phrase_bars);
    (0..repeats)
        .flat_map(|r| {
            phrase.iter().map(move |hit| Hit {
                at_beats: hit.at_beats + f64::from(r) * phrase_len,
                ..*hit
            })
        })
        .filter(|hit| hit.at_beats < f64::from(bars) * beats_per_bar)
        .collect()
}

/// The random stream of one kind of section, so every chorus draws the same melody.
fn section_rng(seed: u64, kind: SectionKind) -> ChaCha8Rng {
    let tag = kind as u64 + 1;
    ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ tag)
}

/// Notes inside one beat as (offset, length) in beats.
fn rhythm_cell(kind: SectionKind, first: bool, rng: &mut ChaCha8Rng) -> Vec<(f64, f64)> {
    const CELLS: [&[(f64, f64)]; 5] = [
        &[(0.0, 1.0)],
        &[(0.0, 0.5), (0.5, 0.5)],
        &[(0.0, 0.75), (0.75, 0.25)],
        &[(0.5, 0.5)],
        &[],
    ];
    // Weights per cell: the chorus hook is busy, the bridge sparse.
    let weights: [u32; 5] = match kind {
        SectionKind::Bridge => [4, 1, 0, 1, 3],
        _ => [3, 3, 1, 1, 1],
    };
    if first {
        return CELLS[0].to_vec();
    }
    let choices: Vec<usize> = (0..CELLS.len()).collect();
    let pick = choices
        .choose_weighted(rng, |&i| weights[i])
        .map_or(0, |&i| i);
    CELLS[pick].to_vec()
}

/// A chord tone (as a degree in 4..=13) near `degree`: the nearest or the second nearest.
fn nearest_chord_tone(chord: [i32; 3], degree: i32, rng: &mut ChaCha8Rng) -> i32 {
    let mut candidates: Vec<i32> = [-7, 0, 7, 14]
        .iter()
        .flat_map(|octave| chord.map(|tone| tone + octave))
        .filter(|d| (4..=13).contains(d))
        .collect();
    candidates.sort_by_key(|d| ((d - degree).abs(), *d));
    let pick = usize::from(rng.gen_bool(0.3));
    candidates
        .get(pick)
        .or(candidates.first())
        .copied()
        .unwrap_or(7)
}
