//! `dancebot dance` end to end on a short synthesized song: every output file, a dance that
//! lands on the beats, and no partial output when the input is bad.

use std::path::Path;
use std::process::Command;

use dancebot::audio::synth::{self, SectionKind, SectionSpec, SongSpec};
use dancebot::choreography::SkeletonSequence;

fn dancebot() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dancebot"))
}

#[allow(clippy::unwrap_used)]
fn short_song(dir: &Path) -> std::path::PathBuf {
    let spec = SongSpec {
        structure: vec![
            SectionSpec::new(SectionKind::Verse, 4),
            SectionSpec::new(SectionKind::Chorus, 4),
            SectionSpec::new(SectionKind::Verse, 4),
        ],
        ..SongSpec::default()
    };
    let song = synth::render(&spec).unwrap();
    let wav = dir.join("song.wav");
    synth::write_song(&wav, &song).unwrap();
    wav
}

#[test]
fn dance_writes_every_output_and_the_dance_follows_the_beats() {
    let tmp = tempfile::tempdir().unwrap();
    let wav = short_song(tmp.path());
    let out = tmp.path().join("out");
    let run = dancebot()
        .args([
            "dance",
            wav.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for name in [
        "beats.json",
        "beats_online.json",
        "features.json",
        "skeleton.json",
        "summary.json",
        "beats.svg",
        "preview.mp4",
        "trajectory.json",
        "robot_preview.mp4",
        "avatar.mp4",
    ] {
        let meta = std::fs::metadata(out.join(name)).unwrap();
        assert!(meta.len() > 100, "{name} is {} bytes", meta.len());
    }
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names.iter().all(|n| !n.to_string_lossy().starts_with('.')),
        "staging left behind: {names:?}"
    );
    let seq = SkeletonSequence::load(&out.join("skeleton.json")).unwrap();
    assert_eq!(seq.non_finite_frames(), 0);
    assert_eq!(seq.audio.as_deref(), Some(wav.as_path()));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let bas = summary["dance_metrics"]["beat_align_score"]
        .as_f64()
        .unwrap();
    assert!(bas >= 0.6, "Beat Align Score {bas}");
    let dev = summary["dance_metrics"]["bone_length"]["max_rel"]
        .as_f64()
        .unwrap();
    assert!(dev < 0.02, "bone-length deviation {dev}");
    let violations = &summary["robot"]["eval"]["limit_violations"];
    for kind in ["position", "velocity", "acceleration"] {
        assert_eq!(violations[kind].as_u64(), Some(0), "{kind}: {violations}");
    }
    assert_eq!(
        summary["robot"]["eval"]["non_finite_values"].as_u64(),
        Some(0)
    );
    let drawn_by = if cfg!(feature = "torch") {
        "pix2pixhd"
    } else {
        "character"
    };
    assert_eq!(summary["avatar"]["renderer"].as_str(), Some(drawn_by));
    let traj = dancebot::retarget::JointTrajectory::load(&out.join("trajectory.json")).unwrap();
    assert_eq!(traj.len(), seq.frames.len());
    assert_eq!(traj.velocities_rad_per_s.len(), traj.len());
    let stages: Vec<&str> = summary["timings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stage"].as_str().unwrap())
        .collect();
    assert!(
        stages.contains(&"choreography") && stages.contains(&"preview_video"),
        "{stages:?}"
    );
}

#[test]
fn a_bad_audio_file_fails_with_its_name_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("noise.wav");
    std::fs::write(&bad, b"RIFF\x10\x00\x00\x00WAVEjunkjunk").unwrap();
    let out = tmp.path().join("out");
    let run = dancebot()
        .args([
            "dance",
            bad.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("noise.wav"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&out)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "partial output: {left:?}");
}
