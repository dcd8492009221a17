//! Pricing: line totals, discounts and tax, as pure functions over exact money.
//!
//! The rules, in order, for each line:
//! 1. gross = unit price × quantity, rounded once, half away from zero, to the minor unit
//!    (exact for pieces; $2.99/kg × 0.742 kg = 2.21858 → $2.22: `Money::times`);
//! 2. minus the line discount (an amount, or a percent of gross rounded half away from zero);
//! 3. minus the line's share of the cart discount, split across lines in proportion to what
//!    is left of each (largest remainder, so the shares add up to the cart discount exactly);
//! 4. tax on what is left, rounded per line: exclusive pricing adds `net × rate`, inclusive
//!    pricing takes out the tax already in the price, `net × rate / (1 + rate)`.
//!
//! Every total is a sum of line figures, so subtotal − discounts (+ tax when exclusive) =
//! total, and the tax lines per rate add up to the tax total, to the minor unit.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::{div_round_half_away, AmountError, Currency, Money, Percent};
use crate::quantity::Quantity;

/// A discount as the cashier keys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    Amount(Money),
    Percent(Percent),
}

impl Discount {
    /// Reads a discount as a cashier types it: `10%` (a percentage) or `5.00` (an amount
    /// in `currency`).
    pub fn parse(text: &str, currency: &Currency) -> Result<Discount, AmountError> {
        let text = text.trim();
        Ok(if text.ends_with('%') {
            Discount::Percent(Percent::parse(text)?)
        } else {
            Discount::Amount(currency.parse_non_negative(text)?)
        })
    }

    /// The discount in money, taken off `base`.
    fn amount_of(self, base: Money) -> Result<Money, PricingError> {
        let amount = match self {
            Discount::Amount(amount) => amount,
            Discount::Percent(percent) => base.percent_of(percent),
        };
        if amount.minor() < 0 {
            return Err(PricingError::NegativeDiscount);
        }
        if amount > base {
            return Err(PricingError::DiscountTooLarge {
                discount: amount,
                amount: base,
            });
        }
        Ok(amount)
    }
}

/// What pricing needs to know of one cart line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub unit_price: Money,
    pub quantity: Quantity,
    pub tax_rate: Percent,
    pub discount: Option<Discount>,
}

/// One priced line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PricedLine {
    /// Unit price × quantity.
    pub gross: Money,
    pub line_discount: Money,
    /// This line's share of the cart discount.
    pub cart_discount: Money,
    /// Gross minus both discounts: the amount tax is computed on (or contained in).
    pub net: Money,
    pub tax: Money,
    /// What the customer pays for the line: `net + tax` when exclusive, `net` when inclusive.
    pub total: Money,
}

/// The tax charged at one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    pub rate: Percent,
    /// The net amount of the lines at this rate.
    pub taxable: Money,
    pub tax: Money,
}

/// A priced cart: its lines and totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PricedCart {
    pub lines: Vec<PricedLine>,
    /// The sum of gross line amounts, before any discount.
    pub subtotal: Money,
    /// Line discounts plus the cart discount.
    pub discount_total: Money,
    pub cart_discount: Money,
    pub tax_total: Money,
    pub total: Money,
    /// One entry per tax rate, lowest rate first; rates with no lines are absent.
    pub taxes: Vec<TaxLine>,
}

/// Why a cart could not be priced.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PricingError {
    #[error("a discount cannot be negative")]
    NegativeDiscount,
    #[error("the discount is more than the amount it applies to")]
    DiscountTooLarge { discount: Money, amount: Money },
    #[error("a quantity must be more than zero")]
    BadQuantity,
    #[error(transparent)]
    Amount(#[from] AmountError),
}

/// Prices a cart. `tax_inclusive` comes from the business settings.
pub fn price_cart(
    lines: &[LineInput],
    cart_discount: Option<Discount>,
    tax_inclusive: bool,
) -> Result<PricedCart, PricingError> {
    let mut priced = Vec::with_capacity(lines.len());
    for line in lines {
        if !line.quantity.is_positive() {
            return Err(PricingError::BadQuantity);
        }
        let gross = line.unit_price.times(line.quantity)?;
        let line_discount = match line.discount {
            Some(d) => d.amount_of(gross)?,
            None => Money::ZERO,
        };
        priced.push(PricedLine {
            gross,
            line_discount,
            net: gross.checked_sub(line_discount)?,
            ..PricedLine::default()
        });
    }

    let after_line_discounts = Money::sum(priced.iter().map(|l| l.net))?;
    let cart_discount = match cart_discount {
        Some(d) => d.amount_of(after_line_discounts)?,
        None => Money::ZERO,
    };
    let nets: Vec<Money> = priced.iter().map(|l| l.net).collect();
    for (line, share) in priced.iter_mut().zip(allocate(cart_discount, &nets)) {
        line.cart_discount = share;
        line.net = line.net.checked_sub(share)?;
    }

    for (line, input) in priced.iter_mut().zip(lines) {
        line.tax = line_tax(line.net, input.tax_rate, tax_inclusive);
        line.total = if tax_inclusive {
            line.net
        } else {
            line.net.checked_add(line.tax)?
        };
    }
    let taxes = tax_lines(
        lines
            .iter()
            .zip(&priced)
            .map(|(input, line)| (input.tax_rate, line.net, line.tax)),
    )?;

    let line_discounts = Money::sum(priced.iter().map(|l| l.line_discount))?;
    Ok(PricedCart {
        subtotal: Money::sum(priced.iter().map(|l| l.gross))?,
        discount_total: line_discounts.checked_add(cart_discount)?,
        cart_discount,
        tax_total: Money::sum(priced.iter().map(|l| l.tax))?,
        total: Money::sum(priced.iter().map(|l| l.total))?,
        taxes,
        lines: priced,
    })
}

/// The tax on (exclusive) or within (inclusive) a net line amount, rounded half away
/// from zero.
pub fn line_tax(net: Money, rate: Percent, tax_inclusive: bool) -> Money {
    let rate = i128::from(rate.thousandths());
    let hundred = i128::from(Percent::HUNDRED.thousandths());
    let divisor = if tax_inclusive {
        hundred + rate
    } else {
        hundred
    };
    Money::from_minor(div_round_half_away(i128::from(net.minor()) * rate, divisor))
}

/// Groups lines' `(rate, net, tax)` into one tax line per rate, lowest rate first.
pub fn tax_lines(
    lines: impl IntoIterator<Item = (Percent, Money, Money)>,
) -> Result<Vec<TaxLine>, AmountError> {
    let mut taxes: Vec<TaxLine> = Vec::new();
    for (rate, net, tax) in lines {
        match taxes.iter_mut().find(|t| t.rate == rate) {
            Some(t) => {
                t.taxable = t.taxable.checked_add(net)?;
                t.tax = t.tax.checked_add(tax)?;
            }
            None => taxes.push(TaxLine {
                rate,
                taxable: net,
                tax,
            }),
        }
    }
    taxes.sort_by_key(|t| t.rate);
    Ok(taxes)
}

/// Splits `total` across `weights` in proportion, by the largest-remainder method: the
/// shares always add up to `total` exactly, and ties go to the earlier line.
pub fn allocate(total: Money, weights: &[Money]) -> Vec<Money> {
    let weight_sum: i128 = weights.iter().map(|w| i128::from(w.minor())).sum();
    if weight_sum == 0 {
        return vec![Money::ZERO; weights.len()];
    }
    let total = i128::from(total.minor());
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = total * i128::from(w.minor());
        shares.push(exact / weight_sum);
        remainders.push((exact % weight_sum, i));
    }
    let left = total - shares.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(usize::try_from(left).unwrap_or(0)) {
        shares[i] += 1;
    }
    shares
        .into_iter()
        .map(|s| Money::from_minor(i64::try_from(s).expect("a share is at most the total")))
        .collect()
}

/// Whether `discount` off `base` is more than `limit` percent of it.
pub fn exceeds_percent(discount: Money, base: Money, limit: Percent) -> bool {
    i128::from(discount.minor()) * i128::from(Percent::HUNDRED.thousandths())
        > i128::from(base.minor()) * i128::from(limit.thousandths())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(minor: i64) -> Money {
        Money::from_minor(minor)
    }

    fn pct(text: &str) -> Percent {
        Percent::parse(text).unwrap()
    }

    #[test]
    fn discounts_as_typed() {
        let usd = Currency::from_code("USD").unwrap();
        assert_eq!(
            Discount::parse("10%", &usd).unwrap(),
            Discount::Percent(pct("10"))
        );
        assert_eq!(
            Discount::parse(" 5.00 ", &usd).unwrap(),
            Discount::Amount(m(500))
        );
        assert!(Discount::parse("110%", &usd).is_err());
        assert!(Discount::parse("-1", &usd).is_err());
        assert!(Discount::parse("ten", &usd).is_err());
    }

    fn line(unit: i64, qty: i64, rate: &str) -> LineInput {
        LineInput {
            unit_price: m(unit),
            quantity: Quantity::units(qty),
            tax_rate: pct(rate),
            discount: None,
        }
    }

    /// Totals must always reconcile with the lines, whatever the inputs.
    fn assert_reconciles(cart: &PricedCart, inclusive: bool) {
        let sum = |f: fn(&PricedLine) -> Money| Money::sum(cart.lines.iter().map(f)).unwrap();
        assert_eq!(cart.subtotal, sum(|l| l.gross));
        assert_eq!(cart.tax_total, sum(|l| l.tax));
        assert_eq!(cart.total, sum(|l| l.total));
        assert_eq!(
            cart.tax_total,
            Money::sum(cart.taxes.iter().map(|t| t.tax)).unwrap()
        );
        assert_eq!(cart.cart_discount, sum(|l| l.cart_discount));
        let expected_total = cart.subtotal.minor() - cart.discount_total.minor()
            + if inclusive { 0 } else { cart.tax_total.minor() };
        assert_eq!(cart.total.minor(), expected_total);
    }

    #[test]
    fn exclusive_tax_table() {
        // (unit, qty, rate, tax, total): tax rounded per line, half away from zero.
        let cases: &[(i64, i64, &str, i64, i64)] = &[
            (999, 1, "8.875", 89, 1088),  // 88.66 -> 89
            (1000, 1, "8.875", 89, 1089), // 88.75 -> 89
            (400, 1, "8.875", 36, 436),   // 35.5 -> 36
            (199, 3, "20", 119, 716),     // 119.4 -> 119
            (1, 1, "8.875", 0, 1),        // 0.08875 -> 0
            (1200, 2, "10", 240, 2640),   // JPY-like whole units
            (1250, 1, "5", 63, 1313),     // KWD fils: 62.5 -> 63
            (99_999, 100, "0", 0, 9_999_900),
        ];
        for &(unit, qty, rate, tax, total) in cases {
            let cart = price_cart(&[line(unit, qty, rate)], None, false).unwrap();
            assert_eq!(cart.tax_total, m(tax), "{unit}x{qty}@{rate}");
            assert_eq!(cart.total, m(total), "{unit}x{qty}@{rate}");
            assert_reconciles(&cart, false);
        }
    }

    #[test]
    fn inclusive_tax_table() {
        // (unit, qty, rate, tax contained): total is the shelf price.
        let cases: &[(i64, i64, &str, i64)] = &[
            (1200, 1, "20", 200),  // 1200 * 20/120
            (999, 1, "8.875", 81), // 81.43 -> 81
            (100, 1, "19", 16),    // 15.97 -> 16
            (1000, 3, "7.7", 214), // 214.48 -> 214
            (500, 1, "0", 0),
        ];
        for &(unit, qty, rate, tax) in cases {
            let cart = price_cart(&[line(unit, qty, rate)], None, true).unwrap();
            assert_eq!(cart.tax_total, m(tax), "{unit}x{qty}@{rate}");
            assert_eq!(cart.total, m(unit * qty));
            assert_reconciles(&cart, true);
        }
    }

    #[test]
    fn tax_lines_per_rate() {
        let lines = [
            line(350, 2, "0"),
            line(999, 1, "8.875"),
            line(1999, 1, "8.875"),
            line(120, 5, "0"),
        ];
        let cart = price_cart(&lines, None, false).unwrap();
        assert_eq!(
            cart.taxes,
            vec![
                TaxLine {
                    rate: pct("0"),
                    taxable: m(1300),
                    tax: m(0)
                },
                // 88.66 -> 89 and 177.41 -> 177: rounded per line, not per rate.
                TaxLine {
                    rate: pct("8.875"),
                    taxable: m(2998),
                    tax: m(266)
                },
            ]
        );
        assert_reconciles(&cart, false);
    }

    #[test]
    fn line_discounts() {
        let mut l = line(1000, 2, "10");
        l.discount = Some(Discount::Percent(pct("15")));
        let cart = price_cart(std::slice::from_ref(&l), None, false).unwrap();
        assert_eq!(cart.lines[0].line_discount, m(300));
        assert_eq!(cart.lines[0].net, m(1700));
        assert_eq!(cart.tax_total, m(170));
        assert_eq!(cart.total, m(1870));

        l.discount = Some(Discount::Amount(m(2001)));
        assert_eq!(
            price_cart(&[l.clone()], None, false),
            Err(PricingError::DiscountTooLarge {
                discount: m(2001),
                amount: m(2000)
            })
        );
        l.discount = Some(Discount::Amount(m(-1)));
        assert_eq!(
            price_cart(&[l], None, false),
            Err(PricingError::NegativeDiscount)
        );
    }

    #[test]
    fn cart_discount_is_split_exactly() {
        // 10.00 off three lines of 3.33, 3.33, 3.34: shares must add to 10.00 exactly.
        let lines = [
            line(333, 1, "8.875"),
            line(333, 1, "8.875"),
            line(334, 1, "0"),
        ];
        let cart = price_cart(&lines, Some(Discount::Amount(m(1000))), false).unwrap();
        let shares: Vec<i64> = cart.lines.iter().map(|l| l.cart_discount.minor()).collect();
        assert_eq!(shares, [333, 333, 334]);
        assert_eq!(cart.total, m(0));

        // 1.00 off 3 equal lines: 34 + 33 + 33, the extra cent to the first line.
        let lines = [line(500, 1, "0"), line(500, 1, "0"), line(500, 1, "0")];
        let cart = price_cart(&lines, Some(Discount::Amount(m(100))), false).unwrap();
        let shares: Vec<i64> = cart.lines.iter().map(|l| l.cart_discount.minor()).collect();
        assert_eq!(shares, [34, 33, 33]);
        assert_reconciles(&cart, false);
    }

    #[test]
    fn cart_percent_discount_after_line_discounts() {
        let mut first = line(2000, 1, "8.875");
        first.discount = Some(Discount::Amount(m(500)));
        let lines = [first, line(999, 3, "0")];
        let cart = price_cart(&lines, Some(Discount::Percent(pct("10"))), false).unwrap();
        // After line discounts: 1500 + 2997 = 4497; 10% = 449.7 -> 450.
        assert_eq!(cart.cart_discount, m(450));
        assert_eq!(cart.discount_total, m(950));
        assert_reconciles(&cart, false);
        let cart = price_cart(&lines, Some(Discount::Percent(pct("10"))), true).unwrap();
        assert_eq!(cart.total, m(4497 - 450));
        assert_reconciles(&cart, true);
    }

    #[test]
    fn many_random_carts_reconcile() {
        // A deterministic pseudo-random sweep: the invariants hold for every cart.
        let mut seed: u64 = 0x5E11_5F1C;
        let mut next = |bound: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % bound
        };
        let rates = ["0", "5", "8.875", "20", "7.7"];
        for _ in 0..2000 {
            let n = 1 + next(8) as usize;
            let lines: Vec<LineInput> = (0..n)
                .map(|_| LineInput {
                    unit_price: m(1 + next(50_000) as i64),
                    // Pieces, or a weight from 0.001 to 5.000 in the unit.
                    quantity: match next(2) {
                        0 => Quantity::units(1 + next(12) as i64),
                        _ => Quantity::from_thousandths(1 + next(5_000) as i64),
                    },
                    tax_rate: pct(rates[next(5) as usize]),
                    discount: match next(4) {
                        0 => Some(Discount::Percent(Percent::from_thousandths(
                            next(100_001) as u32
                        ))),
                        1 => Some(Discount::Amount(m(next(50) as i64))),
                        _ => None,
                    },
                })
                .collect();
            let cart_discount = match next(3) {
                0 => Some(Discount::Percent(Percent::from_thousandths(
                    next(100_001) as u32
                ))),
                1 => Some(Discount::Amount(m(next(100) as i64))),
                _ => None,
            };
            for inclusive in [false, true] {
                let cart = match price_cart(&lines, cart_discount, inclusive) {
                    Ok(cart) => cart,
                    Err(PricingError::DiscountTooLarge { .. }) => continue,
                    Err(e) => panic!("{e}"),
                };
                assert_reconciles(&cart, inclusive);
                assert!(cart.lines.iter().all(|l| l.net.minor() >= 0));
            }
        }
    }

    #[test]
    fn a_weighed_line_is_rounded_once() {
        let weighed = LineInput {
            quantity: Quantity::from_thousandths(742),
            ..line(299, 1, "5")
        };
        let cart = price_cart(&[weighed, line(150, 2, "5")], None, false).unwrap();
        assert_eq!(cart.lines[0].gross, m(222), "2.99 × 0.742 = 2.21858");
        assert_eq!(cart.subtotal, m(522));
        assert_reconciles(&cart, false);
    }

    #[test]
    fn bad_quantities_and_overflow() {
        assert_eq!(
            price_cart(&[line(100, 0, "0")], None, false),
            Err(PricingError::BadQuantity)
        );
        assert_eq!(
            price_cart(&[line(100, -2, "0")], None, false),
            Err(PricingError::BadQuantity)
        );
        assert_eq!(
            price_cart(&[line(i64::MAX / 2, 3, "0")], None, false),
            Err(PricingError::Amount(AmountError::Overflow))
        );
        assert_eq!(
            price_cart(
                &[line(i64::MAX / 2, 1, "0"), line(i64::MAX / 2 + 2, 1, "0")],
                None,
                false
            ),
            Err(PricingError::Amount(AmountError::Overflow))
        );
    }

    #[test]
    fn percent_limits() {
        assert!(!exceeds_percent(m(1000), m(10_000), pct("10")));
        assert!(exceeds_percent(m(1001), m(10_000), pct("10")));
        assert!(exceeds_percent(m(1), m(0), pct("10")));
    }
}
