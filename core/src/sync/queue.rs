//! The till's side of sync: handing pending outbox operations to the sync engine in commit
//! order, recording which were delivered or parked, and what the till knows of its last
//! contact with the central database.
//!
//! The engine itself (network, retries, MongoDB) lives in the `sellsync-sync` crate; this
//! module only reads and writes the till's database, each change in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use tracing::{info, warn};

use crate::error::{Error, Result};
use crate::notifications;
use crate::staff::{Actor, Permission};
use crate::till::Till;
use sellsync_contract::documents::{Collection, NotificationKind, Op};
use sellsync_contract::ids::{self, parse_timestamp, timestamp};
use sellsync_contract::operation::{read_payload, Operation};
use sellsync_contract::policy::{self, TillScope};

/// What the till knows of its sync: the outbox backlog and the last contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    pub pending: i64,
    pub parked: i64,
    /// When the oldest operation still waiting was committed.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When central changes were last applied here.
    pub last_pull_at: Option<DateTime<Utc>>,
}

fn optional_time(text: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    text.map(|t| {
        parse_timestamp(&t).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
    })
    .transpose()
}

/// Leave to point this till at a central database, given in core to a user with
/// `manage_sync`: the sync settings are saved only with one.
#[derive(Debug)]
pub struct SyncSetupApproval {
    approved_by: String,
}

impl SyncSetupApproval {
    /// Who approved the change.
    pub fn approved_by(&self) -> &str {
        &self.approved_by
    }
}

impl Till {
    /// Approves a change of this till's central database by `actor`. Needs
    /// `manage_sync`.
    pub fn approve_sync_setup(&self, actor: &Actor) -> Result<SyncSetupApproval> {
        actor.require(Permission::ManageSync)?;
        info!(user = %actor.name(), "central database change approved");
        Ok(SyncSetupApproval {
            approved_by: actor.name().to_owned(),
        })
    }

    /// Up to `limit` pending operations, oldest first.
    pub fn pending_operations(&self, limit: usize) -> Result<Vec<Operation>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.operations("state = 'pending' ORDER BY seq LIMIT ?1", [limit])
    }

    /// The outbox operations `condition` (an SQL `WHERE` clause and its order) selects.
    fn operations(&self, condition: &str, params: impl rusqlite::Params) -> Result<Vec<Operation>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT seq, op_id, collection, document_id, op, payload, user_id FROM outbox
             WHERE {condition}"
        ))?;
        let mut rows = stmt.query(params)?;
        let mut operations = Vec::new();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let collection: String = r.get(2)?;
            let op: String = r.get(4)?;
            let payload: String = r.get(5)?;
            let corrupt = |what: String| Error::Corrupt(format!("outbox operation {seq}: {what}"));
            let payload = read_payload(&payload).map_err(corrupt)?;
            operations.push(Operation {
                seq,
                op_id: r.get(1)?,
                collection: Collection::from_name(&collection)
                    .ok_or_else(|| corrupt(format!("unknown collection {collection:?}")))?,
                document_id: r.get(3)?,
                op: Op::parse(&op).ok_or_else(|| corrupt(format!("unknown op {op:?}")))?,
                payload,
                user: r.get(6)?,
            });
        }
        Ok(operations)
    }

    /// Marks operations as delivered: the central database has acknowledged them.
    pub fn mark_delivered(&mut self, seqs: &[i64]) -> Result<()> {
        let now = timestamp(ids::now());
        self.write(|tx, _| {
            let mut stmt = tx.prepare_cached(
                "UPDATE outbox SET state = 'delivered', delivered_at = ?2, last_error = NULL
                 WHERE seq = ?1 AND state = 'pending'",
            )?;
            for seq in seqs {
                stmt.execute(params![seq, now])?;
            }
            Ok(())
        })
    }

    /// Parks an operation the central database refused for good, with its error, and tells
    /// the store's managers. The rest of the outbox keeps flowing. A refused notification
    /// raises none (that one would go to the same central collection and be refused in
    /// turn, for ever); it shows in the parked count.
    pub fn park_operation(&mut self, seq: i64, error: &str) -> Result<()> {
        let now = ids::now();
        self.write(|tx, ctx| {
            let parked = tx.execute(
                "UPDATE outbox SET state = 'parked', attempts = attempts + 1, last_error = ?2
                 WHERE seq = ?1 AND state = 'pending'",
                params![seq, error],
            )?;
            if parked == 0 {
                return Err(Error::NoSuchOperation(seq));
            }
            let (collection, document): (String, String) = tx.query_row(
                "SELECT collection, document_id FROM outbox WHERE seq = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if collection == Collection::Notifications.name() {
                return Ok(());
            }
            notifications::raise(
                tx,
                ctx,
                NotificationKind::SyncParked,
                None,
                &format!(
                    "The central database refused change #{seq} ({collection} {document}): \
                     {error}. The other changes keep syncing; retry or discard this one."
                ),
                now,
            )
        })?;
        warn!(seq, error, "outbox operation parked");
        Ok(())
    }

    /// Records an attempt to reach the central database: `Ok` when it answered, `Err`
    /// with what went wrong when it did not.
    pub fn record_sync_attempt(&mut self, outcome: std::result::Result<(), &str>) -> Result<()> {
        let now = timestamp(ids::now());
        self.write(|tx, _| {
            match outcome {
                Ok(()) => tx.execute(
                    "UPDATE sync_state SET last_attempt_at = ?1, last_success_at = ?1,
                        last_error = NULL WHERE id = 1",
                    [&now],
                )?,
                Err(error) => tx.execute(
                    "UPDATE sync_state SET last_attempt_at = ?1, last_error = ?2 WHERE id = 1",
                    params![now, error],
                )?,
            };
            Ok(())
        })
    }

    /// The outbox backlog and the last contact with the central database.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let counts = self.outbox_counts()?;
        let oldest: Option<String> = self
            .conn
            .prepare_cached("SELECT MIN(created_at) FROM outbox WHERE state = 'pending'")?
            .query_row([], |r| r.get(0))?;
        let (attempt, success, last_error, last_pull) = self
            .conn
            .prepare_cached(
                "SELECT last_attempt_at, last_success_at, last_error, last_pull_at
                 FROM sync_state WHERE id = 1",
            )?
            .query_row([], |r| {
                Ok((
                    optional_time(r.get(0)?)?,
                    optional_time(r.get(1)?)?,
                    r.get(2)?,
                    optional_time(r.get(3)?)?,
                ))
            })?;
        Ok(SyncStatus {
            pending: counts.pending,
            parked: counts.parked,
            oldest_pending_at: optional_time(oldest)?,
            last_attempt_at: attempt,
            last_success_at: success,
            last_error,
            last_pull_at: last_pull,
        })
    }

    /// Sends a parked operation again (after the cause was fixed centrally). Needs
    /// `manage_sync`.
    pub fn retry_parked(&mut self, actor: &Actor, seq: i64) -> Result<()> {
        self.resolve_parked(actor, seq, "pending")
    }

    /// Gives up a parked operation: it stays in the outbox, never sent. Needs
    /// `manage_sync`.
    pub fn discard_parked(&mut self, actor: &Actor, seq: i64) -> Result<()> {
        self.resolve_parked(actor, seq, "discarded")
    }

    /// The operations parked because they need a person the central service verified
    /// (refused `needs_verified_person`), which `actor` holds the permission for: back to
    /// waiting, recorded as `actor`'s, to go through while they are verified at this till
    /// (`sellsync_sync::gateway::verify_person`). How many.
    pub fn confirm_waiting(&mut self, actor: &Actor) -> Result<usize> {
        let till = TillScope {
            business: self.business.id,
            store: self.store.id,
            till: self.till_id,
            currency: self.business.currency.clone(),
        };
        let now = ids::now();
        let waiting = self.operations(
            "state = 'parked' AND last_error LIKE '%(needs_verified_person)' ORDER BY seq",
            [],
        )?;
        let theirs: Vec<i64> = waiting
            .iter()
            .filter(|op| {
                policy::check(op, &till, now)
                    .is_ok_and(|d| d.permission.is_none_or(|p| actor.can(p)))
            })
            .map(|op| op.seq)
            .collect();
        let user = actor.user_id();
        self.write_as(actor, |tx, _| {
            let mut stmt = tx.prepare_cached(
                "UPDATE outbox SET state = 'pending', user_id = ?2 WHERE seq = ?1 AND state = 'parked'",
            )?;
            for seq in &theirs {
                stmt.execute(params![seq, user])?;
            }
            Ok(())
        })?;
        if !theirs.is_empty() {
            info!(confirmed = theirs.len(), user = %actor.name(), "operations waiting for a verified person confirmed");
        }
        Ok(theirs.len())
    }

    fn resolve_parked(&mut self, actor: &Actor, seq: i64, state: &str) -> Result<()> {
        actor.require(Permission::ManageSync)?;
        let changed = self.write(|tx, _| {
            Ok(tx
                .prepare_cached("UPDATE outbox SET state = ?2 WHERE seq = ?1 AND state = 'parked'")?
                .execute(params![seq, state])?)
        })?;
        if changed == 0 {
            let exists: Option<String> = self
                .conn
                .query_row("SELECT state FROM outbox WHERE seq = ?1", [seq], |r| {
                    r.get(0)
                })
                .optional()?;
            return Err(match exists {
                Some(_) => Error::NotParked(seq),
                None => Error::NoSuchOperation(seq),
            });
        }
        info!(seq, state, user = %actor.name(), "parked outbox operation resolved");
        Ok(())
    }
}
