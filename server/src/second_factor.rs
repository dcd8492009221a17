//! A back-office person's optional second factor: a time-based one-time code (RFC 6238:
//! six digits, 30-second steps, HMAC-SHA-1, one step of skew either way) from an
//! authenticator app. Once it is on, signing in takes the password and a code, and a
//! code is used at most once (a step already used is refused). A person turns it on by
//! reading a new secret into their app and typing the code it shows; off, with a code
//! too. A lost phone: the operator's `admin second-factor-off`.
//!
//! **`second_factors`** (Sell Sync's own, never sent to a till): `_id` (the user's),
//! `business_id`, `secret` (base32; the gateway needs it to check codes, so it is as
//! secret as the database), `on` (false until the first code is typed), `last_step` (the
//! last step a code was taken for), `created_at`.

use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono::Utc;
use sellsync_central::Central;
use serde::Serialize;
use totp_rs::{Builder, Secret, Totp};
use tracing::info;
use utoipa::ToSchema;

use crate::error::ApiError;

pub const SECOND_FACTORS: &str = "second_factors";
/// The name an authenticator app shows the codes under.
pub const ISSUER: &str = "Sell Sync";

const SECRET: &str = "secret";
const ON: &str = "on";
const LAST_STEP: &str = "last_step";

/// A second factor just begun: what the person reads into their app.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewSecondFactor {
    /// The secret, to type into an app by hand (base32).
    pub secret: String,
    /// The same as an `otpauth://` address, which the page shows as a QR code.
    pub otpauth_uri: String,
}

/// The codes of `secret`; with `email`, the account an app shows them under too (only
/// the `otpauth://` address needs it).
fn totp(secret: Vec<u8>, email: Option<&str>) -> Result<Totp, ApiError> {
    let codes = Builder::new().with_secret(secret).with_issuer(Some(ISSUER));
    match email {
        Some(email) => codes.with_account_name(email.replace(':', "")),
        None => codes,
    }
    .build()
    .map_err(ApiError::unavailable)
}

/// The step `code` is right for at `unix_time`, if it is one of `totp`'s.
pub fn matching_step(totp: &Totp, code: &str, unix_time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp.check(&code, unix_time)
}

/// Whether `user` has a second factor on.
pub async fn is_on(central: &Central, user: ObjectId) -> Result<bool, ApiError> {
    Ok(find(central, user)
        .await?
        .is_some_and(|f| f.get_bool(ON).unwrap_or(false)))
}

async fn find(central: &Central, user: ObjectId) -> Result<Option<Document>, ApiError> {
    central
        .database()
        .collection::<Document>(SECOND_FACTORS)
        .find_one(doc! { "_id": user })
        .await
        .map_err(ApiError::unavailable)
}

/// A new secret for `user`, not on until [`turn_on`] takes a code of it; refused while
/// one is on (turn it off first).
pub async fn begin(
    central: &Central,
    business: ObjectId,
    user: ObjectId,
    email: &str,
) -> Result<NewSecondFactor, ApiError> {
    if is_on(central, user).await? {
        return Err(ApiError::conflict(
            "second_factor_on",
            "Your second factor is on already: turn it off first to move it to another app.",
        ));
    }
    let mut bytes = vec![0u8; 20];
    getrandom::fill(&mut bytes).map_err(ApiError::unavailable)?;
    let totp = totp(bytes.clone(), Some(email))?;
    let secret = Secret::from(bytes).to_base32();
    central
        .database()
        .collection::<Document>(SECOND_FACTORS)
        .replace_one(
            doc! { "_id": user },
            doc! {
                "_id": user,
                "business_id": business,
                SECRET: &secret,
                ON: false,
                LAST_STEP: 0_i64,
                "created_at": bson::DateTime::now(),
            },
        )
        .upsert(true)
        .await
        .map_err(ApiError::unavailable)?;
    Ok(NewSecondFactor {
        otpauth_uri: totp.to_url().map_err(ApiError::unavailable)?,
        secret,
    })
}

/// Takes `code` as `user`'s second factor, once: the step it is right for must be later
/// than the last one taken. `on`: the factor must be on (signing in, turning it off);
/// otherwise it is the code that turns it on.
async fn take(central: &Central, user: ObjectId, code: &str, on: bool) -> Result<(), ApiError> {
    let wrong = || {
        ApiError::unauthorized(
            "wrong_second_factor_code",
            "That code is not the one your authenticator app shows: try the newest one.",
        )
    };
    let factor = find(central, user).await?.ok_or_else(|| {
        ApiError::not_found(
            "no_second_factor",
            "You have no second factor to confirm: begin again.",
        )
    })?;
    if factor.get_bool(ON).unwrap_or(false) != on {
        return Err(ApiError::conflict(
            "second_factor_on",
            "Your second factor is on already.",
        ));
    }
    let secret = factor
        .get_str(SECRET)
        .ok()
        .and_then(|s| Secret::try_from_base32(s).ok())
        .ok_or_else(|| ApiError::unavailable("a second factor's secret is not base32"))?;
    let totp = totp(secret.as_ref().to_vec(), None)?;
    let now = Utc::now().timestamp().max(0) as u64;
    let step = matching_step(&totp, code, now).ok_or_else(wrong)? as i64;
    // The step is taken in the same write that checks it was not: two requests with one
    // code, on one gateway or two, let one through.
    let taken = central
        .database()
        .collection::<Document>(SECOND_FACTORS)
        .update_one(
            doc! { "_id": user, ON: on, LAST_STEP: { "$lt": step } },
            doc! { "$set": { LAST_STEP: step, ON: true } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    if taken.matched_count == 0 {
        return Err(ApiError::unauthorized(
            "second_factor_code_used",
            "That code was used already: wait for the next one.",
        ));
    }
    Ok(())
}

/// Turns `user`'s new second factor on with a code of it.
pub async fn turn_on(central: &Central, user: ObjectId, code: &str) -> Result<(), ApiError> {
    take(central, user, code, false).await?;
    info!(user = %user, "a person turned their second factor on");
    Ok(())
}

/// Checks the code a person signing in gave, when their second factor is on.
pub async fn check(central: &Central, user: ObjectId, code: &str) -> Result<(), ApiError> {
    take(central, user, code, true).await
}

/// Turns `user`'s second factor off, with a code of it.
pub async fn turn_off(central: &Central, user: ObjectId, code: &str) -> Result<(), ApiError> {
    take(central, user, code, true).await?;
    remove(central, user).await?;
    info!(user = %user, "a person turned their second factor off");
    Ok(())
}

/// Removes `user`'s second factor, on or not (the operator's, for a lost phone).
pub async fn remove(central: &Central, user: ObjectId) -> Result<bool, ApiError> {
    let removed = central
        .database()
        .collection::<Document>(SECOND_FACTORS)
        .delete_one(doc! { "_id": user })
        .await
        .map_err(ApiError::unavailable)?;
    Ok(removed.deleted_count == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test secret and times (appendix B), their codes' last six digits.
    #[test]
    fn codes_are_rfc_6238s() {
        let totp = totp(b"12345678901234567890".to_vec(), None).unwrap();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(matching_step(&totp, code, time), Some(time / 30), "{time}");
        }
        // A step either way is taken (clocks differ); two are not; nor a wrong code.
        assert_eq!(matching_step(&totp, "287082", 59 + 30), Some(1));
        assert_eq!(matching_step(&totp, "287 082", 59), Some(1));
        assert_eq!(matching_step(&totp, "287082", 59 + 60), None);
        assert_eq!(matching_step(&totp, "287083", 59), None);
        assert_eq!(matching_step(&totp, "", 59), None);
        assert_eq!(matching_step(&totp, "abcdef", 59), None);
    }

    #[test]
    fn the_app_is_given_the_secret_issuer_and_account() {
        let totp = totp(b"12345678901234567890".to_vec(), Some("ann@example.com")).unwrap();
        let url = totp.to_url().unwrap();
        assert!(
            url.starts_with("otpauth://totp/Sell%20Sync:ann%40example.com?"),
            "{url}"
        );
        assert!(
            url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{url}"
        );
        assert!(url.contains("issuer=Sell%20Sync"), "{url}");
    }
}
