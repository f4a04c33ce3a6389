//! The ROS 2 edge (feature `ros`): the only module that names `ros2_client`.
//!
//! ros2-client speaks DDS in pure Rust, so no ROS installation is needed to build or run the
//! node; it joins any ROS 2 graph (Humble, Jazzy) on the same DDS domain. This module parses the
//! node's identity (name, namespace, domain) at the boundary; the live node builds on it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::config::{InvalidField, Validate};

/// Highest DDS domain id ROS 2 allows with the default port mapping.
pub const MAX_DOMAIN_ID: u16 = 232;

/// The node's identity could not be parsed.
#[derive(Debug, Error, PartialEq)]
pub enum RosError {
    /// The name or namespace breaks ROS naming rules.
    #[error("invalid ROS node name `{namespace}` / `{name}`: {reason}")]
    NodeName {
        namespace: String,
        name: String,
        reason: String,
    },
    /// `ROS_DOMAIN_ID` is not a number in 0..=232.
    #[error("invalid ROS_DOMAIN_ID `{value}`: expected an integer in 0..={MAX_DOMAIN_ID}")]
    DomainId { value: String },
}

/// Who the node is on the ROS graph. Change `namespace` to run several robots on one graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RosIdentity {
    /// Node base name.
    pub node_name: String,
    /// Node namespace, starting with `/`.
    pub namespace: String,
    /// DDS domain; `None` takes `ROS_DOMAIN_ID` from the environment, else 0.
    pub domain_id: Option<u16>,
}

impl Default for RosIdentity {
    fn default() -> Self {
        Self {
            node_name: "dancebot".into(),
            namespace: "/".into(),
            domain_id: None,
        }
    }
}

impl RosIdentity {
    /// The name as ros2-client's parsed type.
    pub fn node_name(&self) -> Result<ros2_client::NodeName, RosError> {
        ros2_client::NodeName::new(&self.namespace, &self.node_name).map_err(|e| {
            RosError::NodeName {
                namespace: self.namespace.clone(),
                name: self.node_name.clone(),
                reason: e.to_string(),
            }
        })
    }

    /// The domain to join: the configured one, else `env_domain` (the value of
    /// `ROS_DOMAIN_ID`, passed in so the core stays free of process state), else 0.
    pub fn resolve_domain_id(&self, env_domain: Option<&str>) -> Result<u16, RosError> {
        if let Some(id) = self.domain_id {
            return Ok(id);
        }
        match env_domain.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(0),
            Some(value) => value
                .parse::<u16>()
                .ok()
                .filter(|id| *id <= MAX_DOMAIN_ID)
                .ok_or_else(|| RosError::DomainId {
                    value: value.to_owned(),
                }),
        }
    }
}

impl Validate for RosIdentity {
    fn validate(&self) -> Result<(), InvalidField> {
        self.node_name()
            .map_err(|e| InvalidField::new("ros.node_name", e.to_string()))?;
        if self.domain_id.is_some_and(|id| id > MAX_DOMAIN_ID) {
            return Err(InvalidField::new(
                "ros.domain_id",
                format!("must be in 0..={MAX_DOMAIN_ID}"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_identity_is_a_valid_ros_name() {
        let id = RosIdentity::default();
        id.validate().unwrap();
        assert_eq!(id.node_name().unwrap().fully_qualified_name(), "/dancebot");
    }

    #[test]
    fn bad_names_and_domains_are_rejected() {
        let id = RosIdentity {
            node_name: "dance bot".into(),
            ..RosIdentity::default()
        };
        assert!(id.validate().is_err());
        let id = RosIdentity::default();
        assert_eq!(id.resolve_domain_id(Some("7")).unwrap(), 7);
        assert_eq!(id.resolve_domain_id(None).unwrap(), 0);
        assert!(id.resolve_domain_id(Some("300")).is_err());
        assert!(id.resolve_domain_id(Some("x")).is_err());
    }
}
