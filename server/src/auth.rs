//! Who is calling the business REST API: a program with its bearer key, checked for its
//! form before the database is asked, then found by its hash among the active keys; or a
//! person signed in to the back office, by their session's cookie (`sessions.rs`), whose
//! changes must carry the session's CSRF token. The business comes from the key or the
//! session and from nowhere else; its subscription must be active, and a key's plan must
//! include the API. `last_used` is written at most once an hour per key and gateway.
//!
//! What a key or session was found to be is kept by each gateway for [`CALLER_FOR`]
//! ([`Callers`]), so a page read costs the page's query alone: a key revoked, a session
//! ended, a person's role changed, a plan changed or a subscription ended takes effect
//! within that time on every gateway, and at once on the gateway that revoked the key or
//! ended the session. Only callers found good are kept; an unknown or refused credential
//! is looked up every time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};
use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono_tz::Tz;
use sellsync_central::Central;
use sellsync_contract::documents::{field, BusinessDoc, Collection};
use sellsync_contract::Currency;
use tracing::warn;

use crate::api::Scope;
use crate::error::ApiError;
use crate::keys::{self, Kind};
use crate::plans::Plan;
use crate::sessions::{self, Standing};

/// How often a key's `last_used` is written, at most, by one gateway.
const LAST_USED_EVERY: Duration = Duration::from_secs(3600);
/// How long a gateway keeps what a key was found to be.
pub const CALLER_FOR: Duration = Duration::from_secs(5);
/// The most keys a gateway keeps; past it, the oldest half is let go.
const CALLERS_KEPT: usize = 10_000;

/// A caller the API answers: the key or session, and the business it belongs to.
#[derive(Debug, Clone)]
pub struct Caller {
    pub business_id: ObjectId,
    pub credential: Credential,
    pub scopes: Vec<String>,
    /// The person the key was made for (`created_by`), or who signed in: a key made
    /// through the API is theirs.
    pub person: Option<ObjectId>,
    /// The business's owner, whose keys only their own keys revoke.
    pub owner: Option<ObjectId>,
    pub plan: Plan,
    /// The business's currency, for the amounts of what it writes.
    pub currency: Currency,
    /// The business's time zone, in which a day of a query begins and ends.
    pub timezone: Tz,
}

/// What a caller called with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key, business-wide.
    Key(ObjectId),
    /// A person's session in the back office; a store manager's sees `store` alone.
    Session {
        id: ObjectId,
        store: Option<ObjectId>,
        standing: Standing,
        /// The CSRF token its changes carry.
        csrf_token: String,
    },
}

impl Caller {
    /// The key, or the person signed in: what a rate and an `Idempotency-Key` count by.
    pub fn counted_as(&self) -> ObjectId {
        match self.credential {
            Credential::Key(id) => id,
            Credential::Session { id, .. } => self.person.unwrap_or(id),
        }
    }

    /// The API key called with, if it was one.
    pub fn key_id(&self) -> Option<ObjectId> {
        match self.credential {
            Credential::Key(id) => Some(id),
            Credential::Session { .. } => None,
        }
    }

    /// Refused unless a person signed in to the back office is calling: what only a
    /// verified person may do (tills, staff) is never a program's with an API key.
    pub fn must_be_a_person(&self) -> Result<(), ApiError> {
        match self.credential {
            Credential::Session { .. } => Ok(()),
            Credential::Key(_) => Err(ApiError::forbidden(
                "a_persons_errand",
                "A person signed in to the back office does this, not a program with an API key.",
            )),
        }
    }

    /// The one store a store manager sees; none for every other caller, who see all.
    pub fn store(&self) -> Option<ObjectId> {
        match self.credential {
            Credential::Session { store, .. } => store,
            Credential::Key(_) => None,
        }
    }
}

/// When each key's (or device's) `last_used` was last written by this gateway, and how
/// often it is written at most.
pub struct LastUsed {
    seen: Mutex<HashMap<ObjectId, Instant>>,
    every: Duration,
}

impl Default for LastUsed {
    /// A key's: hourly.
    fn default() -> LastUsed {
        LastUsed::every(LAST_USED_EVERY)
    }
}

impl LastUsed {
    /// Written at most once `every` per id.
    pub fn every(every: Duration) -> LastUsed {
        LastUsed {
            seen: Mutex::default(),
            every,
        }
    }

    /// Whether `id`'s use should be written now: not if this gateway did within its time.
    pub fn due(&self, id: ObjectId) -> bool {
        let mut seen = self.seen.lock().expect("not poisoned");
        let now = Instant::now();
        if seen
            .get(&id)
            .is_some_and(|at| now.duration_since(*at) < self.every)
        {
            return false;
        }
        seen.insert(id, now);
        true
    }
}

/// The callers this gateway found lately, by their key's hash, with when.
#[derive(Default)]
pub struct Callers(Mutex<HashMap<String, (Caller, Instant)>>);

impl Callers {
    fn get(&self, hash: &str, now: Instant) -> Option<Caller> {
        let kept = self.0.lock().expect("not poisoned");
        kept.get(hash)
            .filter(|(_, at)| now.duration_since(*at) < CALLER_FOR)
            .map(|(caller, _)| caller.clone())
    }

    fn keep(&self, hash: String, caller: Caller, now: Instant) {
        let mut kept = self.0.lock().expect("not poisoned");
        if kept.len() >= CALLERS_KEPT {
            kept.retain(|_, (_, at)| now.duration_since(*at) < CALLER_FOR / 2);
        }
        kept.insert(hash, (caller, now));
    }

    /// Lets go of the callers `which` picks (a key revoked, sessions ended here):
    /// refused from the next request.
    pub fn forget(&self, which: impl Fn(&Caller) -> bool) {
        let mut kept = self.0.lock().expect("not poisoned");
        kept.retain(|_, (caller, _)| !which(caller));
    }
}

/// The caller of a request with `headers` (a change unless `safe`), or why it is
/// refused: as this gateway found it within [`CALLER_FOR`], or as the database says now.
/// A bearer key is asked for first; without one, a back-office session's cookie.
pub async fn caller(
    central: &Central,
    callers: &Callers,
    last_used: &LastUsed,
    headers: &HeaderMap,
    safe: bool,
) -> Result<Caller, ApiError> {
    let session = match sessions::cookie(headers) {
        Some(secret) if !headers.contains_key(header::AUTHORIZATION) => Some(secret),
        _ => None,
    };
    let hash = match session {
        Some(secret) => sessions::hash_of(secret)?,
        None => keys::parse(Kind::ApiKey, bearer(headers, Kind::ApiKey)?)?,
    };
    let now = Instant::now();
    let caller = match callers.get(&hash, now) {
        Some(caller) => caller,
        None => {
            let caller = match session {
                Some(_) => signed_in(central, &hash).await?,
                None => look_up(central, last_used, &hash).await?,
            };
            callers.keep(hash.clone(), caller.clone(), now);
            caller
        }
    };
    if let Credential::Session { csrf_token, .. } = &caller.credential {
        if !safe && !sessions::carries_csrf(headers, csrf_token) {
            return Err(ApiError::forbidden(
                "csrf_token_missing",
                format!(
                    "A change made in a session carries its CSRF token in {}: reload the page and try again.",
                    sessions::CSRF_HEADER
                ),
            ));
        }
    }
    Ok(caller)
}

/// The caller a back-office session whose cookie hashes to `hash` is, as the database
/// says now.
async fn signed_in(central: &Central, hash: &str) -> Result<Caller, ApiError> {
    let session = sessions::find(central, hash).await?;
    let business = active_business(central, session.business_id).await?;
    let person = sessions::person_of(central, &session, &business).await?;
    let settings = BusinessDoc::from_document(&business)
        .map(|b| b.settings)
        .map_err(ApiError::unavailable)?;
    let scopes: &[Scope] = match person.standing {
        Standing::Owner | Standing::Admin => &Scope::ALL,
        Standing::Manager => &[Scope::Read, Scope::Write],
    };
    Ok(Caller {
        business_id: session.business_id,
        credential: Credential::Session {
            id: session.id,
            store: person
                .store_id
                .as_deref()
                .and_then(|s| ObjectId::parse_str(s).ok()),
            standing: person.standing,
            csrf_token: session.csrf_token,
        },
        scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        person: Some(session.user_id),
        owner: business.get_object_id(field::BUSINESS_OWNER).ok(),
        plan: Plan::of(&business),
        currency: settings.currency,
        timezone: settings.timezone,
    })
}

/// The caller whose key hashes to `hash`, as the database says.
async fn look_up(central: &Central, last_used: &LastUsed, hash: &str) -> Result<Caller, ApiError> {
    let db = central.database();
    let key = db
        .collection::<Document>(Collection::ApiKeys.name())
        .find_one(doc! { field::KEY_HASH: hash })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::unauthorized("unknown_api_key", "This API key is not known."))?;
    if key.get_str(field::STATUS) != Ok("active") {
        return Err(ApiError::unauthorized(
            "api_key_revoked",
            "This API key was revoked: ask the business's admin for a new one.",
        ));
    }
    let (Ok(key_id), Ok(business_id)) = (
        key.get_object_id(field::ID),
        key.get_object_id(field::BUSINESS_ID),
    ) else {
        return Err(ApiError::unavailable(
            "an api_keys document without its ids",
        ));
    };
    let business = active_business(central, business_id).await?;
    let plan = Plan::of(&business);
    if !plan.limits().rest_api {
        return Err(ApiError::forbidden(
            "plan_without_api",
            format!(
                "The {} plan has no REST API access: Standard and Premium have.",
                plan.as_str()
            ),
        ));
    }
    let settings = BusinessDoc::from_document(&business)
        .map(|b| b.settings)
        .map_err(ApiError::unavailable)?;
    touch(central, last_used, key_id).await;
    Ok(Caller {
        business_id,
        credential: Credential::Key(key_id),
        plan,
        currency: settings.currency,
        timezone: settings.timezone,
        person: key.get_object_id(field::CREATED_BY).ok(),
        owner: business.get_object_id(field::BUSINESS_OWNER).ok(),
        scopes: key
            .get_array(field::SCOPES)
            .map(|s| {
                s.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The business `business_id`, if its subscription is active: an expired or cancelled
/// one stops syncing and the API (the tills keep selling and keep their outbox).
pub async fn active_business(
    central: &Central,
    business_id: ObjectId,
) -> Result<Document, ApiError> {
    let business = central
        .database()
        .collection::<Document>(Collection::Businesses.name())
        .find_one(doc! { field::ID: business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "unknown_business",
                "This credential's business is not known.",
            )
        })?;
    let status = business
        .get_str(field::SUBSCRIPTION_STATUS)
        .unwrap_or("active");
    if status != "active" {
        return Err(ApiError::payment_required("subscription_inactive",
            format!("The business's subscription is {status}: renew it to sync and use the API. The tills keep selling and keep their changes until then."),
        ));
    }
    Ok(business)
}

/// The bearer token of a request, or why there is none.
pub fn bearer(headers: &HeaderMap, kind: Kind) -> Result<&str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::unauthorized(
                match kind {
                    Kind::Device => "missing_device_credential",
                    _ => "missing_api_key",
                },
                format!("Send the {} as Authorization: Bearer ….", kind.noun()),
            )
        })
}

/// Records that the key was used, unless this gateway did within the hour.
async fn touch(central: &Central, last_used: &LastUsed, key: ObjectId) {
    if !last_used.due(key) {
        return;
    }
    let written = central
        .database()
        .collection::<Document>(Collection::ApiKeys.name())
        .update_one(
            doc! { field::ID: key },
            doc! { "$set": { field::LAST_USED: bson::DateTime::now() } },
        )
        .await;
    if let Err(error) = written {
        warn!(%error, "a key's last use was not recorded");
    }
}
