//! Mettler Toledo's MT-SICS (Standard Interface Command Set), level 0: commands and
//! replies are lines ending CR LF, in 8-bit ASCII without parity.
//!
//! - `SI`: the weight at once: `S S     1.234 kg` when settled, `S D     1.240 kg` while
//!   moving; `S +` over capacity, `S -` below the range, `S I` the scale is busy.
//! - `Z`: zero: `Z A` done; `Z I` not done (moving); `Z +`, `Z -` out of the zero range.
//! - `ES`, `ET`, `EL`: the scale did not understand, was garbled, or cannot do it now.

use crate::{Reading, ScaleError, Weight, WeightUnit};

/// Asks for the weight at once, settled or not.
pub const WEIGH: &[u8] = b"SI\r\n";
/// Asks the scale to zero itself.
pub const ZERO: &[u8] = b"Z\r\n";

/// What a reply to `SI` says; `None` when it is not one.
pub fn weight(line: &str) -> Option<Result<Reading, ScaleError>> {
    let mut words = line.split_whitespace();
    if words.next()? != "S" {
        return None;
    }
    let status = words.next()?;
    let value = words.next();
    let unit = words.next();
    if words.next().is_some() {
        return None;
    }
    Some(match (status, value, unit) {
        ("+", None, None) => Err(ScaleError::OverCapacity),
        ("-", None, None) => Err(ScaleError::UnderZero),
        ("I", None, None) => Ok(Reading::Moving),
        ("D", Some(_), Some(_)) => Ok(Reading::Moving),
        ("S", Some(value), Some(unit)) => {
            return stable(value, unit).map(|w| Ok(Reading::Stable(w)))
        }
        _ => return None,
    })
}

/// A settled weight in a unit the till weighs in: kilograms (grams read as such) or
/// pounds.
fn stable(value: &str, unit: &str) -> Option<Weight> {
    match unit {
        "kg" => Weight::parse(value, WeightUnit::Kg),
        "lb" => Weight::parse(value, WeightUnit::Lb),
        "g" => {
            // Grams are thousandths of a kilogram: read as kilograms shifted three places.
            let grams = Weight::parse(value, WeightUnit::Kg)?;
            Some(Weight {
                thousandths: grams.thousandths / 1000,
                unit: WeightUnit::Kg,
            })
        }
        _ => None,
    }
}

/// What a reply to `Z` says; `None` when it is not one.
pub fn zeroed(line: &str) -> Option<Result<(), ScaleError>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    Some(match words.as_slice() {
        ["Z", "A"] => Ok(()),
        ["Z", "I"] => Err(ScaleError::NotZeroed),
        ["Z", "+"] => Err(ScaleError::OverCapacity),
        ["Z", "-"] => Err(ScaleError::UnderZero),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kg(thousandths: i64) -> Reading {
        Reading::Stable(Weight {
            thousandths,
            unit: WeightUnit::Kg,
        })
    }

    #[test]
    fn weights_are_read() {
        assert_eq!(weight("S S      1.234 kg").unwrap().unwrap(), kg(1234));
        assert_eq!(weight("S S    742.0 g").unwrap().unwrap(), kg(742));
        assert_eq!(
            weight("S S   2.500 lb").unwrap().unwrap(),
            Reading::Stable(Weight {
                thousandths: 2500,
                unit: WeightUnit::Lb
            })
        );
        assert_eq!(
            weight("S D      1.240 kg").unwrap().unwrap(),
            Reading::Moving
        );
        assert_eq!(weight("S I").unwrap().unwrap(), Reading::Moving);
        assert!(matches!(weight("S +"), Some(Err(ScaleError::OverCapacity))));
        assert!(matches!(weight("S -"), Some(Err(ScaleError::UnderZero))));
        for bad in [
            "",
            "ES",
            "EL",
            "S S 1.2 oz",
            "S S",
            "S X 1 kg",
            "S S 1.234 kg extra",
            "T S 1 kg",
        ] {
            assert!(weight(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn zeroing_is_read() {
        assert!(matches!(zeroed("Z A"), Some(Ok(()))));
        assert!(matches!(zeroed("Z I"), Some(Err(ScaleError::NotZeroed))));
        assert!(matches!(zeroed("Z +"), Some(Err(ScaleError::OverCapacity))));
        assert!(zeroed("ES").is_none());
    }
}
