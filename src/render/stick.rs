//! The OpenPose-style stick figure: a coco18 [`Pose`] drawn as 17 coloured limbs and 18 joint
//! dots through a [`Camera`].
//!
//! Colours and limb order are OpenPose's COCO rendering (`draw_bodypose` in the OpenPose Python
//! demos, also what pose-conditioned video models such as EverybodyDanceNow were trained on):
//! an 18-colour hue wheel from red through orange, yellow, green, cyan, blue to magenta
//! ([`OPENPOSE_COLOURS`]); limb `i` of [`OPENPOSE_LIMBS`] takes colour `i`, joint `j` (coco18
//! index) takes colour `j`. The palette is listed in RGB order.
//!
//! Sizes are in metres and scale with the camera, so a figure looks the same at any resolution;
//! each has a floor in pixels so small images keep visible limbs. Limbs are drawn far to near
//! (by mean depth in the view), then the joints, so a limb in front hides one behind. A limb
//! with a non-finite end is skipped; callers hold missing keypoints first
//! ([`crate::render::smooth::hold_missing`]).

use crate::choreography::skeleton::{Joint, Pose, N_JOINTS};
use crate::render::camera::Camera;
use crate::render::image::{PixelRect, Rgb, RgbImage};
use crate::render::raster::{Capsule, Circle};

pub use crate::render::smooth::{hold_missing, prepare_frames, smooth_sequence};

/// Number of limbs drawn.
pub const N_LIMBS: usize = 17;

/// OpenPose's 18 COCO colours, RGB: red, orange, yellow, …, green, …, cyan, …, blue, …,
/// magenta.
pub const OPENPOSE_COLOURS: [Rgb; 18] = [
    [255, 0, 0],
    [255, 85, 0],
    [255, 170, 0],
    [255, 255, 0],
    [170, 255, 0],
    [85, 255, 0],
    [0, 255, 0],
    [0, 255, 85],
    [0, 255, 170],
    [0, 255, 255],
    [0, 170, 255],
    [0, 85, 255],
    [0, 0, 255],
    [85, 0, 255],
    [170, 0, 255],
    [255, 0, 255],
    [255, 0, 170],
    [255, 0, 85],
];

/// The limbs in OpenPose's drawing order (its `limbSeq`, first 17 pairs): limb `i` has colour
/// `OPENPOSE_COLOURS[i]`, and is channel `i + 1` of a [`crate::render::labels::LabelMap`].
pub const OPENPOSE_LIMBS: [(Joint, Joint); N_LIMBS] = [
    (Joint::Neck, Joint::RShoulder),
    (Joint::Neck, Joint::LShoulder),
    (Joint::RShoulder, Joint::RElbow),
    (Joint::RElbow, Joint::RWrist),
    (Joint::LShoulder, Joint::LElbow),
    (Joint::LElbow, Joint::LWrist),
    (Joint::Neck, Joint::RHip),
    (Joint::RHip, Joint::RKnee),
    (Joint::RKnee, Joint::RAnkle),
    (Joint::Neck, Joint::LHip),
    (Joint::LHip, Joint::LKnee),
    (Joint::LKnee, Joint::LAnkle),
    (Joint::Neck, Joint::Nose),
    (Joint::Nose, Joint::REye),
    (Joint::REye, Joint::REar),
    (Joint::Nose, Joint::LEye),
    (Joint::LEye, Joint::LEar),
];

/// Limb indices ordered far to near in the camera's view (ties keep OpenPose order).
pub fn limbs_far_to_near(pose: &Pose, camera: &Camera) -> [usize; N_LIMBS] {
    let view = camera.view();
    let depth = |i: usize| {
        let (a, b) = OPENPOSE_LIMBS[i];
        view.depth_m(&pose.get(a)) + view.depth_m(&pose.get(b))
    };
    let mut order: [usize; N_LIMBS] = std::array::from_fn(|i| i);
    order.sort_by(|&i, &j| depth(i).total_cmp(&depth(j)));
    order
}

/// Sizes of the figure, metres in the dancer frame, with pixel floors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StickStyle {
    /// Limb thickness, metres.
    pub limb_width_m: f64,
    /// Joint dot radius, metres.
    pub joint_radius_m: f64,
    /// Smallest limb thickness, pixels.
    pub min_limb_width_px: f32,
    /// Smallest joint radius, pixels.
    pub min_joint_radius_px: f32,
}

impl Default for StickStyle {
    /// About OpenPose's look at its usual 368-pixel height: 8-pixel limbs, 4-pixel dots.
    fn default() -> Self {
        StickStyle {
            limb_width_m: 0.045,
            joint_radius_m: 0.025,
            min_limb_width_px: 2.0,
            min_joint_radius_px: 1.5,
        }
    }
}

/// Draws poses as stick figures through one camera.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StickFigure {
    /// Dancer frame to pixels.
    pub camera: Camera,
    /// Sizes.
    pub style: StickStyle,
    /// Pixels outside this rectangle are never touched.
    pub clip: PixelRect,
}

impl StickFigure {
    /// A figure drawn through `camera` with the default style, clipped to `clip`.
    pub fn new(camera: Camera, clip: PixelRect) -> StickFigure {
        StickFigure {
            camera,
            style: StickStyle::default(),
            clip,
        }
    }

    /// Half the limb thickness, pixels.
    pub fn limb_radius_px(&self) -> f32 {
        0.5 * self
            .camera
            .length_px(self.style.limb_width_m)
            .max(self.style.min_limb_width_px)
    }

    /// Joint dot radius, pixels.
    pub fn joint_radius_px(&self) -> f32 {
        self.camera
            .length_px(self.style.joint_radius_m)
            .max(self.style.min_joint_radius_px)
    }

    /// Draws `pose` onto `img` (the background is left as it is).
    pub fn draw(&self, img: &mut RgbImage, pose: &Pose) {
        let points = pose.points.map(|p| self.camera.project(&p));
        let radius_px = self.limb_radius_px();
        for i in limbs_far_to_near(pose, &self.camera) {
            let (a, b) = OPENPOSE_LIMBS[i];
            let limb = Capsule {
                a: points[a.index()],
                b: points[b.index()],
                radius_px,
            };
            img.fill_shape(&limb, OPENPOSE_COLOURS[i], self.clip);
        }
        let dot_px = self.joint_radius_px();
        for (j, centre) in points.iter().enumerate().take(N_JOINTS) {
            let dot = Circle {
                centre: *centre,
                radius_px: dot_px,
            };
            img.fill_shape(&dot, OPENPOSE_COLOURS[j], self.clip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;
    use crate::choreography::skeleton::{Vec3, BONES};
    use crate::render::camera::{View, ViewBounds};

    const BG: Rgb = [0, 0, 0];

    fn figure(width: usize, height: usize) -> StickFigure {
        let rect = PixelRect::new(0, 0, width, height);
        let cam = Camera::fit(View::Front, rect, &ViewBounds::body(View::Front, 1.7), 0.05);
        StickFigure::new(cam, rect)
    }

    fn limb_index(a: Joint, b: Joint) -> usize {
        OPENPOSE_LIMBS.iter().position(|&l| l == (a, b)).unwrap()
    }

    #[test]
    fn limbs_are_the_coco18_bones() {
        for (a, b) in OPENPOSE_LIMBS {
            assert!(BONES.iter().any(|bone| (bone.parent, bone.child) == (a, b)));
        }
        assert_eq!(limb_index(Joint::RHip, Joint::RKnee), 7);
        assert_eq!(OPENPOSE_COLOURS[7], [0, 255, 85]);
    }

    #[test]
    fn each_limb_shows_its_palette_colour_at_its_middle() {
        let fig = figure(512, 512);
        let mut img = RgbImage::new(512, 512, BG);
        let rest = BodyModel::default().rest_pose();
        fig.draw(&mut img, &rest);
        // Long limbs, away from joint dots and crossings.
        for (a, b) in [
            (Joint::RHip, Joint::RKnee),
            (Joint::LKnee, Joint::LAnkle),
            (Joint::RShoulder, Joint::RElbow),
            (Joint::LElbow, Joint::LWrist),
        ] {
            let (p, q) = (
                fig.camera.project(&rest.get(a)),
                fig.camera.project(&rest.get(b)),
            );
            let mid = (0.5 * (p.x + q.x), 0.5 * (p.y + q.y));
            let px = img.pixel(mid.0 as usize, mid.1 as usize).unwrap();
            assert_eq!(px, OPENPOSE_COLOURS[limb_index(a, b)], "{a:?}-{b:?}");
        }
        let neck = fig.camera.project(&rest.get(Joint::Neck));
        assert_eq!(
            img.pixel(neck.x as usize, neck.y as usize),
            Some(OPENPOSE_COLOURS[Joint::Neck.index()])
        );
        assert_eq!(img.pixel(5, 5), Some(BG));
        assert_eq!(img.pixel(256, 500), Some(BG));
    }

    #[test]
    fn the_dancers_right_arm_is_on_the_images_left() {
        let fig = figure(256, 256);
        let mut img = RgbImage::new(256, 256, BG);
        fig.draw(&mut img, &BodyModel::default().rest_pose());
        let colour_x = |c: Rgb| {
            let xs: Vec<usize> = (0..256 * 256)
                .filter(|i| img.pixel(i % 256, i / 256) == Some(c))
                .map(|i| i % 256)
                .collect();
            xs.iter().sum::<usize>() as f64 / xs.len() as f64
        };
        let right_forearm = colour_x(OPENPOSE_COLOURS[3]);
        let left_forearm = colour_x(OPENPOSE_COLOURS[5]);
        assert!(right_forearm < 128.0 && left_forearm > 128.0);
    }

    #[test]
    fn nearer_limbs_cover_farther_ones() {
        let rest = BodyModel::default().rest_pose();
        let mut pose = rest;
        // Right forearm crosses in front of the body (toward the audience), across the torso.
        pose.set(Joint::RElbow, Vec3::new(-0.2, 1.2, 0.3));
        pose.set(Joint::RWrist, Vec3::new(0.2, 1.2, 0.3));
        let fig = figure(256, 256);
        let order = limbs_far_to_near(&pose, &fig.camera);
        assert_eq!(order[N_LIMBS - 1], limb_index(Joint::RElbow, Joint::RWrist));
        let mut img = RgbImage::new(256, 256, BG);
        fig.draw(&mut img, &pose);
        let cross = fig.camera.project(&Vec3::new(-0.05, 1.2, 0.3));
        assert_eq!(
            img.pixel(cross.x as usize, cross.y as usize),
            Some(OPENPOSE_COLOURS[3])
        );
    }

    #[test]
    fn non_finite_keypoints_draw_nothing_of_their_limbs() {
        let rest = BodyModel::default().rest_pose();
        let mut pose = rest;
        pose.points[Joint::LWrist.index()].x = f64::NAN;
        let fig = figure(256, 256);
        let mut img = RgbImage::new(256, 256, BG);
        fig.draw(&mut img, &pose);
        let at = |p: &Vec3| {
            let q = fig.camera.project(p);
            img.pixel(q.x as usize, q.y as usize)
        };
        let forearm = (rest.get(Joint::LElbow) + rest.get(Joint::LWrist)) * 0.5;
        let upper_arm = (rest.get(Joint::LElbow) + rest.get(Joint::LShoulder)) * 0.5;
        assert_eq!(at(&forearm), Some(BG));
        assert_eq!(at(&upper_arm), Some(OPENPOSE_COLOURS[4]));
    }
}
