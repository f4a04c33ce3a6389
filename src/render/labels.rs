//! One-hot limb label maps: the conditioning input of a pose-to-image generator (Pix2PixHD as
//! used by EverybodyDanceNow, Chan et al. 2019).
//!
//! Each limb of [`OPENPOSE_LIMBS`] is a filled ellipse along its bone (centred on the bone's
//! middle, semi-major axis half the bone's projected length, semi-minor axis
//! [`LabelStyle::limb_half_width_m`]), drawn far to near like the stick figure. Every pixel then
//! belongs to exactly one class: 0 background, `i + 1` limb `i` — the nearest limb covering
//! the pixel's centre. [`LabelMap`] stores the classes one-hot, channel-major (`C × H × W`,
//! 18 channels, values 0 or 1), the layout of Pix2PixHD's input tensor, so it goes to the
//! network without a permute.
//!
//! [`LabelPainter`] keeps a class-index scratch image between frames (planned once): drawing
//! writes one byte per covered pixel, and expanding to one-hot is one pass over the planes.

use crate::choreography::skeleton::Pose;
use crate::render::camera::Camera;
use crate::render::raster::{rasterize, Ellipse, PointPx};
use crate::render::stick::{limbs_far_to_near, N_LIMBS, OPENPOSE_LIMBS};
use crate::render::PixelRect;

/// Channels of a label map: background and one per limb.
pub const N_LABEL_CHANNELS: usize = N_LIMBS + 1;

/// Classes of every pixel, one-hot, channel-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMap {
    /// Width, pixels.
    pub width: usize,
    /// Height, pixels.
    pub height: usize,
    /// Number of channels ([`N_LABEL_CHANNELS`]).
    pub channels: usize,
    /// `data[c·H·W + y·W + x]` is 1 when pixel `(x, y)` is of class `c`, else 0.
    pub data: Vec<u8>,
}

impl LabelMap {
    /// An all-background map.
    pub fn new(width: usize, height: usize) -> LabelMap {
        let mut data = vec![0; N_LABEL_CHANNELS * width * height];
        data[..width * height].fill(1);
        LabelMap {
            width,
            height,
            channels: N_LABEL_CHANNELS,
            data,
        }
    }

    /// Plane `c` (`H × W`, row-major); empty when `c` is out of range.
    pub fn channel(&self, c: usize) -> &[u8] {
        let n = self.width * self.height;
        self.data.get(c * n..(c + 1) * n).unwrap_or_default()
    }

    /// The class of pixel `(x, y)`: the channel holding its 1.
    pub fn class_at(&self, x: usize, y: usize) -> Option<usize> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = y * self.width + x;
        (0..self.channels).find(|&c| self.channel(c).get(i) == Some(&1))
    }
}

/// Limb widths, metres in the dancer frame, with a pixel floor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelStyle {
    /// Semi-minor axis of each limb ellipse, metres.
    pub limb_half_width_m: f64,
    /// Smallest semi-minor axis, pixels.
    pub min_half_width_px: f32,
}

impl Default for LabelStyle {
    fn default() -> Self {
        LabelStyle {
            limb_half_width_m: 0.04,
            min_half_width_px: 1.0,
        }
    }
}

/// Draws label maps of poses through one camera, reusing its scratch buffer.
#[derive(Debug, Clone)]
pub struct LabelPainter {
    camera: Camera,
    style: LabelStyle,
    width: usize,
    height: usize,
    classes: Vec<u8>,
}

impl LabelPainter {
    /// A painter for `width × height` maps.
    pub fn new(camera: Camera, style: LabelStyle, width: usize, height: usize) -> LabelPainter {
        LabelPainter {
            camera,
            style,
            width,
            height,
            classes: vec![0; width * height],
        }
    }

    /// A map of the right size for this painter, all background.
    pub fn blank_map(&self) -> LabelMap {
        LabelMap::new(self.width, self.height)
    }

    /// The ellipse of limb `i` of `pose` in pixels.
    pub fn limb_ellipse(&self, pose: &Pose, i: usize) -> Ellipse {
        let (a, b) = OPENPOSE_LIMBS[i];
        let (p, q) = (
            self.camera.project(&pose.get(a)),
            self.camera.project(&pose.get(b)),
        );
        let (dx, dy) = (q.x - p.x, q.y - p.y);
        let semi_minor_px = self
            .camera
            .length_px(self.style.limb_half_width_m)
            .max(self.style.min_half_width_px);
        Ellipse::new(
            PointPx::new(0.5 * (p.x + q.x), 0.5 * (p.y + q.y)),
            (0.5 * dx.hypot(dy)).max(semi_minor_px),
            semi_minor_px,
            dy.atan2(dx),
        )
    }

    /// Overwrites `map` (resized if needed) with the label map of `pose`.
    pub fn paint(&mut self, pose: &Pose, map: &mut LabelMap) {
        self.classes.fill(0);
        let clip = PixelRect::new(0, 0, self.width, self.height);
        let width = self.width;
        for i in limbs_far_to_near(pose, &self.camera) {
            let class = (i + 1) as u8;
            let ellipse = self.limb_ellipse(pose, i);
            let classes = &mut self.classes;
            // Coverage ≥ ½ is "the pixel's centre is inside": a hard, one-hot decision.
            rasterize(&ellipse, clip, |x, y, coverage| {
                if coverage >= 0.5 {
                    classes[y * width + x] = class;
                }
            });
        }
        self.expand(map);
    }

    fn expand(&self, map: &mut LabelMap) {
        let n = self.width * self.height;
        map.width = self.width;
        map.height = self.height;
        map.channels = N_LABEL_CHANNELS;
        map.data.clear();
        map.data.resize(N_LABEL_CHANNELS * n, 0);
        for (i, &class) in self.classes.iter().enumerate() {
            map.data[usize::from(class) * n + i] = 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;
    use crate::choreography::skeleton::Joint;
    use crate::render::camera::{View, ViewBounds};

    fn painter(width: usize, height: usize) -> LabelPainter {
        let rect = PixelRect::new(0, 0, width, height);
        let cam = Camera::fit(View::Front, rect, &ViewBounds::body(View::Front, 1.7), 0.05);
        LabelPainter::new(cam, LabelStyle::default(), width, height)
    }

    fn limb(a: Joint, b: Joint) -> usize {
        OPENPOSE_LIMBS
            .iter()
            .position(|&l| l == (a, b))
            .unwrap_or(usize::MAX)
    }

    #[test]
    fn every_pixel_has_exactly_one_class() {
        let mut p = painter(96, 64);
        let mut map = p.blank_map();
        p.paint(&BodyModel::default().rest_pose(), &mut map);
        assert_eq!(map.data.len(), 18 * 96 * 64);
        for i in 0..96 * 64 {
            let sum: u32 = (0..18).map(|c| u32::from(map.channel(c)[i])).sum();
            assert_eq!(sum, 1, "pixel {i}");
        }
        assert_eq!(map.class_at(0, 0), Some(0));
        let used = (1..18).filter(|&c| map.channel(c).contains(&1)).count();
        assert!(used >= 15, "{used} limbs visible");
    }

    #[test]
    fn bone_middles_carry_their_limb_class_at_any_resolution() {
        let rest = BodyModel::default().rest_pose();
        for (w, h) in [(512, 256), (256, 512), (1280, 720)] {
            let mut p = painter(w, h);
            let mut map = LabelMap::new(1, 1);
            p.paint(&rest, &mut map);
            assert_eq!((map.width, map.height), (w, h));
            for (a, b) in [(Joint::LHip, Joint::LKnee), (Joint::RElbow, Joint::RWrist)] {
                let mid = p.camera.project(&((rest.get(a) + rest.get(b)) * 0.5));
                let class = map.class_at(mid.x as usize, mid.y as usize);
                assert_eq!(class, Some(limb(a, b) + 1), "{w}x{h} {a:?}");
            }
        }
    }

    #[test]
    fn limb_ellipse_follows_the_bone() {
        let rest = BodyModel::default().rest_pose();
        let p = painter(400, 400);
        let i = limb(Joint::RHip, Joint::RKnee);
        let e = p.limb_ellipse(&rest, i);
        let knee = p.camera.project(&rest.get(Joint::RKnee));
        let hip = p.camera.project(&rest.get(Joint::RHip));
        use crate::render::raster::Shape;
        assert!(e.signed_distance_px(knee).abs() < 0.5);
        assert!(e.signed_distance_px(hip).abs() < 0.5);
        let beside = PointPx::new(knee.x + 40.0, 0.5 * (knee.y + hip.y));
        assert!(e.signed_distance_px(beside) > 20.0);
    }

    #[test]
    fn a_pose_off_screen_or_missing_leaves_background() {
        let mut p = painter(64, 64);
        let mut map = p.blank_map();
        let far = BodyModel::default()
            .rest_pose()
            .translated([100.0, 0.0, 0.0].into());
        p.paint(&far, &mut map);
        assert_eq!(map, LabelMap::new(64, 64));
        let mut nan = BodyModel::default().rest_pose();
        nan.points.iter_mut().for_each(|q| q.x = f64::NAN);
        p.paint(&nan, &mut map);
        assert_eq!(map, LabelMap::new(64, 64));
    }
}
