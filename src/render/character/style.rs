//! [`CharacterStyle`]: the look of the avatar character — skin, hair, clothes and shoe colours,
//! hair style, build — and seeded variations of it ([`CharacterStyle::from_seed`]).
//!
//! Colours are sRGB bytes as displayed (the base colour of a surface lit head-on; shading
//! darkens and slightly brightens it). Shapes are in the body's own units: `build` scales the
//! widths of the torso and limbs, `sleeve_share` is the share of the upper arm a sleeve covers
//! (0.5: a T-shirt's short sleeve).
//!
//! A style is config: serde with a default for every field and unknown fields refused, checked
//! by [`Validate::validate`]. Besides ranges, validation asks that the garments stand out from
//! the skin and everything from the background by at least [`MIN_CONTRAST`] (RGB distance): a
//! training pair in which a shirt is skin-coloured teaches the avatar model nothing about where
//! the shirt ends.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::config::{InvalidField, Validate};
use crate::render::image::Rgb;

/// Smallest RGB distance between the colours that must be told apart (skin against shirt,
/// trousers and background; clothes and hair against the background).
pub const MIN_CONTRAST: f64 = 48.0;

/// How the hair is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HairStyle {
    /// Short hair: a cap over the top, sides and back of the head.
    Short,
    /// Shoulder-length hair falling behind the head.
    Long,
    /// Hair tied in a bun at the back of the head.
    Bun,
}

/// The look of the character.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CharacterStyle {
    /// Skin of face, neck, arms and hands. Change for a different skin tone.
    pub skin_rgb: Rgb,
    /// Hair and eyebrows.
    pub hair_rgb: Rgb,
    /// Haircut.
    pub hair_style: HairStyle,
    /// The short-sleeved shirt.
    pub shirt_rgb: Rgb,
    /// Trousers.
    pub trousers_rgb: Rgb,
    /// Shoes.
    pub shoes_rgb: Rgb,
    /// Eyes (pupils), drawn when the face is toward the viewer.
    pub eyes_rgb: Rgb,
    /// Wall behind the character (above the floor line).
    pub background_rgb: Rgb,
    /// Floor (below the floor line, where the shadow falls).
    pub floor_rgb: Rgb,
    /// Width of torso and limbs relative to the standard build, 0.8–1.25.
    pub build: f64,
    /// Share of the upper arm covered by the sleeve, 0.2–0.9.
    pub sleeve_share: f64,
    /// Darkness of the floor shadow at its centre, 0 (none) – 0.8.
    pub shadow_strength: f64,
}

impl Default for CharacterStyle {
    /// A red T-shirt, blue jeans, dark shoes, short dark-brown hair, medium skin, on a light
    /// grey-blue wall over a grey floor.
    fn default() -> Self {
        CharacterStyle {
            skin_rgb: [224, 172, 138],
            hair_rgb: [60, 40, 28],
            hair_style: HairStyle::Short,
            shirt_rgb: [200, 52, 48],
            trousers_rgb: [52, 72, 112],
            shoes_rgb: [40, 36, 34],
            eyes_rgb: [30, 24, 22],
            background_rgb: [214, 220, 228],
            floor_rgb: [176, 178, 184],
            build: 1.0,
            sleeve_share: 0.5,
            shadow_strength: 0.45,
        }
    }
}

/// Euclidean distance of two colours in RGB bytes.
pub fn colour_distance(a: Rgb, b: Rgb) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        .sqrt()
}

fn range_check(field: &str, v: f64, lo: f64, hi: f64) -> Result<(), InvalidField> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(InvalidField::new(field, format!("{v}: need {lo}..={hi}")))
    }
}

impl Validate for CharacterStyle {
    fn validate(&self) -> Result<(), InvalidField> {
        range_check("build", self.build, 0.8, 1.25)?;
        range_check("sleeve_share", self.sleeve_share, 0.2, 0.9)?;
        range_check("shadow_strength", self.shadow_strength, 0.0, 0.8)?;
        let pairs = [
            ("shirt_rgb", self.shirt_rgb, "skin_rgb", self.skin_rgb),
            ("trousers_rgb", self.trousers_rgb, "skin_rgb", self.skin_rgb),
            (
                "skin_rgb",
                self.skin_rgb,
                "background_rgb",
                self.background_rgb,
            ),
            (
                "shirt_rgb",
                self.shirt_rgb,
                "background_rgb",
                self.background_rgb,
            ),
            (
                "trousers_rgb",
                self.trousers_rgb,
                "background_rgb",
                self.background_rgb,
            ),
            (
                "hair_rgb",
                self.hair_rgb,
                "background_rgb",
                self.background_rgb,
            ),
            ("hair_rgb", self.hair_rgb, "skin_rgb", self.skin_rgb),
            ("shoes_rgb", self.shoes_rgb, "floor_rgb", self.floor_rgb),
        ];
        for (field, a, other, b) in pairs {
            let d = colour_distance(a, b);
            if d < MIN_CONTRAST {
                return Err(InvalidField::new(
                    field,
                    format!("{a:?} is {d:.0} from {other} {b:?}; need at least {MIN_CONTRAST}"),
                ));
            }
        }
        Ok(())
    }
}

/// Skin tones from light to deep.
const SKIN_TONES: [Rgb; 8] = [
    [255, 224, 196],
    [241, 194, 167],
    [234, 192, 134],
    [224, 172, 138],
    [198, 134, 103],
    [161, 102, 74],
    [120, 76, 54],
    [88, 56, 40],
];

/// Natural hair colours: black, dark brown, brown, auburn, blonde, red, grey.
const HAIR_COLOURS: [Rgb; 7] = [
    [28, 24, 22],
    [60, 40, 28],
    [108, 72, 44],
    [136, 62, 34],
    [214, 180, 116],
    [176, 74, 40],
    [168, 166, 162],
];

/// Trousers: denim, dark denim, black, khaki, grey, olive, brown.
const TROUSER_COLOURS: [Rgb; 7] = [
    [52, 72, 112],
    [34, 44, 72],
    [38, 38, 42],
    [176, 152, 108],
    [110, 112, 118],
    [86, 92, 60],
    [96, 66, 46],
];

/// Shoes: white, black, brown, red, navy.
const SHOE_COLOURS: [Rgb; 5] = [
    [236, 236, 232],
    [32, 30, 30],
    [100, 62, 38],
    [176, 40, 40],
    [36, 44, 80],
];

/// Tries before a seed gives up on finding a valid combination and keeps the default.
const MAX_TRIES: usize = 64;

impl CharacterStyle {
    /// A varied but plausible look: skin, hair, haircut, shirt (any hue, moderately
    /// saturated), trousers, shoes and build drawn from a ChaCha8 stream seeded with `seed`.
    /// Wall and floor keep their defaults so a dataset has one background. Deterministic: the
    /// same seed always gives the same style, and the result always passes
    /// [`Validate::validate`] (combinations that fail are redrawn from the same stream).
    pub fn from_seed(seed: u64) -> CharacterStyle {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..MAX_TRIES {
            let style = Self::draw(&mut rng);
            if style.validate().is_ok() {
                return style;
            }
        }
        CharacterStyle::default()
    }

    fn draw(rng: &mut ChaCha8Rng) -> CharacterStyle {
        let pick = |rng: &mut ChaCha8Rng, list: &[Rgb]| list[rng.gen_range(0..list.len())];
        let hair_style = match rng.gen_range(0..3) {
            0 => HairStyle::Short,
            1 => HairStyle::Long,
            _ => HairStyle::Bun,
        };
        let shirt_rgb = hsv_to_rgb(
            rng.gen_range(0.0..360.0),
            rng.gen_range(0.35..0.85),
            rng.gen_range(0.45..0.95),
        );
        CharacterStyle {
            skin_rgb: pick(rng, &SKIN_TONES),
            hair_rgb: pick(rng, &HAIR_COLOURS),
            hair_style,
            shirt_rgb,
            trousers_rgb: pick(rng, &TROUSER_COLOURS),
            shoes_rgb: pick(rng, &SHOE_COLOURS),
            build: rng.gen_range(0.88..1.15),
            sleeve_share: rng.gen_range(0.35..0.65),
            ..CharacterStyle::default()
        }
    }
}

/// sRGB bytes of hue `h_deg` (0–360), saturation `s` and value `v` (0–1).
pub fn hsv_to_rgb(h_deg: f64, s: f64, v: f64) -> Rgb {
    let c = v * s;
    let h = (h_deg.rem_euclid(360.0)) / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    [r, g, b].map(|u| ((u + m) * 255.0).round().clamp(0.0, 255.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_style_is_valid_and_round_trips_through_json() {
        let style = CharacterStyle::default();
        style.validate().unwrap();
        let text = serde_json::to_string(&style).unwrap();
        let back: CharacterStyle = serde_json::from_str(&text).unwrap();
        assert_eq!(back, style);
        let partial: CharacterStyle = serde_json::from_str(r#"{"hair_style": "long"}"#).unwrap();
        assert_eq!(partial.hair_style, HairStyle::Long);
        assert_eq!(partial.shirt_rgb, style.shirt_rgb);
        assert!(serde_json::from_str::<CharacterStyle>(r#"{"hat": 1}"#).is_err());
    }

    #[test]
    fn validation_names_the_bad_field() {
        let mut style = CharacterStyle {
            build: 2.0,
            ..CharacterStyle::default()
        };
        assert_eq!(style.validate().unwrap_err().field, "build");
        style.build = 1.0;
        style.shirt_rgb = style.skin_rgb;
        assert_eq!(style.validate().unwrap_err().field, "shirt_rgb");
    }

    #[test]
    fn hsv_primaries_are_exact() {
        assert_eq!(hsv_to_rgb(0.0, 1.0, 1.0), [255, 0, 0]);
        assert_eq!(hsv_to_rgb(120.0, 1.0, 1.0), [0, 255, 0]);
        assert_eq!(hsv_to_rgb(240.0, 1.0, 0.5), [0, 0, 128]);
        assert_eq!(hsv_to_rgb(360.0, 0.0, 1.0), [255, 255, 255]);
        assert!((colour_distance([0, 0, 0], [3, 4, 0]) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn seeded_styles_are_deterministic_valid_and_varied() {
        let styles: Vec<CharacterStyle> = (0..40).map(CharacterStyle::from_seed).collect();
        for (seed, s) in styles.iter().enumerate() {
            s.validate().unwrap();
            assert_eq!(*s, CharacterStyle::from_seed(seed as u64));
        }
        assert_ne!(styles[0], styles[1]);
        let distinct = |f: fn(&CharacterStyle) -> Rgb| {
            let mut v: Vec<Rgb> = styles.iter().map(f).collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        assert!(distinct(|s| s.skin_rgb) >= 6);
        assert!(distinct(|s| s.hair_rgb) >= 5);
        assert!(distinct(|s| s.shirt_rgb) >= 35);
        let long = styles
            .iter()
            .filter(|s| s.hair_style == HairStyle::Long)
            .count();
        assert!((5..=25).contains(&long), "{long} long-haired of 40");
    }
}
