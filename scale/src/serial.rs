//! A scale on a serial port: the port opened with its protocol's line settings, each
//! command written and its reply read up to the protocol's end of frame, within a timeout.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use serialport::{DataBits, Parity, SerialPort, StopBits};
use tracing::debug;

use crate::{sics, toledo, Protocol, Reading, Scale, ScaleError, Weight, WeightUnit};

/// Where the scale is and how it speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialSettings {
    /// The serial port (`/dev/ttyUSB0`).
    pub port: String,
    pub protocol: Protocol,
    pub baud: u32,
    /// The unit the scale weighs in, for protocols whose replies do not say.
    pub unit: WeightUnit,
    /// How long a reply may take.
    pub timeout: Duration,
}

/// A scale on a serial port.
pub struct SerialScale {
    settings: SerialSettings,
    port: Box<dyn SerialPort>,
}

const STX: u8 = 0x02;
const CR: u8 = b'\r';
const LF: u8 = b'\n';

impl SerialScale {
    /// Opens the port with the protocol's line settings (Toledo 8217: 7 data bits, even
    /// parity; MT-SICS: 8 data bits, no parity; one stop bit).
    pub fn open(settings: SerialSettings) -> Result<SerialScale, ScaleError> {
        let (data_bits, parity) = match settings.protocol {
            Protocol::Toledo8217 => (DataBits::Seven, Parity::Even),
            Protocol::MtSics => (DataBits::Eight, Parity::None),
        };
        let port = serialport::new(&settings.port, settings.baud)
            .data_bits(data_bits)
            .parity(parity)
            .stop_bits(StopBits::One)
            .timeout(settings.timeout)
            .open()
            .map_err(|e| ScaleError::Unreachable {
                port: settings.port.clone(),
                reason: e.description,
            })?;
        debug!(port = %settings.port, protocol = %settings.protocol, "scale opened");
        Ok(SerialScale { settings, port })
    }

    /// Writes `command` and reads the reply's frame: between STX and CR (Toledo), or the
    /// line before CR LF (MT-SICS); parity bits stripped.
    fn ask(&mut self, command: &[u8]) -> Result<Vec<u8>, ScaleError> {
        let no_answer = || ScaleError::NoAnswer {
            port: self.settings.port.clone(),
        };
        // A reply nobody read (an earlier exchange cut short) would pass for this one's.
        let _ = self.port.clear(serialport::ClearBuffer::Input);
        self.port
            .write_all(command)
            .and_then(|()| self.port.flush())
            .map_err(|_| no_answer())?;
        let deadline = Instant::now() + self.settings.timeout;
        let toledo = self.settings.protocol == Protocol::Toledo8217;
        let mut frame = Vec::new();
        let mut started = !toledo;
        let mut heard = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // Something came, but never a whole reply: another protocol's, likely.
                return Err(if heard.is_empty() {
                    no_answer()
                } else {
                    self.garbled(&heard)
                });
            }
            let _ = self.port.set_timeout(left);
            match self.port.read(&mut byte) {
                // The other end closed (an adapter pulled out): no answer will come.
                Ok(0) => return Err(no_answer()),
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted | io::ErrorKind::TimedOut
                    ) =>
                {
                    continue
                }
                Err(_) => return Err(no_answer()),
            }
            let b = byte[0] & 0x7F;
            heard.push(b);
            match (toledo, b) {
                (true, STX) => {
                    frame.clear();
                    started = true;
                }
                (true, CR) if started => return Ok(frame),
                (false, LF) => {
                    if frame.last() == Some(&CR) {
                        frame.pop();
                    }
                    return Ok(frame);
                }
                _ if started => frame.push(b),
                _ => {}
            }
            if heard.len() > 64 {
                return Err(self.garbled(&heard));
            }
        }
    }

    fn garbled(&self, reply: &[u8]) -> ScaleError {
        ScaleError::Garbled {
            port: self.settings.port.clone(),
            reply: String::from_utf8_lossy(reply).into_owned(),
        }
    }

    fn read_toledo(&mut self) -> Result<Reading, ScaleError> {
        let frame = self.ask(toledo::WEIGH)?;
        match toledo::reply(&frame) {
            Some(toledo::Reply::Weight(text)) => Weight::parse(text, self.settings.unit)
                .map(Reading::Stable)
                .ok_or_else(|| self.garbled(&frame)),
            Some(toledo::Reply::Status(status)) if status.moving() => Ok(Reading::Moving),
            Some(toledo::Reply::Status(_)) => {
                // Byte 1 alone does not say why: the full status does.
                let frame = self.ask(toledo::STATUS)?;
                match toledo::reply(&frame) {
                    Some(toledo::Reply::Status(status)) => {
                        toledo::judge(&status, self.settings.unit)
                    }
                    _ => Err(self.garbled(&frame)),
                }
            }
            None => Err(self.garbled(&frame)),
        }
    }

    fn line(&mut self, command: &[u8]) -> Result<(String, Vec<u8>), ScaleError> {
        let frame = self.ask(command)?;
        Ok((String::from_utf8_lossy(&frame).into_owned(), frame))
    }
}

impl Scale for SerialScale {
    fn read(&mut self) -> Result<Reading, ScaleError> {
        match self.settings.protocol {
            Protocol::Toledo8217 => self.read_toledo(),
            Protocol::MtSics => {
                let (line, frame) = self.line(sics::WEIGH)?;
                sics::weight(&line).unwrap_or_else(|| Err(self.garbled(&frame)))
            }
        }
    }

    fn zero(&mut self) -> Result<(), ScaleError> {
        match self.settings.protocol {
            Protocol::Toledo8217 => {
                let frame = self.ask(toledo::ZERO)?;
                match toledo::reply(&frame) {
                    Some(toledo::Reply::Status(status)) if status.at_zero() => Ok(()),
                    Some(toledo::Reply::Status(_)) => Err(ScaleError::NotZeroed),
                    _ => Err(self.garbled(&frame)),
                }
            }
            Protocol::MtSics => {
                let (line, frame) = self.line(sics::ZERO)?;
                sics::zeroed(&line).unwrap_or_else(|| Err(self.garbled(&frame)))
            }
        }
    }
}
