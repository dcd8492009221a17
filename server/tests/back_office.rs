//! People in the back office, as a browser meets the real gateway over HTTP against the
//! MongoDB-wire test server: signing in by email and password, the session cookie and the
//! CSRF token every change carries, lockout, signing out here and everywhere, a password
//! set by a one-time link, a store manager who sees their store and nothing of another,
//! and the dashboard adding up two stores' sales that two tills synced through the gateway.

mod common;

use bson::oid::ObjectId;
use bson::{doc, Document};
use common::{database, db, id_in, run_ok, within, Gateway, CALLER_FOR};
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::credentials::hash_secret;
use sellsync_contract::Quantity;
use sellsync_core::purchasing::orders::OrderLineInput;
use sellsync_core::stock::transfers::TransferLineInput;
use sellsync_core::{Credential, Money, Till};
use sellsync_sync::gateway::enrol_till;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

/// A business whose owner (owner@example.com) has `PASSWORD`: its id and first store.
fn business(name: &str) -> (ObjectId, ObjectId, String) {
    let output = run_ok(
        &[
            "admin",
            "create-business",
            "--name",
            "Corner Market",
            "--owner-email",
            "Owner@Example.com",
            "--owner-pin",
            "4321",
            "--owner-password",
            PASSWORD,
            "--plan",
            "Premium",
            "--store",
            "Downtown",
        ],
        name,
    );
    let key = output.lines().last().unwrap().to_owned();
    (
        ObjectId::parse_str(id_in(&output, "business")).unwrap(),
        ObjectId::parse_str(id_in(&output, "store")).unwrap(),
        key,
    )
}

/// Signs in: the status, the cookie's `name=value` (if one was set), its attributes and
/// the body.
fn sign_in(
    gateway: &Gateway,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, String, Value) {
    let body = json!({ "email": email, "password": password }).to_string();
    let (status, answered, body) = gateway.call("POST", "/v1/session", None, &body, headers);
    let set = header(&answered, "set-cookie").unwrap_or_default();
    let cookie = set
        .split(';')
        .next()
        .filter(|c| c.starts_with("sellsync_session=sss_"))
        .map(str::to_owned);
    (status, cookie, set, body)
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// A session signed in: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

impl Session {
    fn of(gateway: &Gateway, email: &str, password: &str) -> Session {
        let (status, cookie, _, body) = sign_in(gateway, email, password, &[]);
        assert_eq!(status, 201, "{body}");
        Session {
            cookie: cookie.unwrap(),
            csrf: body["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    fn get(&self, gateway: &Gateway, path: &str) -> (u16, Value) {
        gateway.request_with("GET", path, None, "", &[("Cookie", &self.cookie)])
    }

    /// A change, carrying the CSRF token.
    fn change(&self, gateway: &Gateway, method: &str, path: &str, body: &str) -> (u16, Value) {
        gateway.request_with(
            method,
            path,
            None,
            body,
            &[("Cookie", &self.cookie), ("X-CSRF-Token", &self.csrf)],
        )
    }
}

#[tokio::test]
async fn a_person_signs_in_with_a_cookie_and_every_change_carries_the_csrf_token() {
    let name = database("sessions");
    let (_, store, _) = business(&name);
    let gateway = Gateway::start(&name);

    // A wrong password and an unknown email are refused in the same words.
    let (status, cookie, _, wrong_password) =
        sign_in(&gateway, "owner@example.com", "not the password", &[]);
    assert_eq!((status, cookie), (401, None), "{wrong_password}");
    let (status, _, _, unknown) = sign_in(&gateway, "nobody@example.com", PASSWORD, &[]);
    assert_eq!(status, 401);
    assert_eq!(wrong_password["code"], "wrong_email_or_password");
    assert_eq!(unknown["detail"], wrong_password["detail"]);

    // Signed in: the cookie is HttpOnly and SameSite=Strict (Secure behind TLS); the page
    // is told who and the CSRF token, and never a hash.
    let (status, cookie, set, body) = sign_in(&gateway, " Owner@Example.com ", PASSWORD, &[]);
    assert_eq!(status, 201, "{body}");
    let cookie = cookie.expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    assert_eq!(body["person"]["standing"], "owner");
    assert_eq!(body["person"]["store_id"], Value::Null);
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    assert!(!body.to_string().contains("hash"), "{body}");
    let (_, _, behind_tls, _) = sign_in(
        &gateway,
        "owner@example.com",
        PASSWORD,
        &[("X-Forwarded-Proto", "https")],
    );
    assert!(behind_tls.contains("; Secure"), "{behind_tls}");
    // The database holds the session's hash, not its secret.
    let db = db(&name).await;
    let secret = cookie.trim_start_matches("sellsync_session=");
    let stored: Vec<Document> = futures_util::TryStreamExt::try_collect(
        db.collection::<Document>("sessions")
            .find(doc! {})
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|s| !s.to_string().contains(secret)));

    let session = Session {
        cookie: cookie.clone(),
        csrf: csrf.clone(),
    };
    let (status, me) = session.get(&gateway, "/v1/session");
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["csrf_token"], csrf.as_str());
    assert_eq!(me["person"]["email"], "owner@example.com");

    // A change without the CSRF token, or with another, is refused and writes nothing.
    let product = json!({ "sku": "MILK", "product_name": "Milk", "price": "3.49",
        "opening_stock": [{ "store_id": store.to_hex(), "quantity": 10 }] })
    .to_string();
    let other_token = Session::of(&gateway, "owner@example.com", PASSWORD).csrf;
    for headers in [
        vec![("Cookie", cookie.as_str())],
        vec![("Cookie", cookie.as_str()), ("X-CSRF-Token", &other_token)],
        vec![("Cookie", cookie.as_str()), ("X-CSRF-Token", "sss_forged")],
    ] {
        let (status, refused) =
            gateway.request_with("POST", "/v1/products", None, &product, &headers);
        assert_eq!(status, 403, "{refused}");
        assert_eq!(refused["code"], "csrf_token_missing");
    }
    let (_, none) = session.get(&gateway, "/v1/products");
    assert_eq!(none["data"].as_array().unwrap().len(), 0, "{none}");
    let (status, made) = session.change(&gateway, "POST", "/v1/products", &product);
    assert_eq!(status, 201, "{made}");

    // A forged or malformed cookie is no session.
    for forged in [
        "sellsync_session=sss_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_AAAAAA",
        "sellsync_session=nonsense",
    ] {
        let (status, refused) =
            gateway.request_with("GET", "/v1/products", None, "", &[("Cookie", forged)]);
        assert_eq!(status, 401, "{refused}");
        assert_eq!(refused["code"], "session_expired");
    }

    // Signing out takes the cookie back and ends the session at once.
    let (status, _) =
        gateway.request_with("DELETE", "/v1/session", None, "", &[("Cookie", &cookie)]);
    assert_eq!(status, 403, "signing out is a change too");
    let (status, answered, _) = gateway.call(
        "DELETE",
        "/v1/session",
        None,
        "",
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    );
    assert_eq!(status, 204);
    assert!(header(&answered, "set-cookie")
        .unwrap()
        .contains("Max-Age=0"));
    let (status, ended) = session.get(&gateway, "/v1/session");
    assert_eq!(
        (status, ended["code"].as_str()),
        (401, Some("session_expired"))
    );

    // Signing out everywhere ends every session of the person, in every browser.
    let first = Session::of(&gateway, "owner@example.com", PASSWORD);
    let second = Session::of(&gateway, "owner@example.com", PASSWORD);
    assert_eq!(first.get(&gateway, "/v1/session").0, 200);
    let (status, _) = second.change(&gateway, "DELETE", "/v1/sessions", "");
    assert_eq!(status, 204);
    for session in [&first, &second] {
        assert_eq!(session.get(&gateway, "/v1/products").0, 401);
    }
    assert_eq!(
        db.collection::<Document>("sessions")
            .count_documents(doc! {})
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn wrong_passwords_lock_the_person_out_and_a_link_sets_a_new_one_once() {
    let name = database("lockout");
    let (business, _, _) = business(&name);
    let gateway = Gateway::start(&name);

    for _ in 0..4 {
        let (status, _, _, body) = sign_in(&gateway, "owner@example.com", "guess", &[]);
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["code"], "wrong_email_or_password");
    }
    let (status, _, _, locked) = sign_in(&gateway, "owner@example.com", "guess", &[]);
    assert_eq!(
        (status, locked["code"].as_str()),
        (403, Some("account_locked"))
    );
    // Locked: the right password does not get in either.
    let (status, cookie, _, _) = sign_in(&gateway, "owner@example.com", PASSWORD, &[]);
    assert_eq!((status, cookie), (403, None));
    // An email no one has answers the same, try by try: a lockout does not tell which
    // emails are people's.
    let answers = |email: &str| {
        (0..6)
            .map(|_| {
                let (status, _, _, body) = sign_in(&gateway, email, "guess", &[]);
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
            .collect::<Vec<_>>()
    };
    let stranger = answers("nobody@example.com");
    person(&name, business, "casey@example.com", "admin", None).await;
    assert_eq!(stranger, answers("casey@example.com"));
    assert_eq!(
        stranger[4],
        (403, "account_locked".to_owned()),
        "{stranger:?}"
    );

    // The operator prints a one-time link; it sets a password of 8 characters or more,
    // once, and lifts the lockout.
    let output = run_ok(
        &[
            "admin",
            "password-link",
            "--business",
            &business.to_hex(),
            "--email",
            "owner@example.com",
            "--url",
            &gateway.base,
        ],
        &name,
    );
    let link = output.lines().last().unwrap();
    let (at, code) = link.split_once('#').unwrap();
    assert_eq!(at, format!("{}/set-password", gateway.base));
    let set = |password: &str| {
        gateway.request(
            "POST",
            "/v1/session/password",
            None,
            &json!({ "code": code, "password": password }).to_string(),
        )
    };
    let (status, short) = set("short");
    assert_eq!(
        (status, short["code"].as_str()),
        (400, Some("weak_password"))
    );
    assert_eq!(set("a new long password").0, 204);
    let (status, used) = set("yet another password");
    assert_eq!(
        (status, used["code"].as_str()),
        (404, Some("password_link_used"))
    );
    assert_eq!(
        sign_in(&gateway, "owner@example.com", PASSWORD, &[]).0,
        401,
        "the old password no longer works"
    );
    Session::of(&gateway, "owner@example.com", "a new long password");
    // Another business's id finds nobody, as one that does not exist.
    let refused = common::server(
        &[
            "admin",
            "password-link",
            "--business",
            &ObjectId::new().to_hex(),
            "--email",
            "owner@example.com",
        ],
        &name,
    )
    .output()
    .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("No one of this business"));
}

/// The code `secret` (base32) gives at `seconds` from now, as the person's app shows it.
fn code_of(secret: &str, seconds: i64) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret).unwrap();
    let totp = totp_rs::Builder::new()
        .with_secret(bytes.as_ref().to_vec())
        .build()
        .unwrap();
    let at = chrono::Utc::now().timestamp() + seconds;
    totp.generate(at as u64).to_string()
}

#[tokio::test]
async fn a_second_factor_guards_the_sign_in_and_takes_each_code_once() {
    let name = database("second_factor");
    let (business, _, _) = business(&name);
    let gateway = Gateway::start(&name);
    let owner = Session::of(&gateway, "owner@example.com", PASSWORD);
    let with_code = |code: Option<&str>| {
        let body = json!({ "email": "owner@example.com", "password": PASSWORD, "code": code });
        gateway.request("POST", "/v1/session", None, &body.to_string())
    };
    let second_factor = |session: &Session, method: &str, code: Option<&str>| {
        let body = code.map(|c| json!({ "code": c }).to_string());
        session.change(
            &gateway,
            method,
            "/v1/session/second-factor",
            body.as_deref().unwrap_or(""),
        )
    };

    // Begun, not on until a code of it is typed: a wrong one changes nothing.
    let (status, begun) = second_factor(&owner, "POST", None);
    assert_eq!(status, 201, "{begun}");
    let secret = begun["secret"].as_str().unwrap().to_owned();
    let uri = begun["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Sell%20Sync:owner%40example.com?"),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    let (status, wrong) = second_factor(&owner, "PUT", Some("000000"));
    assert_eq!(
        (status, wrong["code"].as_str()),
        (401, Some("wrong_second_factor_code"))
    );
    assert_eq!(with_code(None).0, 201, "not on yet: the password alone");
    let now = code_of(&secret, 0);
    assert_eq!(second_factor(&owner, "PUT", Some(&now)).0, 204);
    let (_, view) = owner.get(&gateway, "/v1/session");
    assert_eq!(view["second_factor"], true, "{view}");
    let (status, again) = second_factor(&owner, "POST", None);
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("second_factor_on")),
        "a second secret while one is on"
    );

    // On: the password alone is asked for a code; the code just used is not taken again;
    // the next one is (one step of skew).
    let (status, asked) = with_code(None);
    assert_eq!(
        (status, asked["code"].as_str()),
        (401, Some("second_factor_required")),
        "{asked}"
    );
    let (status, used) = with_code(Some(&now));
    assert_eq!(
        (status, used["code"].as_str()),
        (401, Some("second_factor_code_used")),
        "{used}"
    );
    let next = code_of(&secret, 30);
    let (status, signed_in) = with_code(Some(&next));
    assert_eq!(status, 201, "{signed_in}");
    assert_eq!(signed_in["second_factor"], true);
    // Wrong codes after the right password count toward the lockout.
    for _ in 0..4 {
        assert_eq!(with_code(Some("123456")).0, 401);
    }
    let (status, locked) = with_code(Some("123456"));
    assert_eq!(
        (status, locked["code"].as_str()),
        (403, Some("account_locked")),
        "{locked}"
    );
    let stored = db(&name)
        .await
        .collection::<Document>("second_factors")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.get_object_id("business_id").unwrap(), business);

    // A lost phone: the operator turns it off, and the password alone signs in again once
    // the lockout is lifted.
    let output = run_ok(
        &[
            "admin",
            "second-factor-off",
            "--business",
            &business.to_hex(),
            "--email",
            "owner@example.com",
        ],
        &name,
    );
    assert!(output.contains("password alone"), "{output}");
    db(&name)
        .await
        .collection::<Document>("person_lockouts")
        .delete_many(doc! {})
        .await
        .unwrap();
    let (status, view) = with_code(None);
    assert_eq!(
        (status, &view["second_factor"]),
        (201, &json!(false)),
        "{view}"
    );
}

/// A person of `business` with `role` (and `store`), whose password is `PASSWORD`, as
/// an admin's change would store them.
async fn person(name: &str, business: ObjectId, email: &str, role: &str, store: Option<ObjectId>) {
    db(name)
        .await
        .collection::<Document>("users")
        .insert_one(doc! {
            "_id": ObjectId::new(), "business_id": business, "store_id": store,
            "name": email, "email": email, "role": role, "permissions": [],
            "password_hash": hash_secret(PASSWORD).unwrap(),
        })
        .await
        .unwrap();
}

/// Two stores of a business, each with a till that sold and synced through the gateway:
/// downtown 2 milk (3.49) and a bread (2.50, which its threshold then calls low), uptown a
/// milk.
struct Sold {
    name: String,
    business: ObjectId,
    downtown: ObjectId,
    uptown: ObjectId,
    key: String,
    gateway: Gateway,
    _tills: Vec<tempfile::TempDir>,
}

async fn two_stores_sold(name: &str) -> Sold {
    let name = database(name);
    let (business, downtown, key) = business(&name);
    let output = run_ok(
        &[
            "admin",
            "create-store",
            "--business",
            &business.to_hex(),
            "--name",
            "Uptown",
        ],
        &name,
    );
    let uptown = ObjectId::parse_str(id_in(&output, "store")).unwrap();
    let gateway = Gateway::start(&name);
    for (sku, price, category) in [("MILK", "3.49", "Dairy"), ("BREAD", "2.50", "Bakery")] {
        let (status, body) = gateway.post(
            "/v1/products",
            Some(&key),
            &json!({ "sku": sku, "product_name": sku.to_lowercase(), "price": price,
                     "category": category, "stock_threshold": if sku == "BREAD" { 49 } else { 0 },
                     "opening_stock": [{ "store_id": downtown.to_hex(), "quantity": 50 },
                                       { "store_id": uptown.to_hex(), "quantity": 50 }] })
            .to_string(),
        );
        assert_eq!(status, 201, "{body}");
    }

    // A till at each store sells and syncs through the gateway.
    let mut tills = Vec::new();
    for (store, label, sales) in [
        (downtown, "D1", &[("MILK", 2), ("BREAD", 1)][..]),
        (uptown, "U1", &[("MILK", 1)][..]),
    ] {
        let code = common::enrolment_code(&name, &business.to_hex(), &store.to_hex());
        let dir = tempfile::tempdir().unwrap();
        let (mut till, _) = enrol_till(dir.path(), &gateway.base, &code, Some(label))
            .await
            .unwrap();
        let owner = till
            .sign_in("owner@example.com", Credential::Pin("4321"))
            .unwrap();
        till.open_shift(
            &owner,
            &CashCount::amount(Money::from_minor(5_000)).unwrap(),
        )
        .unwrap();
        for (sku, quantity) in sales {
            common::sell(&mut till, &owner, sku, *quantity, None);
        }
        drop(till);
        common::sync(dir.path()).await.unwrap();
        tills.push(dir);
    }
    Sold {
        name,
        business,
        downtown,
        uptown,
        key,
        gateway,
        _tills: tills,
    }
}

#[tokio::test]
async fn the_dashboard_adds_two_stores_sales_up_and_a_manager_sees_their_store_alone() {
    let Sold {
        name,
        business,
        downtown,
        uptown,
        key,
        gateway,
        ..
    } = two_stores_sold("dashboard").await;

    // The owner sees both stores and the total: 2 × 3.49 + 2.50 downtown, 3.49 uptown.
    let owner = Session::of(&gateway, "owner@example.com", PASSWORD);
    let (status, board) = owner.get(&gateway, "/v1/dashboard");
    assert_eq!(status, 200, "{board}");
    let takings = |board: &Value, store: ObjectId| -> (String, i64) {
        let row = board["stores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["store_id"] == store.to_hex())
            .unwrap_or_else(|| panic!("{store} in {board}"));
        (
            row["net"].as_str().unwrap().to_owned(),
            row["sales_count"].as_i64().unwrap(),
        )
    };
    assert_eq!(takings(&board, downtown), ("9.48".to_owned(), 2));
    assert_eq!(takings(&board, uptown), ("3.49".to_owned(), 1));
    assert_eq!(board["total"]["net"], "12.97");
    assert_eq!(board["total"]["sales_count"], 3);
    let hours = board["by_hour"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    assert_eq!(
        hours
            .iter()
            .map(|h| h["transactions"].as_i64().unwrap())
            .sum::<i64>(),
        3
    );
    assert_eq!(board["top_products"][0]["name"], "milk");
    assert_eq!(board["top_products"][0]["quantity"], "3");
    assert_eq!(board["top_products"][0]["amount"], "10.47");
    assert_eq!(board["top_categories"][0]["category"], "Dairy");
    assert_eq!(board["top_categories"][1]["category"], "Bakery");
    let tills = board["tills"].as_array().unwrap();
    assert_eq!(tills.len(), 2, "{board}");
    assert!(tills.iter().all(|t| t["online"] == true), "{board}");
    // Yesterday had no sales; a range backwards is refused.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(2)).date_naive();
    let (_, quiet) = owner.get(
        &gateway,
        &format!("/v1/dashboard?from={yesterday}&to={yesterday}"),
    );
    assert_eq!(quiet["total"]["net"], "0.00", "{quiet}");
    let (status, _) = owner.get(
        &gateway,
        &format!("/v1/dashboard?from=2026-12-07&to={yesterday}"),
    );
    assert_eq!(status, 400);
    // The API's keys read the same dashboard.
    let (status, by_key) = gateway.get("/v1/dashboard", Some(&key));
    assert_eq!((status, &by_key["total"]), (200, &board["total"]));

    // A manager of the uptown store sees uptown alone, and nothing business-wide.
    person(
        &name,
        business,
        "manager@example.com",
        "manager",
        Some(uptown),
    )
    .await;
    person(
        &name,
        business,
        "cashier@example.com",
        "cashier",
        Some(uptown),
    )
    .await;
    let manager = Session::of(&gateway, "manager@example.com", PASSWORD);
    let (_, me) = manager.get(&gateway, "/v1/session");
    assert_eq!(me["person"]["standing"], "manager");
    assert_eq!(me["person"]["store_id"], uptown.to_hex());
    let (status, theirs) = manager.get(&gateway, "/v1/dashboard");
    assert_eq!(status, 200, "{theirs}");
    assert_eq!(theirs["stores"].as_array().unwrap().len(), 1);
    assert_eq!(takings(&theirs, uptown), ("3.49".to_owned(), 1));
    assert_eq!(theirs["total"]["net"], "3.49");
    assert_eq!(theirs["tills"].as_array().unwrap().len(), 1);
    let (status, other) = manager.get(&gateway, &format!("/v1/dashboard?store_id={downtown}"));
    assert_eq!((status, other["code"].as_str()), (404, Some("not_found")));
    // Their store's stock and ledger, and not the other's.
    let (status, moves) = manager.get(&gateway, "/v1/stock-movements");
    assert_eq!(status, 200, "{moves}");
    let moves = moves["data"].as_array().unwrap();
    assert!(!moves.is_empty());
    assert!(
        moves.iter().all(|m| m["store_id"] == uptown.to_hex()),
        "{moves:?}"
    );
    assert_eq!(
        manager
            .get(&gateway, &format!("/v1/stores/{uptown}/stock"))
            .0,
        200
    );
    assert_eq!(
        manager
            .get(&gateway, &format!("/v1/stores/{downtown}/stock"))
            .0,
        404
    );
    assert_eq!(
        manager
            .get(
                &gateway,
                &format!("/v1/stock-movements?store_id={downtown}")
            )
            .0,
        404
    );
    for path in ["/v1/products", "/v1/api-keys", "/v1/sales", "/v1/business"] {
        let (status, refused) = manager.get(&gateway, path);
        assert_eq!(status, 403, "{path}: {refused}");
        assert_eq!(refused["code"], "store_manager");
    }
    let (status, _) = manager.change(
        &gateway,
        "POST",
        "/v1/api-keys",
        &json!({ "scopes": ["read"] }).to_string(),
    );
    assert_eq!(status, 403);

    // A cashier works at the till, not here.
    let (status, _, _, refused) = sign_in(&gateway, "cashier@example.com", PASSWORD, &[]);
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("cashier_in_back_office"))
    );

    // Made a cashier, the manager's session stops within the time a gateway keeps it.
    db(&name)
        .await
        .collection::<Document>("users")
        .update_one(
            doc! { "email": "manager@example.com" },
            doc! { "$set": { "role": "cashier" } },
        )
        .await
        .unwrap();
    within(CALLER_FOR * 2, "the demoted manager refused", || {
        (manager.get(&gateway, "/v1/dashboard").0 == 403).then_some(())
    });
}

#[tokio::test]
async fn every_answer_is_what_the_openapi_document_says() {
    let sold = two_stores_sold("conformance").await;
    let (gateway, key) = (&sold.gateway, sold.key.as_str());
    // Documents of every collection the API answers with, made the ways they are made.
    for (path, body) in [
        (
            "/v1/customers",
            json!({ "name": "Ann Lee", "email": "ann@example.com" }),
        ),
        ("/v1/suppliers", json!({ "supplier_name": "Valley Dairy" })),
        ("/v1/stores", json!({ "store_name": "Airport" })),
        (
            "/v1/product-families",
            json!({ "family_name": "Tee", "sku": "TEE", "price": "12.00",
            "options": [{ "name": "Size", "values": ["S", "M"] }] }),
        ),
    ] {
        let (status, made) = gateway.post(path, Some(key), &body.to_string());
        assert!(status == 201, "{path}: {made}");
    }
    // A list counts a customer's purchases; the customer's own answer has their history.
    let (_, customers) = gateway.get("/v1/customers", Some(key));
    let listed = &customers["data"][0];
    assert!(listed.get("purchase_history").is_none(), "{listed}");
    let (_, one) = gateway.get(
        &format!("/v1/customers/{}", listed["id"].as_str().unwrap()),
        Some(key),
    );
    assert_eq!(
        listed["purchases"].as_u64(),
        one["purchase_history"].as_array().map(|h| h.len() as u64),
        "{one}"
    );
    // A search reads its text as it is, in any case, never as a pattern.
    for (path, found) in [
        ("/v1/customers?q=ann%20LEE", 1),
        ("/v1/customers?q=example.com", 1),
        ("/v1/customers?q=.*", 0),
        ("/v1/suppliers?q=dairy", 1),
        ("/v1/products?q=mil", 1),
        ("/v1/products?q=(", 0),
    ] {
        let (status, page) = gateway.get(path, Some(key));
        assert_eq!(status, 200, "{path}: {page}");
        assert_eq!(
            page["data"].as_array().unwrap().len(),
            found,
            "{path}: {page}"
        );
    }
    let (_, products) = gateway.get("/v1/products?sku=MILK", Some(key));
    let milk = products["data"][0]["id"].as_str().unwrap().to_owned();
    let (status, moved) = gateway.post(
        "/v1/stock-movements",
        Some(key),
        &json!({ "store_id": sold.downtown.to_hex(), "product_id": milk,
                 "movement_type": "restock", "quantity": 12, "reason": "delivery" })
        .to_string(),
    );
    assert_eq!(status, 201, "{moved}");

    // An order a till drafts and sends, to the supplier it pulled.
    let downtown_till = sold._tills[0].path();
    common::sync(downtown_till).await.unwrap();
    let mut till = Till::open(downtown_till).unwrap();
    let boss = till
        .sign_in("owner@example.com", Credential::Pin("4321"))
        .unwrap();
    let supplier = till.suppliers().unwrap().remove(0);
    let product = till.require_product("MILK").unwrap();
    let order = till
        .create_purchase_order(
            &boss,
            supplier.id,
            None,
            &[OrderLineInput {
                product,
                quantity: Quantity::units(24),
                unit_price: Some(Money::from_minor(410)),
            }],
        )
        .unwrap();
    till.mark_purchase_order_ordered(&boss, &order.order_number)
        .unwrap();
    // And milk it sends uptown, in transit.
    let milk = till.require_product("MILK").unwrap();
    till.send_transfer(
        &boss,
        "Uptown",
        &[TransferLineInput {
            product: milk,
            quantity: Quantity::units(6),
        }],
        "for the weekend",
    )
    .unwrap();
    drop(till);
    common::sync(downtown_till).await.unwrap();

    // Label rules, so that the business's settings hold some; the change's answer too.
    let (status, set) = gateway.request(
        "PUT",
        "/v1/business/barcode-rules",
        Some(key),
        &json!({ "country": "Sweden" }).to_string(),
    );
    assert_eq!(status, 200, "{set}");

    let (_, document) = gateway.get("/v1/openapi.json", None);
    let put = &document["paths"]["/v1/business/barcode-rules"]["put"];
    let schema = &put["responses"]["200"]["content"]["application/json"]["schema"];
    let found = common::conform::differences(&document, schema, &set);
    assert!(found.is_empty(), "PUT barcode rules: {found:#?}");
    let owner = Session::of(gateway, "owner@example.com", PASSWORD);
    let mut checked = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let Some(operation) = item.get("get") else {
            continue;
        };
        let Some(schema) =
            operation["responses"]["200"]["content"]["application/json"].get("schema")
        else {
            continue;
        };
        // A route of one document is asked for the first of its list.
        let concrete = if let Some(list) = path.strip_suffix("/{id}") {
            let (_, page) = gateway.get(list, Some(key));
            match page["data"][0]["id"].as_str() {
                Some(id) => format!("{list}/{id}"),
                None => continue,
            }
        } else if path.contains('{') {
            path.replace("{id}", &sold.downtown.to_hex())
        } else {
            path.clone()
        };
        // The back office's own (and tills and staff, a person's errand) as the owner
        // signed in, the rest with the key.
        let (status, answer) = if ["/v1/session", "/v1/tills", "/v1/users", "/v1/permissions"]
            .iter()
            .any(|own| concrete.starts_with(own))
        {
            owner.get(gateway, &concrete)
        } else {
            gateway.get(&concrete, Some(key))
        };
        assert_eq!(status, 200, "{concrete}: {answer}");
        let found = common::conform::differences(&document, schema, &answer);
        assert!(
            found.is_empty(),
            "GET {concrete} is not what the document says: {found:#?}"
        );
        if let Some(data) = answer["data"].as_array() {
            assert!(
                !data.is_empty(),
                "GET {concrete}: an empty page proves nothing"
            );
        }
        checked.push(concrete);
    }
    assert!(checked.len() >= 15, "{checked:#?}");
}

#[tokio::test]
async fn people_added_in_the_back_office_reach_their_stores_tills_and_the_owner_stays_the_owner() {
    let sold = two_stores_sold("staff").await;
    let gateway = &sold.gateway;
    let owner = Session::of(gateway, "owner@example.com", PASSWORD);
    let add = |body: Value| owner.change(gateway, "POST", "/v1/users", &body.to_string());

    let (status, riley) = add(json!({ "name": "Riley", "email": "Riley@Example.com",
        "role": "manager", "store_id": sold.uptown.to_hex(), "pin": "2468" }));
    assert_eq!(status, 201, "{riley}");
    assert_eq!(riley["email"], "riley@example.com");
    assert_eq!(
        (riley["has_pin"].as_bool(), riley["has_password"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(!riley.to_string().contains("hash"), "{riley}");
    // Refused in words, nothing written: the same email in another case, a PIN too short,
    // a manager of no store, a role that is none, another business's store.
    for (body, code) in [
        (
            json!({ "name": "R", "email": "RILEY@example.com", "role": "cashier",
                 "store_id": sold.uptown.to_hex(), "pin": "1111" }),
            "duplicate",
        ),
        (
            json!({ "name": "S", "email": "s@example.com", "role": "cashier",
                 "store_id": sold.uptown.to_hex(), "pin": "12" }),
            "invalid_field",
        ),
        (
            json!({ "name": "T", "email": "t@example.com", "role": "manager", "pin": "1234" }),
            "invalid_field",
        ),
        (
            json!({ "name": "U", "email": "u@example.com", "role": "boss",
                 "store_id": sold.uptown.to_hex(), "pin": "1234" }),
            "invalid_field",
        ),
        (
            json!({ "name": "V", "email": "v@example.com", "role": "cashier",
                 "store_id": ObjectId::new().to_hex(), "pin": "1234" }),
            "not_found",
        ),
    ] {
        let (_, refused) = add(body);
        assert_eq!(refused["code"], code, "{refused}");
    }
    let (_, people) = owner.get(gateway, "/v1/users");
    assert_eq!(people.as_array().unwrap().len(), 2, "{people}");
    // Staff are a person's errand: even the owner's key with every scope is refused.
    let (status, refused) = gateway.get("/v1/users", Some(&sold.key));
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("a_persons_errand"))
    );

    // Riley reaches the uptown till at its next pull, and not the downtown one.
    let (downtown_till, uptown_till) = (sold._tills[0].path(), sold._tills[1].path());
    for dir in [downtown_till, uptown_till] {
        common::sync(dir).await.unwrap();
    }
    let signs_in = |dir: &std::path::Path, pin: &str| {
        Till::open(dir)
            .unwrap()
            .sign_in("riley@example.com", Credential::Pin(pin))
            .is_ok()
    };
    assert!(signs_in(uptown_till, "2468"));
    assert!(!signs_in(downtown_till, "2468"));
    // A new PIN set here replaces the old one there.
    let riley_path = format!("/v1/users/{}", riley["id"].as_str().unwrap());
    let (status, changed) = owner.change(
        gateway,
        "PATCH",
        &riley_path,
        &json!({ "pin": "1357" }).to_string(),
    );
    assert_eq!(status, 200, "{changed}");
    common::sync(uptown_till).await.unwrap();
    assert!(signs_in(uptown_till, "1357"));
    assert!(!signs_in(uptown_till, "2468"));

    // A password link sets Riley's back-office password; Riley sees uptown alone.
    let (status, link) = owner.change(gateway, "POST", &format!("{riley_path}/password-link"), "");
    assert_eq!(status, 201, "{link}");
    let (status, _) = gateway.request(
        "POST",
        "/v1/session/password",
        None,
        &json!({ "code": link["code"], "password": "riley's long password" }).to_string(),
    );
    assert_eq!(status, 204);
    let riley_in = Session::of(gateway, "riley@example.com", "riley's long password");
    let (_, board) = riley_in.get(gateway, "/v1/dashboard");
    assert_eq!(board["stores"].as_array().unwrap().len(), 1, "{board}");
    assert_eq!(riley_in.get(gateway, "/v1/users").0, 403);

    // Given manage_users, Riley manages uptown's cashiers, with permissions Riley holds,
    // and no one else.
    let riley_holds = |extra: &[&str]| {
        let mut all: Vec<Value> = changed["permissions"].as_array().unwrap().clone();
        all.extend(extra.iter().map(|p| json!(p)));
        json!({ "permissions": all }).to_string()
    };
    let (status, unknown) = owner.change(gateway, "PATCH", &riley_path, &riley_holds(&["fly"]));
    assert_eq!(
        (status, unknown["code"].as_str()),
        (400, Some("invalid_field"))
    );
    let (status, given) = owner.change(
        gateway,
        "PATCH",
        &riley_path,
        &riley_holds(&["manage_users"]),
    );
    assert_eq!(status, 200, "{given}");
    let (_, view) = riley_in.get(gateway, "/v1/session");
    assert_eq!(view["person"]["manages_staff"], true, "{view}");
    let (_, people) = riley_in.get(gateway, "/v1/users");
    let emails: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["riley@example.com"], "uptown's people alone");
    let hire = |role: &str, store: ObjectId, permissions: &[&str]| {
        let body = json!({ "name": "Sam", "email": "sam@example.com", "role": role,
            "store_id": store.to_hex(), "pin": "4242", "permissions": permissions });
        riley_in.change(gateway, "POST", "/v1/users", &body.to_string())
    };
    for (role, store, permissions, refused) in [
        (
            "manager",
            sold.uptown,
            &["process_sales"][..],
            (403, "cashiers_alone"),
        ),
        (
            "cashier",
            sold.downtown,
            &["process_sales"][..],
            (404, "not_found"),
        ),
        (
            "cashier",
            sold.uptown,
            &["manage_settings"][..],
            (403, "permission_not_held"),
        ),
    ] {
        let (status, answer) = hire(role, store, permissions);
        assert_eq!(
            (status, answer["code"].as_str().unwrap_or_default()),
            refused,
            "{role} {permissions:?}: {answer}"
        );
    }
    let (status, sam) = hire("cashier", sold.uptown, &["process_sales"]);
    assert_eq!(status, 201, "{sam}");
    assert_eq!(sam["permissions"], json!(["process_sales"]));
    let sam_path = format!("/v1/users/{}", sam["id"].as_str().unwrap());
    let (status, sam) = riley_in.change(
        gateway,
        "PATCH",
        &sam_path,
        &json!({ "permissions": ["process_sales", "manage_inventory"] }).to_string(),
    );
    assert_eq!(status, 200, "{sam}");
    for (path, body, refused) in [
        (
            &sam_path,
            json!({ "role": "manager" }),
            (403, "cashiers_alone"),
        ),
        (
            &riley_path,
            json!({ "name": "Boss" }),
            (403, "cashiers_alone"),
        ),
        (
            &sam_path,
            json!({ "store_id": sold.downtown.to_hex() }),
            (404, "not_found"),
        ),
    ] {
        let (status, answer) = riley_in.change(gateway, "PATCH", path, &body.to_string());
        assert_eq!(
            (status, answer["code"].as_str().unwrap_or_default()),
            refused,
            "{body}"
        );
    }
    // Sam reaches the uptown till with what Riley gave.
    common::sync(uptown_till).await.unwrap();
    let mut till = Till::open(uptown_till).unwrap();
    let sam_in = till
        .sign_in("sam@example.com", Credential::Pin("4242"))
        .unwrap();
    assert!(sam_in.can(sellsync_contract::roles::Permission::ManageInventory));
    assert!(!sam_in.can(sellsync_contract::roles::Permission::ApplyDiscounts));
    drop(till);

    // An admin manages staff, but not the owner; the owner stays an admin of every store.
    let (_, ada) =
        add(json!({ "name": "Ada", "email": "ada@example.com", "role": "admin", "pin": "9999" }));
    let (_, link) = owner.change(
        gateway,
        "POST",
        &format!("/v1/users/{}/password-link", ada["id"].as_str().unwrap()),
        "",
    );
    gateway.request(
        "POST",
        "/v1/session/password",
        None,
        &json!({ "code": link["code"], "password": "ada's long password" }).to_string(),
    );
    let ada_in = Session::of(gateway, "ada@example.com", "ada's long password");
    let (_, people) = ada_in.get(gateway, "/v1/users");
    let owner_id = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["owner"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (path, body) in [
        (
            format!("/v1/users/{owner_id}"),
            json!({ "role": "cashier" }).to_string(),
        ),
        (format!("/v1/users/{owner_id}/password-link"), String::new()),
    ] {
        let method = if body.is_empty() { "POST" } else { "PATCH" };
        let (status, refused) = ada_in.change(gateway, method, &path, &body);
        assert_eq!(
            (status, refused["code"].as_str()),
            (403, Some("owner")),
            "{path}"
        );
    }
    let (status, refused) = owner.change(
        gateway,
        "PATCH",
        &format!("/v1/users/{owner_id}"),
        &json!({ "store_id": sold.downtown.to_hex() }).to_string(),
    );
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("invalid_field")),
        "{refused}"
    );
    let (status, _) = ada_in.change(
        gateway,
        "PATCH",
        &riley_path,
        &json!({ "role": "cashier" }).to_string(),
    );
    assert_eq!(status, 200);
    // Made a cashier, Riley's session stops within the time a gateway keeps it.
    within(CALLER_FOR * 2, "the demoted manager refused", || {
        (riley_in.get(gateway, "/v1/dashboard").0 == 403).then_some(())
    });
}

#[tokio::test]
async fn settings_changed_in_the_back_office_reach_the_tills_and_bad_values_change_nothing() {
    let sold = two_stores_sold("settings").await;
    let gateway = &sold.gateway;
    let owner = Session::of(gateway, "owner@example.com", PASSWORD);
    let (_, before) = owner.get(gateway, "/v1/business");
    assert_eq!(before["limits"]["stores"], Value::Null, "{before}");
    assert_eq!(before["usage"]["stores"], 2);
    assert_eq!(before["usage"]["tills"], 2);
    assert_eq!(before["usage"]["products"], 2);
    for (body, code) in [
        (json!({ "default_tax_rate": "abc" }), "invalid_field"),
        (json!({ "default_tax_rate": "101" }), "invalid_field"),
        (json!({ "return_window_days": -1 }), "invalid_field"),
        (json!({ "timezone": "Mars/Base" }), "invalid_field"),
        (json!({ "cashier_refund_limit": "20.001" }), "invalid_field"),
        (json!({ "currency": "EUR" }), "malformed_body"),
    ] {
        let (status, refused) =
            owner.change(gateway, "PATCH", "/v1/business/settings", &body.to_string());
        assert_eq!(
            (status, refused["code"].as_str()),
            (400, Some(code)),
            "{body}: {refused}"
        );
    }
    assert_eq!(
        owner.get(gateway, "/v1/business").1,
        before,
        "nothing written"
    );

    let (status, after) = owner.change(
        gateway,
        "PATCH",
        "/v1/business/settings",
        &json!({ "return_window_days": 14, "loyalty_points_per_unit": 2,
                 "default_tax_rate": "8.875", "cashier_refund_limit": "25" })
        .to_string(),
    );
    assert_eq!(status, 200, "{after}");
    let settings = &after["settings"];
    assert_eq!(settings["return_window_days"], 14);
    assert_eq!(settings["default_tax_rate"], "8.875%");
    assert_eq!(settings["cashier_refund_limit"], "25.00");
    assert_eq!(settings["currency"], "USD");
    // A store manager may not.
    person(
        &sold.name,
        sold.business,
        "manager@example.com",
        "manager",
        Some(sold.uptown),
    )
    .await;
    let manager = Session::of(gateway, "manager@example.com", PASSWORD);
    let (status, _) = manager.change(
        gateway,
        "PATCH",
        "/v1/business/settings",
        &json!({ "return_window_days": 90 }).to_string(),
    );
    assert_eq!(status, 403);
    // Every till has them at its next pull.
    for dir in &sold._tills {
        common::sync(dir.path()).await.unwrap();
        let till = Till::open(dir.path()).unwrap();
        assert_eq!(till.business().return_window_days, 14);
    }
}
