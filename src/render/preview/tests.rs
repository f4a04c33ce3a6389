//! Preview frames: configuration, beat flashes, figure colours, frame-rate conversion and
//! missing keypoints.

use std::path::Path;

use super::*;
use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::Joint;
use crate::render::stick::OPENPOSE_COLOURS;

/// Two seconds at 30 fps of the rest pose swaying sideways, beats every half second.
fn sequence() -> SkeletonSequence {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..60)
        .map(|k| {
            let x = 0.1 * (k as f64 * 0.2).sin();
            rest.translated(Vec3::new(x, 0.0, 0.0))
        })
        .collect();
    let mut seq = SkeletonSequence::new(30.0, frames);
    seq.beats_secs = vec![0.5, 1.0, 1.5];
    seq
}

fn border_mean(img: &RgbImage) -> f64 {
    let sum: u32 = (0..img.width())
        .map(|x| u32::from(img.pixel(x, 1).unwrap_or_default()[0]))
        .sum();
    f64::from(sum) / img.width() as f64
}

#[test]
fn config_defaults_validate_and_bad_values_are_named() {
    let cfg = PreviewConfig::default();
    assert_eq!((cfg.width_px, cfg.height_px, cfg.fps), (640, 480, None));
    assert_eq!(cfg.validate(), Ok(()));
    let parsed: PreviewConfig =
        crate::config::parse("width_px: 320\nfps: 25", Path::new("p.yaml")).unwrap();
    assert_eq!(
        (parsed.width_px, parsed.height_px, parsed.fps),
        (320, 480, Some(25.0))
    );
    let odd = crate::config::parse::<PreviewConfig>("height_px: 481", Path::new("p.yaml"));
    assert!(odd.unwrap_err().to_string().contains("height_px"));
    let unknown = crate::config::parse::<PreviewConfig>("colour: 3", Path::new("p.yaml"));
    assert!(unknown.is_err());
    for bad in [
        "fps: 0",
        "fps: .nan",
        "smooth_sigma_frames: -1",
        "flash_secs: 9",
    ] {
        assert!(crate::config::parse::<PreviewConfig>(bad, Path::new("p.yaml")).is_err());
    }
}

#[test]
fn flash_peaks_on_beats_and_decays_within_flash_secs() {
    let r = PreviewRenderer::new(&sequence(), &PreviewConfig::default()).unwrap();
    assert_eq!(r.flash_at(0.2), 0.0);
    assert_eq!(r.flash_at(0.5), 1.0);
    let (a, b) = (r.flash_at(0.53), r.flash_at(0.56));
    assert!(1.0 > a && a > b && b > 0.0, "{a} {b}");
    assert_eq!(r.flash_at(0.5 + 0.12), 0.0);
    assert_eq!(r.flash_at(0.8), 0.0);
    assert_eq!((r.beats_passed(0.49), r.beats_passed(1.0)), (0, 2));
}

#[test]
fn the_border_flashes_on_a_beat_frame_only() {
    let r = PreviewRenderer::new(&sequence(), &PreviewConfig::default()).unwrap();
    let mut img = RgbImage::new(1, 1, [0, 0, 0]);
    r.render(15, &mut img);
    assert_eq!((img.width(), img.height()), (640, 480));
    let on_beat = border_mean(&img);
    r.render(24, &mut img);
    let between = border_mean(&img);
    assert!(on_beat > 240.0 && between < 60.0, "{on_beat} vs {between}");
}

#[test]
fn the_front_view_shows_the_figure_in_openpose_colours() {
    let r = PreviewRenderer::new(&sequence(), &PreviewConfig::default()).unwrap();
    let mut img = RgbImage::new(640, 480, [0, 0, 0]);
    r.render(10, &mut img);
    let pose = r.pose_at(10);
    let cam = r.front_figure().camera;
    let at = |a: Joint, b: Joint| {
        let p = cam.project(&((pose.get(a) + pose.get(b)) * 0.5));
        img.pixel(p.x as usize, p.y as usize)
    };
    assert_eq!(at(Joint::RHip, Joint::RKnee), Some(OPENPOSE_COLOURS[7]));
    assert_eq!(
        at(Joint::LShoulder, Joint::LElbow),
        Some(OPENPOSE_COLOURS[4])
    );
    // The side view (right 30 %) shows the figure too.
    let side_colours = (448..634)
        .flat_map(|x| (0..440).map(move |y| (x, y)))
        .filter(|&(x, y)| img.pixel(x, y) == Some(OPENPOSE_COLOURS[7]))
        .count();
    assert!(side_colours > 50, "{side_colours}");
    let front_only = PreviewConfig {
        side_view: false,
        ..PreviewConfig::default()
    };
    let r = PreviewRenderer::new(&sequence(), &front_only).unwrap();
    assert!(r.front_figure().camera.px_per_m() > 150.0);
}

#[test]
fn progress_grows_and_renders_are_deterministic() {
    let r = PreviewRenderer::new(&sequence(), &PreviewConfig::default()).unwrap();
    let bar = r.layout.bar;
    let filled = |k: usize| {
        let mut img = RgbImage::new(640, 480, [0, 0, 0]);
        r.render(k, &mut img);
        (bar.x0..bar.x1)
            .filter(|&x| img.pixel(x, bar.y0) == Some(PROGRESS_RGB))
            .count()
    };
    assert!(filled(0) < filled(30) && filled(30) < filled(59));
    assert_eq!(filled(59), bar.width());
    let (mut a, mut b) = (
        RgbImage::new(640, 480, [0; 3]),
        RgbImage::new(640, 480, [9; 3]),
    );
    r.render(33, &mut a);
    r.render(33, &mut b);
    assert_eq!(a, b);
}

#[test]
fn output_rate_conversion_picks_the_nearest_pose() {
    let cfg = PreviewConfig {
        fps: Some(15.0),
        smooth_sigma_frames: 0.0,
        ..PreviewConfig::default()
    };
    let seq = sequence();
    let r = PreviewRenderer::new(&seq, &cfg).unwrap();
    assert_eq!(r.frame_count(), 30);
    assert_eq!(r.pose_at(7), &seq.frames[14]);
    assert_eq!(r.pose_at(1000), &seq.frames[59]);
}

#[test]
fn a_frame_with_missing_keypoints_is_drawn_as_the_held_pose() {
    let seq = sequence();
    let mut gappy = seq.clone();
    gappy.frames[20].points[4] = Vec3::repeat(f64::NAN);
    gappy.frames[21].points = [Vec3::repeat(f64::NAN); 18];
    let mut held = seq.clone();
    held.frames[20].points[4] = seq.frames[19].points[4];
    held.frames[21] = held.frames[20];
    let cfg = PreviewConfig::default();
    let (a, b) = (
        PreviewRenderer::new(&gappy, &cfg).unwrap(),
        PreviewRenderer::new(&held, &cfg).unwrap(),
    );
    let (mut ia, mut ib) = (
        RgbImage::new(640, 480, [0; 3]),
        RgbImage::new(640, 480, [0; 3]),
    );
    for k in 18..24 {
        a.render(k, &mut ia);
        b.render(k, &mut ib);
        assert_eq!(ia, ib, "frame {k}");
    }
}

#[test]
fn unusable_sequences_are_refused() {
    let empty = SkeletonSequence::new(30.0, Vec::new());
    let cfg = PreviewConfig::default();
    assert!(matches!(
        PreviewRenderer::new(&empty, &cfg),
        Err(RenderError::EmptySequence)
    ));
    let mut bad = sequence();
    bad.fps = 0.0;
    assert!(matches!(
        PreviewRenderer::new(&bad, &cfg),
        Err(RenderError::InvalidFps { .. })
    ));
}
