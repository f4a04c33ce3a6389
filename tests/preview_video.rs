//! End to end: a preview video of a small synthetic dance with a sine-tone soundtrack, checked
//! with ffprobe (streams, size, frame count) and by decoding frames back (figure colours where
//! the camera puts the limbs, the border flash on a beat and not between beats), plus the
//! all-or-nothing failure when the audio file is missing. Needs `ffmpeg` and `ffprobe`
//! (installed by `scripts/setup.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use dancebot::choreography::{BodyModel, Joint, SkeletonSequence, Vec3};
use dancebot::render::preview::{PreviewConfig, PreviewRenderer};
use dancebot::render::{RgbImage, OPENPOSE_COLOURS};
use dancebot::video::{write_preview, VideoError};

const FPS: f64 = 30.0;
const FRAMES: usize = 60;
const BEAT_FRAME: usize = 15;
const OFF_BEAT_FRAME: usize = 24;

/// Two seconds of the rest pose swaying and waving its right forearm, beats every 0.5 s.
fn dance() -> SkeletonSequence {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..FRAMES)
        .map(|k| {
            let t = k as f64 / FPS;
            let sway = 0.08 * (std::f64::consts::TAU * t).sin();
            let mut pose = rest.translated(Vec3::new(sway, 0.0, 0.0));
            let elbow = pose.get(Joint::RElbow);
            let wave = 0.25 * (std::f64::consts::TAU * 2.0 * t).sin();
            pose.set(
                Joint::RWrist,
                elbow + Vec3::new(-0.1 - wave.abs(), 0.2, 0.0),
            );
            pose
        })
        .collect();
    let mut seq = SkeletonSequence::new(FPS, frames);
    seq.beats_secs = vec![0.5, 1.0, 1.5];
    seq
}

fn ffprobe_streams(path: &Path) -> Vec<serde_json::Value> {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,nb_frames,width,height",
        ])
        .args(["-of", "json"])
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
    let ppm = video.with_file_name(format!("frame{n}.ppm"));
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

/// Mean brightness of the top border (rows 0–3), 0–255.
fn border_brightness(img: &RgbImage) -> f64 {
    let mut sum = 0.0;
    for y in 0..4 {
        for x in 0..img.width() {
            let p = img.pixel(x, y).unwrap();
            sum += p.iter().map(|&c| f64::from(c)).sum::<f64>() / 3.0;
        }
    }
    sum / (4 * img.width()) as f64
}

fn near(got: [u8; 3], want: [u8; 3], tol: i32) -> bool {
    got.iter()
        .zip(want)
        .all(|(&g, w)| (i32::from(g) - i32::from(w)).abs() <= tol)
}

#[test]
fn preview_has_video_audio_figure_and_beat_flashes() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("tone.wav");
    common::write_tone_wav(&wav, 2.0, 440.0);
    let out = dir.path().join("preview.mp4");
    let seq = dance();
    let cfg = PreviewConfig::default();
    let report = write_preview(&seq, Some(&wav), &out, &cfg).unwrap();
    assert_eq!(
        (report.frames, report.width_px, report.height_px),
        (FRAMES, 640, 480)
    );
    assert!((report.duration_secs - 2.0).abs() < 1e-9);

    let streams = ffprobe_streams(&out);
    let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(640), Some(480))
    );
    let nb: i64 = video["nb_frames"].as_str().unwrap().parse().unwrap();
    assert!((nb - FRAMES as i64).abs() <= 1, "{nb} frames");
    assert!(
        streams.iter().any(|s| s["codec_type"] == "audio"),
        "{streams:?}"
    );

    // Limb colours where the front camera puts the limbs, and the frame as a whole.
    let renderer = PreviewRenderer::new(&seq, &cfg).unwrap();
    let decoded = decode_frame(&out, 10);
    let cam = renderer.front_figure().camera;
    let pose = renderer.pose_at(10);
    for (a, b, colour) in [
        (Joint::RHip, Joint::RKnee, OPENPOSE_COLOURS[7]),
        (Joint::LHip, Joint::LKnee, OPENPOSE_COLOURS[10]),
        (Joint::LShoulder, Joint::LElbow, OPENPOSE_COLOURS[4]),
    ] {
        let mid = cam.project(&((pose.get(a) + pose.get(b)) * 0.5));
        let got = decoded.pixel(mid.x as usize, mid.y as usize).unwrap();
        assert!(near(got, colour, 40), "{a:?}-{b:?}: {got:?} vs {colour:?}");
    }
    let mut rendered = RgbImage::new(640, 480, [0; 3]);
    renderer.render(10, &mut rendered);
    let diff: f64 = decoded
        .as_bytes()
        .iter()
        .zip(rendered.as_bytes())
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
        .sum::<f64>()
        / rendered.as_bytes().len() as f64;
    assert!(diff < 4.0, "mean difference {diff}");

    let on_beat = border_brightness(&decode_frame(&out, BEAT_FRAME));
    let between = border_brightness(&decode_frame(&out, OFF_BEAT_FRAME));
    assert!(on_beat > 200.0 && between < 80.0, "{on_beat} vs {between}");
}

#[test]
fn a_missing_audio_file_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("preview.mp4");
    let missing = dir.path().join("no-such-song.wav");
    let err = write_preview(&dance(), Some(&missing), &out, &PreviewConfig::default()).unwrap_err();
    assert!(matches!(err, VideoError::AudioMissing { .. }), "{err}");
    assert!(err.to_string().contains("no-such-song.wav"), "{err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
