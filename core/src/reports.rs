//! Reports: the day's takings, in the business's time zone.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rusqlite::params;
use serde::Serialize;

use crate::error::Result;
use crate::ids::{self, timestamp};
use crate::money::{Money, Percent};
use crate::sell::pricing::TaxLine;
use crate::staff::{Actor, Permission};
use crate::till::Till;

/// Takings per payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodTotal {
    pub method_name: String,
    pub payments: i64,
    /// What went to sales: cash is counted net of the change given.
    pub amount: Money,
}

/// One day of sales at this store (its tills' sales this till holds). Sales only; the
/// day's returns are counted apart.
#[derive(Debug, Clone, Serialize)]
pub struct DayReport {
    pub date: NaiveDate,
    pub timezone: String,
    pub currency: String,
    pub sales: i64,
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
        let from = timestamp(start_of_day(date, tz));
        let to = timestamp(start_of_day(
            date.checked_add_days(Days::new(1)).unwrap_or(date),
            tz,
        ));
        let scope = params![self.business.id, self.store.id, from, to];
        const IN_DAY: &str = "s.business_id = ?1 AND s.store_id = ?2
                              AND s.created_at >= ?3 AND s.created_at < ?4";
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
                "SELECT COALESCE(SUM(i.quantity), 0) FROM sale_items i
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
                    SUM(i.unit_price * i.quantity - i.line_discount - i.cart_discount),
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
