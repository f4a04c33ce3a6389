//! The flat pieces a robot is drawn with: each collision shape projected through a camera into
//! anti-aliased primitives, each with a shaded colour and a depth for the painter's sort.
//!
//! - A box shows the faces that turn toward the viewer, each a [`ConvexQuad`] shaded by how
//!   much it faces the light (Lambert, ambient + diffuse).
//! - A cylinder is a capsule along its axis, a sphere a disc; both get a smaller, lighter
//!   highlight shifted toward the light, which reads as roundness.
//! - Everything is darkened with distance behind the base and lightened in front of it, so a
//!   limb behind the body reads as behind.
//!
//! Depths are metres toward the viewer in the camera's view; a box face sorts by its centre,
//! round shapes by their centre, joint dots a little in front of their joint.

use nalgebra::{Isometry3, Point3, Vector3};

use super::geometry::world_from_shape;
use super::quad::ConvexQuad;
use super::{dancer_from_world, RobotStyle};
use crate::render::camera::Camera;
use crate::render::image::{PixelRect, Rgb, RgbImage};
use crate::render::raster::{Capsule, Circle, PointPx};
use crate::robot::Shape;

/// A primitive in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Prim {
    Capsule(Capsule),
    Circle(Circle),
    Quad(ConvexQuad),
}

/// One primitive to paint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Item {
    /// Toward the viewer, metres (larger is nearer, drawn later).
    pub depth_m: f64,
    /// Insertion order: breaks depth ties so a highlight follows its shape.
    pub order: u32,
    pub prim: Prim,
    pub colour: Rgb,
}

impl Item {
    pub(super) fn draw(&self, img: &mut RgbImage, clip: PixelRect) {
        match &self.prim {
            Prim::Capsule(s) => img.fill_shape(s, self.colour, clip),
            Prim::Circle(s) => img.fill_shape(s, self.colour, clip),
            Prim::Quad(s) => img.fill_shape(s, self.colour, clip),
        }
    }
}

/// `colour` scaled by `factor` (channels rounded, clamped to 0–255).
pub fn shade(colour: Rgb, factor: f32) -> Rgb {
    colour.map(|c| (f32::from(c) * factor).round().clamp(0.0, 255.0) as u8)
}

/// Highlights: share of the radius the highlight is shifted toward the light, and its radius.
const HIGHLIGHT_SHIFT: f32 = 0.35;
const HIGHLIGHT_RADIUS: f32 = 0.45;
/// Lambert term given to the body of a round shape (its rim faces away from the light).
const ROUND_BODY_LAMBERT: f64 = 0.55;

/// Projects shapes into [`Item`]s through one camera.
pub(super) struct ItemBuilder<'a> {
    pub camera: &'a Camera,
    pub style: &'a RobotStyle,
    /// Depth of the robot's base, metres: the depth shading is relative to it.
    pub base_depth_m: f64,
    pub items: &'a mut Vec<Item>,
}

impl ItemBuilder<'_> {
    fn depth_m(&self, world: &Vector3<f64>) -> f64 {
        self.camera.view().depth_m(&dancer_from_world(world))
    }

    fn project(&self, world: &Vector3<f64>) -> PointPx {
        self.camera.project(&dancer_from_world(world))
    }

    /// A world direction in view coordinates `[right, up, toward the viewer]`.
    fn view_dir(&self, world: &Vector3<f64>) -> [f64; 3] {
        let d = dancer_from_world(world);
        let view = self.camera.view();
        let [h, v] = view.plane_m(&d);
        [h, v, view.depth_m(&d)]
    }

    /// The colour of a surface with Lambert term `lambert` at `depth_m`.
    fn lit(&self, colour: Rgb, lambert: f64, depth_m: f64) -> Rgb {
        let s = self.style;
        let light = s.ambient + s.diffuse * lambert.clamp(0.0, 1.0) as f32;
        let depth = (1.0 + s.depth_shade_per_m * (depth_m - self.base_depth_m) as f32)
            .clamp(s.depth_shade_min, s.depth_shade_max);
        shade(colour, light * depth)
    }

    fn push(&mut self, depth_m: f64, prim: Prim, colour: Rgb) {
        let order = self.items.len() as u32;
        self.items.push(Item {
            depth_m,
            order,
            prim,
            colour,
        });
    }

    /// The items of one collision shape of a link at `world_from_link`, in `colour`.
    pub fn push_shape(&mut self, shape: &Shape, world_from_link: &Isometry3<f64>, colour: Rgb) {
        let pose = world_from_shape(world_from_link, shape);
        match shape {
            Shape::Box { size_m, .. } => self.push_box(&pose, size_m, colour),
            Shape::Cylinder {
                radius_m, length_m, ..
            } => {
                let half = pose.rotation * Vector3::z() * (0.5 * length_m);
                let c = pose.translation.vector;
                self.push_round(c - half, c + half, *radius_m, colour);
            }
            Shape::Sphere { radius_m, .. } => {
                let c = pose.translation.vector;
                self.push_round(c, c, *radius_m, colour);
            }
        }
    }

    /// The faces of a box that turn toward the viewer.
    fn push_box(&mut self, pose: &Isometry3<f64>, size_m: &Vector3<f64>, colour: Rgb) {
        let half = size_m.abs() * 0.5;
        for axis in 0..3 {
            for sign in [-1.0, 1.0] {
                let mut normal = Vector3::zeros();
                normal[axis] = sign;
                let n_view = self.view_dir(&(pose.rotation * normal));
                if n_view[2] <= 1e-9 {
                    continue;
                }
                let (u, v) = ((axis + 1) % 3, (axis + 2) % 3);
                let corner = |a: f64, b: f64| {
                    let mut p = normal.component_mul(&half);
                    p[u] = a * half[u];
                    p[v] = b * half[v];
                    self.project(&(pose * Point3::from(p)).coords)
                };
                let quad = [
                    corner(-1.0, -1.0),
                    corner(1.0, -1.0),
                    corner(1.0, 1.0),
                    corner(-1.0, 1.0),
                ];
                let Some(quad) = ConvexQuad::new(quad) else {
                    continue;
                };
                let centre = pose * Point3::from(normal.component_mul(&half));
                let depth_m = self.depth_m(&centre.coords);
                let lambert = dot(&n_view, &self.style.light_view);
                let lit = self.lit(colour, lambert, depth_m);
                self.push(depth_m, Prim::Quad(quad), lit);
            }
        }
    }

    /// A capsule from `a` to `b` (a disc when they meet) of radius `radius_m`, with its
    /// highlight.
    fn push_round(&mut self, a: Vector3<f64>, b: Vector3<f64>, radius_m: f64, colour: Rgb) {
        let depth_m = self.depth_m(&((a + b) * 0.5));
        let (pa, pb) = (self.project(&a), self.project(&b));
        let radius_px = self.camera.length_px(radius_m).max(1.0);
        let body = self.lit(colour, ROUND_BODY_LAMBERT, depth_m);
        let bright = self.lit(colour, 1.0, depth_m);
        let shift = self.highlight_shift(pa, pb);
        let (dx, dy) = (
            shift.x * HIGHLIGHT_SHIFT * radius_px,
            shift.y * HIGHLIGHT_SHIFT * radius_px,
        );
        let moved = |p: PointPx| PointPx::new(p.x + dx, p.y + dy);
        let highlight_px = HIGHLIGHT_RADIUS * radius_px;
        if a == b {
            let disc = |centre, radius_px| Prim::Circle(Circle { centre, radius_px });
            self.push(depth_m, disc(pa, radius_px), body);
            self.push(depth_m, disc(moved(pa), highlight_px), bright);
        } else {
            let caps = |a, b, radius_px| Prim::Capsule(Capsule { a, b, radius_px });
            self.push(depth_m, caps(pa, pb, radius_px), body);
            self.push(depth_m, caps(moved(pa), moved(pb), highlight_px), bright);
        }
    }

    /// Unit image direction toward the light across the axis `pa → pb` (toward the light
    /// itself for a disc or an axis seen end-on).
    fn highlight_shift(&self, pa: PointPx, pb: PointPx) -> PointPx {
        let [lx, ly, _] = self.style.light_view;
        // Image y points down, the view's up is −y.
        let light = unit(PointPx::new(lx as f32, -ly as f32));
        let (ax, ay) = (pb.x - pa.x, pb.y - pa.y);
        let len = ax.hypot(ay);
        if len < 1.0 {
            return light;
        }
        let across = PointPx::new(-ay / len, ax / len);
        let side = across.x * light.x + across.y * light.y;
        if side.abs() < 1e-3 {
            return across;
        }
        PointPx::new(across.x * side.signum(), across.y * side.signum())
    }

    /// A joint dot of `radius_px` at `world`, drawn just in front of its joint.
    pub fn push_dot(&mut self, world: &Vector3<f64>, radius_px: f32, colour: Rgb) {
        let depth_m = self.depth_m(world) + self.style.joint_depth_bias_m;
        let centre = self.project(world);
        self.push(depth_m, Prim::Circle(Circle { centre, radius_px }), colour);
    }
}

fn dot(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn unit(p: PointPx) -> PointPx {
    let len = p.x.hypot(p.y);
    if len > 0.0 {
        PointPx::new(p.x / len, p.y / len)
    } else {
        PointPx::new(0.0, -1.0)
    }
}
