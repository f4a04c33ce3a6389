//! Kinetic features and the diversity of a set of dances (after AIST++'s kinetic features as
//! used by Bailando: per-joint kinetic energy and energy expenditure, normalised across the
//! set, diversity = mean pairwise Euclidean distance).
//!
//! Per joint, in coco18 order, four features from finite differences of the finite frames
//! (dancer frame, metres, seconds, unit mass):
//!
//! 1. mean speed, m/s;
//! 2. mean acceleration magnitude, m/s² (AIST++'s energy expenditure);
//! 3. mean horizontal kinetic energy `½ (vx² + vz²)`, J/kg;
//! 4. mean vertical kinetic energy `½ vy²`, J/kg.
//!
//! Features are z-scored across the set (population σ, plus 1e-10 so a feature that no dance
//! varies contributes 0), then diversity is the mean Euclidean distance over all pairs of
//! dances. Two dances that differ in every one of the `m` features are `2·√m` apart.

use crate::choreography::skeleton::{Pose, N_JOINTS};

/// Features per joint (speed, acceleration, horizontal and vertical kinetic energy).
pub const FEATURES_PER_JOINT: usize = 4;

/// Length of a kinetic feature vector.
pub const KINETIC_FEATURES: usize = FEATURES_PER_JOINT * N_JOINTS;

/// Added to σ when normalising, as Bailando does.
const NORMALISE_EPS: f64 = 1e-10;

/// The [`KINETIC_FEATURES`] features of finite frames at `fps`: joint `j`'s features at
/// `4 j .. 4 j + 4` (zeros where too few frames for a derivative).
pub fn kinetic_features(frames: &[Pose], fps: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(KINETIC_FEATURES);
    for j in 0..N_JOINTS {
        let velocities: Vec<_> = frames
            .windows(2)
            .map(|w| (w[1].points[j] - w[0].points[j]) * fps)
            .collect();
        let accelerations: Vec<_> = velocities.windows(2).map(|w| (w[1] - w[0]) * fps).collect();
        out.push(mean(velocities.iter().map(|v| v.norm())));
        out.push(mean(accelerations.iter().map(|a| a.norm())));
        out.push(mean(
            velocities.iter().map(|v| 0.5 * (v.x * v.x + v.z * v.z)),
        ));
        out.push(mean(velocities.iter().map(|v| 0.5 * v.y * v.y)));
    }
    out
}

fn mean(xs: impl ExactSizeIterator<Item = f64>) -> f64 {
    let n = xs.len();
    if n == 0 {
        0.0
    } else {
        xs.sum::<f64>() / n as f64
    }
}

/// Each feature z-scored across the set (population σ).
pub fn normalise_features(features: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = features.len() as f64;
    let width = features.iter().map(Vec::len).min().unwrap_or(0);
    let mut out: Vec<Vec<f64>> = features.iter().map(|f| f[..width].to_vec()).collect();
    for c in 0..width {
        let mu = features.iter().map(|f| f[c]).sum::<f64>() / n;
        let var = features.iter().map(|f| (f[c] - mu).powi(2)).sum::<f64>() / n;
        let sigma = var.sqrt() + NORMALISE_EPS;
        for row in &mut out {
            row[c] = (row[c] - mu) / sigma;
        }
    }
    out
}

/// Mean pairwise Euclidean distance of the normalised features; `None` for fewer than two
/// dances.
pub fn diversity(features: &[Vec<f64>]) -> Option<f64> {
    if features.len() < 2 {
        return None;
    }
    let z = normalise_features(features);
    let (mut sum, mut pairs) = (0.0, 0usize);
    for (i, a) in z.iter().enumerate() {
        for b in &z[i + 1..] {
            sum += a
                .iter()
                .zip(b)
                .map(|(x, y)| (x - y).powi(2))
                .sum::<f64>()
                .sqrt();
            pairs += 1;
        }
    }
    Some(sum / pairs as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::{BodyModel, Vec3};

    fn drifting(velocity: Vec3, n: usize, fps: f64) -> Vec<Pose> {
        let rest = BodyModel::default().rest_pose();
        (0..n)
            .map(|k| rest.translated(velocity * (k as f64 / fps)))
            .collect()
    }

    #[test]
    fn features_of_a_constant_drift() {
        // 0.3 m/s right and 0.4 m/s up: speed 0.5, no acceleration, KE 0.045 and 0.08 J/kg.
        let f = kinetic_features(&drifting(Vec3::new(0.3, 0.4, 0.0), 20, 25.0), 25.0);
        assert_eq!(f.len(), KINETIC_FEATURES);
        for j in 0..N_JOINTS {
            let got = &f[4 * j..4 * j + 4];
            let want = [0.5, 0.0, 0.045, 0.08];
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-9, "joint {j}: {got:?}");
            }
        }
    }

    #[test]
    fn diversity_of_known_sets() {
        let still = kinetic_features(&drifting(Vec3::zeros(), 20, 25.0), 25.0);
        let moving = kinetic_features(&drifting(Vec3::new(0.3, 0.4, 0.2), 20, 25.0), 25.0);
        assert_eq!(diversity(std::slice::from_ref(&still)), None);
        // Identical dances: no diversity.
        let same = diversity(&[still.clone(), still.clone(), still.clone()]).unwrap();
        assert!(same.abs() < 1e-12);
        // Still vs drifting: the three velocity features of every joint differ (±1 after
        // normalisation), acceleration is 0 in both.
        let d = diversity(&[still, moving]).unwrap();
        let want = 2.0 * ((3 * N_JOINTS) as f64).sqrt();
        assert!((d - want).abs() < 1e-6, "{d} vs {want}");
    }
}
