//! A sale or a return as the till holds it, pure: its lines, payments, totals and taxes,
//! and how another till's arrives in its central document. Stored by `transaction.rs`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::sell::tender::Payment;
use sellsync_contract::documents::{SaleDoc, TransactionType};
use sellsync_contract::ids::Id;
use sellsync_contract::money::{Money, Percent};
use sellsync_contract::pricing::TaxLine;
use sellsync_contract::quantity::{Quantity, Unit};

/// One line of a sale, or of a return (what goes back of a line of its sale).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleItem {
    pub product_id: Id,
    pub product_name: String,
    pub sku: String,
    /// In `unit`; `unit_price` is the price of one.
    pub quantity: Quantity,
    /// Left out of the JSON for pieces, so that a sale of pieces is the text it always was.
    #[serde(skip_serializing_if = "is_piece")]
    pub unit: Unit,
    pub unit_price: Money,
    pub line_discount: Money,
    pub cart_discount: Money,
    pub tax_rate: Percent,
    pub tax_amount: Money,
    pub total_price: Money,
    /// On a return: the line of the sale it returns, from 1 (`None` without a receipt).
    pub original_line_no: Option<i64>,
    /// On a return: came back damaged, written off instead of back to stock.
    pub damaged: bool,
}

impl SaleItem {
    /// What the line's tax was computed on (or is contained in): gross less discounts.
    pub fn net(&self) -> Result<Money> {
        Ok(self
            .unit_price
            .times(self.quantity)?
            .checked_sub(self.line_discount)?
            .checked_sub(self.cart_discount)?)
    }
}

fn is_piece(unit: &Unit) -> bool {
    *unit == Unit::Piece
}

/// A completed sale or return, as stored. A return's amounts are what it gives back, as
/// positive numbers; its `loyalty_points_earned` are the points it takes back and its
/// `loyalty_points_redeemed` those it gives back.
///
/// Its JSON (with its items and payments) is the journal's canonical text of the sale
/// (`journal::content_of`): a change to these types changes what every till's journal
/// entries hash, so it is a change of the journal's format, not of a printout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sale {
    pub id: Id,
    pub transaction_type: TransactionType,
    pub sale_number: String,
    pub created_at: DateTime<Utc>,
    pub store_id: Id,
    pub till_id: Id,
    pub cashier_id: Id,
    pub cashier_name: String,
    pub customer_id: Option<Id>,
    pub currency: String,
    pub items: Vec<SaleItem>,
    pub payments: Vec<Payment>,
    /// The one payment method's name, or `Split`.
    pub payment_method: String,
    pub subtotal: Money,
    pub discount_total: Money,
    pub cart_discount: Money,
    pub tax_total: Money,
    pub total_amount: Money,
    pub amount_tendered: Money,
    pub change_due: Money,
    pub loyalty_points_earned: i64,
    pub loyalty_points_redeemed: i64,
    /// Tax per rate, from the items.
    pub taxes: Vec<TaxLine>,
    /// On a return: the sale it gives back, if it came with a receipt.
    pub original_transaction_id: Option<Id>,
    pub original_sale_number: Option<String>,
    /// Why (a return's reason); empty for a sale.
    pub reason: String,
    /// The manager who approved what the cashier could not do alone.
    pub approved_by: Option<Id>,
    /// The shift of this till it was made in (`None` for another till's).
    pub shift_id: Option<Id>,
    /// Set once a manager voided the sale.
    pub voided: Option<Voided>,
    /// The parked sale it completed.
    pub parked_sale_id: Option<Id>,
}

/// Who voided a sale, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voided {
    /// `None` when the void came from another till and its author is not known here.
    pub by: Option<Id>,
    pub at: DateTime<Utc>,
    pub reason: String,
}

impl Sale {
    pub fn is_return(&self) -> bool {
        self.transaction_type == TransactionType::Return
    }

    /// Another till's sale or return as its central document holds it. The document
    /// keeps one discount per item: it is stored as the line's, which leaves every line's
    /// net, tax and total as they were sold.
    pub(crate) fn from_central(doc: &SaleDoc) -> Sale {
        let items = doc
            .items
            .iter()
            .map(|item| SaleItem {
                product_id: item.product_id,
                product_name: item.product_name.clone(),
                sku: item.sku.clone(),
                quantity: item.quantity,
                unit: item.unit,
                unit_price: item.unit_price,
                line_discount: item.discount,
                cart_discount: Money::ZERO,
                tax_rate: item.tax_rate,
                tax_amount: item.tax_amount,
                total_price: item.total_price,
                original_line_no: item.original_line_no,
                damaged: item.damaged,
            })
            .collect();
        let payments = doc
            .payments
            .iter()
            .map(|pay| Payment {
                payment_method_id: pay.payment_method_id,
                method_name: pay.method_name.clone(),
                kind: pay.kind,
                tendered: pay.tendered,
                amount: pay.amount,
            })
            .collect();
        Sale {
            id: doc.id,
            transaction_type: doc.transaction_type,
            sale_number: doc.sale_number.clone(),
            created_at: doc.created_at,
            store_id: doc.store_id,
            till_id: doc.till_id,
            cashier_id: doc.cashier_id,
            cashier_name: String::new(),
            customer_id: doc.customer_id,
            currency: doc.currency.code().to_owned(),
            items,
            payments,
            payment_method: doc.payment_method.clone(),
            subtotal: doc.subtotal,
            discount_total: doc.discount_total,
            cart_discount: Money::ZERO,
            tax_total: doc.tax_total,
            total_amount: doc.total_amount,
            amount_tendered: doc.amount_tendered,
            change_due: doc.change_due,
            loyalty_points_earned: doc.loyalty_points_earned,
            loyalty_points_redeemed: doc.loyalty_points_redeemed,
            taxes: Vec::new(),
            original_transaction_id: doc.original_transaction_id,
            original_sale_number: None,
            reason: doc.reason.clone().unwrap_or_default(),
            approved_by: doc.approved_by,
            // Another till's shift: not held here.
            shift_id: None,
            voided: None,
            parked_sale_id: doc.parked_sale_id,
        }
    }
}
