//! End to end: `avatar.mp4` of a small dance drawn by the procedural character, checked with
//! ffprobe (size, frame count) and by decoding a frame back (the character's shirt colour
//! where the torso is), plus NaN frames held rather than drawn and the all-or-nothing failure
//! of an empty skeleton. Needs `ffmpeg` and `ffprobe` (installed by `scripts/setup.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use dancebot::choreography::{BodyModel, Joint, SkeletonSequence, Vec3};
use dancebot::render::character::CharacterStyle;
use dancebot::render::{AvatarRenderer, CharacterAvatar};
use dancebot::video::avatar::{write_avatar_video, AvatarVideoConfig, AvatarVideoError};

const FPS: f64 = 30.0;
const FRAMES: usize = 40;
const SIZE: usize = 128;

fn dance() -> SkeletonSequence {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..FRAMES)
        .map(|k| {
            let t = k as f64 / FPS;
            // Still for the first 20 frames (around the NaN one), then swaying.
            let sway = if k < 20 { 0.0 } else { 0.05 * (6.0 * t).sin() };
            let mut pose = rest.translated(Vec3::new(sway, 0.0, 0.0));
            if k == 10 {
                pose.set(Joint::LWrist, Vec3::new(f64::NAN, 0.0, 0.0));
            }
            pose
        })
        .collect();
    SkeletonSequence::new(FPS, frames)
}

fn decode_frame(path: &Path, index: usize) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-vf", &format!("select=eq(n\\,{index})"), "-frames:v", "1"])
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs (scripts/setup.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn frame_count(path: &Path) -> usize {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn close(a: &[u8], b: [u8; 3], tol: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(&x, y)| (i32::from(x) - i32::from(y)).abs() <= tol)
}

#[test]
fn character_avatar_video_has_every_frame_and_the_character() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("avatar.mp4");
    let seq = dance();
    let style = CharacterStyle::default();
    let mut avatar = CharacterAvatar::new(style.clone(), SIZE, SIZE).unwrap();
    let mut calls = Vec::new();
    let report = write_avatar_video(
        &seq,
        &mut avatar,
        None,
        &out,
        &AvatarVideoConfig::default(),
        &mut |done, total| calls.push((done, total)),
    )
    .unwrap();
    assert_eq!(report.frames, FRAMES);
    assert_eq!((report.width_px, report.height_px), (SIZE, SIZE));
    assert_eq!(frame_count(&out), FRAMES);
    assert_eq!(calls.last(), Some(&(FRAMES, FRAMES)));

    // The decoded frame matches the renderer's own frame closely (H.264 is lossy), and a
    // good share of pixels differ from the backdrop: the character is there.
    let mut direct = Vec::new();
    avatar.reset();
    avatar.render(&seq.frames[..1], &mut direct).unwrap();
    let decoded = decode_frame(&out, 0);
    assert_eq!(decoded.len(), SIZE * SIZE * 3);
    let expected = direct[0].as_bytes();
    let mean_abs: f64 = decoded
        .iter()
        .zip(expected)
        .map(|(&a, &b)| f64::from(a.abs_diff(b)))
        .sum::<f64>()
        / decoded.len() as f64;
    assert!(
        mean_abs < 6.0,
        "decoded frame differs by {mean_abs} on average"
    );
    let not_backdrop = decoded
        .chunks_exact(3)
        .filter(|p| !close(p, style.background_rgb, 24) && !close(p, style.floor_rgb, 24))
        .count();
    assert!(
        not_backdrop > SIZE * SIZE / 40,
        "only {not_backdrop} character pixels"
    );

    // The NaN frame is held: the still body looks as in the frame before, not missing a
    // forearm or drawn with garbage.
    let held = decode_frame(&out, 10);
    let before = decode_frame(&out, 9);
    let changed = held
        .chunks_exact(3)
        .zip(before.chunks_exact(3))
        .filter(|(a, b)| {
            a.iter()
                .zip(b.iter())
                .any(|(&x, &y)| (i32::from(x) - i32::from(y)).abs() > 40)
        })
        .count();
    assert!(changed <= 3, "{changed} pixels changed on the held frame");
}

#[test]
fn empty_skeleton_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("avatar.mp4");
    let mut avatar = CharacterAvatar::new(CharacterStyle::default(), SIZE, SIZE).unwrap();
    let seq = SkeletonSequence::new(FPS, Vec::new());
    let err = write_avatar_video(
        &seq,
        &mut avatar,
        None,
        &out,
        &AvatarVideoConfig::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(matches!(err, AvatarVideoError::Empty), "{err}");
    assert!(!out.exists());
}
