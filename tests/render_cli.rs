//! `dancebot render` end to end: a skeleton with its music becomes an avatar video with an
//! audio stream; a missing model or a broken skeleton fails with the file's name and leaves
//! no video behind. Needs `ffmpeg` and `ffprobe` (installed by `scripts/setup.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dancebot::choreography::{BodyModel, Joint, SkeletonSequence, Vec3};

fn dancebot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dancebot"))
        .args(args)
        .output()
        .unwrap()
}

/// One second of a waving dancer (one frame missing its left wrist) with music beside it.
fn skeleton_with_music(dir: &Path) -> PathBuf {
    let wav = dir.join("song.wav");
    common::write_tone_wav(&wav, 1.0, 330.0);
    let rest = BodyModel::default().rest_pose();
    let frames = (0..30)
        .map(|k| {
            let mut pose = rest;
            let lift = 0.3 * (k as f64 / 30.0 * std::f64::consts::TAU).sin();
            pose.set(
                Joint::RWrist,
                pose.get(Joint::RElbow) + Vec3::new(-0.1, 0.2 + lift, 0.0),
            );
            if k == 12 {
                pose.set(Joint::LWrist, Vec3::new(f64::NAN, f64::NAN, f64::NAN));
            }
            pose
        })
        .collect();
    let mut seq = SkeletonSequence::new(30.0, frames);
    seq.audio = Some(wav);
    let path = dir.join("skeleton.json");
    std::fs::write(&path, seq.to_json_bytes().unwrap()).unwrap();
    path
}

fn stream_types(path: &Path) -> Vec<String> {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs (scripts/setup.sh installs ffmpeg)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn render_writes_the_avatar_with_its_music() {
    let tmp = tempfile::tempdir().unwrap();
    let skel = skeleton_with_music(tmp.path());
    let out = tmp.path().join("avatar.mp4");
    let run = dancebot(&[
        "render",
        skel.to_str().unwrap(),
        "--avatar",
        "character",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let streams = stream_types(&out);
    assert!(
        streams.contains(&"video".to_owned()) && streams.contains(&"audio".to_owned()),
        "{streams:?}"
    );
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        said.contains("30 frames") && said.contains("with music"),
        "{said}"
    );
}

#[test]
fn a_missing_model_is_named_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let skel = skeleton_with_music(tmp.path());
    let out = tmp.path().join("avatar.mp4");
    let model = tmp.path().join("no-such-avatar.safetensors");
    let run = dancebot(&[
        "render",
        skel.to_str().unwrap(),
        "--avatar",
        "model",
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("no-such-avatar.safetensors"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_broken_skeleton_is_named_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let skel = tmp.path().join("broken.json");
    std::fs::write(&skel, br#"{"fps": 30, "frames": [[1, 2]]"#).unwrap();
    let out = tmp.path().join("avatar.mp4");
    let run = dancebot(&[
        "render",
        skel.to_str().unwrap(),
        "--avatar",
        "character",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("broken.json"), "{err}");
    assert!(!out.exists());
}
