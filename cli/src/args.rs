//! Reading the values a person types on the command line: `CODE:QTY`, `cash:20.00`,
//! `10%` or `5.00`.

use anyhow::{bail, Result};
use sellsync_core::{Currency, Discount, Money, Percent};

/// `CODE` or `CODE:QTY`.
pub fn parse_item(text: &str) -> Result<(&str, i64)> {
    match text.split_once(':') {
        None => Ok((text, 1)),
        Some((code, qty)) => match qty.trim().parse() {
            Ok(qty) => Ok((code, qty)),
            Err(_) => bail!("{qty:?} in --item {text:?} is not a whole-number quantity"),
        },
    }
}

/// `METHOD` or `METHOD:AMOUNT`.
pub fn parse_payment<'a>(text: &'a str, currency: &Currency) -> Result<(&'a str, Option<Money>)> {
    match text.split_once(':') {
        None => Ok((text, None)),
        Some((method, amount)) => Ok((method, Some(currency.parse_non_negative(amount)?))),
    }
}

/// `10%` (a percentage) or `5.00` (an amount).
pub fn parse_discount(text: &str, currency: &Currency) -> Result<Discount> {
    let text = text.trim();
    Ok(if text.ends_with('%') {
        Discount::Percent(Percent::parse(text)?)
    } else {
        Discount::Amount(currency.parse_non_negative(text)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_payments_and_discounts() {
        let usd = Currency::from_code("USD").unwrap();
        assert_eq!(parse_item("4006381333931").unwrap(), ("4006381333931", 1));
        assert_eq!(parse_item("SKU-1:3").unwrap(), ("SKU-1", 3));
        assert_eq!(
            parse_item("SKU-1:-2").unwrap(),
            ("SKU-1", -2),
            "core refuses it"
        );
        assert!(parse_item("SKU-1:two").is_err());
        assert_eq!(parse_payment("cash", &usd).unwrap(), ("cash", None));
        assert_eq!(
            parse_payment("cash:20", &usd).unwrap(),
            ("cash", Some(Money::from_minor(2000)))
        );
        assert!(parse_payment("cash:-1", &usd).is_err());
        assert!(parse_payment("cash:1.234", &usd).is_err());
        assert_eq!(
            parse_discount("10%", &usd).unwrap(),
            Discount::Percent(Percent::from_thousandths(10_000))
        );
        assert_eq!(
            parse_discount("5.00", &usd).unwrap(),
            Discount::Amount(Money::from_minor(500))
        );
        assert!(parse_discount("110%", &usd).is_err());
    }
}
