//! Product families: a product in options (a T-shirt in sizes and colours) added as the
//! grid of its variants, by the contract's rule (`sellsync_contract::family`), as a till's
//! stock screen adds one. Each variant is a product of its own (`GET
//! /v1/products?family_id=…` lists them), so every client of `products` reads it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use bson::{doc, Document};
use sellsync_contract::documents::{field, Collection, Op};
use sellsync_contract::family::{self, WantedVariant};
use sellsync_contract::{Id, Quantity};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::catalog::{product_doc, Named, NewProduct, OpeningStock};
use super::idempotency::{self, Answer};
use super::{apply, body, json, Scope};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;
use crate::quota;

/// A family to add, and its variants.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFamily {
    /// "Crew T-shirt": each variant is named after it and its values.
    pub family_name: String,
    /// The start of each variant's SKU: `TEE` gives `TEE-M-NAVY`.
    pub sku: String,
    /// Each option and its values, in order (1 to 3 options of 1 to 30 values).
    pub options: Vec<FamilyOption>,
    /// The variants, by their values in the options' order; left out, one of every
    /// combination with the family's price and no stock.
    #[serde(default)]
    pub variants: Vec<NewVariant>,
    /// Every variant's price unless its own is given: `"19.99"`.
    pub price: String,
    pub category: Option<String>,
    /// Percent, `"8.875"`; the business's default rate when left out.
    pub tax_rate: Option<String>,
    /// `piece` (when left out), `kg`, `g`, `lb`, `oz`, `l` or `m`.
    pub unit: Option<String>,
    /// Sold at this store only; otherwise at every store of the business.
    pub store_id: Option<String>,
    pub supplier_id: Option<String>,
    /// Each variant's, in its unit.
    #[serde(default)]
    #[schema(value_type = String)]
    pub reorder_quantity: Quantity,
    pub unit_cost: Option<String>,
}

/// An option of a family and its values: `Size`: `S`, `M`, `L`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyOption {
    pub name: String,
    pub values: Vec<String>,
}

/// One variant: its value of each option, and what differs from the family's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVariant {
    pub values: Vec<String>,
    /// Its SKU; the family's SKU and its values when left out.
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub price: Option<String>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub stock_threshold: Quantity,
    /// The stock each store starts with.
    #[serde(default)]
    pub opening_stock: Vec<OpeningStock>,
}

/// Adds a family as the grid of its variants: all of them, or none. Refused (nothing
/// written) for a grid the rule refuses (a value of no option, a combination or SKU given
/// twice), a SKU or barcode the business has already, or more products than the plan
/// allows. Answers the family's id and its variants as stored.
#[utoipa::path(post, path = "/v1/product-families", tag = "catalog", request_body = NewFamily,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = Object), (status = 400, description = "A field is not what it must be"),
        (status = 403, description = "More products than the plan allows"),
        (status = 409, description = "A SKU or barcode the business already has"),
        (status = 422, description = "A grid the rule refuses")))]
pub async fn create_family(
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
        "POST /v1/product-families",
        &bytes,
        |service, caller, bytes| async move {
            let new: NewFamily = body(&bytes)?;
            let family_id = Id::new();
            let options: Vec<(String, Vec<String>)> = new
                .options
                .iter()
                .map(|o| (o.name.clone(), o.values.clone()))
                .collect();
            let wanted: Vec<WantedVariant> = new
                .variants
                .iter()
                .map(|v| WantedVariant {
                    values: v.values.clone(),
                    sku: v.sku.clone(),
                })
                .collect();
            let grid = family::grid(family_id, &new.family_name, &new.sku, &options, &wanted)
                .map_err(|e| ApiError::unprocessable("invalid_family", e.to_string()))?;
            let left = quota::products_left(&service.central, caller.plan, caller.business_id);
            if left.await?.is_some_and(|left| left < grid.len() as u64) {
                return Err(quota::product_limit(caller.plan));
            }
            let mut variants = Vec::with_capacity(grid.len());
            let mut named = Named::default();
            for row in grid {
                let own = new.variants.get(row.wanted);
                let product = NewProduct {
                    sku: row.sku,
                    product_name: row.product_name,
                    price: own
                        .and_then(|v| v.price.clone())
                        .unwrap_or_else(|| new.price.clone()),
                    barcode: own.and_then(|v| v.barcode.clone()),
                    category: new.category.clone(),
                    tax_rate: new.tax_rate.clone(),
                    unit: new.unit.clone(),
                    tare: Quantity::ZERO,
                    stock_threshold: own.map_or(Quantity::ZERO, |v| v.stock_threshold),
                    store_id: new.store_id.clone(),
                    opening_stock: own.map_or_else(Vec::new, |v| v.opening_stock.clone()),
                    supplier_id: new.supplier_id.clone(),
                    reorder_quantity: new.reorder_quantity,
                    unit_cost: new.unit_cost.clone(),
                };
                variants.push(
                    product_doc(&service, &caller, &mut named, product, Some(row.variant)).await?,
                );
            }
            refuse_taken(&service, &caller, &variants).await?;
            let inserts = variants
                .iter()
                .map(|(id, document)| (Collection::Products, *id, Op::Insert, document.clone()))
                .collect();
            apply(&service, &caller, "product", inserts).await?;
            let stored = stored_family(&service, &caller, family_id).await?;
            Ok(Answer::created(json!({
                "family_id": family_id.to_string(),
                "variants": stored,
            })))
        },
    )
    .await
}

/// Refused, naming them, when any of `variants`' SKUs or barcodes is the business's
/// already: checked before anything is written, so a grid is added whole or not at all.
async fn refuse_taken(
    service: &Service,
    caller: &Caller,
    variants: &[(bson::oid::ObjectId, Document)],
) -> Result<(), ApiError> {
    let values = |name: &str| -> Vec<String> {
        variants
            .iter()
            .filter_map(|(_, d)| d.get_str(name).ok().map(str::to_owned))
            .collect()
    };
    let (skus, barcodes) = (values(field::SKU), values(field::BARCODE));
    let mut cursor = service
        .central
        .database()
        .collection::<Document>(Collection::Products.name())
        .find(doc! {
            field::BUSINESS_ID: caller.business_id,
            "$or": [ { field::SKU: { "$in": &skus } }, { field::BARCODE: { "$in": &barcodes } } ],
        })
        .projection(doc! { field::SKU: 1, field::BARCODE: 1 })
        .await
        .map_err(ApiError::unavailable)?;
    let mut taken = Vec::new();
    while cursor.advance().await.map_err(ApiError::unavailable)? {
        let product = cursor
            .deserialize_current()
            .map_err(ApiError::unavailable)?;
        if let Ok(sku) = product.get_str(field::SKU) {
            if skus.iter().any(|s| s == sku) {
                taken.push(format!("the SKU {sku}"));
            }
        }
        if let Ok(barcode) = product.get_str(field::BARCODE) {
            if barcodes.iter().any(|b| b == barcode) {
                taken.push(format!("the barcode {barcode}"));
            }
        }
    }
    if taken.is_empty() {
        return Ok(());
    }
    taken.sort();
    Err(ApiError::conflict(
        "taken",
        format!(
            "No variant was added: the business has {} already.",
            taken.join(", ")
        ),
    ))
}

/// The variants of a family as stored, in SKU order.
async fn stored_family(
    service: &Service,
    caller: &Caller,
    family_id: Id,
) -> Result<Vec<serde_json::Value>, ApiError> {
    let mut cursor = service
        .central
        .database()
        .collection::<Document>(Collection::Products.name())
        .find(doc! { field::BUSINESS_ID: caller.business_id, field::FAMILY_ID: family_id.object_id() })
        .sort(doc! { field::SKU: 1 })
        .await
        .map_err(ApiError::unavailable)?;
    let mut variants = Vec::new();
    while cursor.advance().await.map_err(ApiError::unavailable)? {
        let product = cursor
            .deserialize_current()
            .map_err(ApiError::unavailable)?;
        variants.push(json::document(&product));
    }
    Ok(variants)
}
