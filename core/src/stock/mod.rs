//! The stock ledger, per store: every change of stock is a movement (a signed quantity) of
//! one store, never an absolute number, so that tills selling the same product offline
//! merge without lost updates and one store's sales never show in another's stock. On a
//! till, a product's stock is its store's level: the store's opening stock plus the sum of
//! the store's movements; the figure kept on `products.stock` is a cache that
//! [`Till::verify_stock_ledger`] checks.

use chrono::{DateTime, Utc};
use rusqlite::params;
use tracing::info;

use crate::catalog::Product;
use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::staff::{Actor, Permission};
use crate::till::{Ctx, Till};
use crate::{notifications, purchasing};
use sellsync_contract::documents::{Collection, Op, StockMovementDoc};
use sellsync_contract::ids::{self, timestamp, Id};
use sellsync_contract::quantity::{Quantity, Unit};

pub mod counts;
pub mod transfers;

use sellsync_contract::stock::{alerts, falls_to_threshold, MovementType, StockChange};

/// One movement to record.
pub(crate) struct Movement<'a> {
    pub product_id: Id,
    pub movement_type: MovementType,
    /// Signed, in the product's unit: negative takes stock out.
    pub quantity: Quantity,
    pub handled_by: Id,
    pub reason: &'a str,
    pub transaction_id: Option<Id>,
}

/// Records a movement, updates the cached stock, raises the alerts it calls for and
/// appends it to the outbox, inside the caller's transaction.
pub(crate) fn record(
    conn: &Tx<'_>,
    ctx: &Ctx<'_>,
    movement: &Movement<'_>,
    now: DateTime<Utc>,
) -> Result<StockChange> {
    let (name, unit, after, threshold): (String, Unit, Quantity, Quantity) = conn
        .prepare_cached(
            "UPDATE products SET stock = stock + ?3, updated_at = ?4
             WHERE business_id = ?1 AND _id = ?2
             RETURNING product_name, unit, stock, stock_threshold",
        )?
        .query_row(
            params![
                ctx.business.id,
                movement.product_id,
                movement.quantity,
                timestamp(now)
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let id = Id::new();
    conn.prepare_cached(
        "INSERT INTO stock_movements (_id, business_id, store_id, product_id, movement_type,
            quantity, handled_by, reason, transaction_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        ctx.business.id,
        ctx.store.id,
        movement.product_id,
        movement.movement_type.as_str(),
        movement.quantity,
        movement.handled_by,
        movement.reason,
        movement.transaction_id,
        timestamp(now),
    ])?;
    outbox::append(
        conn,
        Collection::StockMovements,
        id,
        Op::Insert,
        StockMovementDoc {
            id,
            business_id: ctx.business.id,
            store_id: ctx.store.id,
            product_id: movement.product_id,
            movement_type: movement.movement_type,
            quantity: movement.quantity,
            handled_by: Some(movement.handled_by),
            reason: movement.reason.to_owned(),
            transaction_id: movement.transaction_id,
            created_at: Some(now),
        }
        .to_document(),
        now,
    )?;
    let change = StockChange {
        product_id: movement.product_id,
        product_name: name,
        unit,
        before: after - movement.quantity,
        after,
        stock_threshold: threshold,
    };
    for (kind, message) in alerts(&change, movement.movement_type) {
        notifications::raise(conn, ctx, kind, Some(movement.product_id), &message, now)?;
    }
    if falls_to_threshold(&change) {
        purchasing::reorder::on_fall(conn, ctx, &change, movement.handled_by, now)?;
    }
    Ok(change)
}

/// A product whose cached stock disagrees with its ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerMismatch {
    pub product_id: Id,
    pub sku: String,
    pub cached: Quantity,
    pub ledger: Quantity,
}

/// The result of recomputing every product's stock from its movements.
#[derive(Debug, Clone)]
pub struct LedgerCheck {
    pub products_checked: i64,
    pub mismatches: Vec<LedgerMismatch>,
}

impl Till {
    /// Corrects a product's stock by `delta` (a count, damage, theft…). Needs
    /// `manage_inventory` and a reason.
    pub fn adjust_stock(
        &mut self,
        actor: &Actor,
        code: &str,
        delta: Quantity,
        reason: &str,
    ) -> Result<StockChange> {
        self.move_stock(actor, code, MovementType::Adjustment, delta, reason)
    }

    /// Sets a product's stock to what was `counted` on the shelf: a correction by the
    /// difference from the level the till holds now. Needs `manage_inventory` and a reason.
    pub fn set_counted_stock(
        &mut self,
        actor: &Actor,
        code: &str,
        counted: Quantity,
        reason: &str,
    ) -> Result<StockChange> {
        actor.require(Permission::ManageInventory)?;
        let max = crate::sell::cart::MAX_QUANTITY;
        if counted.is_negative() || counted > Quantity::units(max) {
            return Err(Error::BadCount {
                got: counted.decimal(),
                max,
            });
        }
        let product = self.require_product(code)?;
        counted.fits(product.unit)?;
        if counted == product.stock {
            return Err(Error::NothingToCorrect {
                product: product.product_name,
                stock: counted.with_unit(product.unit),
            });
        }
        self.adjust_stock(actor, code, counted - product.stock, reason)
    }

    /// Receives `quantity` units into stock. Needs `manage_inventory`.
    pub fn restock(
        &mut self,
        actor: &Actor,
        code: &str,
        quantity: Quantity,
        reason: &str,
    ) -> Result<StockChange> {
        if !quantity.is_positive() {
            return Err(Error::BadQuantity {
                got: quantity.decimal(),
                unit: self.require_product(code)?.unit,
                max: crate::sell::cart::MAX_QUANTITY,
            });
        }
        let reason = if reason.trim().is_empty() {
            "delivery"
        } else {
            reason
        };
        self.move_stock(actor, code, MovementType::Restock, quantity, reason)
    }

    fn move_stock(
        &mut self,
        actor: &Actor,
        code: &str,
        movement_type: MovementType,
        quantity: Quantity,
        reason: &str,
    ) -> Result<StockChange> {
        actor.require(Permission::ManageInventory)?;
        let reason = reason.trim();
        let product = self.require_product(code)?;
        let limit = Quantity::units(crate::sell::cart::MAX_QUANTITY);
        if quantity == Quantity::ZERO || quantity > limit || quantity < -limit {
            return Err(Error::BadQuantity {
                got: quantity.decimal(),
                unit: product.unit,
                max: crate::sell::cart::MAX_QUANTITY,
            });
        }
        quantity.fits(product.unit)?;
        if reason.is_empty() {
            return Err(Error::MissingReason);
        }
        let now = ids::now();
        let change = self.write_as(actor, |tx, ctx| {
            record(
                tx,
                ctx,
                &Movement {
                    product_id: product.id,
                    movement_type,
                    quantity,
                    handled_by: actor.user_id(),
                    reason,
                    transaction_id: None,
                },
                now,
            )
        })?;
        info!(sku = %product.sku, %quantity, reason, "stock moved");
        Ok(change)
    }

    /// Every product with its stock; only those at or below their threshold when `low_only`.
    pub fn stock_levels(&self, low_only: bool) -> Result<Vec<Product>> {
        let sql = format!(
            "SELECT {} FROM products WHERE business_id = ?1 AND (?2 = 0 OR stock <= stock_threshold)
             ORDER BY product_name",
            Product::COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![self.business.id, low_only], Product::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Recomputes every product's stock from the ledger (this store's opening stock plus
    /// this store's movements) and reports where the cached figure disagrees. An empty list
    /// is a healthy till.
    pub fn verify_stock_ledger(&self) -> Result<LedgerCheck> {
        let mut stmt = self.conn.prepare(
            "SELECT p._id, p.sku, p.stock, p.opening_stock + COALESCE(SUM(m.quantity), 0)
             FROM products p
             LEFT JOIN stock_movements m ON m.product_id = p._id AND m.store_id = ?2
             WHERE p.business_id = ?1
             GROUP BY p.local_id",
        )?;
        let mut products_checked = 0;
        let mut mismatches = Vec::new();
        let mut rows = stmt.query(params![self.business.id, self.store.id])?;
        while let Some(r) = rows.next()? {
            products_checked += 1;
            let (cached, ledger): (Quantity, Quantity) = (r.get(2)?, r.get(3)?);
            if cached != ledger {
                mismatches.push(LedgerMismatch {
                    product_id: r.get(0)?,
                    sku: r.get(1)?,
                    cached,
                    ledger,
                });
            }
        }
        Ok(LedgerCheck {
            products_checked,
            mismatches,
        })
    }
}
