//! People the central service has verified at a till. A till's device credential lets it
//! push what a till may do alone; what only a person may allow (staff, API keys, payment
//! methods, business-wide products) goes through only while a person with the permission
//! has proved, here, at that till, within [`VERIFIED_FOR`], that they are who the
//! operation says made it: their email and PIN or password checked against central's
//! hash, with a lockout after [`MAX_FAILED_ATTEMPTS`] wrong tries in a row.
//!
//! Two collections of Sell Sync's own (shapes below): `verifications` (a
//! person verified at a device, until when) and `person_lockouts` (wrong tries in a row).
//!
//! **`verifications`** (Sell Sync's own): a person verified at a till: `business_id`,
//! `device_id`, `user_id`, `expires_at`, `created_at`. **`person_lockouts`**: `_id` (the
//! user's), `business_id`, `failures` (wrong tries in a row), `locked_until`.

use std::collections::HashSet;

use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono::{DateTime, Duration, Utc};
use sellsync_central::wire::{Verified, VerifyRequest};
use sellsync_central::Central;
use sellsync_contract::credentials::{
    normalize_email, verify_secret, LOCKOUT_MINUTES, MAX_FAILED_ATTEMPTS,
};
use sellsync_contract::documents::{field, Collection, UserDoc};
use tracing::{info, warn};

use crate::devices::Device;
use crate::error::ApiError;

pub const VERIFICATIONS: &str = "verifications";
pub const LOCKOUTS: &str = "person_lockouts";

/// How long a person's verification at a till lets what they allow go through.
pub const VERIFIED_FOR: Duration = Duration::minutes(15);

/// Verifies the person `request` names at the till `device`: a user of its business
/// allowed at its store, with that PIN or password. Another business's or store's user
/// answers as one that does not exist.
pub async fn verify(
    central: &Central,
    device: &Device,
    request: VerifyRequest,
) -> Result<Verified, ApiError> {
    let unknown = || {
        ApiError::unauthorized(
            "unknown_user",
            "No one of this store signs in with that email.",
        )
    };
    let email = normalize_email(&request.email).ok_or_else(unknown)?;
    let db = central.database();
    let found = db
        .collection::<Document>(Collection::Users.name())
        .find_one(doc! { field::BUSINESS_ID: device.business_id, field::EMAIL: &email })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(unknown)?;
    let user = UserDoc::from_document(&found).map_err(|_| unknown())?;
    if user
        .store_id
        .is_some_and(|s| s.object_id() != device.store_id)
    {
        return Err(unknown());
    }
    let user_id = user.id.object_id();
    let now = Utc::now();
    if let Some(until) = locked_until(central, user_id, now).await? {
        return Err(locked(until));
    }
    let (secret, hash) = match (&request.pin, &request.password) {
        (Some(pin), None) => (pin.clone(), user.pin_hash.clone()),
        (None, Some(password)) => (password.clone(), user.password_hash.clone()),
        _ => {
            return Err(ApiError::bad_request(
                "malformed_body",
                "Send the person's PIN or their password.",
            ))
        }
    };
    let matches =
        tokio::task::spawn_blocking(move || hash.is_some_and(|hash| verify_secret(&secret, &hash)))
            .await
            .map_err(ApiError::unavailable)?;
    if !matches {
        return Err(
            match count_wrong_try(central, Some(device.business_id), user_id, now).await? {
                WrongTry::Locked(until) => {
                    warn!(device = %device.id, user = %user_id, "a person locked out after repeated wrong tries at a till");
                    locked(until)
                }
                WrongTry::Left(left) => ApiError::unauthorized("wrong_secret",
                    format!("That is not their PIN or password: {left} tries left before they are locked out for {LOCKOUT_MINUTES} minutes."),
                ),
            },
        );
    }
    clear_wrong_tries(central, user_id).await?;
    let expires_at = now + VERIFIED_FOR;
    db.collection::<Document>(VERIFICATIONS)
        .insert_one(doc! {
            field::ID: ObjectId::new(),
            field::BUSINESS_ID: device.business_id,
            field::DEVICE_ID: device.id,
            field::USER_ID: user_id,
            field::EXPIRES_AT: bson::DateTime::from_chrono(expires_at),
            field::CREATED_AT: bson::DateTime::from_chrono(now),
        })
        .await
        .map_err(ApiError::unavailable)?;
    info!(device = %device.id, user = %user_id, "a person verified at a till");
    Ok(Verified {
        user_id: user_id.to_hex(),
        name: user.name,
        expires_at: expires_at.to_rfc3339(),
    })
}

/// Until when `user` is locked out after too many wrong tries, if they are at `now`.
pub async fn locked_until(
    central: &Central,
    user: ObjectId,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let lockout = central
        .database()
        .collection::<Document>(LOCKOUTS)
        .find_one(doc! { field::ID: user })
        .await
        .map_err(ApiError::unavailable)?;
    Ok(lockout
        .and_then(|l| {
            l.get_datetime(field::LOCKED_UNTIL)
                .ok()
                .map(|d| d.to_chrono())
        })
        .filter(|until| *until > now))
}

/// What a wrong PIN or password left a person with.
pub enum WrongTry {
    /// Tries left before a lockout.
    Left(i64),
    /// Locked out until then.
    Locked(DateTime<Utc>),
}

/// Counts a wrong try against `user` of `business` (at a till or in the back office
/// alike; no business: an email no one has, see `sessions.rs`), locking them out for
/// [`LOCKOUT_MINUTES`] after [`MAX_FAILED_ATTEMPTS`] in a row.
pub async fn count_wrong_try(
    central: &Central,
    business: Option<ObjectId>,
    user: ObjectId,
    now: DateTime<Utc>,
) -> Result<WrongTry, ApiError> {
    let lockouts = central.database().collection::<Document>(LOCKOUTS);
    let counted = lockouts
        .find_one_and_update(
            doc! { field::ID: user },
            doc! {
                "$inc": { field::FAILURES: 1_i64 },
                "$setOnInsert": { field::BUSINESS_ID: business },
            },
        )
        .upsert(true)
        .return_document(mongodb::options::ReturnDocument::After)
        .await
        .map_err(ApiError::unavailable)?;
    let failures = counted
        .and_then(|c| c.get_i64(field::FAILURES).ok())
        .unwrap_or(1);
    let allowed = i64::from(MAX_FAILED_ATTEMPTS);
    if failures < allowed {
        return Ok(WrongTry::Left(allowed - failures));
    }
    let until = now + Duration::minutes(LOCKOUT_MINUTES);
    lockouts
        .update_one(
            doc! { field::ID: user },
            doc! { "$set": {
                field::FAILURES: 0_i64,
                field::LOCKED_UNTIL: bson::DateTime::from_chrono(until),
            } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    Ok(WrongTry::Locked(until))
}

/// Forgets `user`'s wrong tries: they gave the right secret.
pub async fn clear_wrong_tries(central: &Central, user: ObjectId) -> Result<(), ApiError> {
    central
        .database()
        .collection::<Document>(LOCKOUTS)
        .delete_one(doc! { field::ID: user })
        .await
        .map_err(ApiError::unavailable)?;
    Ok(())
}

pub fn locked(until: chrono::DateTime<Utc>) -> ApiError {
    ApiError::forbidden(
        "account_locked",
        format!(
            "Locked after too many wrong tries, until {} UTC.",
            until.format("%H:%M")
        ),
    )
}

/// Ends `user`'s verification at `device` (they signed out there): what they allow goes
/// through no more from that till.
pub async fn forget(central: &Central, device: &Device, user: ObjectId) -> Result<(), ApiError> {
    let ended = central
        .database()
        .collection::<Document>(VERIFICATIONS)
        .delete_many(doc! { field::DEVICE_ID: device.id, field::USER_ID: user })
        .await
        .map_err(ApiError::unavailable)?;
    info!(device = %device.id, %user, ended = ended.deleted_count, "a person's verification at a till ended");
    Ok(())
}

/// Of `users`, those verified at `device` now.
pub async fn verified(
    central: &Central,
    device: ObjectId,
    users: Vec<ObjectId>,
) -> Result<HashSet<ObjectId>, ApiError> {
    if users.is_empty() {
        return Ok(HashSet::new());
    }
    let found = central
        .database()
        .collection::<Document>(VERIFICATIONS)
        .distinct(
            field::USER_ID,
            doc! {
                field::DEVICE_ID: device,
                field::USER_ID: { "$in": users },
                field::EXPIRES_AT: { "$gt": bson::DateTime::now() },
            },
        )
        .await
        .map_err(ApiError::unavailable)?;
    Ok(found
        .into_iter()
        .filter_map(|id| id.as_object_id())
        .collect())
}
