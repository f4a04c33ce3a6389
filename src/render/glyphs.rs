//! A 3 × 5 pixel font for the digits and `/`, enough for counters on preview frames without a
//! font dependency. Each glyph cell is drawn as a `cell_px`-sized square, so text scales with
//! the image; glyphs advance by four cells (one blank column between characters).

use crate::render::image::{PixelRect, Rgb, RgbImage};

/// Glyph height in cells.
pub const GLYPH_ROWS: usize = 5;
/// Advance per character in cells (3 columns and a gap).
pub const ADVANCE_CELLS: usize = 4;

/// Rows of a glyph, top first; bit 2 is the left column.
fn glyph(c: char) -> Option<[u8; GLYPH_ROWS]> {
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b001, 0b001, 0b001],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '/' => [0b001, 0b001, 0b010, 0b100, 0b100],
        _ => return None,
    })
}

/// Width of `text` in pixels at `cell_px` (no trailing gap).
pub fn text_width_px(text: &str, cell_px: usize) -> usize {
    let n = text.chars().count();
    (n * ADVANCE_CELLS).saturating_sub(1) * cell_px
}

/// Draws `text` with its top-left corner at `(x0, y0)`; characters without a glyph leave a
/// blank; pixels outside the image are skipped.
pub fn draw_text(img: &mut RgbImage, text: &str, x0: usize, y0: usize, cell_px: usize, ink: Rgb) {
    for (k, c) in text.chars().enumerate() {
        let Some(rows) = glyph(c) else {
            continue;
        };
        let left = x0 + k * ADVANCE_CELLS * cell_px;
        for (r, bits) in rows.iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    let x = left + col * cell_px;
                    let y = y0 + r * cell_px;
                    img.fill_rect(PixelRect::new(x, y, cell_px, cell_px), ink);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_draw_their_cells() {
        let mut img = RgbImage::new(40, 12, [0, 0, 0]);
        draw_text(&mut img, "10", 1, 1, 2, [255, 255, 255]);
        assert_eq!(text_width_px("10", 2), 14);
        let on = |x: usize, y: usize| img.pixel(x, y) == Some([255, 255, 255]);
        // '1': middle column lit on every row, left column only on row 1.
        assert!(on(3, 1) && on(3, 9) && !on(1, 1) && on(1, 3));
        // '0': hollow centre at cell (1, 2) of the second glyph (x = 1 + 8 + 2).
        assert!(on(9, 1) && !on(11, 5) && on(13, 5));
        let lit = img.as_bytes().chunks(3).filter(|p| p[0] == 255).count();
        assert_eq!(lit, (8 + 12) * 4);
        draw_text(&mut img, "x9", 36, 10, 3, [1, 1, 1]);
    }
}
