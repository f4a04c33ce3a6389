//! `dancebot serve DIR [--bind 127.0.0.1:8090] [--loop] [--avatar auto|model|character]
//! [--model PATH] [--device D] [--size 256x256] [--quality 80]`: the companion display.
//!
//! Loads a `dance` output folder (`skeleton.json`, `beats.json`), draws the avatar in real
//! time and serves it over HTTP: an MJPEG stream, snapshots and a web page with the avatar, a
//! skeleton view and a beat light (see `dancebot::stream::http`). Needs feature `http`; other
//! builds keep the subcommand and say how to get it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use dancebot::analysis::BeatGrid;
use dancebot::choreography::SkeletonSequence;
use dancebot::render::AvatarRenderer;

use super::avatar::AvatarKind;

/// Arguments of `dancebot serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A `dancebot dance` output folder (skeleton.json and beats.json).
    pub dir: PathBuf,
    /// Address and port to listen on. 127.0.0.1 keeps the page on this machine; 0.0.0.0
    /// serves anyone on the network (no authentication).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8090")]
    pub bind: SocketAddr,
    /// Start the dance again after its last frame.
    #[arg(long = "loop")]
    pub looping: bool,
    /// Who draws the avatar.
    #[arg(long, value_enum, default_value_t = AvatarKind::Auto)]
    pub avatar: AvatarKind,
    /// Avatar model (default: the shipped `models/avatar.safetensors`).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Where the model runs: auto, cpu, cuda or cuda:N.
    #[arg(long, default_value = "auto", value_parser = super::generator::parse_device)]
    pub device: String,
    /// Size of the procedural character's frames, WIDTHxHEIGHT pixels (a model draws at
    /// its own size).
    #[arg(long, value_name = "WxH", default_value = "256x256", value_parser = parse_size)]
    pub size: (usize, usize),
    /// JPEG quality, 1–100.
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: u8,
}

/// Parses `WIDTHxHEIGHT` (each 16–4096).
pub fn parse_size(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("expected WIDTHxHEIGHT such as 256x256, got {text:?}");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: usize = w.trim().parse().map_err(|_| bad())?;
    let h: usize = h.trim().parse().map_err(|_| bad())?;
    if !(16..=4096).contains(&w) || !(16..=4096).contains(&h) {
        return Err(format!(
            "size {w}x{h} out of range: each side 16–4096 pixels"
        ));
    }
    Ok((w, h))
}

/// Reads `DIR/skeleton.json` and `DIR/beats.json`.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub fn load_dance(dir: &Path) -> anyhow::Result<(SkeletonSequence, BeatGrid)> {
    anyhow::ensure!(
        dir.is_dir(),
        "{}: not a folder; give the output folder of `dancebot dance`",
        dir.display()
    );
    let skeleton = SkeletonSequence::load(&dir.join("skeleton.json"))?;
    let beats_path = dir.join("beats.json");
    let bytes = std::fs::read(&beats_path)
        .with_context(|| format!("{}: cannot read", beats_path.display()))?;
    let beats: BeatGrid = serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: not a beats file", beats_path.display()))?;
    Ok((skeleton, beats))
}

/// The avatar renderer of the display (see [`super::avatar::renderer`]).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub fn avatar_renderer(args: &Args) -> anyhow::Result<Box<dyn AvatarRenderer>> {
    super::avatar::renderer(args.avatar, args.model.as_deref(), &args.device, args.size)
}

/// Runs `dancebot serve`.
pub fn run(args: Args) -> anyhow::Result<()> {
    server::run(args)
}

#[cfg(not(feature = "http"))]
mod server {
    /// Without the HTTP server compiled in there is nothing to serve with.
    pub fn run(_args: super::Args) -> anyhow::Result<()> {
        anyhow::bail!(
            "this dancebot was built without the companion display server; rebuild with \
             --features http (or --features full)"
        )
    }
}

#[cfg(feature = "http")]
mod server {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use anyhow::Context;
    use dancebot::clock::SystemClock;
    use dancebot::stream::http::StreamServer;
    use dancebot::stream::{DancePlayer, FanOut, PlayerConfig};

    use super::{avatar_renderer, load_dance, Args};

    /// Longest single sleep of the player, so a stop request is seen quickly.
    const MAX_SLEEP_SECS: f64 = 0.05;

    pub fn run(args: Args) -> anyhow::Result<()> {
        let (sequence, beats) = load_dance(&args.dir)?;
        let renderer = avatar_renderer(&args)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        runtime.block_on(async move {
            let server = StreamServer::start(args.bind).await?;
            let addr = server.local_addr();
            let mut sinks = FanOut::new();
            sinks.add(Box::new(server.sink()));
            let config = PlayerConfig {
                jpeg_quality: args.quality,
                looping: args.looping,
            };
            let mut player = DancePlayer::new(
                &sequence,
                &beats,
                renderer,
                Arc::new(SystemClock::new()),
                config,
            )?;
            println!(
                "companion display: http://{addr}/  (MJPEG: http://{addr}/stream.mjpg), \
                 {} frames at {} fps by {}; Ctrl-C to stop",
                sequence.frames.len(),
                sequence.fps,
                player.renderer_name()
            );
            if addr.ip().is_unspecified() {
                println!(
                    "listening on every interface: open http://<this machine's address>:{}/ \
                     from the network",
                    addr.port()
                );
            }
            let stop = Arc::new(AtomicBool::new(false));
            let player_stop = stop.clone();
            let mut playing = tokio::task::spawn_blocking(move || {
                player.run(&mut sinks, &player_stop, &mut |secs| {
                    std::thread::sleep(Duration::from_secs_f64(secs.clamp(0.0, MAX_SLEEP_SECS)))
                })
            });
            let mut finished = false;
            tokio::select! {
                signal = tokio::signal::ctrl_c() => signal.context("waiting for Ctrl-C")?,
                played = &mut playing => {
                    finished = true;
                    let stats = played.context("the player thread")??;
                    println!(
                        "dance finished: {} frames shown, {} skipped; still serving the last \
                         frame, Ctrl-C to stop",
                        stats.pushed, stats.skipped
                    );
                    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
                }
            }
            stop.store(true, Ordering::SeqCst);
            if !finished {
                let stats = playing.await.context("the player thread")??;
                println!(
                    "stopped: {} frames shown, {} skipped",
                    stats.pushed, stats.skipped
                );
            }
            server.shutdown().await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_bad_ones_are_explained() {
        assert_eq!(parse_size("256x192"), Ok((256, 192)));
        assert_eq!(parse_size("64X64"), Ok((64, 64)));
        assert!(parse_size("256").unwrap_err().contains("WIDTHxHEIGHT"));
        assert!(parse_size("8x8").unwrap_err().contains("out of range"));
    }

    #[test]
    fn missing_beats_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let rest = dancebot::choreography::BodyModel::default().rest_pose();
        let seq = SkeletonSequence::new(30.0, vec![rest; 3]);
        std::fs::write(
            dir.path().join("skeleton.json"),
            seq.to_json_bytes().unwrap(),
        )
        .unwrap();
        let err = format!("{:#}", load_dance(dir.path()).unwrap_err());
        assert!(err.contains("beats.json"), "{err}");
        let err = format!("{:#}", load_dance(&dir.path().join("nope")).unwrap_err());
        assert!(err.contains("not a folder"), "{err}");
    }
}
