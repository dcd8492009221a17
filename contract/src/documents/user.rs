//! `users`: staff of a business, of one store or of all its stores.

use bson::{doc, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, oid, or_null};
use super::{field, Collection};
use crate::ids::Id;
use crate::roles::{permission_name, Permission, Role};

/// A staff member. The hashes are argon2id PHC strings; they are never shown to people.
#[derive(Clone, PartialEq)]
pub struct UserDoc {
    pub id: Id,
    pub business_id: Id,
    /// `None`: the user works at every store of the business.
    pub store_id: Option<Id>,
    pub name: String,
    /// Lower case: people sign in by it.
    pub email: String,
    pub password_hash: Option<String>,
    pub pin_hash: Option<String>,
    pub role: Role,
    pub permissions: Vec<Permission>,
    pub created_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for UserDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserDoc")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl UserDoc {
    pub fn to_document(&self) -> Document {
        let permissions: Vec<&str> = self
            .permissions
            .iter()
            .map(|p| permission_name(*p))
            .collect();
        doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: or_null(self.store_id, oid),
            field::NAME: &self.name,
            field::EMAIL: &self.email,
            field::PASSWORD_HASH: self.password_hash.as_deref(),
            field::PIN_HASH: self.pin_hash.as_deref(),
            field::ROLE: self.role.as_str(),
            field::PERMISSIONS: permissions,
            field::CREATED_AT: or_null(self.created_at, date),
        }
    }

    /// Refused without a name, an email or a known role. Without a permissions list the
    /// role's defaults apply; names of permissions this version does not know are left
    /// out (a newer back office may grant more than this till can check).
    pub fn from_document(doc: &Document) -> Read<UserDoc> {
        let r = Reader::new(Collection::Users, doc)?;
        let role = r.required_text(field::ROLE)?;
        let role = Role::parse(&role)
            .ok_or_else(|| r.refuse(format!("has the role {role:?}, which is not a role")))?;
        let permissions = match r.texts(field::PERMISSIONS)? {
            None => role.default_permissions(),
            Some(names) => names
                .iter()
                .filter_map(|name| {
                    Permission::ALL
                        .into_iter()
                        .find(|p| permission_name(*p) == name)
                })
                .collect(),
        };
        Ok(UserDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.optional_id(field::STORE_ID)?,
            name: r.required_text(field::NAME)?,
            email: r.required_text(field::EMAIL)?.to_lowercase(),
            password_hash: r.non_blank(field::PASSWORD_HASH)?,
            pin_hash: r.non_blank(field::PIN_HASH)?,
            role,
            permissions,
            created_at: r.time(field::CREATED_AT)?,
        })
    }
}
