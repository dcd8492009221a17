//! `/v1/session`: a person signs in to the back office, asks who they are, signs out here
//! or everywhere. The session is a cookie the browser keeps (`sessions.rs`); the answer
//! gives the page the CSRF token its changes carry.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bson::oid::ObjectId;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{body, StoreScoped};
use crate::auth::Credential;
use crate::error::ApiError;
use crate::http::Service;
use crate::second_factor::{self, NewSecondFactor};
use crate::sessions::{self, SessionView};

/// Sign-ins a gateway takes a second, sustained, from everyone: each checks an argon2id
/// hash, and floods of guesses stop here before they cost a core each.
pub const SIGN_IN_RATE: u32 = 5;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// The code of the person's authenticator app, once their second factor is on
    /// (asked for with 401 `second_factor_required`).
    pub code: Option<String>,
}

/// Signs a person in to the back office: the owner, an admin or a store manager, by email
/// and password. The session is the `sellsync_session` cookie (HttpOnly, SameSite=Strict,
/// Secure over TLS); every change made in it carries the answer's `csrf_token` in
/// `X-CSRF-Token`. A wrong email and a wrong password are refused alike; five wrong
/// passwords or codes in a row lock the person out for five minutes.
#[utoipa::path(post, path = "/v1/session", tag = "session", request_body = SignIn,
    responses((status = 201, body = SessionView, headers(("Set-Cookie" = String, description = "The session"))),
        (status = 401, description = "The email and password do not match, or the second factor's code is missing, wrong or used"),
        (status = 403, description = "Locked out after wrong passwords, or not a person of the back office")))]
pub async fn sign_in(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    sign_in_turn(&service)?;
    let request: SignIn = body(&bytes)?;
    let signed_in = sessions::sign_in(
        &service.central,
        &request.email,
        &request.password,
        request.code.as_deref(),
    )
    .await?;
    let cookie = sessions::set_cookie(Some(&signed_in.secret), service.secure(&headers));
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        Json(signed_in.session),
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// The code of the link (what follows its `#`).
    pub code: String,
    /// At least 8 characters.
    pub password: String,
}

/// Sets a person's back-office password with a one-time link's code (the operator's
/// `admin password-link` makes one for an owner). The link is then used up, and every
/// session of the person ended.
#[utoipa::path(post, path = "/v1/session/password", tag = "session", request_body = SetPassword,
    responses((status = 204, description = "The password is set: sign in with it"),
        (status = 400, description = "A password shorter than 8 characters"),
        (status = 404, description = "The link was used already, has expired or is not one")))]
pub async fn set_password(
    State(service): State<Arc<Service>>,
    bytes: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    sign_in_turn(&service)?;
    let request: SetPassword = body(&bytes)?;
    sessions::set_password(&service.central, &request.code, &request.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who is signed in, until when, and the CSRF token their changes carry.
#[utoipa::path(get, path = "/v1/session", tag = "session",
    security(("session" = [])), responses((status = 200, body = SessionView)))]
pub async fn get_session(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
) -> Result<Json<SessionView>, ApiError> {
    let id = session_id(&caller.credential)?;
    sessions::view(&service.central, caller.business_id, id)
        .await
        .map(Json)
}

/// Signs out of this session.
#[utoipa::path(delete, path = "/v1/session", tag = "session",
    security(("session" = [])), responses((status = 204, headers(("Set-Cookie" = String, description = "The cookie taken back")))))]
pub async fn sign_out(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = session_id(&caller.credential)?;
    sessions::end(&service.central, id).await?;
    service
        .callers
        .forget(|c| matches!(c.credential, Credential::Session { id: s, .. } if s == id));
    Ok(signed_out(&service, &headers))
}

/// Signs the person out of every session they have, on every browser: at once here,
/// within a few seconds on every gateway.
#[utoipa::path(delete, path = "/v1/sessions", tag = "session",
    security(("session" = [])), responses((status = 204, headers(("Set-Cookie" = String, description = "The cookie taken back")))))]
pub async fn sign_out_everywhere(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let person = session_person(&caller)?;
    sessions::end_everywhere(&service.central, caller.business_id, person).await?;
    service
        .callers
        .forget(|c| matches!(c.credential, Credential::Session { .. }) && c.person == Some(person));
    Ok(signed_out(&service, &headers))
}

/// Begins the signed-in person's second factor: a new secret for their authenticator
/// app, which signing in asks a code of once `PUT /v1/session/second-factor` has taken
/// the first one. Refused while one is on.
#[utoipa::path(post, path = "/v1/session/second-factor", tag = "session",
    security(("session" = [])),
    responses((status = 201, body = NewSecondFactor),
        (status = 409, description = "A second factor is on already: turn it off first")))]
pub async fn begin_second_factor(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
) -> Result<(StatusCode, Json<NewSecondFactor>), ApiError> {
    // The person's email, as the app will show the codes under it.
    let view = sessions::view(
        &service.central,
        caller.business_id,
        session_id(&caller.credential)?,
    )
    .await?;
    let made = second_factor::begin(
        &service.central,
        caller.business_id,
        session_person(&caller)?,
        &view.person.email,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// A code of the person's authenticator app.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorCode {
    /// Six digits.
    pub code: String,
}

/// Turns the second factor begun on, with the first code the app shows.
#[utoipa::path(put, path = "/v1/session/second-factor", tag = "session",
    request_body = SecondFactorCode, security(("session" = [])),
    responses((status = 204, description = "On: signing in now takes a code"),
        (status = 401, description = "A wrong or used code"),
        (status = 404, description = "No second factor begun")))]
pub async fn turn_on_second_factor(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    bytes: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let request: SecondFactorCode = body(&bytes)?;
    second_factor::turn_on(&service.central, session_person(&caller)?, &request.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns the person's second factor off, with a code of it.
#[utoipa::path(delete, path = "/v1/session/second-factor", tag = "session",
    request_body = SecondFactorCode, security(("session" = [])),
    responses((status = 204, description = "Off: signing in takes the password alone"),
        (status = 401, description = "A wrong or used code"),
        (status = 404, description = "No second factor on")))]
pub async fn turn_off_second_factor(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    bytes: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let request: SecondFactorCode = body(&bytes)?;
    second_factor::turn_off(&service.central, session_person(&caller)?, &request.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The person signed in in `caller`'s session (a key has none).
fn session_person(caller: &crate::auth::Caller) -> Result<ObjectId, ApiError> {
    session_id(&caller.credential)?;
    caller.person.ok_or_else(sessions::expired)
}

fn signed_out(service: &Service, headers: &HeaderMap) -> Response {
    let cookie = sessions::set_cookie(None, service.secure(headers));
    (StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response()
}

/// A sign-in's turn, or its refusal past [`SIGN_IN_RATE`]. One bucket for every sign-in and
/// password link this gateway takes: they carry no credential yet.
fn sign_in_turn(service: &Service) -> Result<(), ApiError> {
    service
        .sign_in_rate
        .take(ObjectId::from_bytes([0; 12]), Instant::now())
        .map_err(|wait| ApiError::too_many("Sign-ins here", wait))
}

/// The session called with; an API key has none.
fn session_id(credential: &Credential) -> Result<ObjectId, ApiError> {
    match credential {
        Credential::Session { id, .. } => Ok(*id),
        Credential::Key(_) => Err(ApiError::bad_request(
            "not_a_session",
            "An API key has no session: this route is the back office's.",
        )),
    }
}
