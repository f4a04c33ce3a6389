//! A map bound to a robot model: every name resolved to an index, every mistake reported with
//! the map file and the field (`parts.upper_arm_left.joints[1]: joint "l_sholder_roll" is not
//! in the URDF of robot "dancebot_humanoid"`).

use nalgebra::Vector3;

use super::map::{Limb, Part, RobotMap};
use super::segments::{End, Segment};
use super::RetargetError;
use crate::choreography::skeleton::{Joint, JOINT_NAMES, N_JOINTS};
use crate::robot::{Dof, RobotModel};

/// Most dofs one limb may have (a 6-dof leg pair sharing none is 12).
pub const MAX_LIMB_DOFS: usize = 12;

/// A point fixed to a link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkPoint {
    /// Link index in the model.
    pub link: usize,
    /// The point in the link frame, m.
    pub point_m: Vector3<f64>,
}

/// One limb's IK group.
#[derive(Debug, Clone, PartialEq)]
pub struct LimbBinding {
    /// Which limb.
    pub limb: Limb,
    /// Its dofs, ascending.
    pub dofs: Vec<usize>,
    /// Its direction segments (indices into [`Bound::segments`]).
    pub segments: Vec<usize>,
}

/// A segment the robot can show: its robot end points and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentBinding {
    /// Which segment.
    pub segment: Segment,
    /// Robot points whose mean is the segment's start.
    pub from: Vec<LinkPoint>,
    /// Robot points whose mean is the segment's end.
    pub to: Vec<LinkPoint>,
    /// Weight in its limb's least squares.
    pub weight: f64,
}

/// Names resolved against the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// Landmark of each coco18 keypoint, if mapped.
    pub landmarks: [Option<LinkPoint>; N_JOINTS],
    /// Every segment with both ends mapped whose part is in the map.
    pub segments: Vec<SegmentBinding>,
    /// Limbs solved by direction IK (torso, head, arms), priority order.
    pub limbs: Vec<LimbBinding>,
    /// Leg dofs (both legs), when the map has leg parts.
    pub leg_dofs: Vec<usize>,
    /// Dofs written to the trajectory, ascending.
    pub commanded: Vec<usize>,
    /// Home pose, every dof.
    pub home: Vec<f64>,
    /// Merged lower limits, every dof.
    pub lower: Vec<f64>,
    /// Merged upper limits, every dof.
    pub upper: Vec<f64>,
}

fn map_err(map: &RobotMap, field: impl Into<String>, problem: String) -> RetargetError {
    RetargetError::Map {
        path: map.source.clone(),
        field: field.into(),
        problem,
    }
}

fn not_in_urdf(model: &RobotModel, what: &str, name: &str) -> String {
    format!(
        "{what} {name:?} is not in the URDF of robot {:?}",
        model.name
    )
}

/// The link named by a map field.
pub fn link_index(
    map: &RobotMap,
    model: &RobotModel,
    field: &str,
    name: &str,
) -> Result<usize, RetargetError> {
    model
        .link_index(name)
        .ok_or_else(|| map_err(map, field, not_in_urdf(model, "link", name)))
}

/// The dof of a joint named by a map field (mimic and fixed joints are refused).
fn dof_of(
    map: &RobotMap,
    model: &RobotModel,
    field: &str,
    name: &str,
) -> Result<usize, RetargetError> {
    let Some(ji) = model.joint_index(name) else {
        return Err(map_err(map, field, not_in_urdf(model, "joint", name)));
    };
    match model.joints()[ji].dof {
        Dof::Independent(d) => Ok(d),
        Dof::Mimic { dof, .. } => Err(map_err(
            map,
            field,
            format!(
                "joint {name:?} is a mimic joint; name its leader {:?}",
                model.dof_joint(dof).name
            ),
        )),
        Dof::Fixed => Err(map_err(map, field, format!("joint {name:?} is fixed"))),
    }
}

/// True when dof `d`'s joint is on the path from the root to `link`.
fn moves_link(model: &RobotModel, d: usize, link: usize) -> bool {
    let mut l = link;
    while let Some(ji) = model.links()[l].parent_joint {
        let j = &model.joints()[ji];
        match j.dof {
            Dof::Independent(x) | Dof::Mimic { dof: x, .. } if x == d => return true,
            _ => {}
        }
        l = j.parent_link;
    }
    false
}

/// The dofs of the commanded parts, ascending.
pub fn commanded_dofs(map: &RobotMap, model: &RobotModel) -> Result<Vec<usize>, RetargetError> {
    let mut dofs = Vec::new();
    for (part, spec) in &map.parts {
        if !map.is_commanded(*part) {
            continue;
        }
        for (i, name) in spec.joints.iter().enumerate() {
            let field = format!("parts.{}.joints[{i}]", part.name());
            dofs.push(dof_of(map, model, &field, name)?);
        }
    }
    dofs.sort_unstable();
    dofs.dedup();
    Ok(dofs)
}

/// Resolves every name of `map` against `model` and checks what needs the model.
pub fn bind(map: &RobotMap, model: &RobotModel) -> Result<Bound, RetargetError> {
    if !map.robot.is_empty() && map.robot != model.name {
        return Err(map_err(
            map,
            "robot",
            format!(
                "the map is for robot {:?} but the URDF describes {:?}",
                map.robot, model.name
            ),
        ));
    }
    let landmarks = bind_landmarks(map, model)?;
    check_parts(map, model, &landmarks)?;
    let (lower, upper) = bind_limits(map, model)?;
    let home = bind_home(map, model, &lower, &upper)?;
    let segments = bind_segments(map, &landmarks);
    let limbs = bind_limbs(map, model, &segments)?;
    let mut leg_dofs = Vec::new();
    for part in Part::ALL.iter().filter(|p| p.limb() == Limb::Legs) {
        for name in map.parts.get(part).map_or(&[][..], |s| &s.joints[..]) {
            leg_dofs.extend(model.dof_index(name));
        }
    }
    leg_dofs.sort_unstable();
    leg_dofs.dedup();
    Ok(Bound {
        landmarks,
        segments,
        limbs,
        leg_dofs,
        commanded: commanded_dofs(map, model)?,
        home,
        lower,
        upper,
    })
}

fn bind_landmarks(
    map: &RobotMap,
    model: &RobotModel,
) -> Result<[Option<LinkPoint>; N_JOINTS], RetargetError> {
    let mut out = [None; N_JOINTS];
    for (name, spec) in &map.landmarks {
        let field = format!("landmarks.{name}.link");
        let link = link_index(map, model, &field, &spec.link)?;
        if let Some(k) = JOINT_NAMES.iter().position(|n| n == name) {
            let [x, y, z] = spec.point_m;
            out[k] = Some(LinkPoint {
                link,
                point_m: Vector3::new(x, y, z),
            });
        }
    }
    Ok(out)
}

/// True when `link` is `ancestor` or hangs below it.
fn is_below(model: &RobotModel, link: usize, ancestor: usize) -> bool {
    let mut l = link;
    loop {
        if l == ancestor {
            return true;
        }
        match model.links()[l].parent_joint {
            Some(ji) => l = model.joints()[ji].parent_link,
            None => return false,
        }
    }
}

/// Every listed joint exists, is independent, and either moves the part's far landmark or
/// hangs below its near one (an ankle or wrist joint); a joint of the wrong side or chain is
/// refused.
fn check_parts(
    map: &RobotMap,
    model: &RobotModel,
    landmarks: &[Option<LinkPoint>; N_JOINTS],
) -> Result<(), RetargetError> {
    let landmark_link = |name: &str| {
        JOINT_NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|k| landmarks[k])
            .map(|lp| lp.link)
    };
    for (part, spec) in &map.parts {
        let (near, far) = part.ends();
        let (Some(near_link), Some(far_link)) = (landmark_link(near), landmark_link(far)) else {
            continue;
        };
        for (i, name) in spec.joints.iter().enumerate() {
            let field = format!("parts.{}.joints[{i}]", part.name());
            let d = dof_of(map, model, &field, name)?;
            let parent = model.dof_joint(d).parent_link;
            if !moves_link(model, d, far_link) && !is_below(model, parent, near_link) {
                return Err(map_err(
                    map,
                    field,
                    format!(
                        "joint {name:?} does not move landmark {far} (link {:?}): wrong side or wrong chain?",
                        model.links()[far_link].name
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn bind_limits(map: &RobotMap, model: &RobotModel) -> Result<(Vec<f64>, Vec<f64>), RetargetError> {
    for name in map.limits.joints.keys() {
        dof_of(map, model, &format!("limits.joints.{name}"), name)?;
    }
    let limits = map.dof_limits(model);
    for (d, l) in limits.iter().enumerate() {
        if l.lower_rad.is_nan() || l.upper_rad.is_nan() || l.lower_rad > l.upper_rad {
            let name = &model.dof_joint(d).name;
            return Err(map_err(
                map,
                format!("limits.joints.{name}"),
                format!(
                    "merged limits [{}, {}] are inverted",
                    l.lower_rad, l.upper_rad
                ),
            ));
        }
    }
    Ok((
        limits.iter().map(|l| l.lower_rad).collect(),
        limits.iter().map(|l| l.upper_rad).collect(),
    ))
}

fn bind_home(
    map: &RobotMap,
    model: &RobotModel,
    lower: &[f64],
    upper: &[f64],
) -> Result<Vec<f64>, RetargetError> {
    // Unlisted joints rest at 0, or at the nearest limit when 0 is outside their range.
    let mut home: Vec<f64> = (0..model.n_dofs())
        .map(|d| 0.0_f64.clamp(lower[d], upper[d]))
        .collect();
    for (name, &v) in &map.home_rad {
        let field = format!("home_rad.{name}");
        let d = dof_of(map, model, &field, name)?;
        if !(lower[d]..=upper[d]).contains(&v) {
            return Err(map_err(
                map,
                field,
                format!("{v} rad is outside the limits [{}, {}]", lower[d], upper[d]),
            ));
        }
        home[d] = v;
    }
    Ok(home)
}

fn bind_segments(map: &RobotMap, landmarks: &[Option<LinkPoint>; N_JOINTS]) -> Vec<SegmentBinding> {
    let resolve = |end: End| -> Option<Vec<LinkPoint>> {
        match end {
            End::Keypoint(j) => landmarks[j.index()].map(|p| vec![p]),
            End::Pelvis => Some(vec![
                landmarks[Joint::RHip.index()]?,
                landmarks[Joint::LHip.index()]?,
            ]),
        }
    };
    let mut out = Vec::new();
    for segment in Segment::ALL {
        let Some(spec) = map.parts.get(&segment.part()) else {
            continue;
        };
        let (from, to) = segment.ends();
        if let (Some(from), Some(to)) = (resolve(from), resolve(to)) {
            out.push(SegmentBinding {
                segment,
                from,
                to,
                weight: spec.weight,
            });
        }
    }
    out
}

fn bind_limbs(
    map: &RobotMap,
    model: &RobotModel,
    segments: &[SegmentBinding],
) -> Result<Vec<LimbBinding>, RetargetError> {
    let mut limbs = Vec::new();
    for limb in [Limb::Torso, Limb::Head, Limb::LeftArm, Limb::RightArm] {
        let parts: Vec<Part> = Part::ALL
            .into_iter()
            .filter(|p| p.limb() == limb && map.is_solved(*p))
            .collect();
        if parts.is_empty() {
            continue;
        }
        let mut dofs: Vec<usize> = parts
            .iter()
            .flat_map(|p| map.parts[p].joints.iter())
            .filter_map(|n| model.dof_index(n))
            .collect();
        dofs.sort_unstable();
        dofs.dedup();
        if dofs.len() > MAX_LIMB_DOFS {
            return Err(map_err(
                map,
                "parts",
                format!(
                    "the {limb:?} limb has {} joints; at most {MAX_LIMB_DOFS} are supported",
                    dofs.len()
                ),
            ));
        }
        let segments = segments
            .iter()
            .enumerate()
            .filter(|(_, s)| parts.contains(&s.segment.part()))
            .map(|(i, _)| i)
            .collect();
        limbs.push(LimbBinding {
            limb,
            dofs,
            segments,
        });
    }
    Ok(limbs)
}
