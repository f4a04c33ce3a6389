//! `dancebot doctor`: probes libtorch, CUDA, sound cards, ROS, I2C and ffmpeg.

use std::path::Path;
use std::process::Command;

use dancebot::doctor::{Check, Report, Status};

/// Arguments of `dancebot doctor`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Exit non-zero when anything is missing.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `dancebot doctor`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut report = Report::default();
    report.push(build_check());
    report.push(crate::torch_cli::torch_check());
    report.push(gpu_check());
    report.push(audio_check());
    report.push(ros_check());
    report.push(servo_check());
    report.push(ffmpeg_check());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render_text());
    }
    if args.strict && report.count(Status::Missing) > 0 {
        anyhow::bail!("{} checks missing", report.count(Status::Missing));
    }
    Ok(())
}

fn build_check() -> Check {
    let features: Vec<&str> = [
        ("torch", cfg!(feature = "torch")),
        ("ros", cfg!(feature = "ros")),
        ("audio-device", cfg!(feature = "audio-device")),
        ("servo-linux", cfg!(feature = "servo-linux")),
    ]
    .iter()
    .filter(|(_, on)| *on)
    .map(|(name, _)| *name)
    .collect();
    let detail = format!(
        "dancebot {} with features [{}], {} CPU threads",
        env!("CARGO_PKG_VERSION"),
        features.join(", "),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    Check::ok("build", detail)
}

/// The GPU as the driver sees it (nvidia-smi), independent of libtorch.
fn gpu_check() -> Check {
    let query = Command::new("nvidia-smi")
        .args([
            "--query-gpu=name,memory.total,driver_version",
            "--format=csv,noheader",
        ])
        .output();
    match query {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout)
                .trim()
                .replace('\n', "; ");
            Check::ok("GPU", text)
        }
        _ if Path::new("/etc/nv_tegra_release").exists() => Check::ok(
            "GPU",
            "NVIDIA Jetson (L4T) detected; nvidia-smi absent, use tegrastats",
        ),
        _ => Check::warn(
            "GPU",
            "no NVIDIA GPU found (nvidia-smi absent or failing): networks run on the CPU",
            "on a GPU machine install the NVIDIA driver; on a Jetson install JetPack",
        ),
    }
}

#[cfg(feature = "audio-device")]
fn audio_check() -> Check {
    match dancebot::audio::device::list_input_devices() {
        Ok(names) if !names.is_empty() => Check::ok("audio input", names.join(", ")),
        Ok(_) => Check::warn(
            "audio input",
            "no capture devices (live mode needs one)",
            "plug in a microphone or USB audio interface; check `arecord -l`; add the user to the `audio` group",
        ),
        Err(e) => Check::warn("audio input", e.to_string(), "check `arecord -l` and ALSA configuration"),
    }
}

#[cfg(not(feature = "audio-device"))]
fn audio_check() -> Check {
    Check::missing(
        "audio input",
        "not compiled in (feature `audio-device` off): no live microphone",
        "sudo apt-get install libasound2-dev pkg-config, then build with --features full",
    )
}

#[cfg(feature = "ros")]
fn ros_check() -> Check {
    let identity = dancebot::ros::RosIdentity::default();
    let env_domain = std::env::var("ROS_DOMAIN_ID").ok();
    match identity.resolve_domain_id(env_domain.as_deref()) {
        Ok(domain) => Check::ok(
            "ROS 2",
            format!("pure-Rust DDS compiled in; node /dancebot would join domain {domain} (no ROS install needed)"),
        ),
        Err(e) => Check::missing("ROS 2", e.to_string(), "export ROS_DOMAIN_ID=<0..232> or unset it"),
    }
}

#[cfg(not(feature = "ros"))]
fn ros_check() -> Check {
    Check::missing(
        "ROS 2",
        "not compiled in (feature `ros` off)",
        "build with --features full",
    )
}

#[cfg(feature = "servo-linux")]
fn servo_check() -> Check {
    let buses = dancebot::servo::list_i2c_buses(Path::new("/dev"));
    if buses.is_empty() {
        return Check::warn(
            "servo I2C",
            "no /dev/i2c-* buses (needed only for servo robots)",
            "enable I2C (`sudo modprobe i2c-dev`, or the board's overlay) and add the user to the `i2c` group",
        );
    }
    let states: Vec<String> = buses
        .iter()
        .map(|p| match dancebot::servo::open_i2c(p) {
            Ok(_) => format!("{} (opens)", p.display()),
            Err(_) => format!("{} (no permission)", p.display()),
        })
        .collect();
    Check::ok("servo I2C", states.join(", "))
}

#[cfg(not(feature = "servo-linux"))]
fn servo_check() -> Check {
    Check::missing(
        "servo I2C",
        "not compiled in (feature `servo-linux` off)",
        "build with --features full",
    )
}

fn ffmpeg_check() -> Check {
    match Command::new("ffmpeg").arg("-version").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            Check::ok("ffmpeg", text.lines().next().unwrap_or("ffmpeg").to_owned())
        }
        _ => Check::missing(
            "ffmpeg",
            "not on PATH: videos (preview.mp4, avatar.mp4) cannot be written",
            "sudo apt-get install ffmpeg (scripts/setup.sh does this when run as root)",
        ),
    }
}
