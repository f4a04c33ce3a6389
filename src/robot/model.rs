//! The kinematic tree: links, joints, dofs and limits, as parsed from a URDF.

use std::path::Path;

use nalgebra::{Isometry3, Unit, Vector3};

use super::RobotError;

/// How a joint moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JointKind {
    /// Rotation about the axis within limits.
    Revolute,
    /// Rotation about the axis without position limits.
    Continuous,
    /// Translation along the axis.
    Prismatic,
    /// No motion.
    Fixed,
}

/// Where a joint's position comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dof {
    /// A fixed joint: always 0.
    Fixed,
    /// An independent degree of freedom, by index into the dof vector.
    Independent(usize),
    /// A mimic joint: `multiplier · q[dof] + offset`.
    Mimic {
        dof: usize,
        multiplier: f64,
        offset: f64,
    },
}

/// Limits of one joint as the URDF states them (maps may override them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JointLimits {
    /// Lowest position (rad, or m for prismatic); −∞ for continuous joints.
    pub lower_rad: f64,
    /// Highest position.
    pub upper_rad: f64,
    /// Largest speed (rad/s); +∞ when the URDF gives none.
    pub velocity_rad_per_s: f64,
    /// Largest effort (N·m or N), as stated.
    pub effort: f64,
}

/// A collision primitive in its link's frame (meshes are skipped).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A box of full side lengths `size_m`.
    Box {
        link_from_shape: Isometry3<f64>,
        size_m: Vector3<f64>,
    },
    /// A cylinder (or capsule) along the shape's z axis.
    Cylinder {
        link_from_shape: Isometry3<f64>,
        radius_m: f64,
        length_m: f64,
    },
    /// A sphere.
    Sphere {
        link_from_shape: Isometry3<f64>,
        radius_m: f64,
    },
}

/// One link.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkModel {
    /// URDF name.
    pub name: String,
    /// The joint whose child this link is (`None` for the root).
    pub parent_joint: Option<usize>,
    /// Mass, kg.
    pub mass_kg: f64,
    /// Centre of mass in the link frame, m.
    pub com_in_link_m: Vector3<f64>,
    /// Collision primitives.
    pub shapes: Vec<Shape>,
}

/// One joint.
#[derive(Debug, Clone, PartialEq)]
pub struct JointModel {
    /// URDF name.
    pub name: String,
    /// How it moves.
    pub kind: JointKind,
    /// Index of the parent link.
    pub parent_link: usize,
    /// Index of the child link.
    pub child_link: usize,
    /// The joint frame in the parent link's frame (the URDF `<origin>`).
    pub parent_from_joint: Isometry3<f64>,
    /// Axis in the joint frame, unit length.
    pub axis: Unit<Vector3<f64>>,
    /// URDF limits.
    pub limits: JointLimits,
    /// Where its position comes from.
    pub dof: Dof,
    /// 1-based line in the URDF (0 when unknown), for error messages.
    pub line: usize,
}

/// A robot's kinematic tree.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotModel {
    /// URDF robot name.
    pub name: String,
    links: Vec<LinkModel>,
    joints: Vec<JointModel>,
    root: usize,
    /// Joint indices, parents before children.
    order: Vec<usize>,
    /// Joint index of each dof.
    dof_joints: Vec<usize>,
}

impl RobotModel {
    /// Reads and parses a URDF file.
    pub fn load(path: &Path) -> Result<RobotModel, RobotError> {
        let text = std::fs::read_to_string(path).map_err(|source| RobotError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses URDF text; `path` only names the source in errors.
    pub fn parse(text: &str, path: &Path) -> Result<RobotModel, RobotError> {
        super::urdf::parse(text, path)
    }

    /// Builds the tree, checking it has one root and no cycle.
    pub(super) fn from_parts(
        name: String,
        links: Vec<LinkModel>,
        joints: Vec<JointModel>,
    ) -> Result<RobotModel, String> {
        let roots: Vec<usize> = (0..links.len())
            .filter(|&i| links[i].parent_joint.is_none())
            .collect();
        let root = match roots.as_slice() {
            [r] => *r,
            [] => return Err("the links form a cycle: no root link".to_owned()),
            many => {
                let names: Vec<&str> = many.iter().map(|&i| links[i].name.as_str()).collect();
                return Err(format!(
                    "the robot has {} root links ({}); a URDF is one tree",
                    many.len(),
                    names.join(", ")
                ));
            }
        };
        let mut order = Vec::with_capacity(joints.len());
        let mut frontier = vec![root];
        while let Some(link) = frontier.pop() {
            for (ji, j) in joints.iter().enumerate() {
                if j.parent_link == link {
                    order.push(ji);
                    frontier.push(j.child_link);
                }
            }
            if order.len() > joints.len() {
                return Err("the joints form a cycle".to_owned());
            }
        }
        if order.len() != joints.len() {
            return Err("some links are not connected to the root".to_owned());
        }
        let mut dof_joints: Vec<(usize, usize)> = joints
            .iter()
            .enumerate()
            .filter_map(|(ji, j)| match j.dof {
                Dof::Independent(d) => Some((d, ji)),
                _ => None,
            })
            .collect();
        dof_joints.sort_unstable();
        Ok(RobotModel {
            name,
            links,
            joints,
            root,
            order,
            dof_joints: dof_joints.into_iter().map(|(_, ji)| ji).collect(),
        })
    }

    /// All links, URDF order.
    pub fn links(&self) -> &[LinkModel] {
        &self.links
    }

    /// All joints, URDF order.
    pub fn joints(&self) -> &[JointModel] {
        &self.joints
    }

    /// Index of the root link (the floating base).
    pub fn root_link(&self) -> usize {
        self.root
    }

    /// Joint indices with every parent before its children.
    pub fn joint_order(&self) -> &[usize] {
        &self.order
    }

    /// Number of independent degrees of freedom.
    pub fn n_dofs(&self) -> usize {
        self.dof_joints.len()
    }

    /// The joint behind dof `d`.
    pub fn dof_joint(&self, d: usize) -> &JointModel {
        &self.joints[self.dof_joints[d]]
    }

    /// Names of the dofs, in dof order.
    pub fn dof_names(&self) -> Vec<String> {
        self.dof_joints
            .iter()
            .map(|&j| self.joints[j].name.clone())
            .collect()
    }

    /// Dof index of an independent joint by name.
    pub fn dof_index(&self, joint_name: &str) -> Option<usize> {
        self.dof_joints
            .iter()
            .position(|&j| self.joints[j].name == joint_name)
    }

    /// Link index by name.
    pub fn link_index(&self, name: &str) -> Option<usize> {
        self.links.iter().position(|l| l.name == name)
    }

    /// Joint index by name.
    pub fn joint_index(&self, name: &str) -> Option<usize> {
        self.joints.iter().position(|j| j.name == name)
    }

    /// Total mass, kg.
    pub fn total_mass_kg(&self) -> f64 {
        self.links.iter().map(|l| l.mass_kg).sum()
    }

    /// Position of joint `j` given the dof vector (0 for fixed joints).
    pub fn joint_position(&self, j: usize, dofs: &[f64]) -> f64 {
        match self.joints[j].dof {
            Dof::Fixed => 0.0,
            Dof::Independent(d) => dofs.get(d).copied().unwrap_or(0.0),
            Dof::Mimic {
                dof,
                multiplier,
                offset,
            } => multiplier * dofs.get(dof).copied().unwrap_or(0.0) + offset,
        }
    }

    /// The joints from the root down to link `link` (parents first).
    pub fn chain_to(&self, link: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut l = link;
        while let Some(j) = self.links[l].parent_joint {
            chain.push(j);
            l = self.joints[j].parent_link;
        }
        chain.reverse();
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::Kinematics;

    fn humanoid() -> RobotModel {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("urdf/dancebot_humanoid.urdf");
        RobotModel::load(&path).unwrap()
    }

    #[test]
    fn the_shipped_humanoid_stands_on_the_floor_with_its_mass_centred() {
        let m = humanoid();
        assert_eq!(m.n_dofs(), 25);
        assert_eq!(m.links()[m.root_link()].name, "base_link");
        assert!((m.total_mass_kg() - 41.4).abs() < 0.5);
        let base = Isometry3::translation(0.0, 0.0, 0.72);
        let mut k = Kinematics::new(&m);
        k.update(&m, &base, &vec![0.0; m.n_dofs()]);
        for foot in ["l_foot", "r_foot"] {
            let i = m.link_index(foot).unwrap();
            let sole = k.point(i, &Vector3::new(0.0, 0.0, -0.05));
            assert!(sole.z.abs() < 1e-9, "{foot} sole at {}", sole.z);
        }
        let head = k.point(m.link_index("head").unwrap(), &Vector3::new(0.0, 0.0, 0.2));
        assert!((1.2..=1.5).contains(&head.z), "height {}", head.z);
        let com = k.centre_of_mass(&m);
        assert!(com.y.abs() < 1e-9 && com.x.abs() < 0.03 && (0.6..0.9).contains(&com.z));
        let v = m.dof_joint(m.dof_index("l_elbow").unwrap()).limits;
        assert!(v.velocity_rad_per_s.is_finite() && v.lower_rad < v.upper_rad);
    }
}
