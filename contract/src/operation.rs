//! One outbox operation as a till hands it to sync, and as the wire carries it: the till
//! writes it, the reconciler applies it, the write policy judges it; and its payload as
//! the outbox keeps it: MongoDB canonical Extended JSON, with the central field names,
//! ObjectIds, `Decimal128` money and BSON dates.

use bson::{Bson, Document};

use crate::documents::{Collection, Op};
use crate::ids::Id;

/// One outbox operation handed to the sync engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Commit order on this till.
    pub seq: i64,
    /// UUIDv7, unique across tills.
    pub op_id: String,
    pub collection: Collection,
    pub document_id: Id,
    pub op: Op,
    /// The document (insert), the fields to set (update) or the purchase to add.
    pub payload: Document,
    /// The user who made it; `None`: the till itself, or an operation written before
    /// tills recorded it.
    pub user: Option<Id>,
}

/// A payload as the outbox keeps it: canonical Extended JSON, every type preserved.
pub fn payload_text(payload: Document) -> String {
    Bson::Document(payload).into_canonical_extjson().to_string()
}

/// Reads a payload written by [`payload_text`] back into its document; the error says why
/// not.
pub fn read_payload(text: &str) -> Result<Document, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match Bson::try_from(json).map_err(|e| e.to_string())? {
        Bson::Document(doc) => Ok(doc),
        other => Err(format!("payload is {other:?}, not a document")),
    }
}
