//! Throughput of the robot renderers, single-threaded, on the project's humanoid dancing a
//! synthetic trajectory: the robot alone (front view filling 960×480) and whole robot preview
//! frames at 960×480 (robot front and side views, skeleton, border, progress bar).
//!
//! ```text
//! cargo run --release --example robot_render_bench [-- --dump DIR]
//! ```
//!
//! Each case draws the frames in a loop for about a second (background fill included) and
//! prints frames per second. With `--dump`, it also writes frames as PPM to `DIR`.

// A command-line report: printing to stdout is its job.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dancebot::choreography::{BodyModel, Joint, SkeletonSequence, Vec3};
use dancebot::render::camera::{Camera, View, ViewBounds};
use dancebot::render::robot::{standing_base, RobotPainter};
use dancebot::render::robot_preview::{RobotPreviewConfig, RobotPreviewRenderer};
use dancebot::render::{PixelRect, RgbImage};
use dancebot::retarget::JointTrajectory;
use dancebot::robot::{Kinematics, RobotModel};

const BACKGROUND: [u8; 3] = [18, 20, 28];
const MIN_RUN: Duration = Duration::from_secs(1);
const FPS: f64 = 30.0;
const FRAMES: usize = 300;

/// Ten seconds: arms swinging and circling, knees bending, waist twisting.
fn trajectory() -> JointTrajectory {
    let joint_names: Vec<String> = [
        "l_shoulder_pitch",
        "l_shoulder_roll",
        "r_shoulder_pitch",
        "r_shoulder_roll",
        "l_elbow",
        "r_elbow",
        "waist_yaw",
        "l_hip_pitch",
        "l_knee",
        "l_ankle_pitch",
    ]
    .map(str::to_owned)
    .to_vec();
    let times_secs: Vec<f64> = (0..FRAMES).map(|k| k as f64 / FPS).collect();
    let positions_rad = times_secs
        .iter()
        .map(|t| {
            let (s, c) = (std::f64::consts::TAU * t).sin_cos();
            let bend = 0.4 * (1.0 - c);
            vec![
                -1.2 * (1.0 + s),
                0.3 + 0.8 * (1.0 + c),
                -(1.0 - s),
                -0.3 - 0.6 * (1.0 - c),
                -0.5 - 0.5 * s,
                -0.5 + 0.5 * s,
                0.4 * s,
                -bend,
                2.0 * bend,
                -bend,
            ]
        })
        .collect();
    JointTrajectory {
        joint_names,
        times_secs,
        positions_rad,
        velocities_rad_per_s: vec![],
        accelerations_rad_per_s2: vec![],
    }
}

/// The rest pose swaying and waving its right forearm, beats every half second.
fn skeleton() -> SkeletonSequence {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..FRAMES)
        .map(|k| {
            let t = k as f64 / FPS;
            let mut pose = rest.translated(Vec3::new(
                0.08 * (std::f64::consts::TAU * t).sin(),
                0.0,
                0.0,
            ));
            let elbow = pose.get(Joint::RElbow);
            pose.set(Joint::RWrist, elbow + Vec3::new(-0.15, 0.2, 0.0));
            pose
        })
        .collect();
    let mut seq = SkeletonSequence::new(FPS, frames);
    seq.beats_secs = (1..20).map(|b| b as f64 * 0.5).collect();
    seq
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

fn robot_case(model: &RobotModel, traj: &JointTrajectory) -> (f64, RgbImage) {
    let rect = PixelRect::new(0, 0, 960, 480);
    let bounds = ViewBounds::body(View::Front, 1.4);
    let mut painter = RobotPainter::new(model, Camera::fit(View::Front, rect, &bounds, 0.04), rect);
    let mut kin = Kinematics::new(model);
    let base = standing_base(model);
    let mut dofs = vec![0.0; model.n_dofs()];
    let columns: Vec<Option<usize>> = traj
        .joint_names
        .iter()
        .map(|n| model.dof_index(n))
        .collect();
    let mut img = RgbImage::new(960, 480, BACKGROUND);
    let fps = frames_per_sec(traj.len(), |k| {
        for (c, d) in columns.iter().enumerate() {
            if let Some(d) = d {
                dofs[*d] = traj.positions_rad[k][c];
            }
        }
        kin.update(model, &base, &dofs);
        img.fill(BACKGROUND);
        painter.draw(&mut img, model, &kin);
    });
    (fps, img)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let urdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("urdf/dancebot_humanoid.urdf");
    let model = RobotModel::load(&urdf)?;
    let (traj, seq) = (trajectory(), skeleton());
    let (robot_fps, robot_img) = robot_case(&model, &traj);
    println!("robot alone 960x480:          {robot_fps:>8.0} frames/s");
    let cfg = RobotPreviewConfig::default();
    let mut renderer = RobotPreviewRenderer::new(&model, &traj, &seq, &cfg)?;
    let mut img = RgbImage::new(960, 480, BACKGROUND);
    let preview_fps = frames_per_sec(renderer.frame_count(), |k| renderer.render(k, &mut img));
    println!("robot preview frame 960x480:  {preview_fps:>8.0} frames/s");
    if let Some(dir) = dump {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("robot_960x480.ppm"), robot_img.to_ppm_bytes())?;
        for k in [0, 15, 40, 75] {
            renderer.render(k, &mut img);
            std::fs::write(
                dir.join(format!("robot_preview_{k}.ppm")),
                img.to_ppm_bytes(),
            )?;
        }
        println!("frames written to {}", dir.display());
    }
    Ok(())
}
