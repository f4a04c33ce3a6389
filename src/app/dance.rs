//! The offline `dance` pipeline: a whole song in, every stage's output and a summary out.
//!
//! Stages: music analysis (offline beats, a causal replay of the live tracker, feature frames
//! and sections), then choreography through any [`DanceGenerator`] and the dance's metrics.
//! The robot stages ([`super::robot`]) and the videos (written by the binary) follow on the skeleton.
//! Stage timings come from the injected [`Clock`], so tests can run it on a
//! [`crate::clock::ManualClock`] and get reproducible summaries.

use serde::Serialize;
use thiserror::Error;

use crate::analysis::features::{self, FeatureConfig, FeatureError, MusicFeatures};
use crate::analysis::metrics::{self, BeatScores};
use crate::analysis::online::track_online;
use crate::analysis::{offline, BeatGrid};
use crate::choreography::metrics::{self as dance_metrics, DanceMetrics, MetricsError};
use crate::choreography::{generate_offline, ChoreoError, DanceGenerator, SkeletonSequence};
use crate::clock::Clock;

/// How far ahead of its beat an announcement must come to count as "ahead" (seconds).
pub const AHEAD_THRESHOLD_SECS: f64 = 0.1;
/// Beats before this time are not judged for announcing ahead (the tracker is still locking).
pub const LOCK_IN_SECS: f64 = 5.0;

/// The pipeline failed.
#[derive(Debug, Error)]
pub enum DanceError {
    /// Feature extraction rejected the audio or its settings.
    #[error("feature extraction: {0}")]
    Features(#[from] FeatureError),
    /// The generator failed.
    #[error("choreography: {0}")]
    Choreography(#[from] ChoreoError),
    /// The dance could not be measured.
    #[error("dance metrics: {0}")]
    Metrics(#[from] MetricsError),
}

/// Wall time one stage took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageTiming {
    /// Stage name.
    pub stage: String,
    /// Seconds it took, as the clock saw it.
    pub secs: f64,
}

/// How the causal tracker did at announcing beats before they happen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnnounceStats {
    /// Beats announced after the lock-in time.
    pub beats_after_lock_in: usize,
    /// Fraction of those announced at least [`AHEAD_THRESHOLD_SECS`] ahead.
    pub fraction_ahead: f64,
    /// Median lead (beat time minus announcement time), seconds.
    pub median_lead_secs: f64,
}

/// Scores against ground truth, when the song comes with it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TruthScores {
    /// Offline tracker.
    pub offline: BeatScores,
    /// Causal tracker.
    pub online: BeatScores,
}

/// Everything the pipeline produced.
#[derive(Debug, Clone, PartialEq)]
pub struct DanceOutputs {
    /// Offline beats.
    pub beats: BeatGrid,
    /// Causal replay, with `emitted_at_secs`.
    pub beats_online: BeatGrid,
    /// Feature frames and sections.
    pub features: MusicFeatures,
    /// Announcement statistics of the causal replay.
    pub announce: AnnounceStats,
    /// Scores against the ground truth, if given.
    pub truth: Option<TruthScores>,
    /// The dance.
    pub skeleton: SkeletonSequence,
    /// The dance measured against the offline beats.
    pub dance_metrics: DanceMetrics,
    /// Per-stage timings.
    pub timings: Vec<StageTiming>,
}

/// Runs the analysis and choreography stages on a mono signal at
/// `cfg.analysis.sample_rate_hz`; the features are computed at the generator's frame rate.
/// `truth_beats_secs`, when given, is used only to score the trackers.
pub fn run(
    samples: &[f32],
    cfg: &FeatureConfig,
    truth_beats_secs: Option<&[f64]>,
    generator: &mut dyn DanceGenerator,
    clock: &dyn Clock,
) -> Result<DanceOutputs, DanceError> {
    let cfg = &FeatureConfig {
        fps: generator.fps(),
        ..cfg.clone()
    };
    let mut timings = Vec::new();
    let mut timed = |stage: &str, start: f64| {
        timings.push(StageTiming {
            stage: stage.to_owned(),
            secs: clock.now_secs() - start,
        });
    };
    let t = clock.now_secs();
    let beats = offline::track_offline(samples, &cfg.analysis);
    timed("beats_offline", t);
    let t = clock.now_secs();
    let beats_online = track_online(samples, &cfg.analysis);
    timed("beats_online", t);
    let t = clock.now_secs();
    let features = features::extract(samples, &beats, cfg)?;
    timed("features", t);
    let t = clock.now_secs();
    let skeleton = generate_offline(generator, &features, &beats)?;
    timed("choreography", t);
    let t = clock.now_secs();
    let dance_metrics =
        dance_metrics::evaluate(&skeleton, &beats.beats_secs, Some(generator.body()))?;
    timed("dance_metrics", t);
    let truth = truth_beats_secs.map(|reference| TruthScores {
        offline: metrics::score_beats(reference, &beats.beats_secs),
        online: metrics::score_beats(reference, &beats_online.beats_secs),
    });
    Ok(DanceOutputs {
        announce: announce_stats(&beats_online),
        beats,
        beats_online,
        features,
        truth,
        skeleton,
        dance_metrics,
        timings,
    })
}

/// Lead statistics of a causal grid (empty grids give zeros).
pub fn announce_stats(grid: &BeatGrid) -> AnnounceStats {
    let emitted = grid.emitted_at_secs.as_deref().unwrap_or(&[]);
    let mut leads: Vec<f64> = grid
        .beats_secs
        .iter()
        .zip(emitted)
        .filter(|(beat, _)| **beat >= LOCK_IN_SECS)
        .map(|(beat, at)| beat - at)
        .collect();
    leads.sort_by(f64::total_cmp);
    let ahead = leads
        .iter()
        .filter(|&&lead| lead >= AHEAD_THRESHOLD_SECS)
        .count();
    AnnounceStats {
        beats_after_lock_in: leads.len(),
        fraction_ahead: if leads.is_empty() {
            0.0
        } else {
            ahead as f64 / leads.len() as f64
        },
        median_lead_secs: leads.get(leads.len() / 2).copied().unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::moves::{ProceduralConfig, ProceduralGenerator};
    use crate::clock::ManualClock;

    #[test]
    fn announce_stats_count_only_beats_after_lock_in() {
        let grid = BeatGrid {
            beats_secs: vec![1.0, 6.0, 7.0, 8.0],
            emitted_at_secs: Some(vec![0.5, 5.8, 6.95, 7.85]),
            ..BeatGrid::default()
        };
        let stats = announce_stats(&grid);
        assert_eq!(stats.beats_after_lock_in, 3);
        assert!((stats.fraction_ahead - 2.0 / 3.0).abs() < 1e-12);
        assert!((stats.median_lead_secs - 0.15).abs() < 1e-9);
    }

    #[test]
    fn silence_runs_through_with_empty_beats_and_a_manual_clock() {
        let cfg = FeatureConfig::default();
        let samples = vec![0.0f32; cfg.analysis.sample_rate_hz.hz() as usize * 3];
        let clock = ManualClock::new();
        let mut generator = ProceduralGenerator::new(ProceduralConfig::default()).unwrap();
        let out = run(&samples, &cfg, None, &mut generator, &clock).unwrap();
        assert!(out.beats.beats_secs.is_empty());
        assert!(out.beats.tempo_bpm.is_none());
        assert!(out.features.n_frames > 0);
        assert!(out.timings.iter().all(|t| t.secs == 0.0));
        assert_eq!(out.skeleton.frames.len(), out.features.n_frames);
        assert_eq!(out.skeleton.non_finite_frames(), 0);
        assert_eq!(out.dance_metrics.music_beats, 0);
    }
}
