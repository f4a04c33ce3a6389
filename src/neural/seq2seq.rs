//! The Liu & Ko generator ("The use of deep learning technology in dance movement
//! generation"): a sequence-to-sequence network in the manner of Tacotron 2 (Shen et al.,
//! "Natural TTS Synthesis by Conditioning WaveNet on Mel Spectrogram Predictions").
//!
//! - **Encoder**: three convolutions (kernel 5, batch norm, ReLU) over audio and beat features,
//!   then a bidirectional LSTM: the memory `[batch, time, 2·hidden]`.
//! - **Audio autoencoder**: an MLP decodes the memory back to the input features; its
//!   reconstruction error joins the objective (λ₂), so the memory keeps the music's content.
//! - **Decoder**, one frame per step: a two-layer prenet (256 units, dropout 0.5 while
//!   training) on the previous pose, an LSTM cell on `[prenet; previous context]`, and
//!   location-sensitive attention (Chorowski et al., "Attention-Based Models for Speech
//!   Recognition"): energies `vᵀ tanh(W·h + V·mⱼ + U·fⱼ)` where `f` convolves the previous and
//!   cumulative alignments, so the alignment walks along the music. The pose is a linear map of
//!   `[h; context]`. Training feeds the true previous pose (teacher forcing); generation feeds
//!   its own.
//!
//! Shapes: audio `[batch, time, in_dim]` → poses `[batch, time, pose_dim]`, alignments
//! `[batch, time, time]`.

use tch::nn::{self, Module, ModuleT, RNN};
use tch::{Kind, Tensor};

use super::config::Seq2SeqConfig;
use super::layers::{Mlp, TemporalConv};

/// Dropout of the prenet while training (Tacotron 2's value).
const PRENET_DROPOUT: f64 = 0.5;

/// What a teacher-forced pass returns.
#[derive(Debug)]
pub struct Seq2SeqOutput {
    /// Predicted poses, `[batch, time, pose_dim]`.
    pub poses: Tensor,
    /// The audio autoencoder's reconstruction of the input, `[batch, time, in_dim]`.
    pub reconstruction: Tensor,
    /// Attention weights, `[batch, output time, input time]`; each row sums to 1.
    pub alignments: Tensor,
}

#[derive(Debug)]
struct Encoder {
    convs: Vec<(TemporalConv, nn::BatchNorm)>,
    lstm: nn::LSTM,
}

impl Encoder {
    fn new(vs: nn::Path, cfg: &Seq2SeqConfig) -> Self {
        let convs = (0..3)
            .map(|i| {
                let in_dim = if i == 0 {
                    cfg.in_dim
                } else {
                    cfg.encoder_channels
                };
                let p = &vs / format!("conv{i}");
                let conv = TemporalConv::new(
                    &p / "conv",
                    in_dim,
                    cfg.encoder_channels,
                    cfg.encoder_kernel_frames,
                    1,
                    false,
                );
                let bn = nn::batch_norm1d(&p / "bn", cfg.encoder_channels, Default::default());
                (conv, bn)
            })
            .collect();
        let rnn_cfg = nn::RNNConfig {
            bidirectional: true,
            batch_first: true,
            ..Default::default()
        };
        let lstm = nn::lstm(
            &vs / "lstm",
            cfg.encoder_channels,
            cfg.encoder_lstm_hidden,
            rnn_cfg,
        );
        Self { convs, lstm }
    }

    fn forward(&self, audio: &Tensor, train: bool) -> Tensor {
        let mut h = audio.shallow_clone();
        for (conv, bn) in &self.convs {
            let c = conv.forward(&h).transpose(1, 2);
            h = bn.forward_t(&c, train).relu().transpose(1, 2);
        }
        self.lstm.seq(&h).0
    }
}

#[derive(Debug)]
struct AttentionDecoder {
    hidden: i64,
    prenet: [nn::Linear; 2],
    cell: nn::Linear,
    query: nn::Linear,
    memory_proj: nn::Linear,
    location_conv: nn::Conv1D,
    location_proj: nn::Linear,
    energy: nn::Linear,
    out: nn::Linear,
}

/// The decoder's running state between steps.
struct Step {
    h: Tensor,
    c: Tensor,
    context: Tensor,
    alignment: Tensor,
    cumulative: Tensor,
}

impl AttentionDecoder {
    fn new(vs: nn::Path, cfg: &Seq2SeqConfig) -> Self {
        let no_bias = nn::LinearConfig {
            bias: false,
            ..Default::default()
        };
        let (m, hd, a) = (cfg.memory_dim(), cfg.decoder_lstm_hidden, cfg.attention_dim);
        let loc_cfg = nn::ConvConfig {
            padding: (cfg.location_kernel_frames - 1) / 2,
            bias: false,
            ..Default::default()
        };
        Self {
            hidden: hd,
            prenet: [
                nn::linear(
                    &vs / "prenet0",
                    cfg.pose_dim,
                    cfg.prenet_dim,
                    Default::default(),
                ),
                nn::linear(
                    &vs / "prenet1",
                    cfg.prenet_dim,
                    cfg.prenet_dim,
                    Default::default(),
                ),
            ],
            cell: nn::linear(
                &vs / "cell",
                cfg.prenet_dim + m + hd,
                4 * hd,
                Default::default(),
            ),
            query: nn::linear(&vs / "query", hd, a, no_bias),
            memory_proj: nn::linear(&vs / "memory", m, a, no_bias),
            location_conv: nn::conv1d(
                &vs / "location_conv",
                2,
                cfg.location_filters,
                cfg.location_kernel_frames,
                loc_cfg,
            ),
            location_proj: nn::linear(&vs / "location", cfg.location_filters, a, no_bias),
            energy: nn::linear(&vs / "energy", a, 1, Default::default()),
            out: nn::linear(&vs / "out", hd + m, cfg.pose_dim, Default::default()),
        }
    }

    fn prenet(&self, pose: &Tensor, train: bool) -> Tensor {
        let mut x = pose.shallow_clone();
        for layer in &self.prenet {
            x = layer.forward(&x).relu().dropout(PRENET_DROPOUT, train);
        }
        x
    }

    fn start(&self, memory: &Tensor) -> Step {
        let (b, t, m) = size3(memory);
        let opts = (Kind::Float, memory.device());
        Step {
            h: Tensor::zeros([b, self.hidden], opts),
            c: Tensor::zeros([b, self.hidden], opts),
            context: Tensor::zeros([b, m], opts),
            alignment: Tensor::zeros([b, t], opts),
            cumulative: Tensor::zeros([b, t], opts),
        }
    }

    /// One decoder step: previous pose `[batch, pose_dim]` → this frame's pose.
    fn step(
        &self,
        s: &mut Step,
        prev: &Tensor,
        memory: &Tensor,
        keys: &Tensor,
        train: bool,
    ) -> Tensor {
        let x = Tensor::cat(
            &[
                self.prenet(prev, train),
                s.context.shallow_clone(),
                s.h.shallow_clone(),
            ],
            1,
        );
        let gates = self.cell.forward(&x).chunk(4, 1);
        let (i, f, g, o) = (&gates[0], &gates[1], &gates[2], &gates[3]);
        s.c = f.sigmoid() * &s.c + i.sigmoid() * g.tanh();
        s.h = o.sigmoid() * s.c.tanh();
        let past = Tensor::stack(&[&s.alignment, &s.cumulative], 1);
        let location = self
            .location_proj
            .forward(&self.location_conv.forward(&past).transpose(1, 2));
        let energies = self
            .energy
            .forward(&(self.query.forward(&s.h).unsqueeze(1) + keys + location).tanh())
            .squeeze_dim(2);
        s.alignment = energies.softmax(1, Kind::Float);
        s.cumulative = &s.cumulative + &s.alignment;
        s.context = s.alignment.unsqueeze(1).bmm(memory).squeeze_dim(1);
        self.out.forward(&Tensor::cat(&[&s.h, &s.context], 1))
    }

    /// Runs every step; `teacher` (`[batch, time, pose_dim]`) supplies the previous poses,
    /// otherwise each step reads the last output.
    fn run(
        &self,
        memory: &Tensor,
        teacher: Option<&Tensor>,
        pose_dim: i64,
        train: bool,
    ) -> (Tensor, Tensor) {
        let (b, t, _) = size3(memory);
        let keys = self.memory_proj.forward(memory);
        let mut s = self.start(memory);
        let mut prev = Tensor::zeros([b, pose_dim], (Kind::Float, memory.device()));
        let (mut poses, mut alignments) = (Vec::new(), Vec::new());
        for k in 0..t {
            if let (Some(truth), true) = (teacher, k > 0) {
                prev = truth.select(1, k - 1);
            }
            let y = self.step(&mut s, &prev, memory, &keys, train);
            alignments.push(s.alignment.shallow_clone());
            if teacher.is_none() {
                prev = y.shallow_clone();
            }
            poses.push(y);
        }
        (Tensor::stack(&poses, 1), Tensor::stack(&alignments, 1))
    }
}

fn size3(t: &Tensor) -> (i64, i64, i64) {
    let s = t.size();
    (s[0], s[1], s[2])
}

/// The Liu & Ko generator.
#[derive(Debug)]
pub struct Seq2SeqGenerator {
    cfg: Seq2SeqConfig,
    encoder: Encoder,
    decoder: AttentionDecoder,
    autoencoder: Mlp,
}

impl Seq2SeqGenerator {
    /// Builds the network's variables under `vs`.
    pub fn new(vs: nn::Path, cfg: &Seq2SeqConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            encoder: Encoder::new(&vs / "encoder", cfg),
            decoder: AttentionDecoder::new(&vs / "decoder", cfg),
            autoencoder: Mlp::new(
                &vs / "autoencoder",
                &[cfg.memory_dim(), cfg.autoencoder_hidden, cfg.in_dim],
            ),
        }
    }

    /// The sizes it was built with.
    pub fn config(&self) -> &Seq2SeqConfig {
        &self.cfg
    }

    /// Training pass: the decoder reads the true previous poses.
    pub fn teacher_forced(&self, audio: &Tensor, poses: &Tensor, train: bool) -> Seq2SeqOutput {
        let memory = self.encoder.forward(audio, train);
        let reconstruction = self.autoencoder.forward(&memory);
        let (out, alignments) = self
            .decoder
            .run(&memory, Some(poses), self.cfg.pose_dim, train);
        Seq2SeqOutput {
            poses: out,
            reconstruction,
            alignments,
        }
    }

    /// Generation: the decoder reads its own previous output.
    pub fn generate(&self, audio: &Tensor, train: bool) -> Tensor {
        let memory = self.encoder.forward(audio, train);
        self.decoder.run(&memory, None, self.cfg.pose_dim, train).0
    }
}

impl ModuleT for Seq2SeqGenerator {
    fn forward_t(&self, audio: &Tensor, train: bool) -> Tensor {
        self.generate(audio, train)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Device;

    #[test]
    fn teacher_forced_and_free_passes_have_the_documented_shapes() {
        let vs = nn::VarStore::new(Device::Cpu);
        let cfg = Seq2SeqConfig {
            encoder_channels: 16,
            encoder_lstm_hidden: 8,
            prenet_dim: 12,
            decoder_lstm_hidden: 24,
            attention_dim: 10,
            location_filters: 4,
            location_kernel_frames: 7,
            autoencoder_hidden: 14,
            ..Seq2SeqConfig::new(9)
        };
        let g = Seq2SeqGenerator::new(vs.root(), &cfg);
        let audio = Tensor::randn([2, 15, 9], (Kind::Float, Device::Cpu));
        let poses = Tensor::randn([2, 15, 57], (Kind::Float, Device::Cpu));
        let out = g.teacher_forced(&audio, &poses, true);
        assert_eq!(out.poses.size(), vec![2, 15, 57]);
        assert_eq!(out.reconstruction.size(), vec![2, 15, 9]);
        assert_eq!(out.alignments.size(), vec![2, 15, 15]);
        let row_sums = out.alignments.sum_dim_intlist(2, false, Kind::Float);
        assert!((row_sums - 1.0).abs().max().double_value(&[]) < 1e-5);
        assert_eq!(g.forward_t(&audio, false).size(), vec![2, 15, 57]);
    }
}
