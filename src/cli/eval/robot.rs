//! `dancebot eval robot trajectory.json [--robot URDF] [--mapping YAML] [--skeleton
//! skeleton.json] [--json OUT]`: is a trajectory safe on the robot, and how well does it dance
//! the skeleton? Limit violations (position, velocity, acceleration, jerk), self-collisions and
//! non-finite values must all be 0 for a trajectory ready for the robot; the centre-of-mass
//! margin and the direction error per segment (with `--skeleton`) measure the rest. See
//! `dancebot::retarget::eval`.

use crate::cli::retarget::RobotArgs;
use std::path::PathBuf;

use dancebot::choreography::SkeletonSequence;
use dancebot::error::write_json_atomic;
use dancebot::retarget::{evaluate, JointTrajectory, RobotEval};

/// Arguments of `dancebot eval robot`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The trajectory (trajectory.json).
    pub trajectory: PathBuf,
    /// The robot and its map.
    #[command(flatten)]
    pub robot: RobotArgs,
    /// The dance the trajectory was made from (for direction errors).
    #[arg(long, value_name = "FILE")]
    pub skeleton: Option<PathBuf>,
    /// Also write the evaluation as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// Runs `dancebot eval robot`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let retargeter = args.robot.load()?;
    let traj = JointTrajectory::load(&args.trajectory)?;
    let skeleton = args
        .skeleton
        .as_deref()
        .map(SkeletonSequence::load)
        .transpose()?;
    let eval = evaluate(&retargeter, &traj, skeleton.as_ref())?;
    print!("{}", render(&eval));
    if let Some(path) = &args.json {
        write_json_atomic(path, &eval)?;
    }
    Ok(())
}

fn render(e: &RobotEval) -> String {
    let v = &e.limit_violations;
    let mm = |m: Option<f64>| m.map_or_else(|| "n/a".to_owned(), |m| format!("{:.1} mm", m * 1e3));
    let mut out = format!(
        "{}: {} points × {} joints, {:.2} s\n  limit violations: position {}, velocity {} (max {:.2}× limit), acceleration {} (max {:.2}× limit), jerk {} (max {:.2}× limit)\n  self-collisions: {} (min slack {})\n  non-finite values: {}\n  CoM margin: min {}, mean {}\n",
        e.robot,
        e.points,
        e.joints,
        e.duration_secs,
        v.position,
        v.velocity,
        v.max_velocity_ratio,
        v.acceleration,
        v.max_acceleration_ratio,
        v.jerk,
        v.max_jerk_ratio,
        e.collisions,
        mm(e.min_collision_slack_m),
        e.non_finite_values,
        mm(e.min_com_margin_m),
        mm(e.mean_com_margin_m),
    );
    if let Some(errors) = &e.direction_error_deg {
        out.push_str("  direction error (mean / p95 / max, degrees):\n");
        for (seg, s) in errors {
            out.push_str(&format!(
                "    {seg:16} {:6.2} {:6.2} {:6.2}\n",
                s.mean_deg, s.p95_deg, s.max_deg
            ));
        }
    }
    out
}
