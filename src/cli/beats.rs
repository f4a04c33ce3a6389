//! `dancebot beats AUDIO... [--online] [--out beats.json | --out-dir DIR] [--jobs N]`: beats,
//! downbeats and tempo of one file or of many.
//!
//! Offline mode runs the whole-file tracker (`analysis::offline`); `--online` replays the file
//! through the causal tracker (`analysis::online`) and also writes `emitted_at_secs`, the audio
//! time at which each beat was announced.
//!
//! One file: the JSON goes to `--out`, or to stdout. Many files (or one with `--out-dir`): each
//! `A.wav` is written to `DIR/A.json`, by `--jobs` worker threads (default: the available
//! cores) in one process, so start-up and plans are paid once. Every output is written
//! all-or-nothing. A bad input file logs an error naming it and leaves no output behind; the
//! other files are still analysed and written, and the command then exits non-zero.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use dancebot::analysis::offline::{track_offline_envelope, OfflineConfig};
use dancebot::analysis::onset::onset_envelope;
use dancebot::analysis::streaming::onset_envelope_of_source;
use dancebot::analysis::{online, AnalysisConfig, BeatGrid};
use dancebot::audio::decode::load_mono;
use dancebot::audio::source::FileSource;
use dancebot::audio::AudioSource;

/// Arguments of `dancebot beats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audio files (WAV, FLAC, MP3, OGG); more than one needs `--out-dir`.
    #[arg(required_unless_present = "live", num_args = 1..)]
    pub audio: Vec<PathBuf>,
    /// Listen to the sound card instead of files and print beats as they are announced.
    #[arg(long, conflicts_with_all = ["online", "out", "out_dir"])]
    pub live: bool,
    /// Capture device for `--live` (a name from `dancebot doctor`; default: the system default).
    #[arg(long, value_name = "NAME", requires = "live")]
    pub device: Option<String>,
    /// Stop `--live` after this many seconds of audio.
    #[arg(long, value_name = "SECS", requires = "live")]
    pub seconds: Option<f64>,
    /// Causal replay: beats as the live tracker would announce them.
    #[arg(long)]
    pub online: bool,
    /// Output JSON file for a single input; without it (and `--out-dir`) the JSON goes to stdout.
    #[arg(long, value_name = "FILE", conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Output folder: `A.wav` is written to `DIR/A.json`.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Files analysed at once with `--out-dir` (default: the available cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// Offline tracker settings (YAML/JSON, every field optional; see `OfflineConfig`).
    #[arg(long, value_name = "FILE")]
    pub tracker_config: Option<PathBuf>,
}

/// What to run on each file.
#[derive(Debug)]
struct Job {
    cfg: AnalysisConfig,
    tracker: OfflineConfig,
    online: bool,
}

/// Runs `dancebot beats`.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.live {
        return super::live::run(args.device.as_deref(), args.seconds);
    }
    let job = Job {
        cfg: AnalysisConfig::default(),
        tracker: load_tracker_config(args.tracker_config.as_deref())?,
        online: args.online,
    };
    match (&args.out_dir, args.audio.as_slice()) {
        (Some(dir), files) => {
            let jobs = args.jobs.map_or_else(default_jobs, NonZeroUsize::get);
            run_batch(files, dir, jobs, &job)
        }
        (None, [single]) => {
            let grid = track_file(single, &job)?;
            write_grid(&grid, args.out.as_deref())
        }
        (None, _) => anyhow::bail!("{} input files need --out-dir", args.audio.len()),
    }
}

/// One worker per available core.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Reads the tracker settings, or the defaults when no file is given.
pub fn load_tracker_config(path: Option<&Path>) -> anyhow::Result<OfflineConfig> {
    match path {
        Some(p) => Ok(dancebot::config::load::<OfflineConfig>(p)?),
        None => Ok(OfflineConfig::default()),
    }
}

/// Decodes and tracks one file.
fn track_file(audio: &Path, job: &Job) -> anyhow::Result<BeatGrid> {
    let grid = if job.online {
        track_online_streaming(audio, &job.cfg)?
    } else {
        let env = if is_long(audio) {
            let mut source = FileSource::open(audio, job.cfg.sample_rate_hz)?;
            onset_envelope_of_source(&mut source, &job.cfg)
                .with_context(|| audio.display().to_string())?
                .0
        } else {
            onset_envelope(&load_mono(audio, job.cfg.sample_rate_hz)?.samples, &job.cfg)
        };
        track_offline_envelope(&env, &job.tracker)
    };
    if grid.beats_secs.is_empty() {
        tracing::warn!(file = %audio.display(), "no beats found (silence or no pulse)");
    }
    Ok(grid)
}

/// Files larger than this on disk are streamed block by block, so an hour-long recording is
/// analysed in bounded memory (the offline tracker keeps only the onset envelope, about 7 MB
/// an hour). Smaller files are loaded whole, which is faster for plain WAV; both give the same
/// envelope (`analysis::streaming` tests it).
const STREAM_ABOVE_BYTES: u64 = 64 * 1024 * 1024;

fn is_long(audio: &Path) -> bool {
    std::fs::metadata(audio).is_ok_and(|m| m.len() > STREAM_ABOVE_BYTES)
}

/// Replays a file through the causal tracker block by block, as it would hear it live.
fn track_online_streaming(audio: &Path, cfg: &AnalysisConfig) -> anyhow::Result<BeatGrid> {
    let mut source = FileSource::open(audio, cfg.sample_rate_hz)?;
    let mut tracker = online::OnlineBeatTracker::new(cfg);
    let mut announced = Vec::new();
    while let Some(block) = source.next_block()? {
        tracker.push(&block.samples, &mut announced);
    }
    Ok(online::grid_from_announcements(&announced))
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

/// `DIR/<file stem>.json` for every input; two inputs with the same stem are refused before
/// any work, since one output would overwrite the other.
fn output_paths(files: &[PathBuf], dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut outputs = Vec::with_capacity(files.len());
    for file in files {
        let stem = file
            .file_stem()
            .with_context(|| format!("{}: no file name", file.display()))?;
        let out = dir.join(stem).with_extension("json");
        anyhow::ensure!(
            !outputs.contains(&out),
            "{}: another input also writes {}",
            file.display(),
            out.display()
        );
        outputs.push(out);
    }
    Ok(outputs)
}

/// Tracks `files` on `jobs` threads, writing each result to `dir`. Each failure is logged
/// where it happens; the returned error only counts them.
fn run_batch(files: &[PathBuf], dir: &Path, jobs: usize, job: &Job) -> anyhow::Result<()> {
    let outputs = output_paths(files, dir)?;
    let order = largest_first(files);
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let worker = || {
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let (Some(audio), Some(out)) = (files.get(i), outputs.get(i)) else {
                break;
            };
            let result = track_file(audio, job).and_then(|g| write_grid(&g, Some(out)));
            if let Err(err) = result {
                tracing::error!("{err:#}");
                failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, files.len().max(1)) {
            scope.spawn(worker);
        }
    });
    let failed = failed.into_inner();
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} files failed (see above); the others were written to {}",
        files.len(),
        dir.display()
    );
    Ok(())
}

/// Indices of `files`, largest on disk first (ties in the given order). Handing out the long
/// files first keeps one worker from finishing a big file alone while the others idle: on the
/// 33-file benchmark one 45 s FLAC near the end of the list took a sixth of the wall time.
fn largest_first(files: &[PathBuf]) -> Vec<usize> {
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-bit mono WAV at 22 050 Hz of clicks every half second.
    fn write_clicks(path: &Path, secs: usize) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 22_050,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..22_050 * secs {
            let phase = i % 11_025;
            let v = if phase < 200 { 12_000 } else { 0 };
            w.write_sample(v as i16).unwrap();
        }
        w.finalize().unwrap();
    }

    fn offline_job() -> Job {
        Job {
            cfg: AnalysisConfig::default(),
            tracker: OfflineConfig::default(),
            online: false,
        }
    }

    #[test]
    fn batch_writes_good_files_and_fails_for_the_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.wav"), dir.path().join("b.wav"));
        write_clicks(&a, 8);
        write_clicks(&b, 8);
        let bad = dir.path().join("bad.wav");
        std::fs::write(&bad, b"not audio").unwrap();
        let out = dir.path().join("out");
        let files = vec![a, bad, b];
        let err = run_batch(&files, &out, 2, &offline_job()).unwrap_err();
        assert!(err.to_string().contains("1 of 3"), "{err}");
        assert!(!out.join("bad.json").exists());
        for name in ["a.json", "b.json"] {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(out.join(name)).unwrap()).unwrap();
            let tempo = json["tempo_bpm"].as_f64().unwrap();
            assert!((tempo - 120.0).abs() < 3.0, "{name}: {tempo}");
        }
    }

    #[test]
    fn big_files_are_handed_out_first_and_missing_ones_last() {
        let dir = tempfile::tempdir().unwrap();
        let (short, long) = (dir.path().join("short.wav"), dir.path().join("long.wav"));
        write_clicks(&short, 2);
        write_clicks(&long, 6);
        let missing = dir.path().join("missing.wav");
        let files = vec![missing, short.clone(), long, short];
        assert_eq!(largest_first(&files), vec![2, 1, 3, 0]);
    }

    #[test]
    fn batch_output_matches_single_file_output() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.wav");
        write_clicks(&a, 8);
        let single = track_file(&a, &offline_job()).unwrap();
        run_batch(&[a], dir.path(), 1, &offline_job()).unwrap();
        let batch: BeatGrid =
            serde_json::from_slice(&std::fs::read(dir.path().join("a.json")).unwrap()).unwrap();
        // JSON text round trips floats to within an ulp, not always exactly.
        assert_eq!(batch.beats_secs.len(), single.beats_secs.len());
        for (x, y) in batch.beats_secs.iter().zip(&single.beats_secs) {
            assert!((x - y).abs() < 1e-9, "{x} vs {y}");
        }
    }

    #[test]
    fn inputs_that_would_share_an_output_are_refused() {
        let files = [PathBuf::from("x/song.wav"), PathBuf::from("y/song.flac")];
        let err = output_paths(&files, Path::new("out")).unwrap_err();
        assert!(err.to_string().contains("song.flac"), "{err}");
    }
}
