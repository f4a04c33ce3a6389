//! The training wrapper of the avatar model: generator and discriminator with their Adam
//! optimisers, one training step, generation, and checkpoints.
//!
//! A step (Pix2PixHD, LSGAN): the discriminator learns `½(D(x, real) − 1)² + ½ D(x, G(x))²`
//! at every scale; then the generator learns `(D(x, G(x)) − 1)²` plus λ_fm × feature
//! matching, λ_l1 × L1 to the truth, and λ_vgg × the VGG19 loss when VGG weights were given.
//! `x` is the one-hot label map, and for the temporal model also the previous frame: the
//! previous ground-truth frame of the sequence in training (mid-grey at a sequence's start),
//! the model's own previous output at inference. The discriminator sees `x` with the image,
//! so it judges consecutive frames as a pair.
//!
//! Checkpoints hold both networks' weights; Adam's moment estimates are not saved (tch has
//! no optimiser state export), so a resumed run re-warms them over its first steps.

use std::path::Path;

use tch::nn::{self, OptimizerConfig};
use tch::{Device, Kind, Tensor};

use super::config::AvatarConfig;
use super::data::Batch;
use super::networks::{feature_matching_loss, lsgan_loss, Generator, MultiscaleDiscriminator};
use super::vgg::Vgg19;
use crate::neural::NeuralError;

/// Generator, discriminator, optimisers.
pub struct AvatarTrainer {
    /// Settings.
    pub cfg: AvatarConfig,
    /// The generator's variables (what ships).
    pub g_vs: nn::VarStore,
    g: Generator,
    d_vs: nn::VarStore,
    d: MultiscaleDiscriminator,
    opt_g: nn::Optimizer,
    opt_d: nn::Optimizer,
    vgg: Option<Vgg19>,
    steps: u64,
}

impl std::fmt::Debug for AvatarTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvatarTrainer")
            .field("cfg", &self.cfg)
            .field("steps", &self.steps)
            .finish()
    }
}

/// Names of the losses a step reports, in order.
pub const LOSS_NAMES: [&str; 6] = ["d_real", "d_fake", "g_gan", "g_fm", "g_l1", "g_vgg"];

/// The generator input: labels, and the previous frame for the temporal model.
pub fn generator_input(
    cfg: &AvatarConfig,
    labels: &Tensor,
    prev: &Tensor,
) -> Result<Tensor, NeuralError> {
    if cfg.network.temporal {
        Ok(Tensor::f_cat(&[labels, prev], 1)?)
    } else {
        Ok(labels.shallow_clone())
    }
}

impl AvatarTrainer {
    /// Fresh networks on `device`; `vgg` is a VGG19 weights file for the perceptual loss.
    pub fn new(
        cfg: &AvatarConfig,
        device: Device,
        vgg: Option<&Path>,
    ) -> Result<AvatarTrainer, NeuralError> {
        use crate::config::Validate;
        cfg.validate()?;
        let g_vs = nn::VarStore::new(device);
        let g = Generator::new(g_vs.root(), &cfg.network);
        let d_vs = nn::VarStore::new(device);
        let d = MultiscaleDiscriminator::new(d_vs.root(), &cfg.network);
        let adam = nn::Adam {
            beta1: cfg.train.beta1,
            beta2: cfg.train.beta2,
            wd: 0.0,
            eps: 1e-8,
            amsgrad: false,
        };
        let opt_g = adam.build(&g_vs, cfg.train.lr)?;
        let opt_d = adam.build(&d_vs, cfg.train.lr)?;
        let vgg = vgg.map(|p| Vgg19::load(p, device)).transpose()?;
        Ok(AvatarTrainer {
            cfg: cfg.clone(),
            g_vs,
            g,
            d_vs,
            d,
            opt_g,
            opt_d,
            vgg,
            steps: 0,
        })
    }

    /// Generator steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// One discriminator and one generator update; the losses by [`LOSS_NAMES`].
    pub fn step(&mut self, batch: &Batch) -> Result<Vec<(String, f64)>, NeuralError> {
        let t = &self.cfg.train;
        let x = generator_input(&self.cfg, &batch.labels, &batch.prev)?;
        let fake = self.g.forward(&x);
        let real_pair = Tensor::f_cat(&[&x, &batch.image], 1)?;
        let d_real = lsgan_loss(&self.d.forward(&real_pair), true);
        let fake_pair_detached = Tensor::f_cat(&[&x, &fake.detach()], 1)?;
        let d_fake = lsgan_loss(&self.d.forward(&fake_pair_detached), false);
        self.opt_d.backward_step(&((&d_real + &d_fake) * 0.5));

        let fake_pair = Tensor::f_cat(&[&x, &fake], 1)?;
        let pred_fake = self.d.forward(&fake_pair);
        let pred_real = tch::no_grad(|| self.d.forward(&real_pair));
        let g_gan = lsgan_loss(&pred_fake, true);
        let g_fm = feature_matching_loss(&pred_fake, &pred_real, self.cfg.network.n_layers_d)
            * t.lambda_fm;
        let g_l1 = (&fake - &batch.image).abs().mean(Kind::Float) * t.lambda_l1;
        let g_vgg = match &self.vgg {
            Some(vgg) => vgg.loss(&fake, &batch.image) * t.lambda_vgg,
            None => Tensor::zeros([], (Kind::Float, fake.device())),
        };
        self.opt_g.backward_step(&(&g_gan + &g_fm + &g_l1 + &g_vgg));
        self.steps += 1;
        let values = [&d_real, &d_fake, &g_gan, &g_fm, &g_l1, &g_vgg];
        values
            .iter()
            .zip(LOSS_NAMES)
            .map(|(v, n)| Ok((n.to_owned(), v.f_double_value(&[])?)))
            .collect()
    }

    /// The generator's output for `labels` (and `prev`), without gradients.
    pub fn generate(&self, labels: &Tensor, prev: &Tensor) -> Result<Tensor, NeuralError> {
        let x = generator_input(&self.cfg, labels, prev)?;
        Ok(tch::no_grad(|| self.g.forward(&x)))
    }

    /// Writes both networks' weights as `PREFIX.g.safetensors` and `PREFIX.d.safetensors`.
    pub fn save_checkpoint(&self, prefix: &Path) -> Result<(), NeuralError> {
        let (g, d) = checkpoint_files(prefix);
        self.g_vs
            .save(&g)
            .map_err(|e| NeuralError::model(&g, e.to_string()))?;
        self.d_vs
            .save(&d)
            .map_err(|e| NeuralError::model(&d, e.to_string()))?;
        Ok(())
    }

    /// Loads both networks from a checkpoint written by [`Self::save_checkpoint`].
    pub fn load_checkpoint(&mut self, prefix: &Path, steps: u64) -> Result<(), NeuralError> {
        let (g, d) = checkpoint_files(prefix);
        self.g_vs
            .load(&g)
            .map_err(|e| NeuralError::model(&g, e.to_string()))?;
        self.d_vs
            .load(&d)
            .map_err(|e| NeuralError::model(&d, e.to_string()))?;
        self.steps = steps;
        Ok(())
    }
}

/// The generator and discriminator files of a checkpoint prefix.
pub fn checkpoint_files(prefix: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let s = prefix.to_string_lossy();
    (
        format!("{s}.g.safetensors").into(),
        format!("{s}.d.safetensors").into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neural::avatar::config::tiny_config;
    use crate::neural::avatar::data::{labels_to_tensor, rgb_to_tensor};

    #[test]
    fn training_steps_give_finite_losses_and_fit_one_frame() {
        tch::manual_seed(1);
        let mut cfg = tiny_config();
        cfg.network.temporal = true;
        cfg.train.lr = 1e-3;
        let mut tr = AvatarTrainer::new(&cfg, Device::Cpu, None).unwrap();
        let classes: Vec<u8> = (0..64 * 64).map(|i| ((i % 64) / 4) as u8).collect();
        let rgb: Vec<u8> = classes
            .iter()
            .flat_map(|&c| [c * 15, 255 - c * 15, 128])
            .collect();
        let batch = Batch {
            labels: labels_to_tensor(&classes, 1, 64, 64, 18, Device::Cpu).unwrap(),
            image: rgb_to_tensor(&rgb, 1, 64, 64, Device::Cpu).unwrap(),
            prev: rgb_to_tensor(&rgb, 1, 64, 64, Device::Cpu).unwrap(),
        };
        let first = tr.step(&batch).unwrap();
        assert_eq!(first.len(), LOSS_NAMES.len());
        let mut last = first.clone();
        for _ in 0..15 {
            last = tr.step(&batch).unwrap();
        }
        assert!(first.iter().chain(&last).all(|(_, v)| v.is_finite()));
        assert!(last[4].1 < first[4].1, "L1 {} -> {}", first[4].1, last[4].1);
        assert_eq!(tr.steps(), 16);
    }
}
