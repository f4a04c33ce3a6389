//! Development harness for the causal beat tracker: replays every WAV and FLAC in a folder of annotated
//! excerpts through `track_online` and prints the F-measure (mir_eval protocol: beats before
//! 5 s dropped from both lists, ±70 ms window) and the fraction of beats announced at least
//! 100 ms ahead.
//!
//! ```text
//! cargo run --release --example online_dev -- DIR [--dump OUT_DIR] [--beats-out OUT_DIR]
//! ```
//!
//! With `--beats-out`, each file's announced beat times go to `OUT_DIR/NAME.est`, one per line
//! (to cross-check the score with mir_eval).
//!
//! With `--dump`, it also writes each file's onset frames (strength and the four bands, `f32`
//! little-endian, five values per frame) to `OUT_DIR/NAME.onset` for offline study.

// A command-line report: printing to stdout is its job.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use dancebot::analysis::metrics::{match_events, score_beats, trim_beats, F_MEASURE_WINDOW_SECS};
use dancebot::analysis::online::{track_online, OnlineBeatTracker};
use dancebot::analysis::onset::OnsetDetector;
use dancebot::analysis::AnalysisConfig;
use dancebot::audio::decode::load_mono;

const SKIP_SECS: f64 = 5.0;
const MIN_LEAD_SECS: f64 = 0.1;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().ok_or("usage: online_dev DIR [--dump OUT]")?);
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let beats_out = args
        .iter()
        .position(|a| a == "--beats-out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let cfg = AnalysisConfig::default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wav" || x == "flac"))
        .collect();
    files.sort();
    let (mut sum_f, mut ahead, mut counted, mut n) = (0.0, 0usize, 0usize, 0usize);
    let (mut sum_cml, mut sum_aml) = (0.0, 0.0);
    let mut hop_micros = Vec::new();
    let (mut truth_ahead, mut truth_matched, mut truth_refs) = (0usize, 0usize, 0usize);
    for path in &files {
        let samples = load_mono(path, cfg.sample_rate_hz)?.samples;
        if let Some(out) = &dump {
            dump_onsets(&samples, &cfg, path, out)?;
        }
        let reference = load_beats(&path.with_extension("beats"))?;
        let grid = track_online(&samples, &cfg);
        let emitted = grid.emitted_at_secs.clone().unwrap_or_default();
        if let Some(out) = &beats_out {
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
            let text: String = grid
                .beats_secs
                .iter()
                .map(|b| format!("{b:.6}\n"))
                .collect();
            std::fs::write(out.join(format!("{name}.est")), text)?;
        }
        hop_micros.extend(time_hops(&samples, &cfg));
        let scores = score_beats(&reference, &grid.beats_secs);
        let f = scores.f_measure;
        let (a, c) = ahead_counts(&grid.beats_secs, &emitted);
        ahead += a;
        counted += c;
        let (hit, matched, refs) = ahead_of_truth(&reference, &grid.beats_secs, &emitted);
        truth_ahead += hit;
        truth_matched += matched;
        truth_refs += refs;
        sum_f += f;
        sum_cml += scores.cml_t;
        sum_aml += scores.aml_t;
        n += 1;
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        let tempo = grid.tempo_bpm.unwrap_or(0.0);
        println!(
            "{name:32} F={f:.3} CMLt={:.3} AMLt={:.3} tempo={tempo:6.1} ahead={a}/{c}",
            scores.cml_t, scores.aml_t
        );
    }
    let frac = ahead as f64 / counted.max(1) as f64;
    println!(
        "reference beats after 5 s hit and announced >= 100 ms before the true beat: \
         {:.3} of all, {:.3} of those hit",
        truth_ahead as f64 / truth_refs.max(1) as f64,
        truth_ahead as f64 / truth_matched.max(1) as f64
    );
    let n_f = n.max(1) as f64;
    println!(
        "MEAN F={:.4} CMLt={:.4} AMLt={:.4} over {n} files, ahead={frac:.3}",
        sum_f / n_f,
        sum_cml / n_f,
        sum_aml / n_f
    );
    let (median, p99, max) = quantiles(&mut hop_micros);
    println!("per-hop push: median {median:.1} us, p99 {p99:.1} us, max {max:.1} us");
    Ok(())
}

fn load_beats(path: &Path) -> Result<Vec<f64>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|t| t.parse().ok())
        .collect())
}

fn dump_onsets(
    samples: &[f32],
    cfg: &AnalysisConfig,
    path: &Path,
    out: &Path,
) -> std::io::Result<()> {
    let mut detector = OnsetDetector::new(cfg);
    let mut bytes = Vec::new();
    detector.push(samples, |f| {
        bytes.extend_from_slice(&f.strength.to_le_bytes());
        for b in f.bands {
            bytes.extend_from_slice(&b.to_le_bytes());
        }
    });
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
    std::fs::write(out.join(format!("{name}.onset")), bytes)
}

/// Wall time of each hop-sized `push`, microseconds (on a loaded machine the tail includes
/// time spent preempted).
fn time_hops(samples: &[f32], cfg: &AnalysisConfig) -> Vec<f64> {
    let mut tracker = OnlineBeatTracker::new(cfg);
    let hops = samples.len() / cfg.hop_len_samples + 1;
    let mut out = Vec::with_capacity(hops);
    let mut wall = Vec::with_capacity(hops);
    for chunk in samples.chunks(tracker.hop_len_samples()) {
        let start = Instant::now();
        tracker.push(chunk, &mut out);
        wall.push(start.elapsed().as_secs_f64() * 1e6);
    }
    wall
}

/// Median, p99 and max of `values` (sorted in place).
fn quantiles(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        let i = ((values.len().saturating_sub(1)) as f64 * q) as usize;
        values.get(i).copied().unwrap_or(0.0)
    };
    (pick(0.5), pick(0.99), pick(1.0))
}

/// Reference beats after 5 s that a beat matched (±70 ms) and whose matched beat was
/// announced at least 100 ms before the reference time: `(ahead, matched, references)`.
fn ahead_of_truth(reference: &[f64], beats: &[f64], emitted: &[f64]) -> (usize, usize, usize) {
    let reference = trim_beats(reference, SKIP_SECS);
    let kept: Vec<(f64, f64)> = beats
        .iter()
        .zip(emitted)
        .filter(|(&b, _)| b >= SKIP_SECS)
        .map(|(&b, &e)| (b, e))
        .collect();
    let estimated: Vec<f64> = kept.iter().map(|k| k.0).collect();
    let pairs = match_events(&reference, &estimated, F_MEASURE_WINDOW_SECS);
    let ahead = pairs
        .iter()
        .filter(|&&(r, e)| reference[r] - kept[e].1 >= MIN_LEAD_SECS - 1e-9)
        .count();
    (ahead, pairs.len(), reference.len())
}

fn ahead_counts(beats: &[f64], emitted: &[f64]) -> (usize, usize) {
    let mut ahead = 0;
    let mut counted = 0;
    for (&b, &e) in beats.iter().zip(emitted) {
        if b >= SKIP_SECS {
            counted += 1;
            if b - e >= MIN_LEAD_SECS - 1e-9 {
                ahead += 1;
            }
        }
    }
    (ahead, counted)
}
