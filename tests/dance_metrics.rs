//! `dancebot eval dance` end to end: generated skeleton files with known kinematic beats in a
//! temporary folder, the binary run on them, its JSON checked; bad inputs fail naming the
//! file and write nothing.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dancebot::choreography::{BodyModel, SkeletonSequence, Vec3};
use serde_json::Value;

/// The rest pose gliding along x at `1 − cos(2π (t − offset) / 0.5 s)` m/s: speed minima (of
/// zero) exactly at `offset + k · 0.5 s`.
fn pulsing(offset_secs: f64) -> SkeletonSequence {
    let rest = BodyModel::default().rest_pose();
    let (fps, w) = (60.0, std::f64::consts::TAU / 0.5);
    let frames = (0..240)
        .map(|k| {
            let t = k as f64 / fps;
            let x = t - ((w * (t - offset_secs)).sin() + (w * offset_secs).sin()) / w;
            rest.translated(Vec3::new(x, 0.0, 0.0))
        })
        .collect();
    SkeletonSequence::new(fps, frames)
}

/// The rest pose drifting right at `speed` m/s, 30 fps, 2 s.
fn drifting(speed_m_per_s: f64) -> SkeletonSequence {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..60)
        .map(|k| rest.translated(Vec3::new(speed_m_per_s * k as f64 / 30.0, 0.0, 0.0)))
        .collect();
    SkeletonSequence::new(30.0, frames)
}

fn beats() -> Vec<f64> {
    (1..8).map(|k| 0.5 * k as f64).collect()
}

fn save(dir: &Path, name: &str, seq: &SkeletonSequence) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, seq.to_json_bytes().unwrap()).unwrap();
    path
}

fn eval(args: &[&Path]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dancebot"));
    cmd.args(["eval", "dance"]);
    cmd.args(args);
    cmd.output().unwrap()
}

fn report(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn metric(v: &Value, file: usize, key: &str) -> f64 {
    v["files"][file]["metrics"][key].as_f64().unwrap()
}

#[test]
fn beats_in_files_and_from_beats_json_give_the_known_scores() {
    let dir = tempfile::tempdir().unwrap();
    let mut on = pulsing(0.0);
    on.beats_secs = beats();
    let mut late = pulsing(0.05);
    late.beats_secs = beats();
    let on_path = save(dir.path(), "on_beat.json", &on);
    let late_path = save(dir.path(), "late.json", &late);
    let out = dir.path().join("metrics.json");
    let run = eval(&[&on_path, &late_path, Path::new("--json"), &out]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("on_beat.json") && stdout.contains("diversity"),
        "{stdout}"
    );
    let v = report(&out);
    assert!(
        (metric(&v, 0, "beat_align_score") - 1.0).abs() < 1e-3,
        "{v}"
    );
    assert!(
        (metric(&v, 1, "beat_align_score") - (-0.5_f64).exp()).abs() < 1e-3,
        "{v}"
    );
    assert_eq!(metric(&v, 0, "beat_hit_fraction"), 1.0);
    assert_eq!(metric(&v, 0, "music_beats"), 7.0);
    assert_eq!(metric(&v, 0, "nan_frames"), 0.0);
    assert!(
        v["files"][0]["metrics"]["bone_length"]["max_rel"]
            .as_f64()
            .unwrap()
            < 1e-4
    );
    // Mean of 1 − cos over the 4 s: 1 m/s, less the cut-off last half period.
    assert!(
        (metric(&v, 0, "mean_joint_speed_m_per_s") - 1.0).abs() < 0.05,
        "{v}"
    );
    assert!(v["diversity"].as_f64().unwrap() > 0.0);

    // The same dance, the beats 50 ms later from a beats.json: exp(−½).
    let bare = save(dir.path(), "bare.json", &pulsing(0.0));
    let beats_path = dir.path().join("beats.json");
    let late_beats: Vec<f64> = beats().iter().map(|b| b + 0.05).collect();
    let text = serde_json::json!({"tempo_bpm": 120.0, "beats_secs": late_beats});
    std::fs::write(&beats_path, text.to_string()).unwrap();
    let out2 = dir.path().join("m2.json");
    let run = eval(&[
        &bare,
        Path::new("--beats"),
        &beats_path,
        Path::new("--json"),
        &out2,
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v = report(&out2);
    assert!(
        (metric(&v, 0, "beat_align_score") - (-0.5_f64).exp()).abs() < 1e-3,
        "{v}"
    );
    assert!(v["diversity"].is_null());
}

#[test]
fn diversity_of_a_statue_and_a_drifter_is_known() {
    // Speed and horizontal kinetic energy differ for all 18 joints (±1 after normalising),
    // acceleration and vertical energy are zero in both: distance 2·√36 = 12.
    let dir = tempfile::tempdir().unwrap();
    let mut still = drifting(0.0);
    still.beats_secs = vec![1.0];
    let mut moving = drifting(0.3);
    moving.beats_secs = vec![1.0];
    let a = save(dir.path(), "still.json", &still);
    let b = save(dir.path(), "moving.json", &moving);
    let out = dir.path().join("m.json");
    let run = eval(&[&a, &b, Path::new("--json"), &out]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v = report(&out);
    assert!(
        (v["diversity"].as_f64().unwrap() - 12.0).abs() < 1e-3,
        "{v}"
    );
    assert!(
        (metric(&v, 1, "mean_joint_speed_m_per_s") - 0.3).abs() < 1e-6,
        "{v}"
    );
    assert_eq!(metric(&v, 0, "kinematic_beats"), 0.0);
}

/// Runs a failing evaluation with `--json` and checks the error names `needle` and nothing
/// was written.
fn fails_naming(args: &[&Path], needle: &str, dir: &Path) {
    let out = dir.join("should_not_exist.json");
    let mut all: Vec<&Path> = args.to_vec();
    all.extend([Path::new("--json"), out.as_path()]);
    let run = eval(&all);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "succeeded: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    assert!(!out.exists(), "partial output written");
    assert!(
        run.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
}

#[test]
fn bad_inputs_fail_naming_the_file_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut good_seq = pulsing(0.0);
    good_seq.beats_secs = beats();
    let good = save(d, "good.json", &good_seq);
    let missing = d.join("missing.json");
    fails_naming(&[&good, &missing], "missing.json", d);
    let malformed = d.join("malformed.json");
    std::fs::write(&malformed, "{\"fps\": 30, \"frames\": [").unwrap();
    fails_naming(&[&good, &malformed], "malformed.json", d);
    let no_beats = save(d, "no_beats.json", &pulsing(0.0));
    fails_naming(&[&good, &no_beats], "no_beats.json: no music beats", d);
    let empty_beats = d.join("empty_beats.json");
    std::fs::write(&empty_beats, "{\"beats_secs\": []}").unwrap();
    fails_naming(
        &[&good, Path::new("--beats"), &empty_beats],
        "empty_beats.json",
        d,
    );
    let folder = d.join("openpose");
    std::fs::create_dir(&folder).unwrap();
    fails_naming(&[&folder], "needs --fps", d);
}

#[test]
fn openpose_folders_are_measured_with_fps() {
    let dir = tempfile::tempdir().unwrap();
    let beats_path = dir.path().join("beats.json");
    std::fs::write(&beats_path, "{\"beats_secs\": [0.05, 0.1]}").unwrap();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openpose/coco18");
    let out = dir.path().join("m.json");
    let args = [
        folder.as_path(),
        Path::new("--fps"),
        Path::new("30"),
        Path::new("--beats"),
        &beats_path,
        Path::new("--json"),
        &out,
    ];
    let run = eval(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v = report(&out);
    assert_eq!(metric(&v, 0, "frames"), 4.0);
    assert_eq!(v["files"][0]["openpose"]["keypoints_interpolated"], 1);
}
