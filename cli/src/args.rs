//! Reading the values a person types on the command line: `CODE:QTY` and `cash:20.00`
//! (discounts, `10%` or `5.00`, are read by core's `Discount::parse`).

use anyhow::{bail, Result};
use sellsync_contract::Quantity;
use sellsync_core::{Currency, Money};

/// `CODE` or `CODE:QTY` (`QTY` a whole number, or a weight such as `0.742`; core checks it
/// against the product's unit).
pub fn parse_item(text: &str) -> Result<(&str, Quantity)> {
    match text.split_once(':') {
        None => Ok((text, Quantity::ONE)),
        Some((code, qty)) => match qty.trim().parse() {
            Ok(qty) => Ok((code, qty)),
            Err(e) => bail!("{qty:?} in --item {text:?} is not a quantity: {e}"),
        },
    }
}

/// `CODE`, `CODE:QTY` or `CODE:QTY@COST`: a line of a purchase order.
pub fn parse_order_item<'a>(
    text: &'a str,
    currency: &Currency,
) -> Result<(&'a str, Quantity, Option<Money>)> {
    let (item, cost) = match text.rsplit_once('@') {
        Some((item, cost)) => (item, Some(currency.parse_non_negative(cost)?)),
        None => (text, None),
    };
    let (code, quantity) = parse_item(item)?;
    Ok((code, quantity, cost))
}

/// `METHOD` or `METHOD:AMOUNT`.
pub fn parse_payment<'a>(text: &'a str, currency: &Currency) -> Result<(&'a str, Option<Money>)> {
    match text.split_once(':') {
        None => Ok((text, None)),
        Some((method, amount)) => Ok((method, Some(currency.parse_non_negative(amount)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_payments() {
        let usd = Currency::from_code("USD").unwrap();
        let q = |n| Quantity::units(n);
        assert_eq!(
            parse_item("4006381333931").unwrap(),
            ("4006381333931", q(1))
        );
        assert_eq!(parse_item("SKU-1:3").unwrap(), ("SKU-1", q(3)));
        assert_eq!(
            parse_item("SKU-1:0.742").unwrap(),
            ("SKU-1", Quantity::from_thousandths(742))
        );
        assert_eq!(
            parse_item("SKU-1:-2").unwrap(),
            ("SKU-1", q(-2)),
            "core refuses it"
        );
        assert!(parse_item("SKU-1:two").is_err());
        assert!(parse_item("SKU-1:1.2345").is_err());
        assert_eq!(parse_payment("cash", &usd).unwrap(), ("cash", None));
        assert_eq!(
            parse_payment("cash:20", &usd).unwrap(),
            ("cash", Some(Money::from_minor(2000)))
        );
        assert!(parse_payment("cash:-1", &usd).is_err());
        assert!(parse_payment("cash:1.234", &usd).is_err());
        assert_eq!(
            parse_order_item("DAI-002:24@4.10", &usd).unwrap(),
            ("DAI-002", Quantity::units(24), Some(Money::from_minor(410)))
        );
        assert_eq!(
            parse_order_item("DAI-002:24", &usd).unwrap(),
            ("DAI-002", Quantity::units(24), None)
        );
        assert!(parse_order_item("DAI-002:24@free", &usd).is_err());
    }
}
