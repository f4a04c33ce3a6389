//! Speed and accuracy against librosa, whole process against whole process.
//!
//! librosa side: one Python process (`scripts/librosa_beats.py`) that imports librosa, then
//! for every file `librosa.load(sr=22050)` and `librosa.beat.beat_track`. Our side: one process
//! of our own binary over the same files (`dancebot beats FILES... --out-dir DIR`), run twice:
//! with the default `--jobs` (all cores) and with `--jobs 1` (one core, like librosa). Each is
//! timed from spawn to exit, wall and CPU, so start-up, imports, decoding and output count as
//! they do for a user. The in-process decode + analysis total is reported beside them.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use dancebot::analysis::metrics::score_beats;
use serde::Deserialize;

use super::report::{FileResult, LibrosaComparison, ProcessTiming};
use super::{mean_scores, Annotated};

/// The script that runs librosa, relative to the repository root.
const SCRIPT: &str = "scripts/librosa_beats.py";

/// One file of the script's output.
#[derive(Debug, Deserialize)]
struct LibrosaFile {
    beats_secs: Vec<f64>,
}

/// The script's output.
#[derive(Debug, Deserialize)]
struct LibrosaOutput {
    files: Vec<LibrosaFile>,
}

/// Runs librosa and our binary over `files`; fills each result's `librosa` scores.
pub fn compare(
    files: &[Annotated],
    results: &mut [FileResult],
    python: &Path,
) -> anyhow::Result<LibrosaComparison> {
    let tmp = tempfile::tempdir().context("creating a temporary folder")?;
    let out = tmp.path().join("librosa.json");
    let mut cmd = Command::new(python);
    cmd.arg(SCRIPT).arg("--out").arg(&out);
    cmd.args(files.iter().map(|f| &f.audio));
    let (status, librosa) =
        timed(&mut cmd).with_context(|| format!("{}: cannot run {SCRIPT}", python.display()))?;
    anyhow::ensure!(status.success(), "{SCRIPT} failed ({status})");
    let text =
        std::fs::read_to_string(&out).with_context(|| format!("{}: cannot read", out.display()))?;
    let parsed: LibrosaOutput =
        serde_json::from_str(&text).with_context(|| format!("{}: bad JSON", out.display()))?;
    anyhow::ensure!(
        parsed.files.len() == files.len(),
        "{SCRIPT} returned {} files, expected {}",
        parsed.files.len(),
        files.len()
    );
    for ((file, result), lib) in files.iter().zip(results.iter_mut()).zip(&parsed.files) {
        result.librosa = Some(score_beats(&file.reference_secs, &lib.beats_secs));
    }
    let jobs = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let ours = time_our_process(files, &tmp.path().join("ours"), jobs)?;
    let ours_one_job = time_our_process(files, &tmp.path().join("ours_1"), 1)?;
    let our_in_process_secs = results
        .iter()
        .map(|r| r.decode_secs + r.analysis_secs)
        .sum();
    Ok(LibrosaComparison::new(
        librosa,
        ours,
        jobs,
        ours_one_job,
        our_in_process_secs,
        mean_scores(results.iter().filter_map(|r| r.librosa.as_ref())),
    ))
}

/// Runs `cmd` to completion; its exit status, wall time and CPU time.
fn timed(cmd: &mut Command) -> std::io::Result<(std::process::ExitStatus, ProcessTiming)> {
    let cpu_before = children_cpu_secs();
    let start = Instant::now();
    let status = cmd.status()?;
    let wall_secs = start.elapsed().as_secs_f64();
    let cpu_secs = cpu_delta(cpu_before, children_cpu_secs());
    Ok((
        status,
        ProcessTiming {
            wall_secs,
            cpu_secs,
        },
    ))
}

/// CPU time (user + system) of all waited-for child processes so far, from
/// `/proc/self/stat` (`cutime`, `cstime`, in clock ticks of 1/100 s); `None` off Linux.
/// On a shared machine wall time depends on the load; CPU time much less.
fn children_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let cutime: f64 = fields.get(13)?.parse().ok()?;
    let cstime: f64 = fields.get(14)?.parse().ok()?;
    Some((cutime + cstime) / 100.0)
}

/// Difference of two CPU-time readings.
fn cpu_delta(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    Some(after? - before?)
}

/// Times one `dancebot beats FILES... --out-dir DIR --jobs N` over all files and checks that
/// it wrote one output per file.
fn time_our_process(files: &[Annotated], dir: &Path, jobs: usize) -> anyhow::Result<ProcessTiming> {
    let exe = std::env::current_exe().context("locating our own binary")?;
    let mut cmd = Command::new(&exe);
    cmd.arg("beats")
        .args(files.iter().map(|f| &f.audio))
        .arg("--out-dir")
        .arg(dir)
        .arg("--jobs")
        .arg(jobs.to_string());
    let (status, timing) =
        timed(&mut cmd).with_context(|| format!("{}: cannot run", exe.display()))?;
    anyhow::ensure!(
        status.success(),
        "dancebot beats --out-dir failed ({status})"
    );
    let written = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list", dir.display()))?
        .count();
    anyhow::ensure!(
        written == files.len(),
        "dancebot beats wrote {written} outputs for {} files",
        files.len()
    );
    Ok(timing)
}
