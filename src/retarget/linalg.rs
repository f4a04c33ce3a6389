//! Small dense linear algebra on fixed buffers (no allocation): the normal equations of a
//! limb's least squares are at most 12 × 12.

/// Solves `A x = b` in place for a symmetric positive definite `A` (`n × n`, row-major in
/// `a[..n * n]`) by Cholesky; `b[..n]` becomes `x`. Returns false (leaving `b` unusable) when
/// `A` is not positive definite.
pub fn solve_spd(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    // Factor A = L Lᵀ, L stored in the lower triangle.
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in (j + 1)..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    // Forward: L y = b.
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * n + k] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    // Backward: Lᵀ x = y.
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in (i + 1)..n {
            s -= a[k * n + i] * b[k];
        }
        b[i] = s / a[i * n + i];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_known_system_and_refuses_an_indefinite_one() {
        // A = [[4, 2], [2, 3]], x = [1, -2] → b = [0, -4].
        let mut a = [4.0, 2.0, 2.0, 3.0];
        let mut b = [0.0, -4.0];
        assert!(solve_spd(&mut a, &mut b, 2));
        assert!((b[0] - 1.0).abs() < 1e-12 && (b[1] + 2.0).abs() < 1e-12);
        let mut a = [1.0, 2.0, 2.0, 1.0];
        let mut b = [1.0, 1.0];
        assert!(!solve_spd(&mut a, &mut b, 2));
    }
}
