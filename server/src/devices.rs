//! Tills of the service: the one-time enrolment code an admin makes for a store, the
//! device credential a till receives for it, and which till is calling. A device belongs
//! to one store of one business, and that is all a till's requests are ever scoped by.
//!
//! Two collections of Sell Sync's own (shapes below): `enrolments` and
//! `devices`, each holding only hashes of the secrets.
//!
//! **`enrolments`** (Sell Sync's own): `business_id`, `store_id`, `code_hash`, `label`,
//! `expires_at`, `used_at` and `device_id` (null until a till used it), `made_by_device`
//! (the till that asked for it, null for the operator's; at most 3 waiting per till),
//! `revoked_at` (that till was revoked before the code was used), `created_at`. An API key
//! pushed by a till carries `made_by_device` too: revoking the till revokes it.
//! **`devices`** (Sell Sync's own): one enrolled till: `business_id`, `store_id`,
//! `till_id` (the till it is a key to), `token_hash`, `label`, `till_code`, `status`
//! (`active`, `revoked`), `created_at`, `last_used`.

use axum::http::HeaderMap;
use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono::{Duration, Utc};
use mongodb::options::ReturnDocument;
use sellsync_central::wire::EnrolRequest;
use sellsync_central::Central;
use sellsync_contract::documents::{field, BusinessDoc, Collection, Op};
use sellsync_contract::operation::Operation;
use sellsync_contract::policy::TillScope;
use tracing::info;

use crate::auth::{self, LastUsed};
use crate::error::{ApiError, Result};
use crate::keys::{self, Kind, NewKey};
use crate::plans::Plan;
use crate::quota;

pub const ENROLMENTS: &str = "enrolments";
pub const DEVICES: &str = "devices";

/// How often a till's `last_used` is written at most, by one gateway: the back office
/// tells a till's last contact to the minute.
pub const SEEN_EVERY: std::time::Duration = std::time::Duration::from_secs(60);
/// A till whose last contact is older is shown offline.
pub const ONLINE_WITHIN: Duration = Duration::minutes(5);

/// How long an enrolment code works.
const CODE_LIFETIME: Duration = Duration::hours(24);

/// How many unused codes one till may have made and not yet seen used: a till's
/// credential is not a way to mint tills.
pub const MAX_CODES_PER_TILL: u64 = 3;

/// A till calling the sync endpoints.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: ObjectId,
    pub business_id: ObjectId,
    pub store_id: ObjectId,
    /// The till's own id (`till_id` on its sales, Z reports, journal): bound at enrolment,
    /// or, for a till enrolled before tills were bound, by its first push that names one.
    pub till_id: Option<ObjectId>,
    /// The business's document, as read to check its subscription.
    pub business: Document,
}

impl Device {
    /// The till as the write policy sees it. A device not bound to a till yet owns no
    /// till's documents.
    pub fn scope(&self) -> Result<TillScope, ApiError> {
        let business = BusinessDoc::from_document(&self.business)
            .map_err(|e| ApiError::unavailable(format!("the business cannot be read: {e}")))?;
        Ok(TillScope {
            business: self.business_id.into(),
            store: self.store_id.into(),
            till: self.till_id.unwrap_or(self.id).into(),
            currency: business.settings.currency,
        })
    }
}

/// A new enrolment code, shown once.
#[derive(Debug)]
pub struct NewEnrolment {
    pub id: ObjectId,
    pub code: NewKey,
    pub expires_at: chrono::DateTime<Utc>,
}

/// A new till enrolled: its credential, shown once, its till and its business and store.
pub struct Enrolled {
    pub device_id: ObjectId,
    pub till_id: ObjectId,
    pub token: NewKey,
    pub business: Document,
    pub store: Document,
}

/// Makes a one-time code that enrols a new till of `store` (of `business`), valid for a
/// day; `made_by`: the till that asked for it (none: the operator), whose revocation ends
/// it. Refused for a store that is not the business's, a store with as many tills as its
/// plan allows, or a till with [`MAX_CODES_PER_TILL`] codes waiting.
pub async fn create_enrolment(
    central: &Central,
    business: ObjectId,
    store: ObjectId,
    made_by: Option<ObjectId>,
) -> Result<NewEnrolment, ApiError> {
    let db = central.database();
    let fail = ApiError::unavailable;
    if let Some(device) = made_by {
        let waiting = db
            .collection::<Document>(ENROLMENTS)
            .count_documents(doc! {
                field::MADE_BY_DEVICE: device,
                field::USED_AT: bson::Bson::Null,
                field::EXPIRES_AT: { "$gt": bson::DateTime::now() },
            })
            .await
            .map_err(fail)?;
        if waiting >= MAX_CODES_PER_TILL {
            return Err(ApiError::too_many_waiting("too_many_enrolment_codes",
                format!("This till has {waiting} enrolment codes waiting to be used: use them, or wait until they expire (a day), before making another."),
            ));
        }
    }
    let store_found = db
        .collection::<Document>(Collection::Stores.name())
        .find_one(doc! { field::ID: store, field::BUSINESS_ID: business })
        .await
        .map_err(fail)?;
    if store_found.is_none() {
        return Err(ApiError::not_found(
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
            field::CODE_HASH: &code.hash,
            field::LABEL: &code.label,
            field::EXPIRES_AT: bson::DateTime::from_chrono(expires_at),
            field::USED_AT: bson::Bson::Null,
            field::DEVICE_ID: bson::Bson::Null,
            field::MADE_BY_DEVICE: made_by,
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

/// An enrolment refused for what the till sent: `code` and words for whoever enrols it.
fn refused(code: &'static str, message: &str) -> ApiError {
    ApiError::bad_request(code, message)
}

/// Whether an active device holds the till `till` already.
async fn till_held(central: &Central, till: ObjectId) -> Result<bool, ApiError> {
    Ok(central
        .database()
        .collection::<Document>(DEVICES)
        .find_one(doc! { field::TILL_ID: till, field::STATUS: "active" })
        .await
        .map_err(ApiError::unavailable)?
        .is_some())
}

/// Enrols a till with a one-time code: the code is used up, a device credential made
/// (shown once) and bound to one till, and the till's business and store answered. A till
/// that exists already says which store it is of (a code for another store is refused
/// before it is used up) and its own id (refused while another active till holds it); a
/// new till takes the device's id as its own.
pub async fn enrol(central: &Central, request: &EnrolRequest) -> Result<Enrolled, ApiError> {
    let code = request.code.as_str();
    let expected_store = request.store_id.as_deref();
    let hash = keys::parse(Kind::Enrolment, code)
        .map_err(|e| ApiError::bad_request(e.code(), e.to_string()))?;
    let db = central.database();
    let enrolments = db.collection::<Document>(ENROLMENTS);
    let found = enrolments
        .find_one(doc! { field::CODE_HASH: &hash })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| {
            refused(
                "unknown_enrolment_code",
                "This enrolment code is not known: check it, or ask an admin for a new one.",
            )
        })?;
    if found.get_datetime(field::REVOKED_AT).is_ok() {
        return Err(refused(
            "enrolment_code_revoked",
            "This enrolment code was made by a till whose credential has been revoked: ask an admin for a new one.",
        ));
    }
    if !matches!(found.get(field::USED_AT), Some(bson::Bson::Null) | None) {
        return Err(refused(
            "enrolment_code_used",
            "This enrolment code was used already: each code sets up one till. Ask an admin for a new one.",
        ));
    }
    if found
        .get_datetime(field::EXPIRES_AT)
        .is_ok_and(|at| *at <= bson::DateTime::now())
    {
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
    // The count and the new till go together, one enrolment of the store at a time.
    let lease = quota::Lease::take(central, format!("tills:{store_id}")).await?;
    let enrolled = enrol_within_plan(central, &found, plan, business, store_id, request).await;
    lease.release().await;
    enrolled
}

/// The rest of [`enrol`], while the store's till quota is held.
async fn enrol_within_plan(
    central: &Central,
    found: &Document,
    plan: Plan,
    business: Document,
    store_id: ObjectId,
    request: &EnrolRequest,
) -> Result<Enrolled, ApiError> {
    let db = central.database();
    let enrolments = db.collection::<Document>(ENROLMENTS);
    let business_id = found
        .get_object_id(field::BUSINESS_ID)
        .map_err(ApiError::unavailable)?;
    let now = bson::DateTime::now();
    quota::check_tills(central, plan, business_id, store_id).await?;
    let store = db
        .collection::<Document>(Collection::Stores.name())
        .find_one(doc! { field::ID: store_id, field::BUSINESS_ID: business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| refused("unknown_store", "The store of this enrolment code is gone."))?;
    let device_id = ObjectId::new();
    let till_id = match request.till_id.as_deref() {
        None => device_id,
        Some(text) => ObjectId::parse_str(text.trim())
            .map_err(|_| refused("malformed_body", "The till's id is not an id."))?,
    };
    if till_held(central, till_id).await? {
        return Err(refused(
            "till_already_enrolled",
            "This till is enrolled already: revoke its credential first to enrol it again.",
        ));
    }
    // Used up at most once, even by two tills racing with the same code.
    let claimed = enrolments
        .find_one_and_update(
            doc! { field::ID: found.get_object_id(field::ID).ok(), field::USED_AT: bson::Bson::Null },
            doc! { "$set": { field::USED_AT: now, field::DEVICE_ID: device_id } },
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
            field::TOKEN_HASH: &token.hash,
            field::LABEL: &token.label,
            field::TILL_CODE: request.till_code.as_deref(),
            field::TILL_ID: till_id,
            field::STATUS: "active",
            field::CREATED_AT: now,
            field::LAST_USED: bson::Bson::Null,
        })
        .await
        .map_err(ApiError::unavailable)?;
    info!(business = %business_id, store = %store_id, device = %device_id, "till enrolled");
    Ok(Enrolled {
        device_id,
        till_id,
        token,
        business,
        store,
    })
}

/// Revokes a till's credential: refused at once on every gateway, and with it what the
/// till made: its unused enrolment codes and the API keys made at it. Another business's
/// device answers as one that does not exist.
pub async fn revoke(
    central: &Central,
    business: ObjectId,
    device: ObjectId,
) -> Result<(), ApiError> {
    let db = central.database();
    let failed = ApiError::unavailable;
    let revoked = db
        .collection::<Document>(DEVICES)
        .update_one(
            doc! { field::ID: device, field::BUSINESS_ID: business },
            doc! { "$set": { field::STATUS: "revoked" } },
        )
        .await
        .map_err(failed)?;
    if revoked.matched_count == 0 {
        return Err(ApiError::not_found(
            "not_found",
            "There is no till with this id.",
        ));
    }
    let now = bson::DateTime::now();
    let codes = db
        .collection::<Document>(ENROLMENTS)
        .update_many(
            doc! { field::MADE_BY_DEVICE: device, field::BUSINESS_ID: business, field::USED_AT: bson::Bson::Null },
            doc! { "$set": { field::REVOKED_AT: now } },
        )
        .await
        .map_err(failed)?;
    let keys = db
        .collection::<Document>(Collection::ApiKeys.name())
        .update_many(
            doc! { field::MADE_BY_DEVICE: device, field::BUSINESS_ID: business },
            doc! { "$set": { field::STATUS: "revoked" } },
        )
        .await
        .map_err(failed)?;
    info!(%business, %device, codes = codes.modified_count, keys = keys.modified_count, "till credential revoked, with the codes and keys it made");
    Ok(())
}

/// The till calling with `headers`: its credential well formed, known and active, its
/// business's subscription active. Looked up on every request, so a revocation works at
/// once on every gateway; `last_used` written at most once per [`SEEN_EVERY`] per device
/// and gateway.
pub async fn caller(
    central: &Central,
    last_used: &LastUsed,
    headers: &HeaderMap,
) -> Result<Device, ApiError> {
    let hash = keys::parse(Kind::Device, auth::bearer(headers, Kind::Device)?)?;
    let devices = central.database().collection::<Document>(DEVICES);
    let device = devices
        .find_one(doc! { field::TOKEN_HASH: &hash })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "unknown_device",
                "This till's credential is not known: enrol the till again.",
            )
        })?;
    if device.get_str(field::STATUS) != Ok("active") {
        return Err(ApiError::unauthorized("device_revoked",
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
        till_id: device.get_object_id(field::TILL_ID).ok(),
        business,
    })
}

/// Binds a device enrolled before tills were bound to the till its push names (the
/// `till_id` of its first sale, Z report, journal entry or parked sale), once: from then
/// on it owns that till's documents only. A till another active device holds is not
/// bound.
pub async fn bind_till(
    central: &Central,
    mut device: Device,
    ops: &[Operation],
) -> Result<Device, ApiError> {
    if device.till_id.is_some() {
        return Ok(device);
    }
    let bound = [
        Collection::SalesTransactions,
        Collection::ZReports,
        Collection::JournalEntries,
        Collection::ParkedSales,
    ];
    let Some(till) = ops
        .iter()
        .filter(|op| op.op == Op::Insert && bound.contains(&op.collection))
        .find_map(|op| op.payload.get_object_id(field::TILL_ID).ok())
    else {
        return Ok(device);
    };
    if till_held(central, till).await? {
        return Ok(device);
    }
    let devices = central.database().collection::<Document>(DEVICES);
    devices
        .update_one(
            doc! { field::ID: device.id, field::TILL_ID: { "$exists": false } },
            doc! { "$set": { field::TILL_ID: till } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    device.till_id = devices
        .find_one(doc! { field::ID: device.id })
        .await
        .map_err(ApiError::unavailable)?
        .and_then(|d| d.get_object_id(field::TILL_ID).ok());
    info!(device = %device.id, till = ?device.till_id, "a till enrolled before tills were bound is bound to its till");
    Ok(device)
}
