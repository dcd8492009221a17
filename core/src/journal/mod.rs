//! The till's tamper-evident journal (NF525, KassenSichV): every sale, return, drawer
//! opening, cash movement and shift event appended, in the transaction that makes it, as
//! one entry of a gapless sequence, each entry holding the SHA-256 of its content and of
//! the entry before it (`chain`, pure).
//!
//! An entry's content is derived from the till's own rows of what it records (the sale
//! with its items and payments, the shift, the cash movement, …) by [`content_of`], the
//! same function when the entry is written and when it is checked. So `verify` finds a
//! changed, deleted or reordered journal entry through the chain, and a changed or
//! deleted row of a past sale because its content no longer derives the same.

use rusqlite::{params, Connection, OptionalExtension};
use tracing::{info, warn};

use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::sell::transaction;
use crate::staff::{Actor, Permission};
use crate::till::{Ctx, Till};
use sellsync_contract::documents::{Collection, JournalEntryDoc, Op};
use sellsync_contract::ids::{timestamp, Id};

use sellsync_contract::journal_chain::{self as chain, Entry};

/// What a journal entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Sale,
    Return,
    ShiftOpened,
    ShiftClosed,
    CashIn,
    CashOut,
    DrawerOpened,
    LineRemoved,
    Void,
}

impl Event {
    const ALL: [Event; 9] = [
        Event::Sale,
        Event::Return,
        Event::ShiftOpened,
        Event::ShiftClosed,
        Event::CashIn,
        Event::CashOut,
        Event::DrawerOpened,
        Event::LineRemoved,
        Event::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::Sale => "sale",
            Event::Return => "return",
            Event::ShiftOpened => "shift_opened",
            Event::ShiftClosed => "shift_closed",
            Event::CashIn => "cash_in",
            Event::CashOut => "cash_out",
            Event::DrawerOpened => "drawer_opened",
            Event::LineRemoved => "line_removed",
            Event::Void => "void",
        }
    }

    fn parse(text: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

/// The canonical text of what `subject` (of the kind `event`) holds now in the till's
/// rows, or `None` when it is no longer there.
fn content_of(
    conn: &Connection,
    ctx: &Ctx<'_>,
    event: Event,
    subject: &str,
) -> Result<Option<String>> {
    Ok(match event {
        Event::Sale | Event::Return => {
            let id = subject
                .parse::<Id>()
                .map_err(|e| Error::Corrupt(e.to_string()))?;
            transaction::load(conn, ctx.business.id, id)?.map(|mut sale| {
                // Names are joined from the staff list, which may change: the id stays.
                // A void is an entry of its own.
                sale.cashier_name.clear();
                sale.voided = None;
                serde_json::to_string(&sale).expect("a sale serializes")
            })
        }
        Event::ShiftOpened => conn
            .prepare_cached(
                "SELECT json_array(_id, till_id, opened_by, opened_at, opening_float, float_count)
                 FROM shifts WHERE _id = ?1",
            )?
            .query_row([subject], |r| r.get(0))
            .optional()?,
        Event::ShiftClosed => conn
            .prepare_cached("SELECT z_report FROM shifts WHERE _id = ?1 AND status = 'closed'")?
            .query_row([subject], |r| r.get(0))
            .optional()?,
        Event::CashIn | Event::CashOut => conn
            .prepare_cached(
                "SELECT json_array(_id, shift_id, kind, amount, reason, user_id, created_at)
                 FROM cash_movements WHERE _id = ?1",
            )?
            .query_row([subject], |r| r.get(0))
            .optional()?,
        Event::LineRemoved => conn
            .prepare_cached(
                // The quantity as a sale's JSON writes it: a number when whole, else the
                // shortest decimal (removed lines are never below zero).
                "SELECT json_array(_id, shift_id, user_id, product_id, product_name,
                    CASE WHEN quantity % 1000 = 0 THEN quantity / 1000
                    ELSE rtrim(printf('%d.%03d', quantity / 1000, quantity % 1000), '0') END,
                    unit_price, created_at)
                 FROM removed_lines WHERE _id = ?1",
            )?
            .query_row([subject], |r| r.get(0))
            .optional()?,
        Event::Void => conn
            .prepare_cached(
                "SELECT json_array(_id, voided_by, voided_at, void_reason)
                 FROM sales_transactions WHERE _id = ?1 AND transaction_status = 'voided'",
            )?
            .query_row([subject], |r| r.get(0))
            .optional()?,
        Event::DrawerOpened => conn
            .prepare_cached(
                "SELECT json_array(id, reason, sale_id, user_id, created_at, shift_id)
                 FROM drawer_events WHERE id = ?1",
            )?
            .query_row([subject], |r| r.get(0))
            .optional()?,
    })
}

fn last_entry(conn: &Connection) -> Result<Option<Entry>> {
    Ok(conn
        .prepare_cached(
            "SELECT seq, kind, at, content, prev_hash, hash FROM journal
             ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([], entry_of)
        .optional()?)
}

fn entry_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        seq: r.get(0)?,
        kind: r.get(1)?,
        at: r.get(2)?,
        content: r.get(3)?,
        prev_hash: r.get(4)?,
        hash: r.get(5)?,
    })
}

/// Appends the entry of `event` about `subject` (already written in this transaction),
/// and its outbox row.
pub(crate) fn append(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    event: Event,
    subject: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let content = content_of(tx, ctx, event, subject)?
        .ok_or_else(|| Error::Corrupt(format!("nothing to journal for {subject}")))?;
    let entry = chain::next(
        last_entry(tx)?.as_ref(),
        event.as_str(),
        &timestamp(at),
        content,
    );
    let id = Id::new();
    tx.prepare_cached(
        "INSERT INTO journal (seq, _id, kind, subject_id, at, content, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        entry.seq,
        id,
        entry.kind,
        subject,
        entry.at,
        entry.content,
        entry.prev_hash,
        entry.hash
    ])?;
    outbox::append(
        tx,
        Collection::JournalEntries,
        id,
        Op::Insert,
        JournalEntryDoc {
            id,
            business_id: ctx.business.id,
            store_id: ctx.store.id,
            till_id: ctx.till_id,
            subject_id: subject.to_owned(),
            entry,
        }
        .to_document(),
        at,
    )
}

/// Where the journal stops being trustworthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalBreak {
    pub seq: i64,
    pub why: String,
}

/// What `journal verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalCheck {
    /// Entries that check out, from the first.
    pub verified: usize,
    pub total: usize,
    /// The first entry that does not, if any.
    pub broken: Option<JournalBreak>,
}

impl Till {
    /// Checks the whole journal: the chain, and that every entry's content still derives
    /// from the till's rows. Needs `view_reports`.
    pub fn verify_journal(&self, actor: &Actor) -> Result<JournalCheck> {
        actor.require(Permission::ViewReports)?;
        let ctx = self.ctx();
        let mut stmt = self.conn.prepare(
            "SELECT seq, kind, at, content, prev_hash, hash, subject_id FROM journal ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((entry_of(r)?, r.get::<_, String>(6)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let total = rows.len();
        let chain_break = chain::verify(rows.iter().map(|(entry, _)| entry)).err();
        let checked = chain_break.as_ref().map_or(total, |b| (b.seq - 1) as usize);
        let mut broken = chain_break.map(|b| JournalBreak {
            seq: b.seq,
            why: b.why.to_owned(),
        });
        for (entry, subject) in &rows[..checked] {
            let derived = match Event::parse(&entry.kind) {
                Some(event) => content_of(&self.conn, &ctx, event, subject)?,
                None => None,
            };
            let why = match derived {
                None => Some(format!(
                    "the {} it records is gone from the till",
                    entry.kind
                )),
                Some(text) if text != entry.content => Some(format!(
                    "the {} it records was changed after it was written",
                    entry.kind
                )),
                Some(_) => None,
            };
            if let Some(why) = why {
                broken = Some(JournalBreak {
                    seq: entry.seq,
                    why,
                });
                break;
            }
        }
        let verified = broken.as_ref().map_or(total, |b| (b.seq - 1) as usize);
        match &broken {
            Some(b) => warn!(seq = b.seq, why = %b.why, "the journal does not verify"),
            None => info!(entries = total, "journal verified"),
        }
        Ok(JournalCheck {
            verified,
            total,
            broken,
        })
    }
}
