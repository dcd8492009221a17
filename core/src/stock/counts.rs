//! Stock counts: a manager counts a shelf (one category) or the whole store by scanning,
//! then posts the count. Each product counted is compared with its level when the count
//! started (the store's opening stock plus the store's movements up to then, from the
//! ledger), so sales rung up while the count goes on are neither lost nor counted twice;
//! posting records each difference as an `adjustment` movement with the reason "count",
//! in one transaction. Products of the count's scope that were not scanned are left as
//! they are (and listed). One open count at a time on a till. Needs `manage_inventory`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use tracing::info;

use crate::error::{Error, Result};
use crate::sell::cart::{check_quantity, MAX_QUANTITY};
use crate::staff::{Actor, Permission};
use crate::stock::{self, Movement};
use crate::till::{Ctx, Till};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::stock::MovementType;

/// The reason on a count's adjustments.
pub const COUNT_REASON: &str = "count";

/// A product of a count: what the ledger said when the count started, what was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountLine {
    pub product_id: Id,
    pub sku: String,
    pub product_name: String,
    /// The product's unit: the quantities are in it.
    pub unit: Unit,
    /// The level when the count started.
    pub expected: Quantity,
    pub counted: Quantity,
    /// Counted less expected: what posting adjusts by.
    pub difference: Quantity,
}

/// A count as a till shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCount {
    pub id: Id,
    /// `None`: the whole store.
    pub category: Option<String>,
    pub started_at: DateTime<Utc>,
    pub lines: Vec<CountLine>,
    /// Products of the count's scope not scanned (yet).
    pub not_counted: i64,
}

/// What posting a count did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedCount {
    pub count: StockCount,
    /// Products whose stock was adjusted.
    pub adjusted: usize,
    /// The sum of the differences (below zero: less on the shelves than the ledger said).
    pub net_difference: Quantity,
}

impl Till {
    /// Starts counting the store, or only `category`. Refused while a count is open here.
    pub fn start_count(&mut self, actor: &Actor, category: Option<&str>) -> Result<StockCount> {
        actor.require(Permission::ManageInventory)?;
        let category = category.map(str::trim).filter(|c| !c.is_empty());
        self.write_as(actor, |tx, ctx| {
            if open_count_id(tx, ctx)?.is_some() {
                return Err(Error::CountOpen);
            }
            if let Some(category) = category {
                let known = tx
                    .prepare_cached(
                        "SELECT 1 FROM products WHERE business_id = ?1 AND category = ?2 COLLATE NOCASE",
                    )?
                    .exists(params![ctx.business.id, category])?;
                if !known {
                    return Err(Error::UnknownCategory(category.to_owned()));
                }
            }
            tx.prepare_cached(
                "INSERT INTO stock_counts (_id, business_id, store_id, category, started_by,
                    started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                Id::new(),
                ctx.business.id,
                ctx.store.id,
                category,
                actor.user_id(),
                timestamp(ids::now()),
            ])?;
            Ok(())
        })?;
        let count = self.require_open_count()?;
        info!(category = ?count.category, "stock count started");
        Ok(count)
    }

    /// Adds `quantity` of the product with this code to the open count (a scan: 1).
    pub fn count_scan(
        &mut self,
        actor: &Actor,
        code: &str,
        quantity: Quantity,
    ) -> Result<CountLine> {
        self.change_count_line(actor, code, |counted| counted + quantity, quantity)
    }

    /// Sets how many of the product with this code were counted (a correction; 0 is
    /// "none on the shelf").
    pub fn count_set(&mut self, actor: &Actor, code: &str, counted: Quantity) -> Result<CountLine> {
        self.change_count_line(actor, code, |_| counted, Quantity::ONE)
    }

    fn change_count_line(
        &mut self,
        actor: &Actor,
        code: &str,
        counted: impl FnOnce(Quantity) -> Quantity,
        checked: Quantity,
    ) -> Result<CountLine> {
        actor.require(Permission::ManageInventory)?;
        let product = self.require_product(code)?;
        check_quantity(checked, product.unit)?;
        self.write_as(actor, |tx, ctx| {
            let (id, category, _) = open_count_id(tx, ctx)?.ok_or(Error::NoOpenCount)?;
            if let Some(category) = &category {
                if !product.category.eq_ignore_ascii_case(category) {
                    return Err(Error::NotInCount {
                        name: product.product_name.clone(),
                        category: category.clone(),
                    });
                }
            }
            let before: Quantity = tx
                .prepare_cached(
                    "SELECT counted FROM stock_count_lines WHERE count_id = ?1 AND product_id = ?2",
                )?
                .query_row(params![id, product.id], |r| r.get(0))
                .optional()?
                .unwrap_or_default();
            let now = counted(before);
            if now.is_negative() || now > Quantity::units(MAX_QUANTITY) {
                return Err(Error::BadQuantity {
                    got: now.decimal(),
                    unit: product.unit,
                    max: MAX_QUANTITY,
                });
            }
            now.fits(product.unit)?;
            tx.prepare_cached(
                "INSERT INTO stock_count_lines (count_id, product_id, counted) VALUES (?1, ?2, ?3)
                 ON CONFLICT (count_id, product_id) DO UPDATE SET counted = excluded.counted",
            )?
            .execute(params![id, product.id, now])?;
            Ok(())
        })?;
        let count = self.require_open_count()?;
        Ok(count
            .lines
            .into_iter()
            .find(|l| l.product_id == product.id)
            .expect("the line just written"))
    }

    /// The count open on this till, if any.
    pub fn open_count(&self) -> Result<Option<StockCount>> {
        let ctx = self.ctx();
        match open_count_id(&self.conn, &ctx)? {
            Some((id, category, started)) => {
                Ok(Some(view(&self.conn, &ctx, id, category, started)?))
            }
            None => Ok(None),
        }
    }

    fn require_open_count(&self) -> Result<StockCount> {
        self.open_count()?.ok_or(Error::NoOpenCount)
    }

    /// Posts the open count: each difference an `adjustment` with the reason "count",
    /// all in one transaction, and the count closed. Refused without an open count (a
    /// count posted already is one).
    pub fn post_count(&mut self, actor: &Actor) -> Result<PostedCount> {
        actor.require(Permission::ManageInventory)?;
        let posted = self.write_as(actor, |tx, ctx| {
            let (id, category, started) = open_count_id(tx, ctx)?.ok_or(Error::NoOpenCount)?;
            let count = view(tx, ctx, id, category, started)?;
            let now = ids::now();
            let mut adjusted = 0;
            for line in count
                .lines
                .iter()
                .filter(|l| l.difference != Quantity::ZERO)
            {
                stock::record(
                    tx,
                    ctx,
                    &Movement {
                        product_id: line.product_id,
                        movement_type: MovementType::Adjustment,
                        quantity: line.difference,
                        handled_by: actor.user_id(),
                        reason: COUNT_REASON,
                        transaction_id: Some(id),
                    },
                    now,
                )?;
                adjusted += 1;
            }
            close(tx, id, "posted", actor, now)?;
            let net_difference = count.lines.iter().map(|l| l.difference).sum();
            Ok(PostedCount {
                count,
                adjusted,
                net_difference,
            })
        })?;
        info!(
            adjusted = posted.adjusted,
            net = %posted.net_difference,
            "stock count posted"
        );
        Ok(posted)
    }

    /// Gives up the open count: nothing is adjusted.
    pub fn cancel_count(&mut self, actor: &Actor) -> Result<()> {
        actor.require(Permission::ManageInventory)?;
        self.write_as(actor, |tx, ctx| {
            let (id, _, _) = open_count_id(tx, ctx)?.ok_or(Error::NoOpenCount)?;
            close(tx, id, "cancelled", actor, ids::now())
        })
    }
}

fn close(tx: &Connection, id: Id, status: &str, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE stock_counts SET status = ?2, closed_by = ?3, closed_at = ?4 WHERE _id = ?1",
    )?
    .execute(params![id, status, actor.user_id(), timestamp(now)])?;
    Ok(())
}

/// The open count's id, category and start.
fn open_count_id(conn: &Connection, ctx: &Ctx<'_>) -> Result<Option<(Id, Option<String>, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT _id, category, started_at FROM stock_counts
             WHERE business_id = ?1 AND store_id = ?2 AND status = 'open'",
        )?
        .query_row(params![ctx.business.id, ctx.store.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?)
}

/// The count's lines, each with the product's level when the count started: its
/// opening stock plus the store's movements up to `started`.
fn view(
    conn: &Connection,
    ctx: &Ctx<'_>,
    id: Id,
    category: Option<String>,
    started: String,
) -> Result<StockCount> {
    let mut stmt = conn.prepare_cached(
        "SELECT p._id, p.sku, p.product_name, l.counted, p.unit,
            p.opening_stock + COALESCE((SELECT SUM(m.quantity) FROM stock_movements m
                WHERE m.product_id = p._id AND m.store_id = ?2 AND m.created_at <= ?3), 0)
         FROM stock_count_lines l JOIN products p ON p._id = l.product_id
         WHERE l.count_id = ?1
         ORDER BY p.product_name",
    )?;
    let lines = stmt
        .query_map(params![id, ctx.store.id, started], |r| {
            let (counted, expected): (Quantity, Quantity) = (r.get(3)?, r.get(5)?);
            Ok(CountLine {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                product_name: r.get(2)?,
                unit: r.get(4)?,
                expected,
                counted,
                difference: counted - expected,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let in_scope: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM products
             WHERE business_id = ?1 AND (store_id IS NULL OR store_id = ?2)
               AND (?3 IS NULL OR category = ?3 COLLATE NOCASE)",
        )?
        .query_row(params![ctx.business.id, ctx.store.id, category], |r| {
            r.get(0)
        })?;
    Ok(StockCount {
        id,
        not_counted: in_scope - lines.len() as i64,
        category,
        started_at: parse_timestamp(&started)
            .map_err(|_| Error::Corrupt("a stock count's start is unreadable".into()))?,
        lines,
    })
}
