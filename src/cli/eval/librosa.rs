//! Speed and accuracy against librosa, whole process against whole process.
//!
//! librosa side: one Python process (`scripts/librosa_beats.py`) that imports librosa, then
//! for every file `librosa.load(sr=22050)` and `librosa.beat.beat_track`; we time it from spawn
//! to exit, so interpreter start-up and imports count, as they do for a user. Our side: our
//! own binary spawned once per file (`dancebot beats FILE --out ...`), timed the same way, so
//! our process start-up counts 33 times against librosa's once. The in-process decode +
//! analysis total is reported beside it.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use dancebot::analysis::metrics::score_beats;
use serde::Deserialize;

use super::report::{FileResult, LibrosaComparison};
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
    let cpu_before = children_cpu_secs();
    let start = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("{}: cannot run {SCRIPT}", python.display()))?;
    let librosa_process_secs = start.elapsed().as_secs_f64();
    let librosa_cpu_secs = cpu_delta(cpu_before, children_cpu_secs());
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
    let cpu_before = children_cpu_secs();
    let our_processes_secs = time_our_processes(files, tmp.path())?;
    let our_cpu_secs = cpu_delta(cpu_before, children_cpu_secs());
    let our_in_process_secs = results
        .iter()
        .map(|r| r.decode_secs + r.analysis_secs)
        .sum();
    Ok(LibrosaComparison {
        librosa_process_secs,
        our_processes_secs,
        our_in_process_secs,
        speedup_processes: librosa_process_secs / our_processes_secs.max(1e-9),
        speedup_in_process: librosa_process_secs / f64::max(our_in_process_secs, 1e-9),
        librosa_cpu_secs,
        our_processes_cpu_secs: our_cpu_secs,
        speedup_cpu: librosa_cpu_secs
            .zip(our_cpu_secs)
            .map(|(l, o)| l / o.max(1e-9)),
        mean: mean_scores(results.iter().filter_map(|r| r.librosa.as_ref())),
    })
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

/// Wall time of spawning `dancebot beats FILE --out ...` once per file, in sequence.
fn time_our_processes(files: &[Annotated], tmp: &Path) -> anyhow::Result<f64> {
    let exe = std::env::current_exe().context("locating our own binary")?;
    let start = Instant::now();
    for (i, file) in files.iter().enumerate() {
        let status = Command::new(&exe)
            .arg("beats")
            .arg(&file.audio)
            .arg("--out")
            .arg(tmp.join(format!("ours_{i}.json")))
            .status()
            .with_context(|| format!("{}: cannot run", exe.display()))?;
        anyhow::ensure!(
            status.success(),
            "{}: dancebot beats failed",
            file.audio.display()
        );
    }
    Ok(start.elapsed().as_secs_f64())
}
