//! How a [`NeuralGenerator`](super::NeuralGenerator) is loaded and run: device, expected
//! architecture, body, seed and scale of the noise vector, post-process.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tch::{Device, Tensor};

use super::{Arch, NeuralError};
use crate::choreography::postprocess::PostprocessConfig;
use crate::torch_backend::DevicePreference;

/// How to load and run a model.
#[derive(Debug, Clone, PartialEq)]
pub struct NeuralOptions {
    /// Where to run.
    pub device: DevicePreference,
    /// The architecture the caller expects; `None` accepts any.
    pub expected_arch: Option<Arch>,
    /// Height of the dancer, metres.
    pub body_height_m: f64,
    /// Seed of the noise vector (the dance's "style").
    pub seed: u64,
    /// Scale of the noise vector (0 gives the network's mean dance).
    pub noise_scale: f64,
    /// The post-process of offline dances.
    pub postprocess: PostprocessConfig,
    /// Intra-op threads of libtorch on the CPU (a process-wide setting, applied on load);
    /// `None` keeps libtorch's choice. One is fastest for the small shipped networks: their
    /// operations are too small to split, and on a busy machine spinning worker threads
    /// fight for the cores (measured 20× slower with two threads on a loaded 2-core CPU).
    pub cpu_threads: Option<i32>,
}

impl Default for NeuralOptions {
    fn default() -> Self {
        Self {
            device: DevicePreference::Auto,
            expected_arch: None,
            body_height_m: crate::choreography::body::REFERENCE_HEIGHT_M,
            seed: 0,
            noise_scale: 1.0,
            postprocess: PostprocessConfig::default(),
            cpu_threads: Some(1),
        }
    }
}

/// The noise vector `[1, dim]` of a seed: standard normal values times `scale`.
pub fn noise_vector(
    dim: i64,
    seed: u64,
    scale: f64,
    device: Device,
) -> Result<Tensor, NeuralError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Box–Muller: two uniforms give one standard normal value.
    let values: Vec<f32> = (0..dim)
        .map(|_| {
            let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
            let u2: f64 = rng.gen();
            let v = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            (v * scale) as f32
        })
        .collect();
    Ok(Tensor::f_from_slice(&values)?
        .f_view([1, dim])?
        .f_to_device(device)?)
}
