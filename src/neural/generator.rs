//! [`Generator`]: either generator network behind one interface, built from a
//! [`NetworkConfig`] — what the training wrapper and the inference type hold.

use tch::nn;
use tch::{Device, Kind, Tensor};

use super::NeuralError;

use super::config::NetworkConfig;
use super::ren::{RenGenerator, RenStream};
use super::seq2seq::Seq2SeqGenerator;

/// A generator network of any architecture.
#[derive(Debug)]
pub enum Generator {
    /// Ren et al. (bidirectional or causal).
    Ren(Box<RenGenerator>),
    /// Liu & Ko.
    Seq2Seq(Box<Seq2SeqGenerator>),
}

impl Generator {
    /// Builds the network of `cfg` under `vs`.
    pub fn new(vs: nn::Path, cfg: &NetworkConfig) -> Self {
        match cfg {
            NetworkConfig::Ren(c) => Generator::Ren(Box::new(RenGenerator::new(vs, c))),
            NetworkConfig::Seq2seq(c) => Generator::Seq2Seq(Box::new(Seq2SeqGenerator::new(vs, c))),
        }
    }

    /// Length of the noise vector (0 without noise).
    pub fn noise_dim(&self) -> i64 {
        match self {
            Generator::Ren(g) => g.config().noise_dim,
            Generator::Seq2Seq(_) => 0,
        }
    }

    /// A noise batch `[batch, noise_dim]` of standard normal values (`[batch, 0]` without
    /// noise), drawn from libtorch's seeded generator.
    pub fn sample_noise(&self, batch: i64, device: Device) -> Tensor {
        Tensor::randn([batch, self.noise_dim()], (Kind::Float, device))
    }

    /// Poses `[batch, time, pose_dim]` for music `[batch, time, in_dim]` and noise
    /// `[batch, noise_dim]` (ignored by seq2seq). Free-running, evaluation mode.
    pub fn generate(&self, audio: &Tensor, noise: &Tensor) -> Tensor {
        match self {
            Generator::Ren(g) => g.generate(audio, noise),
            Generator::Seq2Seq(g) => g.generate(audio, false),
        }
    }

    /// The causal Ren generator's streaming step, or `None` for architectures without one.
    pub fn stream(&self, stream: &mut RenStream, chunk: &Tensor, noise: &Tensor) -> Option<Tensor> {
        match self {
            Generator::Ren(g) if g.config().causal => Some(g.stream(stream, chunk, noise)),
            _ => None,
        }
    }
}

/// The values of a float tensor, on the CPU, row-major.
pub fn tensor_values(t: &Tensor) -> Result<Vec<f32>, NeuralError> {
    let flat = t
        .f_to_device(Device::Cpu)?
        .f_to_kind(Kind::Float)?
        .f_contiguous()?
        .f_view([-1])?;
    Ok(Vec::<f32>::try_from(&flat)?)
}
