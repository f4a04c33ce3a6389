//! Shapes: the parameters a move's keyframes are designed and interpolated in.
//!
//! A [`ShapeVec`] holds [`SHAPE_DIM`] numbers that [`Rig::pose`](super::rig::Rig::pose) turns
//! into a coco18 pose with exact bone lengths:
//!
//! | slots | what | units, frame |
//! |---|---|---|
//! | 0..3 | pelvis offset from rest `(x, y, z)` | metres of the 1.70 m reference body, dancer frame |
//! | 3..6 | trunk `(pitch, yaw, roll)` about the pelvis | rad: pitch > 0 leans toward the audience, yaw > 0 turns the chest to the dancer's left, roll > 0 bends toward the dancer's right |
//! | 6..9 | head `(pitch, yaw, roll)` relative to the trunk | rad: pitch > 0 nods down, same yaw and roll signs |
//! | 9..11, 11..13 | right upper arm, right forearm | direction, log-map coordinates (see below) |
//! | 13..15, 15..17 | left upper arm, left forearm | direction, log-map coordinates |
//! | 17..20, 20..23 | right foot, left foot: ankle offset from rest `(out, up, forward)` | metres of the reference body, side-local |
//!
//! **Side-local** coordinates `(out, up, forward)` describe a limb the same way on both sides:
//! `out` points away from the body's midline (−x for the right limbs, +x for the left ones).
//! Mirroring a shape ([`mirror`]) therefore swaps the right and left blocks unchanged, and
//! negates only the pelvis x and the yaws and rolls.
//!
//! Arm **directions** are stored as 2D log-map coordinates around a fixed reference direction
//! per segment (a rotation vector in the tangent plane of the reference). Interpolating these
//! coordinates moves a limb along a smooth arc even between nearly opposite directions, where
//! blending unit vectors would pass through zero. The reference points forward, down and out;
//! its antipode (backward, up, across the body) is a direction no move uses.

use crate::choreography::skeleton::Vec3;

/// Numbers in a shape.
pub const SHAPE_DIM: usize = 23;

/// A point in shape space (see the module docs for the layout).
pub type ShapeVec = nalgebra::SVector<f64, SHAPE_DIM>;

/// First slot of the pelvis offset.
pub const PELVIS: usize = 0;
/// First slot of the trunk angles.
pub const TORSO: usize = 3;
/// First slot of the head angles.
pub const HEAD: usize = 6;
/// First slot of each side's upper-arm coordinates, right then left.
pub const UPPER_ARM: [usize; 2] = [9, 13];
/// First slot of each side's forearm coordinates, right then left.
pub const FOREARM: [usize; 2] = [11, 15];
/// First slot of each side's foot offset, right then left.
pub const FOOT: [usize; 2] = [17, 20];

/// A side of the body, indexing the `[right, left]` pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The dancer's right (−x).
    Right = 0,
    /// The dancer's left (+x).
    Left = 1,
}

impl Side {
    /// Both sides, right first.
    pub const BOTH: [Side; 2] = [Side::Right, Side::Left];

    /// Sign of x pointing away from the midline on this side.
    pub fn out_sign(self) -> f64 {
        match self {
            Side::Right => -1.0,
            Side::Left => 1.0,
        }
    }

    /// Side-local `(out, up, forward)` to the dancer frame.
    pub fn to_dancer(self, v: Vec3) -> Vec3 {
        Vec3::new(self.out_sign() * v.x, v.y, v.z)
    }
}

/// A tangent-plane chart of the unit sphere around a reference direction.
#[derive(Debug, Clone, Copy)]
pub struct Chart {
    reference: Vec3,
    e1: Vec3,
    e2: Vec3,
}

/// Reference of the upper-arm chart, side-local (out, down, forward).
const UPPER_ARM_REFERENCE: [f64; 3] = [0.45, -0.45, 0.77];
/// Reference of the forearm chart, side-local (forward, a little down and out).
const FOREARM_REFERENCE: [f64; 3] = [0.3, -0.25, 0.92];

impl Chart {
    fn around(reference: [f64; 3]) -> Chart {
        let r = Vec3::from(reference).normalize();
        let up = Vec3::y();
        let e1 = (up - r * r.dot(&up)).normalize();
        let e2 = r.cross(&e1);
        Chart {
            reference: r,
            e1,
            e2,
        }
    }

    /// The chart of upper-arm directions.
    pub fn upper_arm() -> Chart {
        Chart::around(UPPER_ARM_REFERENCE)
    }

    /// The chart of forearm directions.
    pub fn forearm() -> Chart {
        Chart::around(FOREARM_REFERENCE)
    }

    /// Angle between a direction and the chart's reference, rad (π is the singular antipode).
    pub fn angle_rad(&self, direction: Vec3) -> f64 {
        let d = direction.normalize();
        d.dot(&self.reference).clamp(-1.0, 1.0).acos()
    }

    /// Log map: the coordinates of a (not necessarily unit) direction.
    pub fn log(&self, direction: Vec3) -> [f64; 2] {
        let d = direction.normalize();
        let c = d.dot(&self.reference).clamp(-1.0, 1.0);
        let w = d - self.reference * c;
        let s = w.norm();
        if s < 1e-12 {
            return [0.0, 0.0];
        }
        let k = c.acos() / s;
        [k * w.dot(&self.e1), k * w.dot(&self.e2)]
    }

    /// Exp map: the unit direction at coordinates `c`.
    pub fn exp(&self, c: [f64; 2]) -> Vec3 {
        let theta = (c[0] * c[0] + c[1] * c[1]).sqrt();
        if theta < 1e-12 {
            return self.reference + self.e1 * c[0] + self.e2 * c[1];
        }
        let axis = (self.e1 * c[0] + self.e2 * c[1]) / theta;
        self.reference * theta.cos() + axis * theta.sin()
    }
}

/// The left/right mirror image of a shape (see the module docs).
pub fn mirror(s: &ShapeVec) -> ShapeVec {
    let mut out = *s;
    out[PELVIS] = -s[PELVIS];
    for base in [TORSO, HEAD] {
        out[base + 1] = -s[base + 1];
        out[base + 2] = -s[base + 2];
    }
    for (right, left, len) in [
        (UPPER_ARM[0], UPPER_ARM[1], 2),
        (FOREARM[0], FOREARM[1], 2),
        (FOOT[0], FOOT[1], 3),
    ] {
        for i in 0..len {
            out[right + i] = s[left + i];
            out[left + i] = s[right + i];
        }
    }
    out
}

/// A keyframe as designed: readable fields that [`Key::to_shape`] packs into a [`ShapeVec`].
///
/// "Right" and "left" are always the dancer's. Builder methods start from
/// [`Key::stance`] (soft knees, relaxed arms) or [`Key::rest`] (the body model's rest pose).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    /// Pelvis offset from rest, metres of the reference body, dancer frame.
    pub pelvis_m: Vec3,
    /// Trunk `(pitch, yaw, roll)`, rad.
    pub torso_rad: Vec3,
    /// Head `(pitch, yaw, roll)` relative to the trunk, rad.
    pub head_rad: Vec3,
    /// Upper-arm directions, side-local, `[right, left]` (any non-zero length).
    pub upper_arm: [Vec3; 2],
    /// Forearm directions, side-local, `[right, left]` (any non-zero length).
    pub forearm: [Vec3; 2],
    /// Ankle offsets from rest, side-local metres of the reference body, `[right, left]`.
    pub foot_m: [Vec3; 2],
}

/// Rest directions of the reference body's arms, side-local (from its rest pose).
const REST_UPPER_ARM: [f64; 3] = [0.02, -0.29, 0.0];
const REST_FOREARM: [f64; 3] = [0.01, -0.26, 0.02];

/// Upper arms of the dance stance: hanging, a little forward and out.
pub const STANCE_UPPER_ARM: [f64; 3] = [0.15, -1.0, 0.12];
/// Forearms of the dance stance: elbows bent, hands in front of the hips.
pub const STANCE_FOREARM: [f64; 3] = [0.05, -0.7, 0.7];
/// Knee bend of the dance stance: the pelvis this much below rest, metres.
pub const STANCE_DIP_M: f64 = 0.025;

impl Key {
    /// The body model's rest pose: standing straight, arms hanging.
    pub fn rest() -> Key {
        Key {
            pelvis_m: Vec3::zeros(),
            torso_rad: Vec3::zeros(),
            head_rad: Vec3::zeros(),
            upper_arm: [Vec3::from(REST_UPPER_ARM); 2],
            forearm: [Vec3::from(REST_FOREARM); 2],
            foot_m: [Vec3::zeros(); 2],
        }
    }

    /// The neutral dance stance: soft knees, elbows bent.
    pub fn stance() -> Key {
        Key {
            pelvis_m: Vec3::new(0.0, -STANCE_DIP_M, 0.0),
            upper_arm: [Vec3::from(STANCE_UPPER_ARM); 2],
            forearm: [Vec3::from(STANCE_FOREARM); 2],
            ..Key::rest()
        }
    }

    /// Lowers the pelvis `m` below rest (knees bend, feet stay).
    pub fn dip(mut self, m: f64) -> Key {
        self.pelvis_m.y = -m;
        self
    }

    /// Moves the pelvis `m` toward the dancer's right (negative: left).
    pub fn shift_right(mut self, m: f64) -> Key {
        self.pelvis_m.x = -m;
        self
    }

    /// Moves the pelvis `m` toward the audience (negative: back).
    pub fn shift_forward(mut self, m: f64) -> Key {
        self.pelvis_m.z = m;
        self
    }

    /// Leans the trunk toward the audience (negative: back), rad.
    pub fn lean(mut self, rad: f64) -> Key {
        self.torso_rad.x = rad;
        self
    }

    /// Turns the chest to the dancer's left (negative: right), rad.
    pub fn twist_left(mut self, rad: f64) -> Key {
        self.torso_rad.y = rad;
        self
    }

    /// Bends the trunk toward the dancer's right (negative: left), rad.
    pub fn bend_right(mut self, rad: f64) -> Key {
        self.torso_rad.z = rad;
        self
    }

    /// Nods the head down (negative: up), rad.
    pub fn nod(mut self, rad: f64) -> Key {
        self.head_rad.x = rad;
        self
    }

    /// Turns the head to the dancer's left (negative: right), rad.
    pub fn head_left(mut self, rad: f64) -> Key {
        self.head_rad.y = rad;
        self
    }

    /// Tilts the head toward the dancer's right shoulder (negative: left), rad.
    pub fn head_tilt_right(mut self, rad: f64) -> Key {
        self.head_rad.z = rad;
        self
    }

    /// Sets one arm: upper-arm and forearm directions, side-local `(out, up, forward)`.
    pub fn arm(mut self, side: Side, upper: [f64; 3], fore: [f64; 3]) -> Key {
        self.upper_arm[side as usize] = Vec3::from(upper);
        self.forearm[side as usize] = Vec3::from(fore);
        self
    }

    /// Sets both arms to the same side-local directions (a symmetric arm shape).
    pub fn arms(self, upper: [f64; 3], fore: [f64; 3]) -> Key {
        self.arm(Side::Right, upper, fore)
            .arm(Side::Left, upper, fore)
    }

    /// Moves one ankle from rest by side-local `(out, up, forward)` metres.
    pub fn foot(mut self, side: Side, offset_m: [f64; 3]) -> Key {
        self.foot_m[side as usize] = Vec3::from(offset_m);
        self
    }

    /// The key packed into shape space.
    pub fn to_shape(&self) -> ShapeVec {
        let mut s = ShapeVec::zeros();
        let (upper, fore) = (Chart::upper_arm(), Chart::forearm());
        put3(&mut s, PELVIS, self.pelvis_m);
        put3(&mut s, TORSO, self.torso_rad);
        put3(&mut s, HEAD, self.head_rad);
        for side in Side::BOTH {
            let i = side as usize;
            let u = upper.log(self.upper_arm[i]);
            let f = fore.log(self.forearm[i]);
            s[UPPER_ARM[i]] = u[0];
            s[UPPER_ARM[i] + 1] = u[1];
            s[FOREARM[i]] = f[0];
            s[FOREARM[i] + 1] = f[1];
            put3(&mut s, FOOT[i], self.foot_m[i]);
        }
        s
    }
}

/// Writes a 3-vector into slots `at..at + 3`.
pub fn put3(s: &mut ShapeVec, at: usize, v: Vec3) {
    s[at] = v.x;
    s[at + 1] = v.y;
    s[at + 2] = v.z;
}

/// Reads slots `at..at + 3` as a 3-vector.
pub fn get3(s: &ShapeVec, at: usize) -> Vec3 {
    Vec3::new(s[at], s[at + 1], s[at + 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_and_exp_are_inverse_away_from_the_antipode() {
        let chart = Chart::upper_arm();
        for d in [
            [0.0, -1.0, 0.0],
            [0.2, 1.0, 0.1],
            [1.0, 0.0, 0.0],
            [-1.0, 0.0, 0.3],
            [0.45, -0.45, 0.77],
        ] {
            let v = Vec3::from(d).normalize();
            let back = chart.exp(chart.log(v));
            assert!((back - v).norm() < 1e-12, "{d:?} -> {back:?}");
        }
        // The angle from the reference is the coordinates' norm.
        let c = chart.log(Vec3::new(0.0, 1.0, 0.0));
        let angle = chart.angle_rad(Vec3::new(0.0, 1.0, 0.0));
        assert!(((c[0] * c[0] + c[1] * c[1]).sqrt() - angle).abs() < 1e-12);
    }

    #[test]
    fn mirroring_swaps_sides_and_is_an_involution() {
        let key = Key::stance()
            .shift_right(0.05)
            .twist_left(0.2)
            .bend_right(0.1)
            .head_left(0.3)
            .arm(Side::Right, [0.2, 1.0, 0.0], [0.0, 1.0, 0.0])
            .foot(Side::Left, [0.1, 0.05, 0.0]);
        let s = key.to_shape();
        let m = mirror(&s);
        assert_eq!(mirror(&m), s);
        assert_eq!(m[PELVIS], 0.05);
        assert_eq!(m[TORSO + 1], -0.2);
        assert_eq!(m[TORSO], s[TORSO]);
        assert_eq!(get3(&m, FOOT[0]), Vec3::new(0.1, 0.05, 0.0));
        assert_eq!(m[UPPER_ARM[1]], s[UPPER_ARM[0]]);
    }

    #[test]
    fn side_local_out_points_away_from_the_midline() {
        let out = Vec3::new(1.0, 0.0, 0.0);
        assert_eq!(Side::Right.to_dancer(out).x, -1.0);
        assert_eq!(Side::Left.to_dancer(out).x, 1.0);
    }
}
