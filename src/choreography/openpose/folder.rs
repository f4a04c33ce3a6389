//! Reading OpenPose input from disk: a folder of per-frame JSON files, a single frame file, or
//! a `skeleton.json`.

use std::path::{Path, PathBuf};

use super::frame::{parse_frame, PersonKeypoints};
use super::{sequence_from_people, OpenPoseConfig, OpenPoseError, OpenPoseReport};
use crate::choreography::sequence::SkeletonSequence;

/// Frame numbers may leave at most this many frames missing per file read.
const MAX_MISSING_PER_FILE: u64 = 10;

/// A loaded dance and, for OpenPose input, the import report.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The dance, in the dancer frame.
    pub sequence: SkeletonSequence,
    /// How the OpenPose keypoints were cleaned (`None` for a `skeleton.json`).
    pub report: Option<OpenPoseReport>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OpenPoseError + '_ {
    move |source| OpenPoseError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Loads a folder of OpenPose frames, a single OpenPose frame file (a one-frame sequence), or
/// a `skeleton.json` (whose own fps is kept). `fps` is the video's frame rate.
pub fn load(path: &Path, fps: f64, cfg: &OpenPoseConfig) -> Result<Loaded, OpenPoseError> {
    if path.is_dir() {
        let (sequence, report) = load_folder(path, fps, cfg)?;
        return Ok(Loaded {
            sequence,
            report: Some(report),
        });
    }
    let bytes = std::fs::read(path).map_err(io_error(path))?;
    if is_openpose_frame(&bytes) {
        let person = parse_frame(&bytes, path)?;
        let (mut sequence, mut report) = sequence_from_people(&[person], fps, cfg, path)?;
        report.files = 1;
        sequence.generator = Some(describe(path, &report));
        return Ok(Loaded {
            sequence,
            report: Some(report),
        });
    }
    Ok(Loaded {
        sequence: SkeletonSequence::from_json_bytes(&bytes, path)?,
        report: None,
    })
}

/// True for a JSON object with a `people` field.
fn is_openpose_frame(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|v| v.get("people").is_some())
}

/// The frame number of a file: the last run of digits in its name without extension.
pub fn frame_number(path: &Path) -> Option<u64> {
    let stem = path.file_stem()?.to_str()?;
    let end = stem.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = stem[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    stem[start..end].parse().ok()
}

/// The `.json` files of a folder with their frame numbers, in frame order.
pub fn frame_files(dir: &Path) -> Result<Vec<(u64, PathBuf)>, OpenPoseError> {
    let entries = std::fs::read_dir(dir).map_err(io_error(dir))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(io_error(dir))?.path();
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if !is_json || !path.is_file() {
            continue;
        }
        let n = frame_number(&path)
            .ok_or_else(|| OpenPoseError::NoFrameNumber { path: path.clone() })?;
        files.push((n, path));
    }
    if files.is_empty() {
        return Err(OpenPoseError::EmptyFolder {
            path: dir.to_owned(),
        });
    }
    files.sort();
    for w in files.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(OpenPoseError::DuplicateFrame {
                path: w[1].1.clone(),
                other: w[0].1.clone(),
                frame: w[0].0,
            });
        }
    }
    Ok(files)
}

/// Loads a folder of OpenPose frames at `fps` (see the module docs).
pub fn load_folder(
    dir: &Path,
    fps: f64,
    cfg: &OpenPoseConfig,
) -> Result<(SkeletonSequence, OpenPoseReport), OpenPoseError> {
    let files = frame_files(dir)?;
    let (first, last) = (files[0].0, files[files.len() - 1].0);
    let missing = (last - first + 1) - files.len() as u64;
    if missing > MAX_MISSING_PER_FILE * files.len() as u64 {
        return Err(OpenPoseError::TooSparse {
            path: dir.to_owned(),
            first,
            last,
            missing,
            files: files.len(),
        });
    }
    let mut people: Vec<Option<PersonKeypoints>> = vec![None; (last - first + 1) as usize];
    for (n, path) in &files {
        let bytes = std::fs::read(path).map_err(io_error(path))?;
        people[(n - first) as usize] = parse_frame(&bytes, path)?;
    }
    let (mut sequence, mut report) = sequence_from_people(&people, fps, cfg, dir)?;
    report.files = files.len();
    report.missing_frames = missing as usize;
    if missing > 0 {
        tracing::warn!(
            folder = %dir.display(),
            missing,
            "OpenPose frame numbers have gaps; the missing frames are interpolated"
        );
    }
    sequence.generator = Some(describe(dir, &report));
    Ok((sequence, report))
}

/// The `generator` field of an imported sequence.
fn describe(path: &Path, report: &OpenPoseReport) -> serde_json::Value {
    serde_json::json!({
        "name": "openpose",
        "source": path.display().to_string(),
        "import": report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_numbers_come_from_the_last_digits() {
        let n = |s: &str| frame_number(Path::new(s));
        assert_eq!(n("video_000000000012_keypoints.json"), Some(12));
        assert_eq!(n("cam2/clip3_000042.json"), Some(42));
        assert_eq!(n("7.json"), Some(7));
        assert_eq!(n("keypoints.json"), None);
    }

    #[test]
    fn folders_are_listed_in_frame_order_and_duplicates_refused() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["v_10_keypoints.json", "v_9_keypoints.json", "notes.txt"] {
            std::fs::write(dir.path().join(name), "{}").unwrap();
        }
        let files = frame_files(dir.path()).unwrap();
        let numbers: Vec<u64> = files.iter().map(|f| f.0).collect();
        assert_eq!(numbers, vec![9, 10]);
        std::fs::write(dir.path().join("w_009.json"), "{}").unwrap();
        let err = frame_files(dir.path()).unwrap_err().to_string();
        assert!(err.contains("frame number 9"), "{err}");
        let empty = tempfile::tempdir().unwrap();
        let err = frame_files(empty.path()).unwrap_err().to_string();
        assert!(err.contains("empty folder"), "{err}");
    }
}
