//! Shifts and cash: a till's working session from its counted float to its counted
//! drawer and Z report. Every sale, return, drawer opening and cash movement belongs to
//! the shift open at the till when it was made; a sale needs one. The figures are
//! `report.rs`'s (pure), what a count at the close leads to `blind.rs`'s (pure); this
//! module reads and writes.

pub mod blind;
pub mod report;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use tracing::info;

use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::journal::{self, Event};
use crate::sell::{parked, transaction};
use crate::staff::{needs_approver, Actor, Approval, Permission};
use crate::till::{Ctx, Till};
use blind::Verdict;
use report::{figures, CashMovementKind};
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::{Collection, Op, ZReportDoc};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};
use sellsync_contract::money::Money;
use sellsync_contract::z_report::{DrawerCount, ShiftFigures, ZReport};

/// What closing a shift does when parked sales still wait at the till.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfParked {
    /// Refuse, naming how many wait: the cashier decides.
    Ask,
    /// Close; they stay parked for the next shift.
    Keep,
}

/// A shift as the till holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub id: Id,
    pub opened_by: Id,
    pub opened_by_name: String,
    pub opened_at: DateTime<Utc>,
    pub opening_float: Money,
    pub float_count: CashCount,
    pub open: bool,
    pub z_number: Option<i64>,
}

/// Cash put into or taken out of the drawer outside a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashMovement {
    pub id: Id,
    pub kind: CashMovementKind,
    pub amount: Money,
    pub reason: String,
    pub by: String,
    pub created_at: DateTime<Utc>,
}

/// An X report: the open shift's figures so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XReport {
    pub shift: Shift,
    pub till_code: String,
    pub at: DateTime<Utc>,
    pub figures: ShiftFigures,
}

/// The open shift of this till, if any.
pub(crate) fn open_shift_id(conn: &Connection) -> Result<Option<Id>> {
    Ok(conn
        .prepare_cached("SELECT _id FROM shifts WHERE status = 'open'")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// The open shift a sale or return belongs to; refused when none is open.
pub(crate) fn require_open_shift(conn: &Connection) -> Result<Id> {
    open_shift_id(conn)?.ok_or(Error::NoOpenShift)
}

fn load_shift(conn: &Connection, id: Id) -> Result<Shift> {
    let (opened_by, opened_by_name, at, float, count, status, z_number): (
        Id,
        String,
        String,
        i64,
        String,
        String,
        Option<i64>,
    ) = conn
        .prepare_cached(
            "SELECT s.opened_by, u.name, s.opened_at, s.opening_float, s.float_count, s.status,
                    s.z_number
             FROM shifts s JOIN users u ON u._id = s.opened_by WHERE s._id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
    Ok(Shift {
        id,
        opened_by,
        opened_by_name,
        opened_at: parse_timestamp(&at).map_err(|e| Error::Corrupt(e.to_string()))?,
        opening_float: Money::from_minor(float),
        float_count: serde_json::from_str(&count)
            .map_err(|e| Error::Corrupt(format!("a shift's float count: {e}")))?,
        open: status == "open",
        z_number,
    })
}

/// The figures of `shift` from what the till holds of it.
fn shift_figures(conn: &Connection, ctx: &Ctx<'_>, shift: &Shift) -> Result<ShiftFigures> {
    let ids: Vec<Id> = conn
        .prepare_cached(
            "SELECT _id FROM sales_transactions WHERE shift_id = ?1 ORDER BY created_at, rowid",
        )?
        .query_map([shift.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut transactions = Vec::with_capacity(ids.len());
    for id in ids {
        transactions.extend(transaction::load(conn, ctx.business.id, id)?);
    }
    let moves: Vec<(CashMovementKind, Money)> = conn
        .prepare_cached("SELECT kind, amount FROM cash_movements WHERE shift_id = ?1")?
        .query_map([shift.id], |r| {
            Ok((r.get::<_, String>(0)?, Money::from_minor(r.get(1)?)))
        })?
        .map(|row| {
            let (kind, amount) = row?;
            let kind = CashMovementKind::parse(&kind)
                .ok_or_else(|| Error::Corrupt(format!("a cash movement of kind {kind:?}")))?;
            Ok((kind, amount))
        })
        .collect::<Result<_>>()?;
    let no_sale: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM drawer_events WHERE shift_id = ?1 AND reason = 'no_sale'",
        )?
        .query_row([shift.id], |r| r.get(0))?;
    let removed: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM removed_lines WHERE shift_id = ?1")?
        .query_row([shift.id], |r| r.get(0))?;
    figures(shift.opening_float, &transactions, &moves, no_sale, removed)
}

impl Till {
    /// The shift open at this till, if any.
    pub fn current_shift(&self) -> Result<Option<Shift>> {
        open_shift_id(&self.conn)?
            .map(|id| load_shift(&self.conn, id))
            .transpose()
    }

    /// Opens a shift with the float counted into the drawer. Needs `process_sales`;
    /// refused while a shift is open.
    pub fn open_shift(&mut self, actor: &Actor, float: &CashCount) -> Result<Shift> {
        actor.require(Permission::ProcessSales)?;
        let id = self.write_as(actor, |tx, ctx| {
            if let Some(open) = open_shift_id(tx)? {
                let open = load_shift(tx, open)?;
                return Err(Error::ShiftAlreadyOpen {
                    by: open.opened_by_name,
                    since: open
                        .opened_at
                        .with_timezone(&ctx.business.timezone)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                });
            }
            insert_shift(tx, ctx, actor, float, ids::now())
        })?;
        info!(shift = %id, float = %self.format_money(float.total), "shift opened");
        load_shift(&self.conn, id)
    }

    /// Puts cash into the drawer or takes it out, with a reason. Needs
    /// `open_cash_drawer`; cash out beyond what the drawer should hold is refused.
    pub fn move_cash(
        &mut self,
        actor: &Actor,
        kind: CashMovementKind,
        amount: Money,
        reason: &str,
    ) -> Result<CashMovement> {
        actor.require(Permission::OpenCashDrawer)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::MissingReason);
        }
        if amount.minor() <= 0 {
            return Err(Error::NoCashAmount);
        }
        let movement = self.write_as(actor, |tx, ctx| {
            let shift = load_shift(tx, require_open_shift(tx)?)?;
            if kind == CashMovementKind::CashOut {
                let expected = shift_figures(tx, ctx, &shift)?.expected_cash;
                if amount > expected {
                    return Err(Error::CashOutOverDrawer {
                        expected: ctx.business.currency.format(expected),
                        asked: ctx.business.currency.format(amount),
                    });
                }
            }
            let movement = CashMovement {
                id: Id::new(),
                kind,
                amount,
                reason: reason.to_owned(),
                by: actor.name().to_owned(),
                created_at: ids::now(),
            };
            tx.prepare_cached(
                "INSERT INTO cash_movements (_id, shift_id, kind, amount, reason, user_id,
                    created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                movement.id,
                shift.id,
                kind.as_str(),
                amount.minor(),
                movement.reason,
                actor.user_id(),
                timestamp(movement.created_at),
            ])?;
            let event = match kind {
                CashMovementKind::CashIn => Event::CashIn,
                CashMovementKind::CashOut => Event::CashOut,
            };
            journal::append(
                tx,
                ctx,
                event,
                &movement.id.to_string(),
                movement.created_at,
            )?;
            Ok(movement)
        })?;
        info!(kind = kind.as_str(), amount = %self.format_money(amount), "cash moved");
        Ok(movement)
    }

    /// The open shift's figures so far, expected cash included. Needs `view_reports`.
    pub fn x_report(&self, actor: &Actor) -> Result<XReport> {
        actor.require(Permission::ViewReports)?;
        let shift = self.current_shift()?.ok_or(Error::NoOpenShift)?;
        let figures = shift_figures(&self.conn, &self.ctx(), &shift)?;
        Ok(XReport {
            shift,
            till_code: self.till_code.clone(),
            at: ids::now(),
            figures,
        })
    }

    /// Closes the open shift with the drawer's count and writes its Z report, numbered
    /// after the last with no gap, in one transaction. Needs `process_sales`.
    ///
    /// The close is blind ([`blind::verdict`]): every count is recorded, in a transaction
    /// of its own when the close is refused; a count off by more than the business allows
    /// is refused with [`Error::CountAgain`] (saying neither how far nor which way) unless a
    /// manager's approval comes with it, and after a recount needs one
    /// ([`Error::ApprovalNeeded`]; a manager closing approves their own). Parked sales
    /// waiting at the till are never dropped: `IfParked::Ask` refuses to close over them,
    /// `IfParked::Keep` closes and leaves them parked for the next shift.
    pub fn close_shift(
        &mut self,
        actor: &Actor,
        counted: &CashCount,
        approval: Option<Approval<'_>>,
        if_parked: IfParked,
    ) -> Result<ZReport> {
        actor.require(Permission::ProcessSales)?;
        let shift = self.current_shift()?.ok_or(Error::NoOpenShift)?;
        let waiting = parked::waiting_here(&self.conn, &self.ctx())?;
        if waiting > 0 && if_parked == IfParked::Ask {
            return Err(Error::ParkedSalesWaiting(waiting));
        }
        // A manager's PIN is checked before the transaction: argon2 takes a while.
        let expected = shift_figures(&self.conn, &self.ctx(), &shift)?.expected_cash;
        let earlier = drawer_counts(&self.conn, shift.id)?;
        let limit = self.business.max_cash_difference;
        let (verdict, _) = blind::verdict(
            &earlier,
            counted,
            counted.total.checked_sub(expected)?,
            limit,
        );
        let approved_by = match (verdict, approval) {
            (Verdict::Close, _) => None,
            (_, Some(approval)) => self.approval(actor, Some(OFF.to_owned()), Some(approval))?,
            (Verdict::Approve, None) if !needs_approver(actor) => Some(actor.user_id()),
            (_, None) => None,
        };
        let closing = self.write_as(actor, |tx, ctx| {
            let shift = load_shift(tx, require_open_shift(tx)?)?;
            let figures = shift_figures(tx, ctx, &shift)?;
            let over_short = counted.total.checked_sub(figures.expected_cash)?;
            // Judged again on the figures as they stand now: they may have moved since.
            let mut counts = drawer_counts(tx, shift.id)?;
            let (verdict, new) = blind::verdict(&counts, counted, over_short, limit);
            if new {
                counts.push(record_count(
                    tx,
                    actor,
                    shift.id,
                    counted,
                    over_short,
                    counts.len(),
                )?);
            }
            let approved_by = match (verdict, approved_by) {
                (Verdict::Close, _) => None,
                (_, Some(approver)) => Some(approver),
                (Verdict::CountAgain, None) => return Ok(Err(Error::CountAgain)),
                (Verdict::Approve, None) => return Ok(Err(Error::ApprovalNeeded(OFF.to_owned()))),
            };
            let (z_number, grand_total): (i64, i64) = tx
                .prepare_cached(
                    "UPDATE till SET next_z_number = next_z_number + 1,
                        grand_total = grand_total + ?1
                     WHERE id = 1 RETURNING next_z_number - 1, grand_total",
                )?
                .query_row([figures.net_sales.minor()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let now = ids::now();
            let z = ZReport {
                z_number,
                shift_id: shift.id,
                till_id: ctx.till_id,
                till_code: ctx.till_code.to_owned(),
                store_id: ctx.store.id,
                store_name: ctx.store.store_name.clone(),
                business_name: ctx.business.business_name.clone(),
                currency: ctx.business.currency.code().to_owned(),
                opened_at: shift.opened_at,
                opened_by: shift.opened_by,
                opened_by_name: shift.opened_by_name.clone(),
                closed_at: now,
                closed_by: actor.user_id(),
                closed_by_name: actor.name().to_owned(),
                approved_by,
                figures,
                counted: counted.clone(),
                over_short,
                counts,
                grand_total: Money::from_minor(grand_total),
            };
            let json = serde_json::to_string(&z)
                .map_err(|e| Error::Corrupt(format!("a Z report: {e}")))?;
            tx.prepare_cached(
                "UPDATE shifts SET status = 'closed', closed_by = ?2, closed_at = ?3,
                    z_number = ?4, z_report = ?5
                 WHERE _id = ?1",
            )?
            .execute(params![
                shift.id,
                actor.user_id(),
                timestamp(now),
                z_number,
                json
            ])?;
            journal::append(tx, ctx, Event::ShiftClosed, &shift.id.to_string(), now)?;
            outbox::append(
                tx,
                Collection::ZReports,
                shift.id,
                Op::Insert,
                z_document(ctx, &z).to_document(),
                now,
            )?;
            Ok(Ok(z))
        })?;
        let z = closing.inspect_err(|refused| info!(code = refused.code(), "drawer counted"))?;
        info!(z_number = z.z_number, over_short = %self.format_money(z.over_short), "shift closed");
        Ok(z)
    }

    /// A Z report of this till: number `number`, or the latest. Needs `view_reports`.
    pub fn z_report(&self, actor: &Actor, number: Option<i64>) -> Result<ZReport> {
        actor.require(Permission::ViewReports)?;
        self.stored_z_report(number)
    }

    /// Z report `number` as the print queue prints it: its job was queued by someone who
    /// may see it ([`Till::queue_z_report`]).
    pub fn z_report_to_print(&self, number: i64) -> Result<ZReport> {
        self.stored_z_report(Some(number))
    }

    fn stored_z_report(&self, number: Option<i64>) -> Result<ZReport> {
        let json: Option<String> = match number {
            Some(n) => self
                .conn
                .query_row(
                    "SELECT z_report FROM shifts WHERE z_number = ?1",
                    [n],
                    |r| r.get(0),
                )
                .optional()?,
            None => self
                .conn
                .query_row(
                    "SELECT z_report FROM shifts WHERE z_number IS NOT NULL
                     ORDER BY z_number DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?,
        };
        let json = json.ok_or(Error::NoSuchZReport(number.unwrap_or(1)))?;
        serde_json::from_str(&json).map_err(|e| Error::Corrupt(format!("a Z report: {e}")))
    }
}

/// Writes a new open shift inside the caller's transaction.
pub(crate) fn insert_shift(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    actor: &Actor,
    float: &CashCount,
    now: DateTime<Utc>,
) -> Result<Id> {
    let id = Id::new();
    let count =
        serde_json::to_string(float).map_err(|e| Error::Corrupt(format!("a float count: {e}")))?;
    tx.prepare_cached(
        "INSERT INTO shifts (_id, business_id, store_id, till_id, opened_by, opened_at,
            opening_float, float_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        ctx.business.id,
        ctx.store.id,
        ctx.till_id,
        actor.user_id(),
        timestamp(now),
        float.total.minor(),
        count,
    ])?;
    journal::append(tx, ctx, Event::ShiftOpened, &id.to_string(), now)?;
    Ok(id)
}

/// The `z_reports` document of a Z report.
fn z_document(ctx: &Ctx<'_>, z: &ZReport) -> ZReportDoc {
    ZReportDoc {
        business_id: ctx.business.id,
        currency: ctx.business.currency.clone(),
        report: z.clone(),
    }
}

/// Why a close needs a manager after the blind count, in words that give away no amount.
const OFF: &str =
    "the drawer's count is off by more than the till allows (every count is on the Z report)";

/// The counts of the drawer recorded so far at the close of `shift`, in order, with the
/// names of who counted.
fn drawer_counts(conn: &Connection, shift: Id) -> Result<Vec<DrawerCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.counted, c.over_short, c.counted_by, COALESCE(u.name, ''), c.counted_at
         FROM drawer_counts c LEFT JOIN users u ON u._id = c.counted_by
         WHERE c.shift_id = ?1 ORDER BY c.seq",
    )?;
    let rows = stmt.query_map([shift], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Id>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (counted, over_short, counted_by, counted_by_name, counted_at) = row?;
        Ok(DrawerCount {
            counted: serde_json::from_str(&counted)
                .map_err(|e| Error::Corrupt(format!("a drawer count: {e}")))?,
            over_short: Money::from_minor(over_short),
            counted_by,
            counted_by_name,
            counted_at: parse_timestamp(&counted_at).map_err(|e| Error::Corrupt(e.to_string()))?,
        })
    })
    .collect()
}

/// Records a count of the drawer at the close of `shift`, after `earlier` others.
fn record_count(
    tx: &Tx<'_>,
    actor: &Actor,
    shift: Id,
    counted: &CashCount,
    over_short: Money,
    earlier: usize,
) -> Result<DrawerCount> {
    let now = ids::now();
    let json =
        serde_json::to_string(counted).map_err(|e| Error::Corrupt(format!("a count: {e}")))?;
    tx.prepare_cached(
        "INSERT INTO drawer_counts (shift_id, seq, counted, over_short, counted_by, counted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        shift,
        earlier as i64 + 1,
        json,
        over_short.minor(),
        actor.user_id(),
        timestamp(now)
    ])?;
    Ok(DrawerCount {
        counted: counted.clone(),
        over_short,
        counted_by: actor.user_id(),
        counted_by_name: actor.name().to_owned(),
        counted_at: now,
    })
}
