//! End to end: `robot_preview.mp4` of the project's humanoid waving its left arm
//! (`l_shoulder_roll`) for 1.5 s beside a rest-pose skeleton, with a sine-tone soundtrack;
//! checked with ffprobe (size, frame count, audio stream) and by decoding a frame back (the
//! robot's tints on the left, OpenPose colours on the right, close to the rendered frame),
//! plus the all-or-nothing failure on a joint the robot lacks. Needs `ffmpeg` and `ffprobe`
//! (installed by `scripts/setup.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dancebot::choreography::{BodyModel, SkeletonSequence};
use dancebot::render::robot::PoseError;
use dancebot::render::robot_preview::{
    RobotPreviewConfig, RobotPreviewError, RobotPreviewRenderer,
};
use dancebot::render::{PixelRect, Rgb, RgbImage, OPENPOSE_COLOURS};
use dancebot::retarget::JointTrajectory;
use dancebot::robot::RobotModel;
use dancebot::video::robot::{write_robot_preview, RobotVideoError};

const FPS: f64 = 30.0;
const FRAMES: usize = 45;
const SECS: f64 = 1.5;

fn humanoid() -> RobotModel {
    RobotModel::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("urdf/dancebot_humanoid.urdf"))
        .unwrap()
}

/// `joint` waving between 0.2 and 2.2 rad twice a second, points at 50 Hz.
fn wave(joint: &str) -> JointTrajectory {
    let times_secs: Vec<f64> = (0..=75).map(|k| k as f64 * 0.02).collect();
    let positions_rad = times_secs
        .iter()
        .map(|t| vec![1.2 - (std::f64::consts::TAU * 2.0 * t).cos()])
        .collect();
    JointTrajectory {
        joint_names: vec![joint.to_owned()],
        times_secs,
        positions_rad,
        velocities_rad_per_s: vec![],
        accelerations_rad_per_s2: vec![],
    }
}

fn rest_pose_sequence() -> SkeletonSequence {
    let mut seq = SkeletonSequence::new(FPS, vec![BodyModel::default().rest_pose(); FRAMES]);
    seq.beats_secs = vec![0.5, 1.0];
    seq
}

fn ffprobe_streams(path: &Path) -> Vec<serde_json::Value> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries"])
        .args(["stream=codec_type,nb_frames,width,height", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs (scripts/setup.sh installs ffmpeg)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["streams"].as_array().unwrap().clone()
}

/// Frame `n` of the video, decoded to RGB through a PPM file.
fn decode_frame(video: &Path, n: usize) -> RgbImage {
    let ppm: PathBuf = video.with_file_name(format!("frame{n}.ppm"));
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(video)
        .args(["-vf", &format!("select=eq(n\\,{n})"), "-vframes", "1"])
        .args(["-f", "image2", "-c:v", "ppm"])
        .arg(&ppm)
        .status()
        .unwrap();
    assert!(status.success());
    RgbImage::from_ppm_bytes(&std::fs::read(&ppm).unwrap()).unwrap()
}

/// Pixels of `rect` in `img` that satisfy `pred`.
fn count(img: &RgbImage, rect: PixelRect, pred: impl Fn(Rgb) -> bool) -> usize {
    (rect.y0..rect.y1)
        .flat_map(|y| (rect.x0..rect.x1).map(move |x| (x, y)))
        .filter(|&(x, y)| img.pixel(x, y).is_some_and(&pred))
        .count()
}

/// The robot's left (blue) and right (orange) tints, lit or shaded, after video coding.
fn robot_blue(c: Rgb) -> bool {
    c[0] > 30 && c[1] > 60 && i32::from(c[2]) > i32::from(c[0]) + 50
}

fn robot_orange(c: Rgb) -> bool {
    c[1] > 50 && c[2] > 20 && i32::from(c[0]) > i32::from(c[2]) + 50
}

fn openpose(c: Rgb) -> bool {
    OPENPOSE_COLOURS.iter().any(|want| {
        c.iter()
            .zip(want)
            .all(|(&g, &w)| (i32::from(g) - i32::from(w)).abs() <= 40)
    })
}

#[test]
fn robot_preview_has_video_audio_robot_and_skeleton() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("tone.wav");
    common::write_tone_wav(&wav, SECS, 330.0);
    let out = dir.path().join("robot_preview.mp4");
    let (model, traj, seq) = (humanoid(), wave("l_shoulder_roll"), rest_pose_sequence());
    let cfg = RobotPreviewConfig::default();
    let report = write_robot_preview(&model, &traj, &seq, Some(&wav), &out, &cfg).unwrap();
    assert_eq!(
        (report.frames, report.width_px, report.height_px),
        (FRAMES, 960, 480)
    );
    assert!((report.duration_secs - SECS).abs() < 1e-9);
    assert_eq!(report.audio.as_deref(), Some(wav.as_path()));

    let streams = ffprobe_streams(&out);
    let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(960), Some(480))
    );
    let nb: i64 = video["nb_frames"].as_str().unwrap().parse().unwrap();
    assert!((nb - FRAMES as i64).abs() <= 1, "{nb} frames");
    assert!(
        streams.iter().any(|s| s["codec_type"] == "audio"),
        "{streams:?}"
    );

    // Above the progress bar: the robot's tints on the left, the skeleton's on the right.
    let decoded = decode_frame(&out, 20);
    let left = PixelRect::new(10, 10, 470, 400);
    let right = PixelRect::new(490, 10, 460, 400);
    let (blue, orange) = (
        count(&decoded, left, robot_blue),
        count(&decoded, left, robot_orange),
    );
    assert!(
        blue > 1000 && orange > 1000,
        "robot: {blue} blue, {orange} orange"
    );
    assert!(count(&decoded, right, robot_blue) < blue / 20);
    let skeleton = count(&decoded, right, openpose);
    assert!(skeleton > 1000, "skeleton: {skeleton}");
    assert!(count(&decoded, left, openpose) < skeleton / 10);

    // The decoded frame is the rendered one, up to lossy coding.
    let mut renderer = RobotPreviewRenderer::new(&model, &traj, &seq, &cfg).unwrap();
    let mut rendered = RgbImage::new(960, 480, [0; 3]);
    renderer.render(20, &mut rendered);
    let diff = decoded
        .as_bytes()
        .iter()
        .zip(rendered.as_bytes())
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
        .sum::<f64>()
        / rendered.as_bytes().len() as f64;
    assert!(diff < 4.0, "mean difference {diff}");
}

#[test]
fn an_unknown_joint_errors_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("robot_preview.mp4");
    let (model, seq) = (humanoid(), rest_pose_sequence());
    let traj = wave("l_tentacle_roll");
    let err = write_robot_preview(
        &model,
        &traj,
        &seq,
        None,
        &out,
        &RobotPreviewConfig::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            RobotVideoError::Preview(RobotPreviewError::Pose(PoseError::UnknownJoint(_)))
        ),
        "{err}"
    );
    assert!(err.to_string().contains("l_tentacle_roll"), "{err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
