//! Voids: a line taken off the cart before payment is recorded (who, what, when), and a
//! completed sale is voided by a manager while its shift is still open — its stock,
//! loyalty points, store credit and money go back and it stays on file marked voided. After the shift
//! has closed, or once something of it was returned, it comes back only as a return.

use rusqlite::params;
use tracing::info;

use crate::db::outbox;
use crate::error::{Error, Result};
use crate::journal::{self, Event};
use crate::sell::cart::CartLine;
use crate::sell::sale::Sale;
use crate::sell::tender::paid_in;
use crate::sell::transaction;
use crate::staff::{Actor, Approval, Permission};
use crate::stock::{self, Movement};
use crate::till::Till;
use crate::{customers, shift};
use sellsync_contract::documents::{
    Collection, CustomerPurchase, Op, PaymentKind, PurchaseEntry, SaleVoid,
};
use sellsync_contract::ids::{self, timestamp, Id};
use sellsync_contract::money::Money;
use sellsync_contract::stock::MovementType;

impl Till {
    /// Records that `line` was taken off the cart before payment, in the journal too.
    pub fn record_removed_line(&mut self, actor: &Actor, line: &CartLine) -> Result<()> {
        actor.require(Permission::ProcessSales)?;
        self.write_as(actor, |tx, ctx| {
            let id = Id::new();
            let now = ids::now();
            tx.prepare_cached(
                "INSERT INTO removed_lines (_id, shift_id, user_id, product_id, product_name,
                    quantity, unit_price, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                shift::open_shift_id(tx)?,
                actor.user_id(),
                line.product.id,
                line.product.product_name,
                line.quantity,
                line.product.price.minor(),
                timestamp(now),
            ])?;
            journal::append(tx, ctx, Event::LineRemoved, &id.to_string(), now)
        })
    }

    /// Voids a completed sale of this till's open shift: a manager's (the signed-in one,
    /// or one who approves with a PIN). Its stock, points and tenders go back in one
    /// transaction; the sale stays, marked voided, and central is told.
    pub fn void_sale(
        &mut self,
        actor: &Actor,
        code: &str,
        reason: &str,
        approval: Option<Approval<'_>>,
    ) -> Result<Sale> {
        actor.require(Permission::ProcessSales)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::MissingReason);
        }
        let sale = self.find_sale(code)?;
        let why = format!("voiding sale {}", sale.sale_number);
        let approved_by = self
            .approval(actor, Some(why), approval)?
            .expect("a void always asks for a manager");
        let sale_id = sale.id;
        let voided = self.write_as(actor, |tx, ctx| {
            let sale = transaction::load(tx, ctx.business.id, sale_id)?
                .ok_or_else(|| Error::UnknownSale(sale_id.to_string()))?;
            if sale.is_return() {
                return Err(Error::NotASale(sale.sale_number));
            }
            if sale.voided.is_some() {
                return Err(Error::AlreadyVoided(sale.sale_number));
            }
            if sale.shift_id.is_none() || sale.shift_id != shift::open_shift_id(tx)? {
                return Err(Error::VoidAfterShift(sale.sale_number));
            }
            let returned: bool = tx
                .prepare_cached(
                    "SELECT 1 FROM sales_transactions WHERE original_transaction_id = ?1",
                )?
                .exists([sale.id])?;
            if returned {
                return Err(Error::VoidAfterReturn(sale.sale_number));
            }
            let now = ids::now();
            tx.prepare_cached(
                "UPDATE sales_transactions SET transaction_status = 'voided', voided_by = ?2,
                    voided_at = ?3, void_reason = ?4
                 WHERE _id = ?1",
            )?
            .execute(params![sale.id, approved_by, timestamp(now), reason])?;
            outbox::append(
                tx,
                Collection::SalesTransactions,
                sale.id,
                Op::Update,
                SaleVoid {
                    voided_by: approved_by,
                    reason: reason.to_owned(),
                    updated_at: now,
                }
                .to_document(),
                now,
            )?;
            for item in &sale.items {
                stock::record(
                    tx,
                    ctx,
                    &Movement {
                        product_id: item.product_id,
                        movement_type: MovementType::Sale,
                        quantity: item.quantity,
                        handled_by: approved_by,
                        reason: "void",
                        transaction_id: Some(sale.id),
                    },
                    now,
                )?;
            }
            if let Some(customer) = sale.customer_id {
                // Points spent come back; points earned go.
                let given = sale.loyalty_points_redeemed;
                let taken = customers::points_to_take_back(
                    tx,
                    ctx,
                    customer,
                    sale.loyalty_points_earned,
                    given,
                )?;
                customers::record_purchase(
                    tx,
                    ctx,
                    customer,
                    PurchaseEntry {
                        // The history entry of the void has an id of its own (the sale's
                        // is taken by the sale's entry, which central adds only once),
                        // derived from the sale's: a sale is voided once.
                        transaction_id: CustomerPurchase::void_entry(sale.id),
                        date: now,
                        amount: Money::from_minor(-sale.total_amount.minor()),
                    },
                    given - taken,
                    paid_in(&sale.payments, PaymentKind::StoreCredit)?,
                    Some(sale.id),
                )?;
            }
            journal::append(tx, ctx, Event::Void, &sale.id.to_string(), now)?;
            transaction::load(tx, ctx.business.id, sale.id)?
                .ok_or_else(|| Error::UnknownSale(sale.id.to_string()))
        })?;
        info!(sale = %voided.sale_number, "sale voided");
        Ok(voided)
    }
}
