//! Downbeats: which beats start a bar, and how many beats a bar has (3 or 4).
//!
//! Works on beat-synchronous features, in the spirit of Goto 2001 ("An audio-based real-time
//! beat tracking system for music with or without drum-sounds": bass drums and chord changes
//! mark bar starts) and Davies & Plumbley 2006 ("A spectral difference approach to downbeat
//! extraction"): for every beat, the bass-band onset strength near it and the spectral change
//! from the previous beat. Each hypothesis (beats per bar `M`, bar phase `o`) is scored by how
//! much more of the feature the beats with `i ≡ o (mod M)` carry than the others; the best
//! hypothesis fixes the bar for the whole piece (popular music rarely changes meter). A small
//! bias favours 4/4, the overwhelmingly common meter, when the evidence is equal.

use super::OnsetEnvelope;

/// Meters considered, in beats per bar.
pub const METERS: [u32; 2] = [3, 4];
/// Score handicap of 3/4 against 4/4 (in units of the normalised feature).
const TRIPLE_METER_HANDICAP: f64 = 0.05;
/// Half width of the window around a beat in which its onset strength is read (frames).
const PEAK_HALF_WIDTH_FRAMES: usize = 3;

/// Bar structure of a beat sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    /// Beats per bar.
    pub beats_per_bar: u32,
    /// Position of each beat in its bar, 1 = downbeat.
    pub positions: Vec<u32>,
}

/// Largest value of `x` within `±PEAK_HALF_WIDTH_FRAMES` of `i`.
fn peak_near(x: &[f32], i: usize) -> f64 {
    let lo = i.saturating_sub(PEAK_HALF_WIDTH_FRAMES);
    let hi = (i + PEAK_HALF_WIDTH_FRAMES + 1).min(x.len());
    f64::from(
        x.get(lo..hi)
            .unwrap_or(&[])
            .iter()
            .copied()
            .fold(0.0, f32::max),
    )
}

/// Scales a feature to zero mean and unit standard deviation (all zeros if constant).
fn standardise(x: &mut [f64]) {
    let n = x.len().max(1) as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    for v in x.iter_mut() {
        *v = if sd > 0.0 { (*v - mean) / sd } else { 0.0 };
    }
}

/// Per-beat downbeat evidence: standardised bass onset plus standardised all-band onset.
pub fn beat_features(beat_frames: &[usize], env: &OnsetEnvelope) -> Vec<f64> {
    let mut bass: Vec<f64> = match env.bands.first() {
        Some(b) => beat_frames.iter().map(|&i| peak_near(b, i)).collect(),
        None => vec![0.0; beat_frames.len()],
    };
    let mut full: Vec<f64> = beat_frames
        .iter()
        .map(|&i| peak_near(&env.strength, i))
        .collect();
    standardise(&mut bass);
    standardise(&mut full);
    bass.iter().zip(&full).map(|(b, f)| 2.0 * b + f).collect()
}

/// Mean of `feature` on beats `i ≡ phase (mod meter)` minus the mean on the other beats.
fn contrast(feature: &[f64], meter: usize, phase: usize) -> f64 {
    let (mut on, mut off, mut n_on, mut n_off) = (0.0, 0.0, 0usize, 0usize);
    for (i, &v) in feature.iter().enumerate() {
        if i % meter == phase {
            on += v;
            n_on += 1;
        } else {
            off += v;
            n_off += 1;
        }
    }
    if n_on == 0 || n_off == 0 {
        return 0.0;
    }
    on / n_on as f64 - off / n_off as f64
}

/// Chooses meter and bar phase from per-beat evidence `feature`.
pub fn infer_bars(feature: &[f64]) -> Bars {
    let mut best = (4usize, 0usize, f64::NEG_INFINITY);
    for meter in METERS {
        let m = meter as usize;
        for phase in 0..m {
            let handicap = if m == 3 { TRIPLE_METER_HANDICAP } else { 0.0 };
            let score = contrast(feature, m, phase) - handicap;
            if score > best.2 {
                best = (m, phase, score);
            }
        }
    }
    let (meter, phase, _) = best;
    let positions = (0..feature.len())
        .map(|i| ((i + meter - phase) % meter) as u32 + 1)
        .collect();
    Bars {
        beats_per_bar: meter as u32,
        positions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope_with_accents(
        n_beats: usize,
        meter: usize,
        first_down: usize,
    ) -> (Vec<usize>, OnsetEnvelope) {
        let beats: Vec<usize> = (0..n_beats).map(|i| 20 + 50 * i).collect();
        let n = 20 + 50 * n_beats;
        let mut strength = vec![0.0f32; n];
        let mut bass = vec![0.0f32; n];
        for (i, &b) in beats.iter().enumerate() {
            strength[b] = 1.0;
            if i % meter == first_down {
                bass[b] = 1.0;
                strength[b] = 1.5;
            } else {
                bass[b] = 0.1 + 0.05 * (i % 2) as f32;
            }
        }
        let env = OnsetEnvelope {
            frame_rate_hz: 100.0,
            t0_secs: 0.0,
            strength,
            bands: vec![bass],
        };
        (beats, env)
    }

    #[test]
    fn finds_three_four_and_four_four() {
        for (meter, first) in [(3, 1), (4, 2), (4, 0), (3, 0)] {
            let (beats, env) = envelope_with_accents(24, meter, first);
            let bars = infer_bars(&beat_features(&beats, &env));
            assert_eq!(bars.beats_per_bar as usize, meter);
            assert_eq!(bars.positions[first], 1);
            assert_eq!(bars.positions[first + 1], 2);
        }
    }
}
