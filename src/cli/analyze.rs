//! `dancebot analyze AUDIO --out features.json [--fps 30|60]`: frame-level music features.
//!
//! Loads the file at the analysis rate, tracks beats offline, extracts [`MusicFeatures`] at the
//! motion rate (layout in `analysis::features`) with sections, and writes one JSON file:
//! `tempo_bpm`, `beats_secs`, `downbeats_secs`, then every field of `MusicFeatures`. The file
//! is written all-or-nothing. A short summary (duration, tempo, beats, sections) goes to stdout.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dancebot::analysis::features::{self, FeatureConfig, MusicFeatures};
use dancebot::analysis::offline::track_offline;
use dancebot::analysis::BeatGrid;
use dancebot::audio::decode::load_mono;
use serde::Serialize;

/// Arguments of `dancebot analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audio file (WAV, FLAC, MP3, OGG).
    pub audio: PathBuf,
    /// Output JSON file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Motion frames per second of the features (30 or 60 for the dance generators).
    #[arg(long)]
    pub fps: Option<f64>,
    /// Feature settings (YAML/JSON, every field optional; see `FeatureConfig`). `--fps` wins
    /// over the file's `fps`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The file `dancebot analyze` writes.
#[derive(Debug, Serialize)]
struct AnalyzeOutput<'a> {
    /// Global tempo, `null` without a pulse.
    tempo_bpm: Option<f64>,
    /// Beat times in seconds.
    beats_secs: &'a [f64],
    /// Downbeat times in seconds.
    downbeats_secs: &'a [f64],
    #[serde(flatten)]
    features: &'a MusicFeatures,
}

/// Runs `dancebot analyze`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let cfg = load_config(args.config.as_deref(), args.fps)?;
    let audio = load_mono(&args.audio, cfg.analysis.sample_rate_hz)?;
    let grid = track_offline(&audio.samples, &cfg.analysis);
    if grid.beats_secs.is_empty() {
        tracing::warn!(file = %args.audio.display(), "no beats found: phases will be zero");
    }
    let started = std::time::Instant::now();
    let features = features::extract(&audio.samples, &grid, &cfg)
        .with_context(|| format!("{}: cannot extract features", args.audio.display()))?;
    let extract_ms = started.elapsed().as_secs_f64() * 1e3;
    let output = AnalyzeOutput {
        tempo_bpm: grid.tempo_bpm,
        beats_secs: &grid.beats_secs,
        downbeats_secs: &grid.downbeats_secs,
        features: &features,
    };
    dancebot::error::write_json_atomic(&args.out, &output)?;
    print_summary(&args.audio, &grid, &features, &args.out);
    println!("features and sections took {extract_ms:.0} ms");
    Ok(())
}

/// Reads the settings (defaults without a file) and applies `--fps`.
fn load_config(path: Option<&Path>, fps: Option<f64>) -> anyhow::Result<FeatureConfig> {
    let mut cfg = match path {
        Some(p) => dancebot::config::load::<FeatureConfig>(p)?,
        None => FeatureConfig::default(),
    };
    if let Some(fps) = fps {
        cfg.fps = fps;
        dancebot::config::Validate::validate(&cfg).context("--fps")?;
    }
    Ok(cfg)
}

/// A few human-readable lines about the result.
fn print_summary(audio: &Path, grid: &BeatGrid, features: &MusicFeatures, out: &Path) {
    let tempo = grid
        .tempo_bpm
        .map_or_else(|| "no pulse".to_owned(), |bpm| format!("{bpm:.1} BPM"));
    println!(
        "{}: {:.1} s, {tempo}, {} beats, {} downbeats",
        audio.display(),
        features.duration_secs,
        grid.beats_secs.len(),
        grid.downbeats_secs.len()
    );
    println!(
        "{} frames at {} fps, {} sections:",
        features.n_frames,
        features.fps,
        features.sections.len()
    );
    for s in &features.sections {
        println!(
            "  {:>3}  {:7.2} – {:7.2} s",
            s.label, s.start_secs, s.end_secs
        );
    }
    println!("wrote {}", out.display());
}
