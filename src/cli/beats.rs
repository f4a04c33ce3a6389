//! `dancebot beats AUDIO [--online] [--out beats.json]`: beats, downbeats and tempo of a file.
//!
//! Offline mode runs the whole-file tracker (`analysis::offline`); `--online` replays the file
//! through the causal tracker (`analysis::online`) and also writes `emitted_at_secs`, the audio
//! time at which each beat was announced. The output is written all-or-nothing; a bad input
//! file fails with a message naming it and leaves no output behind.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dancebot::analysis::offline::{track_offline_envelope, OfflineConfig};
use dancebot::analysis::onset::onset_envelope;
use dancebot::analysis::{online, AnalysisConfig, BeatGrid};
use dancebot::audio::decode::load_mono;

/// Arguments of `dancebot beats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audio file (WAV, FLAC, MP3, OGG).
    pub audio: PathBuf,
    /// Causal replay: beats as the live tracker would announce them.
    #[arg(long)]
    pub online: bool,
    /// Output JSON file; without it the JSON goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Offline tracker settings (YAML/JSON, every field optional; see `OfflineConfig`).
    #[arg(long, value_name = "FILE")]
    pub tracker_config: Option<PathBuf>,
}

/// Runs `dancebot beats`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let cfg = AnalysisConfig::default();
    let tracker = load_tracker_config(args.tracker_config.as_deref())?;
    let audio = load_mono(&args.audio, cfg.sample_rate_hz)?;
    let grid = if args.online {
        online::track_online(&audio.samples, &cfg)
    } else {
        let env = onset_envelope(&audio.samples, &cfg);
        track_offline_envelope(&env, &tracker)
    };
    if grid.beats_secs.is_empty() {
        tracing::warn!(file = %args.audio.display(), "no beats found (silence or no pulse)");
    }
    write_grid(&grid, args.out.as_deref())
}

/// Reads the tracker settings, or the defaults when no file is given.
pub fn load_tracker_config(path: Option<&Path>) -> anyhow::Result<OfflineConfig> {
    match path {
        Some(p) => Ok(dancebot::config::load::<OfflineConfig>(p)?),
        None => Ok(OfflineConfig::default()),
    }
}

/// Writes the grid as JSON to `out`, or to stdout.
fn write_grid(grid: &BeatGrid, out: Option<&Path>) -> anyhow::Result<()> {
    match out {
        Some(path) => dancebot::error::write_json_atomic(path, grid)?,
        None => {
            let text = serde_json::to_string_pretty(grid).context("serializing beats")?;
            println!("{text}");
        }
    }
    Ok(())
}
