//! The writer's failure paths: every one names the problem and leaves no file behind.

use super::*;

fn spec() -> VideoSpec {
    VideoSpec {
        width_px: 64,
        height_px: 48,
        fps: 10.0,
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn command_line_has_the_audio_part_only_with_audio() {
    let temp = Path::new("/tmp/x.tmp.mp4");
    let settings = EncodeSettings::default();
    let plain: Vec<String> = ffmpeg_args(&spec(), None, &settings, temp)
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let text = plain.join(" ");
    assert!(
        text.contains("-f rawvideo -pix_fmt rgb24 -s 64x48 -r 10 -i -"),
        "{text}"
    );
    assert!(text.contains("-c:v libx264 -pix_fmt yuv420p -preset veryfast -crf 23"));
    assert!(text.ends_with("-f mp4 /tmp/x.tmp.mp4"));
    assert!(!text.contains("aac"));
    let with_audio: Vec<String> = ffmpeg_args(&spec(), Some(Path::new("a.wav")), &settings, temp)
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let text = with_audio.join(" ");
    assert!(
        text.contains("-i - -i a.wav -map 0:v -map 1:a -c:a aac -shortest"),
        "{text}"
    );
}

#[test]
fn missing_ffmpeg_says_how_to_install_it() {
    let dir = tempfile::tempdir().unwrap();
    let settings = EncodeSettings {
        ffmpeg: PathBuf::from("ffmpeg-not-installed-here"),
        ..EncodeSettings::default()
    };
    let err = VideoWriter::create(&dir.path().join("o.mp4"), spec(), None, &settings).unwrap_err();
    assert!(matches!(err, VideoError::FfmpegNotFound { .. }));
    assert!(
        err.to_string()
            .contains("install ffmpeg (scripts/setup.sh does)"),
        "{err}"
    );
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn bad_inputs_are_refused_before_ffmpeg_starts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.mp4");
    let settings = EncodeSettings::default();
    let audio = dir.path().join("missing.wav");
    let err = VideoWriter::create(&out, spec(), Some(&audio), &settings).unwrap_err();
    assert!(err.to_string().contains("missing.wav"), "{err}");
    let odd = VideoSpec {
        width_px: 63,
        ..spec()
    };
    assert!(matches!(
        VideoWriter::create(&out, odd, None, &settings),
        Err(VideoError::InvalidSpec(_))
    ));
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, b"x").unwrap();
    let err = VideoWriter::create(&blocked.join("o.mp4"), spec(), None, &settings).unwrap_err();
    assert!(matches!(err, VideoError::OutputDir { .. }), "{err}");
    assert_eq!(files_in(dir.path()), vec!["file".to_owned()]);
}

#[test]
fn an_encoder_failure_reports_stderr_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.mp4");
    let settings = EncodeSettings {
        preset: "no-such-preset".to_owned(),
        ..EncodeSettings::default()
    };
    let frame = RgbImage::new(64, 48, [10, 20, 30]);
    let result = VideoWriter::create(&out, spec(), None, &settings).and_then(|mut w| {
        for _ in 0..20 {
            w.write_frame(&frame)?;
        }
        w.finish()
    });
    let err = result.unwrap_err();
    assert!(matches!(err, VideoError::Encoder { .. }), "{err}");
    assert!(err.to_string().contains("no-such-preset"), "{err}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_dropped_or_empty_writer_leaves_nothing_and_a_good_one_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.mp4");
    let settings = EncodeSettings::default();
    let frame = RgbImage::new(64, 48, [10, 20, 30]);
    let mut w = VideoWriter::create(&out, spec(), None, &settings).unwrap();
    w.write_frame(&frame).unwrap();
    let wrong = RgbImage::new(32, 48, [0, 0, 0]);
    assert!(matches!(
        w.write_frame(&wrong),
        Err(VideoError::FrameSize { .. })
    ));
    drop(w);
    assert!(files_in(dir.path()).is_empty());
    let w = VideoWriter::create(&out, spec(), None, &settings).unwrap();
    assert!(matches!(w.finish(), Err(VideoError::NoFrames { .. })));
    assert!(files_in(dir.path()).is_empty());
    let mut w = VideoWriter::create(&out, spec(), None, &settings).unwrap();
    for _ in 0..5 {
        w.write_frame(&frame).unwrap();
    }
    let report = w.finish().unwrap();
    assert_eq!((report.frames, report.has_audio), (5, false));
    assert_eq!(files_in(dir.path()), vec!["o.mp4".to_owned()]);
    assert!(std::fs::metadata(&out).unwrap().len() > 100);
}
