//! Property tests of the safety layer: whatever it is fed, what it sends stays within the
//! position, velocity and acceleration limits and is never NaN.

use dancebot::safety::{JointLimit, LimitSet, SafetyConfig, SafetyLayer, SafetyState};
use proptest::prelude::*;

fn wild_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -4.0f64..4.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => prop_oneof![Just(1e300), Just(-1e300), Just(f64::MAX), Just(f64::MIN_POSITIVE)],
    ]
}

#[derive(Debug, Clone)]
enum Event {
    Command(Vec<f64>),
    Moving(Vec<f64>, Vec<f64>),
    Tick(f64),
    Silence(f64),
    EStop,
    Enable(Vec<f64>),
    Disable,
}

fn event(n: usize) -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => prop::collection::vec(wild_value(), n).prop_map(Event::Command),
        4 => (prop::collection::vec(wild_value(), n), prop::collection::vec(wild_value(), n))
            .prop_map(|(p, v)| Event::Moving(p, v)),
        8 => (0.0f64..0.05).prop_map(Event::Tick),
        1 => (0.0f64..2.0).prop_map(Event::Silence),
        1 => Just(Event::EStop),
        1 => prop::collection::vec(-3.0f64..3.0, n).prop_map(Event::Enable),
        1 => Just(Event::Disable),
    ]
}

fn limits() -> impl Strategy<Value = Vec<JointLimit>> {
    prop::collection::vec(
        (-3.0f64..0.0, 0.05f64..3.0, 0.1f64..10.0, 0.5f64..100.0).prop_map(|(lo, span, v, a)| {
            JointLimit {
                lower_rad: lo,
                upper_rad: lo + span,
                max_velocity_rad_per_s: v,
                max_acceleration_rad_per_s2: a,
                max_jerk_rad_per_s3: 10.0 * a,
            }
        }),
        3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn output_never_leaves_the_limits(lims in limits(), events in prop::collection::vec(event(3), 1..300)) {
        let names = (0..3).map(|i| format!("j{i}")).collect();
        let set = LimitSet::new(names, lims.clone()).unwrap();
        let home = set.mid_positions();
        let cfg = SafetyConfig::default();
        let period = 1.0 / cfg.control_rate_hz;
        let mut layer = SafetyLayer::new(set, cfg, home.clone()).unwrap();
        layer.enable(&home, 0.0).unwrap();
        let mut now = 0.0;
        let mut prev_v: Option<Vec<f64>> = None;
        for e in events {
            match e {
                Event::Command(c) => { let _ = layer.command(&c, now).unwrap(); }
                Event::Moving(p, v) => { let _ = layer.command_moving(&p, Some(&v), now).unwrap(); }
                Event::Silence(s) => now += s,
                Event::EStop => { layer.estop(now); prev_v = None; }
                Event::Enable(m) => {
                    // Positions outside the limits must be refused, inside accepted.
                    if layer.enable(&m, now).is_ok() { prev_v = None; }
                }
                Event::Disable => layer.disable(now),
                Event::Tick(dt) => {
                    now += dt;
                    let dt_eff = period;
                    let Some(cmd) = layer.tick(now) else { prev_v = None; continue };
                    for (i, l) in lims.iter().enumerate() {
                        let q = cmd.positions_rad[i];
                        let v = cmd.velocities_rad_per_s[i];
                        prop_assert!(q.is_finite() && v.is_finite());
                        prop_assert!(q >= l.lower_rad && q <= l.upper_rad, "q {q} outside {l:?}");
                        prop_assert!(v.abs() <= l.max_velocity_rad_per_s * (1.0 + 1e-9), "v {v} > {l:?}");
                        if let Some(pv) = &prev_v {
                            let dv = (v - pv[i]).abs();
                            prop_assert!(dv <= l.max_acceleration_rad_per_s2 * dt_eff * (1.0 + 1e-9) + 1e-12,
                                "dv {dv} over {dt_eff} s > {l:?}");
                        }
                    }
                    prev_v = if cmd.state == SafetyState::EStopped { None } else { Some(cmd.velocities_rad_per_s.to_vec()) };
                }
            }
        }
    }
}

#[allow(clippy::unwrap_used)]
fn two_joints() -> SafetyLayer {
    let lim = JointLimit {
        lower_rad: -1.0,
        upper_rad: 1.0,
        max_velocity_rad_per_s: 2.0,
        max_acceleration_rad_per_s2: 20.0,
        max_jerk_rad_per_s3: 200.0,
    };
    let set = LimitSet::new(vec!["a".into(), "b".into()], vec![lim; 2]).unwrap();
    SafetyLayer::new(set, SafetyConfig::default(), vec![0.0, 0.0]).unwrap()
}

#[test]
fn estop_freezes_within_one_tick() {
    let mut s = two_joints();
    s.enable(&[0.0, 0.0], 0.0).unwrap();
    let mut t = 0.0;
    for _ in 0..300 {
        t += 0.01;
        s.command(&[0.9, -0.9], t).unwrap();
        s.tick(t);
    }
    s.command(&[-0.9, 0.9], t).unwrap();
    let moving = s.tick(t + 0.01).unwrap().positions_rad.to_vec();
    s.estop(t + 0.015);
    let frozen = s.tick(t + 0.02).unwrap();
    assert_eq!(frozen.state, SafetyState::EStopped);
    assert_eq!(frozen.positions_rad, moving.as_slice());
    assert!(frozen.velocities_rad_per_s.iter().all(|v| *v == 0.0));
    assert!(!s.command(&[0.0, 0.0], t + 0.03).unwrap());
}

#[test]
fn watchdog_holds_then_homes_and_a_fresh_command_resumes() {
    let mut s = two_joints();
    s.enable(&[0.5, 0.5], 0.0).unwrap();
    s.command(&[0.5, 0.5], 0.0).unwrap();
    let mut t = 0.0;
    while t < 0.3 {
        t += 0.01;
        s.tick(t);
    }
    assert_eq!(s.state(), SafetyState::Holding);
    while t < 4.0 {
        t += 0.01;
        s.tick(t);
    }
    assert_eq!(s.state(), SafetyState::Homing);
    let at = s.tick(t + 0.01).unwrap().positions_rad.to_vec();
    assert!(at.iter().all(|q| q.abs() < 1e-3), "{at:?}");
    s.command(&[0.2, 0.2], t + 0.02).unwrap();
    assert_eq!(s.state(), SafetyState::Active);
}

#[test]
fn bad_enable_and_wrong_lengths_are_refused_with_the_joint_named() {
    let mut s = two_joints();
    let e = s.enable(&[0.0, 3.0], 0.0).unwrap_err().to_string();
    assert!(e.contains(" b ") && e.contains("outside"), "{e}");
    assert!(s.enable(&[0.0, f64::NAN], 0.0).is_err());
    s.enable(&[0.0, 0.0], 0.0).unwrap();
    assert!(s.command(&[0.0], 0.0).is_err());
    s.disable(0.1);
    let mut t = 0.1;
    while s.tick(t).is_some() {
        t += 0.01;
        assert!(t < 10.0, "soft stop never finished");
    }
    assert_eq!(s.state(), SafetyState::Disabled);
}
