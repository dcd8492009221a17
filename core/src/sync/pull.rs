//! Pull: changes made in the central database, applied to the till.
//!
//! The sync engine reads the business's documents (a full read the first time, then a
//! change stream) and hands them here as [`CentralChange`]s, in batches. A batch is
//! applied in one transaction together with the pull checkpoint that follows it, so a
//! pull cut off anywhere resumes after the last committed batch, and applying a change
//! twice is the same as applying it once.
//!
//! What wins when the till and the central database both changed a document is written
//! in [`sellsync_contract::conflicts`], for both directions.

use std::path::Path;

use bson::Document;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, ErrorCode, TransactionBehavior};
use tracing::{debug, info, warn};

use crate::customers::phone_key;
use crate::db as database;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::purchasing::orders;
use crate::sell::sale::Sale;
use crate::sell::{parked, returns, transaction};
use crate::stock::transfers;
use crate::till::{check_till_code, Ctx, Till};
use sellsync_contract::change::CentralChange;
use sellsync_contract::conflicts::Unsent;
use sellsync_contract::documents::{
    field, BusinessDoc, Collection, CustomerDoc, Op, ParkedSaleDoc, PaymentMethodDoc, ProductDoc,
    PurchaseOrderDoc, Reader, SaleDoc, SaleStatus, StockMovementDoc, StockTransferDoc, StoreDoc,
    SupplierDoc, UserDoc,
};
use sellsync_contract::ids::{self, timestamp, Id};
use sellsync_contract::money::{Currency, Money, Percent};
use sellsync_contract::operation::read_payload;

/// What a batch of central changes did on the till.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    /// left as it was. `till_code` prefixes its sale numbers (generated when `None`);
    /// `till_id`: the id the gateway bound to its credential (a new one when `None`).
    pub fn provision(
        data_dir: &Path,
        business: &Document,
        store: &Document,
        till_code: Option<&str>,
        till_id: Option<Id>,
    ) -> Result<Till> {
        // A new id when the gateway bound none. Without a code, one from the random part
        // of the till's id: tills provisioned on different machines do not share sale
        // numbers.
        let till_id = till_id.unwrap_or_default();
        let generated = format!("T{}", &till_id.to_string()[8..13].to_uppercase());
        let till_code = check_till_code(till_code.unwrap_or(&generated))?;
        let business_doc = BusinessDoc::from_document(business)?;
        let store_doc = StoreDoc::from_document(store)?;
        if store_doc.business_id != business_doc.id {
            return Err(Reader::new(Collection::Stores, store)?
                .refuse("belongs to another business")
                .into());
        }
        let settings = &business_doc.settings;
        let tax_inclusive = settings.tax_inclusive.unwrap_or(false);

        let mut conn = database::create(data_dir)?;
        let result = (|| -> Result<Till> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO businesses (_id, business_name, currency, timezone, tax_inclusive,
                    created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    business_doc.id,
                    business_doc.business_name,
                    settings.currency.code(),
                    settings.timezone.name(),
                    tax_inclusive,
                    created_at(business_doc.created_at)
                ],
            )?;
            tx.execute(
                "INSERT INTO stores (_id, business_id, store_name, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    store_doc.id,
                    business_doc.id,
                    store_doc.store_name,
                    created_at(store_doc.created_at)
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
        Error::CentralDocument(_) => true,
        Error::Database(e) => e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation),
        _ => false,
    }
}

fn apply(tx: &Tx<'_>, ctx: &Ctx<'_>, change: &CentralChange) -> Result<Applied> {
    let (collection, document) = match change {
        CentralChange::Delete {
            collection: Collection::Users,
            id,
        } => return revoke_user(tx, ctx, Id::from(*id)),
        CentralChange::Delete { collection, id } => {
            debug!(%collection, %id, "central delete not mirrored");
            return Ok(Applied::Skipped);
        }
        CentralChange::Upsert {
            collection,
            document,
        } => (*collection, document),
    };
    let reader = Reader::new(collection, document)?;
    if reader.business_id()? != ctx.business.id {
        return Ok(Applied::Skipped);
    }
    // Another store's user, product, sale or movement is skipped here, before it is read
    // whole: whether it holds what the contract asks is that store's tills' concern.
    let store_scoped = matches!(
        collection,
        Collection::Users
            | Collection::Products
            | Collection::SalesTransactions
            | Collection::StockMovements
            | Collection::ParkedSales
            | Collection::PurchaseOrders
    );
    if store_scoped
        && reader
            .optional_id(field::STORE_ID)?
            .is_some_and(|s| s != ctx.store.id)
    {
        return Ok(Applied::Skipped);
    }
    let currency = &ctx.business.currency;
    let unsent = unsent(tx, reader.id(), currency)?;
    if unsent.created_here {
        return Ok(Applied::Skipped);
    }
    match collection {
        Collection::Businesses => {
            business(tx, ctx, &BusinessDoc::from_document(document)?, &unsent)
        }
        Collection::Stores => store(tx, ctx, &StoreDoc::from_document(document)?, &unsent),
        Collection::Users => user(tx, ctx, &UserDoc::from_document(document)?, &unsent),
        Collection::PaymentMethods => {
            payment_method(tx, &PaymentMethodDoc::from_document(document)?, &unsent)
        }
        Collection::Suppliers => supplier(tx, &SupplierDoc::from_document(document)?, &unsent),
        Collection::Products => product(
            tx,
            ctx,
            &ProductDoc::from_document(document, currency)?,
            &unsent,
        ),
        Collection::Customers => customer(
            tx,
            &CustomerDoc::from_document(document, currency)?,
            &unsent,
        ),
        Collection::StockMovements => movement(tx, &StockMovementDoc::from_document(document)?),
        Collection::SalesTransactions => {
            sale(tx, ctx, &SaleDoc::from_document(document, currency)?)
        }
        Collection::PurchaseOrders => purchase_order(
            tx,
            &PurchaseOrderDoc::from_document(document, currency)?,
            &unsent,
        ),
        Collection::ParkedSales => parked_sale(
            tx,
            &ParkedSaleDoc::from_document(document, currency)?,
            &unsent,
        ),
        Collection::StockTransfers => stock_transfer(
            tx,
            ctx,
            &StockTransferDoc::from_document(document)?,
            &unsent,
        ),
        Collection::Notifications
        | Collection::ZReports
        | Collection::JournalEntries
        | Collection::ApiKeys => Ok(Applied::Skipped),
    }
}

/// Whether the till holds the row `sql` (a `SELECT 1 … WHERE _id = ?1`) finds for `id`.
fn holds(tx: &Connection, sql: &str, id: Id) -> Result<bool> {
    Ok(tx.prepare_cached(sql)?.exists([id])?)
}

/// This till's unsent changes to one document: its pending and parked operations.
fn unsent(conn: &Connection, id: Id, currency: &Currency) -> Result<Unsent> {
    let mut stmt = conn.prepare_cached(
        "SELECT op, payload FROM outbox
         WHERE document_id = ?1 AND state IN ('pending', 'parked')",
    )?;
    let mut rows = stmt.query([id])?;
    let mut operations = Vec::new();
    while let Some(row) = rows.next()? {
        let op: String = row.get(0)?;
        let payload: String = row.get(1)?;
        let corrupt = |e: String| Error::Corrupt(format!("outbox operation on {id}: {e}"));
        let payload = read_payload(&payload).map_err(corrupt)?;
        operations.push((
            Op::parse(&op).ok_or_else(|| corrupt(format!("unknown op {op:?}")))?,
            payload,
        ));
    }
    Ok(Unsent::of(&operations, currency))
}

/// How the till stores a document's `created_at` (now, when a back office gave none).
fn created_at(at: Option<DateTime<Utc>>) -> String {
    timestamp(at.unwrap_or_else(ids::now))
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

    /// Updates the row if it exists, else inserts it, made at `created_at` (now, when
    /// the document gives no time); the table's defaults fill the columns not set.
    fn upsert(
        self,
        tx: &Connection,
        table: &str,
        id: Id,
        unsent: &Unsent,
        created: Option<DateTime<Utc>>,
    ) -> Result<Applied> {
        if !self.update(tx, table, id, unsent)? {
            self.with("created_at", field::CREATED_AT, created_at(created))
                .insert(tx, table, id)?;
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

fn business(tx: &Connection, ctx: &Ctx<'_>, doc: &BusinessDoc, unsent: &Unsent) -> Result<Applied> {
    let settings = &doc.settings;
    // Amounts on a till are minor units of its currency, which it keeps: a currency
    // changed centrally (a mistake to fix there) changes nothing priced here.
    let same_currency = settings.currency == ctx.business.currency;
    if !same_currency {
        warn!(
            till = ctx.business.currency.code(),
            central = settings.currency.code(),
            "the business currency changed centrally; this till keeps its own"
        );
    }
    Columns::default()
        .with(
            "business_name",
            field::BUSINESS_NAME,
            doc.business_name.clone(),
        )
        .with_some(
            "package_plan",
            field::PACKAGE_PLAN,
            doc.package_plan.clone(),
        )
        .with_some(
            "subscription_status",
            field::SUBSCRIPTION_STATUS,
            doc.subscription_status.clone(),
        )
        .with(
            "timezone",
            field::SETTINGS_TIMEZONE,
            settings.timezone.name().to_owned(),
        )
        .with_some(
            "tax_inclusive",
            field::SETTINGS_TAX_INCLUSIVE,
            settings.tax_inclusive,
        )
        .with_some(
            "default_tax_rate",
            field::SETTINGS_DEFAULT_TAX_RATE,
            settings.default_tax_rate.map(Percent::thousandths),
        )
        .with_some(
            "max_cashier_discount",
            field::SETTINGS_MAX_CASHIER_DISCOUNT,
            settings.max_cashier_discount.map(Percent::thousandths),
        )
        .with_some(
            "loyalty_points_per_unit",
            field::SETTINGS_LOYALTY_POINTS_PER_UNIT,
            settings.loyalty_points_per_unit,
        )
        .with_some(
            "loyalty_point_value",
            field::SETTINGS_LOYALTY_POINT_VALUE,
            settings
                .loyalty_point_value
                .filter(|_| same_currency)
                .map(Money::minor),
        )
        .with_some(
            "return_window_days",
            field::SETTINGS_RETURN_WINDOW_DAYS,
            settings.return_window_days,
        )
        .with_some(
            "cashier_refund_limit",
            field::SETTINGS_CASHIER_REFUND_LIMIT,
            settings
                .cashier_refund_limit
                .filter(|_| same_currency)
                .map(Money::minor),
        )
        .with_some(
            "max_cash_difference",
            field::SETTINGS_MAX_CASH_DIFFERENCE,
            settings
                .max_cash_difference
                .filter(|_| same_currency)
                .map(Money::minor),
        )
        .with_some(
            "barcode_rules",
            field::SETTINGS_BARCODE_RULES,
            settings
                .barcode_rules
                .as_ref()
                .map(|rules| serde_json::to_string(rules).expect("barcode rules are plain data")),
        )
        .update(tx, "businesses", doc.id, unsent)?;
    Ok(Applied::Yes)
}

fn store(tx: &Connection, ctx: &Ctx<'_>, doc: &StoreDoc, unsent: &Unsent) -> Result<Applied> {
    if doc.id != ctx.store.id {
        // Another store of the business: its name and place, to send stock to.
        tx.prepare_cached(
            "INSERT INTO stores (_id, business_id, store_name, location, phone, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (_id) DO UPDATE SET store_name = excluded.store_name,
                location = excluded.location, phone = excluded.phone",
        )?
        .execute(params![
            doc.id,
            ctx.business.id,
            doc.store_name,
            doc.location.clone().unwrap_or_default(),
            doc.phone.clone().unwrap_or_default(),
            created_at(doc.created_at),
        ])?;
        return Ok(Applied::Yes);
    }
    let hours = doc.operating_hours.as_ref();
    Columns::default()
        .with("store_name", field::STORE_NAME, doc.store_name.clone())
        .with_some("location", field::LOCATION, doc.location.clone())
        .with_some("phone", field::PHONE, doc.phone.clone())
        .with_some(
            "operating_hours_open",
            field::OPERATING_HOURS_OPEN,
            hours.map(|h| h.open.clone()),
        )
        .with_some(
            "operating_hours_close",
            field::OPERATING_HOURS_CLOSE,
            hours.map(|h| h.close.clone()),
        )
        .update(tx, "stores", doc.id, unsent)?;
    Ok(Applied::Yes)
}

fn user(tx: &Connection, ctx: &Ctx<'_>, doc: &UserDoc, unsent: &Unsent) -> Result<Applied> {
    let permissions = serde_json::to_string(&doc.permissions).expect("permissions serialize");
    Columns::default()
        .with(
            "business_id",
            field::BUSINESS_ID,
            ctx.business.id.to_string(),
        )
        .with("store_id", field::STORE_ID, id_value(doc.store_id))
        .with("name", field::NAME, doc.name.clone())
        .with("email", field::EMAIL, doc.email.clone())
        .with(
            "password_hash",
            field::PASSWORD_HASH,
            text(doc.password_hash.clone()),
        )
        .with("pin_hash", field::PIN_HASH, text(doc.pin_hash.clone()))
        .with("role", field::ROLE, doc.role.as_str().to_owned())
        .with("permissions", field::PERMISSIONS, permissions)
        .upsert(tx, "users", doc.id, unsent, doc.created_at)
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

fn payment_method(tx: &Connection, doc: &PaymentMethodDoc, unsent: &Unsent) -> Result<Applied> {
    Columns::default()
        .with(
            "business_id",
            field::BUSINESS_ID,
            doc.business_id.to_string(),
        )
        .with("method_name", field::METHOD_NAME, doc.method_name.clone())
        .with("provider", field::PROVIDER, doc.provider.clone())
        .with("kind", field::KIND, doc.kind.as_str().to_owned())
        .upsert(tx, "payment_methods", doc.id, unsent, doc.created_at)
}

fn supplier(tx: &Connection, doc: &SupplierDoc, unsent: &Unsent) -> Result<Applied> {
    Columns::default()
        .with(
            "business_id",
            field::BUSINESS_ID,
            doc.business_id.to_string(),
        )
        .with(
            "supplier_name",
            field::SUPPLIER_NAME,
            doc.supplier_name.clone(),
        )
        .with(
            "contact_person",
            field::CONTACT_PERSON,
            doc.contact_person.clone(),
        )
        .with("email", field::EMAIL, text(doc.email.clone()))
        .with("phone", field::PHONE, text(doc.phone.clone()))
        .with("address", field::ADDRESS, doc.address.clone())
        .upsert(tx, "suppliers", doc.id, unsent, doc.created_at)
}

fn product(tx: &Connection, ctx: &Ctx<'_>, doc: &ProductDoc, unsent: &Unsent) -> Result<Applied> {
    let updated_at = doc.updated_at.or(doc.created_at);
    Columns::default()
        .with(
            "business_id",
            field::BUSINESS_ID,
            ctx.business.id.to_string(),
        )
        .with("store_id", field::STORE_ID, id_value(doc.store_id))
        .with(
            "product_name",
            field::PRODUCT_NAME,
            doc.product_name.clone(),
        )
        .with("sku", field::SKU, doc.sku.clone())
        .with("barcode", field::BARCODE, text(doc.barcode.clone()))
        .with("category", field::CATEGORY, doc.category.clone())
        .with("price", field::PRICE, doc.price.minor())
        .with(
            "tax_rate",
            field::TAX_RATE,
            doc.tax_rate
                .unwrap_or(ctx.business.default_tax_rate)
                .thousandths(),
        )
        .with("unit", field::UNIT, doc.unit.code().to_owned())
        .with("tare", field::TARE, doc.tare.thousandths())
        .with(
            "family_id",
            field::FAMILY_ID,
            id_value(doc.variant.as_ref().map(|v| v.family_id)),
        )
        .with(
            "family_name",
            field::FAMILY_NAME,
            text(doc.variant.as_ref().map(|v| v.family_name.clone())),
        )
        .with(
            "options",
            field::OPTIONS,
            text(
                doc.variant
                    .as_ref()
                    .map(|v| serde_json::to_string(&v.options).expect("options are plain text")),
            ),
        )
        .with(
            "stock_threshold",
            field::STOCK_THRESHOLD,
            doc.stock_threshold.thousandths(),
        )
        .with("supplier_id", field::SUPPLIER_ID, id_value(doc.supplier_id))
        .with(
            "reorder_quantity",
            field::REORDER_QUANTITY,
            doc.reorder_quantity.thousandths(),
        )
        .with(
            "unit_cost",
            field::UNIT_COST,
            doc.unit_cost
                .map_or(Value::Null, |c| Value::Integer(c.minor())),
        )
        .with("updated_at", field::UPDATED_AT, created_at(updated_at))
        // A new product opens at 0 (the column defaults); its store's opening stock
        // follows below.
        .upsert(tx, "products", doc.id, unsent, doc.created_at)?;
    if let Some(opening) = doc.opening_stock_at(ctx.store.id) {
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

fn customer(tx: &Connection, doc: &CustomerDoc, unsent: &Unsent) -> Result<Applied> {
    let points = doc.loyalty_points + unsent.loyalty_points;
    let credit = doc.store_credit.minor() + unsent.store_credit.minor();
    Columns::default()
        .with(
            "business_id",
            field::BUSINESS_ID,
            doc.business_id.to_string(),
        )
        .with("name", field::NAME, doc.name.clone())
        .with(
            "phone_key",
            field::PHONE,
            text(doc.phone.as_deref().map(phone_key)),
        )
        .with("phone", field::PHONE, text(doc.phone.clone()))
        .with("email", field::EMAIL, text(doc.email.clone()))
        // Unsent purchases are added above, as deltas; no local update sets the points.
        .with("loyalty_points", field::LOYALTY_POINTS, points.max(0))
        .with("store_credit", field::STORE_CREDIT, credit.max(0))
        .upsert(tx, "customers", doc.id, unsent, doc.created_at)
}

/// Another till's sale or return of this store, stored as it was made (it is never
/// changed after). Its stock movements and the customer's points arrive on their own.
/// Skipped while the till lacks what it refers to: its cashier, a product, or (for a
/// return) the sale it returns, which is older than the return window. A return that
/// takes back more than was sold, because tills were offline together, is flagged.
fn sale(tx: &Tx<'_>, ctx: &Ctx<'_>, doc: &SaleDoc) -> Result<Applied> {
    let holds = |sql: &str, id: Id| holds(tx, sql, id);
    if holds("SELECT 1 FROM sales_transactions WHERE _id = ?1", doc.id)? {
        // A sale changes once at most: voided by the till that made it.
        if doc.transaction_status != SaleStatus::Voided {
            return Ok(Applied::Skipped);
        }
        let marked = tx
            .prepare_cached(
                "UPDATE sales_transactions SET transaction_status = 'voided', voided_at = ?2
                 WHERE _id = ?1 AND transaction_status = 'completed'",
            )?
            .execute(params![doc.id, timestamp(ids::now())])?;
        return Ok(if marked == 1 {
            Applied::Yes
        } else {
            Applied::Skipped
        });
    }
    let mut refers_to_held = holds("SELECT 1 FROM users WHERE _id = ?1", doc.cashier_id)?;
    for item in &doc.items {
        refers_to_held &= holds("SELECT 1 FROM products WHERE _id = ?1", item.product_id)?;
    }
    if let Some(original) = doc.original_transaction_id {
        refers_to_held &= holds("SELECT 1 FROM sales_transactions WHERE _id = ?1", original)?;
    }
    if let Some(customer) = doc.customer_id {
        refers_to_held &= holds("SELECT 1 FROM customers WHERE _id = ?1", customer)?;
    }
    if !refers_to_held {
        debug!(sale = %doc.sale_number, "central sale refers to what this till does not hold");
        return Ok(Applied::Skipped);
    }
    transaction::insert(
        tx,
        ctx.business.id,
        &ctx.business.currency,
        &Sale::from_central(doc),
        false,
    )?;
    if let Some(original) = doc.original_transaction_id {
        returns::flag_over_return(tx, ctx, original)?;
    }
    if let Some(parked) = doc.parked_sale_id {
        parked::flag_completed_twice(tx, ctx, parked)?;
    }
    Ok(Applied::Yes)
}

/// A parked sale of the store, as central has it now: parked at another till, taken up,
/// completed or discarded. While this till has a change of it unsent (it took it up
/// here, say), its own stands; each change carries every field a till sets.
fn parked_sale(tx: &Connection, doc: &ParkedSaleDoc, unsent: &Unsent) -> Result<Applied> {
    if unsent.keeps(field::STATUS) {
        return Ok(Applied::Skipped);
    }
    parked::store_row(tx, doc)?;
    Ok(Applied::Yes)
}

/// The store's order as central holds it (drafted, ordered or received at another till,
/// or by a back office), unless this till has a change of it unsent. Skipped while the
/// till lacks its supplier or a product of it; an author the till does not know is left
/// out.
fn purchase_order(tx: &Connection, doc: &PurchaseOrderDoc, unsent: &Unsent) -> Result<Applied> {
    if unsent.keeps(field::ORDER_STATUS) || unsent.keeps(field::ITEMS) {
        return Ok(Applied::Skipped);
    }
    let holds = |sql: &str, id: Id| holds(tx, sql, id);
    if !holds("SELECT 1 FROM suppliers WHERE _id = ?1", doc.supplier_id)? {
        return Ok(Applied::Skipped);
    }
    for item in &doc.items {
        if !holds("SELECT 1 FROM products WHERE _id = ?1", item.product_id)? {
            return Ok(Applied::Skipped);
        }
    }
    let mut order = doc.clone();
    if let Some(author) = order.created_by {
        if !holds("SELECT 1 FROM users WHERE _id = ?1", author)? {
            order.created_by = None;
        }
    }
    orders::store_rows(tx, &order)?;
    Ok(Applied::Yes)
}

/// A transfer this store sent or receives, as central holds it (received or cancelled at
/// the other store), unless this till has a change of it unsent. Skipped while the till
/// lacks a product of it. A transfer this till closed one way and central another was
/// closed twice by tills offline together: a manager is told.
fn stock_transfer(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    doc: &StockTransferDoc,
    unsent: &Unsent,
) -> Result<Applied> {
    if doc.from_store_id != ctx.store.id && doc.to_store_id != ctx.store.id {
        return Ok(Applied::Skipped);
    }
    if unsent.keeps(field::STATUS) {
        return Ok(Applied::Skipped);
    }
    let holds = |sql: &str, id: Id| holds(tx, sql, id);
    for store in [doc.from_store_id, doc.to_store_id] {
        if !holds("SELECT 1 FROM stores WHERE _id = ?1", store)? {
            return Ok(Applied::Skipped);
        }
    }
    for item in &doc.items {
        if !holds("SELECT 1 FROM products WHERE _id = ?1", item.product_id)? {
            return Ok(Applied::Skipped);
        }
    }
    match transfers::find(tx, ctx, &doc.id.to_string()) {
        Ok(local) => transfers::flag_closed_twice(tx, ctx, &local, doc)?,
        Err(Error::UnknownTransfer(_)) => {}
        Err(e) => return Err(e),
    }
    transfers::store_rows(tx, doc)?;
    Ok(Applied::Yes)
}

fn movement(tx: &Connection, doc: &StockMovementDoc) -> Result<Applied> {
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
            doc.business_id,
            doc.store_id,
            doc.product_id,
            doc.movement_type.as_str(),
            doc.quantity,
            doc.handled_by,
            doc.reason,
            doc.transaction_id,
            created_at(doc.created_at),
        ])?;
    if inserted == 0 {
        return Ok(Applied::Skipped);
    }
    tx.prepare_cached("UPDATE products SET stock = stock + ?2 WHERE _id = ?1")?
        .execute(params![doc.product_id, doc.quantity])?;
    Ok(Applied::Yes)
}
