//! The gateway as an operator and a business's program meet it: the real binary against
//! the MongoDB-wire test server, over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use bson::{doc, Document};
use mongodb::Client;

fn uri() -> String {
    std::env::var("SELLSYNC_TEST_MONGODB_URI")
        .expect("the gateway tests need a MongoDB-wire server: run them with `bash tests/run`")
}

fn database(name: &str) -> String {
    format!("gateway_{name}_{}", std::process::id())
}

fn server(args: &[&str], database: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sellsync-server"));
    command
        .args(args)
        .env("SELLSYNC_MONGODB_URI", uri())
        .env("SELLSYNC_DATABASE", database)
        .env("RUST_LOG", "warn");
    command
}

/// `admin create-business`: its output, and the key it showed once.
fn create_business(database: &str, name: &str, plan: &str) -> (String, String) {
    let out = server(
        &[
            "admin",
            "create-business",
            "--name",
            name,
            "--owner-email",
            "Owner@Example.com",
            "--owner-pin",
            "4321",
            "--plan",
            plan,
            "--store",
            "Main Street",
        ],
        database,
    )
    .output()
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = text.lines().last().unwrap().to_owned();
    (text, key)
}

/// The gateway serving on a free port, and its address.
struct Gateway {
    child: Child,
    base: String,
}

impl Gateway {
    fn start(database: &str) -> Gateway {
        let mut child = server(&["serve", "--listen", "127.0.0.1:0"], database)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("sellsync-server listening on ")
            .unwrap_or_else(|| panic!("{line}"))
            .to_owned();
        Gateway { child, base }
    }

    /// GET `path` with `key` as the bearer: the status and the JSON body.
    fn get(&self, path: &str, key: Option<&str>) -> (u16, serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        let mut response = request.call().unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        (
            response.status().as_u16(),
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}")),
        )
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn db(database: &str) -> mongodb::Database {
    Client::with_uri_str(uri())
        .await
        .unwrap()
        .database(database)
}

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
            body["message"].as_str().unwrap().to_owned(),
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

    // Revoked: refused at once, on this gateway and any other.
    db.collection::<Document>("api_keys")
        .update_many(doc! {}, doc! { "$set": { "status": "revoked" } })
        .await
        .unwrap();
    let (status, code, _) = refused(Some(&key));
    assert_eq!((status, code.as_str()), (401, "api_key_revoked"));
}
