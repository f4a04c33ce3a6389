//! Configuration plumbing shared by every module.
//!
//! Each module owns its config struct (serde, `deny_unknown_fields`, a default for every field,
//! a doc comment saying when to change it) and implements [`Validate`]. This module only knows
//! how to read such a struct from a YAML or JSON file and turn every failure into an error that
//! names the file and the problem.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use thiserror::Error;

/// A config file that could not be read, parsed or validated.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read config")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid YAML/JSON of the expected shape.
    #[error("{path}: invalid config: {message}")]
    Parse { path: PathBuf, message: String },
    /// A value parsed but is out of its allowed range.
    #[error("{path}: invalid value for `{field}`: {problem}")]
    Invalid {
        path: PathBuf,
        field: String,
        problem: String,
    },
}

/// A value is out of range; returned by [`Validate::validate`] without a path, which
/// [`load`] adds.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("invalid value for `{field}`: {problem}")]
pub struct InvalidField {
    /// Dotted path of the field, e.g. `analysis.hop_len_samples`.
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl InvalidField {
    /// Builds an error for `field`.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// A config struct that can check its own values.
pub trait Validate {
    /// Returns the first field that is out of range.
    fn validate(&self) -> Result<(), InvalidField>;
}

/// Reads, parses (YAML, which also accepts JSON) and validates a config file.
pub fn load<T: DeserializeOwned + Validate>(path: &Path) -> Result<T, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text, path)
}

/// Parses and validates config text; `path` is only used in error messages.
pub fn parse<T: DeserializeOwned + Validate>(text: &str, path: &Path) -> Result<T, ConfigError> {
    let value: T = serde_yaml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    value.validate().map_err(|e| ConfigError::Invalid {
        path: path.to_owned(),
        field: e.field,
        problem: e.problem,
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct Example {
        rate_hz: u32,
    }

    impl Default for Example {
        fn default() -> Self {
            Self { rate_hz: 100 }
        }
    }

    impl Validate for Example {
        fn validate(&self) -> Result<(), InvalidField> {
            if self.rate_hz == 0 {
                return Err(InvalidField::new("rate_hz", "must be positive"));
            }
            Ok(())
        }
    }

    #[test]
    fn defaults_fill_missing_fields() {
        let cfg: Example = parse("{}", Path::new("x.yaml")).unwrap();
        assert_eq!(cfg.rate_hz, 100);
    }

    #[test]
    fn unknown_fields_and_bad_values_name_the_file() {
        let err = parse::<Example>("rate: 3", Path::new("cfg.yaml")).unwrap_err();
        assert!(err.to_string().contains("cfg.yaml"), "{err}");
        let err = parse::<Example>("rate_hz: 0", Path::new("cfg.yaml")).unwrap_err();
        assert!(err.to_string().contains("rate_hz"), "{err}");
    }
}
