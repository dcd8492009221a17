//! The gateway as an operator and a business's program meet it: the real binary against
//! the MongoDB-wire test server, over HTTP.

mod common;

use bson::{doc, Document};
use common::{create_business, database, db, run_ok, server, within, Gateway, CALLER_FOR};

#[tokio::test(flavor = "multi_thread")]
async fn a_business_is_created_with_its_store_owner_and_a_key_shown_once_and_stored_hashed() {
    let name = database("create");
    let (output, key) = create_business(&name, "Corner Market", "Premium");
    assert!(key.starts_with("ssk_") && key.len() == 43, "{output}");
    assert_eq!(output.matches(&key).count(), 1, "shown once");
    let db = db(&name).await;
    let business = db
        .collection::<Document>("businesses")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(business.get_str("business_name"), Ok("Corner Market"));
    assert_eq!(business.get_str("package_plan"), Ok("Premium"));
    assert_eq!(business.get_str("subscription_status"), Ok("active"));
    assert_eq!(
        business
            .get_document("settings")
            .unwrap()
            .get_str("currency"),
        Ok("USD")
    );
    let owner_id = business.get_object_id("business_owner").unwrap();
    let owner = db
        .collection::<Document>("users")
        .find_one(doc! { "_id": owner_id })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.get_str("email"), Ok("owner@example.com"));
    assert_eq!(owner.get_str("role"), Ok("admin"));
    assert!(owner.get_str("pin_hash").unwrap().starts_with("$argon2id$"));
    let store = db
        .collection::<Document>("stores")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.get_object_id("business_id"),
        business.get_object_id("_id")
    );
    let api_key = db
        .collection::<Document>("api_keys")
        .find_one(doc! {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(api_key.get_str("status"), Ok("active"));
    let label = format!("{}…", &key[..10]);
    assert_eq!(api_key.get_str("api_key"), Ok(label.as_str()));
    assert_eq!(business.get_str("api_key"), api_key.get_str("api_key"));
    for document in [&business, &owner, &store, &api_key] {
        assert!(
            !document.to_string().contains(&key[4..36]),
            "the key is stored nowhere"
        );
    }

    for (plan, pin, email, wanted) in [
        (
            "Gold",
            "4321",
            "a@example.com",
            "\"Gold\" is not a plan: use Free, Standard or Premium.",
        ),
        ("Free", "12", "a@example.com", "A PIN is 4 to 8 digits."),
        (
            "Free",
            "4321",
            "nobody",
            "\"nobody\" is not an email address.",
        ),
    ] {
        let args = [
            "admin",
            "create-business",
            "--name",
            "Bad",
            "--store",
            "S",
            "--owner-email",
            email,
            "--owner-pin",
            pin,
            "--plan",
            plan,
        ];
        let out = server(&args, &name).output().unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{err}");
    }
    assert_eq!(
        db.collection::<Document>("businesses")
            .count_documents(doc! {})
            .await
            .unwrap(),
        1,
        "nothing of a refused business is written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_answers_a_businesss_key_and_refuses_every_other_in_words() {
    let name = database("api");
    let (_, key) = create_business(&name, "Corner Market", "Standard");
    let (_, free_key) = create_business(&name, "Tiny Shop", "Free");
    let gateway = Gateway::start(&name);
    let (status, health) = gateway.get("/health", None);
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));

    let (status, business) = gateway.get("/v1/business", Some(&key));
    assert_eq!(status, 200, "{business}");
    assert_eq!(business["business_name"], "Corner Market");
    assert_eq!(business["package_plan"], "Standard");
    assert_eq!(business["stores"], 1);

    let refused = |key: Option<&str>| {
        let (status, body) = gateway.get("/v1/business", key);
        (
            status,
            body["code"].as_str().unwrap().to_owned(),
            body["detail"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(refused(None).1, "missing_api_key");
    let mut typo = key.clone().into_bytes();
    typo[8] = if typo[8] == b'x' { b'y' } else { b'x' };
    let (status, code, _) = refused(Some(std::str::from_utf8(&typo).unwrap()));
    assert_eq!((status, code.as_str()), (401, "api_key_checksum"));
    let (status, code, message) = refused(Some(&free_key));
    assert_eq!((status, code.as_str()), (403, "plan_without_api"));
    assert!(
        message.contains("The Free plan has no REST API access"),
        "{message}"
    );

    let db = db(&name).await;
    db.collection::<Document>("businesses")
        .update_one(
            doc! { "business_name": "Corner Market" },
            doc! { "$set": { "subscription_status": "expired" } },
        )
        .await
        .unwrap();
    // Within the time a gateway keeps a key (it was used a moment ago).
    within(
        CALLER_FOR + std::time::Duration::from_secs(1),
        "the expired subscription refused",
        || (gateway.get("/v1/business", Some(&key)).0 != 200).then_some(()),
    );
    let (status, code, message) = refused(Some(&key));
    assert_eq!((status, code.as_str()), (402, "subscription_inactive"));
    assert!(message.contains("subscription is expired"), "{message}");
    db.collection::<Document>("businesses")
        .update_one(
            doc! { "business_name": "Corner Market" },
            doc! { "$set": { "subscription_status": "active" } },
        )
        .await
        .unwrap();
    assert_eq!(
        gateway.get("/v1/business", Some(&key)).0,
        200,
        "renewed: it answers again"
    );
    let used = db
        .collection::<Document>("api_keys")
        .find_one(doc! { "business_id": { "$ne": bson::Bson::Null }, "last_used": { "$ne": bson::Bson::Null } })
        .await
        .unwrap();
    assert!(used.is_some(), "last_used is kept");

    // Revoked in the database, as another gateway does: refused within the time a
    // gateway keeps a key (it was used a moment ago).
    db.collection::<Document>("api_keys")
        .update_many(doc! {}, doc! { "$set": { "status": "revoked" } })
        .await
        .unwrap();
    within(
        CALLER_FOR + std::time::Duration::from_secs(1),
        "the revoked key refused",
        || (gateway.get("/v1/business", Some(&key)).0 != 200).then_some(()),
    );
    let (status, code, _) = refused(Some(&key));
    assert_eq!((status, code.as_str()), (401, "api_key_revoked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_terminates_tls_with_its_own_certificate() {
    let name = database("tls");
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();

    // A key file that is not one: refused in words before listening.
    let out = server(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            cert.to_str().unwrap(),
        ],
        &name,
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Could not use the TLS certificate"), "{err}");

    let gateway = Gateway::start_with(
        &name,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(gateway.base.starts_with("https://"), "{}", gateway.base);
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The certificate names localhost; the client finds it at 127.0.0.1 itself, so the
    // test does not depend on the machine's /etc/hosts (a fresh chroot has none).
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(made.cert.pem().as_bytes()).unwrap()])
        .resolve("localhost", std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
        .unwrap();
    let port = gateway.base.rsplit(':').next().unwrap();
    let health = client
        .get(format!("https://localhost:{port}/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    // Plain HTTP to the TLS port gets no answer.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/health"))
        .send()
        .await;
    assert!(plain.map(|r| r.status() != 200).unwrap_or(true));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operator_makes_another_key_shown_once() {
    let name = database("keys");
    let (output, _) = create_business(&name, "Corner Market", "Standard");
    let business = common::id_in(&output, "business");
    let text = run_ok(
        &[
            "admin",
            "create-key",
            "--business",
            &business,
            "--read-only",
        ],
        &name,
    );
    let key = text.lines().last().unwrap().to_owned();
    assert!(
        key.starts_with("ssk_") && text.contains("scopes read"),
        "{text}"
    );
    let gateway = Gateway::start(&name);
    let (status, answer) = gateway.get("/v1/business", Some(&key));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["key_scopes"], serde_json::json!(["read"]));
    // Another business's id, or none: refused in words, no key made.
    let out = server(
        &[
            "admin",
            "create-key",
            "--business",
            &bson::oid::ObjectId::new().to_hex(),
        ],
        &name,
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("There is no business"));
    assert_eq!(
        db(&name)
            .await
            .collection::<Document>("api_keys")
            .count_documents(doc! {})
            .await
            .unwrap(),
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plans_stores_and_tills_hold_when_requests_come_at_the_same_moment() {
    let name = database("quotas");
    let (created, key) = create_business(&name, "Corner Market", "Standard");
    let business = common::id_in(&created, "business");
    let store = common::id_in(&created, "store");
    let gateway = Gateway::start(&name);
    // Standard: 3 stores, 5 tills a store. Eight of each asked for at once.
    let codes: Vec<String> = (0..8)
        .map(|_| common::enrolment_code(&name, &business, &store))
        .collect();
    let (stores, tills): (Vec<u16>, Vec<u16>) = std::thread::scope(|scope| {
        let stores: Vec<_> = (0..8)
            .map(|n| {
                let (gateway, key) = (&gateway, &key);
                scope.spawn(move || {
                    gateway
                        .post(
                            "/v1/stores",
                            Some(key),
                            &format!(r#"{{"store_name": "Branch {n}"}}"#),
                        )
                        .0
                })
            })
            .collect();
        let tills: Vec<_> = codes
            .iter()
            .map(|code| {
                let gateway = &gateway;
                scope.spawn(move || {
                    gateway
                        .post("/v1/tills/enrol", None, &format!(r#"{{"code": "{code}"}}"#))
                        .0
                })
            })
            .collect();
        (
            stores.into_iter().map(|t| t.join().unwrap()).collect(),
            tills.into_iter().map(|t| t.join().unwrap()).collect(),
        )
    });
    let db = db(&name).await;
    let count = |collection: &'static str, filter: Document| {
        let db = db.clone();
        async move {
            db.collection::<Document>(collection)
                .count_documents(filter)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("stores", doc! {}).await, 3, "{stores:?}");
    assert_eq!(
        stores.iter().filter(|s| **s == 201).count(),
        2,
        "{stores:?}"
    );
    assert_eq!(
        count("devices", doc! { "status": "active" }).await,
        5,
        "{tills:?}"
    );
    assert_eq!(tills.iter().filter(|s| **s == 200).count(), 5, "{tills:?}");
}
