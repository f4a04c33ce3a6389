//! The companion display over real sockets: an HTTP client reads the MJPEG stream, the
//! snapshot, the state feed and the page, and headless Chromium screenshots the page.
//!
//! Every test here starts a server on 127.0.0.1:0; with feature `http` they run inside the
//! loopback-only network namespace of `scripts/test.sh`.
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use dancebot::analysis::BeatGrid;
use dancebot::choreography::{BodyModel, Joint, SkeletonSequence};
use dancebot::clock::ManualClock;
use dancebot::render::character::CharacterStyle;
use dancebot::render::{AvatarRenderer, CharacterAvatar};
use dancebot::stream::http::StreamServer;
use dancebot::stream::{
    AvatarFrame, DancePlayer, EncodedFrame, FanOut, FrameMeta, FrameSink, PlayerConfig,
};
use mjpeg::{check_jpeg, near, MjpegReader};

const SHIRT: [u8; 3] = [200, 52, 48];
const SKIN: [u8; 3] = [224, 172, 138];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn start(rt: &tokio::runtime::Runtime) -> StreamServer {
    rt.block_on(StreamServer::start("127.0.0.1:0".parse().unwrap()))
        .unwrap()
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(5))
        .timeout_read(Duration::from_secs(10))
        .build()
}

/// Two seconds at 30 fps, the right arm swinging up and down; a beat every half second.
fn dance() -> (SkeletonSequence, BeatGrid) {
    let rest = BodyModel::default().rest_pose();
    let frames = (0..60)
        .map(|k| {
            let mut p = rest;
            let lift = 0.4 * (k as f64 * 0.2).sin().abs();
            p.points[Joint::RWrist.index()].y += lift;
            p.points[Joint::RElbow.index()].y += lift / 2.0;
            p
        })
        .collect();
    let beats = BeatGrid {
        tempo_bpm: Some(120.0),
        beats_secs: (0..4).map(|b| 0.5 * b as f64).collect(),
        downbeats_secs: vec![0.0],
        ..BeatGrid::default()
    };
    (SkeletonSequence::new(30.0, frames), beats)
}

/// Plays the dance in a loop into `sink` on a manual clock that runs in real time-ish.
fn play(
    sink: Box<dyn FrameSink>,
    size: (usize, usize),
    stop: Arc<AtomicBool>,
) -> thread::JoinHandle<u64> {
    thread::spawn(move || {
        let (seq, beats) = dance();
        let clock = ManualClock::new();
        let avatar = CharacterAvatar::new(CharacterStyle::default(), size.0, size.1).unwrap();
        let config = PlayerConfig {
            jpeg_quality: 85,
            looping: true,
        };
        let mut player = DancePlayer::new(
            &seq,
            &beats,
            Box::new(avatar),
            Arc::new(clock.clone()),
            config,
        )
        .unwrap();
        let mut sinks = FanOut::new();
        sinks.add(sink);
        let stats = player
            .run(&mut sinks, &stop, &mut |secs| {
                thread::sleep(Duration::from_millis(5));
                clock.advance_secs(secs);
            })
            .unwrap();
        stats.pushed
    })
}

#[test]
fn player_frames_reach_the_stream_snapshot_and_state_feed() {
    let rt = runtime();
    let server = start(&rt);
    let addr = server.local_addr();

    // Before the first frame the snapshot says so.
    match agent().get(&format!("http://{addr}/snapshot.jpg")).call() {
        Err(ureq::Error::Status(503, resp)) => {
            assert!(resp.into_string().unwrap().contains("no frame yet"))
        }
        other => panic!("expected 503, got {:?}", other.map(|r| r.status())),
    }

    let stop = Arc::new(AtomicBool::new(false));
    let player = play(Box::new(server.sink()), (96, 128), stop.clone());
    let mut stream = MjpegReader::open(addr);
    let mut last = None;
    for _ in 0..12 {
        let part = stream.next();
        let (shirt, skin) = check_jpeg(&part.jpeg, (96, 128));
        assert!(
            shirt > 100 && skin > 30,
            "shirt {shirt}, skin {skin} pixels"
        );
        if let Some(last) = last {
            assert!(part.index > last, "index {} after {last}", part.index);
        }
        last = Some(part.index);
    }

    let snap = agent()
        .get(&format!("http://{addr}/snapshot.jpg"))
        .call()
        .unwrap();
    assert_eq!(snap.header("Content-Type"), Some("image/jpeg"));
    let mut jpeg = Vec::new();
    snap.into_reader().read_to_end(&mut jpeg).unwrap();
    check_jpeg(&jpeg, (96, 128));

    let state = agent()
        .get(&format!("http://{addr}/state.json"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert_eq!(state["keypoints"].as_array().unwrap().len(), 18);
    assert_eq!(state["width"], 96);
    assert_eq!(state["tempo_bpm"], 120.0);

    // Server-sent events: `event: frame` with the JSON state, indices rising.
    let events = agent()
        .get(&format!("http://{addr}/events"))
        .call()
        .unwrap();
    assert_eq!(events.header("Content-Type"), Some("text/event-stream"));
    let mut lines = BufReader::new(events.into_reader()).lines();
    let mut seen = Vec::new();
    while seen.len() < 5 {
        let line = lines.next().unwrap().unwrap();
        if let Some(data) = line.strip_prefix("data: ") {
            let v: serde_json::Value = serde_json::from_str(data).unwrap();
            seen.push(v["index"].as_u64().unwrap());
        }
    }
    assert!(seen.windows(2).all(|w| w[1] > w[0]), "{seen:?}");

    stop.store(true, Ordering::SeqCst);
    assert!(player.join().unwrap() >= 12);
    rt.block_on(server.shutdown()).unwrap();
}

/// Frames of `size` with noise, so each JPEG is large (tens of KB) as a real avatar's is.
fn heavy_frames(n: usize, size: (usize, usize)) -> Vec<AvatarFrame> {
    let mut avatar = CharacterAvatar::new(CharacterStyle::default(), size.0, size.1).unwrap();
    let (seq, _) = dance();
    let mut images = Vec::new();
    avatar.render(&seq.frames[..n], &mut images).unwrap();
    images
        .into_iter()
        .enumerate()
        .map(|(k, mut image)| {
            let mut s = (k as u32 + 1).wrapping_mul(2_654_435_761);
            for y in (0..size.1).step_by(2) {
                for x in 0..size.0 {
                    s ^= s << 13;
                    s ^= s >> 17;
                    s ^= s << 5;
                    if s.is_multiple_of(7) {
                        image.put(x, y, [s as u8, (s >> 8) as u8, (s >> 16) as u8]);
                    }
                }
            }
            AvatarFrame {
                index: 0,
                time_secs: 0.0,
                image,
                meta: FrameMeta::default(),
            }
        })
        .collect()
}

#[test]
fn a_slow_client_drops_frames_without_stalling_the_others_or_the_feeder() {
    let rt = runtime();
    let server = start(&rt);
    let addr = server.local_addr();
    let size = (320, 240);
    let frames: Vec<Arc<EncodedFrame>> = heavy_frames(8, size)
        .into_iter()
        .map(|f| Arc::new(EncodedFrame::new(f, 90).unwrap()))
        .collect();
    assert!(
        frames[0].jpeg.len() > 20_000,
        "{} bytes",
        frames[0].jpeg.len()
    );

    // The feeder: a frame every 4 ms; records how long the slowest push took.
    let stop = Arc::new(AtomicBool::new(false));
    let published = Arc::new(AtomicU64::new(0));
    let feeder = {
        let (stop, published) = (stop.clone(), published.clone());
        let mut sink = server.sink();
        thread::spawn(move || {
            let mut slowest = Duration::ZERO;
            let mut i = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let mut f = (*frames[i as usize % frames.len()]).clone();
                f.frame.index = i;
                let f = Arc::new(f);
                let t = Instant::now();
                sink.push(&f).unwrap();
                slowest = slowest.max(t.elapsed());
                published.store(i, Ordering::SeqCst);
                i += 1;
                thread::sleep(Duration::from_millis(4));
            }
            slowest
        })
    };

    let run_for = Duration::from_millis(2500);
    let fast: Vec<_> = (0..3)
        .map(|_| {
            thread::spawn(move || {
                let mut s = MjpegReader::open(addr);
                let started = Instant::now();
                let mut indices = Vec::new();
                while started.elapsed() < run_for {
                    let part = s.next();
                    if indices.len().is_multiple_of(50) {
                        check_jpeg(&part.jpeg, (320, 240));
                    }
                    indices.push(part.index);
                }
                indices
            })
        })
        .collect();
    let slow = {
        let published = published.clone();
        thread::spawn(move || {
            let mut s = MjpegReader::open(addr);
            let started = Instant::now();
            let mut slow_reads = 0;
            while started.elapsed() < run_for {
                s.next();
                slow_reads += 1;
                thread::sleep(Duration::from_millis(400));
            }
            // Catch up: read as fast as possible until a frame as new as the feeder's latest
            // arrives. Had frames queued per client, that would take hundreds of parts.
            let target = published.load(Ordering::SeqCst);
            let mut catch_up = 0;
            loop {
                let part = s.next();
                catch_up += 1;
                if part.index >= target {
                    break;
                }
            }
            (slow_reads, catch_up, target)
        })
    };

    let fast: Vec<Vec<u64>> = fast.into_iter().map(|h| h.join().unwrap()).collect();
    let (slow_reads, catch_up, target) = slow.join().unwrap();
    eprintln!(
        "fast clients got {:?} frames; the slow one read {slow_reads}, then caught up with \
         frame {target} in {catch_up} parts",
        fast.iter().map(Vec::len).collect::<Vec<_>>()
    );
    for indices in &fast {
        assert!(
            indices.len() > 100,
            "a fast client got only {} frames of {target}",
            indices.len()
        );
        assert!(indices.windows(2).all(|w| w[1] > w[0]));
    }
    assert!(slow_reads <= 8, "{slow_reads}");
    assert!(
        catch_up < 200 && (catch_up as u64) < target / 2,
        "the slow client needed {catch_up} parts to catch up with frame {target}"
    );

    // Clients that go away are cleaned up.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.clients() > 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.clients(), 0, "disconnected clients still counted");

    stop.store(true, Ordering::SeqCst);
    let slowest = feeder.join().unwrap();
    assert!(
        slowest < Duration::from_millis(200),
        "a push took {slowest:?}"
    );
    rt.block_on(server.shutdown()).unwrap();
}

#[test]
fn the_page_and_its_assets_are_served() {
    let rt = runtime();
    let server = start(&rt);
    let addr = server.local_addr();
    let get = |path: &str| {
        agent()
            .get(&format!("http://{addr}{path}"))
            .call()
            .unwrap()
            .into_string()
            .unwrap()
    };
    let page = get("/");
    for needle in [
        "<img id=\"avatar\"",
        "<canvas id=\"skeleton\"",
        "id=\"beat\"",
        "id=\"connection\"",
        "id=\"fullscreen\"",
        "/page.js",
        "/page.css",
    ] {
        assert!(page.contains(needle), "page lacks {needle}");
    }
    let js = get("/page.js");
    for needle in [
        "EventSource(\"/events\")",
        "/stream.mjpg",
        "requestFullscreen",
        "beat_count",
    ] {
        assert!(js.contains(needle), "page.js lacks {needle}");
    }
    assert!(get("/page.css").contains(".beat.on"));
    let layout: serde_json::Value = serde_json::from_str(&get("/layout.json")).unwrap();
    assert_eq!(layout["limbs"].as_array().unwrap().len(), 17);
    assert_eq!(layout["colours"][0], "#ff0000");
    rt.block_on(server.shutdown()).unwrap();
}

#[path = "stream_http/browser.rs"]
mod browser;
#[path = "stream_http/mjpeg.rs"]
mod mjpeg;
