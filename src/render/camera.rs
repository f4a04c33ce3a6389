//! Orthographic cameras: dancer-frame points (metres) to image pixels.
//!
//! The dancer frame is x to the audience's right, y up, z toward the audience (see
//! [`crate::choreography::skeleton`]). A [`View`] picks two of its axes as the image plane:
//!
//! | view | image x (right) | image y (down) | depth (toward the viewer) |
//! |---|---|---|---|
//! | [`View::Front`], seen from the audience | +x | −y | +z |
//! | [`View::Side`], seen from the dancer's right (−x) | +z | −y | −x |
//!
//! So in the front view the dancer's right hand (negative x) is on the image's left, as the
//! audience sees it; in the side view the dancer faces the image's right.
//!
//! A [`Camera`] is a scale (pixels per metre) and the pixel position of the dancer-frame
//! origin. [`Camera::fit`] chooses both so that a rectangle of the view plane ([`ViewBounds`],
//! metres) fills a viewport with a margin, centred; the same inputs always give the same camera.

use crate::choreography::skeleton::{Pose, Vec3};
use crate::render::image::PixelRect;
use crate::render::raster::PointPx;

/// Which plane of the dancer frame the camera looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// From the audience (+z) looking at the dancer: x right, y up.
    Front,
    /// From the dancer's right (−x): z right, y up.
    Side,
}

impl View {
    /// The point's coordinates in the view plane, metres: `[horizontal, up]`.
    pub fn plane_m(self, p: &Vec3) -> [f64; 2] {
        match self {
            View::Front => [p.x, p.y],
            View::Side => [p.z, p.y],
        }
    }

    /// How far the point is toward the viewer, metres (larger is nearer; used to draw far
    /// limbs first).
    pub fn depth_m(self, p: &Vec3) -> f64 {
        match self {
            View::Front => p.z,
            View::Side => -p.x,
        }
    }
}

/// Share of the standing height the view leaves above the floor for raised arms and jumps.
pub const REACH_ABOVE_FLOOR: f64 = 1.3;
/// Half-width of the default front view, as a share of the standing height (arm span).
pub const HALF_WIDTH_SHARE: f64 = 0.55;
/// Half-width of the default side view, as a share of the standing height (reach forward
/// and back is shorter than the arm span).
pub const HALF_DEPTH_SHARE: f64 = 0.3;

/// A rectangle of the view plane, metres: `min_m[0]..max_m[0]` horizontally,
/// `min_m[1]..max_m[1]` vertically (up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewBounds {
    /// Lower-left corner, metres.
    pub min_m: [f64; 2],
    /// Upper-right corner, metres.
    pub max_m: [f64; 2],
}

impl ViewBounds {
    /// Room for a body of `height_m` standing at the origin: from the floor to
    /// [`REACH_ABOVE_FLOOR`]` × height`, ±[`HALF_WIDTH_SHARE`]` × height` across in the front
    /// view, ±[`HALF_DEPTH_SHARE`]` × height` in the side view.
    pub fn body(view: View, height_m: f64) -> ViewBounds {
        let share = match view {
            View::Front => HALF_WIDTH_SHARE,
            View::Side => HALF_DEPTH_SHARE,
        };
        let half = share * height_m;
        ViewBounds {
            min_m: [-half, 0.0],
            max_m: [half, REACH_ABOVE_FLOOR * height_m],
        }
    }

    /// The smallest rectangle holding every finite keypoint of `poses` in `view` (`None` when
    /// there is none).
    pub fn of_poses(view: View, poses: &[Pose]) -> Option<ViewBounds> {
        let mut out: Option<ViewBounds> = None;
        for p in poses.iter().flat_map(|pose| pose.points.iter()) {
            let q = view.plane_m(p);
            if !(q[0].is_finite() && q[1].is_finite()) {
                continue;
            }
            let point = ViewBounds { min_m: q, max_m: q };
            out = Some(out.map_or(point, |b| b.union(&point)));
        }
        out
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &ViewBounds) -> ViewBounds {
        ViewBounds {
            min_m: [
                self.min_m[0].min(other.min_m[0]),
                self.min_m[1].min(other.min_m[1]),
            ],
            max_m: [
                self.max_m[0].max(other.max_m[0]),
                self.max_m[1].max(other.max_m[1]),
            ],
        }
    }
}

/// Smallest extent a fitted rectangle is given, metres (keeps the scale finite for a point).
const MIN_EXTENT_M: f64 = 0.01;

/// An orthographic camera for one view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    view: View,
    px_per_m: f64,
    /// Image position of the dancer-frame origin, pixels.
    origin_px: [f64; 2],
}

impl Camera {
    /// The camera that shows `bounds` as large as possible inside `viewport`, keeping
    /// `margin_frac` of the viewport's smaller side free on every edge, centred.
    pub fn fit(view: View, viewport: PixelRect, bounds: &ViewBounds, margin_frac: f64) -> Camera {
        let margin_px =
            margin_frac.clamp(0.0, 0.45) * viewport.width().min(viewport.height()) as f64;
        let avail_w = (viewport.width() as f64 - 2.0 * margin_px).max(1.0);
        let avail_h = (viewport.height() as f64 - 2.0 * margin_px).max(1.0);
        let extent_w = (bounds.max_m[0] - bounds.min_m[0]).max(MIN_EXTENT_M);
        let extent_h = (bounds.max_m[1] - bounds.min_m[1]).max(MIN_EXTENT_M);
        let px_per_m = (avail_w / extent_w).min(avail_h / extent_h);
        let centre_m = [
            0.5 * (bounds.min_m[0] + bounds.max_m[0]),
            0.5 * (bounds.min_m[1] + bounds.max_m[1]),
        ];
        let centre_px = [
            viewport.x0 as f64 + 0.5 * viewport.width() as f64,
            viewport.y0 as f64 + 0.5 * viewport.height() as f64,
        ];
        Camera {
            view,
            px_per_m,
            origin_px: [
                centre_px[0] - centre_m[0] * px_per_m,
                centre_px[1] + centre_m[1] * px_per_m,
            ],
        }
    }

    /// The view this camera shows.
    pub fn view(&self) -> View {
        self.view
    }

    /// Scale, pixels per metre.
    pub fn px_per_m(&self) -> f64 {
        self.px_per_m
    }

    /// The pixel position of a dancer-frame point (non-finite in, non-finite out).
    pub fn project(&self, p: &Vec3) -> PointPx {
        let [h, v] = self.view.plane_m(p);
        PointPx::new(
            (self.origin_px[0] + h * self.px_per_m) as f32,
            (self.origin_px[1] - v * self.px_per_m) as f32,
        )
    }

    /// A length in metres as pixels.
    pub fn length_px(&self, length_m: f64) -> f32 {
        (length_m * self.px_per_m) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;
    use crate::choreography::skeleton::Joint;

    fn viewport() -> PixelRect {
        PixelRect::new(0, 0, 640, 480)
    }

    #[test]
    fn front_view_puts_the_head_up_and_the_dancers_right_on_the_left() {
        let rest = BodyModel::default().rest_pose();
        let cam = Camera::fit(
            View::Front,
            viewport(),
            &ViewBounds::body(View::Front, 1.7),
            0.05,
        );
        let neck = cam.project(&rest.get(Joint::Neck));
        let ankle = cam.project(&rest.get(Joint::RAnkle));
        let r_shoulder = cam.project(&rest.get(Joint::RShoulder));
        let l_shoulder = cam.project(&rest.get(Joint::LShoulder));
        assert!(neck.y < ankle.y);
        assert!(r_shoulder.x < neck.x && neck.x < l_shoulder.x);
        assert!((neck.x - 320.0).abs() < 1e-3);
    }

    #[test]
    fn fit_fills_the_limiting_side_with_the_margin() {
        // 1.7 m body: 2.21 m tall window, 1.87 m wide; 480 px high minus 2 × 24 px margin.
        let cam = Camera::fit(
            View::Front,
            viewport(),
            &ViewBounds::body(View::Front, 1.7),
            0.05,
        );
        let want = (480.0 - 48.0) / (1.3 * 1.7);
        assert!((cam.px_per_m() - want).abs() < 1e-9);
        let floor = cam.project(&Vec3::new(0.0, 0.0, 0.0));
        let top = cam.project(&Vec3::new(0.0, 1.3 * 1.7, 0.0));
        assert!((floor.y - 456.0).abs() < 1e-3 && (top.y - 24.0).abs() < 1e-3);
        assert!((cam.length_px(1.0) - want as f32).abs() < 1e-3);
    }

    #[test]
    fn side_view_shows_depth_as_image_x_inside_a_viewport() {
        let rest = BodyModel::default().rest_pose();
        let vp = PixelRect::new(480, 100, 160, 200);
        let cam = Camera::fit(View::Side, vp, &ViewBounds::body(View::Side, 1.7), 0.0);
        let nose = cam.project(&rest.get(Joint::Nose));
        let neck = cam.project(&rest.get(Joint::Neck));
        assert!(nose.x > neck.x, "the dancer faces the image's right");
        for p in &rest.points {
            let q = cam.project(p);
            assert!((480.0..=640.0).contains(&q.x) && (100.0..=300.0).contains(&q.y));
        }
        assert_eq!(View::Side.depth_m(&Vec3::new(-1.0, 0.0, 0.0)), 1.0);
    }

    #[test]
    fn bounds_of_poses_skip_non_finite_points() {
        let mut rest = BodyModel::default().rest_pose();
        rest.points[4].x = f64::NAN;
        let b = ViewBounds::of_poses(View::Front, &[rest]).unwrap();
        assert!((b.min_m[0] + 0.21).abs() < 1e-12 && (b.max_m[0] - 0.22).abs() < 1e-12);
        assert!((b.min_m[1] - 0.07).abs() < 1e-12 && (b.max_m[1] - 1.62).abs() < 1e-12);
        let mut nan = Pose::zeros();
        nan.points.iter_mut().for_each(|p| p.y = f64::NAN);
        assert_eq!(ViewBounds::of_poses(View::Front, &[nan]), None);
        let point = ViewBounds {
            min_m: [1.0, 1.0],
            max_m: [1.0, 1.0],
        };
        let cam = Camera::fit(View::Front, viewport(), &point, 0.1);
        assert!(cam.px_per_m().is_finite());
    }
}
