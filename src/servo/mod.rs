//! The servo-bus edge (feature `servo-linux`): the only module that names `linux_embedded_hal`.
//!
//! Servo drivers in the core are generic over `embedded-hal` traits; this module opens the
//! real Linux I2C buses they run on, and lists them for `dancebot doctor`.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// An I2C bus could not be opened.
#[derive(Debug, Error)]
pub enum ServoBusError {
    /// Opening the character device failed (missing, or no permission).
    #[error("{path}: cannot open I2C bus: {reason}")]
    Open { path: PathBuf, reason: String },
}

/// The I2C character devices present (`/dev/i2c-*`), sorted.
pub fn list_i2c_buses(dev_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dev_dir) else {
        return Vec::new();
    };
    let mut buses: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("i2c-"))
        })
        .collect();
    buses.sort();
    buses
}

/// Opens an I2C bus for servo drivers.
pub fn open_i2c(path: &Path) -> Result<linux_embedded_hal::I2cdev, ServoBusError> {
    linux_embedded_hal::I2cdev::new(path).map_err(|e| ServoBusError::Open {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_only_i2c_devices() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["i2c-1", "i2c-0", "tty0"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let buses = list_i2c_buses(dir.path());
        let names: Vec<_> = buses
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["i2c-0", "i2c-1"]);
    }

    #[test]
    fn opening_a_non_device_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i2c-9");
        match open_i2c(&path) {
            Ok(_) => panic!("{} is not a device but opened", path.display()),
            Err(err) => assert!(err.to_string().contains("i2c-9"), "{err}"),
        }
    }
}
