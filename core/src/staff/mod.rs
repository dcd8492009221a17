//! Staff, roles and permissions, and signing in with a PIN or a password.
//!
//! PINs and passwords are hashed with argon2id. Five wrong tries in a row lock the account
//! for five minutes. Every use case takes the signed-in [`Actor`] and checks its
//! permission here, in core: hiding a button in the UI is not security.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tracing::{info, warn};

use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::till::Till;
use sellsync_contract::credentials::{
    check_password, hash_pin, hash_secret, normalize_email, verify_secret, LOCKOUT_MINUTES,
    MAX_FAILED_ATTEMPTS,
};
use sellsync_contract::documents::{Collection, Op, UserDoc};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};

pub mod actor;

pub use actor::Actor;
pub use sellsync_contract::roles::{permission_name, Permission, Role};

/// How a user proves who they are.
#[derive(Clone, Copy)]
pub enum Credential<'a> {
    /// A numeric PIN of 4 to 8 digits, for fast sign-in at the counter.
    Pin(&'a str),
    Password(&'a str),
}

impl fmt::Debug for Credential<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::Pin(_) => "Pin(***)",
            Credential::Password(_) => "Password(***)",
        })
    }
}

/// A new staff member. At least one of `pin` and `password` must be given.
#[derive(Clone, Default)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub role: Option<Role>,
    pub pin: Option<String>,
    pub password: Option<String>,
    /// Overrides the role's default permissions.
    pub permissions: Option<Vec<Permission>>,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A staff member as the sign-in screen lists them.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub locked: bool,
}

/// A validated new user with its hashes, ready to insert.
pub(crate) struct PreparedUser {
    pub id: Id,
    name: String,
    email: String,
    role: Role,
    permissions: Vec<Permission>,
    pin_hash: Option<String>,
    password_hash: Option<String>,
}

/// Checks a new user and hashes its secrets (slow by design: do it outside transactions).
pub(crate) fn prepare_user(user: &NewUser) -> Result<PreparedUser> {
    let name = user.name.trim();
    if name.is_empty() {
        return Err(Error::InvalidUser("A staff member needs a name.".into()));
    }
    let email = normalize_email(&user.email)
        .ok_or_else(|| Error::InvalidUser(format!("{:?} is not an email address.", user.email)))?;
    if user.pin.is_none() && user.password.is_none() {
        return Err(Error::InvalidUser(
            "A staff member needs a PIN or a password to sign in.".into(),
        ));
    }
    let pin_hash = user.pin.as_deref().map(hash_pin).transpose()?;
    let password_hash = user
        .password
        .as_deref()
        .map(|pw| check_password(pw).and_then(|_| hash_secret(pw)))
        .transpose()?;
    let role = user.role.unwrap_or(Role::Cashier);
    Ok(PreparedUser {
        id: Id::new(),
        name: name.to_owned(),
        email,
        role,
        permissions: user
            .permissions
            .clone()
            .unwrap_or_else(|| role.default_permissions()),
        pin_hash,
        password_hash,
    })
}

/// Inserts a prepared user and its outbox row, inside the caller's transaction.
pub(crate) fn insert_user(
    conn: &Tx<'_>,
    business_id: Id,
    store_id: Id,
    user: &PreparedUser,
    now: DateTime<Utc>,
) -> Result<()> {
    let permissions = serde_json::to_string(&user.permissions).expect("permissions serialize");
    let inserted = conn.execute(
        "INSERT INTO users (_id, business_id, store_id, name, email, password_hash, pin_hash,
            role, permissions, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (business_id, email) DO NOTHING",
        params![
            user.id,
            business_id,
            store_id,
            user.name,
            user.email,
            user.password_hash,
            user.pin_hash,
            user.role.as_str(),
            permissions,
            timestamp(now)
        ],
    )?;
    if inserted == 0 {
        return Err(Error::InvalidUser(format!(
            "A staff member already signs in as {}.",
            user.email
        )));
    }
    outbox::append(
        conn,
        Collection::Users,
        user.id,
        Op::Insert,
        UserDoc {
            id: user.id,
            business_id,
            store_id: Some(store_id),
            name: user.name.clone(),
            email: user.email.clone(),
            password_hash: user.password_hash.clone(),
            pin_hash: user.pin_hash.clone(),
            role: user.role,
            permissions: user.permissions.clone(),
            created_at: Some(now),
        }
        .to_document(),
        now,
    )
}

/// A sign-in under way ([`Till::begin_sign_in`]): the user's stored hashes, to check the
/// typed secret against without the till, since argon2 takes tens of milliseconds on
/// purpose and a caller that shares the till may let others use it meanwhile.
pub struct SignInAttempt {
    email_key: String,
    pin_hash: Option<String>,
    password_hash: Option<String>,
}

/// The user only: a hash is never printed.
impl fmt::Debug for SignInAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInAttempt")
            .field("email", &self.email_key)
            .finish_non_exhaustive()
    }
}

impl SignInAttempt {
    /// Whether `credential` is the PIN or password stored (argon2id).
    pub fn check(&self, credential: Credential<'_>) -> bool {
        let (secret, hash) = match credential {
            Credential::Pin(pin) => (pin, &self.pin_hash),
            Credential::Password(password) => (password, &self.password_hash),
        };
        hash.as_deref().is_some_and(|h| verify_secret(secret, h))
    }
}

/// A user's row as a sign-in reads it.
struct UserSecrets {
    id: Id,
    name: String,
    role: String,
    permissions: String,
    pin_hash: Option<String>,
    password_hash: Option<String>,
    failed: u32,
    locked_until: Option<String>,
}

/// The user of `email_key` in `business` with what a sign-in checks, read on `conn` (the
/// till's, or a transaction of it).
fn user_secrets(conn: &Connection, business: Id, email_key: &str) -> Result<Option<UserSecrets>> {
    Ok(conn
        .query_row(
            "SELECT _id, name, role, permissions, pin_hash, password_hash, failed_attempts,
                    locked_until
             FROM users WHERE business_id = ?1 AND email = ?2",
            params![business, email_key],
            |r| {
                Ok(UserSecrets {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                    permissions: r.get(3)?,
                    pin_hash: r.get(4)?,
                    password_hash: r.get(5)?,
                    failed: r.get(6)?,
                    locked_until: r.get(7)?,
                })
            },
        )
        .optional()?)
}

/// Refused while the account is locked, saying until when (in the store's time, `zone`).
fn not_locked(locked_until: Option<&str>, zone: Tz) -> Result<()> {
    match locked_until.and_then(|t| parse_timestamp(t).ok()) {
        Some(until) if until > ids::now() => Err(locked(until, zone)),
        _ => Ok(()),
    }
}

fn locked(until: DateTime<Utc>, zone: Tz) -> Error {
    Error::AccountLocked {
        until: until.with_timezone(&zone).format("%H:%M").to_string(),
    }
}

/// A manager's approval, keyed at the till: their email and PIN.
#[derive(Clone, Copy)]
pub struct Approval<'a> {
    pub email: &'a str,
    pub pin: &'a str,
}

/// Whether what `actor` may not do alone needs someone else's approval: a cashier's
/// does; a manager or an admin approves their own.
pub fn needs_approver(actor: &Actor) -> bool {
    actor.role() == Role::Cashier
}

impl Till {
    /// Who approves what `actor` may not do alone (`why`, in words, or `None` when nothing
    /// needs approving): `actor` themselves if a manager or admin, else the manager whose
    /// email and PIN are given. Returns the approver's id, to be recorded.
    pub(crate) fn approval(
        &mut self,
        actor: &Actor,
        why: Option<String>,
        approval: Option<Approval<'_>>,
    ) -> Result<Option<Id>> {
        let Some(why) = why else {
            return Ok(None);
        };
        if !needs_approver(actor) {
            return Ok(Some(actor.user_id()));
        }
        let Some(approval) = approval else {
            return Err(Error::ApprovalNeeded(why));
        };
        let manager = self.sign_in(approval.email, Credential::Pin(approval.pin))?;
        if manager.role() == Role::Cashier {
            return Err(Error::ApproverNotManager(manager.name().to_owned()));
        }
        info!(approver = %manager.user_id(), %why, "approved by a manager");
        Ok(Some(manager.user_id()))
    }

    /// Signs a staff member in by email with a PIN or password: [`Till::begin_sign_in`],
    /// [`SignInAttempt::check`] and [`Till::finish_sign_in`] in a row.
    ///
    /// A wrong secret counts towards the lockout (that count is the only thing written);
    /// a locked account is refused without checking the secret.
    pub fn sign_in(&mut self, email: &str, credential: Credential<'_>) -> Result<Actor> {
        let attempt = self.begin_sign_in(email)?;
        let matched = attempt.check(credential);
        self.finish_sign_in(attempt, matched)
    }

    /// The first step of a sign-in: the user of `email` and their stored hashes, or why
    /// they cannot sign in (unknown, removed centrally, locked). Nothing is written.
    pub fn begin_sign_in(&self, email: &str) -> Result<SignInAttempt> {
        let email_key = normalize_email(email).unwrap_or_else(|| email.trim().to_lowercase());
        let zone = self.business.timezone;
        let row = user_secrets(&self.conn, self.business.id, &email_key)?
            .ok_or_else(|| Error::UnknownUser(email.trim().to_owned()))?;
        not_locked(row.locked_until.as_deref(), zone)?;
        if row.pin_hash.is_none() && row.password_hash.is_none() {
            // Removed centrally: no longer staff here, and no try to count.
            return Err(Error::UnknownUser(email.trim().to_owned()));
        }
        Ok(SignInAttempt {
            email_key,
            pin_hash: row.pin_hash,
            password_hash: row.password_hash,
        })
    }

    /// The last step of a sign-in, in one transaction: a secret that did not match counts
    /// towards the lockout (five in a row lock the account); one that matched clears the
    /// count and signs the user in with their role and permissions as stored now. A
    /// user whose hashes changed since [`Till::begin_sign_in`] (a new PIN pulled
    /// meanwhile) is asked again, with no try counted.
    pub fn finish_sign_in(&mut self, attempt: SignInAttempt, matched: bool) -> Result<Actor> {
        let (business, zone) = (self.business.id, self.business.timezone);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = user_secrets(&tx, business, &attempt.email_key)?
            .filter(|r| r.pin_hash == attempt.pin_hash && r.password_hash == attempt.password_hash)
            .ok_or(Error::WrongSecret {
                attempts_left: MAX_FAILED_ATTEMPTS,
            })?;
        not_locked(row.locked_until.as_deref(), zone)?;
        if !matched {
            let failed = row.failed + 1;
            if failed >= MAX_FAILED_ATTEMPTS {
                let until = ids::now() + Duration::minutes(LOCKOUT_MINUTES);
                tx.execute(
                    "UPDATE users SET failed_attempts = 0, locked_until = ?2 WHERE _id = ?1",
                    params![row.id, timestamp(until)],
                )?;
                tx.commit()?;
                warn!(user = %attempt.email_key, "account locked after repeated wrong sign-ins");
                return Err(locked(until, zone));
            }
            tx.execute(
                "UPDATE users SET failed_attempts = ?2 WHERE _id = ?1",
                params![row.id, failed],
            )?;
            tx.commit()?;
            return Err(Error::WrongSecret {
                attempts_left: MAX_FAILED_ATTEMPTS - failed,
            });
        }
        if row.failed > 0 || row.locked_until.is_some() {
            tx.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE _id = ?1",
                [row.id],
            )?;
        }
        tx.commit()?;
        Actor::stored(
            row.id,
            row.name,
            attempt.email_key,
            &row.role,
            &row.permissions,
        )
    }

    /// `actor` as the till knows them now, with their current role and permissions: a
    /// pull may have changed them since they signed in. `None` once they can no longer
    /// sign in here (removed centrally, or from another business).
    pub fn reload_actor(&self, actor: &Actor) -> Result<Option<Actor>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT name, role, permissions FROM users
                 WHERE business_id = ?1 AND _id = ?2
                   AND (pin_hash IS NOT NULL OR password_hash IS NOT NULL)",
            )?
            .query_row(params![self.business.id, actor.user_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .optional()?;
        let Some((name, role, permissions)) = row else {
            info!(user = %actor.email, "signed out: the account was removed");
            return Ok(None);
        };
        Actor::stored(
            actor.user_id,
            name,
            actor.email.clone(),
            &role,
            &permissions,
        )
        .map(Some)
    }

    /// Adds a staff member. Needs `manage_users`, and grants no role or permission beyond
    /// the actor's own.
    pub fn add_user(&mut self, actor: &Actor, user: &NewUser) -> Result<StaffMember> {
        actor.require(Permission::ManageUsers)?;
        let prepared = prepare_user(user)?;
        actor.require_grant(prepared.role, &prepared.permissions)?;
        let now = ids::now();
        self.write_as(actor, |tx, ctx| {
            insert_user(tx, ctx.business.id, ctx.store.id, &prepared, now)
        })?;
        Ok(StaffMember {
            id: prepared.id,
            name: prepared.name,
            email: prepared.email,
            role: prepared.role,
            locked: false,
        })
    }

    /// The staff of this business, for the sign-in screen.
    pub fn staff(&self) -> Result<Vec<StaffMember>> {
        let now = timestamp(ids::now());
        let mut stmt = self.conn.prepare(
            "SELECT _id, name, email, role, COALESCE(locked_until > ?2, 0)
             FROM users WHERE business_id = ?1
                AND (pin_hash IS NOT NULL OR password_hash IS NOT NULL)
             ORDER BY name",
        )?;
        let rows = stmt.query_map(params![self.business.id, now], |r| {
            let role: String = r.get(3)?;
            Ok(StaffMember {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                role: Role::parse(&role).unwrap_or(Role::Cashier),
                locked: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An actor for unit tests of permission checks.
    pub(crate) fn actor(role: Role) -> Actor {
        Actor {
            user_id: Id::new(),
            name: format!("Test {}", role.as_str()),
            email: format!("{}@example.com", role.as_str()),
            role,
            permissions: role.default_permissions(),
        }
    }

    #[test]
    fn nobody_grants_more_than_they_have() {
        use Permission::*;
        let mut manager = actor(Role::Manager);
        manager.permissions.push(ManageUsers);
        let admin = actor(Role::Admin);
        let table: [(&Actor, Role, &[Permission], bool); 7] = [
            (&admin, Role::Admin, &Permission::ALL, true),
            (&manager, Role::Cashier, &[ProcessSales], true),
            (
                &manager,
                Role::Manager,
                &[ManageInventory, ManageUsers],
                true,
            ),
            (&manager, Role::Admin, &[], false),
            (&manager, Role::Cashier, &[ManageSettings], false),
            (&manager, Role::Manager, &Permission::ALL, false),
            (&actor(Role::Cashier), Role::Cashier, &[ViewReports], false),
        ];
        for (who, role, permissions, allowed) in table {
            let result = who.require_grant(role, permissions);
            assert_eq!(
                result.is_ok(),
                allowed,
                "{} gives {role:?} {permissions:?}",
                who.name()
            );
            if let Err(e) = result {
                assert!(matches!(e, Error::GrantBeyondOwn { .. }), "{e}");
            }
        }
    }

    #[test]
    fn roles_grant_their_permissions() {
        use Permission::*;
        let table = [
            (Role::Admin, ManageUsers, true),
            (Role::Admin, ManageInventory, true),
            (Role::Manager, ManageInventory, true),
            (Role::Manager, ViewReports, true),
            (Role::Manager, ManageUsers, false),
            (Role::Cashier, ProcessSales, true),
            (Role::Cashier, ApplyDiscounts, true),
            (Role::Cashier, ManageInventory, false),
            (Role::Cashier, ViewReports, false),
            (Role::Cashier, OpenCashDrawer, false),
        ];
        for (role, permission, allowed) in table {
            let a = actor(role);
            assert_eq!(a.can(permission), allowed, "{role:?} {permission:?}");
            assert_eq!(a.require(permission).is_ok(), allowed);
        }
        let err = actor(Role::Cashier)
            .require(ManageInventory)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Test cashier is not allowed to manage inventory. A manager or an admin can."
        );
    }
}
