//! JPEG encoding, once per frame: every sink shares the same bytes.
//!
//! MJPEG over HTTP and ROS `sensor_msgs/CompressedImage` both carry baseline JPEG, so the
//! player encodes each frame exactly once with the pure-Rust `jpeg-encoder` and sinks get an
//! `Arc` of the result.

use jpeg_encoder::{ColorType, Encoder};

use super::{AvatarFrame, StreamError};
use crate::render::image::RgbImage;

/// A frame and its JPEG encoding.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedFrame {
    /// The frame as rendered.
    pub frame: AvatarFrame,
    /// Baseline JPEG of `frame.image`.
    pub jpeg: Vec<u8>,
}

impl EncodedFrame {
    /// Encodes `frame` at `quality` (1–100).
    pub fn new(frame: AvatarFrame, quality: u8) -> Result<EncodedFrame, StreamError> {
        let jpeg = encode_jpeg(&frame.image, quality)?;
        Ok(EncodedFrame { frame, jpeg })
    }
}

/// `image` as a baseline JPEG at `quality` (clamped to 1–100).
pub fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, StreamError> {
    let (width, height) = (image.width(), image.height());
    let err = |message: String| StreamError::Jpeg {
        width,
        height,
        message,
    };
    let w = u16::try_from(width).map_err(|_| err("wider than 65535 pixels".to_owned()))?;
    let h = u16::try_from(height).map_err(|_| err("taller than 65535 pixels".to_owned()))?;
    if w == 0 || h == 0 {
        return Err(err("empty image".to_owned()));
    }
    // Roughly 1 bit per pixel at the default quality; a reserve avoids most regrowth.
    let mut out = Vec::with_capacity(width * height / 4 + 1024);
    Encoder::new(&mut out, quality.clamp(1, 100))
        .encode(image.as_bytes(), w, h, ColorType::Rgb)
        .map_err(|e| err(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_decodable_jpeg_of_the_right_size_and_colour() {
        let mut img = RgbImage::new(64, 48, [20, 30, 40]);
        img.fill_rect(crate::render::PixelRect::new(16, 8, 32, 32), [200, 52, 48]);
        let jpeg = encode_jpeg(&img, 90).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
        let back = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!((back.width(), back.height()), (64, 48));
        let centre = back.get_pixel(32, 24).0;
        let corner = back.get_pixel(2, 2).0;
        assert!(centre[0] > 170 && centre[2] < 90, "{centre:?}");
        assert!(corner[0] < 50, "{corner:?}");
    }

    #[test]
    fn quality_changes_the_size_and_empty_images_are_refused() {
        let mut img = RgbImage::new(64, 64, [0, 0, 0]);
        for y in 0..64 {
            for x in 0..64 {
                img.put(x, y, [(x * 4) as u8, (y * 4) as u8, ((x ^ y) * 4) as u8]);
            }
        }
        let low = encode_jpeg(&img, 10).unwrap();
        let high = encode_jpeg(&img, 95).unwrap();
        assert!(low.len() < high.len(), "{} vs {}", low.len(), high.len());
        let err = encode_jpeg(&RgbImage::new(0, 4, [0, 0, 0]), 80).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }
}
