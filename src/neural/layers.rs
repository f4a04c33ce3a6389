//! Building blocks shared by the networks: temporal convolutions (centred or causal) over
//! `[batch, time, features]` sequences, and frame-wise MLPs.
//!
//! Sequences travel as `[batch, time, features]` (what the recurrent layers take with
//! `batch_first`); a convolution transposes to `[batch, channels, time]` and back. A causal
//! convolution pads `kernel − 1` zero frames on the left only, so output frame `t` sees input
//! frames `t − kernel + 1 ..= t` (the WaveNet construction, "WaveNet: A Generative Model for Raw
//! Audio"); a centred one pads `(kernel − 1) / 2` on each side.

use tch::nn::{self, Module};
use tch::Tensor;

/// Slope of the leaky ReLU used throughout (pix2pix's discriminators and Ren et al.).
pub const LEAKY_SLOPE: f64 = 0.2;

/// Leaky ReLU with [`LEAKY_SLOPE`].
pub fn leaky(xs: &Tensor) -> Tensor {
    xs.maximum(&(xs * LEAKY_SLOPE))
}

/// A 1D convolution over time on `[batch, time, in]` → `[batch, time', out]`.
#[derive(Debug)]
pub struct TemporalConv {
    conv: nn::Conv1D,
    left_pad: i64,
    right_pad: i64,
}

impl TemporalConv {
    /// A convolution of `kernel` frames and `stride`; causal ones pad only on the left.
    pub fn new(
        vs: nn::Path,
        in_dim: i64,
        out_dim: i64,
        kernel: i64,
        stride: i64,
        causal: bool,
    ) -> Self {
        let cfg = nn::ConvConfig {
            stride,
            padding: 0,
            ..Default::default()
        };
        let (left_pad, right_pad) = if causal {
            (kernel - 1, 0)
        } else {
            ((kernel - 1) / 2, kernel - 1 - (kernel - 1) / 2)
        };
        Self {
            conv: nn::conv1d(vs, in_dim, out_dim, kernel, cfg),
            left_pad,
            right_pad,
        }
    }

    /// Applies the convolution to `[batch, time, in]`.
    pub fn forward(&self, xs: &Tensor) -> Tensor {
        let padded = xs
            .transpose(1, 2)
            .constant_pad_nd([self.left_pad, self.right_pad]);
        self.conv.forward(&padded).transpose(1, 2)
    }
}

/// A stack of frame-wise linear layers with leaky ReLU between them (none after the last).
#[derive(Debug)]
pub struct Mlp {
    layers: Vec<nn::Linear>,
}

impl Mlp {
    /// Layers of widths `dims[0] → dims[1] → … → dims[n]`.
    pub fn new(vs: nn::Path, dims: &[i64]) -> Self {
        let layers = dims
            .windows(2)
            .enumerate()
            .map(|(i, d)| nn::linear(&vs / format!("fc{i}"), d[0], d[1], Default::default()))
            .collect();
        Self { layers }
    }

    /// Applies the stack to the last dimension of `xs`.
    pub fn forward(&self, xs: &Tensor) -> Tensor {
        let mut h = xs.shallow_clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h);
            if i + 1 < self.layers.len() {
                h = leaky(&h);
            }
        }
        h
    }
}

/// Frame differences `x[t] − x[t−1]` of `[batch, time, dim]`, zero at `t = 0` (velocity).
pub fn frame_differences(xs: &Tensor) -> Tensor {
    let t = xs.size()[1];
    if t < 2 {
        return xs.zeros_like();
    }
    let diff = xs.narrow(1, 1, t - 1) - xs.narrow(1, 0, t - 1);
    Tensor::cat(&[xs.narrow(1, 0, 1).zeros_like(), diff], 1)
}

/// The per-sequence noise `[batch, noise]` repeated over `time`: `[batch, time, noise]`.
pub fn broadcast_over_time(noise: &Tensor, time: i64) -> Tensor {
    let s = noise.size();
    noise.unsqueeze(1).expand([s[0], time, s[1]], false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    #[test]
    fn causal_convolution_ignores_the_future_and_keeps_length() {
        let vs = nn::VarStore::new(Device::Cpu);
        let conv = TemporalConv::new(vs.root(), 3, 4, 5, 1, true);
        let xs = Tensor::randn([2, 20, 3], (Kind::Float, Device::Cpu));
        let ys = conv.forward(&xs);
        assert_eq!(ys.size(), vec![2, 20, 4]);
        let changed = xs.copy();
        let _ = changed.narrow(1, 12, 8).fill_(7.0);
        let ys2 = conv.forward(&changed);
        let same = (ys.narrow(1, 0, 12) - ys2.narrow(1, 0, 12)).abs().max();
        assert_eq!(same.double_value(&[]), 0.0);
        let later = (ys.narrow(1, 12, 1) - ys2.narrow(1, 12, 1)).abs().max();
        assert!(later.double_value(&[]) > 0.0);
    }

    #[test]
    fn centred_convolution_keeps_length_and_differences_are_velocities() {
        let vs = nn::VarStore::new(Device::Cpu);
        let conv = TemporalConv::new(vs.root(), 3, 2, 5, 1, false);
        let xs = Tensor::randn([1, 9, 3], (Kind::Float, Device::Cpu));
        assert_eq!(conv.forward(&xs).size(), vec![1, 9, 2]);
        let ramp = Tensor::arange(6, (Kind::Float, Device::Cpu)).view([1, 6, 1]) * 2.0;
        let d = frame_differences(&ramp);
        let want = [0.0, 2.0, 2.0, 2.0, 2.0, 2.0];
        for (k, w) in want.iter().enumerate() {
            assert_eq!(d.double_value(&[0, k as i64, 0]), *w);
        }
        let mlp = Mlp::new(vs.root() / "mlp", &[3, 8, 2]);
        assert_eq!(mlp.forward(&xs).size(), vec![1, 9, 2]);
    }
}
