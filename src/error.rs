//! Output files written all-or-nothing.
//!
//! Every stage writes its result through [`write_atomic`]: the bytes go to a temporary file in
//! the destination folder, which is renamed over the destination only once complete. A failed
//! run therefore never leaves a partial `beats.json` behind for the next stage to trust.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

/// An output file could not be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// Creating, writing or renaming the file failed.
    #[error("{path}: cannot write output")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The value could not be serialized (e.g. a NaN in JSON).
    #[error("{path}: cannot serialize output: {message}")]
    Serialize { path: PathBuf, message: String },
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let io_err = |source| OutputError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io_err)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(io_err)?;
    tmp.write_all(bytes).map_err(io_err)?;
    // Temporary files are created private (0600); outputs are ordinary files others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o644);
        tmp.as_file().set_permissions(perms).map_err(io_err)?;
    }
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Serializes `value` as pretty JSON and writes it atomically.
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<(), OutputError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| OutputError::Serialize {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write_json_atomic(&path, &serde_json::json!({"a": [1, 2]})).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"a\""));
        let entries = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(entries, 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn failed_write_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = write_atomic(&blocker.join("child.json"), b"{}").unwrap_err();
        assert!(err.to_string().contains("child.json"), "{err}");
    }
}
