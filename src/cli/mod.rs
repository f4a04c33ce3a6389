//! Subcommands of the binary. The only place that prints to stdout and uses `anyhow`.

#![allow(clippy::print_stdout)]

pub mod analyze;
pub mod avatar;
pub mod beats;
pub mod bench;
pub mod choreograph;
pub mod dance;
pub mod doctor;
pub mod eval;
pub mod generator;
pub mod live;
pub mod render;
pub mod retarget;
pub mod serve;
pub mod synth;
pub mod train;
pub mod train_avatar;

use clap::{Parser, Subcommand};

/// Makes a humanoid robot dance to music.
#[derive(Debug, Parser)]
#[command(name = "dancebot", version, about)]
pub struct Cli {
    /// More log output (-v info, -vv debug); `RUST_LOG` overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Track the beats of an audio file (offline, or causal with --online) or of live input.
    Beats(beats::Args),
    /// Run every stage on one song and write each stage's output and a summary.
    Dance(dance::Args),
    /// Write frame-level music features (onset, energy, mel, MFCC, chroma, phases, sections).
    Analyze(analyze::Args),
    /// Report what this machine can run (libtorch, CUDA, audio devices) and how to fix the rest.
    Doctor(doctor::Args),
    /// Measure a stage against ground truth.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Synthesize music with exact beat ground truth (the project's own test corpus).
    Synth(synth::Args),
    /// Make a dance for a song: beats, features, a generator, then `skeleton.json`.
    Choreograph(choreograph::Args),
    /// Train the neural choreography networks, or write their synthetic training corpus.
    #[command(subcommand)]
    Train(train::TrainCommand),
    /// Put a dance on a robot: skeleton.json + URDF + map → trajectory.json.
    Retarget(retarget::Args),
    /// Draw the avatar video of a dance: skeleton.json → avatar.mp4 (Pix2PixHD or the character).
    Render(render::Args),
    /// Measure the speed of a stage on this machine (the avatar generator per size and device).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Show the dancing avatar on a companion display: MJPEG stream and web page over HTTP.
    Serve(serve::Args),
}

/// Parses the command line, hands libtorch commands to `dancebot-torch` when this binary has
/// no libtorch, and runs the rest; errors go to stderr with a non-zero exit.
pub fn main() -> std::process::ExitCode {
    let args = Cli::parse();
    let result = crate::torch_cli::forward_if_needed(&args).and_then(|()| {
        init_tracing(args.verbose);
        run(args)
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs to stderr; warnings by default.
fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    // Decoders log their own view of a bad file; our error already names it, so they stay quiet.
    let default = format!("{default},symphonia_core=off,symphonia_format_riff=off,symphonia_bundle_mp3=off,symphonia_bundle_flac=off,symphonia_format_ogg=off,symphonia_codec_vorbis=off");
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Runs the chosen subcommand.
fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Beats(args) => beats::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Dance(args) => dance::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Eval(cmd) => eval::run(cmd),
        Command::Synth(args) => synth::run(args),
        Command::Choreograph(args) => choreograph::run(args),
        Command::Train(cmd) => train::run(cmd),
        Command::Retarget(args) => retarget::run(args),
        Command::Render(args) => render::run(args),
        Command::Bench(cmd) => bench::run(cmd),
        Command::Serve(args) => serve::run(args),
    }
}
