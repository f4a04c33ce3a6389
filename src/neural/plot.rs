//! The loss plot of a training run, as a PNG written by a tiny self-contained encoder.
//!
//! One panel per loss series (each with its own vertical range, since losses differ by orders
//! of magnitude), epochs along the horizontal axis, the name, last value and range written in a
//! 3×5 pixel font. The image is palette-indexed (one byte per pixel) and stored uncompressed
//! in zlib "stored" blocks: PNG (RFC 2083) needs only the chunk framing, CRC-32 and Adler-32,
//! all a few lines, and the file stays small enough (a few hundred kilobytes).

/// Panel width and height, pixels.
const WIDTH: usize = 640;
const PANEL_HEIGHT: usize = 120;
const MARGIN_LEFT: usize = 70;
const MARGIN_RIGHT: usize = 16;
const MARGIN_TOP: usize = 22;
const MARGIN_BOTTOM: usize = 10;
/// Glyph scale: each font pixel is a 2×2 block.
const SCALE: usize = 2;

/// Palette: white, light grey, dark grey, black, then line colours.
const PALETTE: [[u8; 3]; 8] = [
    [255, 255, 255],
    [225, 225, 225],
    [120, 120, 120],
    [0, 0, 0],
    [31, 119, 180],
    [214, 39, 40],
    [44, 160, 44],
    [148, 103, 189],
];
const GRID: u8 = 1;
const AXIS: u8 = 2;
const TEXT: u8 = 3;
const FIRST_LINE_COLOUR: u8 = 4;

/// 3×5 glyphs, rows top to bottom, `#` set.
const FONT: [(char, &str); 42] = [
    ('0', "####.##.##.####"),
    ('1', ".#.##..#..#.###"),
    ('2', "###..#####..###"),
    ('3', "###..####..####"),
    ('4', "#.##.####..#..#"),
    ('5', "####..###..####"),
    ('6', "####..####.####"),
    ('7', "###..#..#..#..#"),
    ('8', "####.#####.####"),
    ('9', "####.####..####"),
    ('a', ".#.#.#####.##.#"),
    ('b', "##.#.###.#.###."),
    ('c', ".###..#..#...##"),
    ('d', "##.#.##.##.###."),
    ('e', "####..##.#..###"),
    ('f', "####..##.#..#.."),
    ('g', ".###..#.##.#.##"),
    ('h', "#.##.#####.##.#"),
    ('i', "###.#..#..#.###"),
    ('j', "..#..#..##.#.#."),
    ('k', "#.##.###.#.##.#"),
    ('l', "#..#..#..#..###"),
    ('m', "#.########.##.#"),
    ('n', "##.#.##.##.##.#"),
    ('o', ".#.#.##.##.#.#."),
    ('p', "##.#.###.#..#.."),
    ('q', ".#.#.##.###..##"),
    ('r', "##.#.###.#.##.#"),
    ('s', ".###...#...###."),
    ('t', "###.#..#..#..#."),
    ('u', "#.##.##.##.####"),
    ('v', "#.##.##.##.#.#."),
    ('w', "#.##.########.#"),
    ('x', "#.##.#.#.#.##.#"),
    ('y', "#.##.#.#..#..#."),
    ('z', "###..#.#.#..###"),
    ('_', "............###"),
    ('.', ".............#."),
    ('-', "......###......"),
    ('+', "....#.###.#...."),
    (':', "....#.....#...."),
    (' ', "..............."),
];

/// An indexed-colour canvas.
struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    fn set(&mut self, x: i64, y: i64, colour: u8) {
        if x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height {
            self.pixels[y as usize * self.width + x as usize] = colour;
        }
    }

    /// Bresenham's line.
    fn line(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64), colour: u8) {
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let (mut x, mut y, mut err) = (x0, y0, dx + dy);
        loop {
            self.set(x, y, colour);
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn text(&mut self, x: usize, y: usize, text: &str, colour: u8) {
        for (i, ch) in text.chars().enumerate() {
            let lower = ch.to_ascii_lowercase();
            let Some((_, bits)) = FONT.iter().find(|(c, _)| *c == lower) else {
                continue;
            };
            for (b, cell) in bits.chars().enumerate() {
                if cell != '#' {
                    continue;
                }
                let (gx, gy) = (x + i * 4 * SCALE + (b % 3) * SCALE, y + (b / 3) * SCALE);
                for (ox, oy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    self.set((gx + ox) as i64, (gy + oy) as i64, colour);
                }
            }
        }
    }
}

/// A short number for labels (`0.0123`, `1.2e4`).
fn label(v: f64) -> String {
    if v == 0.0 || (1e-2..1e4).contains(&v.abs()) {
        format!("{v:.3}")
    } else {
        format!("{v:.1e}")
    }
}

fn panel(canvas: &mut Canvas, top: usize, name: &str, values: &[f64], colour: u8) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let last = values.last().copied().unwrap_or(f64::NAN);
    canvas.text(
        MARGIN_LEFT,
        top + 4,
        &format!("{name}  last {}", label(last)),
        TEXT,
    );
    let (x0, x1) = (MARGIN_LEFT, WIDTH - MARGIN_RIGHT);
    let (y0, y1) = (top + MARGIN_TOP, top + PANEL_HEIGHT - MARGIN_BOTTOM);
    for y in [y0, (y0 + y1) / 2, y1] {
        canvas.line((x0 as i64, y as i64), (x1 as i64, y as i64), GRID);
    }
    canvas.line((x0 as i64, y0 as i64), (x0 as i64, y1 as i64), AXIS);
    if finite.is_empty() {
        return;
    }
    canvas.text(4, y0, &label(hi), AXIS);
    canvas.text(4, y1 - 10, &label(lo), AXIS);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let n = values.len();
    let point = |i: usize, v: f64| {
        let fx = if n > 1 {
            i as f64 / (n - 1) as f64
        } else {
            0.5
        };
        let x = x0 as f64 + fx * (x1 - x0) as f64;
        let y = y1 as f64 - (v - lo) / span * (y1 - y0) as f64;
        (x.round() as i64, y.round() as i64)
    };
    let mut prev: Option<(i64, i64)> = None;
    for (i, &v) in values.iter().enumerate() {
        if !v.is_finite() {
            prev = None;
            continue;
        }
        let p = point(i, v);
        match prev {
            Some(q) => canvas.line(q, p, colour),
            None => canvas.line((p.0 - 1, p.1), (p.0 + 1, p.1), colour),
        }
        prev = Some(p);
    }
}

/// A PNG with one panel per `(name, values per epoch)` series.
pub fn loss_chart_png(series: &[(String, Vec<f64>)]) -> Vec<u8> {
    let height = PANEL_HEIGHT * series.len().max(1);
    let mut canvas = Canvas {
        width: WIDTH,
        height,
        pixels: vec![0; WIDTH * height],
    };
    for (i, (name, values)) in series.iter().enumerate() {
        let colour = FIRST_LINE_COLOUR + (i % 4) as u8;
        panel(&mut canvas, i * PANEL_HEIGHT, name, values, colour);
    }
    encode_indexed_png(canvas.width, canvas.height, &canvas.pixels, &PALETTE)
}

/// Encodes 8-bit palette-indexed pixels (row-major) as a PNG.
pub fn encode_indexed_png(
    width: usize,
    height: usize,
    pixels: &[u8],
    palette: &[[u8; 3]],
) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend((width as u32).to_be_bytes());
    ihdr.extend((height as u32).to_be_bytes());
    ihdr.extend([8, 3, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"PLTE", &palette.concat());
    let mut raw = Vec::with_capacity((width + 1) * height);
    for row in pixels.chunks(width.max(1)).take(height) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

/// A zlib stream (RFC 1950) of uncompressed deflate blocks (RFC 1951, BTYPE 00).
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend(adler32(data).to_be_bytes());
    out
}

/// CRC-32 (IEEE 802.3, reflected, as PNG and zip use).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Adler-32 (RFC 1950).
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_published_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn stored_zlib_frames_every_block() {
        let data = vec![7u8; 70_000];
        let z = zlib_stored(&data);
        assert_eq!(&z[..3], &[0x78, 0x01, 0]);
        assert_eq!(u16::from_le_bytes([z[3], z[4]]), 65_535);
        assert_eq!(z.len(), 2 + 2 * 5 + 70_000 + 4);
        assert_eq!(z[2 + 5 + 65_535], 1, "the last block is marked final");
    }

    #[test]
    fn chart_is_a_png_of_the_expected_size() {
        let series = vec![
            ("g_l1".to_owned(), vec![1.0, 0.5, 0.25]),
            ("val_l1".to_owned(), vec![f64::NAN, 0.7, 0.6]),
        ];
        let png = loss_chart_png(&series);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(
            u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
            WIDTH as u32
        );
        assert_eq!(
            u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
            2 * PANEL_HEIGHT as u32
        );
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }
}
