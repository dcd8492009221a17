//! The write policy for tills: what a till's device credential may push, per collection,
//! operation and field. Pure and table-tested; the gateway asks it of every operation a
//! till pushes (DESIGN invariant 12) and then checks what it answers needs of central's
//! records. The design, and what a till may do alone, is in `TRUST.md` beside this file.
//!
//! A till is trusted with its own till and nothing more: whoever sits at it may have read
//! its files and replaced its binary. So the policy takes nothing on the till's word but
//! what the till may do alone (sell, take back, move its store's stock, park, close its
//! shift, keep customers' contact details), for its own business, store and till; the
//! fields the central side derives (stock levels, balances, roles, permissions, hashes,
//! plan) are never a till's to set; and what only a person may allow (staff, keys, payment
//! methods, business-wide products) waits for a person the gateway has verified itself.

use bson::{Bson, Document};
use chrono::{DateTime, Duration, Utc};

use crate::documents::{
    barcode_rules_bson, read_barcode_rules, Collection, NotificationStatus, OrderStatus,
    PaymentKind,
};
use crate::documents::{
    field, CustomerDoc, CustomerPurchase, JournalEntryDoc, NotificationDoc, NotificationUpdate, Op,
    ParkedSaleDoc, ParkedStatus, PaymentMethodDoc, ProductDoc, ProductUpdate, PurchaseOrderDoc,
    SaleDoc, SaleStatus, SaleVoid, StockMovementDoc, StockTransferDoc, SupplierDoc,
    TransactionType, TransferStatus, UserDoc, ZReportDoc,
};
use crate::ids::Id;
use crate::money::{Currency, Money};
use crate::operation::Operation;
use crate::quantity::{Quantity, Unit};
use crate::roles::Permission;
use crate::stock::MovementType;

/// How far ahead of the gateway's clock a till's `updated_at` may be: a till's clock a
/// little fast is normal, but a change dated far ahead would win every later one (newest
/// wins) and could never be corrected.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);

/// The most of anything one line or movement may carry, and the most loyalty points one
/// transaction may move: far beyond any shop, short of what breaks a sum.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// The till a device credential belongs to, as the gateway holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct TillScope {
    pub business: Id,
    pub store: Id,
    pub till: Id,
    pub currency: Currency,
}

/// Why an operation is refused: a stable code and words for the manager who sees it parked
/// at the till.
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

    fn not_writable(collection: Collection, op: Op) -> Refusal {
        let what = match op {
            Op::Insert => "make",
            Op::Update => "change",
            Op::CustomerPurchase | Op::Reorder => "send that operation on",
        };
        Refusal::new(
            "not_writable_by_till",
            format!("A till may not {what} {collection}: that is done centrally."),
        )
    }

    fn field(name: &str) -> Refusal {
        Refusal::new(
            "field_not_writable",
            format!("A till may not set {name}: it is set centrally."),
        )
    }

    fn range(what: impl Into<String>) -> Refusal {
        Refusal::new("out_of_range", what)
    }

    fn other_store() -> Refusal {
        Refusal::new(
            "other_store",
            "The document belongs to another store than this till's.",
        )
    }

    fn other_till() -> Refusal {
        Refusal::new(
            "other_till",
            "The document belongs to another till than this one.",
        )
    }

    fn other_business() -> Refusal {
        Refusal::new(
            "other_business",
            "The document names another business than this till's.",
        )
    }

    fn malformed(reason: impl std::fmt::Display) -> Refusal {
        Refusal::new("malformed_operation", reason.to_string())
    }
}

/// Which documents an update may change, read centrally by the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// A document of the till's store.
    Store,
    /// A document of the till itself (a sale it voids).
    Till,
    /// A transfer sent from or to the till's store.
    EitherEnd,
    /// A product of the till's store; a business-wide one needs a verified person.
    StoreOrVerified,
}

/// What an operation the policy allows still asks of central's records, which only the
/// gateway can read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demands {
    /// The permission the operation's own user (who made it at the till) must hold.
    pub permission: Option<Permission>,
    /// That user must be a person the gateway verified at this till.
    pub verified: bool,
    /// Users the document names as having acted (a cashier, a manager who approved),
    /// each a user of the business allowed at the till's store, holding the permission.
    pub named: Vec<(Id, Option<Permission>)>,
    /// For an update: whose the changed document must be.
    pub held: Option<Held>,
    /// For a customer's purchase: the sale or return it comes from.
    pub cause: Option<Cause>,
    /// The quantities of products it writes, each of which central's record of the
    /// product must allow (its unit's decimals, and a sale's item the product's unit).
    pub measured: Vec<Measured>,
}

/// A quantity of a product an operation writes. A tampered till could otherwise put half
/// a piece into a product's stock, which every till would then refuse to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub product: Id,
    pub quantity: Quantity,
    /// The unit the document says it is in (a sale's item), if it says one.
    pub unit: Option<Unit>,
}

impl Measured {
    fn of(product: Id, quantity: Quantity) -> Measured {
        Measured {
            product,
            quantity,
            unit: None,
        }
    }

    /// Whether a product sold in `unit` (central's record) takes this quantity.
    pub fn check(&self, unit: Unit) -> Result<(), Refusal> {
        if self.unit.is_some_and(|said| said != unit) {
            return Err(Refusal::new(
                "wrong_unit",
                format!(
                    "Product {} is sold by {unit}, not as the line says.",
                    self.product
                ),
            ));
        }
        self.quantity.fits(unit).map_err(|e| {
            Refusal::new(
                "wrong_unit",
                format!("{} of product {}: {e}.", self.quantity, self.product),
            )
        })
    }
}

/// The quantities of the `items` an update of an order or a transfer writes.
fn items_measured(payload: &Document) -> Vec<Measured> {
    let Ok(items) = payload.get_array(field::ITEMS) else {
        return Vec::new();
    };
    let fields = [
        field::QUANTITY_ORDERED,
        field::QUANTITY_RECEIVED,
        field::QUANTITY_DAMAGED,
        field::QUANTITY_SENT,
    ];
    items
        .iter()
        .filter_map(Bson::as_document)
        .filter_map(|item| Some((item.get_object_id(field::PRODUCT_ID).ok()?, item)))
        .flat_map(|(product, item)| {
            fields.iter().filter_map(move |name| {
                let quantity = item.get(*name).and_then(crate::documents::quantity_value)?;
                Some(Measured::of(product.into(), quantity))
            })
        })
        .collect()
}

/// A customer's points and store credit moved by a transaction, which must be central or
/// in the same push, of this business and store and this customer, moving no more than it
/// did ([`check_cause`]); a second one for the same transaction changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause {
    /// The sale or return; a void's: the sale voided.
    pub transaction: Id,
    pub void: bool,
    pub customer: Id,
    pub points: i64,
    pub credit: Money,
}

impl Demands {
    /// Done by the operation's user, who needs `permission`.
    fn acting(permission: Permission) -> Demands {
        Demands {
            permission: Some(permission),
            ..Demands::default()
        }
    }

    /// Done by a person verified at this till, who needs `permission`.
    fn verified(permission: Permission) -> Demands {
        Demands {
            permission: Some(permission),
            verified: true,
            ..Demands::default()
        }
    }

    /// The document names `user` as having acted (none: it names no one).
    fn named(mut self, user: Option<Id>, permission: Option<Permission>) -> Demands {
        self.named.extend(user.map(|u| (u, permission)));
        self
    }

    fn held(mut self, held: Held) -> Demands {
        self.held = Some(held);
        self
    }

    fn measures(mut self, measured: impl IntoIterator<Item = Measured>) -> Demands {
        self.measured.extend(measured);
        self
    }
}

/// Checks `op`, pushed by the till `till` at `now`: refused, or allowed with what it still
/// demands of central's records (who must hold which permission, whose the changed
/// document must be, the transaction behind a delta).
pub fn check(op: &Operation, till: &TillScope, now: DateTime<Utc>) -> Result<Demands, Refusal> {
    // The one path a till writes: its business's barcode rules, inside `settings`, whose
    // other fields are central's. Its value is checked like any other field's.
    let rules = (op.collection, op.op) == (Collection::Businesses, Op::Update);
    for (name, value) in &op.payload {
        if !(rules && name == field::SETTINGS_BARCODE_RULES) {
            plain_name(name)?;
        }
        operator_free_in(value)?;
    }
    if let Some(Bson::DateTime(at)) = op.payload.get(field::UPDATED_AT) {
        if at.to_chrono() > now + MAX_CLOCK_SKEW {
            return Err(Refusal::new(
                "future_timestamp",
                format!(
                    "The change is dated {}, more than {} minutes ahead of the central clock: set the till's clock right.",
                    at.to_chrono().format("%Y-%m-%d %H:%M UTC"),
                    MAX_CLOCK_SKEW.num_minutes()
                ),
            ));
        }
    }
    match op.op {
        Op::Insert => insert(op, till),
        Op::Update => update(op, till),
        Op::CustomerPurchase => purchase(op, till),
        Op::Reorder => reorder(op, till),
    }
}

/// Refuses a field name a till could use to reach an operator (`$…`) or another field
/// through a path (`a.b`), anywhere in the payload.
fn operator_free(document: &Document) -> Result<(), Refusal> {
    for (name, value) in document {
        plain_name(name)?;
        operator_free_in(value)?;
    }
    Ok(())
}

/// A field's own name: not an operator, not a path, not empty.
fn plain_name(name: &str) -> Result<(), Refusal> {
    if name.starts_with('$') || name.contains('.') || name.is_empty() {
        return Err(Refusal::new(
            "field_not_writable",
            format!("A till may not send a field named {name:?}."),
        ));
    }
    Ok(())
}

fn operator_free_in(value: &Bson) -> Result<(), Refusal> {
    match value {
        Bson::Document(document) => operator_free(document),
        Bson::Array(values) => values.iter().try_for_each(operator_free_in),
        _ => Ok(()),
    }
}

/// Every field of `payload` is one the contract writes, with the value it writes: the
/// payload is what the typed document `canonical` reads back as, and holds nothing else.
fn canonical(payload: &Document, canonical: &Document) -> Result<(), Refusal> {
    match payload
        .iter()
        .find(|(name, value)| canonical.get(name.as_str()) != Some(value))
    {
        Some((name, _)) => Err(Refusal::field(name)),
        None => Ok(()),
    }
}

fn own(what: Id, till: &TillScope) -> Result<(), Refusal> {
    if what == till.business {
        Ok(())
    } else {
        Err(Refusal::other_business())
    }
}

fn own_store(store: Id, till: &TillScope) -> Result<(), Refusal> {
    if store == till.store {
        Ok(())
    } else {
        Err(Refusal::other_store())
    }
}

fn own_till(id: Id, till: &TillScope) -> Result<(), Refusal> {
    if id == till.till {
        Ok(())
    } else {
        Err(Refusal::other_till())
    }
}

fn quantity(what: &str, n: Quantity, allow_zero: bool) -> Result<(), Refusal> {
    let in_range = if allow_zero {
        !n.is_negative()
    } else {
        n.is_positive()
    };
    if in_range && n <= Quantity::units(MAX_QUANTITY) {
        Ok(())
    } else {
        let low = if allow_zero { "0" } else { "more than 0" };
        Err(Refusal::range(format!(
            "{what} is {n}: it must be from {low} to {MAX_QUANTITY}."
        )))
    }
}

fn points(what: &str, n: i64) -> Result<(), Refusal> {
    if (0..=MAX_QUANTITY).contains(&n) {
        Ok(())
    } else {
        Err(Refusal::range(format!(
            "{what} is {n}: it must be from 0 to {MAX_QUANTITY}."
        )))
    }
}

fn not_negative(what: &str, amount: Money) -> Result<(), Refusal> {
    if amount.minor() >= 0 {
        Ok(())
    } else {
        Err(Refusal::range(format!("{what} may not be below zero.")))
    }
}

/// A new document: the till's business (and store, and till, where it has them), in the
/// contract's form, with what central derives at its start.
fn insert(op: &Operation, till: &TillScope) -> Result<Demands, Refusal> {
    let p = &op.payload;
    let cur = &till.currency;
    let read = Refusal::malformed;
    use Collection as C;
    match op.collection {
        C::SalesTransactions => {
            let sale = SaleDoc::from_document(p, cur).map_err(read)?;
            canonical(p, &sale.to_document())?;
            own(sale.business_id, till)?;
            own_store(sale.store_id, till)?;
            own_till(sale.till_id, till)?;
            if sale.transaction_status != SaleStatus::Completed {
                return Err(Refusal::field(field::TRANSACTION_STATUS));
            }
            for item in &sale.items {
                quantity("A line's quantity", item.quantity, false)?;
            }
            for (what, amount) in [
                ("The subtotal", sale.subtotal),
                ("The discount", sale.discount_total),
                ("The tax", sale.tax_total),
                ("The total", sale.total_amount),
            ] {
                not_negative(what, amount)?;
            }
            points("The points earned", sale.loyalty_points_earned)?;
            points("The points redeemed", sale.loyalty_points_redeemed)?;
            let permission = match sale.transaction_type {
                TransactionType::Sale => Permission::ProcessSales,
                TransactionType::Return => Permission::ProcessReturns,
            };
            let items = sale.items.iter().map(|item| Measured {
                product: item.product_id,
                quantity: item.quantity,
                unit: Some(item.unit),
            });
            Ok(Demands::acting(permission)
                .named(Some(sale.cashier_id), Some(permission))
                .named(sale.approved_by, None)
                .measures(items))
        }
        C::StockMovements => {
            let movement = StockMovementDoc::from_document(p).map_err(read)?;
            canonical(p, &movement.to_document())?;
            own(movement.business_id, till)?;
            own_store(movement.store_id, till)?;
            let limit = Quantity::units(MAX_QUANTITY);
            if movement.quantity == Quantity::ZERO
                || movement.quantity > limit
                || movement.quantity < -limit
            {
                return Err(Refusal::range(format!(
                    "A movement of {} is not one: it moves up to {MAX_QUANTITY} either way.",
                    movement.quantity
                )));
            }
            let permission = movement_permission(movement.movement_type, movement.quantity);
            Ok(Demands::acting(permission)
                .named(movement.handled_by, Some(permission))
                .measures([Measured::of(movement.product_id, movement.quantity)]))
        }
        C::Customers => {
            let customer = CustomerDoc::from_document(p, cur).map_err(read)?;
            canonical(p, &customer.to_document(cur))?;
            own(customer.business_id, till)?;
            if customer.loyalty_points != 0 {
                return Err(Refusal::field(field::LOYALTY_POINTS));
            }
            if customer.store_credit != Money::ZERO {
                return Err(Refusal::field(field::STORE_CREDIT));
            }
            if !customer.purchase_history.is_empty() {
                return Err(Refusal::field(field::PURCHASE_HISTORY));
            }
            Ok(Demands::acting(Permission::ManageCustomers))
        }
        C::Products => {
            let product = ProductDoc::from_document(p, cur).map_err(read)?;
            canonical(p, &product.to_document(cur))?;
            own(product.business_id, till)?;
            // A new product opens with the till's store's stock, as counted there.
            let opening = product.opening_stock.unwrap_or(product.stock);
            let level_ok = match &product.stock_levels {
                None => true,
                Some(levels) => {
                    levels.len() == 1
                        && levels[0].store_id == till.store
                        && levels[0].opening_stock == opening
                        && levels[0].stock == opening
                }
            };
            if !level_ok || product.stock != opening {
                return Err(Refusal::field(field::STOCK_LEVELS));
            }
            quantity("The opening stock", opening, true)?;
            match product.store_id {
                Some(store) => {
                    own_store(store, till)?;
                    Ok(Demands::acting(Permission::ManageInventory))
                }
                None => Ok(Demands::verified(Permission::ManageInventory)),
            }
        }
        C::Notifications => {
            let notification = NotificationDoc::from_document(p).map_err(read)?;
            canonical(p, &notification.to_document())?;
            own(notification.business_id, till)?;
            own_store(notification.store_id, till)?;
            if notification.status != NotificationStatus::Unread {
                return Err(Refusal::field(field::STATUS));
            }
            // Raised by the till itself, in the change that called for it.
            Ok(Demands::default())
        }
        C::Suppliers => {
            let supplier = SupplierDoc::from_document(p).map_err(read)?;
            canonical(p, &supplier.to_document())?;
            own(supplier.business_id, till)?;
            Ok(Demands::acting(Permission::ManageInventory))
        }
        C::PurchaseOrders => {
            let order = PurchaseOrderDoc::from_document(p, cur).map_err(read)?;
            canonical(p, &order.to_document(cur))?;
            own(order.business_id, till)?;
            own_store(order.store_id, till)?;
            order_lines(&order)?;
            Ok(Demands::acting(Permission::ManageInventory)
                .named(order.created_by, Some(Permission::ManageInventory))
                .measures(items_measured(p)))
        }
        C::ZReports => {
            let z = ZReportDoc::from_document(p, cur).map_err(read)?;
            canonical(p, &z.to_document())?;
            own(z.business_id, till)?;
            own_store(z.report.store_id, till)?;
            own_till(z.report.till_id, till)?;
            let counted_by = z.report.counts.iter().map(|c| c.counted_by);
            Ok(counted_by.fold(
                Demands::acting(Permission::ProcessSales)
                    .named(Some(z.report.closed_by), Some(Permission::ProcessSales))
                    .named(z.report.approved_by, None),
                |demands, who| demands.named(Some(who), Some(Permission::ProcessSales)),
            ))
        }
        C::JournalEntries => {
            let entry = JournalEntryDoc::from_document(p).map_err(read)?;
            canonical(p, &entry.to_document())?;
            own(entry.business_id, till)?;
            own_store(entry.store_id, till)?;
            own_till(entry.till_id, till)?;
            Ok(Demands::default())
        }
        C::ParkedSales => {
            let parked = ParkedSaleDoc::from_document(p, cur).map_err(read)?;
            canonical(p, &parked.to_document())?;
            own(parked.business_id, till)?;
            own_store(parked.store_id, till)?;
            own_till(parked.till_id, till)?;
            parked_lines(&parked)?;
            if parked.status != ParkedStatus::Parked {
                return Err(Refusal::field(field::STATUS));
            }
            let items = parked
                .items
                .iter()
                .map(|item| Measured::of(item.product_id, item.quantity));
            Ok(Demands::acting(Permission::ProcessSales)
                .named(Some(parked.parked_by), Some(Permission::ProcessSales))
                .measures(items))
        }
        C::StockTransfers => {
            let transfer = StockTransferDoc::from_document(p).map_err(read)?;
            canonical(p, &transfer.to_document())?;
            own(transfer.business_id, till)?;
            own_store(transfer.from_store_id, till)?;
            if transfer.to_store_id == till.store {
                return Err(Refusal::range("A transfer goes to another store."));
            }
            if transfer.status != TransferStatus::InTransit {
                return Err(Refusal::field(field::STATUS));
            }
            for item in &transfer.items {
                quantity("A line's quantity sent", item.quantity_sent, false)?;
                if item.quantity_received != Quantity::ZERO {
                    return Err(Refusal::field(field::QUANTITY_RECEIVED));
                }
            }
            Ok(Demands::acting(Permission::ManageInventory)
                .named(transfer.sent_by, Some(Permission::ManageInventory))
                .measures(items_measured(p)))
        }
        C::Users => {
            let user = UserDoc::from_document(p).map_err(read)?;
            canonical(p, &user.to_document())?;
            own(user.business_id, till)?;
            if user.store_id.is_some_and(|store| store != till.store) {
                return Err(Refusal::other_store());
            }
            Ok(Demands::verified(Permission::ManageUsers))
        }
        C::PaymentMethods => {
            let method = PaymentMethodDoc::from_document(p).map_err(read)?;
            canonical(p, &method.to_document())?;
            own(method.business_id, till)?;
            Ok(Demands::verified(Permission::ManageSettings))
        }
        C::ApiKeys => {
            own(
                p.get_object_id(field::BUSINESS_ID)
                    .map(Id::from)
                    .map_err(|_| Refusal::other_business())?,
                till,
            )?;
            new_key(p)?;
            let by = p.get_object_id(field::CREATED_BY).ok().map(Id::from);
            Ok(Demands::verified(Permission::ManageSettings)
                .named(by, Some(Permission::ManageSettings)))
        }
        C::Businesses | C::Stores => Err(Refusal::not_writable(op.collection, op.op)),
    }
}

/// A change of a document central holds: only the fields a till changes, of its store's
/// documents (read centrally: [`Held`]).
fn update(op: &Operation, till: &TillScope) -> Result<Demands, Refusal> {
    let p = &op.payload;
    let id = op.document_id;
    let read = Refusal::malformed;
    let only = |allowed: &[&str]| match p.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(name) => Err(Refusal::field(name)),
        None if !p.contains_key(field::UPDATED_AT) => Err(Refusal::malformed(
            "A change carries when it was made (updated_at).",
        )),
        None => Ok(()),
    };
    use Collection as C;
    match op.collection {
        C::Products => {
            ProductUpdate::from_document(id, p, &till.currency).map_err(|_| {
                match p.keys().find(|k| !PRODUCT_CHANGES.contains(&k.as_str())) {
                    Some(name) => Refusal::field(name),
                    None => Refusal::malformed("A product change of the wrong type."),
                }
            })?;
            Ok(Demands::acting(Permission::ManageInventory).held(Held::StoreOrVerified))
        }
        C::Notifications => {
            NotificationUpdate::from_document(id, p).map_err(|_| {
                match p
                    .keys()
                    .find(|k| ![field::STATUS, field::UPDATED_AT].contains(&k.as_str()))
                {
                    Some(name) => Refusal::field(name),
                    None => Refusal::malformed("A notification change of the wrong type."),
                }
            })?;
            Ok(Demands::acting(Permission::ManageInventory).held(Held::Store))
        }
        C::SalesTransactions => {
            only(&[
                field::TRANSACTION_STATUS,
                field::VOIDED_BY,
                field::VOID_REASON,
                field::UPDATED_AT,
            ])?;
            let void = SaleVoid::from_document(id, p).map_err(read)?;
            Ok(Demands::acting(Permission::ProcessSales)
                .named(Some(void.voided_by), None)
                .held(Held::Till))
        }
        C::ParkedSales => {
            only(&PARKED_CHANGES)?;
            // Taken up, completed or discarded here: by this till. (`till_id`, where it was
            // last parked, may be another till of the store's.)
            if let Some(Bson::ObjectId(id)) = p.get(field::CLAIMED_BY_TILL) {
                own_till((*id).into(), till)?;
            }
            let by = p.get_object_id(field::PARKED_BY).ok().map(Id::from);
            Ok(Demands::acting(Permission::ProcessSales)
                .named(by, Some(Permission::ProcessSales))
                .held(Held::Store))
        }
        C::PurchaseOrders => {
            only(&[
                field::ITEMS,
                field::ORDER_STATUS,
                field::EXPECTED_DELIVERY,
                field::UPDATED_AT,
                field::REORDER_GENERATION,
                field::REMOVED_PRODUCTS,
            ])?;
            Ok(Demands::acting(Permission::ManageInventory)
                .held(Held::Store)
                .measures(items_measured(p)))
        }
        C::StockTransfers => {
            only(&[
                field::ITEMS,
                field::STATUS,
                field::RECEIVED_BY,
                field::RECEIVED_AT,
                field::UPDATED_AT,
            ])?;
            let by = p.get_object_id(field::RECEIVED_BY).ok().map(Id::from);
            Ok(Demands::acting(Permission::ManageInventory)
                .named(by, Some(Permission::ManageInventory))
                .held(Held::EitherEnd)
                .measures(items_measured(p)))
        }
        C::Businesses => {
            // A till changes one thing of its business: how its labels are read.
            if p.keys()
                .any(|k| k != field::SETTINGS_BARCODE_RULES && k != field::UPDATED_AT)
            {
                return Err(Refusal::not_writable(op.collection, op.op));
            }
            only(&[field::SETTINGS_BARCODE_RULES, field::UPDATED_AT])?;
            if id != till.business {
                return Err(Refusal::other_business());
            }
            let rules = p
                .get(field::SETTINGS_BARCODE_RULES)
                .ok_or_else(|| Refusal::malformed("A change of the barcode rules carries them."))?;
            let read = read_barcode_rules(rules).map_err(Refusal::malformed)?;
            // Written centrally as sent: nothing in it but the rules as the contract writes them.
            if *rules != barcode_rules_bson(&read) {
                return Err(Refusal::field(field::SETTINGS_BARCODE_RULES));
            }
            Ok(Demands::verified(Permission::ManageSettings))
        }
        _ => Err(Refusal::not_writable(op.collection, op.op)),
    }
}

/// The fields a till changes on a product (`ProductChange`), and when.
const PRODUCT_CHANGES: [&str; 11] = [
    field::PRODUCT_NAME,
    field::PRICE,
    field::BARCODE,
    field::CATEGORY,
    field::TAX_RATE,
    field::STOCK_THRESHOLD,
    field::SUPPLIER_ID,
    field::REORDER_QUANTITY,
    field::UNIT_COST,
    field::UPDATED_AT,
    field::TARE,
];

/// The fields a till changes on a parked sale (`ParkedSaleDoc::to_update`).
const PARKED_CHANGES: [&str; 16] = [
    field::TILL_ID,
    field::PARKED_BY,
    field::PARKED_BY_NAME,
    field::NOTE,
    field::ITEMS,
    field::CUSTOMER_ID,
    field::CURRENCY,
    field::TOTAL_AMOUNT,
    field::STATUS,
    field::CLAIMED_BY_TILL,
    field::CLAIMED_BY,
    field::CLAIMED_AT,
    field::TRANSACTION_ID,
    field::UPDATED_AT,
    field::DISCOUNT_PERCENT,
    field::DISCOUNT_AMOUNT,
];

/// A customer's points and store credit moved by a sale or return: only with it.
fn purchase(op: &Operation, till: &TillScope) -> Result<Demands, Refusal> {
    if op.collection != Collection::Customers {
        return Err(Refusal::not_writable(op.collection, op.op));
    }
    let purchase = CustomerPurchase::from_document(op.document_id, &op.payload, &till.currency)
        .map_err(Refusal::malformed)?;
    canonical(&op.payload, &purchase.to_document(&till.currency))?;
    if purchase.loyalty_points.abs() > MAX_QUANTITY {
        return Err(Refusal::range(format!(
            "{} points is more than one transaction moves.",
            purchase.loyalty_points
        )));
    }
    if let Some(sale) = purchase.voids {
        if purchase.entry.transaction_id != CustomerPurchase::void_entry(sale) {
            return Err(Refusal::malformed(
                "A void's points and credit go back under the void's own entry of the sale.",
            ));
        }
    }
    Ok(Demands {
        cause: Some(Cause {
            transaction: purchase.voids.unwrap_or(purchase.entry.transaction_id),
            void: purchase.voids.is_some(),
            customer: op.document_id,
            points: purchase.loyalty_points,
            credit: purchase.store_credit,
        }),
        ..Demands::default()
    })
}

/// Whether `transaction` (the sale or return of `cause`, as central or the same push holds
/// it; `voided`: the sale is voided there) moves the customer's points and credit as
/// `cause` says. A sale: its points earned less redeemed, less the credit it spent. A
/// return or a void: the points spent come back and those earned go, as far as the
/// customer still has them (the till takes back no more than the balance), and the credit
/// refunded or spent comes back.
pub fn check_cause(
    cause: &Cause,
    transaction: &SaleDoc,
    voided: bool,
    till: &TillScope,
) -> Result<(), Refusal> {
    if transaction.business_id != till.business || transaction.customer_id != Some(cause.customer) {
        return Err(no_cause());
    }
    own_store(transaction.store_id, till)?;
    let credit_paid = Money::sum(
        transaction
            .payments
            .iter()
            .filter(|p| p.kind == PaymentKind::StoreCredit)
            .map(|p| p.amount),
    )
    .map_err(|_| Refusal::range("The store credit paid does not add up."))?;
    let (earned, redeemed) = (
        transaction.loyalty_points_earned,
        transaction.loyalty_points_redeemed,
    );
    let given_back = (redeemed - earned)..=redeemed;
    let fits = match (cause.void, transaction.transaction_type) {
        (false, TransactionType::Sale) => {
            cause.points == earned - redeemed
                && cause.credit == Money::from_minor(-credit_paid.minor())
        }
        (false, TransactionType::Return) | (true, TransactionType::Sale) => {
            given_back.contains(&cause.points) && cause.credit == credit_paid
        }
        (true, TransactionType::Return) => false,
    };
    if cause.void && !voided {
        return Err(no_cause());
    }
    if fits {
        Ok(())
    } else {
        Err(Refusal::range(format!(
            "{} points and {} of store credit are not what {} moved.",
            cause.points,
            cause.credit.minor(),
            transaction.sale_number
        )))
    }
}

fn no_cause() -> Refusal {
    Refusal::new(
        "no_cause",
        "Points and store credit move only with the sale, return or void of this store that moved them.",
    )
}

/// A line for the till's store's automatic draft, raised by a movement the till made.
fn reorder(op: &Operation, till: &TillScope) -> Result<Demands, Refusal> {
    if op.collection != Collection::PurchaseOrders {
        return Err(Refusal::not_writable(op.collection, op.op));
    }
    let draft = op.payload.get_document(field::ORDER).ok();
    let id = |name: &str| draft.and_then(|d| d.get_object_id(name).ok()).map(Id::from);
    own(
        id(field::BUSINESS_ID).ok_or_else(Refusal::other_business)?,
        till,
    )?;
    own_store(id(field::STORE_ID).ok_or_else(Refusal::other_store)?, till)?;
    let draft = draft.cloned().unwrap_or_default();
    let order =
        PurchaseOrderDoc::from_document(&draft, &till.currency).map_err(Refusal::malformed)?;
    if order.order_status != OrderStatus::Draft || !order.items.is_empty() {
        return Err(Refusal::malformed(
            "A reorder opens an empty draft and adds one line to it.",
        ));
    }
    let line = op
        .payload
        .get_document(field::ITEM)
        .map_err(|_| Refusal::malformed("A reorder carries its line."))?;
    let ordered = line
        .get(field::QUANTITY_ORDERED)
        .and_then(crate::documents::quantity_value)
        .ok_or_else(|| Refusal::malformed("A reorder's line has no quantity."))?;
    quantity("A reorder's quantity", ordered, false)?;
    let product = line
        .get_object_id(field::PRODUCT_ID)
        .map_err(|_| Refusal::malformed("A reorder's line names its product."))?;
    Ok(Demands::default().measures([Measured::of(product.into(), ordered)]))
}

fn order_lines(order: &PurchaseOrderDoc) -> Result<(), Refusal> {
    for item in &order.items {
        quantity("A line's quantity ordered", item.quantity_ordered, false)?;
        quantity("A line's quantity received", item.quantity_received, true)?;
        quantity("A line's quantity damaged", item.quantity_damaged, true)?;
        if let Some(price) = item.unit_price {
            not_negative("A line's price", price)?;
        }
    }
    Ok(())
}

fn parked_lines(parked: &ParkedSaleDoc) -> Result<(), Refusal> {
    for item in &parked.items {
        quantity("A line's quantity", item.quantity, false)?;
        not_negative("A line's price", item.unit_price)?;
    }
    Ok(())
}

/// A key made at a till: a label and a SHA-256 hash of the form the gateway makes, read
/// or read and write, active and never used, made by its recorded user.
fn new_key(p: &Document) -> Result<(), Refusal> {
    let allowed = [
        field::ID,
        field::BUSINESS_ID,
        field::API_KEY,
        field::KEY_HASH,
        field::SCOPES,
        field::STATUS,
        field::CREATED_BY,
        field::CREATED_AT,
        field::LAST_USED,
    ];
    if let Some(name) = p.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Refusal::field(name));
    }
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
        Err(Refusal::malformed(
            "An API key made at a till has a label, a hash, read (and write) scopes, and is active and unused.",
        ))
    }
}

/// The permission a stock movement of `kind` and signed `quantity` needs: a sale's goes
/// out with `process_sales`, comes back (a return, a void) with `process_returns`; every
/// other movement is managing inventory.
pub fn movement_permission(kind: MovementType, quantity: Quantity) -> Permission {
    match kind {
        MovementType::Sale if quantity.is_negative() => Permission::ProcessSales,
        MovementType::Sale => Permission::ProcessReturns,
        MovementType::Restock
        | MovementType::Adjustment
        | MovementType::TransferOut
        | MovementType::TransferIn => Permission::ManageInventory,
    }
}

/// Whether `document`, as it would stand after a till's change, is still one its
/// collection's contract reads: a change that leaves a document unreadable (a setting out
/// of range, a field of the wrong type) would break every till's pull of it.
pub fn readable(
    collection: Collection,
    document: &Document,
    currency: &Currency,
) -> Result<(), Refusal> {
    use Collection as C;
    let result = match collection {
        C::Products => ProductDoc::from_document(document, currency).map(drop),
        C::SalesTransactions => SaleDoc::from_document(document, currency).map(drop),
        C::ParkedSales => ParkedSaleDoc::from_document(document, currency).map(drop),
        C::PurchaseOrders => PurchaseOrderDoc::from_document(document, currency).map(drop),
        C::StockTransfers => StockTransferDoc::from_document(document).map(drop),
        C::Notifications => NotificationDoc::from_document(document).map(drop),
        _ => Ok(()),
    };
    result.map_err(|refusal| Refusal::range(format!("After this change, {refusal}.")))
}

#[cfg(test)]
mod tests;
