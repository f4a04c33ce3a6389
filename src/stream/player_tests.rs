use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;

use super::*;
use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::Joint;
use crate::clock::ManualClock;
use crate::render::avatar::AvatarError;
use crate::render::character::CharacterStyle;
use crate::render::CharacterAvatar;
use crate::stream::{FrameSink, SinkError};

#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<Arc<EncodedFrame>>>>);

impl Collected {
    fn indices(&self) -> Vec<u64> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|f| f.frame.index)
            .collect()
    }
    fn frames(&self) -> Vec<Arc<EncodedFrame>> {
        self.0.lock().unwrap().clone()
    }
}

impl FrameSink for Collected {
    fn name(&self) -> &str {
        "collector"
    }
    fn push(&mut self, frame: &Arc<EncodedFrame>) -> Result<(), SinkError> {
        self.0.lock().unwrap().push(frame.clone());
        Ok(())
    }
}

/// Draws a flat image and counts resets.
struct Flat {
    resets: Arc<AtomicUsize>,
}

impl AvatarRenderer for Flat {
    fn name(&self) -> String {
        "flat".into()
    }
    fn size(&self) -> (usize, usize) {
        (16, 16)
    }
    fn render(&mut self, poses: &[Pose], out: &mut Vec<RgbImage>) -> Result<(), AvatarError> {
        out.extend(poses.iter().map(|_| RgbImage::new(16, 16, [9, 9, 9])));
        Ok(())
    }
    fn reset(&mut self) {
        self.resets.fetch_add(1, Ordering::SeqCst);
    }
}

/// `n` frames at 10 fps, the right wrist rising; beats at 0.2 and 0.5 s, a downbeat at 0.5 s.
fn dance(n: usize) -> (SkeletonSequence, BeatGrid) {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..n)
        .map(|k| {
            let mut p = rest;
            p.points[Joint::RWrist.index()].y += 0.05 * k as f64;
            p
        })
        .collect();
    let beats = BeatGrid {
        tempo_bpm: Some(200.0),
        beats_secs: vec![0.2, 0.5],
        downbeats_secs: vec![0.5],
        ..BeatGrid::default()
    };
    (SkeletonSequence::new(10.0, frames), beats)
}

fn player(n: usize, looping: bool, clock: &ManualClock) -> (DancePlayer, Arc<AtomicUsize>) {
    let (seq, beats) = dance(n);
    let resets = Arc::new(AtomicUsize::new(0));
    let renderer = Box::new(Flat {
        resets: resets.clone(),
    });
    let config = PlayerConfig {
        jpeg_quality: 70,
        looping,
    };
    let p = DancePlayer::new(&seq, &beats, renderer, Arc::new(clock.clone()), config).unwrap();
    (p, resets)
}

fn fan(c: &Collected) -> FanOut {
    let mut fan = FanOut::new();
    fan.add(Box::new(c.clone()));
    fan
}

#[test]
fn shows_each_frame_when_due_and_finishes_at_the_end() {
    let clock = ManualClock::new();
    let (mut p, _) = player(8, false, &clock);
    let c = Collected::default();
    let mut sinks = fan(&c);
    assert_eq!(
        p.tick(&mut sinks).unwrap(),
        Step::Pushed {
            index: 0,
            skipped: 0
        }
    );
    clock.advance_secs(0.04);
    match p.tick(&mut sinks).unwrap() {
        Step::Waiting { in_secs } => assert!((in_secs - 0.06).abs() < 1e-6, "{in_secs}"),
        other => panic!("{other:?}"),
    }
    for _ in 1..8 {
        clock.set_secs(clock.now_secs() + 0.1);
        assert!(matches!(p.tick(&mut sinks).unwrap(), Step::Pushed { .. }));
    }
    clock.advance_secs(0.1);
    assert_eq!(p.tick(&mut sinks).unwrap(), Step::Finished);
    assert_eq!(c.indices(), (0..8).collect::<Vec<_>>());
    assert_eq!(
        p.stats(),
        PlayStats {
            pushed: 8,
            skipped: 0
        }
    );
    let frames = c.frames();
    assert!((frames[3].frame.time_secs - 0.3).abs() < 1e-9);
    assert_eq!(&frames[3].jpeg[..2], &[0xFF, 0xD8]);
}

#[test]
fn falling_behind_skips_to_the_due_frame_and_keeps_the_beat() {
    let clock = ManualClock::new();
    let (mut p, _) = player(10, false, &clock);
    let c = Collected::default();
    let mut sinks = fan(&c);
    p.tick(&mut sinks).unwrap();
    clock.set_secs(0.1);
    p.tick(&mut sinks).unwrap();
    // Rendering stalled for 0.35 s: frame 4 is due; 2 and 3 are skipped, the beat at 0.2 s
    // is still reported on the frame shown.
    clock.set_secs(0.45);
    assert_eq!(
        p.tick(&mut sinks).unwrap(),
        Step::Pushed {
            index: 4,
            skipped: 2
        }
    );
    clock.set_secs(0.5);
    p.tick(&mut sinks).unwrap();
    let frames = c.frames();
    let beat: Vec<bool> = frames.iter().map(|f| f.frame.meta.beat).collect();
    assert_eq!(beat, vec![false, false, true, true]);
    let counts: Vec<u64> = frames.iter().map(|f| f.frame.meta.beat_count).collect();
    assert_eq!(counts, vec![0, 0, 1, 2]);
    assert!(frames[3].frame.meta.downbeat && !frames[2].frame.meta.downbeat);
    let phase = frames[2].frame.meta.beat_phase.unwrap();
    assert!((phase - 2.0 / 3.0).abs() < 1e-9, "{phase}");
    assert_eq!(p.stats().skipped, 2);
}

#[test]
fn looping_restarts_time_resets_the_renderer_and_indices_keep_rising() {
    let clock = ManualClock::new();
    let (mut p, resets) = player(6, true, &clock);
    let c = Collected::default();
    let mut sinks = fan(&c);
    let stop = AtomicBool::new(false);
    let mut waits = 0;
    let mut wait = |secs: f64| {
        waits += 1;
        clock.advance_secs(secs);
        if clock.now_secs() > 1.45 {
            stop.store(true, Ordering::SeqCst);
        }
    };
    let stats = p.run(&mut sinks, &stop, &mut wait).unwrap();
    assert_eq!(c.indices(), (0..15).collect::<Vec<_>>());
    assert_eq!(stats.pushed, 15);
    let frames = c.frames();
    assert!((frames[7].frame.time_secs - 0.1).abs() < 1e-9);
    assert_eq!(resets.load(Ordering::SeqCst), 2, "reset at slots 6 and 12");
    // Beats at 0.2 and 0.5 s of each 0.6 s loop.
    let counts: Vec<u64> = frames.iter().map(|f| f.frame.meta.beat_count).collect();
    assert_eq!(counts, vec![0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5]);
    assert!(waits >= 14);
}

#[test]
fn run_without_loop_ends_and_draws_the_character_with_its_keypoints() {
    let clock = ManualClock::new();
    let (seq, beats) = dance(5);
    let renderer = Box::new(CharacterAvatar::new(CharacterStyle::default(), 64, 96).unwrap());
    let mut p = DancePlayer::new(
        &seq,
        &beats,
        renderer,
        Arc::new(clock.clone()),
        PlayerConfig::default(),
    )
    .unwrap();
    let c = Collected::default();
    let mut sinks = fan(&c);
    let stop = AtomicBool::new(false);
    let stats = p
        .run(&mut sinks, &stop, &mut |s| clock.advance_secs(s))
        .unwrap();
    assert_eq!(stats.pushed, 5);
    let frames = c.frames();
    let f = &frames[4].frame;
    assert_eq!((f.image.width(), f.image.height()), (64, 96));
    assert_ne!(
        frames[0].frame.image, frames[4].frame.image,
        "the arm moves"
    );
    let wrist = f.meta.keypoints[Joint::RWrist.index()].unwrap();
    let wrist0 = frames[0].frame.meta.keypoints[Joint::RWrist.index()].unwrap();
    assert!(
        wrist[1] < wrist0[1],
        "the wrist rises: {wrist:?} {wrist0:?}"
    );
}

#[test]
fn waiting_as_told_reaches_every_frame_at_30_fps() {
    // 1/30 s is no whole number of nanoseconds: the wait must still reach the next frame.
    let clock = ManualClock::new();
    let (mut seq, beats) = dance(40);
    seq.fps = 30.0;
    let renderer = Box::new(Flat {
        resets: Arc::default(),
    });
    let config = PlayerConfig::default();
    let mut p = DancePlayer::new(&seq, &beats, renderer, Arc::new(clock.clone()), config).unwrap();
    let c = Collected::default();
    let mut sinks = fan(&c);
    let stop = AtomicBool::new(false);
    let mut waits = 0;
    let stats = p
        .run(&mut sinks, &stop, &mut |secs| {
            waits += 1;
            if waits > 200 {
                stop.store(true, Ordering::SeqCst);
            }
            clock.advance_secs(secs);
        })
        .unwrap();
    assert_eq!(
        stats,
        PlayStats {
            pushed: 40,
            skipped: 0
        }
    );
    assert_eq!(waits, 40);
    assert!((clock.now_secs() - 40.0 / 30.0).abs() < 1e-6);
}

#[test]
fn refuses_an_empty_dance() {
    let (mut seq, beats) = dance(2);
    seq.frames.clear();
    let renderer = Box::new(Flat {
        resets: Arc::default(),
    });
    let err = DancePlayer::new(
        &seq,
        &beats,
        renderer,
        Arc::new(ManualClock::new()),
        PlayerConfig::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no frames"), "{err}");
}
