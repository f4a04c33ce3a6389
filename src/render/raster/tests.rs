//! Known answers for the rasterizer: exact colours inside, nothing far away, a ramp at the edge,
//! areas, agreement with a brute-force oracle that evaluates every pixel, and clipping.

use super::*;

const BG: Rgb = [0, 0, 0];
const INK: Rgb = [200, 100, 50];

fn canvas() -> RgbImage {
    RgbImage::new(64, 48, BG)
}

/// Coverage of every pixel of a `w × h` image, by `rasterize`.
fn coverage_map(shape: &impl Shape, w: usize, h: usize) -> Vec<f32> {
    let mut map = vec![0.0; w * h];
    rasterize(shape, PixelRect::new(0, 0, w, h), |x, y, c| {
        assert_eq!(map[y * w + x], 0.0, "pixel ({x}, {y}) visited twice");
        map[y * w + x] = c;
    });
    map
}

/// Coverage of every pixel evaluated directly, no bounds or spans.
fn oracle_map(shape: &impl Shape, w: usize, h: usize) -> Vec<f32> {
    let mut map = vec![0.0; w * h];
    for y in 0..h {
        for x in 0..w {
            let p = PointPx::new(x as f32 + 0.5, y as f32 + 0.5);
            map[y * w + x] = coverage_from_distance(shape.signed_distance_px(p));
        }
    }
    map
}

fn assert_matches_oracle(shape: &impl Shape, label: &str) {
    let (w, h) = (64, 48);
    let got = coverage_map(shape, w, h);
    let want = oracle_map(shape, w, h);
    for (i, (g, o)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, o, "{label}: pixel ({}, {})", i % w, i / w);
    }
}

#[test]
fn thick_line_has_its_colour_at_the_centre_and_leaves_far_pixels() {
    let mut img = canvas();
    let line = Capsule {
        a: PointPx::new(10.0, 20.5),
        b: PointPx::new(50.0, 20.5),
        radius_px: 3.0,
    };
    img.fill_shape(&line, INK, img.rect());
    assert_eq!(img.pixel(30, 20), Some(INK));
    assert_eq!(img.pixel(30, 22), Some(INK));
    assert_eq!(img.pixel(30, 30), Some(BG));
    assert_eq!(img.pixel(2, 20), Some(BG));
    assert_eq!(img.pixel(60, 20), Some(BG));
    // Row 23's centre (23.5) lies exactly on the edge: half coverage.
    let edge = img.pixel(30, 23).unwrap();
    assert!((99..=101).contains(&edge[0]), "{edge:?}");
    // Row 24's centre is a pixel outside: untouched.
    assert_eq!(img.pixel(30, 24), Some(BG));
}

#[test]
fn edge_coverage_is_strictly_between_zero_and_one() {
    let circle = Circle {
        centre: PointPx::new(32.0, 24.0),
        radius_px: 10.3,
    };
    let map = coverage_map(&circle, 64, 48);
    let partial = map.iter().filter(|&&c| c > 0.0 && c < 1.0).count();
    assert!(partial > 40, "{partial} edge pixels");
    // The centre row crosses the edge at x = 42.3: pixel 42 (centre 42.5) is 0.2 outside.
    let c = map[24 * 64 + 42];
    assert!((c - 0.3).abs() < 0.02, "{c}");
}

#[test]
fn areas_match_the_geometry() {
    let area = |m: Vec<f32>| m.iter().map(|&c| f64::from(c)).sum::<f64>();
    let pi = std::f64::consts::PI;
    let circle = Circle {
        centre: PointPx::new(31.3, 22.7),
        radius_px: 12.0,
    };
    let got = area(coverage_map(&circle, 64, 48));
    assert!((got / (pi * 144.0) - 1.0).abs() < 0.01, "{got}");
    let capsule = Capsule {
        a: PointPx::new(12.0, 10.0),
        b: PointPx::new(44.0, 34.0),
        radius_px: 4.0,
    };
    let want = 2.0 * 4.0 * 40.0 + pi * 16.0;
    let got = area(coverage_map(&capsule, 64, 48));
    assert!((got / want - 1.0).abs() < 0.01, "{got} vs {want}");
    let ellipse = Ellipse::new(PointPx::new(32.0, 24.0), 20.0, 6.0, 0.6);
    let got = area(coverage_map(&ellipse, 64, 48));
    assert!((got / (pi * 120.0) - 1.0).abs() < 0.02, "{got}");
}

#[test]
fn spans_visit_every_covered_pixel_with_the_oracle_value() {
    for (i, angle) in [0.0f32, 0.3, 1.0, 1.57, 2.2, 3.0].iter().enumerate() {
        let (s, c) = angle.sin_cos();
        let centre = PointPx::new(31.7, 23.2);
        let half = 12.0 + i as f32;
        let capsule = Capsule {
            a: PointPx::new(centre.x - c * half, centre.y - s * half),
            b: PointPx::new(centre.x + c * half, centre.y + s * half),
            radius_px: 0.7 + i as f32,
        };
        assert_matches_oracle(&capsule, &format!("capsule {angle}"));
        let ellipse = Ellipse::new(centre, half, 0.3 + 1.5 * i as f32, *angle);
        assert_matches_oracle(&ellipse, &format!("ellipse {angle}"));
    }
    let dot = Capsule {
        a: PointPx::new(5.2, 5.9),
        b: PointPx::new(5.2, 5.9),
        radius_px: 2.5,
    };
    assert_matches_oracle(&dot, "zero-length capsule");
    let circle = Circle {
        centre: PointPx::new(0.0, 47.0),
        radius_px: 6.0,
    };
    assert_matches_oracle(&circle, "corner circle");
}

#[test]
fn ellipse_distance_is_exact_on_its_axes() {
    let e = Ellipse::new(
        PointPx::new(0.0, 0.0),
        10.0,
        4.0,
        std::f32::consts::FRAC_PI_2,
    );
    // The major axis points down (+y) on screen.
    assert!((e.signed_distance_px(PointPx::new(0.0, 12.0)) - 2.0).abs() < 1e-4);
    assert!((e.signed_distance_px(PointPx::new(-5.0, 0.0)) - 1.0).abs() < 1e-4);
    assert!(e.signed_distance_px(PointPx::new(0.0, 0.0)) < 0.0);
}

#[test]
fn off_image_huge_and_non_finite_shapes_are_clipped_without_panic() {
    let mut img = canvas();
    let before = img.clone();
    let off = Capsule {
        a: PointPx::new(-100.0, -50.0),
        b: PointPx::new(-20.0, -10.0),
        radius_px: 5.0,
    };
    img.fill_shape(&off, INK, img.rect());
    let nan = Circle {
        centre: PointPx::new(f32::NAN, 3.0),
        radius_px: 4.0,
    };
    img.fill_shape(&nan, INK, img.rect());
    let inf = Ellipse::new(PointPx::new(10.0, 10.0), f32::INFINITY, 3.0, 0.0);
    img.fill_shape(&inf, INK, img.rect());
    assert_eq!(img, before);
    let huge = Capsule {
        a: PointPx::new(-1e9, -1e9),
        b: PointPx::new(1e9, 1e9),
        radius_px: 2.0,
    };
    // f32 cannot place this line to the pixel; it only must not panic or run away.
    img.fill_shape(&huge, INK, img.rect());
    img.fill(BG);
    let far = Circle {
        centre: PointPx::new(1e6, -1e6),
        radius_px: 1.5e6,
    };
    img.fill_shape(&far, INK, PixelRect::new(60, 40, 100, 100));
    assert_eq!(img.pixel(63, 47), Some(INK));
    assert_eq!(img.pixel(59, 47), Some(BG));
}

#[test]
fn clip_rect_bounds_the_drawing() {
    let mut img = canvas();
    let circle = Circle {
        centre: PointPx::new(32.0, 24.0),
        radius_px: 20.0,
    };
    img.fill_shape(&circle, INK, PixelRect::new(30, 0, 4, 48));
    for y in 0..48 {
        for x in 0..64 {
            if !(30..34).contains(&x) {
                assert_eq!(img.pixel(x, y), Some(BG), "({x}, {y})");
            }
        }
    }
    assert_eq!(img.pixel(31, 24), Some(INK));
}
