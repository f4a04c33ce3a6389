//! Throughput of the renderers, single-threaded: stick figures at 512×256 and 1280×720, label
//! maps at 512×256, and whole preview frames at 640×480, on a synthetic dance.
//!
//! ```text
//! cargo run --release --example render_bench [-- --dump DIR]
//! ```
//!
//! Each case draws the frames of the dance in a loop for about a second (background fill
//! included) and prints frames per second. With `--dump`, it also writes one frame of each
//! kind to `DIR` as PPM (label maps with each class in its OpenPose colour).

// A command-line report: printing to stdout is its job.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use dancebot::choreography::{BodyModel, Joint, Pose, SkeletonSequence, Vec3};
use dancebot::render::camera::{Camera, View, ViewBounds};
use dancebot::render::labels::{LabelMap, LabelPainter, LabelStyle};
use dancebot::render::preview::{PreviewConfig, PreviewRenderer};
use dancebot::render::{PixelRect, RgbImage, StickFigure, OPENPOSE_COLOURS};

const BACKGROUND: [u8; 3] = [0, 0, 0];
const MIN_RUN: Duration = Duration::from_secs(1);

/// Ten seconds at 30 fps: swaying, arms circling, knees bending.
fn dance() -> Vec<Pose> {
    let body = BodyModel::default();
    let rest = body.rest_pose();
    (0..300)
        .map(|k| {
            let t = k as f64 / 30.0;
            let phase = std::f64::consts::TAU * t;
            let mut p = rest.translated(Vec3::new(0.1 * phase.sin(), 0.0, 0.05 * phase.cos()));
            let (s, c) = (phase * 2.0).sin_cos();
            p.set(
                Joint::RWrist,
                p.get(Joint::RElbow) + Vec3::new(-0.2 * c, 0.2 * s, 0.1),
            );
            p.set(
                Joint::LWrist,
                p.get(Joint::LElbow) + Vec3::new(0.2 * s, 0.2 * c, 0.1),
            );
            p.set(
                Joint::LKnee,
                p.get(Joint::LKnee) + Vec3::new(0.0, 0.0, 0.1 * s.abs()),
            );
            body.project(&p)
        })
        .collect()
}

/// Runs `draw(frame_index)` over and over for at least [`MIN_RUN`]; frames per second.
fn frames_per_sec(n_frames: usize, mut draw: impl FnMut(usize)) -> f64 {
    for k in 0..n_frames.min(30) {
        draw(k);
    }
    let start = Instant::now();
    let mut done = 0usize;
    while start.elapsed() < MIN_RUN {
        draw(done % n_frames);
        done += 1;
    }
    done as f64 / start.elapsed().as_secs_f64()
}

fn stick_case(poses: &[Pose], width: usize, height: usize) -> (f64, RgbImage) {
    let rect = PixelRect::new(0, 0, width, height);
    let camera = Camera::fit(View::Front, rect, &ViewBounds::body(View::Front, 1.7), 0.05);
    let figure = StickFigure::new(camera, rect);
    let mut img = RgbImage::new(width, height, BACKGROUND);
    let fps = frames_per_sec(poses.len(), |k| {
        img.fill(BACKGROUND);
        figure.draw(&mut img, &poses[k]);
    });
    (fps, img)
}

fn labels_case(poses: &[Pose], width: usize, height: usize) -> (f64, LabelMap) {
    let rect = PixelRect::new(0, 0, width, height);
    let camera = Camera::fit(View::Front, rect, &ViewBounds::body(View::Front, 1.7), 0.05);
    let mut painter = LabelPainter::new(camera, LabelStyle::default(), width, height);
    let mut map = painter.blank_map();
    let fps = frames_per_sec(poses.len(), |k| painter.paint(&poses[k], &mut map));
    (fps, map)
}

fn preview_case(poses: &[Pose]) -> Result<(f64, RgbImage), Box<dyn std::error::Error>> {
    let mut seq = SkeletonSequence::new(30.0, poses.to_vec());
    seq.beats_secs = (1..20).map(|b| b as f64 * 0.5).collect();
    let renderer = PreviewRenderer::new(&seq, &PreviewConfig::default())?;
    let mut img = RgbImage::new(640, 480, BACKGROUND);
    let fps = frames_per_sec(renderer.frame_count(), |k| renderer.render(k, &mut img));
    renderer.render(15, &mut img);
    Ok((fps, img))
}

/// A label map as an image: each class in its limb's OpenPose colour, background black.
fn labels_to_image(map: &LabelMap) -> RgbImage {
    let mut img = RgbImage::new(map.width, map.height, BACKGROUND);
    for c in 1..map.channels {
        for (i, &on) in map.channel(c).iter().enumerate() {
            if on == 1 {
                img.put(i % map.width, i / map.width, OPENPOSE_COLOURS[c - 1]);
            }
        }
    }
    img
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let poses = dance();
    let (small_fps, small) = stick_case(&poses, 512, 256);
    println!("stick figure 512x256:   {small_fps:>8.0} frames/s");
    let (hd_fps, hd) = stick_case(&poses, 1280, 720);
    println!("stick figure 1280x720:  {hd_fps:>8.0} frames/s");
    let (label_fps, map) = labels_case(&poses, 512, 256);
    println!("label map 512x256:      {label_fps:>8.0} frames/s");
    let (preview_fps, preview) = preview_case(&poses)?;
    println!("preview frame 640x480:  {preview_fps:>8.0} frames/s");
    if let Some(dir) = dump {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("stick_512x256.ppm"), small.to_ppm_bytes())?;
        std::fs::write(dir.join("stick_1280x720.ppm"), hd.to_ppm_bytes())?;
        std::fs::write(
            dir.join("labels_512x256.ppm"),
            labels_to_image(&map).to_ppm_bytes(),
        )?;
        std::fs::write(dir.join("preview_640x480.ppm"), preview.to_ppm_bytes())?;
        println!("frames written to {}", dir.display());
    }
    Ok(())
}
