//! The move library: named moves designed as keyframes, with their mirrored variants.
//!
//! A move is a loop of key poses ([`Key`]s) at beat positions `0 ≤ u < beats` (every whole
//! beat has one; half-beat keys add an up-beat accent or lift a stepping foot). It has a
//! length in beats (1, 2, 4 or 8), an energy level (1 calm, 2 groove, 3 power) and the body
//! parts it moves. Moves are designed for the dancer's right side; [`MoveLibrary`] adds the
//! left-right mirror image of every move that is not its own mirror.
//!
//! The definitions live in [`calm`](super::calm), [`groove`](super::groove) and
//! [`power`](super::power), one file per energy level.

use super::rig::Rig;
use super::shape::{mirror, Key, ShapeVec, FOOT, FOREARM, HEAD, PELVIS, TORSO, UPPER_ARM};
use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::{Joint, Pose};

/// Mean over the joints of the distance between two poses, metres.
pub fn mean_joint_distance_m(a: &Pose, b: &Pose) -> f64 {
    Joint::ALL
        .iter()
        .map(|&j| (a.get(j) - b.get(j)).norm())
        .sum::<f64>()
        / Joint::ALL.len() as f64
}

/// A part of the body a move uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyPart {
    /// Upper arms and forearms.
    Arms,
    /// Trunk lean, twist and side bend.
    Torso,
    /// Nods, turns and tilts of the head.
    Head,
    /// Pelvis height and position, steps and lifts of the feet.
    Legs,
}

/// A move as designed.
#[derive(Debug, Clone)]
pub struct MoveDef {
    /// Unique name (snake case).
    pub name: &'static str,
    /// Length in beats: 1, 2, 4 or 8.
    pub beats: usize,
    /// 1 (calm) to 3 (power).
    pub energy: u8,
    /// The parts of the body whose keys change within the move.
    pub parts: &'static [BodyPart],
    /// Key poses at beat positions in `0..beats`, increasing.
    pub keys: Vec<(f64, Key)>,
}

/// A move ready to play: its keys in shape space, as designed and mirrored.
#[derive(Debug, Clone)]
pub struct Move {
    /// The design.
    pub def: MoveDef,
    /// `[designed, mirrored]` keys in shape space (the same when the move is symmetric).
    pub shapes: [Vec<(f64, ShapeVec)>; 2],
    /// True when the mirrored variant differs from the move.
    pub has_mirror: bool,
    /// `[designed, mirrored]` key poses of the 1.70 m reference body, as `shapes`.
    pub poses: [Vec<Pose>; 2],
}

impl Move {
    fn new(def: MoveDef) -> Move {
        let designed: Vec<(f64, ShapeVec)> =
            def.keys.iter().map(|(u, k)| (*u, k.to_shape())).collect();
        let mirrored: Vec<(f64, ShapeVec)> =
            designed.iter().map(|(u, s)| (*u, mirror(s))).collect();
        let has_mirror = designed
            .iter()
            .zip(&mirrored)
            .any(|((_, a), (_, b))| (a - b).amax() > 1e-9);
        let rig = Rig::new(&BodyModel::default());
        let poses = [&designed, &mirrored].map(|v| v.iter().map(|(_, s)| rig.pose(s)).collect());
        Move {
            def,
            shapes: [designed, mirrored],
            has_mirror,
            poses,
        }
    }

    /// The keys of a variant whose position lies in `[from, from + len)` (move beats), with
    /// their position as a fraction of that window.
    pub fn keys_in_window(
        &self,
        mirrored: bool,
        from: f64,
        len: f64,
    ) -> impl Iterator<Item = (f64, &ShapeVec)> + '_ {
        self.shapes[usize::from(mirrored && self.has_mirror)]
            .iter()
            .filter(move |(u, _)| *u >= from && *u < from + len)
            .map(move |(u, s)| ((u - from) / len, s))
    }

    /// The reference-body pose of the first key in a window (see
    /// [`keys_in_window`](Self::keys_in_window)).
    pub fn pose_in_window(&self, mirrored: bool, from: f64, len: f64) -> Option<&Pose> {
        let variant = usize::from(mirrored && self.has_mirror);
        let i = self.shapes[variant]
            .iter()
            .position(|(u, _)| *u >= from && *u < from + len)?;
        self.poses[variant].get(i)
    }

    /// True when some key sits between beats (on an up-beat).
    pub fn has_offbeat_keys(&self) -> bool {
        self.shapes[0].iter().any(|(u, _)| u.fract() != 0.0)
    }

    /// The parts whose keys vary within the move, measured on its shapes: pelvis or feet
    /// moving more than 1.5 cm (legs), trunk or head angles more than 0.04 rad, arm
    /// directions more than 0.08 rad.
    pub fn parts_in_motion(&self) -> Vec<BodyPart> {
        let shapes: Vec<&ShapeVec> = self.shapes[0].iter().map(|(_, s)| s).collect();
        let range = |slots: &[usize]| {
            slots
                .iter()
                .map(|&i| {
                    let (lo, hi) = shapes.iter().fold((f64::MAX, f64::MIN), |(lo, hi), s| {
                        (lo.min(s[i]), hi.max(s[i]))
                    });
                    hi - lo
                })
                .fold(0.0, f64::max)
        };
        let span = |start: usize, n: usize| (start..start + n).collect::<Vec<_>>();
        let arms: Vec<usize> = [UPPER_ARM, FOREARM]
            .iter()
            .flat_map(|b| b.iter().flat_map(|&s| span(s, 2)))
            .collect();
        let legs: Vec<usize> = span(PELVIS, 3)
            .into_iter()
            .chain(FOOT.iter().flat_map(|&s| span(s, 3)))
            .collect();
        let mut parts = Vec::new();
        for (part, moving) in [
            (BodyPart::Arms, range(&arms) > 0.08),
            (BodyPart::Torso, range(&span(TORSO, 3)) > 0.04),
            (BodyPart::Head, range(&span(HEAD, 3)) > 0.04),
            (BodyPart::Legs, range(&legs) > 0.015),
        ] {
            if moving {
                parts.push(part);
            }
        }
        parts
    }
}

/// Every move, in a fixed order (calm, groove, power; each file's own order).
#[derive(Debug, Clone)]
pub struct MoveLibrary {
    moves: Vec<Move>,
}

impl Default for MoveLibrary {
    fn default() -> Self {
        Self::standard()
    }
}

impl MoveLibrary {
    /// The project's moves.
    pub fn standard() -> MoveLibrary {
        let defs = super::calm::moves()
            .into_iter()
            .chain(super::groove::moves())
            .chain(super::power::moves());
        MoveLibrary {
            moves: defs.map(Move::new).collect(),
        }
    }

    /// Every move.
    pub fn moves(&self) -> &[Move] {
        &self.moves
    }

    /// The move at `index`.
    pub fn get(&self, index: usize) -> Option<&Move> {
        self.moves.get(index)
    }

    /// The index of the move called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.moves.iter().position(|m| m.def.name == name)
    }

    /// Number of moves (variants not counted).
    pub fn len(&self) -> usize {
        self.moves.len()
    }

    /// True for an empty library.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// Number of playable variants (moves plus mirrored variants).
    pub fn n_variants(&self) -> usize {
        self.moves
            .iter()
            .map(|m| 1 + usize::from(m.has_mirror))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::moves::shape::{Chart, Side};

    fn posed(rig: &Rig, s: &ShapeVec) -> Pose {
        rig.pose(s)
    }

    #[test]
    fn at_least_30_moves_of_every_length_and_level() {
        let lib = MoveLibrary::standard();
        assert!(lib.len() >= 30, "{} moves", lib.len());
        let mut names: Vec<&str> = lib.moves().iter().map(|m| m.def.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), lib.len(), "names must be unique");
        for m in lib.moves() {
            assert!([1, 2, 4, 8].contains(&m.def.beats), "{}", m.def.name);
            assert!((1..=3).contains(&m.def.energy), "{}", m.def.name);
        }
        for level in 1..=3 {
            let n = lib.moves().iter().filter(|m| m.def.energy == level).count();
            assert!(n >= 8, "level {level}: {n} moves");
        }
        for beats in [1, 2, 4, 8] {
            assert!(lib.moves().iter().any(|m| m.def.beats == beats));
        }
    }

    #[test]
    fn every_beat_has_a_key_and_consecutive_keys_differ() {
        for m in MoveLibrary::standard().moves() {
            let keys = &m.shapes[0];
            let name = m.def.name;
            assert!(keys.windows(2).all(|w| w[0].0 < w[1].0), "{name}: unsorted");
            assert!(keys
                .iter()
                .all(|(u, _)| (0.0..m.def.beats as f64).contains(u)));
            for beat in 0..m.def.beats {
                assert!(
                    keys.iter().any(|(u, _)| *u == beat as f64),
                    "{name}: no key on beat {beat}"
                );
            }
            // Cyclically: the dance moves through every key interval.
            for (i, (u, s)) in keys.iter().enumerate() {
                let (_, next) = &keys[(i + 1) % keys.len()];
                assert!(
                    (next - s).amax() > 0.01,
                    "{name}: key at {u} equals the next"
                );
            }
        }
    }

    #[test]
    fn every_key_is_a_standing_pose_with_exact_bones() {
        let body = BodyModel::default();
        let rig = Rig::new(&body);
        let floor = rig.floor_ankle_y_m();
        let (upper, fore) = (Chart::upper_arm(), Chart::forearm());
        for m in MoveLibrary::standard().moves() {
            for (variant, keys) in m.shapes.iter().enumerate() {
                for (u, s) in keys {
                    let at = format!("{} variant {variant} beat {u}", m.def.name);
                    let pose = posed(&rig, s);
                    assert!(pose.is_finite(), "{at}");
                    assert!(body.max_length_deviation(&pose) < 1e-9, "{at}");
                    let ankles = [Joint::RAnkle, Joint::LAnkle].map(|j| pose.get(j));
                    let lowest = ankles[0].y.min(ankles[1].y);
                    assert!(lowest >= floor - 1e-9, "{at}: a foot sinks");
                    assert!(lowest <= floor + 1e-6, "{at}: both feet off the floor");
                    for (side, ankle) in Side::BOTH.iter().zip(ankles) {
                        let miss = (ankle - rig.ankle_target(s, *side)).norm();
                        assert!(miss < 2e-3, "{at}: {side:?} foot misses by {miss} m");
                    }
                }
            }
            for k in &m.def.keys {
                for i in 0..2 {
                    let a = upper
                        .angle_rad(k.1.upper_arm[i])
                        .max(fore.angle_rad(k.1.forearm[i]));
                    assert!(
                        a < 0.85 * std::f64::consts::PI,
                        "{}: arm near the antipode",
                        m.def.name
                    );
                }
            }
        }
    }

    #[test]
    fn declared_parts_are_the_parts_that_move() {
        for m in MoveLibrary::standard().moves() {
            let mut declared = m.def.parts.to_vec();
            declared.sort_unstable();
            assert_eq!(m.parts_in_motion(), declared, "{}", m.def.name);
        }
    }

    #[test]
    fn asymmetric_moves_have_mirrored_variants_that_mirror_the_pose() {
        let rig = Rig::new(&BodyModel::default());
        let lib = MoveLibrary::standard();
        assert!(lib.moves().iter().filter(|m| m.has_mirror).count() >= 20);
        assert_eq!(
            lib.n_variants(),
            lib.len() + lib.moves().iter().filter(|m| m.has_mirror).count()
        );
        for m in lib.moves() {
            let asymmetric = m.shapes[0].iter().any(|(_, s)| {
                let p = posed(&rig, s);
                let mirrored = p.mirrored();
                Joint::ALL
                    .iter()
                    .any(|&j| (p.get(j) - mirrored.get(j)).norm() > 1e-6)
            });
            assert_eq!(m.has_mirror, asymmetric, "{}", m.def.name);
            for ((_, a), (_, b)) in m.shapes[0].iter().zip(&m.shapes[1]) {
                let want = posed(&rig, a).mirrored();
                let got = posed(&rig, b);
                for j in Joint::ALL {
                    assert!((want.get(j) - got.get(j)).norm() < 1e-9, "{}", m.def.name);
                }
            }
        }
    }

    #[test]
    fn the_module_docs_list_every_move_as_defined() {
        let docs = include_str!("mod.rs");
        let lib = MoveLibrary::standard();
        let rows: Vec<&str> = docs
            .lines()
            .filter_map(|l| l.strip_prefix("//! | `"))
            .collect();
        assert_eq!(rows.len(), lib.len());
        for (row, m) in rows.iter().zip(lib.moves()) {
            let parts: Vec<String> = m
                .def
                .parts
                .iter()
                .map(|p| format!("{p:?}").to_lowercase())
                .collect();
            let want = format!(
                "{}` | {} | {} | {} | {}|",
                m.def.name,
                m.def.beats,
                m.def.energy,
                parts.join(", "),
                if m.has_mirror { "m " } else { "" }
            );
            assert_eq!(*row, want);
        }
    }
}
