//! Every collection's document written, sent through the outbox's Extended JSON, and read
//! back equal; and what each refuses.

use crate::quantity::{Quantity, Unit};
use std::str::FromStr;

use bson::{doc, Bson, Decimal128, Document};
use chrono::{DateTime, Utc};

use super::*;
use crate::documents::{NotificationKind, NotificationStatus, PaymentKind};
use crate::ids::{parse_timestamp, Id};
use crate::money::{Currency, Money, Percent};
use crate::pricing::Discount;
use crate::roles::{Permission, Role};
use crate::stock::MovementType;

fn usd() -> Currency {
    Currency::from_code("USD").unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    parse_timestamp(text).unwrap()
}

/// The document as the outbox stores it and the reconciler reads it.
fn through_the_outbox(doc: Document) -> Document {
    crate::operation::read_payload(&crate::operation::payload_text(doc)).unwrap()
}

fn refusal(result: Result<impl std::fmt::Debug, Refusal>) -> String {
    result.unwrap_err().to_string()
}

/// What a seed field holds, as `sell-sync-collections.md` shows it. Money the seed shows
/// as a number is `Decimal128` here, and a reference or text the document has none of is
/// `null`: present, never missing.
#[derive(Clone, Copy, Debug)]
enum Seed {
    Id,
    Text,
    Date,
    Number,
    Array,
    Object,
    Flag,
}

/// The seed's fields of each collection a till writes.
fn seed_fields(collection: Collection) -> &'static [(&'static str, Seed)] {
    use Seed::*;
    match collection {
        Collection::Businesses => &[
            ("_id", Id),
            ("business_name", Text),
            ("business_owner", Id),
            ("package_plan", Text),
            ("created_at", Date),
            ("subscription_status", Text),
            ("api_key", Text),
            ("settings", Object),
            ("settings.currency", Text),
            ("settings.timezone", Text),
            ("settings.tax_inclusive", Flag),
        ],
        Collection::Stores => &[
            ("_id", Id),
            ("business_id", Id),
            ("store_name", Text),
            ("location", Text),
            ("phone", Text),
            ("operating_hours", Object),
            ("created_at", Date),
        ],
        Collection::Users => &[
            ("_id", Id),
            ("business_id", Id),
            ("store_id", Id),
            ("name", Text),
            ("email", Text),
            ("password_hash", Text),
            ("role", Text),
            ("permissions", Array),
            ("created_at", Date),
        ],
        Collection::Products => &[
            ("_id", Id),
            ("business_id", Id),
            ("store_id", Id),
            ("product_name", Text),
            ("sku", Text),
            ("barcode", Text),
            ("category", Text),
            ("price", Number),
            ("stock", Number),
            ("stock_threshold", Number),
            ("supplier_id", Id),
            ("created_at", Date),
        ],
        Collection::StockMovements => &[
            ("_id", Id),
            ("business_id", Id),
            ("store_id", Id),
            ("product_id", Id),
            ("movement_type", Text),
            ("quantity", Number),
            ("handled_by", Id),
            ("created_at", Date),
        ],
        Collection::PurchaseOrders => &[
            ("_id", Id),
            ("business_id", Id),
            ("store_id", Id),
            ("supplier_id", Id),
            ("items", Array),
            ("items.0.product_id", Id),
            ("items.0.quantity_ordered", Number),
            ("items.0.unit_price", Number),
            ("order_status", Text),
            ("expected_delivery", Date),
            ("created_at", Date),
        ],
        Collection::Suppliers => &[
            ("_id", Id),
            ("business_id", Id),
            ("supplier_name", Text),
            ("contact_person", Text),
            ("email", Text),
            ("phone", Text),
            ("address", Text),
            ("created_at", Date),
        ],
        Collection::SalesTransactions => &[
            ("_id", Id),
            ("business_id", Id),
            ("store_id", Id),
            ("cashier_id", Id),
            ("items", Array),
            ("items.0.product_id", Id),
            ("items.0.quantity", Number),
            ("items.0.unit_price", Number),
            ("items.0.total_price", Number),
            ("payment_method", Text),
            ("total_amount", Number),
            ("transaction_status", Text),
            ("created_at", Date),
        ],
        Collection::Customers => &[
            ("_id", Id),
            ("business_id", Id),
            ("name", Text),
            ("phone", Text),
            ("email", Text),
            ("loyalty_points", Number),
            ("purchase_history", Array),
            ("purchase_history.0.transaction_id", Id),
            ("purchase_history.0.date", Date),
            ("purchase_history.0.amount", Number),
            ("created_at", Date),
        ],
        Collection::PaymentMethods => &[
            ("_id", Id),
            ("business_id", Id),
            ("method_name", Text),
            ("provider", Text),
            ("created_at", Date),
        ],
        Collection::Notifications => &[
            ("_id", Id),
            ("business_id", Id),
            ("store_id", Id),
            ("user_id", Id),
            ("message", Text),
            ("status", Text),
            ("created_at", Date),
        ],
        other => panic!("{other:?} is not one of the seed's collections a till writes"),
    }
}

/// The value at a dotted `path` (`items.0.quantity`) of `doc`.
fn value_at<'a>(doc: &'a Document, path: &str) -> Option<&'a Bson> {
    let mut parts = path.split('.');
    let mut value = doc.get(parts.next()?)?;
    for part in parts {
        value = match value {
            Bson::Document(d) => d.get(part)?,
            Bson::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Every seed field of `collection` is in `doc` with the seed's type (or `null`).
fn has_the_seeds_fields(collection: Collection, doc: &Document) {
    for &(path, seed) in seed_fields(collection) {
        let value =
            value_at(doc, path).unwrap_or_else(|| panic!("{collection:?} has no {path}: {doc:?}"));
        let fits = matches!(
            (seed, value),
            (_, Bson::Null)
                | (Seed::Id, Bson::ObjectId(_))
                | (Seed::Text, Bson::String(_))
                | (Seed::Date, Bson::DateTime(_))
                | (
                    Seed::Number,
                    Bson::Int32(_) | Bson::Int64(_) | Bson::Double(_) | Bson::Decimal128(_)
                )
                | (Seed::Array, Bson::Array(_))
                | (Seed::Object, Bson::Document(_))
                | (Seed::Flag, Bson::Boolean(_))
        );
        assert!(fits, "{collection:?}.{path} is {value:?}, not {seed:?}");
    }
}

#[test]
fn businesses() {
    let business = BusinessDoc {
        id: Id::new(),
        business_name: "Corner Shop".into(),
        business_owner: Some(Id::new()),
        package_plan: Some("Premium".into()),
        subscription_status: Some("active".into()),
        api_key: Some("ssk_3kR9wQ…".into()),
        settings: BusinessSettings {
            currency: Currency::from_code("KWD").unwrap(),
            timezone: "Asia/Kuwait".parse().unwrap(),
            tax_inclusive: Some(true),
            default_tax_rate: Some(Percent::from_thousandths(8875)),
            max_cashier_discount: Some(Percent::from_thousandths(5000)),
            loyalty_points_per_unit: Some(2),
            loyalty_point_value: Some(Money::from_minor(5)),
            return_window_days: Some(14),
            cashier_refund_limit: Some(Money::from_minor(5000)),
            max_cash_difference: Some(Money::from_minor(1000)),
            barcode_rules: crate::embedded_barcodes::ready_layout("Germany"),
        },
        created_at: Some(at("2026-11-25T09:00:00.123Z")),
    };
    let doc = through_the_outbox(business.to_document());
    has_the_seeds_fields(Collection::Businesses, &doc);
    assert_eq!(BusinessDoc::from_document(&doc).unwrap(), business);
    // Three decimals in Kuwaiti dinars: 0.005.
    assert_eq!(
        doc.get_document("settings")
            .unwrap()
            .get("loyalty_point_value"),
        Some(&Bson::Decimal128("0.005".parse().unwrap()))
    );

    let mut bad = doc.clone();
    bad.insert("settings", doc! { "currency": "XYZ", "timezone": "UTC" });
    assert!(refusal(BusinessDoc::from_document(&bad)).contains("\"XYZ\""));
    bad.insert(
        "settings",
        doc! { "currency": "USD", "timezone": "Mars/Olympus" },
    );
    assert!(refusal(BusinessDoc::from_document(&bad)).contains("time zone"));
    bad.insert(
        "settings",
        doc! { "currency": "USD", "timezone": "UTC", "tax_inclusive": "yes" },
    );
    assert!(refusal(BusinessDoc::from_document(&bad)).contains("not true or false"));

    // Barcode rules: positions from 1 centrally; rules that do not hold are refused.
    let rules = doc
        .get_document("settings")
        .unwrap()
        .get_array("barcode_rules")
        .unwrap();
    assert_eq!(
        rules[1]
            .as_document()
            .unwrap()
            .get_document("value")
            .unwrap(),
        &doc! { "from": 8_i64, "digits": 5_i64 }
    );
    let mut twice = rules.clone();
    twice.push(rules[0].clone());
    bad.insert(
        "settings",
        doc! { "currency": "EUR", "timezone": "UTC", "barcode_rules": twice },
    );
    assert!(refusal(BusinessDoc::from_document(&bad)).contains("would both read the codes"));
    let mut zero = rules[0].as_document().unwrap().clone();
    zero.insert("item", doc! { "from": 0, "digits": 5 });
    bad.insert(
        "settings",
        doc! { "currency": "EUR", "timezone": "UTC", "barcode_rules": [zero] },
    );
    assert!(refusal(BusinessDoc::from_document(&bad)).contains("digits are counted from 1"));
}

#[test]
fn stores() {
    let store = StoreDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_name: "Downtown".into(),
        location: Some("123 Main St".into()),
        phone: Some("+1 123-456-7890".into()),
        operating_hours: Some(OperatingHours {
            open: "09:00".into(),
            close: "22:00".into(),
        }),
        created_at: Some(at("2026-11-25T09:00:00Z")),
    };
    let doc = through_the_outbox(store.to_document());
    has_the_seeds_fields(Collection::Stores, &doc);
    assert_eq!(StoreDoc::from_document(&doc).unwrap(), store);
    // Only one of the hours: read as no hours, the rest of the store still lands.
    let mut half = doc.clone();
    half.insert("operating_hours", doc! { "open": "09:00" });
    assert_eq!(
        StoreDoc::from_document(&half).unwrap().operating_hours,
        None
    );
    let mut bad = doc.clone();
    bad.remove("business_id");
    assert!(refusal(StoreDoc::from_document(&bad)).contains("has no business_id"));
}

#[test]
fn users() {
    let user = UserDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_id: None,
        name: "Ana".into(),
        email: "ana@example.com".into(),
        password_hash: Some("$argon2id$v=19$...".into()),
        pin_hash: None,
        role: Role::Manager,
        permissions: vec![Permission::ProcessSales, Permission::ManageSync],
        created_at: Some(at("2026-11-25T09:00:00Z")),
    };
    let doc = through_the_outbox(user.to_document());
    has_the_seeds_fields(Collection::Users, &doc);
    assert_eq!(UserDoc::from_document(&doc).unwrap(), user);
    // No list: the role's permissions; a name this version does not know is left out.
    let mut other = doc.clone();
    other.remove("permissions");
    assert_eq!(
        UserDoc::from_document(&other).unwrap().permissions,
        Role::Manager.default_permissions()
    );
    other.insert("permissions", vec!["process_sales", "fly_drones"]);
    assert_eq!(
        UserDoc::from_document(&other).unwrap().permissions,
        vec![Permission::ProcessSales]
    );
    other.insert("role", "owner");
    assert!(refusal(UserDoc::from_document(&other)).contains("\"owner\""));
    // Never a hash in what is shown of it.
    assert!(!format!("{user:?}").contains("argon2"));
}

fn product() -> ProductDoc {
    let store = Id::new();
    ProductDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_id: None,
        product_name: "Espresso beans 1kg".into(),
        sku: "ESP-1KG".into(),
        barcode: Some("4006381333931".into()),
        category: "Coffee".into(),
        price: Money::from_minor(2_499),
        tax_rate: Some(Percent::from_thousandths(8875)),
        unit: Unit::Piece,
        tare: Quantity::ZERO,
        variant: None,
        stock: Quantity::units(30),
        opening_stock: Some(Quantity::units(20)),
        stock_levels: Some(vec![
            StockLevel {
                store_id: store,
                opening_stock: Quantity::units(20),
                stock: Quantity::units(18),
            },
            StockLevel {
                store_id: Id::new(),
                opening_stock: Quantity::units(0),
                stock: Quantity::units(12),
            },
        ]),
        stock_threshold: Quantity::units(5),
        supplier_id: Some(Id::new()),
        reorder_quantity: Quantity::units(24),
        unit_cost: Some(Money::from_minor(1_650)),
        created_at: Some(at("2026-11-25T09:00:00Z")),
        updated_at: Some(at("2026-11-26T09:00:00Z")),
    }
}

#[test]
fn products() {
    let product = product();
    let doc = through_the_outbox(product.to_document(&usd()));
    has_the_seeds_fields(Collection::Products, &doc);
    assert_eq!(ProductDoc::from_document(&doc, &usd()).unwrap(), product);
    let store = product.stock_levels.as_ref().unwrap()[0].store_id;
    assert_eq!(product.opening_stock_at(store), Some(Quantity::units(20)));
    assert_eq!(product.opening_stock_at(Id::new()), Some(Quantity::ZERO));

    // A back office's document without levels: its own store opens with its stock.
    let mut plain = doc.clone();
    plain.remove("stock_levels");
    plain.remove("opening_stock");
    plain.insert("store_id", Bson::ObjectId(store.object_id()));
    plain.insert("price", 24.99);
    plain.insert("stock", 25.0);
    plain.remove("reorder_quantity");
    plain.remove("unit_cost");
    let read = ProductDoc::from_document(&plain, &usd()).unwrap();
    assert_eq!(read.price, Money::from_minor(2_499));
    assert_eq!(
        (read.reorder_quantity, read.unit_cost),
        (Quantity::ZERO, None),
        "not reordered"
    );
    assert_eq!(read.opening_stock_at(store), Some(Quantity::units(25)));
    assert_eq!(read.opening_stock_at(Id::new()), None);
    assert!(!read.to_document(&usd()).contains_key("stock_levels"));
    // No updated_at: left out, not null (newest wins needs it absent).
    let mut unchanged = product.clone();
    unchanged.updated_at = None;
    assert!(!unchanged.to_document(&usd()).contains_key("updated_at"));

    let mut bad = doc.clone();
    bad.insert("price", "9.999");
    assert!(refusal(ProductDoc::from_document(&bad, &usd())).contains("price"));
    bad.insert("price", Bson::Decimal128("9.999".parse().unwrap()));
    assert!(ProductDoc::from_document(&bad, &usd()).is_err());
    // A variant: its family and options, read back in order.
    let mut shirt = product.clone();
    shirt.variant = Some(crate::documents::Variant {
        family_id: Id::new(),
        family_name: "T-shirt".into(),
        options: vec![
            ("Size".into(), "M".into()),
            ("Colour".into(), "Blue".into()),
        ],
    });
    let variant = through_the_outbox(shirt.to_document(&usd()));
    assert_eq!(ProductDoc::from_document(&variant, &usd()).unwrap(), shirt);
    assert!(
        !doc.contains_key("family_id"),
        "a product of no family has none"
    );
    let mut nameless = variant.clone();
    nameless.remove("family_name");
    assert!(refusal(ProductDoc::from_document(&nameless, &usd())).contains("family_name"));

    // A product sold by weight: its stock a Decimal128 where it is not whole.
    let mut loose = product.clone();
    loose.unit = Unit::Kg;
    loose.tare = Quantity::from_thousandths(15);
    loose.stock = Quantity::from_thousandths(24_258);
    loose.stock_levels.as_mut().unwrap()[0].stock = Quantity::from_thousandths(12_258);
    loose.stock_threshold = Quantity::from_thousandths(2_500);
    let weighed = through_the_outbox(loose.to_document(&usd()));
    assert_eq!(weighed.get_str("unit").unwrap(), "kg");
    assert_eq!(
        weighed.get("tare").unwrap(),
        &Bson::Decimal128("0.015".parse().unwrap())
    );
    assert!(!doc.contains_key("tare"), "pieces have none");
    assert_eq!(
        weighed.get("stock").unwrap(),
        &Bson::Decimal128("24.258".parse().unwrap())
    );
    assert_eq!(weighed.get("opening_stock").unwrap(), &Bson::Int64(20));
    assert_eq!(ProductDoc::from_document(&weighed, &usd()).unwrap(), loose);
    // A piece product's stock is whole; a double with a fraction is no exact quantity.
    let mut bad = doc.clone();
    bad.insert("stock", Bson::Decimal128("24.5".parse().unwrap()));
    assert!(refusal(ProductDoc::from_document(&bad, &usd())).contains("by the piece"));
    let mut bad = weighed.clone();
    bad.insert("stock", 24.258);
    assert!(refusal(ProductDoc::from_document(&bad, &usd())).contains("not a quantity"));
    bad.insert("stock", Bson::Decimal128("1.2345".parse().unwrap()));
    assert!(ProductDoc::from_document(&bad, &usd()).is_err());
    bad.insert("stock", 1);
    bad.insert("unit", "stone");
    assert!(refusal(ProductDoc::from_document(&bad, &usd())).contains("stone"));

    let mut bad = doc.clone();
    bad.insert("stock_levels", vec![doc! { "stock": 3 }]);
    assert!(refusal(ProductDoc::from_document(&bad, &usd())).contains("has no store_id"));
    let mut bad = doc;
    bad.remove("sku");
    assert!(refusal(ProductDoc::from_document(&bad, &usd())).contains("has no sku"));
}

#[test]
fn product_updates() {
    let id = Id::new();
    let update = ProductUpdate {
        changes: vec![
            ProductChange::Name("Beans".into()),
            ProductChange::Price(Money::from_minor(1_999)),
            ProductChange::Barcode(None),
            ProductChange::Category("Tea".into()),
            ProductChange::TaxRate(Percent::from_thousandths(0)),
            ProductChange::StockThreshold(Quantity::units(3)),
            ProductChange::Supplier(Some(Id::new())),
            ProductChange::ReorderQuantity(Quantity::units(12)),
            ProductChange::UnitCost(Some(Money::from_minor(410))),
            ProductChange::Tare(Quantity::from_thousandths(20)),
        ],
        updated_at: at("2026-11-26T10:00:00Z"),
    };
    let set = through_the_outbox(update.to_document(&usd()));
    assert_eq!(
        ProductUpdate::from_document(id, &set, &usd()).unwrap(),
        update
    );
    let mut bad = set.clone();
    bad.insert("stock", 1_000);
    assert!(refusal(ProductUpdate::from_document(id, &bad, &usd())).contains("stock"));
    let mut bad = set;
    bad.remove("updated_at");
    assert!(refusal(ProductUpdate::from_document(id, &bad, &usd())).contains("updated_at"));
}

#[test]
fn stock_movements() {
    let movement = StockMovementDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_id: Id::new(),
        product_id: Id::new(),
        movement_type: MovementType::Sale,
        quantity: Quantity::units(-2),
        handled_by: Some(Id::new()),
        reason: String::new(),
        transaction_id: Some(Id::new()),
        created_at: Some(at("2026-11-25T09:00:00Z")),
    };
    let doc = through_the_outbox(movement.to_document());
    has_the_seeds_fields(Collection::StockMovements, &doc);
    assert_eq!(StockMovementDoc::from_document(&doc).unwrap(), movement);
    let mut undated = doc.clone();
    undated.remove("created_at");
    assert_eq!(
        StockMovementDoc::from_document(&undated)
            .unwrap()
            .created_at,
        None
    );
    let mut bad = doc.clone();
    bad.insert("quantity", 0);
    assert!(refusal(StockMovementDoc::from_document(&bad)).contains("has no quantity"));
    let mut bad = doc;
    bad.insert("movement_type", "teleport");
    assert!(refusal(StockMovementDoc::from_document(&bad)).contains("\"teleport\""));
}

#[test]
fn sales() {
    let money = Money::from_minor;
    let sale = SaleDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_id: Id::new(),
        till_id: Id::new(),
        sale_number: "T1-000042".into(),
        cashier_id: Id::new(),
        customer_id: Some(Id::new()),
        items: vec![SaleItemDoc {
            product_id: Id::new(),
            product_name: "Espresso beans 1kg".into(),
            sku: "ESP-1KG".into(),
            unit: Unit::Piece,
            quantity: Quantity::units(2),
            unit_price: money(2_499),
            discount: money(100),
            tax_rate: Percent::from_thousandths(8875),
            tax_amount: money(435),
            total_price: money(5_333),
            original_line_no: None,
            damaged: false,
        }],
        payments: vec![
            SalePaymentDoc {
                payment_method_id: None,
                method_name: "Loyalty points".into(),
                kind: PaymentKind::Loyalty,
                tendered: money(333),
                amount: money(333),
            },
            SalePaymentDoc {
                payment_method_id: Some(Id::new()),
                method_name: "Cash".into(),
                kind: PaymentKind::Cash,
                tendered: money(6_000),
                amount: money(5_000),
            },
        ],
        payment_method: "Split".into(),
        currency: usd(),
        subtotal: money(4_998),
        discount_total: money(100),
        tax_total: money(435),
        total_amount: money(5_333),
        amount_tendered: money(6_333),
        change_due: money(1_000),
        loyalty_points_earned: 50,
        loyalty_points_redeemed: 333,
        transaction_status: SaleStatus::Completed,
        transaction_type: TransactionType::Sale,
        original_transaction_id: None,
        reason: None,
        approved_by: None,
        shift_id: Some(Id::new()),
        parked_sale_id: Some(Id::new()),
        created_at: at("2026-11-25T09:00:00Z"),
    };
    let doc = through_the_outbox(sale.to_document());
    has_the_seeds_fields(Collection::SalesTransactions, &doc);
    assert_eq!(SaleDoc::from_document(&doc, &usd()).unwrap(), sale);
    // A sale written before returns existed has no type: it is a sale.
    let mut old = doc.clone();
    old.remove("transaction_type");
    assert_eq!(SaleDoc::from_document(&old, &usd()).unwrap(), sale);

    // A return of one unit, damaged, approved by a manager.
    let mut item = sale.items[0].clone();
    item.quantity = Quantity::units(1);
    item.original_line_no = Some(1);
    item.damaged = true;
    let refund = SaleDoc {
        id: Id::new(),
        sale_number: "T2-R000003".into(),
        items: vec![item],
        payments: vec![sale.payments[1].clone()],
        transaction_type: TransactionType::Return,
        original_transaction_id: Some(sale.id),
        reason: Some("Torn bag".into()),
        approved_by: Some(Id::new()),
        ..sale.clone()
    };
    let doc_back = through_the_outbox(refund.to_document());
    assert_eq!(doc_back.get_str("transaction_type").unwrap(), "return");
    assert_eq!(SaleDoc::from_document(&doc_back, &usd()).unwrap(), refund);
    let mut bad = doc_back;
    bad.insert("transaction_type", "swap");
    assert!(refusal(SaleDoc::from_document(&bad, &usd())).contains("\"swap\""));
    let eur = Currency::from_code("EUR").unwrap();
    assert!(refusal(SaleDoc::from_document(&doc, &eur)).contains("is in USD"));
    let mut bad = doc.clone();
    bad.insert("items", Vec::<Document>::new());
    assert!(refusal(SaleDoc::from_document(&bad, &usd())).contains("has no items"));
    let mut bad = doc;
    bad.insert("transaction_status", "lost");
    assert!(refusal(SaleDoc::from_document(&bad, &usd())).contains("\"lost\""));
}

#[test]
fn parked_sales() {
    let parked = ParkedSaleDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_id: Id::new(),
        till_id: Id::new(),
        park_number: "T1-P000007".into(),
        parked_by: Id::new(),
        parked_by_name: "Chris Cashier".into(),
        note: "red coat, back in 5".into(),
        items: vec![
            ParkedItemDoc {
                product_id: Id::new(),
                product_name: "Espresso beans 1kg".into(),
                sku: "ESP-1KG".into(),
                quantity: Quantity::units(2),
                unit_price: Money::from_minor(2_499),
                discount: Some(Discount::Percent(Percent::from_thousandths(10_000))),
            },
            ParkedItemDoc {
                product_id: Id::new(),
                product_name: "Filter papers".into(),
                sku: "FLT-100".into(),
                quantity: Quantity::units(1),
                unit_price: Money::from_minor(399),
                discount: None,
            },
        ],
        discount: Some(Discount::Amount(Money::from_minor(150))),
        customer_id: Some(Id::new()),
        currency: usd(),
        total_amount: Money::from_minor(4_747),
        status: ParkedStatus::Resumed,
        claimed_by_till: Some(Id::new()),
        claimed_by: Some(Id::new()),
        claimed_at: Some(at("2026-11-25T09:05:00Z")),
        transaction_id: None,
        created_at: at("2026-11-25T09:00:00Z"),
        updated_at: at("2026-11-25T09:05:00Z"),
    };
    let doc = through_the_outbox(parked.to_document());
    assert_eq!(ParkedSaleDoc::from_document(&doc, &usd()).unwrap(), parked);
    // An update sets everything a till changes, and nothing of who made it where.
    let update = parked.to_update();
    for fixed in [
        "_id",
        "business_id",
        "store_id",
        "park_number",
        "created_at",
    ] {
        assert!(!update.contains_key(fixed), "{fixed}");
    }
    assert_eq!(update.get_str("status").unwrap(), "resumed");

    let mut bad = doc.clone();
    bad.insert("status", "lost");
    assert!(refusal(ParkedSaleDoc::from_document(&bad, &usd())).contains("\"lost\""));
    let mut bad = doc.clone();
    bad.insert("discount_percent", 5);
    assert!(refusal(ParkedSaleDoc::from_document(&bad, &usd())).contains("both"));
    let mut bad = doc.clone();
    bad.insert("items", Bson::Array(Vec::new()));
    assert!(refusal(ParkedSaleDoc::from_document(&bad, &usd())).contains("no items"));
    let mut bad = doc;
    bad.insert("currency", "EUR");
    assert!(refusal(ParkedSaleDoc::from_document(&bad, &usd())).contains("EUR"));
}

#[test]
fn customers() {
    let customer = CustomerDoc {
        id: Id::new(),
        business_id: Id::new(),
        name: "Alice Johnson".into(),
        phone: Some("+1 987 654 3210".into()),
        email: Some("alice@example.com".into()),
        loyalty_points: 250,
        store_credit: Money::from_minor(1_250),
        purchase_history: vec![PurchaseEntry {
            transaction_id: Id::new(),
            date: at("2026-11-25T09:00:00Z"),
            amount: Money::from_minor(19_999),
        }],
        created_at: Some(at("2026-11-20T09:00:00Z")),
    };
    let doc = through_the_outbox(customer.to_document(&usd()));
    has_the_seeds_fields(Collection::Customers, &doc);
    assert_eq!(CustomerDoc::from_document(&doc, &usd()).unwrap(), customer);
    // A loose history entry is left out; points below zero (offline redemptions) stay.
    let mut loose = doc.clone();
    let mut history = doc.get_array("purchase_history").unwrap().clone();
    history.push(Bson::Document(doc! { "amount": 3 }));
    loose.insert("purchase_history", history);
    loose.insert("loyalty_points", -50);
    loose.insert("store_credit", Decimal128::from_str("-2.50").unwrap());
    let read = CustomerDoc::from_document(&loose, &usd()).unwrap();
    assert_eq!(read.purchase_history, customer.purchase_history);
    assert_eq!(read.loyalty_points, -50);
    assert_eq!(
        read.store_credit,
        Money::from_minor(-250),
        "spent twice offline"
    );
    // A customer of a back office without store credit has none.
    loose.remove("store_credit");
    let read = CustomerDoc::from_document(&loose, &usd()).unwrap();
    assert_eq!(read.store_credit, Money::ZERO);
    let mut bad = doc;
    bad.remove("name");
    assert!(refusal(CustomerDoc::from_document(&bad, &usd())).contains("has no name"));

    let purchase = CustomerPurchase {
        entry: customer.purchase_history[0].clone(),
        loyalty_points: -80,
        store_credit: Money::from_minor(-500),
        voids: None,
    };
    let payload = through_the_outbox(purchase.to_document(&usd()));
    assert_eq!(
        CustomerPurchase::from_document(customer.id, &payload, &usd()).unwrap(),
        purchase
    );
    assert_eq!(CustomerPurchase::points_of(&payload), -80);
    assert_eq!(
        CustomerPurchase::credit_of(&payload, &usd()),
        Money::from_minor(-500)
    );
    // A purchase written before store credit existed moves none.
    let mut older = payload.clone();
    older.remove("store_credit");
    let read = CustomerPurchase::from_document(customer.id, &older, &usd()).unwrap();
    assert_eq!(read.store_credit, Money::ZERO);
    // A return's entry gives money back: its amount is below zero.
    let refund = CustomerPurchase {
        entry: PurchaseEntry {
            amount: Money::from_minor(-1_999),
            ..customer.purchase_history[0].clone()
        },
        loyalty_points: 20,
        store_credit: Money::from_minor(1_999),
        voids: None,
    };
    let payload = through_the_outbox(refund.to_document(&usd()));
    assert_eq!(
        CustomerPurchase::from_document(customer.id, &payload, &usd()).unwrap(),
        refund
    );
    // A void names the sale it undoes; its entry's id is derived from the sale's.
    let sale = Id::new();
    let void = CustomerPurchase {
        entry: PurchaseEntry {
            transaction_id: CustomerPurchase::void_entry(sale),
            ..refund.entry.clone()
        },
        voids: Some(sale),
        ..refund
    };
    let payload = through_the_outbox(void.to_document(&usd()));
    assert_eq!(
        CustomerPurchase::from_document(customer.id, &payload, &usd()).unwrap(),
        void
    );
    assert_ne!(CustomerPurchase::void_entry(sale), sale);
    assert_ne!(
        CustomerPurchase::void_entry(sale),
        CustomerPurchase::void_entry(Id::new())
    );
}

#[test]
fn purchase_orders() {
    let order = PurchaseOrderDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_id: Id::new(),
        supplier_id: Id::new(),
        order_number: "T1-PO000001".into(),
        order_status: OrderStatus::PartiallyReceived,
        expected_delivery: chrono::NaiveDate::from_ymd_opt(2026, 12, 24),
        items: vec![
            OrderItemDoc {
                product_id: Id::new(),
                quantity_ordered: Quantity::units(20),
                unit_price: Some(Money::from_minor(95_000)),
                quantity_received: Quantity::units(12),
                quantity_damaged: Quantity::units(1),
            },
            OrderItemDoc {
                product_id: Id::new(),
                quantity_ordered: Quantity::units(6),
                unit_price: None,
                quantity_received: Quantity::units(0),
                quantity_damaged: Quantity::units(0),
            },
        ],
        created_by: Some(Id::new()),
        created_at: at("2026-12-01T09:00:00Z"),
        updated_at: at("2026-12-02T09:00:00Z"),
        reorder_generation: Some(2),
    };
    let doc = through_the_outbox(order.to_document(&usd()));
    has_the_seeds_fields(Collection::PurchaseOrders, &doc);
    assert_eq!(
        PurchaseOrderDoc::from_document(&doc, &usd()).unwrap(),
        order
    );
    // The seed's own example: status "pending", no number, no received quantities.
    let seed = doc! {
        "_id": Bson::ObjectId(order.id.object_id()),
        "business_id": Bson::ObjectId(order.business_id.object_id()),
        "store_id": Bson::ObjectId(order.store_id.object_id()),
        "supplier_id": Bson::ObjectId(order.supplier_id.object_id()),
        "items": [{ "product_id": Bson::ObjectId(Id::new().object_id()), "quantity_ordered": 20, "unit_price": 950.00 }],
        "order_status": "pending",
        "expected_delivery": bson::DateTime::from_millis(1_766_534_400_000),
        "created_at": bson::DateTime::from_millis(1_764_579_600_000),
    };
    let read = PurchaseOrderDoc::from_document(&seed, &usd()).unwrap();
    assert_eq!(read.order_status, OrderStatus::Ordered);
    assert_eq!(read.items[0].unit_price, Some(Money::from_minor(95_000)));
    assert_eq!(read.items[0].quantity_received, Quantity::ZERO);
    assert_eq!(read.order_number, order.id.to_string());
    assert_eq!(read.updated_at, read.created_at);
    assert_eq!(read.reorder_generation, None, "made by hand");
    // A reorder's payload: the draft to open has no lines of its own, the line apart.
    let line = ReorderLine {
        reorder_id: Id::new(),
        draft: order.clone(),
        item: order.items[1].clone(),
    };
    let payload = through_the_outbox(line.to_document(&usd()));
    let draft = payload.get_document("order").unwrap();
    assert_eq!(draft.get_array("items").unwrap().len(), 0);
    assert_eq!(draft.get_i64("reorder_generation"), Ok(2));
    assert_eq!(
        payload
            .get_document("item")
            .unwrap()
            .get_i64("quantity_ordered"),
        Ok(6)
    );
    assert_eq!(
        PurchaseOrderDoc::reorder_draft_id(order.store_id, order.supplier_id, 2),
        PurchaseOrderDoc::reorder_draft_id(order.store_id, order.supplier_id, 2),
        "every till derives the same draft"
    );
    assert_ne!(
        PurchaseOrderDoc::reorder_draft_id(order.store_id, order.supplier_id, 2),
        PurchaseOrderDoc::reorder_draft_id(order.store_id, order.supplier_id, 3)
    );
    let mut bad = doc.clone();
    bad.insert("order_status", "lost");
    assert!(refusal(PurchaseOrderDoc::from_document(&bad, &usd())).contains("lost"));
    let mut bad = doc;
    bad.insert(
        "items",
        vec![doc! { "product_id": Bson::ObjectId(Id::new().object_id()), "quantity_ordered": 0 }],
    );
    assert!(refusal(PurchaseOrderDoc::from_document(&bad, &usd())).contains("quantity ordered"));
}

#[test]
fn suppliers() {
    let supplier = SupplierDoc {
        id: Id::new(),
        business_id: Id::new(),
        supplier_name: "Apple Inc.".into(),
        contact_person: "Supplier Manager".into(),
        email: Some("supplier@example.com".into()),
        phone: Some("+1 123 456 7890".into()),
        address: "1 Infinite Loop, Cupertino, CA".into(),
        created_at: Some(at("2026-11-20T09:00:00Z")),
    };
    let doc = through_the_outbox(supplier.to_document());
    has_the_seeds_fields(Collection::Suppliers, &doc);
    assert_eq!(SupplierDoc::from_document(&doc).unwrap(), supplier);
    // Only a name: still a supplier.
    let bare = doc! {
        "_id": Bson::ObjectId(supplier.id.object_id()),
        "business_id": Bson::ObjectId(supplier.business_id.object_id()),
        "supplier_name": "Corner Wholesale",
    };
    let read = SupplierDoc::from_document(&bare).unwrap();
    assert_eq!((read.email, read.address.as_str()), (None, ""));
    let mut bad = doc;
    bad.remove("supplier_name");
    assert!(refusal(SupplierDoc::from_document(&bad)).contains("has no supplier_name"));
}

#[test]
fn payment_methods() {
    let method = PaymentMethodDoc {
        id: Id::new(),
        business_id: Id::new(),
        method_name: "Credit Card".into(),
        provider: "Stripe".into(),
        kind: PaymentKind::Card,
        created_at: Some(at("2026-11-25T09:00:00Z")),
    };
    let doc = through_the_outbox(method.to_document());
    has_the_seeds_fields(Collection::PaymentMethods, &doc);
    assert_eq!(PaymentMethodDoc::from_document(&doc).unwrap(), method);
    // A back office that gives no kind.
    let mut plain = doc.clone();
    plain.remove("kind");
    plain.insert("method_name", "Cash drawer");
    assert_eq!(
        PaymentMethodDoc::from_document(&plain).unwrap().kind,
        PaymentKind::Cash
    );
    let mut bad = doc;
    bad.insert("kind", "loyalty");
    assert!(refusal(PaymentMethodDoc::from_document(&bad)).contains("not a payment kind"));
}

#[test]
fn notifications() {
    let notification = NotificationDoc {
        id: Id::new(),
        business_id: Id::new(),
        store_id: Id::new(),
        user_id: None,
        kind: NotificationKind::LowStock,
        product_id: Some(Id::new()),
        message: "Low stock alert for Espresso beans 1kg".into(),
        status: NotificationStatus::Unread,
        created_at: at("2026-11-25T09:00:00Z"),
    };
    let doc = through_the_outbox(notification.to_document());
    has_the_seeds_fields(Collection::Notifications, &doc);
    assert_eq!(NotificationDoc::from_document(&doc).unwrap(), notification);
    let update = NotificationUpdate {
        status: NotificationStatus::Read,
        updated_at: at("2026-11-25T10:00:00Z"),
    };
    let set = through_the_outbox(update.to_document());
    assert_eq!(
        NotificationUpdate::from_document(notification.id, &set).unwrap(),
        update
    );
    let mut bad = set;
    bad.insert("message", "changed");
    assert!(refusal(NotificationUpdate::from_document(notification.id, &bad)).contains("message"));
}

#[test]
fn stock_transfers() {
    let transfer = StockTransferDoc {
        id: Id::new(),
        business_id: Id::new(),
        from_store_id: Id::new(),
        to_store_id: Id::new(),
        transfer_number: "T1-TR000001".into(),
        status: TransferStatus::Received,
        items: vec![TransferItemDoc {
            product_id: Id::new(),
            quantity_sent: Quantity::units(6),
            quantity_received: Quantity::units(5),
        }],
        note: "for the weekend".into(),
        sent_by: Some(Id::new()),
        received_by: Some(Id::new()),
        received_at: Some(at("2026-12-02T10:00:00Z")),
        created_at: at("2026-12-01T09:00:00Z"),
        updated_at: at("2026-12-02T10:00:00Z"),
    };
    let doc = through_the_outbox(transfer.to_document());
    assert_eq!(StockTransferDoc::from_document(&doc).unwrap(), transfer);
    let mut bad = doc.clone();
    bad.insert("status", "lost");
    assert!(refusal(StockTransferDoc::from_document(&bad)).contains("lost"));
    let mut bad = doc;
    bad.remove("to_store_id");
    assert!(refusal(StockTransferDoc::from_document(&bad)).contains("to_store_id"));
}
