//! Customers and suppliers: list, get, create.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use bson::doc;
use chrono::Utc;
use sellsync_contract::documents::{field, Collection, CustomerDoc, Op, SupplierDoc};
use sellsync_contract::{Id, Money};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::idempotency::{self, Answer};
use super::page::{Page, Paging};
use super::{body, holding, invalid, list, list_shown, one, write, Changes, Scope, Search};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;

/// The business's customers, with their loyalty points, store credit and how many
/// purchases they made (their history: `GET /v1/customers/{id}`).
#[utoipa::path(get, path = "/v1/customers", tag = "contacts", params(Paging, Search, Changes),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_customers(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(search): Query<Search>,
    Query(changes): Query<Changes>,
) -> Result<Json<Page>, ApiError> {
    let mut filter = changes.filter()?.unwrap_or_default();
    if let Some(held) = holding(
        search.q.as_deref(),
        &[field::NAME, field::PHONE, field::EMAIL],
    ) {
        filter.extend(held);
    }
    // A customer's history grows with every visit: a list counts it, one customer shows it.
    let mut shown = doc! {};
    for name in [
        field::BUSINESS_ID,
        field::NAME,
        field::PHONE,
        field::EMAIL,
        field::LOYALTY_POINTS,
        field::STORE_CREDIT,
        field::CREATED_AT,
        field::UPDATED_AT,
        field::SYNCED_AT,
    ] {
        shown.insert(name, 1);
    }
    shown.insert(
        "purchases",
        doc! { "$size": { "$ifNull": [format!("${}", field::PURCHASE_HISTORY), []] } },
    );
    list_shown(
        &service,
        &caller,
        Collection::Customers,
        filter,
        &paging,
        Some(shown),
    )
    .await
    .map(Json)
}

/// One customer.
#[utoipa::path(get, path = "/v1/customers/{id}", tag = "contacts",
    params(("id" = String, Path, description = "The customer's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such customer of this business")))]
pub async fn get_customer(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    one(&service, &caller, Collection::Customers, &id, "customer")
        .await
        .map(Json)
}

/// A new customer: a name, and a phone or an email to find them by at the till.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Adds a customer (no points, no credit yet); the tills take them at their next pull.
#[utoipa::path(post, path = "/v1/customers", tag = "contacts", request_body = NewCustomer,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = Object), (status = 400, description = "A field is not what it must be")))]
pub async fn create_customer(
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
        "POST /v1/customers",
        &bytes,
        |service, caller, bytes| async move {
            let new: NewCustomer = body(&bytes)?;
            let name = new.name.trim();
            if name.is_empty() {
                return Err(invalid("name", "a customer needs a name"));
            }
            let phone = new
                .phone
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty());
            let email = match new
                .email
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
            {
                Some(email) => Some(
                    sellsync_contract::credentials::normalize_email(&email).ok_or_else(|| {
                        invalid("email", format!("{email:?} is not an email address"))
                    })?,
                ),
                None => None,
            };
            if phone.is_none() && email.is_none() {
                return Err(invalid(
                    "phone",
                    "give a phone or an email to find the customer by",
                ));
            }
            let customer = CustomerDoc {
                id: Id::new(),
                business_id: caller.business_id.into(),
                name: name.to_owned(),
                phone,
                email,
                loyalty_points: 0,
                store_credit: Money::ZERO,
                purchase_history: Vec::new(),
                created_at: Some(Utc::now()),
            };
            let id = customer.id.object_id();
            let document = customer.to_document(&caller.currency);
            let stored = write(
                &service,
                &caller,
                Collection::Customers,
                id,
                Op::Insert,
                document,
                "customer",
            )
            .await?;
            Ok(Answer::created(stored))
        },
    )
    .await
}

/// The business's suppliers.
#[utoipa::path(get, path = "/v1/suppliers", tag = "contacts", params(Paging, Search, Changes),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_suppliers(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(search): Query<Search>,
    Query(changes): Query<Changes>,
) -> Result<Json<Page>, ApiError> {
    let mut filter = changes.filter()?.unwrap_or_default();
    if let Some(held) = holding(search.q.as_deref(), &[field::SUPPLIER_NAME]) {
        filter.extend(held);
    }
    list(&service, &caller, Collection::Suppliers, filter, &paging)
        .await
        .map(Json)
}

/// One supplier.
#[utoipa::path(get, path = "/v1/suppliers/{id}", tag = "contacts",
    params(("id" = String, Path, description = "The supplier's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such supplier of this business")))]
pub async fn get_supplier(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    one(&service, &caller, Collection::Suppliers, &id, "supplier")
        .await
        .map(Json)
}

/// A new supplier, with the seed's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSupplier {
    pub supplier_name: String,
    #[serde(default)]
    pub contact_person: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub address: String,
}

/// Adds a supplier; a name the business already has is refused.
#[utoipa::path(post, path = "/v1/suppliers", tag = "contacts", request_body = NewSupplier,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = Object), (status = 409, description = "A supplier of that name exists")))]
pub async fn create_supplier(
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
        "POST /v1/suppliers",
        &bytes,
        |service, caller, bytes| async move {
            let new: NewSupplier = body(&bytes)?;
            let name = new.supplier_name.trim();
            if name.is_empty() {
                return Err(invalid("supplier_name", "a supplier needs a name"));
            }
            let supplier = SupplierDoc {
                id: Id::new(),
                business_id: caller.business_id.into(),
                supplier_name: name.to_owned(),
                contact_person: new.contact_person.trim().to_owned(),
                email: new
                    .email
                    .map(|e| e.trim().to_lowercase())
                    .filter(|e| !e.is_empty()),
                phone: new
                    .phone
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty()),
                address: new.address.trim().to_owned(),
                created_at: Some(Utc::now()),
            };
            let id = supplier.id.object_id();
            let stored = write(
                &service,
                &caller,
                Collection::Suppliers,
                id,
                Op::Insert,
                supplier.to_document(),
                "supplier",
            )
            .await?;
            Ok(Answer::created(stored))
        },
    )
    .await
}
