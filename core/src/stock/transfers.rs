//! Transfers between the stores of a business (`stock_transfers`). A manager sends
//! quantities to another store: the stock leaves this store at once (`transfer_out`
//! movements) and is in transit. The other store receives it, all of it or what came
//! (the rest is recorded as missing): `transfer_in` movements there. A transfer still in
//! transit can be cancelled at the store that sent it: the stock comes back. Each store's
//! level stays its opening stock plus its own movements, and the business's total moves
//! only by what went missing. Every change writes the transfer's rows, its outbox row and
//! its movements in one transaction. Needs `manage_inventory`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use tracing::info;

use crate::catalog::Product;
use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::notifications;
use crate::sell::cart::check_quantity;
use crate::staff::{Actor, Permission};
use crate::stock::{self, Movement};
use crate::till::{next_number, Ctx, Till, TillCounter};
use sellsync_contract::documents::NotificationKind;
use sellsync_contract::documents::{
    Collection, Op, StockTransferDoc, TransferItemDoc, TransferStatus,
};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::stock::MovementType;

/// A product to send, or as it came in.
#[derive(Debug, Clone)]
pub struct TransferLineInput {
    pub product: Product,
    pub quantity: Quantity,
}

/// A line of a transfer, with its product's names for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferLine {
    pub product_id: Id,
    pub sku: String,
    pub product_name: String,
    /// The product's unit: the quantities are in it.
    pub unit: Unit,
    pub quantity_sent: Quantity,
    pub quantity_received: Quantity,
    /// Sent and not received, once it is received.
    pub missing: Quantity,
}

/// A transfer as a till shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: Id,
    pub transfer_number: String,
    pub from_store_id: Id,
    pub from_store_name: String,
    pub to_store_id: Id,
    pub to_store_name: String,
    pub status: TransferStatus,
    /// Sent to this till's store (else sent from it).
    pub incoming: bool,
    pub note: String,
    pub lines: Vec<TransferLine>,
    pub created_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
}

/// How a transfer in transit ends.
#[derive(Clone, Copy)]
enum Close<'a> {
    /// At its destination: what came (`None`: everything sent).
    Receive(Option<&'a [TransferLineInput]>),
    /// At its source: everything back.
    Cancel,
}

/// Another store of the business, to send stock to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherStore {
    pub id: Id,
    pub store_name: String,
    pub location: String,
}

/// `lines` as a transfer's items, one per product (quantities of a product scanned twice
/// add up). Refused when empty or for a quantity out of range. Pure.
fn items_to_send(lines: &[TransferLineInput]) -> Result<Vec<TransferItemDoc>> {
    if lines.is_empty() {
        return Err(Error::TransferEmpty);
    }
    let mut items: Vec<TransferItemDoc> = Vec::new();
    for line in lines {
        check_quantity(line.quantity, line.product.unit)?;
        match items.iter_mut().find(|i| i.product_id == line.product.id) {
            Some(item) => {
                item.quantity_sent += line.quantity;
                check_quantity(item.quantity_sent, line.product.unit)?;
            }
            None => items.push(TransferItemDoc {
                product_id: line.product.id,
                quantity_sent: line.quantity,
                quantity_received: Quantity::ZERO,
            }),
        }
    }
    Ok(items)
}

/// Records what came of `transfer`: `lines` (a product not scanned came to none), or
/// everything sent when `None`. Refused for a product not on it, a quantity below one or
/// more than was sent. Pure.
fn receive_items(
    transfer: &mut StockTransferDoc,
    lines: Option<&[TransferLineInput]>,
) -> Result<()> {
    let Some(lines) = lines else {
        for item in &mut transfer.items {
            item.quantity_received = item.quantity_sent;
        }
        return Ok(());
    };
    let mut came: HashMap<Id, Quantity> = HashMap::new();
    for line in lines {
        check_quantity(line.quantity, line.product.unit)?;
        let item = transfer
            .items
            .iter()
            .find(|i| i.product_id == line.product.id)
            .ok_or_else(|| Error::NotOnTransfer(transfer.transfer_number.clone()))?;
        let total = came.entry(item.product_id).or_default();
        *total += line.quantity;
        if *total > item.quantity_sent {
            return Err(Error::MoreThanSent {
                name: line.product.product_name.clone(),
                sent: item.quantity_sent.with_unit(line.product.unit),
            });
        }
    }
    for item in &mut transfer.items {
        item.quantity_received = came.get(&item.product_id).copied().unwrap_or_default();
    }
    Ok(())
}

impl Till {
    /// The business's other stores this till knows of (they come with the central data).
    pub fn other_stores(&self) -> Result<Vec<OtherStore>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT _id, store_name, location FROM stores
             WHERE business_id = ?1 AND _id <> ?2 ORDER BY store_name",
        )?;
        let rows = stmt.query_map(params![self.business.id, self.store.id], |r| {
            Ok(OtherStore {
                id: r.get(0)?,
                store_name: r.get(1)?,
                location: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sends `lines` to `to` (another store of the business, by id or name): the stock
    /// leaves this store now and is in transit until that store receives it.
    pub fn send_transfer(
        &mut self,
        actor: &Actor,
        to: &str,
        lines: &[TransferLineInput],
        note: &str,
    ) -> Result<Transfer> {
        actor.require(Permission::ManageInventory)?;
        let items = items_to_send(lines)?;
        let id = self.write_as(actor, |tx, ctx| {
            let destination = find_store(tx, ctx, to)?;
            for line in lines {
                let only_here: bool = tx
                    .prepare_cached("SELECT store_id IS NOT NULL FROM products WHERE _id = ?1")?
                    .query_row([line.product.id], |r| r.get(0))?;
                if only_here {
                    return Err(Error::ProductOfOneStore(line.product.product_name.clone()));
                }
            }
            let now = ids::now();
            let transfer = StockTransferDoc {
                id: Id::new(),
                business_id: ctx.business.id,
                from_store_id: ctx.store.id,
                to_store_id: destination.id,
                transfer_number: next_number(tx, ctx.till_code, TillCounter::Transfer)?,
                status: TransferStatus::InTransit,
                items: items.clone(),
                note: note.trim().to_owned(),
                sent_by: Some(actor.user_id()),
                received_by: None,
                received_at: None,
                created_at: now,
                updated_at: now,
            };
            store(tx, &transfer, Op::Insert)?;
            let reason = format!(
                "transfer {} to {}",
                transfer.transfer_number, destination.store_name
            );
            move_items(
                tx,
                ctx,
                &transfer,
                MovementType::TransferOut,
                actor,
                &reason,
                now,
            )?;
            Ok(transfer.id)
        })?;
        let transfer = self.transfer(&id.to_string())?;
        info!(transfer = %transfer.transfer_number, to = %transfer.to_store_name, "stock sent");
        Ok(transfer)
    }

    /// Receives a transfer sent to this store: `lines` as scanned (what was not scanned
    /// is missing), or everything sent when `None`. Once.
    pub fn receive_transfer(
        &mut self,
        actor: &Actor,
        code: &str,
        lines: Option<&[TransferLineInput]>,
    ) -> Result<Transfer> {
        let transfer = self.close_transfer(actor, code, Close::Receive(lines))?;
        let missing = transfer
            .lines
            .iter()
            .filter(|l| l.missing.is_positive())
            .count();
        info!(transfer = %transfer.transfer_number, lines_short = missing, "transfer received");
        Ok(transfer)
    }

    /// Cancels a transfer this store sent that is still in transit: the stock comes back.
    pub fn cancel_transfer(&mut self, actor: &Actor, code: &str) -> Result<Transfer> {
        let transfer = self.close_transfer(actor, code, Close::Cancel)?;
        info!(transfer = %transfer.transfer_number, "transfer cancelled");
        Ok(transfer)
    }

    /// Ends a transfer in transit, in one transaction: received at its destination (what
    /// came into this store's stock) or cancelled at its source (everything back).
    fn close_transfer(&mut self, actor: &Actor, code: &str, close: Close<'_>) -> Result<Transfer> {
        actor.require(Permission::ManageInventory)?;
        let id = self.write_as(actor, |tx, ctx| {
            let mut transfer = find(tx, ctx, code)?;
            let number = transfer.transfer_number.clone();
            match close {
                Close::Receive(_) if transfer.to_store_id != ctx.store.id => {
                    let store = store_name(tx, transfer.to_store_id)?;
                    return Err(Error::NotTransferDestination { number, store });
                }
                Close::Cancel if transfer.from_store_id != ctx.store.id => {
                    let store = store_name(tx, transfer.from_store_id)?;
                    return Err(Error::NotTransferSource { number, store });
                }
                _ => {}
            }
            require_in_transit(&transfer)?;
            let now = ids::now();
            let (back_in, reason) = match close {
                Close::Receive(lines) => {
                    receive_items(&mut transfer, lines)?;
                    transfer.status = TransferStatus::Received;
                    transfer.received_by = Some(actor.user_id());
                    transfer.received_at = Some(now);
                    let came: Vec<TransferItemDoc> = transfer
                        .items
                        .iter()
                        .map(|i| TransferItemDoc {
                            quantity_sent: i.quantity_received,
                            ..i.clone()
                        })
                        .collect();
                    let from = store_name(tx, transfer.from_store_id)?;
                    (came, format!("transfer {number} from {from}"))
                }
                Close::Cancel => {
                    transfer.status = TransferStatus::Cancelled;
                    (
                        transfer.items.clone(),
                        format!("transfer {number} cancelled"),
                    )
                }
            };
            transfer.updated_at = now;
            store(tx, &transfer, Op::Update)?;
            let moved = StockTransferDoc {
                items: back_in,
                ..transfer.clone()
            };
            move_items(
                tx,
                ctx,
                &moved,
                MovementType::TransferIn,
                actor,
                &reason,
                now,
            )?;
            Ok(transfer.id)
        })?;
        self.transfer(&id.to_string())
    }

    /// The transfers this store sent or receives, newest first; only those in `status`
    /// if given.
    pub fn transfers(&self, status: Option<TransferStatus>) -> Result<Vec<Transfer>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT _id FROM stock_transfers
             WHERE business_id = ?1 AND (from_store_id = ?2 OR to_store_id = ?2)
               AND (?3 IS NULL OR status = ?3)
             ORDER BY created_at DESC, transfer_number DESC",
        )?;
        let ids = stmt
            .query_map(
                params![
                    self.business.id,
                    self.store.id,
                    status.map(TransferStatus::as_str)
                ],
                |r| r.get::<_, Id>(0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter()
            .map(|id| self.transfer(&id.to_string()))
            .collect()
    }

    /// The transfer with this id or number, sent or received by this store. Another
    /// store's or business's answers as one that does not exist.
    pub fn transfer(&self, code: &str) -> Result<Transfer> {
        let ctx = self.ctx();
        let doc = find(&self.conn, &ctx, code)?;
        view(&self.conn, &ctx, &doc)
    }

    /// How many of each product are on their way to this store (sent, not received yet).
    pub fn in_transit_to_here(&self) -> Result<HashMap<Id, Quantity>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.product_id, SUM(i.quantity_sent) FROM stock_transfers t
             JOIN stock_transfer_items i ON i.transfer_id = t._id
             WHERE t.business_id = ?1 AND t.to_store_id = ?2 AND t.status = 'in_transit'
             GROUP BY i.product_id",
        )?;
        let rows = stmt.query_map(params![self.business.id, self.store.id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn require_in_transit(transfer: &StockTransferDoc) -> Result<()> {
    match transfer.status {
        TransferStatus::InTransit => Ok(()),
        status => Err(Error::TransferClosed {
            number: transfer.transfer_number.clone(),
            status: status.as_str(),
        }),
    }
}

/// One movement of this store per item of `transfer`, of `kind` (out: negative).
fn move_items(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    transfer: &StockTransferDoc,
    kind: MovementType,
    actor: &Actor,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for item in transfer
        .items
        .iter()
        .filter(|i| i.quantity_sent.is_positive())
    {
        let quantity = match kind {
            MovementType::TransferOut => -item.quantity_sent,
            _ => item.quantity_sent,
        };
        stock::record(
            tx,
            ctx,
            &Movement {
                product_id: item.product_id,
                movement_type: kind,
                quantity,
                handled_by: actor.user_id(),
                reason,
                transaction_id: Some(transfer.id),
            },
            now,
        )?;
    }
    Ok(())
}

/// Another store of the business, by id or name (this store is refused as the same).
fn find_store(tx: &Connection, ctx: &Ctx<'_>, code: &str) -> Result<OtherStore> {
    let code = code.trim();
    let store = tx
        .prepare_cached(
            "SELECT _id, store_name, location FROM stores
             WHERE business_id = ?1 AND (_id = ?2 OR store_name = ?2 COLLATE NOCASE)",
        )?
        .query_row(params![ctx.business.id, code], |r| {
            Ok(OtherStore {
                id: r.get(0)?,
                store_name: r.get(1)?,
                location: r.get(2)?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::UnknownStore(code.to_owned()))?;
    if store.id == ctx.store.id {
        return Err(Error::SameStore);
    }
    Ok(store)
}

fn store_name(conn: &Connection, id: Id) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT store_name FROM stores WHERE _id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| id.to_string()))
}

/// Writes `transfer`'s rows, its lines replaced: for a change made here, and for one
/// pulled from central (whose stores and products the caller checked the till holds).
pub(crate) fn store_rows(tx: &Connection, transfer: &StockTransferDoc) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO stock_transfers (_id, business_id, from_store_id, to_store_id,
            transfer_number, status, note, sent_by, received_by, received_at, created_at,
            updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (_id) DO UPDATE SET status = excluded.status,
            received_by = excluded.received_by, received_at = excluded.received_at,
            updated_at = excluded.updated_at",
    )?
    .execute(params![
        transfer.id,
        transfer.business_id,
        transfer.from_store_id,
        transfer.to_store_id,
        transfer.transfer_number,
        transfer.status.as_str(),
        transfer.note,
        transfer.sent_by,
        transfer.received_by,
        transfer.received_at.map(timestamp),
        timestamp(transfer.created_at),
        timestamp(transfer.updated_at),
    ])?;
    tx.prepare_cached("DELETE FROM stock_transfer_items WHERE transfer_id = ?1")?
        .execute([transfer.id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO stock_transfer_items (transfer_id, line_no, product_id, quantity_sent,
            quantity_received)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, item) in transfer.items.iter().enumerate() {
        insert.execute(params![
            transfer.id,
            i as i64 + 1,
            item.product_id,
            item.quantity_sent,
            item.quantity_received,
        ])?;
    }
    Ok(())
}

fn store(tx: &Tx<'_>, transfer: &StockTransferDoc, op: Op) -> Result<()> {
    store_rows(tx, transfer)?;
    let payload = match op {
        Op::Insert => transfer.to_document(),
        _ => transfer.to_update(),
    };
    outbox::append(
        tx,
        Collection::StockTransfers,
        transfer.id,
        op,
        payload,
        transfer.updated_at,
    )
}

/// The transfer with this id or number that this store sent or receives, as `conn`
/// sees it.
pub(crate) fn find(conn: &Connection, ctx: &Ctx<'_>, code: &str) -> Result<StockTransferDoc> {
    let code = code.trim();
    type Row = (Id, Id, Id, String, String, String, Option<Id>, Option<Id>);
    /// Received, created, updated.
    type Times = (Option<String>, String, String);
    let row: Option<(Row, Times)> = conn
        .prepare_cached(
            "SELECT _id, from_store_id, to_store_id, transfer_number, status, note, sent_by,
                received_by, received_at, created_at, updated_at
             FROM stock_transfers
             WHERE business_id = ?1 AND (from_store_id = ?2 OR to_store_id = ?2)
               AND (_id = ?3 OR transfer_number = ?3)",
        )?
        .query_row(params![ctx.business.id, ctx.store.id, code], |r| {
            Ok((
                (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ),
                (r.get(8)?, r.get(9)?, r.get(10)?),
            ))
        })
        .optional()?;
    let Some(((id, from, to, number, status, note, sent_by, received_by), times)) = row else {
        return Err(Error::UnknownTransfer(code.to_owned()));
    };
    let corrupt = |what: &str| Error::Corrupt(format!("transfer {number}: {what}"));
    let time = |text: &str| parse_timestamp(text).map_err(|_| corrupt("an unreadable time"));
    let mut items = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT product_id, quantity_sent, quantity_received FROM stock_transfer_items
         WHERE transfer_id = ?1 ORDER BY line_no",
    )?;
    for row in stmt.query_map([id], |r| {
        Ok(TransferItemDoc {
            product_id: r.get(0)?,
            quantity_sent: r.get(1)?,
            quantity_received: r.get(2)?,
        })
    })? {
        items.push(row?);
    }
    Ok(StockTransferDoc {
        id,
        business_id: ctx.business.id,
        from_store_id: from,
        to_store_id: to,
        status: TransferStatus::parse(&status).ok_or_else(|| corrupt("an unknown status"))?,
        items,
        note,
        sent_by,
        received_by,
        received_at: times.0.as_deref().map(time).transpose()?,
        created_at: time(&times.1)?,
        updated_at: time(&times.2)?,
        transfer_number: number,
    })
}

/// `doc` with the names people read.
fn view(conn: &Connection, ctx: &Ctx<'_>, doc: &StockTransferDoc) -> Result<Transfer> {
    let mut lines = Vec::with_capacity(doc.items.len());
    let mut names =
        conn.prepare_cached("SELECT sku, product_name, unit FROM products WHERE _id = ?1")?;
    for item in &doc.items {
        let (sku, product_name, unit): (String, String, Unit) = names
            .query_row([item.product_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .unwrap_or_default();
        lines.push(TransferLine {
            product_id: item.product_id,
            sku,
            product_name,
            unit,
            quantity_sent: item.quantity_sent,
            quantity_received: item.quantity_received,
            missing: match doc.status {
                TransferStatus::Received => item.quantity_sent - item.quantity_received,
                _ => Quantity::ZERO,
            },
        });
    }
    Ok(Transfer {
        id: doc.id,
        transfer_number: doc.transfer_number.clone(),
        from_store_id: doc.from_store_id,
        from_store_name: store_name(conn, doc.from_store_id)?,
        to_store_id: doc.to_store_id,
        to_store_name: store_name(conn, doc.to_store_id)?,
        status: doc.status,
        incoming: doc.to_store_id == ctx.store.id,
        note: doc.note.clone(),
        lines,
        created_at: doc.created_at,
        received_at: doc.received_at,
    })
}

/// A transfer central holds that this till also closed itself, differently (cancelled
/// here and received there, or received at two tills): the stock was counted twice, so
/// a manager is told, once for the business (the notification's id is the transfer's).
pub(crate) fn flag_closed_twice(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    local: &StockTransferDoc,
    central: &StockTransferDoc,
) -> Result<()> {
    let closed = |s: TransferStatus| s != TransferStatus::InTransit;
    let twice = closed(local.status)
        && closed(central.status)
        && (local.status != central.status || local.received_at != central.received_at);
    if !twice {
        return Ok(());
    }
    let message = format!(
        "Transfer {} was {} here and {} elsewhere while the tills were offline: its stock was counted at both stores. Count the products on it and correct the stock.",
        local.transfer_number,
        local.status.as_str(),
        central.status.as_str()
    );
    notifications::raise_shared(
        tx,
        ctx,
        NotificationKind::TransferClosedTwice,
        local.id,
        &message,
        ids::now(),
    )?;
    Ok(())
}
