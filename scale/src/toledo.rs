//! The Toledo 8217 protocol, as POS scales and scanner-scales speak it: single-letter
//! commands; replies framed by STX and CR, in 7-bit ASCII with even parity (stripped by
//! the port before these functions see a reply).
//!
//! - `W`: the weight as a decimal (`01.234`) when it is valid and settled; otherwise `?`
//!   and status byte 1.
//! - `S`: `?` and the status bytes (byte 1, byte 2, and more while bit 6 says another
//!   follows).
//! - `Z`: zero the scale; the reply is the status.
//!
//! Status byte 1: bit 0 in motion, bit 1 at zero, bit 2 RAM error, bit 3 EEPROM error.
//! Status byte 2: bit 0 under capacity (below zero), bit 1 over capacity, bit 2 ROM error,
//! bit 3 faulty calibration, bit 6 another byte follows. Bits 4 and 5 are always 1.

use crate::{Reading, ScaleError, Weight, WeightUnit};

/// Asks for the weight.
pub const WEIGH: &[u8] = b"W";
/// Asks for the status bytes.
pub const STATUS: &[u8] = b"S";
/// Asks the scale to zero itself.
pub const ZERO: &[u8] = b"Z";

/// A reply, as framed between STX and CR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<'a> {
    /// A weight, as the scale wrote it.
    Weight(&'a str),
    /// `?` and the status bytes.
    Status(Status),
}

/// The status bytes after a `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    pub first: u8,
    pub second: Option<u8>,
}

impl Status {
    pub fn moving(&self) -> bool {
        self.first & 0x01 != 0
    }
    pub fn at_zero(&self) -> bool {
        self.first & 0x02 != 0
    }
    pub fn under_capacity(&self) -> bool {
        self.second.is_some_and(|b| b & 0x01 != 0)
    }
    pub fn over_capacity(&self) -> bool {
        self.second.is_some_and(|b| b & 0x02 != 0)
    }
    /// A fault the scale reports of itself.
    pub fn fault(&self) -> Option<&'static str> {
        let second = self.second.unwrap_or(0);
        [
            (self.first & 0x04, "RAM error"),
            (self.first & 0x08, "EEPROM error"),
            (second & 0x04, "ROM error"),
            (second & 0x08, "faulty calibration"),
        ]
        .into_iter()
        .find_map(|(bit, fault)| (bit != 0).then_some(fault))
    }
}

/// Reads a framed reply; `None` when it is neither a weight nor a status.
pub fn reply(frame: &[u8]) -> Option<Reply<'_>> {
    match frame {
        [b'?', first, rest @ ..] if first & 0x30 == 0x30 => Some(Reply::Status(Status {
            first: *first,
            second: rest.first().copied(),
        })),
        _ => {
            let text = std::str::from_utf8(frame).ok()?;
            let looks_like_weight = !text.trim().is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b' ');
            looks_like_weight.then_some(Reply::Weight(text))
        }
    }
}

/// What a status says of the weight: moving, settled at zero, or why there is none.
pub fn judge(status: &Status, unit: WeightUnit) -> Result<Reading, ScaleError> {
    if let Some(fault) = status.fault() {
        Err(ScaleError::Fault(fault))
    } else if status.over_capacity() {
        Err(ScaleError::OverCapacity)
    } else if status.under_capacity() {
        Err(ScaleError::UnderZero)
    } else if status.moving() {
        Ok(Reading::Moving)
    } else if status.at_zero() {
        Ok(Reading::Stable(Weight {
            thousandths: 0,
            unit,
        }))
    } else {
        Err(ScaleError::Fault("no weight and no reason given"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read() {
        assert_eq!(reply(b"01.234"), Some(Reply::Weight("01.234")));
        assert_eq!(
            reply(&[b'?', 0x31]),
            Some(Reply::Status(Status {
                first: 0x31,
                second: None
            }))
        );
        assert_eq!(
            reply(&[b'?', 0x30, 0x32]),
            Some(Reply::Status(Status {
                first: 0x30,
                second: Some(0x32)
            }))
        );
        for bad in [&b""[..], b"   ", b"?", b"?\x01", b"12kg", b"\xff"] {
            assert_eq!(reply(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn statuses_are_judged() {
        let kg = WeightUnit::Kg;
        let status = |first, second| Status { first, second };
        assert_eq!(judge(&status(0x31, None), kg).unwrap(), Reading::Moving);
        assert_eq!(
            judge(&status(0x32, Some(0x30)), kg).unwrap(),
            Reading::Stable(Weight {
                thousandths: 0,
                unit: kg
            })
        );
        assert!(matches!(
            judge(&status(0x30, Some(0x31)), kg),
            Err(ScaleError::UnderZero)
        ));
        assert!(matches!(
            judge(&status(0x31, Some(0x32)), kg),
            Err(ScaleError::OverCapacity)
        ));
        assert!(matches!(
            judge(&status(0x34, Some(0x30)), kg),
            Err(ScaleError::Fault("RAM error"))
        ));
        assert!(matches!(
            judge(&status(0x30, Some(0x38)), kg),
            Err(ScaleError::Fault("faulty calibration"))
        ));
    }
}
