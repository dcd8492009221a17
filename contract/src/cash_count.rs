//! A cash count, pure: the drawer counted by denomination (`20x3,10x2,0.25x8`) or as one
//! amount.

use serde::{Deserialize, Serialize};

use thiserror::Error;

use crate::money::{AmountError, Currency, Money};

/// A count refused, in words for the cashier counting.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CountError {
    #[error("{0}")]
    Bad(String),
    #[error(transparent)]
    Amount(#[from] AmountError),
}

type Result<T> = std::result::Result<T, CountError>;

/// So many of one note or coin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denomination {
    pub value: Money,
    pub count: i64,
}

/// What was counted: the total, and the denominations when counted by them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashCount {
    pub total: Money,
    pub denominations: Vec<Denomination>,
}

/// The largest number of one note or coin a count may hold.
const MAX_PIECES: i64 = 100_000;

impl CashCount {
    /// One amount, counted without denominations.
    pub fn amount(total: Money) -> Result<CashCount> {
        if total.minor() < 0 {
            return Err(CountError::Bad("a count cannot be below zero".to_owned()));
        }
        Ok(CashCount {
            total,
            denominations: Vec::new(),
        })
    }

    /// A count by denomination as typed: `VALUExCOUNT` pairs separated by commas, such as
    /// `20x3,10x2,1x15,0.25x8`. Each value appears once, above zero; each count is a whole
    /// number from 0.
    pub fn parse(text: &str, currency: &Currency) -> Result<CashCount> {
        let bad = |why: String| CountError::Bad(why);
        let mut denominations: Vec<Denomination> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (value, count) = part
                .split_once(['x', 'X', '×'])
                .ok_or_else(|| bad(format!("{part:?} is not VALUExCOUNT, such as 20x3")))?;
            let value = currency
                .parse(value.trim())
                .ok()
                .filter(|v| v.minor() > 0)
                .ok_or_else(|| bad(format!("{:?} is not a note or coin", value.trim())))?;
            let count: i64 = count
                .trim()
                .parse()
                .ok()
                .filter(|c| (0..=MAX_PIECES).contains(c))
                .ok_or_else(|| bad(format!("{:?} is not a number of pieces", count.trim())))?;
            if denominations.iter().any(|d| d.value == value) {
                return Err(bad(format!("{} is counted twice", currency.format(value))));
            }
            denominations.push(Denomination { value, count });
        }
        if denominations.is_empty() {
            return Err(bad("nothing was counted".to_owned()));
        }
        let mut total = Money::ZERO;
        for d in &denominations {
            total = total.checked_add(d.value.checked_mul(d.count)?)?;
        }
        denominations.sort_by_key(|d| std::cmp::Reverse(d.value));
        Ok(CashCount {
            total,
            denominations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_denomination() {
        let usd = Currency::from_code("USD").unwrap();
        let count = CashCount::parse("20x3, 10x2,1x15,0.25x8", &usd).unwrap();
        assert_eq!(count.total, Money::from_minor(6_000 + 2_000 + 1_500 + 200));
        assert_eq!(count.denominations[0].value, Money::from_minor(2_000));
        assert_eq!(
            CashCount::parse("5X0", &usd).unwrap().total,
            Money::ZERO,
            "an empty drawer is a count"
        );
        for (text, why) in [
            ("", "nothing was counted"),
            ("20", "\"20\" is not VALUExCOUNT"),
            ("20x-1", "\"-1\" is not a number of pieces"),
            ("20x1.5", "\"1.5\" is not a number of pieces"),
            ("0x3", "\"0\" is not a note or coin"),
            ("0.001x3", "\"0.001\" is not a note or coin"),
            ("20x1,20x2", "20.00 is counted twice"),
        ] {
            let err = CashCount::parse(text, &usd).unwrap_err().to_string();
            assert!(err.contains(why), "{text:?}: {err}");
        }
        assert!(CashCount::amount(Money::from_minor(-1)).is_err());
    }
}
