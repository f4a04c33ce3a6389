//! Discriminators for adversarial training of the generators.
//!
//! - [`LocalTemporalD`] (Ren et al., "Music-oriented Dance Video Synthesis with Pose Perceptual
//!   Loss"): a 1D PatchGAN (Isola et al., "Image-to-Image Translation with Conditional
//!   Adversarial Networks") over poses and their frame differences; each output scores one
//!   short, overlapping window of motion, so it judges local dynamics, not the whole dance.
//! - [`GlobalContentD`] (Ren et al.): a pose encoder and an audio GRU, fused frame by frame and
//!   pooled by self-attention into one score of whether the dance as a whole fits the music;
//!   trained with a gradient penalty ([`super::losses::gradient_penalty`]).
//! - [`PairDiscriminator`] (Liu & Ko, "The use of deep learning technology in dance movement
//!   generation"): one network over pose, frame differences and audio; real dances on the
//!   wrong music are its extra negatives.
//!
//! Each returns logits and the intermediate activations used for feature matching
//! (Wang et al., "High-Resolution Image Synthesis and Semantic Manipulation with Conditional
//! GANs"). Inputs are `[batch, time, features]`.

use tch::nn::{self, Module, ModuleT, RNN};
use tch::Tensor;

use super::layers::{frame_differences, leaky, TemporalConv};

/// Logits and the activations they came through.
#[derive(Debug)]
pub struct Judgement {
    /// Raw scores (real > fake), any shape.
    pub logits: Tensor,
    /// Intermediate activations, for feature matching.
    pub features: Vec<Tensor>,
}

/// A 1D PatchGAN: strided convolutions, then one logit per overlapping patch of frames.
#[derive(Debug)]
pub struct PatchDiscriminator {
    convs: Vec<TemporalConv>,
    head: TemporalConv,
}

impl PatchDiscriminator {
    /// `layers` stride-2 convolutions (kernel 5) from `in_dim` to `hidden` channels, doubling
    /// after the first up to `4 · hidden`, then a kernel-3 convolution to one logit.
    pub fn new(vs: nn::Path, in_dim: i64, hidden: i64, layers: i64) -> Self {
        let mut convs = Vec::new();
        let mut width = in_dim;
        for i in 0..layers {
            let out = hidden * (1 << i.min(2));
            convs.push(TemporalConv::new(
                &vs / format!("conv{i}"),
                width,
                out,
                5,
                2,
                false,
            ));
            width = out;
        }
        let head = TemporalConv::new(&vs / "head", width, 1, 3, 1, false);
        Self { convs, head }
    }

    /// Logits `[batch, patches, 1]` and the activation of every convolution.
    pub fn judge(&self, xs: &Tensor) -> Judgement {
        let mut h = xs.shallow_clone();
        let mut features = Vec::with_capacity(self.convs.len());
        for conv in &self.convs {
            h = leaky(&conv.forward(&h));
            features.push(h.shallow_clone());
        }
        Judgement {
            logits: self.head.forward(&h),
            features,
        }
    }
}

/// Ren et al.'s local temporal discriminator over poses and frame differences.
#[derive(Debug)]
pub struct LocalTemporalD {
    patch: PatchDiscriminator,
}

impl LocalTemporalD {
    /// For poses of `pose_dim` values per frame.
    pub fn new(vs: nn::Path, pose_dim: i64, hidden: i64, layers: i64) -> Self {
        Self {
            patch: PatchDiscriminator::new(vs, 2 * pose_dim, hidden, layers),
        }
    }

    /// Scores every patch of `poses` (`[batch, time, pose_dim]`).
    pub fn judge(&self, poses: &Tensor) -> Judgement {
        self.patch
            .judge(&Tensor::cat(&[poses, &frame_differences(poses)], 2))
    }
}

impl ModuleT for LocalTemporalD {
    fn forward_t(&self, poses: &Tensor, _train: bool) -> Tensor {
        self.judge(poses).logits
    }
}

/// Ren et al.'s global content discriminator: does this whole dance fit this music?
#[derive(Debug)]
pub struct GlobalContentD {
    pose_dim: i64,
    pose_encoder: Vec<TemporalConv>,
    audio_gru: nn::GRU,
    fuse: nn::Linear,
    attention: nn::Linear,
    head: nn::Linear,
}

impl GlobalContentD {
    /// For poses of `pose_dim` and music of `audio_dim` values per frame.
    pub fn new(vs: nn::Path, pose_dim: i64, audio_dim: i64, hidden: i64) -> Self {
        let pose_encoder = vec![
            TemporalConv::new(&vs / "pose0", pose_dim, hidden, 5, 1, false),
            TemporalConv::new(&vs / "pose1", hidden, hidden, 5, 1, false),
        ];
        let rnn_cfg = nn::RNNConfig {
            batch_first: true,
            ..Default::default()
        };
        Self {
            pose_dim,
            pose_encoder,
            audio_gru: nn::gru(&vs / "audio_gru", audio_dim, hidden, rnn_cfg),
            fuse: nn::linear(&vs / "fuse", 2 * hidden, hidden, Default::default()),
            attention: nn::linear(&vs / "attention", hidden, 1, Default::default()),
            head: nn::linear(&vs / "head", hidden, 1, Default::default()),
        }
    }

    /// The audio branch: GRU states `[batch, time, hidden]`. It does not depend on the
    /// poses, so one encoding serves the real, the fake and the interpolated dances of a step.
    pub fn encode_audio(&self, audio: &Tensor) -> Tensor {
        self.audio_gru.seq(audio).0
    }

    /// One logit per sequence (`[batch, 1]`); features: the pose encoding and the pooled
    /// vector.
    pub fn judge(&self, poses: &Tensor, audio: &Tensor) -> Judgement {
        self.judge_encoded(poses, &self.encode_audio(audio))
    }

    /// [`judge`](Self::judge) with the audio already encoded by
    /// [`encode_audio`](Self::encode_audio).
    pub fn judge_encoded(&self, poses: &Tensor, a: &Tensor) -> Judgement {
        let mut p = poses.shallow_clone();
        for conv in &self.pose_encoder {
            p = leaky(&conv.forward(&p));
        }
        let fused = self.fuse.forward(&Tensor::cat(&[&p, a], 2)).tanh();
        let weights = self.attention.forward(&fused).softmax(1, tch::Kind::Float);
        let pooled = (&fused * &weights).sum_dim_intlist(1, false, tch::Kind::Float);
        Judgement {
            logits: self.head.forward(&pooled),
            features: vec![p, pooled],
        }
    }
}

impl ModuleT for GlobalContentD {
    /// `xs` is `[batch, time, pose_dim + audio_dim]`, pose first.
    fn forward_t(&self, xs: &Tensor, _train: bool) -> Tensor {
        let audio_dim = xs.size()[2] - self.pose_dim;
        let poses = xs.narrow(2, 0, self.pose_dim);
        let audio = xs.narrow(2, self.pose_dim, audio_dim);
        self.judge(&poses, &audio).logits
    }
}

/// Liu & Ko's discriminator over pose, frame differences and audio together.
#[derive(Debug)]
pub struct PairDiscriminator {
    pose_dim: i64,
    patch: PatchDiscriminator,
}

impl PairDiscriminator {
    /// For poses of `pose_dim` and music of `audio_dim` values per frame.
    pub fn new(vs: nn::Path, pose_dim: i64, audio_dim: i64, hidden: i64, layers: i64) -> Self {
        Self {
            pose_dim,
            patch: PatchDiscriminator::new(vs, 2 * pose_dim + audio_dim, hidden, layers),
        }
    }

    /// Scores every patch of the (dance, music) pair.
    pub fn judge(&self, poses: &Tensor, audio: &Tensor) -> Judgement {
        self.patch
            .judge(&Tensor::cat(&[poses, &frame_differences(poses), audio], 2))
    }
}

impl ModuleT for PairDiscriminator {
    /// `xs` is `[batch, time, pose_dim + audio_dim]`, pose first.
    fn forward_t(&self, xs: &Tensor, _train: bool) -> Tensor {
        let audio_dim = xs.size()[2] - self.pose_dim;
        let poses = xs.narrow(2, 0, self.pose_dim);
        let audio = xs.narrow(2, self.pose_dim, audio_dim);
        self.judge(&poses, &audio).logits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    fn randn(shape: &[i64]) -> Tensor {
        Tensor::randn(shape, (Kind::Float, Device::Cpu))
    }

    #[test]
    fn discriminators_score_patches_and_sequences() {
        let vs = nn::VarStore::new(Device::Cpu);
        let poses = randn(&[2, 32, 57]);
        let audio = randn(&[2, 32, 9]);
        let local = LocalTemporalD::new(vs.root() / "local", 57, 8, 3);
        let j = local.judge(&poses);
        assert_eq!(j.logits.size(), vec![2, 4, 1]);
        assert_eq!(j.features.len(), 3);
        assert_eq!(j.features[2].size(), vec![2, 4, 32]);
        let global = GlobalContentD::new(vs.root() / "global", 57, 9, 10);
        let g = global.judge(&poses, &audio);
        assert_eq!(g.logits.size(), vec![2, 1]);
        let joined = Tensor::cat(&[&poses, &audio], 2);
        let diff = (global.forward_t(&joined, false) - &g.logits).abs().max();
        assert_eq!(diff.double_value(&[]), 0.0);
        let pair = PairDiscriminator::new(vs.root() / "pair", 57, 9, 8, 2);
        assert_eq!(pair.forward_t(&joined, false).size(), vec![2, 8, 1]);
    }
}
