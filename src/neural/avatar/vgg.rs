//! VGG19 perceptual loss (Pix2PixHD's `VGGLoss`), only from weights the user supplies.
//!
//! The file is a safetensors export of torchvision's `vgg19().state_dict()` (or of its
//! `features` part): tensors `features.N.weight` / `features.N.bias` for the convolutions
//! up to `relu5_1`. Nothing is downloaded. The loss is
//! `Σ wᵢ · L1(φᵢ(fake), φᵢ(real))` over `relu1_1 … relu5_1` with weights
//! `1/32, 1/16, 1/8, 1/4, 1`, images mapped from −1..1 to ImageNet normalisation. The
//! weights are frozen and kept out of the optimiser.

use std::path::Path;

use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

use crate::neural::NeuralError;

/// `features` indices of the convolutions up to `relu5_1` with their channels; `None`
/// marks a 2×2 max pool.
const LAYERS: [Option<(usize, i64, i64)>; 17] = [
    Some((0, 3, 64)),
    Some((2, 64, 64)),
    None,
    Some((5, 64, 128)),
    Some((7, 128, 128)),
    None,
    Some((10, 128, 256)),
    Some((12, 256, 256)),
    Some((14, 256, 256)),
    Some((16, 256, 256)),
    None,
    Some((19, 256, 512)),
    Some((21, 512, 512)),
    Some((23, 512, 512)),
    Some((25, 512, 512)),
    None,
    Some((28, 512, 512)),
];

/// Convolutions after which a slice ends (`relu1_1`, `relu2_1`, `relu3_1`, `relu4_1`,
/// `relu5_1`), with the slice's loss weight.
const TAPS: [(usize, f64); 5] = [
    (0, 1.0 / 32.0),
    (5, 1.0 / 16.0),
    (10, 1.0 / 8.0),
    (19, 1.0 / 4.0),
    (28, 1.0),
];

/// The frozen VGG19 feature extractor.
#[derive(Debug)]
pub struct Vgg19 {
    _vs: nn::VarStore,
    convs: Vec<Option<(usize, nn::Conv2D)>>,
    mean: Tensor,
    std: Tensor,
}

impl Vgg19 {
    /// Loads the weights of `path` (see the module docs), checking every shape.
    pub fn load(path: &Path, device: Device) -> Result<Vgg19, NeuralError> {
        if !path.is_file() {
            return Err(NeuralError::model(path, "VGG19 weights file not found"));
        }
        let mut vs = nn::VarStore::new(device);
        let root = vs.root() / "features";
        let cfg = nn::ConvConfig {
            padding: 1,
            ..Default::default()
        };
        let convs = LAYERS
            .iter()
            .map(|l| l.map(|(i, a, b)| (i, nn::conv2d(&root / i, a, b, 3, cfg))))
            .collect();
        let named = Tensor::read_safetensors(path).map_err(|e| {
            NeuralError::model(
                path,
                format!("cannot read VGG19 weights (safetensors): {e}"),
            )
        })?;
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        tch::no_grad(|| -> Result<(), NeuralError> {
            for (name, dst) in vars.iter_mut() {
                let src = named
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, t)| t)
                    .ok_or_else(|| {
                        NeuralError::model(
                            path,
                            format!(
                                "not VGG19 weights: tensor `{name}` {:?} is missing",
                                dst.size()
                            ),
                        )
                    })?;
                if src.size() != dst.size() {
                    return Err(NeuralError::model(
                        path,
                        format!(
                            "not VGG19 weights: tensor `{name}` expected {:?}, found {:?}",
                            dst.size(),
                            src.size()
                        ),
                    ));
                }
                dst.f_copy_(&src.f_to_kind(Kind::Float)?)?;
            }
            Ok(())
        })?;
        vs.freeze();
        let mean = Tensor::from_slice(&[0.485f32, 0.456, 0.406])
            .view([1, 3, 1, 1])
            .to_device(device);
        let std = Tensor::from_slice(&[0.229f32, 0.224, 0.225])
            .view([1, 3, 1, 1])
            .to_device(device);
        Ok(Vgg19 {
            _vs: vs,
            convs,
            mean,
            std,
        })
    }

    fn features(&self, img: &Tensor) -> Vec<Tensor> {
        let mut h = ((img + 1.0) * 0.5 - &self.mean) / &self.std;
        let mut out = Vec::with_capacity(TAPS.len());
        for layer in &self.convs {
            match layer {
                Some((i, conv)) => {
                    h = conv.forward(&h).relu();
                    if TAPS.iter().any(|(t, _)| t == i) {
                        out.push(h.shallow_clone());
                    }
                }
                None => h = h.max_pool2d([2, 2], [2, 2], [0, 0], [1, 1], false),
            }
        }
        out
    }

    /// The weighted L1 distance of the VGG19 features of `fake` and `real`.
    pub fn loss(&self, fake: &Tensor, real: &Tensor) -> Tensor {
        let (f, r) = (self.features(fake), self.features(real));
        let mut total = Tensor::zeros([], (Kind::Float, fake.device()));
        for ((a, b), (_, w)) in f.iter().zip(&r).zip(TAPS) {
            total += (a - b.detach()).abs().mean(Kind::Float) * w;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_vgg_file_names_the_tensor_and_shapes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vgg19.safetensors");
        let w = Tensor::zeros([64, 3, 5, 5], (Kind::Float, Device::Cpu));
        Tensor::write_safetensors(&[("features.0.weight", &w)], &path).unwrap();
        let e = Vgg19::load(&path, Device::Cpu).unwrap_err().to_string();
        assert!(
            e.contains("vgg19.safetensors") && e.contains("features.0"),
            "{e}"
        );
        let missing = Vgg19::load(&dir.path().join("none.safetensors"), Device::Cpu).unwrap_err();
        assert!(missing.to_string().contains("none.safetensors"));
    }
}
