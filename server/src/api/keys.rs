//! The business's API keys: listed by label (never the key, never its hash), made (the
//! key shown once, in the answer) and revoked (refused at once on every gateway).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use bson::{doc, Document};
use sellsync_core::contract::Collection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::idempotency::{self, Answer};
use super::page::{Page, Paging};
use super::{body, id, invalid, json, list, not_found, Scope};
use crate::auth::{ApiError, Caller};
use crate::http::Service;
use crate::tenants;

/// The business's API keys, by label.
#[utoipa::path(get, path = "/v1/api-keys", tag = "keys", params(Paging),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_keys(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page>, ApiError> {
    list(&service, &caller, Collection::ApiKeys, doc! {}, &paging)
        .await
        .map(Json)
}

/// A new key's scopes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// `["read"]` or `["read", "write"]`.
    pub scopes: Vec<String>,
}

/// A key just made: `api_key` is the key itself, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct MadeKey {
    pub id: String,
    pub api_key: String,
    pub label: String,
    pub scopes: Vec<String>,
}

/// Makes a new API key of the business (the caller's key needs `write`).
#[utoipa::path(post, path = "/v1/api-keys", tag = "keys", request_body = NewKey,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = MadeKey), (status = 400, description = "Scopes that are not read or write")))]
pub async fn create_key(
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
        "POST /v1/api-keys",
        &bytes,
        async {
            let new: NewKey = body(&bytes)?;
            let mut scopes: Vec<&str> = Vec::new();
            for scope in &new.scopes {
                match scope.as_str() {
                    "read" | "write" if !scopes.contains(&scope.as_str()) => scopes.push(scope),
                    "read" | "write" => {}
                    other => {
                        return Err(invalid("scopes", format!("{other:?} is not read or write")))
                    }
                }
            }
            if !scopes.contains(&"read") {
                return Err(invalid(
                    "scopes",
                    "a key reads at least: give [\"read\"] or [\"read\", \"write\"]",
                ));
            }
            let (id, key) =
                tenants::create_key(&service.central, caller.business_id, &scopes).await?;
            let made = MadeKey {
                id: id.to_hex(),
                api_key: key.secret,
                label: key.label,
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            };
            Ok(Answer {
                status: StatusCode::CREATED,
                body: serde_json::to_value(made).map_err(ApiError::unavailable)?,
            })
        },
    )
    .await
}

/// Revokes a key of the business: refused at once on every gateway.
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "keys",
    params(("id" = String, Path, description = "The key's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such key of this business")))]
pub async fn revoke_key(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(text): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Write)?;
    let key = id(&text, "API key")?;
    let keys = service
        .central
        .database()
        .collection::<Document>(Collection::ApiKeys.name());
    let revoked = keys
        .find_one_and_update(
            doc! { "_id": key, "business_id": caller.business_id },
            doc! { "$set": { "status": "revoked" } },
        )
        .return_document(mongodb::options::ReturnDocument::After)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| not_found("API key"))?;
    tracing::info!(business = %caller.business_id, key = %key, "API key revoked");
    Ok(Json(json::document(&revoked)))
}
