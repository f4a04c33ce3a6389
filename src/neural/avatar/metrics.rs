//! Image quality of generated frames against the truth: PSNR over all RGB values, and SSIM
//! (Wang et al. 2004) on luma.
//!
//! SSIM here is the standard one: luma `Y = 0.299 R + 0.587 G + 0.114 B` on the 0..255
//! scale, an 11×11 Gaussian window with σ = 1.5, `K1 = 0.01`, `K2 = 0.03`, `L = 255`,
//! averaged over the positions where the window fits inside the image (no padding). Both
//! metrics take RGB8 row-major buffers of equal size.

/// Peak signal-to-noise ratio in dB over every RGB value (`+∞` for identical images).
pub fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return f64::NAN;
    }
    let sse: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| {
            let d = f64::from(x) - f64::from(y);
            d * d
        })
        .sum();
    let mse = sse / n as f64;
    if mse == 0.0 {
        return f64::INFINITY;
    }
    10.0 * (255.0 * 255.0 / mse).log10()
}

/// Side of the SSIM window.
pub const SSIM_WINDOW: usize = 11;
/// Standard deviation of the SSIM window, pixels.
pub const SSIM_SIGMA: f64 = 1.5;

fn luma(rgb: &[u8], n: usize) -> Vec<f64> {
    rgb.chunks_exact(3)
        .take(n)
        .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
        .collect()
}

fn gaussian() -> [f64; SSIM_WINDOW] {
    let mut w = [0.0; SSIM_WINDOW];
    let c = (SSIM_WINDOW / 2) as f64;
    for (i, v) in w.iter_mut().enumerate() {
        let d = i as f64 - c;
        *v = (-d * d / (2.0 * SSIM_SIGMA * SSIM_SIGMA)).exp();
    }
    let s: f64 = w.iter().sum();
    w.map(|v| v / s)
}

/// Valid-region separable filtering of a `w × h` plane: `(w − 10) × (h − 10)` values.
fn filter(plane: &[f64], w: usize, h: usize, k: &[f64; SSIM_WINDOW]) -> Vec<f64> {
    let (ow, oh) = (w + 1 - SSIM_WINDOW, h + 1 - SSIM_WINDOW);
    let mut rows = vec![0.0; ow * h];
    for y in 0..h {
        for x in 0..ow {
            rows[y * ow + x] = (0..SSIM_WINDOW).map(|i| k[i] * plane[y * w + x + i]).sum();
        }
    }
    let mut out = vec![0.0; ow * oh];
    for y in 0..oh {
        for x in 0..ow {
            out[y * ow + x] = (0..SSIM_WINDOW)
                .map(|i| k[i] * rows[(y + i) * ow + x])
                .sum();
        }
    }
    out
}

/// Mean SSIM of the luma of two `width × height` RGB8 images (1 for identical images; NaN
/// when a side is under 11 pixels or the buffers are short).
pub fn ssim(a: &[u8], b: &[u8], width: usize, height: usize) -> f64 {
    let n = width * height;
    if width < SSIM_WINDOW || height < SSIM_WINDOW || a.len() < 3 * n || b.len() < 3 * n {
        return f64::NAN;
    }
    let (x, y) = (luma(a, n), luma(b, n));
    let k = gaussian();
    let prod = |p: &[f64], q: &[f64]| p.iter().zip(q).map(|(u, v)| u * v).collect::<Vec<f64>>();
    let mu_x = filter(&x, width, height, &k);
    let mu_y = filter(&y, width, height, &k);
    let xx = filter(&prod(&x, &x), width, height, &k);
    let yy = filter(&prod(&y, &y), width, height, &k);
    let xy = filter(&prod(&x, &y), width, height, &k);
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let mut total = 0.0;
    for i in 0..mu_x.len() {
        let (mx, my) = (mu_x[i], mu_y[i]);
        let (vx, vy, cxy) = (xx[i] - mx * mx, yy[i] - my * my, xy[i] - mx * my);
        total +=
            ((2.0 * mx * my + c1) * (2.0 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
    total / mu_x.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_images_score_infinity_and_one() {
        let img: Vec<u8> = (0..32 * 24 * 3).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(psnr(&img, &img), f64::INFINITY);
        assert!((ssim(&img, &img, 32, 24) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_noise_gives_known_scores() {
        // Every value off by exactly 5: MSE 25, PSNR = 10·log10(255²/25) = 34.151 dB.
        let a = vec![100u8; 16 * 16 * 3];
        let b = vec![105u8; 16 * 16 * 3];
        assert!((psnr(&a, &b) - 34.1514).abs() < 1e-3);
        // Flat images: SSIM is the luminance term (2·100·105 + C1) / (100² + 105² + C1).
        let c1 = (0.01f64 * 255.0).powi(2);
        let want = (2.0 * 100.0 * 105.0 + c1) / (100.0f64.powi(2) + 105.0f64.powi(2) + c1);
        assert!((ssim(&a, &b, 16, 16) - want).abs() < 1e-9);
        // A checkerboard against its inverse is structurally opposite: SSIM below zero.
        let board: Vec<u8> = (0..16 * 16)
            .flat_map(|i| {
                let v = if (i % 16 + i / 16) % 2 == 0 { 0u8 } else { 255 };
                [v, v, v]
            })
            .collect();
        let inverse: Vec<u8> = board.iter().map(|v| 255 - v).collect();
        assert!(ssim(&board, &inverse, 16, 16) < 0.0);
        assert!(ssim(&a, &b, 8, 8).is_nan());
    }
}
