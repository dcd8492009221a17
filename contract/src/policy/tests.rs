//! The write policy, table by table: what a till pushes of its own passes with what it
//! demands; everything a tampered till could send instead is refused with its code.

use crate::quantity::{Quantity, Unit};
use bson::{doc, Bson, Document};
use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::documents::{SaleItemDoc, SalePaymentDoc, StockLevel};
use crate::money::Percent;

fn usd() -> Currency {
    Currency::from_code("USD").unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-12-07T10:00:00Z".parse().unwrap()
}

fn scope() -> TillScope {
    TillScope {
        business: Id::new(),
        store: Id::new(),
        till: Id::new(),
        currency: usd(),
    }
}

fn op(collection: Collection, kind: Op, id: Id, payload: Document) -> Operation {
    Operation {
        seq: 1,
        op_id: "op".into(),
        collection,
        document_id: id,
        op: kind,
        payload,
        user: Some(Id::new()),
    }
}

/// The code `payload` is refused with, pushed as `kind` on `collection` by `till`.
fn code(
    till: &TillScope,
    collection: Collection,
    kind: Op,
    payload: Document,
) -> Option<&'static str> {
    let id = payload
        .get_object_id(field::ID)
        .map(Id::from)
        .unwrap_or_else(|_| Id::new());
    check(&op(collection, kind, id, payload), till, now())
        .err()
        .map(|r| r.code)
}

fn sale(till: &TillScope) -> SaleDoc {
    let money = Money::from_minor;
    SaleDoc {
        id: Id::new(),
        business_id: till.business,
        store_id: till.store,
        till_id: till.till,
        sale_number: "T1-000042".into(),
        cashier_id: Id::new(),
        customer_id: Some(Id::new()),
        items: vec![SaleItemDoc {
            product_id: Id::new(),
            product_name: "Whole Milk".into(),
            sku: "MILK".into(),
            unit: Unit::Piece,
            quantity: Quantity::units(2),
            unit_price: money(349),
            discount: money(0),
            tax_rate: Percent::from_thousandths(0),
            tax_amount: money(0),
            total_price: money(698),
            original_line_no: None,
            damaged: false,
        }],
        payments: vec![
            SalePaymentDoc {
                payment_method_id: None,
                method_name: "Store credit".into(),
                kind: PaymentKind::StoreCredit,
                tendered: money(200),
                amount: money(200),
            },
            SalePaymentDoc {
                payment_method_id: Some(Id::new()),
                method_name: "Cash".into(),
                kind: PaymentKind::Cash,
                tendered: money(500),
                amount: money(498),
            },
        ],
        payment_method: "Split".into(),
        currency: usd(),
        subtotal: money(698),
        discount_total: money(0),
        tax_total: money(0),
        total_amount: money(698),
        amount_tendered: money(700),
        change_due: money(2),
        loyalty_points_earned: 6,
        loyalty_points_redeemed: 0,
        transaction_status: SaleStatus::Completed,
        transaction_type: TransactionType::Sale,
        original_transaction_id: None,
        reason: None,
        approved_by: None,
        shift_id: Some(Id::new()),
        parked_sale_id: None,
        created_at: now(),
    }
}

fn movement(till: &TillScope, quantity: i64) -> StockMovementDoc {
    let quantity = Quantity::units(quantity);
    StockMovementDoc {
        id: Id::new(),
        business_id: till.business,
        store_id: till.store,
        product_id: Id::new(),
        movement_type: MovementType::Adjustment,
        quantity,
        handled_by: Some(Id::new()),
        reason: "recount".into(),
        transaction_id: None,
        created_at: Some(now()),
    }
}

fn product(till: &TillScope, store: Option<Id>, opening: i64) -> ProductDoc {
    let opening = Quantity::units(opening);
    ProductDoc {
        id: Id::new(),
        business_id: till.business,
        store_id: store,
        product_name: "Whole Milk".into(),
        sku: "MILK".into(),
        barcode: None,
        category: "Dairy".into(),
        price: Money::from_minor(349),
        tax_rate: None,
        unit: Unit::Piece,
        tare: Quantity::ZERO,
        variant: None,
        stock: opening,
        opening_stock: Some(opening),
        stock_levels: Some(vec![StockLevel {
            store_id: till.store,
            opening_stock: opening,
            stock: opening,
        }]),
        stock_threshold: Quantity::units(2),
        supplier_id: None,
        reorder_quantity: Quantity::units(0),
        unit_cost: None,
        created_at: Some(now()),
        updated_at: Some(now()),
    }
}

fn customer(till: &TillScope) -> CustomerDoc {
    CustomerDoc {
        id: Id::new(),
        business_id: till.business,
        name: "Ada Lovelace".into(),
        phone: Some("5550100".into()),
        email: None,
        loyalty_points: 0,
        store_credit: Money::ZERO,
        purchase_history: Vec::new(),
        created_at: Some(now()),
    }
}

fn with(mut document: Document, name: &str, value: impl Into<Bson>) -> Document {
    document.insert(name, value);
    document
}

#[test]
fn what_a_till_does_alone_passes_and_names_who_must_hold_what() {
    let till = scope();
    let sale = sale(&till);
    let demands = check(
        &op(
            Collection::SalesTransactions,
            Op::Insert,
            sale.id,
            sale.to_document(),
        ),
        &till,
        now(),
    )
    .unwrap();
    assert_eq!(demands.permission, Some(Permission::ProcessSales));
    assert_eq!(
        demands.named,
        vec![(sale.cashier_id, Some(Permission::ProcessSales))]
    );
    assert!(!demands.verified);

    let correction = movement(&till, -3);
    let demands = check(
        &op(
            Collection::StockMovements,
            Op::Insert,
            correction.id,
            correction.to_document(),
        ),
        &till,
        now(),
    )
    .unwrap();
    assert_eq!(demands.permission, Some(Permission::ManageInventory));

    let mut sold = movement(&till, -2);
    sold.movement_type = MovementType::Sale;
    let demands = check(
        &op(
            Collection::StockMovements,
            Op::Insert,
            sold.id,
            sold.to_document(),
        ),
        &till,
        now(),
    )
    .unwrap();
    assert_eq!(demands.permission, Some(Permission::ProcessSales));

    let new = customer(&till);
    assert_eq!(
        check(
            &op(
                Collection::Customers,
                Op::Insert,
                new.id,
                new.to_document(&usd())
            ),
            &till,
            now()
        )
        .unwrap()
        .permission,
        Some(Permission::ManageCustomers)
    );

    let own = product(&till, Some(till.store), 12);
    let demands = check(
        &op(
            Collection::Products,
            Op::Insert,
            own.id,
            own.to_document(&usd()),
        ),
        &till,
        now(),
    )
    .unwrap();
    assert_eq!(
        (demands.permission, demands.verified),
        (Some(Permission::ManageInventory), false)
    );
    let everywhere = product(&till, None, 12);
    let demands = check(
        &op(
            Collection::Products,
            Op::Insert,
            everywhere.id,
            everywhere.to_document(&usd()),
        ),
        &till,
        now(),
    )
    .unwrap();
    assert!(
        demands.verified,
        "a business-wide product needs a verified person"
    );
}

#[test]
fn inserts_a_tampered_till_could_send_are_refused_with_their_code() {
    let till = scope();
    let other = Id::new();
    let sale = sale(&till).to_document();
    let movement = movement(&till, -3).to_document();
    let customer = customer(&till).to_document(&usd());
    let product = product(&till, Some(till.store), 12);
    let mut elsewhere = product.clone();
    elsewhere.stock_levels = Some(vec![StockLevel {
        store_id: other,
        opening_stock: Quantity::units(0),
        stock: Quantity::units(-500),
    }]);
    let mut inflated = product.clone();
    inflated.stock = Quantity::units(10_000);
    let mut voided = self::sale(&till);
    voided.transaction_status = SaleStatus::Voided;
    let mut nothing_sold = self::sale(&till);
    nothing_sold.items[0].quantity = Quantity::units(2_000_000);
    let admin = doc! {
        "_id": Id::new().object_id(), "business_id": till.business.object_id(),
        "store_id": Bson::Null, "name": "Mallory", "email": "m@example.com",
        "role": "admin", "permissions": ["manage_users"], "pin_hash": "x",
    };
    let table: Vec<(&str, Collection, Document, &str)> = vec![
        (
            "another business's sale",
            Collection::SalesTransactions,
            with(sale.clone(), "business_id", other.object_id()),
            "other_business",
        ),
        (
            "another store's sale",
            Collection::SalesTransactions,
            with(sale.clone(), "store_id", other.object_id()),
            "other_store",
        ),
        (
            "another till's sale",
            Collection::SalesTransactions,
            with(sale.clone(), "till_id", other.object_id()),
            "other_till",
        ),
        (
            "a sale made voided",
            Collection::SalesTransactions,
            voided.to_document(),
            "field_not_writable",
        ),
        (
            "a line of two million",
            Collection::SalesTransactions,
            nothing_sold.to_document(),
            "out_of_range",
        ),
        (
            "a sale with a field of its own",
            Collection::SalesTransactions,
            with(sale.clone(), "role", "admin"),
            "field_not_writable",
        ),
        (
            "another store's movement",
            Collection::StockMovements,
            with(movement.clone(), "store_id", other.object_id()),
            "other_store",
        ),
        (
            "a movement of ten million",
            Collection::StockMovements,
            with(movement.clone(), "quantity", 10_000_000_i64),
            "out_of_range",
        ),
        (
            "a movement counted already",
            Collection::StockMovements,
            with(movement.clone(), "stock_applied", true),
            "field_not_writable",
        ),
        (
            "a customer born with points",
            Collection::Customers,
            with(customer.clone(), "loyalty_points", 100_000_i64),
            "field_not_writable",
        ),
        (
            "a customer born with credit",
            Collection::Customers,
            with(
                customer.clone(),
                "store_credit",
                crate::documents::decimal(&usd(), Money::from_minor(500_000)),
            ),
            "field_not_writable",
        ),
        (
            "a product with another store's level",
            Collection::Products,
            elsewhere.to_document(&usd()),
            "field_not_writable",
        ),
        (
            "a product whose stock is not its opening stock",
            Collection::Products,
            inflated.to_document(&usd()),
            "field_not_writable",
        ),
        (
            "a product mid-count",
            Collection::Products,
            with(
                product.to_document(&usd()),
                "pending_movements",
                Bson::Array(vec![]),
            ),
            "field_not_writable",
        ),
        (
            "a business",
            Collection::Businesses,
            doc! { "_id": till.business.object_id(), "business_name": "X" },
            "not_writable_by_till",
        ),
        (
            "a store",
            Collection::Stores,
            doc! { "_id": Id::new().object_id(), "business_id": till.business.object_id() },
            "not_writable_by_till",
        ),
        (
            "an operator in a field name",
            Collection::Customers,
            with(customer.clone(), "$where", "1"),
            "field_not_writable",
        ),
        (
            "a dotted path",
            Collection::Customers,
            with(customer.clone(), "loyalty_points.x", 1_i64),
            "field_not_writable",
        ),
        (
            "an operator deep in a line",
            Collection::SalesTransactions,
            with(
                sale.clone(),
                "items",
                vec![Bson::Document(doc! { "$inc": { "stock": 5 } })],
            ),
            "field_not_writable",
        ),
        (
            "an admin of another store",
            Collection::Users,
            with(admin.clone(), "store_id", other.object_id()),
            "other_store",
        ),
    ];
    for (what, collection, payload, wanted) in table {
        assert_eq!(
            code(&till, collection, Op::Insert, payload),
            Some(wanted),
            "{what}"
        );
    }
    // A user made at a till needs a person verified by the central service.
    let demands = check(
        &op(
            Collection::Users,
            Op::Insert,
            Id::from(admin.get_object_id("_id").unwrap()),
            admin,
        ),
        &till,
        now(),
    )
    .unwrap();
    assert_eq!(
        (demands.verified, demands.permission),
        (true, Some(Permission::ManageUsers))
    );
}

#[test]
fn a_till_sets_its_business_barcode_rules_and_nothing_else_of_it() {
    let till = scope();
    let fresh = Bson::DateTime(bson::DateTime::from_chrono(now()));
    let uk = crate::embedded_barcodes::ready_layout("United Kingdom").unwrap();
    let rules = crate::documents::barcode_rules_bson(&uk);
    let change = |id: Id, payload: Document| {
        check(
            &op(Collection::Businesses, Op::Update, id, payload),
            &till,
            now(),
        )
    };
    let demands = change(
        till.business,
        doc! { "settings.barcode_rules": rules.clone(), "updated_at": fresh.clone() },
    )
    .unwrap();
    assert_eq!(
        (demands.verified, demands.permission),
        (true, Some(Permission::ManageSettings)),
        "an administrator verified at the till"
    );
    let padded = |extra: Document| {
        let Bson::Array(mut list) = rules.clone() else {
            unreachable!("a list")
        };
        if let Some(Bson::Document(first)) = list.first_mut() {
            first.extend(extra);
        }
        Bson::Array(list)
    };
    let mut overlapping = uk.clone();
    overlapping[1].prefix = "20".into();
    let refused = [
        (
            "another business's",
            Id::new(),
            doc! { "settings.barcode_rules": rules.clone(), "updated_at": fresh.clone() },
            "other_business",
        ),
        (
            "with the plan",
            till.business,
            doc! { "settings.barcode_rules": rules.clone(), "package_plan": "Premium", "updated_at": fresh.clone() },
            "not_writable_by_till",
        ),
        (
            "rules that overlap",
            till.business,
            doc! { "settings.barcode_rules": crate::documents::barcode_rules_bson(&overlapping), "updated_at": fresh.clone() },
            "malformed_operation",
        ),
        (
            "not a list",
            till.business,
            doc! { "settings.barcode_rules": "all", "updated_at": fresh.clone() },
            "malformed_operation",
        ),
        (
            "with no time",
            till.business,
            doc! { "settings.barcode_rules": rules.clone() },
            "malformed_operation",
        ),
        (
            "another setting by its path",
            till.business,
            doc! { "settings.timezone": "UTC", "updated_at": fresh.clone() },
            "field_not_writable",
        ),
        (
            "a rule with more in it",
            till.business,
            doc! { "settings.barcode_rules": padded(doc! { "note": "x" }), "updated_at": fresh.clone() },
            "field_not_writable",
        ),
        (
            "an operator inside a rule",
            till.business,
            doc! { "settings.barcode_rules": padded(doc! { "$where": "1" }), "updated_at": fresh.clone() },
            "field_not_writable",
        ),
    ];
    for (what, id, payload, wanted) in refused {
        assert_eq!(
            change(id, payload).err().map(|r| r.code),
            Some(wanted),
            "{what}"
        );
    }
}

#[test]
fn a_change_sets_only_what_a_till_changes_on_documents_it_holds() {
    let till = scope();
    let at = |t: DateTime<Utc>| Bson::DateTime(bson::DateTime::from_chrono(t));
    let fresh = at(now());
    let table: Vec<(&str, Collection, Document, Option<&str>)> = vec![
        (
            "a product's price",
            Collection::Products,
            doc! { "price": crate::documents::decimal(&usd(), Money::from_minor(399)), "updated_at": fresh.clone() },
            None,
        ),
        (
            "a product's stock",
            Collection::Products,
            doc! { "stock": 1_000_i64, "updated_at": fresh.clone() },
            Some("field_not_writable"),
        ),
        (
            "a product's levels",
            Collection::Products,
            doc! { "stock_levels": [], "updated_at": fresh.clone() },
            Some("field_not_writable"),
        ),
        (
            "a product's business",
            Collection::Products,
            doc! { "business_id": Id::new().object_id(), "updated_at": fresh.clone() },
            Some("field_not_writable"),
        ),
        (
            "the owner's PIN",
            Collection::Users,
            doc! { "pin_hash": "$argon2id$…", "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "a role",
            Collection::Users,
            doc! { "role": "admin", "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "the plan",
            Collection::Businesses,
            doc! { "package_plan": "Premium", "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "the time zone",
            Collection::Businesses,
            doc! { "settings": { "timezone": "Mars/Olympus" }, "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "a movement",
            Collection::StockMovements,
            doc! { "quantity": -500_i64, "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "a Z report",
            Collection::ZReports,
            doc! { "over_short": 0_i64, "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "a journal entry",
            Collection::JournalEntries,
            doc! { "hash": "00", "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "a customer's credit",
            Collection::Customers,
            doc! { "store_credit": 5_000_i64, "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "an API key",
            Collection::ApiKeys,
            doc! { "status": "active", "updated_at": fresh.clone() },
            Some("not_writable_by_till"),
        ),
        (
            "a sale's total",
            Collection::SalesTransactions,
            doc! { "total_amount": 0_i64, "updated_at": fresh.clone() },
            Some("field_not_writable"),
        ),
        (
            "a sale voided",
            Collection::SalesTransactions,
            doc! { "transaction_status": "voided", "voided_by": Id::new().object_id(),
            "void_reason": "rang twice", "updated_at": fresh.clone() },
            None,
        ),
        (
            "a notification read",
            Collection::Notifications,
            doc! { "status": "read", "updated_at": fresh.clone() },
            None,
        ),
        (
            "a notification moved",
            Collection::Notifications,
            doc! { "status": "read", "store_id": Id::new().object_id(), "updated_at": fresh.clone() },
            Some("field_not_writable"),
        ),
        (
            "a parked sale taken up by another till",
            Collection::ParkedSales,
            doc! { "status": "resumed", "claimed_by_till": Id::new().object_id(), "updated_at": fresh.clone() },
            Some("other_till"),
        ),
        (
            "a parked sale taken up here",
            Collection::ParkedSales,
            doc! { "status": "resumed", "claimed_by_till": till.till.object_id(), "updated_at": fresh.clone() },
            None,
        ),
        (
            "a transfer moved",
            Collection::StockTransfers,
            doc! { "to_store_id": till.store.object_id(), "updated_at": fresh.clone() },
            Some("field_not_writable"),
        ),
        (
            "an order moved",
            Collection::PurchaseOrders,
            doc! { "store_id": Id::new().object_id(), "updated_at": fresh.clone() },
            Some("field_not_writable"),
        ),
        (
            "a change from the year 9999",
            Collection::Products,
            doc! { "price": crate::documents::decimal(&usd(), Money::from_minor(1)),
            "updated_at": at("9999-01-01T00:00:00Z".parse().unwrap()) },
            Some("future_timestamp"),
        ),
        (
            "a change ten minutes ahead",
            Collection::Products,
            doc! { "product_name": "Milk", "updated_at": at(now() + Duration::minutes(10)) },
            Some("future_timestamp"),
        ),
        (
            "a change within the clock's skew",
            Collection::Products,
            doc! { "product_name": "Milk", "updated_at": at(now() + Duration::minutes(4)) },
            None,
        ),
        (
            "a change with no time",
            Collection::PurchaseOrders,
            doc! { "order_status": "ordered" },
            Some("malformed_operation"),
        ),
    ];
    for (what, collection, payload, wanted) in table {
        assert_eq!(
            code(&till, collection, Op::Update, payload),
            wanted,
            "{what}"
        );
    }
    let demands = check(
        &op(
            Collection::SalesTransactions,
            Op::Update,
            Id::new(),
            doc! { "transaction_status": "voided", "voided_by": Id::new().object_id(),
            "void_reason": "rang twice", "updated_at": fresh.clone() },
        ),
        &till,
        now(),
    )
    .unwrap();
    assert_eq!(
        demands.held,
        Some(Held::Till),
        "a sale is voided at its own till"
    );
    let demands = check(
        &op(
            Collection::Products,
            Op::Update,
            Id::new(),
            doc! { "product_name": "Milk", "updated_at": fresh },
        ),
        &till,
        now(),
    )
    .unwrap();
    assert_eq!(demands.held, Some(Held::StoreOrVerified));
}

#[test]
fn points_and_credit_move_only_with_the_transaction_that_moved_them() {
    let till = scope();
    let sale = sale(&till);
    let customer = sale.customer_id.unwrap();
    let purchase =
        |transaction: Id, points: i64, credit: i64, voids: Option<Id>| CustomerPurchase {
            entry: crate::documents::PurchaseEntry {
                transaction_id: transaction,
                date: now(),
                amount: sale.total_amount,
            },
            loyalty_points: points,
            store_credit: Money::from_minor(credit),
            voids,
        };
    let cause_of = |p: &CustomerPurchase| -> Result<Cause, &'static str> {
        check(
            &op(
                Collection::Customers,
                Op::CustomerPurchase,
                customer,
                p.to_document(&usd()),
            ),
            &till,
            now(),
        )
        .map(|d| d.cause.expect("a purchase names its cause"))
        .map_err(|r| r.code)
    };
    // The sale's own: 6 points earned, 2.00 of credit spent.
    let own = cause_of(&purchase(sale.id, 6, -200, None)).unwrap();
    assert_eq!(check_cause(&own, &sale, false, &till), Ok(()));
    let table: Vec<(&str, CustomerPurchase, &str)> = vec![
        (
            "more points",
            purchase(sale.id, 100_000, -200, None),
            "out_of_range",
        ),
        (
            "credit given",
            purchase(sale.id, 6, 500_000, None),
            "out_of_range",
        ),
        (
            "a void of a sale not voided",
            purchase(
                CustomerPurchase::void_entry(sale.id),
                -6,
                200,
                Some(sale.id),
            ),
            "no_cause",
        ),
    ];
    for (what, p, wanted) in table {
        let cause = cause_of(&p).unwrap();
        assert_eq!(
            check_cause(&cause, &sale, false, &till).map_err(|r| r.code),
            Err(wanted),
            "{what}"
        );
    }
    // Voided: its points go (as far as the customer has them) and its credit comes back.
    for points in [-6, -3, 0] {
        let cause = cause_of(&purchase(
            CustomerPurchase::void_entry(sale.id),
            points,
            200,
            Some(sale.id),
        ))
        .unwrap();
        assert_eq!(check_cause(&cause, &sale, true, &till), Ok(()), "{points}");
    }
    let cause = cause_of(&purchase(
        CustomerPurchase::void_entry(sale.id),
        50,
        200,
        Some(sale.id),
    ))
    .unwrap();
    assert_eq!(
        check_cause(&cause, &sale, true, &till).map_err(|r| r.code),
        Err("out_of_range")
    );
    // Another customer's, another store's: no cause here.
    let mut theirs = sale.clone();
    theirs.customer_id = Some(Id::new());
    assert_eq!(
        check_cause(&own, &theirs, false, &till).map_err(|r| r.code),
        Err("no_cause")
    );
    let mut elsewhere = sale.clone();
    elsewhere.store_id = Id::new();
    assert_eq!(
        check_cause(&own, &elsewhere, false, &till).map_err(|r| r.code),
        Err("other_store")
    );
    // A void's points go back under the void's own entry only.
    assert_eq!(
        cause_of(&purchase(Id::new(), -6, 200, Some(sale.id))),
        Err("malformed_operation")
    );
    assert_eq!(
        cause_of(&purchase(sale.id, 2_000_000, 0, None)),
        Err("out_of_range")
    );
    // Points move on customers only.
    assert_eq!(
        code(
            &till,
            Collection::Products,
            Op::CustomerPurchase,
            purchase(sale.id, 6, -200, None).to_document(&usd())
        ),
        Some("not_writable_by_till")
    );
}

#[test]
fn a_reorder_goes_onto_the_tills_own_stores_draft() {
    let till = scope();
    let reorder = |business: Id, store: Id| {
        let draft = PurchaseOrderDoc {
            id: PurchaseOrderDoc::reorder_draft_id(store, Id::new(), 0),
            business_id: business,
            store_id: store,
            supplier_id: Id::new(),
            order_number: "AUTO".into(),
            order_status: OrderStatus::Draft,
            expected_delivery: None,
            items: Vec::new(),
            created_by: None,
            created_at: now(),
            updated_at: now(),
            reorder_generation: Some(0),
        };
        doc! {
            "reorder_id": Id::new().object_id(),
            "order": draft.to_document(&usd()),
            "item": { "product_id": Id::new().object_id(), "quantity_ordered": 12_i64 },
        }
    };
    assert_eq!(
        code(
            &till,
            Collection::PurchaseOrders,
            Op::Reorder,
            reorder(till.business, till.store)
        ),
        None
    );
    assert_eq!(
        code(
            &till,
            Collection::PurchaseOrders,
            Op::Reorder,
            reorder(till.business, Id::new())
        ),
        Some("other_store")
    );
    assert_eq!(
        code(
            &till,
            Collection::PurchaseOrders,
            Op::Reorder,
            reorder(Id::new(), till.store)
        ),
        Some("other_business")
    );
    let mut huge = reorder(till.business, till.store);
    huge.insert(
        "item",
        doc! { "product_id": Id::new().object_id(), "quantity_ordered": 10_000_000_i64 },
    );
    assert_eq!(
        code(&till, Collection::PurchaseOrders, Op::Reorder, huge),
        Some("out_of_range")
    );
}
