//! Quantities: whole pieces, or an exact measure of goods sold by weight, volume or length.
//!
//! A [`Quantity`] is an `i64` count of thousandths of its product's [`Unit`]: two pieces
//! are `2000`, 0.742 kg is `742`. No floating point anywhere; a measure has at most three
//! decimals (a gram of a kilogram, a millilitre of a litre), and each unit says how many
//! it allows ([`Unit::decimals`]): a piece product is never sold as 1.5.
//!
//! As text a quantity is a decimal (`2`, `0.742`). In JSON it is a number when whole and a
//! decimal string otherwise (`2`, `"0.742"`), so that every document written before
//! measured goods existed reads and serializes as it did. Centrally it is the same rule in
//! BSON: an `Int64` when whole, a `Decimal128` otherwise (`documents::value::quantity`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::money::{
    checked_div_round_half_away, format_decimal, parse_decimal, AmountError, DecimalError, Money,
};

/// How a product is counted and sold.
///
/// The piece for goods counted one by one; for goods sold loose, the measures a counter
/// scale or a tape gives: the kilogram and the gram, the pound and the ounce (US and UK
/// delis), the litre (refills, draught) and the metre (fabric, cable, rope).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    Piece,
    Kg,
    G,
    Lb,
    Oz,
    L,
    M,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::Piece,
        Unit::Kg,
        Unit::G,
        Unit::Lb,
        Unit::Oz,
        Unit::L,
        Unit::M,
    ];

    /// Its code, as a document, the command line and a label write it: `piece`, `kg`, `g`,
    /// `lb`, `oz`, `l`, `m`.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Piece => "piece",
            Unit::Kg => "kg",
            Unit::G => "g",
            Unit::Lb => "lb",
            Unit::Oz => "oz",
            Unit::L => "l",
            Unit::M => "m",
        }
    }

    /// Reads a unit's code, in any case.
    pub fn parse(text: &str) -> Result<Unit, QuantityError> {
        let text = text.trim().to_ascii_lowercase();
        Unit::ALL
            .into_iter()
            .find(|u| u.code() == text)
            .ok_or(QuantityError::UnknownUnit(text))
    }

    /// How many decimals a quantity in this unit may have: none for pieces and grams, two
    /// for ounces (a deli scale's 0.01 oz), three for the rest (the gram of a kilogram,
    /// 0.001 lb, the millilitre, the millimetre).
    pub fn decimals(self) -> u8 {
        match self {
            Unit::Piece | Unit::G => 0,
            Unit::Oz => 2,
            Unit::Kg | Unit::Lb | Unit::L | Unit::M => 3,
        }
    }

    /// Sold by a measure rather than by the piece.
    pub fn is_measured(self) -> bool {
        self != Unit::Piece
    }

    /// The unit beside a quantity or a price, or nothing for pieces: `0.742 kg`, `$2.99/kg`.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Piece => "",
            other => other.code(),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a quantity could not be read or is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuantityError {
    #[error("No quantity was typed.")]
    Missing,
    #[error("{0:?} is not a quantity; write it like 2 or 0.750")]
    Malformed(String),
    #[error("{text} has more decimals than {unit} allows: at most {decimals}")]
    TooManyDecimals {
        text: String,
        unit: &'static str,
        decimals: u8,
    },
    #[error("{text} is not a whole number: this is sold by the piece")]
    NotWhole { text: String },
    #[error("{0:?} is too large")]
    TooLarge(String),
    #[error("{0:?} is not a unit (piece, kg, g, lb, oz, l or m)")]
    UnknownUnit(String),
    #[error("the quantities add up to more than the till can count")]
    Overflow,
}

/// An amount of a product in thousandths of its unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i64);

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);
    pub const ONE: Quantity = Quantity(1000);
    const SCALE: i64 = 1000;
    const DECIMALS: u8 = 3;

    pub const fn from_thousandths(thousandths: i64) -> Quantity {
        Quantity(thousandths)
    }

    /// `n` whole units (`n` pieces). Panics past ±9.2 × 10¹⁵ units, which no count reaches.
    pub const fn units(n: i64) -> Quantity {
        Quantity(n * Self::SCALE)
    }

    pub const fn thousandths(self) -> i64 {
        self.0
    }

    /// The number of whole units, when it is one.
    pub fn whole(self) -> Option<i64> {
        (self.0 % Self::SCALE == 0).then_some(self.0 / Self::SCALE)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Quantity) -> Result<Quantity, QuantityError> {
        self.0
            .checked_add(other.0)
            .map(Quantity)
            .ok_or(QuantityError::Overflow)
    }

    pub fn checked_sub(self, other: Quantity) -> Result<Quantity, QuantityError> {
        self.0
            .checked_sub(other.0)
            .map(Quantity)
            .ok_or(QuantityError::Overflow)
    }

    /// Reads a quantity as a person or a document writes it (`2`, `0.742`, `-3`, `.5`) in
    /// `unit`: refused with more decimals than the unit allows.
    pub fn parse(text: &str, unit: Unit) -> Result<Quantity, QuantityError> {
        let quantity = Quantity::parse_decimal(text)?;
        quantity.check(unit, text.trim())?;
        Ok(quantity)
    }

    /// Reads a decimal with at most three places, whatever its unit.
    pub fn parse_decimal(text: &str) -> Result<Quantity, QuantityError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(QuantityError::Missing);
        }
        let (negative, digits) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let value = parse_decimal(digits, Self::DECIMALS).map_err(|e| match e {
            DecimalError::TooManyDecimals => QuantityError::TooManyDecimals {
                text: trimmed.to_owned(),
                unit: "a quantity",
                decimals: Self::DECIMALS,
            },
            DecimalError::TooLarge => QuantityError::TooLarge(trimmed.to_owned()),
            DecimalError::Malformed => QuantityError::Malformed(trimmed.to_owned()),
        })?;
        Ok(Quantity(if negative { -value } else { value }))
    }

    /// Whether this quantity is one `unit` allows (no more decimals than it has).
    pub fn fits(self, unit: Unit) -> Result<(), QuantityError> {
        self.check(unit, &self.decimal())
    }

    /// The thousandths in the smallest step of `unit` (1000 for a piece, 10 for an ounce).
    fn step(unit: Unit) -> i64 {
        10_i64.pow(u32::from(Self::DECIMALS - unit.decimals()))
    }

    fn check(self, unit: Unit, text: &str) -> Result<(), QuantityError> {
        if self.0 % Self::step(unit) == 0 {
            return Ok(());
        }
        Err(if unit == Unit::Piece {
            QuantityError::NotWhole {
                text: text.to_owned(),
            }
        } else {
            QuantityError::TooManyDecimals {
                text: text.to_owned(),
                unit: unit.code(),
                decimals: unit.decimals(),
            }
        })
    }

    /// The shortest decimal: `2`, `0.742`, `1.5`, `-3`.
    pub fn decimal(self) -> String {
        let text = format_decimal(self.0, Self::DECIMALS);
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }

    /// With `unit`'s decimals, as a scale shows it: `2` pieces, `0.742` or `1.500` kg.
    pub fn format(self, unit: Unit) -> String {
        let step = Self::step(unit);
        if self.0 % step == 0 {
            format_decimal(self.0 / step, unit.decimals())
        } else {
            self.decimal()
        }
    }

    /// With its unit, for a person: `2`, `0.742 kg`.
    pub fn with_unit(self, unit: Unit) -> String {
        match unit {
            Unit::Piece => self.format(unit),
            measured => format!("{} {}", self.format(measured), measured.code()),
        }
    }
}

// Plain arithmetic, as on the `i64` it holds (it overflows only past 9.2 × 10¹⁵ units);
// where a person's input can get that far, `checked_add` and `checked_sub` refuse instead.
impl std::ops::Add for Quantity {
    type Output = Quantity;

    fn add(self, other: Quantity) -> Quantity {
        Quantity(self.0 + other.0)
    }
}

impl std::ops::Sub for Quantity {
    type Output = Quantity;

    fn sub(self, other: Quantity) -> Quantity {
        Quantity(self.0 - other.0)
    }
}

impl std::ops::AddAssign for Quantity {
    fn add_assign(&mut self, other: Quantity) {
        self.0 += other.0;
    }
}

impl std::ops::SubAssign for Quantity {
    fn sub_assign(&mut self, other: Quantity) {
        self.0 -= other.0;
    }
}

impl std::iter::Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(items: I) -> Quantity {
        items.fold(Quantity::ZERO, |acc, q| acc + q)
    }
}

impl std::ops::Neg for Quantity {
    type Output = Quantity;

    fn neg(self) -> Quantity {
        Quantity(-self.0)
    }
}

/// The shortest decimal, honouring a width and `+` as an integer does (`{:>5}`, `{:+}`).
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.decimal();
        if f.sign_plus() && self.0 >= 0 {
            f.pad(&format!("+{text}"))
        } else {
            f.pad(&text)
        }
    }
}

/// Reads a decimal of at most three places ([`Quantity::parse_decimal`]).
impl std::str::FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(text: &str) -> Result<Quantity, QuantityError> {
        Quantity::parse_decimal(text)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.whole() {
            Some(n) => serializer.serialize_i64(n),
            None => serializer.serialize_str(&self.decimal()),
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Quantity, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Whole(i64),
            Decimal(String),
        }
        match Written::deserialize(deserializer)? {
            Written::Whole(n) => n
                .checked_mul(Quantity::SCALE)
                .map(Quantity)
                .ok_or_else(|| serde::de::Error::custom("the quantity is too large")),
            Written::Decimal(text) => {
                Quantity::parse_decimal(&text).map_err(serde::de::Error::custom)
            }
        }
    }
}

/// A till keeps a quantity in SQLite as its `INTEGER` count of thousandths, and a unit as
/// its code (the `rusqlite` feature).
#[cfg(feature = "rusqlite")]
mod sqlite {
    use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

    use super::{Quantity, Unit};

    impl ToSql for Quantity {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(ToSqlOutput::from(self.0))
        }
    }

    impl FromSql for Quantity {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            value.as_i64().map(Quantity)
        }
    }

    impl ToSql for Unit {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(ToSqlOutput::from(self.code()))
        }
    }

    impl FromSql for Unit {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            Unit::parse(value.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
        }
    }
}

impl Money {
    /// This price per unit times `quantity`, rounded once, half away from zero, to the
    /// minor unit: $2.99/kg × 0.742 kg = 2.21858 → $2.22; $9.99 × 3 pieces = $29.97.
    pub fn times(self, quantity: Quantity) -> Result<Money, AmountError> {
        checked_div_round_half_away(
            i128::from(self.minor()) * i128::from(quantity.thousandths()),
            i128::from(Quantity::SCALE),
        )
        .map(Money::from_minor)
        .ok_or(AmountError::Overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse_decimal(text).unwrap()
    }

    #[test]
    fn units_read_their_codes() {
        for unit in Unit::ALL {
            assert_eq!(Unit::parse(unit.code()), Ok(unit));
        }
        assert_eq!(Unit::parse(" KG "), Ok(Unit::Kg));
        assert!(matches!(
            Unit::parse("stone"),
            Err(QuantityError::UnknownUnit(_))
        ));
    }

    #[test]
    fn quantities_read_and_write_as_decimals() {
        for (text, thousandths, decimal) in [
            ("2", 2000, "2"),
            ("0.742", 742, "0.742"),
            ("1.500", 1500, "1.5"),
            (".5", 500, "0.5"),
            ("-3", -3000, "-3"),
            ("-0.25", -250, "-0.25"),
        ] {
            let quantity = q(text);
            assert_eq!(quantity.thousandths(), thousandths, "{text}");
            assert_eq!(quantity.decimal(), decimal, "{text}");
            assert_eq!(q(&quantity.decimal()), quantity, "{text} round-trips");
        }
        for bad in ["", "abc", "1.", "1.2.3", "1e3", "--1", "0x10"] {
            assert!(Quantity::parse_decimal(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            Quantity::parse_decimal("0.7425"),
            Err(QuantityError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Quantity::parse_decimal("99999999999999999"),
            Err(QuantityError::TooLarge(_))
        ));
    }

    #[test]
    fn each_unit_allows_its_decimals() {
        assert_eq!(Quantity::parse("3", Unit::Piece), Ok(Quantity::units(3)));
        assert_eq!(
            Quantity::parse("1.5", Unit::Piece),
            Err(QuantityError::NotWhole { text: "1.5".into() })
        );
        assert_eq!(
            Quantity::parse("0.742", Unit::Kg).unwrap().thousandths(),
            742
        );
        assert_eq!(
            Quantity::parse("12.5", Unit::G),
            Err(QuantityError::TooManyDecimals {
                text: "12.5".into(),
                unit: "g",
                decimals: 0
            })
        );
        assert!(Quantity::parse("1.25", Unit::Oz).is_ok());
        assert!(Quantity::parse("1.255", Unit::Oz).is_err());
        assert!(Quantity::from_thousandths(1).fits(Unit::Lb).is_ok());
        assert!(Quantity::from_thousandths(1).fits(Unit::Piece).is_err());
    }

    #[test]
    fn displays_as_an_integer_would() {
        assert_eq!(
            format!("{:>5}|{:+}|{:+}", q("3"), q("-0.5"), q("2")),
            "    3|-0.5|+2"
        );
    }

    #[test]
    fn formats_with_the_units_decimals() {
        assert_eq!(Quantity::from_thousandths(1500).format(Unit::Kg), "1.500");
        assert_eq!(
            Quantity::from_thousandths(742).with_unit(Unit::Kg),
            "0.742 kg"
        );
        assert_eq!(Quantity::units(2).with_unit(Unit::Piece), "2");
        assert_eq!(Quantity::from_thousandths(1250).format(Unit::Oz), "1.25");
        assert_eq!(Quantity::units(250).with_unit(Unit::G), "250 g");
    }

    #[test]
    fn json_keeps_whole_quantities_numbers() {
        let whole = serde_json::to_string(&Quantity::units(2)).unwrap();
        let measured = serde_json::to_string(&Quantity::from_thousandths(742)).unwrap();
        assert_eq!((whole.as_str(), measured.as_str()), ("2", "\"0.742\""));
        let back: Vec<Quantity> = serde_json::from_str("[2, \"0.742\", -1]").unwrap();
        assert_eq!(back, [q("2"), q("0.742"), q("-1")]);
        assert!(
            serde_json::from_str::<Quantity>("0.5").is_err(),
            "no floats"
        );
        assert!(serde_json::from_str::<Quantity>("\"0.0001\"").is_err());
    }

    #[test]
    fn a_line_is_rounded_once_half_away_from_zero() {
        let price = Money::from_minor(299);
        assert_eq!(price.times(q("0.742")), Ok(Money::from_minor(222)));
        assert_eq!(price.times(q("3")), Ok(Money::from_minor(897)));
        // 1.99 × 0.250 = 0.4975 → 0.50; a half cent rounds away from zero both ways.
        assert_eq!(
            Money::from_minor(199).times(q("0.25")),
            Ok(Money::from_minor(50))
        );
        assert_eq!(
            Money::from_minor(-199).times(q("0.25")),
            Ok(Money::from_minor(-50))
        );
        assert_eq!(
            Money::from_minor(i64::MAX).times(q("2")),
            Err(AmountError::Overflow)
        );
    }
}
