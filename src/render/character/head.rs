//! The head: where it is and which way it faces, from the nose, eye and ear keypoints, and its
//! skull and hair drawn as a lit ellipsoid.
//!
//! **Pose of the head.** The rotation that best carries the reference body's five face
//! keypoints (nose, eyes, ears) onto the pose's finite ones (Kabsch's least-squares fit, at
//! least three points) gives the head's axes — `left`, `up`, `forward`, dancer frame — and
//! carries the reference head centre along. With fewer than three face keypoints the head takes
//! the body's axes and hangs on whichever face keypoint (or failing that the neck) is finite;
//! with none of them it is not drawn.
//!
//! **Ellipsoid.** The skull is an ellipsoid with semi-axes [`HEAD_SEMI_M`] along the head's
//! axes. Its orthographic image is an ellipse; for each pixel inside it the visible surface
//! point is found in closed form as a point `s` of the unit sphere in head coordinates
//! (`[left, up, forward]`). That point decides the colour — hair where `s` is above the
//! hairline (high on the forehead, lower at the sides and the back), skin elsewhere, so a
//! head seen from behind is all hair and one seen from the side shows a profile — and gives
//! the surface normal for the lighting. A slightly larger ellipsoid drawn first, hair only,
//! gives the hair its volume.

use nalgebra::Matrix3;

use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::{Joint, Pose, Vec3};
use crate::render::character::body::Scene;
use crate::render::character::frame::{point, to_view, BodyFrame};
use crate::render::character::shading::{lambert, mix, shade};
use crate::render::character::shapes::{fill_surface, paint_region, TaperedCapsule};
use crate::render::character::style::HairStyle;
use crate::render::image::RgbImage;
use crate::render::raster::{coverage_from_distance, Ellipse, PointPx, Shape};

/// Semi-axes of the skull along the head's `[left, up, forward]`, reference metres.
pub const HEAD_SEMI_M: [f64; 3] = [0.08, 0.108, 0.098];
/// Centre of the reference head in the dancer frame, metres (the top of the skull at 1.70 m).
const REST_CENTRE_M: [f64; 3] = [0.0, 1.595, 0.005];
/// The face keypoints used to find the head's pose.
const FACE: [Joint; 5] = [
    Joint::Nose,
    Joint::REye,
    Joint::LEye,
    Joint::REar,
    Joint::LEar,
];
/// Hair shell: how much larger than the skull, and how far up it sits (reference metres).
const SHELL_SCALE: f64 = 1.09;
const SHELL_LIFT_M: f64 = 0.01;
/// How much lower the shell's hairline runs (unit-sphere units), so the shell's hair meets
/// the skull's without a gap at the temples.
const SHELL_HAIRLINE_DROP: f32 = 0.15;
/// Width of the hairline's soft edge, in units of the unit sphere.
const HAIRLINE_SOFTNESS: f32 = 0.09;

/// Where the head is and how it is turned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadGeom {
    /// Centre of the skull, dancer frame, metres.
    pub centre: Vec3,
    /// The head's `[left, up, forward]` axes, unit, dancer frame.
    pub axes: [Vec3; 3],
    /// Semi-axes along `axes`, metres.
    pub semi_m: [f64; 3],
}

impl HeadGeom {
    /// The head of `pose` (see the module docs); `None` when nothing locates it.
    pub fn estimate(pose: &Pose, frame: &BodyFrame) -> Option<HeadGeom> {
        let rest = BodyModel::default().rest_pose();
        let rest_centre = Vec3::from(REST_CENTRE_M);
        let mut pairs = [(Vec3::zeros(), Vec3::zeros()); 5];
        let mut n = 0;
        for j in FACE {
            if let Some(q) = point(pose, j) {
                pairs[n] = ((rest.get(j) - rest_centre) * frame.scale, q);
                n += 1;
            }
        }
        let semi_m = HEAD_SEMI_M.map(|s| s * frame.scale);
        let (rotation, centre) = match kabsch(&pairs[..n]) {
            Some(fit) => fit,
            None => {
                let body = Matrix3::from_columns(&[frame.left, frame.up, frame.forward]);
                let centre = match pairs[..n].first() {
                    Some((p, q)) => q - body * p,
                    None => {
                        let neck = point(pose, Joint::Neck)?;
                        let offset = (rest_centre - rest.get(Joint::Neck)) * frame.scale;
                        neck + body * offset
                    }
                };
                (body, centre)
            }
        };
        let axes = [0, 1, 2].map(|i| rotation.column(i).into_owned());
        Some(HeadGeom {
            centre,
            axes,
            semi_m,
        })
    }

    /// The dancer-frame point of the skull's surface at unit-sphere coordinates `s`
    /// (`[left, up, forward]`; beyond the surface when `|s| > 1`), and the unit outward normal
    /// there.
    pub fn surface(&self, s: [f64; 3]) -> (Vec3, Vec3) {
        let mut p = self.centre;
        let mut n = Vec3::zeros();
        for ((axis, semi), si) in self.axes.iter().zip(self.semi_m).zip(s) {
            p += axis * (semi * si);
            n += axis * (si / semi);
        }
        (p, n.try_normalize(1e-12).unwrap_or(self.axes[2]))
    }

    /// The head grown by `factor` and moved up by `lift_m`.
    fn grown(&self, factor: f64, lift_m: f64) -> HeadGeom {
        HeadGeom {
            centre: self.centre + self.axes[1] * lift_m,
            axes: self.axes,
            semi_m: self.semi_m.map(|s| s * factor),
        }
    }
}

/// Least-squares rotation and centre carrying reference offsets (from the head centre) onto
/// measured points: Kabsch's algorithm; `None` for fewer than three points or a degenerate fit.
fn kabsch(pairs: &[(Vec3, Vec3)]) -> Option<(Matrix3<f64>, Vec3)> {
    if pairs.len() < 3 {
        return None;
    }
    let n = pairs.len() as f64;
    let pc = pairs.iter().fold(Vec3::zeros(), |a, (p, _)| a + p) / n;
    let qc = pairs.iter().fold(Vec3::zeros(), |a, (_, q)| a + q) / n;
    let h = pairs.iter().fold(Matrix3::zeros(), |acc, (p, q)| {
        acc + (p - pc) * (q - qc).transpose()
    });
    let svd = h.svd(true, true);
    if svd.singular_values[1] < 1e-9 * svd.singular_values[0].max(1e-300) {
        return None;
    }
    let (u, v_t) = (svd.u?, svd.v_t?);
    let d = (v_t.transpose() * u.transpose()).determinant().signum();
    let r = v_t.transpose() * Matrix3::from_diagonal(&Vec3::new(1.0, 1.0, d)) * u.transpose();
    let centre = qc - r * pc;
    (r.iter().all(|v| v.is_finite()) && centre.iter().all(|v| v.is_finite())).then_some((r, centre))
}

/// A head ellipsoid as seen through the camera: its image ellipse, and the maps from a pixel
/// to the visible unit-sphere point and to the surface normal. Worked out once per frame.
#[derive(Debug, Clone, Copy)]
pub struct HeadView {
    ellipse: Ellipse,
    centre_px: PointPx,
    px_per_m: f32,
    /// Unit-sphere point in the image plane: `s0 = g · q` for view-plane offset `q` (metres).
    g: [[f32; 2]; 3],
    /// Unit direction of `s` along the line of sight, toward the viewer.
    k: [f32; 3],
    /// Normal in view space: `n = Σ normal[j] · s[j]`.
    normal: [[f32; 3]; 3],
}

impl HeadView {
    /// The view of `head` through the scene's camera; `None` when degenerate or not finite.
    pub fn new(scene: &Scene<'_>, head: &HeadGeom) -> Option<HeadView> {
        let view = scene.camera.view();
        let c: [[f64; 3]; 3] =
            std::array::from_fn(|j| to_view(view, &(head.axes[j] * head.semi_m[j])));
        let p: f64 = c.iter().map(|v| v[0] * v[0]).sum();
        let s: f64 = c.iter().map(|v| v[1] * v[1]).sum();
        let r: f64 = c.iter().map(|v| v[0] * v[1]).sum();
        let det = p * s - r * r;
        if !(det.is_finite() && det > 1e-18) {
            return None;
        }
        let g = c.map(|v| {
            [
                ((v[0] * s - v[1] * r) / det) as f32,
                ((v[1] * p - v[0] * r) / det) as f32,
            ]
        });
        let row0 = Vec3::new(c[0][0], c[1][0], c[2][0]);
        let row1 = Vec3::new(c[0][1], c[1][1], c[2][1]);
        let depth = Vec3::new(c[0][2], c[1][2], c[2][2]);
        let mut k = row0.cross(&row1).try_normalize(1e-18)?;
        if depth.dot(&k) < 0.0 {
            k = -k;
        }
        let half = 0.5 * (p + s);
        let root = (0.25 * (p - s).powi(2) + r * r).sqrt();
        let ppm = scene.camera.px_per_m();
        let angle_view = 0.5 * (2.0 * r).atan2(p - s);
        let centre_px = scene.px(&head.centre);
        let ellipse = Ellipse::new(
            centre_px,
            ((half + root).sqrt() * ppm) as f32,
            ((half - root).max(0.0).sqrt() * ppm) as f32,
            -angle_view as f32,
        );
        let normal =
            std::array::from_fn(|j| c[j].map(|x| (x / (head.semi_m[j] * head.semi_m[j])) as f32));
        Some(HeadView {
            ellipse,
            centre_px,
            px_per_m: ppm as f32,
            g,
            k: [k.x as f32, k.y as f32, k.z as f32],
            normal,
        })
    }

    /// Coverage of pixel centre `p`, the visible unit-sphere point and the image-space normal.
    fn sample(&self, p: PointPx) -> Option<(f32, [f32; 3], [f32; 3])> {
        let coverage = coverage_from_distance(self.ellipse.signed_distance_px(p));
        if coverage <= 0.0 {
            return None;
        }
        let q = [
            (p.x - self.centre_px.x) / self.px_per_m,
            (self.centre_px.y - p.y) / self.px_per_m,
        ];
        let s0: [f32; 3] = std::array::from_fn(|j| self.g[j][0] * q[0] + self.g[j][1] * q[1]);
        let t = (1.0 - s0.iter().map(|v| v * v).sum::<f32>())
            .max(0.0)
            .sqrt();
        let s: [f32; 3] = std::array::from_fn(|j| s0[j] + t * self.k[j]);
        let mut n = [0.0f32; 3];
        for (j, sj) in s.iter().enumerate() {
            for (i, ni) in n.iter_mut().enumerate() {
                *ni += self.normal[j][i] * sj;
            }
        }
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt().max(1e-12);
        Some((coverage, s, [n[0] / len, -n[1] / len, n[2] / len]))
    }
}

/// How much of unit-sphere point `s` is hair, 0–1, for a haircut: above a hairline that runs
/// high over the forehead (`s` forward), down to the ears at the sides and to the nape at the
/// back.
pub fn hairness(style: HairStyle, s: [f32; 3]) -> f32 {
    let (side, front_rise, back_drop) = match style {
        HairStyle::Short | HairStyle::Bun => (0.08, 0.52, 0.85),
        HairStyle::Long => (-0.1, 0.68, 0.9),
    };
    let line = side + s[2] * if s[2] > 0.0 { front_rise } else { back_drop };
    ((s[1] - line) / HAIRLINE_SOFTNESS + 0.5).clamp(0.0, 1.0)
}

/// Draws the hair shell (volume) and then the skull: skin, and hair lit with the shell's
/// normals so the two layers of hair shade as one surface.
pub fn draw_skull(scene: &Scene<'_>, img: &mut RgbImage, head: &HeadGeom) {
    let style = scene.style;
    let tint = scene.tint(&head.centre);
    let shell = HeadView::new(
        scene,
        &head.grown(SHELL_SCALE, scene.frame.len_m(SHELL_LIFT_M)),
    );
    if let Some(hv) = &shell {
        paint_region(img, &hv.ellipse, scene.clip, |p| {
            let (coverage, s, n) = hv.sample(p)?;
            let hair = hairness(style.hair_style, [s[0], s[1] + SHELL_HAIRLINE_DROP, s[2]]);
            (hair > 0.0).then(|| (coverage * hair, shade(style.hair_rgb, lambert(n) * tint)))
        });
    }
    let Some(hv) = HeadView::new(scene, head) else {
        return;
    };
    paint_region(img, &hv.ellipse, scene.clip, |p| {
        let (coverage, s, n) = hv.sample(p)?;
        let skin = shade(style.skin_rgb, lambert(n) * tint);
        let hair_n = shell
            .as_ref()
            .and_then(|sh| sh.sample(p))
            .map_or(n, |x| x.2);
        let hair = shade(style.hair_rgb, lambert(hair_n) * tint);
        Some((coverage, mix(skin, hair, hairness(style.hair_style, s))))
    });
}

/// Hair outside the skull: long hair hanging behind the head, or a bun. Returns the two ends
/// of its capsule (dancer frame) and its reference radii; `None` for short hair.
pub fn back_hair(
    head: &HeadGeom,
    style: HairStyle,
    scale: f64,
) -> Option<(Vec3, Vec3, (f64, f64))> {
    let [_, up, forward] = head.axes;
    let at = |u: f64, f: f64| head.centre + (up * u + forward * f) * scale;
    match style {
        HairStyle::Short => None,
        HairStyle::Long => Some((at(0.01, -0.035), at(-0.17, -0.05), (0.1, 0.085))),
        HairStyle::Bun => Some((at(0.085, -0.075), at(0.085, -0.075), (0.045, 0.045))),
    }
}

/// Draws [`back_hair`], lit like the rest of the hair.
pub fn draw_back_hair(scene: &Scene<'_>, img: &mut RgbImage, head: &HeadGeom) {
    let style = scene.style;
    if let Some((a, b, r)) = back_hair(head, style.hair_style, scene.frame.scale) {
        let shape = TaperedCapsule::new(
            scene.px(&a),
            scene.px(&b),
            scene.len_px(r.0),
            scene.len_px(r.1),
        );
        fill_surface(
            img,
            &shape,
            style.hair_rgb,
            scene.tint(&((a + b) * 0.5)),
            scene.clip,
        );
    }
}
