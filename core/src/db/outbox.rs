//! The outbox: every change the till makes, in commit order, waiting for the sync engine.
//!
//! Rows are appended by the use cases inside the same SQLite transaction as the change
//! itself, so a change and its outbox row commit together or not at all. Payloads are
//! MongoDB canonical Extended JSON, with the central field names, ObjectIds, `Decimal128`
//! money and BSON dates, ready to be applied by the reconciler.

use bson::Document;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Row};

use crate::db::Tx;
use crate::error::Result;
use sellsync_contract::documents::{Collection, Op};
use sellsync_contract::ids::{new_op_id, parse_timestamp, timestamp, Id};
use sellsync_contract::operation;

/// Appends one operation to the outbox, inside the transaction of its change, recording
/// who made it (the transaction's actor).
pub(crate) fn append(
    conn: &Tx<'_>,
    collection: Collection,
    document_id: Id,
    op: Op,
    payload: Document,
    at: DateTime<Utc>,
) -> Result<()> {
    let payload = operation::payload_text(payload);
    conn.prepare_cached(
        "INSERT INTO outbox (op_id, collection, document_id, op, payload, created_at, user_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        new_op_id().to_string(),
        collection.name(),
        document_id,
        op.as_str(),
        payload,
        timestamp(at),
        conn.actor(),
    ])?;
    Ok(())
}

/// Where an operation stands with the sync engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Delivered,
    /// Refused for good by the central database; waits for a manager.
    Parked,
    /// Given up by a manager: kept for the record, never sent.
    Discarded,
}

impl DeliveryState {
    /// As the outbox's `state` column writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Parked => "parked",
            DeliveryState::Discarded => "discarded",
        }
    }
}

/// One row of the outbox, as the operator sees it.
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub seq: i64,
    pub op_id: String,
    pub collection: String,
    pub document_id: String,
    pub op: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The change, as the Extended JSON the reconciler will apply, with the value of every
    /// hash (PINs, passwords) hidden: an outbox is shown to people.
    pub payload: serde_json::Value,
}

impl OutboxEntry {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
        let state: String = row.get("state")?;
        let created_at: String = row.get("created_at")?;
        let payload: String = row.get("payload")?;
        Ok(OutboxEntry {
            seq: row.get("seq")?,
            op_id: row.get("op_id")?,
            collection: row.get("collection")?,
            document_id: row.get("document_id")?,
            op: row.get("op")?,
            state: match state.as_str() {
                "delivered" => DeliveryState::Delivered,
                "parked" => DeliveryState::Parked,
                "discarded" => DeliveryState::Discarded,
                _ => DeliveryState::Pending,
            },
            attempts: row.get("attempts")?,
            last_error: row.get("last_error")?,
            created_at: parse_timestamp(&created_at)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
            payload: serde_json::from_str(&payload)
                .map(hide_hashes)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
        })
    }
}

/// `payload` with the value of every `…_hash` field replaced by `"(hidden)"`.
fn hide_hashes(mut payload: serde_json::Value) -> serde_json::Value {
    if let Some(fields) = payload.as_object_mut() {
        for (name, value) in fields.iter_mut() {
            if name.ends_with("_hash") && !value.is_null() {
                *value = serde_json::Value::from("(hidden)");
            }
        }
    }
    payload
}

/// How many operations are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub delivered: i64,
    pub parked: i64,
    pub discarded: i64,
}

/// The outbox in commit order; only undelivered operations when `pending_only`.
pub(crate) fn list(
    conn: &Connection,
    pending_only: bool,
    limit: usize,
) -> Result<Vec<OutboxEntry>> {
    let sql = if pending_only {
        "SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1"
    } else {
        "SELECT * FROM outbox ORDER BY seq LIMIT ?1"
    };
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([limit], OutboxEntry::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn counts(conn: &Connection) -> Result<OutboxCounts> {
    let mut counts = OutboxCounts::default();
    let mut stmt = conn.prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let n: i64 = row.get(1)?;
        match row.get::<_, String>(0)?.as_str() {
            "pending" => counts.pending = n,
            "delivered" => counts.delivered = n,
            "parked" => counts.parked = n,
            _ => counts.discarded = n,
        }
    }
    Ok(counts)
}
