//! Training pairs for the pose-to-image avatar model: the one-hot limb [`LabelMap`] of a pose
//! (the network's input, [`crate::render::labels`]) and the character drawn in the same pose
//! (its target), through the **same camera**, so the two align pixel for pixel.
//!
//! [`PairRenderer`] owns a [`LabelPainter`] and a [`CharacterRenderer`] built from one camera
//! and size, which makes misaligned pairs impossible by construction; [`render_pair`] does the
//! same for a painter and renderer the caller built (with one camera).
//!
//! Files: a label map is stored as its class-index image ([`class_indices`]: one byte per
//! pixel, 0 background, `i + 1` limb `i` of [`crate::render::OPENPOSE_LIMBS`]) in binary PGM
//! ([`pgm_bytes`], maxval 255 so readers keep the raw indices); an image as binary PPM.

use crate::choreography::skeleton::Pose;
use crate::render::camera::Camera;
use crate::render::character::{CharacterError, CharacterRenderer, CharacterStyle};
use crate::render::image::RgbImage;
use crate::render::labels::{LabelMap, LabelPainter, LabelStyle, N_LABEL_CHANNELS};

/// Draws aligned (label map, image) pairs through one camera.
#[derive(Debug, Clone)]
pub struct PairRenderer {
    painter: LabelPainter,
    character: CharacterRenderer,
}

impl PairRenderer {
    /// Pairs of `width × height` pixels through `camera`, the character in `style`, the label
    /// map with the default limb widths.
    pub fn new(
        style: CharacterStyle,
        width: usize,
        height: usize,
        camera: Camera,
    ) -> Result<PairRenderer, CharacterError> {
        Ok(PairRenderer {
            painter: LabelPainter::new(camera, LabelStyle::default(), width, height),
            character: CharacterRenderer::new(style, width, height, camera)?,
        })
    }

    /// The character renderer.
    pub fn character(&self) -> &CharacterRenderer {
        &self.character
    }

    /// A new pair for `pose`.
    pub fn render_pair(&mut self, pose: &Pose) -> (LabelMap, RgbImage) {
        render_pair(pose, &mut self.painter, &self.character)
    }

    /// Overwrites `map` and `img` with the pair for `pose`, reusing their buffers.
    pub fn render_pair_into(&mut self, pose: &Pose, map: &mut LabelMap, img: &mut RgbImage) {
        self.painter.paint(pose, map);
        self.character.render(pose, img);
    }
}

/// The label map and the character image of `pose`. `painter` and `character` must have been
/// built with the same camera and size (as [`PairRenderer`] does), or the pair will not align.
pub fn render_pair(
    pose: &Pose,
    painter: &mut LabelPainter,
    character: &CharacterRenderer,
) -> (LabelMap, RgbImage) {
    let mut map = painter.blank_map();
    painter.paint(pose, &mut map);
    let (width, height) = character.size();
    let mut img = RgbImage::new(width, height, character.style().background_rgb);
    character.render(pose, &mut img);
    (map, img)
}

/// Writes into `out` (resized to `width · height`) the class of every pixel of `map`: the
/// channel holding its 1 (argmax of the one-hot planes), row-major. One pass over the planes.
pub fn class_indices(map: &LabelMap, out: &mut Vec<u8>) {
    let n = map.width * map.height;
    out.clear();
    out.resize(n, 0);
    for c in 1..map.channels.min(N_LABEL_CHANNELS) {
        for (o, &v) in out.iter_mut().zip(map.channel(c)) {
            if v != 0 {
                *o = c as u8;
            }
        }
    }
}

/// A binary PGM (P5, maxval 255) of `width × height` bytes.
pub fn pgm_bytes(width: usize, height: usize, pixels: &[u8]) -> Vec<u8> {
    let mut out = format!("P5\n{width} {height}\n255\n").into_bytes();
    out.extend_from_slice(pixels);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;
    use crate::render::camera::View;

    #[test]
    fn class_indices_invert_the_one_hot_expansion() {
        let cam = CharacterRenderer::portrait_camera(View::Front, 64, 64, 1.7);
        let mut pairs = PairRenderer::new(CharacterStyle::default(), 64, 64, cam).unwrap();
        let (map, img) = pairs.render_pair(&BodyModel::default().rest_pose());
        assert_eq!((img.width(), img.height()), (64, 64));
        let mut classes = Vec::new();
        class_indices(&map, &mut classes);
        assert_eq!(classes.len(), 64 * 64);
        for (i, &c) in classes.iter().enumerate() {
            assert_eq!(
                Some(usize::from(c)),
                map.class_at(i % 64, i / 64),
                "pixel {i}"
            );
        }
        assert!(classes.iter().filter(|&&c| c > 0).count() > 100);
    }

    #[test]
    fn pgm_has_the_netpbm_header() {
        let bytes = pgm_bytes(3, 2, &[0, 1, 2, 3, 4, 17]);
        assert!(bytes.starts_with(b"P5\n3 2\n255\n"));
        assert_eq!(&bytes[bytes.len() - 6..], &[0, 1, 2, 3, 4, 17]);
    }
}
