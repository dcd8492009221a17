//! What a business's plan still allows, read centrally: stores (when one is made), tills
//! per store (when a code is made and when a till enrols) and products (when one is made
//! through the API or pushed by a till).

use axum::http::StatusCode;
use bson::oid::ObjectId;
use bson::{doc, Document};
use futures_util::TryStreamExt;
use sellsync_core::contract::{field, Collection};
use sellsync_sync::Central;

use crate::auth::ApiError;
use crate::devices;
use crate::plans::Plan;

/// Refused when `store` has as many active tills as `plan` allows.
pub async fn check_tills(
    central: &Central,
    plan: Plan,
    business: ObjectId,
    store: ObjectId,
) -> Result<(), ApiError> {
    let Some(limit) = plan.limits().tills_per_store else {
        return Ok(());
    };
    let tills = central
        .database()
        .collection::<Document>(devices::DEVICES)
        .count_documents(
            doc! { field::BUSINESS_ID: business, field::STORE_ID: store, field::STATUS: "active" },
        )
        .await
        .map_err(ApiError::unavailable)?;
    if tills >= u64::from(limit) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "plan_till_limit",
            format!(
                "The {} plan allows {limit} till(s) per store, and this store has {tills}: revoke one or change plan.",
                plan.as_str()
            ),
        ));
    }
    Ok(())
}

/// After `device` was added to `store`: whether it is among the first tills (by id) the
/// plan allows, so that tills enrolling at the same moment never exceed it together. A
/// later one is revoked here, and the refusal answered.
pub async fn keep_within_tills(
    central: &Central,
    plan: Plan,
    business: ObjectId,
    store: ObjectId,
    device: ObjectId,
) -> Result<(), ApiError> {
    let Some(limit) = plan.limits().tills_per_store else {
        return Ok(());
    };
    let devices = central.database().collection::<Document>(devices::DEVICES);
    let first: Vec<ObjectId> = devices
        .find(
            doc! { field::BUSINESS_ID: business, field::STORE_ID: store, field::STATUS: "active" },
        )
        .sort(doc! { field::ID: 1 })
        .limit(i64::from(limit))
        .projection(doc! { field::ID: 1 })
        .await
        .map_err(ApiError::unavailable)?
        .try_collect::<Vec<Document>>()
        .await
        .map_err(ApiError::unavailable)?
        .iter()
        .filter_map(|d| d.get_object_id(field::ID).ok())
        .collect();
    if first.contains(&device) {
        return Ok(());
    }
    devices
        .update_one(
            doc! { field::ID: device },
            doc! { "$set": { field::STATUS: "revoked" } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    check_tills(central, plan, business, store).await?;
    // The count now says the store is within its plan only if another revocation came
    // meanwhile: refused all the same, the till may try again.
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "plan_till_limit",
        "Another till of this store enrolled at the same moment and took the plan's last place: revoke one or change plan.",
    ))
}

/// How many more products `business` may have under `plan` (`None`: no limit).
pub async fn products_left(
    central: &Central,
    plan: Plan,
    business: ObjectId,
) -> Result<Option<u64>, ApiError> {
    let Some(limit) = plan.limits().products else {
        return Ok(None);
    };
    let products = central
        .database()
        .collection::<Document>(Collection::Products.name())
        .count_documents(doc! { field::BUSINESS_ID: business })
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Some(u64::from(limit).saturating_sub(products)))
}

/// The refusal of a product past the plan's limit.
pub fn product_limit(plan: Plan) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "plan_product_limit",
        format!(
            "The {} plan allows {} products, and the business has that many: change plan to add more.",
            plan.as_str(),
            plan.limits().products.unwrap_or_default()
        ),
    )
}

/// Refused when `business` has as many stores as `plan` allows.
pub async fn check_stores(
    central: &Central,
    plan: Plan,
    business: ObjectId,
) -> Result<(), ApiError> {
    let Some(limit) = plan.limits().stores else {
        return Ok(());
    };
    let stores = central
        .database()
        .collection::<Document>(Collection::Stores.name())
        .count_documents(doc! { field::BUSINESS_ID: business })
        .await
        .map_err(ApiError::unavailable)?;
    if stores >= u64::from(limit) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "plan_store_limit",
            format!(
                "The {} plan allows {limit} store(s), and the business has {stores}: change plan to open another.",
                plan.as_str()
            ),
        ));
    }
    Ok(())
}
