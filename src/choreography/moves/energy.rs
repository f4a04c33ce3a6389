//! The energy of the music in each bar, normalised within the song.
//!
//! A bar's raw values are the means of the feature frames inside it (from its first beat to
//! the next bar's first beat): RMS amplitude (loudness) and onset strength (how busy the
//! rhythm is). Each is mapped to 0..1 between its 10th and 90th percentile over the bars
//! whose features are known, so the quietest tenth of a song is calm and the loudest tenth
//! is power whatever the song's overall level. The bar's energy is the weighted mean of the
//! two. A bar with no known features (live, ahead of the playhead) takes the energy of the
//! last bar that has them, or 0.5 when none does.

use super::config::ProceduralConfig;
use super::timewarp::{Bar, BeatTimeline};
use crate::analysis::features::MusicFeatures;

/// Energy in 0..1 of each bar.
pub fn bar_energies(
    bars: &[Bar],
    timeline: &BeatTimeline,
    features: &MusicFeatures,
    cfg: &ProceduralConfig,
) -> Vec<f64> {
    let means: Vec<Option<(f64, f64)>> = bars
        .iter()
        .map(|bar| bar_means(bar, timeline, features))
        .collect();
    let rms = normalise(&means.iter().map(|m| m.map(|v| v.0)).collect::<Vec<_>>());
    let onset = normalise(&means.iter().map(|m| m.map(|v| v.1)).collect::<Vec<_>>());
    let total = cfg.rms_weight + cfg.onset_weight;
    let mut last_known = 0.5;
    rms.iter()
        .zip(&onset)
        .map(|(r, o)| match (r, o) {
            (Some(r), Some(o)) => {
                last_known = (cfg.rms_weight * r + cfg.onset_weight * o) / total;
                last_known
            }
            _ => last_known,
        })
        .collect()
}

/// Mean RMS and onset strength over the bar's feature frames, if any are known.
fn bar_means(bar: &Bar, timeline: &BeatTimeline, features: &MusicFeatures) -> Option<(f64, f64)> {
    let start = timeline.time_at(bar.first_beat as f64)?;
    let end = timeline.time_at((bar.first_beat + bar.n_beats) as f64)?;
    let n = features
        .n_frames
        .min(features.rms.len())
        .min(features.onset_strength.len());
    let frame = |t: f64| ((t * features.fps).ceil().max(0.0) as usize).min(n);
    let (k0, k1) = (frame(start), frame(end));
    if k1 <= k0 {
        return None;
    }
    let mean = |xs: &[f32]| xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64;
    let (rms, onset) = (
        mean(&features.rms[k0..k1]),
        mean(&features.onset_strength[k0..k1]),
    );
    (rms.is_finite() && onset.is_finite()).then_some((rms, onset))
}

/// Known values mapped to 0..1 between their 10th and 90th percentiles (0.5 when they do not
/// spread).
fn normalise(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut known: Vec<f64> = values.iter().flatten().copied().collect();
    known.sort_by(f64::total_cmp);
    if known.is_empty() {
        return values.to_vec();
    }
    let pct = |p: f64| known[((known.len() - 1) as f64 * p).round() as usize];
    let (lo, hi) = (pct(0.1), pct(0.9));
    values
        .iter()
        .map(|v| {
            v.map(|x| {
                if hi - lo > 1e-9 {
                    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
                } else {
                    0.5
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::features::{extract, FeatureConfig};
    use crate::analysis::BeatGrid;

    /// Features of a tone that is quiet for 4 s, then loud for 4 s (0.5 s beats).
    fn quiet_then_loud() -> (MusicFeatures, BeatTimeline) {
        let rate = 22_050.0;
        let samples: Vec<f32> = (0..(8.0 * rate) as usize)
            .map(|i| {
                let t = i as f64 / rate;
                let level = if t < 4.0 { 0.02 } else { 0.6 };
                (level * (2.0 * std::f64::consts::PI * 220.0 * t).sin()) as f32
            })
            .collect();
        let beats: Vec<f64> = (0..16).map(|i| f64::from(i) * 0.5).collect();
        let grid = BeatGrid {
            beats_secs: beats.clone(),
            ..BeatGrid::default()
        };
        let features = extract(&samples, &grid, &FeatureConfig::default()).unwrap();
        (features, BeatTimeline::new(&beats))
    }

    #[test]
    fn loud_bars_get_more_energy_than_quiet_ones() {
        let (features, timeline) = quiet_then_loud();
        let bars = timeline.bars(&[]);
        let cfg = ProceduralConfig {
            onset_weight: 0.0,
            ..ProceduralConfig::default()
        };
        let e = bar_energies(&bars, &timeline, &features, &cfg);
        assert_eq!(e.len(), 4);
        assert!(e[0] < 0.2 && e[1] < 0.2, "{e:?}");
        assert!(e[2] > 0.8, "{e:?}");
    }

    #[test]
    fn bars_past_the_known_features_take_the_last_known_energy() {
        let (mut features, timeline) = quiet_then_loud();
        // Only the first 5 s are known.
        features.n_frames = 150;
        let bars = timeline.bars(&[]);
        let cfg = ProceduralConfig::default();
        let e = bar_energies(&bars, &timeline, &features, &cfg);
        assert_eq!(e[3], e[2]);
        assert!(normalise(&[None, None]).iter().all(Option::is_none));
        assert_eq!(
            normalise(&[Some(2.0), Some(2.0)]),
            vec![Some(0.5), Some(0.5)]
        );
    }
}
