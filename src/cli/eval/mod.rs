//! `dancebot eval beats DIR [--json OUT] [--librosa]`: the beat-tracking benchmark.
//!
//! For every audio file in DIR with a sibling `.beats` annotation (first column: beat time in
//! seconds), it runs the offline tracker and the causal tracker, scores both with the
//! mir_eval protocol (`analysis::metrics`: 5 s trim, ±70 ms F, CMLt, AMLt), measures how far
//! ahead the causal tracker announces correct beats and how long one causal hop takes, and
//! optionally compares speed and accuracy with librosa (`scripts/librosa_beats.py`).
//! Wall-clock timing is allowed here, in the binary; the library never reads a clock.

pub mod avatar;
mod dance;
mod librosa;
mod report;
mod robot;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use dancebot::analysis::metrics::{match_events, score_beats, trim_beats, BeatScores};
use dancebot::analysis::offline::{track_offline_envelope, OfflineConfig};
use dancebot::analysis::online::{track_online, OnlineBeatTracker};
use dancebot::analysis::onset::onset_envelope;
use dancebot::analysis::{AnalysisConfig, BeatGrid};
use dancebot::audio::decode::load_mono;

use report::{EvalReport, FileResult, HopTiming};

/// Audio extensions the benchmark picks up.
const AUDIO_EXTENSIONS: [&str; 4] = ["wav", "flac", "mp3", "ogg"];
/// A causal beat counts as announced ahead when announced at least this long before it.
pub const AHEAD_SECS: f64 = 0.1;

/// What to evaluate.
#[derive(Debug, clap::Subcommand)]
pub enum EvalCommand {
    /// Beat tracking against `.beats` annotations (offline and causal modes).
    Beats(BeatsArgs),
    /// Dance metrics of skeleton files (beat alignment, bones, smoothness, diversity).
    Dance(dance::Args),
    /// A joint trajectory on a robot: limits, self-collisions, CoM margin, direction error.
    Robot(robot::Args),
    /// An avatar model against the truth of a pairs dataset: PSNR and SSIM.
    Avatar(avatar::Args),
}

/// Arguments of `dancebot eval beats`.
#[derive(Debug, clap::Args)]
pub struct BeatsArgs {
    /// Folder of audio files, each with a sibling `.beats` file.
    pub dir: PathBuf,
    /// Also write the full report as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Compare with librosa (runs scripts/librosa_beats.py once over all files).
    #[arg(long)]
    pub librosa: bool,
    /// Python interpreter with librosa installed.
    #[arg(long, default_value = ".venv/bin/python")]
    pub python: PathBuf,
    /// Offline tracker settings (YAML/JSON; see `OfflineConfig`).
    #[arg(long, value_name = "FILE")]
    pub tracker_config: Option<PathBuf>,
    /// Skip the causal tracker.
    #[arg(long)]
    pub offline_only: bool,
}

/// Runs `dancebot eval`.
pub fn run(cmd: EvalCommand) -> anyhow::Result<()> {
    match cmd {
        EvalCommand::Beats(args) => eval_beats(&args),
        EvalCommand::Dance(args) => dance::run(&args),
        EvalCommand::Robot(args) => robot::run(&args),
        EvalCommand::Avatar(args) => avatar::run(args),
    }
}

/// One audio file and its reference beats.
#[derive(Debug, Clone)]
pub struct Annotated {
    /// The audio file.
    pub audio: PathBuf,
    /// Reference beat times.
    pub reference_secs: Vec<f64>,
}

/// Finds every audio file in `dir` with a `.beats` sibling, sorted by name.
pub fn annotated_files(dir: &Path) -> anyhow::Result<Vec<Annotated>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list", dir.display()))?;
    let mut audio: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .filter(|p| p.with_extension("beats").is_file())
        .collect();
    audio.sort();
    audio
        .into_iter()
        .map(|p| {
            let reference_secs = read_beats(&p.with_extension("beats"))?;
            Ok(Annotated {
                audio: p,
                reference_secs,
            })
        })
        .collect()
}

/// Reads the first column of a `.beats` file.
pub fn read_beats(path: &Path) -> anyhow::Result<Vec<f64>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let mut beats = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        let t: f64 = first
            .parse()
            .with_context(|| format!("{}:{}: not a beat time: {first:?}", path.display(), n + 1))?;
        beats.push(t);
    }
    Ok(beats)
}

/// How far ahead the causal tracker announced the beats it got right.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Ahead {
    /// Of the causal beats after 5 s that match a reference beat (±70 ms, one-to-one), the
    /// fraction announced at least [`AHEAD_SECS`] before that reference beat.
    pub of_correct: f64,
    /// The same count over all reference beats after 5 s: bounded by the causal recall, so it
    /// measures accuracy and lead together.
    pub of_reference: f64,
}

/// Lead of the causal beats against the reference (beats before 5 s are ignored).
pub fn ahead_fraction(reference_secs: &[f64], online: &BeatGrid) -> Ahead {
    let emitted = online.emitted_at_secs.as_deref().unwrap_or(&[]);
    let reference = trim_beats(reference_secs, 5.0);
    let kept: Vec<(f64, f64)> = online
        .beats_secs
        .iter()
        .zip(emitted)
        .filter(|(&b, _)| b >= 5.0)
        .map(|(&b, &e)| (b, e))
        .collect();
    let estimated: Vec<f64> = kept.iter().map(|p| p.0).collect();
    let matches = match_events(&reference, &estimated, 0.07);
    let ahead = matches
        .iter()
        .filter(|&&(r, e)| reference[r] - kept[e].1 >= AHEAD_SECS)
        .count();
    let ratio = |n: usize| if n == 0 { 0.0 } else { ahead as f64 / n as f64 };
    Ahead {
        of_correct: ratio(matches.len()),
        of_reference: ratio(reference.len()),
    }
}

/// Times every `push` of one hop of samples through a fresh causal tracker (µs).
fn time_hops(samples: &[f32], cfg: &AnalysisConfig) -> Vec<f64> {
    let mut tracker = OnlineBeatTracker::new(cfg);
    let hop = tracker.hop_len_samples().max(1);
    let mut out = Vec::new();
    let mut micros = Vec::with_capacity(samples.len() / hop + 1);
    for chunk in samples.chunks(hop) {
        let start = Instant::now();
        tracker.push(chunk, &mut out);
        micros.push(start.elapsed().as_secs_f64() * 1e6);
    }
    micros
}

/// Evaluates one file.
fn eval_file(
    file: &Annotated,
    cfg: &AnalysisConfig,
    tracker: &OfflineConfig,
    online: bool,
    hops: &mut Vec<f64>,
) -> anyhow::Result<FileResult> {
    let start = Instant::now();
    let audio = load_mono(&file.audio, cfg.sample_rate_hz)?;
    let decode_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let env = onset_envelope(&audio.samples, cfg);
    let onset_secs = start.elapsed().as_secs_f64();
    let grid = track_offline_envelope(&env, tracker);
    let analysis_secs = start.elapsed().as_secs_f64();
    let offline = score_beats(&file.reference_secs, &grid.beats_secs);
    let (online_scores, ahead) = if online {
        let causal = track_online(&audio.samples, cfg);
        hops.extend(time_hops(&audio.samples, cfg));
        (
            Some(score_beats(&file.reference_secs, &causal.beats_secs)),
            Some(ahead_fraction(&file.reference_secs, &causal)),
        )
    } else {
        (None, None)
    };
    Ok(FileResult {
        name: file_name(&file.audio),
        tempo_bpm: grid.tempo_bpm,
        offline,
        online: online_scores,
        ahead_fraction: ahead,
        decode_secs,
        onset_secs,
        analysis_secs,
        librosa: None,
    })
}

/// The file name without folders.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `dancebot eval beats`.
fn eval_beats(args: &BeatsArgs) -> anyhow::Result<()> {
    let files = annotated_files(&args.dir)?;
    anyhow::ensure!(
        !files.is_empty(),
        "{}: no audio files with .beats annotations",
        args.dir.display()
    );
    let cfg = AnalysisConfig::default();
    let tracker = super::beats::load_tracker_config(args.tracker_config.as_deref())?;
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut results = Vec::with_capacity(files.len());
    let mut hops = Vec::new();
    for file in &files {
        bar.set_message(file_name(&file.audio));
        results.push(eval_file(
            file,
            &cfg,
            &tracker,
            !args.offline_only,
            &mut hops,
        )?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let hop_secs = cfg.hop_len_samples as f64 / cfg.sample_rate_hz.hz_f64();
    let librosa = if args.librosa {
        Some(librosa::compare(&files, &mut results, &args.python)?)
    } else {
        None
    };
    let report = EvalReport::new(
        results,
        HopTiming::from_micros(&mut hops, hop_secs),
        librosa,
    );
    report.print_table();
    if let Some(path) = &args.json {
        dancebot::error::write_json_atomic(path, &report)?;
    }
    Ok(())
}

/// Mean of each score over files.
pub fn mean_scores<'a>(scores: impl Iterator<Item = &'a BeatScores>) -> BeatScores {
    let (mut sum, mut n) = (BeatScores::default(), 0.0);
    for s in scores {
        sum.f_measure += s.f_measure;
        sum.cml_t += s.cml_t;
        sum.aml_t += s.aml_t;
        n += 1.0;
    }
    if n > 0.0 {
        sum.f_measure /= n;
        sum.cml_t /= n;
        sum.aml_t /= n;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ahead_counts_lead_against_the_reference_beat() {
        // Reference beats every 0.5 s from 5 s; the tracker hits four of them, one of which it
        // announced too late (only 50 ms before the true beat), and misses the fifth.
        let reference = [4.0, 5.0, 5.5, 6.0, 6.5, 7.0];
        let online = BeatGrid {
            beats_secs: vec![4.0, 5.01, 5.49, 6.02, 6.5, 9.0],
            emitted_at_secs: Some(vec![3.8, 4.8, 5.3, 5.95, 6.3, 8.8]),
            ..BeatGrid::default()
        };
        let ahead = ahead_fraction(&reference, &online);
        assert!((ahead.of_correct - 3.0 / 4.0).abs() < 1e-12, "{ahead:?}");
        assert!((ahead.of_reference - 3.0 / 5.0).abs() < 1e-12, "{ahead:?}");
    }

    #[test]
    fn no_beats_gives_zero_not_nan() {
        let ahead = ahead_fraction(&[], &BeatGrid::default());
        assert_eq!(ahead, Ahead::default());
    }
}
