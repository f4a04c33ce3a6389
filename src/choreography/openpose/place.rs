//! From cleaned pixel tracks to poses in the dancer frame, metres.
//!
//! - **Axes**: image x (right, as seen by the camera, which stands where the audience does)
//!   is the dancer frame's x; image y points down, so it is negated; z = 0 (2D input).
//! - **Scale**: every frame's body height in pixels is fitted ([`BodyModel::fit`], the median
//!   bone ratio, robust to foreshortened bones); the median over frames is taken to be the
//!   dancer's height (`dancer_height_m`, default 1.70 m).
//! - **Keypoints still missing** (never detected, or in a gap too long to interpolate) are
//!   hung off their parent with the rest-pose offset of a body of that height (z dropped), so
//!   every frame with a neck is complete; a missing neck is put between the shoulders.
//! - **Origin**: at the first frame with both ankles, x = 0 between the ankles and the ankles'
//!   mean height at the rest ankle height of the body (the floor under the soles is y = 0).

use super::clean::Frame2d;
use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::{Joint, Pose, Vec3, BONES};

/// A frame in pixels as a pose (x right, y up, z 0; NaN where missing), still in pixels.
fn pixel_pose(frame: &Frame2d) -> Pose {
    let mut pose = Pose::zeros();
    for (p, k) in pose.points.iter_mut().zip(frame) {
        *p = k.map_or(Vec3::repeat(f64::NAN), |[x, y]| Vec3::new(x, -y, 0.0));
    }
    pose
}

/// Median over frames of the fitted body height, pixels; `None` when no frame can be fitted.
pub fn median_height_px(frames: &[Frame2d]) -> Option<f64> {
    let mut heights: Vec<f64> = frames
        .iter()
        .filter_map(|f| BodyModel::fit(&pixel_pose(f)))
        .map(|b| b.height_m())
        .collect();
    if heights.is_empty() {
        return None;
    }
    heights.sort_by(f64::total_cmp);
    Some(heights[heights.len() / 2])
}

fn is_finite(v: &Vec3) -> bool {
    v.iter().all(|c| c.is_finite())
}

/// Fills the missing keypoints of a pose from `body` (see the module docs); returns how many.
pub fn fill_from_body(pose: &mut Pose, body: &BodyModel) -> usize {
    let mut filled = 0;
    let neck = pose.get(Joint::Neck);
    let (rs, ls) = (pose.get(Joint::RShoulder), pose.get(Joint::LShoulder));
    if !is_finite(&neck) && is_finite(&rs) && is_finite(&ls) {
        pose.set(Joint::Neck, (rs + ls) * 0.5);
        filled += 1;
    }
    let rest = body.rest_pose();
    for b in BONES {
        let parent = pose.get(b.parent);
        if is_finite(&pose.get(b.child)) || !is_finite(&parent) {
            continue;
        }
        let offset = rest.get(b.child) - rest.get(b.parent);
        pose.set(b.child, parent + Vec3::new(offset.x, offset.y, 0.0));
        filled += 1;
    }
    filled
}

/// Poses in metres from pixel frames, given metres per pixel; keypoints still missing are
/// filled from `body`. Returns the poses and the number of keypoints filled.
pub fn to_dancer_frame(
    frames: &[Frame2d],
    metres_per_px: f64,
    body: &BodyModel,
) -> (Vec<Pose>, usize) {
    let mut filled = 0;
    let mut poses: Vec<Pose> = frames
        .iter()
        .map(|f| {
            let mut pose = pixel_pose(f);
            for p in &mut pose.points {
                *p *= metres_per_px;
            }
            filled += fill_from_body(&mut pose, body);
            pose
        })
        .collect();
    let origin = origin_m(&poses, body);
    for p in &mut poses {
        *p = p.translated(-origin);
    }
    (poses, filled)
}

/// Where the dancer-frame origin lies in the scaled image frame: between the ankles of the
/// first frame that has both, at the floor below them (zero when no frame has both).
fn origin_m(poses: &[Pose], body: &BodyModel) -> Vec3 {
    let rest_ankle_m = body.rest_pose().get(Joint::RAnkle).y;
    poses
        .iter()
        .map(|p| (p.get(Joint::RAnkle) + p.get(Joint::LAnkle)) * 0.5)
        .find(is_finite)
        .map_or(Vec3::zeros(), |mid| {
            Vec3::new(mid.x, mid.y - rest_ankle_m, 0.0)
        })
}

/// Number of keypoints that are still NaN.
pub fn missing_keypoints(poses: &[Pose]) -> usize {
    poses
        .iter()
        .flat_map(|p| p.points.iter())
        .filter(|p| !is_finite(p))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixels(pose: &Pose, px_per_m: f64) -> Frame2d {
        std::array::from_fn(|j| {
            let p = pose.points[j];
            Some([320.0 + px_per_m * p.x, 450.0 - px_per_m * p.y])
        })
    }

    #[test]
    fn a_pixel_body_comes_back_at_its_height_on_the_floor() {
        let body = BodyModel::default();
        let mut rest = body.rest_pose();
        for p in &mut rest.points {
            p.z = 0.0;
        }
        let frames = vec![pixels(&rest, 250.0); 3];
        // Flattening shortens the bones that point forward (face, forearms, shins) a little;
        // the median bone ratio is then that of a shin, 0.9997.
        let height_px = median_height_px(&frames).unwrap();
        assert!(
            (height_px / (250.0 * 1.7) - 1.0).abs() < 1e-3,
            "{height_px}"
        );
        let (poses, filled) = to_dancer_frame(&frames, 1.7 / height_px, &body);
        assert_eq!(filled, 0);
        for (got, want) in poses[0].points.iter().zip(&rest.points) {
            assert!((got - want).norm() < 1e-3, "{got} vs {want}");
        }
        let ankles = (poses[0].get(Joint::RAnkle) + poses[0].get(Joint::LAnkle)) * 0.5;
        assert!(
            (ankles - Vec3::new(0.0, 0.07, 0.0)).norm() < 1e-12,
            "{ankles}"
        );
    }

    #[test]
    fn missing_keypoints_hang_off_their_parents() {
        let body = BodyModel::default();
        let mut pose = body.rest_pose();
        pose.set(Joint::LWrist, Vec3::repeat(f64::NAN));
        pose.set(Joint::Neck, Vec3::repeat(f64::NAN));
        let mut filled = pose;
        assert_eq!(fill_from_body(&mut filled, &body), 2);
        let rest = body.rest_pose();
        let want = rest.get(Joint::LWrist) - rest.get(Joint::LElbow);
        let got = filled.get(Joint::LWrist) - filled.get(Joint::LElbow);
        assert!((got - Vec3::new(want.x, want.y, 0.0)).norm() < 1e-12);
        assert!((filled.get(Joint::Neck) - Vec3::new(0.0, 1.44, 0.0)).norm() < 1e-12);
        assert_eq!(missing_keypoints(&[filled]), 0);
    }
}
