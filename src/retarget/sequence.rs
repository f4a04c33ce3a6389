//! A whole skeleton sequence → a [`JointTrajectory`] of the commanded joints at the frame
//! times, and a [`RetargetReport`]. No smoothing happens here: the time-parameterization
//! stage takes the trajectory and the map's [`LimitSet`](crate::robot::LimitSet).

use std::collections::BTreeMap;

use serde::Serialize;

use super::frame::FrameReport;
use super::lift::{fit_planar_body, is_planar};
use super::retargeter::Retargeter;
use super::segments::Segment;
use super::trajectory::JointTrajectory;
use crate::choreography::{BodyModel, SkeletonSequence};

/// Options of [`retarget_sequence`].
#[derive(Debug, Clone, Default)]
pub struct RetargetOptions {
    /// The dancer's body (bone lengths for lifting 2D input); `None`: for 2D input the body
    /// fitted to the longest 2D bones, else the reference body.
    pub body: Option<BodyModel>,
}

/// Direction error statistics of one segment over a sequence, degrees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ErrorStats {
    /// Mean.
    pub mean_deg: f64,
    /// 95th percentile.
    pub p95_deg: f64,
    /// Largest.
    pub max_deg: f64,
}

impl ErrorStats {
    /// Statistics of some errors in radians (sorted in place).
    pub fn of_radians(errors: &mut [f64]) -> ErrorStats {
        if errors.is_empty() {
            return ErrorStats::default();
        }
        errors.sort_by(f64::total_cmp);
        let n = errors.len();
        let p95 = errors[((n as f64 * 0.95).ceil() as usize).clamp(1, n) - 1];
        ErrorStats {
            mean_deg: errors.iter().sum::<f64>().to_degrees() / n as f64,
            p95_deg: p95.to_degrees(),
            max_deg: errors[n - 1].to_degrees(),
        }
    }
}

/// What retargeting a sequence did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RetargetReport {
    /// Robot name.
    pub robot: String,
    /// Frames retargeted.
    pub frames: usize,
    /// Commanded joints.
    pub joints: usize,
    /// True when the input was 2D and lifted.
    pub lifted_2d: bool,
    /// Height of the body used for lifting 2D input, m.
    pub body_height_m: f64,
    /// Direction error per shown segment.
    pub error_deg: BTreeMap<&'static str, ErrorStats>,
    /// Segment-frames that held their last direction (missing keypoints).
    pub held_segments: usize,
    /// Frames with a self-collision to resolve.
    pub frames_with_collisions: usize,
    /// Frames blended back toward the last collision-free pose.
    pub frames_blended: usize,
    /// Smallest centre-of-mass margin, m (`None` without feet).
    pub min_com_margin_m: Option<f64>,
    /// Mean solver iterations per frame.
    pub mean_iterations: f64,
}

/// Retargets every frame of `seq` (frame `k` at `k / fps` seconds).
pub fn retarget_sequence(
    seq: &SkeletonSequence,
    retargeter: &Retargeter,
    options: &RetargetOptions,
) -> (JointTrajectory, RetargetReport) {
    // 2D when every frame with a finite keypoint is planar (all-NaN frames say nothing).
    let planar = seq.frames.iter().any(is_planar)
        && seq
            .frames
            .iter()
            .all(|p| is_planar(p) || !p.points.iter().any(|q| q.iter().all(|v| v.is_finite())));
    let body = options
        .body
        .clone()
        .unwrap_or_else(|| fitted_body(seq, planar));
    let mut state = retargeter.start(body.clone());
    let dofs = retargeter.commanded_dofs();
    let mut traj = JointTrajectory {
        joint_names: retargeter.commanded_names(),
        times_secs: Vec::with_capacity(seq.frames.len()),
        positions_rad: Vec::with_capacity(seq.frames.len()),
        velocities_rad_per_s: Vec::new(),
        accelerations_rad_per_s2: Vec::new(),
    };
    let mut reports = Vec::with_capacity(seq.frames.len());
    for (k, pose) in seq.frames.iter().enumerate() {
        reports.push(retargeter.retarget_frame(&mut state, pose));
        traj.times_secs.push(seq.frame_time_secs(k));
        traj.positions_rad
            .push(dofs.iter().map(|&d| state.dofs()[d]).collect());
    }
    let mut report = summarize(&reports);
    report.robot = retargeter.model().name.clone();
    report.joints = dofs.len();
    report.lifted_2d = planar;
    report.body_height_m = body.height_m();
    (traj, report)
}

/// The dancer's body when none is given: for 2D input fitted to the longest 2D bones, else
/// the reference body (3D input needs no body).
fn fitted_body(seq: &SkeletonSequence, planar: bool) -> BodyModel {
    planar
        .then(|| fit_planar_body(&seq.frames))
        .flatten()
        .filter(|b| (0.3..3.0).contains(&b.height_m()))
        .unwrap_or_default()
}

/// Per-sequence statistics of frame reports.
pub fn summarize(reports: &[FrameReport]) -> RetargetReport {
    let mut error_deg = BTreeMap::new();
    let mut errors = Vec::with_capacity(reports.len());
    for seg in Segment::ALL {
        errors.clear();
        errors.extend(reports.iter().filter_map(|r| r.error_rad[seg.index()]));
        if !errors.is_empty() {
            error_deg.insert(seg.name(), ErrorStats::of_radians(&mut errors));
        }
    }
    let n = reports.len().max(1) as f64;
    RetargetReport {
        frames: reports.len(),
        error_deg,
        held_segments: reports.iter().map(|r| r.held).sum(),
        frames_with_collisions: reports.iter().filter(|r| r.collisions > 0).count(),
        frames_blended: reports.iter().filter(|r| r.blended).count(),
        min_com_margin_m: reports
            .iter()
            .filter_map(|r| r.com_margin_m)
            .reduce(f64::min),
        mean_iterations: reports.iter().map(|r| r.iterations as f64).sum::<f64>() / n,
        ..RetargetReport::default()
    }
}
