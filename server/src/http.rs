//! The HTTP service: routes, limits and a graceful shutdown. Stateless: every request is
//! answered from the central database, so gateways run side by side behind a load
//! balancer.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use axum_server::tls_rustls::RustlsConfig;
use bson::oid::ObjectId;
use sellsync_central::Central;
use serde_json::{json, Value};
use tokio::sync::OwnedMutexGuard;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::{info, warn, Level};

use crate::api::{self, limit::RateLimit};
use crate::auth::{Callers, LastUsed};
use crate::error::{ApiError, Result, ServerError};
use crate::sync;

/// The largest request body: a till's batch of outbox operations fits with room to spare.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;
/// A request that takes longer is answered 408 and its work dropped.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler shares: the central database, this gateway's record of recent
/// uses of keys and credentials, its rate limit per key, and whose turn it is to push.
pub struct Service {
    pub central: Central,
    /// API keys found lately.
    pub callers: Callers,
    /// Keys' last uses, hourly.
    pub last_used: LastUsed,
    /// Tills' last contacts, to the minute.
    pub tills_seen: LastUsed,
    /// Per API key.
    pub rate_limit: RateLimit,
    /// Per till.
    pub till_rate: RateLimit,
    /// Enrolments, all together.
    pub enrol_rate: RateLimit,
    /// Back-office sign-ins, all together.
    pub sign_in_rate: RateLimit,
    pub turns: Turns,
    /// Whether this gateway terminates TLS itself.
    pub tls: bool,
}

impl Service {
    /// Whether a request with `headers` reached the service over TLS: at this gateway, or
    /// at the load balancer in front of it (`X-Forwarded-Proto: https`). Session cookies
    /// are then marked Secure.
    pub fn secure(&self, headers: &axum::http::HeaderMap) -> bool {
        self.tls
            || headers
                .get("x-forwarded-proto")
                .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"))
    }
}

/// One push at a time per business on this gateway: the tills of a store push batches
/// that count into the same products' stock, and transactions applied side by side would
/// conflict on them and be applied again and again (with a hundred tills, a push in ten
/// went through). Taking turns, each is applied once. Other businesses are not held up.
/// A push that waits longer than [`TURN_WAIT`] is answered 503 with Retry-After: the till
/// keeps its batch and sends it again, rather than holding a connection for the request's
/// whole timeout.
pub struct Turns {
    waiting: std::sync::Mutex<HashMap<ObjectId, Arc<tokio::sync::Mutex<()>>>>,
    patience: Duration,
}

/// How long a push waits for its business's turn.
pub const TURN_WAIT: Duration = Duration::from_secs(5);

impl Turns {
    pub fn new(patience: Duration) -> Turns {
        Turns {
            waiting: Default::default(),
            patience,
        }
    }

    /// Waits for `business`'s turn, which lasts as long as the guard; `busy` after
    /// waiting its patience.
    pub async fn of(&self, business: ObjectId) -> Result<OwnedMutexGuard<()>, ApiError> {
        let turn = {
            let mut waiting = self.waiting.lock().expect("not poisoned");
            Arc::clone(waiting.entry(business).or_default())
        };
        tokio::time::timeout(self.patience, turn.lock_owned())
            .await
            .map_err(|_| ApiError::busy(Duration::from_millis(fastrand::u64(1_000..=4_000))))
    }
}

/// The gateway's routes over `central`, each API key held to `per_second` requests a
/// second (bursts of five seconds' worth); `tls` when the gateway terminates TLS itself.
pub fn router(central: Central, per_second: u32, tls: bool) -> Router {
    let service = Arc::new(Service {
        central,
        callers: Callers::default(),
        last_used: LastUsed::default(),
        tills_seen: LastUsed::every(crate::devices::SEEN_EVERY),
        rate_limit: RateLimit::new(per_second),
        till_rate: RateLimit::new(sync::TILL_RATE),
        enrol_rate: RateLimit::new(sync::ENROL_RATE),
        sign_in_rate: RateLimit::new(api::SIGN_IN_RATE),
        turns: Turns::new(TURN_WAIT),
        tls,
    });
    let (api, openapi) = api::router();
    let openapi = Arc::new(openapi);
    Router::new()
        .route("/health", get(health))
        .route(
            "/v1/openapi.json",
            get(move || {
                let openapi = Arc::clone(&openapi);
                async move { Json(openapi.as_ref().clone()) }
            }),
        )
        .route("/v1/tills/enrol", post(sync::enrol))
        .route("/v1/tills/enrolment-codes", post(sync::enrolment_code))
        .route("/v1/tills/people", post(sync::verify_person))
        .route("/v1/tills/people/{user}", delete(sync::forget_person))
        .route("/v1/sync/push", post(sync::push))
        .route("/v1/sync/pull", post(sync::pull))
        .merge(api)
        .fallback(crate::backoffice::serve)
        .with_state(service)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::map_response(as_problems))
        // A 5xx is the gateway's way of saying "not now" (busy, MongoDB unreachable): a
        // warning, not an error of the gateway itself.
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(Level::WARN)))
}

/// Every refusal as a problem: the body limit's and the timeout's own answers, and what
/// axum's extractors answer in plain text or with no body (a query that does not
/// parse, a path id of the wrong shape), with a stable code and their words as the
/// detail.
async fn as_problems(response: Response) -> Response {
    let status = response.status();
    // A problem, or JSON of its own (the health check's), is the answer already.
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| {
            kind.as_bytes().starts_with(b"application/problem+json")
                || kind.as_bytes().starts_with(b"application/json")
        });
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let problem = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large("body_too_large",
            format!(
                "A request body may hold at most {} MiB: send fewer operations at a time.",
                BODY_LIMIT >> 20
            ),
        ),
        StatusCode::REQUEST_TIMEOUT => ApiError::timeout("timeout",
            format!(
                "The request took longer than {} s and was dropped: send it again (with the same Idempotency-Key).",
                REQUEST_TIMEOUT.as_secs()
            ),
        ),
        _ => {
            let (_, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
            let words = String::from_utf8_lossy(&bytes).trim().to_owned();
            ApiError::other(status, words)
        }
    };
    problem.into_response()
}

/// 200 while the central database answers, 503 (with why) while it does not: what a load
/// balancer asks before sending a gateway work.
async fn health(State(service): State<Arc<Service>>) -> (StatusCode, Json<Value>) {
    match service.central.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "reachable" })),
        ),
        Err(e) => {
            // The operator reads which host in the log; the world is told no host.
            warn!(error = %e, "health: the central database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "code": e.code(),
                    "message": "The central database does not answer.",
                })),
            )
        }
    }
}

/// The gateway's own TLS certificate and key (PEM), when it terminates TLS itself rather
/// than behind a load balancer that does.
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How long requests under way may take to finish once a shutdown is asked for.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves on `address` (over TLS with `tls`) until SIGINT or SIGTERM, then finishes the
/// requests under way.
pub async fn serve(
    central: Central,
    address: &str,
    per_second: u32,
    tls: Option<Tls>,
) -> Result<()> {
    let cannot = |e: std::io::Error| ServerError::Listen {
        address: address.to_owned(),
        reason: e.to_string(),
    };
    let listener = std::net::TcpListener::bind(address).map_err(cannot)?;
    listener.set_nonblocking(true).map_err(cannot)?;
    let local = listener.local_addr().map_err(cannot)?;
    let router = router(central, per_second, tls.is_some());
    let Some(tls) = tls else {
        info!(address = %local, "listening");
        // The line a supervisor (or a test) waits for.
        println!("sellsync-server listening on http://{local}");
        let listener = tokio::net::TcpListener::from_std(listener).map_err(cannot)?;
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(cannot)?;
        info!("stopped");
        return Ok(());
    };
    // One crypto library for TLS, as the MongoDB driver's: ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| ServerError::Tls {
            cert: tls.cert.display().to_string(),
            reason: e.to_string(),
        })?;
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        shutdown().await;
        stopping.graceful_shutdown(Some(DRAIN));
    });
    info!(address = %local, "listening with TLS");
    println!("sellsync-server listening on https://{local}");
    axum_server::from_tcp_rustls(listener, config)
        .map_err(cannot)?
        .handle(handle)
        .serve(router.into_make_service())
        .await
        .map_err(cannot)?;
    info!("stopped");
    Ok(())
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    info!("shutting down: finishing the requests under way");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_push_waits_its_business_turn_and_is_told_to_come_back_when_it_waits_too_long() {
        let turns = Turns::new(Duration::from_millis(50));
        let (ours, theirs) = (ObjectId::new(), ObjectId::new());
        let first = turns.of(ours).await.unwrap();
        // Another business is not held up.
        drop(turns.of(theirs).await.unwrap());
        let busy = turns.of(ours).await.unwrap_err();
        assert_eq!(
            (busy.status, busy.code),
            (StatusCode::SERVICE_UNAVAILABLE, "busy")
        );
        assert!(busy
            .retry_after
            .is_some_and(|wait| wait >= Duration::from_secs(1)));
        drop(first);
        drop(turns.of(ours).await.unwrap());
    }
}
