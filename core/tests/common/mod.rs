//! Shared fixtures: a real till database in a temporary folder, and a way to see that a
//! failed operation left it exactly as it was.
#![allow(dead_code)] // each test file uses its own share of the helpers

use sellsync_contract::Quantity;
use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::Connection;
use sellsync_core::{Actor, Credential, Money, NewProduct, Percent, Tender, Till};
use tempfile::TempDir;

pub const MILK: &str = "5901234123457"; // EAN-13
pub const CHOC: &str = "96385074"; // EAN-8
pub const CABLE: &str = "036000291452"; // UPC-A

pub struct Shop {
    pub dir: TempDir,
    pub till: Till,
    pub admin: Actor,
    pub manager: Actor,
    pub cashier: Actor,
}

/// The demo store plus three test products with known prices, stock and thresholds:
/// milk 3.49 untaxed (10 in stock, threshold 3), chocolate 1.99 at 8.875% (6, threshold 5)
/// and a cable 12.99 at 8.875% (1, threshold 0).
pub fn shop() -> Shop {
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    let admin = till
        .sign_in("admin@example.com", Credential::Pin("1234"))
        .unwrap();
    let manager = till
        .sign_in("manager@example.com", Credential::Pin("2345"))
        .unwrap();
    let cashier = till
        .sign_in("cashier@example.com", Credential::Pin("1111"))
        .unwrap();
    let rate = Percent::parse("8.875").unwrap();
    for (sku, name, barcode, price, tax_rate, stock, threshold) in [
        (
            "T-MILK",
            "Test Whole Milk 1 L",
            MILK,
            349,
            Percent::ZERO,
            10,
            3,
        ),
        ("T-CHOC", "Test Dark Chocolate 100 g", CHOC, 199, rate, 6, 5),
        ("T-CABLE", "Test USB-C Cable 1 m", CABLE, 1299, rate, 1, 0),
    ] {
        till.add_product(
            &admin,
            &NewProduct {
                sku: sku.into(),
                product_name: name.into(),
                price: Money::from_minor(price),
                barcode: Some(barcode.into()),
                category: Some("Test".into()),
                tax_rate: Some(tax_rate),
                stock: Quantity::units(stock),
                stock_threshold: Quantity::units(threshold),
                supplier_id: None,
                only_this_store: false,
                ..NewProduct::default()
            },
        )
        .unwrap();
    }
    Shop {
        dir,
        till,
        admin,
        manager,
        cashier,
    }
}

/// Every row of every table of the till database in `dir`, read through a separate
/// connection: two snapshots are equal only if nothing at all was written.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = Connection::open(dir.join("till.sqlite3")).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|table| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let values: Vec<Value> = (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                    Ok(format!("{values:?}"))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            rows.sort();
            (table, rows)
        })
        .collect()
}

/// Rows in `table` of the till database in `dir`.
/// Marks everything in the outbox delivered, as a sync would.
pub fn deliver_all(till: &mut Till) {
    let seqs: Vec<i64> = till
        .pending_operations(1_000_000)
        .unwrap()
        .iter()
        .map(|op| op.seq)
        .collect();
    till.mark_delivered(&seqs).unwrap();
}

/// An outbox payload (canonical Extended JSON) as the document central receives.
pub fn payload_document(payload: &str) -> bson::Document {
    let json: serde_json::Value = serde_json::from_str(payload).unwrap();
    let bson::Bson::Document(doc) = bson::Bson::try_from(json).unwrap() else {
        panic!("a payload is a document")
    };
    doc
}

pub fn count(dir: &Path, table: &str) -> i64 {
    Connection::open(dir.join("till.sqlite3"))
        .unwrap()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

pub fn usd(text: &str) -> Money {
    sellsync_core::Currency::from_code("USD")
        .unwrap()
        .parse(text)
        .unwrap()
}

/// A payment by `method` ("cash", "credit card", …) of `amount` in dollars; `None` pays
/// what is left.
pub fn tender(till: &Till, method: &str, amount: Option<&str>) -> Tender {
    Tender {
        method: till.payment_method(method).unwrap(),
        amount: amount.map(usd),
    }
}

/// A return of `quantity` units of line `line` (from 0) of a sale, undamaged, refunded to
/// the sale's own tenders, no manager.
pub fn take_back(
    sale_id: sellsync_core::Id,
    line: usize,
    quantity: i64,
    reason: &str,
) -> sellsync_core::sell::returns::ReturnOfSale<'static> {
    sellsync_core::sell::returns::ReturnOfSale {
        sale_id,
        lines: vec![sellsync_core::sell::returns::ReturnLine {
            line,
            quantity: Quantity::units(quantity),
            damaged: false,
        }],
        reason: reason.into(),
        refunds: Vec::new(),
        approval: None,
    }
}

/// The error `result` holds, which has `code`; its words.
pub fn refused<T: std::fmt::Debug>(result: sellsync_core::Result<T>, code: &str) -> String {
    let err = result.unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    err.to_string()
}
