//! Sales and returns, and purchase orders: read only (they are made at the tills).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use bson::doc;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sellsync_contract::documents::{field, Collection, OrderStatus, TransactionType};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::page::{Page, Paging};
use super::{invalid, list, one, store, Changes};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;

/// Which sales.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SaleFilter {
    pub store_id: Option<String>,
    /// From this day (`2026-12-01`, from midnight in the business's time zone) or time
    /// (RFC 3339), inclusive.
    pub from: Option<String>,
    /// To this day (the whole day, to midnight after it in the business's time zone)
    /// or before this time.
    pub to: Option<String>,
    /// `sale` or `return`.
    pub transaction_type: Option<String>,
}

/// The business's sales and returns, by store, by the time they were made at the till or
/// by when central received them (`synced_since`: a till offline for days sends its sales
/// late), in `_id` order (a till makes a sale's id when it rings it up). A day is the
/// business's day: a store's evening sales are on the day they were made, wherever
/// central is.
#[utoipa::path(get, path = "/v1/sales", tag = "sales", params(Paging, SaleFilter, Changes),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_sales(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<SaleFilter>,
    Query(changes): Query<Changes>,
) -> Result<Json<Page>, ApiError> {
    let mut query = changes.filter()?.unwrap_or_default();
    if let Some(id) = &filter.store_id {
        query.insert(field::STORE_ID, store(&service, &caller, id).await?);
    }
    let mut range = doc! {};
    if let Some(from) = &filter.from {
        let from = time("from", from, false, caller.timezone)?;
        range.insert("$gte", bson::DateTime::from_chrono(from));
    }
    if let Some(to) = &filter.to {
        let to = time("to", to, true, caller.timezone)?;
        range.insert("$lt", bson::DateTime::from_chrono(to));
    }
    if !range.is_empty() {
        query.insert(field::CREATED_AT, range);
    }
    if let Some(kind) = &filter.transaction_type {
        let kind = TransactionType::parse(kind.trim())
            .ok_or_else(|| invalid("transaction_type", "sale or return"))?;
        query.insert(field::TRANSACTION_TYPE, kind.as_str());
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
    params(Paging, OrderFilter, Changes), security(("api_key" = [])),
    responses((status = 200, body = Page)))]
pub async fn list_purchase_orders(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<OrderFilter>,
    Query(changes): Query<Changes>,
) -> Result<Json<Page>, ApiError> {
    let mut query = changes.filter()?.unwrap_or_default();
    if let Some(id) = &filter.store_id {
        query.insert(field::STORE_ID, store(&service, &caller, id).await?);
    }
    if let Some(status) = &filter.order_status {
        let status = OrderStatus::parse(status.trim()).ok_or_else(|| {
            invalid(
                "order_status",
                "draft, ordered, partially_received, received or cancelled",
            )
        })?;
        query.insert(field::ORDER_STATUS, status.as_str());
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

/// A day (`2026-12-01`: its start in `zone`, or its end for `end_of_day`) or an RFC 3339
/// time.
/// When `day` begins in `zone`: midnight, or where a clock change skips it, the day's
/// first moment.
pub fn day_start(day: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    (0..24)
        .filter_map(|hour| day.and_hms_opt(hour, 0, 0))
        .find_map(|local| zone.from_local_datetime(&local).earliest())
        .map(|start| start.with_timezone(&Utc))
}

fn time(field: &str, text: &str, end_of_day: bool, zone: Tz) -> Result<DateTime<Utc>, ApiError> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if end_of_day {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        return day_start(day, zone).ok_or_else(|| invalid(field, "a day this time zone has"));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| invalid(field, "a day such as 2026-12-01, or a time in RFC 3339"))
}
