//! Who acts at the till: a signed-in staff member, their role and permissions, and the
//! checks every use case makes of them. Made only by signing in (`staff`), or from a row.

use tracing::warn;

use crate::error::{Error, Result};
use sellsync_contract::ids::Id;
use sellsync_contract::roles::{Permission, Role};

/// A signed-in user: the only way to act on the till. Made by [`Till::sign_in`].
#[derive(Debug, Clone)]
pub struct Actor {
    pub(super) user_id: Id,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) role: Role,
    pub(super) permissions: Vec<Permission>,
}

impl Actor {
    pub fn user_id(&self) -> Id {
        self.user_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The email they sign in with, lower case.
    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// Fails unless this user may give a staff member `role` with `permissions`: nobody
    /// grants a role above their own or a permission they do not hold themselves.
    pub fn require_grant(&self, role: Role, permissions: &[Permission]) -> Result<()> {
        let refused = |what: String| {
            warn!(user = %self.email, %what, "grant refused");
            Err(Error::GrantBeyondOwn {
                user: self.name.clone(),
                what,
            })
        };
        if role.rank() > self.role.rank() {
            return refused(format!("the {} role", role.as_str()));
        }
        match permissions.iter().find(|p| !self.can(**p)) {
            Some(missing) => refused(format!("the right to {missing}")),
            None => Ok(()),
        }
    }

    /// Fails with a clear error unless this user has `permission`.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.can(permission) {
            Ok(())
        } else {
            warn!(user = %self.email, %permission, "permission refused");
            Err(Error::PermissionDenied {
                user: self.name.clone(),
                permission,
            })
        }
    }
}

impl Actor {
    /// A user as the `users` table stores them: the role's name and the permissions as
    /// a JSON list of names. A permission this version does not know grants nothing here.
    pub(super) fn stored(
        user_id: Id,
        name: String,
        email: String,
        role: &str,
        permissions: &str,
    ) -> Result<Actor> {
        Ok(Actor {
            user_id,
            name,
            email,
            role: Role::parse(role)
                .ok_or_else(|| Error::Corrupt(format!("unknown role {role:?}")))?,
            permissions: serde_json::from_str::<Vec<serde_json::Value>>(permissions)
                .map_err(|e| Error::Corrupt(format!("permissions: {e}")))?
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
        })
    }
}
