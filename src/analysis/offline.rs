//! Offline beat tracking over a whole file (in progress; placeholder body).

use super::{AnalysisConfig, BeatGrid};

/// Tracks beats, downbeats and tempo of a whole mono signal at `cfg.sample_rate_hz`.
pub fn track_offline(_samples: &[f32], _cfg: &AnalysisConfig) -> BeatGrid {
    BeatGrid::default()
}
