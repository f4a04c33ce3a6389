//! `dancebot choreograph AUDIO [--generator procedural|neural] [--model PATH] [--seed N]
//! [--fps F] [--config FILE] --out skeleton.json`: a dance for one song.
//!
//! Loads the audio, tracks its beats offline, extracts the music features at the generator's
//! frame rate, runs the generator over the whole song and writes `skeleton.json` all-or-nothing,
//! with `audio` set to the input path and `generator` describing what made it (the procedural
//! generator lists its seed and the move of every bar). Prints one summary line.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dancebot::analysis::features::{extract, FeatureConfig};
use dancebot::analysis::offline::track_offline;
use dancebot::audio::decode::load_mono;
use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
use dancebot::choreography::{generate_offline, DanceGenerator};
use dancebot::clock::{Clock, SystemClock};

use super::generator::{self, GeneratorKind};

/// Arguments of `dancebot choreograph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audio file (WAV, FLAC, MP3, OGG).
    pub audio: PathBuf,
    /// The generator.
    #[arg(long, value_enum, default_value_t = GeneratorKind::Procedural)]
    pub generator: GeneratorKind,
    /// Model folder of the neural generator.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Seed of the dance (overrides the config file); the same seed gives the same dance.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Frames per second of the skeleton (overrides the config file; default 30).
    #[arg(long, value_name = "F")]
    pub fps: Option<f64>,
    /// Procedural generator settings (YAML/JSON, every field optional; see `ProceduralConfig`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the neural generator runs: auto, cpu, cuda or cuda:N.
    #[arg(long, default_value = "auto", value_parser = generator::parse_device)]
    pub device: String,
    /// Output skeleton file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Runs `dancebot choreograph`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let clock = SystemClock::new();
    let mut generator: Box<dyn DanceGenerator> = match args.generator {
        GeneratorKind::Procedural => Box::new(procedural(&args)?),
        GeneratorKind::Neural => {
            generator::neural(args.model.clone(), args.seed.unwrap_or(0), &args.device)?
        }
    };
    let features_cfg = FeatureConfig::with_fps(generator.fps());
    let rate = features_cfg.analysis.sample_rate_hz;
    let audio = load_mono(&args.audio, rate)?;
    let grid = track_offline(&audio.samples, &features_cfg.analysis);
    if grid.beats_secs.is_empty() {
        tracing::warn!(file = %args.audio.display(), "no beats found: the dancer idles");
    }
    let features = extract(&audio.samples, &grid, &features_cfg)
        .with_context(|| args.audio.display().to_string())?;
    let mut seq = generate_offline(generator.as_mut(), &features, &grid)
        .with_context(|| format!("{}: generating the dance", args.audio.display()))?;
    seq.audio = Some(args.audio.clone());
    let bytes = seq.to_json_bytes().context("serializing the skeleton")?;
    dancebot::error::write_atomic(&args.out, &bytes)?;
    print_summary(&seq, &args.out, clock.now_secs());
    Ok(())
}

/// The procedural generator with the config file's settings and the command line's overrides.
fn procedural(args: &Args) -> anyhow::Result<ProceduralGenerator> {
    if args.model.is_some() {
        anyhow::bail!("--model applies to --generator neural only");
    }
    let mut cfg = match &args.config {
        Some(path) => dancebot::config::load::<ProceduralConfig>(path)?,
        None => ProceduralConfig::default(),
    };
    if let Some(seed) = args.seed {
        cfg.seed = seed;
    }
    if let Some(fps) = args.fps {
        cfg.fps = fps;
    }
    // Checked here too so the message names the options once.
    dancebot::config::Validate::validate(&cfg).context("procedural settings (--fps, --config)")?;
    Ok(ProceduralGenerator::new(cfg)?)
}

/// One line: frames, length, bars, moves used, seed, output and time taken.
fn print_summary(seq: &dancebot::choreography::SkeletonSequence, out: &Path, took_secs: f64) {
    let described = seq.generator.clone().unwrap_or_default();
    let count = |key: &str| described[key].as_array().map_or(0, Vec::len);
    let seed = described["seed"]
        .as_u64()
        .map_or(String::new(), |s| format!(", seed {s}"));
    println!(
        "{} frames ({:.1} s at {} fps), {} bars, {} moves used{seed}; wrote {} in {:.2} s",
        seq.frames.len(),
        seq.duration_secs(),
        seq.fps,
        count("bars"),
        count("moves_used"),
        out.display(),
        took_secs
    );
}
