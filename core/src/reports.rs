//! Reports: the day's takings, and the day broken down by hour, product, category,
//! cashier or tender, in the business's time zone. Voided sales count in none of them.

use std::collections::HashSet;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::params;

use crate::error::Result;
use crate::staff::{Actor, Permission};
use crate::till::Till;
use sellsync_contract::ids::{self, timestamp};
use sellsync_contract::money::{Money, Percent};
use sellsync_contract::pricing::TaxLine;
use sellsync_contract::quantity::{Quantity, Unit};

/// A sale line's items, in SQL over `sale_items i`: its pieces, or one for a weighed or
/// measured line (a till's "items" count, as a receipt's).
const ITEMS: &str = "CASE WHEN i.unit = 'piece' THEN i.quantity / 1000 ELSE 1 END";

/// A sale line's gross amount, in SQL over `sale_items i`: its price per unit times its
/// quantity (in thousandths), rounded half up to the minor unit as it was priced
/// (`Money::times`; every stored line is positive).
const GROSS: &str = "((i.unit_price * i.quantity + 500) / 1000)";

/// Takings per payment method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodTotal {
    pub method_name: String,
    pub payments: i64,
    /// What went to sales: cash is counted net of the change given.
    pub amount: Money,
}

/// One day of sales at this store (its tills' sales this till holds). Sales only; the
/// day's returns are counted apart.
#[derive(Debug, Clone)]
pub struct DayReport {
    pub date: NaiveDate,
    pub timezone: String,
    pub currency: String,
    pub sales: i64,
    /// Pieces, and one for each weighed or measured line.
    pub items_sold: i64,
    pub subtotal: Money,
    pub discounts: Money,
    pub tax: Money,
    pub total: Money,
    /// Returns made that day (of any day's sales) and what they gave back.
    pub returns: i64,
    pub returns_total: Money,
    /// `total` less `returns_total`.
    pub net: Money,
    pub by_payment_method: Vec<MethodTotal>,
    pub taxes: Vec<TaxLine>,
}

/// The first instant of `date` in `tz`, in UTC (a day may not start at midnight when
/// daylight saving begins then).
fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    (0..4)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// What a day is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// The hour of the day, on the store's clock.
    Hour,
    Product,
    /// A family's variants together (a product of no family on its own).
    Family,
    Category,
    Cashier,
    /// The payment method.
    Tender,
}

impl Breakdown {
    pub const ALL: [Breakdown; 6] = [
        Breakdown::Hour,
        Breakdown::Product,
        Breakdown::Family,
        Breakdown::Category,
        Breakdown::Cashier,
        Breakdown::Tender,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Breakdown::Hour => "hour",
            Breakdown::Product => "product",
            Breakdown::Family => "family",
            Breakdown::Category => "category",
            Breakdown::Cashier => "cashier",
            Breakdown::Tender => "tender",
        }
    }

    pub fn parse(text: &str) -> Option<Breakdown> {
        Breakdown::ALL
            .into_iter()
            .find(|b| b.as_str() == text.trim().to_ascii_lowercase())
    }
}

/// One row of a breakdown: sales and returns of one hour, product, category, cashier or
/// payment method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownRow {
    /// `09:00`, a product's name and SKU, a category, a cashier's name, a method's name.
    pub key: String,
    /// Sales counted in the row, each once (a sale paid in two payments by one method, or
    /// with two lines of one product, is one).
    pub sales: i64,
    /// Sold: of a product, in its unit; of a category, its items (pieces, and one per
    /// weighed line); 0 otherwise.
    pub quantity: Quantity,
    /// The unit of `quantity`: a product's, else pieces.
    pub unit: Unit,
    /// What they came to, with tax, after discounts.
    pub amount: Money,
    /// Units and money given back by the day's returns.
    pub returned_quantity: Quantity,
    pub returned: Money,
    /// `amount` less `returned`.
    pub net: Money,
}

/// A day broken down: the rows, by hour in time order, else by `net`, largest first (the
/// products' are the day's top sellers).
#[derive(Debug, Clone)]
pub struct BreakdownReport {
    pub date: NaiveDate,
    pub timezone: String,
    pub currency: String,
    pub by: Breakdown,
    pub rows: Vec<BreakdownRow>,
}

impl BreakdownReport {
    /// The rows as CSV, amounts in `currency`'s decimals: `hour,sales,quantity,amount,
    /// returned_quantity,returned,net` (the first column named after the breakdown).
    pub fn to_csv(&self, currency: &sellsync_contract::money::Currency) -> Result<String> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let csv_error = |e: csv::Error| crate::error::Error::Corrupt(format!("a CSV report: {e}"));
        out.write_record([
            self.by.as_str(),
            "sales",
            "quantity",
            "amount",
            "returned_quantity",
            "returned",
            "net",
        ])
        .map_err(csv_error)?;
        for r in &self.rows {
            out.write_record([
                r.key.clone(),
                r.sales.to_string(),
                r.quantity.decimal(),
                currency.format(r.amount),
                r.returned_quantity.decimal(),
                currency.format(r.returned),
                currency.format(r.net),
            ])
            .map_err(csv_error)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| crate::error::Error::Corrupt(format!("a CSV report: {e}")))?;
        Ok(String::from_utf8(bytes).expect("CSV of text is text"))
    }
}

/// One fact read for a breakdown: its key, whether it is a return, count, units, money.
struct Fact {
    key: String,
    is_return: bool,
    /// The sale (or return) the fact is of: counted once per row however many lines or
    /// payments of it the row holds.
    sale: String,
    quantity: Quantity,
    unit: Unit,
    amount: i64,
}

/// The rows of a breakdown from its facts (pure): summed by key, ordered.
fn fold(by: Breakdown, facts: Vec<Fact>) -> Vec<BreakdownRow> {
    let mut rows: Vec<BreakdownRow> = Vec::new();
    let mut counted: HashSet<(usize, String)> = HashSet::new();
    for f in facts {
        let i = match rows.iter().position(|r| r.key == f.key) {
            Some(i) => i,
            None => {
                rows.push(BreakdownRow {
                    key: f.key.clone(),
                    sales: 0,
                    quantity: Quantity::ZERO,
                    unit: f.unit,
                    amount: Money::ZERO,
                    returned_quantity: Quantity::ZERO,
                    returned: Money::ZERO,
                    net: Money::ZERO,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[i];
        if f.is_return {
            row.returned_quantity += f.quantity;
            row.returned = Money::from_minor(row.returned.minor() + f.amount);
        } else {
            if counted.insert((i, f.sale)) {
                row.sales += 1;
            }
            row.quantity += f.quantity;
            row.amount = Money::from_minor(row.amount.minor() + f.amount);
        }
        row.net = Money::from_minor(row.amount.minor() - row.returned.minor());
    }
    match by {
        Breakdown::Hour => rows.sort_by(|a, b| a.key.cmp(&b.key)),
        _ => rows.sort_by(|a, b| b.net.cmp(&a.net).then_with(|| a.key.cmp(&b.key))),
    }
    rows
}

/// The transactions of this store (`?1`, `?2`) in one day (`?3` to `?4`, from
/// [`day_bounds`]), voided sales left out: what every report reads.
const IN_DAY: &str = "s.business_id = ?1 AND s.store_id = ?2
                      AND s.created_at >= ?3 AND s.created_at < ?4
                      AND s.transaction_status = 'completed'";

/// The stored times a day in `tz` runs between: its start, and the next day's.
fn day_bounds(date: NaiveDate, tz: Tz) -> (String, String) {
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    (
        timestamp(start_of_day(date, tz)),
        timestamp(start_of_day(next, tz)),
    )
}

impl Till {
    /// Today's date where the business is.
    pub fn today(&self) -> NaiveDate {
        ids::now()
            .with_timezone(&self.business.timezone)
            .date_naive()
    }

    /// The sales of one day at this store. Needs `view_reports`.
    pub fn day_report(&self, actor: &Actor, date: NaiveDate) -> Result<DayReport> {
        actor.require(Permission::ViewReports)?;
        let tz = self.business.timezone;
        let (from, to) = day_bounds(date, tz);
        let scope = params![self.business.id, self.store.id, from, to];
        let day = |kind: &str| format!("{IN_DAY} AND s.transaction_type = '{kind}'");
        let of_sales = day("sale");

        let (sales, subtotal, discounts, tax, total): (i64, i64, i64, i64, i64) =
            self.conn.query_row(
                &format!(
                    "SELECT COUNT(*), COALESCE(SUM(subtotal), 0), COALESCE(SUM(discount_total), 0),
                            COALESCE(SUM(tax_total), 0), COALESCE(SUM(total_amount), 0)
                     FROM sales_transactions s WHERE {of_sales}"
                ),
                scope,
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
        let (returns, returns_total): (i64, i64) = self.conn.query_row(
            &format!(
                "SELECT COUNT(*), COALESCE(SUM(total_amount), 0)
                 FROM sales_transactions s WHERE {}",
                day("return")
            ),
            scope,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let items_sold: i64 = self.conn.query_row(
            &format!(
                "SELECT COALESCE(SUM({ITEMS}), 0) FROM sale_items i
                 JOIN sales_transactions s ON s._id = i.transaction_id WHERE {of_sales}"
            ),
            scope,
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT p.method_name, COUNT(*), SUM(p.amount) FROM sale_payments p
             JOIN sales_transactions s ON s._id = p.transaction_id WHERE {of_sales}
             GROUP BY p.method_name ORDER BY SUM(p.amount) DESC"
        ))?;
        let by_payment_method = stmt
            .query_map(scope, |r| {
                Ok(MethodTotal {
                    method_name: r.get(0)?,
                    payments: r.get(1)?,
                    amount: Money::from_minor(r.get(2)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT i.tax_rate,
                    SUM({GROSS} - i.line_discount - i.cart_discount),
                    SUM(i.tax_amount)
             FROM sale_items i JOIN sales_transactions s ON s._id = i.transaction_id
             WHERE {of_sales} GROUP BY i.tax_rate ORDER BY i.tax_rate"
        ))?;
        let taxes = stmt
            .query_map(scope, |r| {
                Ok(TaxLine {
                    rate: Percent::from_thousandths(r.get(0)?),
                    taxable: Money::from_minor(r.get(1)?),
                    tax: Money::from_minor(r.get(2)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(DayReport {
            date,
            timezone: tz.name().to_owned(),
            currency: self.business.currency.code().to_owned(),
            sales,
            items_sold,
            subtotal: Money::from_minor(subtotal),
            discounts: Money::from_minor(discounts),
            tax: Money::from_minor(tax),
            total: Money::from_minor(total),
            returns,
            returns_total: Money::from_minor(returns_total),
            net: Money::from_minor(total - returns_total),
            by_payment_method,
            taxes,
        })
    }

    /// One day at this store broken down `by` hour, product, category, cashier or tender:
    /// sales, and the day's returns, per row. Needs `view_reports`.
    pub fn breakdown(
        &self,
        actor: &Actor,
        date: NaiveDate,
        by: Breakdown,
    ) -> Result<BreakdownReport> {
        actor.require(Permission::ViewReports)?;
        let tz = self.business.timezone;
        let (from, to) = day_bounds(date, tz);
        let scope = params![self.business.id, self.store.id, from, to];
        // Each query answers: key, is a return, count, quantity (thousandths), its unit,
        // money.
        let sql = match by {
            Breakdown::Hour => format!(
                "SELECT s.created_at, s.transaction_type = 'return', s._id, 0, 'piece',
                        s.total_amount
                 FROM sales_transactions s WHERE {IN_DAY}"
            ),
            Breakdown::Product => format!(
                "SELECT i.product_name || ' (' || i.sku || ')', s.transaction_type = 'return',
                        s._id, i.quantity, i.unit, i.total_price
                 FROM sale_items i JOIN sales_transactions s ON s._id = i.transaction_id
                 WHERE {IN_DAY}"
            ),
            Breakdown::Family => format!(
                "SELECT COALESCE(p.family_name, i.product_name || ' (' || i.sku || ')'),
                        s.transaction_type = 'return', s._id, {ITEMS} * 1000, 'piece',
                        i.total_price
                 FROM sale_items i JOIN sales_transactions s ON s._id = i.transaction_id
                 LEFT JOIN products p ON p._id = i.product_id
                 WHERE {IN_DAY}"
            ),
            Breakdown::Category => format!(
                "SELECT COALESCE(NULLIF(p.category, ''), 'Uncategorised'),
                        s.transaction_type = 'return', s._id, {ITEMS} * 1000, 'piece',
                        i.total_price
                 FROM sale_items i JOIN sales_transactions s ON s._id = i.transaction_id
                 LEFT JOIN products p ON p._id = i.product_id
                 WHERE {IN_DAY}"
            ),
            Breakdown::Cashier => format!(
                "SELECT COALESCE(u.name, s.cashier_id), s.transaction_type = 'return', s._id, 0,
                        'piece', s.total_amount
                 FROM sales_transactions s LEFT JOIN users u ON u._id = s.cashier_id
                 WHERE {IN_DAY}"
            ),
            Breakdown::Tender => format!(
                "SELECT p.method_name, s.transaction_type = 'return', s._id, 0, 'piece',
                        p.amount
                 FROM sale_payments p JOIN sales_transactions s ON s._id = p.transaction_id
                 WHERE {IN_DAY}"
            ),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let facts = stmt
            .query_map(scope, |r| {
                Ok(Fact {
                    key: r.get(0)?,
                    is_return: r.get(1)?,
                    sale: r.get(2)?,
                    quantity: r.get(3)?,
                    unit: r.get(4)?,
                    amount: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let facts = match by {
            // The hour on the store's clock, from the stored UTC time.
            Breakdown::Hour => facts
                .into_iter()
                .map(|mut f| {
                    f.key = sellsync_contract::ids::parse_timestamp(&f.key)
                        .map(|at| at.with_timezone(&tz).format("%H:00").to_string())
                        .unwrap_or(f.key);
                    f
                })
                .collect(),
            _ => facts,
        };
        Ok(BreakdownReport {
            date,
            timezone: tz.name().to_owned(),
            currency: self.business.currency.code().to_owned(),
            by,
            rows: fold(by, facts),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(key: &str, sale: &str, is_return: bool, quantity: i64, amount: i64) -> Fact {
        Fact {
            key: key.into(),
            is_return,
            sale: sale.into(),
            quantity: Quantity::units(quantity),
            unit: Unit::Piece,
            amount,
        }
    }

    #[test]
    fn rows_sum_by_key_returns_apart_largest_net_first_hours_in_order() {
        let facts = || {
            vec![
                fact("b", "s1", false, 2, 500),
                fact("a", "s2", false, 1, 300),
                fact("b", "s3", false, 1, 250),
                fact("b", "r1", true, 1, 250),
                fact("c", "r2", true, 1, 100),
            ]
        };
        let rows = fold(Breakdown::Product, facts());
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(
            rows[0],
            BreakdownRow {
                key: "b".into(),
                sales: 2,
                quantity: Quantity::units(3),
                unit: Unit::Piece,
                amount: Money::from_minor(750),
                returned_quantity: Quantity::units(1),
                returned: Money::from_minor(250),
                net: Money::from_minor(500),
            }
        );
        assert_eq!(rows[2].sales, 0, "a return alone is no sale");
        assert_eq!(rows[2].net, Money::from_minor(-100));
        let hours = fold(Breakdown::Hour, facts());
        let keys: Vec<&str> = hours.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(Breakdown::parse(" Tender"), Some(Breakdown::Tender));

        // Two cash payments of one sale, and a second sale: two sales, not three.
        let split = fold(
            Breakdown::Tender,
            vec![
                fact("Cash", "s1", false, 0, 500),
                fact("Cash", "s1", false, 0, 200),
                fact("Cash", "s2", false, 0, 100),
            ],
        );
        assert_eq!(
            (split[0].sales, split[0].amount),
            (2, Money::from_minor(800))
        );
        assert_eq!(Breakdown::parse("weekday"), None);
    }

    #[test]
    fn days_start_at_local_midnight() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(timestamp(start_of_day(d, ny)), "2026-11-25T05:00:00.000Z");
        let summer = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(
            timestamp(start_of_day(summer, ny)),
            "2026-07-01T04:00:00.000Z"
        );
        // Santiago skips midnight when daylight saving starts (2026-09-06).
        let scl: Tz = "America/Santiago".parse().unwrap();
        let gap = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            timestamp(start_of_day(gap, scl)),
            "2026-09-06T04:00:00.000Z"
        );
    }
}
