//! What tills and the gateway send each other over HTTP, as JSON: outbox operations
//! pushed, central changes pulled, a till's enrolment. Documents travel as MongoDB
//! canonical Extended JSON, so ObjectIds, dates and `Decimal128` money arrive as they left.
//! One definition for both ends: the till's client (`gateway.rs`) and `sellsync-server`.

use bson::{Bson, Document};
use sellsync_contract::change::CentralChange;
use sellsync_contract::documents::{Collection, Op};
use sellsync_contract::operation::Operation;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::feed::Page;
use crate::reconciler::{BatchOutcome, Rejection};

/// `POST /v1/sync/push`: a batch of the till's outbox, in commit order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub operations: Vec<WireOperation>,
}

/// One outbox operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireOperation {
    pub seq: i64,
    pub op_id: String,
    pub collection: String,
    pub document_id: String,
    pub op: String,
    /// The payload, as canonical Extended JSON.
    pub payload: Value,
    /// The user who made it (hex ObjectId); absent: the till itself, or an operation
    /// made before tills recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// The gateway's answer to a push: one result per operation, in the batch's order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushResponse {
    pub results: Vec<OperationResult>,
}

/// What became of one pushed operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationResult {
    pub seq: i64,
    /// `applied` (now central), `already_applied` (a document made at the till that was
    /// central before this push: the batch was sent again after its answer was lost) or
    /// `refused` (for good: the till parks it and tells a manager).
    pub status: OperationStatus,
    /// Why it was refused: a stable code and words for a manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationStatus {
    Applied,
    AlreadyApplied,
    Refused,
}

/// `POST /v1/sync/pull`: the changes after the till's checkpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    #[serde(default)]
    pub checkpoint: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
}

/// A page of central changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullResponse {
    pub changes: Vec<WireChange>,
    #[serde(default)]
    pub checkpoint: Option<String>,
    pub more: bool,
}

/// One central change.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum WireChange {
    /// The document as central holds it now (canonical Extended JSON).
    Upsert {
        collection: String,
        document: Value,
    },
    Delete {
        collection: String,
        id: String,
    },
}

/// `POST /v1/tills/enrol`: a new till's one-time code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub code: String,
    /// The till's code on its receipts (`T2`); the gateway does not need it, it is
    /// recorded on the device for the operator.
    #[serde(default)]
    pub till_code: Option<String>,
    /// For a till that exists already: its store, which the code must be for (else
    /// nothing is used up).
    #[serde(default)]
    pub store_id: Option<String>,
    /// For a till that exists already: its own id, which its documents carry. A new till
    /// takes the one the gateway answers.
    #[serde(default)]
    pub till_id: Option<String>,
}

/// The gateway's answer to an enrolment: the till's credential, shown this once, and the
/// business and store it is a till of.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolResponse {
    pub device_id: String,
    pub device_token: String,
    /// The till's own id, bound to the credential: the documents it pushes name it.
    pub till_id: String,
    pub business: Value,
    pub store: Value,
}

/// `POST /v1/tills/people`: a person at the till asks the central service to verify them
/// (their email and PIN or password, checked against central's hash), so that what only
/// a person may allow (staff, keys, payment methods, business-wide products) goes through
/// when this till pushes it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub email: String,
    #[serde(default)]
    pub pin: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

impl std::fmt::Debug for VerifyRequest {
    /// Never the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// The gateway's answer to a verification: who, and until when what they allow at this
/// till goes through.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    pub user_id: String,
    pub name: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// `POST /v1/tills/enrolment-codes`: a one-time code for another till of the calling
/// till's store, shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentCode {
    pub code: String,
    pub label: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// An error answer of the gateway (RFC 9457 problem details, with a stable code).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Problem {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: u16,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub code: String,
}

/// A document as canonical Extended JSON.
pub fn to_json(document: &Document) -> Value {
    Bson::Document(document.clone()).into_canonical_extjson()
}

/// A document from Extended JSON; the error says why not.
pub fn from_json(value: Value) -> Result<Document, String> {
    match Bson::try_from(value).map_err(|e| e.to_string())? {
        Bson::Document(document) => Ok(document),
        other => Err(format!("{other} is not a document")),
    }
}

impl From<&Operation> for WireOperation {
    fn from(op: &Operation) -> WireOperation {
        WireOperation {
            seq: op.seq,
            op_id: op.op_id.clone(),
            collection: op.collection.name().to_owned(),
            document_id: op.document_id.to_string(),
            op: op.op.as_str().to_owned(),
            payload: to_json(&op.payload),
            user_id: op.user.map(|user| user.to_string()),
        }
    }
}

impl WireOperation {
    /// The operation, or why it cannot be one.
    pub fn into_operation(self) -> Result<Operation, String> {
        Ok(Operation {
            seq: self.seq,
            collection: Collection::from_name(&self.collection)
                .ok_or_else(|| format!("{:?} is not a collection", self.collection))?,
            document_id: self
                .document_id
                .parse()
                .map_err(|_| format!("{:?} is not a document id", self.document_id))?,
            op: Op::parse(&self.op).ok_or_else(|| format!("{:?} is not an operation", self.op))?,
            payload: from_json(self.payload).map_err(|e| format!("the payload: {e}"))?,
            user: self
                .user_id
                .map(|user| {
                    user.parse()
                        .map_err(|_| format!("{user:?} is not a user id"))
                })
                .transpose()?,
            op_id: self.op_id,
        })
    }
}

impl PushResponse {
    /// The answers as a batch outcome; an operation of the batch that got no answer is
    /// neither applied nor refused (it is sent again).
    pub fn into_outcome(self) -> BatchOutcome {
        let mut outcome = BatchOutcome::default();
        for result in self.results {
            match result.status {
                OperationStatus::Applied => outcome.applied.push(result.seq),
                OperationStatus::AlreadyApplied => {
                    outcome.applied.push(result.seq);
                    outcome.replayed.push(result.seq);
                }
                OperationStatus::Refused => outcome.rejected.push(Rejection {
                    seq: result.seq,
                    error: match (result.code, result.message) {
                        (Some(code), Some(message)) => format!("{message} ({code})"),
                        (code, message) => message.or(code).unwrap_or_default(),
                    },
                    duplicate: Vec::new(),
                }),
            }
        }
        outcome
    }
}

impl From<&CentralChange> for WireChange {
    fn from(change: &CentralChange) -> WireChange {
        match change {
            CentralChange::Upsert {
                collection,
                document,
            } => WireChange::Upsert {
                collection: collection.name().to_owned(),
                document: to_json(document),
            },
            CentralChange::Delete { collection, id } => WireChange::Delete {
                collection: collection.name().to_owned(),
                id: id.to_hex(),
            },
        }
    }
}

impl WireChange {
    pub fn into_change(self) -> Result<CentralChange, String> {
        let collection = |name: &str| {
            Collection::from_name(name).ok_or_else(|| format!("{name:?} is not a collection"))
        };
        match self {
            WireChange::Upsert {
                collection: name,
                document,
            } => Ok(CentralChange::Upsert {
                collection: collection(&name)?,
                document: from_json(document)?,
            }),
            WireChange::Delete {
                collection: name,
                id,
            } => Ok(CentralChange::Delete {
                collection: collection(&name)?,
                id: bson::oid::ObjectId::parse_str(&id)
                    .map_err(|_| format!("{id:?} is not a document id"))?,
            }),
        }
    }
}

impl From<&Page> for PullResponse {
    fn from(page: &Page) -> PullResponse {
        PullResponse {
            changes: page.changes.iter().map(WireChange::from).collect(),
            checkpoint: page.checkpoint.clone(),
            more: page.more,
        }
    }
}

impl PullResponse {
    pub fn into_page(self) -> Result<Page, String> {
        Ok(Page {
            changes: self
                .changes
                .into_iter()
                .map(WireChange::into_change)
                .collect::<Result<_, _>>()?,
            checkpoint: self.checkpoint,
            more: self.more,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::doc;
    use bson::oid::ObjectId;

    #[test]
    fn an_operation_crosses_the_wire_with_its_types() {
        let id = ObjectId::new();
        let op = Operation {
            seq: 7,
            op_id: "0190f1d2-0000-7000-8000-000000000001".into(),
            collection: Collection::SalesTransactions,
            document_id: id.into(),
            op: Op::Insert,
            payload: doc! {
                "_id": id,
                "total_amount": bson::Decimal128::from_bytes([1; 16]),
                "created_at": bson::DateTime::from_millis(1_700_000_000_123),
                "quantity": 3_i64,
                "count": 2_i32,
            },
            user: Some(sellsync_contract::Id::new()),
        };
        let sent = serde_json::to_string(&WireOperation::from(&op)).unwrap();
        let back: WireOperation = serde_json::from_str(&sent).unwrap();
        assert_eq!(back.into_operation().unwrap(), op);
    }

    #[test]
    fn a_malformed_operation_says_what_is_wrong() {
        let mut op = WireOperation {
            seq: 1,
            op_id: "x".into(),
            collection: "sales".into(),
            document_id: ObjectId::new().to_hex(),
            op: "insert".into(),
            payload: serde_json::json!({}),
            user_id: None,
        };
        assert!(op
            .clone()
            .into_operation()
            .unwrap_err()
            .contains("not a collection"));
        op.collection = "products".into();
        op.op = "drop".into();
        assert!(op
            .clone()
            .into_operation()
            .unwrap_err()
            .contains("not an operation"));
        op.op = "insert".into();
        op.user_id = Some("the manager".into());
        assert!(op
            .clone()
            .into_operation()
            .unwrap_err()
            .contains("not a user id"));
        op.user_id = None;
        op.payload = serde_json::json!([1]);
        assert!(op.into_operation().unwrap_err().contains("not a document"));
    }

    #[test]
    fn answers_become_the_outcome_and_refusals_keep_their_code() {
        let outcome = PushResponse {
            results: vec![
                OperationResult {
                    seq: 1,
                    status: OperationStatus::Applied,
                    code: None,
                    message: None,
                },
                OperationResult {
                    seq: 3,
                    status: OperationStatus::AlreadyApplied,
                    code: None,
                    message: None,
                },
                OperationResult {
                    seq: 2,
                    status: OperationStatus::Refused,
                    code: Some("permission_denied".into()),
                    message: Some("Priya may not adjust stock".into()),
                },
            ],
        }
        .into_outcome();
        assert_eq!(outcome.applied, vec![1, 3]);
        assert_eq!(outcome.replayed, vec![3]);
        assert_eq!(
            outcome.rejected[0].error,
            "Priya may not adjust stock (permission_denied)"
        );
    }
}
