//! Tills of the service: the one-time enrolment code an admin makes for a store, the
//! device credential a till receives for it, and which till is calling. A device belongs
//! to one store of one business, and that is all a till's requests are ever scoped by.
//!
//! Two collections of Sell Sync's own (shapes in ARCHITECTURE.md): `enrolments` and
//! `devices`, each holding only hashes of the secrets.

use axum::http::{HeaderMap, StatusCode};
use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono::{Duration, Utc};
use mongodb::options::ReturnDocument;
use sellsync_core::contract::{field, Collection};
use sellsync_sync::Central;
use tracing::info;

use crate::auth::{self, ApiError, LastUsed};
use crate::error::{Result, ServerError};
use crate::keys::{self, Kind, NewKey};
use crate::plans::Plan;
use crate::quota;

pub const ENROLMENTS: &str = "enrolments";
pub const DEVICES: &str = "devices";

/// How long an enrolment code works.
const CODE_LIFETIME: Duration = Duration::hours(24);

/// A till calling the sync endpoints.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: ObjectId,
    pub business_id: ObjectId,
    pub store_id: ObjectId,
    /// The business's document, as read to check its subscription.
    pub business: Document,
}

/// A new enrolment code, shown once.
#[derive(Debug)]
pub struct NewEnrolment {
    pub id: ObjectId,
    pub code: NewKey,
    pub expires_at: chrono::DateTime<Utc>,
}

/// A new till enrolled: its credential, shown once, and its business and store.
pub struct Enrolled {
    pub device_id: ObjectId,
    pub token: NewKey,
    pub business: Document,
    pub store: Document,
}

/// Makes a one-time code that enrols a new till of `store` (of `business`), valid for a
/// day. Refused for a store that is not the business's, or a store with as many tills as
/// its plan allows.
pub async fn create_enrolment(
    central: &Central,
    business: ObjectId,
    store: ObjectId,
) -> Result<NewEnrolment, ApiError> {
    let db = central.database();
    let fail = ApiError::unavailable;
    let store_found = db
        .collection::<Document>(Collection::Stores.name())
        .find_one(doc! { field::ID: store, field::BUSINESS_ID: business })
        .await
        .map_err(fail)?;
    if store_found.is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("There is no store {store} in business {business}."),
        ));
    }
    let plan = db
        .collection::<Document>(Collection::Businesses.name())
        .find_one(doc! { field::ID: business })
        .await
        .map_err(fail)?
        .map_or(Plan::Free, |b| Plan::of(&b));
    quota::check_tills(central, plan, business, store).await?;
    let code = keys::generate(Kind::Enrolment).map_err(ApiError::unavailable)?;
    let id = ObjectId::new();
    let now = Utc::now();
    let expires_at = now + CODE_LIFETIME;
    db.collection::<Document>(ENROLMENTS)
        .insert_one(doc! {
            field::ID: id,
            field::BUSINESS_ID: business,
            field::STORE_ID: store,
            "code_hash": &code.hash,
            "label": &code.label,
            "expires_at": bson::DateTime::from_chrono(expires_at),
            "used_at": bson::Bson::Null,
            "device_id": bson::Bson::Null,
            field::CREATED_AT: bson::DateTime::from_chrono(now),
        })
        .await
        .map_err(fail)?;
    info!(%business, %store, enrolment = %id, "enrolment code made");
    Ok(NewEnrolment {
        id,
        code,
        expires_at,
    })
}

/// Enrols a till with a one-time `code`: the code is used up, a device credential made
/// (shown once) and the till's business and store answered. `expected_store`: a till that
/// exists already says which store it is of, and a code for another store is refused
/// before it is used up.
pub async fn enrol(
    central: &Central,
    code: &str,
    till_code: Option<&str>,
    expected_store: Option<&str>,
) -> Result<Enrolled, ApiError> {
    let hash = keys::parse(Kind::Enrolment, code)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.code(), e.to_string()))?;
    let db = central.database();
    let enrolments = db.collection::<Document>(ENROLMENTS);
    let refused =
        |code: &'static str, message: &str| ApiError::new(StatusCode::BAD_REQUEST, code, message);
    let found = enrolments
        .find_one(doc! { "code_hash": &hash })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| {
            refused(
                "unknown_enrolment_code",
                "This enrolment code is not known: check it, or ask an admin for a new one.",
            )
        })?;
    if !matches!(found.get("used_at"), Some(bson::Bson::Null) | None) {
        return Err(refused(
            "enrolment_code_used",
            "This enrolment code was used already: each code sets up one till. Ask an admin for a new one.",
        ));
    }
    let now = bson::DateTime::now();
    if found.get_datetime("expires_at").is_ok_and(|at| *at <= now) {
        return Err(refused(
            "enrolment_code_expired",
            "This enrolment code has expired (a code works for a day). Ask an admin for a new one.",
        ));
    }
    let (Ok(business_id), Ok(store_id)) = (
        found.get_object_id(field::BUSINESS_ID),
        found.get_object_id(field::STORE_ID),
    ) else {
        return Err(ApiError::unavailable(
            "an enrolment without its business or store",
        ));
    };
    if expected_store.is_some_and(|s| ObjectId::parse_str(s.trim()).ok() != Some(store_id)) {
        return Err(refused(
            "enrolment_code_other_store",
            "This enrolment code is for another store than this till's: ask an admin for a code for this till's store.",
        ));
    }
    let business = auth::active_business(central, business_id).await?;
    let plan = Plan::of(&business);
    quota::check_tills(central, plan, business_id, store_id).await?;
    let store = db
        .collection::<Document>(Collection::Stores.name())
        .find_one(doc! { field::ID: store_id, field::BUSINESS_ID: business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| refused("unknown_store", "The store of this enrolment code is gone."))?;
    let device_id = ObjectId::new();
    // Used up at most once, even by two tills racing with the same code.
    let claimed = enrolments
        .find_one_and_update(
            doc! { field::ID: found.get_object_id(field::ID).ok(), "used_at": bson::Bson::Null },
            doc! { "$set": { "used_at": now, "device_id": device_id } },
        )
        .return_document(ReturnDocument::After)
        .await
        .map_err(ApiError::unavailable)?;
    if claimed.is_none() {
        return Err(refused(
            "enrolment_code_used",
            "This enrolment code was used already: each code sets up one till. Ask an admin for a new one.",
        ));
    }
    let token = keys::generate(Kind::Device).map_err(ApiError::unavailable)?;
    db.collection::<Document>(DEVICES)
        .insert_one(doc! {
            field::ID: device_id,
            field::BUSINESS_ID: business_id,
            field::STORE_ID: store_id,
            "token_hash": &token.hash,
            "label": &token.label,
            "till_code": till_code,
            field::STATUS: "active",
            field::CREATED_AT: now,
            field::LAST_USED: bson::Bson::Null,
        })
        .await
        .map_err(ApiError::unavailable)?;
    info!(business = %business_id, store = %store_id, device = %device_id, "till enrolled");
    Ok(Enrolled {
        device_id,
        token,
        business,
        store,
    })
}

/// Revokes a till's credential: refused at once on every gateway. Another business's
/// device answers as one that does not exist.
pub async fn revoke(central: &Central, business: ObjectId, device: ObjectId) -> Result<()> {
    let revoked = central
        .database()
        .collection::<Document>(DEVICES)
        .update_one(
            doc! { field::ID: device, field::BUSINESS_ID: business },
            doc! { "$set": { field::STATUS: "revoked" } },
        )
        .await
        .map_err(|e| ServerError::Central(central.classify(e)))?;
    if revoked.matched_count == 0 {
        return Err(ServerError::Invalid(format!(
            "There is no till {device} in business {business}."
        )));
    }
    info!(%business, %device, "till credential revoked");
    Ok(())
}

/// The till calling with `headers`: its credential well formed, known and active, its
/// business's subscription active. Looked up on every request, so a revocation works at
/// once on every gateway; `last_used` written at most hourly per device and gateway.
pub async fn caller(
    central: &Central,
    last_used: &LastUsed,
    headers: &HeaderMap,
) -> Result<Device, ApiError> {
    let hash = keys::parse(Kind::Device, auth::bearer(headers, Kind::Device)?)?;
    let devices = central.database().collection::<Document>(DEVICES);
    let device = devices
        .find_one(doc! { "token_hash": &hash })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unknown_device",
                "This till's credential is not known: enrol the till again.",
            )
        })?;
    if device.get_str(field::STATUS) != Ok("active") {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "device_revoked",
            "This till's credential was revoked: an admin must enrol it again. It keeps selling and keeps its changes until then.",
        ));
    }
    let (Ok(id), Ok(business_id), Ok(store_id)) = (
        device.get_object_id(field::ID),
        device.get_object_id(field::BUSINESS_ID),
        device.get_object_id(field::STORE_ID),
    ) else {
        return Err(ApiError::unavailable("a device without its ids"));
    };
    let business = auth::active_business(central, business_id).await?;
    if last_used.due(id) {
        let written = devices
            .update_one(
                doc! { field::ID: id },
                doc! { "$set": { field::LAST_USED: bson::DateTime::now() } },
            )
            .await;
        if let Err(error) = written {
            tracing::warn!(%error, "a till's last contact was not recorded");
        }
    }
    Ok(Device {
        id,
        business_id,
        store_id,
        business,
    })
}
