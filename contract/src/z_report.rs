//! A closed shift as the Z report gives it and `z_reports` keeps it: its figures (sales,
//! returns, tax, tenders, cash, per cashier), its count and the till's grand total, and
//! the lines a report prints them as. Computed at the till (`sellsync-core`'s
//! `shift::report`), stored so, never recomputed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cash_count::CashCount;
use crate::documents::PaymentKind;
use crate::ids::Id;
use crate::money::{Currency, Money};
use crate::pricing::TaxLine;

/// Sales and refunds through one payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderTotal {
    pub method_name: String,
    pub kind: PaymentKind,
    pub sales: Money,
    pub refunds: Money,
}

/// What one cashier rang up in the shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashierTotal {
    pub name: String,
    pub sales_count: i64,
    pub sales: Money,
    pub returns_count: i64,
    pub returns: Money,
}

/// A shift's figures. Amounts are in the business's currency; `net_sales` is what the
/// customers paid less what was refunded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftFigures {
    pub sales_count: i64,
    pub returns_count: i64,
    /// Before discounts (and, where prices exclude it, before tax).
    pub gross_sales: Money,
    pub discounts: Money,
    /// What the customers paid for the sales.
    pub sales_total: Money,
    pub returns_total: Money,
    pub net_sales: Money,
    /// Tax per rate, the returns' taken off.
    pub taxes: Vec<TaxLine>,
    pub tenders: Vec<TenderTotal>,
    pub opening_float: Money,
    pub cash_in: Money,
    pub cash_out: Money,
    /// What the drawer should hold: the float, cash taken (less change), cash refunded,
    /// cash put in and taken out.
    pub expected_cash: Money,
    pub no_sale_openings: i64,
    /// Sales voided within the shift (not in the figures above) and what they came to.
    pub voids_count: i64,
    pub voids_total: Money,
    /// Lines taken off carts before payment.
    pub lines_removed: i64,
    pub cashiers: Vec<CashierTotal>,
    pub first_sale_number: Option<String>,
    pub last_sale_number: Option<String>,
}

/// One count of the drawer at a shift's close, as recorded when it was made: the close is
/// blind, so a count off by more than the business allows is counted again, and every
/// count (the refused ones too) is on the Z report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawerCount {
    pub counted: CashCount,
    /// Counted less the cash expected at the time (below zero: short).
    pub over_short: Money,
    pub counted_by: Id,
    pub counted_by_name: String,
    pub counted_at: DateTime<Utc>,
}

/// A Z report: a closed shift's figures, its count and the till's grand total, as
/// written when the shift closed (stored so, never recomputed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZReport {
    pub z_number: i64,
    pub shift_id: Id,
    pub till_id: Id,
    pub till_code: String,
    pub store_id: Id,
    pub store_name: String,
    pub business_name: String,
    pub currency: String,
    pub opened_at: DateTime<Utc>,
    pub opened_by: Id,
    pub opened_by_name: String,
    pub closed_at: DateTime<Utc>,
    pub closed_by: Id,
    pub closed_by_name: String,
    /// The manager who accepted a count too far from the expected cash.
    pub approved_by: Option<Id>,
    pub figures: ShiftFigures,
    /// The count the shift closed with: the last of `counts`.
    pub counted: CashCount,
    /// Counted less expected: below zero the drawer is short, above it is over.
    pub over_short: Money,
    /// Every count made at the close, in order (empty in reports closed before counts
    /// were recorded).
    #[serde(default)]
    pub counts: Vec<DrawerCount>,
    /// Net sales of every closed shift of this till since it began, this one included.
    pub grand_total: Money,
}

impl ZReport {
    /// The report as printed, line by line: the figures, then the count.
    pub fn rows(&self, currency: &Currency) -> Vec<(String, String)> {
        let money = |m: Money| currency.format(m);
        let mut rows = rows(&self.figures, currency);
        if self.counts.len() > 1 {
            for (n, count) in self.counts.iter().enumerate() {
                rows.push((
                    format!("Count {} by {}", n + 1, count.counted_by_name),
                    money(count.counted.total),
                ));
            }
        }
        rows.push(("Counted cash".to_owned(), money(self.counted.total)));
        for d in &self.counted.denominations {
            rows.push((format!("  {} x {}", d.count, money(d.value)), String::new()));
        }
        let label = if self.over_short.minor() < 0 {
            "Short"
        } else {
            "Over"
        };
        rows.push((label.to_owned(), money(self.over_short)));
        rows.push(("Grand total".to_owned(), money(self.grand_total)));
        rows
    }
}

/// The figures as a report prints them, line by line: a label and its value, amounts
/// in `currency`. The X and Z reports on paper, on screen and at the command line.
pub fn rows(f: &ShiftFigures, currency: &Currency) -> Vec<(String, String)> {
    let money = |m: Money| currency.format(m);
    let mut rows = vec![
        ("Sales".to_owned(), f.sales_count.to_string()),
        ("Gross sales".to_owned(), money(f.gross_sales)),
        ("Discounts".to_owned(), money(f.discounts)),
    ];
    // Where prices exclude tax, the tax the sales added, so that the lines add up to the
    // total (where they include it, the gross holds it already).
    let added = f.sales_total.minor() - (f.gross_sales.minor() - f.discounts.minor());
    if added != 0 {
        rows.push(("Tax".to_owned(), money(Money::from_minor(added))));
    }
    rows.extend([
        ("Sales total".to_owned(), money(f.sales_total)),
        (
            format!("Returns ({})", f.returns_count),
            money(f.returns_total),
        ),
        ("Net sales".to_owned(), money(f.net_sales)),
    ]);
    for t in &f.taxes {
        rows.push((
            format!("Tax {} on {}", t.rate, money(t.taxable)),
            money(t.tax),
        ));
    }
    for t in &f.tenders {
        rows.push((format!("{} sales", t.method_name), money(t.sales)));
        if t.refunds.minor() != 0 {
            rows.push((format!("{} refunds", t.method_name), money(t.refunds)));
        }
    }
    rows.extend([
        ("Opening float".to_owned(), money(f.opening_float)),
        ("Cash in".to_owned(), money(f.cash_in)),
        ("Cash out".to_owned(), money(f.cash_out)),
        ("Expected cash".to_owned(), money(f.expected_cash)),
        (
            "Drawer opened, no sale".to_owned(),
            f.no_sale_openings.to_string(),
        ),
        (format!("Voids ({})", f.voids_count), money(f.voids_total)),
        ("Lines removed".to_owned(), f.lines_removed.to_string()),
    ]);
    for c in &f.cashiers {
        rows.push((
            format!("{} ({})", c.name, count_of(c.sales_count, "sale", "sales")),
            money(c.sales),
        ));
    }
    if let (Some(first), Some(last)) = (&f.first_sale_number, &f.last_sale_number) {
        rows.push(("Sale numbers".to_owned(), format!("{first} to {last}")));
    }
    rows
}

/// `1 sale`, `3 sales`.
fn count_of(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(gross: i64, discounts: i64, total: i64) -> ShiftFigures {
        ShiftFigures {
            sales_count: 1,
            returns_count: 0,
            gross_sales: Money::from_minor(gross),
            discounts: Money::from_minor(discounts),
            sales_total: Money::from_minor(total),
            returns_total: Money::ZERO,
            net_sales: Money::from_minor(total),
            taxes: Vec::new(),
            tenders: Vec::new(),
            opening_float: Money::ZERO,
            cash_in: Money::ZERO,
            cash_out: Money::ZERO,
            expected_cash: Money::ZERO,
            no_sale_openings: 0,
            voids_count: 0,
            voids_total: Money::ZERO,
            lines_removed: 0,
            cashiers: vec![CashierTotal {
                name: "Ann".into(),
                sales_count: 1,
                sales: Money::from_minor(total),
                returns_count: 0,
                returns: Money::ZERO,
            }],
            first_sale_number: None,
            last_sale_number: None,
        }
    }

    fn labels(f: &ShiftFigures) -> Vec<String> {
        let usd = Currency::from_code("USD").unwrap();
        rows(f, &usd).into_iter().map(|(label, _)| label).collect()
    }

    #[test]
    fn the_tax_a_sale_adds_stands_between_the_discounts_and_the_total() {
        let added = labels(&figures(7382, 185, 7717));
        let at = |label: &str| added.iter().position(|l| l == label).unwrap();
        assert_eq!(at("Tax"), at("Discounts") + 1);
        assert_eq!(at("Sales total"), at("Tax") + 1);
        assert!(
            !labels(&figures(7382, 185, 7197)).contains(&"Tax".to_owned()),
            "prices with the tax in them: the gross holds it"
        );
        assert!(added.contains(&"Ann (1 sale)".to_owned()), "{added:?}");
    }
}
