//! The scale drivers against a simulated scale on a pseudo-terminal: a real serial line,
//! whose other end a thread answers as a Toledo 8217 or an MT-SICS scale would.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sellsync_scale::{
    weigh, Protocol, Reading, Scale, ScaleError, SerialScale, SerialSettings, Weight, WeightUnit,
};
use serialport::{SerialPort, TTYPort};

/// What lies on the simulated scale, and how it behaves.
#[derive(Debug, Clone, Default)]
struct State {
    /// The weight shown, in grams.
    grams: i64,
    /// How many more weight requests find it moving.
    moving_for: u32,
    over_capacity: bool,
    /// Never answers.
    silent: bool,
    /// Closes the line when the next command comes.
    unplug: bool,
    /// The simulation ends.
    stop: bool,
    /// Commands received, in order.
    heard: Vec<String>,
}

struct SimulatedScale {
    state: Arc<Mutex<State>>,
    port: String,
    // The slave end stays open while the scale is simulated, as a device node would.
    _slave: TTYPort,
    thread: Option<JoinHandle<()>>,
}

impl SimulatedScale {
    fn start(protocol: Protocol, state: State) -> SimulatedScale {
        let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal");
        let port = slave.name().expect("the pseudo-terminal's name");
        master.set_timeout(Duration::from_millis(50)).unwrap();
        let state = Arc::new(Mutex::new(state));
        let shared = Arc::clone(&state);
        let thread = thread::spawn(move || serve(protocol, &mut master, &shared));
        SimulatedScale {
            state,
            port,
            _slave: slave,
            thread: Some(thread),
        }
    }

    fn set(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.state.lock().unwrap());
    }

    fn heard(&self) -> Vec<String> {
        self.state.lock().unwrap().heard.clone()
    }

    fn driver(&self, protocol: Protocol, timeout: Duration) -> SerialScale {
        SerialScale::open(SerialSettings {
            port: self.port.clone(),
            protocol,
            baud: 9600,
            unit: WeightUnit::Kg,
            timeout,
        })
        .expect("the simulated scale's port opens")
    }
}

impl Drop for SimulatedScale {
    fn drop(&mut self) {
        self.set(|s| s.stop = true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Even parity in bit 7, as a Toledo scale sends its 7-bit characters.
fn with_parity(b: u8) -> u8 {
    if b.count_ones() % 2 == 1 {
        b | 0x80
    } else {
        b
    }
}

/// Answers commands until the line is unplugged.
fn serve(protocol: Protocol, master: &mut TTYPort, state: &Mutex<State>) {
    let mut pending = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if state.lock().unwrap().stop {
            return;
        }
        match master.read(&mut byte) {
            Ok(1) => pending.push(byte[0]),
            _ => continue,
        }
        let command = match protocol {
            // Single letters.
            Protocol::Toledo8217 => String::from_utf8_lossy(&pending).trim().to_owned(),
            Protocol::MtSics if pending.ends_with(b"\r\n") => {
                String::from_utf8_lossy(&pending[..pending.len() - 2]).into_owned()
            }
            Protocol::MtSics => continue,
        };
        pending.clear();
        if command.is_empty() {
            continue;
        }
        let mut s = state.lock().unwrap();
        s.heard.push(command.clone());
        if s.unplug {
            return; // the master end drops: the line is gone mid-exchange
        }
        if s.silent {
            continue;
        }
        let reply = match protocol {
            Protocol::Toledo8217 => toledo_reply(&command, &mut s),
            Protocol::MtSics => sics_reply(&command, &mut s),
        };
        drop(s);
        master.write_all(&reply).unwrap();
        master.flush().unwrap();
    }
}

fn toledo_reply(command: &str, s: &mut State) -> Vec<u8> {
    let moving = s.moving_for > 0;
    let status1 = 0x30 | u8::from(moving) | (u8::from(s.grams == 0) << 1);
    let status2 = 0x30 | u8::from(s.grams < 0) | (u8::from(s.over_capacity) << 1);
    let framed = |body: Vec<u8>| {
        let mut reply = vec![with_parity(0x02)];
        reply.extend(body.into_iter().map(with_parity));
        reply.push(with_parity(b'\r'));
        reply
    };
    match command {
        "W" => {
            if moving {
                s.moving_for -= 1;
            }
            if moving || s.grams <= 0 || s.over_capacity {
                framed(vec![b'?', status1])
            } else {
                framed(format!("{:02}.{:03}", s.grams / 1000, s.grams % 1000).into_bytes())
            }
        }
        "S" => framed(vec![b'?', status1, status2]),
        "Z" => {
            if !moving && !s.over_capacity {
                s.grams = 0;
            }
            let status1 = 0x30 | u8::from(moving) | (u8::from(s.grams == 0) << 1);
            framed(vec![b'?', status1])
        }
        _ => framed(vec![b'?', 0x30]),
    }
}

fn sics_reply(command: &str, s: &mut State) -> Vec<u8> {
    let line = match command {
        "SI" if s.over_capacity => "S +".to_owned(),
        "SI" if s.grams < 0 => "S -".to_owned(),
        "SI" => {
            let moving = s.moving_for > 0;
            if moving {
                s.moving_for -= 1;
            }
            let kg = format!("{}.{:03}", s.grams / 1000, s.grams % 1000);
            format!("S {} {kg:>10} kg", if moving { "D" } else { "S" })
        }
        "Z" if s.moving_for > 0 => "Z I".to_owned(),
        "Z" => {
            s.grams = 0;
            "Z A".to_owned()
        }
        _ => "ES".to_owned(),
    };
    format!("{line}\r\n").into_bytes()
}

const SETTLE: Duration = Duration::from_secs(3);
const TIMEOUT: Duration = Duration::from_millis(500);

fn kg(grams: i64) -> Weight {
    Weight {
        thousandths: grams,
        unit: WeightUnit::Kg,
    }
}

#[test]
fn toledo_a_settled_weight_is_read() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            grams: 742,
            ..State::default()
        },
    );
    let mut driver = scale.driver(Protocol::Toledo8217, TIMEOUT);
    assert_eq!(weigh(&mut driver, SETTLE).unwrap(), kg(742));
    assert_eq!(scale.heard(), ["W"]);
}

#[test]
fn toledo_a_moving_weight_is_waited_for_then_refused_if_it_never_settles() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            grams: 1234,
            moving_for: 3,
            ..State::default()
        },
    );
    let mut driver = scale.driver(Protocol::Toledo8217, TIMEOUT);
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
    let mut driver = scale.driver(Protocol::Toledo8217, TIMEOUT);
    let empty = weigh(&mut driver, SETTLE).unwrap_err();
    assert!(matches!(empty, ScaleError::Empty), "{empty:?}");
    assert_eq!(scale.heard(), ["W", "S"], "the full status says why");

    scale.set(|s| {
        s.grams = 40_000;
        s.over_capacity = true;
    });
    assert!(matches!(
        weigh(&mut driver, SETTLE),
        Err(ScaleError::OverCapacity)
    ));
    scale.set(|s| {
        s.grams = -15;
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
            grams: 12,
            ..State::default()
        },
    );
    let mut driver = scale.driver(Protocol::Toledo8217, TIMEOUT);
    driver.zero().unwrap();
    assert!(matches!(weigh(&mut driver, SETTLE), Err(ScaleError::Empty)));
    scale.set(|s| {
        s.grams = 500;
        s.moving_for = 10;
    });
    assert!(matches!(driver.zero(), Err(ScaleError::NotZeroed)));
}

#[test]
fn a_scale_unplugged_mid_read_or_silent_is_no_answer_within_the_timeout() {
    let scale = SimulatedScale::start(
        Protocol::Toledo8217,
        State {
            grams: 742,
            silent: true,
            ..State::default()
        },
    );
    let mut driver = scale.driver(Protocol::Toledo8217, TIMEOUT);
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
            grams: 2345,
            moving_for: 2,
            ..State::default()
        },
    );
    let mut driver = scale.driver(Protocol::MtSics, TIMEOUT);
    assert_eq!(weigh(&mut driver, SETTLE).unwrap(), kg(2345));
    assert_eq!(scale.heard(), ["SI", "SI", "SI"]);

    scale.set(|s| s.over_capacity = true);
    assert!(matches!(driver.read(), Err(ScaleError::OverCapacity)));
    scale.set(|s| {
        s.over_capacity = false;
        s.grams = -3;
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
            grams: 742,
            ..State::default()
        },
    );
    let mut driver = scale.driver(Protocol::MtSics, TIMEOUT);
    let refused = driver.read().unwrap_err();
    assert!(matches!(refused, ScaleError::Garbled { .. }), "{refused:?}");
    assert!(refused
        .to_string()
        .contains("check that the protocol in the settings is the scale's"));
}
