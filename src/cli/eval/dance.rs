//! `dancebot eval dance SKELETON.json [MORE ...] [--beats beats.json] [--json OUT.json]`:
//! dance metrics per file (Beat Align Score, beat hits, bone lengths, speed, jerk, foot
//! sliding, NaN frames; see `choreography::metrics`) and, for two or more files, their
//! diversity.
//!
//! Inputs are `skeleton.json` files or OpenPose outputs (a folder of per-frame JSON files,
//! with `--fps`). Music beats come from `--beats` (a `beats.json`), else from each file's own
//! `beats_secs`. Every input is read and measured before anything is written or printed, so a
//! bad input leaves no partial output.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use dancebot::choreography::metrics::{
    diversity, evaluate, sequence_kinetic_features, DanceMetrics,
};
use dancebot::choreography::openpose::{self, OpenPoseConfig, OpenPoseError, OpenPoseReport};
use dancebot::choreography::SkeletonSequence;
use serde::{Deserialize, Serialize};

/// Arguments of `dancebot eval dance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dances: skeleton.json files, or OpenPose folders of per-frame JSON files (need --fps).
    #[arg(required = true, value_name = "SKELETON")]
    pub inputs: Vec<PathBuf>,
    /// Music beats (beats.json, `{"beats_secs": [...]}`, or a `.beats` annotation); default:
    /// each file's own beats_secs.
    #[arg(long, value_name = "FILE")]
    pub beats: Option<PathBuf>,
    /// Also write the metrics as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Frame rate of OpenPose input, frames per second (skeleton files carry their own).
    #[arg(long)]
    pub fps: Option<f64>,
}

/// The part of `beats.json` this command reads.
#[derive(Debug, Deserialize)]
struct BeatsFile {
    beats_secs: Vec<f64>,
}

/// Metrics of one input.
#[derive(Debug, Clone, Serialize)]
struct FileReport {
    /// The input as given.
    path: String,
    /// Where the music beats came from: the `--beats` file or the input itself.
    beats_from: String,
    /// The metrics.
    metrics: DanceMetrics,
    /// The import report of OpenPose input.
    #[serde(skip_serializing_if = "Option::is_none")]
    openpose: Option<OpenPoseReport>,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
struct DanceReport {
    files: Vec<FileReport>,
    /// Mean pairwise distance of normalised kinetic features (two or more files).
    diversity: Option<f64>,
}

/// Runs `dancebot eval dance`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let shared_beats = args.beats.as_deref().map(read_beats).transpose()?;
    let mut files = Vec::with_capacity(args.inputs.len());
    let mut features = Vec::with_capacity(args.inputs.len());
    for path in &args.inputs {
        let loaded = load_input(path, args.fps)?;
        let seq = &loaded.sequence;
        let (beats, beats_from) = match (&shared_beats, args.beats.as_deref()) {
            (Some(b), Some(p)) => (b.clone(), p.display().to_string()),
            _ => (own_beats(path, seq)?, path.display().to_string()),
        };
        let metrics = evaluate(seq, &beats, None).with_context(|| format!("{}", path.display()))?;
        features
            .push(sequence_kinetic_features(seq).with_context(|| format!("{}", path.display()))?);
        files.push(FileReport {
            path: path.display().to_string(),
            beats_from,
            metrics,
            openpose: loaded.report,
        });
    }
    let report = DanceReport {
        files,
        diversity: diversity(&features),
    };
    if let Some(out) = &args.json {
        dancebot::error::write_json_atomic(out, &report)?;
    }
    print_table(&report);
    Ok(())
}

/// Reads and checks the beats of a `beats.json`, or of a `.beats` annotation (one beat per
/// line, time in seconds first).
fn read_beats(path: &Path) -> anyhow::Result<Vec<f64>> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if path.extension().is_some_and(|e| e == "beats") {
        let text = String::from_utf8_lossy(&bytes);
        let beats = dancebot::audio::synth::parse_beats(&text)
            .with_context(|| format!("{}", path.display()))?;
        return check_beats(path, beats.into_iter().map(|(t, _)| t).collect());
    }
    let file: BeatsFile = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{}: not a beats file (expected {{\"beats_secs\": [...]}})",
            path.display()
        )
    })?;
    check_beats(path, file.beats_secs)
}

/// Sorted beats, or an error naming the file when there are none or one is not finite.
fn check_beats(path: &Path, mut beats: Vec<f64>) -> anyhow::Result<Vec<f64>> {
    if beats.is_empty() {
        bail!("{}: no beats (beats_secs is empty)", path.display());
    }
    if let Some(i) = beats.iter().position(|b| !b.is_finite()) {
        bail!("{}: beats_secs[{i}] is not finite", path.display());
    }
    beats.sort_by(f64::total_cmp);
    Ok(beats)
}

/// The input's own beats, or an error saying how to give some.
fn own_beats(path: &Path, seq: &SkeletonSequence) -> anyhow::Result<Vec<f64>> {
    if seq.beats_secs.is_empty() {
        bail!(
            "{}: no music beats: the file has no beats_secs; give --beats beats.json",
            path.display()
        );
    }
    check_beats(path, seq.beats_secs.clone())
}

/// Loads a skeleton file or OpenPose input.
fn load_input(path: &Path, fps: Option<f64>) -> anyhow::Result<openpose::Loaded> {
    if path.is_dir() && fps.is_none() {
        bail!(
            "{}: an OpenPose folder needs --fps (the video's frame rate)",
            path.display()
        );
    }
    let cfg = OpenPoseConfig::default();
    match openpose::load(path, fps.unwrap_or(f64::NAN), &cfg) {
        Err(OpenPoseError::InvalidFps { .. }) if fps.is_none() => bail!(
            "{}: an OpenPose frame needs --fps (the video's frame rate)",
            path.display()
        ),
        other => Ok(other?),
    }
}

/// Prints one row per file, then the diversity.
fn print_table(report: &DanceReport) {
    println!(
        "{:<32} {:>6} {:>6} {:>5} {:>6} {:>8} {:>8} {:>9} {:>8} {:>4}",
        "file", "frames", "BAS", "hit%", "kbeats", "bone%max", "m/s", "jerk", "slide", "NaN"
    );
    for f in &report.files {
        let m = &f.metrics;
        println!(
            "{:<32} {:>6} {:>6.3} {:>5.1} {:>6} {:>8.3} {:>8.3} {:>9.1} {:>8.3} {:>4}",
            truncate(&file_label(&f.path), 32),
            m.frames,
            m.beat_align_score,
            100.0 * m.beat_hit_fraction,
            m.kinematic_beats,
            100.0 * m.bone_length.max_rel,
            m.mean_joint_speed_m_per_s,
            m.mean_jerk_m_per_s3,
            m.foot_sliding.mean_speed_m_per_s,
            m.nan_frames,
        );
    }
    if let Some(d) = report.diversity {
        println!("diversity over {} dances: {d:.3}", report.files.len());
    }
}

/// At most `n` characters, the end kept (names differ at the end).
fn truncate(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        return s.to_owned();
    }
    let tail: String = s.chars().skip(count + 1 - n).collect();
    format!("…{tail}")
}

/// The file name, or the path when it has none.
fn file_label(path: &str) -> String {
    let name = super::file_name(Path::new(path));
    if name.is_empty() {
        path.to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beats_are_checked_and_sorted() {
        let p = Path::new("b.json");
        assert_eq!(check_beats(p, vec![1.0, 0.5]).unwrap(), vec![0.5, 1.0]);
        let err = check_beats(p, vec![]).unwrap_err().to_string();
        assert!(err.contains("b.json") && err.contains("no beats"), "{err}");
        let err = check_beats(p, vec![f64::NAN]).unwrap_err().to_string();
        assert!(err.contains("not finite"), "{err}");
    }
}
