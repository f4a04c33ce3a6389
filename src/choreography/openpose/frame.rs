//! One OpenPose JSON frame: `{"people": [{"pose_keypoints_2d": [x, y, c, ...]}, ...]}`, in
//! image pixels (x right, y *down*), COCO-18 (54 values) or BODY_25 (75 values), reduced to
//! the coco18 keypoints of the most confident person.
//!
//! BODY_25 has the coco18 keypoints in the same order with `mid_hip` inserted at index 8 and
//! six foot points appended (indices 19–24), so coco18 keypoint `i` is BODY_25 keypoint `i`
//! for `i < 8` and `i + 1` after.

use std::path::Path;

use serde::Deserialize;

use super::OpenPoseError;
use crate::choreography::skeleton::N_JOINTS;

/// Values in a COCO-18 `pose_keypoints_2d` (18 × x, y, confidence).
pub const COCO18_VALUES: usize = 3 * N_JOINTS;

/// Values in a BODY_25 `pose_keypoints_2d` (25 × x, y, confidence).
pub const BODY25_VALUES: usize = 75;

/// Keypoint layout of a frame's people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// OpenPose's COCO model, 18 keypoints.
    Coco18,
    /// OpenPose's BODY_25 model, 25 keypoints.
    Body25,
}

/// One keypoint in pixels with its confidence (0 when OpenPose did not find it).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Keypoint2d {
    /// Column, pixels, right.
    pub x_px: f64,
    /// Row, pixels, down.
    pub y_px: f64,
    /// Detection confidence, 0..1.
    pub confidence: f64,
}

/// The chosen person of one frame, coco18 order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PersonKeypoints {
    /// Keypoints in coco18 order.
    pub keypoints: [Keypoint2d; N_JOINTS],
    /// Layout the frame was written in.
    pub layout: Layout,
}

impl PersonKeypoints {
    /// Mean confidence over the 18 keypoints.
    pub fn mean_confidence(&self) -> f64 {
        self.keypoints.iter().map(|k| k.confidence).sum::<f64>() / N_JOINTS as f64
    }
}

#[derive(Deserialize)]
struct FrameFile {
    #[serde(default)]
    people: Vec<PersonFile>,
}

#[derive(Deserialize)]
struct PersonFile {
    #[serde(default)]
    pose_keypoints_2d: Vec<f64>,
}

/// Parses a frame's JSON; `path` names the file in errors. Returns the person with the
/// highest mean confidence, or `None` when the frame has no people.
pub fn parse_frame(bytes: &[u8], path: &Path) -> Result<Option<PersonKeypoints>, OpenPoseError> {
    let file: FrameFile = serde_json::from_slice(bytes).map_err(|source| OpenPoseError::Json {
        path: path.to_owned(),
        source,
    })?;
    let mut best: Option<PersonKeypoints> = None;
    for (person, p) in file.people.iter().enumerate() {
        let parsed =
            to_coco18(&p.pose_keypoints_2d).ok_or_else(|| OpenPoseError::KeypointCount {
                path: path.to_owned(),
                person,
                found: p.pose_keypoints_2d.len(),
            })?;
        if best.is_none_or(|b| parsed.mean_confidence() > b.mean_confidence()) {
            best = Some(parsed);
        }
    }
    Ok(best)
}

/// The coco18 keypoints of one `pose_keypoints_2d` array; `None` for a wrong length.
/// Non-finite values are read as undetected (confidence 0).
pub fn to_coco18(values: &[f64]) -> Option<PersonKeypoints> {
    let layout = match values.len() {
        COCO18_VALUES => Layout::Coco18,
        BODY25_VALUES => Layout::Body25,
        _ => return None,
    };
    let mut keypoints = [Keypoint2d::default(); N_JOINTS];
    for (i, kp) in keypoints.iter_mut().enumerate() {
        let src = match layout {
            Layout::Body25 if i >= 8 => i + 1,
            _ => i,
        };
        let v = &values[3 * src..3 * src + 3];
        if v.iter().all(|x| x.is_finite()) {
            *kp = Keypoint2d {
                x_px: v[0],
                y_px: v[1],
                confidence: v[2],
            };
        }
    }
    Some(PersonKeypoints { keypoints, layout })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(values: &[f64]) -> String {
        format!("{{\"pose_keypoints_2d\": {values:?}}}")
    }

    #[test]
    fn body25_skips_mid_hip_and_feet() {
        // BODY_25 keypoint b at (b, 10 b) with confidence 0.5.
        let values: Vec<f64> = (0..25)
            .flat_map(|b| [b as f64, 10.0 * b as f64, 0.5])
            .collect();
        let p = to_coco18(&values).unwrap();
        assert_eq!(p.layout, Layout::Body25);
        assert_eq!(p.keypoints[7].x_px, 7.0); // l_wrist
        assert_eq!(p.keypoints[8].x_px, 9.0); // r_hip is BODY_25 9 (8 is mid_hip)
        assert_eq!(p.keypoints[17].y_px, 180.0); // l_ear is BODY_25 18
        assert_eq!(to_coco18(&values[..54]).unwrap().layout, Layout::Coco18);
        assert!(to_coco18(&values[..53]).is_none());
    }

    #[test]
    fn picks_the_most_confident_person() {
        let weak: Vec<f64> = (0..18).flat_map(|_| [1.0, 1.0, 0.2]).collect();
        let strong: Vec<f64> = (0..18).flat_map(|_| [2.0, 2.0, 0.9]).collect();
        let text = format!(
            "{{\"version\": 1.3, \"people\": [{}, {}]}}",
            person(&weak),
            person(&strong)
        );
        let p = parse_frame(text.as_bytes(), Path::new("f.json"))
            .unwrap()
            .unwrap();
        assert_eq!(p.keypoints[0].x_px, 2.0);
        let none = parse_frame(b"{\"people\": []}", Path::new("f.json")).unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn wrong_count_names_file_person_and_count() {
        let text = format!("{{\"people\": [{}]}}", person(&[1.0; 12]));
        let err = parse_frame(text.as_bytes(), Path::new("x_000000000003_keypoints.json"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("x_000000000003_keypoints.json"), "{err}");
        assert!(
            err.contains("expected 54 (COCO-18) or 75 (BODY_25) values, found 12"),
            "{err}"
        );
    }
}
