//! A contact sheet of the avatar character, for eyeballing, and its rendering speed.
//!
//! ```text
//! cargo run --release --example character_sheet -- OUT.ppm [--bench]
//! ffmpeg -y -i OUT.ppm OUT.png
//! ```
//!
//! The sheet (1024 × 1280 pixels) holds 256 × 256 tiles, each in its own seeded style: hand-made
//! poses in the front view (rest, arms up, wave, reach, squat, turned 45°, profile, back),
//! four frames of the procedural dance on the bundled demo song, four poses in the side view,
//! and a 512 × 256 render beside its one-hot label map (each limb class in its OpenPose
//! colour). With `--bench` it also prints frames per second of `render` (single-threaded,
//! backdrop included) at 256 × 256 and 512 × 256, and of whole training pairs at 256 × 256.

// A command-line tool: printing to stdout is its job.
#![allow(clippy::print_stdout)]

use std::f64::consts::PI;
use std::time::{Duration, Instant};

use anyhow::Context;
use dancebot::analysis::features::{extract, FeatureConfig};
use dancebot::audio::synth;
use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
use dancebot::choreography::{generate_offline, BodyModel, Joint, Pose, Vec3};
use dancebot::render::camera::View;
use dancebot::render::character::pairs::class_indices;
use dancebot::render::character::{CharacterRenderer, CharacterStyle, PairRenderer};
use dancebot::render::{RgbImage, OPENPOSE_COLOURS};

const TILE: usize = 256;

/// The rest pose changed by `edit`, bone lengths restored, feet put back on the floor.
fn posed(edit: impl Fn(&mut Pose)) -> Pose {
    let body = BodyModel::default();
    let mut p = body.rest_pose();
    edit(&mut p);
    let p = body.project(&p);
    let lowest = p.get(Joint::RAnkle).y.min(p.get(Joint::LAnkle).y);
    p.translated(Vec3::new(0.0, 0.07 - lowest, 0.0))
}

/// Sets joint `j` to joint `from` plus `offset`.
fn hang(p: &mut Pose, j: Joint, from: Joint, offset: [f64; 3]) {
    p.set(j, p.get(from) + Vec3::from(offset));
}

/// `pose` turned by `angle_rad` about the vertical through its pelvis (positive: toward the
/// dancer's own left, so +90° faces the audience's right).
fn turned(pose: &Pose, angle_rad: f64) -> Pose {
    let c = pose.pelvis();
    let (s, co) = angle_rad.sin_cos();
    let mut out = *pose;
    for p in &mut out.points {
        let d = *p - c;
        *p = c + Vec3::new(co * d.x + s * d.z, d.y, -s * d.x + co * d.z);
    }
    out
}

fn hand_made() -> Vec<Pose> {
    use Joint::*;
    let rest = posed(|_| {});
    let arms_up = posed(|p| {
        hang(p, RElbow, RShoulder, [-0.12, 0.25, 0.0]);
        hang(p, RWrist, RElbow, [-0.06, 0.25, 0.0]);
        hang(p, LElbow, LShoulder, [0.12, 0.25, 0.0]);
        hang(p, LWrist, LElbow, [0.06, 0.25, 0.0]);
    });
    let wave = posed(|p| {
        hang(p, RElbow, RShoulder, [-0.28, 0.02, 0.0]);
        hang(p, RWrist, RElbow, [-0.03, 0.25, 0.05]);
        hang(p, LElbow, LShoulder, [0.15, -0.22, -0.05]);
        hang(p, LWrist, LElbow, [-0.12, -0.1, 0.05]);
    });
    let reach = posed(|p| {
        hang(p, RElbow, RShoulder, [0.02, -0.12, 0.25]);
        hang(p, RWrist, RElbow, [0.25, 0.05, 0.12]);
        hang(p, LElbow, LShoulder, [-0.02, -0.12, 0.25]);
        hang(p, LWrist, LElbow, [-0.25, 0.1, 0.1]);
    });
    let squat = posed(|p| {
        hang(p, RKnee, RHip, [-0.08, -0.25, 0.33]);
        hang(p, RAnkle, RKnee, [-0.02, -0.42, -0.08]);
        hang(p, LKnee, LHip, [0.08, -0.25, 0.33]);
        hang(p, LAnkle, LKnee, [0.02, -0.42, -0.08]);
        hang(p, RElbow, RShoulder, [-0.05, -0.05, 0.28]);
        hang(p, RWrist, RElbow, [0.0, 0.0, 0.26]);
        hang(p, LElbow, LShoulder, [0.05, -0.05, 0.28]);
        hang(p, LWrist, LElbow, [0.0, 0.0, 0.26]);
    });
    let walk = posed(|p| {
        hang(p, RKnee, RHip, [0.0, -0.4, 0.15]);
        hang(p, RAnkle, RKnee, [0.0, -0.4, -0.05]);
        hang(p, LKnee, LHip, [0.0, -0.42, -0.1]);
        hang(p, LAnkle, LKnee, [0.0, -0.38, -0.15]);
        hang(p, RElbow, RShoulder, [0.0, -0.28, -0.1]);
        hang(p, RWrist, RElbow, [0.0, -0.22, 0.12]);
        hang(p, LElbow, LShoulder, [0.0, -0.28, 0.1]);
        hang(p, LWrist, LElbow, [0.0, -0.2, 0.15]);
    });
    vec![
        rest,
        arms_up,
        wave,
        reach,
        squat,
        turned(&wave, PI / 4.0),
        turned(&walk, PI / 2.0),
        turned(&arms_up, PI),
        walk,
    ]
}

/// Four frames of the procedural dance on the bundled demo song.
fn procedural() -> anyhow::Result<Vec<Pose>> {
    let song = synth::render(&synth::bundled_song())?;
    let cfg = FeatureConfig::with_fps(30.0);
    let samples = song.mono_at(cfg.analysis.sample_rate_hz)?;
    let grid = song.truth.beat_grid();
    let features = extract(&samples, &grid, &cfg)?;
    let mut g = ProceduralGenerator::new(ProceduralConfig::default())?;
    let seq = generate_offline(&mut g, &features, &grid)?;
    let n = seq.frames.len();
    anyhow::ensure!(n > 8, "the generator made {n} frames");
    Ok([0.22, 0.41, 0.63, 0.87]
        .map(|f| seq.frames[(f * n as f64) as usize])
        .to_vec())
}

fn render(pose: &Pose, seed: u64, view: View, width: usize) -> anyhow::Result<RgbImage> {
    let camera = CharacterRenderer::portrait_camera(view, width, TILE, 1.7);
    let r = CharacterRenderer::new(CharacterStyle::from_seed(seed), width, TILE, camera)?;
    let mut img = RgbImage::new(width, TILE, [0, 0, 0]);
    r.render(pose, &mut img);
    Ok(img)
}

fn paste(sheet: &mut RgbImage, tile: &RgbImage, x0: usize, y0: usize) {
    for y in 0..tile.height() {
        for x in 0..tile.width() {
            if let Some(c) = tile.pixel(x, y) {
                sheet.put(x0 + x, y0 + y, c);
            }
        }
    }
}

fn sheet(poses: &[Pose], dance: &[Pose]) -> anyhow::Result<RgbImage> {
    let mut sheet = RgbImage::new(4 * TILE, 5 * TILE, [255, 255, 255]);
    for (i, pose) in poses.iter().take(8).enumerate() {
        let tile = render(pose, i as u64, View::Front, TILE)?;
        paste(&mut sheet, &tile, (i % 4) * TILE, (i / 4) * TILE);
    }
    for (i, pose) in dance.iter().take(4).enumerate() {
        let tile = render(pose, 8 + i as u64, View::Front, TILE)?;
        paste(&mut sheet, &tile, i * TILE, 2 * TILE);
    }
    for (i, k) in [0, 2, 4, 8].into_iter().enumerate() {
        let tile = render(&poses[k], 12 + i as u64, View::Side, TILE)?;
        paste(&mut sheet, &tile, i * TILE, 3 * TILE);
    }
    let camera = CharacterRenderer::portrait_camera(View::Front, 2 * TILE, TILE, 1.7);
    let mut pairs = PairRenderer::new(CharacterStyle::from_seed(2), 2 * TILE, TILE, camera)?;
    let (map, img) = pairs.render_pair(&poses[2]);
    paste(&mut sheet, &img, 0, 4 * TILE);
    let mut classes = Vec::new();
    class_indices(&map, &mut classes);
    let mut labels = RgbImage::new(2 * TILE, TILE, [0, 0, 0]);
    for (i, &c) in classes.iter().enumerate() {
        if c > 0 {
            labels.put(
                i % (2 * TILE),
                i / (2 * TILE),
                OPENPOSE_COLOURS[usize::from(c) - 1],
            );
        }
    }
    paste(&mut sheet, &labels, 2 * TILE, 4 * TILE);
    Ok(sheet)
}

/// Ten seconds at 30 fps of swaying, arm circles and knee bends.
fn bench_dance() -> Vec<Pose> {
    (0..300)
        .map(|k| {
            let phase = 2.0 * PI * k as f64 / 30.0;
            let (s, c) = (2.0 * phase).sin_cos();
            let p = posed(|p| {
                hang(p, Joint::RWrist, Joint::RElbow, [-0.2 * c, 0.2 * s, 0.1]);
                hang(p, Joint::LWrist, Joint::LElbow, [0.2 * s, 0.2 * c, 0.1]);
                hang(p, Joint::LAnkle, Joint::LKnee, [0.0, -0.4, -0.1 * s.abs()]);
            });
            turned(&p, 0.4 * phase.sin())
        })
        .collect()
}

/// Runs `draw(frame)` over and over for a second; frames per second.
fn frames_per_sec(n: usize, mut draw: impl FnMut(usize)) -> f64 {
    for k in 0..n.min(30) {
        draw(k);
    }
    let start = Instant::now();
    let mut done = 0;
    while start.elapsed() < Duration::from_secs(1) {
        draw(done % n);
        done += 1;
    }
    done as f64 / start.elapsed().as_secs_f64()
}

fn bench() -> anyhow::Result<()> {
    let poses = bench_dance();
    for (w, h) in [(256, 256), (512, 256)] {
        let camera = CharacterRenderer::portrait_camera(View::Front, w, h, 1.7);
        let r = CharacterRenderer::new(CharacterStyle::default(), w, h, camera)?;
        let mut img = RgbImage::new(w, h, [0, 0, 0]);
        let fps = frames_per_sec(poses.len(), |k| r.render(&poses[k], &mut img));
        println!("character render {w}x{h}: {fps:>8.0} frames/s");
    }
    let camera = CharacterRenderer::portrait_camera(View::Front, 256, 256, 1.7);
    let mut pairs = PairRenderer::new(CharacterStyle::default(), 256, 256, camera)?;
    let (mut map, mut img) = pairs.render_pair(&poses[0]);
    let fps = frames_per_sec(poses.len(), |k| {
        pairs.render_pair_into(&poses[k], &mut map, &mut img)
    });
    println!("label map + character 256x256: {fps:>8.0} pairs/s");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .context("usage: character_sheet OUT.ppm [--bench]")?;
    let poses = hand_made();
    let dance = procedural().unwrap_or_else(|e| {
        println!("procedural dance unavailable ({e}); using hand-made poses");
        poses.clone()
    });
    let img = sheet(&poses, &dance)?;
    std::fs::write(out, img.to_ppm_bytes()).with_context(|| format!("writing {out}"))?;
    println!("contact sheet written to {out}");
    if args.iter().any(|a| a == "--bench") {
        bench()?;
    }
    Ok(())
}
