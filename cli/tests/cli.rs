//! The `sellsync` binary, run as a person or a script would run it, against real till
//! databases in temporary folders.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn sellsync(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sellsync"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("SELLSYNC_USER")
        .env_remove("SELLSYNC_PIN")
        .env_remove("SELLSYNC_MONGODB_URI")
        .env_remove("SELLSYNC_MONGODB_DATABASE")
        .output()
        .unwrap()
}

/// Runs a command that must succeed; returns its standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = sellsync(dir, args);
    assert!(
        out.status.success(),
        "sellsync {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &all)).unwrap()
}

/// An amount as `--json` writes it (a decimal string with two decimals) in cents.
fn cents(amount: &Value) -> i64 {
    let text = amount
        .as_str()
        .unwrap_or_else(|| panic!("{amount} is not a string"));
    let (units, hundredths) = text.split_once('.').unwrap();
    assert_eq!(hundredths.len(), 2, "{text}");
    let value = units.trim_start_matches('-').parse::<i64>().unwrap() * 100
        + hundredths.parse::<i64>().unwrap();
    if text.starts_with('-') {
        -value
    } else {
        value
    }
}

/// Runs a command that must fail; returns its error message.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = sellsync(dir, args);
    assert!(!out.status.success(), "sellsync {args:?} succeeded");
    assert!(out.stdout.is_empty(), "a failed command printed a result");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: "), "{err}");
    err
}

/// What a change would touch: the outbox (every write appends to it) and stock.
fn state(dir: &Path) -> (Value, Value) {
    (
        json(dir, &with(MANAGER, &["outbox"])),
        json(dir, &["stock"]),
    )
}

const CASHIER: [&str; 4] = ["--user", "cashier@example.com", "--pin", "1111"];
const MANAGER: [&str; 4] = ["--user", "manager@example.com", "--pin", "2345"];

fn with<'a>(who: [&'a str; 4], rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = rest.to_vec();
    args.extend_from_slice(&who);
    args
}

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(dir.path(), &["init", "--demo"]);
    assert!(out.contains("cashier@example.com"), "{out}");
    assert!(out.contains("PIN 1111"), "{out}");
    ok(
        dir.path(),
        &with(
            MANAGER,
            &[
                "product",
                "add",
                "--sku",
                "CLI-1",
                "--name",
                "Cli Test Soap",
                "--price",
                "2.50",
                "--barcode",
                "73513537",
                "--stock",
                "3",
                "--threshold",
                "2",
                "--tax-rate",
                "8.875",
                "--category",
                "Test",
            ],
        ),
    );
    dir
}

#[test]
fn a_day_at_the_till() {
    let dir = demo();
    let d = dir.path();
    let found = json(d, &["product", "find", "73513537"]);
    assert_eq!(found[0]["sku"], "CLI-1");
    assert_eq!(found[0]["price"], "2.50");
    let found = json(d, &["product", "find", "soap cli"]);
    assert_eq!(found[0]["sku"], "CLI-1");

    let sale = json(
        d,
        &with(
            CASHIER,
            &[
                "sale",
                "--item",
                "73513537:2",
                "--pay",
                "cash:10",
                "--discount",
                "10%",
            ],
        ),
    );
    // 5.00 - 0.50 = 4.50, tax 8.875% = 0.40; change from 10.00 is 5.10.
    // Amounts as the REST API gives them: decimal strings, the currency beside them.
    assert_eq!(sale["currency"], "USD");
    assert_eq!(sale["items"][0]["unit_price"], "2.50");
    assert_eq!(sale["items"][0]["tax_rate"], "8.875");
    assert_eq!(sale["total_amount"], "4.90");
    assert_eq!(sale["change_due"], "5.10");
    assert_eq!(sale["sale_number"], "T1-000001");

    let text = ok(
        d,
        &with(
            CASHIER,
            &["sale", "--item", "CLI-1", "--pay", "credit-card"],
        ),
    );
    assert!(text.contains("T1-000002"), "{text}");
    assert!(text.contains("TOTAL USD"), "{text}");

    // 3 - 2 - 1 = 0: at the threshold, and the low-stock list shows it.
    let low = json(d, &["stock", "--low"]);
    assert!(low
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["sku"] == "CLI-1" && p["stock"] == 0));
    let notes = ok(d, &["notifications"]);
    assert!(
        notes.contains("Low stock: Cli Test Soap is down to 1"),
        "{notes}"
    );
    // Times show in the business's time zone (New York: UTC-5 or UTC-4), not in UTC.
    let newest = &json(d, &["notifications"])[0]["created_at"];
    let utc: chrono::DateTime<chrono::Utc> = newest.as_str().unwrap().parse().unwrap();
    let shown = |hours: i32| {
        utc.with_timezone(&chrono::FixedOffset::west_opt(hours * 3600).unwrap())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    assert!(
        notes.starts_with(&shown(5)) || notes.starts_with(&shown(4)),
        "{notes}"
    );

    let change = json(
        d,
        &with(
            MANAGER,
            &["stock", "adjust", "CLI-1", "-1", "--reason", "broken"],
        ),
    );
    assert_eq!(
        (change["before"].clone(), change["after"].clone()),
        (0.into(), (-1).into())
    );
    ok(d, &with(MANAGER, &["stock", "restock", "CLI-1", "12"]));
    assert!(ok(d, &["stock", "verify"]).contains("agree with their stock ledger"));

    let pending = json(d, &with(MANAGER, &["outbox", "--pending"]));
    let sales = pending
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["collection"] == "sales_transactions")
        .count();
    assert_eq!(sales, 2);

    let report = json(d, &with(MANAGER, &["report", "day"]));
    assert_eq!(report["sales"], 2);
    assert_eq!(report["items_sold"], 3);
}

#[test]
fn a_new_business_and_csv_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "init",
            "--business",
            "Kissa",
            "--store",
            "Kissa Shibuya",
            "--currency",
            "JPY",
            "--timezone",
            "Asia/Tokyo",
            "--tax-inclusive",
            "--tax-rate",
            "10",
            "--admin-name",
            "Aiko",
            "--admin-email",
            "aiko@example.com",
            "--admin-pin",
            "8642",
        ],
    );
    let owner = ["--user", "aiko@example.com", "--pin", "8642"];
    let csv = d.join("menu.csv");
    std::fs::write(
        &csv,
        "sku,name,price,stock\nMATCHA,Matcha latte,550,20\nDANGO,Dango,300,\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    assert!(ok(d, &with(owner, &["product", "import", csv])).contains("Imported 2 products"));
    // A new business's till sells once a shift is open; the error says how to open one.
    let err = fails(
        d,
        &with(owner, &["sale", "--item", "MATCHA", "--pay", "card"]),
    );
    assert!(err.contains("No shift is open at this till"), "{err}");
    assert!(
        err.contains("hint: open one with `sellsync shift open --float AMOUNT`"),
        "{err}"
    );
    let out = ok(d, &with(owner, &["shift", "open", "--float", "10000"]));
    assert!(out.contains("by Aiko, float 10000"), "{out}");
    let sale = json(
        d,
        &with(owner, &["sale", "--item", "MATCHA:2", "--pay", "card"]),
    );
    // Tax-inclusive yen: 1100 includes 100 of tax.
    assert_eq!(sale["currency"], "JPY");
    assert_eq!(sale["total_amount"], "1100");
    assert_eq!(sale["tax_total"], "100");
    let err = fails(
        d,
        &with(owner, &["sale", "--item", "DANGO", "--pay", "cash:300.5"]),
    );
    assert!(err.contains("more than 0 decimal places"), "{err}");
}

#[test]
fn bad_input_is_refused_in_words_and_changes_nothing() {
    let dir = demo();
    let d = dir.path();
    let before = state(d);
    let cases: &[(&[&str], &str)] = &[
        (
            &["sale", "--item", "0000000000000", "--pay", "cash"],
            "No product has the barcode or SKU",
        ),
        (
            &["sale", "--item", "CLI-1:0", "--pay", "cash"],
            "is not a quantity here: type a whole number from 1",
        ),
        (
            &["sale", "--item", "CLI-1:-2", "--pay", "cash"],
            "is not a quantity here: type a whole number from 1",
        ),
        (
            &["sale", "--item", "CLI-1:x", "--pay", "cash"],
            "\"x\" in --item \"CLI-1:x\" is not a quantity",
        ),
        (
            &["sale", "--item", "CLI-1", "--pay", "cash:1.00"],
            "does not cover the total",
        ),
        (
            &["sale", "--item", "CLI-1", "--pay", "cash:abc"],
            "is not an amount",
        ),
        (
            &[
                "sale",
                "--item",
                "CLI-1",
                "--pay",
                "cash:99999999999999999999",
            ],
            "is too large",
        ),
        (
            &["sale", "--item", "CLI-1", "--pay", "credit-card:50"],
            "only cash gives change",
        ),
        (
            &["sale", "--item", "CLI-1", "--pay", "cheque"],
            "No payment method is called \"cheque\"",
        ),
        (
            &[
                "sale",
                "--item",
                "CLI-1",
                "--pay",
                "cash",
                "--discount",
                "50%",
            ],
            "A cashier may give at most 10%",
        ),
        (
            &[
                "sale",
                "--item",
                "CLI-1",
                "--pay",
                "cash",
                "--customer",
                "nobody@example.com",
            ],
            "add --customer-name",
        ),
        (
            &["stock", "adjust", "CLI-1", "5", "--reason", "found"],
            "not allowed to manage inventory",
        ),
        (
            &[
                "product", "add", "--sku", "X", "--name", "X", "--price", "1",
            ],
            "not allowed to manage inventory",
        ),
        (&["report", "day"], "not allowed to view reports"),
    ];
    for (args, message) in cases {
        let err = fails(d, &with(CASHIER, args));
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let bad_product: &[(&[&str], &str)] = &[
        (
            &[
                "--sku",
                "X-2",
                "--name",
                "X",
                "--price",
                "1",
                "--barcode",
                "73513538",
            ],
            "wrong check digit",
        ),
        (
            &["--sku", "CLI-1", "--name", "X", "--price", "1"],
            "already has the SKU",
        ),
        (
            &["--sku", "X-3", "--name", "X", "--price", "-1"],
            "negative",
        ),
        (
            &[
                "--sku",
                "X-4",
                "--name",
                "X",
                "--price",
                "1",
                "--tax-rate",
                "150",
            ],
            "not a percentage",
        ),
    ];
    for (args, message) in bad_product {
        let mut full = vec!["product", "add"];
        full.extend_from_slice(args);
        let err = fails(d, &with(MANAGER, &full));
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let err = fails(
        d,
        &[
            "sale",
            "--user",
            "cashier@example.com",
            "--pin",
            "0000",
            "--item",
            "CLI-1",
            "--pay",
            "cash",
        ],
    );
    assert!(
        err.contains("Wrong PIN or password. 4 more wrong tries"),
        "{err}"
    );
    assert_eq!(state(d), before);

    for _ in 0..4 {
        fails(
            d,
            &with(
                ["--user", "cashier@example.com", "--pin", "0000"],
                &["report", "day"],
            ),
        );
    }
    let err = fails(
        d,
        &with(CASHIER, &["sale", "--item", "CLI-1", "--pay", "cash"]),
    );
    assert!(err.contains("This account is locked"), "{err}");
    assert_eq!(state(d), before);
}

#[test]
fn missing_foreign_and_newer_data_folders() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let err = fails(&missing, &["stock"]);
    assert!(err.contains("There is no data folder at"), "{err}");
    assert!(err.contains("sellsync init --demo --data-dir"), "{err}");

    let err = fails(dir.path(), &with(MANAGER, &["outbox"]));
    assert!(err.contains("holds no till database"), "{err}");

    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(
        foreign.path().join("till.sqlite3"),
        "just some notes, not a till\n",
    )
    .unwrap();
    let err = fails(foreign.path(), &["stock"]);
    assert!(err.contains("is not a Sell Sync till database"), "{err}");
    let err = fails(foreign.path(), &["init", "--demo"]);
    assert!(err.contains("already holds a till database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(foreign.path().join("till.sqlite3")).unwrap(),
        "just some notes, not a till\n"
    );

    let newer = demo();
    rusqlite::Connection::open(newer.path().join("till.sqlite3"))
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = fails(newer.path(), &["stock"]);
    assert!(
        err.contains("written by a newer Sell Sync (schema 99"),
        "{err}"
    );
}

#[test]
fn staff_customers_and_product_edits() {
    let dir = demo();
    let d = dir.path();
    let admin = ["--user", "admin@example.com", "--pin", "1234"];
    let new_user = [
        "user",
        "add",
        "--name",
        "Lee Park",
        "--email",
        "lee@example.com",
        "--new-pin",
        "5555",
    ];
    let err = fails(d, &with(MANAGER, &new_user));
    assert!(
        err.contains("not allowed to manage staff accounts"),
        "{err}"
    );
    ok(d, &with(admin, &new_user));
    let staff = json(d, &["user", "list"]);
    assert!(staff
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["email"] == "lee@example.com" && m["role"] == "cashier"));
    ok(
        d,
        &[
            "sale",
            "--user",
            "lee@example.com",
            "--pin",
            "5555",
            "--item",
            "CLI-1",
            "--pay",
            "cash",
        ],
    );

    let err = fails(
        d,
        &with(
            CASHIER,
            &["customer", "add", "--name", "Ann", "--phone", "12"],
        ),
    );
    assert!(err.contains("is not a phone number"), "{err}");
    ok(
        d,
        &with(
            CASHIER,
            &[
                "customer",
                "add",
                "--name",
                "Ann Lee",
                "--phone",
                "+1 555 555 0101",
            ],
        ),
    );
    ok(
        d,
        &with(
            CASHIER,
            &[
                "sale",
                "--item",
                "CLI-1",
                "--pay",
                "cash",
                "--customer",
                "15555550101",
            ],
        ),
    );
    // Customers' details are personal: looking them up needs a sign-in.
    fails(d, &["customer", "find", "+1 (555) 555-0101"]);
    let ann = json(
        d,
        &with(CASHIER, &["customer", "find", "+1 (555) 555-0101"]),
    );
    assert_eq!(ann["name"], "Ann Lee");
    assert_eq!(ann["loyalty_points"], 2);
    assert_eq!(ann["purchase_history"].as_array().unwrap().len(), 1);

    let edited = json(
        d,
        &with(
            MANAGER,
            &[
                "product",
                "edit",
                "CLI-1",
                "--price",
                "2.75",
                "--no-barcode",
            ],
        ),
    );
    assert_eq!(edited[0]["price"], "2.75");
    assert_eq!(edited[0]["barcode"], Value::Null);
    let err = fails(
        d,
        &with(CASHIER, &["product", "edit", "CLI-1", "--price", "0.01"]),
    );
    assert!(err.contains("not allowed to manage inventory"), "{err}");
}

#[test]
fn sync_sends_the_outbox_and_says_how_it_stands() {
    let uri = std::env::var("SELLSYNC_TEST_MONGODB_URI")
        .expect("the sync test needs a MongoDB-wire server: run the tests with `bash tests/run`");
    let dir = demo();
    let d = dir.path();
    let database = format!("cli_sync_{}", std::process::id());

    let status = json(d, &["sync", "status"]);
    assert_eq!(status["central"], Value::Null);
    let waiting = status["pending"].as_i64().unwrap();
    assert!(waiting > 300, "{status}");
    let err = fails(d, &["sync", "--once"]);
    assert!(err.contains("no central database is set"), "{err}");

    // Unreachable: a clear error, nothing lost, and the till sells on.
    let nowhere = "mongodb://till:hunter2@127.0.0.1:1/?serverSelectionTimeoutMS=200";
    let err = fails(d, &["sync", "--once", "--mongodb", nowhere]);
    assert!(
        err.contains("Cannot reach the central database at 127.0.0.1:1"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    ok(
        d,
        &with(CASHIER, &["sale", "--item", "CLI-1", "--pay", "cash"]),
    );
    let status = json(d, &["sync", "status"]);
    // The sale, its stock movement, a low-stock notification (3 -> 2, threshold 2) and
    // its journal entry.
    assert_eq!(status["pending"].as_i64().unwrap(), waiting + 4, "{status}");
    assert!(status["last_error"]
        .as_str()
        .unwrap()
        .starts_with("Cannot reach"));

    // Saved settings, then a run that empties the outbox.
    ok(
        d,
        &with(
            MANAGER,
            &["sync", "setup", "--mongodb", &uri, "--database", &database],
        ),
    );
    let settings = std::fs::read_to_string(d.join("sync.toml")).unwrap();
    assert!(settings.contains(&database), "{settings}");
    let done = json(d, &["sync", "--once"]);
    assert_eq!(done["delivered"].as_i64().unwrap(), waiting + 4, "{done}");
    assert_eq!(
        (done["pending"].as_i64(), done["parked"].as_i64()),
        (Some(0), Some(0))
    );
    let status = ok(d, &["sync", "status"]);
    assert!(status.contains("Waiting to be sent: 0"), "{status}");
    assert!(
        status.contains(&format!("(database {database})")),
        "{status}"
    );
    let again = json(d, &["sync", "--once"]);
    assert_eq!(again["delivered"], 0);

    let err = fails(d, &with(MANAGER, &["sync", "retry", "1"]));
    assert!(err.contains("Change #1 is not parked"), "{err}");
    let err = fails(d, &with(CASHIER, &["sync", "discard", "1"]));
    assert!(err.contains("not allowed to manage sync"), "{err}");

    // The journal as central holds it: this till's, whole.
    let err = fails(d, &with(CASHIER, &["sync", "journal"]));
    assert!(err.contains("not allowed to view reports"), "{err}");
    let local = json(d, &with(MANAGER, &["journal", "verify"]));
    let journals = json(d, &with(MANAGER, &["sync", "journal"]));
    let journals = journals.as_array().unwrap();
    assert_eq!(journals.len(), 1, "{journals:?}");
    assert_eq!(journals[0]["this_till"], true);
    assert_eq!(journals[0]["entries"], local["total"]);
    assert_eq!(journals[0]["broken_at"], Value::Null);
    let text = ok(d, &with(MANAGER, &["sync", "journal"]));
    assert!(text.contains("(this till):"), "{text}");
    assert!(text.contains("entries verify"), "{text}");
}

#[test]
fn a_second_till_of_the_store_starts_from_mongodb() {
    let uri = std::env::var("SELLSYNC_TEST_MONGODB_URI")
        .expect("the sync test needs a MongoDB-wire server: run the tests with `bash tests/run`");
    let database = format!("cli_provision_{}", std::process::id());
    let first = demo();
    let d1 = first.path();
    ok(
        d1,
        &with(
            MANAGER,
            &["sync", "setup", "--mongodb", &uri, "--database", &database],
        ),
    );
    ok(d1, &["sync", "--once"]);
    let outbox = json(d1, &with(MANAGER, &["outbox"]));
    let store = outbox
        .as_array()
        .unwrap()
        .iter()
        .find(|op| op["collection"] == "stores")
        .unwrap()["document_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A wrong store id: a clear error and no till.
    let nowhere = tempfile::tempdir().unwrap();
    let err = fails(
        nowhere.path(),
        &[
            "init",
            "--from-mongodb",
            &uri,
            "--database",
            &database,
            "--store",
            "front-desk",
        ],
    );
    assert!(err.contains("\"front-desk\" is not a store id"), "{err}");
    assert!(!nowhere.path().join("till.sqlite3").exists());

    let second = tempfile::tempdir().unwrap();
    let d2 = second.path();
    let out = ok(
        d2,
        &[
            "init",
            "--from-mongodb",
            &uri,
            "--database",
            &database,
            "--store",
            &store,
        ],
    );
    assert!(out.contains("Set up till T"), "{out}");
    assert!(out.contains("Corner Market"), "{out}");
    // The product made on the first till, sold by its cashier on the second, once the
    // second till's first shift is open.
    ok(
        d2,
        &with(CASHIER, &["shift", "open", "--count", "20x2,1x10"]),
    );
    ok(
        d2,
        &with(CASHIER, &["sale", "--item", "CLI-1", "--pay", "cash"]),
    );
    // The second till saved its central database: no flags needed.
    let done = json(d2, &["sync", "--once"]);
    assert!(done["delivered"].as_i64().unwrap() >= 2, "{done}");
    let done = json(d1, &["sync", "--once"]);
    assert!(done["pulled"].as_i64().unwrap() >= 1, "{done}");
    let soap = |dir: &Path| {
        json(dir, &["stock"])
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sku"] == "CLI-1")
            .unwrap()["stock"]
            .clone()
    };
    assert_eq!(soap(d1), 2, "the first till sees the second till's sale");
    assert_eq!(soap(d2), 2);
    let status = ok(d1, &["sync", "status"]);
    assert!(
        status.contains("Central changes last received: "),
        "{status}"
    );
    assert!(!status.contains("received: never"), "{status}");
}

const ADMIN: [&str; 4] = ["--user", "admin@example.com", "--pin", "1234"];

/// ESC/POS bytes read back by emupos (`tests/emupos decode`), an independent decoder.
fn decode(file: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/emupos");
    let out = Command::new("bash")
        .arg(script)
        .arg("decode")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn receipts_printers_and_the_drawer() {
    let till = demo();
    let dir = till.path();
    let paper = dir.join("printer.bin");
    let paper_arg = format!("file:{}", paper.display());

    // No printer yet: the sale still works, and saying so is an error only when asked to print.
    let err = fails(dir, &with(CASHIER, &["drawer", "open"]));
    assert!(
        err.contains("is not allowed to open the cash drawer"),
        "{err}"
    );
    let err = fails(dir, &with(MANAGER, &["drawer", "open"]));
    assert!(err.contains("no receipt printer"), "{err}");
    let err = fails(dir, &with(MANAGER, &["printer", "setup", &paper_arg]));
    assert!(err.contains("not allowed to change settings"), "{err}");
    for (bad, says) in [
        (
            vec!["printer", "setup", "lpt:1"],
            "Not a printer connection",
        ),
        (
            vec!["printer", "setup", "tcp://host:99999"],
            "port is a number",
        ),
        (
            vec!["printer", "setup", &paper_arg, "--paper", "76"],
            "not a paper width",
        ),
        (
            vec!["printer", "setup", &paper_arg, "--code-page", "utf8"],
            "not a code page",
        ),
    ] {
        let err = fails(dir, &with(ADMIN, &bad));
        assert!(err.contains(says), "{bad:?}: {err}");
    }
    assert!(ok(dir, &["printer", "show"]).contains("no receipt printer"));

    ok(
        dir,
        &with(
            ADMIN,
            &[
                "printer",
                "setup",
                &paper_arg,
                "--paper",
                "58",
                "--footer",
                "Merci à vous",
            ],
        ),
    );
    let shown = ok(dir, &["printer", "show"]);
    assert!(
        shown.contains("58 mm (32 columns)") && shown.contains("PC858"),
        "{shown}"
    );

    // A cash sale with --print: saved, printed, the drawer opened.
    let sale = json(
        dir,
        &with(
            CASHIER,
            &["sale", "--item", "PRO-001:2", "--pay", "cash:20", "--print"],
        ),
    );
    let number = sale["sale_number"].as_str().unwrap();
    let decoded = decode(&paper);
    assert_eq!(decoded["unknown"], serde_json::json!([]), "{decoded:#}");
    assert_eq!(decoded["drawer_opened"], 1);
    let receipt = &decoded["receipts"][0];
    assert_eq!(receipt["boundary"], "cut");
    assert!(receipt["text"]
        .as_str()
        .unwrap()
        .contains(&format!("Sale {number}")));
    assert!(receipt["text"].as_str().unwrap().contains("Merci à vous"));
    assert_eq!(receipt["codes"][0]["data"], sale["id"]);
    assert_eq!(receipt["codes"][1]["data"], number);

    // The receipt again: as bytes on 80 mm, as text, as a marked copy on the printer.
    let out = dir.join("again.bin");
    ok(
        dir,
        &[
            "receipt",
            number,
            "--width",
            "80",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let again = decode(&out);
    assert_eq!(again["drawer_opened"], 0, "only the sale opens the drawer");
    assert!(again["receipts"][0]["text"]
        .as_str()
        .unwrap()
        .contains(&format!("Sale {number}")));
    let text = ok(dir, &["receipt", sale["id"].as_str().unwrap(), "--text"]);
    assert!(
        text.contains("TOTAL") && text.contains(&format!("[barcode {number}]")),
        "{text}"
    );
    let printed = ok(dir, &with(CASHIER, &["reprint", number]));
    assert!(printed.contains(&format!("Printed the copy of the receipt of sale {number}")));
    for (bad, says) in [
        (
            vec!["receipt", "T9-000001", "--text"],
            "No sale has the number",
        ),
        (
            vec!["receipt", number, "--width", "76", "--text"],
            "not a paper width",
        ),
        (
            vec!["receipt", number, "--printer", "carrier-pigeon"],
            "Not a printer connection",
        ),
    ] {
        let err = fails(dir, &bad);
        assert!(err.contains(says), "{bad:?}: {err}");
    }

    // Opening the drawer on demand is recorded, with who did it.
    ok(dir, &with(MANAGER, &["drawer", "open"]));
    let shown = json(dir, &["printer", "show"]);
    let reasons: Vec<&str> = shown["drawer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["no_sale", "cash_sale"]);

    // A printer nobody answers: the sale is saved all the same, with a warning and a
    // notification; the command succeeds (running it again would sell twice).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    ok(
        dir,
        &with(
            ADMIN,
            &["printer", "setup", &format!("tcp://127.0.0.1:{port}")],
        ),
    );
    let out = sellsync(
        dir,
        &with(
            CASHIER,
            &["sale", "--item", "PRO-001", "--pay", "cash", "--print"],
        ),
    );
    assert!(out.status.success());
    let warning = String::from_utf8(out.stderr).unwrap();
    assert!(
        warning.contains("did not print") && warning.contains("cannot reach the printer"),
        "{warning}"
    );
    assert!(ok(dir, &["notifications"]).contains("The cash drawer did not open"));
    let err = fails(dir, &["printer", "status"]);
    assert!(err.contains("cannot reach the printer"), "{err}");
}

#[test]
fn the_outbox_and_the_central_database_are_a_managers() {
    let dir = demo();
    let d = dir.path();
    let setup = ["sync", "setup", "--mongodb", "mongodb://db.example:27017"];
    let err = fails(d, &setup);
    assert!(err.contains("--user"), "a sign-in is needed: {err}");
    let err = fails(d, &with(CASHIER, &setup));
    assert!(err.contains("not allowed to manage sync"), "{err}");
    assert!(!d.join("sync.toml").exists(), "nothing was saved");
    ok(d, &with(MANAGER, &setup));
    assert!(d.join("sync.toml").exists());

    assert!(fails(d, &["outbox"]).contains("--user"));
    let err = fails(d, &with(CASHIER, &["outbox"]));
    assert!(err.contains("not allowed to manage sync"), "{err}");
    let shown = ok(d, &with(MANAGER, &["outbox", "--json"]));
    assert!(
        shown.contains("pin_hash") && !shown.contains("$argon2"),
        "no hash shown"
    );
}

#[test]
fn returns_with_and_without_a_receipt() {
    let dir = demo();
    let d = dir.path();
    let sale = json(
        d,
        &with(
            CASHIER,
            &[
                "sale",
                "--item",
                "73513537:3",
                "--pay",
                "credit card:5",
                "--pay",
                "cash",
            ],
        ),
    );
    let number = sale["sale_number"].as_str().unwrap();
    // 3 x 2.50 + 8.875% = 8.17: 5.00 on card, 3.17 in cash.
    assert_eq!(sale["total_amount"], "8.17");

    let out = ok(
        d,
        &with(
            CASHIER,
            &[
                "return",
                number,
                "--item",
                "73513537:1",
                "--reason",
                "Too many",
            ],
        ),
    );
    assert!(out.contains(&format!("(returns sale {number})")), "{out}");
    assert!(out.contains("REFUND USD"), "{out}");
    assert!(out.contains("Reason: Too many"), "{out}");

    // Over what is left, to a tender it did not pay with, and without a reason.
    let before = state(d);
    let err = fails(
        d,
        &with(
            CASHIER,
            &["return", number, "--item", "73513537:3", "--reason", "x"],
        ),
    );
    assert!(
        err.contains("3 sold, 1 returned already, so at most 2 more"),
        "{err}"
    );
    let err = fails(
        d,
        &with(
            CASHIER,
            &[
                "return",
                number,
                "--all",
                "--reason",
                "x",
                "--refund",
                "debit card",
            ],
        ),
    );
    assert!(err.contains("The sale was not paid by Debit Card"), "{err}");
    assert_eq!(before, state(d), "nothing written");

    // The rest, damaged: the card paid 5.00 and got 1.66 back with the first return, so
    // it takes at most 3.34 more; the cash takes the rest.
    let rest = [
        "return",
        number,
        "--all",
        "--damaged",
        "73513537",
        "--reason",
        "Leaking",
        "--refund",
        "credit card",
    ];
    let err = fails(d, &with(CASHIER, &rest));
    assert!(
        err.contains("Credit Card can take back at most 3.34"),
        "{err}"
    );
    let mut split = rest[..rest.len() - 2].to_vec();
    split.extend(["--refund", "credit card:3.34", "--refund", "cash"]);
    let back = json(d, &with(CASHIER, &split));
    assert_eq!(back["transaction_type"], "return");
    assert_eq!(back["total_amount"], "5.45");
    assert_eq!(back["items"][0]["damaged"], true);
    assert_eq!(back["payments"][0]["amount"], "3.34");
    assert_eq!(back["payments"][1]["amount"], "2.11");

    // Without a receipt: a cashier needs a manager's PIN.
    let no_receipt = [
        "return",
        "--no-receipt",
        "--item",
        "73513537:1",
        "--price",
        "2.00",
        "--reason",
        "Gift",
    ];
    let err = fails(d, &with(CASHIER, &no_receipt));
    assert!(
        err.contains("A manager must approve this: a return without a receipt"),
        "{err}"
    );
    let mut approved = no_receipt.to_vec();
    approved.extend([
        "--approve-user",
        "manager@example.com",
        "--approve-pin",
        "2345",
    ]);
    let back = json(d, &with(CASHIER, &approved));
    assert_eq!(back["total_amount"], "2.18");
    assert_eq!(back["payments"][0]["kind"], "cash");
    assert!(back["approved_by"].is_string());

    // Or as a customer's store credit, which she spends on her next sale.
    let mut credit = no_receipt.to_vec();
    credit.extend(["--credit-to", "alice@example.com"]);
    let back = json(d, &with(MANAGER, &credit));
    assert_eq!(back["payments"][0]["kind"], "store_credit");
    let alice = json(
        d,
        &with(CASHIER, &["customer", "find", "alice@example.com"]),
    );
    assert_eq!(alice["store_credit"], "2.18");
    let text = ok(
        d,
        &with(CASHIER, &["customer", "find", "alice@example.com"]),
    );
    assert!(text.contains("2.18 store credit"), "{text}");
    let spend = [
        "sale",
        "--item",
        "73513537:2",
        "--customer",
        "alice@example.com",
        "--store-credit",
        "5.00",
        "--pay",
        "cash",
    ];
    let err = fails(d, &with(CASHIER, &spend));
    assert!(
        err.contains("The customer has 2.18 of store credit; 5.00 cannot be spent"),
        "{err}"
    );
    let mut spend = spend.to_vec();
    spend[6] = "2.18";
    let sale = json(d, &with(CASHIER, &spend));
    assert_eq!(sale["payments"][0]["method_name"], "Store credit");
    assert_eq!(sale["payments"][0]["amount"], "2.18");
    let alice = json(
        d,
        &with(CASHIER, &["customer", "find", "alice@example.com"]),
    );
    assert_eq!(alice["store_credit"], "0.00");
}

#[test]
fn a_shift_at_the_command_line() {
    let dir = demo();
    let d = dir.path();
    // The demo's shift is open with 100.00; a cash sale of 2 soaps (5.44) and a safe drop.
    ok(
        d,
        &with(
            CASHIER,
            &["sale", "--item", "73513537:2", "--pay", "cash:10"],
        ),
    );
    // A sale voided by the cashier with a manager's PIN: it counts as a void, not a sale.
    let wrong = json(
        d,
        &with(CASHIER, &["sale", "--item", "73513537", "--pay", "cash"]),
    );
    let number = wrong["sale_number"].as_str().unwrap();
    let err = fails(
        d,
        &with(CASHIER, &["void", number, "--reason", "Wrong item"]),
    );
    assert!(
        err.contains("A manager must approve this: voiding sale T1-000002"),
        "{err}"
    );
    let voided = json(
        d,
        &with(
            CASHIER,
            &[
                "void",
                number,
                "--reason",
                "Wrong item",
                "--approve-user",
                "manager@example.com",
                "--approve-pin",
                "2345",
            ],
        ),
    );
    assert_eq!(voided["voided"]["reason"], "Wrong item");
    let err = fails(
        d,
        &with(
            CASHIER,
            &["shift", "cash-out", "20", "--reason", "Safe drop"],
        ),
    );
    assert!(err.contains("not allowed to open the cash drawer"), "{err}");
    let err = fails(
        d,
        &with(
            MANAGER,
            &["shift", "cash-out", "200", "--reason", "Safe drop"],
        ),
    );
    assert!(
        err.contains("The drawer should hold 105.44: 200.00 cannot come out"),
        "{err}"
    );
    let out = ok(
        d,
        &with(
            MANAGER,
            &["shift", "cash-out", "20", "--reason", "Safe drop"],
        ),
    );
    assert!(out.contains("Cash out 20.00: Safe drop"), "{out}");
    let x = json(d, &with(MANAGER, &["shift", "x"]));
    assert_eq!(x["figures"]["expected_cash"], "85.44");
    assert_eq!(x["figures"]["sales_count"], 1);
    let err = fails(d, &with(CASHIER, &["shift", "open", "--float", "50"]));
    assert!(
        err.contains("A shift is open at this till already"),
        "{err}"
    );

    // Counted 10.00 short: more than 5.00 off. The close is blind: count again, and the
    // same count again needs a manager; no figure of what the till expects is shown.
    let close = ["shift", "close", "--count", "20x3,5x3,0.25x1,0.01x19"];
    let err = fails(d, &with(CASHIER, &close));
    assert!(err.contains("Count the drawer again"), "{err}");
    assert!(!err.contains("85.44") && !err.contains("10.00"), "{err}");
    let err = fails(d, &with(CASHIER, &close));
    assert!(err.contains("A manager must approve"), "{err}");
    assert!(!err.contains("85.44") && !err.contains("10.00"), "{err}");
    assert!(err.contains("hint: a manager approves"), "{err}");
    let err = fails(d, &with(CASHIER, &["shift", "close", "--count", "20x3,5"]));
    assert!(err.contains("\"5\" is not VALUExCOUNT"), "{err}");
    let mut approved = close.to_vec();
    approved.extend([
        "--approve-user",
        "manager@example.com",
        "--approve-pin",
        "2345",
    ]);
    let z = json(d, &with(CASHIER, &approved));
    assert_eq!(z["z_number"], 1);
    assert_eq!(z["over_short"], "-10.00");
    assert_eq!(z["counted"]["total"], "75.44");
    assert_eq!(
        z["counts"].as_array().unwrap().len(),
        1,
        "the same count twice is one"
    );
    assert_eq!(z["counts"][0]["over_short"], "-10.00");
    let text = ok(d, &with(MANAGER, &["shift", "z", "1"]));
    assert!(text.contains("Z report 1, till T1"), "{text}");
    assert!(text.contains("Short"), "{text}");
    assert_eq!(
        json(d, &with(MANAGER, &["shift", "z"])),
        z,
        "stored as written"
    );
    // Printed on the receipt printer: the figures, no codes, a cut.
    let err = fails(d, &with(MANAGER, &["shift", "z", "1", "--print"]));
    assert!(err.contains("no receipt printer"), "{err}");
    let paper = d.join("z.bin");
    let paper_arg = format!("file:{}", paper.display());
    ok(
        d,
        &with(ADMIN, &["printer", "setup", &paper_arg, "--paper", "58"]),
    );
    let out = sellsync(d, &with(MANAGER, &["shift", "z", "1", "--print"]));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Printed Z report 1."));
    let decoded = decode(&paper);
    assert_eq!(decoded["unknown"], serde_json::json!([]), "{decoded:#}");
    let printed = &decoded["receipts"][0];
    assert_eq!(printed["boundary"], "cut");
    assert_eq!(printed["codes"], serde_json::json!([]));
    let text = printed["text"].as_str().unwrap();
    assert!(text.contains("Z REPORT 1"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("Short") && l.ends_with("-10.00")),
        "{text}"
    );
    let err = fails(d, &with(MANAGER, &["shift", "z", "9", "--print"]));
    assert!(err.contains("9"), "{err}");
    let err = fails(
        d,
        &with(CASHIER, &["sale", "--item", "73513537", "--pay", "cash"]),
    );
    assert!(err.contains("No shift is open"), "{err}");

    // A void needs the shift the sale was made in.
    let err = fails(
        d,
        &with(MANAGER, &["void", "T1-000001", "--reason", "Wrong item"]),
    );
    assert!(err.contains("belongs to a shift that is closed"), "{err}");

    // Shift opened, the sale, the cash out and the close are in the journal; a sale
    // changed in the file underneath is found.
    let out = ok(d, &with(MANAGER, &["journal", "verify"]));
    // Shift opened, two sales, the void, the cash out, the close.
    assert_eq!(out, "Journal: 6 of 6 entries verify\n");
    rusqlite::Connection::open(d.join("till.sqlite3"))
        .unwrap()
        .execute("UPDATE sales_transactions SET total_amount = 1", [])
        .unwrap();
    let err = fails(d, &with(MANAGER, &["journal", "verify"]));
    assert!(
        err.contains("from entry 2 of 6: the sale it records was changed"),
        "{err}"
    );
}

#[test]
fn parking_a_sale_and_taking_it_up() {
    let dir = demo();
    let d = dir.path();
    let parked = json(
        d,
        &with(
            CASHIER,
            &["park", "--item", "73513537:2", "--note", "red coat"],
        ),
    );
    assert_eq!(parked[0]["park_number"], "T1-P000001");
    assert_eq!(parked[0]["status"], "parked");
    let list = ok(d, &["parked"]);
    assert!(list.contains("T1-P000001"), "{list}");
    assert!(list.contains("5.44"), "{list}");
    assert!(list.contains("red coat"), "{list}");

    // A shift does not close over it without being told.
    let err = fails(d, &with(CASHIER, &["shift", "close", "--counted", "100"]));
    assert!(err.contains("1 parked sale(s) still wait"), "{err}");
    assert!(err.contains("--keep-parked"), "{err}");

    // A payment short of the total: refused, and the parked sale waits as before.
    let err = fails(
        d,
        &with(CASHIER, &["resume", "T1-P000001", "--pay", "cash:1.00"]),
    );
    assert!(err.contains("still due"), "{err}");
    assert_eq!(json(d, &["parked"])[0]["status"], "parked");

    // Taken up with one more soap and paid.
    let sale = json(
        d,
        &with(
            CASHIER,
            &[
                "resume",
                "t1-p000001",
                "--item",
                "73513537",
                "--pay",
                "cash",
            ],
        ),
    );
    assert_eq!(sale["total_amount"], "8.17");
    assert_eq!(sale["parked_sale_id"], parked[0]["id"]);
    assert_eq!(json(d, &["parked"]), serde_json::json!([]));
    let err = fails(
        d,
        &with(CASHIER, &["resume", "T1-P000001", "--pay", "cash"]),
    );
    assert!(err.contains("was completed already"), "{err}");

    // Another, discarded.
    ok(
        d,
        &with(CASHIER, &["park", "--item", "73513537", "--note", "gone"]),
    );
    let gone = json(d, &with(CASHIER, &["parked", "discard", "T1-P000002"]));
    assert_eq!(gone[0]["status"], "discarded");
    let err = fails(
        d,
        &with(CASHIER, &["resume", "T1-P000009", "--pay", "cash"]),
    );
    assert!(err.contains("No parked sale \"T1-P000009\""), "{err}");
    ok(
        d,
        &with(CASHIER, &["shift", "close", "--counted", "108.17"]),
    );
}

#[test]
fn the_day_broken_down_by_hour_product_category_cashier_and_tender() {
    let dir = demo();
    let d = dir.path();
    // Two soaps in cash (5.44), one by card (2.72), one sale voided, one soap back.
    ok(
        d,
        &with(CASHIER, &["sale", "--item", "73513537:2", "--pay", "cash"]),
    );
    ok(
        d,
        &with(
            CASHIER,
            &["sale", "--item", "73513537", "--pay", "credit-card"],
        ),
    );
    let voided = json(
        d,
        &with(CASHIER, &["sale", "--item", "PRO-001", "--pay", "cash"]),
    );
    ok(
        d,
        &with(
            MANAGER,
            &[
                "void",
                voided["sale_number"].as_str().unwrap(),
                "--reason",
                "Wrong item",
            ],
        ),
    );
    ok(
        d,
        &with(
            CASHIER,
            &[
                "return",
                "T1-000001",
                "--item",
                "73513537:1",
                "--reason",
                "Leaks",
            ],
        ),
    );

    let products = json(d, &with(MANAGER, &["report", "product"]));
    let rows = products["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "the voided bananas count nowhere: {rows:?}");
    assert_eq!(rows[0]["key"], "Cli Test Soap (CLI-1)");
    assert_eq!(rows[0]["sales"], 2);
    assert_eq!(rows[0]["quantity"], 3);
    assert_eq!(rows[0]["amount"], "8.16");
    assert_eq!(rows[0]["returned_quantity"], 1);
    assert_eq!(rows[0]["returned"], "2.72");
    assert_eq!(rows[0]["net"], "5.44");
    let tenders = json(d, &with(MANAGER, &["report", "tender"]));
    let net: Vec<(&str, &str)> = tenders["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r["net"].as_str().unwrap()))
        .collect();
    assert_eq!(
        net,
        [("Cash", "2.72"), ("Credit Card", "2.72")],
        "ties by name"
    );
    let cashiers = json(d, &with(MANAGER, &["report", "cashier"]));
    assert_eq!(cashiers["rows"][0]["sales"], 2);
    let hours = json(d, &with(MANAGER, &["report", "hour"]));
    let total: i64 = hours["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| cents(&r["net"]))
        .sum();
    assert_eq!(total, 544, "every hour adds up to the day's net");
    assert_eq!(
        json(d, &with(MANAGER, &["report", "day"]))["net"],
        "5.44",
        "the day report agrees, without the void"
    );

    let file = d.join("categories.csv");
    let text = ok(
        d,
        &with(
            MANAGER,
            &["report", "category", "--csv", file.to_str().unwrap()],
        ),
    );
    assert!(text.contains("Test"), "{text}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "category,sales,quantity,amount,returned_quantity,returned,net\nTest,2,3,8.16,1,2.72,5.44\n"
    );
    let err = fails(d, &with(CASHIER, &["report", "product"]));
    assert!(err.contains("not allowed to view reports"), "{err}");
    let err = fails(
        d,
        &with(
            MANAGER,
            &["report", "product", "--csv", "/nonexistent/x.csv"],
        ),
    );
    assert!(err.contains("could not write /nonexistent/x.csv"), "{err}");
}

#[test]
fn suppliers_and_what_a_product_is_reordered_by() {
    let dir = demo();
    let d = dir.path();
    let list = ok(d, &["supplier", "list"]);
    assert!(list.contains("No suppliers yet"), "{list}");
    let add = [
        "supplier",
        "add",
        "--name",
        "Valley Dairy",
        "--contact",
        "Sam Ortiz",
        "--email",
        "orders@valleydairy.example",
    ];
    let err = fails(d, &with(CASHIER, &add));
    assert!(err.contains("not allowed to manage inventory"), "{err}");
    let added = json(d, &with(MANAGER, &add));
    let id = added[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(added[0]["supplier_name"], "Valley Dairy");
    let err = fails(d, &with(MANAGER, &add));
    assert!(
        err.contains("There is a supplier called \"Valley Dairy\" already"),
        "{err}"
    );
    let list = ok(d, &["supplier", "list"]);
    assert!(
        list.contains("Valley Dairy  Sam Ortiz, orders@valleydairy.example"),
        "{list}"
    );

    let edit = [
        "product",
        "edit",
        "DAI-002",
        "--supplier",
        "valley dairy",
        "--reorder-qty",
        "24",
        "--cost",
        "4.10",
    ];
    let product = json(d, &with(MANAGER, &edit));
    assert_eq!(product[0]["supplier_id"], id.as_str());
    assert_eq!(product[0]["reorder_quantity"], 24);
    assert_eq!(product[0]["unit_cost"], "4.10");
    let err = fails(
        d,
        &with(
            MANAGER,
            &["product", "edit", "DAI-002", "--supplier", "Nobody Ltd"],
        ),
    );
    assert!(
        err.contains("No supplier is called \"Nobody Ltd\""),
        "{err}"
    );
    let err = fails(
        d,
        &with(
            MANAGER,
            &["product", "edit", "DAI-002", "--reorder-qty", "-3"],
        ),
    );
    assert!(
        err.contains("A reorder quantity cannot be negative"),
        "{err}"
    );

    // A sale that takes it down to its threshold puts it on the supplier's draft.
    let stock = json(d, &["product", "find", "DAI-002"])[0]["stock"]
        .as_i64()
        .unwrap();
    let threshold = (stock - 1).to_string();
    let edit = ["product", "edit", "DAI-002", "--threshold", &threshold];
    ok(d, &with(MANAGER, &edit));
    let none = ok(d, &["po", "list", "--status", "draft"]);
    assert!(none.contains("No purchase orders."), "{none}");
    ok(
        d,
        &with(CASHIER, &["sale", "--item", "DAI-002", "--pay", "cash"]),
    );
    let drafts = ok(d, &["po", "list", "--status", "draft"]);
    assert!(
        drafts.contains("T1-PO000001 draft (automatic) to Valley Dairy: 1 line(s), 98.40"),
        "{drafts}"
    );
    let notes = ok(d, &["notifications"]);
    assert!(
        notes.contains("put on order T1-PO000001 to Valley Dairy"),
        "{notes}"
    );
}

#[test]
fn a_purchase_order_at_the_command_line() {
    let dir = demo();
    let d = dir.path();
    ok(
        d,
        &with(MANAGER, &["supplier", "add", "--name", "Valley Dairy"]),
    );
    let create = [
        "po",
        "create",
        "--supplier",
        "Valley Dairy",
        "--expected",
        "2026-12-24",
        "--item",
        "DAI-002:24@4.10",
        "--item",
        "DAI-001:6",
    ];
    let err = fails(d, &with(CASHIER, &create));
    assert!(err.contains("not allowed to manage inventory"), "{err}");
    let order = json(d, &with(MANAGER, &create));
    let number = order[0]["order_number"].as_str().unwrap().to_owned();
    assert_eq!(number, "T1-PO000001");
    assert_eq!(order[0]["order_status"], "draft");
    assert_eq!(order[0]["expected_delivery"], "2026-12-24");
    assert_eq!(order[0]["lines"][0]["unit_price"], "4.10");
    assert_eq!(order[0]["lines"][1]["unit_price"], Value::Null);
    let order = json(d, &with(MANAGER, &["po", "set", &number, "DAI-001", "0"]));
    assert_eq!(order[0]["lines"].as_array().unwrap().len(), 1);
    ok(d, &with(MANAGER, &["po", "order", &number]));
    let err = fails(
        d,
        &with(MANAGER, &["po", "add", &number, "--item", "DAI-001:2"]),
    );
    assert!(err.contains("is ordered: only a draft can change"), "{err}");

    let file = d.join("order.csv");
    let file_arg = file.to_str().unwrap();
    let page = d.join("order.html");
    let page_arg = page.to_str().unwrap();
    ok(
        d,
        &[
            "po", "export", &number, "--csv", file_arg, "--page", page_arg,
        ],
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<h1>Purchase order T1-PO000001</h1>"),
        "{html}"
    );
    assert!(html.contains("To: <strong>Valley Dairy</strong>"), "{html}");
    assert!(html.contains("Expected delivery: 2026-12-24"), "{html}");
    assert!(
        html.contains("<td class=\"n\">24</td><td class=\"n\">4.10</td><td class=\"n\">98.40</td>"),
        "{html}"
    );
    let err = fails(d, &["po", "export", &number]);
    assert!(err.contains("--csv"), "{err}");
    let csv = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "sku,product,quantity,unit_price,line_total");
    assert!(lines[1].starts_with("DAI-002,"), "{csv}");
    assert!(lines[1].ends_with(",24,4.10,98.40"), "{csv}");

    let listed = ok(d, &["po", "list", "--status", "ordered"]);
    assert!(
        listed
            .contains("T1-PO000001 ordered to Valley Dairy: 1 line(s), 98.40, expected 2026-12-24"),
        "{listed}"
    );
    let none = ok(d, &["po", "list", "--status", "draft"]);
    assert!(none.contains("No purchase orders."), "{none}");
    let err = fails(d, &["po", "list", "--status", "lost"]);
    assert!(err.contains("one of draft, ordered"), "{err}");
    let cancelled = json(d, &with(MANAGER, &["po", "cancel", &number]));
    assert_eq!(cancelled[0]["order_status"], "cancelled");
    let err = fails(d, &["po", "show", "T1-PO000042"]);
    assert!(
        err.contains("This store has no purchase order \"T1-PO000042\""),
        "{err}"
    );
}

#[test]
fn a_transfer_at_the_command_line() {
    let dir = demo();
    let d = dir.path();
    let none = ok(d, &["transfer", "stores"]);
    assert!(
        none.contains("This till knows no other store of the business"),
        "{none}"
    );
    let send = |to: &'static str| -> [&'static str; 8] {
        [
            "transfer",
            "send",
            "--to",
            to,
            "--item",
            "DAI-002:5",
            "--item",
            "DAI-001:2",
        ]
    };
    let err = fails(d, &with(MANAGER, &send("Uptown")));
    assert!(
        err.contains("No other store of this business is called \"Uptown\""),
        "{err}"
    );
    let own = json(d, &["transfer", "stores"]);
    assert_eq!(own, Value::Array(vec![]));
    let here = "Corner Market Downtown";
    let err = fails(d, &with(MANAGER, &send(here)));
    assert!(err.contains("not to the one it is in"), "{err}");

    // The business's other store, as a sync with central brings it.
    let db = rusqlite::Connection::open(d.join("till.sqlite3")).unwrap();
    db.execute(
        "INSERT INTO stores (_id, business_id, store_name, location, created_at)
         SELECT '64b000000000000000000001', business_id, 'Uptown', '9 Hill St',
            '2026-12-01T09:00:00.000Z' FROM till",
        [],
    )
    .unwrap();
    drop(db);
    let stores = ok(d, &["transfer", "stores"]);
    assert!(stores.contains("Uptown  9 Hill St"), "{stores}");
    let before = json(d, &["product", "find", "DAI-002"])[0]["stock"]
        .as_i64()
        .unwrap();
    let err = fails(d, &with(CASHIER, &send("Uptown")));
    assert!(err.contains("not allowed to manage inventory"), "{err}");
    let sent = json(d, &with(MANAGER, &send("uptown")));
    assert_eq!(sent[0]["transfer_number"], "T1-TR000001");
    assert_eq!(sent[0]["status"], "in_transit");
    let after = json(d, &["product", "find", "DAI-002"])[0]["stock"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before - 5, "the stock left at once");
    let listed = ok(d, &["transfer", "list", "--status", "in_transit"]);
    assert!(
        listed.contains("T1-TR000001 in_transit to Uptown: 2 line(s)"),
        "{listed}"
    );
    let err = fails(d, &with(MANAGER, &["transfer", "receive", "T1-TR000001"]));
    assert!(
        err.contains("goes to Uptown: it is received there"),
        "{err}"
    );
    let cancelled = ok(d, &with(MANAGER, &["transfer", "cancel", "T1-TR000001"]));
    assert!(
        cancelled.contains("T1-TR000001 cancelled to Uptown"),
        "{cancelled}"
    );
    let back = json(d, &["product", "find", "DAI-002"])[0]["stock"]
        .as_i64()
        .unwrap();
    assert_eq!(back, before);
    let err = fails(d, &["transfer", "list", "--status", "lost"]);
    assert!(
        err.contains("one of in_transit, received, cancelled"),
        "{err}"
    );
    let err = fails(d, &["transfer", "show", "T1-TR000042"]);
    assert!(err.contains("no transfer \"T1-TR000042\""), "{err}");
}

#[test]
fn a_stock_count_at_the_command_line() {
    let dir = demo();
    let d = dir.path();
    let category = json(d, &["product", "find", "DAI-002"])[0]["category"]
        .as_str()
        .unwrap()
        .to_owned();
    let stock = |d: &Path| {
        json(d, &["product", "find", "DAI-002"])[0]["stock"]
            .as_i64()
            .unwrap()
    };
    let before = stock(d);
    let err = fails(d, &with(MANAGER, &["count", "scan", "DAI-002"]));
    assert!(err.contains("No stock count is open on this till"), "{err}");
    let err = fails(d, &with(CASHIER, &["count", "start"]));
    assert!(err.contains("not allowed to manage inventory"), "{err}");
    let started = ok(
        d,
        &with(MANAGER, &["count", "start", "--category", &category]),
    );
    assert!(
        started.contains(&format!("Counting {category}: 0 product(s) counted")),
        "{started}"
    );
    let err = fails(d, &with(MANAGER, &["count", "start"]));
    assert!(err.contains("A stock count is open on this till"), "{err}");
    ok(d, &with(MANAGER, &["count", "scan", "DAI-002"]));
    let shown = ok(d, &with(MANAGER, &["count", "scan", "DAI-002:2"]));
    assert!(
        shown.contains(&format!(
            "counted     3, expected {before:>5}, {:+}",
            3 - before
        )),
        "{shown}"
    );
    let err = fails(d, &with(MANAGER, &["count", "scan", "DAI-002:-1"]));
    assert!(err.contains("-1"), "{err}");
    let posted = json(d, &with(MANAGER, &["count", "post"]));
    assert_eq!(posted["adjusted"], 1);
    assert_eq!(posted["net_difference"], 3 - before);
    assert_eq!(stock(d), 3);
    let err = fails(d, &with(MANAGER, &["count", "post"]));
    assert!(err.contains("No stock count is open on this till"), "{err}");
    let none = ok(d, &["count", "show"]);
    assert!(none.contains("No stock count is open"), "{none}");
}

#[test]
fn an_api_key_made_at_the_till_is_shown_once_and_an_enrolment_code_needs_the_server() {
    let dir = demo();
    let d = dir.path();
    const ADMIN: [&str; 4] = ["--user", "admin@example.com", "--pin", "1234"];
    let err = fails(d, &with(MANAGER, &["api-key", "create"]));
    assert!(err.contains("not allowed to change settings"), "{err}");
    let made = json(d, &with(ADMIN, &["api-key", "create", "--read-only"]));
    let key = made["key"].as_str().unwrap();
    assert!(key.starts_with("ssk_") && key.len() == 43, "{made}");
    assert_eq!(made["scopes"], serde_json::json!(["read"]));
    // Waiting in the outbox, its hash hidden there and the key nowhere.
    let outbox = ok(d, &with(MANAGER, &["outbox"]));
    assert!(outbox.contains("api_keys"), "{outbox}");
    assert!(
        !outbox.contains(&key[4..36]),
        "the key is not kept on the till"
    );
    let text = ok(d, &with(ADMIN, &["api-key", "create"]));
    assert!(
        text.contains("shown this once") && text.contains("read, write"),
        "{text}"
    );
    // A till not enrolled at the Sell Sync server cannot ask it for a code.
    let err = fails(d, &with(MANAGER, &["sync", "enrol-code"]));
    assert!(
        err.contains("does not sync through the Sell Sync server"),
        "{err}"
    );
}

#[test]
fn barcode_rules_are_set_and_labels_are_read() {
    let dir = demo();
    let d = dir.path();
    // A manager may not set them; a country nobody made a layout for is refused by name.
    let err = fails(
        d,
        &with(MANAGER, &["barcode-rules", "set", "--country", "Sweden"]),
    );
    assert!(err.contains("not allowed"), "{err}");
    let err = fails(
        d,
        &with(ADMIN, &["barcode-rules", "set", "--country", "Atlantis"]),
    );
    assert!(err.contains("United Kingdom"), "{err}");
    let rules = json(
        d,
        &with(ADMIN, &["barcode-rules", "set", "--country", "Sweden"]),
    );
    assert_eq!(rules[0]["prefix"], "23");
    assert_eq!(
        rules[0]["value"],
        serde_json::json!({ "from": 9, "digits": 4 })
    );

    // Rules from a file, as `--json` lists them: the same rules back.
    let file = d.join("rules.json");
    std::fs::write(&file, rules.to_string()).unwrap();
    let again = json(
        d,
        &with(
            ADMIN,
            &["barcode-rules", "set", "--file", file.to_str().unwrap()],
        ),
    );
    assert_eq!(again, rules);
    // Two rules that read the same codes are refused, and the rules stay as they were.
    let mut twice = rules.as_array().unwrap().clone();
    let mut copy = twice[0].clone();
    copy["name"] = "Deli".into();
    twice.push(copy);
    std::fs::write(&file, Value::Array(twice).to_string()).unwrap();
    let err = fails(
        d,
        &with(
            ADMIN,
            &["barcode-rules", "set", "--file", file.to_str().unwrap()],
        ),
    );
    assert!(
        err.contains("would both read the codes that begin 23"),
        "{err}"
    );
    assert_eq!(json(d, &["barcode-rules", "list"]), rules);

    ok(
        d,
        &with(
            MANAGER,
            &[
                "product",
                "add",
                "--sku",
                "BRIE",
                "--name",
                "Brie",
                "--price",
                "9.90",
                "--unit",
                "kg",
                "--barcode",
                "2388060100006",
            ],
        ),
    );
    let read = json(d, &["barcode", "2388060112344"]);
    assert_eq!(read["kind"], "weighed");
    assert_eq!(read["product"]["sku"], "BRIE");
    assert_eq!(
        (read["weight"].as_str(), cents(&read["price"])),
        (Some("1.234"), 1222)
    );
    let text = ok(d, &["barcode", "2388060112344"]);
    assert!(
        text.contains("weighing 1.234 kg at 9.90/kg: 12.22"),
        "{text}"
    );
    assert_eq!(json(d, &["barcode", "73513537"])["kind"], "product");
    let err = fails(d, &["barcode", "2388060112345"]);
    assert!(err.contains("wrong check digit"), "{err}");
    assert_eq!(
        err.matches("wrong check digit").count(),
        1,
        "said once: {err}"
    );

    let none = ok(d, &with(ADMIN, &["barcode-rules", "set", "--none"]));
    assert!(none.contains("No barcode rules"), "{none}");
    let err = fails(d, &["barcode", "2388060112344"]);
    assert!(err.contains("No product has the barcode"), "{err}");
}

#[test]
fn variants_roll_up_by_family_and_labels_print_on_sheets() {
    let dir = demo();
    let d = dir.path();
    // The demo's T-shirts: six variants of 6 each, rolled up into one line.
    let rows = json(d, &["stock", "--by-family"]);
    let shirts = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Corner Market T-shirt")
        .unwrap_or_else(|| panic!("{rows}"));
    assert_eq!(
        (shirts["products"].as_u64(), shirts["stock"].as_i64()),
        (Some(6), Some(36))
    );
    assert_eq!(shirts["low"], serde_json::json!([]));
    let soap = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Cli Test Soap")
        .unwrap();
    assert_eq!(
        soap["products"], 1,
        "a product of no family is its own line"
    );

    // A purchase order of two variants and another product, rolled up by family.
    ok(
        d,
        &with(MANAGER, &["supplier", "add", "--name", "Tee Mill"]),
    );
    let order = json(
        d,
        &with(
            MANAGER,
            &[
                "po",
                "create",
                "--supplier",
                "Tee Mill",
                "--item",
                "APP-TEE-S-NAVY:12@4.00",
                "--item",
                "APP-TEE-M-NAVY:24@4.00",
                "--item",
                "CLI-1:5",
            ],
        ),
    );
    let number = order[0]["order_number"].as_str().unwrap().to_owned();
    let rolled = json(d, &["po", "show", &number, "--by-family"]);
    assert_eq!(
        rolled["families"],
        serde_json::json!([
            { "name": "Corner Market T-shirt", "lines": 2, "quantity_ordered": 36,
              "quantity_received": 0, "cost": "144.00" },
            { "name": "Cli Test Soap", "lines": 1, "quantity_ordered": 5,
              "quantity_received": 0, "cost": "0.00" },
        ])
    );

    // Shelf labels of a category and a product, twice each, on one A4 sheet.
    let sheet = d.join("labels.html");
    let written = json(
        d,
        &[
            "label-sheet",
            "CLI-1",
            "--category",
            "apparel",
            "--copies",
            "2",
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert_eq!(
        (&written["products"], &written["labels"], &written["sheets"]),
        (
            &serde_json::json!(7),
            &serde_json::json!(14),
            &serde_json::json!(1)
        )
    );
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert_eq!(html.matches(r#"data-sku="APP-TEE-M-NAVY""#).count(), 2);
    assert_eq!(html.matches(r#"data-sku="CLI-1""#).count(), 2);
    // Refused, and no page written: an unknown product, a category of none, a paper.
    let nothing = d.join("nothing.html");
    let out = nothing.to_str().unwrap();
    let err = fails(d, &["label-sheet", "NO-SUCH", "--out", out]);
    assert!(err.contains("NO-SUCH"), "{err}");
    let err = fails(d, &["label-sheet", "--category", "Garden", "--out", out]);
    assert!(
        err.contains("No product is in the category \"Garden\""),
        "{err}"
    );
    let err = fails(d, &["label-sheet", "CLI-1", "--paper", "a5", "--out", out]);
    assert!(err.contains("give a4 or letter"), "{err}");
    assert!(!nothing.exists());
}
