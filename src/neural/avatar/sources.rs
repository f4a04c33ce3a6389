//! Avatar training frames from real footage: a folder of pictures with their poses, or a
//! video with an OpenPose folder.
//!
//! - Frame folder: `NNN.png|jpg` and either one OpenPose file per picture
//!   (`NNN_keypoints.json`, matched by the last number in the name) or a `skeleton.json`
//!   with one pose per picture (the pictures in name order).
//! - Video: frames are extracted with `ffmpeg` into a temporary folder; frame `k` of the
//!   video goes with frame `k` of the OpenPose folder.
//!
//! Poses go through the OpenPose import ([`crate::choreography::openpose`]) into the dancer
//! frame; labels are drawn through the portrait camera of the requested size, as for the
//! synthetic pairs. The footage must therefore frame the dancer as that camera does (standing
//! centred, feet near the bottom, some room above the head): pictures are resized to the
//! size, not cropped. Unreadable pictures are skipped and counted.

use std::path::{Path, PathBuf};

use super::data::{AvatarDataset, CameraRecord, Frame};
use crate::choreography::body::REFERENCE_HEIGHT_M;
use crate::choreography::openpose::{self, folder::frame_number, OpenPoseConfig};
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::Pose;
use crate::neural::NeuralError;
use crate::render::character::frame::{BodyFrame, ReferenceLengths};
use crate::render::labels::{LabelPainter, LabelStyle, N_LABEL_CHANNELS};
use crate::render::smooth::hold_missing;

fn is_picture(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
}

/// The pictures of a folder with their frame numbers, in order.
fn pictures(dir: &Path) -> Result<Vec<(u64, PathBuf)>, NeuralError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| NeuralError::data(dir, format!("cannot list: {e}")))?;
    let mut out: Vec<(u64, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_picture(p))
        .filter_map(|p| frame_number(&p).map(|n| (n, p)))
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(NeuralError::data(dir, "no NNN.png or NNN.jpg pictures"));
    }
    Ok(out)
}

/// Decodes and resizes a picture to `size`; `None` when unreadable.
fn read_picture(path: &Path, size: [usize; 2]) -> Option<Vec<u8>> {
    let img = image::open(path).ok()?.to_rgb8();
    let img = if (img.width() as usize, img.height() as usize) == (size[0], size[1]) {
        img
    } else {
        image::imageops::resize(
            &img,
            size[0] as u32,
            size[1] as u32,
            image::imageops::FilterType::Triangle,
        )
    };
    Some(img.into_raw())
}

/// Pairs `(picture, pose)` into a dataset of `size`; poses are held over missing keypoints.
fn build(
    source: &Path,
    pairs: Vec<(PathBuf, Pose)>,
    size: [usize; 2],
) -> Result<AvatarDataset, NeuralError> {
    let poses: Vec<Pose> = pairs.iter().map(|(_, p)| *p).collect();
    let held = hold_missing(&poses);
    let first = held
        .iter()
        .find(|p| p.is_finite())
        .ok_or_else(|| NeuralError::data(source, "no complete pose"))?;
    let body_height_m =
        REFERENCE_HEIGHT_M * BodyFrame::estimate(first, &ReferenceLengths::default()).scale;
    let (camera, record) = CameraRecord::portrait(size[0], size[1], body_height_m);
    let mut painter = LabelPainter::new(camera, LabelStyle::default(), size[0], size[1]);
    let mut map = painter.blank_map();
    let mut data = AvatarDataset {
        width: size[0],
        height: size[1],
        label_channels: N_LABEL_CHANNELS,
        camera: record,
        body_height_m,
        frames: Vec::with_capacity(pairs.len()),
        skipped: 0,
        source: source.to_owned(),
    };
    for ((path, _), pose) in pairs.iter().zip(&held) {
        let image = match read_picture(path, size) {
            Some(img) if pose.is_finite() => img,
            _ => {
                tracing::warn!(picture = %path.display(), "skipping an unreadable picture or a frame without a pose");
                data.skipped += 1;
                continue;
            }
        };
        painter.paint(pose, &mut map);
        let mut label = Vec::with_capacity(size[0] * size[1]);
        crate::render::character::pairs::class_indices(&map, &mut label);
        data.frames.push(Frame {
            sequence: 0,
            prev: None,
            label,
            image,
        });
    }
    data.link_sequences();
    Ok(data)
}

/// Reads a frame folder (see the module docs), resizing pictures to `size`.
pub fn load_frame_folder(
    dir: &Path,
    size: [usize; 2],
    fps: f64,
) -> Result<AvatarDataset, NeuralError> {
    let pics = pictures(dir)?;
    let skeleton = dir.join("skeleton.json");
    let pairs: Vec<(PathBuf, Pose)> = if skeleton.is_file() {
        let seq = SkeletonSequence::load(&skeleton)
            .map_err(|e| NeuralError::data(&skeleton, e.to_string()))?;
        if seq.frames.len() < pics.len() {
            return Err(NeuralError::data(
                &skeleton,
                format!("{} poses for {} pictures", seq.frames.len(), pics.len()),
            ));
        }
        pics.into_iter().map(|(_, p)| p).zip(seq.frames).collect()
    } else {
        let (seq, _) = openpose::load_folder(dir, fps, &OpenPoseConfig::default())
            .map_err(|e| NeuralError::data(dir, e.to_string()))?;
        let first = openpose::folder::frame_files(dir)
            .map_err(|e| NeuralError::data(dir, e.to_string()))?
            .first()
            .map_or(0, |f| f.0);
        pics.into_iter()
            .filter_map(|(n, p)| {
                let k = n.checked_sub(first)? as usize;
                seq.frames.get(k).map(|pose| (p, *pose))
            })
            .collect()
    };
    build(dir, pairs, size)
}

/// Extracts the frames of `video` with `ffmpeg` and pairs frame `k` with frame `k` of the
/// OpenPose folder `keypoints`.
pub fn load_video(
    video: &Path,
    keypoints: &Path,
    size: [usize; 2],
    fps: f64,
) -> Result<AvatarDataset, NeuralError> {
    let tmp = tempfile::tempdir()
        .map_err(|e| NeuralError::data(video, format!("no temporary folder: {e}")))?;
    let status = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-nostdin", "-i"])
        .arg(video)
        .args(["-vsync", "0", "-start_number", "0"])
        .arg(tmp.path().join("%06d.png"))
        .status()
        .map_err(|e| NeuralError::data(video, format!("cannot run ffmpeg: {e}")))?;
    if !status.success() {
        return Err(NeuralError::data(
            video,
            format!("ffmpeg could not extract frames ({status})"),
        ));
    }
    let (seq, _) = openpose::load_folder(keypoints, fps, &OpenPoseConfig::default())
        .map_err(|e| NeuralError::data(keypoints, e.to_string()))?;
    let pairs = pictures(tmp.path())?
        .into_iter()
        .map(|(_, p)| p)
        .zip(seq.frames)
        .collect();
    let mut data = build(tmp.path(), pairs, size)?;
    data.source = video.to_owned();
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;
    use crate::render::avatar::{AvatarRenderer, CharacterAvatar};
    use crate::render::character::CharacterStyle;

    /// Three pictures of the character with a `skeleton.json`, plus one corrupt picture.
    #[test]
    fn a_frame_folder_with_a_skeleton_pairs_pictures_and_skips_a_corrupt_one() {
        let dir = tempfile::tempdir().unwrap();
        let rest = BodyModel::default().rest_pose();
        let poses: Vec<Pose> = (0..4)
            .map(|k| {
                rest.translated(crate::choreography::skeleton::Vec3::new(
                    0.05 * k as f64,
                    0.0,
                    0.0,
                ))
            })
            .collect();
        let mut avatar = CharacterAvatar::new(CharacterStyle::default(), 64, 64).unwrap();
        let mut images = Vec::new();
        avatar.render(&poses, &mut images).unwrap();
        for (k, img) in images.iter().enumerate().take(3) {
            let buf = image::RgbImage::from_raw(64, 64, img.as_bytes().to_vec()).unwrap();
            buf.save(dir.path().join(format!("{k:03}.png"))).unwrap();
        }
        std::fs::write(dir.path().join("003.png"), b"\x89PNG not really").unwrap();
        let seq = SkeletonSequence::new(30.0, poses);
        std::fs::write(
            dir.path().join("skeleton.json"),
            seq.to_json_bytes().unwrap(),
        )
        .unwrap();

        let data = load_frame_folder(dir.path(), [64, 64], 30.0).unwrap();
        assert_eq!((data.frames.len(), data.skipped), (3, 1));
        assert_eq!((data.width, data.height), (64, 64));
        for (frame, img) in data.frames.iter().zip(&images) {
            assert_eq!(
                frame.image,
                img.as_bytes(),
                "pictures of the right size are kept as is"
            );
            let limbs = frame.label.iter().filter(|&&c| c > 0).count();
            assert!(limbs > 50, "only {limbs} limb pixels in the label map");
        }
        assert_ne!(
            data.frames[0].label, data.frames[2].label,
            "labels follow the poses"
        );
    }

    #[test]
    fn a_folder_without_pictures_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_frame_folder(dir.path(), [64, 64], 30.0)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no NNN.png"), "{err}");
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }
}
