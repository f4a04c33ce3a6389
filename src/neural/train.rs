//! The training wrapper: a generator, its discriminators, their optimisers, and one training
//! step per batch.
//!
//! - **Ren** (Ren et al., "Music-oriented Dance Video Synthesis with Pose Perceptual Loss"):
//!   generator loss `200·L1 + adversarial(local) + adversarial(global) + 10·feature matching`;
//!   the local temporal and global content discriminators train on every step, the global one
//!   with a gradient penalty.
//! - **seq2seq** (Liu & Ko, "The use of deep learning technology in dance movement
//!   generation"): generator loss `adversarial + λ₁·MSE + λ₂·reconstruction` (teacher forced);
//!   the discriminator trains once per three generator steps on real pairs, generated dances
//!   and real dances on mismatched music. The paper's settings are the defaults: Adam, learning
//!   rate 1e-3, gradient norm clipped to 1, weight decay 1e-6, sequences of 125 frames.
//!
//! Adversarial terms are least-squares ([`super::losses`]). Checkpoints save both var stores;
//! Adam's moment estimates are not saved (tch cannot), so a resumed run restarts them.

use std::collections::BTreeMap;
use std::path::Path;

use tch::nn::{self, OptimizerConfig};
use tch::{Device, Tensor};

use super::config::NetworkConfig;
use super::data::Batch;
use super::discriminators::{GlobalContentD, LocalTemporalD, PairDiscriminator};
use super::generator::Generator;
use super::losses::{feature_matching, gradient_penalty, l1, lsgan_fake, lsgan_real, mse};
use super::NeuralError;
use crate::config::Validate;

pub use super::settings::{Preset, TrainConfig};

/// The discriminators of an architecture.
#[derive(Debug)]
enum Critics {
    Ren {
        local: LocalTemporalD,
        global: Box<GlobalContentD>,
    },
    Seq2Seq {
        pair: PairDiscriminator,
    },
}

/// Loss values of one step, by name, in a fixed order.
pub type StepLosses = Vec<(&'static str, f64)>;

/// A generator and its discriminators in training.
#[derive(Debug)]
pub struct Trainer {
    cfg: TrainConfig,
    network: NetworkConfig,
    device: Device,
    gen_vs: nn::VarStore,
    disc_vs: nn::VarStore,
    generator: Generator,
    critics: Critics,
    opt_g: nn::Optimizer,
    opt_d: nn::Optimizer,
    steps: u64,
}

impl Trainer {
    /// Fresh networks on `device` (initialised from libtorch's seeded generator).
    pub fn new(
        network: &NetworkConfig,
        cfg: &TrainConfig,
        device: Device,
    ) -> Result<Self, NeuralError> {
        cfg.validate()?;
        network.validate()?;
        let gen_vs = nn::VarStore::new(device);
        let disc_vs = nn::VarStore::new(device);
        let generator = Generator::new(gen_vs.root(), network);
        let (p, a) = (network.pose_dim(), network.in_dim());
        let (h, l) = (cfg.discriminator_hidden, cfg.discriminator_layers);
        let critics = match network {
            NetworkConfig::Ren(_) => Critics::Ren {
                local: LocalTemporalD::new(disc_vs.root() / "local", p, h, l),
                global: Box::new(GlobalContentD::new(disc_vs.root() / "global", p, a, h)),
            },
            NetworkConfig::Seq2seq(_) => Critics::Seq2Seq {
                pair: PairDiscriminator::new(disc_vs.root() / "pair", p, a, h, l),
            },
        };
        let adam = |lr: f64, vs: &nn::VarStore| {
            nn::adam(cfg.adam_beta1, 0.999, cfg.weight_decay).build(vs, lr)
        };
        let opt_g = adam(cfg.lr_generator, &gen_vs)?;
        let opt_d = adam(cfg.lr_discriminator, &disc_vs)?;
        Ok(Self {
            cfg: cfg.clone(),
            network: network.clone(),
            device,
            gen_vs,
            disc_vs,
            generator,
            critics,
            opt_g,
            opt_d,
            steps: 0,
        })
    }

    /// The generator's variables (what a model file holds).
    pub fn generator_store(&self) -> &nn::VarStore {
        &self.gen_vs
    }

    /// The generator network.
    pub fn generator(&self) -> &Generator {
        &self.generator
    }

    /// The network sizes.
    pub fn network(&self) -> &NetworkConfig {
        &self.network
    }

    /// Generator steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The device the networks live on.
    pub fn device(&self) -> Device {
        self.device
    }

    fn update(opt: &mut nn::Optimizer, loss: &Tensor, clip: f64) {
        opt.zero_grad();
        loss.backward();
        if clip > 0.0 {
            opt.clip_grad_norm(clip);
        }
        opt.step();
    }

    /// One generator step (and a discriminator step every `discriminator_every`).
    pub fn step(&mut self, batch: &Batch) -> StepLosses {
        let train_d = self
            .steps
            .is_multiple_of(self.cfg.discriminator_every as u64);
        self.steps += 1;
        match &self.critics {
            Critics::Ren { .. } => self.ren_step(batch, train_d),
            Critics::Seq2Seq { .. } => self.seq2seq_step(batch, train_d),
        }
    }

    fn ren_step(&mut self, batch: &Batch, train_d: bool) -> StepLosses {
        let Critics::Ren { local, global } = &self.critics else {
            return Vec::new();
        };
        let Generator::Ren(generator) = &self.generator else {
            return Vec::new();
        };
        let (audio, real) = (&batch.audio, &batch.poses);
        let noise = self.generator.sample_noise(real.size()[0], self.device);
        let fake = generator.generate(audio, &noise);
        let mut d_loss = 0.0;
        if train_d {
            let f = fake.detach();
            let a = global.encode_audio(audio);
            let gp = gradient_penalty(|x| global.judge_encoded(x, &a).logits, real, &f);
            let loss = lsgan_real(&local.judge(real).logits)
                + lsgan_fake(&local.judge(&f).logits)
                + lsgan_real(&global.judge_encoded(real, &a).logits)
                + lsgan_fake(&global.judge_encoded(&f, &a).logits)
                + gp * self.cfg.gradient_penalty_weight;
            Self::update(&mut self.opt_d, &loss, self.cfg.grad_clip_norm);
            d_loss = loss.double_value(&[]);
        }
        let (lr, lf) = (local.judge(real), local.judge(&fake));
        let a = global.encode_audio(audio);
        let (gr, gf) = (
            global.judge_encoded(real, &a),
            global.judge_encoded(&fake, &a),
        );
        let rec = l1(&fake, real);
        let adv = lsgan_real(&lf.logits) + lsgan_real(&gf.logits);
        let fm = feature_matching(&lr.features, &lf.features)
            + feature_matching(&gr.features, &gf.features);
        let c = &self.cfg;
        let g_loss =
            &rec * c.l1_weight + &adv * c.adversarial_weight + &fm * c.feature_matching_weight;
        Self::update(&mut self.opt_g, &g_loss, c.grad_clip_norm);
        vec![
            ("g_total", g_loss.double_value(&[])),
            ("g_l1", rec.double_value(&[])),
            ("g_adversarial", adv.double_value(&[])),
            ("g_feature_matching", fm.double_value(&[])),
            ("d_total", d_loss),
        ]
    }

    fn seq2seq_step(&mut self, batch: &Batch, train_d: bool) -> StepLosses {
        let Critics::Seq2Seq { pair } = &self.critics else {
            return Vec::new();
        };
        let Generator::Seq2Seq(generator) = &self.generator else {
            return Vec::new();
        };
        let (audio, real) = (&batch.audio, &batch.poses);
        let out = generator.teacher_forced(audio, real, true);
        let mut d_loss = 0.0;
        if train_d {
            // Real dances on the wrong music are negatives too (rolled by one in the batch).
            let wrong = audio.roll([1], [0]);
            let loss = lsgan_real(&pair.judge(real, audio).logits)
                + (lsgan_fake(&pair.judge(&out.poses.detach(), audio).logits)
                    + lsgan_fake(&pair.judge(real, &wrong).logits))
                    * 0.5;
            Self::update(&mut self.opt_d, &loss, self.cfg.grad_clip_norm);
            d_loss = loss.double_value(&[]);
        }
        let adv = lsgan_real(&pair.judge(&out.poses, audio).logits);
        let pose = mse(&out.poses, real);
        let recon = mse(&out.reconstruction, audio);
        let c = &self.cfg;
        let g_loss =
            &adv * c.adversarial_weight + &pose * c.mse_weight + &recon * c.reconstruction_weight;
        Self::update(&mut self.opt_g, &g_loss, c.grad_clip_norm);
        vec![
            ("g_total", g_loss.double_value(&[])),
            ("g_mse", pose.double_value(&[])),
            ("g_adversarial", adv.double_value(&[])),
            ("g_reconstruction", recon.double_value(&[])),
            ("d_total", d_loss),
        ]
    }

    /// Mean L1 error (standardised units) of free-running generation with zero noise over
    /// `batches`.
    pub fn validate(&self, batches: &[Batch]) -> f64 {
        let _guard = tch::no_grad_guard();
        let mut sum = 0.0;
        for b in batches {
            let noise = Tensor::zeros(
                [b.audio.size()[0], self.generator.noise_dim()],
                (tch::Kind::Float, self.device),
            );
            sum += l1(&self.generator.generate(&b.audio, &noise), &b.poses).double_value(&[]);
        }
        sum / batches.len().max(1) as f64
    }

    /// Saves both var stores: `PREFIX.generator.safetensors`, `PREFIX.discriminator.safetensors`.
    pub fn save(&self, prefix: &Path) -> Result<(), NeuralError> {
        let (g, d) = checkpoint_files(prefix);
        self.gen_vs
            .save(&g)
            .map_err(|e| NeuralError::model(&g, e.to_string()))?;
        self.disc_vs
            .save(&d)
            .map_err(|e| NeuralError::model(&d, e.to_string()))?;
        Ok(())
    }

    /// Loads both var stores from a checkpoint written by [`save`](Self::save), checking
    /// every tensor's name and shape.
    pub fn load(&mut self, prefix: &Path, steps: u64) -> Result<(), NeuralError> {
        let (g, d) = checkpoint_files(prefix);
        let arch = self.network.arch();
        super::manifest::load_weights(&mut self.gen_vs, &g, arch)?;
        super::manifest::load_weights(&mut self.disc_vs, &d, arch)?;
        self.steps = steps;
        Ok(())
    }
}

/// The two files of a checkpoint.
pub fn checkpoint_files(prefix: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let name = prefix
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (
        prefix.with_file_name(format!("{name}.generator.safetensors")),
        prefix.with_file_name(format!("{name}.discriminator.safetensors")),
    )
}

/// Averages step losses by name, keeping the first step's order.
pub fn mean_losses(steps: &[StepLosses]) -> Vec<(String, f64)> {
    let mut sums: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for (name, v) in steps.iter().flatten() {
        let e = sums.entry(name).or_insert((0.0, 0));
        e.0 += v;
        e.1 += 1;
    }
    let order = steps
        .first()
        .map(|s| s.iter().map(|(n, _)| *n).collect::<Vec<_>>())
        .unwrap_or_default();
    order
        .into_iter()
        .filter_map(|n| sums.get(n).map(|(s, c)| (n.to_owned(), s / *c as f64)))
        .collect()
}
