//! The robot stages of the offline `dance` pipeline: the dance retargeted onto a robot, made
//! executable within the robot's limits, and measured.
//!
//! skeleton → [`retarget_sequence`] (joint angles per frame) → [`time_parameterize`]
//! (smoothing where a limit is broken, then the exact limiter; velocities and accelerations
//! filled in; beat poses followed; frames pulled through the body pushed out and the
//! trajectory parameterized again, see [`crate::safety::repair`]) → [`evaluate`] (limit violations, collisions, centre of
//! mass, direction error per limb). Timings come from the injected [`Clock`].

use serde::Serialize;

use crate::app::dance::StageTiming;
use crate::choreography::SkeletonSequence;
use crate::clock::Clock;
use crate::retarget::{
    evaluate, retarget_sequence, JointTrajectory, RetargetError, RetargetOptions, RetargetReport,
    Retargeter, RobotEval,
};
use crate::safety::repair::{time_parameterize_checked, RepairReport};
use crate::safety::timing::{SmoothConfig, SmoothReport};
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
    /// Parameterizations at most while repairing frames that collide.
    pub repair_rounds: usize,
}

/// Push steps per repaired frame (more than the retargeter's own: no blend back follows).
const REPAIR_PUSH_STEPS: usize = 8;

impl RobotStage {
    /// The stage for a retargeter, with its map's limits.
    pub fn new(retargeter: Retargeter) -> Result<RobotStage, RetargetError> {
        let limits = retargeter.map().limit_set(retargeter.model())?;
        Ok(RobotStage {
            retargeter,
            limits,
            smoothing: SmoothConfig::default(),
            repair_rounds: 30,
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
    /// Frames the time parameterization pulled through the body, and their repair.
    pub collision_repair: RepairReport,
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
    let mut buffers = stage.retargeter.start(Default::default());
    let mut check = |pose: &mut [f64]| {
        stage
            .retargeter
            .separate(&mut buffers, pose, REPAIR_PUSH_STEPS)
    };
    let (trajectory, smoothing, collision_repair) = time_parameterize_checked(
        &raw,
        &stage.limits,
        beats_secs,
        &stage.smoothing,
        &mut check,
        stage.repair_rounds,
    );
    timed("time_parameterize", t);
    let t = clock.now_secs();
    let eval = evaluate(&stage.retargeter, &trajectory, Some(skeleton))?;
    timed("robot_eval", t);
    Ok(RobotOutputs {
        trajectory,
        retarget,
        smoothing,
        collision_repair,
        eval,
        timings,
    })
}
