//! `dancebot eval avatar` with libtorch (arguments and docs in `crate::cli::eval::avatar`).

use crate::cli::eval::avatar::Args;

/// Runs `dancebot eval avatar`.
pub fn run(args: Args) -> anyhow::Result<()> {
    use anyhow::Context;
    use dancebot::neural::avatar::data::load_pairs;
    use dancebot::neural::avatar::metrics::{psnr, ssim};
    use dancebot::neural::avatar::AvatarModel;
    use dancebot::render::AvatarRenderer;

    let path = args
        .model
        .clone()
        .unwrap_or_else(crate::cli::avatar::default_model_path);
    let device = dancebot::torch_backend::select_device(super::device_preference(&args.device)?);
    let mut model = AvatarModel::load(&path, device)?;
    let data = load_pairs(&args.data)?;
    let (w, h) = model.size();
    anyhow::ensure!(
        (data.width, data.height) == (w, h),
        "{}: frames are {}×{}, the model draws {w}×{h}",
        args.data.display(),
        data.width,
        data.height
    );
    let n = data.frames.len();
    let picked: Vec<usize> = if args.max_frames == 0 || args.max_frames >= n {
        (0..n).collect()
    } else {
        (0..args.max_frames)
            .map(|i| i * n / args.max_frames)
            .collect()
    };
    let bar = indicatif::ProgressBar::new(picked.len() as u64);
    let mut rows = Vec::with_capacity(picked.len());
    for chunk in picked.chunks(8) {
        let classes: Vec<u8> = chunk
            .iter()
            .flat_map(|&i| data.frames[i].label.iter().copied())
            .collect();
        let generated = model
            .render_labels(&classes, chunk.len())
            .with_context(|| format!("{}", path.display()))?;
        for (&i, img) in chunk.iter().zip(&generated) {
            let truth = &data.frames[i].image;
            rows.push((i, psnr(img, truth), ssim(img, truth, w, h)));
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    anyhow::ensure!(!rows.is_empty(), "{}: no frames", args.data.display());
    let mean =
        |f: fn(&(usize, f64, f64)) -> f64| rows.iter().map(f).sum::<f64>() / rows.len() as f64;
    let worst = |f: fn(&(usize, f64, f64)) -> f64| rows.iter().map(f).fold(f64::INFINITY, f64::min);
    let (psnr_mean, ssim_mean) = (mean(|r| r.1), mean(|r| r.2));
    let (psnr_worst, ssim_worst) = (worst(|r| r.1), worst(|r| r.2));
    println!(
        "{} on {} ({} frames of {w}×{h}): PSNR {psnr_mean:.2} dB mean ({psnr_worst:.2} worst), SSIM {ssim_mean:.4} mean ({ssim_worst:.4} worst)",
        path.display(),
        args.data.display(),
        rows.len()
    );
    if let Some(out) = &args.json {
        let json = serde_json::json!({
            "model": path,
            "data": args.data,
            "frames": rows.len(),
            "psnr_db_mean": psnr_mean,
            "psnr_db_worst": psnr_worst,
            "ssim_mean": ssim_mean,
            "ssim_worst": ssim_worst,
            "per_frame": rows.iter().map(|r| serde_json::json!({"frame": r.0, "psnr_db": r.1, "ssim": r.2})).collect::<Vec<_>>(),
        });
        dancebot::error::write_atomic(out, &serde_json::to_vec_pretty(&json)?)?;
    }
    Ok(())
}
