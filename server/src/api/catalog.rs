//! Products (list, get, create, update), each store's stock levels, and stock movements
//! (list, create). Writes go through the reconciler, as a till's do: a movement is counted
//! into its store's level once, and the tills pull what the API wrote.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use chrono::Utc;
use sellsync_contract::documents::{
    field, unit_of, Collection, Op, ProductChange, ProductDoc, ProductUpdate, StockLevel,
    StockMovementDoc, Variant,
};
use sellsync_contract::stock::MovementType;
use sellsync_contract::{Id, Money, Percent, Quantity, Unit};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::idempotency::{self, Answer};
use super::page::{Page, Paging};
use super::{
    body, find, holding, id, invalid, list, one, store, write, Changes, Scope, StoreScoped,
};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;
use crate::quota;

/// Which products.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductFilter {
    /// Those whose name, SKU or barcode holds this text, in any case.
    pub q: Option<String>,
    /// Those sold at this store (its own and the business-wide ones).
    pub store_id: Option<String>,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub category: Option<String>,
    /// The variants of this family (`POST /v1/product-families`).
    pub family_id: Option<String>,
}

/// The business's products, each with its stock per store (`stock_levels`).
#[utoipa::path(get, path = "/v1/products", tag = "catalog", params(Paging, ProductFilter, Changes),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_products(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<ProductFilter>,
    Query(changes): Query<Changes>,
) -> Result<Json<Page>, ApiError> {
    let mut query = changes.filter()?.unwrap_or_default();
    if let Some(id) = &filter.store_id {
        let store = store(&service, &caller, id).await?;
        query.insert(field::STORE_ID, doc! { "$in": [store, Bson::Null] });
    }
    for (name, value) in [
        ("sku", &filter.sku),
        ("barcode", &filter.barcode),
        ("category", &filter.category),
    ] {
        if let Some(value) = value {
            query.insert(name, value.trim());
        }
    }
    if let Some(family) = &filter.family_id {
        query.insert(field::FAMILY_ID, id(family, "family")?);
    }
    if let Some(held) = holding(
        filter.q.as_deref(),
        &[field::PRODUCT_NAME, field::SKU, field::BARCODE],
    ) {
        query.extend(held);
    }
    list(&service, &caller, Collection::Products, query, &paging)
        .await
        .map(Json)
}

/// One product.
#[utoipa::path(get, path = "/v1/products/{id}", tag = "catalog",
    params(("id" = String, Path, description = "The product's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such product of this business")))]
pub async fn get_product(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    one(&service, &caller, Collection::Products, &id, "product")
        .await
        .map(Json)
}

/// A new product. Amounts are decimal strings in the business's currency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    pub sku: String,
    pub product_name: String,
    /// `"3.49"`
    pub price: String,
    pub barcode: Option<String>,
    pub category: Option<String>,
    /// Percent, `"8.875"`; the business's default rate when left out.
    pub tax_rate: Option<String>,
    /// How it is counted and sold: `piece` (when left out), `kg`, `g`, `lb`, `oz`, `l` or
    /// `m`; `price` is then the price of one. Never changed after.
    pub unit: Option<String>,
    /// What its container weighs, taken off the scale's weight: `"0.015"` (by weight only).
    #[serde(default)]
    #[schema(value_type = String)]
    pub tare: Quantity,
    /// In the product's unit: `"2.5"` (a whole number may be written as one).
    #[serde(default)]
    #[schema(value_type = String)]
    pub stock_threshold: Quantity,
    /// Sold at this store only; otherwise at every store of the business.
    pub store_id: Option<String>,
    /// The stock each store starts with.
    #[serde(default)]
    pub opening_stock: Vec<OpeningStock>,
    pub supplier_id: Option<String>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub reorder_quantity: Quantity,
    pub unit_cost: Option<String>,
}

/// A store's opening stock of a new product.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningStock {
    pub store_id: String,
    /// In the product's unit: `"12.5"` or `12`.
    #[schema(value_type = String)]
    pub quantity: Quantity,
}

/// Adds a product. Answers the product as stored.
#[utoipa::path(post, path = "/v1/products", tag = "catalog", request_body = NewProduct,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = Object), (status = 400, description = "A field is not what it must be"),
        (status = 409, description = "Refused, say a SKU the business already has")))]
pub async fn create_product(
    caller: Caller,
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Scope::Write)?;
    idempotency::once(
        &service,
        &caller,
        &headers,
        "POST /v1/products",
        &bytes,
        |service, caller, bytes| async move {
            let new: NewProduct = body(&bytes)?;
            let left = quota::products_left(&service.central, caller.plan, caller.business_id);
            if left.await? == Some(0) {
                return Err(quota::product_limit(caller.plan));
            }
            let named = &mut Named::default();
            let (id, document) = product_doc(&service, &caller, named, new, None).await?;
            let stored = write(
                &service,
                &caller,
                Collection::Products,
                id,
                Op::Insert,
                document,
                "product",
            )
            .await?;
            Ok(Answer::created(stored))
        },
    )
    .await
}

/// The stores and suppliers of the caller's business a request named, each looked up
/// once however many of its products name it (a family's variants name the same ones).
#[derive(Default)]
pub(super) struct Named {
    stores: HashMap<String, ObjectId>,
    suppliers: HashMap<String, Id>,
}

impl Named {
    async fn store(
        &mut self,
        service: &Service,
        caller: &Caller,
        text: &str,
    ) -> Result<ObjectId, ApiError> {
        if let Some(id) = self.stores.get(text) {
            return Ok(*id);
        }
        let id = store(service, caller, text).await?;
        self.stores.insert(text.to_owned(), id);
        Ok(id)
    }

    async fn supplier(
        &mut self,
        service: &Service,
        caller: &Caller,
        text: &str,
    ) -> Result<Id, ApiError> {
        if let Some(id) = self.suppliers.get(text) {
            return Ok(*id);
        }
        let id = supplier(service, caller, text).await?;
        self.suppliers.insert(text.to_owned(), id);
        Ok(id)
    }
}

/// The product `new` describes (a variant of a family with `variant`), its store,
/// supplier and quantities checked against the caller's business (those `named` already
/// not asked for again), as its id and central document; not written.
pub(super) async fn product_doc(
    service: &Service,
    caller: &Caller,
    named: &mut Named,
    new: NewProduct,
    variant: Option<Variant>,
) -> Result<(ObjectId, Document), ApiError> {
    let currency = &caller.currency;
    let unit = new
        .unit
        .as_deref()
        .map_or(Ok(Unit::Piece), Unit::parse)
        .map_err(|e| invalid(field::UNIT, e))?;
    let store_id = match &new.store_id {
        Some(id) => Some(named.store(service, caller, id).await?),
        None => None,
    };
    let mut levels = Vec::new();
    for opening in &new.opening_stock {
        let at = named.store(service, caller, &opening.store_id).await?;
        if store_id.is_some_and(|own| own != at) {
            return Err(invalid(
                "opening_stock",
                "a product sold at one store has stock at that store only",
            ));
        }
        let quantity = in_unit("opening_stock", opening.quantity, unit)?;
        levels.push(StockLevel {
            store_id: at.into(),
            opening_stock: quantity,
            stock: quantity,
        });
    }
    let supplier_id = match &new.supplier_id {
        Some(text) => Some(named.supplier(service, caller, text).await?),
        None => None,
    };
    let product = ProductDoc {
        id: Id::new(),
        business_id: caller.business_id.into(),
        store_id: store_id.map(Id::from),
        product_name: new.product_name.trim().to_owned(),
        sku: new.sku.trim().to_owned(),
        barcode: new
            .barcode
            .map(|b| b.trim().to_owned())
            .filter(|b| !b.is_empty()),
        category: new.category.unwrap_or_default().trim().to_owned(),
        price: currency
            .parse_non_negative(&new.price)
            .map_err(|e| invalid(field::PRICE, e))?,
        tax_rate: new
            .tax_rate
            .map(|t| Percent::parse(&t).map_err(|e| invalid("tax_rate", e)))
            .transpose()?,
        unit,
        variant,
        tare: by_weight("tare", in_unit("tare", new.tare, unit)?, unit)?,
        stock: levels.iter().map(|l| l.stock).sum(),
        opening_stock: None,
        stock_levels: Some(levels),
        stock_threshold: in_unit("stock_threshold", new.stock_threshold, unit)?,
        supplier_id,
        reorder_quantity: in_unit("reorder_quantity", new.reorder_quantity, unit)?,
        unit_cost: money(currency, "unit_cost", new.unit_cost.as_deref())?,
        created_at: Some(Utc::now()),
        updated_at: None,
    };
    let document = product.to_document(currency);
    ProductDoc::from_document(&document, currency).map_err(|r| invalid("product", r.reason))?;
    Ok((product.id.object_id(), document))
}

/// Changes to a product: each field left out stays as it is. Stock is not among them: it
/// moves by stock movements.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductChanges {
    pub product_name: Option<String>,
    pub price: Option<String>,
    pub barcode: Option<String>,
    pub category: Option<String>,
    pub tax_rate: Option<String>,
    /// In the product's unit.
    #[schema(value_type = Option<String>)]
    pub stock_threshold: Option<Quantity>,
    pub supplier_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub reorder_quantity: Option<Quantity>,
    /// What its container weighs (goods sold by weight).
    #[schema(value_type = Option<String>)]
    pub tare: Option<Quantity>,
    pub unit_cost: Option<String>,
}

/// Changes a product; the tills take the change at their next pull (a field a till
/// changed later keeps the till's value: the newest change wins).
#[utoipa::path(patch, path = "/v1/products/{id}", tag = "catalog", request_body = ProductChanges,
    params(("id" = String, Path, description = "The product's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such product of this business")))]
pub async fn update_product(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Write)?;
    let product = self::id(&id, "product")?;
    let found = find(&service, &caller, Collection::Products, product, "product").await?;
    // An unknown unit reads as pieces: the strictest.
    let unit = unit_of(&found).unwrap_or_default();
    let given: ProductChanges = body(&bytes)?;
    let changes = product_changes(&service, &caller, unit, given).await?;
    if changes.is_empty() {
        return Err(invalid("body", "name at least one field to change"));
    }
    let update = ProductUpdate {
        changes,
        updated_at: Utc::now(),
    };
    let payload = update.to_document(&caller.currency);
    let stored = write(
        &service,
        &caller,
        Collection::Products,
        product,
        Op::Update,
        payload,
        "product",
    )
    .await?;
    Ok(Json(stored))
}

/// The changes `given` asks of a product counted in `unit`, each checked; none given: none.
pub(super) async fn product_changes(
    service: &Service,
    caller: &Caller,
    unit: Unit,
    given: ProductChanges,
) -> Result<Vec<ProductChange>, ApiError> {
    let currency = &caller.currency;
    let mut changes = Vec::new();
    if let Some(name) = given.product_name {
        if name.trim().is_empty() {
            return Err(invalid("product_name", "a product needs a name"));
        }
        changes.push(ProductChange::Name(name.trim().to_owned()));
    }
    if let Some(price) = given.price {
        let price = currency
            .parse_non_negative(&price)
            .map_err(|e| invalid(field::PRICE, e))?;
        changes.push(ProductChange::Price(price));
    }
    if let Some(barcode) = given.barcode {
        let barcode = Some(barcode.trim().to_owned()).filter(|b| !b.is_empty());
        changes.push(ProductChange::Barcode(barcode));
    }
    if let Some(category) = given.category {
        changes.push(ProductChange::Category(category.trim().to_owned()));
    }
    if let Some(rate) = given.tax_rate {
        let rate = Percent::parse(&rate).map_err(|e| invalid("tax_rate", e))?;
        changes.push(ProductChange::TaxRate(rate));
    }
    if let Some(threshold) = given.stock_threshold {
        let threshold = in_unit("stock_threshold", threshold, unit)?;
        changes.push(ProductChange::StockThreshold(threshold));
    }
    if let Some(text) = given.supplier_id {
        let supplier = supplier(service, caller, &text).await?;
        changes.push(ProductChange::Supplier(Some(supplier)));
    }
    if let Some(quantity) = given.reorder_quantity {
        let quantity = in_unit("reorder_quantity", quantity, unit)?;
        changes.push(ProductChange::ReorderQuantity(quantity));
    }
    if let Some(tare) = given.tare {
        let tare = by_weight("tare", in_unit("tare", tare, unit)?, unit)?;
        changes.push(ProductChange::Tare(tare));
    }
    if let Some(cost) = given.unit_cost {
        changes.push(ProductChange::UnitCost(money(
            currency,
            "unit_cost",
            Some(&cost),
        )?));
    }
    Ok(changes)
}

/// One product's stock at one store, in its unit, as decimal strings (`"24.258"`).
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct StoreStock {
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    /// `piece`, `kg`, …
    pub unit: String,
    pub opening_stock: String,
    /// Its opening stock plus the store's movements.
    pub stock: String,
    pub stock_threshold: String,
}

/// A page of one store's stock levels: every product sold there.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct StockPage {
    pub data: Vec<StoreStock>,
    pub next_cursor: Option<String>,
}

/// The stock of every product at a store.
#[utoipa::path(get, path = "/v1/stores/{id}/stock", tag = "catalog",
    params(("id" = String, Path, description = "The store's id"), Paging),
    security(("api_key" = [])),
    responses((status = 200, body = StockPage), (status = 404, description = "No such store of this business")))]
pub async fn list_stock_levels(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Json<StockPage>, ApiError> {
    let store = store(&service, &caller, &id).await?;
    let query = doc! { field::STORE_ID: { "$in": [store, Bson::Null] } };
    let page = list(&service, &caller, Collection::Products, query, &paging).await?;
    let level = |product: &Value, name: &str| {
        product[field::STOCK_LEVELS]
            .as_array()
            .and_then(|levels| {
                levels
                    .iter()
                    .find(|l| l[field::STORE_ID].as_str() == Some(store.to_hex().as_str()))
            })
            .and_then(|l| l[name].as_str())
            .unwrap_or("0")
            .to_owned()
    };
    let data = page
        .data
        .iter()
        .map(|p| StoreStock {
            product_id: p["id"].as_str().unwrap_or_default().to_owned(),
            sku: p["sku"].as_str().unwrap_or_default().to_owned(),
            product_name: p["product_name"].as_str().unwrap_or_default().to_owned(),
            unit: p[field::UNIT].as_str().unwrap_or("piece").to_owned(),
            opening_stock: level(p, "opening_stock"),
            stock: level(p, field::STOCK),
            stock_threshold: p["stock_threshold"].as_str().unwrap_or("0").to_owned(),
        })
        .collect();
    Ok(Json(StockPage {
        data,
        next_cursor: page.next_cursor,
    }))
}

/// Which stock movements.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementFilter {
    pub store_id: Option<String>,
    pub product_id: Option<String>,
    /// `sale`, `restock`, `adjustment`, `transfer_out`, `transfer_in`.
    pub movement_type: Option<String>,
}

/// The business's stock movements: the ledger each store's levels add up from (a store
/// manager's: their store's).
#[utoipa::path(get, path = "/v1/stock-movements", tag = "catalog",
    params(Paging, MovementFilter, Changes), security(("api_key" = [])),
    responses((status = 200, body = Page)))]
pub async fn list_stock_movements(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<MovementFilter>,
    Query(changes): Query<Changes>,
) -> Result<Json<Page>, ApiError> {
    let mut query = changes.filter()?.unwrap_or_default();
    if let Some(id) = &filter.store_id {
        query.insert(field::STORE_ID, store(&service, &caller, id).await?);
    } else if let Some(only) = caller.store() {
        query.insert(field::STORE_ID, only);
    }
    if let Some(text) = &filter.product_id {
        let product = self::id(text, "product")?;
        find(&service, &caller, Collection::Products, product, "product").await?;
        query.insert("product_id", product);
    }
    if let Some(kind) = &filter.movement_type {
        query.insert("movement_type", kind.trim());
    }
    list(
        &service,
        &caller,
        Collection::StockMovements,
        query,
        &paging,
    )
    .await
    .map(Json)
}

/// A stock movement made through the API: a correction or a delivery.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMovement {
    pub store_id: String,
    pub product_id: String,
    /// `adjustment` (any sign) or `restock` (more than 0).
    pub movement_type: String,
    /// Signed, never 0, in the product's unit: `"-0.25"`, `12`.
    #[schema(value_type = String)]
    pub quantity: Quantity,
    pub reason: String,
}

/// Records a stock movement at a store: its level moves by it, once, and the store's
/// tills take it at their next pull.
#[utoipa::path(post, path = "/v1/stock-movements", tag = "catalog", request_body = NewMovement,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = Object), (status = 400, description = "A field is not what it must be"),
        (status = 404, description = "No such store or product of this business")))]
pub async fn create_stock_movement(
    caller: Caller,
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Scope::Write)?;
    idempotency::once(
        &service,
        &caller,
        &headers,
        "POST /v1/stock-movements",
        &bytes,
        |service, caller, bytes| async move {
            let new: NewMovement = body(&bytes)?;
            let store = store(&service, &caller, &new.store_id).await?;
            let product = self::id(&new.product_id, "product")?;
            let found = find(&service, &caller, Collection::Products, product, "product").await?;
            let kind = match MovementType::parse(new.movement_type.trim()) {
                Some(kind @ (MovementType::Adjustment | MovementType::Restock)) => kind,
                _ => {
                    return Err(invalid(
                        "movement_type",
                        "through the API, a movement is an adjustment or a restock",
                    ))
                }
            };
            if new.quantity == Quantity::ZERO
                || (kind == MovementType::Restock && new.quantity.is_negative())
            {
                return Err(invalid(
                    "quantity",
                    "an adjustment is not 0 and a restock is more than 0",
                ));
            }
            new.quantity
                .fits(unit_of(&found).unwrap_or_default())
                .map_err(|e| invalid("quantity", e))?;
            if new.reason.trim().is_empty() {
                return Err(invalid("reason", "say why the stock moves"));
            }
            let movement = StockMovementDoc {
                id: Id::new(),
                business_id: caller.business_id.into(),
                store_id: store.into(),
                product_id: product.into(),
                movement_type: kind,
                quantity: new.quantity,
                handled_by: None,
                reason: new.reason.trim().to_owned(),
                transaction_id: None,
                created_at: Some(Utc::now()),
            };
            let id = movement.id.object_id();
            let document = movement.to_document();
            let stored = write(
                &service,
                &caller,
                Collection::StockMovements,
                id,
                Op::Insert,
                document,
                "movement",
            )
            .await?;
            Ok(Answer::created(stored))
        },
    )
    .await
}

/// The business's supplier `text`; another business's answers as none.
async fn supplier(service: &Service, caller: &Caller, text: &str) -> Result<Id, ApiError> {
    let id = self::id(text, "supplier")?;
    find(service, caller, Collection::Suppliers, id, "supplier").await?;
    Ok(id.into())
}

/// `value` as a quantity of `unit`: 0 or more, with no more decimals than it has.
fn in_unit(field: &str, value: Quantity, unit: Unit) -> Result<Quantity, ApiError> {
    if value.is_negative() {
        return Err(invalid(field, "0 or more"));
    }
    value.fits(unit).map_err(|e| invalid(field, e))?;
    Ok(value)
}

/// `value`, which only goods sold by measure may have other than 0.
fn by_weight(field: &str, value: Quantity, unit: Unit) -> Result<Quantity, ApiError> {
    if value != Quantity::ZERO && !unit.is_measured() {
        return Err(invalid(field, "only goods sold by weight have one"));
    }
    Ok(value)
}

fn money(
    currency: &sellsync_contract::Currency,
    field: &str,
    text: Option<&str>,
) -> Result<Option<Money>, ApiError> {
    text.map(|t| {
        currency
            .parse_non_negative(t)
            .map_err(|e| invalid(field, e))
    })
    .transpose()
}
