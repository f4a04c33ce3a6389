//! URDF text → [`RobotModel`], through urdf-rs, with errors that name the file and line.

use std::collections::HashMap;
use std::path::Path;

use nalgebra::{Isometry3, Translation3, Unit, UnitQuaternion, Vector3};

use super::model::{Dof, JointKind, JointLimits, JointModel, LinkModel, RobotModel, Shape};
use super::RobotError;

/// Finds the 1-based line of `<tag ... name="name"` in the text (0 if not found).
fn line_of(text: &str, tag: &str, name: &str) -> usize {
    let open = format!("<{tag}");
    let attr = format!("name=\"{name}\"");
    text.lines()
        .position(|l| l.contains(&open) && l.contains(&attr))
        .map_or(0, |i| i + 1)
}

fn isometry(pose: &urdf_rs::Pose) -> Isometry3<f64> {
    let [x, y, z] = *pose.xyz;
    let [r, p, yaw] = *pose.rpy;
    Isometry3::from_parts(
        Translation3::new(x, y, z),
        UnitQuaternion::from_euler_angles(r, p, yaw),
    )
}

fn shape(geometry: &urdf_rs::Geometry, origin: &urdf_rs::Pose) -> Option<Shape> {
    let link_from_shape = isometry(origin);
    match geometry {
        urdf_rs::Geometry::Box { size } => Some(Shape::Box {
            link_from_shape,
            size_m: Vector3::new(size[0], size[1], size[2]),
        }),
        urdf_rs::Geometry::Cylinder { radius, length }
        | urdf_rs::Geometry::Capsule { radius, length } => Some(Shape::Cylinder {
            link_from_shape,
            radius_m: *radius,
            length_m: *length,
        }),
        urdf_rs::Geometry::Sphere { radius } => Some(Shape::Sphere {
            link_from_shape,
            radius_m: *radius,
        }),
        urdf_rs::Geometry::Mesh { .. } => None,
    }
}

/// Parses URDF text; `path` only names the file in errors.
pub(super) fn parse(text: &str, path: &Path) -> Result<RobotModel, RobotError> {
    let robot = urdf_rs::read_from_string(text).map_err(|e| RobotError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let invalid = |line: usize, what: String| RobotError::Invalid {
        path: path.to_owned(),
        line,
        what,
    };
    if robot.links.is_empty() {
        return Err(invalid(0, "the robot has no links".to_owned()));
    }
    let mut link_index = HashMap::new();
    for (i, l) in robot.links.iter().enumerate() {
        if link_index.insert(l.name.as_str(), i).is_some() {
            let line = line_of(text, "link", &l.name);
            return Err(invalid(line, format!("link {:?} is defined twice", l.name)));
        }
    }
    let mut parent_joint: Vec<Option<usize>> = vec![None; robot.links.len()];
    let mut joints = Vec::with_capacity(robot.joints.len());
    let mut joint_index = HashMap::new();
    for (ji, j) in robot.joints.iter().enumerate() {
        let line = line_of(text, "joint", &j.name);
        if joint_index.insert(j.name.as_str(), ji).is_some() {
            return Err(invalid(
                line,
                format!("joint {:?} is defined twice", j.name),
            ));
        }
        let find = |name: &str, role: &str| {
            link_index.get(name).copied().ok_or_else(|| {
                invalid(
                    line,
                    format!(
                        "joint {:?} names {role} link {name:?}, which is not defined",
                        j.name
                    ),
                )
            })
        };
        let parent = find(&j.parent.link, "parent")?;
        let child = find(&j.child.link, "child")?;
        if parent_joint[child].is_some() {
            return Err(invalid(
                line,
                format!("link {:?} has two parent joints", j.child.link),
            ));
        }
        parent_joint[child] = Some(ji);
        let kind = match j.joint_type {
            urdf_rs::JointType::Revolute => JointKind::Revolute,
            urdf_rs::JointType::Continuous => JointKind::Continuous,
            urdf_rs::JointType::Prismatic => JointKind::Prismatic,
            urdf_rs::JointType::Fixed => JointKind::Fixed,
            ref other => {
                return Err(invalid(
                    line,
                    format!(
                        "joint {:?} has type {other:?}; only revolute, continuous, prismatic and fixed joints are supported (the base floats already)",
                        j.name
                    ),
                ))
            }
        };
        let axis = Vector3::new(j.axis.xyz[0], j.axis.xyz[1], j.axis.xyz[2]);
        // Fixed joints never move, and real URDFs give some of them a zero axis.
        let axis = match Unit::try_new(axis, 1e-9) {
            Some(a) => a,
            None if kind == JointKind::Fixed => Vector3::x_axis(),
            None => return Err(invalid(line, format!("joint {:?} has a zero axis", j.name))),
        };
        let limits = limits(j, kind).map_err(|what| invalid(line, what))?;
        joints.push(JointModel {
            name: j.name.clone(),
            kind,
            parent_link: parent,
            child_link: child,
            parent_from_joint: isometry(&j.origin),
            axis,
            limits,
            dof: Dof::Fixed,
            line,
        });
    }
    assign_dofs(&robot, &mut joints, &joint_index, text, path)?;
    let links = robot
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| LinkModel {
            name: l.name.clone(),
            parent_joint: parent_joint[i],
            mass_kg: l.inertial.mass.value,
            com_in_link_m: {
                let [x, y, z] = *l.inertial.origin.xyz;
                Vector3::new(x, y, z)
            },
            shapes: l
                .collision
                .iter()
                .filter_map(|c| shape(&c.geometry, &c.origin))
                .collect(),
        })
        .collect();
    RobotModel::from_parts(robot.name.clone(), links, joints).map_err(|what| invalid(0, what))
}

fn limits(j: &urdf_rs::Joint, kind: JointKind) -> Result<JointLimits, String> {
    let l = &j.limit;
    let (lower, upper) = match kind {
        JointKind::Continuous | JointKind::Fixed => (f64::NEG_INFINITY, f64::INFINITY),
        _ => (l.lower, l.upper),
    };
    if lower > upper || lower.is_nan() || upper.is_nan() {
        return Err(format!(
            "joint {:?} has lower limit {lower} above upper limit {upper}",
            j.name
        ));
    }
    let velocity = if l.velocity > 0.0 {
        l.velocity
    } else {
        f64::INFINITY
    };
    Ok(JointLimits {
        lower_rad: lower,
        upper_rad: upper,
        velocity_rad_per_s: velocity,
        effort: l.effort,
    })
}

/// Gives every moving joint a dof index, and mimic joints their leader's.
fn assign_dofs(
    robot: &urdf_rs::Robot,
    joints: &mut [JointModel],
    joint_index: &HashMap<&str, usize>,
    text: &str,
    path: &Path,
) -> Result<(), RobotError> {
    let mut n = 0;
    for (ji, j) in robot.joints.iter().enumerate() {
        if joints[ji].kind != JointKind::Fixed && j.mimic.is_none() {
            joints[ji].dof = Dof::Independent(n);
            n += 1;
        }
    }
    for (ji, j) in robot.joints.iter().enumerate() {
        let Some(m) = &j.mimic else { continue };
        if joints[ji].kind == JointKind::Fixed {
            continue;
        }
        let leader = joint_index.get(m.joint.as_str()).copied();
        let dof = leader.and_then(|l| match joints[l].dof {
            Dof::Independent(d) => Some(d),
            _ => None,
        });
        let Some(dof) = dof else {
            return Err(RobotError::Invalid {
                path: path.to_owned(),
                line: line_of(text, "joint", &j.name),
                what: format!(
                    "joint {:?} mimics {:?}, which is not an independent moving joint",
                    j.name, m.joint
                ),
            });
        };
        joints[ji].dof = Dof::Mimic {
            dof,
            multiplier: m.multiplier.unwrap_or(1.0),
            offset: m.offset.unwrap_or(0.0),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::RobotModel;

    fn err(text: &str) -> String {
        RobotModel::parse(text, Path::new("bad.urdf"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_missing_link_is_named_with_its_line() {
        let text = "<robot name=\"r\">\n<link name=\"a\"/>\n<joint name=\"j\" type=\"fixed\">\n<parent link=\"a\"/><child link=\"ghost\"/>\n</joint>\n</robot>";
        let e = err(text);
        assert!(e.starts_with("bad.urdf:3:"), "{e}");
        assert!(e.contains("\"ghost\""), "{e}");
    }

    #[test]
    fn malformed_xml_and_two_roots_are_rejected() {
        assert!(err("<robot name=\"r\"><link name=\"a\">").contains("not a valid URDF"));
        let e = err("<robot name=\"r\"><link name=\"a\"/><link name=\"b\"/></robot>");
        assert!(e.contains("2 root links"), "{e}");
    }

    #[test]
    fn inverted_limits_are_rejected() {
        let text = "<robot name=\"r\"><link name=\"a\"/><link name=\"b\"/>\n<joint name=\"j\" type=\"revolute\"><parent link=\"a\"/><child link=\"b\"/><limit lower=\"1\" upper=\"-1\" velocity=\"1\" effort=\"1\"/></joint></robot>";
        let e = err(text);
        assert!(
            e.contains("bad.urdf:2:") && e.contains("lower limit"),
            "{e}"
        );
    }
}
