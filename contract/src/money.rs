//! Exact money: integer minor units of the business currency, and percentages.
//!
//! No floating point anywhere: an amount is an `i64` count of the currency's minor unit
//! (cents for USD, yen for JPY, fils for KWD). Amounts are parsed from and formatted to
//! the way a person writes them (`9.99`), with the currency's own number of decimals.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why an amount or a percentage could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AmountError {
    #[error("No amount was typed: write one like 9.99.")]
    Missing,
    #[error("{0:?} is not an amount; write it like 9.99")]
    Malformed(String),
    #[error("{text:?} has more than {decimals} decimal places, the most {currency} allows")]
    TooManyDecimals {
        text: String,
        currency: String,
        decimals: u8,
    },
    #[error("{0:?} is too large")]
    TooLarge(String),
    #[error("{0:?} is negative; only positive amounts are allowed here")]
    Negative(String),
    #[error("{0:?} is not a percentage between 0 and 100")]
    BadPercent(String),
    #[error("{0:?} is not a currency the till knows (use an ISO 4217 code such as USD)")]
    UnknownCurrency(String),
    #[error("the amounts add up to more than the till can count")]
    Overflow,
}

/// An amount of money in minor units of the business currency.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_minor(minor: i64) -> Money {
        Money(minor)
    }

    pub const fn minor(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, AmountError> {
        self.0
            .checked_add(other.0)
            .map(Money)
            .ok_or(AmountError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, AmountError> {
        self.0
            .checked_sub(other.0)
            .map(Money)
            .ok_or(AmountError::Overflow)
    }

    pub fn checked_mul(self, quantity: i64) -> Result<Money, AmountError> {
        self.0
            .checked_mul(quantity)
            .map(Money)
            .ok_or(AmountError::Overflow)
    }

    /// Sums amounts, refusing to overflow.
    pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Money, AmountError> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// This amount times `percent`, rounded half away from zero to the minor unit.
    pub fn percent_of(self, percent: Percent) -> Money {
        Money(div_round_half_away(
            i128::from(self.0) * i128::from(percent.0),
            i128::from(Percent::HUNDRED.0),
        ))
    }
}

/// `n / d` rounded half away from zero; `d` must be positive and the result must fit an
/// `i64`, which holds for every use here (a share of an `i64` amount).
pub fn div_round_half_away(n: i128, d: i128) -> i64 {
    checked_div_round_half_away(n, d).expect("a share of an i64 amount fits an i64")
}

/// `n / d` rounded half away from zero (`d` positive), or `None` past an `i64`.
pub fn checked_div_round_half_away(n: i128, d: i128) -> Option<i64> {
    debug_assert!(d > 0);
    let q = (n.abs() + d / 2) / d;
    let q = if n < 0 { -q } else { q };
    i64::try_from(q).ok()
}

/// A currency: its ISO 4217 code and the number of decimals of its minor unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    code: String,
    decimals: u8,
}

impl Currency {
    /// Looks up an ISO 4217 code (`USD`, `JPY`, `KWD`, …).
    pub fn from_code(code: &str) -> Result<Currency, AmountError> {
        let code = code.trim().to_ascii_uppercase();
        let iso = iso_currency::Currency::from_code(&code)
            .ok_or_else(|| AmountError::UnknownCurrency(code.clone()))?;
        // Funds and metals (XAU, XDR…) have no minor unit: they are not till currencies.
        let decimals = iso
            .exponent()
            .and_then(|e| u8::try_from(e).ok())
            .filter(|&e| e <= 4)
            .ok_or_else(|| AmountError::UnknownCurrency(code.clone()))?;
        Ok(Currency { code, decimals })
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn decimals(&self) -> u8 {
        self.decimals
    }

    /// The sign people write before amounts of the currency: `$`, `€`, `¥`.
    pub fn symbol(&self) -> String {
        iso_currency::Currency::from_code(&self.code)
            .map(|iso| iso.symbol().symbol)
            .unwrap_or_else(|| self.code.clone())
    }

    /// How many minor units make one major unit (100 for USD, 1 for JPY, 1000 for KWD).
    pub fn minor_per_major(&self) -> i64 {
        10_i64.pow(u32::from(self.decimals))
    }

    /// Reads an amount written as a person writes it: `9.99`, `10`, `0.5`, `-1.25`.
    pub fn parse(&self, text: &str) -> Result<Money, AmountError> {
        if text.trim().is_empty() {
            return Err(AmountError::Missing);
        }
        let (negative, digits) = split_sign(text.trim());
        let units = parse_decimal(digits, self.decimals).map_err(|e| match e {
            DecimalError::Malformed => AmountError::Malformed(text.to_owned()),
            DecimalError::TooLarge => AmountError::TooLarge(text.to_owned()),
            DecimalError::TooManyDecimals => AmountError::TooManyDecimals {
                text: text.to_owned(),
                currency: self.code.clone(),
                decimals: self.decimals,
            },
        })?;
        Ok(Money(if negative { -units } else { units }))
    }

    /// Reads an amount that must not be negative.
    pub fn parse_non_negative(&self, text: &str) -> Result<Money, AmountError> {
        let amount = self.parse(text)?;
        if amount.minor() < 0 {
            return Err(AmountError::Negative(text.to_owned()));
        }
        Ok(amount)
    }

    /// Writes an amount with the currency's decimals: `9.99`, `1200` (JPY), `1.250` (KWD).
    pub fn format(&self, amount: Money) -> String {
        format_decimal(amount.minor(), self.decimals)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

/// A percentage with three decimals (`8.875%`), stored as thousandths of a percent.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Percent(u32);

impl Percent {
    pub const ZERO: Percent = Percent(0);
    pub const HUNDRED: Percent = Percent(100_000);
    const DECIMALS: u8 = 3;

    pub const fn from_thousandths(thousandths: u32) -> Percent {
        Percent(thousandths)
    }

    pub const fn thousandths(self) -> u32 {
        self.0
    }

    /// Reads `8.875`, `10`, `12.5%` (a trailing `%` is allowed); 0 to 100 inclusive.
    pub fn parse(text: &str) -> Result<Percent, AmountError> {
        let bad = || AmountError::BadPercent(text.to_owned());
        let digits = text.trim().trim_end_matches('%').trim_end();
        let value = parse_decimal(digits, Self::DECIMALS).map_err(|_| bad())?;
        u32::try_from(value)
            .ok()
            .filter(|&v| v <= Self::HUNDRED.0)
            .map(Percent)
            .ok_or_else(bad)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format_decimal(i64::from(self.0), Self::DECIMALS);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        write!(f, "{text}%")
    }
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

pub(crate) enum DecimalError {
    Malformed,
    TooManyDecimals,
    TooLarge,
}

/// Parses unsigned `123`, `123.4`, `.5` into an integer scaled by `10^decimals`.
pub(crate) fn parse_decimal(text: &str, decimals: u8) -> Result<i64, DecimalError> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !all_digits(whole)
        || !all_digits(fraction)
        || (text.contains('.') && fraction.is_empty())
    {
        return Err(DecimalError::Malformed);
    }
    let significant = fraction.trim_end_matches('0');
    if significant.len() > usize::from(decimals) {
        return Err(DecimalError::TooManyDecimals);
    }
    let scale = 10_i64.pow(u32::from(decimals));
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| DecimalError::TooLarge)?
    };
    let fraction: i64 = if significant.is_empty() {
        0
    } else {
        let padded = format!("{significant:0<width$}", width = usize::from(decimals));
        padded.parse().map_err(|_| DecimalError::Malformed)?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction))
        .ok_or(DecimalError::TooLarge)
}

pub(crate) fn format_decimal(value: i64, decimals: u8) -> String {
    let scale = 10_u64.pow(u32::from(decimals));
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    if decimals == 0 {
        format!("{sign}{abs}")
    } else {
        let width = usize::from(decimals);
        format!("{sign}{}.{:0width$}", abs / scale, abs % scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }

    #[test]
    fn currencies_carry_their_decimals() {
        for (code, decimals) in [("USD", 2), ("eur", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)] {
            assert_eq!(cur(code).decimals(), decimals, "{code}");
        }
        assert!(matches!(
            Currency::from_code("XYZ"),
            Err(AmountError::UnknownCurrency(_))
        ));
        assert!(
            Currency::from_code("XAU").is_err(),
            "gold is not a till currency"
        );
    }

    #[test]
    fn currencies_have_their_symbols() {
        for (code, symbol) in [("USD", "$"), ("EUR", "€"), ("GBP", "£"), ("JPY", "¥")] {
            assert_eq!(cur(code).symbol(), symbol, "{code}");
        }
    }

    #[test]
    fn parse_table() {
        let cases: &[(&str, &str, i64)] = &[
            ("USD", "9.99", 999),
            ("USD", "9.9", 990),
            ("USD", "9", 900),
            ("USD", ".5", 50),
            ("USD", "0.50", 50),
            ("USD", "9.990", 999),
            ("USD", " 12.34 ", 1234),
            ("USD", "-1.25", -125),
            ("JPY", "1200", 1200),
            ("JPY", "1200.0", 1200),
            ("KWD", "1.25", 1250),
            ("KWD", "0.005", 5),
            ("USD", "92233720368547758.07", i64::MAX),
        ];
        for &(code, text, minor) in cases {
            assert_eq!(cur(code).parse(text), Ok(Money(minor)), "{code} {text}");
        }
    }

    #[test]
    fn parse_refusals() {
        let usd = cur("USD");
        assert_eq!(usd.parse(" "), Err(AmountError::Missing));
        for text in [
            "abc", "1.2.3", "1,000", "9.", "$9", "1e3", "- 1", "--1", ".",
        ] {
            assert_eq!(
                usd.parse(text),
                Err(AmountError::Malformed(text.into())),
                "{text}"
            );
        }
        assert!(matches!(
            usd.parse("9.999"),
            Err(AmountError::TooManyDecimals { decimals: 2, .. })
        ));
        assert!(matches!(
            cur("JPY").parse("10.5"),
            Err(AmountError::TooManyDecimals { decimals: 0, .. })
        ));
        for text in ["92233720368547758.08", "99999999999999999999999"] {
            assert_eq!(usd.parse(text), Err(AmountError::TooLarge(text.into())));
        }
        assert_eq!(
            usd.parse_non_negative("-1"),
            Err(AmountError::Negative("-1".into()))
        );
    }

    #[test]
    fn format_table() {
        assert_eq!(cur("USD").format(Money(999)), "9.99");
        assert_eq!(cur("USD").format(Money(5)), "0.05");
        assert_eq!(cur("USD").format(Money(-125)), "-1.25");
        assert_eq!(cur("JPY").format(Money(1200)), "1200");
        assert_eq!(cur("KWD").format(Money(1250)), "1.250");
        assert_eq!(cur("USD").format(Money(i64::MIN)), "-92233720368547758.08");
    }

    #[test]
    fn parse_and_format_round_trip() {
        for code in ["USD", "JPY", "KWD"] {
            let c = cur(code);
            for minor in [0, 1, 7, 99, 100, 101, 123_456_789, -42] {
                assert_eq!(c.parse(&c.format(Money(minor))), Ok(Money(minor)));
            }
        }
    }

    #[test]
    fn percents() {
        assert_eq!(Percent::parse("8.875"), Ok(Percent(8875)));
        assert_eq!(Percent::parse("10%"), Ok(Percent(10_000)));
        assert_eq!(Percent::parse("12.5 %"), Ok(Percent(12_500)));
        assert_eq!(Percent::parse("100"), Ok(Percent::HUNDRED));
        assert_eq!(Percent::parse("0"), Ok(Percent::ZERO));
        for bad in ["100.001", "-5", "abc", "8.8755", ""] {
            assert_eq!(
                Percent::parse(bad),
                Err(AmountError::BadPercent(bad.into())),
                "{bad}"
            );
        }
        assert_eq!(Percent(8875).to_string(), "8.875%");
        assert_eq!(Percent(10_000).to_string(), "10%");
        assert_eq!(Percent(0).to_string(), "0%");
    }

    #[test]
    fn percent_of_rounds_half_away_from_zero() {
        assert_eq!(Money(1000).percent_of(Percent(8875)), Money(89)); // 88.75
        assert_eq!(Money(100).percent_of(Percent(12_500)), Money(13)); // 12.5
        assert_eq!(Money(100).percent_of(Percent(12_499)), Money(12));
        assert_eq!(Money(-100).percent_of(Percent(12_500)), Money(-13));
        assert_eq!(
            Money(i64::MAX).percent_of(Percent::HUNDRED),
            Money(i64::MAX)
        );
    }

    #[test]
    fn arithmetic_refuses_to_overflow() {
        assert_eq!(
            Money(i64::MAX).checked_add(Money(1)),
            Err(AmountError::Overflow)
        );
        assert_eq!(Money(i64::MAX).checked_mul(2), Err(AmountError::Overflow));
        assert_eq!(Money::sum([Money(1), Money(2)]), Ok(Money(3)));
    }
}
