//! Settings of the Pix2PixHD avatar model: network sizes ([`AvatarNetConfig`], stored in the
//! manifest and needed to rebuild the network) and training settings ([`AvatarTrainConfig`]).
//!
//! Both are serde structs with `deny_unknown_fields` and a default for every field, so a
//! `--config FILE` (YAML or JSON) names only what it changes. [`AvatarConfig::small`] is the
//! preset that trains on two CPU cores; [`AvatarConfig::paper`] is Pix2PixHD's size.
//! [`generator_flops`] counts the generator's arithmetic per frame for the benchmark.

use serde::{Deserialize, Serialize};

use crate::config::{InvalidField, Validate};
use crate::render::labels::N_LABEL_CHANNELS;

/// Sizes of the generator and the discriminators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AvatarNetConfig {
    /// Label channels of the input (background + limbs).
    pub label_channels: i64,
    /// Image width, pixels (a multiple of `2^(n_downsampling + local_enhancer)`).
    pub width: i64,
    /// Image height, pixels (same rule as `width`).
    pub height: i64,
    /// Filters of the first generator layer at full resolution.
    pub ngf: i64,
    /// Stride-2 convolutions of the global generator (each halves the size, doubles filters).
    pub n_downsampling: i64,
    /// Residual blocks at the bottom of the global generator.
    pub n_blocks: i64,
    /// Pix2PixHD's local enhancer: the global generator runs at half size with `2·ngf`
    /// filters and a full-resolution front/back end refines it. Off for CPU training.
    pub local_enhancer: bool,
    /// Residual blocks of the local enhancer.
    pub n_blocks_local: i64,
    /// Filters of the first discriminator layer.
    pub ndf: i64,
    /// Discriminator scales (each sees the input average-pooled once more).
    pub num_d: i64,
    /// Stride-2 layers of each PatchGAN discriminator.
    pub n_layers_d: i64,
    /// Condition on the previous frame (EverybodyDanceNow): the generator also sees the
    /// previous output (3 channels), the discriminator the previous and current frame.
    pub temporal: bool,
}

impl Default for AvatarNetConfig {
    fn default() -> Self {
        AvatarConfig::small().network
    }
}

impl AvatarNetConfig {
    /// Channels of the generator input.
    pub fn generator_in(&self) -> i64 {
        self.label_channels + if self.temporal { 3 } else { 0 }
    }

    /// Channels of the discriminator input (condition and image).
    pub fn discriminator_in(&self) -> i64 {
        self.generator_in() + 3
    }

    /// What the image sides must be multiples of.
    pub fn size_multiple(&self) -> i64 {
        1 << (self.n_downsampling + i64::from(self.local_enhancer))
    }
}

impl Validate for AvatarNetConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        let positive = [
            ("label_channels", self.label_channels),
            ("ngf", self.ngf),
            ("ndf", self.ndf),
            ("num_d", self.num_d),
            ("n_layers_d", self.n_layers_d),
        ];
        for (name, v) in positive {
            if !(1..=1024).contains(&v) {
                return Err(InvalidField::new(
                    format!("network.{name}"),
                    format!("{v}, expected 1..=1024"),
                ));
            }
        }
        if !(0..=6).contains(&self.n_downsampling) {
            return Err(InvalidField::new(
                "network.n_downsampling",
                format!("{}, expected 0..=6", self.n_downsampling),
            ));
        }
        for (name, v) in [
            ("n_blocks", self.n_blocks),
            ("n_blocks_local", self.n_blocks_local),
        ] {
            if !(0..=32).contains(&v) {
                return Err(InvalidField::new(
                    format!("network.{name}"),
                    format!("{v}, expected 0..=32"),
                ));
            }
        }
        let m = self.size_multiple();
        for (name, v) in [("width", self.width), ("height", self.height)] {
            if !(16..=4096).contains(&v) || v % m != 0 {
                return Err(InvalidField::new(
                    format!("network.{name}"),
                    format!("{v}, expected 16..=4096 and a multiple of {m}"),
                ));
            }
        }
        Ok(())
    }
}

/// Training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AvatarTrainConfig {
    /// Adam learning rate (Pix2PixHD: 2e-4).
    pub lr: f64,
    /// Adam β₁ (Pix2PixHD: 0.5).
    pub beta1: f64,
    /// Adam β₂.
    pub beta2: f64,
    /// Frames per step.
    pub batch_size: usize,
    /// Discriminator feature matching weight (Pix2PixHD: 10).
    pub lambda_fm: f64,
    /// L1 reconstruction weight. Not in Pix2PixHD; it makes the synthetic avatar converge in
    /// far fewer steps on a CPU (and is what PSNR rewards). 0 turns it off.
    pub lambda_l1: f64,
    /// VGG19 perceptual loss weight; used only with `--vgg PATH` (Pix2PixHD: 10).
    pub lambda_vgg: f64,
    /// Steps per epoch; 0 for one pass over the training frames.
    pub steps_per_epoch: usize,
    /// Share of the frames (whole sequences where there are several) held out.
    pub val_fraction: f64,
    /// Validation frames scored for PSNR/SSIM each epoch (at most).
    pub val_frames: usize,
    /// Validation frames shown in each epoch's sample grid.
    pub sample_frames: usize,
    /// Size frame folders and videos are resized to, `[width, height]`.
    pub image_size: [usize; 2],
}

impl Default for AvatarTrainConfig {
    fn default() -> Self {
        AvatarConfig::small().train
    }
}

impl Validate for AvatarTrainConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        if !(self.lr > 0.0 && self.lr < 1.0) {
            return Err(InvalidField::new("train.lr", format!("{}", self.lr)));
        }
        for (name, v) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(0.0..1.0).contains(&v) {
                return Err(InvalidField::new(
                    format!("train.{name}"),
                    format!("{v}, expected 0 <= b < 1"),
                ));
            }
        }
        for (name, v) in [
            ("lambda_fm", self.lambda_fm),
            ("lambda_l1", self.lambda_l1),
            ("lambda_vgg", self.lambda_vgg),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(InvalidField::new(
                    format!("train.{name}"),
                    format!("{v}, expected >= 0"),
                ));
            }
        }
        if !(1..=256).contains(&self.batch_size) {
            return Err(InvalidField::new(
                "train.batch_size",
                format!("{}, expected 1..=256", self.batch_size),
            ));
        }
        if !(0.0..0.9).contains(&self.val_fraction) {
            return Err(InvalidField::new(
                "train.val_fraction",
                format!("{}, expected 0 <= f < 0.9", self.val_fraction),
            ));
        }
        Ok(())
    }
}

/// Network and training settings together (the `--config` file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AvatarConfig {
    /// Network sizes.
    pub network: AvatarNetConfig,
    /// Training settings.
    pub train: AvatarTrainConfig,
}

impl Default for AvatarConfig {
    fn default() -> Self {
        AvatarConfig::small()
    }
}

impl Validate for AvatarConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        self.network.validate()?;
        self.train.validate()
    }
}

impl AvatarConfig {
    /// Trains on two CPU cores: 256×256, ngf 16, three downsamplings, five residual blocks,
    /// two discriminator scales of three layers with ndf 16 (about 2 MB of weights).
    pub fn small() -> AvatarConfig {
        AvatarConfig {
            network: AvatarNetConfig {
                label_channels: N_LABEL_CHANNELS as i64,
                width: 256,
                height: 256,
                ngf: 16,
                n_downsampling: 3,
                n_blocks: 5,
                local_enhancer: false,
                n_blocks_local: 3,
                ndf: 16,
                num_d: 2,
                n_layers_d: 3,
                temporal: false,
            },
            train: AvatarTrainConfig {
                lr: 2e-4,
                beta1: 0.5,
                beta2: 0.999,
                batch_size: 1,
                lambda_fm: 10.0,
                lambda_l1: 10.0,
                lambda_vgg: 10.0,
                steps_per_epoch: 0,
                val_fraction: 0.1,
                val_frames: 16,
                sample_frames: 4,
                image_size: [256, 256],
            },
        }
    }

    /// Pix2PixHD's global generator and discriminators (ngf 64, 4 downsamplings, 9 blocks,
    /// ndf 64, 3 scales); needs a GPU.
    pub fn paper() -> AvatarConfig {
        let mut c = AvatarConfig::small();
        c.network.ngf = 64;
        c.network.n_downsampling = 4;
        c.network.n_blocks = 9;
        c.network.ndf = 64;
        c.network.num_d = 3;
        c.network.width = 512;
        c.network.height = 512;
        c.train.image_size = [512, 512];
        c.train.lambda_l1 = 0.0;
        c
    }
}

/// Multiply-accumulates of a convolution producing `out_h × out_w × c_out` with `k × k`
/// kernels over `c_in` channels.
fn conv_macs(c_in: i64, c_out: i64, k: i64, out_h: i64, out_w: i64) -> f64 {
    (c_in * c_out * k * k) as f64 * (out_h * out_w) as f64
}

/// MACs of a global generator body on a `w × h` input of `c_in` channels with `ngf` filters;
/// `final_conv` adds the last 7×7 convolution to RGB.
fn global_macs(
    cfg: &AvatarNetConfig,
    c_in: i64,
    ngf: i64,
    w: i64,
    h: i64,
    final_conv: bool,
) -> f64 {
    let mut macs = conv_macs(c_in, ngf, 7, h, w);
    let (mut cw, mut ch, mut c) = (w, h, ngf);
    for _ in 0..cfg.n_downsampling {
        cw = (cw + 1) / 2;
        ch = (ch + 1) / 2;
        macs += conv_macs(c, c * 2, 3, ch, cw);
        c *= 2;
    }
    macs += 2.0 * cfg.n_blocks as f64 * conv_macs(c, c, 3, ch, cw);
    for _ in 0..cfg.n_downsampling {
        // A transposed convolution costs the same MACs as the convolution it inverts.
        macs += conv_macs(c / 2, c, 3, ch, cw);
        cw *= 2;
        ch *= 2;
        c /= 2;
    }
    if final_conv {
        macs += conv_macs(ngf, 3, 7, h, w);
    }
    macs
}

/// Floating-point operations of one generator forward pass on one frame: convolution
/// multiply-accumulates × 2 (normalisation, activations and additions are left out; they are
/// under 1 % of the total).
pub fn generator_flops(cfg: &AvatarNetConfig) -> f64 {
    let (w, h, c_in) = (cfg.width, cfg.height, cfg.generator_in());
    let macs = if cfg.local_enhancer {
        let ngf = cfg.ngf;
        let global = global_macs(cfg, c_in, 2 * ngf, w / 2, h / 2, false);
        let down = conv_macs(c_in, ngf, 7, h, w) + conv_macs(ngf, 2 * ngf, 3, h / 2, w / 2);
        let blocks = 2.0 * cfg.n_blocks_local as f64 * conv_macs(2 * ngf, 2 * ngf, 3, h / 2, w / 2);
        let up = conv_macs(ngf, 2 * ngf, 3, h / 2, w / 2) + conv_macs(ngf, 3, 7, h, w);
        global + down + blocks + up
    } else {
        global_macs(cfg, c_in, cfg.ngf, w, h, true)
    };
    2.0 * macs
}

/// A 64×64 model with 4 filters, for tests.
#[cfg(test)]
pub fn tiny_config() -> AvatarConfig {
    let mut c = AvatarConfig::small();
    c.network.width = 64;
    c.network.height = 64;
    c.network.ngf = 4;
    c.network.ndf = 4;
    c.network.n_blocks = 1;
    c.network.n_downsampling = 2;
    c.train.image_size = [64, 64];
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_validate_and_bad_sizes_are_named() {
        AvatarConfig::small().validate().unwrap();
        AvatarConfig::paper().validate().unwrap();
        let mut c = AvatarConfig::small();
        c.network.width = 100;
        let e = c.validate().unwrap_err();
        assert_eq!(e.field, "network.width");
        let parsed: Result<AvatarConfig, _> = serde_json::from_str(r#"{"network":{"ngf2":3}}"#);
        assert!(parsed.is_err());
    }

    #[test]
    fn flops_of_a_single_conv_generator_are_counted_by_hand() {
        let mut c = AvatarConfig::small().network;
        c.n_downsampling = 0;
        c.n_blocks = 0;
        c.width = 16;
        c.height = 16;
        c.ngf = 2;
        let want = 2.0 * (18.0 * 2.0 * 49.0 * 256.0 + 2.0 * 3.0 * 49.0 * 256.0);
        assert_eq!(generator_flops(&c), want);
        let small = generator_flops(&AvatarConfig::small().network);
        assert!(small > 1e9 && small < 2e10, "{small}");
    }
}
