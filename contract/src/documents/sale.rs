//! `sales_transactions`: a completed sale, its items and its payments.
//!
//! **`synced_at`** (as on every document, see the module's page): when central first
//! held the sale (a replay leaves it as it was). `created_at` is when the till made the
//! sale, which may be days earlier for a till that was offline: a reader who follows what
//! arrives pages by `synced_at`.
//!
//! **A return's document** (`sales_transactions`, the seed's fields plus these; `SaleDoc`):
//!
//! | field | on a return |
//! |---|---|
//! | `transaction_type` | `"return"` (a sale: `"sale"`; a document without it is a sale) |
//! | `sale_number` | the returning till's own return counter: `T2-R000001` |
//! | `original_transaction_id` | the sale it returns; `null` for a return without a receipt |
//! | `store_id`, `till_id`, `cashier_id` | where and by whom the items came back |
//! | `items[]` | the seed's item fields for what comes back (`quantity`, its share of `discount`, `tax_amount`, `total_price`), plus `original_line_no` (the sale's line, from 1) and `damaged` (written off, not back in stock) |
//! | `payments[]` | what went back to each of the sale's tenders (`kind` `cash` comes out of the drawer; `card` is recorded: the card terminal is outside Sell Sync; `loyalty` is points given back) |
//! | `subtotal`, `discount_total`, `tax_total`, `total_amount` | what goes back, as positive amounts |
//! | `loyalty_points_earned` / `loyalty_points_redeemed` | points taken back / points given back |
//! | (a voided sale) | the sale's own document, updated: `transaction_status: "voided"`, `voided_by`, `void_reason`, `updated_at` (`SaleVoid`) |
//! | (an item of goods sold by measure) | `unit` (`kg`, `lb`, …; the product's) and `quantity` in it, a `Decimal128` when not whole (`0.742`): see `product`; an item without `unit` is of pieces |
//! | `reason`, `approved_by` | why; the manager who approved (past the window, over the cashier limit, no receipt) |

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, decimal, oid, or_null, percent, quantity};
use super::{field, Collection};
use crate::documents::PaymentKind;
use crate::ids::Id;
use crate::money::{Currency, Money, Percent};
use crate::quantity::{Quantity, Unit};

#[derive(Debug, Clone, PartialEq)]
pub struct SaleDoc {
    pub id: Id,
    pub business_id: Id,
    pub store_id: Id,
    pub till_id: Id,
    pub sale_number: String,
    pub cashier_id: Id,
    pub customer_id: Option<Id>,
    pub items: Vec<SaleItemDoc>,
    pub payments: Vec<SalePaymentDoc>,
    /// The one payment method's name, or `Split`.
    pub payment_method: String,
    /// Every amount is in this currency, the business's.
    pub currency: Currency,
    pub subtotal: Money,
    pub discount_total: Money,
    pub tax_total: Money,
    pub total_amount: Money,
    pub amount_tendered: Money,
    pub change_due: Money,
    pub loyalty_points_earned: i64,
    pub loyalty_points_redeemed: i64,
    pub transaction_status: SaleStatus,
    pub transaction_type: TransactionType,
    /// On a return: the sale it gives back, if it came with a receipt.
    pub original_transaction_id: Option<Id>,
    /// Why (a return's reason).
    pub reason: Option<String>,
    pub approved_by: Option<Id>,
    pub shift_id: Option<Id>,
    /// The parked sale it completed.
    pub parked_sale_id: Option<Id>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleItemDoc {
    pub product_id: Id,
    pub product_name: String,
    pub sku: String,
    /// How the product is sold; `unit_price` is the price of one.
    pub unit: Unit,
    pub quantity: Quantity,
    pub unit_price: Money,
    /// The line's discount and its share of the cart's.
    pub discount: Money,
    pub tax_rate: Percent,
    pub tax_amount: Money,
    pub total_price: Money,
    /// On a return: the line of the sale it returns, from 1.
    pub original_line_no: Option<i64>,
    /// On a return: came back damaged (written off, not back to stock).
    pub damaged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalePaymentDoc {
    /// `None` for loyalty points.
    pub payment_method_id: Option<Id>,
    pub method_name: String,
    pub kind: PaymentKind,
    /// What the customer handed over.
    pub tendered: Money,
    /// What went to the sale: `tendered` less any change given from it.
    pub amount: Money,
}

/// Where a sale stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaleStatus {
    Completed,
    /// Undone by a manager within its shift: its stock, points and money went back.
    Voided,
}

/// Whether a transaction sells or gives back. Amounts are positive either way: a
/// return's are what goes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    Sale,
    Return,
}

impl TransactionType {
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionType::Sale => "sale",
            TransactionType::Return => "return",
        }
    }

    pub fn parse(text: &str) -> Option<TransactionType> {
        [TransactionType::Sale, TransactionType::Return]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

impl SaleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SaleStatus::Completed => "completed",
            SaleStatus::Voided => "voided",
        }
    }

    fn parse(text: &str) -> Option<SaleStatus> {
        [SaleStatus::Completed, SaleStatus::Voided]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl SaleDoc {
    pub fn to_document(&self) -> Document {
        let money = |amount: Money| decimal(&self.currency, amount);
        let items: Vec<Document> = self
            .items
            .iter()
            .map(|item| {
                let mut fields = doc! {
                    field::PRODUCT_ID: oid(item.product_id),
                    field::PRODUCT_NAME: &item.product_name,
                    field::SKU: &item.sku,
                    field::QUANTITY: quantity(item.quantity),
                    field::UNIT_PRICE: money(item.unit_price),
                    field::DISCOUNT: money(item.discount),
                    field::TAX_RATE: percent(item.tax_rate),
                    field::TAX_AMOUNT: money(item.tax_amount),
                    field::TOTAL_PRICE: money(item.total_price),
                };
                if item.unit.is_measured() {
                    fields.insert(field::UNIT, item.unit.code());
                }
                // Only a return's items say where they come from.
                if let Some(line) = item.original_line_no {
                    fields.insert(field::ORIGINAL_LINE_NO, line);
                    fields.insert(field::DAMAGED, item.damaged);
                }
                fields
            })
            .collect();
        let payments: Vec<Document> = self
            .payments
            .iter()
            .map(|pay| {
                doc! {
                    field::PAYMENT_METHOD_ID: or_null(pay.payment_method_id, oid),
                    field::METHOD_NAME: &pay.method_name,
                    field::KIND: pay.kind.as_str(),
                    field::TENDERED: money(pay.tendered),
                    field::AMOUNT: money(pay.amount),
                }
            })
            .collect();
        let mut fields = doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: oid(self.store_id),
            field::TILL_ID: oid(self.till_id),
            field::SALE_NUMBER: &self.sale_number,
            field::CASHIER_ID: oid(self.cashier_id),
            field::CUSTOMER_ID: or_null(self.customer_id, oid),
            field::ITEMS: items,
            field::PAYMENTS: payments,
            field::PAYMENT_METHOD: &self.payment_method,
            field::CURRENCY: self.currency.code(),
            field::SUBTOTAL: money(self.subtotal),
            field::DISCOUNT_TOTAL: money(self.discount_total),
            field::TAX_TOTAL: money(self.tax_total),
            field::TOTAL_AMOUNT: money(self.total_amount),
            field::AMOUNT_TENDERED: money(self.amount_tendered),
            field::CHANGE_DUE: money(self.change_due),
            field::LOYALTY_POINTS_EARNED: self.loyalty_points_earned,
            field::LOYALTY_POINTS_REDEEMED: self.loyalty_points_redeemed,
            field::TRANSACTION_STATUS: self.transaction_status.as_str(),
            field::TRANSACTION_TYPE: self.transaction_type.as_str(),
            field::CREATED_AT: date(self.created_at),
        };
        if self.transaction_type == TransactionType::Return {
            fields.insert(
                field::ORIGINAL_TRANSACTION_ID,
                or_null(self.original_transaction_id, oid),
            );
        }
        if let Some(reason) = &self.reason {
            fields.insert(field::REASON, reason);
        }
        if let Some(approver) = self.approved_by {
            fields.insert(field::APPROVED_BY, oid(approver));
        }
        if let Some(shift) = self.shift_id {
            fields.insert(field::SHIFT_ID, oid(shift));
        }
        if let Some(parked) = self.parked_sale_id {
            fields.insert(field::PARKED_SALE_ID, oid(parked));
        }
        fields
    }

    /// Refused in another currency than `currency` (the business's), without items, with
    /// an item of no quantity or of one its unit does not allow, or with a field of the
    /// wrong type.
    pub fn from_document(doc: &Document, currency: &Currency) -> Read<SaleDoc> {
        let r = Reader::new(Collection::SalesTransactions, doc)?;
        r.require_currency(currency)?;
        let items = r
            .documents(field::ITEMS, |item| {
                let unit = match item.text(field::UNIT)? {
                    None => Unit::Piece,
                    Some(code) => Unit::parse(&code).map_err(|e| item.refuse(e.to_string()))?,
                };
                let quantity = item
                    .quantity(field::QUANTITY)?
                    .filter(|q| q.is_positive())
                    .ok_or_else(|| item.refuse("has an item without a quantity"))?;
                quantity
                    .fits(unit)
                    .map_err(|e| item.refuse(format!("has an item of {quantity} {unit}: {e}")))?;
                Ok(SaleItemDoc {
                    product_id: item.id_field(field::PRODUCT_ID)?,
                    product_name: item.required_text(field::PRODUCT_NAME)?,
                    sku: item.required_text(field::SKU)?,
                    unit,
                    quantity,
                    unit_price: item.required_money(field::UNIT_PRICE, currency)?,
                    discount: item
                        .money(field::DISCOUNT, currency)?
                        .unwrap_or(Money::ZERO),
                    tax_rate: item.percent(field::TAX_RATE)?.unwrap_or(Percent::ZERO),
                    tax_amount: item
                        .money(field::TAX_AMOUNT, currency)?
                        .unwrap_or(Money::ZERO),
                    total_price: item.required_money(field::TOTAL_PRICE, currency)?,
                    original_line_no: item.integer(field::ORIGINAL_LINE_NO)?.filter(|n| *n > 0),
                    damaged: item.flag(field::DAMAGED)?.unwrap_or(false),
                })
            })?
            .filter(|items| !items.is_empty())
            .ok_or_else(|| r.refuse("has no items"))?;
        let payments = r
            .documents(field::PAYMENTS, |pay| {
                let kind = pay.required_text(field::KIND)?;
                Ok(SalePaymentDoc {
                    payment_method_id: pay.optional_id(field::PAYMENT_METHOD_ID)?,
                    method_name: pay.required_text(field::METHOD_NAME)?,
                    kind: PaymentKind::parse(&kind).ok_or_else(|| {
                        pay.refuse(format!(
                            "has a payment of the kind {kind:?}, which is not known"
                        ))
                    })?,
                    tendered: pay.required_money(field::TENDERED, currency)?,
                    amount: pay.required_money(field::AMOUNT, currency)?,
                })
            })?
            .unwrap_or_default();
        let status = r.required_text(field::TRANSACTION_STATUS)?;
        let kind = r.text(field::TRANSACTION_TYPE)?;
        let transaction_type = match kind.as_deref() {
            None => TransactionType::Sale,
            Some(kind) => TransactionType::parse(kind).ok_or_else(|| {
                r.refuse(format!(
                    "has the transaction type {kind:?}, which is not known"
                ))
            })?,
        };
        let points = |path| r.integer(path).map(|n| n.unwrap_or(0));
        Ok(SaleDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.id_field(field::STORE_ID)?,
            till_id: r.id_field(field::TILL_ID)?,
            sale_number: r.required_text(field::SALE_NUMBER)?,
            cashier_id: r.id_field(field::CASHIER_ID)?,
            customer_id: r.optional_id(field::CUSTOMER_ID)?,
            items,
            payments,
            payment_method: r.text(field::PAYMENT_METHOD)?.unwrap_or_default(),
            currency: currency.clone(),
            subtotal: r.required_money(field::SUBTOTAL, currency)?,
            discount_total: r.required_money(field::DISCOUNT_TOTAL, currency)?,
            tax_total: r.required_money(field::TAX_TOTAL, currency)?,
            total_amount: r.required_money(field::TOTAL_AMOUNT, currency)?,
            amount_tendered: r.required_money(field::AMOUNT_TENDERED, currency)?,
            change_due: r.required_money(field::CHANGE_DUE, currency)?,
            loyalty_points_earned: points(field::LOYALTY_POINTS_EARNED)?,
            loyalty_points_redeemed: points(field::LOYALTY_POINTS_REDEEMED)?,
            transaction_status: SaleStatus::parse(&status).ok_or_else(|| {
                r.refuse(format!("has the status {status:?}, which is not known"))
            })?,
            transaction_type,
            original_transaction_id: r.optional_id(field::ORIGINAL_TRANSACTION_ID)?,
            reason: r.non_blank(field::REASON)?,
            approved_by: r.optional_id(field::APPROVED_BY)?,
            shift_id: r.optional_id(field::SHIFT_ID)?,
            parked_sale_id: r.optional_id(field::PARKED_SALE_ID)?,
            created_at: r.required_time(field::CREATED_AT)?,
        })
    }
}

/// A sale voided at the till: the fields set on its central document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleVoid {
    pub voided_by: Id,
    pub reason: String,
    pub updated_at: DateTime<Utc>,
}

impl SaleVoid {
    pub fn to_document(&self) -> Document {
        doc! {
            field::TRANSACTION_STATUS: SaleStatus::Voided.as_str(),
            field::VOIDED_BY: oid(self.voided_by),
            field::VOID_REASON: &self.reason,
            field::UPDATED_AT: date(self.updated_at),
        }
    }

    /// Refused with any other field, another status, or without who, why and when.
    pub fn from_document(id: Id, set: &Document) -> Read<SaleVoid> {
        let mut doc = set.clone();
        doc.insert(field::ID, oid(id));
        let r = Reader::new(Collection::SalesTransactions, &doc)?;
        let allowed = [
            field::TRANSACTION_STATUS,
            field::VOIDED_BY,
            field::VOID_REASON,
            field::UPDATED_AT,
        ];
        if let Some(other) = set.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(r.refuse(format!("cannot have {other} set by a till")));
        }
        if r.required_text(field::TRANSACTION_STATUS)? != SaleStatus::Voided.as_str() {
            return Err(r.refuse("can only be voided by a till"));
        }
        Ok(SaleVoid {
            voided_by: r.id_field(field::VOIDED_BY)?,
            reason: r.required_text(field::VOID_REASON)?,
            updated_at: r.required_time(field::UPDATED_AT)?,
        })
    }
}
