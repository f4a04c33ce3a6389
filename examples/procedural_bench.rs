//! Speed of the procedural dance generator, single-threaded: how many seconds of dance it
//! makes per second of compute, offline (one call per song) and live (one call per 1/30 s of
//! playhead with the grid growing).
//!
//! ```text
//! cargo run --release --example procedural_bench [-- REPEATS]
//! ```
//!
//! The music is the bundled demo song (about 85 s, 120 BPM) with its exact beats; its
//! features are extracted once, untimed. Each timing is the best of REPEATS runs (default 5).

// A command-line report: printing to stdout is its job.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use anyhow::Context;
use dancebot::analysis::features::{extract, FeatureConfig, MusicFeatures};
use dancebot::analysis::BeatGrid;
use dancebot::audio::synth;
use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
use dancebot::choreography::{generate_offline, DanceGenerator, MusicContext, Pose};

fn main() -> anyhow::Result<()> {
    let repeats: usize = match std::env::args().nth(1) {
        Some(a) => a.parse().context("REPEATS must be a whole number")?,
        None => 5,
    };
    let song = synth::render(&synth::bundled_song())?;
    let cfg = FeatureConfig::with_fps(30.0);
    let samples = song.mono_at(cfg.analysis.sample_rate_hz)?;
    let grid = song.truth.beat_grid();
    let features = extract(&samples, &grid, &cfg)?;
    let secs = features.duration_secs;
    println!(
        "song: {secs:.1} s, {} beats, {} sections",
        grid.beats_secs.len(),
        features.sections.len()
    );
    let (best, frames) = best_of(repeats, || offline(&features, &grid))?;
    println!(
        "offline: {frames} frames in {:.2} ms = {:.0}x real time",
        best * 1e3,
        secs / best
    );
    let (best, frames) = best_of(repeats, || live(&features, &grid))?;
    println!(
        "live (a call per frame, growing grid): {frames} frames in {:.2} ms = {:.0}x real time",
        best * 1e3,
        secs / best
    );
    Ok(())
}

/// The shortest wall time of `repeats` runs, and the frames the run made.
fn best_of(
    repeats: usize,
    mut run: impl FnMut() -> anyhow::Result<usize>,
) -> anyhow::Result<(f64, usize)> {
    let mut best = f64::INFINITY;
    let mut frames = 0;
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        frames = run()?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok((best, frames))
}

fn offline(features: &MusicFeatures, grid: &BeatGrid) -> anyhow::Result<usize> {
    let mut g = ProceduralGenerator::new(ProceduralConfig::default())?;
    Ok(generate_offline(&mut g, features, grid)?.frames.len())
}

/// The live pattern: beats heard so far plus two predicted ones, a call every frame.
fn live(features: &MusicFeatures, grid: &BeatGrid) -> anyhow::Result<usize> {
    let mut g = ProceduralGenerator::new(ProceduralConfig::default())?;
    let mut out: Vec<Pose> = Vec::new();
    let step = 1.0 / g.fps();
    let mut playhead = 0.0;
    while playhead < features.duration_secs {
        let known = grid.beats_secs.partition_point(|&b| b <= playhead) + 2;
        let beats = &grid.beats_secs[..known.min(grid.beats_secs.len())];
        let down = grid
            .downbeats_secs
            .partition_point(|&d| d <= playhead + 1.0);
        let music = MusicContext {
            features,
            beats_secs: beats,
            downbeats_secs: &grid.downbeats_secs[..down],
            complete: false,
        };
        g.extend(&music, playhead + step, &mut out)?;
        playhead += step;
    }
    Ok(out.len())
}
