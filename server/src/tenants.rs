//! Tenants: a business made with its plan and subscription, its first store, its owner
//! (an admin of every store), its payment methods (cash and card) and the owner's first
//! API key, which is shown once. The
//! documents are the contract's; the business is written last, so a business that
//! exists is whole.

use bson::Document;
use chrono::Utc;
use sellsync_central::Central;
use sellsync_contract::credentials::{check_password, hash_pin, hash_secret, normalize_email};
use sellsync_contract::documents::default_methods;
use sellsync_contract::documents::{
    field, BusinessDoc, BusinessSettings, Collection, PaymentMethodDoc, StoreDoc, UserDoc,
};
use sellsync_contract::roles::Role;
use sellsync_contract::{Currency, Id};

use crate::error::{ApiError, Result, ServerError};
use crate::keys::{self, NewKey};
use crate::plans::Plan;
use crate::{api, quota};

/// What `admin create-business` is given.
pub struct NewBusiness {
    pub name: String,
    pub owner_name: String,
    pub owner_email: String,
    pub owner_pin: String,
    /// For the back office; none until the owner sets one by a link.
    pub owner_password: Option<String>,
    pub plan: Plan,
    pub store_name: String,
    pub currency: String,
    pub timezone: String,
}

/// What was made; the key's secret is in `key` and nowhere else.
#[derive(Debug)]
pub struct Created {
    pub business_id: Id,
    pub store_id: Id,
    pub owner_id: Id,
    pub key_id: Id,
    pub key: NewKey,
}

/// Creates the business, its first store, its owner and the owner's first API key (read
/// and write). Refused in words for a blank name, a bad email, PIN, password, currency or
/// time zone.
pub async fn create_business(central: &Central, new: &NewBusiness) -> Result<Created> {
    let name = new.name.trim();
    let store_name = new.store_name.trim();
    if name.is_empty() || store_name.is_empty() {
        return Err(ServerError::Invalid(
            "A business needs a name and its first store a name.".into(),
        ));
    }
    let email = normalize_email(&new.owner_email).ok_or_else(|| {
        ServerError::Invalid(format!("{:?} is not an email address.", new.owner_email))
    })?;
    let currency =
        Currency::from_code(&new.currency).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let timezone = new.timezone.parse().map_err(|_| {
        ServerError::Invalid(format!(
            "{:?} is not a time zone, such as America/New_York.",
            new.timezone
        ))
    })?;
    let pin_hash = hash_pin(&new.owner_pin).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let password_hash = new
        .owner_password
        .as_deref()
        .map(|password| check_password(password).and_then(|()| hash_secret(password)))
        .transpose()
        .map_err(|e| ServerError::Invalid(e.to_string()))?;
    let now = Utc::now();
    let (business_id, store_id, owner_id, key_id) = (Id::new(), Id::new(), Id::new(), Id::new());
    let key = keys::generate(keys::Kind::ApiKey).map_err(|e| ServerError::Random(e.to_string()))?;

    let owner = UserDoc {
        id: owner_id,
        business_id,
        store_id: None,
        name: Some(new.owner_name.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or("Owner")
            .to_owned(),
        email,
        password_hash,
        pin_hash: Some(pin_hash),
        role: Role::Admin,
        permissions: Role::Admin.default_permissions(),
        created_at: Some(now),
    };
    let store = StoreDoc {
        id: store_id,
        business_id,
        store_name: store_name.to_owned(),
        location: None,
        phone: None,
        operating_hours: None,
        created_at: Some(now),
    };
    let business = BusinessDoc {
        id: business_id,
        business_name: name.to_owned(),
        business_owner: Some(owner_id),
        package_plan: Some(new.plan.as_str().to_owned()),
        subscription_status: Some("active".to_owned()),
        // The seed's `api_key` on the business: the label of the owner's first key.
        api_key: Some(key.label.clone()),
        settings: BusinessSettings::new(currency, timezone),
        created_at: Some(now),
    }
    .to_document();
    let api_key = keys::api_key_document(
        key_id.object_id(),
        business_id.object_id(),
        &key,
        &["read", "write", "keys"],
        Some(owner_id.object_id()),
    );
    let db = central.database();
    let insert = |collection: Collection, document: Document| async move {
        db.collection::<Document>(collection.name())
            .insert_one(document)
            .await
            .map(|_| ())
            .map_err(|e| ServerError::Central(central.classify(e)))
    };
    insert(Collection::ApiKeys, api_key).await?;
    // The payment methods a new business starts with, as at a till: cash and card.
    for method in default_methods() {
        let method = PaymentMethodDoc {
            id: Id::new(),
            business_id,
            method_name: method.method_name,
            provider: method.provider,
            kind: method.kind,
            created_at: Some(now),
        };
        insert(Collection::PaymentMethods, method.to_document()).await?;
    }
    insert(Collection::Users, owner.to_document()).await?;
    insert(Collection::Stores, store.to_document()).await?;
    insert(Collection::Businesses, business).await?;
    tracing::info!(business = %business_id, plan = new.plan.as_str(), "business created");
    Ok(Created {
        business_id,
        store_id,
        owner_id,
        key_id,
        key,
    })
}

/// Opens another store of `business`, within its plan's stores. Another business's id
/// answers as one that does not exist.
pub async fn create_store(
    central: &Central,
    business: bson::oid::ObjectId,
    name: &str,
    location: Option<String>,
    phone: Option<String>,
) -> Result<Id, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(api::invalid("store_name", "a store needs a name"));
    }
    let db = central.database();
    let found = db
        .collection::<Document>(Collection::Businesses.name())
        .find_one(bson::doc! { field::ID: business })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| api::not_found("business"))?;
    let plan = Plan::of(&found);
    let lease = quota::Lease::take(central, format!("stores:{business}")).await?;
    if let Err(full) = quota::check_stores(central, plan, business).await {
        lease.release().await;
        return Err(full);
    }
    let clean = |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let store = StoreDoc {
        id: Id::new(),
        business_id: business.into(),
        store_name: name.to_owned(),
        location: clean(location),
        phone: clean(phone),
        operating_hours: None,
        created_at: Some(Utc::now()),
    };
    let inserted = db
        .collection::<Document>(Collection::Stores.name())
        .insert_one(store.to_document())
        .await;
    lease.release().await;
    inserted.map_err(ApiError::unavailable)?;
    tracing::info!(%business, store = %store.id, "store opened");
    Ok(store.id)
}

/// Who makes a key.
#[derive(Debug, Clone, Copy)]
pub enum KeyMaker {
    /// The service's operator (`admin create-key`), for the business's owner.
    Operator,
    /// A caller with the `keys` scope (a key, or a person signed in to the back office),
    /// for the person it was made for.
    Key {
        person: Option<bson::oid::ObjectId>,
        /// None when a person signed in to the back office made it.
        key: Option<bson::oid::ObjectId>,
    },
}

/// Makes another API key of `business` with `scopes`, shown once by the caller: through
/// the API, or by the operator; `created_by` the person it is for. Another business's id
/// answers as one that does not exist.
pub async fn create_key(
    central: &Central,
    business: bson::oid::ObjectId,
    scopes: &[&str],
    made: KeyMaker,
) -> Result<(bson::oid::ObjectId, NewKey), ApiError> {
    let db = central.database();
    let found = db
        .collection::<Document>(Collection::Businesses.name())
        .find_one(bson::doc! { field::ID: business })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| api::not_found("business"))?;
    let (created_by, by_key) = match made {
        // The operator makes keys for the business's owner.
        KeyMaker::Operator => (found.get_object_id(field::BUSINESS_OWNER).ok(), None),
        KeyMaker::Key { person, key } => (person, key),
    };
    let key = keys::generate(keys::Kind::ApiKey).map_err(ApiError::unavailable)?;
    let id = bson::oid::ObjectId::new();
    let mut document = keys::api_key_document(id, business, &key, scopes, created_by);
    document.insert(field::CREATED_BY_KEY, by_key);
    db.collection::<Document>(Collection::ApiKeys.name())
        .insert_one(document)
        .await
        .map_err(ApiError::unavailable)?;
    // A business made at a till has no `api_key` until its first key.
    let (first, set_label) = BusinessDoc::first_key(business, &key.label);
    db.collection::<Document>(Collection::Businesses.name())
        .update_one(first, set_label)
        .await
        .map_err(ApiError::unavailable)?;
    tracing::info!(%business, key = %id, label = %key.label, "API key made");
    Ok((id, key))
}
