//! `ln(1 + x)` over a whole slice of non-negative `f32`s, in a form the compiler vectorizes.
//!
//! The onset front end takes this logarithm of 80 mel magnitudes per frame; one call of the C
//! library's logarithm per value was 8 % of a whole offline beat analysis. Here every step is
//! plain arithmetic on the bits of the value, with no branch and no call, so the loop runs four
//! (SSE2) or eight (AVX, NEON pairs) values at a time:
//!
//! 1. `u = 1 + x`, rounded to `f32`.
//! 2. `u = 2^e · m` with `m` in `[√½, √2)`, taken from the bits of `u`.
//! 3. `ln m = 2 atanh s` with `f = m − 1` (exact) and `s = f/(2 + f)`, `|s| ≤ 0.172`, by its odd
//!    series to `s¹¹` (truncation below 3·10⁻⁹ relative), arranged as `f − (f²/2 − s(f²/2 +
//!    R))` so the exact `f` carries the result and the rounded terms only correct it (the
//!    arrangement of fdlibm's `logf`).
//! 4. `ln(1 + x) = ln u + (x − (u − 1))/u`: the last term restores what rounding `1 + x` lost
//!    (fdlibm's `log1pf` does the same); when `u` rounds to exactly 1 it is `x` itself.
//!
//! The result is within 1.5 ulp of the exact value over the whole range (tested; 1.16 at worst), `0` gives `0`,
//! `+∞` gives `+∞` and NaN gives NaN. Negative inputs are outside the contract.

/// `ln 2`, split so that `e · LN2_HI` is exact for any `f32` exponent `e`.
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
/// Bits of `√½`: mantissas are reduced into `[√½, √2)`.
const SQRT_HALF_BITS: u32 = 0x3f35_04f3;

/// Replaces every `x` of `values` by `ln(1 + x)` (see the module docs).
pub fn ln_1p_in_place(values: &mut [f32]) {
    for v in values.iter_mut() {
        *v = ln_1p(*v);
    }
}

/// One value of [`ln_1p_in_place`]; inlined so that the loop vectorizes.
#[inline(always)]
pub fn ln_1p(x: f32) -> f32 {
    let u = 1.0 + x;
    let bits = u.to_bits();
    // Exponent after moving mantissas of √2 and above into the next binade.
    let e = (bits.wrapping_sub(SQRT_HALF_BITS) as i32) >> 23;
    let f = f32::from_bits(bits.wrapping_sub((e as u32) << 23)) - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let r =
        z * (2.0 / 3.0 + z * (2.0 / 5.0 + z * (2.0 / 7.0 + z * (2.0 / 9.0 + z * (2.0 / 11.0)))));
    let half_f2 = 0.5 * f * f;
    let e = e as f32;
    let ln_u = e * LN2_HI - ((half_f2 - (s * (half_f2 + r) + e * LN2_LO)) - f);
    // What the rounding of `1 + x` lost, to first order.
    let lost = (x - (u - 1.0)) / u;
    if x == f32::INFINITY {
        x
    } else {
        ln_u + lost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units of the last place of the exact value rounded to `f32`.
    fn ulps(ours: f32, exact: f64) -> f64 {
        let rounded = exact as f32;
        let ulp = f64::from(f32::from_bits(rounded.to_bits() + 1) - rounded);
        (f64::from(ours) - exact).abs() / ulp
    }

    #[test]
    fn within_one_and_a_half_ulps_from_subnormals_to_the_largest_float() {
        let mut worst = 0.0f64;
        let mut x = f32::from_bits(1);
        while x < f32::MAX / 2.0 {
            for x in [x, x * 1.000_1, x * 1.37] {
                let exact = f64::from(x).ln_1p();
                let err = ulps(ln_1p(x), exact);
                assert!(
                    err <= 1.5,
                    "{x:e}: {} vs {exact:e} ({err:.2} ulp)",
                    ln_1p(x)
                );
                worst = worst.max(err);
            }
            // Subnormals are too coarse for a relative step: take at least the next float.
            x = (x * 1.001).max(f32::from_bits(x.to_bits() + 1));
        }
        // The bound is not loose: the worst case is past half an ulp.
        assert!(worst > 0.5, "{worst}");
    }

    #[test]
    fn special_values() {
        assert_eq!(ln_1p(0.0), 0.0);
        assert_eq!(ln_1p(f32::INFINITY), f32::INFINITY);
        assert!(ln_1p(f32::NAN).is_nan());
        assert!(ulps(ln_1p(f32::MAX), f64::from(f32::MAX).ln_1p()) <= 1.5);
    }

    #[test]
    fn the_slice_form_matches_the_scalar_one() {
        let mut values: Vec<f32> = (0..83).map(|i| (i as f32 * 0.37).exp() - 1.0).collect();
        let expected: Vec<f32> = values.iter().map(|&x| ln_1p(x)).collect();
        ln_1p_in_place(&mut values);
        assert_eq!(values, expected);
    }
}
