//! Causal beat tracking that announces beats ahead of time (in progress; placeholder body).

use super::{AnalysisConfig, BeatGrid};

/// One beat, announced before it happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeatAnnouncement {
    /// Predicted time of the beat, seconds on the audio timeline.
    pub beat_secs: f64,
    /// Audio time at which the announcement was made (the end of the last sample seen).
    pub emitted_at_secs: f64,
    /// Tempo the tracker believed in when it announced.
    pub tempo_bpm: f64,
    /// Position in the bar (1 = downbeat), if the tracker knows it.
    pub position_in_bar: Option<u32>,
}

/// Streaming causal tracker: push samples as they arrive, collect announcements.
#[derive(Debug)]
pub struct OnlineBeatTracker {
    hop_len_samples: usize,
}

impl OnlineBeatTracker {
    /// Plans a tracker for audio at `cfg.sample_rate_hz`.
    pub fn new(cfg: &AnalysisConfig) -> Self {
        Self { hop_len_samples: cfg.hop_len_samples }
    }

    /// Samples per analysis hop (push this many at a time to time one hop).
    pub fn hop_len_samples(&self) -> usize {
        self.hop_len_samples
    }

    /// Feeds samples; appends every beat announced while processing them to `out`.
    pub fn push(&mut self, _samples: &[f32], _out: &mut Vec<BeatAnnouncement>) {}
}

/// Replays a whole signal through the causal tracker; `emitted_at_secs` is filled.
pub fn track_online(samples: &[f32], cfg: &AnalysisConfig) -> BeatGrid {
    let mut tracker = OnlineBeatTracker::new(cfg);
    let mut out = Vec::new();
    tracker.push(samples, &mut out);
    BeatGrid {
        tempo_bpm: None,
        beats_secs: out.iter().map(|a| a.beat_secs).collect(),
        downbeats_secs: Vec::new(),
        beat_positions: Vec::new(),
        tempo_per_beat_bpm: Vec::new(),
        emitted_at_secs: Some(out.iter().map(|a| a.emitted_at_secs).collect()),
    }
}
