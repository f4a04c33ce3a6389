//! Pipelines that chain the stages: the offline `dance` job and, later, the live node.
//!
//! Pipelines know only the stage types and traits; the binary builds the concrete adapters.
pub mod dance;
pub mod live;
pub mod plot;
pub mod robot;
