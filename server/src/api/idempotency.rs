//! `Idempotency-Key` on every POST of the API: the first answer to a key is kept for a day
//! (`idempotency_keys`, Sell Sync's own collection, expired by a TTL index) and a replay
//! with the same body (the same JSON, however spaced) gets that answer again, with nothing
//! done twice; the same key with another body is refused.
//!
//! Only a request's success is kept. A refusal of the request itself (a 4xx: a field
//! wrong, a product that does not exist) or a failure for the service's sake (5xx) gives
//! the key back, so the request may be corrected or tried again under the same key.
//!
//! The key is claimed and the work run in a task of its own: a client that goes away, or
//! the gateway's request timeout, does not stop it half way, and it records its answer for
//! the retry. A claim still unanswered after [`ABANDONED_AFTER`] was left by a gateway that
//! stopped mid-request, and a retry takes it over and runs the request; what that gateway
//! wrote before it stopped is not undone.
//!
//! **`idempotency_keys`** (Sell Sync's own): `_id` (SHA-256 of the API key's id and the
//! `Idempotency-Key`), `business_id`, `api_key_id` (the key's, or a signed-in person's id), `request_hash` (of the route and body),
//! `status` and `body` (the first answer, null while it is being made), `created_at` (when
//! it was claimed; a TTL index removes it after a day).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bson::{doc, Bson, Document};
use sellsync_contract::documents::field;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::api::Caller;
use crate::error::ApiError;
use crate::http::{Service, REQUEST_TIMEOUT};
use sellsync_central::database::is_duplicate_key;

pub const COLLECTION: &str = "idempotency_keys";
/// How long a key's answer is kept.
pub const KEEP_SECONDS: i64 = 24 * 3600;
/// How long a claim may go unanswered before a retry takes it over: well past the longest
/// a request runs.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(REQUEST_TIMEOUT.as_secs() * 2);

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

/// Runs `work` for a POST of `route` with `body`, at most once per `Idempotency-Key`. The
/// work is given its own handles on the service, the caller and the body, as it may
/// outlive the request.
pub async fn once<F, Fut>(
    service: &Arc<Service>,
    caller: &Caller,
    headers: &HeaderMap,
    route: &str,
    body: &Bytes,
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Arc<Service>, Caller, Bytes) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Answer, ApiError>> + Send + 'static,
{
    once_keeping(service, caller, headers, route, body, |answer| answer, work).await
}

/// [`once`], keeping for a replay only what `kept` leaves of a successful answer (a
/// secret shown once is never stored).
pub async fn once_keeping<F, Fut>(
    service: &Arc<Service>,
    caller: &Caller,
    headers: &HeaderMap,
    route: &str,
    body: &Bytes,
    kept: fn(Value) -> Value,
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Arc<Service>, Caller, Bytes) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Answer, ApiError>> + Send + 'static,
{
    let run = work(Arc::clone(service), caller.clone(), body.clone());
    let Some(key) = headers.get("idempotency-key") else {
        return run.await.map(IntoResponse::into_response);
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
    let id = hex(Sha256::digest(format!(
        "{}\n{key}",
        caller.counted_as().to_hex()
    )));
    let request = request_hash(route, body);
    let keys = service
        .central
        .database()
        .collection::<Document>(COLLECTION);
    let claim = doc! {
        field::ID: &id,
        field::BUSINESS_ID: caller.business_id,
        field::API_KEY_ID: caller.counted_as(),
        field::REQUEST_HASH: &request,
        field::STATUS: Bson::Null,
        field::BODY: Bson::Null,
        field::CREATED_AT: bson::DateTime::now(),
    };
    // Its own task from the claim on: a client gone, or the request's timeout, stops it
    // neither between claiming the key and the work nor half way through the work.
    let task = tokio::spawn(async move {
        match keys.insert_one(claim).await {
            Ok(_) => {}
            Err(e) if is_duplicate_key(&e) => {
                let first = keys
                    .find_one(doc! { field::ID: &id })
                    .await
                    .map_err(ApiError::unavailable)?
                    .ok_or_else(|| ApiError::unavailable("an idempotency key vanished"))?;
                if !take_over(&keys, &first, &request).await? {
                    return replay(&first, &request);
                }
            }
            Err(e) => return Err(ApiError::unavailable(e)),
        }
        match run.await {
            Ok(answer) => {
                let stored = kept(answer.body.clone()).to_string();
                let status = i32::from(answer.status.as_u16());
                keys.update_one(
                    doc! { field::ID: &id },
                    doc! { "$set": { field::STATUS: status, field::BODY: stored } },
                )
                .await
                .map_err(ApiError::unavailable)?;
                Ok(answer.into_response())
            }
            Err(error) => {
                // Nothing kept: the key may be used again, corrected or retried.
                let _ = keys.delete_one(doc! { field::ID: &id }).await;
                Err(error)
            }
        }
    });
    task.await
        .map_err(|e| ApiError::unavailable(format!("a request's work stopped: {e}")))?
}

/// The hash of a request: its route and its body, the same for the same JSON however it
/// is spaced (a body that is no JSON as its bytes).
fn request_hash(route: &str, body: &[u8]) -> String {
    let canonical = serde_json::from_slice::<Value>(body)
        .map(|json| json.to_string().into_bytes())
        .unwrap_or_else(|_| body.to_vec());
    hex(Sha256::digest(
        [route.as_bytes(), b"\n", &canonical].concat(),
    ))
}

/// Takes over `first`, a claim of the same request left unanswered for longer than
/// [`ABANDONED_AFTER`]; whether it did (another retry may have been first).
async fn take_over(
    keys: &mongodb::Collection<Document>,
    first: &Document,
    request: &str,
) -> Result<bool, ApiError> {
    let claimed = first.get_datetime(field::CREATED_AT).ok().copied();
    let abandoned = claimed.is_some_and(|at| {
        bson::DateTime::now().timestamp_millis() - at.timestamp_millis()
            > ABANDONED_AFTER.as_millis() as i64
    });
    if !abandoned
        || first.get(field::STATUS) != Some(&Bson::Null)
        || first.get_str(field::REQUEST_HASH) != Ok(request)
    {
        return Ok(false);
    }
    let taken = keys
        .update_one(
            doc! { field::ID: first.get(field::ID), field::STATUS: Bson::Null, field::CREATED_AT: claimed },
            doc! { "$set": { field::CREATED_AT: bson::DateTime::now() } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    Ok(taken.modified_count == 1)
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
