//! Forward kinematics, point Jacobians and the centre of mass, in a reusable workspace.

use nalgebra::{DMatrix, Isometry3, Point3, Translation3, UnitQuaternion, Vector3};

use super::model::{Dof, JointKind, RobotModel};

/// Link frames of one configuration. Make it once per robot and call [`Kinematics::update`]
/// per frame: nothing is allocated after construction.
#[derive(Debug, Clone)]
pub struct Kinematics {
    world_from_link: Vec<Isometry3<f64>>,
}

impl Kinematics {
    /// A workspace for `model`, at the zero configuration with the base at the origin.
    pub fn new(model: &RobotModel) -> Kinematics {
        let mut k = Kinematics {
            world_from_link: vec![Isometry3::identity(); model.links().len()],
        };
        k.update(model, &Isometry3::identity(), &vec![0.0; model.n_dofs()]);
        k
    }

    /// Forward kinematics: every link frame for the base pose and dof positions.
    pub fn update(&mut self, model: &RobotModel, world_from_base: &Isometry3<f64>, dofs: &[f64]) {
        self.world_from_link[model.root_link()] = *world_from_base;
        for &ji in model.joint_order() {
            let j = &model.joints()[ji];
            let q = model.joint_position(ji, dofs);
            let motion = match j.kind {
                JointKind::Revolute | JointKind::Continuous => Isometry3::from_parts(
                    Translation3::identity(),
                    UnitQuaternion::from_axis_angle(&j.axis, q),
                ),
                JointKind::Prismatic => Isometry3::from_parts(
                    Translation3::from(j.axis.into_inner() * q),
                    UnitQuaternion::identity(),
                ),
                JointKind::Fixed => Isometry3::identity(),
            };
            self.world_from_link[j.child_link] =
                self.world_from_link[j.parent_link] * j.parent_from_joint * motion;
        }
    }

    /// Frame of link `i` in the world.
    pub fn world_from_link(&self, i: usize) -> &Isometry3<f64> {
        &self.world_from_link[i]
    }

    /// A point given in link `i`'s frame, in the world.
    pub fn point(&self, i: usize, in_link: &Vector3<f64>) -> Vector3<f64> {
        (self.world_from_link[i] * Point3::from(*in_link)).coords
    }

    /// The 3 × n_dofs Jacobian of a world point rigidly attached to link `link`, with respect
    /// to the dofs (the base held still). Mimic joints add to their leader's column, scaled by
    /// their multiplier.
    pub fn point_jacobian(
        &self,
        model: &RobotModel,
        link: usize,
        point_world: &Vector3<f64>,
        out: &mut DMatrix<f64>,
    ) {
        if out.nrows() != 3 || out.ncols() != model.n_dofs() {
            *out = DMatrix::zeros(3, model.n_dofs());
        } else {
            out.fill(0.0);
        }
        let mut l = link;
        while let Some(ji) = model.links()[l].parent_joint {
            let j = &model.joints()[ji];
            let (dof, scale) = match j.dof {
                Dof::Fixed => (None, 0.0),
                Dof::Independent(d) => (Some(d), 1.0),
                Dof::Mimic {
                    dof, multiplier, ..
                } => (Some(dof), multiplier),
            };
            if let Some(d) = dof {
                let frame = self.world_from_link[j.child_link];
                let axis = frame.rotation * j.axis.into_inner();
                let col = match j.kind {
                    JointKind::Prismatic => axis,
                    _ => axis.cross(&(point_world - frame.translation.vector)),
                };
                for r in 0..3 {
                    out[(r, d)] += scale * col[r];
                }
            }
            l = j.parent_link;
        }
    }

    /// Centre of mass in the world, m (the base frame's origin for a massless robot).
    pub fn centre_of_mass(&self, model: &RobotModel) -> Vector3<f64> {
        let mut sum = Vector3::zeros();
        let mut mass = 0.0;
        for (i, l) in model.links().iter().enumerate() {
            sum += self.point(i, &l.com_in_link_m) * l.mass_kg;
            mass += l.mass_kg;
        }
        if mass > 0.0 {
            sum / mass
        } else {
            self.world_from_link[model.root_link()].translation.vector
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const ARM: &str = r#"<robot name="arm">
      <link name="base"><inertial><mass value="2"/><inertia ixx="1" ixy="0" ixz="0" iyy="1" iyz="0" izz="1"/></inertial></link>
      <link name="upper"><inertial><origin xyz="0 0 -0.25"/><mass value="1"/><inertia ixx="1" ixy="0" ixz="0" iyy="1" iyz="0" izz="1"/></inertial></link>
      <link name="lower"/>
      <link name="finger"/>
      <joint name="shoulder" type="revolute">
        <parent link="base"/><child link="upper"/><origin xyz="0 0 1"/><axis xyz="0 1 0"/>
        <limit lower="-3" upper="3" velocity="2" effort="10"/>
      </joint>
      <joint name="elbow" type="revolute">
        <parent link="upper"/><child link="lower"/><origin xyz="0 0 -0.5"/><axis xyz="0 1 0"/>
        <limit lower="-3" upper="3" velocity="2" effort="10"/>
      </joint>
      <joint name="finger_joint" type="revolute">
        <parent link="lower"/><child link="finger"/><origin xyz="0 0 -0.5"/><axis xyz="0 1 0"/>
        <limit lower="-3" upper="3" velocity="2" effort="10"/>
        <mimic joint="elbow" multiplier="0.5" offset="0.1"/>
      </joint>
    </robot>"#;

    fn arm() -> RobotModel {
        RobotModel::parse(ARM, Path::new("arm.urdf")).unwrap()
    }

    #[test]
    fn forward_kinematics_of_a_planar_arm_has_known_answers() {
        let m = arm();
        assert_eq!(m.n_dofs(), 2);
        assert_eq!(m.dof_names(), vec!["shoulder", "elbow"]);
        let mut k = Kinematics::new(&m);
        let lower = m.link_index("lower").unwrap();
        let p = k.point(lower, &Vector3::zeros());
        assert!((p - Vector3::new(0.0, 0.0, 0.5)).norm() < 1e-12);
        // Rotating about +y by +90° takes −z to −x.
        k.update(
            &m,
            &Isometry3::identity(),
            &[std::f64::consts::FRAC_PI_2, 0.0],
        );
        let p = k.point(lower, &Vector3::zeros());
        assert!((p - Vector3::new(-0.5, 0.0, 1.0)).norm() < 1e-12);
    }

    #[test]
    fn mimic_joint_follows_its_leader() {
        let m = arm();
        let finger = m.joint_index("finger_joint").unwrap();
        assert!((m.joint_position(finger, &[0.0, 0.4]) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        let m = arm();
        let finger = m.link_index("finger").unwrap();
        let tip = Vector3::new(0.0, 0.0, -0.2);
        let q = [0.3, -0.7];
        let mut k = Kinematics::new(&m);
        k.update(&m, &Isometry3::identity(), &q);
        let p0 = k.point(finger, &tip);
        let mut jac = DMatrix::zeros(0, 0);
        k.point_jacobian(&m, finger, &p0, &mut jac);
        for d in 0..2 {
            let mut qd = q;
            qd[d] += 1e-7;
            k.update(&m, &Isometry3::identity(), &qd);
            let fd = (k.point(finger, &tip) - p0) / 1e-7;
            for r in 0..3 {
                assert!((fd[r] - jac[(r, d)]).abs() < 1e-5, "dof {d} row {r}");
            }
        }
    }

    #[test]
    fn centre_of_mass_weights_links_by_mass() {
        let m = arm();
        let k = Kinematics::new(&m);
        // base (2 kg) at the origin, upper (1 kg) at z = 0.75.
        assert!((k.centre_of_mass(&m) - Vector3::new(0.0, 0.0, 0.25)).norm() < 1e-12);
    }
}
