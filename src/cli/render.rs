//! `dancebot render skeleton.json [--model PATH] --out avatar.mp4`: the avatar video of a
//! dance, with its music muxed in when the skeleton names an audio file that exists.

use std::path::PathBuf;

use anyhow::Context;
use dancebot::choreography::SkeletonSequence;
use dancebot::video::avatar::{write_avatar_video, AvatarVideoConfig};
use indicatif::{ProgressBar, ProgressStyle};

use super::avatar::{self, AvatarKind};
use super::generator;

/// Arguments of `dancebot render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dance (`skeleton.json`).
    pub skeleton: PathBuf,
    /// The video to write (MP4).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Avatar model file (default: the shipped `models/avatar.safetensors`).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Who draws the avatar.
    #[arg(long, value_enum, default_value_t = AvatarKind::Auto)]
    pub avatar: AvatarKind,
    /// Where the model runs: auto, cpu, cuda or cuda:N.
    #[arg(long, default_value = "auto", value_parser = generator::parse_device)]
    pub device: String,
    /// Audio to mux instead of the skeleton's own.
    #[arg(long, value_name = "FILE")]
    pub audio: Option<PathBuf>,
    /// No music in the video.
    #[arg(long, conflicts_with = "audio")]
    pub no_audio: bool,
    /// Frames per renderer call.
    #[arg(long, default_value_t = 8)]
    pub batch: usize,
}

/// Runs `dancebot render`.
pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.batch >= 1, "--batch must be at least 1");
    let seq = SkeletonSequence::load(&args.skeleton)?;
    anyhow::ensure!(
        !seq.frames.is_empty(),
        "{}: no frames to render",
        args.skeleton.display()
    );
    let audio = if args.no_audio {
        None
    } else if let Some(a) = args.audio {
        Some(a)
    } else {
        seq.audio.clone().filter(|a| {
            let found = a.exists();
            if !found {
                tracing::warn!("{}: the skeleton's audio is missing; no music", a.display());
            }
            found
        })
    };
    let mut renderer = avatar::renderer(
        args.avatar,
        args.model.as_deref(),
        &args.device,
        avatar::CHARACTER_SIZE_PX,
    )?;
    let bar = ProgressBar::new(seq.frames.len() as u64).with_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} frames, {per_sec}, eta {eta}")
            .context("progress bar template")?,
    );
    bar.set_message(format!("rendering ({})", renderer.name()));
    let cfg = AvatarVideoConfig {
        batch: args.batch,
        ..AvatarVideoConfig::default()
    };
    let report = write_avatar_video(
        &seq,
        renderer.as_mut(),
        audio.as_deref(),
        &args.out,
        &cfg,
        &mut |done, _| bar.set_position(done as u64),
    )
    .with_context(|| format!("{}", args.out.display()))?;
    bar.finish_and_clear();
    println!(
        "{}: {} frames, {}×{} px, {:.1} s, drawn by {}{}",
        report.path.display(),
        report.frames,
        report.width_px,
        report.height_px,
        report.duration_secs,
        renderer.name(),
        if report.audio.is_some() {
            ", with music"
        } else {
            ""
        }
    );
    Ok(())
}
