//! A scale simulated on a pseudo-terminal, for tests: the far end of a real serial line,
//! answered from a thread as a Toledo 8217 or an MT-SICS scale answers. Shared by the
//! scale's tests and the command line's (`#[path]`); never part of the till.
#![allow(dead_code)] // each test file uses its own share

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serialport::{SerialPort, TTYPort};

use sellsync_scale::Protocol;

/// What lies on the simulated scale, and how it behaves.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The weight shown, in thousandths of the scale's unit (grams on a kg scale).
    pub thousandths: i64,
    /// How many more weight requests find it moving.
    pub moving_for: u32,
    pub over_capacity: bool,
    /// Never answers.
    pub silent: bool,
    /// Closes the line when the next command comes.
    pub unplug: bool,
    /// Commands received, in order.
    pub heard: Vec<String>,
}

/// A simulated scale on a pseudo-terminal; the line closes when it is dropped.
pub struct SimulatedScale {
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    port: String,
    // The device end stays open while the scale is simulated, as a device node would.
    _device: TTYPort,
    thread: Option<JoinHandle<()>>,
}

impl SimulatedScale {
    /// Starts a scale speaking `protocol`, as `state` says.
    pub fn start(protocol: Protocol, state: State) -> SimulatedScale {
        let (mut line, device) = TTYPort::pair().expect("a pseudo-terminal");
        let port = device.name().expect("the pseudo-terminal's name");
        line.set_timeout(Duration::from_millis(50))
            .expect("a timeout");
        let state = Arc::new(Mutex::new(state));
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stopped) = (Arc::clone(&state), Arc::clone(&stop));
        let thread = thread::spawn(move || serve(protocol, &mut line, &shared, &stopped));
        SimulatedScale {
            state,
            stop,
            port,
            _device: device,
            thread: Some(thread),
        }
    }

    /// The serial port to open, as a till's settings name it.
    pub fn port(&self) -> &str {
        &self.port
    }

    /// Changes what lies on the scale, or how it behaves.
    pub fn set(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.state.lock().expect("the scale's state"));
    }

    /// The commands it received, in order.
    pub fn heard(&self) -> Vec<String> {
        self.state.lock().expect("the scale's state").heard.clone()
    }
}

impl Drop for SimulatedScale {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
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

/// Answers commands until stopped or unplugged.
fn serve(protocol: Protocol, line: &mut TTYPort, state: &Mutex<State>, stop: &AtomicBool) {
    let mut pending = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        match line.read(&mut byte) {
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
        let mut s = state.lock().expect("the scale's state");
        s.heard.push(command.clone());
        if s.unplug {
            return; // the line end drops: the line is gone mid-exchange
        }
        if s.silent {
            continue;
        }
        let reply = match protocol {
            Protocol::Toledo8217 => toledo_reply(&command, &mut s),
            Protocol::MtSics => sics_reply(&command, &mut s),
        };
        drop(s);
        if line.write_all(&reply).and_then(|()| line.flush()).is_err() {
            return;
        }
    }
}

fn toledo_reply(command: &str, s: &mut State) -> Vec<u8> {
    let moving = s.moving_for > 0;
    let status1 = 0x30 | u8::from(moving) | (u8::from(s.thousandths == 0) << 1);
    let status2 = 0x30 | u8::from(s.thousandths < 0) | (u8::from(s.over_capacity) << 1);
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
            if moving || s.thousandths <= 0 || s.over_capacity {
                framed(vec![b'?', status1])
            } else {
                framed(
                    format!("{:02}.{:03}", s.thousandths / 1000, s.thousandths % 1000).into_bytes(),
                )
            }
        }
        "S" => framed(vec![b'?', status1, status2]),
        "Z" => {
            if !moving && !s.over_capacity {
                s.thousandths = 0;
            }
            let status1 = 0x30 | u8::from(moving) | (u8::from(s.thousandths == 0) << 1);
            framed(vec![b'?', status1])
        }
        _ => framed(vec![b'?', 0x30]),
    }
}

fn sics_reply(command: &str, s: &mut State) -> Vec<u8> {
    let line = match command {
        "SI" if s.over_capacity => "S +".to_owned(),
        "SI" if s.thousandths < 0 => "S -".to_owned(),
        "SI" => {
            let moving = s.moving_for > 0;
            if moving {
                s.moving_for -= 1;
            }
            let kg = format!("{}.{:03}", s.thousandths / 1000, s.thousandths % 1000);
            format!("S {} {kg:>10} kg", if moving { "D" } else { "S" })
        }
        "Z" if s.moving_for > 0 => "Z I".to_owned(),
        "Z" => {
            s.thousandths = 0;
            "Z A".to_owned()
        }
        _ => "ES".to_owned(),
    };
    format!("{line}\r\n").into_bytes()
}
