//! `Idempotency-Key` on every POST of the API: the first answer to a key is kept for a day
//! (`idempotency_keys`, Sell Sync's own collection, expired by a TTL index) and a replay
//! with the same body gets that answer again, with nothing done twice; the same key with
//! another body is refused. A request that failed for the service's sake (5xx) keeps no
//! answer, so it may be tried again with the same key.
//!
//! **`idempotency_keys`** (Sell Sync's own): `_id` (SHA-256 of the API key's id and the
//! `Idempotency-Key`), `business_id`, `api_key_id`, `request_hash` (of the route and body),
//! `status` and `body` (the first answer, null while it is being made), `created_at` (a TTL
//! index removes it after a day).

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bson::{doc, Bson, Document};
use sellsync_contract::documents::field;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::api::Caller;
use crate::error::{is_duplicate_key, ApiError};
use crate::http::Service;

pub const COLLECTION: &str = "idempotency_keys";
/// How long a key's answer is kept.
pub const KEEP_SECONDS: i64 = 24 * 3600;

/// What a write answered: its status and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    /// 201 with the document made.
    pub fn created(body: Value) -> Answer {
        Answer {
            status: StatusCode::CREATED,
            body,
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Runs `work` for a POST of `route` with `body`, at most once per `Idempotency-Key`.
pub async fn once(
    service: &Service,
    caller: &Caller,
    headers: &HeaderMap,
    route: &str,
    body: &[u8],
    work: impl Future<Output = Result<Answer, ApiError>>,
) -> Result<Response, ApiError> {
    once_keeping(service, caller, headers, route, body, |answer| answer, work).await
}

/// [`once`], keeping for a replay only what `kept` leaves of a successful answer (a
/// secret shown once is never stored).
pub async fn once_keeping(
    service: &Service,
    caller: &Caller,
    headers: &HeaderMap,
    route: &str,
    body: &[u8],
    kept: impl FnOnce(Value) -> Value,
    work: impl Future<Output = Result<Answer, ApiError>>,
) -> Result<Response, ApiError> {
    let Some(key) = headers.get("idempotency-key") else {
        return work.await.map(IntoResponse::into_response);
    };
    let key = key
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_idempotency_key",
                "An Idempotency-Key is 1 to 255 printable characters, such as a UUID.",
            )
        })?;
    let id = hex(Sha256::digest(format!("{}\n{key}", caller.key_id.to_hex())));
    let request = hex(Sha256::digest([route.as_bytes(), b"\n", body].concat()));
    let keys = service
        .central
        .database()
        .collection::<Document>(COLLECTION);
    let claim = doc! {
        field::ID: &id,
        field::BUSINESS_ID: caller.business_id,
        field::API_KEY_ID: caller.key_id,
        field::REQUEST_HASH: &request,
        field::STATUS: Bson::Null,
        field::BODY: Bson::Null,
        field::CREATED_AT: bson::DateTime::now(),
    };
    match keys.insert_one(claim).await {
        Ok(_) => {}
        Err(e) if is_duplicate_key(&e) => {
            let first = keys
                .find_one(doc! { field::ID: &id })
                .await
                .map_err(ApiError::unavailable)?
                .ok_or_else(|| ApiError::unavailable("an idempotency key vanished"))?;
            return replay(&first, &request);
        }
        Err(e) => return Err(ApiError::unavailable(e)),
    }
    let (status, answer, stored) = match work.await {
        Ok(answer) => {
            let stored = kept(answer.body.clone()).to_string();
            (answer.status, answer.into_response(), Some(stored))
        }
        Err(error) if error.status.is_server_error() => {
            let _ = keys.delete_one(doc! { field::ID: &id }).await;
            return Err(error);
        }
        Err(error) => (error.status, error.into_response(), None),
    };
    // The answer's body is kept as text, as sent (or as much of it as may be kept).
    let (parts, body) = answer.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(ApiError::unavailable)?;
    let stored = stored.unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
    keys.update_one(
        doc! { field::ID: &id },
        doc! { "$set": { field::STATUS: i32::from(status.as_u16()), field::BODY: stored } },
    )
    .await
    .map_err(ApiError::unavailable)?;
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}

/// The first answer to a key, or why there is none to give.
fn replay(first: &Document, request: &str) -> Result<Response, ApiError> {
    if first.get_str(field::REQUEST_HASH) != Ok(request) {
        return Err(ApiError::unprocessable(
            "idempotency_key_reused",
            "This Idempotency-Key was used for another request: use a new key for a new request.",
        ));
    }
    let (Some(status), Ok(body)) = (
        first
            .get_i32(field::STATUS)
            .ok()
            .and_then(|s| u16::try_from(s).ok())
            .and_then(|s| StatusCode::from_u16(s).ok()),
        first.get_str(field::BODY),
    ) else {
        return Err(ApiError::conflict(
            "idempotency_key_in_flight",
            "A request with this Idempotency-Key is still being answered: try again shortly.",
        ));
    };
    let mut response = (status, body.to_owned()).into_response();
    let headers = response.headers_mut();
    let kind = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    headers.insert("content-type", HeaderValue::from_static(kind));
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

fn hex(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
