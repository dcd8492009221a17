//! Automatic reorders: when a movement takes a product's stock at the store down to its
//! threshold (a sale, an adjustment, a write-off), its reorder quantity goes onto the
//! store's automatic draft to the product's supplier, in the movement's transaction, with
//! a notification for the managers. One line per product per draft: a product already on
//! the draft is not added again, however often it dips.
//!
//! The store's automatic drafts to one supplier are numbered by generation (0, 1, …; the
//! next opens when the last is ordered or cancelled) and their ids are derived from the
//! store, the supplier and the generation, so the tills of a store that reorder offline
//! open the same draft. Each line goes out as a `reorder` operation ([`ReorderLine`]),
//! which central adds once to that draft (or, if it was ordered or cancelled meanwhile, to
//! the next): after the tills sync, one draft per supplier, each product once, no line
//! lost.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use crate::db::{outbox, Tx};
use crate::error::Result;
use crate::notifications;
use crate::purchasing::orders;
use crate::till::{next_number, Ctx, TillCounter};
use sellsync_contract::documents::NotificationKind;
use sellsync_contract::documents::{
    Collection, Op, OrderItemDoc, OrderStatus, PurchaseOrderDoc, ReorderLine,
};
use sellsync_contract::ids::Id;
use sellsync_contract::money::Money;
use sellsync_contract::quantity::Quantity;
use sellsync_contract::stock::StockChange;

/// Puts the product of `change`, which has just fallen to its threshold, on its
/// supplier's automatic draft, unless it has no supplier or no reorder quantity or is on
/// the draft already. `by`: who moved the stock (the draft's author if it opens now).
pub(crate) fn on_fall(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    change: &StockChange,
    by: Id,
    now: DateTime<Utc>,
) -> Result<()> {
    let rule: Option<(Option<Id>, Quantity, Option<i64>)> = tx
        .prepare_cached(
            "SELECT supplier_id, reorder_quantity, unit_cost FROM products
             WHERE business_id = ?1 AND _id = ?2",
        )?
        .query_row(params![ctx.business.id, change.product_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((Some(supplier), quantity, cost)) = rule.filter(|(_, q, _)| q.is_positive()) else {
        return Ok(());
    };
    let item = OrderItemDoc {
        product_id: change.product_id,
        quantity_ordered: quantity,
        unit_price: cost.map(Money::from_minor),
        quantity_received: Quantity::ZERO,
        quantity_damaged: Quantity::ZERO,
    };
    let draft = match open_draft(tx, ctx, supplier)? {
        Some(draft) => {
            let on_it = tx
                .prepare_cached(
                    "SELECT 1 FROM purchase_order_items WHERE order_id = ?1 AND product_id = ?2",
                )?
                .exists(params![draft.id, change.product_id])?;
            if on_it {
                return Ok(());
            }
            orders::append_line(tx, draft.id, &item, now)?;
            draft
        }
        None => {
            let draft = next_draft(tx, ctx, supplier, by, now)?;
            orders::store_rows(
                tx,
                &PurchaseOrderDoc {
                    items: vec![item.clone()],
                    ..draft.clone()
                },
            )?;
            draft
        }
    };
    let line = ReorderLine {
        reorder_id: Id::new(),
        draft,
        item,
    };
    outbox::append(
        tx,
        Collection::PurchaseOrders,
        line.draft.id,
        Op::Reorder,
        line.to_document(&ctx.business.currency),
        now,
    )?;
    let supplier_name: String = tx
        .prepare_cached("SELECT supplier_name FROM suppliers WHERE _id = ?1")?
        .query_row([supplier], |r| r.get(0))?;
    notifications::raise(
        tx,
        ctx,
        NotificationKind::Reordered,
        Some(change.product_id),
        &format!(
            "{quantity} × {} put on order {} to {supplier_name}: {} is down to {}. The order is a draft until a manager marks it ordered.",
            change.product_name, line.draft.order_number, change.product_name, change.after
        ),
        now,
    )
}

/// The store's open automatic draft to `supplier`, without its lines.
fn open_draft(tx: &Tx<'_>, ctx: &Ctx<'_>, supplier: Id) -> Result<Option<PurchaseOrderDoc>> {
    let open: Option<Id> = tx
        .prepare_cached(
            "SELECT _id FROM purchase_orders
             WHERE business_id = ?1 AND store_id = ?2 AND supplier_id = ?3
               AND reorder_generation IS NOT NULL AND order_status = 'draft'
             ORDER BY reorder_generation DESC LIMIT 1",
        )?
        .query_row(params![ctx.business.id, ctx.store.id, supplier], |r| {
            r.get(0)
        })
        .optional()?;
    open.map(|id| orders::find_header(tx, ctx, &id.to_string()))
        .transpose()
}

/// A new automatic draft to `supplier` (without lines, not stored yet), of the generation
/// after the store's last, which was ordered or cancelled.
fn next_draft(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    supplier: Id,
    by: Id,
    now: DateTime<Utc>,
) -> Result<PurchaseOrderDoc> {
    let last: Option<i64> = tx
        .prepare_cached(
            "SELECT MAX(reorder_generation) FROM purchase_orders
             WHERE business_id = ?1 AND store_id = ?2 AND supplier_id = ?3",
        )?
        .query_row(params![ctx.business.id, ctx.store.id, supplier], |r| {
            r.get(0)
        })?;
    let generation = last.map_or(0, |g| g + 1);
    Ok(PurchaseOrderDoc {
        id: PurchaseOrderDoc::reorder_draft_id(ctx.store.id, supplier, generation),
        business_id: ctx.business.id,
        store_id: ctx.store.id,
        supplier_id: supplier,
        order_number: next_number(tx, ctx.till_code, TillCounter::PurchaseOrder)?,
        order_status: OrderStatus::Draft,
        expected_delivery: None,
        items: Vec::new(),
        created_by: Some(by),
        created_at: now,
        updated_at: now,
        reorder_generation: Some(generation),
    })
}
