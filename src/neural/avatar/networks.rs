//! The Pix2PixHD networks (Wang et al., "High-Resolution Image Synthesis and Semantic
//! Manipulation with Conditional GANs", 2018): the global generator, the optional local
//! enhancer, and the multi-scale PatchGAN discriminator that returns its intermediate
//! features for feature matching.
//!
//! Generator: `c7s1-ngf` (reflection pad 3, 7×7 convolution, instance norm, ReLU),
//! `n_downsampling` stride-2 3×3 convolutions doubling the filters, `n_blocks` residual
//! blocks (reflection-padded 3×3 convolutions, instance norm), as many transposed
//! convolutions back up, and `c7s1-3` with tanh. Instance norm has no affine parameters,
//! as in Pix2PixHD. The local enhancer wraps a global generator of `2·ngf` filters run on the
//! average-pooled input: its last feature map is added to a full-resolution stride-2
//! front end, followed by residual blocks and the upsampling back end.
//!
//! Discriminator: `num_d` PatchGANs, scale `i` seeing the input average-pooled `i` times
//! (3×3, stride 2, padding excluded from the mean); each is `C64-C128-C256-C512`-style
//! 4×4 convolutions (padding 2, leaky ReLU 0.2, instance norm after the first) ending in a
//! one-channel patch map. Every layer's output is returned.

use tch::nn::{self, Module};
use tch::{Kind, Tensor};

use super::config::AvatarNetConfig;
use crate::neural::layers::leaky;

/// Instance normalisation without affine parameters.
pub fn instance_norm(xs: &Tensor) -> Tensor {
    xs.instance_norm(
        None::<Tensor>,
        None::<Tensor>,
        None::<Tensor>,
        None::<Tensor>,
        true,
        0.1,
        1e-5,
        false,
    )
}

fn conv(vs: nn::Path, c_in: i64, c_out: i64, k: i64, stride: i64, padding: i64) -> nn::Conv2D {
    let cfg = nn::ConvConfig {
        stride,
        padding,
        ..Default::default()
    };
    nn::conv2d(vs, c_in, c_out, k, cfg)
}

/// Reflection pad `p`, `k×k` convolution, instance norm, ReLU (`c7s1-k` for `k = 7`).
#[derive(Debug)]
struct ReflectConv {
    conv: nn::Conv2D,
    pad: i64,
}

impl ReflectConv {
    fn new(vs: nn::Path, c_in: i64, c_out: i64, k: i64) -> Self {
        ReflectConv {
            conv: conv(vs, c_in, c_out, k, 1, 0),
            pad: k / 2,
        }
    }

    fn forward(&self, xs: &Tensor) -> Tensor {
        let p = self.pad;
        self.conv.forward(&xs.reflection_pad2d([p, p, p, p]))
    }
}

/// `x + (pad, conv3, norm, ReLU, pad, conv3, norm)(x)`.
#[derive(Debug)]
struct ResBlock {
    a: ReflectConv,
    b: ReflectConv,
}

impl ResBlock {
    fn new(vs: nn::Path, c: i64) -> Self {
        ResBlock {
            a: ReflectConv::new(&vs / "conv1", c, c, 3),
            b: ReflectConv::new(&vs / "conv2", c, c, 3),
        }
    }

    fn forward(&self, xs: &Tensor) -> Tensor {
        let h = instance_norm(&self.a.forward(xs)).relu();
        xs + instance_norm(&self.b.forward(&h))
    }
}

fn up_conv(vs: nn::Path, c_in: i64, c_out: i64) -> nn::ConvTranspose2D {
    let cfg = nn::ConvTransposeConfig {
        stride: 2,
        padding: 1,
        output_padding: 1,
        ..Default::default()
    };
    nn::conv_transpose2d(vs, c_in, c_out, 3, cfg)
}

/// Pix2PixHD's global generator; with `final_conv` false it stops before `c7s1-3`
/// (the local enhancer uses its features).
#[derive(Debug)]
pub struct GlobalGenerator {
    first: ReflectConv,
    down: Vec<nn::Conv2D>,
    blocks: Vec<ResBlock>,
    up: Vec<nn::ConvTranspose2D>,
    last: Option<ReflectConv>,
}

impl GlobalGenerator {
    /// A generator of `c_in` input channels and `ngf` first-layer filters.
    pub fn new(vs: nn::Path, cfg: &AvatarNetConfig, c_in: i64, ngf: i64, final_conv: bool) -> Self {
        let first = ReflectConv::new(&vs / "first", c_in, ngf, 7);
        let mut c = ngf;
        let mut down = Vec::new();
        for i in 0..cfg.n_downsampling {
            down.push(conv(&vs / format!("down{i}"), c, c * 2, 3, 2, 1));
            c *= 2;
        }
        let blocks = (0..cfg.n_blocks)
            .map(|i| ResBlock::new(&vs / format!("block{i}"), c))
            .collect();
        let mut up = Vec::new();
        for i in 0..cfg.n_downsampling {
            up.push(up_conv(&vs / format!("up{i}"), c, c / 2));
            c /= 2;
        }
        let last = final_conv.then(|| ReflectConv::new(&vs / "last", ngf, 3, 7));
        GlobalGenerator {
            first,
            down,
            blocks,
            up,
            last,
        }
    }

    /// `[N, c_in, H, W]` → `[N, 3, H, W]` in −1..1 (or the last feature map).
    pub fn forward(&self, xs: &Tensor) -> Tensor {
        let mut h = instance_norm(&self.first.forward(xs)).relu();
        for d in &self.down {
            h = instance_norm(&d.forward(&h)).relu();
        }
        for b in &self.blocks {
            h = b.forward(&h);
        }
        for u in &self.up {
            h = instance_norm(&u.forward(&h)).relu();
        }
        match &self.last {
            Some(last) => last.forward(&h).tanh(),
            None => h,
        }
    }
}

/// 3×3 average pooling with stride 2, padding left out of the mean.
pub fn downsample(xs: &Tensor) -> Tensor {
    xs.avg_pool2d([3, 3], [2, 2], [1, 1], false, false, None::<i64>)
}

/// Pix2PixHD's local enhancer around a half-resolution global generator.
#[derive(Debug)]
pub struct LocalEnhancer {
    global: GlobalGenerator,
    first: ReflectConv,
    down: nn::Conv2D,
    blocks: Vec<ResBlock>,
    up: nn::ConvTranspose2D,
    last: ReflectConv,
}

impl LocalEnhancer {
    fn new(vs: nn::Path, cfg: &AvatarNetConfig) -> Self {
        let (c_in, ngf) = (cfg.generator_in(), cfg.ngf);
        LocalEnhancer {
            global: GlobalGenerator::new(&vs / "global", cfg, c_in, 2 * ngf, false),
            first: ReflectConv::new(&vs / "local_first", c_in, ngf, 7),
            down: conv(&vs / "local_down", ngf, 2 * ngf, 3, 2, 1),
            blocks: (0..cfg.n_blocks_local)
                .map(|i| ResBlock::new(&vs / format!("local_block{i}"), 2 * ngf))
                .collect(),
            up: up_conv(&vs / "local_up", 2 * ngf, ngf),
            last: ReflectConv::new(&vs / "local_last", ngf, 3, 7),
        }
    }

    fn forward(&self, xs: &Tensor) -> Tensor {
        let coarse = self.global.forward(&downsample(xs));
        let h = instance_norm(&self.first.forward(xs)).relu();
        let mut h = instance_norm(&self.down.forward(&h)).relu() + coarse;
        for b in &self.blocks {
            h = b.forward(&h);
        }
        let h = instance_norm(&self.up.forward(&h)).relu();
        self.last.forward(&h).tanh()
    }
}

/// The generator of a config: global alone, or inside the local enhancer.
#[derive(Debug)]
pub enum Generator {
    /// The global generator.
    Global(Box<GlobalGenerator>),
    /// Local enhancer around a global generator.
    Local(Box<LocalEnhancer>),
}

impl Generator {
    /// Builds the generator `cfg` describes under `vs`.
    pub fn new(vs: nn::Path, cfg: &AvatarNetConfig) -> Self {
        if cfg.local_enhancer {
            Generator::Local(Box::new(LocalEnhancer::new(vs, cfg)))
        } else {
            Generator::Global(Box::new(GlobalGenerator::new(
                vs,
                cfg,
                cfg.generator_in(),
                cfg.ngf,
                true,
            )))
        }
    }

    /// `[N, generator_in, H, W]` → `[N, 3, H, W]` in −1..1.
    pub fn forward(&self, xs: &Tensor) -> Tensor {
        match self {
            Generator::Global(g) => g.forward(xs),
            Generator::Local(g) => g.forward(xs),
        }
    }
}

/// One PatchGAN: returns every layer's activations, the patch map last.
#[derive(Debug)]
pub struct PatchDiscriminator {
    convs: Vec<nn::Conv2D>,
}

impl PatchDiscriminator {
    fn new(vs: nn::Path, c_in: i64, ndf: i64, n_layers: i64) -> Self {
        let mut convs = vec![conv(&vs / "conv0", c_in, ndf, 4, 2, 2)];
        let mut nf = ndf;
        for i in 1..n_layers {
            let prev = nf;
            nf = (nf * 2).min(512);
            convs.push(conv(&vs / format!("conv{i}"), prev, nf, 4, 2, 2));
        }
        let prev = nf;
        nf = (nf * 2).min(512);
        convs.push(conv(&vs / format!("conv{n_layers}"), prev, nf, 4, 1, 2));
        convs.push(conv(&vs / "out", nf, 1, 4, 1, 2));
        PatchDiscriminator { convs }
    }

    fn forward(&self, xs: &Tensor) -> Vec<Tensor> {
        let n = self.convs.len();
        let mut feats = Vec::with_capacity(n);
        let mut h = xs.shallow_clone();
        for (i, c) in self.convs.iter().enumerate() {
            h = c.forward(&h);
            if i + 1 < n {
                if i > 0 {
                    h = instance_norm(&h);
                }
                h = leaky(&h);
            }
            feats.push(h.shallow_clone());
        }
        feats
    }
}

/// `num_d` PatchGANs at successively halved resolutions.
#[derive(Debug)]
pub struct MultiscaleDiscriminator {
    scales: Vec<PatchDiscriminator>,
}

impl MultiscaleDiscriminator {
    /// The discriminator `cfg` describes under `vs`.
    pub fn new(vs: nn::Path, cfg: &AvatarNetConfig) -> Self {
        let scales = (0..cfg.num_d)
            .map(|i| {
                PatchDiscriminator::new(
                    &vs / format!("scale{i}"),
                    cfg.discriminator_in(),
                    cfg.ndf,
                    cfg.n_layers_d,
                )
            })
            .collect();
        MultiscaleDiscriminator { scales }
    }

    /// Per scale (full resolution first), every layer's output (the patch map last).
    pub fn forward(&self, xs: &Tensor) -> Vec<Vec<Tensor>> {
        let mut input = xs.shallow_clone();
        let mut out = Vec::with_capacity(self.scales.len());
        for (i, d) in self.scales.iter().enumerate() {
            if i > 0 {
                input = downsample(&input);
            }
            out.push(d.forward(&input));
        }
        out
    }
}

/// LSGAN loss of patch maps against the target `1` (real) or `0` (fake), summed over scales.
pub fn lsgan_loss(outputs: &[Vec<Tensor>], real: bool) -> Tensor {
    let target = if real { 1.0 } else { 0.0 };
    let mut total = Tensor::zeros([], (Kind::Float, outputs_device(outputs)));
    for scale in outputs {
        if let Some(map) = scale.last() {
            total += (map - target).square().mean(Kind::Float);
        }
    }
    total
}

/// Pix2PixHD's discriminator feature matching: L1 between the fake's and the (detached)
/// real's intermediate features, every layer but the patch map, weighted
/// `4 / (n_layers + 1)` per layer and `1 / num_d` per scale.
pub fn feature_matching_loss(fake: &[Vec<Tensor>], real: &[Vec<Tensor>], n_layers: i64) -> Tensor {
    let feat_w = 4.0 / (n_layers as f64 + 1.0);
    let d_w = 1.0 / fake.len().max(1) as f64;
    let mut total = Tensor::zeros([], (Kind::Float, outputs_device(fake)));
    for (f, r) in fake.iter().zip(real) {
        let n = f.len().saturating_sub(1);
        for (a, b) in f.iter().zip(r).take(n) {
            total += (a - b.detach()).abs().mean(Kind::Float) * (feat_w * d_w);
        }
    }
    total
}

fn outputs_device(outputs: &[Vec<Tensor>]) -> tch::Device {
    outputs
        .first()
        .and_then(|s| s.first())
        .map_or(tch::Device::Cpu, Tensor::device)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neural::avatar::config::tiny_config;
    use tch::Device;

    fn tiny() -> AvatarNetConfig {
        tiny_config().network
    }

    #[test]
    fn generators_and_discriminators_have_the_documented_shapes() {
        for (local, temporal) in [(false, false), (true, true)] {
            let mut cfg = tiny();
            cfg.local_enhancer = local;
            cfg.temporal = temporal;
            let vs = nn::VarStore::new(Device::Cpu);
            let g = Generator::new(vs.root() / "g", &cfg);
            let d = MultiscaleDiscriminator::new(vs.root() / "d", &cfg);
            let x = Tensor::rand([2, cfg.generator_in(), 64, 64], (Kind::Float, Device::Cpu));
            let y = g.forward(&x);
            assert_eq!(y.size(), vec![2, 3, 64, 64]);
            assert!(y.abs().max().double_value(&[]) <= 1.0);
            let outs = d.forward(&Tensor::cat(&[x, y], 1));
            assert_eq!(outs.len(), 2);
            assert_eq!(outs[0].len(), 5);
            assert_eq!(outs[0][4].size()[1], 1);
            assert!(outs[1][4].size()[2] < outs[0][4].size()[2]);
        }
    }
}
