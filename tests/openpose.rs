//! OpenPose import: the fixtures in `tests/fixtures/openpose/` (made by [`fixture_files`]
//! from the reference body; `cargo test --test openpose -- --ignored write_fixtures` rewrites
//! them), interpolation and filtering counts, and errors naming the file.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use dancebot::choreography::openpose::{self, OpenPoseConfig};
use dancebot::choreography::{BodyModel, Joint, Pose, SkeletonSequence, Vec3};
use serde_json::json;

/// Pixels per metre of the fixture dancer; the image origin is top left, y down.
const PX_PER_M: f64 = 250.0;
/// Where the fixture dancer's floor origin lies in the image, pixels.
const ORIGIN_PX: [f64; 2] = [320.0, 450.0];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openpose")
}

/// Frame `k` of the fixture dance: the reference body stepping right 2 cm a frame and
/// raising its right wrist 2 cm a frame.
fn pose(k: usize) -> Pose {
    let mut p = BodyModel::default().rest_pose();
    let w = p.get(Joint::RWrist);
    p.set(Joint::RWrist, w + Vec3::new(0.0, 0.02 * k as f64, 0.0));
    p.translated(Vec3::new(0.02 * k as f64, 0.0, 0.0))
}

/// A keypoint in pixels with its confidence, rounded as OpenPose writes them.
fn pixel(p: Vec3, scale: f64, confidence: f64) -> [f64; 3] {
    let r = |v: f64| (v * 1000.0).round() / 1000.0;
    [
        r(ORIGIN_PX[0] + scale * PX_PER_M * p.x),
        r(ORIGIN_PX[1] - scale * PX_PER_M * p.y),
        confidence,
    ]
}

/// COCO-18 values of a pose, with per-keypoint confidences.
fn coco18(pose: &Pose, scale: f64, conf: impl Fn(usize) -> f64) -> Vec<f64> {
    (0..18)
        .flat_map(|j| pixel(pose.points[j], scale, conf(j)))
        .collect()
}

/// BODY_25 values of a pose: mid_hip inserted at 8, six foot points after the ears.
fn body25(pose: &Pose, scale: f64) -> Vec<f64> {
    let c = coco18(pose, scale, |_| 0.8);
    let mid_hip = pixel(pose.pelvis(), scale, 0.8);
    let foot = pixel(
        pose.get(Joint::LAnkle) - Vec3::new(0.0, 0.07, -0.1),
        scale,
        0.6,
    );
    let mut v = c[..24].to_vec();
    v.extend(mid_hip);
    v.extend(&c[24..]);
    for _ in 0..6 {
        v.extend(foot);
    }
    v
}

fn frame_json(people: &[Vec<f64>]) -> String {
    let people: Vec<_> = people
        .iter()
        .map(|k| {
            json!({"person_id": [-1], "pose_keypoints_2d": k, "face_keypoints_2d": [],
                   "hand_left_keypoints_2d": [], "hand_right_keypoints_2d": []})
        })
        .collect();
    json!({"version": 1.3, "people": people}).to_string() + "\n"
}

fn name(k: usize) -> String {
    format!("video_{k:012}_keypoints.json")
}

/// Every fixture file: relative path and contents.
fn fixture_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    // COCO-18, 4 frames: the left wrist unsure in frame 2; a faint second person in frame 1.
    for k in 0..4 {
        let conf = |j: usize| if k == 2 && j == 7 { 0.05 } else { 0.9 };
        let mut people = vec![coco18(&pose(k), 1.0, conf)];
        if k == 1 {
            people.insert(
                0,
                coco18(&pose(0).translated(Vec3::x() * 1.5), 1.0, |_| 0.3),
            );
        }
        files.push((format!("coco18/{}", name(k)), frame_json(&people)));
    }
    // BODY_25, frames 0–6 without 3; frame 5 a mis-detection 1.8 times too big.
    for k in [0, 1, 2, 4, 5, 6] {
        let scale = if k == 5 { 1.8 } else { 1.0 };
        files.push((
            format!("body25/{}", name(k)),
            frame_json(&[body25(&pose(k), scale)]),
        ));
    }
    files.push((
        format!("malformed/{}", name(0)),
        frame_json(&[coco18(&pose(0), 1.0, |_| 0.9)]),
    ));
    files.push((
        format!("malformed/{}", name(1)),
        "{\"version\": 1.3, \"people\": [{\"pose_keypoints_2d\": [320.0, 41".to_owned(),
    ));
    files
}

#[test]
#[ignore = "rewrites tests/fixtures/openpose"]
fn write_fixtures() {
    for (rel, text) in fixture_files() {
        let path = fixtures().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn fixtures_are_what_the_generator_writes() {
    for (rel, text) in fixture_files() {
        let on_disk = std::fs::read_to_string(fixtures().join(&rel)).unwrap();
        // Compared as JSON where both parse (key order is serde_json's business).
        let as_json = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
        let same = match (as_json(&on_disk), as_json(&text)) {
            (Some(a), Some(b)) => a == b,
            _ => on_disk == text,
        };
        assert!(same, "{rel} is stale: run the ignored write_fixtures test");
    }
}

/// A pose as its fixture dancer would come back: flattened (z = 0), scaled by the import.
fn near(got: Vec3, want: Vec3, tol_m: f64) -> bool {
    (got - Vec3::new(want.x, want.y, 0.0)).norm() < tol_m
}

#[test]
fn coco18_folder_interpolates_the_unsure_wrist() {
    let cfg = OpenPoseConfig::default();
    let (seq, report) = openpose::load_folder(&fixtures().join("coco18"), 30.0, &cfg).unwrap();
    assert_eq!(seq.frames.len(), 4);
    assert_eq!(seq.fps, 30.0);
    assert_eq!(report.layout, "coco18");
    assert_eq!(
        (report.files, report.missing_frames, report.frames_dropped),
        (4, 0, 0)
    );
    assert_eq!(report.keypoints_interpolated, 1);
    assert_eq!((report.keypoints_held, report.keypoints_from_body), (0, 0));
    // Flattening shortens forward-pointing bones a little (0.03 % on the median bone).
    assert!(
        (report.metres_per_px * PX_PER_M - 1.0).abs() < 1e-3,
        "{report:?}"
    );
    for k in [0, 1, 3] {
        for j in Joint::ALL {
            let (got, want) = (seq.frames[k].get(j), pose(k).get(j));
            assert!(near(got, want, 2e-3), "frame {k} {j:?}: {got} vs {want}");
        }
    }
    // The unsure wrist is the mean of its neighbours; the dancer's right is at negative x.
    let f = &seq.frames;
    let mid = (f[1].get(Joint::LWrist) + f[3].get(Joint::LWrist)) * 0.5;
    assert!((f[2].get(Joint::LWrist) - mid).norm() < 1e-12);
    assert!(f[0].get(Joint::RShoulder).x < 0.0 && f[0].get(Joint::Neck).y > 1.3);
    let ankles = (f[0].get(Joint::RAnkle) + f[0].get(Joint::LAnkle)) * 0.5;
    assert!(
        (ankles - Vec3::new(0.0, 0.07, 0.0)).norm() < 1e-12,
        "{ankles}"
    );
}

#[test]
fn body25_folder_reports_the_gap_and_drops_the_wrong_frame() {
    let cfg = OpenPoseConfig::default();
    let (seq, report) = openpose::load_folder(&fixtures().join("body25"), 25.0, &cfg).unwrap();
    assert_eq!(report.layout, "body25");
    assert_eq!(
        (report.files, report.frames, report.missing_frames),
        (6, 7, 1)
    );
    assert_eq!(report.frames_dropped_bone_lengths, 1);
    assert_eq!(report.frames_dropped, 1);
    assert_eq!(report.keypoints_interpolated, 2 * 18);
    // Both the missing frame 3 and the dropped frame 5 are interpolated between neighbours;
    // the motion is linear, so they land where the dancer was.
    for k in 0..7 {
        for j in Joint::ALL {
            let (got, want) = (seq.frames[k].get(j), pose(k).get(j));
            assert!(near(got, want, 2e-3), "frame {k} {j:?}: {got} vs {want}");
        }
    }
    // BODY_25 and COCO-18 files of the same dancer give the same skeleton.
    let (coco, _) = openpose::load_folder(&fixtures().join("coco18"), 25.0, &cfg).unwrap();
    for j in Joint::ALL {
        assert!((coco.frames[0].get(j) - seq.frames[0].get(j)).norm() < 1e-9);
    }
}

#[test]
fn malformed_frame_names_the_file() {
    let err = openpose::load(
        &fixtures().join("malformed"),
        30.0,
        &OpenPoseConfig::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&name(1)), "{err}");
    assert!(err.contains("not an OpenPose frame"), "{err}");
}

fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn wrong_counts_empty_folders_and_no_people_are_clear_errors() {
    let cfg = OpenPoseConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let err = openpose::load(dir.path(), 30.0, &cfg)
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty folder"), "{err}");
    write(dir.path(), &name(0), &frame_json(&[]));
    write(dir.path(), &name(1), "{\"people\": []}");
    let err = openpose::load(dir.path(), 30.0, &cfg)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no people in any frame"), "{err}");
    let bad = write(dir.path(), &name(2), &frame_json(&[vec![1.0; 60]]));
    let err = openpose::load(dir.path(), 30.0, &cfg)
        .unwrap_err()
        .to_string();
    assert!(err.contains(&bad.display().to_string()), "{err}");
    assert!(
        err.contains("expected 54 (COCO-18) or 75 (BODY_25) values, found 60"),
        "{err}"
    );
}

#[test]
fn sparse_frames_are_dropped_and_filled_from_their_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    for k in 0..5 {
        // Frame 2 sees only the head (5 keypoints).
        let conf = |j: usize| if k == 2 && j > 4 { 0.0 } else { 0.9 };
        write(
            dir.path(),
            &name(k),
            &frame_json(&[coco18(&pose(k), 1.0, conf)]),
        );
    }
    let cfg = OpenPoseConfig::default();
    let (seq, report) = openpose::load_folder(dir.path(), 30.0, &cfg).unwrap();
    assert_eq!(report.frames_dropped_few_keypoints, 1);
    assert_eq!(report.keypoints_interpolated, 18);
    assert!(near(
        seq.frames[2].get(Joint::RKnee),
        pose(2).get(Joint::RKnee),
        2e-3
    ));
    assert_eq!(seq.non_finite_frames(), 0);
}

#[test]
fn a_skeleton_file_or_a_single_frame_also_loads() {
    let dir = tempfile::tempdir().unwrap();
    let rest = BodyModel::default().rest_pose();
    let seq = SkeletonSequence::new(50.0, vec![rest; 3]);
    let path = write(dir.path(), "s.json", "");
    std::fs::write(&path, seq.to_json_bytes().unwrap()).unwrap();
    let loaded = openpose::load(&path, 30.0, &OpenPoseConfig::default()).unwrap();
    assert!(loaded.report.is_none());
    assert_eq!(
        (loaded.sequence.fps, loaded.sequence.frames.len()),
        (50.0, 3)
    );
    let single = fixtures().join("coco18").join(name(0));
    let loaded = openpose::load(&single, 30.0, &OpenPoseConfig::default()).unwrap();
    assert_eq!(loaded.sequence.frames.len(), 1);
    assert_eq!(loaded.report.unwrap().files, 1);
    let err = openpose::load(&dir.path().join("nope"), 30.0, &OpenPoseConfig::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope") && err.contains("cannot read"), "{err}");
}
