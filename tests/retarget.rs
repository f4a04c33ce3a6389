//! Retargeting end to end: round trips through the robot's own kinematics, 2D input,
//! adversarial input, map errors, and the CLI. The `full` lower-body mode and keypoint holds
//! are tested next to their code (`retarget::full_body`, `retarget::frame`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use dancebot::choreography::{BodyModel, Joint, Pose, SkeletonSequence, Vec3};
use dancebot::retarget::roundtrip::{random_dofs, random_walk, skeletons, solved_dofs};
use dancebot::retarget::segments::{angle_between, dancer_direction};
use dancebot::retarget::{
    evaluate, retarget_sequence, RetargetOptions, Retargeter, RobotMap, Segment,
};
use dancebot::robot::RobotModel;
use proptest::prelude::*;
use rand::SeedableRng;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn humanoid_urdf() -> PathBuf {
    root().join("urdf/dancebot_humanoid.urdf")
}

fn humanoid_map_path() -> PathBuf {
    root().join("config/robots/dancebot_humanoid.yaml")
}

fn humanoid_with(edit: impl FnOnce(&mut RobotMap)) -> Retargeter {
    let model = RobotModel::load(&humanoid_urdf()).unwrap();
    let mut map = RobotMap::load(&humanoid_map_path()).unwrap();
    edit(&mut map);
    Retargeter::new(model, map).unwrap()
}

fn humanoid() -> Retargeter {
    humanoid_with(|_| {})
}

/// Largest direction error of every shown segment over a sequence, degrees.
fn worst_errors(r: &Retargeter, poses: Vec<Pose>) -> Vec<(&'static str, f64)> {
    let seq = SkeletonSequence::new(30.0, poses);
    let (_, report) = retarget_sequence(&seq, r, &RetargetOptions::default());
    report
        .error_deg
        .iter()
        .map(|(k, e)| (*k, e.max_deg))
        .collect()
}

#[test]
fn poses_of_the_robots_own_kinematics_are_recovered_within_2_degrees() {
    let r = humanoid();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let dofs = solved_dofs(&r);
    assert_eq!(dofs.len(), 11, "waist, head 2, arms 2 × 4");
    // Independent poses: every frame a teleport from the last.
    let cold: Vec<Vec<f64>> = (0..300)
        .map(|_| random_dofs(&r, &dofs, &mut rng, 200).unwrap())
        .collect();
    // A smooth dance over the whole joint ranges.
    let smooth = random_walk(&r, &dofs, &mut rng, 300, 30.0);
    for configs in [cold, smooth] {
        let errors = worst_errors(&r, skeletons(&r, &configs));
        assert_eq!(errors.len(), 8, "{errors:?}");
        for (segment, max_deg) in errors {
            assert!(max_deg < 2.0, "{segment}: {max_deg}°");
        }
    }
}

#[test]
fn the_limit_set_is_the_urdfs_overridden_by_the_map() {
    let model = RobotModel::load(&humanoid_urdf()).unwrap();
    let mut map = RobotMap::load(&humanoid_map_path()).unwrap();
    map.limits
        .joints
        .entry("l_elbow".into())
        .or_default()
        .upper_rad = Some(-0.1);
    let set = map.limit_set(&model).unwrap();
    let r = Retargeter::new(model, map).unwrap();
    assert_eq!(set.names(), r.commanded_names().as_slice());
    assert_eq!(set.len(), 23, "every joint but the wrists");
    let elbow = set.names().iter().position(|n| n == "l_elbow").unwrap();
    let l = set.limits()[elbow];
    assert_eq!((l.lower_rad, l.upper_rad), (-2.4, -0.1));
    assert_eq!(l.max_velocity_rad_per_s, 7.0);
    assert_eq!(l.max_acceleration_rad_per_s2, 60.0, "the map's arm value");
    let knee = set.names().iter().position(|n| n == "l_knee").unwrap();
    assert_eq!(
        set.limits()[knee].max_acceleration_rad_per_s2,
        30.0,
        "the map's default"
    );
    let waist = set.names().iter().position(|n| n == "waist_yaw").unwrap();
    assert_eq!(set.limits()[waist].max_acceleration_rad_per_s2, 8.0);
}

/// The rest pose with the right arm raised `angle_rad` forward from hanging, elbow straight.
fn arm_forward(angle_rad: f64) -> Pose {
    let mut p = BodyModel::default().rest_pose();
    let s = p.get(Joint::RShoulder);
    let dir = Vec3::new(0.0, -angle_rad.cos(), angle_rad.sin());
    p.set(Joint::RElbow, s + dir * 0.29);
    p.set(Joint::RWrist, s + dir * 0.55);
    p
}

#[test]
fn planar_input_is_lifted_forward() {
    let r = humanoid();
    let truth = arm_forward(1.0);
    let mut flat = truth;
    for q in &mut flat.points {
        q.z = 0.0;
    }
    let seq = SkeletonSequence::new(30.0, vec![flat; 3]);
    let (traj, report) = retarget_sequence(&seq, &r, &RetargetOptions::default());
    assert!(report.lifted_2d);
    let mut q = r.home().to_vec();
    for (name, v) in traj.joint_names.iter().zip(&traj.positions_rad[2]) {
        q[r.model().dof_index(name).unwrap()] = *v;
    }
    let shown = skeletons(&r, &[q])[0];
    let rfd = r.robot_from_dancer();
    let got = dancer_direction(&shown, Segment::UpperArmRight, rfd).unwrap();
    let want = dancer_direction(&truth, Segment::UpperArmRight, rfd).unwrap();
    // The lift restores depth from the body's bone lengths; the fitted body is a little off.
    assert!(
        angle_between(&got, &want).to_degrees() < 8.0,
        "{got} vs {want}"
    );
    assert!(got.x > 0.5, "reaches forward: {got}");
}

/// Adversarial frames: NaN, infinite, huge and wild keypoints, and teleports.
fn wild_pose() -> impl Strategy<Value = Pose> {
    let value = prop_oneof![
        4 => -2.0..2.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => prop_oneof![Just(1e300), Just(-1e300), Just(1e6)],
    ];
    let keep = prop::collection::vec(prop::bool::weighted(0.6), 18);
    let values = prop::collection::vec([value.clone(), value.clone(), value], 18);
    let offset = [-3.0..3.0f64, -3.0..3.0f64, -3.0..3.0f64];
    (keep, values, offset).prop_map(|(keep, values, [ox, oy, oz])| {
        let mut p = BodyModel::default()
            .rest_pose()
            .translated(Vec3::new(ox, oy, oz));
        for (k, (keep, v)) in keep.iter().zip(values).enumerate() {
            if !keep {
                p.points[k] = Vec3::new(v[0], v[1], v[2]);
            }
        }
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn wild_input_never_leaves_the_limits_or_collides(frames in prop::collection::vec(wild_pose(), 1..10)) {
        let r = humanoid();
        let seq = SkeletonSequence::new(30.0, frames);
        let (traj, _) = retarget_sequence(&seq, &r, &RetargetOptions::default());
        prop_assert!(traj.check().is_ok(), "{:?}", traj.check());
        let eval = evaluate(&r, &traj, None).unwrap();
        prop_assert_eq!(eval.non_finite_values, 0);
        prop_assert_eq!(eval.limit_violations.position, 0);
        prop_assert_eq!(eval.collisions, 0);
    }
}

fn map_error(map_text: &str, urdf: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let map_path = dir.path().join("robot.yaml");
    std::fs::write(&map_path, map_text).unwrap();
    let map = match RobotMap::load(&map_path) {
        Ok(m) => m,
        Err(e) => return e.to_string(),
    };
    let model = RobotModel::parse(urdf, Path::new("robot.urdf")).unwrap();
    Retargeter::new(model, map).unwrap_err().to_string()
}

fn humanoid_texts() -> (String, String) {
    (
        std::fs::read_to_string(humanoid_map_path()).unwrap(),
        std::fs::read_to_string(humanoid_urdf()).unwrap(),
    )
}

#[test]
fn malformed_maps_name_the_file_and_the_field() {
    let (map, urdf) = humanoid_texts();
    let cases = [
        (
            map.replace("lower_body: fixed", "lower_bdy: fixed"),
            "unknown field",
        ),
        (
            map.replace("lower_body: fixed", "lower_body: seated"),
            "unknown variant",
        ),
        (
            map.replace(
                "head: {joints: [head_yaw, head_pitch]}",
                "head: {joints: [head_yaw, head_pitch], weight: -1}",
            ),
            "`parts.head.weight`",
        ),
        (
            map.replace("margin_m: 0.04", "margin_m: -0.04"),
            "self_collision.margin_m",
        ),
        (
            map.replace(
                "[[0, 0, 1], [1, 0, 0], [0, 1, 0]]",
                "[[0, 0, 1], [1, 0, 0], [1, 0, 0]]",
            ),
            "robot_from_dancer",
        ),
        (
            map.replace("  l_knee: 0.2\n", "  l_knee: 3.0\n"),
            "`home_rad.l_knee`",
        ),
        (
            map.replace("l_elbow: {link: l_forearm}", "l_elbow: {link: l_forearm"),
            "invalid config",
        ),
    ];
    for (text, want) in cases {
        let err = map_error(&text, &urdf);
        assert!(
            err.contains("robot.yaml") && err.contains(want),
            "want {want:?} in: {err}"
        );
    }
}

#[test]
fn a_joint_the_urdf_lacks_or_on_the_wrong_side_is_named() {
    let (map, urdf) = humanoid_texts();
    let typo = map.replace(
        "joints: [l_shoulder_pitch, l_shoulder_roll]",
        "joints: [l_shoulder_pitch, l_sholder_roll]",
    );
    let err = map_error(&typo, &urdf);
    assert!(
        err.contains("robot.yaml")
            && err.contains("parts.upper_arm_left.joints[1]")
            && err.contains("\"l_sholder_roll\" is not in the URDF"),
        "{err}"
    );
    let swapped = map.replace(
        "joints: [l_shoulder_pitch, l_shoulder_roll]",
        "joints: [l_shoulder_pitch, r_wrist_yaw]",
    );
    let err = map_error(&swapped, &urdf);
    assert!(err.contains("does not move landmark l_elbow"), "{err}");
}

/// A robot of two legs and a torso.
const LEGS_ONLY: &str = r#"<robot name="legs">
  <link name="pelvis"/><link name="l_thigh"/><link name="l_shin"/><link name="r_thigh"/><link name="r_shin"/>
  <joint name="l_hip" type="revolute"><parent link="pelvis"/><child link="l_thigh"/><origin xyz="0 0.1 0"/><axis xyz="0 1 0"/><limit lower="-1" upper="1" velocity="5" effort="1"/></joint>
  <joint name="l_knee" type="revolute"><parent link="l_thigh"/><child link="l_shin"/><origin xyz="0 0 -0.3"/><axis xyz="0 1 0"/><limit lower="0" upper="2" velocity="5" effort="1"/></joint>
  <joint name="r_hip" type="revolute"><parent link="pelvis"/><child link="r_thigh"/><origin xyz="0 -0.1 0"/><axis xyz="0 1 0"/><limit lower="-1" upper="1" velocity="5" effort="1"/></joint>
  <joint name="r_knee" type="revolute"><parent link="r_thigh"/><child link="r_shin"/><origin xyz="0 0 -0.3"/><axis xyz="0 1 0"/><limit lower="0" upper="2" velocity="5" effort="1"/></joint>
</robot>"#;

#[test]
fn a_robot_without_arms_is_refused() {
    let (map, _) = humanoid_texts();
    let err = map_error(&map.replace("robot: dancebot_humanoid", ""), LEGS_ONLY);
    assert!(
        err.contains("robot.yaml") && err.contains("is not in the URDF"),
        "{err}"
    );
    let legs_map = "robot: legs\nlandmarks:\n  l_hip: {link: l_thigh}\n  l_knee: {link: l_shin}\nparts:\n  thigh_left: {joints: [l_hip]}\n";
    let err = map_error(legs_map, LEGS_ONLY);
    assert!(
        err.contains("robot.yaml") && err.contains("moves no arm"),
        "{err}"
    );
}

/// Two seconds of a dance of the reference body: arm waves and a nod.
fn small_dance() -> SkeletonSequence {
    let frames = (0..60)
        .map(|k| {
            let t = k as f64 / 30.0;
            let mut p = arm_forward(1.2 * (1.0 - (t * 3.0).cos()));
            let s = p.get(Joint::LShoulder);
            let a = 1.5 * (t * 2.0).sin().abs();
            p.set(Joint::LElbow, s + Vec3::new(a.sin(), -a.cos(), 0.0) * 0.29);
            p.set(Joint::LWrist, s + Vec3::new(a.sin(), -a.cos(), 0.0) * 0.55);
            p
        })
        .collect();
    SkeletonSequence::new(30.0, frames)
}

#[test]
fn the_cli_retargets_and_evaluates_a_skeleton_file() {
    let dir = tempfile::tempdir().unwrap();
    let skeleton = dir.path().join("skeleton.json");
    std::fs::write(&skeleton, small_dance().to_json_bytes().unwrap()).unwrap();
    let out = dir.path().join("trajectory.json");
    let bin = env!("CARGO_BIN_EXE_dancebot");
    let urdf = humanoid_urdf();
    let map = humanoid_map_path();
    let run = std::process::Command::new(bin)
        .args([
            "retarget".as_ref(),
            skeleton.as_os_str(),
            "--robot".as_ref(),
            urdf.as_os_str(),
        ])
        .args([
            "--mapping".as_ref(),
            map.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("retargeted 60 frames onto dancebot_humanoid"),
        "{stdout}"
    );
    let traj = dancebot::retarget::JointTrajectory::load(&out).unwrap();
    assert_eq!((traj.len(), traj.joint_names.len()), (60, 23));
    assert!((traj.times_secs[30] - 1.0).abs() < 1e-12);

    let json = dir.path().join("eval.json");
    let run = std::process::Command::new(bin)
        .args([
            "eval".as_ref(),
            "robot".as_ref(),
            out.as_os_str(),
            "--robot".as_ref(),
            urdf.as_os_str(),
        ])
        .args([
            "--mapping".as_ref(),
            map.as_os_str(),
            "--skeleton".as_ref(),
            skeleton.as_os_str(),
        ])
        .args(["--json".as_ref(), json.as_os_str()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("self-collisions: 0"), "{stdout}");
    let eval: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(eval["limit_violations"]["position"], 0);
    assert_eq!(eval["collisions"], 0);
    // Arms hanging straight down would put the hands into the thighs: those frames are held
    // a few degrees out; everything else follows.
    let arm = &eval["direction_error_deg"]["upper_arm_right"];
    let (mean, max) = (
        arm["mean_deg"].as_f64().unwrap(),
        arm["max_deg"].as_f64().unwrap(),
    );
    assert!(
        mean < 1.5 && max < 10.0,
        "right upper arm off by {mean}° / {max}°: {eval}"
    );
}
