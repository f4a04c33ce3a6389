//! [`RgbImage`]: an 8-bit RGB image, row-major, 3 bytes per pixel, and binary PPM (P6) I/O.
//!
//! Pixel `(x, y)` is column `x` from the left and row `y` from the top; its bytes are at
//! `3·(y·width + x)`. This is the byte layout `ffmpeg -f rawvideo -pix_fmt rgb24` reads, so a
//! frame goes to the encoder without conversion. PPM is for debugging and tests: any viewer
//! opens it, and `ffmpeg` writes it when asked to extract a frame.

use std::io::Write;

use thiserror::Error;

/// A colour, `[red, green, blue]`, 0–255, sRGB as displayed.
pub type Rgb = [u8; 3];

/// A rectangle of whole pixels: columns `x0..x1`, rows `y0..y1` (ends exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelRect {
    /// First column.
    pub x0: usize,
    /// First row.
    pub y0: usize,
    /// One past the last column.
    pub x1: usize,
    /// One past the last row.
    pub y1: usize,
}

impl PixelRect {
    /// The rectangle `x0..x0+width`, `y0..y0+height`.
    pub fn new(x0: usize, y0: usize, width: usize, height: usize) -> PixelRect {
        PixelRect {
            x0,
            y0,
            x1: x0 + width,
            y1: y0 + height,
        }
    }

    /// Width in pixels (0 when empty).
    pub fn width(&self) -> usize {
        self.x1.saturating_sub(self.x0)
    }

    /// Height in pixels (0 when empty).
    pub fn height(&self) -> usize {
        self.y1.saturating_sub(self.y0)
    }

    /// The part of `self` inside `other`.
    pub fn intersect(&self, other: &PixelRect) -> PixelRect {
        PixelRect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        }
    }
}

/// A binary PPM could not be parsed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PpmError {
    /// The header is not `P6 WIDTH HEIGHT 255`.
    #[error("not a binary PPM (P6, 8-bit): {0}")]
    Header(String),
    /// Fewer pixel bytes than the header announces.
    #[error("PPM pixel data truncated: {got} bytes, expected {expected}")]
    Truncated { got: usize, expected: usize },
}

/// An RGB8 image, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl RgbImage {
    /// A `width × height` image filled with `colour`.
    pub fn new(width: usize, height: usize, colour: Rgb) -> RgbImage {
        let mut data = vec![0; width * height * 3];
        fill_bytes(&mut data, colour);
        RgbImage {
            width,
            height,
            data,
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The whole image as a rectangle.
    pub fn rect(&self) -> PixelRect {
        PixelRect::new(0, 0, self.width, self.height)
    }

    /// The pixels, row-major RGB8 (`width·height·3` bytes).
    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    /// The pixels for in-crate drawing code, row-major RGB8.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Colour of pixel `(x, y)`, `None` outside the image.
    pub fn pixel(&self, x: usize, y: usize) -> Option<Rgb> {
        (x < self.width && y < self.height).then(|| {
            let i = 3 * (y * self.width + x);
            [self.data[i], self.data[i + 1], self.data[i + 2]]
        })
    }

    /// Sets every pixel to `colour`.
    pub fn fill(&mut self, colour: Rgb) {
        fill_bytes(&mut self.data, colour);
    }

    /// Sets the pixels of `rect` (clipped to the image) to `colour`.
    pub fn fill_rect(&mut self, rect: PixelRect, colour: Rgb) {
        let r = rect.intersect(&self.rect());
        if r.width() == 0 {
            return;
        }
        for y in r.y0..r.y1 {
            let row = 3 * y * self.width;
            fill_bytes(&mut self.data[row + 3 * r.x0..row + 3 * r.x1], colour);
        }
    }

    /// Sets pixel `(x, y)` to `colour`; nothing happens outside the image.
    pub fn put(&mut self, x: usize, y: usize, colour: Rgb) {
        self.blend(x, y, colour, 1.0);
    }

    /// Mixes `colour` into pixel `(x, y)` with weight `coverage` (0 leaves the pixel, 1 replaces
    /// it; clamped to 0–1); nothing happens outside the image.
    pub fn blend(&mut self, x: usize, y: usize, colour: Rgb, coverage: f32) {
        if x >= self.width || y >= self.height {
            return;
        }
        let i = 3 * (y * self.width + x);
        blend_bytes(&mut self.data[i..i + 3], colour, coverage);
    }

    /// Writes the image as binary PPM (P6).
    pub fn write_ppm(&self, out: &mut impl Write) -> std::io::Result<()> {
        write!(out, "P6\n{} {}\n255\n", self.width, self.height)?;
        out.write_all(&self.data)
    }

    /// The image as binary PPM bytes.
    pub fn to_ppm_bytes(&self) -> Vec<u8> {
        let mut out = format!("P6\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.data);
        out
    }

    /// Parses a binary PPM (P6, maxval 255, `#` comments allowed in the header).
    pub fn from_ppm_bytes(bytes: &[u8]) -> Result<RgbImage, PpmError> {
        let (fields, body) = ppm_header(bytes)?;
        let [width, height] = [fields[1], fields[2]];
        let expected = width * height * 3;
        let pixels = body.get(..expected).ok_or(PpmError::Truncated {
            got: body.len(),
            expected,
        })?;
        Ok(RgbImage {
            width,
            height,
            data: pixels.to_vec(),
        })
    }
}

/// Splits a P6 file into its header numbers `[_, width, height, maxval]` and the pixel bytes.
fn ppm_header(bytes: &[u8]) -> Result<([usize; 4], &[u8]), PpmError> {
    let bad = |what: &str| PpmError::Header(what.to_owned());
    if !bytes.starts_with(b"P6") {
        return Err(bad("missing P6 magic"));
    }
    let mut fields = [6, 0, 0, 0];
    let mut pos = 2;
    for field in fields.iter_mut().skip(1) {
        pos = skip_space_and_comments(bytes, pos);
        let start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        let text = std::str::from_utf8(&bytes[start..pos]).map_err(|_| bad("bad number"))?;
        *field = text
            .parse()
            .map_err(|_| bad("missing width, height or maxval"))?;
    }
    if fields[3] != 255 {
        return Err(bad("maxval is not 255"));
    }
    // Exactly one whitespace byte separates the header from the pixels.
    Ok((fields, bytes.get(pos + 1..).unwrap_or_default()))
}

fn skip_space_and_comments(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() {
        if bytes[pos] == b'#' {
            while pos < bytes.len() && bytes[pos] != b'\n' {
                pos += 1;
            }
        } else if bytes[pos].is_ascii_whitespace() {
            pos += 1;
        } else {
            break;
        }
    }
    pos
}

/// Sets every 3-byte pixel of `bytes` to `colour`.
pub(crate) fn fill_bytes(bytes: &mut [u8], colour: Rgb) {
    for px in bytes.chunks_exact_mut(3) {
        px.copy_from_slice(&colour);
    }
}

/// Mixes `colour` into one pixel's 3 bytes with weight `coverage` (clamped to 0–1), in 8.8
/// fixed point so that coverage 1 gives exactly `colour` and coverage 0 leaves the pixel.
#[inline]
pub(crate) fn blend_bytes(px: &mut [u8], colour: Rgb, coverage: f32) {
    let a = (coverage.clamp(0.0, 1.0) * 256.0 + 0.5) as u32;
    for (d, s) in px.iter_mut().zip(colour) {
        *d = ((u32::from(*d) * (256 - a) + u32::from(s) * a + 128) >> 8) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_put_and_blend_give_exact_bytes() {
        let mut img = RgbImage::new(4, 3, [10, 20, 30]);
        assert_eq!(img.as_bytes().len(), 36);
        img.put(1, 2, [255, 0, 0]);
        assert_eq!(img.pixel(1, 2), Some([255, 0, 0]));
        assert_eq!(img.as_bytes()[3 * (2 * 4 + 1)], 255);
        img.blend(0, 0, [210, 220, 230], 0.5);
        assert_eq!(img.pixel(0, 0), Some([110, 120, 130]));
        img.blend(3, 0, [0, 0, 0], 0.0);
        assert_eq!(img.pixel(3, 0), Some([10, 20, 30]));
        img.blend(9, 9, [0, 0, 0], 1.0);
        assert_eq!(img.pixel(9, 9), None);
        img.fill([1, 2, 3]);
        assert!(img.as_bytes().chunks(3).all(|p| p == [1, 2, 3]));
    }

    #[test]
    fn fill_rect_clips_to_the_image() {
        let mut img = RgbImage::new(5, 5, [0, 0, 0]);
        img.fill_rect(PixelRect::new(3, 3, 10, 10), [9, 9, 9]);
        let lit = img.as_bytes().chunks(3).filter(|p| p[0] == 9).count();
        assert_eq!(lit, 4);
        assert_eq!(img.pixel(4, 4), Some([9, 9, 9]));
        assert_eq!(img.pixel(2, 4), Some([0, 0, 0]));
        img.fill_rect(PixelRect::new(7, 1, 2, 2), [5, 5, 5]);
        img.fill_rect(PixelRect::new(1, 7, 2, 2), [5, 5, 5]);
        assert_eq!(img.as_bytes().chunks(3).filter(|p| p[0] == 9).count(), 4);
    }

    #[test]
    fn ppm_round_trips_and_rejects_bad_headers() {
        let mut img = RgbImage::new(3, 2, [7, 8, 9]);
        img.put(2, 1, [200, 100, 50]);
        let bytes = img.to_ppm_bytes();
        assert!(bytes.starts_with(b"P6\n3 2\n255\n"));
        assert_eq!(RgbImage::from_ppm_bytes(&bytes), Ok(img.clone()));
        let mut written = Vec::new();
        img.write_ppm(&mut written).unwrap();
        assert_eq!(written, bytes);
        let commented = b"P6 # made by hand\n1 1\n255\n\x01\x02\x03";
        let one = RgbImage::from_ppm_bytes(commented).unwrap();
        assert_eq!(one.pixel(0, 0), Some([1, 2, 3]));
        assert!(RgbImage::from_ppm_bytes(b"P3\n1 1\n255\n").is_err());
        assert!(RgbImage::from_ppm_bytes(b"P6\n1 1\n65535\n").is_err());
        let short = RgbImage::from_ppm_bytes(b"P6\n2 2\n255\n\x00\x00");
        assert!(matches!(short, Err(PpmError::Truncated { got: 2, .. })));
    }
}
