//! Who made an outbox operation and the permission it needed, as its document says, pure.
//! The till checks the permission when the change is made; the gateway asks this again of
//! every operation a till pushes, against the user's permissions as central holds them,
//! so that a tampered till cannot, say, correct stock in a cashier's name.

use bson::oid::ObjectId;

use crate::contract::{field, Collection, Op, TransactionType};
use crate::staff::Permission;
use crate::stock::rules::MovementType;
use crate::sync::queue::Operation;

/// What an operation needs of the user its document names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// The user the document names as having done it; `None`: it names none, which a
    /// till never writes.
    pub user: Option<ObjectId>,
    pub permission: Permission,
}

/// The permission `op` needed and who its document says used it; `None` for operations
/// that name no one who acted (a notification marked read, a customer's purchase).
pub fn needed(op: &Operation) -> Option<Need> {
    if op.op != Op::Insert {
        return None;
    }
    let p = &op.payload;
    let by = |name: &str| p.get_object_id(name).ok();
    let (user, permission) = match op.collection {
        Collection::StockMovements => {
            let kind = p
                .get_str(field::MOVEMENT_TYPE)
                .ok()
                .and_then(MovementType::parse);
            let quantity = p.get_i64(field::QUANTITY).unwrap_or_default();
            (by(field::HANDLED_BY), movement_permission(kind?, quantity))
        }
        Collection::SalesTransactions => {
            let kind = p
                .get_str(field::TRANSACTION_TYPE)
                .ok()
                .and_then(TransactionType::parse);
            let permission = match kind? {
                TransactionType::Sale => Permission::ProcessSales,
                TransactionType::Return => Permission::ProcessReturns,
            };
            (by(field::CASHIER_ID), permission)
        }
        Collection::PurchaseOrders => (by(field::CREATED_BY), Permission::ManageInventory),
        Collection::StockTransfers => (by(field::SENT_BY), Permission::ManageInventory),
        Collection::ApiKeys => (by(field::CREATED_BY), Permission::ManageSettings),
        _ => return None,
    };
    Some(Need { user, permission })
}

/// The permission a stock movement of `kind` and signed `quantity` needs: a sale's goes
/// out with `process_sales`, comes back (a return, a void) with `process_returns`; every
/// other movement is managing inventory.
pub fn movement_permission(kind: MovementType, quantity: i64) -> Permission {
    match kind {
        MovementType::Sale if quantity < 0 => Permission::ProcessSales,
        MovementType::Sale => Permission::ProcessReturns,
        MovementType::Restock
        | MovementType::Adjustment
        | MovementType::TransferOut
        | MovementType::TransferIn => Permission::ManageInventory,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::doc;

    fn insert(collection: Collection, payload: bson::Document) -> Operation {
        Operation {
            seq: 1,
            op_id: "op".into(),
            collection,
            document_id: crate::Id::new(),
            op: Op::Insert,
            payload,
        }
    }

    #[test]
    fn each_operation_names_its_user_and_permission() {
        let who = ObjectId::new();
        let movement = |kind: &str, quantity: i64| {
            needed(&insert(
                Collection::StockMovements,
                doc! { "movement_type": kind, "quantity": quantity, "handled_by": who },
            ))
        };
        let need = |permission| {
            Some(Need {
                user: Some(who),
                permission,
            })
        };
        assert_eq!(movement("sale", -2), need(Permission::ProcessSales));
        assert_eq!(movement("sale", 1), need(Permission::ProcessReturns));
        assert_eq!(
            movement("adjustment", -1),
            need(Permission::ManageInventory)
        );
        assert_eq!(movement("restock", 5), need(Permission::ManageInventory));
        assert_eq!(
            movement("transfer_out", -5),
            need(Permission::ManageInventory)
        );
        let sale = |kind: &str| {
            needed(&insert(
                Collection::SalesTransactions,
                doc! { "transaction_type": kind, "cashier_id": who },
            ))
        };
        assert_eq!(sale("sale"), need(Permission::ProcessSales));
        assert_eq!(sale("return"), need(Permission::ProcessReturns));
        assert_eq!(
            needed(&insert(
                Collection::StockMovements,
                doc! { "movement_type": "adjustment", "quantity": -1_i64 }
            )),
            Some(Need {
                user: None,
                permission: Permission::ManageInventory
            }),
            "a movement naming no one is still checked"
        );
        assert_eq!(
            needed(&insert(Collection::ApiKeys, doc! { "created_by": who })),
            need(Permission::ManageSettings)
        );
        assert_eq!(needed(&insert(Collection::Customers, doc! {})), None);
        let mut update = insert(Collection::StockMovements, doc! { "handled_by": who });
        update.op = Op::Update;
        assert_eq!(needed(&update), None);
    }
}
