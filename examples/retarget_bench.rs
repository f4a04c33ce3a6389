//! Retargeting throughput and accuracy on one robot, single-threaded.
//!
//! ```text
//! cargo run --release --example retarget_bench -- [--robot URDF] [--mapping YAML]
//!     [--frames N] [--seed S] [--full]
//! ```
//!
//! Three workloads: (1) a smooth random dance made by the robot's own forward kinematics
//! within its limits (collision-free), read back as a skeleton: retargeting must recover every
//! direction, and its frames per second are the headline number; (2) the same kind of poses
//! drawn independently, every frame a teleport (cold starts, restarts); (3) a human dance of
//! the reference body (arm waves, torso twist, nods) with every fifth frame's left wrist
//! missing, bouncing and swaying with the feet planted. Prints frames per second and
//! direction errors (mean / p95 / max, degrees). `--full` puts the map in the `full`
//! lower-body mode (the pelvis follows, feet planted, centre of mass kept over the feet).

// A command-line report: printing to stdout is its job.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use dancebot::choreography::{BodyModel, Joint, Pose, SkeletonSequence, Vec3};
use dancebot::retarget::roundtrip::{random_dofs, random_walk, skeletons, solved_dofs};
use dancebot::retarget::{
    retarget_sequence, LowerBody, RetargetOptions, RetargetReport, Retargeter, RobotMap,
};
use dancebot::robot::RobotModel;
use rand::SeedableRng;

struct Args {
    robot: PathBuf,
    mapping: PathBuf,
    frames: usize,
    seed: u64,
    full: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        robot: "urdf/dancebot_humanoid.urdf".into(),
        mapping: "config/robots/dancebot_humanoid.yaml".into(),
        frames: 3000,
        seed: 7,
        full: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--full" {
            args.full = true;
            continue;
        }
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--robot" => args.robot = value.into(),
            "--mapping" => args.mapping = value.into(),
            "--frames" => args.frames = value.parse()?,
            "--seed" => args.seed = value.parse()?,
            other => anyhow::bail!("unknown option {other}"),
        }
    }
    Ok(args)
}

/// Bends the knees (forward) so the ankles stay at `rest`'s while the hips are where `p` has
/// them.
fn plant_feet(rest: &Pose, p: &mut Pose) {
    for (hip, knee, ankle) in [
        (Joint::LHip, Joint::LKnee, Joint::LAnkle),
        (Joint::RHip, Joint::RKnee, Joint::RAnkle),
    ] {
        let (a, h) = (rest.get(ankle), p.get(hip));
        let l1 = (rest.get(hip) - rest.get(knee)).norm();
        let l2 = (rest.get(knee) - a).norm();
        let d = (h - a).norm().min(l1 + l2 - 1e-6);
        let along = (h - a).normalize();
        let x = (l2 * l2 - l1 * l1 + d * d) / (2.0 * d);
        let y = (l2 * l2 - x * x).max(0.0).sqrt();
        let forward = Vec3::new(0.0, 0.0, 1.0);
        let perp = (forward - along * forward.dot(&along)).normalize();
        p.set(ankle, a);
        p.set(knee, a + along * x + perp * y);
    }
}

/// Ten seconds of a human dance per 300 frames: waves, twist, nod, bounce and sway.
fn human_dance(frames: usize) -> Vec<Pose> {
    let body = BodyModel::default();
    let rest = body.rest_pose();
    (0..frames)
        .map(|k| {
            let t = k as f64 / 30.0;
            let bounce = Vec3::new(0.05 * (t * 1.1).sin(), -0.04 * (1.0 - (t * 4.2).cos()), 0.0);
            let mut p = rest.translated(bounce);
            plant_feet(&rest, &mut p);
            let swing =
                |p: &mut Pose, shoulder: Joint, elbow: Joint, wrist: Joint, a: f64, side: f64| {
                    let s = p.get(shoulder);
                    let up = Vec3::new(side * a.sin(), -a.cos(), 0.3 * (2.0 * a).sin());
                    let e = s + up * 0.29;
                    p.set(elbow, e);
                    let fore = Vec3::new(side * (1.3 * a).sin(), -(1.3 * a).cos(), 0.5);
                    p.set(wrist, e + fore.normalize() * 0.26);
                };
            swing(
                &mut p,
                Joint::LShoulder,
                Joint::LElbow,
                Joint::LWrist,
                1.2 * (t * 2.1).sin() + 1.0,
                1.0,
            );
            swing(
                &mut p,
                Joint::RShoulder,
                Joint::RElbow,
                Joint::RWrist,
                1.2 * (t * 1.7).cos() + 1.0,
                -1.0,
            );
            let twist = 0.3 * (t * 1.3).sin();
            for j in [Joint::LShoulder, Joint::RShoulder] {
                let v = p.get(j) - p.get(Joint::Neck);
                p.set(
                    j,
                    p.get(Joint::Neck) + Vec3::new(v.x * twist.cos(), v.y, -v.x * twist.sin()),
                );
            }
            p.set(
                Joint::Nose,
                p.get(Joint::Nose) + Vec3::new(0.0, 0.02 * (t * 4.0).sin(), 0.0),
            );
            if k % 5 == 0 {
                p.set(Joint::LWrist, Vec3::repeat(f64::NAN));
            }
            p
        })
        .collect()
}

fn run_case(name: &str, retargeter: &Retargeter, frames: Vec<Pose>) -> RetargetReport {
    let seq = SkeletonSequence::new(30.0, frames);
    let start = Instant::now();
    let (traj, report) = retarget_sequence(&seq, retargeter, &RetargetOptions::default());
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {} frames in {:.3} s = {:.0} frames/s, {:.1} iterations/frame, {} collision frames ({} blended), min CoM margin {}",
        traj.len(),
        secs,
        traj.len() as f64 / secs,
        report.mean_iterations,
        report.frames_with_collisions,
        report.frames_blended,
        report.min_com_margin_m.map_or("-".into(), |m| format!("{:.1} mm", m * 1e3)),
    );
    for (seg, e) in &report.error_deg {
        println!(
            "    {seg:16} mean {:6.3}°  p95 {:6.3}°  max {:6.3}°",
            e.mean_deg, e.p95_deg, e.max_deg
        );
    }
    report
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let model = RobotModel::load(&args.robot)?;
    let mut map = RobotMap::load(&args.mapping)?;
    if args.full {
        map.lower_body = LowerBody::Full;
    }
    let retargeter = Retargeter::new(model, map)?;
    println!(
        "{}: {} dofs, {} commanded, {} capsules, {} checked pairs",
        retargeter.model().name,
        retargeter.model().n_dofs(),
        retargeter.commanded_dofs().len(),
        retargeter.collision_model().map_or(0, |c| c.capsules.len()),
        retargeter.collision_model().map_or(0, |c| c.pairs.len()),
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(args.seed);
    let dofs = solved_dofs(&retargeter);
    let walk = random_walk(&retargeter, &dofs, &mut rng, args.frames, 30.0);
    run_case(
        "own-FK smooth dance",
        &retargeter,
        skeletons(&retargeter, &walk),
    );
    let cold: Vec<Vec<f64>> = (0..args.frames / 10)
        .filter_map(|_| random_dofs(&retargeter, &dofs, &mut rng, 100))
        .collect();
    run_case(
        "own-FK independent poses",
        &retargeter,
        skeletons(&retargeter, &cold),
    );
    run_case("human dance", &retargeter, human_dance(args.frames));
    Ok(())
}
