//! The Ren et al. generator ("Music-oriented Dance Video Synthesis with Pose Perceptual
//! Loss"): music frames → 1D convolutional encoder → two-layer GRU → MLP pose decoder that also
//! reads a noise vector, one pose per music frame.
//!
//! The paper's generator is bidirectional (it sees the whole clip). The causal variant
//! (`RenConfig::causal`) pads its convolutions on the left only and runs the GRU forwards
//! only, so output frame `t` depends on music frames `≤ t`: the live node can extend a dance
//! as the music arrives. [`RenGenerator::stream`] does exactly that, chunk by chunk, carrying
//! the last `receptive_field` input frames and the GRU state between calls; its output equals
//! the whole-sequence forward pass.
//!
//! Shapes: audio `[batch, time, in_dim]`, noise `[batch, noise_dim]` (one vector per sequence,
//! a dance "style"; repeated over time), poses `[batch, time, pose_dim]`.

use tch::nn::{self, ModuleT, RNN};
use tch::Tensor;

use super::config::RenConfig;
use super::layers::{broadcast_over_time, leaky, Mlp, TemporalConv};

/// The generator of Ren et al., bidirectional or causal.
#[derive(Debug)]
pub struct RenGenerator {
    cfg: RenConfig,
    encoder: Vec<TemporalConv>,
    gru: nn::GRU,
    decoder: Mlp,
}

/// What a causal generator carries between [`RenGenerator::stream`] calls.
#[derive(Debug, Default)]
pub struct RenStream {
    /// The last input frames (at most the receptive field), `[1, frames, in_dim]`.
    history: Option<Tensor>,
    /// GRU hidden state, `[layers, 1, hidden]`.
    state: Option<Tensor>,
}

impl RenGenerator {
    /// Builds the network's variables under `vs`.
    pub fn new(vs: nn::Path, cfg: &RenConfig) -> Self {
        let encoder = (0..cfg.conv_layers)
            .map(|i| {
                let in_dim = if i == 0 {
                    cfg.in_dim
                } else {
                    cfg.conv_channels
                };
                TemporalConv::new(
                    &vs / "encoder" / format!("conv{i}"),
                    in_dim,
                    cfg.conv_channels,
                    cfg.kernel_frames,
                    1,
                    cfg.causal,
                )
            })
            .collect();
        let rnn_cfg = nn::RNNConfig {
            num_layers: cfg.gru_layers,
            bidirectional: !cfg.causal,
            batch_first: true,
            ..Default::default()
        };
        let gru = nn::gru(&vs / "gru", cfg.conv_channels, cfg.gru_hidden, rnn_cfg);
        let directions = if cfg.causal { 1 } else { 2 };
        let decoder = Mlp::new(
            &vs / "decoder",
            &[
                cfg.gru_hidden * directions + cfg.noise_dim,
                cfg.decoder_hidden,
                cfg.decoder_hidden,
                cfg.pose_dim,
            ],
        );
        Self {
            cfg: cfg.clone(),
            encoder,
            gru,
            decoder,
        }
    }

    /// The sizes it was built with.
    pub fn config(&self) -> &RenConfig {
        &self.cfg
    }

    /// The convolutional encoder: `[batch, time, in_dim]` → `[batch, time, channels]`.
    pub fn encode(&self, audio: &Tensor) -> Tensor {
        let mut h = audio.shallow_clone();
        for conv in &self.encoder {
            h = leaky(&conv.forward(&h));
        }
        h
    }

    /// The decoder: GRU output and noise → poses.
    fn decode(&self, recurrent: &Tensor, noise: &Tensor) -> Tensor {
        let t = recurrent.size()[1];
        let z = broadcast_over_time(noise, t);
        self.decoder.forward(&Tensor::cat(&[recurrent, &z], 2))
    }

    /// Poses for a whole sequence: `[batch, time, in_dim]`, `[batch, noise_dim]` →
    /// `[batch, time, pose_dim]`.
    pub fn generate(&self, audio: &Tensor, noise: &Tensor) -> Tensor {
        let (recurrent, _) = self.gru.seq(&self.encode(audio));
        self.decode(&recurrent, noise)
    }

    /// Causal generators only: poses for the next `chunk` of music (`[1, n, in_dim]`),
    /// continuing from `stream`. Chunk after chunk, the output equals [`generate`]
    /// (`Self::generate`) over the whole sequence. A bidirectional generator has no
    /// streaming form and runs the chunk on its own.
    pub fn stream(&self, stream: &mut RenStream, chunk: &Tensor, noise: &Tensor) -> Tensor {
        if !self.cfg.causal {
            return self.generate(chunk, noise);
        }
        let n = chunk.size()[1];
        let input = match &stream.history {
            Some(h) => Tensor::cat(&[h, chunk], 1),
            None => chunk.shallow_clone(),
        };
        let total = input.size()[1];
        let encoded = self.encode(&input).narrow(1, total - n, n);
        let state = match &stream.state {
            Some(s) => nn::GRUState(s.shallow_clone()),
            None => self.gru.zero_state(1),
        };
        let (recurrent, nn::GRUState(next)) = self.gru.seq_init(&encoded, &state);
        let keep = self.cfg.receptive_field_frames().min(total);
        stream.history = Some(input.narrow(1, total - keep, keep).copy());
        stream.state = Some(next);
        self.decode(&recurrent, noise)
    }
}

impl ModuleT for RenGenerator {
    /// `xs` is `[batch, time, in_dim + noise_dim]`: the music frames with the noise vector
    /// appended to every frame (its value at frame 0 is used).
    fn forward_t(&self, xs: &Tensor, _train: bool) -> Tensor {
        let audio = xs.narrow(2, 0, self.cfg.in_dim);
        let noise = xs
            .narrow(2, self.cfg.in_dim, self.cfg.noise_dim)
            .select(1, 0);
        self.generate(&audio, &noise)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    fn small(causal: bool) -> RenConfig {
        RenConfig {
            conv_channels: 16,
            gru_hidden: 12,
            decoder_hidden: 20,
            noise_dim: 4,
            ..RenConfig::new(7, causal)
        }
    }

    fn max_abs_diff(a: &Tensor, b: &Tensor) -> f64 {
        (a - b).abs().max().double_value(&[])
    }

    #[test]
    fn both_variants_map_frames_to_poses() {
        for causal in [false, true] {
            let vs = nn::VarStore::new(Device::Cpu);
            let g = RenGenerator::new(vs.root(), &small(causal));
            let audio = Tensor::randn([3, 40, 7], (Kind::Float, Device::Cpu));
            let noise = Tensor::randn([3, 4], (Kind::Float, Device::Cpu));
            let poses = g.generate(&audio, &noise);
            assert_eq!(poses.size(), vec![3, 40, 57]);
            let joined = Tensor::cat(&[&audio, &broadcast_over_time(&noise, 40)], 2);
            assert_eq!(max_abs_diff(&g.forward_t(&joined, false), &poses), 0.0);
        }
    }

    #[test]
    fn causal_streaming_equals_the_whole_sequence() {
        let vs = nn::VarStore::new(Device::Cpu);
        let g = RenGenerator::new(vs.root(), &small(true));
        let audio = Tensor::randn([1, 50, 7], (Kind::Float, Device::Cpu));
        let noise = Tensor::randn([1, 4], (Kind::Float, Device::Cpu));
        let whole = g.generate(&audio, &noise);
        let mut stream = RenStream::default();
        let mut parts = Vec::new();
        let mut start = 0;
        for n in [1, 3, 9, 1, 20, 16] {
            parts.push(g.stream(&mut stream, &audio.narrow(1, start, n), &noise));
            start += n;
        }
        let streamed = Tensor::cat(&parts, 1);
        assert!(max_abs_diff(&streamed, &whole) < 1e-5);
    }
}
