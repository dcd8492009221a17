//! The central side of the tills' write policy (`sellsync_contract::policy`): what an
//! operation the policy allows still asks of central's records, read here in a few
//! queries per push — whose the documents that updates change are (and whether each
//! would still read after the change), who the users that acted are and what central
//! lets them do, the sale or return behind each customer's purchase, and the unit of each
//! product whose quantities an operation writes.

use std::collections::{HashMap, HashSet};

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use sellsync_central::Central;
use sellsync_contract::documents::{field, unit_of, Collection, Op, SaleDoc, SaleStatus, UserDoc};
use sellsync_contract::operation::Operation;
use sellsync_contract::policy::{self, Demands, Held, Refusal, TillScope};
use sellsync_contract::roles::{Permission, Role};
use sellsync_contract::Unit;
use tracing::warn;

use crate::error::ApiError;

/// An operation the policy allowed, with what it demands.
pub type Checked = (Operation, Demands);

/// Operations still allowed, and the refusals of the others, each with its operation's
/// sequence number.
pub type Sorted = (Vec<Checked>, Vec<(i64, Refusal)>);

/// Reads the documents of `collection` with these ids, of this business, by id.
async fn documents(
    central: &Central,
    collection: Collection,
    business: ObjectId,
    ids: Vec<ObjectId>,
) -> Result<HashMap<ObjectId, Document>, ApiError> {
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let mut cursor = central
        .database()
        .collection::<Document>(collection.name())
        .find(doc! { field::ID: { "$in": ids }, field::BUSINESS_ID: business })
        .await
        .map_err(ApiError::unavailable)?;
    while cursor.advance().await.map_err(ApiError::unavailable)? {
        let document: Document = cursor
            .deserialize_current()
            .map_err(ApiError::unavailable)?;
        if let Ok(id) = document.get_object_id(field::ID) {
            found.insert(id, document);
        }
    }
    Ok(found)
}

/// The documents each update of `ops` changes, as central holds them (or, for a document
/// the same push inserts, as its insert makes it).
async fn changed_documents(
    central: &Central,
    till: &TillScope,
    ops: &[Checked],
) -> Result<HashMap<(Collection, ObjectId), Document>, ApiError> {
    let mut wanted: HashMap<Collection, Vec<ObjectId>> = HashMap::new();
    for (op, _) in ops.iter().filter(|(op, _)| op.op == Op::Update) {
        wanted
            .entry(op.collection)
            .or_default()
            .push(op.document_id.object_id());
    }
    let mut held = HashMap::new();
    for (op, _) in ops.iter().filter(|(op, _)| op.op == Op::Insert) {
        held.insert(
            (op.collection, op.document_id.object_id()),
            op.payload.clone(),
        );
    }
    for (collection, ids) in wanted {
        let found = documents(central, collection, till.business.object_id(), ids).await?;
        for (id, document) in found {
            held.insert((collection, id), document);
        }
    }
    Ok(held)
}

/// Of `ops`, the updates of documents the till may change: its store's (its own, for a
/// sale it voids; either end's, for a transfer), which still read as their collection's
/// documents once changed. A business-wide product's change needs a verified person. An
/// update of a document central does not have is the reconciler's to refuse.
pub async fn held(
    central: &Central,
    till: &TillScope,
    ops: Vec<Checked>,
) -> Result<Sorted, ApiError> {
    let documents = changed_documents(central, till, &ops).await?;
    let store = Bson::ObjectId(till.store.object_id());
    let mut kept = Vec::with_capacity(ops.len());
    let mut refused = Vec::new();
    for (op, mut demands) in ops {
        let (Some(rule), Some(document)) = (
            demands.held,
            documents.get(&(op.collection, op.document_id.object_id())),
        ) else {
            kept.push((op, demands));
            continue;
        };
        let is = |name: &str, value: &Bson| document.get(name) == Some(value);
        let verdict = match rule {
            Held::Store if is(field::STORE_ID, &store) => Ok(()),
            Held::Till
                if is(field::STORE_ID, &store)
                    && is(field::TILL_ID, &Bson::ObjectId(till.till.object_id())) =>
            {
                Ok(())
            }
            Held::Till if is(field::STORE_ID, &store) => Err(Refusal::new(
                "other_till",
                "The sale was made at another till: it is voided there.",
            )),
            Held::EitherEnd
                if is(field::FROM_STORE_ID, &store) || is(field::TO_STORE_ID, &store) =>
            {
                Ok(())
            }
            Held::StoreOrVerified if is(field::STORE_ID, &store) => Ok(()),
            Held::StoreOrVerified
                if matches!(document.get(field::STORE_ID), None | Some(Bson::Null)) =>
            {
                demands.verified = true;
                Ok(())
            }
            _ => Err(Refusal::new(
                "other_store",
                format!(
                    "{} {} belongs to another store than this till's.",
                    op.collection, op.document_id
                ),
            )),
        };
        let mut changed = document.clone();
        changed.extend(op.payload.clone());
        match verdict.and_then(|()| policy::readable(op.collection, &changed, &till.currency)) {
            Ok(()) => kept.push((op, demands)),
            Err(refusal) => refused.push((op.seq, refusal)),
        }
    }
    Ok((kept, refused))
}

/// A user as the gateway checks them: central's record, and the stores they work at.
struct Person {
    name: String,
    /// `None`: every store of the business.
    store: Option<ObjectId>,
    role: Role,
    permissions: Vec<Permission>,
}

impl From<UserDoc> for Person {
    fn from(user: UserDoc) -> Person {
        Person {
            name: user.name,
            store: user.store_id.map(|s| s.object_id()),
            role: user.role,
            permissions: user.permissions,
        }
    }
}

/// Of `ops`, those whose users central knows at the till's store with the permissions
/// the operations need: the operation's own user (who made it at the till) and every
/// user its document names as having acted. What only a person may allow goes through
/// while its user is verified at this till (`crate::people`); else it is refused with
/// `needs_verified_person` and waits at the till until someone confirms it. Staff added
/// in the push count for what follows them in it, once their own insert is allowed.
pub async fn people(
    central: &Central,
    till: &TillScope,
    device: ObjectId,
    ops: Vec<Checked>,
) -> Result<Sorted, ApiError> {
    let mut wanted: HashSet<ObjectId> = HashSet::new();
    let mut to_verify: HashSet<ObjectId> = HashSet::new();
    for (op, demands) in &ops {
        wanted.extend(op.user.map(|u| u.object_id()));
        wanted.extend(demands.named.iter().map(|(u, _)| u.object_id()));
        if demands.verified {
            to_verify.extend(op.user.map(|u| u.object_id()));
        }
    }
    let found = documents(
        central,
        Collection::Users,
        till.business.object_id(),
        wanted.into_iter().collect(),
    )
    .await?;
    let mut people: HashMap<ObjectId, Person> = HashMap::new();
    for document in found.into_values() {
        match UserDoc::from_document(&document) {
            Ok(user) => {
                people.insert(user.id.object_id(), user.into());
            }
            Err(refusal) => warn!(%refusal, "a central user the gateway cannot read"),
        }
    }
    let verified =
        crate::people::verified(central, device, to_verify.into_iter().collect()).await?;
    let mut kept = Vec::with_capacity(ops.len());
    let mut refused = Vec::new();
    for (op, demands) in ops {
        match allowed(&people, &verified, till, &op, &demands) {
            Ok(()) => {
                if op.collection == Collection::Users && op.op == Op::Insert {
                    if let Ok(user) = UserDoc::from_document(&op.payload) {
                        people.entry(user.id.object_id()).or_insert(user.into());
                    }
                }
                kept.push((op, demands));
            }
            Err(refusal) => refused.push((op.seq, refusal)),
        }
    }
    Ok((kept, refused))
}

fn allowed(
    people: &HashMap<ObjectId, Person>,
    verified: &HashSet<ObjectId>,
    till: &TillScope,
    op: &Operation,
    demands: &Demands,
) -> Result<(), Refusal> {
    let by = op.user.map(|u| u.object_id());
    if demands.verified && !by.is_some_and(|u| verified.contains(&u)) {
        return Err(Refusal::new(
            "needs_verified_person",
            format!(
                "This change of {} needs a manager or an admin verified by the central service: it waits here until one signs in while the till is online and confirms it.",
                op.collection
            ),
        ));
    }
    let person = |user: ObjectId| {
        people
            .get(&user)
            .filter(|p| p.store.is_none_or(|s| s == till.store.object_id()))
            .ok_or_else(|| {
                Refusal::new(
                    "unknown_user",
                    format!(
                        "{} {} names no user of this store who did it.",
                        op.collection, op.document_id
                    ),
                )
            })
    };
    let own = op.user.map(|u| (u, demands.permission));
    for (user, permission) in own.iter().chain(demands.named.iter()) {
        let someone = person(user.object_id())?;
        if let Some(permission) = permission {
            if !someone.permissions.contains(permission) {
                return Err(Refusal::new(
                    "permission_denied",
                    format!("{} is not allowed to {permission}.", someone.name),
                ));
            }
        }
    }
    if op.collection == Collection::Users && op.op == Op::Insert {
        let granter = person(by.unwrap_or_default())?;
        let user = UserDoc::from_document(&op.payload)
            .map_err(|e| Refusal::new("malformed_operation", e.to_string()))?;
        if user.role.rank() > granter.role.rank()
            || user
                .permissions
                .iter()
                .any(|p| !granter.permissions.contains(p))
        {
            return Err(Refusal::new(
                "permission_denied",
                format!(
                    "{} may not give anyone a role or a permission above their own.",
                    granter.name
                ),
            ));
        }
    }
    Ok(())
}

/// Of `ops`, those whose every quantity of a product is one the product's unit allows, as
/// central records it (or as an insert in the same push makes it): no half piece, no
/// sale's line in another unit than its product's. A product central does not have is the
/// reconciler's to refuse.
pub async fn units(
    central: &Central,
    till: &TillScope,
    ops: Vec<Checked>,
) -> Result<Sorted, ApiError> {
    let wanted: Vec<ObjectId> = ops
        .iter()
        .flat_map(|(_, d)| d.measured.iter().map(|m| m.product.object_id()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if wanted.is_empty() {
        return Ok((ops, Vec::new()));
    }
    let mut units: HashMap<ObjectId, Option<Unit>> = documents(
        central,
        Collection::Products,
        till.business.object_id(),
        wanted,
    )
    .await?
    .iter()
    .map(|(id, product)| (*id, unit_of(product)))
    .collect();
    for (op, _) in &ops {
        if (op.collection, op.op) == (Collection::Products, Op::Insert) {
            units.insert(op.document_id.object_id(), unit_of(&op.payload));
        }
    }
    let mut kept = Vec::with_capacity(ops.len());
    let mut refused = Vec::new();
    for (op, demands) in ops {
        let verdict =
            demands
                .measured
                .iter()
                .try_for_each(|m| match units.get(&m.product.object_id()) {
                    None => Ok(()),
                    Some(Some(unit)) => m.check(*unit),
                    Some(None) => Err(Refusal::new(
                        "wrong_unit",
                        format!(
                            "Product {} has a unit this service does not know.",
                            m.product
                        ),
                    )),
                });
        match verdict {
            Ok(()) => kept.push((op, demands)),
            Err(refusal) => refused.push((op.seq, refusal)),
        }
    }
    Ok((kept, refused))
}

/// Of `ops`, the customers' purchases that come with their sale, return or void (in this
/// push or central), moving what it moved ([`policy::check_cause`]).
pub async fn causes(
    central: &Central,
    till: &TillScope,
    ops: Vec<Checked>,
) -> Result<Sorted, ApiError> {
    let causes: Vec<ObjectId> = ops
        .iter()
        .filter_map(|(_, d)| d.cause.map(|c| c.transaction.object_id()))
        .collect();
    if causes.is_empty() {
        return Ok((ops, Vec::new()));
    }
    let mut transactions = documents(
        central,
        Collection::SalesTransactions,
        till.business.object_id(),
        causes,
    )
    .await?;
    let mut voided: HashSet<ObjectId> = transactions
        .iter()
        .filter(|(_, d)| d.get_str(field::TRANSACTION_STATUS) == Ok(SaleStatus::Voided.as_str()))
        .map(|(id, _)| *id)
        .collect();
    for (op, _) in &ops {
        if op.collection != Collection::SalesTransactions {
            continue;
        }
        let id = op.document_id.object_id();
        match op.op {
            Op::Insert => {
                transactions.entry(id).or_insert_with(|| op.payload.clone());
            }
            Op::Update => {
                voided.insert(id);
            }
            _ => {}
        }
    }
    let mut kept = Vec::with_capacity(ops.len());
    let mut refused = Vec::new();
    for (op, demands) in ops {
        let Some(cause) = demands.cause else {
            kept.push((op, demands));
            continue;
        };
        let id = cause.transaction.object_id();
        let verdict = match transactions
            .get(&id)
            .map(|d| SaleDoc::from_document(d, &till.currency))
        {
            Some(Ok(transaction)) => {
                policy::check_cause(&cause, &transaction, voided.contains(&id), till)
            }
            _ => Err(Refusal::new(
                "no_cause",
                "Points and store credit move only with the sale, return or void of this store that moved them.",
            )),
        };
        match verdict {
            Ok(()) => kept.push((op, demands)),
            Err(refusal) => refused.push((op.seq, refusal)),
        }
    }
    Ok((kept, refused))
}
