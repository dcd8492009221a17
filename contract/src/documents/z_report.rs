//! `z_reports` (a collection of Sell Sync's own, beside the seed's): a till's closed
//! shift, its figures and its count, as its Z report printed them. Written once, when the
//! shift closes; its `_id` is the shift's.
//!
//! **`z_reports`** (Sell Sync's own collection, beside the seed's twelve; `ZReportDoc`): one
//! document per closed shift, `_id` the shift's, with `business_id`, `store_id`, `till_id`,
//! `z_number`, `opened_at`/`opened_by`, `closed_at`/`closed_by`, `approved_by`, the figures
//! (`sales_count`, `gross_sales`, `discounts`, `sales_total`, `returns_count`,
//! `returns_total`, `net_sales`, `taxes[]`, `tenders[]`, `cashiers[]`, `cash_in`, `cash_out`,
//! `no_sale_openings`, `first_sale_number`, `last_sale_number`), the cash (`opening_float`,
//! `expected_cash`, `counted_cash`, `denominations[]`, `over_short`, below zero when short,
//! and `counts[]`: every count of the blind close, the refused ones too) and `grand_total`. Sales and returns carry their `shift_id`.

use bson::{doc, Document};

use super::read::{Read, Reader};
use super::value::{date, decimal, oid, or_null, percent};
use super::{field, Collection};
use crate::cash_count::{CashCount, Denomination};
use crate::documents::PaymentKind;
use crate::ids::Id;
use crate::money::{Currency, Money, Percent};
use crate::pricing::TaxLine;
use crate::z_report::{CashierTotal, DrawerCount, ShiftFigures, TenderTotal, ZReport};

#[derive(Debug, Clone, PartialEq)]
pub struct ZReportDoc {
    pub business_id: Id,
    /// Every amount is in this currency, the business's.
    pub currency: Currency,
    pub report: ZReport,
}

impl ZReportDoc {
    pub fn to_document(&self) -> Document {
        let z = &self.report;
        let f = &z.figures;
        let money = |amount: Money| decimal(&self.currency, amount);
        let taxes: Vec<Document> = f
            .taxes
            .iter()
            .map(|t| {
                doc! {
                    field::TAX_RATE: percent(t.rate),
                    field::TAXABLE: money(t.taxable),
                    field::TAX_AMOUNT: money(t.tax),
                }
            })
            .collect();
        let tenders: Vec<Document> = f
            .tenders
            .iter()
            .map(|t| {
                doc! {
                    field::METHOD_NAME: &t.method_name,
                    field::KIND: t.kind.as_str(),
                    field::SALES: money(t.sales),
                    field::REFUNDS: money(t.refunds),
                }
            })
            .collect();
        let cashiers: Vec<Document> = f
            .cashiers
            .iter()
            .map(|c| {
                doc! {
                    field::NAME: &c.name,
                    field::SALES_COUNT: c.sales_count,
                    field::SALES: money(c.sales),
                    field::RETURNS_COUNT: c.returns_count,
                    field::RETURNS: money(c.returns),
                }
            })
            .collect();
        let denominations = |count: &CashCount| -> Vec<Document> {
            count
                .denominations
                .iter()
                .map(|d| doc! { field::VALUE: money(d.value), field::COUNT: d.count })
                .collect()
        };
        let counts: Vec<Document> = z
            .counts
            .iter()
            .map(|c| {
                doc! {
                    field::COUNTED_CASH: money(c.counted.total),
                    field::DENOMINATIONS: denominations(&c.counted),
                    field::OVER_SHORT: money(c.over_short),
                    field::COUNTED_BY: oid(c.counted_by),
                    field::COUNTED_AT: date(c.counted_at),
                }
            })
            .collect();
        let mut fields = doc! {
            field::ID: oid(z.shift_id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: oid(z.store_id),
            field::TILL_ID: oid(z.till_id),
            field::Z_NUMBER: z.z_number,
            field::CURRENCY: self.currency.code(),
            field::OPENED_AT: date(z.opened_at),
            field::OPENED_BY: oid(z.opened_by),
            field::CLOSED_AT: date(z.closed_at),
            field::CLOSED_BY: oid(z.closed_by),
            field::APPROVED_BY: or_null(z.approved_by, oid),
            field::OPENING_FLOAT: money(f.opening_float),
            field::COUNTED_CASH: money(z.counted.total),
            field::DENOMINATIONS: denominations(&z.counted),
            field::EXPECTED_CASH: money(f.expected_cash),
            field::OVER_SHORT: money(z.over_short),
        };
        if !counts.is_empty() {
            fields.insert(field::COUNTS, counts);
        }
        fields.extend(doc! {
            field::SALES_COUNT: f.sales_count,
            field::RETURNS_COUNT: f.returns_count,
            field::GROSS_SALES: money(f.gross_sales),
            field::DISCOUNTS: money(f.discounts),
            field::SALES_TOTAL: money(f.sales_total),
            field::RETURNS_TOTAL: money(f.returns_total),
            field::NET_SALES: money(f.net_sales),
            field::TAXES: taxes,
            field::TENDERS: tenders,
            field::CASH_IN: money(f.cash_in),
            field::CASH_OUT: money(f.cash_out),
            field::NO_SALE_OPENINGS: f.no_sale_openings,
            field::VOIDS_COUNT: f.voids_count,
            field::VOIDS_TOTAL: money(f.voids_total),
            field::LINES_REMOVED: f.lines_removed,
            field::CASHIERS: cashiers,
            field::FIRST_SALE_NUMBER: f.first_sale_number.as_deref(),
            field::LAST_SALE_NUMBER: f.last_sale_number.as_deref(),
            field::GRAND_TOTAL: money(z.grand_total),
            field::CREATED_AT: date(z.closed_at),
        });
        fields
    }

    /// Refused in another currency than `currency` (the business's), or with a field of
    /// the wrong type. The names of the till, store and business are not in the document:
    /// they are read back empty.
    pub fn from_document(doc: &Document, currency: &Currency) -> Read<ZReportDoc> {
        let r = Reader::new(Collection::ZReports, doc)?;
        r.require_currency(currency)?;
        let money = |r: &Reader<'_>, path| r.required_money(path, currency);
        let count = |r: &Reader<'_>, path| r.integer(path).map(|n| n.unwrap_or(0));
        let taxes = r
            .documents(field::TAXES, |t| {
                Ok(TaxLine {
                    rate: t.percent(field::TAX_RATE)?.unwrap_or(Percent::ZERO),
                    taxable: money(t, field::TAXABLE)?,
                    tax: money(t, field::TAX_AMOUNT)?,
                })
            })?
            .unwrap_or_default();
        let tenders = r
            .documents(field::TENDERS, |t| {
                let kind = t.required_text(field::KIND)?;
                Ok(TenderTotal {
                    method_name: t.required_text(field::METHOD_NAME)?,
                    kind: PaymentKind::parse(&kind)
                        .ok_or_else(|| t.refuse(format!("has a tender of the kind {kind:?}")))?,
                    sales: money(t, field::SALES)?,
                    refunds: money(t, field::REFUNDS)?,
                })
            })?
            .unwrap_or_default();
        let cashiers = r
            .documents(field::CASHIERS, |c| {
                Ok(CashierTotal {
                    name: c.required_text(field::NAME)?,
                    sales_count: count(c, field::SALES_COUNT)?,
                    sales: money(c, field::SALES)?,
                    returns_count: count(c, field::RETURNS_COUNT)?,
                    returns: money(c, field::RETURNS)?,
                })
            })?
            .unwrap_or_default();
        let counted = |r: &Reader<'_>| -> Read<CashCount> {
            let denominations = r
                .documents(field::DENOMINATIONS, |d| {
                    Ok(Denomination {
                        value: money(d, field::VALUE)?,
                        count: count(d, field::COUNT)?,
                    })
                })?
                .unwrap_or_default();
            Ok(CashCount {
                total: money(r, field::COUNTED_CASH)?,
                denominations,
            })
        };
        let counts = r
            .documents(field::COUNTS, |c| {
                Ok(DrawerCount {
                    counted: counted(c)?,
                    over_short: c.required_signed_money(field::OVER_SHORT, currency)?,
                    counted_by: c.id_field(field::COUNTED_BY)?,
                    counted_by_name: String::new(),
                    counted_at: c.required_time(field::COUNTED_AT)?,
                })
            })?
            .unwrap_or_default();
        let closed_at = r.required_time(field::CLOSED_AT)?;
        Ok(ZReportDoc {
            business_id: r.id_field(field::BUSINESS_ID)?,
            currency: currency.clone(),
            report: ZReport {
                z_number: r
                    .integer(field::Z_NUMBER)?
                    .ok_or_else(|| r.refuse("has no Z number"))?,
                shift_id: r.id(),
                till_id: r.id_field(field::TILL_ID)?,
                till_code: String::new(),
                store_id: r.id_field(field::STORE_ID)?,
                store_name: String::new(),
                business_name: String::new(),
                currency: currency.code().to_owned(),
                opened_at: r.required_time(field::OPENED_AT)?,
                opened_by: r.id_field(field::OPENED_BY)?,
                opened_by_name: String::new(),
                closed_at,
                closed_by: r.id_field(field::CLOSED_BY)?,
                closed_by_name: String::new(),
                approved_by: r.optional_id(field::APPROVED_BY)?,
                figures: ShiftFigures {
                    sales_count: count(&r, field::SALES_COUNT)?,
                    returns_count: count(&r, field::RETURNS_COUNT)?,
                    gross_sales: money(&r, field::GROSS_SALES)?,
                    discounts: money(&r, field::DISCOUNTS)?,
                    sales_total: money(&r, field::SALES_TOTAL)?,
                    returns_total: money(&r, field::RETURNS_TOTAL)?,
                    net_sales: money(&r, field::NET_SALES)?,
                    taxes,
                    tenders,
                    opening_float: money(&r, field::OPENING_FLOAT)?,
                    cash_in: money(&r, field::CASH_IN)?,
                    cash_out: money(&r, field::CASH_OUT)?,
                    expected_cash: money(&r, field::EXPECTED_CASH)?,
                    no_sale_openings: count(&r, field::NO_SALE_OPENINGS)?,
                    voids_count: count(&r, field::VOIDS_COUNT)?,
                    voids_total: money(&r, field::VOIDS_TOTAL)?,
                    lines_removed: count(&r, field::LINES_REMOVED)?,
                    cashiers,
                    first_sale_number: r.text(field::FIRST_SALE_NUMBER)?,
                    last_sale_number: r.text(field::LAST_SALE_NUMBER)?,
                },
                counted: counted(&r)?,
                over_short: r.required_signed_money(field::OVER_SHORT, currency)?,
                counts,
                grand_total: money(&r, field::GRAND_TOTAL)?,
            },
        })
    }
}
