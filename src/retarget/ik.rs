//! Damped least squares on direction errors (and, for feet, on pose errors), limb by limb.
//!
//! A direction task asks the unit vector `d̂ = (p_to − p_from)/|p_to − p_from|` between two
//! robot points to equal a target `t`. Its error is the geodesic one, `θ·(t − (t·d̂)d̂)/|…|`
//! with `θ = ∠(d̂, t)`, which keeps its pull at any angle (the chord `t − d̂` vanishes as the
//! two become opposite), and its Jacobian is `(I − d̂d̂ᵀ)/|d| · (J_to − J_from)`. A frame task
//! asks a link to sit at a pose (position and orientation rows, the latter weighted by a
//! length so metres and radians compare).
//!
//! Each step solves `(JᵀJ + λ²I) Δq = Jᵀe` over the limb's dofs (Wampler 1986; Nakamura &
//! Hanafusa 1986), caps the largest change at `max_step_rad`, and clamps into the limits. A
//! joint already at a limit that the step pushes further out is frozen and the step solved
//! again without it (a one-pass active set), so the other joints do not stall behind it.
//! Every buffer lives in [`IkWorkspace`]: nothing is allocated per frame.

use nalgebra::{DMatrix, Isometry3, Matrix3, Vector3};

use super::bind::{LinkPoint, SegmentBinding, MAX_LIMB_DOFS};
use super::linalg::solve_spd;
use super::segments::angle_between;
use crate::robot::{Dof, JointKind, Kinematics, RobotModel};

/// Most least-squares rows of one limb (two feet: 12; four directions: 12).
pub const MAX_ROWS: usize = 12;

/// Position and Jacobian buffers of one solve, reused frame after frame.
#[derive(Debug, Clone)]
pub struct IkWorkspace {
    /// Forward kinematics of the configuration being solved.
    pub kin: Kinematics,
    jac_a: DMatrix<f64>,
    jac_b: DMatrix<f64>,
    jac_tmp: DMatrix<f64>,
    rows: [[f64; MAX_LIMB_DOFS]; MAX_ROWS],
    err: [f64; MAX_ROWS],
    n_rows: usize,
    normal: [f64; MAX_LIMB_DOFS * MAX_LIMB_DOFS],
    rhs: [f64; MAX_LIMB_DOFS],
    frozen: [bool; MAX_LIMB_DOFS],
}

/// Limits and step settings of a solve.
#[derive(Debug, Clone, Copy)]
pub struct StepLimits<'a> {
    /// Lower position limit of every dof.
    pub lower: &'a [f64],
    /// Upper position limit of every dof.
    pub upper: &'a [f64],
    /// Damping λ.
    pub damping: f64,
    /// Largest change of one joint per step, rad.
    pub max_step_rad: f64,
}

/// Mean position of some link points and the mean of their Jacobians (into `jac`).
fn end_point(
    kin: &Kinematics,
    model: &RobotModel,
    points: &[LinkPoint],
    jac: &mut DMatrix<f64>,
    tmp: &mut DMatrix<f64>,
) -> Vector3<f64> {
    let mut p = Vector3::zeros();
    for (i, lp) in points.iter().enumerate() {
        let w = kin.point(lp.link, &lp.point_m);
        p += w;
        if i == 0 {
            kin.point_jacobian(model, lp.link, &w, jac);
        } else {
            kin.point_jacobian(model, lp.link, &w, tmp);
            *jac += &*tmp;
        }
    }
    let n = points.len().max(1) as f64;
    if n > 1.0 {
        *jac /= n;
    }
    p / n
}

/// The 3 × n_dofs Jacobian of link `link`'s angular velocity (mimic joints scaled).
fn rotation_jacobian(kin: &Kinematics, model: &RobotModel, link: usize, out: &mut DMatrix<f64>) {
    if out.nrows() != 3 || out.ncols() != model.n_dofs() {
        *out = DMatrix::zeros(3, model.n_dofs());
    } else {
        out.fill(0.0);
    }
    let mut l = link;
    while let Some(ji) = model.links()[l].parent_joint {
        let j = &model.joints()[ji];
        let (dof, scale) = match j.dof {
            Dof::Independent(d) => (Some(d), 1.0),
            Dof::Mimic {
                dof, multiplier, ..
            } => (Some(dof), multiplier),
            Dof::Fixed => (None, 0.0),
        };
        if let (Some(d), JointKind::Revolute | JointKind::Continuous) = (dof, j.kind) {
            let axis = kin.world_from_link(j.child_link).rotation * j.axis.into_inner();
            for r in 0..3 {
                out[(r, d)] += scale * axis[r];
            }
        }
        l = j.parent_link;
    }
}

/// Geodesic error turning unit `d` toward unit `t` (a rotation vector in the tangent plane).
fn geodesic_error(d: &Vector3<f64>, t: &Vector3<f64>, angle: f64) -> Vector3<f64> {
    let v = t - d * t.dot(d);
    let n = v.norm();
    if n > 1e-12 {
        return v * (angle / n);
    }
    if angle < 1e-9 {
        return Vector3::zeros();
    }
    // Exactly opposite: any perpendicular will do.
    let helper = if d.x.abs() < 0.9 {
        Vector3::x()
    } else {
        Vector3::y()
    };
    let p = (helper - d * helper.dot(d)).normalize();
    p * angle
}

impl IkWorkspace {
    /// A workspace for `model`.
    pub fn new(model: &RobotModel) -> IkWorkspace {
        let n = model.n_dofs();
        IkWorkspace {
            kin: Kinematics::new(model),
            jac_a: DMatrix::zeros(3, n),
            jac_b: DMatrix::zeros(3, n),
            jac_tmp: DMatrix::zeros(3, n),
            rows: [[0.0; MAX_LIMB_DOFS]; MAX_ROWS],
            err: [0.0; MAX_ROWS],
            n_rows: 0,
            normal: [0.0; MAX_LIMB_DOFS * MAX_LIMB_DOFS],
            rhs: [0.0; MAX_LIMB_DOFS],
            frozen: [false; MAX_LIMB_DOFS],
        }
    }

    /// Starts a new least-squares system.
    pub fn clear(&mut self) {
        self.n_rows = 0;
    }

    /// Current direction of a segment in the world (unit; `None` when its ends coincide).
    pub fn direction(&self, seg: &SegmentBinding) -> Option<Vector3<f64>> {
        let mean = |pts: &[LinkPoint]| {
            pts.iter()
                .map(|lp| self.kin.point(lp.link, &lp.point_m))
                .sum::<Vector3<f64>>()
                / pts.len().max(1) as f64
        };
        super::segments::unit(&(mean(&seg.to) - mean(&seg.from)))
    }

    /// Adds the rows of a direction task over `dofs`; returns its angle error, rad.
    pub fn push_direction(
        &mut self,
        model: &RobotModel,
        seg: &SegmentBinding,
        target: &Vector3<f64>,
        dofs: &[usize],
    ) -> f64 {
        let from = end_point(
            &self.kin,
            model,
            &seg.from,
            &mut self.jac_a,
            &mut self.jac_tmp,
        );
        let to = end_point(
            &self.kin,
            model,
            &seg.to,
            &mut self.jac_b,
            &mut self.jac_tmp,
        );
        let d = to - from;
        let len = d.norm();
        if len.is_nan() || len <= 1e-9 || self.n_rows + 3 > MAX_ROWS {
            return 0.0;
        }
        let dh = d / len;
        let angle = angle_between(&dh, target);
        let e = geodesic_error(&dh, target, angle) * seg.weight;
        let proj = (Matrix3::identity() - dh * dh.transpose()) * (seg.weight / len);
        for (c, &dof) in dofs.iter().enumerate() {
            let jd = Vector3::new(
                self.jac_b[(0, dof)] - self.jac_a[(0, dof)],
                self.jac_b[(1, dof)] - self.jac_a[(1, dof)],
                self.jac_b[(2, dof)] - self.jac_a[(2, dof)],
            );
            let col = proj * jd;
            for r in 0..3 {
                self.rows[self.n_rows + r][c] = col[r];
            }
        }
        for r in 0..3 {
            self.err[self.n_rows + r] = e[r];
        }
        self.n_rows += 3;
        angle
    }

    /// Adds rows asking the world point `point_world`, fixed to `link`, to move by
    /// `displacement_m`.
    pub fn push_displacement(
        &mut self,
        model: &RobotModel,
        link: usize,
        point_world: &Vector3<f64>,
        displacement_m: &Vector3<f64>,
        dofs: &[usize],
    ) {
        if self.n_rows + 3 > MAX_ROWS {
            return;
        }
        self.kin
            .point_jacobian(model, link, point_world, &mut self.jac_a);
        for (c, &dof) in dofs.iter().enumerate() {
            for r in 0..3 {
                self.rows[self.n_rows + r][c] = self.jac_a[(r, dof)];
            }
        }
        for r in 0..3 {
            self.err[self.n_rows + r] = displacement_m[r];
        }
        self.n_rows += 3;
    }

    /// Adds the rows of a frame task (a link point at a pose); returns the position error (m)
    /// and the orientation error (rad).
    pub fn push_frame(
        &mut self,
        model: &RobotModel,
        lp: &LinkPoint,
        target: &Isometry3<f64>,
        rot_weight_m: f64,
        dofs: &[usize],
    ) -> (f64, f64) {
        if self.n_rows + 6 > MAX_ROWS {
            return (0.0, 0.0);
        }
        let p = self.kin.point(lp.link, &lp.point_m);
        let e_pos = target.translation.vector - p;
        let rot = self.kin.world_from_link(lp.link).rotation;
        let e_rot = (target.rotation * rot.inverse()).scaled_axis();
        self.kin.point_jacobian(model, lp.link, &p, &mut self.jac_a);
        rotation_jacobian(&self.kin, model, lp.link, &mut self.jac_b);
        for (c, &dof) in dofs.iter().enumerate() {
            for r in 0..3 {
                self.rows[self.n_rows + r][c] = self.jac_a[(r, dof)];
                self.rows[self.n_rows + 3 + r][c] = self.jac_b[(r, dof)] * rot_weight_m;
            }
        }
        for r in 0..3 {
            self.err[self.n_rows + r] = e_pos[r];
            self.err[self.n_rows + 3 + r] = e_rot[r] * rot_weight_m;
        }
        self.n_rows += 6;
        (e_pos.norm(), e_rot.norm())
    }

    /// One damped least-squares step over `dofs` on the rows pushed since [`clear`]; returns
    /// the largest joint change, rad.
    ///
    /// [`clear`]: IkWorkspace::clear
    pub fn step(&mut self, q: &mut [f64], dofs: &[usize], lim: &StepLimits<'_>) -> f64 {
        let k = dofs.len().min(MAX_LIMB_DOFS);
        if k == 0 || self.n_rows == 0 {
            return 0.0;
        }
        self.frozen[..k].fill(false);
        for _pass in 0..2 {
            if !self.solve_normal(k, lim.damping) {
                return 0.0;
            }
            let mut refreeze = false;
            for (c, &d) in dofs.iter().enumerate().take(k) {
                let dq = self.rhs[c];
                let at_lower = q[d] <= lim.lower[d] && dq < 0.0;
                let at_upper = q[d] >= lim.upper[d] && dq > 0.0;
                if !self.frozen[c] && (at_lower || at_upper) {
                    self.frozen[c] = true;
                    refreeze = true;
                }
            }
            if !refreeze {
                break;
            }
        }
        let biggest = self.rhs[..k].iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let scale = if biggest > lim.max_step_rad {
            lim.max_step_rad / biggest
        } else {
            1.0
        };
        let mut moved = 0.0_f64;
        for (c, &d) in dofs.iter().enumerate().take(k) {
            let dq = if self.frozen[c] {
                0.0
            } else {
                self.rhs[c] * scale
            };
            let new = (q[d] + dq).clamp(lim.lower[d], lim.upper[d]);
            if new.is_finite() {
                moved = moved.max((new - q[d]).abs());
                q[d] = new;
            }
        }
        moved
    }

    /// Builds and solves `(JᵀJ + λ²I) Δq = Jᵀe` into `rhs`, frozen columns held at 0.
    fn solve_normal(&mut self, k: usize, damping: f64) -> bool {
        let lambda2 = damping * damping;
        for i in 0..k {
            for j in 0..k {
                let mut s = 0.0;
                if !self.frozen[i] && !self.frozen[j] {
                    for r in 0..self.n_rows {
                        s += self.rows[r][i] * self.rows[r][j];
                    }
                }
                self.normal[i * k + j] = s + if i == j { lambda2 } else { 0.0 };
            }
            let mut b = 0.0;
            if !self.frozen[i] {
                for r in 0..self.n_rows {
                    b += self.rows[r][i] * self.err[r];
                }
            }
            self.rhs[i] = b;
        }
        solve_spd(&mut self.normal[..k * k], &mut self.rhs[..k], k)
    }
}
