//! Throughput of the avatar generator: frames per second per image size, device and
//! precision, and the arithmetic per frame.
//!
//! Speed does not depend on the weights' values, so every size is measured on a generator
//! of the shipped configuration rebuilt at that size (the network is fully convolutional;
//! the shipped weights run at any size that is a multiple of
//! [`AvatarNetConfig::size_multiple`]). Inputs are one-hot label maps of a fixed pattern.
//! Each case runs `warmup` batches untimed, then whole batches until `frames` frames are
//! done; on CUDA the clock stops after a device synchronisation. The end-to-end figure of
//! [`AvatarModel`](super::AvatarModel) (labels drawn, network, pixels read back) is measured
//! by the caller through the renderer trait.

use std::time::Instant;

use serde::Serialize;
use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

use super::config::{generator_flops, AvatarNetConfig};
use super::networks::Generator;
use crate::config::Validate;
use crate::neural::NeuralError;

/// One measurement to make.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchCase {
    /// Image width, pixels.
    pub width: i64,
    /// Image height, pixels.
    pub height: i64,
    /// Where it runs.
    pub device: Device,
    /// fp16 weights and activations (CUDA only).
    pub half: bool,
    /// Frames per forward pass.
    pub batch: i64,
}

/// One measured case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchResult {
    /// Image width, pixels.
    pub width: i64,
    /// Image height, pixels.
    pub height: i64,
    /// `cpu` or `cuda:N`.
    pub device: String,
    /// `fp32` or `fp16`.
    pub precision: &'static str,
    /// Frames per forward pass.
    pub batch: i64,
    /// Frames timed.
    pub frames: usize,
    /// Seconds for those frames.
    pub secs: f64,
    /// Frames per second.
    pub fps: f64,
    /// Generator arithmetic per frame, GFLOP (multiply-accumulates × 2).
    pub gflop_per_frame: f64,
}

/// Device name as printed.
pub fn device_name(device: Device) -> String {
    match device {
        Device::Cuda(i) => format!("cuda:{i}"),
        _ => "cpu".to_owned(),
    }
}

/// Measures `case` on a generator of `net`'s configuration at the case's size.
pub fn bench_generator(
    net: &AvatarNetConfig,
    case: &BenchCase,
    frames: usize,
    warmup: usize,
) -> Result<BenchResult, NeuralError> {
    let mut cfg = net.clone();
    cfg.width = case.width;
    cfg.height = case.height;
    cfg.validate()?;
    let half = case.half && case.device.is_cuda();
    let kind = if half { Kind::Half } else { Kind::Float };
    let mut vs = VarStore::new(case.device);
    let generator = Generator::new(vs.root(), &cfg);
    if half {
        vs.half();
    }
    let input = pattern_input(&cfg, case.batch, case.device, kind)?;
    let run = || -> Result<(), NeuralError> {
        let y = tch::no_grad(|| generator.forward(&input));
        // Reading one value forces the computation to finish on any device.
        let _ = y.f_sum(Kind::Float)?.f_double_value(&[])?;
        Ok(())
    };
    for _ in 0..warmup {
        run()?;
    }
    let batches = frames.div_ceil(case.batch.max(1) as usize).max(1);
    let start = Instant::now();
    for _ in 0..batches {
        run()?;
    }
    let secs = start.elapsed().as_secs_f64();
    let timed = batches * case.batch as usize;
    Ok(BenchResult {
        width: case.width,
        height: case.height,
        device: device_name(case.device),
        precision: if half { "fp16" } else { "fp32" },
        batch: case.batch,
        frames: timed,
        secs,
        fps: timed as f64 / secs,
        gflop_per_frame: generator_flops(&cfg) / 1e9,
    })
}

/// A batch of one-hot label maps: vertical stripes of every class, plus a grey previous
/// frame for a temporal model.
fn pattern_input(
    cfg: &AvatarNetConfig,
    batch: i64,
    device: Device,
    kind: Kind,
) -> Result<Tensor, NeuralError> {
    let classes = Tensor::f_arange(cfg.width, (Kind::Int64, device))?
        .f_remainder(cfg.label_channels)?
        .f_view([1, 1, 1, cfg.width])?
        .f_expand([batch, 1, cfg.height, cfg.width], false)?
        .f_contiguous()?;
    let one_hot = Tensor::f_zeros(
        [batch, cfg.label_channels, cfg.height, cfg.width],
        (Kind::Float, device),
    )?
    .f_scatter_value(1, &classes, 1.0)?;
    let x = if cfg.temporal {
        let prev = Tensor::f_zeros([batch, 3, cfg.height, cfg.width], (Kind::Float, device))?;
        Tensor::f_cat(&[one_hot, prev], 1)?
    } else {
        one_hot
    };
    Ok(x.f_to_kind(kind)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_generator_is_timed_at_two_sizes() {
        let net = super::super::config::tiny_config().network;
        for (w, h) in [(64, 64), (128, 64)] {
            let case = BenchCase {
                width: w,
                height: h,
                device: Device::Cpu,
                half: true,
                batch: 2,
            };
            let r = bench_generator(&net, &case, 3, 1).unwrap();
            assert_eq!((r.width, r.height, r.frames), (w, h, 4));
            assert_eq!(r.precision, "fp32", "no fp16 on the CPU");
            assert!(r.fps > 0.0 && r.fps.is_finite());
            assert!(r.gflop_per_frame > 0.0);
        }
        let bad = BenchCase {
            width: 65,
            height: 64,
            device: Device::Cpu,
            half: false,
            batch: 1,
        };
        let err = bench_generator(&net, &bad, 1, 0).unwrap_err().to_string();
        assert!(err.contains("width"), "{err}");
    }
}
