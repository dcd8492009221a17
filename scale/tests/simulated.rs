//! The scale drivers against a simulated scale on a pseudo-terminal: a real serial line,
//! whose other end a thread answers as a Toledo 8217 or an MT-SICS scale would
//! (`simulator/`).

mod simulator;

use std::time::{Duration, Instant};

use sellsync_scale::{
    weigh, Protocol, Reading, Scale, ScaleError, SerialScale, SerialSettings, Weight, WeightUnit,
};
use simulator::{SimulatedScale, State};

const SETTLE: Duration = Duration::from_secs(3);
const TIMEOUT: Duration = Duration::from_millis(500);

fn driver(scale: &SimulatedScale, protocol: Protocol, timeout: Duration) -> SerialScale {
    SerialScale::open(SerialSettings {
        port: scale.port().to_owned(),
        protocol,
        baud: 9600,
        unit: WeightUnit::Kg,
        timeout,
    })
    .expect("the simulated scale's port opens")
}

fn kg(thousandths: i64) -> Weight {
    Weight {
        thousandths,
        unit: WeightUnit::Kg,
    }
}

#[test]
fn toledo_a_settled_weight_is_read() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            thousandths: 742,
            ..State::default()
        },
    );
    let mut driver = driver(&scale, Protocol::Toledo8217, TIMEOUT);
    assert_eq!(weigh(&mut driver, SETTLE).unwrap(), kg(742));
    assert_eq!(scale.heard(), ["W"]);
}

#[test]
fn toledo_a_moving_weight_is_waited_for_then_refused_if_it_never_settles() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            thousandths: 1234,
            moving_for: 3,
            ..State::default()
        },
    );
    let mut driver = driver(&scale, Protocol::Toledo8217, TIMEOUT);
    assert_eq!(driver.read().unwrap(), Reading::Moving);
    assert_eq!(weigh(&mut driver, SETTLE).unwrap(), kg(1234));
    assert_eq!(
        scale.heard(),
        ["W", "W", "W", "W"],
        "asked again until it settled"
    );

    scale.set(|s| s.moving_for = 1000);
    let started = Instant::now();
    let refused = weigh(&mut driver, Duration::from_secs(1)).unwrap_err();
    assert!(matches!(refused, ScaleError::Moving), "{refused:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "bounded: {:?}",
        started.elapsed()
    );
    assert!(refused.to_string().contains("still moving"));
}

#[test]
fn toledo_an_empty_scale_an_overload_and_a_negative_weight_are_refused_in_words() {
    let scale = SimulatedScale::start(Protocol::Toledo8217, State::default());
    let mut driver = driver(&scale, Protocol::Toledo8217, TIMEOUT);
    let empty = weigh(&mut driver, SETTLE).unwrap_err();
    assert!(matches!(empty, ScaleError::Empty), "{empty:?}");
    assert_eq!(scale.heard(), ["W", "S"], "the full status says why");

    scale.set(|s| {
        s.thousandths = 40_000;
        s.over_capacity = true;
    });
    assert!(matches!(
        weigh(&mut driver, SETTLE),
        Err(ScaleError::OverCapacity)
    ));
    scale.set(|s| {
        s.thousandths = -15;
        s.over_capacity = false;
    });
    let under = weigh(&mut driver, SETTLE).unwrap_err();
    assert!(matches!(under, ScaleError::UnderZero), "{under:?}");
    assert_eq!(under.code(), "scale_under_zero");
}

#[test]
fn toledo_zeroing_is_confirmed_or_refused() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            thousandths: 12,
            ..State::default()
        },
    );
    let mut driver = driver(&scale, Protocol::Toledo8217, TIMEOUT);
    driver.zero().unwrap();
    assert!(matches!(weigh(&mut driver, SETTLE), Err(ScaleError::Empty)));
    scale.set(|s| {
        s.thousandths = 500;
        s.moving_for = 10;
    });
    assert!(matches!(driver.zero(), Err(ScaleError::NotZeroed)));
}

#[test]
fn a_scale_unplugged_mid_read_or_silent_is_no_answer_within_the_timeout() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            thousandths: 742,
            silent: true,
            ..State::default()
        },
    );
    let mut driver = driver(&scale, Protocol::Toledo8217, TIMEOUT);
    let started = Instant::now();
    let silent = driver.read().unwrap_err();
    assert!(matches!(silent, ScaleError::NoAnswer { .. }), "{silent:?}");
    assert!(started.elapsed() < TIMEOUT * 3, "{:?}", started.elapsed());
    assert!(silent.to_string().contains("does not answer"));

    scale.set(|s| {
        s.silent = false;
        s.unplug = true;
    });
    let started = Instant::now();
    let unplugged = driver.read().unwrap_err();
    assert!(
        matches!(unplugged, ScaleError::NoAnswer { .. }),
        "{unplugged:?}"
    );
    assert!(started.elapsed() < TIMEOUT * 3, "{:?}", started.elapsed());
}

#[test]
fn a_port_that_is_not_there_cannot_be_opened() {
    let refused = SerialScale::open(SerialSettings {
        port: "/dev/no-such-scale".into(),
        protocol: Protocol::Toledo8217,
        baud: 9600,
        unit: WeightUnit::Kg,
        timeout: TIMEOUT,
    })
    .err()
    .expect("refused");
    assert!(
        matches!(refused, ScaleError::Unreachable { .. }),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("/dev/no-such-scale"));
}

#[test]
fn mt_sics_weights_motion_limits_and_zero() {
    let scale = SimulatedScale::start(
        Protocol::MtSics,
        State {
            thousandths: 2345,
            moving_for: 2,
            ..State::default()
        },
    );
    let mut driver = driver(&scale, Protocol::MtSics, TIMEOUT);
    assert_eq!(weigh(&mut driver, SETTLE).unwrap(), kg(2345));
    assert_eq!(scale.heard(), ["SI", "SI", "SI"]);

    scale.set(|s| s.over_capacity = true);
    assert!(matches!(driver.read(), Err(ScaleError::OverCapacity)));
    scale.set(|s| {
        s.over_capacity = false;
        s.thousandths = -3;
    });
    assert!(matches!(
        weigh(&mut driver, SETTLE),
        Err(ScaleError::UnderZero)
    ));
    scale.set(|s| s.moving_for = 1);
    assert!(matches!(driver.zero(), Err(ScaleError::NotZeroed)));
    scale.set(|s| s.moving_for = 0);
    driver.zero().unwrap();
    assert!(matches!(weigh(&mut driver, SETTLE), Err(ScaleError::Empty)));
}

#[test]
fn a_scale_speaking_another_protocol_is_named_as_such() {
    // The settings say MT-SICS; the scale is a Toledo and answers `?` to what it does not know.
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            thousandths: 742,
            ..State::default()
        },
    );
    let mut driver = driver(&scale, Protocol::MtSics, TIMEOUT);
    let refused = driver.read().unwrap_err();
    assert!(matches!(refused, ScaleError::Garbled { .. }), "{refused:?}");
    assert!(refused
        .to_string()
        .contains("check that the protocol in the settings is the scale's"));
}
