//! Purchase orders (the seed's `purchase_orders`): a store's order to one supplier, made
//! at a till. A manager creates a draft, adds and changes lines, marks it ordered (then
//! exports it for the supplier: `export.rs`), receives the delivery by scanning (partly, more or
//! fewer than ordered, damaged), or cancels it while nothing came in. One line per
//! product. Every change writes the order's rows and its outbox row in one transaction:
//! an insert when it is made, then an update of its lines, state and expected delivery.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use tracing::info;

use crate::catalog::{self, Product};
use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::notifications;
use crate::purchasing::suppliers::require_supplier;
use crate::sell::cart::check_quantity;
use crate::staff::{Actor, Permission};
use crate::stock::{self, Movement};
use crate::till::{next_number, Ctx, Till, TillCounter};
use sellsync_contract::documents::NotificationKind;
use sellsync_contract::documents::{
    Collection, Op, OrderItemDoc, OrderStatus, ProductChange, PurchaseOrderDoc,
};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};
use sellsync_contract::money::Money;
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::stock::MovementType;

/// A line of an order, with its product's names for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub product_id: Id,
    pub sku: String,
    pub product_name: String,
    /// The family of a variant (`Crew T-shirt`), to roll an order up by.
    pub family_name: Option<String>,
    /// The product's unit: every quantity of the line is in it.
    pub unit: Unit,
    pub quantity_ordered: Quantity,
    pub unit_price: Option<Money>,
    pub quantity_received: Quantity,
    pub quantity_damaged: Quantity,
    /// What came in, sound or not, less what was ordered: below zero short, above over.
    pub difference: Quantity,
}

/// A purchase order as a till shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseOrder {
    pub id: Id,
    pub order_number: String,
    pub supplier_id: Id,
    pub supplier_name: String,
    pub store_id: Id,
    pub order_status: OrderStatus,
    /// Opened by products falling to their thresholds (the store's automatic draft to the
    /// supplier), not by a manager.
    pub automatic: bool,
    pub expected_delivery: Option<NaiveDate>,
    pub lines: Vec<OrderLine>,
    /// What the lines with a known price add up to.
    pub total: Money,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A product to order: how many, at what price (none: the product's unit cost).
#[derive(Debug, Clone)]
pub struct OrderLineInput {
    pub product: Product,
    pub quantity: Quantity,
    pub unit_price: Option<Money>,
}

/// What came in of one product of an order, as scanned at the till.
#[derive(Debug, Clone)]
pub struct ReceivedLine {
    pub product: Product,
    /// Sound units: into this store's stock.
    pub quantity: Quantity,
    /// Broken units: recorded, written off.
    pub damaged: Quantity,
    /// What the supplier charged for one, when it differs from the order (it becomes the
    /// product's cost).
    pub unit_cost: Option<Money>,
}

/// Records `lines` as come in on `order` and moves its state: partly received until every
/// line has all it ordered (sound or damaged), then received. More than ordered is kept
/// as it is (a difference). Refused unless the order is ordered or partly received, for a
/// product not on it, or for nothing or a negative quantity. Pure.
fn receive_lines(order: &mut PurchaseOrderDoc, lines: &[ReceivedLine]) -> Result<()> {
    match order.order_status {
        OrderStatus::Ordered | OrderStatus::PartiallyReceived => {}
        status => {
            return Err(Error::NotReceivable {
                number: order.order_number.clone(),
                status: status.as_str(),
            })
        }
    }
    if lines.is_empty() {
        return Err(Error::NothingReceived);
    }
    for line in lines {
        let unit = line.product.unit;
        if line.quantity.is_negative()
            || line.damaged.is_negative()
            || line.quantity + line.damaged == Quantity::ZERO
        {
            return Err(Error::BadQuantity {
                got: line
                    .quantity
                    .min(line.damaged)
                    .min(Quantity::ZERO)
                    .decimal(),
                unit,
                max: crate::sell::cart::MAX_QUANTITY,
            });
        }
        line.quantity.fits(unit)?;
        line.damaged.fits(unit)?;
        let item = order
            .items
            .iter_mut()
            .find(|i| i.product_id == line.product.id)
            .ok_or_else(|| Error::NotOnOrder(order.order_number.clone()))?;
        item.quantity_received += line.quantity;
        item.quantity_damaged += line.damaged;
        check_quantity(item.quantity_received + item.quantity_damaged, unit)?;
        if let Some(cost) = line.unit_cost {
            item.unit_price = Some(cost);
        }
    }
    order.order_status = if order.items.iter().all(|i| !i.difference().is_negative()) {
        OrderStatus::Received
    } else {
        OrderStatus::PartiallyReceived
    };
    Ok(())
}

/// Adds `lines` to `items`: a product already on the order gets the quantity added (and
/// the new price, if one is given). Refused for a quantity out of range or a product that
/// another supplier supplies. Pure.
fn add_lines(items: &mut Vec<OrderItemDoc>, supplier: Id, lines: &[OrderLineInput]) -> Result<()> {
    for line in lines {
        check_quantity(line.quantity, line.product.unit)?;
        if line.product.supplier_id.is_some_and(|s| s != supplier) {
            return Err(Error::ProductOfAnotherSupplier(
                line.product.product_name.clone(),
            ));
        }
        let price = line.unit_price.or(line.product.unit_cost);
        match items.iter_mut().find(|i| i.product_id == line.product.id) {
            Some(item) => {
                item.quantity_ordered += line.quantity;
                check_quantity(item.quantity_ordered, line.product.unit)?;
                item.unit_price = price.or(item.unit_price);
            }
            None => items.push(OrderItemDoc {
                product_id: line.product.id,
                quantity_ordered: line.quantity,
                unit_price: price,
                quantity_received: Quantity::ZERO,
                quantity_damaged: Quantity::ZERO,
            }),
        }
    }
    Ok(())
}

impl Till {
    /// Creates a draft order to `supplier` for this store, with `lines` (there may be none
    /// yet). Needs `manage_inventory`.
    pub fn create_purchase_order(
        &mut self,
        actor: &Actor,
        supplier: Id,
        expected_delivery: Option<NaiveDate>,
        lines: &[OrderLineInput],
    ) -> Result<PurchaseOrder> {
        actor.require(Permission::ManageInventory)?;
        let mut items = Vec::new();
        add_lines(&mut items, supplier, lines)?;
        let id = self.write_as(actor, |tx, ctx| {
            require_supplier(tx, ctx, supplier)?;
            let now = ids::now();
            let order = PurchaseOrderDoc {
                id: Id::new(),
                business_id: ctx.business.id,
                store_id: ctx.store.id,
                supplier_id: supplier,
                order_number: next_number(tx, ctx.till_code, TillCounter::PurchaseOrder)?,
                order_status: OrderStatus::Draft,
                expected_delivery,
                items: items.clone(),
                created_by: Some(actor.user_id()),
                created_at: now,
                updated_at: now,
                reorder_generation: None,
            };
            store(tx, ctx, &order, Op::Insert, &[])?;
            Ok(order.id)
        })?;
        let order = self.purchase_order(&id.to_string())?;
        info!(order = %order.order_number, %supplier, "purchase order drafted");
        Ok(order)
    }

    /// Adds lines to a draft (a product on it already gets the quantity added).
    pub fn add_to_purchase_order(
        &mut self,
        actor: &Actor,
        code: &str,
        lines: &[OrderLineInput],
    ) -> Result<PurchaseOrder> {
        self.change_order(actor, code, |order| {
            require_draft(order)?;
            add_lines(&mut order.items, order.supplier_id, lines)
        })
    }

    /// Sets how many of `product` a draft orders; 0 takes the line off.
    pub fn set_purchase_order_quantity(
        &mut self,
        actor: &Actor,
        code: &str,
        product: Id,
        quantity: Quantity,
    ) -> Result<PurchaseOrder> {
        let unit = self.product(product)?.map_or(Unit::Piece, |p| p.unit);
        self.change_order(actor, code, |order| {
            require_draft(order)?;
            let index = order
                .items
                .iter()
                .position(|i| i.product_id == product)
                .ok_or_else(|| Error::NotOnOrder(order.order_number.clone()))?;
            if quantity == Quantity::ZERO {
                order.items.remove(index);
            } else {
                check_quantity(quantity, unit)?;
                order.items[index].quantity_ordered = quantity;
            }
            Ok(())
        })
    }

    /// Marks a draft ordered: it has been sent to the supplier. Refused for an order
    /// without lines.
    pub fn mark_purchase_order_ordered(
        &mut self,
        actor: &Actor,
        code: &str,
    ) -> Result<PurchaseOrder> {
        self.change_order(actor, code, |order| {
            require_draft(order)?;
            if order.items.is_empty() {
                return Err(Error::OrderEmpty(order.order_number.clone()));
            }
            order.order_status = OrderStatus::Ordered;
            Ok(())
        })
    }

    /// Receives a delivery against an ordered order: each sound unit is a `restock`
    /// movement of this store referencing the order, damaged ones are recorded only, a
    /// cost that differs becomes the product's; the order's state follows. All in one
    /// transaction. Needs `manage_inventory`.
    pub fn receive_purchase_order(
        &mut self,
        actor: &Actor,
        code: &str,
        lines: &[ReceivedLine],
    ) -> Result<PurchaseOrder> {
        actor.require(Permission::ManageInventory)?;
        let id = self.write_as(actor, |tx, ctx| {
            let mut order = find(tx, ctx, code)?;
            receive_lines(&mut order, lines)?;
            let now = ids::now();
            order.updated_at = now;
            store(tx, ctx, &order, Op::Update, &[])?;
            let reason = format!("purchase order {}", order.order_number);
            for line in lines.iter().filter(|l| l.quantity.is_positive()) {
                stock::record(
                    tx,
                    ctx,
                    &Movement {
                        product_id: line.product.id,
                        movement_type: MovementType::Restock,
                        quantity: line.quantity,
                        handled_by: actor.user_id(),
                        reason: &reason,
                        transaction_id: Some(order.id),
                    },
                    now,
                )?;
            }
            for line in lines {
                let Some(cost) = line
                    .unit_cost
                    .filter(|c| Some(*c) != line.product.unit_cost)
                else {
                    continue;
                };
                let change = vec![ProductChange::UnitCost(Some(cost))];
                catalog::write_changes(tx, ctx, line.product.id, change, now)?;
            }
            Ok(order.id)
        })?;
        let order = self.purchase_order(&id.to_string())?;
        info!(order = %order.order_number, status = order.order_status.as_str(), "delivery received");
        Ok(order)
    }

    /// Cancels a draft or an ordered order; refused once anything of it came in.
    pub fn cancel_purchase_order(&mut self, actor: &Actor, code: &str) -> Result<PurchaseOrder> {
        self.change_order(actor, code, |order| {
            match order.order_status {
                OrderStatus::Draft | OrderStatus::Ordered => {}
                OrderStatus::PartiallyReceived | OrderStatus::Received => {
                    return Err(Error::CancelAfterReceipt(order.order_number.clone()))
                }
                OrderStatus::Cancelled => {
                    return Err(Error::OrderClosed {
                        number: order.order_number.clone(),
                        status: "cancelled",
                    })
                }
            }
            order.order_status = OrderStatus::Cancelled;
            Ok(())
        })
    }

    /// Raises an `order_overdue` notification for each of the store's orders whose
    /// expected delivery is before `today` (the store's date: [`Till::today`]) and
    /// that has not all come in; once per order, at whichever till finds it first (the
    /// notification's id is derived from the order's). Returns how many were raised now.
    pub fn raise_overdue_orders(&mut self, today: NaiveDate) -> Result<usize> {
        let now = ids::now();
        let raised = self.write(|tx, ctx| {
            let overdue: Vec<(Id, String, String, String, Quantity)> = tx
                .prepare_cached(
                    "SELECT o._id, o.order_number, s.supplier_name, o.expected_delivery,
                        SUM(MAX(i.quantity_ordered - i.quantity_received - i.quantity_damaged, 0))
                     FROM purchase_orders o
                     JOIN suppliers s ON s._id = o.supplier_id
                     JOIN purchase_order_items i ON i.order_id = o._id
                     WHERE o.business_id = ?1 AND o.store_id = ?2
                       AND o.order_status IN ('ordered', 'partially_received')
                       AND o.expected_delivery < ?3
                     GROUP BY o._id",
                )?
                .query_map(
                    params![ctx.business.id, ctx.store.id, today.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            let mut raised = 0;
            for (id, number, supplier, expected, missing) in overdue {
                let message = format!(
                    "Order {number} from {supplier} was expected on {expected}: {missing} still to come in. Call the supplier, or cancel what will not come."
                );
                let kind = NotificationKind::OrderOverdue;
                raised += usize::from(notifications::raise_shared(tx, ctx, kind, id, &message, now)?);
            }
            Ok(raised)
        })?;
        if raised > 0 {
            info!(raised, "purchase orders overdue");
        }
        Ok(raised)
    }

    /// How many of each product the store has ordered and not received yet (on orders
    /// ordered or partly received; what came short of an order still counts until it is
    /// received or the order is closed).
    pub fn on_order(&self) -> Result<HashMap<Id, Quantity>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.product_id,
                SUM(MAX(i.quantity_ordered - i.quantity_received - i.quantity_damaged, 0))
             FROM purchase_orders o JOIN purchase_order_items i ON i.order_id = o._id
             WHERE o.business_id = ?1 AND o.store_id = ?2
               AND o.order_status IN ('ordered', 'partially_received')
             GROUP BY i.product_id",
        )?;
        let rows = stmt.query_map(params![self.business.id, self.store.id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The store's purchase orders, newest first; only those in `status` if given.
    pub fn purchase_orders(&self, status: Option<OrderStatus>) -> Result<Vec<PurchaseOrder>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT _id FROM purchase_orders
             WHERE business_id = ?1 AND store_id = ?2 AND (?3 IS NULL OR order_status = ?3)
             ORDER BY created_at DESC, order_number DESC",
        )?;
        let ids = stmt
            .query_map(
                params![
                    self.business.id,
                    self.store.id,
                    status.map(OrderStatus::as_str)
                ],
                |r| r.get::<_, Id>(0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter()
            .map(|id| self.purchase_order(&id.to_string()))
            .collect()
    }

    /// The order with this id or number, of this store. Another store's or business's
    /// answers as one that does not exist.
    pub fn purchase_order(&self, code: &str) -> Result<PurchaseOrder> {
        let ctx = self.ctx();
        let doc = find(&self.conn, &ctx, code)?;
        view(&self.conn, &doc)
    }

    /// Changes one order in one transaction: read it as the transaction sees it, let
    /// `change` decide (nothing is written when it refuses), write it and its update.
    fn change_order(
        &mut self,
        actor: &Actor,
        code: &str,
        change: impl FnOnce(&mut PurchaseOrderDoc) -> Result<()>,
    ) -> Result<PurchaseOrder> {
        actor.require(Permission::ManageInventory)?;
        let id = self.write_as(actor, |tx, ctx| {
            let mut order = find(tx, ctx, code)?;
            let before = order.clone();
            change(&mut order)?;
            if order != before {
                order.updated_at = ids::now();
                let removed: Vec<Id> = before
                    .items
                    .iter()
                    .map(|i| i.product_id)
                    .filter(|p| !order.items.iter().any(|i| i.product_id == *p))
                    .collect();
                store(tx, ctx, &order, Op::Update, &removed)?;
            }
            Ok(order.id)
        })?;
        let order = self.purchase_order(&id.to_string())?;
        info!(order = %order.order_number, status = order.order_status.as_str(), "purchase order changed");
        Ok(order)
    }
}

fn require_draft(order: &PurchaseOrderDoc) -> Result<()> {
    if order.order_status == OrderStatus::Draft {
        Ok(())
    } else {
        Err(Error::OrderClosed {
            number: order.order_number.clone(),
            status: order.order_status.as_str(),
        })
    }
}

/// Writes `order`'s rows, its lines replaced: for a change made here, and for one pulled
/// from central (whose supplier, products and author the caller checked the till holds).
pub(crate) fn store_rows(tx: &Connection, order: &PurchaseOrderDoc) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO purchase_orders (_id, business_id, store_id, supplier_id, order_number,
            order_status, expected_delivery, created_by, created_at, updated_at,
            reorder_generation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (_id) DO UPDATE SET order_number = excluded.order_number,
            order_status = excluded.order_status,
            expected_delivery = excluded.expected_delivery, updated_at = excluded.updated_at",
    )?
    .execute(params![
        order.id,
        order.business_id,
        order.store_id,
        order.supplier_id,
        order.order_number,
        order.order_status.as_str(),
        order.expected_delivery.map(|d| d.to_string()),
        order.created_by,
        timestamp(order.created_at),
        timestamp(order.updated_at),
        order.reorder_generation,
    ])?;
    tx.prepare_cached("DELETE FROM purchase_order_items WHERE order_id = ?1")?
        .execute([order.id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO purchase_order_items (order_id, line_no, product_id, quantity_ordered,
            unit_price, quantity_received, quantity_damaged)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, item) in order.items.iter().enumerate() {
        insert.execute(params![
            order.id,
            i as i64 + 1,
            item.product_id,
            item.quantity_ordered,
            item.unit_price.map(Money::minor),
            item.quantity_received,
            item.quantity_damaged,
        ])?;
    }
    Ok(())
}

/// Writes `order`'s rows and its outbox row: the whole document for an insert, the fields
/// a till changes for an update (with the products it took off: `removed`).
fn store(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    order: &PurchaseOrderDoc,
    op: Op,
    removed: &[Id],
) -> Result<()> {
    store_rows(tx, order)?;
    let currency = &ctx.business.currency;
    let payload = match op {
        Op::Insert => order.to_document(currency),
        _ => order.to_change(currency, removed),
    };
    outbox::append(
        tx,
        Collection::PurchaseOrders,
        order.id,
        op,
        payload,
        order.updated_at,
    )
}

/// The order with this id or number at the till's store, as `conn` sees it.
pub(super) fn find(conn: &Connection, ctx: &Ctx<'_>, code: &str) -> Result<PurchaseOrderDoc> {
    let mut order = find_header(conn, ctx, code)?;
    let mut stmt = conn.prepare_cached(
        "SELECT product_id, quantity_ordered, unit_price, quantity_received, quantity_damaged
         FROM purchase_order_items WHERE order_id = ?1 ORDER BY line_no",
    )?;
    for row in stmt.query_map([order.id], |r| {
        Ok(OrderItemDoc {
            product_id: r.get(0)?,
            quantity_ordered: r.get(1)?,
            unit_price: r.get::<_, Option<i64>>(2)?.map(Money::from_minor),
            quantity_received: r.get(3)?,
            quantity_damaged: r.get(4)?,
        })
    })? {
        order.items.push(row?);
    }
    Ok(order)
}

/// Adds `item` as the last line of `order` (a product it does not have) and marks the
/// order changed at `now`: one line written, however long the order.
pub(super) fn append_line(
    tx: &Connection,
    order: Id,
    item: &OrderItemDoc,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO purchase_order_items (order_id, line_no, product_id, quantity_ordered,
            unit_price, quantity_received, quantity_damaged)
         SELECT ?1, COALESCE(MAX(line_no), 0) + 1, ?2, ?3, ?4, ?5, ?6
         FROM purchase_order_items WHERE order_id = ?1",
    )?
    .execute(params![
        order,
        item.product_id,
        item.quantity_ordered,
        item.unit_price.map(Money::minor),
        item.quantity_received,
        item.quantity_damaged,
    ])?;
    tx.prepare_cached("UPDATE purchase_orders SET updated_at = ?2 WHERE _id = ?1")?
        .execute(params![order, timestamp(now)])?;
    Ok(())
}

/// The order with this id or number at the till's store, without its lines.
pub(super) fn find_header(
    conn: &Connection,
    ctx: &Ctx<'_>,
    code: &str,
) -> Result<PurchaseOrderDoc> {
    let code = code.trim();
    let row = conn
        .prepare_cached(
            "SELECT _id, supplier_id, order_number, order_status, expected_delivery,
                created_by, created_at, updated_at, reorder_generation
             FROM purchase_orders
             WHERE business_id = ?1 AND store_id = ?2 AND (_id = ?3 OR order_number = ?3)",
        )?
        .query_row(params![ctx.business.id, ctx.store.id, code], |r| {
            Ok((
                r.get::<_, Id>(0)?,
                r.get::<_, Id>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<Id>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ))
        })
        .optional()?
        .ok_or_else(|| Error::UnknownOrder(code.to_owned()))?;
    let (id, supplier_id, order_number, status, expected, created_by, created, updated, generation) =
        row;
    let corrupt = |what: &str| Error::Corrupt(format!("purchase order {order_number}: {what}"));
    Ok(PurchaseOrderDoc {
        id,
        business_id: ctx.business.id,
        store_id: ctx.store.id,
        supplier_id,
        order_status: OrderStatus::parse(&status).ok_or_else(|| corrupt("an unknown status"))?,
        expected_delivery: expected
            .map(|d| d.parse::<NaiveDate>())
            .transpose()
            .map_err(|_| corrupt("an unreadable expected delivery"))?,
        items: Vec::new(),
        created_by,
        created_at: parse_timestamp(&created).map_err(|_| corrupt("an unreadable time"))?,
        updated_at: parse_timestamp(&updated).map_err(|_| corrupt("an unreadable time"))?,
        order_number,
        reorder_generation: generation,
    })
}

/// What order lines come to, each given as its price for one (if known) and the quantity
/// ordered: those with a price, each rounded once.
pub fn priced_total(lines: impl IntoIterator<Item = (Option<Money>, Quantity)>) -> Result<Money> {
    let mut total = Money::ZERO;
    for (price, quantity) in lines {
        if let Some(price) = price {
            total = total.checked_add(price.times(quantity)?)?;
        }
    }
    Ok(total)
}

/// `doc` with the names people read: the supplier's, each product's.
fn view(conn: &Connection, doc: &PurchaseOrderDoc) -> Result<PurchaseOrder> {
    let supplier_name: String = conn
        .prepare_cached("SELECT supplier_name FROM suppliers WHERE _id = ?1")?
        .query_row([doc.supplier_id], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    // Every line's names in one read.
    type Names = (String, String, Option<String>, Unit);
    let mut names: HashMap<Id, Names> = HashMap::with_capacity(doc.items.len());
    let mut stmt = conn.prepare_cached(
        "SELECT p._id, p.sku, p.product_name, p.family_name, p.unit FROM purchase_order_items i
         JOIN products p ON p._id = i.product_id WHERE i.order_id = ?1",
    )?;
    for row in stmt.query_map([doc.id], |r| {
        Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
    })? {
        let (id, pair) = row?;
        names.insert(id, pair);
    }
    let total = priced_total(doc.items.iter().map(|i| (i.unit_price, i.quantity_ordered)))?;
    let mut lines = Vec::with_capacity(doc.items.len());
    for item in &doc.items {
        let (sku, product_name, family_name, unit) =
            names.remove(&item.product_id).unwrap_or_default();
        lines.push(OrderLine {
            product_id: item.product_id,
            sku,
            product_name,
            family_name,
            unit,
            quantity_ordered: item.quantity_ordered,
            unit_price: item.unit_price,
            quantity_received: item.quantity_received,
            quantity_damaged: item.quantity_damaged,
            difference: item.difference(),
        });
    }
    Ok(PurchaseOrder {
        id: doc.id,
        order_number: doc.order_number.clone(),
        supplier_id: doc.supplier_id,
        supplier_name,
        store_id: doc.store_id,
        order_status: doc.order_status,
        automatic: doc.reorder_generation.is_some(),
        expected_delivery: doc.expected_delivery,
        lines,
        total,
        created_at: doc.created_at,
        updated_at: doc.updated_at,
    })
}
