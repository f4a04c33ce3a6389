//! The shipped avatar model (`models/avatar.safetensors`, feature `torch`): on dances it never
//! saw (fresh songs, another seed) its pictures meet the quality targets against the
//! procedural character it learned (PSNR ≥ 24 dB, SSIM ≥ 0.85), and asking for CUDA on a
//! machine without it renders on the CPU with a notice.

#![cfg(feature = "torch")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn dancebot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dancebot"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn shipped_avatar_meets_its_quality_targets_on_unseen_dances() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pairs");
    let json = tmp.path().join("eval.json");
    ok(&dancebot(&[
        "train",
        "avatar-data",
        "--out",
        data.to_str().unwrap(),
        "--count",
        "1",
        "--seed",
        "4242",
        "--every-nth",
        "12",
    ]));
    ok(&dancebot(&[
        "eval",
        "avatar",
        "--data",
        data.to_str().unwrap(),
        "--device",
        "cpu",
        "--json",
        json.to_str().unwrap(),
    ]));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let frames = report["frames"].as_u64().unwrap();
    let psnr = report["psnr_db_mean"].as_f64().unwrap();
    let ssim = report["ssim_mean"].as_f64().unwrap();
    assert!(frames >= 20, "{frames} frames");
    assert!(psnr >= 24.0, "PSNR {psnr:.2} dB over {frames} frames");
    assert!(ssim >= 0.85, "SSIM {ssim:.4} over {frames} frames");
}

#[test]
fn cuda_without_a_gpu_renders_on_the_cpu_with_a_notice() {
    if tch::Cuda::is_available() {
        return; // The notice is for machines without CUDA.
    }
    let tmp = tempfile::tempdir().unwrap();
    let skel = tmp.path().join("skeleton.json");
    let rest = dancebot::choreography::BodyModel::default().rest_pose();
    let seq = dancebot::choreography::SkeletonSequence::new(30.0, vec![rest; 4]);
    std::fs::write(&skel, seq.to_json_bytes().unwrap()).unwrap();
    let out = tmp.path().join("avatar.mp4");
    let run = dancebot(&[
        "render",
        skel.to_str().unwrap(),
        "--avatar",
        "model",
        "--device",
        "cuda",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&run);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("CUDA") && err.contains("CPU"), "{err}");
    assert!(Path::new(&out).exists());
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(said.contains("pix2pixhd"), "{said}");
}
