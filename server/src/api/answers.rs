//! What each collection's documents are in the API's answers, field by field: the shape
//! `json.rs` gives a stored document (ids as hex, times as RFC 3339, money and quantities
//! as decimal text). [`add`] puts them in the OpenAPI document and names them in every
//! route's answer in place of an untyped object; `tests/api.rs` reads live answers against
//! them, so a field shown but not declared here, or declared always there but missing,
//! fails there.

use utoipa::openapi::schema::{
    ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{KnownFormat, OpenApi, Ref, RefOr};

/// What a field holds.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    /// A document's id (24 hexadecimal digits).
    Id,
    /// An RFC 3339 time.
    Time,
    /// A decimal as text: money, a rate or a quantity (`"3.49"`, `"0.742"`).
    Decimal,
    Integer,
    Flag,
    /// A list of texts.
    Texts,
    /// A list of the named schema's objects.
    List(&'static str),
    /// An object of the named schema.
    Of(&'static str),
}

/// Whether a field is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// Always, with a value.
    Always,
    /// Always, `null` when there is none.
    OrNull,
    /// When the document has it.
    Sometimes,
}

use Kind::*;
use Shown::*;

type Fields = &'static [(&'static str, Kind, Shown)];

/// Every schema of an answer, by name, with its fields.
const SCHEMAS: &[(&str, &str, Fields)] = &[
    (
        "Store",
        "A store of the business",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("store_name", Text, Always),
            ("location", Text, OrNull),
            ("phone", Text, OrNull),
            ("operating_hours", Of("OpeningHours"), OrNull),
            ("created_at", Time, OrNull),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "OpeningHours",
        "When a store opens and closes",
        &[("open", Text, Always), ("close", Text, Always)],
    ),
    (
        "PaymentMethod",
        "A way the business takes payment",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("method_name", Text, Always),
            ("provider", Text, Always),
            ("kind", Text, Always),
            ("created_at", Time, OrNull),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "Notification",
        "Something a manager should see: low stock, an oversell, a refusal",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("store_id", Id, OrNull),
            ("user_id", Id, OrNull),
            ("kind", Text, Always),
            ("product_id", Id, OrNull),
            ("message", Text, Always),
            ("status", Text, Always),
            ("created_at", Time, Always),
            ("updated_at", Time, Sometimes),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "Product",
        "A product: the business's, or one store's own (`store_id`), with its stock per store",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("store_id", Id, OrNull),
            ("product_name", Text, Always),
            ("sku", Text, Always),
            ("barcode", Text, OrNull),
            ("category", Text, Always),
            ("price", Decimal, Always),
            ("tax_rate", Decimal, OrNull),
            ("unit", Text, Always),
            ("stock", Decimal, Always),
            ("opening_stock", Decimal, OrNull),
            ("stock_threshold", Decimal, Always),
            ("supplier_id", Id, OrNull),
            ("reorder_quantity", Decimal, Always),
            ("unit_cost", Decimal, OrNull),
            ("created_at", Time, OrNull),
            ("updated_at", Time, Sometimes),
            ("tare", Decimal, Sometimes),
            ("family_id", Id, Sometimes),
            ("family_name", Text, Sometimes),
            ("options", List("VariantOption"), Sometimes),
            ("stock_levels", List("ProductStock"), Sometimes),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "VariantOption",
        "A variant's value of one of its family's options",
        &[("name", Text, Always), ("value", Text, Always)],
    ),
    (
        "ProductStock",
        "A product's stock at one store",
        &[
            ("store_id", Id, Always),
            ("opening_stock", Decimal, Always),
            ("stock", Decimal, Always),
        ],
    ),
    (
        "Family",
        "A family just added: its id and its variants, each a product",
        &[
            ("family_id", Id, Always),
            ("variants", List("Product"), Always),
        ],
    ),
    (
        "StockMovement",
        "A change of a product's stock at a store: a line of its ledger",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("store_id", Id, Always),
            ("product_id", Id, Always),
            ("movement_type", Text, Always),
            ("quantity", Decimal, Always),
            ("handled_by", Id, OrNull),
            ("reason", Text, Always),
            ("transaction_id", Id, OrNull),
            ("created_at", Time, Always),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "Sale",
        "A sale or a return, with its lines and payments",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("store_id", Id, Always),
            ("till_id", Id, Always),
            ("sale_number", Text, Always),
            ("cashier_id", Id, Always),
            ("customer_id", Id, OrNull),
            ("items", List("SaleItem"), Always),
            ("payments", List("SalePayment"), Always),
            ("payment_method", Text, Always),
            ("currency", Text, Always),
            ("subtotal", Decimal, Always),
            ("discount_total", Decimal, Always),
            ("tax_total", Decimal, Always),
            ("total_amount", Decimal, Always),
            ("amount_tendered", Decimal, Always),
            ("change_due", Decimal, Always),
            ("loyalty_points_earned", Integer, Always),
            ("loyalty_points_redeemed", Integer, Always),
            ("transaction_status", Text, Always),
            ("transaction_type", Text, Always),
            ("created_at", Time, Always),
            ("original_transaction_id", Id, Sometimes),
            ("reason", Text, Sometimes),
            ("approved_by", Id, Sometimes),
            ("shift_id", Id, Sometimes),
            ("parked_sale_id", Id, Sometimes),
            ("voided_by", Id, Sometimes),
            ("void_reason", Text, Sometimes),
            ("updated_at", Time, Sometimes),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "SaleItem",
        "A line of a sale",
        &[
            ("product_id", Id, Always),
            ("product_name", Text, Always),
            ("sku", Text, Always),
            ("quantity", Decimal, Always),
            ("unit_price", Decimal, Always),
            ("discount", Decimal, Always),
            ("tax_rate", Decimal, Always),
            ("tax_amount", Decimal, Always),
            ("total_price", Decimal, Always),
            ("unit", Text, Sometimes),
            ("original_line_no", Integer, Sometimes),
            ("damaged", Flag, Sometimes),
        ],
    ),
    (
        "SalePayment",
        "A tender of a sale",
        &[
            ("payment_method_id", Id, OrNull),
            ("method_name", Text, Always),
            ("kind", Text, Always),
            ("tendered", Decimal, Always),
            ("amount", Decimal, Always),
        ],
    ),
    (
        "Customer",
        "A customer, with their loyalty points and store credit",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("name", Text, Always),
            ("phone", Text, OrNull),
            ("email", Text, OrNull),
            ("loyalty_points", Integer, Always),
            ("store_credit", Decimal, Always),
            // One customer's answer: their history; a list's: how many purchases.
            ("purchase_history", List("Purchase"), Sometimes),
            ("purchases", Integer, Sometimes),
            ("created_at", Time, OrNull),
            ("updated_at", Time, Sometimes),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "Purchase",
        "A sale of a customer's history",
        &[
            ("transaction_id", Id, Always),
            ("date", Time, Always),
            ("amount", Decimal, Always),
        ],
    ),
    (
        "Supplier",
        "A supplier of the business",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("supplier_name", Text, Always),
            ("contact_person", Text, Always),
            ("email", Text, OrNull),
            ("phone", Text, OrNull),
            ("address", Text, Always),
            ("created_at", Time, OrNull),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "PurchaseOrder",
        "An order to a supplier for a store, with its lines as received",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("store_id", Id, Always),
            ("supplier_id", Id, Always),
            ("order_number", Text, Always),
            ("created_by", Id, OrNull),
            ("created_at", Time, Always),
            ("reorder_generation", Integer, OrNull),
            ("items", List("OrderItem"), Always),
            ("order_status", Text, Always),
            ("expected_delivery", Text, OrNull),
            ("updated_at", Time, Always),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "OrderItem",
        "A line of a purchase order",
        &[
            ("product_id", Id, Always),
            ("quantity_ordered", Decimal, Always),
            ("unit_price", Decimal, OrNull),
            ("quantity_received", Decimal, Always),
            ("quantity_damaged", Decimal, Always),
        ],
    ),
    (
        "Transfer",
        "Stock sent from one store of the business to another",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("from_store_id", Id, Always),
            ("to_store_id", Id, Always),
            ("transfer_number", Text, Always),
            ("status", Text, Always),
            ("items", List("TransferItem"), Always),
            ("note", Text, Always),
            ("sent_by", Id, OrNull),
            ("received_by", Id, OrNull),
            ("received_at", Time, OrNull),
            ("created_at", Time, Always),
            ("updated_at", Time, Always),
            ("synced_at", Time, Sometimes),
        ],
    ),
    (
        "TransferItem",
        "A product of a transfer: what was sent, and what came (0 until received)",
        &[
            ("product_id", Id, Always),
            ("quantity_sent", Decimal, Always),
            ("quantity_received", Decimal, Always),
        ],
    ),
    (
        "ApiKey",
        "An API key of the business: its public label, never the key",
        &[
            ("id", Id, Always),
            ("business_id", Id, Always),
            ("api_key", Text, Always),
            ("scopes", Texts, Always),
            ("status", Text, Always),
            ("created_by", Id, OrNull),
            ("created_by_key", Id, Sometimes),
            ("made_by_device", Id, Sometimes),
            ("created_at", Time, Always),
            ("last_used", Time, Sometimes),
            ("synced_at", Time, Sometimes),
        ],
    ),
];

/// Which schema each route's answer is, by path: a page of them for a list.
const ROUTES: &[(&str, &str)] = &[
    ("/v1/stores", "Store"),
    ("/v1/stores/{id}", "Store"),
    ("/v1/payment-methods", "PaymentMethod"),
    ("/v1/notifications", "Notification"),
    ("/v1/products", "Product"),
    ("/v1/products/{id}", "Product"),
    ("/v1/stock-movements", "StockMovement"),
    ("/v1/sales", "Sale"),
    ("/v1/sales/{id}", "Sale"),
    ("/v1/customers", "Customer"),
    ("/v1/customers/{id}", "Customer"),
    ("/v1/suppliers", "Supplier"),
    ("/v1/suppliers/{id}", "Supplier"),
    ("/v1/purchase-orders", "PurchaseOrder"),
    ("/v1/purchase-orders/{id}", "PurchaseOrder"),
    ("/v1/api-keys", "ApiKey"),
    ("/v1/api-keys/{id}", "ApiKey"),
    ("/v1/product-families", "Family"),
    ("/v1/transfers", "Transfer"),
];

fn field(kind: Kind) -> RefOr<Schema> {
    let text = |format: Option<SchemaFormat>| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(format)
            .build()
    };
    let schema: Schema = match kind {
        Text => text(None).into(),
        Id => ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9a-f]{24}$"))
            .build()
            .into(),
        Time => text(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))).into(),
        Decimal => ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^-?[0-9]+(\\.[0-9]+)?$"))
            .build()
            .into(),
        Integer => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .build()
            .into(),
        Flag => ObjectBuilder::new()
            .schema_type(Type::Boolean)
            .build()
            .into(),
        Texts => ArrayBuilder::new().items(text(None)).build().into(),
        List(name) => ArrayBuilder::new()
            .items(Ref::from_schema_name(name))
            .build()
            .into(),
        Of(name) => return RefOr::Ref(Ref::from_schema_name(name)),
    };
    RefOr::T(schema)
}

fn schema(description: &str, fields: Fields) -> Schema {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description));
    for (name, kind, shown) in fields {
        let mut schema = field(*kind);
        if *shown == OrNull {
            schema = RefOr::T(
                OneOfBuilder::new()
                    .item(schema)
                    .item(ObjectBuilder::new().schema_type(Type::Null))
                    .build()
                    .into(),
            );
        }
        object = object.property(*name, schema);
        if *shown != Sometimes {
            object = object.required(*name);
        }
    }
    object.build().into()
}

/// Puts every answer's schema in `openapi`, and names it in its routes' answers: a page
/// of them (`data`, `next_cursor`) for a list, one for a document.
pub fn add(openapi: &mut OpenApi) {
    let components = openapi.components.get_or_insert_with(Default::default);
    for (name, description, fields) in SCHEMAS {
        components
            .schemas
            .insert((*name).to_owned(), schema(description, fields).into());
        let page = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(format!("A page of {name} answers, in `_id` order")))
            .property(
                "data",
                ArrayBuilder::new().items(Ref::from_schema_name(*name)),
            )
            .required("data")
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some(
                        "Where the next page starts: give it as `cursor`; `null` on the last page",
                    )),
            )
            .required("next_cursor")
            .build();
        components
            .schemas
            .insert(format!("{name}Page"), Schema::from(page).into());
    }
    for (path, item) in openapi.paths.paths.iter_mut() {
        let Some((_, name)) = ROUTES.iter().find(|(route, _)| route == path) else {
            continue;
        };
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.put,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if !status.starts_with('2') {
                    continue;
                }
                let Some(content) = response.content.get_mut("application/json") else {
                    continue;
                };
                // A page of documents, or a document as an untyped object; an answer of a
                // type of its own (a key just made) stays as it is.
                let named = match &content.schema {
                    Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Page") => {
                        format!("{name}Page")
                    }
                    Some(RefOr::T(Schema::Object(object))) if object.properties.is_empty() => {
                        (*name).to_owned()
                    }
                    _ => continue,
                };
                content.schema = Some(RefOr::Ref(Ref::from_schema_name(named)));
            }
        }
    }
    // Every list now names its own page: the untyped one is no answer's.
    if let Some(components) = &mut openapi.components {
        components.schemas.remove("Page");
    }
}
