//! Keys to the business REST API made at the till by an admin, offline too: the key is
//! shown once, here, and is stored nowhere on the till; its hash and label go central
//! through the outbox (an `api_keys` insert, checked again by the gateway), and the key
//! works once that has synced. Keys are listed and revoked through the API or by the
//! operator.

use tracing::info;

use crate::db::outbox;
use crate::error::{Error, Result};
use crate::staff::{Actor, Permission};
use crate::till::Till;
use sellsync_contract::documents::{Collection, Op};
use sellsync_contract::ids::{self, Id};
use sellsync_contract::secrets::{self, Kind};

/// A key just made: `key` is shown this once.
pub struct ApiKeyMade {
    pub id: Id,
    pub key: String,
    /// What people tell it by: `ssk_3kR9wQ…`.
    pub label: String,
    pub scopes: Vec<&'static str>,
}

impl std::fmt::Debug for ApiKeyMade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyMade")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Till {
    /// Makes a key to the business's API, reading only or reading and writing. Needs
    /// `manage_settings` (an admin's, unless given).
    pub fn create_api_key(&mut self, actor: &Actor, write: bool) -> Result<ApiKeyMade> {
        actor.require(Permission::ManageSettings)?;
        let key =
            secrets::generate(Kind::ApiKey).map_err(|e| Error::NoRandomness(e.to_string()))?;
        let scopes = if write {
            vec!["read", "write"]
        } else {
            vec!["read"]
        };
        let id = Id::new();
        let document = secrets::api_key_document(
            id.object_id(),
            self.business().id.object_id(),
            &key,
            &scopes,
            Some(actor.user_id().object_id()),
        );
        let now = ids::now();
        self.write_as(actor, |tx, _| {
            outbox::append(tx, Collection::ApiKeys, id, Op::Insert, document, now)
        })?;
        info!(label = %key.label, by = %actor.name(), "API key made");
        Ok(ApiKeyMade {
            id,
            key: key.secret,
            label: key.label,
            scopes,
        })
    }
}
