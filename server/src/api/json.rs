//! Central documents as the REST API shows them, pure: ids as hex strings (`_id` as `id`),
//! dates as RFC 3339, money and other decimals as decimal strings, integers as numbers;
//! quantities (stock, what was sold, ordered, sent) always as decimal strings (`"2"`,
//! `"0.742"`), whether stored as an integer or a `Decimal128`.
//! Never a hash: a field named `*_hash` (PINs, passwords, keys, credentials) is left out,
//! as are the reconciler's own bookkeeping fields.

use bson::{Bson, Document};
use chrono::SecondsFormat;
use sellsync_contract::documents::{field, quantity_value};
use serde_json::{Map, Value};

/// Fields the API never shows: the reconciler's bookkeeping.
const INTERNAL: [&str; 2] = [field::PENDING_MOVEMENTS, field::STOCK_APPLIED];

/// Fields that hold a quantity, wherever they are (a product, its levels, an item).
const QUANTITIES: [&str; 10] = [
    field::QUANTITY,
    field::STOCK,
    field::OPENING_STOCK,
    field::STOCK_THRESHOLD,
    field::REORDER_QUANTITY,
    field::QUANTITY_ORDERED,
    field::QUANTITY_RECEIVED,
    field::QUANTITY_DAMAGED,
    field::QUANTITY_SENT,
    field::TARE,
];

/// `document` as the API shows it.
pub fn document(document: &Document) -> Value {
    let mut out = Map::with_capacity(document.len());
    for (name, value) in document {
        if name.ends_with("_hash") || INTERNAL.contains(&name.as_str()) {
            continue;
        }
        let name = if name == field::ID {
            "id"
        } else {
            name.as_str()
        };
        let shown = match quantity_value(value) {
            Some(quantity) if QUANTITIES.contains(&name) => Value::String(quantity.decimal()),
            _ => self::value(value),
        };
        out.insert(name.to_owned(), shown);
    }
    Value::Object(out)
}

fn value(value: &Bson) -> Value {
    match value {
        Bson::ObjectId(id) => Value::String(id.to_hex()),
        Bson::DateTime(at) => {
            Value::String(at.to_chrono().to_rfc3339_opts(SecondsFormat::Millis, true))
        }
        Bson::Decimal128(d) => Value::String(d.to_string()),
        Bson::Int32(n) => Value::from(*n),
        Bson::Int64(n) => Value::from(*n),
        Bson::Double(n) => Value::from(*n),
        Bson::String(s) => Value::String(s.clone()),
        Bson::Boolean(b) => Value::Bool(*b),
        Bson::Null | Bson::Undefined => Value::Null,
        Bson::Array(items) => Value::Array(items.iter().map(self::value).collect()),
        Bson::Document(d) => document(d),
        other => Value::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bson::oid::ObjectId;
    use bson::{doc, Decimal128};
    use std::str::FromStr;

    #[test]
    fn ids_dates_money_and_quantities_read_plainly_and_no_hash_is_shown() {
        let id = ObjectId::new();
        let shown = document(&doc! {
            "_id": id,
            "price": Decimal128::from_str("3.49").unwrap(),
            "stock": 12_i64,
            "created_at": bson::DateTime::from_millis(1_764_720_000_123),
            "pin_hash": "$argon2id$v=19$m=19456,t=2,p=1$x$y",
            "key_hash": "ab12",
            "pending_movements": [],
            "stock_levels": [ { "store_id": id, "stock": 5_i64 } ],
            "stock_threshold": Decimal128::from_str("2.500").unwrap(),
            "loyalty_points": 7_i64,
        });
        assert_eq!(
            shown,
            serde_json::json!({
                "id": id.to_hex(),
                "price": "3.49",
                "stock": "12",
                "created_at": "2025-12-03T00:00:00.123Z",
                "stock_levels": [ { "store_id": id.to_hex(), "stock": "5" } ],
                "stock_threshold": "2.5",
                "loyalty_points": 7,
            })
        );
    }
}
