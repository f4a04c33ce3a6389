//! Robot preview frames: the robot as its joint trajectory moves it, drawn from its own
//! forward kinematics, beside the skeleton it was retargeted from, with the music's beats
//! made visible.
//!
//! Layout of a `width × height` frame (pixels):
//!
//! ```text
//! ┌──────────────────── border (flashes on beats) ────────────────────┐
//! │ robot, front view │ robot, side │  skeleton, front view           │
//! │ (30 % of width)   │ (20 %)      │  (50 %)                         │
//! │ ── floor, shadow ─│ ── floor ── │  ───────── floor ─────────      │
//! │ [progress bar with beat ticks ▮▮▮▮▯▯▯▯]                   12/64    │
//! └───────────────────────────────────────────────────────────────────┘
//! ```
//!
//! The border, progress bar and beat counter are those of [`crate::render::preview`], from a
//! [`PreviewRenderer`] of the same sequence and size, which also holds and smooths the
//! skeleton's keypoints. Output frame `k` is at `k / fps` seconds, `fps` the skeleton's rate:
//! it shows skeleton frame `k` and the trajectory sampled at that time (linear between points,
//! held at the ends). The robot's base stands fixed at
//! [`crate::render::robot::standing_base`]; dofs the trajectory does not name stay at 0 rad.
//! Every camera is fitted once, to the whole dance, so none moves.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::Pose;
use crate::config::{InvalidField, Validate};
use crate::render::camera::{Camera, View, ViewBounds};
use crate::render::image::{PixelRect, Rgb, RgbImage};
use crate::render::preview::{
    draw_floor, fitted_figure, PreviewConfig, PreviewRenderer, SIDE_PANEL_RGB,
};
use crate::render::robot::{standing_base, PoseError, RobotPainter, TrajectoryPoser};
use crate::render::stick::StickFigure;
use crate::render::RenderError;
use crate::retarget::trajectory::JointTrajectory;
use crate::robot::{Kinematics, RobotModel};

/// How robot preview videos look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RobotPreviewConfig {
    /// Frame width, pixels; even (the H.264 encoder's 4:2:0 chroma needs it). Three panels
    /// share it, so raise it before the height for sharper robots.
    pub width_px: usize,
    /// Frame height, pixels; even.
    pub height_px: usize,
    /// Temporal smoothing of the skeleton's keypoints, frames (Gaussian sigma); 0 draws them
    /// as they are. The robot is drawn as the trajectory says.
    pub smooth_sigma_frames: f64,
    /// How long a beat's flash lasts, seconds.
    pub flash_secs: f64,
    /// Background colour, RGB.
    pub background_rgb: Rgb,
}

impl Default for RobotPreviewConfig {
    fn default() -> Self {
        RobotPreviewConfig {
            width_px: 960,
            height_px: 480,
            smooth_sigma_frames: 1.0,
            flash_secs: 0.12,
            background_rgb: [18, 20, 28],
        }
    }
}

impl RobotPreviewConfig {
    /// The skeleton preview settings behind the border, progress bar and counter.
    fn overlay(&self) -> PreviewConfig {
        PreviewConfig {
            width_px: self.width_px,
            height_px: self.height_px,
            fps: None,
            side_view: false,
            smooth_sigma_frames: self.smooth_sigma_frames,
            flash_secs: self.flash_secs,
            background_rgb: self.background_rgb,
        }
    }
}

impl Validate for RobotPreviewConfig {
    /// The ranges of [`PreviewConfig`], and at least 128 pixels across for three panels.
    fn validate(&self) -> Result<(), InvalidField> {
        self.overlay().validate()?;
        if self.width_px < 128 {
            let v = self.width_px;
            return Err(InvalidField::new("width_px", format!("{v}: need >= 128")));
        }
        Ok(())
    }
}

/// A robot preview could not be set up. Nothing has been drawn or written.
#[derive(Debug, Error)]
pub enum RobotPreviewError {
    /// The settings or the skeleton sequence are unusable.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The trajectory cannot pose the robot: a joint it lacks, wrong shapes or no points.
    #[error(transparent)]
    Pose(#[from] PoseError),
}

/// Share of the robot's extent left free on each side of it.
const VIEW_MARGIN: f64 = 0.04;

/// Renders the robot preview frames of one trajectory and skeleton sequence.
#[derive(Debug, Clone)]
pub struct RobotPreviewRenderer<'a> {
    robot: TrajectoryPoser<'a>,
    overlay: PreviewRenderer,
    background_rgb: Rgb,
    robot_front: RobotPainter,
    robot_side: RobotPainter,
    skeleton: StickFigure,
}

impl<'a> RobotPreviewRenderer<'a> {
    /// Plans the preview: validates `cfg` and the trajectory, matches its joints to the
    /// model's dofs, prepares the skeleton and fits every camera to the whole dance.
    pub fn new(
        model: &'a RobotModel,
        trajectory: &'a JointTrajectory,
        seq: &SkeletonSequence,
        cfg: &RobotPreviewConfig,
    ) -> Result<RobotPreviewRenderer<'a>, RobotPreviewError> {
        cfg.validate().map_err(RenderError::from)?;
        let mut robot = TrajectoryPoser::new(model, trajectory, standing_base(model))?;
        let overlay = PreviewRenderer::new(seq, &cfg.overlay())?;
        let [front_rect, side_rect, skeleton_rect] = panels(overlay.front_figure().clip);
        let poses: Vec<Pose> = (0..overlay.frame_count())
            .map(|k| *overlay.pose_at(k))
            .collect();
        let fps = overlay.fps();
        let bounds = robot.bounds((0..overlay.frame_count()).map(|k| k as f64 / fps));
        let [front_cam, side_cam] = matched_cameras([front_rect, side_rect], bounds);
        Ok(RobotPreviewRenderer {
            robot_front: RobotPainter::new(model, front_cam, front_rect),
            robot_side: RobotPainter::new(model, side_cam, side_rect),
            skeleton: fitted_figure(View::Front, skeleton_rect, &poses),
            background_rgb: cfg.background_rgb,
            overlay,
            robot,
        })
    }

    /// Number of output frames (the skeleton's).
    pub fn frame_count(&self) -> usize {
        self.overlay.frame_count()
    }

    /// Output frame rate, frames per second (the skeleton's).
    pub fn fps(&self) -> f64 {
        self.overlay.fps()
    }

    /// Frame size, pixels: `(width, height)`.
    pub fn size_px(&self) -> (usize, usize) {
        self.overlay.size_px()
    }

    /// The robot painters, front view and side view (their cameras map the world to frame
    /// pixels).
    pub fn robot_painters(&self) -> (&RobotPainter, &RobotPainter) {
        (&self.robot_front, &self.robot_side)
    }

    /// The skeleton's figure (its camera maps the dancer frame to frame pixels).
    pub fn skeleton_figure(&self) -> &StickFigure {
        &self.skeleton
    }

    /// The skeleton pose drawn on output frame `k`.
    pub fn pose_at(&self, k: usize) -> &Pose {
        self.overlay.pose_at(k)
    }

    /// Places the robot as on output frame `k` and returns its link frames and its dofs
    /// (rad, the model's dof order).
    pub fn pose_robot(&mut self, k: usize) -> (&Kinematics, &[f64]) {
        self.robot.place(k as f64 / self.overlay.fps());
        (self.robot.kinematics(), self.robot.dofs_rad())
    }

    /// Draws output frame `k` into `img` (resized to the frame size if needed).
    pub fn render(&mut self, k: usize, img: &mut RgbImage) {
        let (w, h) = self.size_px();
        if img.width() != w || img.height() != h {
            *img = RgbImage::new(w, h, self.background_rgb);
        }
        img.fill(self.background_rgb);
        img.fill_rect(self.robot_side.clip, SIDE_PANEL_RGB);
        let t_secs = k as f64 / self.fps();
        self.robot.place(t_secs);
        let (model, kin) = (self.robot.model(), self.robot.kinematics());
        self.robot_front.draw(img, model, kin);
        self.robot_side.draw(img, model, kin);
        draw_floor(img, &self.skeleton);
        self.skeleton.draw(img, self.overlay.pose_at(k));
        self.overlay.draw_border(img, self.overlay.flash_at(t_secs));
        self.overlay.draw_progress(img, k);
        self.overlay.draw_counter(img, t_secs);
    }
}

/// The front and side cameras of the robot at one scale, with the floor at the same row:
/// each view's `bounds` fits its panel with [`VIEW_MARGIN`] (a share of the bounds' extent)
/// on every side, the vertical extent is shared, and the tighter view sets the scale.
fn matched_cameras(rects: [PixelRect; 2], bounds: [ViewBounds; 2]) -> [Camera; 2] {
    let grow = 1.0 + 2.0 * VIEW_MARGIN;
    let low_m = bounds[0].min_m[1].min(bounds[1].min_m[1]);
    let high_m = bounds[0].max_m[1].max(bounds[1].max_m[1]);
    let extent_m = |lo: f64, hi: f64| (grow * (hi - lo)).max(0.01);
    let mut px_per_m = f64::INFINITY;
    for (rect, b) in rects.iter().zip(&bounds) {
        let fit_w = rect.width() as f64 / extent_m(b.min_m[0], b.max_m[0]);
        let fit_h = rect.height() as f64 / extent_m(low_m, high_m);
        px_per_m = px_per_m.min(fit_w).min(fit_h);
    }
    let views = [View::Front, View::Side];
    std::array::from_fn(|i| {
        let (rect, b) = (rects[i], bounds[i]);
        let half_m = [
            0.5 * rect.width() as f64 / px_per_m,
            0.5 * rect.height() as f64 / px_per_m,
        ];
        let centre_m = [0.5 * (b.min_m[0] + b.max_m[0]), 0.5 * (low_m + high_m)];
        let fitted = ViewBounds {
            min_m: [centre_m[0] - half_m[0], centre_m[1] - half_m[1]],
            max_m: [centre_m[0] + half_m[0], centre_m[1] + half_m[1]],
        };
        Camera::fit(views[i], rect, &fitted, 0.0)
    })
}

/// The robot front view, robot side view and skeleton panels of the frame's inner rectangle.
fn panels(inner: PixelRect) -> [PixelRect; 3] {
    let robot_w = inner.width() / 2;
    let front_w = robot_w * 3 / 5;
    let h = inner.height();
    [
        PixelRect::new(inner.x0, inner.y0, front_w, h),
        PixelRect::new(inner.x0 + front_w, inner.y0, robot_w - front_w, h),
        PixelRect::new(inner.x0 + robot_w, inner.y0, inner.width() - robot_w, h),
    ]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::choreography::body::BodyModel;
    use crate::render::stick::OPENPOSE_COLOURS;

    #[allow(clippy::unwrap_used)]
    fn humanoid() -> RobotModel {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("urdf/dancebot_humanoid.urdf");
        RobotModel::load(&path).unwrap()
    }

    /// One second at 10 points/s of `joint` swinging 0 → 1.5 → 0 rad.
    fn wave(joint: &str) -> JointTrajectory {
        let times_secs: Vec<f64> = (0..=10).map(|k| k as f64 * 0.1).collect();
        let positions_rad = times_secs
            .iter()
            .map(|t| vec![1.5 * (std::f64::consts::PI * t).sin()])
            .collect();
        JointTrajectory {
            joint_names: vec![joint.to_owned()],
            times_secs,
            positions_rad,
            velocities_rad_per_s: vec![],
            accelerations_rad_per_s2: vec![],
        }
    }

    fn rest_sequence() -> SkeletonSequence {
        let mut seq = SkeletonSequence::new(20.0, vec![BodyModel::default().rest_pose(); 30]);
        seq.beats_secs = vec![0.5];
        seq
    }

    #[test]
    fn config_defaults_validate_and_bad_values_are_named() {
        let cfg = RobotPreviewConfig::default();
        assert_eq!((cfg.width_px, cfg.height_px), (960, 480));
        assert_eq!(cfg.validate(), Ok(()));
        let parse = |text| crate::config::parse::<RobotPreviewConfig>(text, Path::new("r.yaml"));
        let parsed = parse("width_px: 640").unwrap();
        assert_eq!((parsed.width_px, parsed.height_px), (640, 480));
        assert!(parse("height_px: 481")
            .unwrap_err()
            .to_string()
            .contains("height_px"));
        assert!(parse("width_px: 100")
            .unwrap_err()
            .to_string()
            .contains("width_px"));
        assert!(parse("flash_secs: 9").is_err() && parse("fps: 30").is_err());
    }

    #[test]
    fn an_unknown_joint_or_no_skeleton_is_refused() {
        let m = humanoid();
        let seq = rest_sequence();
        let cfg = RobotPreviewConfig::default();
        let bad = wave("l_tentacle");
        let err = RobotPreviewRenderer::new(&m, &bad, &seq, &cfg).unwrap_err();
        assert!(
            matches!(err, RobotPreviewError::Pose(PoseError::UnknownJoint(_))),
            "{err}"
        );
        assert!(err.to_string().contains("l_tentacle"), "{err}");
        let none = SkeletonSequence::new(20.0, vec![]);
        let err = RobotPreviewRenderer::new(&m, &wave("l_elbow"), &none, &cfg).unwrap_err();
        assert!(matches!(
            err,
            RobotPreviewError::Render(RenderError::EmptySequence)
        ));
    }

    /// How many pixels of `img` inside `rect` satisfy `pred`.
    fn count(img: &RgbImage, rect: PixelRect, pred: impl Fn(Rgb) -> bool) -> usize {
        (rect.y0..rect.y1)
            .flat_map(|y| (rect.x0..rect.x1).map(move |x| (x, y)))
            .filter(|&(x, y)| img.pixel(x, y).is_some_and(&pred))
            .count()
    }

    #[test]
    fn frames_show_the_robot_left_and_the_skeleton_right_and_the_wave() {
        let m = humanoid();
        let (traj, seq) = (wave("l_shoulder_roll"), rest_sequence());
        let mut r = RobotPreviewRenderer::new(&m, &traj, &seq, &Default::default()).unwrap();
        let mut img = RgbImage::new(8, 8, [0; 3]);
        r.render(0, &mut img);
        assert_eq!((img.width(), img.height()), (960, 480));
        let (front, side) = (r.robot_painters().0.clip, r.robot_painters().1.clip);
        let skeleton = r.skeleton_figure().clip;
        assert!(front.x1 <= side.x0 && side.x1 <= skeleton.x0 && skeleton.x0 >= 470);
        let robot = PixelRect {
            x1: side.x1,
            ..front
        };
        // The robot's left in its blue tint (the skeleton's blues have no red or no green).
        let robot_blue = |c: Rgb| c[0] > 30 && c[1] > 60 && i32::from(c[2]) > i32::from(c[0]) + 60;
        let openpose = |c: Rgb| OPENPOSE_COLOURS.contains(&c);
        let blues = (
            count(&img, robot, robot_blue),
            count(&img, skeleton, robot_blue),
        );
        assert!(blues.0 > 500 && blues.1 < 30, "{blues:?}");
        assert!(count(&img, skeleton, openpose) > 500 && count(&img, robot, openpose) == 0);
        // Halfway through, the left arm is raised: the robot changed, the rest pose did not.
        let mut raised = RgbImage::new(960, 480, [0; 3]);
        r.render(10, &mut raised);
        let changed = |rect: PixelRect| {
            (rect.y0..rect.y1)
                .flat_map(|y| (rect.x0..rect.x1).map(move |x| (x, y)))
                .filter(|&(x, y)| raised.pixel(x, y) != img.pixel(x, y))
                .count()
        };
        assert!(changed(front) > 300, "{}", changed(front));
        assert_eq!(changed(skeleton), 0);
    }
}
