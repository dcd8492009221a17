//! The till: one open database, the business and store it serves, and its settings.
//!
//! Use cases are methods on [`Till`], each in the module named after what it does
//! (`sell`, `stock`, `catalog`, …). Every method that changes something runs in one
//! SQLite transaction that also appends the change to the outbox.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};

use crate::db;
use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::staff::actor::Actor;
use sellsync_contract::embedded_barcodes::BarcodeRule;
use sellsync_contract::ids::Id;
use sellsync_contract::money::{Currency, Money, Percent};
use sellsync_contract::roles::Permission;

/// The business this till belongs to, with the settings that govern its sales.
#[derive(Debug, Clone)]
pub struct Business {
    pub id: Id,
    pub business_name: String,
    pub currency: Currency,
    pub timezone: Tz,
    pub tax_inclusive: bool,
    /// The tax rate of a new product when none is given.
    pub default_tax_rate: Percent,
    /// The largest discount a cashier may give, as a percent of what it applies to.
    pub max_cashier_discount: Percent,
    /// Loyalty points a customer earns per whole unit of currency paid.
    pub loyalty_points_per_unit: i64,
    /// What one loyalty point is worth when redeemed.
    pub loyalty_point_value: Money,
    /// How many days after a sale its items may come back without a manager's PIN.
    pub return_window_days: i64,
    /// The most a cashier refunds without a manager's PIN.
    pub cashier_refund_limit: Money,
    /// How far a shift's count may be from the expected cash without a manager.
    pub max_cash_difference: Money,
    /// How the business's price and weight labels are read (none: every code is a
    /// product's own).
    pub barcode_rules: Vec<BarcodeRule>,
}

/// The store this till stands in.
#[derive(Debug, Clone)]
pub struct Store {
    pub id: Id,
    pub store_name: String,
    pub location: String,
    pub phone: String,
}

/// An open till database.
pub struct Till {
    pub(crate) conn: Connection,
    data_dir: PathBuf,
    pub(crate) till_id: Id,
    pub(crate) till_code: String,
    pub(crate) business: Business,
    pub(crate) store: Store,
}

impl Till {
    /// Opens the till in `data_dir`, upgrading its database in place if it is older.
    pub fn open(data_dir: &Path) -> Result<Till> {
        let conn = db::open(data_dir)?;
        Till::load(conn, data_dir)
    }

    pub(crate) fn load(conn: Connection, data_dir: &Path) -> Result<Till> {
        let identity = conn
            .query_row(
                "SELECT till_id, till_code, business_id, store_id FROM till WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, Id>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Id>(2)?,
                        r.get::<_, Id>(3)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::Corrupt("the till's identity row is missing".into()))?;
        let (till_id, till_code, business_id, store_id) = identity;
        let business = load_business(&conn, business_id)?;
        let store = load_store(&conn, store_id, business_id)?;
        Ok(Till {
            conn,
            data_dir: data_dir.to_owned(),
            till_id,
            till_code,
            business,
            store,
        })
    }

    /// Reads the business and store settings again: after a pull changed them, on this
    /// connection or another one to the same till (the sync engine's).
    pub fn reload_identity(&mut self) -> Result<()> {
        self.business = load_business(&self.conn, self.business.id)?;
        self.store = load_store(&self.conn, self.store.id, self.business.id)?;
        Ok(())
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn business(&self) -> &Business {
        &self.business
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn currency(&self) -> &Currency {
        &self.business.currency
    }

    /// This till's own id (`till_id` on what it sends).
    pub fn till_id(&self) -> Id {
        self.till_id
    }

    /// The short code that prefixes this till's sale numbers.
    pub fn till_code(&self) -> &str {
        &self.till_code
    }

    /// Formats an amount in the business currency (`9.99`).
    pub fn format_money(&self, amount: Money) -> String {
        self.business.currency.format(amount)
    }

    /// A moment as the store's clock shows it, to the minute: `2026-12-02 09:41`.
    pub fn format_time(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        at.with_timezone(&self.business.timezone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// Reads an amount written in the business currency (`9.99`).
    pub fn parse_money(&self, text: &str) -> Result<Money> {
        Ok(self.business.currency.parse(text)?)
    }

    /// The outbox in commit order (hashes hidden). It holds staff and customer details:
    /// needs `manage_sync`.
    pub fn outbox(
        &self,
        actor: &Actor,
        pending_only: bool,
        limit: usize,
    ) -> Result<Vec<outbox::OutboxEntry>> {
        actor.require(Permission::ManageSync)?;
        outbox::list(&self.conn, pending_only, limit)
    }

    /// How many outbox operations wait, were delivered, or are parked.
    pub fn outbox_counts(&self) -> Result<outbox::OutboxCounts> {
        outbox::counts(&self.conn)
    }

    /// What a change needs to know of the till, for reading what it will decide by.
    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            business: &self.business,
            store: &self.store,
            till_id: self.till_id,
            till_code: &self.till_code,
        }
    }

    /// Runs `change` in one immediate transaction and commits it; on any error nothing
    /// of it is written. For what the till does of itself (sync bookkeeping, what a pull
    /// brings): its outbox rows name no one. A person's change goes through
    /// [`Till::write_as`].
    pub(crate) fn write<T>(
        &mut self,
        change: impl FnOnce(&Tx<'_>, &Ctx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_by(None, change)
    }

    /// [`Till::write`] for a change `actor` makes: every outbox row it writes records who
    /// made it, which the gateway checks against central's users.
    pub(crate) fn write_as<T>(
        &mut self,
        actor: &Actor,
        change: impl FnOnce(&Tx<'_>, &Ctx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_by(Some(actor.user_id()), change)
    }

    fn write_by<T>(
        &mut self,
        actor: Option<Id>,
        change: impl FnOnce(&Tx<'_>, &Ctx<'_>) -> Result<T>,
    ) -> Result<T> {
        let ctx = Ctx {
            business: &self.business,
            store: &self.store,
            till_id: self.till_id,
            till_code: &self.till_code,
        };
        let tx = Tx::begin(&mut self.conn, actor)?;
        let out = change(&tx, &ctx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// What a change needs to know of the till besides its database connection.
pub(crate) struct Ctx<'a> {
    pub business: &'a Business,
    pub store: &'a Store,
    pub till_id: Id,
    pub till_code: &'a str,
}

fn load_store(conn: &Connection, id: Id, business_id: Id) -> Result<Store> {
    Ok(conn.query_row(
        "SELECT store_name, location, phone FROM stores WHERE _id = ?1 AND business_id = ?2",
        params![id, business_id],
        |r| {
            Ok(Store {
                id,
                store_name: r.get(0)?,
                location: r.get(1)?,
                phone: r.get(2)?,
            })
        },
    )?)
}

fn load_business(conn: &Connection, id: Id) -> Result<Business> {
    let row = conn.query_row(
        "SELECT business_name, currency, timezone, tax_inclusive, default_tax_rate,
                max_cashier_discount, loyalty_points_per_unit, loyalty_point_value,
                return_window_days, cashier_refund_limit, max_cash_difference, barcode_rules
         FROM businesses WHERE _id = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, i64>(10)?,
                r.get::<_, Option<String>>(11)?,
            ))
        },
    )?;
    let (
        name,
        currency,
        timezone,
        tax_inclusive,
        default_rate,
        max_discount,
        per_unit,
        value,
        window,
        refund_limit,
        cash_difference,
        rules,
    ) = row;
    Ok(Business {
        id,
        business_name: name,
        currency: Currency::from_code(&currency)
            .map_err(|e| Error::Corrupt(format!("business currency: {e}")))?,
        timezone: timezone
            .parse()
            .map_err(|_| Error::Corrupt(format!("business time zone {timezone:?}")))?,
        tax_inclusive,
        default_tax_rate: Percent::from_thousandths(default_rate),
        max_cashier_discount: Percent::from_thousandths(max_discount),
        loyalty_points_per_unit: per_unit,
        loyalty_point_value: Money::from_minor(value),
        return_window_days: window,
        cashier_refund_limit: Money::from_minor(refund_limit),
        max_cash_difference: Money::from_minor(cash_difference),
        barcode_rules: match rules {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| Error::Corrupt(format!("the business's barcode rules: {e}")))?,
            None => Vec::new(),
        },
    })
}

/// A time of day as a store's hours are written: `09:00`, `22:30` (24-hour clock).
pub(crate) fn check_time(text: &str) -> Result<&str> {
    let text = text.trim();
    let valid = chrono::NaiveTime::parse_from_str(text, "%H:%M").is_ok() && text.len() == 5;
    if !valid {
        return Err(Error::InvalidSetting(format!(
            "Opening hours are times such as 09:00 or 22:30 (24-hour clock), not {text:?}."
        )));
    }
    Ok(text)
}

/// A till code as typed: letters and digits, such as `T1`.
/// The till's own numbered documents, each counted from 1 with no gap.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TillCounter {
    /// `T1-000042`
    Sale,
    /// `T1-R000007`
    Return,
    /// `T1-P000003`
    Park,
    /// `T1-PO000002`
    PurchaseOrder,
    /// `T1-TR000004`
    Transfer,
}

/// The next number of `counter` at this till, inside the transaction that uses it.
pub(crate) fn next_number(tx: &Tx<'_>, till_code: &str, counter: TillCounter) -> Result<String> {
    let (column, prefix) = match counter {
        TillCounter::Sale => ("next_sale_number", ""),
        TillCounter::Return => ("next_return_number", "R"),
        TillCounter::Park => ("next_park_number", "P"),
        TillCounter::PurchaseOrder => ("next_order_number", "PO"),
        TillCounter::Transfer => ("next_transfer_number", "TR"),
    };
    let number: i64 = tx
        .prepare_cached(&format!(
            "UPDATE till SET {column} = {column} + 1 WHERE id = 1 RETURNING {column} - 1"
        ))?
        .query_row([], |r| r.get(0))?;
    Ok(format!("{till_code}-{prefix}{number:06}"))
}

pub(crate) fn check_till_code(code: &str) -> Result<&str> {
    let code = code.trim();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::InvalidSetting(
            "The till code must be letters and digits, such as T1.".into(),
        ));
    }
    Ok(code)
}
