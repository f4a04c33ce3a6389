//! End-to-end tests of the avatar model: a tiny dataset on disk, a short run, reload.

use tch::Device;

use super::config::tiny_config;
use super::data::load_pairs;
use super::infer::AvatarModel;
use super::session::{run, AvatarProgress, AvatarRunSpec};
use crate::choreography::body::BodyModel;
use crate::choreography::sequence::SkeletonSequence;
use crate::render::avatar::AvatarRenderer;
use crate::render::character::dataset::write_pairs_dataset;
use crate::render::character::CharacterStyle;

fn dancing_sequence(n: usize) -> SkeletonSequence {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..n)
        .map(|k| {
            let mut p = rest;
            p.points[4].x += 0.05 * k as f64;
            p.points[7].y += 0.04 * k as f64;
            p
        })
        .collect();
    SkeletonSequence::new(30.0, frames)
}

fn tiny_dataset(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("pairs");
    let seqs = [dancing_sequence(4), dancing_sequence(3)];
    write_pairs_dataset(&out, &seqs, 1, &CharacterStyle::default(), (64, 64)).unwrap();
    out
}

#[test]
fn corrupt_frames_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = tiny_dataset(dir.path());
    std::fs::write(pairs.join("train_img/000002.ppm"), b"P6 64 64 255\nshort").unwrap();
    std::fs::write(pairs.join("train_label/000005.pgm"), b"garbage").unwrap();
    let data = load_pairs(&pairs).unwrap();
    assert_eq!(data.frames.len(), 5);
    assert_eq!(data.skipped, 2);
    assert_eq!(data.n_sequences(), 2);
    let (train, val) = data.split(0.3, 0);
    assert!(!val.is_empty() && !train.is_empty());
    let val_seq = data.frames[val[0]].sequence;
    assert!(train.iter().all(|&i| data.frames[i].sequence != val_seq));
}

#[test]
fn trained_model_round_trips_and_wrong_shapes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = tiny_dataset(dir.path());
    let data = load_pairs(&pairs).unwrap();
    let out = dir.path().join("avatar.safetensors");
    let spec = AvatarRunSpec {
        config: tiny_config(),
        epochs: 1,
        max_steps: Some(3),
        seed: 0,
        device: Device::Cpu,
        out: out.clone(),
        command: "test".into(),
        vgg: None,
        resume: None,
    };
    let mut epochs = 0;
    let manifest = run(&spec, &data, &mut |p| {
        if let AvatarProgress::EpochEnd { .. } = p {
            epochs += 1;
        }
    })
    .unwrap();
    assert_eq!((epochs, manifest.training.steps), (1, 3));
    assert!(manifest.training.val_ssim.is_some());
    assert!(dir.path().join("avatar.losses.csv").is_file());
    assert!(dir.path().join("avatar.samples/epoch-0001.png").is_file());
    let csv = std::fs::read_to_string(dir.path().join("avatar.losses.csv")).unwrap();
    assert!(csv.starts_with("epoch,steps,elapsed_secs,") && csv.contains("val_ssim"));

    let poses = dancing_sequence(3).frames;
    let mut a = AvatarModel::load(&out, Device::Cpu).unwrap();
    let mut b = AvatarModel::load(&out, Device::Cpu).unwrap();
    assert_eq!((a.name(), a.size()), ("pix2pixhd".to_owned(), (64, 64)));
    let (mut ia, mut ib) = (Vec::new(), Vec::new());
    a.render(&poses, &mut ia).unwrap();
    b.render(&poses, &mut ib).unwrap();
    assert_eq!(ia.len(), 3);
    assert_eq!(ia, ib);
    assert_ne!(ia[0], ia[2], "different poses, different pictures");

    // Resume from the checkpoint continues the step count.
    let mut resumed = spec.clone();
    resumed.resume = Some(dir.path().join("avatar.checkpoints/epoch-0001.json"));
    resumed.max_steps = Some(5);
    let m2 = run(&resumed, &data, &mut |_| {}).unwrap();
    assert_eq!((m2.training.epochs, m2.training.steps), (2, 5));

    // A manifest describing a wider generator than the weights.
    let manifest_path = dir.path().join("avatar.json");
    let mut text: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    text["network"]["ngf"] = serde_json::json!(8);
    // Regenerate the tensors table for ngf 8 so only the weights file disagrees.
    let cfg8: super::AvatarNetConfig = serde_json::from_value(text["network"].clone()).unwrap();
    let vs = tch::nn::VarStore::new(Device::Cpu);
    let _g = super::networks::Generator::new(vs.root(), &cfg8);
    text["tensors"] = serde_json::to_value(crate::neural::manifest::tensor_shapes(&vs)).unwrap();
    std::fs::write(&manifest_path, serde_json::to_vec(&text).unwrap()).unwrap();
    let e = AvatarModel::load(&out, Device::Cpu)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("avatar.safetensors")
            && e.contains("expected shape [")
            && e.contains("has shape ["),
        "{e}"
    );

    let missing = AvatarModel::load(&dir.path().join("nope.safetensors"), Device::Cpu).unwrap_err();
    assert!(missing.to_string().contains("nope.safetensors"));
}
