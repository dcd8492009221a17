//! Notifications for the store's managers: low stock, overselling, parked sync operations,
//! printer problems, sales returned or parked sales completed twice by tills that were
//! offline together; unread until a manager marks them read.

use chrono::{DateTime, Utc};
use rusqlite::params;
use tracing::info;

use crate::db::{outbox, Tx};
use crate::error::Result;
use crate::staff::{Actor, Permission};
use crate::till::{Ctx, Till};
use sellsync_contract::documents::{
    Collection, NotificationDoc, NotificationKind, NotificationStatus, NotificationUpdate, Op,
};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};

/// A notification as a manager reads it.
#[derive(Debug, Clone)]
pub struct Notification {
    pub id: Id,
    pub kind: String,
    pub product_id: Option<Id>,
    pub message: String,
    pub unread: bool,
    pub created_at: DateTime<Utc>,
}

/// Records a notification for the store's managers, inside the caller's transaction.
pub(crate) fn raise(
    conn: &Tx<'_>,
    ctx: &Ctx<'_>,
    kind: NotificationKind,
    product_id: Option<Id>,
    message: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    raise_as(conn, ctx, Id::new(), kind, product_id, message, now).map(|_| ())
}

/// [`raise`] for a finding about `subject` (a sale, a parked sale) that every till may
/// make on its own: its id is derived from the kind and the subject, so the tills that
/// find the same thing raise the same notification, recorded (and central) once. Whether
/// it is new here.
pub(crate) fn raise_shared(
    conn: &Tx<'_>,
    ctx: &Ctx<'_>,
    kind: NotificationKind,
    subject: Id,
    message: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let id = Id::derived(&format!("{}:{subject}", kind.as_str()));
    raise_as(conn, ctx, id, kind, None, message, now)
}

fn raise_as(
    conn: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: Id,
    kind: NotificationKind,
    product_id: Option<Id>,
    message: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO notifications (_id, business_id, store_id, kind, product_id, message,
                created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (_id) DO NOTHING",
        )?
        .execute(params![
            id,
            ctx.business.id,
            ctx.store.id,
            kind.as_str(),
            product_id,
            message,
            timestamp(now)
        ])?;
    if inserted == 0 {
        return Ok(false);
    }
    outbox::append(
        conn,
        Collection::Notifications,
        id,
        Op::Insert,
        NotificationDoc {
            id,
            business_id: ctx.business.id,
            store_id: ctx.store.id,
            user_id: None,
            kind,
            product_id,
            message: message.to_owned(),
            status: NotificationStatus::Unread,
            created_at: now,
        }
        .to_document(),
        now,
    )?;
    Ok(true)
}

impl Till {
    /// How many of the store's notifications are unread.
    pub fn unread_notifications(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM notifications
                 WHERE business_id = ?1 AND store_id = ?2 AND status = 'unread'",
            )?
            .query_row(params![self.business.id, self.store.id], |r| r.get(0))?)
    }

    /// Marks every unread notification of the store read: a manager has seen to them.
    /// Each goes to the central database as an `update` of its status. Needs
    /// `manage_inventory` (a cashier may read them, not dismiss them for the managers).
    /// Returns how many were marked.
    pub fn mark_notifications_read(&mut self, actor: &Actor) -> Result<usize> {
        actor.require(Permission::ManageInventory)?;
        let now = ids::now();
        let marked = self.write_as(actor, |tx, ctx| {
            let unread: Vec<Id> = tx
                .prepare_cached(
                    "UPDATE notifications SET status = 'read'
                     WHERE business_id = ?1 AND store_id = ?2 AND status = 'unread'
                     RETURNING _id",
                )?
                .query_map(params![ctx.business.id, ctx.store.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for &id in &unread {
                outbox::append(
                    tx,
                    Collection::Notifications,
                    id,
                    Op::Update,
                    NotificationUpdate {
                        status: NotificationStatus::Read,
                        updated_at: now,
                    }
                    .to_document(),
                    now,
                )?;
            }
            Ok(unread.len())
        })?;
        info!(marked, "notifications marked read");
        Ok(marked)
    }

    /// The store's notifications, newest first.
    pub fn notifications(&self, unread_only: bool, limit: usize) -> Result<Vec<Notification>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT _id, kind, product_id, message, status, created_at FROM notifications
             WHERE business_id = ?1 AND store_id = ?2 AND (?3 = 0 OR status = 'unread')
             ORDER BY created_at DESC, rowid DESC LIMIT ?4",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(
            params![self.business.id, self.store.id, unread_only, limit],
            |r| {
                let created: String = r.get(5)?;
                Ok(Notification {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    product_id: r.get(2)?,
                    message: r.get(3)?,
                    unread: r.get::<_, String>(4)? == "unread",
                    created_at: parse_timestamp(&created)
                        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
