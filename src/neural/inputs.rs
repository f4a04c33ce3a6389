//! What a network reads per frame: named columns of the music features.
//!
//! Columns are named as in [`MusicFeatures::column_names`] (`log_mel_db_0`, `onset_strength`,
//! …), plus four derived ones: `beat_phase_sin`, `beat_phase_cos`, `bar_phase_sin`,
//! `bar_phase_cos`. The phases are encoded on the unit circle because the raw sawtooth jumps
//! from 1 to 0 on every beat, which a network would read as a large change where there is
//! none. They are computed from the beat times the generator is given, so live, predicted
//! beats ahead of the playhead still drive the phase there. Frames past the end of the known
//! features are `NaN` in the other columns; after standardisation they become 0, the training
//! mean ([`standardise`]).

use std::ops::Range;

use crate::analysis::chroma::N_CHROMA;
use crate::analysis::features::phase::phase_at;
use crate::analysis::features::MusicFeatures;
use crate::analysis::mfcc::N_MFCC;
use crate::choreography::windows::ColumnStats;

/// The derived phase columns.
pub const PHASE_COLUMNS: [&str; 4] = [
    "beat_phase_sin",
    "beat_phase_cos",
    "bar_phase_sin",
    "bar_phase_cos",
];

/// The default inputs: every log-mel band, onset strength, RMS, and the four phase columns.
pub fn default_columns(n_mels: usize) -> Vec<String> {
    let mut names: Vec<String> = (0..n_mels).map(|b| format!("log_mel_db_{b}")).collect();
    names.extend(["onset_strength", "rms"].map(str::to_owned));
    names.extend(PHASE_COLUMNS.map(str::to_owned));
    names
}

#[derive(Debug, Clone, Copy)]
enum Source {
    Matrix(usize),
    Phase { bar: bool, cos: bool },
}

fn resolve(name: &str, matrix_names: &[String]) -> Option<Source> {
    if let Some(i) = PHASE_COLUMNS.iter().position(|p| *p == name) {
        return Some(Source::Phase {
            bar: i >= 2,
            cos: i % 2 == 1,
        });
    }
    matrix_names
        .iter()
        .position(|n| n == name)
        .map(Source::Matrix)
}

/// Value `i` of [`MusicFeatures::to_matrix`]'s row `k`, read in place (the documented
/// `dancebot.features.v1` order), or `None` past the known frames.
fn matrix_value(f: &MusicFeatures, i: usize, k: usize) -> Option<f32> {
    let (mel, mfcc, chroma) = (2, 2 + f.n_mels, 2 + f.n_mels + N_MFCC);
    let tail = chroma + N_CHROMA;
    match i {
        0 => f.onset_strength.get(k).copied(),
        1 => f.rms.get(k).copied(),
        _ if i < mfcc => f.log_mel_db.get(k).and_then(|r| r.get(i - mel)).copied(),
        _ if i < chroma => f.mfcc.get(k).map(|r| r[i - mfcc]),
        _ if i < tail => f.chroma.get(k).map(|r| r[i - chroma]),
        _ if i == tail => f.beat_phase.get(k).copied(),
        _ if i == tail + 1 => f.bar_phase.get(k).copied(),
        _ => f.section_index.get(k).map(|&s| s as f32),
    }
}

/// The input matrix (`frames.len() × columns.len()`, row-major) of `frames` at the features'
/// rate. `beats_secs` and `downbeats_secs` drive the phase columns. Errors name the first
/// column the features do not have.
pub fn input_matrix(
    columns: &[String],
    features: &MusicFeatures,
    beats_secs: &[f64],
    downbeats_secs: &[f64],
    frames: Range<usize>,
) -> Result<Vec<f32>, String> {
    let matrix_names = features.column_names();
    let sources = columns
        .iter()
        .map(|c| {
            resolve(c, &matrix_names).ok_or_else(|| {
                format!(
                    "the music features have no column `{c}` (they have {} columns: {}, …)",
                    matrix_names.len(),
                    matrix_names[..3.min(matrix_names.len())].join(", ")
                )
            })
        })
        .collect::<Result<Vec<Source>, String>>()?;
    let mut out = Vec::with_capacity(frames.len() * columns.len());
    for k in frames {
        let t_secs = k as f64 / features.fps;
        let (beat, bar) = (
            phase_at(beats_secs, t_secs),
            phase_at(downbeats_secs, t_secs),
        );
        for source in &sources {
            out.push(match *source {
                Source::Matrix(i) if k < features.n_frames => {
                    matrix_value(features, i, k).unwrap_or(f32::NAN)
                }
                Source::Matrix(_) => f32::NAN,
                Source::Phase { bar: is_bar, cos } => {
                    let angle = std::f32::consts::TAU * if is_bar { bar } else { beat };
                    if cos {
                        angle.cos()
                    } else {
                        angle.sin()
                    }
                }
            });
        }
    }
    Ok(out)
}

/// Standardises `rows` with `stats` and replaces unknown (`NaN`) values by 0, the mean.
pub fn standardise(stats: &ColumnStats, rows: &mut [f32]) {
    stats.apply(rows);
    for v in rows.iter_mut() {
        if !v.is_finite() {
            *v = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::features::{extract, FeatureConfig};
    use crate::analysis::BeatGrid;

    #[test]
    fn matrix_selects_named_columns_and_encodes_phases() {
        let samples: Vec<f32> = (0..22_050).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
        let features = extract(&samples, &BeatGrid::default(), &FeatureConfig::default()).unwrap();
        let columns = vec![
            "rms".to_owned(),
            "beat_phase_sin".to_owned(),
            "beat_phase_cos".to_owned(),
        ];
        let beats = [0.0, 0.4, 0.8];
        let m = input_matrix(&columns, &features, &beats, &[], 0..40).unwrap();
        assert_eq!(m.len(), 40 * 3);
        assert!((m[0] - features.rms[0]).abs() < 1e-9);
        // Frame 3 is 0.1 s = a quarter beat: phase 0.25 → (sin, cos) = (1, 0).
        assert!((m[3 * 3 + 1] - 1.0).abs() < 1e-5 && m[3 * 3 + 2].abs() < 1e-5);
        // Past the features (30 frames) the feature column is unknown, the phase still known.
        assert!(m[35 * 3].is_nan() && m[35 * 3 + 2].is_finite());
        let err = input_matrix(&["tempo".to_owned()], &features, &[], &[], 0..1).unwrap_err();
        assert!(err.contains("`tempo`"), "{err}");
        let n = default_columns(64);
        assert_eq!(n.len(), 70);
        assert!(input_matrix(&n, &features, &[], &[], 0..2).is_ok());
        // Every feature column, read in place, equals the documented matrix.
        let all = features.column_names();
        let whole = features.to_matrix();
        let read = input_matrix(&all, &features, &[], &[], 0..features.n_frames).unwrap();
        assert_eq!(read, whole);
        let tail = input_matrix(&all, &features, &[], &[], 20..30).unwrap();
        assert_eq!(tail, whole[20 * all.len()..30 * all.len()]);
    }
}
