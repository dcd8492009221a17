//! Counter scales: the weight of what lies on the scale, asked over a serial port (a
//! USB-serial adapter shows up as one) in the scale's own protocol.
//!
//! - [`toledo`]: the Toledo 8217 protocol most POS scales and scanner-scales speak
//!   (`W` → the weight, or `?` and a status byte; `S` → the status bytes; `Z` → zero).
//! - [`sics`]: Mettler Toledo's MT-SICS (`SI` → `S S 1.234 kg`, `S D` while moving;
//!   `Z` → `Z A`).
//! - [`SerialScale`]: the port, opened with the protocol's line settings; every exchange
//!   is bounded by a timeout, so a scale that is off or unplugged never holds the till up.
//!
//! [`weigh`] asks until the weight settles, for a bounded time: a sale takes a stable
//! weight above zero or nothing. Weights are exact to the thousandth of their unit (a
//! gram, a thousandth of a pound); a scale that reports finer is read down to it, never
//! up, so nobody pays for a weight the scale did not show.

mod serial;
pub mod sics;
pub mod toledo;

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use serial::{SerialScale, SerialSettings};

/// The unit a scale weighs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeightUnit {
    Kg,
    Lb,
}

impl std::str::FromStr for WeightUnit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        [WeightUnit::Kg, WeightUnit::Lb]
            .into_iter()
            .find(|u| u.to_string() == text.trim())
            .ok_or_else(|| format!("{text:?} is not a unit a scale weighs in: kg or lb"))
    }
}

impl fmt::Display for WeightUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WeightUnit::Kg => "kg",
            WeightUnit::Lb => "lb",
        })
    }
}

/// A weight, exact to the thousandth of its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    pub thousandths: i64,
    pub unit: WeightUnit,
}

impl Weight {
    /// Reads a weight written as a decimal (`01.234`, `-0.005`, `742`), in `unit`;
    /// digits past the third decimal are dropped. `None` for anything else.
    pub fn parse(text: &str, unit: WeightUnit) -> Option<Weight> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, text.strip_prefix('+').unwrap_or(text).trim_start()),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || whole.len() > 9
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let mut thousandths = whole * 1000;
        for (i, place) in [100, 10, 1].into_iter().enumerate() {
            if let Some(d) = fraction.as_bytes().get(i) {
                thousandths += i64::from(d - b'0') * place;
            }
        }
        Some(Weight {
            thousandths: if negative { -thousandths } else { thousandths },
            unit,
        })
    }
}

impl fmt::Display for Weight {
    /// `0.742 kg`, `-0.005 lb`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.thousandths < 0 { "-" } else { "" };
        let n = self.thousandths.unsigned_abs();
        write!(f, "{sign}{}.{:03} {}", n / 1000, n % 1000, self.unit)
    }
}

/// The protocol a scale speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Toledo 8217 (7 data bits, even parity): carries no unit, which the settings give.
    Toledo8217,
    /// Mettler Toledo MT-SICS (8 data bits, no parity): each weight names its unit.
    MtSics,
}

impl Protocol {
    pub const ALL: [Protocol; 2] = [Protocol::Toledo8217, Protocol::MtSics];
}

impl std::str::FromStr for Protocol {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Protocol::ALL
            .into_iter()
            .find(|p| p.to_string() == text.trim())
            .ok_or_else(|| format!("{text:?} is not a scale protocol: toledo-8217 or mt-sics"))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Toledo8217 => "toledo-8217",
            Protocol::MtSics => "mt-sics",
        })
    }
}

/// What a scale says when asked once for the weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Settled (zero, or below zero, included).
    Stable(Weight),
    /// Still moving.
    Moving,
}

/// Why no weight was taken, in words for the person at the counter.
#[derive(Debug, Error)]
pub enum ScaleError {
    #[error("The scale is still moving: let the item settle, then weigh it again.")]
    Moving,
    #[error("The item is too heavy for the scale: take it off; it cannot be weighed here.")]
    OverCapacity,
    #[error("The scale reads below zero: empty it, zero it, then weigh again.")]
    UnderZero,
    #[error("Nothing is on the scale: put the item on it.")]
    Empty,
    #[error("The scale could not be zeroed: empty it and let it settle first.")]
    NotZeroed,
    #[error("The scale reports a fault ({0}): switch it off and on; if that does not help, it needs service.")]
    Fault(&'static str),
    #[error("The scale on {port} does not answer: check that it is on and that its cable is plugged in.")]
    NoAnswer { port: String },
    #[error("The scale on {port} cannot be opened ({reason}): check the port in the settings.")]
    Unreachable { port: String, reason: String },
    #[error("The scale on {port} answered {reply:?}, which the till cannot read: check that the protocol in the settings is the scale's.")]
    Garbled { port: String, reply: String },
}

impl ScaleError {
    /// A stable code for the error, for programs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ScaleError::Moving => "scale_moving",
            ScaleError::OverCapacity => "scale_over_capacity",
            ScaleError::UnderZero => "scale_under_zero",
            ScaleError::Empty => "scale_empty",
            ScaleError::NotZeroed => "scale_not_zeroed",
            ScaleError::Fault(_) => "scale_fault",
            ScaleError::NoAnswer { .. } => "scale_no_answer",
            ScaleError::Unreachable { .. } => "scale_unreachable",
            ScaleError::Garbled { .. } => "scale_garbled",
        }
    }
}

/// A counter scale. [`SerialScale`] is the real one; the till takes any.
pub trait Scale {
    /// Asks for the weight once.
    fn read(&mut self) -> Result<Reading, ScaleError>;
    /// Sets the scale to zero, with nothing on it.
    fn zero(&mut self) -> Result<(), ScaleError>;
}

/// How long apart a scale is asked again while it moves (Toledo scales need 200 ms
/// between commands).
pub const ASK_AGAIN: Duration = Duration::from_millis(200);

/// Asks `scale` until its weight settles, for at most `wait`: a stable weight above zero,
/// or why there is none.
pub fn weigh(scale: &mut dyn Scale, wait: Duration) -> Result<Weight, ScaleError> {
    let deadline = Instant::now() + wait;
    loop {
        match scale.read()? {
            Reading::Stable(w) if w.thousandths > 0 => return Ok(w),
            Reading::Stable(w) if w.thousandths < 0 => return Err(ScaleError::UnderZero),
            Reading::Stable(_) => return Err(ScaleError::Empty),
            Reading::Moving if Instant::now() + ASK_AGAIN > deadline => {
                return Err(ScaleError::Moving)
            }
            Reading::Moving => thread::sleep(ASK_AGAIN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_read_exactly_and_never_up() {
        let kg = |t: &str| Weight::parse(t, WeightUnit::Kg).map(|w| w.thousandths);
        assert_eq!(kg("01.234"), Some(1234));
        assert_eq!(kg("  0.742"), Some(742));
        assert_eq!(kg("742"), Some(742_000));
        assert_eq!(kg(".5"), Some(500));
        assert_eq!(kg("-0.005"), Some(-5));
        assert_eq!(kg("- 0.005"), Some(-5));
        assert_eq!(kg("+1.5"), Some(1500));
        assert_eq!(kg("1.23456"), Some(1234), "the fourth decimal is dropped");
        for bad in ["", ".", "1.2.3", "1,5", "abc", "1e3", "--1", "1234567890"] {
            assert_eq!(kg(bad), None, "{bad:?}");
        }
        assert_eq!(
            Weight::parse("0.742", WeightUnit::Kg).unwrap().to_string(),
            "0.742 kg"
        );
        assert_eq!(
            Weight::parse("-0.005", WeightUnit::Lb).unwrap().to_string(),
            "-0.005 lb"
        );
    }
}
