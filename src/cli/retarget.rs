//! `dancebot retarget skeleton.json [--robot URDF] [--mapping YAML] --out trajectory.json
//! [--report report.json]`: a dance onto a robot.
//!
//! Reads the skeleton, the URDF and the robot's map, retargets every frame (see
//! `dancebot::retarget`) and writes the trajectory of the commanded joints at the skeleton's
//! frame times, all-or-nothing. No smoothing: the time-parameterization stage and the safety
//! layer enforce velocity and acceleration limits. Prints one summary line.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dancebot::choreography::SkeletonSequence;
use dancebot::error::write_json_atomic;
use dancebot::retarget::{
    retarget_sequence, RetargetOptions, RetargetReport, Retargeter, RobotMap,
};
use dancebot::robot::RobotModel;

/// Arguments of `dancebot retarget`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dance (skeleton.json, coco18).
    pub skeleton: PathBuf,
    /// The robot and its map.
    #[command(flatten)]
    pub robot: RobotArgs,
    /// Output trajectory file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Also write the retargeting report (errors per segment, collisions, CoM margin) here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Loads a robot and its map and binds them.
/// The robot a command works on: its URDF and its map. Relative paths that do not exist
/// from the working directory also resolve against the project folder, so the defaults work
/// from any directory of a source checkout.
#[derive(Debug, Clone, clap::Args)]
pub struct RobotArgs {
    /// The robot's URDF.
    #[arg(
        long = "robot",
        value_name = "URDF",
        default_value = "urdf/dancebot_humanoid.urdf"
    )]
    pub urdf: PathBuf,
    /// The robot's map: body parts → joints, limits, lower-body mode, collision model (see
    /// docs/robot-maps.md).
    #[arg(
        long,
        value_name = "YAML",
        default_value = "config/robots/dancebot_humanoid.yaml"
    )]
    pub mapping: PathBuf,
}

impl RobotArgs {
    /// Loads the model and the map into a retargeter.
    pub fn load(&self) -> anyhow::Result<Retargeter> {
        let model = RobotModel::load(&resolve(&self.urdf))?;
        let map = RobotMap::load(&resolve(&self.mapping))?;
        Ok(Retargeter::new(model, map)?)
    }
}

fn resolve(path: &Path) -> PathBuf {
    if path.is_relative() && !path.exists() {
        let project = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        if project.exists() {
            return project;
        }
    }
    path.to_owned()
}

/// Runs `dancebot retarget`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let retargeter = args.robot.load()?;
    let seq = SkeletonSequence::load(&args.skeleton)?;
    let (traj, report) = retarget_sequence(&seq, &retargeter, &RetargetOptions::default());
    traj.check().map_err(|what| {
        anyhow::anyhow!("{}: retargeting produced {what}", args.skeleton.display())
    })?;
    write_json_atomic(&args.out, &traj)?;
    if let Some(path) = &args.report {
        write_json_atomic(path, &report).context("writing the report")?;
    }
    println!("{}", summary(&report, &args.out));
    Ok(())
}

fn summary(report: &RetargetReport, out: &Path) -> String {
    let (mean, max) = report
        .error_deg
        .values()
        .fold((0.0_f64, 0.0_f64), |(m, x), e| {
            (m.max(e.mean_deg), x.max(e.max_deg))
        });
    let margin = report
        .min_com_margin_m
        .map_or_else(|| "n/a".to_owned(), |m| format!("{:.0} mm", m * 1e3));
    format!(
        "retargeted {} frames onto {} ({} joints{}): direction error worst mean {mean:.1}°, max {max:.1}°; {} frames with self-collisions resolved ({} blended back); {} keypoint holds; min CoM margin {margin} → {}",
        report.frames,
        report.robot,
        report.joints,
        if report.lifted_2d { ", 2D input lifted" } else { "" },
        report.frames_with_collisions,
        report.frames_blended,
        report.held_segments,
        out.display()
    )
}
