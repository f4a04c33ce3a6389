//! Mapping symphonia's failures and our header checks onto [`AudioError`], each naming the file.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use symphonia::core::errors::Error as SymError;

use super::MAX_CHANNELS;
use crate::audio::AudioError;
use crate::units::SampleRate;

/// Runs a symphonia call, turning a panic inside it (its answer to some malformed streams)
/// into a "corrupt" error rather than taking the process down.
pub(super) fn guard<T>(
    path: &Path,
    what: &str,
    f: impl FnOnce() -> Result<T, AudioError>,
) -> Result<T, AudioError> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(corrupt(path, format!("decoder crashed while {what}"))))
}

pub(super) fn parse_rate(path: &Path, rate_hz: Option<u32>) -> Result<SampleRate, AudioError> {
    let rate_hz = rate_hz.ok_or_else(|| AudioError::BadFormat {
        path: path.to_owned(),
        reason: "stream declares no sample rate".into(),
    })?;
    SampleRate::new(rate_hz).map_err(|e| AudioError::BadFormat {
        path: path.to_owned(),
        reason: format!("absurd sample rate: {e}"),
    })
}

pub(super) fn check_channels(path: &Path, channels: usize) -> Result<(), AudioError> {
    if (1..=MAX_CHANNELS).contains(&channels) {
        return Ok(());
    }
    Err(AudioError::BadFormat {
        path: path.to_owned(),
        reason: format!("{channels} channels; expected 1..={MAX_CHANNELS}"),
    })
}

/// The reader reached the end (symphonia reports it as an unexpected EOF), or a chained
/// stream starts, which we do not follow.
pub(super) fn is_end_of_stream(e: &SymError) -> bool {
    match e {
        SymError::IoError(io) => io.kind() == std::io::ErrorKind::UnexpectedEof,
        SymError::ResetRequired => true,
        _ => false,
    }
}

/// Maps a probe failure: unknown bytes are "unsupported", a header cut short is "corrupt".
pub(super) fn open_error(path: &Path, e: SymError) -> AudioError {
    match e {
        SymError::Unsupported(reason) => unsupported(path, reason),
        SymError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            corrupt(path, "file ends inside its header")
        }
        SymError::IoError(io) => AudioError::Open {
            path: path.to_owned(),
            source: io,
        },
        other => corrupt(path, other.to_string()),
    }
}

pub(super) fn unsupported(path: &Path, reason: impl Into<String>) -> AudioError {
    AudioError::Unsupported {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

pub(super) fn corrupt(path: &Path, reason: impl Into<String>) -> AudioError {
    AudioError::Corrupt {
        path: path.to_owned(),
        reason: reason.into(),
    }
}
