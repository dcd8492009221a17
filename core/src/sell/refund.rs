//! Refunds, pure: what a return gives back, line by line, tender by tender and point by
//! point. No database here: the return use case calls these with the sale as stored.
//!
//! Every figure of a sold line (its net, tax and total) is given back by *cumulative
//! share*: returning units `r+1..=r+q` of a line of `Q` units gives back
//! `round(x·(r+q)/Q) − round(x·r/Q)` of each figure `x` (quantities in thousandths of the
//! unit, so 0.250 kg of a 1.000 kg line is a share like any other). So however a sale comes back (all
//! at once, line by line, a unit at a time, at several tills), what is given back adds up
//! to each line's figures exactly, and over all its lines to the sale's total and its tax
//! per rate, to the minor unit. Discounts are inside each line's net already (its own and
//! its share of the cart's), so a partial return never gives back a discount the customer
//! did not get, nor keeps one they did. Loyalty points go back the same way, in proportion
//! to the money given back.

use crate::error::{Error, Result};
use sellsync_contract::documents::PaymentKind;
use sellsync_contract::money::{div_round_half_away, Currency, Money, Percent};
use sellsync_contract::pricing::{allocate, tax_lines, TaxLine};
use sellsync_contract::quantity::{Quantity, Unit};

/// A line of the sale being returned, with what came back of it already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldLine {
    pub product_name: String,
    pub unit: Unit,
    pub quantity: Quantity,
    /// After its discounts: what its tax was computed on (or is contained in).
    pub net: Money,
    pub tax: Money,
    /// What the customer paid for the line.
    pub total: Money,
    pub tax_rate: Percent,
    /// Returned before (by any till).
    pub returned: Quantity,
}

/// What returning some units of one line gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRefund {
    /// The line's index in the sale.
    pub line: usize,
    pub quantity: Quantity,
    pub net: Money,
    pub tax: Money,
    pub total: Money,
}

/// What a return gives back, line by line and in total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub lines: Vec<LineRefund>,
    pub total: Money,
    pub tax_total: Money,
    /// The tax reversed per rate, lowest rate first.
    pub taxes: Vec<TaxLine>,
}

/// The share of `x` that units `from+1..=to` of `of` units carry: the difference of two
/// rounded cumulative shares, so consecutive shares add up to `x` exactly.
fn cumulative(x: Money, from: Quantity, to: Quantity, of: Quantity) -> Money {
    let share = |n: Quantity| i128::from(x.minor()) * i128::from(n.thousandths());
    let at = |n: Quantity| div_round_half_away(share(n), i128::from(of.thousandths()));
    Money::from_minor(at(to) - at(from))
}

/// The refund of `picks` (a line's index and how much) from `sold`. The same line may be
/// picked twice (the quantities add up). Refused: nothing picked, a quantity of zero or
/// less or with more decimals than the line's unit has, a line the sale does not have, or
/// more than is left to return of a line.
pub fn refund_lines(sold: &[SoldLine], picks: &[(usize, Quantity)]) -> Result<Refund> {
    let mut wanted: Vec<(usize, Quantity)> = Vec::new();
    for &(line, quantity) in picks {
        let Some(of) = sold.get(line) else {
            return Err(Error::NoSuchLine(line + 1));
        };
        if !quantity.is_positive() {
            return Err(Error::ReturnQuantity {
                product: of.product_name.clone(),
                left: of.quantity - of.returned,
            });
        }
        quantity.fits(of.unit)?;
        match wanted.iter_mut().find(|(l, _)| *l == line) {
            // Saturating: a sum past any stock is refused as an over-return below.
            Some((_, q)) => {
                *q = Quantity::from_thousandths(
                    q.thousandths().saturating_add(quantity.thousandths()),
                )
            }
            None => wanted.push((line, quantity)),
        }
    }
    if wanted.is_empty() {
        return Err(Error::NothingToReturn);
    }
    wanted.sort_by_key(|(line, _)| *line);
    let mut lines = Vec::with_capacity(wanted.len());
    for (index, quantity) in wanted {
        let line = &sold[index];
        let left = line.quantity - line.returned;
        if quantity > left {
            return Err(Error::OverReturn {
                product: line.product_name.clone(),
                sold: line.quantity,
                returned: line.returned,
                asked: quantity,
            });
        }
        let (from, to) = (line.returned, line.returned + quantity);
        lines.push(LineRefund {
            line: index,
            quantity,
            net: cumulative(line.net, from, to, line.quantity),
            tax: cumulative(line.tax, from, to, line.quantity),
            total: cumulative(line.total, from, to, line.quantity),
        });
    }
    let taxes = tax_lines(lines.iter().map(|r| (sold[r.line].tax_rate, r.net, r.tax)))?;
    Ok(Refund {
        total: Money::sum(lines.iter().map(|r| r.total))?,
        tax_total: Money::sum(lines.iter().map(|r| r.tax))?,
        taxes,
        lines,
    })
}

/// The loyalty points a return moves: `(taken back, given back)`. Of the sale's `earned`
/// points, those on the money now given back are taken back; of the `redeemed` points the
/// customer paid with, the same share comes back. By cumulative share of the sale's
/// `total` (`refunded_before` of it given back already), so returning the whole sale moves
/// exactly all the points, in any number of returns.
pub fn loyalty_back(
    earned: i64,
    redeemed: i64,
    total: Money,
    refunded_before: Money,
    refunding: Money,
) -> (i64, i64) {
    let share = |points: i64| {
        if total.minor() <= 0 {
            return if refunded_before.minor() == 0 {
                points
            } else {
                0
            };
        }
        let at = |amount: Money| {
            let amount = amount.minor().min(total.minor());
            // Rounded down: a point is given or taken only once it is whole.
            (i128::from(points) * i128::from(amount) / i128::from(total.minor())) as i64
        };
        let after = Money::from_minor(refunded_before.minor() + refunding.minor());
        at(after) - at(refunded_before)
    };
    (share(earned), share(redeemed))
}

/// A payment of the sale, with what was refunded to it before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidTender {
    pub method_name: String,
    pub kind: PaymentKind,
    /// What it put towards the sale (cash net of the change given).
    pub paid: Money,
    pub refunded: Money,
}

impl PaidTender {
    /// What may still be refunded to it.
    pub fn left(&self) -> Money {
        Money::from_minor((self.paid.minor() - self.refunded.minor()).max(0))
    }
}

/// The default refund of `amount` over the sale's `tenders`: loyalty points get back the
/// value of the points given back (`points_value`), the rest goes back to the other
/// tenders in proportion to what each may still take, never more than that. Refused when
/// the tenders cannot take `amount` (everything was refunded already).
pub fn default_refund_tenders(
    amount: Money,
    tenders: &[PaidTender],
    points_value: Money,
    currency: &Currency,
) -> Result<Vec<Money>> {
    let mut refunds = vec![Money::ZERO; tenders.len()];
    let mut rest = amount;
    let points = tenders.iter().position(|t| t.kind == PaymentKind::Loyalty);
    if let Some(i) = points {
        let back = points_value.min(tenders[i].left()).min(amount);
        refunds[i] = back;
        rest = rest.checked_sub(back)?;
    }
    let weights: Vec<Money> = tenders
        .iter()
        .map(|t| {
            if t.kind == PaymentKind::Loyalty {
                Money::ZERO
            } else {
                t.left()
            }
        })
        .collect();
    let room = Money::sum(weights.iter().copied())?;
    if rest > room {
        // What the other tenders cannot take goes back as points, if the points can.
        let over = rest.checked_sub(room)?;
        match points {
            Some(i) if refunds[i].checked_add(over)? <= tenders[i].left() => {
                refunds[i] = refunds[i].checked_add(over)?;
                rest = room;
            }
            _ => {
                let left = Money::sum(tenders.iter().map(PaidTender::left))?;
                return Err(Error::RefundOverTender {
                    method: "The sale's payments".into(),
                    left: currency.format(left),
                });
            }
        }
    }
    for (refund, share) in refunds.iter_mut().zip(allocate(rest, &weights)) {
        *refund = refund.checked_add(share)?;
    }
    Ok(refunds)
}

/// Checks refunds chosen by the cashier, one amount per tender of the sale (in its
/// order): none more than its tender may still take, and together exactly `amount`.
pub fn check_refund_tenders(
    amount: Money,
    tenders: &[PaidTender],
    refunds: &[Money],
    currency: &Currency,
) -> Result<()> {
    if refunds.len() != tenders.len() {
        return Err(Error::RefundOverTender {
            method: "A payment the sale did not have".into(),
            left: currency.format(Money::ZERO),
        });
    }
    for (tender, refund) in tenders.iter().zip(refunds) {
        if refund.minor() < 0 || *refund > tender.left() {
            return Err(Error::RefundOverTender {
                method: tender.method_name.clone(),
                left: currency.format(tender.left()),
            });
        }
    }
    let given = Money::sum(refunds.iter().copied())?;
    if given != amount {
        return Err(Error::RefundNotWhole {
            due: currency.format(amount),
            given: currency.format(given),
        });
    }
    Ok(())
}

/// Why a return needs a manager's approval, in words, or `None` when the cashier may do
/// it alone: a return without a receipt, a sale older than the return window
/// (`age_days` is `None` without a receipt), or a refund over the cashier limit.
pub fn approval_needed(
    age_days: Option<i64>,
    window_days: i64,
    refund: Money,
    cashier_limit: Money,
    currency: &Currency,
) -> Option<String> {
    let Some(age) = age_days else {
        return Some("a return without a receipt".into());
    };
    if age > window_days {
        return Some(format!(
            "the sale is {age} days old, past the {window_days}-day return window"
        ));
    }
    if refund > cashier_limit {
        return Some(format!(
            "the refund of {} is over the cashier limit of {}",
            currency.format(refund),
            currency.format(cashier_limit)
        ));
    }
    None
}

#[cfg(test)]
mod tests;
