//! The catalog: products, looked up by barcode or SKU and searched by name, added one by
//! one or imported from CSV.

pub mod barcode;
pub mod family;
pub mod labels;
pub mod product;

use std::collections::HashSet;
use std::io::Read;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use tracing::info;

pub use product::Product;

use crate::catalog::barcode::{lookup_forms, validate_code};
use crate::db::{outbox, Tx};
use crate::error::{Error, ImportReport, Result, RowError};
use crate::purchasing::suppliers::require_supplier;
use crate::staff::{Actor, Permission};
use crate::till::{Ctx, Till};
use sellsync_contract::documents::{
    field, Collection, Op, ProductChange, ProductDoc, ProductUpdate, StockLevel, Variant,
};
use sellsync_contract::ids::{self, timestamp, Id};
use sellsync_contract::money::{Money, Percent};
use sellsync_contract::quantity::{Quantity, Unit};

/// The longest product name the till accepts.
const MAX_NAME_LEN: usize = 200;

/// A product as the `products` table holds it.
impl Product {
    pub(crate) const COLUMNS: &'static str = "_id, sku, barcode, product_name, category, price, \
         tax_rate, stock, stock_threshold, supplier_id, reorder_quantity, unit_cost, unit, tare, \
         family_id, family_name, options";

    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Product> {
        Ok(Product {
            id: r.get(0)?,
            sku: r.get(1)?,
            barcode: r.get(2)?,
            product_name: r.get(3)?,
            category: r.get(4)?,
            price: Money::from_minor(r.get(5)?),
            tax_rate: Percent::from_thousandths(r.get(6)?),
            stock: r.get(7)?,
            stock_threshold: r.get(8)?,
            supplier_id: r.get(9)?,
            reorder_quantity: r.get(10)?,
            unit_cost: r.get::<_, Option<i64>>(11)?.map(Money::from_minor),
            unit: r.get(12)?,
            tare: r.get(13)?,
            variant: match r.get::<_, Option<Id>>(14)? {
                None => None,
                Some(family_id) => Some(Variant {
                    family_id,
                    family_name: r.get(15)?,
                    options: serde_json::from_str(&r.get::<_, String>(16)?).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            16,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?,
                }),
            },
        })
    }
}

/// One category's quick keys on the sell screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickKeys {
    pub category: String,
    pub products: Vec<Product>,
}

/// A product to add to the catalog.
#[derive(Debug, Clone, Default)]
pub struct NewProduct {
    pub sku: String,
    pub product_name: String,
    pub price: Money,
    pub barcode: Option<String>,
    pub category: Option<String>,
    /// The business's default rate when `None`.
    pub tax_rate: Option<Percent>,
    /// How it is counted and sold (pieces by default); set here and never changed.
    pub unit: Unit,
    /// What its container weighs, in its unit (none for pieces).
    pub tare: Quantity,
    /// Its family and options, for a variant (set when it is made).
    pub variant: Option<Variant>,
    /// Opening stock at this till's store (other stores start at 0).
    pub stock: Quantity,
    pub stock_threshold: Quantity,
    pub supplier_id: Option<Id>,
    pub reorder_quantity: Quantity,
    pub unit_cost: Option<Money>,
    /// Sold at this till's store only; otherwise (the default) at every store of the
    /// business, each with its own stock.
    pub only_this_store: bool,
}

/// Changes to a product; `None` leaves a field as it is. Stock is not among them: it moves
/// only through the ledger (sales, adjustments, restocks).
#[derive(Debug, Clone, Default)]
pub struct ProductChanges {
    pub product_name: Option<String>,
    pub price: Option<Money>,
    /// `Some(None)` removes the barcode.
    pub barcode: Option<Option<String>>,
    pub category: Option<String>,
    pub tax_rate: Option<Percent>,
    pub stock_threshold: Option<Quantity>,
    /// `Some(None)` takes the supplier away.
    pub supplier_id: Option<Option<Id>>,
    pub reorder_quantity: Option<Quantity>,
    pub tare: Option<Quantity>,
    /// `Some(None)`: the cost is no longer known.
    pub unit_cost: Option<Option<Money>>,
}

impl ProductChanges {
    /// `product` with these changes, as a new product to check.
    fn applied_to(&self, product: &Product) -> NewProduct {
        NewProduct {
            sku: product.sku.clone(),
            product_name: self
                .product_name
                .clone()
                .unwrap_or_else(|| product.product_name.clone()),
            price: self.price.unwrap_or(product.price),
            barcode: self
                .barcode
                .clone()
                .unwrap_or_else(|| product.barcode.clone()),
            category: Some(
                self.category
                    .clone()
                    .unwrap_or_else(|| product.category.clone()),
            ),
            tax_rate: Some(self.tax_rate.unwrap_or(product.tax_rate)),
            unit: product.unit,
            tare: self.tare.unwrap_or(product.tare),
            variant: product.variant.clone(),
            stock: Quantity::ZERO,
            stock_threshold: self.stock_threshold.unwrap_or(product.stock_threshold),
            supplier_id: self.supplier_id.unwrap_or(product.supplier_id),
            reorder_quantity: self.reorder_quantity.unwrap_or(product.reorder_quantity),
            unit_cost: self.unit_cost.unwrap_or(product.unit_cost),
            only_this_store: false,
        }
    }
}

/// A new product that passed every check but the database's uniqueness ones.
struct CheckedProduct {
    sku: String,
    barcode: Option<String>,
    product_name: String,
    category: String,
    price: Money,
    tax_rate: Percent,
    unit: Unit,
    tare: Quantity,
    variant: Option<Variant>,
    stock: Quantity,
    stock_threshold: Quantity,
    supplier_id: Option<Id>,
    reorder_quantity: Quantity,
    unit_cost: Option<Money>,
    only_this_store: bool,
}

fn check_product(p: &NewProduct, default_tax_rate: Percent) -> Result<CheckedProduct> {
    let sku = validate_code(&p.sku)?.to_owned();
    let barcode = match p.barcode.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(validate_code(code)?.to_owned()),
    };
    let name = p.product_name.trim();
    if name.is_empty() {
        return Err(Error::InvalidProduct("A product needs a name.".into()));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(Error::InvalidProduct(format!(
            "A product name may be at most {MAX_NAME_LEN} characters."
        )));
    }
    if p.price.minor() < 0 {
        return Err(Error::InvalidProduct("A price cannot be negative.".into()));
    }
    for (what, quantity) in [
        ("Opening stock", p.stock),
        ("A low-stock threshold", p.stock_threshold),
        ("A reorder quantity", p.reorder_quantity),
        ("A tare", p.tare),
    ] {
        if quantity.is_negative() {
            return Err(Error::InvalidProduct(format!("{what} cannot be negative.")));
        }
        quantity
            .fits(p.unit)
            .map_err(|e| Error::InvalidProduct(format!("{what}: {e}.")))?;
    }
    if p.tare != Quantity::ZERO && !p.unit.is_measured() {
        return Err(Error::InvalidProduct(
            "Only goods sold by weight have a tare.".into(),
        ));
    }
    if p.unit_cost.is_some_and(|cost| cost.minor() < 0) {
        return Err(Error::InvalidProduct("A cost cannot be negative.".into()));
    }
    Ok(CheckedProduct {
        sku,
        barcode,
        product_name: name.to_owned(),
        category: p.category.as_deref().unwrap_or("").trim().to_owned(),
        price: p.price,
        tax_rate: p.tax_rate.unwrap_or(default_tax_rate),
        unit: p.unit,
        tare: p.tare,
        variant: p.variant.clone(),
        stock: p.stock,
        stock_threshold: p.stock_threshold,
        supplier_id: p.supplier_id,
        reorder_quantity: p.reorder_quantity,
        unit_cost: p.unit_cost,
        only_this_store: p.only_this_store,
    })
}

impl Till {
    /// Adds a product. Needs `manage_inventory`.
    pub fn add_product(&mut self, actor: &Actor, product: &NewProduct) -> Result<Product> {
        actor.require(Permission::ManageInventory)?;
        let checked = check_product(product, self.business.default_tax_rate)?;
        let now = ids::now();
        let id = self.write_as(actor, |tx, ctx| {
            check_unique(tx, ctx, &checked, None)?;
            insert_product(tx, ctx, &checked, now)
        })?;
        info!(sku = %checked.sku, "product added");
        Ok(self.product(id)?.expect("the product was just committed"))
    }

    /// Edits a product's name, price, barcode, category, tax rate, threshold, supplier,
    /// reorder quantity or unit cost (a supplier must be the business's). The
    /// product is read and written in one transaction, and only the fields that really
    /// change are written and sent (as an `update` of those fields): a central change
    /// pulled in the meantime to another field is kept. Needs `manage_inventory`.
    pub fn update_product(
        &mut self,
        actor: &Actor,
        code: &str,
        changes: &ProductChanges,
    ) -> Result<Product> {
        actor.require(Permission::ManageInventory)?;
        let now = ids::now();
        let default_tax_rate = self.business.default_tax_rate;
        let id = self.write_as(actor, |tx, ctx| {
            let current = find_in(tx, ctx.business.id, code)?
                .ok_or_else(|| Error::UnknownProduct(code.trim().to_owned()))?;
            let edited = check_product(&changes.applied_to(&current), default_tax_rate)?;
            let mut changed = Vec::new();
            if edited.product_name != current.product_name {
                changed.push(ProductChange::Name(edited.product_name.clone()));
            }
            if edited.price != current.price {
                changed.push(ProductChange::Price(edited.price));
            }
            if edited.barcode != current.barcode {
                changed.push(ProductChange::Barcode(edited.barcode.clone()));
            }
            if edited.category != current.category {
                changed.push(ProductChange::Category(edited.category.clone()));
            }
            if edited.tax_rate != current.tax_rate {
                changed.push(ProductChange::TaxRate(edited.tax_rate));
            }
            if edited.stock_threshold != current.stock_threshold {
                changed.push(ProductChange::StockThreshold(edited.stock_threshold));
            }
            if edited.supplier_id != current.supplier_id {
                if let Some(supplier) = edited.supplier_id {
                    require_supplier(tx, ctx, supplier)?;
                }
                changed.push(ProductChange::Supplier(edited.supplier_id));
            }
            if edited.reorder_quantity != current.reorder_quantity {
                changed.push(ProductChange::ReorderQuantity(edited.reorder_quantity));
            }
            if edited.tare != current.tare {
                changed.push(ProductChange::Tare(edited.tare));
            }
            if edited.unit_cost != current.unit_cost {
                changed.push(ProductChange::UnitCost(edited.unit_cost));
            }
            if changed.is_empty() {
                return Ok(current.id);
            }
            check_unique(tx, ctx, &edited, Some(current.id))?;
            write_changes(tx, ctx, current.id, changed, now)?;
            info!(sku = %current.sku, "product edited");
            Ok(current.id)
        })?;
        Ok(self
            .product(id)?
            .expect("the product was just read or committed"))
    }

    /// A product by its id.
    pub fn product(&self, id: Id) -> Result<Option<Product>> {
        let sql = format!(
            "SELECT {} FROM products WHERE business_id = ?1 AND _id = ?2",
            Product::COLUMNS
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![self.business.id, id], Product::from_row)
            .optional()?)
    }

    /// The product with this barcode or SKU (a barcode match wins). A UPC-A code also
    /// finds the same product stored as EAN-13, and the other way round.
    pub fn find_product(&self, code: &str) -> Result<Option<Product>> {
        find_in(&self.conn, self.business.id, code)
    }

    /// Like [`Till::find_product`], but an unknown code is an error.
    pub fn require_product(&self, code: &str) -> Result<Product> {
        self.find_product(code)?
            .ok_or_else(|| Error::UnknownProduct(code.trim().to_owned()))
    }

    /// Products whose name, SKU or category has words starting with every word of `text`
    /// ("choc milk" finds "Chocolate Milk 1 L"), best match first.
    pub fn search_products(&self, text: &str, limit: usize) -> Result<Vec<Product>> {
        let Some(query) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {} FROM products_search s JOIN products p ON p.local_id = s.rowid
             WHERE products_search MATCH ?1 AND p.business_id = ?2
             ORDER BY s.rank LIMIT ?3",
            Product::COLUMNS
                .split(", ")
                .map(|c| format!("p.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![query, self.business.id, limit], Product::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The sell screen's quick keys: every category (by name) with at most `per_category`
    /// of its products, those that sold most in this store over the last 30 days (then by
    /// name), shown in name order so that a key keeps its place as sales come in. Products
    /// without a category have no quick key.
    pub fn quick_keys(&self, per_category: usize) -> Result<Vec<QuickKeys>> {
        let since = timestamp(ids::now() - chrono::Duration::days(30));
        let sql = format!(
            "SELECT {} FROM (
                SELECT p.*, ROW_NUMBER() OVER (
                    PARTITION BY p.category ORDER BY COALESCE(sold.quantity, 0) DESC, p.product_name
                ) AS key_no
                FROM products p
                LEFT JOIN (
                    SELECT product_id, -SUM(quantity) AS quantity FROM stock_movements
                    WHERE business_id = ?1 AND movement_type = 'sale' AND created_at >= ?3
                    GROUP BY product_id
                ) sold ON sold.product_id = p._id
                WHERE p.business_id = ?1 AND p.category <> ''
             ) WHERE key_no <= ?2 ORDER BY category, product_name",
            Product::COLUMNS
        );
        let limit = i64::try_from(per_category).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![self.business.id, limit, since], Product::from_row)?;
        let mut keys: Vec<QuickKeys> = Vec::new();
        for product in rows {
            let product = product?;
            match keys.last_mut() {
                Some(group) if group.category == product.category => group.products.push(product),
                _ => keys.push(QuickKeys {
                    category: product.category.clone(),
                    products: vec![product],
                }),
            }
        }
        Ok(keys)
    }

    /// Adds many products at once: if any is bad, none is added and the error lists each
    /// bad one by its position (1 = first). Needs `manage_inventory`.
    pub fn add_products(&mut self, actor: &Actor, products: &[NewProduct]) -> Result<usize> {
        actor.require(Permission::ManageInventory)?;
        let rows = products
            .iter()
            .enumerate()
            .map(|(i, p)| (i as u64 + 1, Ok(p.clone())));
        self.add_batch(actor, rows.collect())
    }

    /// Imports products from CSV. Every row is checked first; if any row is bad, nothing is
    /// imported and the error lists each bad row by its line. Needs `manage_inventory`.
    ///
    /// Columns (header required, any order): `sku`, `name` (or `product_name`), `price`,
    /// and optionally `barcode`, `category`, `tax_rate`, `unit` (`piece`, `kg`, …; pieces
    /// when missing), `tare`, `stock`, `threshold` (or `stock_threshold`).
    pub fn import_products(&mut self, actor: &Actor, csv: impl Read) -> Result<usize> {
        actor.require(Permission::ManageInventory)?;
        let rows = self.read_csv(csv)?;
        self.add_batch(actor, rows)
    }

    /// Checks every row, then inserts them all in one transaction, or none.
    fn add_batch(&mut self, actor: &Actor, rows: Vec<(u64, Result<NewProduct>)>) -> Result<usize> {
        let mut report = ImportReport {
            rows: rows.len() as u64,
            errors: Vec::new(),
        };
        let mut products = Vec::with_capacity(rows.len());
        let mut skus = HashSet::new();
        let mut barcodes = HashSet::new();
        for (line, row) in rows {
            let checked = row.and_then(|p| check_product(&p, self.business.default_tax_rate));
            let p = match checked {
                Ok(p) => p,
                Err(e) => {
                    report.errors.push(RowError {
                        line,
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            if !skus.insert(p.sku.clone()) {
                let message = format!("SKU {:?} appears twice", p.sku);
                report.errors.push(RowError { line, message });
                continue;
            }
            if let Some(b) = &p.barcode {
                if lookup_forms(b).iter().any(|f| barcodes.contains(f)) {
                    let message = format!("barcode {b:?} appears twice");
                    report.errors.push(RowError { line, message });
                    continue;
                }
                barcodes.insert(b.clone());
            }
            products.push((line, p));
        }
        let now = ids::now();
        self.write_as(actor, |tx, ctx| {
            for (line, product) in &products {
                if let Err(e) = check_unique(tx, ctx, product, None) {
                    report.errors.push(RowError {
                        line: *line,
                        message: e.to_string(),
                    });
                }
            }
            if !report.errors.is_empty() {
                report.errors.sort_by_key(|e| e.line);
                return Err(Error::Import(report));
            }
            for (_, product) in &products {
                insert_product(tx, ctx, product, now)?;
            }
            Ok(())
        })?;
        info!(count = products.len(), "products added");
        Ok(products.len())
    }

    /// Reads the rows of a CSV file into new products, each with its line number.
    fn read_csv(&self, csv: impl Read) -> Result<Vec<(u64, Result<NewProduct>)>> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(csv);
        let header_error = |message: String| {
            Error::Import(ImportReport {
                rows: 0,
                errors: vec![RowError { line: 1, message }],
            })
        };
        let headers = reader
            .headers()
            .map_err(|e| header_error(e.to_string()))?
            .clone();
        let column = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let (Some(sku), Some(name), Some(price)) = (
            column(&["sku"]),
            column(&["name", "product_name"]),
            column(&["price"]),
        ) else {
            return Err(header_error(
                "the header must name the columns sku, name and price".into(),
            ));
        };
        let barcode = column(&["barcode"]);
        let category = column(&["category"]);
        let tax_rate = column(&["tax_rate"]);
        let unit = column(&["unit"]);
        let tare = column(&["tare"]);
        let stock = column(&["stock"]);
        let threshold = column(&["threshold", "stock_threshold"]);

        let currency = &self.business.currency;
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i as u64 + 2;
            let row = record
                .map_err(|e| Error::InvalidProduct(e.to_string()))
                .and_then(|record| {
                    let field =
                        |i: Option<usize>| i.and_then(|i| record.get(i)).filter(|s| !s.is_empty());
                    let unit = field(unit).map_or(Ok(Unit::Piece), Unit::parse)?;
                    let amount = |what: &str, i: Option<usize>| -> Result<Quantity> {
                        field(i).map_or(Ok(Quantity::ZERO), |s| {
                            Quantity::parse(s, unit)
                                .map_err(|e| Error::InvalidProduct(format!("{what}: {e}")))
                        })
                    };
                    Ok(NewProduct {
                        sku: field(Some(sku)).unwrap_or("").to_owned(),
                        product_name: field(Some(name)).unwrap_or("").to_owned(),
                        price: currency.parse_non_negative(field(Some(price)).unwrap_or(""))?,
                        barcode: field(barcode).map(str::to_owned),
                        category: field(category).map(str::to_owned),
                        tax_rate: field(tax_rate).map(Percent::parse).transpose()?,
                        unit,
                        tare: amount("tare", tare)?,
                        variant: None,
                        stock: amount("stock", stock)?,
                        stock_threshold: amount("threshold", threshold)?,
                        supplier_id: None,
                        reorder_quantity: Quantity::ZERO,
                        unit_cost: None,
                        only_this_store: false,
                    })
                });
            rows.push((line, row));
        }
        Ok(rows)
    }
}

/// Checks that no other product has `p`'s SKU or barcode (`except`: the product being
/// edited).
fn check_unique(
    conn: &Connection,
    ctx: &Ctx<'_>,
    p: &CheckedProduct,
    except: Option<Id>,
) -> Result<()> {
    let taken = |sql: &str, value: &str| -> Result<bool> {
        Ok(conn
            .prepare_cached(sql)?
            .exists(params![ctx.business.id, value, except])?)
    };
    if taken(
        "SELECT 1 FROM products WHERE business_id = ?1 AND sku = ?2 AND _id IS NOT ?3",
        &p.sku,
    )? {
        return Err(Error::DuplicateSku(p.sku.clone()));
    }
    if let Some(barcode) = &p.barcode {
        for form in lookup_forms(barcode) {
            if taken(
                "SELECT 1 FROM products WHERE business_id = ?1 AND barcode = ?2 AND _id IS NOT ?3",
                &form,
            )? {
                return Err(Error::DuplicateBarcode(barcode.clone()));
            }
        }
    }
    Ok(())
}

fn insert_product(
    conn: &Tx<'_>,
    ctx: &Ctx<'_>,
    p: &CheckedProduct,
    now: DateTime<Utc>,
) -> Result<Id> {
    if let Some(supplier) = p.supplier_id {
        require_supplier(conn, ctx, supplier)?;
    }
    let id = Id::new();
    let business_id = ctx.business.id;
    let store_id = p.only_this_store.then_some(ctx.store.id);
    conn.prepare_cached(
        "INSERT INTO products (_id, business_id, store_id, product_name, sku, barcode,
            category, price, tax_rate, opening_stock, stock, stock_threshold, supplier_id,
            reorder_quantity, unit_cost, created_at, updated_at, unit, tare, family_id,
            family_name, options)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16,
            ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        id,
        business_id,
        store_id,
        p.product_name,
        p.sku,
        p.barcode,
        p.category,
        p.price.minor(),
        p.tax_rate.thousandths(),
        p.stock,
        p.stock_threshold,
        p.supplier_id,
        p.reorder_quantity,
        p.unit_cost.map(Money::minor),
        timestamp(now),
        p.unit,
        p.tare,
        p.variant.as_ref().map(|v| v.family_id),
        p.variant.as_ref().map(|v| v.family_name.clone()),
        p.variant
            .as_ref()
            .map(|v| serde_json::to_string(&v.options).expect("options are plain text")),
    ])?;
    let currency = &ctx.business.currency;
    outbox::append(
        conn,
        Collection::Products,
        id,
        Op::Insert,
        ProductDoc {
            id,
            business_id,
            store_id,
            product_name: p.product_name.clone(),
            sku: p.sku.clone(),
            barcode: p.barcode.clone(),
            category: p.category.clone(),
            price: p.price,
            tax_rate: Some(p.tax_rate),
            unit: p.unit,
            tare: p.tare,
            variant: p.variant.clone(),
            // The total over the stores, and this store's level (the rule is in the contract's `documents::product`).
            stock: p.stock,
            opening_stock: Some(p.stock),
            stock_levels: Some(vec![StockLevel {
                store_id: ctx.store.id,
                opening_stock: p.stock,
                stock: p.stock,
            }]),
            stock_threshold: p.stock_threshold,
            supplier_id: p.supplier_id,
            reorder_quantity: p.reorder_quantity,
            unit_cost: p.unit_cost,
            created_at: Some(now),
            updated_at: Some(now),
        }
        .to_document(currency),
        now,
    )?;
    Ok(id)
}

/// Writes `changed` fields of product `id` (columns named as the central fields) and
/// their `update` for central, inside the caller's transaction.
pub(crate) fn write_changes(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: Id,
    changed: Vec<ProductChange>,
    now: DateTime<Utc>,
) -> Result<()> {
    // The columns are named as the central fields.
    let columns: Vec<(&str, rusqlite::types::Value)> = changed
        .iter()
        .map(|change| (change.field(), column_value(change)))
        .chain([(field::UPDATED_AT, timestamp(now).into())])
        .collect();
    let assignments: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (column, _))| format!("{column} = ?{}", i + 3))
        .collect();
    let sql = format!(
        "UPDATE products SET {} WHERE business_id = ?1 AND _id = ?2",
        assignments.join(", ")
    );
    let values = [ctx.business.id.to_string().into(), id.to_string().into()]
        .into_iter()
        .chain(columns.into_iter().map(|(_, value)| value));
    tx.execute(&sql, rusqlite::params_from_iter(values))?;
    let update = ProductUpdate {
        changes: changed,
        updated_at: now,
    };
    outbox::append(
        tx,
        Collection::Products,
        id,
        Op::Update,
        update.to_document(&ctx.business.currency),
        now,
    )
}

/// A changed field's new value in its column.
fn column_value(change: &ProductChange) -> rusqlite::types::Value {
    match change {
        ProductChange::Name(text) | ProductChange::Category(text) => text.clone().into(),
        ProductChange::Price(price) => price.minor().into(),
        ProductChange::Barcode(barcode) => barcode.clone().into(),
        ProductChange::TaxRate(rate) => i64::from(rate.thousandths()).into(),
        ProductChange::StockThreshold(threshold) => threshold.thousandths().into(),
        ProductChange::Supplier(supplier) => supplier.map(|id| id.to_string()).into(),
        ProductChange::ReorderQuantity(quantity) | ProductChange::Tare(quantity) => {
            quantity.thousandths().into()
        }
        ProductChange::UnitCost(cost) => cost.map(Money::minor).into(),
    }
}

/// The product with this barcode or SKU in `business`, as [`Till::find_product`].
fn find_in(conn: &Connection, business: Id, code: &str) -> Result<Option<Product>> {
    let code = code.trim();
    let by = |column: &str, value: &str| -> Result<Option<Product>> {
        let sql = format!(
            "SELECT {} FROM products WHERE business_id = ?1 AND {column} = ?2",
            Product::COLUMNS
        );
        Ok(conn
            .prepare_cached(&sql)?
            .query_row(params![business, value], Product::from_row)
            .optional()?)
    };
    for form in lookup_forms(code) {
        if let Some(product) = by("barcode", &form)? {
            return Ok(Some(product));
        }
    }
    by("sku", code)
}

/// An FTS5 query matching every word of `text` as a prefix, or `None` if it has no words.
fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_queries_are_prefix_terms() {
        assert_eq!(
            fts_query("choc milk").as_deref(),
            Some("\"choc\"* \"milk\"*")
        );
        assert_eq!(
            fts_query("  \"drop table\" -- ").as_deref(),
            Some("\"drop\"* \"table\"*")
        );
        assert_eq!(fts_query("crème").as_deref(), Some("\"crème\"*"));
        assert_eq!(fts_query(" -*- "), None);
    }

    #[test]
    fn product_checks() {
        let ok = NewProduct {
            sku: "MILK-1".into(),
            product_name: " Whole milk ".into(),
            price: Money::from_minor(349),
            barcode: Some("4006381333931".into()),
            ..NewProduct::default()
        };
        let checked = check_product(&ok, Percent::from_thousandths(8875)).unwrap();
        assert_eq!(checked.product_name, "Whole milk");
        assert_eq!(checked.tax_rate, Percent::from_thousandths(8875));

        let bad = |f: fn(&mut NewProduct)| {
            let mut p = ok.clone();
            f(&mut p);
            check_product(&p, Percent::ZERO)
                .err()
                .map(|e| e.to_string())
        };
        assert!(bad(|p| p.product_name = "  ".into())
            .unwrap()
            .contains("needs a name"));
        assert!(bad(|p| p.barcode = Some("4006381333932".into()))
            .unwrap()
            .contains("check digit"));
        assert!(bad(|p| p.sku = "A B".into()).is_some());
        assert!(bad(|p| p.price = Money::from_minor(-1))
            .unwrap()
            .contains("negative"));
        assert!(bad(|p| p.stock = Quantity::units(-1)).is_some());
        assert!(bad(|p| p.stock = Quantity::from_thousandths(500))
            .unwrap()
            .contains("by the piece"));
        assert!(bad(|p| p.stock_threshold = Quantity::units(-1)).is_some());
        assert_eq!(bad(|p| p.barcode = Some("".into())), None);
    }
}
