//! The tills' sync endpoints: enrolment, push and pull. The business, store and till come
//! from the till's credential, never from the request. Every pushed operation is checked
//! by the tills' write policy (the contract's `policy`: what a till may push, field by field)
//! and then against central's records (`trust`: whose the changed documents are, what
//! the users who acted may do, the sale behind a purchase); what is not allowed is refused
//! with a code (and parked at the till, while the rest flows). The rest goes through the
//! same reconciler a till syncing directly uses, so every guarantee of direct sync holds
//! here too.

pub mod trust;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use bson::oid::ObjectId;
use bson::{doc, Document};
use chrono::Utc;
use sellsync_central::feed::{Feed, Scope, MAX_PAGE};
use sellsync_central::wire::{
    self, EnrolRequest, EnrolResponse, EnrolmentCode, OperationResult, OperationStatus,
    PullRequest, PullResponse, PushRequest, PushResponse, Verified, VerifyRequest,
};
use sellsync_central::{CentralError, Reconciler};
use sellsync_contract::documents::{field, BusinessDoc, Collection, Op};
use sellsync_contract::operation::Operation;
use sellsync_contract::policy::{self, Refusal};
use tracing::info;

use crate::devices::{self, Device};
use crate::error::ApiError;
use crate::http::Service;
use crate::plans::Plan;
use crate::{api, people, quota};

/// The most operations one push may carry (a till sends 1,000 at a time).
pub const MAX_PUSH: usize = 1_000;

/// How many days of sales a till pulls when its business says nothing.
const RETURN_WINDOW_DAYS: i64 = 30;

/// The JSON body of a request, or a problem naming what is wrong with it.
fn body<T>(json: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    json.map(|Json(body)| body)
        .map_err(|rejection| api::malformed_body(rejection.body_text()))
}

/// The till calling with `headers`, within its rate ([`TILL_RATE`] a second per till on
/// each gateway, in bursts of five seconds' worth).
async fn calling_till(service: &Service, headers: &HeaderMap) -> Result<Device, ApiError> {
    let device = devices::caller(&service.central, &service.tills_seen, headers).await?;
    service
        .till_rate
        .take(device.id, Instant::now())
        .map_err(|wait| ApiError::too_many("This till", wait))?;
    Ok(device)
}

/// How many requests a second one till may make, sustained (an engine with a backlog
/// pushes a batch of up to 1,000 operations a time).
pub const TILL_RATE: u32 = 10;

/// How many enrolments a second a gateway takes, sustained, from everyone: codes cannot
/// be guessed, and floods of tries stop here before they reach the database.
pub const ENROL_RATE: u32 = 2;

/// `POST /v1/tills/enrol`: a new till's one-time code for its credential.
pub async fn enrol(
    State(service): State<Arc<Service>>,
    json: Result<Json<EnrolRequest>, JsonRejection>,
) -> Result<Json<EnrolResponse>, ApiError> {
    // One bucket for every enrolment this gateway takes: they carry no credential yet.
    service
        .enrol_rate
        .take(ObjectId::from_bytes([0; 12]), Instant::now())
        .map_err(|wait| ApiError::too_many("Tills enrolling here", wait))?;
    let request = body(json)?;
    let enrolled = devices::enrol(&service.central, &request).await?;
    Ok(Json(EnrolResponse {
        device_id: enrolled.device_id.to_hex(),
        till_id: enrolled.till_id.to_hex(),
        device_token: enrolled.token.secret,
        business: wire::to_json(&enrolled.business),
        store: wire::to_json(&enrolled.store),
    }))
}

/// `POST /v1/tills/people`: a person at the till verified by the central service, so that
/// what only a person may allow, made by them at this till, goes through for a while.
pub async fn verify_person(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    json: Result<Json<VerifyRequest>, JsonRejection>,
) -> Result<Json<Verified>, ApiError> {
    let device = calling_till(&service, &headers).await?;
    let request = body(json)?;
    Ok(Json(
        people::verify(&service.central, &device, request).await?,
    ))
}

/// `DELETE /v1/tills/people/{user}`: the person signed out at the till; their verification
/// there ends.
pub async fn forget_person(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    Path(user): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let device = calling_till(&service, &headers).await?;
    let user = ObjectId::parse_str(user.trim()).map_err(|_| api::not_found("user"))?;
    people::forget(&service.central, &device, user).await?;
    Ok(Json(serde_json::json!({})))
}

/// `POST /v1/tills/enrolment-codes`: a one-time code for another till of the calling
/// till's store (its manager asked for it there, with core's leave).
pub async fn enrolment_code(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
) -> Result<Json<EnrolmentCode>, ApiError> {
    let device = calling_till(&service, &headers).await?;
    let made = devices::create_enrolment(
        &service.central,
        device.business_id,
        device.store_id,
        Some(device.id),
    )
    .await?;
    info!(device = %device.id, enrolment = %made.id, "enrolment code made at a till");
    Ok(Json(EnrolmentCode {
        code: made.code.secret,
        label: made.code.label,
        expires_at: made.expires_at.to_rfc3339(),
    }))
}

/// `POST /v1/sync/push`: a batch of a till's outbox, answered per operation.
pub async fn push(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    json: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let device = calling_till(&service, &headers).await?;
    let request = body(json)?;
    if request.operations.len() > MAX_PUSH {
        return Err(ApiError::too_large(
            "batch_too_large",
            format!(
                "A push carries at most {MAX_PUSH} operations; this one has {}.",
                request.operations.len()
            ),
        ));
    }
    let mut results: Vec<OperationResult> = Vec::with_capacity(request.operations.len());
    let mut operations = Vec::with_capacity(request.operations.len());
    for wire in request.operations {
        let seq = wire.seq;
        match wire.into_operation() {
            Err(e) => results.push(refused(seq, Refusal::new("malformed_operation", e))),
            Ok(op) => operations.push(op),
        }
    }
    let device = devices::bind_till(&service.central, device, &operations).await?;
    let till = device.scope()?;
    let now = Utc::now();
    let mut checked = Vec::with_capacity(operations.len());
    for op in operations {
        match policy::check(&op, &till, now) {
            Ok(demands) => checked.push((op, demands)),
            Err(refusal) => results.push(refused(op.seq, refusal)),
        }
    }
    let central = &service.central;
    let (checked, refusals) = trust::held(central, &till, checked).await?;
    results.extend(refusals.into_iter().map(|(seq, r)| refused(seq, r)));
    let (checked, refusals) = trust::people(central, &till, device.id, checked).await?;
    results.extend(refusals.into_iter().map(|(seq, r)| refused(seq, r)));
    let (checked, refusals) = trust::units(central, &till, checked).await?;
    results.extend(refusals.into_iter().map(|(seq, r)| refused(seq, r)));
    // Last: a purchase goes only with a sale that is still going.
    let (checked, refusals) = trust::causes(central, &till, checked).await?;
    results.extend(refusals.into_iter().map(|(seq, r)| refused(seq, r)));
    let checked: Vec<Operation> = checked
        .into_iter()
        .map(|(mut op, _)| {
            // A key made at this till is revoked with it.
            if op.collection == Collection::ApiKeys && op.op == Op::Insert {
                op.payload.insert(field::MADE_BY_DEVICE, device.id);
            }
            op
        })
        .collect();
    let (checked, refusals) = within_plan(&service, &device, checked).await?;
    results.extend(refusals);
    let outcome = {
        let _turn = service.turns.of(device.business_id).await?;
        Reconciler::new(service.central.clone(), device.business_id.into())
            .apply(&checked)
            .await
            .map_err(|e| unavailable(&e))?
    };
    let replayed: HashSet<i64> = outcome.replayed.iter().copied().collect();
    results.extend(outcome.applied.iter().map(|seq| OperationResult {
        seq: *seq,
        status: if replayed.contains(seq) {
            OperationStatus::AlreadyApplied
        } else {
            OperationStatus::Applied
        },
        code: None,
        message: None,
    }));
    results.extend(
        outcome
            .rejected
            .into_iter()
            .map(|r| refused(r.seq, Refusal::new("refused", r.error))),
    );
    results.sort_by_key(|r| r.seq);
    let parked = results
        .iter()
        .filter(|r| r.status == OperationStatus::Refused)
        .count();
    info!(
        device = %device.id,
        operations = results.len(),
        already_applied = outcome.replayed.len(),
        refused = parked,
        "push"
    );
    Ok(Json(PushResponse { results }))
}

/// `POST /v1/sync/pull`: the changes after the till's checkpoint, of its business and
/// store only.
pub async fn pull(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    json: Result<Json<PullRequest>, JsonRejection>,
) -> Result<Json<PullResponse>, ApiError> {
    let device = calling_till(&service, &headers).await?;
    let request = body(json)?;
    let return_window_days = BusinessDoc::from_document(&device.business)
        .ok()
        .and_then(|b| b.settings.return_window_days)
        .unwrap_or(RETURN_WINDOW_DAYS);
    let feed = Feed::new(
        service.central.clone(),
        Scope {
            business: device.business_id,
            store: device.store_id,
            return_window_days,
        },
    );
    let page = feed
        .page(
            request.checkpoint.as_deref(),
            request.limit.unwrap_or(MAX_PAGE),
        )
        .await
        .map_err(|e| unavailable(&e))?;
    Ok(Json(PullResponse::from(&page)))
}

fn refused(seq: i64, refusal: Refusal) -> OperationResult {
    OperationResult {
        seq,
        status: OperationStatus::Refused,
        code: Some(refusal.code.to_owned()),
        message: Some(refusal.message),
    }
}

fn unavailable(error: &CentralError) -> ApiError {
    ApiError::unavailable(crate::error::in_operator_words(error))
}

/// Of `ops`, those the business's plan allows: new products up to its limit (counting the
/// ones central has; a product already central, sent again, counts once).
async fn within_plan(
    service: &Service,
    device: &Device,
    ops: Vec<Operation>,
) -> Result<(Vec<Operation>, Vec<OperationResult>), ApiError> {
    let is_new_product =
        |op: &Operation| op.collection == Collection::Products && op.op == Op::Insert;
    if !ops.iter().any(is_new_product) {
        return Ok((ops, Vec::new()));
    }
    let plan = Plan::of(&device.business);
    let Some(mut left) = quota::products_left(&service.central, plan, device.business_id).await?
    else {
        return Ok((ops, Vec::new()));
    };
    let ids: Vec<ObjectId> = ops
        .iter()
        .filter(|op| is_new_product(op))
        .map(|op| op.document_id.object_id())
        .collect();
    let known: HashSet<ObjectId> = service
        .central
        .database()
        .collection::<Document>(Collection::Products.name())
        .distinct(
            field::ID,
            doc! { field::ID: { "$in": ids }, field::BUSINESS_ID: device.business_id },
        )
        .await
        .map_err(ApiError::unavailable)?
        .into_iter()
        .filter_map(|id| id.as_object_id())
        .collect();
    let mut kept = Vec::with_capacity(ops.len());
    let mut refusals = Vec::new();
    for op in ops {
        if is_new_product(&op) && !known.contains(&op.document_id.object_id()) {
            if left == 0 {
                let refusal = quota::product_limit(plan);
                refusals.push(refused(op.seq, Refusal::new(refusal.code, refusal.message)));
                continue;
            }
            left -= 1;
        }
        kept.push(op);
    }
    Ok((kept, refusals))
}
