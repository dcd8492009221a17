//! A catalogue imported at once: rows keyed by SKU (the back office reads them from a
//! CSV file). A new SKU is a new business-wide product; a known one has the fields its row
//! gives changed. Every row is checked first, against the file and the business; one
//! refused row refuses the whole import, in words naming each row, and nothing is
//! written. Otherwise every change goes to the reconciler in one batch, as a till's do.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use chrono::Utc;
use futures_util::TryStreamExt;
use sellsync_contract::documents::{field, unit_of, Collection, Op, ProductChange, ProductUpdate};
use sellsync_contract::{Id, Quantity, Unit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::{product_changes, product_doc, Named, NewProduct, ProductChanges};
use super::{apply, body, Scope};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;
use crate::quota;

/// The most rows one import takes: a larger catalogue is imported in parts.
pub const MAX_ROWS: usize = 2_000;
/// Refused rows named in the answer; the rest are counted.
const SHOWN_REFUSALS: usize = 20;

/// Rows of a catalogue; a cell left out or empty leaves a known product's field as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueImport {
    /// 1 to 2,000 rows.
    pub rows: Vec<ImportRow>,
}

/// A product of an import, found by its SKU.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRow {
    pub sku: String,
    /// Needed for a new product.
    pub product_name: Option<String>,
    /// Needed for a new product: `"3.49"`.
    pub price: Option<String>,
    pub barcode: Option<String>,
    pub category: Option<String>,
    /// Percent: `"8.875"`.
    pub tax_rate: Option<String>,
    /// A new product's: `piece` (when left out), `kg`, `g`, `lb`, `oz`, `l` or `m`; a
    /// known product's is never changed.
    pub unit: Option<String>,
    /// In the product's unit: `"2.5"`.
    pub stock_threshold: Option<String>,
    /// A supplier of the business, by name (in any case).
    pub supplier: Option<String>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOutcome {
    /// New products.
    pub created: usize,
    /// Known products with a field changed.
    pub updated: usize,
    /// Known products the row left as they were.
    pub unchanged: usize,
}

/// Imports a catalogue: new SKUs added, known ones changed, in one batch that the tills
/// take at their next pull. A refused row refuses the import: nothing is written.
#[utoipa::path(post, path = "/v1/products/import", tag = "catalog", request_body = CatalogueImport,
    security(("api_key" = [])),
    responses((status = 200, body = ImportOutcome),
        (status = 422, description = "Rows refused, each named with why; nothing written")))]
pub async fn import_products(
    caller: Caller,
    State(service): State<Arc<Service>>,
    bytes: Bytes,
) -> Result<Json<ImportOutcome>, ApiError> {
    caller.require(Scope::Write)?;
    let import: CatalogueImport = body(&bytes)?;
    if import.rows.is_empty() || import.rows.len() > MAX_ROWS {
        return Err(ApiError::unprocessable(
            "import_refused",
            format!(
                "An import takes 1 to {MAX_ROWS} rows; this one has {}.",
                import.rows.len()
            ),
        ));
    }
    let known = Known::read(&service, &caller, &import.rows).await?;
    let mut refusals = Vec::new();
    let mut changes = Vec::new();
    let mut outcome = ImportOutcome {
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    let mut skus = HashSet::new();
    let mut barcodes: HashMap<String, String> = HashMap::new();
    let named = &mut Named::default();
    for (n, row) in import.rows.into_iter().enumerate() {
        let sku = row.sku.trim().to_owned();
        let line = format!(
            "Row {} ({})",
            n + 1,
            if sku.is_empty() { "no SKU" } else { &sku }
        );
        match check_row(
            &service,
            &caller,
            named,
            &known,
            row,
            &mut skus,
            &mut barcodes,
        )
        .await
        {
            Ok(Change::New(id, document)) => {
                outcome.created += 1;
                changes.push((Collection::Products, id, Op::Insert, document));
            }
            Ok(Change::Known(id, document)) => {
                outcome.updated += 1;
                changes.push((Collection::Products, id, Op::Update, document));
            }
            Ok(Change::Same) => outcome.unchanged += 1,
            Err(why) => refusals.push(format!("{line}: {why}")),
        }
    }
    if !refusals.is_empty() {
        let more = refusals.len().saturating_sub(SHOWN_REFUSALS);
        refusals.truncate(SHOWN_REFUSALS);
        let mut words = format!("Nothing was imported. {}.", refusals.join("; "));
        if more > 0 {
            words.push_str(&format!(" And {more} more rows."));
        }
        return Err(ApiError::unprocessable("import_refused", words));
    }
    if outcome.created > 0 {
        let left = quota::products_left(&service.central, caller.plan, caller.business_id).await?;
        if left.is_some_and(|left| (outcome.created as u64) > left) {
            return Err(quota::product_limit(caller.plan));
        }
    }
    if !changes.is_empty() {
        apply(&service, &caller, "product", changes).await?;
    }
    tracing::info!(
        business = %caller.business_id,
        created = outcome.created,
        updated = outcome.updated,
        "a catalogue imported"
    );
    Ok(Json(outcome))
}

/// What a row does.
enum Change {
    New(ObjectId, Document),
    Known(ObjectId, Document),
    Same,
}

/// The business's products and suppliers an import names, read once.
struct Known {
    /// Business-wide products by SKU; a SKU of one store's product maps to `None`.
    products: HashMap<String, Option<Document>>,
    /// Which product's SKU each barcode of the business is.
    barcodes: HashMap<String, String>,
    /// Suppliers by name in lower case.
    suppliers: HashMap<String, Id>,
}

impl Known {
    async fn read(
        service: &Service,
        caller: &Caller,
        rows: &[ImportRow],
    ) -> Result<Known, ApiError> {
        let db = service.central.database();
        let business = caller.business_id;
        let skus: Vec<&str> = rows.iter().map(|r| r.sku.trim()).collect();
        let wanted: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.barcode.as_deref().map(str::trim))
            .filter(|b| !b.is_empty())
            .collect();
        let products: Vec<Document> = db
            .collection::<Document>(Collection::Products.name())
            .find(doc! {
                field::BUSINESS_ID: business,
                "$or": [{ field::SKU: { "$in": &skus } }, { field::BARCODE: { "$in": &wanted } }],
            })
            .await
            .map_err(ApiError::unavailable)?
            .try_collect()
            .await
            .map_err(ApiError::unavailable)?;
        let mut known = Known {
            products: HashMap::new(),
            barcodes: HashMap::new(),
            suppliers: HashMap::new(),
        };
        for product in products {
            let sku = product.get_str(field::SKU).unwrap_or_default().to_owned();
            if let Ok(barcode) = product.get_str(field::BARCODE) {
                known.barcodes.insert(barcode.to_owned(), sku.clone());
            }
            let business_wide = matches!(product.get(field::STORE_ID), None | Some(Bson::Null));
            if business_wide {
                known.products.insert(sku, Some(product));
            } else {
                known.products.entry(sku).or_insert(None);
            }
        }
        let mut suppliers = db
            .collection::<Document>(Collection::Suppliers.name())
            .find(doc! { field::BUSINESS_ID: business })
            .projection(doc! { field::ID: 1, field::SUPPLIER_NAME: 1 })
            .await
            .map_err(ApiError::unavailable)?;
        while let Some(supplier) = suppliers.try_next().await.map_err(ApiError::unavailable)? {
            if let (Ok(id), Ok(name)) = (
                supplier.get_object_id(field::ID),
                supplier.get_str(field::SUPPLIER_NAME),
            ) {
                known
                    .suppliers
                    .insert(name.trim().to_lowercase(), id.into());
            }
        }
        Ok(known)
    }
}

/// A row checked against the business and the rows before it (`skus` and `barcodes`
/// seen), as what it does, or why it is refused in words.
async fn check_row(
    service: &Service,
    caller: &Caller,
    named: &mut Named,
    known: &Known,
    row: ImportRow,
    skus: &mut HashSet<String>,
    barcodes: &mut HashMap<String, String>,
) -> Result<Change, String> {
    let given = |cell: Option<String>| cell.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let sku = row.sku.trim().to_owned();
    if sku.is_empty() {
        return Err("a row needs a SKU".into());
    }
    if !skus.insert(sku.to_lowercase()) {
        return Err("the SKU is on an earlier row too".into());
    }
    let supplier = match given(row.supplier) {
        Some(name) => Some(
            *known
                .suppliers
                .get(&name.to_lowercase())
                .ok_or_else(|| format!("no supplier of the business is called {name:?}"))?,
        ),
        None => None,
    };
    let barcode = given(row.barcode);
    if let Some(barcode) = &barcode {
        let owner = barcodes
            .get(barcode)
            .or_else(|| known.barcodes.get(barcode))
            .filter(|owner| **owner != sku);
        if let Some(owner) = owner {
            return Err(format!("barcode {barcode} is {owner}'s already"));
        }
        barcodes.insert(barcode.clone(), sku.clone());
    }
    let threshold = given(row.stock_threshold);
    let words = |e: ApiError| e.message;
    match known.products.get(&sku) {
        Some(None) => Err("the SKU is a product of one store: change it on its own".into()),
        None => {
            let (Some(product_name), Some(price)) = (given(row.product_name), given(row.price))
            else {
                return Err("a new product needs a name and a price".into());
            };
            let unit = given(row.unit);
            let counted = unit
                .as_deref()
                .map_or(Ok(Unit::Piece), Unit::parse)
                .map_err(|e| format!("unit: {e}"))?;
            let stock_threshold = threshold
                .map(|t| Quantity::parse(&t, counted).map_err(|e| format!("stock_threshold: {e}")))
                .transpose()?
                .unwrap_or(Quantity::ZERO);
            let new = NewProduct {
                sku,
                product_name,
                price,
                barcode,
                category: given(row.category),
                tax_rate: given(row.tax_rate),
                unit,
                tare: Quantity::ZERO,
                stock_threshold,
                store_id: None,
                opening_stock: Vec::new(),
                supplier_id: supplier.map(|s| s.to_string()),
                reorder_quantity: Quantity::ZERO,
                unit_cost: None,
            };
            let (id, document) = product_doc(service, caller, named, new, None)
                .await
                .map_err(words)?;
            Ok(Change::New(id, document))
        }
        Some(Some(found)) => {
            let unit = unit_of(found).unwrap_or_default();
            if let Some(asked) = given(row.unit) {
                if Unit::parse(&asked).ok() != Some(unit) {
                    return Err(format!(
                        "unit: the product is sold in {unit}, which never changes"
                    ));
                }
            }
            let threshold = threshold
                .map(|t| Quantity::parse(&t, unit).map_err(|e| format!("stock_threshold: {e}")))
                .transpose()?;
            let asked = ProductChanges {
                product_name: given(row.product_name),
                price: given(row.price),
                barcode,
                category: given(row.category),
                tax_rate: given(row.tax_rate),
                stock_threshold: threshold,
                ..Default::default()
            };
            let mut changes = product_changes(service, caller, unit, asked)
                .await
                .map_err(words)?;
            if let Some(supplier) = supplier {
                changes.push(ProductChange::Supplier(Some(supplier)));
            }
            let update = ProductUpdate {
                changes,
                updated_at: Utc::now(),
            }
            .to_document(&caller.currency);
            // Only what differs from central is written: an unchanged row moves nothing.
            let differs = update
                .iter()
                .any(|(name, value)| name != field::UPDATED_AT && found.get(name) != Some(value));
            let id = found.get_object_id(field::ID).map_err(|e| e.to_string())?;
            Ok(if differs {
                Change::Known(id, update)
            } else {
                Change::Same
            })
        }
    }
}
