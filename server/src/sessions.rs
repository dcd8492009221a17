//! People signed in to the back office: the business's owner, its admins (every store) and
//! its store managers (their store), by email and password. A session is a random secret
//! in an HttpOnly, SameSite=Strict cookie (Secure when the gateway is reached over TLS),
//! stored only as its hash; every change a session makes carries its CSRF token in
//! [`CSRF_HEADER`], which the page reads from the sign-in's answer and a page of another
//! site cannot. A wrong email and a wrong password are refused in the same words; wrong
//! passwords count toward the same lockout as wrong PINs at a till (`people.rs`).
//!
//! **`sessions`** (Sell Sync's own): `_id`, `token_hash` (SHA-256 of the cookie's secret),
//! `csrf_token` (useless without the cookie, which only its hash finds), `business_id`, `user_id`, `created_at`, `expires_at`
//! (a TTL index lets MongoDB remove it after). Ending one deletes it; signing out
//! everywhere deletes all of the person's. What a session was found to be is kept by each
//! gateway for [`crate::auth::CALLER_FOR`], as a key is, so an ended session is refused
//! at once by the gateway that ended it and within that time by the others.

use axum::http::{header, HeaderMap, HeaderValue};
use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono::{DateTime, Duration, Utc};
use sellsync_central::Central;
use sellsync_contract::credentials::{check_password, hash_secret, normalize_email, verify_secret};
use sellsync_contract::documents::{field, Collection, UserDoc};
use sellsync_contract::roles::{Permission, Role};
use sellsync_contract::secrets::{self as keys, Kind};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::{info, warn};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::people::{self, WrongTry};
use crate::second_factor;

pub const SESSIONS: &str = "sessions";
/// The session cookie's name.
pub const COOKIE: &str = "sellsync_session";
/// The header every change made in a session carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts from its sign-in: a working day.
pub const SESSION_FOR: Duration = Duration::hours(12);

const CSRF_TOKEN: &str = "csrf_token";

/// What a person is to the back office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The business's owner: everything, every store.
    Owner,
    /// Everything, every store.
    Admin,
    /// Their own store's pages and nothing else.
    Manager,
}

/// The person signed in, as the back office shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
    pub standing: Standing,
    /// A manager's store; none for the owner and admins, who see every store.
    pub store_id: Option<String>,
    /// Whether they manage staff: the owner and admins everyone, a store manager given
    /// `manage_users` their store's cashiers.
    pub manages_staff: bool,
}

/// A session just begun: its cookie's secret (never shown anywhere else) and what the page
/// is told.
pub struct SignedIn {
    pub secret: String,
    pub session: SessionView,
}

/// What the page is told of its session: who, until when, and the CSRF token its changes
/// carry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub person: Person,
    /// Whether signing in takes a code from the person's authenticator app too.
    pub second_factor: bool,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A session found by its cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: ObjectId,
    pub business_id: ObjectId,
    pub user_id: ObjectId,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Why a sign-in is refused, in the same words whether the email or the password was
/// wrong.
fn wrong() -> ApiError {
    ApiError::unauthorized(
        "wrong_email_or_password",
        "That email and password do not match a person of the back office.",
    )
}

/// Signs `email` in with `password`, and `code` when their second factor is on
/// (`second_factor.rs`): a person of a business who may use the back office (its owner,
/// an admin, or a manager of a store) with a password set. A wrong code counts toward
/// the lockout as a wrong password does.
pub async fn sign_in(
    central: &Central,
    email: &str,
    password: &str,
    code: Option<&str>,
) -> Result<SignedIn, ApiError> {
    let email = normalize_email(email).ok_or_else(wrong)?;
    let db = central.database();
    // An email is unique within a business; a person of several businesses signs in to
    // the first that has their password right.
    let mut found: Vec<Document> = Vec::new();
    let mut cursor = db
        .collection::<Document>(Collection::Users.name())
        .find(doc! { field::EMAIL: &email })
        .limit(10)
        .await
        .map_err(ApiError::unavailable)?;
    while cursor.advance().await.map_err(ApiError::unavailable)? {
        found.push(
            cursor
                .deserialize_current()
                .map_err(ApiError::unavailable)?,
        );
    }
    let now = Utc::now();
    let mut tried_a_hash = false;
    for document in found {
        let Ok(user) = UserDoc::from_document(&document) else {
            continue;
        };
        let Some(hash) = user.password_hash.clone() else {
            continue;
        };
        tried_a_hash = true;
        let (user_id, business_id) = (user.id.object_id(), user.business_id.object_id());
        if let Some(until) = people::locked_until(central, user_id, now).await? {
            return Err(people::locked(until));
        }
        let tried = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_secret(&tried, &hash))
            .await
            .map_err(ApiError::unavailable)?;
        let wrong_try = || async {
            match people::count_wrong_try(central, Some(business_id), user_id, now).await? {
                WrongTry::Locked(until) => {
                    warn!(user = %user_id, "a person locked out of the back office after repeated wrong tries");
                    Err(people::locked(until))
                }
                WrongTry::Left(_) => Ok(()),
            }
        };
        if !matches {
            wrong_try().await?;
            continue;
        }
        let second_factor = second_factor::is_on(central, user_id).await?;
        if second_factor {
            let code = code.filter(|c| !c.trim().is_empty()).ok_or_else(|| {
                ApiError::unauthorized(
                    "second_factor_required",
                    "Enter the six-digit code your authenticator app shows.",
                )
            })?;
            if let Err(refused) = second_factor::check(central, user_id, code).await {
                wrong_try().await?;
                return Err(refused);
            }
        }
        people::clear_wrong_tries(central, user_id).await?;
        let business = crate::auth::active_business(central, business_id).await?;
        let person = person(&user, &business)?;
        return begin(central, business_id, user_id, person, second_factor, now).await;
    }
    if !tried_a_hash {
        // No one signs in with this email: refused as slowly, and locked as soon, as a
        // person is.
        let stranger = stranger(&email);
        if let Some(until) = people::locked_until(central, stranger, now).await? {
            return Err(people::locked(until));
        }
        let dummy = password.to_owned();
        tokio::task::spawn_blocking(move || verify_secret(&dummy, &NO_ONES_HASH))
            .await
            .map_err(ApiError::unavailable)?;
        if let WrongTry::Locked(until) =
            people::count_wrong_try(central, None, stranger, now).await?
        {
            return Err(people::locked(until));
        }
    }
    Err(wrong())
}

/// A hash no password matches, checked for an email no one has, so that a wrong email
/// takes as long to refuse as a wrong password.
static NO_ONES_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_secret("no one signs in with this").expect("argon2 hashes a constant")
});

/// Where wrong tries at an email no person of the back office has are counted: an id made
/// from the email, so that they lock it as a person's lock them, and a lockout tells
/// nothing of which emails exist.
fn stranger(email: &str) -> ObjectId {
    let digest = Sha256::digest(format!("back-office sign-in: {email}"));
    let mut bytes = [0u8; 12];
    bytes.copy_from_slice(&digest[..12]);
    ObjectId::from_bytes(bytes)
}

/// `user` of `business` as the back office sees them, or why they may not use it.
fn person(user: &UserDoc, business: &Document) -> Result<Person, ApiError> {
    let owner = business.get_object_id(field::BUSINESS_OWNER).ok();
    let standing =
        match user.role {
            _ if owner == Some(user.id.object_id()) => Standing::Owner,
            Role::Admin => Standing::Admin,
            Role::Manager if user.store_id.is_some() => Standing::Manager,
            Role::Manager => {
                return Err(ApiError::forbidden(
                    "manager_without_store",
                    "A manager uses the back office once they belong to a store: ask an admin.",
                ))
            }
            Role::Cashier => return Err(ApiError::forbidden(
                "cashier_in_back_office",
                "Cashiers work at the till: the back office is for the owner, admins and managers.",
            )),
        };
    Ok(Person {
        id: user.id.object_id().to_hex(),
        name: user.name.clone(),
        email: user.email.clone(),
        standing,
        store_id: match standing {
            Standing::Manager => user.store_id.map(|s| s.object_id().to_hex()),
            Standing::Owner | Standing::Admin => None,
        },
        manages_staff: standing != Standing::Manager
            || user.permissions.contains(&Permission::ManageUsers),
    })
}

/// Stores a new session of `user` and answers its secrets.
async fn begin(
    central: &Central,
    business_id: ObjectId,
    user_id: ObjectId,
    person: Person,
    second_factor: bool,
    now: DateTime<Utc>,
) -> Result<SignedIn, ApiError> {
    let token = keys::generate(Kind::Session).map_err(ApiError::unavailable)?;
    let csrf = keys::generate(Kind::Session).map_err(ApiError::unavailable)?;
    let expires_at = now + SESSION_FOR;
    central
        .database()
        .collection::<Document>(SESSIONS)
        .insert_one(doc! {
            field::ID: ObjectId::new(),
            field::TOKEN_HASH: &token.hash,
            CSRF_TOKEN: &csrf.secret,
            field::BUSINESS_ID: business_id,
            field::USER_ID: user_id,
            field::CREATED_AT: bson::DateTime::from_chrono(now),
            field::EXPIRES_AT: bson::DateTime::from_chrono(expires_at),
        })
        .await
        .map_err(ApiError::unavailable)?;
    info!(business = %business_id, user = %user_id, "a person signed in to the back office");
    Ok(SignedIn {
        secret: token.secret,
        session: SessionView {
            person,
            second_factor,
            csrf_token: csrf.secret,
            expires_at,
        },
    })
}

/// The session cookie's secret in `headers`, if one was sent.
pub fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

/// The hash to look a session's cookie up by, once its form is right.
pub fn hash_of(secret: &str) -> Result<String, ApiError> {
    keys::parse(Kind::Session, secret).map_err(|_| expired())
}

/// The session whose cookie hashes to `hash`, while it lasts.
pub async fn find(central: &Central, hash: &str) -> Result<Session, ApiError> {
    let found = central
        .database()
        .collection::<Document>(SESSIONS)
        .find_one(
            doc! { field::TOKEN_HASH: hash, field::EXPIRES_AT: { "$gt": bson::DateTime::now() } },
        )
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(expired)?;
    read(&found)
}

/// A `sessions` document as a [`Session`].
fn read(found: &Document) -> Result<Session, ApiError> {
    let (Ok(id), Ok(business_id), Ok(user_id), Ok(csrf_token), Ok(expires_at)) = (
        found.get_object_id(field::ID),
        found.get_object_id(field::BUSINESS_ID),
        found.get_object_id(field::USER_ID),
        found.get_str(CSRF_TOKEN),
        found.get_datetime(field::EXPIRES_AT),
    ) else {
        return Err(ApiError::unavailable(
            "a sessions document without its fields",
        ));
    };
    Ok(Session {
        id,
        business_id,
        user_id,
        csrf_token: csrf_token.to_owned(),
        expires_at: expires_at.to_chrono(),
    })
}

/// The person of `session` (of `business`, as read now) as the database says now: a
/// person removed, made a cashier or moved out of every store is signed out by it.
pub async fn person_of(
    central: &Central,
    session: &Session,
    business: &Document,
) -> Result<Person, ApiError> {
    let found = central
        .database()
        .collection::<Document>(Collection::Users.name())
        .find_one(doc! { field::ID: session.user_id, field::BUSINESS_ID: session.business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(expired)?;
    let user = UserDoc::from_document(&found).map_err(ApiError::unavailable)?;
    person(&user, business)
}

/// Whether a change's `headers` carry the session's CSRF token `expected` (compared in
/// time that does not tell how much of it was right).
pub fn carries_csrf(headers: &HeaderMap, expected: &str) -> bool {
    let Some(given) = headers.get(CSRF_HEADER).map(HeaderValue::as_bytes) else {
        return false;
    };
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected.as_bytes())
            .fold(0_u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

/// The refusal of a session that is not (or no longer) one.
pub fn expired() -> ApiError {
    ApiError::unauthorized("session_expired", "Your session has ended: sign in again.")
}

/// Ends the session `id`.
pub async fn end(central: &Central, id: ObjectId) -> Result<(), ApiError> {
    central
        .database()
        .collection::<Document>(SESSIONS)
        .delete_one(doc! { field::ID: id })
        .await
        .map_err(ApiError::unavailable)?;
    Ok(())
}

/// Ends every session of `user`: signed out everywhere. How many there were.
pub async fn end_everywhere(
    central: &Central,
    business: ObjectId,
    user: ObjectId,
) -> Result<u64, ApiError> {
    let ended = central
        .database()
        .collection::<Document>(SESSIONS)
        .delete_many(doc! { field::BUSINESS_ID: business, field::USER_ID: user })
        .await
        .map_err(ApiError::unavailable)?;
    info!(%business, %user, ended = ended.deleted_count, "a person signed out everywhere");
    Ok(ended.deleted_count)
}

/// The `Set-Cookie` that gives the browser `secret` (or, with none, takes it back).
pub fn set_cookie(secret: Option<&str>, secure: bool) -> HeaderValue {
    let (value, age) = match secret {
        Some(secret) => (secret, SESSION_FOR.num_seconds()),
        None => ("", 0),
    };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; Max-Age={age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("a cookie of the secret's alphabet")
}

/// What the page is told of the session `id` of `business`, as it is now.
pub async fn view(
    central: &Central,
    business: ObjectId,
    id: ObjectId,
) -> Result<SessionView, ApiError> {
    let found = central
        .database()
        .collection::<Document>(SESSIONS)
        .find_one(doc! {
            field::ID: id,
            field::BUSINESS_ID: business,
            field::EXPIRES_AT: { "$gt": bson::DateTime::now() },
        })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(expired)?;
    let session = read(&found)?;
    let business = crate::auth::active_business(central, business).await?;
    Ok(SessionView {
        person: person_of(central, &session, &business).await?,
        second_factor: second_factor::is_on(central, session.user_id).await?,
        csrf_token: session.csrf_token,
        expires_at: session.expires_at,
    })
}

/// **`password_links`** (Sell Sync's own): a one-time link that sets a person's password:
/// `_id`, `code_hash`, `business_id`, `user_id`, `expires_at` (a TTL index removes it).
pub const PASSWORD_LINKS: &str = "password_links";
/// How long a password link works.
pub const LINK_FOR: Duration = Duration::hours(24);
const CODE_HASH: &str = "code_hash";

/// A one-time code that lets the person `email` of `business` set their back-office
/// password within [`LINK_FOR`]: made by the operator for an owner (`admin
/// password-link`).
pub async fn password_link(
    central: &Central,
    business: ObjectId,
    email: &str,
) -> Result<String, ApiError> {
    let user_id = user_by_email(central, business, email).await?;
    password_link_for(central, business, user_id)
        .await
        .map(|(code, _)| code)
}

/// The id of the person `email` of `business`, for the operator's commands. Another
/// business's person answers as one that does not exist.
pub async fn user_by_email(
    central: &Central,
    business: ObjectId,
    email: &str,
) -> Result<ObjectId, ApiError> {
    let unknown = || ApiError::not_found("unknown_user", "No one of this business has that email.");
    let email = normalize_email(email).ok_or_else(unknown)?;
    central
        .database()
        .collection::<Document>(Collection::Users.name())
        .find_one(doc! { field::BUSINESS_ID: business, field::EMAIL: &email })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(unknown)?
        .get_object_id(field::ID)
        .map_err(ApiError::unavailable)
}

/// A one-time code that lets the person `user` of `business` set their back-office
/// password within [`LINK_FOR`] (an admin's, from the staff page), and until when.
pub async fn password_link_for(
    central: &Central,
    business: ObjectId,
    user: ObjectId,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let db = central.database();
    let found = db
        .collection::<Document>(Collection::Users.name())
        .count_documents(doc! { field::ID: user, field::BUSINESS_ID: business })
        .await
        .map_err(ApiError::unavailable)?;
    if found == 0 {
        return Err(ApiError::not_found(
            "not_found",
            "There is no person with this id.",
        ));
    }
    let code = keys::generate(Kind::PasswordLink).map_err(ApiError::unavailable)?;
    let expires_at = Utc::now() + LINK_FOR;
    db.collection::<Document>(PASSWORD_LINKS)
        .insert_one(doc! {
            field::ID: ObjectId::new(),
            CODE_HASH: &code.hash,
            field::BUSINESS_ID: business,
            field::USER_ID: user,
            field::EXPIRES_AT: bson::DateTime::from_chrono(expires_at),
        })
        .await
        .map_err(ApiError::unavailable)?;
    info!(%business, %user, "a password link made");
    Ok((code.secret, expires_at))
}

/// Sets the password of the person a link's `code` was made for, once: the link is used
/// up, their wrong tries forgotten and every session of theirs ended.
pub async fn set_password(central: &Central, code: &str, password: &str) -> Result<(), ApiError> {
    let used = || {
        ApiError::not_found(
            "password_link_used",
            "This link was used already or has expired: ask for a new one.",
        )
    };
    check_password(password).map_err(|e| ApiError::bad_request("weak_password", e.to_string()))?;
    let hash = keys::parse(Kind::PasswordLink, code).map_err(|_| used())?;
    let db = central.database();
    // Taken once: a second use finds nothing.
    let link = db
        .collection::<Document>(PASSWORD_LINKS)
        .find_one_and_delete(
            doc! { CODE_HASH: &hash, field::EXPIRES_AT: { "$gt": bson::DateTime::now() } },
        )
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(used)?;
    let (Ok(business), Ok(user)) = (
        link.get_object_id(field::BUSINESS_ID),
        link.get_object_id(field::USER_ID),
    ) else {
        return Err(ApiError::unavailable(
            "a password_links document without its ids",
        ));
    };
    let password = password.to_owned();
    let hashed = tokio::task::spawn_blocking(move || hash_secret(&password))
        .await
        .map_err(ApiError::unavailable)?
        .map_err(ApiError::unavailable)?;
    let set = db
        .collection::<Document>(Collection::Users.name())
        .update_one(
            doc! { field::ID: user, field::BUSINESS_ID: business },
            doc! { "$set": { field::PASSWORD_HASH: hashed } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    if set.matched_count == 0 {
        return Err(used());
    }
    people::clear_wrong_tries(central, user).await?;
    end_everywhere(central, business, user).await?;
    info!(%business, %user, "a person set their password by a link");
    Ok(())
}
