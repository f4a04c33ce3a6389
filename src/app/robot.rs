//! The robot stages of the offline `dance` pipeline: the dance retargeted onto a robot, made
//! executable within the robot's limits, and measured.
//!
//! skeleton → [`retarget_sequence`] (joint angles per frame) → [`time_parameterize`]
//! (smoothing where a limit is broken, then the exact limiter; velocities and accelerations
//! filled in; beat poses followed) → [`evaluate`] (limit violations, collisions, centre of
//! mass, direction error per limb). Timings come from the injected [`Clock`].

use serde::Serialize;

use crate::app::dance::StageTiming;
use crate::choreography::SkeletonSequence;
use crate::clock::Clock;
use crate::retarget::{
    evaluate, retarget_sequence, JointTrajectory, RetargetError, RetargetOptions, RetargetReport,
    Retargeter, RobotEval,
};
use crate::safety::timing::{time_parameterize, SmoothConfig, SmoothReport};
use crate::safety::LimitSet;

/// A robot ready to dance: the retargeter (model + map) and the limits of its driven joints.
#[derive(Debug)]
pub struct RobotStage {
    /// Model and map.
    pub retargeter: Retargeter,
    /// Limits of the joints the map drives, in trajectory order.
    pub limits: LimitSet,
    /// Smoothing settings of the time parameterization.
    pub smoothing: SmoothConfig,
}

impl RobotStage {
    /// The stage for a retargeter, with its map's limits.
    pub fn new(retargeter: Retargeter) -> Result<RobotStage, RetargetError> {
        let limits = retargeter.map().limit_set(retargeter.model())?;
        Ok(RobotStage {
            retargeter,
            limits,
            smoothing: SmoothConfig::default(),
        })
    }
}

/// What the robot stages produced.
#[derive(Debug, Clone, Serialize)]
pub struct RobotOutputs {
    /// The executable trajectory (positions, velocities, accelerations).
    #[serde(skip)]
    pub trajectory: JointTrajectory,
    /// Retargeting report (direction errors, collisions resolved, balance).
    pub retarget: RetargetReport,
    /// What the time parameterization changed.
    pub smoothing: SmoothReport,
    /// The trajectory measured on the robot.
    pub eval: RobotEval,
    /// Per-stage timings.
    pub timings: Vec<StageTiming>,
}

/// Runs the robot stages on a dance; `beats_secs` are the music beats the report follows.
pub fn run(
    stage: &RobotStage,
    skeleton: &SkeletonSequence,
    beats_secs: &[f64],
    clock: &dyn Clock,
) -> Result<RobotOutputs, RetargetError> {
    let mut timings = Vec::new();
    let mut timed = |name: &str, start: f64| {
        timings.push(StageTiming {
            stage: name.to_owned(),
            secs: clock.now_secs() - start,
        })
    };
    let t = clock.now_secs();
    let (raw, retarget) =
        retarget_sequence(skeleton, &stage.retargeter, &RetargetOptions::default());
    timed("retarget", t);
    let t = clock.now_secs();
    let (trajectory, smoothing) =
        time_parameterize(&raw, &stage.limits, beats_secs, &stage.smoothing);
    timed("time_parameterize", t);
    let t = clock.now_secs();
    let eval = evaluate(&stage.retargeter, &trajectory, Some(skeleton))?;
    timed("robot_eval", t);
    Ok(RobotOutputs {
        trajectory,
        retarget,
        smoothing,
        eval,
        timings,
    })
}
