//! The avatar character's training-pair dataset, end to end through the public API: two short
//! dances written into a temporary folder, every file and `index.json` checked, the label
//! files aligned with the images, replacing and refusing existing folders.

use std::path::Path;

use dancebot::choreography::{BodyModel, Joint, Pose, SkeletonSequence, Vec3};
use dancebot::render::camera::View;
use dancebot::render::character::pairs::class_indices;
use dancebot::render::character::{
    write_pairs_dataset, CharacterRenderer, CharacterStyle, DatasetError, PairRenderer,
};
use dancebot::render::RgbImage;

const SIZE: (usize, usize) = (96, 128);

/// `n` frames raising the right arm from hanging to overhead.
fn arm_raise(n: usize) -> SkeletonSequence {
    let body = BodyModel::default();
    let frames = (0..n)
        .map(|k| {
            let a = std::f64::consts::PI * k as f64 / (n - 1).max(1) as f64;
            let mut p = body.rest_pose();
            let shoulder = p.get(Joint::RShoulder);
            let dir = Vec3::new(-a.sin(), -a.cos(), 0.1);
            p.set(Joint::RElbow, shoulder + dir * 0.3);
            p.set(Joint::RWrist, shoulder + dir * 0.56);
            body.project(&p)
        })
        .collect();
    SkeletonSequence::new(30.0, frames)
}

/// `n` frames of a side step, with the left wrist missing in the second frame (held).
fn side_step(n: usize) -> SkeletonSequence {
    let body = BodyModel::default();
    let mut frames: Vec<Pose> = (0..n)
        .map(|k| {
            body.rest_pose()
                .translated(Vec3::new(0.05 * k as f64, 0.0, 0.0))
        })
        .collect();
    frames[1].points[Joint::LWrist.index()] = Vec3::new(f64::NAN, f64::NAN, f64::NAN);
    SkeletonSequence::new(25.0, frames)
}

#[allow(clippy::unwrap_used)]
fn read_pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes[..20.min(bytes.len())]).to_string();
    let mut fields = text.split_ascii_whitespace();
    assert_eq!(fields.next(), Some("P5"));
    let w: usize = fields.next().unwrap().parse().unwrap();
    let h: usize = fields.next().unwrap().parse().unwrap();
    assert_eq!(fields.next(), Some("255"));
    let header = format!("P5\n{w} {h}\n255\n").len();
    (w, h, bytes[header..].to_vec())
}

#[test]
fn a_tiny_dataset_has_aligned_pairs_and_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pairs");
    let style = CharacterStyle::from_seed(3);
    let sequences = [arm_raise(5), side_step(4)];
    let report = write_pairs_dataset(&out, &sequences, 2, &style, SIZE).unwrap();
    // Frames 0, 2, 4 of the first, 0, 2 of the second.
    assert_eq!((report.pairs_written, report.frames_skipped), (5, 0));
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["format"], "dancebot-avatar-pairs");
    assert_eq!(
        (index["width"].as_u64(), index["height"].as_u64()),
        (Some(96), Some(128))
    );
    assert_eq!(index["label_channels"], 18);
    assert_eq!(index["layout"], "coco18");
    assert_eq!(index["limbs"].as_array().unwrap().len(), 17);
    assert_eq!(index["camera"]["view"], "front");
    let back: CharacterStyle = serde_json::from_value(index["style"].clone()).unwrap();
    assert_eq!(back, style);
    let frames = index["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 5);
    assert_eq!(frames[3]["sequence"], 1);
    assert_eq!(frames[4]["frame"], 2);
    assert!((frames[4]["time_secs"].as_f64().unwrap() - 0.08).abs() < 1e-12);

    // Each pair is the one PairRenderer draws through the same portrait camera.
    let camera = CharacterRenderer::portrait_camera(View::Front, SIZE.0, SIZE.1, 1.7);
    let mut pairs = PairRenderer::new(style.clone(), SIZE.0, SIZE.1, camera).unwrap();
    let mut expected_classes = Vec::new();
    for (entry, pose) in frames.iter().zip([
        &sequences[0].frames[0],
        &sequences[0].frames[2],
        &sequences[0].frames[4],
        &sequences[1].frames[0],
        &sequences[1].frames[2],
    ]) {
        let (w, h, classes) = read_pgm(&out.join(entry["label"].as_str().unwrap()));
        assert_eq!((w, h), SIZE);
        assert!(classes.iter().all(|&c| c <= 17));
        assert!(classes.iter().filter(|&&c| c > 0).count() > 200);
        let image_bytes = std::fs::read(out.join(entry["image"].as_str().unwrap())).unwrap();
        let image = RgbImage::from_ppm_bytes(&image_bytes).unwrap();
        let (map, want) = pairs.render_pair(pose);
        class_indices(&map, &mut expected_classes);
        assert_eq!(classes, expected_classes);
        assert_eq!(image, want);
    }
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary folders left behind");
}

#[test]
fn datasets_replace_datasets_but_not_other_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pairs");
    let style = CharacterStyle::default();
    write_pairs_dataset(&out, &[arm_raise(6)], 1, &style, SIZE).unwrap();
    let again = write_pairs_dataset(&out, &[arm_raise(3)], 1, &style, SIZE).unwrap();
    assert_eq!(again.pairs_written, 3);
    let labels = std::fs::read_dir(out.join("train_label")).unwrap().count();
    assert_eq!(labels, 3, "the old dataset's files are gone");

    let precious = tmp.path().join("precious");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("notes.txt"), b"keep me").unwrap();
    let err = write_pairs_dataset(&precious, &[arm_raise(2)], 1, &style, SIZE).unwrap_err();
    assert!(matches!(err, DatasetError::Exists { .. }), "{err}");
    assert!(precious.join("notes.txt").exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
}

#[test]
fn frames_that_cannot_be_completed_are_skipped_and_bad_arguments_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut never_ankle = arm_raise(4);
    for f in &mut never_ankle.frames {
        f.points[Joint::RAnkle.index()] = Vec3::new(f64::NAN, 0.0, 0.0);
    }
    let style = CharacterStyle::default();
    let out = tmp.path().join("d");
    let report =
        write_pairs_dataset(&out, &[never_ankle.clone(), side_step(3)], 1, &style, SIZE).unwrap();
    assert_eq!((report.pairs_written, report.frames_skipped), (3, 4));
    let only_bad = write_pairs_dataset(&tmp.path().join("e"), &[never_ankle], 1, &style, SIZE);
    assert!(matches!(only_bad, Err(DatasetError::NoFrames)));
    let zero = write_pairs_dataset(&tmp.path().join("f"), &[side_step(3)], 0, &style, SIZE);
    assert!(matches!(zero, Err(DatasetError::EveryNth)));
    let tiny = write_pairs_dataset(&tmp.path().join("g"), &[side_step(3)], 1, &style, (4, 4));
    assert!(matches!(tiny, Err(DatasetError::Character(_))));
    assert!(!tmp.path().join("e").exists() && !tmp.path().join("g").exists());
}

#[test]
fn seeded_styles_draw_different_people_in_the_same_pose() {
    let camera = CharacterRenderer::portrait_camera(View::Front, 64, 96, 1.7);
    let pose = BodyModel::default().rest_pose();
    let draw = |seed: u64| {
        let r = CharacterRenderer::new(CharacterStyle::from_seed(seed), 64, 96, camera).unwrap();
        let mut img = RgbImage::new(64, 96, [0, 0, 0]);
        r.render(&pose, &mut img);
        img
    };
    assert_eq!(draw(11), draw(11));
    assert_ne!(draw(11), draw(12));
}
