//! Sales and returns, and purchase orders: read only (they are made at the tills).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use bson::doc;
use chrono::{DateTime, NaiveDate, Utc};
use sellsync_contract::documents::{field, Collection};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::page::{Page, Paging};
use super::{invalid, list, one, store};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;

/// Which sales.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SaleFilter {
    pub store_id: Option<String>,
    /// From this day (`2026-12-01`, UTC) or time (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Before this day (the whole day included) or time, exclusive.
    pub to: Option<String>,
    /// `sale` or `return`.
    pub transaction_type: Option<String>,
}

/// The business's sales and returns, by store and date.
#[utoipa::path(get, path = "/v1/sales", tag = "sales", params(Paging, SaleFilter),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_sales(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<SaleFilter>,
) -> Result<Json<Page>, ApiError> {
    let mut query = doc! {};
    if let Some(id) = &filter.store_id {
        query.insert(field::STORE_ID, store(&service, &caller, id).await?);
    }
    let mut range = doc! {};
    if let Some(from) = &filter.from {
        range.insert(
            "$gte",
            bson::DateTime::from_chrono(time("from", from, false)?),
        );
    }
    if let Some(to) = &filter.to {
        range.insert("$lt", bson::DateTime::from_chrono(time("to", to, true)?));
    }
    if !range.is_empty() {
        query.insert(field::CREATED_AT, range);
    }
    if let Some(kind) = &filter.transaction_type {
        query.insert("transaction_type", kind.trim());
    }
    list(
        &service,
        &caller,
        Collection::SalesTransactions,
        query,
        &paging,
    )
    .await
    .map(Json)
}

/// One sale or return, with its items and payments.
#[utoipa::path(get, path = "/v1/sales/{id}", tag = "sales",
    params(("id" = String, Path, description = "The sale's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such sale of this business")))]
pub async fn get_sale(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    one(
        &service,
        &caller,
        Collection::SalesTransactions,
        &id,
        "sale",
    )
    .await
    .map(Json)
}

/// Which purchase orders.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilter {
    pub store_id: Option<String>,
    /// `draft`, `ordered`, `partially_received`, `received` or `cancelled`.
    pub order_status: Option<String>,
}

/// The business's purchase orders.
#[utoipa::path(get, path = "/v1/purchase-orders", tag = "purchasing",
    params(Paging, OrderFilter), security(("api_key" = [])),
    responses((status = 200, body = Page)))]
pub async fn list_purchase_orders(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<OrderFilter>,
) -> Result<Json<Page>, ApiError> {
    let mut query = doc! {};
    if let Some(id) = &filter.store_id {
        query.insert(field::STORE_ID, store(&service, &caller, id).await?);
    }
    if let Some(status) = &filter.order_status {
        query.insert("order_status", status.trim());
    }
    list(
        &service,
        &caller,
        Collection::PurchaseOrders,
        query,
        &paging,
    )
    .await
    .map(Json)
}

/// One purchase order, with its lines.
#[utoipa::path(get, path = "/v1/purchase-orders/{id}", tag = "purchasing",
    params(("id" = String, Path, description = "The order's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such order of this business")))]
pub async fn get_purchase_order(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    one(
        &service,
        &caller,
        Collection::PurchaseOrders,
        &id,
        "purchase order",
    )
    .await
    .map(Json)
}

/// A day (`2026-12-01`, its start in UTC, or its end for `end_of_day`) or an RFC 3339 time.
fn time(field: &str, text: &str, end_of_day: bool) -> Result<DateTime<Utc>, ApiError> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if end_of_day {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        return Ok(day.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| invalid(field, "a day such as 2026-12-01, or a time in RFC 3339"))
}
