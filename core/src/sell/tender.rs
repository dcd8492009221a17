//! Paying for a sale, pure: tenders settled against what is due (only cash gives change,
//! and the change comes out of the cash), where paying stands while the cashier takes
//! tenders, the quick cash amounts of each currency's banknotes, and loyalty points
//! earned. No database here: checkout calls these with the cart's total.

use serde::Serialize;

use crate::error::{Error, Result};
use sellsync_contract::documents::PaymentKind;
use sellsync_contract::ids::Id;
use sellsync_contract::money::{Currency, Money};

/// A payment method the business accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethod {
    pub id: Id,
    pub method_name: String,
    pub provider: String,
    pub kind: PaymentKind,
}

/// A payment the cashier takes: a method and an amount, or no amount for "the rest".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tender {
    pub method: PaymentMethod,
    pub amount: Option<Money>,
}

/// One payment of a completed sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// `None` for loyalty points.
    pub payment_method_id: Option<Id>,
    pub method_name: String,
    pub kind: PaymentKind,
    /// What the customer handed over.
    pub tendered: Money,
    /// What went to the sale: `tendered` less any change given from it.
    pub amount: Money,
}

/// Payments settled against an amount due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub payments: Vec<Payment>,
    pub tendered: Money,
    pub change: Money,
}

/// Settles `due` with `tenders`. At most one tender may leave its amount out (it takes
/// what is left). Only cash may be more than what is due; the difference is the change.
pub fn settle(due: Money, tenders: &[Tender], currency: &Currency) -> Result<Settlement> {
    if tenders.iter().filter(|t| t.amount.is_none()).count() > 1 {
        return Err(Error::SeveralOpenTenders);
    }
    if tenders
        .iter()
        .any(|t| t.amount.is_some_and(|a| a.minor() <= 0))
    {
        return Err(Error::ZeroTender);
    }
    let explicit = Money::sum(tenders.iter().filter_map(|t| t.amount))?;
    let rest = due.checked_sub(explicit)?.max(Money::ZERO);
    let mut payments: Vec<Payment> = tenders
        .iter()
        .map(|t| (t, t.amount.unwrap_or(rest)))
        .filter(|(_, amount)| amount.minor() > 0)
        .map(|(t, amount)| Payment {
            payment_method_id: Some(t.method.id),
            method_name: t.method.method_name.clone(),
            kind: t.method.kind,
            tendered: amount,
            amount,
        })
        .collect();
    let tendered = Money::sum(payments.iter().map(|p| p.tendered))?;
    if tendered < due {
        return Err(Error::TenderShort {
            due: currency.format(due),
            tendered: currency.format(tendered),
            short: currency.format(due.checked_sub(tendered)?),
        });
    }
    let mut non_cash = Money::ZERO;
    for p in payments.iter().filter(|p| p.kind != PaymentKind::Cash) {
        non_cash = non_cash.checked_add(p.tendered)?;
        if non_cash > due {
            return Err(Error::NonCashOverpay {
                method: p.method_name.clone(),
                due: currency.format(due),
            });
        }
    }
    let change = tendered.checked_sub(due)?;
    // Change comes out of the cash payments, the last one first.
    let mut left = change;
    for p in payments
        .iter_mut()
        .rev()
        .filter(|p| p.kind == PaymentKind::Cash)
    {
        let take = left.min(p.tendered);
        p.amount = p.tendered.checked_sub(take)?;
        left = left.checked_sub(take)?;
    }
    Ok(Settlement {
        payments,
        tendered,
        change,
    })
}

/// Where paying stands after the tenders taken so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    pub due: Money,
    /// The tenders' amounts added up (a tender without an amount pays the rest).
    pub paid: Money,
    /// What is still to pay.
    pub remaining: Money,
    /// What the customer gets back.
    pub change: Money,
}

/// The balance of `due` after `tenders` (their amounts are not checked here: [`settle`]
/// does that when the sale completes).
pub fn balance(due: Money, tenders: &[Tender]) -> Result<Balance> {
    if tenders.iter().any(|t| t.amount.is_none()) {
        return Ok(Balance {
            due,
            paid: due,
            remaining: Money::ZERO,
            change: Money::ZERO,
        });
    }
    let paid = Money::sum(tenders.iter().filter_map(|t| t.amount))?;
    Ok(Balance {
        due,
        paid,
        remaining: due.checked_sub(paid)?.max(Money::ZERO),
        change: paid.checked_sub(due)?.max(Money::ZERO),
    })
}

/// The banknotes a customer commonly pays with, in major units of `currency`. A
/// currency not listed gets the 1-2-5 series (1, 2, 5, 10, 20, 50, …).
fn banknotes(currency: &Currency) -> Vec<i64> {
    let listed: &[i64] = match currency.code() {
        "USD" | "CAD" | "AUD" | "NZD" | "SGD" | "HKD" | "MXN" => &[5, 10, 20, 50, 100],
        "EUR" => &[5, 10, 20, 50, 100, 200],
        "GBP" => &[5, 10, 20, 50],
        "CHF" => &[10, 20, 50, 100, 200],
        "JPY" => &[1_000, 5_000, 10_000],
        "INR" => &[10, 20, 50, 100, 200, 500],
        _ => &[],
    };
    if !listed.is_empty() {
        return listed.to_vec();
    }
    (0..10)
        .map(|power| 10_i64.pow(power))
        .flat_map(|decade| [decade, 2 * decade, 5 * decade])
        .collect()
}

/// The quick cash amounts to offer for `due`: the exact amount, then up to three amounts
/// that round it up to the next banknote of the currency (1,200 JPY: 1,200, 2,000,
/// 5,000, 10,000). Exact, in minor units; nothing for nothing due.
pub fn quick_cash(due: Money, currency: &Currency) -> Vec<Money> {
    if due.minor() <= 0 {
        return Vec::new();
    }
    let mut amounts = vec![due];
    for note in banknotes(currency) {
        let Some(note) = note.checked_mul(currency.minor_per_major()) else {
            break;
        };
        // Up to the next multiple of the note.
        let notes = due.minor() / note + i64::from(due.minor() % note != 0);
        let Some(rounded) = notes.checked_mul(note).map(Money::from_minor) else {
            break;
        };
        if rounded > due && !amounts.contains(&rounded) {
            amounts.push(rounded);
        }
        if amounts.len() == 4 {
            break;
        }
    }
    amounts
}

/// Loyalty points earned on `paid`: `per_unit` points for each whole unit of currency.
/// What `payments` paid (or gave back) in tenders of `kind`.
pub fn paid_in(payments: &[Payment], kind: PaymentKind) -> Result<Money> {
    Ok(Money::sum(
        payments.iter().filter(|p| p.kind == kind).map(|p| p.amount),
    )?)
}

pub fn points_earned(paid: Money, currency: &Currency, per_unit: i64) -> i64 {
    (paid.minor().max(0) / currency.minor_per_major()).saturating_mul(per_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_cash_rounds_up_to_the_currencys_notes() {
        let offered = |due: &str, code: &str| -> Vec<String> {
            let currency = Currency::from_code(code).unwrap();
            let due = currency.parse(due).unwrap();
            quick_cash(due, &currency)
                .into_iter()
                .map(|m| currency.format(m))
                .collect()
        };
        assert_eq!(offered("8.29", "USD"), ["8.29", "10.00", "20.00", "50.00"]);
        assert_eq!(offered("20.00", "USD"), ["20.00", "50.00", "100.00"]);
        assert_eq!(offered("1200", "JPY"), ["1200", "2000", "5000", "10000"]);
        assert_eq!(offered("10000", "JPY"), ["10000"]);
        assert_eq!(offered("3.50", "EUR"), ["3.50", "5.00", "10.00", "20.00"]);
        assert_eq!(
            offered("12.345", "KWD"),
            ["12.345", "13.000", "14.000", "15.000"]
        );
        assert_eq!(offered("0.00", "USD"), Vec::<String>::new());
        let usd = Currency::from_code("USD").unwrap();
        let huge = Money::from_minor(i64::MAX - 1);
        assert_eq!(
            quick_cash(huge, &usd),
            [huge],
            "no overflow, no note to round to"
        );
    }

    fn method(name: &str, kind: PaymentKind) -> PaymentMethod {
        PaymentMethod {
            id: Id::new(),
            method_name: name.into(),
            provider: String::new(),
            kind,
        }
    }

    #[test]
    fn tenders_settle_with_change_from_cash_only() {
        let usd = Currency::from_code("USD").unwrap();
        let cash = method("Cash", PaymentKind::Cash);
        let card = method("Card", PaymentKind::Card);
        let m = Money::from_minor;
        let tender = |method: &PaymentMethod, amount: Option<i64>| Tender {
            method: method.clone(),
            amount: amount.map(m),
        };
        // Tendered, change, and what each payment put towards the sale.
        type Settled = (i64, i64, Vec<i64>);
        // (due, tenders) → what they settle, or the error's code.
        let cases: Vec<(i64, Vec<Tender>, Result<Settled, &str>)> = vec![
            (
                1_000,
                vec![tender(&cash, Some(2_000))],
                Ok((2_000, 1_000, vec![1_000])),
            ),
            (
                1_000,
                vec![tender(&cash, None)],
                Ok((1_000, 0, vec![1_000])),
            ),
            (
                1_000,
                vec![tender(&card, Some(400)), tender(&cash, None)],
                Ok((1_000, 0, vec![400, 600])),
            ),
            (
                1_000,
                vec![tender(&card, Some(400)), tender(&cash, Some(1_000))],
                Ok((1_400, 400, vec![400, 600])),
            ),
            (1_000, vec![tender(&cash, Some(999))], Err("tender_short")),
            (
                1_000,
                vec![tender(&card, Some(1_001))],
                Err("non_cash_overpay"),
            ),
            (
                1_000,
                vec![tender(&cash, None), tender(&card, None)],
                Err("several_open_tenders"),
            ),
            (1_000, vec![tender(&cash, Some(0))], Err("zero_tender")),
        ];
        for (due, tenders, expected) in cases {
            let got = settle(m(due), &tenders, &usd).map(|s| {
                (
                    s.tendered.minor(),
                    s.change.minor(),
                    s.payments
                        .iter()
                        .map(|p| p.amount.minor())
                        .collect::<Vec<_>>(),
                )
            });
            match (got, expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "due {due}"),
                (Err(e), Err(code)) => assert_eq!(e.code(), code, "due {due}: {e}"),
                (got, want) => panic!("due {due}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_balance_follows_the_tenders() {
        let cash = method("Cash", PaymentKind::Cash);
        let m = Money::from_minor;
        let b = balance(
            m(1_000),
            &[Tender {
                method: cash.clone(),
                amount: Some(m(300)),
            }],
        )
        .unwrap();
        assert_eq!((b.paid, b.remaining, b.change), (m(300), m(700), m(0)));
        let b = balance(
            m(1_000),
            &[Tender {
                method: cash.clone(),
                amount: Some(m(1_500)),
            }],
        )
        .unwrap();
        assert_eq!((b.remaining, b.change), (m(0), m(500)));
        let b = balance(
            m(1_000),
            &[Tender {
                method: cash,
                amount: None,
            }],
        )
        .unwrap();
        assert_eq!((b.paid, b.remaining), (m(1_000), m(0)));
    }

    #[test]
    fn points_are_earned_per_whole_unit() {
        let usd = Currency::from_code("USD").unwrap();
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(points_earned(Money::from_minor(1_999), &usd, 1), 19);
        assert_eq!(points_earned(Money::from_minor(1_999), &jpy, 1), 1_999);
        assert_eq!(points_earned(Money::from_minor(-500), &usd, 1), 0);
    }
}
