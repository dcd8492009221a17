//! The business itself (read, and its barcode rules set), its stores, payment methods
//! and notifications.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use bson::{doc, Bson, Document};
use sellsync_contract::documents::{barcode_rules_bson, field, read_barcode_rules, Collection};
use sellsync_contract::embedded_barcodes::{ready_layout, READY_LAYOUTS};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::idempotency::{self, Answer};
use super::page::{Page, Paging};
use super::{body, find, json, list, one, store, Scope};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;
use crate::tenants;

/// The caller's business.
#[derive(Serialize, ToSchema)]
pub struct Business {
    pub id: String,
    pub business_name: String,
    pub package_plan: String,
    pub subscription_status: String,
    pub stores: u64,
    /// What the key calling may do: `read`, `write`.
    pub key_scopes: Vec<String>,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
}

/// The business of the key calling: its name, plan, subscription and how many stores.
#[utoipa::path(get, path = "/v1/business", tag = "business", security(("api_key" = [])),
    responses((status = 200, body = Business), (status = 401, description = "No valid key")))]
pub async fn get_business(
    caller: Caller,
    State(service): State<Arc<Service>>,
) -> Result<Json<Business>, ApiError> {
    caller.require(Scope::Read)?;
    let db = service.central.database();
    let business = db
        .collection::<Document>(Collection::Businesses.name())
        .find_one(doc! { field::ID: caller.business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::unavailable("the caller's business is gone"))?;
    let stores = db
        .collection::<Document>(Collection::Stores.name())
        .count_documents(doc! { field::BUSINESS_ID: caller.business_id })
        .await
        .map_err(ApiError::unavailable)?;
    let text = |name| business.get_str(name).unwrap_or_default().to_owned();
    Ok(Json(Business {
        id: caller.business_id.to_hex(),
        business_name: text("business_name"),
        package_plan: text("package_plan"),
        subscription_status: text("subscription_status"),
        stores,
        key_scopes: caller.scopes.clone(),
        settings: business
            .get_document("settings")
            .map(json::document)
            .unwrap_or_default(),
    }))
}

/// The business's stores.
#[utoipa::path(get, path = "/v1/stores", tag = "business", params(Paging),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_stores(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page>, ApiError> {
    list(&service, &caller, Collection::Stores, doc! {}, &paging)
        .await
        .map(Json)
}

/// A new store of the business.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStore {
    pub store_name: String,
    pub location: Option<String>,
    pub phone: Option<String>,
}

/// Opens another store of the business, within its plan; its tills enrol with codes made
/// for it, and the business's other tills see it at their next pull (to send stock to).
#[utoipa::path(post, path = "/v1/stores", tag = "business", request_body = NewStore,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = Object), (status = 403, description = "The plan has no room for another store")))]
pub async fn create_store(
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
        "POST /v1/stores",
        &bytes,
        |service, caller, bytes| async move {
            let new: NewStore = body(&bytes)?;
            let id = tenants::create_store(
                &service.central,
                caller.business_id,
                &new.store_name,
                new.location,
                new.phone,
            )
            .await?;
            let stored = find(
                &service,
                &caller,
                Collection::Stores,
                id.object_id(),
                "store",
            )
            .await?;
            Ok(Answer::created(json::document(&stored)))
        },
    )
    .await
}

/// One store of the business.
#[utoipa::path(get, path = "/v1/stores/{id}", tag = "business",
    params(("id" = String, Path, description = "The store's id")),
    security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such store of this business")))]
pub async fn get_store(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    one(&service, &caller, Collection::Stores, &id, "store")
        .await
        .map(Json)
}

/// The business's payment methods.
#[utoipa::path(get, path = "/v1/payment-methods", tag = "business", params(Paging),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_payment_methods(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page>, ApiError> {
    list(
        &service,
        &caller,
        Collection::PaymentMethods,
        doc! {},
        &paging,
    )
    .await
    .map(Json)
}

/// Which notifications.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only this store's.
    pub store_id: Option<String>,
    /// `unread` or `read`.
    pub status: Option<String>,
}

/// The business's notifications (low stock, orders overdue, prints that failed, …).
#[utoipa::path(get, path = "/v1/notifications", tag = "business",
    params(Paging, NotificationFilter), security(("api_key" = [])),
    responses((status = 200, body = Page)))]
pub async fn list_notifications(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<NotificationFilter>,
) -> Result<Json<Page>, ApiError> {
    let mut query = doc! {};
    if let Some(id) = &filter.store_id {
        query.insert(field::STORE_ID, store(&service, &caller, id).await?);
    }
    if let Some(status) = &filter.status {
        query.insert(field::STATUS, status.as_str());
    }
    list(&service, &caller, Collection::Notifications, query, &paging)
        .await
        .map(Json)
}

/// The rules for reading the business's price and weight labels: a list, or a country's
/// ready layouts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BarcodeRules {
    /// Rules as `settings.barcode_rules` holds them: `{name, symbology (ean13, upc_a),
    /// prefix, item: {from, digits}, value: {from, digits}, meaning (price, weight,
    /// count), decimals, verifier}`, digits counted from 1; an empty list reads no label.
    #[schema(value_type = Option<Vec<Object>>)]
    pub rules: Option<serde_json::Value>,
    /// Instead, a country's common layouts: `United States`, `United Kingdom`, `Germany`,
    /// `Sweden`.
    pub country: Option<String>,
}

/// Sets how the business's labels are read, for every till of it (they have the rules at
/// their next pull); answers the rules as set.
#[utoipa::path(put, path = "/v1/business/barcode-rules", tag = "business", request_body = BarcodeRules,
    security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 422, description = "Rules that do not hold, or no such country")))]
pub async fn set_barcode_rules(
    caller: Caller,
    State(service): State<Arc<Service>>,
    bytes: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(Scope::Write)?;
    let asked: BarcodeRules = body(&bytes)?;
    let unprocessable = |why: String| ApiError::unprocessable("invalid_barcode_rules", why);
    let rules = match (asked.rules, asked.country) {
        (Some(list), None) => {
            let list = Bson::try_from(list).map_err(|e| unprocessable(e.to_string()))?;
            read_barcode_rules(&list).map_err(unprocessable)?
        }
        (None, Some(country)) => ready_layout(&country).ok_or_else(|| {
            unprocessable(format!(
                "No ready layout for {country:?}: there are {}.",
                READY_LAYOUTS.join(", ")
            ))
        })?,
        _ => {
            return Err(unprocessable(
                "Give the rules, or a country, one of them.".into(),
            ))
        }
    };
    let stored = barcode_rules_bson(&rules);
    service
        .central
        .database()
        .collection::<Document>(Collection::Businesses.name())
        .update_one(
            doc! { field::ID: caller.business_id },
            doc! { "$set": {
                field::SETTINGS_BARCODE_RULES: stored.clone(),
                field::UPDATED_AT: bson::DateTime::now(),
            } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Json(
        serde_json::json!({ "barcode_rules": stored.into_relaxed_extjson() }),
    ))
}
