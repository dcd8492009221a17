//! What a business's plan still allows, read centrally: stores (when one is made), tills
//! per store (when a code is made and when a till enrols) and products (when one is made
//! through the API or pushed by a till).

use bson::oid::ObjectId;
use bson::{doc, Document};
use sellsync_central::Central;
use sellsync_contract::documents::{field, Collection};

use crate::devices;
use crate::error::ApiError;
use crate::plans::Plan;
use sellsync_central::database::is_duplicate_key;

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
        return Err(ApiError::forbidden("plan_till_limit",
            format!(
                "The {} plan allows {limit} till(s) per store, and this store has {tills}: revoke one or change plan.",
                plan.as_str()
            ),
        ));
    }
    Ok(())
}

/// Gateway's own collection of [`Lease`]s.
pub const LEASES: &str = "quota_leases";

/// How long a lease lasts at most (a request that died holding it lets go then).
const LEASE_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// A short lease on a quota (a business's stores, a store's tills), held by one request at
/// a time across every gateway: the count of what the plan allows and the insert it
/// allows happen with no other in between, so requests at the same moment never exceed
/// the plan together. Works on any MongoDB (no transaction needed).
pub struct Lease {
    central: Central,
    key: String,
    holder: ObjectId,
}

impl Lease {
    /// Waits (up to the lease's length) for the quota `key` to be free and takes it.
    pub async fn take(central: &Central, key: String) -> Result<Lease, ApiError> {
        let leases = central.database().collection::<Document>(LEASES);
        let holder = ObjectId::new();
        let give_up = std::time::Instant::now() + LEASE_FOR;
        loop {
            let now = chrono::Utc::now();
            let until = now + chrono::Duration::from_std(LEASE_FOR).expect("seconds");
            let taken = leases
                .update_one(
                    doc! { field::ID: &key, field::UNTIL: { "$lt": bson::DateTime::from_chrono(now) } },
                    doc! { "$set": { field::UNTIL: bson::DateTime::from_chrono(until), field::HOLDER: holder } },
                )
                .upsert(true)
                .await;
            match taken {
                Ok(_) => {
                    return Ok(Lease {
                        central: central.clone(),
                        key,
                        holder,
                    })
                }
                Err(e) if is_duplicate_key(&e) && std::time::Instant::now() < give_up => {
                    tokio::time::sleep(std::time::Duration::from_millis(fastrand::u64(5..25)))
                        .await;
                }
                Err(e) if is_duplicate_key(&e) => {
                    return Err(ApiError::unavailable(
                        "the plan's quota is held by another request",
                    ))
                }
                Err(e) => return Err(ApiError::unavailable(e)),
            }
        }
    }

    /// Lets the quota go.
    pub async fn release(self) {
        let released = self
            .central
            .database()
            .collection::<Document>(LEASES)
            .delete_one(doc! { field::ID: &self.key, field::HOLDER: self.holder })
            .await;
        if let Err(error) = released {
            tracing::warn!(%error, key = %self.key, "a quota lease was not let go (it ends on its own)");
        }
    }
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
    ApiError::forbidden("plan_product_limit",
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
        return Err(ApiError::forbidden("plan_store_limit",
            format!(
                "The {} plan allows {limit} store(s), and the business has {stores}: change plan to open another.",
                plan.as_str()
            ),
        ));
    }
    Ok(())
}
