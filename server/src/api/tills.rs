//! `/v1/tills` and `/v1/enrolment-codes`: a business's enrolled tills, with their store and
//! last contact; a one-time code that enrols a new till of a store; a till revoked. Tills
//! are a person's errand in the back office, never a program's: an API key is refused. A
//! store manager sees and enrols their own store's tills; revoking is the owner's and the
//! admins'.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt as _;
use sellsync_contract::documents::field;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{body, id, store, StoreScoped};
use crate::auth::Caller;
use crate::devices::{self, ONLINE_WITHIN};
use crate::error::ApiError;
use crate::http::Service;

/// An enrolled till.
#[derive(Debug, Serialize, ToSchema)]
pub struct TillView {
    pub id: String,
    pub store_id: String,
    /// Its code, the prefix of its sale numbers (`T1`).
    pub till_code: String,
    /// Its credential's public label (`ssd_3kR9wQ…`).
    pub label: String,
    /// `active` or `revoked`.
    pub status: String,
    pub enrolled_at: Option<DateTime<Utc>>,
    /// When it last reached the gateway (to the minute), if ever.
    pub last_contact: Option<DateTime<Utc>>,
    /// Whether that was within the last five minutes.
    pub online: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnrolmentCode {
    pub store_id: String,
}

/// A one-time code for a new till: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentCode {
    /// What the new till is set up with (`sse_…`), within a day, once.
    pub code: String,
    /// Its public label, to tell codes apart.
    pub label: String,
    pub store_id: String,
    pub expires_at: DateTime<Utc>,
}

/// The business's tills (a store manager's: their store's), newest first.
#[utoipa::path(get, path = "/v1/tills", tag = "business",
    security(("session" = [])), responses((status = 200, body = Vec<TillView>)))]
pub async fn list_tills(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
) -> Result<Json<Vec<TillView>>, ApiError> {
    caller.must_be_a_person()?;
    of(&service, caller.business_id, caller.store(), false)
        .await
        .map(Json)
}

/// The tills of `business` (of `store` alone, if given; the active ones alone, if
/// `active`), newest first.
pub async fn of(
    service: &Service,
    business: ObjectId,
    store: Option<ObjectId>,
    active: bool,
) -> Result<Vec<TillView>, ApiError> {
    let mut filter = doc! { field::BUSINESS_ID: business };
    if let Some(store) = store {
        filter.insert(field::STORE_ID, store);
    }
    if active {
        filter.insert(field::STATUS, "active");
    }
    let found: Vec<Document> = service
        .central
        .database()
        .collection::<Document>(devices::DEVICES)
        .find(filter)
        .projection(doc! { field::TOKEN_HASH: 0 })
        .sort(doc! { field::ID: -1 })
        .await
        .map_err(ApiError::unavailable)?
        .try_collect()
        .await
        .map_err(ApiError::unavailable)?;
    let now = Utc::now();
    let text = |d: &Document, name: &str| d.get_str(name).unwrap_or_default().to_owned();
    let time = |d: &Document, name: &str| d.get_datetime(name).ok().map(|at| at.to_chrono());
    let id = |d: &Document, name: &str| {
        d.get_object_id(name)
            .map(|id| id.to_hex())
            .unwrap_or_default()
    };
    Ok(found
        .iter()
        .map(|device| {
            let last_contact = time(device, field::LAST_USED);
            TillView {
                id: id(device, field::ID),
                store_id: id(device, field::STORE_ID),
                till_code: text(device, field::TILL_CODE),
                label: text(device, field::LABEL),
                status: text(device, field::STATUS),
                enrolled_at: time(device, field::CREATED_AT),
                online: last_contact.is_some_and(|at| now - at < ONLINE_WITHIN),
                last_contact,
            }
        })
        .collect())
}

/// A one-time code that enrols a new till of the store, within a day: the desktop app's
/// first screen, or `sellsync init --server URL --enrol CODE`, takes it. Refused past
/// the plan's tills.
#[utoipa::path(post, path = "/v1/enrolment-codes", tag = "business", request_body = NewEnrolmentCode,
    security(("session" = [])),
    responses((status = 201, body = EnrolmentCode), (status = 403, description = "An API key, or past the plan's tills")))]
pub async fn create_enrolment_code(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    bytes: axum::body::Bytes,
) -> Result<(StatusCode, Json<EnrolmentCode>), ApiError> {
    caller.must_be_a_person()?;
    let asked: NewEnrolmentCode = body(&bytes)?;
    let store = store(&service, &caller, &asked.store_id).await?;
    let made = devices::create_enrolment(&service.central, caller.business_id, store, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(EnrolmentCode {
            code: made.code.secret,
            label: made.code.label,
            store_id: store.to_hex(),
            expires_at: made.expires_at,
        }),
    ))
}

/// Revokes a till: refused at once on every gateway, with the codes and keys made at it.
/// It keeps selling, and keeps its changes until it is enrolled again.
#[utoipa::path(delete, path = "/v1/tills/{id}", tag = "business",
    params(("id" = String, Path, description = "The till's id")), security(("session" = [])),
    responses((status = 204), (status = 404, description = "No such till of this business")))]
pub async fn revoke_till(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(text): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.must_be_a_person()?;
    let device = id(&text, "till")?;
    devices::revoke(&service.central, caller.business_id, device).await?;
    Ok(StatusCode::NO_CONTENT)
}
