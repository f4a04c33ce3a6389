//! The robot drawn from its own forward kinematics: every collision shape of a
//! [`RobotModel`] at the link frames of a [`Kinematics`], projected through an orthographic
//! [`Camera`], shaded, painted far to near, with joint dots, a floor line and a soft shadow.
//!
//! **Frames.** The model lives in the URDF world frame (x forward, y left, z up, metres). The
//! cameras of [`crate::render::camera`] look at the dancer frame (x to the audience's right,
//! y up, z toward the audience). A robot facing the audience has its forward toward the
//! audience and its left on the audience's right, so [`dancer_from_world`] is the rotation
//! `(x, y, z)_dancer = (y, z, x)_world` — the same frames the skeleton is drawn in, so a
//! robot and a dancer side by side mirror each other's left and right in the same way:
//!
//! | view | image right | image up | toward the viewer |
//! |---|---|---|---|
//! | [`Front`](crate::render::camera::View::Front) | robot left (+y) | +z | robot forward (+x) |
//! | [`Side`](crate::render::camera::View::Side), from the robot's right | robot forward (+x): toes point right | +z | robot right (−y) |
//!
//! **Look.** Boxes show their faces that turn toward the viewer as quads; cylinders are
//! capsules along their axis; spheres are discs (see [`items`]). Colours are lit by a light
//! above, left and in front of the viewer, darkened behind the base and lightened in front of
//! it. Links on the robot's left are tinted blue, on its right orange, in the middle grey,
//! judged from where each link sits at the zero configuration, so the audience can tell the
//! arms apart in both views.
//!
//! A [`RobotPainter`] plans its buffers once and draws any number of frames without
//! allocating once its item list has grown to the robot's size.
//!
//! ```
//! use std::path::Path;
//! use nalgebra::Vector3;
//! use dancebot::render::camera::{Camera, View, ViewBounds};
//! use dancebot::render::robot::{standing_base, RobotPainter};
//! use dancebot::render::{PixelRect, RgbImage};
//! use dancebot::robot::{Kinematics, RobotModel};
//!
//! let urdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("urdf/dancebot_humanoid.urdf");
//! let model = RobotModel::load(&urdf)?;
//! let mut kin = Kinematics::new(&model);
//! kin.update(&model, &standing_base(&model), &vec![0.0; model.n_dofs()]);
//! let rect = PixelRect::new(0, 0, 320, 320);
//! let camera = Camera::fit(View::Front, rect, &ViewBounds::body(View::Front, 1.4), 0.05);
//! let mut painter = RobotPainter::new(&model, camera, rect);
//! let mut img = RgbImage::new(320, 320, [0, 0, 0]);
//! painter.draw(&mut img, &model, &kin);
//! // The left sole's middle: on the image's right, in the left side's blue.
//! let l_foot = model.link_index("l_foot").ok_or("no l_foot")?;
//! let sole = painter.project(&kin.point(l_foot, &Vector3::new(0.02, 0.0, -0.04)));
//! assert!(sole.x > 160.0);
//! let [r, _, b] = img.pixel(sole.x as usize, sole.y as usize).ok_or("off the image")?;
//! assert!(b > r);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod dofs;
pub mod geometry;
pub mod items;
pub mod poser;
pub mod quad;

use nalgebra::Vector3;

use crate::choreography::skeleton::Vec3;
use crate::render::camera::Camera;
use crate::render::image::{PixelRect, Rgb, RgbImage};
use crate::render::raster::{rasterize, Capsule, Ellipse, PointPx};
use crate::robot::{JointKind, Kinematics, RobotModel};

pub use dofs::{DofMap, UnknownJoint};
pub use geometry::{robot_bounds, standing_base, standing_height_m, view_axes_world};
pub use items::shade;
pub use poser::{PoseError, TrajectoryPoser};

use items::{Item, ItemBuilder};

/// A world-frame point or direction (URDF: x forward, y left, z up) in the dancer frame of a
/// robot facing the audience (x to the audience's right, y up, z toward the audience).
pub fn dancer_from_world(p: &Vector3<f64>) -> Vec3 {
    Vec3::new(p.y, p.z, p.x)
}

/// Which side of the body a link is on, as it stands at the zero configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodySide {
    /// The robot's left (+y).
    Left,
    /// The robot's right (−y).
    Right,
    /// On the middle plane.
    Centre,
}

/// Links whose origin is within this distance of the middle plane, metres, are central.
const CENTRE_BAND_M: f64 = 0.01;

/// The side of every link: where its origin sits relative to the root link's, at the zero
/// configuration.
pub fn body_sides(model: &RobotModel) -> Vec<BodySide> {
    let kin = Kinematics::new(model);
    (0..model.links().len())
        .map(|i| match kin.world_from_link(i).translation.y {
            y if y > CENTRE_BAND_M => BodySide::Left,
            y if y < -CENTRE_BAND_M => BodySide::Right,
            _ => BodySide::Centre,
        })
        .collect()
}

/// Colours and lighting of the drawn robot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RobotStyle {
    /// Links on the robot's left.
    pub left_rgb: Rgb,
    /// Links on the robot's right.
    pub right_rgb: Rgb,
    /// Links on the middle plane.
    pub centre_rgb: Rgb,
    /// Joint dots.
    pub joint_rgb: Rgb,
    /// The floor line.
    pub floor_rgb: Rgb,
    /// The floor below the line.
    pub floor_fill_rgb: Rgb,
    /// The shadow's colour, mixed in with [`RobotStyle::shadow_alpha`].
    pub shadow_rgb: Rgb,
    /// Darkness of the shadow's core, 0–1.
    pub shadow_alpha: f32,
    /// Unit direction toward the light in view coordinates `[right, up, toward the viewer]`.
    pub light_view: [f64; 3],
    /// Brightness of a surface facing away from the light (share of its colour).
    pub ambient: f32,
    /// Brightness added by a surface facing the light squarely.
    pub diffuse: f32,
    /// Brightness change per metre toward the viewer from the base (share of the colour).
    pub depth_shade_per_m: f32,
    /// Darkest depth factor (far behind the base).
    pub depth_shade_min: f32,
    /// Brightest depth factor (far in front of it).
    pub depth_shade_max: f32,
    /// Joint dot radius, metres.
    pub joint_radius_m: f64,
    /// Smallest joint dot radius, pixels.
    pub min_joint_radius_px: f32,
    /// How far in front of its joint a dot sorts, metres: in front of its own links, behind
    /// anything that passes clearly in front.
    pub joint_depth_bias_m: f64,
}

impl Default for RobotStyle {
    fn default() -> Self {
        let light = Vector3::new(-0.4, 0.6, 1.0).normalize();
        RobotStyle {
            left_rgb: [96, 160, 240],
            right_rgb: [240, 150, 90],
            centre_rgb: [214, 218, 226],
            joint_rgb: [44, 46, 56],
            floor_rgb: [72, 76, 92],
            floor_fill_rgb: [36, 39, 52],
            shadow_rgb: [0, 0, 0],
            shadow_alpha: 0.6,
            light_view: [light.x, light.y, light.z],
            ambient: 0.45,
            diffuse: 0.6,
            depth_shade_per_m: 1.2,
            depth_shade_min: 0.6,
            depth_shade_max: 1.15,
            joint_radius_m: 0.016,
            min_joint_radius_px: 1.5,
            joint_depth_bias_m: 0.06,
        }
    }
}

impl RobotStyle {
    /// The base colour of a side.
    pub fn colour_of(&self, side: BodySide) -> Rgb {
        match side {
            BodySide::Left => self.left_rgb,
            BodySide::Right => self.right_rgb,
            BodySide::Centre => self.centre_rgb,
        }
    }
}

/// Shapes within this height of the floor, metres, count as standing on it (the shadow's
/// extent).
const STANDING_WITHIN_M: f64 = 0.05;
/// The shadow reaches this far past the footprint on each side, metres.
const SHADOW_MARGIN_M: f64 = 0.06;
/// Half the shadow's height, metres.
const SHADOW_HALF_HEIGHT_M: f64 = 0.035;
/// Nested shadow layers (outermost first): size share of the full shadow.
const SHADOW_LAYERS: [f32; 3] = [1.0, 0.75, 0.5];

/// Draws robots through one camera.
#[derive(Debug, Clone)]
pub struct RobotPainter {
    /// World (through [`dancer_from_world`]) to pixels.
    pub camera: Camera,
    /// Pixels outside this rectangle are never touched.
    pub clip: PixelRect,
    /// Colours and lighting.
    pub style: RobotStyle,
    sides: Vec<BodySide>,
    items: Vec<Item>,
}

impl RobotPainter {
    /// A painter for `model` through `camera`, clipped to `clip`, in the default style.
    pub fn new(model: &RobotModel, camera: Camera, clip: PixelRect) -> RobotPainter {
        let n_shapes: usize = model.links().iter().map(|l| 6 * l.shapes.len()).sum();
        RobotPainter {
            camera,
            clip,
            style: RobotStyle::default(),
            sides: body_sides(model),
            items: Vec::with_capacity(n_shapes + model.joints().len()),
        }
    }

    /// The side a link was judged to be on (centre for an unknown link).
    pub fn side_of(&self, link: usize) -> BodySide {
        self.sides.get(link).copied().unwrap_or(BodySide::Centre)
    }

    /// The pixel position of a world point.
    pub fn project(&self, world: &Vector3<f64>) -> PointPx {
        self.camera.project(&dancer_from_world(world))
    }

    /// Draws the floor, the shadow and the robot as `kin` places it (the background is left
    /// as it is). `kin` must have been updated for `model`.
    pub fn draw(&mut self, img: &mut RgbImage, model: &RobotModel, kin: &Kinematics) {
        self.draw_floor(img);
        self.draw_shadow(img, model, kin);
        self.draw_robot(img, model, kin);
    }

    /// The robot alone: its shapes and joint dots, far to near.
    pub fn draw_robot(&mut self, img: &mut RgbImage, model: &RobotModel, kin: &Kinematics) {
        let mut items = std::mem::take(&mut self.items);
        items.clear();
        let base = kin.world_from_link(model.root_link()).translation.vector;
        let mut builder = ItemBuilder {
            camera: &self.camera,
            style: &self.style,
            base_depth_m: self.camera.view().depth_m(&dancer_from_world(&base)),
            items: &mut items,
        };
        for (i, link) in model.links().iter().enumerate() {
            let colour = self.style.colour_of(self.side_of(i));
            for shape in &link.shapes {
                builder.push_shape(shape, kin.world_from_link(i), colour);
            }
        }
        let dot_px = self
            .camera
            .length_px(self.style.joint_radius_m)
            .max(self.style.min_joint_radius_px);
        for j in model.joints().iter().filter(|j| j.kind != JointKind::Fixed) {
            let at = kin.world_from_link(j.child_link).translation.vector;
            builder.push_dot(&at, dot_px, self.style.joint_rgb);
        }
        items.sort_unstable_by(|a, b| a.depth_m.total_cmp(&b.depth_m).then(a.order.cmp(&b.order)));
        for item in &items {
            item.draw(img, self.clip);
        }
        self.items = items;
    }

    /// The floor (world z = 0) seen edge-on: the clip rectangle below it filled in the floor
    /// colour, so the shadow shows, and a thin line along it.
    pub fn draw_floor(&self, img: &mut RgbImage) {
        let y = self.project(&Vector3::zeros()).y;
        if y.is_finite() {
            let top = (y.round().max(0.0) as usize).clamp(self.clip.y0, self.clip.y1);
            let below = PixelRect {
                y0: top,
                ..self.clip
            };
            img.fill_rect(below, self.style.floor_fill_rgb);
        }
        let line = Capsule {
            a: PointPx::new(self.clip.x0 as f32 + 4.0, y),
            b: PointPx::new(self.clip.x1 as f32 - 4.0, y),
            radius_px: 0.75,
        };
        img.fill_shape(&line, self.style.floor_rgb, self.clip);
    }

    /// A soft flattened ellipse on the floor under the shapes that stand on it; nothing when
    /// no shape is within 5 cm of the floor.
    pub fn draw_shadow(&self, img: &mut RgbImage, model: &RobotModel, kin: &Kinematics) {
        let view = self.camera.view();
        let Some((lo, hi)) = geometry::footprint_m(model, kin, view, STANDING_WITHIN_M) else {
            return;
        };
        let [right, ..] = view_axes_world(view);
        let centre = self.project(&(right * (0.5 * (lo + hi))));
        let half_w = self.camera.length_px(0.5 * (hi - lo) + SHADOW_MARGIN_M);
        let half_h = self.camera.length_px(SHADOW_HALF_HEIGHT_M).max(2.0);
        let alpha = self.style.shadow_alpha / SHADOW_LAYERS.len() as f32;
        let clip = self.clip.intersect(&img.rect());
        for share in SHADOW_LAYERS {
            let layer = Ellipse::new(centre, share * half_w, share * half_h, 0.0);
            rasterize(&layer, clip, |x, y, coverage| {
                img.blend(x, y, self.style.shadow_rgb, coverage * alpha);
            });
        }
    }
}

#[cfg(test)]
mod tests;
