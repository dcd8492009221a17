//! Pull: changes made in the central database, applied to the till.
//!
//! The sync engine reads the business's documents (a full read the first time, then a
//! change stream) and hands them here as [`CentralChange`]s, in batches. A batch is
//! applied in one transaction together with the pull checkpoint that follows it, so a
//! pull cut off anywhere resumes after the last committed batch, and applying a change
//! twice is the same as applying it once.
//!
//! # Conflict rules (written down here and in ARCHITECTURE.md)
//!
//! For every collection: a field that this till changed and has not sent yet (an
//! operation on the same document still pending or parked in the outbox) keeps the till's
//! value; every other field takes the central value. A document made on this till and not
//! sent yet is left alone. Documents of another business are never applied.
//!
//! - `products` (this store's and the business-wide ones): name, SKU, barcode, category,
//!   price, tax rate, threshold, supplier, and this store's opening stock (its entry in
//!   `stock_levels`; none: 0). `stock` is never copied: the till's stock is its store's
//!   ledger, opening stock plus the store's movements, and the store's other tills' sales
//!   and restocks arrive as `stock_movements`.
//! - `stock_movements` (this store's): a set, not a counter. A movement is added once, by
//!   its `_id`, and moves its product's stock; it is never changed. Movements of other
//!   stores, and of products this till does not hold, are skipped.
//! - `customers`: name, phone, email. Loyalty points are the central points plus the
//!   points of this till's purchases not sent yet (deltas, so no till's points are lost).
//! - `users` (this store's and the business-wide ones): name, email, role, permissions,
//!   PIN and password hashes; the lockout state stays the till's own. A user deleted
//!   centrally can no longer sign in here (the row stays: sales name their cashier).
//! - `payment_methods`: name, provider, kind.
//! - `stores` (this till's store only): name, location, phone, opening hours.
//! - `businesses` (this till's business only): name, plan, subscription, time zone, tax
//!   settings, cashier discount limit, loyalty settings. The currency is not changed on a
//!   till: its amounts are stored in the old currency's minor units.

use std::collections::HashSet;
use std::path::Path;

use bson::oid::ObjectId;
use bson::{Bson, Document};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, ErrorCode, TransactionBehavior};
use serde::Serialize;
use tracing::{debug, info, warn};

use crate::auth::{permission_name, Permission, Role};
use crate::customers::phone_key;
use crate::error::{Error, Result};
use crate::ids::{self, timestamp, Id};
use crate::money::{Currency, Money, Percent};
use crate::outbox::{read_payload, Collection};
use crate::store as database;
use crate::till::{check_till_code, Ctx, Till};

/// The collections a till pulls.
pub const PULLED: [Collection; 7] = [
    Collection::Businesses,
    Collection::Stores,
    Collection::Users,
    Collection::PaymentMethods,
    Collection::Products,
    Collection::Customers,
    Collection::StockMovements,
];

/// One change read from the central database.
#[derive(Debug, Clone, PartialEq)]
pub enum CentralChange {
    /// The document as the central database holds it now (inserted, updated or replaced).
    Upsert {
        collection: Collection,
        document: Document,
    },
    /// The document was deleted centrally.
    Delete {
        collection: Collection,
        id: ObjectId,
    },
}

/// What a batch of central changes did on the till.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PullOutcome {
    /// Changes written to the till (fully, or but for fields with unsent local changes).
    pub applied: usize,
    /// Changes that were not for this till: another store's, a product it does not hold,
    /// a movement it already has, a document it made and has not sent yet.
    pub skipped: usize,
    /// Documents the till cannot use (a missing name, a price with too many decimals, …);
    /// each is logged with its reason and the rest of the batch is applied.
    pub refused: usize,
}

impl PullOutcome {
    pub fn add(&mut self, other: PullOutcome) {
        self.applied += other.applied;
        self.skipped += other.skipped;
        self.refused += other.refused;
    }
}

enum Applied {
    Yes,
    Skipped,
}

impl Till {
    /// Applies a batch of central changes, in order, and records `checkpoint` (where the
    /// next pull starts) in the same transaction.
    pub fn apply_central_changes(
        &mut self,
        changes: &[CentralChange],
        checkpoint: Option<&str>,
    ) -> Result<PullOutcome> {
        let outcome = self.write(|tx, ctx| {
            let mut outcome = PullOutcome::default();
            for change in changes {
                tx.execute_batch("SAVEPOINT central_change")?;
                match apply(tx, ctx, change) {
                    Ok(Applied::Yes) => outcome.applied += 1,
                    Ok(Applied::Skipped) => outcome.skipped += 1,
                    Err(error) if is_refusal(&error) => {
                        tx.execute_batch("ROLLBACK TO central_change")?;
                        warn!(%error, "central document refused");
                        outcome.refused += 1;
                    }
                    Err(error) => return Err(error),
                }
                tx.execute_batch("RELEASE central_change")?;
            }
            let now = timestamp(ids::now());
            match checkpoint {
                Some(checkpoint) => tx.execute(
                    "UPDATE sync_state SET pull_checkpoint = ?1, last_pull_at = ?2 WHERE id = 1",
                    params![checkpoint, now],
                )?,
                None => tx.execute(
                    "UPDATE sync_state SET last_pull_at = ?1 WHERE id = 1",
                    [now],
                )?,
            };
            Ok(outcome)
        })?;
        let settings_changed = changes.iter().any(|change| {
            matches!(
                change,
                CentralChange::Upsert {
                    collection: Collection::Businesses | Collection::Stores,
                    ..
                }
            )
        });
        if settings_changed {
            self.reload_identity()?;
        }
        debug!(?outcome, "central changes applied");
        Ok(outcome)
    }

    /// Sets up a new till for an existing store from its central documents: the business
    /// and store rows and the till's own identity, with nothing in the outbox (they are
    /// central already). The first pull brings the rest; if this fails, the data folder is
    /// left as it was. `till_code` prefixes its sale numbers (generated when `None`).
    pub fn provision(
        data_dir: &Path,
        business: &Document,
        store: &Document,
        till_code: Option<&str>,
    ) -> Result<Till> {
        let till_id = Id::new();
        // Without a code, one from the random part of the till's id: tills provisioned
        // on different machines do not share sale numbers.
        let generated = format!("T{}", &till_id.to_string()[8..13].to_uppercase());
        let till_code = check_till_code(till_code.unwrap_or(&generated))?;
        let business_doc = Central::new(Collection::Businesses, business)?;
        let store_doc = Central::new(Collection::Stores, store)?;
        if store_doc.id_field("business_id")? != business_doc.id {
            return Err(store_doc.refuse("it belongs to another business"));
        }
        let currency = Currency::from_code(&business_doc.required_text("settings.currency")?)?;
        let timezone = business_doc.required_text("settings.timezone")?;
        let timezone: Tz = timezone
            .parse()
            .map_err(|_| Error::UnknownTimezone(timezone.clone()))?;
        let tax_inclusive = business_doc
            .flag("settings.tax_inclusive")?
            .unwrap_or(false);

        let mut conn = database::create(data_dir)?;
        let result = (|| -> Result<Till> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO businesses (_id, business_name, currency, timezone, tax_inclusive,
                    created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    business_doc.id,
                    business_doc.required_text("business_name")?,
                    currency.code(),
                    timezone.name(),
                    tax_inclusive,
                    business_doc.created_at()?
                ],
            )?;
            tx.execute(
                "INSERT INTO stores (_id, business_id, store_name, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    store_doc.id,
                    business_doc.id,
                    store_doc.required_text("store_name")?,
                    store_doc.created_at()?
                ],
            )?;
            tx.execute(
                "INSERT INTO till (id, till_id, till_code, business_id, store_id, created_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                params![
                    till_id,
                    till_code,
                    business_doc.id,
                    store_doc.id,
                    timestamp(ids::now())
                ],
            )?;
            tx.commit()?;
            let mut till = Till::load(conn, data_dir)?;
            let settings = [Collection::Businesses, Collection::Stores]
                .into_iter()
                .zip([business, store])
                .map(|(collection, document)| CentralChange::Upsert {
                    collection,
                    document: document.clone(),
                })
                .collect::<Vec<_>>();
            // Not through `apply_central_changes`: a refusal here is an error, not a skip.
            till.write(|tx, ctx| {
                for change in &settings {
                    apply(tx, ctx, change)?;
                }
                Ok(())
            })?;
            till.reload_identity()?;
            Ok(till)
        })();
        match result {
            Ok(till) => {
                info!(business = %business_doc.id, store = %store_doc.id, "till provisioned");
                Ok(till)
            }
            Err(e) => {
                database::remove_database(data_dir);
                Err(e)
            }
        }
    }

    /// Where the next pull starts; `None` before the first full pull has finished.
    pub fn pull_checkpoint(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT pull_checkpoint FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?)
    }

    /// Forgets the checkpoint, so that the next pull reads everything again (the central
    /// database no longer has the history after it).
    pub fn reset_pull_checkpoint(&mut self) -> Result<()> {
        self.write(|tx, _| {
            tx.execute(
                "UPDATE sync_state SET pull_checkpoint = NULL WHERE id = 1",
                [],
            )?;
            Ok(())
        })?;
        info!("pull checkpoint reset: the next pull reads everything");
        Ok(())
    }
}

fn is_refusal(error: &Error) -> bool {
    match error {
        Error::CentralDocument { .. } => true,
        Error::Database(e) => e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation),
        _ => false,
    }
}

fn apply(tx: &Connection, ctx: &Ctx<'_>, change: &CentralChange) -> Result<Applied> {
    let (collection, document) = match change {
        CentralChange::Delete {
            collection: Collection::Users,
            id,
        } => return revoke_user(tx, ctx, Id::from(*id)),
        CentralChange::Delete { collection, id } => {
            debug!(collection = collection.name(), %id, "central delete not mirrored");
            return Ok(Applied::Skipped);
        }
        CentralChange::Upsert {
            collection,
            document,
        } => (*collection, document),
    };
    let doc = Central::new(collection, document)?;
    let tenant = match collection {
        Collection::Businesses => doc.id,
        _ => doc.id_field("business_id")?,
    };
    if tenant != ctx.business.id {
        return Ok(Applied::Skipped);
    }
    let unsent = Unsent::of(tx, doc.id)?;
    if unsent.created_here {
        return Ok(Applied::Skipped);
    }
    match collection {
        Collection::Businesses => business(tx, ctx, &doc, &unsent),
        Collection::Stores => store(tx, ctx, &doc, &unsent),
        Collection::Users => user(tx, ctx, &doc, &unsent),
        Collection::PaymentMethods => payment_method(tx, &doc, &unsent),
        Collection::Products => product(tx, ctx, &doc, &unsent),
        Collection::Customers => customer(tx, &doc, &unsent),
        Collection::StockMovements => movement(tx, ctx, &doc),
        Collection::SalesTransactions | Collection::Notifications => Ok(Applied::Skipped),
    }
}

/// This till's unsent changes to one document.
#[derive(Default)]
struct Unsent {
    /// The document was made here and its insert has not gone out.
    created_here: bool,
    /// Central field names set by unsent updates.
    fields: HashSet<String>,
    /// Loyalty points of unsent purchases (customers).
    loyalty_points: i64,
}

impl Unsent {
    fn of(conn: &Connection, id: Id) -> Result<Unsent> {
        let mut unsent = Unsent::default();
        let mut stmt = conn.prepare_cached(
            "SELECT op, payload FROM outbox
             WHERE document_id = ?1 AND state IN ('pending', 'parked')",
        )?;
        let mut rows = stmt.query([id])?;
        while let Some(row) = rows.next()? {
            let op: String = row.get(0)?;
            let payload: String = row.get(1)?;
            let payload = read_payload(&payload)
                .map_err(|e| Error::Corrupt(format!("outbox payload of {id}: {e}")))?;
            match op.as_str() {
                "insert" => unsent.created_here = true,
                "customer_purchase" => {
                    unsent.loyalty_points += match payload.get("loyalty_points") {
                        Some(Bson::Int64(n)) => *n,
                        Some(Bson::Int32(n)) => i64::from(*n),
                        _ => 0,
                    };
                }
                _ => unsent.fields.extend(payload.keys().cloned()),
            }
        }
        Ok(unsent)
    }

    /// Whether the till's value of `field` (a central name, dotted for nested fields)
    /// is kept.
    fn keeps(&self, field: &str) -> bool {
        self.fields.contains(field)
            || field
                .split_once('.')
                .is_some_and(|(top, _)| self.fields.contains(top))
    }
}

/// A central document being read, with its collection and id for error messages.
struct Central<'a> {
    collection: Collection,
    id: Id,
    doc: &'a Document,
}

impl<'a> Central<'a> {
    fn new(collection: Collection, doc: &'a Document) -> Result<Central<'a>> {
        let id = match doc.get("_id") {
            Some(Bson::ObjectId(id)) => Id::from(*id),
            other => {
                return Err(Error::CentralDocument {
                    collection: collection.name(),
                    id: format!("{other:?}"),
                    reason: "its _id is not an ObjectId".into(),
                })
            }
        };
        Ok(Central {
            collection,
            id,
            doc,
        })
    }

    fn refuse(&self, reason: impl Into<String>) -> Error {
        Error::CentralDocument {
            collection: self.collection.name(),
            id: self.id.to_string(),
            reason: reason.into(),
        }
    }

    /// The value at `path` (`settings.currency`), `None` when missing or null.
    fn get(&self, path: &str) -> Option<&'a Bson> {
        let mut value = None;
        let mut doc = Some(self.doc);
        for key in path.split('.') {
            value = doc?.get(key);
            doc = value.and_then(Bson::as_document);
        }
        value.filter(|v| !matches!(v, Bson::Null | Bson::Undefined))
    }

    fn text(&self, path: &str) -> Result<Option<String>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(self.refuse(format!("{path} is {other}, not text"))),
        }
    }

    fn required_text(&self, path: &str) -> Result<String> {
        self.text(path)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| self.refuse(format!("it has no {path}")))
    }

    fn optional_id(&self, path: &str) -> Result<Option<Id>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::ObjectId(id)) => Ok(Some(Id::from(*id))),
            Some(other) => Err(self.refuse(format!("{path} is {other}, not an ObjectId"))),
        }
    }

    fn id_field(&self, path: &str) -> Result<Id> {
        self.optional_id(path)?
            .ok_or_else(|| self.refuse(format!("it has no {path}")))
    }

    fn integer(&self, path: &str) -> Result<Option<i64>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::Int32(n)) => Ok(Some(i64::from(*n))),
            Some(Bson::Int64(n)) => Ok(Some(*n)),
            Some(Bson::Double(x)) if x.fract() == 0.0 && x.abs() < 9e15 => Ok(Some(*x as i64)),
            Some(other) => Err(self.refuse(format!("{path} is {other}, not a whole number"))),
        }
    }

    fn flag(&self, path: &str) -> Result<Option<bool>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::Boolean(b)) => Ok(Some(*b)),
            Some(other) => Err(self.refuse(format!("{path} is {other}, not true or false"))),
        }
    }

    /// A number as decimal text: `Decimal128`, an integer, or a double (a back office
    /// may write `9.99` as a double; it is read as the decimal it prints as).
    fn decimal_text(&self, path: &str) -> Result<Option<String>> {
        Ok(match self.get(path) {
            None => None,
            Some(Bson::Decimal128(d)) => Some(d.to_string()),
            Some(Bson::Int32(n)) => Some(n.to_string()),
            Some(Bson::Int64(n)) => Some(n.to_string()),
            Some(Bson::Double(x)) if x.is_finite() => Some(x.to_string()),
            Some(other) => return Err(self.refuse(format!("{path} is {other}, not a number"))),
        })
    }

    fn money(&self, path: &str, currency: &Currency) -> Result<Option<Money>> {
        self.decimal_text(path)?
            .map(|text| {
                currency
                    .parse_non_negative(&text)
                    .map_err(|e| self.refuse(format!("{path}: {e}")))
            })
            .transpose()
    }

    fn percent(&self, path: &str) -> Result<Option<Percent>> {
        self.decimal_text(path)?
            .map(|text| Percent::parse(&text).map_err(|e| self.refuse(format!("{path}: {e}"))))
            .transpose()
    }

    fn time(&self, path: &str) -> Result<Option<DateTime<Utc>>> {
        match self.get(path) {
            None => Ok(None),
            Some(Bson::DateTime(at)) => Ok(Some(at.to_chrono())),
            Some(other) => Err(self.refuse(format!("{path} is {other}, not a date"))),
        }
    }

    fn created_at(&self) -> Result<String> {
        Ok(timestamp(self.time("created_at")?.unwrap_or_else(ids::now)))
    }
}

/// The columns a central document sets on its local row, each with the central field it
/// comes from (for the conflict rule).
#[derive(Default)]
struct Columns {
    set: Vec<(&'static str, &'static str, Value)>,
}

impl Columns {
    fn with(mut self, column: &'static str, field: &'static str, value: impl Into<Value>) -> Self {
        self.set.push((column, field, value.into()));
        self
    }

    /// Adds the column when the document has the field.
    fn with_some<T: Into<Value>>(
        self,
        column: &'static str,
        field: &'static str,
        value: Option<T>,
    ) -> Self {
        match value {
            Some(value) => self.with(column, field, value),
            None => self,
        }
    }

    /// Updates the row `id` of `table` with the columns whose fields the till has not
    /// changed itself; `false` when there is no such row.
    fn update(&self, tx: &Connection, table: &str, id: Id, unsent: &Unsent) -> Result<bool> {
        let kept: Vec<_> = self
            .set
            .iter()
            .filter(|(_, field, _)| !unsent.keeps(field))
            .collect();
        // Rows already as central has them are not written at all: a till sees its own
        // documents come back after every upload.
        if !kept.is_empty() {
            let (assignments, differences): (Vec<String>, Vec<String>) = kept
                .iter()
                .enumerate()
                .map(|(i, (column, _, _))| {
                    let n = i + 2;
                    (format!("{column} = ?{n}"), format!("{column} IS NOT ?{n}"))
                })
                .unzip();
            let sql = format!(
                "UPDATE {table} SET {} WHERE _id = ?1 AND ({})",
                assignments.join(", "),
                differences.join(" OR ")
            );
            let values = std::iter::once(Value::Text(id.to_string()))
                .chain(kept.iter().map(|(_, _, value)| value.clone()));
            if tx.prepare_cached(&sql)?.execute(params_from_iter(values))? > 0 {
                return Ok(true);
            }
        }
        Ok(tx
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE _id = ?1"))?
            .exists([id])?)
    }

    /// Inserts the row `id` into `table` with every column (a new document).
    fn insert(self, tx: &Connection, table: &str, id: Id) -> Result<()> {
        let columns: Vec<&str> = self.set.iter().map(|(column, _, _)| *column).collect();
        let placeholders: Vec<String> = (1..=columns.len() + 1).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} (_id, {}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        let values = std::iter::once(Value::Text(id.to_string()))
            .chain(self.set.into_iter().map(|(_, _, value)| value));
        tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        Ok(())
    }

    /// Updates the row if it exists, else inserts it with `extra` columns.
    fn upsert(
        self,
        tx: &Connection,
        table: &str,
        id: Id,
        unsent: &Unsent,
        extra: impl FnOnce(Columns) -> Result<Columns>,
    ) -> Result<Applied> {
        if !self.update(tx, table, id, unsent)? {
            extra(self)?.insert(tx, table, id)?;
        }
        Ok(Applied::Yes)
    }
}

fn text(value: Option<String>) -> Value {
    value.map_or(Value::Null, Value::Text)
}

fn id_value(value: Option<Id>) -> Value {
    value.map_or(Value::Null, |id| Value::Text(id.to_string()))
}

fn business(tx: &Connection, ctx: &Ctx<'_>, doc: &Central<'_>, unsent: &Unsent) -> Result<Applied> {
    if let Some(currency) = doc.text("settings.currency")? {
        if !currency.eq_ignore_ascii_case(ctx.business.currency.code()) {
            warn!(
                till = ctx.business.currency.code(),
                central = %currency,
                "the business currency changed centrally; this till keeps its own"
            );
        }
    }
    let timezone = doc
        .text("settings.timezone")?
        .map(|name| {
            name.parse::<Tz>()
                .map(|tz| tz.name().to_owned())
                .map_err(|_| doc.refuse(format!("{name:?} is not a time zone")))
        })
        .transpose()?;
    let currency = &ctx.business.currency;
    Columns::default()
        .with(
            "business_name",
            "business_name",
            doc.required_text("business_name")?,
        )
        .with_some("package_plan", "package_plan", doc.text("package_plan")?)
        .with_some(
            "subscription_status",
            "subscription_status",
            doc.text("subscription_status")?,
        )
        .with_some("timezone", "settings.timezone", timezone)
        .with_some(
            "tax_inclusive",
            "settings.tax_inclusive",
            doc.flag("settings.tax_inclusive")?,
        )
        .with_some(
            "default_tax_rate",
            "settings.default_tax_rate",
            doc.percent("settings.default_tax_rate")?
                .map(Percent::thousandths),
        )
        .with_some(
            "max_cashier_discount",
            "settings.max_cashier_discount",
            doc.percent("settings.max_cashier_discount")?
                .map(Percent::thousandths),
        )
        .with_some(
            "loyalty_points_per_unit",
            "settings.loyalty_points_per_unit",
            doc.integer("settings.loyalty_points_per_unit")?,
        )
        .with_some(
            "loyalty_point_value",
            "settings.loyalty_point_value",
            doc.money("settings.loyalty_point_value", currency)?
                .map(Money::minor),
        )
        .update(tx, "businesses", doc.id, unsent)?;
    Ok(Applied::Yes)
}

fn store(tx: &Connection, ctx: &Ctx<'_>, doc: &Central<'_>, unsent: &Unsent) -> Result<Applied> {
    if doc.id != ctx.store.id {
        return Ok(Applied::Skipped);
    }
    Columns::default()
        .with("store_name", "store_name", doc.required_text("store_name")?)
        .with_some("location", "location", doc.text("location")?)
        .with_some("phone", "phone", doc.text("phone")?)
        .with_some(
            "operating_hours_open",
            "operating_hours.open",
            doc.text("operating_hours.open")?,
        )
        .with_some(
            "operating_hours_close",
            "operating_hours.close",
            doc.text("operating_hours.close")?,
        )
        .update(tx, "stores", doc.id, unsent)?;
    Ok(Applied::Yes)
}

/// Whether a document scoped by an optional `store_id` belongs on this till.
fn for_this_store(ctx: &Ctx<'_>, doc: &Central<'_>) -> Result<Option<Option<Id>>> {
    let store = doc.optional_id("store_id")?;
    Ok(match store {
        Some(id) if id != ctx.store.id => None,
        other => Some(other),
    })
}

fn user(tx: &Connection, ctx: &Ctx<'_>, doc: &Central<'_>, unsent: &Unsent) -> Result<Applied> {
    let Some(store_id) = for_this_store(ctx, doc)? else {
        return Ok(Applied::Skipped);
    };
    let role = doc.required_text("role")?;
    let role = Role::parse(&role).ok_or_else(|| doc.refuse(format!("{role:?} is not a role")))?;
    let permissions: Vec<Permission> = match doc.get("permissions") {
        None => role.default_permissions(),
        Some(Bson::Array(names)) => names
            .iter()
            .filter_map(Bson::as_str)
            .filter_map(|name| {
                Permission::ALL
                    .into_iter()
                    .find(|p| permission_name(*p) == name)
            })
            .collect(),
        Some(other) => return Err(doc.refuse(format!("permissions is {other}, not a list"))),
    };
    let permissions = serde_json::to_string(&permissions).expect("permissions serialize");
    Columns::default()
        .with("business_id", "business_id", ctx.business.id.to_string())
        .with("store_id", "store_id", id_value(store_id))
        .with("name", "name", doc.required_text("name")?)
        .with("email", "email", doc.required_text("email")?.to_lowercase())
        .with(
            "password_hash",
            "password_hash",
            text(doc.text("password_hash")?),
        )
        .with("pin_hash", "pin_hash", text(doc.text("pin_hash")?))
        .with("role", "role", role.as_str().to_owned())
        .with("permissions", "permissions", permissions)
        .upsert(tx, "users", doc.id, unsent, |columns| {
            Ok(columns.with("created_at", "created_at", doc.created_at()?))
        })
}

/// A user deleted centrally: no more signing in on this till.
fn revoke_user(tx: &Connection, ctx: &Ctx<'_>, id: Id) -> Result<Applied> {
    let changed = tx.execute(
        "UPDATE users SET pin_hash = NULL, password_hash = NULL
         WHERE _id = ?1 AND business_id = ?2",
        params![id, ctx.business.id],
    )?;
    if changed == 0 {
        return Ok(Applied::Skipped);
    }
    info!(user = %id, "user deleted centrally: signing in here is revoked");
    Ok(Applied::Yes)
}

fn payment_method(tx: &Connection, doc: &Central<'_>, unsent: &Unsent) -> Result<Applied> {
    let name = doc.required_text("method_name")?;
    let kind = match doc.text("kind")?.as_deref() {
        Some(kind @ ("cash" | "card" | "other")) => kind.to_owned(),
        Some(other) => return Err(doc.refuse(format!("{other:?} is not a payment kind"))),
        // A back office may not say: a method named like cash gives change.
        None if name.to_lowercase().contains("cash") => "cash".into(),
        None => "other".into(),
    };
    Columns::default()
        .with(
            "business_id",
            "business_id",
            doc.id_field("business_id")?.to_string(),
        )
        .with("method_name", "method_name", name)
        .with(
            "provider",
            "provider",
            doc.text("provider")?.unwrap_or_default(),
        )
        .with("kind", "kind", kind)
        .upsert(tx, "payment_methods", doc.id, unsent, |columns| {
            Ok(columns.with("created_at", "created_at", doc.created_at()?))
        })
}

fn product(tx: &Connection, ctx: &Ctx<'_>, doc: &Central<'_>, unsent: &Unsent) -> Result<Applied> {
    let Some(store_id) = for_this_store(ctx, doc)? else {
        return Ok(Applied::Skipped);
    };
    let price = doc
        .money("price", &ctx.business.currency)?
        .ok_or_else(|| doc.refuse("it has no price"))?;
    let threshold = doc.integer("stock_threshold")?.unwrap_or(0);
    let updated_at = doc.time("updated_at")?.or(doc.time("created_at")?);
    Columns::default()
        .with("business_id", "business_id", ctx.business.id.to_string())
        .with("store_id", "store_id", id_value(store_id))
        .with(
            "product_name",
            "product_name",
            doc.required_text("product_name")?,
        )
        .with("sku", "sku", doc.required_text("sku")?)
        .with(
            "barcode",
            "barcode",
            text(doc.text("barcode")?.filter(|b| !b.is_empty())),
        )
        .with(
            "category",
            "category",
            doc.text("category")?.unwrap_or_default(),
        )
        .with("price", "price", price.minor())
        .with(
            "tax_rate",
            "tax_rate",
            doc.percent("tax_rate")?
                .unwrap_or(ctx.business.default_tax_rate)
                .thousandths(),
        )
        .with("stock_threshold", "stock_threshold", threshold.max(0))
        .with(
            "supplier_id",
            "supplier_id",
            id_value(doc.optional_id("supplier_id")?),
        )
        .with(
            "updated_at",
            "updated_at",
            timestamp(updated_at.unwrap_or_else(ids::now)),
        )
        .upsert(tx, "products", doc.id, unsent, |columns| {
            Ok(columns
                .with("opening_stock", "opening_stock", 0)
                .with("stock", "stock", 0)
                .with("created_at", "created_at", doc.created_at()?))
        })?;
    if let Some(opening) = opening_stock_here(ctx, doc)? {
        // The opening stock is set once, centrally; the stock follows it, so the level
        // stays opening stock + movements.
        tx.prepare_cached(
            "UPDATE products SET stock = stock + (?2 - opening_stock), opening_stock = ?2
             WHERE _id = ?1 AND opening_stock IS NOT ?2",
        )?
        .execute(params![doc.id, opening])?;
    }
    Ok(Applied::Yes)
}

/// This store's opening stock of a central product: its entry in `stock_levels` (none:
/// 0). A document without levels (written by a back office) that belongs to this store
/// opens with its `opening_stock`, else its `stock`; one for every store says nothing.
fn opening_stock_here(ctx: &Ctx<'_>, doc: &Central<'_>) -> Result<Option<i64>> {
    let Some(levels) = doc.get("stock_levels") else {
        if doc.optional_id("store_id")? != Some(ctx.store.id) {
            return Ok(None);
        }
        let opening = doc.integer("opening_stock")?.or(doc.integer("stock")?);
        return Ok(Some(opening.unwrap_or(0)));
    };
    let Bson::Array(levels) = levels else {
        return Err(doc.refuse("stock_levels is not a list"));
    };
    for level in levels {
        let Bson::Document(level) = level else {
            return Err(doc.refuse("a stock level is not a document"));
        };
        let level = Central {
            collection: doc.collection,
            id: doc.id,
            doc: level,
        };
        if level.id_field("store_id")? == ctx.store.id {
            return Ok(Some(level.integer("opening_stock")?.unwrap_or(0)));
        }
    }
    Ok(Some(0))
}

fn customer(tx: &Connection, doc: &Central<'_>, unsent: &Unsent) -> Result<Applied> {
    let phone = doc.text("phone")?.filter(|p| !p.is_empty());
    let points = doc.integer("loyalty_points")?.unwrap_or(0) + unsent.loyalty_points;
    Columns::default()
        .with(
            "business_id",
            "business_id",
            doc.id_field("business_id")?.to_string(),
        )
        .with("name", "name", doc.required_text("name")?)
        .with("phone_key", "phone", text(phone.as_deref().map(phone_key)))
        .with("phone", "phone", text(phone))
        .with(
            "email",
            "email",
            text(
                doc.text("email")?
                    .filter(|e| !e.is_empty())
                    .map(|e| e.to_lowercase()),
            ),
        )
        // Unsent purchases are added above, as deltas; no local update sets the points.
        .with("loyalty_points", "loyalty_points", points.max(0))
        .upsert(tx, "customers", doc.id, unsent, |columns| {
            Ok(columns.with("created_at", "created_at", doc.created_at()?))
        })
}

fn movement(tx: &Connection, ctx: &Ctx<'_>, doc: &Central<'_>) -> Result<Applied> {
    let store = doc.id_field("store_id")?;
    if store != ctx.store.id {
        return Ok(Applied::Skipped);
    }
    let product = doc.id_field("product_id")?;
    let quantity = doc
        .integer("quantity")?
        .filter(|q| *q != 0)
        .ok_or_else(|| doc.refuse("it has no quantity"))?;
    let inserted = tx
        .prepare_cached(
            "INSERT INTO stock_movements (_id, business_id, store_id, product_id,
                movement_type, quantity, handled_by, reason, transaction_id, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
             WHERE EXISTS (SELECT 1 FROM products WHERE _id = ?4)
             ON CONFLICT (_id) DO NOTHING",
        )?
        .execute(params![
            doc.id,
            doc.id_field("business_id")?,
            store,
            product,
            doc.required_text("movement_type")?,
            quantity,
            doc.optional_id("handled_by")?,
            doc.text("reason")?.unwrap_or_default(),
            doc.optional_id("transaction_id")?,
            doc.created_at()?,
        ])?;
    if inserted == 0 {
        return Ok(Applied::Skipped);
    }
    tx.prepare_cached("UPDATE products SET stock = stock + ?2 WHERE _id = ?1")?
        .execute(params![product, quantity])?;
    Ok(Applied::Yes)
}
