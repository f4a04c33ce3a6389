//! Losses of the training wrapper.
//!
//! Adversarial terms use the least-squares GAN objective (Mao et al., "Least Squares
//! Generative Adversarial Networks"): the discriminator pushes real logits to 1 and fake ones
//! to 0, the generator pushes its fakes to 1. It trains more stably than the log loss with
//! small batches. The global discriminator adds a gradient penalty (Gulrajani et al.,
//! "Improved Training of Wasserstein GANs") on random interpolates of real and fake dances.
//! Feature matching (Wang et al., "High-Resolution Image Synthesis and Semantic Manipulation
//! with Conditional GANs") compares a discriminator's activations on real and fake input.

use tch::{Kind, Tensor};

/// Mean absolute error.
pub fn l1(pred: &Tensor, target: &Tensor) -> Tensor {
    (pred - target).abs().mean(Kind::Float)
}

/// Mean squared error.
pub fn mse(pred: &Tensor, target: &Tensor) -> Tensor {
    (pred - target).square().mean(Kind::Float)
}

/// Least-squares loss for logits that should read "real".
pub fn lsgan_real(logits: &Tensor) -> Tensor {
    (logits - 1.0).square().mean(Kind::Float)
}

/// Least-squares loss for logits that should read "fake".
pub fn lsgan_fake(logits: &Tensor) -> Tensor {
    logits.square().mean(Kind::Float)
}

/// Mean over layers of the L1 distance between activations on fake and (fixed) real input.
pub fn feature_matching(real: &[Tensor], fake: &[Tensor]) -> Tensor {
    let terms: Vec<Tensor> = real
        .iter()
        .zip(fake)
        .map(|(r, f)| l1(f, &r.detach()))
        .collect();
    if terms.is_empty() {
        return Tensor::from(0.0f32);
    }
    Tensor::stack(&terms, 0).mean(Kind::Float)
}

/// `E[(‖∇ₓ D(x̂)‖₂ − 1)²]` over interpolates `x̂ = ε·real + (1 − ε)·fake`, `ε ~ U(0, 1)` per
/// sequence. `judge` maps a `[batch, …]` input to logits. The result keeps its graph, so it
/// trains the discriminator's parameters.
pub fn gradient_penalty(judge: impl Fn(&Tensor) -> Tensor, real: &Tensor, fake: &Tensor) -> Tensor {
    let mut shape = vec![real.size()[0]];
    shape.extend(std::iter::repeat_n(1, real.dim() - 1));
    let eps = Tensor::rand(shape.as_slice(), (Kind::Float, real.device()));
    let keep: Tensor = 1.0 - &eps;
    let mixed = (&eps * real.detach() + keep * fake.detach()).set_requires_grad(true);
    let logits = judge(&mixed);
    let grads = Tensor::run_backward(&[logits.sum(Kind::Float)], &[&mixed], true, true);
    match grads.first() {
        Some(g) => (g.flatten(1, -1).norm_scalaropt_dim(2.0, [1], false) - 1.0)
            .square()
            .mean(Kind::Float),
        None => Tensor::from(0.0f32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Device;

    #[test]
    fn losses_have_known_values() {
        let a = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
        let b = Tensor::from_slice(&[1.0f32, 0.0, 6.0]);
        assert!((l1(&a, &b).double_value(&[]) - 5.0 / 3.0).abs() < 1e-6);
        assert!((mse(&a, &b).double_value(&[]) - 13.0 / 3.0).abs() < 1e-6);
        assert!((lsgan_real(&a).double_value(&[]) - 5.0 / 3.0).abs() < 1e-6);
        assert!((lsgan_fake(&a).double_value(&[]) - 14.0 / 3.0).abs() < 1e-6);
        let fm = feature_matching(&[a.shallow_clone()], &[b.shallow_clone()]);
        assert!((fm.double_value(&[]) - 5.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn gradient_penalty_of_a_linear_critic_is_known() {
        // D(x) = 3·sum(x) has gradient 3 everywhere: ‖∇‖ = 3·√n, penalty (3√n − 1)².
        let real = Tensor::ones([4, 2, 2], (Kind::Float, Device::Cpu));
        let fake = real.zeros_like();
        let gp = gradient_penalty(
            |x| (x * 3.0).sum_dim_intlist(&[1i64, 2][..], false, Kind::Float),
            &real,
            &fake,
        );
        let want = (3.0f64 * 2.0 - 1.0).powi(2);
        assert!((gp.double_value(&[]) - want).abs() < 1e-4, "{gp}");
    }
}
