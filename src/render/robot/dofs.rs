//! [`DofMap`]: the columns of a joint trajectory (joints by name) matched to a robot model's
//! degrees of freedom, once, so each frame is a copy of numbers.
//!
//! A trajectory names joints; a model orders its dofs by URDF order. A trajectory column whose
//! joint is an independent dof of the model fills that dof; a column naming a mimic or fixed
//! joint of the model is ignored (the model derives those itself); a column naming a joint the
//! model lacks is an error that names it. Dofs no column names stay at 0 rad.

use thiserror::Error;

use crate::robot::RobotModel;

/// A trajectory names a joint the robot model does not have.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("trajectory joint `{joint}` is not a joint of robot `{robot}`")]
pub struct UnknownJoint {
    /// The joint name in the trajectory.
    pub joint: String,
    /// The model's robot name.
    pub robot: String,
}

/// Which model dof each trajectory column drives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DofMap {
    /// `dof_of_column[c]`: the dof trajectory column `c` sets, if any.
    dof_of_column: Vec<Option<usize>>,
    n_dofs: usize,
}

impl DofMap {
    /// Matches `joint_names` (a trajectory's columns) to `model`'s dofs by name.
    pub fn new(model: &RobotModel, joint_names: &[String]) -> Result<DofMap, UnknownJoint> {
        let dof_of_column = joint_names
            .iter()
            .map(|name| match model.dof_index(name) {
                Some(d) => Ok(Some(d)),
                None if model.joint_index(name).is_some() => Ok(None),
                None => Err(UnknownJoint {
                    joint: name.clone(),
                    robot: model.name.clone(),
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DofMap {
            dof_of_column,
            n_dofs: model.n_dofs(),
        })
    }

    /// Number of dofs of the model.
    pub fn n_dofs(&self) -> usize {
        self.n_dofs
    }

    /// The dof driven by trajectory column `column`.
    pub fn dof_of_column(&self, column: usize) -> Option<usize> {
        self.dof_of_column.get(column).copied().flatten()
    }

    /// Writes a trajectory row (rad, column order) into `dofs` (rad, dof order; resized to
    /// the model's dof count, every dof no column drives set to 0). Missing row values count
    /// as 0.
    pub fn apply(&self, row: &[f64], dofs: &mut Vec<f64>) {
        dofs.clear();
        dofs.resize(self.n_dofs, 0.0);
        for (c, dof) in self.dof_of_column.iter().enumerate() {
            if let (Some(d), Some(&q)) = (dof, row.get(c)) {
                dofs[*d] = q;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const ARM: &str = r#"<robot name="arm">
      <link name="base"/><link name="upper"/><link name="lower"/>
      <joint name="shoulder" type="revolute">
        <parent link="base"/><child link="upper"/><axis xyz="0 1 0"/>
        <limit lower="-3" upper="3" velocity="2" effort="10"/>
      </joint>
      <joint name="elbow" type="revolute">
        <parent link="upper"/><child link="lower"/><axis xyz="0 1 0"/>
        <limit lower="-3" upper="3" velocity="2" effort="10"/>
        <mimic joint="shoulder" multiplier="2"/>
      </joint>
    </robot>"#;

    #[allow(clippy::unwrap_used)]
    fn arm() -> RobotModel {
        RobotModel::parse(ARM, Path::new("arm.urdf")).unwrap()
    }

    #[test]
    fn columns_fill_their_dofs_and_mimic_columns_are_ignored() {
        let m = arm();
        let names = ["elbow".to_owned(), "shoulder".to_owned()];
        let map = DofMap::new(&m, &names).unwrap();
        assert_eq!((map.n_dofs(), map.dof_of_column(0)), (1, None));
        assert_eq!(map.dof_of_column(1), Some(0));
        let mut dofs = vec![9.0; 4];
        map.apply(&[0.7, -0.3], &mut dofs);
        assert_eq!(dofs, vec![-0.3]);
        map.apply(&[0.7], &mut dofs);
        assert_eq!(dofs, vec![0.0]);
    }

    #[test]
    fn an_unknown_joint_is_named() {
        let err = DofMap::new(&arm(), &["shoulder".to_owned(), "wrist".to_owned()]).unwrap_err();
        assert_eq!(err.joint, "wrist");
        assert!(err.to_string().contains("`wrist`") && err.to_string().contains("`arm`"));
    }
}
