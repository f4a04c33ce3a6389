//! `dancebot bench avatar` with libtorch (arguments in `crate::cli::bench`).
//!
//! The Jetson budget is stated, not measured: the AGX Orin's GPU has 2048 CUDA cores at
//! 1.3 GHz (5.3 TFLOP/s fp32 peak); assuming a quarter of that is sustained by convolutions
//! with instance norm, 30 frames/s leaves [`JETSON_BUDGET_GFLOP`] per frame (its fp16 tensor
//! cores add margin on top).

use crate::cli::bench::AvatarArgs;

/// Arithmetic per frame that fits 30 frames/s on a Jetson AGX Orin (see the module docs).
pub const JETSON_BUDGET_GFLOP: f64 = 2048.0 * 2.0 * 1.3 * 0.25 / 30.0;

/// `WIDTHxHEIGHT` → pixels.
fn parse_size(text: &str) -> anyhow::Result<(i64, i64)> {
    let (w, h) = text
        .split_once('x')
        .ok_or_else(|| anyhow::anyhow!("--sizes: {text:?} is not WIDTHxHEIGHT"))?;
    Ok((w.trim().parse()?, h.trim().parse()?))
}

/// Runs `dancebot bench avatar`.
pub fn avatar(args: AvatarArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    use dancebot::neural::avatar::bench::{bench_generator, device_name, BenchCase};
    use dancebot::neural::avatar::AvatarModel;
    use tch::Device;

    if args.threads > 0 {
        tch::set_num_threads(args.threads);
    }
    let path = args
        .model
        .clone()
        .unwrap_or_else(crate::cli::avatar::default_model_path);
    let sizes = args
        .sizes
        .iter()
        .map(|s| parse_size(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let cuda = tch::Cuda::is_available();
    let devices: Vec<Device> = match args.device.as_str() {
        "cpu" => vec![Device::Cpu],
        "cuda" if cuda => vec![Device::Cuda(0)],
        "cuda" => anyhow::bail!("--device cuda: libtorch sees no CUDA device"),
        "auto" if cuda => vec![Device::Cpu, Device::Cuda(0)],
        "auto" => vec![Device::Cpu],
        other => anyhow::bail!("--device {other:?}: expected cpu, cuda or auto"),
    };
    let mut results = Vec::new();
    let mut end_to_end = Vec::new();
    for &device in &devices {
        let mut model = AvatarModel::load(&path, device)?;
        let net = model.manifest().network.clone();
        for &(width, height) in &sizes {
            for half in if device.is_cuda() {
                vec![false, true]
            } else {
                vec![false]
            } {
                let case = BenchCase {
                    width,
                    height,
                    device,
                    half,
                    batch: args.batch,
                };
                let r = bench_generator(&net, &case, args.frames, 2)
                    .with_context(|| format!("{width}x{height} on {}", device_name(device)))?;
                eprintln!(
                    "{:>9}  {:<7} {}  {:>8.1} frames/s  {:>6.2} GFLOP/frame",
                    format!("{width}x{height}"),
                    r.device,
                    r.precision,
                    r.fps,
                    r.gflop_per_frame
                );
                results.push(r);
            }
        }
        end_to_end.push(end_to_end_fps(
            &mut model,
            args.frames,
            &device_name(device),
        )?);
    }
    print_table(&results, &end_to_end);
    if let Some(out) = &args.json {
        let json = serde_json::json!({
            "model": path,
            "jetson_agx_orin_budget_gflop_per_frame": JETSON_BUDGET_GFLOP,
            "generator": results,
            "end_to_end": end_to_end,
        });
        dancebot::error::write_atomic(out, &serde_json::to_vec_pretty(&json)?)?;
    }
    Ok(())
}

/// Frames per second of the whole renderer on a swaying dancer, at the model's own size.
fn end_to_end_fps(
    model: &mut dancebot::neural::avatar::AvatarModel,
    frames: usize,
    device: &str,
) -> anyhow::Result<serde_json::Value> {
    use dancebot::choreography::{BodyModel, Vec3};
    use dancebot::render::AvatarRenderer;
    let rest = BodyModel::default().rest_pose();
    let poses: Vec<_> = (0..frames.max(1))
        .map(|k| rest.translated(Vec3::new(0.1 * (k as f64 * 0.2).sin(), 0.0, 0.0)))
        .collect();
    let mut out = Vec::new();
    model.render(&poses[..poses.len().min(4)], &mut out)?;
    out.clear();
    let start = std::time::Instant::now();
    model.render(&poses, &mut out)?;
    let secs = start.elapsed().as_secs_f64();
    let (w, h) = model.size();
    Ok(serde_json::json!({
        "device": device,
        "width": w,
        "height": h,
        "frames": poses.len(),
        "fps": poses.len() as f64 / secs,
    }))
}

fn print_table(
    results: &[dancebot::neural::avatar::bench::BenchResult],
    end_to_end: &[serde_json::Value],
) {
    println!("| size | device | precision | batch | frames/s | GFLOP/frame | fits 30 fps on AGX Orin ({JETSON_BUDGET_GFLOP:.0} GFLOP) |");
    println!("|---|---|---|---|---|---|---|");
    for r in results {
        println!(
            "| {}×{} | {} | {} | {} | {:.1} | {:.2} | {} |",
            r.width,
            r.height,
            r.device,
            r.precision,
            r.batch,
            r.fps,
            r.gflop_per_frame,
            if r.gflop_per_frame <= JETSON_BUDGET_GFLOP {
                "yes"
            } else {
                "no"
            }
        );
    }
    for e in end_to_end {
        println!(
            "end to end (labels, network, pixels) on {}: {:.1} frames/s at {}×{}",
            e["device"].as_str().unwrap_or("?"),
            e["fps"].as_f64().unwrap_or(f64::NAN),
            e["width"],
            e["height"]
        );
    }
}
