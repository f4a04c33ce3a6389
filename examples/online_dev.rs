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

use dancebot::analysis::metrics::score_beats;
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
    let (mut hop_micros, mut hop_cpu_micros) = (Vec::new(), Vec::new());
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
        let (wall, cpu) = time_hops(&samples, &cfg);
        hop_micros.extend(wall);
        hop_cpu_micros.extend(cpu);
        let scores = score_beats(&reference, &grid.beats_secs);
        let f = scores.f_measure;
        let (a, c) = ahead_counts(&grid.beats_secs, &emitted);
        ahead += a;
        counted += c;
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
    let n_f = n.max(1) as f64;
    println!(
        "MEAN F={:.4} CMLt={:.4} AMLt={:.4} over {n} files, ahead={frac:.3}",
        sum_f / n_f,
        sum_cml / n_f,
        sum_aml / n_f
    );
    for (label, values) in [("wall", &mut hop_micros), ("cpu", &mut hop_cpu_micros)] {
        let (median, p99, max) = quantiles(values);
        println!("per-hop push ({label}): median {median:.1} us, p99 {p99:.1} us, max {max:.1} us");
    }
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

/// Wall time and on-CPU time of each hop-sized `push`, microseconds. The CPU time (from
/// `/proc/thread-self/schedstat`, Linux only, else 0) excludes time spent preempted, which
/// dominates the wall-time tail on a loaded machine.
fn time_hops(samples: &[f32], cfg: &AnalysisConfig) -> (Vec<f64>, Vec<f64>) {
    let mut tracker = OnlineBeatTracker::new(cfg);
    let hops = samples.len() / cfg.hop_len_samples + 1;
    let mut out = Vec::with_capacity(hops);
    let (mut wall, mut cpu) = (Vec::with_capacity(hops), Vec::with_capacity(hops));
    for chunk in samples.chunks(tracker.hop_len_samples()) {
        let cpu_start = thread_cpu_ns();
        let start = Instant::now();
        tracker.push(chunk, &mut out);
        wall.push(start.elapsed().as_secs_f64() * 1e6);
        cpu.push(thread_cpu_ns().saturating_sub(cpu_start) as f64 / 1e3);
    }
    (wall, cpu)
}

/// Nanoseconds this thread has run on a CPU.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
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
