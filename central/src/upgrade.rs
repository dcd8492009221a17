//! Central documents written by an earlier Sell Sync, brought up to date in place.
//!
//! Run for the till's business when the engine connects and before a new till's first
//! read; each step is idempotent and safe while other tills sync.
//!
//! **Stock per store.** Earlier products held one `stock` for the whole business. Each
//! product without `stock_levels` gets one level per store that has movements: the
//! store's counted movements (`stock_applied`, or held in `pending_movements`), plus the
//! opening stock for the product's own store (`store_id`), or for a business-wide product
//! the business's first store. The total `stock` is not changed: it already was the
//! opening stock plus every counted movement, which is the sum of the levels.

use std::collections::BTreeMap;

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use tracing::{info, warn};

use sellsync_contract::documents::{self, field, quantity_value, Collection, StockLevel};
use sellsync_contract::roles::{permission_name, Permission};
use sellsync_contract::Quantity;

use crate::database::Central;
use crate::error::Result;

/// Brings the documents of `business` up to date: what a till connecting directly does
/// before it reads.
pub async fn bring_up_to_date(central: &Central, business: ObjectId) -> Result<()> {
    give_products_stock_levels(central, business).await?;
    grant_key_weights(central, business).await?;
    Ok(())
}

/// Gives `key_weights` to the users of `business` who manage inventory, unless the
/// business had this upgrade already; returns how many users were given it.
pub async fn grant_key_weights(central: &Central, business: ObjectId) -> Result<u64> {
    let upgrade = permission_name(Permission::KeyWeights);
    let db = central.database();
    let businesses = db.collection::<Document>(Collection::Businesses.name());
    let pending = doc! { field::ID: business, field::UPGRADES: { "$ne": upgrade } };
    if businesses
        .find_one(pending.clone())
        .projection(doc! { field::ID: 1 })
        .await
        .map_err(|e| central.classify(e))?
        .is_none()
    {
        return Ok(0);
    }
    // Users first, then the mark: stopped between the two, the next run gives it again to
    // the same users, which changes nothing.
    let given = db
        .collection::<Document>(Collection::Users.name())
        .update_many(
            doc! {
                field::BUSINESS_ID: business,
                field::PERMISSIONS: permission_name(Permission::ManageInventory),
            },
            doc! { "$addToSet": { field::PERMISSIONS: upgrade } },
        )
        .await
        .map_err(|e| central.classify(e))?
        .modified_count;
    businesses
        .update_one(pending, doc! { "$addToSet": { field::UPGRADES: upgrade } })
        .await
        .map_err(|e| central.classify(e))?;
    if given > 0 {
        info!(
            users = given,
            "central users given the permission to key weights"
        );
    }
    Ok(given)
}

/// [`grant_key_weights`] for every business that has not had it: what a gateway does
/// when it starts.
pub async fn grant_key_weights_everywhere(central: &Central) -> Result<u64> {
    let upgrade = permission_name(Permission::KeyWeights);
    let mut cursor = central
        .database()
        .collection::<Document>(Collection::Businesses.name())
        .find(doc! { field::UPGRADES: { "$ne": upgrade } })
        .projection(doc! { field::ID: 1 })
        .await
        .map_err(|e| central.classify(e))?;
    let mut businesses = Vec::new();
    while cursor.advance().await.map_err(|e| central.classify(e))? {
        businesses.extend(cursor.deserialize_current()?.get_object_id(field::ID).ok());
    }
    let mut given = 0;
    for business in businesses {
        given += grant_key_weights(central, business).await?;
    }
    Ok(given)
}

/// Products migrated per round.
const PAGE: i64 = 500;

/// Gives every product of `business` that has none its per-store `stock_levels`; returns
/// how many it gave them to.
pub async fn give_products_stock_levels(central: &Central, business: ObjectId) -> Result<usize> {
    let db = central.database();
    let products = db.collection::<Document>(Collection::Products.name());
    // Looked up once, and only when a product needs it: most connects find nothing to do.
    let mut oldest: Option<Option<ObjectId>> = None;
    let mut migrated = 0;
    let mut skipped: Vec<ObjectId> = Vec::new();
    loop {
        let mut cursor = products
            .find(doc! {
                field::BUSINESS_ID: business,
                field::STOCK_LEVELS: { "$exists": false },
                field::ID: { "$nin": &skipped },
            })
            .projection(doc! {
                field::ID: 1,
                field::STORE_ID: 1,
                field::STOCK: 1,
                field::OPENING_STOCK: 1,
                field::PENDING_MOVEMENTS: 1,
            })
            .limit(PAGE)
            .await
            .map_err(|e| central.classify(e))?;
        let mut page = Vec::new();
        while cursor.advance().await.map_err(|e| central.classify(e))? {
            page.push(cursor.deserialize_current()?);
        }
        if page.is_empty() {
            break;
        }
        let first_store = match oldest {
            Some(store) => store,
            None => *oldest.insert(oldest_store(central, business).await?),
        };
        let ids: Vec<ObjectId> = page
            .iter()
            .filter_map(|p| p.get_object_id(field::ID).ok())
            .collect();
        let held: Vec<Bson> = page
            .iter()
            .filter_map(|p| p.get_array(field::PENDING_MOVEMENTS).ok())
            .flatten()
            .cloned()
            .collect();
        let moved = counted_movements(central, business, &ids, held).await?;
        for product in &page {
            let Ok(id) = product.get_object_id(field::ID) else {
                continue;
            };
            let stock = quantity(product.get(field::STOCK)).unwrap_or_default();
            let moves = moved.get(&id).cloned().unwrap_or_default();
            let total_moved: Quantity = moves.values().copied().sum();
            let opening =
                quantity(product.get(field::OPENING_STOCK)).unwrap_or(stock - total_moved);
            let Some(home) = product.get_object_id(field::STORE_ID).ok().or(first_store) else {
                warn!(product = %id, "no store to give the product's stock to; left as it is");
                skipped.push(id);
                continue;
            };
            let mut levels: BTreeMap<ObjectId, (Quantity, Quantity)> = BTreeMap::new();
            levels.insert(home, (opening, opening));
            for (store, moved) in moves {
                levels.entry(store).or_default().1 += moved;
            }
            let levels: Vec<Document> = levels
                .into_iter()
                .map(|(store, (opening_stock, stock))| {
                    StockLevel {
                        store_id: store.into(),
                        opening_stock,
                        stock,
                    }
                    .to_document()
                })
                .collect();
            // Guarded on the stock read: a movement counted meanwhile means a new round.
            let mut filter = doc! {
                field::ID: id,
                field::BUSINESS_ID: business,
                field::STOCK_LEVELS: { "$exists": false },
            };
            filter.insert(
                field::STOCK,
                product.get(field::STOCK).cloned().unwrap_or(Bson::Null),
            );
            let set = doc! { "$set": { field::STOCK_LEVELS: levels, field::OPENING_STOCK: documents::quantity(opening) } };
            let result = products
                .update_one(filter, set)
                .await
                .map_err(|e| central.classify(e))?;
            migrated += usize::try_from(result.modified_count).unwrap_or(0);
        }
    }
    if migrated > 0 {
        info!(
            products = migrated,
            "central products given per-store stock levels"
        );
    }
    Ok(migrated)
}

/// The business's first store (the oldest), if it has any.
async fn oldest_store(central: &Central, business: ObjectId) -> Result<Option<ObjectId>> {
    Ok(central
        .database()
        .collection::<Document>(Collection::Stores.name())
        .find_one(doc! { field::BUSINESS_ID: business })
        .sort(doc! { field::CREATED_AT: 1, field::ID: 1 })
        .await
        .map_err(|e| central.classify(e))?
        .and_then(|store| store.get_object_id(field::ID).ok()))
}

/// The counted movements of `products`, summed per product and store.
async fn counted_movements(
    central: &Central,
    business: ObjectId,
    products: &[ObjectId],
    held: Vec<Bson>,
) -> Result<BTreeMap<ObjectId, BTreeMap<ObjectId, Quantity>>> {
    let mut cursor = central
        .database()
        .collection::<Document>(Collection::StockMovements.name())
        .find(doc! {
            field::BUSINESS_ID: business,
            field::PRODUCT_ID: { "$in": products },
            "$or": [ { field::STOCK_APPLIED: true }, { field::ID: { "$in": held } } ],
        })
        .projection(doc! { field::PRODUCT_ID: 1, field::STORE_ID: 1, field::QUANTITY: 1 })
        .await
        .map_err(|e| central.classify(e))?;
    let mut sums: BTreeMap<ObjectId, BTreeMap<ObjectId, Quantity>> = BTreeMap::new();
    while cursor.advance().await.map_err(|e| central.classify(e))? {
        let movement = cursor.deserialize_current()?;
        let (Ok(product), Ok(store), Some(quantity)) = (
            movement.get_object_id(field::PRODUCT_ID),
            movement.get_object_id(field::STORE_ID),
            quantity(movement.get(field::QUANTITY)),
        ) else {
            continue;
        };
        *sums.entry(product).or_default().entry(store).or_default() += quantity;
    }
    Ok(sums)
}

fn quantity(value: Option<&Bson>) -> Option<Quantity> {
    value.and_then(quantity_value)
}
