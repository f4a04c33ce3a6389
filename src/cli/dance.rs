//! `dancebot dance AUDIO --out DIR`: every stage on one song, writing each stage's file, the
//! videos and a summary.
//!
//! Outputs are written all-or-nothing: everything goes into a hidden staging folder inside
//! `DIR` first and is moved into place only when every stage has succeeded.

use std::path::{Path, PathBuf};

use anyhow::Context;
use dancebot::analysis::features::FeatureConfig;
use dancebot::app::dance::{self, DanceOutputs};
use dancebot::app::robot::{RobotOutputs, RobotStage};
use dancebot::audio::decode::load_mono;
use dancebot::audio::synth::parse_beats;
use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
use dancebot::choreography::DanceGenerator;
use dancebot::clock::{Clock, SystemClock};
use dancebot::render::preview::PreviewConfig;
use dancebot::render::robot_preview::RobotPreviewConfig;
use serde_json::json;

use super::avatar::{self, AvatarKind};
use super::generator::{self, GeneratorKind};
use super::retarget::RobotArgs;

/// Arguments of `dancebot dance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Audio file (WAV, FLAC, MP3, OGG).
    pub audio: PathBuf,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Motion frame rate of the skeleton and the feature frames.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
    /// Seed of the dance; the same seed gives the same dance.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The generator.
    #[arg(long, value_enum, default_value_t = GeneratorKind::Procedural)]
    pub generator: GeneratorKind,
    /// Model file of the neural generator (default: the shipped model).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Where the neural generator runs: auto, cpu, cuda or cuda:N.
    #[arg(long, default_value = "auto", value_parser = generator::parse_device)]
    pub device: String,
    /// Skip the videos (no ffmpeg needed).
    #[arg(long)]
    pub no_video: bool,
    /// Who draws `avatar.mp4`.
    #[arg(long, value_enum, default_value_t = AvatarKind::Auto)]
    pub avatar: AvatarKind,
    /// Avatar model file (default: the shipped `models/avatar.safetensors`).
    #[arg(long, value_name = "PATH")]
    pub avatar_model: Option<PathBuf>,
    /// The robot the dance is retargeted onto, and its map.
    #[command(flatten)]
    pub robot: RobotArgs,
    /// Skip the robot stages (no trajectory.json, no robot_preview.mp4).
    #[arg(long)]
    pub no_robot: bool,
    /// Ground-truth beats (`time [position]` per line) to score the trackers against;
    /// defaults to `AUDIO` with the extension `.beats`, when that file exists.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
}

/// Runs `dancebot dance`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let clock = SystemClock::new();
    let cfg = FeatureConfig {
        fps: args.fps,
        ..FeatureConfig::default()
    };
    dancebot::config::Validate::validate(&cfg).context("--fps")?;
    let mut generator: Box<dyn DanceGenerator> = match args.generator {
        GeneratorKind::Procedural => Box::new(
            ProceduralGenerator::new(ProceduralConfig {
                fps: args.fps,
                seed: args.seed,
                ..ProceduralConfig::default()
            })
            .context("procedural generator")?,
        ),
        GeneratorKind::Neural => generator::neural(args.model.clone(), args.seed, &args.device)?,
    };
    let truth = load_truth(&args)?;
    let mut avatar_renderer = if args.no_video {
        None
    } else {
        Some(avatar::renderer(
            args.avatar,
            args.avatar_model.as_deref(),
            &args.device,
            avatar::CHARACTER_SIZE_PX,
        )?)
    };
    let robot = if args.no_robot {
        None
    } else {
        Some(robot_stage(&args)?)
    };
    let t_load = clock.now_secs();
    let audio = load_mono(&args.audio, cfg.analysis.sample_rate_hz)?;
    let load_secs = clock.now_secs() - t_load;
    let mut out = dance::run(
        &audio.samples,
        &cfg,
        truth.as_deref(),
        generator.as_mut(),
        &clock,
    )
    .with_context(|| format!("{}", args.audio.display()))?;
    out.skeleton.audio = Some(args.audio.clone());
    let robot_out = match &robot {
        Some(stage) => Some(
            dancebot::app::robot::run(stage, &out.skeleton, &out.beats.beats_secs, &clock)
                .context("robot stages")?,
        ),
        None => None,
    };
    let staging = Staging::new(&args.out)?;
    let mut timings = vec![("load_audio".to_owned(), load_secs)];
    if let Some(r) = &robot_out {
        timings.extend(r.timings.iter().map(|t| (t.stage.clone(), t.secs)));
    }
    if !args.no_video {
        let t = clock.now_secs();
        dancebot::video::write_preview(
            &out.skeleton,
            Some(&args.audio),
            &staging.path("preview.mp4"),
            &PreviewConfig::default(),
        )
        .context("preview.mp4")?;
        timings.push(("preview_video".to_owned(), clock.now_secs() - t));
        if let (Some(stage), Some(r)) = (&robot, &robot_out) {
            let t = clock.now_secs();
            dancebot::video::robot::write_robot_preview(
                stage.retargeter.model(),
                &r.trajectory,
                &out.skeleton,
                Some(&args.audio),
                &staging.path("robot_preview.mp4"),
                &RobotPreviewConfig::default(),
            )
            .context("robot_preview.mp4")?;
            timings.push(("robot_preview_video".to_owned(), clock.now_secs() - t));
        }
    }
    if let Some(renderer) = avatar_renderer.as_mut() {
        let t = clock.now_secs();
        write_avatar(
            &out.skeleton,
            renderer.as_mut(),
            &args.audio,
            &staging.path("avatar.mp4"),
        )?;
        timings.push(("avatar_video".to_owned(), clock.now_secs() - t));
    }
    let mut summary = summary_json(
        &args,
        &out,
        robot_out.as_ref(),
        audio.duration_secs(),
        &timings,
    );
    if let (Some(r), Some(obj)) = (&avatar_renderer, summary.as_object_mut()) {
        obj.insert(
            "avatar".to_owned(),
            json!({ "renderer": r.name(), "size_px": r.size() }),
        );
    }
    if let Some(r) = &robot_out {
        dancebot::error::write_atomic(
            &staging.path("trajectory.json"),
            &serde_json::to_vec(&r.trajectory)?,
        )?;
    }
    let files = [
        ("beats.json", serde_json::to_vec_pretty(&out.beats)?),
        (
            "beats_online.json",
            serde_json::to_vec_pretty(&out.beats_online)?,
        ),
        ("features.json", serde_json::to_vec(&out.features)?),
        ("skeleton.json", out.skeleton.to_json_bytes()?),
        ("summary.json", serde_json::to_vec_pretty(&summary)?),
        (
            "beats.svg",
            dancebot::app::plot::beats_svg(&out.features, &out.beats, &out.beats_online)
                .into_bytes(),
        ),
    ];
    for (name, bytes) in &files {
        dancebot::error::write_atomic(&staging.path(name), bytes)?;
    }
    staging.commit()?;
    print_summary(&args.out, &out, robot_out.as_ref(), audio.duration_secs());
    Ok(())
}

/// Draws `avatar.mp4` with a progress bar (the model can take minutes on a CPU).
fn write_avatar(
    skeleton: &dancebot::choreography::SkeletonSequence,
    renderer: &mut dyn dancebot::render::AvatarRenderer,
    audio: &Path,
    out: &Path,
) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(skeleton.frames.len() as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "avatar ({msg}) {bar:40} {pos}/{len} frames, eta {eta}",
        )
        .context("progress bar template")?,
    );
    bar.set_message(renderer.name());
    dancebot::video::avatar::write_avatar_video(
        skeleton,
        renderer,
        Some(audio),
        out,
        &dancebot::video::avatar::AvatarVideoConfig::default(),
        &mut |done, _| bar.set_position(done as u64),
    )
    .context("avatar.mp4")?;
    bar.finish_and_clear();
    Ok(())
}

fn robot_stage(args: &Args) -> anyhow::Result<RobotStage> {
    Ok(RobotStage::new(args.robot.load()?)?)
}

/// A hidden folder inside the output folder; [`Staging::commit`] moves its files up, and
/// dropping it uncommitted removes it, so a failed run leaves no partial set of outputs.
struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    fn new(target: &Path) -> anyhow::Result<Staging> {
        std::fs::create_dir_all(target)
            .with_context(|| format!("{}: cannot create the output folder", target.display()))?;
        let dir = target.join(format!(".dance-staging-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot write in the output folder", target.display()))?;
        Ok(Staging {
            dir,
            target: target.to_owned(),
            committed: false,
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn commit(mut self) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let to = self.target.join(entry.file_name());
            std::fs::rename(entry.path(), &to)
                .with_context(|| format!("{}: cannot move into place", to.display()))?;
        }
        self.committed = true;
        std::fs::remove_dir(&self.dir)?;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn load_truth(args: &Args) -> anyhow::Result<Option<Vec<f64>>> {
    let path = match &args.truth {
        Some(p) => p.clone(),
        None => {
            let sibling = args.audio.with_extension("beats");
            if !sibling.exists() {
                return Ok(None);
            }
            sibling
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read beat annotations", path.display()))?;
    let beats = parse_beats(&text).with_context(|| format!("{}", path.display()))?;
    Ok(Some(beats.into_iter().map(|(t, _)| t).collect()))
}

fn summary_json(
    args: &Args,
    out: &DanceOutputs,
    robot: Option<&RobotOutputs>,
    duration_secs: f64,
    extra_timings: &[(String, f64)],
) -> serde_json::Value {
    let mut timings: Vec<serde_json::Value> = out
        .timings
        .iter()
        .map(|t| json!({"stage": t.stage, "secs": t.secs}))
        .collect();
    timings.extend(
        extra_timings
            .iter()
            .map(|(stage, secs)| json!({"stage": stage, "secs": secs})),
    );
    json!({
        "audio": args.audio.display().to_string(),
        "duration_secs": duration_secs,
        "tempo_bpm": out.beats.tempo_bpm,
        "beats": out.beats.beats_secs.len(),
        "downbeats": out.beats.downbeats_secs.len(),
        "sections": out.features.sections,
        "online_announcements": out.announce,
        "scores_against_truth": out.truth,
        "feature_fps": out.features.fps,
        "feature_frames": out.features.n_frames,
        "generator": out.skeleton.generator,
        "dance_metrics": out.dance_metrics,
        "robot": robot,
        "timings": timings,
    })
}

fn print_summary(dir: &Path, out: &DanceOutputs, robot: Option<&RobotOutputs>, duration_secs: f64) {
    let tempo = out
        .beats
        .tempo_bpm
        .map_or("none".to_owned(), |t| format!("{t:.1} BPM"));
    println!(
        "{duration_secs:.1} s of audio, tempo {tempo}, {} beats, {} downbeats",
        out.beats.beats_secs.len(),
        out.beats.downbeats_secs.len()
    );
    let labels: Vec<String> = out
        .features
        .sections
        .iter()
        .map(|s| format!("{} {:.1}-{:.1}s", s.label, s.start_secs, s.end_secs))
        .collect();
    println!("sections: {}", labels.join(", "));
    println!(
        "causal tracker: {:.0}% of {} beats after {:.0} s announced >= {:.0} ms ahead (median lead {:.0} ms)",
        100.0 * out.announce.fraction_ahead,
        out.announce.beats_after_lock_in,
        dance::LOCK_IN_SECS,
        1000.0 * dance::AHEAD_THRESHOLD_SECS,
        1000.0 * out.announce.median_lead_secs
    );
    if let Some(truth) = &out.truth {
        println!(
            "against ground truth: offline F {:.3} CMLt {:.3} AMLt {:.3}; causal F {:.3} CMLt {:.3} AMLt {:.3}",
            truth.offline.f_measure, truth.offline.cml_t, truth.offline.aml_t,
            truth.online.f_measure, truth.online.cml_t, truth.online.aml_t
        );
    }
    let m = &out.dance_metrics;
    println!(
        "dance: {} frames at {} fps, Beat Align Score {:.3}, {:.0}% of beats hit within 50 ms, bone-length deviation {:.2}%",
        m.frames,
        m.fps,
        m.beat_align_score,
        100.0 * m.beat_hit_fraction,
        100.0 * m.bone_length.max_rel
    );
    if let Some(r) = robot {
        let v = &r.eval.limit_violations;
        println!(
            "robot {}: {} joints, limit violations {} position / {} velocity / {} acceleration / {} jerk, {} collisions, {} of {} beat poses changed by the limits (max {:.3} rad)",
            r.eval.robot,
            r.eval.joints,
            v.position,
            v.velocity,
            v.acceleration,
            v.jerk,
            r.eval.collisions,
            r.smoothing.beat_poses_moved,
            r.smoothing.beat_poses,
            r.smoothing.max_beat_pose_change_rad
        );
    }
    let total: f64 = out.timings.iter().map(|t| t.secs).sum();
    println!(
        "analysis and choreography took {:.3} s ({:.0}x real time); wrote {}",
        total,
        duration_secs / total.max(1e-9),
        dir.display()
    );
}
