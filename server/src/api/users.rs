//! `/v1/users`: the business's people as the owner and admins manage them in the back
//! office, signed in (never a program with an API key): listed (never a hash: whether a
//! PIN or password is set), added with a role, a store, a PIN and their permissions,
//! changed, and given a one-time link that sets their back-office password. A store
//! manager given `manage_users` manages their own store's cashiers, and gives them only
//! permissions they hold themselves. A change is written to the `users` collection, from
//! which every till of the person's store takes it at its next pull. The owner is changed
//! by the owner alone, and stays an admin of every store with every permission.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt as _;
use sellsync_central::database::is_duplicate_key;
use sellsync_contract::credentials::{hash_pin, normalize_email};
use sellsync_contract::documents::{field, Collection, UserDoc};
use sellsync_contract::ids::Id;
use sellsync_contract::roles::{permission_name, Permission, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{body, id, invalid, not_found, store, Scope, StoreScoped};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;
use crate::sessions;

/// A person of the business, as the back office shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub email: String,
    /// `admin`, `manager` or `cashier`.
    pub role: String,
    /// Their store; none for a person of every store.
    pub store_id: Option<String>,
    /// The business's owner.
    pub owner: bool,
    pub has_pin: bool,
    pub has_password: bool,
    /// What they may do: `process_sales`, `manage_inventory`, … (their role's unless
    /// changed).
    pub permissions: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffMember {
    pub name: String,
    pub email: String,
    /// `admin`, `manager` or `cashier`; a manager's and a cashier's need a store.
    pub role: String,
    pub store_id: Option<String>,
    /// 4 to 8 digits, to sign in at the tills.
    pub pin: String,
    /// What they may do; their role's when left out.
    pub permissions: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffChanges {
    pub name: Option<String>,
    pub role: Option<String>,
    /// Their store; `""` for every store (an admin's).
    pub store_id: Option<String>,
    /// A new PIN of 4 to 8 digits.
    pub pin: Option<String>,
    /// What they may do, in place of what they could (a new role alone gives the role's).
    pub permissions: Option<Vec<String>>,
}

/// A one-time link's code that sets the person's back-office password, within a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordLink {
    /// What follows `/set-password#` in the link.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

fn shown(document: &Document, owner: Option<ObjectId>) -> Option<StaffMember> {
    let user = UserDoc::from_document(document).ok()?;
    Some(StaffMember {
        id: user.id.to_string(),
        name: user.name,
        email: user.email,
        role: user.role.as_str().to_owned(),
        store_id: user.store_id.map(|s| s.to_string()),
        owner: owner == Some(user.id.object_id()),
        has_pin: user.pin_hash.is_some(),
        has_password: user.password_hash.is_some(),
        permissions: names(&user.permissions),
        created_at: user.created_at,
    })
}

fn role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| invalid(field::ROLE, "admin, manager or cashier"))
}

fn pin_hash(pin: &str) -> Result<String, ApiError> {
    hash_pin(pin.trim()).map_err(|e| invalid("pin", e))
}

fn names(permissions: &[Permission]) -> Vec<String> {
    permissions
        .iter()
        .map(|p| permission_name(*p).to_owned())
        .collect()
}

/// Permissions by their central names, each known, or which one is not.
fn permissions(names: &[String]) -> Result<Vec<Permission>, ApiError> {
    names
        .iter()
        .map(|name| {
            Permission::ALL
                .into_iter()
                .find(|p| permission_name(*p) == name.trim())
                .ok_or_else(|| invalid(field::PERMISSIONS, format!("{name:?} is not a permission")))
        })
        .collect()
}

/// Whose staff the caller manages.
enum Manages {
    /// The owner's and the admins': everyone's.
    Everyone,
    /// A store manager's given `manage_users`: their store's cashiers, with permissions
    /// the manager holds.
    Cashiers {
        store: ObjectId,
        holds: Vec<Permission>,
    },
}

impl Manages {
    /// Refused unless the manager may give every one of `asked`.
    fn may_give(&self, asked: &[Permission]) -> Result<(), ApiError> {
        let Manages::Cashiers { holds, .. } = self else {
            return Ok(());
        };
        match asked.iter().find(|p| !holds.contains(p)) {
            Some(p) => Err(ApiError::forbidden(
                "permission_not_held",
                format!("You may give only permissions you hold: not to {p}."),
            )),
            None => Ok(()),
        }
    }

    /// Refused unless the manager may change `user`: a cashier of their store (a person of
    /// another store is no one here).
    fn may_change(&self, user: &UserDoc) -> Result<(), ApiError> {
        let Manages::Cashiers { store, .. } = self else {
            return Ok(());
        };
        if user.store_id.map(|s| s.object_id()) != Some(*store) {
            return Err(not_found("person"));
        }
        if user.role != Role::Cashier {
            return Err(cashiers_alone());
        }
        Ok(())
    }
}

fn cashiers_alone() -> ApiError {
    ApiError::forbidden(
        "cashiers_alone",
        "A store manager adds and changes their store's cashiers alone; ask an admin.",
    )
}

/// Whose staff the caller manages, signed in, or why they manage none.
async fn manages_staff(service: &Service, caller: &Caller) -> Result<Manages, ApiError> {
    caller.must_be_a_person()?;
    let refused = || {
        ApiError::forbidden(
            "staff_is_the_admins",
            "Staff are managed by the owner, the admins, and store managers given the permission to manage staff accounts.",
        )
    };
    let Some(store) = caller.store() else {
        caller.require(Scope::Keys).map_err(|_| refused())?;
        return Ok(Manages::Everyone);
    };
    let person = caller.person.ok_or_else(refused)?;
    let found = users(service)
        .find_one(doc! { field::ID: person, field::BUSINESS_ID: caller.business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(refused)?;
    let manager = UserDoc::from_document(&found).map_err(ApiError::unavailable)?;
    if !manager.permissions.contains(&Permission::ManageUsers) {
        return Err(refused());
    }
    Ok(Manages::Cashiers {
        store,
        holds: manager.permissions,
    })
}

/// A permission a person may be given.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionView {
    /// Its name in `permissions`: `manage_inventory`.
    pub name: String,
    /// What it allows, in words: "manage inventory".
    pub words: String,
}

/// Every permission a person may be given, with what it allows in words.
#[utoipa::path(get, path = "/v1/permissions", tag = "business",
    security(("session" = [])), responses((status = 200, body = Vec<PermissionView>)))]
pub async fn list_permissions(
    StoreScoped(caller): StoreScoped,
) -> Result<Json<Vec<PermissionView>>, ApiError> {
    caller.must_be_a_person()?;
    Ok(Json(
        Permission::ALL
            .into_iter()
            .map(|p| PermissionView {
                name: permission_name(p).to_owned(),
                words: p.to_string(),
            })
            .collect(),
    ))
}

/// The business's people, by name (a store manager's: their store's).
#[utoipa::path(get, path = "/v1/users", tag = "business",
    security(("session" = [])), responses((status = 200, body = Vec<StaffMember>)))]
pub async fn list_users(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
) -> Result<Json<Vec<StaffMember>>, ApiError> {
    let mut query = doc! { field::BUSINESS_ID: caller.business_id };
    if let Manages::Cashiers { store, .. } = manages_staff(&service, &caller).await? {
        query.insert(field::STORE_ID, store);
    }
    let found: Vec<Document> = users(&service)
        .find(query)
        .sort(doc! { field::NAME: 1 })
        .await
        .map_err(ApiError::unavailable)?
        .try_collect()
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Json(
        found
            .iter()
            .filter_map(|d| shown(d, caller.owner))
            .collect(),
    ))
}

fn users(service: &Service) -> mongodb::Collection<Document> {
    service
        .central
        .database()
        .collection::<Document>(Collection::Users.name())
}

/// The store a person of `role` is of: a manager's and a cashier's must have one.
async fn store_of(
    service: &Service,
    caller: &Caller,
    role: Role,
    store_id: Option<&str>,
) -> Result<Option<ObjectId>, ApiError> {
    let store = match store_id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => Some(store(service, caller, id).await?),
        None => None,
    };
    if store.is_none() && role != Role::Admin {
        return Err(invalid(
            field::STORE_ID,
            "a manager or a cashier works at a store: give it",
        ));
    }
    Ok(store)
}

/// Adds a person with a role, a store and a PIN: the tills of their store (every store's,
/// for an admin of all) take them at their next pull. Their back-office password is set by
/// a link (`POST /v1/users/{id}/password-link`).
#[utoipa::path(post, path = "/v1/users", tag = "business", request_body = NewStaffMember,
    security(("session" = [])),
    responses((status = 201, body = StaffMember), (status = 409, description = "A person of the business has this email")))]
pub async fn create_user(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    bytes: axum::body::Bytes,
) -> Result<(StatusCode, Json<StaffMember>), ApiError> {
    let manages = manages_staff(&service, &caller).await?;
    let new: NewStaffMember = body(&bytes)?;
    let name = new.name.trim();
    if name.is_empty() {
        return Err(invalid(field::NAME, "a person needs a name"));
    }
    let email =
        normalize_email(&new.email).ok_or_else(|| invalid(field::EMAIL, "not an email address"))?;
    let role = role(&new.role)?;
    if matches!(manages, Manages::Cashiers { .. }) && role != Role::Cashier {
        return Err(cashiers_alone());
    }
    let store = store_of(&service, &caller, role, new.store_id.as_deref()).await?;
    let permissions = match &new.permissions {
        Some(names) => self::permissions(names)?,
        None => role.default_permissions(),
    };
    manages.may_give(&permissions)?;
    let pin = new.pin.clone();
    let pin_hash = tokio::task::spawn_blocking(move || pin_hash(&pin))
        .await
        .map_err(ApiError::unavailable)??;
    let user = UserDoc {
        id: Id::new(),
        business_id: caller.business_id.into(),
        store_id: store.map(Id::from),
        name: name.to_owned(),
        email,
        password_hash: None,
        pin_hash: Some(pin_hash),
        role,
        permissions,
        created_at: Some(Utc::now()),
    };
    let document = user.to_document();
    match users(&service).insert_one(&document).await {
        Ok(_) => {}
        Err(e) if is_duplicate_key(&e) => {
            return Err(ApiError::conflict(
                "duplicate",
                "A person of the business signs in with this email already.",
            ))
        }
        Err(e) => return Err(ApiError::unavailable(e)),
    }
    tracing::info!(business = %caller.business_id, user = %user.id, role = role.as_str(), "a person added in the back office");
    let shown = shown(&document, caller.owner)
        .ok_or_else(|| ApiError::unavailable("a user just made that does not read"))?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// Changes a person's name, role, store, PIN or permissions. The owner is changed by the
/// owner alone and stays an admin of every store with every permission; a store manager
/// changes their store's cashiers.
#[utoipa::path(patch, path = "/v1/users/{id}", tag = "business", request_body = StaffChanges,
    params(("id" = String, Path, description = "The person's id")),
    security(("session" = [])),
    responses((status = 200, body = StaffMember), (status = 404, description = "No such person of this business")))]
pub async fn update_user(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    Path(text): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Json<StaffMember>, ApiError> {
    let manages = manages_staff(&service, &caller).await?;
    let user_id = id(&text, "person")?;
    let changes: StaffChanges = body(&bytes)?;
    let found = users(&service)
        .find_one(doc! { field::ID: user_id, field::BUSINESS_ID: caller.business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| not_found("person"))?;
    let user = UserDoc::from_document(&found).map_err(ApiError::unavailable)?;
    manages.may_change(&user)?;
    let is_owner = caller.owner == Some(user_id);
    if is_owner && caller.person != caller.owner {
        return Err(ApiError::forbidden(
            "owner",
            "The business's owner is changed by the owner alone.",
        ));
    }
    let mut set = Document::new();
    if let Some(name) = changes.name.as_deref().map(str::trim) {
        if name.is_empty() {
            return Err(invalid(field::NAME, "a person needs a name"));
        }
        set.insert(field::NAME, name);
    }
    let new_role = match changes.role.as_deref() {
        Some(text) => role(text)?,
        None => user.role,
    };
    if matches!(manages, Manages::Cashiers { .. }) && new_role != Role::Cashier {
        return Err(cashiers_alone());
    }
    if is_owner
        && (new_role != Role::Admin
            || changes
                .store_id
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()))
    {
        return Err(invalid(
            field::ROLE,
            "the owner stays an admin of every store",
        ));
    }
    if changes.role.is_some() || changes.store_id.is_some() {
        let store_text = match &changes.store_id {
            Some(text) => Some(text.clone()),
            None => user.store_id.map(|s| s.to_string()),
        };
        let store = store_of(&service, &caller, new_role, store_text.as_deref()).await?;
        set.insert(field::STORE_ID, store.map_or(Bson::Null, Bson::ObjectId));
        if new_role != user.role {
            set.insert(field::ROLE, new_role.as_str());
            set.insert(field::PERMISSIONS, names(&new_role.default_permissions()));
        }
    }
    if let Some(asked) = &changes.permissions {
        if is_owner {
            return Err(invalid(
                field::PERMISSIONS,
                "the owner keeps every permission",
            ));
        }
        let asked = permissions(asked)?;
        manages.may_give(&asked)?;
        set.insert(field::PERMISSIONS, names(&asked));
    }
    if let Some(pin) = changes.pin {
        let hashed = tokio::task::spawn_blocking(move || pin_hash(&pin))
            .await
            .map_err(ApiError::unavailable)??;
        set.insert(field::PIN_HASH, hashed);
    }
    if set.is_empty() {
        return Err(invalid(
            "body",
            "nothing to change: give name, role, store_id, pin or permissions",
        ));
    }
    let updated = users(&service)
        .find_one_and_update(
            doc! { field::ID: user_id, field::BUSINESS_ID: caller.business_id },
            doc! { "$set": set },
        )
        .return_document(mongodb::options::ReturnDocument::After)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| not_found("person"))?;
    tracing::info!(business = %caller.business_id, user = %user_id, "a person changed in the back office");
    shown(&updated, caller.owner)
        .map(Json)
        .ok_or_else(|| ApiError::unavailable("a user that does not read"))
}

/// A one-time link's code that sets the person's back-office password, within a day: the
/// page shows the link to send them. Their sessions end when they use it.
#[utoipa::path(post, path = "/v1/users/{id}/password-link", tag = "business",
    params(("id" = String, Path, description = "The person's id")),
    security(("session" = [])),
    responses((status = 201, body = PasswordLink), (status = 404, description = "No such person of this business")))]
pub async fn password_link(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(text): Path<String>,
) -> Result<(StatusCode, Json<PasswordLink>), ApiError> {
    manages_staff(&service, &caller).await?;
    let user_id = id(&text, "person")?;
    if caller.owner == Some(user_id) && caller.person != caller.owner {
        return Err(ApiError::forbidden(
            "owner",
            "The business's owner is changed by the owner alone.",
        ));
    }
    let (code, expires_at) =
        sessions::password_link_for(&service.central, caller.business_id, user_id).await?;
    Ok((StatusCode::CREATED, Json(PasswordLink { code, expires_at })))
}
