//! The till's SQLite database: opening it safely, durable settings, and migrations.
//!
//! One file, `till.sqlite3`, in the till's data folder. WAL mode with
//! `synchronous = FULL` so that a committed sale survives a power cut, foreign keys on,
//! and a schema version in `PRAGMA user_version` that migrations raise in place.

pub mod outbox;

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::ops::Deref;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use sellsync_contract::Id;
use tracing::info;

use crate::error::{Error, Result};

/// The database file inside a till's data folder.
pub const DATABASE_FILE: &str = "till.sqlite3";

/// Marks a SQLite file as a Sell Sync till ("SSYN").
const APPLICATION_ID: i32 = 0x5353_594E;

/// The migrations, in order; schema version N is the first N of them applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_till.sql"),
    include_str!("../../migrations/0002_product_search.sql"),
    include_str!("../../migrations/0003_sync.sql"),
    include_str!("../../migrations/0004_pull.sql"),
    include_str!("../../migrations/0005_printing.sql"),
    include_str!("../../migrations/0006_stock_per_store.sql"),
    include_str!("../../migrations/0007_returns.sql"),
    include_str!("../../migrations/0008_shifts.sql"),
    include_str!("../../migrations/0009_journal.sql"),
    include_str!("../../migrations/0010_voids.sql"),
    include_str!("../../migrations/0011_parked_sales.sql"),
    include_str!("../../migrations/0012_report_printing.sql"),
    include_str!("../../migrations/0013_store_credit.sql"),
    include_str!("../../migrations/0014_suppliers.sql"),
    include_str!("../../migrations/0015_purchase_orders.sql"),
    include_str!("../../migrations/0016_reorders.sql"),
    include_str!("../../migrations/0017_transfers.sql"),
    include_str!("../../migrations/0018_stock_counts.sql"),
    include_str!("../../migrations/0019_outbox_user.sql"),
    include_str!("../../migrations/0020_drawer_counts.sql"),
    include_str!("../../migrations/0021_barcode_rules.sql"),
    include_str!("../../migrations/0022_measured_quantities.sql"),
    include_str!("../../migrations/0023_scale.sql"),
    include_str!("../../migrations/0024_tare.sql"),
    include_str!("../../migrations/0025_variants.sql"),
    include_str!("../../migrations/0026_key_weights.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The path of the database in `data_dir`.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

/// Removes the till database in `data_dir` (with its WAL files): for a set-up that
/// failed before the till was complete, so the folder is left as it was found.
pub fn remove_database(data_dir: &Path) {
    let db = database_path(data_dir);
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.clone().into_os_string();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
}

/// Creates a new, empty till database at the current schema in `data_dir` (made if needed).
pub(crate) fn create(data_dir: &Path) -> Result<Connection> {
    std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
    let path = database_path(data_dir);
    if path.exists() {
        return Err(Error::AlreadyInitialized(data_dir.to_owned()));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(&path, flags)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    configure(&conn)?;
    migrate(&mut conn, MIGRATIONS.len())?;
    Ok(conn)
}

/// Opens the till database in `data_dir`, upgrading an older schema in place.
pub(crate) fn open(data_dir: &Path) -> Result<Connection> {
    if !data_dir.is_dir() {
        return Err(Error::DataDirMissing(data_dir.to_owned()));
    }
    let path = database_path(data_dir);
    if !path.is_file() {
        return Err(Error::NotInitialized(data_dir.to_owned()));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(&path, flags)?;
    let foreign = || Error::ForeignDatabase(path.clone());
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => foreign(),
            _ => Error::Database(e),
        })?;
    if application_id != APPLICATION_ID {
        return Err(foreign());
    }
    let version = schema_version(&conn)?;
    if version > SCHEMA_VERSION {
        return Err(Error::NewerDatabase {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    configure(&conn)?;
    migrate(&mut conn, MIGRATIONS.len())?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // A sale alone runs a dozen distinct statements; keep them all prepared.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

pub(crate) fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies migrations until the schema is at version `target`, each in its own
/// transaction together with its version bump. Foreign keys are off while they run, so
/// that a migration may rebuild a table (SQLite's procedure for changing a constraint),
/// and every one is checked before each migration commits.
pub(crate) fn migrate(conn: &mut Connection, target: usize) -> Result<()> {
    let current = usize::try_from(schema_version(conn)?).unwrap_or(0);
    if current >= target {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = (|| -> Result<()> {
        for (index, sql) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
            let version = index + 1;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            if tx.prepare("PRAGMA foreign_key_check")?.exists([])? {
                return Err(Error::Corrupt(format!(
                    "schema {version} would leave rows referring to rows that do not exist"
                )));
            }
            tx.pragma_update(None, "user_version", version as i64)?;
            tx.commit()?;
            info!(version, "till database schema upgraded");
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds databases at old schema versions, to test upgrades.
    use super::*;

    /// A new database in `data_dir` at schema `version` (not the current one).
    pub fn create_at_version(data_dir: &Path, version: usize) -> Connection {
        std::fs::create_dir_all(data_dir).unwrap();
        let mut conn = Connection::open(database_path(data_dir)).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        configure(&conn).unwrap();
        migrate(&mut conn, version).unwrap();
        conn
    }
}

/// A change being written: one immediate SQLite transaction. Only [`Till::write`] (and
/// [`Till::create`], for a till's first rows) opens one, and what must be part of a change
/// takes a `Tx`, the outbox above all: so a change and its outbox rows commit together by
/// construction, not by convention. Reads through it see the change so far.
pub(crate) struct Tx<'c> {
    tx: Transaction<'c>,
    /// The user making the change, recorded on its outbox rows; `None`: the till itself.
    actor: Option<Id>,
}

impl<'c> Tx<'c> {
    pub(crate) fn begin(conn: &'c mut Connection, actor: Option<Id>) -> Result<Tx<'c>> {
        Ok(Tx {
            tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?,
            actor,
        })
    }

    /// Who makes this change, as its outbox rows record it.
    pub(crate) fn actor(&self) -> Option<Id> {
        self.actor
    }

    pub(crate) fn commit(self) -> Result<()> {
        Ok(self.tx.commit()?)
    }
}

impl Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_database_is_durable_and_current() {
        let dir = tempfile::tempdir().unwrap();
        let conn = create(dir.path()).unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous = FULL");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        drop(conn);
        assert!(matches!(
            create(dir.path()),
            Err(Error::AlreadyInitialized(_))
        ));
        open(dir.path()).unwrap();
    }

    #[test]
    fn refuses_missing_empty_foreign_and_newer() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        assert!(matches!(open(&missing), Err(Error::DataDirMissing(_))));
        assert!(matches!(open(dir.path()), Err(Error::NotInitialized(_))));

        // Not SQLite at all.
        std::fs::write(database_path(dir.path()), b"hello, not a database, ok").unwrap();
        assert!(matches!(open(dir.path()), Err(Error::ForeignDatabase(_))));

        // SQLite, but some other program's.
        std::fs::remove_file(database_path(dir.path())).unwrap();
        Connection::open(database_path(dir.path()))
            .unwrap()
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        assert!(matches!(open(dir.path()), Err(Error::ForeignDatabase(_))));

        // Ours, from the future.
        let other = tempfile::tempdir().unwrap();
        drop(create(other.path()).unwrap());
        Connection::open(database_path(other.path()))
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(
            open(other.path()),
            Err(Error::NewerDatabase { found, supported }) if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION
        ));
    }

    #[test]
    fn schema_6_keeps_only_this_stores_movements_and_recounts_stock() {
        let dir = tempfile::tempdir().unwrap();
        let conn = testing::create_at_version(dir.path(), 5);
        conn.execute_batch(
            "INSERT INTO businesses (_id, business_name, currency, timezone, tax_inclusive, created_at)
                 VALUES ('b1', 'Shop', 'USD', 'UTC', 0, 'x');
             INSERT INTO stores (_id, business_id, store_name, created_at)
                 VALUES ('s1', 'b1', 'Here', 'x');
             INSERT INTO till (id, till_id, till_code, business_id, store_id, created_at)
                 VALUES (1, 't1', 'T1', 'b1', 's1', 'x');
             INSERT INTO products (_id, business_id, product_name, sku, price, opening_stock,
                     stock, created_at, updated_at)
                 VALUES ('p1', 'b1', 'Milk', 'M-1', 199, 10, 3, 'x', 'x');
             INSERT INTO stock_movements (_id, business_id, store_id, product_id, movement_type,
                     quantity, created_at)
                 VALUES ('m1', 'b1', 's1', 'p1', 'sale', -2, 'x'),
                        ('m2', 'b1', 's2', 'p1', 'sale', -5, 'x');",
        )
        .unwrap();
        drop(conn);

        let conn = open(dir.path()).unwrap();
        let stock: i64 = conn
            .query_row("SELECT stock FROM products WHERE _id = 'p1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            stock, 8_000,
            "10 opening, 2 sold here; the other store's 5 are not ours (in thousandths since schema 22)"
        );
        let movements: Vec<String> = conn
            .prepare("SELECT _id FROM stock_movements")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(movements, ["m1"]);
        // Opening it again is not a second migration.
        drop(conn);
        let conn = open(dir.path()).unwrap();
        let stock: i64 = conn
            .query_row("SELECT stock FROM products", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stock, 8_000, "not multiplied twice");
    }

    #[test]
    fn schema_26_lets_whoever_manages_inventory_key_weights() {
        let dir = tempfile::tempdir().unwrap();
        let conn = testing::create_at_version(dir.path(), 25);
        conn.execute_batch(
            r#"INSERT INTO businesses (_id, business_name, currency, timezone, tax_inclusive, created_at)
                 VALUES ('b1', 'Shop', 'USD', 'UTC', 0, 'x');
             INSERT INTO users (_id, business_id, name, email, role, permissions, created_at)
                 VALUES ('u1', 'b1', 'Mo', 'm@x', 'manager', '["manage_inventory"]', 'x'),
                        ('u2', 'b1', 'Cy', 'c@x', 'cashier', '["process_sales"]', 'x'),
                        ('u3', 'b1', 'Al', 'a@x', 'admin', '["manage_inventory","key_weights"]', 'x');"#,
        )
        .unwrap();
        drop(conn);

        let conn = open(dir.path()).unwrap();
        let permissions = |id: &str| -> String {
            conn.query_row("SELECT permissions FROM users WHERE _id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(permissions("u1"), r#"["manage_inventory","key_weights"]"#);
        assert_eq!(permissions("u2"), r#"["process_sales"]"#);
        assert_eq!(
            permissions("u3"),
            r#"["manage_inventory","key_weights"]"#,
            "not twice"
        );
    }

    #[test]
    fn schema_12_rebuilds_print_jobs_keeping_every_job_and_the_drawer_events_on_them() {
        let dir = tempfile::tempdir().unwrap();
        let conn = testing::create_at_version(dir.path(), 11);
        conn.execute_batch(
            "INSERT INTO print_jobs (id, kind, open_drawer, requested_by, status, created_at)
                 VALUES (7, 'drawer', 1, 'u1', 'printed', 'x');
             INSERT INTO drawer_events (reason, user_id, print_job_id, created_at)
                 VALUES ('no_sale', 'u1', 7, 'x');",
        )
        .unwrap();
        drop(conn);

        let conn = open(dir.path()).unwrap();
        let job: (String, String) = conn
            .query_row(
                "SELECT kind, status FROM print_jobs WHERE id = 7",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(job, ("drawer".to_owned(), "printed".to_owned()));
        let event: i64 = conn
            .query_row("SELECT print_job_id FROM drawer_events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(event, 7);
        let on: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(on, 1, "foreign keys are on again after the migrations");
        // A Z report job needs its number; the foreign key to the job still holds.
        let insert = |sql: &str| conn.execute(sql, []);
        assert!(insert(
            "INSERT INTO print_jobs (kind, requested_by, created_at) VALUES ('z_report', 'u1', 'x')"
        )
        .is_err());
        insert(
            "INSERT INTO print_jobs (kind, z_number, requested_by, created_at)
             VALUES ('z_report', 3, 'u1', 'x')",
        )
        .unwrap();
        assert!(insert(
            "INSERT INTO drawer_events (reason, user_id, print_job_id, created_at)
             VALUES ('no_sale', 'u1', 999, 'x')"
        )
        .is_err());
    }

    #[test]
    fn upgrades_a_schema_1_database_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let conn = testing::create_at_version(dir.path(), 1);
        conn.execute_batch(
            "INSERT INTO businesses (_id, business_name, currency, timezone, tax_inclusive, created_at)
                 VALUES ('b1', 'Shop', 'USD', 'UTC', 0, '2026-01-01T00:00:00.000Z');
             INSERT INTO products (_id, business_id, product_name, sku, price, created_at, updated_at)
                 VALUES ('p1', 'b1', 'Chocolate Milk 1 L', 'CM-1', 199, 'x', 'x');
             INSERT INTO outbox (op_id, collection, document_id, op, payload, created_at)
                 VALUES ('op-1', 'products', 'p1', 'insert', '{}', 'x'),
                        ('op-2', 'products', 'p1', 'update', '{}', 'x');",
        )
        .unwrap();
        drop(conn);

        let conn = open(dir.path()).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        // The search index of schema 2 was built over the products already there.
        let found: String = conn
            .query_row(
                "SELECT p._id FROM products_search s JOIN products p ON p.local_id = s.rowid
                 WHERE products_search MATCH '\"choc\"*'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, "p1");
        // Schema 3 rebuilt the outbox: its rows and their order survive, and numbering
        // goes on after them.
        conn.execute(
            "INSERT INTO outbox (op_id, collection, document_id, op, payload, created_at)
             VALUES ('op-3', 'products', 'p1', 'update', '{}', 'x')",
            [],
        )
        .unwrap();
        let order: Vec<(i64, String)> = conn
            .prepare("SELECT seq, op_id FROM outbox ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            order,
            [(1, "op-1".into()), (2, "op-2".into()), (3, "op-3".into())]
        );
        // Schema 4: the ledger takes movements made at other tills, whose cashier and
        // sale are not on this one, and the pull has a checkpoint.
        conn.execute(
            "INSERT INTO stock_movements (_id, business_id, store_id, product_id, movement_type,
                quantity, handled_by, transaction_id, created_at)
             VALUES ('m1', 'b1', 'another-store', 'p1', 'sale', -1, 'their-cashier',
                'their-sale', 'x')",
            [],
        )
        .unwrap();
        let checkpoint: Option<String> = conn
            .query_row("SELECT pull_checkpoint FROM sync_state", [], |r| r.get(0))
            .unwrap();
        assert_eq!(checkpoint, None);
        // Reopening a current database changes nothing.
        drop(conn);
        assert_eq!(
            schema_version(&open(dir.path()).unwrap()).unwrap(),
            SCHEMA_VERSION
        );
    }
}
