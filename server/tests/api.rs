//! The business REST API as a business's program meets it: the real gateway over HTTP
//! against the MongoDB-wire test server. Tenant isolation is tried on every route of the
//! OpenAPI document the gateway serves, by another business's key, its owner signed in to
//! the back office and its store manager.

mod common;

use std::collections::BTreeSet;

use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use std::time::Duration;

use common::{create_business, database, db, id_in, within, Gateway, CALLER_FOR};
use futures_util::TryStreamExt as _;
use serde_json::{json, Value};

/// A business made for these tests: its key, store and the ids of what it holds.
struct Tenant {
    key: String,
    business: ObjectId,
    store: String,
    product: String,
    customer: String,
    supplier: String,
    sale: String,
    order: String,
    key_id: String,
    till: String,
    /// The owner's id.
    user: String,
}

fn created(status: u16, body: &Value) -> String {
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// A business with a product (SKU MILK, 10 at its store), a customer, a supplier, a sale
/// and a purchase order.
async fn tenant(name: &str, business_name: &str, gateway: &Gateway) -> Tenant {
    let (output, key) = create_business(name, business_name, "Premium");
    let business = ObjectId::parse_str(id_in(&output, "business")).unwrap();
    let store = id_in(&output, "store");
    let (status, body) = gateway.post(
        "/v1/products",
        Some(&key),
        &json!({ "sku": "MILK", "product_name": format!("{business_name} Milk"), "price": "3.49",
                 "opening_stock": [{ "store_id": store, "quantity": 10 }] })
        .to_string(),
    );
    let product = created(status, &body);
    let (status, body) = gateway.post(
        "/v1/customers",
        Some(&key),
        &json!({ "name": "Alice Johnson", "email": "alice@example.com" }).to_string(),
    );
    let customer = created(status, &body);
    let (status, body) = gateway.post(
        "/v1/suppliers",
        Some(&key),
        &json!({ "supplier_name": "Dairy Co" }).to_string(),
    );
    let supplier = created(status, &body);
    // A sale and an order as tills write them (tills are tried in sync.rs).
    let db = db(name).await;
    let (sale, order) = (ObjectId::new(), ObjectId::new());
    let store_id = ObjectId::parse_str(&store).unwrap();
    let now = bson::DateTime::now();
    db.collection::<Document>("sales_transactions")
        .insert_one(
            doc! { "_id": sale, "business_id": business, "store_id": store_id,
            "transaction_type": "sale", "total_amount": "3.49", "created_at": now },
        )
        .await
        .unwrap();
    db.collection::<Document>("purchase_orders")
        .insert_one(
            doc! { "_id": order, "business_id": business, "store_id": store_id,
            "order_status": "draft", "items": [], "created_at": now },
        )
        .await
        .unwrap();
    // An enrolled till, as an enrolment stores it.
    let till = ObjectId::new();
    db.collection::<Document>("devices")
        .insert_one(
            doc! { "_id": till, "business_id": business, "store_id": store_id,
            "till_id": ObjectId::new(), "token_hash": format!("{till}"), "label": "ssd_abcdef…",
            "till_code": "T9", "status": "active", "created_at": now },
        )
        .await
        .unwrap();
    let key_id = db
        .collection::<Document>("api_keys")
        .find_one(doc! { "business_id": business })
        .await
        .unwrap()
        .unwrap()
        .get_object_id("_id")
        .unwrap()
        .to_hex();
    Tenant {
        key,
        business,
        store,
        product,
        customer,
        supplier,
        sale: sale.to_hex(),
        order: order.to_hex(),
        key_id,
        till: till.to_hex(),
        user: db
            .collection::<Document>("users")
            .find_one(doc! { "business_id": business })
            .await
            .unwrap()
            .unwrap()
            .get_object_id("_id")
            .unwrap()
            .to_hex(),
    }
}

/// Every document of the business, for "nothing changed".
async fn holdings(name: &str, business: ObjectId) -> Vec<Document> {
    let db = db(name).await;
    let mut all = Vec::new();
    for collection in [
        "stores",
        "products",
        "stock_movements",
        "customers",
        "suppliers",
        "sales_transactions",
        "purchase_orders",
        "api_keys",
        "devices",
        "users",
    ] {
        let mut found: Vec<Document> = db
            .collection::<Document>(collection)
            .find(doc! { "business_id": business })
            .sort(doc! { "_id": 1 })
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        // When a key was last used moves with every request; nothing else may.
        for document in &mut found {
            document.remove("last_used");
        }
        all.extend(found);
    }
    all
}

/// Who calls: a program with its key, or a person signed in to the back office.
enum As {
    Key(String),
    Session { cookie: String, csrf: String },
}

impl As {
    /// `email` signed in with the password `set_password` gave them.
    fn signed_in(gateway: &Gateway, email: &str) -> As {
        let body = json!({ "email": email, "password": PASSWORD }).to_string();
        let (status, headers, session) = gateway.call("POST", "/v1/session", None, &body, &[]);
        assert_eq!(status, 201, "{session}");
        let cookie = headers
            .iter()
            .find(|(name, _)| name == "set-cookie")
            .and_then(|(_, value)| value.split(';').next())
            .unwrap()
            .to_owned();
        As::Session {
            cookie,
            csrf: session["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    fn call(&self, gateway: &Gateway, method: &str, path: &str, body: &str) -> (u16, Value) {
        match self {
            As::Key(key) => gateway.request(method, path, Some(key), body),
            As::Session { cookie, csrf } => gateway.request_with(
                method,
                path,
                None,
                body,
                &[("Cookie", cookie), ("X-CSRF-Token", csrf)],
            ),
        }
    }
}

const PASSWORD: &str = "correct horse battery";

/// Gives the person `email` of `business` the back-office password [`PASSWORD`].
async fn set_password(name: &str, business: ObjectId, email: &str) {
    let hash = sellsync_contract::credentials::hash_secret(PASSWORD).unwrap();
    let set = db(name)
        .await
        .collection::<Document>("users")
        .update_one(
            doc! { "business_id": business, "email": email },
            doc! { "$set": { "password_hash": hash } },
        )
        .await
        .unwrap();
    assert_eq!(set.matched_count, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_business_key_or_person_finds_nothing_of_a_business_on_any_route() {
    let name = database("isolation");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let b = tenant(&name, "Other Shop", &gateway).await;
    let before = holdings(&name, a.business).await;

    let (status, openapi) = gateway.get("/v1/openapi.json", None);
    assert_eq!(status, 200);
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    let paths = openapi["paths"].as_object().unwrap();
    let mut tried = BTreeSet::new();
    // B's program with its key, and B's owner signed in to the back office.
    // and a manager of B's store, whom every business-wide route refuses.
    set_password(&name, b.business, "owner@example.com").await;
    let owner = As::signed_in(&gateway, "owner@example.com");
    db(&name)
        .await
        .collection::<Document>("users")
        .insert_one(doc! {
            "_id": ObjectId::new(), "business_id": b.business,
            "store_id": ObjectId::parse_str(&b.store).unwrap(), "name": "Manager",
            "email": "manager@example.com", "role": "manager", "permissions": [],
        })
        .await
        .unwrap();
    set_password(&name, b.business, "manager@example.com").await;
    let manager = As::signed_in(&gateway, "manager@example.com");
    for (pass, who) in [As::Key(b.key.clone()), owner, manager]
        .into_iter()
        .enumerate()
    {
        let managing = pass == 2;
        for (path, item) in paths {
            for method in item.as_object().unwrap().keys() {
                let session = matches!(who, As::Session { .. });
                if session && method == "delete" && path.starts_with("/v1/session") {
                    continue; // signing out is tried in back_office.rs
                }
                tried.insert(format!("{method} {path}"));
                // A's id wherever the route takes one: in the path...
                let a_id = match path.split('/').nth(2).unwrap() {
                    "stores" => &a.store,
                    "products" => &a.product,
                    "customers" => &a.customer,
                    "suppliers" => &a.supplier,
                    "sales" => &a.sale,
                    "purchase-orders" => &a.order,
                    "api-keys" => &a.key_id,
                    "tills" => &a.till,
                    "users" => &a.user,
                    _ => &a.store,
                };
                let concrete = path.replace("{id}", a_id);
                let takes_id = concrete != *path;
                // ...in the query (each of those the route takes), and in the body.
                let declared: Vec<&str> = item[method]["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str())
                    .collect();
                let query: String = [("store_id", &a.store), ("product_id", &a.product)]
                    .into_iter()
                    .filter(|(name, _)| declared.contains(name))
                    .map(|(name, id)| format!("{name}={id}"))
                    .collect::<Vec<_>>()
                    .join("&");
                let query = format!("?{query}");
                let body = match path.as_str() {
                    "/v1/products" => json!({ "sku": "MILK2", "product_name": "Stolen",
                    "price": "1.00", "store_id": a.store }),
                    "/v1/stock-movements" => json!({ "store_id": a.store, "product_id": a.product,
                    "movement_type": "adjustment", "quantity": -5, "reason": "theft" }),
                    "/v1/customers" => json!({ "name": "Mallory", "email": "m@example.com" }),
                    "/v1/suppliers" => json!({ "supplier_name": format!("X{pass}") }),
                    "/v1/api-keys" => json!({ "scopes": ["read"] }),
                    "/v1/stores" => json!({ "store_name": "Uptown" }),
                    "/v1/enrolment-codes" => json!({ "store_id": a.store }),
                    "/v1/users" => {
                        json!({ "name": "Mallory", "email": format!("m{pass}@example.com"),
                    "role": "manager", "store_id": a.store, "pin": "1234" })
                    }
                    "/v1/users/{id}" => json!({ "name": "Stolen" }),
                    "/v1/business/barcode-rules" => json!({ "country": "Sweden" }),
                    "/v1/product-families" => json!({ "family_name": "Stolen tee", "sku": "ST",
                    "price": "1.00", "options": [{ "name": "Size", "values": ["M"] }],
                    "store_id": a.store }),
                    _ => json!({ "price": "0.01" }),
                }
                .to_string();
                let (status, answer) = match method.as_str() {
                    "get" if takes_id => who.call(&gateway, "GET", &concrete, ""),
                    "get" => who.call(&gateway, "GET", &format!("{concrete}{query}"), ""),
                    "post" | "patch" | "delete" | "put" => {
                        who.call(&gateway, &method.to_uppercase(), &concrete, &body)
                    }
                    other => panic!("{other} {path}: a method this test does not try"),
                };
                let text = answer.to_string();
                for id in [
                    &a.store,
                    &a.product,
                    &a.customer,
                    &a.supplier,
                    &a.sale,
                    &a.order,
                    &a.key_id,
                ] {
                    assert!(
                        !text.contains(id.as_str()),
                        "{method} {path} showed A's {id}: {text}"
                    );
                }
                let expected = match (method.as_str(), path.as_str()) {
                    // A store manager reaches their store's routes alone.
                    (_, "/v1/dashboard") => 404,
                    // Tills and staff are a person's errand: a key is refused.
                    (_, path)
                        if !session
                            && [
                                "/v1/tills",
                                "/v1/enrolment-codes",
                                "/v1/users",
                                "/v1/permissions",
                            ]
                            .iter()
                            .any(|own| path.starts_with(own)) =>
                    {
                        403
                    }
                    ("get", "/v1/tills" | "/v1/permissions") => 200,
                    // A store's stock, movements, transfers and notifications: a manager's
                    // own store's.
                    (
                        "get",
                        "/v1/stores/{id}/stock"
                        | "/v1/stock-movements"
                        | "/v1/transfers"
                        | "/v1/notifications",
                    ) => 404,
                    ("post", "/v1/enrolment-codes") => 404,
                    (_, path) if managing && !path.starts_with("/v1/session") => 403,
                    // Routes that name nothing of A: B's own.
                    (
                        "get",
                        "/v1/business"
                        | "/v1/stores"
                        | "/v1/customers"
                        | "/v1/suppliers"
                        | "/v1/payment-methods"
                        | "/v1/api-keys"
                        | "/v1/users",
                    ) => 200,
                    ("post", "/v1/customers" | "/v1/suppliers" | "/v1/api-keys" | "/v1/stores") => {
                        201
                    }
                    ("put", "/v1/business/barcode-rules") => 200,
                    // A body of no rows.
                    ("post", "/v1/products/import") => 400,
                    // A body of nothing the settings take.
                    ("patch", "/v1/business/settings") => 400,
                    // The back office's own: B's session, which a key has not; a body of
                    // nothing these routes take.
                    ("get", "/v1/session") if session => 200,
                    ("post", "/v1/session/second-factor") if session => 201,
                    (
                        _,
                        "/v1/session"
                        | "/v1/sessions"
                        | "/v1/session/password"
                        | "/v1/session/second-factor",
                    ) => 400,
                    // A's id in the path, the query or the body: as if it did not exist.
                    _ => 404,
                };
                assert_eq!(status, expected, "{method} {path}: {answer}");
                // The document says every answer a route gives, a refusal as a Problem.
                let documented = &item[method]["responses"][status.to_string()];
                assert!(
                    documented.is_object(),
                    "{method} {path} answered {status}, undocumented"
                );
                if status >= 400 {
                    assert_eq!(
                        documented["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem",
                        "{method} {path} {status}"
                    );
                }
                match expected {
                    404 => assert_eq!(answer["code"], "not_found", "{method} {path}"),
                    403 => assert_eq!(
                        answer["code"],
                        match (session, path.as_str()) {
                            (false, _) => "a_persons_errand",
                            // A manager manages staff once given manage_users: B's is not.
                            (true, "/v1/users" | "/v1/users/{id}") => "staff_is_the_admins",
                            (true, _) => "store_manager",
                        },
                        "{method} {path}"
                    ),
                    _ => {}
                }
            }
        }
    }
    assert!(tried.len() >= 20, "{tried:?}");
    assert_eq!(
        holdings(&name, a.business).await,
        before,
        "A's data is unchanged"
    );

    // B's lists never hold a document of A, though both sell MILK.
    let (_, products) = gateway.get("/v1/products?sku=MILK", Some(&b.key));
    let names: Vec<&str> = products["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["product_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Other Shop Milk"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_pages_replays_limits_and_refuses_in_words() {
    let name = database("behaviour");
    let gateway = Gateway::start_with(&name, &["--rate-limit", "5"]);
    let a = tenant(&name, "Corner Market", &gateway).await;

    // A movement through the API moves the store's level, once.
    let movement = json!({ "store_id": a.store, "product_id": a.product,
        "movement_type": "restock", "quantity": 24, "reason": "delivery" })
    .to_string();
    let post_once = |key: &str, body: &str| {
        gateway.request_with(
            "POST",
            "/v1/stock-movements",
            Some(&a.key),
            body,
            &[("Idempotency-Key", key)],
        )
    };
    let (status, first) = post_once("delivery-0001", &movement);
    assert_eq!(status, 201, "{first}");
    let (status, again) = post_once("delivery-0001", &movement);
    assert_eq!(
        (status, &again),
        (201, &first),
        "a replay answers the first answer"
    );
    let (_, stock) = gateway.get(&format!("/v1/stores/{}/stock", a.store), Some(&a.key));
    assert_eq!(stock["data"][0]["stock"], "34", "{stock}");
    let other = movement.replace("24", "25");
    let (status, refused) = post_once("delivery-0001", &other);
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    let (_, stock) = gateway.get(&format!("/v1/stores/{}/stock", a.store), Some(&a.key));
    assert_eq!(stock["data"][0]["stock"], "34", "nothing done twice");

    // Bad input, each in words with its code.
    for (body, code) in [
        ("{not json", "malformed_body"),
        (
            r#"{"store_id": "x", "product_id": "y", "movement_type": "restock", "quantity": 1, "reason": "r", "extra": 1}"#,
            "malformed_body",
        ),
        // (The quantity's field replaced whole: an id may hold "24" too.)
        (
            &movement.replace(r#""quantity":24"#, r#""quantity":-3"#) as &str,
            "invalid_field",
        ),
        (
            &movement.replace("restock", "sale") as &str,
            "invalid_field",
        ),
    ] {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let (status, answer) = gateway.post("/v1/stock-movements", Some(&a.key), body);
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some(code)),
            "{body}: {answer}"
        );
        assert!(!answer["detail"].as_str().unwrap().is_empty());
    }
    // A body over the limit is refused from its length, before it is read.
    let answer = gateway.raw(&format!(
        "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        a.key,
        9 << 20
    ));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("application/problem+json") && answer.contains("body_too_large"),
        "{answer}"
    );
    let (status, answer) = gateway.get("/v1/products?cursor=page-2", Some(&a.key));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_field"))
    );
    let (status, answer) = gateway.get("/v1/no-such-route", Some(&a.key));
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("unknown_route"))
    );

    // Pages: every customer once, in order, with a cursor to the next page.
    std::thread::sleep(std::time::Duration::from_secs(2));
    for n in 0..4 {
        let (status, _) = gateway.post(
            "/v1/customers",
            Some(&a.key),
            &json!({ "name": format!("Customer {n}"), "phone": format!("+1 212 555 01{n}0") })
                .to_string(),
        );
        assert_eq!(status, 201);
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = gateway.get(&format!("/v1/customers?limit=2{cursor}"), Some(&a.key));
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 5, "none twice");

    // A read-only key: made once, reads, may not write; revoked, refused at once.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (status, made) = gateway.post("/v1/api-keys", Some(&a.key), r#"{"scopes": ["read"]}"#);
    assert_eq!(status, 201, "{made}");
    let reader = made["api_key"].as_str().unwrap().to_owned();
    assert_eq!(gateway.get("/v1/products", Some(&reader)).0, 200);
    let (status, answer) = gateway.post(
        "/v1/customers",
        Some(&reader),
        r#"{"name": "X", "phone": "1"}"#,
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("scope_missing"))
    );
    let (_, keys) = gateway.get("/v1/api-keys", Some(&a.key));
    assert!(
        !keys.to_string().contains("hash"),
        "no hash is ever served: {keys}"
    );
    assert!(!keys.to_string().contains(&reader[4..20]), "nor the key");
    let second = Gateway::start(&name);
    assert_eq!(second.get("/v1/products", Some(&reader)).0, 200);
    let (status, _) = gateway.request(
        "DELETE",
        &format!("/v1/api-keys/{}", made["id"].as_str().unwrap()),
        Some(&a.key),
        "",
    );
    assert_eq!(status, 200);
    // Revoked at one gateway: refused there at once, and by the other (which used the
    // key a moment ago) within the time a gateway keeps a key.
    let (status, answer) = gateway.get("/v1/products", Some(&reader));
    assert_eq!(
        (status, answer["code"].as_str()),
        (401, Some("api_key_revoked"))
    );
    within(
        CALLER_FOR + Duration::from_secs(1),
        "revoked on the second gateway",
        || {
            let (status, answer) = second.get("/v1/products", Some(&reader));
            (status == 401).then(|| assert_eq!(answer["code"], "api_key_revoked"))
        },
    );

    // Keys manage keys only with the `keys` scope, never beyond their own scopes; a key
    // made through the API is its maker's person's; a replay never shows the key again.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let (status, writer) = gateway.post(
        "/v1/api-keys",
        Some(&a.key),
        r#"{"scopes": ["read", "write"]}"#,
    );
    assert_eq!(status, 201, "{writer}");
    let writer_key = writer["api_key"].as_str().unwrap().to_owned();
    let (status, answer) = gateway.post(
        "/v1/api-keys",
        Some(&writer_key),
        r#"{"scopes": ["read", "write", "keys"]}"#,
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("scope_missing"))
    );
    let (status, answer) = gateway.request(
        "DELETE",
        &format!("/v1/api-keys/{}", a.key_id),
        Some(&writer_key),
        "",
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("scope_missing"))
    );
    let (status, keeper) = gateway.post(
        "/v1/api-keys",
        Some(&a.key),
        r#"{"scopes": ["read", "keys"]}"#,
    );
    assert_eq!(status, 201, "{keeper}");
    let (status, answer) = gateway.post(
        "/v1/api-keys",
        Some(keeper["api_key"].as_str().unwrap()),
        r#"{"scopes": ["read", "write"]}"#,
    );
    assert_eq!(
        (status, answer["code"].as_str()),
        (403, Some("scope_beyond_own"))
    );
    let idempotent = [("Idempotency-Key", "key-once")];
    let (status, first) = gateway.request_with(
        "POST",
        "/v1/api-keys",
        Some(&a.key),
        r#"{"scopes": ["read"]}"#,
        &idempotent,
    );
    assert_eq!(status, 201, "{first}");
    let secret = first["api_key"].as_str().unwrap().to_owned();
    let (status, again) = gateway.request_with(
        "POST",
        "/v1/api-keys",
        Some(&a.key),
        r#"{"scopes": ["read"]}"#,
        &idempotent,
    );
    assert_eq!(status, 201);
    assert_eq!(
        (&again["id"], &again["label"]),
        (&first["id"], &first["label"])
    );
    assert!(
        again.get("api_key").is_none() && again["already_made"].is_string(),
        "{again}"
    );
    let central = db(&name).await;
    let stored: Vec<Document> = central
        .collection::<Document>("idempotency_keys")
        .find(doc! {})
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(!stored.is_empty());
    for kept in &stored {
        assert!(
            !kept.to_string().contains(&secret[4..]),
            "the key was kept: {kept}"
        );
    }
    let made = central
        .collection::<Document>("api_keys")
        .find_one(doc! { "api_key": first["label"].as_str().unwrap() })
        .await
        .unwrap()
        .unwrap();
    let owner = central
        .collection::<Document>("businesses")
        .find_one(doc! { "business_name": "Corner Market" })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        made.get_object_id("created_by").ok(),
        owner.get_object_id("business_owner").ok(),
        "a key made through the API is its maker's person's"
    );

    // The rate: five a second with bursts of 25, then 429 with when to try again.
    std::thread::sleep(std::time::Duration::from_secs(5));
    let mut limited = None;
    for _ in 0..40 {
        let (status, headers, answer) = gateway.get_with_headers("/v1/business", Some(&a.key));
        if status == 429 {
            limited = Some((headers, answer));
            break;
        }
    }
    let (headers, answer) = limited.expect("the limit bit");
    assert_eq!(answer["code"], "rate_limited");
    let wait: u64 = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
        .map(|(_, v)| v.parse().unwrap())
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    // Another business's key is not held up by this one's.
    let (output, other_key) = create_business(&name, "Other Shop", "Standard");
    assert!(output.contains("business"));
    assert_eq!(gateway.get("/v1/business", Some(&other_key)).0, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_business_sets_its_barcode_rules_for_every_till() {
    let name = database("barcode_rules");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let put = |key: &str, body: serde_json::Value| {
        gateway.request(
            "PUT",
            "/v1/business/barcode-rules",
            Some(key),
            &body.to_string(),
        )
    };

    let (status, set) = put(&a.key, json!({ "country": "United Kingdom" }));
    assert_eq!(status, 200, "{set}");
    let rules = set["barcode_rules"].clone();
    assert_eq!(rules[0]["prefix"], "20");
    assert_eq!(rules[0]["value"], json!({ "from": 9, "digits": 4 }));
    // The business shows them among its settings, which keep the rest.
    let (_, business) = gateway.get("/v1/business", Some(&a.key));
    assert_eq!(business["settings"]["barcode_rules"], rules);
    assert!(business["settings"]["currency"].is_string(), "{business}");

    // Given as a list: the same rules back; rules that do not hold, or neither or both
    // ways, are refused in words and change nothing.
    let (status, again) = put(&a.key, json!({ "rules": rules }));
    assert_eq!((status, &again["barcode_rules"]), (200, &rules), "{again}");
    let mut overlapping = rules.as_array().unwrap().clone();
    overlapping[1]["prefix"] = "20".into();
    for (body, words) in [
        (
            json!({ "rules": overlapping }),
            "would both read the codes that begin 20",
        ),
        (
            json!({ "country": "Atlantis" }),
            "No ready layout for \"Atlantis\"",
        ),
        (json!({}), "Give the rules, or a country"),
        (
            json!({ "rules": [], "country": "Sweden" }),
            "Give the rules, or a country",
        ),
        (
            json!({ "rules": [{ "name": "X" }] }),
            "rule 1 has no symbology",
        ),
    ] {
        let (status, answer) = put(&a.key, body.clone());
        assert_eq!(
            (status, answer["code"].as_str()),
            (422, Some("invalid_barcode_rules")),
            "{body}: {answer}"
        );
        assert!(
            answer["detail"].as_str().unwrap().contains(words),
            "{body}: {answer}"
        );
    }
    let (status, answer) = put(&a.key, json!({ "rules": [], "note": "x" }));
    assert_eq!(status, 400, "unknown fields: {answer}");
    let (_, business) = gateway.get("/v1/business", Some(&a.key));
    assert_eq!(business["settings"]["barcode_rules"], rules, "unchanged");

    // A read-only key may not.
    let (_, made) = gateway.post("/v1/api-keys", Some(&a.key), r#"{"scopes": ["read"]}"#);
    let reader = made["api_key"].as_str().unwrap();
    let (status, _) = put(reader, json!({ "country": "Sweden" }));
    assert_eq!(status, 403);
    // An empty list: no label is read any more.
    let (status, none) = put(&a.key, json!({ "rules": [] }));
    assert_eq!(
        (status, &none["barcode_rules"]),
        (200, &json!([])),
        "{none}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn goods_sold_by_weight_read_and_move_as_exact_decimal_strings() {
    let name = database("by_weight");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let (status, body) = gateway.post(
        "/v1/products",
        Some(&a.key),
        &json!({ "sku": "BANANA", "product_name": "Bananas", "price": "0.69", "unit": "kg",
                 "stock_threshold": "5.5", "tare": "0.015",
                 "opening_stock": [{ "store_id": a.store, "quantity": "12.5" }] })
        .to_string(),
    );
    let bananas = created(status, &body);
    assert_eq!(
        (body["unit"].as_str(), body["stock"].as_str()),
        (Some("kg"), Some("12.5"))
    );
    assert_eq!(
        (body["stock_threshold"].as_str(), body["tare"].as_str()),
        (Some("5.5"), Some("0.015"))
    );
    // Stored exactly: a Decimal128 where it is not whole.
    let stored = db(&name)
        .await
        .collection::<Document>("products")
        .find_one(doc! { "_id": ObjectId::parse_str(&bananas).unwrap() })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.get("stock"),
        Some(&Bson::Decimal128("12.5".parse().unwrap()))
    );

    let move_by = |product: &str, quantity: Value| {
        gateway.post(
            "/v1/stock-movements",
            Some(&a.key),
            &json!({ "store_id": a.store, "product_id": product, "movement_type": "adjustment",
                     "quantity": quantity, "reason": "recount" })
            .to_string(),
        )
    };
    let (status, moved) = move_by(&bananas, json!("-0.742"));
    assert_eq!(status, 201, "{moved}");
    assert_eq!(moved["quantity"], "-0.742");
    let (_, stock) = gateway.get(&format!("/v1/stores/{}/stock", a.store), Some(&a.key));
    let row = stock["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sku"] == "BANANA")
        .unwrap()
        .clone();
    assert_eq!(
        (
            row["unit"].as_str(),
            row["stock"].as_str(),
            row["stock_threshold"].as_str()
        ),
        (Some("kg"), Some("11.758"), Some("5.5"))
    );

    // Refused, and nothing moves: a fraction of a gram, half a piece, a float, a bad unit.
    let before = holdings(&name, a.business).await;
    for (product, quantity) in [
        (&bananas, json!("0.0005")),
        (&a.product, json!("0.5")),
        (&bananas, json!(0.25)),
    ] {
        let (status, refused) = move_by(product, quantity.clone());
        assert_eq!(status, 400, "{quantity}: {refused}");
    }
    let (status, refused) = gateway.post(
        "/v1/products",
        Some(&a.key),
        &json!({ "sku": "ROPE", "product_name": "Rope", "price": "1.00", "unit": "furlong" })
            .to_string(),
    );
    assert_eq!(status, 400, "{refused}");
    assert!(refused.to_string().contains("furlong"), "{refused}");
    let (status, refused) = gateway.request(
        "PATCH",
        &format!("/v1/products/{}", a.product),
        Some(&a.key),
        &json!({ "tare": "0.1" }).to_string(),
    );
    assert_eq!(status, 400, "a piece has no tare: {refused}");
    assert_eq!(holdings(&name, a.business).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_family_is_added_as_its_grid_of_variants_whole_or_not_at_all() {
    let name = database("families");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let b = tenant(&name, "Other Shop", &gateway).await;
    let family = |variants: Value| {
        json!({ "family_name": "Crew T-shirt", "sku": "TEE", "price": "19.99",
                "category": "Apparel",
                "options": [{ "name": "Size", "values": ["S", "M", "L"] },
                            { "name": "Colour", "values": ["Navy", "Off white"] }],
                "variants": variants })
        .to_string()
    };
    let (status, body) = gateway.post(
        "/v1/product-families",
        Some(&a.key),
        &family(json!([
            { "values": ["m", "navy"], "price": "21.99", "barcode": "4006381333931",
              "stock_threshold": 2, "opening_stock": [{ "store_id": a.store, "quantity": 5 }] },
            { "values": ["L", "Off white"], "sku": "TEE-L-OW" },
        ])),
    );
    assert_eq!(status, 201, "{body}");
    let family_id = body["family_id"].as_str().unwrap().to_owned();
    let variants = body["variants"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str, &str)> = variants
        .iter()
        .map(|v| {
            (
                v["sku"].as_str().unwrap(),
                v["product_name"].as_str().unwrap(),
                v["price"].as_str().unwrap(),
                v["stock"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("TEE-L-OW", "Crew T-shirt, L, Off white", "19.99", "0"),
            ("TEE-M-NAVY", "Crew T-shirt, M, Navy", "21.99", "5"),
        ]
    );
    assert_eq!(variants[1]["family_id"], family_id);
    assert_eq!(variants[1]["family_name"], "Crew T-shirt");
    assert_eq!(variants[1]["barcode"], "4006381333931");
    assert_eq!(variants[1]["stock_threshold"], "2");
    // Every client of products reads the variants, by their family too.
    let (status, listed) =
        gateway.get(&format!("/v1/products?family_id={family_id}"), Some(&a.key));
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);
    let (_, theirs) = gateway.get(&format!("/v1/products?family_id={family_id}"), Some(&b.key));
    assert_eq!(
        theirs["data"],
        json!([]),
        "another business sees none of it"
    );

    // Refused, and nothing written: a SKU or barcode taken, a grid the rule refuses, a
    // store of another business.
    let before = holdings(&name, a.business).await;
    let (status, refused) = gateway.post(
        "/v1/product-families",
        Some(&a.key),
        &family(json!([{ "values": ["S", "Navy"] }, { "values": ["M", "Navy"] }])),
    );
    assert_eq!(status, 409, "{refused}");
    assert_eq!(
        refused["detail"],
        "No variant was added: the business has the SKU TEE-M-NAVY already."
    );
    for (variants, words) in [
        (
            json!([{ "values": ["S", "Navy"] }, { "values": ["s", "navy"] }]),
            "The variant S, Navy is given twice.",
        ),
        (
            json!([{ "values": ["XL", "Navy"] }]),
            "XL is not a value of Size.",
        ),
    ] {
        let (status, refused) =
            gateway.post("/v1/product-families", Some(&a.key), &family(variants));
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["detail"], words);
    }
    let (status, refused) = gateway.post(
        "/v1/product-families",
        Some(&a.key),
        &family(json!([{ "values": ["S", "Navy"],
                         "opening_stock": [{ "store_id": b.store, "quantity": 1 }] }])),
    );
    assert_eq!(
        status, 404,
        "another business's store is no store: {refused}"
    );
    assert_eq!(holdings(&name, a.business).await, before);

    // No variants given: one of every combination, with the family's price.
    let (status, body) = gateway.post("/v1/product-families", Some(&b.key), &family(json!([])));
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["variants"].as_array().unwrap().len(), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_refusal_is_a_problem_with_a_stable_code() {
    let name = database("problems");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let (_, openapi) = gateway.get("/v1/openapi.json", None);
    // Every operation documents the refusals any route may give.
    for (path, item) in openapi["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for status in ["400", "401", "402", "403", "408", "429", "503"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} does not document {status}"
                );
            }
        }
    }
    let documented = |method: &str, path: &str, status: u16| {
        let route = path.split('?').next().unwrap();
        assert!(
            openapi["paths"][route][method]["responses"][status.to_string()].is_object(),
            "{method} {route} answered {status}, undocumented"
        );
    };
    let problem = |status: u16, headers: &[(String, String)], answer: &Value, code: &str| {
        assert_eq!(answer["code"], code, "{answer}");
        assert_eq!(answer["status"], status, "{answer}");
        let kind = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str());
        assert_eq!(kind, Some("application/problem+json"), "{answer}");
    };
    // A query that does not parse, a parameter the route does not take (a misspelt
    // filter, the page's next_cursor given under its own name), a page too big.
    for (path, code, words) in [
        ("/v1/products?limit=ten", "bad_request", "limit"),
        (
            "/v1/products?stor_id=1",
            "unknown_parameter",
            "GET /v1/products takes limit, cursor",
        ),
        (
            "/v1/customers?next_cursor=abc",
            "unknown_parameter",
            "not next_cursor",
        ),
        (
            "/v1/customers?limit=201",
            "invalid_field",
            "1 to 200 documents a page",
        ),
        (
            "/v1/customers?limit=0",
            "invalid_field",
            "1 to 200 documents a page",
        ),
    ] {
        let (status, headers, answer) = gateway.call("GET", path, Some(&a.key), "", &[]);
        assert_eq!(status, 400, "{path}: {answer}");
        documented("get", path, status);
        problem(400, &headers, &answer, code);
        assert!(
            answer["detail"].as_str().unwrap().contains(words),
            "{path}: {answer}"
        );
    }
    // A method the route does not take: 405 with Allow, and words.
    let (status, headers, answer) = gateway.call("DELETE", "/v1/products", Some(&a.key), "", &[]);
    assert_eq!(status, 405, "{answer}");
    problem(405, &headers, &answer, "method_not_allowed");
    assert!(
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("allow")
            && v.contains("GET")
            && v.contains("POST")),
        "{headers:?}"
    );
    // No key: 401 says how to authenticate.
    let (status, headers, answer) = gateway.call("GET", "/v1/products", None, "", &[]);
    assert_eq!(status, 401, "{answer}");
    documented("get", "/v1/products", status);
    assert!(
        headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("www-authenticate") && v.starts_with("Bearer")),
        "{headers:?}"
    );
    // A SKU the business has: 409 in words, not the database's.
    let (status, headers, answer) = gateway.call(
        "POST",
        "/v1/products",
        Some(&a.key),
        &json!({ "sku": "MILK", "product_name": "Milk again", "price": "1.00" }).to_string(),
        &[],
    );
    assert_eq!(status, 409, "{answer}");
    documented("post", "/v1/products", status);
    problem(409, &headers, &answer, "duplicate");
    assert_eq!(
        answer["detail"],
        "The business has a product with this SKU already."
    );
}

/// The `_id` and `request_hash` a gateway gives the claim of `idempotency_key` by the API
/// key `key_id` for `body` on `route`, as `idempotency.rs` documents them.
fn claim_of(key_id: &str, idempotency_key: &str, route: &str, body: &Value) -> (String, String) {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    (
        hex(&Sha256::digest(format!("{key_id}\n{idempotency_key}"))),
        hex(&Sha256::digest(format!("{route}\n{body}"))),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_is_safe_after_a_refusal_a_lost_answer_or_a_gateway_that_stopped() {
    let name = database("retries");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let post = |key: &str, body: &str| {
        gateway.request_with(
            "POST",
            "/v1/customers",
            Some(&a.key),
            body,
            &[("Idempotency-Key", key)],
        )
    };
    let customers = || async {
        db(&name)
            .await
            .collection::<Document>("customers")
            .count_documents(doc! { "business_id": a.business })
            .await
            .unwrap()
    };
    let before = customers().await;

    // The same JSON spaced otherwise is the same request: answered again, made once.
    let (status, first) = post("cust-1", r#"{"name":"Bo Lind","email":"bo@example.com"}"#);
    assert_eq!(status, 201, "{first}");
    let (status, again) = post(
        "cust-1",
        "{\n  \"name\": \"Bo Lind\",\n  \"email\": \"bo@example.com\"\n}",
    );
    assert_eq!((status, &again), (201, &first));
    assert_eq!(customers().await, before + 1);

    // A refusal keeps nothing: the key then serves the corrected request.
    let (status, refused) = post("cust-2", r#"{"name":"  "}"#);
    assert_eq!(status, 400, "{refused}");
    let (status, made) = post("cust-2", r#"{"name":"Cy Berg","phone":"+1 555 0100"}"#);
    assert_eq!(status, 201, "the key was given back: {made}");
    assert_eq!(customers().await, before + 2);

    // A claim being answered right now: a retry is told to wait. One left by a gateway
    // that stopped mid-request, longer ago than any request runs: a retry takes it over.
    let body = json!({ "name": "Di Holm", "phone": "+1 555 0101" });
    let keys = db(&name).await.collection::<Document>("idempotency_keys");
    for (key, age_seconds, expected) in [("cust-3", 1, 409), ("cust-4", 300, 201)] {
        let (id, request_hash) = claim_of(&a.key_id, key, "POST /v1/customers", &body);
        keys.insert_one(doc! {
            "_id": id, "business_id": a.business,
            "api_key_id": ObjectId::parse_str(&a.key_id).unwrap(),
            "request_hash": request_hash, "status": Bson::Null, "body": Bson::Null,
            "created_at": bson::DateTime::from_millis(
                bson::DateTime::now().timestamp_millis() - age_seconds * 1000),
        })
        .await
        .unwrap();
        let (status, answer) = post(key, &body.to_string());
        assert_eq!(status, expected, "{key}: {answer}");
        if expected == 409 {
            assert_eq!(answer["code"], "idempotency_key_in_flight");
        }
    }
    assert_eq!(customers().await, before + 3);

    // A client that sends and goes away at once: the request still runs to its end and
    // keeps its answer, which the retry gets.
    let body = json!({ "name": "Ed Strand", "phone": "+1 555 0102" }).to_string();
    {
        use std::io::Write;
        let mut stream =
            std::net::TcpStream::connect(gateway.base.trim_start_matches("http://")).unwrap();
        write!(
            stream,
            "POST /v1/customers HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {}\r\n\
             Idempotency-Key: cust-5\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            a.key,
            body.len()
        )
        .unwrap();
    }
    let mut answer = (0, Value::Null);
    for _ in 0..50 {
        answer = post("cust-5", &body);
        if answer.0 != 409 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(answer.0, 201, "{}", answer.1);
    assert_eq!(customers().await, before + 4, "made once");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suppliers_name_is_unique_in_its_business_ignoring_case() {
    let name = database("unique_names");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let b = tenant(&name, "Other Shop", &gateway).await;
    let add = |key: &str, supplier: &str| {
        gateway.post(
            "/v1/suppliers",
            Some(key),
            &json!({ "supplier_name": supplier }).to_string(),
        )
    };
    let (status, _) = add(&a.key, "Valley Farm");
    assert_eq!(status, 201);
    for again in ["Valley Farm", "valley farm", "  VALLEY FARM "] {
        let (status, refused) = add(&a.key, again);
        assert_eq!(status, 409, "{again}: {refused}");
        assert_eq!(refused["code"], "duplicate");
        assert_eq!(
            refused["detail"],
            "The business has a supplier with this supplier name already."
        );
    }
    let (status, _) = add(&b.key, "Valley Farm");
    assert_eq!(status, 201, "another business's names are its own");
    let (status, _) = add(&a.key, "Valley Farms");
    assert_eq!(status, 201);
}

#[tokio::test(flavor = "multi_thread")]
async fn sales_are_found_by_the_businesss_day_and_filters_take_only_known_values() {
    let name = database("sales_days");
    let a = tenant(&name, "Corner Market", &Gateway::start(&name)).await;
    let db = db(&name).await;
    db.collection::<Document>("businesses")
        .update_one(
            doc! { "_id": a.business },
            doc! { "$set": { "settings.timezone": "America/New_York" } },
        )
        .await
        .unwrap();
    // An evening sale in New York: 22:30 on 1 December there, 03:30 on the 2nd in UTC.
    let evening = ObjectId::new();
    let at = |text: &str| {
        bson::DateTime::from_chrono(chrono::DateTime::parse_from_rfc3339(text).unwrap())
    };
    db.collection::<Document>("sales_transactions")
        .insert_one(doc! {
            "_id": evening, "business_id": a.business,
            "store_id": ObjectId::parse_str(&a.store).unwrap(), "transaction_type": "sale",
            "total_amount": "9.99", "created_at": at("2026-12-02T03:30:00Z"),
        })
        .await
        .unwrap();
    // A gateway that has not seen the key yet reads the business's new time zone.
    let gateway = Gateway::start(&name);
    let ids = |query: &str| {
        let (status, page) = gateway.get(&format!("/v1/sales?{query}"), Some(&a.key));
        assert_eq!(status, 200, "{query}: {page}");
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("from=2026-12-01&to=2026-12-01"), [evening.to_hex()]);
    assert!(
        ids("from=2026-12-02&to=2026-12-02").is_empty(),
        "not the next day"
    );
    assert_eq!(
        ids("from=2026-12-02T03:00:00Z&to=2026-12-02T04:00:00Z"),
        [evening.to_hex()],
        "a time is a time"
    );
    assert_eq!(
        ids("transaction_type=sale&from=2026-12-01&to=2026-12-01").len(),
        1
    );
    // A filter's value it does not know is refused, not matched against nothing.
    for query in ["transaction_type=refund", "from=yesterday"] {
        let (status, answer) = gateway.get(&format!("/v1/sales?{query}"), Some(&a.key));
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("invalid_field")),
            "{query}"
        );
    }
    let (status, answer) = gateway.get("/v1/purchase-orders?order_status=lost", Some(&a.key));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_field")),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_catalogue_is_imported_whole_or_not_at_all() {
    let name = database("import");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let import = |rows: serde_json::Value| {
        gateway.post(
            "/v1/products/import",
            Some(&a.key),
            &json!({ "rows": rows }).to_string(),
        )
    };
    let products = || async {
        let mut all: Vec<Document> = db(&name)
            .await
            .collection::<Document>("products")
            .find(doc! {})
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        all.sort_by_key(|p| p.get_str("sku").unwrap_or_default().to_owned());
        all
    };

    // Rows that do not hold, each named; nothing written.
    let before = products().await;
    let (status, refused) = import(json!([
        { "sku": "BREAD", "product_name": "Bread", "price": "2.50", "barcode": "111" },
        { "sku": "BUNS", "product_name": "Buns" },
        { "sku": "bread", "product_name": "Bread again", "price": "2.60" },
        { "sku": "CAKE", "product_name": "Cake", "price": "3.999" },
        { "sku": "PIE", "product_name": "Pie", "price": "4.00", "barcode": "111" },
        { "sku": "TEA", "product_name": "Tea", "price": "2.00", "supplier": "Nobody Ltd" },
        { "sku": "MILK", "unit": "kg" },
        { "sku": "", "price": "1.00" },
    ]));
    assert_eq!(
        (status, refused["code"].as_str()),
        (422, Some("import_refused")),
        "{refused}"
    );
    let words = refused["detail"].as_str().unwrap();
    for expected in [
        "Nothing was imported",
        "Row 2 (BUNS): a new product needs a name and a price",
        "Row 3 (bread): the SKU is on an earlier row too",
        "Row 4 (CAKE): price",
        "Row 5 (PIE): barcode 111 is BREAD's already",
        "Row 6 (TEA): no supplier of the business is called \"Nobody Ltd\"",
        "Row 7 (MILK): unit: the product is sold in",
        "Row 8 (no SKU): a row needs a SKU",
    ] {
        assert!(words.contains(expected), "{expected:?} in {words}");
    }
    assert!(!words.contains("Row 1 "), "{words}");
    assert_eq!(products().await, before, "a refused import writes nothing");

    // A new product, a known one changed (its supplier by name, in any case), and one
    // left as it was.
    let (status, done) = import(json!([
        { "sku": "BREAD", "product_name": "Bread", "price": "2.50", "barcode": "111",
          "category": "Bakery", "stock_threshold": "4", "supplier": "dairy co" },
        { "sku": "MILK", "price": "3.79", "supplier": "Dairy Co" },
    ]));
    assert_eq!(status, 200, "{done}");
    assert_eq!(done, json!({ "created": 1, "updated": 1, "unchanged": 0 }));
    let (_, bread) = gateway.get("/v1/products?sku=BREAD", Some(&a.key));
    let bread = &bread["data"][0];
    assert_eq!(
        (
            &bread["price"],
            &bread["category"],
            &bread["barcode"],
            &bread["supplier_id"]
        ),
        (
            &json!("2.50"),
            &json!("Bakery"),
            &json!("111"),
            &json!(a.supplier)
        ),
        "{bread}"
    );
    let (_, milk) = gateway.get(&format!("/v1/products/{}", a.product), Some(&a.key));
    assert_eq!(milk["price"], "3.79", "{milk}");
    // The same file again changes nothing.
    let (status, again) = import(json!([
        { "sku": "BREAD", "product_name": "Bread", "price": "2.50", "barcode": "111" },
        { "sku": "MILK", "price": "3.79" },
    ]));
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, json!({ "created": 0, "updated": 0, "unchanged": 2 }));
    let (status, empty) = import(json!([]));
    assert_eq!(
        (status, empty["code"].as_str()),
        (422, Some("import_refused"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_list_follows_what_central_took_since_a_time() {
    let name = database("changes");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    let rfc =
        |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let ids = |path: &str, since: chrono::DateTime<chrono::Utc>| {
        let query = format!("{path}?synced_since={}", rfc(since));
        let (status, page) = gateway.get(&query, Some(&a.key));
        assert_eq!(status, 200, "{query}: {page}");
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                assert!(d["synced_at"].is_string(), "{path}: {d}");
                d["id"].as_str().unwrap().to_owned()
            })
            .collect::<Vec<_>>()
    };
    // Everything the tenant was made with is before the mark; nothing is after it yet.
    let start = chrono::Utc::now() - chrono::Duration::minutes(10);
    assert!(ids("/v1/products", start).contains(&a.product));
    assert!(ids("/v1/customers", start).contains(&a.customer));
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mark = chrono::Utc::now();
    for path in [
        "/v1/products",
        "/v1/customers",
        "/v1/suppliers",
        "/v1/stock-movements",
        "/v1/purchase-orders",
        "/v1/transfers",
    ] {
        assert_eq!(ids(path, mark), Vec::<String>::new(), "{path}");
    }
    // A price changed, a customer and a movement made: each list answers what changed.
    let (status, changed) = gateway.request(
        "PATCH",
        &format!("/v1/products/{}", a.product),
        Some(&a.key),
        &json!({ "price": "9.99" }).to_string(),
    );
    assert_eq!(status, 200, "{changed}");
    let (status, made) = gateway.post(
        "/v1/customers",
        Some(&a.key),
        &json!({ "name": "Late Larry", "phone": "5550199" }).to_string(),
    );
    assert_eq!(status, 201, "{made}");
    let (status, moved) = gateway.post(
        "/v1/stock-movements",
        Some(&a.key),
        &json!({ "store_id": a.store, "product_id": a.product, "movement_type": "restock",
                 "quantity": 3, "reason": "delivery" })
        .to_string(),
    );
    assert_eq!(status, 201, "{moved}");
    assert_eq!(ids("/v1/products", mark), std::slice::from_ref(&a.product));
    assert_eq!(
        ids("/v1/customers", mark),
        [made["id"].as_str().unwrap().to_owned()]
    );
    assert_eq!(
        ids("/v1/stock-movements", mark),
        [moved["id"].as_str().unwrap().to_owned()]
    );
    assert!(ids("/v1/suppliers", mark).is_empty());
    let (status, answer) = gateway.get("/v1/customers?synced_since=soon", Some(&a.key));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_field")),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sale_synced_late_is_found_by_when_central_received_it() {
    use sellsync_central::{Central, CentralConfig, Reconciler};
    use sellsync_contract::documents::{Collection, Op};
    use sellsync_contract::operation::Operation;
    let name = database("synced_since");
    let gateway = Gateway::start(&name);
    let a = tenant(&name, "Corner Market", &gateway).await;
    // A till offline for three days sends a sale it made then, and sends it again (its
    // answer lost): central keeps when it first received it.
    let central = Central::connect(&CentralConfig::new(common::uri(), Some(name.clone())).unwrap())
        .await
        .unwrap();
    let three_days_ago = chrono::Utc::now() - chrono::Duration::days(3);
    let sale = ObjectId::new();
    let op = Operation {
        seq: 1,
        op_id: "late-sale-1".into(),
        collection: Collection::SalesTransactions,
        document_id: sale.into(),
        op: Op::Insert,
        payload: doc! {
            "_id": sale, "business_id": a.business,
            "store_id": ObjectId::parse_str(&a.store).unwrap(), "transaction_type": "sale",
            "total_amount": "4.20", "created_at": bson::DateTime::from_chrono(three_days_ago),
            // What a till says of it is not what central records.
            "synced_at": bson::DateTime::from_millis(0),
        },
        user: None,
    };
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let reconciler = Reconciler::new(central.clone(), a.business.into());
    reconciler.apply(std::slice::from_ref(&op)).await.unwrap();
    let stored = || async {
        db(&name)
            .await
            .collection::<Document>("sales_transactions")
            .find_one(doc! { "_id": sale })
            .await
            .unwrap()
            .unwrap()
            .get_datetime("synced_at")
            .unwrap()
            .to_chrono()
    };
    let first = stored().await;
    assert!(first >= before, "central's time, not the till's: {first}");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    reconciler.apply(std::slice::from_ref(&op)).await.unwrap();
    assert_eq!(stored().await, first, "a replay leaves it as it was");

    let ids = |query: String| {
        let (status, page) = gateway.get(&format!("/v1/sales?{query}"), Some(&a.key));
        assert_eq!(status, 200, "{query}: {page}");
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let rfc =
        |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // Made three days ago, received now: a reader polling by when it was made misses
    // it; one following what arrives finds it.
    let today = chrono::Utc::now().date_naive();
    assert!(!ids(format!("from={today}")).contains(&sale.to_hex()));
    assert_eq!(
        ids(format!("synced_since={}", rfc(before))),
        [sale.to_hex()]
    );
    let later = chrono::Utc::now() + chrono::Duration::minutes(1);
    assert!(ids(format!("synced_since={}", rfc(later))).is_empty());
    let (status, answer) = gateway.get("/v1/sales?synced_since=yesterday", Some(&a.key));
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_field"))
    );
}
