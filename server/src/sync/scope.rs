//! Whether a till may push an operation, from the operation alone, pure: the business and
//! store come from the till's credential, and an operation that names another business or
//! store, or sets what only the operator sets, is refused. What needs the central
//! documents (the store of a document an update changes, the user's permissions) is
//! checked in `mod.rs`.

use bson::oid::ObjectId;
use bson::{Bson, Document};
use sellsync_core::contract::{field, Collection, Op};
use sellsync_core::sync::queue::Operation;

/// Why an operation is refused: a stable code and words for the manager who sees it
/// parked at the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }
}

/// Fields of a business that are the operator's: a till never sets them.
const OPERATOR_FIELDS: [&str; 4] = [
    field::PACKAGE_PLAN,
    field::SUBSCRIPTION_STATUS,
    field::API_KEY,
    field::BUSINESS_OWNER,
];

/// How a collection's documents belong to a store.
enum StoreBound {
    /// Business-wide (customers, suppliers, payment methods).
    No,
    /// `store_id` is the till's store.
    Own,
    /// `store_id` is the till's store, or none (business-wide).
    OwnOrNone,
    /// A transfer: sent from the till's store (`from_store_id`).
    Transfer,
}

fn store_bound(collection: Collection) -> Option<StoreBound> {
    use Collection::*;
    Some(match collection {
        Customers | Suppliers | PaymentMethods => StoreBound::No,
        SalesTransactions | StockMovements | PurchaseOrders | ParkedSales | ZReports
        | JournalEntries => StoreBound::Own,
        Products | Users | Notifications => StoreBound::OwnOrNone,
        StockTransfers => StoreBound::Transfer,
        // A till makes API keys (an admin, offline too), never changes one.
        ApiKeys => StoreBound::No,
        // The business itself is checked apart; stores are made by the operator.
        Businesses | Stores => return None,
    })
}

/// Checks `op` against the till's `business` and `store`.
pub fn check(op: &Operation, business: ObjectId, store: ObjectId) -> Result<(), Refusal> {
    let p = &op.payload;
    if op.collection == Collection::Businesses {
        if op.op != Op::Update || op.document_id.object_id() != business {
            return Err(not_found(op));
        }
        if let Some(name) = OPERATOR_FIELDS.iter().find(|f| p.contains_key(**f)) {
            return Err(Refusal::new(
                "operator_field",
                format!("A till may not change the business's {name}."),
            ));
        }
        return Ok(());
    }
    let Some(bound) = store_bound(op.collection) else {
        return Err(Refusal::new(
            "not_writable",
            format!("A till does not write {}.", op.collection),
        ));
    };
    if op.collection == Collection::ApiKeys && op.op != Op::Insert {
        return Err(Refusal::new(
            "not_writable",
            "A till makes API keys but never changes one: revoke keys through the API.",
        ));
    }
    match op.op {
        Op::Insert => {
            if p.get_object_id(field::BUSINESS_ID) != Ok(business) {
                return Err(Refusal::new(
                    "other_business",
                    "The document names another business than this till's.",
                ));
            }
            if op.collection == Collection::ApiKeys {
                check_new_key(p)?;
            }
            check_store(op, &bound, p, store, false)
        }
        Op::Update => {
            if [field::ID, field::BUSINESS_ID]
                .iter()
                .any(|f| p.contains_key(*f))
            {
                return Err(Refusal::new(
                    "immutable_field",
                    "A change may not move a document to another id or business.",
                ));
            }
            check_store(op, &bound, p, store, true)
        }
        Op::CustomerPurchase => match op.collection {
            Collection::Customers => Ok(()),
            _ => Err(Refusal::new(
                "malformed_operation",
                "A purchase is recorded on a customer.",
            )),
        },
        Op::Reorder => {
            let draft = p.get_document(field::ORDER).ok();
            let draft_business = draft.and_then(|d| d.get_object_id(field::BUSINESS_ID).ok());
            let draft_store = draft.and_then(|d| d.get_object_id(field::STORE_ID).ok());
            if op.collection != Collection::PurchaseOrders {
                Err(Refusal::new(
                    "malformed_operation",
                    "A reorder goes onto a purchase order.",
                ))
            } else if draft_business != Some(business) {
                Err(Refusal::new(
                    "other_business",
                    "The reorder names another business than this till's.",
                ))
            } else if draft_store != Some(store) {
                Err(other_store())
            } else {
                Ok(())
            }
        }
    }
}

/// The store fields of an insert (`partial`: of an update, which may leave them out).
fn check_store(
    op: &Operation,
    bound: &StoreBound,
    p: &Document,
    store: ObjectId,
    partial: bool,
) -> Result<(), Refusal> {
    let own = |name: &str, none_too: bool| match p.get(name) {
        Some(Bson::ObjectId(id)) if *id == store => Ok(()),
        Some(Bson::Null) if none_too => Ok(()),
        None if partial => Ok(()),
        None if none_too => Ok(()),
        _ => Err(other_store()),
    };
    match bound {
        StoreBound::No => Ok(()),
        StoreBound::Own => own(field::STORE_ID, false),
        StoreBound::OwnOrNone => own(field::STORE_ID, true),
        StoreBound::Transfer if partial => {
            // The receiving store updates a transfer too; which store a transfer is, is
            // read centrally. Neither end may be moved.
            if p.contains_key(field::FROM_STORE_ID) || p.contains_key(field::TO_STORE_ID) {
                Err(Refusal::new(
                    "immutable_field",
                    format!(
                        "A change may not move {} {} to other stores.",
                        op.collection, op.document_id
                    ),
                ))
            } else {
                Ok(())
            }
        }
        StoreBound::Transfer => own(field::FROM_STORE_ID, false),
    }
}

/// A key made at a till: a label and a SHA-256 hash of the form the gateway makes, read
/// or read and write, active and never used.
fn check_new_key(p: &Document) -> Result<(), Refusal> {
    let hash_ok = p
        .get_str(field::KEY_HASH)
        .is_ok_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let label_ok = p
        .get_str(field::API_KEY)
        .is_ok_and(|l| l.starts_with("ssk_"));
    let scopes: Option<Vec<&str>> = p
        .get_array(field::SCOPES)
        .ok()
        .and_then(|s| s.iter().map(Bson::as_str).collect());
    let scopes_ok = scopes.is_some_and(|s| {
        s.contains(&"read") && s.iter().all(|scope| matches!(*scope, "read" | "write"))
    });
    let fresh = p.get_str(field::STATUS) == Ok("active")
        && matches!(p.get(field::LAST_USED), None | Some(Bson::Null));
    if hash_ok && label_ok && scopes_ok && fresh {
        Ok(())
    } else {
        Err(Refusal::new(
            "malformed_operation",
            "An API key made at a till has a label, a hash, read (and write) scopes, and is active and unused.",
        ))
    }
}

fn other_store() -> Refusal {
    Refusal::new(
        "other_store",
        "The document names another store than this till's.",
    )
}

/// Another business's document answers as one that does not exist.
pub fn not_found(op: &Operation) -> Refusal {
    Refusal::new(
        "not_found",
        format!(
            "{} {} does not exist in the central database",
            op.collection, op.document_id
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::doc;

    fn op(collection: Collection, kind: Op, payload: Document) -> Operation {
        Operation {
            seq: 1,
            op_id: "op".into(),
            collection,
            document_id: sellsync_core::Id::new(),
            op: kind,
            payload,
        }
    }

    #[test]
    fn the_till_writes_its_own_business_and_store_only() {
        let (business, store, other) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
        let code = |o: &Operation| check(o, business, store).err().map(|r| r.code);
        let sale = |b, s| {
            op(
                Collection::SalesTransactions,
                Op::Insert,
                doc! { "business_id": b, "store_id": s },
            )
        };
        assert_eq!(code(&sale(business, store)), None);
        assert_eq!(code(&sale(other, store)), Some("other_business"));
        assert_eq!(code(&sale(business, other)), Some("other_store"));
        let product = |s: Bson| {
            op(
                Collection::Products,
                Op::Insert,
                doc! { "business_id": business, "store_id": s },
            )
        };
        assert_eq!(code(&product(Bson::Null)), None, "business-wide");
        assert_eq!(code(&product(Bson::ObjectId(other))), Some("other_store"));
        let customer = op(
            Collection::Customers,
            Op::Insert,
            doc! { "business_id": business },
        );
        assert_eq!(code(&customer), None);
        let transfer = |from| {
            op(
                Collection::StockTransfers,
                Op::Insert,
                doc! { "business_id": business, "from_store_id": from, "to_store_id": other },
            )
        };
        assert_eq!(code(&transfer(store)), None);
        assert_eq!(code(&transfer(other)), Some("other_store"));
    }

    #[test]
    fn updates_may_not_move_documents_or_touch_the_operators_fields() {
        let (business, store, other) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
        let code = |o: &Operation| check(o, business, store).err().map(|r| r.code);
        let update = |collection, payload| op(collection, Op::Update, payload);
        assert_eq!(
            code(&update(Collection::Products, doc! { "price": 1 })),
            None
        );
        assert_eq!(
            code(&update(Collection::Products, doc! { "business_id": other })),
            Some("immutable_field")
        );
        assert_eq!(
            code(&update(Collection::ParkedSales, doc! { "store_id": other })),
            Some("other_store")
        );
        assert_eq!(
            code(&update(
                Collection::StockTransfers,
                doc! { "to_store_id": store }
            )),
            Some("immutable_field")
        );
        let mut settings = update(Collection::Businesses, doc! { "settings.currency": "EUR" });
        settings.document_id = business.into();
        assert_eq!(code(&settings), None);
        settings.payload = doc! { "subscription_status": "active" };
        assert_eq!(code(&settings), Some("operator_field"));
        settings.document_id = other.into();
        assert_eq!(
            code(&settings),
            Some("not_found"),
            "another business: as if none"
        );
        let key = doc! { "business_id": business, "api_key": "ssk_abcdef…",
        "key_hash": "0".repeat(64), "scopes": ["read"], "status": "active", "last_used": Bson::Null };
        assert_eq!(
            code(&op(Collection::ApiKeys, Op::Insert, key.clone())),
            None
        );
        let mut revoked = key.clone();
        revoked.insert("status", "revoked");
        assert_eq!(
            code(&op(Collection::ApiKeys, Op::Insert, revoked)),
            Some("malformed_operation")
        );
        let mut admin = key.clone();
        admin.insert("scopes", vec!["read", "admin"]);
        assert_eq!(
            code(&op(Collection::ApiKeys, Op::Insert, admin)),
            Some("malformed_operation")
        );
        assert_eq!(
            code(&op(
                Collection::ApiKeys,
                Op::Update,
                doc! { "status": "active" }
            )),
            Some("not_writable")
        );
    }

    #[test]
    fn a_reorder_goes_onto_the_tills_own_stores_draft() {
        let (business, store, other) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
        let reorder = |b, s| {
            op(
                Collection::PurchaseOrders,
                Op::Reorder,
                doc! { "order": { "business_id": b, "store_id": s }, "item": {} },
            )
        };
        assert_eq!(check(&reorder(business, store), business, store), Ok(()));
        assert_eq!(
            check(&reorder(business, other), business, store)
                .unwrap_err()
                .code,
            "other_store"
        );
        assert_eq!(
            check(&reorder(other, store), business, store)
                .unwrap_err()
                .code,
            "other_business"
        );
    }
}
