//! The business's API keys: listed by label (never the key, never its hash), made (the
//! key shown once, in the answer, and kept nowhere: a replay of the request says it was
//! made and shows its label) and revoked (refused at once on every gateway). Making and
//! revoking keys needs the `keys` scope; nobody gives a key more scopes than their own,
//! and the owner's keys are revoked only with the owner's.
//!
//! **`api_keys`** (the seed's): `business_id`, `api_key` (the key's label, `ssk_3kR9wQ…`;
//! the key itself is never stored), `key_hash` (SHA-256, unique), `scopes` (`read`,
//! `write`), `status` (`active`, `revoked`), `created_by`, `created_at`, `last_used`. The
//! business's `api_key` holds the label of its owner's first key.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use bson::{doc, Document};
use sellsync_contract::documents::{field, Collection};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::idempotency::{self, Answer};
use super::page::{Page, Paging};
use super::{body, id, invalid, json, list, not_found, Scope};
use crate::auth::Caller;
use crate::error::ApiError;
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
    /// `["read"]`, `["read", "write"]` or `["read", "write", "keys"]`: at most the
    /// calling key's.
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

/// Makes a new API key of the business (the caller's key needs `keys`), for the person the
/// calling key is theirs.
#[utoipa::path(post, path = "/v1/api-keys", tag = "keys", request_body = NewKey,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: a replay says the key was made and shows its label, never the key")),
    security(("api_key" = [])),
    responses((status = 201, body = MadeKey), (status = 400, description = "Scopes that are not read, write or keys"),
        (status = 403, description = "The calling key may not make keys, or not with these scopes")))]
pub async fn create_key(
    caller: Caller,
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Scope::Keys)?;
    // A person in the back office reaches this on any plan; a key would not work on one
    // without the API.
    if !caller.plan.limits().rest_api {
        return Err(ApiError::forbidden(
            "plan_without_api",
            format!(
                "The {} plan has no REST API access: Standard and Premium have.",
                caller.plan.as_str()
            ),
        ));
    }
    idempotency::once_keeping(
        &service,
        &caller,
        &headers,
        "POST /v1/api-keys",
        &bytes,
        without_the_key,
        |service, caller, bytes| async move {
            let new: NewKey = body(&bytes)?;
            let mut scopes: Vec<&str> = Vec::new();
            for scope in &new.scopes {
                match Scope::ALL.iter().find(|s| s.as_str() == scope) {
                    Some(known) if !scopes.contains(&known.as_str()) => {
                        caller.require(*known).map_err(|_| {
                            ApiError::forbidden(
                                "scope_beyond_own",
                                format!(
                                    "This key may not give the {scope} scope: it does not have it."
                                ),
                            )
                        })?;
                        scopes.push(known.as_str());
                    }
                    Some(_) => {}
                    None => {
                        return Err(invalid(
                            field::SCOPES,
                            format!("{scope:?} is not read, write or keys"),
                        ))
                    }
                }
            }
            if !scopes.contains(&"read") {
                return Err(invalid(
                    field::SCOPES,
                    "a key reads at least: give [\"read\"] or [\"read\", \"write\"]",
                ));
            }
            let maker = tenants::KeyMaker::Key {
                person: caller.person,
                key: caller.key_id(),
            };
            let (id, key) =
                tenants::create_key(&service.central, caller.business_id, &scopes, maker).await?;
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

/// What of a made key's answer is kept for a replay: everything but the key, and that it
/// was made already.
fn without_the_key(mut answer: Value) -> Value {
    if let Some(fields) = answer.as_object_mut() {
        fields.remove("api_key");
        fields.insert(
            "already_made".into(),
            Value::from("This key was made by the first request with this Idempotency-Key; a key is shown only once."),
        );
    }
    answer
}

/// Revokes a key of the business: refused at once on every gateway. The calling key needs
/// `keys`; a key made for the owner is revoked only with a key of the owner's.
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "keys",
    params(("id" = String, Path, description = "The key's id")), security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 403, description = "The calling key may not revoke keys, or not the owner's"),
        (status = 404, description = "No such key of this business")))]
pub async fn revoke_key(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(text): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Keys)?;
    let key = id(&text, "API key")?;
    let keys = service
        .central
        .database()
        .collection::<Document>(Collection::ApiKeys.name());
    let mut target = doc! { field::ID: key, field::BUSINESS_ID: caller.business_id };
    if let Some(owner) = caller.owner.filter(|owner| caller.person != Some(*owner)) {
        // Not the owner's key: it revokes every key but the owner's.
        target.insert(field::CREATED_BY, doc! { "$ne": owner });
        let owners = keys
            .count_documents(
                doc! { field::ID: key, field::BUSINESS_ID: caller.business_id, field::CREATED_BY: owner },
            )
            .await
            .map_err(ApiError::unavailable)?;
        if owners > 0 {
            return Err(ApiError::forbidden(
                "owners_key",
                "This is a key of the business's owner: only a key of the owner's revokes it.",
            ));
        }
    }
    let revoked = keys
        .find_one_and_update(target, doc! { "$set": { field::STATUS: "revoked" } })
        .return_document(mongodb::options::ReturnDocument::After)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| not_found("API key"))?;
    // Refused here from the next request; other gateways within auth::CALLER_FOR.
    service.callers.forget(|c| c.key_id() == Some(key));
    tracing::info!(business = %caller.business_id, key = %key, "API key revoked");
    Ok(Json(json::document(&revoked)))
}
